// LogReplay: folds the actions of a checkpoint and the commits after it into
// the state of one table version, reconciling them as PROTOCOL.md "Action
// Reconciliation" states:
//
//   - the newest protocol and metaData win;
//   - txn: the newest version per appId wins;
//   - domainMetadata: the newest per domain wins; removed == true drops it;
//   - a file is identified by (path, deletion vector id): an add makes it
//     live and clears its tombstone, a remove drops it from the live set and
//     keeps a tombstone (for VACUUM and checkpoints);
//   - cdc and commitInfo actions do not change the state.
//
// Thread safety: one object per replay, used by one thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "delta/actions.h"
#include "util/status.h"

namespace medallion::delta {

struct TableState {
  int64_t version = -1;
  Protocol protocol;
  Metadata metadata;
  std::vector<AddFile> files;           // live files, sorted by (path, deletion vector)
  std::vector<RemoveFile> tombstones;   // removed files not re-added, same order
  std::map<std::string, Txn> txns;      // by appId
  std::map<std::string, DomainMetadata> domains;
  std::optional<CommitInfo> commit_info;  // of `version`, when its commit was replayed
};

class LogReplay {
 public:
  explicit LogReplay(std::string table_root) : table_root_(std::move(table_root)) {}

  // Applies the actions of the checkpoint of `version`.
  void apply_checkpoint(int64_t version, std::vector<Action> actions);
  // Applies the actions of commit `version` (the next one in order).
  void apply_commit(int64_t version, std::vector<Action> actions);

  // The state after everything applied; kCorruption when no protocol or
  // metaData was seen (every table has both from version 0 on).
  util::Result<TableState> finish() &&;

 private:
  void apply(Action&& action);

  std::string table_root_;
  int64_t version_ = -1;
  bool has_protocol_ = false;
  bool has_metadata_ = false;
  Protocol protocol_;
  Metadata metadata_;
  std::unordered_map<std::string, AddFile> live_;
  std::unordered_map<std::string, RemoveFile> tombstones_;
  std::map<std::string, Txn> txns_;
  std::map<std::string, DomainMetadata> domains_;
  std::optional<CommitInfo> commit_info_;
};

// The reconciliation key of a file: path, plus the deletion vector's id.
std::string file_key(const std::string& path, const std::optional<DeletionVectorDescriptor>& dv);

}  // namespace medallion::delta
