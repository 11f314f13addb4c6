// ClusterConfig: the [cql] table of a TOML file, contact point parsing, and
// the MEDALLION_CQL_* environment (through a fake getenv).
#include "cql/client/cluster_config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace medallion::cql {
namespace {

using namespace std::chrono_literals;

util::Result<ClusterConfig> parse(const std::string& text) {
  return parse_cluster_config(text, "test.toml");
}

// Expects a parse error whose message holds every one of `parts`.
void expect_error(const std::string& text, std::initializer_list<std::string> parts) {
  auto config = parse(text);
  ASSERT_FALSE(config.is_ok()) << text;
  EXPECT_EQ(config.status().code(), util::StatusCode::kInvalidArgument);
  for (const std::string& part : parts) {
    EXPECT_NE(config.status().message().find(part), std::string::npos)
        << "'" << part << "' not in: " << config.status().message();
  }
}

// A fake environment.
class FakeEnv {
 public:
  FakeEnv() = default;
  FakeEnv(std::initializer_list<std::pair<const std::string, std::string>> vars) : vars_(vars) {}
  GetEnv getenv() const {
    return [this](const char* name) -> const char* {
      auto it = vars_.find(name);
      return it == vars_.end() ? nullptr : it->second.c_str();
    };
  }

 private:
  std::map<std::string, std::string> vars_;
};

// ---- defaults and keys

TEST(ClusterConfigTest, EmptyFileKeepsTheDefaults) {
  auto config = parse("");
  ASSERT_TRUE(config.is_ok()) << config.status().message();
  const ClusterConfig defaults;
  EXPECT_EQ(config->hosts, (std::vector<Endpoint>{{"127.0.0.1", 9042}}));
  EXPECT_EQ(config->port, 9042);
  EXPECT_EQ(config->username, "cassandra");
  EXPECT_EQ(config->password, "cassandra");
  EXPECT_EQ(config->local_dc, "");
  EXPECT_EQ(config->consistency, Consistency::kLocalOne);
  EXPECT_EQ(config->compression, Compression::kNone);
  EXPECT_EQ(config->connections_per_host, 2u);
  EXPECT_EQ(config->max_in_flight_per_connection, 1024u);
  EXPECT_EQ(config->connect_timeout, 5000ms);
  EXPECT_EQ(config->request_timeout, 12000ms);
  EXPECT_EQ(config->startup_deadline, 30000ms);
  EXPECT_EQ(config->reconnect_base, 100ms);
  EXPECT_EQ(config->reconnect_max, 10000ms);
  EXPECT_EQ(config->max_retries, 3u);
  EXPECT_TRUE(config->discover_peers);
  EXPECT_EQ(config->io_threads, defaults.io_threads);
}

TEST(ClusterConfigTest, OtherTablesAreLeftToTheirOwners) {
  auto config = parse("[server]\nport = 1\nwhatever = 'x'\n[pipeline]\nanything = true\n");
  ASSERT_TRUE(config.is_ok()) << config.status().message();
  EXPECT_EQ(config->port, 9042);
}

TEST(ClusterConfigTest, EveryKey) {
  auto config = parse(R"(
[cql]
hosts = ["10.0.0.1", "10.0.0.2:9043", "[::1]:9044", "[fe80::1]"]
port = 9500
username = "alice"
password = "secret"
local_dc = "dc2"
consistency = "local_quorum"
compression = "LZ4"
connections_per_host = 4
max_in_flight_per_connection = 32768
connect_timeout_ms = 1500
request_timeout_ms = 2500
startup_deadline_ms = 0
reconnect_base_ms = 50
reconnect_max_ms = 50
max_retries = 0
discover_peers = false
)");
  ASSERT_TRUE(config.is_ok()) << config.status().message();
  EXPECT_EQ(config->hosts, (std::vector<Endpoint>{{"10.0.0.1", 9500},
                                                  {"10.0.0.2", 9043},
                                                  {"::1", 9044},
                                                  {"fe80::1", 9500}}));
  EXPECT_EQ(config->port, 9500);
  EXPECT_EQ(config->username, "alice");
  EXPECT_EQ(config->password, "secret");
  EXPECT_EQ(config->local_dc, "dc2");
  EXPECT_EQ(config->consistency, Consistency::kLocalQuorum);
  EXPECT_EQ(config->compression, Compression::kLz4);
  EXPECT_EQ(config->connections_per_host, 4u);
  EXPECT_EQ(config->max_in_flight_per_connection, 32768u);
  EXPECT_EQ(config->connect_timeout, 1500ms);
  EXPECT_EQ(config->request_timeout, 2500ms);
  EXPECT_EQ(config->startup_deadline, 0ms);
  EXPECT_EQ(config->reconnect_base, 50ms);
  EXPECT_EQ(config->reconnect_max, 50ms);
  EXPECT_EQ(config->max_retries, 0u);
  EXPECT_FALSE(config->discover_peers);
}

TEST(ClusterConfigTest, PortAfterHostsStillAppliesToHostsWithoutAPort) {
  auto config = parse("[cql]\nhosts = [\"a\", \"b:1\"]\nport = 7000\n");
  ASSERT_TRUE(config.is_ok()) << config.status().message();
  EXPECT_EQ(config->hosts, (std::vector<Endpoint>{{"a", 7000}, {"b", 1}}));
}

TEST(ClusterConfigTest, PortAloneDoesNotTouchTheDefaultHostsPortWhenHostsAreGiven) {
  auto config = parse("[cql]\nport = 7000\nhosts = [\"a\"]\n");
  ASSERT_TRUE(config.is_ok()) << config.status().message();
  EXPECT_EQ(config->hosts, (std::vector<Endpoint>{{"a", 7000}}));
}

TEST(ClusterConfigTest, CompressionNamesAreCaseInsensitive) {
  auto none = parse("[cql]\ncompression = \"NONE\"\n");
  ASSERT_TRUE(none.is_ok()) << none.status().message();
  EXPECT_EQ(none->compression, Compression::kNone);
  auto snappy = parse("[cql]\ncompression = \"Snappy\"\n");
  ASSERT_TRUE(snappy.is_ok()) << snappy.status().message();
  EXPECT_EQ(snappy->compression, Compression::kSnappy);
}

// ---- errors

TEST(ClusterConfigTest, UnknownKeyNamesFileAndKey) {
  expect_error("[cql]\nhosts = [\"a\"]\nconections_per_host = 2\n",
               {"test.toml", "conections_per_host", "unknown"});
}

TEST(ClusterConfigTest, IoThreadsIsNotAFileKey) {
  expect_error("[cql]\nio_threads = 2\n", {"test.toml", "io_threads", "unknown"});
}

TEST(ClusterConfigTest, CqlThatIsNotATable) {
  expect_error("cql = 1\n", {"test.toml", "[cql] table"});
}

TEST(ClusterConfigTest, TomlSyntaxErrorNamesFileAndLine) {
  expect_error("[cql]\nport = = 1\n", {"test.toml:2:"});
}

TEST(ClusterConfigTest, PortOfTheWrongType) {
  expect_error("[cql]\nport = \"9042\"\n", {"test.toml", "[cql] port", "an integer 1..65535"});
}

TEST(ClusterConfigTest, PortOutOfRange) {
  expect_error("[cql]\nport = 0\n", {"[cql] port", "an integer 1..65535"});
  expect_error("[cql]\nport = 65536\n", {"[cql] port", "an integer 1..65535"});
}

TEST(ClusterConfigTest, FloatIsNotAnInteger) {
  expect_error("[cql]\nmax_retries = 1.5\n", {"[cql] max_retries", "an integer"});
}

TEST(ClusterConfigTest, HostsThatIsAString) {
  expect_error("[cql]\nhosts = \"a,b\"\n", {"[cql] hosts", "array of strings"});
}

TEST(ClusterConfigTest, HostsWithANonString) {
  expect_error("[cql]\nhosts = [\"a\", 1]\n", {"[cql] hosts", "array of strings"});
}

TEST(ClusterConfigTest, EmptyHosts) {
  expect_error("[cql]\nhosts = []\n", {"[cql] hosts", "non-empty"});
}

TEST(ClusterConfigTest, HostWithABadPort) {
  expect_error("[cql]\nhosts = [\"a\", \"b:70000\"]\n", {"test.toml", "[cql] hosts", "'b:70000'"});
}

TEST(ClusterConfigTest, UsernameOfTheWrongType) {
  expect_error("[cql]\nusername = 1\n", {"[cql] username", "a string"});
}

TEST(ClusterConfigTest, UnknownConsistencyListsTheNames) {
  expect_error("[cql]\nconsistency = \"MOST\"\n",
               {"[cql] consistency", "LOCAL_ONE", "EACH_QUORUM", "ANY"});
}

TEST(ClusterConfigTest, ConsistencyOfTheWrongType) {
  expect_error("[cql]\nconsistency = 1\n", {"[cql] consistency", "LOCAL_ONE"});
}

TEST(ClusterConfigTest, UnknownCompression) {
  expect_error("[cql]\ncompression = \"zstd\"\n", {"[cql] compression", "lz4", "snappy"});
}

TEST(ClusterConfigTest, ZeroConnectionsPerHost) {
  expect_error("[cql]\nconnections_per_host = 0\n", {"[cql] connections_per_host", "1.."});
}

TEST(ClusterConfigTest, ZeroInFlight) {
  expect_error("[cql]\nmax_in_flight_per_connection = 0\n",
               {"[cql] max_in_flight_per_connection", "1..32768"});
}

TEST(ClusterConfigTest, TooManyInFlight) {
  expect_error("[cql]\nmax_in_flight_per_connection = 32769\n",
               {"[cql] max_in_flight_per_connection", "1..32768"});
}

TEST(ClusterConfigTest, NegativeTimeout) {
  expect_error("[cql]\nrequest_timeout_ms = -1\n", {"[cql] request_timeout_ms", "an integer 1.."});
}

TEST(ClusterConfigTest, ZeroConnectTimeout) {
  expect_error("[cql]\nconnect_timeout_ms = 0\n", {"[cql] connect_timeout_ms", "an integer 1.."});
}

TEST(ClusterConfigTest, ReconnectBaseAboveMax) {
  expect_error("[cql]\nreconnect_base_ms = 2000\nreconnect_max_ms = 1000\n",
               {"[cql] reconnect_base_ms", "reconnect_max_ms"});
}

TEST(ClusterConfigTest, ReconnectBaseAboveTheDefaultMax) {
  expect_error("[cql]\nreconnect_base_ms = 20000\n", {"[cql] reconnect_base_ms", "10000"});
}

TEST(ClusterConfigTest, DiscoverPeersOfTheWrongType) {
  expect_error("[cql]\ndiscover_peers = \"yes\"\n", {"[cql] discover_peers", "true or false"});
}

// ---- files

TEST(ClusterConfigTest, LoadsAFile) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("cluster_config_test_" + std::to_string(::getpid()) + ".toml"))
                               .string();
  {
    std::ofstream out(path);
    out << "[cql]\nhosts = [\"db1:9100\"]\nconsistency = \"quorum\"\n";
  }
  auto config = load_cluster_config(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(config.is_ok()) << config.status().message();
  EXPECT_EQ(config->hosts, (std::vector<Endpoint>{{"db1", 9100}}));
  EXPECT_EQ(config->consistency, Consistency::kQuorum);
}

