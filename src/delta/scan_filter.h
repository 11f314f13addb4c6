// A small predicate API for skipping data files: a conjunction of
// comparisons of one column with a constant. Partition columns are decided
// exactly from each file's partition values; other primitive columns
// (nested ones by dotted path, "s.x") from the file's min/max/null-count
// statistics (file_stats.h) when it has them.
//
// Comparisons follow SQL: a null never satisfies =, <>, <, <=, >, >=.
// Statistics are treated as bounds only where they are sure to be: string
// maxima that may have been prefix-truncated and timestamp maxima truncated
// to milliseconds are widened before use.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "delta/actions.h"
#include "delta/delta_schema.h"
#include "delta/scalar.h"
#include "util/status.h"

namespace medallion::delta {

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe, kIsNull, kIsNotNull };

struct ColumnPredicate {
  std::string column;  // logical name; dotted path for a nested field
  CompareOp op = CompareOp::kEq;
  Scalar value;  // ignored by kIsNull / kIsNotNull
};

// What a filter needs to know about the table.
struct FilterContext {
  const Schema* schema = nullptr;
  const std::vector<std::string>* partition_columns = nullptr;
  ColumnMappingMode mode = ColumnMappingMode::kNone;
};

// kInvalidArgument for a predicate on an unknown or non-primitive column, or
// with a constant of another type.
util::Status check_filter(const FilterContext& context,
                          const std::vector<ColumnPredicate>& filter);

// False only when the file certainly holds no row satisfying every predicate.
bool file_may_match(const FilterContext& context, const AddFile& file,
                    const std::vector<ColumnPredicate>& filter);

// "=", "<>", "<", "<=", ">", ">=", "IS NULL", "IS NOT NULL".
std::string_view compare_op_text(CompareOp op);

// The predicates as a JSON array of SQL-like strings, as Spark renders them
// in commitInfo.operationParameters: ["day = '2024-01-01'", "n IS NULL"].
std::string predicates_json(const std::vector<ColumnPredicate>& filter);

// The type of a column by dotted logical path, or nullptr.
const DataType* find_column_type(const Schema& schema, std::string_view dotted_path);

}  // namespace medallion::delta
