// The reader's fast paths: PLAIN byte arrays copied in blocks into one
// buffer, dictionary strings gathered by offsets, bit-packed runs decoded
// without per-value bound checks, pages decompressed into a reused buffer,
// and flat nullable columns spread to their slots. Each must give exactly
// what the plain per-value code gave, at every length and boundary.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "formats/parquet/page_compression.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_writer.h"
#include "formats/parquet/plain_encoding.h"
#include "formats/parquet/rle_hybrid.h"
#include "schema_builders.h"
#include "util/in_memory_file_system.h"

namespace medallion::parquet {
namespace {

// Lengths around the 64-byte block copy and the page's end.
std::vector<std::string> strings_of_lengths(const std::vector<size_t>& lengths) {
  std::vector<std::string> out;
  for (size_t i = 0; i < lengths.size(); ++i) {
    std::string s(lengths[i], ' ');
    for (size_t k = 0; k < s.size(); ++k) s[k] = static_cast<char>('a' + (i * 7 + k) % 26);
    out.push_back(s);
  }
  return out;
}

std::string plain_page(const std::vector<std::string>& values) {
  std::vector<std::string_view> views(values.begin(), values.end());
  std::string page;
  EXPECT_TRUE(encode_plain_byte_array(views, &page).is_ok());
  return page;
}

TEST(ReadFastPaths, PlainByteArraysOfEveryLengthAroundTheBlockSize) {
  const auto values = strings_of_lengths({0, 1, 31, 32, 33, 63, 64, 65, 200, 5, 64, 0, 3});
  const std::string page = plain_page(values);
  ByteArrays out;
  out.append("before");  // decoding appends after what is there
  auto used = decode_plain_byte_array(page, values.size(), &out);
  ASSERT_TRUE(used.is_ok()) << used.status().message();
  EXPECT_EQ(*used, page.size());
  ASSERT_EQ(out.size(), values.size() + 1);
  EXPECT_EQ(out.value(0), "before");
  for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(out.value(i + 1), values[i]) << i;
  EXPECT_EQ(out.data.size(), out.offsets.back());
}

TEST(ReadFastPaths, PlainByteArrayEndingTheBufferIsCopiedExactly) {
  // The last value has fewer than 64 bytes after it: no block copy may read
  // past the page (ASan checks the exact-size heap copy).
  const std::string page = plain_page({"xyz"});
  const std::string exact(page);  // heap storage of exactly this size
  ByteArrays out;
  ASSERT_TRUE(decode_plain_byte_array(exact, 1, &out).is_ok());
  EXPECT_EQ(out.value(0), "xyz");
  EXPECT_EQ(out.data, "xyz");
}

TEST(ReadFastPaths, PlainByteArrayFailureLeavesTheOutputAsItWas) {
  std::string page = plain_page(strings_of_lengths({10, 20, 30}));
  page.resize(page.size() - 1);  // the last value is one byte short
  ByteArrays out;
  out.append("kept");
  auto used = decode_plain_byte_array(page, 3, &out);
  ASSERT_FALSE(used.is_ok());
  EXPECT_NE(used.status().message().find("value 2 of 3 has length 30"), std::string::npos)
      << used.status().message();
  EXPECT_EQ(out.size(), 1u);
  EXPECT_EQ(out.data, "kept");
}

TEST(ReadFastPaths, PlainByteArrayMissingLengthFailsCleanly) {
  std::string page = plain_page(strings_of_lengths({4, 4}));
  page.resize(page.size() - 6);  // the second value's length is cut to 2 bytes
  ByteArrays out;
  auto used = decode_plain_byte_array(page, 2, &out);
  ASSERT_FALSE(used.is_ok());
  // The first value already cannot leave 4 bytes for the second's length.
  EXPECT_NE(used.status().message().find("value 0 of 2 has length 4, but 6 bytes remain for it "
                                         "and the lengths of the 1 values after it"),
            std::string::npos)
      << used.status().message();
  EXPECT_EQ(out.size(), 0u);
}

TEST(ReadFastPaths, PlainByteArrayValueEatingLaterLengthsFailsBeforeCopying) {
  // Found by parquet_encoding_fuzz: 20 values are promised, the first one's
  // length covers the page, so the later values have no lengths. The value
  // fits in what is left of the page, but not in the output sized for 20
  // values; it must be refused before it is copied (ASan checks the copy).
  std::string page = plain_page({std::string(100, 'v')});
  page.append(4, '\0');
  ByteArrays out;
  auto used = decode_plain_byte_array(page, 20, &out);
  ASSERT_FALSE(used.is_ok());
  EXPECT_NE(used.status().message().find("value 0 of 20 has length 100"), std::string::npos)
      << used.status().message();
  EXPECT_EQ(out.size(), 0u);
}

std::string encode_rle(const std::vector<uint32_t>& values, int width) {
  RleHybridEncoder enc(width);
  enc.put(values);
  return enc.finish();
}

TEST(ReadFastPaths, BitPackedRunsDecodeInPiecesAtEveryWidth) {
  std::mt19937 rng(7);
  for (int width = 1; width <= 32; ++width) {
    const uint64_t limit = width == 32 ? 0xffffffffu : (uint64_t{1} << width) - 1;
    std::vector<uint32_t> values(203);  // not a multiple of 8: padded last group
    for (uint32_t& v : values) v = static_cast<uint32_t>(rng() % (limit + 1));
    const std::string data = encode_rle(values, width);
    auto dec = RleHybridDecoder::make(data, width);
    ASSERT_TRUE(dec.is_ok());
    std::vector<uint32_t> out(values.size());
    // Pieces of 1..13 values start and stop anywhere in a run, including
    // within its last 8 bytes.
    size_t done = 0;
    for (size_t piece = 1; done < values.size(); piece = piece % 13 + 1) {
      const size_t n = std::min(piece, values.size() - done);
      ASSERT_TRUE(dec->decode(out.data() + done, n).is_ok()) << width;
      done += n;
    }
    EXPECT_EQ(out, values) << "width " << width;
  }
}

TEST(ReadFastPaths, LevelsDecodeStraightToInt16) {
  std::vector<uint32_t> values;
  for (int i = 0; i < 100; ++i) values.push_back(3);  // an RLE run
  for (int i = 0; i < 45; ++i) values.push_back(static_cast<uint32_t>(i % 4));  // bit-packed
  const std::string data = encode_rle(values, 2);
  auto dec = RleHybridDecoder::make(data, 2);
  ASSERT_TRUE(dec.is_ok());
  std::vector<int16_t> out(values.size());
  ASSERT_TRUE(dec->decode(out.data(), out.size()).is_ok());
  for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(out[i], static_cast<int16_t>(values[i])) << i;
}

TEST(ReadFastPaths, BitPackedRunOfWidthZeroIsZeros) {
  const std::string data("\x03", 1);  // one group of 8 values, 0 bytes each
  auto dec = RleHybridDecoder::make(data, 0);
  ASSERT_TRUE(dec.is_ok());
  std::vector<uint32_t> out(8, 99);
  ASSERT_TRUE(dec->decode(out.data(), out.size()).is_ok());
  EXPECT_EQ(out, std::vector<uint32_t>(8, 0));
}

TEST(ReadFastPaths, DecompressIntoAReusedBufferMatchesDecompressPage) {
  PageBuffer buffer;
  for (size_t size : {size_t{5000}, size_t{100}, size_t{20000}, size_t{0}}) {
    std::string input(size, ' ');
    for (size_t i = 0; i < size; ++i) input[i] = static_cast<char>('a' + (i * i) % 7);
    std::string packed;
    ASSERT_TRUE(compress_page(CompressionCodec::kSnappy, input, 0, &packed).is_ok());
    ASSERT_TRUE(decompress_page_into(CompressionCodec::kSnappy, packed, size, &buffer).is_ok());
    EXPECT_EQ(std::string_view(buffer.data(), size), input) << size;
  }
}

TEST(ReadFastPaths, DecompressIntoRejectsAWrongDeclaredSize) {
  PageBuffer buffer;
  std::string packed;
  ASSERT_TRUE(compress_page(CompressionCodec::kSnappy, "hello hello hello", 0, &packed).is_ok());
  const util::Status st = decompress_page_into(CompressionCodec::kSnappy, packed, 1000, &buffer);
  ASSERT_FALSE(st.is_ok());
  EXPECT_EQ(st.code(), util::StatusCode::kCorruption);
  EXPECT_NE(st.message().find("declares 1000"), std::string::npos) << st.message();
}

// A file with two optional string columns, values shorter and longer than
// the 64-byte block with nulls between them (a few repeated words, and
// unique long strings), read back value for value; dictionary-encoded or
// PLAIN.
void read_back_nullable_strings(bool dictionary) {
  using testing::string_leaf;
  util::InMemoryFileSystem fs;
  std::vector<SchemaElement> schema{testing::root(2),
                                    string_leaf("word", FieldRepetitionType::kOptional),
                                    string_leaf("long", FieldRepetitionType::kOptional)};
  WriterOptions options;
  options.dictionary = dictionary;
  options.row_group_rows = 700;  // several row groups
  auto writer = ParquetWriter::open(fs, "/f.parquet", schema, options);
  ASSERT_TRUE(writer.is_ok()) << writer.status().message();
  const auto words = strings_of_lengths({0, 1, 2, 63, 64, 65, 130, 7});
  const size_t rows = 2000;
  RowBatch batch;
  batch.num_rows = rows;
  batch.fields = {0, 1};
  for (int f = 0; f < 2; ++f) {
    ValueArray a;
    a.kind = ValueKind::kLeaf;
    a.length = rows;
    a.values = LeafValues(Type::kByteArray);
    batch.columns.push_back(std::move(a));
  }
  std::vector<std::optional<std::string>> expect_word, expect_long;
  for (size_t r = 0; r < rows; ++r) {
    ValueArray& w = batch.columns[0];
    if (r % 3 == 1) {
      w.validity.push_back(0);
      w.values.append_zero();
      expect_word.push_back(std::nullopt);
    } else {
      w.validity.push_back(1);
      w.values.bytes.append(words[r % words.size()]);
      expect_word.push_back(words[r % words.size()]);
    }
    ValueArray& l = batch.columns[1];
    if (r % 5 == 0) {
      l.validity.push_back(0);
      l.values.append_zero();
      expect_long.push_back(std::nullopt);
    } else {
      std::string s(40 + r % 90, static_cast<char>('A' + r % 26));
      s += std::to_string(r);  // unique: the dictionary falls back to PLAIN or stays large
      l.validity.push_back(1);
      l.values.bytes.append(s);
      expect_long.push_back(s);
    }
  }
  ASSERT_TRUE((*writer)->write(batch).is_ok());
  ASSERT_TRUE((*writer)->close().is_ok());

  auto reader = ParquetReader::open(fs, "/f.parquet");
  ASSERT_TRUE(reader.is_ok()) << reader.status().message();
  ASSERT_GT((*reader)->num_row_groups(), 1u);
  size_t row = 0;
  for (size_t g = 0; g < (*reader)->num_row_groups(); ++g) {
    auto got = (*reader)->read_row_group(g, (*reader)->all_fields());
    ASSERT_TRUE(got.is_ok()) << got.status().message();
    for (size_t r = 0; r < got->num_rows; ++r, ++row) {
      const ValueArray& w = got->columns[0];
      const ValueArray& l = got->columns[1];
      ASSERT_EQ(w.is_null(r), !expect_word[row].has_value()) << row;
      EXPECT_EQ(w.values.bytes.value(r), expect_word[row].value_or("")) << row;
      ASSERT_EQ(l.is_null(r), !expect_long[row].has_value()) << row;
      EXPECT_EQ(l.values.bytes.value(r), expect_long[row].value_or("")) << row;
    }
    EXPECT_EQ(got->columns[0].values.bytes.data.size(), got->columns[0].values.bytes.offsets.back());
    EXPECT_EQ(got->columns[1].values.bytes.data.size(), got->columns[1].values.bytes.offsets.back());
  }
  EXPECT_EQ(row, rows);
}

TEST(ReadFastPaths, DictionaryEncodedNullableStringsReadBack) { read_back_nullable_strings(true); }

TEST(ReadFastPaths, PlainNullableStringsReadBack) { read_back_nullable_strings(false); }

}  // namespace
}  // namespace medallion::parquet
