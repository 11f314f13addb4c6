#include "delta/merge.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "delta/columnar_bridge.h"
#include "delta/snapshot.h"
#include "delta/table_scan.h"
#include "util/civil_time.h"
#include "util/in_memory_file_system.h"

namespace medallion::delta {
namespace {

using columnar::col;
using columnar::DataType;
using columnar::Expr;
using columnar::Function;

constexpr char kRoot[] = "/lake/kv";

// id string, v long, day date (partition column).
columnar::Schema kv_schema() {
  return columnar::Schema({{"id", DataType::kString, false, {}},
                           {"v", DataType::kInt64, true, {}},
                           {"day", DataType::kDate, true, {}}});
}

struct Row {
  std::string id;
  std::optional<int64_t> v;
  std::string day;
};

columnar::RecordBatch batch_of(const std::vector<Row>& rows) {
  columnar::RecordBatch batch(kv_schema());
  for (const Row& r : rows) {
    batch.column(0).append_string(r.id);
    if (r.v) {
      batch.column(1).append_int64(*r.v);
    } else {
      batch.column(1).append_null();
    }
    batch.column(2).append_int32(static_cast<int32_t>(*util::parse_iso_date(r.day)));
  }
  return batch;
}

void create(util::FileSystem& fs) {
  auto r = create_table(fs, kRoot, delta_schema_of(kv_schema()), {"day"}, {});
  ASSERT_TRUE(r.is_ok()) << r.status().message();
}

void append_rows(util::FileSystem& fs, const std::vector<Row>& rows) {
  auto r = append(fs, kRoot, to_row_batch(batch_of(rows)));
  ASSERT_TRUE(r.is_ok()) << r.status().message();
}

// The table's rows as "id=v@day", sorted.
std::vector<std::string> table_rows(util::FileSystem& fs) {
  auto snapshot = load_snapshot(fs, kRoot);
  EXPECT_TRUE(snapshot.is_ok()) << snapshot.status().message();
  auto scan = TableScan::make(snapshot.value());
  EXPECT_TRUE(scan.is_ok());
  std::vector<std::string> out;
  auto status = scan.value().read_all(fs, [&](parquet::RowBatch&& b) {
    auto batch = to_record_batch(scan.value().output_schema(), b);
    EXPECT_TRUE(batch.is_ok());
    const columnar::RecordBatch& rb = batch.value();
    for (size_t i = 0; i < rb.num_rows(); ++i) {
      out.push_back(std::string(rb.column(0).string_at(i)) + "=" +
                    (rb.column(1).is_null(i) ? "null" : std::to_string(rb.column(1).int64_at(i))) +
                    "@" + util::format_iso_date(rb.column(2).int32_at(i)));
    }
    return util::Status::ok();
  });
  EXPECT_TRUE(status.is_ok()) << status.message();
  std::sort(out.begin(), out.end());
  return out;
}

// ON t.id = s.id: update v, insert the rest.
MergeSpec upsert() {
  MergeSpec spec;
  spec.keys = {{"id", "id"}};
  spec.when_matched.push_back({std::nullopt, false, {{"v", col("s.v")}}});
  spec.when_not_matched.push_back({std::nullopt, {}});
  return spec;
}

std::optional<CommitInfo> last_commit_info(util::FileSystem& fs) {
  auto history = read_history(fs, kRoot);
  EXPECT_TRUE(history.is_ok());
  return history.value().back().commit_info;
}

TEST(Merge, UpsertUpdatesMatchedAndInsertsTheRest) {
  util::InMemoryFileSystem fs;
  create(fs);
  append_rows(fs, {{"a", 1, "2024-01-01"}, {"b", 2, "2024-01-01"}, {"c", 3, "2024-01-02"}});
  auto r = merge(fs, kRoot, batch_of({{"b", 20, "2024-01-01"}, {"d", 4, "2024-01-03"}}), upsert());
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_TRUE(r.value().committed);
  EXPECT_EQ(r.value().version, 2);
  EXPECT_EQ(r.value().rows_updated, 1);
  EXPECT_EQ(r.value().rows_inserted, 1);
  EXPECT_EQ(r.value().rows_copied, 1);  // a, in b's file
  EXPECT_EQ(r.value().files_removed, 1);
  EXPECT_EQ(table_rows(fs), (std::vector<std::string>{"a=1@2024-01-01", "b=20@2024-01-01",
                                                      "c=3@2024-01-02", "d=4@2024-01-03"}));
  auto info = last_commit_info(fs);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->operation, "MERGE");
}

TEST(Merge, CommitInfoCarriesSparkMetrics) {
  util::InMemoryFileSystem fs;
  create(fs);
  append_rows(fs, {{"a", 1, "2024-01-01"}});
  ASSERT_TRUE(merge(fs, kRoot, batch_of({{"a", 5, "2024-01-01"}, {"z", 9, "2024-01-01"}}),
                    upsert())
                  .is_ok());
  auto history = read_history(fs, kRoot);
  ASSERT_TRUE(history.is_ok());
  const std::string& raw = history.value().back().commit_info->json;
  for (const char* metric : {"\"numSourceRows\":\"2\"", "\"numTargetRowsInserted\":\"1\"",
                             "\"numTargetRowsUpdated\":\"1\"", "\"numTargetRowsDeleted\":\"0\"",
                             "\"numTargetFilesRemoved\":\"1\"", "\"operation\":\"MERGE\""}) {
    EXPECT_NE(raw.find(metric), std::string::npos) << metric << " in " << raw;
  }
  EXPECT_NE(raw.find("(t.id = s.id)"), std::string::npos) << raw;
}

TEST(Merge, OnlyFilesHoldingMatchedKeysAreRewritten) {
  util::InMemoryFileSystem fs;
  create(fs);
  append_rows(fs, {{"a", 1, "2024-01-01"}});
  append_rows(fs, {{"b", 2, "2024-01-01"}});
  append_rows(fs, {{"c", 3, "2024-01-01"}});
  auto r = merge(fs, kRoot, batch_of({{"b", 22, "2024-01-01"}}), upsert());
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r.value().files_total, 3);
  EXPECT_EQ(r.value().files_removed, 1);
  EXPECT_EQ(r.value().files_added, 1);
  EXPECT_EQ(r.value().rows_copied, 0);
  EXPECT_EQ(table_rows(fs), (std::vector<std::string>{"a=1@2024-01-01", "b=22@2024-01-01",
                                                      "c=3@2024-01-01"}));
}

