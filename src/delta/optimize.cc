#include "delta/optimize.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "delta/data_writer.h"
#include "delta/partition_value.h"
#include "delta/snapshot.h"
#include "delta/table_scan.h"
#include "delta/transaction.h"
#include "util/json_writer.h"
#include "util/civil_time.h"

namespace medallion::delta {
namespace {


void append_leaf(parquet::LeafValues* dst, const parquet::LeafValues& src) {
  dst->bools.insert(dst->bools.end(), src.bools.begin(), src.bools.end());
  dst->i32.insert(dst->i32.end(), src.i32.begin(), src.i32.end());
  dst->i64.insert(dst->i64.end(), src.i64.begin(), src.i64.end());
  dst->i96.insert(dst->i96.end(), src.i96.begin(), src.i96.end());
  dst->f32.insert(dst->f32.end(), src.f32.begin(), src.f32.end());
  dst->f64.insert(dst->f64.end(), src.f64.begin(), src.f64.end());
  dst->bytes.append_all(src.bytes);
}

// Room in dst's leaf buffers for the leaf values of every part.
void reserve_leaves(parquet::ValueArray* dst, const std::vector<parquet::ValueArray>& parts) {
  size_t slots = 0, bools = 0, i32 = 0, i64 = 0, i96 = 0, f32 = 0, f64 = 0, values = 0, bytes = 0;
  for (const parquet::ValueArray& p : parts) {
    slots += p.length;
    bools += p.values.bools.size();
    i32 += p.values.i32.size();
    i64 += p.values.i64.size();
    i96 += p.values.i96.size();
    f32 += p.values.f32.size();
    f64 += p.values.f64.size();
    values += p.values.bytes.size();
    bytes += p.values.bytes.data.size();
  }
  parquet::LeafValues& v = dst->values;
  dst->validity.reserve(slots);
  v.bools.reserve(bools);
  v.i32.reserve(i32);
  v.i64.reserve(i64);
  v.i96.reserve(i96);
  v.f32.reserve(f32);
  v.f64.reserve(f64);
  v.bytes.offsets.reserve(values + 1);
  v.bytes.data.reserve(bytes);
}

// One bin: files of one partition rewritten together.
struct Bin {
  std::vector<const AddFile*> files;
  int64_t bytes = 0;
};

// Reads a bin's files into one batch (num_rows 0 when every row was deleted).
util::Result<parquet::RowBatch> read_bin(util::FileSystem& fs, const TableScan& scan,
                                         const std::map<const AddFile*, size_t>& index,
                                         const Bin& bin) {
  parquet::RowBatch all;
  bool started = false;
  for (const AddFile* file : bin.files) {
    MEDALLION_RETURN_IF_ERROR(scan.read_file(fs, index.at(file), [&](parquet::RowBatch&& batch) {
      if (!started) {
        all = std::move(batch);
        started = true;
        return util::Status::ok();
      }
      if (batch.columns.size() != all.columns.size()) {
        return util::Status::internal(fmt::format(
            "delta: data file {} was read with {} columns, the others with {}", file->path,
            batch.columns.size(), all.columns.size()));
      }
      for (size_t c = 0; c < all.columns.size(); ++c) append_array(&all.columns[c], batch.columns[c]);
      all.num_rows += batch.num_rows;
      return util::Status::ok();
    }));
  }
  return all;
}

}  // namespace

void append_array(parquet::ValueArray* dst, const parquet::ValueArray& src) {
  if (!dst->validity.empty() || !src.validity.empty()) {
    if (dst->validity.empty()) dst->validity.assign(dst->length, 1);
    if (src.validity.empty()) {
      dst->validity.insert(dst->validity.end(), src.length, 1);
    } else {
      dst->validity.insert(dst->validity.end(), src.validity.begin(), src.validity.end());
    }
  }
  switch (dst->kind) {
    case parquet::ValueKind::kLeaf:
      append_leaf(&dst->values, src.values);
      break;
    case parquet::ValueKind::kStruct:
      for (size_t i = 0; i < dst->children.size() && i < src.children.size(); ++i) {
        append_array(&dst->children[i], src.children[i]);
      }
      break;
    case parquet::ValueKind::kList:
    case parquet::ValueKind::kMap: {
      if (dst->offsets.empty()) dst->offsets.push_back(0);
      const int64_t base = dst->offsets.back();
      const int64_t src_start = src.offsets.empty() ? 0 : src.offsets.front();
      for (size_t i = 1; i < src.offsets.size(); ++i) {
        dst->offsets.push_back(base + src.offsets[i] - src_start);
      }
      for (size_t i = 0; i < dst->children.size() && i < src.children.size(); ++i) {
        append_array(&dst->children[i], src.children[i]);
      }
      break;
    }
  }
  dst->length += src.length;
}

parquet::ValueArray concat_arrays(std::vector<parquet::ValueArray> parts) {
  parquet::ValueArray out;
  size_t first = 1;
  if (parts.size() > 1 && parts.front().kind == parquet::ValueKind::kLeaf) {
    // A fresh leaf, sized once for every part.
    out.values = parquet::LeafValues(parts.front().values.type);
    reserve_leaves(&out, parts);
    first = 0;
  } else {
    out = std::move(parts.front());
  }
  for (size_t i = first; i < parts.size(); ++i) {
    append_array(&out, parts[i]);
    parts[i] = parquet::ValueArray();  // released as soon as copied
  }
  return out;
}

util::Result<OptimizeResult> optimize(util::FileSystem& fs, const std::string& table_root,
                                      const OptimizeOptions& options) {
  auto loaded = load_snapshot(fs, table_root);
  if (!loaded.is_ok()) {
    return loaded.status().with_context(fmt::format("delta: cannot optimize table {}", table_root));
  }
  const Snapshot& snapshot = loaded.value();
  MEDALLION_RETURN_IF_ERROR(check_partition_filter(snapshot, options.where));
  const int64_t target = std::max<int64_t>(options.target_file_bytes, 1);
  const int64_t now_ms = options.write.now_ms != 0 ? options.write.now_ms : util::unix_now_ms();

  // 1-2. Partitions, their small files, and the bins.
  FilterContext context{&snapshot.schema, &snapshot.metadata.partition_columns,
                        snapshot.column_mapping};
  std::map<PartitionValues, std::vector<const AddFile*>> small_files;
  for (const AddFile& file : snapshot.files) {
    if (file.size >= target) continue;
    if (!options.where.empty() && !file_may_match(context, file, options.where)) continue;
    small_files[file.partition_values].push_back(&file);
  }
  std::vector<std::pair<const PartitionValues*, std::vector<Bin>>> plan;
  for (auto& [partition, files] : small_files) {
    if (static_cast<int64_t>(files.size()) < options.min_files) continue;
    std::stable_sort(files.begin(), files.end(), [](const AddFile* a, const AddFile* b) {
      return a->size < b->size;
    });
    std::vector<Bin> bins;
    Bin current;
    for (const AddFile* file : files) {
      if (!current.files.empty() && current.bytes + file->size > target) {
        if (current.files.size() >= 2) bins.push_back(std::move(current));
        current = Bin{};
      }
      current.files.push_back(file);
      current.bytes += file->size;
    }
    if (current.files.size() >= 2) bins.push_back(std::move(current));
    if (!bins.empty()) plan.emplace_back(&partition, std::move(bins));
  }
  OptimizeResult result;
  if (plan.empty()) return result;

  // 3. Rewrite each bin.
  MEDALLION_ASSIGN_OR_RETURN(TableScan scan, TableScan::make(snapshot));
  std::map<const AddFile*, size_t> index;
  for (size_t i = 0; i < scan.files().size(); ++i) index[scan.files()[i]] = i;
  DataWriterOptions data_options = options.write.data;
  data_options.now_ms = now_ms;
  std::vector<AddFile> added;
  std::vector<const AddFile*> removed;
  int64_t num_bins = 0;
  auto discard_new_files = [&] {
    // Uncommitted, so referenced by no version: safe to delete at once.
    for (const AddFile& add : added) {
      auto path = data_file_path(snapshot.table_root, add.path);
      if (path.is_ok()) (void)fs.remove_file(path.value());
    }
  };
  for (const auto& [partition, bins] : plan) {
    for (const Bin& bin : bins) {
      auto batch = read_bin(fs, scan, index, bin);
      util::Status status = batch.status();
      if (status.is_ok() && batch.value().num_rows > 0) {
        auto written = write_data_files(fs, snapshot.table_root, snapshot.schema,
                                        snapshot.metadata.partition_columns,
                                        snapshot.column_mapping, batch.value(), data_options);
        status = written.status();
        if (status.is_ok()) {
          for (AddFile& add : written.value()) added.push_back(std::move(add));
        }
      }
      if (!status.is_ok()) {
        discard_new_files();
        return status.with_context(fmt::format(
            "delta: cannot optimize table {} (partition {})", snapshot.table_root,
            partition->empty()
                ? std::string("of the whole table")
                : partition_directory(snapshot.metadata.partition_columns, *partition)));
      }
      removed.insert(removed.end(), bin.files.begin(), bin.files.end());
      ++num_bins;
    }
  }
  MEDALLION_RETURN_IF_ERROR(data_files_written(options.write));

  // 4. One commit.
  MEDALLION_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(fs, snapshot));
  for (const auto& entry : plan) tx.mark_read(*entry.first);
  for (const AddFile* file : removed) {
    tx.remove_file(Transaction::remove_of(*file, now_ms, /*data_change=*/false));
    result.bytes_removed += file->size;
  }
  for (AddFile& add : added) {
    add.data_change = false;
    result.bytes_added += add.size;
    tx.add_file(add);
  }
  result.files_removed = static_cast<int64_t>(removed.size());
  result.files_added = static_cast<int64_t>(added.size());
  result.partitions_optimized = static_cast<int64_t>(plan.size());

