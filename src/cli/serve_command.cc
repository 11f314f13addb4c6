// `medallion serve [--host H] [--port P] [--cql H:P,...] [--cql-port P]
// [--cql-data DIR] [--now T|clock] [--config FILE]`: the REST API
// (src/api, docs/api.md) over the serving tables, until SIGINT or SIGTERM.
//
// The CQL cluster is the one named by --cql (or [cql] hosts,
// MEDALLION_CQL_HOSTS); without one, serve starts the embedded CQL server
// on the data directory `medallion up` filled (--cql-data, default
// ./cql_data), as `up` does, and reads it in-process (no network; other
// clients reach the node on --cql-port).
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>

#include "cli/api_serving.h"
#include "cli/command.h"
#include "cli/pipeline_options.h"
#include "cql/server/embedded_cql_server.h"

namespace medallion::cli {
namespace {

struct ServeArgs {
  PipelineFlags flags;
  ApiFlags api;
  std::optional<int> cql_port;
  std::optional<std::string> cql_data;
};

int run_serve(const ServeArgs& args, const GlobalOptions& global) {
  auto settings = resolve_settings(args.flags);
  if (!settings.is_ok()) return report_failure(settings.status());
  auto config = resolve_api_config(*settings, args.api);
  if (!config.is_ok()) return report_failure(config.status());
  std::unique_ptr<cql::EmbeddedCqlServer> embedded;
  if (!settings->external_cluster) {
    auto started = start_embedded_node(&*settings, args.cql_port, args.cql_data);
    if (!started.is_ok()) return report_failure(started.status());
    embedded = std::move(started).value();
    if (!global.quiet) {
      std::printf("serve: embedded CQL server on %s\n", embedded->endpoint().c_str());
    }
  }
  util::Status served =
      serve_api_until_stopped(embedded.get(), *settings, std::move(config).value(), global.quiet);
  if (embedded) embedded->stop();
  return served.is_ok() ? kExitOk : report_failure(served);
}

}  // namespace

void add_serve_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Serve the REST API (GET /models/completed-sessions/{player_id},\n"
      "/models/started_sessions/{country}/{hours}, /docs, /openapi.json, /metrics) over the\n"
      "serving tables until Ctrl-C or SIGTERM. Without --cql, starts the embedded CQL server\n"
      "on --cql-data first.");
  add_pipeline_flags(cmd, args->flags);
  cmd->add_option("--host", args->api.host,
                  "address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)");
  cmd->add_option("--port", args->api.port, "port to listen on (default 8000; 0 picks a free one)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--cql-port", args->cql_port,
                  "port of the embedded CQL server (default 9042; 0 picks a free one)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--cql-data", args->cql_data,
                  "data directory of the embedded CQL server (default ./cql_data)");
  cmd->callback(
      [args, &global, &action] { action = [args, &global] { return run_serve(*args, global); }; });
}

}  // namespace medallion::cli
