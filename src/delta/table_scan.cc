#include "delta/table_scan.h"

#include <algorithm>

#include <fmt/format.h>

#include "delta/column_conform.h"
#include "delta/deletion_vector.h"
#include "delta/partition_value.h"
#include "formats/parquet/parquet_reader.h"
#include "util/thread_pool.h"

namespace medallion::delta {
namespace {

using parquet::ColumnDescriptor;
using parquet::Type;
using parquet::ValueArray;
using parquet::ValueNode;

// `length` copies of a partition value, in the canonical storage of its
// column (a leaf of output_tree).
ValueArray make_constant_array(const Scalar& value, const ValueNode& node,
                               const std::vector<ColumnDescriptor>& columns, size_t length) {
  if (value.is_null) return make_null_array(node, columns, length);
  const ColumnDescriptor& column = columns[static_cast<size_t>(node.leaf)];
  ValueArray out = parquet::make_empty_array(node, columns);
  out.length = length;
  parquet::LeafValues& v = out.values;
  switch (column.physical_type) {
    case Type::kBoolean:
      v.bools.assign(length, value.int_value != 0);
      break;
    case Type::kInt32:
      v.i32.assign(length, static_cast<int32_t>(value.int_value));
      break;
    case Type::kInt64:
      v.i64.assign(length, value.int_value);
      break;
    case Type::kFloat:
      v.f32.assign(length, static_cast<float>(value.float_value));
      break;
    case Type::kDouble:
      v.f64.assign(length, value.float_value);
      break;
    case Type::kFixedLenByteArray: {  // a wide decimal
      std::string bytes(static_cast<size_t>(column.type_length), '\0');
      __int128 x = value.decimal_unscaled();
      for (size_t k = bytes.size(); k-- > 0;) {
        bytes[k] = static_cast<char>(static_cast<unsigned char>(x & 0xff));
        x >>= 8;
      }
      for (size_t i = 0; i < length; ++i) v.bytes.append(bytes);
      break;
    }
    case Type::kByteArray:
      for (size_t i = 0; i < length; ++i) v.bytes.append(value.bytes);
      break;
    case Type::kInt96:
      break;  // never canonical
  }
  return out;
}

}  // namespace

util::Result<std::string> data_file_path(const std::string& table_root, const std::string& path) {
  MEDALLION_ASSIGN_OR_RETURN(std::string decoded, uri_decode_path(path));
  constexpr std::string_view kFileScheme = "file:";
  if (decoded.rfind(kFileScheme, 0) == 0) {
    std::string_view rest = std::string_view(decoded).substr(kFileScheme.size());
    while (rest.size() > 1 && rest[0] == '/' && rest[1] == '/') rest.remove_prefix(1);
    return std::string(rest);
  }
  if (decoded.find("://") != std::string::npos) {
    return util::Status::unsupported(fmt::format(
        "delta: data file {} of table {} is not on the local file system: medallion reads "
        "local tables only",
        path, table_root));
  }
  if (!decoded.empty() && decoded[0] == '/') return decoded;
  return util::join_path(table_root, decoded);
}

util::Result<TableScan> TableScan::prepare(const Snapshot& snapshot, const ScanOptions& options) {
  TableScan scan;
  scan.snapshot_ = &snapshot;
  const auto& partition_columns = snapshot.metadata.partition_columns;
  if (options.columns.empty()) {
    scan.output_schema_ = snapshot.schema;
  } else {
    for (const std::string& name : options.columns) {
      const Field* field = snapshot.schema.find(name);
      if (field == nullptr) {
        std::string names;
        for (const Field& f : snapshot.schema.fields) names += (names.empty() ? "" : ", ") + f.name;
        return util::Status::invalid_argument(fmt::format(
            "delta: table {} has no column '{}': its columns are {}", snapshot.table_root, name,
            names));
      }
      scan.output_schema_.fields.push_back(*field);
    }
  }
  for (const Field& field : scan.output_schema_.fields) {
    scan.is_partition_.push_back(std::find(partition_columns.begin(), partition_columns.end(),
                                           field.name) != partition_columns.end());
  }
  MEDALLION_ASSIGN_OR_RETURN(
      parquet::SchemaTree tree,
      parquet::SchemaTree::make(to_parquet_schema(scan.output_schema_, ColumnMappingMode::kNone),
                                snapshot.table_root));
  scan.output_tree_ = std::make_shared<parquet::SchemaTree>(std::move(tree));
  return scan;
}

util::Status TableScan::choose_files(const std::vector<const AddFile*>& candidates,
                                     const std::vector<ColumnPredicate>& filter) {
  const Snapshot& snapshot = *snapshot_;
  FilterContext context{&snapshot.schema, &snapshot.metadata.partition_columns,
                        snapshot.column_mapping};
  MEDALLION_RETURN_IF_ERROR(check_filter(context, filter));
  for (const AddFile* file : candidates) {
    if (filter.empty() || file_may_match(context, *file, filter)) {
      files_.push_back(file);
    } else {
      ++files_skipped_;
    }
  }
  return util::Status::ok();
}

util::Result<TableScan> TableScan::make(const Snapshot& snapshot, ScanOptions options) {
  MEDALLION_ASSIGN_OR_RETURN(TableScan scan, prepare(snapshot, options));
  std::vector<const AddFile*> candidates;
  candidates.reserve(snapshot.files.size());
  for (const AddFile& file : snapshot.files) candidates.push_back(&file);
  MEDALLION_RETURN_IF_ERROR(scan.choose_files(candidates, options.filter));
  return scan;
}

util::Result<TableScan> TableScan::for_files(const Snapshot& snapshot,
                                             std::vector<const AddFile*> files,
                                             ScanOptions options) {
  MEDALLION_ASSIGN_OR_RETURN(TableScan scan, prepare(snapshot, options));
  MEDALLION_RETURN_IF_ERROR(scan.choose_files(files, options.filter));
  return scan;
}

util::Status TableScan::read_file(util::FileSystem& fs, size_t index, const BatchSink& sink) const {
  const AddFile& file = *files_[index];
  const std::string& root = snapshot_->table_root;
  const ColumnMappingMode mode = snapshot_->column_mapping;
  MEDALLION_ASSIGN_OR_RETURN(std::string path, data_file_path(root, file.path));
  parquet::ReaderOptions reader_options;
  reader_options.pool = &util::cpu_pool();  // the file's columns decode in parallel
  MEDALLION_ASSIGN_OR_RETURN(auto reader, parquet::ParquetReader::open(fs, path, reader_options));

  // Where each output field comes from: a partition value, a file field, or
  // nowhere (a column added after the file was written).
  const size_t num_fields = output_schema_.fields.size();
  std::vector<int> file_field(num_fields, -1);
  std::vector<Scalar> partition_value(num_fields);
  std::vector<size_t> read_fields;
  for (size_t f = 0; f < num_fields; ++f) {
    const Field& field = output_schema_.fields[f];
    if (is_partition_[f]) {
      // Partition values are keyed by physical name under column mapping.
      auto it = file.partition_values.find(physical_name(field, mode));
      std::optional<std::string> serialized;
      if (it != file.partition_values.end()) serialized = it->second;
      auto value = parse_partition_value(field.type, serialized, field.name);
      if (!value.is_ok()) {
        return value.status().with_context(fmt::format(
            "delta: data file {} of table {} has a bad partition value", file.path, root));
      }
      partition_value[f] = std::move(value).value();
      continue;
    }
    int found = find_file_child(reader->schema().root(), reader->metadata().schema, field, mode);
    if (found >= 0) {
      file_field[f] = static_cast<int>(read_fields.size());
      read_fields.push_back(static_cast<size_t>(found));
    }
  }

  std::vector<uint64_t> deleted;
  if (file.deletion_vector) {
    MEDALLION_ASSIGN_OR_RETURN(deleted, load_deletion_vector(fs, root, *file.deletion_vector));
  }
  size_t next_deleted = 0;
  uint64_t first_row = 0;
  for (size_t g = 0; g < reader->num_row_groups(); ++g) {
    MEDALLION_ASSIGN_OR_RETURN(parquet::RowBatch read, reader->read_row_group(g, read_fields));
    parquet::RowBatch out;
    out.num_rows = read.num_rows;
    for (size_t f = 0; f < num_fields; ++f) {
      const ValueNode& target = output_tree_->field(f);
      out.fields.push_back(f);
      if (is_partition_[f]) {
        out.columns.push_back(make_constant_array(partition_value[f], target,
                                                  output_tree_->columns(), read.num_rows));
      } else if (file_field[f] < 0) {
        out.columns.push_back(make_null_array(target, output_tree_->columns(), read.num_rows));
      } else {
        size_t k = static_cast<size_t>(file_field[f]);
        FileColumn source{&reader->schema().field(read.fields[k]), &reader->schema().columns(),
                          &reader->metadata().schema};
        MEDALLION_ASSIGN_OR_RETURN(
            ValueArray column,
            conform_array(std::move(read.columns[k]), source, output_schema_.fields[f], target,
                          output_tree_->columns(), mode, path));
        out.columns.push_back(std::move(column));
      }
    }
    // Rows of this row group that the deletion vector removes.
    uint64_t end_row = first_row + read.num_rows;
    if (next_deleted < deleted.size() && deleted[next_deleted] < end_row) {
      std::vector<uint8_t> keep(read.num_rows, 1);
      size_t removed = 0;
      while (next_deleted < deleted.size() && deleted[next_deleted] < end_row) {
        if (deleted[next_deleted] >= first_row) {
          keep[deleted[next_deleted] - first_row] = 0;
          ++removed;
        }
        ++next_deleted;
      }
      for (ValueArray& column : out.columns) parquet::retain_rows(&column, keep);
      out.num_rows -= removed;
    }
    first_row = end_row;
    MEDALLION_RETURN_IF_ERROR(sink(std::move(out)));
  }
  return util::Status::ok();
}

util::Status TableScan::read_all(util::FileSystem& fs, const BatchSink& sink) const {
  for (size_t i = 0; i < files_.size(); ++i) MEDALLION_RETURN_IF_ERROR(read_file(fs, i, sink));
  return util::Status::ok();
}

}  // namespace medallion::delta