TEST(ClusterConfigTest, MissingFileIsNotFoundNamingIt) {
  const std::string path = "/nonexistent-dir-medallion/cluster.toml";
  auto config = load_cluster_config(path);
  ASSERT_FALSE(config.is_ok());
  EXPECT_EQ(config.status().code(), util::StatusCode::kNotFound);
  EXPECT_NE(config.status().message().find(path), std::string::npos);
}

// ---- endpoints

TEST(EndpointTest, HostAlone) {
  auto e = parse_endpoint("db.example", 9042);
  ASSERT_TRUE(e.is_ok()) << e.status().message();
  EXPECT_EQ(*e, (Endpoint{"db.example", 9042}));
}

TEST(EndpointTest, HostAndPort) {
  auto e = parse_endpoint("10.1.2.3:9043", 9042);
  ASSERT_TRUE(e.is_ok()) << e.status().message();
  EXPECT_EQ(*e, (Endpoint{"10.1.2.3", 9043}));
}

TEST(EndpointTest, BracketedIpv6WithPort) {
  auto e = parse_endpoint("[::1]:9043", 9042);
  ASSERT_TRUE(e.is_ok()) << e.status().message();
  EXPECT_EQ(*e, (Endpoint{"::1", 9043}));
}

TEST(EndpointTest, BracketedIpv6WithoutPort) {
  auto e = parse_endpoint("[2001:db8::7]", 7000);
  ASSERT_TRUE(e.is_ok()) << e.status().message();
  EXPECT_EQ(*e, (Endpoint{"2001:db8::7", 7000}));
}

