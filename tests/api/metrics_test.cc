// ApiMetrics: the exposition text parses by the rules of the Prometheus text
// format 0.0.4 (checked by a small independent parser below), counts and
// buckets match what was observed, label values are escaped, bad options are
// refused, and concurrent observations add up exactly.
#include "api/metrics.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace medallion::api {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kCompleted = "/models/completed-sessions/{player_id}";
constexpr std::string_view kStarted = "/models/started_sessions/{country}/{hours}";

// ---------------------------------------------------------------------------
// An exposition-format checker, written from the format's description.

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct Exposition {
  std::map<std::string, std::string> types;  // family -> counter|histogram|...
  std::vector<Sample> samples;
  std::vector<std::string> problems;

  // The value of the one sample with this name and these labels; NaN when
  // there is none.
  double value(std::string_view name, const std::map<std::string, std::string>& labels) const {
    for (const Sample& s : samples) {
      if (s.name == name && s.labels == labels) return s.value;
    }
    return std::nan("");
  }
  size_t count(std::string_view name) const {
    size_t n = 0;
    for (const Sample& s : samples) n += s.name == name;
    return n;
  }
};

bool is_name_char(char c, bool first) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':' ||
         (!first && std::isdigit(static_cast<unsigned char>(c)));
}

// Parses "name{a="x",b="y"} value" (labels optional); false on bad syntax.
bool parse_sample(std::string_view line, Sample& out) {
  size_t i = 0;
  while (i < line.size() && is_name_char(line[i], i == 0)) ++i;
  if (i == 0) return false;
  out.name = std::string(line.substr(0, i));
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      size_t start = i;
      while (i < line.size() && is_name_char(line[i], i == start)) ++i;
      if (i == start || i + 1 >= line.size() || line[i] != '=' || line[i + 1] != '"') return false;
      std::string label(line.substr(start, i - start));
      i += 2;
      std::string value;
      while (i < line.size() && line[i] != '"') {
        if (line[i] == '\\') {
          if (i + 1 >= line.size()) return false;
          const char e = line[i + 1];
          if (e == '\\') {
            value += '\\';
          } else if (e == '"') {
            value += '"';
          } else if (e == 'n') {
            value += '\n';
          } else {
            return false;
          }
          i += 2;
        } else if (line[i] == '\n') {
          return false;
        } else {
          value += line[i++];
        }
      }
      if (i >= line.size()) return false;
      ++i;                                                         // closing quote
      if (!out.labels.emplace(label, value).second) return false;  // repeated label
      if (i < line.size() && line[i] == ',') ++i;
    }
    if (i >= line.size()) return false;
    ++i;  // '}'
  }
  if (i >= line.size() || line[i] != ' ') return false;
  const std::string value(line.substr(i + 1));
  if (value == "+Inf") {
    out.value = INFINITY;
  } else if (value == "-Inf") {
    out.value = -INFINITY;
  } else if (value == "NaN") {
    out.value = NAN;
  } else {
    char* end = nullptr;
    out.value = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0') return false;
  }
  return true;
}

// The family a sample belongs to: histograms own <f>_bucket, _sum, _count.
std::string family_of(const std::string& name, const std::map<std::string, std::string>& types) {
  for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
    if (name.size() > suffix.size() && name.ends_with(suffix)) {
      const std::string base = name.substr(0, name.size() - suffix.size());
      auto it = types.find(base);
      if (it != types.end() && it->second == "histogram") return base;
    }
  }
  return name;
}

