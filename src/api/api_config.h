// ApiConfig: the REST API's settings, the [api] table of medallion.toml,
// then the environment, then (in the CLI) the flags. Every key is
// optional; an unknown key is an error naming the file and key.
//
//   [api]
//   host = "127.0.0.1"            # MEDALLION_API_HOST; 0.0.0.0 for every interface
//   port = 8000                   # MEDALLION_API_PORT; 0 picks a free one
//   threads = 2                   # HTTP I/O threads
//   max_connections = 4096        # beyond it, new connections get 503
//   read_timeout_ms = 10000       # a request must arrive within this
//   idle_timeout_ms = 60000       # keep-alive connections idle longer close
//   api_keys = []                 # MEDALLION_API_KEYS ("k1,k2"); empty: open
//   rate_limit_per_second = 0     # per key (per client address without
//   rate_limit_burst = 0          #   keys); 0: no limit; burst 0: = rate
//   swagger_ui_dir = ""           # npm's swagger-ui-dist; "": the build's
//
// Thread safety: values.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "api/api_service.h"
#include "api/http_server.h"
#include "util/status.h"

namespace medallion::api {

struct ApiConfig {
  HttpServerOptions server;  // host, port, threads, limits, timeouts
  ApiOptions service;        // keys, rate limits, Swagger UI
};

util::Result<ApiConfig> parse_api_config(std::string_view toml_text, const std::string& file);
// Reads and parses; errors name the file.
util::Result<ApiConfig> load_api_config(const std::string& file);

using GetEnv = std::function<const char*(const char*)>;
// MEDALLION_API_HOST, MEDALLION_API_PORT, MEDALLION_API_KEYS; errors name
// the variable.
util::Status apply_api_environment(ApiConfig* config, const GetEnv& getenv = {});

}  // namespace medallion::api
