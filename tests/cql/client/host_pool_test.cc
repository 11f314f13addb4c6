// HostPool against the embedded server started in-process on a port that is
// kept across restarts (stopped and started again on the same port), and
// against FakeCqlServer where requests must stay in flight.
#include "cql/client/host_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "../embedded_engine.h"
#include "cql/server/cql_server.h"
#include "fake_cql_server.h"

namespace medallion::cql {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::FakeCqlServer;

// The embedded engine with a server that can be stopped and started again on
// the port it first got.
class RestartableServer {
 public:
  explicit RestartableServer(const std::string& name) : engine_(name) {}
  ~RestartableServer() { stop(); }

  bool ok() const { return engine_.ok(); }
  // The first start takes a free port; later ones reuse it.
  util::Status start() {
    ServerConfig config;
    config.auth_enabled = false;
    config.port = port_;
    config.io_threads = 2;
    auto server = CqlServer::start(std::move(config), engine_.processor());
    if (!server.is_ok()) return server.status();
    server_ = std::move(server).value();
    port_ = server_->port();
    return util::Status::ok();
  }
  // Destroyed, not just stopped: the listening socket is closed for sure.
  void stop() { server_.reset(); }

  uint16_t port() const { return port_; }
  CqlServer* server() const { return server_.get(); }
  std::string where() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  testing::EmbeddedEngine engine_;
  std::unique_ptr<CqlServer> server_;
  uint16_t port_ = 0;
};

// Records the state handler's calls.
class StateLog {
 public:
  HostPool::StateHandler handler() {
    return [this](bool up, const util::Status& why) {
      std::lock_guard<std::mutex> lock(mu_);
      events_.push_back({up, why});
      cv_.notify_all();
    };
  }
  // Waits until `n` calls arrived (bounded).
  bool wait(size_t n, std::chrono::milliseconds limit = 10s) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return events_.size() >= n; });
  }
  size_t size() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_.size();
  }
  bool up(size_t i) {
    std::lock_guard<std::mutex> lock(mu_);
    return events_.at(i).first;
  }
  util::Status why(size_t i) {
    std::lock_guard<std::mutex> lock(mu_);
    return events_.at(i).second;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<bool, util::Status>> events_;
};

// Polls `condition` until it holds or `limit` passes.
template <typename F>
bool eventually(F condition, std::chrono::milliseconds limit = 10s) {
  const auto deadline = Clock::now() + limit;
  while (!condition()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

HostPoolOptions pool_options(uint16_t port, size_t connections, std::chrono::milliseconds base,
                             std::chrono::milliseconds max) {
  HostPoolOptions o;
  o.endpoint = Endpoint{"127.0.0.1", port};
  o.connection.connect_timeout = 5s;
  o.connection.request_timeout = 10s;
  o.connections = connections;
  o.reconnect_base = base;
  o.reconnect_max = max;
  return o;
}

QueryRequest query(std::string text) {
  QueryRequest q;
  q.query = std::move(text);
  return q;
}

class HostPoolTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.ok()); }
  RestartableServer server_{"cql_client_pool"};
  IoThreads io_{2};
};

TEST_F(HostPoolTest, OpensEveryConnectionAndIsUp) {
  ASSERT_TRUE(server_.start().is_ok());
  StateLog log;
  auto pool = HostPool::start(pool_options(server_.port(), 3, 20ms, 200ms), io_, log.handler());
  auto first = pool->wait_first_attempt(5s);
  ASSERT_TRUE(first.is_ok()) << first.message();
  EXPECT_TRUE(pool->is_up());
  EXPECT_TRUE(eventually([&] { return pool->open_connections() == 3; }));
  EXPECT_TRUE(eventually([&] { return server_.server()->connection_count() == 3; }));
  ASSERT_TRUE(log.wait(1));
  EXPECT_TRUE(log.up(0));
  EXPECT_TRUE(log.why(0).is_ok());
  EXPECT_EQ(pool->endpoint(), (Endpoint{"127.0.0.1", server_.port()}));
  EXPECT_TRUE(pool->last_error().is_ok());
  EXPECT_EQ(pool->current_backoff(), 0ms);
  // The picked connection serves requests.
  auto c = pool->pick();
  ASSERT_NE(c, nullptr);
  auto r = c->execute(query("SELECT release_version FROM system.local"));
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_TRUE(response_status(*r, c->endpoint()).is_ok());
  pool->close();
  EXPECT_EQ(log.size(), 1u);  // one transition only: up
}

