// Session against embedded servers started in-process (session_test_server.h:
// store in a temp dir, QueryProcessor, CqlServer on 127.0.0.1 port 0, with the
// default PasswordAuthenticator and user cassandra/cassandra), and against
// FakeCqlServer where a host must hold a request and then die.
//
// What is covered: every type the server supports round-trips through a
// prepared INSERT and SELECT; bind errors; paging (RowIterator and one page
// at a time); the prepare cache; re-prepare after a server restart on the
// same port; no server at start (a clear error after the startup deadline);
// two servers with one stopped mid-run (failover, never a hang); no retry of
// a non-idempotent request whose host dies (and the retry of an idempotent
// one); execute_grouped; USE refused; server errors surfacing with the
// server's message.
#include "cql/client/session.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <memory>
#include <mutex>
#include <numeric>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cql/client/connection.h"
#include "fake_cql_server.h"
#include "session_test_server.h"

namespace medallion::cql {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::FakeCqlServer;
using testing::TestCqlServer;

constexpr std::string_view kCreateKeyspace =
    "CREATE KEYSPACE IF NOT EXISTS ks WITH replication = "
    "{'class': 'SimpleStrategy', 'replication_factor': 1}";

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

std::string endpoint_text(uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

// A config for the given local ports with short timeouts and backoffs.
ClusterConfig config_for(const std::vector<uint16_t>& ports) {
  ClusterConfig config;
  config.hosts.clear();
  for (uint16_t port : ports) config.hosts.push_back(Endpoint{"127.0.0.1", port});
  config.connections_per_host = 2;
  config.connect_timeout = 2s;
  config.request_timeout = 3s;
  config.startup_deadline = 5s;
  config.reconnect_base = 20ms;
  config.reconnect_max = 200ms;
  config.max_retries = 3;
  config.io_threads = 2;
  return config;
}

// Runs DDL (or any statement) straight on a server, bypassing the session.
util::Status run_direct(uint16_t port, const std::vector<std::string>& statements) {
  ConnectionOptions options;
  options.port = port;
  options.username = "cassandra";
  options.password = "cassandra";
  auto connection = ClientConnection::connect(options);
  if (!connection.is_ok()) return connection.status();
  for (const auto& text : statements) {
    QueryRequest q;
    q.query = text;
    auto r = (*connection)->execute(std::move(q));
    if (!r.is_ok()) return r.status();
    MEDALLION_RETURN_IF_ERROR(response_status(*r, (*connection)->endpoint()));
  }
  (*connection)->close();
  return util::Status::ok();
}

// Runs statements through execute_async with at most `in_flight` outstanding;
// returns the first error (all of them run). Bounded by `limit`.
util::Status run_async(Session& session, std::vector<CqlStatement> statements, size_t in_flight,
                       std::chrono::milliseconds limit = 20s) {
  std::mutex mu;
  std::condition_variable cv;
  size_t outstanding = 0;
  size_t done = 0;
  util::Status first;
  const auto deadline = Clock::now() + limit;
  for (auto& statement : statements) {
    {
      std::unique_lock<std::mutex> lock(mu);
      if (!cv.wait_until(lock, deadline, [&] { return outstanding < in_flight; })) {
        return util::Status::io_error("run_async: requests did not complete in time");
      }
      ++outstanding;
    }
    session.execute_async(std::move(statement), [&](util::Result<ResultPage> r) {
      std::lock_guard<std::mutex> lock(mu);
      if (!r.is_ok() && first.is_ok()) first = r.status();
      --outstanding;
      ++done;
      cv.notify_all();
    });
  }
  std::unique_lock<std::mutex> lock(mu);
  if (!cv.wait_until(lock, deadline, [&] { return done == statements.size(); })) {
    // The callbacks still reference mu/cv: wait for them without a bound
    // would hang; fail loudly instead (the test is broken either way).
    ADD_FAILURE() << "run_async: " << done << " of " << statements.size()
                  << " callbacks arrived in time";
    cv.wait(lock, [&] { return done == statements.size(); });
  }
  return first;
}

// SELECT COUNT(*) through the session; -1 on error (reported).
int64_t count_rows(Session& session, const std::string& where_from) {
  auto page = session.execute("SELECT COUNT(*) FROM " + where_from);
  EXPECT_TRUE(page.is_ok()) << page.status().message();
  if (!page.is_ok() || page->size() != 1) return -1;
  auto v = page->value(0, 0);
  EXPECT_TRUE(v.is_ok()) << v.status().message();
  if (!v.is_ok() || !std::holds_alternative<int64_t>(v->v)) return -1;
  return std::get<int64_t>(v->v);
}

Uuid uuid_of(std::initializer_list<uint8_t> bytes) {
  Uuid u;
  std::copy(bytes.begin(), bytes.end(), u.bytes.begin());
  return u;
}

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.ok());
    auto started = server_.start();
    ASSERT_TRUE(started.is_ok()) << started.message();
    port_ = server_.port();
    auto session = Session::connect(config_for({port_}));
    ASSERT_TRUE(session.is_ok()) << session.status().message();
    session_ = *session;
    must(std::string(kCreateKeyspace));
  }
  void TearDown() override {
    if (session_) session_->close();
  }

  ResultPage must(const std::string& text) {
    auto r = session_->execute(text);
    EXPECT_TRUE(r.is_ok()) << text << ": " << r.status().message();
    return r.is_ok() ? std::move(r).value() : ResultPage();
  }
  std::shared_ptr<const PreparedQuery> prepare(const std::string& text) {
    auto p = session_->prepare(text);
    EXPECT_TRUE(p.is_ok()) << text << ": " << p.status().message();
    return p.is_ok() ? *p : nullptr;
  }
  CqlStatement bind(const std::shared_ptr<const PreparedQuery>& p,
                 const std::vector<CqlValue>& values) {
    auto s = CqlStatement::bind(p, values);
    EXPECT_TRUE(s.is_ok()) << s.status().message();
    return s.is_ok() ? std::move(s).value() : CqlStatement();
  }

  TestCqlServer server_{"cql_client_session"};
  uint16_t port_ = 0;
  std::shared_ptr<Session> session_;
};

