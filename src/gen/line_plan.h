// LinePlan: every line a generated source will hold, in file order, each as a
// reference to its session plus what (if anything) is wrong with it. The
// plan is the generator's decision; LineFormatter turns it into bytes and
// SourceTruth counts from it, so the truth never depends on re-reading the
// output.
//
// Clean file: for each session its start and/or end line (SessionModel says
// which), then one seeded Fisher-Yates shuffle over all lines, so for about
// half of the complete sessions the end line comes first.
//
// Dirty file (rate r > 0, k = round(r × events)): besides the session-level
// defects of session_model.h, before the shuffle
//   - k lines each become missing_field, wrong_type, unknown_event,
//     bad_timestamp and not_json lines (5k distinct lines, chosen among the
//     lines of sessions without a session-level defect);
//   - k exact copies of still-clean lines are added (kDuplicate; a source may
//     be copied more than once);
// and after the shuffle the last clean, never-copied line is moved to the
// end and cut short without its '\n' (kTruncated). So every defective line
// has exactly one defect, and lines = events − dropped starts + duplicates.
// Counts shrink only when a tiny file has too few candidate lines.
//
// Thread safety: immutable after build(); share freely.
#pragma once

#include <cstdint>
#include <vector>

#include "gen/session_model.h"

namespace medallion::gen {

enum class EventType : uint8_t { kStart, kEnd };

// What is wrong with one line. The reasons are those of
// formats/json/jsonl_decoder.h; kDuplicate lines are accepted (they are
// exact copies of good lines).
enum class LineDefect : uint8_t {
  kNone,
  kDuplicate,
  kMissingField,
  kWrongType,
  kUnknownEvent,
  kBadTimestamp,
  kNotJson,
  kTruncated,
};

inline bool is_accepted(LineDefect d) {
  return d == LineDefect::kNone || d == LineDefect::kDuplicate;
}

struct PlannedLine {
  uint32_t session;
  EventType event;
  LineDefect defect;
  uint8_t copies;  // how many kDuplicate copies of this line exist (saturating)
  uint8_t reserved;
  uint32_t variant;  // random bits choosing how a defect looks (see line_formatter.h)
};

// How many of each defect the plan injected.
struct InjectedDefects {
  int64_t duplicate_lines = 0;
  int64_t end_without_start = 0;  // sessions whose start line was dropped
  int64_t end_before_start = 0;   // sessions whose end ts precedes the start ts
  int64_t missing_field = 0;
  int64_t wrong_type = 0;
  int64_t unknown_event = 0;
  int64_t bad_timestamp = 0;
  int64_t not_json = 0;
  int64_t truncated = 0;
};

class LinePlan {
 public:
  static LinePlan build(const SessionModel& model);

  const std::vector<PlannedLine>& lines() const { return lines_; }
  const InjectedDefects& injected() const { return injected_; }

 private:
  std::vector<PlannedLine> lines_;
  InjectedDefects injected_;
};

}  // namespace medallion::gen
