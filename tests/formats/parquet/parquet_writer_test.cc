// ParquetWriter: the footer it writes decodes and equals what close()
// returned; every column chunk's metadata (offsets, sizes, encodings,
// num_values, statistics) agrees with the page headers on disk; dictionary
// fallback, page and row-group cuts; the temporary-file protocol under
// failures; batch validation; and round trips through ParquetReader.
#include "formats/parquet/parquet_writer.h"

#include <gtest/gtest.h>

#include "util/thread_pool.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "formats/parquet/column_chunk_reader.h"
#include "formats/parquet/column_chunk_writer.h"
#include "formats/parquet/page_compression.h"
#include "formats/parquet/parquet_footer.h"
#include "formats/parquet/parquet_format.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/plain_encoding.h"
#include "formats/parquet/rle_hybrid.h"
#include "formats/parquet/value_json.h"
#include "util/in_memory_file_system.h"

#include "schema_builders.h"

namespace medallion::parquet {
namespace {

using Rep = FieldRepetitionType;
using testing::group;
using testing::leaf;
using testing::root;
using testing::string_leaf;
using util::InMemoryFileSystem;
using util::Status;
using util::StatusCode;

// ----------------------------------------------------------- schema help --


// ------------------------------------------------------------ array help --

ValueArray leaf_array(Type type) {
  ValueArray a;
  a.kind = ValueKind::kLeaf;
  a.values = LeafValues(type);
  return a;
}

ValueArray i32_array(std::vector<int32_t> values, std::vector<uint8_t> validity = {}) {
  ValueArray a = leaf_array(Type::kInt32);
  a.length = values.size();
  a.values.i32 = std::move(values);
  a.validity = std::move(validity);
  return a;
}

ValueArray i64_array(std::vector<int64_t> values, std::vector<uint8_t> validity = {}) {
  ValueArray a = leaf_array(Type::kInt64);
  a.length = values.size();
  a.values.i64 = std::move(values);
  a.validity = std::move(validity);
  return a;
}

ValueArray str_array(const std::vector<std::string>& values, std::vector<uint8_t> validity = {},
                     Type type = Type::kByteArray) {
  ValueArray a = leaf_array(type);
  a.length = values.size();
  for (const std::string& v : values) a.values.bytes.append(v);
  a.validity = std::move(validity);
  return a;
}

ValueArray list_array(std::vector<int64_t> offsets, ValueArray child,
                      std::vector<uint8_t> validity = {}) {
  ValueArray a;
  a.kind = ValueKind::kList;
  a.length = offsets.size() - 1;
  a.offsets = std::move(offsets);
  a.children.push_back(std::move(child));
  a.validity = std::move(validity);
  return a;
}

RowBatch batch_of(std::vector<ValueArray> columns) {
  RowBatch b;
  b.num_rows = columns.empty() ? 0 : columns[0].length;
  for (size_t i = 0; i < columns.size(); ++i) b.fields.push_back(i);
  b.columns = std::move(columns);
  return b;
}

// id INT64 REQUIRED, name STRING OPTIONAL, day INT32 (DATE) OPTIONAL
std::vector<SchemaElement> flat_schema() {
  SchemaElement day = leaf("day", Type::kInt32, Rep::kOptional);
  day.converted_type = ConvertedType::kDate;
  day.logical_type = LogicalType::of(LogicalTypeKind::kDate);
  return {root(3), leaf("id", Type::kInt64, Rep::kRequired), string_leaf("name", Rep::kOptional),
          day};
}

// Rows first..first+n of the flat schema: every 7th name and every 5th day
// null; names repeat with period 13 (dictionary-friendly).
RowBatch flat_rows(int64_t first, size_t n) {
  std::vector<int64_t> ids;
  std::vector<std::string> names;
  std::vector<uint8_t> name_valid;
  std::vector<int32_t> days;
  std::vector<uint8_t> day_valid;
  for (size_t i = 0; i < n; ++i) {
    const int64_t r = first + static_cast<int64_t>(i);
    ids.push_back(r * 3 - 100);
    const bool name_null = r % 7 == 3;
    names.push_back(name_null ? "" : "name-" + std::to_string(r % 13));
    name_valid.push_back(name_null ? 0 : 1);
    const bool day_null = r % 5 == 0;
    days.push_back(day_null ? 0 : static_cast<int32_t>(19000 + r % 40));
    day_valid.push_back(day_null ? 0 : 1);
  }
  return batch_of({i64_array(ids), str_array(names, name_valid), i32_array(days, day_valid)});
}

std::string le32(uint32_t v) {
  std::string s(4, '\0');
  std::memcpy(s.data(), &v, 4);
  return s;
}
std::string le64(uint64_t v) {
  std::string s(8, '\0');
  std::memcpy(s.data(), &v, 8);
  return s;
}

// --------------------------------------------------------------- walking --

struct WalkedPage {
  uint64_t offset = 0;
  size_t header_size = 0;
  PageHeader header;
};

// Parses every page of a chunk from the file bytes, checking the chunk's
// metadata against them.
std::vector<WalkedPage> walk_chunk(const std::string& file, const ColumnMetaData& meta) {
  std::vector<WalkedPage> pages;
  const uint64_t start = meta.dictionary_page_offset.value_or(meta.data_page_offset);
  const uint64_t end = start + static_cast<uint64_t>(meta.total_compressed_size);
  EXPECT_LE(end, file.size());
  uint64_t pos = start;
  int64_t uncompressed = 0;
  int64_t values = 0;
  std::map<std::pair<PageType, Encoding>, int32_t> counts;
  std::set<Encoding> encodings;
  while (pos < end) {
    WalkedPage page;
    page.offset = pos;
    auto header =
        decode_page_header(std::string_view(file).substr(pos, end - pos), &page.header_size, pos);
    EXPECT_TRUE(header.is_ok()) << header.status().to_string();
    if (!header.is_ok()) break;
    page.header = *header;
    EXPECT_FALSE(page.header.crc.has_value());
    pos += page.header_size + static_cast<uint64_t>(page.header.compressed_page_size);
    uncompressed += static_cast<int64_t>(page.header_size) + page.header.uncompressed_page_size;
    if (page.header.type == PageType::kDictionaryPage) {
      EXPECT_TRUE(pages.empty()) << "the dictionary page comes first";
      EXPECT_EQ(meta.dictionary_page_offset, static_cast<int64_t>(page.offset));
      counts[{PageType::kDictionaryPage, page.header.dictionary_page_header->encoding}]++;
      encodings.insert(page.header.dictionary_page_header->encoding);
    } else {
      EXPECT_EQ(page.header.type, PageType::kDataPage);
      if (pages.empty() || pages.back().header.type == PageType::kDictionaryPage) {
        EXPECT_EQ(meta.data_page_offset, static_cast<int64_t>(page.offset));
      }
      values += page.header.data_page_header->num_values;
      counts[{PageType::kDataPage, page.header.data_page_header->encoding}]++;
      encodings.insert(page.header.data_page_header->encoding);
    }
    pages.push_back(page);
  }
  EXPECT_EQ(pos, end) << "pages end exactly at the chunk's end";
  EXPECT_EQ(uncompressed, meta.total_uncompressed_size);
  EXPECT_EQ(values, meta.num_values);
  std::set<Encoding> listed(meta.encodings.begin(), meta.encodings.end());
  for (Encoding e : encodings) EXPECT_TRUE(listed.count(e)) << encoding_name(e);
  listed.erase(Encoding::kRle);  // the level encoding
  EXPECT_EQ(listed, encodings);
  EXPECT_TRUE(meta.encoding_stats.has_value());
  std::map<std::pair<PageType, Encoding>, int32_t> stated;
  for (const PageEncodingStats& s :
       meta.encoding_stats.value_or(std::vector<PageEncodingStats>{})) {
    stated[{s.page_type, s.encoding}] += s.count;
  }
  EXPECT_EQ(stated, counts);
  return pages;
}

// Checks every chunk of every row group; chunks follow one another from the
// leading magic to the footer.
void check_layout(const std::string& file, const FileMetaData& meta) {
  uint64_t expected = kMagicSize;
  int64_t rows = 0;
  for (size_t g = 0; g < meta.row_groups.size(); ++g) {
    const RowGroup& group = meta.row_groups[g];
    EXPECT_EQ(group.file_offset, static_cast<int64_t>(expected));
    EXPECT_EQ(group.ordinal, static_cast<int16_t>(g));
    int64_t compressed = 0;
    int64_t uncompressed = 0;
    for (const ColumnChunk& chunk : group.columns) {
      ASSERT_TRUE(chunk.meta_data.has_value());
      const ColumnMetaData& cm = *chunk.meta_data;
      EXPECT_EQ(static_cast<uint64_t>(cm.dictionary_page_offset.value_or(cm.data_page_offset)),
                expected);
      walk_chunk(file, cm);
      expected += static_cast<uint64_t>(cm.total_compressed_size);
      compressed += cm.total_compressed_size;
      uncompressed += cm.total_uncompressed_size;
    }
    EXPECT_EQ(group.total_compressed_size, compressed);
    EXPECT_EQ(group.total_byte_size, uncompressed);
    rows += group.num_rows;
  }
  EXPECT_EQ(rows, meta.num_rows);
  const uint32_t footer_length = static_cast<uint32_t>(
      static_cast<uint8_t>(file[file.size() - 8]) |
      static_cast<uint8_t>(file[file.size() - 7]) << 8 |
      static_cast<uint8_t>(file[file.size() - 6]) << 16 |
      static_cast<uint32_t>(static_cast<uint8_t>(file[file.size() - 5])) << 24);
  EXPECT_EQ(expected + footer_length + kFooterTailSize, file.size());
}

class ParquetWriterTest : public ::testing::Test {
 protected:
  std::unique_ptr<ParquetWriter> open(const std::string& path, std::vector<SchemaElement> schema,
                                      WriterOptions options = {}) {
    auto w = ParquetWriter::open(fs_, path, std::move(schema), std::move(options));
    EXPECT_TRUE(w.is_ok()) << w.status().to_string();
    return w.is_ok() ? std::move(w).value() : nullptr;
  }

