// The protocol notation (§3): every primitive round trips through
// WireWriter/WireReader, and every truncated or malformed field fails with an
// error naming it.
#include "cql/protocol/wire.h"

#include <gtest/gtest.h>

#include <functional>
#include <limits>

#include "cql_test_util.h"

namespace medallion::cql {
namespace {

using testing::hex;

// Views returned by a reader point into the buffer round_trip owns: copy them.
util::Result<std::string> owned(util::Result<std::string_view> v) {
  if (!v.is_ok()) return v.status();
  return std::string(*v);
}

template <typename Write, typename Read>
auto round_trip(Write write, Read read) {
  std::string out;
  WireWriter w(&out);
  write(w);
  EXPECT_TRUE(w.ok()) << w.status().message();
  WireReader r(out, "test");
  auto got = read(r);
  EXPECT_TRUE(got.is_ok()) << got.status().message();
  EXPECT_TRUE(r.at_end());
  return got;
}

TEST(Wire, ByteRoundTrip) {
  auto v = round_trip([](WireWriter& w) { w.write_byte(0xAB); },
                      [](WireReader& r) { return r.read_byte("b"); });
  EXPECT_EQ(*v, 0xAB);
}

TEST(Wire, ShortIsUnsignedBigEndian) {
  std::string out;
  WireWriter(&out).write_short(0xFFFE);
  EXPECT_EQ(out, hex("FFFE"));
  WireReader r(out);
  EXPECT_EQ(*r.read_short("s"), 0xFFFE);
}

TEST(Wire, IntMinRoundTrip) {
  auto v = round_trip([](WireWriter& w) { w.write_int(std::numeric_limits<int32_t>::min()); },
                      [](WireReader& r) { return r.read_int("i"); });
  EXPECT_EQ(*v, std::numeric_limits<int32_t>::min());
}

TEST(Wire, IntBytesAreBigEndian) {
  std::string out;
  WireWriter(&out).write_int(-2);
  EXPECT_EQ(out, hex("FFFFFFFE"));
}

TEST(Wire, LongRoundTripExtremes) {
  for (int64_t x : {std::numeric_limits<int64_t>::min(), int64_t{-1}, int64_t{0},
                    std::numeric_limits<int64_t>::max(), int64_t{0x0102030405060708}}) {
    auto v = round_trip([x](WireWriter& w) { w.write_long(x); },
                        [](WireReader& r) { return r.read_long("l"); });
    EXPECT_EQ(*v, x);
  }
  std::string out;
  WireWriter(&out).write_long(0x0102030405060708);
  EXPECT_EQ(out, hex("0102030405060708"));
}

TEST(Wire, StringRoundTripUtf8) {
  auto v = round_trip([](WireWriter& w) { w.write_string("h\xC3\xA9llo"); },
                      [](WireReader& r) { return owned(r.read_string("s")); });
  EXPECT_EQ(*v, "h\xC3\xA9llo");
}

TEST(Wire, StringLayout) {
  std::string out;
  WireWriter(&out).write_string("ab");
  EXPECT_EQ(out, hex("0002 6162"));
}

TEST(Wire, EmptyStringRoundTrip) {
  auto v = round_trip([](WireWriter& w) { w.write_string(""); },
                      [](WireReader& r) { return owned(r.read_string("s")); });
  EXPECT_EQ(*v, "");
}

TEST(Wire, LongStringRoundTrip) {
  std::string big(70000, 'x');
  auto v = round_trip([&](WireWriter& w) { w.write_long_string(big); },
                      [](WireReader& r) { return owned(r.read_long_string("q")); });
  EXPECT_EQ(*v, big);
}

TEST(Wire, BytesNullAndEmptyAreDistinct) {
  std::string out;
  WireWriter w(&out);
  w.write_bytes(std::nullopt);
  w.write_bytes(std::string_view(""));
  w.write_bytes(std::string_view("\x01\x02", 2));
  EXPECT_EQ(out, hex("FFFFFFFF 00000000 00000002 0102"));
  WireReader r(out);
  auto a = r.read_bytes("a");
  auto b = r.read_bytes("b");
  auto c = r.read_bytes("c");
  ASSERT_TRUE(a.is_ok() && b.is_ok() && c.is_ok());
  EXPECT_FALSE(a->has_value());
  ASSERT_TRUE(b->has_value());
  EXPECT_EQ(**b, "");
  EXPECT_EQ(**c, std::string_view("\x01\x02", 2));
}

TEST(Wire, BytesAnyNegativeLengthIsNull) {
  const std::string r_bytes = hex("FFFFFFF0");
  WireReader r(r_bytes);
  auto v = r.read_bytes("b");
  ASSERT_TRUE(v.is_ok());
  EXPECT_FALSE(v->has_value());
}

TEST(Wire, ValueNullNotSetAndBytes) {
  std::string out;
  WireWriter w(&out);
  w.write_value(Value::null());
  w.write_value(Value::not_set());
  w.write_value(Value::of("z"));
  EXPECT_EQ(out, hex("FFFFFFFF FFFFFFFE 00000001 7A"));
  WireReader r(out);
  EXPECT_EQ(*r.read_value("a"), Value::null());
  EXPECT_EQ(*r.read_value("b"), Value::not_set());
  EXPECT_EQ(*r.read_value("c"), Value::of("z"));
}

TEST(Wire, ValueLengthBelowMinusTwoIsMalformed) {
  const std::string r_bytes = hex("FFFFFFFD");
  WireReader r(r_bytes);
  auto v = r.read_value("bound value");
  ASSERT_FALSE(v.is_ok());
  EXPECT_EQ(v.status().code(), util::StatusCode::kCorruption);
  EXPECT_NE(v.status().message().find("bound value"), std::string::npos);
  EXPECT_NE(v.status().message().find("-3"), std::string::npos);
}

TEST(Wire, ShortBytesRoundTrip) {
  std::string id = hex("00112233445566778899AABBCCDDEEFF");
  auto v = round_trip([&](WireWriter& w) { w.write_short_bytes(id); },
                      [](WireReader& r) { return owned(r.read_short_bytes("id")); });
  EXPECT_EQ(*v, id);
}

TEST(Wire, InetV4AndV6RoundTrip) {
  Inet v4{hex("7F000001"), 9042};
  Inet v6{hex("00000000000000000000000000000001"), -1};
  std::string out;
  WireWriter w(&out);
  w.write_inet(v4);
  w.write_inet(v6);
  EXPECT_EQ(out.substr(0, 9), hex("04 7F000001 00002352"));
  WireReader r(out);
  EXPECT_EQ(*r.read_inet("a"), v4);
  EXPECT_EQ(*r.read_inet("b"), v6);
  EXPECT_TRUE(r.at_end());
}

TEST(Wire, InetBadSizeIsMalformed) {
  const std::string r_bytes = hex("05 0102030405 00000001");
  WireReader r(r_bytes);
  auto v = r.read_inet("node");
  ASSERT_FALSE(v.is_ok());
  EXPECT_NE(v.status().message().find("not 4 or 16"), std::string::npos);
}

TEST(Wire, InetWriterRejectsBadSize) {
  std::string out;
  WireWriter w(&out);
  w.write_inet(Inet{"abc", 1});
  EXPECT_FALSE(w.ok());
}

TEST(Wire, StringListRoundTrip) {
  std::vector<std::string> list = {"TOPOLOGY_CHANGE", "STATUS_CHANGE", "SCHEMA_CHANGE"};
  auto v = round_trip([&](WireWriter& w) { w.write_string_list(list); },
                      [](WireReader& r) { return r.read_string_list("events"); });
  EXPECT_EQ(*v, list);
}

TEST(Wire, StringMapRoundTrip) {
  StringMap m = {{"CQL_VERSION", "3.0.0"}, {"COMPRESSION", "lz4"}};
  auto v = round_trip([&](WireWriter& w) { w.write_string_map(m); },
                      [](WireReader& r) { return r.read_string_map("options"); });
  EXPECT_EQ(*v, m);
}

TEST(Wire, StringMapRepeatedKeyIsMalformed) {
  const std::string r_bytes =
      hex("0002") + testing::str("k") + testing::str("a") + testing::str("k") + testing::str("b");
  WireReader r(r_bytes);
  auto v = r.read_string_map("options");
  ASSERT_FALSE(v.is_ok());
  EXPECT_NE(v.status().message().find("repeats the key 'k'"), std::string::npos);
}

TEST(Wire, StringMultimapRoundTrip) {
  StringMultimap m = {
      {"CQL_VERSION", {"3.4.5"}}, {"COMPRESSION", {}}, {"PROTOCOL_VERSIONS", {"3/v3", "4/v4"}}};
  auto v = round_trip([&](WireWriter& w) { w.write_string_multimap(m); },
                      [](WireReader& r) { return r.read_string_multimap("supported"); });
  EXPECT_EQ(*v, m);
}

TEST(Wire, BytesMapRoundTripWithNull) {
  BytesMap m = {{"a", std::string("\x00\x01", 2)}, {"b", std::nullopt}};
  auto v = round_trip([&](WireWriter& w) { w.write_bytes_map(m); },
                      [](WireReader& r) { return r.read_bytes_map("payload"); });
  EXPECT_EQ(*v, m);
}

TEST(Wire, ConsistencyRoundTripAllLevels) {
  for (uint16_t c = 0; c <= 0x0A; ++c) {
    auto v = round_trip([c](WireWriter& w) { w.write_consistency(static_cast<Consistency>(c)); },
                        [](WireReader& r) { return r.read_consistency("cl"); });
    EXPECT_EQ(static_cast<uint16_t>(*v), c);
  }
  EXPECT_EQ(consistency_name(Consistency::kLocalQuorum), "LOCAL_QUORUM");
}

TEST(Wire, ConsistencyUnknownIsMalformed) {
  const std::string r_bytes = hex("000B");
  WireReader r(r_bytes);
  auto v = r.read_consistency("consistency");
  ASSERT_FALSE(v.is_ok());
  EXPECT_NE(v.status().message().find("0x000B"), std::string::npos);
}

TEST(Wire, InvalidUtf8StringIsMalformed) {
  const std::string r_bytes = hex("0002 C328");
  WireReader r(r_bytes);
  auto v = r.read_string("keyspace");
  ASSERT_FALSE(v.is_ok());
  EXPECT_NE(v.status().message().find("UTF-8"), std::string::npos);
}

// Long ASCII runs are checked eight bytes at a time: a bad or a good
// multi-byte sequence is found wherever it falls relative to those words.
TEST(Wire, Utf8ValidatorFindsSequencesAtEveryOffsetOfLongText) {
  for (size_t at = 0; at + 2 <= 27; ++at) {
    std::string text(27, 'a');
    text[at] = '\xC3';
    text[at + 1] = '\xA9';  // é
    EXPECT_TRUE(is_valid_utf8(text)) << at;
    text[at + 1] = 'x';  // a lead byte without its continuation
    EXPECT_FALSE(is_valid_utf8(text)) << at;
    text[at] = '\xFF';
    EXPECT_FALSE(is_valid_utf8(text)) << at;
  }
  EXPECT_TRUE(is_valid_utf8(std::string(64, 'z')));
}

TEST(Wire, Utf8ValidatorRejectsOverlongAndSurrogates) {
  EXPECT_TRUE(is_valid_utf8("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));          // truncated
}

TEST(Wire, LongStringNegativeLengthIsMalformed) {
  const std::string r_bytes = hex("FFFFFFFF");
  WireReader r(r_bytes);
  auto v = r.read_long_string("query");
  ASSERT_FALSE(v.is_ok());
  EXPECT_NE(v.status().message().find("negative length"), std::string::npos);
}

// Every primitive, cut short at every byte, fails naming its field and the
// context.
TEST(Wire, EveryPrimitiveTruncatedAtEveryByte) {
  struct Case {
    std::string name;
    std::string bytes;
    std::function<util::Status(WireReader&)> read;
  };
  auto st = [](auto r) { return r.is_ok() ? util::Status::ok() : r.status(); };
  std::vector<Case> cases = {
      {"byte", hex("01"), [&](WireReader& r) { return st(r.read_byte("F")); }},
      {"short", hex("0102"), [&](WireReader& r) { return st(r.read_short("F")); }},
      {"int", hex("01020304"), [&](WireReader& r) { return st(r.read_int("F")); }},
      {"long", hex("0102030405060708"), [&](WireReader& r) { return st(r.read_long("F")); }},
      {"string", hex("0003 616263"), [&](WireReader& r) { return st(r.read_string("F")); }},
      {"long string", hex("00000003 616263"),
       [&](WireReader& r) { return st(r.read_long_string("F")); }},
      {"bytes", hex("00000002 0102"), [&](WireReader& r) { return st(r.read_bytes("F")); }},
      {"value", hex("00000002 0102"), [&](WireReader& r) { return st(r.read_value("F")); }},
      {"short bytes", hex("0002 0102"), [&](WireReader& r) { return st(r.read_short_bytes("F")); }},
      {"inet", hex("04 7F000001 00002352"), [&](WireReader& r) { return st(r.read_inet("F")); }},
      {"string list", hex("0002 0001 61 0001 62"),
       [&](WireReader& r) { return st(r.read_string_list("F")); }},
      {"string map", hex("0001 0001 61 0001 62"),
       [&](WireReader& r) { return st(r.read_string_map("F")); }},
      {"string multimap", hex("0001 0001 61 0001 0001 62"),
       [&](WireReader& r) { return st(r.read_string_multimap("F")); }},
      {"bytes map", hex("0001 0001 61 00000001 62"),
       [&](WireReader& r) { return st(r.read_bytes_map("F")); }},
      {"consistency", hex("0004"), [&](WireReader& r) { return st(r.read_consistency("F")); }},
  };
  for (const auto& c : cases) {
    WireReader whole(c.bytes);
    EXPECT_TRUE(c.read(whole).is_ok()) << c.name;
    EXPECT_TRUE(whole.at_end()) << c.name;
    for (size_t cut = 0; cut < c.bytes.size(); ++cut) {
      WireReader r(std::string_view(c.bytes).substr(0, cut), "cut body");
      util::Status s = c.read(r);
      ASSERT_FALSE(s.is_ok()) << c.name << " cut at " << cut;
      EXPECT_EQ(s.code(), util::StatusCode::kCorruption) << c.name;
      EXPECT_NE(s.message().find("(F at offset"), std::string::npos) << s.message();
      EXPECT_NE(s.message().find("cut body"), std::string::npos) << s.message();
      EXPECT_EQ(s.message().rfind("cql: ", 0), 0u) << s.message();
    }
  }
}

TEST(Wire, HugeListCountIsRefusedBeforeAllocating) {
  const std::string r_bytes = hex("FFFF 0000");
  WireReader r(r_bytes);
  auto v = r.read_string_list("events");
  ASSERT_FALSE(v.is_ok());
  EXPECT_NE(v.status().message().find("claims 65535"), std::string::npos);
}

TEST(Wire, HugeBytesLengthIsTruncationNotAllocation) {
  const std::string r_bytes = hex("7FFFFFFF 00");
  WireReader r(r_bytes);
  auto v = r.read_bytes("value");
  ASSERT_FALSE(v.is_ok());
  EXPECT_NE(v.status().message().find("truncated [bytes]"), std::string::npos);
}

TEST(Wire, ExpectEndReportsTrailingBytes) {
  const std::string r_bytes = hex("0001 FF");
  WireReader r(r_bytes, "QUERY body");
  ASSERT_TRUE(r.read_short("x").is_ok());
  util::Status s = r.expect_end();
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("1 unexpected bytes"), std::string::npos);
}

TEST(Wire, WriterRejectsStringOver65535Bytes) {
  std::string out;
  WireWriter w(&out);
  w.write_string(std::string(65536, 'a'));
  EXPECT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), util::StatusCode::kInvalidArgument);
  w.write_int(1);  // nothing more is written after an error
  EXPECT_TRUE(out.empty());
}

TEST(Wire, WriterLengthRegionPatchesLength) {
  std::string out;
  WireWriter w(&out);
  size_t mark = w.begin_int_length();
  w.write_short(7);
  w.write_byte(1);
  w.end_int_length(mark);
  EXPECT_EQ(out, hex("00000003 0007 01"));
}

}  // namespace
}  // namespace medallion::cql