TEST(EndpointTest, BareIpv6TakesTheDefaultPort) {
  auto e = parse_endpoint("::1", 9100);
  ASSERT_TRUE(e.is_ok()) << e.status().message();
  EXPECT_EQ(*e, (Endpoint{"::1", 9100}));
}

TEST(EndpointTest, BareIpv6WithZoneAndEmbeddedIpv4) {
  auto zoned = parse_endpoint("fe80::1%eth0", 9042);
  ASSERT_TRUE(zoned.is_ok()) << zoned.status().message();
  EXPECT_EQ(*zoned, (Endpoint{"fe80::1%eth0", 9042}));
  auto mapped = parse_endpoint("::ffff:10.0.0.1", 9042);
  ASSERT_TRUE(mapped.is_ok()) << mapped.status().message();
  EXPECT_EQ(*mapped, (Endpoint{"::ffff:10.0.0.1", 9042}));
}

TEST(EndpointTest, MaxPort) {
  auto e = parse_endpoint("h:65535", 9042);
  ASSERT_TRUE(e.is_ok()) << e.status().message();
  EXPECT_EQ(e->port, 65535);
}

void expect_bad_endpoint(std::string_view text) {
  auto e = parse_endpoint(text, 9042);
  ASSERT_FALSE(e.is_ok()) << text;
  EXPECT_EQ(e.status().code(), util::StatusCode::kInvalidArgument);
  EXPECT_NE(e.status().message().find("'" + std::string(text) + "'"), std::string::npos)
      << e.status().message();
}

