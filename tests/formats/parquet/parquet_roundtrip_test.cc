// Random schemas and rows (random_table.h) written by ParquetWriter with
// random options (codec, page and row group sizes, dictionary limits) read
// back by ParquetReader: every value equal, row groups and pages cut
// anywhere.
#include <gtest/gtest.h>

#include <string>

#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_writer.h"
#include "formats/parquet/value_json.h"
#include "random_table.h"
#include "util/in_memory_file_system.h"

namespace medallion::parquet {
namespace {

std::string render(const SchemaTree& tree, const RowBatch& batch) {
  std::string out;
  for (size_t r = 0; r < batch.num_rows; ++r) {
    append_row_json(tree, batch, r, &out);
    out.push_back('\n');
  }
  return out;
}

WriterOptions random_options(uint64_t seed) {
  std::mt19937_64 rng(seed);
  WriterOptions o;
  const CompressionCodec codecs[] = {CompressionCodec::kSnappy, CompressionCodec::kZstd,
                                     CompressionCodec::kGzip, CompressionCodec::kUncompressed,
                                     CompressionCodec::kLz4Raw};
  o.codec = codecs[rng() % 5];
  o.row_group_bytes = rng() % 2 ? 4096 + rng() % 20000 : (128ull << 20);
  o.data_page_bytes = rng() % 2 ? 64 + rng() % 2000 : (1ull << 20);
  o.dictionary = rng() % 4 != 0;
  o.dictionary_page_bytes = rng() % 2 ? 32 + rng() % 500 : (1ull << 20);
  return o;
}

TEST(ParquetRoundTrip, RandomTablesReadBackEqual) {
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    testing::RandomTableMaker maker(seed);
    const size_t rows = seed % 7 == 0 ? 0 : 1 + (seed * 37) % 700;
    testing::RandomTable table = maker.make(rows);
    const std::string expected = render(table.tree, table.batch);

    util::InMemoryFileSystem fs;
    const WriterOptions options = random_options(seed);
    auto writer = ParquetWriter::open(fs, "/t.parquet", table.schema, options);
    ASSERT_TRUE(writer.is_ok()) << "seed " << seed << ": " << writer.status().message();
    // In two batches, so that batches are joined and cut.
    ASSERT_TRUE((*writer)->write(table.batch).is_ok()) << "seed " << seed;
    ASSERT_TRUE((*writer)->write(table.batch).is_ok()) << "seed " << seed;
    auto footer = (*writer)->close();
    ASSERT_TRUE(footer.is_ok()) << "seed " << seed << ": " << footer.status().message();

    auto reader = ParquetReader::open(fs, "/t.parquet");
    ASSERT_TRUE(reader.is_ok()) << "seed " << seed << ": " << reader.status().message();
    EXPECT_EQ((*reader)->metadata().num_rows, static_cast<int64_t>(2 * rows));
    std::string got;
    for (size_t g = 0; g < (*reader)->num_row_groups(); ++g) {
      auto batch = (*reader)->read_row_group(g, (*reader)->all_fields());
      ASSERT_TRUE(batch.is_ok()) << "seed " << seed << ": " << batch.status().message();
      got += render((*reader)->schema(), *batch);
    }
    ASSERT_EQ(got, expected + expected) << "seed " << seed << " codec "
                                        << codec_name(options.codec);
  }
}

}  // namespace
}  // namespace medallion::parquet
