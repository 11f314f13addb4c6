// CqlServer with the real query processor and a store in a temp directory:
// DDL, DML through QUERY, PREPARE/EXECUTE and BATCH, events, error codes.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "../embedded_engine.h"
#include "cql/engine/query_processor.h"
#include "cql/protocol/response_parser.h"
#include "cql/server/cql_server.h"
#include "cql/storage/store.h"
#include "cql_test_client.h"

namespace medallion::cql {
namespace {

namespace fs = std::filesystem;
using testing::parse_error;
using testing::result_kind;
using testing::TestClient;

std::string int_bytes(int32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i)
    s[static_cast<size_t>(i)] = static_cast<char>(static_cast<uint32_t>(v) >> (24 - 8 * i));
  return s;
}

// Rows of a RESULT Rows body, each cell's bytes (none for any other body).
std::vector<std::vector<std::optional<std::string>>> rows_of(const Frame& frame) {
  auto response = parse_response(frame);
  if (!response.is_ok()) return {};
  if (auto* rows = std::get_if<RowsResult>(&response->message)) return rows->rows;
  return {};
}

class CqlServerEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(engine_.ok());
    ServerConfig config;
    config.auth_enabled = false;
    auto started = engine_.start_server(config);
    ASSERT_TRUE(started.is_ok()) << started.message();
  }
  std::unique_ptr<TestClient> ready_client() {
    auto c = TestClient::connect(engine_.server()->port());
    EXPECT_NE(c, nullptr);
    EXPECT_TRUE(c->startup());
    return c;
  }
  static QueryRequest query(std::string text, std::vector<Value> values = {}) {
    QueryRequest q;
    q.query = std::move(text);
    q.parameters.values = std::move(values);
    return q;
  }
  // Runs a statement that must succeed; returns the answer.
  Frame must(TestClient& c, std::string text, std::vector<Value> values = {}) {
    auto reply = c.request(1, query(std::move(text), std::move(values)));
    EXPECT_TRUE(reply);
    if (!reply) return {};
    EXPECT_EQ(reply->header.opcode, Opcode::kResult) << parse_error(*reply).message;
    return *reply;
  }
  void create_table(TestClient& c) {
    must(c,
         "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': "
         "1}");
    must(c, "CREATE TABLE ks.t (k int PRIMARY KEY, v text)");
  }

  testing::EmbeddedEngine engine_{"cql_server_engine"};
};

TEST_F(CqlServerEngineTest, InsertThenSelectThroughQuery) {
  auto c = ready_client();
  create_table(*c);
  EXPECT_EQ(result_kind(must(*c, "INSERT INTO ks.t (k, v) VALUES (1, 'one')")), 1);
  const Frame rows = must(*c, "SELECT v FROM ks.t WHERE k = 1");
  ASSERT_EQ(result_kind(rows), 2);
  auto data = rows_of(rows);
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(data[0][0], std::optional<std::string>("one"));
}

TEST_F(CqlServerEngineTest, UseSetsTheKeyspaceForLaterQueries) {
  auto c = ready_client();
  create_table(*c);
  EXPECT_EQ(result_kind(must(*c, "USE ks")), 3);
  must(*c, "INSERT INTO t (k, v) VALUES (2, 'two')");
  auto data = rows_of(must(*c, "SELECT v FROM t WHERE k = 2"));
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(data[0][0], std::optional<std::string>("two"));
}

