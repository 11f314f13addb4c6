// TokenRing (owner and replica lookup) and routing_key, checked against the
// token the embedded server computes for a composite partition key.
#include "cql/client/token_ring.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <variant>
#include <vector>

#include "../embedded_engine.h"
#include "cql/client/connection.h"
#include "cql/protocol/murmur3_token.h"

namespace medallion::cql {
namespace {

using Hosts = std::vector<size_t>;

TokenRing must_build(const std::vector<std::vector<std::string>>& host_tokens) {
  auto ring = TokenRing::build(host_tokens);
  EXPECT_TRUE(ring.is_ok()) << ring.status().message();
  return ring.is_ok() ? std::move(ring).value() : TokenRing();
}

// Three hosts, one token each, given out of order: ring -100 (h1), 0 (h2), 100 (h0).
TokenRing three_hosts() { return must_build({{"100"}, {"-100"}, {"0"}}); }

// ---- build

TEST(TokenRingTest, DefaultIsEmpty) {
  TokenRing ring;
  EXPECT_TRUE(ring.empty());
  EXPECT_EQ(ring.host_count(), 0u);
  EXPECT_TRUE(ring.replicas(0).empty());
}

TEST(TokenRingTest, BuildCountsHosts) {
  TokenRing ring = three_hosts();
  EXPECT_FALSE(ring.empty());
  EXPECT_EQ(ring.host_count(), 3u);
}

TEST(TokenRingTest, HostsWithoutTokensMakeAnEmptyRing) {
  TokenRing ring = must_build({{}, {}});
  EXPECT_TRUE(ring.empty());
  EXPECT_EQ(ring.host_count(), 2u);
  EXPECT_TRUE(ring.replicas(42).empty());
}

TEST(TokenRingTest, ExtremeTokensParse) {
  TokenRing ring = must_build({{"-9223372036854775808"}, {"9223372036854775807"}});
  EXPECT_EQ(ring.replicas(kMinToken, 1), Hosts{0});
  EXPECT_EQ(ring.replicas(kMinToken + 1, 1), Hosts{1});
  EXPECT_EQ(ring.replicas(kMaxToken, 1), Hosts{1});
}

void expect_bad_token(const std::string& token) {
  auto ring = TokenRing::build({{"1"}, {"2", token}});
  ASSERT_FALSE(ring.is_ok()) << "'" << token << "'";
  EXPECT_EQ(ring.status().code(), util::StatusCode::kInvalidArgument);
  EXPECT_NE(ring.status().message().find("host 1"), std::string::npos) << ring.status().message();
  EXPECT_NE(ring.status().message().find("'" + token + "'"), std::string::npos)
      << ring.status().message();
}

TEST(TokenRingTest, EmptyTokenIsAnError) { expect_bad_token(""); }
TEST(TokenRingTest, NonNumericTokenIsAnError) { expect_bad_token("abc"); }
TEST(TokenRingTest, TrailingTextIsAnError) { expect_bad_token("12x"); }
TEST(TokenRingTest, LeadingBlankIsAnError) { expect_bad_token(" 12"); }
TEST(TokenRingTest, PlusSignIsAnError) { expect_bad_token("+12"); }
TEST(TokenRingTest, FractionIsAnError) { expect_bad_token("1.5"); }
TEST(TokenRingTest, OverflowIsAnError) { expect_bad_token("9223372036854775808"); }
TEST(TokenRingTest, UnderflowIsAnError) { expect_bad_token("-9223372036854775809"); }
TEST(TokenRingTest, RandomPartitionerTokenIsAnError) {
  expect_bad_token("85070591730234615865843651857942052864");
}

// ---- owner lookup

TEST(TokenRingTest, OwnerIsTheFirstTokenAtOrAbove) {
  TokenRing ring = three_hosts();
  EXPECT_EQ(ring.replicas(-50, 1), Hosts{2});
  EXPECT_EQ(ring.replicas(50, 1), Hosts{0});
}

TEST(TokenRingTest, ExactTokenMatchBelongsToThatHost) {
  TokenRing ring = three_hosts();
  EXPECT_EQ(ring.replicas(-100, 1), Hosts{1});
  EXPECT_EQ(ring.replicas(0, 1), Hosts{2});
  EXPECT_EQ(ring.replicas(100, 1), Hosts{0});
}

TEST(TokenRingTest, BeforeTheSmallestBelongsToTheSmallest) {
  TokenRing ring = three_hosts();
  EXPECT_EQ(ring.replicas(-101, 1), Hosts{1});
  EXPECT_EQ(ring.replicas(kMinToken, 1), Hosts{1});
}

TEST(TokenRingTest, AfterTheLargestWrapsToTheSmallest) {
  TokenRing ring = three_hosts();
  EXPECT_EQ(ring.replicas(101, 1), Hosts{1});
  EXPECT_EQ(ring.replicas(kMaxToken, 1), Hosts{1});
}

TEST(TokenRingTest, SingleTokenOwnsEverything) {
  TokenRing ring = must_build({{"0"}});
  for (int64_t t : {kMinToken, int64_t{-1}, int64_t{0}, int64_t{1}, kMaxToken}) {
    EXPECT_EQ(ring.replicas(t), Hosts{0}) << t;
  }
}

// ---- replicas

TEST(TokenRingTest, ReplicasWalkTheRingInOrder) {
  TokenRing ring = three_hosts();
  EXPECT_EQ(ring.replicas(-50), (Hosts{2, 0, 1}));
  EXPECT_EQ(ring.replicas(100), (Hosts{0, 1, 2}));
}

TEST(TokenRingTest, ReplicasWrapPastTheLargest) {
  TokenRing ring = three_hosts();
  EXPECT_EQ(ring.replicas(150), (Hosts{1, 2, 0}));
}

TEST(TokenRingTest, MaxHostsLimitsReplicas) {
  TokenRing ring = three_hosts();
  EXPECT_EQ(ring.replicas(-50, 2), (Hosts{2, 0}));
  EXPECT_EQ(ring.replicas(150, 2), (Hosts{1, 2}));
}

TEST(TokenRingTest, MaxHostsZeroIsEmpty) {
  TokenRing ring = three_hosts();
  EXPECT_TRUE(ring.replicas(0, 0).empty());
}

TEST(TokenRingTest, MaxHostsAboveHostCountGivesEveryHostOnce) {
  TokenRing ring = three_hosts();
  EXPECT_EQ(ring.replicas(0, 10), (Hosts{2, 0, 1}));
}

TEST(TokenRingTest, VnodesGiveDistinctHosts) {
  // Host 0: 10, 20, 30; host 1: 15, 25; host 2: 40. Ring: 10(0) 15(1) 20(0)
  // 25(1) 30(0) 40(2).
  TokenRing ring = must_build({{"30", "10", "20"}, {"25", "15"}, {"40"}});
  EXPECT_EQ(ring.replicas(11), (Hosts{1, 0, 2}));
  EXPECT_EQ(ring.replicas(26), (Hosts{0, 2, 1}));
  EXPECT_EQ(ring.replicas(41), (Hosts{0, 1, 2}));
  EXPECT_EQ(ring.replicas(26, 2), (Hosts{0, 2}));
}

TEST(TokenRingTest, ManyVnodesPerHostCoverEveryHostOnce) {
  // 4 hosts x 256 interleaved tokens: host h owns every token = h mod 4.
  std::vector<std::vector<std::string>> tokens(4);
  for (int64_t t = -512; t < 512; ++t) tokens[static_cast<size_t>((t % 4 + 4) % 4)].push_back(
      std::to_string(t * 1000));
  TokenRing ring = must_build(tokens);
  EXPECT_EQ(ring.host_count(), 4u);
  for (int64_t probe : {kMinToken, int64_t{-3001}, int64_t{0}, int64_t{1}, int64_t{5000}, kMaxToken}) {
    Hosts replicas = ring.replicas(probe);
    ASSERT_EQ(replicas.size(), 4u) << probe;
    EXPECT_EQ(std::set<size_t>(replicas.begin(), replicas.end()).size(), 4u) << probe;
  }
  EXPECT_EQ(ring.replicas(1, 1), Hosts{1});     // 1000 = 1 * 1000, 1 mod 4 = 1
  EXPECT_EQ(ring.replicas(1001, 3), (Hosts{2, 3, 0}));
}

TEST(TokenRingTest, HostWithoutTokensIsNeverAReplica) {
  TokenRing ring = must_build({{"10"}, {}, {"20"}});
  EXPECT_EQ(ring.host_count(), 3u);
  EXPECT_EQ(ring.replicas(0), (Hosts{0, 2}));
  EXPECT_EQ(ring.replicas(15, 5), (Hosts{2, 0}));
}

TEST(TokenRingTest, DuplicateTokenGoesToTheLowerHostFirst) {
  TokenRing ring = must_build({{"5"}, {"5"}});
  EXPECT_EQ(ring.replicas(5), (Hosts{0, 1}));
  EXPECT_EQ(ring.replicas(4, 1), Hosts{0});
}

// ---- routing_key

std::string int_bytes(int32_t v) {
  const auto u = static_cast<uint32_t>(v);
  return {static_cast<char>(u >> 24), static_cast<char>(u >> 16), static_cast<char>(u >> 8),
          static_cast<char>(u)};
}

TEST(RoutingKeyTest, SingleComponentIsItsBytes) {
  std::vector<Value> values = {Value::of("x"), Value::of(int_bytes(7))};
  EXPECT_EQ(routing_key(values, {1}), int_bytes(7));
}

TEST(RoutingKeyTest, SingleEmptyComponentIsEmpty) {
  EXPECT_EQ(routing_key({Value::of("")}, {0}), std::string());
}

TEST(RoutingKeyTest, CompositeMatchesTheDriversLayout) {
  // (int 1, text 'a') from the notes: 0004 00000001 00  0001 61 00.
  std::vector<Value> values = {Value::of("a"), Value::of(int_bytes(1))};
  const std::string expected("\x00\x04\x00\x00\x00\x01\x00\x00\x01\x61\x00", 11);
  auto key = routing_key(values, {1, 0});
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(*key, expected);
  EXPECT_EQ(murmur3_token(*key), 6516349416904725244);
}

TEST(RoutingKeyTest, CompositeWithAnEmptyComponent) {
  auto key = routing_key({Value::of(""), Value::of("b")}, {0, 1});
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(*key, std::string("\x00\x00\x00\x00\x01\x62\x00", 7));
}

TEST(RoutingKeyTest, CompositeLengthIsBigEndian) {
  const std::string big(300, 'z');
  auto key = routing_key({Value::of(big), Value::of("")}, {0, 1});
  ASSERT_TRUE(key.has_value());
  ASSERT_EQ(key->size(), 2 + 300 + 1 + 2 + 1u);
  EXPECT_EQ(static_cast<unsigned char>((*key)[0]), 0x01);
  EXPECT_EQ(static_cast<unsigned char>((*key)[1]), 0x2C);
}

TEST(RoutingKeyTest, ComponentTooLongForItsLengthIsNotRouted) {
  const std::string huge(0x10000, 'z');
  EXPECT_EQ(routing_key({Value::of(huge), Value::of("b")}, {0, 1}), std::nullopt);
}

TEST(RoutingKeyTest, NoIndicesIsNotRouted) {
  EXPECT_EQ(routing_key({Value::of("a")}, {}), std::nullopt);
}

TEST(RoutingKeyTest, IndexOutOfRangeIsNotRouted) {
  EXPECT_EQ(routing_key({Value::of("a")}, {1}), std::nullopt);
  EXPECT_EQ(routing_key({Value::of("a"), Value::of("b")}, {0, 2}), std::nullopt);
}

TEST(RoutingKeyTest, NullComponentIsNotRouted) {
  EXPECT_EQ(routing_key({Value::null()}, {0}), std::nullopt);
  EXPECT_EQ(routing_key({Value::of("a"), Value::null()}, {0, 1}), std::nullopt);
}

TEST(RoutingKeyTest, UnsetComponentIsNotRouted) {
  EXPECT_EQ(routing_key({Value::not_set()}, {0}), std::nullopt);
  EXPECT_EQ(routing_key({Value::not_set(), Value::of("a")}, {0, 1}), std::nullopt);
}

// ---- against the embedded server

int64_t bigint_from(const std::string& bytes) {
  uint64_t v = 0;
  for (char c : bytes) v = (v << 8) | static_cast<unsigned char>(c);
  return static_cast<int64_t>(v);
}

TEST(RoutingKeyServerTest, CompositeTokenEqualsTheServersToken) {
  testing::EmbeddedEngine engine("cql_client_token_ring");
  ASSERT_TRUE(engine.ok());
  ServerConfig server_config;
  server_config.auth_enabled = false;
  ASSERT_TRUE(engine.start_server(server_config).is_ok());
  ConnectionOptions options;
  options.port = engine.server()->port();
  auto connected = ClientConnection::connect(options);
  ASSERT_TRUE(connected.is_ok()) << connected.status().message();
  ClientConnection& c = **connected;

  const auto run = [&](const std::string& text, std::vector<Value> values = {}) {
    QueryRequest q;
    q.query = text;
    q.parameters.values = std::move(values);
    auto r = c.execute(q);
    EXPECT_TRUE(r.is_ok()) << text << ": " << r.status().message();
    if (!r.is_ok()) return Response{};
    const auto status = response_status(*r, c.endpoint());
    EXPECT_TRUE(status.is_ok()) << text << ": " << status.message();
    return std::move(r).value();
  };
  run("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
      "'replication_factor': 1}");
  run("CREATE TABLE ks.t (a text, b int, v text, PRIMARY KEY ((a, b)))");

  // Bind markers in another order than the key, so the indices matter.
  auto prepared_response = c.execute(PrepareRequest{"INSERT INTO ks.t (v, b, a) VALUES (?, ?, ?)"});
  ASSERT_TRUE(prepared_response.is_ok()) << prepared_response.status().message();
  const auto* prepared = std::get_if<PreparedResult>(&prepared_response->message);
  ASSERT_NE(prepared, nullptr) << response_name(prepared_response->message);
  ASSERT_EQ(prepared->partition_key_indices, (std::vector<uint16_t>{2, 1}));

  const std::vector<Value> values = {Value::of("value"), Value::of(int_bytes(-123456)),
                                     Value::of("h\xc3\xa9llo")};
  ExecuteRequest insert;
  insert.id = prepared->id;
  insert.parameters.values = values;
  auto inserted = c.execute(insert);
  ASSERT_TRUE(inserted.is_ok()) << inserted.status().message();
  ASSERT_TRUE(response_status(*inserted, c.endpoint()).is_ok())
      << response_status(*inserted, c.endpoint()).message();

  Response selected = run("SELECT token(a, b) FROM ks.t");
  const auto* rows = std::get_if<RowsResult>(&selected.message);
  ASSERT_NE(rows, nullptr);
  ASSERT_EQ(rows->rows.size(), 1u);
  ASSERT_EQ(rows->rows[0].size(), 1u);
  ASSERT_TRUE(rows->rows[0][0].has_value());
  ASSERT_EQ(rows->rows[0][0]->size(), 8u);
  const int64_t server_token = bigint_from(*rows->rows[0][0]);

  auto key = routing_key(values, prepared->partition_key_indices);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(murmur3_token(*key), server_token);

  // And the ring routes it to the host whose token the server reports.
  TokenRing ring = must_build({{std::to_string(server_token - 1)}, {std::to_string(server_token)}});
  EXPECT_EQ(ring.replicas(murmur3_token(*key), 1), Hosts{1});
  c.close();
}

}  // namespace
}  // namespace medallion::cql
