#include "delta/transaction.h"

#include <algorithm>

#include <fmt/format.h>

#include "delta/action_json.h"
#include "delta/log_format.h"
#include "delta/log_segment.h"
#include "delta/table_features.h"
#include "util/json_writer.h"
#include "util/random_uuid.h"
#include "util/civil_time.h"

namespace medallion::delta {
namespace {

bool same_partition(const PartitionValues& a, const PartitionValues& b) { return a == b; }

}  // namespace


util::Result<Transaction> Transaction::begin(util::FileSystem& fs, const Snapshot& snapshot) {
  MEDALLION_RETURN_IF_ERROR(check_writable(snapshot.protocol, snapshot.metadata, snapshot.table_root));
  Transaction tx(fs, snapshot.table_root);
  tx.read_version_ = snapshot.version;
  tx.protocol_ = snapshot.protocol;
  return tx;
}

util::Result<Transaction> Transaction::create(util::FileSystem& fs, const std::string& table_root,
                                              Metadata metadata, Protocol protocol) {
  auto listing = list_log(fs, table_root);
  if (listing.is_ok()) {
    return util::Status::already_exists(fmt::format(
        "delta: a table already exists at {} (version {}): open it instead of creating it",
        table_root, listing.value().latest_version()));
  }
  MEDALLION_RETURN_IF_ERROR(check_writable(protocol, metadata, table_root));
  Transaction tx(fs, table_root);
  tx.read_version_ = -1;
  tx.protocol_ = protocol;
  tx.new_protocol_ = protocol;
  tx.new_metadata_ = std::move(metadata);
  return tx;
}

void Transaction::set_txn(std::string app_id, int64_t version, int64_t last_updated_ms) {
  txns_.push_back(Txn{std::move(app_id), version, last_updated_ms});
}

RemoveFile Transaction::remove_of(const AddFile& add, int64_t now_ms, bool data_change) {
  RemoveFile r;
  r.path = add.path;
  r.deletion_timestamp = now_ms;
  r.data_change = data_change;
  r.extended_file_metadata = true;
  r.partition_values = add.partition_values;
  r.size = add.size;
  r.stats = add.stats;
  r.tags = add.tags;
  r.deletion_vector = add.deletion_vector;
  r.base_row_id = add.base_row_id;
  r.default_row_commit_version = add.default_row_commit_version;
  return r;
}

std::vector<Action> Transaction::actions(const CommitOptions& options, int64_t now_ms) const {
  std::vector<Action> out;
  CommitInfo info;
  util::JsonWriter w;
  w.begin_object();
  w.key("timestamp").value(now_ms);
  w.key("operation").value(options.operation);
  w.key("operationParameters").begin_object();
  for (const auto& [k, v] : options.parameters) w.key(k).value(v);
  w.end_object();
  if (read_version_ >= 0) w.key("readVersion").value(read_version_);
  w.key("isolationLevel").value("Serializable");
  bool blind_append = removes_.empty() && !read_whole_table_ && read_partitions_.empty() &&
                      read_version_ >= 0;
  w.key("isBlindAppend").value(blind_append);
  w.key("operationMetrics").begin_object();
  for (const auto& [k, v] : options.metrics) w.key(k).value(v);
  w.end_object();
  w.key("engineInfo").value("medallion");
  w.key("txnId").value(util::random_uuid());
  w.end_object();
  info.json = w.take();
  info.timestamp = now_ms;
  info.operation = options.operation;
  out.push_back(std::move(info));
  if (new_protocol_) out.push_back(*new_protocol_);
  if (new_metadata_) out.push_back(*new_metadata_);
  for (const Txn& t : txns_) out.push_back(t);
  for (const RemoveFile& r : removes_) out.push_back(r);
  for (const AddFile& a : adds_) out.push_back(a);
  return out;
}

util::Status Transaction::check_conflicts(int64_t version,
                                          const std::vector<Action>& winner) const {
  auto conflict = [&](const std::string& what) {
    return util::Status::aborted(fmt::format(
        "delta: concurrent modification of {}: version {} was committed first and {}; read the "
        "table again and retry the operation",
        table_root_, version, what));
  };
  if (read_version_ < 0) return conflict("created the table");
  const bool blind_append = removes_.empty() && !read_whole_table_ && read_partitions_.empty();
  for (const Action& action : winner) {
    if (std::holds_alternative<Metadata>(action)) return conflict("changed the table's metadata");
    if (std::holds_alternative<Protocol>(action)) return conflict("changed the table's protocol");
    if (const auto* t = std::get_if<Txn>(&action)) {
      for (const Txn& ours : txns_) {
        if (ours.app_id == t->app_id) {
          return conflict(fmt::format("committed for application '{}' (version {})", t->app_id,
                                      t->version));
        }
      }
    }
    if (blind_append) continue;
    if (const auto* r = std::get_if<RemoveFile>(&action)) {
      for (const RemoveFile& ours : removes_) {
        if (ours.path == r->path) return conflict(fmt::format("removed file {} too", r->path));
      }
    }
    if (const auto* a = std::get_if<AddFile>(&action)) {
      if (!a->data_change) continue;  // compaction rewrites the same rows
      if (read_whole_table_) return conflict(fmt::format("added file {} to data this transaction read", a->path));
      auto in = [&](const PartitionValues& p) { return same_partition(p, a->partition_values); };
      bool read_there = std::any_of(read_partitions_.begin(), read_partitions_.end(), in) ||
                        std::any_of(removes_.begin(), removes_.end(), [&](const RemoveFile& r) {
                          return r.partition_values && in(*r.partition_values);
                        });
      if (read_there) {
        return conflict(fmt::format("added file {} to a partition this transaction read", a->path));
      }
    }
  }
  return util::Status::ok();
}

util::Result<CommitResult> Transaction::commit(const CommitOptions& options) {
  if (committed_) {
    return util::Status::invalid_argument(
        fmt::format("delta: a transaction on {} was committed twice: start a new one", table_root_));
  }
  committed_ = true;
  const int64_t now_ms = options.now_ms != 0 ? options.now_ms : util::unix_now_ms();
  const std::string log_dir = log_dir_path(table_root_);
  MEDALLION_RETURN_IF_ERROR(fs_->create_dirs(log_dir));
  std::string body = serialize_actions(actions(options, now_ms));
  // The commit's bytes go to a hidden temporary file first, so that the
  // published name only ever holds a complete, durable commit.
  std::string temp = util::join_path(log_dir, fmt::format(".{}.json.tmp", util::random_uuid()));
  {
    MEDALLION_ASSIGN_OR_RETURN(auto file, fs_->create_writable(temp, util::CreateMode::kTruncate));
    MEDALLION_RETURN_IF_ERROR(file->append(body));
    MEDALLION_RETURN_IF_ERROR(file->sync());
    MEDALLION_RETURN_IF_ERROR(file->close());
  }
  if (options.test_hook) options.test_hook("temp_written");
  CommitResult result;
  int64_t version = read_version_ + 1;
  for (;; ++result.attempts) {
    std::string target = util::join_path(log_dir, commit_file_name(version));
    util::Status published = fs_->rename_no_replace(temp, target);
    if (published.is_ok()) {
      if (options.test_hook) options.test_hook("published");
      MEDALLION_RETURN_IF_ERROR(fs_->sync_dir(log_dir));
      result.version = version;
      return result;
    }
    if (published.code() != util::StatusCode::kAlreadyExists) {
      (void)fs_->remove_file(temp);
      return published;
    }
    // Lost version `version`: see whether what won is compatible.
    auto text = fs_->read_file(target);
    util::Status verdict = text.status();
    if (text.is_ok()) {
      auto winner = parse_actions(text.value(), target);
      verdict = winner.is_ok() ? check_conflicts(version, winner.value()) : winner.status();
    }
    if (verdict.is_ok() && result.attempts >= options.max_attempts) {
      verdict = util::Status::aborted(fmt::format(
          "delta: gave up committing to {} after losing {} times to concurrent writers: retry "
          "later",
          table_root_, result.attempts));
    }
    if (!verdict.is_ok()) {
      (void)fs_->remove_file(temp);
      return verdict;
    }
    ++version;
  }
}

}  // namespace medallion::delta
