// Fuzzes the whole Parquet read path (footer, schema tree, pages, codecs,
// encodings, record assembly, rendering) with arbitrary files: every input
// must end in rows or a clean error naming the file. Seeds: the files of
// ../shared/testdata/parquet/files (see CMakeLists.txt).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/value_json.h"
#include "util/in_memory_file_system.h"

namespace {
// Files claiming more values than this are skipped: a valid file may hold
// that many, but building them takes memory beyond the fuzzer's limit.
constexpr int64_t kMaxValues = 1 << 20;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace medallion;
  util::InMemoryFileSystem fs;
  if (!fs.put_file("/f.parquet", std::string_view(reinterpret_cast<const char*>(data), size)).is_ok()) {
    std::abort();
  }
  auto reader = parquet::ParquetReader::open(fs, "/f.parquet");
  if (!reader.is_ok()) {
    if (reader.status().message().find("/f.parquet") == std::string::npos) std::abort();
    return 0;
  }
  for (const parquet::RowGroup& rg : (*reader)->metadata().row_groups) {
    if (rg.num_rows > kMaxValues) return 0;
    for (const parquet::ColumnChunk& c : rg.columns) {
      if (c.meta_data && c.meta_data->num_values > kMaxValues) return 0;
    }
  }
  const std::vector<size_t> fields = (*reader)->all_fields();
  std::string out;
  for (size_t g = 0; g < (*reader)->num_row_groups(); ++g) {
    auto batch = (*reader)->read_row_group(g, fields);
    if (!batch.is_ok()) {
      if (batch.status().message().find("/f.parquet") == std::string::npos) std::abort();
      return 0;
    }
    for (size_t r = 0; r < batch->num_rows; ++r) {
      out.clear();
      parquet::append_row_json((*reader)->schema(), *batch, r, &out);
    }
  }
  return 0;
}