  FileMetaData footer_of(const std::string& path) {
    auto bytes = fs_.read_file(path);
    EXPECT_TRUE(bytes.is_ok()) << bytes.status().to_string();
    auto meta = read_footer(*bytes, bytes->size(), path);
    EXPECT_TRUE(meta.is_ok()) << meta.status().to_string();
    return meta.is_ok() ? *meta : FileMetaData{};
  }

  std::vector<std::string> files_in(const std::string& dir) {
    auto names = fs_.list_dir(dir);
    EXPECT_TRUE(names.is_ok());
    return names.is_ok() ? *names : std::vector<std::string>{};
  }

  // Every row of the file as JSON lines, read back with ParquetReader.
  std::string read_back(const std::string& path) {
    auto reader = ParquetReader::open(fs_, path);
    EXPECT_TRUE(reader.is_ok()) << reader.status().to_string();
    if (!reader.is_ok()) return {};
    std::string out;
    for (size_t g = 0; g < (*reader)->num_row_groups(); ++g) {
      auto batch = (*reader)->read_row_group(g, (*reader)->all_fields());
      EXPECT_TRUE(batch.is_ok()) << batch.status().to_string();
      if (!batch.is_ok()) return {};
      append_rows_jsonl((*reader)->schema(), *batch, &out);
    }
    return out;
  }

  static std::string jsonl(const SchemaTree& tree, const std::vector<RowBatch>& batches) {
    std::string out;
    for (const RowBatch& b : batches) append_rows_jsonl(tree, b, &out);
    return out;
  }

  void SetUp() override { ASSERT_TRUE(fs_.create_dirs("/out").is_ok()); }

  InMemoryFileSystem fs_;
};

// A pool changes who encodes the columns, never the bytes: several row
// groups, dictionary and plain pages, nulls, and a layout check.
TEST_F(ParquetWriterTest, ParallelColumnsWriteTheSameBytes) {
  util::ThreadPool pool(3);
  std::string files[2];
  for (int parallel = 0; parallel < 2; ++parallel) {
    WriterOptions options;
    options.row_group_rows = 700;
    options.data_page_bytes = 512;
    options.pool = parallel ? &pool : nullptr;
    const std::string path = parallel ? "/out/parallel.parquet" : "/out/serial.parquet";
    auto w = open(path, flat_schema(), options);
    ASSERT_TRUE(w);
    ASSERT_TRUE(w->write(flat_rows(0, 1000)).is_ok());
    ASSERT_TRUE(w->write(flat_rows(1000, 1500)).is_ok());
    auto closed = w->close();
    ASSERT_TRUE(closed.is_ok()) << closed.status().to_string();
    auto bytes = fs_.read_file(path);
    ASSERT_TRUE(bytes.is_ok());
    check_layout(*bytes, *closed);
    files[parallel] = *bytes;
  }
  EXPECT_EQ(files[0], files[1]);
  EXPECT_EQ(read_back("/out/parallel.parquet"), read_back("/out/serial.parquet"));

  // Reading in parallel gives the same rows.
  ReaderOptions parallel_read;
  parallel_read.pool = &pool;
  auto reader = ParquetReader::open(fs_, "/out/parallel.parquet", parallel_read);
  ASSERT_TRUE(reader.is_ok());
  std::string rows;
  for (size_t g = 0; g < (*reader)->num_row_groups(); ++g) {
    auto batch = (*reader)->read_row_group(g, (*reader)->all_fields());
    ASSERT_TRUE(batch.is_ok()) << batch.status().to_string();
    append_rows_jsonl((*reader)->schema(), *batch, &rows);
  }
  EXPECT_EQ(rows, read_back("/out/serial.parquet"));
}

// ----------------------------------------------------------------- footer --

TEST_F(ParquetWriterTest, FooterDecodesAndEqualsWhatCloseReturned) {
  WriterOptions options;
  options.codec = CompressionCodec::kUncompressed;
  options.created_by = "medallion test";
  auto w = open("/out/a.parquet", flat_schema(), options);
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->write(flat_rows(0, 100)).is_ok());
  auto closed = w->close();
  ASSERT_TRUE(closed.is_ok()) << closed.status().to_string();
  const FileMetaData meta = footer_of("/out/a.parquet");
  EXPECT_EQ(meta, *closed);
  EXPECT_EQ(meta.version, 1);
  EXPECT_EQ(meta.num_rows, 100);
  EXPECT_EQ(meta.schema, flat_schema());
  EXPECT_EQ(meta.created_by, "medallion test");
  ASSERT_TRUE(meta.column_orders.has_value());
  EXPECT_EQ(*meta.column_orders, std::vector<ColumnOrder>(3, ColumnOrder::kTypeDefinedOrder));
  ASSERT_EQ(meta.row_groups.size(), 1u);
  ASSERT_EQ(meta.row_groups[0].columns.size(), 3u);
  EXPECT_EQ(meta.row_groups[0].columns[1].meta_data->path_in_schema,
            std::vector<std::string>{"name"});
  EXPECT_FALSE(meta.key_value_metadata.has_value());
}

TEST_F(ParquetWriterTest, KeyValueMetadataIsWritten) {
  WriterOptions options;
  options.key_value_metadata = {{"origin", std::string("test")}, {"flag", std::nullopt}};
  auto w = open("/out/kv.parquet", flat_schema(), options);
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->write(flat_rows(0, 3)).is_ok());
  ASSERT_TRUE(w->close().is_ok());
  const FileMetaData meta = footer_of("/out/kv.parquet");
  ASSERT_TRUE(meta.key_value_metadata.has_value());
  EXPECT_EQ(*meta.key_value_metadata, options.key_value_metadata);
}

