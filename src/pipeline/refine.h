// Refine: the landed source file (bronze) → r_session_events and its
// quarantine table (silver) — the engine of `medallion refine`, the
// original's p2.
//
// The file is decoded once (any codec of formats/compression/codec.h,
// bzip2 block-parallel on the pool) against lake::source_events_schema().
// Then, in file order:
//   - lines the decoder rejects keep its reason (json::RejectReason names:
//     not_json, missing_field, wrong_type, bad_timestamp, unknown_event,
//     truncated);
//   - an accepted line whose UNIQUE_ID_ROW (event + "-" + session_id) was
//     already seen on an earlier line of the same file is rejected with
//     reason "duplicate" (the first line wins);
//   - every other line is an event of r_session_events.
// Rejected lines go to r_session_events_quarantine (schema below) in one
// append per source file, made idempotent by the Delta txn action
// (appId = "medallion-refine-quarantine-" + the file's sha256, version 0),
// so a second run over the same file adds nothing there.
//
// Events are grouped by EVENT_DATE = the UTC date of ts and loaded as one
// MERGE commit per date, committed in ascending date order (the MERGEs of a
// few dates run at once on the pool; each waits for the date before it to
// commit, and a failed date keeps every later one from committing):
//   MERGE INTO r_session_events t USING <the date's events> s
//     ON t.UNIQUE_ID_ROW = s.UNIQUE_ID_ROW AND t.EVENT_DATE = s.EVENT_DATE
//     WHEN NOT MATCHED THEN INSERT *
// (the EVENT_DATE conjunct lets the MERGE read only that date's partition;
// both sides agree on it since EVENT_DATE is a function of the key's
// event). A date whose events are all there already writes no commit, so
// reloading a file — or resuming a run killed between two dates — inserts
// nothing twice. DL_INSERT_TS and DL_UPDATE_TS of inserted rows are
// options.now_micros.
//
// debug_dates = [begin, end) loads only those dates of the file's sorted
// distinct dates (the original's debug mode loaded [4, 7)); the quarantine
// still receives every rejected line of the file.
//
// Tables are created when missing: r_session_events with
// pipeline::raw_events_schema() partitioned by EVENT_DATE, the quarantine
// table with quarantine_schema() and no partitions.
//
// Thread safety: one refine per lake at a time (concurrent ones would
// conflict in their MERGE commits and fail with kAborted, never duplicate).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "columnar/schema.h"
#include "lake/lake_layout.h"
#include "util/file_system.h"
#include "util/status.h"

namespace medallion::util {
class Progress;
class ThreadPool;
}  // namespace medallion::util

namespace medallion::pipeline {

// The quarantine table (r_session_events_quarantine):
//   source_file string     the landed file's path as given in RefineOptions
//   line_number long       1-based line of that file
//   raw_line string        the line's bytes (capped at json::kMaxRejectTextBytes)
//   reason string          not_json | missing_field | wrong_type |
//                          bad_timestamp | unknown_event | truncated | duplicate
//   detail string          e.g. "missing_field: ts", "duplicate of line 17"
//   DL_INSERT_TS timestamp when the line was quarantined
columnar::Schema quarantine_schema();

inline constexpr std::string_view kDuplicateReason = "duplicate";

// Reasons a line is quarantined, in the order of RefineReport::rejected:
// the decoder's six (json::RejectReason order), then "duplicate".
inline constexpr size_t kQuarantineReasonCount = 7;
std::string_view quarantine_reason_name(size_t index);

// The dates the original's debug mode loaded: [4, 7) of the sorted ones.
inline constexpr std::pair<size_t, size_t> kOriginalDebugDates{4, 7};

struct RefineOptions {
  std::string source_path;  // the landed file
  lake::LakeLayout layout;  // where the tables are
  int64_t now_micros = 0;   // stamps DL_INSERT_TS / DL_UPDATE_TS; 0 = the clock
  // Only dates [first, second) of the file's sorted distinct dates.
  std::optional<std::pair<size_t, size_t>> debug_dates;
  util::ThreadPool* pool = nullptr;    // block-parallel decompression; null = one thread
  util::Progress* progress = nullptr;  // fed with lines and compressed bytes while decoding
};

struct RefineDate {
  int32_t event_date = 0;  // days since 1970-01-01
  int64_t events = 0;      // the date's events in the file (duplicates excluded)
  int64_t inserted = 0;    // rows the MERGE inserted (0 when all were there)
  int64_t version = -1;    // the commit, or the table's version when none was needed
  double seconds = 0;
};

struct RefineReport {
  std::string source_path;
  std::string source_sha256;
  int64_t lines = 0;
  int64_t events = 0;  // accepted, not duplicate (all dates, loaded or not)
  std::array<int64_t, kQuarantineReasonCount> rejected{};
  int64_t quarantined = 0;  // rows the quarantine append wrote (0 on a rerun)
  int64_t dates_in_file = 0;
  std::vector<RefineDate> dates;  // the dates loaded, in order
  int64_t inserted = 0;           // sum over dates
  double decode_seconds = 0;
  double seconds = 0;  // the whole call

  int64_t rejected_total() const;
};

// Called after each date's commit (progress output).
using RefineDateCallback = std::function<void(const RefineDate&, size_t index, size_t count)>;

util::Result<RefineReport> refine(util::FileSystem& fs, const RefineOptions& options,
                                  const RefineDateCallback& on_date = {});

// The newest landed source under the layout's landing zone (the newest
// load-date directory, then the newest manifest's fetched_at): the file
// `medallion refine` reads when it is given none. kNotFound with a message
// saying to run `medallion land` when there is none.
util::Result<std::string> newest_landed_source(util::FileSystem& fs,
                                               const lake::LakeLayout& layout);

}  // namespace medallion::pipeline