TEST_F(HostPoolTest, EventsAndCloseHandlersGivenAreReplaced) {
  ASSERT_TRUE(server_.start().is_ok());
  std::atomic<int> foreign_calls{0};
  auto o = pool_options(server_.port(), 1, 20ms, 200ms);
  o.connection.host = "203.0.113.1";  // the endpoint wins
  o.connection.port = 1;
  o.connection.close_handler = [&](const util::Status&) { ++foreign_calls; };
  o.connection.event_handler = [&](const Event&) { ++foreign_calls; };
  o.connection.events = {"SCHEMA_CHANGE"};
  auto pool = HostPool::start(o, io_, nullptr);
  ASSERT_TRUE(pool->wait_first_attempt(5s).is_ok());
  auto c = pool->pick();
  ASSERT_NE(c, nullptr);
  auto r =
      c->execute(query("CREATE KEYSPACE evks WITH replication = {'class': "
                       "'SimpleStrategy', 'replication_factor': 1}"));
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  c->close();
  EXPECT_TRUE(eventually([&] { return pool->open_connections() == 1 && pool->pick() != c; }));
  pool->close();
  EXPECT_EQ(foreign_calls.load(), 0);
}

TEST_F(HostPoolTest, PickReturnsTheLeastLoadedConnection) {
  FakeCqlServer fake(FakeCqlServer::Mode::kHoldQueries);
  auto pool = HostPool::start(pool_options(fake.port(), 2, 20ms, 200ms), io_, nullptr);
  ASSERT_TRUE(pool->wait_first_attempt(5s).is_ok());
  ASSERT_TRUE(eventually([&] { return pool->open_connections() == 2; }));
  std::atomic<int> answered{0};
  auto hold = [&](ClientConnection& c, int n) {
    for (int i = 0; i < n; ++i) {
      c.send(query("hold"), [&](util::Result<Response>) { ++answered; });
    }
  };
  auto a = pool->pick();
  ASSERT_NE(a, nullptr);
  hold(*a, 3);
  ASSERT_TRUE(eventually([&] { return a->in_flight() == 3; }));
  auto b = pool->pick();
  ASSERT_NE(b, nullptr);
  EXPECT_NE(b, a);
  hold(*b, 5);
  ASSERT_TRUE(eventually([&] { return b->in_flight() == 5; }));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(pool->pick(), a) << i;  // 3 < 5, whatever the rotation
  fake.release_held();
  EXPECT_TRUE(eventually([&] { return answered.load() == 8; }));
  pool->close();
}

TEST_F(HostPoolTest, PickSpreadsRequestsOverIdleConnections) {
  ASSERT_TRUE(server_.start().is_ok());
  auto pool = HostPool::start(pool_options(server_.port(), 2, 20ms, 200ms), io_, nullptr);
  ASSERT_TRUE(pool->wait_first_attempt(5s).is_ok());
  ASSERT_TRUE(eventually([&] { return pool->open_connections() == 2; }));
  auto first = pool->pick();
  auto second = pool->pick();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_NE(first, second);
  pool->close();
}

