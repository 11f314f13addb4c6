#include "api/fastapi_params.h"

#include <algorithm>
#include <array>
#include <limits>

#include "util/json_writer.h"

namespace medallion::api {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// The first code point (the digit zero) of every block of ten Unicode
// decimal digits (General_Category Nd) of Unicode 14.0, the version of
// Debian bookworm's Python 3.11, whose int() accepts them all. Generated with
//   python3 -c 'import unicodedata as u; print([hex(i) for i in range(0x110000)
//               if u.category(chr(i)) == "Nd" and u.decimal(chr(i)) == 0])'
// (every block is the ten consecutive code points zero..nine).
constexpr std::array<char32_t, 66> kDecimalZeros = {
    0x30,    0x660,   0x6F0,   0x7C0,   0x966,   0x9E6,   0xA66,   0xAE6,   0xB66,   0xBE6,
    0xC66,   0xCE6,   0xD66,   0xDE6,   0xE50,   0xED0,   0xF20,   0x1040,  0x1090,  0x17E0,
    0x1810,  0x1946,  0x19D0,  0x1A80,  0x1A90,  0x1B50,  0x1BB0,  0x1C40,  0x1C50,  0xA620,
    0xA8D0,  0xA900,  0xA9D0,  0xA9F0,  0xAA50,  0xABF0,  0xFF10,  0x104A0, 0x10D30, 0x11066,
    0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650, 0x116C0, 0x11730, 0x118E0,
    0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2,
    0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
};

// The non-ASCII code points Python's int() skips as whitespace (str.isspace()).
// Of ASCII, int() skips only \t \n \v \f \r and space (not U+001C..U+001F).
constexpr std::array<char32_t, 19> kNonAsciiSpaces = {
    0x85,   0xA0,   0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006,
    0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000,
};

constexpr size_t kMaxIntTextLength = 4300;        // pydantic's max_str_int, in code points
constexpr size_t kMaxIntDigits = 4300;            // Python 3.11's int() digit limit
constexpr int64_t kMaxTokenMs = 253402300799999;  // 9999-12-31T23:59:59.999

// The decimal value of a code point, -1 when it is no Nd digit.
int decimal_value(char32_t cp) {
  if (cp < 0x80) return cp >= '0' && cp <= '9' ? static_cast<int>(cp - '0') : -1;
  auto it = std::upper_bound(kDecimalZeros.begin(), kDecimalZeros.end(), cp);
  if (it == kDecimalZeros.begin()) return -1;
  const char32_t zero = *(it - 1);
  return cp - zero < 10 ? static_cast<int>(cp - zero) : -1;
}

bool is_python_int_space(char32_t cp) {
  if (cp < 0x80) return cp == ' ' || (cp >= '\t' && cp <= '\r');
  return std::find(kNonAsciiSpaces.begin(), kNonAsciiSpaces.end(), cp) != kNonAsciiSpaces.end();
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The length of the well-formed UTF-8 sequence at s[i], or 0 when it is not
// one; *subpart is then how many bytes form its maximal subpart (Unicode
// 3.9, table 3-7: the bytes a U+FFFD replaces, at least 1).
size_t utf8_sequence(std::string_view s, size_t i, size_t* subpart) {
  const auto b = static_cast<unsigned char>(s[i]);
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
  if (b < 0x80) return 1;
  if (b >= 0xC2 && b <= 0xDF) {
    need = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    need = 3;
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    need = 4;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;
  } else {
    *subpart = 1;
    return 0;
  }
  size_t k = 1;
  for (; k < need && i + k < s.size(); ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    const unsigned char first = k == 1 ? lo : 0x80, last = k == 1 ? hi : 0xBF;
    if (c < first || c > last) break;
  }
  if (k == need) return need;
  *subpart = k;
  return 0;
}

// Appends bytes as UTF-8, each invalid sequence's maximal subpart replaced
// by U+FFFD (Python's bytes.decode("utf-8", "replace")).
void append_utf8_replacing(std::string& out, std::string_view bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    size_t subpart = 0;
    const size_t n = utf8_sequence(bytes, i, &subpart);
    if (n == 0) {
      out += kReplacement;
      i += subpart;
    } else {
      out.append(bytes.substr(i, n));
      i += n;
    }
  }
}

// Decodes the code point of a well-formed sequence of length n at s[i].
char32_t code_point_at(std::string_view s, size_t i, size_t n) {
  const auto b = [&](size_t k) {
    return static_cast<char32_t>(static_cast<unsigned char>(s[i + k]));
  };
  switch (n) {
    case 1:
      return b(0);
    case 2:
      return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
    case 3:
      return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    default:
      return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
  }
}

bool is_valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t subpart = 0;
    const size_t n = utf8_sequence(s, i, &subpart);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// unquote(): %XX escapes to bytes ('+' to ' ' first when plus_is_space),
// then UTF-8 with replacement.
std::string unquote(std::string_view raw, bool plus_is_space) {
  const bool plain = std::none_of(raw.begin(), raw.end(), [&](char c) {
    return c == '%' || static_cast<unsigned char>(c) >= 0x80 || (plus_is_space && c == '+');
  });
  if (plain) return std::string(raw);
  std::string bytes;
  bytes.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '%' && i + 2 < raw.size()) {
      const int hi = hex_value(raw[i + 1]);
      const int lo = hi < 0 ? -1 : hex_value(raw[i + 2]);
      if (lo >= 0) {
        bytes.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    bytes.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  std::string out;
  out.reserve(bytes.size());
  append_utf8_replacing(out, bytes);
  return out;
}

ParamError make_error(std::string_view location, std::string_view name, std::string msg,
                      std::string type, std::string ctx_json = {}) {
  return ParamError{std::string(location), std::string(name), std::move(msg), std::move(type),
                    std::move(ctx_json)};
}

ParamError integer_error(std::string_view location, std::string_view name) {
  return make_error(location, name, "value is not a valid integer", "type_error.integer");
}

std::string limit_ctx(int64_t limit) { return "{\"limit_value\":" + std::to_string(limit) + "}"; }

// Starlette's Host header check: a name/IPv4 of [a-z0-9.-]+ or a bracketed
// IPv6 literal, then an optional ":digits", nothing else (case-insensitive).
bool is_plain_host(std::string_view host) {
  const auto is_alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  const auto is_hex = [](char c) { return hex_value(c) >= 0; };
  size_t i = 0;
  if (!host.empty() && host[0] == '[') {
    i = 1;
    while (i < host.size() && is_hex(host[i])) ++i;
    if (i >= host.size() || host[i] != ':') return false;
    const size_t start = ++i;
    while (i < host.size() && (is_hex(host[i]) || host[i] == '.' || host[i] == ':')) ++i;
    if (i == start || i >= host.size() || host[i] != ']') return false;
    ++i;
  } else {
    while (i < host.size() && (is_alnum(host[i]) || host[i] == '.' || host[i] == '-')) ++i;
    if (i == 0) return false;
  }
  if (i == host.size()) return true;
  if (host[i] != ':' || i + 1 == host.size()) return false;
  for (++i; i < host.size(); ++i) {
    if (host[i] < '0' || host[i] > '9') return false;
  }
  return true;
}

// Python's quote(s, safe=":/%#?=@[]!$&'()*+,;") of UTF-8 text.
void append_quoted(std::string& out, std::string_view s) {
  static constexpr std::string_view kSafe = ":/%#?=@[]!$&'()*+,;_.-~";
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (b < 0x80 && (alnum || kSafe.find(c) != std::string_view::npos)) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 0xF]);
    }
  }
}

