// Canonical JSON of Parquet values: one test per rule of the fixtures'
// rendering convention (testdata/parquet/MANIFEST.json), on hand-made
// descriptors and arrays.
#include "formats/parquet/value_json.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "util/json_writer.h"

namespace medallion::parquet {
namespace {

// ------------------------------------------------------------------ helpers --

ColumnDescriptor column(Type type, std::optional<ConvertedType> converted = std::nullopt,
                        std::optional<LogicalType> logical = std::nullopt,
                        int32_t type_length = 0) {
  ColumnDescriptor c;
  c.path = {"c"};
  c.physical_type = type;
  c.converted_type = converted;
  c.logical_type = logical;
  c.type_length = type_length;
  return c;
}

ColumnDescriptor decimal_column(Type type, int32_t precision, int32_t scale,
                                int32_t type_length = 0) {
  ColumnDescriptor c =
      column(type, ConvertedType::kDecimal, LogicalType::decimal(scale, precision), type_length);
  c.precision = precision;
  c.scale = scale;
  return c;
}

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int v : b) s.push_back(static_cast<char>(v));
  return s;
}

std::string unhex(std::string_view hex) {
  std::string s;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    s.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return s;
}

LeafValues i32s(std::initializer_list<int32_t> v) {
  LeafValues l(Type::kInt32);
  l.i32 = v;
  return l;
}

LeafValues i64s(std::initializer_list<int64_t> v) {
  LeafValues l(Type::kInt64);
  l.i64 = v;
  return l;
}

LeafValues byte_values(Type type, std::initializer_list<std::string> v) {
  LeafValues l(type);
  for (const auto& s : v) l.bytes.append(s);
  return l;
}

LeafValues int96(uint64_t nanos, uint32_t julian_day) {
  LeafValues l(Type::kInt96);
  Int96 v;
  for (size_t b = 0; b < 8; ++b) v.bytes[b] = static_cast<uint8_t>(nanos >> (8 * b));
  for (size_t b = 0; b < 4; ++b) v.bytes[8 + b] = static_cast<uint8_t>(julian_day >> (8 * b));
  l.i96.push_back(v);
  return l;
}

std::string leaf(const ColumnDescriptor& c, const LeafValues& v, size_t i = 0) {
  std::string out;
  append_leaf_json(c, v, i, &out);
  return out;
}

std::string i32_as(std::optional<ConvertedType> ct, std::optional<LogicalType> lt, int32_t v) {
  return leaf(column(Type::kInt32, ct, lt), i32s({v}));
}

std::string i64_as(std::optional<ConvertedType> ct, std::optional<LogicalType> lt, int64_t v) {
  return leaf(column(Type::kInt64, ct, lt), i64s({v}));
}

std::string json_string(std::string_view s) {
  std::string out;
  util::append_json_string(out, s);
  return out;
}

constexpr int64_t kMaxSafe = (int64_t{1} << 53) - 1;

// ----------------------------------------------------------------- integers --

TEST(ValueJsonInteger, BooleanTrueAndFalse) {
  LeafValues v(Type::kBoolean);
  v.bools = {1, 0};
  const auto c = column(Type::kBoolean);
  EXPECT_EQ(leaf(c, v, 0), "true");
  EXPECT_EQ(leaf(c, v, 1), "false");
}

TEST(ValueJsonInteger, Int32MinIsPlainNumber) {
  EXPECT_EQ(i32_as({}, {}, std::numeric_limits<int32_t>::min()), "-2147483648");
}

TEST(ValueJsonInteger, Int64AtSafeMaxIsNumber) {
  EXPECT_EQ(i64_as({}, {}, kMaxSafe), "9007199254740991");
}

TEST(ValueJsonInteger, Int64AboveSafeMaxIsString) {
  EXPECT_EQ(i64_as({}, {}, kMaxSafe + 1), "\"9007199254740992\"");
}

TEST(ValueJsonInteger, Int64AtNegativeSafeMaxIsNumber) {
  EXPECT_EQ(i64_as({}, {}, -kMaxSafe), "-9007199254740991");
}

TEST(ValueJsonInteger, Int64BelowNegativeSafeMaxIsString) {
  EXPECT_EQ(i64_as({}, {}, -kMaxSafe - 1), "\"-9007199254740992\"");
}

TEST(ValueJsonInteger, Int64MaxIsString) {
  EXPECT_EQ(i64_as({}, {}, std::numeric_limits<int64_t>::max()), "\"9223372036854775807\"");
}

TEST(ValueJsonInteger, Int64MinIsString) {
  EXPECT_EQ(i64_as({}, {}, std::numeric_limits<int64_t>::min()), "\"-9223372036854775808\"");
}

TEST(ValueJsonInteger, Uint64MaxIsUnsignedString) {
  EXPECT_EQ(i64_as(ConvertedType::kUint64, {}, -1), "\"18446744073709551615\"");
}

TEST(ValueJsonInteger, Uint64SmallIsNumber) {
  EXPECT_EQ(i64_as(ConvertedType::kUint64, {}, 42), "42");
}

TEST(ValueJsonInteger, Uint64JustAboveSafeIsString) {
  EXPECT_EQ(i64_as(ConvertedType::kUint64, {}, kMaxSafe + 1), "\"9007199254740992\"");
}

