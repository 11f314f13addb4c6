// The serving store on RocksDB (store.h; layout in storage_format.h and
// docs/cql-storage.md).
#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>

#include "cql/protocol/murmur3_token.h"
#include "cql/storage/bulk_load_index.h"
#include "cql/storage/row_format.h"
#include "cql/storage/row_merge_operator_internal.h"
#include "cql/storage/storage_format.h"
#include "cql/storage/store.h"
#include "cql/storage/store_testing.h"
#include "util/thread_pool.h"

namespace medallion::cql {
namespace {

using util::Status;
namespace sf = storage_format;

void put_be64(std::string* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
uint64_t load_be64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
uint64_t token_bits(int64_t token) { return static_cast<uint64_t>(token) ^ (uint64_t{1} << 63); }

void append_table_prefix(std::string* k, TableId table) {
  k->push_back(sf::kDataPrefix);
  put_be64(k, table);
}

// 'D' table token escaped(pk): every key of the partition starts with it.
void append_partition_prefix(std::string* k, TableId table, int64_t token, std::string_view pk) {
  k->reserve(k->size() + sf::kTokenPrefixSize + pk.size() + 4);
  append_table_prefix(k, table);
  put_be64(k, token_bits(token));
  for (char c : pk) {
    k->push_back(c);
    if (c == '\0') k->push_back('\xff');
  }
  k->push_back('\0');
  k->push_back('\0');
}

// The end of a table's key range ('D' table+1, or 'E' for the last id).
std::string table_end(TableId table) {
  std::string k;
  if (table == std::numeric_limits<TableId>::max()) {
    k.push_back(static_cast<char>(sf::kDataPrefix + 1));
  } else {
    append_table_prefix(&k, table + 1);
  }
  return k;
}

std::string successor(std::string key) {
  while (!key.empty() && static_cast<uint8_t>(key.back()) == 0xff) key.pop_back();
  if (!key.empty()) key.back() = static_cast<char>(static_cast<uint8_t>(key.back()) + 1);
  return key;
}

// A data key taken apart. `partition_prefix_size` covers 'D' .. escaped pk.
struct ParsedKey {
  int64_t token = 0;
  std::string partition_key;
  size_t partition_prefix_size = 0;
  char kind = 0;
  std::string_view clustering;
};

bool parse_data_key(std::string_view key, ParsedKey* out) {
  if (key.size() < sf::kTokenPrefixSize + 3 || key[0] != sf::kDataPrefix) return false;
  out->token =
      static_cast<int64_t>(load_be64(key.data() + sf::kTablePrefixSize) ^ (uint64_t{1} << 63));
  out->partition_key.clear();
  size_t pos = sf::kTokenPrefixSize;
  for (;;) {
    if (pos + 1 >= key.size()) return false;
    const char c = key[pos];
    if (c != '\0') {
      out->partition_key.push_back(c);
      ++pos;
      continue;
    }
    const char d = key[pos + 1];
    pos += 2;
    if (d == '\0') break;
    if (d != '\xff') return false;
    out->partition_key.push_back('\0');
  }
  if (pos >= key.size()) return false;
  out->partition_prefix_size = pos;
  out->kind = key[pos];
  out->clustering = key.substr(pos + 1);
  return out->kind == sf::kRow || (out->kind == sf::kPartitionHeader && out->clustering.empty());
}

rocksdb::Slice slice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
std::string_view view(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

// How long a group commit gathers writes before its sync: a fraction of the
// window, so a write still waits less than the window in all.
std::chrono::microseconds group_gather_time(std::chrono::milliseconds window) {
  return std::min<std::chrono::microseconds>(window / 4, std::chrono::milliseconds(2));
}

// Receives the stored entries of a mutation: a data key and the encoded
// fragment (row_format.h) to merge under it. The views last for the call.
using EntrySink = std::function<void(std::string_view key, std::string_view value)>;

// The one encoding of a mutation into stored entries, shared by apply() and
// bulk loads so that both store exactly the same keys and fragments. `now`
// (the store's clock) dates the TTLs; `dir` names the store in errors.
// Errors: invalid_argument (table id 0, empty partition key, negative TTL),
// before any entry of the mutation is emitted.
Status encode_mutation(const PartitionMutation& m, int64_t now, std::string_view dir,
                       const EntrySink& emit) {
  if (m.table == 0) {
    return Status::invalid_argument("cql: mutation of table id 0 (" + std::string(dir) +
                                    "): use the table's id from the schema");
  }
  if (m.partition_key.empty()) {
    return Status::invalid_argument("cql: empty partition key (" + std::string(dir) +
                                    "): every partition key component needs a value");
  }
  if (m.ttl_seconds < 0) {
    return Status::invalid_argument("cql: negative TTL (" + std::string(dir) + "): use a TTL >= 0");
  }
  const int64_t expires = m.ttl_seconds > 0 ? now + m.ttl_seconds : 0;
  std::string key;
  std::string value;
  append_partition_prefix(&key, m.table, murmur3_token(m.partition_key), m.partition_key);
  const size_t prefix_size = key.size();
  if (m.delete_partition || !m.range_deletions.empty()) {
    PartitionHeader header;
    if (m.delete_partition) header.partition_tombstone = m.timestamp;
    for (const auto& r : m.range_deletions) {
      header.ranges.push_back(RangeTombstone{r.start, r.end, m.timestamp});
    }
    PartitionHeader normalized;
    merge_partition_headers(&normalized, std::move(header));
    key.push_back(sf::kPartitionHeader);
    encode_partition_header(normalized, &value);
    emit(key, value);
  }
  for (const auto& r : m.rows) {
    RowFragment f;
    if (r.row_marker) {
      f.marker_timestamp = m.timestamp;
      f.marker_ttl_seconds = m.ttl_seconds;
      f.marker_expires_at = expires;
    }
    if (r.delete_row) f.row_tombstone = m.timestamp;
    f.cells.reserve(r.cells.size());
    for (const auto& c : r.cells) {
      StoredCell s;
      s.column_id = c.column_id;
      s.timestamp = m.timestamp;
      if (c.value) {
        s.value = *c.value;
        s.ttl_seconds = m.ttl_seconds;
        s.expires_at = expires;
      } else {
        s.tombstone = true;
      }
      f.cells.push_back(std::move(s));
    }
    std::stable_sort(f.cells.begin(), f.cells.end(), [](const StoredCell& a, const StoredCell& b) {
      return a.column_id < b.column_id;
    });
    // A column written twice in one statement: the last write wins.
    for (size_t i = 1; i < f.cells.size();) {
      if (f.cells[i].column_id == f.cells[i - 1].column_id) {
        f.cells.erase(f.cells.begin() + static_cast<ptrdiff_t>(i - 1));
      } else {
        ++i;
      }
    }
    if (f.row_tombstone != kNoTimestamp) {
      if (f.marker_timestamp <= f.row_tombstone) f.marker_timestamp = kNoTimestamp;
      std::erase_if(f.cells, [&](const StoredCell& c) { return c.timestamp <= f.row_tombstone; });
    }
    if (f.marker_timestamp == kNoTimestamp && f.row_tombstone == kNoTimestamp && f.cells.empty()) {
      continue;
    }
    key.resize(prefix_size);
    key.push_back(sf::kRow);
    key.append(r.clustering);
    value.clear();
    encode_row_fragment(f, &value);
    emit(key, value);
  }
  return Status::ok();
}

class RocksDbBulkLoad;

// Bulk load files are written as <dir>/bulk-<pid>-<n>.sst.tmp and moved into
// the database by their commit; a process killed in between leaves one.
constexpr std::string_view kBulkFilePrefix = "bulk-";
constexpr std::string_view kBulkFileSuffix = ".sst.tmp";

void remove_abandoned_bulk_files(const std::string& dir) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(kBulkFilePrefix) && name.ends_with(kBulkFileSuffix)) {
      std::filesystem::remove(entry.path(), ec);
    }
  }
}

class RocksDbStore final : public Store {
 public:
  RocksDbStore(std::string dir, StoreOptions options, std::unique_ptr<rocksdb::DB> db)
      : dir_(std::move(dir)), options_(std::move(options)), db_(std::move(db)) {
    write_options_.sync = options_.commit_policy == CommitPolicy::kAlways;
    sync_options_.sync = true;
    if (options_.commit_policy != CommitPolicy::kAlways) {
      sync_thread_ = std::thread([this] {
        if (options_.commit_policy == CommitPolicy::kGroup)
          group_sync_loop();
        else
          periodic_sync_loop();
      });
    }
  }

