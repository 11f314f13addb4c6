#include "formats/parquet/parquet_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <random>

#include "formats/parquet/column_chunk_writer.h"
#include "formats/parquet/level_shredder.h"
#include "formats/parquet/page_compression.h"
#include "formats/parquet/parquet_format.h"

namespace medallion::parquet {

namespace {

using util::Result;
using util::Status;

// Rows shredded and encoded between two checks of the row group's size: a
// row group overshoots row_group_bytes by at most one slice. The first slice
// of a file is small; later ones aim at the bytes left in the row group from
// the bytes per row seen so far.
constexpr size_t kFirstSliceRows = 1024;
constexpr size_t kMaxSliceRows = 64 * 1024;

bool writable_codec(CompressionCodec codec) {
  switch (codec) {
    case CompressionCodec::kUncompressed:
    case CompressionCodec::kSnappy:
    case CompressionCodec::kGzip:
    case CompressionCodec::kZstd:
    case CompressionCodec::kLz4Raw:
      return is_supported_codec(codec);
    default:
      return false;
  }
}

std::string random_hex() {
  std::random_device random;
  const uint64_t v = (uint64_t{random()} << 32) ^ random();
  return fmt::format("{:016x}", v);
}

}  // namespace

struct ParquetWriter::Impl {
  enum class State { kOpen, kFailed, kClosed };

  Impl(util::FileSystem& fs_in, std::string path_in, std::vector<SchemaElement> schema_in,
       SchemaTree tree_in, WriterOptions options_in)
      : fs(fs_in),
        path(std::move(path_in)),
        schema(std::move(schema_in)),
        tree(std::move(tree_in)),
        options(std::move(options_in)) {}

  util::FileSystem& fs;
  std::string path;
  std::string temp_path;
  std::vector<SchemaElement> schema;
  SchemaTree tree;
  WriterOptions options;

  std::unique_ptr<util::WritableFile> file;
  bool temp_exists = false;
  State state = State::kOpen;
  Status failure;  // why state is kFailed

  std::vector<std::unique_ptr<ColumnChunkWriter>> columns;  // one per leaf
  std::vector<bool> flat;                                   // per top-level field
  std::vector<ShreddedLeaf> shredded;                       // scratch

  uint64_t offset = 0;  // bytes written to the file
  int64_t buffered_rows = 0;
  int64_t total_rows = 0;
  std::vector<RowGroup> row_groups;

  Status fail(Status st) {
    state = State::kFailed;
    failure = st;
    return st;
  }

  Status append(std::string_view bytes) {
    MEDALLION_RETURN_IF_ERROR(file->append(bytes));
    offset += bytes.size();
    return Status::ok();
  }

  uint64_t buffered_bytes() const {
    uint64_t sum = 0;
    for (const auto& c : columns) sum += c->buffered_bytes();
    return sum;
  }

  size_t slice_rows(size_t remaining) const {
    double bytes_per_row = 0;
    if (buffered_rows > 0) {
      bytes_per_row = static_cast<double>(buffered_bytes()) / static_cast<double>(buffered_rows);
    } else if (!row_groups.empty() && row_groups.back().num_rows > 0) {
      bytes_per_row = static_cast<double>(row_groups.back().total_compressed_size.value_or(0)) /
                      static_cast<double>(row_groups.back().num_rows);
    }
    size_t rows = kFirstSliceRows;
    if (bytes_per_row > 0) {
      const uint64_t buffered = buffered_rows > 0 ? buffered_bytes() : 0;
      const uint64_t left =
          options.row_group_bytes > buffered ? options.row_group_bytes - buffered : 0;
      const double want = static_cast<double>(left) / bytes_per_row + 1;
      rows = want >= static_cast<double>(kMaxSliceRows) ? kMaxSliceRows : static_cast<size_t>(want);
    }
    const uint64_t held = static_cast<uint64_t>(buffered_rows);
    const uint64_t rows_left = options.row_group_rows > held ? options.row_group_rows - held : 1;
    rows = std::min<size_t>(rows, static_cast<size_t>(std::min<uint64_t>(rows_left, kMaxSliceRows)));
    return std::clamp<size_t>(rows, 1, std::min(remaining, kMaxSliceRows));
  }

  Status validate(const RowBatch& batch) const {
    const size_t n = tree.num_fields();
    if (batch.fields.size() != n || batch.columns.size() != n) {
      return Status::invalid_argument(fmt::format(
          "parquet: the batch has {} fields and {} columns, the schema {} fields ({}): a writer "
          "needs every top-level field, in schema order",
          batch.fields.size(), batch.columns.size(), n, path));
    }
    for (size_t i = 0; i < n; ++i) {
      if (batch.fields[i] != i) {
        return Status::invalid_argument(fmt::format(
            "parquet: batch field {} is schema field {} ({}): a writer needs fields 0..{} in "
            "order",
            i, batch.fields[i], path, n - 1));
      }
    }
    for (size_t i = 0; i < n; ++i) {
      MEDALLION_RETURN_IF_ERROR(
          check_field_array(tree.field(i), batch.columns[i], tree.columns(), batch.num_rows, path));
    }
    return Status::ok();
  }

