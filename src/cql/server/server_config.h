// ServerConfig: everything `medallion cql-server` is configured with, loaded
// from a TOML file (docs/cql-server.md documents it), then overridden by the
// environment and the command line.
//
// File format (every key optional; unknown keys are errors):
//
//   [server]
//   host = "127.0.0.1"            # address to listen on
//   port = 9042                   # 0: any free port
//   data_directory = "/var/lib/medallion/cql"
//   io_threads = 0                # 0: one per hardware thread
//   max_connections = 1024
//   max_frame_bytes = 268435456   # a larger frame is a protocol error
//   max_requests_per_connection = 1024  # in flight; reading pauses beyond
//   idle_timeout_seconds = 0      # 0: never close idle connections
//   max_prepared_statements = 10000  # PREPAREd statements kept (LRU)
//   max_cached_queries = 10000    # prepared forms of QUERY texts kept; 0: none
//
//   [auth]
//   enabled = true                # PasswordAuthenticator
//   [[auth.users]]
//   name = "cassandra"
//   password = "cassandra"
//
//   [commit]
//   policy = "group"              # group | periodic | always
//   window_ms = 10                # group: the longest a write waits for a sync
//   interval_ms = 1000            # periodic: the WAL sync interval
//
// Environment: MEDALLION_CQL_USER and MEDALLION_CQL_PASSWORD (both, or
// neither) replace the user list with that one user.
//
// Thread safety: values.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cql/storage/store.h"
#include "util/status.h"

namespace medallion::cql {

struct ServerUser {
  std::string name;
  std::string password;
  bool operator==(const ServerUser&) const = default;
};

struct ServerConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 9042;
  std::string data_directory;
  bool auth_enabled = true;
  std::vector<ServerUser> users = {{"cassandra", "cassandra"}};
  CommitPolicy commit_policy = CommitPolicy::kGroup;
  std::chrono::milliseconds group_window{10};
  std::chrono::milliseconds periodic_interval{1000};
  size_t io_threads = 0;  // 0: std::thread::hardware_concurrency()
  size_t max_connections = 1024;
  size_t max_frame_bytes = size_t{256} << 20;
  size_t max_requests_per_connection = 1024;
  std::chrono::seconds idle_timeout{0};  // 0: none
  // Bounds of the server's caches (prepared statements by id; prepared forms
  // of QUERY texts).
  size_t max_prepared_statements = 10000;
  size_t max_cached_queries = 10000;
};

// Parses the TOML text of a config file (`file` names it in errors) on top of
// the defaults. Errors: invalid_argument naming the file and the key.
util::Result<ServerConfig> parse_server_config(std::string_view toml_text, const std::string& file);
// Reads and parses a config file. Errors: not_found / invalid_argument
// naming the file (and key).
util::Result<ServerConfig> load_server_config(const std::string& file);

// Applies MEDALLION_CQL_USER / MEDALLION_CQL_PASSWORD. Errors:
// invalid_argument when only one of them is set or the user is empty.
util::Status apply_environment_overrides(ServerConfig* config);

// "group", "periodic", "always" -> the policy; invalid_argument otherwise.
util::Result<CommitPolicy> commit_policy_from_name(std::string_view name);
std::string_view commit_policy_name(CommitPolicy policy);

}  // namespace medallion::cql
