// The compact protocol codec: round trips of every type, the exact bytes the
// spec prescribes, and every way hostile bytes must fail cleanly.
#include "formats/parquet/thrift_compact.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

namespace medallion::parquet {
namespace {

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int v : b) s.push_back(static_cast<char>(v));
  return s;
}

// Writes one value of T with `write`, reads it back with `read`, and checks
// that the reader consumed exactly what the writer produced.
template <typename T, typename W, typename R>
T round_trip(T value, W write, R read) {
  CompactWriter w;
  write(w, value);
  CompactReader r(w.data());
  auto got = read(r);
  EXPECT_TRUE(got.is_ok()) << got.status().message();
  EXPECT_EQ(r.remaining(), 0u);
  return got.is_ok() ? *got : T{};
}

// ------------------------------------------------------------ scalars --

TEST(ThriftCompact, VarintMatchesSpecExample50399) {
  CompactWriter w;
  w.write_varint(50399);
  EXPECT_EQ(w.data(), bytes({0xDF, 0x89, 0x03}));
}

TEST(ThriftCompact, ZigzagMapsSmallNegativesToSmallBytes) {
  CompactWriter w;
  w.write_i32(0);
  w.write_i32(-1);
  w.write_i32(1);
  w.write_i32(-2);
  w.write_i32(-64);
  EXPECT_EQ(w.data(), bytes({0x00, 0x01, 0x02, 0x03, 0x7F}));
}

TEST(ThriftCompact, I8RoundTripsEveryValue) {
  for (int v = -128; v <= 127; ++v) {
    const auto x = static_cast<int8_t>(v);
    EXPECT_EQ(round_trip(
                  x, [](CompactWriter& w, int8_t a) { w.write_i8(a); },
                  [](CompactReader& r) { return r.read_i8(); }),
              x);
  }
}

TEST(ThriftCompact, I16RoundTripsExtremes) {
  for (int16_t v : {int16_t{0}, int16_t{-1}, int16_t{1}, std::numeric_limits<int16_t>::min(),
                    std::numeric_limits<int16_t>::max()}) {
    EXPECT_EQ(round_trip(
                  v, [](CompactWriter& w, int16_t a) { w.write_i16(a); },
                  [](CompactReader& r) { return r.read_i16(); }),
              v);
  }
}

TEST(ThriftCompact, I32RoundTripsNegativeAndExtremes) {
  for (int32_t v : {0, -1, 1, -64, 64, -65, 1 << 20, -(1 << 20),
                    std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()}) {
    EXPECT_EQ(round_trip(
                  v, [](CompactWriter& w, int32_t a) { w.write_i32(a); },
                  [](CompactReader& r) { return r.read_i32(); }),
              v);
  }
}

TEST(ThriftCompact, I64RoundTripsNegativeAndExtremes) {
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{1}, int64_t{-4294967296},
                    std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()}) {
    EXPECT_EQ(round_trip(
                  v, [](CompactWriter& w, int64_t a) { w.write_i64(a); },
                  [](CompactReader& r) { return r.read_i64(); }),
              v);
  }
}

TEST(ThriftCompact, I64MinTakesTenBytes) {
  CompactWriter w;
  w.write_i64(std::numeric_limits<int64_t>::min());
  EXPECT_EQ(w.data().size(), 10u);
}

TEST(ThriftCompact, DoubleIsLittleEndianIeee) {
  CompactWriter w;
  w.write_double(1.0);  // 0x3FF0000000000000
  EXPECT_EQ(w.data(), bytes({0, 0, 0, 0, 0, 0, 0xF0, 0x3F}));
}

TEST(ThriftCompact, DoubleRoundTripsSpecialValues) {
  for (double v : {0.0, -0.0, 1.5, -1e308, std::numeric_limits<double>::infinity(),
                   std::numeric_limits<double>::denorm_min()}) {
    const double got = round_trip(
        v, [](CompactWriter& w, double a) { w.write_double(a); },
        [](CompactReader& r) { return r.read_double(); });
    EXPECT_EQ(std::memcmp(&got, &v, sizeof v), 0) << v;
  }
}

