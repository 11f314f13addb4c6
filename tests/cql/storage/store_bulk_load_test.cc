// Tests of Store::begin_bulk_load (store.h): a load stores exactly what
// apply() of the same mutations would, reconciled with the store's data.
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cql/protocol/murmur3_token.h"
#include "cql/storage/key_encoding.h"
#include "cql/storage/store.h"
#include "store_test_keys.h"

namespace medallion::cql {
namespace {

namespace fs = std::filesystem;

constexpr TableId kTable = 7;

using testing::ck;
using testing::i32;

// One row write of one partition (nullopt value: a cell tombstone).
PartitionMutation row(const std::string& pk, const std::string& clustering,
                      std::vector<CellWrite> cells, int64_t ts, int32_t ttl = 0,
                      bool marker = true) {
  PartitionMutation m;
  m.table = kTable;
  m.partition_key = pk;
  m.timestamp = ts;
  m.ttl_seconds = ttl;
  RowWrite r;
  r.clustering = clustering;
  r.row_marker = marker;
  r.cells = std::move(cells);
  m.rows.push_back(std::move(r));
  return m;
}

struct Seen {
  std::string pk;
  std::string clustering;
  std::vector<CellRead> cells;
  int64_t token = 0;
  bool operator==(const Seen& o) const {
    if (pk != o.pk || clustering != o.clustering || token != o.token ||
        cells.size() != o.cells.size())
      return false;
    for (size_t i = 0; i < cells.size(); ++i) {
      const auto& a = cells[i];
      const auto& b = o.cells[i];
      if (a.column_id != b.column_id || a.value != b.value || a.timestamp != b.timestamp ||
          a.ttl_seconds != b.ttl_seconds || a.expires_at != b.expires_at)
        return false;
    }
    return true;
  }
};

class BulkLoadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    base_ = (fs::temp_directory_path() /
             ("cql_bulk_load_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) +
              "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                .string();
    fs::remove_all(base_);
    dir_ = base_ + "/a";
    reopen();
  }
  void reopen() {
    store_.reset();
    store_ = open(dir_);
    ASSERT_TRUE(store_);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(base_);
  }
  std::unique_ptr<Store> open(const std::string& dir) {
    StoreOptions o;
    o.commit_policy = CommitPolicy::kGroup;
    o.now_seconds = [this] { return now_.load(); };
    auto s = Store::open(dir, o);
    EXPECT_TRUE(s.is_ok()) << s.status().message();
    return s.is_ok() ? std::move(*s) : nullptr;
  }
  void apply(Store& store, PartitionMutation m) {
    auto st = store.apply_and_wait({std::move(m)});
    ASSERT_TRUE(st.is_ok()) << st.message();
  }
  void load(std::vector<PartitionMutation> ms) {
    auto l = store_->begin_bulk_load();
    ASSERT_TRUE(l.is_ok()) << l.status().message();
    for (auto& m : ms) {
      auto st = (*l)->add(m);
      ASSERT_TRUE(st.is_ok()) << st.message();
    }
    auto st = (*l)->commit();
    ASSERT_TRUE(st.is_ok()) << st.message();
  }
  std::vector<Seen> scan(const Store& store) {
    std::vector<Seen> out;
    auto st = store.scan(kTable, kMinToken, kMaxToken, std::nullopt, [&](const RowVisit& v) {
      out.push_back(Seen{std::string(v.partition_key), v.row->clustering, v.row->cells, v.token});
      return true;
    });
    EXPECT_TRUE(st.is_ok()) << st.message();
    return out;
  }
  std::vector<Seen> read(const Store& store, const std::string& pk) {
    std::vector<Seen> out;
    auto st = store.read_partition(kTable, pk, {}, false, std::nullopt, [&](const RowVisit& v) {
      out.push_back(Seen{std::string(v.partition_key), v.row->clustering, v.row->cells, v.token});
      return true;
    });
    EXPECT_TRUE(st.is_ok()) << st.message();
    return out;
  }
  std::string value_of(const std::string& pk, const std::string& clustering, uint32_t column) {
    for (const auto& s : read(*store_, pk)) {
      if (s.clustering != clustering) continue;
      for (const auto& c : s.cells) {
        if (c.column_id == column) return c.value;
      }
    }
    return "-";
  }
  size_t rows_in(const std::string& pk) { return read(*store_, pk).size(); }
  // Files in the store's directory that are not RocksDB's own.
  std::vector<std::string> stray_files() {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_)) {
      const std::string name = e.path().filename().string();
      if (name.rfind("bulk-", 0) == 0 || name.find(".tmp") != std::string::npos)
        out.push_back(name);
    }
    return out;
  }

