// TableWriter operations: the writes a data engineer runs against a table —
// create, append, overwrite (whole table or replaceWhere on partition
// predicates), and delete by partition predicate. Each is one atomic commit
// (transaction.h) of data files written first (data_writer.h), followed by a
// checkpoint when the new version is a multiple of the table's
// delta.checkpointInterval (default 10).
//
// Rows come in as parquet::RowBatches in canonical storage over
// to_parquet_schema(table schema, kNone) — what a TableScan hands out —
// holding every column of the table, partition columns included.
//
// Idempotent writers set app_id and app_version: the commit carries
// txn(app_id, app_version), and a write whose app_version is not above the
// table's latest for app_id is skipped (WriteResult::skipped), so a batch
// replayed after a crash is not written twice.
//
// Thread safety: any number of writers, in any number of processes, may
// write to one table at once (optimistic concurrency, transaction.h).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "delta/data_writer.h"
#include "delta/delta_schema.h"
#include "delta/scan_filter.h"
#include "delta/snapshot.h"
#include "delta/transaction.h"
#include "formats/parquet/value_array.h"
#include "util/file_system.h"
#include "util/status.h"

namespace medallion::delta {

inline constexpr int64_t kDefaultCheckpointInterval = 10;
inline constexpr std::string_view kCheckpointIntervalProperty = "delta.checkpointInterval";

struct WriteOptions {
  DataWriterOptions data;
  std::string app_id;        // with app_version >= 0: an idempotent write
  int64_t app_version = -1;
  int64_t now_ms = 0;        // 0 = the system clock
  // Crash tests: "data_written" after the data files, then the
  // transaction's steps (CommitOptions::test_hook).
  std::function<void(std::string_view step)> test_hook;
  // Called once the data files are written, right before the commit; an
  // error abandons the write (its files stay unreferenced). Writers running
  // at once use it to commit in an order of their choosing.
  std::function<util::Status()> before_commit;
};

// What every writer does between writing its data files and committing:
// options.test_hook("data_written"), then options.before_commit.
util::Status data_files_written(const WriteOptions& options);

struct WriteResult {
  int64_t version = -1;  // the committed version (the current one when skipped)
  bool skipped = false;  // an idempotent write already committed
  int64_t files_added = 0;
  int64_t files_removed = 0;
  int64_t rows_written = 0;
  int64_t rows_removed = 0;  // from files' stats; -1 when some file had none
};

// Creates an empty table (version 0, protocol (1, 2)); kAlreadyExists when
// one is there.
util::Result<WriteResult> create_table(util::FileSystem& fs, const std::string& table_root,
                                       const Schema& schema,
                                       const std::vector<std::string>& partition_columns,
                                       const std::map<std::string, std::string>& configuration,
                                       const WriteOptions& options = {});

util::Result<WriteResult> append(util::FileSystem& fs, const std::string& table_root,
                                 const parquet::RowBatch& batch, const WriteOptions& options = {});

// Replaces the rows matching replace_where (predicates on partition columns
// only; empty = the whole table) with `batch`, whose rows must all match it.
util::Result<WriteResult> overwrite(util::FileSystem& fs, const std::string& table_root,
                                    const parquet::RowBatch& batch,
                                    const std::vector<ColumnPredicate>& replace_where,
                                    const WriteOptions& options = {});

// Deletes the rows matching `where` (predicates on partition columns only;
// empty = every row).
util::Result<WriteResult> delete_where(util::FileSystem& fs, const std::string& table_root,
                                       const std::vector<ColumnPredicate>& where,
                                       const WriteOptions& options = {});

// OK when every predicate is on a partition column of the snapshot's table
// and of its type; kInvalidArgument naming the column otherwise.
util::Status check_partition_filter(const Snapshot& snapshot,
                                    const std::vector<ColumnPredicate>& where);

// Shared by the write operations (here and in merge.h):
// True when `options` name an idempotent write (app_id, app_version) that
// the snapshot's table already holds.
bool already_committed(const Snapshot& snapshot, const WriteOptions& options);
// Stamps the txn of an idempotent write on `tx`, commits it with the
// options' clock and test hook, and checkpoints when due (a failed
// checkpoint is not an error: the commit stands). The committed version.
util::Result<int64_t> commit_write(util::FileSystem& fs, Transaction& tx,
                                   CommitOptions commit_options, const WriteOptions& options,
                                   const Snapshot& snapshot, int64_t now_ms);

// Writes a checkpoint of `version` when it is a multiple of the table's
// checkpoint interval, read from `read_snapshot` (the snapshot the commit of
// `version` started from: a change of the interval would have conflicted).
// A failed checkpoint does not undo the commit: the error is returned for
// the caller to report.
util::Status checkpoint_if_due(util::FileSystem& fs, const Snapshot& read_snapshot,
                               int64_t version, int64_t now_ms);

}  // namespace medallion::delta
