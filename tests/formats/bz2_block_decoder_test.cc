// medallion's bzip2 block decoder against libbz2: the same bytes on blocks
// written by libbz2, bzip2 and lbzip2, over inputs that reach every path of
// the format (runs of every length, all 256 byte values, one-symbol blocks);
// and on damaged blocks, an error or libbz2's own answer, never other bytes.
#include <gtest/gtest.h>

#include <random>

#include "bz2_test_data.h"
#include "formats/compression/bz2_block.h"
#include "formats/compression/bz2_block_decoder.h"

namespace medallion::compression {
namespace {

using testing::bz2_compress;
using testing::sample_text;

util::Result<std::string> decode_natively(const Bz2Segment& block) {
  return decode_bz2_block_bits(reinterpret_cast<const uint8_t*>(block.bytes.data()),
                               block.bytes.size(), block.first_bit, block.bit_length);
}

// Decodes every block of `compressed` both ways; both must give `text`.
void expect_decodes_like_libbz2(const std::string& compressed, const std::string& text,
                                const std::string& what) {
  const std::vector<Bz2Segment> blocks = cut_all_blocks(compressed);
  ASSERT_FALSE(blocks.empty()) << what;
  std::string all;
  for (size_t i = 0; i < blocks.size(); ++i) {
    auto ours = decode_natively(blocks[i]);
    ASSERT_TRUE(ours.is_ok()) << what << ", block " << i << ": " << ours.status().message();
    auto reference = decode_bz2_block_with_libbz2(blocks[i]);
    ASSERT_TRUE(reference.is_ok()) << what << ", block " << i;
    ASSERT_EQ(*ours, *reference) << what << ", block " << i;
    all += *ours;
  }
  EXPECT_EQ(all, text) << what;
}

// Runs of random length (1..600) of bytes from a small alphabet: the initial
// RLE's counts from 0 to 255, runs split across counts, runs of exactly 4.
std::string runs_text(size_t bytes, uint32_t seed, int alphabet = 5) {
  std::mt19937 rng(seed);
  std::string out;
  while (out.size() < bytes) {
    const size_t len = 1 + rng() % (rng() % 4 == 0 ? 600 : 6);
    out.append(len, static_cast<char>('a' + rng() % static_cast<uint32_t>(alphabet)));
  }
  out.resize(bytes);
  return out;
}

std::string random_bytes(size_t bytes, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(bytes, '\0');
  for (char& c : out) c = static_cast<char>(rng());
  return out;
}

TEST(Bz2BlockDecoderTest, CrcMatchesTheCheckValue) {
  // CRC-32/BZIP2's check value: the CRC of the ASCII digits 1 to 9.
  const std::string digits = "123456789";
  EXPECT_EQ(bz2_crc32(reinterpret_cast<const uint8_t*>(digits.data()), digits.size()),
            0xFC891918u);
  // Slicing by 8 and the byte loop agree at every length and alignment.
  const std::string text = random_bytes(100, 3);
  for (size_t start = 0; start < 8; ++start) {
    for (size_t len = 0; start + len <= text.size(); len += 7) {
      uint32_t crc = 0xffffffffu;
      for (size_t i = start; i < start + len; ++i) {
        crc ^= static_cast<uint32_t>(static_cast<uint8_t>(text[i])) << 24;
        for (int k = 0; k < 8; ++k) crc = (crc & 0x80000000u) ? (crc << 1) ^ 0x04c11db7u : crc << 1;
      }
      ASSERT_EQ(bz2_crc32(reinterpret_cast<const uint8_t*>(text.data()) + start, len), ~crc)
          << start << "+" << len;
    }
  }
}

TEST(Bz2BlockDecoderTest, DecodesWhatLibbz2WritesAtEveryBlockSize) {
  const struct {
    const char* what;
    std::string text;
  } inputs[] = {
      {"json-like lines", sample_text(1'200'000, 1)},
      {"runs", runs_text(700'000, 2)},
      {"random bytes, all 256 values", random_bytes(300'000, 3)},
      {"one byte", "x"},
      {"one byte repeated", std::string(2'000'000, 'z')},
      {"a run of exactly four", "aaaa"},
      {"a run of four then more", "bbbbbbbbc"},
      {"two symbols", runs_text(50'000, 4, 2)},
  };
  for (const auto& in : inputs) {
    for (int level : {1, 5, 9}) {
      expect_decodes_like_libbz2(bz2_compress(in.text, level), in.text,
                                 std::string(in.what) + " at level " + std::to_string(level));
    }
  }
}

TEST(Bz2BlockDecoderTest, DecodesWhatTheBzip2AndLbzip2ToolsWrite) {
  const std::string text = sample_text(2'500'000, 9) + runs_text(500'000, 9);
  for (const std::string tool : {"bzip2 -9", "bzip2 -2", "lbzip2 -n 2 -9", "lbzip2 -n 1 -1"}) {
    expect_decodes_like_libbz2(testing::compress_with_tool(text, tool), text, tool);
  }
}

TEST(Bz2BlockDecoderTest, DamagedBlocksGiveAnErrorOrLibbz2sAnswer) {
  const std::string text = sample_text(30'000, 5) + runs_text(20'000, 5);
  const std::vector<Bz2Segment> blocks = cut_all_blocks(bz2_compress(text, 1));
  ASSERT_EQ(blocks.size(), 1u);
  const Bz2Segment& block = blocks[0];
  std::mt19937 rng(6);
  int errors = 0;
  for (int round = 0; round < 3000; ++round) {
    Bz2Segment damaged = block;
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; ++f) {
      // Anywhere after the magic: header, tables, selectors and symbols.
      const uint64_t bit = damaged.first_bit + 48 + rng() % (damaged.bit_length - 48);
      damaged.bytes[bit / 8] = static_cast<char>(damaged.bytes[bit / 8] ^ (0x80 >> (bit % 8)));
    }
    auto ours = decode_natively(damaged);
    if (!ours.is_ok()) {
      ++errors;
      continue;
    }
    auto reference = decode_bz2_block_with_libbz2(damaged);
    ASSERT_TRUE(reference.is_ok()) << "round " << round << ": libbz2 rejects what we accept";
    ASSERT_EQ(*ours, *reference) << "round " << round;
  }
  EXPECT_GT(errors, 2900);  // nearly every flip breaks the block CRC or the format
}

TEST(Bz2BlockDecoderTest, BitsMissingOrLeftOverAreErrors) {
  const std::string text = sample_text(20'000, 7);
  const std::vector<Bz2Segment> blocks = cut_all_blocks(bz2_compress(text, 9));
  ASSERT_EQ(blocks.size(), 1u);
  for (uint64_t cut : {1, 7, 8, 100, 4000}) {
    Bz2Segment shorter = blocks[0];
    shorter.bit_length -= cut;
    EXPECT_EQ(decode_natively(shorter).status().code(), util::StatusCode::kCorruption) << cut;
  }
  Bz2Segment longer = blocks[0];
  longer.bytes.append(2, '\0');
  longer.bit_length += 9;
  EXPECT_EQ(decode_natively(longer).status().code(), util::StatusCode::kCorruption);
  // Bits out of the bytes' range are refused before any is read.
  Bz2Segment beyond = blocks[0];
  beyond.bit_length += 64;
  EXPECT_EQ(decode_natively(beyond).status().code(), util::StatusCode::kCorruption);
}

TEST(Bz2BlockDecoderTest, RandomisedBlocksAreLeftToLibbz2) {
  const std::string text = sample_text(10'000, 8);
  std::vector<Bz2Segment> blocks = cut_all_blocks(bz2_compress(text, 9));
  ASSERT_EQ(blocks.size(), 1u);
  Bz2Segment& block = blocks[0];
  const uint64_t bit = block.first_bit + 48 + 32;  // after the magic and the CRC
  block.bytes[bit / 8] = static_cast<char>(block.bytes[bit / 8] | (0x80 >> (bit % 8)));
  EXPECT_EQ(decode_natively(block).status().code(), util::StatusCode::kUnsupported);
  // libbz2 then de-randomises data that never was randomised: the CRC fails.
  EXPECT_FALSE(decode_bz2_block(block).is_ok());
}

TEST(Bz2BlockDecoderTest, CutAllBlocksFindsEveryBlockOfConcatenatedStreams) {
  const std::string a = sample_text(250'000, 10);
  const std::string b = random_bytes(150'000, 10);
  const std::vector<Bz2Segment> blocks = cut_all_blocks(bz2_compress(a, 1) + bz2_compress(b, 1));
  EXPECT_EQ(blocks.size(), 5u);  // 3 + 2 blocks of at most 100 kB
  std::string all;
  for (const Bz2Segment& block : blocks) {
    auto out = decode_bz2_block(block);
    ASSERT_TRUE(out.is_ok()) << out.status().message();
    all += *out;
  }
  EXPECT_EQ(all, a + b);
  EXPECT_TRUE(cut_all_blocks("not bzip2").empty());
}

}  // namespace
}  // namespace medallion::compression