TEST_F(HostPoolTest, ServerDownAtStartIsAClearErrorNamingTheEndpoint) {
  ASSERT_TRUE(server_.start().is_ok());
  server_.stop();
  StateLog log;
  auto pool = HostPool::start(pool_options(server_.port(), 2, 10s, 10s), io_, log.handler());
  const auto begin = Clock::now();
  auto first = pool->wait_first_attempt(5s);
  EXPECT_LT(Clock::now() - begin, 2s);
  ASSERT_FALSE(first.is_ok());
  EXPECT_EQ(first.code(), util::StatusCode::kIOError);
  EXPECT_NE(first.message().find(server_.where()), std::string::npos) << first.message();
  EXPECT_FALSE(pool->is_up());
  EXPECT_EQ(pool->pick(), nullptr);
  EXPECT_EQ(pool->open_connections(), 0u);
  ASSERT_TRUE(log.wait(1));
  EXPECT_FALSE(log.up(0));
  EXPECT_NE(log.why(0).message().find(server_.where()), std::string::npos);
  EXPECT_EQ(pool->last_error().message(), first.message());
  // Both connections failed: still one transition.
  EXPECT_TRUE(eventually([&] { return pool->current_backoff() == 10s; }));
  EXPECT_EQ(log.size(), 1u);
  pool->close();
}

TEST_F(HostPoolTest, WaitFirstAttemptTimesOutOnASilentServer) {
  auto fake = std::make_unique<FakeCqlServer>(FakeCqlServer::Mode::kSilent);
  const uint16_t port = fake->port();
  auto pool = HostPool::start(pool_options(port, 1, 20ms, 200ms), io_, nullptr);
  const auto begin = Clock::now();
  auto first = pool->wait_first_attempt(50ms);
  EXPECT_LT(Clock::now() - begin, 2s);
  ASSERT_FALSE(first.is_ok());
  EXPECT_EQ(first.code(), util::StatusCode::kIOError);
  EXPECT_NE(first.message().find("timed out"), std::string::npos) << first.message();
  EXPECT_NE(first.message().find("127.0.0.1:" + std::to_string(port)), std::string::npos)
      << first.message();
  // The server going away ends the handshake: the attempt fails (a connection
  // left in its handshake when the loop is destroyed would leak).
  fake.reset();
  EXPECT_TRUE(eventually([&] { return !pool->last_error().is_ok(); }));
  pool->close();
}

TEST_F(HostPoolTest, WaitFirstAttemptOnTheLoopIsRefused) {
  ASSERT_TRUE(server_.start().is_ok());
  std::mutex mu;  // held while `pool` is set: the handler waits for it
  std::shared_ptr<HostPool> pool;
  std::promise<util::Status> seen;
  auto future = seen.get_future();
  std::atomic<bool> once{false};
  {
    std::lock_guard<std::mutex> lock(mu);
    pool = HostPool::start(pool_options(server_.port(), 1, 20ms, 200ms), io_,
                           [&](bool, const util::Status&) {
                             std::lock_guard<std::mutex> inner(mu);
                             if (!once.exchange(true)) {
                               seen.set_value(pool->wait_first_attempt(10ms));
                             }
                           });
  }
  ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
  auto status = future.get();
  EXPECT_EQ(status.code(), util::StatusCode::kFailedPrecondition) << status.message();
  EXPECT_NE(status.message().find("event loop"), std::string::npos) << status.message();
  pool->close();
}

TEST_F(HostPoolTest, ServerStoppedGoesDownThenUpAgainAfterRestart) {
  ASSERT_TRUE(server_.start().is_ok());
  StateLog log;
  auto pool = HostPool::start(pool_options(server_.port(), 2, 20ms, 200ms), io_, log.handler());
  ASSERT_TRUE(pool->wait_first_attempt(5s).is_ok());
  ASSERT_TRUE(eventually([&] { return pool->open_connections() == 2; }));
  ASSERT_TRUE(log.wait(1));
  server_.stop();
  ASSERT_TRUE(log.wait(2));
  EXPECT_FALSE(log.up(1));
  EXPECT_EQ(log.why(1).code(), util::StatusCode::kIOError);
  EXPECT_NE(log.why(1).message().find(server_.where()), std::string::npos) << log.why(1).message();
  EXPECT_FALSE(pool->is_up());
  EXPECT_EQ(pool->pick(), nullptr);
  EXPECT_FALSE(pool->last_error().is_ok());
  ASSERT_TRUE(server_.start().is_ok());
  ASSERT_TRUE(log.wait(3, 5s));
  EXPECT_TRUE(log.up(2));
  EXPECT_TRUE(eventually([&] { return pool->open_connections() == 2; }));
  EXPECT_TRUE(eventually([&] { return pool->current_backoff() == 0ms; }));
  auto c = pool->pick();
  ASSERT_NE(c, nullptr);
  auto r = c->execute(query("SELECT release_version FROM system.local"));
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  pool->close();
  EXPECT_EQ(log.size(), 3u);  // up, down, up: once each
}

