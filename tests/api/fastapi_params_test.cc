// Unit tests of src/api/fastapi_params: every expected value below was
// observed from FastAPI 0.92 / pydantic 1.10 / Starlette 0.26 / uvicorn 0.17
// (bench/api_baseline.py, raw HTTP requests) or from Debian's Python 3.11
// (urllib.parse.unquote, parse_qsl, int(), quote) for the same input.
#include "api/fastapi_params.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace medallion::api {
namespace {

constexpr IntRule kHours{1, 24};
constexpr IntRule kLimit{1, 1000};

// The 422 body for one int parameter "hours" checked as Path(..., ge=1, le=24).
std::string hours_body(std::string_view text) {
  auto result = validate_int(text, "path", "hours", kHours);
  if (std::holds_alternative<int64_t>(result))
    return "ok " + std::to_string(std::get<int64_t>(result));
  return validation_error_body({std::get<ParamError>(result)});
}

const std::string kHoursNotGe =
    R"({"detail":[{"loc":["path","hours"],"msg":"ensure this value is greater than or equal to 1",)"
    R"("type":"value_error.number.not_ge","ctx":{"limit_value":1}}]})";
const std::string kHoursNotLe =
    R"({"detail":[{"loc":["path","hours"],"msg":"ensure this value is less than or equal to 24",)"
    R"("type":"value_error.number.not_le","ctx":{"limit_value":24}}]})";
const std::string kHoursNotInt =
    R"({"detail":[{"loc":["path","hours"],"msg":"value is not a valid integer",)"
    R"("type":"type_error.integer"}]})";

std::string repeat(std::string_view s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

TEST(FastapiParams, ValidationErrorBodyMatchesFastapi) {
  EXPECT_EQ(validation_error_body({}), R"({"detail":[]})");
  // /models/started_sessions/<65 x>/0?limit=0&page_token=<257 a>, as probed.
  std::vector<ParamError> errors;
  errors.push_back(*validate_str(std::string(65, 'x'), "path", "country", {64}));
  errors.push_back(std::get<ParamError>(validate_int("0", "path", "hours", kHours)));
  errors.push_back(std::get<ParamError>(validate_int("0", "query", "limit", kLimit)));
  errors.push_back(*validate_str(std::string(257, 'a'), "query", "page_token", {256}));
  EXPECT_EQ(
      validation_error_body(errors),
      R"({"detail":[{"loc":["path","country"],"msg":"ensure this value has at most 64 characters",)"
      R"("type":"value_error.any_str.max_length","ctx":{"limit_value":64}},)"
      R"({"loc":["path","hours"],"msg":"ensure this value is greater than or equal to 1",)"
      R"("type":"value_error.number.not_ge","ctx":{"limit_value":1}},)"
      R"({"loc":["query","limit"],"msg":"ensure this value is greater than or equal to 1",)"
      R"("type":"value_error.number.not_ge","ctx":{"limit_value":1}},)"
      R"({"loc":["query","page_token"],"msg":"ensure this value has at most 256 characters",)"
      R"("type":"value_error.any_str.max_length","ctx":{"limit_value":256}}]})");
}

TEST(FastapiParams, ValidationErrorBodyEscapesAsPythonJsonDumps) {
  // json.dumps(ensure_ascii=False): named escapes, other controls as
  // lower-case \u00xx, DEL and non-ASCII (U+2028 included) raw.
  ParamError e{"query", "q\x01", "a\"b\\c\b\f\n\r\t\x1f\x7f\xC3\xA9\xE2\x80\xA8", "t", ""};
  EXPECT_EQ(validation_error_body({e}),
            "{\"detail\":[{\"loc\":[\"query\",\"q\\u0001\"],\"msg\":\"a\\\"b\\\\c\\b\\f\\n\\r\\t"
            "\\u001f\x7f\xC3\xA9\xE2\x80\xA8\",\"type\":\"t\"}]}");
}

TEST(FastapiParams, PageTokenError) {
  EXPECT_EQ(validation_error_body({page_token_error()}),
            R"({"detail":[{"loc":["query","page_token"],"msg":"invalid page token",)"
            R"("type":"value_error.page_token"}]})");
}

TEST(FastapiParams, HoursAsProbed) {
  EXPECT_EQ(hours_body("0"), kHoursNotGe);
  EXPECT_EQ(hours_body("-1"), kHoursNotGe);
  EXPECT_EQ(hours_body("-0"), kHoursNotGe);
  EXPECT_EQ(hours_body("25"), kHoursNotLe);
  EXPECT_EQ(hours_body("abc"), kHoursNotInt);
  EXPECT_EQ(hours_body("1e3"), kHoursNotInt);
  EXPECT_EQ(hours_body("1.0"), kHoursNotInt);
  EXPECT_EQ(hours_body("5.5"), kHoursNotInt);
  EXPECT_EQ(hours_body("0x10"), kHoursNotInt);
  EXPECT_EQ(hours_body(""), kHoursNotInt);
  EXPECT_EQ(hours_body(" "), kHoursNotInt);
  EXPECT_EQ(hours_body("%"), kHoursNotInt);
  EXPECT_EQ(hours_body("_1"), kHoursNotInt);
  EXPECT_EQ(hours_body("1_"), kHoursNotInt);
  EXPECT_EQ(hours_body("1__0"), kHoursNotInt);
  EXPECT_EQ(hours_body(" 5 "), "ok 5");
  EXPECT_EQ(hours_body("\t5\n"), "ok 5");
  EXPECT_EQ(hours_body("+5"), "ok 5");
  EXPECT_EQ(hours_body("05"), "ok 5");
  EXPECT_EQ(hours_body("1_0"), "ok 10");
  EXPECT_EQ(hours_body("\xD9\xA3"), "ok 3");          // U+0663 ARABIC-INDIC DIGIT THREE
  EXPECT_EQ(hours_body("\xEF\xBC\x95"), "ok 5");      // U+FF15 FULLWIDTH DIGIT FIVE
  EXPECT_EQ(hours_body("1\xD9\xA3"), "ok 13");        // mixed blocks
  EXPECT_EQ(hours_body("\xF0\x9D\x9F\x93"), "ok 5");  // U+1D7D3 MATHEMATICAL BOLD DIGIT FIVE
}

TEST(FastapiParams, HugeIntsGetTheBoundTheirSignEarns) {
  EXPECT_EQ(hours_body("99999999999999999999999"), kHoursNotLe);
  EXPECT_EQ(hours_body("-99999999999999999999999"), kHoursNotGe);
  EXPECT_EQ(hours_body("9223372036854775807"), kHoursNotLe);
  EXPECT_EQ(hours_body("9223372036854775808"), kHoursNotLe);
  EXPECT_EQ(hours_body("-9223372036854775808"), kHoursNotGe);
  EXPECT_EQ(hours_body("-9223372036854775809"), kHoursNotGe);
  EXPECT_EQ(hours_body(std::string(4300, '9')), kHoursNotLe);
  EXPECT_EQ(hours_body("-" + std::string(4299, '9')), kHoursNotGe);
  // Beyond int64 with a bound that does not reject it: see the header.
  auto r = validate_int("99999999999999999999999", "query", "n", IntRule{1, std::nullopt});
  ASSERT_TRUE(std::holds_alternative<ParamError>(r));
  EXPECT_EQ(std::get<ParamError>(r).type, "type_error.integer");
  // Bounds at the ends of int64.
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  r = validate_int("9223372036854775808", "query", "n", IntRule{0, kMax});
  ASSERT_TRUE(std::holds_alternative<ParamError>(r));
  EXPECT_EQ(std::get<ParamError>(r).type, "value_error.number.not_le");
  r = validate_int("9223372036854775807", "query", "n", IntRule{0, kMax});
  ASSERT_TRUE(std::holds_alternative<int64_t>(r));
  EXPECT_EQ(std::get<int64_t>(r), kMax);
}

TEST(FastapiParams, LongIntTextsAreRefusedBeforeParsing) {
  // pydantic: more than 4300 code points is "not a valid integer", whatever they are.
  EXPECT_EQ(hours_body(std::string(4299, '0') + "1"), "ok 1");
  EXPECT_EQ(hours_body(std::string(4300, '0') + "1"), kHoursNotInt);
  EXPECT_EQ(hours_body(std::string(4299, ' ') + "5"), "ok 5");
  EXPECT_EQ(hours_body(std::string(4300, ' ') + "5"), kHoursNotInt);
  EXPECT_EQ(hours_body(repeat("\xD9\xA3", 4300)), kHoursNotLe);  // 4300 code points, 8600 bytes
  EXPECT_EQ(hours_body(repeat("\xD9\xA3", 4301)), kHoursNotInt);
  EXPECT_EQ(hours_body(std::string(10240, '1')), kHoursNotInt);  // 10 kB
}

TEST(FastapiParams, LimitAsProbed) {
  auto body = [](std::string_view text) {
    auto r = validate_int(text, "query", "limit", kLimit);
    if (std::holds_alternative<int64_t>(r)) return "ok " + std::to_string(std::get<int64_t>(r));
    return validation_error_body({std::get<ParamError>(r)});
  };
  EXPECT_EQ(body("0"),
            R"({"detail":[{"loc":["query","limit"],"msg":"ensure this value is greater than or )"
            R"(equal to 1","type":"value_error.number.not_ge","ctx":{"limit_value":1}}]})");
  EXPECT_EQ(body("1001"),
            R"({"detail":[{"loc":["query","limit"],"msg":"ensure this value is less than or )"
            R"(equal to 1000","type":"value_error.number.not_le","ctx":{"limit_value":1000}}]})");
  const std::string not_int =
      R"({"detail":[{"loc":["query","limit"],"msg":"value is not a valid integer",)"
      R"("type":"type_error.integer"}]})";
  EXPECT_EQ(body("abc"), not_int);
  EXPECT_EQ(body(""), not_int);  // "limit=" and a bare "limit"
  EXPECT_EQ(body("1;limit=0"), not_int);
  EXPECT_EQ(body("1 "), "ok 1");  // "limit=1+"
  EXPECT_EQ(body("1000"), "ok 1000");
}

