#include "delta/optimize.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "delta/action_json.h"
#include "delta/log_format.h"
#include "delta/snapshot.h"
#include "delta/table_scan.h"
#include "delta/table_writer.h"
#include "formats/parquet/value_json.h"
#include "util/in_memory_file_system.h"

namespace medallion::delta {
namespace {

constexpr char kRoot[] = "/lake/opt";
constexpr int64_t kNow = 1700000000000;

using parquet::ValueArray;
using parquet::ValueKind;

Field field(std::string name, TypeKind kind) {
  Field f;
  f.name = std::move(name);
  f.type = DataType::primitive(kind);
  return f;
}

// (id long, name string, tags array<string>, day string)
Schema table_schema() {
  Schema s;
  Field tags;
  tags.name = "tags";
  tags.type = DataType::array_of(DataType::primitive(TypeKind::kString));
  s.fields = {field("id", TypeKind::kLong), field("name", TypeKind::kString), tags,
              field("day", TypeKind::kString)};
  return s;
}

ValueArray strings(const std::vector<std::optional<std::string>>& values) {
  ValueArray a;
  a.length = values.size();
  a.values = parquet::LeafValues(parquet::Type::kByteArray);
  for (const auto& v : values) {
    a.validity.push_back(v ? 1 : 0);
    a.values.bytes.append(v.value_or(""));
  }
  return a;
}

// Rows first_id .. first_id + n - 1 of one day; every third name is null,
// row i has i % 3 tags.
parquet::RowBatch rows(int64_t first_id, size_t n, const std::string& day) {
  parquet::RowBatch b;
  b.num_rows = n;
  ValueArray id;
  id.length = n;
  id.values = parquet::LeafValues(parquet::Type::kInt64);
  std::vector<std::optional<std::string>> names;
  ValueArray tags;
  tags.kind = ValueKind::kList;
  tags.length = n;
  tags.offsets = {0};
  std::vector<std::optional<std::string>> tag_values;
  for (size_t i = 0; i < n; ++i) {
    const int64_t v = first_id + static_cast<int64_t>(i);
    id.values.i64.push_back(v);
    names.push_back(v % 3 == 0 ? std::nullopt : std::optional<std::string>("n" + std::to_string(v)));
    for (int64_t t = 0; t < v % 3; ++t) tag_values.push_back("t" + std::to_string(t));
    tags.offsets.push_back(static_cast<int64_t>(tag_values.size()));
  }
  tags.children = {strings(tag_values)};
  std::vector<std::optional<std::string>> days(n, day);
  b.columns = {std::move(id), strings(names), std::move(tags), strings(days)};
  b.fields = {0, 1, 2, 3};
  return b;
}

WriteOptions at_now() {
  WriteOptions w;
  w.now_ms = kNow;
  return w;
}

void make_table(util::FileSystem& fs, std::vector<std::string> partition_columns = {}) {
  auto r = create_table(fs, kRoot, table_schema(), partition_columns, {}, at_now());
  ASSERT_TRUE(r.is_ok()) << r.status().message();
}

void append_rows(util::FileSystem& fs, int64_t first_id, size_t n,
                 const std::string& day = "2024-01-01") {
  auto r = append(fs, kRoot, rows(first_id, n, day), at_now());
  ASSERT_TRUE(r.is_ok()) << r.status().message();
}

Snapshot load(util::FileSystem& fs) {
  auto s = load_snapshot(fs, kRoot);
  EXPECT_TRUE(s.is_ok()) << s.status().message();
  return std::move(s).value();
}

// Every row of the table as JSON lines, sorted.
std::vector<std::string> table_rows(util::FileSystem& fs) {
  Snapshot s = load(fs);
  auto scan = TableScan::make(s);
  EXPECT_TRUE(scan.is_ok()) << scan.status().message();
  std::string text;
  util::Status st = scan.value().read_all(fs, [&](parquet::RowBatch&& batch) {
    parquet::append_rows_jsonl(scan.value().output_tree(), batch, &text);
    return util::Status::ok();
  });
  EXPECT_TRUE(st.is_ok()) << st.message();
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  return lines;
}

OptimizeOptions options_at_now() {
  OptimizeOptions o;
  o.write.now_ms = kNow + 1000;
  return o;
}

OptimizeResult run(util::FileSystem& fs, const OptimizeOptions& options = options_at_now()) {
  auto r = optimize(fs, kRoot, options);
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  return r.is_ok() ? r.value() : OptimizeResult{};
}

std::vector<Action> commit_actions(util::FileSystem& fs, int64_t version) {
  auto text = fs.read_file(std::string(kRoot) + "/_delta_log/" + commit_file_name(version));
  EXPECT_TRUE(text.is_ok()) << text.status().message();
  auto actions = parse_actions(text.value(), "commit");
  EXPECT_TRUE(actions.is_ok()) << actions.status().message();
  return actions.is_ok() ? std::move(actions).value() : std::vector<Action>{};
}

std::vector<std::string> paths_of(const Snapshot& s) {
  std::vector<std::string> paths;
  for (const AddFile& add : s.files) paths.push_back(add.path);
  return paths;
}

TEST(Optimize, SmallAppendsBecomeOneFileWithTheSameRows) {
  util::InMemoryFileSystem fs;
  make_table(fs);
  for (int i = 0; i < 10; ++i) append_rows(fs, i * 7, 7);
  const std::vector<std::string> before = table_rows(fs);
  ASSERT_EQ(before.size(), 70u);
  ASSERT_EQ(load(fs).files.size(), 10u);
  OptimizeResult r = run(fs);
  EXPECT_EQ(r.version, 11);
  EXPECT_EQ(r.files_removed, 10);
  EXPECT_EQ(r.files_added, 1);
  EXPECT_EQ(r.partitions_optimized, 1);
  EXPECT_GT(r.bytes_removed, 0);
  EXPECT_GT(r.bytes_added, 0);
  Snapshot after = load(fs);
  EXPECT_EQ(after.version, 11);
  ASSERT_EQ(after.files.size(), 1u);
  EXPECT_EQ(after.files[0].size, r.bytes_added);
  EXPECT_EQ(table_rows(fs), before);
}

TEST(Optimize, CommitIsOptimizeWithoutDataChange) {
  util::InMemoryFileSystem fs;
  make_table(fs);
  for (int i = 0; i < 3; ++i) append_rows(fs, i * 5, 5);
  OptimizeResult r = run(fs);
  ASSERT_EQ(r.version, 4);
  int adds = 0, removes = 0;
  const CommitInfo* info = nullptr;
  const std::vector<Action> actions = commit_actions(fs, 4);
  for (const Action& action : actions) {
    if (const auto* a = std::get_if<AddFile>(&action)) {
      ++adds;
      EXPECT_FALSE(a->data_change);
      EXPECT_TRUE(a->stats.has_value());
    }
    if (const auto* rm = std::get_if<RemoveFile>(&action)) {
      ++removes;
      EXPECT_FALSE(rm->data_change);
      EXPECT_EQ(rm->deletion_timestamp, kNow + 1000);
    }
    if (const auto* c = std::get_if<CommitInfo>(&action)) info = c;
  }
  EXPECT_EQ(adds, 1);
  EXPECT_EQ(removes, 3);
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->operation, "OPTIMIZE");
  EXPECT_NE(info->json.find(R"("predicate":"[]")"), std::string::npos) << info->json;
  EXPECT_NE(info->json.find(R"("zOrderBy":"[]")"), std::string::npos) << info->json;
  EXPECT_NE(info->json.find(R"("numRemovedFiles":"3")"), std::string::npos) << info->json;
  EXPECT_NE(info->json.find(R"("numAddedFiles":"1")"), std::string::npos) << info->json;
  EXPECT_NE(info->json.find(R"("numRemovedBytes":")" + std::to_string(r.bytes_removed) + "\""),
            std::string::npos)
      << info->json;
  EXPECT_NE(info->json.find(R"("numAddedBytes":")" + std::to_string(r.bytes_added) + "\""),
            std::string::npos)
      << info->json;
}

