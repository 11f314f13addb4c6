#include "delta/partition_value.h"

#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "util/civil_time.h"

namespace medallion::delta {
namespace {

using util::Result;
using util::Status;

constexpr char kUpperHex[] = "0123456789ABCDEF";

Status bad_value(std::string_view column, const DataType& type, std::string_view text,
                 std::string_view what) {
  // Quote at most 64 bytes of the value: it came from a file.
  const std::string_view shown = text.substr(0, 64);
  return Status::invalid_argument(
      fmt::format("delta: bad partition value \"{}{}\" of column '{}' ({}): {}", shown,
                  text.size() > shown.size() ? "..." : "", column, type.to_string(), what));
}

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool equals_ignore_ascii_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_percent(std::string& out, unsigned char c) {
  out.push_back('%');
  out.push_back(kUpperHex[c >> 4]);
  out.push_back(kUpperHex[c & 0xF]);
}

Result<int64_t> parse_integer(std::string_view text, int64_t min, int64_t max,
                              std::string_view column, const DataType& type) {
  std::string_view digits = text;
  if (!digits.empty() && digits[0] == '+') digits.remove_prefix(1);
  if (digits.empty() || digits[0] == '+' || (digits.size() < text.size() && digits[0] == '-')) {
    return bad_value(column, type, text, "expected an integer");
  }
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec == std::errc::result_out_of_range) {
    return bad_value(column, type, text, fmt::format("out of range {}..{}", min, max));
  }
  if (ec != std::errc() || end != digits.data() + digits.size()) {
    return bad_value(column, type, text, "expected an integer");
  }
  if (v < min || v > max) {
    return bad_value(column, type, text, fmt::format("out of range {}..{}", min, max));
  }
  return v;
}

template <typename T>
Result<T> parse_floating(std::string_view text, std::string_view column, const DataType& type) {
  if (text == "NaN") return std::numeric_limits<T>::quiet_NaN();
  if (text == "Infinity" || text == "+Infinity") return std::numeric_limits<T>::infinity();
  if (text == "-Infinity") return -std::numeric_limits<T>::infinity();
  std::string_view body = text;
  if (!body.empty() && body[0] == '+') body.remove_prefix(1);
  const std::string_view unsigned_part = !body.empty() && body[0] == '-' ? body.substr(1) : body;
  // from_chars would also take "inf" and "nan"; Java writes only the words above.
  if (unsigned_part.empty() ||
      !((unsigned_part[0] >= '0' && unsigned_part[0] <= '9') || unsigned_part[0] == '.')) {
    return bad_value(column, type, text, "expected a number, NaN, Infinity or -Infinity");
  }
  T v = 0;
  const auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (ec == std::errc::result_out_of_range) {
    return bad_value(column, type, text, "out of the type's range");
  }
  if (ec != std::errc() || end != body.data() + body.size()) {
    return bad_value(column, type, text, "expected a number, NaN, Infinity or -Infinity");
  }
  return v;
}

// "-123.45", "1E-7", "+.5": the exact unscaled value at type.scale.
Result<Int128> parse_decimal(std::string_view text, const DataType& type, std::string_view column) {
  if (type.precision < 1 || type.precision > kMaxDecimalPrecision || type.scale < 0 ||
      type.scale > type.precision) {
    return bad_value(column, type, text, "the column's decimal type is invalid");
  }
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    negative = text[i] == '-';
    ++i;
  }
  std::string mantissa;  // significant digits, leading zeros dropped
  int64_t fraction_digits = 0;
  size_t digit_count = 0;
  bool in_fraction = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      ++digit_count;
      if (in_fraction) ++fraction_digits;
      if (!(mantissa.empty() && c == '0')) {
        // More significant digits than a decimal(38) holds can never fit,
        // unless they are trailing zeros that a negative shift removes;
        // cap the work at a generous bound.
        if (mantissa.size() > 200) return bad_value(column, type, text, "too many digits");
        mantissa.push_back(c);
      }
    } else if (c == '.' && !in_fraction) {
      in_fraction = true;
    } else {
      break;
    }
  }
  if (digit_count == 0) return bad_value(column, type, text, "expected a decimal number");
  int64_t exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      exp_negative = text[i] == '-';
      ++i;
    }
    const size_t start = i;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (exponent > 100'000) return bad_value(column, type, text, "exponent out of range");
      exponent = exponent * 10 + (text[i] - '0');
    }
    if (i == start) return bad_value(column, type, text, "expected digits after the exponent");
    if (exp_negative) exponent = -exponent;
  }
  if (i != text.size()) return bad_value(column, type, text, "expected a decimal number");
  // value = mantissa * 10^(exponent - fraction_digits); unscaled = value * 10^scale.
  const int64_t shift = exponent - fraction_digits + type.scale;
  if (!mantissa.empty()) {
    if (shift < 0) {
      const auto drop = static_cast<uint64_t>(-shift);
      const bool all_zero =
          drop <= mantissa.size() &&
          mantissa.find_first_not_of('0', mantissa.size() - drop) == std::string::npos;
      if (!all_zero) {
        return bad_value(column, type, text,
                         fmt::format("more than {} fractional digits", type.scale));
      }
      mantissa.resize(mantissa.size() - drop);
    } else {
      if (static_cast<uint64_t>(shift) + mantissa.size() > static_cast<uint64_t>(type.precision)) {
        return bad_value(column, type, text, fmt::format("more than {} digits", type.precision));
      }
      mantissa.append(static_cast<size_t>(shift), '0');
    }
  }
  if (mantissa.size() > static_cast<size_t>(type.precision)) {
    return bad_value(column, type, text, fmt::format("more than {} digits", type.precision));
  }
  Int128 v = 0;
  for (char c : mantissa) v = v * 10 + (c - '0');
  return negative ? -v : v;
}

