// Writes random Parquet files for the DuckDB peer test
// (tests/integration/parquet_duckdb_roundtrip.sh):
//   parquet_random_files DIR COUNT
// For each i < COUNT: DIR/random_<i>.parquet (random schema, rows and writer
// options, random_table.h) and DIR/random_<i>.jsonl, the rows as
// `medallion parquet cat` renders them from the values written.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "formats/parquet/parquet_writer.h"
#include "formats/parquet/value_json.h"
#include "random_table.h"
#include "util/file_system.h"

int main(int argc, char** argv) {
  using namespace medallion;
  if (argc != 3) {
    std::fprintf(stderr, "usage: parquet_random_files DIR COUNT\n");
    return 2;
  }
  const std::string dir = argv[1];
  const int count = std::atoi(argv[2]);
  util::FileSystem& fs = util::posix_file_system();
  const parquet::CompressionCodec codecs[] = {
      parquet::CompressionCodec::kSnappy, parquet::CompressionCodec::kZstd,
      parquet::CompressionCodec::kGzip, parquet::CompressionCodec::kUncompressed,
      parquet::CompressionCodec::kLz4Raw};
  for (int i = 0; i < count; ++i) {
    const uint64_t seed = 1000 + static_cast<uint64_t>(i);
    parquet::testing::RandomTableMaker maker(seed);
    const size_t rows = i % 9 == 0 ? 0 : 1 + (seed * 53) % 900;
    parquet::testing::RandomTable table = maker.make(rows);
    parquet::WriterOptions options;
    options.codec = codecs[i % 5];
    options.row_group_bytes = i % 2 ? 8192 : (128ull << 20);
    options.data_page_bytes = i % 3 ? 512 : (1ull << 20);
    options.dictionary_page_bytes = i % 4 ? 256 : (1ull << 20);
    const std::string base = util::join_path(dir, "random_" + std::to_string(i));
    auto writer = parquet::ParquetWriter::open(fs, base + ".parquet", table.schema, options);
    util::Status st = writer.is_ok() ? (*writer)->write(table.batch) : writer.status();
    if (st.is_ok()) st = (*writer)->close().status();
    if (!st.is_ok()) {
      std::fprintf(stderr, "parquet_random_files: %s\n", st.message().c_str());
      return 1;
    }
    std::string rows_json;
    parquet::append_rows_jsonl(table.tree, table.batch, &rows_json);
    st = util::write_file_atomic(fs, base + ".jsonl", rows_json);
    if (!st.is_ok()) {
      std::fprintf(stderr, "parquet_random_files: %s\n", st.message().c_str());
      return 1;
    }
  }
  return 0;
}