TEST(ValueJsonInteger, Uint32FromNegativeStorage) {
  EXPECT_EQ(i32_as(ConvertedType::kUint32, {}, -1), "4294967295");
}

TEST(ValueJsonInteger, Uint16FromStorage) {
  EXPECT_EQ(i32_as(ConvertedType::kUint16, {}, 65535), "65535");
}

TEST(ValueJsonInteger, Uint8KeepsLowBits) {
  EXPECT_EQ(i32_as(ConvertedType::kUint8, {}, -1), "255");
}

TEST(ValueJsonInteger, Int8Negative) {
  EXPECT_EQ(i32_as(ConvertedType::kInt8, LogicalType::integer(8, true), -128), "-128");
}

TEST(ValueJsonInteger, Int16Negative) {
  EXPECT_EQ(i32_as(ConvertedType::kInt16, LogicalType::integer(16, true), -32768), "-32768");
}

TEST(ValueJsonInteger, LogicalUnsigned32WithoutConvertedType) {
  EXPECT_EQ(i32_as({}, LogicalType::integer(32, false), std::numeric_limits<int32_t>::min()),
            "2147483648");
}

TEST(ValueJsonInteger, LogicalUnsigned64WithoutConvertedType) {
  EXPECT_EQ(i64_as({}, LogicalType::integer(64, false), std::numeric_limits<int64_t>::min()),
            "\"9223372036854775808\"");
}

TEST(ValueJsonInteger, LogicalSigned64) {
  EXPECT_EQ(i64_as(ConvertedType::kInt64, LogicalType::integer(64, true), -5), "-5");
}

TEST(ValueJsonInteger, LogicalTypeWinsOverConvertedType) {
  // INTEGER(32, unsigned) with a (contradictory) INT_32: the logical type rules.
  EXPECT_EQ(i32_as(ConvertedType::kInt32, LogicalType::integer(32, false), -2), "4294967294");
}

TEST(ValueJsonInteger, AnnotationThatDoesNotFitStorageIsIgnored) {
  // DATE on INT64 is not a valid schema; the value is shown as what it is.
  EXPECT_EQ(i64_as(ConvertedType::kDate, LogicalType::of(LogicalTypeKind::kDate), 3), "3");
}

// ------------------------------------------------------------------- floats --

TEST(ValueJsonFloat, FloatColumnUsesBinary32Digits) {
  LeafValues v(Type::kFloat);
  v.f32 = {1.1f};
  EXPECT_EQ(leaf(column(Type::kFloat), v), "1.1");
}

TEST(ValueJsonFloat, FloatMax) {
  LeafValues v(Type::kFloat);
  v.f32 = {std::numeric_limits<float>::max()};
  EXPECT_EQ(leaf(column(Type::kFloat), v), "3.4028235e+38");
}

TEST(ValueJsonFloat, DoubleColumn) {
  LeafValues v(Type::kDouble);
  v.f64 = {702702.6900000001};
  EXPECT_EQ(leaf(column(Type::kDouble), v), "702702.6900000001");
}

TEST(ValueJsonFloat, DoubleNegativeZero) {
  LeafValues v(Type::kDouble);
  v.f64 = {-0.0};
  EXPECT_EQ(leaf(column(Type::kDouble), v), "-0.0");
}

TEST(ValueJsonFloat, DoubleNaN) {
  LeafValues v(Type::kDouble);
  v.f64 = {std::numeric_limits<double>::quiet_NaN()};
  EXPECT_EQ(leaf(column(Type::kDouble), v), "\"NaN\"");
}

std::string float16(int lo, int hi) {
  return leaf(column(Type::kFixedLenByteArray, {}, LogicalType::of(LogicalTypeKind::kFloat16), 2),
              byte_values(Type::kFixedLenByteArray, {bytes({lo, hi})}));
}

TEST(ValueJsonFloat, Float16One) { EXPECT_EQ(float16(0x00, 0x3c), "1"); }
TEST(ValueJsonFloat, Float16MinusTwo) { EXPECT_EQ(float16(0x00, 0xc0), "-2"); }
TEST(ValueJsonFloat, Float16Max) { EXPECT_EQ(float16(0xff, 0x7b), "65504"); }
TEST(ValueJsonFloat, Float16OneThird) { EXPECT_EQ(float16(0x55, 0x35), "0.33325195"); }
TEST(ValueJsonFloat, Float16SmallestSubnormal) { EXPECT_EQ(float16(0x01, 0x00), "5.9604645e-8"); }
TEST(ValueJsonFloat, Float16NegativeZero) { EXPECT_EQ(float16(0x00, 0x80), "-0.0"); }
TEST(ValueJsonFloat, Float16Infinity) { EXPECT_EQ(float16(0x00, 0x7c), "\"Infinity\""); }
TEST(ValueJsonFloat, Float16NegativeInfinity) { EXPECT_EQ(float16(0x00, 0xfc), "\"-Infinity\""); }
TEST(ValueJsonFloat, Float16NaN) { EXPECT_EQ(float16(0x00, 0x7e), "\"NaN\""); }

