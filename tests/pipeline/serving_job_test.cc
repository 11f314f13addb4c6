// The serving side of the pipeline against the embedded CQL server started
// in-process: init (keyspace, tables, checkpoint reset), the serving stream
// (rows per table, retention, TTLs, timestamps, replays), and the sessions
// stream feeding it.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "cql/client/session.h"
#include "cql/server/embedded_cql_server.h"
#include "delta/columnar_bridge.h"
#include "delta/table_writer.h"
#include "pipeline/embedded/embedded_serving_writer.h"
#include "pipeline/pipeline_init.h"
#include "pipeline/sessionize.h"
#include "pipeline/stream_jobs.h"
#include "pipeline/table_schemas.h"
#include "raw_event_rows.h"
#include "util/civil_time.h"
#include "util/file_system.h"

namespace medallion::pipeline {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = int64_t{86400} * kMicrosPerSecond;

int64_t at(const char* iso) { return *util::parse_iso8601(iso); }

// Every test runs with both writers: over CQL (any cluster) and as bulk
// loads of the embedded node's store (what `up` uses); they must store the same.
class ServingJobTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    std::random_device random;
    dir_ = (std::filesystem::temp_directory_path() /
            ("medallion-serving-" + std::to_string(::getpid()) + "-" + std::to_string(random())))
               .string();
    std::filesystem::create_directories(dir_);
    layout_ = lake::LakeLayout(dir_ + "/lake");
    cql::ServerConfig config;
    config.port = 0;
    config.io_threads = 1;
    config.auth_enabled = false;
    config.data_directory = dir_ + "/cql";
    auto server = cql::EmbeddedCqlServer::start(config);
    ASSERT_TRUE(server.is_ok()) << server.status().message();
    server_ = std::move(server).value();
    cql::ClusterConfig cluster;
    cluster.hosts = {{server_->host(), server_->port()}};
    cluster.discover_peers = false;
    cluster.startup_deadline = std::chrono::milliseconds(5000);
    auto session = cql::Session::connect(cluster);
    ASSERT_TRUE(session.is_ok()) << session.status().message();
    session_ = std::move(session).value();
    options_.now_micros = at("2016-11-07T00:00:00Z");
  }
  void TearDown() override {
    if (session_) session_->close();
    session_.reset();
    if (server_) server_->stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  util::FileSystem& fs() { return util::posix_file_system(); }

  // Raw events appended to the raw table, then the sessions stream drained.
  void add_events(const std::vector<std::tuple<std::string, std::string, std::optional<std::string>,
                                               std::string, int64_t>>& events) {
    columnar::RecordBatch batch(raw_events_schema());
    for (const auto& [event, player, country, session, ts] : events) {
      testing::append_raw_event(&batch, event, player, country, session, ts);
    }
    auto appended = delta::append(fs(), layout_.raw_session_events(), delta::to_row_batch(batch));
    ASSERT_TRUE(appended.is_ok()) << appended.status().message();
    auto run = run_sessions_job(fs(), layout_, {});
    ASSERT_TRUE(run.is_ok()) << run.status().message();
  }

  util::Result<ServingJobSummary> serve() {
    const bool bulk = GetParam();
    const auto writer = bulk ? embedded_serving_writer(*server_) : cql_serving_writer(*session_);
    return run_serving_job(fs(), layout_, *session_, *writer, options_, {});
  }

  std::vector<std::string> rows(const std::string& query) {
    std::vector<std::string> out;
    auto it = session_->iterate(cql::CqlStatement::simple(query));
    EXPECT_TRUE(it.is_ok()) << it.status().message();
    if (!it.is_ok()) return out;
    for (;;) {
      auto more = it->next();
      EXPECT_TRUE(more.is_ok()) << more.status().message();
      if (!more.is_ok() || !*more) break;
      std::string line;
      for (size_t c = 0; c < it->columns().size(); ++c) {
        auto value = it->value(c);
        EXPECT_TRUE(value.is_ok());
        if (c > 0) line += "|";
        line += value.is_ok() ? render(*value) : "?";
      }
      out.push_back(line);
    }
    return out;
  }

  static std::string render(const cql::CqlValue& v) {
    if (v.is_null()) return "null";
    if (auto* s = std::get_if<std::string>(&v.v)) return *s;
    if (auto* t = std::get_if<cql::Timestamp>(&v.v)) {
      return util::format_iso8601(t->millis * 1000, util::FractionStyle::kWhenNonZero, true);
    }
    if (auto* i = std::get_if<int32_t>(&v.v)) return std::to_string(*i);
    if (auto* l = std::get_if<int64_t>(&v.v)) return std::to_string(*l);
    if (auto* d = std::get_if<cql::Date>(&v.v)) return util::format_iso_date(d->days_since_epoch());
    return "?";
  }

  std::string dir_;
  lake::LakeLayout layout_;
  std::unique_ptr<cql::EmbeddedCqlServer> server_;
  std::shared_ptr<cql::Session> session_;
  ServingOptions options_;
};

