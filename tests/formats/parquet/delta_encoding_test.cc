// The delta encodings: the spec's worked examples as bytes, round trips of
// random data (including wrapping INT64 deltas), and every way hostile bytes
// must fail cleanly without large allocations.
#include "formats/parquet/delta_encoding.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <string>
#include <vector>

namespace medallion::parquet {
namespace {

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int v : b) s.push_back(static_cast<char>(v));
  return s;
}

template <typename T>
std::vector<T> decode_ok(std::string_view data, size_t* consumed = nullptr) {
  std::vector<T> out;
  util::Result<size_t> r = [&] {
    if constexpr (sizeof(T) == 4) {
      return decode_delta_binary_packed_int32(data, SIZE_MAX, &out);
    } else {
      return decode_delta_binary_packed_int64(data, SIZE_MAX, &out);
    }
  }();
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  if (r.is_ok() && consumed != nullptr) *consumed = *r;
  return out;
}

// Encodings.md example 1, written with a valid block size (128, 4 miniblocks)
// instead of the spec's illustrative 8.
const std::string kExample1 = bytes({0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00});
// Example 2: deltas -2 -2 -2 1 1 1 1 → min delta -2, relative 0 0 0 3 3 3 3 on 2 bits, the
// miniblock padded to 32 values (8 bytes).
const std::string kExample2 = bytes({0x80, 0x01, 0x04, 0x08, 0x0e, 0x03, 0x02, 0x00, 0x00, 0x00,
                                     0xc0, 0x3f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00});

TEST(DeltaBinaryPacked, SpecExample1Encodes) {
  std::string out;
  encode_delta_binary_packed_int32(std::vector<int32_t>{1, 2, 3, 4, 5}, &out);
  EXPECT_EQ(out, kExample1);
  EXPECT_EQ(decode_ok<int32_t>(kExample1), (std::vector<int32_t>{1, 2, 3, 4, 5}));
}

TEST(DeltaBinaryPacked, SpecExample2Encodes) {
  const std::vector<int64_t> values{7, 5, 3, 1, 2, 3, 4, 5};
  std::string out;
  encode_delta_binary_packed_int64(values, &out);
  EXPECT_EQ(out, kExample2);
  size_t consumed = 0;
  EXPECT_EQ(decode_ok<int64_t>(kExample2 + "tail", &consumed), values);
  EXPECT_EQ(consumed, kExample2.size());
}

TEST(DeltaBinaryPacked, SpecBlockSizeEightIsRejected) {
  // The spec's examples use block size 8 for brevity; real data must use a multiple of 128.
  std::vector<int32_t> out;
  auto r = decode_delta_binary_packed_int32(bytes({0x08, 0x01, 0x05, 0x02, 0x02, 0x00}), 10, &out);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kCorruption);
}

TEST(DeltaBinaryPacked, EmptyInput) {
  std::string out;
  encode_delta_binary_packed_int32({}, &out);
  EXPECT_EQ(out, bytes({0x80, 0x01, 0x04, 0x00, 0x00}));
  size_t consumed = 0;
  EXPECT_TRUE(decode_ok<int32_t>(out, &consumed).empty());
  EXPECT_EQ(consumed, out.size());
}

TEST(DeltaBinaryPacked, SingleValueIsHeaderOnly) {
  std::string out;
  encode_delta_binary_packed_int64(std::vector<int64_t>{-3}, &out);
  EXPECT_EQ(out, bytes({0x80, 0x01, 0x04, 0x01, 0x05}));
  EXPECT_EQ(decode_ok<int64_t>(out), std::vector<int64_t>{-3});
}

TEST(DeltaBinaryPacked, Int64ExtremesWrap) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const std::vector<int64_t> values{kMax, kMin, kMax, 0, kMin, -1, kMax, kMax, kMin};
  std::string out;
  encode_delta_binary_packed_int64(values, &out);
  EXPECT_EQ(decode_ok<int64_t>(out), values);
  // The first miniblock needs all 64 bits.
  EXPECT_EQ(static_cast<uint8_t>(out[out.size() - 8 * 32 - 4]), 64);
}

