#include "pipeline/serving_tables.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "cql/protocol/types.h"
#include "cql/protocol/wire.h"
#include "pipeline/table_schemas.h"

namespace medallion::pipeline {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerHour = int64_t{3600} * kMicrosPerSecond;
constexpr int64_t kMicrosPerDay = int64_t{86400} * kMicrosPerSecond;

std::string table_name(std::string_view table) {
  return fmt::format("{}.{}", kServingKeyspace, table);
}

int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

// The columns of a gold batch that serving reads.
struct GoldColumns {
  const columnar::Column* country;
  const columnar::Column* player_id;
  const columnar::Column* session_id;
  const columnar::Column* start_ts;
  const columnar::Column* end_ts;
  const columnar::Column* session_status;
  const columnar::Column* update_ts;
  const columnar::Column* event_date;
};

util::Result<const columnar::Column*> find(const columnar::RecordBatch& batch,
                                           std::string_view name, columnar::DataType type) {
  const auto index = batch.schema().index_of(name);
  if (!index || batch.schema().field(*index).type != type) {
    return util::Status::invalid_argument(
        fmt::format("serving: the sessions batch needs a {} column '{}'",
                    columnar::data_type_name(type), name));
  }
  return &batch.column(*index);
}

util::Result<GoldColumns> gold_columns(const columnar::RecordBatch& batch) {
  using columnar::DataType;
  GoldColumns c{};
  MEDALLION_ASSIGN_OR_RETURN(c.country, find(batch, "country", DataType::kString));
  MEDALLION_ASSIGN_OR_RETURN(c.player_id, find(batch, "player_id", DataType::kString));
  MEDALLION_ASSIGN_OR_RETURN(c.session_id, find(batch, "session_id", DataType::kString));
  MEDALLION_ASSIGN_OR_RETURN(c.start_ts, find(batch, "start_ts", DataType::kTimestamp));
  MEDALLION_ASSIGN_OR_RETURN(c.end_ts, find(batch, "end_ts", DataType::kTimestamp));
  MEDALLION_ASSIGN_OR_RETURN(c.session_status, find(batch, "session_status", DataType::kInt32));
  MEDALLION_ASSIGN_OR_RETURN(c.update_ts, find(batch, "DL_UPDATE_TS", DataType::kTimestamp));
  MEDALLION_ASSIGN_OR_RETURN(c.event_date,
                             find(batch, std::string(kEventDateColumn), DataType::kDate));
  return c;
}

// Values in their CQL serialization, ready to bind (bind_serialized).
cql::Value int_value(int32_t v) {
  std::string bytes;
  cql::WireWriter(&bytes).write_int(v);
  return cql::Value::of(std::move(bytes));
}

cql::Value bigint_value(int64_t v) {
  std::string bytes;
  cql::WireWriter(&bytes).write_long(v);
  return cql::Value::of(std::move(bytes));
}

// CQL timestamps are milliseconds; the lake's are microseconds.
cql::Value timestamp_value(int64_t micros) { return bigint_value(floor_div(micros, 1000)); }

cql::Value text_or_null(const columnar::Column& column, size_t row) {
  if (column.is_null(row)) return cql::Value::null();
  return cql::Value::of(std::string(column.string_at(row)));
}

cql::Value timestamp_or_null(const columnar::Column& column, size_t row) {
  if (column.is_null(row)) return cql::Value::null();
  return timestamp_value(column.int64_at(row));
}

cql::Value date_or_null(const columnar::Column& column, size_t row) {
  if (column.is_null(row)) return cql::Value::null();
  const cql::Date date = cql::Date::from_days_since_epoch(column.int32_at(row));
  return int_value(static_cast<int32_t>(date.days));
}

// The TTL of a row whose retention window is measured from `ts`, or
// nullopt when it is already outside the window.
std::optional<int32_t> ttl_seconds(int64_t ts_micros, const ServingOptions& options) {
  const int64_t expires = ts_micros + options.retention_days * kMicrosPerDay;
  if (expires <= options.now_micros) return std::nullopt;
  const int64_t seconds = (expires - options.now_micros + kMicrosPerSecond - 1) / kMicrosPerSecond;
  return static_cast<int32_t>(std::clamp<int64_t>(seconds, 1, kMaxTtlSeconds));
}

util::Result<std::shared_ptr<const cql::PreparedQuery>> prepare_insert(cql::Session& session,
                                                                       std::string_view table,
                                                                       std::string_view columns) {
  const size_t count = static_cast<size_t>(std::count(columns.begin(), columns.end(), ',')) + 1;
  std::string markers;
  for (size_t i = 0; i < count; ++i) markers += i == 0 ? "?" : ", ?";
  return session.prepare(fmt::format("INSERT INTO {} ({}) VALUES ({}) USING TTL ? AND TIMESTAMP ?",
                                     table_name(table), columns, markers));
}

}  // namespace

