// The values of the serving store: row fragments and partition headers, and
// their reconciliation (the rules are in store.h). A write stores a fragment
// with RocksDB Merge(); the merge operator (row_merge_operator_internal.h)
// folds fragments with merge_row_fragments / merge_partition_headers, which
// are commutative and associative, so any grouping of operands gives the
// same result.
//
// Byte format (little-endian integers; i64 timestamps in microseconds,
// kNoTimestamp = INT64_MIN for "none"; expiry in seconds, 0 = never):
//   row fragment = 01 marker_ts:i64 marker_ttl:i32 marker_expires:i64
//                  row_tombstone:i64 n:u32 n*cell            (cells by column)
//   cell         = column:u32 ts:i64 ttl:i32 expires:i64 flags:u8 (1 = tombstone)
//                  len:u32 value
//   header       = 02 partition_tombstone:i64 n:u32
//                  n*(start_len:u32 start end_len:u32 end ts:i64)
//   corrupt      = EE   (what the merge operator writes for unreadable input)
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "cql/storage/store.h"
#include "util/status.h"

namespace medallion::cql {

constexpr int64_t kNoTimestamp = std::numeric_limits<int64_t>::min();

struct StoredCell {
  uint32_t column_id = 0;
  int64_t timestamp = 0;
  int32_t ttl_seconds = 0;
  int64_t expires_at = 0;
  bool tombstone = false;
  std::string value;
};

struct RowFragment {
  int64_t marker_timestamp = kNoTimestamp;
  int32_t marker_ttl_seconds = 0;
  int64_t marker_expires_at = 0;
  int64_t row_tombstone = kNoTimestamp;
  std::vector<StoredCell> cells;  // ascending column_id, one per column
};

struct RangeTombstone {
  std::string start;  // encoded clustering, inclusive
  std::string end;    // exclusive; "" = unbounded
  int64_t timestamp = kNoTimestamp;
  bool operator==(const RangeTombstone&) const = default;
};

struct PartitionHeader {
  int64_t partition_tombstone = kNoTimestamp;
  std::vector<RangeTombstone> ranges;  // sorted by (start, end), distinct
};

void encode_row_fragment(const RowFragment& row, std::string* out);
// Errors: corruption (without location; the caller adds it).
util::Status decode_row_fragment(std::string_view bytes, RowFragment* row);
void encode_partition_header(const PartitionHeader& header, std::string* out);
util::Status decode_partition_header(std::string_view bytes, PartitionHeader* header);

// Folds `other` into `*into` by the reconciliation rules.
void merge_row_fragments(RowFragment* into, RowFragment&& other);
void merge_partition_headers(PartitionHeader* into, PartitionHeader&& other);

// The greatest tombstone timestamp of `header` covering `clustering`. Range
// tombstones never cover the empty clustering (the static row).
int64_t deletion_time_for(const PartitionHeader& header, std::string_view clustering);

// Fills `out` with the live cells of `row` given the deletions covering it
// (`deleted_at`, kNoTimestamp for none) and the clock; returns whether the
// row is visible (a live marker or a live cell).
bool visible_row(const RowFragment& row, int64_t deleted_at, int64_t now_seconds, RowRead* out);

}  // namespace medallion::cql