TEST_F(ParquetWriterTest, FileStartsAndEndsWithMagic) {
  auto w = open("/out/m.parquet", flat_schema());
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->write(flat_rows(0, 10)).is_ok());
  ASSERT_TRUE(w->close().is_ok());
  const std::string file = *fs_.read_file("/out/m.parquet");
  EXPECT_EQ(file.substr(0, 4), "PAR1");
  EXPECT_EQ(file.substr(file.size() - 4), "PAR1");
}

TEST_F(ParquetWriterTest, EmptyFileHasNoRowGroups) {
  auto w = open("/out/empty.parquet", flat_schema());
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->write(flat_rows(0, 0)).is_ok());
  ASSERT_TRUE(w->close().is_ok());
  const FileMetaData meta = footer_of("/out/empty.parquet");
  EXPECT_EQ(meta.num_rows, 0);
  EXPECT_TRUE(meta.row_groups.empty());
  EXPECT_EQ(read_back("/out/empty.parquet"), "");
}

// ---------------------------------------------------------- chunk layout --

TEST_F(ParquetWriterTest, ChunkMetadataAgreesWithPagesOnDisk) {
  for (CompressionCodec codec : {CompressionCodec::kUncompressed, CompressionCodec::kSnappy}) {
    SCOPED_TRACE(codec_name(codec));
    WriterOptions options;
    options.codec = codec;
    options.data_page_bytes = 512;  // several pages per chunk
    auto w = open("/out/layout.parquet", flat_schema(), options);
    ASSERT_TRUE(w);
    ASSERT_TRUE(w->write(flat_rows(0, 3000)).is_ok());
    ASSERT_TRUE(w->write(flat_rows(3000, 1000)).is_ok());
    ASSERT_TRUE(w->close().is_ok());
    const std::string file = *fs_.read_file("/out/layout.parquet");
    const FileMetaData meta = footer_of("/out/layout.parquet");
    check_layout(file, meta);
    ASSERT_EQ(meta.row_groups.size(), 1u);
    const ColumnMetaData& id = *meta.row_groups[0].columns[0].meta_data;
    EXPECT_EQ(id.codec, codec);
    EXPECT_EQ(id.num_values, 4000);
    EXPECT_GT(walk_chunk(file, id).size(), 3u);
    const ColumnMetaData& name = *meta.row_groups[0].columns[1].meta_data;
    EXPECT_EQ(name.num_values, 4000);  // nulls included
    // 13 distinct names: a dictionary chunk.
    ASSERT_TRUE(name.dictionary_page_offset.has_value());
    const auto pages = walk_chunk(file, name);
    EXPECT_EQ(pages[0].header.dictionary_page_header->num_values, 13);
    EXPECT_EQ(pages[1].header.data_page_header->encoding, Encoding::kRleDictionary);
    EXPECT_EQ(name.encodings,
              (std::vector<Encoding>{Encoding::kPlain, Encoding::kRle, Encoding::kRleDictionary}));
    EXPECT_EQ(read_back("/out/layout.parquet"),
              jsonl(w->schema(), {flat_rows(0, 3000), flat_rows(3000, 1000)}));
  }
}

TEST_F(ParquetWriterTest, ChunkStatistics) {
  auto w = open("/out/stats.parquet", flat_schema());
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->write(flat_rows(0, 50)).is_ok());
  ASSERT_TRUE(w->close().is_ok());
  const FileMetaData meta = footer_of("/out/stats.parquet");
  const auto& cols = meta.row_groups[0].columns;
  const Statistics& id = *cols[0].meta_data->statistics;
  EXPECT_EQ(id.min_value, le64(static_cast<uint64_t>(int64_t{-100})));
  EXPECT_EQ(id.max_value, le64(49 * 3 - 100));
  EXPECT_EQ(id.min, id.min_value);
  EXPECT_EQ(id.null_count, 0);
  const Statistics& name = *cols[1].meta_data->statistics;
  EXPECT_EQ(name.null_count, 7);  // rows 3, 10, ..., 45
  EXPECT_EQ(name.min_value, "name-0");
  EXPECT_EQ(name.max_value, "name-9");
  EXPECT_FALSE(name.min.has_value());
  const Statistics& day = *cols[2].meta_data->statistics;
  EXPECT_EQ(day.null_count, 10);
  EXPECT_EQ(day.min_value, le32(19001));
  EXPECT_EQ(day.max_value, le32(19039));
}

TEST_F(ParquetWriterTest, AllNullColumnHasNoDictionaryAndOnlyNullCount) {
  auto w = open("/out/nulls.parquet", {root(1), leaf("x", Type::kDouble, Rep::kOptional)});
  ASSERT_TRUE(w);
  ValueArray x = leaf_array(Type::kDouble);
  x.length = 100;
  x.values.f64.assign(100, 0.0);
  x.validity.assign(100, 0);
  ASSERT_TRUE(w->write(batch_of({x})).is_ok());
  ASSERT_TRUE(w->close().is_ok());
  const std::string file = *fs_.read_file("/out/nulls.parquet");
  const FileMetaData meta = footer_of("/out/nulls.parquet");
  check_layout(file, meta);
  const ColumnMetaData& cm = *meta.row_groups[0].columns[0].meta_data;
  EXPECT_FALSE(cm.dictionary_page_offset.has_value());
  EXPECT_EQ(cm.statistics->null_count, 100);
  EXPECT_FALSE(cm.statistics->min_value.has_value());
  EXPECT_EQ(read_back("/out/nulls.parquet"), jsonl(w->schema(), {batch_of({x})}));
}

TEST_F(ParquetWriterTest, PagesOfTinyEntriesAreCutByCount) {
  WriterOptions options;
  options.row_group_rows = size_t{1} << 22;  // one row group holding every row
  auto w = open("/out/count.parquet", {root(1), leaf("x", Type::kInt32, Rep::kOptional)}, options);
  ASSERT_TRUE(w);
  const size_t n = (size_t{1} << 20) + 100000;
  ValueArray x = leaf_array(Type::kInt32);
  x.length = n;
  x.values.i32.assign(n, 0);
  x.validity.assign(n, 0);
  ASSERT_TRUE(w->write(batch_of({x})).is_ok());
  ASSERT_TRUE(w->close().is_ok());
  const std::string file = *fs_.read_file("/out/count.parquet");
  const FileMetaData meta = footer_of("/out/count.parquet");
  check_layout(file, meta);
  const auto pages = walk_chunk(file, *meta.row_groups[0].columns[0].meta_data);
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_LE(pages[0].header.data_page_header->num_values, (1 << 20) + 4096);
  EXPECT_EQ(meta.row_groups[0].columns[0].meta_data->statistics->null_count,
            static_cast<int64_t>(n));
}