TEST(ValueJsonFloat, Float16OnWrongWidthIsHex) {
  EXPECT_EQ(
      leaf(column(Type::kFixedLenByteArray, {}, LogicalType::of(LogicalTypeKind::kFloat16), 3),
           byte_values(Type::kFixedLenByteArray, {bytes({0, 0x3c, 1})})),
      "\"003c01\"");
}

// ----------------------------------------------------------------- decimals --

TEST(ValueJsonDecimal, Int32NegativeBelowOne) {
  EXPECT_EQ(leaf(decimal_column(Type::kInt32, 4, 2), i32s({-5})), "\"-0.05\"");
}

TEST(ValueJsonDecimal, Int32ScaleZero) {
  EXPECT_EQ(leaf(decimal_column(Type::kInt32, 4, 0), i32s({7})), "\"7\"");
}

TEST(ValueJsonDecimal, Int32ZeroKeepsScaleDigits) {
  EXPECT_EQ(leaf(decimal_column(Type::kInt32, 4, 2), i32s({0})), "\"0.00\"");
}

TEST(ValueJsonDecimal, Int32ValueEqualToScaleWidth) {
  EXPECT_EQ(leaf(decimal_column(Type::kInt32, 4, 2), i32s({12})), "\"0.12\"");
}

TEST(ValueJsonDecimal, Int64WithIntegerPart) {
  EXPECT_EQ(leaf(decimal_column(Type::kInt64, 10, 2), i64s({12352})), "\"123.52\"");
}

TEST(ValueJsonDecimal, Int64MinScaleZero) {
  EXPECT_EQ(leaf(decimal_column(Type::kInt64, 18, 0), i64s({std::numeric_limits<int64_t>::min()})),
            "\"-9223372036854775808\"");
}

TEST(ValueJsonDecimal, Int64ScaleAboveDigitCount) {
  EXPECT_EQ(leaf(decimal_column(Type::kInt64, 18, 12), i64s({-5925})), "\"-0.000000005925\"");
}

TEST(ValueJsonDecimal, ConvertedOnlyUsesDescriptorScale) {
  ColumnDescriptor c = column(Type::kInt32, ConvertedType::kDecimal);
  c.precision = 5;
  c.scale = 3;
  EXPECT_EQ(leaf(c, i32s({12345})), "\"12.345\"");
}

TEST(ValueJsonDecimal, FixedLen11FromFixture) {
  EXPECT_EQ(
      leaf(decimal_column(Type::kFixedLenByteArray, 25, 2, 11),
           byte_values(Type::kFixedLenByteArray, {bytes({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100})})),
      "\"1.00\"");
}

TEST(ValueJsonDecimal, FixedLenNegativeOne) {
  EXPECT_EQ(leaf(decimal_column(Type::kFixedLenByteArray, 25, 2, 11),
                 byte_values(Type::kFixedLenByteArray, {std::string(11, '\xff')})),
            "\"-0.01\"");
}

TEST(ValueJsonDecimal, FixedLenZero) {
  EXPECT_EQ(leaf(decimal_column(Type::kFixedLenByteArray, 25, 3, 11),
                 byte_values(Type::kFixedLenByteArray, {std::string(11, '\0')})),
            "\"0.000\"");
}

TEST(ValueJsonDecimal, FixedLen16LargestPrecision38) {
  // 10^38 - 1
  EXPECT_EQ(
      leaf(decimal_column(Type::kFixedLenByteArray, 38, 10, 16),
           byte_values(Type::kFixedLenByteArray, {unhex("4b3b4ca85a86c47a098a223fffffffff")})),
      "\"9999999999999999999999999999.9999999999\"");
}

TEST(ValueJsonDecimal, FixedLen16SmallestPrecision38) {
  // -(10^38 - 1)
  EXPECT_EQ(
      leaf(decimal_column(Type::kFixedLenByteArray, 38, 36, 16),
           byte_values(Type::kFixedLenByteArray, {unhex("b4c4b357a5793b85f675ddc000000001")})),
      "\"-99.999999999999999999999999999999999999\"");
}

TEST(ValueJsonDecimal, FixedLen16MostNegative) {
  EXPECT_EQ(
      leaf(decimal_column(Type::kFixedLenByteArray, 38, 0, 16),
           byte_values(Type::kFixedLenByteArray, {unhex("80000000000000000000000000000000")})),
      "\"-170141183460469231731687303715884105728\"");
}

TEST(ValueJsonDecimal, FixedLen16SmallValueTakesFastPath) {
  EXPECT_EQ(
      leaf(decimal_column(Type::kFixedLenByteArray, 38, 2, 16),
           byte_values(Type::kFixedLenByteArray, {unhex("ffffffffffffffffffffffffffffff85")})),
      "\"-1.23\"");
}

TEST(ValueJsonDecimal, NineBytesJustPastInt64) {
  // 2^63 needs a ninth byte (a leading zero) to stay positive.
  EXPECT_EQ(leaf(decimal_column(Type::kByteArray, 20, 0),
                 byte_values(Type::kByteArray, {unhex("008000000000000000")})),
            "\"9223372036854775808\"");
}

