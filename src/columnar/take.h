// take and append_rows: building batches out of rows of other batches.
//
// take() gathers rows by index: row i of the result is row indices[i] of the
// input, or a row of nulls where indices[i] is kNullRow (how an outer join
// fills the side that did not match). Indices may repeat and come in any
// order; every non-negative index must be < the input's row count (a
// precondition, asserted in debug builds: indices come from the engine —
// sort_indices, JoinMatches, hash_aggregate — never from input bytes).
//
// Line numbers: when the input batch carries one per row, the result carries
// the taken rows' line numbers (-1 for a kNullRow); otherwise none.
//
// Thread safety: pure functions over values; the inputs may be shared by
// concurrent readers.
#pragma once

#include <cstdint>
#include <vector>

#include "columnar/column.h"
#include "columnar/record_batch.h"
#include "util/status.h"

namespace medallion::columnar {

inline constexpr int64_t kNullRow = -1;

// Row i of the result is row indices[i] of the input (kNullRow: a null row).
Column take(const Column& column, const std::vector<int64_t>& indices);
RecordBatch take(const RecordBatch& batch, const std::vector<int64_t>& indices);

// Appends the rows of `tail` to *head. Their schemas must agree in field
// count, names and types (nullability and allowed values are not compared);
// kInvalidArgument naming the first differing field otherwise, with *head
// unchanged. Line numbers: kept when either side has them, -1 for the rows of
// a side that has none.
util::Status append_rows(RecordBatch* head, const RecordBatch& tail);

}  // namespace medallion::columnar
