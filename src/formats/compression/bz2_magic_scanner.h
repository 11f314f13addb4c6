// Finds bzip2's 48-bit block and end-of-stream magics at any bit offset.
//
// A 256-entry table keyed by the second byte of each 7-byte window rules out
// almost every position with one lookup; the few candidates left are checked
// in full. See bz2_format.h for the magics.
//
// Thread safety: a scanner is immutable after construction.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace medallion::compression {

enum class Bz2Magic : uint8_t { kNone, kBlock, kEnd };

struct Bz2MagicHit {
  Bz2Magic magic = Bz2Magic::kNone;
  uint64_t bit = 0;  // position of the magic's first bit
};

class Bz2MagicScanner {
 public:
  Bz2MagicScanner();

  // First magic starting at a bit position >= from_bit whose 48 bits lie
  // entirely within data[0, size); kNone if there is none, in which case
  // every position below resume_bit(size) has been ruled out.
  Bz2MagicHit find(const uint8_t* data, size_t size, uint64_t from_bit) const;

  // Where a later find() must resume after a miss on `size` bytes, so that a
  // magic straddling the end of the data is still found once more arrives.
  static uint64_t resume_bit(size_t size);

 private:
  // For each value of a window's second byte: bit i set if the block magic
  // at shift i has that byte there; bit 8 + i likewise for the end magic.
  std::array<uint16_t, 256> table_{};
};

}  // namespace medallion::compression