Result<int64_t> parse_timestamp(std::string_view text, bool ntz, std::string_view column,
                                const DataType& type) {
  std::string_view body = text;
  if (ntz) {
    if (!body.empty() && (body.back() == 'Z' || body.back() == 'z')) body.remove_suffix(1);
    if (body.size() > 19 && body.find_first_of("+-", 19) != std::string_view::npos) {
      return bad_value(column, type, text,
                       "a timestamp_ntz value has no time zone; write it without an offset");
    }
  }
  const std::optional<int64_t> micros = util::parse_iso8601(body);
  if (!micros) {
    return bad_value(column, type, text,
                     "expected YYYY-MM-DD hh:mm:ss[.ffffff] or YYYY-MM-DDThh:mm:ss[.ffffff]Z");
  }
  return *micros;
}

// Java's Float/Double.toString layout of the shortest round-trip digits.
template <typename T>
std::string java_floating_string(T v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v < 0 ? "-Infinity" : "Infinity";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  if (ec != std::errc()) return "NaN";  // cannot happen: 64 bytes hold any float
  const std::string_view sci(buf, static_cast<size_t>(end - buf));  // "-1.2345e+06"
  std::string out;
  size_t i = 0;
  if (sci[0] == '-') {
    out.push_back('-');
    i = 1;
  }
  const size_t e_pos = sci.find('e');
  std::string digits;
  for (size_t j = i; j < e_pos; ++j) {
    if (sci[j] != '.') digits.push_back(sci[j]);
  }
  int exponent = 0;
  std::from_chars(sci.data() + e_pos + 1 + (sci[e_pos + 1] == '+' ? 1 : 0), sci.data() + sci.size(),
                  exponent);
  if (exponent >= -3 && exponent < 7) {
    if (exponent >= 0) {
      const auto int_digits = static_cast<size_t>(exponent) + 1;
      if (digits.size() <= int_digits) {
        out += digits;
        out.append(int_digits - digits.size(), '0');
        out += ".0";
      } else {
        out += digits.substr(0, int_digits);
        out += '.';
        out += digits.substr(int_digits);
      }
    } else {
      out += "0.";
      out.append(static_cast<size_t>(-exponent - 1), '0');
      out += digits;
    }
    return out;
  }
  out += digits[0];
  out += '.';
  out += digits.size() > 1 ? digits.substr(1) : std::string("0");
  out += 'E';
  out += std::to_string(exponent);
  return out;
}

std::string decimal_string(Int128 unscaled, int32_t scale) {
  const bool negative = unscaled < 0;
  std::string digits = int128_to_string(unscaled);
  if (negative) digits.erase(0, 1);
  if (scale <= 0) return (negative ? "-" : "") + digits;
  const auto s = static_cast<size_t>(scale);
  if (digits.size() <= s) digits.insert(0, s + 1 - digits.size(), '0');
  digits.insert(digits.size() - s, 1, '.');
  return (negative ? "-" : "") + digits;
}

