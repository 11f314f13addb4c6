// generate_source end to end: determinism, the real file's facts on smaller
// files, and the truth checked against an independent reading of the output
// (libbz2 to decompress, the real JSON Lines decoder to classify, and
// lake::inspect_source for the SourceStats part).
#include "gen/source_generator.h"

#include <bzlib.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "formats/json/jsonl_decoder.h"
#include "gen/line_formatter.h"
#include "gen/line_plan.h"
#include "gen/session_model.h"
#include "lake/source_events.h"
#include "lake/source_inspector.h"
#include "util/civil_time.h"
#include "util/in_memory_file_system.h"

namespace medallion::gen {
namespace {

class StringFile final : public util::WritableFile {
 public:
  util::Status append(std::string_view data) override {
    data_.append(data);
    return util::Status::ok();
  }
  util::Status sync() override { return util::Status::ok(); }
  util::Status close() override { return util::Status::ok(); }
  const std::string& path() const override { return path_; }
  const std::string& data() const { return data_; }

 private:
  std::string data_;
  std::string path_ = "memory.jsonl.bz2";
};

// libbz2's own decompressor over concatenated streams.
std::string bunzip(const std::string& in) {
  std::string out;
  size_t pos = 0;
  char buf[1 << 16];
  while (pos < in.size()) {
    bz_stream s{};
    EXPECT_EQ(BZ2_bzDecompressInit(&s, 0, 0), BZ_OK);
    s.next_in = const_cast<char*>(in.data() + pos);
    s.avail_in = static_cast<unsigned>(in.size() - pos);
    int rc = BZ_OK;
    while (rc == BZ_OK) {
      s.next_out = buf;
      s.avail_out = sizeof buf;
      rc = BZ2_bzDecompress(&s);
      out.append(buf, sizeof buf - s.avail_out);
      if (rc == BZ_OK && s.avail_in == 0 && s.avail_out != 0) rc = BZ_UNEXPECTED_EOF;
    }
    pos = in.size() - s.avail_in;
    BZ2_bzDecompressEnd(&s);
    EXPECT_EQ(rc, BZ_STREAM_END);
    if (rc != BZ_STREAM_END) break;
  }
  return out;
}

struct Generated {
  std::string compressed;
  std::string text;
  GenReport report;
};

Generated generate(const GenOptions& options, size_t threads = 2) {
  StringFile file;
  util::ThreadPool pool(threads);
  util::Result<GenReport> report = generate_source(options, file, pool);
  EXPECT_TRUE(report.is_ok()) << report.status().message();
  Generated g;
  g.compressed = file.data();
  g.text = bunzip(g.compressed);
  if (report.is_ok()) g.report = std::move(report).value();
  return g;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    if (nl == std::string_view::npos) {
      lines.push_back(text);
      break;
    }
    lines.push_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  return lines;
}

// The fields of a clean line, parsed strictly: exactly the real file's key
// order, spacing and value formats (no std::regex: GCC 12 warns inside it
// under the sanitizers).
struct CleanLine {
  std::string_view player_id;
  std::optional<std::string_view> country;
  std::string_view event;
  std::string_view session_id;
  std::string_view ts;
};

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool literal(std::string_view lit) {
    if (s_.substr(0, lit.size()) != lit) return false;
    s_.remove_prefix(lit.size());
    return true;
  }
  // Characters up to the next '"', which is consumed.
  bool until_quote(std::string_view* out) {
    const size_t q = s_.find('"');
    if (q == std::string_view::npos) return false;
    *out = s_.substr(0, q);
    s_.remove_prefix(q + 1);
    return true;
  }
  bool at_end() const { return s_.empty(); }

