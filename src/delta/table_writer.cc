#include "delta/table_writer.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "delta/checkpoint_writer.h"
#include "delta/file_stats.h"
#include "delta/partition_value.h"
#include "delta/snapshot.h"
#include "delta/transaction.h"
#include "util/json_writer.h"
#include "util/random_uuid.h"
#include "util/civil_time.h"

namespace medallion::delta {
namespace {

std::string json_string_array(const std::vector<std::string>& values) {
  util::JsonWriter w;
  w.begin_array();
  for (const std::string& v : values) w.value(v);
  w.end_array();
  return w.take();
}



int64_t total_size(const std::vector<AddFile>& files) {
  int64_t bytes = 0;
  for (const AddFile& f : files) bytes += f.size;
  return bytes;
}

// Writes the batch's data files; every file must satisfy `must_match`.
util::Result<std::vector<AddFile>> write_files(util::FileSystem& fs, const Snapshot& snapshot,
                                               const parquet::RowBatch& batch,
                                               const std::vector<ColumnPredicate>& must_match,
                                               const WriteOptions& options, int64_t now_ms) {
  DataWriterOptions data = options.data;
  data.now_ms = now_ms;
  MEDALLION_ASSIGN_OR_RETURN(
      std::vector<AddFile> adds,
      write_data_files(fs, snapshot.table_root, snapshot.schema,
                       snapshot.metadata.partition_columns, snapshot.column_mapping, batch, data));
  FilterContext context{&snapshot.schema, &snapshot.metadata.partition_columns,
                        snapshot.column_mapping};
  for (const AddFile& add : adds) {
    if (!must_match.empty() && !file_may_match(context, add, must_match)) {
      return util::Status::invalid_argument(fmt::format(
          "delta: rows written to {} fall outside the replaceWhere condition {}: write only rows "
          "that match it",
          snapshot.table_root, predicates_json(must_match)));
    }
  }
  MEDALLION_RETURN_IF_ERROR(data_files_written(options));
  return adds;
}

WriteResult skipped_write(const Snapshot& snapshot) {
  WriteResult result;
  result.version = snapshot.version;
  result.skipped = true;
  return result;
}

}  // namespace

util::Status data_files_written(const WriteOptions& options) {
  if (options.test_hook) options.test_hook("data_written");
  return options.before_commit ? options.before_commit() : util::Status::ok();
}

bool already_committed(const Snapshot& snapshot, const WriteOptions& options) {
  if (options.app_id.empty() || options.app_version < 0) return false;
  auto latest = snapshot.txn_version(options.app_id);
  return latest && *latest >= options.app_version;
}

// A checkpoint failure is not a write failure: the commit stands and a
// later one retries.
util::Result<int64_t> commit_write(util::FileSystem& fs, Transaction& tx,
                                   CommitOptions commit_options, const WriteOptions& options,
                                   const Snapshot& snapshot, int64_t now_ms) {
  if (!options.app_id.empty() && options.app_version >= 0) {
    tx.set_txn(options.app_id, options.app_version, now_ms);
  }
  commit_options.now_ms = now_ms;
  commit_options.test_hook = options.test_hook;
  MEDALLION_ASSIGN_OR_RETURN(CommitResult committed, tx.commit(commit_options));
  (void)checkpoint_if_due(fs, snapshot, committed.version, now_ms);
  return committed.version;
}

util::Result<WriteResult> create_table(util::FileSystem& fs, const std::string& table_root,
                                       const Schema& schema,
                                       const std::vector<std::string>& partition_columns,
                                       const std::map<std::string, std::string>& configuration,
                                       const WriteOptions& options) {
  for (const std::string& column : partition_columns) {
    const Field* field = schema.find(column);
    if (field == nullptr || !is_primitive(field->type.kind)) {
      return util::Status::invalid_argument(fmt::format(
          "delta: cannot partition table {} by '{}': it is not a primitive column of the schema",
          table_root, column));
    }
  }
  const int64_t now_ms = options.now_ms != 0 ? options.now_ms : util::unix_now_ms();
  Metadata metadata;
  metadata.id = util::random_uuid();
  metadata.schema_string = serialize_schema(schema);
  metadata.partition_columns = partition_columns;
  metadata.configuration = configuration;
  metadata.created_time = now_ms;
  MEDALLION_ASSIGN_OR_RETURN(Transaction tx, Transaction::create(fs, table_root, metadata));
  CommitOptions commit_options;
  commit_options.operation = "CREATE TABLE";
  commit_options.parameters["isManaged"] = "false";
  commit_options.parameters["partitionBy"] = json_string_array(partition_columns);
  util::JsonWriter properties;
  properties.begin_object();
  for (const auto& [k, v] : configuration) properties.key(k).value(v);
  properties.end_object();
  commit_options.parameters["properties"] = properties.take();
  commit_options.now_ms = now_ms;
  commit_options.test_hook = options.test_hook;
  MEDALLION_ASSIGN_OR_RETURN(CommitResult committed, tx.commit(commit_options));
  WriteResult result;
  result.version = committed.version;
  return result;
}

util::Result<WriteResult> append(util::FileSystem& fs, const std::string& table_root,
                                 const parquet::RowBatch& batch, const WriteOptions& options) {
  MEDALLION_ASSIGN_OR_RETURN(Snapshot snapshot, load_snapshot(fs, table_root));
  if (already_committed(snapshot, options)) return skipped_write(snapshot);
  WriteResult result;
  const int64_t now_ms = options.now_ms != 0 ? options.now_ms : util::unix_now_ms();
  MEDALLION_ASSIGN_OR_RETURN(std::vector<AddFile> adds,
                             write_files(fs, snapshot, batch, {}, options, now_ms));
  MEDALLION_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(fs, snapshot));
  for (const AddFile& add : adds) tx.add_file(add);
  CommitOptions commit_options;
  commit_options.operation = "WRITE";
  commit_options.parameters["mode"] = "Append";
  commit_options.parameters["partitionBy"] =
      json_string_array(snapshot.metadata.partition_columns);
  commit_options.metrics["numFiles"] = std::to_string(adds.size());
  commit_options.metrics["numOutputRows"] = std::to_string(batch.num_rows);
  commit_options.metrics["numOutputBytes"] = std::to_string(total_size(adds));
  MEDALLION_ASSIGN_OR_RETURN(result.version,
                             commit_write(fs, tx, commit_options, options, snapshot, now_ms));
  result.files_added = static_cast<int64_t>(adds.size());
  result.rows_written = static_cast<int64_t>(batch.num_rows);
  return result;
}

