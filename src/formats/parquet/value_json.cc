#include "formats/parquet/value_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <vector>

#include "formats/parquet/json_number.h"
#include "util/civil_time.h"
#include "util/json_writer.h"

namespace medallion::parquet {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr int64_t kMaxSafeInteger = (int64_t{1} << 53) - 1;
constexpr int32_t kMaxPlainScale = 10000;

// ------------------------------------------------------------- leaf style --

enum class Style : uint8_t {
  kBoolean,
  kInt32,
  kInt64,
  kInt8,    // low 8 bits of an INT32, signed
  kInt16,   // low 16 bits of an INT32, signed
  kUint8,   // low 8 bits of an INT32, unsigned
  kUint16,  // low 16 bits of an INT32, unsigned
  kUint32,  // INT32 storage read as unsigned
  kUint64,  // INT64 storage read as unsigned
  kFloat,
  kDouble,
  kFloat16,
  kString,
  kHex,
  kUuid,
  kDecimal,
  kDate,
  kTime,
  kTimestamp,
  kInt96,
};

struct LeafStyle {
  Style style = Style::kHex;
  TimeUnit unit = TimeUnit::kMicros;  // kTime, kTimestamp
  bool utc = false;                   // kTimestamp
};

bool is_bytes(Type t) { return t == Type::kByteArray || t == Type::kFixedLenByteArray; }
bool is_decimal_storage(Type t) { return t == Type::kInt32 || t == Type::kInt64 || is_bytes(t); }

std::optional<LeafStyle> style_from_logical(const LogicalType& lt, Type t, int32_t type_length) {
  switch (lt.kind) {
    case LogicalTypeKind::kString:
    case LogicalTypeKind::kEnum:
    case LogicalTypeKind::kJson:
      if (is_bytes(t)) return LeafStyle{Style::kString};
      break;
    case LogicalTypeKind::kBson:
      if (is_bytes(t)) return LeafStyle{Style::kHex};
      break;
    case LogicalTypeKind::kUuid:
      if (t == Type::kFixedLenByteArray && type_length == 16) return LeafStyle{Style::kUuid};
      break;
    case LogicalTypeKind::kFloat16:
      if (t == Type::kFixedLenByteArray && type_length == 2) return LeafStyle{Style::kFloat16};
      break;
    case LogicalTypeKind::kDecimal:
      if (is_decimal_storage(t)) return LeafStyle{Style::kDecimal};
      break;
    case LogicalTypeKind::kDate:
      if (t == Type::kInt32) return LeafStyle{Style::kDate};
      break;
    case LogicalTypeKind::kTime:
      if ((lt.unit == TimeUnit::kMillis && t == Type::kInt32) ||
          ((lt.unit == TimeUnit::kMicros || lt.unit == TimeUnit::kNanos) && t == Type::kInt64)) {
        return LeafStyle{Style::kTime, lt.unit};
      }
      break;
    case LogicalTypeKind::kTimestamp:
      if (t == Type::kInt64 && (lt.unit == TimeUnit::kMillis || lt.unit == TimeUnit::kMicros ||
                                lt.unit == TimeUnit::kNanos)) {
        return LeafStyle{Style::kTimestamp, lt.unit, lt.is_adjusted_to_utc};
      }
      break;
    case LogicalTypeKind::kInteger:
      if (t == Type::kInt32) {
        switch (lt.bit_width) {
          case 8:
            return LeafStyle{lt.is_signed ? Style::kInt8 : Style::kUint8};
          case 16:
            return LeafStyle{lt.is_signed ? Style::kInt16 : Style::kUint16};
          case 32:
            return LeafStyle{lt.is_signed ? Style::kInt32 : Style::kUint32};
          default:
            break;
        }
      } else if (t == Type::kInt64 && lt.bit_width == 64) {
        return LeafStyle{lt.is_signed ? Style::kInt64 : Style::kUint64};
      }
      break;
    default:  // MAP, LIST (not on leaves), UNKNOWN (all nulls), unrecognized
      break;
  }
  return std::nullopt;
}

std::optional<LeafStyle> style_from_converted(ConvertedType ct, Type t) {
  switch (ct) {
    case ConvertedType::kUtf8:
    case ConvertedType::kEnum:
    case ConvertedType::kJson:
      if (is_bytes(t)) return LeafStyle{Style::kString};
      break;
    case ConvertedType::kBson:
      if (is_bytes(t)) return LeafStyle{Style::kHex};
      break;
    case ConvertedType::kDecimal:
      if (is_decimal_storage(t)) return LeafStyle{Style::kDecimal};
      break;
    case ConvertedType::kDate:
      if (t == Type::kInt32) return LeafStyle{Style::kDate};
      break;
    case ConvertedType::kTimeMillis:
      if (t == Type::kInt32) return LeafStyle{Style::kTime, TimeUnit::kMillis};
      break;
    case ConvertedType::kTimeMicros:
      if (t == Type::kInt64) return LeafStyle{Style::kTime, TimeUnit::kMicros};
      break;
    case ConvertedType::kTimestampMillis:
      if (t == Type::kInt64) return LeafStyle{Style::kTimestamp, TimeUnit::kMillis, true};
      break;
    case ConvertedType::kTimestampMicros:
      if (t == Type::kInt64) return LeafStyle{Style::kTimestamp, TimeUnit::kMicros, true};
      break;
    case ConvertedType::kUint8:
      if (t == Type::kInt32) return LeafStyle{Style::kUint8};
      break;
    case ConvertedType::kUint16:
      if (t == Type::kInt32) return LeafStyle{Style::kUint16};
      break;
    case ConvertedType::kUint32:
      if (t == Type::kInt32) return LeafStyle{Style::kUint32};
      break;
    case ConvertedType::kUint64:
      if (t == Type::kInt64) return LeafStyle{Style::kUint64};
      break;
    case ConvertedType::kInt8:
      if (t == Type::kInt32) return LeafStyle{Style::kInt8};
      break;
    case ConvertedType::kInt16:
      if (t == Type::kInt32) return LeafStyle{Style::kInt16};
      break;
    default:  // INT_32/INT_64 (the physical type says it all), INTERVAL (hex), groups
      break;
  }
  return std::nullopt;
}

LeafStyle style_from_physical(Type t) {
  switch (t) {
    case Type::kBoolean:
      return LeafStyle{Style::kBoolean};
    case Type::kInt32:
      return LeafStyle{Style::kInt32};
    case Type::kInt64:
      return LeafStyle{Style::kInt64};
    case Type::kInt96:
      return LeafStyle{Style::kInt96};
    case Type::kFloat:
      return LeafStyle{Style::kFloat};
    case Type::kDouble:
      return LeafStyle{Style::kDouble};
    case Type::kByteArray:
    case Type::kFixedLenByteArray:
      return LeafStyle{Style::kHex};
  }
  return LeafStyle{Style::kHex};
}

// `storage` is the type of the vector that holds the values; an annotation is
// only honoured when the descriptor agrees with it.
LeafStyle leaf_style(const ColumnDescriptor& column, Type storage) {
  if (column.physical_type == storage) {
    if (column.logical_type) {
      if (auto s = style_from_logical(*column.logical_type, storage, column.type_length)) return *s;
    }
    if (column.converted_type) {
      if (auto s = style_from_converted(*column.converted_type, storage)) return *s;
    }
  }
  return style_from_physical(storage);
}

// ----------------------------------------------------------------- numbers --

void append_uint(uint64_t v, std::string* out) {
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, res.ptr);
}

