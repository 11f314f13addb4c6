#include "util/civil_time.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace medallion::util {
namespace {

constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

// 2016-11-02T12:48:05Z, checked against Python's datetime.
constexpr int64_t kSample = int64_t{1'478'090'885} * kMicrosPerSecond;

// ---------------------------------------------------------------------------
// is_leap_year

TEST(IsLeapYear, CenturyNotDivisibleBy400IsNotLeap) {
  EXPECT_FALSE(is_leap_year(1900));
  EXPECT_FALSE(is_leap_year(2100));
}

TEST(IsLeapYear, CenturyDivisibleBy400IsLeap) {
  EXPECT_TRUE(is_leap_year(2000));
  EXPECT_TRUE(is_leap_year(2400));
}

TEST(IsLeapYear, OrdinaryYearDivisibleBy4IsLeap) { EXPECT_TRUE(is_leap_year(2016)); }

TEST(IsLeapYear, YearNotDivisibleBy4IsNotLeap) {
  EXPECT_FALSE(is_leap_year(2015));
  EXPECT_FALSE(is_leap_year(2017));
  EXPECT_FALSE(is_leap_year(1970));
}

TEST(IsLeapYear, YearZeroIsLeap) { EXPECT_TRUE(is_leap_year(0)); }

TEST(IsLeapYear, NegativeYearsFollowTheProlepticRule) {
  EXPECT_TRUE(is_leap_year(-4));
  EXPECT_FALSE(is_leap_year(-1));
  EXPECT_FALSE(is_leap_year(-100));
  EXPECT_TRUE(is_leap_year(-400));
}

// ---------------------------------------------------------------------------
// days_in_month

TEST(DaysInMonth, EveryMonthOfACommonYear) {
  const uint32_t expected[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (uint32_t m = 1; m <= 12; ++m) EXPECT_EQ(days_in_month(2015, m), expected[m - 1]) << m;
}

TEST(DaysInMonth, EveryMonthOfALeapYear) {
  const uint32_t expected[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (uint32_t m = 1; m <= 12; ++m) EXPECT_EQ(days_in_month(2016, m), expected[m - 1]) << m;
}

TEST(DaysInMonth, FebruaryOfCenturies) {
  EXPECT_EQ(days_in_month(1900, 2), 28u);
  EXPECT_EQ(days_in_month(2000, 2), 29u);
  EXPECT_EQ(days_in_month(2100, 2), 28u);
}

TEST(DaysInMonth, MonthOutOfRangeIsZero) {
  EXPECT_EQ(days_in_month(2016, 0), 0u);
  EXPECT_EQ(days_in_month(2016, 13), 0u);
}

// ---------------------------------------------------------------------------
// days_from_civil / civil_from_days

TEST(DaysFromCivil, EpochIsZero) { EXPECT_EQ(days_from_civil(1970, 1, 1), 0); }

TEST(DaysFromCivil, DayBeforeEpochIsMinusOne) { EXPECT_EQ(days_from_civil(1969, 12, 31), -1); }

TEST(DaysFromCivil, LeapDay2000) { EXPECT_EQ(days_from_civil(2000, 2, 29), 11016); }

TEST(DaysFromCivil, DayAfterLeapDay2000) { EXPECT_EQ(days_from_civil(2000, 3, 1), 11017); }

TEST(DaysFromCivil, SourceDataDate) { EXPECT_EQ(days_from_civil(2016, 11, 2), 17107); }

TEST(DaysFromCivil, MarchFirstOfYearZero) { EXPECT_EQ(days_from_civil(0, 3, 1), -719468); }

TEST(DaysFromCivil, FirstDayOfYearOne) { EXPECT_EQ(days_from_civil(1, 1, 1), -719162); }

TEST(DaysFromCivil, LastDayOfYear9999) { EXPECT_EQ(days_from_civil(9999, 12, 31), 2932896); }

TEST(CivilFromDays, Epoch) { EXPECT_EQ(civil_from_days(0), (CivilDate{1970, 1, 1})); }

TEST(CivilFromDays, MinusOne) { EXPECT_EQ(civil_from_days(-1), (CivilDate{1969, 12, 31})); }

TEST(CivilFromDays, LeapDay2000) { EXPECT_EQ(civil_from_days(11016), (CivilDate{2000, 2, 29})); }

TEST(CivilFromDays, SourceDataDate) { EXPECT_EQ(civil_from_days(17107), (CivilDate{2016, 11, 2})); }

TEST(CivilFromDays, MarchFirstOfYearZero) {
  EXPECT_EQ(civil_from_days(-719468), (CivilDate{0, 3, 1}));
  EXPECT_EQ(civil_from_days(-719469), (CivilDate{0, 2, 29}));
}

TEST(CivilFromDays, NegativeYear) {
  EXPECT_EQ(civil_from_days(days_from_civil(-1, 12, 31)), (CivilDate{-1, 12, 31}));
  EXPECT_EQ(days_from_civil(-1, 12, 31) + 1, days_from_civil(0, 1, 1));
}

// Walks every day from -1000-01-01 to 3000-12-31 with an independent
// calendar counter, checking both directions on every day.
TEST(CivilDays, EveryDayFromYearMinus1000To3000RoundTrips) {
  int64_t year = -1000;
  uint32_t month = 1;
  uint32_t day = 1;
  const int64_t first = days_from_civil(-1000, 1, 1);
  const int64_t last = days_from_civil(3000, 12, 31);
  int failures = 0;
  for (int64_t n = first; n <= last && failures < 10; ++n) {
    const CivilDate expected{static_cast<int32_t>(year), month, day};
    const CivilDate got = civil_from_days(n);
    if (got != expected || days_from_civil(year, month, day) != n) {
      ADD_FAILURE() << "day " << n << ": expected " << year << "-" << month << "-" << day
                    << ", civil_from_days gave " << got.year << "-" << got.month << "-" << got.day
                    << ", days_from_civil gave " << days_from_civil(year, month, day);
      ++failures;
    }
    if (++day > days_in_month(year, month)) {
      day = 1;
      if (++month > 12) {
        month = 1;
        ++year;
      }
    }
  }
  EXPECT_EQ(year, 3001);
  EXPECT_EQ(month, 1u);
  EXPECT_EQ(day, 1u);
}

TEST(CivilDays, FourHundredYearsHave146097Days) {
  EXPECT_EQ(days_from_civil(2400, 1, 1) - days_from_civil(2000, 1, 1), 146097);
  EXPECT_EQ(days_from_civil(0, 1, 1) - days_from_civil(-400, 1, 1), 146097);
}

// ---------------------------------------------------------------------------
// days_from_micros

TEST(DaysFromMicros, ZeroIsDayZero) { EXPECT_EQ(days_from_micros(0), 0); }

TEST(DaysFromMicros, LastMicroOfDayZero) { EXPECT_EQ(days_from_micros(kMicrosPerDay - 1), 0); }

TEST(DaysFromMicros, FirstMicroOfDayOne) { EXPECT_EQ(days_from_micros(kMicrosPerDay), 1); }

TEST(DaysFromMicros, MinusOneMicroFloorsToDayMinusOne) { EXPECT_EQ(days_from_micros(-1), -1); }

TEST(DaysFromMicros, ExactlyMinusOneDayIsDayMinusOne) {
  EXPECT_EQ(days_from_micros(-kMicrosPerDay), -1);
}

TEST(DaysFromMicros, OneMicroBeforeMinusOneDayIsDayMinusTwo) {
  EXPECT_EQ(days_from_micros(-kMicrosPerDay - 1), -2);
}

TEST(DaysFromMicros, Int64Extremes) {
  EXPECT_EQ(days_from_micros(kInt64Max), 106751991);
  EXPECT_EQ(days_from_micros(kInt64Min), -106751992);
}

// ---------------------------------------------------------------------------
// parse_iso8601: accepted forms

TEST(ParseIso8601, WholeSecondsWithT) { EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05"), kSample); }

TEST(ParseIso8601, WholeSecondsWithSpace) {
  EXPECT_EQ(parse_iso8601("2016-11-02 12:48:05"), kSample);
}

TEST(ParseIso8601, Epoch) { EXPECT_EQ(parse_iso8601("1970-01-01T00:00:00"), 0); }

TEST(ParseIso8601, LastSecondOfADay) {
  EXPECT_EQ(parse_iso8601("1970-01-01T23:59:59"), 86399 * kMicrosPerSecond);
}

TEST(ParseIso8601, OneDigitFractionIsTenthsOfASecond) {
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05.1"), kSample + 100000);
}

TEST(ParseIso8601, ThreeDigitFractionIsMillis) {
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05.123"), kSample + 123000);
}

TEST(ParseIso8601, SixDigitFractionSmallest) {
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05.000001"), kSample + 1);
}

TEST(ParseIso8601, SixDigitFractionLargest) {
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05.999999"), kSample + 999999);
}

TEST(ParseIso8601, EveryFractionLengthFrom1To6) {
  const std::string base = "2016-11-02T12:48:05.";
  const std::string digits = "123456";
  const int64_t expected[6] = {100000, 120000, 123000, 123400, 123450, 123456};
  for (size_t n = 1; n <= 6; ++n) {
    EXPECT_EQ(parse_iso8601(base + digits.substr(0, n)), kSample + expected[n - 1]) << n;
  }
}

TEST(ParseIso8601, SevenDigitFractionWithTrailingZeroAccepted) {
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05.1234560"), kSample + 123456);
}

TEST(ParseIso8601, NineDigitFractionWithTrailingZerosAccepted) {
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05.123456000"), kSample + 123456);
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05.000000000"), kSample);
}

TEST(ParseIso8601, SevenDigitFractionBelowMicrosRejected) {
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05.1234567"), std::nullopt);
}

TEST(ParseIso8601, NineDigitFractionWithNanosRejected) {
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05.000000001"), std::nullopt);
}

TEST(ParseIso8601, TenDigitFractionRejectedEvenIfZero) {
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05.0000000000"), std::nullopt);
}

TEST(ParseIso8601, DotWithoutDigitsRejected) {
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05."), std::nullopt);
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05.Z"), std::nullopt);
}

TEST(ParseIso8601, ZuluSuffix) { EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05Z"), kSample); }

TEST(ParseIso8601, ZuluAfterFraction) {
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05.5Z"), kSample + 500000);
}

TEST(ParseIso8601, PositiveOffsetWithColonIsSubtracted) {
  EXPECT_EQ(parse_iso8601("2016-11-02T14:48:05+02:00"), kSample);
}

TEST(ParseIso8601, NegativeOffsetWithoutColonIsAdded) {
  EXPECT_EQ(parse_iso8601("2016-11-02T07:18:05-0530"), kSample);
}

TEST(ParseIso8601, OffsetAfterFraction) {
  EXPECT_EQ(parse_iso8601("2016-11-02T14:48:05.25+02:00"), kSample + 250000);
}

TEST(ParseIso8601, ZeroOffsetEqualsZulu) {
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05+00:00"), kSample);
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05-00:00"), kSample);
}

TEST(ParseIso8601, OffsetCrossesMidnightBackwards) {
  EXPECT_EQ(parse_iso8601("2016-11-02T01:00:00+02:00"), parse_iso8601("2016-11-01T23:00:00"));
}

TEST(ParseIso8601, OffsetCrossesYearForwards) {
  EXPECT_EQ(parse_iso8601("2016-12-31T23:30:00-01:00"), parse_iso8601("2017-01-01T00:30:00"));
}

TEST(ParseIso8601, LargestOffsetAccepted) {
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05+23:59"),
            kSample - (23 * 3600 + 59 * 60) * kMicrosPerSecond);
}

TEST(ParseIso8601, LeapDayOfLeapYear) {
  EXPECT_EQ(parse_iso8601("2016-02-29T00:00:00"), days_from_civil(2016, 2, 29) * kMicrosPerDay);
  EXPECT_EQ(parse_iso8601("2000-02-29T00:00:00"), 11016 * kMicrosPerDay);
}

TEST(ParseIso8601, BeforeEpochIsNegative) {
  // 1960-06-15T07:30:00Z, checked against Python's datetime.
  EXPECT_EQ(parse_iso8601("1960-06-15T07:30:00"), int64_t{-301249800} * kMicrosPerSecond);
}

TEST(ParseIso8601, LastMicroBeforeEpoch) {
  EXPECT_EQ(parse_iso8601("1969-12-31T23:59:59.999999"), -1);
}

TEST(ParseIso8601, YearZeroAccepted) {
  EXPECT_EQ(parse_iso8601("0000-01-01T00:00:00"), days_from_civil(0, 1, 1) * kMicrosPerDay);
}

TEST(ParseIso8601, LastRepresentableInstantOfYear9999) {
  EXPECT_EQ(parse_iso8601("9999-12-31T23:59:59.999999"), 2932897 * kMicrosPerDay - 1);
}

// ---------------------------------------------------------------------------
// parse_iso8601: rejected input

TEST(ParseIso8601, EmptyStringRejected) { EXPECT_EQ(parse_iso8601(""), std::nullopt); }

TEST(ParseIso8601, DateOnlyRejected) { EXPECT_EQ(parse_iso8601("2016-11-02"), std::nullopt); }

TEST(ParseIso8601, MissingSecondsRejected) {
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48"), std::nullopt);
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48Z"), std::nullopt);
}

TEST(ParseIso8601, MissingTimeAfterSeparatorRejected) {
  EXPECT_EQ(parse_iso8601("2016-11-02T"), std::nullopt);
}

TEST(ParseIso8601, SingleDigitFieldsRejected) {
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:5"), std::nullopt);
  EXPECT_EQ(parse_iso8601("2016-1-02T12:48:05"), std::nullopt);
  EXPECT_EQ(parse_iso8601("2016-11-2T12:48:05"), std::nullopt);
  EXPECT_EQ(parse_iso8601("2016-11-02T2:48:05"), std::nullopt);
}

TEST(ParseIso8601, WrongSeparatorRejected) {
  EXPECT_EQ(parse_iso8601("2016-11-02t12:48:05"), std::nullopt);
  EXPECT_EQ(parse_iso8601("2016-11-02_12:48:05"), std::nullopt);
  EXPECT_EQ(parse_iso8601("2016/11/02T12:48:05"), std::nullopt);
  EXPECT_EQ(parse_iso8601("2016-11-02T12.48.05"), std::nullopt);
}

TEST(ParseIso8601, FebruaryTwentyNinthOfCommonYearRejected) {
  EXPECT_EQ(parse_iso8601("2015-02-29T00:00:00"), std::nullopt);
  EXPECT_EQ(parse_iso8601("1900-02-29T00:00:00"), std::nullopt);
}

TEST(ParseIso8601, FebruaryThirtiethRejected) {
  EXPECT_EQ(parse_iso8601("2016-02-30T00:00:00"), std::nullopt);
}

TEST(ParseIso8601, ThirtyFirstOfThirtyDayMonthRejected) {
  EXPECT_EQ(parse_iso8601("2016-04-31T00:00:00"), std::nullopt);
}

TEST(ParseIso8601, DayZeroRejected) {
  EXPECT_EQ(parse_iso8601("2016-11-00T00:00:00"), std::nullopt);
}

TEST(ParseIso8601, MonthZeroRejected) {
  EXPECT_EQ(parse_iso8601("2016-00-01T00:00:00"), std::nullopt);
}

TEST(ParseIso8601, MonthThirteenRejected) {
  EXPECT_EQ(parse_iso8601("2016-13-01T00:00:00"), std::nullopt);
}

TEST(ParseIso8601, HourTwentyFourRejected) {
  EXPECT_EQ(parse_iso8601("2016-11-02T24:00:00"), std::nullopt);
}

TEST(ParseIso8601, MinuteSixtyRejected) {
  EXPECT_EQ(parse_iso8601("2016-11-02T12:60:00"), std::nullopt);
}

TEST(ParseIso8601, LeapSecondRejected) {
  EXPECT_EQ(parse_iso8601("2016-12-31T23:59:60"), std::nullopt);
}

TEST(ParseIso8601, TrailingJunkRejected) {
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05x"), std::nullopt);
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05 "), std::nullopt);
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05.1x"), std::nullopt);
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05ZZ"), std::nullopt);
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05+02:00Z"), std::nullopt);
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05+02:00:00"), std::nullopt);
}

TEST(ParseIso8601, LeadingWhitespaceRejected) {
  EXPECT_EQ(parse_iso8601(" 2016-11-02T12:48:05"), std::nullopt);
}

TEST(ParseIso8601, SignedYearRejected) {
  EXPECT_EQ(parse_iso8601("-2016-11-02T12:48:05"), std::nullopt);
  EXPECT_EQ(parse_iso8601("+2016-11-02T12:48:05"), std::nullopt);
}

TEST(ParseIso8601, FiveDigitYearRejected) {
  EXPECT_EQ(parse_iso8601("12016-11-02T12:48:05"), std::nullopt);
}

TEST(ParseIso8601, EmbeddedNulAtEndRejected) {
  const std::string s("2016-11-02T12:48:05\0", 20);
  ASSERT_EQ(s.size(), 20u);
  EXPECT_EQ(parse_iso8601(s), std::nullopt);
}

TEST(ParseIso8601, EmbeddedNulInsideRejected) {
  std::string s = "2016-11-02T12:48:05";
  s[15] = '\0';
  EXPECT_EQ(parse_iso8601(s), std::nullopt);
  std::string f = "2016-11-02T12:48:05.123";
  f[21] = '\0';
  EXPECT_EQ(parse_iso8601(f), std::nullopt);
}

TEST(ParseIso8601, NonDigitsInFieldsRejected) {
  EXPECT_EQ(parse_iso8601("201x-11-02T12:48:05"), std::nullopt);
  EXPECT_EQ(parse_iso8601("2016-1a-02T12:48:05"), std::nullopt);
  EXPECT_EQ(parse_iso8601("2016-11-0bT12:48:05"), std::nullopt);
  EXPECT_EQ(parse_iso8601("2016-11-02T1c:48:05"), std::nullopt);
  EXPECT_EQ(parse_iso8601("2016-11-02T12:4d:05"), std::nullopt);
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:0e"), std::nullopt);
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:-5"), std::nullopt);
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05+0x:00"), std::nullopt);
}

TEST(ParseIso8601, FullwidthOrHighBytesRejected) {
  // "２" (U+FF12) in place of the first year digit.
  EXPECT_EQ(parse_iso8601("\xef\xbc\x92"
                          "016-11-02T12:48:05"),
            std::nullopt);
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05\xff"), std::nullopt);
}

TEST(ParseIso8601, OffsetWithHoursOnlyRejected) {
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05+02"), std::nullopt);
}

TEST(ParseIso8601, OffsetWithOneDigitPartsRejected) {
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05+2:00"), std::nullopt);
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05+02:0"), std::nullopt);
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05+020"), std::nullopt);
}

TEST(ParseIso8601, OffsetSignAloneRejected) {
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05+"), std::nullopt);
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05-"), std::nullopt);
}

TEST(ParseIso8601, OffsetHourTwentyFourRejected) {
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05+24:00"), std::nullopt);
}

TEST(ParseIso8601, OffsetMinuteSixtyRejected) {
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05+02:60"), std::nullopt);
}

TEST(ParseIso8601, UnknownZoneLetterRejected) {
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05A"), std::nullopt);
  EXPECT_EQ(parse_iso8601("2016-11-02T12:48:05 UTC"), std::nullopt);
}

// ---------------------------------------------------------------------------
// parse_iso_date

TEST(ParseIsoDate, Epoch) { EXPECT_EQ(parse_iso_date("1970-01-01"), 0); }

TEST(ParseIsoDate, SourceDataDate) { EXPECT_EQ(parse_iso_date("2016-11-02"), 17107); }

TEST(ParseIsoDate, DayBeforeEpoch) { EXPECT_EQ(parse_iso_date("1969-12-31"), -1); }

TEST(ParseIsoDate, LeapDayAccepted) { EXPECT_EQ(parse_iso_date("2000-02-29"), 11016); }

TEST(ParseIsoDate, LeapDayOfCommonYearRejected) {
  EXPECT_EQ(parse_iso_date("2017-02-29"), std::nullopt);
}

TEST(ParseIsoDate, FebruaryThirtiethRejected) {
  EXPECT_EQ(parse_iso_date("2016-02-30"), std::nullopt);
}

TEST(ParseIsoDate, MonthThirteenRejected) { EXPECT_EQ(parse_iso_date("2016-13-01"), std::nullopt); }

TEST(ParseIsoDate, EmptyRejected) { EXPECT_EQ(parse_iso_date(""), std::nullopt); }

TEST(ParseIsoDate, TimestampRejected) {
  EXPECT_EQ(parse_iso_date("2016-11-02T00:00:00"), std::nullopt);
}

TEST(ParseIsoDate, TrailingCharacterRejected) {
  EXPECT_EQ(parse_iso_date("2016-11-02 "), std::nullopt);
  EXPECT_EQ(parse_iso_date(std::string("2016-11-02\0", 11)), std::nullopt);
}

TEST(ParseIsoDate, ShortFormRejected) {
  EXPECT_EQ(parse_iso_date("2016-11-2"), std::nullopt);
  EXPECT_EQ(parse_iso_date("20161102"), std::nullopt);
}

TEST(ParseIsoDate, WrongSeparatorRejected) {
  EXPECT_EQ(parse_iso_date("2016/11/02"), std::nullopt);
}

TEST(ParseIsoDate, NonDigitRejected) { EXPECT_EQ(parse_iso_date("2016-1O-02"), std::nullopt); }

// ---------------------------------------------------------------------------
// format_iso8601

TEST(FormatIso8601, EpochWhenNonZero) { EXPECT_EQ(format_iso8601(0), "1970-01-01T00:00:00"); }

TEST(FormatIso8601, WholeSecondsOmitFractionByDefault) {
  EXPECT_EQ(format_iso8601(kSample), "2016-11-02T12:48:05");
}

TEST(FormatIso8601, WhenNonZeroWritesSixDigits) {
  EXPECT_EQ(format_iso8601(kSample + 123), "2016-11-02T12:48:05.000123");
  EXPECT_EQ(format_iso8601(kSample + 100000), "2016-11-02T12:48:05.100000");
}

TEST(FormatIso8601, AlwaysMicrosWritesZeroFraction) {
  EXPECT_EQ(format_iso8601(kSample, FractionStyle::kAlwaysMicros), "2016-11-02T12:48:05.000000");
}

TEST(FormatIso8601, AlwaysMicrosWritesNonZeroFraction) {
  EXPECT_EQ(format_iso8601(kSample + 999999, FractionStyle::kAlwaysMicros),
            "2016-11-02T12:48:05.999999");
}

TEST(FormatIso8601, NeverDropsFraction) {
  EXPECT_EQ(format_iso8601(kSample + 999999, FractionStyle::kNever), "2016-11-02T12:48:05");
}

TEST(FormatIso8601, NeverWithWholeSeconds) {
  EXPECT_EQ(format_iso8601(kSample, FractionStyle::kNever), "2016-11-02T12:48:05");
}

TEST(FormatIso8601, ZuluAfterSeconds) {
  EXPECT_EQ(format_iso8601(kSample, FractionStyle::kWhenNonZero, true), "2016-11-02T12:48:05Z");
  EXPECT_EQ(format_iso8601(kSample, FractionStyle::kNever, true), "2016-11-02T12:48:05Z");
}

TEST(FormatIso8601, ZuluAfterFraction) {
  EXPECT_EQ(format_iso8601(kSample + 5, FractionStyle::kWhenNonZero, true),
            "2016-11-02T12:48:05.000005Z");
  EXPECT_EQ(format_iso8601(kSample, FractionStyle::kAlwaysMicros, true),
            "2016-11-02T12:48:05.000000Z");
}

TEST(FormatIso8601, MinusOneMicro) { EXPECT_EQ(format_iso8601(-1), "1969-12-31T23:59:59.999999"); }

TEST(FormatIso8601, MinusOneMicroWithoutFraction) {
  EXPECT_EQ(format_iso8601(-1, FractionStyle::kNever), "1969-12-31T23:59:59");
}

TEST(FormatIso8601, MinusOneSecond) {
  EXPECT_EQ(format_iso8601(-kMicrosPerSecond), "1969-12-31T23:59:59");
}

TEST(FormatIso8601, MinusOneDayExactly) {
  EXPECT_EQ(format_iso8601(-kMicrosPerDay), "1969-12-31T00:00:00");
}

TEST(FormatIso8601, PreEpochWithFraction) {
  EXPECT_EQ(format_iso8601(int64_t{-301249800} * kMicrosPerSecond + 250000),
            "1960-06-15T07:30:00.250000");
}

TEST(FormatIso8601, YearZeroHasFourDigits) {
  EXPECT_EQ(format_iso8601(days_from_civil(0, 1, 1) * kMicrosPerDay), "0000-01-01T00:00:00");
}

TEST(FormatIso8601, Year9999HasFourDigits) {
  EXPECT_EQ(format_iso8601(2932897 * kMicrosPerDay - 1), "9999-12-31T23:59:59.999999");
}

TEST(FormatIso8601, Year10000IsSigned) {
  EXPECT_EQ(format_iso8601(days_from_civil(10000, 1, 1) * kMicrosPerDay), "+10000-01-01T00:00:00");
}

TEST(FormatIso8601, YearMinusOneIsSignedAndPadded) {
  EXPECT_EQ(format_iso8601(days_from_civil(-1, 12, 31) * kMicrosPerDay), "-0001-12-31T00:00:00");
}

TEST(FormatIso8601, YearMinus10000IsSigned) {
  EXPECT_EQ(format_iso8601(days_from_civil(-10000, 3, 4) * kMicrosPerDay + 1),
            "-10000-03-04T00:00:00.000001");
}

TEST(FormatIso8601, Int64Max) {
  // Checked with Python integer arithmetic over 400-year cycles.
  EXPECT_EQ(format_iso8601(kInt64Max), "+294247-01-10T04:00:54.775807");
}

TEST(FormatIso8601, Int64Min) {
  EXPECT_EQ(format_iso8601(kInt64Min), "-290308-12-21T19:59:05.224192");
}

TEST(AppendIso8601, AppendsToExistingText) {
  std::string out = "at ";
  append_iso8601(out, kSample, FractionStyle::kNever, true);
  EXPECT_EQ(out, "at 2016-11-02T12:48:05Z");
}

TEST(FormatIsoDate, Epoch) { EXPECT_EQ(format_iso_date(0), "1970-01-01"); }

TEST(FormatIsoDate, MinusOne) { EXPECT_EQ(format_iso_date(-1), "1969-12-31"); }

TEST(FormatIsoDate, LeapDay) { EXPECT_EQ(format_iso_date(11016), "2000-02-29"); }

TEST(FormatIsoDate, YearsOutsideFourDigits) {
  EXPECT_EQ(format_iso_date(days_from_civil(12345, 6, 7)), "+12345-06-07");
  EXPECT_EQ(format_iso_date(days_from_civil(-44, 3, 15)), "-0044-03-15");
}

TEST(AppendIsoDate, AppendsToExistingText) {
  std::string out = "d=";
  append_iso_date(out, 17107);
  EXPECT_EQ(out, "d=2016-11-02");
}

// ---------------------------------------------------------------------------
// round trips

TEST(Iso8601RoundTrip, FixedStrings) {
  const char* const cases[] = {
      "1970-01-01T00:00:00",        "2016-11-02T12:48:05",        "2016-11-02T12:48:05.000001",
      "2016-11-02T12:48:05.999999", "2016-02-29T23:59:59.500000", "1969-12-31T23:59:59.999999",
      "1900-03-01T00:00:00",        "0000-01-01T00:00:00",        "0001-01-01T00:00:00.000001",
      "9999-12-31T23:59:59.999999", "2038-01-19T03:14:08",        "1582-10-15T12:00:00",
  };
  for (const char* text : cases) {
    const std::optional<int64_t> micros = parse_iso8601(text);
    ASSERT_TRUE(micros.has_value()) << text;
    EXPECT_EQ(format_iso8601(*micros), text);
  }
}

// Steps through years 0..9999 by an odd stride so that every field and the
// fraction vary; checks format→parse and parse→format.
TEST(Iso8601RoundTrip, StridedInstantsOverYears0To9999) {
  const int64_t first = *parse_iso8601("0000-01-01T00:00:00");
  const int64_t last = *parse_iso8601("9999-12-31T23:59:59.999999");
  const int64_t stride = 3'155'695'200'001;  // ~36.5 days plus a little
  int failures = 0;
  int64_t count = 0;
  for (int64_t m = first; m <= last && failures < 10; m += stride, ++count) {
    for (const FractionStyle style : {FractionStyle::kWhenNonZero, FractionStyle::kAlwaysMicros}) {
      const std::string text = format_iso8601(m, style);
      const std::optional<int64_t> back = parse_iso8601(text);
      if (back != m) {
        ADD_FAILURE() << m << " -> " << text << " -> " << (back ? *back : -1);
        ++failures;
      }
      const std::string zulu = format_iso8601(m, style, true);
      if (parse_iso8601(zulu) != m || format_iso8601(*parse_iso8601(text), style) != text) {
        ADD_FAILURE() << m << " -> " << zulu;
        ++failures;
      }
    }
  }
  EXPECT_GT(count, 99000);
}

TEST(IsoDateRoundTrip, EveryDayOfYears0To9999) {
  const int64_t first = days_from_civil(0, 1, 1);
  const int64_t last = days_from_civil(9999, 12, 31);
  int failures = 0;
  for (int64_t d = first; d <= last && failures < 10; ++d) {
    const std::string text = format_iso_date(d);
    if (parse_iso_date(text) != d) {
      ADD_FAILURE() << d << " -> " << text;
      ++failures;
    }
  }
}

}  // namespace
}  // namespace medallion::util
