#include "formats/parquet/row_group_filter.h"

#include <gtest/gtest.h>

#include <functional>

#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_writer.h"
#include "util/in_memory_file_system.h"

namespace medallion::parquet {
namespace {

// 3000 rows in many small row groups: n = row number, s = "k<n/1000>", x
// null for n in [1000, 2000) and else n / 1000.0.
std::unique_ptr<ParquetReader> three_row_groups(util::InMemoryFileSystem& fs) {
  SchemaElement root;
  root.name = "schema";
  root.num_children = 3;
  SchemaElement n;
  n.name = "n";
  n.type = Type::kInt64;
  n.repetition_type = FieldRepetitionType::kRequired;
  SchemaElement s;
  s.name = "s";
  s.type = Type::kByteArray;
  s.repetition_type = FieldRepetitionType::kOptional;
  s.converted_type = ConvertedType::kUtf8;
  SchemaElement x;
  x.name = "x";
  x.type = Type::kDouble;
  x.repetition_type = FieldRepetitionType::kOptional;
  WriterOptions options;
  options.row_group_bytes = 4096;
  auto writer = ParquetWriter::open(fs, "/t.parquet", {root, n, s, x}, options);
  EXPECT_TRUE(writer.is_ok());
  for (int g = 0; g < 3; ++g) {
    RowBatch batch;
    batch.num_rows = 1000;
    batch.fields = {0, 1, 2};
    ValueArray a, b, c;
    a.values = LeafValues(Type::kInt64);
    b.values = LeafValues(Type::kByteArray);
    c.values = LeafValues(Type::kDouble);
    a.length = b.length = c.length = 1000;
    if (g == 1) c.validity.assign(1000, 0);
    for (int i = 0; i < 1000; ++i) {
      a.values.i64.push_back(g * 1000 + i);
      b.values.bytes.append("k" + std::to_string(g));
      c.values.f64.push_back(g == 1 ? 0.0 : (g * 1000 + i) / 1000.0);
    }
    batch.columns = {a, b, c};
    EXPECT_TRUE((*writer)->write(batch).is_ok());
  }
  EXPECT_TRUE((*writer)->close().is_ok());
  auto reader = ParquetReader::open(fs, "/t.parquet");
  EXPECT_TRUE(reader.is_ok());
  return std::move(reader).value();
}

// Checks that no row group holding a matching row is skipped; returns how
// many row groups the statistics skip.
size_t skipped(const ParquetReader& r, const ColumnPredicate& p,
               const std::function<bool(int64_t n)>& row_matches) {
  size_t skips = 0;
  for (size_t g = 0; g < r.num_row_groups(); ++g) {
    auto batch = r.read_row_group(g, {0});
    EXPECT_TRUE(batch.is_ok());
    bool any = false;
    for (int64_t n : batch->columns[0].values.i64) any |= row_matches(n);
    const bool may = row_group_may_match(r.schema(), r.metadata().row_groups[g], p);
    EXPECT_TRUE(may || !any) << "row group " << g << " holds a match but was skipped";
    skips += !may;
  }
  return skips;
}

class RowGroupFilterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    reader_ = three_row_groups(fs_);
    ASSERT_GE(reader_->num_row_groups(), 4u);
  }
  size_t groups() const { return reader_->num_row_groups(); }
  util::InMemoryFileSystem fs_;
  std::unique_ptr<ParquetReader> reader_;
};

TEST_F(RowGroupFilterTest, IntegerComparisonsSkipAllButTheMatchingGroups) {
  EXPECT_EQ(skipped(*reader_, {"n", CompareOp::kEq, int64_t{1500}}, [](int64_t n) { return n == 1500; }),
            groups() - 1);
  EXPECT_GT(skipped(*reader_, {"n", CompareOp::kLt, int64_t{1000}}, [](int64_t n) { return n < 1000; }), 0u);
  EXPECT_GT(skipped(*reader_, {"n", CompareOp::kLe, int64_t{1000}}, [](int64_t n) { return n <= 1000; }), 0u);
  EXPECT_GT(skipped(*reader_, {"n", CompareOp::kGt, int64_t{1999}}, [](int64_t n) { return n > 1999; }), 0u);
  EXPECT_EQ(skipped(*reader_, {"n", CompareOp::kGe, int64_t{-5}}, [](int64_t) { return true; }), 0u);
  EXPECT_EQ(skipped(*reader_, {"n", CompareOp::kEq, int64_t{-1}}, [](int64_t) { return false; }), groups());
}

TEST_F(RowGroupFilterTest, StringComparisons) {
  EXPECT_GT(skipped(*reader_, {"s", CompareOp::kEq, std::string("k2")}, [](int64_t n) { return n >= 2000; }), 0u);
  EXPECT_GT(skipped(*reader_, {"s", CompareOp::kLt, std::string("k1")}, [](int64_t n) { return n < 1000; }), 0u);
  // Bytes >= 0x80 sort after ASCII (unsigned order): nothing is that large.
  EXPECT_EQ(skipped(*reader_, {"s", CompareOp::kGe, std::string("\xc3\xa9")}, [](int64_t) { return false; }),
            groups());
}

TEST_F(RowGroupFilterTest, AllNullChunksMatchNothing) {
  const size_t skips = skipped(*reader_, {"x", CompareOp::kGe, 0.0},
                               [](int64_t n) { return n < 1000 || n >= 2000; });
  EXPECT_GT(skips, 0u);
}

TEST_F(RowGroupFilterTest, UnknownColumnOrMismatchedTypeMayMatch) {
  EXPECT_EQ(skipped(*reader_, {"nope", CompareOp::kEq, int64_t{1}}, [](int64_t) { return true; }), 0u);
  EXPECT_EQ(skipped(*reader_, {"n", CompareOp::kEq, std::string("1")}, [](int64_t) { return true; }), 0u);
}

TEST(RowGroupFilter, DecodeStatisticNeedsExactlyOneValue) {
  ColumnDescriptor c;
  c.physical_type = Type::kInt32;
  EXPECT_TRUE(decode_statistic(c, std::string("\x01\x00\x00\x00", 4)).has_value());
  EXPECT_FALSE(decode_statistic(c, std::string("\x01\x00\x00", 3)).has_value());
  EXPECT_FALSE(decode_statistic(c, std::string(8, '\0')).has_value());
}

}  // namespace
}  // namespace medallion::parquet
