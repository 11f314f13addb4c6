#include "formats/parquet/plain_encoding.h"

#include <fmt/format.h>

#include <bit>
#include <cstring>

namespace medallion::parquet {

static_assert(std::endian::native == std::endian::little,
              "PLAIN decoding copies little-endian values as they are");

namespace {

util::Status too_short(std::string_view type, size_t count, size_t need, size_t have,
                       size_t base_offset) {
  return util::Status::corruption(fmt::format(
      "parquet: PLAIN {} needs {} bytes for {} values, {} remain (offset {}): the page is "
      "truncated or its value count is wrong",
      type, need, count, have, base_offset));
}

template <typename T>
util::Result<size_t> decode_fixed(std::string_view type, std::string_view data, size_t count,
                                  std::vector<T>* out, size_t base_offset) {
  if (count > data.size() / sizeof(T)) {
    return too_short(type, count, count > SIZE_MAX / sizeof(T) ? SIZE_MAX : count * sizeof(T),
                     data.size(), base_offset);
  }
  const size_t at = out->size();
  out->resize(at + count);
  if (count > 0) std::memcpy(out->data() + at, data.data(), count * sizeof(T));
  return count * sizeof(T);
}

template <typename T>
void encode_fixed(std::span<const T> values, std::string* out) {
  const size_t at = out->size();
  out->resize(at + values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(out->data() + at, values.data(), values.size() * sizeof(T));
}

uint32_t load_u32le(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// Calls visit(value) for each of `count` PLAIN byte arrays.
template <typename Visit>
util::Result<size_t> walk_byte_arrays(std::string_view data, size_t count, size_t base_offset,
                                      Visit visit) {
  // Each value takes at least its 4-byte length.
  if (count > data.size() / 4) {
    return too_short("BYTE_ARRAY", count, count > SIZE_MAX / 4 ? SIZE_MAX : count * 4,
                     data.size(), base_offset);
  }
  size_t pos = 0;
  for (size_t i = 0; i < count; ++i) {
    if (data.size() - pos < 4) {
      return util::Status::corruption(fmt::format(
          "parquet: PLAIN BYTE_ARRAY value {} of {} has no length (offset {}): the page is "
          "truncated",
          i, count, base_offset + pos));
    }
    const uint32_t length = load_u32le(data.data() + pos);
    if (length > data.size() - pos - 4) {
      return util::Status::corruption(fmt::format(
          "parquet: PLAIN BYTE_ARRAY value {} of {} has length {}, {} bytes remain (offset {}): "
          "the page is truncated or corrupt",
          i, count, length, data.size() - pos - 4, base_offset + pos));
    }
    visit(data.substr(pos + 4, length));
    pos += 4 + static_cast<size_t>(length);
  }
  return pos;
}

util::Status check_fixed_len(std::string_view data, size_t count, size_t type_length,
                             size_t base_offset) {
  if (type_length == 0) {
    return util::Status::corruption(fmt::format(
        "parquet: FIXED_LEN_BYTE_ARRAY type_length is 0 (offset {}): the schema is corrupt",
        base_offset));
  }
  if (count > data.size() / type_length) {
    return too_short("FIXED_LEN_BYTE_ARRAY", count,
                     count > SIZE_MAX / type_length ? SIZE_MAX : count * type_length, data.size(),
                     base_offset);
  }
  return util::Status::ok();
}

}  // namespace

util::Result<size_t> decode_plain_boolean(std::string_view data, size_t count,
                                          std::vector<uint8_t>* out, size_t base_offset) {
  const size_t bytes = count / 8 + (count % 8 != 0 ? 1 : 0);
  if (bytes > data.size()) return too_short("BOOLEAN", count, bytes, data.size(), base_offset);
  out->reserve(out->size() + count);
  for (size_t i = 0; i < count; ++i) {
    out->push_back(static_cast<uint8_t>((static_cast<uint8_t>(data[i / 8]) >> (i % 8)) & 1));
  }
  return bytes;
}

util::Result<size_t> decode_plain_int32(std::string_view data, size_t count,
                                        std::vector<int32_t>* out, size_t base_offset) {
  return decode_fixed("INT32", data, count, out, base_offset);
}
util::Result<size_t> decode_plain_int64(std::string_view data, size_t count,
                                        std::vector<int64_t>* out, size_t base_offset) {
  return decode_fixed("INT64", data, count, out, base_offset);
}
util::Result<size_t> decode_plain_int96(std::string_view data, size_t count,
                                        std::vector<Int96>* out, size_t base_offset) {
  static_assert(sizeof(Int96) == 12);
  return decode_fixed("INT96", data, count, out, base_offset);
}
util::Result<size_t> decode_plain_float(std::string_view data, size_t count,
                                        std::vector<float>* out, size_t base_offset) {
  return decode_fixed("FLOAT", data, count, out, base_offset);
}
util::Result<size_t> decode_plain_double(std::string_view data, size_t count,
                                         std::vector<double>* out, size_t base_offset) {
  return decode_fixed("DOUBLE", data, count, out, base_offset);
}

util::Result<size_t> decode_plain_byte_array(std::string_view data, size_t count,
                                             ByteArrays* out, size_t base_offset) {
  if (out->offsets.empty()) out->offsets.push_back(out->data.size());
  // Each value takes at least its 4-byte length.
  if (count > data.size() / 4) {
    return too_short("BYTE_ARRAY", count, count > SIZE_MAX / 4 ? SIZE_MAX : count * 4,
                     data.size(), base_offset);
  }
  // The values hold at most the bytes that are not lengths: the output is
  // sized once (plus kCopySlack, so that a short value is copied as one
  // fixed-size block), filled in place, then trimmed to what was written.
  constexpr size_t kCopySlack = 64;
  const size_t offsets_at = out->offsets.size();
  const size_t data_at = out->data.size();
  out->offsets.resize(offsets_at + count);
  out->data.resize(data_at + (data.size() - 4 * count) + kCopySlack);
  uint64_t* offsets = out->offsets.data() + offsets_at;
  char* dst = out->data.data() + data_at;
  const char* src = data.data();
  const size_t size = data.size();
  size_t pos = 0;
  size_t written = 0;
  for (size_t i = 0; i < count; ++i) {
    // count <= size / 4 and the room check below keep pos + 4 <= size here.
    const uint32_t length = load_u32le(src + pos);
    // The bytes this value may take: what is left after its length, less the
    // 4-byte lengths of the values after it. (By induction room >= 0.)
    const size_t later_lengths = 4 * (count - 1 - i);
    const size_t room = size - pos - 4 - later_lengths;
    if (length > room) {
      out->offsets.resize(offsets_at);
      out->data.resize(data_at);
      return util::Status::corruption(fmt::format(
          "parquet: PLAIN BYTE_ARRAY value {} of {} has length {}, but {} bytes remain for it "
          "and the lengths of the {} values after it (offset {}): the page is truncated or "
          "corrupt",
          i, count, length, size - pos - 4, count - 1 - i, base_offset + pos));
    }
    const size_t left = size - pos - 4;
    // length <= room keeps written + length <= data.size() - 4 * count, so
    // dst has kCopySlack bytes of room past the value.
    if (length <= kCopySlack && left >= kCopySlack) {
      std::memcpy(dst + written, src + pos + 4, kCopySlack);
    } else {
      std::memcpy(dst + written, src + pos + 4, length);
    }
    written += length;
    pos += 4 + static_cast<size_t>(length);
    offsets[i] = data_at + written;
  }
  out->data.resize(data_at + written);
  return pos;
}

util::Result<size_t> decode_plain_byte_array_views(std::string_view data, size_t count,
                                                   std::vector<std::string_view>* out,
                                                   size_t base_offset) {
  if (count <= data.size() / 4) out->reserve(out->size() + count);
  return walk_byte_arrays(data, count, base_offset, [&](std::string_view v) { out->push_back(v); });
}

util::Result<size_t> decode_plain_fixed_len_byte_array(std::string_view data, size_t count,
                                                       size_t type_length, ByteArrays* out,
                                                       size_t base_offset) {
  MEDALLION_RETURN_IF_ERROR(check_fixed_len(data, count, type_length, base_offset));
  if (out->offsets.empty()) out->offsets.push_back(out->data.size());
  out->offsets.reserve(out->offsets.size() + count);
  for (size_t i = 0; i < count; ++i) out->append(data.substr(i * type_length, type_length));
  return count * type_length;
}

util::Result<size_t> decode_plain_fixed_len_byte_array_views(std::string_view data, size_t count,
                                                             size_t type_length,
                                                             std::vector<std::string_view>* out,
                                                             size_t base_offset) {
  MEDALLION_RETURN_IF_ERROR(check_fixed_len(data, count, type_length, base_offset));
  out->reserve(out->size() + count);
  for (size_t i = 0; i < count; ++i) out->push_back(data.substr(i * type_length, type_length));
  return count * type_length;
}

void encode_plain_boolean(std::span<const uint8_t> values, std::string* out) {
  uint8_t byte = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] != 0) byte |= static_cast<uint8_t>(1u << (i % 8));
    if (i % 8 == 7) {
      out->push_back(static_cast<char>(byte));
      byte = 0;
    }
  }
  if (values.size() % 8 != 0) out->push_back(static_cast<char>(byte));
}

