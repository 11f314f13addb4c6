// VACUUM: deletes the files under a table root that no version still
// retained can need — the garbage that removes (overwrite, delete, OPTIMIZE)
// and crashed writers leave behind. Delta Spark's rule (VacuumCommand),
// which the protocol leaves to writers:
//
//   cutoff = now - retention
//   kept:    every file a live add of the current snapshot names (add.path
//            %-decoded), and its deletion vector file;
//            every file a tombstone with deletionTimestamp >= cutoff names,
//            and its deletion vector file (a tombstone without a
//            deletionTimestamp counts as expired, as in Spark);
//            every file modified at or after the cutoff — a writer may be
//            about to commit it;
//            everything under _delta_log, except orphan commit temp files
//            (_delta_log/.<uuid>.json.tmp, left by a committer that crashed
//            before publishing; transaction.h) older than the cutoff;
//            hidden entries: names starting with '_' or '.', unless the name
//            is a partition directory ("<partition column>=...", so a
//            partition column named "_p" still works) or _change_data (CDC
//            files are garbage once older than the retention, as in Spark).
//   deleted: every other file below the table root, found by listing it
//            recursively; then every directory (never the root) that the
//            deletions left empty.
// Files outside the table root (absolute add paths elsewhere) are never
// listed and so never deleted.
//
// The retention check (Spark's spark.databricks.delta.retentionDurationCheck):
// a retention shorter than the table's delta.deletedFileRetentionDuration
// (an interval such as "interval 7 days"; 7 days when unset) is refused
// unless enforce_retention_check is false: readers time-travelling to older
// versions, and writers whose reads predate the cutoff, would lose files.
//
// No commit is written (Spark's optional VACUUM START / VACUUM END commits
// are history only).
//
// Thread safety: safe to run while others write to the table (their new
// files are younger than the cutoff); two vacuums at once only race to
// delete the same files, which is harmless.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/file_system.h"
#include "util/status.h"

namespace medallion::delta {

inline constexpr std::string_view kDeletedFileRetentionProperty =
    "delta.deletedFileRetentionDuration";
inline constexpr int64_t kDefaultDeletedFileRetentionMs = 7 * 24 * 3600 * 1000LL;

struct VacuumOptions {
  int64_t retention_ms = kDefaultDeletedFileRetentionMs;
  bool dry_run = false;      // list what would be deleted, delete nothing
  int64_t now_ms = 0;        // 0 = the system clock
  bool enforce_retention_check = true;
};

struct VacuumResult {
  // Relative to the table root, '/'-separated, sorted; the files deleted (or
  // that would be, in a dry run). Directories removed are not listed.
  std::vector<std::string> files_to_delete;
  int64_t bytes = 0;  // their total size
  bool dry_run = false;
};

// Vacuums the latest version of the table at table_root. Errors: no table
// (kNotFound), a negative retention or one refused by the retention check
// (kInvalidArgument), an unparsable delta.deletedFileRetentionDuration
// (kInvalidArgument), file system errors (files deleted before the error
// stay deleted; running it again finishes the job).
util::Result<VacuumResult> vacuum(util::FileSystem& fs, const std::string& table_root,
                                  const VacuumOptions& options);

// Milliseconds of a Spark interval string: an optional "interval", then one or
// more "<integer> <unit>" with units week(s), day(s), hour(s), minute(s),
// second(s), millisecond(s), microsecond(s) (case-insensitive), e.g.
// "interval 1 weeks", "interval 36 hours 30 minutes". Months and years have
// no fixed length and are refused (kInvalidArgument), as Spark refuses them.
util::Result<int64_t> parse_interval_ms(std::string_view text);

}  // namespace medallion::delta
