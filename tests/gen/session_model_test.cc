#include "gen/session_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "gen/country_codes.h"

namespace medallion::gen {
namespace {

bool is_uuid4(const Uuid& id) { return (id[6] >> 4) == 4 && (id[8] >> 6) == 2; }

TEST(CountryCodes, Has244IsoCodesAndTwoJunkValues) {
  const auto values = country_values();
  ASSERT_EQ(values.size(), 246u);
  EXPECT_EQ(std::set<std::string_view>(values.begin(), values.end()).size(), 246u);
  int junk = 0;
  for (const std::string_view v : values) {
    if (is_junk_country(v)) {
      ++junk;
      continue;
    }
    ASSERT_EQ(v.size(), 2u) << v;
    EXPECT_TRUE(v[0] >= 'A' && v[0] <= 'Z' && v[1] >= 'A' && v[1] <= 'Z') << v;
  }
  EXPECT_EQ(junk, 2);
  EXPECT_NE(std::find(values.begin(), values.end(), "IT"), values.end());
  EXPECT_NE(std::find(values.begin(), values.end(), "FI"), values.end());
}

TEST(SessionModel, PlayersHaveOneToFiftySessionsSummingToTheTotal) {
  const SessionModel m = SessionModel::build({.events = 100'001, .seed = 3});
  int64_t sum = 0;
  std::vector<int> histogram(51, 0);
  for (const Player& p : m.players()) {
    ASSERT_GE(p.session_count, 1);
    ASSERT_LE(p.session_count, 50);
    sum += p.session_count;
    ++histogram[p.session_count];
  }
  EXPECT_EQ(sum, m.shape().sessions());
  EXPECT_EQ(static_cast<int64_t>(m.sessions().size()), m.shape().sessions());
  // Roughly uniform: every count occurs, none dominates (1,960 players).
  for (int c = 1; c <= 50; ++c) {
    EXPECT_GT(histogram[c], 10) << c;
    EXPECT_LT(histogram[c], 90) << c;
  }
}

TEST(SessionModel, CountriesAreDealtEvenly) {
  const SessionModel m = SessionModel::build({.events = kDefaultEvents, .seed = 1});
  std::vector<int> players_per_country(kCountryValueCount, 0);
  for (const Player& p : m.players()) ++players_per_country[p.country];
  const auto [lo, hi] = std::minmax_element(players_per_country.begin(), players_per_country.end());
  EXPECT_GE(*lo, 79);
  EXPECT_LE(*hi, 80);
}

TEST(SessionModel, IdsAreUuid4AndDistinct) {
  const SessionModel m = SessionModel::build({.events = 50'001, .seed = 9});
  std::set<Uuid> ids;
  for (const Player& p : m.players()) {
    EXPECT_TRUE(is_uuid4(p.id));
    ids.insert(p.id);
  }
  for (const Session& s : m.sessions()) {
    EXPECT_TRUE(is_uuid4(s.id));
    ids.insert(s.id);
  }
  EXPECT_EQ(ids.size(), m.players().size() + m.sessions().size());
}

TEST(SessionModel, TimesFollowTheWindowAndDurations) {
  const SessionModel m = SessionModel::build({.events = 200'001, .seed = 4});
  int64_t short_sessions = 0;
  int64_t long_sessions = 0;
  for (const Session& s : m.sessions()) {
    ASSERT_GE(s.start, kFirstStart);
    ASSERT_LE(s.start, kLastStart);
    const int64_t d = s.end - s.start;
    ASSERT_GE(d, kMinDurationSeconds);
    ASSERT_LE(d, kMaxDurationSeconds);
    short_sessions += d < 600;
    long_sessions += d > 3600;
  }
  // Log-uniform over 1 min .. 6 h: P(< 10 min) = ln 10 / ln 360 ≈ 0.39,
  // P(> 1 h) = ln 6 / ln 360 ≈ 0.30.
  const auto n = static_cast<double>(m.sessions().size());
  EXPECT_NEAR(static_cast<double>(short_sessions) / n, 0.391, 0.01);
  EXPECT_NEAR(static_cast<double>(long_sessions) / n, 0.304, 0.01);
}

TEST(SessionModel, OrphansFollowTheShape) {
  const SessionModel m = SessionModel::build({.events = 20'001, .seed = 2});
  int start_only = 0;
  int end_only = 0;
  for (const Session& s : m.sessions()) {
    start_only += s.kind == SessionKind::kStartOnly;
    end_only += s.kind == SessionKind::kEndOnly;
    EXPECT_EQ(s.defect, SessionDefect::kNone);
  }
  EXPECT_EQ(start_only, 2);
  EXPECT_EQ(end_only, 3);
}

TEST(SessionModel, DirtyMarksDisjointCompleteSessions) {
  const SessionModel m = SessionModel::build({.events = 10'001, .seed = 5, .dirty_rate = 0.05});
  EXPECT_EQ(m.start_dropped_sessions(), 500);
  EXPECT_EQ(m.end_before_start_sessions(), 500);
  int dropped = 0;
  int reversed = 0;
  for (const Session& s : m.sessions()) {
    if (s.defect == SessionDefect::kNone) {
      EXPECT_GT(s.end, s.start);
      continue;
    }
    EXPECT_EQ(s.kind, SessionKind::kComplete);
    if (s.defect == SessionDefect::kStartDropped) {
      ++dropped;
      EXPECT_FALSE(s.writes_start());
      EXPECT_TRUE(s.writes_end());
    } else {
      ++reversed;
      EXPECT_LT(s.end, s.start);
    }
  }
  EXPECT_EQ(dropped, 500);
  EXPECT_EQ(reversed, 500);
}

TEST(SessionModel, SameSeedSameModelOtherSeedOther) {
  const SessionModel a = SessionModel::build({.events = 5'001, .seed = 11});
  const SessionModel b = SessionModel::build({.events = 5'001, .seed = 11});
  const SessionModel c = SessionModel::build({.events = 5'001, .seed = 12});
  ASSERT_EQ(a.sessions().size(), b.sessions().size());
  for (size_t i = 0; i < a.sessions().size(); ++i) {
    ASSERT_EQ(a.sessions()[i].id, b.sessions()[i].id);
    ASSERT_EQ(a.sessions()[i].start, b.sessions()[i].start);
  }
  EXPECT_NE(a.sessions()[0].id, c.sessions()[0].id);
}

}  // namespace
}  // namespace medallion::gen