TEST(Optimize, RunningAgainDoesNothing) {
  util::InMemoryFileSystem fs;
  make_table(fs);
  for (int i = 0; i < 4; ++i) append_rows(fs, i * 5, 5);
  ASSERT_EQ(run(fs).version, 5);
  OptimizeResult again = run(fs);
  EXPECT_EQ(again.version, -1);
  EXPECT_EQ(again.files_removed, 0);
  EXPECT_EQ(load(fs).version, 5);
}

TEST(Optimize, EmptyTableDoesNothing) {
  util::InMemoryFileSystem fs;
  make_table(fs);
  EXPECT_EQ(run(fs).version, -1);
}

TEST(Optimize, OnlyPartitionsWithTwoSmallFilesAreRewritten) {
  util::InMemoryFileSystem fs;
  make_table(fs, {"day"});
  append_rows(fs, 0, 4, "2024-01-01");
  append_rows(fs, 10, 4, "2024-01-01");
  append_rows(fs, 20, 4, "2024-01-01");
  append_rows(fs, 30, 4, "2024-01-02");  // alone in its partition
  const std::vector<std::string> before = table_rows(fs);
  std::string lone;
  for (const AddFile& add : load(fs).files) {
    if (add.partition_values.at("day") == "2024-01-02") lone = add.path;
  }
  OptimizeResult r = run(fs);
  EXPECT_EQ(r.version, 5);
  EXPECT_EQ(r.partitions_optimized, 1);
  EXPECT_EQ(r.files_removed, 3);
  EXPECT_EQ(r.files_added, 1);
  Snapshot after = load(fs);
  ASSERT_EQ(after.files.size(), 2u);
  const std::vector<std::string> paths = paths_of(after);
  EXPECT_NE(std::find(paths.begin(), paths.end(), lone), paths.end());
  for (const AddFile& add : after.files) {
    if (add.path != lone) {
      EXPECT_EQ(add.partition_values.at("day"), "2024-01-01");
      EXPECT_EQ(add.path.rfind("day=2024-01-01/", 0), 0u) << add.path;
    }
  }
  EXPECT_EQ(table_rows(fs), before);
}