// ------------------------------------------------------------- types --

// One table with a column of every type the server supports.
constexpr std::string_view kTypesTable =
    "CREATE TABLE ks.types (k int PRIMARY KEY, c_ascii ascii, c_text text, c_varchar varchar, "
    "c_boolean boolean, c_tinyint tinyint, c_smallint smallint, c_int int, c_bigint bigint, "
    "c_varint varint, c_float float, c_double double, c_decimal decimal, c_timestamp timestamp, "
    "c_date date, c_time time, c_uuid uuid, c_timeuuid timeuuid, c_inet4 inet, c_inet6 inet, "
    "c_blob blob, c_list_int list<int>, c_list_text list<text>, c_set_text set<text>, "
    "c_set_bigint set<bigint>, c_map_text_int map<text, int>, c_map_int_double map<int, double>)";

const std::vector<std::string>& type_columns() {
  static const std::vector<std::string> columns = {
      "c_ascii",     "c_text",        "c_varchar",      "c_boolean",      "c_tinyint",
      "c_smallint",  "c_int",         "c_bigint",       "c_varint",       "c_float",
      "c_double",    "c_decimal",     "c_timestamp",    "c_date",         "c_time",
      "c_uuid",      "c_timeuuid",    "c_inet4",        "c_inet6",        "c_blob",
      "c_list_int",  "c_list_text",   "c_set_text",     "c_set_bigint",   "c_map_text_int",
      "c_map_int_double"};
  return columns;
}

class SessionTypesTest : public SessionTest {
 protected:
  void SetUp() override {
    SessionTest::SetUp();
    if (HasFatalFailure()) return;
    must(std::string(kTypesTable));
  }

  // Inserts row k with `values` (one per type_columns() entry) through a
  // prepared INSERT, reads it back through a prepared SELECT, and compares
  // every decoded value with the bound one.
  void round_trip(int32_t k, const std::vector<CqlValue>& values) {
    ASSERT_EQ(values.size(), type_columns().size());
    std::string columns = "k";
    std::string markers = "?";
    for (const auto& c : type_columns()) {
      columns += ", " + c;
      markers += ", ?";
    }
    auto insert = prepare("INSERT INTO ks.types (" + columns + ") VALUES (" + markers + ")");
    auto select = prepare("SELECT " + columns + " FROM ks.types WHERE k = ?");
    ASSERT_TRUE(insert && select);
    std::vector<CqlValue> bound = {CqlValue(k)};
    bound.insert(bound.end(), values.begin(), values.end());
    auto written = session_->execute(bind(insert, bound));
    ASSERT_TRUE(written.is_ok()) << written.status().message();
    auto page = session_->execute(bind(select, {CqlValue(k)}));
    ASSERT_TRUE(page.is_ok()) << page.status().message();
    ASSERT_EQ(page->size(), 1u);
    ASSERT_EQ(page->columns().size(), type_columns().size() + 1);
    for (size_t i = 0; i < type_columns().size(); ++i) {
      const std::string& name = type_columns()[i];
      auto got = page->value(0, name);
      ASSERT_TRUE(got.is_ok()) << name << ": " << got.status().message();
      EXPECT_TRUE(*got == values[i]) << "column " << name << " did not round-trip";
    }
  }
};

TEST_F(SessionTypesTest, TypicalValuesOfEveryTypeRoundTrip) {
  round_trip(
      1,
      {CqlValue(std::string("plain ascii")),
       CqlValue(std::string("text \xc3\xa9t\xc3\xa9 \xe2\x82\xac")),
       CqlValue(std::string("varchar")),
       CqlValue(true),
       CqlValue(int8_t{-7}),
       CqlValue(int16_t{1234}),
       CqlValue(int32_t{-123456}),
       CqlValue(int64_t{1234567890123}),
       CqlValue(*Varint::from_decimal("123456789012345678901234567890")),
       CqlValue(1.5f),
       CqlValue(-2.25),
       CqlValue(Decimal{3, Varint::from_int64(123456)}),
       CqlValue(Timestamp{1700000000123}),
       CqlValue(Date::from_days_since_epoch(19000)),
       CqlValue(Time{12 * 3600 * int64_t{1000000000} + 345}),
       CqlValue(uuid_of({0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0x4d, 0xef, 0x81, 0x23, 0x45, 0x67,
                         0x89, 0xab, 0xcd, 0xef})),
       CqlValue(uuid_of({0x5e, 0x1f, 0x0c, 0x2a, 0x8a, 0x3b, 0x11, 0xee, 0x9a, 0x01, 0x02, 0x42,
                         0xac, 0x12, 0x00, 0x02})),
       CqlValue(InetAddress{std::string("\x7f\x00\x00\x01", 4)}),
       CqlValue(InetAddress{std::string("\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                                        "\x00\x01",
                                        16)}),
       CqlValue(std::string("\x00\x01\xfe\xff", 4)),
       CqlValue(CqlList{{CqlValue(int32_t{3}), CqlValue(int32_t{1}), CqlValue(int32_t{3})}}),
       CqlValue(CqlList{{CqlValue(std::string("b")), CqlValue(std::string("a"))}}),
       CqlValue(CqlList{{CqlValue(std::string("x")), CqlValue(std::string("y")),
                         CqlValue(std::string("z"))}}),
       CqlValue(CqlList{{CqlValue(int64_t{1}), CqlValue(int64_t{20}), CqlValue(int64_t{300})}}),
       CqlValue(CqlMap{{{CqlValue(std::string("a")), CqlValue(int32_t{1})},
                        {CqlValue(std::string("b")), CqlValue(int32_t{-2})}}}),
       CqlValue(CqlMap{{{CqlValue(int32_t{1}), CqlValue(0.5)},
                        {CqlValue(int32_t{2}), CqlValue(-1e300)}}})});
}