TEST_F(CqlServerEngineTest, PreparedInsertAndSelect) {
  auto c = ready_client();
  create_table(*c);
  PrepareRequest p;
  p.query = "INSERT INTO ks.t (k, v) VALUES (?, ?)";
  auto prepared = c->request(2, p);
  ASSERT_TRUE(prepared);
  ASSERT_EQ(result_kind(*prepared), 4) << parse_error(*prepared).message;
  WireReader reader(prepared->body, "RESULT");
  ASSERT_TRUE(reader.read_int("kind").is_ok());
  auto id = reader.read_short_bytes("id");
  ASSERT_TRUE(id.is_ok());
  std::string pipelined;
  for (int i = 0; i < 100; ++i) {
    ExecuteRequest e;
    e.id = std::string(*id);
    e.parameters.values = {Value::of(int_bytes(i)), Value::of("v" + std::to_string(i))};
    pipelined += TestClient::frame(static_cast<int16_t>(i), e);
  }
  ASSERT_TRUE(c->send_raw(pipelined));
  for (int i = 0; i < 100; ++i) {
    auto reply = c->read_frame();
    ASSERT_TRUE(reply);
    EXPECT_EQ(result_kind(*reply), 1) << parse_error(*reply).message;
  }
  auto data = rows_of(must(*c, "SELECT v FROM ks.t WHERE k = ?", {Value::of(int_bytes(42))}));
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(data[0][0], std::optional<std::string>("v42"));
}

TEST_F(CqlServerEngineTest, BatchOfTexts) {
  auto c = ready_client();
  create_table(*c);
  BatchRequest b;
  b.statements.push_back({false, "INSERT INTO ks.t (k, v) VALUES (7, 'a')", {}});
  b.statements.push_back(
      {false, "INSERT INTO ks.t (k, v) VALUES (?, ?)", {Value::of(int_bytes(8)), Value::of("b")}});
  auto reply = c->request(3, b);
  ASSERT_TRUE(reply);
  EXPECT_EQ(result_kind(*reply), 1) << parse_error(*reply).message;
  EXPECT_EQ(rows_of(must(*c, "SELECT v FROM ks.t WHERE k = 8")).size(), 1u);
}

TEST_F(CqlServerEngineTest, SchemaChangeEventReachesRegisteredConnection) {
  auto listener = ready_client();
  RegisterRequest r;
  r.event_types = {"SCHEMA_CHANGE"};
  ASSERT_TRUE(listener->request(1, r));
  auto c = ready_client();
  create_table(*c);
  auto event = listener->read_frame();
  ASSERT_TRUE(event);
  EXPECT_EQ(event->header.opcode, Opcode::kEvent);
  EXPECT_EQ(event->header.stream, -1);
}