void append_int(int64_t v, std::string* out) {
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, res.ptr);
}

// A JSON integer, or a JSON string beyond the doubles' exact range.
void append_json_int(int64_t v, std::string* out) {
  if (v > kMaxSafeInteger || v < -kMaxSafeInteger) {
    out->push_back('"');
    append_int(v, out);
    out->push_back('"');
  } else {
    append_int(v, out);
  }
}

void append_json_uint(uint64_t v, std::string* out) {
  if (v > static_cast<uint64_t>(kMaxSafeInteger)) {
    out->push_back('"');
    append_uint(v, out);
    out->push_back('"');
  } else {
    append_uint(v, out);
  }
}

float float16_to_float(uint16_t h) {
  const bool negative = (h & 0x8000) != 0;
  const int exponent = (h >> 10) & 0x1f;
  const int mantissa = h & 0x3ff;
  float v;
  if (exponent == 0) {
    v = std::ldexp(static_cast<float>(mantissa), -24);  // zero or subnormal
  } else if (exponent == 31) {
    v = mantissa == 0 ? std::numeric_limits<float>::infinity()
                      : std::numeric_limits<float>::quiet_NaN();
  } else {
    v = std::ldexp(static_cast<float>(mantissa | 0x400), exponent - 25);
  }
  return negative ? -v : v;
}

