#include "gen/line_formatter.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "gen/country_codes.h"
#include "util/civil_time.h"
#include "util/json_writer.h"

namespace medallion::gen {

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

char* put(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

char* put_hex(char* p, const uint8_t* bytes, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    *p++ = kHexDigits[bytes[i] >> 4];
    *p++ = kHexDigits[bytes[i] & 15];
  }
  return p;
}

// 8-4-4-4-12 lowercase hex.
char* put_uuid(char* p, const Uuid& id) {
  p = put_hex(p, id.data(), 4);
  *p++ = '-';
  p = put_hex(p, id.data() + 4, 2);
  *p++ = '-';
  p = put_hex(p, id.data() + 6, 2);
  *p++ = '-';
  p = put_hex(p, id.data() + 8, 2);
  *p++ = '-';
  return put_hex(p, id.data() + 10, 6);
}

char* put_2(char* p, uint32_t v) {
  *p++ = static_cast<char>('0' + v / 10);
  *p++ = static_cast<char>('0' + v % 10);
  return p;
}

// "YYYY-MM-DDThh:mm:ss" (years 0..9999, which covers every generated ts).
char* put_ts(char* p, int64_t seconds) {
  int64_t days = seconds / 86400;
  int64_t in_day = seconds % 86400;
  if (in_day < 0) {
    in_day += 86400;
    --days;
  }
  const util::CivilDate date = util::civil_from_days(days);
  const auto year = static_cast<uint32_t>(date.year);
  p = put_2(p, year / 100);
  p = put_2(p, year % 100);
  *p++ = '-';
  p = put_2(p, date.month);
  *p++ = '-';
  p = put_2(p, date.day);
  *p++ = 'T';
  const auto s = static_cast<uint32_t>(in_day);
  p = put_2(p, s / 3600);
  *p++ = ':';
  p = put_2(p, s / 60 % 60);
  *p++ = ':';
  return put_2(p, s % 60);
}

constexpr size_t kTsBytes = 19;

constexpr std::string_view kUnknownEvents[] = {"pause", "START", "", "resume", "End", "heartbeat"};

constexpr std::string_view kGarbage[] = {
    "garbage",
    "<html><body><h1>502 Bad Gateway</h1></body></html>",
    "player_id,country,event,session_id,ts",
    "{\"player_id\": \"ab",
    "ERROR 2016-11-18 12:48:05 connection reset by peer",
    "",
    "null",
    "[\"start\", \"end\"]",
};

// One "key": value member of a line being broken.
struct Member {
  std::string_view key;
  std::string value;  // serialized JSON
  bool present = true;
};

enum MemberIndex : size_t { kPlayerId, kCountry, kEvent, kSessionId, kTs, kMemberCount };
// The required members a defect may target, in schema order.
constexpr MemberIndex kRequired[] = {kPlayerId, kEvent, kSessionId, kTs};

std::string quoted(std::string_view s) {
  std::string out;
  util::append_json_string(out, s);
  return out;
}

std::string bad_timestamp(uint32_t variant, std::string_view ts) {
  const std::string_view date = ts.substr(0, 10);  // YYYY-MM-DD
  const std::string_view time = ts.substr(11, 8);  // hh:mm:ss
  switch (variant % 8) {
    case 0:
      return "2016-13-45T99:00:00";
    case 1:
      return "yesterday";
    case 2:
      return std::string(date) + " " + std::string(time.substr(0, 5));
    case 3:
      return std::string(date.substr(8, 2)) + "/" + std::string(date.substr(5, 2)) + "/" +
             std::string(date.substr(0, 4)) + " " + std::string(time);
    case 4:
      return "2016-11-31T" + std::string(time);
    case 5:
      return "";
    case 6:
      return std::string(ts) + "+25:00";
    default:
      return std::string(date) + "T24:" + std::string(time.substr(3));
  }
}

std::string wrong_type_value(MemberIndex member, bool boolean, int64_t ts_seconds) {
  if (boolean) return member == kEvent ? "false" : "true";
  switch (member) {
    case kPlayerId:
      return "42";
    case kEvent:
      return "1";
    case kSessionId:
      return "12345";
    default:
      return std::to_string(ts_seconds);
  }
}

}  // namespace

LineFormatter::LineFormatter(const SessionModel& model) : model_(model) {
  player_hex_.resize(model.players().size());
  for (size_t i = 0; i < player_hex_.size(); ++i) {
    put_hex(player_hex_[i].data(), model.players()[i].id.data(), 16);
  }
}

size_t LineFormatter::write_clean(const PlannedLine& line, char* buf) const {
  const Session& session = model_.sessions()[line.session];
  const std::array<char, 32>& player = player_hex_[session.player];
  char* p = put(buf, "{\"player_id\": \"");
  p = put(p, std::string_view(player.data(), player.size()));
  if (line.event == EventType::kStart) {
    p = put(p, "\", \"country\": \"");
    p = put(p, model_.country_of(model_.players()[session.player]));
    p = put(p, "\", \"event\": \"start\", \"session_id\": \"");
  } else {
    p = put(p, "\", \"event\": \"end\", \"session_id\": \"");
  }
  p = put_uuid(p, session.id);
  p = put(p, "\", \"ts\": \"");
  p = put_ts(p, line.event == EventType::kStart ? session.start : session.end);
  p = put(p, "\"}");
  return static_cast<size_t>(p - buf);
}