  CommitOptions commit_options;
  commit_options.operation = "OPTIMIZE";
  commit_options.parameters["predicate"] = predicates_json(options.where);
  commit_options.parameters["zOrderBy"] = "[]";
  commit_options.metrics["numRemovedFiles"] = std::to_string(result.files_removed);
  commit_options.metrics["numAddedFiles"] = std::to_string(result.files_added);
  commit_options.metrics["numRemovedBytes"] = std::to_string(result.bytes_removed);
  commit_options.metrics["numAddedBytes"] = std::to_string(result.bytes_added);
  commit_options.metrics["numBins"] = std::to_string(num_bins);
  commit_options.now_ms = now_ms;
  commit_options.test_hook = options.write.test_hook;
  auto committed = tx.commit(commit_options);
  if (!committed.is_ok()) {
    // Only a lost conflict is sure not to have published the commit.
    if (committed.status().code() == util::StatusCode::kAborted) discard_new_files();
    return committed.status().with_context(
        fmt::format("delta: cannot optimize table {}", snapshot.table_root));
  }
  result.version = committed.value().version;
  // The commit stands whatever happens to the checkpoint; the next writer
  // whose version is due writes one.
  (void)checkpoint_if_due(fs, snapshot, result.version, now_ms);
  return result;
}

}  // namespace medallion::delta
