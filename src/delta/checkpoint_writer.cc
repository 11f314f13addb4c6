#include "delta/checkpoint_writer.h"

#include <fmt/format.h>

#include <limits>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "delta/log_format.h"
#include "delta/log_segment.h"
#include "formats/parquet/parquet_writer.h"
#include "formats/parquet/value_array.h"

namespace medallion::delta {
namespace {

using parquet::ConvertedType;
using parquet::FieldRepetitionType;
using parquet::LogicalType;
using parquet::LogicalTypeKind;
using parquet::SchemaElement;
using parquet::Type;
using parquet::ValueArray;
using parquet::ValueKind;

// Rows buffered before they are handed to the ParquetWriter.
constexpr size_t kBatchRows = 16 * 1024;

// ------------------------------------------------------------------ schema --

// Appends schema elements depth-first; groups count their children.
class SchemaBuilder {
 public:
  SchemaBuilder() {
    SchemaElement root;
    root.name = "spark_schema";
    root.num_children = 0;
    elements_.push_back(std::move(root));
    open_.push_back(0);
  }

  void leaf(std::string name, Type type) {
    SchemaElement e;
    e.name = std::move(name);
    e.type = type;
    e.repetition_type = FieldRepetitionType::kOptional;
    add(std::move(e));
  }

  void string(std::string name, FieldRepetitionType rep = FieldRepetitionType::kOptional) {
    SchemaElement e;
    e.name = std::move(name);
    e.type = Type::kByteArray;
    e.repetition_type = rep;
    e.converted_type = ConvertedType::kUtf8;
    e.logical_type = LogicalType::of(LogicalTypeKind::kString);
    add(std::move(e));
  }

  // An optional group; fields added until end() are its children.
  void begin(std::string name, FieldRepetitionType rep = FieldRepetitionType::kOptional,
             std::optional<ConvertedType> converted = std::nullopt,
             std::optional<LogicalType> logical = std::nullopt) {
    SchemaElement e;
    e.name = std::move(name);
    e.repetition_type = rep;
    e.num_children = 0;
    e.converted_type = converted;
    e.logical_type = logical;
    add(std::move(e));
    open_.push_back(elements_.size() - 1);
  }
  void end() { open_.pop_back(); }

  // MAP<string, string>: key required, value optional.
  void string_map(std::string name) {
    begin(std::move(name), FieldRepetitionType::kOptional, ConvertedType::kMap,
          LogicalType::of(LogicalTypeKind::kMap));
    begin("key_value", FieldRepetitionType::kRepeated);
    string("key", FieldRepetitionType::kRequired);
    string("value");
    end();
    end();
  }

  // LIST<string>: elements optional.
  void string_list(std::string name) {
    begin(std::move(name), FieldRepetitionType::kOptional, ConvertedType::kList,
          LogicalType::of(LogicalTypeKind::kList));
    begin("list", FieldRepetitionType::kRepeated);
    string("element");
    end();
    end();
  }

  std::vector<SchemaElement> finish() && { return std::move(elements_); }

 private:
  void add(SchemaElement e) {
    SchemaElement& parent = elements_[open_.back()];
    parent.num_children = parent.num_children.value_or(0) + 1;
    elements_.push_back(std::move(e));
  }

