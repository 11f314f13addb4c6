#include "delta/roaring_bitmap.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace medallion::delta {
namespace {

using Rows = std::vector<uint64_t>;

// Little-endian byte builders for hand-made bitmaps.
void u16(std::string& s, uint32_t v) {
  s.push_back(static_cast<char>(v & 0xFF));
  s.push_back(static_cast<char>((v >> 8) & 0xFF));
}
void u32(std::string& s, uint32_t v) {
  u16(s, v & 0xFFFF);
  u16(s, v >> 16);
}
void u64(std::string& s, uint64_t v) {
  u32(s, static_cast<uint32_t>(v));
  u32(s, static_cast<uint32_t>(v >> 32));
}
void u32be(std::string& s, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) s.push_back(static_cast<char>((v >> shift) & 0xFF));
}

// Portable envelope with one bucket (key) around a 32-bit bitmap.
std::string one_bucket(const std::string& bitmap32, uint32_t key = 0) {
  std::string s;
  u32(s, kRoaringBitmapArrayPortableMagic);
  u64(s, 1);
  u32(s, key);
  return s + bitmap32;
}

// A 32-bit bitmap with cookie 12346 and one array container.
std::string array_bitmap(uint16_t key, const std::vector<uint16_t>& values) {
  std::string s;
  u32(s, kRoaringCookieNoRunContainers);
  u32(s, 1);
  u16(s, key);
  u16(s, static_cast<uint32_t>(values.size() - 1));
  u32(s, 16);
  for (const uint16_t v : values) u16(s, v);
  return s;
}

// The bitmap of basic-dv-no-checkpoint's deletion vector file (rows 0 and 1),
// as Delta Spark wrote it: bytes 5..40 of the golden .bin file.
std::string spark_bitmap_rows_0_1() {
  const unsigned char bytes[] = {0xd1, 0xd3, 0x39, 0x64, 0x01, 0x00, 0x00, 0x00, 0x00,
                                 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3a, 0x30,
                                 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
                                 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00};
  return std::string(reinterpret_cast<const char*>(bytes), sizeof(bytes));
}

Rows decode_ok(const std::string& bytes, uint64_t max_rows = kNoRowLimit) {
  auto rows = decode_roaring_bitmap_array(bytes, max_rows);
  EXPECT_TRUE(rows.is_ok()) << rows.status().message();
  return rows.is_ok() ? *rows : Rows{};
}

void expect_corrupt(const std::string& bytes, std::string_view needle) {
  auto rows = decode_roaring_bitmap_array(bytes);
  ASSERT_FALSE(rows.is_ok());
  EXPECT_EQ(rows.status().code(), util::StatusCode::kCorruption) << rows.status().message();
  EXPECT_NE(rows.status().message().find(needle), std::string::npos) << rows.status().message();
  EXPECT_EQ(rows.status().message().rfind("delta: ", 0), 0u) << rows.status().message();
}

TEST(RoaringBitmapArray, DecodesSparkWrittenBitmap) {
  EXPECT_EQ(decode_ok(spark_bitmap_rows_0_1()), (Rows{0, 1}));
}

TEST(RoaringBitmapArray, EncoderWritesSparkBytes) {
  EXPECT_EQ(encode_roaring_bitmap_array({0, 1}), spark_bitmap_rows_0_1());
}

TEST(RoaringBitmapArray, EmptyRoundTrips) {
  const std::string bytes = encode_roaring_bitmap_array({});
  EXPECT_EQ(bytes.size(), 12u);
  EXPECT_EQ(decode_ok(bytes), Rows{});
}

TEST(RoaringBitmapArray, ArrayContainersAcrossBucketsRoundTrip) {
  const Rows rows = {0, 7, 65535, 65536, 70000, (uint64_t{1} << 32) - 1, uint64_t{1} << 32,
                     (uint64_t{5} << 32) + 123456, (uint64_t{0x7FFFFFFF} << 32) | 0xFFFFFFFF};
  EXPECT_EQ(decode_ok(encode_roaring_bitmap_array(rows)), rows);
}

TEST(RoaringBitmapArray, BitmapContainerRoundTrips) {
  Rows rows;
  for (uint64_t v = 0; v < 5000; ++v) rows.push_back(v * 13 % 65536 + (uint64_t{3} << 16));
  std::sort(rows.begin(), rows.end());
  const std::string bytes = encode_roaring_bitmap_array(rows);
  // magic, count, key, cookie, size, one header, one offset, 8 KiB of bitmap.
  EXPECT_EQ(bytes.size(), 4u + 8 + 4 + 4 + 4 + 4 + 4 + 8192);
  EXPECT_EQ(decode_ok(bytes), rows);
}