TEST(DeltaBinaryPacked, Int32ExtremesWrap) {
  constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
  constexpr int32_t kMax = std::numeric_limits<int32_t>::max();
  const std::vector<int32_t> values{kMax, kMin, kMax, 0, kMin, -1, kMin, kMax};
  std::string out;
  encode_delta_binary_packed_int32(values, &out);
  EXPECT_EQ(decode_ok<int32_t>(out), values);
}

TEST(DeltaBinaryPacked, ConstantValuesUseBitWidthZero) {
  const std::vector<int32_t> values(1000, 77);
  std::string out;
  encode_delta_binary_packed_int32(values, &out);
  // header 7 bytes (1000 and zigzag 77 take two each), then 8 blocks of min delta 0 + 4 widths.
  EXPECT_EQ(out.size(), 7u + 8u * 5u);
  EXPECT_EQ(decode_ok<int32_t>(out), values);
}

TEST(DeltaBinaryPacked, RandomRoundTripsOfEveryBitWidth) {
  std::mt19937_64 rng(1234);
  for (int width = 0; width <= 64; ++width) {
    const uint64_t mask = width == 0 ? 0 : (width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1);
    for (size_t n : {2u, 129u, 300u, 1025u}) {
      std::vector<int64_t> v64;
      int64_t x = static_cast<int64_t>(rng());
      for (size_t i = 0; i < n; ++i) {
        v64.push_back(x);
        x = static_cast<int64_t>(static_cast<uint64_t>(x) + (rng() & mask));
      }
      std::string out;
      encode_delta_binary_packed_int64(v64, &out);
      size_t consumed = 0;
      EXPECT_EQ(decode_ok<int64_t>(out, &consumed), v64) << "width " << width << " n " << n;
      EXPECT_EQ(consumed, out.size());
      if (width <= 32) {
        std::vector<int32_t> v32;
        for (int64_t v : v64) v32.push_back(static_cast<int32_t>(v));
        std::string out32;
        encode_delta_binary_packed_int32(v32, &out32);
        EXPECT_EQ(decode_ok<int32_t>(out32), v32) << "width " << width << " n " << n;
      }
    }
  }
}

TEST(DeltaBinaryPacked, TruncatedAtEveryByteFailsCleanly) {
  std::mt19937 rng(8);
  std::vector<int32_t> values;
  for (int i = 0; i < 300; ++i) values.push_back(static_cast<int32_t>(rng() % 1000));
  std::string data;
  encode_delta_binary_packed_int32(values, &data);
  for (size_t cut = 0; cut < data.size(); ++cut) {
    std::vector<int32_t> out;
    auto r = decode_delta_binary_packed_int32(std::string_view(data).substr(0, cut), 300, &out);
    ASSERT_FALSE(r.is_ok()) << "cut at " << cut;
    EXPECT_EQ(r.status().code(), util::StatusCode::kCorruption);
  }
}

TEST(DeltaBinaryPacked, AbsurdValueCountIsRejectedBeforeAllocating) {
  // total_count 2^62 with nothing after the header.
  std::vector<int64_t> out;
  auto r = decode_delta_binary_packed_int64(
      bytes({0x80, 0x01, 0x04, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40, 0x00}),
      SIZE_MAX, &out);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(out.capacity(), 0u);
  // More values than the page holds.
  auto r2 = decode_delta_binary_packed_int64(kExample2, 7, &out);
  ASSERT_FALSE(r2.is_ok());
  EXPECT_NE(r2.status().message().find("exceeds the page's 7 values"), std::string::npos);
}

TEST(DeltaBinaryPacked, BadBlockHeadersAreCorruption) {
  std::vector<int32_t> out;
  for (const std::string& data : {
           bytes({0x00, 0x04, 0x02, 0x00}),                    // block size 0
           bytes({0x81, 0x01, 0x04, 0x02, 0x00}),              // block size 129
           bytes({0x80, 0x80, 0x80, 0x80, 0x10, 0x04, 0x02}),  // block size 2^32
           bytes({0x80, 0x01, 0x00, 0x02, 0x00}),              // 0 miniblocks
           bytes({0x80, 0x01, 0x08, 0x02, 0x00}),              // miniblocks of 16
           bytes({0x80, 0x01, 0x04, 0x02, 0x80, 0x80, 0x80, 0x80, 0x10}),  // first value 2^31
           bytes({0x80, 0x01, 0x04, 0x02, 0x00, 0x00, 0x21, 0, 0, 0}),    // bit width 33
           bytes({0x80, 0x01, 0x04, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                  0xff, 0x01}),  // varint longer than 10 bytes
       }) {
    auto r = decode_delta_binary_packed_int32(data, 100, &out);
    ASSERT_FALSE(r.is_ok());
    EXPECT_EQ(r.status().code(), util::StatusCode::kCorruption);
    EXPECT_EQ(r.status().message().rfind("parquet: DELTA_BINARY_PACKED", 0), 0u)
        << r.status().message();
  }
  std::vector<int64_t> out64;
  EXPECT_FALSE(decode_delta_binary_packed_int64(bytes({0x80, 0x01, 0x04, 0x02, 0x00, 0x00, 0x41,
                                                       0, 0, 0}),
                                                100, &out64)
                   .is_ok());
}

