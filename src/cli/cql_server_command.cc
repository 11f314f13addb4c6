// `medallion cql-server --data DIR [--host H] [--port P] [--config FILE]
// [--no-auth] [--commit-policy group|periodic|always]`: the embedded CQL
// server (docs/cql-server.md). Settings come from the config file, then the
// environment (MEDALLION_CQL_USER / MEDALLION_CQL_PASSWORD), then the flags.
//
// It opens the store in DIR, the query processor, and the server, prints one
// first stdout line `cql-server: listening on HOST:PORT` (flushed; --port 0
// picks a free port), serves until SIGINT or SIGTERM, then stops cleanly and
// exits 0. Errors (port in use, data directory locked, bad config): one line
// on stderr, exit 1.
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "cli/command.h"
#include "cql/server/embedded_cql_server.h"
#include "cql/server/server_config.h"
#include "util/log.h"

namespace medallion::cli {
namespace {

struct CqlServerArgs {
  std::string data;
  std::optional<std::string> host;
  std::optional<int> port;
  std::string config;
  bool no_auth = false;
  std::optional<std::string> commit_policy;
};

// Blocks SIGINT and SIGTERM in this thread and every thread started after
// it (the store's and the server's), so that only wait() receives them;
// puts the previous mask back when destroyed.
class SignalWait {
 public:
  SignalWait() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &previous_);
  }
  ~SignalWait() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }
  SignalWait(const SignalWait&) = delete;
  SignalWait& operator=(const SignalWait&) = delete;
  // The signal that arrived.
  int wait() {
    int signal_number = 0;
    while (sigwait(&set_, &signal_number) != 0) {
    }
    return signal_number;
  }

 private:
  sigset_t set_;
  sigset_t previous_;
};

util::Result<cql::ServerConfig> build_config(const CqlServerArgs& args) {
  cql::ServerConfig config;
  if (!args.config.empty()) {
    MEDALLION_ASSIGN_OR_RETURN(config, cql::load_server_config(args.config));
  }
  MEDALLION_RETURN_IF_ERROR(cql::apply_environment_overrides(&config));
  if (!args.data.empty()) config.data_directory = args.data;
  if (args.host) config.host = *args.host;
  if (args.port) config.port = static_cast<uint16_t>(*args.port);
  if (args.no_auth) config.auth_enabled = false;
  if (args.commit_policy) {
    MEDALLION_ASSIGN_OR_RETURN(config.commit_policy,
                               cql::commit_policy_from_name(*args.commit_policy));
  }
  return config;
}

int run_cql_server(const CqlServerArgs& args) {
  auto config = build_config(args);
  if (!config.is_ok()) return report_failure(config.status());

  SignalWait signals;
  auto node = cql::EmbeddedCqlServer::start(*config);
  if (!node.is_ok()) return report_failure(node.status());
  std::printf("cql-server: listening on %s:%u\n", (*node)->host().c_str(),
              static_cast<unsigned>((*node)->port()));
  std::fflush(stdout);

  const int signal_number = signals.wait();
  (*node)->stop();
  util::log_info("cql-server: stopped on signal {} ({}:{})", signal_number, (*node)->host(),
                 (*node)->port());
  return kExitOk;
}

}  // namespace

void add_cql_server_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  (void)global;
  auto args = std::make_shared<CqlServerArgs>();
  CLI::App* cmd = app.add_subcommand(
      "cql-server",
      "Serve the CQL native protocol v4 (Cassandra drivers, cqlsh) from an embedded store");
  cmd->add_option("--data", args->data, "the store's directory (created when missing)");
  cmd->add_option("--host", args->host, "address to listen on (default 127.0.0.1)");
  cmd->add_option("--port", args->port, "port to listen on; 0 picks a free one (default 9042)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--config", args->config, "a TOML config file (docs/cql-server.md)");
  cmd->add_flag("--no-auth", args->no_auth, "accept clients without a password");
  cmd->add_option("--commit-policy", args->commit_policy,
                  "when a write is acknowledged: group (default), periodic or always")
      ->check(CLI::IsMember({"group", "periodic", "always"}));
  cmd->callback([args, &action] { action = [args] { return run_cql_server(*args); }; });
}

}  // namespace medallion::cli
