#include "api/serving_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <utility>
#include <variant>

#include "cql/client/result_page.h"
#include "cql/client/session.h"
#include "cql/client/token_ring.h"

namespace medallion::api {
namespace {

constexpr int64_t kMillisPerHour = int64_t{3600} * 1000;
constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000 * 1000;

int64_t floor_div(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}
int64_t floor_to_hour(int64_t millis) { return floor_div(millis, kMillisPerHour) * kMillisPerHour; }
// Milliseconds of an instant in microseconds: the first millisecond at or
// after it (for lower bounds) or at or before it (upper bounds).
int64_t millis_at_or_after(int64_t micros) { return -floor_div(-micros, 1000); }
int64_t millis_at_or_before(int64_t micros) { return floor_div(micros, 1000); }

util::Result<int64_t> timestamp_of(const cql::ResultPage& page, size_t row, size_t column) {
  MEDALLION_ASSIGN_OR_RETURN(cql::CqlValue value, page.value(row, column));
  if (const auto* ts = std::get_if<cql::Timestamp>(&value.v)) return ts->millis;
  return util::Status::corruption(
      fmt::format("api: column {} of a serving table row is not a timestamp (or is null)",
                  page.columns()[column].name));
}

std::string text_of(const cql::ResultPage& page, size_t row, size_t column) {
  const auto& raw = page.raw(row, column);
  return raw ? *raw : std::string();
}

cql::Value text_value(std::string text) { return cql::Value::of(std::move(text)); }
cql::Value timestamp_value(int64_t millis) {
  std::string bytes;
  // Every int64 is a timestamp: the encoding cannot fail.
  (void)cql::encode_value(cql::CqlType::of(cql::TypeId::kTimestamp), cql::Timestamp{millis},
                          &bytes);
  return cql::Value::of(std::move(bytes));
}

util::Status check_columns(const cql::ResultPage& page, size_t count) {
  if (page.columns().size() != count) {
    return util::Status::corruption(
        fmt::format("api: a serving table query returned {} columns, expected {}",
                    page.columns().size(), count));
  }
  return util::Status::ok();
}

// Runs statements on the CQL client's session.
class SessionQueryRunner : public ServingQueryRunner {
 public:
  explicit SessionQueryRunner(std::shared_ptr<cql::Session> session)
      : session_(std::move(session)) {}

  util::Result<size_t> prepare(const std::string& query) override {
    MEDALLION_ASSIGN_OR_RETURN(auto prepared, session_->prepare(query));
    std::lock_guard<std::mutex> lock(mu_);
    statements_.push_back(std::move(prepared));
    return statements_.size() - 1;
  }

  void run(size_t statement, std::vector<cql::Value> values, int32_t page_size,
           RowsCallback done) override {
    cql::CqlStatement s;
    {
      std::lock_guard<std::mutex> lock(mu_);
      s.prepared = statements_.at(statement);
    }
    s.routing_key = cql::routing_key(values, s.prepared->partition_key_indices);
    s.values = std::move(values);
    s.page_size = page_size;
    s.idempotent = true;
    session_->execute_async(std::move(s), std::move(done));
  }

 private:
  std::shared_ptr<cql::Session> session_;
  std::mutex mu_;
  std::vector<std::shared_ptr<const cql::PreparedQuery>> statements_;
};

}  // namespace

std::shared_ptr<ServingQueryRunner> session_query_runner(std::shared_ptr<cql::Session> session) {
  return std::make_shared<SessionQueryRunner>(std::move(session));
}

struct ServingReader::Prepared {
  size_t completed = 0;
  size_t started_range = 0;   // start_ts in [lo, hi]
  size_t started_ties = 0;    // start_ts = t AND session_id > s
  size_t started_before = 0;  // start_ts in [lo, t)
  size_t ready = 0;
};

util::Result<std::shared_ptr<ServingReader>> ServingReader::prepare(
    std::shared_ptr<ServingQueryRunner> runner, ServingReaderOptions options) {
  if (!options.now_micros) {
    return util::Status::invalid_argument("api: the serving reader needs a clock (now_micros)");
  }
  auto prepared = std::make_shared<Prepared>();
  const auto prepare_one = [&](std::string text, size_t* out) -> util::Status {
    auto p = runner->prepare(text);
    if (!p.is_ok()) {
      return util::Status(p.status().code(),
                          fmt::format("api: cannot prepare the serving query ({}): {}: are the "
                                      "serving tables there? `medallion init` or `up` creates them",
                                      text, p.status().message()));
    }
    *out = *p;
    return util::Status::ok();
  };
  const std::string started =
      "SELECT start_ts, session_id, player_id FROM session_events.started_sessions_by_country_hour "
      "WHERE country = ? AND hour = ? AND start_ts ";
  MEDALLION_RETURN_IF_ERROR(prepare_one(
      "SELECT end_ts, session_id, country FROM session_events.completed_sessions_by_player "
      "WHERE player_id = ? AND end_ts >= ? LIMIT " +
          std::to_string(kCompletedSessionsLimit),
      &prepared->completed));
  MEDALLION_RETURN_IF_ERROR(
      prepare_one(started + ">= ? AND start_ts <= ?", &prepared->started_range));
  MEDALLION_RETURN_IF_ERROR(
      prepare_one(started + "= ? AND session_id > ?", &prepared->started_ties));
  MEDALLION_RETURN_IF_ERROR(
      prepare_one(started + ">= ? AND start_ts < ?", &prepared->started_before));
  MEDALLION_RETURN_IF_ERROR(prepare_one(
      "SELECT release_version FROM system.local WHERE key = 'local'", &prepared->ready));
  return std::shared_ptr<ServingReader>(
      new ServingReader(std::move(runner), std::move(options), std::move(prepared)));
}

ServingReader::ServingReader(std::shared_ptr<ServingQueryRunner> runner,
                             ServingReaderOptions options, std::shared_ptr<const Prepared> prepared)
    : runner_(std::move(runner)), options_(std::move(options)), prepared_(std::move(prepared)) {}

void ServingReader::completed_sessions(std::string player_id, CompletedCallback done) const {
  const int64_t since =
      millis_at_or_after(options_.now_micros() - options_.retention_days * kMicrosPerDay);
  // The rows do not repeat their partition key: the items take it from here.
  std::vector<cql::Value> values = {text_value(player_id), timestamp_value(since)};
  runner_->run(
      prepared_->completed, std::move(values), kCompletedSessionsLimit,
      [player = std::move(player_id), done = std::move(done)](util::Result<cql::ResultPage> r) {
        if (!r.is_ok()) return done(r.status());
        const cql::ResultPage& page = *r;
        if (page.empty()) return done(std::vector<SessionItem>());
        if (auto st = check_columns(page, 3); !st.is_ok()) return done(st);
        std::vector<SessionItem> items;
        items.reserve(page.size());
        for (size_t row = 0; row < page.size(); ++row) {
          auto ts = timestamp_of(page, row, 0);
          if (!ts.is_ok()) return done(ts.status());
          items.push_back(SessionItem{player, text_of(page, row, 1), text_of(page, row, 2), *ts});
        }
        done(std::move(items));
      });
}

namespace {

// One partition read of a started-sessions request.
struct StartedRead {
  size_t statement;
  std::vector<cql::Value> values;
};

// The state of one started-sessions request: its reads, run in order.
struct StartedRequest : std::enable_shared_from_this<StartedRequest> {
  std::shared_ptr<ServingQueryRunner> runner;
  std::string country;
  size_t wanted = 0;  // limit + 1
  size_t limit = 0;
  std::vector<StartedRead> reads;
  size_t next_read = 0;
  StartedSessionsPage page;
  ServingReader::StartedCallback done;