TEST(Optimize, MinFilesLeavesPartitionsWithFewerAlone) {
  util::InMemoryFileSystem fs;
  make_table(fs);
  for (int i = 0; i < 3; ++i) append_rows(fs, i * 5, 5);
  OptimizeOptions options = options_at_now();
  options.min_files = 4;
  EXPECT_EQ(run(fs, options).version, -1);
  options.min_files = 3;
  EXPECT_EQ(run(fs, options).version, 4);
}

TEST(Optimize, WherePredicateLimitsToOnePartition) {
  util::InMemoryFileSystem fs;
  make_table(fs, {"day"});
  for (int i = 0; i < 3; ++i) append_rows(fs, i * 10, 3, "2024-01-01");
  for (int i = 0; i < 3; ++i) append_rows(fs, 100 + i * 10, 3, "2024-01-02");
  const std::vector<std::string> before = table_rows(fs);
  OptimizeOptions options = options_at_now();
  options.where = {ColumnPredicate{"day", CompareOp::kEq, Scalar::of_string("2024-01-02")}};
  OptimizeResult r = run(fs, options);
  EXPECT_EQ(r.version, 7);
  EXPECT_EQ(r.files_removed, 3);
  EXPECT_EQ(r.partitions_optimized, 1);
  Snapshot after = load(fs);
  int day1 = 0, day2 = 0;
  for (const AddFile& add : after.files) {
    (add.partition_values.at("day") == "2024-01-01" ? day1 : day2)++;
  }
  EXPECT_EQ(day1, 3);
  EXPECT_EQ(day2, 1);
  EXPECT_EQ(table_rows(fs), before);
  bool found = false;
  for (const Action& action : commit_actions(fs, 7)) {
    if (const auto* c = std::get_if<CommitInfo>(&action)) {
      found = true;
      EXPECT_NE(c->json.find(R"("predicate":"[\"day = '2024-01-02'\"]")"), std::string::npos)
          << c->json;
    }
  }
  EXPECT_TRUE(found);
}

TEST(Optimize, PredicateOnDataColumnIsRefused) {
  util::InMemoryFileSystem fs;
  make_table(fs, {"day"});
  OptimizeOptions options = options_at_now();
  options.where = {ColumnPredicate{"id", CompareOp::kEq, Scalar::of_long(1)}};
  auto r = optimize(fs, kRoot, options);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("only partition columns (day)"), std::string::npos)
      << r.status().message();
}

TEST(Optimize, LargeFilesAreLeftAlone) {
  util::InMemoryFileSystem fs;
  make_table(fs);
  for (int i = 0; i < 3; ++i) append_rows(fs, i * 5, 5);
  OptimizeOptions options = options_at_now();
  options.target_file_bytes = 10;  // every file is larger
  EXPECT_EQ(run(fs, options).version, -1);
}

TEST(Optimize, BinsHoldAtMostTheTargetBytes) {
  util::InMemoryFileSystem fs;
  make_table(fs);
  for (int i = 0; i < 6; ++i) append_rows(fs, i * 5, 5);
  const std::vector<std::string> before = table_rows(fs);
  int64_t largest = 0;
  for (const AddFile& add : load(fs).files) largest = std::max(largest, add.size);
  OptimizeOptions options = options_at_now();
  options.target_file_bytes = 2 * largest + 1;  // two files per bin
  OptimizeResult r = run(fs, options);
  EXPECT_EQ(r.files_removed, 6);
  EXPECT_EQ(r.files_added, 3);
  EXPECT_EQ(load(fs).files.size(), 3u);
  EXPECT_EQ(table_rows(fs), before);
}

TEST(Optimize, ConcurrentRemoveOfTheSameFilesConflicts) {
  util::InMemoryFileSystem fs;
  make_table(fs, {"day"});
  for (int i = 0; i < 3; ++i) append_rows(fs, i * 5, 5, "2024-01-01");
  OptimizeOptions options = options_at_now();
  std::string new_file_dir = std::string(kRoot) + "/day=2024-01-01";
  options.write.test_hook = [&](std::string_view step) {
    if (step != "data_written") return;
    // Another writer deletes the partition first.
    auto d = delete_where(
        fs, kRoot, {ColumnPredicate{"day", CompareOp::kEq, Scalar::of_string("2024-01-01")}},
        at_now());
    ASSERT_TRUE(d.is_ok()) << d.status().message();
  };
  auto r = optimize(fs, kRoot, options);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kAborted);
  EXPECT_NE(r.status().message().find("removed file"), std::string::npos) << r.status().message();
  Snapshot after = load(fs);
  EXPECT_EQ(after.version, 4);
  EXPECT_TRUE(after.files.empty());
  // The compacted file, never committed, was deleted again: only the
  // three removed originals remain in the partition directory.
  auto listed = fs.list_dir(new_file_dir);
  ASSERT_TRUE(listed.is_ok());
  EXPECT_EQ(listed.value().size(), 3u);
}

