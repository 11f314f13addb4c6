// BYTE_STREAM_SPLIT: the stream layout, round trips of every width, and short
// pages failing cleanly.
#include "formats/parquet/byte_stream_split.h"

#include <gtest/gtest.h>

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

TEST(ByteStreamSplit, FloatLayout) {
  std::string data;
  encode_byte_stream_split_float(std::vector<float>{1.0f, 2.0f}, &data);
  EXPECT_EQ(data, bytes({0, 0, 0, 0, 0x80, 0, 0x3f, 0x40}));
  std::vector<float> out;
  auto used = decode_byte_stream_split_float(data, 2, &out);
  ASSERT_TRUE(used.is_ok());
  EXPECT_EQ(*used, 8u);
  EXPECT_EQ(out, (std::vector<float>{1.0f, 2.0f}));
}

TEST(ByteStreamSplit, RoundTripTypes) {
  std::mt19937_64 rng(5);
  for (size_t n : {0u, 1u, 3u, 257u}) {
    std::vector<double> d;
    std::vector<int32_t> i32;
    std::vector<int64_t> i64;
    for (size_t i = 0; i < n; ++i) {
      d.push_back(static_cast<double>(static_cast<int64_t>(rng())) / 9.0);
      i32.push_back(static_cast<int32_t>(rng()));
      i64.push_back(static_cast<int64_t>(rng()));
    }
    std::string ed, e32, e64;
    encode_byte_stream_split_double(d, &ed);
    encode_byte_stream_split_int32(i32, &e32);
    encode_byte_stream_split_int64(i64, &e64);
    std::vector<double> od;
    std::vector<int32_t> o32;
    std::vector<int64_t> o64;
    ASSERT_TRUE(decode_byte_stream_split_double(ed, n, &od).is_ok());
    ASSERT_TRUE(decode_byte_stream_split_int32(e32, n, &o32).is_ok());
    ASSERT_TRUE(decode_byte_stream_split_int64(e64, n, &o64).is_ok());
    EXPECT_EQ(od, d);
    EXPECT_EQ(o32, i32);
    EXPECT_EQ(o64, i64);
  }
}

TEST(ByteStreamSplit, FixedLenWidthsRoundTrip) {
  std::mt19937 rng(9);
  for (size_t width = 1; width <= 17; ++width) {
    std::string plain(width * 33, '\0');
    for (char& c : plain) c = static_cast<char>(rng());
    std::string split;
    ASSERT_TRUE(encode_byte_stream_split(plain, width, &split).is_ok());
    ASSERT_EQ(split.size(), plain.size());
    EXPECT_EQ(split[1], plain[width]);  // stream 0 holds byte 0 of each value
    std::string back;
    ASSERT_TRUE(decode_byte_stream_split(split, 33, width, &back).is_ok());
    EXPECT_EQ(back, plain) << "width " << width;
  }
}

TEST(ByteStreamSplit, ShortDataIsCorruption) {
  std::vector<float> out;
  for (size_t cut = 0; cut < 8; ++cut) {
    auto r = decode_byte_stream_split_float(std::string(cut, '\0'), 2, &out);
    ASSERT_FALSE(r.is_ok());
    EXPECT_EQ(r.status().code(), util::StatusCode::kCorruption);
  }
  EXPECT_TRUE(out.empty());
  std::string s;
  EXPECT_FALSE(decode_byte_stream_split("abc", 1, 0, &s).is_ok());
  EXPECT_FALSE(decode_byte_stream_split("abc", SIZE_MAX, 4, &s).is_ok());
}

TEST(ByteStreamSplit, EncoderRejectsPartialValues) {
  std::string out;
  EXPECT_EQ(encode_byte_stream_split("abc", 2, &out).code(), util::StatusCode::kInvalidArgument);
  EXPECT_EQ(encode_byte_stream_split("abc", 0, &out).code(), util::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace medallion::parquet