TEST_P(ServingJobTest, InitCreatesEverythingOnceAndIsIdempotent) {
  auto lake_first = init_lake_tables(fs(), layout_, false);
  ASSERT_TRUE(lake_first.is_ok()) << lake_first.status().message();
  EXPECT_EQ(lake_first->tables_created, 3);
  auto lake_again = init_lake_tables(fs(), layout_, false);
  ASSERT_TRUE(lake_again.is_ok());
  EXPECT_EQ(lake_again->tables_created, 0);

  auto first = init_serving_tables(fs(), layout_, *session_, options_, false);
  ASSERT_TRUE(first.is_ok()) << first.status().message();
  EXPECT_TRUE(first->keyspace_created);
  auto again = init_serving_tables(fs(), layout_, *session_, options_, false);
  ASSERT_TRUE(again.is_ok());
  EXPECT_FALSE(again->keyspace_created);
  EXPECT_TRUE(rows("SELECT * FROM session_events.completed_sessions_by_player").empty());
  EXPECT_TRUE(rows("SELECT * FROM session_events.started_sessions_by_country_hour").empty());
}

TEST_P(ServingJobTest, ServesCompletedAndStartedRowsWithinTheWindow) {
  ASSERT_TRUE(init_lake_tables(fs(), layout_, false).is_ok());
  ASSERT_TRUE(init_serving_tables(fs(), layout_, *session_, options_, false).is_ok());
  add_events({
      {"start", "p1", "IT", "s1", at("2016-11-05T10:15:00Z")},
      {"end", "p1", std::nullopt, "s1", at("2016-11-05T11:00:00Z")},
      {"start", "p1", "IT", "s2", at("2016-11-06T23:59:59Z")},        // no end yet
      {"end", "p2", std::nullopt, "s3", at("2016-11-06T08:00:00Z")},  // no start yet
      {"start", "p3", "FI", "old", at("2015-10-01T00:00:00Z")},       // > 1 year before now
      {"end", "p3", std::nullopt, "old", at("2015-10-01T01:00:00Z")},
  });
  auto served = serve();
  ASSERT_TRUE(served.is_ok()) << served.status().message();
  EXPECT_EQ(served->counts.sessions, 4);
  EXPECT_EQ(served->counts.completed, 2);  // s1, s3
  EXPECT_EQ(served->counts.started, 2);    // s1, s2
  EXPECT_EQ(served->counts.expired, 2);    // old, both ways

  EXPECT_EQ(rows("SELECT player_id, end_ts, session_id, country, start_ts FROM "
                 "session_events.completed_sessions_by_player WHERE player_id = 'p1'"),
            std::vector<std::string>{"p1|2016-11-05T11:00:00Z|s1|IT|2016-11-05T10:15:00Z"});
  EXPECT_EQ(rows("SELECT player_id, end_ts, session_id, country, start_ts FROM "
                 "session_events.completed_sessions_by_player WHERE player_id = 'p2'"),
            std::vector<std::string>{"p2|2016-11-06T08:00:00Z|s3|null|null"});
  EXPECT_EQ(rows("SELECT country, hour, start_ts, session_id, player_id FROM "
                 "session_events.started_sessions_by_country_hour WHERE country = 'IT' AND "
                 "hour = '2016-11-06T23:00:00Z'"),
            std::vector<std::string>{"IT|2016-11-06T23:00:00Z|2016-11-06T23:59:59Z|s2|p1"});
  EXPECT_TRUE(rows("SELECT * FROM session_events.completed_sessions_by_player WHERE "
                   "player_id = 'p3'")
                  .empty());
}

