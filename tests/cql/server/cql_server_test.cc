// CqlServer against a fake QueryProcessor: the protocol side of the server
// (OPTIONS, STARTUP, auth, version fallback, malformed frames, compression,
// pipelining, events, error mapping, shutdown).
#include "cql/server/cql_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "cql/server/password_authenticator.h"
#include "cql/server/server_config.h"
#include "cql_test_client.h"

namespace medallion::cql {
namespace {

using testing::ErrorInfo;
using testing::parse_error;
using testing::result_kind;
using testing::TestClient;

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Answers by the query text; INSERTs complete later on a worker thread (as
// the store's group commit does).
class FakeProcessor : public QueryProcessor {
 public:
  FakeProcessor() : worker_([this] { work(); }) {}
  ~FakeProcessor() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }

  util::Result<std::shared_ptr<const PreparedStatement>> prepare(
      ParsedStatement, std::string_view query, std::string_view keyspace) override {
    prepares.fetch_add(1);
    if (query.find("missing_table") != std::string_view::npos) {
      return util::Status::not_found("cql: unknown table ks.missing_table");
    }
    auto statement = std::make_shared<PreparedStatement>();
    statement->query = std::string(query);
    statement->keyspace = std::string(keyspace);
    const size_t h = std::hash<std::string>()(std::string(keyspace) + "|" + std::string(query));
    statement->result.id = std::string(reinterpret_cast<const char*>(&h), sizeof h);
    statement->result.id.resize(16, 'x');
    statement->result.result_metadata.no_metadata = true;
    return std::shared_ptr<const PreparedStatement>(std::move(statement));
  }

  void execute(std::shared_ptr<const PreparedStatement> statement,
               const QueryParameters& parameters, QueryCallback done) override {
    executes.fetch_add(1);
    const std::string& q = statement->query;
    if (starts_with(q, "USE ")) {
      done(QueryResult{SetKeyspaceResult{q.substr(4)}});
    } else if (starts_with(q, "CREATE TABLE")) {
      if (q.find("exists_table") != std::string::npos) {
        done(util::Status::already_exists("cql: table ks.exists_table already exists"));
        return;
      }
      SchemaChange change;
      change.target = SchemaChangeTarget::kTable;
      change.keyspace = "ks";
      change.name = "t";
      done(QueryResult{change});
    } else if (starts_with(q, "SELECT")) {
      RowsResult rows;
      rows.metadata.columns.push_back({"ks", "t", "v", CqlType::of(TypeId::kBlob)});
      std::string value =
          parameters.values.empty() ? std::string("none") : parameters.values[0].bytes;
      rows.rows.push_back({value});
      done(QueryResult{std::move(rows)});
    } else if (starts_with(q, "INSERT")) {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(std::move(done));
      cv_.notify_one();
    } else {
      done(QueryResult{VoidResult{}});
    }
  }

  void execute_batch(BatchType, std::vector<BoundStatement> statements, std::optional<int64_t>,
                     QueryCallback done) override {
    batch_members.store(statements.size());
    done(QueryResult{VoidResult{}});
  }

  Uuid schema_version() const override { return Uuid{}; }

  std::atomic<int> prepares{0};
  std::atomic<int> executes{0};
  std::atomic<size_t> batch_members{0};

 private:
  void work() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [this] { return done_ || !queue_.empty(); });
      if (queue_.empty()) return;
      QueryCallback cb = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      cb(QueryResult{VoidResult{}});
      lock.lock();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<QueryCallback> queue_;
  bool done_ = false;
  std::thread worker_;
};

class CqlServerTest : public ::testing::Test {
 protected:
  void start(bool auth = false, std::function<void(ServerConfig&)> tweak = {}) {
    ServerConfig config;
    config.port = 0;
    config.io_threads = 2;
    config.auth_enabled = auth;
    if (tweak) tweak(config);
    auto server = CqlServer::start(config, &processor_);
    ASSERT_TRUE(server.is_ok()) << server.status().message();
    server_ = std::move(server).value();
  }
  std::unique_ptr<TestClient> connect() {
    auto c = TestClient::connect(server_->port());
    EXPECT_NE(c, nullptr);
    return c;
  }
  std::unique_ptr<TestClient> ready_client(Compression compression = Compression::kNone) {
    auto c = connect();
    EXPECT_TRUE(c->startup(compression));
    return c;
  }
  static QueryRequest query(std::string text) {
    QueryRequest q;
    q.query = std::move(text);
    return q;
  }

