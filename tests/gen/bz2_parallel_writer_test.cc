// Bz2ParallelWriter: round trips through libbz2's own decompressor (which
// must handle the concatenated streams) and through the system `bzip2 -dc`
// as an independent peer; the bytes must not depend on how the input was
// split or on the pool's size.
#include "formats/compression/bz2_parallel_writer.h"

#include <bzlib.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace medallion::compression {
namespace {

class StringFile final : public util::WritableFile {
 public:
  util::Status append(std::string_view data) override {
    if (fail_appends) return util::Status::io_error("test: append refused (memory): as asked");
    data_.append(data);
    return util::Status::ok();
  }
  util::Status sync() override { return util::Status::ok(); }
  util::Status close() override { return util::Status::ok(); }
  const std::string& path() const override { return path_; }
  const std::string& data() const { return data_; }
  bool fail_appends = false;

 private:
  std::string data_;
  std::string path_ = "memory.bz2";
};

// Decompresses a concatenation of bzip2 streams with libbz2; counts streams.
bool bz2_decompress_all(const std::string& in, std::string* out, int* streams) {
  out->clear();
  *streams = 0;
  size_t pos = 0;
  char buf[1 << 16];
  while (pos < in.size()) {
    bz_stream s{};
    if (BZ2_bzDecompressInit(&s, 0, 0) != BZ_OK) return false;
    s.next_in = const_cast<char*>(in.data() + pos);
    s.avail_in = static_cast<unsigned>(in.size() - pos);
    int rc = BZ_OK;
    while (rc == BZ_OK) {
      s.next_out = buf;
      s.avail_out = sizeof buf;
      rc = BZ2_bzDecompress(&s);
      out->append(buf, sizeof buf - s.avail_out);
      if (rc == BZ_OK && s.avail_in == 0 && s.avail_out != 0) rc = BZ_UNEXPECTED_EOF;
    }
    pos = in.size() - s.avail_in;
    BZ2_bzDecompressEnd(&s);
    if (rc != BZ_STREAM_END) return false;
    ++*streams;
  }
  return true;
}

// Text like the generator's: JSON-ish lines with random hex.
std::string sample_text(size_t bytes, uint64_t seed) {
  std::string out;
  uint64_t x = seed;
  while (out.size() < bytes) {
    out.append("{\"player_id\": \"");
    for (int i = 0; i < 32; ++i) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      out.push_back("0123456789abcdef"[(x >> 60) & 15]);
    }
    out.append("\", \"event\": \"start\"}\n");
  }
  out.resize(bytes);
  return out;
}

std::string compress(const std::string& input, size_t threads, size_t step, int level = 9) {
  StringFile file;
  util::ThreadPool pool(threads);
  Bz2ParallelWriter writer(file, pool, level);
  for (size_t pos = 0; pos < input.size(); pos += step) {
    EXPECT_TRUE(writer.append(std::string_view(input).substr(pos, step)).is_ok());
  }
  EXPECT_TRUE(writer.finish().is_ok());
  EXPECT_EQ(writer.bytes_in(), input.size());
  EXPECT_EQ(writer.bytes_out(), file.data().size());
  return file.data();
}

TEST(Bz2ParallelWriter, RoundTripsThroughLibbz2AcrossManyStreams) {
  const std::string input = sample_text(2'000'000, 7);
  const std::string packed = compress(input, 3, 65536);
  std::string unpacked;
  int streams = 0;
  ASSERT_TRUE(bz2_decompress_all(packed, &unpacked, &streams));
  EXPECT_EQ(unpacked, input);
  // One stream per piece of 891,000 bytes.
  EXPECT_EQ(streams, 3);
  EXPECT_EQ(packed.substr(0, 4), "BZh9");
}

