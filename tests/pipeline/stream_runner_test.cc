#include "pipeline/stream_runner.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

#include "delta/columnar_bridge.h"
#include "delta/snapshot.h"
#include "delta/table_scan.h"
#include "delta/table_writer.h"
#include "pipeline/delta_sink.h"
#include "pipeline/stream_checkpoint.h"
#include "util/in_memory_file_system.h"

namespace medallion::pipeline {
namespace {

using namespace std::chrono_literals;

constexpr char kSource[] = "/lake/source";
constexpr char kTarget[] = "/lake/target";
constexpr char kCheckpoint[] = "/chk/stream";

columnar::Schema row_schema() {
  return columnar::Schema({{"id", columnar::DataType::kInt64, true, {}},
                           {"name", columnar::DataType::kString, true, {}}});
}

columnar::RecordBatch rows(int64_t first, int64_t n) {
  columnar::RecordBatch batch(row_schema());
  for (int64_t id = first; id < first + n; ++id) {
    batch.column(0).append_int64(id);
    batch.column(1).append_string("n" + std::to_string(id));
  }
  return batch;
}

std::vector<int64_t> ids_of(const columnar::RecordBatch& batch) {
  std::vector<int64_t> ids;
  for (size_t i = 0; i < batch.num_rows(); ++i) ids.push_back(batch.column(0).int64_at(i));
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<int64_t> range(int64_t first, int64_t n) {
  std::vector<int64_t> out;
  for (int64_t i = first; i < first + n; ++i) out.push_back(i);
  return out;
}

struct SeenBatch {
  int64_t id;
  std::vector<int64_t> rows;
  bool operator==(const SeenBatch&) const = default;
};

class StreamRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = delta::create_table(fs_, kSource, delta::delta_schema_of(row_schema()), {}, {});
    ASSERT_TRUE(r.is_ok()) << r.status().message();
  }
  void append_rows(int64_t first, int64_t n, const char* root = kSource) {
    auto r = delta::append(fs_, root, delta::to_row_batch(rows(first, n)));
    ASSERT_TRUE(r.is_ok()) << r.status().message();
  }
  // From version 1 on (the first append): commits come in order, where the
  // files of an initial snapshot would not.
  delta::DeltaStreamSource open_source(int64_t max_files = 1) {
    delta::StreamSourceOptions options;
    options.max_files_per_trigger = max_files;
    options.starting_version = 1;
    auto s = delta::DeltaStreamSource::open(fs_, kSource, options);
    EXPECT_TRUE(s.is_ok()) << s.status().message();
    return std::move(s).value();
  }
  StreamRunOptions run_options() {
    StreamRunOptions options;
    options.checkpoint_dir = kCheckpoint;
    options.fs = &fs_;
    return options;
  }
  // A sink that records what it gets.
  BatchSink recorder() {
    return [this](const columnar::RecordBatch& batch, int64_t id) {
      seen_.push_back({id, ids_of(batch)});
      return util::Status::ok();
    };
  }
  bool exists(std::string_view sub, int64_t id) {
    auto e = fs_.exists(util::join_path(util::join_path(kCheckpoint, sub), std::to_string(id)));
    return e.is_ok() && *e;
  }
  std::vector<int64_t> table_ids(const char* root) {
    std::vector<int64_t> ids;
    auto snapshot = delta::load_snapshot(fs_, root);
    EXPECT_TRUE(snapshot.is_ok()) << snapshot.status().message();
    if (!snapshot.is_ok()) return ids;
    auto scan = delta::TableScan::make(*snapshot);
    EXPECT_TRUE(scan.is_ok());
    util::Status st = scan->read_all(fs_, [&](parquet::RowBatch&& b) {
      auto batch = delta::to_record_batch(scan->output_schema(), b);
      if (!batch.is_ok()) return batch.status();
      for (int64_t id : ids_of(*batch)) ids.push_back(id);
      return util::Status::ok();
    });
    EXPECT_TRUE(st.is_ok()) << st.message();
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  util::InMemoryFileSystem fs_;
  std::vector<SeenBatch> seen_;
};

TEST_F(StreamRunnerTest, AvailableNowRunsEveryBatchAndWritesTheCheckpoint) {
  append_rows(0, 2);
  append_rows(2, 2);
  append_rows(4, 2);
  delta::DeltaStreamSource source = open_source();
  std::vector<BatchProgress> progress;
  StreamRunOptions options = run_options();
  options.on_progress = [&](const BatchProgress& p) { progress.push_back(p); };
  auto summary = run_stream(source, recorder(), options);
  ASSERT_TRUE(summary.is_ok()) << summary.status().message();
  EXPECT_EQ(summary->batches, 3);
  EXPECT_EQ(summary->rows, 6);
  EXPECT_EQ(summary->first_batch_id, 0);
  EXPECT_EQ(summary->last_batch_id, 2);
  EXPECT_FALSE(summary->stopped_by_signal);
  EXPECT_EQ(summary->stream_id.size(), 36u);
  ASSERT_EQ(seen_.size(), 3u);
  std::vector<int64_t> all;
  for (size_t i = 0; i < seen_.size(); ++i) {
    EXPECT_EQ(seen_[i].id, static_cast<int64_t>(i));
    EXPECT_EQ(seen_[i].rows.size(), 2u);
    all.insert(all.end(), seen_[i].rows.begin(), seen_[i].rows.end());
  }
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, range(0, 6));
  for (int64_t id = 0; id < 3; ++id) {
    EXPECT_TRUE(exists("offsets", id));
    EXPECT_TRUE(exists("commits", id));
  }
  EXPECT_FALSE(exists("offsets", 3));
  ASSERT_EQ(progress.size(), 3u);
  EXPECT_EQ(progress[0].files, 1);
  EXPECT_FALSE(progress[0].start);
  EXPECT_EQ(progress[1].start, progress[0].end);
  EXPECT_FALSE(progress[2].replayed);
}

TEST_F(StreamRunnerTest, NothingNewRunsNoBatch) {
  auto source = delta::DeltaStreamSource::open(fs_, kSource, {});  // an empty table
  ASSERT_TRUE(source.is_ok());
  auto summary = run_stream(*source, recorder(), run_options());
  ASSERT_TRUE(summary.is_ok()) << summary.status().message();
  EXPECT_EQ(summary->batches, 0);
  EXPECT_EQ(summary->first_batch_id, -1);
  EXPECT_TRUE(seen_.empty());
}

TEST_F(StreamRunnerTest, NextRunResumesAfterTheLastBatch) {
  append_rows(0, 2);
  {
    delta::DeltaStreamSource source = open_source();
    ASSERT_TRUE(run_stream(source, recorder(), run_options()).is_ok());
  }
  append_rows(2, 3);
  delta::DeltaStreamSource source = open_source();  // a new process
  auto summary = run_stream(source, recorder(), run_options());
  ASSERT_TRUE(summary.is_ok()) << summary.status().message();
  EXPECT_EQ(seen_, (std::vector<SeenBatch>{{0, range(0, 2)}, {1, range(2, 3)}}));
  EXPECT_EQ(summary->first_batch_id, 1);
}

TEST_F(StreamRunnerTest, CrashBeforeTheCommitReplaysTheSameRange) {
  append_rows(0, 2);
  append_rows(2, 2);
  {
    delta::DeltaStreamSource source = open_source();
    BatchSink failing = [this](const columnar::RecordBatch& batch, int64_t id) {
      if (id == 1) return util::Status::io_error("sink: disk full (test)");
      seen_.push_back({id, ids_of(batch)});
      return util::Status::ok();
    };
    auto failed = run_stream(source, failing, run_options());
    ASSERT_FALSE(failed.is_ok());
    EXPECT_NE(failed.status().message().find("batch 1"), std::string::npos)
        << failed.status().message();
    EXPECT_NE(failed.status().message().find("disk full"), std::string::npos);
  }
  EXPECT_TRUE(exists("offsets", 1));
  EXPECT_FALSE(exists("commits", 1));
  append_rows(4, 2);  // more data meanwhile: not part of batch 1
  delta::DeltaStreamSource source = open_source(/*max_files=*/10);
  std::vector<BatchProgress> progress;
  StreamRunOptions options = run_options();
  options.on_progress = [&](const BatchProgress& p) { progress.push_back(p); };
  auto summary = run_stream(source, recorder(), options);
  ASSERT_TRUE(summary.is_ok()) << summary.status().message();
  EXPECT_EQ(seen_, (std::vector<SeenBatch>{{0, range(0, 2)}, {1, range(2, 2)}, {2, range(4, 2)}}));
  ASSERT_EQ(progress.size(), 2u);
  EXPECT_TRUE(progress[0].replayed);
  EXPECT_FALSE(progress[1].replayed);
  EXPECT_TRUE(exists("commits", 1));
}

TEST_F(StreamRunnerTest, AppendSinkIsExactlyOnceAcrossACrashAfterTheTableCommit) {
  append_rows(0, 2);
  append_rows(2, 2);
  append_rows(4, 2);
  auto id = stream_id(fs_, kCheckpoint);
  ASSERT_TRUE(id.is_ok()) << id.status().message();
  BatchSink sink = append_sink(fs_, kTarget, *id);
  {
    delta::DeltaStreamSource source = open_source();
    // Batch 1 reaches the table, then the process "dies" before commits/1.
    BatchSink crashing = [&](const columnar::RecordBatch& batch, int64_t batch_id) {
      MEDALLION_RETURN_IF_ERROR(sink(batch, batch_id));
      if (batch_id == 1) return util::Status::aborted("test: crash after the table commit");
      return util::Status::ok();
    };
    ASSERT_FALSE(run_stream(source, crashing, run_options()).is_ok());
  }
  EXPECT_EQ(table_ids(kTarget), range(0, 4));
  EXPECT_FALSE(exists("commits", 1));
  delta::DeltaStreamSource source = open_source();
  auto summary = run_stream(source, sink, run_options());
  ASSERT_TRUE(summary.is_ok()) << summary.status().message();
  EXPECT_EQ(summary->first_batch_id, 1);
  EXPECT_EQ(summary->last_batch_id, 2);
  EXPECT_EQ(table_ids(kTarget), range(0, 6));  // batch 1 once, not twice
  auto target = delta::load_snapshot(fs_, kTarget);
  ASSERT_TRUE(target.is_ok());
  EXPECT_EQ(target->txn_version(*id), 2);
}

TEST_F(StreamRunnerTest, AvailableNowDrainsOnlyWhatWasThereAtStart) {
  append_rows(0, 1);
  append_rows(1, 1);
  delta::DeltaStreamSource source = open_source();
  int64_t next_id = 100;
  BatchSink writes_more = [&](const columnar::RecordBatch& batch, int64_t id) {
    seen_.push_back({id, ids_of(batch)});
    // A writer keeps appending while the stream runs.
    auto r = delta::append(fs_, kSource, delta::to_row_batch(rows(next_id++, 1)));
    return r.is_ok() ? util::Status::ok() : r.status();
  };
  auto summary = run_stream(source, writes_more, run_options());
  ASSERT_TRUE(summary.is_ok()) << summary.status().message();
  EXPECT_EQ(seen_, (std::vector<SeenBatch>{{0, range(0, 1)}, {1, range(1, 1)}}));
}

TEST_F(StreamRunnerTest, MaxBatchesStopsEarly) {
  append_rows(0, 1);
  append_rows(1, 1);
  delta::DeltaStreamSource source = open_source();
  StreamRunOptions options = run_options();
  options.max_batches = 1;
  auto summary = run_stream(source, recorder(), options);
  ASSERT_TRUE(summary.is_ok());
  EXPECT_EQ(summary->batches, 1);
  EXPECT_FALSE(summary->stopped_by_signal);
  EXPECT_FALSE(exists("offsets", 1));
}

TEST_F(StreamRunnerTest, StopBeforeStartRunsNothing) {
  append_rows(0, 1);
  delta::DeltaStreamSource source = open_source();
  std::atomic<bool> stop{true};
  StreamRunOptions options = run_options();
  options.stop = &stop;
  auto summary = run_stream(source, recorder(), options);
  ASSERT_TRUE(summary.is_ok());
  EXPECT_EQ(summary->batches, 0);
  EXPECT_TRUE(summary->stopped_by_signal);
}

TEST_F(StreamRunnerTest, StopIsCheckedBetweenBatches) {
  append_rows(0, 1);
  append_rows(1, 1);
  delta::DeltaStreamSource source = open_source();
  std::atomic<bool> stop{false};
  StreamRunOptions options = run_options();
  options.stop = &stop;
  BatchSink stops = [&](const columnar::RecordBatch& batch, int64_t id) {
    stop = true;  // the running batch still finishes and commits
    seen_.push_back({id, ids_of(batch)});
    return util::Status::ok();
  };
  auto summary = run_stream(source, stops, options);
  ASSERT_TRUE(summary.is_ok());
  EXPECT_EQ(summary->batches, 1);
  EXPECT_TRUE(summary->stopped_by_signal);
  EXPECT_TRUE(exists("commits", 0));
}

TEST_F(StreamRunnerTest, ProcessingTimeStopsPromptlyWhileWaiting) {
  append_rows(0, 1);
  delta::DeltaStreamSource source = open_source();
  std::atomic<bool> stop{false};
  StreamRunOptions options = run_options();
  options.trigger = TriggerMode::kProcessingTime;
  options.interval = 600s;
  options.stop = &stop;
  std::thread stopper([&] {
    std::this_thread::sleep_for(100ms);
    stop = true;
  });
  const auto t0 = std::chrono::steady_clock::now();
  auto summary = run_stream(source, recorder(), options);
  const auto took = std::chrono::steady_clock::now() - t0;
  stopper.join();
  ASSERT_TRUE(summary.is_ok()) << summary.status().message();
  EXPECT_TRUE(summary->stopped_by_signal);
  EXPECT_EQ(summary->batches, 1);
  EXPECT_LT(took, 60s);
}

TEST_F(StreamRunnerTest, ProcessingTimePollsForNewData) {
  delta::StreamSourceOptions one_file;
  one_file.max_files_per_trigger = 1;
  auto opened = delta::DeltaStreamSource::open(fs_, kSource, one_file);  // an empty table
  ASSERT_TRUE(opened.is_ok());
  delta::DeltaStreamSource& source = *opened;
  std::atomic<bool> stop{false};
  StreamRunOptions options = run_options();
  options.trigger = TriggerMode::kProcessingTime;
  options.interval = 5ms;
  options.stop = &stop;
  BatchSink until_three = [&](const columnar::RecordBatch& batch, int64_t id) {
    seen_.push_back({id, ids_of(batch)});
    if (seen_.size() == 3) stop = true;
    return util::Status::ok();
  };
  std::thread writer([&] {
    for (int64_t i = 0; i < 3; ++i) {
      std::this_thread::sleep_for(20ms);
      auto r = delta::append(fs_, kSource, delta::to_row_batch(rows(i, 1)));
      if (!r.is_ok()) ADD_FAILURE() << r.status().message();
    }
  });
  auto summary = run_stream(source, until_three, options);
  writer.join();
  ASSERT_TRUE(summary.is_ok()) << summary.status().message();
  EXPECT_EQ(seen_, (std::vector<SeenBatch>{{0, {0}}, {1, {1}}, {2, {2}}}));
  EXPECT_TRUE(summary->stopped_by_signal);
}

TEST_F(StreamRunnerTest, SigtermStopsAProcessingTimeStream) {
  append_rows(0, 1);
  delta::DeltaStreamSource source = open_source();
  auto signal = StopSignal::install();
  ASSERT_TRUE(signal.is_ok()) << signal.status().message();
  StreamRunOptions options = run_options();
  options.trigger = TriggerMode::kProcessingTime;
  options.interval = 600s;
  options.stop_signal = signal->get();
  std::thread killer([] {
    std::this_thread::sleep_for(100ms);
    ::kill(::getpid(), SIGTERM);
  });
  const auto t0 = std::chrono::steady_clock::now();
  auto summary = run_stream(source, recorder(), options);
  killer.join();
  ASSERT_TRUE(summary.is_ok()) << summary.status().message();
  EXPECT_TRUE(summary->stopped_by_signal);
  EXPECT_EQ((*signal)->signal_number(), SIGTERM);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 60s);
}