// ---------------------------------------------------------------- decimals --

// Places the decimal point into the unsigned digits at out[start, end).
void apply_scale(size_t start, int32_t scale, std::string* out) {
  if (scale == 0) return;
  if (scale < 0 || scale > kMaxPlainScale) {
    out->push_back('E');
    append_int(-static_cast<int64_t>(scale), out);
    return;
  }
  const size_t digits = out->size() - start;
  const auto s = static_cast<size_t>(scale);
  if (digits > s) {
    out->insert(out->size() - s, 1, '.');
  } else {
    // 0.<zeros><digits>
    out->insert(start, s - digits + 2, '0');
    (*out)[start + 1] = '.';
  }
}

void append_decimal_magnitude(bool negative, uint64_t magnitude, int32_t scale, std::string* out) {
  if (negative) out->push_back('-');
  const size_t start = out->size();
  append_uint(magnitude, out);
  apply_scale(start, scale, out);
}

// Unsigned decimal digits of the big-endian magnitude `bytes` (no leading
// zero bytes, more than 8 of them), by repeated division by 10^9.
void append_big_magnitude(const uint8_t* bytes, size_t n, std::string* out) {
  constexpr size_t kStackLimbs = 64;
  uint32_t stack_limbs[kStackLimbs];
  std::vector<uint32_t> heap_limbs;
  const size_t num_limbs = (n + 3) / 4;
  uint32_t* limbs = stack_limbs;
  if (num_limbs > kStackLimbs) {
    heap_limbs.resize(num_limbs);
    limbs = heap_limbs.data();
  }
  // Most significant limb first; the first limb takes the n % 4 extra bytes.
  size_t pos = 0;
  for (size_t l = 0; l < num_limbs; ++l) {
    const size_t take = l == 0 ? n - 4 * (num_limbs - 1) : 4;
    uint32_t v = 0;
    for (size_t b = 0; b < take; ++b) v = (v << 8) | bytes[pos++];
    limbs[l] = v;
  }
  // Digits come out least significant first; reversed at the end.
  const size_t start = out->size();
  size_t first = 0;  // first non-zero limb
  while (first < num_limbs) {
    uint64_t rem = 0;
    for (size_t l = first; l < num_limbs; ++l) {
      const uint64_t cur = (rem << 32) | limbs[l];
      limbs[l] = static_cast<uint32_t>(cur / 1000000000u);
      rem = cur % 1000000000u;
    }
    while (first < num_limbs && limbs[first] == 0) ++first;
    auto chunk = static_cast<uint32_t>(rem);
    if (first < num_limbs) {
      for (int d = 0; d < 9; ++d, chunk /= 10) out->push_back(static_cast<char>('0' + chunk % 10));
    } else {
      do {
        out->push_back(static_cast<char>('0' + chunk % 10));
        chunk /= 10;
      } while (chunk != 0);
    }
  }
  std::reverse(out->begin() + static_cast<std::ptrdiff_t>(start), out->end());
}

// ------------------------------------------------------------- date / time --

void append_2(uint64_t v, std::string* out) {
  out->push_back(static_cast<char>('0' + v / 10));
  out->push_back(static_cast<char>('0' + v % 10));
}

void append_fixed(uint64_t v, int width, std::string* out) {
  char buf[20];
  for (int i = width - 1; i >= 0; --i, v /= 10) buf[i] = static_cast<char>('0' + v % 10);
  out->append(buf, static_cast<size_t>(width));
}