std::vector<std::string> serving_schema_statements(const ServingOptions& options) {
  std::vector<std::string> out;
  out.push_back(fmt::format("CREATE KEYSPACE IF NOT EXISTS {} WITH replication = {}",
                            kServingKeyspace, options.replication));
  out.push_back(fmt::format(
      "CREATE TABLE IF NOT EXISTS {} (player_id text, end_ts timestamp, session_id text, "
      "country text, start_ts timestamp, PRIMARY KEY ((player_id), end_ts, session_id)) "
      "WITH CLUSTERING ORDER BY (end_ts DESC, session_id ASC)",
      table_name(kCompletedByPlayerTable)));
  out.push_back(fmt::format(
      "CREATE TABLE IF NOT EXISTS {} (country text, hour timestamp, start_ts timestamp, "
      "session_id text, player_id text, PRIMARY KEY ((country, hour), start_ts, session_id)) "
      "WITH CLUSTERING ORDER BY (start_ts DESC, session_id ASC)",
      table_name(kStartedByCountryHourTable)));
  if (options.compat_tables) {
    // The original's DDL, word for word apart from IF NOT EXISTS.
    out.push_back(
        fmt::format("CREATE TABLE IF NOT EXISTS {} (country text, player_id text, session_id text, "
                    "ts timestamp, event_date date, cs_insert_ts timestamp, "
                    "PRIMARY KEY (session_id, ts, country)) WITH CLUSTERING ORDER BY (ts DESC)",
                    table_name(kCompatStartedTable)));
    out.push_back(
        fmt::format("CREATE TABLE IF NOT EXISTS {} (country text, player_id text, session_id text, "
                    "ts timestamp, event_date date, cs_insert_ts timestamp, "
                    "PRIMARY KEY (player_id, ts)) WITH CLUSTERING ORDER BY (ts DESC)",
                    table_name(kCompatCompletedTable)));
  }
  return out;
}

std::string drop_serving_keyspace_statement() {
  return fmt::format("DROP KEYSPACE IF EXISTS {}", kServingKeyspace);
}

ServingCounts& ServingCounts::operator+=(const ServingCounts& other) {
  sessions += other.sessions;
  completed += other.completed;
  started += other.started;
  expired += other.expired;
  return *this;
}

util::Result<ServingStatements> ServingStatements::prepare(cql::Session& session,
                                                           const ServingOptions& options) {
  ServingStatements s;
  MEDALLION_ASSIGN_OR_RETURN(s.completed_,
                             prepare_insert(session, kCompletedByPlayerTable,
                                            "player_id, end_ts, session_id, country, start_ts"));
  MEDALLION_ASSIGN_OR_RETURN(s.started_,
                             prepare_insert(session, kStartedByCountryHourTable,
                                            "country, hour, start_ts, session_id, player_id"));
  if (options.compat_tables) {
    constexpr std::string_view kCompatColumns =
        "country, player_id, session_id, ts, event_date, cs_insert_ts";
    MEDALLION_ASSIGN_OR_RETURN(s.compat_completed_,
                               prepare_insert(session, kCompatCompletedTable, kCompatColumns));
    MEDALLION_ASSIGN_OR_RETURN(s.compat_started_,
                               prepare_insert(session, kCompatStartedTable, kCompatColumns));
  }
  return s;
}

