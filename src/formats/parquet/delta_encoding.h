// The delta encodings of Parquet: DELTA_BINARY_PACKED (5) for INT32/INT64,
// DELTA_LENGTH_BYTE_ARRAY (6) and DELTA_BYTE_ARRAY (7) for byte arrays.
//
//   delta-binary-packed := header block*
//   header     := uleb128(block_size)          a multiple of 128
//                 uleb128(miniblocks)          block_size / miniblocks is a
//                                              multiple of 32
//                 uleb128(total_count)
//                 zigzag-uleb128(first_value)
//   block      := zigzag-uleb128(min_delta) u8(bit_width)*miniblocks miniblock*
//   miniblock  := (block_size / miniblocks) values of bit_width bits, packed
//                 LSB first (as in the RLE hybrid); the last miniblock holding
//                 values is padded to full size, the ones after it are absent
//                 (their bit widths are present but ignored)
//   value[i+1] := value[i] + min_delta + packed[i]  in wrapping 2's complement
//
//   delta-length-byte-array := delta-binary-packed(lengths) bytes*
//   delta-byte-array        := delta-binary-packed(prefix_lengths)
//                              delta-length-byte-array(suffixes)
//                              value[i] := value[i-1][0, prefix_length[i]) + suffix[i]
//
// Example (block 128, 4 miniblocks): 1 2 3 4 5 is
//   80 01 04 05 02 | 02 00 00 00 00      header | min_delta 1, widths 0
//
// What the decoders enforce: header values are in range (block size, the
// miniblock split, total_count <= the caller's max_values and <= what the
// bytes can hold) before anything is allocated; the bit width of a miniblock
// in use is at most the type's width (32 or 64); every miniblock in use fits
// the bytes that remain; lengths are non-negative and fit the bytes; a prefix
// is at most the previous value's length; DELTA_BYTE_ARRAY output is at most
// max_output_bytes. Errors are Status::corruption naming the offset
// (base_offset + position).
//
// Ownership: string_views returned point into `data`, which the caller keeps
// alive. Everything here is a pure function.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "formats/parquet/plain_encoding.h"
#include "util/status.h"

namespace medallion::parquet {

// What the encoders write: 128-value blocks of 4 miniblocks of 32.
constexpr uint32_t kDeltaBlockSize = 128;
constexpr uint32_t kDeltaMiniblocks = 4;
// The largest block size the decoder accepts.
constexpr uint64_t kMaxDeltaBlockSize = uint64_t{1} << 24;
// The default cap on the bytes DELTA_BYTE_ARRAY may expand to.
constexpr size_t kDefaultMaxDeltaOutputBytes = size_t{1} << 30;

// ---- decoders: append the values to *out, return the bytes consumed. The
// header's total_count must be at most max_values (the page's value count).

util::Result<size_t> decode_delta_binary_packed_int32(std::string_view data, size_t max_values,
                                                      std::vector<int32_t>* out,
                                                      size_t base_offset = 0);
util::Result<size_t> decode_delta_binary_packed_int64(std::string_view data, size_t max_values,
                                                      std::vector<int64_t>* out,
                                                      size_t base_offset = 0);
util::Result<size_t> decode_delta_length_byte_array(std::string_view data, size_t max_values,
                                                    std::vector<std::string_view>* out,
                                                    size_t base_offset = 0);
util::Result<size_t> decode_delta_byte_array(std::string_view data, size_t max_values,
                                             ByteArrays* out, size_t base_offset = 0,
                                             size_t max_output_bytes = kDefaultMaxDeltaOutputBytes);

// ---- encoders: append the encoding of `values` to *out.

void encode_delta_binary_packed_int32(std::span<const int32_t> values, std::string* out);
void encode_delta_binary_packed_int64(std::span<const int64_t> values, std::string* out);
// Fail (invalid_argument) when a value is longer than 2^31 - 1 bytes.
util::Status encode_delta_length_byte_array(std::span<const std::string_view> values,
                                            std::string* out);
util::Status encode_delta_byte_array(std::span<const std::string_view> values, std::string* out);

}  // namespace medallion::parquet
