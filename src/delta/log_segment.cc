#include "delta/log_segment.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace medallion::delta {

std::string log_dir_path(const std::string& table_root) {
  return util::join_path(table_root, kLogDirName);
}

int64_t LogListing::latest_version() const {
  int64_t latest = -1;
  if (!commits.empty()) latest = commits.back().version;
  if (!checkpoints.empty()) latest = std::max(latest, checkpoints.back().version);
  return latest;
}

util::Result<LogListing> list_log(util::FileSystem& fs, const std::string& table_root) {
  std::string log_dir = log_dir_path(table_root);
  auto names = fs.list_dir(log_dir);
  if (!names.is_ok()) {
    return util::Status::not_found(
        fmt::format("delta: no Delta table at {} (cannot list {}: {}): check the path, or create "
                    "the table first",
                    table_root, log_dir, names.status().message()));
  }
  LogListing listing;
  listing.table_root = table_root;
  // Multi-part checkpoints are grouped by (version, parts); V2 checkpoints of
  // one version are alternatives, the first one is used.
  std::map<std::pair<int64_t, int32_t>, std::vector<LogFileName>> multi_part;
  std::map<int64_t, CheckpointFiles> checkpoints;
  for (const std::string& name : names.value()) {
    auto parsed = parse_log_file_name(name);
    if (!parsed) continue;
    switch (parsed->kind) {
      case LogFileKind::kCommit:
        listing.commits.push_back(std::move(*parsed));
        break;
      case LogFileKind::kClassicCheckpoint:
      case LogFileKind::kV2Checkpoint: {
        auto [it, inserted] = checkpoints.try_emplace(parsed->version);
        // A classic checkpoint is preferred over a V2 one of the same version:
        // it needs no sidecars.
        if (inserted || parsed->kind == LogFileKind::kClassicCheckpoint) {
          it->second.version = parsed->version;
          it->second.kind = parsed->kind;
          it->second.files = {std::move(*parsed)};
        }
        break;
      }
      case LogFileKind::kMultiPartCheckpoint:
        multi_part[{parsed->version, parsed->parts}].push_back(std::move(*parsed));
        break;
      case LogFileKind::kChecksum:
        break;
    }
  }
  for (auto& [key, parts] : multi_part) {
    std::sort(parts.begin(), parts.end(),
              [](const LogFileName& a, const LogFileName& b) { return a.part < b.part; });
    bool complete = static_cast<int32_t>(parts.size()) == key.second;
    for (size_t i = 0; complete && i < parts.size(); ++i) {
      complete = parts[i].part == static_cast<int32_t>(i + 1);
    }
    if (!complete || checkpoints.count(key.first)) continue;
    checkpoints[key.first] = CheckpointFiles{key.first, LogFileKind::kMultiPartCheckpoint, parts};
  }
  std::sort(listing.commits.begin(), listing.commits.end(),
            [](const LogFileName& a, const LogFileName& b) { return a.version < b.version; });
  for (auto& [version, files] : checkpoints) listing.checkpoints.push_back(std::move(files));
  if (listing.commits.empty() && listing.checkpoints.empty()) {
    return util::Status::not_found(fmt::format(
        "delta: no Delta table at {} ({} holds no commit): check the path, or create the table "
        "first",
        table_root, log_dir));
  }
  return listing;
}

util::Result<LogSegment> make_log_segment(const LogListing& listing,
                                          std::optional<int64_t> version) {
  int64_t latest = listing.latest_version();
  int64_t target = version.value_or(latest);
  if (target < 0 || target > latest) {
    return util::Status::invalid_argument(
        fmt::format("delta: version {} of {} does not exist: the latest version is {}", target,
                    listing.table_root, latest));
  }
  LogSegment segment;
  segment.table_root = listing.table_root;
  segment.version = target;
  for (auto it = listing.checkpoints.rbegin(); it != listing.checkpoints.rend(); ++it) {
    if (it->version <= target) {
      segment.checkpoint = *it;
      break;
    }
  }
  int64_t next = segment.checkpoint ? segment.checkpoint->version + 1 : 0;
  for (const LogFileName& commit : listing.commits) {
    if (commit.version < next) continue;
    if (commit.version > target) break;
    if (commit.version != next) {
      if (segment.commits.empty() && !segment.checkpoint && next == 0) {
        return util::Status::not_found(fmt::format(
            "delta: version {} of {} can no longer be read: the log starts at version {} and "
            "has no checkpoint at or before {}",
            target, listing.table_root, commit.version, target));
      }
      return util::Status::corruption(fmt::format(
          "delta: commit file {}/{} is missing (table {}): the log has a gap before version {}",
          kLogDirName, commit_file_name(next), listing.table_root, commit.version));
    }
    segment.commits.push_back(commit);
    ++next;
  }
  if (next != target + 1) {
    if (!segment.checkpoint && segment.commits.empty()) {
      return util::Status::not_found(
          fmt::format("delta: version {} of {} can no longer be read: its commit and every "
                      "earlier checkpoint are gone",
                      target, listing.table_root));
    }
    return util::Status::corruption(fmt::format(
        "delta: commit file {}/{} is missing (table {}): the log has a gap", kLogDirName,
        commit_file_name(next), listing.table_root));
  }
  return segment;
}

}  // namespace medallion::delta