Exposition parse_exposition(std::string_view text) {
  Exposition e;
  if (!text.empty() && text.back() != '\n') e.problems.push_back("the text does not end in \\n");
  std::set<std::string> helped;
  std::set<std::string> families_with_samples;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty()) continue;
    if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) {
      const std::string_view rest = line.substr(7);
      const size_t sp = rest.find(' ');
      const std::string name(rest.substr(0, sp));
      const std::string_view arg = sp == std::string_view::npos ? "" : rest.substr(sp + 1);
      if (line[2] == 'H') {
        if (!helped.insert(name).second) e.problems.push_back("two HELP lines for " + name);
      } else {
        static const std::set<std::string_view> kTypes = {"counter", "gauge", "histogram",
                                                          "summary", "untyped"};
        if (!kTypes.contains(arg)) e.problems.push_back("bad TYPE " + std::string(arg));
        if (families_with_samples.contains(name)) {
          e.problems.push_back("TYPE of " + name + " after its samples");
        }
        if (!e.types.emplace(name, std::string(arg)).second) {
          e.problems.push_back("two TYPE lines for " + name);
        }
      }
      continue;
    }
    if (line.front() == '#') continue;  // a comment
    Sample s;
    if (!parse_sample(line, s)) {
      e.problems.push_back("bad sample line: " + std::string(line));
      continue;
    }
    const std::string family = family_of(s.name, e.types);
    if (!e.types.contains(family)) e.problems.push_back("no TYPE for " + s.name);
    families_with_samples.insert(family);
    e.samples.push_back(std::move(s));
  }

  // Histograms: per label set (without le), buckets with increasing bounds
  // and cumulative counts, the last le="+Inf" equal to _count, one _sum.
  for (const auto& [family, type] : e.types) {
    if (type != "histogram") continue;
    std::map<std::map<std::string, std::string>, std::vector<std::pair<double, double>>> buckets;
    std::map<std::map<std::string, std::string>, double> counts, sums;
    for (const Sample& s : e.samples) {
      if (s.name == family + "_bucket") {
        auto labels = s.labels;
        auto le = labels.find("le");
        if (le == labels.end()) {
          e.problems.push_back(family + "_bucket without le");
          continue;
        }
        const double bound =
            le->second == "+Inf" ? INFINITY : std::strtod(le->second.c_str(), nullptr);
        labels.erase(le);
        buckets[labels].emplace_back(bound, s.value);
      } else if (s.name == family + "_count") {
        if (!counts.emplace(s.labels, s.value).second) e.problems.push_back("two _count");
      } else if (s.name == family + "_sum") {
        if (!sums.emplace(s.labels, s.value).second) e.problems.push_back("two _sum");
      }
    }
    for (const auto& [labels, list] : buckets) {
      for (size_t i = 1; i < list.size(); ++i) {
        if (!(list[i].first > list[i - 1].first))
          e.problems.push_back(family + ": le not increasing");
        if (list[i].second < list[i - 1].second) e.problems.push_back(family + ": not cumulative");
      }
      if (list.empty() || !std::isinf(list.back().first)) {
        e.problems.push_back(family + ": the last bucket is not +Inf");
        continue;
      }
      if (!counts.contains(labels) || counts.at(labels) != list.back().second) {
        e.problems.push_back(family + ": +Inf bucket differs from _count");
      }
      if (!sums.contains(labels)) e.problems.push_back(family + ": no _sum");
    }
    if (counts.size() != buckets.size()) e.problems.push_back(family + ": _count without buckets");
  }
  return e;
}

std::string problems_of(const Exposition& e) {
  std::string out;
  for (const auto& p : e.problems) out += p + "\n";
  return out;
}

std::unique_ptr<ApiMetrics> make_metrics() {
  ApiMetricsOptions options;
  options.routes = {"/health", "/ready", std::string(kCompleted), std::string(kStarted),
                    "/metrics"};
  options.queries = {"completed_sessions", "started_sessions"};
  auto metrics = ApiMetrics::create(std::move(options));
  EXPECT_TRUE(metrics.is_ok()) << metrics.status().to_string();
  return std::move(metrics).value();
}

// ---------------------------------------------------------------------------
// The checker itself: it must be able to fail.