TEST_P(ServingJobTest, WritesCarryTheRetentionTtlAndTheRowsUpdateTimestamp) {
  ASSERT_TRUE(init_lake_tables(fs(), layout_, false).is_ok());
  ASSERT_TRUE(init_serving_tables(fs(), layout_, *session_, options_, false).is_ok());
  add_events({{"start", "p1", "IT", "s1", at("2016-11-05T00:00:00Z")},
              {"end", "p1", std::nullopt, "s1", at("2016-11-06T00:00:00Z")}});
  ASSERT_TRUE(serve().is_ok());
  const auto ttl = rows(
      "SELECT TTL(country), WRITETIME(country) FROM "
      "session_events.completed_sessions_by_player WHERE player_id = 'p1'");
  ASSERT_EQ(ttl.size(), 1u);
  const int64_t seconds = std::stoll(ttl[0].substr(0, ttl[0].find('|')));
  // The window closes 365 days after end_ts, i.e. 364 days after now; the
  // TTL counts from the write.
  EXPECT_LE(seconds, 364 * 86400);
  EXPECT_GT(seconds, 364 * 86400 - 120);
  const int64_t writetime = std::stoll(ttl[0].substr(ttl[0].find('|') + 1));
  EXPECT_GT(writetime, at("2020-01-01T00:00:00Z"));  // DL_UPDATE_TS: the wall clock
}

TEST_P(ServingJobTest, ALaterStartCompletesTheServedRowAndNothingIsServedTwice) {
  ASSERT_TRUE(init_lake_tables(fs(), layout_, false).is_ok());
  ASSERT_TRUE(init_serving_tables(fs(), layout_, *session_, options_, false).is_ok());
  add_events({{"end", "p1", std::nullopt, "s1", at("2016-11-05T11:00:00Z")}});
  ASSERT_TRUE(serve().is_ok());
  add_events({{"start", "p1", "DE", "s1", at("2016-11-05T10:00:00Z")}});
  auto second = serve();
  ASSERT_TRUE(second.is_ok()) << second.status().message();
  EXPECT_GE(second->run.batches, 1);
  EXPECT_EQ(rows("SELECT session_id, country, start_ts FROM "
                 "session_events.completed_sessions_by_player WHERE player_id = 'p1'"),
            std::vector<std::string>{"s1|DE|2016-11-05T10:00:00Z"});
  // Nothing new: the stream does not run again.
  auto third = serve();
  ASSERT_TRUE(third.is_ok());
  EXPECT_EQ(third->run.batches, 0);
}

TEST_P(ServingJobTest, ANewKeyspaceRestartsTheServingStream) {
  ASSERT_TRUE(init_lake_tables(fs(), layout_, false).is_ok());
  ASSERT_TRUE(init_serving_tables(fs(), layout_, *session_, options_, false).is_ok());
  add_events({{"start", "p1", "IT", "s1", at("2016-11-05T10:00:00Z")},
              {"end", "p1", std::nullopt, "s1", at("2016-11-05T11:00:00Z")}});
  ASSERT_TRUE(serve().is_ok());
  // Another cluster (here: the keyspace dropped behind the pipeline's back).
  ASSERT_TRUE(session_->execute("DROP KEYSPACE session_events").is_ok());
  auto init = init_serving_tables(fs(), layout_, *session_, options_, false);
  ASSERT_TRUE(init.is_ok());
  EXPECT_TRUE(init->keyspace_created);
  EXPECT_TRUE(init->checkpoint_reset);
  auto again = serve();
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  EXPECT_EQ(rows("SELECT session_id FROM session_events.completed_sessions_by_player WHERE "
                 "player_id = 'p1'"),
            std::vector<std::string>{"s1"});
}

