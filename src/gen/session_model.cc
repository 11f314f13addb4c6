#include "gen/session_model.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "gen/country_codes.h"

namespace medallion::gen {

namespace {

constexpr double kLogDurationRatio = 5.886104031450156;  // ln(6 h / 1 min) = ln 360

std::vector<uint16_t> draw_session_counts(Rng& rng, int64_t players, int64_t sessions) {
  std::vector<uint16_t> counts(static_cast<size_t>(players));
  int64_t sum = 0;
  for (uint16_t& c : counts) {
    c = static_cast<uint16_t>(rng.between(kMinSessionsPerPlayer, kMaxSessionsPerPlayer));
    sum += c;
  }
  // shape_for_events() guarantees players ≤ sessions ≤ 50 × players, so the
  // nudging terminates.
  const auto n = static_cast<uint64_t>(players);
  while (sum > sessions) {
    uint16_t& c = counts[rng.below(n)];
    if (c > kMinSessionsPerPlayer) {
      --c;
      --sum;
    }
  }
  while (sum < sessions) {
    uint16_t& c = counts[rng.below(n)];
    if (c < kMaxSessionsPerPlayer) {
      ++c;
      ++sum;
    }
  }
  return counts;
}

std::vector<uint16_t> country_permutation(Rng& rng) {
  std::vector<uint16_t> perm(kCountryValueCount);
  std::iota(perm.begin(), perm.end(), uint16_t{0});
  for (size_t i = perm.size() - 1; i > 0; --i) std::swap(perm[i], perm[rng.below(i + 1)]);
  return perm;
}

int64_t draw_duration(Rng& rng) {
  const double seconds =
      static_cast<double>(kMinDurationSeconds) * std::exp(rng.unit() * kLogDurationRatio);
  return std::clamp(static_cast<int64_t>(std::llround(seconds)), kMinDurationSeconds,
                    kMaxDurationSeconds);
}

}  // namespace

Uuid random_uuid4(Rng& rng) {
  Uuid id;
  const uint64_t hi = rng.next();
  const uint64_t lo = rng.next();
  for (size_t i = 0; i < 8; ++i) {
    id[i] = static_cast<uint8_t>(hi >> (56 - 8 * i));
    id[8 + i] = static_cast<uint8_t>(lo >> (56 - 8 * i));
  }
  id[6] = static_cast<uint8_t>((id[6] & 0x0f) | 0x40);  // version 4
  id[8] = static_cast<uint8_t>((id[8] & 0x3f) | 0x80);  // variant 10xx (RFC 4122)
  return id;
}

std::string_view SessionModel::country_of(const Player& player) const {
  return country_values()[player.country];
}

SessionModel SessionModel::build(const GenOptions& options) {
  SessionModel model;
  model.options_ = options;
  model.shape_ = shape_for_events(options.events);
  const SourceShape& shape = model.shape_;
  const uint64_t seed = options.seed;

  // Players: ids, session counts, countries.
  {
    Rng id_rng = make_rng(seed, RngStream::kPlayerIds);
    Rng count_rng = make_rng(seed, RngStream::kSessionCounts);
    Rng country_rng = make_rng(seed, RngStream::kPlayerCountries);
    const std::vector<uint16_t> counts =
        draw_session_counts(count_rng, shape.players, shape.sessions());
    const std::vector<uint16_t> perm = country_permutation(country_rng);
    model.players_.resize(static_cast<size_t>(shape.players));
    for (size_t i = 0; i < model.players_.size(); ++i) {
      Player& p = model.players_[i];
      p.id = random_uuid4(id_rng);
      p.session_count = counts[i];
      p.country = perm[i % perm.size()];
    }
  }

  // Sessions: ids and times, each player's consecutively.
  {
    Rng rng = make_rng(seed, RngStream::kSessions);
    model.sessions_.resize(static_cast<size_t>(shape.sessions()));
    size_t next = 0;
    for (size_t p = 0; p < model.players_.size(); ++p) {
      for (int k = 0; k < model.players_[p].session_count; ++k) {
        Session& s = model.sessions_[next++];
        s.id = random_uuid4(rng);
        s.player = static_cast<uint32_t>(p);
        s.kind = SessionKind::kComplete;
        s.defect = SessionDefect::kNone;
        s.start = kFirstStart + static_cast<int64_t>(rng.below(kLastStart - kFirstStart + 1));
        s.end = s.start + draw_duration(rng);
      }
    }
  }

  // Orphans: distinct sessions, the start-only ones first.
  {
    Rng rng = make_rng(seed, RngStream::kOrphans);
    const int64_t orphans = shape.start_only_sessions + shape.end_only_sessions;
    const auto n = static_cast<uint64_t>(model.sessions_.size());
    for (int64_t chosen = 0; chosen < orphans;) {
      Session& s = model.sessions_[rng.below(n)];
      if (s.kind != SessionKind::kComplete) continue;
      s.kind = chosen < shape.start_only_sessions ? SessionKind::kStartOnly : SessionKind::kEndOnly;
      ++chosen;
    }
  }

  // Session-level defects on disjoint complete sessions.
  const auto per_defect =
      static_cast<int64_t>(std::llround(options.dirty_rate * static_cast<double>(options.events)));
  if (per_defect > 0) {
    Rng rng = make_rng(seed, RngStream::kSessionDefects);
    std::vector<uint32_t> complete;
    complete.reserve(model.sessions_.size());
    for (size_t i = 0; i < model.sessions_.size(); ++i) {
      if (model.sessions_[i].kind == SessionKind::kComplete) {
        complete.push_back(static_cast<uint32_t>(i));
      }
    }
    const auto available = static_cast<int64_t>(complete.size());
    model.start_dropped_ = std::min(per_defect, available);
    model.end_before_start_ = std::min(per_defect, available - model.start_dropped_);
    const auto picks = static_cast<size_t>(model.start_dropped_ + model.end_before_start_);
    // Partial Fisher-Yates: the first `picks` entries become a random sample.
    for (size_t i = 0; i < picks; ++i) {
      std::swap(complete[i], complete[i + rng.below(complete.size() - i)]);
      Session& s = model.sessions_[complete[i]];
      if (static_cast<int64_t>(i) < model.start_dropped_) {
        s.defect = SessionDefect::kStartDropped;
      } else {
        s.defect = SessionDefect::kEndBeforeStart;
        s.end = s.start - (s.end - s.start);
      }
    }
  }
  return model;
}

}  // namespace medallion::gen
