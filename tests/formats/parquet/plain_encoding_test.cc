// PLAIN: byte layouts of each physical type, round trips of random values,
// and truncated or lying pages failing cleanly.
#include "formats/parquet/plain_encoding.h"

#include <gtest/gtest.h>

#include <cstring>
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

TEST(PlainEncoding, BooleanLayoutIsLsbFirst) {
  const std::vector<uint8_t> values{1, 0, 1, 1, 0, 0, 0, 0, 1, 1};
  std::string data;
  encode_plain_boolean(values, &data);
  EXPECT_EQ(data, bytes({0x0d, 0x03}));
  std::vector<uint8_t> out;
  auto used = decode_plain_boolean(data, values.size(), &out);
  ASSERT_TRUE(used.is_ok());
  EXPECT_EQ(*used, 2u);
  EXPECT_EQ(out, values);
}

TEST(PlainEncoding, Int32Layout) {
  const std::vector<int32_t> values{1, -2};
  std::string data;
  encode_plain_int32(values, &data);
  EXPECT_EQ(data, bytes({1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff}));
  std::vector<int32_t> out;
  ASSERT_TRUE(decode_plain_int32(data, 2, &out).is_ok());
  EXPECT_EQ(out, values);
}

TEST(PlainEncoding, ByteArrayLayout) {
  const std::vector<std::string_view> values{"ab", "", "xyz"};
  std::string data;
  ASSERT_TRUE(encode_plain_byte_array(values, &data).is_ok());
  EXPECT_EQ(data, bytes({2, 0, 0, 0, 'a', 'b', 0, 0, 0, 0, 3, 0, 0, 0, 'x', 'y', 'z'}));
  std::vector<std::string_view> views;
  auto used = decode_plain_byte_array_views(data, 3, &views);
  ASSERT_TRUE(used.is_ok());
  EXPECT_EQ(*used, data.size());
  EXPECT_EQ(views, values);
  ByteArrays arrays;
  ASSERT_TRUE(decode_plain_byte_array(data, 3, &arrays).is_ok());
  ASSERT_EQ(arrays.size(), 3u);
  EXPECT_EQ(arrays.offsets, (std::vector<uint64_t>{0, 2, 2, 5}));
  EXPECT_EQ(arrays.value(2), "xyz");
}

TEST(PlainEncoding, ByteArraysAppendAllKeepsEveryValue) {
  ByteArrays a;
  a.append("one");
  a.append("");
  ByteArrays b;
  b.append("two");
  b.append("three");
  a.append_all(b);
  a.append_all(ByteArrays{});
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a.value(0), "one");
  EXPECT_EQ(a.value(1), "");
  EXPECT_EQ(a.value(2), "two");
  EXPECT_EQ(a.value(3), "three");
  // A source whose offsets start past 0 (a slice) appends only its values.
  ByteArrays slice;
  slice.data = "xxab";
  slice.offsets = {2, 3, 4};
  a.append_all(slice);
  ASSERT_EQ(a.size(), 6u);
  EXPECT_EQ(a.value(4), "a");
  EXPECT_EQ(a.value(5), "b");
  EXPECT_EQ(a.data, "onetwothreeab");
}

TEST(PlainEncoding, FixedLenByteArray) {
  const std::vector<std::string_view> values{"abc", "def"};
  std::string data;
  ASSERT_TRUE(encode_plain_fixed_len_byte_array(values, 3, &data).is_ok());
  EXPECT_EQ(data, "abcdef");
  std::vector<std::string_view> views;
  ASSERT_TRUE(decode_plain_fixed_len_byte_array_views(data, 2, 3, &views).is_ok());
  EXPECT_EQ(views, values);
  ByteArrays arrays;
  ASSERT_TRUE(decode_plain_fixed_len_byte_array(data, 2, 3, &arrays).is_ok());
  EXPECT_EQ(arrays.value(1), "def");
  EXPECT_EQ(encode_plain_fixed_len_byte_array(std::vector<std::string_view>{"ab"}, 3, &data).code(),
            util::StatusCode::kInvalidArgument);
  EXPECT_EQ(decode_plain_fixed_len_byte_array_views(data, 1, 0, &views).status().code(),
            util::StatusCode::kCorruption);
}

TEST(PlainEncoding, Int96IsTwelveBytes) {
  Int96 v;
  for (int i = 0; i < 12; ++i) v.bytes[i] = static_cast<uint8_t>(i + 1);
  std::string data;
  encode_plain_int96(std::vector<Int96>{v, v}, &data);
  ASSERT_EQ(data.size(), 24u);
  EXPECT_EQ(data[11], 12);
  std::vector<Int96> out;
  auto used = decode_plain_int96(data, 2, &out);
  ASSERT_TRUE(used.is_ok());
  EXPECT_EQ(*used, 24u);
  EXPECT_EQ(out, (std::vector<Int96>{v, v}));
}

