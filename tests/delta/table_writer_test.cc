#include "delta/table_writer.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "delta/checkpoint_reader.h"
#include "delta/log_format.h"
#include "delta/snapshot.h"
#include "delta/table_scan.h"
#include "formats/parquet/value_json.h"
#include "util/civil_time.h"
#include "util/in_memory_file_system.h"

namespace medallion::delta {
namespace {

constexpr char kRoot[] = "/lake/events";

Schema events_schema() {
  auto s = parse_schema(
      R"({"type":"struct","fields":[{"name":"id","type":"long","nullable":false,"metadata":{}},)"
      R"({"name":"name","type":"string","nullable":true,"metadata":{}},)"
      R"({"name":"day","type":"date","nullable":true,"metadata":{}}]})");
  EXPECT_TRUE(s.is_ok());
  return s.value();
}

struct Row {
  int64_t id;
  std::string name;
  std::string day;  // YYYY-MM-DD
};

// Rows in canonical storage over to_parquet_schema(events_schema()).
parquet::RowBatch batch_of(const std::vector<Row>& rows) {
  parquet::RowBatch b;
  b.num_rows = rows.size();
  b.fields = {0, 1, 2};
  parquet::ValueArray id, name, day;
  id.values = parquet::LeafValues(parquet::Type::kInt64);
  name.values = parquet::LeafValues(parquet::Type::kByteArray);
  day.values = parquet::LeafValues(parquet::Type::kInt32);
  for (const Row& r : rows) {
    id.values.i64.push_back(r.id);
    name.values.bytes.append(r.name);
    day.values.i32.push_back(static_cast<int32_t>(*util::parse_iso_date(r.day)));
  }
  id.length = name.length = day.length = rows.size();
  b.columns = {std::move(id), std::move(name), std::move(day)};
  return b;
}

std::vector<int64_t> ids(util::FileSystem& fs, std::optional<int64_t> version = std::nullopt) {
  auto snapshot = load_snapshot(fs, kRoot, version);
  EXPECT_TRUE(snapshot.is_ok()) << snapshot.status().message();
  auto scan = TableScan::make(snapshot.value());
  EXPECT_TRUE(scan.is_ok());
  std::vector<int64_t> out;
  auto status = scan.value().read_all(fs, [&](parquet::RowBatch&& b) {
    for (size_t i = 0; i < b.num_rows; ++i) out.push_back(b.columns[0].values.i64[i]);
    return util::Status::ok();
  });
  EXPECT_TRUE(status.is_ok()) << status.message();
  std::sort(out.begin(), out.end());
  return out;
}

ColumnPredicate day_is(const std::string& day) {
  return ColumnPredicate{"day", CompareOp::kEq, Scalar::of_date(*util::parse_iso_date(day))};
}

void create(util::FileSystem& fs, std::map<std::string, std::string> configuration = {}) {
  auto r = create_table(fs, kRoot, events_schema(), {"day"}, configuration);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
}

TEST(TableWriter, AppendThenReadBack) {
  util::InMemoryFileSystem fs;
  create(fs);
  auto r = append(fs, kRoot, batch_of({{1, "a", "2024-01-01"}, {2, "b", "2024-01-02"}}));
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r.value().version, 1);
  EXPECT_EQ(r.value().files_added, 2);
  EXPECT_EQ(ids(fs), (std::vector<int64_t>{1, 2}));
  auto s = load_snapshot(fs, kRoot);
  ASSERT_TRUE(s.is_ok());
  for (const AddFile& f : s.value().files) {
    EXPECT_EQ(f.path.rfind("day=2024-01-0", 0), 0u) << f.path;
    ASSERT_TRUE(f.stats.has_value());
    EXPECT_NE(f.stats->find("\"numRecords\":1"), std::string::npos) << *f.stats;
  }
}

TEST(TableWriter, IdempotentAppendIsSkippedOnReplay) {
  util::InMemoryFileSystem fs;
  create(fs);
  WriteOptions options;
  options.app_id = "stream-1";
  options.app_version = 0;
  ASSERT_TRUE(append(fs, kRoot, batch_of({{1, "a", "2024-01-01"}}), options).is_ok());
  auto replay = append(fs, kRoot, batch_of({{1, "a", "2024-01-01"}}), options);
  ASSERT_TRUE(replay.is_ok());
  EXPECT_TRUE(replay.value().skipped);
  options.app_version = 1;
  ASSERT_FALSE(append(fs, kRoot, batch_of({{2, "b", "2024-01-01"}}), options).value().skipped);
  EXPECT_EQ(ids(fs), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(load_snapshot(fs, kRoot).value().txn_version("stream-1"), 1);
}

TEST(TableWriter, OverwriteReplacesEverything) {
  util::InMemoryFileSystem fs;
  create(fs);
  ASSERT_TRUE(append(fs, kRoot, batch_of({{1, "a", "2024-01-01"}, {2, "b", "2024-01-02"}})).is_ok());
  auto r = overwrite(fs, kRoot, batch_of({{3, "c", "2024-01-03"}}), {});
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r.value().files_removed, 2);
  EXPECT_EQ(r.value().rows_removed, 2);
  EXPECT_EQ(ids(fs), (std::vector<int64_t>{3}));
  EXPECT_EQ(ids(fs, 1), (std::vector<int64_t>{1, 2})) << "time travel still sees the old rows";
}

TEST(TableWriter, ReplaceWhereTouchesOnlyItsPartition) {
  util::InMemoryFileSystem fs;
  create(fs);
  ASSERT_TRUE(append(fs, kRoot, batch_of({{1, "a", "2024-01-01"}, {2, "b", "2024-01-02"}})).is_ok());
  auto r = overwrite(fs, kRoot, batch_of({{5, "e", "2024-01-01"}}), {day_is("2024-01-01")});
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r.value().files_removed, 1);
  EXPECT_EQ(ids(fs), (std::vector<int64_t>{2, 5}));
}

