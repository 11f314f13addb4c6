// Fuzzes medallion's bzip2 block decoder with arbitrary block bits (after a
// valid block magic): every input must end in an error or in exactly the
// bytes libbz2 gives for the same block.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "formats/compression/bz2_block.h"
#include "formats/compression/bz2_block_decoder.h"

// Input: one byte whose low 3 bits say how many bits of the last byte are
// padding, then the block's bits after its magic.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  medallion::compression::Bz2Segment block;
  block.bytes = std::string("\x31\x41\x59\x26\x53\x59", 6);
  block.bytes.append(reinterpret_cast<const char*>(data + 1), size - 1);
  block.bit_length = block.bytes.size() * 8 - (data[0] & 7);
  auto ours = medallion::compression::decode_bz2_block_bits(
      reinterpret_cast<const uint8_t*>(block.bytes.data()), block.bytes.size(), 0,
      block.bit_length);
  if (!ours.is_ok()) return 0;
  auto reference = medallion::compression::decode_bz2_block_with_libbz2(block);
  if (!reference.is_ok() || *reference != *ours) std::abort();
  return 0;
}
