// Sorting: a stable order of a batch's rows by one or more key columns,
// returned as row indices for take().
//
// Order per key (as in Spark): numbers, dates and timestamps by value;
// doubles by value with -0.0 == 0.0 and NaN above everything (all NaNs
// equal); strings by unsigned bytes; false < true. `descending` reverses the
// value order; nulls go first or last by `nulls_first`, independently of
// the direction. Rows equal on every key keep their input order (stable).
// Defaults follow SQL/Spark: ASC NULLS FIRST; set nulls_first = false for
// DESC NULLS LAST.
//
// Key columns must be < batch.num_columns() (a precondition; out-of-range
// keys are ignored, and asserted against in debug builds).
//
// Cost: the rows sort as (word, row) pairs, the word an order-preserving
// 64-bit encoding of the first key (for strings: 7 bytes after the prefix
// all values share, and a length byte); only ties on the word read further
// keys (fixed-width keys pre-encoded the same way, strings compared in place
// in the column buffer). O(n log n) std::sort; no per-row heap allocation.
//
// Thread safety: a pure function.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "columnar/record_batch.h"

namespace medallion::columnar {

struct SortKey {
  size_t column = 0;
  bool descending = false;
  bool nulls_first = true;
};

// A stable order of the rows by the keys (row indices, for take()).
std::vector<int64_t> sort_indices(const RecordBatch& batch, const std::vector<SortKey>& keys);

}  // namespace medallion::columnar
