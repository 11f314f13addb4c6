// The serving store: the rows of every CQL table, kept in one RocksDB
// database (docs/cql-storage.md has the byte layout; key_encoding.h its
// constants and codecs).
//
// Data model (Cassandra's). A table holds partitions, each named by its
// serialized partition key and ordered by that key's Murmur3 token
// (murmur3_token.h), ties by key bytes. A partition holds rows ordered by
// their encoded clustering key (key_encoding.h); a row holds cells, one per
// regular column. Reconciliation is Cassandra's:
//   - every write carries a timestamp (microseconds); per cell, and for the
//     row marker, the greatest timestamp wins; on a tie a tombstone beats a
//     value, and between two values the greater bytes win;
//   - deletions are tombstones (a cell, a row, a clustering range, a whole
//     partition) that shadow everything written with a timestamp <= theirs;
//   - a TTL makes the row marker and the cells written expire at write time +
//     ttl (seconds, by the store's clock); an expired cell reads as absent.
// A row is visible while its row marker or at least one of its cells is live.
// Writes are blind (no read before write): fragments are combined by a
// RocksDB merge operator applying the rules above, so apply() costs one
// batched write whatever the row already holds.
//
// Durability follows StoreOptions::commit_policy; see CommitPolicy.
//
// Thread safety: a Store is safe to use from many threads at once. Reads see
// a consistent snapshot taken when the read starts.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.h"

namespace medallion::cql {

// Chosen by the schema catalog, unique for the life of the store (a table
// dropped and created again gets a new id, so no old row can reappear).
using TableId = uint64_t;

enum class CommitPolicy {
  // A write is acknowledged once the write-ahead log holding it is synced;
  // one sync covers every write that arrived meanwhile, and a write waits at
  // most group_window for it (Cassandra's commitlog_sync: group).
  kGroup,
  // Acknowledged at once; the WAL is synced every periodic_interval. A process
  // crash loses nothing (the WAL is in the OS), a power loss up to one
  // interval (Cassandra's commitlog_sync: periodic).
  kPeriodic,
  // Every write syncs the WAL before it is acknowledged.
  kAlways,
};

struct StoreOptions {
  CommitPolicy commit_policy = CommitPolicy::kGroup;
  std::chrono::milliseconds group_window{10};
  std::chrono::milliseconds periodic_interval{1000};
  size_t block_cache_bytes = size_t{64} << 20;
  // Seconds since the Unix epoch, for TTL expiry. Tests inject a fake clock.
  std::function<int64_t()> now_seconds;  // empty: the system clock
};

// A half-open range [start, end) of encoded clustering keys (key_encoding.h
// clustering_range builds them from values). An empty `end` is unbounded;
// the default range is the whole partition.
struct ClusteringRange {
  std::string start;
  std::string end;
  bool operator==(const ClusteringRange&) const = default;
};

struct CellWrite {
  uint32_t column_id = 0;            // the column's id in its table schema
  std::optional<std::string> value;  // the protocol serialization; nullopt: a cell tombstone
};

struct RowWrite {
  // encode_clustering() of the full clustering key; "" when the table has no
  // clustering columns.
  std::string clustering;
  // INSERT writes a row marker: the row then exists even with no live cell.
  bool row_marker = false;
  // DELETE of the whole row (a row tombstone at the mutation's timestamp).
  bool delete_row = false;
  std::vector<CellWrite> cells;
};

// Everything one statement writes into one partition, at one timestamp.
struct PartitionMutation {
  TableId table = 0;
  std::string partition_key;  // partition_key_bytes() of the key's components
  int64_t timestamp = 0;      // microseconds since the epoch
  int32_t ttl_seconds = 0;    // 0: none; else applies to the marker and every value written
  bool delete_partition = false;
  std::vector<ClusteringRange> range_deletions;
  std::vector<RowWrite> rows;
};

struct CellRead {
  uint32_t column_id = 0;
  std::string value;        // the protocol serialization
  int64_t timestamp = 0;    // WRITETIME()
  int32_t ttl_seconds = 0;  // the TTL it was written with, 0 for none
  int64_t expires_at = 0;   // seconds since the epoch; 0 without TTL (TTL() = expires_at - now)
};

struct RowRead {
  std::string clustering;       // encoded, as written
  std::vector<CellRead> cells;  // live cells only, by ascending column_id
};

// One row handed to a RowVisitor. The views are valid only during the call.
struct RowVisit {
  int64_t token = 0;
  std::string_view partition_key;
  const RowRead* row = nullptr;
  // Opaque; passed back as `resume_after`, a read continues after this row.
  std::string_view position;
};
// Returns false to stop the read early.
using RowVisitor = std::function<bool(const RowVisit&)>;

// A bulk load: mutations gathered in memory, then written into the store as
// one sorted table file handed to RocksDB whole (external file ingestion),
// bypassing the memtable and the write-ahead log. For loads of many rows
// into a node running in the same process (the pipeline's serving stream on
// the embedded server), where per-row writes spend most of their CPU in
// memtable inserts at random tokens.
//
// The rows are stored exactly as apply() would store the same mutations:
// same keys, same fragments, reconciled with what the store holds by the
// same rules (per cell the greatest timestamp wins, whichever was written
// first). Two writes of the same row in one load are combined as two
// apply() calls would be. A TTL counts from add(), in the store's clock.
//
// Nothing is visible before commit(); commit() makes every row visible at
// once and durable (the file and the manifest are synced) before it
// returns. A load destroyed without commit() leaves nothing behind, on
// disk or in the store. Memory: the encoded keys and values of every row
// added stay in memory until commit().
//
// Thread safety: one thread per load; loads and apply() may run at once.
class StoreBulkLoad {
 public:
  virtual ~StoreBulkLoad() = default;
  // Adds the mutation's writes. Errors: invalid_argument as apply() (table
  // id 0, empty partition key, negative TTL); the load stays usable.
  virtual util::Status add(const PartitionMutation& mutation) = 0;
  // Stored entries added so far (a row or a partition header each).
  virtual size_t entries() const = 0;
  // Writes and ingests the file; empty loads do nothing. Once it returned,
  // further add() and commit() calls fail with failed_precondition.
  // Errors: io_error (disk full, ...), after which nothing of the load is in
  // the store.
  virtual util::Status commit() = 0;
};

class Store {
 public:
  // Opens (creating when missing) the database in `dir`. Errors: io_error
  // naming the directory (e.g. locked by another server), corruption.
  static util::Result<std::unique_ptr<Store>> open(const std::string& dir,
                                                   StoreOptions options = {});
  virtual ~Store() = default;

