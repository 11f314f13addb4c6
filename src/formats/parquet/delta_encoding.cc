#include "formats/parquet/delta_encoding.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <type_traits>

#include "formats/parquet/rle_hybrid.h"

namespace medallion::parquet {

namespace {

// Reads LEB128 varints and bytes from `data`, reporting offsets as
// base_offset + position.
class DeltaReader {
 public:
  DeltaReader(std::string_view data, size_t base_offset, std::string_view what)
      : data_(data), base_offset_(base_offset), what_(what) {}

  size_t pos() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  const uint8_t* at() const { return reinterpret_cast<const uint8_t*>(data_.data()) + pos_; }
  void skip(size_t n) { pos_ += n; }

  util::Result<uint64_t> uleb(std::string_view field) {
    const size_t start = pos_;
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      if (pos_ >= data_.size()) return error(start, fmt::format("{} is truncated", field));
      const uint8_t byte = static_cast<uint8_t>(data_[pos_++]);
      if (shift == 63 && (byte & 0x7e) != 0) {
        return error(start, fmt::format("{} overflows 64 bits", field));
      }
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return v;
      if (shift == 63) return error(start, fmt::format("{} varint is longer than 10 bytes", field));
    }
  }

  util::Result<int64_t> zigzag(std::string_view field) {
    MEDALLION_ASSIGN_OR_RETURN(const uint64_t v, uleb(field));
    return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
  }

  util::Status error(size_t at, std::string_view what) const {
    return util::Status::corruption(fmt::format("parquet: {} {} (offset {}): the page is corrupt",
                                                what_, what, base_offset_ + at));
  }