void encode_plain_int32(std::span<const int32_t> values, std::string* out) { encode_fixed(values, out); }
void encode_plain_int64(std::span<const int64_t> values, std::string* out) { encode_fixed(values, out); }
void encode_plain_int96(std::span<const Int96> values, std::string* out) { encode_fixed(values, out); }
void encode_plain_float(std::span<const float> values, std::string* out) { encode_fixed(values, out); }
void encode_plain_double(std::span<const double> values, std::string* out) { encode_fixed(values, out); }

util::Status encode_plain_byte_array(std::span<const std::string_view> values, std::string* out) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].size() > 0x7fffffffu) {
      return util::Status::invalid_argument(fmt::format(
          "parquet: BYTE_ARRAY value {} has {} bytes (PLAIN encoder): values are limited to "
          "2^31 - 1 bytes",
          i, values[i].size()));
    }
  }
  for (std::string_view v : values) {
    const uint32_t length = static_cast<uint32_t>(v.size());
    char prefix[4];
    std::memcpy(prefix, &length, 4);
    out->append(prefix, 4);
    out->append(v);
  }
  return util::Status::ok();
}

util::Status encode_plain_fixed_len_byte_array(std::span<const std::string_view> values,
                                               size_t type_length, std::string* out) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].size() != type_length) {
      return util::Status::invalid_argument(fmt::format(
          "parquet: FIXED_LEN_BYTE_ARRAY value {} has {} bytes, type_length is {} (PLAIN "
          "encoder): pad or truncate values to the column's length",
          i, values[i].size(), type_length));
    }
  }
  for (std::string_view v : values) out->append(v);
  return util::Status::ok();
}

}  // namespace medallion::parquet
