#include "delta/partition_value.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "delta/scalar.h"

#include "golden_testdata.h"

namespace medallion::delta {
namespace {

using testing::read_text;

using ::testing::HasSubstr;
using util::StatusCode;

DataType t(TypeKind kind) { return DataType::primitive(kind); }

Scalar parse_ok(const DataType& type, std::string text) {
  auto v = parse_partition_value(type, text, "c");
  EXPECT_TRUE(v.is_ok()) << text << ": " << v.status().message();
  return v.is_ok() ? std::move(v).value() : Scalar{};
}

void expect_bad(const DataType& type, std::string text) {
  auto v = parse_partition_value(type, text, "col");
  ASSERT_FALSE(v.is_ok()) << type.to_string() << " accepted \"" << text << "\"";
  EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(v.status().message(), HasSubstr("'col'"));
}

// parse -> serialize -> parse gives the same value.
void expect_round_trip(const DataType& type, std::string text) {
  SCOPED_TRACE(type.to_string() + " \"" + text + "\"");
  const Scalar a = parse_ok(type, text);
  ASSERT_FALSE(a.is_null);
  const std::optional<std::string> s = serialize_partition_value(a);
  ASSERT_TRUE(s.has_value());
  const Scalar b = parse_ok(type, *s);
  auto c = compare_scalars(a, b);
  ASSERT_TRUE(c.is_ok()) << c.status().message();
  EXPECT_EQ(*c, 0) << "serialized as " << *s;
  EXPECT_EQ(serialize_partition_value(b), s);
}

// ---------------------------------------------------------------- nulls --

TEST(PartitionValue, NulloptIsNullOfTheType) {
  auto v = parse_partition_value(DataType::decimal(12, 5), std::nullopt, "c");
  ASSERT_TRUE(v.is_ok());
  EXPECT_TRUE(v->is_null);
  EXPECT_EQ(v->kind, TypeKind::kDecimal);
  EXPECT_EQ(v->scale, 5);
  EXPECT_FALSE(serialize_partition_value(*v).has_value());
}

TEST(PartitionValue, EmptyStringIsNullForEveryType) {
  for (TypeKind k : {TypeKind::kInteger, TypeKind::kString, TypeKind::kBinary, TypeKind::kDate,
                     TypeKind::kTimestamp, TypeKind::kBoolean}) {
    EXPECT_TRUE(parse_ok(t(k), "").is_null) << type_kind_name(k);
  }
}

TEST(PartitionValue, LiteralNullTextIsAString) {
  const Scalar v = parse_ok(t(TypeKind::kString), "null");
  EXPECT_FALSE(v.is_null);
  EXPECT_EQ(v.bytes, "null");
}

TEST(PartitionValue, EmptyStringSerializesAsNull) {
  EXPECT_FALSE(serialize_partition_value(Scalar::of_string("")).has_value());
  EXPECT_FALSE(serialize_partition_value(Scalar::of_binary("")).has_value());
}

TEST(PartitionValue, NestedTypeIsUnsupported) {
  auto v = parse_partition_value(DataType::array_of(t(TypeKind::kLong)), "1", "c");
  ASSERT_FALSE(v.is_ok());
  EXPECT_EQ(v.status().code(), StatusCode::kUnsupported);
}

// ------------------------------------------------------------- booleans --

TEST(PartitionValue, Booleans) {
  EXPECT_EQ(parse_ok(t(TypeKind::kBoolean), "true").int_value, 1);
  EXPECT_EQ(parse_ok(t(TypeKind::kBoolean), "FALSE").int_value, 0);
  EXPECT_EQ(serialize_partition_value(Scalar::of_boolean(true)), "true");
  expect_bad(t(TypeKind::kBoolean), "yes");
  expect_bad(t(TypeKind::kBoolean), "1");
}

// ------------------------------------------------------------- integers --

TEST(PartitionValue, IntegerLimitsPerWidth) {
  EXPECT_EQ(parse_ok(t(TypeKind::kByte), "-128").int_value, -128);
  EXPECT_EQ(parse_ok(t(TypeKind::kByte), "127").int_value, 127);
  EXPECT_EQ(parse_ok(t(TypeKind::kShort), "-32768").int_value, -32768);
  EXPECT_EQ(parse_ok(t(TypeKind::kInteger), "2147483647").int_value, 2147483647);
  EXPECT_EQ(parse_ok(t(TypeKind::kLong), "-9223372036854775808").int_value, INT64_MIN);
  EXPECT_EQ(parse_ok(t(TypeKind::kLong), "+42").int_value, 42);
}

TEST(PartitionValue, ByteOverflow) { expect_bad(t(TypeKind::kByte), "128"); }
TEST(PartitionValue, ShortOverflow) { expect_bad(t(TypeKind::kShort), "-32769"); }
TEST(PartitionValue, IntegerOverflow) { expect_bad(t(TypeKind::kInteger), "2147483648"); }
TEST(PartitionValue, LongOverflow) { expect_bad(t(TypeKind::kLong), "9223372036854775808"); }

TEST(PartitionValue, IntegerGarbage) {
  for (const char* s : {"12a", " 1", "1 ", "1.0", "+", "-", "+-1", "--1", "0x10"}) {
    expect_bad(t(TypeKind::kInteger), s);
  }
}

// --------------------------------------------------------------- floats --

TEST(PartitionValue, DoubleSpecials) {
  EXPECT_TRUE(std::isnan(parse_ok(t(TypeKind::kDouble), "NaN").float_value));
  EXPECT_EQ(parse_ok(t(TypeKind::kDouble), "Infinity").float_value,
            std::numeric_limits<double>::infinity());
  EXPECT_EQ(parse_ok(t(TypeKind::kFloat), "-Infinity").float_value,
            -std::numeric_limits<double>::infinity());
  EXPECT_EQ(serialize_partition_value(Scalar::of_double(std::nan(""))), "NaN");
  EXPECT_EQ(serialize_partition_value(Scalar::of_float(-INFINITY)), "-Infinity");
}

TEST(PartitionValue, DoubleIsWrittenAsJavaDoes) {
  const std::pair<double, const char*> cases[] = {
      {0.0, "0.0"},
      {-0.0, "-0.0"},
      {1.0, "1.0"},
      {123.456, "123.456"},
      {0.001, "0.001"},
      {1e-4, "1.0E-4"},
      {1e7, "1.0E7"},
      {9999999.0, "9999999.0"},
      {1.2345678e7, "1.2345678E7"},
      {-2.5e-10, "-2.5E-10"},
      {100.0, "100.0"},
      {0.1, "0.1"},
      {1.7976931348623157e308, "1.7976931348623157E308"},
  };
  for (const auto& [v, text] : cases) {
    EXPECT_EQ(serialize_partition_value(Scalar::of_double(v)), text) << v;
  }
}

TEST(PartitionValue, FloatUsesShortestFloatDigits) {
  EXPECT_EQ(serialize_partition_value(Scalar::of_float(0.1f)), "0.1");
  EXPECT_EQ(serialize_partition_value(Scalar::of_float(0.234f)), "0.234");
  EXPECT_EQ(serialize_partition_value(Scalar::of_float(1.0f)), "1.0");
  EXPECT_EQ(parse_ok(t(TypeKind::kFloat), "0.234").float_value, static_cast<double>(0.234f));
}

TEST(PartitionValue, FloatOutOfRange) { expect_bad(t(TypeKind::kFloat), "1e39"); }

TEST(PartitionValue, FloatGarbage) {
  for (const char* s : {"inf", "nan", "abc", "1.0x", "", "e5"}) {
    if (std::string(s).empty()) continue;  // "" is null
    expect_bad(t(TypeKind::kDouble), s);
  }
}

// ------------------------------------------------------------- decimals --

TEST(PartitionValue, DecimalAtColumnScale) {
  const Scalar v = parse_ok(DataType::decimal(12, 5), "-2342342.23423");
  EXPECT_EQ(v.int_value, -234234223423);
  EXPECT_EQ(v.scale, 5);
  EXPECT_EQ(parse_ok(DataType::decimal(12, 5), "0.00004").int_value, 4);
  EXPECT_EQ(parse_ok(DataType::decimal(12, 5), "234").int_value, 23400000);
  EXPECT_EQ(parse_ok(DataType::decimal(5, 2), "1.230").int_value, 123);
  EXPECT_EQ(parse_ok(DataType::decimal(1, 0), "0").int_value, 0);
}

TEST(PartitionValue, DecimalWithExponent) {
  EXPECT_EQ(parse_ok(DataType::decimal(20, 10), "1E-7").wide_value, 1000);
  EXPECT_EQ(parse_ok(DataType::decimal(10, 0), "1.5E+2").int_value, 150);
  EXPECT_EQ(parse_ok(DataType::decimal(10, 2), "0E-10").int_value, 0);
}

TEST(PartitionValue, WideDecimal) {
  const Scalar v = parse_ok(DataType::decimal(38, 2), "-123456789012345678901234567890123456.78");
  EXPECT_EQ(int128_to_string(v.wide_value), "-12345678901234567890123456789012345678");
  EXPECT_EQ(serialize_partition_value(v), "-123456789012345678901234567890123456.78");
}

TEST(PartitionValue, DecimalTooManyFractionalDigits) {
  expect_bad(DataType::decimal(5, 2), "1.234");
}

TEST(PartitionValue, DecimalTooManyDigits) {
  expect_bad(DataType::decimal(5, 2), "1234.5");
  expect_bad(DataType::decimal(38, 0), "123456789012345678901234567890123456789");
  expect_bad(DataType::decimal(10, 0), "1E10");
}

TEST(PartitionValue, DecimalGarbage) {
  for (const char* s : {"1.2.3", "abc", ".", "-", "1e", "1E+", "1,5", "1e999999999"}) {
    expect_bad(DataType::decimal(10, 2), s);
  }
}

TEST(PartitionValue, DecimalIsWrittenWithExactlyScaleDigits) {
  EXPECT_EQ(serialize_partition_value(Scalar::of_decimal(4, 12, 5)), "0.00004");
  EXPECT_EQ(serialize_partition_value(Scalar::of_decimal(-4, 12, 5)), "-0.00004");
  EXPECT_EQ(serialize_partition_value(Scalar::of_decimal(23400000, 12, 5)), "234.00000");
  EXPECT_EQ(serialize_partition_value(Scalar::of_decimal(0, 1, 0)), "0");
  EXPECT_EQ(serialize_partition_value(Scalar::of_decimal(-7, 3, 0)), "-7");
}

// ------------------------------------------------------ dates and times --

TEST(PartitionValue, Dates) {
  EXPECT_EQ(parse_ok(t(TypeKind::kDate), "1970-01-02").int_value, 1);
  EXPECT_EQ(parse_ok(t(TypeKind::kDate), "1969-12-31").int_value, -1);
  EXPECT_EQ(serialize_partition_value(Scalar::of_date(18878)), "2021-09-08");
}

TEST(PartitionValue, BadDates) {
  for (const char* s :
       {"2021-02-30", "2021-13-01", "2021-9-8", "2021-09-08T00:00:00", "20210908", "2021-00-10"}) {
    expect_bad(t(TypeKind::kDate), s);
  }
}

TEST(PartitionValue, ZoneLessTimestampIsUtc) {
  EXPECT_EQ(parse_ok(t(TypeKind::kTimestamp), "2021-09-08 11:11:11").int_value, 1631099471000000);
  EXPECT_EQ(parse_ok(t(TypeKind::kTimestamp), "2020-01-01 08:09:10.001").int_value,
            1577866150001000);
  EXPECT_EQ(parse_ok(t(TypeKind::kTimestamp), "1969-01-01 00:00:00").int_value, -31536000000000);
}

TEST(PartitionValue, IsoTimestampWithZuluAndOffset) {
  EXPECT_EQ(parse_ok(t(TypeKind::kTimestamp), "2024-01-01T10:00:00.000000Z").int_value,
            1704103200000000);
  EXPECT_EQ(parse_ok(t(TypeKind::kTimestamp), "2024-01-01T12:00:00+02:00").int_value,
            1704103200000000);
}

TEST(PartitionValue, TimestampIsWrittenAsIsoUtc) {
  EXPECT_EQ(serialize_partition_value(Scalar::of_timestamp(1704103200000000)),
            "2024-01-01T10:00:00.000000Z");
  EXPECT_EQ(serialize_partition_value(Scalar::of_timestamp(-1)), "1969-12-31T23:59:59.999999Z");
}

TEST(PartitionValue, TimestampNtzKeepsWallClock) {
  const Scalar v = parse_ok(t(TypeKind::kTimestampNtz), "2013-07-05 17:01:00.123456");
  EXPECT_EQ(v.int_value, 1373043660123456);
  EXPECT_EQ(serialize_partition_value(v), "2013-07-05 17:01:00.123456");
  EXPECT_EQ(parse_ok(t(TypeKind::kTimestampNtz), "2013-07-05T17:01:00.123456").int_value,
            1373043660123456);
}

TEST(PartitionValue, TimestampNtzWithOffsetIsRefused) {
  expect_bad(t(TypeKind::kTimestampNtz), "2013-07-05 17:01:00+02:00");
}

TEST(PartitionValue, BadTimestamps) {
  for (const char* s : {"2021-09-08", "2021-09-08 25:00:00", "2021-09-08 11:11", "11:11:11",
                        "2021-09-08 11:11:11.1234567", "2021-09-08 11:11:11 UTC"}) {
    expect_bad(t(TypeKind::kTimestamp), s);
  }
}

// ------------------------------------------------------------ round trips --

TEST(PartitionValue, RoundTripOfEveryType) {
  expect_round_trip(t(TypeKind::kBoolean), "false");
  expect_round_trip(t(TypeKind::kByte), "-128");
  expect_round_trip(t(TypeKind::kShort), "32767");
  expect_round_trip(t(TypeKind::kInteger), "-2147483648");
  expect_round_trip(t(TypeKind::kLong), "9223372036854775807");
  expect_round_trip(t(TypeKind::kFloat), "3.4028235E38");
  expect_round_trip(t(TypeKind::kFloat), "1.0E-45");
  expect_round_trip(t(TypeKind::kDouble), "4.9E-324");
  expect_round_trip(t(TypeKind::kDouble), "0.30000000000000004");
  expect_round_trip(t(TypeKind::kDouble), "NaN");
  expect_round_trip(t(TypeKind::kDouble), "-Infinity");
  expect_round_trip(DataType::decimal(12, 5), "-2342342.23423");
  expect_round_trip(DataType::decimal(38, 38), "0.99999999999999999999999999999999999999");
  expect_round_trip(DataType::decimal(38, 0), "-99999999999999999999999999999999999999");
  expect_round_trip(DataType::decimal(18, 18), "-0.999999999999999999");
  expect_round_trip(t(TypeKind::kString), "a=b/c%d e\xc3\xa9");
  expect_round_trip(t(TypeKind::kBinary), std::string("\x01\x02\xff", 3));
  expect_round_trip(t(TypeKind::kDate), "0001-01-01");
  expect_round_trip(t(TypeKind::kDate), "9999-12-31");
  expect_round_trip(t(TypeKind::kTimestamp), "1900-02-28 23:59:59.999999");
  expect_round_trip(t(TypeKind::kTimestamp), "2024-01-01T10:00:00Z");
  expect_round_trip(t(TypeKind::kTimestampNtz), "2021-11-18 02:30:00.123456");
}

// -------------------------------------------------------------- scalars --

TEST(CompareScalars, IntegersAndDates) {
  EXPECT_EQ(*compare_scalars(Scalar::of_long(-5), Scalar::of_long(3)), -1);
  EXPECT_EQ(*compare_scalars(Scalar::of_date(3), Scalar::of_date(3)), 0);
  EXPECT_EQ(*compare_scalars(Scalar::of_boolean(true), Scalar::of_boolean(false)), 1);
}

TEST(CompareScalars, StringsByUnsignedBytes) {
  EXPECT_EQ(*compare_scalars(Scalar::of_string("\xff"), Scalar::of_string("a")), 1);
  EXPECT_EQ(*compare_scalars(Scalar::of_string("ab"), Scalar::of_string("abc")), -1);
  EXPECT_EQ(*compare_scalars(Scalar::of_binary(""), Scalar::of_binary("")), 0);
}

TEST(CompareScalars, DecimalsOfDifferentScales) {
  EXPECT_EQ(*compare_scalars(Scalar::of_decimal(15, 5, 1), Scalar::of_decimal(150, 5, 2)), 0);
  EXPECT_EQ(*compare_scalars(Scalar::of_decimal(-105, 5, 2), Scalar::of_decimal(-11, 5, 1)), 1);
  EXPECT_EQ(*compare_scalars(Scalar::of_decimal(-1, 5, 2), Scalar::of_decimal(0, 5, 0)), -1);
  // Wide values against narrow ones.
  const Int128 big = static_cast<Int128>(1) << 100;
  EXPECT_EQ(*compare_scalars(Scalar::of_decimal(big, 38, 10), Scalar::of_decimal(1, 10, 0)), 1);
  EXPECT_EQ(*compare_scalars(Scalar::of_decimal(-big, 38, 38), Scalar::of_decimal(-1, 1, 0)), 1);
}

TEST(CompareScalars, FloatsNaNLastAndSignedZerosEqual) {
  EXPECT_EQ(*compare_scalars(Scalar::of_double(std::nan("")), Scalar::of_double(INFINITY)), 1);
  EXPECT_EQ(*compare_scalars(Scalar::of_double(std::nan("")), Scalar::of_double(std::nan(""))), 0);
  EXPECT_EQ(*compare_scalars(Scalar::of_double(-0.0), Scalar::of_double(0.0)), 0);
  EXPECT_EQ(*compare_scalars(Scalar::of_float(1.5f), Scalar::of_float(2.5f)), -1);
}

TEST(CompareScalars, MismatchedKindsAreAnError) {
  auto c = compare_scalars(Scalar::of_long(1), Scalar::of_integer(1));
  ASSERT_FALSE(c.is_ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
}

TEST(CompareScalars, NullIsAnError) {
  auto c = compare_scalars(Scalar::null_of(t(TypeKind::kLong)), Scalar::of_long(1));
  ASSERT_FALSE(c.is_ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
}

TEST(Scalar, Int128ToStringExtremes) {
  const Int128 max = static_cast<Int128>((static_cast<unsigned __int128>(1) << 127) - 1);
  EXPECT_EQ(int128_to_string(max), "170141183460469231731687303715884105727");
  EXPECT_EQ(int128_to_string(-max - 1), "-170141183460469231731687303715884105728");
  EXPECT_EQ(int128_to_string(0), "0");
}

// ------------------------------------------------------ path escaping --

TEST(PartitionPath, EscapesHiveCharacters) {
  EXPECT_EQ(escape_partition_path_component("a\"#%'*/:=?\\\x7f{[]^b"),
            "a%22%23%25%27%2A%2F%3A%3D%3F%5C%7F%7B%5B%5D%5Eb");
  EXPECT_EQ(escape_partition_path_component(std::string("\x00\x01\x1f", 3)), "%00%01%1F");
}

TEST(PartitionPath, KeepsOtherCharacters) {
  const std::string kept = "azAZ09 +-_.,;!@$&()~<>|}`\xc3\xa9";
  EXPECT_EQ(escape_partition_path_component(kept), kept);
}

TEST(PartitionPath, UnescapeInvertsEscape) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  EXPECT_EQ(unescape_partition_path_component(escape_partition_path_component(all)), all);
}

TEST(PartitionPath, UnescapeKeepsAStrayPercent) {
  EXPECT_EQ(unescape_partition_path_component("100%"), "100%");
  EXPECT_EQ(unescape_partition_path_component("%zz%4"), "%zz%4");
  EXPECT_EQ(unescape_partition_path_component("%3a"), ":");
}

TEST(PartitionPath, DirectoryWithNullsAndEscapedNames) {
  PartitionValues values{{"a", "1"}, {"b", std::nullopt}, {"c=d", "x/y"}, {"e", ""}};
  EXPECT_EQ(partition_directory({"a", "b", "c=d", "e", "missing"}, values),
            "a=1/b=__HIVE_DEFAULT_PARTITION__/c%3Dd=x%2Fy/e=__HIVE_DEFAULT_PARTITION__/"
            "missing=__HIVE_DEFAULT_PARTITION__");
  EXPECT_EQ(partition_directory({}, values), "");
}

TEST(PartitionPath, UriEncodeLikeJavaUri) {
  EXPECT_EQ(uri_encode_path("_2=bar+%2521/part-0.parquet"), "_2=bar+%252521/part-0.parquet");
  EXPECT_EQ(uri_encode_path("ts=2024-01-01 10%3A00%3A00/p.parquet"),
            "ts=2024-01-01%2010%253A00%253A00/p.parquet");
  EXPECT_EQ(uri_encode_path("a/\xc3\xa9 #?\"<>[]{}|\\^`"),
            "a/%C3%A9%20%23%3F%22%3C%3E%5B%5D%7B%7D%7C%5C%5E%60");
  EXPECT_EQ(uri_encode_path("a/-_.!~*'();:@&=+$,"), "a/-_.!~*'();:@&=+$,");
}

TEST(PartitionPath, UriEncodeColonInFirstSegment) {
  EXPECT_EQ(uri_encode_path("a:b/c:d"), "a%3Ab/c:d");
}

TEST(PartitionPath, UriDecodeInvertsEncode) {
  std::string all;
  for (int c = 1; c < 256; ++c) all.push_back(static_cast<char>(c));
  auto decoded = uri_decode_path(uri_encode_path(all));
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().message();
  EXPECT_EQ(*decoded, all);
}

TEST(PartitionPath, UriDecodeKeepsPlus) { EXPECT_EQ(*uri_decode_path("a+b%2Bc"), "a+b+c"); }

TEST(PartitionPath, UriDecodeBadEscapes) {
  for (const char* s : {"%", "a%2", "%zz", "%g1", "abc%"}) {
    auto d = uri_decode_path(s);
    ASSERT_FALSE(d.is_ok()) << s;
    EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(PartitionPath, UriDecodeRefusesNul) {
  auto d = uri_decode_path("a%00b");
  ASSERT_FALSE(d.is_ok());
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
}

// -------------------------------------------------------- golden tables --

using testing::golden_dir;
struct GoldenAdd {
  std::string path;
  PartitionValues values;
  Schema schema;  // as of the commit
  std::vector<std::string> partition_columns;
};

// Every add action of the table's JSON commits, with the schema in force.
std::vector<GoldenAdd> golden_adds(const std::string& table) {
  std::vector<GoldenAdd> out;
  const std::vector<std::filesystem::path> files = testing::json_log_files(golden_dir() / table);
  simdjson::dom::parser parser;
  Schema schema;
  std::vector<std::string> partition_columns;
  for (const auto& file : files) {
    std::istringstream lines(read_text(file));
    std::string line;
    while (std::getline(lines, line)) {
      if (line.empty()) continue;
      simdjson::dom::element doc;
      if (parser.parse(line).get(doc) != simdjson::SUCCESS) {
        ADD_FAILURE() << "bad JSON in " << file;
        continue;
      }
      simdjson::dom::object meta;
      if (doc["metaData"].get_object().get(meta) == simdjson::SUCCESS) {
        std::string_view schema_string;
        EXPECT_EQ(meta["schemaString"].get_string().get(schema_string), simdjson::SUCCESS);
        auto s = parse_schema(schema_string);
        EXPECT_TRUE(s.is_ok()) << s.status().message();
        if (s.is_ok()) schema = *s;
        partition_columns.clear();
        simdjson::dom::array cols;
        if (meta["partitionColumns"].get_array().get(cols) == simdjson::SUCCESS) {
          for (simdjson::dom::element c : cols) {
            std::string_view name;
            if (c.get_string().get(name) == simdjson::SUCCESS) partition_columns.emplace_back(name);
          }
        }
      }
      simdjson::dom::object add;
      if (doc["add"].get_object().get(add) != simdjson::SUCCESS) continue;
      GoldenAdd a;
      std::string_view path;
      EXPECT_EQ(add["path"].get_string().get(path), simdjson::SUCCESS);
      a.path = std::string(path);
      simdjson::dom::object values;
      if (add["partitionValues"].get_object().get(values) == simdjson::SUCCESS) {
        for (auto [key, value] : values) {
          std::string_view v;
          if (value.is_null()) {
            a.values[std::string(key)] = std::nullopt;
          } else if (value.get_string().get(v) == simdjson::SUCCESS) {
            a.values[std::string(key)] = std::string(v);
          } else {
            ADD_FAILURE() << "non-string partition value in " << file;
          }
        }
      }
      a.schema = schema;
      a.partition_columns = partition_columns;
      out.push_back(std::move(a));
    }
  }
  return out;
}

std::string parent_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

// Checks a table whose directories Spark named from the partition values.
void check_hive_directories(const std::string& table, size_t expected_adds) {
  SCOPED_TRACE(table);
  const auto adds = golden_adds(table);
  ASSERT_EQ(adds.size(), expected_adds);
  for (const GoldenAdd& a : adds) {
    auto decoded = uri_decode_path(a.path);
    ASSERT_TRUE(decoded.is_ok()) << decoded.status().message();
    EXPECT_TRUE(std::filesystem::is_regular_file(golden_dir() / table / *decoded)) << *decoded;
    EXPECT_EQ(uri_encode_path(*decoded), a.path);
    EXPECT_EQ(parent_of(*decoded), partition_directory(a.partition_columns, a.values));
    for (const std::string& column : a.partition_columns) {
      const Field* f = a.schema.find(column);
      ASSERT_NE(f, nullptr) << column;
      const auto it = a.values.find(column);
      ASSERT_NE(it, a.values.end()) << column;
      auto v = parse_partition_value(f->type, it->second, column);
      ASSERT_TRUE(v.is_ok()) << v.status().message();
      if (v->is_null) continue;
      // What we would write reads back as the same value.
      auto again = parse_partition_value(f->type, serialize_partition_value(*v), column);
      ASSERT_TRUE(again.is_ok()) << again.status().message();
      EXPECT_EQ(*compare_scalars(*v, *again), 0) << column << "=" << *it->second;
    }
  }
}

TEST(PartitionValueGolden, PartitionValuesTable) {
  check_hive_directories("data-reader-partition-values", 3);
}

TEST(PartitionValueGolden, EscapedCharsTable) {
  check_hive_directories("data-reader-escaped-chars", 3);
}

TEST(PartitionValueGolden, DecimalTimestampAndNtzTables) {
  check_hive_directories("basic-decimal-table", 4);
  check_hive_directories("kernel-timestamp-INT96", 5);
  check_hive_directories("data-reader-timestamp_ntz", 4);
}

TEST(PartitionValueGolden, PartitionValuesTableTypedValues) {
  for (const GoldenAdd& a : golden_adds("data-reader-partition-values")) {
    const auto& v = a.values;
    auto it = v.find("as_int");
    ASSERT_NE(it, v.end());
    if (!it->second) continue;
    const Scalar ts = *parse_partition_value(a.schema.find("as_timestamp")->type,
                                             v.at("as_timestamp"), "as_timestamp");
    EXPECT_EQ(ts.int_value, 1631099471000000);  // 2021-09-08 11:11:11 UTC
    const Scalar f =
        *parse_partition_value(a.schema.find("as_float")->type, v.at("as_float"), "as_float");
    // Spark wrote the directory with Java's Float.toString; so do we.
    EXPECT_EQ(serialize_partition_value(f), v.at("as_float"));
    const Scalar lit = *parse_partition_value(a.schema.find("as_string_lit_null")->type,
                                              v.at("as_string_lit_null"), "as_string_lit_null");
    EXPECT_FALSE(lit.is_null);
  }
}

TEST(PartitionValueGolden, EscapedCharsValues) {
  const auto adds = golden_adds("data-reader-escaped-chars");
  ASSERT_EQ(adds.size(), 3u);
  EXPECT_EQ(adds[0].path.substr(0, adds[0].path.find('/')), "_2=bar+%252521");
  EXPECT_EQ(adds[0].values.at("_2"), "bar+%21");
  EXPECT_EQ(escape_partition_path_component("bar+%21"), "bar+%2521");
}

TEST(PartitionValueGolden, IsoTimestampPartitionValues) {
  const std::string table = "kernel-timestamp-partition-col-ISO8601";
  const auto adds = golden_adds(table);
  ASSERT_EQ(adds.size(), 2u);
  for (const GoldenAdd& a : adds) {
    auto decoded = uri_decode_path(a.path);
    ASSERT_TRUE(decoded.is_ok()) << decoded.status().message();
    EXPECT_TRUE(std::filesystem::is_regular_file(golden_dir() / table / *decoded)) << *decoded;
    EXPECT_EQ(uri_encode_path(*decoded), a.path);
    // The directory holds Spark's zone-less form, the log the ISO form: the
    // same instant.
    const std::string dir = parent_of(*decoded);
    ASSERT_EQ(dir.rfind("ts=", 0), 0u) << dir;
    const DataType type = a.schema.find("ts")->type;
    auto from_dir =
        parse_partition_value(type, unescape_partition_path_component(dir.substr(3)), "ts");
    auto from_log = parse_partition_value(type, a.values.at("ts"), "ts");
    ASSERT_TRUE(from_dir.is_ok()) << from_dir.status().message();
    ASSERT_TRUE(from_log.is_ok()) << from_log.status().message();
    EXPECT_EQ(from_dir->int_value, from_log->int_value);
    // Our writer's form is the log's.
    EXPECT_EQ(serialize_partition_value(*from_log), a.values.at("ts"));
  }
}

TEST(PartitionValueGolden, EveryAddPathNamesAFile) {
  // Tables whose data files were not kept (MANIFEST log_only) are skipped.
  const char* const kLogOnly[] = {"checkpoint", "deltalog-getChanges"};
  int checked = 0;
  for (const auto& e : std::filesystem::directory_iterator(golden_dir())) {
    if (!e.is_directory()) continue;
    const std::string table = e.path().filename().string();
    if (std::find(std::begin(kLogOnly), std::end(kLogOnly), table) != std::end(kLogOnly)) {
      continue;
    }
    for (const GoldenAdd& a : golden_adds(table)) {
      auto decoded = uri_decode_path(a.path);
      ASSERT_TRUE(decoded.is_ok()) << decoded.status().message();
      EXPECT_TRUE(std::filesystem::is_regular_file(golden_dir() / table / *decoded))
          << table << ": " << *decoded;
      ++checked;
    }
  }
  EXPECT_GE(checked, 100);
}

}  // namespace
}  // namespace medallion::delta
