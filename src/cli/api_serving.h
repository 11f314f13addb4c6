// What `medallion serve` and the last step of `medallion up` share: the
// embedded CQL node started in this process, and the REST API served over
// a CQL session until SIGINT or SIGTERM.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "api/api_config.h"
#include "cli/pipeline_options.h"
#include "util/status.h"

namespace medallion::cql {
class EmbeddedCqlServer;
class Session;
}  // namespace medallion::cql

namespace medallion::cli {

// Starts the embedded CQL server on 127.0.0.1:<port> (default
// [embedded] port) with its data in <data> (default [embedded]
// data_directory) and the [server]/[auth]/[commit] settings of the config
// file, and points settings->cluster at it.
util::Result<std::unique_ptr<cql::EmbeddedCqlServer>> start_embedded_node(
    ResolvedSettings* settings, std::optional<int> port, std::optional<std::string> data);

// The [api] settings of the config file and the environment, then the
// flags given.
struct ApiFlags {
  std::optional<std::string> host;
  std::optional<int> port;
};
util::Result<api::ApiConfig> resolve_api_config(const ResolvedSettings& settings,
                                                const ApiFlags& flags);

// Serves the API on config.server's address until SIGINT or SIGTERM, then
// stops gracefully (requests in flight are answered). Its reads run on the
// embedded node when this process hosts it (no network), else over a
// session to settings.cluster. Prints where it listens unless quiet.
util::Status serve_api_until_stopped(cql::EmbeddedCqlServer* embedded,
                                     const ResolvedSettings& settings, api::ApiConfig config,
                                     bool quiet);

}  // namespace medallion::cli
