// ClientConnection against the embedded server started in-process (store in a temp
// dir, QueryProcessor, CqlServer on 127.0.0.1 port 0) and against
// FakeCqlServer for what a healthy server never does (silence, v3 only,
// held answers, dropped sockets).
#include "cql/client/connection.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>

#include "../embedded_engine.h"
#include "cql/engine/query_processor.h"
#include "cql/server/cql_server.h"
#include "cql/storage/store.h"
#include "fake_cql_server.h"

namespace medallion::cql {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::FakeCqlServer;

// Counts callbacks; wait() until n arrived (bounded).
class Latch {
 public:
  void arrive() {
    std::lock_guard<std::mutex> lock(mu_);
    ++count_;
    cv_.notify_all();
  }
  bool wait(size_t n, std::chrono::milliseconds limit = 20s) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return count_ >= n; });
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu_);
    return count_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  size_t count_ = 0;
};

QueryRequest query(std::string text) {
  QueryRequest q;
  q.query = std::move(text);
  return q;
}

class ConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(engine_.ok()); }
  void start_server(bool auth) {
    ServerConfig config;
    config.auth_enabled = auth;
    config.users = {{"alice", "secret"}};
    auto started = engine_.start_server(config);
    ASSERT_TRUE(started.is_ok()) << started.message();
  }
  ConnectionOptions options() const {
    ConnectionOptions o;
    o.port = engine_.server()->port();
    o.connect_timeout = 5s;
    o.request_timeout = 10s;
    return o;
  }
  std::shared_ptr<ClientConnection> connect(ConnectionOptions o) {
    auto c = ClientConnection::connect(std::move(o), &io_);
    EXPECT_TRUE(c.is_ok()) << c.status().message();
    return c.is_ok() ? *c : nullptr;
  }
  // Runs a statement that must succeed.
  Response must(ClientConnection& c, std::string text) {
    auto r = c.execute(query(std::move(text)));
    EXPECT_TRUE(r.is_ok()) << r.status().message();
    if (!r.is_ok()) return {};
    EXPECT_TRUE(response_status(*r, c.endpoint()).is_ok())
        << response_status(*r, c.endpoint()).message();
    return std::move(r).value();
  }
  void create_table(ClientConnection& c) {
    must(c,
         "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
         "'replication_factor': 1}");
    must(c, "CREATE TABLE ks.t (k int PRIMARY KEY, v text)");
  }

  testing::EmbeddedEngine engine_{"cql_client_conn"};
  IoThreads io_{2};
};

TEST_F(ConnectionTest, HandshakeWithoutAuthThenQuery) {
  start_server(false);
  auto c = connect(options());
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->is_open());
  EXPECT_EQ(c->compression(), Compression::kNone);
  auto r = must(*c,
                "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
                "'replication_factor': 1}");
  const auto* change = std::get_if<SchemaChangeResponse>(&r.message);
  ASSERT_NE(change, nullptr) << response_name(r.message);
  EXPECT_EQ(change->change.keyspace, "ks");
}

TEST_F(ConnectionTest, OwnsItsLoopWhenNoneIsGiven) {
  start_server(false);
  auto c = ClientConnection::connect(options());
  ASSERT_TRUE(c.is_ok()) << c.status().message();
  auto r = (*c)->execute(query("SELECT release_version FROM system.local"));
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_NE(std::get_if<RowsResult>(&r->message), nullptr) << response_name(r->message);
}

TEST_F(ConnectionTest, HandshakeWithPasswordAuth) {
  start_server(true);
  auto o = options();
  o.username = "alice";
  o.password = "secret";
  auto c = connect(o);
  ASSERT_NE(c, nullptr);
  must(*c, "SELECT release_version FROM system.local");
}

TEST_F(ConnectionTest, BadPasswordIsAClearError) {
  start_server(true);
  auto o = options();
  o.username = "alice";
  o.password = "wrong";
  auto c = ClientConnection::connect(o, &io_);
  ASSERT_FALSE(c.is_ok());
  EXPECT_EQ(c.status().code(), util::StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("authentication as 'alice' failed"), std::string::npos)
      << c.status().message();
}