TEST(RoaringBitmapArray, ArrayBitmapBoundaryAt4096RoundTrips) {
  for (const uint64_t n : {4096u, 4097u}) {
    Rows rows;
    for (uint64_t v = 0; v < n; ++v) rows.push_back(v * 2);
    const std::string bytes = encode_roaring_bitmap_array(rows);
    EXPECT_EQ(bytes.size(), 32u + (n <= 4096 ? n * 2 : 8192)) << n;
    EXPECT_EQ(decode_ok(bytes), rows) << n;
  }
}

TEST(RoaringBitmapArray, FullBitmapContainerRoundTrips) {
  Rows rows;
  for (uint64_t v = 0; v < 65536; ++v) rows.push_back(v);
  EXPECT_EQ(decode_ok(encode_roaring_bitmap_array(rows)), rows);
}

TEST(RoaringBitmapArray, EncoderSortsAndDeduplicates) {
  EXPECT_EQ(decode_ok(encode_roaring_bitmap_array({9, 3, 3, 1 + (uint64_t{1} << 32), 0})),
            (Rows{0, 3, 9, 1 + (uint64_t{1} << 32)}));
}

TEST(RoaringBitmapArray, RunContainerWithRunCookie) {
  std::string b;
  u32(b, kRoaringCookieWithRunContainers);  // (1 - 1) << 16: one container
  b.push_back(0x01);                        // container 0 is a run container
  u16(b, 2);                                // key
  u16(b, 9);                                // 10 values
  u16(b, 2);                                // 2 runs
  u16(b, 5), u16(b, 4);                     // 5..9
  u16(b, 100), u16(b, 4);                   // 100..104
  const uint64_t base = uint64_t{7} << 32 | 2 << 16;
  EXPECT_EQ(decode_ok(one_bucket(b, 7)), (Rows{base + 5, base + 6, base + 7, base + 8, base + 9,
                                               base + 100, base + 101, base + 102, base + 103,
                                               base + 104}));
}

TEST(RoaringBitmapArray, RunCookieWithArrayContainerAndNoOffsets) {
  std::string b;
  u32(b, kRoaringCookieWithRunContainers | (1u << 16));  // two containers
  b.push_back(0x02);                                     // only container 1 runs
  u16(b, 0), u16(b, 1);                                  // key 0: 2 values
  u16(b, 1), u16(b, 2);                                  // key 1: 3 values
  u16(b, 3), u16(b, 8);                                  // array 3, 8
  u16(b, 1), u16(b, 65533), u16(b, 2);                   // run 65533..65535
  EXPECT_EQ(decode_ok(one_bucket(b)), (Rows{3, 8, 65536 + 65533, 65536 + 65534, 65536 + 65535}));
}

TEST(RoaringBitmapArray, RunCookieWithFourContainersSkipsOffsets) {
  std::string b;
  u32(b, kRoaringCookieWithRunContainers | (3u << 16));  // four containers
  b.push_back(0x05);                                     // containers 0 and 2 run
  for (uint32_t key = 0; key < 4; ++key) u16(b, key), u16(b, 0);
  for (uint32_t i = 0; i < 4; ++i) u32(b, 0xDEADBEEF);  // offsets: ignored
  u16(b, 1), u16(b, 10), u16(b, 0);                      // run: 10
  u16(b, 11);                                            // array: 11
  u16(b, 1), u16(b, 12), u16(b, 0);                      // run: 12
  u16(b, 13);                                            // array: 13
  EXPECT_EQ(decode_ok(one_bucket(b)), (Rows{10, 65536 + 11, 2 * 65536 + 12, 3 * 65536 + 13}));
}

TEST(RoaringBitmapArray, NativeLittleEndianFormat) {
  std::string s;
  u32(s, kRoaringBitmapArrayNativeMagic);
  u32(s, 2);
  const std::string first = array_bitmap(0, {4});
  const std::string second = array_bitmap(1, {5, 6});
  u32(s, static_cast<uint32_t>(first.size()));
  s += first;
  u32(s, static_cast<uint32_t>(second.size()));
  s += second;
  EXPECT_EQ(decode_ok(s), (Rows{4, (uint64_t{1} << 32) + 65536 + 5, (uint64_t{1} << 32) + 65536 + 6}));
}