TEST(FastapiParams, PythonIntWhitespace) {
  auto ok = [](std::string_view s) { return parse_python_int(s).has_value(); };
  EXPECT_TRUE(
      ok("\x0b"
         "5\x0c"));
  EXPECT_TRUE(ok("\r5\r"));
  EXPECT_TRUE(
      ok("\xC2\x85"
         "5"));  // U+0085
  EXPECT_TRUE(
      ok("\xC2\xA0"
         "5"));  // U+00A0
  EXPECT_TRUE(
      ok("\xE1\x9A\x80"
         "5"));  // U+1680
  EXPECT_TRUE(
      ok("\xE2\x80\x83"
         "5\xE3\x80\x80"));           // U+2003, U+3000
  EXPECT_TRUE(ok("\xE2\x80\xA8 5"));  // U+2028
  EXPECT_TRUE(ok("5\xE2\x80\xAF"));   // U+202F
  EXPECT_TRUE(ok("5\xE2\x81\x9F"));   // U+205F
  // Not int() whitespace: U+001C..U+001F, U+200B, U+180E, U+FEFF, NUL, DEL.
  EXPECT_FALSE(
      ok("\x1c"
         "5"));
  EXPECT_FALSE(ok("5\x1f"));
  EXPECT_FALSE(
      ok("\x1e"
         "5"));
  EXPECT_FALSE(
      ok("\xE2\x80\x8B"
         "5"));
  EXPECT_FALSE(
      ok("\xE1\xA0\x8E"
         "5"));
  EXPECT_FALSE(
      ok("\xEF\xBB\xBF"
         "5"));
  EXPECT_FALSE(ok(std::string_view("5\0", 2)));
  EXPECT_FALSE(
      ok(std::string_view("\0"
                          "5",
                          2)));
  EXPECT_FALSE(
      ok("\x7f"
         "5"));
  // Whitespace only around the number, never inside it.
  EXPECT_FALSE(ok("5 5"));
  EXPECT_FALSE(ok("- 5"));
  EXPECT_FALSE(ok("+ 5"));
  EXPECT_FALSE(
      ok("+\xE2\x80\x83"
         "5"));
}

