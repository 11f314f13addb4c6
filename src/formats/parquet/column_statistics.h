// ColumnStatistics: the min / max / null_count of the values a writer puts in
// a column chunk, turned into the footer's Statistics (parquet_metadata.h).
//
// The order is the column's TYPE_DEFINED_ORDER (parquet.thrift ColumnOrder):
//
//   BOOLEAN                          false < true
//   INT32, INT64                     signed; unsigned when annotated UINT_8..64
//                                    or INTEGER(isSigned = false)
//   FLOAT, DOUBLE                    IEEE 754; NaNs are ignored, and a zero
//                                    bound is written as -0.0 (min) / +0.0 (max)
//                                    so that readers that compare with either
//                                    sign keep the zeros they must
//   BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY unsigned bytewise (lexicographic)
//   INT96, DECIMAL on byte arrays, INTERVAL, FLOAT16
//                                    no min/max written (only null_count):
//                                    undefined, or an order we do not compute
//
// What is written (values PLAIN-encoded without a length prefix):
//   null_count                       always
//   min_value / max_value            when at least one non-NaN value was seen
//                                    and the value is at most 64 bytes (a
//                                    longer one is omitted: no truncation)
//   min / max (deprecated)           the same values, only when the order is
//                                    signed (BOOLEAN, INT32, INT64, FLOAT,
//                                    DOUBLE), the order old readers assume
//   is_min_value_exact / is_max_value_exact  true with their value
//
// Thread safety: a single-threaded value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/parquet_schema.h"

namespace medallion::parquet {

enum class SortOrder {
  kSigned,    // signed integers, IEEE floats, booleans
  kUnsigned,  // unsigned integers, bytewise byte arrays
  kUnknown,   // no min/max written
};

// The TYPE_DEFINED_ORDER of a column.
SortOrder sort_order_of(const ColumnDescriptor& column);

// Bound values longer than this are not written.
inline constexpr size_t kMaxStatisticsValueBytes = 64;

class ColumnStatistics {
 public:
  ColumnStatistics(Type type, SortOrder order) : type_(type), order_(order) {}
  explicit ColumnStatistics(const ColumnDescriptor& column)
      : ColumnStatistics(column.physical_type, sort_order_of(column)) {}

  void add_nulls(int64_t n) { null_count_ += n; }

  // One add per non-null value, of the column's physical type.
  void add_bool(bool v) {
    if (order_ == SortOrder::kUnknown) return;
    update_int(v ? 1 : 0);
  }
  void add_int32(int32_t v) {
    if (order_ == SortOrder::kUnknown) return;
    update_int(order_ == SortOrder::kUnsigned ? static_cast<int64_t>(static_cast<uint32_t>(v))
                                              : static_cast<int64_t>(v));
  }
  void add_int64(int64_t v) {
    if (order_ == SortOrder::kUnknown) return;
    if (order_ == SortOrder::kUnsigned) {
      update_uint64(static_cast<uint64_t>(v));
    } else {
      update_int(v);
    }
  }
  void add_float(float v) { add_double_bound(static_cast<double>(v)); }
  void add_double(double v) { add_double_bound(v); }
  void add_bytes(std::string_view v);

  // Folds another column's statistics (same type and order) into this one.
  void merge(const ColumnStatistics& other);

  bool has_min_max() const { return has_value_; }
  int64_t null_count() const { return null_count_; }

  // The footer / page header form (see the top of this header).
  Statistics to_statistics() const;

  void reset();

 private:
  void update_int(int64_t v) {
    if (!has_value_) {
      min_i_ = max_i_ = v;
      has_value_ = true;
      return;
    }
    if (v < min_i_) min_i_ = v;
    if (v > max_i_) max_i_ = v;
  }
  void update_uint64(uint64_t v) {
    if (!has_value_) {
      min_i_ = max_i_ = static_cast<int64_t>(v);
      has_value_ = true;
      return;
    }
    if (v < static_cast<uint64_t>(min_i_)) min_i_ = static_cast<int64_t>(v);
    if (v > static_cast<uint64_t>(max_i_)) max_i_ = static_cast<int64_t>(v);
  }
  void add_double_bound(double v) {
    if (order_ == SortOrder::kUnknown || v != v) return;  // NaN
    if (!has_value_) {
      min_d_ = max_d_ = v;
      has_value_ = true;
      return;
    }
    if (v < min_d_) min_d_ = v;
    if (v > max_d_) max_d_ = v;
  }
  std::string encode(bool max) const;

  Type type_;
  SortOrder order_;
  int64_t null_count_ = 0;
  bool has_value_ = false;
  int64_t min_i_ = 0, max_i_ = 0;  // BOOLEAN, INT32, INT64 (unsigned as bits)
  double min_d_ = 0, max_d_ = 0;   // FLOAT, DOUBLE
  std::string min_s_, max_s_;      // BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY
};

}  // namespace medallion::parquet