TEST_F(HostPoolTest, OneConnectionLostIsReplacedWithoutGoingDown) {
  ASSERT_TRUE(server_.start().is_ok());
  StateLog log;
  auto pool = HostPool::start(pool_options(server_.port(), 2, 20ms, 200ms), io_, log.handler());
  ASSERT_TRUE(pool->wait_first_attempt(5s).is_ok());
  ASSERT_TRUE(eventually([&] { return pool->open_connections() == 2; }));
  auto lost = pool->pick();
  ASSERT_NE(lost, nullptr);
  lost->close();
  ASSERT_TRUE(eventually([&] { return pool->open_connections() == 1; }));
  EXPECT_TRUE(pool->is_up());
  EXPECT_NE(pool->pick(), lost);
  EXPECT_TRUE(eventually([&] { return pool->open_connections() == 2; }));
  EXPECT_NE(pool->last_error().message().find("closed by the client"), std::string::npos);
  pool->close();
  EXPECT_EQ(log.size(), 1u);  // only the first up
}

TEST_F(HostPoolTest, BackoffDoublesAndCapsWhileTheServerIsDown) {
  ASSERT_TRUE(server_.start().is_ok());
  server_.stop();
  auto pool = HostPool::start(pool_options(server_.port(), 2, 50ms, 200ms), io_, nullptr);
  // The waits scheduled, as current_backoff() shows them (a refused connect
  // ends so fast that the 0 between two equal waits may go unseen).
  std::vector<std::chrono::milliseconds> seen;
  auto poll_until = [&](Clock::time_point until, bool stop_at_cap) {
    while (Clock::now() < until) {
      const auto b = pool->current_backoff();
      if (b != 0ms && (seen.empty() || seen.back() != b)) seen.push_back(b);
      if (stop_at_cap && b == 200ms) return;
      std::this_thread::sleep_for(1ms);
    }
  };
  poll_until(Clock::now() + 5s, true);
  // Two more waits at the cap: it stays there.
  poll_until(Clock::now() + 450ms, false);
  pool->close();
  const std::vector<std::chrono::milliseconds> expected = {50ms, 100ms, 200ms};
  EXPECT_EQ(seen, expected);
}

TEST_F(HostPoolTest, BackoffStartsAgainFromTheBaseAfterAReconnect) {
  ASSERT_TRUE(server_.start().is_ok());
  server_.stop();
  auto pool = HostPool::start(pool_options(server_.port(), 1, 30ms, 120ms), io_, nullptr);
  ASSERT_TRUE(eventually([&] { return pool->current_backoff() == 120ms; }));
  ASSERT_TRUE(server_.start().is_ok());
  ASSERT_TRUE(eventually([&] { return pool->is_up(); }));
  EXPECT_EQ(pool->current_backoff(), 0ms);
  server_.stop();
  // The first wait after losing the host is the base again.
  std::chrono::milliseconds first{0};
  ASSERT_TRUE(eventually([&] {
    first = pool->current_backoff();
    return first != 0ms;
  }));
  EXPECT_EQ(first, 30ms);
  pool->close();
}

TEST_F(HostPoolTest, ReconnectNowSkipsALongBackoff) {
  ASSERT_TRUE(server_.start().is_ok());
  server_.stop();
  StateLog log;
  auto pool = HostPool::start(pool_options(server_.port(), 2, 10s, 10s), io_, log.handler());
  ASSERT_FALSE(pool->wait_first_attempt(5s).is_ok());
  ASSERT_TRUE(eventually([&] { return pool->current_backoff() == 10s; }));
  ASSERT_TRUE(server_.start().is_ok());
  const auto begin = Clock::now();
  pool->reconnect_now();
  ASSERT_TRUE(log.wait(2, 5s));
  EXPECT_LT(Clock::now() - begin, 3s);
  EXPECT_TRUE(log.up(1));
  EXPECT_TRUE(eventually([&] { return pool->open_connections() == 2; }, 3s));
  EXPECT_EQ(pool->current_backoff(), 0ms);
  pool->close();
}

