// CQL data types and values as the native protocol v4 carries them
// (native_protocol_v4.spec §4.2.5.2 for the type [option]s, §6-7 for values).
//
// A type travels as an [option]: a [short] id, then for some ids more:
//   0x0000 Custom  [string] Java class name
//   0x0001 ascii  0x0002 bigint  0x0003 blob  0x0004 boolean  0x0005 counter
//   0x0006 decimal  0x0007 double  0x0008 float  0x0009 int  0x000B timestamp
//   0x000C uuid  0x000D varchar (text)  0x000E varint  0x000F timeuuid
//   0x0010 inet  0x0011 date  0x0012 time  0x0013 smallint  0x0014 tinyint
//   0x0020 list [option]   0x0021 map [option] [option]   0x0022 set [option]
//   0x0030 UDT [string] ks [string] name [short] n n*([string] field, [option])
//   0x0031 tuple [short] n n*[option]
// Types nest at most kMaxTypeDepth deep.
//
// A value is the bytes inside a [bytes] / [value] (the length is outside):
//   ascii        bytes 0..127            text/varchar  UTF-8
//   blob         any bytes               boolean       1 byte, 0 false, else true
//   tinyint/smallint/int/bigint/counter  1/2/4/8 bytes two's complement
//   float/double IEEE 754 binary32/64    timestamp     int64 ms since the epoch
//   date         uint32 days, 2^31 = 1970-01-01
//   time         int64 ns since midnight, 0..86399999999999
//   uuid         16 bytes                timeuuid      16 bytes, version 1
//   inet         4 or 16 bytes           varint        two's complement, >= 1 byte
//   decimal      [int] scale, then a varint unscaled: unscaled * 10^-scale
//   list/set     [int] n, n elements as [bytes] (null elements are malformed)
//   map          [int] n, n pairs of [bytes] key, [bytes] value
//   tuple/UDT    one [bytes] per field (-1 = null); a UDT may stop early
//   custom       the raw bytes
// Decoding is exact: a fixed-size value of another size is malformed (this
// includes the zero-length "empty" values old Thrift clients wrote; text,
// ascii, blob and custom values may be empty), as are trailing bytes after a
// collection's last element and counts larger than the bytes could hold.
// Errors are Status::corruption "cql: <what> (<type> value): <what to do>".
//
// Thread safety: values; pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "cql/protocol/wire.h"
#include "util/status.h"

namespace medallion::cql {

enum class TypeId : uint16_t {
  kCustom = 0x0000,
  kAscii = 0x0001,
  kBigint = 0x0002,
  kBlob = 0x0003,
  kBoolean = 0x0004,
  kCounter = 0x0005,
  kDecimal = 0x0006,
  kDouble = 0x0007,
  kFloat = 0x0008,
  kInt = 0x0009,
  kTimestamp = 0x000B,
  kUuid = 0x000C,
  kVarchar = 0x000D,
  kVarint = 0x000E,
  kTimeuuid = 0x000F,
  kInet = 0x0010,
  kDate = 0x0011,
  kTime = 0x0012,
  kSmallint = 0x0013,
  kTinyint = 0x0014,
  kList = 0x0020,
  kMap = 0x0021,
  kSet = 0x0022,
  kUdt = 0x0030,
  kTuple = 0x0031,
};

constexpr int kMaxTypeDepth = 32;

struct CqlType {
  TypeId id = TypeId::kBlob;
  // list/set: {element}; map: {key, value}; tuple: components; UDT: field types.
  std::vector<CqlType> params;
  std::string custom_class;              // kCustom
  std::string udt_keyspace, udt_name;    // kUdt
  std::vector<std::string> field_names;  // kUdt, one per params entry

  static CqlType of(TypeId id) { return CqlType{id, {}, {}, {}, {}, {}}; }
  static CqlType list_of(CqlType element);
  static CqlType set_of(CqlType element);
  static CqlType map_of(CqlType key, CqlType value);
  static CqlType custom(std::string class_name);

  // CQL spelling: "int", "text", "list<int>", "map<text, int>", "'class'".
  std::string to_cql() const;
  bool operator==(const CqlType&) const = default;
};

// The CQL name of a non-parameterized type id ("int", "text"); "custom",
// "list", ... for the others.
std::string_view type_name(TypeId id);

// [option] codec. read_type errors name the field and offset like every
// WireReader error; write_type records errors in the writer's status.
util::Result<CqlType> read_type(WireReader& reader, std::string_view field = "type");
void write_type(WireWriter& writer, const CqlType& type);

// An arbitrary-precision integer held as its minimal big-endian two's
// complement bytes (at least one byte): 0 = 00, -1 = FF, 128 = 00 80.
class Varint {
 public:
  Varint() : bytes_(1, '\0') {}
  // Normalizes redundant leading 00/FF bytes; empty input means 0.
  static Varint from_bytes(std::string_view twos_complement);
  static Varint from_int64(int64_t v);
  // Decimal text: optional sign, then digits. nullopt for anything else.
  static std::optional<Varint> from_decimal(std::string_view text);

