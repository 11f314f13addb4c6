// LogSegment: the files of _delta_log that make up one version of a table —
// the newest complete checkpoint at or before that version plus every commit
// after it, in order (PROTOCOL.md "Checkpoints", "Action Reconciliation").
//
// The log is found by listing _delta_log, not by trusting _last_checkpoint:
// on a local file system the listing is cheap and always right, so a stale
// or corrupt _last_checkpoint cannot mislead a reader. A multi-part
// checkpoint counts only when all of its parts are present.
//
// Thread safety: plain values and free functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "delta/log_format.h"
#include "util/file_system.h"
#include "util/status.h"

namespace medallion::delta {

struct CheckpointFiles {
  int64_t version = 0;
  LogFileKind kind = LogFileKind::kClassicCheckpoint;
  std::vector<LogFileName> files;  // every part, in part order
};

// Everything in one listing of _delta_log, sorted by version.
struct LogListing {
  std::string table_root;
  std::vector<LogFileName> commits;
  std::vector<CheckpointFiles> checkpoints;  // complete ones only
  int64_t latest_version() const;            // -1 for an empty log
};

struct LogSegment {
  std::string table_root;
  int64_t version = -1;
  std::optional<CheckpointFiles> checkpoint;
  std::vector<LogFileName> commits;  // (checkpoint version, version], contiguous
};

// The path of _delta_log under a table root.
std::string log_dir_path(const std::string& table_root);

// Lists the log; kNotFound when there is no _delta_log with a commit or a
// checkpoint in it.
util::Result<LogListing> list_log(util::FileSystem& fs, const std::string& table_root);

// The segment for `version` (the latest when absent). Errors: a version past
// the latest (kInvalidArgument naming the latest), a version older than the
// log can rebuild (kNotFound naming the oldest), a gap in the commits
// (kCorruption naming the missing file).
util::Result<LogSegment> make_log_segment(const LogListing& listing,
                                          std::optional<int64_t> version);

}  // namespace medallion::delta
