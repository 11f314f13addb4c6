// Helpers for the engine tests: a Store in a unique temp dir with a fake
// clock, a QueryProcessor on it, and synchronous query execution.
#pragma once

#include <atomic>
#include <filesystem>
#include <future>
#include <memory>
#include <random>
#include <string>

#include "cql/engine/parser.h"
#include "cql/engine/query_processor.h"
#include "cql/storage/store.h"

namespace medallion::cql::testing {

class EngineFixture {
 public:
  EngineFixture() {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("cql-engine-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
    open();
  }
  ~EngineFixture() {
    processor_.reset();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  void open() {
    processor_.reset();
    store_.reset();
    StoreOptions so;
    so.commit_policy = CommitPolicy::kPeriodic;
    so.now_seconds = [this] { return micros_.load() / 1000000; };
    auto store = Store::open(dir_.string(), so);
    if (!store) throw std::runtime_error(store.status().message());
    store_ = std::move(*store);
    ProcessorOptions po;
    po.now_micros = [this] { return micros_.fetch_add(1) + 1; };
    auto p = QueryProcessor::open(store_.get(), po);
    if (!p) throw std::runtime_error(p.status().message());
    processor_ = std::move(*p);
  }

  void advance_seconds(int64_t s) { micros_ += s * 1000000; }

  util::Result<std::shared_ptr<const PreparedStatement>> prepare(const std::string& text) {
    auto parsed = parse_statement(text);
    if (!parsed) return parsed.status();
    return processor_->prepare(std::move(*parsed), text, keyspace_);
  }

  util::Result<QueryResult> execute(std::shared_ptr<const PreparedStatement> st,
                                    const QueryParameters& params) {
    std::promise<util::Result<QueryResult>> promise;
    auto future = promise.get_future();
    processor_->execute(std::move(st), params, [&promise](util::Result<QueryResult> r) {
      promise.set_value(std::move(r));
    });
    auto r = future.get();
    if (r) {
      if (auto* ks = std::get_if<SetKeyspaceResult>(&*r)) keyspace_ = ks->keyspace;
    }
    return r;
  }

  util::Result<QueryResult> query(const std::string& text, QueryParameters params = {}) {
    auto st = prepare(text);
    if (!st) return st.status();
    return execute(std::move(*st), params);
  }

  QueryProcessor& processor() { return *processor_; }
  std::string keyspace_;

 private:
  std::filesystem::path dir_;
  std::atomic<int64_t> micros_{int64_t{1700000000} * 1000000};
  std::unique_ptr<Store> store_;
  std::unique_ptr<QueryProcessor> processor_;
};

}  // namespace medallion::cql::testing
