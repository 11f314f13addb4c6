// Per-file statistics: the `stats` JSON of an add action (PROTOCOL.md
// "Per-file Statistics"), keyed by physical column names, nested like the
// schema:
//
//   {"numRecords":3,
//    "minValues":{"id":1,"name":"a","ts":"2024-01-01T00:00:00.000Z","s":{"x":0.5}},
//    "maxValues":{"id":9,"name":"zz","ts":"2024-01-02T10:00:00.123Z","s":{"x":2.5}},
//    "nullCount":{"id":0,"name":1,"ts":0,"s":{"x":0}},
//    "tightBounds":true}
//
// Numbers are JSON numbers (decimals too); dates, timestamps, strings and
// binary are JSON strings (timestamps in ISO-8601 with an offset, truncated
// to milliseconds; strings may be prefix-truncated). Columns without stats
// are simply absent; so may be the whole object.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "delta/delta_schema.h"
#include "delta/scalar.h"
#include "util/status.h"

namespace medallion::delta {

struct ColumnStats {
  std::optional<Scalar> min;
  std::optional<Scalar> max;
  std::optional<int64_t> null_count;
};

struct FileStats {
  std::optional<int64_t> num_records;
  bool tight_bounds = true;
  // By the dotted *logical* path of a primitive column ("s.x").
  std::map<std::string, ColumnStats> columns;
};

// Parses stats JSON against the table schema. Values that do not parse as
// their column's type are dropped (stats are hints); JSON that is not an
// object is kCorruption.
util::Result<FileStats> parse_file_stats(std::string_view json, const Schema& schema,
                                         ColumnMappingMode mode);

}  // namespace medallion::delta