TEST(EndpointTest, PortZero) { expect_bad_endpoint("h:0"); }
TEST(EndpointTest, PortTooLarge) { expect_bad_endpoint("h:70000"); }
TEST(EndpointTest, PortNotANumber) { expect_bad_endpoint("h:x"); }
TEST(EndpointTest, PortWithASign) { expect_bad_endpoint("h:+80"); }
TEST(EndpointTest, PortWithTrailingText) { expect_bad_endpoint("h:80x"); }
TEST(EndpointTest, EmptyPort) { expect_bad_endpoint("h:"); }
TEST(EndpointTest, EmptyText) { expect_bad_endpoint(""); }
TEST(EndpointTest, EmptyHostWithPort) { expect_bad_endpoint(":9042"); }
TEST(EndpointTest, EmptyBrackets) { expect_bad_endpoint("[]:9042"); }
TEST(EndpointTest, UnclosedBracket) { expect_bad_endpoint("[::1:9042"); }
TEST(EndpointTest, StrayClosingBracket) { expect_bad_endpoint("::1]:9042"); }
TEST(EndpointTest, TextAfterTheBracket) { expect_bad_endpoint("[::1]9042"); }
TEST(EndpointTest, BlankInsideTheHost) { expect_bad_endpoint("my host"); }
TEST(EndpointTest, TwoColonsOnAName) { expect_bad_endpoint("host:9042:1"); }
TEST(EndpointTest, Ipv6WithAPortButNoBrackets) { expect_bad_endpoint("db::x:9042"); }
TEST(EndpointTest, Ipv6PortOutOfRange) { expect_bad_endpoint("[::1]:65536"); }

TEST(EndpointTest, ToStringBracketsIpv6) {
  EXPECT_EQ((Endpoint{"::1", 9043}).to_string(), "[::1]:9043");
  EXPECT_EQ((Endpoint{"10.0.0.1", 9042}).to_string(), "10.0.0.1:9042");
}

