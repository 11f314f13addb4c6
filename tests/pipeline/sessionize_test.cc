#include "pipeline/sessionize.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "delta/columnar_bridge.h"
#include "delta/snapshot.h"
#include "delta/table_scan.h"
#include "pipeline/table_schemas.h"
#include "raw_event_rows.h"
#include "util/civil_time.h"
#include "util/in_memory_file_system.h"

namespace medallion::pipeline {
namespace {

constexpr char kRoot[] = "/lake/uc_delta_session_events";
constexpr int64_t kMicrosPerSecond = 1'000'000;

struct Event {
  std::string event;  // "start" or "end"
  std::string player_id;
  std::optional<std::string> country;  // starts only
  std::string session_id;
  int64_t ts = 0;  // micros
};

columnar::RecordBatch events_batch(const std::vector<Event>& events) {
  columnar::RecordBatch batch(raw_events_schema());
  for (const Event& e : events) {
    testing::append_raw_event(&batch, e.event, e.player_id, e.country, e.session_id, e.ts);
  }
  return batch;
}

// One session row as text, without the DL_* columns:
// session|player|country|start|end|status|date
std::string session_text(const std::string& session, const std::string& player,
                         const std::optional<std::string>& country,
                         std::optional<int64_t> start, std::optional<int64_t> end) {
  auto ts = [](std::optional<int64_t> v) {
    return v ? util::format_iso8601(*v) : std::string("null");
  };
  const int64_t anchor = start ? *start : *end;
  int64_t days = anchor / (86'400 * kMicrosPerSecond);
  if (anchor < 0 && anchor % (86'400 * kMicrosPerSecond) != 0) --days;
  return session + "|" + player + "|" + country.value_or("null") + "|" + ts(start) + "|" +
         ts(end) + "|" + (end ? "1" : "0") + "|" + util::format_iso_date(days);
}

// The expected table, computed in one pass straight from the rules.
std::vector<std::string> expected_sessions(const std::vector<Event>& events) {
  struct Acc {
    std::string player;
    std::optional<std::string> country;
    std::optional<int64_t> start, end;
  };
  std::map<std::string, Acc> by_session;
  for (const Event& e : events) {
    Acc& a = by_session[e.session_id];
    a.player = e.player_id;
    if (e.event == "start" && (!a.start || e.ts < *a.start)) {
      a.start = e.ts;
      a.country = e.country;
    }
    if (e.event == "end" && (!a.end || e.ts > *a.end)) a.end = e.ts;
  }
  std::vector<std::string> out;
  for (const auto& [session, a] : by_session) {
    out.push_back(session_text(session, a.player, a.country, a.start, a.end));
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct TableRows {
  std::vector<std::string> rows;
  bool stamps_ordered = true;  // DL_INSERT_TS <= DL_UPDATE_TS, both set
};

TableRows table_sessions(util::FileSystem& fs) {
  TableRows out;
  auto snapshot = delta::load_snapshot(fs, kRoot);
  EXPECT_TRUE(snapshot.is_ok()) << snapshot.status().message();
  auto scan = delta::TableScan::make(snapshot.value());
  EXPECT_TRUE(scan.is_ok());
  auto status = scan.value().read_all(fs, [&](parquet::RowBatch&& b) {
    auto batch = delta::to_record_batch(scan.value().output_schema(), b);
    EXPECT_TRUE(batch.is_ok());
    const columnar::RecordBatch& rb = batch.value();
    for (size_t i = 0; i < rb.num_rows(); ++i) {
      auto opt_ts = [&](size_t c) -> std::optional<int64_t> {
        if (rb.column(c).is_null(i)) return std::nullopt;
        return rb.column(c).int64_at(i);
      };
      std::optional<std::string> country;
      if (!rb.column(0).is_null(i)) country = std::string(rb.column(0).string_at(i));
      std::string text = session_text(std::string(rb.column(2).string_at(i)),
                                      std::string(rb.column(1).string_at(i)), country, opt_ts(3),
                                      opt_ts(4));
      // The stored status and date must be what the rules give.
      const std::string stored = std::to_string(rb.column(5).int32_at(i)) + "|" +
                                 util::format_iso_date(rb.column(8).int32_at(i));
      EXPECT_EQ(text.substr(text.size() - stored.size()), stored) << text;
      if (rb.column(6).is_null(i) || rb.column(7).is_null(i) ||
          rb.column(6).int64_at(i) > rb.column(7).int64_at(i)) {
        out.stamps_ordered = false;
      }
      out.rows.push_back(std::move(text));
    }
    return util::Status::ok();
  });
  EXPECT_TRUE(status.is_ok()) << status.message();
  std::sort(out.rows.begin(), out.rows.end());
  return out;
}

// Random sessions over a few days: most have both events, some only one,
// some events are duplicated, a few sessions have two starts.
std::vector<Event> random_events(std::mt19937_64& rng, int sessions) {
  const char* countries[] = {"IT", "FI", "DE", "Code", "(.uk)"};
  const int64_t base = 1'478'044'800 * kMicrosPerSecond;  // 2016-11-02
  std::vector<Event> events;
  for (int s = 0; s < sessions; ++s) {
    const std::string session = "s" + std::to_string(s);
    const std::string player = "p" + std::to_string(rng() % 7);
    const int64_t start = base + static_cast<int64_t>(rng() % (5 * 86'400)) * kMicrosPerSecond;
    const int64_t end = start + static_cast<int64_t>(rng() % 20'000) * kMicrosPerSecond;
    const int shape = static_cast<int>(rng() % 10);
    const std::string country = countries[rng() % 5];
    if (shape != 0) events.push_back({"start", player, country, session, start});
    if (shape != 1) events.push_back({"end", player, std::nullopt, session, end});
    if (shape == 2) events.push_back(events.back());  // a duplicated line
    if (shape == 3) {  // a second, later start from elsewhere
      events.push_back({"start", player, std::string("ZZ"), session,
                        start + static_cast<int64_t>(1 + rng() % 100) * kMicrosPerSecond});
    }
  }
  return events;
}

TEST(Sessionize, AggregateFoldsEventsPerSession) {
  auto sessions = aggregate_sessions(events_batch({
      {"end", "p1", std::nullopt, "a", 500},
      {"start", "p1", std::string("IT"), "a", 100},
      {"start", "p1", std::string("FI"), "a", 50},
      {"end", "p2", std::nullopt, "b", 900},
  }));
  ASSERT_TRUE(sessions.is_ok()) << sessions.status().message();
  const columnar::RecordBatch& s = sessions.value();
  ASSERT_EQ(s.num_rows(), 2u);
  EXPECT_EQ(s.column(0).string_at(0), "a");
  EXPECT_EQ(s.column(2).string_at(0), "FI");  // the earliest start's country
  EXPECT_EQ(s.column(3).int64_at(0), 50);
  EXPECT_EQ(s.column(4).int64_at(0), 500);
  EXPECT_TRUE(s.column(2).is_null(1));
  EXPECT_TRUE(s.column(3).is_null(1));
}

TEST(Sessionize, AggregateNamesAMissingColumn) {
  columnar::RecordBatch batch(columnar::Schema({{"event", columnar::DataType::kString, true, {}}}));
  auto sessions = aggregate_sessions(batch);
  ASSERT_FALSE(sessions.is_ok());
  EXPECT_NE(sessions.status().message().find("'player_id'"), std::string::npos);
}

// The property of issue 5: any cut into micro-batches, in any order, gives
// the one-pass table.
TEST(Sessionize, AnyBatchingAndOrderGivesTheOnePassTable) {
  std::mt19937_64 rng(20261124);
  for (int trial = 0; trial < 25; ++trial) {
    util::InMemoryFileSystem fs;
    ASSERT_TRUE(ensure_sessions_table(fs, kRoot).is_ok());
    std::vector<Event> events = random_events(rng, 30 + static_cast<int>(rng() % 120));
    std::shuffle(events.begin(), events.end(), rng);
    const size_t batches = 1 + rng() % 8;
    std::vector<size_t> cuts = {0, events.size()};
    for (size_t i = 1; i < batches; ++i) cuts.push_back(rng() % (events.size() + 1));
    std::sort(cuts.begin(), cuts.end());
    for (size_t b = 0; b + 1 < cuts.size(); ++b) {
      std::vector<Event> slice(events.begin() + static_cast<std::ptrdiff_t>(cuts[b]),
                               events.begin() + static_cast<std::ptrdiff_t>(cuts[b + 1]));
      delta::WriteOptions options;
      options.app_id = "sessions";
      options.app_version = static_cast<int64_t>(b);
      options.now_ms = 1'700'000'000'000 + static_cast<int64_t>(b) * 1000;
      auto merged = merge_session_events(fs, kRoot, events_batch(slice), options);
      ASSERT_TRUE(merged.is_ok()) << "trial " << trial << ": " << merged.status().message();
      if (rng() % 4 == 0) {  // a replayed batch is recognised and skipped
        auto replay = merge_session_events(fs, kRoot, events_batch(slice), options);
        ASSERT_TRUE(replay.is_ok());
        EXPECT_TRUE(replay.value().skipped);
      }
    }
    const TableRows table = table_sessions(fs);
    ASSERT_EQ(table.rows, expected_sessions(events)) << "trial " << trial;
    EXPECT_TRUE(table.stamps_ordered) << "trial " << trial;
  }
}

TEST(Sessionize, ReplayWithoutTxnChangesNothing) {
  util::InMemoryFileSystem fs;
  ASSERT_TRUE(ensure_sessions_table(fs, kRoot).is_ok());
  const auto events = events_batch({{"start", "p", std::string("IT"), "a", 100},
                                    {"end", "p", std::nullopt, "a", 900}});
  delta::WriteOptions options;
  options.now_ms = 1000;
  ASSERT_TRUE(merge_session_events(fs, kRoot, events, options).is_ok());
  options.now_ms = 2000;
  auto again = merge_session_events(fs, kRoot, events, options);
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  EXPECT_FALSE(again.value().committed);  // least/greatest: nothing changes
}

TEST(Sessionize, EnsureTableIsIdempotent) {
  util::InMemoryFileSystem fs;
  ASSERT_TRUE(ensure_sessions_table(fs, kRoot).is_ok());
  ASSERT_TRUE(ensure_sessions_table(fs, kRoot).is_ok());
  auto snapshot = delta::load_snapshot(fs, kRoot);
  ASSERT_TRUE(snapshot.is_ok());
  EXPECT_EQ(snapshot.value().version, 0);
  EXPECT_EQ(snapshot.value().metadata.partition_columns,
            (std::vector<std::string>{"EVENT_DATE"}));
}

}  // namespace
}  // namespace medallion::pipeline
