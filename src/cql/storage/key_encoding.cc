// Order-preserving, prefix-free encodings of partition and clustering keys
// (see key_encoding.h; the byte layout of each type is in docs/cql-storage.md).
//
// Per type, ascending (a DESC component is the bitwise inversion):
//   tinyint/smallint/int/bigint/timestamp/time  big-endian, sign bit flipped
//   date             the u32 as is              boolean   00 or 01
//   float/double     bits; negatives inverted, positives sign-flipped (NaN
//                    canonical, so it sorts last)
//   ascii/text/blob/inet  bytes with 00 -> 00 FF, then 00 00
//   uuid             version byte, then for v1 the time fields reordered
//                    (hi, mid, low), else the first 8 bytes; then the last 8
//   timeuuid         time fields reordered (hi, mid, low), then the last 8
//                    bytes each XOR 0x80 (signed byte order)
//   varint           80 len:u32 bytes (>= 0) or 7F ~len:u32 bytes (< 0), the
//                    minimal two's complement bytes
//   decimal          02 (zero) | 03 exp digits 00 (> 0) | 01 ~exp ~digits FF
//                    (< 0), where value = 0.digits x 10^exp (digits 1..10 per
//                    decimal digit, no trailing zeros), then the scale
//                    (sign-flipped u32) so that 1.0 and 1.00 stay distinct
//   list/set/map     per element 01 element (map: 01 key value), then 00;
//                    set elements and map keys sorted by their encoding
#include "cql/storage/key_encoding.h"

#include <algorithm>
#include <cstring>