TEST_F(SessionTypesTest, ExtremeValuesRoundTrip) {
  round_trip(
      2,
      {CqlValue(std::string("\x7f~ ")),
       CqlValue(std::string("")),
       CqlValue(std::string(70000, 'v')),
       CqlValue(false),
       CqlValue(std::numeric_limits<int8_t>::min()),
       CqlValue(std::numeric_limits<int16_t>::max()),
       CqlValue(std::numeric_limits<int32_t>::min()),
       CqlValue(std::numeric_limits<int64_t>::max()),
       CqlValue(*Varint::from_decimal("-340282366920938463463374607431768211457")),
       CqlValue(std::numeric_limits<float>::infinity()),
       CqlValue(std::numeric_limits<double>::lowest()),
       CqlValue(Decimal{-5, *Varint::from_decimal("-98765432109876543210")}),
       CqlValue(Timestamp{-62135596800000}),  // 0001-01-01
       CqlValue(Date{0}),                      // the smallest date
       CqlValue(Time{Time::kMaxNanos}),
       CqlValue(Uuid{}),
       CqlValue(uuid_of({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f, 0xff, 0xbf, 0xff, 0xff, 0xff,
                         0xff, 0xff, 0xff, 0xff})),
       CqlValue(InetAddress{std::string("\xff\xff\xff\xff", 4)}),
       CqlValue(InetAddress{std::string(16, '\0')}),
       CqlValue(std::string(100000, '\xab')),
       CqlValue(CqlList{{CqlValue(std::numeric_limits<int32_t>::max())}}),
       CqlValue(CqlList{{CqlValue(std::string("")), CqlValue(std::string(""))}}),
       CqlValue(CqlList{{CqlValue(std::string("only"))}}),
       CqlValue(CqlList{{CqlValue(int64_t{0})}}),
       CqlValue(CqlMap{{{CqlValue(std::string("")), CqlValue(std::numeric_limits<int32_t>::min())}}}),
       CqlValue(CqlMap{{{CqlValue(int32_t{-1}), CqlValue(std::numeric_limits<double>::infinity())}}})});
}

TEST_F(SessionTypesTest, NullsOfEveryTypeRoundTripAsNull) {
  round_trip(3, std::vector<CqlValue>(type_columns().size(), CqlValue()));
}

TEST_F(SessionTest, BindOfAWrongTypeIsInvalidArgumentNamingTheMarker) {
  must("CREATE TABLE ks.kv (k int PRIMARY KEY, v text)");
  auto insert = prepare("INSERT INTO ks.kv (k, v) VALUES (?, ?)");
  ASSERT_TRUE(insert);
  auto s = CqlStatement::bind(insert, {CqlValue(int32_t{1}), CqlValue(int32_t{2})});
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), util::StatusCode::kInvalidArgument);
  // The second marker, by position and column name, and the type it wanted.
  EXPECT_TRUE(contains(s.status().message(), "bind value")) << s.status().message();
  EXPECT_TRUE(contains(s.status().message(), "(v")) << s.status().message();
  EXPECT_TRUE(contains(s.status().message(), "text")) << s.status().message();
}

TEST_F(SessionTest, BindOfTooFewValuesIsInvalidArgument) {
  must("CREATE TABLE ks.kv (k int PRIMARY KEY, v text)");
  auto insert = prepare("INSERT INTO ks.kv (k, v) VALUES (?, ?)");
  ASSERT_TRUE(insert);
  auto s = CqlStatement::bind(insert, {CqlValue(int32_t{1})});
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), util::StatusCode::kInvalidArgument);
  EXPECT_TRUE(contains(s.status().message(), "2")) << s.status().message();
}

TEST_F(SessionTest, BindOfTooManyValuesIsInvalidArgument) {
  must("CREATE TABLE ks.kv (k int PRIMARY KEY, v text)");
  auto insert = prepare("INSERT INTO ks.kv (k, v) VALUES (?, ?)");
  ASSERT_TRUE(insert);
  auto s = CqlStatement::bind(insert, {CqlValue(int32_t{1}), CqlValue(std::string("a")),
                                    CqlValue(std::string("b"))});
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), util::StatusCode::kInvalidArgument);
  EXPECT_TRUE(contains(s.status().message(), "3")) << s.status().message();
}

TEST_F(SessionTest, BindSetsTheRoutingKeyOfThePartitionKey) {
  must("CREATE TABLE ks.kv (k int PRIMARY KEY, v text)");
  auto insert = prepare("INSERT INTO ks.kv (k, v) VALUES (?, ?)");
  ASSERT_TRUE(insert);
  auto s = CqlStatement::bind(insert, {CqlValue(int32_t{1}), CqlValue(std::string("a"))});
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  ASSERT_TRUE(s->routing_key.has_value());
  EXPECT_EQ(*s->routing_key, std::string("\x00\x00\x00\x01", 4));
}

// bind_serialized() takes the wire form: the same statement as bind() for
// valid values; a malformed one or a wrong count is refused as bind() does.
TEST_F(SessionTest, BindSerializedIsBindForValuesInWireForm) {
  must("CREATE TABLE ks.kv (k int PRIMARY KEY, v text)");
  auto insert = prepare("INSERT INTO ks.kv (k, v) VALUES (?, ?)");
  ASSERT_TRUE(insert);
  auto typed = CqlStatement::bind(insert, {CqlValue(int32_t{7}), CqlValue(std::string("seven"))});
  auto wire = CqlStatement::bind_serialized(
      insert, {Value::of(std::string("\x00\x00\x00\x07", 4)), Value::of("seven")});
  ASSERT_TRUE(typed.is_ok() && wire.is_ok()) << wire.status().message();
  EXPECT_EQ(wire->values, typed->values);
  EXPECT_EQ(wire->routing_key, typed->routing_key);
  auto nulls = CqlStatement::bind_serialized(
      insert, {Value::of(std::string("\x00\x00\x00\x08", 4)), Value::null()});
  ASSERT_TRUE(nulls.is_ok()) << nulls.status().message();
  ASSERT_TRUE(session_->execute(*wire).is_ok());
  ASSERT_TRUE(session_->execute(*nulls).is_ok());
  EXPECT_EQ(must("SELECT v FROM ks.kv WHERE k = 7").size(), 1u);

  auto short_int = CqlStatement::bind_serialized(insert, {Value::of("abc"), Value::of("x")});
  ASSERT_FALSE(short_int.is_ok());
  EXPECT_EQ(short_int.status().code(), util::StatusCode::kInvalidArgument);
  EXPECT_TRUE(contains(short_int.status().message(), "bind value 0 (k int)"))
      << short_int.status().message();
  auto bad_text = CqlStatement::bind_serialized(
      insert, {Value::of(std::string("\x00\x00\x00\x09", 4)), Value::of("\xc3\x28")});
  ASSERT_FALSE(bad_text.is_ok());
  EXPECT_TRUE(contains(bad_text.status().message(), "UTF-8")) << bad_text.status().message();
  auto too_few = CqlStatement::bind_serialized(insert, {Value::null()});
  EXPECT_EQ(too_few.status().code(), util::StatusCode::kInvalidArgument);
}

