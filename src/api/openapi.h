// The REST API's OpenAPI document, served at GET /openapi.json and read by
// Swagger UI at /docs.
//
// An OpenAPI 3.1.0 document (JSON, written with util::JsonWriter) with:
//   info          title "medallion", version from the options
//   tags          models, ops, docs: the operations' groups, in this order
//   paths         GET /health, /ready, /models/completed-sessions/{player_id},
//                 /models/started_sessions/{country}/{hours}, /openapi.json,
//                 /docs, /metrics; each parameter with its constraints
//                 (player_id, country: string maxLength 64; hours: integer
//                 1..24; limit: integer 1..1000, default 100; page_token:
//                 string maxLength 256, optional)
//   components    schemas SessionItem, CompletedSessions, StartedSessions,
//                 ValidationError, HTTPValidationError (FastAPI's names and
//                 shapes for the 422 body), Message ({"detail": string}: 403,
//                 404, 405, 429, 503 and /health, /ready); with API keys on,
//                 the security scheme APIKeyHeader (apiKey in header
//                 X-API-Key)
// The two /models operations carry the per-request guards: with api_keys,
// "security" (APIKeyHeader) and a 403 response; with rate_limits, a 429
// response with a Retry-After header. /health, /ready, /metrics and the
// documentation stay open.
//
// `ts` is described by a pattern, not format "date-time": the API renders
// naive UTC date-times as Python's isoformat() does ("2016-11-06T10:11:12",
// "2016-11-06T10:11:12.345000"), without the zone RFC 3339 requires.
//
// Thread safety: a pure function.
#pragma once

#include <string>

namespace medallion::api {

struct OpenApiOptions {
  // info.version: the server's version.
  std::string version = "0.0.0";
  // Whether the /models routes require X-API-Key (ApiKeys::enabled()).
  bool api_keys = false;
  // Whether the /models routes may answer 429 (a RateLimiter is in use).
  bool rate_limits = false;
  // Two-space indentation (for people); compact otherwise.
  bool pretty = false;
};

std::string openapi_json(const OpenApiOptions& options);

}  // namespace medallion::api