  ~RocksDbStore() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (sync_thread_.joinable()) sync_thread_.join();
    rocksdb::Status st = db_->Close();
    (void)st;
  }

  void apply(std::vector<PartitionMutation> mutations,
             std::function<void(Status)> on_durable) override {
    Status st = write(mutations);
    if (options_.commit_policy != CommitPolicy::kGroup) {
      if (on_durable) on_durable(std::move(st));
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!stop_) {
        // Only the first waiting write wakes the sync thread; later ones
        // join its group without a wake-up each.
        const bool first = pending_.empty();
        pending_.emplace_back(std::move(on_durable), std::move(st));
        if (first) cv_.notify_one();
        return;
      }
    }
    // Shutting down: no sync thread to hand it to.
    if (st.is_ok()) st = to_status(db_->FlushWAL(/*sync=*/true), "sync the write-ahead log");
    if (on_durable) on_durable(std::move(st));
  }

  Status read_partition(TableId table, std::string_view partition_key, const ClusteringRange& range,
                        bool reverse, const std::optional<std::string>& resume_after,
                        const RowVisitor& visit) const override {
    if (partition_key.empty()) return Status::ok();
    const int64_t token = murmur3_token(partition_key);
    std::string prefix;
    append_partition_prefix(&prefix, table, token, partition_key);
    std::string header_key = prefix;
    header_key.push_back(sf::kPartitionHeader);
    std::string start = prefix;
    start.push_back(sf::kRow);
    const size_t rows_prefix_size = start.size();
    start.append(range.start);
    std::string end = prefix;
    if (range.end.empty()) {
      end.push_back(sf::kRow + 1);
    } else {
      end.push_back(sf::kRow);
      end.append(range.end);
    }
    rocksdb::ReadOptions ro;
    rocksdb::Slice lower = slice(header_key), upper = slice(end);
    ro.iterate_lower_bound = &lower;
    ro.iterate_upper_bound = &upper;
    ro.prefix_same_as_start = true;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
    PartitionHeader header;
    it->Seek(lower);
    if (it->Valid() && view(it->key()) == header_key) {
      if (!decode_partition_header(view(it->value()), &header).is_ok())
        return corrupt("partition header");
    }
    MEDALLION_RETURN_IF_ERROR(to_status(it->status(), "read a partition"));
    if (resume_after && (resume_after->size() < rows_prefix_size ||
                         std::string_view(*resume_after).substr(0, rows_prefix_size) !=
                             std::string_view(start).substr(0, rows_prefix_size))) {
      return Status::invalid_argument("cql: paging position is not from this partition (" + dir_ +
                                      "): restart the query without a paging state");
    }
    if (!reverse) {
      if (resume_after && *resume_after >= start) {
        it->Seek(slice(*resume_after));
        if (it->Valid() && view(it->key()) == *resume_after) it->Next();
      } else if (it->Valid() && view(it->key()) == header_key) {
        // Usually the first row follows the header: no second seek.
        it->Next();
        if (it->Valid() && view(it->key()) < std::string_view(start)) it->Seek(slice(start));
      } else if (it->Valid() && view(it->key()) < std::string_view(start)) {
        it->Seek(slice(start));
      }
    } else {
      if (resume_after && *resume_after < end) {
        it->SeekForPrev(slice(*resume_after));
        if (it->Valid() && view(it->key()) == *resume_after) it->Prev();
      } else {
        it->SeekForPrev(upper);
        if (it->Valid() && view(it->key()) == end) it->Prev();
      }
    }
    const int64_t now = now_seconds();
    RowRead row;
    RowFragment fragment;
    for (; it->Valid(); reverse ? it->Prev() : it->Next()) {
      const std::string_view key = view(it->key());
      if (key < std::string_view(start) || key >= std::string_view(end)) break;
      if (!decode_row_fragment(view(it->value()), &fragment).is_ok()) return corrupt("row");
      const std::string_view clustering = key.substr(rows_prefix_size);
      if (!visible_row(fragment, deletion_time_for(header, clustering), now, &row)) continue;
      row.clustering.assign(clustering);
      RowVisit v;
      v.token = token;
      v.partition_key = partition_key;
      v.row = &row;
      v.position = key;
      if (!visit(v)) return Status::ok();
    }
    return to_status(it->status(), "read a partition");
  }

  Status scan(TableId table, int64_t min_token, int64_t max_token,
              const std::optional<std::string>& resume_after,
              const RowVisitor& visit) const override {
    if (min_token > max_token) return Status::ok();
    std::string lower_key;
    append_table_prefix(&lower_key, table);
    put_be64(&lower_key, token_bits(min_token));
    std::string upper_key;
    if (max_token == kMaxToken) {
      upper_key = table_end(table);
    } else {
      append_table_prefix(&upper_key, table);
      put_be64(&upper_key, token_bits(max_token + 1));
    }
    rocksdb::ReadOptions ro;
    rocksdb::Slice lower = slice(lower_key), upper = slice(upper_key);
    ro.iterate_lower_bound = &lower;
    ro.iterate_upper_bound = &upper;
    ro.total_order_seek = true;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
    PartitionHeader header;
    std::string header_partition;  // the partition prefix `header` belongs to
    ParsedKey parsed;
    if (resume_after) {
      if (*resume_after < lower_key || *resume_after >= upper_key ||
          !parse_data_key(*resume_after, &parsed)) {
        return Status::invalid_argument("cql: paging position is not from this scan (" + dir_ +
                                        "): restart the query without a paging state");
      }
      header_partition = resume_after->substr(0, parsed.partition_prefix_size);
      std::string header_key = header_partition;
      header_key.push_back(sf::kPartitionHeader);
      it->Seek(slice(header_key));
      if (it->Valid() && view(it->key()) == header_key) {
        if (!decode_partition_header(view(it->value()), &header).is_ok())
          return corrupt("partition header");
      }
      it->Seek(slice(*resume_after));
      if (it->Valid() && view(it->key()) == *resume_after) it->Next();
    } else {
      it->Seek(lower);
    }
    const int64_t now = now_seconds();
    RowRead row;
    RowFragment fragment;
    for (; it->Valid(); it->Next()) {
      const std::string_view key = view(it->key());
      if (!parse_data_key(key, &parsed)) return corrupt("row key");
      const std::string_view partition = key.substr(0, parsed.partition_prefix_size);
      if (parsed.kind == sf::kPartitionHeader) {
        header_partition.assign(partition);
        if (!decode_partition_header(view(it->value()), &header).is_ok())
          return corrupt("partition header");
        continue;
      }
      if (partition != std::string_view(header_partition)) {
        header_partition.assign(partition);
        header = PartitionHeader{};
      }
      if (!decode_row_fragment(view(it->value()), &fragment).is_ok()) return corrupt("row");
      if (!visible_row(fragment, deletion_time_for(header, parsed.clustering), now, &row)) continue;
      row.clustering.assign(parsed.clustering);
      RowVisit v;
      v.token = parsed.token;
      v.partition_key = parsed.partition_key;
      v.row = &row;
      v.position = key;
      if (!visit(v)) return Status::ok();
    }
    return to_status(it->status(), "scan a table");
  }

  Status delete_table_data(TableId table) override {
    std::string begin;
    append_table_prefix(&begin, table);
    const std::string end = table_end(table);
    MEDALLION_RETURN_IF_ERROR(to_status(
        db_->DeleteRange(sync_options_, db_->DefaultColumnFamily(), slice(begin), slice(end)),
        "delete a table's rows"));
    return Status::ok();
  }

  Status put_meta(std::string_view key, std::string_view value) override {
    return to_status(db_->Put(sync_options_, slice(meta_key(key)), slice(value)), "write metadata");
  }

  Status delete_meta(std::string_view key) override {
    return to_status(db_->Delete(sync_options_, slice(meta_key(key))), "delete metadata");
  }

  util::Result<std::vector<std::pair<std::string, std::string>>> list_meta(
      std::string_view prefix) const override {
    const std::string lower_key = meta_key(prefix);
    const std::string upper_key = successor(lower_key);
    rocksdb::ReadOptions ro;
    rocksdb::Slice lower = slice(lower_key), upper = slice(upper_key);
    ro.iterate_lower_bound = &lower;
    ro.iterate_upper_bound = &upper;
    ro.total_order_seek = true;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
    std::vector<std::pair<std::string, std::string>> out;
    for (it->Seek(lower); it->Valid(); it->Next()) {
      out.emplace_back(view(it->key()).substr(1), view(it->value()));
    }
    MEDALLION_RETURN_IF_ERROR(to_status(it->status(), "list metadata"));
    return out;
  }

  Status write_raw(std::string_view key, std::string_view value, bool merge) {
    rocksdb::WriteOptions wo;
    return to_status(
        merge ? db_->Merge(wo, slice(key), slice(value)) : db_->Put(wo, slice(key), slice(value)),
        "write a raw value");
  }

  util::Result<std::unique_ptr<StoreBulkLoad>> begin_bulk_load() override;

 private:
  friend class RocksDbBulkLoad;

  static std::string meta_key(std::string_view key) {
    std::string k;
    k.reserve(key.size() + 1);
    k.push_back(sf::kMetaPrefix);
    k.append(key);
    return k;
  }

  int64_t now_seconds() const {
    if (options_.now_seconds) return options_.now_seconds();
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  Status to_status(const rocksdb::Status& st, std::string_view what) const {
    if (st.ok()) return Status::ok();
    std::string msg = "cql: cannot " + std::string(what) + " (" + dir_ + "): " + st.ToString();
    if (st.IsCorruption()) return Status::corruption(msg + "; the database is damaged");
    if (st.IsInvalidArgument()) return Status::invalid_argument(msg);
    return Status::io_error(msg + "; check the disk and the directory's permissions");
  }

  Status corrupt(std::string_view what) const {
    return Status::corruption("cql: stored " + std::string(what) + " is malformed (" + dir_ +
                              "): the database is damaged; restore it from a backup");
  }

  Status write(const std::vector<PartitionMutation>& mutations) {
    rocksdb::WriteBatch batch;
    const int64_t now = now_seconds();
    rocksdb::Status batch_status;
    for (const auto& m : mutations) {
      MEDALLION_RETURN_IF_ERROR(
          encode_mutation(m, now, dir_, [&](std::string_view key, std::string_view value) {
            if (batch_status.ok()) batch_status = batch.Merge(slice(key), slice(value));
          }));
      MEDALLION_RETURN_IF_ERROR(to_status(batch_status, "build a write"));
    }
    if (batch.Count() == 0) return Status::ok();
    return to_status(db_->Write(write_options_, &batch), "write rows");
  }

  void group_sync_loop() {
    std::vector<std::pair<std::function<void(Status)>, Status>> batch;
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [this] { return stop_ || !pending_.empty(); });
      if (pending_.empty()) return;  // stopping, nothing left
      // Let the group gather for a moment: one sync then covers many writes
      // instead of a sync per write, which on a busy machine costs the
      // writers more CPU than the wait costs them latency.
      if (!stop_)
        cv_.wait_for(lock, group_gather_time(options_.group_window), [this] { return stop_; });
      batch.swap(pending_);
      lock.unlock();
      // One sync covers every write acknowledged so far (they were all
      // written before being queued).
      bool need_sync = false;
      for (const auto& p : batch) need_sync = need_sync || p.second.is_ok();
      Status synced = need_sync
                          ? to_status(db_->FlushWAL(/*sync=*/true), "sync the write-ahead log")
                          : Status::ok();
      for (auto& p : batch) {
        Status st = p.second.is_ok() ? synced : std::move(p.second);
        if (p.first) p.first(std::move(st));
      }
      batch.clear();
      lock.lock();
    }
  }

  void periodic_sync_loop() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait_for(lock, std::max(options_.periodic_interval, std::chrono::milliseconds(1)),
                   [this] { return stop_; });
      const bool stopping = stop_;
      lock.unlock();
      rocksdb::Status st = db_->SyncWAL();
      (void)st;  // a failed periodic sync is retried next interval
      if (stopping) return;
      lock.lock();
    }
  }

  std::string dir_;
  StoreOptions options_;
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::WriteOptions write_options_;
  rocksdb::WriteOptions sync_options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::vector<std::pair<std::function<void(Status)>, Status>> pending_;
  std::thread sync_thread_;
};

