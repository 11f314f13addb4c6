#include "cli/api_serving.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>

#include "api/api_service.h"
#include "api/embedded/embedded_query_runner.h"
#include "api/http_server.h"
#include "api/serving_reader.h"
#include "cql/client/session.h"
#include "cql/server/embedded_cql_server.h"
#include "pipeline/stop_signal.h"
#include "util/civil_time.h"

namespace medallion::cli {

util::Result<std::unique_ptr<cql::EmbeddedCqlServer>> start_embedded_node(
    ResolvedSettings* settings, std::optional<int> port, std::optional<std::string> data) {
  cql::ServerConfig server;
  if (!settings->config_file.empty()) {
    MEDALLION_ASSIGN_OR_RETURN(server, cql::load_server_config(settings->config_file));
  }
  MEDALLION_RETURN_IF_ERROR(cql::apply_environment_overrides(&server));
  server.host = "127.0.0.1";
  server.port = static_cast<uint16_t>(port.value_or(settings->pipeline.embedded_port));
  server.data_directory = data.value_or(settings->pipeline.embedded_data_directory);
  MEDALLION_ASSIGN_OR_RETURN(auto embedded, cql::EmbeddedCqlServer::start(server));
  settings->cluster.hosts = {{embedded->host(), embedded->port()}};
  settings->cluster.discover_peers = false;
  return embedded;
}

util::Result<api::ApiConfig> resolve_api_config(const ResolvedSettings& settings,
                                                const ApiFlags& flags) {
  api::ApiConfig config;
  if (!settings.config_file.empty()) {
    MEDALLION_ASSIGN_OR_RETURN(config, api::load_api_config(settings.config_file));
  }
  MEDALLION_RETURN_IF_ERROR(api::apply_api_environment(&config));
  if (flags.host) config.server.host = *flags.host;
  if (flags.port) config.server.port = static_cast<uint16_t>(*flags.port);
  return config;
}

namespace {

// The API over `runner` until a signal.
util::Status serve_api(std::shared_ptr<api::ServingQueryRunner> runner,
                       const ResolvedSettings& settings, api::ApiConfig config, bool quiet) {
  api::ServingReaderOptions reader_options;
  const std::optional<int64_t> fixed_now = settings.pipeline.now_micros;
  reader_options.now_micros = [fixed_now] {
    return fixed_now ? *fixed_now : util::unix_now_ms() * 1000;
  };
  reader_options.retention_days = settings.pipeline.retention_days;
  MEDALLION_ASSIGN_OR_RETURN(
      auto reader, api::ServingReader::prepare(std::move(runner), std::move(reader_options)));
  config.service.server_host = config.server.host;
  config.service.server_port = config.server.port;
  MEDALLION_ASSIGN_OR_RETURN(auto service,
                             api::ApiService::create(std::move(reader), config.service));
  MEDALLION_ASSIGN_OR_RETURN(auto stop, pipeline::StopSignal::install());
  MEDALLION_ASSIGN_OR_RETURN(auto server,
                             api::HttpServer::start(config.server, service->handler()));
  service->set_server_port(server->port());
  if (!quiet) {
    const std::string now =
        fixed_now ? util::format_iso8601(*fixed_now, util::FractionStyle::kWhenNonZero, true)
                  : std::string("the clock");
    std::printf(
        "serve: the REST API on http://%s:%u (Swagger UI: /docs, OpenAPI: /openapi.json, "
        "metrics: /metrics; now = %s); Ctrl-C stops it\n",
        server->host().c_str(), server->port(), now.c_str());
    std::fflush(stdout);
  }
  while (!stop->wait_for(std::chrono::seconds(3600))) {
  }
  server->stop();
  if (!quiet) {
    std::printf("serve: stopped\n");
    std::fflush(stdout);
  }
  return util::Status::ok();
}

}  // namespace

util::Status serve_api_until_stopped(cql::EmbeddedCqlServer* embedded,
                                     const ResolvedSettings& settings, api::ApiConfig config,
                                     bool quiet) {
  std::shared_ptr<cql::Session> session;
  std::shared_ptr<api::ServingQueryRunner> runner;
  if (embedded) {
    runner = api::embedded_query_runner(*embedded);
  } else {
    MEDALLION_ASSIGN_OR_RETURN(session, connect_cluster(settings));
    runner = api::session_query_runner(session);
  }
  util::Status served = serve_api(std::move(runner), settings, std::move(config), quiet);
  if (session) session->close();
  return served;
}

}  // namespace medallion::cli
