#include "pipeline/refine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "delta/columnar_bridge.h"
#include "delta/snapshot.h"
#include "delta/table_scan.h"
#include "formats/compression/bz2_parallel_writer.h"
#include "lake/manifest.h"
#include "pipeline/line_window.h"
#include "util/civil_time.h"
#include "util/in_memory_file_system.h"
#include "util/sha256.h"
#include "util/thread_pool.h"

namespace medallion::pipeline {
namespace {

constexpr char kSource[] = "/landing/assignment_data.jsonl";
constexpr int64_t kNow = 1'700'000'000'000'000;  // 2023-11-14T22:13:20Z

std::string start_line(const std::string& player, const std::string& country,
                       const std::string& session, const std::string& ts) {
  return R"({"player_id": ")" + player + R"(", "country": ")" + country +
         R"(", "event": "start", "session_id": ")" + session + R"(", "ts": ")" + ts + "\"}";
}
std::string end_line(const std::string& player, const std::string& session, const std::string& ts) {
  return R"({"player_id": ")" + player + R"(", "event": "end", "session_id": ")" + session +
         R"(", "ts": ")" + ts + "\"}";
}

// Four dates, an end before its start, one bad line of each reason, a
// duplicate of line 1 and a truncated last line. Line numbers in comments.
std::vector<std::string> sample_lines() {
  return {
      start_line("p1", "FI", "s1", "2016-11-03T10:00:00"),             // 1
      end_line("p1", "s1", "2016-11-03T11:00:00"),                     // 2
      end_line("p2", "s2", "2016-11-02T23:30:00"),                     // 3 end first
      start_line("p2", "IT", "s2", "2016-11-02T22:00:00"),             // 4
      "this is not json",                                              // 5
      R"({"player_id": "p3", "event": "start", "session_id": "s3"})",  // 6
      R"({"player_id": 7, "event": "end", "session_id": "s7", "ts": "2016-11-03T01:00:00"})",  // 7
      end_line("p3", "s8", "yesterday"),                                                       // 8
      R"({"player_id": "p3", "event": "pause", "session_id": "s9", "ts": "2016-11-03T01:00:00"})",  // 9
      start_line("p1", "FI", "s1", "2016-11-03T10:00:00"),           // 10 duplicate of 1
      start_line("p3", "DE", "s3", "2016-11-04T23:00:00"),           // 11
      end_line("p3", "s3", "2016-11-05T01:00:00"),                   // 12
      start_line("p4", "Code", "s4", "2016-11-05T08:00:00.250000"),  // 13
      start_line("p1", "SE", "s1", "2016-11-06T09:00:00"),  // 14 duplicate of 1, other date
  };
}

std::string sample_text() {
  std::string text;
  for (const std::string& line : sample_lines()) text += line + "\n";
  return text + R"({"player_id": "p9", "eve)";  // 15: truncated, no newline
}

int32_t days(const std::string& date) { return static_cast<int32_t>(*util::parse_iso_date(date)); }

// An in-memory file system that counts the Parquet files opened.
class CountingFileSystem final : public util::FileSystem {
 public:
  util::Result<std::unique_ptr<util::SequentialFile>> open_sequential(
      const std::string& p) override {
    return base_.open_sequential(p);
  }
  util::Result<std::unique_ptr<util::RandomAccessFile>> open_random_access(
      const std::string& p) override {
    if (p.ends_with(".parquet")) ++parquet_opens;
    return base_.open_random_access(p);
  }
  util::Result<std::unique_ptr<util::WritableFile>> create_writable(const std::string& p,
                                                                    util::CreateMode m) override {
    if (!fail_writes_under.empty() && p.find(fail_writes_under) != std::string::npos) {
      return util::Status::io_error("test: writes under " + fail_writes_under + " fail");
    }
    return base_.create_writable(p, m);
  }
  util::Status create_dirs(const std::string& p) override { return base_.create_dirs(p); }
  util::Result<bool> exists(const std::string& p) override { return base_.exists(p); }
  util::Result<uint64_t> file_size(const std::string& p) override { return base_.file_size(p); }
  util::Result<int64_t> modification_time_ms(const std::string& p) override {
    return base_.modification_time_ms(p);
  }
  util::Status rename(const std::string& f, const std::string& t) override {
    return base_.rename(f, t);
  }
  util::Status rename_no_replace(const std::string& f, const std::string& t) override {
    return base_.rename_no_replace(f, t);
  }
  util::Status remove_file(const std::string& p) override { return base_.remove_file(p); }
  util::Status remove_dir(const std::string& p) override { return base_.remove_dir(p); }
  util::Result<std::vector<std::string>> list_dir(const std::string& p) override {
    return base_.list_dir(p);
  }
  util::Status sync_dir(const std::string& p) override { return base_.sync_dir(p); }

