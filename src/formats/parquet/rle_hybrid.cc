#include "formats/parquet/rle_hybrid.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>

namespace medallion::parquet {

namespace {

constexpr uint64_t kMaxBitPackedGroups = kMaxRleRunLength / 8;

void append_uleb128(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

}  // namespace

int bit_width_for(uint64_t max_value) {
  int width = 0;
  while (max_value != 0) {
    ++width;
    max_value >>= 1;
  }
  return width;
}

void append_bit_packed(std::span<const uint64_t> values, int bit_width, std::string* out) {
  if (bit_width <= 0) return;
  const uint64_t mask = bit_width >= 64 ? ~uint64_t{0} : (uint64_t{1} << bit_width) - 1;
  uint64_t acc = 0;
  int bits = 0;  // bits held in acc, always < 64 between values
  for (uint64_t v : values) {
    v &= mask;
    acc |= v << bits;
    const int space = 64 - bits;
    if (bit_width >= space) {
      for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>(acc >> (8 * i)));
      acc = space >= 64 ? 0 : v >> space;
      bits = bit_width - space;
    } else {
      bits += bit_width;
    }
  }
  for (int i = 0; i * 8 < bits; ++i) out->push_back(static_cast<char>(acc >> (8 * i)));
}

uint64_t read_bit_packed(const uint8_t* data, uint64_t index, int bit_width) {
  if (bit_width <= 0) return 0;
  const uint64_t bit = index * static_cast<uint64_t>(bit_width);
  size_t byte = static_cast<size_t>(bit >> 3);
  const int shift = static_cast<int>(bit & 7);
  uint64_t result = static_cast<uint64_t>(data[byte++]) >> shift;
  int got = 8 - shift;
  while (got < bit_width) {
    result |= static_cast<uint64_t>(data[byte++]) << got;
    got += 8;
  }
  if (bit_width < 64) result &= (uint64_t{1} << bit_width) - 1;
  return result;
}

// --------------------------------------------------------------- decoder --

util::Result<RleHybridDecoder> RleHybridDecoder::make(std::string_view data, int bit_width,
                                                      size_t base_offset) {
  if (bit_width < 0 || bit_width > kMaxRleBitWidth) {
    return util::Status::corruption(fmt::format(
        "parquet: RLE bit width {} is not 0..32 (offset {}): the page is corrupt", bit_width,
        base_offset));
  }
  return RleHybridDecoder(data, bit_width, base_offset);
}

util::Result<RleHybridDecoder> RleHybridDecoder::make_with_length_prefix(std::string_view data,
                                                                         int bit_width,
                                                                         size_t base_offset,
                                                                         size_t* consumed) {
  if (data.size() < 4) {
    return util::Status::corruption(fmt::format(
        "parquet: RLE length prefix needs 4 bytes, {} remain (offset {}): the page is truncated",
        data.size(), base_offset));
  }
  uint32_t length = 0;
  for (int i = 3; i >= 0; --i) length = (length << 8) | static_cast<uint8_t>(data[i]);
  if (length > data.size() - 4) {
    return util::Status::corruption(fmt::format(
        "parquet: RLE data length {} exceeds the {} bytes that remain (offset {}): the page is "
        "truncated or corrupt",
        length, data.size() - 4, base_offset));
  }
  if (consumed != nullptr) *consumed = 4 + static_cast<size_t>(length);
  return make(data.substr(4, length), bit_width, base_offset + 4);
}

util::Status RleHybridDecoder::next_run() {
  const size_t start = pos_;
  uint64_t header = 0;
  for (int shift = 0;; shift += 7) {
    if (pos_ >= data_.size()) {
      return util::Status::corruption(fmt::format(
          "parquet: RLE run header is truncated (offset {}): the page is truncated or has fewer "
          "values than its header says",
          base_offset_ + start));
    }
    const uint8_t byte = static_cast<uint8_t>(data_[pos_++]);
    if (shift >= 35) {
      return util::Status::corruption(fmt::format(
          "parquet: RLE run header varint is too long (offset {}): the page is corrupt",
          base_offset_ + start));
    }
    header |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) break;
  }
  if (header & 1) {
    const uint64_t groups = header >> 1;
    if (groups == 0 || groups > kMaxBitPackedGroups) {
      return util::Status::corruption(fmt::format(
          "parquet: RLE bit-packed run of {} groups is not 1..{} (offset {}): the page is corrupt",
          groups, kMaxBitPackedGroups, base_offset_ + start));
    }
    const uint64_t bytes = groups * static_cast<uint64_t>(bit_width_);
    if (bytes > data_.size() - pos_) {
      return util::Status::corruption(fmt::format(
          "parquet: RLE bit-packed run of {} groups needs {} bytes, {} remain (offset {}): the "
          "page is truncated or corrupt",
          groups, bytes, data_.size() - pos_, base_offset_ + start));
    }
    in_rle_ = false;
    packed_ = reinterpret_cast<const uint8_t*>(data_.data()) + pos_;
    packed_index_ = 0;
    run_remaining_ = groups * 8;
    pos_ += static_cast<size_t>(bytes);
    return util::Status::ok();
  }
  const uint64_t count = header >> 1;
  if (count == 0 || count > kMaxRleRunLength) {
    return util::Status::corruption(fmt::format(
        "parquet: RLE run of {} values is not 1..{} (offset {}): the page is corrupt", count,
        kMaxRleRunLength, base_offset_ + start));
  }
  const size_t value_bytes = static_cast<size_t>((bit_width_ + 7) / 8);
  if (value_bytes > data_.size() - pos_) {
    return util::Status::corruption(fmt::format(
        "parquet: RLE run value needs {} bytes, {} remain (offset {}): the page is truncated",
        value_bytes, data_.size() - pos_, base_offset_ + pos_));
  }
  uint32_t value = 0;
  for (size_t i = 0; i < value_bytes; ++i) {
    value |= static_cast<uint32_t>(static_cast<uint8_t>(data_[pos_ + i])) << (8 * i);
  }
  if (bit_width_ < 32 && (value >> bit_width_) != 0) {
    return util::Status::corruption(fmt::format(
        "parquet: RLE run value {} does not fit bit width {} (offset {}): the page is corrupt",
        value, bit_width_, base_offset_ + pos_));
  }
  pos_ += value_bytes;
  in_rle_ = true;
  rle_value_ = value;
  run_remaining_ = count;
  return util::Status::ok();
}