// ------------------------------------------------------------ paging --

// p = 1 holds rows c = 0 .. n-1 (v = "v<c>"), inserted in a shuffled order.
void fill_partition(Session& session, int32_t n) {
  auto insert = session.prepare("INSERT INTO ks.paged (p, c, v) VALUES (?, ?, ?)");
  ASSERT_TRUE(insert.is_ok()) << insert.status().message();
  std::vector<int32_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937(7));
  std::vector<CqlStatement> writes;
  for (int32_t c : order) {
    auto s = CqlStatement::bind(*insert, {CqlValue(int32_t{1}), CqlValue(c),
                                       CqlValue("v" + std::to_string(c))});
    ASSERT_TRUE(s.is_ok()) << s.status().message();
    writes.push_back(std::move(s).value());
  }
  auto st = run_async(session, std::move(writes), 256);
  ASSERT_TRUE(st.is_ok()) << st.message();
}

class SessionPagingTest : public SessionTest {
 protected:
  void SetUp() override {
    SessionTest::SetUp();
    if (HasFatalFailure()) return;
    must("CREATE TABLE ks.paged (p int, c int, v text, PRIMARY KEY (p, c))");
  }
};

TEST_F(SessionPagingTest, IteratorYieldsTenThousandRowsInClusteringOrder) {
  fill_partition(*session_, 10000);
  if (HasFatalFailure()) return;
  auto select = prepare("SELECT c, v FROM ks.paged WHERE p = ?");
  ASSERT_TRUE(select);
  CqlStatement s = bind(select, {CqlValue(int32_t{1})});
  s.page_size = 100;
  auto it = session_->iterate(std::move(s));
  ASSERT_TRUE(it.is_ok()) << it.status().message();
  int32_t expected = 0;
  while (true) {
    auto more = it->next();
    ASSERT_TRUE(more.is_ok()) << more.status().message();
    if (!*more) break;
    auto c = it->value("c");
    ASSERT_TRUE(c.is_ok()) << c.status().message();
    ASSERT_TRUE(*c == CqlValue(expected)) << "row " << expected;
    auto v = it->value(size_t{1});
    ASSERT_TRUE(v.is_ok()) << v.status().message();
    ASSERT_TRUE(*v == CqlValue("v" + std::to_string(expected))) << "row " << expected;
    ++expected;
  }
  EXPECT_EQ(expected, 10000);
  EXPECT_EQ(it->pages_fetched(), 100u);
  // The end stays the end.
  auto again = it->next();
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  EXPECT_FALSE(*again);
}

TEST_F(SessionPagingTest, ExecuteReturnsOnePageAndItsPagingState) {
  fill_partition(*session_, 250);
  if (HasFatalFailure()) return;
  auto select = prepare("SELECT c FROM ks.paged WHERE p = ?");
  ASSERT_TRUE(select);
  std::optional<std::string> paging_state;
  std::vector<size_t> sizes;
  int32_t next_c = 0;
  for (int page_no = 0; page_no < 5; ++page_no) {
    CqlStatement s = bind(select, {CqlValue(int32_t{1})});
    s.page_size = 100;
    s.paging_state = paging_state;
    auto page = session_->execute(std::move(s));
    ASSERT_TRUE(page.is_ok()) << page.status().message();
    sizes.push_back(page->size());
    for (size_t row = 0; row < page->size(); ++row) {
      auto c = page->value(row, size_t{0});
      ASSERT_TRUE(c.is_ok()) << c.status().message();
      ASSERT_TRUE(*c == CqlValue(next_c++));
    }
    if (!page->has_more_pages()) break;
    paging_state = page->paging_state();
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{100, 100, 50}));
}

TEST_F(SessionPagingTest, StatementWithoutPageSizeGetsTheDefaultPage) {
  fill_partition(*session_, kDefaultPageSize + 10);
  if (HasFatalFailure()) return;
  auto page = session_->execute("SELECT c FROM ks.paged WHERE p = 1");
  ASSERT_TRUE(page.is_ok()) << page.status().message();
  EXPECT_EQ(page->size(), static_cast<size_t>(kDefaultPageSize));
  EXPECT_TRUE(page->has_more_pages());
}

TEST_F(SessionPagingTest, IteratorOverAnEmptyResultEndsAtOnce) {
  auto it = session_->iterate(CqlStatement::simple("SELECT c FROM ks.paged WHERE p = 42"));
  ASSERT_TRUE(it.is_ok()) << it.status().message();
  auto more = it->next();
  ASSERT_TRUE(more.is_ok()) << more.status().message();
  EXPECT_FALSE(*more);
  EXPECT_EQ(it->pages_fetched(), 1u);
}

// ----------------------------------------------------- prepare cache --

TEST_F(SessionTest, PreparingTheSameTextTwiceReturnsTheSameStatement) {
  must("CREATE TABLE ks.kv (k int PRIMARY KEY, v text)");
  auto first = prepare("SELECT v FROM ks.kv WHERE k = ?");
  auto second = prepare("SELECT v FROM ks.kv WHERE k = ?");
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first.get(), second.get());
  auto other = prepare("SELECT k FROM ks.kv WHERE k = ?");
  ASSERT_TRUE(other);
  EXPECT_NE(first.get(), other.get());
}

