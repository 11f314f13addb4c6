#include "delta/snapshot.h"

#include <fmt/format.h>

#include "delta/action_json.h"
#include "delta/checkpoint_reader.h"
#include "delta/log_replay.h"
#include "delta/table_features.h"

namespace medallion::delta {
namespace {

util::Result<std::vector<Action>> read_commit(util::FileSystem& fs, const std::string& table_root,
                                              const LogFileName& commit) {
  std::string path = util::join_path(log_dir_path(table_root), commit.name);
  MEDALLION_ASSIGN_OR_RETURN(std::string text, fs.read_file(path));
  return parse_actions(text, path);
}

}  // namespace

std::optional<int64_t> Snapshot::txn_version(const std::string& app_id) const {
  auto it = txns.find(app_id);
  if (it == txns.end()) return std::nullopt;
  return it->second.version;
}

std::optional<std::string> Snapshot::property(const std::string& key) const {
  auto it = metadata.configuration.find(key);
  if (it == metadata.configuration.end()) return std::nullopt;
  return it->second;
}

int64_t Snapshot::size_in_bytes() const {
  int64_t total = 0;
  for (const AddFile& f : files) total += f.size;
  return total;
}

util::Result<Snapshot> load_snapshot(util::FileSystem& fs, const std::string& table_root,
                                     std::optional<int64_t> version) {
  MEDALLION_ASSIGN_OR_RETURN(LogListing listing, list_log(fs, table_root));
  MEDALLION_ASSIGN_OR_RETURN(LogSegment segment, make_log_segment(listing, version));
  LogReplay replay(table_root);
  if (segment.checkpoint) {
    MEDALLION_ASSIGN_OR_RETURN(std::vector<Action> actions,
                               read_checkpoint(fs, table_root, *segment.checkpoint));
    replay.apply_checkpoint(segment.checkpoint->version, std::move(actions));
  }
  for (const LogFileName& commit : segment.commits) {
    MEDALLION_ASSIGN_OR_RETURN(std::vector<Action> actions, read_commit(fs, table_root, commit));
    replay.apply_commit(commit.version, std::move(actions));
  }
  MEDALLION_ASSIGN_OR_RETURN(TableState state, std::move(replay).finish());
  MEDALLION_RETURN_IF_ERROR(check_readable(state.protocol, table_root));

  Snapshot snapshot;
  snapshot.table_root = table_root;
  snapshot.version = state.version;
  auto schema = parse_schema(state.metadata.schema_string);
  if (!schema.is_ok()) {
    return schema.status().with_context(
        fmt::format("delta: table {} version {} has a schema medallion cannot use", table_root,
                    state.version));
  }
  snapshot.schema = std::move(schema).value();
  MEDALLION_ASSIGN_OR_RETURN(snapshot.column_mapping,
                             column_mapping_mode(state.metadata.configuration));
  snapshot.protocol = std::move(state.protocol);
  snapshot.metadata = std::move(state.metadata);
  snapshot.files = std::move(state.files);
  snapshot.tombstones = std::move(state.tombstones);
  snapshot.txns = std::move(state.txns);
  snapshot.domains = std::move(state.domains);
  return snapshot;
}

util::Result<std::vector<CommitEntry>> read_history(util::FileSystem& fs,
                                                    const std::string& table_root,
                                                    CommitTimeSource source) {
  MEDALLION_ASSIGN_OR_RETURN(LogListing listing, list_log(fs, table_root));
  std::vector<CommitEntry> history;
  history.reserve(listing.commits.size());
  for (const LogFileName& commit : listing.commits) {
    CommitEntry entry;
    entry.version = commit.version;
    MEDALLION_ASSIGN_OR_RETURN(std::vector<Action> actions, read_commit(fs, table_root, commit));
    for (Action& action : actions) {
      if (auto* info = std::get_if<CommitInfo>(&action)) {
        entry.commit_info = std::move(*info);
        break;
      }
    }
    std::optional<int64_t> time;
    bool from_file = false;
    if (entry.commit_info) {
      time = entry.commit_info->in_commit_timestamp;
      if (!time && source == CommitTimeSource::kCommitInfo) time = entry.commit_info->timestamp;
    }
    if (!time && source == CommitTimeSource::kCommitInfo && !history.empty()) {
      time = history.back().timestamp_ms;  // no recorded time: as old as its predecessor
    }
    if (!time) {
      from_file = true;
      MEDALLION_ASSIGN_OR_RETURN(
          time, fs.modification_time_ms(util::join_path(log_dir_path(table_root), commit.name)));
    }
    entry.timestamp_ms = *time;
    // File times only move forward (clock skew between writers): a time not
    // after its predecessor's becomes the predecessor's plus one millisecond,
    // as Delta readers do.
    if (from_file && !history.empty() && entry.timestamp_ms <= history.back().timestamp_ms &&
        history.back().version == entry.version - 1) {
      entry.timestamp_ms = history.back().timestamp_ms + 1;
    }
    history.push_back(std::move(entry));
  }
  return history;
}

util::Result<int64_t> version_at_timestamp(util::FileSystem& fs, const std::string& table_root,
                                           int64_t timestamp_ms, CommitTimeSource source) {
  MEDALLION_ASSIGN_OR_RETURN(std::vector<CommitEntry> history,
                             read_history(fs, table_root, source));
  std::optional<int64_t> found;
  for (const CommitEntry& entry : history) {
    if (entry.timestamp_ms > timestamp_ms) break;
    found = entry.version;
  }
  if (!found) {
    return util::Status::not_found(fmt::format(
        "delta: table {} has no version at or before {} ms since the epoch: its oldest commit "
        "still in the log is version {} at {} ms",
        table_root, timestamp_ms, history.empty() ? -1 : history.front().version,
        history.empty() ? 0 : history.front().timestamp_ms));
  }
  return *found;
}

}  // namespace medallion::delta
