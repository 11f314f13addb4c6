// The paging state of a SELECT: opaque bytes handed to the client with a
// page and sent back to fetch the next one. Format (version 1), with the
// protocol's big-endian WireWriter encodings:
//   [byte] 1, [long] table id, [int] partition index (into the statement's
//   list of partition keys; 0 for scans), [int] range index (into its list
//   of clustering ranges), [int] LIMIT rows left (-1: no limit), [int] rows
//   already returned from the current partition (PER PARTITION LIMIT),
//   [bytes] the store position of the last row returned
//   (RowVisit::position), [bytes] that row's partition key.
// Anything else (wrong version, another table, trailing bytes, indices out
// of range) is rejected with invalid_argument, never trusted.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cql/storage/store.h"
#include "util/status.h"

namespace medallion::cql {

struct PagingState {
  uint32_t partition_index = 0;
  uint32_t range_index = 0;
  int32_t limit_left = -1;
  int32_t partition_rows = 0;
  std::string position;
  std::string partition_key;
};

std::string encode_paging_state(TableId table, const PagingState& state);
util::Result<PagingState> decode_paging_state(TableId table, std::string_view bytes);

}  // namespace medallion::cql
