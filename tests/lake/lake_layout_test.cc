#include "lake/lake_layout.h"

#include <gtest/gtest.h>

namespace medallion::lake {
namespace {

TEST(LakeLayout, DefaultRootIsDataLakeInTheWorkingDirectory) {
  EXPECT_EQ(LakeLayout().root(), "./data_lake");
}

TEST(LakeLayout, LandingZonePaths) {
  const LakeLayout lake("/srv/lake/");
  EXPECT_EQ(lake.landing_zone(), "/srv/lake/landingzone");
  EXPECT_EQ(lake.assignment_landing_dir(), "/srv/lake/landingzone/assignment_data");
  EXPECT_EQ(lake.landing_dir(kAssignmentDataset, "2016-12-02"),
            "/srv/lake/landingzone/assignment_data/2016-12-02");
}

TEST(LakeLayout, TablesOfTheSpec) {
  const LakeLayout lake("lake");
  EXPECT_EQ(lake.raw_session_events(), "lake/raw/assignment_data/r_session_events");
  EXPECT_EQ(lake.raw_session_events_quarantine(),
            "lake/raw/assignment_data/r_session_events_quarantine");
  EXPECT_EQ(lake.use_case_session_events(), "lake/use_case/uc_assignment/uc_delta_session_events");
}

}  // namespace
}  // namespace medallion::lake