TEST(RoaringBitmapArray, NativeBigEndianFormat) {
  std::string s;
  u32be(s, kRoaringBitmapArrayNativeMagic);
  u32be(s, 1);
  const std::string bitmap = array_bitmap(0, {3, 4, 7});
  u32be(s, static_cast<uint32_t>(bitmap.size()));
  s += bitmap;
  EXPECT_EQ(decode_ok(s), (Rows{3, 4, 7}));
}

TEST(RoaringBitmapArray, NativeBitmapSizeMismatch) {
  std::string s;
  u32(s, kRoaringBitmapArrayNativeMagic);
  u32(s, 1);
  const std::string bitmap = array_bitmap(0, {3});
  u32(s, static_cast<uint32_t>(bitmap.size() + 2));
  s += bitmap + "xx";
  expect_corrupt(s, "trail bitmap 0");
}

TEST(RoaringBitmapArray, NativeNegativeCount) {
  std::string s;
  u32(s, kRoaringBitmapArrayNativeMagic);
  u32(s, 0x80000000u);
  expect_corrupt(s, "bitmaps cannot fit");
}

TEST(RoaringBitmapArray, WrongMagicIsUnsupported) {
  std::string bytes = spark_bitmap_rows_0_1();
  bytes[0] = 'X';
  auto rows = decode_roaring_bitmap_array(bytes);
  ASSERT_FALSE(rows.is_ok());
  EXPECT_EQ(rows.status().code(), util::StatusCode::kUnsupported);
  EXPECT_NE(rows.status().message().find("magic number"), std::string::npos);
}

TEST(RoaringBitmapArray, EveryTruncationFails) {
  const std::string bytes = encode_roaring_bitmap_array({1, 2, 70000, uint64_t{3} << 32});
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(decode_roaring_bitmap_array(bytes.substr(0, n)).is_ok()) << n;
  }
}

TEST(RoaringBitmapArray, TrailingBytesFail) {
  expect_corrupt(spark_bitmap_rows_0_1() + std::string(1, '\0'), "trail the bitmap");
}

TEST(RoaringBitmapArray, HugeContainerCountFailsWithoutAllocating) {
  std::string b;
  u32(b, kRoaringCookieNoRunContainers);
  u32(b, 0x80000000u);
  const std::string bytes = one_bucket(b);
  ASSERT_EQ(bytes.size(), 24u);
  expect_corrupt(bytes, "containers, more than 65536");
}

TEST(RoaringBitmapArray, ContainerHeaderLargerThanInputFails) {
  std::string b;
  u32(b, kRoaringCookieNoRunContainers);
  u32(b, 65536);
  expect_corrupt(one_bucket(b), "the header of 65536 containers needs 262144 bytes");
}

TEST(RoaringBitmapArray, HugeBucketCountFailsWithoutAllocating) {
  std::string s;
  u32(s, kRoaringBitmapArrayPortableMagic);
  u64(s, uint64_t{1} << 62);
  u64(s, 0);
  expect_corrupt(s, "buckets cannot fit");
}

TEST(RoaringBitmapArray, NegativeBucketCountFails) {
  std::string s;
  u32(s, kRoaringBitmapArrayPortableMagic);
  u64(s, ~uint64_t{0});
  expect_corrupt(s, "buckets cannot fit");
}

TEST(RoaringBitmapArray, BucketKeyWithSignBitFails) {
  expect_corrupt(one_bucket(array_bitmap(0, {1}), 0x80000000u), "most significant bit");
}

TEST(RoaringBitmapArray, BucketKeysMustAscend) {
  std::string s;
  u32(s, kRoaringBitmapArrayPortableMagic);
  u64(s, 2);
  u32(s, 4);
  s += array_bitmap(0, {1});
  u32(s, 4);
  s += array_bitmap(0, {2});
  expect_corrupt(s, "bucket key 4 does not ascend");
}

TEST(RoaringBitmapArray, ContainerKeysMustAscend) {
  std::string b;
  u32(b, kRoaringCookieNoRunContainers);
  u32(b, 2);
  u16(b, 5), u16(b, 0);
  u16(b, 5), u16(b, 0);
  u32(b, 24), u32(b, 26);
  u16(b, 1), u16(b, 2);
  expect_corrupt(one_bucket(b), "container key 5 does not ascend");
}

TEST(RoaringBitmapArray, ArrayValuesMustAscend) {
  expect_corrupt(one_bucket(array_bitmap(0, {4, 4})), "array value 4 does not ascend");
}