TEST(EndpointTest, ToStringRoundTrips) {
  for (const Endpoint& e : {Endpoint{"::1", 1}, Endpoint{"h", 65535}, Endpoint{"fe80::2", 9042}}) {
    auto back = parse_endpoint(e.to_string(), 7);
    ASSERT_TRUE(back.is_ok()) << back.status().message();
    EXPECT_EQ(*back, e);
  }
}

TEST(EndpointTest, ListWithBlanksAroundCommas) {
  auto list = parse_endpoints(" a , b:9043,[::1]:1 ,::2 ", 9000);
  ASSERT_TRUE(list.is_ok()) << list.status().message();
  EXPECT_EQ(*list,
            (std::vector<Endpoint>{{"a", 9000}, {"b", 9043}, {"::1", 1}, {"::2", 9000}}));
}

TEST(EndpointTest, EmptyListIsAnError) {
  auto list = parse_endpoints("  ", 9042);
  ASSERT_FALSE(list.is_ok());
  EXPECT_EQ(list.status().code(), util::StatusCode::kInvalidArgument);
}

TEST(EndpointTest, EmptyItemInAListIsAnError) {
  auto list = parse_endpoints("a,,b", 9042);
  ASSERT_FALSE(list.is_ok());
  EXPECT_EQ(list.status().code(), util::StatusCode::kInvalidArgument);
}

TEST(EndpointTest, TrailingCommaIsAnError) {
  EXPECT_FALSE(parse_endpoints("a,", 9042).is_ok());
}

TEST(EndpointTest, ListNamesTheBadItem) {
  auto list = parse_endpoints("a, b:x, c", 9042);
  ASSERT_FALSE(list.is_ok());
  EXPECT_NE(list.status().message().find("'b:x'"), std::string::npos) << list.status().message();
}

// ---- consistency names

TEST(ConsistencyNameTest, CaseInsensitive) {
  auto one = consistency_from_name("one");
  ASSERT_TRUE(one.is_ok());
  EXPECT_EQ(*one, Consistency::kOne);
  auto lq = consistency_from_name("Local_Quorum");
  ASSERT_TRUE(lq.is_ok());
  EXPECT_EQ(*lq, Consistency::kLocalQuorum);
}

TEST(ConsistencyNameTest, EveryLevelByItsName) {
  for (Consistency c : {Consistency::kAny, Consistency::kOne, Consistency::kTwo,
                        Consistency::kThree, Consistency::kQuorum, Consistency::kAll,
                        Consistency::kLocalQuorum, Consistency::kEachQuorum,
                        Consistency::kLocalOne}) {
    auto parsed = consistency_from_name(consistency_name(c));
    ASSERT_TRUE(parsed.is_ok()) << consistency_name(c);
    EXPECT_EQ(*parsed, c);
  }
}

TEST(ConsistencyNameTest, UnknownListsTheNames) {
  auto bad = consistency_from_name("LOCAL");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().code(), util::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("LOCAL_QUORUM"), std::string::npos);
  EXPECT_NE(bad.status().message().find("'LOCAL'"), std::string::npos);
}

TEST(ConsistencyNameTest, SerialIsNotARegularLevel) {
  EXPECT_FALSE(consistency_from_name("SERIAL").is_ok());
}

TEST(ConsistencyNameTest, EmptyName) { EXPECT_FALSE(consistency_from_name("").is_ok()); }

// ---- environment

TEST(ClusterEnvironmentTest, NothingSetChangesNothing) {
  ClusterConfig config;
  FakeEnv env;
  ASSERT_TRUE(apply_cluster_environment(&config, env.getenv()).is_ok());
  EXPECT_EQ(config.hosts, ClusterConfig().hosts);
  EXPECT_EQ(config.username, "cassandra");
}

TEST(ClusterEnvironmentTest, EveryVariable) {
  ClusterConfig config;
  FakeEnv env({{"MEDALLION_CQL_HOSTS", "a, [::1]:9500"},
               {"MEDALLION_CQL_PORT", "9100"},
               {"MEDALLION_CQL_USER", "bob"},
               {"MEDALLION_CQL_PASSWORD", "pw"},
               {"MEDALLION_CQL_LOCAL_DC", "east"},
               {"MEDALLION_CQL_CONSISTENCY", "each_quorum"}});
  auto status = apply_cluster_environment(&config, env.getenv());
  ASSERT_TRUE(status.is_ok()) << status.message();
  EXPECT_EQ(config.hosts, (std::vector<Endpoint>{{"a", 9100}, {"::1", 9500}}));
  EXPECT_EQ(config.port, 9100);
  EXPECT_EQ(config.username, "bob");
  EXPECT_EQ(config.password, "pw");
  EXPECT_EQ(config.local_dc, "east");
  EXPECT_EQ(config.consistency, Consistency::kEachQuorum);
}