  Status write_rows(const RowBatch& batch, size_t begin, size_t end) {
    // Flat fields go to their column's writer directly, in parallel when a
    // pool is given; nested fields are shredded first, one at a time.
    std::vector<size_t> flat_fields;
    for (size_t f = 0; f < tree.num_fields(); ++f) {
      const ValueNode& field = tree.field(f);
      if (flat[f]) {
        flat_fields.push_back(f);
        continue;
      }
      shred_field(field, batch.columns[f], begin, end, &shredded);
      for (int k = 0; k < field.num_leaves; ++k) {
        MEDALLION_RETURN_IF_ERROR(columns[static_cast<size_t>(field.first_leaf + k)]->append(
            shredded[static_cast<size_t>(k)]));
      }
    }
    std::vector<Status> statuses(flat_fields.size());
    util::parallel_for(options.pool, flat_fields.size(), [&](size_t i) {
      const size_t f = flat_fields[i];
      statuses[i] = columns[static_cast<size_t>(tree.field(f).leaf)]->append_flat(
          batch.columns[f], begin, end);
    });
    for (Status& st : statuses) MEDALLION_RETURN_IF_ERROR(std::move(st));
    buffered_rows += static_cast<int64_t>(end - begin);
    return Status::ok();
  }

  Status flush_row_group() {
    if (buffered_rows == 0) return Status::ok();
    RowGroup group;
    group.num_rows = buffered_rows;
    group.file_offset = static_cast<int64_t>(offset);
    group.total_byte_size = 0;
    group.total_compressed_size = 0;
    if (row_groups.size() <= static_cast<size_t>(INT16_MAX)) {
      group.ordinal = static_cast<int16_t>(row_groups.size());
    }
    // Each chunk is finished into its own buffer as if it started at offset
    // 0 (in parallel when a pool is given), then written in column order
    // with its offsets moved to where it lands.
    std::vector<std::string> bytes(columns.size());
    std::vector<Result<ColumnMetaData>> metas(columns.size(), Status::internal("not finished"));
    util::parallel_for(options.pool, columns.size(), [&](size_t c) {
      metas[c] = columns[c]->finish(0, [&bytes, c](std::string_view b) {
        bytes[c].append(b);
        return Status::ok();
      });
    });
    for (size_t c = 0; c < columns.size(); ++c) {
      if (!metas[c].is_ok()) return metas[c].status();
      ColumnMetaData meta = std::move(metas[c]).value();
      const auto chunk_offset = static_cast<int64_t>(offset);
      meta.data_page_offset += chunk_offset;
      if (meta.dictionary_page_offset) *meta.dictionary_page_offset += chunk_offset;
      MEDALLION_RETURN_IF_ERROR(append(bytes[c]));
      std::string().swap(bytes[c]);
      group.total_byte_size += meta.total_uncompressed_size;
      *group.total_compressed_size += meta.total_compressed_size;
      ColumnChunk chunk;
      chunk.file_offset = 0;  // deprecated: writers put 0
      chunk.meta_data = std::move(meta);
      group.columns.push_back(std::move(chunk));
    }
    row_groups.push_back(std::move(group));
    total_rows += buffered_rows;
    buffered_rows = 0;
    return Status::ok();
  }

  FileMetaData footer() const {
    FileMetaData meta;
    meta.version = 1;
    meta.schema = schema;
    meta.num_rows = total_rows;
    meta.row_groups = row_groups;
    if (!options.key_value_metadata.empty()) meta.key_value_metadata = options.key_value_metadata;
    meta.created_by = options.created_by;
    meta.column_orders =
        std::vector<ColumnOrder>(tree.columns().size(), ColumnOrder::kTypeDefinedOrder);
    return meta;
  }

  Result<FileMetaData> finish() {
    MEDALLION_RETURN_IF_ERROR(flush_row_group());
    FileMetaData meta = footer();
    const std::string encoded = encode_file_metadata(meta);
    MEDALLION_RETURN_IF_ERROR(append(encoded));
    const uint32_t length = static_cast<uint32_t>(encoded.size());
    char tail[kFooterTailSize];
    for (int i = 0; i < 4; ++i) tail[i] = static_cast<char>(length >> (8 * i));
    std::copy(kMagic.begin(), kMagic.end(), tail + kMetadataLengthSize);
    MEDALLION_RETURN_IF_ERROR(append(std::string_view(tail, kFooterTailSize)));
    MEDALLION_RETURN_IF_ERROR(file->sync());
    MEDALLION_RETURN_IF_ERROR(file->close());
    file.reset();
    MEDALLION_RETURN_IF_ERROR(fs.rename(temp_path, path));
    temp_exists = false;
    MEDALLION_RETURN_IF_ERROR(fs.sync_dir(util::parent_dir(path)));
    return meta;
  }

