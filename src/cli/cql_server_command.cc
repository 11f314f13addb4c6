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

#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "cli/command.h"
#include "cql/engine/query_processor.h"
#include "cql/server/cql_server.h"
#include "cql/server/server_config.h"
#include "cql/storage/store.h"
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

// A QueryProcessor that forwards to another, set once it exists; until then
// every request fails with a Server_error ("starting").
class ForwardingProcessor : public cql::QueryProcessor {
 public:
  void set(cql::QueryProcessor* target) { target_.store(target, std::memory_order_release); }

  util::Result<std::shared_ptr<const cql::PreparedStatement>> prepare(
      cql::ParsedStatement statement, std::string_view query, std::string_view keyspace) override {
    cql::QueryProcessor* t = target_.load(std::memory_order_acquire);
    if (t == nullptr) return starting();
    return t->prepare(std::move(statement), query, keyspace);
  }
  void execute(std::shared_ptr<const cql::PreparedStatement> statement,
               const cql::QueryParameters& parameters, cql::QueryCallback done) override {
    cql::QueryProcessor* t = target_.load(std::memory_order_acquire);
    if (t == nullptr) return done(starting());
    t->execute(std::move(statement), parameters, std::move(done));
  }
  void execute_batch(cql::BatchType type, std::vector<cql::BoundStatement> statements,
                     std::optional<int64_t> default_timestamp, cql::QueryCallback done) override {
    cql::QueryProcessor* t = target_.load(std::memory_order_acquire);
    if (t == nullptr) return done(starting());
    t->execute_batch(type, std::move(statements), default_timestamp, std::move(done));
  }
  cql::Uuid schema_version() const override {
    cql::QueryProcessor* t = target_.load(std::memory_order_acquire);
    return t == nullptr ? cql::Uuid{} : t->schema_version();
  }

 private:
  static util::Status starting() {
    return util::Status::io_error("cql-server: the server is still starting: retry");
  }
  std::atomic<cql::QueryProcessor*> target_{nullptr};
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
  if (config.data_directory.empty()) {
    return util::Status::invalid_argument(
        "cql-server: no data directory (--data): pass --data DIR or set server.data_directory in "
        "the config file");
  }
  return config;
}

int run_cql_server(const CqlServerArgs& args) {
  auto config = build_config(args);
  if (!config.is_ok()) return report_failure(config.status());

  SignalWait signals;
  cql::StoreOptions store_options;
  store_options.commit_policy = config->commit_policy;
  store_options.group_window = config->group_window;
  store_options.periodic_interval = config->periodic_interval;
  auto store = cql::Store::open(config->data_directory, store_options);
  if (!store.is_ok()) return report_failure(store.status());

  // system.local must report the bound address, known only once the server
  // listens (--port 0): the server starts with a forwarder, the processor is
  // opened next, and the forwarder is pointed at it before the port is printed.
  ForwardingProcessor forwarder;
  auto server = cql::CqlServer::start(*config, &forwarder);
  if (!server.is_ok()) return report_failure(server.status());

  cql::ProcessorOptions processor_options;
  processor_options.rpc_address = (*server)->host();
  if (processor_options.rpc_address == "0.0.0.0" || processor_options.rpc_address == "::") {
    processor_options.rpc_address = "127.0.0.1";
  }
  processor_options.rpc_port = (*server)->port();
  auto processor = cql::QueryProcessor::open(store->get(), processor_options);
  if (!processor.is_ok()) {
    (*server)->stop();
    return report_failure(processor.status());
  }
  forwarder.set(processor->get());

  std::printf("cql-server: listening on %s:%u\n", (*server)->host().c_str(),
              static_cast<unsigned>((*server)->port()));
  std::fflush(stdout);

  const int signal_number = signals.wait();
  (*server)->stop();
  util::log_info("cql-server: stopped on signal {} ({}:{})", signal_number, (*server)->host(),
                 (*server)->port());
  server->reset();
  processor->reset();
  store->reset();
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
