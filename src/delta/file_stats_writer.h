// Writing per-file statistics: the `stats` JSON of an add action
// (PROTOCOL.md "Per-file Statistics"; the format is described in
// file_stats.h, whose parse_file_stats reads back what is written here) for
// rows in canonical storage (column_conform.h):
//
//   {"numRecords":3,
//    "minValues":{"id":1,"name":"a","ts":"2024-01-01T00:00:00.000Z","s":{"x":0.5}},
//    "maxValues":{"id":9,"name":"zz","ts":"2024-01-02T10:00:00.123Z","s":{"x":2.5}},
//    "nullCount":{"id":0,"name":1,"ts":0,"s":{"x":0},"tags":0}}
//
// Rules:
//   - Keys are the fields' names in the data file (the physical name under
//     column mapping); structs nest. "tightBounds" is not written (absent
//     means true, which bounds computed from every row are).
//   - minValues/maxValues: for byte, short, integer, long (JSON numbers),
//     float and double (shortest round-trip numbers; NaN values are ignored,
//     and an infinite bound is left out since JSON has no infinity),
//     decimal(p,s) (a JSON number with exactly s fractional digits; left out
//     when an unscaled bound has more than 15 digits, which a double-based
//     JSON reader would round), date ("YYYY-MM-DD"), timestamp
//     ("YYYY-MM-DDThh:mm:ss.mmmZ", truncated down to milliseconds — for the
//     max too: readers widen a max by 1 ms, as the protocol's footnote
//     implies), timestamp_ntz (the same without 'Z') and string. No min/max
//     for boolean (as Spark), binary, arrays and maps, or columns whose
//     values are all null.
//   - Strings are cut to their first 32 code points (kStatsStringPrefix): the
//     min is that prefix (a prefix is <= the string); the max is the prefix
//     with its last code point incremented (skipping surrogates; a trailing
//     U+10FFFF is dropped first), which is greater than every string starting
//     with the prefix. The max is left out when no code point can be
//     incremented or the string is not valid UTF-8.
//   - nullCount: for every column but structs (whose fields nest), arrays
//     and maps included; a nested field counts the rows where it is null
//     or an enclosing struct is.
//   - Columns of the schema that the batch does not hold (partition
//     columns) get no stats.
//
// Thread safety: FileStatsBuilder is a value, one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "delta/delta_schema.h"
#include "formats/parquet/parquet_schema.h"
#include "formats/parquet/value_array.h"

namespace medallion::delta {

// Code points of a string kept in minValues/maxValues.
inline constexpr size_t kStatsStringPrefix = 32;

// Accumulates the statistics of one data file over its batches.
//
// `schema` names the columns to collect (the table's data columns); each is
// found in `tree` (the canonical tree: to_parquet_schema(..., kNone), logical
// names) by its logical name, and its array in a batch by the tree index in
// RowBatch::fields. Fields missing from the tree or a batch get no stats.
// Names under `mode` are used for the JSON keys. `schema` and `tree` must
// outlive the builder.
class FileStatsBuilder {
 public:
  FileStatsBuilder(const Schema& schema, ColumnMappingMode mode, const parquet::SchemaTree& tree);
  ~FileStatsBuilder();
  FileStatsBuilder(FileStatsBuilder&&) noexcept;
  FileStatsBuilder& operator=(FileStatsBuilder&&) noexcept;

  // Adds the rows of `batch` (arrays of the tree's shape).
  void add(const parquet::RowBatch& batch);
  // The stats JSON of every row added so far.
  std::string json() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The stats JSON of one batch: FileStatsBuilder over that batch alone.
std::string file_stats_json(const Schema& schema, ColumnMappingMode mode,
                            const parquet::SchemaTree& tree, const parquet::RowBatch& batch);

// The string bounds written for a value (exposed for tests): the min is the
// first kStatsStringPrefix code points; the max is `value` itself when it is
// short enough, else the incremented prefix, or nullopt (no max bound).
std::string truncate_stats_min(std::string_view value);
std::optional<std::string> truncate_stats_max(std::string_view value);

}  // namespace medallion::delta