 private:
  std::string_view s_;
};

bool is_lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// 8-4-4-4-12 lowercase hex, version nibble 4, variant 8..b.
bool is_dashed_uuid4(std::string_view s) {
  if (s.size() != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') return false;
  const std::string hex = std::string(s.substr(0, 8)) + std::string(s.substr(9, 4)) +
                          std::string(s.substr(14, 4)) + std::string(s.substr(19, 4)) +
                          std::string(s.substr(24));
  return is_lower_hex(hex) && s[14] == '4' &&
         std::string_view("89ab").find(s[19]) != std::string_view::npos;
}

bool is_country_value(std::string_view s) {
  if (s == "Code" || s == "(.uk)") return true;
  return s.size() == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

std::optional<CleanLine> parse_clean_line(std::string_view line) {
  CleanLine l;
  Cursor c(line);
  if (!c.literal("{\"player_id\": \"") || !c.until_quote(&l.player_id)) return std::nullopt;
  if (l.player_id.size() != 32 || !is_lower_hex(l.player_id)) return std::nullopt;
  if (c.literal(", \"country\": \"")) {
    std::string_view country;
    if (!c.until_quote(&country) || !is_country_value(country)) return std::nullopt;
    l.country = country;
  }
  if (!c.literal(", \"event\": \"") || !c.until_quote(&l.event)) return std::nullopt;
  if (l.event != "start" && l.event != "end") return std::nullopt;
  if (!c.literal(", \"session_id\": \"") || !c.until_quote(&l.session_id)) return std::nullopt;
  if (!is_dashed_uuid4(l.session_id)) return std::nullopt;
  if (!c.literal(", \"ts\": \"") || !c.until_quote(&l.ts) || !c.literal("}") || !c.at_end()) {
    return std::nullopt;
  }
  // Whole seconds, 'T' separator, no zone.
  if (l.ts.size() != 19 || l.ts[10] != 'T') return std::nullopt;
  return l;
}

// The SourceTruth fields recounted from decoded output.
struct Recount {
  lake::SourceStats stats;
  int64_t sessions = 0;
  int64_t completed_sessions = 0;
  int64_t players = 0;
  int64_t countries = 0;
  std::map<std::string, int64_t> completed_per_country;
  int64_t end_before_start = 0;
};

Recount recount(const std::string& text) {
  json::JsonlDecoder decoder(lake::source_events_schema());
  std::vector<json::DecodedBatch> batches;
  decoder.feed(text, batches);
  decoder.finish(batches);
  Recount r;
  r.stats.lines = decoder.lines();
  struct SessionSeen {
    bool start = false;
    bool end = false;
    int64_t start_ts = 0;
    int64_t end_ts = 0;
    std::string country;
  };
  std::unordered_map<std::string, SessionSeen> sessions;
  std::unordered_set<std::string> players;
  std::set<std::string> countries;
  std::set<int64_t> days;
  for (const auto& b : batches) {
    for (const auto& rej : b.rejects) ++r.stats.rejected[static_cast<size_t>(rej.reason)];
    const auto& rows = b.rows;
    for (size_t i = 0; i < rows.num_rows(); ++i) {
      const std::string_view event = rows.column(lake::kSourceEvent).string_at(i);
      const int64_t ts = rows.column(lake::kSourceTs).int64_at(i);
      SessionSeen& s = sessions[std::string(rows.column(lake::kSourceSessionId).string_at(i))];
      players.insert(std::string(rows.column(lake::kSourcePlayerId).string_at(i)));
      if (event == "start") {
        ++r.stats.start_events;
        s.start = true;
        s.start_ts = ts;
        EXPECT_FALSE(rows.column(lake::kSourceCountry).is_null(i));
        s.country = std::string(rows.column(lake::kSourceCountry).string_at(i));
        countries.insert(s.country);
      } else {
        ++r.stats.end_events;
        s.end = true;
        s.end_ts = ts;
        EXPECT_TRUE(rows.column(lake::kSourceCountry).is_null(i));
      }
      r.stats.min_ts = std::min(r.stats.min_ts.value_or(ts), ts);
      r.stats.max_ts = std::max(r.stats.max_ts.value_or(ts), ts);
      days.insert(util::days_from_micros(ts));
    }
  }
  r.stats.dates = static_cast<int64_t>(days.size());
  r.sessions = static_cast<int64_t>(sessions.size());
  r.players = static_cast<int64_t>(players.size());
  r.countries = static_cast<int64_t>(countries.size());
  for (const auto& [id, s] : sessions) {
    if (!s.start || !s.end) continue;
    ++r.completed_sessions;
    ++r.completed_per_country[s.country];
    r.end_before_start += s.end_ts < s.start_ts;
  }
  return r;
}

void expect_truth_matches(const SourceTruth& truth, const Recount& r) {
  EXPECT_EQ(truth.stats.to_json(), r.stats.to_json());
  EXPECT_EQ(truth.sessions, r.sessions);
  EXPECT_EQ(truth.completed_sessions, r.completed_sessions);
  EXPECT_EQ(truth.players, r.players);
  EXPECT_EQ(truth.countries, r.countries);
  EXPECT_EQ(truth.completed_per_country, r.completed_per_country);
}

TEST(GenerateSource, SameBytesWhateverTheThreadCount) {
  const GenOptions options{.events = 20'001, .seed = 77};  // 2 chunks, 4 bz2 pieces
  const Generated one = generate(options, 1);
  EXPECT_EQ(generate(options, 2).compressed, one.compressed);
  EXPECT_EQ(generate(options, 5).compressed, one.compressed);
  EXPECT_EQ(generate(options, 1).compressed, one.compressed);
}

TEST(GenerateSource, DirtySameBytesWhateverTheThreadCount) {
  const GenOptions options{.events = 20'001, .seed = 78, .dirty_rate = 0.05};
  EXPECT_EQ(generate(options, 1).compressed, generate(options, 3).compressed);
}

TEST(GenerateSource, OtherSeedOtherBytes) {
  EXPECT_NE(generate({.events = 1'001, .seed = 1}).text,
            generate({.events = 1'001, .seed = 2}).text);
}

TEST(GenerateSource, ReportCountsWhatWasWritten) {
  const Generated g = generate({.events = 20'001, .seed = 5});
  EXPECT_EQ(g.report.lines, 20'001);
  EXPECT_EQ(g.report.bytes_uncompressed, g.text.size());
  EXPECT_EQ(g.report.bytes_compressed, g.compressed.size());
  EXPECT_EQ(g.report.truth.stats.lines, 20'001);
  EXPECT_GT(g.report.events_per_core_second(), 0);
}

TEST(GenerateSource, CleanFileHasTheRealFilesFacts) {
  const Generated g = generate({.events = 20'001, .seed = 6});
  ASSERT_FALSE(g.text.empty());
  ASSERT_EQ(g.text.back(), '\n');
  const std::vector<std::string_view> lines = split_lines(g.text);
  ASSERT_EQ(lines.size(), 20'001u);

  struct SessionLines {
    int starts = 0;
    int ends = 0;
    size_t start_pos = 0;
    size_t end_pos = 0;
    int64_t start_ts = 0;
    int64_t end_ts = 0;
    std::string player;
  };
  std::map<std::string, SessionLines> sessions;
  std::map<std::string, std::string> country_of_player;
  std::set<std::string_view> distinct_lines(lines.begin(), lines.end());
  EXPECT_EQ(distinct_lines.size(), lines.size()) << "duplicate lines";
  int64_t starts = 0;
  int64_t ends = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::optional<CleanLine> m = parse_clean_line(lines[i]);
    ASSERT_TRUE(m.has_value()) << lines[i];
    const bool start = m->event == "start";
    ASSERT_EQ(m->country.has_value(), start)
        << "country only (and always) on start lines: " << lines[i];
    const std::optional<int64_t> ts = util::parse_iso8601(m->ts);
    ASSERT_TRUE(ts.has_value()) << lines[i];
    ASSERT_EQ(*ts % util::kMicrosPerSecond, 0);
    SessionLines& s = sessions[std::string(m->session_id)];
    if (!s.player.empty()) {
      EXPECT_EQ(s.player, m->player_id);
    }
    s.player = std::string(m->player_id);
    if (start) {
      ++starts;
      ++s.starts;
      s.start_pos = i;
      s.start_ts = *ts / util::kMicrosPerSecond;
      ASSERT_GE(s.start_ts, kFirstStart);
      ASSERT_LE(s.start_ts, kLastStart);
      auto [it, fresh] =
          country_of_player.emplace(std::string(m->player_id), std::string(*m->country));
      EXPECT_EQ(it->second, *m->country) << "a player's country is fixed";
    } else {
      ++ends;
      ++s.ends;
      s.end_pos = i;
      s.end_ts = *ts / util::kMicrosPerSecond;
    }
  }
  EXPECT_EQ(starts, 10'000);
  EXPECT_EQ(ends, 10'001);
  EXPECT_EQ(sessions.size(), 10'003u);
  int start_only = 0;
  int end_only = 0;
  int complete = 0;
  int end_first = 0;
  std::map<std::string, int> sessions_per_player;
  for (const auto& [id, s] : sessions) {
    ASSERT_LE(s.starts, 1);
    ASSERT_LE(s.ends, 1);
    ++sessions_per_player[s.player];
    if (s.starts == 1 && s.ends == 1) {
      ++complete;
      end_first += s.end_pos < s.start_pos;
      const int64_t duration = s.end_ts - s.start_ts;
      EXPECT_GE(duration, kMinDurationSeconds);
      EXPECT_LE(duration, kMaxDurationSeconds);
    } else if (s.starts == 1) {
      ++start_only;
    } else {
      ++end_only;
    }
  }
  EXPECT_EQ(complete, 9'998);
  EXPECT_EQ(start_only, 2);
  EXPECT_EQ(end_only, 3);
  EXPECT_NEAR(end_first / 9998.0, 0.5, 0.03);
  EXPECT_EQ(sessions_per_player.size(), 392u);
  for (const auto& [player, n] : sessions_per_player) {
    EXPECT_GE(n, 1);
    EXPECT_LE(n, 50);
  }
  EXPECT_EQ(country_of_player.size(), 392u);

  expect_truth_matches(g.report.truth, recount(g.text));
  EXPECT_EQ(g.report.truth.stats.rejected_total(), 0);
}

TEST(GenerateSource, EvenEventCountGivesExactlyThatManyLines) {
  const Generated g = generate({.events = 20'000, .seed = 8});
  EXPECT_EQ(split_lines(g.text).size(), 20'000u);
  EXPECT_EQ(g.report.truth.stats.start_events, 10'000);
  EXPECT_EQ(g.report.truth.stats.end_events, 10'000);
  expect_truth_matches(g.report.truth, recount(g.text));
}

TEST(GenerateSource, ZeroEventsIsAnEmptyValidFile) {
  const Generated g = generate({.events = 0});
  EXPECT_FALSE(g.compressed.empty());
  EXPECT_TRUE(g.text.empty());
  EXPECT_EQ(g.report.truth.stats.lines, 0);
  EXPECT_FALSE(g.report.truth.stats.min_ts.has_value());
}

TEST(GenerateSource, RejectsBadOptions) {
  StringFile file;
  util::ThreadPool pool(1);
  const auto r = generate_source({.events = 10, .dirty_rate = 0.2}, file, pool);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kInvalidArgument);
  EXPECT_TRUE(file.data().empty());
}

TEST(GenerateSource, DirtyTruthMatchesTheDecoder) {
  const GenOptions options{.events = 20'001, .seed = 9, .dirty_rate = 0.03};
  const Generated g = generate(options);
  const SourceTruth& truth = g.report.truth;
  const int64_t k = 600;  // 0.03 × 20001

  // Lines: 20001 − dropped starts + duplicates; the last one cut, no '\n'.
  ASSERT_NE(g.text.back(), '\n');
  EXPECT_EQ(static_cast<int64_t>(split_lines(g.text).size()), 20'001);
  EXPECT_EQ(truth.stats.lines, 20'001);
  EXPECT_EQ(truth.injected.end_without_start, k);
  EXPECT_EQ(truth.injected.duplicate_lines, k);
  EXPECT_EQ(truth.injected.end_before_start, k);
  EXPECT_EQ(truth.injected.truncated, 1);
  for (size_t i = 0; i < json::kRejectReasonCount; ++i) {
    EXPECT_EQ(truth.stats.rejected[i],
              i == static_cast<size_t>(json::RejectReason::kTruncated) ? 1 : k)
        << json::reject_reason_name(static_cast<json::RejectReason>(i));
  }
  EXPECT_EQ(truth.stats.lines,
            truth.stats.start_events + truth.stats.end_events + truth.stats.rejected_total());

  // Exact copies: the number of surplus copies of accepted lines.
  std::unordered_map<std::string_view, int> copies;
  for (const std::string_view line : split_lines(g.text)) ++copies[line];
  int64_t surplus = 0;
  for (const auto& [line, n] : copies) {
    if (n > 1 && line.size() > 100) surplus += n - 1;
  }
  EXPECT_EQ(surplus, k);

  const Recount r = recount(g.text);
  expect_truth_matches(truth, r);
  EXPECT_EQ(r.end_before_start, k);
}

// lake::inspect_source (bz2 reader + decoder, as `medallion inspect-source`)
// counts the same SourceStats as the truth.
TEST(GenerateSource, InspectSourceAgreesWithTruth) {
  util::InMemoryFileSystem fs;
  const std::string path = "/src.jsonl.bz2";
  auto file = fs.create_writable(path, util::CreateMode::kTruncate);
  ASSERT_TRUE(file.is_ok());
  util::ThreadPool pool(2);
  const auto report =
      generate_source({.events = 20'001, .seed = 10, .dirty_rate = 0.01}, **file, pool);
  ASSERT_TRUE(report.is_ok()) << report.status().message();
  ASSERT_TRUE((*file)->close().is_ok());
  lake::InspectOptions inspect;
  inspect.pool = &pool;
  const auto stats = lake::inspect_source(fs, path, inspect);
  ASSERT_TRUE(stats.is_ok()) << stats.status().message();
  EXPECT_EQ(stats->to_json(), report->truth.stats.to_json());
}

// The default size without compression (fast): the truth holds every known
// fact of the real file, and the text is about 159 MB.
TEST(GenerateSource, DefaultSizeHasEveryKnownFact) {
  const SessionModel model = SessionModel::build({});
  const LinePlan plan = LinePlan::build(model);
  const SourceTruth truth = compute_source_truth(model, plan);
  EXPECT_EQ(truth.stats.lines, 1'001'169);
  EXPECT_EQ(truth.stats.start_events, 500'584);
  EXPECT_EQ(truth.stats.end_events, 500'585);
  EXPECT_EQ(truth.stats.rejected_total(), 0);
  EXPECT_EQ(truth.sessions, 500'587);
  EXPECT_EQ(truth.completed_sessions, 500'582);
  EXPECT_EQ(truth.players, 19'615);
  EXPECT_EQ(truth.countries, 246);
  ASSERT_EQ(truth.completed_per_country.size(), 246u);
  int64_t lo = INT64_MAX;
  int64_t hi = 0;
  for (const auto& [country, n] : truth.completed_per_country) {
    lo = std::min(lo, n);
    hi = std::max(hi, n);
  }
  EXPECT_GT(lo, 1500);  // about 2,000 each
  EXPECT_LT(hi, 2700);
  EXPECT_EQ(truth.completed_per_country.count("Code"), 1u);
  EXPECT_EQ(truth.completed_per_country.count("(.uk)"), 1u);
  EXPECT_GE(*truth.stats.min_ts, kFirstStart * util::kMicrosPerSecond);
  EXPECT_LT(*truth.stats.min_ts, (kFirstStart + 60) * util::kMicrosPerSecond);
  EXPECT_EQ(truth.stats.dates, 31);  // Nov 2 .. Dec 1, plus ends on Dec 2

  const LineFormatter formatter(model);
  std::string text;
  size_t bytes = 0;
  for (size_t i = 0; i < plan.lines().size(); i += 65536) {
    text.clear();
    const size_t n = std::min<size_t>(65536, plan.lines().size() - i);
    formatter.append_lines(std::span(plan.lines()).subspan(i, n), text);
    bytes += text.size();
  }
  EXPECT_GT(bytes, 155'000'000u);
  EXPECT_LT(bytes, 163'000'000u);
}

TEST(SourceTruth, JsonHasTheSourceStatsFieldsThenTheRest) {
  const SessionModel model = SessionModel::build({.events = 1'001, .seed = 3, .dirty_rate = 0.05});
  const LinePlan plan = LinePlan::build(model);
  const std::string json = compute_source_truth(model, plan).to_json();
  const char* keys[] = {"\"lines\"",
                        "\"events\"",
                        "\"rejected\"",
                        "\"min_ts\"",
                        "\"max_ts\"",
                        "\"dates\"",
                        "\"sessions\"",
                        "\"completed_sessions\"",
                        "\"players\"",
                        "\"countries\"",
                        "\"completed_per_country\"",
                        "\"seed\"",
                        "\"dirty_rate\"",
                        "\"injected\""};
  size_t pos = 0;
  for (const char* key : keys) {
    const size_t at = json.find(key, pos);
    ASSERT_NE(at, std::string::npos) << key << " in order in\n" << json;
    pos = at;
  }
  EXPECT_NE(json.find("\"dirty_rate\": 0.05,"), std::string::npos) << json;
  EXPECT_NE(json.find("\"seed\": 3,"), std::string::npos) << json;
  EXPECT_EQ(json.back(), '\n');
}

}  // namespace
}  // namespace medallion::gen
