#include "cql/protocol/wire.h"

#include <fmt/format.h>

#include <cstring>
#include <limits>

namespace medallion::cql {
namespace {

constexpr size_t kMaxShort = std::numeric_limits<uint16_t>::max();
constexpr size_t kMaxInt = static_cast<size_t>(std::numeric_limits<int32_t>::max());

uint16_t load_u16(const char* p) {
  return static_cast<uint16_t>((static_cast<uint8_t>(p[0]) << 8) | static_cast<uint8_t>(p[1]));
}

uint32_t load_u32(const char* p) {
  return (uint32_t{static_cast<uint8_t>(p[0])} << 24) |
         (uint32_t{static_cast<uint8_t>(p[1])} << 16) |
         (uint32_t{static_cast<uint8_t>(p[2])} << 8) | uint32_t{static_cast<uint8_t>(p[3])};
}

void store_u32(char* p, uint32_t v) {
  p[0] = static_cast<char>(v >> 24);
  p[1] = static_cast<char>(v >> 16);
  p[2] = static_cast<char>(v >> 8);
  p[3] = static_cast<char>(v);
}

}  // namespace

std::string_view consistency_name(Consistency consistency) {
  switch (consistency) {
    case Consistency::kAny:
      return "ANY";
    case Consistency::kOne:
      return "ONE";
    case Consistency::kTwo:
      return "TWO";
    case Consistency::kThree:
      return "THREE";
    case Consistency::kQuorum:
      return "QUORUM";
    case Consistency::kAll:
      return "ALL";
    case Consistency::kLocalQuorum:
      return "LOCAL_QUORUM";
    case Consistency::kEachQuorum:
      return "EACH_QUORUM";
    case Consistency::kSerial:
      return "SERIAL";
    case Consistency::kLocalSerial:
      return "LOCAL_SERIAL";
    case Consistency::kLocalOne:
      return "LOCAL_ONE";
  }
  return "UNKNOWN";
}

bool is_valid_utf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    // ASCII, the usual case, eight bytes at a time.
    while (n - i >= 8) {
      uint64_t word;
      std::memcpy(&word, s.data() + i, sizeof word);
      if ((word & 0x8080808080808080ull) != 0) break;
      i += 8;
    }
    if (i == n) break;
    const auto c = static_cast<uint8_t>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t cp = 0;
    uint32_t min = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (n - i < len) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<uint8_t>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

// ------------------------------------------------------------- reader --

util::Status WireReader::error(std::string_view what, std::string_view field,
                               std::string_view hint) const {
  return util::Status::corruption(
      fmt::format("cql: {} ({} at offset {} of the {}): {}", what, field, pos_, context_, hint));
}

util::Status WireReader::truncated(std::string_view type, std::string_view field,
                                   size_t need) const {
  return error(fmt::format("truncated {}: needs {} bytes, {} remain", type, need, remaining()),
               field, "the message ends early; the client sent a malformed frame body");
}

util::Result<uint8_t> WireReader::read_byte(std::string_view field) {
  if (remaining() < 1) return truncated("[byte]", field, 1);
  return static_cast<uint8_t>(bytes_[pos_++]);
}

util::Result<uint16_t> WireReader::read_short(std::string_view field) {
  if (remaining() < 2) return truncated("[short]", field, 2);
  const uint16_t v = load_u16(bytes_.data() + pos_);
  pos_ += 2;
  return v;
}

util::Result<int32_t> WireReader::read_int(std::string_view field) {
  if (remaining() < 4) return truncated("[int]", field, 4);
  const uint32_t v = load_u32(bytes_.data() + pos_);
  pos_ += 4;
  return static_cast<int32_t>(v);
}

util::Result<int64_t> WireReader::read_long(std::string_view field) {
  if (remaining() < 8) return truncated("[long]", field, 8);
  const uint64_t hi = load_u32(bytes_.data() + pos_);
  const uint64_t lo = load_u32(bytes_.data() + pos_ + 4);
  pos_ += 8;
  return static_cast<int64_t>((hi << 32) | lo);
}

util::Result<std::string_view> WireReader::read_raw(size_t n, std::string_view field) {
  if (remaining() < n) return truncated("field", field, n);
  std::string_view v = bytes_.substr(pos_, n);
  pos_ += n;
  return v;
}

util::Result<std::string_view> WireReader::read_string(std::string_view field) {
  const size_t start = pos_;
  MEDALLION_ASSIGN_OR_RETURN(uint16_t n, read_short(field));
  if (remaining() < n) {
    auto st = truncated("[string]", field, n);
    pos_ = start;
    return st;
  }
  std::string_view v = bytes_.substr(pos_, n);
  if (!is_valid_utf8(v)) {
    return error("[string] is not valid UTF-8", field, "send text as UTF-8");
  }
  pos_ += n;
  return v;
}

util::Result<std::string_view> WireReader::read_long_string(std::string_view field) {
  const size_t start = pos_;
  MEDALLION_ASSIGN_OR_RETURN(int32_t n, read_int(field));
  if (n < 0) {
    pos_ = start;
    return error(fmt::format("[long string] has negative length {}", n), field);
  }
  if (remaining() < static_cast<size_t>(n)) {
    auto st = truncated("[long string]", field, static_cast<size_t>(n));
    pos_ = start;
    return st;
  }
  std::string_view v = bytes_.substr(pos_, static_cast<size_t>(n));
  if (!is_valid_utf8(v)) {
    return error("[long string] is not valid UTF-8", field, "send text as UTF-8");
  }
  pos_ += static_cast<size_t>(n);
  return v;
}

util::Result<std::optional<std::string_view>> WireReader::read_bytes(std::string_view field) {
  const size_t start = pos_;
  MEDALLION_ASSIGN_OR_RETURN(int32_t n, read_int(field));
  if (n < 0) return std::optional<std::string_view>();
  if (remaining() < static_cast<size_t>(n)) {
    auto st = truncated("[bytes]", field, static_cast<size_t>(n));
    pos_ = start;
    return st;
  }
  std::string_view v = bytes_.substr(pos_, static_cast<size_t>(n));
  pos_ += static_cast<size_t>(n);
  return std::optional<std::string_view>(v);
}

util::Result<Value> WireReader::read_value(std::string_view field) {
  const size_t start = pos_;
  MEDALLION_ASSIGN_OR_RETURN(int32_t n, read_int(field));
  if (n == -1) return Value::null();
  if (n == -2) return Value::not_set();
  if (n < -2) {
    pos_ = start;
    return error(fmt::format("[value] has invalid length {}", n), field,
                 "a value's length is >= 0, -1 (null) or -2 (not set)");
  }
  if (remaining() < static_cast<size_t>(n)) {
    auto st = truncated("[value]", field, static_cast<size_t>(n));
    pos_ = start;
    return st;
  }
  Value v = Value::of(std::string(bytes_.substr(pos_, static_cast<size_t>(n))));
  pos_ += static_cast<size_t>(n);
  return v;
}

util::Result<std::string_view> WireReader::read_short_bytes(std::string_view field) {
  const size_t start = pos_;
  MEDALLION_ASSIGN_OR_RETURN(uint16_t n, read_short(field));
  if (remaining() < n) {
    auto st = truncated("[short bytes]", field, n);
    pos_ = start;
    return st;
  }
  std::string_view v = bytes_.substr(pos_, n);
  pos_ += n;
  return v;
}

util::Result<Inet> WireReader::read_inet(std::string_view field) {
  const size_t start = pos_;
  MEDALLION_ASSIGN_OR_RETURN(uint8_t n, read_byte(field));
  if (n != 4 && n != 16) {
    pos_ = start;
    return error(fmt::format("[inet] address size is {}, not 4 or 16", n), field);
  }
  if (remaining() < size_t{n} + 4) {
    auto st = truncated("[inet]", field, size_t{n} + 4);
    pos_ = start;
    return st;
  }
  Inet inet;
  inet.address.assign(bytes_.substr(pos_, n));
  pos_ += n;
  inet.port = read_int(field).value();
  return inet;
}

util::Result<std::vector<std::string>> WireReader::read_string_list(std::string_view field) {
  MEDALLION_ASSIGN_OR_RETURN(uint16_t n, read_short(field));
  // Each [string] takes at least its 2-byte length.
  if (remaining() / 2 < n) {
    return error(
        fmt::format("[string list] claims {} strings but only {} bytes remain", n, remaining()),
        field);
  }
  std::vector<std::string> list;
  list.reserve(n);
  for (uint16_t i = 0; i < n; ++i) {
    MEDALLION_ASSIGN_OR_RETURN(std::string_view s, read_string(field));
    list.emplace_back(s);
  }
  return list;
}

util::Result<StringMap> WireReader::read_string_map(std::string_view field) {
  MEDALLION_ASSIGN_OR_RETURN(uint16_t n, read_short(field));
  if (remaining() / 4 < n) {
    return error(
        fmt::format("[string map] claims {} entries but only {} bytes remain", n, remaining()),
        field);
  }
  StringMap map;
  for (uint16_t i = 0; i < n; ++i) {
    MEDALLION_ASSIGN_OR_RETURN(std::string_view k, read_string(field));
    MEDALLION_ASSIGN_OR_RETURN(std::string_view v, read_string(field));
    if (!map.emplace(std::string(k), std::string(v)).second) {
      return error(fmt::format("[string map] repeats the key '{}'", k), field);
    }
  }
  return map;
}

util::Result<StringMultimap> WireReader::read_string_multimap(std::string_view field) {
  MEDALLION_ASSIGN_OR_RETURN(uint16_t n, read_short(field));
  if (remaining() / 4 < n) {
    return error(
        fmt::format("[string multimap] claims {} entries but only {} bytes remain", n, remaining()),
        field);
  }
  StringMultimap map;
  for (uint16_t i = 0; i < n; ++i) {
    MEDALLION_ASSIGN_OR_RETURN(std::string_view k, read_string(field));
    MEDALLION_ASSIGN_OR_RETURN(std::vector<std::string> v, read_string_list(field));
    if (!map.emplace(std::string(k), std::move(v)).second) {
      return error(fmt::format("[string multimap] repeats the key '{}'", k), field);
    }
  }
  return map;
}

util::Result<BytesMap> WireReader::read_bytes_map(std::string_view field) {
  MEDALLION_ASSIGN_OR_RETURN(uint16_t n, read_short(field));
  if (remaining() / 6 < n) {
    return error(
        fmt::format("[bytes map] claims {} entries but only {} bytes remain", n, remaining()),
        field);
  }
  BytesMap map;
  for (uint16_t i = 0; i < n; ++i) {
    MEDALLION_ASSIGN_OR_RETURN(std::string_view k, read_string(field));
    MEDALLION_ASSIGN_OR_RETURN(std::optional<std::string_view> v, read_bytes(field));
    std::optional<std::string> owned;
    if (v) owned.emplace(*v);
    if (!map.emplace(std::string(k), std::move(owned)).second) {
      return error(fmt::format("[bytes map] repeats the key '{}'", k), field);
    }
  }
  return map;
}

util::Result<Consistency> WireReader::read_consistency(std::string_view field) {
  const size_t start = pos_;
  MEDALLION_ASSIGN_OR_RETURN(uint16_t v, read_short(field));
  if (v > static_cast<uint16_t>(Consistency::kLocalOne)) {
    pos_ = start;
    return error(fmt::format("unknown consistency level 0x{:04X}", v), field,
                 "use one of ANY, ONE, TWO, THREE, QUORUM, ALL, LOCAL_QUORUM, EACH_QUORUM, "
                 "SERIAL, LOCAL_SERIAL, LOCAL_ONE");
  }
  return static_cast<Consistency>(v);
}

util::Status WireReader::expect_end() const {
  if (at_end()) return util::Status::ok();
  return error(fmt::format("{} unexpected bytes after the end", remaining()), "end of message",
               "the client sent a malformed message (or one of a newer protocol version)");
}

// ------------------------------------------------------------- writer --

bool WireWriter::fail(std::string_view what, size_t size, size_t max) {
  if (size <= max) return false;
  if (status_.is_ok()) {
    status_ = util::Status::invalid_argument(
        fmt::format("cql: {} of {} bytes is too long (protocol writer): the protocol allows at "
                    "most {}; send less",
                    what, size, max));
  }
  return true;
}

void WireWriter::write_byte(uint8_t v) {
  if (!ok()) return;
  out_->push_back(static_cast<char>(v));
}

void WireWriter::write_short(uint16_t v) {
  if (!ok()) return;
  out_->push_back(static_cast<char>(v >> 8));
  out_->push_back(static_cast<char>(v));
}

void WireWriter::write_int(int32_t v) {
  if (!ok()) return;
  char b[4];
  store_u32(b, static_cast<uint32_t>(v));
  out_->append(b, 4);
}

void WireWriter::write_long(int64_t v) {
  if (!ok()) return;
  const auto u = static_cast<uint64_t>(v);
  char b[8];
  store_u32(b, static_cast<uint32_t>(u >> 32));
  store_u32(b + 4, static_cast<uint32_t>(u));
  out_->append(b, 8);
}

void WireWriter::write_raw(std::string_view bytes) {
  if (!ok()) return;
  out_->append(bytes);
}

void WireWriter::write_string(std::string_view s) {
  if (fail("a [string]", s.size(), kMaxShort)) return;
  write_short(static_cast<uint16_t>(s.size()));
  write_raw(s);
}

void WireWriter::write_long_string(std::string_view s) {
  if (fail("a [long string]", s.size(), kMaxInt)) return;
  write_int(static_cast<int32_t>(s.size()));
  write_raw(s);
}

void WireWriter::write_bytes(std::optional<std::string_view> bytes) {
  if (!bytes) {
    write_int(-1);
    return;
  }
  if (fail("a [bytes]", bytes->size(), kMaxInt)) return;
  write_int(static_cast<int32_t>(bytes->size()));
  write_raw(*bytes);
}

void WireWriter::write_value(const Value& value) {
  switch (value.kind) {
    case Value::Kind::kNull:
      write_int(-1);
      return;
    case Value::Kind::kNotSet:
      write_int(-2);
      return;
    case Value::Kind::kBytes:
      write_bytes(std::string_view(value.bytes));
      return;
  }
}

void WireWriter::write_short_bytes(std::string_view bytes) {
  if (fail("a [short bytes]", bytes.size(), kMaxShort)) return;
  write_short(static_cast<uint16_t>(bytes.size()));
  write_raw(bytes);
}

void WireWriter::write_inet(const Inet& inet) {
  if (inet.address.size() != 4 && inet.address.size() != 16) {
    if (status_.is_ok()) {
      status_ = util::Status::invalid_argument(fmt::format(
          "cql: an [inet] address of {} bytes (protocol writer): use 4 (IPv4) or 16 (IPv6) bytes",
          inet.address.size()));
    }
    return;
  }
  write_byte(static_cast<uint8_t>(inet.address.size()));
  write_raw(inet.address);
  write_int(inet.port);
}

void WireWriter::write_string_list(const std::vector<std::string>& list) {
  if (fail("a [string list]", list.size(), kMaxShort)) return;
  write_short(static_cast<uint16_t>(list.size()));
  for (const auto& s : list) write_string(s);
}

void WireWriter::write_string_map(const StringMap& map) {
  if (fail("a [string map]", map.size(), kMaxShort)) return;
  write_short(static_cast<uint16_t>(map.size()));
  for (const auto& [k, v] : map) {
    write_string(k);
    write_string(v);
  }
}

void WireWriter::write_string_multimap(const StringMultimap& map) {
  if (fail("a [string multimap]", map.size(), kMaxShort)) return;
  write_short(static_cast<uint16_t>(map.size()));
  for (const auto& [k, v] : map) {
    write_string(k);
    write_string_list(v);
  }
}

void WireWriter::write_bytes_map(const BytesMap& map) {
  if (fail("a [bytes map]", map.size(), kMaxShort)) return;
  write_short(static_cast<uint16_t>(map.size()));
  for (const auto& [k, v] : map) {
    write_string(k);
    if (v) {
      write_bytes(std::string_view(*v));
    } else {
      write_bytes(std::nullopt);
    }
  }
}

size_t WireWriter::begin_int_length() {
  const size_t mark = out_->size();
  write_int(0);
  return mark;
}

void WireWriter::end_int_length(size_t mark) {
  if (!ok()) return;
  const size_t n = out_->size() - mark - 4;
  if (fail("a length-prefixed region", n, kMaxInt)) return;
  store_u32(out_->data() + mark, static_cast<uint32_t>(n));
}

}  // namespace medallion::cql
