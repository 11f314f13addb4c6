// ApiService: the REST API (SPEC.md "REST API"), as the HttpServer's
// handler. Routes, in order:
//
//   GET /health                                   200 {"detail":"Healthy"}
//   GET /ready                                    200 {"detail":"Ready"}, or 503
//                                                 {"detail":"CQL unavailable: ..."}
//   GET /models/completed-sessions/{player_id}    {"items":[...],"count":N}
//   GET /models/started_sessions/{country}/{hours}?limit=&page_token=
//                                                 {"items":[...],"count":N,
//                                                  "next_page_token":...}
//   GET /openapi.json, GET /docs, GET /docs/{file}, GET /metrics
//
// Each request goes through what FastAPI does (fastapi_params.h holds the
// probed facts): a request-target uvicorn refuses gets 400; the path is
// percent-decoded and routed (router.h); no route: a trailing-slash
// redirect (307) when stripping the slashes finds one, else 404; a route
// but not the method: 405 with Allow. For the /models routes, then: the
// API key (403 {"detail":"Not authenticated"} without one, 403
// {"detail":"Invalid API key"} with an unknown one, when keys are on), the
// rate limit per key, or per client address without keys (429 with
// Retry-After), the parameters (422, every error at once), the page token
// (422), and the query (serving_reader.h). A query that fails answers 503
// {"detail":"the serving layer is unavailable: ..."} (FastAPI would answer
// a bare 500; the cause helps more).
//
// Items: {"player_id","session_id","country","ts"}, ts an ISO-8601 instant
// without zone, as pydantic renders the driver's naive UTC datetimes
// ("2016-11-06T10:11:12", ".345000" appended when the milliseconds are not
// 0). next_page_token: fastapi_params.h encode_page_token, or null.
//
// Every answer is counted in /metrics by route template, method and status,
// with its latency; every CQL read by query name.
//
// Thread safety: handle() may be called from any thread at once.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/http_server.h"
#include "util/status.h"

namespace medallion::api {

class ServingReader;

struct ApiOptions {
  std::vector<std::string> api_keys;  // empty: the API is open
  // Requests per second and burst per key (per client address without
  // keys); 0: no limit.
  double rate_limit_per_second = 0;
  double rate_limit_burst = 0;
  // npm's swagger-ui-dist, for /docs; "" : swagger_ui.h's default.
  std::string swagger_ui_dir;
  std::string version = "0.1.0";
  // Where the server listens, for redirects when a request's Host field is
  // unusable.
  std::string server_host = "127.0.0.1";
  uint16_t server_port = 8000;
};

class ApiService {
 public:
  // Errors: invalid_argument for bad keys or limits. Missing Swagger UI
  // files are a warning (naming the directory and how to install them), and
  // /docs answers 503 saying so.
  static util::Result<std::unique_ptr<ApiService>> create(std::shared_ptr<ServingReader> reader,
                                                          ApiOptions options);
  ~ApiService();
  ApiService(const ApiService&) = delete;
  ApiService& operator=(const ApiService&) = delete;

  // The HttpServer's handler.
  void handle(HttpRequest request, const RequestContext& context, Responder respond);
  // The handler as a function (the service must outlive the server).
  HttpHandler handler();
  // The port actually bound, once the server started (for redirects).
  void set_server_port(uint16_t port);

  struct Impl;

 private:
  explicit ApiService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace medallion::api
