// Row-group skipping: whether a row group's column chunk statistics prove
// that no row can satisfy a comparison, so that the row group need not be
// read.
//
// Statistics are PLAIN values without a length prefix (parquet.thrift
// Statistics). Only the order-correct pair is used: min_value/max_value, or
// the deprecated min/max for INT32, INT64, FLOAT, DOUBLE and BOOLEAN columns
// whose order is signed (never for byte arrays, whose old min/max were
// compared as signed bytes by early writers, nor for UINT_* columns).
// Without usable statistics, or for a nested leaf, a row group may match.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/parquet_schema.h"
#include "formats/parquet/value_array.h"

namespace medallion::parquet {

// One statistics value decoded into a one-slot LeafValues; nullopt when the
// bytes do not hold exactly one value of the column's type.
std::optional<LeafValues> decode_statistic(const ColumnDescriptor& column, std::string_view plain);

// The order-correct min and max of a column chunk, when present and usable.
struct MinMax {
  LeafValues min;
  LeafValues max;
};
std::optional<MinMax> usable_min_max(const ColumnDescriptor& column, const ColumnMetaData& meta);

enum class CompareOp { kEq, kLt, kLe, kGt, kGe };

// `column op value` on a top-level, non-repeated leaf. Integers compare with
// INT32/INT64 columns (DATE as days, TIMESTAMP in the column's unit),
// doubles with FLOAT/DOUBLE, strings with BYTE_ARRAY (unsigned bytewise).
struct ColumnPredicate {
  std::string column;
  CompareOp op = CompareOp::kEq;
  std::variant<int64_t, double, std::string> value;
};

// False only when the statistics prove that no row of row group `rg` can
// satisfy the predicate.
bool row_group_may_match(const SchemaTree& schema, const RowGroup& rg,
                         const ColumnPredicate& predicate);

}  // namespace medallion::parquet
