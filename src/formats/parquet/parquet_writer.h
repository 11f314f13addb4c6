// ParquetWriter: writes one Parquet file from RowBatches (value_array.h).
//
// Layout written (see docs/parquet.md):
//   "PAR1" row_group* FileMetaData u32le(length) "PAR1"
//   row_group := column_chunk per leaf, in schema order
//   column_chunk := [dictionary_page] data_page(v1)+
// Each data page holds RLE-hybrid repetition levels (when max_rep > 0) and
// definition levels (when max_def > 0), each with its u32le length prefix,
// then the values: RLE_DICTIONARY indices while the column's dictionary stays
// under options.dictionary_page_bytes, PLAIN after the fallback. Column chunk
// statistics (min_value/max_value/null_count; min/max too for signed types)
// use the type's defined order: signed for INT32/INT64, unsigned bytewise
// for BYTE_ARRAY/FIXED_LEN_BYTE_ARRAY, IEEE for FLOAT/DOUBLE without NaNs.
//
// A row group is cut once its buffered, encoded size reaches
// options.row_group_bytes or it holds options.row_group_rows rows (checked
// between slices of at most 64Ki rows, so a large batch spans row groups; a
// row never does). Each row group's column
// chunks are buffered in memory until it is written. The file is written to
// "<path>.tmp-<16 hex digits>" (created exclusively) and renamed to `path`
// only by a successful close(), after an fsync, followed by an fsync of the
// directory; a writer destroyed before close() removes its temporary file.
// After an I/O error the writer is failed: later calls return that error and
// close() removes the temporary file, so nothing ever appears at `path`.
// docs/parquet.md ("Writing") has the details: levels, dictionary fallback,
// page cuts, the metadata and statistics written.
//
// Thread safety: one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/parquet_schema.h"
#include "formats/parquet/value_array.h"
#include "util/file_system.h"
#include "util/status.h"
#include "util/thread_pool.h"

namespace medallion::parquet {

struct WriterOptions {
  // UNCOMPRESSED, SNAPPY, GZIP, ZSTD or LZ4_RAW; others fail open().
  CompressionCodec codec = CompressionCodec::kSnappy;
  int compression_level = 0;                    // 0: the codec's default
  uint64_t row_group_bytes = 128ull << 20;      // encoded bytes before a row group is cut
  // Rows before a row group is cut: row groups of ~128Ki rows keep a
  // reader's working set small (DuckDB writes 122,880) and give statistics
  // a useful grain.
  uint64_t row_group_rows = 128ull << 10;
  uint64_t data_page_bytes = 1ull << 20;        // target size of a data page
  bool dictionary = true;                       // try dictionary encoding first (not BOOLEAN)
  uint64_t dictionary_page_bytes = 1ull << 20;  // fallback to PLAIN past this
  std::vector<KeyValue> key_value_metadata;     // written when not empty
  std::string created_by = "medallion";
  // When set, the columns of a row group are encoded and compressed in
  // parallel on this pool (util::parallel_for); the file's bytes are the
  // same either way.
  util::ThreadPool* pool = nullptr;
};

class ParquetWriter {
 public:
  // `schema` is the flattened tree (element 0 the root), validated with
  // SchemaTree::make (invalid_argument when it is not one tree or has no
  // leaf) and written to the footer exactly as given. Creates the temporary
  // file and writes the leading magic.
  static util::Result<std::unique_ptr<ParquetWriter>> open(util::FileSystem& fs,
                                                           const std::string& path,
                                                           std::vector<SchemaElement> schema,
                                                           WriterOptions options = {});
  ~ParquetWriter();

  const SchemaTree& schema() const;

  // Appends the rows of `batch`, which must hold every top-level field in
  // order (fields 0..n-1) with arrays of the schema's shape; fails with
  // invalid_argument (writing nothing, the writer stays usable) when it does
  // not, or when a slot the schema makes non-null is null. The batch is read
  // during the call only.
  util::Status write(const RowBatch& batch);

  // Flushes the last row group, writes the footer, syncs and renames the file
  // into place. Returns the footer written. A file without rows has no row
  // groups. A second close() is invalid_argument.
  util::Result<FileMetaData> close();

 private:
  struct Impl;
  explicit ParquetWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace medallion::parquet
