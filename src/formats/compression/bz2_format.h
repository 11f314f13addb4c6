// The parts of the bzip2 file format that medallion's block-parallel reader
// relies on (bzip2 1.0.x as written by bzip2, lbzip2, pbzip2 and libbz2).
//
// A .bz2 file is one or more streams back to back. Each stream is:
//
//   stream  := "BZh" level block* end
//   level   := '1'..'9'                 max block size = level * 100,000 bytes
//   block   := kBlockMagic(48 bits) block_crc(32) randomised(1) orig_ptr(24)
//              ... Huffman-coded BWT/MTF data, any number of bits ...
//   end     := kEndMagic(48 bits) combined_crc(32) zero bits up to a byte boundary
//
// Bits are MSB-first. Blocks are not byte-aligned: a block starts wherever the
// previous one ended, so a block's extent is only known by finding the next
// 48-bit magic (at any bit offset) — the property lbzip2 and pbzip2 exploit to
// decode blocks in parallel. combined_crc folds the stream's block CRCs:
//   combined = rotl32(combined, 1) ^ block_crc   (starting from 0)
#pragma once

#include <cstdint>

namespace medallion::compression::bz2 {

inline constexpr uint64_t kBlockMagic = 0x314159265359ULL;  // BCD of pi
inline constexpr uint64_t kEndMagic = 0x177245385090ULL;    // BCD of sqrt(pi)
inline constexpr int kMagicBits = 48;
inline constexpr int kCrcBits = 32;
inline constexpr int kStreamHeaderBytes = 4;  // "BZh" + level

// No real block is larger than this compressed (900 kB of input cannot grow
// much); a longer run without a magic means the input is not bzip2.
inline constexpr uint64_t kMaxCompressedBlockBytes = 8u << 20;

inline constexpr uint32_t combine_crc(uint32_t combined, uint32_t block_crc) {
  return ((combined << 1) | (combined >> 31)) ^ block_crc;
}

}  // namespace medallion::compression::bz2