TEST_F(SessionTest, PreparedStatementDescribesMarkersAndPartitionKey) {
  must("CREATE TABLE ks.pk (a int, b text, c int, v text, PRIMARY KEY ((a, b), c))");
  auto insert = prepare("INSERT INTO ks.pk (v, c, b, a) VALUES (?, ?, ?, ?)");
  ASSERT_TRUE(insert);
  ASSERT_EQ(insert->bind_columns.size(), 4u);
  EXPECT_EQ(insert->bind_columns[0].name, "v");
  EXPECT_EQ(insert->partition_key_indices, (std::vector<uint16_t>{3, 2}));
}

TEST_F(SessionTest, PrepareOfAnUnknownTableCarriesTheServerMessage) {
  auto p = session_->prepare("SELECT v FROM ks.nope WHERE k = ?");
  ASSERT_FALSE(p.is_ok());
  EXPECT_TRUE(contains(p.status().message(), "unconfigured table nope")) << p.status().message();
}

// ---------------------------------------------------- server restart --

TEST_F(SessionTest, ATableDroppedAndCreatedAgainIsReachedByTheSamePreparedText) {
  must("CREATE TABLE ks.kv (k int PRIMARY KEY, v text)");
  auto insert = prepare("INSERT INTO ks.kv (k, v) VALUES (?, ?)");
  ASSERT_TRUE(insert);
  ASSERT_TRUE(session_->execute(bind(insert, {CqlValue(int32_t{1}), CqlValue(std::string("a"))}))
                  .is_ok());
  // The server answers UNPREPARED for a statement whose table was dropped
  // (as Cassandra does); the session prepares it again, now against the new
  // table.
  must("DROP TABLE ks.kv");
  must("CREATE TABLE ks.kv (k int PRIMARY KEY, v text)");
  auto again = session_->execute(bind(insert, {CqlValue(int32_t{2}), CqlValue(std::string("b"))}));
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  EXPECT_EQ(count_rows(*session_, "ks.kv"), 1);
}

TEST_F(SessionTest, ReprepareAfterAServerRestartIsTransparent) {
  must("CREATE TABLE ks.kv (k int PRIMARY KEY, v text)");
  auto insert = prepare("INSERT INTO ks.kv (k, v) VALUES (?, ?)");
  auto select = prepare("SELECT v FROM ks.kv WHERE k = ?");
  ASSERT_TRUE(insert && select);
  auto first = session_->execute(bind(insert, {CqlValue(int32_t{1}), CqlValue(std::string("a"))}));
  ASSERT_TRUE(first.is_ok()) << first.status().message();

  // A new server on the same port over the same data: it has forgotten every
  // prepared statement.
  server_.stop();
  // Wait until the session has seen the host go down, so that "up" below
  // means reconnected to the new server (not a stale view of the old one).
  const auto down_deadline = Clock::now() + 5s;
  bool down = false;
  while (!down && Clock::now() < down_deadline) {
    down = true;
    for (const auto& h : session_->hosts()) down = down && !(h.up && h.endpoint.port == port_);
    if (!down) std::this_thread::sleep_for(5ms);
  }
  ASSERT_TRUE(down) << "the session did not see the server stop";
  const auto bind_deadline = Clock::now() + 5s;
  while (!server_.running()) {
    auto st = server_.start(port_);
    if (!st.is_ok() && Clock::now() > bind_deadline) {
      FAIL() << "cannot restart on port " << port_ << ": " << st.message();
    }
    if (!st.is_ok()) std::this_thread::sleep_for(20ms);
  }
  ASSERT_EQ(server_.port(), port_);
  // Wait for the pool to reconnect (its connections were closed by the stop).
  const auto up_deadline = Clock::now() + 5s;
  bool up = false;
  while (!up && Clock::now() < up_deadline) {
    for (const auto& h : session_->hosts()) up = up || (h.up && h.endpoint.port == port_);
    if (!up) std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(up) << "the session did not reconnect to the restarted server";

  // Once up, the first EXECUTE meets UNPREPARED and is re-prepared: no error.
  auto second = session_->execute(bind(insert, {CqlValue(int32_t{2}), CqlValue(std::string("b"))}));
  ASSERT_TRUE(second.is_ok()) << second.status().message();
  auto page = session_->execute(bind(select, {CqlValue(int32_t{1})}));
  ASSERT_TRUE(page.is_ok()) << page.status().message();
  ASSERT_EQ(page->size(), 1u);
  {
    auto v = page->value(0, "v");
    ASSERT_TRUE(v.is_ok()) << v.status().message();
    EXPECT_TRUE(*v == CqlValue(std::string("a")));
  }
  page = session_->execute(bind(select, {CqlValue(int32_t{2})}));
  ASSERT_TRUE(page.is_ok()) << page.status().message();
  ASSERT_EQ(page->size(), 1u);
  {
    auto v = page->value(0, "v");
    ASSERT_TRUE(v.is_ok()) << v.status().message();
    EXPECT_TRUE(*v == CqlValue(std::string("b")));
  }
}

// -------------------------------------------------- no server at start --

TEST(SessionConnectTest, NoServerFailsAfterTheStartupDeadlineNamingTheHost) {
  // A port where nothing listens: bound by a server that is then stopped.
  TestCqlServer server("cql_client_session_down");
  ASSERT_TRUE(server.start().is_ok());
  const uint16_t port = server.port();
  server.stop();

  ClusterConfig config = config_for({port});
  config.startup_deadline = 1s;
  config.reconnect_base = 50ms;
  config.connect_timeout = 500ms;
  const auto start = Clock::now();
  auto session = Session::connect(config);
  const auto elapsed = Clock::now() - start;
  ASSERT_FALSE(session.is_ok());
  EXPECT_EQ(session.status().code(), util::StatusCode::kIOError);
  EXPECT_TRUE(contains(session.status().message(), endpoint_text(port)))
      << session.status().message();
  EXPECT_GE(elapsed, config.startup_deadline);
  EXPECT_LT(elapsed, config.startup_deadline + 2s);
}

TEST(SessionConnectTest, SecondContactPointIsUsedWhenTheFirstIsDown) {
  TestCqlServer down("cql_client_session_cp_down");
  TestCqlServer up("cql_client_session_cp_up");
  ASSERT_TRUE(down.start().is_ok());
  const uint16_t down_port = down.port();
  down.stop();
  ASSERT_TRUE(up.start().is_ok());
  auto session = Session::connect(config_for({down_port, up.port()}));
  ASSERT_TRUE(session.is_ok()) << session.status().message();
  auto r = (*session)->execute("SELECT release_version FROM system.local");
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  (*session)->close();
}

TEST(SessionConnectTest, BadCredentialsAreAClearError) {
  TestCqlServer server("cql_client_session_auth");
  ASSERT_TRUE(server.start().is_ok());
  ClusterConfig config = config_for({server.port()});
  config.password = "wrong";
  config.startup_deadline = 1s;
  const auto start = Clock::now();
  auto session = Session::connect(config);
  ASSERT_FALSE(session.is_ok());
  EXPECT_LT(Clock::now() - start, 5s);
  EXPECT_TRUE(contains(session.status().message(), endpoint_text(server.port())))
      << session.status().message();
}

// ------------------------------------------------- two servers, one dies --

class TwoServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(a_.start().is_ok());
    ASSERT_TRUE(b_.start().is_ok());
    port_a_ = a_.port();
    port_b_ = b_.port();
    for (uint16_t port : {port_a_, port_b_}) {
      auto st = run_direct(port, {std::string(kCreateKeyspace),
                                  "CREATE TABLE ks.kv (k int PRIMARY KEY, v text)"});
      ASSERT_TRUE(st.is_ok()) << st.message();
    }
  }

  bool host_is_up(Session& session, uint16_t port) {
    for (const auto& h : session.hosts()) {
      if (h.endpoint.port == port) return h.up;
    }
    return false;
  }

  TestCqlServer a_{"cql_client_session_a"};
  TestCqlServer b_{"cql_client_session_b"};
  uint16_t port_a_ = 0;
  uint16_t port_b_ = 0;
};

