#include "insights/insights.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <sstream>

#include "session_rows.h"
#include "util/in_memory_file_system.h"

namespace medallion::insights {
namespace {

using testing::micros;
using testing::SessionRow;
using testing::write_sessions_table;

constexpr char kRoot[] = "/lake/use_case/uc_assignment/uc_delta_session_events";

std::vector<CountryCount> countries(std::vector<std::pair<std::string, int64_t>> v) {
  std::vector<CountryCount> out;
  for (auto& [c, n] : v) out.push_back({c, n});
  return out;
}

std::vector<PlayerCount> players(std::vector<std::pair<std::string, int64_t>> v) {
  std::vector<PlayerCount> out;
  for (auto& [p, n] : v) out.push_back({p, n});
  return out;
}

// The designed table (90 sessions):
//  - completed per country: DE 5, IT 5, FI 4, (.uk) 3, Code 3, ES 2, FR 2,
//    US 2, DK 1, NO 1, PL 1, SE 1, aa 1 (13 countries; ties in byte order,
//    so "(.uk)" < "Code" and "aa" after "SE"), plus 6 completed sessions
//    without a country, more than any country has;
//  - completed per player: p_a 6, p_b 5, p_c 5, p_d 4, p_e 3, p_f 3, p_g 2,
//    p_h 2, p_i 2, then five players with 1 of which "P_z" sorts first;
//    p_zero has 53 sessions, none completed;
//  - started in 2016: FI 7 (4 at exactly 2016-01-01T00:00:00Z), ZZ 7, DE 6,
//    plus 10 without a country; IT has 8 at exactly 2017-01-01T00:00:00Z
//    and DE 2 at 2015-12-31T23:59:59.999999Z, which do not count.
std::vector<SessionRow> designed_rows() {
  const std::vector<std::pair<std::optional<std::string>, int>> completed_countries = {
      {"IT", 5}, {"DE", 5}, {"FI", 4}, {"Code", 3}, {"(.uk)", 3}, {"US", 2}, {"FR", 2},
      {"ES", 2}, {"SE", 1}, {"NO", 1}, {"DK", 1},   {"PL", 1},    {"aa", 1}, {std::nullopt, 6}};
  const std::vector<std::pair<std::string, int>> completed_players = {
      {"p_a", 6}, {"p_b", 5}, {"p_c", 5}, {"p_d", 4}, {"p_e", 3}, {"p_f", 3}, {"p_g", 2},
      {"p_h", 2}, {"p_i", 2}, {"p_j", 1}, {"p_k", 1}, {"P_z", 1}, {"p_l", 1}, {"p_m", 1}};
  std::vector<std::optional<std::string>> country_list;
  for (const auto& [c, n] : completed_countries) country_list.insert(country_list.end(), n, c);
  std::vector<std::string> player_list;
  for (const auto& [p, n] : completed_players) player_list.insert(player_list.end(), n, p);
  EXPECT_EQ(country_list.size(), player_list.size());
  std::mt19937 rng(42);
  std::shuffle(player_list.begin(), player_list.end(), rng);

  const int64_t y2016 = micros("2016-01-01T00:00:00Z");
  const int64_t y2017 = micros("2017-01-01T00:00:00Z");
  const int64_t feb2017 = micros("2017-02-01T10:00:00Z");
  const int64_t mid2016 = micros("2016-06-15T12:00:00Z");
  std::vector<SessionRow> rows;
  int fi_boundary = 0;
  int it_boundary = 0;
  for (size_t i = 0; i < country_list.size(); ++i) {
    int64_t start = feb2017;
    if (country_list[i] == "FI" && fi_boundary++ < 4) start = y2016;
    if (country_list[i] == "IT" && it_boundary++ < 5) start = y2017;
    rows.push_back({country_list[i], player_list[i], start, 1});
  }
  auto add = [&](int n, std::optional<std::string> country, std::optional<int64_t> start,
                 std::optional<int32_t> status) {
    for (int k = 0; k < n; ++k) rows.push_back({country, "p_zero", start, status});
  };
  add(7, "ZZ", mid2016, 0);
  add(3, "FI", y2017 - 1, 0);
  add(3, "IT", y2017, 0);
  add(6, "DE", mid2016, 0);
  add(2, "DE", y2016 - 1, 0);
  add(10, std::nullopt, mid2016, 0);
  add(20, "XX", micros("2015-03-01T00:00:00Z"), 0);
  add(2, "IT", std::nullopt, std::nullopt);
  // Interleave the kinds so that no country arrives in one run.
  std::shuffle(rows.begin(), rows.end(), rng);
  return rows;
}

TEST(ComputeInsights, DesignedTableEveryField) {
  util::InMemoryFileSystem fs;
  const std::vector<SessionRow> rows = designed_rows();
  ASSERT_EQ(rows.size(), 90u);
  write_sessions_table(fs, kRoot, rows, 25);
  auto result = compute_insights(fs, kRoot);
  ASSERT_TRUE(result.is_ok()) << result.status().message();
  const Insights& got = *result;
  EXPECT_EQ(got.sessions, 90);
  EXPECT_EQ(got.completed_per_country, countries({{"DE", 5},
                                                  {"IT", 5},
                                                  {"FI", 4},
                                                  {"(.uk)", 3},
                                                  {"Code", 3},
                                                  {"ES", 2},
                                                  {"FR", 2},
                                                  {"US", 2},
                                                  {"DK", 1},
                                                  {"NO", 1}}));
  EXPECT_EQ(got.completed_by_country, countries({{"DE", 5},
                                                 {"IT", 5},
                                                 {"FI", 4},
                                                 {"(.uk)", 3},
                                                 {"Code", 3},
                                                 {"ES", 2},
                                                 {"FR", 2},
                                                 {"US", 2},
                                                 {"DK", 1},
                                                 {"NO", 1},
                                                 {"PL", 1},
                                                 {"SE", 1},
                                                 {"aa", 1}}));
  EXPECT_EQ(got.completed_per_player, players({{"p_a", 6},
                                               {"p_b", 5},
                                               {"p_c", 5},
                                               {"p_d", 4},
                                               {"p_e", 3},
                                               {"p_f", 3},
                                               {"p_g", 2},
                                               {"p_h", 2},
                                               {"p_i", 2},
                                               {"P_z", 1}}));
  EXPECT_EQ(got.top_country_started_2016, "FI");
}

TEST(ComputeInsights, OneCommitGivesTheSameAnswer) {
  util::InMemoryFileSystem a;
  util::InMemoryFileSystem b;
  const std::vector<SessionRow> rows = designed_rows();
  write_sessions_table(a, kRoot, rows, 7);
  write_sessions_table(b, kRoot, rows, rows.size());
  auto x = compute_insights(a, kRoot);
  auto y = compute_insights(b, kRoot);
  ASSERT_TRUE(x.is_ok() && y.is_ok());
  EXPECT_EQ(insights_json(*x), insights_json(*y));
  EXPECT_EQ(x->completed_by_country, y->completed_by_country);
}

TEST(ComputeInsights, YearBoundaryIsHalfOpen) {
  util::InMemoryFileSystem fs;
  // One session exactly at each edge; "B" would win if 2017-01-01 counted,
  // "C" if the instant before 2016 did.
  write_sessions_table(fs, kRoot,
                       {{"A", "p", micros("2016-01-01T00:00:00Z"), 0},
                        {"B", "p", micros("2017-01-01T00:00:00Z"), 0},
                        {"B", "p", micros("2017-01-01T00:00:00Z"), 0},
                        {"C", "p", micros("2016-01-01T00:00:00Z") - 1, 0},
                        {"C", "p", micros("2016-01-01T00:00:00Z") - 1, 0},
                        {"D", "p", micros("2016-12-31T23:59:59.999999Z"), 0}});
  auto got = compute_insights(fs, kRoot);
  ASSERT_TRUE(got.is_ok()) << got.status().message();
  EXPECT_EQ(got->top_country_started_2016, "A");  // A and D tie at 1: ascending
}

TEST(ComputeInsights, NoSessionIn2016GivesEmptyTopCountry) {
  util::InMemoryFileSystem fs;
  write_sessions_table(fs, kRoot,
                       {{"IT", "p1", micros("2015-05-01T00:00:00Z"), 1},
                        {std::nullopt, "p2", micros("2016-05-01T00:00:00Z"), 1},
                        {"DE", "p3", std::nullopt, 1}});
  auto got = compute_insights(fs, kRoot);
  ASSERT_TRUE(got.is_ok()) << got.status().message();
  EXPECT_EQ(got->sessions, 3);
  EXPECT_EQ(got->top_country_started_2016, "");
  EXPECT_EQ(got->completed_per_country, countries({{"DE", 1}, {"IT", 1}}));
  EXPECT_EQ(got->completed_per_player, players({{"p1", 1}, {"p2", 1}, {"p3", 1}}));
  EXPECT_NE(insights_json(*got).find("\"top_country_started_2016\":null}"), std::string::npos);
}

TEST(ComputeInsights, StatusOtherThanOneIsNotCompleted) {
  util::InMemoryFileSystem fs;
  write_sessions_table(fs, kRoot,
                       {{"IT", "p1", micros("2016-05-01T00:00:00Z"), 0},
                        {"IT", "p1", micros("2016-05-01T00:00:00Z"), 2},
                        {"IT", "p1", micros("2016-05-01T00:00:00Z"), std::nullopt}});
  auto got = compute_insights(fs, kRoot);
  ASSERT_TRUE(got.is_ok()) << got.status().message();
  EXPECT_EQ(got->sessions, 3);
  EXPECT_TRUE(got->completed_per_country.empty());
  EXPECT_TRUE(got->completed_by_country.empty());
  EXPECT_TRUE(got->completed_per_player.empty());
  EXPECT_EQ(got->top_country_started_2016, "IT");  // every status counts there
}

TEST(ComputeInsights, EmptyTable) {
  util::InMemoryFileSystem fs;
  write_sessions_table(fs, kRoot, {});
  auto got = compute_insights(fs, kRoot);
  ASSERT_TRUE(got.is_ok()) << got.status().message();
  EXPECT_EQ(got->sessions, 0);
  EXPECT_TRUE(got->completed_by_country.empty());
  EXPECT_EQ(insights_json(*got),
            R"({"sessions":0,"completed_per_country":[],"completed_per_player":[],)"
            R"("top_country_started_2016":null})");
}

TEST(ComputeInsights, MissingTableIsNotFoundWithAdvice) {
  util::InMemoryFileSystem fs;
  auto got = compute_insights(fs, kRoot);
  ASSERT_FALSE(got.is_ok());
  EXPECT_EQ(got.status().code(), util::StatusCode::kNotFound);
  const std::string& message = got.status().message();
  EXPECT_EQ(message.rfind("insights: ", 0), 0u) << message;
  EXPECT_NE(message.find(kRoot), std::string::npos) << message;
  EXPECT_NE(message.find("run the pipeline first"), std::string::npos) << message;
}

TEST(ComputeInsights, TableWithoutTheColumnsIsRefused) {
  util::InMemoryFileSystem fs;
  columnar::Schema schema({columnar::Field{"country", columnar::DataType::kString, true, {}}});
  ASSERT_TRUE(delta::create_table(fs, kRoot, delta::delta_schema_of(schema), {}, {}).is_ok());
  auto got = compute_insights(fs, kRoot);
  ASSERT_FALSE(got.is_ok());
  EXPECT_NE(got.status().message().find("is not a sessions table"), std::string::npos)
      << got.status().message();
}

// Many rows with random shapes against a straightforward recount.
TEST(ComputeInsights, RandomTableMatchesARecount) {
  util::InMemoryFileSystem fs;
  std::mt19937_64 rng(7);
  std::vector<SessionRow> rows;
  const int64_t base = micros("2015-10-01T00:00:00Z");
  for (int i = 0; i < 3000; ++i) {
    SessionRow r;
    if (rng() % 20 != 0) r.country = "C" + std::to_string(rng() % 30);
    r.player_id = "p" + std::to_string(rng() % 200);
    // Few distinct days (the table is partitioned by date), any second in them.
    const auto day = static_cast<int64_t>(rng() % 40) * 12;
    const auto second = static_cast<int64_t>(rng() % 86'400);
    if (rng() % 25 != 0) r.start_ts = base + (day * 86'400 + second) * 1'000'000;
    r.status = static_cast<int32_t>(rng() % 3 == 0 ? 0 : 1);
    rows.push_back(r);
  }
  write_sessions_table(fs, kRoot, rows, 1000);
  std::map<std::string, int64_t> by_country, by_player, started;
  for (const SessionRow& r : rows) {
    const bool in_2016 = r.start_ts && *r.start_ts >= micros("2016-01-01T00:00:00Z") &&
                         *r.start_ts < micros("2017-01-01T00:00:00Z");
    if (r.country && in_2016) ++started[*r.country];
    if (r.status != 1) continue;
    if (r.country) ++by_country[*r.country];
    ++by_player[*r.player_id];
  }
  auto ranked = [](const std::map<std::string, int64_t>& m) {
    std::vector<std::pair<std::string, int64_t>> v(m.begin(), m.end());
    std::stable_sort(v.begin(), v.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    return v;
  };
  auto want_countries = ranked(by_country);
  auto want_players = ranked(by_player);
  want_players.resize(kTopN);
  auto got = compute_insights(fs, kRoot);
  ASSERT_TRUE(got.is_ok()) << got.status().message();
  EXPECT_EQ(got->sessions, 3000);
  EXPECT_EQ(got->completed_by_country, countries(want_countries));
  want_countries.resize(kTopN);
  EXPECT_EQ(got->completed_per_country, countries(want_countries));
  EXPECT_EQ(got->completed_per_player, players(want_players));
  EXPECT_EQ(got->top_country_started_2016, ranked(started).front().first);
}

TEST(InsightsJson, SmallTableExactText) {
  util::InMemoryFileSystem fs;
  write_sessions_table(fs, kRoot,
                       {{"IT", "p1", micros("2016-03-01T00:00:00Z"), 1},
                        {"a\"b\\", "p2", micros("2016-03-01T00:00:00Z"), 1},
                        {std::nullopt, "p1", micros("2015-03-01T00:00:00Z"), 0}});
  auto got = compute_insights(fs, kRoot);
  ASSERT_TRUE(got.is_ok()) << got.status().message();
  EXPECT_EQ(insights_json(*got),
            R"({"sessions":3,"completed_per_country":[{"country":"IT","count":1},)"
            R"({"country":"a\"b\\","count":1}],"completed_per_player":[{"player_id":"p1",)"
            R"("count":1},{"player_id":"p2","count":1}],"top_country_started_2016":"IT"})");
}

TEST(InsightsJson, EscapesControlBytesAndKeepsOrder) {
  Insights in;
  in.sessions = 12;
  in.completed_per_country = {{"X\n", 2}};
  in.completed_per_player = {{"\x01", 1}};
  in.top_country_started_2016 = "X\n";
  EXPECT_EQ(insights_json(in),
            R"({"sessions":12,"completed_per_country":[{"country":"X\n","count":2}],)"
            R"("completed_per_player":[{"player_id":"\u0001","count":1}],)"
            R"("top_country_started_2016":"X\n"})");
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(InsightsText, SectionsAndAlignedColumns) {
  Insights in;
  in.sessions = 1234;
  in.completed_per_country = {{"IT", 2839},
                              {"(.uk)", 7},
                              {"Fran\xC3\xA7"
                               "e",
                               12}};
  in.completed_per_player = {{"a-long-player-identifier", 50}, {"p", 3}};
  in.top_country_started_2016 = "IT";
  const std::string text = insights_text(in);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  const std::vector<std::string> lines = lines_of(text);
  EXPECT_EQ(lines[0], "sessions: 1234");
  // Each table: header, rule and rows end in the same column (numbers are
  // right-aligned; "Franç" counts as 5 columns, not 6 bytes).
  auto width = [](const std::string& s) {
    size_t w = 0;
    for (char c : s) w += (static_cast<uint8_t>(c) & 0xC0) != 0x80;
    return w;
  };
  auto find = [&](const std::string& prefix) {
    for (size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].rfind(prefix, 0) == 0) return i;
    }
    ADD_FAILURE() << "no line " << prefix << " in\n" << text;
    return size_t{0};
  };
  const size_t countries_at = find("completed sessions per country (top 10)");
  for (size_t i = countries_at + 2; i < countries_at + 6; ++i) {
    EXPECT_EQ(width(lines[i]), width(lines[countries_at + 1])) << text;
  }
  EXPECT_NE(lines[countries_at + 3].find("IT"), std::string::npos);
  EXPECT_NE(lines[countries_at + 3].find("2839"), std::string::npos);
  const size_t players_at = find("completed sessions per player (top 10)");
  for (size_t i = players_at + 2; i < players_at + 5; ++i) {
    EXPECT_EQ(width(lines[i]), width(lines[players_at + 1])) << text;
  }
  const size_t top_at = find("country with the most sessions started in 2016");
  EXPECT_EQ(lines[top_at + 1], "  IT");
}

TEST(InsightsText, EmptySectionsSaySo) {
  const std::string text = insights_text(Insights{});
  EXPECT_NE(text.find("sessions: 0\n"), std::string::npos);
  EXPECT_NE(text.find("(no completed sessions with a country)"), std::string::npos);
  EXPECT_NE(text.find("(no completed sessions)"), std::string::npos);
  EXPECT_NE(text.find("(no session with a country started in 2016)"), std::string::npos);
}

}  // namespace
}  // namespace medallion::insights