TEST_F(StreamRunnerTest, CorruptOffsetsFileGivesAClearError) {
  append_rows(0, 1);
  {
    delta::DeltaStreamSource source = open_source();
    ASSERT_TRUE(run_stream(source, recorder(), run_options()).is_ok());
  }
  const std::string path = util::join_path(kCheckpoint, "offsets/0");
  ASSERT_TRUE(fs_.put_file(path, "v1\n{\"batchId\":0,\"batch").is_ok());
  delta::DeltaStreamSource source = open_source();
  auto summary = run_stream(source, recorder(), run_options());
  ASSERT_FALSE(summary.is_ok());
  EXPECT_EQ(summary.status().code(), util::StatusCode::kCorruption);
  EXPECT_NE(summary.status().message().find(path), std::string::npos)
      << summary.status().message();
  EXPECT_EQ(seen_.size(), 1u);  // nothing ran again
}

TEST_F(StreamRunnerTest, ProgressFromACrashedRunSurvivesOnDisk) {
  append_rows(0, 1);
  append_rows(1, 1);
  {
    delta::DeltaStreamSource source = open_source();
    StreamRunOptions options = run_options();
    options.max_batches = 1;
    ASSERT_TRUE(run_stream(source, recorder(), options).is_ok());
  }
  fs_.drop_unsynced_data();  // the machine crashes: the checkpoint was synced
  delta::DeltaStreamSource source = open_source();
  auto summary = run_stream(source, recorder(), run_options());
  ASSERT_TRUE(summary.is_ok()) << summary.status().message();
  EXPECT_EQ(seen_, (std::vector<SeenBatch>{{0, {0}}, {1, {1}}}));
}

}  // namespace
}  // namespace medallion::pipeline
