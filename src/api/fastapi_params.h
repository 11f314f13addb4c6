// FastAPI-compatible request parameters: what the original API (FastAPI 0.92,
// pydantic 1.10.4, Starlette 0.26.1, uvicorn 0.17.6 with h11, Python 3.11.2
// with Unicode 14.0: Debian bookworm's packages) does with the path and the
// query string of a request, and the 422 bodies it answers. Everything here
// was probed against bench/api_baseline.py (a FastAPI app declaring the same
// routes) with raw HTTP requests; tests/api/fastapi_compat_test.py compares
// the two servers over a table of inputs.
//
// The pipeline the original runs, and the functions that reproduce it:
//
//   1. uvicorn/h11 accepts a request-target only when it is 1+ bytes in
//      0x21..0x7E (is_h11_request_target); anything else (a raw space, a
//      control byte, raw UTF-8) gets 400, "Invalid HTTP request received."
//      as text/plain; charset=utf-8, Connection: close, no Content-Length.
//   2. The target splits at the first '?'; the path part is percent-decoded
//      (decode_path: %XX with two hex digits of either case becomes the byte,
//      malformed escapes stay as they are, then UTF-8 with every invalid
//      sequence's maximal subpart replaced by U+FFFD, as Python's
//      unquote(errors="replace")); the router sees only the decoded path.
//   3. The query (parse_query): split at '&' (not ';'), empty pieces
//      skipped, each piece split at its first '=' ("limit" alone is
//      ("limit", "")), '+' becomes ' ', then both name and value are
//      percent-decoded as the path. Names are case-sensitive; unknown names
//      are ignored; a repeated name takes its LAST value (query_value).
//   4. Parameters are validated in declaration order, path parameters
//      first, then query parameters, and every failure is reported (one
//      "detail" entry each, in that order): see validate_int/validate_str.
//      A query parameter that is absent takes its default; one that is
//      present with an empty value ("limit=", "limit") is validated as "".
//   5. Only then does the handler run (so the page_token format check,
//      decode_page_token, reports only when all of FastAPI's checks passed).
//
// Int parameters (pydantic's int_validator, then ge/le): the text (code
// points) longer than 4300 is "not a valid integer"; else Python's int():
// surrounding whitespace (ASCII \t\n\v\f\r and space, and U+0085, U+00A0,
// U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000; NOT
// U+001C..U+001F, U+200B, U+FEFF), an optional '+'/'-', then digits of any
// Unicode Nd block (mixed blocks allowed: "1٣" is 13), single '_' only
// between digits, leading zeros allowed. Values beyond int64 still get the
// ge/le error their sign earns ("99999999999999999999999" for hours: not_le).
//
// Probed facts (input -> status, body) for the API's routes, hours 1..24:
//   hours "0", "-1", "-99999999999999999999999"
//        -> 422 {"detail":[{"loc":["path","hours"],"msg":"ensure this value is
//           greater than or equal to 1","type":"value_error.number.not_ge",
//           "ctx":{"limit_value":1}}]}
//   hours "25", "99999999999999999999999", "9"*4300
//        -> 422 ... "msg":"ensure this value is less than or equal to 24",
//           "type":"value_error.number.not_le","ctx":{"limit_value":24}
//   hours "abc", "1e3", "1.0", "5.5", "0x10", "_1", "1_", "1__0", "", "%",
//         "0"*4300+"1" (4301 characters), "\x1c5", "\u200b5"
//        -> 422 ... "msg":"value is not a valid integer","type":"type_error.integer"
//           (no "ctx")
//   hours "%205%20", "+5", "%2B5", "05", "1_0", "%D9%A3" (Arabic-Indic 3),
//         "%EF%BC%95" (fullwidth 5), "%095%0A", "5%0A" -> 200 (5, 10, 3 ...)
//   player_id/country longer than 64 code points (page_token: 256)
//        -> 422 ... "loc":["path","player_id"],"msg":"ensure this value has at
//           most 64 characters","type":"value_error.any_str.max_length",
//           "ctx":{"limit_value":64}   (64 'é' or 64 U+FFFD or 64 emoji: 200)
//   limit "0" / "1001" / "abc" / "" (limit= and a bare limit) -> 422 not_ge /
//        not_le (limit_value 1000) / type_error.integer / type_error.integer;
//        "limit=2&limit=3" -> 3 items; "limit=abc&limit=3" -> 200;
//        "limit=3&limit=abc" -> 422; "LIMIT=0", "limit+=0", "foo=bar",
//        "limit%3D0", ";limit=0" -> ignored (200); "li%6Dit=1" -> limit 1;
//        "limit=1+" -> 1; "limit=1;limit=0" -> 422 (value "1;limit=0")
//   several failures -> one entry each, path then query, declaration order:
//        /models/started_sessions/<65 x>/0?limit=0&page_token=<257 a> ->
//        422 [country max_length, hours not_ge, limit not_ge, page_token
//        max_length]
//   page_token "", "%ZZ", "abc=", " abc" -> 422 {"detail":[{"loc":["query",
//        "page_token"],"msg":"invalid page token","type":"value_error.page_token"}]}
//
// Responses are JSON as Starlette renders it: json.dumps(ensure_ascii=False,
// separators=(",", ":")), UTF-8: '"' and '\\' escaped, \b \f \n \r \t by
// name, other bytes below 0x20 as \u00xx (lower-case hex), 0x7F and all
// non-ASCII raw (U+2028 too): exactly util::append_json_string. pydantic
// 1.10's errors echo no input, so only path parameters echoed in 200 bodies
// (completed-sessions' player_id) carry user text: "%00" renders "\u0000",
// "%FF" renders U+FFFD, "%ZZ" renders "%ZZ".
//
// Routing facts (probed):
//   - Content type of every JSON answer: "application/json" (no charset).
//   - Unknown path, "/", "//health", "/Health", "/models/../health",
//     "/health#frag", "*", "http://x/health" (absolute form is not
//     resolved): 404 {"detail":"Not Found"} (HEAD: same status and
//     Content-Length 22, no body). No dot-segment or slash-merging.
//   - Matching is on the DECODED path: "/%68ealth" is /health;
//     "/models/completed-sessions/a%2Fb" is ".../a/b", so 404.
//   - Empty segments never match a {param}: "/models/completed-sessions/",
//     "/models/completed-sessions//", "/models/started_sessions//5",
//     "/models/started_sessions/US//5": 404.
//   - One trailing "\n" quirk (Python's regex '$'): a decoded path equal to a
//     route plus a final "\n" matches it. For a literal route ("/health%0A")
//     the '\n' is ignored (200 Healthy); for a route ending in {param} the
//     '\n' stays in the parameter ("/models/completed-sessions/p1%0A" queries
//     player "p1\n"; hours "5%0A" is 5). Two newlines ("%0A%0A") do not match.
//   - Method: only "GET" (case-sensitive) is allowed. Any other method
//     (POST, PUT, OPTIONS, "get", and HEAD too: FastAPI adds no HEAD) on a
//     path that matches a route: 405 {"detail":"Method Not Allowed"} with
//     header "allow: GET" (for HEAD without body, Content-Length 31). The
//     method is checked before parameter validation (POST .../US/0 -> 405).
//   - Trailing slash: when no route matches the decoded path (for any
//     method), the path is not "/" and it ends in '/', all trailing '/' are
//     stripped and, if that matches a route (any method), the answer is 307
//     with an empty body (Content-Length 0, no Content-Type) and
//     Location: slash_redirect_location(...). Applies to every method
//     (POST/HEAD "/health/" -> 307) and before validation
//     (".../US/abc/" -> 307). Examples: "/health/" and "/health//" ->
//     http://HOST/health; ".../US/5%2F" -> http://HOST/models/started_sessions/US/5;
//     "/models/completed-sessions/%20/" -> ...completed-sessions/%20.
//   - The query string is ignored by routing ("/health?x=1" -> 200).
//   - "/ready": 200 {"detail":"Ready"}, 503 {"detail":"<why>"} (the baseline:
//     "CQL unavailable: <driver error>"). A handler that fails otherwise (CQL
//     down during a model query) answers 500 "Internal Server Error" as
//     text/plain; charset=utf-8.
//   - uvicorn's h11 bounds an incomplete request head at 16 KiB, but a head
//     that arrives in one read is accepted (a 65 kB path answered 422).
//
// Thread safety: all functions are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace medallion::api {