TEST(ClusterEnvironmentTest, HostsTakeTheConfigPortWithoutAnEnvPort) {
  auto config = parse("[cql]\nport = 7001\n");
  ASSERT_TRUE(config.is_ok());
  FakeEnv env({{"MEDALLION_CQL_HOSTS", "x,y:2"}});
  ASSERT_TRUE(apply_cluster_environment(&*config, env.getenv()).is_ok());
  EXPECT_EQ(config->hosts, (std::vector<Endpoint>{{"x", 7001}, {"y", 2}}));
}

TEST(ClusterEnvironmentTest, PortAloneMovesHostsOnTheOldDefaultPort) {
  auto config = parse("[cql]\nhosts = [\"a\", \"b:1234\"]\n");
  ASSERT_TRUE(config.is_ok());
  FakeEnv env({{"MEDALLION_CQL_PORT", "9043"}});
  ASSERT_TRUE(apply_cluster_environment(&*config, env.getenv()).is_ok());
  EXPECT_EQ(config->port, 9043);
  EXPECT_EQ(config->hosts, (std::vector<Endpoint>{{"a", 9043}, {"b", 1234}}));
}

TEST(ClusterEnvironmentTest, EmptyVariablesAreIgnored) {
  ClusterConfig config;
  FakeEnv env({{"MEDALLION_CQL_HOSTS", ""},
               {"MEDALLION_CQL_PORT", ""},
               {"MEDALLION_CQL_USER", ""},
               {"MEDALLION_CQL_CONSISTENCY", ""}});
  ASSERT_TRUE(apply_cluster_environment(&config, env.getenv()).is_ok());
  EXPECT_EQ(config.hosts, ClusterConfig().hosts);
  EXPECT_EQ(config.port, 9042);
  EXPECT_EQ(config.username, "cassandra");
  EXPECT_EQ(config.consistency, Consistency::kLocalOne);
}

void expect_env_error(const std::string& variable, const std::string& value) {
  ClusterConfig config;
  FakeEnv env({{variable, value}});
  auto status = apply_cluster_environment(&config, env.getenv());
  ASSERT_FALSE(status.is_ok()) << variable << "=" << value;
  EXPECT_EQ(status.code(), util::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find(variable), std::string::npos) << status.message();
  EXPECT_NE(status.message().find(value), std::string::npos) << status.message();
}

TEST(ClusterEnvironmentTest, BadPortNamesTheVariable) { expect_env_error("MEDALLION_CQL_PORT", "x"); }
TEST(ClusterEnvironmentTest, ZeroPortNamesTheVariable) {
  expect_env_error("MEDALLION_CQL_PORT", "0");
}
TEST(ClusterEnvironmentTest, BadHostsNamesTheVariable) {
  expect_env_error("MEDALLION_CQL_HOSTS", "a,h:70000");
}
TEST(ClusterEnvironmentTest, BlankHostsNamesTheVariable) {
  expect_env_error("MEDALLION_CQL_HOSTS", " , ");
}
TEST(ClusterEnvironmentTest, BadConsistencyNamesTheVariable) {
  expect_env_error("MEDALLION_CQL_CONSISTENCY", "SOME");
}

TEST(ClusterEnvironmentTest, DefaultGetenvReadsTheProcessEnvironment) {
  // A variable name no other test uses; set and unset around the call.
  ::setenv("MEDALLION_CQL_LOCAL_DC", "from-process-env", 1);
  ClusterConfig config;
  auto status = apply_cluster_environment(&config);
  ::unsetenv("MEDALLION_CQL_LOCAL_DC");
  ASSERT_TRUE(status.is_ok()) << status.message();
  EXPECT_EQ(config.local_dc, "from-process-env");
}

}  // namespace
}  // namespace medallion::cql
