// Page compression: round trips through every supported codec, streams built
// by hand or by other writers (zlib headers, concatenated gzip members and
// zstd frames, Hadoop-framed and bare LZ4), pages whose declared size lies,
// truncated or random input failing cleanly, and every compressed page of the
// shared Parquet fixtures decoding to the size its header declares.
#include "formats/parquet/page_compression.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "formats/parquet/parquet_footer.h"
#include "parquet_testdata.h"

namespace medallion::parquet {
namespace {

using util::StatusCode;

constexpr CompressionCodec kSupported[] = {
    CompressionCodec::kUncompressed, CompressionCodec::kSnappy, CompressionCodec::kGzip,
    CompressionCodec::kZstd,         CompressionCodec::kLz4Raw, CompressionCodec::kLz4,
};

std::string random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

// Text-like data: short words from a small vocabulary, so every codec finds
// matches but the output is not trivially a run.
std::string compressible_bytes(size_t n, uint32_t seed) {
  static const char* const kWords[] = {"parquet", "page", "row", "group", "column", "chunk",
                                       "value",   "null", "42",  "-7",    "\n",     " "};
  std::mt19937 rng(seed);
  std::string s;
  while (s.size() < n) s += kWords[rng() % std::size(kWords)];
  s.resize(n);
  return s;
}

std::string compress(CompressionCodec codec, std::string_view input, int level = 0) {
  std::string out;
  const util::Status st = compress_page(codec, input, level, &out);
  EXPECT_TRUE(st.is_ok()) << st.to_string();
  return out;
}

std::string be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

std::string codec_test_name(CompressionCodec codec) {
  return testing::test_name_of(codec_name(codec));
}

// ------------------------------------------------------------ round trips --

struct RoundTripCase {
  CompressionCodec codec;
  std::string kind;
};

std::string round_trip_input(const std::string& kind) {
  if (kind == "empty") return {};
  if (kind == "one_byte") return "x";
  if (kind == "random_1MB") return random_bytes(1 << 20, 7);
  if (kind == "zeros_1MB") return std::string(1 << 20, '\0');
  return compressible_bytes(1 << 20, 11);  // "text_1MB"
}

class PageCompressionRoundTrip : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(PageCompressionRoundTrip, DecompressesToTheInput) {
  const auto& [codec, kind] = GetParam();
  const std::string input = round_trip_input(kind);
  const std::string packed = compress(codec, input);
  if ((kind == "zeros_1MB" || kind == "text_1MB") && codec != CompressionCodec::kUncompressed) {
    EXPECT_LT(packed.size(), input.size() / 2);
  }
  std::string out = "stale";
  const util::Status st = decompress_page(codec, packed, input.size(), &out);
  ASSERT_TRUE(st.is_ok()) << st.to_string();
  EXPECT_TRUE(out == input);
}

std::vector<RoundTripCase> round_trip_cases() {
  std::vector<RoundTripCase> cases;
  for (auto codec : kSupported) {
    for (const char* kind : {"empty", "one_byte", "random_1MB", "zeros_1MB", "text_1MB"}) {
      cases.push_back({codec, kind});
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, PageCompressionRoundTrip,
                         ::testing::ValuesIn(round_trip_cases()), [](const auto& info) {
                           return codec_test_name(info.param.codec) + "_" + info.param.kind;
                         });

// ------------------------------------------------------ per-codec failures --

class PageCompressionCodec : public ::testing::TestWithParam<CompressionCodec> {};

INSTANTIATE_TEST_SUITE_P(AllCodecs, PageCompressionCodec, ::testing::ValuesIn(kSupported),
                         [](const auto& info) { return codec_test_name(info.param); });

void expect_corruption(CompressionCodec codec, std::string_view packed, size_t declared) {
  std::string out = "stale";
  const util::Status st = decompress_page(codec, packed, declared, &out);
  ASSERT_FALSE(st.is_ok()) << codec_name(codec) << " declared " << declared;
  EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.to_string();
  EXPECT_NE(st.message().find(codec_name(codec)), std::string::npos) << st.to_string();
  EXPECT_NE(st.message().find(std::to_string(declared)), std::string::npos) << st.to_string();
  EXPECT_TRUE(out.empty());
}

TEST_P(PageCompressionCodec, DeclaredSizeOneLargerFails) {
  const std::string input = compressible_bytes(100000, 3);
  expect_corruption(GetParam(), compress(GetParam(), input), input.size() + 1);
}

TEST_P(PageCompressionCodec, DeclaredSizeOneSmallerFails) {
  const std::string input = compressible_bytes(100000, 3);
  expect_corruption(GetParam(), compress(GetParam(), input), input.size() - 1);
}

TEST_P(PageCompressionCodec, DeclaredSizeZeroFails) {
  const std::string input = compressible_bytes(1000, 3);
  expect_corruption(GetParam(), compress(GetParam(), input), 0);
}

TEST_P(PageCompressionCodec, EmptyInputWithNonZeroDeclaredSizeFails) {
  expect_corruption(GetParam(), "", 10);
}

TEST_P(PageCompressionCodec, DeclaredSizeAboveOneGiBFails) {
  expect_corruption(GetParam(), compress(GetParam(), "abc"), (size_t{1} << 30) + 1);
}

TEST_P(PageCompressionCodec, EveryTruncationFails) {
  if (GetParam() == CompressionCodec::kUncompressed) GTEST_SKIP() << "no structure to truncate";
  const std::string input = compressible_bytes(3000, 5) + random_bytes(3000, 6);
  const std::string packed = compress(GetParam(), input);
  for (size_t n = 0; n < packed.size(); ++n) {
    std::string out;
    const util::Status st = decompress_page(GetParam(), packed.substr(0, n), input.size(), &out);
    ASSERT_FALSE(st.is_ok()) << "truncated to " << n << " of " << packed.size();
    EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.to_string();
  }
}

TEST_P(PageCompressionCodec, RandomGarbageFails) {
  if (GetParam() == CompressionCodec::kUncompressed) GTEST_SKIP() << "any bytes are valid";
  for (uint32_t seed = 0; seed < 200; ++seed) {
    const std::string garbage = random_bytes(1 + seed * 7, seed);
    for (size_t declared : {size_t{0}, size_t{1}, garbage.size(), size_t{65536}}) {
      std::string out;
      const util::Status st = decompress_page(GetParam(), garbage, declared, &out);
      EXPECT_FALSE(st.is_ok()) << "seed " << seed << " declared " << declared;
    }
  }
}

TEST_P(PageCompressionCodec, FlippedBytesNeverCrash) {
  const std::string input = compressible_bytes(2000, 8);
  const std::string packed = compress(GetParam(), input);
  for (size_t i = 0; i < packed.size(); ++i) {
    std::string bad = packed;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    std::string out;
    const util::Status st = decompress_page(GetParam(), bad, input.size(), &out);
    // A flip inside a literal can still decode (to different bytes); all
    // that must hold is a clean outcome of the declared size.
    if (st.is_ok()) {
      EXPECT_EQ(out.size(), input.size());
    } else {
      EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.to_string();
    }
  }
}

// ---------------------------------------------------------------- snappy --

TEST(PageCompressionSnappy, LengthPreambleIsCheckedBeforeDecoding) {
  const std::string packed = compress(CompressionCodec::kSnappy, "hello hello hello");
  std::string out;
  const util::Status st = decompress_page(CompressionCodec::kSnappy, packed, 18, &out);
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("expands to 17 bytes but its header declares 18"), std::string::npos)
      << st.to_string();
}

// ------------------------------------------------------------------ gzip --

TEST(PageCompressionGzip, WritesAGzipMember) {
  const std::string packed = compress(CompressionCodec::kGzip, "abc");
  ASSERT_GE(packed.size(), 18u);
  EXPECT_EQ(static_cast<uint8_t>(packed[0]), 0x1f);
  EXPECT_EQ(static_cast<uint8_t>(packed[1]), 0x8b);
  EXPECT_EQ(packed[2], 8);  // deflate
}

TEST(PageCompressionGzip, ZlibStreamDecodes) {
  // zlib header (deflate, 32 KiB window, no dictionary), one final stored
  // block "hello", Adler-32 of "hello" big-endian.
  std::string zlib = "\x78\x01";
  zlib += std::string("\x01\x05\x00\xfa\xff", 5) + "hello";
  uint32_t a = 1, b = 0;
  for (char c : std::string("hello")) {
    a = (a + static_cast<uint8_t>(c)) % 65521;
    b = (b + a) % 65521;
  }
  zlib += be32((b << 16) | a);
  std::string out;
  const util::Status st = decompress_page(CompressionCodec::kGzip, zlib, 5, &out);
  ASSERT_TRUE(st.is_ok()) << st.to_string();
  EXPECT_EQ(out, "hello");
}

TEST(PageCompressionGzip, ZlibStreamWithBadChecksumFails) {
  std::string zlib = "\x78\x01";
  zlib += std::string("\x01\x05\x00\xfa\xff", 5) + "hello" + be32(12345);
  expect_corruption(CompressionCodec::kGzip, zlib, 5);
}

TEST(PageCompressionGzip, TwoConcatenatedMembersDecode) {
  const std::string first = compressible_bytes(5000, 1);
  const std::string second = random_bytes(3000, 2);
  const std::string packed =
      compress(CompressionCodec::kGzip, first) + compress(CompressionCodec::kGzip, second);
  std::string out;
  const util::Status st =
      decompress_page(CompressionCodec::kGzip, packed, first.size() + second.size(), &out);
  ASSERT_TRUE(st.is_ok()) << st.to_string();
  EXPECT_TRUE(out == first + second);
}

TEST(PageCompressionGzip, TrailingGarbageAfterMemberFails) {
  const std::string packed = compress(CompressionCodec::kGzip, "abcdef") + "garbage";
  expect_corruption(CompressionCodec::kGzip, packed, 6);
}

TEST(PageCompressionGzip, CorruptCrcFails) {
  std::string packed = compress(CompressionCodec::kGzip, compressible_bytes(1000, 4));
  packed[packed.size() - 8] = static_cast<char>(packed[packed.size() - 8] ^ 1);  // CRC-32
  expect_corruption(CompressionCodec::kGzip, packed, 1000);
}

TEST(PageCompressionGzip, LevelsOneAndNineWork) {
  const std::string input = compressible_bytes(50000, 9);
  for (int level : {1, 9}) {
    std::string out;
    ASSERT_TRUE(decompress_page(CompressionCodec::kGzip,
                                compress(CompressionCodec::kGzip, input, level), input.size(), &out)
                    .is_ok());
    EXPECT_TRUE(out == input);
  }
}

TEST(PageCompressionGzip, LevelOutOfRangeIsInvalidArgument) {
  std::string out;
  const util::Status st = compress_page(CompressionCodec::kGzip, "abc", 10, &out);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("GZIP"), std::string::npos) << st.to_string();
}

// ------------------------------------------------------------------ zstd --

TEST(PageCompressionZstd, WritesAZstdFrame) {
  const std::string packed = compress(CompressionCodec::kZstd, "abc");
  ASSERT_GE(packed.size(), 4u);
  EXPECT_EQ(packed.substr(0, 4), "\x28\xb5\x2f\xfd");
}

TEST(PageCompressionZstd, TwoConcatenatedFramesDecode) {
  const std::string first = compressible_bytes(5000, 1);
  const std::string second = random_bytes(3000, 2);
  const std::string packed =
      compress(CompressionCodec::kZstd, first) + compress(CompressionCodec::kZstd, second);
  std::string out;
  const util::Status st =
      decompress_page(CompressionCodec::kZstd, packed, first.size() + second.size(), &out);
  ASSERT_TRUE(st.is_ok()) << st.to_string();
  EXPECT_TRUE(out == first + second);
}

TEST(PageCompressionZstd, SkippableFrameIsIgnored) {
  // Magic 0x184D2A50 little-endian, 3 bytes of user data.
  const std::string skippable = std::string("\x50\x2a\x4d\x18\x03\x00\x00\x00", 8) + "xyz";
  const std::string packed = skippable + compress(CompressionCodec::kZstd, "payload");
  std::string out;
  ASSERT_TRUE(decompress_page(CompressionCodec::kZstd, packed, 7, &out).is_ok());
  EXPECT_EQ(out, "payload");
}

TEST(PageCompressionZstd, LevelsOneAndNineteenWork) {
  const std::string input = compressible_bytes(50000, 9);
  for (int level : {1, 19}) {
    std::string out;
    ASSERT_TRUE(decompress_page(CompressionCodec::kZstd,
                                compress(CompressionCodec::kZstd, input, level), input.size(), &out)
                    .is_ok());
    EXPECT_TRUE(out == input);
  }
}

TEST(PageCompressionZstd, LevelOutOfRangeIsInvalidArgument) {
  std::string out;
  EXPECT_EQ(compress_page(CompressionCodec::kZstd, "abc", 23, &out).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(compress_page(CompressionCodec::kZstd, "abc", -1, &out).code(),
            StatusCode::kInvalidArgument);
}

// ------------------------------------------------------------------- lz4 --

TEST(PageCompressionLz4, HandBuiltHadoopFramesDecode) {
  const std::string first = compressible_bytes(4000, 1);
  const std::string second = random_bytes(1000, 2);
  const std::string block1 = compress(CompressionCodec::kLz4Raw, first);
  const std::string block2 = compress(CompressionCodec::kLz4Raw, second);
  const std::string framed = be32(static_cast<uint32_t>(first.size())) +
                             be32(static_cast<uint32_t>(block1.size())) + block1 +
                             be32(static_cast<uint32_t>(second.size())) +
                             be32(static_cast<uint32_t>(block2.size())) + block2;
  std::string out;
  const util::Status st =
      decompress_page(CompressionCodec::kLz4, framed, first.size() + second.size(), &out);
  ASSERT_TRUE(st.is_ok()) << st.to_string();
  EXPECT_TRUE(out == first + second);
}

TEST(PageCompressionLz4, BareBlockDecodesThroughFallback) {
  const std::string input = compressible_bytes(20000, 3);
  const std::string block = compress(CompressionCodec::kLz4Raw, input);
  std::string out;
  const util::Status st = decompress_page(CompressionCodec::kLz4, block, input.size(), &out);
  ASSERT_TRUE(st.is_ok()) << st.to_string();
  EXPECT_TRUE(out == input);
}

TEST(PageCompressionLz4, HadoopFrameWithWrongInnerSizeFails) {
  const std::string input = compressible_bytes(4000, 1);
  const std::string block = compress(CompressionCodec::kLz4Raw, input);
  // The frame claims one byte less than the block holds; the page total
  // still matches the declared size.
  const std::string framed = be32(static_cast<uint32_t>(input.size() - 1)) +
                             be32(static_cast<uint32_t>(block.size())) + block;
  expect_corruption(CompressionCodec::kLz4, framed, input.size() - 1);
}

TEST(PageCompressionLz4, WritesHadoopFramesOfAtMost128KiB) {
  const std::string input = compressible_bytes(300 * 1024, 4);
  const std::string packed = compress(CompressionCodec::kLz4, input);
  size_t pos = 0, frames = 0, total = 0;
  while (pos < packed.size()) {
    ASSERT_LE(pos + 8, packed.size());
    auto u32 = [&](size_t at) {
      return (uint32_t{static_cast<uint8_t>(packed[at])} << 24) |
             (uint32_t{static_cast<uint8_t>(packed[at + 1])} << 16) |
             (uint32_t{static_cast<uint8_t>(packed[at + 2])} << 8) |
             uint32_t{static_cast<uint8_t>(packed[at + 3])};
    };
    const uint32_t frame_out = u32(pos);
    const uint32_t frame_in = u32(pos + 4);
    EXPECT_LE(frame_out, 128u * 1024);
    std::string out;
    ASSERT_TRUE(decompress_page(CompressionCodec::kLz4Raw, packed.substr(pos + 8, frame_in),
                                frame_out, &out)
                    .is_ok());
    EXPECT_TRUE(out == input.substr(total, frame_out));
    total += frame_out;
    pos += 8 + frame_in;
    ++frames;
  }
  EXPECT_EQ(frames, 3u);
  EXPECT_EQ(total, input.size());
}

// --------------------------------------------------------- uncompressed --

TEST(PageCompressionUncompressed, CopiesTheBytes) {
  std::string out;
  ASSERT_TRUE(decompress_page(CompressionCodec::kUncompressed, "raw bytes", 9, &out).is_ok());
  EXPECT_EQ(out, "raw bytes");
}

// ----------------------------------------------------------- unsupported --

TEST(PageCompressionUnsupported, LzoIsUnsupportedWithAdvice) {
  std::string out = "stale";
  const util::Status st = decompress_page(CompressionCodec::kLzo, "abc", 3, &out);
  EXPECT_EQ(st.code(), StatusCode::kUnsupported);
  EXPECT_EQ(st.message().rfind("parquet: compression codec LZO is not supported (", 0), 0u)
      << st.to_string();
  EXPECT_NE(st.message().find("rewrite the file with SNAPPY, ZSTD, GZIP or LZ4_RAW"),
            std::string::npos)
      << st.to_string();
  EXPECT_TRUE(out.empty());
}

TEST(PageCompressionUnsupported, BrotliIsUnsupported) {
  std::string out;
  const util::Status st = decompress_page(CompressionCodec::kBrotli, "abc", 3, &out);
  EXPECT_EQ(st.code(), StatusCode::kUnsupported);
  EXPECT_NE(st.message().find("BROTLI"), std::string::npos) << st.to_string();
}

TEST(PageCompressionUnsupported, UnknownCodecIsUnsupported) {
  std::string out;
  const util::Status st = decompress_page(static_cast<CompressionCodec>(42), "abc", 3, &out);
  EXPECT_EQ(st.code(), StatusCode::kUnsupported);
  EXPECT_NE(st.message().find("CompressionCodec(42)"), std::string::npos) << st.to_string();
}

TEST(PageCompressionUnsupported, CompressingLzoIsUnsupported) {
  std::string out;
  EXPECT_EQ(compress_page(CompressionCodec::kLzo, "abc", 0, &out).code(), StatusCode::kUnsupported);
  EXPECT_EQ(compress_page(CompressionCodec::kBrotli, "abc", 0, &out).code(),
            StatusCode::kUnsupported);
}

TEST(PageCompressionUnsupported, IsSupportedCodecMatches) {
  for (auto codec : kSupported) EXPECT_TRUE(is_supported_codec(codec)) << codec_name(codec);
  EXPECT_FALSE(is_supported_codec(CompressionCodec::kLzo));
  EXPECT_FALSE(is_supported_codec(CompressionCodec::kBrotli));
  EXPECT_FALSE(is_supported_codec(static_cast<CompressionCodec>(-1)));
}

// ------------------------------------------------------- shared fixtures --

struct PageTally {
  std::map<std::string, int> pages_by_codec;
  std::vector<std::string> failures;
};

// Decompresses every page of every column chunk of `name`.
void decompress_every_page(const std::string& name, PageTally* tally) {
  const std::string file = testing::file_bytes(name);
  auto metadata = read_footer(file, file.size(), name);
  if (!metadata.is_ok()) return;  // the footer tests cover unreadable footers
  for (const auto& row_group : metadata->row_groups) {
    for (const auto& chunk : row_group.columns) {
      if (!chunk.meta_data) continue;
      const ColumnMetaData& meta = *chunk.meta_data;
      int64_t start = meta.data_page_offset;
      if (meta.dictionary_page_offset && *meta.dictionary_page_offset > 0 &&
          *meta.dictionary_page_offset < start) {
        start = *meta.dictionary_page_offset;
      }
      if (start < 0 || meta.total_compressed_size < 0 ||
          static_cast<uint64_t>(start) + static_cast<uint64_t>(meta.total_compressed_size) >
              file.size()) {
        continue;
      }
      const std::string_view pages = std::string_view(file).substr(
          static_cast<size_t>(start), static_cast<size_t>(meta.total_compressed_size));
      size_t pos = 0;
      while (pos < pages.size()) {
        size_t header_size = 0;
        auto header = decode_page_header(pages.substr(pos), &header_size, start + pos);
        if (!header.is_ok() || header->compressed_page_size < 0 ||
            header->uncompressed_page_size < 0 ||
            static_cast<size_t>(header->compressed_page_size) > pages.size() - pos - header_size) {
          tally->failures.push_back(name + ": unreadable page header at " +
                                    std::to_string(start + pos));
          break;
        }
        std::string_view body =
            pages.substr(pos + header_size, static_cast<size_t>(header->compressed_page_size));
        size_t declared = static_cast<size_t>(header->uncompressed_page_size);
        CompressionCodec codec = meta.codec;
        if (header->data_page_header_v2) {
          // Levels precede the values uncompressed; only the values are.
          const auto& v2 = *header->data_page_header_v2;
          const size_t levels = static_cast<size_t>(v2.repetition_levels_byte_length) +
                                static_cast<size_t>(v2.definition_levels_byte_length);
          if (levels > body.size() || levels > declared) {
            tally->failures.push_back(name + ": levels exceed the page");
            break;
          }
          body.remove_prefix(levels);
          declared -= levels;
          if (!v2.is_compressed.value_or(true)) codec = CompressionCodec::kUncompressed;
        }
        std::string out;
        const util::Status st = decompress_page(codec, body, declared, &out);
        if (st.is_ok()) {
          ++tally->pages_by_codec[codec_name(codec)];
        } else {
          tally->failures.push_back(name + ": " + st.to_string());
        }
        pos += header_size + static_cast<size_t>(header->compressed_page_size);
      }
    }
  }
}

// True if the fixture's expected/<name>.jsonl header marks it intentionally
// invalid (a corrupt page header, footer or checksum).
bool is_malformed_fixture(const std::string& name) {
  const std::string expected =
      testing::read_bytes(testing::testdata_dir() / "expected" / (name + ".jsonl"));
  return expected.substr(0, expected.find('\n')).find("\"malformed\":true") != std::string::npos;
}

TEST(PageCompressionFixtures, EveryPageDecompressesToItsDeclaredSize) {
  const auto names = testing::testdata_files();
  ASSERT_FALSE(names.empty()) << "no fixtures under " << testing::testdata_dir();
  PageTally tally;
  for (const auto& name : names) {
    if (is_malformed_fixture(name)) continue;
    decompress_every_page(name, &tally);
  }
  for (const auto& failure : tally.failures) ADD_FAILURE() << failure;
  // The fixtures hold pages of these codecs; each must have been exercised.
  for (const char* codec : {"SNAPPY", "GZIP", "ZSTD", "LZ4_RAW", "UNCOMPRESSED"}) {
    EXPECT_GT(tally.pages_by_codec[codec], 0) << codec;
  }
}

TEST(PageCompressionFixtures, MalformedFixturesEndCleanly) {
  // Whatever is wrong with them, walking their pages must not crash.
  PageTally tally;
  int malformed = 0;
  for (const auto& name : testing::testdata_files()) {
    if (!is_malformed_fixture(name)) continue;
    ++malformed;
    decompress_every_page(name, &tally);
  }
  EXPECT_GT(malformed, 0);
}

TEST(PageCompressionFixtures, Lz4RawFileDecodes) {
  PageTally tally;
  decompress_every_page("lz4_raw_compressed.parquet", &tally);
  EXPECT_TRUE(tally.failures.empty());
  EXPECT_GT(tally.pages_by_codec["LZ4_RAW"], 0);
}

TEST(PageCompressionFixtures, SnappyDataPageV2FileDecodes) {
  PageTally tally;
  decompress_every_page("datapage_v2.snappy.parquet", &tally);
  EXPECT_TRUE(tally.failures.empty());
  EXPECT_GT(tally.pages_by_codec["SNAPPY"], 0);
}

}  // namespace
}  // namespace medallion::parquet
