#include "cql/engine/literal_value.h"

#include <arpa/inet.h>

#include <algorithm>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <random>

namespace medallion::cql {
namespace {

util::Status bad(std::string_view column, const CqlType& type, std::string_view what) {
  return util::Status::invalid_argument("cql: invalid value for column '" + std::string(column) +
                                        "' of type " + type.to_cql() + ": " + std::string(what));
}

std::optional<int64_t> parse_int(const std::string& s) {
  if (s.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') return std::nullopt;
  return v;
}

std::optional<double> parse_double(const std::string& s) {
  if (s == "NaN" || s == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (s == "Infinity" || s == "infinity") return std::numeric_limits<double>::infinity();
  if (s == "-Infinity" || s == "-infinity") return -std::numeric_limits<double>::infinity();
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (*end != '\0') return std::nullopt;
  return v;
}

std::optional<Decimal> parse_decimal(const std::string& s) {
  std::string digits;
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  int32_t scale = 0;
  bool any = false, dot = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
      any = true;
      if (dot) ++scale;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (!any) return std::nullopt;
  if (i < s.size()) {
    if (s[i] != 'e' && s[i] != 'E') return std::nullopt;
    auto e = parse_int(s.substr(i + 1));
    if (!e || *e > 100000 || *e < -100000) return std::nullopt;
    scale -= static_cast<int32_t>(*e);
  }
  auto v = Varint::from_decimal((neg ? "-" : "") + digits);
  if (!v) return std::nullopt;
  return Decimal{scale, *v};
}

std::optional<Uuid> parse_uuid(std::string_view s) {
  if (s.size() != 36) return std::nullopt;
  Uuid u;
  size_t b = 0;
  for (size_t i = 0; i < 36;) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    const int h = hex(s[i]), l = hex(s[i + 1]);
    if (h < 0 || l < 0) return std::nullopt;
    u.bytes[b++] = static_cast<uint8_t>(h * 16 + l);
    i += 2;
  }
  return u;
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// Reads `n` digits at s[*i].
bool digits(std::string_view s, size_t* i, size_t n, int64_t* out) {
  if (*i + n > s.size()) return false;
  int64_t v = 0;
  for (size_t k = 0; k < n; ++k) {
    const char c = s[*i + k];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *i += n;
  *out = v;
  return true;
}

std::optional<int64_t> parse_date_days(std::string_view s, size_t* i) {
  int64_t y, m, d;
  bool neg = false;
  if (*i < s.size() && s[*i] == '-') {
    neg = true;
    ++*i;
  }
  size_t start = *i;
  while (*i < s.size() && s[*i] >= '0' && s[*i] <= '9') ++*i;
  if (*i - start < 4 || *i - start > 9) return std::nullopt;
  y = std::stoll(std::string(s.substr(start, *i - start)));
  if (neg) y = -y;
  if (*i >= s.size() || s[*i] != '-') return std::nullopt;
  ++*i;
  if (!digits(s, i, 2, &m) || *i >= s.size() || s[*i] != '-') return std::nullopt;
  ++*i;
  if (!digits(s, i, 2, &d)) return std::nullopt;
  if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  return days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

// HH:MM[:SS[.fffffffff]] -> nanoseconds.
std::optional<int64_t> parse_time_nanos(std::string_view s, size_t* i) {
  int64_t h, mi, sec = 0, frac = 0;
  if (!digits(s, i, 2, &h) || *i >= s.size() || s[*i] != ':') return std::nullopt;
  ++*i;
  if (!digits(s, i, 2, &mi)) return std::nullopt;
  if (*i < s.size() && s[*i] == ':') {
    ++*i;
    if (!digits(s, i, 2, &sec)) return std::nullopt;
    if (*i < s.size() && s[*i] == '.') {
      ++*i;
      int n = 0;
      while (*i < s.size() && s[*i] >= '0' && s[*i] <= '9') {
        if (n < 9) {
          frac = frac * 10 + (s[*i] - '0');
          ++n;
        }
        ++*i;
      }
      if (n == 0) return std::nullopt;
      for (; n < 9; ++n) frac *= 10;
    }
  }
  if (h > 23 || mi > 59 || sec > 59) return std::nullopt;
  return ((h * 60 + mi) * 60 + sec) * 1000000000 + frac;
}

std::optional<int64_t> parse_timestamp_ms(std::string_view s) {
  size_t i = 0;
  auto days = parse_date_days(s, &i);
  if (!days) return std::nullopt;
  int64_t nanos = 0;
  if (i < s.size() && (s[i] == ' ' || s[i] == 'T')) {
    ++i;
    auto t = parse_time_nanos(s, &i);
    if (!t) return std::nullopt;
    nanos = *t;
  }
  int64_t offset_minutes = 0;
  if (i < s.size()) {
    if (s[i] == 'Z' || s[i] == 'z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      const int sign = s[i] == '-' ? -1 : 1;
      ++i;
      int64_t oh, om = 0;
      if (!digits(s, &i, 2, &oh)) return std::nullopt;
      if (i < s.size() && s[i] == ':') ++i;
      if (i < s.size() && !digits(s, &i, 2, &om)) return std::nullopt;
      offset_minutes = sign * (oh * 60 + om);
    }
  }
  if (i != s.size()) return std::nullopt;
  return *days * 86400000 + nanos / 1000000 - offset_minutes * 60000;
}

util::Result<CqlValue> scalar_value(const Literal& lit, const CqlType& type,
                                    std::string_view column) {
  using K = Literal::Kind;
  const std::string& s = lit.text;
  auto int_in = [&](int64_t lo, int64_t hi) -> std::optional<int64_t> {
    if (lit.kind != K::kInteger) return std::nullopt;
    auto v = parse_int(s);
    if (!v || *v < lo || *v > hi) return std::nullopt;
    return v;
  };
  auto kind_error = [&]() { return bad(column, type, "cannot use the literal '" + s + "' here"); };
  switch (type.id) {
    case TypeId::kAscii:
    case TypeId::kVarchar:
      if (lit.kind != K::kString) return kind_error();
      return CqlValue(s);
    case TypeId::kBlob:
    case TypeId::kCustom: {
      if (lit.kind != K::kHex) return kind_error();
      if (s.size() % 2 != 0) return bad(column, type, "odd number of hex digits");
      std::string out;
      for (size_t i = 0; i < s.size(); i += 2) {
        out.push_back(static_cast<char>(std::stoi(s.substr(i, 2), nullptr, 16)));
      }
      return CqlValue(out);
    }
    case TypeId::kBoolean:
      if (lit.kind != K::kBoolean) return kind_error();
      return CqlValue(s == "true");
    case TypeId::kTinyint:
      if (auto v = int_in(INT8_MIN, INT8_MAX)) return CqlValue(static_cast<int8_t>(*v));
      return kind_error();
    case TypeId::kSmallint:
      if (auto v = int_in(INT16_MIN, INT16_MAX)) return CqlValue(static_cast<int16_t>(*v));
      return kind_error();
    case TypeId::kInt:
      if (auto v = int_in(INT32_MIN, INT32_MAX)) return CqlValue(static_cast<int32_t>(*v));
      return kind_error();
    case TypeId::kBigint:
    case TypeId::kCounter:
      if (auto v = int_in(INT64_MIN, INT64_MAX)) return CqlValue(*v);
      return kind_error();
    case TypeId::kVarint:
      if (lit.kind == K::kInteger) {
        if (auto v = Varint::from_decimal(s)) return CqlValue(*v);
      }
      return kind_error();
    case TypeId::kDecimal:
      if (lit.kind == K::kInteger || lit.kind == K::kFloat) {
        if (auto v = parse_decimal(s)) return CqlValue(*v);
      }
      return kind_error();
    case TypeId::kFloat:
    case TypeId::kDouble: {
      if (lit.kind != K::kInteger && lit.kind != K::kFloat) return kind_error();
      auto v = parse_double(s);
      if (!v) return kind_error();
      if (type.id == TypeId::kFloat) return CqlValue(static_cast<float>(*v));
      return CqlValue(*v);
    }
    case TypeId::kTimestamp:
      if (lit.kind == K::kInteger) {
        if (auto v = parse_int(s)) return CqlValue(Timestamp{*v});
      } else if (lit.kind == K::kString) {
        if (auto v = parse_timestamp_ms(s)) return CqlValue(Timestamp{*v});
        return bad(column, type, "unable to parse a timestamp from '" + s + "'");
      }
      return kind_error();
    case TypeId::kDate:
      if (lit.kind == K::kInteger) {
        if (auto v = int_in(0, UINT32_MAX)) return CqlValue(Date{static_cast<uint32_t>(*v)});
      } else if (lit.kind == K::kString) {
        size_t i = 0;
        auto d = parse_date_days(s, &i);
        if (d && i == s.size()) return CqlValue(Date::from_days_since_epoch(*d));
        return bad(column, type, "unable to parse a date from '" + s + "'");
      }
      return kind_error();
    case TypeId::kTime:
      if (lit.kind == K::kInteger) {
        if (auto v = int_in(0, Time::kMaxNanos)) return CqlValue(Time{*v});
      } else if (lit.kind == K::kString) {
        size_t i = 0;
        auto t = parse_time_nanos(s, &i);
        if (t && i == s.size()) return CqlValue(Time{*t});
        return bad(column, type, "unable to parse a time from '" + s + "'");
      }
      return kind_error();
    case TypeId::kUuid:
    case TypeId::kTimeuuid:
      if (lit.kind == K::kUuid || lit.kind == K::kString) {
        if (auto u = parse_uuid(s)) {
          if (type.id == TypeId::kTimeuuid && u->version() != 1) {
            return bad(column, type, "a timeuuid must be a version 1 uuid");
          }
          return CqlValue(*u);
        }
      }
      return kind_error();
    case TypeId::kInet:
      if (lit.kind == K::kString) {
        unsigned char buf[16];
        if (inet_pton(AF_INET, s.c_str(), buf) == 1) {
          return CqlValue(InetAddress{std::string(reinterpret_cast<char*>(buf), 4)});
        }
        if (inet_pton(AF_INET6, s.c_str(), buf) == 1) {
          return CqlValue(InetAddress{std::string(reinterpret_cast<char*>(buf), 16)});
        }
        return bad(column, type, "unable to parse an inet address from '" + s + "'");
      }
      return kind_error();
    default:
      return kind_error();
  }
}

util::Result<CqlValue> term_value(const Term& term, const CqlType& type, std::string_view column,
                                  int64_t now_micros, int depth);

util::Result<CqlValue> function_value(const FunctionCall& f, const CqlType& type,
                                      std::string_view column, int64_t now_micros) {
  const std::string& n = f.name;
  auto inner_is_now = [&]() {
    return f.args.size() == 1 && std::holds_alternative<FunctionCall>(f.args[0].value) &&
           std::get<FunctionCall>(f.args[0].value).name == "now";
  };
  if ((n == "now" || n == "currenttimeuuid") && f.args.empty()) {
    return CqlValue(make_timeuuid(now_micros));
  }
  if (n == "uuid" && f.args.empty()) {
    std::random_device rd;
    Uuid u;
    for (auto& b : u.bytes) b = static_cast<uint8_t>(rd());
    u.bytes[6] = static_cast<uint8_t>((u.bytes[6] & 0x0F) | 0x40);
    u.bytes[8] = static_cast<uint8_t>((u.bytes[8] & 0x3F) | 0x80);
    return CqlValue(u);
  }
  const int64_t ms = now_micros / 1000;
  if ((n == "currenttimestamp" && f.args.empty()) || (n == "totimestamp" && inner_is_now())) {
    return CqlValue(Timestamp{ms});
  }
  if ((n == "currentdate" && f.args.empty()) || (n == "todate" && inner_is_now())) {
    return CqlValue(Date::from_days_since_epoch(ms / 86400000));
  }
  if (n == "currenttime" && f.args.empty()) {
    return CqlValue(Time{(now_micros % 86400000000) * 1000});
  }
  if (n == "tounixtimestamp" && inner_is_now()) return CqlValue(ms);
  (void)type;
  return util::Status::invalid_argument("cql: unsupported function " + n +
                                        "() in a value (column '" + std::string(column) + "')");
}

util::Result<CqlValue> term_value(const Term& term, const CqlType& type, std::string_view column,
                                  int64_t now_micros, int depth) {
  if (depth > kMaxTypeDepth) return bad(column, type, "nested too deeply");
  if (const auto* lit = std::get_if<Literal>(&term.value)) {
    if (lit->kind == Literal::Kind::kNull) return CqlValue();
    return scalar_value(*lit, type, column);
  }
  if (std::holds_alternative<BindMarker>(term.value)) {
    return bad(column, type, "a bind marker cannot appear inside a collection literal");
  }
  if (const auto* f = std::get_if<FunctionCall>(&term.value)) {
    return function_value(*f, type, column, now_micros);
  }
  const auto& coll = std::get<CollectionLiteral>(term.value);
  using CK = CollectionLiteral::Kind;
  auto element = [&](const Term& t, const CqlType& et) -> util::Result<CqlValue> {
    MEDALLION_ASSIGN_OR_RETURN(auto v, term_value(t, et, column, now_micros, depth + 1));
    return v;
  };
  switch (type.id) {
    case TypeId::kList:
    case TypeId::kSet: {
      const bool ok = (type.id == TypeId::kList && coll.kind == CK::kList) ||
                      (type.id == TypeId::kSet && coll.kind == CK::kSet);
      if (!ok) return bad(column, type, "wrong kind of collection literal");
      CqlList out;
      for (const auto& e : coll.elements) {
        MEDALLION_ASSIGN_OR_RETURN(auto v, element(e, type.params[0]));
        if (v.is_null()) return bad(column, type, "null is not allowed inside a collection");
        out.elements.push_back(std::move(v));
      }
      if (type.id == TypeId::kSet) {
        // Sort and dedup by serialized bytes (the serialization order).
        std::vector<std::pair<std::string, CqlValue>> keyed;
        for (auto& v : out.elements) {
          MEDALLION_ASSIGN_OR_RETURN(auto b, encode_value(type.params[0], v));
          keyed.emplace_back(std::move(b), std::move(v));
        }
        std::sort(keyed.begin(), keyed.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        out.elements.clear();
        for (size_t i = 0; i < keyed.size(); ++i) {
          if (i > 0 && keyed[i].first == keyed[i - 1].first) continue;
          out.elements.push_back(std::move(keyed[i].second));
        }
      }
      return CqlValue(std::move(out));
    }
    case TypeId::kMap: {
      if (coll.kind != CK::kMap && !(coll.kind == CK::kSet && coll.elements.empty())) {
        return bad(column, type, "wrong kind of collection literal");
      }
      std::vector<std::pair<std::string, std::pair<CqlValue, CqlValue>>> keyed;
      for (size_t i = 0; i + 1 < coll.elements.size(); i += 2) {
        MEDALLION_ASSIGN_OR_RETURN(auto k, element(coll.elements[i], type.params[0]));
        MEDALLION_ASSIGN_OR_RETURN(auto v, element(coll.elements[i + 1], type.params[1]));
        if (k.is_null() || v.is_null()) {
          return bad(column, type, "null is not allowed inside a collection");
        }
        MEDALLION_ASSIGN_OR_RETURN(auto kb, encode_value(type.params[0], k));
        keyed.push_back({std::move(kb), {std::move(k), std::move(v)}});
      }
      std::stable_sort(keyed.begin(), keyed.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      CqlMap out;
      for (size_t i = 0; i < keyed.size(); ++i) {
        if (i + 1 < keyed.size() && keyed[i].first == keyed[i + 1].first) continue;  // last wins
        out.entries.push_back(std::move(keyed[i].second));
      }
      return CqlValue(std::move(out));
    }
    case TypeId::kTuple:
    case TypeId::kUdt: {
      if (coll.kind != CK::kTuple || coll.elements.size() > type.params.size()) {
        return bad(column, type, "wrong tuple literal");
      }
      CqlList out;
      for (size_t i = 0; i < coll.elements.size(); ++i) {
        MEDALLION_ASSIGN_OR_RETURN(auto v, element(coll.elements[i], type.params[i]));
        out.elements.push_back(std::move(v));
      }
      for (size_t i = coll.elements.size(); i < type.params.size(); ++i) {
        out.elements.emplace_back();
      }
      return CqlValue(std::move(out));
    }
    default:
      return bad(column, type, "a collection literal needs a collection column");
  }
}

}  // namespace

bool term_is_function(const Term& term) {
  if (std::holds_alternative<FunctionCall>(term.value)) return true;
  if (const auto* c = std::get_if<CollectionLiteral>(&term.value)) {
    for (const auto& e : c->elements) {
      if (term_is_function(e)) return true;
    }
  }
  return false;
}

util::Result<std::optional<std::string>> term_to_bytes(const Term& term, const CqlType& type,
                                                       std::string_view column,
                                                       int64_t now_micros) {
  MEDALLION_ASSIGN_OR_RETURN(auto v, term_value(term, type, column, now_micros, 0));
  if (v.is_null()) return std::optional<std::string>();
  auto bytes = encode_value(type, v);
  if (!bytes) return bad(column, type, bytes.status().message());
  return std::optional<std::string>(std::move(*bytes));
}

util::Status validate_value(const CqlType& type, std::string_view bytes, std::string_view column) {
  const util::Status valid = check_value(type, bytes);
  if (!valid.is_ok()) {
    return util::Status::invalid_argument("cql: invalid bind value for column '" +
                                          std::string(column) + "' of type " + type.to_cql() +
                                          ": " + valid.message());
  }
  return util::Status::ok();
}

Uuid make_timeuuid(int64_t micros) {
  static std::atomic<int64_t> last{0};
  static const uint64_t node = [] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32 | rd()) | 0x010000000000ULL;
  }();
  int64_t ts = micros * 10 + 0x01B21DD213814000LL;
  int64_t prev = last.load();
  while (true) {
    const int64_t next = ts > prev ? ts : prev + 1;
    if (last.compare_exchange_weak(prev, next)) {
      ts = next;
      break;
    }
  }
  const uint64_t t = static_cast<uint64_t>(ts);
  Uuid u;
  const uint32_t low = static_cast<uint32_t>(t);
  const uint16_t mid = static_cast<uint16_t>(t >> 32);
  const uint16_t hi = static_cast<uint16_t>(((t >> 48) & 0x0FFF) | 0x1000);
  for (int i = 0; i < 4; ++i) u.bytes[i] = static_cast<uint8_t>(low >> (24 - 8 * i));
  u.bytes[4] = static_cast<uint8_t>(mid >> 8);
  u.bytes[5] = static_cast<uint8_t>(mid);
  u.bytes[6] = static_cast<uint8_t>(hi >> 8);
  u.bytes[7] = static_cast<uint8_t>(hi);
  const uint16_t clock = static_cast<uint16_t>((node >> 48) & 0x3FFF);
  u.bytes[8] = static_cast<uint8_t>((clock >> 8) | 0x80);
  u.bytes[9] = static_cast<uint8_t>(clock);
  for (int i = 0; i < 6; ++i) u.bytes[10 + i] = static_cast<uint8_t>(node >> (40 - 8 * i));
  return u;
}

}  // namespace medallion::cql