  void remove_temp() {
    file.reset();
    if (temp_exists) {
      (void)fs.remove_file(temp_path);
      temp_exists = false;
    }
  }
};

util::Result<std::unique_ptr<ParquetWriter>> ParquetWriter::open(util::FileSystem& fs,
                                                                 const std::string& path,
                                                                 std::vector<SchemaElement> schema,
                                                                 WriterOptions options) {
  Result<SchemaTree> tree = SchemaTree::make(schema, path);
  if (!tree.is_ok()) {
    return Status::invalid_argument(fmt::format("parquet: cannot write with this schema ({}): {}",
                                                path, tree.status().message()));
  }
  if (tree->columns().empty()) {
    return Status::invalid_argument(fmt::format(
        "parquet: the schema has no columns ({}): give the root at least one field", path));
  }
  if (!writable_codec(options.codec)) {
    return Status::unsupported(fmt::format(
        "parquet: cannot write codec {} ({}): use UNCOMPRESSED, SNAPPY, GZIP, ZSTD or LZ4_RAW",
        codec_name(options.codec), path));
  }
  auto impl = std::make_unique<Impl>(fs, path, std::move(schema), std::move(tree).value(),
                                     std::move(options));
  const ColumnChunkOptions chunk_options{impl->options.codec, impl->options.compression_level,
                                         impl->options.data_page_bytes, impl->options.dictionary,
                                         impl->options.dictionary_page_bytes};
  for (const ColumnDescriptor& column : impl->tree.columns()) {
    impl->columns.push_back(ColumnChunkWriter::make(column, chunk_options));
  }
  for (size_t f = 0; f < impl->tree.num_fields(); ++f) {
    const ValueNode& field = impl->tree.field(f);
    impl->flat.push_back(field.kind == ValueKind::kLeaf && field.rep_level == 0 &&
                         field.def_level <= 1);
  }

  impl->temp_path = path + ".tmp-" + random_hex();
  MEDALLION_ASSIGN_OR_RETURN(impl->file,
                             fs.create_writable(impl->temp_path, util::CreateMode::kExclusive));
  impl->temp_exists = true;
  if (Status st = impl->append(kMagic); !st.is_ok()) {
    impl->remove_temp();
    return st;
  }
  return std::unique_ptr<ParquetWriter>(new ParquetWriter(std::move(impl)));
}

ParquetWriter::ParquetWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ParquetWriter::~ParquetWriter() {
  if (impl_) impl_->remove_temp();
}

const SchemaTree& ParquetWriter::schema() const { return impl_->tree; }

util::Status ParquetWriter::write(const RowBatch& batch) {
  Impl& w = *impl_;
  if (w.state == Impl::State::kClosed) {
    return Status::invalid_argument(
        fmt::format("parquet: write after close ({}): open a new writer", w.path));
  }
  if (w.state == Impl::State::kFailed) {
    return w.failure.with_context(fmt::format("parquet: writer failed earlier ({})", w.path));
  }
  MEDALLION_RETURN_IF_ERROR(w.validate(batch));
  size_t row = 0;
  while (row < batch.num_rows) {
    const size_t end = row + w.slice_rows(batch.num_rows - row);
    if (Status st = w.write_rows(batch, row, end); !st.is_ok()) return w.fail(st);
    row = end;
    if (w.buffered_bytes() >= w.options.row_group_bytes ||
        static_cast<uint64_t>(w.buffered_rows) >= w.options.row_group_rows) {
      if (Status st = w.flush_row_group(); !st.is_ok()) return w.fail(st);
    }
  }
  return Status::ok();
}

util::Result<FileMetaData> ParquetWriter::close() {
  Impl& w = *impl_;
  if (w.state == Impl::State::kClosed) {
    return Status::invalid_argument(
        fmt::format("parquet: close called twice ({}): the file is already written", w.path));
  }
  if (w.state == Impl::State::kFailed) {
    w.remove_temp();
    return w.failure.with_context(fmt::format("parquet: writer failed earlier ({})", w.path));
  }
  Result<FileMetaData> meta = w.finish();
  if (!meta.is_ok()) {
    (void)w.fail(meta.status());
    w.remove_temp();
    return meta.status();
  }
  w.state = Impl::State::kClosed;
  return meta;
}

}  // namespace medallion::parquet