TEST(TableWriter, ReplaceWhereRefusesRowsOutsideIt) {
  util::InMemoryFileSystem fs;
  create(fs);
  ASSERT_TRUE(append(fs, kRoot, batch_of({{1, "a", "2024-01-01"}})).is_ok());
  auto r = overwrite(fs, kRoot, batch_of({{5, "e", "2024-01-09"}}), {day_is("2024-01-01")});
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kInvalidArgument);
  EXPECT_EQ(ids(fs), (std::vector<int64_t>{1}));
}

TEST(TableWriter, PredicateOnADataColumnIsRefused) {
  util::InMemoryFileSystem fs;
  create(fs);
  auto r = delete_where(fs, kRoot, {ColumnPredicate{"id", CompareOp::kEq, Scalar::of_long(1)}});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("only partition columns"), std::string::npos);
}

TEST(TableWriter, DeleteByPartition) {
  util::InMemoryFileSystem fs;
  create(fs);
  ASSERT_TRUE(append(fs, kRoot, batch_of({{1, "a", "2024-01-01"}, {2, "b", "2024-01-02"},
                                          {3, "c", "2024-01-02"}}))
                  .is_ok());
  auto r = delete_where(fs, kRoot, {day_is("2024-01-02")});
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r.value().rows_removed, 2);
  EXPECT_EQ(ids(fs), (std::vector<int64_t>{1}));
}

TEST(TableWriter, CheckpointEveryTenCommits) {
  util::InMemoryFileSystem fs;
  create(fs);
  for (int i = 1; i <= 10; ++i) {
    ASSERT_TRUE(append(fs, kRoot, batch_of({{i, "x", "2024-01-01"}})).is_ok());
  }
  auto names = fs.list_dir(std::string(kRoot) + "/_delta_log");
  ASSERT_TRUE(names.is_ok());
  EXPECT_NE(std::find(names.value().begin(), names.value().end(), classic_checkpoint_file_name(10)),
            names.value().end());
  EXPECT_NE(std::find(names.value().begin(), names.value().end(), "_last_checkpoint"),
            names.value().end());
}

TEST(TableWriter, CheckpointIntervalIsATableProperty) {
  util::InMemoryFileSystem fs;
  create(fs, {{"delta.checkpointInterval", "3"}});
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(append(fs, kRoot, batch_of({{i, "x", "2024-01-01"}})).is_ok());
  }
  EXPECT_TRUE(fs.exists(std::string(kRoot) + "/_delta_log/" + classic_checkpoint_file_name(3)).value());
}

// After 25 commits (appends, an overwrite, deletes, idempotent writes), the
// snapshot built from our checkpoint plus the later JSON commits equals the
// one built by replaying every JSON commit.
TEST(TableWriter, CheckpointPlusCommitsEqualsFullReplay) {
  util::InMemoryFileSystem fs;
  create(fs);
  for (int i = 1; i <= 25; ++i) {
    std::string day = "2024-01-0" + std::to_string(1 + i % 5);
    WriteOptions options;
    options.app_id = "app-" + std::to_string(i % 3);
    options.app_version = i;
    if (i == 12) {
      ASSERT_TRUE(overwrite(fs, kRoot, batch_of({{i, "o", day}}), {day_is(day)}, options).is_ok());
    } else if (i == 17) {
      ASSERT_TRUE(delete_where(fs, kRoot, {day_is("2024-01-03")}, options).is_ok());
    } else {
      ASSERT_TRUE(append(fs, kRoot, batch_of({{i, "r", day}, {100 + i, "s", day}}), options).is_ok());
    }
  }
  auto with_checkpoint = load_snapshot(fs, kRoot);
  ASSERT_TRUE(with_checkpoint.is_ok());
  EXPECT_EQ(with_checkpoint.value().version, 25);
  // Drop the checkpoints: now every version replays from JSON alone.
  for (int64_t v : {10, 20}) {
    ASSERT_TRUE(fs.remove_file(std::string(kRoot) + "/_delta_log/" + classic_checkpoint_file_name(v)).is_ok());
  }
  auto replayed = load_snapshot(fs, kRoot);
  ASSERT_TRUE(replayed.is_ok());
  const Snapshot& a = with_checkpoint.value();
  const Snapshot& b = replayed.value();
  EXPECT_EQ(a.protocol, b.protocol);
  EXPECT_EQ(a.metadata, b.metadata);
  EXPECT_EQ(a.files, b.files);
  EXPECT_EQ(a.txns, b.txns);
  ASSERT_EQ(a.tombstones.size(), b.tombstones.size());
  for (size_t i = 0; i < a.tombstones.size(); ++i) {
    EXPECT_EQ(a.tombstones[i].path, b.tombstones[i].path);
    EXPECT_EQ(a.tombstones[i].deletion_timestamp, b.tombstones[i].deletion_timestamp);
  }
}

}  // namespace
}  // namespace medallion::delta
