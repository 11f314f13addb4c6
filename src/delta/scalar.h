// Scalar: one typed value of a Delta primitive type (delta_schema.h), or a
// typed null. Partition values, per-file min/max statistics and predicate
// literals are Scalars.
//
// Representation by kind (the other members stay at their defaults):
//   boolean                      int_value 0 or 1
//   byte, short, integer, long   int_value
//   date                         int_value: days since 1970-01-01
//   timestamp                    int_value: microseconds since 1970-01-01T00:00:00Z
//   timestamp_ntz                int_value: microseconds since 1970-01-01T00:00:00
//                                (wall-clock, no zone)
//   decimal(p,s)                 precision, scale, and the unscaled value:
//                                int_value when p <= 18, wide_value when p > 18
//   float, double                float_value (a float is held exactly as a double)
//   string, binary               bytes (a string's bytes are UTF-8)
//
// Order (compare_scalars): numbers and decimals by value (decimals of
// different scales compare exactly), floats with -0.0 == 0.0 and NaN above
// every other value and equal to itself (Spark's order), dates and
// timestamps chronologically, booleans false < true, strings and binaries by
// unsigned bytes.
//
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <string>

#include "delta/delta_schema.h"
#include "util/status.h"

namespace medallion::delta {

// A signed 128-bit integer (GCC/Clang extension; __extension__ keeps
// -Wpedantic quiet).
__extension__ typedef __int128 Int128;

// Decimals with a precision above this keep their unscaled value in wide_value.
inline constexpr int32_t kMaxInt64DecimalPrecision = 18;

struct Scalar {
  TypeKind kind = TypeKind::kString;
  bool is_null = true;
  int64_t int_value = 0;
  Int128 wide_value = 0;
  double float_value = 0;
  std::string bytes;
  int32_t precision = 0;  // decimal
  int32_t scale = 0;      // decimal

  // A null of a primitive type (precision and scale copied for decimals).
  static Scalar null_of(const DataType& type);
  static Scalar of_boolean(bool v);
  static Scalar of_byte(int8_t v);
  static Scalar of_short(int16_t v);
  static Scalar of_integer(int32_t v);
  static Scalar of_long(int64_t v);
  static Scalar of_float(float v);
  static Scalar of_double(double v);
  static Scalar of_string(std::string v);
  static Scalar of_binary(std::string v);
  static Scalar of_date(int64_t days_since_epoch);
  static Scalar of_timestamp(int64_t micros_since_epoch);
  static Scalar of_timestamp_ntz(int64_t micros_since_epoch);
  // The unscaled value goes to int_value or wide_value by precision.
  static Scalar of_decimal(Int128 unscaled, int32_t precision, int32_t scale);

  // The unscaled value of a decimal, wherever it is held.
  Int128 decimal_unscaled() const {
    return precision > kMaxInt64DecimalPrecision ? wide_value : Int128{int_value};
  }
  // The type of this value ("decimal(p,s)" for decimals).
  DataType data_type() const;

  // Member-wise; two NaNs are not ==, use compare_scalars for value order.
  bool operator==(const Scalar&) const = default;
};

// Three-way comparison (-1, 0, 1) of two non-null scalars of the same kind in
// the order described above. Mismatched kinds or a null are kInvalidArgument.
util::Result<int> compare_scalars(const Scalar& a, const Scalar& b);

// Decimal text of a 128-bit integer ("-170141183460469231731687303715884105728").
std::string int128_to_string(Int128 v);

}  // namespace medallion::delta