TEST(ValueJsonDecimal, ByteArray64BytesLargestPositive) {
  // 2^511 - 1
  EXPECT_EQ(leaf(decimal_column(Type::kByteArray, 154, 0),
                 byte_values(Type::kByteArray, {"\x7f" + std::string(63, '\xff')})),
            "\"67039039649712985497870124991029230637396829102961966888617807218608820150367734"
            "88400937149083451713845015929093243025426876941405973284973216824503042047\"");
}

TEST(ValueJsonDecimal, ByteArray64BytesNegativeWithScale) {
  // -(2^300 + 12345), scale 10
  EXPECT_EQ(leaf(decimal_column(Type::kByteArray, 100, 10),
                 byte_values(
                     Type::kByteArray,
                     {unhex("ffffffffffffffffffffffffffffffffffffffffffffffffffffefffffffffff"
                            "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffcfc7")})),
            "\"-203703597633448608626844568840937816105146839366593625063614044935438129976333670"
            ".6183409721\"");
}

TEST(ValueJsonDecimal, EmptyByteArrayIsZero) {
  EXPECT_EQ(leaf(decimal_column(Type::kByteArray, 5, 2), byte_values(Type::kByteArray, {""})),
            "\"0.00\"");
}

TEST(ValueJsonDecimal, ScaleOutOfRangeUsesExponent) {
  std::string out;
  append_decimal_digits(int64_t{123}, 20000, &out);
  EXPECT_EQ(out, "123E-20000");
}

TEST(ValueJsonDecimal, NegativeScaleUsesExponent) {
  std::string out;
  append_decimal_digits(int64_t{-123}, -2, &out);
  EXPECT_EQ(out, "-123E2");
}

// -------------------------------------------------------------------- dates --

std::string date(int32_t days) {
  return i32_as(ConvertedType::kDate, LogicalType::of(LogicalTypeKind::kDate), days);
}

TEST(ValueJsonDate, Epoch) { EXPECT_EQ(date(0), "\"1970-01-01\""); }
TEST(ValueJsonDate, DayBeforeEpoch) { EXPECT_EQ(date(-1), "\"1969-12-31\""); }
TEST(ValueJsonDate, YearZeroHasNoSign) { EXPECT_EQ(date(-719528), "\"0000-01-01\""); }
TEST(ValueJsonDate, YearMinusOne) { EXPECT_EQ(date(-719529), "\"-0001-12-31\""); }
TEST(ValueJsonDate, Year9999HasNoSign) { EXPECT_EQ(date(2932896), "\"9999-12-31\""); }
TEST(ValueJsonDate, Year10000HasSign) { EXPECT_EQ(date(2932897), "\"+10000-01-01\""); }
TEST(ValueJsonDate, Year290000) { EXPECT_EQ(date(105201161), "\"+290000-12-30\""); }
TEST(ValueJsonDate, ConvertedTypeOnly) {
  EXPECT_EQ(i32_as(ConvertedType::kDate, {}, 1), "\"1970-01-02\"");
}

// --------------------------------------------------------------- timestamps --

std::string timestamp(int64_t v, TimeUnit unit, bool utc) {
  return i64_as({}, LogicalType::timestamp(utc, unit), v);
}

TEST(ValueJsonTimestamp, MillisUtcZeroExtended) {
  EXPECT_EQ(timestamp(1, TimeUnit::kMillis, true), "\"1970-01-01T00:00:00.001000Z\"");
}

TEST(ValueJsonTimestamp, MillisBeforeEpochFloors) {
  EXPECT_EQ(timestamp(-1, TimeUnit::kMillis, true), "\"1969-12-31T23:59:59.999000Z\"");
}

TEST(ValueJsonTimestamp, Millis1969FromDeltaFixture) {
  EXPECT_EQ(timestamp(-31536000000, TimeUnit::kMillis, true), "\"1969-01-01T00:00:00.000000Z\"");
}

TEST(ValueJsonTimestamp, MicrosNotAdjustedHasNoZ) {
  EXPECT_EQ(timestamp(1637202600123456, TimeUnit::kMicros, false),
            "\"2021-11-18T02:30:00.123456\"");
}

TEST(ValueJsonTimestamp, MicrosBeforeEpochFloors) {
  EXPECT_EQ(timestamp(-1, TimeUnit::kMicros, true), "\"1969-12-31T23:59:59.999999Z\"");
}

TEST(ValueJsonTimestamp, NanosHaveNineDigits) {
  EXPECT_EQ(timestamp(1, TimeUnit::kNanos, true), "\"1970-01-01T00:00:00.000000001Z\"");
}

TEST(ValueJsonTimestamp, NanosBeforeEpochNotAdjusted) {
  EXPECT_EQ(timestamp(-1, TimeUnit::kNanos, false), "\"1969-12-31T23:59:59.999999999\"");
}

TEST(ValueJsonTimestamp, MillisInt64MinDoesNotOverflow) {
  EXPECT_EQ(timestamp(std::numeric_limits<int64_t>::min(), TimeUnit::kMillis, true),
            "\"-292275055-05-16T16:47:04.192000Z\"");
}

TEST(ValueJsonTimestamp, MillisInt64Max) {
  EXPECT_EQ(timestamp(std::numeric_limits<int64_t>::max(), TimeUnit::kMillis, true),
            "\"+292278994-08-17T07:12:55.807000Z\"");
}