constexpr std::string_view kBase64UrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int base64url_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

}  // namespace

std::string validation_error_body(const std::vector<ParamError>& errors) {
  std::string out = "{\"detail\":[";
  for (size_t i = 0; i < errors.size(); ++i) {
    const ParamError& e = errors[i];
    if (i > 0) out += ',';
    out += "{\"loc\":[";
    util::append_json_string(out, e.location);
    out += ',';
    util::append_json_string(out, e.name);
    out += "],\"msg\":";
    util::append_json_string(out, e.msg);
    out += ",\"type\":";
    util::append_json_string(out, e.type);
    if (!e.ctx_json.empty()) {
      out += ",\"ctx\":";
      out += e.ctx_json;
    }
    out += '}';
  }
  out += "]}";
  return out;
}

bool is_h11_request_target(std::string_view target) {
  return !target.empty() &&
         std::all_of(target.begin(), target.end(), [](char c) { return c >= 0x21 && c <= 0x7E; });
}

std::string decode_path(std::string_view raw_path) { return unquote(raw_path, false); }

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view raw_query) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  while (start <= raw_query.size()) {
    size_t end = raw_query.find('&', start);
    if (end == std::string_view::npos) end = raw_query.size();
    const std::string_view piece = raw_query.substr(start, end - start);
    if (!piece.empty()) {
      const size_t eq = piece.find('=');
      const std::string_view name = piece.substr(0, eq);
      const std::string_view value =
          eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
      out.emplace_back(unquote(name, true), unquote(value, true));
    }
    start = end + 1;
  }
  return out;
}