TEST(PlainEncoding, RandomRoundTripsOfEveryType) {
  std::mt19937_64 rng(11);
  for (size_t n : {0u, 1u, 7u, 8u, 9u, 1000u}) {
    std::vector<uint8_t> b;
    std::vector<int32_t> i32;
    std::vector<int64_t> i64;
    std::vector<float> f;
    std::vector<double> d;
    std::vector<std::string> s;
    for (size_t i = 0; i < n; ++i) {
      b.push_back(rng() & 1);
      i32.push_back(static_cast<int32_t>(rng()));
      i64.push_back(static_cast<int64_t>(rng()));
      f.push_back(static_cast<float>(static_cast<int64_t>(rng() % 100000) - 50000) / 7.0f);
      d.push_back(static_cast<double>(static_cast<int64_t>(rng())) / 3.0);
      s.push_back(std::string(rng() % 20, static_cast<char>('a' + rng() % 26)));
    }
    std::vector<std::string_view> sv(s.begin(), s.end());
    std::string eb, e32, e64, ef, ed, es;
    encode_plain_boolean(b, &eb);
    encode_plain_int32(i32, &e32);
    encode_plain_int64(i64, &e64);
    encode_plain_float(f, &ef);
    encode_plain_double(d, &ed);
    ASSERT_TRUE(encode_plain_byte_array(sv, &es).is_ok());
    std::vector<uint8_t> ob;
    std::vector<int32_t> o32;
    std::vector<int64_t> o64;
    std::vector<float> of;
    std::vector<double> od;
    std::vector<std::string_view> os;
    EXPECT_EQ(*decode_plain_boolean(eb, n, &ob), eb.size());
    EXPECT_EQ(*decode_plain_int32(e32, n, &o32), e32.size());
    EXPECT_EQ(*decode_plain_int64(e64, n, &o64), e64.size());
    EXPECT_EQ(*decode_plain_float(ef, n, &of), ef.size());
    EXPECT_EQ(*decode_plain_double(ed, n, &od), ed.size());
    EXPECT_EQ(*decode_plain_byte_array_views(es, n, &os), es.size());
    EXPECT_EQ(ob, b);
    EXPECT_EQ(o32, i32);
    EXPECT_EQ(o64, i64);
    EXPECT_EQ(of, f);
    EXPECT_EQ(od, d);
    EXPECT_EQ(os, sv);
  }
}

TEST(PlainEncoding, DecodersAppend) {
  std::vector<int64_t> out{42};
  std::string data;
  encode_plain_int64(std::vector<int64_t>{std::numeric_limits<int64_t>::min()}, &data);
  ASSERT_TRUE(decode_plain_int64(data, 1, &out).is_ok());
  EXPECT_EQ(out, (std::vector<int64_t>{42, std::numeric_limits<int64_t>::min()}));
}

TEST(PlainEncoding, TooFewBytesIsCorruption) {
  std::vector<int32_t> i32;
  auto r = decode_plain_int32(bytes({1, 0, 0}), 1, &i32, 100);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("offset 100"), std::string::npos);
  std::vector<uint8_t> b;
  EXPECT_FALSE(decode_plain_boolean(bytes({0xff}), 9, &b).is_ok());
  std::vector<double> d;
  EXPECT_FALSE(decode_plain_double("", 1, &d).is_ok());
}

TEST(PlainEncoding, AbsurdCountAllocatesNothing) {
  std::vector<int64_t> out;
  EXPECT_FALSE(decode_plain_int64("12345678", SIZE_MAX, &out).is_ok());
  EXPECT_EQ(out.capacity(), 0u);
  std::vector<std::string_view> views;
  EXPECT_FALSE(decode_plain_byte_array_views("1234", SIZE_MAX / 2, &views).is_ok());
  EXPECT_EQ(views.capacity(), 0u);
}

TEST(PlainEncoding, ByteArrayLengthBeyondDataIsCorruption) {
  std::vector<std::string_view> views;
  auto r = decode_plain_byte_array_views(bytes({0xff, 0xff, 0xff, 0x7f, 'a'}), 1, &views);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kCorruption);
}

TEST(PlainEncoding, ByteArrayTruncatedAtEveryByteFailsCleanly) {
  const std::vector<std::string_view> values{"hello", "", "parquet", "x"};
  std::string data;
  ASSERT_TRUE(encode_plain_byte_array(values, &data).is_ok());
  for (size_t cut = 0; cut < data.size(); ++cut) {
    std::vector<std::string_view> views;
    EXPECT_FALSE(decode_plain_byte_array_views(std::string_view(data).substr(0, cut), 4, &views)
                     .is_ok())
        << "cut at " << cut;
    ByteArrays arrays;
    EXPECT_FALSE(decode_plain_byte_array(std::string_view(data).substr(0, cut), 4, &arrays).is_ok());
  }
}

}  // namespace
}  // namespace medallion::parquet