TEST(ValueJsonTimestamp, MicrosInt64Min) {
  EXPECT_EQ(timestamp(std::numeric_limits<int64_t>::min(), TimeUnit::kMicros, true),
            "\"-290308-12-21T19:59:05.224192Z\"");
}

TEST(ValueJsonTimestamp, LegacyConvertedMillisIsUtc) {
  EXPECT_EQ(i64_as(ConvertedType::kTimestampMillis, {}, 1000), "\"1970-01-01T00:00:01.000000Z\"");
}

TEST(ValueJsonTimestamp, LegacyConvertedMicrosIsUtc) {
  EXPECT_EQ(i64_as(ConvertedType::kTimestampMicros, {}, 86400000000),
            "\"1970-01-02T00:00:00.000000Z\"");
}

TEST(ValueJsonTimestamp, NotAdjustedLogicalWinsOverLegacyConverted) {
  // What Spark writes for timestamp_ntz.
  EXPECT_EQ(i64_as(ConvertedType::kTimestampMicros,
                   LogicalType::timestamp(false, TimeUnit::kMicros), 200000),
            "\"1970-01-01T00:00:00.200000\"");
}

// -------------------------------------------------------------------- INT96 --

std::string int96_json(uint64_t nanos, uint32_t julian_day) {
  return leaf(column(Type::kInt96), int96(nanos, julian_day));
}

TEST(ValueJsonInt96, EpochJulianDay) {
  EXPECT_EQ(int96_json(0, 2440588), "\"1970-01-01T00:00:00.000000Z\"");
}

TEST(ValueJsonInt96, SubMicrosecondsTruncated) {
  EXPECT_EQ(int96_json(1999, 2440588), "\"1970-01-01T00:00:00.000001Z\"");
}

TEST(ValueJsonInt96, LastMicrosecondOfDayBeforeEpoch) {
  EXPECT_EQ(int96_json(86399999999999, 2440587), "\"1969-12-31T23:59:59.999999Z\"");
}

TEST(ValueJsonInt96, NegativeNanosFloor) {
  EXPECT_EQ(int96_json(static_cast<uint64_t>(-1), 2440588), "\"1969-12-31T23:59:59.999999Z\"");
}

TEST(ValueJsonInt96, ImpalaFixtureValue) {
  // alltypes_plain.parquet row 1: 2009-03-01T00:01:00
  EXPECT_EQ(int96_json(60000000000, 2454892), "\"2009-03-01T00:01:00.000000Z\"");
}

TEST(ValueJsonInt96, SparkOverflowArtefactWrapsAround) {
  // int96_from_spark.parquet row 5 (MANIFEST value_overrides).
  EXPECT_EQ(int96_json(0xffffe26ec7b96000, static_cast<uint32_t>(-105862232)),
            "\"+290000-12-30T23:00:00.000000Z\"");
  EXPECT_EQ(int96_to_micros(int96(0xffffe26ec7b96000, static_cast<uint32_t>(-105862232)).i96[0]),
            int64_t{9089380393200000000});
}

// --------------------------------------------------------------------- TIME --

TEST(ValueJsonTime, MillisMidnight) {
  EXPECT_EQ(i32_as({}, LogicalType::time(true, TimeUnit::kMillis), 0), "\"00:00:00.000000\"");
}

TEST(ValueJsonTime, MillisZeroExtended) {
  EXPECT_EQ(i32_as({}, LogicalType::time(false, TimeUnit::kMillis), 45296789),
            "\"12:34:56.789000\"");
}

TEST(ValueJsonTime, MicrosLastOfDay) {
  EXPECT_EQ(i64_as({}, LogicalType::time(true, TimeUnit::kMicros), 86399999999),
            "\"23:59:59.999999\"");
}

TEST(ValueJsonTime, NanosNineDigits) {
  EXPECT_EQ(i64_as({}, LogicalType::time(false, TimeUnit::kNanos), 3600000000001),
            "\"01:00:00.000000001\"");
}

TEST(ValueJsonTime, LegacyTimeMillis) {
  EXPECT_EQ(i32_as(ConvertedType::kTimeMillis, {}, 1500), "\"00:00:01.500000\"");
}

TEST(ValueJsonTime, LegacyTimeMicros) {
  EXPECT_EQ(i64_as(ConvertedType::kTimeMicros, {}, 61000001), "\"00:01:01.000001\"");
}

TEST(ValueJsonTime, NegativeOutOfRangeKeepsSign) {
  EXPECT_EQ(i32_as(ConvertedType::kTimeMillis, {}, -1000), "\"-00:00:01.000000\"");
}

// ------------------------------------------------------------ text / binary --

TEST(ValueJsonBytes, Utf8String) {
  EXPECT_EQ(leaf(column(Type::kByteArray, ConvertedType::kUtf8,
                        LogicalType::of(LogicalTypeKind::kString)),
                 byte_values(Type::kByteArray, {"h\xc3\xa9llo"})),
            "\"h\xc3\xa9llo\"");
}