template <typename T>
util::Status RleHybridDecoder::decode_as(T* out, size_t count) {
  size_t done = 0;
  while (done < count) {
    if (run_remaining_ == 0) MEDALLION_RETURN_IF_ERROR(next_run());
    const uint64_t left = count - done;
    const size_t n = static_cast<size_t>(run_remaining_ < left ? run_remaining_ : left);
    T* to = out + done;
    if (in_rle_) {
      const T value = static_cast<T>(rle_value_);
      size_t i = 0;
      // Eight stores a step, which the compiler turns into vector stores.
      for (; i + 8 <= n; i += 8) {
        to[i] = value;
        to[i + 1] = value;
        to[i + 2] = value;
        to[i + 3] = value;
        to[i + 4] = value;
        to[i + 5] = value;
        to[i + 6] = value;
        to[i + 7] = value;
      }
      for (; i < n; ++i) to[i] = value;
    } else {
      // One unaligned 8-byte load per value while 8 bytes remain in the run
      // (a value of <= 32 bits starting at any bit of a byte fits in them):
      // first the values whose load stays inside the run, then the rest.
      static_assert(std::endian::native == std::endian::little);
      const uint64_t run_bytes =
          static_cast<uint64_t>(reinterpret_cast<const uint8_t*>(data_.data()) + pos_ - packed_);
      const uint64_t mask = (uint64_t{1} << bit_width_) - 1;
      const uint64_t width = static_cast<uint64_t>(bit_width_);
      size_t fast = 0;
      if (width == 0) {
        for (size_t i = 0; i < n; ++i) to[i] = 0;
        packed_index_ += n;
        run_remaining_ -= n;
        done += n;
        continue;
      }
      if (run_bytes >= 8) {
        // Value k loads bytes [k * width / 8, + 8): inside the run while
        // k * width < (run_bytes - 7) * 8.
        const uint64_t loadable = ((run_bytes - 7) * 8 - 1) / width + 1;  // values 0..loadable-1
        if (loadable > packed_index_) fast = static_cast<size_t>(std::min<uint64_t>(loadable - packed_index_, n));
      }
      uint64_t bit = packed_index_ * width;
      for (size_t i = 0; i < fast; ++i, bit += width) {
        uint64_t word;
        std::memcpy(&word, packed_ + (bit >> 3), 8);
        to[i] = static_cast<T>((word >> (bit & 7)) & mask);
      }
      for (size_t i = fast; i < n; ++i) {
        to[i] = static_cast<T>(read_bit_packed(packed_, packed_index_ + i, bit_width_));
      }
      packed_index_ += n;
    }
    run_remaining_ -= n;
    done += n;
  }
  return util::Status::ok();
}

