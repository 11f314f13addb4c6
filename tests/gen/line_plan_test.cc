#include "gen/line_plan.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <utility>

namespace medallion::gen {
namespace {

TEST(LinePlan, CleanPlanHasEveryLineOnce) {
  const SessionModel m = SessionModel::build({.events = 20'001, .seed = 1});
  const LinePlan plan = LinePlan::build(m);
  ASSERT_EQ(plan.lines().size(), 20'001u);
  std::set<std::pair<uint32_t, EventType>> seen;
  for (const PlannedLine& l : plan.lines()) {
    EXPECT_EQ(l.defect, LineDefect::kNone);
    EXPECT_TRUE(seen.emplace(l.session, l.event).second);
  }
}

TEST(LinePlan, ShuffleIsGlobal) {
  const SessionModel m = SessionModel::build({.events = 40'001, .seed = 2});
  const LinePlan plan = LinePlan::build(m);
  std::map<uint32_t, size_t> start_pos;
  int64_t end_first = 0;
  int64_t complete = 0;
  for (size_t i = 0; i < plan.lines().size(); ++i) {
    const PlannedLine& l = plan.lines()[i];
    if (l.event == EventType::kStart) start_pos[l.session] = i;
  }
  for (size_t i = 0; i < plan.lines().size(); ++i) {
    const PlannedLine& l = plan.lines()[i];
    if (l.event != EventType::kEnd) continue;
    const auto it = start_pos.find(l.session);
    if (it == start_pos.end()) continue;
    ++complete;
    end_first += i < it->second;
  }
  // About half of the sessions have their end line first.
  EXPECT_NEAR(static_cast<double>(end_first) / static_cast<double>(complete), 0.5, 0.02);
  // Sessions are not in order: the first lines come from all over the model.
  uint32_t max_session = 0;
  for (size_t i = 0; i < 100; ++i) max_session = std::max(max_session, plan.lines()[i].session);
  EXPECT_GT(max_session, m.sessions().size() / 2);
}

TEST(LinePlan, DirtyInjectsEachDefectAtTheRate) {
  const SessionModel m = SessionModel::build({.events = 10'001, .seed = 3, .dirty_rate = 0.02});
  const LinePlan plan = LinePlan::build(m);
  const InjectedDefects& d = plan.injected();
  EXPECT_EQ(d.duplicate_lines, 200);
  EXPECT_EQ(d.end_without_start, 200);
  EXPECT_EQ(d.end_before_start, 200);
  EXPECT_EQ(d.missing_field, 200);
  EXPECT_EQ(d.wrong_type, 200);
  EXPECT_EQ(d.unknown_event, 200);
  EXPECT_EQ(d.bad_timestamp, 200);
  EXPECT_EQ(d.not_json, 200);
  EXPECT_EQ(d.truncated, 1);
  EXPECT_EQ(plan.lines().size(), 10'001u - 200 + 200);

  std::map<LineDefect, int64_t> counts;
  for (const PlannedLine& l : plan.lines()) {
    ++counts[l.defect];
    // Line defects never land on sessions with a session-level defect.
    if (l.defect != LineDefect::kNone && l.defect != LineDefect::kDuplicate) {
      EXPECT_EQ(m.sessions()[l.session].defect, SessionDefect::kNone);
    }
  }
  EXPECT_EQ(counts[LineDefect::kDuplicate], 200);
  EXPECT_EQ(counts[LineDefect::kTruncated], 1);
  EXPECT_EQ(plan.lines().back().defect, LineDefect::kTruncated);
  EXPECT_EQ(plan.lines().back().copies, 0);
}

TEST(LinePlan, DuplicatesCopyCleanLines) {
  const SessionModel m = SessionModel::build({.events = 5'001, .seed = 4, .dirty_rate = 0.1});
  const LinePlan plan = LinePlan::build(m);
  std::map<std::pair<uint32_t, EventType>, int> copies;
  std::map<std::pair<uint32_t, EventType>, int> marked;
  for (const PlannedLine& l : plan.lines()) {
    const auto key = std::make_pair(l.session, l.event);
    if (l.defect == LineDefect::kDuplicate) ++copies[key];
    if (l.defect == LineDefect::kNone) marked[key] = l.copies;
  }
  int64_t total = 0;
  for (const auto& [key, n] : copies) {
    ASSERT_TRUE(marked.count(key)) << "a copy of a line that is not clean";
    EXPECT_EQ(marked[key], n);
    total += n;
  }
  EXPECT_EQ(total, plan.injected().duplicate_lines);
  EXPECT_EQ(total, 500);
}

TEST(LinePlan, TinyDirtyFilesShrinkCounts) {
  const SessionModel m = SessionModel::build({.events = 3, .seed = 4, .dirty_rate = 0.1});
  const LinePlan plan = LinePlan::build(m);
  EXPECT_EQ(plan.injected().truncated, 1);
  EXPECT_EQ(plan.lines().back().defect, LineDefect::kTruncated);
}

}  // namespace
}  // namespace medallion::gen
