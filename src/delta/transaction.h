// Transaction: one atomic commit to a Delta table with optimistic
// concurrency (PROTOCOL.md "Delta Log Entries", "Creation of New Log
// Entries", "Transaction Identifiers").
//
// A transaction starts from a snapshot (read version R), collects actions,
// and commits them as _delta_log/<R+1>.json: the file is written under a
// temporary name, synced, and published with rename_no_replace, the file
// system's put-if-absent, so two writers can never both own a version. The
// loser reads the commits it lost to and retries at the next version when
// they do not conflict with what it did:
//
//   winner did                     | our blind append | our rewrite/delete
//   -------------------------------+------------------+---------------------
//   append files                   | retry            | conflict if they are
//                                  |                  | in partitions we read
//   remove files                   | retry            | conflict if we
//                                  |                  | removed the same file
//   change metaData or protocol    | conflict         | conflict
//   txn with one of our appIds     | conflict         | conflict
//
// A conflict is kAborted with a message naming the winning version and what
// collided. Every commit carries commitInfo (timestamp, operation, its
// parameters and metrics, engineInfo, readVersion, isBlindAppend).
//
// Thread safety: one transaction per thread; any number of transactions (in
// any number of processes) may commit to one table at once.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "delta/actions.h"
#include "delta/snapshot.h"
#include "util/file_system.h"
#include "util/status.h"

namespace medallion::delta {

struct CommitOptions {
  std::string operation = "WRITE";  // WRITE, CREATE TABLE, DELETE, MERGE, OPTIMIZE, ...
  // commitInfo.operationParameters and operationMetrics; as Spark writes
  // them, every value is a JSON string ("mode": "Append", "numFiles": "12").
  std::map<std::string, std::string> parameters;
  std::map<std::string, std::string> metrics;
  int64_t now_ms = 0;   // commitInfo.timestamp; 0 = the system clock
  int max_attempts = 100;  // commits lost to compatible winners before giving up
  // Crash tests: called at each step of publishing, with "temp_written" (the
  // commit's bytes are durable under the temporary name) and "published"
  // (the version exists, before the directory sync). Empty in production.
  std::function<void(std::string_view step)> test_hook;
};

struct CommitResult {
  int64_t version = 0;
  int attempts = 1;
};

class Transaction {
 public:
  // A transaction on an existing table, read at `snapshot`.
  static util::Result<Transaction> begin(util::FileSystem& fs, const Snapshot& snapshot);
  // A transaction that creates a table (version 0) at table_root: kAlreadyExists
  // when a table is already there.
  static util::Result<Transaction> create(util::FileSystem& fs, const std::string& table_root,
                                          Metadata metadata, Protocol protocol = {});

  int64_t read_version() const { return read_version_; }

  void add_file(AddFile add) { adds_.push_back(std::move(add)); }
  void remove_file(RemoveFile remove) { removes_.push_back(std::move(remove)); }
  // Marks the partitions (or, with no partition columns, the table) whose
  // files this transaction read to decide what to write; concurrent appends
  // there conflict. Removing a file marks its partition too.
  void mark_read(const PartitionValues& partition) { read_partitions_.push_back(partition); }
  void mark_read_whole_table() { read_whole_table_ = true; }
  void set_txn(std::string app_id, int64_t version, int64_t last_updated_ms);
  void update_metadata(Metadata metadata) { new_metadata_ = std::move(metadata); }

  // Publishes the actions as the next version, retrying past compatible
  // concurrent commits. A transaction commits at most once.
  util::Result<CommitResult> commit(const CommitOptions& options);

  // A remove for a live file, stamped now.
  static RemoveFile remove_of(const AddFile& add, int64_t now_ms, bool data_change = true);

 private:
  Transaction(util::FileSystem& fs, std::string table_root) : fs_(&fs), table_root_(std::move(table_root)) {}

  util::Status check_conflicts(int64_t version, const std::vector<Action>& winner) const;
  std::vector<Action> actions(const CommitOptions& options, int64_t now_ms) const;

  util::FileSystem* fs_;
  std::string table_root_;
  int64_t read_version_ = -1;  // -1: creating the table
  Protocol protocol_;
  std::optional<Metadata> new_metadata_;
  std::optional<Protocol> new_protocol_;
  std::vector<AddFile> adds_;
  std::vector<RemoveFile> removes_;
  std::vector<Txn> txns_;
  std::vector<PartitionValues> read_partitions_;
  bool read_whole_table_ = false;
  bool committed_ = false;
};

}  // namespace medallion::delta
