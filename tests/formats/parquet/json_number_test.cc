// JSON numbers: every branch of the ECMAScript layout, its boundaries,
// float digits that are shortest for binary32, and the special values.
#include "formats/parquet/json_number.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>

namespace medallion::parquet {
namespace {

std::string d(double v) {
  std::string out;
  append_json_double(v, &out);
  return out;
}

std::string f(float v) {
  std::string out;
  append_json_float(v, &out);
  return out;
}

TEST(JsonNumber, IntegralDoubleHasNoFraction) { EXPECT_EQ(d(10.0), "10"); }
TEST(JsonNumber, IntegralDoubleWithTrailingZeros) { EXPECT_EQ(d(100.0), "100"); }
TEST(JsonNumber, OneDigit) { EXPECT_EQ(d(7.0), "7"); }
TEST(JsonNumber, FractionWithIntegerPart) { EXPECT_EQ(d(1.5), "1.5"); }
TEST(JsonNumber, FractionKeepsShortestDigits) {
  EXPECT_EQ(d(702702.6900000001), "702702.6900000001");
}
TEST(JsonNumber, SumShowsRoundingError) { EXPECT_EQ(d(0.1 + 0.2), "0.30000000000000004"); }
TEST(JsonNumber, Half) { EXPECT_EQ(d(0.5), "0.5"); }
TEST(JsonNumber, SmallFractionWithLeadingZeros) { EXPECT_EQ(d(0.000123), "0.000123"); }
TEST(JsonNumber, MillionthIsLastFixedLayout) { EXPECT_EQ(d(0.000001), "0.000001"); }
TEST(JsonNumber, MillionthWithTwoDigits) { EXPECT_EQ(d(0.0000015), "0.0000015"); }
TEST(JsonNumber, TenMillionthIsExponential) { EXPECT_EQ(d(1e-7), "1e-7"); }
TEST(JsonNumber, ExponentialWithFraction) { EXPECT_EQ(d(1.5e-7), "1.5e-7"); }
TEST(JsonNumber, NegativeTwoDigitExponent) { EXPECT_EQ(d(-1.5e-10), "-1.5e-10"); }
TEST(JsonNumber, TwentyOneDigitsStayIntegral) { EXPECT_EQ(d(1e20), "100000000000000000000"); }
TEST(JsonNumber, TwentyOneDigitsWithSignificantPrefix) {
  EXPECT_EQ(d(123456789012345680000.0), "123456789012345680000");
}
TEST(JsonNumber, TwentyTwoDigitsAreExponential) { EXPECT_EQ(d(1e21), "1e+21"); }
TEST(JsonNumber, TwentyTwoDigitsWithFraction) { EXPECT_EQ(d(1.5e21), "1.5e+21"); }
TEST(JsonNumber, LargestDouble) {
  EXPECT_EQ(d(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
}
TEST(JsonNumber, SmallestSubnormalDouble) {
  EXPECT_EQ(d(std::numeric_limits<double>::denorm_min()), "5e-324");
}
TEST(JsonNumber, TwoToThe53) { EXPECT_EQ(d(9007199254740992.0), "9007199254740992"); }
TEST(JsonNumber, NegativeValue) { EXPECT_EQ(d(-234234.23), "-234234.23"); }
TEST(JsonNumber, PositiveZero) { EXPECT_EQ(d(0.0), "0"); }
TEST(JsonNumber, NegativeZero) { EXPECT_EQ(d(-0.0), "-0.0"); }
TEST(JsonNumber, NaNIsQuotedString) { EXPECT_EQ(d(std::nan("")), "\"NaN\""); }
TEST(JsonNumber, InfinityIsQuotedString) {
  EXPECT_EQ(d(std::numeric_limits<double>::infinity()), "\"Infinity\"");
}
TEST(JsonNumber, NegativeInfinityIsQuotedString) {
  EXPECT_EQ(d(-std::numeric_limits<double>::infinity()), "\"-Infinity\"");
}
TEST(JsonNumber, AppendsWithoutClearing) {
  std::string out = "[";
  append_json_double(2.5, &out);
  out.push_back(',');
  append_json_float(2.5f, &out);
  EXPECT_EQ(out, "[2.5,2.5");
}

TEST(JsonNumber, FloatUsesBinary32ShortestDigits) { EXPECT_EQ(f(1.1f), "1.1"); }
TEST(JsonNumber, FloatTenth) { EXPECT_EQ(f(0.1f), "0.1"); }
TEST(JsonNumber, FloatFromFixture) { EXPECT_EQ(f(0.234f), "0.234"); }
TEST(JsonNumber, FloatMax) { EXPECT_EQ(f(std::numeric_limits<float>::max()), "3.4028235e+38"); }
TEST(JsonNumber, FloatSmallestSubnormal) {
  EXPECT_EQ(f(std::numeric_limits<float>::denorm_min()), "1e-45");
}
TEST(JsonNumber, FloatTwoToThe24) { EXPECT_EQ(f(16777216.0f), "16777216"); }
TEST(JsonNumber, FloatNegativeZero) { EXPECT_EQ(f(-0.0f), "-0.0"); }
TEST(JsonNumber, FloatNaN) { EXPECT_EQ(f(std::numeric_limits<float>::quiet_NaN()), "\"NaN\""); }
TEST(JsonNumber, FloatNegativeInfinity) {
  EXPECT_EQ(f(-std::numeric_limits<float>::infinity()), "\"-Infinity\"");
}

// Whatever the layout, the text parses back to the same value.
TEST(JsonNumber, RandomDoublesRoundTrip) {
  std::mt19937_64 rng(17);
  for (int i = 0; i < 20000; ++i) {
    const uint64_t bits = rng();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    if (!std::isfinite(v) || v == 0) continue;
    const std::string s = d(v);
    ASSERT_EQ(std::strtod(s.c_str(), nullptr), v) << s;
    ASSERT_EQ(s.find(".0e"), std::string::npos) << s;
  }
}

TEST(JsonNumber, RandomFloatsRoundTrip) {
  std::mt19937 rng(23);
  for (int i = 0; i < 20000; ++i) {
    const uint32_t bits = rng();
    float v;
    std::memcpy(&v, &bits, sizeof v);
    if (!std::isfinite(v) || v == 0) continue;
    const std::string s = f(v);
    ASSERT_EQ(std::strtof(s.c_str(), nullptr), v) << s;
  }
}

}  // namespace
}  // namespace medallion::parquet