TEST(DeltaBinaryPacked, UnusedMiniblockWidthsAreIgnored) {
  // Example 1 with garbage widths for the three unused miniblocks.
  std::string data = kExample1;
  data[7] = static_cast<char>(0xff);
  data[8] = 0x40;
  data[9] = 0x21;
  EXPECT_EQ(decode_ok<int32_t>(data), (std::vector<int32_t>{1, 2, 3, 4, 5}));
}

TEST(DeltaLengthByteArray, SpecExample) {
  const std::vector<std::string_view> values{"Hello", "World", "Foobar", "ABCDEF"};
  std::string data;
  ASSERT_TRUE(encode_delta_length_byte_array(values, &data).is_ok());
  EXPECT_EQ(data.substr(data.size() - 22), "HelloWorldFoobarABCDEF");
  std::vector<int32_t> lengths;
  ASSERT_TRUE(decode_delta_binary_packed_int32(data, 4, &lengths).is_ok());
  EXPECT_EQ(lengths, (std::vector<int32_t>{5, 5, 6, 6}));
  std::vector<std::string_view> out;
  const std::string with_tail = data + "x";
  auto used = decode_delta_length_byte_array(with_tail, 4, &out);
  ASSERT_TRUE(used.is_ok()) << used.status().message();
  EXPECT_EQ(*used, data.size());
  EXPECT_EQ(out, values);
}

TEST(DeltaLengthByteArray, EmptyAndRandomRoundTrips) {
  std::mt19937 rng(21);
  for (size_t n : {0u, 1u, 200u}) {
    std::vector<std::string> s;
    for (size_t i = 0; i < n; ++i) s.push_back(std::string(rng() % 40, static_cast<char>(rng())));
    std::vector<std::string_view> sv(s.begin(), s.end());
    std::string data;
    ASSERT_TRUE(encode_delta_length_byte_array(sv, &data).is_ok());
    std::vector<std::string_view> out;
    ASSERT_TRUE(decode_delta_length_byte_array(data, n, &out).is_ok());
    EXPECT_EQ(out, sv);
  }
}

TEST(DeltaLengthByteArray, NegativeOrOversizedLengthsAreCorruption) {
  std::vector<std::string_view> out;
  std::string data;
  encode_delta_binary_packed_int32(std::vector<int32_t>{3, -1}, &data);
  data += "abcdef";
  EXPECT_EQ(decode_delta_length_byte_array(data, 2, &out).status().code(),
            util::StatusCode::kCorruption);
  data.clear();
  encode_delta_binary_packed_int32(std::vector<int32_t>{3, 4}, &data);
  data += "abcdef";
  EXPECT_EQ(decode_delta_length_byte_array(data, 2, &out).status().code(),
            util::StatusCode::kCorruption);
}

TEST(DeltaLengthByteArray, TruncatedAtEveryByteFailsCleanly) {
  const std::vector<std::string_view> values{"alpha", "", "gamma", "delta"};
  std::string data;
  ASSERT_TRUE(encode_delta_length_byte_array(values, &data).is_ok());
  for (size_t cut = 0; cut < data.size(); ++cut) {
    std::vector<std::string_view> out;
    EXPECT_FALSE(decode_delta_length_byte_array(std::string_view(data).substr(0, cut), 4, &out)
                     .is_ok())
        << "cut at " << cut;
  }
}

