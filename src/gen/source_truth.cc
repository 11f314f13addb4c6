#include "gen/source_truth.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <vector>

#include "gen/country_codes.h"
#include "util/civil_time.h"
#include "util/json_writer.h"

namespace medallion::gen {

namespace {

json::RejectReason reason_of(LineDefect defect) {
  switch (defect) {
    case LineDefect::kMissingField:
      return json::RejectReason::kMissingField;
    case LineDefect::kWrongType:
      return json::RejectReason::kWrongType;
    case LineDefect::kUnknownEvent:
      return json::RejectReason::kUnknownEvent;
    case LineDefect::kBadTimestamp:
      return json::RejectReason::kBadTimestamp;
    case LineDefect::kTruncated:
      return json::RejectReason::kTruncated;
    default:
      return json::RejectReason::kNotJson;
  }
}

// The shortest text that reads back as the same double (0.05, not
// 0.050000000000000003).
std::string shortest_double(double v) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::string("null");
}

}  // namespace

SourceTruth compute_source_truth(const SessionModel& model, const LinePlan& plan) {
  SourceTruth truth;
  truth.seed = model.options().seed;
  truth.dirty_rate = model.options().dirty_rate;
  truth.injected = plan.injected();
  lake::SourceStats& stats = truth.stats;

  constexpr uint8_t kStartSeen = 1;
  constexpr uint8_t kEndSeen = 2;
  const std::vector<Session>& sessions = model.sessions();
  std::vector<uint8_t> seen(sessions.size(), 0);
  std::set<int64_t> days;
  int64_t min_ts = 0;
  int64_t max_ts = 0;
  for (const PlannedLine& line : plan.lines()) {
    ++stats.lines;
    if (!is_accepted(line.defect)) {
      ++stats.rejected[static_cast<size_t>(reason_of(line.defect))];
      continue;
    }
    const Session& session = sessions[line.session];
    const bool start = line.event == EventType::kStart;
    int64_t ts;
    if (start) {
      ++stats.start_events;
      seen[line.session] |= kStartSeen;
      ts = session.start;
    } else {
      ++stats.end_events;
      seen[line.session] |= kEndSeen;
      ts = session.end;
    }
    if (stats.start_events + stats.end_events == 1) {
      min_ts = max_ts = ts;
    } else {
      min_ts = std::min(min_ts, ts);
      max_ts = std::max(max_ts, ts);
    }
    days.insert(ts >= 0 ? ts / 86400 : (ts - 86399) / 86400);
  }
  if (stats.start_events + stats.end_events > 0) {
    stats.min_ts = min_ts * util::kMicrosPerSecond;
    stats.max_ts = max_ts * util::kMicrosPerSecond;
  }
  stats.dates = static_cast<int64_t>(days.size());

  std::vector<bool> player_seen(model.players().size(), false);
  std::vector<bool> country_seen(kCountryValueCount, false);
  for (size_t i = 0; i < sessions.size(); ++i) {
    if (seen[i] == 0) continue;
    ++truth.sessions;
    const Player& player = model.players()[sessions[i].player];
    if (!player_seen[sessions[i].player]) {
      player_seen[sessions[i].player] = true;
      ++truth.players;
    }
    // Only start lines carry the country.
    if ((seen[i] & kStartSeen) != 0 && !country_seen[player.country]) {
      country_seen[player.country] = true;
      ++truth.countries;
    }
    if (seen[i] == (kStartSeen | kEndSeen)) {
      ++truth.completed_sessions;
      ++truth.completed_per_country[std::string(model.country_of(player))];
    }
  }
  return truth;
}

std::string SourceTruth::to_json() const {
  util::JsonWriter w(/*pretty=*/true);
  w.begin_object();
  stats.write_json_fields(w);
  w.key("sessions").value(sessions);
  w.key("completed_sessions").value(completed_sessions);
  w.key("players").value(players);
  w.key("countries").value(countries);
  w.key("completed_per_country").begin_object();
  for (const auto& [country, count] : completed_per_country) w.key(country).value(count);
  w.end_object();
  w.key("seed").value(seed);
  w.key("dirty_rate").raw(shortest_double(dirty_rate));
  w.key("injected").begin_object();
  w.key("duplicate_lines").value(injected.duplicate_lines);
  w.key("end_without_start").value(injected.end_without_start);
  w.key("end_before_start").value(injected.end_before_start);
  w.key("missing_field").value(injected.missing_field);
  w.key("wrong_type").value(injected.wrong_type);
  w.key("unknown_event").value(injected.unknown_event);
  w.key("bad_timestamp").value(injected.bad_timestamp);
  w.key("not_json").value(injected.not_json);
  w.key("truncated").value(injected.truncated);
  w.end_object();
  w.end_object();
  std::string out = w.take();
  out.push_back('\n');
  return out;
}

}  // namespace medallion::gen