  std::string base_;
  std::string dir_;
  std::atomic<int64_t> now_{1'000'000};
  std::unique_ptr<Store> store_;
};

std::vector<PartitionMutation> mixed_mutations() {
  std::vector<PartitionMutation> ms;
  for (int p = 0; p < 20; ++p) {
    const std::string pk = "pk" + std::to_string(p);
    for (int c = 0; c < 5; ++c) {
      ms.push_back(row(
          pk, ck(c),
          {CellWrite{1, "v" + std::to_string(p * 10 + c)},
           CellWrite{3, std::string(1, static_cast<char>('a' + c))}, CellWrite{2, std::nullopt}},
          100 + p, c == 2 ? 50 : 0, c != 4));
    }
  }
  // A later overwrite of one cell, a row deletion, a range deletion.
  ms.push_back(row("pk3", ck(1), {CellWrite{1, "newer"}}, 500, 0, false));
  PartitionMutation del;
  del.table = kTable;
  del.partition_key = "pk4";
  del.timestamp = 300;
  del.rows.push_back(RowWrite{ck(0), false, true, {}});
  del.range_deletions.push_back(ClusteringRange{ck(2), ck(4)});
  ms.push_back(del);
  return ms;
}

TEST_F(BulkLoadTest, ReadsBackLikeApply) {
  auto other = open(base_ + "/b");
  ASSERT_TRUE(other);
  for (const auto& m : mixed_mutations()) apply(*other, m);
  load(mixed_mutations());
  const auto loaded = scan(*store_);
  const auto applied = scan(*other);
  ASSERT_EQ(loaded.size(), 20u * 5 - 3);
  EXPECT_TRUE(loaded == applied);
  for (size_t i = 1; i < loaded.size(); ++i) EXPECT_LE(loaded[i - 1].token, loaded[i].token);
  EXPECT_EQ(loaded[0].token, murmur3_token(loaded[0].pk));
  EXPECT_TRUE(read(*store_, "pk3") == read(*other, "pk3"));
  EXPECT_EQ(value_of("pk3", ck(1), 1), "newer");
  bool saw_ttl = false;
  for (const auto& s : loaded) {
    for (const auto& c : s.cells) {
      if (c.ttl_seconds == 50) {
        saw_ttl = true;
        EXPECT_EQ(c.expires_at, now_.load() + 50);
      }
    }
  }
  EXPECT_TRUE(saw_ttl);
}

// A load big enough to be sorted in parallel halves, with many rows per
// partition, clustering keys that agree on their first 8 bytes (text
// "same-prefix-<n>"), partition keys holding zero bytes (escaped in the key)
// and every row written twice: the same rows as apply() of the same writes.
TEST_F(BulkLoadTest, BigLoadWithLongSharedClusteringPrefixesReadsBackLikeApply) {
  auto other = open(base_ + "/big");
  ASSERT_TRUE(other);
  const std::vector<ClusteringColumn> text_column = {
      ClusteringColumn{CqlType::of(TypeId::kVarchar), false}};
  std::vector<PartitionMutation> writes;
  for (int i = 0; i < 70000; ++i) {
    const std::string pk = std::string("p\0", 2) + std::to_string(i % 2500);
    const std::string text = "same-prefix-" + std::to_string((i * 7919) % 28);
    const auto clustering = encode_clustering(text_column, {text});
    ASSERT_TRUE(clustering.is_ok());
    writes.push_back(row(pk, *clustering, {{1, i32(i)}}, 1000 + i % 5));
  }
  // apply() in batches of 1000: a sync per write would take minutes.
  for (int round = 0; round < 2; ++round) {
    for (size_t begin = 0; begin < writes.size(); begin += 1000) {
      std::vector<PartitionMutation> batch(
          writes.begin() + static_cast<ptrdiff_t>(begin),
          writes.begin() + static_cast<ptrdiff_t>(std::min(writes.size(), begin + 1000)));
      ASSERT_TRUE(other->apply_and_wait(std::move(batch)).is_ok());
    }
  }
  std::vector<PartitionMutation> twice = writes;
  twice.insert(twice.end(), writes.begin(), writes.end());
  load(std::move(twice));
  const auto loaded = scan(*store_);
  const auto applied = scan(*other);
  ASSERT_EQ(loaded.size(), 17500u);  // (i % 2500, i * 7919 % 28) repeats every 17500
  EXPECT_TRUE(loaded == applied);
}

