// Hash aggregation: GROUP BY over a record batch.
//
// hash_aggregate(input, group_by, aggregates) returns one row per distinct
// combination of the group_by columns' values, in order of first appearance
// in the input. Its columns: the group columns (same names, types and
// fields as in the input), then one column per aggregate, named
// aggregate.name. Group values compare as in row_key.h (by value within one
// type; doubles -0.0 == 0.0 and NaN == NaN), and nulls group together, as in
// SQL. With no group_by columns the whole input is one group and the result
// has exactly one row, even for an empty input (SQL's global aggregate).
//
// Aggregates (nulls in `column` are skipped except by kCount):
//   kCount       rows in the group (column ignored); long, never null
//   kCountValid  non-null values of column; long, never null
//   kMin, kMax   least / greatest non-null value, null when none; input type
//   kSum         int/long -> long (wrapping on overflow, as Spark's non-ANSI
//                mode), double -> double; null when no non-null value;
//                kInvalidArgument for other types
//   kFirst       first non-null value in input order; null when none
//   kMinBy       value of `column` (possibly null) at the row with the least
//   kMaxBy       (greatest) non-null `by`; ties go to the first such row in
//                input order; null when every `by` is null
// Order (min, max, min_by, max_by): numbers, dates and timestamps by value;
// doubles with NaN above everything and -0.0 == 0.0 (Spark; the first of
// equal values wins); strings by unsigned bytes; false < true.
//
// Errors: kInvalidArgument for an out-of-range group, aggregate or `by`
// column, a sum over a non-numeric column, or an input of 2^32 - 1 rows or
// more.
//
// Cost: one hash per row (row_key.h), an open-addressing table of groups
// that doubles as groups arrive, then one pass over the rows per aggregate,
// the output columns computed at once on the CPU pool (util::cpu_pool) for
// inputs of 64k rows and more; no per-row heap allocation. Thread safety: a
// pure function.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "columnar/record_batch.h"
#include "util/status.h"

namespace medallion::columnar {

enum class AggregateKind {
  kCount,       // rows in the group (column ignored); int64
  kCountValid,  // non-null values of column; int64
  kMin,         // least non-null value (null when none); input type
  kMax,         // greatest non-null value (null when none); input type
  kSum,         // int32/int64 -> int64, double -> double; kInvalidArgument for others
  kFirst,       // first non-null value in input order
  kMinBy,       // value of `column` at the row with the least non-null `by`
  kMaxBy,       // value of `column` at the row with the greatest non-null `by`
};

struct Aggregate {
  AggregateKind kind = AggregateKind::kCount;
  size_t column = 0;
  size_t by = 0;
  std::string name;
};

// GROUP BY group_by (see the top of the file).
util::Result<RecordBatch> hash_aggregate(const RecordBatch& input, const std::vector<size_t>& group_by,
                                         const std::vector<Aggregate>& aggregates);

// The group of every row of `input` under group_by: *group_of[r] is the
// group of row r, groups numbered in order of first appearance; *first_rows
// holds each group's first row. Exposed for callers that aggregate in their
// own way (sessionization). Same errors as hash_aggregate for group_by.
util::Status assign_groups(const RecordBatch& input, const std::vector<size_t>& group_by,
                           std::vector<uint32_t>* group_of, std::vector<int64_t>* first_rows);

}  // namespace medallion::columnar