TEST(MetricsChecker, RejectsBrokenExpositions) {
  EXPECT_FALSE(parse_exposition("x 1\n").problems.empty());  // no TYPE
  EXPECT_FALSE(parse_exposition("# TYPE x counter\nx{a=\"b} 1\n").problems.empty());
  EXPECT_FALSE(parse_exposition("# TYPE x counter\nx 1").problems.empty());  // no final \n
  EXPECT_FALSE(parse_exposition("# TYPE h histogram\n"
                                "h_bucket{le=\"1\"} 2\nh_bucket{le=\"2\"} 1\n"
                                "h_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 2\n")
                   .problems.empty());  // not cumulative
  EXPECT_FALSE(parse_exposition("# TYPE h histogram\n"
                                "h_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n")
                   .problems.empty());  // no +Inf
  EXPECT_FALSE(
      parse_exposition("# TYPE h histogram\n"
                       "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n")
          .problems.empty());  // +Inf != _count
  EXPECT_TRUE(parse_exposition("# HELP x a \\\\ b\n# TYPE x counter\nx{a=\"q\\\"\\n\"} 1\n")
                  .problems.empty());
}

// ---------------------------------------------------------------------------
// Options

TEST(ApiMetrics, RefusesRepeatedRoute) {
  ApiMetricsOptions options;
  options.routes = {"/health", "/health"};
  auto m = ApiMetrics::create(options);
  ASSERT_FALSE(m.is_ok());
  EXPECT_EQ(m.status().code(), util::StatusCode::kInvalidArgument);
  EXPECT_NE(m.status().message().find("'/health' is listed twice"), std::string::npos);
}

TEST(ApiMetrics, RefusesEmptyQueryName) {
  ApiMetricsOptions options;
  options.queries = {""};
  EXPECT_FALSE(ApiMetrics::create(options).is_ok());
}

TEST(ApiMetrics, RefusesRouteNamedUnmatched) {
  ApiMetricsOptions options;
  options.routes = {"unmatched"};
  EXPECT_FALSE(ApiMetrics::create(options).is_ok());
}

TEST(ApiMetrics, RefusesBadBuckets) {
  for (const std::vector<double>& bounds :
       {std::vector<double>{0.1, 0.1}, {0.2, 0.1}, {0, 1}, {-1}, {NAN}, {INFINITY}}) {
    ApiMetricsOptions options;
    options.request_buckets = bounds;
    EXPECT_FALSE(ApiMetrics::create(options).is_ok()) << bounds.size();
    options.request_buckets = default_latency_buckets();
    options.cql_buckets = bounds;
    EXPECT_FALSE(ApiMetrics::create(options).is_ok()) << bounds.size();
  }
}

TEST(ApiMetrics, AcceptsNoBucketsAtAll) {
  ApiMetricsOptions options;
  options.routes = {"/health"};
  options.request_buckets = {};
  auto m = ApiMetrics::create(options);
  ASSERT_TRUE(m.is_ok());
  (*m)->observe_request((*m)->route_id("/health"), "GET", 200, 3ms);
  const Exposition e = parse_exposition((*m)->render());
  EXPECT_EQ(problems_of(e), "");
  EXPECT_EQ(e.value("medallion_api_request_duration_seconds_bucket",
                    {{"route", "/health"}, {"le", "+Inf"}}),
            1);
}

// ---------------------------------------------------------------------------
// Ids

TEST(ApiMetrics, UnknownRouteIsUnmatched) {
  auto m = make_metrics();
  EXPECT_EQ(m->route_id("/nope"), m->unmatched());
  EXPECT_EQ(m->route_id("unmatched"), m->unmatched());
  EXPECT_NE(m->route_id("/health"), m->unmatched());
  EXPECT_NE(m->route_id("/health"), m->route_id("/ready"));
}

TEST(ApiMetrics, UnknownQueryHasNoId) {
  auto m = make_metrics();
  EXPECT_FALSE(m->query_id("nope").has_value());
  EXPECT_TRUE(m->query_id("started_sessions").has_value());
}

// ---------------------------------------------------------------------------
// Rendering