TEST_F(ConnectionTest, MissingCredentialsIsAClearError) {
  start_server(true);
  auto c = ClientConnection::connect(options(), &io_);
  ASSERT_FALSE(c.is_ok());
  EXPECT_NE(c.status().message().find("requires authentication"), std::string::npos)
      << c.status().message();
}

TEST_F(ConnectionTest, Lz4CompressionRoundTripsLargeRows) {
  start_server(false);
  auto o = options();
  o.compression = Compression::kLz4;
  auto c = connect(o);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->compression(), Compression::kLz4);
  create_table(*c);
  const std::string big(100000, 'x');
  must(*c, "INSERT INTO ks.t (k, v) VALUES (1, '" + big + "')");
  auto r = must(*c, "SELECT v FROM ks.t WHERE k = 1");
  const auto* rows = std::get_if<RowsResult>(&r.message);
  ASSERT_NE(rows, nullptr);
  ASSERT_EQ(rows->rows.size(), 1u);
  EXPECT_EQ(rows->rows[0][0], std::optional<std::string>(big));
}

TEST_F(ConnectionTest, SnappyCompression) {
  start_server(false);
  auto o = options();
  o.compression = Compression::kSnappy;
  auto c = connect(o);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->compression(), Compression::kSnappy);
  create_table(*c);
  must(*c, "INSERT INTO ks.t (k, v) VALUES (2, 'two')");
}

TEST_F(ConnectionTest, CompressionNotOfferedFallsBackToNone) {
  FakeCqlServer fake(FakeCqlServer::Mode::kHoldQueries);  // lists no codec
  ConnectionOptions o;
  o.port = fake.port();
  o.compression = Compression::kLz4;
  auto c = ClientConnection::connect(o, &io_);
  ASSERT_TRUE(c.is_ok()) << c.status().message();
  EXPECT_EQ((*c)->compression(), Compression::kNone);
  auto r = (*c)->execute(query("x"));
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_NE(std::get_if<VoidResponse>(&r->message), nullptr);
}

TEST_F(ConnectionTest, TenThousandPipelinedInserts) {
  start_server(false);
  auto c = connect(options());
  ASSERT_NE(c, nullptr);
  create_table(*c);
  auto prepared = c->execute(PrepareRequest{"INSERT INTO ks.t (k, v) VALUES (?, ?)"});
  ASSERT_TRUE(prepared.is_ok()) << prepared.status().message();
  const auto* p = std::get_if<PreparedResult>(&prepared->message);
  ASSERT_NE(p, nullptr) << response_name(prepared->message);
  constexpr int kRequests = 10000;
  Latch latch;
  std::atomic<int> ok{0};
  for (int i = 0; i < kRequests; ++i) {
    ExecuteRequest e;
    e.id = p->id;
    std::string key(4, '\0');
    for (int b = 0; b < 4; ++b) key[static_cast<size_t>(b)] = static_cast<char>(i >> (24 - 8 * b));
    e.parameters.values = {Value::of(key), Value::of("v" + std::to_string(i))};
    c->send(std::move(e), [&](util::Result<Response> r) {
      if (r.is_ok() && std::holds_alternative<VoidResponse>(r->message)) ++ok;
      latch.arrive();
    });
  }
  ASSERT_TRUE(latch.wait(kRequests, 60s)) << latch.count() << " answers";
  EXPECT_EQ(ok.load(), kRequests);
  EXPECT_EQ(c->in_flight(), 0u);
  auto r = must(*c, "SELECT count(*) FROM ks.t");
  const auto* rows = std::get_if<RowsResult>(&r.message);
  ASSERT_NE(rows, nullptr);
  ASSERT_EQ(rows->rows.size(), 1u);
  // count(*) is a bigint.
  EXPECT_EQ(rows->rows[0][0], std::optional<std::string>(std::string("\0\0\0\0\0\0\x27\x10", 8)));
}