  std::vector<SchemaElement> elements_;
  std::vector<size_t> open_;
};

void deletion_vector_schema(SchemaBuilder& s) {
  s.begin("deletionVector");
  s.string("storageType");
  s.string("pathOrInlineDv");
  s.leaf("offset", Type::kInt32);
  s.leaf("sizeInBytes", Type::kInt32);
  s.leaf("cardinality", Type::kInt64);
  s.end();
}

// The top-level columns, in schema order; the field enums below follow the
// order of each group's children.
enum Column : size_t { kTxn, kAdd, kRemove, kMetaData, kProtocol, kDomainMetadata, kNumColumns };
enum TxnField : size_t { kTxnAppId, kTxnVersion, kTxnLastUpdated };
enum AddField : size_t {
  kAddPath,
  kAddPartitionValues,
  kAddSize,
  kAddModificationTime,
  kAddDataChange,
  kAddTags,
  kAddDeletionVector,
  kAddBaseRowId,
  kAddDefaultRowCommitVersion,
  kAddClusteringProvider,
  kAddStats,
};
enum RemoveField : size_t {
  kRemovePath,
  kRemoveDeletionTimestamp,
  kRemoveDataChange,
  kRemoveExtendedFileMetadata,
  kRemovePartitionValues,
  kRemoveSize,
  kRemoveTags,
  kRemoveDeletionVector,
  kRemoveBaseRowId,
  kRemoveDefaultRowCommitVersion,
};
enum MetaDataField : size_t {
  kMetaId,
  kMetaName,
  kMetaDescription,
  kMetaFormat,
  kMetaSchemaString,
  kMetaPartitionColumns,
  kMetaConfiguration,
  kMetaCreatedTime,
};
enum FormatField : size_t { kFormatProvider, kFormatOptions };
enum ProtocolField : size_t {
  kProtocolMinReader,
  kProtocolMinWriter,
  kProtocolReaderFeatures,
  kProtocolWriterFeatures,
};
enum DomainField : size_t { kDomainDomain, kDomainConfiguration, kDomainRemoved };
enum DvField : size_t { kDvStorageType, kDvPath, kDvOffset, kDvSizeInBytes, kDvCardinality };

std::vector<SchemaElement> checkpoint_schema() {
  SchemaBuilder s;
  s.begin("txn");
  s.string("appId");
  s.leaf("version", Type::kInt64);
  s.leaf("lastUpdated", Type::kInt64);
  s.end();

  s.begin("add");
  s.string("path");
  s.string_map("partitionValues");
  s.leaf("size", Type::kInt64);
  s.leaf("modificationTime", Type::kInt64);
  s.leaf("dataChange", Type::kBoolean);
  s.string_map("tags");
  deletion_vector_schema(s);
  s.leaf("baseRowId", Type::kInt64);
  s.leaf("defaultRowCommitVersion", Type::kInt64);
  s.string("clusteringProvider");
  s.string("stats");
  s.end();

  s.begin("remove");
  s.string("path");
  s.leaf("deletionTimestamp", Type::kInt64);
  s.leaf("dataChange", Type::kBoolean);
  s.leaf("extendedFileMetadata", Type::kBoolean);
  s.string_map("partitionValues");
  s.leaf("size", Type::kInt64);
  s.string_map("tags");
  deletion_vector_schema(s);
  s.leaf("baseRowId", Type::kInt64);
  s.leaf("defaultRowCommitVersion", Type::kInt64);
  s.end();

  s.begin("metaData");
  s.string("id");
  s.string("name");
  s.string("description");
  s.begin("format");
  s.string("provider");
  s.string_map("options");
  s.end();
  s.string("schemaString");
  s.string_list("partitionColumns");
  s.string_map("configuration");
  s.leaf("createdTime", Type::kInt64);
  s.end();

  s.begin("protocol");
  s.leaf("minReaderVersion", Type::kInt32);
  s.leaf("minWriterVersion", Type::kInt32);
  s.string_list("readerFeatures");
  s.string_list("writerFeatures");
  s.end();

  s.begin("domainMetadata");
  s.string("domain");
  s.string("configuration");
  s.leaf("removed", Type::kBoolean);
  s.end();
  return std::move(s).finish();
}

// ------------------------------------------------------------------ arrays --
//
// Every array keeps a validity byte per slot. A null slot of a struct gets a
// null slot in each child too (so that all fields keep the struct's length);
// a null list or map slot repeats the last offset.

void begin_slot(ValueArray& a, bool present) {
  a.validity.push_back(present ? 1 : 0);
  ++a.length;
}

void append_null(ValueArray& a) {
  begin_slot(a, false);
  switch (a.kind) {
    case ValueKind::kLeaf:
      a.values.append_zero();
      break;
    case ValueKind::kStruct:
      for (ValueArray& child : a.children) append_null(child);
      break;
    case ValueKind::kList:
    case ValueKind::kMap:
      a.offsets.push_back(a.offsets.back());
      break;
  }
}

// A struct slot that is present; the caller fills every child.
ValueArray& begin_struct(ValueArray& a) {
  begin_slot(a, true);
  return a;
}

void append_string(ValueArray& a, std::optional<std::string_view> v) {
  if (!v) return append_null(a);
  begin_slot(a, true);
  a.values.bytes.append(*v);
}

void append_i64(ValueArray& a, std::optional<int64_t> v) {
  if (!v) return append_null(a);
  begin_slot(a, true);
  a.values.i64.push_back(*v);
}

void append_i32(ValueArray& a, std::optional<int32_t> v) {
  if (!v) return append_null(a);
  begin_slot(a, true);
  a.values.i32.push_back(*v);
}

void append_bool(ValueArray& a, std::optional<bool> v) {
  if (!v) return append_null(a);
  begin_slot(a, true);
  a.values.bools.push_back(*v ? 1 : 0);
}

std::optional<std::string_view> view_of(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return std::string_view(*s);
}
std::optional<std::string_view> view_of(const std::string& s) { return std::string_view(s); }

// A MAP<string,string> slot; the key array is required (validity stays 1).
template <typename Map>
void append_map(ValueArray& a, const Map& map) {
  begin_slot(a, true);
  for (const auto& [key, value] : map) {
    append_string(a.children[0], key);
    append_string(a.children[1], view_of(value));
  }
  a.offsets.push_back(a.offsets.back() + static_cast<int64_t>(map.size()));
}

// A map that is null when empty (Spark writes empty tags as null).
void append_tags(ValueArray& a, const std::map<std::string, std::string>& tags) {
  if (tags.empty()) return append_null(a);
  append_map(a, tags);
}

void append_list(ValueArray& a, const std::optional<std::vector<std::string>>& list) {
  if (!list) return append_null(a);
  begin_slot(a, true);
  for (const std::string& element : *list) append_string(a.children[0], element);
  a.offsets.push_back(a.offsets.back() + static_cast<int64_t>(list->size()));
}

void append_deletion_vector(ValueArray& a, const std::optional<DeletionVectorDescriptor>& dv) {
  if (!dv) return append_null(a);
  ValueArray& s = begin_struct(a);
  append_string(s.children[kDvStorageType], std::string_view(&dv->storage_type, 1));
  append_string(s.children[kDvPath], dv->path_or_inline_dv);
  append_i32(s.children[kDvOffset], dv->offset);
  append_i32(s.children[kDvSizeInBytes], dv->size_in_bytes);
  append_i64(s.children[kDvCardinality], dv->cardinality);
}

// Builds the RowBatch of the checkpoint's rows: every row adds a slot to every
// top-level column, null except in the column of its action.
class RowBuilder {
 public:
  explicit RowBuilder(const parquet::SchemaTree& schema) : schema_(schema) { reset(); }