// One entry of FastAPI's 422 "detail" array.
struct ParamError {
  std::string location;  // "path" | "query"
  std::string name;
  std::string msg;
  std::string type;
  std::string ctx_json;  // the "ctx" object as JSON text, "" when there is none

  bool operator==(const ParamError&) const = default;
};

// {"detail":[{"loc":["path","hours"],"msg":...,"type":...[,"ctx":{...}]},...]}
std::string validation_error_body(const std::vector<ParamError>& errors);

inline constexpr std::string_view kNotFoundBody = R"({"detail":"Not Found"})";
inline constexpr std::string_view kMethodNotAllowedBody = R"({"detail":"Method Not Allowed"})";

// True when uvicorn (h11) would accept `target` as a request-target: at least
// one byte, every byte in 0x21..0x7E. Otherwise it answers 400 (see above).
bool is_h11_request_target(std::string_view target);

// Python's urllib.parse.unquote(s, "utf-8", "replace"): the path as uvicorn
// hands it to Starlette. Bytes of raw_path that are not part of a %XX escape
// are taken as they are (h11 lets only ASCII through; raw bytes >= 0x80, if a
// server lets them in, are decoded with the escaped ones). The result is
// always valid UTF-8.
std::string decode_path(std::string_view raw_path);

// Starlette's query parsing (parse_qsl with keep_blank_values=True), in order.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view raw_query);