int64_t units_per_second(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMillis:
      return 1000;
    case TimeUnit::kMicros:
      return 1000000;
    case TimeUnit::kNanos:
      return 1000000000;
  }
  return 1000000;
}

// "hh:mm:ss.ffffff" (9 digits for nanos) of `in_day` units; hours may exceed
// two digits for out-of-range TIME values.
void append_clock(uint64_t value, TimeUnit unit, std::string* out) {
  const auto ups = static_cast<uint64_t>(units_per_second(unit));
  const uint64_t secs = value / ups;
  const uint64_t frac = value % ups;
  const uint64_t hours = secs / 3600;
  if (hours < 100) {
    append_2(hours, out);
  } else {
    append_uint(hours, out);
  }
  out->push_back(':');
  append_2(secs / 60 % 60, out);
  out->push_back(':');
  append_2(secs % 60, out);
  out->push_back('.');
  switch (unit) {
    case TimeUnit::kMillis:
      append_fixed(frac * 1000, 6, out);
      break;
    case TimeUnit::kMicros:
      append_fixed(frac, 6, out);
      break;
    case TimeUnit::kNanos:
      append_fixed(frac, 9, out);
      break;
  }
}

void append_time(int64_t value, TimeUnit unit, std::string* out) {
  out->push_back('"');
  uint64_t magnitude = static_cast<uint64_t>(value);
  if (value < 0) {
    out->push_back('-');
    magnitude = 0 - magnitude;
  }
  append_clock(magnitude, unit, out);
  out->push_back('"');
}

void append_timestamp(int64_t value, TimeUnit unit, bool utc, std::string* out) {
  const int64_t per_day = 86400 * units_per_second(unit);
  int64_t days = value / per_day;
  int64_t in_day = value % per_day;
  if (in_day < 0) {
    in_day += per_day;
    --days;
  }
  out->push_back('"');
  util::append_iso_date(*out, days);
  out->push_back('T');
  append_clock(static_cast<uint64_t>(in_day), unit, out);
  if (utc) out->push_back('Z');
  out->push_back('"');
}

void append_hex(std::string_view bytes, std::string* out) {
  out->push_back('"');
  for (const char c : bytes) {
    const auto b = static_cast<uint8_t>(c);
    out->push_back(kHexDigits[b >> 4]);
    out->push_back(kHexDigits[b & 15]);
  }
  out->push_back('"');
}

void append_uuid(std::string_view bytes, std::string* out) {
  out->push_back('"');
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out->push_back('-');
    const auto b = static_cast<uint8_t>(bytes[i]);
    out->push_back(kHexDigits[b >> 4]);
    out->push_back(kHexDigits[b & 15]);
  }
  out->push_back('"');
}


}  // namespace

// ----------------------------------------------------------------- public --


int64_t int96_to_micros(const Int96& value) {
  uint64_t nanos_bits = 0;
  for (int b = 7; b >= 0; --b) nanos_bits = (nanos_bits << 8) | value.bytes[static_cast<size_t>(b)];
  uint32_t day_bits = 0;
  for (int b = 11; b >= 8; --b) day_bits = (day_bits << 8) | value.bytes[static_cast<size_t>(b)];
  const auto nanos = static_cast<int64_t>(nanos_bits);
  const auto julian_day = static_cast<int64_t>(static_cast<int32_t>(day_bits));
  int64_t micros_of_day = nanos / 1000;
  if (nanos % 1000 < 0) --micros_of_day;
  constexpr int64_t kUnixEpochJulianDay = 2440588;
  // Wrap-around in unsigned arithmetic (signed overflow would be undefined).
  const uint64_t day_micros = static_cast<uint64_t>(julian_day - kUnixEpochJulianDay) *
                              static_cast<uint64_t>(util::kMicrosPerDay);
  return static_cast<int64_t>(day_micros + static_cast<uint64_t>(micros_of_day));
}

