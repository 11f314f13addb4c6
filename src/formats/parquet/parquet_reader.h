// ParquetReader: opens a Parquet file, decodes its footer and schema, and
// reads row groups (all top-level fields, or a projection) into RowBatches.
//
// Only the byte ranges of the projected fields' column chunks are read (one
// pread each); the footer is read with one pread of the file's tail (two if
// the metadata is larger than the first guess). See column_chunk_reader.h for
// the page checks and record_assembler.h for nesting; row_group_filter.h
// tells which row groups a predicate can skip.
//
// Errors name the file: "parquet: <what> (<path>, ...): <what to do>".
//
// Thread safety: after open(), read_row_group may be called from several
// threads at once.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "formats/parquet/column_chunk_reader.h"
#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/parquet_schema.h"
#include "formats/parquet/value_array.h"
#include "util/file_system.h"
#include "util/status.h"
#include "util/thread_pool.h"

namespace medallion::parquet {

struct ReaderOptions {
  bool verify_checksums = true;  // check page CRC-32s where the writer stored them
  // When set, the fields of a row group are decoded in parallel on this
  // pool (util::parallel_for); the file is read with pread, which is safe
  // from several threads.
  util::ThreadPool* pool = nullptr;
};

class ParquetReader {
 public:
  static util::Result<std::unique_ptr<ParquetReader>> open(util::FileSystem& fs,
                                                           const std::string& path,
                                                           ReaderOptions options = {});

  const std::string& path() const { return path_; }
  uint64_t file_size() const { return file_->size(); }
  const FileMetaData& metadata() const { return metadata_; }
  const SchemaTree& schema() const { return schema_; }
  size_t num_row_groups() const { return metadata_.row_groups.size(); }

  // The indices of the top-level fields named; an unknown name is
  // invalid_argument listing the file's fields.
  util::Result<std::vector<size_t>> resolve_fields(const std::vector<std::string>& names) const;
  // Every top-level field, in order.
  std::vector<size_t> all_fields() const;

  // Reads row group `index` for the top-level fields `fields`.
  util::Result<RowBatch> read_row_group(size_t index, const std::vector<size_t>& fields) const;

 private:
  ParquetReader() = default;
  // One field (index already checked) of one row group.
  util::Result<ValueArray> read_field(size_t row_group, size_t field_index) const;

  std::string path_;
  std::unique_ptr<util::RandomAccessFile> file_;
  ReaderOptions options_;
  FileMetaData metadata_;
  SchemaTree schema_;
};

}  // namespace medallion::parquet