TEST_F(HostPoolTest, ReconnectNowWhileUpChangesNothing) {
  ASSERT_TRUE(server_.start().is_ok());
  StateLog log;
  auto pool = HostPool::start(pool_options(server_.port(), 2, 20ms, 200ms), io_, log.handler());
  ASSERT_TRUE(pool->wait_first_attempt(5s).is_ok());
  ASSERT_TRUE(eventually([&] { return pool->open_connections() == 2; }));
  pool->reconnect_now();
  pool->reconnect_now();
  // A blocking round trip on the same loop lets the posted calls run first.
  ConnectionOptions o;
  o.port = server_.port();
  auto probe = ClientConnection::connect(o, &io_);
  ASSERT_TRUE(probe.is_ok()) << probe.status().message();
  (*probe)->close();
  EXPECT_TRUE(eventually([&] { return server_.server()->connection_count() == 2; }));
  EXPECT_EQ(pool->open_connections(), 2u);
  pool->close();
  EXPECT_EQ(log.size(), 1u);
}

TEST_F(HostPoolTest, CloseDuringABackoffWaitIsPromptAndFinal) {
  ASSERT_TRUE(server_.start().is_ok());
  server_.stop();
  StateLog log;
  auto pool = HostPool::start(pool_options(server_.port(), 2, 10s, 10s), io_, log.handler());
  ASSERT_TRUE(log.wait(1));
  ASSERT_TRUE(eventually([&] { return pool->current_backoff() == 10s; }));
  const auto begin = Clock::now();
  pool->close();
  EXPECT_LT(Clock::now() - begin, 1s);
  EXPECT_EQ(pool->current_backoff(), 0ms);
  // Nothing reconnects after close, not even when asked to.
  ASSERT_TRUE(server_.start().is_ok());
  pool->reconnect_now();
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(pool->open_connections(), 0u);
  EXPECT_EQ(pool->pick(), nullptr);
  EXPECT_EQ(server_.server()->connection_count(), 0u);
  EXPECT_EQ(log.size(), 1u);
  auto wait = pool->wait_first_attempt(1s);
  EXPECT_EQ(wait.code(), util::StatusCode::kFailedPrecondition) << wait.message();
}

TEST_F(HostPoolTest, CloseClosesTheConnectionsAndIsIdempotent) {
  ASSERT_TRUE(server_.start().is_ok());
  StateLog log;
  auto pool = HostPool::start(pool_options(server_.port(), 2, 20ms, 200ms), io_, log.handler());
  ASSERT_TRUE(pool->wait_first_attempt(5s).is_ok());
  ASSERT_TRUE(eventually([&] { return pool->open_connections() == 2; }));
  auto c = pool->pick();
  ASSERT_NE(c, nullptr);
  pool->close();
  pool->close();
  EXPECT_FALSE(c->is_open());
  EXPECT_FALSE(pool->is_up());
  EXPECT_EQ(pool->open_connections(), 0u);
  EXPECT_TRUE(eventually([&] { return server_.server()->connection_count() == 0; }));
  EXPECT_EQ(log.size(), 1u);  // the down after close is not reported
  pool.reset();               // the destructor's close() is a no-op now
}

// Starts a pool whose state handler closes it at its first call; returns the
// pool once that call ended (nullptr if it never came).
std::shared_ptr<HostPool> start_pool_closing_itself(HostPoolOptions options, IoThreads& io,
                                                    std::atomic<int>& calls) {
  std::mutex mu;  // held while `pool` is set: the handler waits for it
  std::shared_ptr<HostPool> pool;
  auto closed = std::make_shared<std::promise<void>>();
  auto done = closed->get_future();
  {
    std::lock_guard<std::mutex> lock(mu);
    pool = HostPool::start(std::move(options), io,
                           [&mu, &pool, &calls, closed](bool, const util::Status&) {
                             {
                               std::lock_guard<std::mutex> inner(mu);
                               if (++calls > 1) return;
                               pool->close();
                             }
                             // Last: `mu` and `pool` go once the caller wakes.
                             closed->set_value();
                           });
  }
  if (done.wait_for(5s) != std::future_status::ready) return nullptr;
  return pool;
}