TEST_F(ParquetWriterTest, RowGroupsAreCutByRows) {
  WriterOptions options;
  options.row_group_rows = 1000;
  auto w = open("/out/rows.parquet", {root(1), leaf("x", Type::kInt32, Rep::kRequired)}, options);
  ASSERT_TRUE(w);
  ValueArray x = leaf_array(Type::kInt32);
  x.length = 2500;
  x.values.i32.assign(2500, 7);
  ASSERT_TRUE(w->write(batch_of({x})).is_ok());
  ASSERT_TRUE(w->close().is_ok());
  const FileMetaData meta = footer_of("/out/rows.parquet");
  ASSERT_EQ(meta.row_groups.size(), 3u);
  EXPECT_EQ(meta.row_groups[0].num_rows, 1000);
  EXPECT_EQ(meta.row_groups[1].num_rows, 1000);
  EXPECT_EQ(meta.row_groups[2].num_rows, 500);
}

TEST_F(ParquetWriterTest, DictionaryFallsBackToPlainPastTheLimit) {
  WriterOptions options;
  options.codec = CompressionCodec::kUncompressed;
  options.dictionary_page_bytes = 2000;
  options.data_page_bytes = 1000;
  auto w = open("/out/fallback.parquet", {root(1), string_leaf("s", Rep::kRequired)}, options);
  ASSERT_TRUE(w);
  std::vector<std::string> values;
  for (int i = 0; i < 5000; ++i) values.push_back("unique-value-" + std::to_string(i));
  const RowBatch batch = batch_of({str_array(values)});
  ASSERT_TRUE(w->write(batch).is_ok());
  ASSERT_TRUE(w->close().is_ok());
  const std::string file = *fs_.read_file("/out/fallback.parquet");
  const FileMetaData meta = footer_of("/out/fallback.parquet");
  check_layout(file, meta);
  const ColumnMetaData& cm = *meta.row_groups[0].columns[0].meta_data;
  const auto pages = walk_chunk(file, cm);
  ASSERT_EQ(pages[0].header.type, PageType::kDictionaryPage);
  // The dictionary stops growing at the first row boundary past the limit.
  EXPECT_GE(pages[0].header.uncompressed_page_size, 2000);
  EXPECT_LT(pages[0].header.uncompressed_page_size, 2000 + 4096 * 24);
  bool seen_plain = false;
  int dictionary_pages = 0;
  int plain_pages = 0;
  for (size_t i = 1; i < pages.size(); ++i) {
    const Encoding e = pages[i].header.data_page_header->encoding;
    if (e == Encoding::kPlain) {
      seen_plain = true;
      ++plain_pages;
    } else {
      EXPECT_EQ(e, Encoding::kRleDictionary);
      EXPECT_FALSE(seen_plain) << "no dictionary page after the fallback";
      ++dictionary_pages;
    }
  }
  EXPECT_GE(dictionary_pages, 1);
  EXPECT_GE(plain_pages, 2);
  EXPECT_EQ(cm.statistics->min_value, "unique-value-0");
  EXPECT_EQ(cm.statistics->max_value, "unique-value-999");
  EXPECT_EQ(read_back("/out/fallback.parquet"), jsonl(w->schema(), {batch}));
}

TEST_F(ParquetWriterTest, DictionaryDisabledWritesOnlyPlain) {
  WriterOptions options;
  options.dictionary = false;
  auto w = open("/out/plain.parquet", flat_schema(), options);
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->write(flat_rows(0, 200)).is_ok());
  ASSERT_TRUE(w->close().is_ok());
  const FileMetaData meta = footer_of("/out/plain.parquet");
  for (const ColumnChunk& c : meta.row_groups[0].columns) {
    EXPECT_FALSE(c.meta_data->dictionary_page_offset.has_value());
    for (const PageEncodingStats& s : *c.meta_data->encoding_stats) {
      EXPECT_EQ(s.encoding, Encoding::kPlain);
    }
  }
  EXPECT_EQ(read_back("/out/plain.parquet"), jsonl(w->schema(), {flat_rows(0, 200)}));
}

TEST_F(ParquetWriterTest, LargeDictionaryOfIntegersRoundTrips) {
  auto w = open("/out/bigdict.parquet", {root(1), leaf("v", Type::kInt64, Rep::kOptional)});
  ASSERT_TRUE(w);
  std::vector<int64_t> values;
  std::vector<uint8_t> valid;
  for (int pass = 0; pass < 2; ++pass) {
    for (int64_t i = 0; i < 5000; ++i) {
      values.push_back(i * i * 7919 - 40000);
      valid.push_back(i % 100 == 99 ? 0 : 1);
    }
  }
  const RowBatch batch = batch_of({i64_array(values, valid)});
  ASSERT_TRUE(w->write(batch).is_ok());
  ASSERT_TRUE(w->close().is_ok());
  const std::string file = *fs_.read_file("/out/bigdict.parquet");
  const FileMetaData meta = footer_of("/out/bigdict.parquet");
  check_layout(file, meta);
  const auto pages = walk_chunk(file, *meta.row_groups[0].columns[0].meta_data);
  ASSERT_EQ(pages[0].header.type, PageType::kDictionaryPage);
  EXPECT_EQ(pages[0].header.dictionary_page_header->num_values, 4950);
  for (size_t i = 1; i < pages.size(); ++i) {
    EXPECT_EQ(pages[i].header.data_page_header->encoding, Encoding::kRleDictionary);
  }
  EXPECT_EQ(read_back("/out/bigdict.parquet"), jsonl(w->schema(), {batch}));
}

// Decodes the one uncompressed RLE_DICTIONARY page of a required INT32
// column by hand: bit width byte, then the hybrid indices.
TEST_F(ParquetWriterTest, DictionaryIndicesDecodeByHand) {
  WriterOptions options;
  options.codec = CompressionCodec::kUncompressed;
  auto w = open("/out/idx.parquet", {root(1), leaf("v", Type::kInt32, Rep::kRequired)}, options);
  ASSERT_TRUE(w);
  std::vector<int32_t> values;
  for (int i = 0; i < 100; ++i) values.push_back(i % 3 == 0 ? 7 : (i < 50 ? -1 : 42));
  ASSERT_TRUE(w->write(batch_of({i32_array(values)})).is_ok());
  ASSERT_TRUE(w->close().is_ok());
  const std::string file = *fs_.read_file("/out/idx.parquet");
  const FileMetaData meta = footer_of("/out/idx.parquet");
  const auto pages = walk_chunk(file, *meta.row_groups[0].columns[0].meta_data);
  ASSERT_EQ(pages.size(), 2u);
  std::vector<int32_t> dictionary;
  const WalkedPage& dict = pages[0];
  ASSERT_TRUE(decode_plain_int32(std::string_view(file).substr(dict.offset + dict.header_size,
                                                               dict.header.uncompressed_page_size),
                                 dict.header.dictionary_page_header->num_values, &dictionary)
                  .is_ok());
  EXPECT_EQ(dictionary, (std::vector<int32_t>{7, -1, 42}));
  const WalkedPage& data = pages[1];
  const std::string_view body = std::string_view(file).substr(data.offset + data.header_size,
                                                              data.header.uncompressed_page_size);
  EXPECT_EQ(static_cast<int>(body[0]), 2);  // bit width for 3 entries
  auto decoder = RleHybridDecoder::make(body.substr(1), 2);
  ASSERT_TRUE(decoder.is_ok());
  std::vector<uint32_t> indices(100);
  ASSERT_TRUE(decoder->decode(indices.data(), indices.size()).is_ok());
  for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(dictionary[indices[i]], values[i]) << i;
}

