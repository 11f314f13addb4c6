// Types and values (§4.2.5.2 options, §6 values): every type's value round
// trips, with its edges, the exact bytes where the spec gives them, and each
// malformed length fails naming the type.
#include "cql/protocol/types.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "cql_test_util.h"

namespace medallion::cql {
namespace {

using testing::hex;

CqlType T(TypeId id) { return CqlType::of(id); }

// Encodes, checks the bytes when given, decodes, and returns the result.
CqlValue round_trip(const CqlType& type, const CqlValue& value,
                    std::optional<std::string> expect_bytes = std::nullopt) {
  auto bytes = encode_value(type, value);
  EXPECT_TRUE(bytes.is_ok()) << bytes.status().message();
  if (!bytes.is_ok()) return {};
  if (expect_bytes) {
    EXPECT_EQ(testing::to_hex(*bytes), testing::to_hex(*expect_bytes));
  }
  auto back = decode_value(type, *bytes);
  EXPECT_TRUE(back.is_ok()) << back.status().message();
  if (!back.is_ok()) return {};
  return *back;
}

void expect_round_trip(const CqlType& type, const CqlValue& value,
                       std::optional<std::string> expect_bytes = std::nullopt) {
  EXPECT_EQ(round_trip(type, value, std::move(expect_bytes)), value) << type.to_cql();
}

util::Status decode_error(const CqlType& type, std::string_view bytes) {
  auto r = decode_value(type, bytes);
  EXPECT_FALSE(r.is_ok()) << type.to_cql();
  return r.is_ok() ? util::Status::ok() : r.status();
}

// ------------------------------------------------------------- options --

CqlType type_round_trip(const CqlType& t, std::optional<std::string> expect = std::nullopt) {
  std::string out;
  WireWriter w(&out);
  write_type(w, t);
  EXPECT_TRUE(w.ok());
  if (expect) {
    EXPECT_EQ(testing::to_hex(out), testing::to_hex(*expect));
  }
  WireReader r(out);
  auto back = read_type(r);
  EXPECT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_TRUE(r.at_end());
  return back.is_ok() ? *back : CqlType{};
}

TEST(TypeOption, EveryNativeTypeRoundTrips) {
  for (uint16_t id : {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E,
                      0x0F, 0x10, 0x11, 0x12, 0x13, 0x14}) {
    CqlType t = T(static_cast<TypeId>(id));
    std::string expect;
    expect.push_back(0);
    expect.push_back(static_cast<char>(id));
    EXPECT_EQ(type_round_trip(t, expect), t);
  }
}

TEST(TypeOption, NestedListOfMapLayout) {
  CqlType t = CqlType::list_of(CqlType::map_of(T(TypeId::kVarchar), T(TypeId::kInt)));
  EXPECT_EQ(type_round_trip(t, hex("0020 0021 000D 0009")), t);
  EXPECT_EQ(t.to_cql(), "list<map<text, int>>");
}

TEST(TypeOption, CustomUdtAndTuple) {
  CqlType custom = CqlType::custom("org.apache.cassandra.db.marshal.DurationType");
  EXPECT_EQ(type_round_trip(custom), custom);
  CqlType udt = CqlType::of(TypeId::kUdt);
  udt.udt_keyspace = "ks";
  udt.udt_name = "addr";
  udt.field_names = {"street", "zip"};
  udt.params = {T(TypeId::kVarchar), T(TypeId::kInt)};
  EXPECT_EQ(type_round_trip(udt), udt);
  CqlType tuple = CqlType::of(TypeId::kTuple);
  tuple.params = {T(TypeId::kInt), CqlType::set_of(T(TypeId::kUuid))};
  EXPECT_EQ(type_round_trip(tuple, hex("0031 0002 0009 0022 000C")), tuple);
}

TEST(TypeOption, UnknownIdIsMalformed) {
  const std::string r_bytes = hex("000A");
  WireReader r(r_bytes);
  auto t = read_type(r, "column type");
  ASSERT_FALSE(t.is_ok());
  EXPECT_NE(t.status().message().find("0x000A"), std::string::npos);
  EXPECT_NE(t.status().message().find("column type"), std::string::npos);
}

TEST(TypeOption, TruncatedMapIsMalformed) {
  const std::string r_bytes = hex("0021 000D");
  WireReader r(r_bytes);
  EXPECT_FALSE(read_type(r).is_ok());
}

TEST(TypeOption, DeepNestingIsRefused) {
  std::string bytes;
  for (int i = 0; i < 100; ++i) bytes += hex("0020");
  bytes += hex("0009");
  WireReader r(bytes);
  auto t = read_type(r);
  ASSERT_FALSE(t.is_ok());
  EXPECT_NE(t.status().message().find("nests more than"), std::string::npos);
}

// -------------------------------------------------------------- values --

TEST(Values, BooleanTrueFalseAndNonzeroByte) {
  expect_round_trip(T(TypeId::kBoolean), true, hex("01"));
  expect_round_trip(T(TypeId::kBoolean), false, hex("00"));
  EXPECT_EQ(*decode_value(T(TypeId::kBoolean), hex("7F")), CqlValue(true));
}

TEST(Values, TinyintEdges) {
  expect_round_trip(T(TypeId::kTinyint), int8_t{-128}, hex("80"));
  expect_round_trip(T(TypeId::kTinyint), int8_t{127}, hex("7F"));
}

TEST(Values, SmallintEdges) {
  expect_round_trip(T(TypeId::kSmallint), int16_t{-32768}, hex("8000"));
  expect_round_trip(T(TypeId::kSmallint), int16_t{-1}, hex("FFFF"));
}

TEST(Values, IntMinAndMax) {
  expect_round_trip(T(TypeId::kInt), std::numeric_limits<int32_t>::min(), hex("80000000"));
  expect_round_trip(T(TypeId::kInt), std::numeric_limits<int32_t>::max(), hex("7FFFFFFF"));
}

TEST(Values, BigintAndCounterEdges) {
  expect_round_trip(T(TypeId::kBigint), std::numeric_limits<int64_t>::min(),
                    hex("8000000000000000"));
  expect_round_trip(T(TypeId::kCounter), int64_t{-1}, hex("FFFFFFFFFFFFFFFF"));
}

TEST(Values, FloatNaNKeepsItsBits) {
  auto back =
      round_trip(T(TypeId::kFloat), std::numeric_limits<float>::quiet_NaN(), hex("7FC00000"));
  ASSERT_TRUE(std::holds_alternative<float>(back.v));
  EXPECT_TRUE(std::isnan(std::get<float>(back.v)));
}

TEST(Values, FloatInfinity) {
  expect_round_trip(T(TypeId::kFloat), -std::numeric_limits<float>::infinity(), hex("FF800000"));
}

TEST(Values, DoubleNegativeZeroKeepsItsSign) {
  auto back = round_trip(T(TypeId::kDouble), -0.0, hex("8000000000000000"));
  ASSERT_TRUE(std::holds_alternative<double>(back.v));
  EXPECT_TRUE(std::signbit(std::get<double>(back.v)));
}

TEST(Values, DoubleNaNAndPi) {
  auto back = round_trip(T(TypeId::kDouble), std::nan(""));
  EXPECT_TRUE(std::isnan(std::get<double>(back.v)));
  expect_round_trip(T(TypeId::kDouble), 3.141592653589793, hex("400921FB54442D18"));
}

TEST(Values, TextAsciiAndEmptyBlob) {
  expect_round_trip(T(TypeId::kVarchar), std::string("h\xC3\xA9"), hex("68C3A9"));
  expect_round_trip(T(TypeId::kAscii), std::string("abc"), hex("616263"));
  expect_round_trip(T(TypeId::kBlob), std::string(), "");
  expect_round_trip(T(TypeId::kVarchar), std::string(), "");
}

TEST(Values, AsciiAbove127IsMalformed) {
  util::Status s = decode_error(T(TypeId::kAscii), "\x80");
  EXPECT_NE(s.message().find("ascii"), std::string::npos);
  EXPECT_FALSE(encode_value(T(TypeId::kAscii), std::string("\xFF")).is_ok());
}

TEST(Values, TextInvalidUtf8IsMalformed) {
  util::Status s = decode_error(T(TypeId::kVarchar), "\xC3");
  EXPECT_NE(s.message().find("UTF-8"), std::string::npos);
}

TEST(Values, VarintSpecExamples) {
  const std::pair<int64_t, const char*> cases[] = {{0, "00"},     {1, "01"},     {127, "7F"},
                                                   {128, "0080"}, {129, "0081"}, {-1, "FF"},
                                                   {-128, "80"},  {-129, "FF7F"}};
  for (const auto& [x, bytes] : cases) {
    Varint v = Varint::from_int64(x);
    EXPECT_EQ(testing::to_hex(v.bytes()), testing::to_hex(hex(bytes))) << x;
    expect_round_trip(T(TypeId::kVarint), v, hex(bytes));
    EXPECT_EQ(v.to_int64(), x);
    EXPECT_EQ(v.to_string(), std::to_string(x));
  }
}

TEST(Values, VarintTwoToThe64) {
  auto v = Varint::from_decimal("18446744073709551616");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(testing::to_hex(v->bytes()), "010000000000000000");
  EXPECT_FALSE(v->to_int64().has_value());
  EXPECT_EQ(v->to_string(), "18446744073709551616");
  expect_round_trip(T(TypeId::kVarint), *v, hex("010000000000000000"));
  auto neg = Varint::from_decimal("-18446744073709551616");
  ASSERT_TRUE(neg.has_value());
  EXPECT_EQ(testing::to_hex(neg->bytes()), "ff0000000000000000");
  EXPECT_EQ(neg->to_string(), "-18446744073709551616");
}

TEST(Values, VarintInt64Extremes) {
  Varint mn = Varint::from_int64(std::numeric_limits<int64_t>::min());
  EXPECT_EQ(testing::to_hex(mn.bytes()), "8000000000000000");
  EXPECT_EQ(mn.to_string(), "-9223372036854775808");
  EXPECT_EQ(mn.to_int64(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(Varint::from_decimal("9223372036854775807")->to_int64(),
            std::numeric_limits<int64_t>::max());
}

TEST(Values, VarintRedundantBytesAreNormalized) {
  auto v = decode_value(T(TypeId::kVarint), hex("0000FF"));
  ASSERT_TRUE(v.is_ok());
  EXPECT_EQ(testing::to_hex(std::get<Varint>(v->v).bytes()), "00ff");
  EXPECT_EQ(std::get<Varint>(v->v).to_int64(), 255);
}

TEST(Values, VarintEmptyIsMalformed) {
  util::Status s = decode_error(T(TypeId::kVarint), "");
  EXPECT_NE(s.message().find("varint"), std::string::npos);
}

TEST(Values, VarintFromDecimalRejectsJunk) {
  EXPECT_FALSE(Varint::from_decimal("").has_value());
  EXPECT_FALSE(Varint::from_decimal("-").has_value());
  EXPECT_FALSE(Varint::from_decimal("12a").has_value());
  EXPECT_EQ(Varint::from_decimal("+007")->to_int64(), 7);
}

TEST(Values, DecimalNegativeScale) {
  Decimal d{-3, Varint::from_int64(12)};
  expect_round_trip(T(TypeId::kDecimal), d, hex("FFFFFFFD 0C"));
  EXPECT_EQ(d.to_string(), "1.2E+4");
}

TEST(Values, DecimalToStringFollowsBigDecimal) {
  EXPECT_EQ((Decimal{2, Varint::from_int64(12345)}).to_string(), "123.45");
  EXPECT_EQ((Decimal{5, Varint::from_int64(-12)}).to_string(), "-0.00012");
  EXPECT_EQ((Decimal{0, Varint::from_int64(0)}).to_string(), "0");
  EXPECT_EQ((Decimal{7, Varint::from_int64(1)}).to_string(), "1E-7");
  EXPECT_EQ((Decimal{-2, Varint::from_int64(0)}).to_string(), "0E+2");
}

TEST(Values, DecimalTooShortIsMalformed) {
  util::Status s = decode_error(T(TypeId::kDecimal), hex("00000001"));
  EXPECT_NE(s.message().find("decimal"), std::string::npos);
}

TEST(Values, TimestampBeforeEpoch) {
  expect_round_trip(T(TypeId::kTimestamp), Timestamp{-1}, hex("FFFFFFFFFFFFFFFF"));
  expect_round_trip(T(TypeId::kTimestamp), Timestamp{1700000000000}, hex("0000018BCFE56800"));
}

TEST(Values, DateMinEpochMax) {
  expect_round_trip(T(TypeId::kDate), Date{0}, hex("00000000"));
  expect_round_trip(T(TypeId::kDate), Date{}, hex("80000000"));
  expect_round_trip(T(TypeId::kDate), Date{0xFFFFFFFF}, hex("FFFFFFFF"));
  EXPECT_EQ(Date::from_days_since_epoch(0).days, 0x80000000u);
  EXPECT_EQ(Date::from_days_since_epoch(-1).days, 0x7FFFFFFFu);
  EXPECT_EQ(Date{0}.days_since_epoch(), -2147483648LL);
}

TEST(Values, TimeBounds) {
  expect_round_trip(T(TypeId::kTime), Time{0}, hex("0000000000000000"));
  expect_round_trip(T(TypeId::kTime), Time{Time::kMaxNanos}, hex("00004E94914EFFFF"));
}

TEST(Values, TimeOutOfRange) {
  util::Status s = decode_error(T(TypeId::kTime), hex("00004E94914F0000"));
  EXPECT_NE(s.message().find("outside 0..86399999999999"), std::string::npos);
  EXPECT_FALSE(decode_value(T(TypeId::kTime), hex("FFFFFFFFFFFFFFFF")).is_ok());
  EXPECT_FALSE(encode_value(T(TypeId::kTime), Time{-1}).is_ok());
}

TEST(Values, UuidAnyVersion) {
  Uuid u;
  const std::string b = hex("550e8400e29b41d4a716446655440000");
  std::memcpy(u.bytes.data(), b.data(), 16);
  expect_round_trip(T(TypeId::kUuid), u, b);
  EXPECT_EQ(u.to_string(), "550e8400-e29b-41d4-a716-446655440000");
  EXPECT_EQ(u.version(), 4);
}

TEST(Values, TimeuuidMustBeVersion1) {
  Uuid u;
  const std::string v1 = hex("e4b2f1a0-8c5e-11ee-b9d1-0242ac120002");
  std::memcpy(u.bytes.data(), v1.data(), 16);
  expect_round_trip(T(TypeId::kTimeuuid), u, v1);
  util::Status s = decode_error(T(TypeId::kTimeuuid), hex("550e8400e29b41d4a716446655440000"));
  EXPECT_NE(s.message().find("version 1"), std::string::npos);
  Uuid v4;
  v4.bytes[6] = 0x40;
  EXPECT_FALSE(encode_value(T(TypeId::kTimeuuid), v4).is_ok());
}

TEST(Values, InetV4V6AndBadSize) {
  expect_round_trip(T(TypeId::kInet), InetAddress{hex("C0A80001")}, hex("C0A80001"));
  expect_round_trip(T(TypeId::kInet), InetAddress{hex("20010DB8000000000000000000000001")});
  util::Status s = decode_error(T(TypeId::kInet), hex("0102030405"));
  EXPECT_NE(s.message().find("4 or 16 bytes, not 5"), std::string::npos);
}

TEST(Values, ListOfIntLayout) {
  CqlType t = CqlType::list_of(T(TypeId::kInt));
  CqlList l{{int32_t{1}, int32_t{-1}}};
  expect_round_trip(t, l, hex("00000002 00000004 00000001 00000004 FFFFFFFF"));
  expect_round_trip(t, CqlList{}, hex("00000000"));
}

TEST(Values, SetOfText) {
  expect_round_trip(CqlType::set_of(T(TypeId::kVarchar)),
                    CqlList{{std::string("0"), std::string("")}},
                    hex("00000002 00000001 30 00000000"));
}

TEST(Values, NestedListOfMapTextInt) {
  CqlType t = CqlType::list_of(CqlType::map_of(T(TypeId::kVarchar), T(TypeId::kInt)));
  CqlMap m1{{{std::string("a"), int32_t{1}}, {std::string("b"), int32_t{2}}}};
  CqlMap m2{};
  CqlList l{{m1, m2}};
  expect_round_trip(t, l,
                    hex("00000002") +
                        hex("0000001E 00000002 00000001 61 00000004 00000001"
                            "00000001 62 00000004 00000002") +
                        hex("00000004 00000000"));
}

TEST(Values, TupleWithNullField) {
  CqlType t = CqlType::of(TypeId::kTuple);
  t.params = {T(TypeId::kInt), T(TypeId::kVarchar)};
  expect_round_trip(t, CqlList{{int32_t{5}, CqlValue()}}, hex("00000004 00000005 FFFFFFFF"));
}

TEST(Values, UdtWithFewerFields) {
  CqlType t = CqlType::of(TypeId::kUdt);
  t.params = {T(TypeId::kInt), T(TypeId::kInt)};
  t.field_names = {"a", "b"};
  expect_round_trip(t, CqlList{{int32_t{7}}}, hex("00000004 00000007"));
}

TEST(Values, ListNullElementIsMalformed) {
  util::Status s = decode_error(CqlType::list_of(T(TypeId::kInt)), hex("00000001 FFFFFFFF"));
  EXPECT_NE(s.message().find("element 0 is null"), std::string::npos);
  EXPECT_FALSE(encode_value(CqlType::list_of(T(TypeId::kInt)), CqlList{{CqlValue()}}).is_ok());
}

TEST(Values, ListCountBeyondBytesIsMalformed) {
  util::Status s = decode_error(CqlType::list_of(T(TypeId::kInt)), hex("7FFFFFFF 00000004"));
  EXPECT_NE(s.message().find("2147483647 elements claimed"), std::string::npos);
}

TEST(Values, ListNegativeCountIsMalformed) {
  util::Status s = decode_error(CqlType::list_of(T(TypeId::kInt)), hex("FFFFFFFF"));
  EXPECT_NE(s.message().find("negative element count"), std::string::npos);
}

TEST(Values, ListTrailingBytesAreMalformed) {
  util::Status s = decode_error(CqlType::list_of(T(TypeId::kInt)), hex("00000000 00"));
  EXPECT_NE(s.message().find("1 bytes follow"), std::string::npos);
}

TEST(Values, ListElementOfWrongSizeNamesTheElementType) {
  util::Status s = decode_error(CqlType::list_of(T(TypeId::kInt)), hex("00000001 00000002 0001"));
  EXPECT_NE(s.message().find("a value of type int is exactly 4 bytes, not 2"), std::string::npos)
      << s.message();
}

TEST(Values, MapNullKeyIsMalformed) {
  CqlType t = CqlType::map_of(T(TypeId::kVarchar), T(TypeId::kInt));
  util::Status s = decode_error(t, hex("00000001 FFFFFFFF 00000004 00000001"));
  EXPECT_NE(s.message().find("null key"), std::string::npos);
}

TEST(Values, MapCountBeyondBytesIsMalformed) {
  CqlType t = CqlType::map_of(T(TypeId::kInt), T(TypeId::kInt));
  util::Status s = decode_error(t, hex("00000002 00000000 00000000"));
  EXPECT_NE(s.message().find("2 entries claimed"), std::string::npos);
}

// Every fixed-size type refuses every other length, naming the type.
TEST(Values, EveryFixedSizeTypeRefusesOtherLengths) {
  const std::pair<TypeId, size_t> fixed[] = {
      {TypeId::kBoolean, 1},   {TypeId::kTinyint, 1}, {TypeId::kSmallint, 2}, {TypeId::kInt, 4},
      {TypeId::kBigint, 8},    {TypeId::kCounter, 8}, {TypeId::kFloat, 4},    {TypeId::kDouble, 8},
      {TypeId::kTimestamp, 8}, {TypeId::kDate, 4},    {TypeId::kTime, 8},     {TypeId::kUuid, 16},
      {TypeId::kTimeuuid, 16}};
  for (const auto& [id, size] : fixed) {
    for (size_t n : {size_t{0}, size - 1, size + 1}) {
      if (n == size) continue;
      util::Status s = decode_error(T(id), std::string(n, '\0'));
      EXPECT_EQ(s.code(), util::StatusCode::kCorruption);
      EXPECT_NE(s.message().find(std::string("(") + std::string(type_name(id)) + " value)"),
                std::string::npos)
          << s.message();
    }
  }
}

TEST(Values, EncodingTheWrongAlternativeIsRefused) {
  auto r = encode_value(T(TypeId::kInt), int64_t{1});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("a value held as int64 cannot be encoded as int"),
            std::string::npos);
  EXPECT_FALSE(encode_value(T(TypeId::kInt), CqlValue()).is_ok());
}

TEST(Values, CustomTypeIsRawBytes) {
  expect_round_trip(CqlType::custom("org.apache.cassandra.db.marshal.DurationType"),
                    std::string("\x02\x04\x06", 3), hex("020406"));
}

// check_value() is decode_value() without the value: the same verdict and
// the same message, over every type and bytes of every length up to 17
// (random content), plus the content rules of each type.
TEST(Values, CheckValueAgreesWithDecodeValue) {
  std::vector<CqlType> types;
  for (TypeId id : {TypeId::kCustom,  TypeId::kAscii,   TypeId::kBigint,    TypeId::kBlob,
                    TypeId::kBoolean, TypeId::kCounter, TypeId::kDecimal,   TypeId::kDouble,
                    TypeId::kFloat,   TypeId::kInt,     TypeId::kTimestamp, TypeId::kUuid,
                    TypeId::kVarchar, TypeId::kVarint,  TypeId::kTimeuuid,  TypeId::kInet,
                    TypeId::kDate,    TypeId::kTime,    TypeId::kSmallint,  TypeId::kTinyint}) {
    types.push_back(T(id));
  }
  types.push_back(CqlType::list_of(T(TypeId::kInt)));
  types.push_back(CqlType::map_of(T(TypeId::kVarchar), T(TypeId::kBigint)));
  std::vector<std::string> inputs = {
      std::string("\xff\xff\xff\xff\xff\xff\xff\xff", 8),  // time -1
      std::string("\x00\x00\x4e\x94\x91\x4f\x00\x00", 8),  // time 86400 s
      std::string("\xc3\x28"),                             // invalid UTF-8
      std::string("caf\xc3\xa9"),                          // UTF-8, not ascii
      hex("00000001000000040000002a"),                     // list<int> [42]
      hex("0000000100000001"),                             // truncated
  };
  // UUIDs of versions 1 and 4.
  inputs.push_back(hex("6ba7b8109dad11d180b400c04fd430c8"));
  inputs.push_back(hex("f47ac10b58cc4372a5670e02b2c3d479"));
  uint32_t seed = 7;
  for (size_t n = 0; n <= 17; ++n) {
    for (int k = 0; k < 4; ++k) {
      std::string bytes(n, '\0');
      for (char& c : bytes) {
        seed = seed * 1103515245u + 12345u;
        c = static_cast<char>(seed >> 16);
      }
      inputs.push_back(bytes);
    }
  }
  for (const CqlType& type : types) {
    for (const std::string& bytes : inputs) {
      const auto decoded = decode_value(type, bytes);
      const util::Status checked = check_value(type, bytes);
      ASSERT_EQ(checked.is_ok(), decoded.is_ok()) << type.to_cql() << " " << testing::to_hex(bytes);
      if (!checked.is_ok()) {
        EXPECT_EQ(checked.message(), decoded.status().message()) << type.to_cql();
        EXPECT_EQ(checked.code(), decoded.status().code()) << type.to_cql();
      }
    }
  }
}

}  // namespace
}  // namespace medallion::cql