TEST_F(BulkLoadTest, NothingVisibleBeforeCommit) {
  auto l = store_->begin_bulk_load();
  ASSERT_TRUE(l.is_ok());
  ASSERT_TRUE((*l)->add(row("k", ck(1), {CellWrite{1, "v"}}, 5)).is_ok());
  EXPECT_EQ((*l)->entries(), 1u);
  EXPECT_EQ(rows_in("k"), 0u);
  EXPECT_TRUE(scan(*store_).empty());
  ASSERT_TRUE((*l)->commit().is_ok());
  EXPECT_EQ(value_of("k", ck(1), 1), "v");
  EXPECT_TRUE(stray_files().empty());
}

TEST_F(BulkLoadTest, DestroyedWithoutCommitLeavesNothing) {
  {
    auto l = store_->begin_bulk_load();
    ASSERT_TRUE(l.is_ok());
    for (int i = 0; i < 100; ++i)
      ASSERT_TRUE((*l)->add(row("k" + std::to_string(i), ck(1), {CellWrite{1, "v"}}, 5)).is_ok());
  }
  EXPECT_TRUE(scan(*store_).empty());
  EXPECT_TRUE(stray_files().empty());
  reopen();
  EXPECT_TRUE(scan(*store_).empty());
}

// What a process killed between writing a load's file and ingesting it
// leaves behind is removed when the store opens next.
TEST_F(BulkLoadTest, AbandonedLoadFileIsRemovedOnOpen) {
  store_.reset();
  {
    std::ofstream abandoned(dir_ + "/bulk-12345-0.sst.tmp");
    abandoned << "half a table file";
  }
  ASSERT_EQ(stray_files().size(), 1u);
  reopen();
  EXPECT_TRUE(stray_files().empty());
  EXPECT_TRUE(scan(*store_).empty());
}

TEST_F(BulkLoadTest, SameRowTwiceCombinesLikeTwoApplies) {
  auto other = open(base_ + "/b");
  ASSERT_TRUE(other);
  std::vector<PartitionMutation> ms;
  ms.push_back(row("k", ck(1), {CellWrite{1, "new"}, CellWrite{2, "b"}}, 20));
  ms.push_back(row("k", ck(1), {CellWrite{1, "old"}, CellWrite{3, "c"}}, 10));
  ms.push_back(row("k", ck(1), {CellWrite{3, std::nullopt}}, 15, 0, false));  // tombstone wins
  ms.push_back(row("k", ck(2), {CellWrite{1, "x"}}, 10));
  PartitionMutation del;
  del.table = kTable;
  del.partition_key = "k";
  del.timestamp = 12;
  del.rows.push_back(RowWrite{ck(2), false, true, {}});
  ms.push_back(del);
  ms.push_back(row("k", ck(1), {CellWrite{2, "a"}}, 20, 0, false));  // tie: greater bytes win
  for (const auto& m : ms) apply(*other, m);
  auto l = store_->begin_bulk_load();
  ASSERT_TRUE(l.is_ok());
  for (const auto& m : ms) ASSERT_TRUE((*l)->add(m).is_ok());
  EXPECT_EQ((*l)->entries(), ms.size());
  ASSERT_TRUE((*l)->commit().is_ok());
  EXPECT_EQ(value_of("k", ck(1), 1), "new");
  EXPECT_EQ(value_of("k", ck(1), 2), "b");
  EXPECT_EQ(value_of("k", ck(1), 3), "-");
  EXPECT_EQ(rows_in("k"), 1u);
  EXPECT_TRUE(scan(*store_) == scan(*other));
}