// Definition levels of an optional column, by hand: u32 length, hybrid
// levels, then PLAIN values of the non-null rows.
TEST_F(ParquetWriterTest, DefinitionLevelsDecodeByHand) {
  WriterOptions options;
  options.codec = CompressionCodec::kUncompressed;
  options.dictionary = false;
  auto w = open("/out/def.parquet", {root(1), leaf("v", Type::kInt64, Rep::kOptional)}, options);
  ASSERT_TRUE(w);
  std::vector<int64_t> values;
  std::vector<uint8_t> valid;
  for (int i = 0; i < 40; ++i) {
    valid.push_back(i % 4 == 1 || (i >= 20 && i < 30) ? 0 : 1);
    values.push_back(valid.back() ? i * 1000 : 0);
  }
  ASSERT_TRUE(w->write(batch_of({i64_array(values, valid)})).is_ok());
  ASSERT_TRUE(w->close().is_ok());
  const std::string file = *fs_.read_file("/out/def.parquet");
  const FileMetaData meta = footer_of("/out/def.parquet");
  const auto pages = walk_chunk(file, *meta.row_groups[0].columns[0].meta_data);
  ASSERT_EQ(pages.size(), 1u);
  const std::string_view body = std::string_view(file).substr(
      pages[0].offset + pages[0].header_size, pages[0].header.uncompressed_page_size);
  size_t consumed = 0;
  auto decoder = RleHybridDecoder::make_with_length_prefix(body, 1, 0, &consumed);
  ASSERT_TRUE(decoder.is_ok());
  std::vector<uint32_t> levels(40);
  ASSERT_TRUE(decoder->decode(levels.data(), levels.size()).is_ok());
  std::vector<int64_t> expected;
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(levels[i], valid[i]) << i;
    if (valid[i]) expected.push_back(values[i]);
  }
  std::vector<int64_t> decoded;
  auto used = decode_plain_int64(body.substr(consumed), expected.size(), &decoded);
  ASSERT_TRUE(used.is_ok());
  EXPECT_EQ(*used, body.size() - consumed);
  EXPECT_EQ(decoded, expected);
}

// The hard dictionary cap (1 GiB in files; lowered here) can be hit inside
// a page: the page's indices become PLAIN values.
struct ChunkWritten {
  ColumnMetaData meta;
  std::string bytes;  // the chunk, as if at file offset 4
};

ChunkWritten write_chunk(const ColumnDescriptor& column, const ColumnChunkOptions& options,
                         const ValueArray& values, const std::vector<size_t>& cuts) {
  auto writer = ColumnChunkWriter::make(column, options);
  size_t at = 0;
  for (size_t cut : cuts) {
    EXPECT_TRUE(writer->append_flat(values, at, cut).is_ok());
    at = cut;
  }
  ChunkWritten out;
  auto meta = writer->finish(4, [&](std::string_view b) {
    out.bytes.append(b);
    return Status::ok();
  });
  EXPECT_TRUE(meta.is_ok());
  if (meta.is_ok()) out.meta = *meta;
  return out;
}

ColumnDescriptor optional_string_column() {
  ColumnDescriptor c;
  c.path = {"s"};
  c.physical_type = Type::kByteArray;
  c.repetition = Rep::kOptional;
  c.max_def_level = 1;
  return c;
}

void expect_decodes_to(const ChunkWritten& chunk, const ColumnDescriptor& column,
                       const std::vector<std::string>& values, const std::vector<uint8_t>& valid) {
  auto data = decode_column_chunk(chunk.bytes, 4, column, chunk.meta, {}, "memory");
  ASSERT_TRUE(data.is_ok()) << data.status().to_string();
  ASSERT_EQ(data->num_levels, values.size());
  size_t v = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(data->def_levels[i], valid[i]) << i;
    if (valid[i]) {
      ASSERT_LT(v, data->values.bytes.size());
      EXPECT_EQ(data->values.bytes.value(v), values[i]) << i;
      ++v;
    }
  }
  EXPECT_EQ(v, data->values.bytes.size());
}

TEST(ColumnChunkWriterTest, DictionaryCapInsideTheFirstPageMakesItPlain) {
  std::vector<std::string> values;
  std::vector<uint8_t> valid;
  for (int i = 0; i < 60; ++i) {
    values.push_back(i % 9 == 4 ? "" : "value-" + std::to_string(i % 20));
    valid.push_back(i % 9 == 4 ? 0 : 1);
  }
  ColumnChunkOptions options;
  options.max_dictionary_bytes = 100;  // about 7 of these values
  const ColumnDescriptor column = optional_string_column();
  const ChunkWritten chunk = write_chunk(column, options, str_array(values, valid), {60});
  EXPECT_FALSE(chunk.meta.dictionary_page_offset.has_value());
  EXPECT_EQ(chunk.meta.encodings, (std::vector<Encoding>{Encoding::kPlain, Encoding::kRle}));
  EXPECT_EQ(chunk.meta.num_values, 60);
  expect_decodes_to(chunk, column, values, valid);
}

TEST(ColumnChunkWriterTest, DictionaryCapAfterADictionaryPageKeepsTheDictionary) {
  std::vector<std::string> values;
  std::vector<uint8_t> valid;
  for (int i = 0; i < 60; ++i) {
    values.push_back("value-" + std::to_string(i < 5 ? i % 2 : i % 20));
    valid.push_back(1);
  }
  ColumnChunkOptions options;
  options.max_dictionary_bytes = 100;
  options.data_page_bytes = 1;  // the first append ends its own page
  const ColumnDescriptor column = optional_string_column();
  const ChunkWritten chunk = write_chunk(column, options, str_array(values, valid), {5, 60});
  ASSERT_TRUE(chunk.meta.dictionary_page_offset.has_value());
  const auto& stats = *chunk.meta.encoding_stats;
  ASSERT_EQ(stats.size(), 3u);
  EXPECT_EQ(stats[0].page_type, PageType::kDictionaryPage);
  EXPECT_EQ(stats[1].encoding, Encoding::kRleDictionary);
  EXPECT_EQ(stats[2].encoding, Encoding::kPlain);
  expect_decodes_to(chunk, column, values, valid);
  EXPECT_EQ(chunk.meta.statistics->min_value, "value-0");
  EXPECT_EQ(chunk.meta.statistics->max_value, "value-9");
}

// ------------------------------------------------------------- row groups --

