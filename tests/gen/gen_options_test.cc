#include "gen/gen_options.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace medallion::gen {
namespace {

TEST(SourceShape, DefaultIsTheRealFile) {
  const SourceShape s = shape_for_events(kDefaultEvents);
  EXPECT_EQ(s.events, 1'001'169);
  EXPECT_EQ(s.complete_sessions, 500'582);
  EXPECT_EQ(s.start_only_sessions, 2);
  EXPECT_EQ(s.end_only_sessions, 3);
  EXPECT_EQ(s.sessions(), 500'587);
  EXPECT_EQ(s.start_events(), 500'584);
  EXPECT_EQ(s.end_events(), 500'585);
  EXPECT_EQ(s.players, 19'615);
}

TEST(SourceShape, ScalesPlayersWithEvents) {
  const SourceShape s = shape_for_events(20'001);
  EXPECT_EQ(s.start_only_sessions, 2);
  EXPECT_EQ(s.end_only_sessions, 3);
  EXPECT_EQ(2 * s.complete_sessions + 5, 20'001);
  EXPECT_EQ(s.players, 392);  // 20001 × 19615 / 1001169 = 391.9
}

TEST(SourceShape, EvenCountsKeepTwoAndTwoOrphans) {
  const SourceShape s = shape_for_events(20'000);
  EXPECT_EQ(s.start_only_sessions, 2);
  EXPECT_EQ(s.end_only_sessions, 2);
  EXPECT_EQ(2 * s.complete_sessions + 4, 20'000);
}

TEST(SourceShape, SmallFilesHaveAtMostOneOrphan) {
  EXPECT_EQ(shape_for_events(0).sessions(), 0);
  EXPECT_EQ(shape_for_events(0).players, 0);
  const SourceShape one = shape_for_events(1);
  EXPECT_EQ(one.end_only_sessions, 1);
  EXPECT_EQ(one.complete_sessions, 0);
  EXPECT_EQ(one.players, 1);
  const SourceShape small = shape_for_events(998);
  EXPECT_EQ(small.start_only_sessions + small.end_only_sessions, 0);
  EXPECT_EQ(small.complete_sessions, 499);
}

TEST(SourceShape, PlayersFitOneToFiftySessions) {
  for (int64_t events = 1; events < 3000; events += 7) {
    const SourceShape s = shape_for_events(events);
    ASSERT_GE(s.players, 1) << events;
    ASSERT_LE(s.players, s.sessions()) << events;
    ASSERT_LE(s.sessions(), 50 * s.players) << events;
  }
}

TEST(GenOptions, ValidateRejectsOutOfRange) {
  EXPECT_TRUE(validate_options({}).is_ok());
  EXPECT_FALSE(validate_options({.events = -1}).is_ok());
  EXPECT_FALSE(validate_options({.dirty_rate = 0.11}).is_ok());
  EXPECT_FALSE(validate_options({.dirty_rate = -0.01}).is_ok());
  EXPECT_FALSE(validate_options({.dirty_rate = std::nan("")}).is_ok());
  const util::Status st = validate_options({.dirty_rate = 0.5});
  EXPECT_EQ(st.code(), util::StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("--dirty"), std::string::npos) << st.message();
  EXPECT_EQ(st.message().rfind("gen: ", 0), 0u) << st.message();
}

}  // namespace
}  // namespace medallion::gen