util::Status ServingStatements::append_writes(const columnar::RecordBatch& sessions, size_t begin,
                                              size_t end, const ServingOptions& options,
                                              std::vector<cql::CqlStatement>* out,
                                              ServingCounts* counts) const {
  MEDALLION_ASSIGN_OR_RETURN(GoldColumns c, gold_columns(sessions));
  const bool compat = options.compat_tables && compat_completed_ && compat_started_;
  const auto add = [&](const std::shared_ptr<const cql::PreparedQuery>& prepared,
                       std::vector<cql::Value> values) -> util::Status {
    MEDALLION_ASSIGN_OR_RETURN(cql::CqlStatement statement,
                               cql::CqlStatement::bind_serialized(prepared, std::move(values)));
    statement.idempotent = true;  // same cells, same timestamp
    out->push_back(std::move(statement));
    return util::Status::ok();
  };
  end = std::min(end, sessions.num_rows());
  for (size_t row = begin; row < end; ++row) {
    ++counts->sessions;
    if (c.session_id->is_null(row) || c.player_id->is_null(row)) continue;
    const int64_t write_ts =
        c.update_ts->is_null(row) ? options.now_micros : c.update_ts->int64_at(row);
    // A row of the original's tables: ts is end_ts (completed) or start_ts.
    const auto compat_values = [&](const columnar::Column& ts, int32_t ttl) {
      return std::vector<cql::Value>{text_or_null(*c.country, row),
                                     text_or_null(*c.player_id, row),
                                     text_or_null(*c.session_id, row),
                                     timestamp_or_null(ts, row),
                                     date_or_null(*c.event_date, row),
                                     timestamp_value(write_ts),
                                     int_value(ttl),
                                     bigint_value(write_ts)};
    };
    const bool completed = !c.session_status->is_null(row) &&
                           c.session_status->int32_at(row) == 1 && !c.end_ts->is_null(row);
    if (completed) {
      if (const auto ttl = ttl_seconds(c.end_ts->int64_at(row), options)) {
        ++counts->completed;
        MEDALLION_RETURN_IF_ERROR(
            add(completed_,
                {text_or_null(*c.player_id, row), timestamp_or_null(*c.end_ts, row),
                 text_or_null(*c.session_id, row), text_or_null(*c.country, row),
                 timestamp_or_null(*c.start_ts, row), int_value(*ttl), bigint_value(write_ts)}));
        if (compat) {
          MEDALLION_RETURN_IF_ERROR(add(compat_completed_, compat_values(*c.end_ts, *ttl)));
        }
      } else {
        ++counts->expired;
      }
    }
    if (!c.start_ts->is_null(row) && !c.country->is_null(row)) {
      const int64_t start = c.start_ts->int64_at(row);
      if (const auto ttl = ttl_seconds(start, options)) {
        ++counts->started;
        MEDALLION_RETURN_IF_ERROR(add(
            started_, {text_or_null(*c.country, row),
                       timestamp_value(floor_div(start, kMicrosPerHour) * kMicrosPerHour),
                       timestamp_or_null(*c.start_ts, row), text_or_null(*c.session_id, row),
                       text_or_null(*c.player_id, row), int_value(*ttl), bigint_value(write_ts)}));
        if (compat) {
          MEDALLION_RETURN_IF_ERROR(add(compat_started_, compat_values(*c.start_ts, *ttl)));
        }
      } else {
        ++counts->expired;
      }
    }
  }
  return util::Status::ok();
}

}  // namespace medallion::pipeline
