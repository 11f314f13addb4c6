// The RocksDB serving store: reconciliation, tombstones, TTL, reads, scans,
// paging, durability policies, metadata and damaged values.
#include "cql/storage/store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <random>
#include <thread>

#include "../cql_test_util.h"
#include "cql/storage/key_encoding.h"
#include "cql/protocol/murmur3_token.h"
#include "cql/storage/store_testing.h"
#include "store_test_keys.h"

namespace medallion::cql {
namespace {

namespace fs = std::filesystem;

constexpr TableId kTable = 7;

using testing::ck;
using testing::i32;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = (fs::temp_directory_path() /
            ("cql_store_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) +
             "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    fs::remove_all(dir_);
    open();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  void open(CommitPolicy policy = CommitPolicy::kAlways) {
    store_.reset();
    StoreOptions o;
    o.commit_policy = policy;
    o.now_seconds = [this] { return now_.load(); };
    auto s = Store::open(dir_, o);
    ASSERT_TRUE(s.is_ok()) << s.status().message();
    store_ = std::move(*s);
  }

  // One cell write (nullopt: a cell tombstone).
  void put(const std::string& pk, const std::string& clustering, uint32_t column,
           std::optional<std::string> value, int64_t ts, int32_t ttl = 0, bool marker = false) {
    PartitionMutation m;
    m.table = kTable;
    m.partition_key = pk;
    m.timestamp = ts;
    m.ttl_seconds = ttl;
    RowWrite r;
    r.clustering = clustering;
    r.row_marker = marker;
    r.cells.push_back(CellWrite{column, std::move(value)});
    m.rows.push_back(std::move(r));
    ASSERT_TRUE(store_->apply_and_wait({std::move(m)}).is_ok());
  }
  void apply(PartitionMutation m) {
    if (m.table == 0) m.table = kTable;
    auto st = store_->apply_and_wait({std::move(m)});
    ASSERT_TRUE(st.is_ok()) << st.message();
  }

  struct Seen {
    std::string pk;
    std::string clustering;
    std::vector<CellRead> cells;
    std::string position;
    int64_t token;
  };
  std::vector<Seen> read(const std::string& pk, ClusteringRange range = {}, bool reverse = false,
                         std::optional<std::string> resume = std::nullopt, size_t limit = 1000) {
    std::vector<Seen> out;
    auto st = store_->read_partition(kTable, pk, range, reverse, resume, [&](const RowVisit& v) {
      out.push_back(Seen{std::string(v.partition_key), v.row->clustering, v.row->cells,
                         std::string(v.position), v.token});
      return out.size() < limit;
    });
    EXPECT_TRUE(st.is_ok()) << st.message();
    return out;
  }
  std::vector<Seen> scan(int64_t lo = kMinToken, int64_t hi = kMaxToken,
                         std::optional<std::string> resume = std::nullopt, size_t limit = 100000,
                         TableId table = kTable) {
    std::vector<Seen> out;
    auto st = store_->scan(table, lo, hi, resume, [&](const RowVisit& v) {
      out.push_back(Seen{std::string(v.partition_key), v.row->clustering, v.row->cells,
                         std::string(v.position), v.token});
      return out.size() < limit;
    });
    EXPECT_TRUE(st.is_ok()) << st.message();
    return out;
  }
  // The value of `column` in the single row `clustering` of `pk`, or "-".
  std::string value_of(const std::string& pk, const std::string& clustering, uint32_t column) {
    for (const auto& s : read(pk)) {
      if (s.clustering != clustering) continue;
      for (const auto& c : s.cells) {
        if (c.column_id == column) return c.value;
      }
    }
    return "-";
  }
  size_t rows_in(const std::string& pk) { return read(pk).size(); }

  std::string dir_;
  std::atomic<int64_t> now_{1'000'000};
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, LatestTimestampWinsPerCell) {
  put("k", ck(1), 1, "new", 20);
  put("k", ck(1), 1, "old", 10);
  put("k", ck(1), 2, "b", 5);
  EXPECT_EQ(value_of("k", ck(1), 1), "new");
  EXPECT_EQ(value_of("k", ck(1), 2), "b");
  auto rows = read("k");
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0].cells.size(), 2u);
  EXPECT_EQ(rows[0].cells[0].timestamp, 20);
  EXPECT_EQ(rows[0].cells[0].column_id, 1u);
}

TEST_F(StoreTest, TieGreaterValueWins) {
  put("k", "", 1, "abc", 10);
  put("k", "", 1, "abd", 10);
  put("k", "", 1, "ab", 10);
  EXPECT_EQ(value_of("k", "", 1), "abd");
}

TEST_F(StoreTest, TieTombstoneBeatsValue) {
  put("k", "", 1, "v", 10);
  put("k", "", 1, std::nullopt, 10);
  put("k", "", 2, "w", 10);
  EXPECT_EQ(value_of("k", "", 1), "-");
  EXPECT_EQ(value_of("k", "", 2), "w");
}

TEST_F(StoreTest, CellTombstoneShadowsOlderNotNewer) {
  put("k", "", 1, "old", 5);
  put("k", "", 1, std::nullopt, 10);
  EXPECT_EQ(value_of("k", "", 1), "-");
  put("k", "", 1, "newer", 11);
  EXPECT_EQ(value_of("k", "", 1), "newer");
}

TEST_F(StoreTest, RowTombstoneShadowsOlderNotNewer) {
  put("k", ck(1), 1, "a", 5, 0, true);
  put("k", ck(1), 2, "late", 20);
  PartitionMutation m;
  m.partition_key = "k";
  m.timestamp = 10;
  m.rows.push_back(RowWrite{ck(1), false, true, {}});
  apply(m);
  auto rows = read("k");
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0].cells.size(), 1u);
  EXPECT_EQ(rows[0].cells[0].value, "late");
  put("k", ck(1), 1, "older", 9);
  EXPECT_EQ(value_of("k", ck(1), 1), "-");
}