TEST(FastapiParams, PythonIntSyntax) {
  struct Case {
    std::string text;
    std::optional<int64_t> value;
  };
  const std::vector<Case> cases = {
      {"5", 5},
      {"-5", -5},
      {"+5", 5},
      {"-0", 0},
      {"00", 0},
      {"0_0", 0},
      {"1_000_000", 1000000},
      {"\xD9\xA1_\xD9\xA2", 12},         // ١_٢
      {"\xE0\xBC\xA3", 3},               // U+0F23 TIBETAN DIGIT THREE
      {"\xE1\xA0\x90", 0},               // U+1810 MONGOLIAN DIGIT ZERO
      {"\xDF\x80", 0},                   // U+07C0 NKO DIGIT ZERO
      {"\xF0\x9E\xA5\x90", 0},           // U+1E950 ADLAM DIGIT ZERO
      {"\xF0\x9F\xAF\xB9", 9},           // U+1FBF9 SEGMENTED DIGIT NINE (last Nd block)
      {"\xEF\xBC\x99\xEF\xBC\x99", 99},  // fullwidth 99
      {"+-5", std::nullopt},
      {"+_1", std::nullopt},
      {"+", std::nullopt},
      {"-", std::nullopt},
      {"", std::nullopt},
      {"0b1", std::nullopt},
      {"\xC2\xB2", std::nullopt},          // U+00B2 SUPERSCRIPT TWO (No, not Nd)
      {"\xE2\x91\xA0", std::nullopt},      // U+2460 CIRCLED DIGIT ONE
      {"\xE2\x85\xA7", std::nullopt},      // U+2167 ROMAN NUMERAL EIGHT
      {"\xF0\x9F\xAF\xBA", std::nullopt},  // U+1FBFA, just past the last block
      {"\xD9\x9F", std::nullopt},          // U+065F, just before ARABIC-INDIC ZERO
      {"\xFF", std::nullopt},              // invalid UTF-8
      {"\xEF\xBF\xBD", std::nullopt},      // U+FFFD
  };
  for (const Case& c : cases) {
    const auto parsed = parse_python_int(c.text);
    ASSERT_EQ(parsed.has_value(), c.value.has_value()) << c.text;
    if (parsed) {
      EXPECT_EQ(parsed->value, *c.value) << c.text;
      EXPECT_TRUE(parsed->exact) << c.text;
    }
  }
}