TEST(Optimize, CheckpointIsWrittenWhenDue) {
  util::InMemoryFileSystem fs;
  make_table(fs);
  for (int i = 0; i < 9; ++i) append_rows(fs, i * 2, 2);
  ASSERT_EQ(run(fs).version, 10);
  auto listing = list_log(fs, kRoot);
  ASSERT_TRUE(listing.is_ok());
  ASSERT_FALSE(listing.value().checkpoints.empty());
  EXPECT_EQ(listing.value().checkpoints.back().version, 10);
}

TEST(Optimize, MissingTableIsNotFound) {
  util::InMemoryFileSystem fs;
  auto r = optimize(fs, "/nowhere", OptimizeOptions{});
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kNotFound);
}

// ---- append_array

ValueArray i32s(const std::vector<std::optional<int32_t>>& values) {
  ValueArray a;
  a.length = values.size();
  a.values = parquet::LeafValues(parquet::Type::kInt32);
  bool any_null = false;
  for (const auto& v : values) any_null |= !v;
  for (const auto& v : values) {
    if (any_null) a.validity.push_back(v ? 1 : 0);
    a.values.i32.push_back(v.value_or(0));
  }
  return a;
}

TEST(AppendArray, LeavesMaterializeValidityWhenOneSideHasNulls) {
  ValueArray a = i32s({1, 2});
  ASSERT_TRUE(a.validity.empty());
  append_array(&a, i32s({std::nullopt, 4}));
  EXPECT_EQ(a.length, 4u);
  EXPECT_EQ(a.validity, (std::vector<uint8_t>{1, 1, 0, 1}));
  EXPECT_EQ(a.values.i32, (std::vector<int32_t>{1, 2, 0, 4}));
  append_array(&a, i32s({5}));
  EXPECT_EQ(a.validity, (std::vector<uint8_t>{1, 1, 0, 1, 1}));
}