TEST_F(TwoServerTest, StoppingOneMidRunFailsOverAndNeverHangs) {
  ClusterConfig config = config_for({port_a_, port_b_});
  config.request_timeout = 2s;
  auto connected = Session::connect(config);
  ASSERT_TRUE(connected.is_ok()) << connected.status().message();
  std::shared_ptr<Session> session = *connected;
  auto insert = session->prepare("INSERT INTO ks.kv (k, v) VALUES (?, ?)");
  ASSERT_TRUE(insert.is_ok()) << insert.status().message();
  {
    const auto hosts = session->hosts();
    ASSERT_EQ(hosts.size(), 2u);
  }

  // Writers: idempotent inserts, each call timed. Half of them prepared
  // (routed by token), half simple statements (no routing key: round-robin,
  // so that b has requests in flight when it stops).
  std::atomic<bool> stop{false};
  std::atomic<int64_t> issued{0};
  std::atomic<int64_t> failed{0};
  std::atomic<int64_t> slowest_ms{0};
  // When hosts() first showed b down (steady ticks; 0: not yet), and the
  // failures of calls that started after that.
  std::atomic<int64_t> b_down_at{0};
  std::atomic<int64_t> failed_after_down{0};
  std::mutex mu;
  std::vector<std::string> unclear;  // failures without a host named
  std::string after_down_error;
  auto writer = [&](int32_t base, bool prepared) {
    for (int32_t i = 0; !stop.load(); ++i) {
      auto s = prepared ? CqlStatement::bind(*insert, {CqlValue(base + i), CqlValue(std::string("v"))})
                        : util::Result<CqlStatement>(CqlStatement::simple(
                              "INSERT INTO ks.kv (k, v) VALUES (" + std::to_string(base + i) +
                              ", 'v')"));
      if (!s.is_ok()) {
        std::lock_guard<std::mutex> lock(mu);
        unclear.push_back(s.status().message());
        return;
      }
      s->idempotent = true;
      const auto start = Clock::now();
      auto r = session->execute(std::move(s).value());
      const int64_t ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
      int64_t prev = slowest_ms.load();
      while (ms > prev && !slowest_ms.compare_exchange_weak(prev, ms)) {
      }
      ++issued;
      if (!r.is_ok()) {
        ++failed;
        std::lock_guard<std::mutex> lock(mu);
        if (!contains(r.status().message(), "127.0.0.1:")) unclear.push_back(r.status().message());
        const int64_t down_at = b_down_at.load();
        if (down_at != 0 && start.time_since_epoch().count() >= down_at) {
          if (failed_after_down++ == 0) after_down_error = r.status().message();
        }
      }
    }
  };
  std::vector<std::thread> writers;
  for (int32_t t = 0; t < 4; ++t) writers.emplace_back(writer, t * 1000000, t % 2 == 0);

  auto wait_issued = [&](int64_t n) {
    const auto deadline = Clock::now() + 10s;
    while (issued.load() < n && Clock::now() < deadline) std::this_thread::sleep_for(2ms);
    return issued.load() >= n;
  };
  const bool warm = wait_issued(400);
  b_.stop();  // mid-run: requests are in flight on b
  const int64_t at_stop = issued.load();
  bool b_down = false;
  const auto down_deadline = Clock::now() + 5s;
  while (!b_down && Clock::now() < down_deadline) {
    b_down = !host_is_up(*session, port_b_);
    if (b_down) {
      b_down_at = Clock::now().time_since_epoch().count();
    } else {
      std::this_thread::sleep_for(5ms);
    }
  }
  // After b is seen down, every request that starts goes to a and succeeds.
  const bool ran_after = wait_issued(issued.load() + 400);
  stop = true;
  for (auto& t : writers) t.join();

  EXPECT_TRUE(warm) << "the writers did not get going";
  EXPECT_TRUE(ran_after) << "the writers stalled after the stop (" << issued.load() << " issued, "
                         << at_stop << " at the stop)";
  EXPECT_TRUE(b_down) << "hosts() never showed the stopped server down";
  EXPECT_TRUE(host_is_up(*session, port_a_));
  // Every call returned within one request timeout (plus a margin).
  EXPECT_LT(slowest_ms.load(), (config.request_timeout + 2s).count());
  EXPECT_EQ(failed_after_down.load(), 0)
      << "requests failed although a was up and b known down: " << after_down_error;
  EXPECT_TRUE(unclear.empty()) << unclear.front();
  std::fprintf(stderr, "two servers: %lld requests, %lld failed (around the stop), slowest %lld ms\n",
               static_cast<long long>(issued.load()), static_cast<long long>(failed.load()),
               static_cast<long long>(slowest_ms.load()));
  for (const auto& h : session->hosts()) {
    if (h.endpoint.port == port_b_) {
      EXPECT_FALSE(h.up);
      EXPECT_EQ(h.open_connections, 0u);
      EXPECT_FALSE(h.last_error.empty());
    }
  }
  session->close();
}