// A bulk load (store.h). Its entries gather in a BulkLoadIndex;
// commit() writes them, in the index's order and with equal keys combined,
// as merge operands into one table file and ingests it: operands, not puts,
// so that the merge operator reconciles them with what the store holds,
// exactly as for apply().
class RocksDbBulkLoad final : public StoreBulkLoad {
 public:
  explicit RocksDbBulkLoad(RocksDbStore* store) : store_(store) {}

  ~RocksDbBulkLoad() override { remove_temp_file(); }

  Status add(const PartitionMutation& mutation) override {
    if (done_) return finished();
    const size_t before = index_.size();
    Status st = encode_mutation(
        mutation, store_->now_seconds(), store_->dir_,
        [this](std::string_view key, std::string_view value) { index_.add(key, value); });
    // Validation fails before any entry; keep the load whole anyway.
    if (!st.is_ok()) index_.truncate(before);
    return st;
  }

  size_t entries() const override { return index_.size(); }

  Status commit() override {
    if (done_) return finished();
    done_ = true;
    Status st = write_and_ingest();
    remove_temp_file();
    index_.clear();
    return st;
  }

 private:
  Status finished() const {
    return Status::failed_precondition("cql: bulk load already committed (" + store_->dir_ +
                                       "): start a new load with begin_bulk_load()");
  }