  size_t num_rows() const { return batch_.num_rows; }
  parquet::RowBatch& batch() { return batch_; }

  void reset() {
    batch_ = {};
    for (size_t f = 0; f < schema_.num_fields(); ++f) {
      batch_.fields.push_back(f);
      batch_.columns.push_back(parquet::make_empty_array(schema_.field(f), schema_.columns()));
    }
  }

  void add_protocol(const Protocol& p) {
    ValueArray& s = row(kProtocol);
    append_i32(s.children[kProtocolMinReader], p.min_reader_version);
    append_i32(s.children[kProtocolMinWriter], p.min_writer_version);
    append_list(s.children[kProtocolReaderFeatures], p.reader_features);
    append_list(s.children[kProtocolWriterFeatures], p.writer_features);
  }

  void add_metadata(const Metadata& m) {
    ValueArray& s = row(kMetaData);
    append_string(s.children[kMetaId], m.id);
    append_string(s.children[kMetaName], view_of(m.name));
    append_string(s.children[kMetaDescription], view_of(m.description));
    ValueArray& format = begin_struct(s.children[kMetaFormat]);
    append_string(format.children[kFormatProvider], m.format.provider);
    append_map(format.children[kFormatOptions], m.format.options);
    append_string(s.children[kMetaSchemaString], m.schema_string);
    append_list(s.children[kMetaPartitionColumns], m.partition_columns);
    append_map(s.children[kMetaConfiguration], m.configuration);
    append_i64(s.children[kMetaCreatedTime], m.created_time);
  }

  void add_txn(const Txn& t) {
    ValueArray& s = row(kTxn);
    append_string(s.children[kTxnAppId], t.app_id);
    append_i64(s.children[kTxnVersion], t.version);
    append_i64(s.children[kTxnLastUpdated], t.last_updated);
  }

  void add_domain(const DomainMetadata& d) {
    ValueArray& s = row(kDomainMetadata);
    append_string(s.children[kDomainDomain], d.domain);
    append_string(s.children[kDomainConfiguration], d.configuration);
    append_bool(s.children[kDomainRemoved], d.removed);
  }

  void add_file(const AddFile& a) {
    ValueArray& s = row(kAdd);
    append_string(s.children[kAddPath], a.path);
    append_map(s.children[kAddPartitionValues], a.partition_values);
    append_i64(s.children[kAddSize], a.size);
    append_i64(s.children[kAddModificationTime], a.modification_time);
    append_bool(s.children[kAddDataChange], a.data_change);
    append_tags(s.children[kAddTags], a.tags);
    append_deletion_vector(s.children[kAddDeletionVector], a.deletion_vector);
    append_i64(s.children[kAddBaseRowId], a.base_row_id);
    append_i64(s.children[kAddDefaultRowCommitVersion], a.default_row_commit_version);
    append_string(s.children[kAddClusteringProvider], view_of(a.clustering_provider));
    append_string(s.children[kAddStats], view_of(a.stats));
  }