void append_decimal_digits(int64_t unscaled, int32_t scale, std::string* out) {
  const bool negative = unscaled < 0;
  uint64_t magnitude = static_cast<uint64_t>(unscaled);
  if (negative) magnitude = 0 - magnitude;
  append_decimal_magnitude(negative, magnitude, scale, out);
}

void append_decimal_digits(std::string_view big_endian, int32_t scale, std::string* out) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(big_endian.data());
  size_t n = big_endian.size();
  if (n == 0) {
    append_decimal_magnitude(false, 0, scale, out);
    return;
  }
  const bool negative = (bytes[0] & 0x80) != 0;
  const uint8_t fill = negative ? 0xff : 0x00;
  // Drop sign-extension bytes, keeping the byte that carries the sign.
  while (n > 1 && bytes[0] == fill && ((bytes[1] & 0x80) != 0) == negative) {
    ++bytes;
    --n;
  }
  if (n <= 8) {
    uint64_t v = negative ? ~uint64_t{0} : 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | bytes[i];
    append_decimal_digits(static_cast<int64_t>(v), scale, out);
    return;
  }
  // Magnitude of a long value: negate the two's complement (invert, add 1).
  constexpr size_t kStackBytes = 256;
  uint8_t stack_bytes[kStackBytes];
  std::vector<uint8_t> heap_bytes;
  const uint8_t* magnitude = bytes;
  if (negative) {
    uint8_t* m = stack_bytes;
    if (n > kStackBytes) {
      heap_bytes.resize(n);
      m = heap_bytes.data();
    }
    unsigned carry = 1;
    for (size_t i = n; i-- > 0;) {
      const unsigned v = static_cast<uint8_t>(~bytes[i]) + carry;
      m[i] = static_cast<uint8_t>(v);
      carry = v >> 8;
    }
    magnitude = m;
    out->push_back('-');
  }
  size_t skip = 0;
  while (skip < n && magnitude[skip] == 0) ++skip;  // only 0x80 00.. keeps a zero byte
  const size_t start = out->size();
  append_big_magnitude(magnitude + skip, n - skip, out);
  apply_scale(start, scale, out);
}

void append_leaf_json(const ColumnDescriptor& column, const LeafValues& values, size_t i,
                      std::string* out) {
  const LeafStyle style = leaf_style(column, values.type);
  switch (style.style) {
    case Style::kBoolean:
      out->append(values.bools[i] != 0 ? "true" : "false");
      return;
    case Style::kInt32:
      append_int(values.i32[i], out);
      return;
    case Style::kInt64:
      append_json_int(values.i64[i], out);
      return;
    case Style::kInt8:
      append_int(static_cast<int8_t>(values.i32[i]), out);
      return;
    case Style::kInt16:
      append_int(static_cast<int16_t>(values.i32[i]), out);
      return;
    case Style::kUint8:
      append_uint(static_cast<uint8_t>(values.i32[i]), out);
      return;
    case Style::kUint16:
      append_uint(static_cast<uint16_t>(values.i32[i]), out);
      return;
    case Style::kUint32:
      append_uint(static_cast<uint32_t>(values.i32[i]), out);
      return;
    case Style::kUint64:
      append_json_uint(static_cast<uint64_t>(values.i64[i]), out);
      return;
    case Style::kFloat:
      append_json_float(values.f32[i], out);
      return;
    case Style::kDouble:
      append_json_double(values.f64[i], out);
      return;
    case Style::kFloat16: {
      const std::string_view b = values.bytes.value(i);
      if (b.size() != 2) break;  // not what the schema promised: hex below
      const auto h =
          static_cast<uint16_t>(static_cast<uint8_t>(b[0]) | (static_cast<uint8_t>(b[1]) << 8));
      append_json_float(float16_to_float(h), out);
      return;
    }
    case Style::kString:
      util::append_json_string(*out, values.bytes.value(i));
      return;
    case Style::kHex:
      break;
    case Style::kUuid: {
      const std::string_view b = values.bytes.value(i);
      if (b.size() != 16) break;
      append_uuid(b, out);
      return;
    }
    case Style::kDecimal:
      out->push_back('"');
      if (values.type == Type::kInt32) {
        append_decimal_digits(int64_t{values.i32[i]}, column.scale, out);
      } else if (values.type == Type::kInt64) {
        append_decimal_digits(values.i64[i], column.scale, out);
      } else {
        append_decimal_digits(values.bytes.value(i), column.scale, out);
      }
      out->push_back('"');
      return;
    case Style::kDate:
      out->push_back('"');
      util::append_iso_date(*out, values.i32[i]);
      out->push_back('"');
      return;
    case Style::kTime:
      append_time(values.type == Type::kInt32 ? int64_t{values.i32[i]} : values.i64[i], style.unit,
                  out);
      return;
    case Style::kTimestamp:
      append_timestamp(values.i64[i], style.unit, style.utc, out);
      return;
    case Style::kInt96:
      append_timestamp(int96_to_micros(values.i96[i]), TimeUnit::kMicros, true, out);
      return;
  }
  append_hex(values.bytes.value(i), out);
}