  FakeProcessor processor_;
  std::unique_ptr<CqlServer> server_;
};

TEST_F(CqlServerTest, OptionsAnswersSupportedWithTheDriversKeys) {
  start();
  auto c = connect();
  auto reply = c->request(3, OptionsRequest{});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->header.opcode, Opcode::kSupported);
  EXPECT_EQ(reply->header.stream, 3);
  WireReader reader(reply->body, "SUPPORTED");
  auto map = reader.read_string_multimap("options");
  ASSERT_TRUE(map.is_ok());
  EXPECT_EQ((*map)["CQL_VERSION"], std::vector<std::string>{"3.4.4"});
  EXPECT_EQ((*map)["COMPRESSION"], (std::vector<std::string>{"lz4", "snappy"}));
  EXPECT_EQ((*map)["PROTOCOL_VERSIONS"], std::vector<std::string>{"4/v4"});
}

TEST_F(CqlServerTest, V5FrameGetsTheDowngradeErrorOnItsStream) {
  start();
  auto c = connect();
  ASSERT_TRUE(c->send_raw(TestClient::frame(7, OptionsRequest{}, Compression::kNone, 5)));
  // The client's decoder expects v4 responses: read the raw bytes.
  char buf[512];
  pollfd p{c->fd(), POLLIN, 0};
  ASSERT_GT(::poll(&p, 1, 5000), 0);
  const ssize_t n = ::recv(c->fd(), buf, sizeof buf, 0);
  ASSERT_GT(n, 9);
  EXPECT_EQ(static_cast<uint8_t>(buf[0]), 0x84);
  EXPECT_EQ(buf[2], 0);
  EXPECT_EQ(buf[3], 7);
  EXPECT_EQ(buf[4], 0x00);  // ERROR
  const std::string body(buf + 9, static_cast<size_t>(n) - 9);
  EXPECT_NE(body.find("Invalid or unsupported protocol version (5)"), std::string::npos) << body;
  EXPECT_EQ(body.substr(0, 4), std::string("\0\0\0\x0a", 4));
  EXPECT_TRUE(c->wait_closed());
}

TEST_F(CqlServerTest, V3FrameGetsTheDowngradeError) {
  start();
  auto c = connect();
  ASSERT_TRUE(c->send_raw(TestClient::frame(2, OptionsRequest{}, Compression::kNone, 3)));
  auto reply = c->read_frame();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->header.version, 4);
  EXPECT_EQ(reply->header.stream, 2);
  const ErrorInfo e = parse_error(*reply);
  EXPECT_EQ(e.code, 0x000A);
  EXPECT_NE(e.message.find("unsupported protocol version (3)"), std::string::npos) << e.message;
}

TEST_F(CqlServerTest, StartupAnswersReady) {
  start();
  auto c = connect();
  StartupRequest s;
  s.options["CQL_VERSION"] = "3.0.0";
  auto reply = c->request(5, s);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->header.opcode, Opcode::kReady);
  EXPECT_EQ(reply->header.stream, 5);
}

