// TableScan: reads the rows of a Snapshot — every live data file, with the
// rows its deletion vector marks as deleted left out, partition columns
// filled in from the file's partition values, and every column conformed to
// the table's schema (column_conform.h).
//
// Output rows are parquet::RowBatches over output_tree(): the parquet schema
// of the projected columns (logical names, canonical storage), so that the
// Parquet writer and value renderer work on them unchanged. One batch per
// row group of each data file; files are read in path order.
//
// Files can be skipped before reading with a filter (scan_filter.h):
// partition values decide for partition columns, per-file min/max/null
// statistics for the others. Skipping is conservative: a file is read
// unless it certainly holds no matching row, and the rows of a read file
// are not filtered.
//
// Each file's columns are decoded in parallel on util::cpu_pool().
//
// Thread safety: after make(), read_file may be called from several threads.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "delta/delta_schema.h"
#include "delta/scan_filter.h"
#include "delta/snapshot.h"
#include "formats/parquet/parquet_schema.h"
#include "formats/parquet/value_array.h"
#include "util/file_system.h"
#include "util/status.h"

namespace medallion::delta {

struct ScanOptions {
  std::vector<std::string> columns;  // top-level logical names; empty = every column
  std::vector<ColumnPredicate> filter;  // a conjunction; see scan_filter.h
};

class TableScan {
 public:
  // Fails on an unknown column (naming the table's columns) or a predicate
  // on an unknown column or of the wrong type.
  static util::Result<TableScan> make(const Snapshot& snapshot, ScanOptions options = {});
  // A scan of chosen files of the snapshot's table instead of its live files
  // (a stream reads the files of commits, which need not be live in any one
  // snapshot): the snapshot gives the schema, partition columns and column
  // mapping. Files are read in the order given (after skipping by the
  // filter). The snapshot and the files must outlive the scan.
  static util::Result<TableScan> for_files(const Snapshot& snapshot,
                                           std::vector<const AddFile*> files,
                                           ScanOptions options = {});

  const Schema& output_schema() const { return output_schema_; }
  const parquet::SchemaTree& output_tree() const { return *output_tree_; }
  // The files left after skipping.
  const std::vector<const AddFile*>& files() const { return files_; }
  size_t files_skipped() const { return files_skipped_; }

  using BatchSink = std::function<util::Status(parquet::RowBatch&&)>;
  // Reads files()[index], one batch per row group.
  util::Status read_file(util::FileSystem& fs, size_t index, const BatchSink& sink) const;
  // Reads every file in order.
  util::Status read_all(util::FileSystem& fs, const BatchSink& sink) const;

 private:
  TableScan() = default;
  // The output schema and tree of a scan; no files chosen yet.
  static util::Result<TableScan> prepare(const Snapshot& snapshot, const ScanOptions& options);
  // Keeps the files the filter may match, in order.
  util::Status choose_files(const std::vector<const AddFile*>& candidates,
                            const std::vector<ColumnPredicate>& filter);

  const Snapshot* snapshot_ = nullptr;
  Schema output_schema_;
  std::vector<bool> is_partition_;  // per output field
  std::shared_ptr<parquet::SchemaTree> output_tree_;
  std::vector<const AddFile*> files_;
  size_t files_skipped_ = 0;
};

// The file system path of a data file: add.path is a URI relative to the
// table root (or absolute); it is %-decoded.
util::Result<std::string> data_file_path(const std::string& table_root, const std::string& path);

}  // namespace medallion::delta