  // Folds the values of equal keys [first, last) in add order into one
  // fragment, as the merge operator would.
  Status combine(size_t first, size_t last, std::string* out) const {
    std::vector<rocksdb::Slice> fragments;
    for (size_t i = first; i < last; ++i) fragments.push_back(slice(index_.value(i)));
    if (!fold_fragments(fragments, out)) return store_->corrupt("bulk load value");
    return Status::ok();
  }

  Status write_and_ingest() {
    if (index_.size() == 0) return Status::ok();
    index_.sort();
    static std::atomic<uint64_t> counter{0};
    temp_file_ = (std::filesystem::path(store_->dir_) /
                  (std::string(kBulkFilePrefix) + std::to_string(::getpid()) + "-" +
                   std::to_string(counter++) + std::string(kBulkFileSuffix)))
                     .string();
    // The DB's own options: same comparator, table format and merge operator.
    // Uncompressed, like the levels written at once (Store::open): a load is
    // about speed, and compactions compress the file's rows when they move
    // them deeper.
    rocksdb::Options options = store_->db_->GetOptions();
    options.compression = rocksdb::kNoCompression;
    options.compression_per_level.clear();
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions(options), options);
    MEDALLION_RETURN_IF_ERROR(
        store_->to_status(writer.Open(temp_file_), "create a bulk load file"));
    std::string combined;
    for (size_t i = 0; i < index_.size();) {
      size_t j = i + 1;
      while (j < index_.size() && index_.repeats_previous(j)) ++j;
      std::string_view value = index_.value(i);
      if (j - i > 1) {
        MEDALLION_RETURN_IF_ERROR(combine(i, j, &combined));
        value = combined;
      }
      MEDALLION_RETURN_IF_ERROR(store_->to_status(writer.Merge(slice(index_.key(i)), slice(value)),
                                                  "write a bulk load file"));
      i = j;
    }
    // Finish() syncs the file.
    MEDALLION_RETURN_IF_ERROR(store_->to_status(writer.Finish(), "finish a bulk load file"));
    rocksdb::IngestExternalFileOptions io;
    io.move_files = true;
    io.allow_blocking_flush = true;  // memtable writes of the same keys are older: flush them first
    io.write_global_seqno = false;
    return store_->to_status(store_->db_->IngestExternalFile({temp_file_}, io),
                             "ingest a bulk load file");
  }

  void remove_temp_file() {
    if (temp_file_.empty()) return;
    std::error_code ec;
    std::filesystem::remove(temp_file_, ec);  // absent after a successful move: fine
    temp_file_.clear();
  }

  RocksDbStore* store_;
  BulkLoadIndex index_;
  std::string temp_file_;
  bool done_ = false;
};