TEST(FastapiParams, PythonIntRange) {
  auto p = parse_python_int("9223372036854775807");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->exact);
  EXPECT_EQ(p->value, std::numeric_limits<int64_t>::max());
  p = parse_python_int("-9223372036854775808");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->exact);
  EXPECT_EQ(p->value, std::numeric_limits<int64_t>::min());
  p = parse_python_int("9223372036854775808");
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->exact);
  EXPECT_EQ(p->value, std::numeric_limits<int64_t>::max());
  p = parse_python_int("-18446744073709551616");
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->exact);
  EXPECT_EQ(p->value, std::numeric_limits<int64_t>::min());
  // Python 3.11's int() takes at most 4300 digits; '_' and spaces do not count.
  EXPECT_TRUE(parse_python_int(std::string(4300, '1')));
  EXPECT_FALSE(parse_python_int(std::string(4301, '1')));
  EXPECT_TRUE(parse_python_int(repeat("1_", 2150) + "1"));
  EXPECT_TRUE(parse_python_int(std::string(10, ' ') + std::string(4300, '1')));
}

TEST(FastapiParams, EveryDecimalDigitBlock) {
  // Each block's zero..nine parses; the code point after nine does not,
  // unless another block starts there (U+1D7CE.. are five adjacent blocks).
  const std::vector<uint32_t> zeros = {
      0x660,   0x6F0,   0x7C0,   0x966,   0x9E6,   0xA66,   0xAE6,   0xB66,   0xBE6,   0xC66,
      0xCE6,   0xD66,   0xDE6,   0xE50,   0xED0,   0xF20,   0x1040,  0x1090,  0x17E0,  0x1810,
      0x1946,  0x19D0,  0x1A80,  0x1A90,  0x1B50,  0x1BB0,  0x1C40,  0x1C50,  0xA620,  0xA8D0,
      0xA900,  0xA9D0,  0xA9F0,  0xAA50,  0xABF0,  0xFF10,  0x104A0, 0x10D30, 0x11066, 0x110F0,
      0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650, 0x116C0, 0x11730, 0x118E0, 0x11950,
      0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC,
      0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0};
  auto utf8 = [](uint32_t cp) {
    std::string s;
    if (cp < 0x800) {
      s += static_cast<char>(0xC0 | (cp >> 6));
    } else if (cp < 0x10000) {
      s += static_cast<char>(0xE0 | (cp >> 12));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    } else {
      s += static_cast<char>(0xF0 | (cp >> 18));
      s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    }
    s += static_cast<char>(0x80 | (cp & 0x3F));
    return s;
  };
  for (const uint32_t zero : zeros) {
    for (uint32_t d = 0; d < 10; ++d) {
      const auto p = parse_python_int(utf8(zero + d));
      ASSERT_TRUE(p) << std::hex << zero + d;
      EXPECT_EQ(p->value, static_cast<int64_t>(d)) << std::hex << zero + d;
    }
    const bool next_is_block = std::find(zeros.begin(), zeros.end(), zero + 10) != zeros.end();
    EXPECT_EQ(parse_python_int(utf8(zero + 10)).has_value(), next_is_block) << std::hex << zero;
    const bool previous_is_block = std::find(zeros.begin(), zeros.end(), zero - 10) != zeros.end();
    EXPECT_EQ(parse_python_int(utf8(zero - 1)).has_value(), previous_is_block) << std::hex << zero;
  }
}