TEST_F(CqlServerEngineTest, SyntaxErrorIs0x2000) {
  auto c = ready_client();
  auto reply = c->request(1, query("SELEC * FROM x"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(parse_error(*reply).code, 0x2000);
}

TEST_F(CqlServerEngineTest, UnsupportedStatementIsInvalid) {
  auto c = ready_client();
  auto reply = c->request(1, query("GRANT ALL ON KEYSPACE ks TO bob"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(parse_error(*reply).code, 0x2200);
}

TEST_F(CqlServerEngineTest, UnknownTableIsInvalid) {
  auto c = ready_client();
  auto reply = c->request(1, query("SELECT * FROM nope.nothing"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(parse_error(*reply).code, 0x2200);
}

TEST_F(CqlServerEngineTest, CreateTableTwiceIsAlreadyExists) {
  auto c = ready_client();
  create_table(*c);
  auto reply = c->request(1, query("CREATE TABLE ks.t (k int PRIMARY KEY, v text)"));
  ASSERT_TRUE(reply);
  ASSERT_EQ(parse_error(*reply).code, 0x2400);
  WireReader reader(reply->body, "ERROR");
  ASSERT_TRUE(reader.read_int("code").is_ok());
  ASSERT_TRUE(reader.read_string("message").is_ok());
  auto ks = reader.read_string("ks");
  auto table = reader.read_string("table");
  ASSERT_TRUE(ks.is_ok() && table.is_ok());
  EXPECT_EQ(*ks, "ks");
  EXPECT_EQ(*table, "t");
}

TEST_F(CqlServerEngineTest, DropAndRecreateServesTheNewTable) {
  auto c = ready_client();
  create_table(*c);
  must(*c, "INSERT INTO ks.t (k, v) VALUES (1, 'old')");
  EXPECT_EQ(rows_of(must(*c, "SELECT v FROM ks.t WHERE k = 1")).size(), 1u);
  must(*c, "DROP TABLE ks.t");
  must(*c, "CREATE TABLE ks.t (k int PRIMARY KEY, v text)");
  // The cached prepared form of the same text must not serve the dropped table.
  EXPECT_EQ(rows_of(must(*c, "SELECT v FROM ks.t WHERE k = 1")).size(), 0u);
}

TEST_F(CqlServerEngineTest, SystemLocalAnswers) {
  auto c = ready_client();
  auto data = rows_of(must(*c, "SELECT release_version FROM system.local WHERE key = 'local'"));
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(data[0][0].value_or("").substr(0, 2), "3.");
}

}  // namespace
}  // namespace medallion::cql

namespace medallion::cql {
namespace {

// The load check of the brief: 32 connections, each keeping `kWindow`
// single-row prepared requests in flight. Disabled by default (it takes a
// few seconds and wants an idle machine); run with
//   cql_server_test --gtest_also_run_disabled_tests --gtest_filter='*Throughput*'
TEST_F(CqlServerEngineTest, DISABLED_ThroughputOf32PipelinedConnections) {
  auto setup = ready_client();
  create_table(*setup);
  auto prepare = [&](const std::string& text) {
    PrepareRequest p;
    p.query = text;
    auto reply = setup->request(1, p);
    WireReader reader(reply->body, "RESULT");
    (void)reader.read_int("kind");
    return std::string(*reader.read_short_bytes("id"));
  };
  const std::string insert_id = prepare("INSERT INTO ks.t (k, v) VALUES (?, ?)");
  const std::string select_id = prepare("SELECT v FROM ks.t WHERE k = ?");
  constexpr int kConnections = 32;
  constexpr int kWindow = 64;
  constexpr int kPerConnection = 6000;
  auto run = [&](const std::string& id, bool insert) {
    std::vector<std::thread> threads;
    std::atomic<int64_t> errors{0};
    const auto t0 = std::chrono::steady_clock::now();
    for (int t = 0; t < kConnections; ++t) {
      threads.emplace_back([&, t] {
        auto c = TestClient::connect(engine_.server()->port());
        if (!c || !c->startup()) {
          errors += kPerConnection;
          return;
        }
        auto frame_for = [&](int i) {
          ExecuteRequest e;
          e.id = id;
          const int32_t k = t * kPerConnection + i;
          e.parameters.values.push_back(Value::of(int_bytes(k)));
          if (insert) e.parameters.values.push_back(Value::of("value"));
          return TestClient::frame(static_cast<int16_t>(i % kWindow), e);
        };
        int sent = 0;
        std::string batch;
        for (; sent < kWindow; ++sent) batch += frame_for(sent);
        c->send_raw(batch);
        batch.clear();
        for (int done = 0; done < kPerConnection; ++done) {
          auto reply = c->read_frame(10000);
          if (!reply || reply->header.opcode != Opcode::kResult) {
            errors++;
            if (!reply) return;
          }
          // Refill the window in chunks: one send per 16 answers.
          if (sent < kPerConnection) batch += frame_for(sent++);
          if (batch.size() > 0 && (done % 16 == 15 || sent == kPerConnection)) {
            c->send_raw(batch);
            batch.clear();
          }
        }
      });
    }
    for (auto& th : threads) th.join();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double rate = kConnections * kPerConnection / seconds;
    std::printf("%s: %.0f requests/s (%d errors)\n", insert ? "INSERT" : "SELECT", rate,
                static_cast<int>(errors.load()));
    EXPECT_EQ(errors.load(), 0);
    return rate;
  };
  const double inserts = run(insert_id, true);
  const double selects = run(select_id, false);
  EXPECT_GT(inserts, 50000);
  EXPECT_GT(selects, 50000);
}

}  // namespace
}  // namespace medallion::cql