TEST(ApiMetrics, EmptyRenderIsWellFormed) {
  auto m = make_metrics();
  const std::string text = m->render();
  const Exposition e = parse_exposition(text);
  EXPECT_EQ(problems_of(e), "") << text;
  EXPECT_EQ(e.types.at("medallion_api_requests_total"), "counter");
  EXPECT_EQ(e.types.at("medallion_api_request_duration_seconds"), "histogram");
  EXPECT_EQ(e.types.at("medallion_api_cql_duration_seconds"), "histogram");
  EXPECT_EQ(e.types.at("medallion_api_cql_errors_total"), "counter");
  EXPECT_EQ(e.count("medallion_api_requests_total"), 0u);
  // Every route (and "unmatched") and every query from the start.
  EXPECT_EQ(e.count("medallion_api_request_duration_seconds_count"), 6u);
  EXPECT_EQ(e.count("medallion_api_cql_duration_seconds_count"), 2u);
  EXPECT_EQ(e.value("medallion_api_cql_errors_total", {{"query", "completed_sessions"}}), 0);
  EXPECT_EQ(e.value("medallion_api_request_duration_seconds_count", {{"route", "unmatched"}}), 0);
  EXPECT_NE(text.find("# HELP medallion_api_requests_total "), std::string::npos);
}

TEST(ApiMetrics, ContentTypeIsTheTextFormat) {
  EXPECT_EQ(kPrometheusContentType, "text/plain; version=0.0.4; charset=utf-8");
}

TEST(ApiMetrics, CountsRequestsByRouteMethodAndStatus) {
  auto m = make_metrics();
  const auto completed = m->route_id(kCompleted);
  for (int i = 0; i < 7; ++i) m->observe_request(completed, "GET", 200, 1ms);
  for (int i = 0; i < 3; ++i) m->observe_request(completed, "GET", 422, 1ms);
  m->observe_request(completed, "HEAD", 200, 1ms);
  m->observe_request(m->unmatched(), "GET", 404, 1ms);
  m->observe_request(m->route_id("/health"), "POST", 405, 1ms);

  const Exposition e = parse_exposition(m->render());
  ASSERT_EQ(problems_of(e), "");
  const std::string route(kCompleted);
  EXPECT_EQ(e.value("medallion_api_requests_total",
                    {{"route", route}, {"method", "GET"}, {"status", "200"}}),
            7);
  EXPECT_EQ(e.value("medallion_api_requests_total",
                    {{"route", route}, {"method", "GET"}, {"status", "422"}}),
            3);
  EXPECT_EQ(e.value("medallion_api_requests_total",
                    {{"route", route}, {"method", "HEAD"}, {"status", "200"}}),
            1);
  EXPECT_EQ(e.value("medallion_api_requests_total",
                    {{"route", "unmatched"}, {"method", "GET"}, {"status", "404"}}),
            1);
  EXPECT_EQ(e.value("medallion_api_requests_total",
                    {{"route", "/health"}, {"method", "POST"}, {"status", "405"}}),
            1);
  EXPECT_EQ(e.count("medallion_api_requests_total"), 5u);  // only what was seen
  EXPECT_EQ(e.value("medallion_api_request_duration_seconds_count", {{"route", route}}), 11);
}

TEST(ApiMetrics, OddMethodsAndStatusesShareOther) {
  auto m = make_metrics();
  const auto health = m->route_id("/health");
  m->observe_request(health, "BREW", 200, 1ms);
  m->observe_request(health, "get", 200, 1ms);  // methods are case-sensitive
  m->observe_request(health, "GET", 42, 1ms);
  m->observe_request(health, "GET", 1000, 1ms);
  m->observe_request(12345, "GET", 200, 1ms);  // an id out of range: unmatched
  const Exposition e = parse_exposition(m->render());
  ASSERT_EQ(problems_of(e), "");
  EXPECT_EQ(e.value("medallion_api_requests_total",
                    {{"route", "/health"}, {"method", "other"}, {"status", "200"}}),
            2);
  EXPECT_EQ(e.value("medallion_api_requests_total",
                    {{"route", "/health"}, {"method", "GET"}, {"status", "other"}}),
            2);
  EXPECT_EQ(e.value("medallion_api_requests_total",
                    {{"route", "unmatched"}, {"method", "GET"}, {"status", "200"}}),
            1);
}

