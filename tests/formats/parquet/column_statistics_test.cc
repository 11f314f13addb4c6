// Column statistics: the type-defined orders (signed integers, unsigned
// integers and byte arrays, IEEE floats without NaN), the signed zeros, the
// deprecated min/max pair, null counts and the 64-byte cap.
#include "formats/parquet/column_statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

namespace medallion::parquet {
namespace {

template <typename T>
std::string le(T v) {
  std::string out(sizeof(T), '\0');
  std::memcpy(out.data(), &v, sizeof(T));
  return out;
}

ColumnDescriptor column(Type type) {
  ColumnDescriptor c;
  c.path = {"c"};
  c.physical_type = type;
  return c;
}

TEST(ColumnStatisticsTest, Int32SignedOrderWithNegatives) {
  ColumnStatistics s(column(Type::kInt32));
  for (int32_t v : {5, -3, 17, -2147483647 - 1, 0}) s.add_int32(v);
  const Statistics st = s.to_statistics();
  EXPECT_EQ(st.min_value, le<int32_t>(INT32_MIN));
  EXPECT_EQ(st.max_value, le<int32_t>(17));
  EXPECT_EQ(st.min, st.min_value);  // the deprecated pair: signed types only
  EXPECT_EQ(st.max, st.max_value);
  EXPECT_EQ(st.null_count, 0);
  EXPECT_EQ(st.is_min_value_exact, true);
  EXPECT_EQ(st.is_max_value_exact, true);
}

TEST(ColumnStatisticsTest, Int64SignedOrderWithNegatives) {
  ColumnStatistics s(column(Type::kInt64));
  for (int64_t v : {int64_t{-1}, int64_t{1} << 40, INT64_MIN + 1, int64_t{7}}) s.add_int64(v);
  const Statistics st = s.to_statistics();
  EXPECT_EQ(st.min_value, le<int64_t>(INT64_MIN + 1));
  EXPECT_EQ(st.max_value, le<int64_t>(int64_t{1} << 40));
}

TEST(ColumnStatisticsTest, Uint32AnnotationComparesUnsignedAndDropsDeprecatedPair) {
  ColumnDescriptor c = column(Type::kInt32);
  c.converted_type = ConvertedType::kUint32;
  ASSERT_EQ(sort_order_of(c), SortOrder::kUnsigned);
  ColumnStatistics s(c);
  for (int32_t v : {1, -1, 100}) s.add_int32(v);  // -1 is 4294967295
  const Statistics st = s.to_statistics();
  EXPECT_EQ(st.min_value, le<int32_t>(1));
  EXPECT_EQ(st.max_value, le<int32_t>(-1));
  EXPECT_FALSE(st.min.has_value());
  EXPECT_FALSE(st.max.has_value());
}

TEST(ColumnStatisticsTest, UnsignedInt64LogicalTypeComparesUnsigned) {
  ColumnDescriptor c = column(Type::kInt64);
  c.logical_type = LogicalType::integer(64, false);
  ColumnStatistics s(c);
  for (int64_t v : {int64_t{3}, int64_t{-5}, int64_t{2}}) s.add_int64(v);
  const Statistics st = s.to_statistics();
  EXPECT_EQ(st.min_value, le<int64_t>(2));
  EXPECT_EQ(st.max_value, le<int64_t>(-5));
}

TEST(ColumnStatisticsTest, StringsCompareUnsignedBytewise) {
  ColumnStatistics s(column(Type::kByteArray));
  // 0xC3 (start of "é" in UTF-8) sorts after every ASCII byte unsigned, and
  // before it if bytes were signed.
  for (const char* v : {"b", "\xc3\xa9t\xc3\xa9", "a", "ab", "Z"}) s.add_bytes(v);
  const Statistics st = s.to_statistics();
  EXPECT_EQ(st.min_value, "Z");
  EXPECT_EQ(st.max_value, "\xc3\xa9t\xc3\xa9");
  EXPECT_FALSE(st.min.has_value());  // byte arrays: no deprecated signed pair
  EXPECT_FALSE(st.max.has_value());
}

TEST(ColumnStatisticsTest, EmptyStringIsTheMinimum) {
  ColumnStatistics s(column(Type::kByteArray));
  s.add_bytes("x");
  s.add_bytes("");
  EXPECT_EQ(s.to_statistics().min_value, "");
  EXPECT_EQ(s.to_statistics().max_value, "x");
}

TEST(ColumnStatisticsTest, PrefixSortsBeforeLongerString) {
  ColumnStatistics s(column(Type::kByteArray));
  s.add_bytes("abc");
  s.add_bytes("ab");
  s.add_bytes(std::string("ab\0", 3));
  EXPECT_EQ(s.to_statistics().min_value, "ab");
  EXPECT_EQ(s.to_statistics().max_value, "abc");
}

TEST(ColumnStatisticsTest, DoubleNaNIsIgnored) {
  ColumnStatistics s(column(Type::kDouble));
  s.add_double(std::nan(""));
  s.add_double(2.5);
  s.add_double(-1.0);
  s.add_double(std::nan(""));
  const Statistics st = s.to_statistics();
  EXPECT_EQ(st.min_value, le<double>(-1.0));
  EXPECT_EQ(st.max_value, le<double>(2.5));
}

TEST(ColumnStatisticsTest, OnlyNaNsGiveNoBounds) {
  ColumnStatistics s(column(Type::kFloat));
  s.add_float(std::numeric_limits<float>::quiet_NaN());
  const Statistics st = s.to_statistics();
  EXPECT_FALSE(st.min_value.has_value());
  EXPECT_FALSE(st.max_value.has_value());
  EXPECT_EQ(st.null_count, 0);
}

TEST(ColumnStatisticsTest, ZeroMinIsNegativeZeroAndZeroMaxIsPositiveZero) {
  ColumnStatistics s(column(Type::kDouble));
  s.add_double(0.0);
  s.add_double(-0.0);
  const Statistics st = s.to_statistics();
  EXPECT_EQ(st.min_value, le<double>(-0.0));
  EXPECT_EQ(st.max_value, le<double>(0.0));
}

TEST(ColumnStatisticsTest, FloatZeroBoundsAreSigned) {
  ColumnStatistics s(column(Type::kFloat));
  s.add_float(0.0f);
  s.add_float(3.0f);
  const Statistics st = s.to_statistics();
  EXPECT_EQ(st.min_value, le<float>(-0.0f));
  EXPECT_EQ(st.max_value, le<float>(3.0f));
}

TEST(ColumnStatisticsTest, InfinitiesAreBounds) {
  ColumnStatistics s(column(Type::kDouble));
  s.add_double(-INFINITY);
  s.add_double(1.0);
  EXPECT_EQ(s.to_statistics().min_value, le<double>(-INFINITY));
}

TEST(ColumnStatisticsTest, AllNullColumnHasNullCountButNoBounds) {
  ColumnStatistics s(column(Type::kInt32));
  s.add_nulls(3);
  s.add_nulls(2);
  const Statistics st = s.to_statistics();
  EXPECT_EQ(st.null_count, 5);
  EXPECT_FALSE(st.min_value.has_value());
  EXPECT_FALSE(st.max_value.has_value());
  EXPECT_FALSE(st.min.has_value());
  EXPECT_FALSE(st.max.has_value());
}

TEST(ColumnStatisticsTest, BooleanBounds) {
  ColumnStatistics s(column(Type::kBoolean));
  s.add_bool(true);
  s.add_bool(true);
  Statistics st = s.to_statistics();
  EXPECT_EQ(st.min_value, std::string(1, '\1'));
  EXPECT_EQ(st.max_value, std::string(1, '\1'));
  s.add_bool(false);
  st = s.to_statistics();
  EXPECT_EQ(st.min_value, std::string(1, '\0'));
  EXPECT_EQ(st.min, std::string(1, '\0'));
}

TEST(ColumnStatisticsTest, ValueLongerThan64BytesIsOmitted) {
  ColumnStatistics s(column(Type::kByteArray));
  s.add_bytes("a");
  s.add_bytes(std::string(65, 'z'));
  const Statistics st = s.to_statistics();
  EXPECT_EQ(st.min_value, "a");
  EXPECT_FALSE(st.max_value.has_value());
  EXPECT_FALSE(st.is_max_value_exact.has_value());
}

TEST(ColumnStatisticsTest, ValueOf64BytesIsKept) {
  ColumnStatistics s(column(Type::kByteArray));
  s.add_bytes(std::string(64, 'z'));
  EXPECT_EQ(s.to_statistics().max_value, std::string(64, 'z'));
}

TEST(ColumnStatisticsTest, DecimalBytesAndInt96HaveNoBounds) {
  ColumnDescriptor d = column(Type::kFixedLenByteArray);
  d.type_length = 4;
  d.logical_type = LogicalType::decimal(2, 9);
  EXPECT_EQ(sort_order_of(d), SortOrder::kUnknown);
  ColumnStatistics s(d);
  s.add_bytes("\xff\xff\xff\xff");
  s.add_nulls(1);
  const Statistics st = s.to_statistics();
  EXPECT_FALSE(st.min_value.has_value());
  EXPECT_EQ(st.null_count, 1);
  EXPECT_EQ(sort_order_of(column(Type::kInt96)), SortOrder::kUnknown);
}

TEST(ColumnStatisticsTest, MergeKeepsTheWiderBoundsAndAddsNulls) {
  ColumnStatistics a(column(Type::kInt64));
  ColumnStatistics b(column(Type::kInt64));
  a.add_int64(5);
  a.add_nulls(1);
  b.add_int64(-9);
  b.add_int64(2);
  b.add_nulls(2);
  a.merge(b);
  const Statistics st = a.to_statistics();
  EXPECT_EQ(st.min_value, le<int64_t>(-9));
  EXPECT_EQ(st.max_value, le<int64_t>(5));
  EXPECT_EQ(st.null_count, 3);
}

TEST(ColumnStatisticsTest, ResetForgetsEverything) {
  ColumnStatistics s(column(Type::kByteArray));
  s.add_bytes("q");
  s.add_nulls(4);
  s.reset();
  EXPECT_FALSE(s.has_min_max());
  EXPECT_EQ(s.to_statistics().null_count, 0);
  s.add_bytes("r");
  EXPECT_EQ(s.to_statistics().min_value, "r");
}

}  // namespace
}  // namespace medallion::parquet
