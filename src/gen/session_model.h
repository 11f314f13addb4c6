// SessionModel: the players and game sessions a generated source describes,
// decided once from GenOptions before any line is written.
//
// Players: shape.players of them, each with a uuid4 id (written as 32
// lowercase hex digits), one fixed country and 1..50 sessions. Session counts
// are drawn uniformly from 1..50 and then nudged one at a time (a random
// player up or down, staying within 1..50) until they sum exactly to the
// session total. Countries are dealt round-robin over a seeded permutation of
// the 246 country values, so each value has the same number of players ±1.
//
// Sessions: a uuid4 id each (written dashed), the player's sessions
// consecutively. A seeded choice of sessions are orphans (start-only,
// end-only), the rest complete. Start and end times follow gen_options.h.
//
// Dirty sources (rate r > 0) also carry session-level defects, each on
// round(r × events) complete sessions, chosen disjointly:
//   kStartDropped    the start line is not written: an `end` without `start`
//   kEndBeforeStart  end time = start − duration (both lines stay valid)
//
// Ids are 122 random bits; collisions are not checked (probability ~1e-25 at
// the default size).
//
// Thread safety: immutable after build(); share freely.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "gen/gen_options.h"
#include "gen/random.h"

namespace medallion::gen {

using Uuid = std::array<uint8_t, 16>;

struct Player {
  Uuid id;
  uint16_t country;  // index into country_values()
  uint16_t session_count;
};

enum class SessionKind : uint8_t { kComplete, kStartOnly, kEndOnly };
enum class SessionDefect : uint8_t { kNone, kStartDropped, kEndBeforeStart };

struct Session {
  Uuid id;
  uint32_t player;
  SessionKind kind;
  SessionDefect defect;
  int64_t start;  // seconds since the epoch, UTC
  int64_t end;

  bool writes_start() const {
    return kind != SessionKind::kEndOnly && defect != SessionDefect::kStartDropped;
  }
  bool writes_end() const { return kind != SessionKind::kStartOnly; }
};

class SessionModel {
 public:
  // options must pass validate_options().
  static SessionModel build(const GenOptions& options);

  const GenOptions& options() const { return options_; }
  const SourceShape& shape() const { return shape_; }
  const std::vector<Player>& players() const { return players_; }
  const std::vector<Session>& sessions() const { return sessions_; }
  std::string_view country_of(const Player& player) const;

  int64_t start_dropped_sessions() const { return start_dropped_; }
  int64_t end_before_start_sessions() const { return end_before_start_; }

 private:
  GenOptions options_;
  SourceShape shape_;
  std::vector<Player> players_;
  std::vector<Session> sessions_;
  int64_t start_dropped_ = 0;
  int64_t end_before_start_ = 0;
};

// Draws a uuid4: 122 random bits, version nibble 4, variant bits 10.
Uuid random_uuid4(Rng& rng);

}  // namespace medallion::gen
