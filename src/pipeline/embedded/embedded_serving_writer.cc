#include "pipeline/embedded/embedded_serving_writer.h"

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "util/thread_pool.h"

namespace medallion::pipeline {
namespace {

// Runs task(0) .. task(n - 1) on the process's CPU pool and the calling
// thread; returns the first error.
util::Status run_in_parallel(size_t n, const std::function<util::Status(size_t)>& task) {
  std::vector<util::Status> results(n, util::Status::ok());
  util::parallel_for(&util::cpu_pool(), n, [&](size_t i) { results[i] = task(i); });
  for (auto& r : results) {
    if (!r.is_ok()) return r;
  }
  return util::Status::ok();
}

// One load per statement text, that is per table: the tables' keys are
// disjoint, so the loads' files never overlap, and each load is filled and
// committed in parallel with the others.
class EmbeddedServingWriter final : public ServingWriter {
 public:
  explicit EmbeddedServingWriter(cql::EmbeddedCqlServer& node) : node_(node) {}

  util::Status write(std::vector<cql::CqlStatement> statements) override {
    std::map<std::string_view, std::vector<const cql::CqlStatement*>> by_text;
    for (const auto& statement : statements) {
      by_text[text_of(statement)].push_back(&statement);
    }
    std::vector<
        std::pair<cql::EmbeddedCqlServer::BulkLoad*, const std::vector<const cql::CqlStatement*>*>>
        work;
    for (const auto& [text, members] : by_text) {
      auto& load = loads_[std::string(text)];
      if (!load) {
        MEDALLION_ASSIGN_OR_RETURN(load, node_.begin_bulk_load());
      }
      work.emplace_back(load.get(), &members);
    }
    MEDALLION_RETURN_IF_ERROR(run_in_parallel(work.size(), [&work](size_t i) {
      auto& [load, members] = work[i];
      for (const cql::CqlStatement* statement : *members) {
        MEDALLION_RETURN_IF_ERROR(load->add(text_of(*statement), statement->values));
      }
      return util::Status::ok();
    }));
    size_t entries = 0;
    for (const auto& [text, load] : loads_) entries += load->entries();
    return entries >= kMaxEntriesPerLoad ? commit() : util::Status::ok();
  }

  util::Status end_batch() override { return commit(); }

 private:
  static std::string_view text_of(const cql::CqlStatement& statement) {
    return statement.prepared ? statement.prepared->query : statement.query;
  }

  util::Status commit() {
    std::vector<std::unique_ptr<cql::EmbeddedCqlServer::BulkLoad>> loads;
    for (auto& [text, load] : loads_) loads.push_back(std::move(load));
    loads_.clear();
    return run_in_parallel(loads.size(), [&loads](size_t i) { return loads[i]->commit(); });
  }

  cql::EmbeddedCqlServer& node_;
  std::map<std::string, std::unique_ptr<cql::EmbeddedCqlServer::BulkLoad>> loads_;
};

}  // namespace

std::unique_ptr<ServingWriter> embedded_serving_writer(cql::EmbeddedCqlServer& node) {
  return std::make_unique<EmbeddedServingWriter>(node);
}

}  // namespace medallion::pipeline