namespace {

// Removes the files matching `where` and adds `adds` in one commit.
util::Result<WriteResult> replace_files(util::FileSystem& fs, const Snapshot& snapshot,
                                        const std::vector<ColumnPredicate>& where,
                                        std::vector<AddFile> adds, int64_t rows_written,
                                        CommitOptions commit_options, const WriteOptions& options,
                                        int64_t now_ms) {
  FilterContext context{&snapshot.schema, &snapshot.metadata.partition_columns,
                        snapshot.column_mapping};
  MEDALLION_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(fs, snapshot));
  WriteResult result;
  int64_t rows_removed = 0;
  bool rows_known = true;
  for (const AddFile& file : snapshot.files) {
    if (!where.empty() && !file_may_match(context, file, where)) continue;
    tx.remove_file(Transaction::remove_of(file, now_ms));
    ++result.files_removed;
    std::optional<FileStats> stats;
    if (file.stats) {
      auto parsed = parse_file_stats(*file.stats, snapshot.schema, snapshot.column_mapping);
      if (parsed.is_ok()) stats = std::move(parsed).value();
    }
    if (stats && stats->num_records) {
      rows_removed += *stats->num_records;
    } else {
      rows_known = false;
    }
  }
  if (where.empty()) {
    tx.mark_read_whole_table();
  }
  // With a predicate, concurrent appends into the partitions it selects
  // conflict: mark every partition the predicate could cover by marking the
  // removed files' partitions (done by remove_file) and the new files'.
  for (const AddFile& add : adds) tx.mark_read(add.partition_values);
  for (AddFile& add : adds) tx.add_file(std::move(add));
  commit_options.metrics["numRemovedFiles"] = std::to_string(result.files_removed);
  if (rows_known) commit_options.metrics["numDeletedRows"] = std::to_string(rows_removed);
  MEDALLION_ASSIGN_OR_RETURN(
      result.version, commit_write(fs, tx, commit_options, options, snapshot, now_ms));
  result.files_added = static_cast<int64_t>(adds.size());
  result.rows_written = rows_written;
  result.rows_removed = rows_known ? rows_removed : -1;
  return result;
}

}  // namespace

