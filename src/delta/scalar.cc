#include "delta/scalar.h"

#include <cmath>
#include <cstring>

#include <fmt/format.h>

namespace medallion::delta {
namespace {

using util::Result;
using util::Status;

int sign_of(int64_t a, int64_t b) { return a < b ? -1 : (a > b ? 1 : 0); }
int sign_of(Int128 a, Int128 b) { return a < b ? -1 : (a > b ? 1 : 0); }

Int128 pow10(int32_t n) {
  Int128 v = 1;
  for (int32_t i = 0; i < n; ++i) v *= 10;
  return v;
}

// Floor division and its non-negative remainder.
void floor_divmod(Int128 value, Int128 divisor, Int128* quotient, Int128* remainder) {
  Int128 q = value / divisor;
  Int128 r = value % divisor;
  if (r < 0) {
    q -= 1;
    r += divisor;
  }
  *quotient = q;
  *remainder = r;
}

// Exact comparison of ua / 10^sa and ub / 10^sb for scales 0..38.
int compare_decimals(Int128 ua, int32_t sa, Int128 ub, int32_t sb) {
  if (sa == sb) return sign_of(ua, ub);
  Int128 qa, ra, qb, rb;
  floor_divmod(ua, pow10(sa), &qa, &ra);
  floor_divmod(ub, pow10(sb), &qb, &rb);
  if (qa != qb) return sign_of(qa, qb);
  // Both fractions are in [0, 1); bring them to the larger scale (< 10^38,
  // which fits in 127 bits).
  const int32_t s = sa > sb ? sa : sb;
  return sign_of(ra * pow10(s - sa), rb * pow10(s - sb));
}

int compare_doubles(double a, double b) {
  const bool a_nan = std::isnan(a);
  const bool b_nan = std::isnan(b);
  if (a_nan || b_nan) return a_nan == b_nan ? 0 : (a_nan ? 1 : -1);
  return a < b ? -1 : (a > b ? 1 : 0);  // -0.0 == 0.0
}

int compare_bytes(const std::string& a, const std::string& b) {
  const size_t n = a.size() < b.size() ? a.size() : b.size();
  const int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);  // unsigned bytes
  if (c != 0) return c < 0 ? -1 : 1;
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

Scalar with_int(TypeKind kind, int64_t v) {
  Scalar s;
  s.kind = kind;
  s.is_null = false;
  s.int_value = v;
  return s;
}

}  // namespace

Scalar Scalar::null_of(const DataType& type) {
  Scalar s;
  s.kind = type.kind;
  if (type.kind == TypeKind::kDecimal) {
    s.precision = type.precision;
    s.scale = type.scale;
  }
  return s;
}

Scalar Scalar::of_boolean(bool v) { return with_int(TypeKind::kBoolean, v ? 1 : 0); }
Scalar Scalar::of_byte(int8_t v) { return with_int(TypeKind::kByte, v); }
Scalar Scalar::of_short(int16_t v) { return with_int(TypeKind::kShort, v); }
Scalar Scalar::of_integer(int32_t v) { return with_int(TypeKind::kInteger, v); }
Scalar Scalar::of_long(int64_t v) { return with_int(TypeKind::kLong, v); }
Scalar Scalar::of_date(int64_t days) { return with_int(TypeKind::kDate, days); }
Scalar Scalar::of_timestamp(int64_t micros) { return with_int(TypeKind::kTimestamp, micros); }
Scalar Scalar::of_timestamp_ntz(int64_t micros) {
  return with_int(TypeKind::kTimestampNtz, micros);
}

Scalar Scalar::of_float(float v) {
  Scalar s;
  s.kind = TypeKind::kFloat;
  s.is_null = false;
  s.float_value = v;
  return s;
}

Scalar Scalar::of_double(double v) {
  Scalar s;
  s.kind = TypeKind::kDouble;
  s.is_null = false;
  s.float_value = v;
  return s;
}

Scalar Scalar::of_string(std::string v) {
  Scalar s;
  s.kind = TypeKind::kString;
  s.is_null = false;
  s.bytes = std::move(v);
  return s;
}

Scalar Scalar::of_binary(std::string v) {
  Scalar s;
  s.kind = TypeKind::kBinary;
  s.is_null = false;
  s.bytes = std::move(v);
  return s;
}

Scalar Scalar::of_decimal(Int128 unscaled, int32_t precision, int32_t scale) {
  Scalar s;
  s.kind = TypeKind::kDecimal;
  s.is_null = false;
  s.precision = precision;
  s.scale = scale;
  if (precision > kMaxInt64DecimalPrecision) {
    s.wide_value = unscaled;
  } else {
    s.int_value = static_cast<int64_t>(unscaled);
  }
  return s;
}

DataType Scalar::data_type() const {
  if (kind == TypeKind::kDecimal) return DataType::decimal(precision, scale);
  return DataType::primitive(kind);
}

Result<int> compare_scalars(const Scalar& a, const Scalar& b) {
  if (a.kind != b.kind) {
    return Status::invalid_argument(
        fmt::format("delta: cannot compare a {} value with a {} value: compare values of one type",
                    type_kind_name(a.kind), type_kind_name(b.kind)));
  }
  if (a.is_null || b.is_null) {
    return Status::invalid_argument(
        fmt::format("delta: cannot order a null {} value: test for null before comparing",
                    type_kind_name(a.kind)));
  }
  switch (a.kind) {
    case TypeKind::kBoolean:
    case TypeKind::kByte:
    case TypeKind::kShort:
    case TypeKind::kInteger:
    case TypeKind::kLong:
    case TypeKind::kDate:
    case TypeKind::kTimestamp:
    case TypeKind::kTimestampNtz:
      return sign_of(a.int_value, b.int_value);
    case TypeKind::kFloat:
    case TypeKind::kDouble:
      return compare_doubles(a.float_value, b.float_value);
    case TypeKind::kDecimal:
      if (a.scale < 0 || a.scale > kMaxDecimalPrecision || b.scale < 0 ||
          b.scale > kMaxDecimalPrecision) {
        return Status::invalid_argument(
            fmt::format("delta: cannot compare decimals of scales {} and {}: scales must be 0..38",
                        a.scale, b.scale));
      }
      return compare_decimals(a.decimal_unscaled(), a.scale, b.decimal_unscaled(), b.scale);
    case TypeKind::kString:
    case TypeKind::kBinary:
      return compare_bytes(a.bytes, b.bytes);
    case TypeKind::kStruct:
    case TypeKind::kArray:
    case TypeKind::kMap:
      break;
  }
  return Status::invalid_argument(
      fmt::format("delta: cannot compare {} values: only primitive values have an order",
                  type_kind_name(a.kind)));
}

std::string int128_to_string(Int128 v) {
  if (v == 0) return "0";
  const bool negative = v < 0;
  // Work with negative numbers so that the minimum value does not overflow.
  Int128 n = negative ? v : -v;
  char buf[48];
  size_t pos = sizeof(buf);
  while (n != 0) {
    const int digit = -static_cast<int>(n % 10);
    buf[--pos] = static_cast<char>('0' + digit);
    n /= 10;
  }
  if (negative) buf[--pos] = '-';
  return std::string(buf + pos, sizeof(buf) - pos);
}

}  // namespace medallion::delta
