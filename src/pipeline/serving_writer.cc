#include "pipeline/serving_writer.h"

namespace medallion::pipeline {
namespace {

// Statements per UNLOGGED BATCH, and batches outstanding: enough to
// amortize a request, few enough (about 5 kB of values) to stay at
// Cassandra's batch_size_warn_threshold.
constexpr size_t kServingStatementsPerBatch = 32;
constexpr size_t kServingBatchesInFlight = 256;

class CqlServingWriter final : public ServingWriter {
 public:
  explicit CqlServingWriter(cql::Session& session) : session_(session) {}
  util::Status write(std::vector<cql::CqlStatement> statements) override {
    cql::GroupOptions group;
    group.max_statements_per_batch = kServingStatementsPerBatch;
    group.max_in_flight = kServingBatchesInFlight;
    group.pack_partitions = true;
    return session_.execute_grouped(std::move(statements), group);
  }
  util::Status end_batch() override { return util::Status::ok(); }

 private:
  cql::Session& session_;
};

}  // namespace

std::unique_ptr<ServingWriter> cql_serving_writer(cql::Session& session) {
  return std::make_unique<CqlServingWriter>(session);
}

}  // namespace medallion::pipeline
