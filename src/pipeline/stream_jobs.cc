#include "pipeline/stream_jobs.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <future>
#include <iterator>
#include <vector>

#include "cql/client/session.h"
#include "delta/log_segment.h"
#include "delta/stream_source.h"
#include "pipeline/serving_writer.h"
#include "pipeline/sessionize.h"
#include "util/thread_pool.h"

namespace medallion::pipeline {
namespace {

// Gold rows turned into statements at a time: the statements of a whole
// batch would hold every row's values several times over.
constexpr size_t kServingRowsPerSlice = 65536;
// Parts of a slice whose statements are built at once.
constexpr size_t kBuildParts = 4;

util::Status require_table(util::FileSystem& fs, const std::string& table_root,
                           std::string_view produced_by) {
  auto listing = delta::list_log(fs, table_root);
  if (listing.is_ok()) return util::Status::ok();
  if (listing.status().code() == util::StatusCode::kNotFound) {
    return util::Status::not_found(fmt::format(
        "pipeline: no Delta table at {}: run `medallion {}` first", table_root, produced_by));
  }
  return listing.status();
}

StreamRunOptions run_options(util::FileSystem& fs, const lake::LakeLayout& layout,
                             std::string_view stream, const StreamJobOptions& options) {
  StreamRunOptions run;
  run.fs = &fs;
  run.checkpoint_dir = layout.stream_checkpoint(stream);
  run.trigger = options.trigger;
  run.interval = options.interval;
  run.stop_signal = options.stop_signal;
  run.on_progress = options.on_progress;
  return run;
}

util::Result<delta::DeltaStreamSource> open_source(util::FileSystem& fs,
                                                   const std::string& table_root,
                                                   const StreamJobOptions& options) {
  delta::StreamSourceOptions source;
  source.max_files_per_trigger = options.max_files_per_trigger;
  source.max_bytes_per_trigger = options.max_bytes_per_trigger;
  // Both sinks are idempotent on content: rows of rewritten files may come
  // again (a MERGE's rewrite carries unchanged rows along).
  source.ignore_changes = true;
  return delta::DeltaStreamSource::open(fs, table_root, source);
}

}  // namespace

util::Result<StreamRunSummary> run_sessions_job(util::FileSystem& fs,
                                                const lake::LakeLayout& layout,
                                                const StreamJobOptions& options) {
  const std::string raw = layout.raw_session_events();
  const std::string gold = layout.use_case_session_events();
  MEDALLION_RETURN_IF_ERROR(require_table(fs, raw, "refine"));
  MEDALLION_RETURN_IF_ERROR(ensure_sessions_table(fs, gold));
  const StreamRunOptions run = run_options(fs, layout, kSessionsStreamName, options);
  MEDALLION_ASSIGN_OR_RETURN(std::string id, stream_id(fs, run.checkpoint_dir));
  MEDALLION_ASSIGN_OR_RETURN(delta::DeltaStreamSource source, open_source(fs, raw, options));
  return run_stream(source, sessions_sink(fs, gold, std::move(id)), run);
}

util::Result<ServingJobSummary> run_serving_job(util::FileSystem& fs,
                                                const lake::LakeLayout& layout,
                                                cql::Session& session, ServingWriter& writer,
                                                const ServingOptions& serving,
                                                const StreamJobOptions& options) {
  const std::string gold = layout.use_case_session_events();
  MEDALLION_RETURN_IF_ERROR(require_table(fs, gold, "stream sessions"));
  MEDALLION_ASSIGN_OR_RETURN(ServingStatements statements,
                             ServingStatements::prepare(session, serving));
  MEDALLION_ASSIGN_OR_RETURN(delta::DeltaStreamSource source, open_source(fs, gold, options));

  ServingJobSummary summary;
  // Runs a writer call, adding its time to cql_seconds and its error's context.
  const auto timed = [&summary](auto&& call) -> util::Status {
    const auto start = std::chrono::steady_clock::now();
    util::Status written = call();
    summary.cql_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (written.is_ok()) return written;
    return written.with_context("pipeline: cannot write the serving tables");
  };
  const BatchSink sink = [&](const columnar::RecordBatch& batch, int64_t) -> util::Status {
    // The writer takes one slice while the next is built: the previous
    // slice's write runs on a thread of its own (the writer sees one call at
    // a time, in slice order). Leaving early still waits for it: a future
    // of std::async joins in its destructor.
    std::future<util::Status> writing;
    const auto written = [&writing]() -> util::Status {
      return writing.valid() ? writing.get() : util::Status::ok();
    };
    for (size_t begin = 0; begin < batch.num_rows(); begin += kServingRowsPerSlice) {
      const size_t end = std::min(begin + kServingRowsPerSlice, batch.num_rows());
      // The slice's statements are built in parts on the CPU pool, then
      // handed to the writer in row order.
      std::array<std::vector<cql::CqlStatement>, kBuildParts> parts;
      std::array<ServingCounts, kBuildParts> part_counts;
      std::array<util::Status, kBuildParts> built;
      util::parallel_for(&util::cpu_pool(), kBuildParts, [&](size_t p) {
        built[p] = statements.append_writes(batch, begin + (end - begin) * p / kBuildParts,
                                            begin + (end - begin) * (p + 1) / kBuildParts,
                                            serving, &parts[p], &part_counts[p]);
      });
      std::vector<cql::CqlStatement> writes;
      for (size_t p = 0; p < kBuildParts; ++p) {
        MEDALLION_RETURN_IF_ERROR(built[p]);
        summary.counts += part_counts[p];
        if (writes.empty()) {
          writes = std::move(parts[p]);
        } else {
          std::move(parts[p].begin(), parts[p].end(), std::back_inserter(writes));
        }
      }
      MEDALLION_RETURN_IF_ERROR(written());
      writing =
          std::async(std::launch::async, [&timed, &writer, writes = std::move(writes)]() mutable {
            return timed([&] { return writer.write(std::move(writes)); });
          });
    }
    MEDALLION_RETURN_IF_ERROR(written());
    return timed([&] { return writer.end_batch(); });
  };
  MEDALLION_ASSIGN_OR_RETURN(
      summary.run, run_stream(source, sink, run_options(fs, layout, kServingStreamName, options)));
  return summary;
}

}  // namespace medallion::pipeline
