#include "api/serving_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "cql/client/session.h"

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
  const auto& raw = page.raw(row, column);
  if (!raw || raw->size() != 8) {
    return util::Status::corruption(
        fmt::format("api: column {} of a serving table row is not a timestamp (null or {} bytes)",
                    page.columns()[column].name, raw ? raw->size() : 0));
  }
  uint64_t v = 0;
  for (unsigned char c : *raw) v = (v << 8) | c;
  return static_cast<int64_t>(v);
}

std::string text_of(const cql::ResultPage& page, size_t row, size_t column) {
  const auto& raw = page.raw(row, column);
  return raw ? *raw : std::string();
}

util::Status check_columns(const cql::ResultPage& page, size_t count) {
  if (page.columns().size() != count) {
    return util::Status::corruption(
        fmt::format("api: a serving table query returned {} columns, expected {}",
                    page.columns().size(), count));
  }
  return util::Status::ok();
}

}  // namespace

struct ServingReader::Prepared {
  std::shared_ptr<const cql::PreparedQuery> completed;
  std::shared_ptr<const cql::PreparedQuery> started_range;   // start_ts in [lo, hi]
  std::shared_ptr<const cql::PreparedQuery> started_ties;    // start_ts = t AND session_id > s
  std::shared_ptr<const cql::PreparedQuery> started_before;  // start_ts in [lo, t)
};

util::Result<std::shared_ptr<ServingReader>> ServingReader::prepare(
    std::shared_ptr<cql::Session> session, ServingReaderOptions options) {
  if (!options.now_micros) {
    return util::Status::invalid_argument("api: the serving reader needs a clock (now_micros)");
  }
  auto prepared = std::make_shared<Prepared>();
  const auto prepare_one = [&](std::string text,
                               std::shared_ptr<const cql::PreparedQuery>* out) -> util::Status {
    auto p = session->prepare(text);
    if (!p.is_ok()) {
      return util::Status(p.status().code(),
                          fmt::format("api: cannot prepare the serving query ({}): {}: are the "
                                      "serving tables there? `medallion init` or `up` creates them",
                                      text, p.status().message()));
    }
    *out = std::move(p).value();
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
  return std::shared_ptr<ServingReader>(
      new ServingReader(std::move(session), std::move(options), std::move(prepared)));
}

ServingReader::ServingReader(std::shared_ptr<cql::Session> session, ServingReaderOptions options,
                             std::shared_ptr<const Prepared> prepared)
    : session_(std::move(session)), options_(std::move(options)), prepared_(std::move(prepared)) {}

void ServingReader::completed_sessions(std::string player_id, CompletedCallback done) const {
  const int64_t since =
      millis_at_or_after(options_.now_micros() - options_.retention_days * kMicrosPerDay);
  // The rows do not repeat their partition key: the items take it from here.
  std::string player = player_id;
  auto statement = cql::CqlStatement::bind(
      prepared_->completed,
      {cql::CqlValue(std::move(player_id)), cql::CqlValue(cql::Timestamp{since})});
  if (!statement.is_ok()) return done(statement.status());
  statement->idempotent = true;
  session_->execute_async(
      std::move(statement).value(),
      [player = std::move(player), done = std::move(done)](util::Result<cql::ResultPage> r) {
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
  std::shared_ptr<const cql::PreparedQuery> query;
  std::vector<cql::CqlValue> values;
};

// The state of one started-sessions request: its reads, run in order.
struct StartedRequest : std::enable_shared_from_this<StartedRequest> {
  std::shared_ptr<cql::Session> session;
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
    auto statement = cql::CqlStatement::bind(read.query, read.values);
    if (!statement.is_ok()) return done(statement.status());
    statement->idempotent = true;
    statement->page_size = static_cast<int32_t>(wanted - page.items.size());
    session->execute_async(std::move(statement).value(),
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
  request->session = session_;
  request->limit = static_cast<size_t>(limit);
  request->wanted = request->limit + 1;
  request->done = std::move(done);
  const cql::CqlValue country_value(country);
  request->country = std::move(country);
  if (!after || after->start_ts_millis >= lo) {
    const int64_t first_hour = floor_to_hour(after ? std::min(after->start_ts_millis, hi) : hi);
    for (int64_t hour = first_hour; hour >= floor_to_hour(lo); hour -= kMillisPerHour) {
      const cql::CqlValue hour_value(cql::Timestamp{hour});
      if (after && hour == floor_to_hour(after->start_ts_millis) && after->start_ts_millis <= hi) {
        request->reads.push_back(
            {prepared_->started_ties,
             {country_value, hour_value, cql::CqlValue(cql::Timestamp{after->start_ts_millis}),
              cql::CqlValue(after->session_id)}});
        request->reads.push_back({prepared_->started_before,
                                  {country_value, hour_value, cql::CqlValue(cql::Timestamp{lo}),
                                   cql::CqlValue(cql::Timestamp{after->start_ts_millis})}});
      } else {
        request->reads.push_back({prepared_->started_range,
                                  {country_value, hour_value, cql::CqlValue(cql::Timestamp{lo}),
                                   cql::CqlValue(cql::Timestamp{hi})}});
      }
    }
  }
  request->run();
}

void ServingReader::check_ready(StatusCallback done) const {
  auto statement =
      cql::CqlStatement::simple("SELECT release_version FROM system.local WHERE key = 'local'");
  statement.idempotent = true;
  session_->execute_async(std::move(statement),
                          [done = std::move(done)](util::Result<cql::ResultPage> r) {
                            done(r.is_ok() ? util::Status::ok() : r.status());
                          });
}

}  // namespace medallion::api