TEST(Merge, PartitionKeyPrunesFilesExactly) {
  util::InMemoryFileSystem fs;
  create(fs);
  append_rows(fs, {{"a", 1, "2024-01-01"}, {"a", 2, "2024-01-02"}, {"a", 3, "2024-01-03"}});
  MergeSpec spec = upsert();
  spec.keys.push_back({"day", "day"});
  auto r = merge(fs, kRoot, batch_of({{"a", 30, "2024-01-03"}, {"a", 10, "2024-01-01"}}), spec);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r.value().files_total, 3);
  EXPECT_EQ(r.value().files_scanned, 2);
  EXPECT_EQ(r.value().rows_updated, 2);
  EXPECT_EQ(table_rows(fs), (std::vector<std::string>{"a=10@2024-01-01", "a=2@2024-01-02",
                                                      "a=30@2024-01-03"}));
}

TEST(Merge, ExtraConditionPrunesAndRestrictsMatches) {
  util::InMemoryFileSystem fs;
  create(fs);
  append_rows(fs, {{"a", 1, "2024-01-01"}});
  append_rows(fs, {{"b", 2, "2024-01-05"}});
  // As the original job: s.day >= t.day. b's target row is later than the
  // source row, so it does not match and the source row is inserted.
  MergeSpec spec = upsert();
  spec.condition = columnar::ge(col("s.day"), col("t.day"));
  auto r = merge(fs, kRoot, batch_of({{"a", 10, "2024-01-02"}, {"b", 20, "2024-01-02"}}), spec);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r.value().files_scanned, 1);  // 2024-01-05 > max(s.day)
  EXPECT_EQ(r.value().rows_updated, 1);
  EXPECT_EQ(r.value().rows_inserted, 1);
  EXPECT_EQ(table_rows(fs), (std::vector<std::string>{"a=10@2024-01-01", "b=20@2024-01-02",
                                                      "b=2@2024-01-05"}));
}

TEST(Merge, ConditionWithLiteralPrunes) {
  util::InMemoryFileSystem fs;
  create(fs);
  append_rows(fs, {{"a", 1, "2024-01-01"}});
  append_rows(fs, {{"a", 2, "2024-01-09"}});
  MergeSpec spec = upsert();
  spec.condition = columnar::gt(col("t.day"), Expr::date(*util::parse_iso_date("2024-01-05")));
  auto r = merge(fs, kRoot, batch_of({{"a", 7, "2024-01-09"}}), spec);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r.value().files_scanned, 1);
  EXPECT_EQ(table_rows(fs), (std::vector<std::string>{"a=1@2024-01-01", "a=7@2024-01-09"}));
}