std::optional<std::string_view> query_value(
    const std::vector<std::pair<std::string, std::string>>& params, std::string_view name) {
  for (auto it = params.rbegin(); it != params.rend(); ++it) {
    if (it->first == name) return std::string_view(it->second);
  }
  return std::nullopt;
}

std::optional<PythonInt> parse_python_int(std::string_view text) {
  // Python maps every code point to ASCII first (whitespace to ' ', digits
  // to '0'..'9', '+', '-', '_' kept, anything else to an invalid character),
  // then parses: spaces, [sign], digit ('_'? digit)*, spaces.
  enum class State { kLeadingSpace, kAfterSign, kDigit, kUnderscore, kTrailingSpace };
  State state = State::kLeadingSpace;
  bool negative = false;
  bool overflow = false;
  uint64_t magnitude = 0;
  size_t digits = 0;
  for (size_t i = 0; i < text.size();) {
    size_t subpart = 0;
    const size_t n = utf8_sequence(text, i, &subpart);
    if (n == 0) return std::nullopt;
    const char32_t cp = code_point_at(text, i, n);
    i += n;
    if (is_python_int_space(cp)) {
      if (state == State::kDigit) {
        state = State::kTrailingSpace;
      } else if (state != State::kLeadingSpace && state != State::kTrailingSpace) {
        return std::nullopt;
      }
      continue;
    }
    if (cp == '+' || cp == '-') {
      if (state != State::kLeadingSpace) return std::nullopt;
      negative = cp == '-';
      state = State::kAfterSign;
      continue;
    }
    if (cp == '_') {
      if (state != State::kDigit) return std::nullopt;
      state = State::kUnderscore;
      continue;
    }
    const int d = decimal_value(cp);
    if (d < 0 || state == State::kTrailingSpace) return std::nullopt;
    state = State::kDigit;
    ++digits;
    if (!overflow) {
      if (magnitude > (std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(d)) / 10) {
        overflow = true;
      } else {
        magnitude = magnitude * 10 + static_cast<uint64_t>(d);
      }
    }
  }
  if (state != State::kDigit && state != State::kTrailingSpace) return std::nullopt;
  if (digits > kMaxIntDigits) return std::nullopt;
  constexpr uint64_t kMaxPositive = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  PythonInt out;
  if (negative) {
    if (overflow || magnitude > kMaxPositive + 1) {
      out.value = std::numeric_limits<int64_t>::min();
      out.exact = false;
    } else {
      out.value = magnitude == kMaxPositive + 1 ? std::numeric_limits<int64_t>::min()
                                                : -static_cast<int64_t>(magnitude);
    }
  } else if (overflow || magnitude > kMaxPositive) {
    out.value = std::numeric_limits<int64_t>::max();
    out.exact = false;
  } else {
    out.value = static_cast<int64_t>(magnitude);
  }
  return out;
}