bool needs_hive_escape(unsigned char c) {
  if (c < 0x20 || c == 0x7F) return true;
  switch (c) {
    case '"':
    case '#':
    case '%':
    case '\'':
    case '*':
    case '/':
    case ':':
    case '=':
    case '?':
    case '\\':
    case '{':
    case '[':
    case ']':
    case '^':
      return true;
    default:
      return false;
  }
}

// Bytes java.net.URI leaves as they are in a path.
bool is_uri_path_char(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '-':
    case '_':
    case '.':
    case '!':
    case '~':
    case '*':
    case '\'':
    case '(':
    case ')':
    case ';':
    case ':':
    case '@':
    case '&':
    case '=':
    case '+':
    case '$':
    case ',':
    case '/':
      return true;
    default:
      return false;
  }
}

}  // namespace

Result<Scalar> parse_partition_value(const DataType& type,
                                     const std::optional<std::string>& serialized,
                                     std::string_view column) {
  if (!is_primitive(type.kind)) {
    return Status::unsupported(fmt::format(
        "delta: partition column '{}' has type {} (partition columns must be of a primitive "
        "type): the table is not valid Delta",
        column, type.to_string()));
  }
  if (!serialized || serialized->empty()) return Scalar::null_of(type);
  const std::string& text = *serialized;
  switch (type.kind) {
    case TypeKind::kBoolean:
      if (equals_ignore_ascii_case(text, "true")) return Scalar::of_boolean(true);
      if (equals_ignore_ascii_case(text, "false")) return Scalar::of_boolean(false);
      return bad_value(column, type, text, "expected true or false");
    case TypeKind::kByte: {
      MEDALLION_ASSIGN_OR_RETURN(int64_t v, parse_integer(text, INT8_MIN, INT8_MAX, column, type));
      return Scalar::of_byte(static_cast<int8_t>(v));
    }
    case TypeKind::kShort: {
      MEDALLION_ASSIGN_OR_RETURN(int64_t v,
                                 parse_integer(text, INT16_MIN, INT16_MAX, column, type));
      return Scalar::of_short(static_cast<int16_t>(v));
    }
    case TypeKind::kInteger: {
      MEDALLION_ASSIGN_OR_RETURN(int64_t v,
                                 parse_integer(text, INT32_MIN, INT32_MAX, column, type));
      return Scalar::of_integer(static_cast<int32_t>(v));
    }
    case TypeKind::kLong: {
      MEDALLION_ASSIGN_OR_RETURN(int64_t v,
                                 parse_integer(text, INT64_MIN, INT64_MAX, column, type));
      return Scalar::of_long(v);
    }
    case TypeKind::kFloat: {
      MEDALLION_ASSIGN_OR_RETURN(float v, parse_floating<float>(text, column, type));
      return Scalar::of_float(v);
    }
    case TypeKind::kDouble: {
      MEDALLION_ASSIGN_OR_RETURN(double v, parse_floating<double>(text, column, type));
      return Scalar::of_double(v);
    }
    case TypeKind::kDecimal: {
      MEDALLION_ASSIGN_OR_RETURN(Int128 v, parse_decimal(text, type, column));
      return Scalar::of_decimal(v, type.precision, type.scale);
    }
    case TypeKind::kDate: {
      const std::optional<int64_t> days = util::parse_iso_date(text);
      if (!days) return bad_value(column, type, text, "expected a date YYYY-MM-DD");
      return Scalar::of_date(*days);
    }
    case TypeKind::kTimestamp: {
      MEDALLION_ASSIGN_OR_RETURN(int64_t micros, parse_timestamp(text, false, column, type));
      return Scalar::of_timestamp(micros);
    }
    case TypeKind::kTimestampNtz: {
      MEDALLION_ASSIGN_OR_RETURN(int64_t micros, parse_timestamp(text, true, column, type));
      return Scalar::of_timestamp_ntz(micros);
    }
    case TypeKind::kString:
      return Scalar::of_string(text);
    case TypeKind::kBinary:
      return Scalar::of_binary(text);
    case TypeKind::kStruct:
    case TypeKind::kArray:
    case TypeKind::kMap:
      break;
  }
  return Status::internal("delta: parse_partition_value reached an unhandled type");
}