TEST_F(BulkLoadTest, StoredNewerStaysLoadedNewerWins) {
  apply(*store_, row("k", ck(1), {CellWrite{1, "stored-new"}, CellWrite{2, "stored-old"}}, 20));
  apply(*store_, row("k", ck(2), {CellWrite{1, "stored-old"}}, 5));
  // Reopen: the stored rows are then in a table file, not the memtable.
  reopen();
  load({row("k", ck(1), {CellWrite{1, "loaded-old"}}, 10),
        row("k", ck(1), {CellWrite{2, "loaded-new"}}, 30),
        row("k", ck(2), {CellWrite{1, "loaded-new"}}, 6)});
  EXPECT_EQ(value_of("k", ck(1), 1), "stored-new");
  EXPECT_EQ(value_of("k", ck(1), 2), "loaded-new");
  EXPECT_EQ(value_of("k", ck(2), 1), "loaded-new");
}

TEST_F(BulkLoadTest, LoadedTombstonesShadowOlderStoredRows) {
  apply(*store_, row("p", ck(1), {CellWrite{1, "old"}}, 10));
  apply(*store_, row("p", ck(2), {CellWrite{1, "newer"}}, 30));
  apply(*store_, row("r", ck(1), {CellWrite{1, "in-range"}}, 10));
  apply(*store_, row("r", ck(5), {CellWrite{1, "outside"}}, 10));
  PartitionMutation dp;
  dp.table = kTable;
  dp.partition_key = "p";
  dp.timestamp = 20;
  dp.delete_partition = true;
  PartitionMutation dr;
  dr.table = kTable;
  dr.partition_key = "r";
  dr.timestamp = 20;
  dr.range_deletions.push_back(ClusteringRange{ck(0), ck(3)});
  load({dp, dr});
  EXPECT_EQ(value_of("p", ck(1), 1), "-");
  EXPECT_EQ(value_of("p", ck(2), 1), "newer");
  EXPECT_EQ(value_of("r", ck(1), 1), "-");
  EXPECT_EQ(value_of("r", ck(5), 1), "outside");
}

TEST_F(BulkLoadTest, StoredTombstonesShadowOlderLoadedCells) {
  PartitionMutation dp;
  dp.table = kTable;
  dp.partition_key = "p";
  dp.timestamp = 20;
  dp.delete_partition = true;
  apply(*store_, dp);
  apply(*store_, row("c", ck(1), {CellWrite{1, std::nullopt}}, 20, 0, false));
  load({row("p", ck(1), {CellWrite{1, "old"}}, 10), row("p", ck(2), {CellWrite{1, "new"}}, 30),
        row("c", ck(1), {CellWrite{1, "old"}, CellWrite{2, "kept"}}, 10)});
  EXPECT_EQ(value_of("p", ck(1), 1), "-");
  EXPECT_EQ(value_of("p", ck(2), 1), "new");
  EXPECT_EQ(value_of("c", ck(1), 1), "-");
  EXPECT_EQ(value_of("c", ck(1), 2), "kept");
}

TEST_F(BulkLoadTest, LoadOverUnflushedMemtableWrites) {
  // The applied rows are only in the memtable (and the WAL); the load must
  // still be newer than them in the LSM, and reconcile by timestamp.
  for (int i = 0; i < 50; ++i) {
    const std::string pk = "k" + std::to_string(i);
    apply(*store_, row(pk, ck(1), {CellWrite{1, "mem-new"}, CellWrite{2, "mem-old"}}, 20));
  }
  std::vector<PartitionMutation> ms;
  for (int i = 0; i < 50; ++i) {
    const std::string pk = "k" + std::to_string(i);
    ms.push_back(row(pk, ck(1), {CellWrite{1, "load-old"}}, 10));
    ms.push_back(row(pk, ck(1), {CellWrite{2, "load-new"}}, 30));
  }
  load(ms);
  for (int i = 0; i < 50; ++i) {
    const std::string pk = "k" + std::to_string(i);
    EXPECT_EQ(value_of(pk, ck(1), 1), "mem-new");
    EXPECT_EQ(value_of(pk, ck(1), 2), "load-new");
  }
  // Applied after the load, still by timestamp.
  apply(*store_, row("k0", ck(1), {CellWrite{2, "too-old"}}, 25));
  EXPECT_EQ(value_of("k0", ck(1), 2), "load-new");
  reopen();
  EXPECT_EQ(value_of("k7", ck(1), 1), "mem-new");
  EXPECT_EQ(value_of("k7", ck(1), 2), "load-new");
}

