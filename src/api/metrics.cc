#include "api/metrics.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <set>
#include <utility>

namespace medallion::api {
namespace {

constexpr std::array<std::string_view, 9> kMethods = {
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"};
constexpr size_t kOtherMethod = kMethods.size();
constexpr size_t kMethodSlots = kMethods.size() + 1;

// Status codes 100..999 have a slot each; anything else shares the last.
constexpr int kFirstStatus = 100;
constexpr int kLastStatus = 999;
constexpr size_t kOtherStatus = kLastStatus - kFirstStatus + 1;
constexpr size_t kStatusSlots = kOtherStatus + 1;

size_t method_slot(std::string_view method) {
  for (size_t i = 0; i < kMethods.size(); ++i) {
    if (kMethods[i] == method) return i;
  }
  return kOtherMethod;
}

size_t status_slot(int status) {
  if (status < kFirstStatus || status > kLastStatus) return kOtherStatus;
  return static_cast<size_t>(status - kFirstStatus);
}

util::Status check_names(std::string_view what, const std::vector<std::string>& names) {
  std::set<std::string_view> seen;
  for (const auto& name : names) {
    if (name.empty()) {
      return util::Status::invalid_argument("metrics: empty " + std::string(what) +
                                            " name: give every " + std::string(what) + " a name");
    }
    if (!seen.insert(name).second) {
      return util::Status::invalid_argument("metrics: " + std::string(what) + " '" + name +
                                            "' is listed twice: list each once");
    }
  }
  return util::Status::ok();
}

util::Result<std::vector<int64_t>> bounds_in_ns(std::string_view metric,
                                                const std::vector<double>& bounds) {
  std::vector<int64_t> ns;
  ns.reserve(bounds.size());
  for (size_t i = 0; i < bounds.size(); ++i) {
    const double b = bounds[i];
    // 1e9 s is about 31 years: far past any latency, and still fits int64 ns.
    if (!std::isfinite(b) || b <= 0 || b > 1e9 || (i > 0 && b <= bounds[i - 1])) {
      return util::Status::invalid_argument(
          "metrics: bad histogram bounds for " + std::string(metric) + " (bound " +
          std::to_string(i) + "): bounds must be finite seconds > 0, strictly increasing");
    }
    ns.push_back(std::llround(b * 1e9));
  }
  return ns;
}

void append_double(std::string& out, double v) {
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  // The shortest round-trip digits, fixed or exponent as %g picks them
  // ("0.0005", "1e-05"): what Go's and Python's clients print.
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general);
  out.append(buf, ec == std::errc() ? end : buf);
}

void append_uint(std::string& out, uint64_t v) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

// A label value: \ " and newline escaped.
void append_label_value(std::string& out, std::string_view v) {
  for (const char c : v) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

void append_header(std::string& out, std::string_view name, std::string_view type,
                   std::string_view help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  for (const char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

constexpr std::string_view kRequests = "medallion_api_requests_total";
constexpr std::string_view kRequestDuration = "medallion_api_request_duration_seconds";
constexpr std::string_view kCqlDuration = "medallion_api_cql_duration_seconds";
constexpr std::string_view kCqlErrors = "medallion_api_cql_errors_total";

}  // namespace

std::vector<double> default_latency_buckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
}

// The histogram of one label set. Counts are per bucket (not cumulative):
// one increment per observation; render accumulates.
struct alignas(64) ApiMetrics::Histogram {
  const std::vector<int64_t>* bounds_ns = nullptr;
  std::unique_ptr<std::atomic<uint64_t>[]> counts;  // bounds + 1 (the last: +Inf)
  std::atomic<uint64_t> sum_ns{0};

  void init(const std::vector<int64_t>& bounds) {
    bounds_ns = &bounds;
    counts = std::make_unique<std::atomic<uint64_t>[]>(bounds.size() + 1);
  }

  void observe(std::chrono::nanoseconds elapsed) {
    const int64_t ns = std::max<int64_t>(0, elapsed.count());
    // The first bound >= ns ("le": less than or equal).
    const size_t slot = static_cast<size_t>(
        std::lower_bound(bounds_ns->begin(), bounds_ns->end(), ns) - bounds_ns->begin());
    counts[slot].fetch_add(1, std::memory_order_relaxed);
    sum_ns.fetch_add(static_cast<uint64_t>(ns), std::memory_order_relaxed);
  }

  // Appends the _bucket, _sum and _count lines; labels is `name="value",`
  // (with the trailing comma) or "".
  void render(std::string& out, std::string_view name, std::string_view labels,
              const std::vector<double>& bounds) const {
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= bounds.size(); ++i) {
      cumulative += counts[i].load(std::memory_order_relaxed);
      out += name;
      out += "_bucket{";
      out += labels;
      out += "le=\"";
      if (i < bounds.size()) {
        append_double(out, bounds[i]);
      } else {
        out += "+Inf";
      }
      out += "\"} ";
      append_uint(out, cumulative);
      out += '\n';
    }
    std::string_view bare = labels;
    if (!bare.empty()) bare.remove_suffix(1);  // the trailing comma
    out += name;
    out += "_sum{";
    out += bare;
    out += "} ";
    append_double(out, static_cast<double>(sum_ns.load(std::memory_order_relaxed)) / 1e9);
    out += '\n';
    out += name;
    out += "_count{";
    out += bare;
    out += "} ";
    append_uint(out, cumulative);
    out += '\n';
  }
};

struct ApiMetrics::StatusCounts {
  std::array<std::atomic<uint64_t>, kStatusSlots> n{};
};

util::Result<std::unique_ptr<ApiMetrics>> ApiMetrics::create(ApiMetricsOptions options) {
  MEDALLION_RETURN_IF_ERROR(check_names("route", options.routes));
  MEDALLION_RETURN_IF_ERROR(check_names("query", options.queries));
  for (const auto& route : options.routes) {
    if (route == kUnmatchedRoute) {
      return util::Status::invalid_argument(
          "metrics: a route may not be named 'unmatched': that label is kept for requests no "
          "route matched");
    }
  }
  MEDALLION_ASSIGN_OR_RETURN(auto request_ns,
                             bounds_in_ns(kRequestDuration, options.request_buckets));
  MEDALLION_ASSIGN_OR_RETURN(auto cql_ns, bounds_in_ns(kCqlDuration, options.cql_buckets));

  std::unique_ptr<ApiMetrics> m(new ApiMetrics());
  m->routes_ = std::move(options.routes);
  m->unmatched_ = static_cast<RouteId>(m->routes_.size());
  m->routes_.emplace_back(kUnmatchedRoute);
  m->queries_ = std::move(options.queries);
  m->request_bounds_ = std::move(options.request_buckets);
  m->cql_bounds_ = std::move(options.cql_buckets);
  m->request_bounds_ns_ = std::move(request_ns);
  m->cql_bounds_ns_ = std::move(cql_ns);

  m->request_hist_ = std::make_unique<Histogram[]>(m->routes_.size());
  for (size_t i = 0; i < m->routes_.size(); ++i) m->request_hist_[i].init(m->request_bounds_ns_);
  m->cql_hist_ = std::make_unique<Histogram[]>(m->queries_.size());
  for (size_t i = 0; i < m->queries_.size(); ++i) m->cql_hist_[i].init(m->cql_bounds_ns_);
  m->cql_errors_ = std::make_unique<std::atomic<uint64_t>[]>(m->queries_.size());
  m->status_counts_ =
      std::make_unique<std::atomic<StatusCounts*>[]>(m->routes_.size() * kMethodSlots);
  return m;
}

ApiMetrics::~ApiMetrics() {
  if (!status_counts_) return;
  for (size_t i = 0; i < routes_.size() * kMethodSlots; ++i) {
    delete status_counts_[i].load(std::memory_order_acquire);
  }
}

ApiMetrics::RouteId ApiMetrics::route_id(std::string_view route_template) const {
  for (size_t i = 0; i < routes_.size(); ++i) {
    if (routes_[i] == route_template) return static_cast<RouteId>(i);
  }
  return unmatched_;
}

std::optional<ApiMetrics::QueryId> ApiMetrics::query_id(std::string_view query) const {
  for (size_t i = 0; i < queries_.size(); ++i) {
    if (queries_[i] == query) return static_cast<QueryId>(i);
  }
  return std::nullopt;
}

ApiMetrics::StatusCounts& ApiMetrics::status_counts(RouteId route, size_t method) {
  std::atomic<StatusCounts*>& slot = status_counts_[route * kMethodSlots + method];
  StatusCounts* counts = slot.load(std::memory_order_acquire);
  if (counts != nullptr) return *counts;
  // First request of this (route, method): publish a zeroed array; if another
  // thread won the race, use its array and drop ours.
  auto fresh = std::make_unique<StatusCounts>();
  if (slot.compare_exchange_strong(counts, fresh.get(), std::memory_order_acq_rel,
                                   std::memory_order_acquire)) {
    return *fresh.release();
  }
  return *counts;
}

void ApiMetrics::observe_request(RouteId route, std::string_view method, int status,
                                 std::chrono::nanoseconds elapsed) {
  if (route >= routes_.size()) route = unmatched_;
  status_counts(route, method_slot(method))
      .n[status_slot(status)]
      .fetch_add(1, std::memory_order_relaxed);
  request_hist_[route].observe(elapsed);
}

void ApiMetrics::observe_cql(QueryId query, std::chrono::nanoseconds elapsed, bool ok) {
  if (query >= queries_.size()) return;
  cql_hist_[query].observe(elapsed);
  if (!ok) cql_errors_[query].fetch_add(1, std::memory_order_relaxed);
}

std::string ApiMetrics::render() const {
  std::string out;
  out.reserve(4096 + (routes_.size() + queries_.size()) * 1536);

  append_header(out, kRequests, "counter",
                "Requests answered, by route template (\"unmatched\" when no route matched), "
                "method and status code.");
  for (size_t r = 0; r < routes_.size(); ++r) {
    for (size_t m = 0; m < kMethodSlots; ++m) {
      const StatusCounts* counts =
          status_counts_[r * kMethodSlots + m].load(std::memory_order_acquire);
      if (counts == nullptr) continue;
      for (size_t s = 0; s < kStatusSlots; ++s) {
        const uint64_t n = counts->n[s].load(std::memory_order_relaxed);
        if (n == 0) continue;
        out += kRequests;
        out += "{route=\"";
        append_label_value(out, routes_[r]);
        out += "\",method=\"";
        out += m == kOtherMethod ? std::string_view("other") : kMethods[m];
        out += "\",status=\"";
        if (s == kOtherStatus) {
          out += "other";
        } else {
          append_uint(out, s + kFirstStatus);
        }
        out += "\"} ";
        append_uint(out, n);
        out += '\n';
      }
    }
  }

  std::string labels;
  append_header(out, kRequestDuration, "histogram",
                "Time from a request's arrival to its response, in seconds, by route template.");
  for (size_t r = 0; r < routes_.size(); ++r) {
    labels = "route=\"";
    append_label_value(labels, routes_[r]);
    labels += "\",";
    request_hist_[r].render(out, kRequestDuration, labels, request_bounds_);
  }

  append_header(out, kCqlDuration, "histogram",
                "Time of one CQL query execution as the API's client saw it, in seconds, by "
                "query.");
  for (size_t q = 0; q < queries_.size(); ++q) {
    labels = "query=\"";
    append_label_value(labels, queries_[q]);
    labels += "\",";
    cql_hist_[q].render(out, kCqlDuration, labels, cql_bounds_);
  }

  append_header(out, kCqlErrors, "counter", "CQL query executions that failed, by query.");
  for (size_t q = 0; q < queries_.size(); ++q) {
    out += kCqlErrors;
    out += "{query=\"";
    append_label_value(out, queries_[q]);
    out += "\"} ";
    append_uint(out, cql_errors_[q].load(std::memory_order_relaxed));
    out += '\n';
  }
  return out;
}

}  // namespace medallion::api