  std::atomic<int> parquet_opens{0};
  std::string fail_writes_under;  // create_writable fails for paths containing it

 private:
  util::InMemoryFileSystem base_;
};

class RefineTest : public ::testing::Test {
 protected:
  RefineTest() : layout_("/lake") {}

  void SetUp() override {
    ASSERT_TRUE(fs_.create_dirs("/landing").is_ok());
    ASSERT_TRUE(util::write_file_atomic(fs_, kSource, sample_text()).is_ok());
  }

  RefineOptions options() const {
    RefineOptions o;
    o.source_path = kSource;
    o.layout = layout_;
    o.now_micros = kNow;
    return o;
  }

  RefineReport run(const RefineOptions& o) {
    util::Result<RefineReport> report = refine(fs_, o);
    EXPECT_TRUE(report.is_ok()) << report.status().message();
    return report.is_ok() ? *report : RefineReport{};
  }

  // Every row of a table, its columns joined by '|' (nulls as "null"), sorted.
  std::vector<std::string> rows_of(const std::string& root) {
    std::vector<std::string> out;
    auto snapshot = delta::load_snapshot(fs_, root);
    EXPECT_TRUE(snapshot.is_ok()) << snapshot.status().message();
    if (!snapshot.is_ok()) return out;
    auto scan = delta::TableScan::make(*snapshot);
    EXPECT_TRUE(scan.is_ok());
    auto status = scan->read_all(fs_, [&](parquet::RowBatch&& b) {
      auto batch = delta::to_record_batch(scan->output_schema(), std::move(b));
      EXPECT_TRUE(batch.is_ok());
      for (size_t r = 0; r < batch->num_rows(); ++r) {
        std::string text;
        for (size_t c = 0; c < batch->num_columns(); ++c) {
          const columnar::Column& col = batch->column(c);
          if (c > 0) text += "|";
          if (col.is_null(r)) {
            text += "null";
            continue;
          }
          switch (col.type()) {
            case columnar::DataType::kString:
              text += col.string_at(r);
              break;
            case columnar::DataType::kTimestamp:
              text += util::format_iso8601(col.int64_at(r));
              break;
            case columnar::DataType::kDate:
              text += util::format_iso_date(col.int32_at(r));
              break;
            case columnar::DataType::kInt64:
              text += std::to_string(col.int64_at(r));
              break;
            default:
              text += "?";
              break;
          }
        }
        out.push_back(std::move(text));
      }
      return util::Status::ok();
    });
    EXPECT_TRUE(status.is_ok()) << status.message();
    std::sort(out.begin(), out.end());
    return out;
  }

  int64_t version_of(const std::string& root) {
    auto snapshot = delta::load_snapshot(fs_, root);
    EXPECT_TRUE(snapshot.is_ok()) << snapshot.status().message();
    return snapshot.is_ok() ? snapshot->version : -2;
  }

  CountingFileSystem fs_;
  lake::LakeLayout layout_;
};

std::vector<std::string> expected_raw_rows() {
  const std::string now = util::format_iso8601(kNow);
  auto row = [&](const std::string& country, const std::string& event, const std::string& player,
                 const std::string& session, const std::string& ts, const std::string& date) {
    return country + "|" + event + "|" + player + "|" + session + "|" + ts + "|" + now + "|" + now +
           "|" + date + "|" + event + "-" + session;
  };
  std::vector<std::string> rows = {
      row("FI", "start", "p1", "s1", "2016-11-03T10:00:00", "2016-11-03"),
      row("null", "end", "p1", "s1", "2016-11-03T11:00:00", "2016-11-03"),
      row("null", "end", "p2", "s2", "2016-11-02T23:30:00", "2016-11-02"),
      row("IT", "start", "p2", "s2", "2016-11-02T22:00:00", "2016-11-02"),
      row("DE", "start", "p3", "s3", "2016-11-04T23:00:00", "2016-11-04"),
      row("null", "end", "p3", "s3", "2016-11-05T01:00:00", "2016-11-05"),
      row("Code", "start", "p4", "s4", "2016-11-05T08:00:00.250000", "2016-11-05"),
  };
  std::sort(rows.begin(), rows.end());
  return rows;
}