  void run() {
    if (page.items.size() >= wanted || next_read == reads.size()) return finish();
    StartedRead& read = reads[next_read++];
    runner->run(read.statement, std::move(read.values),
                static_cast<int32_t>(wanted - page.items.size()),
                [self = shared_from_this()](util::Result<cql::ResultPage> r) {
                  self->on_rows(std::move(r));
                });
  }

  void on_rows(util::Result<cql::ResultPage> r) {
    if (!r.is_ok()) return done(r.status());
    const cql::ResultPage& rows = *r;
    if (!rows.empty()) {
      if (auto st = check_columns(rows, 3); !st.is_ok()) return done(st);
    }
    for (size_t row = 0; row < rows.size() && page.items.size() < wanted; ++row) {
      auto ts = timestamp_of(rows, row, 0);
      if (!ts.is_ok()) return done(ts.status());
      page.items.push_back(SessionItem{text_of(rows, row, 2), text_of(rows, row, 1), country, *ts});
    }
    run();
  }

  void finish() {
    if (page.items.size() > limit) {
      page.items.resize(limit);
      const SessionItem& last = page.items.back();
      page.next = PagePosition{last.ts_millis, last.session_id};
    }
    done(std::move(page));
  }
};

}  // namespace

void ServingReader::started_sessions(std::string country, int hours, int limit,
                                     std::optional<PagePosition> after,
                                     StartedCallback done) const {
  if (hours < 1 || limit < 1) {
    return done(util::Status::invalid_argument("api: hours and limit must be at least 1"));
  }
  const int64_t now = options_.now_micros();
  const int64_t hi = millis_at_or_before(now);
  const int64_t lo = millis_at_or_after(now - int64_t{hours} * 3600 * 1000 * 1000);
  auto request = std::make_shared<StartedRequest>();
  request->runner = runner_;
  request->limit = static_cast<size_t>(limit);
  request->wanted = request->limit + 1;
  request->done = std::move(done);
  request->country = std::move(country);
  const std::string& c = request->country;
  if (!after || after->start_ts_millis >= lo) {
    const int64_t first_hour = floor_to_hour(after ? std::min(after->start_ts_millis, hi) : hi);
    for (int64_t hour = first_hour; hour >= floor_to_hour(lo); hour -= kMillisPerHour) {
      if (after && hour == floor_to_hour(after->start_ts_millis) && after->start_ts_millis <= hi) {
        request->reads.push_back(
            {prepared_->started_ties,
             {text_value(c), timestamp_value(hour), timestamp_value(after->start_ts_millis),
              text_value(after->session_id)}});
        request->reads.push_back({prepared_->started_before,
                                  {text_value(c), timestamp_value(hour), timestamp_value(lo),
                                   timestamp_value(after->start_ts_millis)}});
      } else {
        request->reads.push_back(
            {prepared_->started_range,
             {text_value(c), timestamp_value(hour), timestamp_value(lo), timestamp_value(hi)}});
      }
    }
  }
  request->run();
}

void ServingReader::check_ready(StatusCallback done) const {
  runner_->run(prepared_->ready, {}, 1, [done = std::move(done)](util::Result<cql::ResultPage> r) {
    done(r.is_ok() ? util::Status::ok() : r.status());
  });
}

}  // namespace medallion::api