  const std::string& bytes() const { return bytes_; }
  bool is_negative() const { return (static_cast<uint8_t>(bytes_[0]) & 0x80) != 0; }
  std::optional<int64_t> to_int64() const;
  // Decimal text, "-" for negatives.
  std::string to_string() const;
  bool operator==(const Varint&) const = default;

 private:
  std::string bytes_;
};

// unscaled * 10^-scale.
struct Decimal {
  int32_t scale = 0;
  Varint unscaled;
  // Java BigDecimal.toString: plain when scale >= 0 and the adjusted exponent
  // is >= -6, else scientific ("1.23E+5", "1E-7").
  std::string to_string() const;
  bool operator==(const Decimal&) const = default;
};

struct Uuid {
  std::array<uint8_t, 16> bytes{};
  int version() const { return bytes[6] >> 4; }
  // "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
  std::string to_string() const;
  bool operator==(const Uuid&) const = default;
};

struct Timestamp {
  int64_t millis = 0;  // since 1970-01-01T00:00:00Z
  bool operator==(const Timestamp&) const = default;
};

struct Date {
  static constexpr uint32_t kEpoch = 1u << 31;
  uint32_t days = kEpoch;  // 2^31 = 1970-01-01
  static Date from_days_since_epoch(int64_t d) {
    return Date{static_cast<uint32_t>(d + int64_t{kEpoch})};
  }
  int64_t days_since_epoch() const { return int64_t{days} - int64_t{kEpoch}; }
  bool operator==(const Date&) const = default;
};

struct Time {
  static constexpr int64_t kMaxNanos = 86399999999999;
  int64_t nanos = 0;  // since midnight
  bool operator==(const Time&) const = default;
};

struct InetAddress {
  std::string bytes;  // 4 or 16
  bool operator==(const InetAddress&) const = default;
};

struct CqlValue;

// list, set, tuple and UDT values: the elements (fields) in order; in a tuple
// or UDT an element may be null.
struct CqlList {
  std::vector<CqlValue> elements;
  bool operator==(const CqlList& other) const;
};

struct CqlMap {
  std::vector<std::pair<CqlValue, CqlValue>> entries;
  bool operator==(const CqlMap& other) const;
};

// A decoded value. Which alternative goes with which type:
//   null                      std::monostate
//   boolean                   bool
//   tinyint/smallint/int      int8_t / int16_t / int32_t
//   bigint, counter           int64_t
//   float / double            float / double
//   ascii, text, blob, custom std::string
//   varint / decimal          Varint / Decimal
//   uuid, timeuuid            Uuid
//   timestamp / date / time   Timestamp / Date / Time
//   inet                      InetAddress
//   list, set, tuple, UDT     CqlList
//   map                       CqlMap
// Equality compares floats with ==, so NaN != NaN.
struct CqlValue {
  using Variant = std::variant<std::monostate, bool, int8_t, int16_t, int32_t, int64_t, float,
                               double, std::string, Varint, Decimal, Uuid, Timestamp, Date, Time,
                               InetAddress, CqlList, CqlMap>;
  Variant v;

  CqlValue() = default;
  template <typename T>
  requires(!std::is_same_v<std::decay_t<T>, CqlValue>) CqlValue(T value)
      : v(std::move(value)) {}  // NOLINT: implicit by design
  bool is_null() const { return std::holds_alternative<std::monostate>(v); }
  bool operator==(const CqlValue& other) const { return v == other.v; }
};

// Decodes the bytes of a non-null value of `type`.
util::Result<CqlValue> decode_value(const CqlType& type, std::string_view bytes);
// ok exactly when decode_value() would succeed, with its error otherwise;
// for types other than collections without building the value.
util::Status check_value(const CqlType& type, std::string_view bytes);

// Appends the encoding of `value` as a `type` to *out. Errors: invalid_argument
// when the value's alternative does not fit the type, or its content is out of
// range (a time past midnight, a timeuuid of another version, ascii above 127,
// text that is not UTF-8, an inet of 5 bytes, a null inside a list/set/map).
// Null itself has no encoding here: the caller writes [bytes] -1.
util::Status encode_value(const CqlType& type, const CqlValue& value, std::string* out);
util::Result<std::string> encode_value(const CqlType& type, const CqlValue& value);

}  // namespace medallion::cql