TEST_F(RefineTest, LoadsEachDateAsOneMergeCommitInDateOrder) {
  std::vector<int32_t> called;
  util::Result<RefineReport> report =
      refine(fs_, options(), [&](const RefineDate& d, size_t index, size_t count) {
        EXPECT_EQ(index, called.size());
        EXPECT_EQ(count, 4u);
        called.push_back(d.event_date);
      });
  ASSERT_TRUE(report.is_ok()) << report.status().message();
  const std::vector<int32_t> dates = {days("2016-11-02"), days("2016-11-03"), days("2016-11-04"),
                                      days("2016-11-05")};
  EXPECT_EQ(called, dates);
  ASSERT_EQ(report->dates.size(), 4u);
  const int64_t events[] = {2, 2, 1, 2};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(report->dates[i].event_date, dates[i]);
    EXPECT_EQ(report->dates[i].events, events[i]);
    EXPECT_EQ(report->dates[i].inserted, events[i]);
    EXPECT_EQ(report->dates[i].version, static_cast<int64_t>(i) + 1);  // version 0 creates
  }
  EXPECT_EQ(report->lines, 15);
  EXPECT_EQ(report->events, 7);
  EXPECT_EQ(report->inserted, 7);
  EXPECT_EQ(report->dates_in_file, 4);

  auto history = delta::read_history(fs_, layout_.raw_session_events());
  ASSERT_TRUE(history.is_ok()) << history.status().message();
  ASSERT_EQ(history->size(), 5u);
  for (size_t v = 1; v < 5; ++v) {
    ASSERT_TRUE((*history)[v].commit_info && (*history)[v].commit_info->operation);
    EXPECT_EQ(*(*history)[v].commit_info->operation, "MERGE");
  }
  EXPECT_EQ(rows_of(layout_.raw_session_events()), expected_raw_rows());
}

TEST_F(RefineTest, QuarantinesEveryBadLineWithReasonDetailAndText) {
  const RefineReport report = run(options());
  const std::vector<std::string> lines = sample_lines();
  const std::string now = util::format_iso8601(kNow);
  auto q = [&](int line, const std::string& text, const std::string& reason,
               const std::string& detail) {
    return std::string(kSource) + "|" + std::to_string(line) + "|" + text + "|" + reason + "|" +
           detail + "|" + now;
  };
  std::vector<std::string> expected = {
      q(5, lines[4], "not_json", "not_json: invalid JSON"),
      q(6, lines[5], "missing_field", "missing_field: ts"),
      q(7, lines[6], "wrong_type", "wrong_type: player_id"),
      q(8, lines[7], "bad_timestamp", "bad_timestamp: ts"),
      q(9, lines[8], "unknown_event", "unknown_event: event"),
      q(10, lines[9], "duplicate", "duplicate of line 1"),
      q(14, lines[13], "duplicate", "duplicate of line 1"),
  };
  std::vector<std::string> got = rows_of(layout_.raw_session_events_quarantine());
  // The truncated line's detail is the decoder's; check it apart.
  ASSERT_EQ(got.size(), 8u);
  auto truncated = std::find_if(got.begin(), got.end(), [](const std::string& r) {
    return r.find("|15|") != std::string::npos;
  });
  ASSERT_NE(truncated, got.end());
  EXPECT_EQ(truncated->rfind(
                std::string(kSource) + R"(|15|{"player_id": "p9", "eve|truncated|truncated)", 0),
            0u)
      << *truncated;
  got.erase(truncated);
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(got, expected);

  EXPECT_EQ(report.quarantined, 8);
  EXPECT_EQ(report.rejected_total(), 8);
  const int64_t by_reason[] = {1, 1, 1, 1, 1, 1, 2};
  for (size_t i = 0; i < kQuarantineReasonCount; ++i) {
    EXPECT_EQ(report.rejected[i], by_reason[i]) << quarantine_reason_name(i);
  }
  EXPECT_EQ(quarantine_reason_name(kQuarantineReasonCount - 1), kDuplicateReason);
}

