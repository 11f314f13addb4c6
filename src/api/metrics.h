// ApiMetrics: the REST API's counters and latency histograms, rendered for
// GET /metrics in the Prometheus text exposition format, version 0.0.4.
//
// Metrics (one # HELP and one # TYPE line each, then its samples):
//   medallion_api_requests_total{route,method,status}          counter
//   medallion_api_request_duration_seconds{route}              histogram
//   medallion_api_cql_duration_seconds{query}                  histogram
//   medallion_api_cql_errors_total{query}                      counter
// `route` is a route template ("/models/completed-sessions/{player_id}") or
// "unmatched" (404s and anything no route took), never a raw path, so that a
// client cannot create series at will. `method` is one of GET HEAD POST PUT
// DELETE PATCH OPTIONS TRACE CONNECT, or "other". `status` is the 3-digit
// code, or "other" outside 100..999. requests_total shows only the
// (route, method, status) triples seen so far; the histograms and
// cql_errors_total show every route and query from the start (at 0).
//
// The format, as written here (one sample per line, '\n' after every line):
//   # HELP <name> <text, with \ and newline escaped as \\ and \n>
//   # TYPE <name> counter|histogram
//   <name>{<label>="<value>",...} <value>
// Label values escape \ as \\, " as \" and newline as \n. A histogram has, per
// label set, one <name>_bucket{...,le="<upper bound>"} per bound with the
// cumulative count of observations <= that bound, then le="+Inf" (equal to
// _count), <name>_sum (seconds) and <name>_count. Bounds and sums are
// printed with the fewest digits that read back to the same double, in %g's
// choice of notation ("0.0005", "2.5", "1e-05"), as Go's and Python's
// Prometheus clients print them.
//
// Routes and queries are fixed at construction and addressed by index, so
// the hot path (observe_*) is a few relaxed atomic increments: no lock, no
// allocation except once for the first request of each (route, method).
//
// Thread safety: observe_request, observe_cql and render may be called from
// any number of threads at once. A render that runs during observations sees
// each counter at some recent value: a histogram's _count always equals its
// +Inf bucket, while its _sum may lag or lead by the observations in flight.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace medallion::api {

// The Content-Type of the rendered text.
inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

// The route label of requests no route template matched.
inline constexpr std::string_view kUnmatchedRoute = "unmatched";

// Upper bounds (seconds) of the default histogram buckets: 100 µs to 10 s,
// dense around the API's goal (p99 <= 5 ms).
std::vector<double> default_latency_buckets();

struct ApiMetricsOptions {
  // The route templates, each once ("unmatched" is added by ApiMetrics).
  std::vector<std::string> routes;
  // The names of the CQL queries the handlers run, each once.
  std::vector<std::string> queries;
  // Histogram upper bounds in seconds: finite, > 0, strictly increasing.
  std::vector<double> request_buckets = default_latency_buckets();
  std::vector<double> cql_buckets = default_latency_buckets();
};

class ApiMetrics {
 public:
  using RouteId = uint32_t;
  using QueryId = uint32_t;

  // Fails with kInvalidArgument on an empty or repeated route or query name,
  // a route named "unmatched", or bad bucket bounds.
  static util::Result<std::unique_ptr<ApiMetrics>> create(ApiMetricsOptions options);
  ~ApiMetrics();
  ApiMetrics(const ApiMetrics&) = delete;
  ApiMetrics& operator=(const ApiMetrics&) = delete;

  // The id of a route template; unmatched() for any other string. Look ids
  // up once (when the router is built), not per request.
  RouteId route_id(std::string_view route_template) const;
  RouteId unmatched() const { return unmatched_; }
  // The id of a query name; nullopt for one not given at construction.
  std::optional<QueryId> query_id(std::string_view query) const;

  // One answered request: its route, method as sent, status code and the
  // time from its arrival to its response. An id out of range counts as
  // unmatched().
  void observe_request(RouteId route, std::string_view method, int status,
                       std::chrono::nanoseconds elapsed);
  // One CQL execution of a query; ok = false also counts an error. An id out
  // of range is ignored.
  void observe_cql(QueryId query, std::chrono::nanoseconds elapsed, bool ok);

  // The exposition text (see the top of this file).
  std::string render() const;

 private:
  struct Histogram;
  struct StatusCounts;

  ApiMetrics() = default;
  StatusCounts& status_counts(RouteId route, size_t method);

  std::vector<std::string> routes_;  // routes_[unmatched_] == "unmatched"
  std::vector<std::string> queries_;
  RouteId unmatched_ = 0;
  std::vector<double> request_bounds_;
  std::vector<double> cql_bounds_;
  std::vector<int64_t> request_bounds_ns_;
  std::vector<int64_t> cql_bounds_ns_;
  std::unique_ptr<Histogram[]> request_hist_;  // one per route
  std::unique_ptr<Histogram[]> cql_hist_;      // one per query
  std::unique_ptr<std::atomic<uint64_t>[]> cql_errors_;
  // Per (route, method): the counts by status, allocated on first use.
  std::unique_ptr<std::atomic<StatusCounts*>[]> status_counts_;
};

}  // namespace medallion::api
