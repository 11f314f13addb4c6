#include "api/api_service.h"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <utility>
#include <variant>

#include "api/access_control.h"
#include "api/fastapi_params.h"
#include "api/metrics.h"
#include "api/openapi.h"
#include "api/router.h"
#include "api/serving_reader.h"
#include "api/swagger_ui.h"
#include "util/civil_time.h"
#include "util/json_writer.h"
#include "util/log.h"

namespace medallion::api {
namespace {

using Clock = std::chrono::steady_clock;

enum Route : size_t {
  kHealth,
  kReady,
  kCompleted,
  kStarted,
  kOpenApi,
  kDocs,
  kDocsFile,
  kMetrics,
  kRouteCount
};

constexpr std::string_view kQueryCompleted = "completed_sessions";
constexpr std::string_view kQueryStarted = "started_sessions";
constexpr std::string_view kQueryReady = "ready";

std::string detail_json(std::string_view detail) {
  std::string out = R"({"detail":)";
  util::append_json_string(out, detail);
  out.push_back('}');
  return out;
}

// {"items":[{"player_id":..,"session_id":..,"country":..,"ts":".."},...],"count":N
// [,"next_page_token":..|null]}, written straight into one buffer: the API's
// hottest path.
std::string items_json(const std::vector<SessionItem>& items,
                       const std::optional<std::optional<PagePosition>>& next) {
  std::string out;
  out.reserve(48 + items.size() * 160);
  out += R"({"items":[)";
  for (size_t i = 0; i < items.size(); ++i) {
    const SessionItem& item = items[i];
    out += i == 0 ? R"({"player_id":)" : R"(,{"player_id":)";
    util::append_json_string(out, item.player_id);
    out += R"(,"session_id":)";
    util::append_json_string(out, item.session_id);
    out += R"(,"country":)";
    util::append_json_string(out, item.country);
    out += R"(,"ts":")";
    // Digits, '-', ':', 'T' and '.': nothing to escape.
    util::append_iso8601(out, item.ts_millis * 1000, util::FractionStyle::kWhenNonZero);
    out += R"("})";
  }
  out += R"(],"count":)";
  out += std::to_string(items.size());
  if (next) {
    out += R"(,"next_page_token":)";
    if (*next) {
      util::append_json_string(
          out, encode_page_token(PageToken{(*next)->start_ts_millis, (*next)->session_id}));
    } else {
      out += "null";
    }
  }
  out += '}';
  return out;
}

HttpResponse unavailable(const util::Status& status) {
  return HttpResponse::json(503,
                            detail_json("the serving layer is unavailable: " + status.message()));
}

}  // namespace

struct ApiService::Impl {
  std::shared_ptr<ServingReader> reader;
  ApiOptions options;
  Router router;
  ApiKeys keys;
  std::unique_ptr<RateLimiter> limiter;
  // Shared with the callbacks of reads still pending when the service goes.
  std::shared_ptr<ApiMetrics> metrics;
  std::vector<ApiMetrics::RouteId> route_ids;  // by Route
  ApiMetrics::QueryId query_completed = 0, query_started = 0, query_ready = 0;
  std::optional<SwaggerUi> swagger;
  std::string swagger_missing;  // why there is none
  std::string openapi;
  std::atomic<uint16_t> server_port{0};

  void handle(HttpRequest request, const RequestContext& context, Responder respond);
  void handle_model(size_t route, const HttpRequest& request, const RequestContext& context,
                    std::vector<std::string> params, Responder respond);
  void completed(std::string player_id, Responder respond);
  void started(std::string country, int hours, int limit, std::optional<PagePosition> after,
               Responder respond);
  void ready(Responder respond);
  // Wraps respond so that the answer is counted when it is given.
  Responder counted(ApiMetrics::RouteId route, std::string method, Responder respond);
};