TEST(FastapiParams, StrMaxLengthCountsCodePoints) {
  const StrRule rule{64};
  EXPECT_FALSE(validate_str(std::string(64, 'x'), "path", "player_id", rule));
  EXPECT_FALSE(validate_str(repeat("\xC3\xA9", 64), "path", "player_id", rule));  // 128 bytes
  EXPECT_FALSE(validate_str(repeat("\xEF\xBF\xBD", 64), "path", "player_id", rule));
  EXPECT_FALSE(validate_str(repeat("\xF0\x9F\x98\x80", 64), "path", "player_id", rule));
  EXPECT_FALSE(validate_str("", "path", "player_id", rule));
  const std::string too_long =
      R"({"detail":[{"loc":["path","player_id"],"msg":"ensure this value has at most 64 )"
      R"(characters","type":"value_error.any_str.max_length","ctx":{"limit_value":64}}]})";
  for (const std::string& s : {std::string(65, 'x'), repeat("\xC3\xA9", 65),
                               repeat("\xF0\x9F\x98\x80", 65), std::string(10240, 'a')}) {
    const auto e = validate_str(s, "path", "player_id", rule);
    ASSERT_TRUE(e);
    EXPECT_EQ(validation_error_body({*e}), too_long);
  }
  EXPECT_FALSE(validate_str(std::string(10240, 'a'), "path", "player_id", StrRule{}));
}

TEST(FastapiParams, CountCodePoints) {
  EXPECT_EQ(count_code_points(""), 0u);
  EXPECT_EQ(count_code_points("abc"), 3u);
  EXPECT_EQ(count_code_points("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"), 3u);
}

TEST(FastapiParams, H11RequestTarget) {
  EXPECT_TRUE(is_h11_request_target("/health"));
  EXPECT_TRUE(is_h11_request_target("/a?b=\"|{}~"));
  EXPECT_TRUE(is_h11_request_target("*"));
  EXPECT_FALSE(is_h11_request_target(""));
  EXPECT_FALSE(is_h11_request_target("/health x"));
  EXPECT_FALSE(is_h11_request_target("/health\x80"));
  EXPECT_FALSE(is_h11_request_target("/caf\xC3\xA9"));
  EXPECT_FALSE(is_h11_request_target("/a\tb"));
  EXPECT_FALSE(is_h11_request_target("/a\x7f"));
}