TEST_F(TwoServerTest, AllHostsDownFailsAtOnceNamingEachHost) {
  ClusterConfig config = config_for({port_a_, port_b_});
  auto connected = Session::connect(config);
  ASSERT_TRUE(connected.is_ok()) << connected.status().message();
  std::shared_ptr<Session> session = *connected;
  a_.stop();
  b_.stop();
  const auto deadline = Clock::now() + 5s;
  while ((host_is_up(*session, port_a_) || host_is_up(*session, port_b_)) &&
         Clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  CqlStatement s = CqlStatement::simple("SELECT k FROM ks.kv");
  s.idempotent = true;
  const auto start = Clock::now();
  auto r = session->execute(std::move(s));
  ASSERT_FALSE(r.is_ok());
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_EQ(r.status().code(), util::StatusCode::kIOError);
  EXPECT_TRUE(contains(r.status().message(), endpoint_text(port_a_))) << r.status().message();
  EXPECT_TRUE(contains(r.status().message(), endpoint_text(port_b_))) << r.status().message();
  session->close();
}

// A request on a host that dies: FakeCqlServer holds the QUERY "hold", then
// drops every socket. The other host is a real server, which answers "hold"
// at once with a syntax error: so a request sent again after the drop comes
// back as that syntax error, one that was not comes back as the lost
// connection of the fake host.
class DyingHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(real_.start().is_ok());
    real_port_ = real_.port();
    // The real server comes first: it holds the control connection.
    auto connected = Session::connect(config_for({real_port_, fake_.port()}));
    ASSERT_TRUE(connected.is_ok()) << connected.status().message();
    session_ = *connected;
    const auto deadline = Clock::now() + 5s;
    while (Clock::now() < deadline) {
      bool real_up = false, fake_up = false;
      for (const auto& h : session_->hosts()) {
        if (h.endpoint.port == real_port_) real_up = h.up;
        if (h.endpoint.port == fake_.port()) fake_up = h.up;
      }
      if (real_up && fake_up) return;
      std::this_thread::sleep_for(5ms);
    }
    FAIL() << "expected both hosts up";
  }
  void TearDown() override {
    if (session_) session_->close();
  }

  struct Outcome {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<util::Result<ResultPage>> result;
  };

  // Sends "hold" until the fake host holds one (the real host answers the
  // others at once), drops the fake's sockets, and returns the held
  // request's outcome (nullopt: it never got one in time, a hang).
  std::optional<util::Result<ResultPage>> hold_then_drop(bool idempotent) {
    std::shared_ptr<Outcome> held;
    for (int attempt = 0; attempt < 10 && !held; ++attempt) {
      auto outcome = std::make_shared<Outcome>();
      CqlStatement s = CqlStatement::simple("hold");
      s.idempotent = idempotent;
      s.timeout = 2s;
      session_->execute_async(std::move(s), [outcome](util::Result<ResultPage> r) {
        std::lock_guard<std::mutex> lock(outcome->mu);
        outcome->result.emplace(std::move(r));
        outcome->cv.notify_all();
      });
      const auto deadline = Clock::now() + 3s;
      while (Clock::now() < deadline) {
        if (fake_.held() == 1) {
          held = outcome;
          break;
        }
        std::lock_guard<std::mutex> lock(outcome->mu);
        if (outcome->result.has_value()) break;  // answered by the real host
      }
    }
    EXPECT_TRUE(held) << "no request reached the fake host";
    if (!held) return std::nullopt;
    fake_.drop_clients();
    std::unique_lock<std::mutex> lock(held->mu);
    if (!held->cv.wait_for(lock, 5s, [&] { return held->result.has_value(); })) {
      ADD_FAILURE() << "no answer after the drop: a hang";
      return std::nullopt;
    }
    return std::move(held->result);
  }

  TestCqlServer real_{"cql_client_session_dying"};
  FakeCqlServer fake_{FakeCqlServer::Mode::kHoldQueries};
  uint16_t real_port_ = 0;
  std::shared_ptr<Session> session_;
};

TEST_F(DyingHostTest, NonIdempotentRequestIsNotRetried) {
  const auto start = Clock::now();
  auto result = hold_then_drop(false);
  ASSERT_TRUE(result.has_value());
  ASSERT_FALSE(result->is_ok());
  const std::string message = result->status().message();
  EXPECT_EQ(result->status().code(), util::StatusCode::kIOError) << message;
  EXPECT_TRUE(contains(message, endpoint_text(fake_.port()))) << message;
  EXPECT_FALSE(contains(message, "syntax error")) << "sent again to the real host: " << message;
  EXPECT_FALSE(contains(message, "timed out")) << message;  // failed on the drop, not later
  EXPECT_LT(Clock::now() - start, 2s);
}

TEST_F(DyingHostTest, IdempotentRequestIsSentToTheNextHost) {
  auto result = hold_then_drop(true);
  ASSERT_TRUE(result.has_value());
  ASSERT_FALSE(result->is_ok());  // the real host's answer to "hold"
  const std::string message = result->status().message();
  EXPECT_EQ(result->status().code(), util::StatusCode::kInvalidArgument) << message;
  EXPECT_TRUE(contains(message, "syntax error")) << message;
  EXPECT_TRUE(contains(message, endpoint_text(real_port_))) << message;
}

// --------------------------------------------------------- grouping --