util::Result<std::unique_ptr<ApiService>> ApiService::create(std::shared_ptr<ServingReader> reader,
                                                             ApiOptions options) {
  if (!reader) return util::Status::invalid_argument("api: the service needs a serving reader");
  auto impl = std::make_unique<Impl>();
  impl->reader = std::move(reader);
  impl->options = std::move(options);
  impl->server_port = impl->options.server_port;
  Router& r = impl->router;
  const std::vector<std::string> get = {"GET"};
  // In Route order.
  r.add(get, "/health");
  r.add(get, "/ready");
  r.add(get, "/models/completed-sessions/{player_id}");
  r.add(get, "/models/started_sessions/{country}/{hours}");
  r.add(get, "/openapi.json");
  r.add(get, "/docs");
  r.add(get, "/docs/{file}");
  r.add(get, "/metrics");

  MEDALLION_ASSIGN_OR_RETURN(impl->keys, ApiKeys::create(impl->options.api_keys));
  if (impl->options.rate_limit_per_second > 0) {
    RateLimitOptions limits;
    limits.rate_per_second = impl->options.rate_limit_per_second;
    limits.burst = impl->options.rate_limit_burst > 0 ? impl->options.rate_limit_burst
                                                      : impl->options.rate_limit_per_second;
    MEDALLION_ASSIGN_OR_RETURN(impl->limiter, RateLimiter::create(limits));
  }
  ApiMetricsOptions metrics;
  for (size_t i = 0; i < kRouteCount; ++i) metrics.routes.push_back(r.path_template(i));
  metrics.queries = {std::string(kQueryCompleted), std::string(kQueryStarted),
                     std::string(kQueryReady)};
  MEDALLION_ASSIGN_OR_RETURN(impl->metrics, ApiMetrics::create(std::move(metrics)));
  for (size_t i = 0; i < kRouteCount; ++i) {
    impl->route_ids.push_back(impl->metrics->route_id(r.path_template(i)));
  }
  impl->query_completed = *impl->metrics->query_id(kQueryCompleted);
  impl->query_started = *impl->metrics->query_id(kQueryStarted);
  impl->query_ready = *impl->metrics->query_id(kQueryReady);

  const std::string dir = impl->options.swagger_ui_dir.empty()
                              ? std::string(default_swagger_ui_dir())
                              : impl->options.swagger_ui_dir;
  // The API serves without its docs page rather than not at all.
  auto swagger = SwaggerUi::load(dir);
  if (swagger.is_ok()) {
    impl->swagger.emplace(std::move(swagger).value());
  } else {
    impl->swagger_missing = swagger.status().message();
    util::log_warn("{} (/docs answers 503 until then)", impl->swagger_missing);
  }
  OpenApiOptions openapi;
  openapi.version = impl->options.version;
  openapi.api_keys = impl->keys.enabled();
  openapi.rate_limits = impl->limiter != nullptr;
  impl->openapi = openapi_json(openapi);
  return std::unique_ptr<ApiService>(new ApiService(std::move(impl)));
}

ApiService::ApiService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ApiService::~ApiService() = default;

void ApiService::handle(HttpRequest request, const RequestContext& context, Responder respond) {
  impl_->handle(std::move(request), context, std::move(respond));
}

HttpHandler ApiService::handler() {
  return [this](HttpRequest request, const RequestContext& context, Responder respond) {
    handle(std::move(request), context, std::move(respond));
  };
}

void ApiService::set_server_port(uint16_t port) { impl_->server_port = port; }

Responder ApiService::Impl::counted(ApiMetrics::RouteId route, std::string method,
                                    Responder respond) {
  return [metrics = metrics, route, method = std::move(method), start = Clock::now(),
          respond = std::move(respond)](HttpResponse response) {
    metrics->observe_request(route, method, response.status, Clock::now() - start);
    respond(std::move(response));
  };
}

void ApiService::Impl::handle(HttpRequest request, const RequestContext& context,
                              Responder respond) {
  if (!is_h11_request_target(request.target)) {
    // What uvicorn answers to a request-target it cannot parse.
    metrics->observe_request(metrics->unmatched(), request.method, 400, {});
    HttpResponse r;
    r.status = 400;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "Invalid HTTP request received.";
    return respond(std::move(r));
  }
  const std::string path = decode_path(request.raw_path());
  Router::Match match = router.match(request.method, path);
  if (match.kind == Router::Match::Kind::kNotFound) {
    Responder done = counted(metrics->unmatched(), request.method, std::move(respond));
    if (path.size() > 1 && path.back() == '/') {
      std::string_view stripped = path;
      while (stripped.size() > 1 && stripped.back() == '/') stripped.remove_suffix(1);
      if (stripped != "/" && router.matches_any(stripped)) {
        HttpResponse r;
        r.status = 307;
        r.content_type.clear();
        r.headers.emplace_back(
            "location",
            slash_redirect_location(stripped, request.raw_query(), request.header("Host"),
                                    options.server_host, server_port.load()));
        return done(std::move(r));
      }
    }
    return done(HttpResponse::json(404, std::string(kNotFoundBody)));
  }
  if (match.kind == Router::Match::Kind::kMethodNotAllowed) {
    HttpResponse r = HttpResponse::json(405, std::string(kMethodNotAllowedBody));
    r.headers.emplace_back("allow", match.allow);
    return counted(metrics->unmatched(), request.method, std::move(respond))(std::move(r));
  }
  const size_t route = match.route;
  Responder done = counted(route_ids[route], request.method, std::move(respond));
  switch (route) {
    case kHealth:
      return done(HttpResponse::json(200, R"({"detail":"Healthy"})"));
    case kReady:
      return ready(std::move(done));
    case kCompleted:
    case kStarted:
      return handle_model(route, request, context, std::move(match.params), std::move(done));
    case kOpenApi:
      return done(HttpResponse::json(200, openapi));
    case kDocs:
    case kDocsFile: {
      if (!swagger) return done(HttpResponse::json(503, detail_json(swagger_missing)));
      auto page = swagger->serve(request.raw_path());
      return done(page ? std::move(*page) : HttpResponse::json(404, std::string(kNotFoundBody)));
    }
    case kMetrics: {
      HttpResponse r;
      r.content_type = std::string(kPrometheusContentType);
      r.body = metrics->render();
      return done(std::move(r));
    }
    default:
      return done(HttpResponse::json(404, std::string(kNotFoundBody)));
  }
}