TEST(FastapiParams, DecodePathAsPythonUnquote) {
  struct Case {
    std::string raw;
    std::string decoded;
  };
  const std::string r = "\xEF\xBF\xBD";  // U+FFFD
  const std::vector<Case> cases = {
      {"/health", "/health"},
      {"/%68ealth", "/health"},
      {"/a%2Fb", "/a/b"},
      {"/a%2fb", "/a/b"},
      {"/%ZZ", "/%ZZ"},
      {"/%FF", "/" + r},
      {"/%00", std::string("/\0", 2)},
      {"/%0A", "/\n"},
      {"/a+b", "/a+b"},  // '+' is no space in paths
      {"/%20", "/ "},
      {"%E2%82A", r + "A"},
      {"%ED%A0%80", r + r + r},  // a surrogate: three subparts
      {"%F4%90%80%80", r + r + r + r},
      {"%C0%80", r + r},
      {"%F0%9F%98", r},  // truncated: one subpart
      {"%80", r},
      {"%F8%88%80%80%80", r + r + r + r + r},
      {"%E0%80%80", r + r + r},
      {"%E0%A0%80", "\xE0\xA0\x80"},
      {"%EF%BF%BF", "\xEF\xBF\xBF"},
      {"%F0%90%80%80", "\xF0\x90\x80\x80"},
      {"%F0%8F%BF%BF", r + r + r + r},
      {"%F4%8F%BF%BF", "\xF4\x8F\xBF\xBF"},
      {"%C2", r},
      {"%C2%41", r + "A"},
      {"%E2%82%ACx",
       "\xE2\x82\xAC"
       "x"},
      {"%e2%82%ac", "\xE2\x82\xAC"},
      {"%%41", "%A"},
      {"%4", "%4"},
      {"%G1", "%G1"},
      {"%4%41", "%4A"},
      {"abc%", "abc%"},
      {"%E2%28%A1", r + "(" + r},
      {"%F1%80%80%E2%82%AC", r + "\xE2\x82\xAC"},
      {"/caf\xC3\xA9", "/caf\xC3\xA9"},  // raw UTF-8 (h11 would refuse it) stays
      {"/\xFF", "/" + r},
  };
  for (const Case& c : cases) EXPECT_EQ(decode_path(c.raw), c.decoded) << c.raw;
}

TEST(FastapiParams, ParseQueryAsStarlette) {
  using Params = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(parse_query(""), Params{});
  EXPECT_EQ(parse_query("&&&"), Params{});
  EXPECT_EQ(
      parse_query("a=1&&b&=c&d=%ZZ+x&e+f=1=2&;g=%2B"),
      (Params{{"a", "1"}, {"b", ""}, {"", "c"}, {"d", "%ZZ x"}, {"e f", "1=2"}, {";g", "+"}}));
  EXPECT_EQ(parse_query("limit=1;limit=0"), (Params{{"limit", "1;limit=0"}}));
  EXPECT_EQ(parse_query("li%6Dit=%31"), (Params{{"limit", "1"}}));
  EXPECT_EQ(parse_query("limit%3D0"), (Params{{"limit=0", ""}}));
  EXPECT_EQ(parse_query("q=%FF%C3%A9+"), (Params{{"q", "\xEF\xBF\xBD\xC3\xA9 "}}));
  EXPECT_EQ(parse_query("limit=1&"), (Params{{"limit", "1"}}));
}

TEST(FastapiParams, QueryValueTakesTheLast) {
  const auto params = parse_query("limit=2&limit=3&page_token=&x");
  EXPECT_EQ(query_value(params, "limit"), "3");
  EXPECT_EQ(query_value(params, "page_token"), "");
  EXPECT_EQ(query_value(params, "x"), "");
  EXPECT_EQ(query_value(params, "LIMIT"), std::nullopt);
  EXPECT_EQ(query_value(params, "missing"), std::nullopt);
  EXPECT_EQ(query_value(parse_query("limit=abc&limit=3"), "limit"), "3");
  EXPECT_EQ(query_value(parse_query("limit=3&limit=abc"), "limit"), "abc");
}