TEST_P(ServingJobTest, ResetDropsTablesCheckpointsAndTheKeyspace) {
  ASSERT_TRUE(init_lake_tables(fs(), layout_, false).is_ok());
  ASSERT_TRUE(init_serving_tables(fs(), layout_, *session_, options_, false).is_ok());
  add_events({{"start", "p1", "IT", "s1", at("2016-11-05T10:00:00Z")},
              {"end", "p1", std::nullopt, "s1", at("2016-11-05T11:00:00Z")}});
  ASSERT_TRUE(serve().is_ok());
  auto lake = init_lake_tables(fs(), layout_, true);
  ASSERT_TRUE(lake.is_ok()) << lake.status().message();
  EXPECT_EQ(lake->tables_dropped, 3);
  EXPECT_EQ(lake->tables_created, 3);
  EXPECT_FALSE(*fs().exists(layout_.stream_checkpoint(kSessionsStreamName)));
  auto counts = count_sessions_table(fs(), layout_.use_case_session_events());
  ASSERT_TRUE(counts.is_ok());
  EXPECT_EQ(counts->sessions, 0);
  auto serving = init_serving_tables(fs(), layout_, *session_, options_, true);
  ASSERT_TRUE(serving.is_ok());
  EXPECT_TRUE(serving->keyspace_created);
  EXPECT_TRUE(rows("SELECT * FROM session_events.completed_sessions_by_player").empty());
}

TEST_P(ServingJobTest, CompatTablesGetTheOriginalsRows) {
  options_.compat_tables = true;
  ASSERT_TRUE(init_lake_tables(fs(), layout_, false).is_ok());
  ASSERT_TRUE(init_serving_tables(fs(), layout_, *session_, options_, false).is_ok());
  add_events({{"start", "p1", "IT", "s1", at("2016-11-05T10:00:00Z")},
              {"end", "p1", std::nullopt, "s1", at("2016-11-05T11:00:00Z")}});
  ASSERT_TRUE(serve().is_ok());
  // The original API's own queries.
  EXPECT_EQ(rows("SELECT player_id, session_id, country, ts FROM "
                 "session_events.api_completed_sessions WHERE player_id='p1' ORDER BY ts DESC "
                 "LIMIT 20"),
            std::vector<std::string>{"p1|s1|IT|2016-11-05T11:00:00Z"});
  EXPECT_EQ(rows("SELECT player_id, session_id, country, ts FROM "
                 "session_events.api_start_session_by_hour WHERE ts>='2016-11-05T00:00:00Z' AND "
                 "country='IT' ALLOW FILTERING"),
            std::vector<std::string>{"p1|s1|IT|2016-11-05T10:00:00Z"});
  EXPECT_EQ(rows("SELECT event_date FROM session_events.api_completed_sessions WHERE "
                 "player_id='p1'"),
            std::vector<std::string>{"2016-11-05"});
}

TEST_P(ServingJobTest, ServingWithoutTheGoldTableSaysWhatToRun) {
  auto served = serve();
  ASSERT_FALSE(served.is_ok());
  EXPECT_NE(served.status().message().find("stream sessions"), std::string::npos)
      << served.status().message();
}

INSTANTIATE_TEST_SUITE_P(Writers, ServingJobTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "EmbeddedBulkLoad" : "Cql";
                         });

}  // namespace
}  // namespace medallion::pipeline
