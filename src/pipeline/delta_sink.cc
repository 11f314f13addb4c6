#include "pipeline/delta_sink.h"

#include <fmt/format.h>

#include "delta/columnar_bridge.h"
#include "delta/log_segment.h"
#include "delta/table_writer.h"

namespace medallion::pipeline {
namespace {

// Creates the table with the batch's schema unless there is one already.
util::Status ensure_table(util::FileSystem& fs, const std::string& table_root,
                          const columnar::Schema& schema) {
  auto listing = delta::list_log(fs, table_root);
  if (listing.is_ok()) return util::Status::ok();
  if (listing.status().code() != util::StatusCode::kNotFound) return listing.status();
  auto created = delta::create_table(fs, table_root, delta::delta_schema_of(schema), {}, {});
  // kAlreadyExists: another writer created it meanwhile.
  if (!created.is_ok() && created.status().code() != util::StatusCode::kAlreadyExists) {
    return created.status();
  }
  return util::Status::ok();
}

}  // namespace

BatchSink append_sink(util::FileSystem& fs, std::string table_root, std::string stream_id) {
  return [&fs, table_root = std::move(table_root), stream_id = std::move(stream_id)](
             const columnar::RecordBatch& batch, int64_t batch_id) -> util::Status {
    MEDALLION_RETURN_IF_ERROR(ensure_table(fs, table_root, batch.schema()));
    delta::WriteOptions options;
    options.app_id = stream_id;
    options.app_version = batch_id;
    auto written = delta::append(fs, table_root, delta::to_row_batch(batch), options);
    if (!written.is_ok()) {
      return written.status().with_context(
          fmt::format("pipeline: cannot append batch {} to table {}", batch_id, table_root));
    }
    return util::Status::ok();
  };
}

}  // namespace medallion::pipeline
