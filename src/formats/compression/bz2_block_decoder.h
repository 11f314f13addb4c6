// medallion's own decoder for one bzip2 block: about as fast as lbzip2's,
// about a fifth faster than libbz2 on one thread (bench_bz2).
//
// Input: the bits of one block, from its 48-bit magic up to the bit where the
// next magic (or the stream's end magic) starts. The block's layout (bzip2
// 1.0.x, bits MSB-first):
//
//   magic(48) block_crc(32) randomised(1) orig_ptr(24)
//   used(16) { bitmap(16) for each bit set in used }       the bytes in use
//   groups(3) = 2..6   selectors(15) >= 1
//   selectors × unary-coded MTF index of the Huffman table for each 50 symbols
//   groups × { start length(5), then per symbol: 0 | 1 0 (+1) | 1 1 (-1) }
//   Huffman-coded symbols: RUNA=0 and RUNB=1 (zero runs of the MTF output as
//   bijective base-2 digits), 2..n_in_use (MTF index + 1), EOB = n_in_use + 1
//
// The decoded MTF output is the last column L of the sorted rotations of the
// block's BWT input; orig_ptr is the row of the unrotated text. The text comes
// back by two walks that start at orig_ptr, one dependent load per byte into a
// 3.6 MB table each (on huge pages where the kernel allows): forward over T
// (S[0], S[1], ...) and backward over LF (S[n-1], S[n-2], ...), interleaved so
// that the two chains of cache misses overlap. The result then undergoes the
// initial run-length decoding (four equal bytes are followed by a count of
// further repeats) and its CRC-32 (MSB-first, polynomial 0x04c11db7) must equal
// block_crc.
//
// Randomised blocks (never written since bzip2 0.9.5) and anything this
// decoder does not accept come back as an error; the caller falls back to
// libbz2 (bz2_block.h), which then decides between data and a corruption
// error. So this decoder only ever needs to be right when it says yes. The
// block CRC alone does not make it so, since a damaged block can carry the
// CRC of any text: whatever this decoder accepts is exactly libbz2's answer.
// Two cases need checks of their own: a permutation T of several cycles
// (libbz2 repeats the origin's cycle, which the backward walk would not), and
// four equal bytes at the very end without their count (which libbz2 refuses).
//
// Thread safety: decode_bz2_block_bits() may run on any number of threads at
// once; each thread keeps its own 8 MB of scratch tables between calls.
#pragma once

#include <cstdint>
#include <string>

#include "util/status.h"

namespace medallion::compression {

// The largest block (level 9): 900,000 bytes before the initial RLE.
inline constexpr uint32_t kBz2MaxBlockBytes = 900000;

// Decodes bits [first_bit, first_bit + bit_length) of data (which holds
// ceil((first_bit + bit_length) / 8) bytes) as one block. Errors are
// kCorruption (or kUnsupported for a randomised block) with a short reason.
util::Result<std::string> decode_bz2_block_bits(const uint8_t* data, size_t size,
                                                unsigned first_bit, uint64_t bit_length);

// bzip2's CRC-32 of bytes (MSB-first, polynomial 0x04c11db7, initial and
// final value inverted), as stored in a block header.
uint32_t bz2_crc32(const uint8_t* bytes, size_t size);

}  // namespace medallion::compression
