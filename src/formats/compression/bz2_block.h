// One bzip2 block cut out of a file at bit granularity, and its decoding.
//
// A Bz2Segment holds the bits of one block (from its 48-bit magic up to the
// next magic) copied out of the compressed file. decode_bz2_block() wraps
// those bits into a minimal single-block stream — "BZh9", the block, the end
// magic and a combined CRC equal to the block's own CRC (true for a one-block
// stream) — and decodes it with libbz2, which checks the block CRC. The output
// is therefore exactly the block's original bytes or an error; never a guess.
//
// See bz2_format.h for the layout. Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/status.h"

namespace medallion::compression {

struct Bz2Segment {
  std::string bytes;          // the bytes that contain the bits
  uint8_t first_bit = 0;      // offset of the first bit within bytes[0], 0 = MSB
  uint64_t bit_length = 0;    // number of bits, from the block magic on
  uint64_t file_bit = 0;      // position of the first bit in the file

  // The block CRC stored right after the magic.
  uint32_t stored_crc() const;
};

// Reads n <= 57 bits MSB-first starting at bit `pos` of data; the caller
// guarantees that ceil((pos + n) / 8) bytes are readable.
uint64_t read_bits(const uint8_t* data, uint64_t pos, int n);

// Copies bits [bit, bit + bit_length) of data into a segment.
Bz2Segment cut_segment(const uint8_t* data, uint64_t bit, uint64_t bit_length,
                       uint64_t file_bit);

// The segment holding a's bits followed by b's; b must start where a ends.
Bz2Segment join_segments(const Bz2Segment& a, const Bz2Segment& b);

// Decodes the block. Errors are kCorruption with libbz2's reason.
util::Result<std::string> decode_bz2_block(const Bz2Segment& segment);

}  // namespace medallion::compression