TEST_F(HostPoolTest, CloseFromTheStateHandlerWhenUpDoesNotDeadlock) {
  ASSERT_TRUE(server_.start().is_ok());
  std::atomic<int> calls{0};
  // One connection: none is left in its handshake when the test ends.
  auto pool = start_pool_closing_itself(pool_options(server_.port(), 1, 20ms, 200ms), io_, calls);
  ASSERT_NE(pool, nullptr);
  EXPECT_FALSE(pool->is_up());
  EXPECT_EQ(pool->open_connections(), 0u);
  EXPECT_TRUE(eventually([&] { return server_.server()->connection_count() == 0; }));
  EXPECT_EQ(calls.load(), 1);
  pool->close();
}

TEST_F(HostPoolTest, CloseFromTheStateHandlerWhenDownStopsReconnecting) {
  ASSERT_TRUE(server_.start().is_ok());
  server_.stop();
  std::atomic<int> calls{0};
  auto pool = start_pool_closing_itself(pool_options(server_.port(), 2, 5ms, 5ms), io_, calls);
  ASSERT_NE(pool, nullptr);
  EXPECT_EQ(pool->current_backoff(), 0ms);
  // With a 5 ms backoff, a reconnect that survived close() would show.
  ASSERT_TRUE(server_.start().is_ok());
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(pool->open_connections(), 0u);
  EXPECT_EQ(server_.server()->connection_count(), 0u);
  EXPECT_EQ(calls.load(), 1);
  pool.reset();
}

TEST_F(HostPoolTest, DestroyingAPoolWhileConnectingIsSafe) {
  FakeCqlServer fake(FakeCqlServer::Mode::kSilent);
  IoThreads io(1);  // one thread: handlers run in deadline order
  StateLog log;
  auto options = pool_options(fake.port(), 2, 20ms, 200ms);
  options.connection.connect_timeout = 100ms;
  {
    auto pool = HostPool::start(options, io, log.handler());
    ASSERT_TRUE(eventually([&] { return fake.accepted() == 2; }));
  }
  // A later connect with the same timeout fails after the pool's did (a
  // connection left in its handshake when the loop is destroyed would leak).
  ConnectionOptions o;
  o.port = fake.port();
  o.connect_timeout = 100ms;
  auto probe = ClientConnection::connect(o, &io);
  EXPECT_FALSE(probe.is_ok());
  EXPECT_EQ(log.size(), 0u);
}

TEST_F(HostPoolTest, ManyThreadsPickWhileTheServerRestarts) {
  ASSERT_TRUE(server_.start().is_ok());
  auto pool = HostPool::start(pool_options(server_.port(), 2, 5ms, 20ms), io_, nullptr);
  ASSERT_TRUE(pool->wait_first_attempt(5s).is_ok());
  std::atomic<bool> stop{false};
  std::atomic<size_t> picked{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      while (!stop.load()) {
        if (pool->pick() != nullptr) ++picked;
        (void)pool->is_up();
        (void)pool->current_backoff();
        (void)pool->last_error();
      }
    });
  }
  for (int i = 0; i < 2; ++i) {
    const size_t before = picked.load();
    EXPECT_TRUE(eventually([&] { return picked.load() > before; }));
    server_.stop();
    EXPECT_TRUE(eventually([&] { return !pool->is_up(); }));
    if (!server_.start().is_ok()) {
      ADD_FAILURE() << "the server did not restart";
      break;  // the threads must still be joined
    }
    EXPECT_TRUE(eventually([&] { return pool->open_connections() == 2; }));
  }
  const size_t before = picked.load();
  EXPECT_TRUE(eventually([&] { return picked.load() > before; }));
  stop = true;
  for (auto& t : threads) t.join();
  pool->close();
}

}  // namespace
}  // namespace medallion::cql