TEST_F(ParquetWriterTest, RowGroupsAreCutByBytes) {
  WriterOptions options;
  options.row_group_bytes = 8 * 1024;
  options.dictionary = false;
  options.codec = CompressionCodec::kUncompressed;
  auto w = open("/out/groups.parquet", {root(1), leaf("v", Type::kInt64, Rep::kRequired)}, options);
  ASSERT_TRUE(w);
  std::vector<RowBatch> batches;
  for (int b = 0; b < 4; ++b) {
    std::vector<int64_t> v;
    for (int i = 0; i < 5000; ++i) v.push_back(b * 5000 + i);
    batches.push_back(batch_of({i64_array(v)}));
    ASSERT_TRUE(w->write(batches.back()).is_ok());
  }
  ASSERT_TRUE(w->close().is_ok());
  const std::string file = *fs_.read_file("/out/groups.parquet");
  const FileMetaData meta = footer_of("/out/groups.parquet");
  check_layout(file, meta);
  EXPECT_EQ(meta.num_rows, 20000);
  // 160 KB of values in row groups of about 8 KiB.
  EXPECT_GE(meta.row_groups.size(), 15u);
  EXPECT_LE(meta.row_groups.size(), 25u);
  for (size_t g = 0; g + 1 < meta.row_groups.size(); ++g) {
    EXPECT_GE(*meta.row_groups[g].total_compressed_size, 8 * 1024);
    EXPECT_LT(*meta.row_groups[g].total_compressed_size, 3 * 8 * 1024);
  }
  EXPECT_EQ(read_back("/out/groups.parquet"), jsonl(w->schema(), batches));
}

TEST_F(ParquetWriterTest, HugeBatchIsSplitIntoRowGroupsAtRowBoundaries) {
  const std::vector<SchemaElement> schema = {
      root(1), group("l", 1, Rep::kOptional, ConvertedType::kList),
      group("list", 1, Rep::kRepeated), leaf("element", Type::kInt32, Rep::kOptional)};
  WriterOptions options;
  options.row_group_bytes = 4096;
  options.data_page_bytes = 1024;
  auto w = open("/out/split.parquet", schema, options);
  ASSERT_TRUE(w);
  std::vector<int64_t> offsets{0};
  std::vector<int32_t> values;
  std::vector<uint8_t> valid;
  std::vector<uint8_t> list_valid;
  for (int row = 0; row < 20000; ++row) {
    list_valid.push_back(row % 11 == 0 ? 0 : 1);
    const int n = list_valid.back() ? row % 5 : 0;
    for (int k = 0; k < n; ++k) {
      values.push_back(row * 7 + k);
      valid.push_back(k == 2 ? 0 : 1);
    }
    offsets.push_back(static_cast<int64_t>(values.size()));
  }
  const RowBatch batch = batch_of({list_array(offsets, i32_array(values, valid), list_valid)});
  ASSERT_TRUE(w->write(batch).is_ok());
  ASSERT_TRUE(w->close().is_ok());
  const std::string file = *fs_.read_file("/out/split.parquet");
  const FileMetaData meta = footer_of("/out/split.parquet");
  check_layout(file, meta);
  EXPECT_GT(meta.row_groups.size(), 3u);
  // Pages start at row boundaries: the first rep level of every page is 0.
  for (const RowGroup& g : meta.row_groups) {
    const ColumnMetaData& cm = *g.columns[0].meta_data;
    for (const WalkedPage& p : walk_chunk(file, cm)) {
      if (p.header.type != PageType::kDataPage) continue;
      std::string body;
      const std::string_view stored =
          std::string_view(file).substr(p.offset + p.header_size, p.header.compressed_page_size);
      ASSERT_TRUE(
          decompress_page(cm.codec, stored, p.header.uncompressed_page_size, &body).is_ok());
      auto rep = RleHybridDecoder::make_with_length_prefix(body, 1, 0, nullptr);
      ASSERT_TRUE(rep.is_ok());
      uint32_t first = 9;
      ASSERT_TRUE(rep->decode(&first, 1).is_ok());
      EXPECT_EQ(first, 0u);
    }
  }
  EXPECT_EQ(read_back("/out/split.parquet"), jsonl(w->schema(), {batch}));
}

// ----------------------------------------------------------- round trips --

TEST_F(ParquetWriterTest, RoundTripEveryPhysicalType) {
  SchemaElement fixed = leaf("f", Type::kFixedLenByteArray, Rep::kOptional);
  fixed.type_length = 3;
  const std::vector<SchemaElement> schema = {root(7),
                                             leaf("b", Type::kBoolean, Rep::kOptional),
                                             leaf("i", Type::kInt32, Rep::kRequired),
                                             leaf("l", Type::kInt64, Rep::kOptional),
                                             leaf("x", Type::kFloat, Rep::kRequired),
                                             leaf("d", Type::kDouble, Rep::kOptional),
                                             string_leaf("s", Rep::kOptional),
                                             fixed};
  for (bool dictionary : {true, false}) {
    SCOPED_TRACE(dictionary ? "dictionary" : "plain");
    WriterOptions options;
    options.dictionary = dictionary;
    options.data_page_bytes = 300;
    auto w = open("/out/types.parquet", schema, options);
    ASSERT_TRUE(w);
    const size_t n = 500;
    ValueArray b = leaf_array(Type::kBoolean), i = leaf_array(Type::kInt32),
               l = leaf_array(Type::kInt64), x = leaf_array(Type::kFloat),
               d = leaf_array(Type::kDouble);
    std::vector<std::string> s, f;
    std::vector<uint8_t> valid;
    for (size_t r = 0; r < n; ++r) {
      valid.push_back(r % 6 == 2 ? 0 : 1);
      b.values.bools.push_back(r % 3 == 0 ? 1 : 0);
      i.values.i32.push_back(static_cast<int32_t>(r * 2654435761u));
      l.values.i64.push_back(-static_cast<int64_t>(r) * 1000000007);
      x.values.f32.push_back(r == 7 ? NAN : static_cast<float>(r) / 8.0f - 10.0f);
      d.values.f64.push_back(r % 10 == 0 ? -0.0 : static_cast<double>(r) * 1e-3);
      s.push_back(r % 4 == 0 ? "" : std::string(r % 37, static_cast<char>('a' + r % 26)));
      f.push_back(std::string{static_cast<char>(r), static_cast<char>(r >> 8), '\xff'});
    }
    for (ValueArray* a : {&b, &i, &l, &x, &d}) a->length = n;
    b.validity = valid;
    l.validity = valid;
    d.validity = valid;
    const RowBatch batch = batch_of(
        {b, i, l, x, d, str_array(s, valid), str_array(f, valid, Type::kFixedLenByteArray)});
    ASSERT_TRUE(w->write(batch).is_ok());
    ASSERT_TRUE(w->close().is_ok());
    check_layout(*fs_.read_file("/out/types.parquet"), footer_of("/out/types.parquet"));
    EXPECT_EQ(read_back("/out/types.parquet"), jsonl(w->schema(), {batch}));
  }
}

