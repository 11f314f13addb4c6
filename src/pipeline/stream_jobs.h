// The pipeline's two streaming jobs, each a stream runner (stream_runner.h)
// with its source, sink and checkpoint under the lake
// (lake::LakeLayout::stream_checkpoint):
//
//   sessions  r_session_events → uc_delta_session_events
//             (original p02): each micro-batch of raw events is aggregated
//             per session and merged into the gold table exactly once
//             (sessionize.h); checkpoint _checkpoints/sessions.
//   serving   uc_delta_session_events → the serving tables
//             (original p03): each micro-batch of gold rows is written to
//             the tables of serving_tables.h through a ServingWriter
//             (statements prepared on `session`); the gold table is rewritten
//             by MERGE, so the stream reads rewritten files again
//             (ignore_changes) and the writes are idempotent (same cells,
//             same timestamp); checkpoint _checkpoints/serving.
//
// The serving checkpoint belongs to the cluster it was written to: when the
// serving keyspace is created afresh (init_serving_tables reports it), the
// caller removes that checkpoint so that the new cluster receives every
// row (pipeline_init.h does).
//
// Thread safety: one run of a job per lake at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include "lake/lake_layout.h"
#include "pipeline/serving_tables.h"
#include "pipeline/serving_writer.h"
#include "pipeline/stop_signal.h"
#include "pipeline/stream_runner.h"
#include "util/file_system.h"
#include "util/status.h"

namespace medallion::cql {
class Session;
}

namespace medallion::pipeline {

inline constexpr std::string_view kSessionsStreamName = "sessions";
inline constexpr std::string_view kServingStreamName = "serving";

struct StreamJobOptions {
  TriggerMode trigger = TriggerMode::kAvailableNow;
  std::chrono::milliseconds interval{30000};  // kProcessingTime
  StopSignal* stop_signal = nullptr;
  // Files per micro-batch (the source's max_files_per_trigger).
  int64_t max_files_per_trigger = 1000;
  // Bytes of data files per micro-batch (the source's
  // max_bytes_per_trigger; 0: no limit).
  int64_t max_bytes_per_trigger = 0;
  std::function<void(const BatchProgress&)> on_progress;
};

util::Result<StreamRunSummary> run_sessions_job(util::FileSystem& fs,
                                                const lake::LakeLayout& layout,
                                                const StreamJobOptions& options);

struct ServingJobSummary {
  StreamRunSummary run;
  ServingCounts counts;
  double cql_seconds = 0;  // time spent in the writer (waiting for the cluster)
};

util::Result<ServingJobSummary> run_serving_job(util::FileSystem& fs,
                                                const lake::LakeLayout& layout,
                                                cql::Session& session, ServingWriter& writer,
                                                const ServingOptions& serving,
                                                const StreamJobOptions& options);

}  // namespace medallion::pipeline
