#include "util/civil_time.h"

#include <chrono>
#include <cstdio>

namespace medallion::util {

int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool is_leap_year(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

uint32_t days_in_month(int64_t year, uint32_t month) {
  static constexpr uint8_t kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

// Howard Hinnant's days_from_civil algorithm: eras of 400 years, with the
// year starting in March so that the leap day is the last day of a year.
int64_t days_from_civil(int64_t y, uint32_t m, uint32_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<uint64_t>(y - era * 400);                // [0, 399]
  const uint64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const uint64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

CivilDate civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<uint64_t>(z - era * 146097);
  const uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const uint64_t mp = (5 * doy + 2) / 153;
  const auto d = static_cast<uint32_t>(doy - (153 * mp + 2) / 5 + 1);
  const auto m = static_cast<uint32_t>(mp < 10 ? mp + 3 : mp - 9);
  return {static_cast<int32_t>(y + (m <= 2)), m, d};
}

int64_t days_from_micros(int64_t micros) {
  int64_t days = micros / kMicrosPerDay;
  if (micros % kMicrosPerDay < 0) --days;
  return days;
}

namespace {

// Reads exactly n ASCII digits at s[pos..pos+n).
bool read_digits(std::string_view s, size_t pos, size_t n, int64_t* out) {
  if (pos + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

bool parse_date_part(std::string_view s, int64_t* days) {
  int64_t y, m, d;
  if (s.size() < 10 || !read_digits(s, 0, 4, &y) || s[4] != '-' || !read_digits(s, 5, 2, &m) ||
      s[7] != '-' || !read_digits(s, 8, 2, &d)) {
    return false;
  }
  if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, static_cast<uint32_t>(m))) return false;
  *days = days_from_civil(y, static_cast<uint32_t>(m), static_cast<uint32_t>(d));
  return true;
}

}  // namespace

std::optional<int64_t> parse_iso_date(std::string_view text) {
  int64_t days;
  if (text.size() != 10 || !parse_date_part(text, &days)) return std::nullopt;
  return days;
}

std::optional<int64_t> parse_iso8601(std::string_view s) {
  int64_t days, hh, mm, ss;
  if (s.size() < 19 || !parse_date_part(s, &days)) return std::nullopt;
  if ((s[10] != 'T' && s[10] != ' ') || !read_digits(s, 11, 2, &hh) || s[13] != ':' ||
      !read_digits(s, 14, 2, &mm) || s[16] != ':' || !read_digits(s, 17, 2, &ss)) {
    return std::nullopt;
  }
  if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;
  size_t pos = 19;
  int64_t micros = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t digits = 0;
    int64_t frac = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 6) {
        frac = frac * 10 + (s[pos] - '0');
      } else if (s[pos] != '0') {
        return std::nullopt;  // sub-microsecond precision would be lost
      }
      ++digits;
      ++pos;
    }
    if (digits == 0 || digits > 9) return std::nullopt;
    for (size_t i = digits; i < 6; ++i) frac *= 10;
    micros = frac;
  }
  int64_t offset_seconds = 0;
  if (pos < s.size()) {
    const char c = s[pos];
    if (c == 'Z' || c == 'z') {
      ++pos;
    } else if (c == '+' || c == '-') {
      int64_t oh, om;
      if (!read_digits(s, pos + 1, 2, &oh)) return std::nullopt;
      size_t mpos = pos + 3;
      if (mpos < s.size() && s[mpos] == ':') ++mpos;
      if (!read_digits(s, mpos, 2, &om) || oh > 23 || om > 59) return std::nullopt;
      offset_seconds = (oh * 3600 + om * 60) * (c == '-' ? -1 : 1);
      pos = mpos + 2;
    } else {
      return std::nullopt;
    }
  }
  if (pos != s.size()) return std::nullopt;
  const int64_t seconds = days * 86400 + hh * 3600 + mm * 60 + ss - offset_seconds;
  return seconds * kMicrosPerSecond + micros;
}

namespace {

void append_2(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>('0' + v / 10));
  out.push_back(static_cast<char>('0' + v % 10));
}

void append_year(std::string& out, int64_t y) {
  if (y >= 0 && y <= 9999) {
    const auto v = static_cast<uint32_t>(y);
    append_2(out, v / 100);
    append_2(out, v % 100);
    return;
  }
  char buf[24];
  const int n = std::snprintf(buf, sizeof buf, "%+05lld", static_cast<long long>(y));
  out.append(buf, static_cast<size_t>(n));
}

}  // namespace

void append_iso_date(std::string& out, int64_t days) {
  const CivilDate d = civil_from_days(days);
  append_year(out, d.year);
  out.push_back('-');
  append_2(out, d.month);
  out.push_back('-');
  append_2(out, d.day);
}

std::string format_iso_date(int64_t days) {
  std::string out;
  append_iso_date(out, days);
  return out;
}

void append_iso8601(std::string& out, int64_t micros, FractionStyle fraction, bool zulu) {
  const int64_t days = days_from_micros(micros);
  // Not micros - days * kMicrosPerDay: that product overflows for the
  // earliest instants (INT64_MIN floors to a day that starts before it).
  int64_t in_day = micros % kMicrosPerDay;
  if (in_day < 0) in_day += kMicrosPerDay;  // [0, kMicrosPerDay)
  const auto secs = static_cast<uint32_t>(in_day / kMicrosPerSecond);
  const auto frac = static_cast<uint32_t>(in_day % kMicrosPerSecond);
  append_iso_date(out, days);
  out.push_back('T');
  append_2(out, secs / 3600);
  out.push_back(':');
  append_2(out, secs / 60 % 60);
  out.push_back(':');
  append_2(out, secs % 60);
  if (fraction == FractionStyle::kAlwaysMicros ||
      (fraction == FractionStyle::kWhenNonZero && frac != 0)) {
    out.push_back('.');
    uint32_t div = 100000;
    for (int i = 0; i < 6; ++i, div /= 10) out.push_back(static_cast<char>('0' + frac / div % 10));
  }
  if (zulu) out.push_back('Z');
}

std::string format_iso8601(int64_t micros, FractionStyle fraction, bool zulu) {
  std::string out;
  append_iso8601(out, micros, fraction, zulu);
  return out;
}

}  // namespace medallion::util
