// ClusterConfig: how the CQL client reaches a cluster (a real Cassandra or
// ScyllaDB cluster, or medallion's embedded server), loaded from the [cql]
// table of a TOML file (medallion.toml; other tables are left to their
// owners), then overridden by the environment and the command line.
//
// File format (every key optional; an unknown key in [cql] is an error):
//
//   [cql]
//   hosts = ["127.0.0.1:9042"]       # contact points: "host", "host:port", "[v6]:port"
//   port = 9042                      # for hosts without a port, and discovered peers
//   username = "cassandra"           # SASL PLAIN, used when the server asks
//   password = "cassandra"
//   local_dc = ""                    # "": the DC of the first contact point that answers
//   consistency = "LOCAL_ONE"        # ANY ONE TWO THREE QUORUM ALL LOCAL_QUORUM
//                                    # EACH_QUORUM LOCAL_ONE (case-insensitive)
//   compression = "none"             # none | lz4 | snappy
//   connections_per_host = 2
//   max_in_flight_per_connection = 1024
//   connect_timeout_ms = 5000        # one connection: TCP connect + handshake
//   request_timeout_ms = 12000       # one attempt of one request
//   startup_deadline_ms = 30000      # Session::connect retries this long when no host answers
//   reconnect_base_ms = 100          # backoff after a host fails: base, doubling, capped
//   reconnect_max_ms = 10000
//   max_retries = 3                  # further attempts of a retryable, idempotent request
//   discover_peers = true            # read system.peers and connect to the peers too
//
// Environment (applied after the file; empty variables are ignored):
//   MEDALLION_CQL_HOSTS        comma-separated contact points (replaces hosts)
//   MEDALLION_CQL_PORT         the default port
//   MEDALLION_CQL_USER, MEDALLION_CQL_PASSWORD
//   MEDALLION_CQL_LOCAL_DC
//   MEDALLION_CQL_CONSISTENCY
//
// Thread safety: values; pure functions.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cql/protocol/body_compression.h"
#include "cql/protocol/wire.h"
#include "util/status.h"

namespace medallion::cql {

// A host and port. IPv6 literals are kept without brackets.
struct Endpoint {
  std::string host;
  uint16_t port = 9042;
  // "host:port", or "[host]:port" when host contains ':'.
  std::string to_string() const;
  bool operator==(const Endpoint&) const = default;
  auto operator<=>(const Endpoint&) const = default;
};

// "host", "host:port", "[v6]", "[v6]:port" (a bare IPv6 literal without
// brackets takes the default port). Errors: invalid_argument naming the text
// (empty host, a port that is not 1..65535, unbalanced brackets).
util::Result<Endpoint> parse_endpoint(std::string_view text, uint16_t default_port);
// Comma-separated endpoints; blanks around the commas are ignored, an empty
// list is an error.
util::Result<std::vector<Endpoint>> parse_endpoints(std::string_view text, uint16_t default_port);

struct ClusterConfig {
  std::vector<Endpoint> hosts = {{"127.0.0.1", 9042}};
  uint16_t port = 9042;
  std::string username = "cassandra";
  std::string password = "cassandra";
  std::string local_dc;
  Consistency consistency = Consistency::kLocalOne;
  Compression compression = Compression::kNone;
  size_t connections_per_host = 2;
  size_t max_in_flight_per_connection = 1024;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{12000};
  std::chrono::milliseconds startup_deadline{30000};
  std::chrono::milliseconds reconnect_base{100};
  std::chrono::milliseconds reconnect_max{10000};
  size_t max_retries = 3;
  bool discover_peers = true;
  // Event loop threads of the session (not in the file: the program's choice).
  size_t io_threads = 1;
};

// Parses the TOML text (`file` names it in errors) on top of the defaults;
// only the [cql] table is read. Errors: invalid_argument naming the file and
// the key ("<file>: [cql] port: expected an integer 1..65535").
util::Result<ClusterConfig> parse_cluster_config(std::string_view toml_text,
                                                 const std::string& file);
// Reads and parses a file. Errors: not_found / invalid_argument naming it.
util::Result<ClusterConfig> load_cluster_config(const std::string& file);

// Applies the MEDALLION_CQL_* variables read through `getenv` (std::getenv
// by default; tests pass their own). Errors: invalid_argument naming the
// variable and its bad value.
using GetEnv = std::function<const char*(const char*)>;
util::Status apply_cluster_environment(ClusterConfig* config, const GetEnv& getenv = {});

// "ONE", "local_quorum", ... -> the level; invalid_argument listing the
// names otherwise.
util::Result<Consistency> consistency_from_name(std::string_view name);

}  // namespace medallion::cql
