// ParquetReader over the externally written fixtures: projection, reading
// only what is needed, and damaged files (flipped bytes, truncation) that
// must end in a clean error naming the file, never a crash.
#include "formats/parquet/parquet_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "formats/parquet/value_json.h"
#include "parquet_testdata.h"
#include "util/in_memory_file_system.h"

namespace medallion::parquet {
namespace {

using ::testing::HasSubstr;
using testing::file_bytes;
using testing::testdata_files;

// Every row of every row group rendered, or the first error.
util::Result<std::string> read_all(util::FileSystem& fs, const std::string& path,
                                   ReaderOptions options = {}) {
  MEDALLION_ASSIGN_OR_RETURN(auto reader, ParquetReader::open(fs, path, options));
  std::string out;
  for (size_t g = 0; g < reader->num_row_groups(); ++g) {
    MEDALLION_ASSIGN_OR_RETURN(RowBatch batch, reader->read_row_group(g, reader->all_fields()));
    for (size_t r = 0; r < batch.num_rows; ++r) {
      append_row_json(reader->schema(), batch, r, &out);
      out.push_back('\n');
    }
  }
  return out;
}

TEST(ParquetReader, ProjectionReadsOnlyTheProjectedChunks) {
  util::InMemoryFileSystem base;
  ASSERT_TRUE(base.put_file("/t.parquet", file_bytes("alltypes_plain.parquet")).is_ok());
  util::FaultInjectingFileSystem fs(base);
  auto reader = ParquetReader::open(fs, "/t.parquet");
  ASSERT_TRUE(reader.is_ok()) << reader.status().message();
  const uint64_t reads_to_open = fs.calls(util::FsOp::kRead);
  EXPECT_LE(reads_to_open, 2u);  // leading magic + tail
  auto fields = (*reader)->resolve_fields({"string_col", "id"});
  ASSERT_TRUE(fields.is_ok());
  auto batch = (*reader)->read_row_group(0, *fields);
  ASSERT_TRUE(batch.is_ok()) << batch.status().message();
  EXPECT_EQ(fs.calls(util::FsOp::kRead) - reads_to_open, 2u);  // one per column chunk
  ASSERT_EQ(batch->columns.size(), 2u);
  std::string row;
  append_row_json((*reader)->schema(), *batch, 0, &row);
  EXPECT_EQ(row, R"({"string_col":"30","id":4})");
}

TEST(ParquetReader, UnknownColumnListsTheFileColumns) {
  util::InMemoryFileSystem fs;
  ASSERT_TRUE(fs.put_file("/t.parquet", file_bytes("alltypes_plain.parquet")).is_ok());
  auto reader = ParquetReader::open(fs, "/t.parquet");
  ASSERT_TRUE(reader.is_ok());
  auto fields = (*reader)->resolve_fields({"nope"});
  ASSERT_FALSE(fields.is_ok());
  EXPECT_THAT(fields.status().message(), HasSubstr("no column 'nope'"));
  EXPECT_THAT(fields.status().message(), HasSubstr("bool_col"));
}

TEST(ParquetReader, RowGroupOutOfRangeIsAnError) {
  util::InMemoryFileSystem fs;
  ASSERT_TRUE(fs.put_file("/t.parquet", file_bytes("alltypes_plain.parquet")).is_ok());
  auto reader = ParquetReader::open(fs, "/t.parquet");
  ASSERT_TRUE(reader.is_ok());
  EXPECT_EQ((*reader)->read_row_group(1, {0}).status().code(), util::StatusCode::kInvalidArgument);
}

TEST(ParquetReader, EmptyAndTinyFilesAreCorruption) {
  util::InMemoryFileSystem fs;
  for (std::string_view content : {std::string_view(""), std::string_view("PAR1"),
                                   std::string_view("PAR1PAR1"), std::string_view("PAR1\0\0\0\0PAR1", 12)}) {
    ASSERT_TRUE(fs.put_file("/t.parquet", content).is_ok());
    auto reader = read_all(fs, "/t.parquet");
    ASSERT_FALSE(reader.is_ok()) << content.size();
    EXPECT_THAT(reader.status().message(), HasSubstr("/t.parquet"));
  }
}

TEST(ParquetReader, BadPageChecksumFailsUnlessVerificationIsOff) {
  util::InMemoryFileSystem fs;
  ASSERT_TRUE(fs.put_file("/c.parquet", file_bytes("datapage_v1-corrupt-checksum.parquet")).is_ok());
  auto strict = read_all(fs, "/c.parquet");
  ASSERT_FALSE(strict.is_ok());
  EXPECT_THAT(strict.status().message(), HasSubstr("checksum mismatch"));
  EXPECT_THAT(strict.status().message(), HasSubstr("column a"));
  EXPECT_TRUE(read_all(fs, "/c.parquet", {.verify_checksums = false}).is_ok());
}

TEST(ParquetReader, ValidChecksumsPass) {
  util::InMemoryFileSystem fs;
  ASSERT_TRUE(fs.put_file("/c.parquet", file_bytes("datapage_v1-snappy-compressed-checksum.parquet")).is_ok());
  auto rows = read_all(fs, "/c.parquet");
  EXPECT_TRUE(rows.is_ok()) << rows.status().message();
}

// Flips single bytes all over every fixture (deterministically): each read
// ends in rows or an error naming the file. ASan/UBSan builds make any
// out-of-bounds access or overflow fail the test.
TEST(ParquetReaderCorruption, FlippedBytesNeverCrash) {
  std::mt19937_64 rng(42);
  util::InMemoryFileSystem fs;
  for (const std::string& name : testdata_files()) {
    const std::string original = file_bytes(name);
    if (original.size() > 200'000) continue;  // the big one costs time, not coverage
    for (int round = 0; round < 40; ++round) {
      std::string damaged = original;
      const size_t at = rng() % damaged.size();
      damaged[at] = static_cast<char>(damaged[at] ^ static_cast<char>(1 + rng() % 255));
      ASSERT_TRUE(fs.put_file("/d.parquet", damaged).is_ok());
      auto rows = read_all(fs, "/d.parquet");
      if (!rows.is_ok()) {
        EXPECT_THAT(rows.status().message(), HasSubstr("/d.parquet")) << name << " byte " << at;
      }
    }
  }
}

TEST(ParquetReaderCorruption, TruncatedFilesFailCleanly) {
  util::InMemoryFileSystem fs;
  for (const std::string& name : testdata_files()) {
    const std::string original = file_bytes(name);
    if (original.size() > 200'000) continue;
    for (size_t keep : {size_t{0}, size_t{5}, original.size() / 2, original.size() - 9,
                        original.size() - 1}) {
      ASSERT_TRUE(fs.put_file("/d.parquet", std::string_view(original).substr(0, keep)).is_ok());
      auto rows = read_all(fs, "/d.parquet");
      ASSERT_FALSE(rows.is_ok()) << name << " cut to " << keep;
      EXPECT_THAT(rows.status().message(), HasSubstr("/d.parquet"));
    }
  }
}

}  // namespace
}  // namespace medallion::parquet