 private:
  std::string_view data_;
  size_t base_offset_;
  std::string_view what_;
  size_t pos_ = 0;
};

template <typename T>
util::Result<size_t> decode_dbp(std::string_view data, size_t max_values, std::vector<T>* out,
                                size_t base_offset) {
  using U = std::make_unsigned_t<T>;
  constexpr int kTypeBits = static_cast<int>(sizeof(T) * 8);
  DeltaReader r(data, base_offset, "DELTA_BINARY_PACKED");
  MEDALLION_ASSIGN_OR_RETURN(const uint64_t block_size, r.uleb("block size"));
  MEDALLION_ASSIGN_OR_RETURN(const uint64_t miniblocks, r.uleb("miniblock count"));
  MEDALLION_ASSIGN_OR_RETURN(const uint64_t total, r.uleb("value count"));
  const size_t first_at = r.pos();
  MEDALLION_ASSIGN_OR_RETURN(const int64_t first, r.zigzag("first value"));
  if (block_size == 0 || block_size % 128 != 0 || block_size > kMaxDeltaBlockSize) {
    return r.error(0, fmt::format("block size {} is not a multiple of 128 in 128..{}", block_size,
                                  kMaxDeltaBlockSize));
  }
  if (miniblocks == 0 || block_size % miniblocks != 0 || (block_size / miniblocks) % 32 != 0) {
    return r.error(0, fmt::format("miniblock count {} does not split block size {} into "
                                  "multiples of 32 values",
                                  miniblocks, block_size));
  }
  if (total > max_values) {
    return r.error(0, fmt::format("value count {} exceeds the page's {} values", total,
                                  max_values));
  }
  if (first < std::numeric_limits<T>::min() || first > std::numeric_limits<T>::max()) {
    return r.error(first_at, fmt::format("first value {} does not fit {} bits", first, kTypeBits));
  }
  // Every block takes at least its min delta and bit widths.
  if (total > 1) {
    const uint64_t blocks = (total - 1 + block_size - 1) / block_size;
    if (blocks > r.remaining() / (1 + miniblocks)) {
      return r.error(r.pos(), fmt::format("value count {} needs {} blocks, {} bytes remain", total,
                                          blocks, r.remaining()));
    }
  }
  if (total == 0) return r.pos();
  out->reserve(out->size() + total);
  uint64_t value = static_cast<uint64_t>(first);
  out->push_back(static_cast<T>(static_cast<U>(value)));
  const uint64_t per_miniblock = block_size / miniblocks;
  uint64_t left = total - 1;
  while (left > 0) {
    MEDALLION_ASSIGN_OR_RETURN(const int64_t min_delta, r.zigzag("block min delta"));
    const size_t widths_at = r.pos();
    if (miniblocks > r.remaining()) {
      return r.error(widths_at, fmt::format("block needs {} bit widths, {} bytes remain",
                                            miniblocks, r.remaining()));
    }
    const uint8_t* widths = r.at();
    r.skip(static_cast<size_t>(miniblocks));
    for (uint64_t m = 0; m < miniblocks && left > 0; ++m) {
      const int width = widths[m];
      if (width > kTypeBits) {
        return r.error(widths_at + m, fmt::format("miniblock bit width {} exceeds {}", width,
                                                  kTypeBits));
      }
      const uint64_t bytes = per_miniblock * static_cast<uint64_t>(width) / 8;
      if (bytes > r.remaining()) {
        return r.error(r.pos(), fmt::format("miniblock of {} bytes exceeds the {} that remain",
                                            bytes, r.remaining()));
      }
      const uint8_t* packed = r.at();
      const uint64_t n = std::min(left, per_miniblock);
      for (uint64_t i = 0; i < n; ++i) {
        value += static_cast<uint64_t>(min_delta) + read_bit_packed(packed, i, width);
        out->push_back(static_cast<T>(static_cast<U>(value)));
      }
      r.skip(static_cast<size_t>(bytes));
      left -= n;
    }
  }
  return r.pos();
}

void append_uleb(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void append_zigzag(int64_t v, std::string* out) {
  append_uleb((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63), out);
}

template <typename T>
void encode_dbp(std::span<const T> values, std::string* out) {
  using U = std::make_unsigned_t<T>;
  constexpr uint64_t kPerMiniblock = kDeltaBlockSize / kDeltaMiniblocks;
  append_uleb(kDeltaBlockSize, out);
  append_uleb(kDeltaMiniblocks, out);
  append_uleb(values.size(), out);
  append_zigzag(values.empty() ? 0 : static_cast<int64_t>(values[0]), out);
  std::vector<T> deltas;
  std::vector<uint64_t> relative(kPerMiniblock);
  for (size_t start = 1; start < values.size(); start += kDeltaBlockSize) {
    const size_t n = std::min<size_t>(kDeltaBlockSize, values.size() - start);
    deltas.resize(n);
    for (size_t i = 0; i < n; ++i) {
      deltas[i] = static_cast<T>(static_cast<U>(static_cast<U>(values[start + i]) -
                                                static_cast<U>(values[start + i - 1])));
    }
    const T min_delta = *std::min_element(deltas.begin(), deltas.end());
    append_zigzag(static_cast<int64_t>(min_delta), out);
    const size_t widths_at = out->size();
    out->append(kDeltaMiniblocks, '\0');
    for (size_t m = 0; m * kPerMiniblock < n; ++m) {
      uint64_t max_rel = 0;
      std::fill(relative.begin(), relative.end(), 0);
      for (size_t i = m * kPerMiniblock; i < std::min<size_t>(n, (m + 1) * kPerMiniblock); ++i) {
        const uint64_t rel =
            static_cast<U>(static_cast<U>(deltas[i]) - static_cast<U>(min_delta));
        relative[i - m * kPerMiniblock] = rel;
        max_rel = std::max(max_rel, rel);
      }
      const int width = bit_width_for(max_rel);
      (*out)[widths_at + m] = static_cast<char>(width);
      append_bit_packed(relative, width, out);
    }
  }
}

util::Status check_lengths(std::span<const std::string_view> values, std::string_view encoding) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].size() > 0x7fffffffu) {
      return util::Status::invalid_argument(fmt::format(
          "parquet: BYTE_ARRAY value {} has {} bytes ({} encoder): values are limited to "
          "2^31 - 1 bytes",
          i, values[i].size(), encoding));
    }
  }
  return util::Status::ok();
}

}  // namespace

util::Result<size_t> decode_delta_binary_packed_int32(std::string_view data, size_t max_values,
                                                      std::vector<int32_t>* out,
                                                      size_t base_offset) {
  return decode_dbp(data, max_values, out, base_offset);
}

util::Result<size_t> decode_delta_binary_packed_int64(std::string_view data, size_t max_values,
                                                      std::vector<int64_t>* out,
                                                      size_t base_offset) {
  return decode_dbp(data, max_values, out, base_offset);
}