void LineFormatter::append(const PlannedLine& line, std::string& out) const {
  if (is_accepted(line.defect)) {
    char buf[kMaxCleanLineBytes];
    const size_t n = write_clean(line, buf);
    buf[n] = '\n';
    out.append(buf, n + 1);
    return;
  }
  append_defective(line, out);
}

void LineFormatter::append_lines(std::span<const PlannedLine> lines, std::string& out) const {
  // Clean lines dominate: write them straight into the string's storage,
  // sized for the longest clean line per line (defective lines are no
  // longer, but the size is checked anyway) and trimmed at the end.
  size_t size = out.size();
  out.resize(size + lines.size() * kMaxCleanLineBytes);
  std::string defective;
  // Lines are shuffled, so every line reads a random session and then its
  // player: fetch sessions two steps ahead and players one step ahead (their
  // session is in cache by then) to overlap the cache misses.
  constexpr size_t kPrefetchDistance = 8;
  const std::vector<Session>& sessions = model_.sessions();
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i + 2 * kPrefetchDistance < lines.size()) {
      __builtin_prefetch(&sessions[lines[i + 2 * kPrefetchDistance].session]);
    }
    if (i + kPrefetchDistance < lines.size()) {
      __builtin_prefetch(&player_hex_[sessions[lines[i + kPrefetchDistance].session].player]);
    }
    const PlannedLine& line = lines[i];
    const bool clean = is_accepted(line.defect);
    std::string_view text;
    if (!clean) {
      defective.clear();
      append_defective(line, defective);
      text = defective;
    }
    const size_t need = std::max(text.size(), kMaxCleanLineBytes);
    if (out.size() - size < need) out.resize(size + need + (lines.size() - i) * kMaxCleanLineBytes);
    char* p = out.data() + size;
    if (clean) {
      const size_t n = write_clean(line, p);
      p[n] = '\n';
      size += n + 1;
    } else {
      std::memcpy(p, text.data(), text.size());
      size += text.size();
    }
  }
  out.resize(size);
}

void LineFormatter::append_defective(const PlannedLine& line, std::string& out) const {
  char clean[kMaxCleanLineBytes];
  const size_t clean_size = write_clean(line, clean);
  const uint32_t v = line.variant;

  // A proper, non-empty prefix of the object: never a complete JSON value.
  const auto cut = [&](uint32_t bits) { return 1 + bits % static_cast<uint32_t>(clean_size - 1); };
  if (line.defect == LineDefect::kTruncated) {
    out.append(clean, cut(v));
    return;
  }
  if (line.defect == LineDefect::kNotJson) {
    if (v % 2 == 0) {
      out.append(clean, cut(v >> 1));
    } else {
      out.append(kGarbage[(v >> 1) % std::size(kGarbage)]);
    }
    out.push_back('\n');
    return;
  }

  const Session& session = model_.sessions()[line.session];
  const Player& player = model_.players()[session.player];
  const bool start = line.event == EventType::kStart;
  const int64_t ts_seconds = start ? session.start : session.end;
  char ts[kTsBytes];
  put_ts(ts, ts_seconds);
  const std::string_view ts_text(ts, kTsBytes);
  const std::array<char, 32>& hex = player_hex_[session.player];
  char uuid[36];
  put_uuid(uuid, session.id);

  std::array<Member, kMemberCount> members = {{
      {"player_id", quoted(std::string_view(hex.data(), hex.size()))},
      {"country", quoted(model_.country_of(player)), start},
      {"event", quoted(start ? "start" : "end")},
      {"session_id", quoted(std::string_view(uuid, sizeof uuid))},
      {"ts", quoted(ts_text)},
  }};
  const MemberIndex target = kRequired[v % std::size(kRequired)];
  const bool alternate = (v >> 2) % 2 == 1;
  switch (line.defect) {
    case LineDefect::kMissingField:
      if (alternate) {
        members[target].value = "null";
      } else {
        members[target].present = false;
      }
      break;
    case LineDefect::kWrongType:
      members[target].value = wrong_type_value(target, alternate, ts_seconds);
      break;
    case LineDefect::kUnknownEvent:
      members[kEvent].value = quoted(kUnknownEvents[v % std::size(kUnknownEvents)]);
      break;
    case LineDefect::kBadTimestamp:
      members[kTs].value = quoted(bad_timestamp(v, ts_text));
      break;
    default:
      break;
  }
  out.push_back('{');
  bool first = true;
  for (const Member& m : members) {
    if (!m.present) continue;
    if (!first) out.append(", ");
    first = false;
    out.push_back('"');
    out.append(m.key);
    out.append("\": ");
    out.append(m.value);
  }
  out.append("}\n");
}

}  // namespace medallion::gen