TEST(ApiMetrics, HistogramBucketsAreCumulativeAndInclusive) {
  ApiMetricsOptions options;
  options.routes = {"/r"};
  options.request_buckets = {0.001, 0.01, 0.1};
  auto created = ApiMetrics::create(options);
  ASSERT_TRUE(created.is_ok());
  auto& m = **created;
  const auto r = m.route_id("/r");
  m.observe_request(r, "GET", 200, 500us);
  m.observe_request(r, "GET", 200, 1ms);  // exactly on a bound: le includes it
  m.observe_request(r, "GET", 200, 1001us);
  m.observe_request(r, "GET", 200, 50ms);
  m.observe_request(r, "GET", 200, 20s);   // above every bound
  m.observe_request(r, "GET", 200, -5ms);  // a clock step back counts as 0

  const std::string text = m.render();
  const Exposition e = parse_exposition(text);
  ASSERT_EQ(problems_of(e), "") << text;
  const std::string name = "medallion_api_request_duration_seconds";
  EXPECT_EQ(e.value(name + "_bucket", {{"route", "/r"}, {"le", "0.001"}}), 3);
  EXPECT_EQ(e.value(name + "_bucket", {{"route", "/r"}, {"le", "0.01"}}), 4);
  EXPECT_EQ(e.value(name + "_bucket", {{"route", "/r"}, {"le", "0.1"}}), 5);
  EXPECT_EQ(e.value(name + "_bucket", {{"route", "/r"}, {"le", "+Inf"}}), 6);
  EXPECT_EQ(e.value(name + "_count", {{"route", "/r"}}), 6);
  EXPECT_DOUBLE_EQ(e.value(name + "_sum", {{"route", "/r"}}),
                   0.0005 + 0.001 + 0.001001 + 0.05 + 20);
  EXPECT_NE(text.find(name + "_bucket{route=\"/r\",le=\"0.001\"} 3\n"), std::string::npos) << text;
}

TEST(ApiMetrics, CqlLatencyAndErrorsByQuery) {
  auto m = make_metrics();
  const auto completed = *m->query_id("completed_sessions");
  const auto started = *m->query_id("started_sessions");
  m->observe_cql(completed, 300us, true);
  m->observe_cql(completed, 2ms, false);
  m->observe_cql(started, 40ms, false);
  m->observe_cql(started, 40ms, false);
  m->observe_cql(99, 1ms, false);  // out of range: ignored

  const Exposition e = parse_exposition(m->render());
  ASSERT_EQ(problems_of(e), "");
  const std::string name = "medallion_api_cql_duration_seconds";
  EXPECT_EQ(e.value(name + "_count", {{"query", "completed_sessions"}}), 2);
  EXPECT_EQ(e.value(name + "_bucket", {{"query", "completed_sessions"}, {"le", "0.0005"}}), 1);
  EXPECT_EQ(e.value(name + "_count", {{"query", "started_sessions"}}), 2);
  EXPECT_DOUBLE_EQ(e.value(name + "_sum", {{"query", "started_sessions"}}), 0.08);
  EXPECT_EQ(e.value("medallion_api_cql_errors_total", {{"query", "completed_sessions"}}), 1);
  EXPECT_EQ(e.value("medallion_api_cql_errors_total", {{"query", "started_sessions"}}), 2);
}

