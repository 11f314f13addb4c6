// The block-parallel bzip2 reader against libbz2's own encoder and the
// bzip2/lbzip2 command-line tools, plus corruption and truncation.
#include <gtest/gtest.h>

#include <random>

#include "formats/compression/bz2_block.h"
#include "formats/compression/bz2_format.h"
#include "formats/compression/bz2_magic_scanner.h"
#include "formats/compression/decompressing_reader.h"
#include "bz2_test_data.h"
#include "memory_file.h"
#include "util/thread_pool.h"

namespace medallion::compression {
namespace {

using testing::bz2_compress;
using testing::MemoryFile;
using testing::sample_text;

struct Decoded {
  std::string data;
  util::Status status;
  size_t chunks = 0;
};

Decoded decode_all(std::string compressed, util::ThreadPool* pool, size_t max_read = 1 << 20) {
  DecompressOptions options;
  options.pool = pool;
  Decoded d;
  auto reader = open_decompressed(MemoryFile::of(std::move(compressed), max_read), options);
  if (!reader.is_ok()) {
    d.status = reader.status();
    return d;
  }
  for (;;) {
    auto chunk = (*reader)->next();
    if (!chunk.is_ok()) {
      d.status = chunk.status();
      return d;
    }
    if (chunk->empty()) return d;
    d.data.append(*chunk);
    ++d.chunks;
  }
}

class Bz2ReaderTest : public ::testing::Test {
 protected:
  util::ThreadPool pool_{3};
};

TEST_F(Bz2ReaderTest, ManyBlocksDecodeInOrderOnAPool) {
  const std::string text = sample_text(1'500'000, 1);
  const Decoded d = decode_all(bz2_compress(text, 1), &pool_);
  ASSERT_TRUE(d.status.is_ok()) << d.status.message();
  EXPECT_EQ(d.data, text);
  EXPECT_GE(d.chunks, 10u);  // 100 kB blocks: one chunk per block
}

TEST_F(Bz2ReaderTest, WithoutAPoolDecodesOnTheCallingThread) {
  const std::string text = sample_text(400'000, 2);
  const Decoded d = decode_all(bz2_compress(text, 1), nullptr);
  ASSERT_TRUE(d.status.is_ok()) << d.status.message();
  EXPECT_EQ(d.data, text);
}

TEST_F(Bz2ReaderTest, TinyReadsStillFindEveryBoundary) {
  const std::string text = sample_text(350'000, 3);
  const Decoded d = decode_all(bz2_compress(text, 1), &pool_, 7);
  ASSERT_TRUE(d.status.is_ok()) << d.status.message();
  EXPECT_EQ(d.data, text);
}

TEST_F(Bz2ReaderTest, ConcatenatedStreamsAreReadInSequence) {
  const std::string a = sample_text(250'000, 4), b = sample_text(120'000, 5);
  const Decoded d = decode_all(bz2_compress(a, 1) + bz2_compress(b, 9), &pool_);
  ASSERT_TRUE(d.status.is_ok()) << d.status.message();
  EXPECT_EQ(d.data, a + b);
}

TEST_F(Bz2ReaderTest, EmptyStreamDecodesToNothing) {
  const Decoded d = decode_all(bz2_compress("", 9), &pool_);
  ASSERT_TRUE(d.status.is_ok()) << d.status.message();
  EXPECT_EQ(d.data, "");
}

TEST_F(Bz2ReaderTest, EmptyStreamBetweenStreams) {
  const std::string a = sample_text(1000, 6);
  const Decoded d = decode_all(bz2_compress(a, 9) + bz2_compress("", 9) + bz2_compress(a, 9),
                               &pool_);
  ASSERT_TRUE(d.status.is_ok()) << d.status.message();
  EXPECT_EQ(d.data, a + a);
}

TEST_F(Bz2ReaderTest, ReadsWhatTheBzip2AndLbzip2ToolsWrite) {
  const std::string text = sample_text(2'000'000, 7);
  for (const std::string tool : {"bzip2 -1", "lbzip2 -n 2 -9"}) {
    const Decoded d = decode_all(testing::compress_with_tool(text, tool), &pool_);
    ASSERT_TRUE(d.status.is_ok()) << tool << ": " << d.status.message();
    EXPECT_EQ(d.data, text) << tool;
  }
}

TEST_F(Bz2ReaderTest, TruncatedFileIsAnErrorAfterTheCompleteBlocks) {
  const std::string text = sample_text(600'000, 8);
  std::string bz = bz2_compress(text, 1);
  bz.resize(bz.size() * 6 / 10);
  const Decoded d = decode_all(bz, &pool_);
  ASSERT_FALSE(d.status.is_ok());
  EXPECT_EQ(d.status.code(), util::StatusCode::kCorruption);
  EXPECT_NE(d.status.message().find("truncated"), std::string::npos) << d.status.message();
  EXPECT_NE(d.status.message().find("memory.bin"), std::string::npos) << d.status.message();
  EXPECT_EQ(text.compare(0, d.data.size(), d.data), 0) << "delivered bytes must be a prefix";
  EXPECT_GT(d.data.size(), 0u);
}

TEST_F(Bz2ReaderTest, TrailingGarbageAfterTheStreamIsAnError) {
  const Decoded d = decode_all(bz2_compress("hello\n", 9) + "garbage!", &pool_);
  ASSERT_FALSE(d.status.is_ok());
  EXPECT_EQ(d.data, "hello\n");
  EXPECT_NE(d.status.message().find("unexpected bytes after a stream"), std::string::npos)
      << d.status.message();
}

TEST_F(Bz2ReaderTest, FewerTrailingBytesThanAHeaderAreAnError) {
  const Decoded d = decode_all(bz2_compress("hello\n", 9) + "xy", &pool_);
  ASSERT_FALSE(d.status.is_ok());
  EXPECT_EQ(d.data, "hello\n");
  EXPECT_NE(d.status.message().find("unexpected bytes after a stream"), std::string::npos)
      << d.status.message();
}

TEST_F(Bz2ReaderTest, HeaderWithoutABlockIsAnError) {
  const Decoded d = decode_all(std::string("BZh9") + std::string(64, 'x'), &pool_);
  ASSERT_FALSE(d.status.is_ok());
  EXPECT_EQ(d.status.code(), util::StatusCode::kCorruption);
}

TEST_F(Bz2ReaderTest, HeaderAloneIsAnError) {
  const Decoded d = decode_all("BZh9", &pool_);
  ASSERT_FALSE(d.status.is_ok());
}

// Flipping any byte must give an error or the original bytes — never a
// silently different output (the block CRCs and the stream CRC see to it).
TEST_F(Bz2ReaderTest, FlippedBytesNeverYieldWrongData) {
  const std::string text = sample_text(300'000, 9);
  const std::string bz = bz2_compress(text, 1);
  std::mt19937 rng(42);
  for (int i = 0; i < 60; ++i) {
    std::string damaged = bz;
    const size_t pos = rng() % damaged.size();
    damaged[pos] = static_cast<char>(damaged[pos] ^ (1 << (rng() % 8)));
    const Decoded d = decode_all(damaged, &pool_);
    if (d.status.is_ok()) {
      EXPECT_EQ(d.data, text) << "flip at " << pos;
    } else {
      EXPECT_EQ(text.compare(0, d.data.size(), d.data), 0) << "flip at " << pos;
    }
  }
}

TEST(Bz2MagicScannerTest, FindsTheMagicAtEveryBitOffset) {
  Bz2MagicScanner scanner;
  for (uint64_t bit = 0; bit < 24; ++bit) {
    std::vector<uint8_t> buf(16, 0);
    for (int i = 0; i < 48; ++i) {
      if ((bz2::kBlockMagic >> (47 - i)) & 1) {
        const uint64_t b = bit + static_cast<uint64_t>(i);
        buf[b / 8] |= static_cast<uint8_t>(0x80 >> (b % 8));
      }
    }
    const Bz2MagicHit hit = scanner.find(buf.data(), buf.size(), 0);
    EXPECT_EQ(hit.magic, Bz2Magic::kBlock) << bit;
    EXPECT_EQ(hit.bit, bit);
    EXPECT_EQ(scanner.find(buf.data(), buf.size(), bit + 1).magic, Bz2Magic::kNone) << bit;
  }
}

TEST(Bz2MagicScannerTest, FindsTheEndMagicAndIgnoresNearMisses) {
  Bz2MagicScanner scanner;
  std::vector<uint8_t> buf = {0x17, 0x72, 0x45, 0x38, 0x50, 0x91, 0, 0};  // last bit differs
  EXPECT_EQ(scanner.find(buf.data(), buf.size(), 0).magic, Bz2Magic::kNone);
  buf[5] = 0x90;
  const Bz2MagicHit hit = scanner.find(buf.data(), buf.size(), 0);
  EXPECT_EQ(hit.magic, Bz2Magic::kEnd);
  EXPECT_EQ(hit.bit, 0u);
}

TEST(Bz2BlockTest, ReadBitsIsMsbFirst) {
  const uint8_t data[] = {0b10110000, 0b00001111};
  EXPECT_EQ(read_bits(data, 0, 4), 0b1011u);
  EXPECT_EQ(read_bits(data, 2, 10), 0b1100000000u);
  EXPECT_EQ(read_bits(data, 12, 4), 0b1111u);
}

TEST(Bz2BlockTest, CutAndJoinPreserveBitsAtAnyOffset) {
  std::mt19937 rng(7);
  std::vector<uint8_t> data(64);
  for (auto& b : data) b = static_cast<uint8_t>(rng());
  for (uint64_t start = 0; start < 16; ++start) {
    for (uint64_t split = 1; split < 40; split += 3) {
      const Bz2Segment a = cut_segment(data.data(), start, split, start);
      const Bz2Segment b = cut_segment(data.data(), start + split, 200, start + split);
      const Bz2Segment j = join_segments(a, b);
      const Bz2Segment whole = cut_segment(data.data(), start, split + 200, start);
      ASSERT_EQ(j.bit_length, whole.bit_length);
      for (uint64_t i = 0; i < j.bit_length; i += 8) {
        const int n = static_cast<int>(std::min<uint64_t>(8, j.bit_length - i));
        ASSERT_EQ(read_bits(reinterpret_cast<const uint8_t*>(j.bytes.data()), j.first_bit + i, n),
                  read_bits(data.data(), start + i, n))
            << start << "/" << split << "/" << i;
      }
    }
  }
}

TEST(Bz2BlockTest, DecodesOneBlockCutOutOfAStream) {
  const std::string text = sample_text(50'000, 11);
  const std::string bz = bz2_compress(text, 9);
  // One block: from byte 4 to the end magic; find it with the scanner.
  Bz2MagicScanner scanner;
  const auto* p = reinterpret_cast<const uint8_t*>(bz.data());
  const Bz2MagicHit end = scanner.find(p, bz.size(), 32 + 48);
  ASSERT_EQ(end.magic, Bz2Magic::kEnd);
  const Bz2Segment block = cut_segment(p, 32, end.bit - 32, 32);
  auto out = decode_bz2_block(block);
  ASSERT_TRUE(out.is_ok()) << out.status().message();
  EXPECT_EQ(*out, text);
  Bz2Segment shorter = block;
  shorter.bit_length -= 9;
  EXPECT_FALSE(decode_bz2_block(shorter).is_ok());
}

}  // namespace
}  // namespace medallion::compression
