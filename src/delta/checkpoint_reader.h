// Reads the actions of a checkpoint (PROTOCOL.md "Checkpoints", "Checkpoint
// Schema"): classic and multi-part Parquet checkpoints, and V2 checkpoints
// (a JSON or Parquet top-level file whose add/remove actions may live in
// sidecar files under _delta_log/_sidecars/).
//
// A Parquet checkpoint has one top-level struct column per action type (txn,
// add, remove, metaData, protocol, domainMetadata, and for V2 checkpoints
// sidecar and checkpointMetadata); each row sets exactly one of them. Columns
// a reader does not need (cdc, commitInfo, the *_parsed columns) are not
// read. Unknown struct fields are ignored, missing optional ones are absent.
//
// Thread safety: free functions.
#pragma once

#include <string>
#include <vector>

#include "delta/actions.h"
#include "delta/log_segment.h"
#include "util/file_system.h"
#include "util/status.h"

namespace medallion::delta {

// The actions of one Parquet checkpoint or sidecar file, appended to *out.
util::Status read_parquet_checkpoint_file(util::FileSystem& fs, const std::string& path,
                                          std::vector<Action>* out);

// Every action of a checkpoint, sidecars resolved (Sidecar and
// CheckpointMetadata actions are consumed, not returned).
util::Result<std::vector<Action>> read_checkpoint(util::FileSystem& fs,
                                                  const std::string& table_root,
                                                  const CheckpointFiles& checkpoint);

}  // namespace medallion::delta