TEST_F(StoreTest, RowTombstoneHidesMarkerOnlyRow) {
  put("k", ck(1), 1, "a", 5, 0, true);
  PartitionMutation m;
  m.partition_key = "k";
  m.timestamp = 10;
  m.rows.push_back(RowWrite{ck(1), false, true, {}});
  apply(m);
  EXPECT_EQ(rows_in("k"), 0u);
}

TEST_F(StoreTest, PartitionTombstoneShadowsOlderNotNewer) {
  put("k", ck(1), 1, "a", 5, 0, true);
  put("k", ck(2), 1, "b", 15, 0, true);
  PartitionMutation m;
  m.partition_key = "k";
  m.timestamp = 10;
  m.delete_partition = true;
  apply(m);
  auto rows = read("k");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].clustering, ck(2));
  put("k", ck(3), 1, "c", 9, 0, true);
  EXPECT_EQ(rows_in("k"), 1u);
  EXPECT_EQ(scan().size(), 1u);
}

TEST_F(StoreTest, RangeTombstoneOnDescClustering) {
  for (int i = 0; i < 6; ++i) put("k", ck(i, true), 1, "v" + std::to_string(i), 5, 0, true);
  // DELETE WHERE c >= 2 AND c < 4 on a DESC column.
  auto range = clustering_range({ClusteringColumn{CqlType::of(TypeId::kInt), true}}, {},
                                ClusteringBound{i32(2), true}, ClusteringBound{i32(4), false});
  ASSERT_TRUE(range.is_ok());
  PartitionMutation m;
  m.partition_key = "k";
  m.timestamp = 10;
  m.range_deletions.push_back(*range);
  apply(m);
  put("k", ck(3, true), 1, "newer", 11);
  auto rows = read("k");
  std::vector<std::string> seen;
  for (const auto& r : rows) seen.push_back(r.cells.at(0).value);
  EXPECT_EQ(seen, (std::vector<std::string>{"v5", "v4", "newer", "v1", "v0"}));
}

TEST_F(StoreTest, RangeTombstoneSparesStaticRow) {
  put("k", "", 9, "static", 5);
  put("k", ck(1), 1, "row", 5, 0, true);
  PartitionMutation m;
  m.partition_key = "k";
  m.timestamp = 10;
  m.range_deletions.push_back(ClusteringRange{});  // every clustering row
  apply(m);
  auto rows = read("k");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].clustering, "");
  m.range_deletions.clear();
  m.delete_partition = true;
  apply(m);
  EXPECT_EQ(rows_in("k"), 0u);
}