TEST(FastapiParams, SlashRedirectLocation) {
  // Probed with Host: x and uvicorn on 127.0.0.1:18001.
  EXPECT_EQ(slash_redirect_location("/health", "", "x", "127.0.0.1", 18001), "http://x/health");
  const std::string path = "/models/completed-sessions/\xC3\xA9 \xEF\xBF\xBD%x";
  const std::string tail = "/models/completed-sessions/%C3%A9%20%EF%BF%BD%x?q=a%20b+c&%ZZ";
  EXPECT_EQ(slash_redirect_location(path, "q=a%20b+c&%ZZ", "x", "127.0.0.1", 18001),
            "http://x" + tail);
  EXPECT_EQ(
      slash_redirect_location(path, "q=a%20b+c&%ZZ", "X.Example.COM:8080", "127.0.0.1", 18001),
      "http://X.Example.COM:8080" + tail);
  EXPECT_EQ(slash_redirect_location(path, "q=a%20b+c&%ZZ", "[::1]:80", "127.0.0.1", 18001),
            "http://[::1]:80" + tail);
  for (const char* bad : {"bad_host", "a/b", "", "x:", "x:8a", "[::1", "[zz:1]", "[1]"}) {
    EXPECT_EQ(slash_redirect_location(path, "q=a%20b+c&%ZZ", bad, "127.0.0.1", 18001),
              "http://127.0.0.1:18001" + tail)
        << bad;
  }
  EXPECT_EQ(slash_redirect_location("/health", "", "", "127.0.0.1", 80), "http://127.0.0.1/health");
  EXPECT_EQ(slash_redirect_location("/a\n\"|", "a=\"", "x", "h", 1), "http://x/a%0A%22%7C?a=%22");
}

TEST(FastapiParams, PageTokenRoundTrip) {
  EXPECT_EQ(encode_page_token({1478476587299, "u118"}), "MTQ3ODQ3NjU4NzI5OTp1MTE4");
  EXPECT_EQ(encode_page_token({1, "x"}), "MTp4");
  EXPECT_EQ(encode_page_token({0, "\xC3\xA9"}), "MDrDqQ");
  EXPECT_EQ(encode_page_token({12, "ab"}), "MTI6YWI");
  EXPECT_EQ(encode_page_token({123, "abc"}), "MTIzOmFiYw");
  for (const PageToken& t : {PageToken{1478476587299, "u118"}, PageToken{0, "x"},
                             PageToken{253402300799999, "a:b\n\xC3\xA9"}}) {
    EXPECT_EQ(decode_page_token(encode_page_token(t)), t);
  }
}

TEST(FastapiParams, PageTokenDecodeAsTheBaseline) {
  // Every expectation from bench/api_baseline.py's decode_token.
  EXPECT_EQ(decode_page_token("MTQ3ODQ3NjU4NzI5OTp1MTE4"), (PageToken{1478476587299, "u118"}));
  EXPECT_EQ(decode_page_token("MTQ3ODQ3NjU4NzI5OTp1MTE"), (PageToken{1478476587299, "u11"}));
  EXPECT_EQ(decode_page_token("MTQ3ODQ3NjU4NzI5OTp1MT"), (PageToken{1478476587299, "u1"}));
  // Unused low bits are ignored.
  EXPECT_EQ(decode_page_token("MTQ3ODQ3NjU4NzI5OTp1MR"), (PageToken{1478476587299, "u1"}));
  EXPECT_EQ(decode_page_token("MTQ3ODQ3NjU4NzI5OTp1MS"), (PageToken{1478476587299, "u1"}));
  EXPECT_EQ(decode_page_token("MToa"), (PageToken{1, "\x1a"}));
  EXPECT_EQ(decode_page_token("MjUzNDAyMzAwNzk5OTk5OngK"), (PageToken{253402300799999, "x\n"}));
  EXPECT_EQ(decode_page_token("MDAwMDE6eA"), (PageToken{1, "x"}));
  EXPECT_EQ(decode_page_token("MTrDqQ"), (PageToken{1, "\xC3\xA9"}));
  EXPECT_EQ(decode_page_token("MTp4Ong"), (PageToken{1, "x:x"}));
  for (const char* bad : {
           "",
           "MTQ3ODQ3NjU4NzI5OTp1M",    // length % 4 == 1
           "OnNz",                     // ":ss": no digits
           "MjUzNDAyMzAwODAwMDAwOng",  // 253402300800000: past datetime's range
           "MTIzNDU2Nzg5MDEyMzQ1Ng",   // 16 digits, no ':'
           "LTE6eA",                   // "-1:x"
           "MTrt oIA",                 // a space
           "MTrtoIA",                  // "1:" + a surrogate (invalid UTF-8)
           "MTo",                      // "1:": empty session id
           "MTp4=",                    // padding
           "MTp4+",                    // the standard alphabet
           "MTp4/A",
           "%ZZ",
           "abc=",
           " abc",
       }) {
    EXPECT_EQ(decode_page_token(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace medallion::api