TEST(ValueJsonBytes, LogicalStringWithoutConvertedType) {
  EXPECT_EQ(leaf(column(Type::kByteArray, {}, LogicalType::of(LogicalTypeKind::kString)),
                 byte_values(Type::kByteArray, {"a\"b"})),
            "\"a\\\"b\"");
}

TEST(ValueJsonBytes, EnumIsString) {
  EXPECT_EQ(
      leaf(column(Type::kByteArray, ConvertedType::kEnum), byte_values(Type::kByteArray, {"RED"})),
      "\"RED\"");
}

TEST(ValueJsonBytes, JsonIsStringOfItsText) {
  EXPECT_EQ(
      leaf(column(Type::kByteArray, ConvertedType::kJson, LogicalType::of(LogicalTypeKind::kJson)),
           byte_values(Type::kByteArray, {"{\"a\":1}"})),
      "\"{\\\"a\\\":1}\"");
}

TEST(ValueJsonBytes, UnannotatedBinaryIsLowerHex) {
  EXPECT_EQ(
      leaf(column(Type::kByteArray), byte_values(Type::kByteArray, {bytes({0x0a, 0xbc, 0xff})})),
      "\"0abcff\"");
}

TEST(ValueJsonBytes, EmptyBinaryIsEmptyString) {
  EXPECT_EQ(leaf(column(Type::kByteArray), byte_values(Type::kByteArray, {""})), "\"\"");
}

TEST(ValueJsonBytes, BsonIsHex) {
  EXPECT_EQ(
      leaf(column(Type::kByteArray, ConvertedType::kBson, LogicalType::of(LogicalTypeKind::kBson)),
           byte_values(Type::kByteArray, {bytes({5, 0, 0, 0, 0})})),
      "\"0500000000\"");
}

TEST(ValueJsonBytes, UnannotatedFixedLenIsHex) {
  EXPECT_EQ(leaf(column(Type::kFixedLenByteArray, {}, {}, 3),
                 byte_values(Type::kFixedLenByteArray, {bytes({1, 2, 3})})),
            "\"010203\"");
}

TEST(ValueJsonBytes, IntervalIsHex) {
  EXPECT_EQ(
      leaf(column(Type::kFixedLenByteArray, ConvertedType::kInterval, {}, 12),
           byte_values(Type::kFixedLenByteArray, {bytes({1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0})})),
      "\"010000000200000003000000\"");
}

TEST(ValueJsonBytes, Uuid) {
  EXPECT_EQ(
      leaf(column(Type::kFixedLenByteArray, {}, LogicalType::of(LogicalTypeKind::kUuid), 16),
           byte_values(Type::kFixedLenByteArray, {unhex("00112233445566778899AABBCCDDEEFF")})),
      "\"00112233-4455-6677-8899-aabbccddeeff\"");
}

TEST(ValueJsonBytes, UuidOnWrongWidthIsHex) {
  EXPECT_EQ(leaf(column(Type::kFixedLenByteArray, {}, LogicalType::of(LogicalTypeKind::kUuid), 4),
                 byte_values(Type::kFixedLenByteArray, {unhex("0011aabb")})),
            "\"0011aabb\"");
}

TEST(ValueJsonBytes, SecondSlotOfSeveral) {
  EXPECT_EQ(leaf(column(Type::kByteArray, ConvertedType::kUtf8),
                 byte_values(Type::kByteArray, {"a", "", "c"}), 2),
            "\"c\"");
}

// ----------------------------------------------------------- string escapes --

TEST(ValueJsonEscape, QuoteAndBackslash) { EXPECT_EQ(json_string("\"\\"), "\"\\\"\\\\\""); }
TEST(ValueJsonEscape, ShortEscapes) { EXPECT_EQ(json_string("\b\t\n\f\r"), "\"\\b\\t\\n\\f\\r\""); }
TEST(ValueJsonEscape, NulIsUnicodeEscape) {
  EXPECT_EQ(json_string(std::string_view("\0", 1)), "\"\\u0000\"");
}
TEST(ValueJsonEscape, OtherControlIsLowerHexEscape) {
  EXPECT_EQ(json_string("\x01\x0b\x1f"), "\"\\u0001\\u000b\\u001f\"");
}
TEST(ValueJsonEscape, SlashIsRaw) { EXPECT_EQ(json_string("a/b"), "\"a/b\""); }
TEST(ValueJsonEscape, DeleteIsRaw) { EXPECT_EQ(json_string("\x7f"), "\"\x7f\""); }
TEST(ValueJsonEscape, NonAsciiIsRaw) {
  EXPECT_EQ(json_string("\xe2\x82\xac \xf0\x9f\x98\x80"), "\"\xe2\x82\xac \xf0\x9f\x98\x80\"");
}
TEST(ValueJsonEscape, InvalidUtf8PassesThrough) {
  EXPECT_EQ(json_string("a\xff\xc3"), "\"a\xff\xc3\"");
}
TEST(ValueJsonEscape, EmptyString) { EXPECT_EQ(json_string(""), "\"\""); }
TEST(ValueJsonEscape, EscapesBetweenRuns) {
  EXPECT_EQ(json_string("ab\ncd\"ef"), "\"ab\\ncd\\\"ef\"");
}

// ------------------------------------------------------------------- nested --

