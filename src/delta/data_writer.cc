#include "delta/data_writer.h"

#include <fmt/format.h>

#include <map>
#include <optional>

#include "delta/column_conform.h"
#include "delta/file_stats_writer.h"
#include "delta/partition_value.h"
#include "delta/scalar.h"
#include "util/random_uuid.h"
#include "util/thread_pool.h"

namespace medallion::delta {
namespace {

std::string_view codec_extension(parquet::CompressionCodec codec) {
  switch (codec) {
    case parquet::CompressionCodec::kUncompressed: return "";
    case parquet::CompressionCodec::kSnappy: return ".snappy";
    case parquet::CompressionCodec::kGzip: return ".gz";
    case parquet::CompressionCodec::kLzo: return ".lzo";
    case parquet::CompressionCodec::kBrotli: return ".br";
    case parquet::CompressionCodec::kLz4: return ".lz4";
    case parquet::CompressionCodec::kZstd: return ".zstd";
    case parquet::CompressionCodec::kLz4Raw: return ".lz4raw";
  }
  return "";
}

Int128 big_endian_to_int128(std::string_view bytes) {
  if (bytes.empty()) return 0;
  Int128 v = static_cast<int8_t>(bytes[0]) < 0 ? -1 : 0;
  for (char c : bytes) {
    v = static_cast<Int128>((static_cast<unsigned __int128>(v) << 8) | static_cast<uint8_t>(c));
  }
  return v;
}

// The value of slot `row` of a partition column's leaf array.
util::Result<Scalar> leaf_scalar(const DataType& type, const parquet::ValueArray& array, size_t row,
                                 const std::string& column) {
  if (array.is_null(row)) return Scalar::null_of(type);
  const parquet::LeafValues& v = array.values;
  auto bad = [&] {
    return util::Status::invalid_argument(fmt::format(
        "delta: partition column {} is not stored as its type {} in the batch: pass canonical "
        "storage (to_parquet_schema(schema, kNone))",
        column, type.to_string()));
  };
  auto need = [&](parquet::Type t) { return v.type == t && row < v.size(); };
  switch (type.kind) {
    case TypeKind::kBoolean:
      if (!need(parquet::Type::kBoolean)) return bad();
      return Scalar::of_boolean(v.bools[row] != 0);
    case TypeKind::kByte:
      if (!need(parquet::Type::kInt32)) return bad();
      return Scalar::of_byte(static_cast<int8_t>(v.i32[row]));
    case TypeKind::kShort:
      if (!need(parquet::Type::kInt32)) return bad();
      return Scalar::of_short(static_cast<int16_t>(v.i32[row]));
    case TypeKind::kInteger:
      if (!need(parquet::Type::kInt32)) return bad();
      return Scalar::of_integer(v.i32[row]);
    case TypeKind::kDate:
      if (!need(parquet::Type::kInt32)) return bad();
      return Scalar::of_date(v.i32[row]);
    case TypeKind::kLong:
      if (!need(parquet::Type::kInt64)) return bad();
      return Scalar::of_long(v.i64[row]);
    case TypeKind::kTimestamp:
      if (!need(parquet::Type::kInt64)) return bad();
      return Scalar::of_timestamp(v.i64[row]);
    case TypeKind::kTimestampNtz:
      if (!need(parquet::Type::kInt64)) return bad();
      return Scalar::of_timestamp_ntz(v.i64[row]);
    case TypeKind::kFloat:
      if (!need(parquet::Type::kFloat)) return bad();
      return Scalar::of_float(v.f32[row]);
    case TypeKind::kDouble:
      if (!need(parquet::Type::kDouble)) return bad();
      return Scalar::of_double(v.f64[row]);
    case TypeKind::kDecimal:
      if (need(parquet::Type::kInt32)) return Scalar::of_decimal(v.i32[row], type.precision, type.scale);
      if (need(parquet::Type::kInt64)) return Scalar::of_decimal(v.i64[row], type.precision, type.scale);
      if (need(parquet::Type::kFixedLenByteArray)) {
        return Scalar::of_decimal(big_endian_to_int128(v.bytes.value(row)), type.precision, type.scale);
      }
      return bad();
    case TypeKind::kString:
      if (!need(parquet::Type::kByteArray)) return bad();
      return Scalar::of_string(std::string(v.bytes.value(row)));
    case TypeKind::kBinary:
      if (!need(parquet::Type::kByteArray)) return bad();
      return Scalar::of_binary(std::string(v.bytes.value(row)));
    default:
      return bad();
  }
}

void take_leaf(const parquet::LeafValues& in, const std::vector<size_t>& idx, parquet::LeafValues* out) {
  out->reserve(idx.size());
  switch (in.type) {
    case parquet::Type::kBoolean:
      for (size_t i : idx) out->bools.push_back(in.bools[i]);
      break;
    case parquet::Type::kInt32:
      for (size_t i : idx) out->i32.push_back(in.i32[i]);
      break;
    case parquet::Type::kInt64:
      for (size_t i : idx) out->i64.push_back(in.i64[i]);
      break;
    case parquet::Type::kInt96:
      for (size_t i : idx) out->i96.push_back(in.i96[i]);
      break;
    case parquet::Type::kFloat:
      for (size_t i : idx) out->f32.push_back(in.f32[i]);
      break;
    case parquet::Type::kDouble:
      for (size_t i : idx) out->f64.push_back(in.f64[i]);
      break;
    case parquet::Type::kByteArray:
    case parquet::Type::kFixedLenByteArray:
      for (size_t i : idx) out->bytes.append(in.bytes.value(i));
      break;
  }
}

// Checks that `array` has the shape take_rows relies on (lengths, offsets,
// validity and values sized consistently).
bool well_formed(const parquet::ValueArray& a) {
  const size_t n = a.length;
  if (!a.validity.empty() && a.validity.size() != n) return false;
  switch (a.kind) {
    case parquet::ValueKind::kLeaf:
      return a.values.size() == n;
    case parquet::ValueKind::kStruct:
      for (const auto& c : a.children) {
        if (c.length != n || !well_formed(c)) return false;
      }
      return true;
    case parquet::ValueKind::kList:
    case parquet::ValueKind::kMap: {
      if (a.offsets.size() != n + 1 || a.offsets[0] != 0) return false;
      for (size_t i = 0; i < n; ++i) {
        if (a.offsets[i + 1] < a.offsets[i]) return false;
      }
      if (a.children.empty()) return false;
      for (const auto& c : a.children) {
        if (c.length != static_cast<size_t>(a.offsets[n]) || !well_formed(c)) return false;
      }
      return true;
    }
  }
  return false;
}

}  // namespace

parquet::ValueArray take_rows(const parquet::ValueArray& array, const std::vector<size_t>& idx) {
  parquet::ValueArray out;
  out.kind = array.kind;
  out.length = idx.size();
  if (!array.validity.empty()) {
    out.validity.reserve(idx.size());
    for (size_t i : idx) out.validity.push_back(array.validity[i]);
  }
  switch (array.kind) {
    case parquet::ValueKind::kLeaf:
      out.values = parquet::LeafValues(array.values.type);
      take_leaf(array.values, idx, &out.values);
      break;
    case parquet::ValueKind::kStruct:
      for (const auto& child : array.children) out.children.push_back(take_rows(child, idx));
      break;
    case parquet::ValueKind::kList:
    case parquet::ValueKind::kMap: {
      std::vector<size_t> inner;
      out.offsets.reserve(idx.size() + 1);
      out.offsets.push_back(0);
      for (size_t i : idx) {
        for (int64_t j = array.offsets[i]; j < array.offsets[i + 1]; ++j) {
          inner.push_back(static_cast<size_t>(j));
        }
        out.offsets.push_back(static_cast<int64_t>(inner.size()));
      }
      for (const auto& child : array.children) out.children.push_back(take_rows(child, inner));
      break;
    }
  }
  return out;
}

namespace {

// True when rows a and b hold the same value in every partition column.
bool same_partition(const std::vector<size_t>& partition_index,
                    const std::vector<parquet::ValueArray*>& column_of, size_t a, size_t b) {
  for (size_t f : partition_index) {
    const parquet::ValueArray& array = *column_of[f];
    if (array.kind != parquet::ValueKind::kLeaf) return false;
    const bool null_a = array.is_null(a), null_b = array.is_null(b);
    if (null_a != null_b) return false;
    if (null_a) continue;
    const parquet::LeafValues& v = array.values;
    bool same = false;
    switch (v.type) {
      case parquet::Type::kBoolean: same = v.bools[a] == v.bools[b]; break;
      case parquet::Type::kInt32: same = v.i32[a] == v.i32[b]; break;
      case parquet::Type::kInt64: same = v.i64[a] == v.i64[b]; break;
      case parquet::Type::kByteArray:
      case parquet::Type::kFixedLenByteArray: same = v.bytes.value(a) == v.bytes.value(b); break;
      default: return false;  // floats and INT96: let the key decide
    }
    if (!same) return false;
  }
  return true;
}

}  // namespace

util::Result<std::vector<AddFile>> write_data_files(util::FileSystem& fs,
                                                    const std::string& table_root,
                                                    const Schema& schema,
                                                    const std::vector<std::string>& partition_columns,
                                                    ColumnMappingMode mode,
                                                    parquet::RowBatch batch,
                                                    const DataWriterOptions& options) {
  const std::string where = fmt::format("table {}", table_root);
  MEDALLION_ASSIGN_OR_RETURN(
      parquet::SchemaTree full_tree,
      parquet::SchemaTree::make(to_parquet_schema(schema, ColumnMappingMode::kNone), where));
  const size_t num_fields = schema.fields.size();
  if (full_tree.num_fields() != num_fields) {
    return util::Status::invalid_argument(
        fmt::format("delta: the schema has no columns to write ({})", where));
  }

  // The batch column of each schema field.
  std::vector<parquet::ValueArray*> column_of(num_fields, nullptr);
  if (batch.fields.size() != batch.columns.size()) {
    return util::Status::invalid_argument(fmt::format(
        "delta: the batch to write has {} field indexes for {} columns ({}): build the batch "
        "with one index per column",
        batch.fields.size(), batch.columns.size(), where));
  }
  for (size_t k = 0; k < batch.fields.size(); ++k) {
    if (batch.fields[k] < num_fields) column_of[batch.fields[k]] = &batch.columns[k];
  }
  for (size_t f = 0; f < num_fields; ++f) {
    const parquet::ValueArray* column = column_of[f];
    if (column == nullptr) {
      return util::Status::invalid_argument(fmt::format(
          "delta: the batch to write has no column {} ({}): pass every table column, partition "
          "columns included",
          schema.fields[f].name, where));
    }
    if (column->length != batch.num_rows || column->kind != full_tree.field(f).kind ||
        !well_formed(*column)) {
      return util::Status::invalid_argument(fmt::format(
          "delta: the batch's column {} does not have the shape of its type {} with {} rows ({}): "
          "pass canonical storage over to_parquet_schema(schema, kNone)",
          schema.fields[f].name, schema.fields[f].type.to_string(), batch.num_rows, where));
    }
  }

  // Partition columns and data columns.
  std::vector<size_t> partition_index;
  std::vector<bool> is_partition(num_fields, false);
  std::vector<std::string> partition_names;  // physical
  for (const std::string& name : partition_columns) {
    const Field* field = schema.find(name);
    if (field == nullptr) {
      return util::Status::invalid_argument(fmt::format(
          "delta: partition column {} is not a column of the schema ({}): name an existing column",
          name, where));
    }
    if (!is_primitive(field->type.kind)) {
      return util::Status::invalid_argument(fmt::format(
          "delta: partition column {} has the non-primitive type {} ({}): partition by a "
          "primitive column",
          name, field->type.to_string(), where));
    }
    const auto f = static_cast<size_t>(field - schema.fields.data());
    if (is_partition[f]) continue;
    is_partition[f] = true;
    partition_index.push_back(f);
    partition_names.push_back(physical_name(*field, mode));
  }
  Schema data_schema;
  std::vector<size_t> data_index;
  for (size_t f = 0; f < num_fields; ++f) {
    if (is_partition[f]) continue;
    data_schema.fields.push_back(schema.fields[f]);
    data_index.push_back(f);
  }
  if (data_schema.fields.empty()) {
    return util::Status::unsupported(fmt::format(
        "delta: every column of the table is a partition column ({}): a data file needs at "
        "least one data column",
        where));
  }
  std::vector<AddFile> adds;
  if (batch.num_rows == 0) return adds;

  const std::vector<parquet::SchemaElement> file_schema = to_parquet_schema(data_schema, mode);
  MEDALLION_ASSIGN_OR_RETURN(
      parquet::SchemaTree data_tree,
      parquet::SchemaTree::make(to_parquet_schema(data_schema, ColumnMappingMode::kNone), where));

  // Group rows by their serialized partition values, in order of first appearance.
  using Key = std::vector<std::optional<std::string>>;
  std::map<Key, size_t> group_of;
  std::vector<Key> keys;
  std::vector<std::vector<size_t>> rows;
  size_t last_group = 0;
  for (size_t r = 0; r < batch.num_rows; ++r) {
    // Runs of rows of one partition (the common case) skip the key.
    if (r > 0 && same_partition(partition_index, column_of, r - 1, r)) {
      rows[last_group].push_back(r);
      continue;
    }
    Key key;
    key.reserve(partition_index.size());
    for (size_t f : partition_index) {
      const Field& field = schema.fields[f];
      MEDALLION_ASSIGN_OR_RETURN(Scalar value, leaf_scalar(field.type, *column_of[f], r, field.name));
      key.push_back(serialize_partition_value(value));
    }
    auto [it, inserted] = group_of.emplace(key, keys.size());
    if (inserted) {
      keys.push_back(std::move(key));
      rows.emplace_back();
    }
    rows[it->second].push_back(r);
    last_group = it->second;
  }

  const size_t target_rows =
      options.target_file_rows < 1 ? size_t{1} : static_cast<size_t>(options.target_file_rows);
  const std::string extension =
      fmt::format("-c000{}.parquet", codec_extension(options.parquet.codec));
  parquet::WriterOptions parquet_options = options.parquet;
  if (parquet_options.pool == nullptr) parquet_options.pool = &util::cpu_pool();

  // One file per target_rows rows of each partition, named in this order.
  struct FileToWrite {
    size_t group = 0;
    size_t begin = 0, end = 0;  // into rows[group]
    std::string dir;            // partition directory, "" when unpartitioned
    std::string name;
  };
  std::vector<FileToWrite> files;
  std::vector<PartitionValues> values_of(keys.size());
  for (size_t g = 0; g < keys.size(); ++g) {
    for (size_t p = 0; p < partition_names.size(); ++p)
      values_of[g][partition_names[p]] = keys[g][p];
    std::string dir = partition_names.empty() ? std::string()
                                              : partition_directory(partition_names, values_of[g]);
    MEDALLION_RETURN_IF_ERROR(fs.create_dirs(dir.empty() ? table_root : table_root + "/" + dir));
    for (size_t begin = 0; begin < rows[g].size(); begin += target_rows) {
      const size_t end = std::min(rows[g].size(), begin + target_rows);
      files.push_back(
          {g, begin, end, dir,
           fmt::format("part-{:05d}-{}{}", files.size(), util::random_uuid(), extension)});
    }
  }

  const auto write_file = [&](const FileToWrite& file) -> util::Result<AddFile> {
    const std::vector<size_t>& group_rows = rows[file.group];
    std::vector<size_t> idx(group_rows.begin() + static_cast<std::ptrdiff_t>(file.begin),
                            group_rows.begin() + static_cast<std::ptrdiff_t>(file.end));
    parquet::RowBatch part;
    part.num_rows = idx.size();
    // One file of every row: the columns move over instead of being copied.
    const bool whole_batch = files.size() == 1 && idx.size() == batch.num_rows;
    for (size_t d = 0; d < data_index.size(); ++d) {
      part.fields.push_back(d);
      if (whole_batch) {
        parquet::ValueArray& column = *column_of[data_index[d]];
        part.columns.push_back(std::move(column));
      } else {
        part.columns.push_back(take_rows(*column_of[data_index[d]], idx));
      }
    }
    const std::string relative = file.dir.empty() ? file.name : file.dir + "/" + file.name;
    const std::string path = table_root + "/" + relative;
    MEDALLION_ASSIGN_OR_RETURN(
        auto writer, parquet::ParquetWriter::open(fs, path, file_schema, parquet_options));
    // The statistics are gathered while the file is written.
    FileStatsBuilder stats(data_schema, mode, data_tree);
    util::Status written;
    util::parallel_for(parquet_options.pool, 2, [&](size_t task) {
      if (task == 0) {
        stats.add(part);
      } else {
        written = writer->write(part);
        if (written.is_ok()) written = writer->close().status();
      }
    });
    MEDALLION_RETURN_IF_ERROR(written);
    MEDALLION_ASSIGN_OR_RETURN(uint64_t size, fs.file_size(path));
    AddFile add;
    add.path = uri_encode_path(relative);
    add.partition_values = values_of[file.group];
    add.size = static_cast<int64_t>(size);
    add.modification_time = options.now_ms;
    add.data_change = true;
    add.stats = stats.json();
    return add;
  };

  // The files are written at once on the pool (each also spreads its columns
  // there): a batch of many small partitions would otherwise keep one core
  // busy cutting rows while the other waits.
  std::vector<util::Result<AddFile>> written(files.size(),
                                             util::Status::internal("delta: file not written"));
  util::parallel_for(parquet_options.pool, files.size(),
                     [&](size_t i) { written[i] = write_file(files[i]); });
  adds.reserve(files.size());
  for (auto& add : written) {
    if (!add.is_ok()) return add.status();
    adds.push_back(std::move(add).value());
  }
  return adds;
}

}  // namespace medallion::delta