std::optional<std::string> serialize_partition_value(const Scalar& value) {
  if (value.is_null) return std::nullopt;
  switch (value.kind) {
    case TypeKind::kBoolean:
      return std::string(value.int_value != 0 ? "true" : "false");
    case TypeKind::kByte:
    case TypeKind::kShort:
    case TypeKind::kInteger:
    case TypeKind::kLong:
      return std::to_string(value.int_value);
    case TypeKind::kFloat:
      return java_floating_string(static_cast<float>(value.float_value));
    case TypeKind::kDouble:
      return java_floating_string(value.float_value);
    case TypeKind::kDecimal:
      return decimal_string(value.decimal_unscaled(), value.scale);
    case TypeKind::kDate:
      return util::format_iso_date(value.int_value);
    case TypeKind::kTimestamp:
      return util::format_iso8601(value.int_value, util::FractionStyle::kAlwaysMicros, true);
    case TypeKind::kTimestampNtz: {
      std::string s = util::format_iso8601(value.int_value, util::FractionStyle::kAlwaysMicros);
      const size_t t = s.find('T');
      if (t != std::string::npos) s[t] = ' ';
      return s;
    }
    case TypeKind::kString:
    case TypeKind::kBinary:
      if (value.bytes.empty()) return std::nullopt;
      return value.bytes;
    case TypeKind::kStruct:
    case TypeKind::kArray:
    case TypeKind::kMap:
      break;
  }
  return std::nullopt;
}

std::string escape_partition_path_component(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (needs_hive_escape(c)) {
      append_percent(out, c);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

std::string unescape_partition_path_component(std::string_view component) {
  std::string out;
  out.reserve(component.size());
  for (size_t i = 0; i < component.size(); ++i) {
    if (component[i] == '%' && i + 2 < component.size()) {
      const int hi = hex_value(component[i + 1]);
      const int lo = hex_value(component[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(component[i]);
  }
  return out;
}

std::string partition_directory(const std::vector<std::string>& partition_columns,
                                const PartitionValues& values) {
  std::string out;
  for (const std::string& column : partition_columns) {
    if (!out.empty()) out.push_back('/');
    out += escape_partition_path_component(column);
    out.push_back('=');
    const auto it = values.find(column);
    if (it == values.end() || !it->second || it->second->empty()) {
      out += kHiveDefaultPartition;
    } else {
      out += escape_partition_path_component(*it->second);
    }
  }
  return out;
}

std::string uri_encode_path(std::string_view relative_path) {
  std::string out;
  out.reserve(relative_path.size() + relative_path.size() / 4);
  // A ':' before the first '/' would read as a URI scheme ("a:b/c"), so the
  // first segment's colons are encoded too.
  const size_t first_slash = relative_path.find('/');
  for (size_t i = 0; i < relative_path.size(); ++i) {
    const auto c = static_cast<unsigned char>(relative_path[i]);
    const bool in_first_segment = first_slash == std::string_view::npos || i < first_slash;
    if (is_uri_path_char(c) && !(c == ':' && in_first_segment)) {
      out.push_back(static_cast<char>(c));
    } else {
      append_percent(out, c);
    }
  }
  return out;
}

Result<std::string> uri_decode_path(std::string_view uri_path) {
  std::string out;
  out.reserve(uri_path.size());
  for (size_t i = 0; i < uri_path.size(); ++i) {
    if (uri_path[i] != '%') {
      out.push_back(uri_path[i]);
      continue;
    }
    const int hi = i + 1 < uri_path.size() ? hex_value(uri_path[i + 1]) : -1;
    const int lo = i + 2 < uri_path.size() ? hex_value(uri_path[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      return Status::invalid_argument(fmt::format(
          "delta: bad percent-escape at byte {} of path \"{}\": a '%' must be followed by two hex "
          "digits (the log's add/remove path is not a valid URI)",
          i, uri_path.substr(0, 200)));
    }
    if (hi == 0 && lo == 0) {
      return Status::invalid_argument(
          fmt::format("delta: path \"{}\" encodes a NUL byte (%00), which no file name can hold",
                      uri_path.substr(0, 200)));
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

}  // namespace medallion::delta