TEST_F(RefineTest, SecondRunAddsNoRowAndNoCommit) {
  const RefineReport first = run(options());
  const int64_t raw_version = version_of(layout_.raw_session_events());
  const int64_t quarantine_version = version_of(layout_.raw_session_events_quarantine());
  fs_.parquet_opens = 0;
  RefineOptions again = options();
  again.now_micros = kNow + 1;
  const RefineReport second = run(again);
  // Each date's MERGE reads its own partition's one file, no other.
  EXPECT_EQ(fs_.parquet_opens.load(), 4);
  EXPECT_EQ(second.inserted, 0);
  EXPECT_EQ(second.quarantined, 0);
  EXPECT_EQ(second.events, first.events);
  EXPECT_EQ(second.source_sha256, first.source_sha256);
  ASSERT_EQ(second.dates.size(), 4u);
  for (const RefineDate& d : second.dates) EXPECT_EQ(d.version, raw_version);
  EXPECT_EQ(version_of(layout_.raw_session_events()), raw_version);
  EXPECT_EQ(version_of(layout_.raw_session_events_quarantine()), quarantine_version);
  EXPECT_EQ(rows_of(layout_.raw_session_events()), expected_raw_rows());
  EXPECT_EQ(rows_of(layout_.raw_session_events_quarantine()).size(), 8u);
}

TEST_F(RefineTest, DebugDatesLoadOnlyTheSliceAndQuarantineEverything) {
  RefineOptions o = options();
  o.debug_dates = std::make_pair(size_t{1}, size_t{3});
  const RefineReport report = run(o);
  ASSERT_EQ(report.dates.size(), 2u);
  EXPECT_EQ(report.dates[0].event_date, days("2016-11-03"));
  EXPECT_EQ(report.dates[1].event_date, days("2016-11-04"));
  EXPECT_EQ(report.dates_in_file, 4);
  EXPECT_EQ(report.events, 7);
  EXPECT_EQ(report.inserted, 3);
  std::vector<std::string> expected;
  for (const std::string& row : expected_raw_rows()) {
    if (row.find("|2016-11-03|") != std::string::npos ||
        row.find("|2016-11-04|") != std::string::npos) {
      expected.push_back(row);
    }
  }
  EXPECT_EQ(rows_of(layout_.raw_session_events()), expected);
  EXPECT_EQ(rows_of(layout_.raw_session_events_quarantine()).size(), 8u);
}

TEST_F(RefineTest, DebugSliceBeyondTheDatesLoadsNothing) {
  RefineOptions o = options();
  o.debug_dates = std::make_pair(size_t{4}, size_t{7});
  const RefineReport report = run(o);
  EXPECT_TRUE(report.dates.empty());
  EXPECT_EQ(version_of(layout_.raw_session_events()), 0);
}

TEST_F(RefineTest, DatesMergedAtOnceOnAPoolStillCommitInDateOrder) {
  util::ThreadPool pool(3);
  RefineOptions o = options();
  o.pool = &pool;
  for (int round = 0; round < 2; ++round) {  // the second run commits nothing
    std::vector<size_t> called;
    util::Result<RefineReport> report = refine(fs_, o, [&](const RefineDate&, size_t index, size_t) {
      called.push_back(index);
    });
    ASSERT_TRUE(report.is_ok()) << report.status().message();
    EXPECT_EQ(called, (std::vector<size_t>{0, 1, 2, 3}));
    ASSERT_EQ(report->dates.size(), 4u);
    for (size_t i = 0; i < 4; ++i) {
      // The second run finds every row there and leaves the table at 4.
      EXPECT_EQ(report->dates[i].version, round == 0 ? static_cast<int64_t>(i) + 1 : 4);
    }
    EXPECT_EQ(report->inserted, round == 0 ? 7 : 0);
  }
  auto history = delta::read_history(fs_, layout_.raw_session_events());
  ASSERT_TRUE(history.is_ok()) << history.status().message();
  ASSERT_EQ(history->size(), 5u);
  const std::string dates[] = {"2016-11-02", "2016-11-03", "2016-11-04", "2016-11-05"};
  for (size_t v = 1; v < 5; ++v) {
    auto snapshot =
        delta::load_snapshot(fs_, layout_.raw_session_events(), static_cast<int64_t>(v));
    ASSERT_TRUE(snapshot.is_ok()) << snapshot.status().message();
    // Version v adds the files of the v-th date and no other.
    std::set<std::string> partitions;
    for (const auto& file : snapshot->files) {
      partitions.insert(file.partition_values.at("EVENT_DATE").value_or(""));
    }
    EXPECT_EQ(partitions.size(), v);
    EXPECT_TRUE(partitions.count(dates[v - 1])) << v;
  }
  EXPECT_EQ(rows_of(layout_.raw_session_events()), expected_raw_rows());
}