TEST(ApiMetrics, LabelValuesAreEscaped) {
  const std::string odd = "/a\"b\\c\nd";
  ApiMetricsOptions options;
  options.routes = {odd};
  options.queries = {"q\"uote"};
  auto created = ApiMetrics::create(options);
  ASSERT_TRUE(created.is_ok());
  auto& m = **created;
  m.observe_request(m.route_id(odd), "GET", 200, 1ms);
  m.observe_cql(*m.query_id("q\"uote"), 1ms, false);
  const std::string text = m.render();
  EXPECT_NE(text.find("route=\"/a\\\"b\\\\c\\nd\""), std::string::npos) << text;
  const Exposition e = parse_exposition(text);
  ASSERT_EQ(problems_of(e), "") << text;
  EXPECT_EQ(e.value("medallion_api_requests_total",
                    {{"route", odd}, {"method", "GET"}, {"status", "200"}}),
            1);
  EXPECT_EQ(e.value("medallion_api_cql_errors_total", {{"query", "q\"uote"}}), 1);
}

// ---------------------------------------------------------------------------
// Concurrency

TEST(ApiMetrics, ConcurrentObservationsAddUpExactly) {
  auto m = make_metrics();
  const std::vector<ApiMetrics::RouteId> routes = {m->route_id("/health"), m->route_id(kCompleted),
                                                   m->route_id(kStarted), m->unmatched()};
  const auto query = *m->query_id("completed_sessions");
  constexpr int kThreads = 4;
  constexpr int kPerThread = 40000;
  std::atomic<bool> done{false};
  std::atomic<int> renders{0};
  std::string render_problems;

  // A reader renders and checks while the writers run: every snapshot must
  // parse, be cumulative, and have +Inf == _count.
  std::thread reader([&] {
    while (!done.load()) {
      const Exposition e = parse_exposition(m->render());
      if (!e.problems.empty() && render_problems.empty()) render_problems = problems_of(e);
      renders.fetch_add(1);
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const auto route = routes[(i + t) % routes.size()];
        const int status = i % 10 == 0 ? 422 : 200;
        m->observe_request(route, "GET", status, std::chrono::microseconds(i % 7000));
        m->observe_cql(query, std::chrono::microseconds(i % 300), i % 100 != 0);
      }
    });
  }
  for (auto& w : writers) w.join();
  done = true;
  reader.join();
  EXPECT_EQ(render_problems, "");
  EXPECT_GT(renders.load(), 0);

  const Exposition e = parse_exposition(m->render());
  ASSERT_EQ(problems_of(e), "");
  double total = 0, total_422 = 0;
  for (const Sample& s : e.samples) {
    if (s.name != "medallion_api_requests_total") continue;
    total += s.value;
    if (s.labels.at("status") == "422") total_422 += s.value;
  }
  EXPECT_EQ(total, kThreads * kPerThread);
  EXPECT_EQ(total_422, kThreads * kPerThread / 10);
  double hist_total = 0;
  for (const Sample& s : e.samples) {
    if (s.name == "medallion_api_request_duration_seconds_count") hist_total += s.value;
  }
  EXPECT_EQ(hist_total, kThreads * kPerThread);
  // Each route got exactly a quarter.
  EXPECT_EQ(e.value("medallion_api_request_duration_seconds_count", {{"route", "/health"}}),
            kThreads * kPerThread / 4);
  EXPECT_EQ(e.value("medallion_api_cql_duration_seconds_count", {{"query", "completed_sessions"}}),
            kThreads * kPerThread);
  EXPECT_EQ(e.value("medallion_api_cql_errors_total", {{"query", "completed_sessions"}}),
            kThreads * kPerThread / 100);
  // The sum is exact too: integer nanoseconds underneath.
  double expected_sum_us = 0;
  for (int i = 0; i < kPerThread; ++i) expected_sum_us += i % 300;
  EXPECT_NEAR(e.value("medallion_api_cql_duration_seconds_sum", {{"query", "completed_sessions"}}),
              expected_sum_us * kThreads / 1e6, 1e-9);
}

}  // namespace
}  // namespace medallion::api
