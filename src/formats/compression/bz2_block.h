// One bzip2 block cut out of a file at bit granularity, and its decoding.
//
// A Bz2Segment holds the bits of one block (from its 48-bit magic up to the
// next magic) copied out of the compressed file. decode_bz2_block() decodes
// them with medallion's own decoder (bz2_block_decoder.h) and, when that one
// declines, with libbz2: it wraps the bits into a minimal single-block stream
// — "BZh9", the block, the end magic and a combined CRC equal to the block's
// own CRC (true for a one-block stream) — which libbz2 decodes. Both check the
// block CRC, so the output is exactly the block's original bytes or an error;
// never a guess.
//
// See bz2_format.h for the layout. Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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

// Every block of a whole .bz2 file in memory (streams may be concatenated),
// each cut at the next magic; empty if data does not start with a stream
// header. For tests and benchmarks only: a magic that occurs by chance inside
// a block splits it here, which Bz2ParallelReader repairs and this does not.
std::vector<Bz2Segment> cut_all_blocks(std::string_view data);

// Decodes the block. Errors are kCorruption with libbz2's reason.
util::Result<std::string> decode_bz2_block(const Bz2Segment& segment);

// The same with libbz2 alone: the reference the tests and bench_bz2 compare with.
util::Result<std::string> decode_bz2_block_with_libbz2(const Bz2Segment& segment);

}  // namespace medallion::compression
