// medallion's bzip2 block decoder against libbz2: the same bytes on blocks
// written by libbz2, bzip2 and lbzip2, over inputs that reach every path of
// the format (runs of every length, all 256 byte values, one-symbol blocks);
// and on damaged blocks, an error or libbz2's own answer, never other bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <optional>
#include <random>
#include <vector>

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

// A block written from its BWT's last column and origin pointer, with the
// given stored CRC: blocks no encoder writes, such as a permutation of
// several cycles. One Huffman code gives every symbol 9 bits.
Bz2Segment block_from_last_column(const std::string& last, uint32_t orig_ptr, uint32_t crc) {
  std::string bytes;
  uint64_t bits = 0;
  uint64_t acc = 0;
  int pending = 0;
  auto put = [&](uint64_t value, int n) {
    for (int i = n - 1; i >= 0; --i) {
      acc = (acc << 1) | ((value >> i) & 1);
      ++bits;
      if (++pending == 8) {
        bytes.push_back(static_cast<char>(acc));
        acc = 0;
        pending = 0;
      }
    }
  };
  put(0x314159265359, 48);
  put(crc, 32);
  put(0, 1);  // not randomised
  put(orig_ptr, 24);
  std::array<bool, 256> used{};
  for (unsigned char c : last) used[c] = true;
  std::vector<uint8_t> mtf;
  uint32_t used16 = 0;
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 16; ++j) {
      if (used[static_cast<size_t>(i * 16 + j)]) used16 |= 0x8000u >> i;
    }
  }
  put(used16, 16);
  for (int i = 0; i < 16; ++i) {
    if ((used16 & (0x8000u >> i)) == 0) continue;
    uint32_t word = 0;
    for (int j = 0; j < 16; ++j) {
      if (used[static_cast<size_t>(i * 16 + j)]) {
        word |= 0x8000u >> j;
        mtf.push_back(static_cast<uint8_t>(i * 16 + j));
      }
    }
    put(word, 16);
  }
  const int eob = static_cast<int>(mtf.size()) + 1;
  // Symbols: MTF indexes, zero runs as RUNA/RUNB digits, then EOB.
  std::vector<int> symbols;
  size_t zeros = 0;
  auto flush_zeros = [&] {
    for (size_t z = zeros; z > 0; z = (z - 1) / 2) symbols.push_back((z - 1) & 1);
    zeros = 0;
  };
  for (unsigned char c : last) {
    const auto at = static_cast<size_t>(std::find(mtf.begin(), mtf.end(), c) - mtf.begin());
    if (at == 0) {
      ++zeros;
      continue;
    }
    flush_zeros();
    mtf.erase(mtf.begin() + static_cast<ptrdiff_t>(at));
    mtf.insert(mtf.begin(), c);
    symbols.push_back(static_cast<int>(at) + 1);
  }
  flush_zeros();
  symbols.push_back(eob);
  const size_t selectors = (symbols.size() + 49) / 50;
  put(2, 3);  // two tables
  put(selectors, 15);
  for (size_t i = 0; i < selectors; ++i) put(0, 1);  // all table 0
  for (int t = 0; t < 2; ++t) {
    put(9, 5);
    for (int s = 0; s <= eob; ++s) put(0, 1);  // every length stays 9
  }
  for (int sym : symbols) put(static_cast<uint64_t>(sym), 9);  // canonical: code = symbol
  const uint64_t length = bits;
  if (pending > 0) put(0, 8 - pending);
  Bz2Segment block;
  block.bytes = bytes;
  block.bit_length = length;
  return block;
}

// The text before its initial RLE is undone that libbz2 takes from a last
// column: n steps forward from the origin.
std::string forward_walk(const std::string& last, uint32_t orig_ptr) {
  std::vector<uint32_t> order(last.size());  // row j of F is row order[j] of L
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return static_cast<unsigned char>(last[a]) < static_cast<unsigned char>(last[b]);
  });
  std::string text;
  for (uint32_t k = 0, row = orig_ptr; k < last.size(); ++k) {
    row = order[row];
    text.push_back(last[row]);
  }
  return text;
}

// The initial RLE undone, or nothing when four equal bytes end the text.
std::optional<std::string> undo_rle(const std::string& in) {
  std::string out;
  for (size_t i = 0; i < in.size();) {
    size_t run = 1;
    while (run < 4 && i + run < in.size() && in[i + run] == in[i]) ++run;
    out.append(run, in[i]);
    i += run;
    if (run < 4) continue;
    if (i == in.size()) return std::nullopt;
    out.append(static_cast<unsigned char>(in[i]), in[i - 1]);
    ++i;
  }
  return out;
}