TEST(ThriftCompact, DoubleRoundTripsNanBits) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double got = round_trip(
      nan, [](CompactWriter& w, double a) { w.write_double(a); },
      [](CompactReader& r) { return r.read_double(); });
  EXPECT_TRUE(std::isnan(got));
}

TEST(ThriftCompact, BinaryRoundTripsEmptyNulAndLong) {
  for (const std::string& v : {std::string(), std::string("a\0b", 3), std::string(300, 'x')}) {
    CompactWriter w;
    w.write_binary(v);
    CompactReader r(w.data());
    auto got = r.read_binary();
    ASSERT_TRUE(got.is_ok());
    EXPECT_EQ(*got, v);
    EXPECT_EQ(r.remaining(), 0u);
  }
}

TEST(ThriftCompact, BinaryLengthOver127UsesTwoByteVarint) {
  CompactWriter w;
  w.write_binary(std::string(200, 'y'));
  EXPECT_EQ(w.data().size(), 202u);
}

TEST(ThriftCompact, UuidIsSixteenRawBytes) {
  const std::string id = "0123456789abcdef";
  CompactWriter w;
  w.write_uuid(id);
  EXPECT_EQ(w.data(), id);
  CompactReader r(w.data());
  auto got = r.read_uuid();
  ASSERT_TRUE(got.is_ok());
  EXPECT_EQ(*got, id);
}

// ------------------------------------------------------------- fields --