util::Status RleHybridDecoder::decode(uint32_t* out, size_t count) { return decode_as(out, count); }

util::Status RleHybridDecoder::decode(int32_t* out, size_t count) {
  // uint32_t and int32_t may alias; the values are stored as their bits.
  static_assert(sizeof(int32_t) == sizeof(uint32_t));
  uint32_t chunk[256];
  size_t done = 0;
  while (done < count) {
    const size_t n = count - done < 256 ? count - done : 256;
    MEDALLION_RETURN_IF_ERROR(decode(chunk, n));
    std::memcpy(out + done, chunk, n * sizeof(uint32_t));
    done += n;
  }
  return util::Status::ok();
}

util::Status RleHybridDecoder::decode(int16_t* out, size_t count) { return decode_as(out, count); }

// --------------------------------------------------------------- encoder --

std::string RleHybridEncoder::finish() {
  std::string out;
  std::vector<uint64_t> literals;
  const size_t value_bytes = static_cast<size_t>((bit_width_ + 7) / 8);

  auto flush_literals = [&] {
    if (literals.empty()) return;
    while (literals.size() % 8 != 0) literals.push_back(0);
    size_t at = 0;
    while (at < literals.size()) {
      const uint64_t groups =
          std::min<uint64_t>((literals.size() - at) / 8, kMaxBitPackedGroups);
      append_uleb128(groups << 1 | 1, &out);
      append_bit_packed(std::span<const uint64_t>(literals).subspan(at, groups * 8), bit_width_,
                        &out);
      at += groups * 8;
    }
    literals.clear();
  };
  auto put_rle = [&](uint32_t value, uint64_t count) {
    while (count > 0) {
      const uint64_t n = std::min<uint64_t>(count, kMaxRleRunLength);
      append_uleb128(n << 1, &out);
      for (size_t i = 0; i < value_bytes; ++i) out.push_back(static_cast<char>(value >> (8 * i)));
      count -= n;
    }
  };

  size_t i = 0;
  while (i < values_.size()) {
    size_t run = 1;
    while (i + run < values_.size() && values_[i + run] == values_[i]) ++run;
    size_t take = 0;  // values of this run that join the literals first
    if (run >= 8 && literals.size() % 8 != 0) take = std::min(run, 8 - literals.size() % 8);
    for (size_t k = 0; k < take; ++k) literals.push_back(values_[i]);
    const size_t rest = run - take;
    if (rest >= 8) {
      flush_literals();
      put_rle(values_[i], rest);
    } else {
      for (size_t k = 0; k < rest; ++k) literals.push_back(values_[i]);
    }
    i += run;
  }
  flush_literals();
  values_.clear();
  return out;
}

std::string RleHybridEncoder::finish_with_length_prefix() {
  const std::string data = finish();
  std::string out;
  const uint32_t length = static_cast<uint32_t>(data.size());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(length >> (8 * i)));
  out += data;
  return out;
}

}  // namespace medallion::parquet