TEST_F(StoreTest, TtlExpiresWithTheClock) {
  put("k", ck(1), 1, "short", 5, 10, true);
  put("k", ck(1), 2, "forever", 5);
  auto rows = read("k");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].cells[0].ttl_seconds, 10);
  EXPECT_EQ(rows[0].cells[0].expires_at, now_.load() + 10);
  now_ += 10;
  EXPECT_EQ(value_of("k", ck(1), 1), "-");
  EXPECT_EQ(value_of("k", ck(1), 2), "forever");
}

TEST_F(StoreTest, TtlRowDisappearsWhenMarkerAndCellsExpire) {
  put("k", ck(1), 1, "v", 5, 3, true);
  EXPECT_EQ(rows_in("k"), 1u);
  now_ += 3;
  EXPECT_EQ(rows_in("k"), 0u);
}

TEST_F(StoreTest, MarkerOnlyRowIsVisible) {
  PartitionMutation m;
  m.partition_key = "k";
  m.timestamp = 5;
  m.rows.push_back(RowWrite{ck(1), true, false, {}});
  apply(m);
  auto rows = read("k");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0].cells.empty());
}

TEST_F(StoreTest, UpdateRowWithoutMarkerVanishesWithItsLastCell) {
  put("k", ck(1), 1, "v", 5);  // UPDATE: no marker
  EXPECT_EQ(rows_in("k"), 1u);
  put("k", ck(1), 1, std::nullopt, 6);
  EXPECT_EQ(rows_in("k"), 0u);
}

TEST_F(StoreTest, ReadRangeAndReverse) {
  for (int i = 0; i < 5; ++i) put("k", ck(i), 1, std::to_string(i), 5, 0, true);
  auto range = *clustering_range({ClusteringColumn{CqlType::of(TypeId::kInt)}}, {},
                                 ClusteringBound{i32(1), true}, ClusteringBound{i32(3), true});
  auto fwd = read("k", range);
  ASSERT_EQ(fwd.size(), 3u);
  EXPECT_EQ(fwd[0].clustering, ck(1));
  EXPECT_EQ(fwd[2].clustering, ck(3));
  auto rev = read("k", range, true);
  ASSERT_EQ(rev.size(), 3u);
  EXPECT_EQ(rev[0].clustering, ck(3));
  EXPECT_EQ(rev[2].clustering, ck(1));
  EXPECT_EQ(rev[0].token, murmur3_token("k"));
}

TEST_F(StoreTest, PagingForwardWithResumeAfter) {
  for (int i = 0; i < 10; ++i) put("k", ck(i), 1, std::to_string(i), 5, 0, true);
  std::vector<std::string> all;
  std::optional<std::string> resume;
  for (int page = 0; page < 10; ++page) {
    auto rows = read("k", {}, false, resume, 3);
    if (rows.empty()) break;
    for (const auto& r : rows) all.push_back(r.cells[0].value);
    resume = rows.back().position;
  }
  EXPECT_EQ(all, (std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}));
}

TEST_F(StoreTest, PagingReverseWithResumeAfter) {
  for (int i = 0; i < 7; ++i) put("k", ck(i), 1, std::to_string(i), 5, 0, true);
  std::vector<std::string> all;
  std::optional<std::string> resume;
  for (int page = 0; page < 10; ++page) {
    auto rows = read("k", {}, true, resume, 2);
    if (rows.empty()) break;
    for (const auto& r : rows) all.push_back(r.cells[0].value);
    resume = rows.back().position;
  }
  EXPECT_EQ(all, (std::vector<std::string>{"6", "5", "4", "3", "2", "1", "0"}));
}

