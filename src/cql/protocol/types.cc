#include "cql/protocol/types.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

namespace medallion::cql {
namespace {

uint64_t load_be(std::string_view b) {
  uint64_t v = 0;
  for (char c : b) v = (v << 8) | static_cast<uint8_t>(c);
  return v;
}

void store_be(std::string* out, uint64_t v, size_t n) {
  for (size_t i = n; i-- > 0;) out->push_back(static_cast<char>(v >> (8 * i)));
}

// Strips redundant sign bytes: 00 before a byte < 0x80, FF before one >= 0x80.
void normalize_twos_complement(std::string* b) {
  size_t skip = 0;
  while (b->size() - skip > 1) {
    const auto first = static_cast<uint8_t>((*b)[skip]);
    const auto next = static_cast<uint8_t>((*b)[skip + 1]);
    if ((first == 0x00 && next < 0x80) || (first == 0xFF && next >= 0x80)) {
      ++skip;
    } else {
      break;
    }
  }
  b->erase(0, skip);
}

// Negates a big-endian two's complement number in place (same width).
void negate_in_place(std::string* b) {
  for (char& c : *b) c = static_cast<char>(~static_cast<uint8_t>(c));
  for (size_t i = b->size(); i-- > 0;) {
    auto v = static_cast<uint8_t>((*b)[i]);
    (*b)[i] = static_cast<char>(v + 1);
    if (v != 0xFF) break;
  }
}

// The decimal digits of a magnitude given as big-endian unsigned bytes.
std::string magnitude_to_decimal(std::string mag) {
  std::string digits;  // least significant first
  size_t start = 0;
  while (start < mag.size() && mag[start] == '\0') ++start;
  while (start < mag.size()) {
    // Divide by 10^9, keeping the remainder.
    uint64_t rem = 0;
    for (size_t i = start; i < mag.size(); ++i) {
      const uint64_t cur = (rem << 8) | static_cast<uint8_t>(mag[i]);
      mag[i] = static_cast<char>(cur / 1000000000u);
      rem = cur % 1000000000u;
    }
    while (start < mag.size() && mag[start] == '\0') ++start;
    for (int k = 0; k < 9; ++k) {
      digits.push_back(static_cast<char>('0' + rem % 10));
      rem /= 10;
      if (start == mag.size() && rem == 0) break;
    }
  }
  if (digits.empty()) digits = "0";
  std::reverse(digits.begin(), digits.end());
  return digits;
}

std::string_view alternative_name(const CqlValue& value) {
  static constexpr std::string_view kNames[] = {
      "null",      "bool",   "int8",   "int16",       "int32",   "int64",
      "float",     "double", "string", "Varint",      "Decimal", "Uuid",
      "Timestamp", "Date",   "Time",   "InetAddress", "CqlList", "CqlMap"};
  static_assert(std::size(kNames) == std::variant_size_v<CqlValue::Variant>);
  return kNames[value.v.index()];
}

util::Status malformed(const CqlType& type, std::string_view what) {
  return util::Status::corruption(
      fmt::format("cql: {} ({} value): the client encoded the value wrongly or for another type",
                  what, type.to_cql()));
}

util::Status wrong_size(const CqlType& type, size_t want, size_t got) {
  return malformed(type, fmt::format("a value of type {} is exactly {} bytes, not {}",
                                     type.to_cql(), want, got));
}

util::Status bad_input(const CqlType& type, std::string_view what) {
  return util::Status::invalid_argument(fmt::format(
      "cql: {} (encoding a {} value): pass a value of the column's type", what, type.to_cql()));
}

util::Status mismatch(const CqlType& type, const CqlValue& value) {
  return bad_input(type, fmt::format("a value held as {} cannot be encoded as {}",
                                     alternative_name(value), type.to_cql()));
}

util::Result<CqlValue> decode_at(const CqlType& type, std::string_view b, int depth);
util::Status encode_at(const CqlType& type, const CqlValue& value, std::string* out, int depth);

// The context a collection's WireReader names in its errors (a literal: the
// reader keeps only a view).
std::string_view collection_context(TypeId id) {
  switch (id) {
    case TypeId::kList:
      return "list value";
    case TypeId::kSet:
      return "set value";
    case TypeId::kMap:
      return "map value";
    case TypeId::kTuple:
      return "tuple value";
    case TypeId::kUdt:
      return "UDT value";
    default:
      return "value";
  }
}

// Elements of a list/set (one element type) or a tuple/UDT (one per field).
util::Result<CqlValue> decode_collection(const CqlType& type, std::string_view b, int depth) {
  WireReader r(b, collection_context(type.id));
  CqlList list;
  if (type.id == TypeId::kList || type.id == TypeId::kSet) {
    if (type.params.size() != 1) return malformed(type, "the collection type has no element type");
    MEDALLION_ASSIGN_OR_RETURN(int32_t n, r.read_int("element count"));
    if (n < 0) return malformed(type, fmt::format("negative element count {}", n));
    if (r.remaining() / 4 < static_cast<size_t>(n)) {
      return malformed(
          type, fmt::format("{} elements claimed but only {} bytes follow", n, r.remaining()));
    }
    list.elements.reserve(static_cast<size_t>(n));
    for (int32_t i = 0; i < n; ++i) {
      MEDALLION_ASSIGN_OR_RETURN(std::optional<std::string_view> e, r.read_bytes("element"));
      if (!e) return malformed(type, fmt::format("element {} is null", i));
      MEDALLION_ASSIGN_OR_RETURN(CqlValue v, decode_at(type.params[0], *e, depth + 1));
      list.elements.push_back(std::move(v));
    }
  } else {  // tuple, UDT
    for (size_t i = 0; i < type.params.size() && !r.at_end(); ++i) {
      MEDALLION_ASSIGN_OR_RETURN(std::optional<std::string_view> e, r.read_bytes("field"));
      if (!e) {
        list.elements.emplace_back();
        continue;
      }
      MEDALLION_ASSIGN_OR_RETURN(CqlValue v, decode_at(type.params[i], *e, depth + 1));
      list.elements.push_back(std::move(v));
    }
  }
  if (!r.at_end()) {
    return malformed(type, fmt::format("{} bytes follow the last element", r.remaining()));
  }
  return CqlValue(std::move(list));
}

util::Result<CqlValue> decode_map(const CqlType& type, std::string_view b, int depth) {
  if (type.params.size() != 2) return malformed(type, "the map type lacks key or value types");
  WireReader r(b, collection_context(type.id));
  MEDALLION_ASSIGN_OR_RETURN(int32_t n, r.read_int("entry count"));
  if (n < 0) return malformed(type, fmt::format("negative entry count {}", n));
  if (r.remaining() / 8 < static_cast<size_t>(n)) {
    return malformed(type,
                     fmt::format("{} entries claimed but only {} bytes follow", n, r.remaining()));
  }
  CqlMap map;
  map.entries.reserve(static_cast<size_t>(n));
  for (int32_t i = 0; i < n; ++i) {
    MEDALLION_ASSIGN_OR_RETURN(std::optional<std::string_view> k, r.read_bytes("key"));
    MEDALLION_ASSIGN_OR_RETURN(std::optional<std::string_view> v, r.read_bytes("value"));
    if (!k || !v)
      return malformed(type, fmt::format("entry {} has a null {}", i, k ? "value" : "key"));
    MEDALLION_ASSIGN_OR_RETURN(CqlValue kv, decode_at(type.params[0], *k, depth + 1));
    MEDALLION_ASSIGN_OR_RETURN(CqlValue vv, decode_at(type.params[1], *v, depth + 1));
    map.entries.emplace_back(std::move(kv), std::move(vv));
  }
  if (!r.at_end()) {
    return malformed(type, fmt::format("{} bytes follow the last entry", r.remaining()));
  }
  return CqlValue(std::move(map));
}

bool is_collection(TypeId id) {
  return id == TypeId::kList || id == TypeId::kSet || id == TypeId::kTuple || id == TypeId::kUdt ||
         id == TypeId::kMap;
}

// Every check decode_at makes on a value of a non-collection type: its size
// and the content rules (ascii, UTF-8, time of day, timeuuid version).
util::Status check_scalar(const CqlType& type, std::string_view b) {
  const auto exactly = [&](size_t n) {
    return b.size() == n ? util::Status::ok() : wrong_size(type, n, b.size());
  };
  switch (type.id) {
    case TypeId::kCustom:
    case TypeId::kBlob:
      return util::Status::ok();
    case TypeId::kAscii:
      for (char c : b) {
        if (static_cast<uint8_t>(c) > 127)
          return malformed(type, "an ascii value has a byte above 127");
      }
      return util::Status::ok();
    case TypeId::kVarchar:
      if (!is_valid_utf8(b)) return malformed(type, "a text value is not valid UTF-8");
      return util::Status::ok();
    case TypeId::kBoolean:
    case TypeId::kTinyint:
      return exactly(1);
    case TypeId::kSmallint:
      return exactly(2);
    case TypeId::kInt:
    case TypeId::kFloat:
    case TypeId::kDate:
      return exactly(4);
    case TypeId::kBigint:
    case TypeId::kCounter:
    case TypeId::kDouble:
    case TypeId::kTimestamp:
      return exactly(8);
    case TypeId::kTime: {
      MEDALLION_RETURN_IF_ERROR(exactly(8));
      const auto ns = static_cast<int64_t>(load_be(b));
      if (ns < 0 || ns > Time::kMaxNanos) {
        return malformed(type,
                         fmt::format("a time of {} ns is outside 0..{}", ns, Time::kMaxNanos));
      }
      return util::Status::ok();
    }
    case TypeId::kUuid:
      return exactly(16);
    case TypeId::kTimeuuid: {
      MEDALLION_RETURN_IF_ERROR(exactly(16));
      const int version = static_cast<uint8_t>(b[6]) >> 4;
      if (version != 1) {
        return malformed(
            type, fmt::format("a timeuuid must be a version 1 UUID, not version {}", version));
      }
      return util::Status::ok();
    }
    case TypeId::kInet:
      if (b.size() != 4 && b.size() != 16) {
        return malformed(type, fmt::format("an inet value is 4 or 16 bytes, not {}", b.size()));
      }
      return util::Status::ok();
    case TypeId::kVarint:
      if (b.empty()) return malformed(type, "a varint value has no bytes");
      return util::Status::ok();
    case TypeId::kDecimal:
      if (b.size() < 5) {
        return malformed(type, fmt::format("a decimal value is a 4-byte scale and at least one "
                                           "varint byte, not {} bytes",
                                           b.size()));
      }
      return util::Status::ok();
    case TypeId::kList:
    case TypeId::kSet:
    case TypeId::kTuple:
    case TypeId::kUdt:
    case TypeId::kMap:
      break;
  }
  return malformed(type, fmt::format("unknown type id 0x{:04X}", static_cast<uint16_t>(type.id)));
}

util::Result<CqlValue> decode_at(const CqlType& type, std::string_view b, int depth) {
  if (depth > kMaxTypeDepth) {
    return malformed(type, fmt::format("values nest more than {} deep", kMaxTypeDepth));
  }
  if (type.id == TypeId::kMap) return decode_map(type, b, depth);
  if (is_collection(type.id)) return decode_collection(type, b, depth);
  MEDALLION_RETURN_IF_ERROR(check_scalar(type, b));
  switch (type.id) {
    case TypeId::kCustom:
    case TypeId::kBlob:
    case TypeId::kAscii:
    case TypeId::kVarchar:
      return CqlValue(std::string(b));
    case TypeId::kBoolean:
      return CqlValue(b[0] != 0);
    case TypeId::kTinyint:
      return CqlValue(static_cast<int8_t>(b[0]));
    case TypeId::kSmallint:
      return CqlValue(static_cast<int16_t>(static_cast<uint16_t>(load_be(b))));
    case TypeId::kInt:
      return CqlValue(static_cast<int32_t>(static_cast<uint32_t>(load_be(b))));
    case TypeId::kBigint:
    case TypeId::kCounter:
      return CqlValue(static_cast<int64_t>(load_be(b)));
    case TypeId::kFloat:
      return CqlValue(std::bit_cast<float>(static_cast<uint32_t>(load_be(b))));
    case TypeId::kDouble:
      return CqlValue(std::bit_cast<double>(load_be(b)));
    case TypeId::kTimestamp:
      return CqlValue(Timestamp{static_cast<int64_t>(load_be(b))});
    case TypeId::kDate:
      return CqlValue(Date{static_cast<uint32_t>(load_be(b))});
    case TypeId::kTime:
      return CqlValue(Time{static_cast<int64_t>(load_be(b))});
    case TypeId::kUuid:
    case TypeId::kTimeuuid: {
      Uuid u;
      std::memcpy(u.bytes.data(), b.data(), 16);
      return CqlValue(u);
    }
    case TypeId::kInet:
      return CqlValue(InetAddress{std::string(b)});
    case TypeId::kVarint:
      return CqlValue(Varint::from_bytes(b));
    case TypeId::kDecimal: {
      Decimal d;
      d.scale = static_cast<int32_t>(static_cast<uint32_t>(load_be(b.substr(0, 4))));
      d.unscaled = Varint::from_bytes(b.substr(4));
      return CqlValue(std::move(d));
    }
    default:
      break;
  }
  return malformed(type, fmt::format("unknown type id 0x{:04X}", static_cast<uint16_t>(type.id)));
}

// Appends [int] length + the element's encoding.
util::Status encode_element(const CqlType& type, const CqlValue& value, std::string* out,
                            int depth) {
  const size_t mark = out->size();
  out->append(4, '\0');
  MEDALLION_RETURN_IF_ERROR(encode_at(type, value, out, depth + 1));
  const size_t n = out->size() - mark - 4;
  if (n > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return bad_input(type, "an element is over 2 GiB");
  }
  for (int i = 0; i < 4; ++i) (*out)[mark + i] = static_cast<char>(n >> (24 - 8 * i));
  return util::Status::ok();
}

util::Status write_count(const CqlType& type, size_t n, std::string* out) {
  if (n > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return bad_input(type, "too many elements");
  }
  store_be(out, n, 4);
  return util::Status::ok();
}

util::Status encode_at(const CqlType& type, const CqlValue& value, std::string* out, int depth) {
  if (depth > kMaxTypeDepth) {
    return bad_input(type, fmt::format("values nest more than {} deep", kMaxTypeDepth));
  }
  const auto& v = value.v;
  switch (type.id) {
    case TypeId::kCustom:
    case TypeId::kBlob:
    case TypeId::kAscii:
    case TypeId::kVarchar: {
      const auto* s = std::get_if<std::string>(&v);
      if (s == nullptr) return mismatch(type, value);
      if (type.id == TypeId::kAscii &&
          std::any_of(s->begin(), s->end(), [](char c) { return static_cast<uint8_t>(c) > 127; })) {
        return bad_input(type, "an ascii value has a byte above 127");
      }
      if (type.id == TypeId::kVarchar && !is_valid_utf8(*s)) {
        return bad_input(type, "a text value is not valid UTF-8");
      }
      out->append(*s);
      return util::Status::ok();
    }
    case TypeId::kBoolean: {
      const auto* b = std::get_if<bool>(&v);
      if (b == nullptr) return mismatch(type, value);
      out->push_back(*b ? '\x01' : '\x00');
      return util::Status::ok();
    }
    case TypeId::kTinyint: {
      const auto* x = std::get_if<int8_t>(&v);
      if (x == nullptr) return mismatch(type, value);
      store_be(out, static_cast<uint8_t>(*x), 1);
      return util::Status::ok();
    }
    case TypeId::kSmallint: {
      const auto* x = std::get_if<int16_t>(&v);
      if (x == nullptr) return mismatch(type, value);
      store_be(out, static_cast<uint16_t>(*x), 2);
      return util::Status::ok();
    }
    case TypeId::kInt: {
      const auto* x = std::get_if<int32_t>(&v);
      if (x == nullptr) return mismatch(type, value);
      store_be(out, static_cast<uint32_t>(*x), 4);
      return util::Status::ok();
    }
    case TypeId::kBigint:
    case TypeId::kCounter: {
      const auto* x = std::get_if<int64_t>(&v);
      if (x == nullptr) return mismatch(type, value);
      store_be(out, static_cast<uint64_t>(*x), 8);
      return util::Status::ok();
    }
    case TypeId::kFloat: {
      const auto* x = std::get_if<float>(&v);
      if (x == nullptr) return mismatch(type, value);
      store_be(out, std::bit_cast<uint32_t>(*x), 4);
      return util::Status::ok();
    }
    case TypeId::kDouble: {
      const auto* x = std::get_if<double>(&v);
      if (x == nullptr) return mismatch(type, value);
      store_be(out, std::bit_cast<uint64_t>(*x), 8);
      return util::Status::ok();
    }
    case TypeId::kTimestamp: {
      const auto* x = std::get_if<Timestamp>(&v);
      if (x == nullptr) return mismatch(type, value);
      store_be(out, static_cast<uint64_t>(x->millis), 8);
      return util::Status::ok();
    }
    case TypeId::kDate: {
      const auto* x = std::get_if<Date>(&v);
      if (x == nullptr) return mismatch(type, value);
      store_be(out, x->days, 4);
      return util::Status::ok();
    }
    case TypeId::kTime: {
      const auto* x = std::get_if<Time>(&v);
      if (x == nullptr) return mismatch(type, value);
      if (x->nanos < 0 || x->nanos > Time::kMaxNanos) {
        return bad_input(
            type, fmt::format("a time of {} ns is outside 0..{}", x->nanos, Time::kMaxNanos));
      }
      store_be(out, static_cast<uint64_t>(x->nanos), 8);
      return util::Status::ok();
    }
    case TypeId::kUuid:
    case TypeId::kTimeuuid: {
      const auto* x = std::get_if<Uuid>(&v);
      if (x == nullptr) return mismatch(type, value);
      if (type.id == TypeId::kTimeuuid && x->version() != 1) {
        return bad_input(
            type, fmt::format("a timeuuid must be a version 1 UUID, not version {}", x->version()));
      }
      out->append(reinterpret_cast<const char*>(x->bytes.data()), 16);
      return util::Status::ok();
    }
    case TypeId::kInet: {
      const auto* x = std::get_if<InetAddress>(&v);
      if (x == nullptr) return mismatch(type, value);
      if (x->bytes.size() != 4 && x->bytes.size() != 16) {
        return bad_input(type, fmt::format("an inet address of {} bytes", x->bytes.size()));
      }
      out->append(x->bytes);
      return util::Status::ok();
    }
    case TypeId::kVarint: {
      const auto* x = std::get_if<Varint>(&v);
      if (x == nullptr) return mismatch(type, value);
      out->append(x->bytes());
      return util::Status::ok();
    }
    case TypeId::kDecimal: {
      const auto* x = std::get_if<Decimal>(&v);
      if (x == nullptr) return mismatch(type, value);
      store_be(out, static_cast<uint32_t>(x->scale), 4);
      out->append(x->unscaled.bytes());
      return util::Status::ok();
    }
    case TypeId::kList:
    case TypeId::kSet: {
      const auto* x = std::get_if<CqlList>(&v);
      if (x == nullptr) return mismatch(type, value);
      if (type.params.size() != 1)
        return bad_input(type, "the collection type has no element type");
      MEDALLION_RETURN_IF_ERROR(write_count(type, x->elements.size(), out));
      for (const auto& e : x->elements) {
        if (e.is_null()) return bad_input(type, "a collection element is null");
        MEDALLION_RETURN_IF_ERROR(encode_element(type.params[0], e, out, depth));
      }
      return util::Status::ok();
    }
    case TypeId::kTuple:
    case TypeId::kUdt: {
      const auto* x = std::get_if<CqlList>(&v);
      if (x == nullptr) return mismatch(type, value);
      if (x->elements.size() > type.params.size()) {
        return bad_input(type, fmt::format("{} fields for a type of {}", x->elements.size(),
                                           type.params.size()));
      }
      for (size_t i = 0; i < x->elements.size(); ++i) {
        if (x->elements[i].is_null()) {
          store_be(out, 0xFFFFFFFFu, 4);
          continue;
        }
        MEDALLION_RETURN_IF_ERROR(encode_element(type.params[i], x->elements[i], out, depth));
      }
      return util::Status::ok();
    }
    case TypeId::kMap: {
      const auto* x = std::get_if<CqlMap>(&v);
      if (x == nullptr) return mismatch(type, value);
      if (type.params.size() != 2) return bad_input(type, "the map type lacks key or value types");
      MEDALLION_RETURN_IF_ERROR(write_count(type, x->entries.size(), out));
      for (const auto& [k, val] : x->entries) {
        if (k.is_null() || val.is_null()) return bad_input(type, "a map key or value is null");
        MEDALLION_RETURN_IF_ERROR(encode_element(type.params[0], k, out, depth));
        MEDALLION_RETURN_IF_ERROR(encode_element(type.params[1], val, out, depth));
      }
      return util::Status::ok();
    }
  }
  return bad_input(type, fmt::format("unknown type id 0x{:04X}", static_cast<uint16_t>(type.id)));
}

bool is_known_type_id(uint16_t id) {
  return (id <= 0x0014 && id != 0x000A) || (id >= 0x0020 && id <= 0x0022) || id == 0x0030 ||
         id == 0x0031;
}

util::Result<CqlType> read_type_at(WireReader& r, std::string_view field, int depth) {
  if (depth > kMaxTypeDepth) {
    return r.error(fmt::format("type nests more than {} deep", kMaxTypeDepth), field,
                   "use a flatter type");
  }
  MEDALLION_ASSIGN_OR_RETURN(uint16_t id, r.read_short(field));
  if (!is_known_type_id(id)) {
    return r.error(fmt::format("unknown type option id 0x{:04X}", id), field,
                   "protocol v4 defines ids 0x0000-0x0014, 0x0020-0x0022, 0x0030, 0x0031");
  }
  CqlType t = CqlType::of(static_cast<TypeId>(id));
  switch (t.id) {
    case TypeId::kCustom: {
      MEDALLION_ASSIGN_OR_RETURN(std::string_view cls, r.read_string(field));
      t.custom_class.assign(cls);
      break;
    }
    case TypeId::kList:
    case TypeId::kSet: {
      MEDALLION_ASSIGN_OR_RETURN(CqlType e, read_type_at(r, field, depth + 1));
      t.params.push_back(std::move(e));
      break;
    }
    case TypeId::kMap: {
      MEDALLION_ASSIGN_OR_RETURN(CqlType k, read_type_at(r, field, depth + 1));
      MEDALLION_ASSIGN_OR_RETURN(CqlType v, read_type_at(r, field, depth + 1));
      t.params.push_back(std::move(k));
      t.params.push_back(std::move(v));
      break;
    }
    case TypeId::kUdt: {
      MEDALLION_ASSIGN_OR_RETURN(std::string_view ks, r.read_string(field));
      MEDALLION_ASSIGN_OR_RETURN(std::string_view name, r.read_string(field));
      t.udt_keyspace.assign(ks);
      t.udt_name.assign(name);
      MEDALLION_ASSIGN_OR_RETURN(uint16_t n, r.read_short(field));
      if (r.remaining() / 4 < n) {
        return r.error(
            fmt::format("UDT claims {} fields but only {} bytes remain", n, r.remaining()), field);
      }
      for (uint16_t i = 0; i < n; ++i) {
        MEDALLION_ASSIGN_OR_RETURN(std::string_view fname, r.read_string(field));
        MEDALLION_ASSIGN_OR_RETURN(CqlType ft, read_type_at(r, field, depth + 1));
        t.field_names.emplace_back(fname);
        t.params.push_back(std::move(ft));
      }
      break;
    }
    case TypeId::kTuple: {
      MEDALLION_ASSIGN_OR_RETURN(uint16_t n, r.read_short(field));
      if (r.remaining() / 2 < n) {
        return r.error(
            fmt::format("tuple claims {} components but only {} bytes remain", n, r.remaining()),
            field);
      }
      for (uint16_t i = 0; i < n; ++i) {
        MEDALLION_ASSIGN_OR_RETURN(CqlType ct, read_type_at(r, field, depth + 1));
        t.params.push_back(std::move(ct));
      }
      break;
    }
    default:
      break;
  }
  return t;
}

}  // namespace

// --------------------------------------------------------------- types --

CqlType CqlType::list_of(CqlType element) {
  CqlType t = of(TypeId::kList);
  t.params.push_back(std::move(element));
  return t;
}

CqlType CqlType::set_of(CqlType element) {
  CqlType t = of(TypeId::kSet);
  t.params.push_back(std::move(element));
  return t;
}

CqlType CqlType::map_of(CqlType key, CqlType value) {
  CqlType t = of(TypeId::kMap);
  t.params.push_back(std::move(key));
  t.params.push_back(std::move(value));
  return t;
}

CqlType CqlType::custom(std::string class_name) {
  CqlType t = of(TypeId::kCustom);
  t.custom_class = std::move(class_name);
  return t;
}

std::string_view type_name(TypeId id) {
  switch (id) {
    case TypeId::kCustom:
      return "custom";
    case TypeId::kAscii:
      return "ascii";
    case TypeId::kBigint:
      return "bigint";
    case TypeId::kBlob:
      return "blob";
    case TypeId::kBoolean:
      return "boolean";
    case TypeId::kCounter:
      return "counter";
    case TypeId::kDecimal:
      return "decimal";
    case TypeId::kDouble:
      return "double";
    case TypeId::kFloat:
      return "float";
    case TypeId::kInt:
      return "int";
    case TypeId::kTimestamp:
      return "timestamp";
    case TypeId::kUuid:
      return "uuid";
    case TypeId::kVarchar:
      return "text";
    case TypeId::kVarint:
      return "varint";
    case TypeId::kTimeuuid:
      return "timeuuid";
    case TypeId::kInet:
      return "inet";
    case TypeId::kDate:
      return "date";
    case TypeId::kTime:
      return "time";
    case TypeId::kSmallint:
      return "smallint";
    case TypeId::kTinyint:
      return "tinyint";
    case TypeId::kList:
      return "list";
    case TypeId::kMap:
      return "map";
    case TypeId::kSet:
      return "set";
    case TypeId::kUdt:
      return "udt";
    case TypeId::kTuple:
      return "tuple";
  }
  return "unknown";
}

std::string CqlType::to_cql() const {
  switch (id) {
    case TypeId::kCustom:
      return fmt::format("'{}'", custom_class);
    case TypeId::kList:
    case TypeId::kSet:
      return fmt::format("{}<{}>", type_name(id), params.empty() ? "?" : params[0].to_cql());
    case TypeId::kMap:
      if (params.size() != 2) return "map<?>";
      return fmt::format("map<{}, {}>", params[0].to_cql(), params[1].to_cql());
    case TypeId::kTuple: {
      std::string s = "tuple<";
      for (size_t i = 0; i < params.size(); ++i) {
        if (i > 0) s += ", ";
        s += params[i].to_cql();
      }
      return s + ">";
    }
    case TypeId::kUdt:
      return fmt::format("{}.{}", udt_keyspace, udt_name);
    default:
      return std::string(type_name(id));
  }
}

util::Result<CqlType> read_type(WireReader& reader, std::string_view field) {
  return read_type_at(reader, field, 0);
}

void write_type(WireWriter& w, const CqlType& type) {
  w.write_short(static_cast<uint16_t>(type.id));
  switch (type.id) {
    case TypeId::kCustom:
      w.write_string(type.custom_class);
      break;
    case TypeId::kList:
    case TypeId::kSet:
      if (!type.params.empty()) write_type(w, type.params[0]);
      break;
    case TypeId::kMap:
      for (const auto& p : type.params) write_type(w, p);
      break;
    case TypeId::kUdt:
      w.write_string(type.udt_keyspace);
      w.write_string(type.udt_name);
      w.write_short(static_cast<uint16_t>(type.params.size()));
      for (size_t i = 0; i < type.params.size(); ++i) {
        w.write_string(i < type.field_names.size() ? type.field_names[i] : std::string());
        write_type(w, type.params[i]);
      }
      break;
    case TypeId::kTuple:
      w.write_short(static_cast<uint16_t>(type.params.size()));
      for (const auto& p : type.params) write_type(w, p);
      break;
    default:
      break;
  }
}

// -------------------------------------------------------------- varint --

Varint Varint::from_bytes(std::string_view twos_complement) {
  Varint v;
  if (twos_complement.empty()) return v;
  v.bytes_.assign(twos_complement);
  normalize_twos_complement(&v.bytes_);
  return v;
}

Varint Varint::from_int64(int64_t x) {
  std::string b;
  store_be(&b, static_cast<uint64_t>(x), 8);
  return from_bytes(b);
}

std::optional<Varint> Varint::from_decimal(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return std::nullopt;
  std::string mag(1, '\0');  // big-endian magnitude with a spare sign byte
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    unsigned carry = static_cast<unsigned>(c - '0');
    for (size_t i = mag.size(); i-- > 0;) {
      const unsigned cur = static_cast<uint8_t>(mag[i]) * 10u + carry;
      mag[i] = static_cast<char>(cur & 0xFF);
      carry = cur >> 8;
    }
    if (carry != 0 || static_cast<uint8_t>(mag[0]) >= 0x80) {
      mag.insert(mag.begin(), static_cast<char>(carry));
      if (static_cast<uint8_t>(mag[0]) >= 0x80) mag.insert(mag.begin(), '\0');
    }
  }
  if (negative) negate_in_place(&mag);
  return from_bytes(mag);
}

