// The notation of the CQL native protocol v4 (native_protocol_v4.spec §3):
// the primitive fields every frame body is built from. Big-endian throughout.
//
//   [byte]            1 byte, unsigned
//   [short]           2 bytes, unsigned
//   [int]             4 bytes, signed two's complement
//   [long]            8 bytes, signed two's complement
//   [string]          [short] n, then n bytes of UTF-8
//   [long string]     [int] n (n >= 0), then n bytes of UTF-8
//   [bytes]           [int] n, then n bytes if n >= 0; n < 0 is null
//   [value]           [int] n, then n bytes if n >= 0; -1 is null, -2 is
//                     "not set" (leave the bound column unchanged); n < -2
//                     is malformed
//   [short bytes]     [short] n, then n bytes
//   [inet]            [byte] n (4 or 16), n address bytes, then [int] port
//   [string list]     [short] n, then n [string]
//   [string map]      [short] n, then n pairs [string] key, [string] value
//   [string multimap] [short] n, then n pairs [string] key, [string list]
//   [bytes map]       [short] n, then n pairs [string] key, [bytes] value
//   [consistency]     [short], one of the Consistency values below
//
// Strictness (WireReader faces hostile bytes): every read checks the bytes
// that remain before it touches them; a count (of list items, map entries) is
// checked against the smallest encoding its items could have before anything
// is reserved; strings must be valid UTF-8; a map with a repeated key is
// malformed. Errors are Status::corruption
//   "cql: <what> (<field> at offset N of the <context>): <what to do>"
// naming the field the caller was reading.
//
// WireWriter appends to a std::string. A field too long for its length prefix
// (a [string] over 65535 bytes, say) does not throw: the writer remembers the
// first such error (status()), and writes nothing further.
//
// Ownership and thread safety: a WireReader holds a view of bytes the caller
// keeps alive, and the views it returns point into them. Readers and writers
// are single-threaded values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace medallion::cql {

// [consistency] levels.
enum class Consistency : uint16_t {
  kAny = 0x0000,
  kOne = 0x0001,
  kTwo = 0x0002,
  kThree = 0x0003,
  kQuorum = 0x0004,
  kAll = 0x0005,
  kLocalQuorum = 0x0006,
  kEachQuorum = 0x0007,
  kSerial = 0x0008,
  kLocalSerial = 0x0009,
  kLocalOne = 0x000A,
};

// "ONE", "LOCAL_QUORUM", ...; "UNKNOWN" for a value outside the enum.
std::string_view consistency_name(Consistency consistency);

// An [inet]: 4 (IPv4) or 16 (IPv6) address bytes in network order, and a port.
struct Inet {
  std::string address;
  int32_t port = 0;
  bool operator==(const Inet&) const = default;
};

// A [value]: null, "not set", or bytes (possibly empty).
struct Value {
  enum class Kind : uint8_t { kNull, kNotSet, kBytes };
  Kind kind = Kind::kNull;
  std::string bytes;  // empty unless kind == kBytes

  static Value null() { return {}; }
  static Value not_set() { return {Kind::kNotSet, {}}; }
  static Value of(std::string b) { return {Kind::kBytes, std::move(b)}; }
  bool is_null() const { return kind == Kind::kNull; }
  bool is_not_set() const { return kind == Kind::kNotSet; }
  bool operator==(const Value&) const = default;
};

using StringMap = std::map<std::string, std::string>;
using StringMultimap = std::map<std::string, std::vector<std::string>>;
// [bytes map] (custom payloads); a null value is std::nullopt.
using BytesMap = std::map<std::string, std::optional<std::string>>;

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code points
// above U+10FFFF).
bool is_valid_utf8(std::string_view s);

class WireReader {
 public:
  // `context` names what is being read, for errors ("QUERY body"). Like the
  // bytes, it is a view: it must outlive the reader (pass a literal).
  explicit WireReader(std::string_view bytes, std::string_view context = "message body")
      : bytes_(bytes), context_(context) {}
  // A reader of a temporary string would dangle.
  WireReader(std::string&&, std::string_view = {}) = delete;

  size_t position() const { return pos_; }
  size_t remaining() const { return bytes_.size() - pos_; }
  bool at_end() const { return pos_ == bytes_.size(); }
  std::string_view context() const { return context_; }

  util::Result<uint8_t> read_byte(std::string_view field);
  util::Result<uint16_t> read_short(std::string_view field);
  util::Result<int32_t> read_int(std::string_view field);
  util::Result<int64_t> read_long(std::string_view field);
  // Exactly n raw bytes.
  util::Result<std::string_view> read_raw(size_t n, std::string_view field);
  util::Result<std::string_view> read_string(std::string_view field);
  util::Result<std::string_view> read_long_string(std::string_view field);
  // std::nullopt for a null [bytes].
  util::Result<std::optional<std::string_view>> read_bytes(std::string_view field);
  util::Result<Value> read_value(std::string_view field);
  util::Result<std::string_view> read_short_bytes(std::string_view field);
  util::Result<Inet> read_inet(std::string_view field);
  util::Result<std::vector<std::string>> read_string_list(std::string_view field);
  util::Result<StringMap> read_string_map(std::string_view field);
  util::Result<StringMultimap> read_string_multimap(std::string_view field);
  util::Result<BytesMap> read_bytes_map(std::string_view field);
  util::Result<Consistency> read_consistency(std::string_view field);

  // Fails unless every byte was consumed.
  util::Status expect_end() const;

  // Status::corruption "cql: <what> (<field> at offset N of the <context>):
  // <hint>", N being the current position.
  util::Status error(std::string_view what, std::string_view field,
                     std::string_view hint = "the client sent a malformed message") const;

 private:
  util::Status truncated(std::string_view type, std::string_view field, size_t need) const;

  std::string_view bytes_;
  std::string_view context_;
  size_t pos_ = 0;
};

class WireWriter {
 public:
  explicit WireWriter(std::string* out) : out_(out) {}

  void write_byte(uint8_t v);
  void write_short(uint16_t v);
  void write_int(int32_t v);
  void write_long(int64_t v);
  void write_raw(std::string_view bytes);
  void write_string(std::string_view s);
  void write_long_string(std::string_view s);
  // std::nullopt writes a null [bytes] (length -1).
  void write_bytes(std::optional<std::string_view> bytes);
  void write_value(const Value& value);
  void write_short_bytes(std::string_view bytes);
  void write_inet(const Inet& inet);
  void write_string_list(const std::vector<std::string>& list);
  void write_string_map(const StringMap& map);
  void write_string_multimap(const StringMultimap& map);
  void write_bytes_map(const BytesMap& map);
  void write_consistency(Consistency c) { write_short(static_cast<uint16_t>(c)); }

  // A length-prefixed region: begin_int_length() writes a placeholder [int]
  // and returns its offset; end_int_length(mark) patches it with the number of
  // bytes written since.
  size_t begin_int_length();
  void end_int_length(size_t mark);

  // Records an error found by a caller (kept only if it is the first).
  void record_error(util::Status status) {
    if (status_.is_ok()) status_ = std::move(status);
  }

  // OK, or the first field that did not fit its length prefix.
  const util::Status& status() const { return status_; }
  bool ok() const { return status_.is_ok(); }
  std::string* out() { return out_; }

 private:
  bool fail(std::string_view what, size_t size, size_t max);

  std::string* out_;
  util::Status status_;
};

}  // namespace medallion::cql