ValueNode leaf_node(std::string name, int leaf_index) {
  ValueNode n;
  n.kind = ValueKind::kLeaf;
  n.name = std::move(name);
  n.leaf = leaf_index;
  return n;
}

ValueNode group_node(ValueKind kind, std::string name, std::vector<ValueNode> children) {
  ValueNode n;
  n.kind = kind;
  n.name = std::move(name);
  n.children = std::move(children);
  return n;
}

ValueArray leaf_array(LeafValues values, std::vector<uint8_t> validity = {}) {
  ValueArray a;
  a.kind = ValueKind::kLeaf;
  a.values = std::move(values);
  if (!a.values.i32.empty()) a.length = a.values.i32.size();
  if (!a.values.i64.empty()) a.length = a.values.i64.size();
  if (a.values.bytes.size() > 0) a.length = a.values.bytes.size();
  a.validity = std::move(validity);
  return a;
}

ValueArray group_array(ValueKind kind, size_t length, std::vector<uint8_t> validity,
                       std::vector<int64_t> offsets, std::vector<ValueArray> children) {
  ValueArray a;
  a.kind = kind;
  a.length = length;
  a.validity = std::move(validity);
  a.offsets = std::move(offsets);
  a.children = std::move(children);
  return a;
}

// message m {
//   optional int32 id;                                               leaf 0
//   optional group s { optional binary a (STRING);                   leaf 1
//                      optional group b (LIST) { ... int32 ... } }   leaf 2
//   optional group m (MAP) { key: binary (STRING); value: int64 }    leaves 3, 4
//   optional group ll (LIST) { ... (LIST) { ... int32 } }            leaf 5
// }
// rows:
//   {"id":1,"s":{"a":"x","b":[1,null]},"m":[["a",1],["b",null]],"ll":[[1,2],null,[]]}
//   {"id":null,"s":null,"m":null,"ll":null}
//   {"id":3,"s":{"a":null,"b":null},"m":[],"ll":[]}
struct NestedFixture {
  std::vector<ColumnDescriptor> columns;
  ValueNode root;
  RowBatch batch;

  NestedFixture() {
    columns = {
        column(Type::kInt32),
        column(Type::kByteArray, ConvertedType::kUtf8, LogicalType::of(LogicalTypeKind::kString)),
        column(Type::kInt32),
        column(Type::kByteArray, ConvertedType::kUtf8, LogicalType::of(LogicalTypeKind::kString)),
        column(Type::kInt64),
        column(Type::kInt32)};
    root = group_node(
        ValueKind::kStruct, "m",
        {leaf_node("id", 0),
         group_node(
             ValueKind::kStruct, "s",
             {leaf_node("a", 1), group_node(ValueKind::kList, "b", {leaf_node("element", 2)})}),
         group_node(ValueKind::kMap, "m", {leaf_node("key", 3), leaf_node("value", 4)}),
         group_node(ValueKind::kList, "ll",
                    {group_node(ValueKind::kList, "element", {leaf_node("element", 5)})})});

    batch.num_rows = 3;
    batch.fields = {0, 1, 2, 3};
    batch.columns.push_back(leaf_array(i32s({1, 0, 3}), {1, 0, 1}));
    batch.columns.push_back(
        group_array(ValueKind::kStruct, 3, {1, 0, 1}, {},
                    {leaf_array(byte_values(Type::kByteArray, {"x", "", ""}), {1, 0, 0}),
                     group_array(ValueKind::kList, 3, {1, 0, 0}, {0, 2, 2, 2},
                                 {leaf_array(i32s({1, 0}), {1, 0})})}));
    batch.columns.push_back(group_array(
        ValueKind::kMap, 3, {1, 0, 1}, {0, 2, 2, 2},
        {leaf_array(byte_values(Type::kByteArray, {"a", "b"})), leaf_array(i64s({1, 0}), {1, 0})}));
    batch.columns.push_back(group_array(
        ValueKind::kList, 3, {1, 0, 1}, {0, 3, 3, 3},
        {group_array(ValueKind::kList, 3, {1, 0, 1}, {0, 2, 2, 2}, {leaf_array(i32s({1, 2}))})}));
  }

  std::string row(size_t r) const {
    std::string out;
    append_row_json(root, columns, batch, r, &out);
    return out;
  }

  std::string value(size_t field, size_t r) const {
    std::string out;
    append_value_json(root.children[field], columns, batch.columns[field], r, &out);
    return out;
  }
};

TEST(ValueJsonNested, RowWithValuesAtEveryLevel) {
  EXPECT_EQ(NestedFixture().row(0),
            R"({"id":1,"s":{"a":"x","b":[1,null]},"m":[["a",1],["b",null]],"ll":[[1,2],null,[]]})");
}

TEST(ValueJsonNested, RowWithEveryTopLevelNull) {
  EXPECT_EQ(NestedFixture().row(1), R"({"id":null,"s":null,"m":null,"ll":null})");
}

TEST(ValueJsonNested, RowWithNullFieldsAndEmptyContainers) {
  EXPECT_EQ(NestedFixture().row(2), R"({"id":3,"s":{"a":null,"b":null},"m":[],"ll":[]})");
}

