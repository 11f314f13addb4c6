// Test helper: gold sessions tables (pipeline::sessions_schema(),
// partitioned by EVENT_DATE as the sessions stream writes them) built from
// chosen rows.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "columnar/record_batch.h"
#include "delta/columnar_bridge.h"
#include "delta/table_writer.h"
#include "pipeline/table_schemas.h"
#include "util/civil_time.h"
#include "util/file_system.h"

namespace medallion::insights::testing {

struct SessionRow {
  std::optional<std::string> country;
  std::optional<std::string> player_id;
  std::optional<int64_t> start_ts;  // micros
  std::optional<int32_t> status;
};

inline int64_t micros(const char* iso) {
  const std::optional<int64_t> v = util::parse_iso8601(iso);
  EXPECT_TRUE(v.has_value()) << iso;
  return v.value_or(0);
}

inline columnar::RecordBatch sessions_batch(const std::vector<SessionRow>& rows, size_t first_id) {
  constexpr int64_t kMicrosPerDay = 86'400'000'000;
  constexpr int64_t kHour = 3'600'000'000;
  columnar::RecordBatch batch(pipeline::sessions_schema());
  auto str = [](columnar::Column& c, const std::optional<std::string>& v) {
    v ? c.append_string(*v) : c.append_null();
  };
  for (size_t i = 0; i < rows.size(); ++i) {
    const SessionRow& r = rows[i];
    const int64_t anchor = r.start_ts.value_or(micros("2017-02-01T00:00:00Z"));
    str(batch.column(0), r.country);
    str(batch.column(1), r.player_id);
    batch.column(2).append_string("s" + std::to_string(first_id + i));
    r.start_ts ? batch.column(3).append_int64(*r.start_ts) : batch.column(3).append_null();
    r.status == 1 ? batch.column(4).append_int64(anchor + kHour) : batch.column(4).append_null();
    r.status ? batch.column(5).append_int32(*r.status) : batch.column(5).append_null();
    batch.column(6).append_int64(0);
    batch.column(7).append_int64(0);
    int64_t days = anchor / kMicrosPerDay;
    if (anchor % kMicrosPerDay < 0) --days;
    batch.column(8).append_int32(static_cast<int32_t>(days));
  }
  return batch;
}

// Creates the table at `root` and appends the rows in commits of at most
// `chunk` rows (so that the scan meets several files and batches).
inline void write_sessions_table(util::FileSystem& fs, const std::string& root,
                                 const std::vector<SessionRow>& rows, size_t chunk = 1000) {
  auto created = delta::create_table(fs, root, delta::delta_schema_of(pipeline::sessions_schema()),
                                     {std::string(pipeline::kEventDateColumn)}, {});
  ASSERT_TRUE(created.is_ok()) << created.status().message();
  for (size_t begin = 0; begin < rows.size(); begin += chunk) {
    const size_t end = std::min(rows.size(), begin + chunk);
    std::vector<SessionRow> part(rows.begin() + static_cast<ptrdiff_t>(begin),
                                 rows.begin() + static_cast<ptrdiff_t>(end));
    auto written = delta::append(fs, root, delta::to_row_batch(sessions_batch(part, begin)));
    ASSERT_TRUE(written.is_ok()) << written.status().message();
  }
}

}  // namespace medallion::insights::testing