TEST_F(RefineTest, AFailedDateStopsTheLaterDatesFromCommitting) {
  util::ThreadPool pool(3);
  RefineOptions o = options();
  o.pool = &pool;
  fs_.fail_writes_under = "EVENT_DATE=2016-11-03";
  util::Result<RefineReport> report = refine(fs_, o);
  ASSERT_FALSE(report.is_ok());
  EXPECT_NE(report.status().message().find("loading 2016-11-03"), std::string::npos)
      << report.status().message();
  EXPECT_EQ(version_of(layout_.raw_session_events()), 1);  // 2016-11-02 only
  // Once the cause is gone, a rerun loads the rest.
  fs_.fail_writes_under.clear();
  const RefineReport rerun = run(o);
  EXPECT_EQ(rerun.inserted, 5);
  EXPECT_EQ(version_of(layout_.raw_session_events()), 4);
  EXPECT_EQ(rows_of(layout_.raw_session_events()), expected_raw_rows());
}

TEST_F(RefineTest, RunKilledAfterTwoDatesThenRerunEqualsOneCleanRun) {
  RefineOptions killed = options();
  killed.debug_dates = std::make_pair(size_t{0}, size_t{2});
  run(killed);
  const RefineReport resumed = run(options());
  EXPECT_EQ(resumed.inserted, 3);
  EXPECT_EQ(resumed.dates[0].inserted, 0);
  EXPECT_EQ(resumed.dates[1].inserted, 0);
  EXPECT_EQ(rows_of(layout_.raw_session_events()), expected_raw_rows());
  EXPECT_EQ(version_of(layout_.raw_session_events()), 4);  // still one commit per date
  EXPECT_EQ(rows_of(layout_.raw_session_events_quarantine()).size(), 8u);
  EXPECT_EQ(version_of(layout_.raw_session_events_quarantine()), 1);
}

TEST_F(RefineTest, Bz2SourceLoadsLikeThePlainOneAndHashesTheFileBytes) {
  const std::string bz2_path = "/landing/assignment_data.jsonl.bz2";
  util::ThreadPool pool(2);
  {
    auto file = fs_.create_writable(bz2_path, util::CreateMode::kTruncate);
    ASSERT_TRUE(file.is_ok());
    compression::Bz2ParallelWriter writer(**file, pool);
    ASSERT_TRUE(writer.append(sample_text()).is_ok());
    ASSERT_TRUE(writer.finish().is_ok());
    ASSERT_TRUE((*file)->close().is_ok());
  }
  RefineOptions o = options();
  o.source_path = bz2_path;
  o.pool = &pool;
  const RefineReport report = run(o);
  auto bytes = fs_.read_file(bz2_path);
  ASSERT_TRUE(bytes.is_ok());
  EXPECT_EQ(report.source_sha256, util::Sha256::of(*bytes));
  EXPECT_EQ(report.lines, 15);
  EXPECT_EQ(report.inserted, 7);
  EXPECT_EQ(rows_of(layout_.raw_session_events()), expected_raw_rows());
  EXPECT_EQ(rows_of(layout_.raw_session_events_quarantine()).size(), 8u);
}

TEST_F(RefineTest, PlainSourceHashIsTheFileSha256) {
  const RefineReport report = run(options());
  EXPECT_EQ(report.source_sha256, util::Sha256::of(sample_text()));
}

TEST_F(RefineTest, QuarantineOfAnotherFileIsAppended) {
  run(options());
  ASSERT_TRUE(util::write_file_atomic(fs_, "/landing/other.jsonl", "not json\n").is_ok());
  RefineOptions o = options();
  o.source_path = "/landing/other.jsonl";
  const RefineReport report = run(o);
  EXPECT_EQ(report.quarantined, 1);
  EXPECT_TRUE(report.dates.empty());
  EXPECT_EQ(rows_of(layout_.raw_session_events_quarantine()).size(), 9u);
}

