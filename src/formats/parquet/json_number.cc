#include "formats/parquet/json_number.h"

#include <charconv>
#include <cmath>
#include <cstddef>

namespace medallion::parquet {
namespace {

// Lays out the shortest digits of a finite, non-zero value. `sci` is
// std::to_chars' scientific form: ['-'] d ['.' d...] 'e' ('+'|'-') exp.
void append_layout(const char* sci, const char* end, std::string* out) {
  const char* p = sci;
  if (*p == '-') {
    out->push_back('-');
    ++p;
  }
  char digits[32];  // at most 17 significant digits for a double
  size_t k = 0;
  for (; p != end && *p != 'e'; ++p) {
    if (*p != '.') digits[k++] = *p;
  }
  // p is at 'e'; the exponent follows with its sign.
  ++p;
  const bool negative_exp = *p == '-';
  ++p;
  int exp10 = 0;
  for (; p != end; ++p) exp10 = exp10 * 10 + (*p - '0');
  if (negative_exp) exp10 = -exp10;
  // Trailing zeros are never produced by the shortest form except for a
  // single digit, but drop them anyway so that k is the true digit count.
  while (k > 1 && digits[k - 1] == '0') --k;

  const int n = exp10 + 1;  // value = 0.d1..dk x 10^n
  const int ki = static_cast<int>(k);
  if (ki <= n && n <= 21) {
    out->append(digits, k);
    out->append(static_cast<size_t>(n - ki), '0');
  } else if (0 < n && n <= 21) {
    out->append(digits, static_cast<size_t>(n));
    out->push_back('.');
    out->append(digits + n, k - static_cast<size_t>(n));
  } else if (-6 < n && n <= 0) {
    out->append("0.");
    out->append(static_cast<size_t>(-n), '0');
    out->append(digits, k);
  } else {
    out->push_back(digits[0]);
    if (k > 1) {
      out->push_back('.');
      out->append(digits + 1, k - 1);
    }
    out->push_back('e');
    const int e = n - 1;
    out->push_back(e < 0 ? '-' : '+');
    char buf[8];
    const auto res = std::to_chars(buf, buf + sizeof buf, e < 0 ? -e : e);
    out->append(buf, res.ptr);
  }
}

// Returns true when the value was special and has been written.
template <typename T>
bool append_special(T value, std::string* out) {
  if (std::isnan(value)) {
    out->append("\"NaN\"");
    return true;
  }
  if (std::isinf(value)) {
    out->append(value < 0 ? "\"-Infinity\"" : "\"Infinity\"");
    return true;
  }
  if (value == 0) {
    out->append(std::signbit(value) ? "-0.0" : "0");
    return true;
  }
  return false;
}

template <typename T>
void append_number(T value, std::string* out) {
  if (append_special(value, out)) return;
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  append_layout(buf, res.ptr, out);
}

}  // namespace

void append_json_double(double value, std::string* out) { append_number(value, out); }

void append_json_float(float value, std::string* out) { append_number(value, out); }

}  // namespace medallion::parquet
