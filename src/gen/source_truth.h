// SourceTruth: what a generated source holds, counted from the generator's
// own decisions (SessionModel + LinePlan), never by decoding its output, so
// that `medallion inspect-source` and the pipeline can be checked against it.
//
// `medallion gen --truth FILE.json` writes it as one pretty JSON object: the
// fields of lake::SourceStats (lines, events, rejected, min_ts, max_ts,
// dates) followed by
//   "sessions"               distinct session ids among accepted lines
//   "completed_sessions"     sessions with an accepted start and an accepted end
//   "players"                distinct player ids among accepted lines
//   "countries"              distinct country values among accepted lines
//   "completed_per_country"  {country: completed sessions}, keys sorted
//   "seed", "dirty_rate"     the options that made the file
//   "injected"               how many of each defect were injected
//                            (line_plan.h): duplicate_lines,
//                            end_without_start, end_before_start,
//                            missing_field, wrong_type, unknown_event,
//                            bad_timestamp, not_json, truncated
// A completed session's country is the one on its start line. Accepted lines
// are clean lines and duplicates (which count again in "events").
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "gen/line_plan.h"
#include "gen/session_model.h"
#include "lake/source_stats.h"

namespace medallion::gen {

struct SourceTruth {
  lake::SourceStats stats;
  int64_t sessions = 0;
  int64_t completed_sessions = 0;
  int64_t players = 0;
  int64_t countries = 0;
  std::map<std::string, int64_t> completed_per_country;
  uint64_t seed = 0;
  double dirty_rate = 0.0;
  InjectedDefects injected;

  // The object above, pretty-printed, with a trailing newline.
  std::string to_json() const;
};

SourceTruth compute_source_truth(const SessionModel& model, const LinePlan& plan);

}  // namespace medallion::gen