TEST(Bz2ParallelWriter, EachPieceIsOneBlock) {
  const std::string input = sample_text(500'000, 3);
  const std::string packed = compress(input, 2, 1 << 20, 2);  // pieces of 198,000 bytes
  // A block starts with the 48-bit magic 0x314159265359 (π), not byte-aligned
  // after the first; count them bit by bit.
  int blocks = 0;
  const uint64_t magic = 0x314159265359ULL;
  uint64_t window = 0;
  for (size_t i = 0; i < packed.size() * 8; ++i) {
    const int bit = (static_cast<unsigned char>(packed[i / 8]) >> (7 - i % 8)) & 1;
    window = ((window << 1) | static_cast<uint64_t>(bit)) & 0xffffffffffffULL;
    if (i >= 47 && window == magic) ++blocks;
  }
  EXPECT_EQ(blocks, 3);
}

TEST(Bz2ParallelWriter, BytesDoNotDependOnSplitOrPoolSize) {
  const std::string input = sample_text(700'000, 11);
  const int level = 2;  // pieces of 198,000 bytes: four of them
  const std::string a = compress(input, 1, 300'000, level);
  EXPECT_EQ(compress(input, 4, 777, level), a);
  EXPECT_EQ(compress(input, 2, 198'000, level), a);
  EXPECT_EQ(compress(input, 3, input.size(), level), a);
}

TEST(Bz2ParallelWriter, EmptyInputIsOneEmptyStream) {
  const std::string packed = compress("", 2, 1);
  std::string unpacked = "x";
  int streams = 0;
  ASSERT_TRUE(bz2_decompress_all(packed, &unpacked, &streams));
  EXPECT_EQ(streams, 1);
  EXPECT_EQ(unpacked, "");
}

TEST(Bz2ParallelWriter, LevelSetsBlockSize) {
  const std::string input = sample_text(250'000, 5);
  const std::string packed = compress(input, 2, 4096, 1);
  EXPECT_EQ(packed.substr(0, 4), "BZh1");
  std::string unpacked;
  int streams = 0;
  ASSERT_TRUE(bz2_decompress_all(packed, &unpacked, &streams));
  EXPECT_EQ(unpacked, input);
  EXPECT_EQ(streams, 3);  // pieces of 99,000 bytes
}

TEST(Bz2ParallelWriter, FileErrorIsReturnedAndSticky) {
  StringFile file;
  file.fail_appends = true;
  util::ThreadPool pool(2);
  Bz2ParallelWriter writer(file, pool);
  const std::string input = sample_text(200'000, 9);
  EXPECT_TRUE(writer.append(input).is_ok());  // still buffered
  const util::Status st = writer.finish();
  EXPECT_EQ(st.code(), util::StatusCode::kIOError);
  EXPECT_EQ(writer.append("more").code(), util::StatusCode::kIOError);
  EXPECT_EQ(writer.finish().code(), util::StatusCode::kIOError);
}

// The system bzip2 is an independent implementation of the reading side.
TEST(Bz2ParallelWriter, SystemBzip2DecodesOutput) {
  if (std::system("command -v bzip2 >/dev/null 2>&1") != 0) GTEST_SKIP() << "no bzip2 on PATH";
  const std::string input = sample_text(1'000'000, 13);
  const std::string packed = compress(input, 3, 100'000);
  const std::string dir = ::testing::TempDir();
  const std::string bz = dir + "/bz2_writer_peer_" + std::to_string(::getpid()) + ".bz2";
  const std::string txt = bz + ".out";
  {
    std::ofstream f(bz, std::ios::binary);
    f.write(packed.data(), static_cast<std::streamsize>(packed.size()));
  }
  ASSERT_EQ(std::system(("bzip2 -t '" + bz + "'").c_str()), 0);
  ASSERT_EQ(std::system(("bzip2 -dc '" + bz + "' > '" + txt + "'").c_str()), 0);
  std::ifstream f(txt, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  EXPECT_EQ(ss.str(), input);
  std::remove(bz.c_str());
  std::remove(txt.c_str());
}

}  // namespace
}  // namespace medallion::compression