TEST_F(ParquetWriterTest, Int96RoundTripsThroughTheDictionaryWithoutBounds) {
  auto w = open("/out/int96.parquet", {root(1), leaf("t", Type::kInt96, Rep::kOptional)});
  ASSERT_TRUE(w);
  ValueArray t = leaf_array(Type::kInt96);
  for (int i = 0; i < 300; ++i) {
    Int96 v;
    const uint64_t nanos = static_cast<uint64_t>(i % 7) * 3600000000000ull;
    const uint32_t julian_day = 2440588 + static_cast<uint32_t>(i % 3);
    std::memcpy(v.bytes.data(), &nanos, 8);
    std::memcpy(v.bytes.data() + 8, &julian_day, 4);
    t.values.i96.push_back(v);
    t.validity.push_back(i % 10 == 0 ? 0 : 1);
  }
  t.length = 300;
  const RowBatch batch = batch_of({t});
  ASSERT_TRUE(w->write(batch).is_ok());
  ASSERT_TRUE(w->close().is_ok());
  const std::string file = *fs_.read_file("/out/int96.parquet");
  const FileMetaData meta = footer_of("/out/int96.parquet");
  check_layout(file, meta);
  const ColumnMetaData& cm = *meta.row_groups[0].columns[0].meta_data;
  const auto pages = walk_chunk(file, cm);
  ASSERT_EQ(pages[0].header.type, PageType::kDictionaryPage);
  EXPECT_EQ(pages[0].header.dictionary_page_header->num_values, 21);
  EXPECT_EQ(cm.statistics->null_count, 30);
  EXPECT_FALSE(cm.statistics->min_value.has_value());
  EXPECT_EQ(read_back("/out/int96.parquet"), jsonl(w->schema(), {batch}));
}

TEST_F(ParquetWriterTest, RoundTripNestedShapes) {
  // struct s { optional int32 a; required string b; }, tags LIST<string>,
  // m MAP<string, int64>, ll LIST<LIST<int32>>, nums repeated int32.
  const std::vector<SchemaElement> schema = {
      root(5),
      group("s", 2, Rep::kOptional),
      leaf("a", Type::kInt32, Rep::kOptional),
      string_leaf("b", Rep::kRequired),
      group("tags", 1, Rep::kOptional, ConvertedType::kList),
      group("list", 1, Rep::kRepeated),
      string_leaf("element", Rep::kOptional),
      group("m", 1, Rep::kOptional, ConvertedType::kMap),
      group("key_value", 2, Rep::kRepeated),
      string_leaf("key", Rep::kRequired),
      leaf("value", Type::kInt64, Rep::kOptional),
      group("ll", 1, Rep::kRequired, ConvertedType::kList),
      group("list", 1, Rep::kRepeated),
      group("element", 1, Rep::kOptional, ConvertedType::kList),
      group("list", 1, Rep::kRepeated),
      leaf("element", Type::kInt32, Rep::kRequired),
      leaf("nums", Type::kInt32, Rep::kRepeated),
  };
  auto w = open("/out/nested.parquet", schema);
  ASSERT_TRUE(w);
  // Rows:
  //  0: s{1,"x"}  tags ["a", null]  m {k1: 1, k2: null}  ll [[1, 2], [3]]  nums [1, 2]
  //  1: s null    tags null         m {}                 ll [[], null]     nums []
  //  2: s{null,"z"} tags []         m null               ll []             nums [3]
  ValueArray s;
  s.kind = ValueKind::kStruct;
  s.length = 3;
  s.validity = {1, 0, 1};
  s.children = {i32_array({1, 0, 0}, {1, 0, 0}), str_array({"x", "", "z"}, {1, 0, 1})};
  const ValueArray tags = list_array({0, 2, 2, 2}, str_array({"a", ""}, {1, 0}), {1, 0, 1});
  ValueArray m;
  m.kind = ValueKind::kMap;
  m.length = 3;
  m.offsets = {0, 2, 2, 2};
  m.validity = {1, 1, 0};
  m.children = {str_array({"k1", "k2"}), i64_array({1, 0}, {1, 0})};
  const ValueArray inner = list_array({0, 2, 3, 3, 3}, i32_array({1, 2, 3}), {1, 1, 1, 0});
  const ValueArray ll = list_array({0, 2, 4, 4}, inner);
  const ValueArray nums = list_array({0, 2, 2, 3}, i32_array({1, 2, 3}));
  const RowBatch batch = batch_of({s, tags, m, ll, nums});
  ASSERT_TRUE(w->write(batch).is_ok());
  ASSERT_TRUE(w->write(batch).is_ok());
  ASSERT_TRUE(w->close().is_ok());
  const std::string expected_row0 =
      R"({"s":{"a":1,"b":"x"},"tags":["a",null],"m":[["k1",1],["k2",null]],"ll":[[1,2],[3]],"nums":[1,2]})";
  const std::string got = read_back("/out/nested.parquet");
  EXPECT_EQ(got.substr(0, got.find('\n')), expected_row0);
  EXPECT_EQ(got, jsonl(w->schema(), {batch, batch}));
  check_layout(*fs_.read_file("/out/nested.parquet"), footer_of("/out/nested.parquet"));
}

TEST_F(ParquetWriterTest, RoundTripWithEachCodec) {
  for (CompressionCodec codec : {CompressionCodec::kSnappy, CompressionCodec::kZstd,
                                 CompressionCodec::kGzip, CompressionCodec::kLz4Raw}) {
    SCOPED_TRACE(codec_name(codec));
    WriterOptions options;
    options.codec = codec;
    options.data_page_bytes = 2048;
    options.row_group_bytes = 16 * 1024;
    auto w = open("/out/codec.parquet", flat_schema(), options);
    ASSERT_TRUE(w);
    ASSERT_TRUE(w->write(flat_rows(0, 10000)).is_ok());
    const FileMetaData meta = *w->close();
    EXPECT_GT(meta.row_groups.size(), 1u);
    check_layout(*fs_.read_file("/out/codec.parquet"), meta);
    EXPECT_EQ(read_back("/out/codec.parquet"), jsonl(w->schema(), {flat_rows(0, 10000)}));
  }
}

// ----------------------------------------------------- the file protocol --

TEST_F(ParquetWriterTest, TempFileIsNamedAfterThePathUntilClose) {
  auto w = open("/out/t.parquet", flat_schema());
  ASSERT_TRUE(w);
  const auto names = files_in("/out");
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0].rfind("t.parquet.tmp-", 0), 0u) << names[0];
  EXPECT_EQ(names[0].size(), std::string("t.parquet.tmp-").size() + 16);
  ASSERT_TRUE(w->close().is_ok());
  EXPECT_EQ(files_in("/out"), std::vector<std::string>{"t.parquet"});
}

TEST_F(ParquetWriterTest, DestructionWithoutCloseRemovesTheTempFile) {
  {
    auto w = open("/out/gone.parquet", flat_schema());
    ASSERT_TRUE(w);
    ASSERT_TRUE(w->write(flat_rows(0, 10)).is_ok());
    EXPECT_EQ(files_in("/out").size(), 1u);
  }
  EXPECT_TRUE(files_in("/out").empty());
}

TEST_F(ParquetWriterTest, CloseReplacesAnExistingFile) {
  ASSERT_TRUE(fs_.put_file("/out/r.parquet", "old").is_ok());
  auto w = open("/out/r.parquet", flat_schema());
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->write(flat_rows(0, 5)).is_ok());
  ASSERT_TRUE(w->close().is_ok());
  EXPECT_EQ(footer_of("/out/r.parquet").num_rows, 5);
}