TEST_F(CqlServerTest, QueryBeforeStartupIsAProtocolError) {
  start();
  auto c = connect();
  auto reply = c->request(1, query("SELECT * FROM ks.t"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(parse_error(*reply).code, 0x000A);
  EXPECT_EQ(processor_.executes.load(), 0);
}

TEST_F(CqlServerTest, StartupWithUnknownCompressionIsAProtocolError) {
  start();
  auto c = connect();
  StartupRequest s;
  s.options["CQL_VERSION"] = "3.0.0";
  s.options["COMPRESSION"] = "zstd";
  auto reply = c->request(1, s);
  ASSERT_TRUE(reply);
  EXPECT_EQ(parse_error(*reply).code, 0x000A);
}

TEST_F(CqlServerTest, AuthSucceedsWithTheRightPassword) {
  start(/*auth=*/true);
  auto c = connect();
  ASSERT_TRUE(c->startup(Compression::kNone, std::make_pair("cassandra", "cassandra")));
  auto reply = c->request(2, query("SELECT * FROM ks.t"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(result_kind(*reply), 2);
}

TEST_F(CqlServerTest, StartupWithAuthAnswersAuthenticate) {
  start(/*auth=*/true);
  auto c = connect();
  StartupRequest s;
  s.options["CQL_VERSION"] = "3.0.0";
  auto reply = c->request(0, s);
  ASSERT_TRUE(reply);
  ASSERT_EQ(reply->header.opcode, Opcode::kAuthenticate);
  WireReader reader(reply->body, "AUTHENTICATE");
  auto cls = reader.read_string("class");
  ASSERT_TRUE(cls.is_ok());
  EXPECT_EQ(*cls, "org.apache.cassandra.auth.PasswordAuthenticator");
}

TEST_F(CqlServerTest, BadPasswordIsBadCredentials) {
  start(/*auth=*/true);
  auto c = connect();
  StartupRequest s;
  s.options["CQL_VERSION"] = "3.0.0";
  ASSERT_TRUE(c->request(0, s));
  AuthResponseRequest auth;
  auth.token = std::string("\0cassandra\0wrong", 16);
  auto reply = c->request(1, auth);
  ASSERT_TRUE(reply);
  const ErrorInfo e = parse_error(*reply);
  EXPECT_EQ(e.code, 0x0100);
  EXPECT_EQ(e.message, "Provided username cassandra and/or password are incorrect");
}

TEST_F(CqlServerTest, QueryBeforeAuthIsRefused) {
  start(/*auth=*/true);
  auto c = connect();
  StartupRequest s;
  s.options["CQL_VERSION"] = "3.0.0";
  ASSERT_TRUE(c->request(0, s));
  auto reply = c->request(1, query("SELECT * FROM ks.t"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(parse_error(*reply).code, 0x000A);
  EXPECT_EQ(processor_.executes.load(), 0);
}

TEST_F(CqlServerTest, ConfiguredUserAuthenticates) {
  start(/*auth=*/true, [](ServerConfig& c) { c.users = {{"alice", "s3cret"}}; });
  auto c = connect();
  EXPECT_TRUE(c->startup(Compression::kNone, std::make_pair("alice", "s3cret")));
  auto d = connect();
  EXPECT_FALSE(d->startup(Compression::kNone, std::make_pair("cassandra", "cassandra")));
}

TEST_F(CqlServerTest, Lz4CompressedRoundTrip) {
  start();
  auto c = ready_client(Compression::kLz4);
  QueryRequest q = query("SELECT * FROM ks.t");
  q.parameters.values.push_back(Value::of(std::string(1000, 'a')));
  auto reply = c->request(9, q);
  ASSERT_TRUE(reply);
  EXPECT_EQ(result_kind(*reply), 2);
  EXPECT_NE(reply->body.find(std::string(1000, 'a')), std::string::npos);
}

TEST_F(CqlServerTest, SnappyCompressedRoundTrip) {
  start();
  auto c = ready_client(Compression::kSnappy);
  QueryRequest q = query("SELECT * FROM ks.t");
  q.parameters.values.push_back(Value::of(std::string(1000, 'b')));
  ASSERT_TRUE(c->send_raw(TestClient::frame(4, q, Compression::kSnappy)));
  // Raw check that the answer really is compressed.
  char header[9];
  pollfd p{c->fd(), POLLIN, 0};
  ASSERT_GT(::poll(&p, 1, 5000), 0);
  ASSERT_EQ(::recv(c->fd(), header, 9, MSG_WAITALL), 9);
  EXPECT_EQ(header[1] & kFlagCompressed, kFlagCompressed);
}

TEST_F(CqlServerTest, PipelinedStreamsAreAnsweredOnTheirStreams) {
  start();
  auto c = ready_client();
  std::string batch;
  constexpr int kRequests = 500;
  for (int i = 0; i < kRequests; ++i) {
    QueryRequest q = query(i % 2 == 0 ? "SELECT * FROM ks.t" : "INSERT INTO ks.t (k) VALUES (1)");
    q.parameters.values.push_back(Value::of(std::to_string(i)));
    batch += TestClient::frame(static_cast<int16_t>(i), q);
  }
  ASSERT_TRUE(c->send_raw(batch));
  std::vector<int> seen(kRequests, 0);
  for (int i = 0; i < kRequests; ++i) {
    auto reply = c->read_frame();
    ASSERT_TRUE(reply) << "after " << i << " replies";
    const int stream = reply->header.stream;
    ASSERT_GE(stream, 0);
    ASSERT_LT(stream, kRequests);
    seen[static_cast<size_t>(stream)]++;
    if (stream % 2 == 0) {
      EXPECT_EQ(result_kind(*reply), 2);
      EXPECT_NE(reply->body.find(std::to_string(stream)), std::string::npos);
    } else {
      EXPECT_EQ(result_kind(*reply), 1);
    }
  }
  for (int i = 0; i < kRequests; ++i) EXPECT_EQ(seen[static_cast<size_t>(i)], 1) << i;
}

TEST_F(CqlServerTest, InFlightLimitPausesReadingAndResumes) {
  start(false, [](ServerConfig& c) { c.max_requests_per_connection = 2; });
  auto c = ready_client();
  std::string batch;
  for (int i = 0; i < 50; ++i) {
    batch += TestClient::frame(static_cast<int16_t>(i), query("INSERT INTO ks.t (k) VALUES (1)"));
  }
  ASSERT_TRUE(c->send_raw(batch));
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(c->read_frame()) << i;
}

TEST_F(CqlServerTest, GarbageFrameClosesOnlyThatConnection) {
  start();
  auto good = ready_client();
  auto bad = ready_client();
  ASSERT_TRUE(bad->send_raw(std::string("\x04\x00\x00\x01\x42\x00\x00\x00\x00", 9)));
  auto reply = bad->read_frame();
  ASSERT_TRUE(reply);
  EXPECT_EQ(parse_error(*reply).code, 0x000A);
  EXPECT_TRUE(bad->wait_closed());
  auto ok = good->request(3, query("SELECT * FROM ks.t"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(result_kind(*ok), 2);
}

TEST_F(CqlServerTest, OversizedFrameIsRefused) {
  start(false, [](ServerConfig& c) { c.max_frame_bytes = 4096; });
  auto c = ready_client();
  QueryRequest q = query("SELECT * FROM ks.t");
  q.parameters.values.push_back(Value::of(std::string(10000, 'x')));
  auto reply = c->request(1, q);
  ASSERT_TRUE(reply);
  EXPECT_EQ(parse_error(*reply).code, 0x000A);
  EXPECT_TRUE(c->wait_closed());
}

TEST_F(CqlServerTest, MalformedBodyIsAProtocolErrorAndTheConnectionLives) {
  start();
  auto c = ready_client();
  FrameHeader header;
  header.stream = 6;
  header.opcode = Opcode::kQuery;
  auto bad = serialize_frame(header, std::string("\x00\x00\x00\xff", 4));
  ASSERT_TRUE(bad.is_ok());
  ASSERT_TRUE(c->send_raw(*bad));
  auto reply = c->read_frame();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->header.stream, 6);
  EXPECT_EQ(parse_error(*reply).code, 0x000A);
  auto ok = c->request(7, query("SELECT * FROM ks.t"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(result_kind(*ok), 2);
}

TEST_F(CqlServerTest, ClientClosingMidRequestDoesNotDisturbTheServer) {
  start();
  for (int round = 0; round < 20; ++round) {
    auto c = ready_client();
    std::string batch;
    for (int i = 0; i < 20; ++i) {
      batch += TestClient::frame(static_cast<int16_t>(i), query("INSERT INTO ks.t (k) VALUES (1)"));
    }
    ASSERT_TRUE(c->send_raw(batch));
    c->close();
  }
  auto c = ready_client();
  auto ok = c->request(1, query("SELECT * FROM ks.t"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(result_kind(*ok), 2);
}

TEST_F(CqlServerTest, ExecuteOfAnUnknownIdIsUnprepared) {
  start();
  auto c = ready_client();
  ExecuteRequest e;
  e.id = std::string(16, '\x5a');
  auto reply = c->request(2, e);
  ASSERT_TRUE(reply);
  ASSERT_EQ(parse_error(*reply).code, 0x2500);
  WireReader reader(reply->body, "ERROR");
  ASSERT_TRUE(reader.read_int("code").is_ok());
  ASSERT_TRUE(reader.read_string("message").is_ok());
  auto id = reader.read_short_bytes("id");
  ASSERT_TRUE(id.is_ok());
  EXPECT_EQ(*id, e.id);
}

TEST_F(CqlServerTest, PrepareThenExecute) {
  start();
  auto c = ready_client();
  PrepareRequest p;
  p.query = "SELECT * FROM ks.t WHERE k = ?";
  auto prepared = c->request(1, p);
  ASSERT_TRUE(prepared);
  ASSERT_EQ(result_kind(*prepared), 4);
  WireReader reader(prepared->body, "RESULT");
  ASSERT_TRUE(reader.read_int("kind").is_ok());
  auto id = reader.read_short_bytes("id");
  ASSERT_TRUE(id.is_ok());
  // A second connection sees the same cache.
  auto d = ready_client();
  ExecuteRequest e;
  e.id = std::string(*id);
  e.parameters.values.push_back(Value::of("hello"));
  auto reply = d->request(2, e);
  ASSERT_TRUE(reply);
  EXPECT_EQ(result_kind(*reply), 2);
  EXPECT_NE(reply->body.find("hello"), std::string::npos);
}

TEST_F(CqlServerTest, RepeatedQueriesArePreparedOnce) {
  start();
  auto c = ready_client();
  for (int i = 0; i < 5; ++i) {
    auto reply = c->request(1, query("SELECT * FROM ks.t"));
    ASSERT_TRUE(reply);
  }
  EXPECT_EQ(processor_.prepares.load(), 1);
  EXPECT_EQ(processor_.executes.load(), 5);
}

TEST_F(CqlServerTest, RegisteredConnectionGetsSchemaChangeEvents) {
  start();
  auto listener = ready_client();
  RegisterRequest r;
  r.event_types = {"TOPOLOGY_CHANGE", "STATUS_CHANGE", "SCHEMA_CHANGE"};
  auto ready = listener->request(1, r);
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->header.opcode, Opcode::kReady);
  auto other = ready_client();
  auto created = other->request(1, query("CREATE TABLE ks.t (k int PRIMARY KEY)"));
  ASSERT_TRUE(created);
  EXPECT_EQ(result_kind(*created), 5);
  auto event = listener->read_frame();
  ASSERT_TRUE(event);
  EXPECT_EQ(event->header.opcode, Opcode::kEvent);
  EXPECT_EQ(event->header.stream, -1);
  WireReader reader(event->body, "EVENT");
  auto type = reader.read_string("type");
  ASSERT_TRUE(type.is_ok());
  EXPECT_EQ(*type, "SCHEMA_CHANGE");
}

TEST_F(CqlServerTest, UnregisteredConnectionGetsNoEvents) {
  start();
  auto quiet = ready_client();
  auto other = ready_client();
  ASSERT_TRUE(other->request(1, query("CREATE TABLE ks.t (k int PRIMARY KEY)")));
  EXPECT_FALSE(quiet->read_frame(200));
}

TEST_F(CqlServerTest, SyntaxErrorIs0x2000) {
  start();
  auto c = ready_client();
  auto reply = c->request(1, query("SELEKT nonsense"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(parse_error(*reply).code, 0x2000);
  EXPECT_EQ(processor_.prepares.load(), 0);
}

TEST_F(CqlServerTest, UnknownTableIsInvalid) {
  start();
  auto c = ready_client();
  auto reply = c->request(1, query("SELECT * FROM ks.missing_table"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(parse_error(*reply).code, 0x2200);
}

TEST_F(CqlServerTest, AlreadyExistsNamesKeyspaceAndTable) {
  start();
  auto c = ready_client();
  auto reply = c->request(1, query("CREATE TABLE ks.exists_table (k int PRIMARY KEY)"));
  ASSERT_TRUE(reply);
  ASSERT_EQ(parse_error(*reply).code, 0x2400);
  WireReader reader(reply->body, "ERROR");
  ASSERT_TRUE(reader.read_int("code").is_ok());
  ASSERT_TRUE(reader.read_string("message").is_ok());
  auto ks = reader.read_string("ks");
  auto table = reader.read_string("table");
  ASSERT_TRUE(ks.is_ok() && table.is_ok());
  EXPECT_EQ(*ks, "ks");
  EXPECT_EQ(*table, "exists_table");
}

TEST_F(CqlServerTest, UseSetsTheSessionKeyspace) {
  start();
  auto c = ready_client();
  auto reply = c->request(1, query("USE ks2"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(result_kind(*reply), 3);
  PrepareRequest p;
  p.query = "SELECT * FROM t";
  ASSERT_TRUE(c->request(2, p));
}

TEST_F(CqlServerTest, BatchOfTextAndIds) {
  start();
  auto c = ready_client();
  PrepareRequest p;
  p.query = "INSERT INTO ks.t (k) VALUES (?)";
  auto prepared = c->request(1, p);
  ASSERT_TRUE(prepared);
  WireReader reader(prepared->body, "RESULT");
  ASSERT_TRUE(reader.read_int("kind").is_ok());
  auto id = reader.read_short_bytes("id");
  ASSERT_TRUE(id.is_ok());
  BatchRequest b;
  b.statements.push_back({true, std::string(*id), {Value::of("1")}});
  b.statements.push_back({false, "INSERT INTO ks.t (k) VALUES (2)", {}});
  auto reply = c->request(2, b);
  ASSERT_TRUE(reply);
  EXPECT_EQ(result_kind(*reply), 1);
  EXPECT_EQ(processor_.batch_members.load(), 2u);
  BatchRequest unknown;
  unknown.statements.push_back({true, std::string(16, 'q'), {}});
  auto refused = c->request(3, unknown);
  ASSERT_TRUE(refused);
  EXPECT_EQ(parse_error(*refused).code, 0x2500);
}

TEST_F(CqlServerTest, MaxConnectionsRefusesTheExtraOne) {
  start(false, [](ServerConfig& c) { c.max_connections = 1; });
  auto first = ready_client();
  auto second = connect();
  EXPECT_TRUE(second->wait_closed());
  auto ok = first->request(2, query("SELECT * FROM ks.t"));
  EXPECT_TRUE(ok);
}

TEST_F(CqlServerTest, IdleConnectionIsClosedAfterTheTimeout) {
  start(false, [](ServerConfig& c) { c.idle_timeout = std::chrono::seconds(1); });
  auto c = ready_client();
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(c->wait_closed(4000));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(500));
}

TEST_F(CqlServerTest, StopWithOpenConnectionsReturnsPromptly) {
  start();
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < 8; ++i) clients.push_back(ready_client());
  ASSERT_TRUE(clients[0]->send(1, query("INSERT INTO ks.t (k) VALUES (1)")));
  const auto t0 = std::chrono::steady_clock::now();
  server_->stop();
  server_->stop();  // idempotent
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  EXPECT_TRUE(clients[1]->wait_closed(2000));
  EXPECT_EQ(TestClient::connect(server_->port()), nullptr);
}

TEST_F(CqlServerTest, PortInUseIsAnError) {
  start();
  ServerConfig config;
  config.port = server_->port();
  auto second = CqlServer::start(config, &processor_);
  ASSERT_FALSE(second.is_ok());
  EXPECT_EQ(second.status().code(), util::StatusCode::kIOError);
}

TEST(PasswordAuthenticatorTest, ConstantTimeEquals) {
  EXPECT_TRUE(constant_time_equals("abc", "abc"));
  EXPECT_FALSE(constant_time_equals("abc", "abd"));
  EXPECT_FALSE(constant_time_equals("abc", "abcd"));
  EXPECT_TRUE(constant_time_equals("", ""));
}

TEST(PasswordAuthenticatorTest, MalformedTokenIsBadCredentials) {
  PasswordAuthenticator auth(std::vector<ServerUser>{{"cassandra", "cassandra"}});
  EXPECT_FALSE(auth.check(std::string("cassandra")).is_ok());
  EXPECT_FALSE(auth.check(std::nullopt).is_ok());
  EXPECT_TRUE(auth.check(std::string("zid\0cassandra\0cassandra", 23)).is_ok());
}

TEST(ServerConfigTest, ParsesEveryKey) {
  auto config = parse_server_config(R"(
[server]
host = "0.0.0.0"
port = 19042
data_directory = "/tmp/x"
io_threads = 3
max_connections = 7
max_frame_bytes = 65536
max_requests_per_connection = 64
idle_timeout_seconds = 30
[auth]
enabled = false
[[auth.users]]
name = "a"
password = "b"
[commit]
policy = "always"
window_ms = 5
)",
                                    "test.toml");
  ASSERT_TRUE(config.is_ok()) << config.status().message();
  EXPECT_EQ(config->host, "0.0.0.0");
  EXPECT_EQ(config->port, 19042);
  EXPECT_EQ(config->data_directory, "/tmp/x");
  EXPECT_EQ(config->io_threads, 3u);
  EXPECT_EQ(config->max_connections, 7u);
  EXPECT_EQ(config->max_frame_bytes, 65536u);
  EXPECT_EQ(config->max_requests_per_connection, 64u);
  EXPECT_EQ(config->idle_timeout.count(), 30);
  EXPECT_FALSE(config->auth_enabled);
  EXPECT_EQ(config->users, (std::vector<ServerUser>{{"a", "b"}}));
  EXPECT_EQ(config->commit_policy, CommitPolicy::kAlways);
  EXPECT_EQ(config->group_window.count(), 5);
}

TEST(ServerConfigTest, ErrorsNameFileAndKey) {
  auto bad_port = parse_server_config("[server]\nport = 70000\n", "my.toml");
  ASSERT_FALSE(bad_port.is_ok());
  EXPECT_NE(bad_port.status().message().find("server.port"), std::string::npos);
  EXPECT_NE(bad_port.status().message().find("my.toml"), std::string::npos);
  auto unknown = parse_server_config("[server]\nprot = 1\n", "my.toml");
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_NE(unknown.status().message().find("server.prot"), std::string::npos);
  auto policy = parse_server_config("[commit]\npolicy = \"sometimes\"\n", "my.toml");
  ASSERT_FALSE(policy.is_ok());
  EXPECT_NE(policy.status().message().find("commit.policy"), std::string::npos);
  auto syntax = parse_server_config("[server\n", "my.toml");
  ASSERT_FALSE(syntax.is_ok());
  EXPECT_NE(syntax.status().message().find("my.toml:"), std::string::npos);
}

TEST(ServerConfigTest, DefaultsWithoutAFile) {
  auto config = parse_server_config("", "empty.toml");
  ASSERT_TRUE(config.is_ok());
  EXPECT_EQ(config->port, 9042);
  EXPECT_EQ(config->host, "127.0.0.1");
  EXPECT_TRUE(config->auth_enabled);
  EXPECT_EQ(config->users, (std::vector<ServerUser>{{"cassandra", "cassandra"}}));
  EXPECT_EQ(config->commit_policy, CommitPolicy::kGroup);
}

TEST(ServerConfigTest, EnvironmentReplacesTheUsers) {
  ServerConfig config;
  ::setenv("MEDALLION_CQL_USER", "env_user", 1);
  ::setenv("MEDALLION_CQL_PASSWORD", "env_pw", 1);
  EXPECT_TRUE(apply_environment_overrides(&config).is_ok());
  EXPECT_EQ(config.users, (std::vector<ServerUser>{{"env_user", "env_pw"}}));
  ::unsetenv("MEDALLION_CQL_PASSWORD");
  EXPECT_FALSE(apply_environment_overrides(&config).is_ok());
  ::unsetenv("MEDALLION_CQL_USER");
  EXPECT_TRUE(apply_environment_overrides(&config).is_ok());
}

}  // namespace
}  // namespace medallion::cql