uint32_t crc_of(const std::string& s) {
  return bz2_crc32(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

TEST(Bz2BlockDecoderTest, TheTestEncoderWritesBlocksBothDecodersRead) {
  // "banana" sorts its rotations into last column "nnbaaa", origin 3.
  const Bz2Segment block = block_from_last_column("nnbaaa", 3, crc_of("banana"));
  auto ours = decode_natively(block);
  ASSERT_TRUE(ours.is_ok()) << ours.status().message();
  EXPECT_EQ(*ours, "banana");
  EXPECT_EQ(forward_walk("nnbaaa", 3), "banana");
  EXPECT_EQ(*decode_bz2_block_with_libbz2(block), "banana");
}

// A damaged block's permutation can have several cycles. libbz2 then repeats
// the origin's cycle; walking both ways would give other bytes, which a
// fuzzer made pass the CRC. Such blocks go to libbz2, whichever CRC they hold.
TEST(Bz2BlockDecoderTest, PermutationsOfSeveralCyclesGetLibbz2sAnswer) {
  struct Case {
    std::string last;
    uint32_t orig_ptr;
  };
  std::mt19937 rng(11);
  std::vector<Case> cases = {{"bac", 0}, {"bcad", 0}};  // cycles of 2 + 1, of 3 + 1
  for (int i = 0; i < 40; ++i) {
    std::string last(50 + rng() % 200, '\0');
    for (char& c : last) c = static_cast<char>('a' + rng() % 8);
    cases.push_back({last, static_cast<uint32_t>(rng() % last.size())});
  }
  int several_cycles = 0;
  for (const Case& c : cases) {
    const std::optional<std::string> libbz2s = undo_rle(forward_walk(c.last, c.orig_ptr));
    const Bz2Segment block =
        block_from_last_column(c.last, c.orig_ptr, libbz2s ? crc_of(*libbz2s) : 0);
    auto reference = decode_bz2_block_with_libbz2(block);
    auto ours = decode_natively(block);
    if (!libbz2s) {
      EXPECT_FALSE(reference.is_ok()) << c.last;
      EXPECT_FALSE(ours.is_ok()) << c.last;
      continue;
    }
    ASSERT_TRUE(reference.is_ok()) << c.last;
    ASSERT_EQ(*reference, *libbz2s) << c.last;
    if (ours.is_ok()) {
      EXPECT_EQ(*ours, *reference) << c.last;
    } else {
      ++several_cycles;
    }
    auto decoded = decode_bz2_block(block);
    ASSERT_TRUE(decoded.is_ok()) << c.last;
    EXPECT_EQ(*decoded, *reference) << c.last;
  }
  EXPECT_GT(several_cycles, 20);
  // With the CRC of what a walk both ways gives ("abb", "acca"), both refuse.
  for (const auto& [last, walked] : {std::pair{"bac", "abb"}, std::pair{"bcad", "acca"}}) {
    const Bz2Segment block = block_from_last_column(last, 0, crc_of(walked));
    EXPECT_FALSE(decode_bz2_block_with_libbz2(block).is_ok()) << last;
    EXPECT_FALSE(decode_natively(block).is_ok()) << last;
  }
}

// The encoder writes a count after every four equal bytes; libbz2 refuses a
// block whose text ends in four equal bytes without one.
TEST(Bz2BlockDecoderTest, FourEqualBytesAtTheEndWithoutACountAreRefused) {
  const Bz2Segment block = block_from_last_column("aaaa", 0, crc_of("aaaa"));
  EXPECT_FALSE(decode_bz2_block_with_libbz2(block).is_ok());
  EXPECT_EQ(decode_natively(block).status().code(), util::StatusCode::kCorruption);
  // With a count it is fine: "aaaa\x02" is the last column and the text.
  const std::string counted("aaaa\x02", 5);
  ASSERT_EQ(forward_walk(counted, 4), counted);
  auto ours = decode_natively(block_from_last_column(counted, 4, crc_of("aaaaaa")));
  ASSERT_TRUE(ours.is_ok()) << ours.status().message();
  EXPECT_EQ(*ours, "aaaaaa");
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