TEST_F(ParquetWriterTest, CloseSurvivesACrash) {
  auto w = open("/out/durable.parquet", flat_schema());
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->write(flat_rows(0, 5)).is_ok());
  ASSERT_TRUE(w->close().is_ok());
  fs_.drop_unsynced_data();
  EXPECT_EQ(footer_of("/out/durable.parquet").num_rows, 5);
}

TEST_F(ParquetWriterTest, FailedWriteLeavesNoFileAtPath) {
  util::FaultInjectingFileSystem faulty(fs_);
  WriterOptions options;
  options.row_group_bytes = 1024;  // the write flushes row groups
  auto opened = ParquetWriter::open(faulty, "/out/f.parquet", flat_schema(), options);
  ASSERT_TRUE(opened.is_ok());
  auto w = std::move(opened).value();
  faulty.fail_nth(util::FsOp::kAppend, 1, /*sticky=*/true);
  const Status st = w->write(flat_rows(0, 5000));
  EXPECT_EQ(st.code(), StatusCode::kIOError) << st.to_string();
  // The writer stays failed.
  EXPECT_FALSE(w->write(flat_rows(0, 1)).is_ok());
  EXPECT_FALSE(w->close().is_ok());
  EXPECT_FALSE(*fs_.exists("/out/f.parquet"));
  EXPECT_TRUE(files_in("/out").empty());
}

TEST_F(ParquetWriterTest, FailedRenameLeavesNoFileAtPath) {
  util::FaultInjectingFileSystem faulty(fs_);
  auto opened = ParquetWriter::open(faulty, "/out/g.parquet", flat_schema());
  ASSERT_TRUE(opened.is_ok());
  auto w = std::move(opened).value();
  ASSERT_TRUE(w->write(flat_rows(0, 50)).is_ok());
  faulty.fail_nth(util::FsOp::kRename, 1);
  EXPECT_FALSE(w->close().is_ok());
  EXPECT_FALSE(*fs_.exists("/out/g.parquet"));
  EXPECT_TRUE(files_in("/out").empty());
}

TEST_F(ParquetWriterTest, FailedSyncLeavesNoFileAtPath) {
  util::FaultInjectingFileSystem faulty(fs_);
  auto opened = ParquetWriter::open(faulty, "/out/h.parquet", flat_schema());
  ASSERT_TRUE(opened.is_ok());
  auto w = std::move(opened).value();
  ASSERT_TRUE(w->write(flat_rows(0, 50)).is_ok());
  faulty.fail_nth(util::FsOp::kSync, 1);
  EXPECT_FALSE(w->close().is_ok());
  EXPECT_FALSE(*fs_.exists("/out/h.parquet"));
  EXPECT_TRUE(files_in("/out").empty());
}

TEST_F(ParquetWriterTest, CloseTwiceAndWriteAfterCloseFail) {
  auto w = open("/out/twice.parquet", flat_schema());
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->close().is_ok());
  EXPECT_EQ(w->close().status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(w->write(flat_rows(0, 1)).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(footer_of("/out/twice.parquet").num_rows, 0);
}

TEST_F(ParquetWriterTest, RealFileSystem) {
  std::string dir = ::testing::TempDir() + "parquet_writer_test_XXXXXX";
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  util::FileSystem& fs = util::posix_file_system();
  const std::string path = util::join_path(dir, "real.parquet");
  {
    auto opened = ParquetWriter::open(fs, path, flat_schema());
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    ASSERT_TRUE((*opened)->write(flat_rows(0, 1000)).is_ok());
    ASSERT_TRUE((*opened)->close().is_ok());
  }
  auto bytes = fs.read_file(path);
  ASSERT_TRUE(bytes.is_ok());
  auto meta = read_footer(*bytes, bytes->size(), path);
  ASSERT_TRUE(meta.is_ok()) << meta.status().to_string();
  EXPECT_EQ(meta->num_rows, 1000);
  EXPECT_EQ(*fs.list_dir(dir), std::vector<std::string>{"real.parquet"});
  ASSERT_TRUE(fs.remove_file(path).is_ok());
  ASSERT_TRUE(fs.remove_dir(dir).is_ok());
}

// -------------------------------------------------------------- checking --

TEST_F(ParquetWriterTest, InvalidBatchWritesNothingAndTheWriterGoesOn) {
  auto w = open("/out/inv.parquet", flat_schema());
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->write(flat_rows(0, 10)).is_ok());
  RowBatch bad = flat_rows(10, 10);
  bad.columns[0].validity.assign(10, 1);
  bad.columns[0].validity[9] = 0;  // null in REQUIRED id, in the last row
  const Status st = w->write(bad);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("'id'"), std::string::npos) << st.message();
  ASSERT_TRUE(w->write(flat_rows(20, 10)).is_ok());
  ASSERT_TRUE(w->close().is_ok());
  EXPECT_EQ(footer_of("/out/inv.parquet").num_rows, 20);
  EXPECT_EQ(read_back("/out/inv.parquet"),
            jsonl(w->schema(), {flat_rows(0, 10), flat_rows(20, 10)}));
}

TEST_F(ParquetWriterTest, BatchWithFieldsOutOfOrderIsRejected) {
  auto w = open("/out/order.parquet", flat_schema());
  ASSERT_TRUE(w);
  RowBatch b = flat_rows(0, 2);
  std::swap(b.fields[1], b.fields[2]);
  EXPECT_EQ(w->write(b).code(), StatusCode::kInvalidArgument);
  RowBatch missing = flat_rows(0, 2);
  missing.fields.pop_back();
  missing.columns.pop_back();
  EXPECT_EQ(w->write(missing).code(), StatusCode::kInvalidArgument);
}

TEST_F(ParquetWriterTest, BatchWithWrongLeafTypeIsRejected) {
  auto w = open("/out/type.parquet", flat_schema());
  ASSERT_TRUE(w);
  RowBatch b = flat_rows(0, 2);
  b.columns[0] = i32_array({1, 2});
  EXPECT_EQ(w->write(b).code(), StatusCode::kInvalidArgument);
}

TEST_F(ParquetWriterTest, BatchWithShortColumnIsRejected) {
  auto w = open("/out/short.parquet", flat_schema());
  ASSERT_TRUE(w);
  RowBatch b = flat_rows(0, 3);
  b.num_rows = 4;
  EXPECT_EQ(w->write(b).code(), StatusCode::kInvalidArgument);
}

TEST_F(ParquetWriterTest, InvalidSchemaIsRejectedAtOpen) {
  std::vector<SchemaElement> schema = {root(2), leaf("a", Type::kInt32, Rep::kRequired)};
  auto w = ParquetWriter::open(fs_, "/out/bad.parquet", schema);
  EXPECT_EQ(w.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(files_in("/out").empty());
}

TEST_F(ParquetWriterTest, SchemaWithoutColumnsIsRejected) {
  auto w = ParquetWriter::open(fs_, "/out/none.parquet", {root(0)});
  EXPECT_EQ(w.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ParquetWriterTest, UnwritableCodecIsRejected) {
  WriterOptions options;
  options.codec = CompressionCodec::kLzo;
  auto w = ParquetWriter::open(fs_, "/out/lzo.parquet", flat_schema(), options);
  EXPECT_EQ(w.status().code(), StatusCode::kUnsupported);
  EXPECT_TRUE(files_in("/out").empty());
}

}  // namespace
}  // namespace medallion::parquet
