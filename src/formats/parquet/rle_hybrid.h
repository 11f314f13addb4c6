// The RLE / bit-packed hybrid encoding (Parquet encoding RLE = 3): how
// repetition and definition levels, dictionary indices (RLE_DICTIONARY) and
// RLE booleans are stored. Every value has the same bit width, 0..32, known
// from outside the bytes (the column's max level, the dictionary page, 1 for
// booleans).
//
//   rle-bit-packed-hybrid := length? encoded-data
//   length         := u32le, the byte length of encoded-data (v1 data page
//                     levels and RLE booleans; absent for v2 levels and
//                     dictionary indices)
//   encoded-data   := run*
//   run            := bit-packed-run | rle-run
//   bit-packed-run := uleb128(groups << 1 | 1) byte[groups * bit_width]
//                     groups of 8 values, each value bit_width bits, packed
//                     from the least significant bit of each byte up
//   rle-run        := uleb128(count << 1) value
//                     value: ceil(bit_width / 8) bytes little-endian
//
// Example (bit width 3): the values 0..7 bit-packed are 03 88 c6 fa; 100
// copies of 5 are the RLE run c8 01 05.
//
// What the decoder enforces: run lengths are 1..2^31-1 values (a bit-packed
// run 1..2^28-1 groups); a bit-packed run's groups fit in the bytes that
// remain; an RLE value fits the bit width; decoding more values than the runs
// hold is an error. Errors are Status::corruption naming the offset
// (base_offset + position). Nothing is allocated from a header value.
//
// Ownership and thread safety: a decoder keeps a view of bytes the caller
// keeps alive; decoders and encoders are single-threaded values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace medallion::parquet {

constexpr int kMaxRleBitWidth = 32;
constexpr uint32_t kMaxRleRunLength = 0x7fffffffu;

// Bits needed to store `max_value` (0 for 0): the bit width of levels whose
// maximum is max_value, or of indices into a dictionary of max_value + 1.
int bit_width_for(uint64_t max_value);

// Appends `values` packed LSB first, `bit_width` (0..64) bits each, to out;
// the last byte is padded with zero bits.
void append_bit_packed(std::span<const uint64_t> values, int bit_width, std::string* out);

// The value at `index` of LSB-first packed data of `bit_width` (0..64) bits.
// The caller guarantees that bits [index * bit_width, (index + 1) * bit_width)
// lie inside `data`.
uint64_t read_bit_packed(const uint8_t* data, uint64_t index, int bit_width);

class RleHybridDecoder {
 public:
  // The decoder keeps a view of `data`, which must outlive it.
  // `data` is encoded-data (no length prefix); base_offset is its offset in
  // the page, for error messages. Fails when bit_width is not 0..32.
  static util::Result<RleHybridDecoder> make(std::string_view data, int bit_width,
                                             size_t base_offset = 0);

  // Reads the u32le length prefix from the start of `data` and returns a
  // decoder over the `length` bytes after it; *consumed is set to 4 + length.
  static util::Result<RleHybridDecoder> make_with_length_prefix(std::string_view data,
                                                                int bit_width,
                                                                size_t base_offset,
                                                                size_t* consumed);

  // Decodes the next `count` values into out[0..count). Fails when the runs
  // end first or are malformed; after a failure the decoder is unusable.
  util::Status decode(uint32_t* out, size_t count);
  util::Status decode(int32_t* out, size_t count);
  util::Status decode(int16_t* out, size_t count);  // levels (bit width <= 16)

  // Bytes of encoded-data consumed so far (whole runs, once started).
  size_t position() const { return pos_; }
  int bit_width() const { return bit_width_; }

 private:
  RleHybridDecoder(std::string_view data, int bit_width, size_t base_offset)
      : data_(data), bit_width_(bit_width), base_offset_(base_offset) {}
  util::Status next_run();
  // decode() for either output type (values are at most bit_width bits).
  template <typename T>
  util::Status decode_as(T* out, size_t count);

  std::string_view data_;
  int bit_width_ = 0;
  size_t base_offset_ = 0;
  size_t pos_ = 0;
  bool in_rle_ = false;        // current run is RLE (else bit-packed)
  uint64_t run_remaining_ = 0;  // values left in the current run
  uint32_t rle_value_ = 0;
  const uint8_t* packed_ = nullptr;  // start of the current bit-packed run
  uint64_t packed_index_ = 0;        // next value's index in that run
};

class RleHybridEncoder {
 public:
  // bit_width must be 0..32; values must fit it.
  explicit RleHybridEncoder(int bit_width) : bit_width_(bit_width) {}

  void put(uint32_t value) { values_.push_back(value); }
  void put(std::span<const uint32_t> values) { values_.insert(values_.end(), values.begin(), values.end()); }

  // Returns encoded-data for every value put, without / with the u32le length
  // prefix. Repeats of 8 or more become RLE runs, everything else bit-packed
  // groups (the last group padded with zeros). The encoder is then empty.
  std::string finish();
  std::string finish_with_length_prefix();

 private:
  int bit_width_;
  std::vector<uint32_t> values_;
};

}  // namespace medallion::parquet