TEST_F(StoreTest, ReverseRangeReadFromFlushedFiles) {
  for (int p = 0; p < 20; ++p) {
    for (int i = 0; i < 6; ++i) put(i32(p), ck(i), 1, std::to_string(i), 5, 0, true);
  }
  open();  // recovery writes the WAL into a table file
  auto range = *clustering_range({ClusteringColumn{CqlType::of(TypeId::kInt)}}, {},
                                 ClusteringBound{i32(1), false}, ClusteringBound{i32(4), true});
  for (int p = 0; p < 20; ++p) {
    auto rev = read(i32(p), range, true);
    std::vector<std::string> seen;
    for (const auto& r : rev) seen.push_back(r.cells.at(0).value);
    ASSERT_EQ(seen, (std::vector<std::string>{"4", "3", "2"})) << p;
    auto page = read(i32(p), {}, true, rev[0].position, 2);
    ASSERT_EQ(page.size(), 2u);
    EXPECT_EQ(page[0].cells.at(0).value, "3");
  }
  EXPECT_EQ(rows_in(i32(999)), 0u);
}

TEST_F(StoreTest, ResumeFromAnotherPartitionIsInvalid) {
  put("a", ck(1), 1, "x", 5, 0, true);
  auto rows = read("a");
  ASSERT_EQ(rows.size(), 1u);
  auto st = store_->read_partition(kTable, "b", {}, false, rows[0].position,
                                   [](const RowVisit&) { return true; });
  EXPECT_EQ(st.code(), util::StatusCode::kInvalidArgument);
}

TEST_F(StoreTest, ScanIsInTokenOrderAcrossPartitions) {
  std::vector<std::string> keys;
  for (int i = 0; i < 50; ++i) {
    keys.push_back(i32(i));
    put(keys.back(), ck(1), 1, "a", 5, 0, true);
    put(keys.back(), ck(2), 1, "b", 5, 0, true);
  }
  put(i32(0), ck(1), 1, "other table", 5);  // same table; and another table below
  PartitionMutation other;
  other.table = kTable + 1;
  other.partition_key = "zz";
  other.timestamp = 1;
  other.rows.push_back(RowWrite{"", true, false, {}});
  apply(other);
  auto rows = scan();
  ASSERT_EQ(rows.size(), 100u);
  for (size_t i = 1; i < rows.size(); ++i) {
    ASSERT_LE(rows[i - 1].token, rows[i].token);
    if (rows[i - 1].token == rows[i].token) {
      EXPECT_EQ(rows[i - 1].pk, rows[i].pk);
      EXPECT_LT(rows[i - 1].clustering, rows[i].clustering);
    }
  }
  for (const auto& r : rows) EXPECT_EQ(r.token, murmur3_token(r.pk));
}

TEST_F(StoreTest, ScanHonoursTokenBounds) {
  std::vector<int64_t> tokens;
  for (int i = 0; i < 40; ++i) {
    put(i32(i), "", 1, "v", 5, 0, true);
    tokens.push_back(murmur3_token(i32(i)));
  }
  std::sort(tokens.begin(), tokens.end());
  const int64_t lo = tokens[10], hi = tokens[20];
  auto rows = scan(lo, hi);
  ASSERT_EQ(rows.size(), 11u);
  EXPECT_EQ(rows.front().token, lo);
  EXPECT_EQ(rows.back().token, hi);
  EXPECT_TRUE(scan(hi, lo).empty());
}

TEST_F(StoreTest, ScanPagingWithResumeAfterAndPartitionTombstone) {
  for (int i = 0; i < 10; ++i) {
    for (int c = 0; c < 3; ++c) put(i32(i), ck(c), 1, "v", 5, 0, true);
  }
  // A partition tombstone must still apply when a page resumes inside it.
  for (int i = 0; i < 10; ++i) put(i32(i), ck(9), 1, "new", 20, 0, true);
  for (int i = 0; i < 10; ++i) {
    PartitionMutation m;
    m.partition_key = i32(i);
    m.timestamp = 10;
    m.delete_partition = true;
    apply(m);
    put(i32(i), ck(0), 1, "again", 30, 0, true);
  }
  std::vector<Seen> all;
  std::optional<std::string> resume;
  for (int page = 0; page < 100; ++page) {
    auto rows = scan(kMinToken, kMaxToken, resume, 1);
    if (rows.empty()) break;
    all.push_back(rows[0]);
    resume = rows.back().position;
  }
  ASSERT_EQ(all.size(), 20u);
  for (const auto& r : all) EXPECT_NE(r.cells[0].value, "v");
}

