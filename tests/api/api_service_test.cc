// ApiService over the embedded CQL server started in-process, called
// directly (no HTTP): the answers of both product queries on known rows,
// paging by token, API keys, rate limits, /metrics counting what was
// answered, /ready and the model routes when the cluster is gone, /docs
// without Swagger UI files. FastAPI compatibility of the bad inputs is
// tests/api/fastapi_compat_test.py's.
#include "api/api_service.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <string>
#include <vector>

#include "api/embedded/embedded_query_runner.h"
#include "api/fastapi_params.h"
#include "api/serving_reader.h"
#include "cql/client/session.h"
#include "cql/server/embedded_cql_server.h"
#include "pipeline/serving_tables.h"
#include "util/civil_time.h"

namespace medallion::api {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kNow = "2016-11-07T00:00:00Z";

int64_t micros(std::string_view iso) { return *util::parse_iso8601(iso); }
int64_t millis(std::string_view iso) { return micros(iso) / 1000; }

class ApiServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "api_service_XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    cql::ServerConfig server;
    server.host = "127.0.0.1";
    server.port = 0;
    server.auth_enabled = false;
    server.data_directory = dir_ + "/cql";
    auto node = cql::EmbeddedCqlServer::start(server);
    ASSERT_TRUE(node.is_ok()) << node.status().message();
    node_ = std::move(node).value();
    cql::ClusterConfig cluster;
    cluster.hosts = {{"127.0.0.1", node_->port()}};
    cluster.discover_peers = false;
    auto session = cql::Session::connect(cluster);
    ASSERT_TRUE(session.is_ok()) << session.status().message();
    session_ = *session;
    pipeline::ServingOptions serving;
    for (const auto& ddl : pipeline::serving_schema_statements(serving)) {
      auto r = session_->execute(ddl);
      ASSERT_TRUE(r.is_ok()) << r.status().message();
    }
    // p1: 25 completed sessions, one per day back from now (the API shows
    // 20), and one outside the year; started sessions in IT over three
    // hours, two of them at the same instant.
    for (int i = 0; i < 25; ++i) {
      insert_completed("p1", fmt::format("s{:02}", i),
                       millis(kNow) - int64_t{i} * 86'400'000 - 1000);
    }
    insert_completed("p1", "old", millis("2015-11-01T00:00:00Z"));
    insert_started("IT", "a", "pa", millis("2016-11-06T23:30:00Z"));
    insert_started("IT", "b", "pb", millis("2016-11-06T23:30:00Z"));  // tie with a
    insert_started("IT", "c", "pc", millis("2016-11-06T22:10:00.250Z"));
    insert_started("IT", "d", "pd", millis("2016-11-06T21:00:00Z"));
    insert_started("IT", "late", "pe", millis("2016-11-07T00:00:01Z"));  // after now
    insert_started("FR", "f", "pf", millis("2016-11-06T23:00:00Z"));
  }

  void insert_completed(const std::string& player, const std::string& session, int64_t end_ms) {
    auto r = session_->execute(cql::CqlStatement::simple(
        "INSERT INTO session_events.completed_sessions_by_player (player_id, end_ts, session_id, "
        "country, start_ts) VALUES (?, ?, ?, ?, ?)",
        {text(player), encode_ts(end_ms), text(session), text("IT"), encode_ts(end_ms - 60'000)}));
    ASSERT_TRUE(r.is_ok()) << r.status().message();
  }
  void insert_started(const std::string& country, const std::string& session,
                      const std::string& player, int64_t start_ms) {
    const int64_t hour = start_ms / 3'600'000 * 3'600'000;
    auto r = session_->execute(cql::CqlStatement::simple(
        "INSERT INTO session_events.started_sessions_by_country_hour (country, hour, start_ts, "
        "session_id, player_id) VALUES (?, ?, ?, ?, ?)",
        {text(country), encode_ts(hour), encode_ts(start_ms), text(session), text(player)}));
    ASSERT_TRUE(r.is_ok()) << r.status().message();
  }
  static cql::Value encode_ts(int64_t ms) {
    return cql::Value::of(
        *cql::encode_value(cql::CqlType::of(cql::TypeId::kTimestamp), cql::Timestamp{ms}));
  }
  static cql::Value text(std::string s) { return cql::Value::of(std::move(s)); }

  void TearDown() override {
    if (session_) session_->close();
    if (node_) node_->stop();
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }

  // Over the CQL client's session, or (in_process) on the node directly.
  std::unique_ptr<ApiService> service(ApiOptions options = {}, bool in_process = false) {
    ServingReaderOptions reader_options;
    reader_options.now_micros = [] { return micros(kNow); };
    auto reader = ServingReader::prepare(
        in_process ? embedded_query_runner(*node_) : session_query_runner(session_),
        reader_options);
    EXPECT_TRUE(reader.is_ok()) << reader.status().message();
    if (options.swagger_ui_dir.empty()) options.swagger_ui_dir = dir_ + "/no-swagger";
    auto s = ApiService::create(*reader, options);
    EXPECT_TRUE(s.is_ok()) << s.status().message();
    return s.is_ok() ? std::move(s).value() : nullptr;
  }

  static HttpResponse get(ApiService& api, std::string target,
                          std::vector<std::pair<std::string, std::string>> headers = {},
                          std::string address = "127.0.0.1") {
    HttpRequest request;
    request.method = "GET";
    request.target = std::move(target);
    request.headers = std::move(headers);
    std::promise<HttpResponse> answer;
    RequestContext context{std::move(address)};
    api.handle(std::move(request), context,
               [&answer](HttpResponse r) { answer.set_value(std::move(r)); });
    auto future = answer.get_future();
    EXPECT_EQ(future.wait_for(20s), std::future_status::ready);
    return future.get();
  }
  static std::string header(const HttpResponse& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "";
  }

  std::string dir_;
  std::unique_ptr<cql::EmbeddedCqlServer> node_;
  std::shared_ptr<cql::Session> session_;
};

TEST_F(ApiServiceTest, CompletedSessionsAreTheTwentyNewestInTheWindow) {
  auto api = service();
  ASSERT_NE(api, nullptr);
  const HttpResponse r = get(*api, "/models/completed-sessions/p1");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body.find(R"({"items":[{"player_id":"p1","session_id":"s00","country":"IT",)"
                        R"("ts":"2016-11-06T23:59:59"},)"),
            0u)
      << r.body;
  EXPECT_NE(r.body.find(R"("session_id":"s19")"), std::string::npos);
  EXPECT_EQ(r.body.find(R"("session_id":"s20")"), std::string::npos);
  EXPECT_NE(r.body.find(R"("count":20})"), std::string::npos) << r.body;

  const HttpResponse none = get(*api, "/models/completed-sessions/nobody");
  EXPECT_EQ(none.status, 200);
  EXPECT_EQ(none.body, R"({"items":[],"count":0})");
}

TEST_F(ApiServiceTest, StartedSessionsNewestFirstWithTiesAndMillisecondsAndPaging) {
  auto api = service();
  ASSERT_NE(api, nullptr);
  const HttpResponse all = get(*api, "/models/started_sessions/IT/24");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(
      all.body,
      R"({"items":[)"
      R"({"player_id":"pa","session_id":"a","country":"IT","ts":"2016-11-06T23:30:00"},)"
      R"({"player_id":"pb","session_id":"b","country":"IT","ts":"2016-11-06T23:30:00"},)"
      R"({"player_id":"pc","session_id":"c","country":"IT","ts":"2016-11-06T22:10:00.250000"},)"
      R"({"player_id":"pd","session_id":"d","country":"IT","ts":"2016-11-06T21:00:00"}],)"
      R"("count":4,"next_page_token":null})");
  // hours=2 starts at 22:00: d is out.
  const HttpResponse two = get(*api, "/models/started_sessions/IT/2");
  EXPECT_NE(two.body.find(R"("count":3)"), std::string::npos) << two.body;

  // Pages of one, through the tie.
  std::vector<std::string> sessions;
  std::string target = "/models/started_sessions/IT/24?limit=1";
  for (int page = 0; page < 10; ++page) {
    const HttpResponse r = get(*api, target);
    ASSERT_EQ(r.status, 200) << r.body;
    const size_t at = r.body.find(R"("session_id":")");
    if (at == std::string::npos) break;
    sessions.push_back(r.body.substr(at + 14, r.body.find('"', at + 14) - at - 14));
    const size_t token = r.body.find(R"("next_page_token":")");
    if (token == std::string::npos) break;
    const std::string value = r.body.substr(token + 19, r.body.find('"', token + 19) - token - 19);
    target = "/models/started_sessions/IT/24?limit=1&page_token=" + value;
  }
  EXPECT_EQ(sessions, (std::vector<std::string>{"a", "b", "c", "d"}));
}

TEST_F(ApiServiceTest, InProcessReadsAnswerAsReadsOverCql) {
  auto over_cql = service();
  auto in_process = service({}, /*in_process=*/true);
  ASSERT_NE(over_cql, nullptr);
  ASSERT_NE(in_process, nullptr);
  for (const char* target :
       {"/models/completed-sessions/p1", "/models/completed-sessions/nobody",
        "/models/started_sessions/IT/24", "/models/started_sessions/IT/1",
        "/models/started_sessions/IT/24?limit=2", "/models/started_sessions/FR/3",
        "/models/started_sessions/IT/0", "/ready"}) {
    const HttpResponse a = get(*over_cql, target);
    const HttpResponse b = get(*in_process, target);
    EXPECT_EQ(a.status, b.status) << target;
    EXPECT_EQ(a.body, b.body) << target;
  }
  // The token of one serves the other.
  const HttpResponse first = get(*in_process, "/models/started_sessions/IT/24?limit=2");
  const size_t at = first.body.find(R"("next_page_token":")");
  ASSERT_NE(at, std::string::npos) << first.body;
  const std::string token = first.body.substr(at + 19, first.body.find('"', at + 19) - at - 19);
  const std::string next = "/models/started_sessions/IT/24?limit=2&page_token=" + token;
  EXPECT_EQ(get(*over_cql, next).body, get(*in_process, next).body);
}

TEST_F(ApiServiceTest, ApiKeysGuardTheModelsOnly) {
  ApiOptions options;
  options.api_keys = {"k-one", "k-two"};
  auto api = service(options);
  ASSERT_NE(api, nullptr);
  const HttpResponse missing = get(*api, "/models/completed-sessions/p1");
  EXPECT_EQ(missing.status, 403);
  EXPECT_EQ(missing.body, R"({"detail":"Not authenticated"})");
  const HttpResponse wrong = get(*api, "/models/completed-sessions/p1", {{"X-API-Key", "nope"}});
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(wrong.body, R"({"detail":"Invalid API key"})");
  // The key comes before the parameters, as FastAPI's security dependency.
  EXPECT_EQ(get(*api, "/models/started_sessions/IT/99").status, 403);
  EXPECT_EQ(get(*api, "/models/completed-sessions/p1", {{"x-api-key", "k-two"}}).status, 200);
  EXPECT_EQ(get(*api, "/health").status, 200);
  EXPECT_EQ(get(*api, "/openapi.json").status, 200);
  EXPECT_NE(get(*api, "/openapi.json").body.find("X-API-Key"), std::string::npos);
}

TEST_F(ApiServiceTest, RateLimitsPerKeyAnswer429WithRetryAfter) {
  ApiOptions options;
  options.api_keys = {"a", "b"};
  options.rate_limit_per_second = 0.5;
  options.rate_limit_burst = 2;
  auto api = service(options);
  ASSERT_NE(api, nullptr);
  EXPECT_EQ(get(*api, "/models/completed-sessions/p1", {{"X-API-Key", "a"}}).status, 200);
  EXPECT_EQ(get(*api, "/models/completed-sessions/p1", {{"X-API-Key", "a"}}).status, 200);
  const HttpResponse limited = get(*api, "/models/completed-sessions/p1", {{"X-API-Key", "a"}});
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.body, R"({"detail":"Too Many Requests"})");
  const std::string retry = header(limited, "retry-after");
  ASSERT_FALSE(retry.empty());
  EXPECT_GE(std::stoi(retry), 1);
  EXPECT_LE(std::stoi(retry), 2);
  // Another key has its own bucket; /health is never limited.
  EXPECT_EQ(get(*api, "/models/completed-sessions/p1", {{"X-API-Key", "b"}}).status, 200);
  EXPECT_EQ(get(*api, "/health").status, 200);
}

TEST_F(ApiServiceTest, WithoutKeysTheLimitIsPerClientAddress) {
  ApiOptions options;
  options.rate_limit_per_second = 0.1;
  options.rate_limit_burst = 1;
  auto api = service(options);
  ASSERT_NE(api, nullptr);
  EXPECT_EQ(get(*api, "/models/completed-sessions/p1", {}, "10.0.0.1").status, 200);
  EXPECT_EQ(get(*api, "/models/completed-sessions/p1", {}, "10.0.0.1").status, 429);
  EXPECT_EQ(get(*api, "/models/completed-sessions/p1", {}, "10.0.0.2").status, 200);
}

TEST_F(ApiServiceTest, MetricsCountAnswersByRouteAndStatus) {
  auto api = service();
  ASSERT_NE(api, nullptr);
  get(*api, "/models/completed-sessions/p1");
  get(*api, "/models/completed-sessions/p1");
  get(*api, "/models/started_sessions/IT/0");
  get(*api, "/nowhere");
  const HttpResponse m = get(*api, "/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ(m.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(
      m.body.find(
          R"(medallion_api_requests_total{route="/models/completed-sessions/{player_id}",method="GET",status="200"} 2)"),
      std::string::npos)
      << m.body;
  EXPECT_NE(
      m.body.find(
          R"(medallion_api_requests_total{route="/models/started_sessions/{country}/{hours}",method="GET",status="422"} 1)"),
      std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find(R"(route="unmatched",method="GET",status="404"} 1)"), std::string::npos)
      << m.body;
  EXPECT_NE(
      m.body.find(R"(medallion_api_cql_duration_seconds_count{query="completed_sessions"} 2)"),
      std::string::npos)
      << m.body;
}

TEST_F(ApiServiceTest, ReadyAndTheModelsSayWhenTheClusterIsGone) {
  auto api = service();
  ASSERT_NE(api, nullptr);
  const HttpResponse ready = get(*api, "/ready");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, R"({"detail":"Ready"})");
  session_->close();
  const HttpResponse down = get(*api, "/ready");
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(down.body.find(R"({"detail":"CQL unavailable: )"), 0u) << down.body;
  const HttpResponse model = get(*api, "/models/completed-sessions/p1");
  EXPECT_EQ(model.status, 503);
  EXPECT_EQ(model.body.find(R"({"detail":"the serving layer is unavailable: )"), 0u) << model.body;
  EXPECT_EQ(get(*api, "/health").status, 200);
}

TEST_F(ApiServiceTest, DocsWithoutSwaggerUiFilesSayHowToInstallThem) {
  auto api = service();
  ASSERT_NE(api, nullptr);
  const HttpResponse docs = get(*api, "/docs");
  EXPECT_EQ(docs.status, 503);
  EXPECT_NE(docs.body.find("install-peers"), std::string::npos) << docs.body;
}

TEST_F(ApiServiceTest, PreparingWithoutTheServingTablesIsAClearError) {
  ASSERT_TRUE(session_->execute("DROP KEYSPACE session_events").is_ok());
  ServingReaderOptions options;
  options.now_micros = [] { return micros(kNow); };
  auto reader = ServingReader::prepare(session_query_runner(session_), options);
  ASSERT_FALSE(reader.is_ok());
  EXPECT_NE(reader.status().message().find("are the serving tables there?"), std::string::npos)
      << reader.status().message();
}

}  // namespace
}  // namespace medallion::api
