// GenOptions: what `medallion gen` is asked to produce, and SourceShape: the
// counts of lines, sessions and players that follow from it.
//
// The defaults reproduce the known facts of the real assignment file:
// 1,001,169 lines = 500,582 complete sessions × 2 + 2 start-only + 3 end-only;
// 19,615 players. Other sizes scale everything proportionally (players ≈
// events × 19615 / 1001169), keeping the orphans: from 1,000 events up there
// are 2 start-only sessions and 3 end-only sessions when the event count is
// odd (2 and 2 when it is even, since complete sessions have two lines);
// below 1,000 events, one end-only session when the count is odd, none
// otherwise.
//
// Session starts are uniform over whole seconds of 2016-11-02T00:00:00 ..
// 2016-12-01T23:59:59 UTC; durations are log-uniform over 1 minute .. 6 hours,
// rounded to whole seconds.
#pragma once

#include <cstdint>

#include "util/status.h"

namespace medallion::gen {

inline constexpr int64_t kDefaultEvents = 1'001'169;
inline constexpr int64_t kRealPlayers = 19'615;
inline constexpr uint64_t kDefaultSeed = 2016;
inline constexpr double kMaxDirtyRate = 0.1;
// Events above this are refused: session indices are 32-bit in the plan.
inline constexpr int64_t kMaxEvents = 2'000'000'000;

inline constexpr int kMinSessionsPerPlayer = 1;
inline constexpr int kMaxSessionsPerPlayer = 50;

// Seconds since the Unix epoch.
inline constexpr int64_t kFirstStart = 1'478'044'800;  // 2016-11-02T00:00:00Z
inline constexpr int64_t kLastStart = 1'480'636'799;   // 2016-12-01T23:59:59Z
inline constexpr int64_t kMinDurationSeconds = 60;
inline constexpr int64_t kMaxDurationSeconds = int64_t{6} * 3600;

struct GenOptions {
  int64_t events = kDefaultEvents;  // lines of the clean file
  uint64_t seed = kDefaultSeed;
  // 0 ≤ rate ≤ kMaxDirtyRate: each defect kind is injected at this rate of
  // lines (see line_plan.h).
  double dirty_rate = 0.0;
};

// Checks the ranges above; messages say which flag to fix.
util::Status validate_options(const GenOptions& options);

struct SourceShape {
  int64_t events = 0;             // lines of the clean file
  int64_t complete_sessions = 0;  // a start and an end line each
  int64_t start_only_sessions = 0;
  int64_t end_only_sessions = 0;
  int64_t players = 0;

  int64_t sessions() const { return complete_sessions + start_only_sessions + end_only_sessions; }
  int64_t start_events() const { return complete_sessions + start_only_sessions; }
  int64_t end_events() const { return complete_sessions + end_only_sessions; }
};

// The shape of a clean file of `events` lines (events ≥ 0).
SourceShape shape_for_events(int64_t events);

}  // namespace medallion::gen