TEST(RoaringBitmapArray, UnknownCookieFails) {
  std::string b;
  u32(b, 12345);
  u32(b, 0);
  expect_corrupt(one_bucket(b), "unknown Roaring cookie 12345");
}

TEST(RoaringBitmapArray, BitmapCardinalityMismatchFails) {
  std::string b;
  u32(b, kRoaringCookieNoRunContainers);
  u32(b, 1);
  u16(b, 0), u16(b, 4096);  // claims 4097 values: a bitmap container
  u32(b, 16);
  b += std::string(8192, '\0');
  b[16] = 1;  // holds one
  expect_corrupt(one_bucket(b), "bitmap container holds 1 values, its header says 4097");
}

TEST(RoaringBitmapArray, RunCardinalityMismatchFails) {
  std::string b;
  u32(b, kRoaringCookieWithRunContainers);
  b.push_back(0x01);
  u16(b, 0), u16(b, 0);  // claims 1 value
  u16(b, 1), u16(b, 0), u16(b, 1);  // run of 2
  expect_corrupt(one_bucket(b), "run container holds 2 values, its header says 1");
}

TEST(RoaringBitmapArray, RunPastContainerEndFails) {
  std::string b;
  u32(b, kRoaringCookieWithRunContainers);
  b.push_back(0x01);
  u16(b, 0), u16(b, 1);
  u16(b, 1), u16(b, 65535), u16(b, 1);  // 65535..65536
  expect_corrupt(one_bucket(b), "leaves its container");
}

TEST(RoaringBitmapArray, OverlappingRunsFail) {
  std::string b;
  u32(b, kRoaringCookieWithRunContainers);
  b.push_back(0x01);
  u16(b, 0), u16(b, 5);
  u16(b, 2), u16(b, 0), u16(b, 2), u16(b, 2), u16(b, 2);  // 0..2 and 2..4
  expect_corrupt(one_bucket(b), "overlaps");
}

TEST(RoaringBitmapArray, RowLimitStopsHugeRunsBeforeMaterializing) {
  // 4 bytes of runs per container, 65536 values each: 2^32 rows in ~650 KB.
  std::string b;
  u32(b, kRoaringCookieWithRunContainers | (0xFFFFu << 16));
  b += std::string(8192, '\xFF');
  for (uint32_t key = 0; key < 65536; ++key) u16(b, key), u16(b, 65535);
  for (uint32_t key = 0; key < 65536; ++key) u32(b, 0);
  for (uint32_t key = 0; key < 65536; ++key) u16(b, 1), u16(b, 0), u16(b, 65535);
  auto rows = decode_roaring_bitmap_array(one_bucket(b), 100000);
  ASSERT_FALSE(rows.is_ok());
  EXPECT_NE(rows.status().message().find("more than the 100000 rows expected"), std::string::npos)
      << rows.status().message();
  // Within the limit the same shape decodes.
  std::string one;
  u32(one, kRoaringCookieWithRunContainers);
  one.push_back(0x01);
  u16(one, 0), u16(one, 65535);
  u16(one, 1), u16(one, 0), u16(one, 65535);
  EXPECT_EQ(decode_ok(one_bucket(one), 65536).size(), 65536u);
  EXPECT_FALSE(decode_roaring_bitmap_array(one_bucket(one), 65535).is_ok());
}

TEST(RoaringBitmapArray, FlippedBytesNeverCrash) {
  Rows rows = {1, 2, 3, 70000, uint64_t{2} << 32};
  for (uint64_t v = 0; v < 5000; ++v) rows.push_back((uint64_t{9} << 16) + v * 3);
  std::sort(rows.begin(), rows.end());
  const std::string bytes = encode_roaring_bitmap_array(rows);
  for (size_t i = 0; i < bytes.size(); i += (i < 64 ? 1 : 97)) {
    for (const unsigned char mask : {0x01, 0x80, 0xFF}) {
      std::string copy = bytes;
      copy[i] = static_cast<char>(copy[i] ^ mask);
      auto decoded = decode_roaring_bitmap_array(copy);
      if (decoded.is_ok()) {
        EXPECT_TRUE(std::is_sorted(decoded->begin(), decoded->end()));
        EXPECT_TRUE(std::adjacent_find(decoded->begin(), decoded->end()) == decoded->end());
      }
    }
  }
}

}  // namespace
}  // namespace medallion::delta