TEST(ThriftCompact, BoolFieldValueLivesInTheHeader) {
  CompactWriter w;
  w.struct_begin();
  w.field_bool(1, true);
  w.field_bool(2, false);
  w.struct_end();
  EXPECT_EQ(w.data(), bytes({0x11, 0x12, 0x00}));
  CompactReader r(w.data());
  ASSERT_TRUE(r.struct_begin().is_ok());
  auto f1 = r.read_field_header();
  ASSERT_TRUE(f1.is_ok());
  EXPECT_EQ(f1->id, 1);
  EXPECT_EQ(*r.read_bool(), true);
  auto f2 = r.read_field_header();
  ASSERT_TRUE(f2.is_ok());
  EXPECT_EQ(*r.read_bool(), false);
  EXPECT_TRUE(r.read_field_header()->is_stop());
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(ThriftCompact, FieldDeltaUpTo15UsesShortForm) {
  CompactWriter w;
  w.struct_begin();
  w.field_begin(CompactType::kI32, 15);
  w.write_i32(0);
  w.struct_end();
  EXPECT_EQ(w.data(), bytes({0xF5, 0x00, 0x00}));
}

TEST(ThriftCompact, FieldDeltaAbove15UsesLongForm) {
  CompactWriter w;
  w.struct_begin();
  w.field_begin(CompactType::kI32, 16);
  w.write_i32(0);
  w.struct_end();
  EXPECT_EQ(w.data(), bytes({0x05, 0x20, 0x00, 0x00}));  // id 16 = zigzag 32
  CompactReader r(w.data());
  ASSERT_TRUE(r.struct_begin().is_ok());
  auto f = r.read_field_header();
  ASSERT_TRUE(f.is_ok());
  EXPECT_EQ(f->id, 16);
  EXPECT_EQ(f->type, CompactType::kI32);
}

TEST(ThriftCompact, DecreasingFieldIdUsesLongForm) {
  CompactWriter w;
  w.struct_begin();
  w.field_begin(CompactType::kI8, 5);
  w.write_i8(1);
  w.field_begin(CompactType::kI8, 3);
  w.write_i8(2);
  w.struct_end();
  CompactReader r(w.data());
  ASSERT_TRUE(r.struct_begin().is_ok());
  EXPECT_EQ(r.read_field_header()->id, 5);
  EXPECT_EQ(*r.read_i8(), 1);
  auto f = r.read_field_header();
  ASSERT_TRUE(f.is_ok());
  EXPECT_EQ(f->id, 3);
  EXPECT_EQ(*r.read_i8(), 2);
}

TEST(ThriftCompact, NegativeFieldIdRoundTrips) {
  CompactWriter w;
  w.struct_begin();
  w.field_begin(CompactType::kI64, -7);
  w.write_i64(-9);
  w.struct_end();
  CompactReader r(w.data());
  ASSERT_TRUE(r.struct_begin().is_ok());
  auto f = r.read_field_header();
  ASSERT_TRUE(f.is_ok());
  EXPECT_EQ(f->id, -7);
  EXPECT_EQ(*r.read_i64(), -9);
}

TEST(ThriftCompact, DeltaIsRelativeToPreviousFieldOfTheSameStruct) {
  // Field 3 follows field 1 after a nested struct whose last field was 10:
  // its delta must be 2 (from 1), not from the inner 10.
  CompactWriter w;
  w.struct_begin();
  w.field_begin(CompactType::kStruct, 1);
  w.struct_begin();
  w.field_begin(CompactType::kI32, 10);
  w.write_i32(42);
  w.struct_end();
  w.field_begin(CompactType::kI32, 3);
  w.write_i32(7);
  w.struct_end();
  EXPECT_EQ(w.data(), bytes({0x1C, 0xA5, 0x54, 0x00, 0x25, 0x0E, 0x00}));

  CompactReader r(w.data());
  ASSERT_TRUE(r.struct_begin().is_ok());
  EXPECT_EQ(r.read_field_header()->id, 1);
  ASSERT_TRUE(r.struct_begin().is_ok());
  EXPECT_EQ(r.read_field_header()->id, 10);
  EXPECT_EQ(*r.read_i32(), 42);
  EXPECT_TRUE(r.read_field_header()->is_stop());
  ASSERT_TRUE(r.struct_end().is_ok());
  auto f = r.read_field_header();
  ASSERT_TRUE(f.is_ok());
  EXPECT_EQ(f->id, 3);
  EXPECT_EQ(*r.read_i32(), 7);
  EXPECT_TRUE(r.read_field_header()->is_stop());
  ASSERT_TRUE(r.struct_end().is_ok());
  EXPECT_EQ(r.remaining(), 0u);
}

// --------------------------------------------------------- containers --

TEST(ThriftCompact, ListOf14UsesShortHeader) {
  CompactWriter w;
  w.list_begin(CompactType::kI8, 14);
  EXPECT_EQ(w.data(), bytes({0xE3}));
}

TEST(ThriftCompact, ListOf15UsesLongHeader) {
  CompactWriter w;
  w.list_begin(CompactType::kI8, 15);
  for (int i = 0; i < 15; ++i) w.write_i8(static_cast<int8_t>(i));
  EXPECT_EQ(w.data().substr(0, 2), bytes({0xF3, 0x0F}));
  CompactReader r(w.data());
  auto h = r.read_list_header();
  ASSERT_TRUE(h.is_ok());
  EXPECT_EQ(h->size, 15u);
  EXPECT_EQ(h->element_type, CompactType::kI8);
}

TEST(ThriftCompact, LongListSizeRoundTrips) {
  CompactWriter w;
  w.list_begin(CompactType::kI32, 100000);
  for (int i = 0; i < 100000; ++i) w.write_i32(-i);
  CompactReader r(w.data());
  auto h = r.read_list_header();
  ASSERT_TRUE(h.is_ok());
  ASSERT_EQ(h->size, 100000u);
  for (int i = 0; i < 100000; ++i) ASSERT_EQ(*r.read_i32(), -i);
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(ThriftCompact, BoolListElementsAreOneByteEach) {
  CompactWriter w;
  w.list_begin(CompactType::kBoolTrue, 3);
  w.write_bool(true);
  w.write_bool(false);
  w.write_bool(true);
  EXPECT_EQ(w.data(), bytes({0x32, 0x01, 0x00, 0x01}));  // element type 2
  CompactReader r(w.data());
  auto h = r.read_list_header();
  ASSERT_TRUE(h.is_ok());
  EXPECT_TRUE(is_bool_type(h->element_type));
  EXPECT_EQ(*r.read_bool(), true);
  EXPECT_EQ(*r.read_bool(), false);
  EXPECT_EQ(*r.read_bool(), true);
}

TEST(ThriftCompact, BoolElementTwoReadsAsFalse) {
  // Older Java writers put 2 (the field-header "false") in collections.
  const std::string input = bytes({0x22, 0x01, 0x02});
  CompactReader r(input);
  ASSERT_TRUE(r.read_list_header().is_ok());
  EXPECT_EQ(*r.read_bool(), true);
  EXPECT_EQ(*r.read_bool(), false);
}

TEST(ThriftCompact, BoolListWithElementTypeOneIsAccepted) {
  const std::string input = bytes({0x11, 0x01});
  CompactReader r(input);
  auto h = r.read_list_header();
  ASSERT_TRUE(h.is_ok());
  EXPECT_EQ(*r.read_bool(), true);
}

TEST(ThriftCompact, SetHeaderReadsLikeAList) {
  const std::string input = bytes({0x28, 0x01, 'a', 0x01, 'b'});
  CompactReader r(input);
  auto h = r.read_list_header();
  ASSERT_TRUE(h.is_ok());
  EXPECT_EQ(h->size, 2u);
  EXPECT_EQ(*r.read_binary(), "a");
  EXPECT_EQ(*r.read_binary(), "b");
}

TEST(ThriftCompact, EmptyMapIsOneZeroByte) {
  CompactWriter w;
  w.map_begin(CompactType::kBinary, CompactType::kI32, 0);
  EXPECT_EQ(w.data(), bytes({0x00}));
  CompactReader r(w.data());
  auto h = r.read_map_header();
  ASSERT_TRUE(h.is_ok());
  EXPECT_EQ(h->size, 0u);
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(ThriftCompact, MapRoundTrips) {
  CompactWriter w;
  w.map_begin(CompactType::kBinary, CompactType::kI64, 2);
  w.write_binary("k1");
  w.write_i64(-5);
  w.write_binary("k2");
  w.write_i64(1LL << 40);
  CompactReader r(w.data());
  auto h = r.read_map_header();
  ASSERT_TRUE(h.is_ok());
  EXPECT_EQ(h->size, 2u);
  EXPECT_EQ(h->key_type, CompactType::kBinary);
  EXPECT_EQ(h->value_type, CompactType::kI64);
  EXPECT_EQ(*r.read_binary(), "k1");
  EXPECT_EQ(*r.read_i64(), -5);
  EXPECT_EQ(*r.read_binary(), "k2");
  EXPECT_EQ(*r.read_i64(), 1LL << 40);
  EXPECT_EQ(r.remaining(), 0u);
}

// --------------------------------------------------------------- skip --

// A struct {1: i32 7, 2: <unknown field of one type>, 3: i32 9}: skipping
// field 2 must land exactly on field 3.
struct SkipCase {
  const char* name;
  void (*write)(CompactWriter&);  // writes field 2 (header and value)
};

class ThriftCompactSkip : public ::testing::TestWithParam<SkipCase> {};

TEST_P(ThriftCompactSkip, UnknownFieldIsSkippedExactly) {
  CompactWriter w;
  w.struct_begin();
  w.field_begin(CompactType::kI32, 1);
  w.write_i32(7);
  GetParam().write(w);
  w.field_begin(CompactType::kI32, 3);
  w.write_i32(9);
  w.struct_end();

  CompactReader r(w.data());
  ASSERT_TRUE(r.struct_begin().is_ok());
  int32_t f1 = 0, f3 = 0;
  for (;;) {
    auto f = r.read_field_header();
    ASSERT_TRUE(f.is_ok()) << f.status().message();
    if (f->is_stop()) break;
    if (f->id == 1)
      f1 = *r.read_i32();
    else if (f->id == 3)
      f3 = *r.read_i32();
    else
      ASSERT_TRUE(r.skip(f->type).is_ok());
  }
  ASSERT_TRUE(r.struct_end().is_ok());
  EXPECT_EQ(f1, 7);
  EXPECT_EQ(f3, 9);
  EXPECT_EQ(r.remaining(), 0u);
}

INSTANTIATE_TEST_SUITE_P(
    EveryType, ThriftCompactSkip,
    ::testing::Values(SkipCase{"BoolTrue", [](CompactWriter& w) { w.field_bool(2, true); }},
                      SkipCase{"BoolFalse", [](CompactWriter& w) { w.field_bool(2, false); }},
                      SkipCase{"I8",
                               [](CompactWriter& w) {
                                 w.field_begin(CompactType::kI8, 2);
                                 w.write_i8(-3);
                               }},
                      SkipCase{"I16",
                               [](CompactWriter& w) {
                                 w.field_begin(CompactType::kI16, 2);
                                 w.write_i16(-300);
                               }},
                      SkipCase{"I32",
                               [](CompactWriter& w) {
                                 w.field_begin(CompactType::kI32, 2);
                                 w.write_i32(1 << 30);
                               }},
                      SkipCase{"I64",
                               [](CompactWriter& w) {
                                 w.field_begin(CompactType::kI64, 2);
                                 w.write_i64(-(1LL << 60));
                               }},
                      SkipCase{"Double",
                               [](CompactWriter& w) {
                                 w.field_begin(CompactType::kDouble, 2);
                                 w.write_double(2.5);
                               }},
                      SkipCase{"Binary",
                               [](CompactWriter& w) {
                                 w.field_begin(CompactType::kBinary, 2);
                                 w.write_binary(std::string(500, 'z'));
                               }},
                      SkipCase{"Uuid",
                               [](CompactWriter& w) {
                                 w.field_begin(CompactType::kUuid, 2);
                                 w.write_uuid("0123456789abcdef");
                               }},
                      SkipCase{"ListOfBool",
                               [](CompactWriter& w) {
                                 w.field_begin(CompactType::kList, 2);
                                 w.list_begin(CompactType::kBoolFalse, 20);
                                 for (int i = 0; i < 20; ++i) w.write_bool(i % 3 == 0);
                               }},
                      SkipCase{"SetOfBinary",
                               [](CompactWriter& w) {
                                 w.field_begin(CompactType::kSet, 2);
                                 w.list_begin(CompactType::kBinary, 2);
                                 w.write_binary("x");
                                 w.write_binary("yy");
                               }},
                      SkipCase{"ListOfListOfDouble",
                               [](CompactWriter& w) {
                                 w.field_begin(CompactType::kList, 2);
                                 w.list_begin(CompactType::kList, 2);
                                 w.list_begin(CompactType::kDouble, 1);
                                 w.write_double(1);
                                 w.list_begin(CompactType::kDouble, 0);
                               }},
                      SkipCase{"MapOfStringToStruct",
                               [](CompactWriter& w) {
                                 w.field_begin(CompactType::kMap, 2);
                                 w.map_begin(CompactType::kBinary, CompactType::kStruct, 1);
                                 w.write_binary("k");
                                 w.struct_begin();
                                 w.field_bool(1, true);
                                 w.field_begin(CompactType::kI32, 40);
                                 w.write_i32(5);
                                 w.struct_end();
                               }},
                      SkipCase{"EmptyMap",
                               [](CompactWriter& w) {
                                 w.field_begin(CompactType::kMap, 2);
                                 w.map_begin(CompactType::kI32, CompactType::kI32, 0);
                               }},
                      SkipCase{"NestedStruct",
                               [](CompactWriter& w) {
                                 w.field_begin(CompactType::kStruct, 2);
                                 w.struct_begin();
                                 w.field_begin(CompactType::kStruct, 1);
                                 w.struct_begin();
                                 w.field_begin(CompactType::kBinary, 20);
                                 w.write_binary("deep");
                                 w.struct_end();
                                 w.field_bool(2, false);
                                 w.struct_end();
                               }},
                      SkipCase{"LongFormId",
                               [](CompactWriter& w) {
                                 w.field_begin(CompactType::kI32, 2);  // id 2 via short form, then
                                 w.write_i32(1);
                                 w.field_begin(CompactType::kI64, 1000);  // a long-form unknown id
                                 w.write_i64(1);
                                 w.field_begin(CompactType::kI32, 2);  // back down: long form again
                                 w.write_i32(1);
                               }}),
    [](const ::testing::TestParamInfo<SkipCase>& info) { return std::string(info.param.name); });

// ------------------------------------------------------------- errors --

TEST(ThriftCompactError, ListSizeBeyondInputNamesSizeRemainderAndOffset) {
  // A long-form list header claiming 4294967295 elements, 12 bytes after it.
  std::string in = bytes({0xF5, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F}) + std::string(12, '\0');
  CompactReader r(in, 112);
  auto h = r.read_list_header();
  ASSERT_FALSE(h.is_ok());
  EXPECT_EQ(h.status().code(), util::StatusCode::kCorruption);
  EXPECT_EQ(h.status().message(),
            "parquet: thrift: list size 4294967295 exceeds remaining 12 bytes (offset 112)");
}

TEST(ThriftCompactError, DoubleListNeedsEightBytesPerElement) {
  const std::string input = bytes({0x27}) + std::string(15, '\0');  // 2 doubles, 15 bytes
  CompactReader r(input);
  EXPECT_FALSE(r.read_list_header().is_ok());
}

TEST(ThriftCompactError, MapSizeBeyondInput) {
  const std::string input = bytes({0x80, 0x01, 0x88, 'a'});  // 128 binary→binary pairs
  CompactReader r(input);
  auto h = r.read_map_header();
  ASSERT_FALSE(h.is_ok());
  EXPECT_NE(h.status().message().find("map size 128"), std::string::npos);
}

TEST(ThriftCompactError, BinaryLengthBeyondInput) {
  const std::string input = bytes({0x0A, 'a', 'b'});
  CompactReader r(input);
  auto v = r.read_binary();
  ASSERT_FALSE(v.is_ok());
  EXPECT_EQ(v.status().message(),
            "parquet: thrift: binary length 10 exceeds remaining 2 bytes (offset 0)");
}

TEST(ThriftCompactError, TruncatedVarint) {
  const std::string input = bytes({0x80, 0x80});
  CompactReader r(input);
  EXPECT_FALSE(r.read_i64().is_ok());
}

TEST(ThriftCompactError, VarintOverflowing64Bits) {
  const std::string input = bytes({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02});
  CompactReader r(input);
  EXPECT_FALSE(r.read_varint64().is_ok());
}

TEST(ThriftCompactError, VarintLongerThanTenBytes) {
  const std::string input =
      bytes({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x81, 0x00});
  CompactReader r(input);
  EXPECT_FALSE(r.read_varint64().is_ok());
}

TEST(ThriftCompactError, I32VarintBeyond32Bits) {
  const std::string input = bytes({0x80, 0x80, 0x80, 0x80, 0x10});  // 2^32
  CompactReader r(input);
  EXPECT_FALSE(r.read_i32().is_ok());
}

TEST(ThriftCompactError, I16OutOfRange) {
  CompactWriter w;
  w.write_i32(40000);
  CompactReader r(w.data());
  EXPECT_FALSE(r.read_i16().is_ok());
}

TEST(ThriftCompactError, TruncatedDouble) {
  const std::string input = bytes({0, 0, 0});
  CompactReader r(input);
  EXPECT_FALSE(r.read_double().is_ok());
}

TEST(ThriftCompactError, TruncatedUuid) {
  const std::string input = std::string(15, 'u');
  CompactReader r(input);
  EXPECT_FALSE(r.read_uuid().is_ok());
}

TEST(ThriftCompactError, EmptyInputHasNoFieldHeader) {
  const std::string input = std::string();
  CompactReader r(input);
  ASSERT_TRUE(r.struct_begin().is_ok());
  EXPECT_FALSE(r.read_field_header().is_ok());
}

TEST(ThriftCompactError, UnknownFieldTypeId) {
  const std::string input = bytes({0x1E});  // delta 1, type 14
  CompactReader r(input);
  ASSERT_TRUE(r.struct_begin().is_ok());
  auto f = r.read_field_header();
  ASSERT_FALSE(f.is_ok());
  EXPECT_NE(f.status().message().find("unknown type id 14"), std::string::npos);
}

TEST(ThriftCompactError, UnknownListElementType) {
  const std::string input = bytes({0x1F});
  CompactReader r(input);
  EXPECT_FALSE(r.read_list_header().is_ok());
}

TEST(ThriftCompactError, StopAsListElementType) {
  const std::string input = bytes({0x10, 0x00});
  CompactReader r(input);
  EXPECT_FALSE(r.read_list_header().is_ok());
}

TEST(ThriftCompactError, FieldIdDeltaOverflowingI16) {
  CompactWriter w;
  w.struct_begin();
  w.field_begin(CompactType::kI8, 32767);
  w.write_i8(0);
  std::string in = w.data() + bytes({0x13, 0x00});  // delta 1 → 32768
  CompactReader r(in);
  ASSERT_TRUE(r.struct_begin().is_ok());
  ASSERT_TRUE(r.read_field_header().is_ok());
  ASSERT_TRUE(r.read_i8().is_ok());
  EXPECT_FALSE(r.read_field_header().is_ok());
}

TEST(ThriftCompactError, BoolElementThree) {
  const std::string input = bytes({0x12, 0x03});
  CompactReader r(input);
  ASSERT_TRUE(r.read_list_header().is_ok());
  EXPECT_FALSE(r.read_bool().is_ok());
}

TEST(ThriftCompactError, SkipOfStopType) {
  const std::string input = bytes({0x00});
  CompactReader r(input);
  EXPECT_FALSE(r.skip(CompactType::kStop).is_ok());
}

TEST(ThriftCompactError, StructsNestedDeeperThanLimit) {
  // field 1: struct { field 1: struct { ... } } — 100 deep, never closed.
  std::string in(100, static_cast<char>(0x1C));
  CompactReader r(in);
  auto st = r.skip(CompactType::kStruct);
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("deeper than 64"), std::string::npos) << st.message();
}

TEST(ThriftCompactError, ListsNestedDeeperThanLimit) {
  // list<list<list<...>>> each of one element, 100 deep.
  std::string in(100, static_cast<char>(0x19));
  CompactReader r(in);
  auto st = r.skip(CompactType::kList);
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("deeper than 64"), std::string::npos) << st.message();
}

TEST(ThriftCompactError, NestingAtTheLimitIsAccepted) {
  // 63 nested one-field structs inside the skipped one, then all closed.
  std::string in(63, static_cast<char>(0x1C));
  in += std::string(64, '\0');
  CompactReader r(in);
  auto st = r.skip(CompactType::kStruct);
  EXPECT_TRUE(st.is_ok()) << st.message();
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(ThriftCompactError, OffsetIncludesBaseOffsetAndContext) {
  const std::string input = bytes({0x05});
  CompactReader r(input, 1000);
  r.set_context("SchemaElement.name");
  auto v = r.read_binary();
  ASSERT_FALSE(v.is_ok());
  EXPECT_EQ(v.status().message(),
            "parquet: thrift: binary length 5 exceeds remaining 0 bytes "
            "(SchemaElement.name, offset 1000)");
}

}  // namespace
}  // namespace medallion::parquet