std::optional<int64_t> Varint::to_int64() const {
  if (bytes_.size() > 8) return std::nullopt;
  uint64_t v = is_negative() ? ~uint64_t{0} : 0;
  for (char c : bytes_) v = (v << 8) | static_cast<uint8_t>(c);
  return static_cast<int64_t>(v);
}

std::string Varint::to_string() const {
  std::string mag = bytes_;
  const bool negative = is_negative();
  if (negative) {
    mag.insert(mag.begin(), '\xFF');  // room for -min's magnitude
    negate_in_place(&mag);
  }
  std::string digits = magnitude_to_decimal(std::move(mag));
  return negative ? "-" + digits : digits;
}

std::string Decimal::to_string() const {
  std::string coeff = unscaled.to_string();
  std::string sign;
  if (!coeff.empty() && coeff[0] == '-') {
    sign = "-";
    coeff.erase(0, 1);
  }
  const int64_t len = static_cast<int64_t>(coeff.size());
  const int64_t adjusted = -int64_t{scale} + (len - 1);
  if (scale >= 0 && adjusted >= -6) {
    if (scale == 0) return sign + coeff;
    if (len > scale) {
      return sign + coeff.substr(0, static_cast<size_t>(len - scale)) + "." +
             coeff.substr(static_cast<size_t>(len - scale));
    }
    return sign + "0." + std::string(static_cast<size_t>(scale - len), '0') + coeff;
  }
  std::string s = sign + coeff.substr(0, 1);
  if (len > 1) s += "." + coeff.substr(1);
  s += "E";
  if (adjusted >= 0) s += "+";
  s += std::to_string(adjusted);
  return s;
}

