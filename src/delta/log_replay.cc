#include "delta/log_replay.h"

#include <algorithm>

#include <fmt/format.h>

namespace medallion::delta {

std::string file_key(const std::string& path, const std::optional<DeletionVectorDescriptor>& dv) {
  if (!dv) return path;
  std::string key = path;
  key.push_back('\0');
  key += dv->unique_id();
  return key;
}

namespace {

// The values of a map keyed by file_key, in key order: (path, deletion
// vector), the same order however the state was built. Each key is built
// once, not per comparison.
template <typename T>
std::vector<T> take_sorted(std::unordered_map<std::string, T>&& map) {
  std::vector<std::pair<std::string, T>> entries;
  entries.reserve(map.size());
  while (!map.empty()) {
    auto node = map.extract(map.begin());
    entries.emplace_back(std::move(node.key()), std::move(node.mapped()));
  }
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<T> out;
  out.reserve(entries.size());
  for (auto& entry : entries) out.push_back(std::move(entry.second));
  return out;
}

}  // namespace

void LogReplay::apply(Action&& action) {
  if (auto* add = std::get_if<AddFile>(&action)) {
    std::string key = file_key(add->path, add->deletion_vector);
    tombstones_.erase(key);
    live_.insert_or_assign(std::move(key), std::move(*add));
  } else if (auto* remove = std::get_if<RemoveFile>(&action)) {
    std::string key = file_key(remove->path, remove->deletion_vector);
    live_.erase(key);
    tombstones_.insert_or_assign(std::move(key), std::move(*remove));
  } else if (auto* metadata = std::get_if<Metadata>(&action)) {
    metadata_ = std::move(*metadata);
    has_metadata_ = true;
  } else if (auto* protocol = std::get_if<Protocol>(&action)) {
    protocol_ = std::move(*protocol);
    has_protocol_ = true;
  } else if (auto* txn = std::get_if<Txn>(&action)) {
    txns_.insert_or_assign(txn->app_id, std::move(*txn));
  } else if (auto* domain = std::get_if<DomainMetadata>(&action)) {
    if (domain->removed) {
      domains_.erase(domain->domain);
    } else {
      domains_.insert_or_assign(domain->domain, std::move(*domain));
    }
  } else if (auto* info = std::get_if<CommitInfo>(&action)) {
    commit_info_ = std::move(*info);
  }
}

void LogReplay::apply_checkpoint(int64_t version, std::vector<Action> actions) {
  version_ = version;
  commit_info_.reset();
  live_.reserve(actions.size());
  for (Action& action : actions) apply(std::move(action));
}

void LogReplay::apply_commit(int64_t version, std::vector<Action> actions) {
  version_ = version;
  commit_info_.reset();
  // Within one commit an add and a remove never name the same file (the
  // protocol forbids it), so the order of application inside it is free.
  for (Action& action : actions) apply(std::move(action));
}

util::Result<TableState> LogReplay::finish() && {
  if (!has_protocol_ || !has_metadata_) {
    return util::Status::corruption(fmt::format(
        "delta: the log of {} up to version {} has no {} action: the table is damaged or was "
        "not written by a Delta writer",
        table_root_, version_, has_protocol_ ? "metaData" : "protocol"));
  }
  TableState state;
  state.version = version_;
  state.protocol = std::move(protocol_);
  state.metadata = std::move(metadata_);
  state.files = take_sorted(std::move(live_));
  state.tombstones = take_sorted(std::move(tombstones_));
  state.txns = std::move(txns_);
  state.domains = std::move(domains_);
  state.commit_info = std::move(commit_info_);
  return state;
}

}  // namespace medallion::delta