TEST_F(BulkLoadTest, TtlExpiresWithTheStoreClock) {
  load({row("k", ck(1), {CellWrite{1, "short"}}, 5, 10, true),
        row("k", ck(2), {CellWrite{1, "forever"}}, 5)});
  auto rows = read(*store_, "k");
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(rows[0].cells.size(), 1u);
  EXPECT_EQ(rows[0].cells[0].ttl_seconds, 10);
  EXPECT_EQ(rows[0].cells[0].expires_at, now_.load() + 10);
  now_ += 9;
  EXPECT_EQ(value_of("k", ck(1), 1), "short");
  now_ += 1;
  EXPECT_EQ(value_of("k", ck(1), 1), "-");
  EXPECT_EQ(rows_in("k"), 1u);  // marker expired with the cell
  EXPECT_EQ(value_of("k", ck(2), 1), "forever");
}

TEST_F(BulkLoadTest, InvalidMutationsRefusedByAdd) {
  auto l = store_->begin_bulk_load();
  ASSERT_TRUE(l.is_ok());
  auto m = row("k", ck(1), {CellWrite{1, "v"}}, 5);
  m.table = 0;
  EXPECT_EQ((*l)->add(m).code(), util::StatusCode::kInvalidArgument);
  m.table = kTable;
  m.partition_key = "";
  EXPECT_EQ((*l)->add(m).code(), util::StatusCode::kInvalidArgument);
  m.partition_key = "k";
  m.ttl_seconds = -1;
  EXPECT_EQ((*l)->add(m).code(), util::StatusCode::kInvalidArgument);
  EXPECT_EQ((*l)->entries(), 0u);
  m.ttl_seconds = 0;
  ASSERT_TRUE((*l)->add(m).is_ok());  // still usable
  ASSERT_TRUE((*l)->commit().is_ok());
  EXPECT_EQ(value_of("k", ck(1), 1), "v");
}

TEST_F(BulkLoadTest, EmptyCommitThenCommitOrAddAgainIsFailedPrecondition) {
  auto l = store_->begin_bulk_load();
  ASSERT_TRUE(l.is_ok());
  EXPECT_TRUE((*l)->commit().is_ok());
  EXPECT_EQ((*l)->commit().code(), util::StatusCode::kFailedPrecondition);
  EXPECT_EQ((*l)->add(row("k", ck(1), {CellWrite{1, "v"}}, 5)).code(),
            util::StatusCode::kFailedPrecondition);
  auto l2 = store_->begin_bulk_load();
  ASSERT_TRUE(l2.is_ok());
  ASSERT_TRUE((*l2)->add(row("k", ck(1), {CellWrite{1, "v"}}, 5)).is_ok());
  ASSERT_TRUE((*l2)->commit().is_ok());
  EXPECT_EQ((*l2)->commit().code(), util::StatusCode::kFailedPrecondition);
  EXPECT_EQ((*l2)->add(row("k", ck(1), {CellWrite{1, "v"}}, 5)).code(),
            util::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(scan(*store_).size() == 1u);
  EXPECT_TRUE(stray_files().empty());
}

TEST_F(BulkLoadTest, ReopenedStoreKeepsLoadedRows) {
  load(mixed_mutations());
  const auto before = scan(*store_);
  ASSERT_FALSE(before.empty());
  reopen();
  EXPECT_TRUE(scan(*store_) == before);
  EXPECT_TRUE(stray_files().empty());
}

TEST_F(BulkLoadTest, SeveralLoadsAndTruncateBetween) {
  load({row("k", ck(1), {CellWrite{1, "first"}}, 10)});
  load({row("k", ck(1), {CellWrite{1, "second"}}, 20)});
  EXPECT_EQ(value_of("k", ck(1), 1), "second");
  ASSERT_TRUE(store_->delete_table_data(kTable).is_ok());
  EXPECT_EQ(rows_in("k"), 0u);
  load({row("k", ck(1), {CellWrite{1, "after-truncate"}}, 1)});
  EXPECT_EQ(value_of("k", ck(1), 1), "after-truncate");
}

}  // namespace
}  // namespace medallion::cql
