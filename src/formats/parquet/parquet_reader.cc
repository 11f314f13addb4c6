#include "formats/parquet/parquet_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "formats/parquet/parquet_footer.h"
#include "formats/parquet/parquet_format.h"
#include "formats/parquet/record_assembler.h"

namespace medallion::parquet {
namespace {

using util::Result;
using util::Status;

// The first read of the tail: large enough for most footers.
constexpr uint64_t kFooterGuess = 64 * 1024;

}  // namespace

util::Result<std::unique_ptr<ParquetReader>> ParquetReader::open(util::FileSystem& fs,
                                                                 const std::string& path,
                                                                 ReaderOptions options) {
  std::unique_ptr<ParquetReader> reader(new ParquetReader());
  reader->path_ = path;
  reader->options_ = options;
  MEDALLION_ASSIGN_OR_RETURN(reader->file_, fs.open_random_access(path));
  const uint64_t size = reader->file_->size();
  if (size < kMinFileSize) {
    return Status::corruption(fmt::format(
        "parquet: the file is {} bytes, too short to be Parquet ({}): expected at least {} bytes",
        size, path, kMinFileSize));
  }
  std::string head(kMagicSize, '\0');
  MEDALLION_RETURN_IF_ERROR(reader->file_->read_at(0, kMagicSize, head.data()));
  MEDALLION_RETURN_IF_ERROR(check_leading_magic(head, path));

  uint64_t tail_size = std::min(size, kFooterGuess);
  std::string tail(tail_size, '\0');
  MEDALLION_RETURN_IF_ERROR(reader->file_->read_at(size - tail_size, tail_size, tail.data()));
  MEDALLION_ASSIGN_OR_RETURN(FooterLocation location,
                             locate_footer(std::string_view(tail).substr(tail_size - kFooterTailSize),
                                           size, path));
  const uint64_t needed = static_cast<uint64_t>(location.metadata_length) + kFooterTailSize;
  if (needed > tail_size) {
    tail_size = needed;
    tail.assign(tail_size, '\0');
    MEDALLION_RETURN_IF_ERROR(reader->file_->read_at(size - tail_size, tail_size, tail.data()));
  }
  MEDALLION_ASSIGN_OR_RETURN(reader->metadata_, read_footer(tail, size, path));
  MEDALLION_ASSIGN_OR_RETURN(reader->schema_, SchemaTree::make(reader->metadata_.schema, path));
  const size_t leaves = reader->schema_.columns().size();
  for (size_t i = 0; i < reader->metadata_.row_groups.size(); ++i) {
    const RowGroup& rg = reader->metadata_.row_groups[i];
    if (rg.columns.size() != leaves || rg.num_rows < 0) {
      return Status::corruption(fmt::format(
          "parquet: row group {} has {} column chunks and {} rows for a schema of {} columns ({}): "
          "the footer is corrupt",
          i, rg.columns.size(), rg.num_rows, leaves, path));
    }
  }
  return reader;
}

std::vector<size_t> ParquetReader::all_fields() const {
  std::vector<size_t> fields(schema_.num_fields());
  for (size_t i = 0; i < fields.size(); ++i) fields[i] = i;
  return fields;
}

util::Result<std::vector<size_t>> ParquetReader::resolve_fields(
    const std::vector<std::string>& names) const {
  std::vector<size_t> fields;
  for (const std::string& name : names) {
    const auto index = schema_.field_index(name);
    if (!index) {
      std::string known;
      for (const ValueNode& f : schema_.root().children) known += (known.empty() ? "" : ", ") + f.name;
      return Status::invalid_argument(fmt::format(
          "parquet: no column '{}' in {}: the file has {}", name, path_, known));
    }
    fields.push_back(*index);
  }
  return fields;
}

util::Result<RowBatch> ParquetReader::read_row_group(size_t index,
                                                     const std::vector<size_t>& fields) const {
  if (index >= metadata_.row_groups.size()) {
    return Status::invalid_argument(fmt::format("parquet: no row group {} ({} has {})", index,
                                                path_, metadata_.row_groups.size()));
  }
  for (size_t field_index : fields) {
    if (field_index >= schema_.num_fields()) {
      return Status::invalid_argument(
          fmt::format("parquet: no field {} ({} has {})", field_index, path_, schema_.num_fields()));
    }
  }
  RowBatch batch;
  batch.num_rows = static_cast<size_t>(metadata_.row_groups[index].num_rows);
  batch.fields = fields;
  // Fields are independent: they are read in parallel when a pool is given,
  // and the first failure in field order is reported.
  std::vector<util::Result<ValueArray>> arrays(fields.size(), Status::internal("not read"));
  util::parallel_for(options_.pool, fields.size(), [&](size_t i) {
    arrays[i] = read_field(index, fields[i]);
  });
  for (auto& array : arrays) {
    if (!array.is_ok()) return array.status();
    batch.columns.push_back(std::move(array).value());
  }
  return batch;
}

util::Result<ValueArray> ParquetReader::read_field(size_t row_group, size_t field_index) const {
  const RowGroup& rg = metadata_.row_groups[row_group];
  const auto& columns = schema_.columns();
  ColumnChunkReadOptions chunk_options;
  chunk_options.verify_checksums = options_.verify_checksums;
  // The chunk's bytes, not zero-filled before the read overwrites them; one
  // buffer for every leaf of the field.
  std::unique_ptr<char[]> bytes;
  uint64_t bytes_capacity = 0;
  const ValueNode& field = schema_.field(field_index);
  std::vector<ColumnChunkData> chunks;
  for (int leaf = field.first_leaf; leaf < field.first_leaf + field.num_leaves; ++leaf) {
    const ColumnDescriptor& column = columns[static_cast<size_t>(leaf)];
    const ColumnChunk& chunk = rg.columns[static_cast<size_t>(leaf)];
    if (chunk.file_path) {
      return Status::unsupported(fmt::format(
          "parquet: column {} of row group {} lives in another file '{}' ({}): read the data "
          "files, not the summary file",
          column.dotted_path(), row_group, *chunk.file_path, path_));
    }
    if (!chunk.meta_data) {
      return Status::corruption(fmt::format(
          "parquet: column {} of row group {} has no metadata ({}): the footer is corrupt",
          column.dotted_path(), row_group, path_));
    }
    const ColumnMetaData& meta = *chunk.meta_data;
    if (meta.type != column.physical_type) {
      return Status::corruption(fmt::format(
          "parquet: column {} of row group {} holds {} values where the schema says {} ({}): "
          "the footer is corrupt",
          column.dotted_path(), row_group, type_name(meta.type), type_name(column.physical_type),
          path_));
    }
    MEDALLION_ASSIGN_OR_RETURN(ByteRange range, column_chunk_range(meta, file_->size(), path_,
                                                                   column.dotted_path()));
    if (range.length > bytes_capacity || bytes == nullptr) {
      bytes_capacity = std::max<uint64_t>(range.length, 1);
      bytes = std::make_unique_for_overwrite<char[]>(static_cast<size_t>(bytes_capacity));
    }
    MEDALLION_RETURN_IF_ERROR(file_->read_at(range.offset, range.length, bytes.get()));
    MEDALLION_ASSIGN_OR_RETURN(
        ColumnChunkData data,
        decode_column_chunk(std::string_view(bytes.get(), static_cast<size_t>(range.length)),
                            range.offset, column, meta, chunk_options, path_));
    chunks.push_back(std::move(data));
  }
  return assemble_field(field, columns, chunks, static_cast<size_t>(rg.num_rows), path_);
}

}  // namespace medallion::parquet