TEST(ValueJsonNested, NullListElement) {
  EXPECT_EQ(NestedFixture().value(3, 0), "[[1,2],null,[]]");
}

TEST(ValueJsonNested, NullMapValue) {
  EXPECT_EQ(NestedFixture().value(2, 0), R"([["a",1],["b",null]])");
}

TEST(ValueJsonNested, EmptyMapIsEmptyArray) { EXPECT_EQ(NestedFixture().value(2, 2), "[]"); }

TEST(ValueJsonNested, NullStructIsNull) { EXPECT_EQ(NestedFixture().value(1, 1), "null"); }

TEST(ValueJsonNested, ProjectionKeepsBatchFieldOrder) {
  NestedFixture f;
  RowBatch projected;
  projected.num_rows = 3;
  projected.fields = {3, 0};
  projected.columns = {f.batch.columns[3], f.batch.columns[0]};
  std::string out;
  append_row_json(f.root, f.columns, projected, 0, &out);
  EXPECT_EQ(out, R"({"ll":[[1,2],null,[]],"id":1})");
}

TEST(ValueJsonNested, RowsJsonlEndEachRowWithNewline) {
  NestedFixture f;
  std::string out;
  append_rows_jsonl(f.root, f.columns, f.batch, &out);
  EXPECT_EQ(out,
            "{\"id\":1,\"s\":{\"a\":\"x\",\"b\":[1,null]},\"m\":[[\"a\",1],[\"b\",null]],"
            "\"ll\":[[1,2],null,[]]}\n"
            "{\"id\":null,\"s\":null,\"m\":null,\"ll\":null}\n"
            "{\"id\":3,\"s\":{\"a\":null,\"b\":null},\"m\":[],\"ll\":[]}\n");
}

TEST(ValueJsonNested, FieldNamesAreEscaped) {
  std::vector<ColumnDescriptor> columns = {column(Type::kInt32)};
  ValueNode root = group_node(ValueKind::kStruct, "m", {leaf_node("a\"b\n", 0)});
  RowBatch batch;
  batch.num_rows = 1;
  batch.fields = {0};
  batch.columns.push_back(leaf_array(i32s({5})));
  std::string out;
  append_row_json(root, columns, batch, 0, &out);
  EXPECT_EQ(out, "{\"a\\\"b\\n\":5}");
}

TEST(ValueJsonNested, MapWithTypedKeysAndNestedMapValues) {
  // nested_maps.snappy.parquet: map<string, map<int32, bool>>
  std::vector<ColumnDescriptor> columns = {column(Type::kByteArray, ConvertedType::kUtf8),
                                           column(Type::kInt32), column(Type::kBoolean)};
  ValueNode node = group_node(
      ValueKind::kMap, "a",
      {leaf_node("key", 0),
       group_node(ValueKind::kMap, "value", {leaf_node("key", 1), leaf_node("value", 2)})});
  LeafValues bools(Type::kBoolean);
  bools.bools = {1, 0};
  ValueArray inner_values = leaf_array(LeafValues(Type::kBoolean));
  inner_values.values = bools;
  inner_values.length = 2;
  ValueArray array = group_array(ValueKind::kMap, 2, {}, {0, 1, 2},
                                 {leaf_array(byte_values(Type::kByteArray, {"a", "c"})),
                                  group_array(ValueKind::kMap, 2, {1, 0}, {0, 2, 2},
                                              {leaf_array(i32s({1, 2})), inner_values})});
  std::string out;
  append_value_json(node, columns, array, 0, &out);
  out.push_back('|');
  append_value_json(node, columns, array, 1, &out);
  EXPECT_EQ(out, R"([["a",[[1,true],[2,false]]]]|[["c",null]])");
}

TEST(ValueJsonNested, KeyOnlyMapRendersNullValues) {
  std::vector<ColumnDescriptor> columns = {column(Type::kInt32)};
  ValueNode node = group_node(ValueKind::kMap, "keys", {leaf_node("key", 0)});
  ValueArray array = group_array(ValueKind::kMap, 1, {}, {0, 2}, {leaf_array(i32s({7, 8}))});
  std::string out;
  append_value_json(node, columns, array, 0, &out);
  EXPECT_EQ(out, "[[7,null],[8,null]]");
}

TEST(ValueJsonNested, ListOfStructsWithNullStructAndNullField) {
  std::vector<ColumnDescriptor> columns = {column(Type::kInt64)};
  ValueNode node = group_node(ValueKind::kList, "l",
                              {group_node(ValueKind::kStruct, "element", {leaf_node("ab", 0)})});
  ValueArray array = group_array(ValueKind::kList, 1, {}, {0, 3},
                                 {group_array(ValueKind::kStruct, 3, {1, 0, 1}, {},
                                              {leaf_array(i64s({4, 0, 0}), {1, 0, 0})})});
  std::string out;
  append_value_json(node, columns, array, 0, &out);
  EXPECT_EQ(out, R"([{"ab":4},null,{"ab":null}])");
}

TEST(ValueJsonNested, AppendsToExistingText) {
  std::string out = "x";
  append_leaf_json(column(Type::kInt32), i32s({1}), 0, &out);
  EXPECT_EQ(out, "x1");
}

}  // namespace
}  // namespace medallion::parquet
