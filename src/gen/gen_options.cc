#include "gen/gen_options.h"

#include <algorithm>
#include <string>

namespace medallion::gen {

namespace {
// Below this many events the orphans would be a visible share of the file.
constexpr int64_t kEventsForRealOrphans = 1000;
}  // namespace

util::Status validate_options(const GenOptions& options) {
  if (options.events < 0 || options.events > kMaxEvents) {
    return util::Status::invalid_argument("gen: event count out of range (--events " +
                                          std::to_string(options.events) + "): use 0 .. " +
                                          std::to_string(kMaxEvents));
  }
  if (!(options.dirty_rate >= 0.0 && options.dirty_rate <= kMaxDirtyRate)) {
    return util::Status::invalid_argument("gen: dirty rate out of range (--dirty " +
                                          std::to_string(options.dirty_rate) + "): use 0 .. 0.1");
  }
  return util::Status::ok();
}

SourceShape shape_for_events(int64_t events) {
  SourceShape shape;
  shape.events = events;
  const bool odd = events % 2 == 1;
  if (events >= kEventsForRealOrphans) {
    shape.start_only_sessions = 2;
    shape.end_only_sessions = odd ? 3 : 2;
  } else {
    shape.end_only_sessions = odd ? 1 : 0;
  }
  shape.complete_sessions = (events - shape.start_only_sessions - shape.end_only_sessions) / 2;
  const int64_t sessions = shape.sessions();
  if (sessions == 0) return shape;
  // Integer arithmetic keeps the default exact: 1001169 × 19615 / 1001169.
  int64_t players = (events * kRealPlayers + kDefaultEvents / 2) / kDefaultEvents;
  // Every player has 1..50 sessions, so the session total bounds the players.
  const int64_t min_players = (sessions + kMaxSessionsPerPlayer - 1) / kMaxSessionsPerPlayer;
  players = std::clamp(players, min_players, sessions);
  shape.players = players;
  return shape;
}

}  // namespace medallion::gen