TEST_F(StoreTest, ConcurrentReadersAndWritersSeeWholeRows) {
  open(CommitPolicy::kPeriodic);
  std::atomic<bool> stop{false};
  std::atomic<int> torn{0};
  std::thread writer([&] {
    for (int64_t ts = 1; ts <= 2000; ++ts) {
      PartitionMutation m;
      m.table = kTable;
      m.partition_key = "hot";
      m.timestamp = ts;
      RowWrite r;
      r.clustering = ck(1);
      r.row_marker = true;
      // Both cells always carry the same value: a reader must never see them differ.
      r.cells = {CellWrite{1, std::to_string(ts)}, CellWrite{2, std::to_string(ts)}};
      m.rows.push_back(std::move(r));
      ASSERT_TRUE(store_->apply_and_wait({std::move(m)}).is_ok());
    }
    stop = true;
  });
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!stop) {
        auto st =
            store_->read_partition(kTable, "hot", {}, false, std::nullopt, [&](const RowVisit& v) {
              if (v.row->cells.size() != 2 || v.row->cells[0].value != v.row->cells[1].value)
                ++torn;
              return true;
            });
        if (!st.is_ok()) ++torn;
      }
    });
  }
  writer.join();
  for (auto& r : readers) r.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(value_of("hot", ck(1), 1), "2000");
}

TEST_F(StoreTest, ReopenKeepsDataAndMeta) {
  put("k", ck(1), 1, "persisted", 5, 0, true);
  ASSERT_TRUE(store_->put_meta("schema/ks", "v1").is_ok());
  open();
  EXPECT_EQ(value_of("k", ck(1), 1), "persisted");
  auto meta = store_->list_meta("schema/");
  ASSERT_TRUE(meta.is_ok());
  ASSERT_EQ(meta->size(), 1u);
  EXPECT_EQ((*meta)[0].second, "v1");
}

TEST_F(StoreTest, MetaPutListDeleteByPrefix) {
  ASSERT_TRUE(store_->put_meta("t/b", "2").is_ok());
  ASSERT_TRUE(store_->put_meta("t/a", "1").is_ok());
  ASSERT_TRUE(store_->put_meta("u/a", "3").is_ok());
  auto meta = store_->list_meta("t/");
  ASSERT_TRUE(meta.is_ok());
  ASSERT_EQ(meta->size(), 2u);
  EXPECT_EQ((*meta)[0], (std::pair<std::string, std::string>{"t/a", "1"}));
  ASSERT_TRUE(store_->delete_meta("t/a").is_ok());
  EXPECT_EQ(store_->list_meta("t/")->size(), 1u);
  EXPECT_EQ(store_->list_meta("")->size(), 2u);
  put("k", "", 1, "row", 5, 0, true);  // rows are not metadata
  EXPECT_EQ(store_->list_meta("")->size(), 2u);
}

TEST_F(StoreTest, DeleteTableDataRemovesOnlyThatTable) {
  put("k", ck(1), 1, "gone", 5, 0, true);
  PartitionMutation other;
  other.table = kTable + 1;
  other.partition_key = "k";
  other.timestamp = 1;
  other.rows.push_back(RowWrite{"", true, false, {}});
  apply(other);
  ASSERT_TRUE(store_->put_meta("m", "kept").is_ok());
  ASSERT_TRUE(store_->delete_table_data(kTable).is_ok());
  EXPECT_EQ(rows_in("k"), 0u);
  EXPECT_EQ(scan(kMinToken, kMaxToken, std::nullopt, 100, kTable + 1).size(), 1u);
  EXPECT_EQ(store_->list_meta("")->size(), 1u);
  put("k", ck(1), 1, "back", 1, 0, true);  // an old timestamp is not shadowed after truncation
  EXPECT_EQ(value_of("k", ck(1), 1), "back");
}

TEST_F(StoreTest, InvalidMutations) {
  PartitionMutation m;
  m.table = 0;
  m.partition_key = "k";
  EXPECT_EQ(store_->apply_and_wait({m}).code(), util::StatusCode::kInvalidArgument);
  m.table = kTable;
  m.partition_key = "";
  EXPECT_EQ(store_->apply_and_wait({m}).code(), util::StatusCode::kInvalidArgument);
}

