// Codec detection and the sequential readers (gzip, zstd, plain), checked
// against files written by the gzip and zstd command-line tools.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "formats/compression/codec.h"
#include "formats/compression/decompressing_reader.h"
#include "memory_file.h"

namespace medallion::compression {
namespace {

using testing::MemoryFile;

std::string big_text() {
  std::string s;
  for (int i = 0; i < 200'000; ++i) s += "line " + std::to_string(i * 7919 % 100'003) + "\n";
  return s;
}

util::Result<std::string> read_all(std::string bytes, Codec* codec = nullptr) {
  MEDALLION_ASSIGN_OR_RETURN(auto reader, open_decompressed(MemoryFile::of(std::move(bytes), 5000)));
  if (codec) *codec = reader->codec();
  std::string out;
  for (;;) {
    MEDALLION_ASSIGN_OR_RETURN(std::string_view chunk, reader->next());
    if (chunk.empty()) return out;
    out.append(chunk);
  }
}

std::string through_tool(const std::string& text, const std::string& tool) {
  // CTest runs tests in parallel processes: names unique per test and call.
  static int calls = 0;
  const std::string stem = ::testing::TempDir() + "/" +
                           ::testing::UnitTest::GetInstance()->current_test_info()->name() + "_" +
                           std::to_string(::getpid()) + "_" + std::to_string(calls++);
  const std::string in = stem + ".in", out = stem + ".out";
  std::ofstream(in, std::ios::binary) << text;
  const std::string cmd = tool + " < " + in + " > " + out;
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::stringstream ss;
  ss << std::ifstream(out, std::ios::binary).rdbuf();
  return ss.str();
}

TEST(CodecTest, DetectsByMagic) {
  EXPECT_EQ(detect_codec("BZh9"), Codec::kBzip2);
  EXPECT_EQ(detect_codec("BZh0"), Codec::kPlain);
  EXPECT_EQ(detect_codec("\x1f\x8b\x08\x00"), Codec::kGzip);
  EXPECT_EQ(detect_codec(std::string("\x28\xb5\x2f\xfd", 4)), Codec::kZstd);
  EXPECT_EQ(detect_codec("{\"a\""), Codec::kPlain);
  EXPECT_EQ(detect_codec(""), Codec::kPlain);
  EXPECT_EQ(detect_codec("BZ"), Codec::kPlain);
}

TEST(DecompressingReaderTest, PlainPassesThrough) {
  Codec codec;
  auto out = read_all(big_text(), &codec);
  ASSERT_TRUE(out.is_ok());
  EXPECT_EQ(*out, big_text());
  EXPECT_EQ(codec, Codec::kPlain);
}

TEST(DecompressingReaderTest, EmptyFileIsEmptyPlainText) {
  auto out = read_all("");
  ASSERT_TRUE(out.is_ok());
  EXPECT_EQ(*out, "");
}

TEST(DecompressingReaderTest, GzipFromTheGzipTool) {
  Codec codec;
  auto out = read_all(through_tool(big_text(), "gzip -c"), &codec);
  ASSERT_TRUE(out.is_ok()) << out.status().message();
  EXPECT_EQ(*out, big_text());
  EXPECT_EQ(codec, Codec::kGzip);
}

TEST(DecompressingReaderTest, ConcatenatedGzipMembers) {
  const std::string gz = through_tool("first\n", "gzip -c") + through_tool("second\n", "gzip -c");
  auto out = read_all(gz);
  ASSERT_TRUE(out.is_ok()) << out.status().message();
  EXPECT_EQ(*out, "first\nsecond\n");
}

TEST(DecompressingReaderTest, TruncatedGzipIsAnError) {
  std::string gz = through_tool(big_text(), "gzip -c");
  gz.resize(gz.size() / 2);
  auto out = read_all(gz);
  ASSERT_FALSE(out.is_ok());
  EXPECT_NE(out.status().message().find("truncated"), std::string::npos) << out.status().message();
}

TEST(DecompressingReaderTest, ZstdFromTheZstdTool) {
  Codec codec;
  auto out = read_all(through_tool(big_text(), "zstd -q -c"), &codec);
  ASSERT_TRUE(out.is_ok()) << out.status().message();
  EXPECT_EQ(*out, big_text());
  EXPECT_EQ(codec, Codec::kZstd);
}

TEST(DecompressingReaderTest, TruncatedZstdIsAnError) {
  std::string zst = through_tool(big_text(), "zstd -q -c");
  zst.resize(zst.size() / 2);
  auto out = read_all(zst);
  ASSERT_FALSE(out.is_ok());
  EXPECT_EQ(out.status().code(), util::StatusCode::kCorruption);
}

TEST(DecompressingReaderTest, CorruptZstdIsAnError) {
  std::string zst = through_tool(big_text(), "zstd -q -c");
  for (size_t i = 20; i < zst.size(); i += 97) zst[i] = static_cast<char>(zst[i] ^ 0x5a);
  EXPECT_FALSE(read_all(zst).is_ok());
}

}  // namespace
}  // namespace medallion::compression
