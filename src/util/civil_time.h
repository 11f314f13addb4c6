// Civil time: proleptic Gregorian dates and UTC instants as plain integers.
//
// An instant is a count of microseconds since 1970-01-01T00:00:00Z (the same
// unit as Parquet/Delta TIMESTAMP(MICROS, UTC) and CQL timestamp * 1000);
// a date is a count of days since 1970-01-01 (Parquet/Delta DATE). No locale,
// no time zone database: the only zones understood are 'Z' and fixed offsets.
//
// Accepted ISO-8601 text (parse_iso8601):
//   YYYY-MM-DD('T'|' ')hh:mm:ss[.f{1,9}][Z|(+|-)hh:mm|(+|-)hhmm]
// Without a zone the text is taken as UTC. Fractions beyond microseconds must
// be zero-extended digits of a whole microsecond value (".1234560" is fine,
// ".1234567" is not representable and is rejected). Leap seconds (ss = 60)
// are rejected, as Python's datetime does.
//
// Thread safety: all functions are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace medallion::util {

// The system clock: milliseconds since 1970-01-01T00:00:00Z.
int64_t unix_now_ms();

inline constexpr int64_t kMicrosPerSecond = 1'000'000;
inline constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

struct CivilDate {
  int32_t year;
  uint32_t month;  // 1..12
  uint32_t day;    // 1..31
  bool operator==(const CivilDate&) const = default;
};

bool is_leap_year(int64_t year);
uint32_t days_in_month(int64_t year, uint32_t month);

// Days since 1970-01-01 of a proleptic Gregorian date (any year).
int64_t days_from_civil(int64_t year, uint32_t month, uint32_t day);
CivilDate civil_from_days(int64_t days);

// Floor division of an instant into its day (correct for instants before 1970).
int64_t days_from_micros(int64_t micros);

// Parses ISO-8601 text as above into microseconds since the epoch.
// Returns nullopt for anything malformed or out of range.
std::optional<int64_t> parse_iso8601(std::string_view text);

// Parses "YYYY-MM-DD" into days since the epoch.
std::optional<int64_t> parse_iso_date(std::string_view text);

enum class FractionStyle {
  kWhenNonZero,   // "2016-11-18T12:48:05", or ".000123" appended when needed (Python isoformat)
  kAlwaysMicros,  // always ".ffffff"
  kNever,         // seconds only; the fraction is dropped
};

// Appends "YYYY-MM-DDThh:mm:ss[.ffffff][Z]" to out. Years outside 0..9999
// are written with a sign and as many digits as needed.
void append_iso8601(std::string& out, int64_t micros,
                    FractionStyle fraction = FractionStyle::kWhenNonZero, bool zulu = false);
std::string format_iso8601(int64_t micros, FractionStyle fraction = FractionStyle::kWhenNonZero,
                           bool zulu = false);

// "YYYY-MM-DD" of a day number.
void append_iso_date(std::string& out, int64_t days);
std::string format_iso_date(int64_t days);

}  // namespace medallion::util