TEST_F(ConnectionTest, SendFromManyThreads) {
  start_server(false);
  auto c = connect(options());
  ASSERT_NE(c, nullptr);
  Latch latch;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        c->send(query("SELECT release_version FROM system.local"), [&](util::Result<Response> r) {
          if (r.is_ok() && std::holds_alternative<RowsResult>(r->message)) ++ok;
          latch.arrive();
        });
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(latch.wait(2000));
  EXPECT_EQ(ok.load(), 2000);
}

TEST_F(ConnectionTest, ExecuteOfAnUnknownIdIsUnpreparedWithTheId) {
  start_server(false);
  auto c = connect(options());
  ASSERT_NE(c, nullptr);
  ExecuteRequest e;
  e.id = std::string("\x01\x02\x03\x04", 4);
  auto r = c->execute(std::move(e));
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const auto* error = std::get_if<ErrorResponse>(&r->message);
  ASSERT_NE(error, nullptr) << response_name(r->message);
  EXPECT_EQ(error->code, ErrorCode::kUnprepared);
  EXPECT_EQ(error->unprepared_id, std::string("\x01\x02\x03\x04", 4));
  const util::Status s = response_status(*r, c->endpoint());
  EXPECT_EQ(s.code(), util::StatusCode::kNotFound);
  EXPECT_NE(s.message().find(c->endpoint()), std::string::npos) << s.message();
}

TEST_F(ConnectionTest, SyntaxErrorIsAnErrorResponse) {
  start_server(false);
  auto c = connect(options());
  ASSERT_NE(c, nullptr);
  auto r = c->execute(query("SELEC nothing"));
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const auto* error = std::get_if<ErrorResponse>(&r->message);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->code, ErrorCode::kSyntaxError);
  EXPECT_EQ(response_status(*r, c->endpoint()).code(), util::StatusCode::kInvalidArgument);
  // The connection keeps serving.
  must(*c, "SELECT release_version FROM system.local");
}

TEST_F(ConnectionTest, SchemaEventsReachTheHandler) {
  start_server(false);
  std::mutex mu;
  std::vector<Event> events;
  Latch latch;
  auto o = options();
  o.events = {"SCHEMA_CHANGE"};
  o.event_handler = [&](const Event& e) {
    {
      std::lock_guard<std::mutex> lock(mu);
      events.push_back(e);
    }
    latch.arrive();
  };
  auto listener = connect(o);
  ASSERT_NE(listener, nullptr);
  auto other = connect(options());
  ASSERT_NE(other, nullptr);
  must(*other,
       "CREATE KEYSPACE evks WITH replication = {'class': 'SimpleStrategy', "
       "'replication_factor': 1}");
  ASSERT_TRUE(latch.wait(1, 5s));
  std::lock_guard<std::mutex> lock(mu);
  const auto* change = std::get_if<SchemaChange>(&events[0]);
  ASSERT_NE(change, nullptr);
  EXPECT_EQ(change->keyspace, "evks");
}

TEST_F(ConnectionTest, ServerStoppedMidRunFailsPendingRequestsPromptly) {
  start_server(false);
  auto c = connect(options());
  ASSERT_NE(c, nullptr);
  create_table(*c);
  Latch latch;
  std::atomic<int> failed{0};
  std::mutex mu;
  std::string message;
  constexpr int kRequests = 3000;
  for (int i = 0; i < kRequests; ++i) {
    c->send(query("INSERT INTO ks.t (k, v) VALUES (" + std::to_string(i) + ", 'x')"),
            [&](util::Result<Response> r) {
              if (!r.is_ok()) {
                ++failed;
                std::lock_guard<std::mutex> lock(mu);
                message = r.status().message();
              }
              latch.arrive();
            });
  }
  engine_.server()->stop();
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(latch.wait(kRequests, 10s)) << latch.count() << " of " << kRequests;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_FALSE(c->is_open());
  if (failed.load() > 0) {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_NE(message.find(c->endpoint()), std::string::npos) << message;
  }
  auto after = c->execute(query("SELECT release_version FROM system.local"));
  ASSERT_FALSE(after.is_ok());
  EXPECT_EQ(after.status().code(), util::StatusCode::kIOError);
  EXPECT_NE(after.status().message().find(c->endpoint()), std::string::npos);
}

