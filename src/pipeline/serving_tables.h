// The serving tables (SPEC.md "Serving tables"): the CQL schema the API
// reads, and how a row of the gold sessions table becomes rows there.
//
// Keyspace session_events (replication from ServingOptions):
//
//   completed_sessions_by_player        one row per completed session
//     (player_id text, end_ts timestamp, session_id text,
//      country text, start_ts timestamp,
//      PRIMARY KEY ((player_id), end_ts, session_id))
//     WITH CLUSTERING ORDER BY (end_ts DESC, session_id ASC)
//   started_sessions_by_country_hour    one row per session with a start
//     (country text, hour timestamp, start_ts timestamp, session_id text,
//      player_id text,
//      PRIMARY KEY ((country, hour), start_ts, session_id))
//     WITH CLUSTERING ORDER BY (start_ts DESC, session_id ASC)
//     hour = start_ts truncated to the hour (UTC)
//
// and, with compat_tables, the original's two tables with its DDL:
//   api_completed_sessions    PRIMARY KEY (player_id, ts), ts = end_ts
//   api_start_session_by_hour PRIMARY KEY (session_id, ts, country), ts = start_ts
//   (country, player_id, session_id, ts, event_date date, cs_insert_ts timestamp)
//
// A gold row (pipeline::sessions_schema()) is served when
//   completed: session_status = 1 and end_ts >= now - retention;
//   started:   start_ts and country are not null and
//              start_ts >= now - retention.
// Every write carries
//   USING TTL    (ts + retention) - now, in seconds, at least 1 and at most
//                Cassandra's 20 years: the row leaves the table when it
//                leaves the retention window (counted from the write, in
//                the server's clock);
//   USING TIMESTAMP  the gold row's DL_UPDATE_TS: a row replayed after a
//                crash writes the same cells at the same timestamp (no
//                change), and an older version of a row can never
//                overwrite a newer one.
// Serving keys never move: raw holds at most one start and one end per
// session (UNIQUE_ID_ROW = event-session_id), so a session's start_ts and
// end_ts never change once known, and re-serving a session upserts the
// same primary keys. cs_insert_ts of the compat tables is DL_UPDATE_TS too.
//
// Thread safety: pure functions; ServingStatements is immutable once
// prepared and may be shared.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "columnar/record_batch.h"
#include "cql/client/session.h"
#include "util/status.h"

namespace medallion::pipeline {

inline constexpr std::string_view kServingKeyspace = "session_events";
inline constexpr std::string_view kCompletedByPlayerTable = "completed_sessions_by_player";
inline constexpr std::string_view kStartedByCountryHourTable = "started_sessions_by_country_hour";
inline constexpr std::string_view kCompatCompletedTable = "api_completed_sessions";
inline constexpr std::string_view kCompatStartedTable = "api_start_session_by_hour";

inline constexpr int64_t kDefaultRetentionDays = 365;
// Cassandra refuses TTLs above 20 years.
inline constexpr int64_t kMaxTtlSeconds = int64_t{20} * 365 * 86400;

struct ServingOptions {
  int64_t now_micros = 0;  // the instant retention counts back from
  int64_t retention_days = kDefaultRetentionDays;
  bool compat_tables = false;
  // The keyspace's replication map, as CQL text.
  std::string replication = "{'class': 'SimpleStrategy', 'replication_factor': 1}";
};

// CREATE KEYSPACE / TABLE ... IF NOT EXISTS statements, in order.
std::vector<std::string> serving_schema_statements(const ServingOptions& options);
// DROP KEYSPACE IF EXISTS session_events.
std::string drop_serving_keyspace_statement();

// Rows written, per kind (for summaries).
struct ServingCounts {
  int64_t sessions = 0;   // gold rows seen
  int64_t completed = 0;  // rows for completed_sessions_by_player
  int64_t started = 0;    // rows for started_sessions_by_country_hour
  int64_t expired = 0;    // rows left out: outside the retention window
  ServingCounts& operator+=(const ServingCounts& other);
};

// The INSERTs, prepared once per session.
class ServingStatements {
 public:
  static util::Result<ServingStatements> prepare(cql::Session& session,
                                                 const ServingOptions& options);

  // Appends the writes for rows [begin, end) of a batch of gold rows
  // (columns found by name; a missing column or another type is
  // kInvalidArgument) to *out, in row order, and counts them into *counts.
  util::Status append_writes(const columnar::RecordBatch& sessions, size_t begin, size_t end,
                             const ServingOptions& options, std::vector<cql::CqlStatement>* out,
                             ServingCounts* counts) const;

 private:
  std::shared_ptr<const cql::PreparedQuery> completed_;
  std::shared_ptr<const cql::PreparedQuery> started_;
  std::shared_ptr<const cql::PreparedQuery> compat_completed_;  // null unless compat_tables
  std::shared_ptr<const cql::PreparedQuery> compat_started_;
};

}  // namespace medallion::pipeline