util::Result<size_t> decode_delta_length_byte_array(std::string_view data, size_t max_values,
                                                    std::vector<std::string_view>* out,
                                                    size_t base_offset) {
  std::vector<int32_t> lengths;
  MEDALLION_ASSIGN_OR_RETURN(size_t pos,
                             decode_delta_binary_packed_int32(data, max_values, &lengths,
                                                              base_offset));
  uint64_t total = 0;
  for (size_t i = 0; i < lengths.size(); ++i) {
    if (lengths[i] < 0) {
      return util::Status::corruption(fmt::format(
          "parquet: DELTA_LENGTH_BYTE_ARRAY value {} has negative length {} (offset {}): the page "
          "is corrupt",
          i, lengths[i], base_offset));
    }
    total += static_cast<uint64_t>(lengths[i]);
  }
  if (total > data.size() - pos) {
    return util::Status::corruption(fmt::format(
        "parquet: DELTA_LENGTH_BYTE_ARRAY lengths add up to {} bytes, {} remain (offset {}): the "
        "page is truncated or corrupt",
        total, data.size() - pos, base_offset + pos));
  }
  out->reserve(out->size() + lengths.size());
  for (int32_t length : lengths) {
    out->push_back(data.substr(pos, static_cast<size_t>(length)));
    pos += static_cast<size_t>(length);
  }
  return pos;
}

util::Result<size_t> decode_delta_byte_array(std::string_view data, size_t max_values,
                                             ByteArrays* out, size_t base_offset,
                                             size_t max_output_bytes) {
  std::vector<int32_t> prefixes;
  MEDALLION_ASSIGN_OR_RETURN(const size_t pos,
                             decode_delta_binary_packed_int32(data, max_values, &prefixes,
                                                              base_offset));
  std::vector<std::string_view> suffixes;
  MEDALLION_ASSIGN_OR_RETURN(const size_t suffix_bytes,
                             decode_delta_length_byte_array(data.substr(pos), max_values,
                                                            &suffixes, base_offset + pos));
  if (suffixes.size() != prefixes.size()) {
    return util::Status::corruption(fmt::format(
        "parquet: DELTA_BYTE_ARRAY has {} prefix lengths but {} suffixes (offset {}): the page is "
        "corrupt",
        prefixes.size(), suffixes.size(), base_offset + pos));
  }
  if (out->offsets.empty()) out->offsets.push_back(out->data.size());
  out->offsets.reserve(out->offsets.size() + prefixes.size());
  std::string previous;
  std::string current;
  uint64_t produced = 0;
  for (size_t i = 0; i < prefixes.size(); ++i) {
    if (prefixes[i] < 0 || static_cast<size_t>(prefixes[i]) > previous.size()) {
      return util::Status::corruption(fmt::format(
          "parquet: DELTA_BYTE_ARRAY value {} has prefix length {}, the previous value has {} "
          "bytes (offset {}): the page is corrupt",
          i, prefixes[i], previous.size(), base_offset));
    }
    const size_t length = static_cast<size_t>(prefixes[i]) + suffixes[i].size();
    produced += length;
    if (produced > max_output_bytes) {
      return util::Status::corruption(fmt::format(
          "parquet: DELTA_BYTE_ARRAY values expand to more than {} bytes (offset {}): the page is "
          "corrupt or too large for this reader",
          max_output_bytes, base_offset));
    }
    current.assign(previous, 0, static_cast<size_t>(prefixes[i]));
    current.append(suffixes[i]);
    out->append(current);
    std::swap(previous, current);
  }
  return pos + suffix_bytes;
}

void encode_delta_binary_packed_int32(std::span<const int32_t> values, std::string* out) {
  encode_dbp(values, out);
}

void encode_delta_binary_packed_int64(std::span<const int64_t> values, std::string* out) {
  encode_dbp(values, out);
}

util::Status encode_delta_length_byte_array(std::span<const std::string_view> values,
                                            std::string* out) {
  MEDALLION_RETURN_IF_ERROR(check_lengths(values, "DELTA_LENGTH_BYTE_ARRAY"));
  std::vector<int32_t> lengths;
  lengths.reserve(values.size());
  for (std::string_view v : values) lengths.push_back(static_cast<int32_t>(v.size()));
  encode_dbp<int32_t>(lengths, out);
  for (std::string_view v : values) out->append(v);
  return util::Status::ok();
}

util::Status encode_delta_byte_array(std::span<const std::string_view> values, std::string* out) {
  MEDALLION_RETURN_IF_ERROR(check_lengths(values, "DELTA_BYTE_ARRAY"));
  std::vector<int32_t> prefixes;
  std::vector<std::string_view> suffixes;
  prefixes.reserve(values.size());
  suffixes.reserve(values.size());
  std::string_view previous;
  for (std::string_view v : values) {
    const size_t limit = std::min(previous.size(), v.size());
    size_t prefix = 0;
    while (prefix < limit && previous[prefix] == v[prefix]) ++prefix;
    prefixes.push_back(static_cast<int32_t>(prefix));
    suffixes.push_back(v.substr(prefix));
    previous = v;
  }
  encode_dbp<int32_t>(prefixes, out);
  return encode_delta_length_byte_array(suffixes, out);
}

}  // namespace medallion::parquet