// The value FastAPI uses for `name`: the last one when repeated; nullopt when absent.
std::optional<std::string_view> query_value(
    const std::vector<std::pair<std::string, std::string>>& params, std::string_view name);

// Python's int(text) on the code points of `text` (UTF-8): nullopt where it
// raises ValueError (including Python 3.11's limit of 4300 digits). `exact` is
// false when the value does not fit int64; `value` is then INT64_MAX or
// INT64_MIN by its sign.
struct PythonInt {
  int64_t value = 0;
  bool exact = true;
};
std::optional<PythonInt> parse_python_int(std::string_view text);

// Code points of UTF-8 text (Python's len() of the decoded str).
size_t count_code_points(std::string_view utf8);

struct IntRule {
  std::optional<int64_t> ge;
  std::optional<int64_t> le;
};
struct StrRule {
  std::optional<size_t> max_length;  // in code points
};

// Parses and constrains an int parameter as FastAPI's Path(..., ge=, le=) /
// Query(..., ge=, le=) do: the value, or the error FastAPI reports. A value
// beyond int64 that no bound rejects (only possible without ge or le) is
// reported as "not a valid integer": medallion's int parameters all have
// both bounds.
std::variant<int64_t, ParamError> validate_int(std::string_view text, std::string_view location,
                                               std::string_view name, IntRule rule);

// Constrains a str parameter (Path(..., max_length=) / Query(..., max_length=)):
// nullopt when it passes, else the error FastAPI reports.
std::optional<ParamError> validate_str(std::string_view text, std::string_view location,
                                       std::string_view name, StrRule rule);

// The Location of the trailing-slash redirect (Starlette's redirect_slashes):
// "http://" + host + stripped_path, then "?" + raw_query when non-empty,
// percent-encoded as Python's quote(url, safe=":/%#?=@[]!$&'()*+,;") (UTF-8,
// upper-case hex). host is the Host header when it is a plain name, IPv4,
// or a bracketed IPv6 literal with an optional ":port" (Starlette's check),
// else server_host, with ":server_port" unless the port is 80.
// stripped_path is the decoded path without its trailing '/'s.
std::string slash_redirect_location(std::string_view stripped_path, std::string_view raw_query,
                                    std::string_view host_header, std::string_view server_host,
                                    uint16_t server_port);

// medallion's paging position, carried by page_token / next_page_token:
// base64url (RFC 4648 section 5, no '=' padding) of the UTF-8 text
// "<start_ts in milliseconds since the epoch>:<session_id>".
struct PageToken {
  int64_t start_ts_ms = 0;
  std::string session_id;

  bool operator==(const PageToken&) const = default;
};
std::string encode_page_token(const PageToken& token);
// Accepts exactly what bench/api_baseline.py accepts: only A-Z a-z 0-9 - _,
// length % 4 != 1 (unused low bits of the last character are ignored, as
// Python's decoder does), decoding to valid UTF-8 "<1..15 ASCII digits>:<1+
// characters>" whose number is at most 253402300799999
// (9999-12-31T23:59:59.999, Python's last datetime). nullopt otherwise.
std::optional<PageToken> decode_page_token(std::string_view token);
// The 422 entry for a page_token that decode_page_token refuses.
ParamError page_token_error();

}  // namespace medallion::api
