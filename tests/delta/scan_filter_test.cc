#include "delta/scan_filter.h"

#include <gtest/gtest.h>

#include "delta/table_scan.h"
#include "delta/table_writer.h"
#include "util/civil_time.h"
#include "util/in_memory_file_system.h"

namespace medallion::delta {
namespace {

constexpr char kRoot[] = "/lake/t";

Schema schema() {
  return parse_schema(
             R"({"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}},)"
             R"({"name":"name","type":"string","nullable":true,"metadata":{}},)"
             R"({"name":"day","type":"date","nullable":true,"metadata":{}}]})")
      .value();
}

// One file per call: ids [lo, hi], names "n<id>", all on `day`.
void append_range(util::FileSystem& fs, int64_t lo, int64_t hi, const std::string& day,
                  bool with_null_name = false) {
  parquet::RowBatch b;
  b.fields = {0, 1, 2};
  parquet::ValueArray id, name, d;
  id.values = parquet::LeafValues(parquet::Type::kInt64);
  name.values = parquet::LeafValues(parquet::Type::kByteArray);
  d.values = parquet::LeafValues(parquet::Type::kInt32);
  for (int64_t i = lo; i <= hi; ++i) {
    id.values.i64.push_back(i);
    bool null_name = with_null_name && i == lo;
    if (null_name) {
      name.validity.resize(static_cast<size_t>(i - lo), 1);
      name.validity.push_back(0);
      name.values.bytes.append("");
    } else {
      if (!name.validity.empty()) name.validity.push_back(1);
      name.values.bytes.append("n" + std::to_string(i));
    }
    d.values.i32.push_back(static_cast<int32_t>(*util::parse_iso_date(day)));
  }
  b.num_rows = id.length = name.length = d.length = static_cast<size_t>(hi - lo + 1);
  b.columns = {std::move(id), std::move(name), std::move(d)};
  auto r = append(fs, kRoot, b);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
}

class ScanFilterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(create_table(fs_, kRoot, schema(), {"day"}, {}).is_ok());
    append_range(fs_, 1, 10, "2024-01-01");
    append_range(fs_, 11, 20, "2024-01-01", /*with_null_name=*/true);
    append_range(fs_, 21, 30, "2024-01-02");
    snapshot_ = load_snapshot(fs_, kRoot).value();
  }

  // How many of the three files a filter keeps.
  size_t kept(std::vector<ColumnPredicate> filter) {
    ScanOptions options;
    options.filter = std::move(filter);
    auto scan = TableScan::make(snapshot_, options);
    EXPECT_TRUE(scan.is_ok()) << scan.status().message();
    return scan.is_ok() ? scan.value().files().size() : 99;
  }

  static Scalar day(const char* text) { return Scalar::of_date(*util::parse_iso_date(text)); }

  util::InMemoryFileSystem fs_;
  Snapshot snapshot_;
};

TEST_F(ScanFilterTest, PartitionEqualityPrunesExactly) {
  EXPECT_EQ(kept({{"day", CompareOp::kEq, day("2024-01-01")}}), 2u);
  EXPECT_EQ(kept({{"day", CompareOp::kEq, day("2024-01-02")}}), 1u);
  EXPECT_EQ(kept({{"day", CompareOp::kEq, day("2024-01-03")}}), 0u);
  EXPECT_EQ(kept({{"day", CompareOp::kGt, day("2024-01-01")}}), 1u);
  EXPECT_EQ(kept({{"day", CompareOp::kIsNull, {}}}), 0u);
}

TEST_F(ScanFilterTest, StatsSkipFilesOutsideTheRange) {
  EXPECT_EQ(kept({{"id", CompareOp::kEq, Scalar::of_long(15)}}), 1u);
  EXPECT_EQ(kept({{"id", CompareOp::kLt, Scalar::of_long(11)}}), 1u);
  EXPECT_EQ(kept({{"id", CompareOp::kLe, Scalar::of_long(11)}}), 2u);
  EXPECT_EQ(kept({{"id", CompareOp::kGe, Scalar::of_long(30)}}), 1u);
  EXPECT_EQ(kept({{"id", CompareOp::kGt, Scalar::of_long(30)}}), 0u);
  EXPECT_EQ(kept({{"id", CompareOp::kNe, Scalar::of_long(5)}}), 3u);
}

TEST_F(ScanFilterTest, NullCountsDecideIsNull) {
  EXPECT_EQ(kept({{"name", CompareOp::kIsNull, {}}}), 1u);
  EXPECT_EQ(kept({{"name", CompareOp::kIsNotNull, {}}}), 3u);
}

TEST_F(ScanFilterTest, ConjunctionCombinesPartitionAndStats) {
  EXPECT_EQ(kept({{"day", CompareOp::kEq, day("2024-01-01")}, {"id", CompareOp::kGt, Scalar::of_long(12)}}), 1u);
}

TEST_F(ScanFilterTest, StringStatsCompareByBytes) {
  // Byte order: "n25" lies within ["n1", "n9"] and ["n21", "n30"], not ["n11", "n20"].
  EXPECT_EQ(kept({{"name", CompareOp::kEq, Scalar::of_string("n25")}}), 2u);
  EXPECT_EQ(kept({{"name", CompareOp::kEq, Scalar::of_string("zzz")}}), 0u);
}

TEST_F(ScanFilterTest, FilesWithoutStatsAreKept) {
  for (AddFile& f : snapshot_.files) f.stats.reset();
  EXPECT_EQ(kept({{"id", CompareOp::kGt, Scalar::of_long(1000)}}), 3u);
}

TEST_F(ScanFilterTest, BadPredicatesAreRefused) {
  ScanOptions options;
  options.filter = {{"nope", CompareOp::kEq, Scalar::of_long(1)}};
  EXPECT_FALSE(TableScan::make(snapshot_, options).is_ok());
  options.filter = {{"id", CompareOp::kEq, Scalar::of_string("1")}};
  auto scan = TableScan::make(snapshot_, options);
  ASSERT_FALSE(scan.is_ok());
  EXPECT_EQ(scan.status().code(), util::StatusCode::kInvalidArgument);
}

TEST_F(ScanFilterTest, ProjectionReadsOnlyTheNamedColumns) {
  ScanOptions options;
  options.columns = {"day", "id"};
  auto scan = TableScan::make(snapshot_, options);
  ASSERT_TRUE(scan.is_ok());
  size_t rows = 0;
  ASSERT_TRUE(scan.value().read_all(fs_, [&](parquet::RowBatch&& b) {
    EXPECT_EQ(b.columns.size(), 2u);
    rows += b.num_rows;
    return util::Status::ok();
  }).is_ok());
  EXPECT_EQ(rows, 30u);
  options.columns = {"missing"};
  EXPECT_FALSE(TableScan::make(snapshot_, options).is_ok());
}

}  // namespace
}  // namespace medallion::delta