void append_value_json(const ValueNode& node, const std::vector<ColumnDescriptor>& columns,
                       const ValueArray& array, size_t i, std::string* out) {
  if (array.is_null(i)) {
    out->append("null");
    return;
  }
  switch (node.kind) {
    case ValueKind::kLeaf:
      append_leaf_json(columns[static_cast<size_t>(node.leaf)], array.values, i, out);
      return;
    case ValueKind::kStruct:
      out->push_back('{');
      for (size_t f = 0; f < node.children.size(); ++f) {
        if (f > 0) out->push_back(',');
        util::append_json_string(*out, node.children[f].name);
        out->push_back(':');
        append_value_json(node.children[f], columns, array.children[f], i, out);
      }
      out->push_back('}');
      return;
    case ValueKind::kList: {
      out->push_back('[');
      const auto begin = static_cast<size_t>(array.offsets[i]);
      const auto end = static_cast<size_t>(array.offsets[i + 1]);
      for (size_t j = begin; j < end; ++j) {
        if (j > begin) out->push_back(',');
        append_value_json(node.children[0], columns, array.children[0], j, out);
      }
      out->push_back(']');
      return;
    }
    case ValueKind::kMap: {
      out->push_back('[');
      const auto begin = static_cast<size_t>(array.offsets[i]);
      const auto end = static_cast<size_t>(array.offsets[i + 1]);
      const bool has_values = node.children.size() > 1 && array.children.size() > 1;
      for (size_t j = begin; j < end; ++j) {
        if (j > begin) out->push_back(',');
        out->push_back('[');
        append_value_json(node.children[0], columns, array.children[0], j, out);
        out->push_back(',');
        if (has_values) {
          append_value_json(node.children[1], columns, array.children[1], j, out);
        } else {
          out->append("null");
        }
        out->push_back(']');
      }
      out->push_back(']');
      return;
    }
  }
}

void append_row_json(const ValueNode& root, const std::vector<ColumnDescriptor>& columns,
                     const RowBatch& batch, size_t row, std::string* out) {
  out->push_back('{');
  for (size_t c = 0; c < batch.fields.size(); ++c) {
    const ValueNode& field = root.children[batch.fields[c]];
    if (c > 0) out->push_back(',');
    util::append_json_string(*out, field.name);
    out->push_back(':');
    append_value_json(field, columns, batch.columns[c], row, out);
  }
  out->push_back('}');
}

void append_row_json(const SchemaTree& schema, const RowBatch& batch, size_t row,
                     std::string* out) {
  append_row_json(schema.root(), schema.columns(), batch, row, out);
}

void append_rows_jsonl(const ValueNode& root, const std::vector<ColumnDescriptor>& columns,
                       const RowBatch& batch, std::string* out) {
  for (size_t row = 0; row < batch.num_rows; ++row) {
    append_row_json(root, columns, batch, row, out);
    out->push_back('\n');
  }
}

void append_rows_jsonl(const SchemaTree& schema, const RowBatch& batch, std::string* out) {
  append_rows_jsonl(schema.root(), schema.columns(), batch, out);
}

}  // namespace medallion::parquet
