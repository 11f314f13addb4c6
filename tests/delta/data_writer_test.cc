#include "delta/data_writer.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "delta/action_json.h"
#include "delta/file_stats.h"
#include "delta/file_stats_writer.h"
#include "delta/partition_value.h"
#include "delta/snapshot.h"
#include "delta/table_scan.h"
#include "formats/parquet/value_json.h"
#include "util/file_system.h"

namespace medallion::delta {
namespace {

using parquet::ValueArray;
using parquet::ValueKind;

// ---- batch builders (canonical storage)

template <typename T>
ValueArray leaf(parquet::Type type, const std::vector<std::optional<T>>& vals) {
  ValueArray a;
  a.kind = ValueKind::kLeaf;
  a.length = vals.size();
  a.values = parquet::LeafValues(type);
  for (const auto& v : vals) {
    a.validity.push_back(v.has_value() ? 1 : 0);
    T x = v.value_or(T{});
    if constexpr (std::is_same_v<T, int32_t>) a.values.i32.push_back(x);
    if constexpr (std::is_same_v<T, int64_t>) a.values.i64.push_back(x);
    if constexpr (std::is_same_v<T, double>) a.values.f64.push_back(x);
    if constexpr (std::is_same_v<T, std::string>) a.values.bytes.append(x);
  }
  return a;
}
ValueArray i32s(const std::vector<std::optional<int32_t>>& v) { return leaf(parquet::Type::kInt32, v); }
ValueArray i64s(const std::vector<std::optional<int64_t>>& v) { return leaf(parquet::Type::kInt64, v); }
ValueArray f64s(const std::vector<std::optional<double>>& v) { return leaf(parquet::Type::kDouble, v); }
ValueArray strs(const std::vector<std::optional<std::string>>& v) {
  return leaf(parquet::Type::kByteArray, v);
}

ValueArray nested(ValueKind kind, std::vector<uint8_t> validity, std::vector<int64_t> offsets,
                  std::vector<ValueArray> children) {
  ValueArray a;
  a.kind = kind;
  a.length = validity.size();
  a.validity = std::move(validity);
  a.offsets = std::move(offsets);
  a.children = std::move(children);
  return a;
}

Field field(std::string name, DataType type, bool nullable = true) {
  Field f;
  f.name = std::move(name);
  f.type = std::move(type);
  f.nullable = nullable;
  return f;
}
DataType p(TypeKind k) { return DataType::primitive(k); }

constexpr int64_t kDay0 = 19723;  // 2024-01-01
constexpr int64_t kTs0 = 1704067200000000;  // 2024-01-01T00:00:00Z

Schema test_schema() {
  Schema s;
  s.fields = {
      field("id", p(TypeKind::kInteger), false),
      field("l", p(TypeKind::kLong)),
      field("s", p(TypeKind::kString)),
      field("d", p(TypeKind::kDate)),
      field("ts", p(TypeKind::kTimestamp)),
      field("dec", DataType::decimal(10, 2)),
      field("dbl", p(TypeKind::kDouble)),
      field("st", DataType::struct_of({field("x", p(TypeKind::kInteger)), field("y", p(TypeKind::kString))})),
      field("arr", DataType::array_of(p(TypeKind::kInteger))),
      field("m", DataType::map_of(p(TypeKind::kString), p(TypeKind::kInteger))),
      field("pd", p(TypeKind::kDate)),
      field("ps", p(TypeKind::kString)),
  };
  return s;
}

// Rows 0 and 1: pd=2024-01-01, ps="a b/c%"; row 2: both null; row 3: 2024-01-02, "x".
parquet::RowBatch test_batch() {
  parquet::RowBatch b;
  b.num_rows = 4;
  b.columns = {
      i32s({1, 2, 3, 4}),
      i64s({10, std::nullopt, -5, 7}),
      strs({"apple", std::nullopt, "pear", "fig"}),
      i32s({int32_t{kDay0}, int32_t{kDay0 + 1}, std::nullopt, int32_t{kDay0 - 1}}),
      i64s({kTs0 + 123456, kTs0 - 1, kTs0, std::nullopt}),
      i64s({12345, -5, std::nullopt, 0}),
      f64s({1.5, -2.25, std::nullopt, 0.0}),
      nested(ValueKind::kStruct, {1, 0, 1, 1}, {},
             {i32s({1, 0, std::nullopt, 9}), strs({"a", "", "c", std::nullopt})}),
      nested(ValueKind::kList, {1, 0, 1, 1}, {0, 2, 2, 2, 3}, {i32s({1, std::nullopt, 5})}),
      nested(ValueKind::kMap, {1, 1, 0, 1}, {0, 1, 3, 3, 3},
             {strs({"k", "a", "b"}), i32s({1, std::nullopt, 3})}),
      i32s({int32_t{kDay0}, int32_t{kDay0}, std::nullopt, int32_t{kDay0 + 1}}),
      strs({"a b/c%", "a b/c%", std::nullopt, "x"}),
  };
  for (size_t i = 0; i < b.columns.size(); ++i) b.fields.push_back(i);
  return b;
}

std::string unique_dir(const std::string& tag) {
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() /
             ("medallion-data-writer-" + tag + "-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::vector<std::string> sorted_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  return lines;
}

void write_log(const std::string& root, const Schema& schema, const std::vector<std::string>& parts,
               const std::vector<AddFile>& adds) {
  std::vector<Action> actions;
  actions.push_back(Protocol{});
  Metadata meta;
  meta.id = "00000000-0000-0000-0000-000000000001";
  meta.schema_string = serialize_schema(schema);
  meta.partition_columns = parts;
  meta.created_time = 1;
  actions.push_back(meta);
  for (const AddFile& a : adds) actions.push_back(a);
  std::filesystem::create_directories(root + "/_delta_log");
  std::ofstream(root + "/_delta_log/00000000000000000000.json") << serialize_actions(actions);
}

TEST(DataWriter, PartitionedTableReadsBackEqual) {
  const std::string root = unique_dir("roundtrip");
  const Schema schema = test_schema();
  const parquet::RowBatch batch = test_batch();
  DataWriterOptions options;
  options.now_ms = 1700000000000;
  auto adds = write_data_files(util::posix_file_system(), root, schema, {"pd", "ps"},
                               ColumnMappingMode::kNone, batch, options);
  ASSERT_TRUE(adds.is_ok()) << adds.status().message();
  ASSERT_EQ(adds->size(), 3u);

  // Paths: Hive directories, URI-encoded in add.path.
  const AddFile& first = (*adds)[0];
  EXPECT_EQ(first.partition_values.at("pd"), std::optional<std::string>("2024-01-01"));
  EXPECT_EQ(first.partition_values.at("ps"), std::optional<std::string>("a b/c%"));
  EXPECT_EQ(first.path.rfind("pd=2024-01-01/ps=a%20b%252Fc%2525/part-00000-", 0), 0u) << first.path;
  EXPECT_NE(first.path.find("-c000.snappy.parquet"), std::string::npos) << first.path;
  EXPECT_EQ((*adds)[1].partition_values.at("pd"), std::nullopt);
  EXPECT_EQ((*adds)[1].partition_values.at("ps"), std::nullopt);
  EXPECT_EQ((*adds)[1].path.rfind("pd=__HIVE_DEFAULT_PARTITION__/ps=__HIVE_DEFAULT_PARTITION__/part-00001-", 0), 0u);
  for (const AddFile& a : *adds) {
    auto decoded = uri_decode_path(a.path);
    ASSERT_TRUE(decoded.is_ok());
    ASSERT_TRUE(std::filesystem::exists(root + "/" + *decoded)) << *decoded;
    EXPECT_EQ(static_cast<uintmax_t>(a.size), std::filesystem::file_size(root + "/" + *decoded));
    EXPECT_EQ(a.modification_time, 1700000000000);
    EXPECT_TRUE(a.data_change);
    ASSERT_TRUE(a.stats.has_value());
  }
  EXPECT_TRUE(std::filesystem::exists(root + "/pd=2024-01-01/ps=a b%2Fc%25"));

  // A table made of the files reads back the input rows.
  write_log(root, schema, {"pd", "ps"}, *adds);
  auto snapshot = load_snapshot(util::posix_file_system(), root);
  ASSERT_TRUE(snapshot.is_ok()) << snapshot.status().message();
  auto scan = TableScan::make(*snapshot);
  ASSERT_TRUE(scan.is_ok()) << scan.status().message();
  std::string got;
  auto st = scan->read_all(util::posix_file_system(), [&](parquet::RowBatch&& b) {
    parquet::append_rows_jsonl(scan->output_tree(), b, &got);
    return util::Status::ok();
  });
  ASSERT_TRUE(st.is_ok()) << st.message();
  auto tree = parquet::SchemaTree::make(to_parquet_schema(schema, ColumnMappingMode::kNone), "t");
  ASSERT_TRUE(tree.is_ok());
  std::string want;
  parquet::append_rows_jsonl(*tree, batch, &want);
  EXPECT_EQ(sorted_lines(got), sorted_lines(want));
  std::filesystem::remove_all(root);
}

TEST(DataWriter, StatsParseBackWithExpectedValues) {
  const std::string root = unique_dir("stats");
  const Schema schema = test_schema();
  auto adds = write_data_files(util::posix_file_system(), root, schema, {"pd", "ps"},
                               ColumnMappingMode::kNone, test_batch(), {});
  ASSERT_TRUE(adds.is_ok()) << adds.status().message();
  const AddFile& a = (*adds)[0];  // rows 0 and 1
  auto stats = parse_file_stats(*a.stats, schema, ColumnMappingMode::kNone);
  ASSERT_TRUE(stats.is_ok()) << *a.stats;
  EXPECT_EQ(stats->num_records, 2);
  auto& c = stats->columns;
  EXPECT_EQ(c["id"].min, Scalar::of_integer(1)) << *a.stats;
  EXPECT_EQ(c["id"].max, Scalar::of_integer(2));
  EXPECT_EQ(c["id"].null_count, 0);
  EXPECT_EQ(c["l"].min, Scalar::of_long(10));
  EXPECT_EQ(c["l"].max, Scalar::of_long(10));
  EXPECT_EQ(c["l"].null_count, 1);
  EXPECT_EQ(c["s"].min, Scalar::of_string("apple"));
  EXPECT_EQ(c["s"].null_count, 1);
  EXPECT_EQ(c["d"].min, Scalar::of_date(kDay0));
  EXPECT_EQ(c["d"].max, Scalar::of_date(kDay0 + 1));
  // Truncated down to milliseconds.
  EXPECT_EQ(c["ts"].min, Scalar::of_timestamp(kTs0 - 1000)) << *a.stats;
  EXPECT_EQ(c["ts"].max, Scalar::of_timestamp(kTs0 + 123000));
  EXPECT_EQ(c["dec"].min, Scalar::of_decimal(-5, 10, 2)) << *a.stats;
  EXPECT_EQ(c["dec"].max, Scalar::of_decimal(12345, 10, 2));
  EXPECT_EQ(c["dbl"].min, Scalar::of_double(-2.25));
  EXPECT_EQ(c["dbl"].max, Scalar::of_double(1.5));
  // Row 1's struct is null: its fields count as null.
  EXPECT_EQ(c["st.x"].min, Scalar::of_integer(1));
  EXPECT_EQ(c["st.x"].max, Scalar::of_integer(1));
  EXPECT_EQ(c["st.x"].null_count, 1);
  EXPECT_EQ(c["st.y"].null_count, 1);
  EXPECT_FALSE(c.count("pd"));
  EXPECT_FALSE(c.count("ps"));
  EXPECT_EQ(a.stats->find("\"pd\""), std::string::npos);
  EXPECT_NE(a.stats->find("\"arr\":1"), std::string::npos) << *a.stats;
  EXPECT_EQ(a.stats->find("tightBounds"), std::string::npos);
  std::filesystem::remove_all(root);
}

TEST(DataWriter, TargetFileRowsSplitsPartitions) {
  const std::string root = unique_dir("split");
  const Schema schema = test_schema();
  DataWriterOptions options;
  options.target_file_rows = 1;
  options.parquet.codec = parquet::CompressionCodec::kUncompressed;
  auto adds = write_data_files(util::posix_file_system(), root, schema, {}, ColumnMappingMode::kNone,
                               test_batch(), options);
  ASSERT_TRUE(adds.is_ok()) << adds.status().message();
  ASSERT_EQ(adds->size(), 4u);
  EXPECT_EQ((*adds)[3].path.rfind("part-00003-", 0), 0u);
  EXPECT_NE((*adds)[3].path.find("-c000.parquet"), std::string::npos);
  EXPECT_TRUE((*adds)[0].partition_values.empty());
  // The files are written at once, yet each add holds its own row, in order.
  for (size_t i = 0; i < adds->size(); ++i) {
    const AddFile& add = (*adds)[i];
    EXPECT_EQ(add.path.rfind(fmt::format("part-{:05d}-", i), 0), 0u) << add.path;
    auto stats = parse_file_stats(*add.stats, schema, ColumnMappingMode::kNone);
    ASSERT_TRUE(stats.is_ok()) << *add.stats;
    EXPECT_EQ(stats->num_records, 1);
    EXPECT_EQ(stats->columns["id"].min, Scalar::of_integer(static_cast<int32_t>(i) + 1));
    EXPECT_TRUE(std::filesystem::exists(root + "/" + add.path)) << add.path;
  }
  std::filesystem::remove_all(root);
}

TEST(DataWriter, UnknownPartitionColumnIsError) {
  const std::string root = unique_dir("bad");
  auto adds = write_data_files(util::posix_file_system(), root, test_schema(), {"nope"},
                               ColumnMappingMode::kNone, test_batch(), {});
  EXPECT_FALSE(adds.is_ok());
  std::filesystem::remove_all(root);
}

TEST(DataWriter, MissingColumnIsError) {
  const std::string root = unique_dir("missing");
  parquet::RowBatch b = test_batch();
  b.columns.pop_back();
  b.fields.pop_back();
  auto adds = write_data_files(util::posix_file_system(), root, test_schema(), {},
                               ColumnMappingMode::kNone, b, {});
  EXPECT_FALSE(adds.is_ok());
  std::filesystem::remove_all(root);
}

TEST(DataWriter, TakeRowsOfList) {
  ValueArray list = nested(ValueKind::kList, {1, 0, 1}, {0, 2, 2, 3}, {i32s({1, std::nullopt, 5})});
  ValueArray t = take_rows(list, {2, 0});
  EXPECT_EQ(t.length, 2u);
  EXPECT_EQ(t.offsets, (std::vector<int64_t>{0, 1, 3}));
  EXPECT_EQ(t.children[0].values.i32, (std::vector<int32_t>{5, 1, 0}));
  EXPECT_EQ(t.children[0].validity, (std::vector<uint8_t>{1, 1, 0}));
}

TEST(FileStatsWriter, LongStringMaxIsUpperBound) {
  std::string s(40, 'a');
  EXPECT_EQ(truncate_stats_min(s), std::string(32, 'a'));
  EXPECT_EQ(truncate_stats_max(s), std::string(31, 'a') + "b");
  EXPECT_EQ(truncate_stats_max("short"), "short");
}

TEST(FileStatsWriter, LongStringMaxSkipsMaxCodePoint) {
  std::string s = std::string(31, 'a') + "\xF4\x8F\xBF\xBF" + "zz";
  EXPECT_EQ(truncate_stats_max(s), std::string(30, 'a') + "b");
  std::string all;
  for (int i = 0; i < 33; ++i) all += "\xF4\x8F\xBF\xBF";
  EXPECT_EQ(truncate_stats_max(all), std::nullopt);
}

TEST(FileStatsWriter, LongStringMaxSkipsSurrogates) {
  std::string s = std::string(31, 'a') + "\xED\x9F\xBF" + "zz";  // U+D7FF
  EXPECT_EQ(truncate_stats_max(s), std::string(31, 'a') + "\xEE\x80\x80");  // U+E000
}

TEST(FileStatsWriter, NanIgnoredAndBooleanWithoutBounds) {
  Schema schema;
  schema.fields = {field("f", p(TypeKind::kDouble)), field("b", p(TypeKind::kBoolean))};
  auto tree = parquet::SchemaTree::make(to_parquet_schema(schema, ColumnMappingMode::kNone), "t");
  ASSERT_TRUE(tree.is_ok());
  parquet::RowBatch b;
  b.num_rows = 3;
  b.fields = {0, 1};
  b.columns.push_back(f64s({std::nan(""), 2.0, 1e300}));
  ValueArray bools;
  bools.length = 3;
  bools.values = parquet::LeafValues(parquet::Type::kBoolean);
  bools.values.bools = {1, 0, 1};
  bools.validity = {1, 1, 0};
  b.columns.push_back(bools);
  std::string json = file_stats_json(schema, ColumnMappingMode::kNone, *tree, b);
  EXPECT_EQ(json,
            "{\"numRecords\":3,\"minValues\":{\"f\":2},\"maxValues\":{\"f\":1e+300},"
            "\"nullCount\":{\"f\":0,\"b\":1}}");
  auto stats = parse_file_stats(json, schema, ColumnMappingMode::kNone);
  ASSERT_TRUE(stats.is_ok());
  EXPECT_EQ(stats->columns["f"].max, Scalar::of_double(1e300));
}

TEST(FileStatsWriter, BuilderAccumulatesBatchesAndTimestampNtz) {
  Schema schema;
  schema.fields = {field("t", p(TypeKind::kTimestampNtz))};
  auto tree = parquet::SchemaTree::make(to_parquet_schema(schema, ColumnMappingMode::kNone), "t");
  ASSERT_TRUE(tree.is_ok());
  FileStatsBuilder builder(schema, ColumnMappingMode::kNone, *tree);
  parquet::RowBatch b1;
  b1.num_rows = 1;
  b1.fields = {0};
  b1.columns.push_back(i64s({kTs0 + 5999}));
  parquet::RowBatch b2 = b1;
  b2.columns[0] = i64s({-1});  // 1969-12-31T23:59:59.999999
  builder.add(b1);
  builder.add(b2);
  EXPECT_EQ(builder.json(),
            "{\"numRecords\":2,\"minValues\":{\"t\":\"1969-12-31T23:59:59.999\"},"
            "\"maxValues\":{\"t\":\"2024-01-01T00:00:00.005\"},\"nullCount\":{\"t\":0}}");
  auto stats = parse_file_stats(builder.json(), schema, ColumnMappingMode::kNone);
  ASSERT_TRUE(stats.is_ok());
  EXPECT_EQ(stats->columns["t"].min, Scalar::of_timestamp_ntz(-1000));
  EXPECT_EQ(stats->columns["t"].max, Scalar::of_timestamp_ntz(kTs0 + 5000));
}

TEST(FileStatsWriter, ColumnMappingUsesPhysicalNames) {
  Schema schema;
  Field f = field("x", p(TypeKind::kInteger));
  f.physical_name = "col-1";
  f.field_id = 1;
  schema.fields = {f};
  auto tree = parquet::SchemaTree::make(to_parquet_schema(schema, ColumnMappingMode::kNone), "t");
  ASSERT_TRUE(tree.is_ok());
  parquet::RowBatch b;
  b.num_rows = 1;
  b.fields = {0};
  b.columns.push_back(i32s({std::nullopt}));
  EXPECT_EQ(file_stats_json(schema, ColumnMappingMode::kName, *tree, b),
            "{\"numRecords\":1,\"nullCount\":{\"col-1\":1}}");
}

}  // namespace
}  // namespace medallion::delta
