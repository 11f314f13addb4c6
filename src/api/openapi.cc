#include "api/openapi.h"

#include <cstdint>
#include <string_view>
#include <utility>

#include "util/json_writer.h"

namespace medallion::api {
namespace {

using util::JsonWriter;

// The limits the handlers enforce (FastAPI's Path/Query declarations).
constexpr int64_t kMaxIdLength = 64;
constexpr int64_t kMinHours = 1;
constexpr int64_t kMaxHours = 24;
constexpr int64_t kMinLimit = 1;
constexpr int64_t kMaxLimit = 1000;
constexpr int64_t kDefaultLimit = 100;
constexpr int64_t kMaxPageTokenLength = 256;
constexpr int64_t kCompletedSessionsShown = 20;

constexpr std::string_view kSecurityScheme = "APIKeyHeader";

void ref(JsonWriter& w, std::string_view schema) {
  w.begin_object();
  w.key("$ref").value("#/components/schemas/" + std::string(schema));
  w.end_object();
}

// "<status>": {"description": ..., "content": {"<media>": {"schema": {"$ref": ...}}}}
void json_response(JsonWriter& w, std::string_view status, std::string_view description,
                   std::string_view schema) {
  w.key(status).begin_object();
  w.key("description").value(description);
  w.key("content").begin_object();
  w.key("application/json").begin_object();
  w.key("schema");
  ref(w, schema);
  w.end_object();
  w.end_object();
  w.end_object();
}

// A 200 whose body is not JSON (or not described by a schema of ours).
void plain_response(JsonWriter& w, std::string_view description, std::string_view media_type,
                    std::string_view type) {
  w.key("200").begin_object();
  w.key("description").value(description);
  w.key("content").begin_object();
  w.key(media_type).begin_object();
  w.key("schema").begin_object().key("type").value(type).end_object();
  w.end_object();
  w.end_object();
  w.end_object();
}

void string_param(JsonWriter& w, std::string_view name, std::string_view in, bool required,
                  std::string_view title, std::string_view description, int64_t max_length) {
  w.begin_object();
  w.key("name").value(name);
  w.key("in").value(in);
  w.key("required").value(required);
  w.key("description").value(description);
  w.key("schema").begin_object();
  w.key("type").value("string");
  w.key("maxLength").value(max_length);
  w.key("title").value(title);
  w.end_object();
  w.end_object();
}

void integer_param(JsonWriter& w, std::string_view name, std::string_view in, bool required,
                   std::string_view title, std::string_view description, int64_t minimum,
                   int64_t maximum, const int64_t* default_value) {
  w.begin_object();
  w.key("name").value(name);
  w.key("in").value(in);
  w.key("required").value(required);
  w.key("description").value(description);
  w.key("schema").begin_object();
  w.key("type").value("integer");
  w.key("minimum").value(minimum);
  w.key("maximum").value(maximum);
  if (default_value != nullptr) w.key("default").value(*default_value);
  w.key("title").value(title);
  w.end_object();
  w.end_object();
}

// The responses every /models operation may give besides its 200.
void guarded_responses(JsonWriter& w, const OpenApiOptions& options) {
  json_response(w, "422", "Validation Error: a parameter is malformed or out of range",
                "HTTPValidationError");
  json_response(w, "503", "The serving layer (the CQL cluster) is unavailable: the detail says why",
                "Message");
  if (options.api_keys) {
    json_response(w, "403", "Not authenticated: the X-API-Key header is missing or unknown",
                  "Message");
  }
  if (options.rate_limits) {
    w.key("429").begin_object();
    w.key("description").value("Too Many Requests: this key's (or address's) rate is exceeded");
    w.key("headers").begin_object();
    w.key("Retry-After").begin_object();
    w.key("description").value("Whole seconds until a request will be allowed again");
    w.key("schema").begin_object();
    w.key("type").value("integer").key("minimum").value(1);
    w.end_object();
    w.end_object();
    w.end_object();
    w.key("content").begin_object();
    w.key("application/json").begin_object();
    w.key("schema");
    ref(w, "Message");
    w.end_object();
    w.end_object();
    w.end_object();
  }
}

void security(JsonWriter& w, const OpenApiOptions& options) {
  if (!options.api_keys) return;
  w.key("security").begin_array();
  w.begin_object().key(kSecurityScheme).begin_array().end_array().end_object();
  w.end_array();
}

void operation_head(JsonWriter& w, std::string_view tag, std::string_view summary,
                    std::string_view description, std::string_view operation_id) {
  w.key("tags").begin_array().value(tag).end_array();
  w.key("summary").value(summary);
  if (!description.empty()) w.key("description").value(description);
  w.key("operationId").value(operation_id);
}

// One GET operation at `path`: its head, what `fill` adds (parameters,
// security), then the "responses" object that `responses` fills.
template <typename Fill, typename Responses>
void get_operation(JsonWriter& w, std::string_view path, std::string_view tag,
                   std::string_view summary, std::string_view description,
                   std::string_view operation_id, Fill fill, Responses responses) {
  w.key(path).begin_object().key("get").begin_object();
  operation_head(w, tag, summary, description, operation_id);
  fill();
  w.key("responses").begin_object();
  responses();
  w.end_object();
  w.end_object().end_object();
}

void paths(JsonWriter& w, const OpenApiOptions& options) {
  const auto nothing = [] {};
  w.key("paths").begin_object();

  get_operation(w, "/health", "ops", "Health", "Answers while the server runs.", "health", nothing,
                [&] { json_response(w, "200", "Healthy: {\"detail\": \"Healthy\"}", "Message"); });

  get_operation(w, "/ready", "ops", "Readiness", "Checks the connection to the CQL server.",
                "ready", nothing, [&] {
                  json_response(w, "200", "Ready: the CQL server answers", "Message");
                  json_response(w, "503", "Not ready: the detail says why", "Message");
                });

  get_operation(
      w, "/models/completed-sessions/{player_id}", "models", "Completed sessions of a player",
      "The player's " + std::to_string(kCompletedSessionsShown) +
          " completed sessions with the latest end time within the retention window (365 "
          "days), newest first; ties by session_id ascending. `ts` is the end time.",
      "completed_sessions",
      [&] {
        w.key("parameters").begin_array();
        string_param(w, "player_id", "path", true, "Player Id", "The player's id", kMaxIdLength);
        w.end_array();
        security(w, options);
      },
      [&] {
        json_response(w, "200", "Successful Response", "CompletedSessions");
        guarded_responses(w, options);
      });

  get_operation(
      w, "/models/started_sessions/{country}/{hours}", "models", "Sessions started in a country",
      "The sessions of the country that started in the last `hours` hours (start "
      "time in [now - hours, now]), newest first; ties by session_id ascending. "
      "`ts` is the start time. Paged: pass a response's `next_page_token` as "
      "`page_token` for the items after it; it is null on the last page.",
      "started_sessions",
      [&] {
        w.key("parameters").begin_array();
        string_param(w, "country", "path", true, "Country", "The country code, e.g. IT",
                     kMaxIdLength);
        integer_param(w, "hours", "path", true, "Hours", "How many hours back from now", kMinHours,
                      kMaxHours, nullptr);
        integer_param(w, "limit", "query", false, "Limit", "At most this many items per page",
                      kMinLimit, kMaxLimit, &kDefaultLimit);
        string_param(w, "page_token", "query", false, "Page Token",
                     "The next_page_token of the previous page", kMaxPageTokenLength);
        w.end_array();
        security(w, options);
      },
      [&] {
        json_response(w, "200", "Successful Response", "StartedSessions");
        guarded_responses(w, options);
      });

  get_operation(
      w, "/openapi.json", "docs", "OpenAPI document", "This document.", "openapi", nothing,
      [&] { plain_response(w, "The OpenAPI 3.1 document", "application/json", "object"); });

  get_operation(w, "/docs", "docs", "Swagger UI", "The interactive documentation of this API.",
                "docs", nothing, [&] { plain_response(w, "An HTML page", "text/html", "string"); });

  get_operation(w, "/metrics", "ops", "Metrics",
                "Request counts and latency histograms by route and status, CQL latency, "
                "in the Prometheus text exposition format 0.0.4.",
                "metrics", nothing,
                [&] { plain_response(w, "Prometheus text format", "text/plain", "string"); });

  w.end_object();
}

void string_property(JsonWriter& w, std::string_view name, std::string_view title) {
  w.key(name).begin_object().key("type").value("string").key("title").value(title).end_object();
}

void session_list(JsonWriter& w, std::string_view name, std::string_view description, bool paged) {
  w.key(name).begin_object();
  w.key("type").value("object");
  w.key("title").value(name);
  w.key("description").value(description);
  w.key("properties").begin_object();
  w.key("items").begin_object();
  w.key("type").value("array");
  w.key("items");
  ref(w, "SessionItem");
  if (!paged) w.key("maxItems").value(kCompletedSessionsShown);
  w.key("title").value("Items");
  w.end_object();
  w.key("count").begin_object();
  w.key("type").value("integer").key("minimum").value(0).key("title").value("Count");
  w.key("description").value("The number of items");
  w.end_object();
  if (paged) {
    w.key("next_page_token").begin_object();
    w.key("anyOf").begin_array();
    w.begin_object().key("type").value("string").end_object();
    w.begin_object().key("type").value("null").end_object();
    w.end_array();
    w.key("title").value("Next Page Token");
    w.key("description").value("The page_token of the next page; null on the last page");
    w.end_object();
  }
  w.end_object();
  w.key("required").begin_array().value("items").value("count");
  if (paged) w.value("next_page_token");
  w.end_array();
  w.end_object();
}

void schemas(JsonWriter& w) {
  w.key("schemas").begin_object();

  w.key("SessionItem").begin_object();
  w.key("type").value("object");
  w.key("title").value("SessionItem");
  w.key("properties").begin_object();
  string_property(w, "player_id", "Player Id");
  string_property(w, "session_id", "Session Id");
  string_property(w, "country", "Country");
  w.key("ts").begin_object();
  w.key("type").value("string");
  w.key("pattern").value(R"(^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{6})?$)");
  w.key("title").value("Ts");
  w.key("description")
      .value("A UTC date-time without zone, as Python's datetime.isoformat() renders it");
  w.key("examples").begin_array().value("2016-11-06T10:11:12").value("2016-11-06T10:11:12.345000");
  w.end_array();
  w.end_object();
  w.end_object();
  w.key("required").begin_array();
  w.value("player_id").value("session_id").value("country").value("ts");
  w.end_array();
  w.end_object();

  session_list(w, "CompletedSessions", "A player's latest completed sessions", false);
  session_list(w, "StartedSessions", "One page of the sessions started in a country", true);

  w.key("ValidationError").begin_object();
  w.key("type").value("object");
  w.key("title").value("ValidationError");
  w.key("properties").begin_object();
  w.key("loc").begin_object();
  w.key("type").value("array");
  w.key("items").begin_object().key("anyOf").begin_array();
  w.begin_object().key("type").value("string").end_object();
  w.begin_object().key("type").value("integer").end_object();
  w.end_array().end_object();
  w.key("title").value("Location");
  w.end_object();
  w.key("msg").begin_object().key("type").value("string").key("title").value("Message");
  w.end_object();
  w.key("type").begin_object().key("type").value("string").key("title").value("Error Type");
  w.end_object();
  w.key("ctx").begin_object().key("type").value("object").key("title").value("Context");
  w.end_object();
  w.end_object();
  w.key("required").begin_array().value("loc").value("msg").value("type").end_array();
  w.end_object();

  w.key("HTTPValidationError").begin_object();
  w.key("type").value("object");
  w.key("title").value("HTTPValidationError");
  w.key("properties").begin_object();
  w.key("detail").begin_object();
  w.key("type").value("array");
  w.key("items");
  ref(w, "ValidationError");
  w.key("title").value("Detail");
  w.end_object();
  w.end_object();
  w.key("required").begin_array().value("detail").end_array();
  w.end_object();

  w.key("Message").begin_object();
  w.key("type").value("object");
  w.key("title").value("Message");
  w.key("properties").begin_object();
  w.key("detail").begin_object().key("type").value("string").key("title").value("Detail");
  w.end_object();
  w.end_object();
  w.key("required").begin_array().value("detail").end_array();
  w.end_object();

  w.end_object();
}

}  // namespace

std::string openapi_json(const OpenApiOptions& options) {
  JsonWriter w(options.pretty);
  w.begin_object();
  w.key("openapi").value("3.1.0");
  w.key("info").begin_object();
  w.key("title").value("medallion");
  w.key("version").value(options.version);
  w.key("description")
      .value(
          "The serving layer of medallion: a player's latest completed sessions, and the "
          "sessions started in a country in the last hours.");
  w.end_object();
  // The order Swagger UI shows the groups in: the product first.
  w.key("tags").begin_array();
  for (const auto& [name, description] :
       {std::pair<std::string_view, std::string_view>{"models", "The product queries"},
        {"ops", "Health, readiness and metrics"},
        {"docs", "This documentation"}}) {
    w.begin_object().key("name").value(name).key("description").value(description).end_object();
  }
  w.end_array();
  paths(w, options);
  w.key("components").begin_object();
  schemas(w);
  if (options.api_keys) {
    w.key("securitySchemes").begin_object();
    w.key(kSecurityScheme).begin_object();
    w.key("type").value("apiKey");
    w.key("in").value("header");
    w.key("name").value("X-API-Key");
    w.key("description").value("One of the API keys of the server's configuration");
    w.end_object();
    w.end_object();
  }
  w.end_object();
  w.end_object();
  return w.take();
}

}  // namespace medallion::api