TEST_F(SessionTest, ExecuteGroupedLandsAThousandInsertsOverTenPartitions) {
  must("CREATE TABLE ks.g (p int, c int, v text, PRIMARY KEY (p, c))");
  auto insert = prepare("INSERT INTO ks.g (p, c, v) VALUES (?, ?, ?)");
  ASSERT_TRUE(insert);
  std::vector<CqlStatement> writes;
  for (int32_t i = 0; i < 1000; ++i) {
    CqlStatement s = bind(insert, {CqlValue(i % 10), CqlValue(i), CqlValue(std::string("x"))});
    s.idempotent = true;
    writes.push_back(std::move(s));
  }
  GroupOptions options;
  options.max_statements_per_batch = 64;
  options.max_in_flight = 8;
  auto st = session_->execute_grouped(std::move(writes), options);
  ASSERT_TRUE(st.is_ok()) << st.message();
  EXPECT_EQ(count_rows(*session_, "ks.g"), 1000);
  for (int32_t p = 0; p < 10; ++p) {
    EXPECT_EQ(count_rows(*session_, "ks.g WHERE p = " + std::to_string(p)), 100) << "p=" << p;
  }
}

TEST_F(SessionTest, ExecuteGroupedPacksSmallPartitionsIntoFullBatches) {
  must("CREATE TABLE ks.g (p int, c int, v text, PRIMARY KEY (p, c))");
  auto insert = prepare("INSERT INTO ks.g (p, c, v) VALUES (?, ?, ?)");
  ASSERT_TRUE(insert);
  // 500 partitions of 2 rows: 1000 statements in batches of 64 across
  // partitions, where one batch per partition would take 500 requests.
  std::vector<CqlStatement> writes;
  for (int32_t i = 0; i < 1000; ++i) {
    CqlStatement s = bind(insert, {CqlValue(i / 2), CqlValue(i), CqlValue(std::string("x"))});
    s.idempotent = true;
    writes.push_back(std::move(s));
  }
  GroupOptions options;
  options.max_statements_per_batch = 64;
  options.max_in_flight = 4;
  options.pack_partitions = true;
  auto st = session_->execute_grouped(std::move(writes), options);
  ASSERT_TRUE(st.is_ok()) << st.message();
  EXPECT_EQ(count_rows(*session_, "ks.g"), 1000);
  for (int32_t p : {0, 1, 250, 499}) {
    EXPECT_EQ(count_rows(*session_, "ks.g WHERE p = " + std::to_string(p)), 2) << "p=" << p;
  }
}

TEST_F(SessionTest, ExecuteGroupedReturnsTheFirstErrorAndRunsTheRest) {
  must("CREATE TABLE ks.g (p int, c int, v text, PRIMARY KEY (p, c))");
  auto insert = prepare("INSERT INTO ks.g (p, c, v) VALUES (?, ?, ?)");
  ASSERT_TRUE(insert);
  std::vector<CqlStatement> writes;
  for (int32_t i = 0; i < 10; ++i) {
    writes.push_back(bind(insert, {CqlValue(i), CqlValue(i), CqlValue(std::string("x"))}));
  }
  writes.push_back(CqlStatement::simple("INSERT INTO ks.nope (p) VALUES (1)"));
  auto st = session_->execute_grouped(std::move(writes));
  ASSERT_FALSE(st.is_ok());
  EXPECT_TRUE(contains(st.message(), "unconfigured table nope")) << st.message();
  EXPECT_EQ(count_rows(*session_, "ks.g"), 10);
}

// ------------------------------------------------------------ errors --

TEST_F(SessionTest, UseIsRefusedWithAClearError) {
  auto r = session_->execute("USE ks");
  ASSERT_FALSE(r.is_ok());
  EXPECT_TRUE(contains(r.status().message(), "USE")) << r.status().message();
  EXPECT_TRUE(contains(r.status().message(), "keyspace")) << r.status().message();
}

TEST_F(SessionTest, LowercaseUseIsRefusedToo) {
  auto r = session_->execute("  use ks;");
  ASSERT_FALSE(r.is_ok());
  EXPECT_TRUE(contains(r.status().message(), "USE")) << r.status().message();
}

TEST_F(SessionTest, SyntaxErrorCarriesTheServerMessageAndHost) {
  auto r = session_->execute("SELEC k FROM ks.kv");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kInvalidArgument);
  EXPECT_TRUE(contains(r.status().message(), "syntax error")) << r.status().message();
  EXPECT_TRUE(contains(r.status().message(), endpoint_text(port_))) << r.status().message();
}

TEST_F(SessionTest, UnknownTableCarriesTheServerMessage) {
  auto r = session_->execute("SELECT k FROM ks.nope");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kInvalidArgument);
  EXPECT_TRUE(contains(r.status().message(), "unconfigured table nope")) << r.status().message();
}

TEST_F(SessionTest, SynchronousCallOnTheLoopIsRefused) {
  must("CREATE TABLE ks.kv (k int PRIMARY KEY, v text)");
  std::mutex mu;
  std::condition_variable cv;
  std::optional<util::Status> inner;
  Session* session = session_.get();  // a raw pointer: the fixture outlives the callback
  session_->execute_async(CqlStatement::simple("SELECT k FROM ks.kv"),
                          [&, session](util::Result<ResultPage>) {
                            auto r = session->execute("SELECT k FROM ks.kv");
                            std::lock_guard<std::mutex> lock(mu);
                            inner = r.is_ok() ? util::Status::ok() : r.status();
                            cv.notify_all();
                          });
  std::unique_lock<std::mutex> lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return inner.has_value(); }));
  EXPECT_EQ(inner->code(), util::StatusCode::kFailedPrecondition) << inner->message();
}

TEST_F(SessionTest, RequestsAfterCloseFailWithIoError) {
  session_->close();
  session_->close();
  auto r = session_->execute("SELECT release_version FROM system.local");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kIOError);
}

TEST_F(SessionTest, HostsListsTheContactPointUp) {
  const auto hosts = session_->hosts();
  ASSERT_EQ(hosts.size(), 1u);
  EXPECT_EQ(hosts[0].endpoint, (Endpoint{"127.0.0.1", port_}));
  EXPECT_TRUE(hosts[0].up);
  EXPECT_FALSE(hosts[0].data_center.empty());
  EXPECT_GE(hosts[0].open_connections, 1u);
  EXPECT_LE(hosts[0].open_connections, 2u);
}

}  // namespace
}  // namespace medallion::cql