util::Result<std::unique_ptr<StoreBulkLoad>> RocksDbStore::begin_bulk_load() {
  return std::unique_ptr<StoreBulkLoad>(std::make_unique<RocksDbBulkLoad>(this));
}

}  // namespace

util::Result<std::unique_ptr<Store>> Store::open(const std::string& dir, StoreOptions options) {
  rocksdb::Options o;
  o.create_if_missing = true;
  o.merge_operator = make_row_merge_operator();
  o.max_background_jobs = 2;
  o.bytes_per_sync = 1 << 20;
  o.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(storage_format::kTokenPrefixSize));
  o.memtable_prefix_bloom_size_ratio = 0.05;
  o.max_successive_merges = 0;
  // Writes come at random tokens, and a memtable insert costs a skiplist
  // search whose cache misses grow with the memtable: 16 MB stays mostly in
  // the CPU's cache (bench_cql_client: a quarter more inserts/s than with
  // 128 MB, for 8 flushes instead of 1 per 128 MB; big loads go around the
  // memtable, as bulk loads). L0 files pile up a little longer before a
  // compaction. The levels written at once (L0, L1) stay uncompressed,
  // trading disk for the CPU a flush would spend; the deeper levels,
  // rewritten rarely, use LZ4.
  o.write_buffer_size = size_t{16} << 20;
  o.level0_file_num_compaction_trigger = 8;
  o.compression_per_level = {rocksdb::kNoCompression,  rocksdb::kNoCompression,
                             rocksdb::kLZ4Compression, rocksdb::kLZ4Compression,
                             rocksdb::kLZ4Compression, rocksdb::kLZ4Compression,
                             rocksdb::kLZ4Compression};
  // Group commit: writers only append to the WAL's buffer in memory and the
  // sync thread writes it out and syncs it, so no writer ever blocks on the
  // kernel while a sync holds the WAL's last page (a write acknowledged in
  // this mode is always one the sync thread flushed). The other policies
  // acknowledge before any sync, so their writes must reach the OS at once.
  o.manual_wal_flush = options.commit_policy == CommitPolicy::kGroup;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  t.whole_key_filtering = true;
  t.cache_index_and_filter_blocks = true;
  t.pin_l0_filter_and_index_blocks_in_cache = true;
  t.block_size = size_t{16} << 10;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return Status::io_error("cql: cannot create the store directory (" + dir +
                            "): " + ec.message() + "; check the path and its permissions");
  }
  rocksdb::DB* raw = nullptr;
  rocksdb::Status st = rocksdb::DB::Open(o, dir, &raw);
  if (!st.ok()) {
    std::string msg = "cql: cannot open the store (" + dir + "): " + st.ToString();
    if (st.IsCorruption()) return Status::corruption(msg + "; the database is damaged");
    return Status::io_error(msg +
                            "; check that no other server uses the directory and its permissions");
  }
  // Only now: the database's lock keeps any other process out of `dir`.
  remove_abandoned_bulk_files(dir);
  return std::unique_ptr<Store>(
      std::make_unique<RocksDbStore>(dir, std::move(options), std::unique_ptr<rocksdb::DB>(raw)));
}

util::Status Store::apply_and_wait(std::vector<PartitionMutation> mutations) {
  std::promise<Status> done;
  std::future<Status> result = done.get_future();
  apply(std::move(mutations), [&done](Status st) { done.set_value(std::move(st)); });
  return result.get();
}

std::string row_key_for_testing(TableId table, std::string_view partition_key,
                                std::string_view clustering) {
  std::string key;
  append_partition_prefix(&key, table, murmur3_token(partition_key), partition_key);
  key.push_back(sf::kRow);
  key.append(clustering);
  return key;
}

util::Status write_raw_for_testing(Store& store, std::string_view key, std::string_view value,
                                   bool merge) {
  auto* s = dynamic_cast<RocksDbStore*>(&store);
  if (s == nullptr) return Status::invalid_argument("cql: not a RocksDB store (testing)");
  return s->write_raw(key, value, merge);
}

}  // namespace medallion::cql
