// MERGE INTO target USING source ON keys [AND condition]
//   WHEN MATCHED [AND cond] THEN UPDATE SET ... | DELETE   (in order)
//   WHEN NOT MATCHED [AND cond] THEN INSERT ...            (in order)
// as one copy-on-write commit (Delta's MERGE semantics):
//
//   1. Candidate files: the target's live files, less those that certainly
//      hold no row the ON clause can match. Pruning uses the partition
//      values of the files against the source's key values (exact, for key
//      columns that partition the target), the source keys' min/max against
//      per-file statistics, and conjuncts of the extra condition of the form
//      `t.c op s.c2` or `t.c op literal` (bounds from the source's values).
//   2. Find: the candidate files' key columns (and the columns the
//      condition reads) are probed against a hash index of the source's
//      keys (columnar/hash_join.h); the condition filters the pairs. A
//      target row matched by two source rows is an error when there are
//      WHEN MATCHED clauses, as in Delta.
//   3. Rewrite: only files holding matched rows are read whole and written
//      again: each matched row takes the first WHEN MATCHED clause whose
//      condition holds (update: SET expressions, unset columns keep their
//      value; delete: dropped; none: copied); unmatched rows are copied.
//   4. Insert: each unmatched source row takes the first WHEN NOT MATCHED
//      clause whose condition holds; its values come from the clause's
//      expressions, or, for a clause without any, from the source column
//      of the same name (INSERT *).
//   5. Commit: removes of the rewritten files, adds of the new ones, and a
//      txn when the write is idempotent (options.app_id/app_version: a
//      batch already committed is skipped). The partitions read are marked
//      so that a concurrent append there conflicts (transaction.h).
//      commitInfo carries operation MERGE, the predicate and clauses as
//      Spark writes them, and the metrics below.
//
// Expressions (columnar/expression.h) name target columns "<target_alias>.c"
// and source columns "<source_alias>.c" ("t." and "s." by default); WHEN NOT
// MATCHED expressions see only the source. The target's columns must all
// have columnar types (columnar_bridge.h).
//
// Thread safety: like table_writer.h, any number of writers at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "columnar/expression.h"
#include "columnar/record_batch.h"
#include "delta/table_writer.h"
#include "util/file_system.h"
#include "util/status.h"

namespace medallion::delta {

struct MergeKey {
  std::string target_column;
  std::string source_column;
};

struct WhenMatched {
  std::optional<columnar::Expr> condition;
  bool delete_row = false;
  // Target column -> new value (over target and source columns).
  std::vector<std::pair<std::string, columnar::Expr>> set;
};

struct WhenNotMatched {
  std::optional<columnar::Expr> condition;
  // Target column -> value (over source columns); columns not named are
  // null. Empty: INSERT * (every target column from the source column of
  // the same name).
  std::vector<std::pair<std::string, columnar::Expr>> values;
};

struct MergeSpec {
  std::vector<MergeKey> keys;                 // ON t.k = s.k AND ...; at least one
  std::optional<columnar::Expr> condition;    // AND condition (over t.* and s.*)
  std::vector<WhenMatched> when_matched;
  std::vector<WhenNotMatched> when_not_matched;
  std::string target_alias = "t";
  std::string source_alias = "s";
};

struct MergeResult {
  int64_t version = -1;   // the committed version (the current one when skipped or empty)
  bool skipped = false;   // an idempotent merge already committed
  bool committed = false; // false when nothing changed (no commit written)
  int64_t source_rows = 0;
  int64_t rows_inserted = 0;
  int64_t rows_updated = 0;
  int64_t rows_deleted = 0;
  int64_t rows_copied = 0;   // unchanged rows rewritten with the rows that changed
  int64_t files_total = 0;    // live files before the merge
  int64_t files_scanned = 0;  // candidate files left after pruning
  int64_t files_removed = 0;  // rewritten files
  int64_t files_added = 0;
  // Where the time went (commitInfo's scanTimeMs and rewriteTimeMs, Spark's
  // names; write and commit are ours).
  double scan_ms = 0;     // pruning and finding the matched rows
  double rewrite_ms = 0;  // reading the files to rewrite and building the new rows
  double write_ms = 0;    // writing the new data files
  double commit_ms = 0;   // the commit (and checkpoint)
};

// Fails with kInvalidArgument for a spec that does not fit the tables (an
// unknown column, key types that differ, an expression that does not bind),
// kFailedPrecondition when a target row is matched by several source rows,
// kAborted when a concurrent commit conflicts (the merge may be retried).
util::Result<MergeResult> merge(util::FileSystem& fs, const std::string& table_root,
                                const columnar::RecordBatch& source, const MergeSpec& spec,
                                const WriteOptions& options = {});

}  // namespace medallion::delta