namespace medallion::cql {
namespace {

using util::Status;

// Decimal clustering values are converted through decimal digits (quadratic
// in the length): the unscaled part is limited to 4096 bytes (9865 digits).
constexpr size_t kMaxDecimalUnscaledBytes = 4096;
constexpr int64_t kMaxDecimalDigits = 9865;

uint32_t load_be32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
uint64_t load_be64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
void put_be32(std::string* out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_be64(std::string* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

Status malformed(const CqlType& type, std::string_view what) {
  return Status::invalid_argument("cql: malformed " + type.to_cql() + " clustering value (" +
                                  std::string(what) + "): bind a value of the column's type");
}

void append_escaped(std::string_view bytes, std::string* out) {
  for (char c : bytes) {
    out->push_back(c);
    if (c == '\0') out->push_back('\xff');
  }
  out->push_back('\0');
  out->push_back('\0');
}

bool fixed_size(TypeId id, size_t* size) {
  switch (id) {
    case TypeId::kBoolean:
    case TypeId::kTinyint:
      *size = 1;
      return true;
    case TypeId::kSmallint:
      *size = 2;
      return true;
    case TypeId::kInt:
    case TypeId::kDate:
    case TypeId::kFloat:
      *size = 4;
      return true;
    case TypeId::kBigint:
    case TypeId::kTimestamp:
    case TypeId::kTime:
    case TypeId::kDouble:
      *size = 8;
      return true;
    case TypeId::kTimeuuid:
      *size = 16;
      return true;
    default:
      return false;
  }
}

Status encode_one(const CqlType& type, std::string_view v, std::string* out, int depth);

// Reads the elements of a list/set/map serialization as views.
Status split_collection(const CqlType& type, std::string_view v, size_t per_entry,
                        std::vector<std::string_view>* parts) {
  if (v.size() < 4) return malformed(type, "no element count");
  const auto n = static_cast<int32_t>(load_be32(v.data()));
  if (n < 0) return malformed(type, "negative element count");
  size_t pos = 4;
  if (static_cast<uint64_t>(n) * per_entry * 4 > v.size())
    return malformed(type, "count too large");
  for (int64_t i = 0; i < int64_t{n} * static_cast<int64_t>(per_entry); ++i) {
    if (v.size() - pos < 4) return malformed(type, "truncated element");
    const auto len = static_cast<int32_t>(load_be32(v.data() + pos));
    pos += 4;
    if (len < 0) return malformed(type, "null element");
    if (v.size() - pos < static_cast<size_t>(len)) return malformed(type, "truncated element");
    parts->push_back(v.substr(pos, static_cast<size_t>(len)));
    pos += static_cast<size_t>(len);
  }
  if (pos != v.size()) return malformed(type, "trailing bytes");
  return Status::ok();
}

Status encode_decimal(const CqlType& type, std::string_view v, std::string* out) {
  if (v.size() < 5) return malformed(type, "shorter than 5 bytes");
  const auto scale = static_cast<int32_t>(load_be32(v.data()));
  if (v.size() - 4 > kMaxDecimalUnscaledBytes) {
    return Status::invalid_argument("cql: decimal clustering value longer than " +
                                    std::to_string(kMaxDecimalUnscaledBytes) +
                                    " bytes (clustering key): use a shorter value");
  }
  const Varint unscaled = Varint::from_bytes(v.substr(4));
  const bool negative = unscaled.is_negative();
  const bool zero = unscaled.bytes().size() == 1 && unscaled.bytes()[0] == '\0';
  if (zero) {
    out->push_back('\x02');
  } else {
    std::string digits = unscaled.to_string();
    if (negative) digits.erase(0, 1);
    const int64_t exponent = static_cast<int64_t>(digits.size()) - scale;
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    const uint8_t mask = negative ? 0xff : 0x00;
    out->push_back(negative ? '\x01' : '\x03');
    const uint64_t e = static_cast<uint64_t>(exponent) ^ (uint64_t{1} << 63);
    put_be64(out, negative ? ~e : e);
    for (char d : digits) out->push_back(static_cast<char>((d - '0' + 1) ^ mask));
    out->push_back(static_cast<char>(mask));
  }
  put_be32(out, static_cast<uint32_t>(scale) ^ 0x80000000u);
  return Status::ok();
}

Status encode_collection(const CqlType& type, std::string_view v, std::string* out, int depth) {
  const bool is_map = type.id == TypeId::kMap;
  std::vector<std::string_view> parts;
  MEDALLION_RETURN_IF_ERROR(split_collection(type, v, is_map ? 2 : 1, &parts));
  const size_t step = is_map ? 2 : 1;
  std::vector<std::string> encoded;
  encoded.reserve(parts.size() / step);
  for (size_t i = 0; i < parts.size(); i += step) {
    std::string e;
    MEDALLION_RETURN_IF_ERROR(encode_one(type.params[0], parts[i], &e, depth + 1));
    if (is_map) {
      // Keep the key's length to sort and deduplicate by key alone.
      const size_t key_len = e.size();
      MEDALLION_RETURN_IF_ERROR(encode_one(type.params[1], parts[i + 1], &e, depth + 1));
      e.insert(0, std::string_view(reinterpret_cast<const char*>(&key_len), sizeof key_len));
    }
    encoded.push_back(std::move(e));
  }
  if (type.id == TypeId::kSet) {
    std::sort(encoded.begin(), encoded.end());
    encoded.erase(std::unique(encoded.begin(), encoded.end()), encoded.end());
  } else if (is_map) {
    auto key_of = [](const std::string& e) {
      size_t key_len = 0;
      std::memcpy(&key_len, e.data(), sizeof key_len);
      return std::string_view(e).substr(sizeof key_len, key_len);
    };
    std::stable_sort(
        encoded.begin(), encoded.end(),
        [&](const std::string& a, const std::string& b) { return key_of(a) < key_of(b); });
    // A repeated key: the last one wins, as when Cassandra builds the map.
    std::vector<std::string> unique;
    for (auto& e : encoded) {
      if (!unique.empty() && key_of(unique.back()) == key_of(e))
        unique.back() = std::move(e);
      else
        unique.push_back(std::move(e));
    }
    encoded = std::move(unique);
    for (auto& e : encoded) e.erase(0, sizeof(size_t));
  }
  for (const auto& e : encoded) {
    out->push_back('\x01');
    out->append(e);
  }
  out->push_back('\0');
  return Status::ok();
}

Status encode_one(const CqlType& type, std::string_view v, std::string* out, int depth) {
  if (depth > kMaxTypeDepth) return malformed(type, "nested too deep");
  size_t size = 0;
  if (fixed_size(type.id, &size) && v.size() != size) {
    return malformed(
        type, "expected " + std::to_string(size) + " bytes, got " + std::to_string(v.size()));
  }
  switch (type.id) {
    case TypeId::kBoolean:
      out->push_back(v[0] != 0 ? '\x01' : '\x00');
      return Status::ok();
    case TypeId::kTinyint:
    case TypeId::kSmallint:
    case TypeId::kInt:
    case TypeId::kBigint:
    case TypeId::kTimestamp:
    case TypeId::kTime: {
      const size_t start = out->size();
      out->append(v);
      (*out)[start] = static_cast<char>((*out)[start] ^ 0x80);
      return Status::ok();
    }
    case TypeId::kDate:
      out->append(v);
      return Status::ok();
    case TypeId::kFloat: {
      uint32_t bits = load_be32(v.data());
      if ((bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu) != 0) bits = 0x7fc00000u;
      bits = (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
      put_be32(out, bits);
      return Status::ok();
    }
    case TypeId::kDouble: {
      uint64_t bits = load_be64(v.data());
      constexpr uint64_t kExp = 0x7ff0000000000000ULL;
      if ((bits & kExp) == kExp && (bits & 0x000fffffffffffffULL) != 0)
        bits = 0x7ff8000000000000ULL;
      bits = (bits >> 63) ? ~bits : (bits | (uint64_t{1} << 63));
      put_be64(out, bits);
      return Status::ok();
    }
    case TypeId::kAscii:
    case TypeId::kVarchar:
    case TypeId::kBlob:
      append_escaped(v, out);
      return Status::ok();
    case TypeId::kInet:
      if (v.size() != 4 && v.size() != 16) return malformed(type, "not 4 or 16 bytes");
      append_escaped(v, out);
      return Status::ok();
    case TypeId::kUuid: {
      if (v.size() != 16) return malformed(type, "not 16 bytes");
      const uint64_t msb = load_be64(v.data());
      const int version = static_cast<int>((msb >> 12) & 0xf);
      out->push_back(static_cast<char>(version));
      if (version == 1) {
        put_be64(out, (msb << 48) | ((msb << 16) & 0xffff00000000ULL) | (msb >> 32));
      } else {
        put_be64(out, msb);
      }
      out->append(v.substr(8));
      return Status::ok();
    }
    case TypeId::kTimeuuid: {
      const uint64_t msb = load_be64(v.data());
      if (((msb >> 12) & 0xf) != 1) return malformed(type, "not a version 1 uuid");
      put_be64(out, (msb << 48) | ((msb << 16) & 0xffff00000000ULL) | (msb >> 32));
      put_be64(out, load_be64(v.data() + 8) ^ 0x8080808080808080ULL);
      return Status::ok();
    }
    case TypeId::kVarint: {
      if (v.empty()) return malformed(type, "empty");
      const Varint n = Varint::from_bytes(v);
      const auto len = static_cast<uint32_t>(n.bytes().size());
      if (n.is_negative()) {
        out->push_back('\x7f');
        put_be32(out, ~len);
      } else {
        out->push_back('\x80');
        put_be32(out, len);
      }
      out->append(n.bytes());
      return Status::ok();
    }
    case TypeId::kDecimal:
      return encode_decimal(type, v, out);
    case TypeId::kList:
    case TypeId::kSet:
      if (type.params.size() != 1) return malformed(type, "no element type");
      return encode_collection(type, v, out, depth);
    case TypeId::kMap:
      if (type.params.size() != 2) return malformed(type, "no key and value types");
      return encode_collection(type, v, out, depth);
    default:
      return Status::invalid_argument("cql: " + type.to_cql() +
                                      " cannot be a clustering column: use another type");
  }
}

// Reads an encoded component, undoing a DESC inversion through `mask`.
class Cursor {
 public:
  Cursor(std::string_view s, uint8_t mask) : s_(s), mask_(mask) {}
  bool byte(uint8_t* b) {
    if (pos_ >= s_.size()) return false;
    *b = static_cast<uint8_t>(s_[pos_++]) ^ mask_;
    return true;
  }
  bool bytes(size_t n, std::string* out) {
    if (s_.size() - pos_ < n) return false;
    for (size_t i = 0; i < n; ++i)
      out->push_back(static_cast<char>(static_cast<uint8_t>(s_[pos_ + i]) ^ mask_));
    pos_ += n;
    return true;
  }
  size_t pos() const { return pos_; }

 private:
  std::string_view s_;
  size_t pos_ = 0;
  uint8_t mask_;
};

Status corrupt(const CqlType& type) {
  return Status::corruption("cql: stored clustering key is not a valid " + type.to_cql() +
                            " encoding (row key): the database is damaged");
}

Status decode_one(const CqlType& type, Cursor& in, std::string* out, int depth) {
  if (depth > kMaxTypeDepth) return corrupt(type);
  size_t size = 0;
  std::string buf;
  switch (type.id) {
    case TypeId::kBoolean: {
      uint8_t b = 0;
      if (!in.byte(&b) || b > 1) return corrupt(type);
      out->push_back(static_cast<char>(b));
      return Status::ok();
    }
    case TypeId::kTinyint:
    case TypeId::kSmallint:
    case TypeId::kInt:
    case TypeId::kBigint:
    case TypeId::kTimestamp:
    case TypeId::kTime: {
      fixed_size(type.id, &size);
      const size_t start = out->size();
      if (!in.bytes(size, out)) return corrupt(type);
      (*out)[start] = static_cast<char>((*out)[start] ^ 0x80);
      return Status::ok();
    }
    case TypeId::kDate:
      if (!in.bytes(4, out)) return corrupt(type);
      return Status::ok();
    case TypeId::kFloat: {
      if (!in.bytes(4, &buf)) return corrupt(type);
      uint32_t bits = load_be32(buf.data());
      bits = (bits & 0x80000000u) ? (bits & 0x7fffffffu) : ~bits;
      put_be32(out, bits);
      return Status::ok();
    }
    case TypeId::kDouble: {
      if (!in.bytes(8, &buf)) return corrupt(type);
      uint64_t bits = load_be64(buf.data());
      bits = (bits >> 63) ? (bits & ~(uint64_t{1} << 63)) : ~bits;
      put_be64(out, bits);
      return Status::ok();
    }
    case TypeId::kAscii:
    case TypeId::kVarchar:
    case TypeId::kBlob:
    case TypeId::kInet: {
      for (;;) {
        uint8_t b = 0;
        if (!in.byte(&b)) return corrupt(type);
        if (b != 0) {
          out->push_back(static_cast<char>(b));
          continue;
        }
        if (!in.byte(&b)) return corrupt(type);
        if (b == 0) return Status::ok();
        if (b != 0xff) return corrupt(type);
        out->push_back('\0');
      }
    }
    case TypeId::kUuid: {
      uint8_t version = 0;
      if (!in.byte(&version) || !in.bytes(16, &buf)) return corrupt(type);
      uint64_t msb = load_be64(buf.data());
      if (version == 1) {
        msb = ((msb & 0xffffffffULL) << 32) | (((msb >> 32) & 0xffff) << 16) | (msb >> 48);
      }
      if (((msb >> 12) & 0xf) != version) return corrupt(type);
      put_be64(out, msb);
      out->append(buf, 8, 8);
      return Status::ok();
    }
    case TypeId::kTimeuuid: {
      if (!in.bytes(16, &buf)) return corrupt(type);
      uint64_t msb = load_be64(buf.data());
      msb = ((msb & 0xffffffffULL) << 32) | (((msb >> 32) & 0xffff) << 16) | (msb >> 48);
      put_be64(out, msb);
      put_be64(out, load_be64(buf.data() + 8) ^ 0x8080808080808080ULL);
      return Status::ok();
    }
    case TypeId::kVarint: {
      uint8_t h = 0;
      if (!in.byte(&h) || (h != 0x7f && h != 0x80) || !in.bytes(4, &buf)) return corrupt(type);
      uint32_t len = load_be32(buf.data());
      if (h == 0x7f) len = ~len;
      if (len == 0 || !in.bytes(len, out)) return corrupt(type);
      return Status::ok();
    }
    case TypeId::kDecimal: {
      uint8_t h = 0;
      if (!in.byte(&h) || h < 1 || h > 3) return corrupt(type);
      std::string digits;
      int64_t exponent = 0;
      if (h != 2) {
        const bool negative = h == 1;
        if (!in.bytes(8, &buf)) return corrupt(type);
        uint64_t e = load_be64(buf.data());
        if (negative) e = ~e;
        exponent = static_cast<int64_t>(e ^ (uint64_t{1} << 63));
        const uint8_t mask = negative ? 0xff : 0x00;
        if (negative) digits.push_back('-');
        for (;;) {
          uint8_t b = 0;
          if (!in.byte(&b) || static_cast<int64_t>(digits.size()) > kMaxDecimalDigits + 1) {
            return corrupt(type);
          }
          b ^= mask;
          if (b == 0) break;
          if (b > 10) return corrupt(type);
          digits.push_back(static_cast<char>('0' + b - 1));
        }
      }
      buf.clear();
      if (!in.bytes(4, &buf)) return corrupt(type);
      const int32_t scale = static_cast<int32_t>(load_be32(buf.data()) ^ 0x80000000u);
      put_be32(out, static_cast<uint32_t>(scale));
      if (h == 2) {
        out->push_back('\0');
        return Status::ok();
      }
      const int64_t k = static_cast<int64_t>(digits.size()) - (h == 1 ? 1 : 0);
      const int64_t zeros = exponent - k + scale;
      if (k == 0 || zeros < 0 || zeros > kMaxDecimalDigits - k) return corrupt(type);
      digits.append(static_cast<size_t>(zeros), '0');
      const auto n = Varint::from_decimal(digits);
      if (!n) return corrupt(type);
      out->append(n->bytes());
      return Status::ok();
    }
    case TypeId::kList:
    case TypeId::kSet:
    case TypeId::kMap: {
      const bool is_map = type.id == TypeId::kMap;
      if (type.params.size() != (is_map ? 2u : 1u)) return corrupt(type);
      std::string body;
      uint32_t count = 0;
      for (;;) {
        uint8_t b = 0;
        if (!in.byte(&b) || b > 1) return corrupt(type);
        if (b == 0) break;
        for (size_t p = 0; p < (is_map ? 2u : 1u); ++p) {
          std::string element;
          MEDALLION_RETURN_IF_ERROR(decode_one(type.params[p], in, &element, depth + 1));
          put_be32(&body, static_cast<uint32_t>(element.size()));
          body += element;
        }
        ++count;
      }
      put_be32(out, count);
      out->append(body);
      return Status::ok();
    }
    default:
      return corrupt(type);
  }
}

// The smallest key greater than every key starting with `key`; "" when there
// is none (key empty or all FF).
std::string prefix_successor(std::string key) {
  while (!key.empty() && static_cast<uint8_t>(key.back()) == 0xff) key.pop_back();
  if (!key.empty()) key.back() = static_cast<char>(static_cast<uint8_t>(key.back()) + 1);
  return key;
}

Status encode_component(const ClusteringColumn& column, size_t index, std::string_view value,
                        std::string* out) {
  const size_t start = out->size();
  Status st = encode_one(column.type, value, out, 0);
  if (!st.is_ok()) {
    return Status(st.code(),
                  st.message() + " (clustering component " + std::to_string(index) + ")");
  }
  if (column.descending) {
    for (size_t i = start; i < out->size(); ++i) (*out)[i] = static_cast<char>(~(*out)[i]);
  }
  return Status::ok();
}

}  // namespace

std::string partition_key_bytes(const std::vector<std::string_view>& components) {
  if (components.size() == 1) return std::string(components[0]);
  std::string out;
  size_t total = 0;
  for (auto c : components) total += c.size() + 3;
  out.reserve(total);
  for (auto c : components) {
    out.push_back(static_cast<char>((c.size() >> 8) & 0xff));
    out.push_back(static_cast<char>(c.size() & 0xff));
    out.append(c);
    out.push_back('\0');
  }
  return out;
}

util::Result<std::vector<std::string>> split_partition_key(size_t count, std::string_view bytes) {
  std::vector<std::string> parts;
  if (count == 1) {
    parts.emplace_back(bytes);
    return parts;
  }
  size_t pos = 0;
  for (size_t i = 0; i < count; ++i) {
    if (bytes.size() - pos < 2) break;
    const size_t len = (static_cast<size_t>(static_cast<uint8_t>(bytes[pos])) << 8) |
                       static_cast<uint8_t>(bytes[pos + 1]);
    pos += 2;
    if (bytes.size() - pos < len + 1 || bytes[pos + len] != '\0') break;
    parts.emplace_back(bytes.substr(pos, len));
    pos += len + 1;
  }
  if (parts.size() != count || pos != bytes.size()) {
    return Status::corruption("cql: partition key is not " + std::to_string(count) +
                              " composite components (partition key): the key is damaged");
  }
  return parts;
}

bool is_clusterable(const CqlType& type) {
  switch (type.id) {
    case TypeId::kAscii:
    case TypeId::kVarchar:
    case TypeId::kBlob:
    case TypeId::kBoolean:
    case TypeId::kTinyint:
    case TypeId::kSmallint:
    case TypeId::kInt:
    case TypeId::kBigint:
    case TypeId::kVarint:
    case TypeId::kFloat:
    case TypeId::kDouble:
    case TypeId::kDecimal:
    case TypeId::kTimestamp:
    case TypeId::kDate:
    case TypeId::kTime:
    case TypeId::kUuid:
    case TypeId::kTimeuuid:
    case TypeId::kInet:
      return true;
    case TypeId::kList:
    case TypeId::kSet:
      return type.params.size() == 1 && is_clusterable(type.params[0]);
    case TypeId::kMap:
      return type.params.size() == 2 && is_clusterable(type.params[0]) &&
             is_clusterable(type.params[1]);
    default:
      return false;
  }
}

util::Result<std::string> encode_clustering(const std::vector<ClusteringColumn>& columns,
                                            const std::vector<std::string_view>& values) {
  if (values.size() > columns.size()) {
    return Status::invalid_argument(
        "cql: " + std::to_string(values.size()) + " clustering values for " +
        std::to_string(columns.size()) +
        " clustering columns (clustering key): pass at most one per column");
  }
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    MEDALLION_RETURN_IF_ERROR(encode_component(columns[i], i, values[i], &out));
  }
  return out;
}

util::Result<std::vector<std::string>> decode_clustering(
    const std::vector<ClusteringColumn>& columns, std::string_view encoded) {
  std::vector<std::string> values;
  values.reserve(columns.size());
  size_t pos = 0;
  for (const auto& column : columns) {
    Cursor in(encoded.substr(pos), column.descending ? 0xff : 0x00);
    std::string value;
    MEDALLION_RETURN_IF_ERROR(decode_one(column.type, in, &value, 0));
    pos += in.pos();
    values.push_back(std::move(value));
  }
  if (pos != encoded.size()) {
    return Status::corruption(
        "cql: trailing bytes after the clustering key (row key): the database is damaged");
  }
  return values;
}

util::Result<ClusteringRange> clustering_range(const std::vector<ClusteringColumn>& columns,
                                               const std::vector<std::string_view>& prefix,
                                               const std::optional<ClusteringBound>& lower,
                                               const std::optional<ClusteringBound>& upper) {
  MEDALLION_ASSIGN_OR_RETURN(std::string base, encode_clustering(columns, prefix));
  ClusteringRange range;
  range.start = base;
  range.end = prefix_successor(base);
  if (!lower && !upper) return range;
  if (prefix.size() >= columns.size()) {
    return Status::invalid_argument(
        "cql: a clustering bound after the last clustering column "
        "(clustering range): bound a column the prefix leaves free");
  }
  const ClusteringColumn& column = columns[prefix.size()];
  bool empty = false;
  // A bound's key is base + the component; `after` = past every key with it.
  auto key_of = [&](const ClusteringBound& b, bool after) -> util::Result<std::string> {
    std::string key = base;
    MEDALLION_RETURN_IF_ERROR(encode_component(column, prefix.size(), b.value, &key));
    if (!after) return key;
    std::string next = prefix_successor(key);
    if (next.empty()) {
      empty = true;
      return key;
    }
    return next;
  };
  // In byte order a DESC column's lower value bound is an upper key bound.
  const std::optional<ClusteringBound>& start_bound = column.descending ? upper : lower;
  const std::optional<ClusteringBound>& end_bound = column.descending ? lower : upper;
  if (start_bound) {
    MEDALLION_ASSIGN_OR_RETURN(range.start, key_of(*start_bound, !start_bound->inclusive));
  }
  if (end_bound) {
    MEDALLION_ASSIGN_OR_RETURN(range.end, key_of(*end_bound, end_bound->inclusive));
    if (empty && end_bound->inclusive) {
      // Inclusive of a key with no successor inside the prefix: up to the prefix's end.
      empty = false;
      range.end = prefix_successor(base);
    }
  }
  if (empty) range.end = range.start;
  return range;
}

}  // namespace medallion::cql