TEST_F(StoreTest, CorruptRowValueIsCorruptionStatus) {
  put("k", ck(1), 1, "fine", 5, 0, true);
  ASSERT_TRUE(
      write_raw_for_testing(*store_, row_key_for_testing(kTable, "k", ck(1)), "garbage", true)
          .is_ok());
  auto st = store_->read_partition(kTable, "k", {}, false, std::nullopt,
                                   [](const RowVisit&) { return true; });
  EXPECT_EQ(st.code(), util::StatusCode::kCorruption);
  st = store_->scan(kTable, kMinToken, kMaxToken, std::nullopt,
                    [](const RowVisit&) { return true; });
  EXPECT_EQ(st.code(), util::StatusCode::kCorruption);
  // Other rows and writes keep working, also after a reopen (compaction).
  put("k", ck(2), 1, "ok", 5, 0, true);
  open();
  st = store_->read_partition(kTable, "k", {}, false, std::nullopt,
                              [](const RowVisit&) { return true; });
  EXPECT_EQ(st.code(), util::StatusCode::kCorruption);
}

TEST_F(StoreTest, PutGarbageRowValueIsCorruptionStatus) {
  ASSERT_TRUE(
      write_raw_for_testing(*store_, row_key_for_testing(kTable, "k", ck(1)), "\x01\x02", false)
          .is_ok());
  auto st = store_->read_partition(kTable, "k", {}, false, std::nullopt,
                                   [](const RowVisit&) { return true; });
  EXPECT_EQ(st.code(), util::StatusCode::kCorruption);
}

TEST_F(StoreTest, SecondOpenOfLockedDirIsIoError) {
  auto second = Store::open(dir_);
  ASSERT_FALSE(second.is_ok());
  EXPECT_EQ(second.status().code(), util::StatusCode::kIOError);
  EXPECT_NE(second.status().message().find(dir_), std::string::npos);
}

TEST_F(StoreTest, OpenCreatesMissingParents) {
  const std::string nested = dir_ + "/a/b";
  auto s = Store::open(nested);
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  EXPECT_TRUE(fs::exists(nested));
}

TEST_F(StoreTest, OpenOnAFileIsIoError) {
  const std::string file = dir_ + "/plain_file";
  { std::ofstream(file) << "x"; }
  auto s = Store::open(file + "/db");
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), util::StatusCode::kIOError);
  EXPECT_NE(s.status().message().find(file), std::string::npos);
}

TEST_F(StoreTest, AlwaysPolicyAcknowledgesOnCallingThread) {
  open(CommitPolicy::kAlways);
  bool called = false;
  PartitionMutation m;
  m.table = kTable;
  m.partition_key = "k";
  m.timestamp = 1;
  m.rows.push_back(RowWrite{"", true, false, {}});
  store_->apply({m}, [&](util::Status st) {
    EXPECT_TRUE(st.is_ok());
    called = true;
  });
  EXPECT_TRUE(called);
}

TEST_F(StoreTest, PeriodicPolicyAcknowledgesAtOnce) {
  open(CommitPolicy::kPeriodic);
  bool called = false;
  PartitionMutation m;
  m.table = kTable;
  m.partition_key = "k";
  m.timestamp = 1;
  m.rows.push_back(RowWrite{"", true, false, {}});
  store_->apply({m}, [&](util::Status st) {
    EXPECT_TRUE(st.is_ok());
    called = true;
  });
  EXPECT_TRUE(called);
  EXPECT_EQ(rows_in("k"), 1u);
}

