// Sessionize: folding raw session events (r_session_events) into the gold
// sessions table (uc_delta_session_events), one row per session.
//
// The table's content is a pure function of the set of events merged so
// far, whatever the batch boundaries or arrival order (SPEC.md):
//   start_ts        the earliest start event's ts
//   end_ts          the latest end event's ts
//   country         from the earliest start event (null while none is known)
//   player_id       from any event of the session
//   session_status  1 once an end is known, else 0
//   EVENT_DATE      the UTC date of start_ts (of end_ts while no start is known)
//   DL_INSERT_TS    when the row was first written
//   DL_UPDATE_TS    when the row last changed
// Each batch is first aggregated per session (columnar/hash_aggregate.h),
// then merged on session_id (delta/merge.h). A matched row is rewritten
// only when the batch changes start_ts or end_ts; least/greatest make the
// fold commutative and idempotent, so a replayed batch changes nothing.
//
// Thread safety: pure apart from the table written.
#pragma once

#include <cstdint>
#include <string>

#include "columnar/record_batch.h"
#include "delta/merge.h"
#include "pipeline/stream_runner.h"
#include "util/file_system.h"
#include "util/status.h"

namespace medallion::pipeline {

// The per-session aggregate of raw events (columns event, player_id,
// country, session_id and ts, found by name; other columns are ignored):
// session_id, player_id, country, start_ts, end_ts, one row per session in
// order of first appearance. Events other than "start" and "end" count
// only for player_id. kInvalidArgument when a column is missing or of
// another type.
util::Result<columnar::RecordBatch> aggregate_sessions(const columnar::RecordBatch& events);

// The MERGE of such an aggregate into the sessions table; rows it inserts
// or changes are stamped with now_micros.
delta::MergeSpec session_merge_spec(int64_t now_micros);

// Creates the sessions table (sessions_schema(), partitioned by
// EVENT_DATE) at table_root unless a table is there.
util::Status ensure_sessions_table(util::FileSystem& fs, const std::string& table_root);

// Aggregates `events` and merges them into the table at table_root, with
// the write options (idempotency by app_id/app_version; options.now_ms
// stamps the rows, the system clock when 0).
util::Result<delta::MergeResult> merge_session_events(util::FileSystem& fs,
                                                      const std::string& table_root,
                                                      const columnar::RecordBatch& events,
                                                      const delta::WriteOptions& options);

// Rows of the sessions table at its latest version, and those with
// session_status = 1 (read from the status column only).
struct SessionsTableCounts {
  int64_t sessions = 0;
  int64_t completed = 0;
};
util::Result<SessionsTableCounts> count_sessions_table(util::FileSystem& fs,
                                                       const std::string& table_root);

// A stream sink (stream_runner.h) merging each batch of raw events into the
// sessions table at table_root exactly once: the commit carries
// txn(appId = stream_id, version = batch id), so a batch replayed after a
// crash is skipped by the table. `base` gives the other write options
// (data options, clock, test hook).
BatchSink sessions_sink(util::FileSystem& fs, std::string table_root, std::string stream_id,
                        delta::WriteOptions base = {});

}  // namespace medallion::pipeline
