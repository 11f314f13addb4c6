// The RLE / bit-packed hybrid: the spec's byte examples, round trips of every
// bit width, and every way hostile bytes must fail cleanly.
#include "formats/parquet/rle_hybrid.h"

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

std::vector<uint32_t> decode_all(std::string_view data, int width, size_t count) {
  auto dec = RleHybridDecoder::make(data, width);
  EXPECT_TRUE(dec.is_ok()) << dec.status().message();
  std::vector<uint32_t> out(count);
  const util::Status st = dec->decode(out.data(), count);
  EXPECT_TRUE(st.is_ok()) << st.message();
  return out;
}

std::string encode(const std::vector<uint32_t>& values, int width) {
  RleHybridEncoder enc(width);
  enc.put(values);
  return enc.finish();
}

TEST(RleHybrid, SpecBitPackedExampleEncodes) {
  // Encodings.md: 0..7 at bit width 3 pack to 10001000 11000110 11111010.
  const std::vector<uint32_t> values{0, 1, 2, 3, 4, 5, 6, 7};
  EXPECT_EQ(encode(values, 3), bytes({0x03, 0x88, 0xc6, 0xfa}));
}

TEST(RleHybrid, SpecBitPackedExampleDecodes) {
  EXPECT_EQ(decode_all(bytes({0x03, 0x88, 0xc6, 0xfa}), 3, 8),
            (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST(RleHybrid, RleRunEncodes) {
  const std::vector<uint32_t> values(100, 5);
  EXPECT_EQ(encode(values, 3), bytes({0xc8, 0x01, 0x05}));
  EXPECT_EQ(decode_all(bytes({0xc8, 0x01, 0x05}), 3, 100), values);
}

TEST(RleHybrid, RleValueTakesWholeBytes) {
  const std::vector<uint32_t> values(8, 0x12345);
  EXPECT_EQ(encode(values, 17), bytes({0x10, 0x45, 0x23, 0x01}));
  EXPECT_EQ(decode_all(bytes({0x10, 0x45, 0x23, 0x01}), 17, 8), values);
}

TEST(RleHybrid, ShortRepeatsStayBitPacked) {
  // 7 repeats are below the RLE threshold: one bit-packed group.
  const std::vector<uint32_t> values{1, 1, 1, 1, 1, 1, 1, 0};
  EXPECT_EQ(encode(values, 1), bytes({0x03, 0x7f}));
}

TEST(RleHybrid, LengthPrefix) {
  RleHybridEncoder enc(1);
  for (int i = 0; i < 10; ++i) enc.put(1);
  const std::string data = enc.finish_with_length_prefix() + "trailing";
  EXPECT_EQ(data.substr(0, 6), bytes({0x02, 0, 0, 0, 0x14, 0x01}));
  size_t consumed = 0;
  auto dec = RleHybridDecoder::make_with_length_prefix(data, 1, 0, &consumed);
  ASSERT_TRUE(dec.is_ok()) << dec.status().message();
  EXPECT_EQ(consumed, 6u);
  std::vector<int32_t> out(10);
  ASSERT_TRUE(dec->decode(out.data(), out.size()).is_ok());
  EXPECT_EQ(out, std::vector<int32_t>(10, 1));
}

TEST(RleHybrid, LengthPrefixLongerThanDataIsCorruption) {
  size_t consumed = 0;
  const std::string data1 = bytes({0x05, 0, 0, 0, 0x02, 0x01});
  auto dec = RleHybridDecoder::make_with_length_prefix(data1, 1, 0,
                                                       &consumed);
  ASSERT_FALSE(dec.is_ok());
  EXPECT_EQ(dec.status().code(), util::StatusCode::kCorruption);
  const std::string data2 = bytes({0x01, 0});
  EXPECT_FALSE(RleHybridDecoder::make_with_length_prefix(data2, 1, 0, &consumed).is_ok());
}

TEST(RleHybrid, EmptyInputDecodesZeroValues) {
  EXPECT_EQ(encode({}, 5), "");
  auto dec = RleHybridDecoder::make("", 5);
  ASSERT_TRUE(dec.is_ok());
  EXPECT_TRUE(dec->decode(static_cast<uint32_t*>(nullptr), 0).is_ok());
  uint32_t v = 0;
  EXPECT_EQ(dec->decode(&v, 1).code(), util::StatusCode::kCorruption);
}

TEST(RleHybrid, SingleValue) {
  const std::string data = encode({6}, 3);
  EXPECT_EQ(data, bytes({0x03, 0x06, 0x00, 0x00}));
  EXPECT_EQ(decode_all(data, 3, 1), std::vector<uint32_t>{6});
}

TEST(RleHybrid, BitWidthZero) {
  const std::vector<uint32_t> values(1000, 0);
  const std::string data = encode(values, 0);
  EXPECT_EQ(data, bytes({0xd0, 0x0f}));
  EXPECT_EQ(decode_all(data, 0, 1000), values);
  // A bit-packed run at width 0 takes no bytes.
  EXPECT_EQ(decode_all(bytes({0x05}), 0, 16), std::vector<uint32_t>(16, 0));
}

TEST(RleHybrid, BitWidthAbove32IsCorruption) {
  auto dec = RleHybridDecoder::make("\x02\x01", 33);
  ASSERT_FALSE(dec.is_ok());
  EXPECT_EQ(dec.status().code(), util::StatusCode::kCorruption);
  EXPECT_FALSE(RleHybridDecoder::make("", -1).is_ok());
}

TEST(RleHybrid, RoundTripEveryBitWidth) {
  std::mt19937_64 rng(42);
  for (int width = 0; width <= 32; ++width) {
    const uint64_t mask = width == 0 ? 0 : (uint64_t{1} << width) - 1;
    std::vector<uint32_t> values;
    for (int i = 0; i < 2000; ++i) {
      const uint32_t v = static_cast<uint32_t>(rng() & mask);
      // Mix literals and runs of random length.
      const int repeat = (rng() % 4 == 0) ? static_cast<int>(rng() % 40) + 1 : 1;
      for (int k = 0; k < repeat; ++k) values.push_back(v);
    }
    const std::string data = encode(values, width);
    EXPECT_EQ(decode_all(data, width, values.size()), values) << "width " << width;
    // Decoding in uneven pieces gives the same values.
    auto dec = RleHybridDecoder::make(data, width);
    ASSERT_TRUE(dec.is_ok());
    std::vector<uint32_t> pieces(values.size());
    size_t at = 0;
    while (at < values.size()) {
      const size_t n = std::min<size_t>(values.size() - at, rng() % 50 + 1);
      ASSERT_TRUE(dec->decode(pieces.data() + at, n).is_ok());
      at += n;
    }
    EXPECT_EQ(pieces, values) << "width " << width;
    EXPECT_EQ(dec->position(), data.size());
  }
}

TEST(RleHybrid, RunsAfterUnevenLiteralsRoundTrip) {
  // 3 literals then a long run: the encoder completes the group from the run.
  std::vector<uint32_t> values{1, 2, 3};
  values.insert(values.end(), 20, 7);
  const std::string data = encode(values, 3);
  // One bit-packed group (3 literals + 5 of the run) then an RLE run of 15.
  EXPECT_EQ(data.size(), 1u + 3u + 2u);
  EXPECT_EQ(decode_all(data, 3, values.size()), values);
}

TEST(RleHybrid, ZeroLengthRleRunIsCorruption) {
  const std::string data3 = bytes({0x00, 0x01});
  auto dec = RleHybridDecoder::make(data3, 1);
  ASSERT_TRUE(dec.is_ok());
  uint32_t v = 0;
  const util::Status st = dec->decode(&v, 1);
  EXPECT_EQ(st.code(), util::StatusCode::kCorruption);
  EXPECT_NE(st.message().find("offset 0"), std::string::npos) << st.message();
}

TEST(RleHybrid, ZeroGroupBitPackedRunIsCorruption) {
  const std::string data4 = bytes({0x01});
  auto dec = RleHybridDecoder::make(data4, 1);
  ASSERT_TRUE(dec.is_ok());
  uint32_t v = 0;
  EXPECT_EQ(dec->decode(&v, 1).code(), util::StatusCode::kCorruption);
}

TEST(RleHybrid, AbsurdRunLengthIsCorruption) {
  // count = 2^31 (header 2^32) exceeds the spec's limit.
  const std::string data5 = bytes({0x80, 0x80, 0x80, 0x80, 0x10, 0x01});
  auto dec = RleHybridDecoder::make(data5, 1);
  ASSERT_TRUE(dec.is_ok());
  uint32_t v = 0;
  EXPECT_EQ(dec->decode(&v, 1).code(), util::StatusCode::kCorruption);
  // A header varint longer than 5 bytes.
  const std::string data6 = bytes({0x82, 0x80, 0x80, 0x80, 0x80, 0x00, 0x01});
  auto dec2 = RleHybridDecoder::make(data6, 1);
  ASSERT_TRUE(dec2.is_ok());
  EXPECT_EQ(dec2->decode(&v, 1).code(), util::StatusCode::kCorruption);
}

TEST(RleHybrid, BitPackedGroupsBeyondDataAreCorruption) {
  // 2 groups at width 3 need 6 bytes; 3 remain.
  const std::string data7 = bytes({0x05, 0x88, 0xc6, 0xfa});
  auto dec = RleHybridDecoder::make(data7, 3);
  ASSERT_TRUE(dec.is_ok());
  uint32_t v = 0;
  const util::Status st = dec->decode(&v, 1);
  EXPECT_EQ(st.code(), util::StatusCode::kCorruption);
  EXPECT_NE(st.message().find("parquet: "), std::string::npos);
}

TEST(RleHybrid, RleValueWiderThanBitWidthIsCorruption) {
  const std::string data8 = bytes({0x10, 0x09});
  auto dec = RleHybridDecoder::make(data8, 3);
  ASSERT_TRUE(dec.is_ok());
  uint32_t v = 0;
  EXPECT_EQ(dec->decode(&v, 1).code(), util::StatusCode::kCorruption);
}

TEST(RleHybrid, TruncatedAtEveryByteFailsCleanly) {
  std::mt19937 rng(7);
  std::vector<uint32_t> values;
  for (int i = 0; i < 300; ++i) values.push_back(i % 50 < 20 ? 9 : rng() % 600);
  const std::string data = encode(values, 10);
  for (size_t cut = 0; cut < data.size(); ++cut) {
    auto dec = RleHybridDecoder::make(std::string_view(data).substr(0, cut), 10);
    ASSERT_TRUE(dec.is_ok());
    std::vector<uint32_t> out(values.size());
    EXPECT_EQ(dec->decode(out.data(), out.size()).code(), util::StatusCode::kCorruption)
        << "cut at " << cut;
  }
}

TEST(RleHybrid, BitWidthFor) {
  EXPECT_EQ(bit_width_for(0), 0);
  EXPECT_EQ(bit_width_for(1), 1);
  EXPECT_EQ(bit_width_for(7), 3);
  EXPECT_EQ(bit_width_for(8), 4);
  EXPECT_EQ(bit_width_for(~uint64_t{0}), 64);
}

TEST(RleHybrid, BitPackingOf64BitValuesRoundTrips) {
  std::mt19937_64 rng(3);
  for (int width = 0; width <= 64; ++width) {
    std::vector<uint64_t> values(37);
    for (auto& v : values) v = width == 0 ? 0 : (width == 64 ? rng() : rng() & ((uint64_t{1} << width) - 1));
    std::string packed;
    append_bit_packed(values, width, &packed);
    ASSERT_EQ(packed.size(), (values.size() * width + 7) / 8);
    for (size_t i = 0; i < values.size(); ++i) {
      EXPECT_EQ(read_bit_packed(reinterpret_cast<const uint8_t*>(packed.data()), i, width),
                values[i]);
    }
  }
}

}  // namespace
}  // namespace medallion::parquet