TEST(AppendArray, ByteArraysKeepTheirBoundaries) {
  ValueArray a = strings({"ab", "c"});
  append_array(&a, strings({"", "def"}));
  ASSERT_EQ(a.values.bytes.size(), 4u);
  EXPECT_EQ(a.values.bytes.value(0), "ab");
  EXPECT_EQ(a.values.bytes.value(2), "");
  EXPECT_EQ(a.values.bytes.value(3), "def");
}

TEST(ConcatArrays, JoinsPartsInOrderWithTheirNullsAndBoundaries) {
  std::vector<ValueArray> numbers;
  numbers.push_back(i32s({}));
  numbers.push_back(i32s({1, 2}));
  numbers.push_back(i32s({std::nullopt, 4}));
  numbers.push_back(i32s({5}));
  const ValueArray n = concat_arrays(std::move(numbers));
  EXPECT_EQ(n.length, 5u);
  EXPECT_EQ(n.validity, (std::vector<uint8_t>{1, 1, 0, 1, 1}));
  EXPECT_EQ(n.values.i32, (std::vector<int32_t>{1, 2, 0, 4, 5}));

  std::vector<ValueArray> texts;
  texts.push_back(strings({"ab"}));
  texts.push_back(strings({"", "def"}));
  const ValueArray t = concat_arrays(std::move(texts));
  ASSERT_EQ(t.values.bytes.size(), 3u);
  EXPECT_EQ(t.values.bytes.value(0), "ab");
  EXPECT_EQ(t.values.bytes.value(1), "");
  EXPECT_EQ(t.values.bytes.value(2), "def");
  EXPECT_EQ(t.values.type, parquet::Type::kByteArray);

  std::vector<ValueArray> one;
  one.push_back(strings({"x"}));
  EXPECT_EQ(concat_arrays(std::move(one)).values.bytes.value(0), "x");
}

TEST(AppendArray, ListOffsetsAreShifted) {
  // [[1, 2], null] + [[], [3]]
  ValueArray a;
  a.kind = ValueKind::kList;
  a.length = 2;
  a.validity = {1, 0};
  a.offsets = {0, 2, 2};
  a.children = {i32s({1, 2})};
  ValueArray b;
  b.kind = ValueKind::kList;
  b.length = 2;
  b.offsets = {0, 0, 1};
  b.children = {i32s({3})};
  append_array(&a, b);
  EXPECT_EQ(a.length, 4u);
  EXPECT_EQ(a.validity, (std::vector<uint8_t>{1, 0, 1, 1}));
  EXPECT_EQ(a.offsets, (std::vector<int64_t>{0, 2, 2, 2, 3}));
  EXPECT_EQ(a.children[0].length, 3u);
  EXPECT_EQ(a.children[0].values.i32, (std::vector<int32_t>{1, 2, 3}));
}

TEST(AppendArray, StructChildrenAreAppendedFieldByField) {
  ValueArray a;
  a.kind = ValueKind::kStruct;
  a.length = 1;
  a.children = {i32s({1}), strings({"x"})};
  ValueArray b = a;
  b.children = {i32s({2}), strings({std::nullopt})};
  append_array(&a, b);
  EXPECT_EQ(a.length, 2u);
  EXPECT_EQ(a.children[0].values.i32, (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(a.children[1].validity, (std::vector<uint8_t>{1, 0}));
}

}  // namespace
}  // namespace medallion::delta