TEST_F(RefineTest, MissingSourceIsAClearError) {
  RefineOptions o = options();
  o.source_path = "/landing/nope.jsonl.bz2";
  util::Result<RefineReport> report = refine(fs_, o);
  ASSERT_FALSE(report.is_ok());
  EXPECT_EQ(report.status().code(), util::StatusCode::kNotFound);
  EXPECT_NE(report.status().message().find("refine"), std::string::npos);
  EXPECT_NE(report.status().message().find("/landing/nope.jsonl.bz2"), std::string::npos)
      << report.status().message();
  auto exists = fs_.exists(layout_.raw_session_events());
  ASSERT_TRUE(exists.is_ok());
  EXPECT_FALSE(*exists);  // nothing created for a source that cannot be read
}

void land(util::FileSystem& fs, const lake::LakeLayout& layout, const std::string& date,
          const std::string& name, const std::string& fetched_at) {
  const std::string dir = util::join_path(layout.assignment_landing_dir(), date);
  ASSERT_TRUE(fs.create_dirs(dir).is_ok());
  ASSERT_TRUE(util::write_file_atomic(fs, util::join_path(dir, name), "x\n").is_ok());
  lake::LandingManifest m;
  m.file_name = name;
  m.source = "/src/" + name;
  m.size = 2;
  m.sha256 = util::Sha256::of("x\n");
  m.fetched_at_micros = *util::parse_iso8601(fetched_at);
  m.load_date = date;
  ASSERT_TRUE(
      lake::write_manifest(fs, lake::manifest_path_for(util::join_path(dir, name)), m).is_ok());
}

TEST_F(RefineTest, NewestLandedSourceIsTheNewestManifestOfTheNewestLoadDate) {
  land(fs_, layout_, "2024-05-01", "assignment_data.jsonl.bz2", "2024-05-01T10:00:00Z");
  land(fs_, layout_, "2024-05-03", "a.jsonl.bz2", "2024-05-03T10:00:00Z");
  land(fs_, layout_, "2024-05-03", "b.jsonl.bz2", "2024-05-03T12:00:00Z");
  land(fs_, layout_, "2024-05-03", "c.jsonl.bz2", "2024-05-03T11:00:00Z");
  ASSERT_TRUE(fs_.create_dirs(util::join_path(layout_.assignment_landing_dir(), "tmp")).is_ok());
  util::Result<std::string> newest = newest_landed_source(fs_, layout_);
  ASSERT_TRUE(newest.is_ok()) << newest.status().message();
  EXPECT_EQ(*newest, util::join_path(layout_.assignment_landing_dir(), "2024-05-03/b.jsonl.bz2"));
}

TEST_F(RefineTest, NewestLandedSourceFailsClearlyOnAnEmptyLake) {
  util::Result<std::string> newest = newest_landed_source(fs_, layout_);
  ASSERT_FALSE(newest.is_ok());
  EXPECT_EQ(newest.status().code(), util::StatusCode::kNotFound);
  EXPECT_EQ(newest.status().message(), "refine: no landed source under " +
                                           layout_.assignment_landing_dir() +
                                           ": run `medallion land --source ...` first");
  // A load-date directory without a manifest counts as empty too.
  ASSERT_TRUE(
      fs_.create_dirs(util::join_path(layout_.assignment_landing_dir(), "2024-05-03")).is_ok());
  EXPECT_EQ(newest_landed_source(fs_, layout_).status().code(), util::StatusCode::kNotFound);
}

TEST(LineWindowTest, FindsLinesAcrossChunksWithoutTheirLineEnds) {
  LineWindow w;
  w.append("one\r\ntw");
  w.append("o\nthr");
  EXPECT_EQ(w.line(1), "one");
  EXPECT_EQ(w.line(2), "two");
  w.append("ee\n\nfive");
  EXPECT_EQ(w.line(3), "three");
  EXPECT_EQ(w.line(4), "");
  EXPECT_EQ(w.line(5), "five");  // unterminated
}

TEST(LineWindowTest, ReleasedLinesFreeTheirBytes) {
  LineWindow w;
  const std::string line(1000, 'x');
  for (int i = 0; i < 4000; ++i) w.append(line + "\n");
  w.release_before(4000);
  w.append("y\n");  // compacts the dead prefix
  EXPECT_LT(w.held_bytes(), 2000u);
  EXPECT_EQ(w.line(4000), line);
  EXPECT_EQ(w.line(4001), "y");
}

}  // namespace
}  // namespace medallion::pipeline