TEST_F(StoreTest, GroupPolicyRunsEveryCallbackFromManyThreads) {
  open(CommitPolicy::kGroup);
  std::atomic<int> acked{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        PartitionMutation m;
        m.table = kTable;
        m.partition_key = i32(t * 1000 + i);
        m.timestamp = 1;
        m.rows.push_back(RowWrite{"", true, false, {}});
        store_->apply({std::move(m)}, [&](util::Status st) { (st.is_ok() ? acked : failed)++; });
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int i = 0; i < 500 && acked.load() < 400; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(acked.load(), 400);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(scan().size(), 400u);
}

TEST_F(StoreTest, GroupPolicyShutdownRunsPendingCallbacks) {
  open(CommitPolicy::kGroup);
  std::atomic<int> acked{0};
  for (int i = 0; i < 100; ++i) {
    PartitionMutation m;
    m.table = kTable;
    m.partition_key = i32(i);
    m.timestamp = 1;
    m.rows.push_back(RowWrite{"", true, false, {}});
    store_->apply({std::move(m)}, [&](util::Status st) { acked += st.is_ok() ? 1 : 0; });
  }
  store_.reset();
  EXPECT_EQ(acked.load(), 100);
  open(CommitPolicy::kGroup);
  EXPECT_EQ(scan().size(), 100u);
}

TEST_F(StoreTest, GroupPolicyCallbackRunsOnSyncThreadWithoutBlockingCaller) {
  open(CommitPolicy::kGroup);
  std::promise<std::thread::id> ran_on;
  PartitionMutation m;
  m.table = kTable;
  m.partition_key = "k";
  m.timestamp = 1;
  m.rows.push_back(RowWrite{"", true, false, {}});
  store_->apply({m}, [&](util::Status st) {
    EXPECT_TRUE(st.is_ok());
    ran_on.set_value(std::this_thread::get_id());
  });
  auto f = ran_on.get_future();
  ASSERT_EQ(f.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_NE(f.get(), std::this_thread::get_id());
}

TEST_F(StoreTest, PeriodicPolicyDataSurvivesReopen) {
  open(CommitPolicy::kPeriodic);
  put("k", ck(1), 1, "kept", 5, 0, true);
  open(CommitPolicy::kPeriodic);
  EXPECT_EQ(value_of("k", ck(1), 1), "kept");
}

TEST_F(StoreTest, GroupPolicyReportsInvalidMutation) {
  open(CommitPolicy::kGroup);
  PartitionMutation m;
  m.table = 0;
  EXPECT_EQ(store_->apply_and_wait({m}).code(), util::StatusCode::kInvalidArgument);
}

TEST_F(StoreTest, PartitionKeysWithZeroBytesStayApart) {
  put(std::string("a\0", 2), "", 1, "1", 5, 0, true);
  put("a", "", 1, "2", 5, 0, true);
  put(std::string("a\0b", 3), "", 1, "3", 5, 0, true);
  EXPECT_EQ(value_of(std::string("a\0", 2), "", 1), "1");
  EXPECT_EQ(value_of("a", "", 1), "2");
  EXPECT_EQ(rows_in(std::string("a\0b", 3)), 1u);
  auto rows = scan();
  ASSERT_EQ(rows.size(), 3u);
}

TEST_F(StoreTest, ManyWritesMergeCorrectlyAfterFlushAndReopen) {
  std::mt19937 rng(7);
  std::map<uint32_t, std::pair<int64_t, std::string>> expect;
  for (int i = 0; i < 300; ++i) {
    const uint32_t col = rng() % 5;
    const int64_t ts = rng() % 100;
    const std::string v = std::to_string(rng() % 1000);
    put("k", "", col, v, ts);
    auto& e = expect[col];
    if (ts > e.first || (ts == e.first && v > e.second) || e.second.empty()) e = {ts, v};
    if (i == 150) open();
  }
  open();
  for (const auto& [col, e] : expect) EXPECT_EQ(value_of("k", "", col), e.second) << col;
}

}  // namespace
}  // namespace medallion::cql

namespace medallion::cql {
namespace {

// The worked example of docs/cql-storage.md.
TEST(StoreLayout, DocumentedRowKey) {
  const std::string c5 =
      *encode_clustering({ClusteringColumn{CqlType::of(TypeId::kInt), true}}, {i32(5)});
  EXPECT_EQ(testing::to_hex(row_key_for_testing(7, i32(1), c5)),
            "44"
            "0000000000000007"
            "478499982ae4e0cf"
            "00ff00ff00ff01"
            "0000"
            "01"
            "7ffffffa");
  auto range = clustering_range({ClusteringColumn{CqlType::of(TypeId::kInt), true}}, {},
                                ClusteringBound{i32(5), false}, std::nullopt);
  ASSERT_TRUE(range.is_ok());
  EXPECT_EQ(range->start, "");
  EXPECT_EQ(testing::to_hex(range->end), "7ffffffa");
}

}  // namespace
}  // namespace medallion::cql