TEST_F(ConnectionTest, ConnectionRefusedNamesTheEndpoint) {
  start_server(false);
  const uint16_t port = engine_.server()->port();
  // Destroyed, not just stopped: CqlServer::stop() may leave the listening
  // socket open (its close is posted and can be dropped by io.stop()).
  engine_.stop_server();
  ConnectionOptions o;
  o.port = port;
  auto c = ClientConnection::connect(o, &io_);
  ASSERT_FALSE(c.is_ok());
  EXPECT_EQ(c.status().code(), util::StatusCode::kIOError);
  EXPECT_NE(c.status().message().find("127.0.0.1:" + std::to_string(port)), std::string::npos)
      << c.status().message();
  EXPECT_NE(c.status().message().find("cannot connect"), std::string::npos) << c.status().message();
}

// ------------------------------------------------------- fake servers --

class FakeServerTest : public ::testing::Test {
 protected:
  IoThreads io_{1};
};

TEST_F(FakeServerTest, SilentServerTimesOutTheConnect) {
  FakeCqlServer fake(FakeCqlServer::Mode::kSilent);
  ConnectionOptions o;
  o.port = fake.port();
  o.connect_timeout = 300ms;
  const auto start = std::chrono::steady_clock::now();
  auto c = ClientConnection::connect(o, &io_);
  ASSERT_FALSE(c.is_ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_EQ(c.status().code(), util::StatusCode::kIOError);
  EXPECT_NE(c.status().message().find("timed out"), std::string::npos) << c.status().message();
}

TEST_F(FakeServerTest, ServerRefusingV4IsAClearError) {
  FakeCqlServer fake(FakeCqlServer::Mode::kV3Only);
  ConnectionOptions o;
  o.port = fake.port();
  auto c = ClientConnection::connect(o, &io_);
  ASSERT_FALSE(c.is_ok());
  EXPECT_EQ(c.status().code(), util::StatusCode::kUnsupported);
  EXPECT_NE(c.status().message().find("refused protocol v4"), std::string::npos)
      << c.status().message();
}

TEST_F(FakeServerTest, RequestTimeoutKeepsTheStreamUntilTheLateAnswer) {
  FakeCqlServer fake(FakeCqlServer::Mode::kHoldQueries);
  ConnectionOptions o;
  o.port = fake.port();
  auto c = ClientConnection::connect(o, &io_);
  ASSERT_TRUE(c.is_ok()) << c.status().message();
  auto r = (*c)->execute(query("hold"), 100ms);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kIOError);
  EXPECT_NE(r.status().message().find("timed out"), std::string::npos) << r.status().message();
  EXPECT_EQ((*c)->in_flight(), 1u);  // reserved until the late answer
  fake.release_held();
  for (int i = 0; i < 200 && (*c)->in_flight() != 0; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ((*c)->in_flight(), 0u);
  // The connection still serves.
  auto again = (*c)->execute(query("quick"));
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  EXPECT_NE(std::get_if<VoidResponse>(&again->message), nullptr);
}

TEST_F(FakeServerTest, BackpressureRefusesBeyondTheQueue) {
  FakeCqlServer fake(FakeCqlServer::Mode::kHoldQueries);
  ConnectionOptions o;
  o.port = fake.port();
  o.max_in_flight = 2;
  o.max_queued = 3;
  auto c = ClientConnection::connect(o, &io_);
  ASSERT_TRUE(c.is_ok()) << c.status().message();
  Latch latch;
  std::atomic<int> refused{0};
  std::mutex mu;
  std::string message;
  for (int i = 0; i < 7; ++i) {
    (*c)->send(query("hold"), [&](util::Result<Response> r) {
      if (!r.is_ok() && r.status().code() == util::StatusCode::kFailedPrecondition) {
        ++refused;
        std::lock_guard<std::mutex> lock(mu);
        message = r.status().message();
      }
      latch.arrive();
    });
  }
  // 2 in flight + 3 queued are accepted; the other 2 are refused at once.
  EXPECT_EQ(refused.load(), 2);
  EXPECT_NE(message.find("backpressure"), std::string::npos) << message;
  // The accepted requests reach the connection's strand asynchronously.
  for (int i = 0; i < 2000 && (fake.held() < 2 || (*c)->queued() < 3); ++i) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(fake.held(), 2u);
  EXPECT_EQ((*c)->queued(), 3u);
  // Releasing answers lets the queue drain through the two streams. A queued
  // request reaches the server only after a stream frees, so release whatever
  // is held until every callback arrived (bounded: slow sanitizer runs on a
  // busy machine must not be a failure, a lost request must).
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (latch.count() < 7 && std::chrono::steady_clock::now() < deadline) {
    if (fake.held() > 0) fake.release_held();
    std::this_thread::sleep_for(2ms);
  }
  EXPECT_EQ(latch.count(), 7u);
}

TEST_F(FakeServerTest, DroppedSocketFailsEveryPendingRequest) {
  FakeCqlServer fake(FakeCqlServer::Mode::kHoldQueries);
  ConnectionOptions o;
  o.port = fake.port();
  o.max_in_flight = 4;
  auto c = ClientConnection::connect(o, &io_);
  ASSERT_TRUE(c.is_ok()) << c.status().message();
  Latch latch;
  std::atomic<int> io_errors{0};
  std::mutex mu;
  std::string message;
  for (int i = 0; i < 10; ++i) {
    (*c)->send(query("hold"), [&](util::Result<Response> r) {
      if (!r.is_ok() && r.status().code() == util::StatusCode::kIOError) {
        ++io_errors;
        std::lock_guard<std::mutex> lock(mu);
        message = r.status().message();
      }
      latch.arrive();
    });
  }
  for (int i = 0; i < 200 && fake.held() < 4; ++i) std::this_thread::sleep_for(5ms);
  fake.drop_clients();
  ASSERT_TRUE(latch.wait(10, 5s)) << latch.count();
  EXPECT_EQ(io_errors.load(), 10);
  EXPECT_NE(message.find("127.0.0.1:" + std::to_string(fake.port())), std::string::npos) << message;
  EXPECT_FALSE((*c)->is_open());
}

TEST_F(FakeServerTest, CloseIsIdempotentAndFailsPending) {
  FakeCqlServer fake(FakeCqlServer::Mode::kHoldQueries);
  ConnectionOptions o;
  o.port = fake.port();
  auto c = ClientConnection::connect(o, &io_);
  ASSERT_TRUE(c.is_ok()) << c.status().message();
  Latch latch;
  std::atomic<int> closed{0};
  for (int i = 0; i < 3; ++i) {
    (*c)->send(query("hold"), [&](util::Result<Response> r) {
      if (!r.is_ok() && r.status().message().find("closed by the client") != std::string::npos) {
        ++closed;
      }
      latch.arrive();
    });
  }
  (*c)->close();
  (*c)->close();
  ASSERT_TRUE(latch.wait(3, 5s));
  EXPECT_EQ(closed.load(), 3);
  EXPECT_FALSE((*c)->is_open());
  auto r = (*c)->execute(query("quick"));
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kIOError);
}

TEST_F(FakeServerTest, ExecuteOnTheLoopIsRefused) {
  FakeCqlServer fake(FakeCqlServer::Mode::kHoldQueries);
  ConnectionOptions o;
  o.port = fake.port();
  auto c = ClientConnection::connect(o, &io_);
  ASSERT_TRUE(c.is_ok()) << c.status().message();
  std::shared_ptr<ClientConnection> conn = *c;
  std::promise<util::Status> inner;
  conn->send(query("quick"), [&](util::Result<Response>) {
    auto r = conn->execute(query("quick"));
    inner.set_value(r.is_ok() ? util::Status::ok() : r.status());
  });
  auto f = inner.get_future();
  ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(f.get().code(), util::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace medallion::cql
