#include "util/json_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

namespace medallion::util {
namespace {

std::string json_string(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

// ---------------------------------------------------------------------------
// Structure

TEST(JsonWriter, EmptyObject) {
  JsonWriter w;
  w.begin_object().end_object();
  EXPECT_EQ(w.str(), "{}");
}

TEST(JsonWriter, EmptyArray) {
  JsonWriter w;
  w.begin_array().end_array();
  EXPECT_EQ(w.str(), "[]");
}

TEST(JsonWriter, HeaderExample) {
  JsonWriter w;
  w.begin_object();
  w.key("lines").value(int64_t{3});
  w.key("dates").begin_array().value("2016-11-02").end_array();
  w.end_object();
  EXPECT_EQ(w.str(), R"({"lines":3,"dates":["2016-11-02"]})");
}

TEST(JsonWriter, CommasBetweenArrayElementsOnly) {
  JsonWriter w;
  w.begin_array().value(1).value(2).value(3).end_array();
  EXPECT_EQ(w.str(), "[1,2,3]");
}

TEST(JsonWriter, SingleElementArrayHasNoComma) {
  JsonWriter w;
  w.begin_array().value(1).end_array();
  EXPECT_EQ(w.str(), "[1]");
}

TEST(JsonWriter, CommasBetweenMembersNotAfterKeys) {
  JsonWriter w;
  w.begin_object().key("a").value(1).key("b").value(2).key("c").value(3).end_object();
  EXPECT_EQ(w.str(), R"({"a":1,"b":2,"c":3})");
}

TEST(JsonWriter, NestedArrays) {
  JsonWriter w;
  w.begin_array();
  w.begin_array().value(1).value(2).end_array();
  w.begin_array().end_array();
  w.begin_array().value(3).end_array();
  w.end_array();
  EXPECT_EQ(w.str(), "[[1,2],[],[3]]");
}

TEST(JsonWriter, ObjectsInArray) {
  JsonWriter w;
  w.begin_array();
  w.begin_object().key("a").value(1).end_object();
  w.begin_object().end_object();
  w.begin_object().key("b").null().end_object();
  w.end_array();
  EXPECT_EQ(w.str(), R"([{"a":1},{},{"b":null}])");
}

TEST(JsonWriter, DeepNestingClosesInOrder) {
  JsonWriter w;
  w.begin_object().key("a").begin_array().begin_object().key("b").begin_array();
  w.begin_object().end_object();
  w.end_array().end_object().end_array();
  w.key("c").value(true);
  w.end_object();
  EXPECT_EQ(w.str(), R"({"a":[{"b":[{}]}],"c":true})");
}

TEST(JsonWriter, MemberAfterNestedContainerGetsComma) {
  JsonWriter w;
  w.begin_object();
  w.key("x").begin_object().key("y").value(1).end_object();
  w.key("z").begin_array().end_array();
  w.key("w").value(2);
  w.end_object();
  EXPECT_EQ(w.str(), R"({"x":{"y":1},"z":[],"w":2})");
}

TEST(JsonWriter, TopLevelScalar) {
  JsonWriter w;
  w.value("just a string");
  EXPECT_EQ(w.str(), R"("just a string")");
}

TEST(JsonWriter, BoolsAndNull) {
  JsonWriter w;
  w.begin_array().value(true).value(false).null().end_array();
  EXPECT_EQ(w.str(), "[true,false,null]");
}

TEST(JsonWriter, StringLiteralIsNotABool) {
  JsonWriter w;
  w.begin_array().value("true").end_array();
  EXPECT_EQ(w.str(), R"(["true"])");
}

TEST(JsonWriter, EmptyStringAndEmptyKey) {
  JsonWriter w;
  w.begin_object().key("").value("").end_object();
  EXPECT_EQ(w.str(), R"({"":""})");
}

TEST(JsonWriter, RawInsertedAsValueWithCommas) {
  JsonWriter w;
  w.begin_array().value(1).raw(R"({"pre":"built"})").value(2).end_array();
  EXPECT_EQ(w.str(), R"([1,{"pre":"built"},2])");
}

TEST(JsonWriter, RawAfterKey) {
  JsonWriter w;
  w.begin_object().key("a").raw("[1,2]").key("b").raw("null").end_object();
  EXPECT_EQ(w.str(), R"({"a":[1,2],"b":null})");
}

TEST(JsonWriter, TakeReturnsText) {
  JsonWriter w;
  w.begin_array().value(1).end_array();
  EXPECT_EQ(w.take(), "[1]");
}

// ---------------------------------------------------------------------------
// Escaping

TEST(JsonEscape, PlainAsciiUnchanged) { EXPECT_EQ(json_string("abc XYZ 019"), "\"abc XYZ 019\""); }

TEST(JsonEscape, Quote) { EXPECT_EQ(json_string("a\"b"), R"("a\"b")"); }

TEST(JsonEscape, Backslash) { EXPECT_EQ(json_string("a\\b"), R"("a\\b")"); }

TEST(JsonEscape, ForwardSlashUnescaped) { EXPECT_EQ(json_string("a/b"), R"("a/b")"); }

TEST(JsonEscape, Newline) { EXPECT_EQ(json_string("a\nb"), R"("a\nb")"); }

TEST(JsonEscape, Tab) { EXPECT_EQ(json_string("a\tb"), R"("a\tb")"); }

TEST(JsonEscape, CarriageReturn) { EXPECT_EQ(json_string("a\rb"), R"("a\rb")"); }

TEST(JsonEscape, BackspaceAndFormFeed) { EXPECT_EQ(json_string("\b\f"), R"("\b\f")"); }

TEST(JsonEscape, ControlCharacterOne) { EXPECT_EQ(json_string("\x01"), R"("\u0001")"); }

TEST(JsonEscape, ControlCharacter1F) { EXPECT_EQ(json_string("\x1f"), R"("\u001f")"); }

TEST(JsonEscape, NulByte) { EXPECT_EQ(json_string(std::string_view("a\0b", 3)), R"("a\u0000b")"); }

TEST(JsonEscape, EveryControlCharacterIsEscaped) {
  for (int c = 0; c < 0x20; ++c) {
    const std::string out = json_string(std::string(1, static_cast<char>(c)));
    ASSERT_GE(out.size(), 4u) << c;
    EXPECT_EQ(out[1], '\\') << c;
    for (const char ch : out) EXPECT_GE(static_cast<unsigned char>(ch), 0x20) << c;
  }
}

TEST(JsonEscape, SpaceAndDelPassThrough) { EXPECT_EQ(json_string(" \x7f"), "\" \x7f\""); }

TEST(JsonEscape, Utf8PassesThrough) {
  const std::string text = "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x9a\x80";  // café 日本 🚀
  EXPECT_EQ(json_string(text), "\"" + text + "\"");
}

TEST(JsonEscape, AppendsToExistingText) {
  std::string out = "x=";
  append_json_string(out, "\"");
  EXPECT_EQ(out, R"(x="\"")");
}

TEST(JsonEscape, KeysAreEscaped) {
  JsonWriter w;
  w.begin_object().key("a\"b\n").value(1).end_object();
  EXPECT_EQ(w.str(), R"({"a\"b\n":1})");
}

TEST(JsonEscape, ValuesAreEscaped) {
  JsonWriter w;
  w.begin_array().value("C:\\dir\t\"x\"").end_array();
  EXPECT_EQ(w.str(), R"(["C:\\dir\t\"x\""])");
}

// ---------------------------------------------------------------------------
// Numbers

TEST(JsonNumbers, Int64Max) {
  JsonWriter w;
  w.value(std::numeric_limits<int64_t>::max());
  EXPECT_EQ(w.str(), "9223372036854775807");
}

TEST(JsonNumbers, Int64Min) {
  JsonWriter w;
  w.value(std::numeric_limits<int64_t>::min());
  EXPECT_EQ(w.str(), "-9223372036854775808");
}

TEST(JsonNumbers, Uint64Max) {
  JsonWriter w;
  w.value(std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(w.str(), "18446744073709551615");
}

TEST(JsonNumbers, NegativeInt) {
  JsonWriter w;
  w.begin_array().value(-1).value(0).end_array();
  EXPECT_EQ(w.str(), "[-1,0]");
}

TEST(JsonNumbers, ExactDoubles) {
  JsonWriter w;
  w.begin_array().value(1.5).value(-2.25).value(0.0).value(1024.0).end_array();
  EXPECT_EQ(w.str(), "[1.5,-2.25,0,1024]");
}

TEST(JsonNumbers, DoublesRoundTripExactly) {
  const double values[] = {0.1,
                           1.0 / 3.0,
                           -123456.789,
                           1e300,
                           -1e-300,
                           5e-324,
                           std::numeric_limits<double>::max(),
                           std::numeric_limits<double>::min(),
                           9007199254740993.0};
  for (const double v : values) {
    JsonWriter w;
    w.value(v);
    const std::string& text = w.str();
    char* end = nullptr;
    const double back = std::strtod(text.c_str(), &end);
    EXPECT_EQ(end, text.c_str() + text.size()) << text;
    EXPECT_EQ(back, v) << text;
  }
}

TEST(JsonNumbers, DoubleIsAlwaysAJsonNumber) {
  // JSON numbers have no leading '+', no "inf", no bare '.'.
  for (const double v : {1e300, 1e-7, 0.5, -0.5, 123.0}) {
    JsonWriter w;
    w.value(v);
    const std::string& text = w.str();
    ASSERT_FALSE(text.empty());
    EXPECT_NE(text[0], '+') << text;
    EXPECT_NE(text[0], '.') << text;
    EXPECT_EQ(text.find_first_not_of("0123456789+-.e"), std::string::npos) << text;
  }
}

TEST(JsonNumbers, NanIsNull) {
  JsonWriter w;
  w.value(std::nan(""));
  EXPECT_EQ(w.str(), "null");
}

TEST(JsonNumbers, InfinitiesAreNull) {
  JsonWriter w;
  w.begin_array()
      .value(std::numeric_limits<double>::infinity())
      .value(-std::numeric_limits<double>::infinity())
      .end_array();
  EXPECT_EQ(w.str(), "[null,null]");
}

TEST(JsonNumbers, NanAsMemberKeepsCommas) {
  JsonWriter w;
  w.begin_object().key("a").value(std::nan("")).key("b").value(1.5).end_object();
  EXPECT_EQ(w.str(), R"({"a":null,"b":1.5})");
}

// ---------------------------------------------------------------------------
// Pretty mode

TEST(JsonPretty, EmptyContainersStayOnOneLine) {
  JsonWriter w(true);
  w.begin_object().key("o").begin_object().end_object().key("a").begin_array().end_array();
  w.end_object();
  EXPECT_EQ(w.str(), "{\n  \"o\": {},\n  \"a\": []\n}");
}

TEST(JsonPretty, TopLevelEmptyObject) {
  JsonWriter w(true);
  w.begin_object().end_object();
  EXPECT_EQ(w.str(), "{}");
}

TEST(JsonPretty, NestedExactOutput) {
  JsonWriter w(true);
  w.begin_object();
  w.key("name").value("lz");
  w.key("files").begin_array();
  w.begin_object().key("path").value("a.bz2").key("bytes").value(int64_t{10}).end_object();
  w.value(true);
  w.end_array();
  w.key("empty").begin_array().end_array();
  w.end_object();
  EXPECT_EQ(w.str(),
            "{\n"
            "  \"name\": \"lz\",\n"
            "  \"files\": [\n"
            "    {\n"
            "      \"path\": \"a.bz2\",\n"
            "      \"bytes\": 10\n"
            "    },\n"
            "    true\n"
            "  ],\n"
            "  \"empty\": []\n"
            "}");
}

TEST(JsonPretty, TopLevelArray) {
  JsonWriter w(true);
  w.begin_array().value(1).null().end_array();
  EXPECT_EQ(w.str(), "[\n  1,\n  null\n]");
}

TEST(JsonPretty, StringsStillEscaped) {
  JsonWriter w(true);
  w.begin_array().value("a\nb").end_array();
  EXPECT_EQ(w.str(), "[\n  \"a\\nb\"\n]");
}

}  // namespace
}  // namespace medallion::util
