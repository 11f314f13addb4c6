// The PLAIN encoding (Parquet encoding PLAIN = 0): values back to back, the
// layout of dictionary pages and the fallback of every data page.
//
//   BOOLEAN              bit-packed, 1 bit per value, least significant bit
//                        first; the last byte padded with zero bits
//   INT32, FLOAT         4 bytes little-endian (IEEE 754 for FLOAT)
//   INT64, DOUBLE        8 bytes little-endian (IEEE 754 for DOUBLE)
//   INT96                12 bytes (legacy timestamps: 8 bytes nanoseconds of
//                        the day, then 4 bytes Julian day, both little-endian)
//   BYTE_ARRAY           u32le length, then that many bytes
//   FIXED_LEN_BYTE_ARRAY type_length bytes, no length
//
// Decoders take the page bytes and the number of values, check that the bytes
// hold them before allocating anything, append to caller-provided vectors and
// return the bytes consumed. Errors are Status::corruption naming the offset
// (base_offset + position in `data`).
//
// Ownership: string_views returned by the *_views decoders point into `data`,
// which the caller keeps alive. Everything here is a pure function.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace medallion::parquet {

// One INT96 value as its 12 bytes.
struct Int96 {
  std::array<uint8_t, 12> bytes{};
  bool operator==(const Int96&) const = default;
};

// Byte arrays as Arrow-style offsets and data, like columnar::Column strings:
// value i is data[offsets[i], offsets[i + 1]). offsets starts as {0}.
struct ByteArrays {
  std::vector<uint64_t> offsets{0};
  std::string data;

  size_t size() const { return offsets.size() - 1; }
  std::string_view value(size_t i) const {
    return std::string_view(data).substr(offsets[i], offsets[i + 1] - offsets[i]);
  }
  void append(std::string_view v) {
    data.append(v);
    offsets.push_back(data.size());
  }
  // Appends every value of `other`, in one copy of its bytes.
  void append_all(const ByteArrays& other) {
    const uint64_t first = other.offsets.front();
    const uint64_t base = data.size();
    data.append(other.data, first, other.offsets.back() - first);
    offsets.reserve(offsets.size() + other.size());
    for (size_t i = 1; i < other.offsets.size(); ++i)
      offsets.push_back(base + (other.offsets[i] - first));
  }
};

// ---- decoders: append `count` values to *out, return the bytes consumed.

// Booleans become 0 or 1.
util::Result<size_t> decode_plain_boolean(std::string_view data, size_t count,
                                          std::vector<uint8_t>* out, size_t base_offset = 0);
util::Result<size_t> decode_plain_int32(std::string_view data, size_t count,
                                        std::vector<int32_t>* out, size_t base_offset = 0);
util::Result<size_t> decode_plain_int64(std::string_view data, size_t count,
                                        std::vector<int64_t>* out, size_t base_offset = 0);
util::Result<size_t> decode_plain_int96(std::string_view data, size_t count,
                                        std::vector<Int96>* out, size_t base_offset = 0);
util::Result<size_t> decode_plain_float(std::string_view data, size_t count,
                                        std::vector<float>* out, size_t base_offset = 0);
util::Result<size_t> decode_plain_double(std::string_view data, size_t count,
                                         std::vector<double>* out, size_t base_offset = 0);
util::Result<size_t> decode_plain_byte_array(std::string_view data, size_t count,
                                             ByteArrays* out, size_t base_offset = 0);
util::Result<size_t> decode_plain_byte_array_views(std::string_view data, size_t count,
                                                   std::vector<std::string_view>* out,
                                                   size_t base_offset = 0);
// type_length must be > 0.
util::Result<size_t> decode_plain_fixed_len_byte_array(std::string_view data, size_t count,
                                                       size_t type_length, ByteArrays* out,
                                                       size_t base_offset = 0);
util::Result<size_t> decode_plain_fixed_len_byte_array_views(std::string_view data, size_t count,
                                                             size_t type_length,
                                                             std::vector<std::string_view>* out,
                                                             size_t base_offset = 0);

// ---- encoders: append the encoding of `values` to *out.

// Non-zero bytes are true.
void encode_plain_boolean(std::span<const uint8_t> values, std::string* out);
void encode_plain_int32(std::span<const int32_t> values, std::string* out);
void encode_plain_int64(std::span<const int64_t> values, std::string* out);
void encode_plain_int96(std::span<const Int96> values, std::string* out);
void encode_plain_float(std::span<const float> values, std::string* out);
void encode_plain_double(std::span<const double> values, std::string* out);
// Fails (invalid_argument) when a value is longer than 2^31 - 1 bytes.
util::Status encode_plain_byte_array(std::span<const std::string_view> values, std::string* out);
// Fails (invalid_argument) when a value's length is not type_length.
util::Status encode_plain_fixed_len_byte_array(std::span<const std::string_view> values,
                                               size_t type_length, std::string* out);

}  // namespace medallion::parquet