util::Result<WriteResult> overwrite(util::FileSystem& fs, const std::string& table_root,
                                    const parquet::RowBatch& batch,
                                    const std::vector<ColumnPredicate>& replace_where,
                                    const WriteOptions& options) {
  MEDALLION_ASSIGN_OR_RETURN(Snapshot snapshot, load_snapshot(fs, table_root));
  if (already_committed(snapshot, options)) return skipped_write(snapshot);
  MEDALLION_RETURN_IF_ERROR(check_partition_filter(snapshot, replace_where));
  const int64_t now_ms = options.now_ms != 0 ? options.now_ms : util::unix_now_ms();
  MEDALLION_ASSIGN_OR_RETURN(std::vector<AddFile> adds,
                             write_files(fs, snapshot, batch, replace_where, options, now_ms));
  CommitOptions commit_options;
  commit_options.operation = "WRITE";
  commit_options.parameters["mode"] = "Overwrite";
  commit_options.parameters["partitionBy"] =
      json_string_array(snapshot.metadata.partition_columns);
  if (!replace_where.empty()) commit_options.parameters["predicate"] = predicates_json(replace_where);
  commit_options.metrics["numFiles"] = std::to_string(adds.size());
  commit_options.metrics["numOutputRows"] = std::to_string(batch.num_rows);
  commit_options.metrics["numOutputBytes"] = std::to_string(total_size(adds));
  return replace_files(fs, snapshot, replace_where, std::move(adds),
                       static_cast<int64_t>(batch.num_rows), std::move(commit_options), options,
                       now_ms);
}

util::Result<WriteResult> delete_where(util::FileSystem& fs, const std::string& table_root,
                                       const std::vector<ColumnPredicate>& where,
                                       const WriteOptions& options) {
  MEDALLION_ASSIGN_OR_RETURN(Snapshot snapshot, load_snapshot(fs, table_root));
  if (already_committed(snapshot, options)) return skipped_write(snapshot);
  MEDALLION_RETURN_IF_ERROR(check_partition_filter(snapshot, where));
  const int64_t now_ms = options.now_ms != 0 ? options.now_ms : util::unix_now_ms();
  CommitOptions commit_options;
  commit_options.operation = "DELETE";
  commit_options.parameters["predicate"] = predicates_json(where);
  return replace_files(fs, snapshot, where, {}, 0, std::move(commit_options), options, now_ms);
}

util::Status check_partition_filter(const Snapshot& snapshot,
                                        const std::vector<ColumnPredicate>& where) {
  const auto& partition_columns = snapshot.metadata.partition_columns;
  for (const ColumnPredicate& p : where) {
    if (std::find(partition_columns.begin(), partition_columns.end(), p.column) ==
        partition_columns.end()) {
      return util::Status::invalid_argument(fmt::format(
          "delta: the predicate on '{}' cannot select files of table {}: only partition columns "
          "({}) can be used here",
          p.column, snapshot.table_root, fmt::join(partition_columns, ", ")));
    }
  }
  FilterContext context{&snapshot.schema, &partition_columns, snapshot.column_mapping};
  return check_filter(context, where);
}

util::Status checkpoint_if_due(util::FileSystem& fs, const Snapshot& read_snapshot,
                               int64_t version, int64_t now_ms) {
  if (version <= 0) return util::Status::ok();
  int64_t interval = kDefaultCheckpointInterval;
  if (auto text = read_snapshot.property(std::string(kCheckpointIntervalProperty))) {
    try {
      interval = std::stoll(*text);
    } catch (...) {
      interval = kDefaultCheckpointInterval;
    }
    if (interval < 1) interval = kDefaultCheckpointInterval;
  }
  // Only a due version pays for loading the new snapshot.
  if (version % interval != 0) return util::Status::ok();
  MEDALLION_ASSIGN_OR_RETURN(Snapshot snapshot,
                             load_snapshot(fs, read_snapshot.table_root, version));
  CheckpointOptions checkpoint_options;
  checkpoint_options.now_ms = now_ms != 0 ? now_ms : util::unix_now_ms();
  return write_checkpoint(fs, snapshot, checkpoint_options).status();
}

}  // namespace medallion::delta
