// OPTIMIZE: bin-packing compaction, as Delta Spark's OptimizeCommand does it
// without Z-ordering. Many small files (one per streaming micro-batch, say)
// become a few large ones; the rows stay the same.
//
//   1. The live files of the latest snapshot are grouped by partition
//      (those selected by `where`, predicates on partition columns only).
//   2. In each partition, the small files — size < target_file_bytes — are
//      candidates; a partition with fewer than min_files candidates is left
//      alone. Candidates, smallest first, fill bins of at most
//      target_file_bytes (by file size); bins of one file are dropped, since
//      rewriting a file alone compacts nothing.
//   3. Each bin's files are read with TableScan (deleted rows of files with
//      deletion vectors are left out, so compaction also purges them),
//      concatenated, and written by write_data_files as new files (one per
//      bin unless it holds more than write.data.target_file_rows rows).
//   4. One commit, operation "OPTIMIZE": a remove (dataChange false) of every
//      file read and an add (dataChange false) of every file written;
//      operationParameters predicate (the where clause, Spark's rendering:
//      ["day = '2024-01-01'"]) and zOrderBy ("[]"); operationMetrics
//      numRemovedFiles, numAddedFiles, numRemovedBytes, numAddedBytes,
//      numBins. Then checkpoint_if_due.
//
// Memory: one bin's rows at a time, decoded (a few times target_file_bytes).
//
// Concurrency: the removes make the transaction conflict with a concurrent
// commit that removed one of the same files (a DELETE, an overwrite, another
// OPTIMIZE), and with a concurrent data-changing append into a rewritten
// partition (Transaction's rule for removes; Spark lets such appends pass).
// A conflict is kAborted and leaves the new files uncommitted — garbage that
// vacuum (vacuum.h) deletes later.
//
// Thread safety: as any writer (transaction.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "delta/scan_filter.h"
#include "delta/table_writer.h"
#include "util/file_system.h"
#include "util/status.h"

namespace medallion::delta {

struct OptimizeOptions {
  int64_t target_file_bytes = int64_t{128} << 20;  // values < 1 mean 1
  // A partition with fewer small files is left alone.
  int64_t min_files = 2;
  // A conjunction of predicates on partition columns; empty = every partition.
  std::vector<ColumnPredicate> where;
  // data: the Parquet options and rows per file of the new files; now_ms for
  // the commit and the removes' deletionTimestamp (0 = the system clock);
  // test_hook as for writes. app_id / app_version are not used.
  WriteOptions write;
};

struct OptimizeResult {
  int64_t version = -1;  // -1: nothing to compact, nothing committed
  int64_t files_removed = 0;
  int64_t files_added = 0;
  int64_t partitions_optimized = 0;
  int64_t bytes_removed = 0;
  int64_t bytes_added = 0;
};

// Compacts the table at table_root. Errors: no table (kNotFound), a
// predicate on a non-partition column or of the wrong type
// (kInvalidArgument), a conflicting concurrent commit (kAborted), read and
// write errors. A failed checkpoint after the commit is not an error (the
// commit stands; the next writer checkpoints).
util::Result<OptimizeResult> optimize(util::FileSystem& fs, const std::string& table_root,
                                      const OptimizeOptions& options);

// Appends src's slots to *dst; both must be of the same shape (one ValueNode).
// Exposed for tests.
void append_array(parquet::ValueArray* dst, const parquet::ValueArray& src);

// The slots of every part, in order, in one array; all parts of one shape
// (at least one part). A leaf's buffers are sized once, and each part is
// released as soon as it has been copied.
parquet::ValueArray concat_arrays(std::vector<parquet::ValueArray> parts);

}  // namespace medallion::delta