std::string Uuid::to_string() const {
  std::string s;
  s.reserve(36);
  static constexpr char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(kHex[bytes[i] >> 4]);
    s.push_back(kHex[bytes[i] & 0xF]);
  }
  return s;
}

bool CqlList::operator==(const CqlList& other) const { return elements == other.elements; }
bool CqlMap::operator==(const CqlMap& other) const { return entries == other.entries; }

// -------------------------------------------------------------- values --

util::Result<CqlValue> decode_value(const CqlType& type, std::string_view bytes) {
  return decode_at(type, bytes, 0);
}

util::Status check_value(const CqlType& type, std::string_view bytes) {
  if (!is_collection(type.id)) return check_scalar(type, bytes);
  return decode_at(type, bytes, 0).status();
}

util::Status encode_value(const CqlType& type, const CqlValue& value, std::string* out) {
  if (value.is_null()) {
    return bad_input(type, "null has no value bytes (write [bytes] -1 instead)");
  }
  const size_t mark = out->size();
  util::Status st = encode_at(type, value, out, 0);
  if (!st.is_ok()) out->resize(mark);
  return st;
}

util::Result<std::string> encode_value(const CqlType& type, const CqlValue& value) {
  std::string out;
  MEDALLION_RETURN_IF_ERROR(encode_value(type, value, &out));
  return out;
}

}  // namespace medallion::cql