  // Applies the mutations atomically (one write batch). `on_durable` runs
  // exactly once, with ok or the error that failed the write: for kAlways and
  // kPeriodic before apply() returns, on the calling thread; for kGroup on
  // the store's sync thread once the WAL holding the write is synced. It
  // must not block. Errors: invalid_argument for a mutation that cannot be
  // stored (empty partition key, unknown table id 0), io_error.
  virtual void apply(std::vector<PartitionMutation> mutations,
                     std::function<void(util::Status)> on_durable) = 0;
  // apply(), waiting for durability.
  util::Status apply_and_wait(std::vector<PartitionMutation> mutations);

  // Starts a bulk load (StoreBulkLoad) into this store. The store must
  // outlive it.
  virtual util::Result<std::unique_ptr<StoreBulkLoad>> begin_bulk_load() = 0;

  // Visits the visible rows of one partition within `range`, in ascending
  // clustering byte order (descending when `reverse`), starting after
  // `resume_after` (a RowVisit::position from this partition) when given.
  virtual util::Status read_partition(TableId table, std::string_view partition_key,
                                      const ClusteringRange& range, bool reverse,
                                      const std::optional<std::string>& resume_after,
                                      const RowVisitor& visit) const = 0;

  // Visits the visible rows of every partition whose token lies in
  // [min_token, max_token] (signed, inclusive), partitions in token order,
  // rows in clustering order, starting after `resume_after` when given.
  virtual util::Status scan(TableId table, int64_t min_token, int64_t max_token,
                            const std::optional<std::string>& resume_after,
                            const RowVisitor& visit) const = 0;

  // Removes every row of a table (DROP TABLE, TRUNCATE), durably.
  virtual util::Status delete_table_data(TableId table) = 0;

  // Small metadata values under string keys (the schema catalog), kept apart
  // from table rows. put/delete are synced before they return.
  virtual util::Status put_meta(std::string_view key, std::string_view value) = 0;
  virtual util::Status delete_meta(std::string_view key) = 0;
  // Every (key, value) whose key starts with `prefix`, in key order.
  virtual util::Result<std::vector<std::pair<std::string, std::string>>> list_meta(
      std::string_view prefix) const = 0;
};

}  // namespace medallion::cql
