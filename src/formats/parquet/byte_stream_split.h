// The BYTE_STREAM_SPLIT encoding (Parquet encoding 9) for FLOAT, DOUBLE,
// INT32, INT64 and FIXED_LEN_BYTE_ARRAY: N values of K bytes each are stored
// as K streams of N bytes, stream k holding byte k (little-endian order) of
// every value.
//
//   byte-stream-split := stream[0] stream[1] ... stream[K-1]
//   stream[k]         := byte k of value 0, byte k of value 1, ..., of value N-1
//
// Example: the FLOAT values 1.0f (00 00 80 3f) and 2.0f (00 00 00 40) are
//   00 00 | 00 00 | 80 00 | 3f 40
//
// The decoder needs N (the page's value count) and K (4, 8 or type_length);
// the data must hold N * K bytes. Errors are Status::corruption naming the
// offset (base_offset). Everything here is a pure function.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace medallion::parquet {

// Appends `count` values of `width` bytes, in their PLAIN (interleaved) byte
// order, to *out; returns the bytes consumed (count * width).
util::Result<size_t> decode_byte_stream_split(std::string_view data, size_t count, size_t width,
                                              std::string* out, size_t base_offset = 0);

util::Result<size_t> decode_byte_stream_split_float(std::string_view data, size_t count,
                                                    std::vector<float>* out,
                                                    size_t base_offset = 0);
util::Result<size_t> decode_byte_stream_split_double(std::string_view data, size_t count,
                                                     std::vector<double>* out,
                                                     size_t base_offset = 0);
util::Result<size_t> decode_byte_stream_split_int32(std::string_view data, size_t count,
                                                    std::vector<int32_t>* out,
                                                    size_t base_offset = 0);
util::Result<size_t> decode_byte_stream_split_int64(std::string_view data, size_t count,
                                                    std::vector<int64_t>* out,
                                                    size_t base_offset = 0);

// Appends the split of `plain` (values of `width` bytes back to back; its
// size must be a multiple of width, else invalid_argument) to *out.
util::Status encode_byte_stream_split(std::string_view plain, size_t width, std::string* out);

void encode_byte_stream_split_float(std::span<const float> values, std::string* out);
void encode_byte_stream_split_double(std::span<const double> values, std::string* out);
void encode_byte_stream_split_int32(std::span<const int32_t> values, std::string* out);
void encode_byte_stream_split_int64(std::span<const int64_t> values, std::string* out);

}  // namespace medallion::parquet