size_t count_code_points(std::string_view utf8) {
  size_t n = 0;
  for (const char c : utf8) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::variant<int64_t, ParamError> validate_int(std::string_view text, std::string_view location,
                                               std::string_view name, IntRule rule) {
  // pydantic refuses long texts before int(); bytes >= code points, so
  // only long texts need counting.
  if (text.size() > kMaxIntTextLength && count_code_points(text) > kMaxIntTextLength) {
    return integer_error(location, name);
  }
  const std::optional<PythonInt> parsed = parse_python_int(text);
  if (!parsed) return integer_error(location, name);
  const bool below_int64 = !parsed->exact && parsed->value < 0;
  const bool above_int64 = !parsed->exact && parsed->value > 0;
  if (rule.ge && (below_int64 || (parsed->exact && parsed->value < *rule.ge))) {
    return make_error(location, name,
                      "ensure this value is greater than or equal to " + std::to_string(*rule.ge),
                      "value_error.number.not_ge", limit_ctx(*rule.ge));
  }
  if (rule.le && (above_int64 || (parsed->exact && parsed->value > *rule.le))) {
    return make_error(location, name,
                      "ensure this value is less than or equal to " + std::to_string(*rule.le),
                      "value_error.number.not_le", limit_ctx(*rule.le));
  }
  if (!parsed->exact) return integer_error(location, name);
  return parsed->value;
}

std::optional<ParamError> validate_str(std::string_view text, std::string_view location,
                                       std::string_view name, StrRule rule) {
  if (rule.max_length && text.size() > *rule.max_length &&
      count_code_points(text) > *rule.max_length) {
    return make_error(
        location, name,
        "ensure this value has at most " + std::to_string(*rule.max_length) + " characters",
        "value_error.any_str.max_length", limit_ctx(static_cast<int64_t>(*rule.max_length)));
  }
  return std::nullopt;
}

std::string slash_redirect_location(std::string_view stripped_path, std::string_view raw_query,
                                    std::string_view host_header, std::string_view server_host,
                                    uint16_t server_port) {
  std::string url = "http://";
  if (is_plain_host(host_header)) {
    url += host_header;
  } else {
    url += server_host;
    if (server_port != 80) url += ":" + std::to_string(server_port);
  }
  url += stripped_path;
  if (!raw_query.empty()) {
    url += '?';
    url += raw_query;
  }
  std::string out;
  out.reserve(url.size() + 16);
  append_quoted(out, url);
  return out;
}

std::string encode_page_token(const PageToken& token) {
  const std::string text = std::to_string(token.start_ts_ms) + ":" + token.session_id;
  std::string out;
  out.reserve((text.size() * 4 + 2) / 3);
  size_t i = 0;
  for (; i + 3 <= text.size(); i += 3) {
    const uint32_t v = static_cast<uint32_t>(static_cast<unsigned char>(text[i])) << 16 |
                       static_cast<uint32_t>(static_cast<unsigned char>(text[i + 1])) << 8 |
                       static_cast<unsigned char>(text[i + 2]);
    out += kBase64UrlAlphabet[v >> 18];
    out += kBase64UrlAlphabet[(v >> 12) & 63];
    out += kBase64UrlAlphabet[(v >> 6) & 63];
    out += kBase64UrlAlphabet[v & 63];
  }
  const size_t rest = text.size() - i;
  if (rest > 0) {
    uint32_t v = static_cast<uint32_t>(static_cast<unsigned char>(text[i])) << 16;
    if (rest == 2) v |= static_cast<uint32_t>(static_cast<unsigned char>(text[i + 1])) << 8;
    out += kBase64UrlAlphabet[v >> 18];
    out += kBase64UrlAlphabet[(v >> 12) & 63];
    if (rest == 2) out += kBase64UrlAlphabet[(v >> 6) & 63];
  }
  return out;
}

std::optional<PageToken> decode_page_token(std::string_view token) {
  if (token.size() % 4 == 1) return std::nullopt;
  std::string text;
  text.reserve(token.size() * 3 / 4);
  uint32_t bits = 0;
  int nbits = 0;
  for (const char c : token) {
    const int v = base64url_value(c);
    if (v < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<uint32_t>(v);
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      text.push_back(static_cast<char>((bits >> nbits) & 0xFF));
    }
  }
  if (!is_valid_utf8(text)) return std::nullopt;
  const size_t colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || colon > 15 || colon + 1 == text.size()) {
    return std::nullopt;
  }
  int64_t ms = 0;
  for (size_t i = 0; i < colon; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    ms = ms * 10 + (text[i] - '0');
  }
  if (ms > kMaxTokenMs) return std::nullopt;
  return PageToken{ms, text.substr(colon + 1)};
}

ParamError page_token_error() {
  return make_error("query", "page_token", "invalid page token", "value_error.page_token");
}

}  // namespace medallion::api
