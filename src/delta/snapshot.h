// Snapshot: one version of a Delta table as a reader sees it — protocol,
// metadata and schema, the live data files with their partition values and
// statistics, the tombstones, and the latest txn version per application.
//
// Loading lists _delta_log (log_segment.h), reads the newest checkpoint at or
// before the version (checkpoint_reader.h), replays the JSON commits after it
// (log_replay.h), and refuses tables whose protocol needs a reader feature
// medallion lacks (table_features.h).
//
// Time travel: by version (load_snapshot's `version`), or by timestamp
// (version_at_timestamp): the latest version committed at or before an
// instant, where a commit's time is its in-commit timestamp when the table has
// one, else (by default, as the protocol says) its commit file's modification
// time, or on request the commitInfo timestamp its writer recorded — the one
// that survives copying a table.
//
// Thread safety: a loaded Snapshot is an immutable value.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "delta/actions.h"
#include "delta/delta_schema.h"
#include "delta/log_segment.h"
#include "util/file_system.h"
#include "util/status.h"

namespace medallion::delta {

struct Snapshot {
  std::string table_root;
  int64_t version = -1;
  Protocol protocol;
  Metadata metadata;
  Schema schema;  // parsed metadata.schema_string
  ColumnMappingMode column_mapping = ColumnMappingMode::kNone;
  std::vector<AddFile> files;          // live, sorted by path
  std::vector<RemoveFile> tombstones;  // sorted by path
  std::map<std::string, Txn> txns;     // by appId
  std::map<std::string, DomainMetadata> domains;

  // The latest batch version committed by an idempotent writer, if any.
  std::optional<int64_t> txn_version(const std::string& app_id) const;
  // A table property (metaData.configuration), if set.
  std::optional<std::string> property(const std::string& key) const;
  // Sum of the files' sizes.
  int64_t size_in_bytes() const;
};

// Loads `version` (the latest when absent) of the table at table_root.
util::Result<Snapshot> load_snapshot(util::FileSystem& fs, const std::string& table_root,
                                     std::optional<int64_t> version = std::nullopt);

enum class CommitTimeSource {
  kFileModificationTime,  // the protocol's rule without in-commit timestamps
  kCommitInfo,            // commitInfo.timestamp, falling back to the file time
};

struct CommitEntry {
  int64_t version = 0;
  int64_t timestamp_ms = 0;  // by the chosen source
  std::optional<CommitInfo> commit_info;
};

// Every commit still in the log, oldest first, with its time and provenance
// (DESCRIBE HISTORY). Versions whose commit files were cleaned up are absent.
util::Result<std::vector<CommitEntry>> read_history(
    util::FileSystem& fs, const std::string& table_root,
    CommitTimeSource source = CommitTimeSource::kFileModificationTime);

// The latest version committed at or before timestamp_ms; kNotFound when the
// instant is before the first commit still in the log.
util::Result<int64_t> version_at_timestamp(
    util::FileSystem& fs, const std::string& table_root, int64_t timestamp_ms,
    CommitTimeSource source = CommitTimeSource::kFileModificationTime);

}  // namespace medallion::delta
