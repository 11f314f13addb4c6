// Test helper: one raw event appended to a record batch of
// raw_events_schema() (pipeline/table_schemas.h), with the derived columns
// filled as the refine job fills them: EVENT_DATE = the UTC date of ts,
// UNIQUE_ID_ROW = event + "-" + session_id, DL_* stamps 0.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "columnar/record_batch.h"

namespace medallion::pipeline::testing {

inline void append_raw_event(columnar::RecordBatch* batch, const std::string& event,
                             const std::string& player_id,
                             const std::optional<std::string>& country,
                             const std::string& session_id, int64_t ts_micros) {
  constexpr int64_t kMicrosPerDay = 86'400'000'000;
  if (country) {
    batch->column(0).append_string(*country);
  } else {
    batch->column(0).append_null();
  }
  batch->column(1).append_string(event);
  batch->column(2).append_string(player_id);
  batch->column(3).append_string(session_id);
  batch->column(4).append_int64(ts_micros);
  batch->column(5).append_int64(0);
  batch->column(6).append_int64(0);
  int64_t days = ts_micros / kMicrosPerDay;
  if (ts_micros % kMicrosPerDay < 0) --days;
  batch->column(7).append_int32(static_cast<int32_t>(days));
  batch->column(8).append_string(event + "-" + session_id);
}

}  // namespace medallion::pipeline::testing
