#include "pipeline/stream_runner.h"

#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "pipeline/stream_checkpoint.h"
#include "util/civil_time.h"

namespace medallion::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

class Runner {
 public:
  Runner(delta::DeltaStreamSource& source, const BatchSink& sink, const StreamRunOptions& options,
         StreamCheckpoint checkpoint)
      : source_(source), sink_(sink), options_(options), checkpoint_(std::move(checkpoint)) {
    summary_.stream_id = checkpoint_.id();
  }

  util::Result<StreamRunSummary> run();

 private:
  bool stop_requested() const {
    return (options_.stop != nullptr && options_.stop->load(std::memory_order_acquire)) ||
           (options_.stop_signal != nullptr && options_.stop_signal->stop_requested());
  }
  // False when the run must end before another batch (and why, in summary_).
  bool may_run_batch() {
    if (options_.max_batches >= 0 && summary_.batches >= options_.max_batches) return false;
    if (stop_requested()) {
      summary_.stopped_by_signal = true;
      return false;
    }
    return true;
  }
  // Sleeps the trigger interval, or less when a stop is requested.
  void wait_interval();
  util::Status run_batch(const BatchOffsets& batch, bool replayed);

  delta::DeltaStreamSource& source_;
  const BatchSink& sink_;
  const StreamRunOptions& options_;
  StreamCheckpoint checkpoint_;
  StreamRunSummary summary_;
};

void Runner::wait_interval() {
  if (options_.stop_signal != nullptr && options_.stop == nullptr) {
    options_.stop_signal->wait_for(options_.interval);
    return;
  }
  // A plain flag cannot wake a sleeper: look at it every few milliseconds.
  constexpr auto kSlice = std::chrono::milliseconds(10);
  const auto deadline = Clock::now() + options_.interval;
  while (!stop_requested()) {
    const auto now = Clock::now();
    if (now >= deadline) break;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    if (options_.stop_signal != nullptr) {
      options_.stop_signal->wait_for(std::min<std::chrono::milliseconds>(left, kSlice));
    } else {
      std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(left, kSlice));
    }
  }
}

util::Status Runner::run_batch(const BatchOffsets& batch, bool replayed) {
  const auto started = Clock::now();
  auto context = [&](const util::Status& st, std::string_view step) {
    return st.with_context(fmt::format(
        "pipeline: batch {} of stream {} failed {} (checkpoint {}, table {}, {} to {}); the "
        "next run replays it",
        batch.batch_id, checkpoint_.id(), step, checkpoint_.dir(), source_.table_root(),
        batch.start ? delta::offset_to_string(*batch.start) : std::string("the start"),
        delta::offset_to_string(batch.end)));
  };
  auto files = source_.files_between(batch.start, batch.end);
  if (!files.is_ok()) return context(files.status(), "while listing its files");
  auto rows = source_.read_files(*files);
  if (!rows.is_ok()) return context(rows.status(), "while reading its files");
  if (util::Status st = sink_(*rows, batch.batch_id); !st.is_ok()) {
    return context(st, "in the sink");
  }
  if (util::Status st = checkpoint_.write_commit(batch.batch_id); !st.is_ok()) {
    return context(st, "while committing it");
  }
  const int64_t num_rows = static_cast<int64_t>(rows->num_rows());
  ++summary_.batches;
  summary_.rows += num_rows;
  if (summary_.first_batch_id < 0) summary_.first_batch_id = batch.batch_id;
  summary_.last_batch_id = batch.batch_id;
  if (options_.on_progress) {
    BatchProgress progress;
    progress.batch_id = batch.batch_id;
    progress.start = batch.start;
    progress.end = batch.end;
    progress.files = static_cast<int64_t>(files->size());
    progress.rows = num_rows;
    progress.replayed = replayed;
    progress.duration_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
    options_.on_progress(progress);
  }
  return util::Status::ok();
}

util::Result<StreamRunSummary> Runner::run() {
  MEDALLION_ASSIGN_OR_RETURN(StreamResume resume, checkpoint_.resume());
  // kAvailableNow drains the versions there now, not those written while it runs.
  std::optional<int64_t> last_version;
  if (options_.trigger == TriggerMode::kAvailableNow) {
    MEDALLION_ASSIGN_OR_RETURN(last_version, source_.latest_version());
  }
  if (resume.pending) {
    if (!may_run_batch()) return summary_;
    MEDALLION_RETURN_IF_ERROR(run_batch(*resume.pending, /*replayed=*/true));
  }
  int64_t batch_id = resume.next_batch_id;
  std::optional<delta::StreamOffset> after = resume.after;
  while (may_run_batch()) {
    MEDALLION_ASSIGN_OR_RETURN(std::optional<delta::StreamOffset> end,
                               source_.next_end(after, last_version));
    if (!end) {
      if (options_.trigger == TriggerMode::kAvailableNow) break;
      wait_interval();
      continue;
    }
    BatchOffsets batch;
    batch.batch_id = batch_id;
    batch.timestamp_ms = util::unix_now_ms();
    batch.start = after;
    batch.end = *end;
    if (util::Status st = checkpoint_.write_offsets(batch); !st.is_ok()) {
      return st.with_context(fmt::format("pipeline: cannot plan batch {} of stream {} ({})",
                                         batch_id, checkpoint_.id(), checkpoint_.dir()));
    }
    MEDALLION_RETURN_IF_ERROR(run_batch(batch, /*replayed=*/false));
    after = end;
    ++batch_id;
  }
  return summary_;
}

}  // namespace

util::Result<std::string> stream_id(util::FileSystem& fs, const std::string& checkpoint_dir) {
  MEDALLION_ASSIGN_OR_RETURN(StreamCheckpoint checkpoint, StreamCheckpoint::open(fs, checkpoint_dir));
  return checkpoint.id();
}

util::Result<StreamRunSummary> run_stream(delta::DeltaStreamSource& source, const BatchSink& sink,
                                          const StreamRunOptions& options) {
  if (options.checkpoint_dir.empty()) {
    return util::Status::invalid_argument(
        "pipeline: a stream needs a checkpoint directory: set checkpoint_dir");
  }
  if (options.trigger == TriggerMode::kProcessingTime && options.interval.count() < 0) {
    return util::Status::invalid_argument(
        "pipeline: the processing-time trigger interval is negative: give 0 ms or more");
  }
  util::FileSystem& fs = options.fs != nullptr ? *options.fs : util::posix_file_system();
  auto checkpoint = StreamCheckpoint::open(fs, options.checkpoint_dir);
  if (!checkpoint.is_ok()) return checkpoint.status();
  Runner runner(source, sink, options, std::move(checkpoint).value());
  return runner.run();
}

}  // namespace medallion::pipeline