TEST(Merge, KeyStatisticsPruneFiles) {
  util::InMemoryFileSystem fs;
  create(fs);
  append_rows(fs, {{"a1", 1, "2024-01-01"}, {"a9", 1, "2024-01-01"}});
  append_rows(fs, {{"m1", 1, "2024-01-01"}, {"m9", 1, "2024-01-01"}});
  auto r = merge(fs, kRoot, batch_of({{"m5", 5, "2024-01-01"}}), upsert());
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r.value().files_scanned, 1);  // a1..a9 lies outside [m5, m5]
  EXPECT_EQ(r.value().rows_inserted, 1);
  EXPECT_EQ(r.value().files_removed, 0);
}

TEST(Merge, TwoSourceRowsMatchingOneTargetRowIsAnError) {
  util::InMemoryFileSystem fs;
  create(fs);
  append_rows(fs, {{"a", 1, "2024-01-01"}});
  auto r = merge(fs, kRoot, batch_of({{"a", 2, "2024-01-01"}, {"a", 3, "2024-01-01"}}), upsert());
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("id=a"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("deduplicate"), std::string::npos);
  EXPECT_EQ(table_rows(fs), (std::vector<std::string>{"a=1@2024-01-01"}));
}

TEST(Merge, InsertOnlyMergeSkipsExistingKeysAndRewritesNothing) {
  util::InMemoryFileSystem fs;
  create(fs);
  append_rows(fs, {{"a", 1, "2024-01-01"}});
  MergeSpec spec;
  spec.keys = {{"id", "id"}};
  spec.when_not_matched.push_back({std::nullopt, {}});
  // Duplicate source keys are fine without WHEN MATCHED clauses.
  auto r = merge(fs, kRoot,
                 batch_of({{"a", 9, "2024-01-01"}, {"a", 9, "2024-01-01"}, {"b", 2, "2024-01-01"}}),
                 spec);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r.value().rows_inserted, 1);
  EXPECT_EQ(r.value().files_removed, 0);
  // Reloading the same source adds nothing and writes no commit.
  auto again = merge(fs, kRoot, batch_of({{"a", 9, "2024-01-01"}, {"b", 2, "2024-01-01"}}), spec);
  ASSERT_TRUE(again.is_ok());
  EXPECT_FALSE(again.value().committed);
  EXPECT_EQ(again.value().version, r.value().version);
  EXPECT_EQ(table_rows(fs), (std::vector<std::string>{"a=1@2024-01-01", "b=2@2024-01-01"}));
}

TEST(Merge, ClausesApplyInOrderWithConditionsAndDelete) {
  util::InMemoryFileSystem fs;
  create(fs);
  append_rows(fs, {{"a", 1, "2024-01-01"}, {"b", 2, "2024-01-01"}, {"c", 3, "2024-01-01"}});
  MergeSpec spec;
  spec.keys = {{"id", "id"}};
  // Delete when the source value is null, else update when it grows; a
  // source row that does neither leaves the target row as it was.
  spec.when_matched.push_back({columnar::is_null(col("s.v")), true, {}});
  spec.when_matched.push_back(
      {columnar::gt(col("s.v"), col("t.v")),
       false,
       {{"v", Expr::call(Function::kGreatest, {col("s.v"), col("t.v")})}}});
  spec.when_not_matched.push_back(
      {columnar::is_not_null(col("s.v")),
       {{"id", col("s.id")}, {"day", col("s.day")}}});  // v left null
  auto r = merge(fs, kRoot,
                 batch_of({{"a", std::nullopt, "2024-01-01"},
                           {"b", 1, "2024-01-01"},
                           {"c", 30, "2024-01-01"},
                           {"x", 5, "2024-01-02"},
                           {"y", std::nullopt, "2024-01-02"}}),
                 spec);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r.value().rows_deleted, 1);
  EXPECT_EQ(r.value().rows_updated, 1);
  EXPECT_EQ(r.value().rows_copied, 1);  // b: matched, no clause applied
  EXPECT_EQ(r.value().rows_inserted, 1);
  EXPECT_EQ(table_rows(fs), (std::vector<std::string>{"b=2@2024-01-01", "c=30@2024-01-01",
                                                      "x=null@2024-01-02"}));
}

TEST(Merge, UpdatedRowMovesToItsNewPartition) {
  util::InMemoryFileSystem fs;
  create(fs);
  append_rows(fs, {{"a", 1, "2024-01-05"}, {"b", 2, "2024-01-05"}});
  MergeSpec spec = upsert();
  spec.when_matched[0].set.push_back({"day", col("s.day")});
  auto r = merge(fs, kRoot, batch_of({{"a", 1, "2024-01-01"}}), spec);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(table_rows(fs), (std::vector<std::string>{"a=1@2024-01-01", "b=2@2024-01-05"}));
  auto snapshot = load_snapshot(fs, kRoot);
  ASSERT_TRUE(snapshot.is_ok());
  EXPECT_EQ(snapshot.value().files.size(), 2u);  // one per partition
}

