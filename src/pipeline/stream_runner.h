// The stream runner: reads a Delta table as a stream of micro-batches
// (delta/stream_source.h) and hands each batch to a sink, keeping its place
// in a checkpoint directory (stream_checkpoint.h) so that every batch
// reaches the sink's table exactly once across crashes and restarts — the
// micro-batch execution of Spark Structured Streaming.
//
// Each batch N:
//   1. the source plans the range (after, end] (bounded by its limits);
//   2. offsets/N is written (the plan is durable before anything runs);
//   3. the rows of the range are read and sink(batch, N) is called;
//   4. commits/N is written once the sink returned OK.
// On start, a batch whose offsets are there without its commit (a crash or
// failure between 2 and 4) is run again with exactly the same range and id
// before any new batch; the sink must therefore be idempotent by batch id
// (delta_sink.h's append_sink is: it records the batch id as a Delta txn).
// A failing sink stops the run with its error; nothing is committed for the
// batch, so the next run replays it.
//
// Triggers:
//   kAvailableNow    runs batches over what the table held when the run
//                    started (the latest version then), then returns;
//   kProcessingTime  runs batches while there is data, then waits
//                    `interval` (waking at once on a stop request) and
//                    polls again, until stopped.
// A stop request (the `stop` flag or the StopSignal) is checked between
// batches only: a running batch finishes and is committed first.
//
// Thread safety: one run at a time per checkpoint directory; run_stream
// uses the source from the calling thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "columnar/record_batch.h"
#include "delta/stream_source.h"
#include "pipeline/stop_signal.h"
#include "util/file_system.h"
#include "util/status.h"

namespace medallion::pipeline {

enum class TriggerMode { kAvailableNow, kProcessingTime };

struct BatchProgress {
  int64_t batch_id = 0;
  std::optional<delta::StreamOffset> start;  // nullopt: the stream's start
  delta::StreamOffset end;
  int64_t files = 0;
  int64_t rows = 0;
  bool replayed = false;  // a batch run again after a crash
  int64_t duration_ms = 0;
};

struct StreamRunOptions {
  std::string checkpoint_dir;
  // The file system of the checkpoint directory; nullptr = the real one.
  util::FileSystem* fs = nullptr;
  TriggerMode trigger = TriggerMode::kAvailableNow;
  std::chrono::milliseconds interval{10000};  // kProcessingTime: the wait when idle
  // Stop requests: either or both; set from another thread or a signal.
  const std::atomic<bool>* stop = nullptr;
  StopSignal* stop_signal = nullptr;
  std::function<void(const BatchProgress&)> on_progress;  // after each committed batch
  int64_t max_batches = -1;  // stop after this many batches (replays count); -1 = no limit
};

// Receives batch `batch_id`; may be called again with the same id and rows
// after a crash, and must then not apply them twice.
using BatchSink =
    std::function<util::Status(const columnar::RecordBatch& batch, int64_t batch_id)>;

struct StreamRunSummary {
  std::string stream_id;
  int64_t batches = 0;  // run in this call, replays included
  int64_t rows = 0;
  int64_t first_batch_id = -1;  // -1 when no batch ran
  int64_t last_batch_id = -1;
  bool stopped_by_signal = false;  // a stop request ended the run
};

// The stream id of the checkpoint at dir (creating the checkpoint when
// there is none), for sinks that need it before the run.
util::Result<std::string> stream_id(util::FileSystem& fs, const std::string& checkpoint_dir);

util::Result<StreamRunSummary> run_stream(delta::DeltaStreamSource& source, const BatchSink& sink,
                                          const StreamRunOptions& options);

}  // namespace medallion::pipeline