TEST(DeltaByteArray, SpecExample) {
  const std::vector<std::string_view> values{"axis", "axle", "babble", "babyhood"};
  std::string data;
  ASSERT_TRUE(encode_delta_byte_array(values, &data).is_ok());
  std::vector<int32_t> prefixes;
  auto p = decode_delta_binary_packed_int32(data, 4, &prefixes);
  ASSERT_TRUE(p.is_ok());
  EXPECT_EQ(prefixes, (std::vector<int32_t>{0, 2, 0, 3}));
  std::vector<std::string_view> suffixes;
  ASSERT_TRUE(decode_delta_length_byte_array(std::string_view(data).substr(*p), 4, &suffixes).is_ok());
  EXPECT_EQ(suffixes, (std::vector<std::string_view>{"axis", "le", "babble", "yhood"}));
  ByteArrays out;
  auto used = decode_delta_byte_array(data, 4, &out);
  ASSERT_TRUE(used.is_ok()) << used.status().message();
  EXPECT_EQ(*used, data.size());
  ASSERT_EQ(out.size(), 4u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(out.value(i), values[i]);
}

TEST(DeltaByteArray, RandomRoundTrip) {
  std::mt19937 rng(99);
  std::vector<std::string> s;
  std::string cur;
  for (int i = 0; i < 500; ++i) {
    cur.resize(rng() % (cur.size() + 1));
    cur += std::string(rng() % 6, static_cast<char>('a' + rng() % 3));
    s.push_back(cur);
  }
  std::vector<std::string_view> sv(s.begin(), s.end());
  std::string data;
  ASSERT_TRUE(encode_delta_byte_array(sv, &data).is_ok());
  ByteArrays out;
  ASSERT_TRUE(decode_delta_byte_array(data, sv.size(), &out).is_ok());
  ASSERT_EQ(out.size(), sv.size());
  for (size_t i = 0; i < sv.size(); ++i) EXPECT_EQ(out.value(i), sv[i]);
}

TEST(DeltaByteArray, PrefixLongerThanPreviousIsCorruption) {
  std::string data;
  encode_delta_binary_packed_int32(std::vector<int32_t>{0, 3}, &data);
  ASSERT_TRUE(encode_delta_length_byte_array(std::vector<std::string_view>{"ab", "c"}, &data).is_ok());
  ByteArrays out;
  auto r = decode_delta_byte_array(data, 2, &out);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("prefix length 3"), std::string::npos);
}

TEST(DeltaByteArray, CountMismatchIsCorruption) {
  std::string data;
  encode_delta_binary_packed_int32(std::vector<int32_t>{0, 0}, &data);
  ASSERT_TRUE(encode_delta_length_byte_array(std::vector<std::string_view>{"ab"}, &data).is_ok());
  ByteArrays out;
  EXPECT_EQ(decode_delta_byte_array(data, 2, &out).status().code(), util::StatusCode::kCorruption);
}

TEST(DeltaByteArray, ExpansionBeyondLimitIsCorruption) {
  // One 100-byte value repeated by prefix 1000 times expands to 100 kB.
  std::vector<int32_t> prefixes(1000, 100);
  prefixes[0] = 0;
  std::vector<std::string_view> suffixes(1000, "");
  const std::string first(100, 'z');
  suffixes[0] = first;
  std::string data;
  encode_delta_binary_packed_int32(prefixes, &data);
  ASSERT_TRUE(encode_delta_length_byte_array(suffixes, &data).is_ok());
  ByteArrays out;
  EXPECT_TRUE(decode_delta_byte_array(data, 1000, &out).is_ok());
  ByteArrays limited;
  EXPECT_EQ(decode_delta_byte_array(data, 1000, &limited, 0, 50000).status().code(),
            util::StatusCode::kCorruption);
}

TEST(DeltaByteArray, TruncatedAtEveryByteFailsCleanly) {
  const std::vector<std::string_view> values{"axis", "axle", "babble", "babyhood"};
  std::string data;
  ASSERT_TRUE(encode_delta_byte_array(values, &data).is_ok());
  for (size_t cut = 0; cut < data.size(); ++cut) {
    ByteArrays out;
    EXPECT_FALSE(decode_delta_byte_array(std::string_view(data).substr(0, cut), 4, &out).is_ok())
        << "cut at " << cut;
  }
}

}  // namespace
}  // namespace medallion::parquet