  void add_remove(const RemoveFile& r) {
    ValueArray& s = row(kRemove);
    append_string(s.children[kRemovePath], r.path);
    append_i64(s.children[kRemoveDeletionTimestamp], r.deletion_timestamp);
    append_bool(s.children[kRemoveDataChange], r.data_change);
    append_bool(s.children[kRemoveExtendedFileMetadata], r.extended_file_metadata);
    if (r.partition_values) {
      append_map(s.children[kRemovePartitionValues], *r.partition_values);
    } else {
      append_null(s.children[kRemovePartitionValues]);
    }
    append_i64(s.children[kRemoveSize], r.size);
    append_tags(s.children[kRemoveTags], r.tags);
    append_deletion_vector(s.children[kRemoveDeletionVector], r.deletion_vector);
    append_i64(s.children[kRemoveBaseRowId], r.base_row_id);
    append_i64(s.children[kRemoveDefaultRowCommitVersion], r.default_row_commit_version);
  }

 private:
  // Starts a row: a null slot in every column but `column`, whose present
  // struct slot is returned for the caller to fill.
  ValueArray& row(Column column) {
    for (size_t c = 0; c < batch_.columns.size(); ++c) {
      if (c != column) append_null(batch_.columns[c]);
    }
    ++batch_.num_rows;
    return begin_struct(batch_.columns[column]);
  }

  const parquet::SchemaTree& schema_;
  parquet::RowBatch batch_;
};

bool tombstone_is_live(const RemoveFile& r, const CheckpointOptions& options) {
  // now - retention, saturating (a huge retention keeps every tombstone).
  int64_t cutoff = options.now_ms;
  if (options.tombstone_retention_ms > 0) {
    cutoff = options.now_ms < std::numeric_limits<int64_t>::min() + options.tombstone_retention_ms
                 ? std::numeric_limits<int64_t>::min()
                 : options.now_ms - options.tombstone_retention_ms;
  }
  return r.deletion_timestamp.value_or(0) >= cutoff;
}

}  // namespace

util::Result<LastCheckpoint> write_checkpoint(util::FileSystem& fs, const Snapshot& snapshot,
                                              const CheckpointOptions& options) {
  if (snapshot.version < 0) {
    return util::Status::invalid_argument(fmt::format(
        "delta: cannot write a checkpoint of a snapshot without a version ({}): load the "
        "table's snapshot first",
        snapshot.table_root));
  }
  const std::string log_dir = log_dir_path(snapshot.table_root);
  const std::string path =
      util::join_path(log_dir, classic_checkpoint_file_name(snapshot.version));

  MEDALLION_ASSIGN_OR_RETURN(auto writer,
                             parquet::ParquetWriter::open(fs, path, checkpoint_schema()));
  RowBuilder rows(writer->schema());
  int64_t num_rows = 0;
  auto flush_if_full = [&]() -> util::Status {
    if (rows.num_rows() < kBatchRows) return util::Status::ok();
    MEDALLION_RETURN_IF_ERROR(writer->write(rows.batch()));
    num_rows += static_cast<int64_t>(rows.num_rows());
    rows.reset();
    return util::Status::ok();
  };

  rows.add_protocol(snapshot.protocol);
  rows.add_metadata(snapshot.metadata);
  for (const auto& [app_id, txn] : snapshot.txns) {
    rows.add_txn(txn);
    MEDALLION_RETURN_IF_ERROR(flush_if_full());
  }
  for (const auto& [name, domain] : snapshot.domains) {
    rows.add_domain(domain);
    MEDALLION_RETURN_IF_ERROR(flush_if_full());
  }
  for (const AddFile& add : snapshot.files) {
    rows.add_file(add);
    MEDALLION_RETURN_IF_ERROR(flush_if_full());
  }
  for (const RemoveFile& remove : snapshot.tombstones) {
    if (!tombstone_is_live(remove, options)) continue;
    rows.add_remove(remove);
    MEDALLION_RETURN_IF_ERROR(flush_if_full());
  }
  if (rows.num_rows() > 0) {
    MEDALLION_RETURN_IF_ERROR(writer->write(rows.batch()));
    num_rows += static_cast<int64_t>(rows.num_rows());
  }
  MEDALLION_RETURN_IF_ERROR(writer->close().status());

  MEDALLION_ASSIGN_OR_RETURN(uint64_t file_size, fs.file_size(path));
  LastCheckpoint last;
  last.version = snapshot.version;
  last.size = num_rows;
  last.size_in_bytes = static_cast<int64_t>(file_size);
  last.num_of_add_files = static_cast<int64_t>(snapshot.files.size());
  MEDALLION_RETURN_IF_ERROR(util::write_file_atomic(
      fs, util::join_path(log_dir, kLastCheckpointName), serialize_last_checkpoint(last)));
  return last;
}

}  // namespace medallion::delta
