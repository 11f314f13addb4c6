#include "formats/compression/bz2_magic_scanner.h"

#include "formats/compression/bz2_format.h"

namespace medallion::compression {

namespace {
constexpr uint64_t kMask48 = (uint64_t{1} << 48) - 1;

// A window is 8 bytes starting at byte i; a magic at shift s (0..7) occupies
// window bits [s, s + 48), MSB-first. Byte i+1 is window bits [8, 16), i.e.
// magic bits [8 - s, 16 - s): always inside the magic.
uint8_t second_byte(uint64_t magic, unsigned shift) {
  return static_cast<uint8_t>(magic >> (32 + shift));
}

uint64_t load_be64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}
}  // namespace

Bz2MagicScanner::Bz2MagicScanner() {
  for (unsigned s = 0; s < 8; ++s) {
    table_[second_byte(bz2::kBlockMagic, s)] |= static_cast<uint16_t>(1u << s);
    table_[second_byte(bz2::kEndMagic, s)] |= static_cast<uint16_t>(1u << (8 + s));
  }
}

uint64_t Bz2MagicScanner::resume_bit(size_t size) {
  // Windows starting at byte i need bytes i..i+6 (shift 7 + 48 bits = 55 bits).
  return size >= 7 ? (size - 6) * uint64_t{8} : 0;
}

Bz2MagicHit Bz2MagicScanner::find(const uint8_t* data, size_t size, uint64_t from_bit) const {
  if (size < 7) return {};
  const uint64_t first_byte = from_bit >> 3;
  const unsigned first_shift = from_bit & 7;
  const size_t last_byte = size - 7;  // last window start with 7 readable bytes
  for (uint64_t i = first_byte; i <= last_byte; ++i) {
    uint16_t candidates = table_[data[i + 1]];
    if (candidates == 0) continue;
    if (i == first_byte) {
      const auto keep = static_cast<uint16_t>((0xFFu << first_shift) & 0xFFu);
      candidates &= static_cast<uint16_t>(keep | (keep << 8));
      if (candidates == 0) continue;
    }
    // Magics need only 7 bytes; the 8th is read when present.
    uint64_t window;
    if (i + 8 <= size) {
      window = load_be64(data + i);
    } else {
      window = 0;
      for (int k = 0; k < 8; ++k) {
        window = (window << 8) | (i + static_cast<uint64_t>(k) < size ? data[i + static_cast<uint64_t>(k)] : 0);
      }
    }
    for (unsigned s = 0; s < 8; ++s) {
      const bool block = (candidates >> s) & 1;
      const bool end = (candidates >> (8 + s)) & 1;
      if (!block && !end) continue;
      const uint64_t bits = (window >> (16 - s)) & kMask48;
      if (block && bits == bz2::kBlockMagic) return {Bz2Magic::kBlock, i * 8 + s};
      if (end && bits == bz2::kEndMagic) return {Bz2Magic::kEnd, i * 8 + s};
    }
  }
  return {};
}

}  // namespace medallion::compression