void ApiService::Impl::handle_model(size_t route, const HttpRequest& request,
                                    const RequestContext& context, std::vector<std::string> params,
                                    Responder respond) {
  // The API key, then the rate limit (FastAPI resolves a security
  // dependency before it validates the parameters).
  std::string_view key;
  if (keys.enabled()) {
    key = request.header(kApiKeyHeader);
    if (key.empty()) return respond(HttpResponse::json(403, detail_json("Not authenticated")));
    if (!keys.accepts(key)) return respond(HttpResponse::json(403, detail_json("Invalid API key")));
  }
  if (limiter) {
    const RateDecision decision = limiter->acquire(keys.enabled() ? key : context.remote_address);
    if (!decision.allowed) {
      HttpResponse r = HttpResponse::json(429, detail_json("Too Many Requests"));
      r.headers.emplace_back("retry-after", std::to_string(decision.retry_after_seconds));
      return respond(std::move(r));
    }
  }

  std::vector<ParamError> errors;
  if (route == kCompleted) {
    if (auto e = validate_str(params[0], "path", "player_id", StrRule{64})) {
      errors.push_back(std::move(*e));
      return respond(HttpResponse::json(422, validation_error_body(errors)));
    }
    return completed(std::move(params[0]), std::move(respond));
  }

  // started_sessions: country, hours, then the query's limit and page_token.
  if (auto e = validate_str(params[0], "path", "country", StrRule{64})) {
    errors.push_back(std::move(*e));
  }
  int64_t hours = 0;
  auto hours_checked = validate_int(params[1], "path", "hours", IntRule{1, 24});
  if (auto* e = std::get_if<ParamError>(&hours_checked)) {
    errors.push_back(std::move(*e));
  } else {
    hours = std::get<int64_t>(hours_checked);
  }
  const auto query = parse_query(request.raw_query());
  int64_t limit = 100;
  if (auto text = query_value(query, "limit")) {
    auto checked = validate_int(*text, "query", "limit", IntRule{1, 1000});
    if (auto* e = std::get_if<ParamError>(&checked)) {
      errors.push_back(std::move(*e));
    } else {
      limit = std::get<int64_t>(checked);
    }
  }
  const auto token_text = query_value(query, "page_token");
  if (token_text) {
    if (auto e = validate_str(*token_text, "query", "page_token", StrRule{256})) {
      errors.push_back(std::move(*e));
    }
  }
  if (!errors.empty()) return respond(HttpResponse::json(422, validation_error_body(errors)));
  std::optional<PagePosition> after;
  if (token_text) {
    auto token = decode_page_token(*token_text);
    if (!token) {
      return respond(HttpResponse::json(422, validation_error_body({page_token_error()})));
    }
    after = PagePosition{token->start_ts_ms, std::move(token->session_id)};
  }
  started(std::move(params[0]), static_cast<int>(hours), static_cast<int>(limit), std::move(after),
          std::move(respond));
}

void ApiService::Impl::completed(std::string player_id, Responder respond) {
  reader->completed_sessions(
      std::move(player_id),
      [metrics = metrics, query = query_completed, start = Clock::now(),
       respond = std::move(respond)](util::Result<std::vector<SessionItem>> items) {
        metrics->observe_cql(query, Clock::now() - start, items.is_ok());
        if (!items.is_ok()) return respond(unavailable(items.status()));
        respond(HttpResponse::json(200, items_json(*items, std::nullopt)));
      });
}

void ApiService::Impl::started(std::string country, int hours, int limit,
                               std::optional<PagePosition> after, Responder respond) {
  reader->started_sessions(std::move(country), hours, limit, std::move(after),
                           [metrics = metrics, query = query_started, start = Clock::now(),
                            respond = std::move(respond)](util::Result<StartedSessionsPage> page) {
                             metrics->observe_cql(query, Clock::now() - start, page.is_ok());
                             if (!page.is_ok()) return respond(unavailable(page.status()));
                             respond(HttpResponse::json(200, items_json(page->items, page->next)));
                           });
}

void ApiService::Impl::ready(Responder respond) {
  reader->check_ready([metrics = metrics, query = query_ready, start = Clock::now(),
                       respond = std::move(respond)](util::Status status) {
    metrics->observe_cql(query, Clock::now() - start, status.is_ok());
    if (!status.is_ok()) {
      return respond(HttpResponse::json(503, detail_json("CQL unavailable: " + status.message())));
    }
    respond(HttpResponse::json(200, R"({"detail":"Ready"})"));
  });
}

}  // namespace medallion::api