TEST(Merge, NullKeysNeverMatch) {
  util::InMemoryFileSystem fs;
  auto created = create_table(fs, kRoot,
                              delta_schema_of(columnar::Schema({{"k", DataType::kInt64, true, {}},
                                                                {"v", DataType::kInt64, true, {}}})),
                              {}, {});
  ASSERT_TRUE(created.is_ok());
  columnar::RecordBatch rows(columnar::Schema({{"k", DataType::kInt64, true, {}},
                                               {"v", DataType::kInt64, true, {}}}));
  rows.column(0).append_null();
  rows.column(1).append_int64(1);
  ASSERT_TRUE(append(fs, kRoot, to_row_batch(rows)).is_ok());
  MergeSpec spec;
  spec.keys = {{"k", "k"}};
  spec.when_matched.push_back({std::nullopt, true, {}});
  spec.when_not_matched.push_back({std::nullopt, {}});
  auto r = merge(fs, kRoot, rows, spec);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r.value().rows_deleted, 0);
  EXPECT_EQ(r.value().rows_inserted, 1);
}

TEST(Merge, IdempotentMergeIsSkippedOnReplay) {
  util::InMemoryFileSystem fs;
  create(fs);
  WriteOptions options;
  options.app_id = "stream-1";
  options.app_version = 7;
  auto first = merge(fs, kRoot, batch_of({{"a", 1, "2024-01-01"}}), upsert(), options);
  ASSERT_TRUE(first.is_ok()) << first.status().message();
  EXPECT_FALSE(first.value().skipped);
  auto replay = merge(fs, kRoot, batch_of({{"a", 1, "2024-01-01"}}), upsert(), options);
  ASSERT_TRUE(replay.is_ok());
  EXPECT_TRUE(replay.value().skipped);
  EXPECT_EQ(replay.value().version, first.value().version);
  auto snapshot = load_snapshot(fs, kRoot);
  ASSERT_TRUE(snapshot.is_ok());
  EXPECT_EQ(snapshot.value().txn_version("stream-1"), 7);
}

TEST(Merge, EmptySourceWritesNothing) {
  util::InMemoryFileSystem fs;
  create(fs);
  append_rows(fs, {{"a", 1, "2024-01-01"}});
  auto r = merge(fs, kRoot, batch_of({}), upsert());
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_FALSE(r.value().committed);
  EXPECT_EQ(r.value().version, 1);
  EXPECT_EQ(r.value().files_scanned, 0);
}

TEST(Merge, SpecErrorsNameTheProblem) {
  util::InMemoryFileSystem fs;
  create(fs);
  auto expect_error = [&](MergeSpec spec, const std::string& needle) {
    auto r = merge(fs, kRoot, batch_of({{"a", 1, "2024-01-01"}}), spec);
    ASSERT_FALSE(r.is_ok()) << needle;
    EXPECT_EQ(r.status().code(), util::StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().message();
  };
  MergeSpec no_keys = upsert();
  no_keys.keys.clear();
  expect_error(no_keys, "at least one key");
  MergeSpec bad_key = upsert();
  bad_key.keys = {{"nope", "id"}};
  expect_error(bad_key, "'nope'");
  MergeSpec mixed = upsert();
  mixed.keys = {{"id", "v"}};
  expect_error(mixed, "one type");
  MergeSpec bad_set = upsert();
  bad_set.when_matched[0].set = {{"v", col("s.id")}};
  expect_error(bad_set, "gives v (long) a string value");
  MergeSpec bad_column = upsert();
  bad_column.when_matched[0].set = {{"v", col("s.missing")}};
  expect_error(bad_column, "'s.missing'");
  MergeSpec not_bool = upsert();
  not_bool.condition = col("t.v");
  expect_error(not_bool, "boolean");
}

TEST(Merge, NonNullableColumnLeftNullIsRefused) {
  util::InMemoryFileSystem fs;
  create(fs);
  MergeSpec spec;
  spec.keys = {{"id", "id"}};
  spec.when_not_matched.push_back({std::nullopt, {{"v", col("s.v")}}});  // id left null
  auto r = merge(fs, kRoot, batch_of({{"a", 1, "2024-01-01"}}), spec);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("non-nullable column 'id'"), std::string::npos)
      << r.status().message();
}

}  // namespace
}  // namespace medallion::delta
