// The schemas of the lake's Delta tables (SPEC.md "Zones and tables"):
//
//   r_session_events (silver, partitioned by EVENT_DATE):
//     country string, event string, player_id string, session_id string,
//     ts timestamp, DL_INSERT_TS timestamp, DL_UPDATE_TS timestamp,
//     EVENT_DATE date, UNIQUE_ID_ROW string
//     (UNIQUE_ID_ROW = event + "-" + session_id, EVENT_DATE = date(ts))
//   uc_delta_session_events (gold, partitioned by EVENT_DATE, one row per
//   session):
//     country string, player_id string, session_id string,
//     start_ts timestamp, end_ts timestamp, session_status int,
//     DL_INSERT_TS timestamp, DL_UPDATE_TS timestamp, EVENT_DATE date
//
// Column names and order are the original's, so that its readers keep
// working.
//
// Thread safety: pure functions.
#pragma once

#include <string_view>

#include "columnar/schema.h"

namespace medallion::pipeline {

inline constexpr std::string_view kEventDateColumn = "EVENT_DATE";

columnar::Schema raw_events_schema();
columnar::Schema sessions_schema();

}  // namespace medallion::pipeline
