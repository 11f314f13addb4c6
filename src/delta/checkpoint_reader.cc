#include "delta/checkpoint_reader.h"

#include <fmt/format.h>

#include "delta/action_json.h"
#include "formats/parquet/parquet_reader.h"

namespace medallion::delta {
namespace {

using parquet::ValueArray;
using parquet::ValueKind;
using parquet::ValueNode;

// One column of an assembled row group: the node that describes it and its
// values. A missing column (absent from this file's schema) has no node.
struct Column {
  const ValueNode* node = nullptr;
  const ValueArray* array = nullptr;

  bool present(size_t i) const { return node != nullptr && !array->is_null(i); }

  Column child(std::string_view name) const {
    if (node == nullptr || node->kind != ValueKind::kStruct) return {};
    for (size_t c = 0; c < node->children.size(); ++c) {
      if (node->children[c].name == name) return {&node->children[c], &array->children[c]};
    }
    return {};
  }
};

std::optional<std::string> string_at(const Column& c, size_t i) {
  if (!c.present(i) || c.node->kind != ValueKind::kLeaf) return std::nullopt;
  if (c.array->values.type != parquet::Type::kByteArray) return std::nullopt;
  return std::string(c.array->values.bytes.value(i));
}

std::optional<int64_t> int_at(const Column& c, size_t i) {
  if (!c.present(i) || c.node->kind != ValueKind::kLeaf) return std::nullopt;
  switch (c.array->values.type) {
    case parquet::Type::kInt32:
      return c.array->values.i32[i];
    case parquet::Type::kInt64:
      return c.array->values.i64[i];
    default:
      return std::nullopt;
  }
}

std::optional<bool> bool_at(const Column& c, size_t i) {
  if (!c.present(i) || c.node->kind != ValueKind::kLeaf) return std::nullopt;
  if (c.array->values.type != parquet::Type::kBoolean) return std::nullopt;
  return c.array->values.bools[i] != 0;
}

// A MAP<string, string> slot; null values become nullopt.
template <typename Value, typename Fn>
std::map<std::string, Value> map_at(const Column& c, size_t i, Fn value_of) {
  std::map<std::string, Value> out;
  if (!c.present(i) || c.node->kind != ValueKind::kMap || c.node->children.size() != 2) return out;
  Column keys{&c.node->children[0], &c.array->children[0]};
  Column values{&c.node->children[1], &c.array->children[1]};
  for (int64_t k = c.array->offsets[i]; k < c.array->offsets[i + 1]; ++k) {
    auto key = string_at(keys, static_cast<size_t>(k));
    if (!key) continue;
    out.emplace(std::move(*key), value_of(values, static_cast<size_t>(k)));
  }
  return out;
}

std::map<std::string, std::string> string_map_at(const Column& c, size_t i) {
  return map_at<std::string>(c, i, [](const Column& v, size_t k) {
    return string_at(v, k).value_or(std::string());
  });
}

PartitionValues partition_values_at(const Column& c, size_t i) {
  return map_at<std::optional<std::string>>(c, i,
                                            [](const Column& v, size_t k) { return string_at(v, k); });
}

std::vector<std::string> string_list_at(const Column& c, size_t i) {
  std::vector<std::string> out;
  if (!c.present(i) || c.node->kind != ValueKind::kList || c.node->children.size() != 1) return out;
  Column elements{&c.node->children[0], &c.array->children[0]};
  for (int64_t k = c.array->offsets[i]; k < c.array->offsets[i + 1]; ++k) {
    out.push_back(string_at(elements, static_cast<size_t>(k)).value_or(std::string()));
  }
  return out;
}

std::optional<DeletionVectorDescriptor> deletion_vector_at(const Column& c, size_t i) {
  if (!c.present(i)) return std::nullopt;
  DeletionVectorDescriptor dv;
  auto storage = string_at(c.child("storageType"), i);
  auto path = string_at(c.child("pathOrInlineDv"), i);
  if (!storage || storage->size() != 1 || !path) return std::nullopt;
  dv.storage_type = (*storage)[0];
  dv.path_or_inline_dv = std::move(*path);
  if (auto offset = int_at(c.child("offset"), i)) dv.offset = static_cast<int32_t>(*offset);
  dv.size_in_bytes = static_cast<int32_t>(int_at(c.child("sizeInBytes"), i).value_or(0));
  dv.cardinality = int_at(c.child("cardinality"), i).value_or(0);
  return dv;
}

util::Status missing_field(const std::string& path, std::string_view action,
                           std::string_view field, size_t row) {
  return util::Status::corruption(fmt::format(
      "delta: checkpoint {} row {} has a {} action without its required field '{}': the "
      "checkpoint is damaged; delete it to make readers replay the JSON commits",
      path, row, action, field));
}

// Decodes the actions of one row group, appending them to *out.
util::Status decode_rows(const std::string& path, const parquet::SchemaTree& schema,
                         const parquet::RowBatch& batch, size_t first_row,
                         std::vector<Action>* out) {
  auto column = [&](std::string_view name) -> Column {
    for (size_t f = 0; f < batch.fields.size(); ++f) {
      const ValueNode& node = schema.field(batch.fields[f]);
      if (node.name == name) return {&node, &batch.columns[f]};
    }
    return {};
  };
  Column add = column("add"), remove = column("remove"), metadata = column("metaData"),
         protocol = column("protocol"), txn = column("txn"), domain = column("domainMetadata"),
         sidecar = column("sidecar"), checkpoint_metadata = column("checkpointMetadata");
  out->reserve(out->size() + batch.num_rows);
  for (size_t i = 0; i < batch.num_rows; ++i) {
    size_t row = first_row + i;
    if (add.present(i)) {
      AddFile a;
      auto p = string_at(add.child("path"), i);
      auto size = int_at(add.child("size"), i);
      if (!p) return missing_field(path, "add", "path", row);
      if (!size) return missing_field(path, "add", "size", row);
      a.path = std::move(*p);
      a.partition_values = partition_values_at(add.child("partitionValues"), i);
      a.size = *size;
      a.modification_time = int_at(add.child("modificationTime"), i).value_or(0);
      a.data_change = bool_at(add.child("dataChange"), i).value_or(false);
      a.stats = string_at(add.child("stats"), i);
      a.tags = string_map_at(add.child("tags"), i);
      a.deletion_vector = deletion_vector_at(add.child("deletionVector"), i);
      a.base_row_id = int_at(add.child("baseRowId"), i);
      a.default_row_commit_version = int_at(add.child("defaultRowCommitVersion"), i);
      a.clustering_provider = string_at(add.child("clusteringProvider"), i);
      out->push_back(std::move(a));
    } else if (remove.present(i)) {
      RemoveFile r;
      auto p = string_at(remove.child("path"), i);
      if (!p) return missing_field(path, "remove", "path", row);
      r.path = std::move(*p);
      r.deletion_timestamp = int_at(remove.child("deletionTimestamp"), i);
      r.data_change = bool_at(remove.child("dataChange"), i).value_or(false);
      r.extended_file_metadata = bool_at(remove.child("extendedFileMetadata"), i);
      if (remove.child("partitionValues").present(i)) {
        r.partition_values = partition_values_at(remove.child("partitionValues"), i);
      }
      r.size = int_at(remove.child("size"), i);
      r.stats = string_at(remove.child("stats"), i);
      r.tags = string_map_at(remove.child("tags"), i);
      r.deletion_vector = deletion_vector_at(remove.child("deletionVector"), i);
      r.base_row_id = int_at(remove.child("baseRowId"), i);
      r.default_row_commit_version = int_at(remove.child("defaultRowCommitVersion"), i);
      out->push_back(std::move(r));
    } else if (metadata.present(i)) {
      Metadata m;
      auto id = string_at(metadata.child("id"), i);
      auto schema_string = string_at(metadata.child("schemaString"), i);
      if (!id) return missing_field(path, "metaData", "id", row);
      if (!schema_string) return missing_field(path, "metaData", "schemaString", row);
      m.id = std::move(*id);
      m.name = string_at(metadata.child("name"), i);
      m.description = string_at(metadata.child("description"), i);
      Column format = metadata.child("format");
      m.format.provider = string_at(format.child("provider"), i).value_or("parquet");
      m.format.options = string_map_at(format.child("options"), i);
      m.schema_string = std::move(*schema_string);
      m.partition_columns = string_list_at(metadata.child("partitionColumns"), i);
      m.configuration = string_map_at(metadata.child("configuration"), i);
      m.created_time = int_at(metadata.child("createdTime"), i);
      out->push_back(std::move(m));
    } else if (protocol.present(i)) {
      Protocol p;
      auto reader = int_at(protocol.child("minReaderVersion"), i);
      auto writer = int_at(protocol.child("minWriterVersion"), i);
      if (!reader) return missing_field(path, "protocol", "minReaderVersion", row);
      if (!writer) return missing_field(path, "protocol", "minWriterVersion", row);
      p.min_reader_version = static_cast<int32_t>(*reader);
      p.min_writer_version = static_cast<int32_t>(*writer);
      if (protocol.child("readerFeatures").present(i)) {
        p.reader_features = string_list_at(protocol.child("readerFeatures"), i);
      }
      if (protocol.child("writerFeatures").present(i)) {
        p.writer_features = string_list_at(protocol.child("writerFeatures"), i);
      }
      out->push_back(std::move(p));
    } else if (txn.present(i)) {
      Txn t;
      auto app = string_at(txn.child("appId"), i);
      auto version = int_at(txn.child("version"), i);
      if (!app) return missing_field(path, "txn", "appId", row);
      if (!version) return missing_field(path, "txn", "version", row);
      t.app_id = std::move(*app);
      t.version = *version;
      t.last_updated = int_at(txn.child("lastUpdated"), i);
      out->push_back(std::move(t));
    } else if (domain.present(i)) {
      DomainMetadata d;
      auto name = string_at(domain.child("domain"), i);
      if (!name) return missing_field(path, "domainMetadata", "domain", row);
      d.domain = std::move(*name);
      d.configuration = string_at(domain.child("configuration"), i).value_or("");
      d.removed = bool_at(domain.child("removed"), i).value_or(false);
      out->push_back(std::move(d));
    } else if (sidecar.present(i)) {
      Sidecar s;
      auto p = string_at(sidecar.child("path"), i);
      if (!p) return missing_field(path, "sidecar", "path", row);
      s.path = std::move(*p);
      s.size_in_bytes = int_at(sidecar.child("sizeInBytes"), i).value_or(0);
      s.modification_time = int_at(sidecar.child("modificationTime"), i).value_or(0);
      s.tags = string_map_at(sidecar.child("tags"), i);
      out->push_back(std::move(s));
    } else if (checkpoint_metadata.present(i)) {
      CheckpointMetadata c;
      c.version = int_at(checkpoint_metadata.child("version"), i).value_or(0);
      c.tags = string_map_at(checkpoint_metadata.child("tags"), i);
      out->push_back(std::move(c));
    }
  }
  return util::Status::ok();
}

constexpr std::string_view kCheckpointColumns[] = {
    "add", "remove", "metaData", "protocol", "txn", "domainMetadata", "sidecar",
    "checkpointMetadata"};

// A sidecar path is relative to _delta_log/_sidecars/ unless it is a URI.
std::string sidecar_path(const std::string& table_root, const std::string& path) {
  constexpr std::string_view kFileScheme = "file:";
  if (path.rfind(kFileScheme, 0) == 0) {
    std::string_view rest = std::string_view(path).substr(kFileScheme.size());
    while (rest.size() > 1 && rest[0] == '/' && rest[1] == '/') rest.remove_prefix(1);
    return std::string(rest);
  }
  if (!path.empty() && path[0] == '/') return path;
  return util::join_path(util::join_path(log_dir_path(table_root), kSidecarDirName), path);
}

}  // namespace

util::Status read_parquet_checkpoint_file(util::FileSystem& fs, const std::string& path,
                                          std::vector<Action>* out) {
  MEDALLION_ASSIGN_OR_RETURN(auto reader, parquet::ParquetReader::open(fs, path));
  std::vector<size_t> fields;
  for (std::string_view name : kCheckpointColumns) {
    if (auto index = reader->schema().field_index(name)) fields.push_back(*index);
  }
  size_t first_row = 0;
  for (size_t g = 0; g < reader->num_row_groups(); ++g) {
    MEDALLION_ASSIGN_OR_RETURN(parquet::RowBatch batch, reader->read_row_group(g, fields));
    MEDALLION_RETURN_IF_ERROR(decode_rows(path, reader->schema(), batch, first_row, out));
    first_row += batch.num_rows;
  }
  return util::Status::ok();
}

util::Result<std::vector<Action>> read_checkpoint(util::FileSystem& fs,
                                                  const std::string& table_root,
                                                  const CheckpointFiles& checkpoint) {
  std::vector<Action> actions;
  std::string log_dir = log_dir_path(table_root);
  for (const LogFileName& file : checkpoint.files) {
    std::string path = util::join_path(log_dir, file.name);
    if (file.kind == LogFileKind::kV2Checkpoint && file.json) {
      MEDALLION_ASSIGN_OR_RETURN(std::string text, fs.read_file(path));
      MEDALLION_ASSIGN_OR_RETURN(std::vector<Action> parsed, parse_actions(text, path));
      for (Action& a : parsed) actions.push_back(std::move(a));
    } else {
      MEDALLION_RETURN_IF_ERROR(read_parquet_checkpoint_file(fs, path, &actions));
    }
  }
  // Resolve sidecars: their add/remove actions join the checkpoint's own.
  std::vector<Action> out;
  out.reserve(actions.size());
  for (Action& action : actions) {
    if (auto* sidecar = std::get_if<Sidecar>(&action)) {
      std::string path = sidecar_path(table_root, sidecar->path);
      MEDALLION_RETURN_IF_ERROR(read_parquet_checkpoint_file(fs, path, &out));
    } else if (!std::holds_alternative<CheckpointMetadata>(action)) {
      out.push_back(std::move(action));
    }
  }
  return out;
}

}  // namespace medallion::delta
