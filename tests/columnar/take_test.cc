#include "columnar/take.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "column_builders.h"
#include "columnar/column.h"
#include "columnar/record_batch.h"
#include "columnar/schema.h"

namespace medallion::columnar {
namespace {

using util::StatusCode;

using testing::every_type_schema;
using testing::int64s;
using testing::int64s_of;
using testing::make_batch;
using testing::strings;
using testing::strings_of;

// One column of every type, three rows, the middle one null.
RecordBatch every_type_batch() {
  RecordBatch b(every_type_schema());
  b.column(0).append_bool(true);
  b.column(1).append_int32(-7);
  b.column(2).append_int64(1LL << 40);
  b.column(3).append_double(2.5);
  b.column(4).append_string("first");
  b.column(5).append_int32(19000);
  b.column(6).append_int64(1'700'000'000'000'000);
  for (size_t c = 0; c < 7; ++c) b.column(c).append_null();
  b.column(0).append_bool(false);
  b.column(1).append_int32(9);
  b.column(2).append_int64(-3);
  b.column(3).append_double(-0.5);
  b.column(4).append_string("third row");
  b.column(5).append_int32(-1);
  b.column(6).append_int64(5);
  return b;
}

// Row r of `got` equals row s of `want` in every column.
void expect_same_row(const RecordBatch& got, size_t r, const RecordBatch& want, size_t s) {
  for (size_t c = 0; c < want.num_columns(); ++c) {
    const Column& g = got.column(c);
    const Column& w = want.column(c);
    ASSERT_EQ(g.is_null(r), w.is_null(s)) << "column " << c;
    if (w.is_null(s)) continue;
    switch (w.type()) {
      case DataType::kBool: EXPECT_EQ(g.bool_at(r), w.bool_at(s)); break;
      case DataType::kInt32:
      case DataType::kDate: EXPECT_EQ(g.int32_at(r), w.int32_at(s)); break;
      case DataType::kInt64:
      case DataType::kTimestamp: EXPECT_EQ(g.int64_at(r), w.int64_at(s)); break;
      case DataType::kDouble: EXPECT_EQ(g.double_at(r), w.double_at(s)); break;
      case DataType::kString: EXPECT_EQ(g.string_at(r), w.string_at(s)); break;
    }
  }
}

// ---------------------------------------------------------------------------
// Column::append_from / append_column / append_take

TEST(ColumnAppendFrom, CopiesEveryTypeAndNulls) {
  const RecordBatch src = every_type_batch();
  RecordBatch dst(src.schema());
  for (const size_t row : {2, 1, 0}) {
    for (size_t c = 0; c < src.num_columns(); ++c) dst.column(c).append_from(src.column(c), row);
  }
  ASSERT_EQ(dst.num_rows(), 3u);
  expect_same_row(dst, 0, src, 2);
  expect_same_row(dst, 1, src, 1);
  expect_same_row(dst, 2, src, 0);
  EXPECT_EQ(dst.column(4).null_count(), 1u);
}

TEST(ColumnAppendFrom, FromItself) {
  Column c = strings({"abc", std::nullopt});
  c.append_from(c, 0);
  c.append_from(c, 1);
  EXPECT_EQ(strings_of(c), (std::vector<std::optional<std::string>>{"abc", std::nullopt, "abc", std::nullopt}));
}

TEST(ColumnAppendColumn, WithoutNullsKeepsValidityEmpty) {
  Column c = int64s({1, 2});
  c.append_column(int64s({3}));
  EXPECT_EQ(int64s_of(c), (std::vector<std::optional<int64_t>>{1, 2, 3}));
  EXPECT_TRUE(c.validity().empty());
  EXPECT_EQ(c.null_count(), 0u);
}

TEST(ColumnAppendColumn, NullsInTheTail) {
  Column c = int64s({1});
  c.append_column(int64s({std::nullopt, 4}));
  EXPECT_EQ(int64s_of(c), (std::vector<std::optional<int64_t>>{1, std::nullopt, 4}));
  EXPECT_EQ(c.null_count(), 1u);
  EXPECT_EQ(c.validity(), (std::vector<uint8_t>{1, 0, 1}));
}

TEST(ColumnAppendColumn, NullsInTheHeadOnly) {
  Column c = int64s({std::nullopt});
  c.append_column(int64s({5, 6}));
  EXPECT_EQ(int64s_of(c), (std::vector<std::optional<int64_t>>{std::nullopt, 5, 6}));
  EXPECT_EQ(c.validity().size(), 3u);
}

TEST(ColumnAppendColumn, StringsShiftOffsets) {
  Column c = strings({"ab", std::nullopt});
  c.append_column(strings({"", "xyz", std::nullopt, "q"}));
  EXPECT_EQ(strings_of(c), (std::vector<std::optional<std::string>>{"ab", std::nullopt, "", "xyz",
                                                                    std::nullopt, "q"}));
  EXPECT_EQ(c.string_chars(), "abxyzq");
}

TEST(ColumnAppendColumn, EmptyTail) {
  Column c = strings({"a"});
  c.append_column(Column(DataType::kString));
  EXPECT_EQ(strings_of(c), (std::vector<std::optional<std::string>>{"a"}));
}

TEST(ColumnAppendColumn, ItselfDoubles) {
  Column c = strings({"a", std::nullopt});
  c.append_column(c);
  EXPECT_EQ(strings_of(c), (std::vector<std::optional<std::string>>{"a", std::nullopt, "a", std::nullopt}));
  EXPECT_EQ(c.null_count(), 2u);
}

TEST(ColumnAppendTake, NegativeIndexIsNull) {
  Column c(DataType::kInt64);
  const std::vector<int64_t> idx{1, kNullRow, 0};
  c.append_take(int64s({10, 20}), idx);
  EXPECT_EQ(int64s_of(c), (std::vector<std::optional<int64_t>>{20, std::nullopt, 10}));
  EXPECT_EQ(c.null_count(), 1u);
}

TEST(ColumnAppendTake, NoNullsKeepsValidityEmpty) {
  Column c = int64s({7});
  const std::vector<int64_t> idx{0, 0};
  c.append_take(int64s({10}), idx);
  EXPECT_TRUE(c.validity().empty());
  EXPECT_EQ(int64s_of(c), (std::vector<std::optional<int64_t>>{7, 10, 10}));
}

TEST(ColumnAppendTake, OntoAColumnWithNulls) {
  Column c = int64s({std::nullopt});
  const std::vector<int64_t> idx{0};
  c.append_take(int64s({10}), idx);
  EXPECT_EQ(c.validity(), (std::vector<uint8_t>{0, 1}));
  EXPECT_EQ(c.null_count(), 1u);
}

// ---------------------------------------------------------------------------
// take(Column)

TEST(TakeColumn, EmptyIndices) {
  const Column c = take(int64s({1, 2}), {});
  EXPECT_EQ(c.size(), 0u);
  EXPECT_EQ(c.type(), DataType::kInt64);
}

TEST(TakeColumn, FromEmptyColumnOnlyNullRows) {
  const Column c = take(Column(DataType::kString), {kNullRow, kNullRow});
  EXPECT_EQ(strings_of(c), (std::vector<std::optional<std::string>>{std::nullopt, std::nullopt}));
}

TEST(TakeColumn, RepeatsAndReorders) {
  const Column c = take(strings({"a", "bb", std::nullopt, ""}), {3, 1, 1, 2, 0, kNullRow});
  EXPECT_EQ(strings_of(c), (std::vector<std::optional<std::string>>{"", "bb", "bb", std::nullopt, "a",
                                                                    std::nullopt}));
  EXPECT_EQ(c.null_count(), 2u);
  EXPECT_EQ(c.string_chars(), "bbbba");
}

// ---------------------------------------------------------------------------
// take(RecordBatch)

TEST(TakeBatch, EveryType) {
  const RecordBatch src = every_type_batch();
  const RecordBatch got = take(src, {2, kNullRow, 0, 1});
  ASSERT_EQ(got.num_rows(), 4u);
  ASSERT_EQ(got.schema().size(), src.schema().size());
  expect_same_row(got, 0, src, 2);
  expect_same_row(got, 1, src, 1);  // src row 1 is all nulls, like a kNullRow
  expect_same_row(got, 2, src, 0);
  expect_same_row(got, 3, src, 1);
  EXPECT_TRUE(got.line_numbers().empty());
}

TEST(TakeBatch, CarriesLineNumbers) {
  RecordBatch src = every_type_batch();
  src.line_numbers() = {10, 11, 12};
  const RecordBatch got = take(src, {2, kNullRow, 0});
  EXPECT_EQ(got.line_numbers(), (std::vector<int64_t>{12, -1, 10}));
}

TEST(TakeBatch, EmptyIndices) {
  RecordBatch src = every_type_batch();
  src.line_numbers() = {1, 2, 3};
  const RecordBatch got = take(src, {});
  EXPECT_EQ(got.num_rows(), 0u);
  EXPECT_EQ(got.num_columns(), 7u);
  EXPECT_TRUE(got.line_numbers().empty());
}

// ---------------------------------------------------------------------------
// append_rows

RecordBatch two_columns(std::vector<std::optional<int64_t>> ids, std::vector<std::optional<std::string>> names) {
  return make_batch(Schema({{"id", DataType::kInt64, true, {}}, {"name", DataType::kString, true, {}}}),
                    {int64s(ids), strings(names)});
}

TEST(AppendRows, AppendsEveryColumn) {
  RecordBatch head = two_columns({1, std::nullopt}, {"a", "b"});
  const RecordBatch tail = two_columns({3}, {std::nullopt});
  ASSERT_TRUE(append_rows(&head, tail).is_ok());
  EXPECT_EQ(int64s_of(head.column(0)), (std::vector<std::optional<int64_t>>{1, std::nullopt, 3}));
  EXPECT_EQ(strings_of(head.column(1)), (std::vector<std::optional<std::string>>{"a", "b", std::nullopt}));
  EXPECT_TRUE(head.line_numbers().empty());
}

TEST(AppendRows, OntoEmptyBatch) {
  RecordBatch head(two_columns({}, {}).schema());
  ASSERT_TRUE(append_rows(&head, two_columns({5}, {"x"})).is_ok());
  EXPECT_EQ(head.num_rows(), 1u);
}

TEST(AppendRows, ToItself) {
  RecordBatch head = two_columns({1}, {"a"});
  head.line_numbers() = {7};
  ASSERT_TRUE(append_rows(&head, head).is_ok());
  EXPECT_EQ(int64s_of(head.column(0)), (std::vector<std::optional<int64_t>>{1, 1}));
  EXPECT_EQ(head.line_numbers(), (std::vector<int64_t>{7, 7}));
}

TEST(AppendRows, LineNumbersOfBothSides) {
  RecordBatch head = two_columns({1}, {"a"});
  head.line_numbers() = {4};
  RecordBatch tail = two_columns({2, 3}, {"b", "c"});
  tail.line_numbers() = {8, 9};
  ASSERT_TRUE(append_rows(&head, tail).is_ok());
  EXPECT_EQ(head.line_numbers(), (std::vector<int64_t>{4, 8, 9}));
}

TEST(AppendRows, LineNumbersOnlyInTheTail) {
  RecordBatch head = two_columns({1}, {"a"});
  RecordBatch tail = two_columns({2}, {"b"});
  tail.line_numbers() = {8};
  ASSERT_TRUE(append_rows(&head, tail).is_ok());
  EXPECT_EQ(head.line_numbers(), (std::vector<int64_t>{-1, 8}));
}

TEST(AppendRows, LineNumbersOnlyInTheHead) {
  RecordBatch head = two_columns({1}, {"a"});
  head.line_numbers() = {3};
  ASSERT_TRUE(append_rows(&head, two_columns({2}, {"b"})).is_ok());
  EXPECT_EQ(head.line_numbers(), (std::vector<int64_t>{3, -1}));
}

TEST(AppendRows, RejectsOtherColumnCount) {
  RecordBatch head = two_columns({1}, {"a"});
  RecordBatch tail(Schema({{"id", DataType::kInt64, true, {}}}));
  const util::Status st = append_rows(&head, tail);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(head.num_rows(), 1u);
}

TEST(AppendRows, RejectsOtherType) {
  RecordBatch head = two_columns({1}, {"a"});
  RecordBatch tail(Schema({{"id", DataType::kInt32, true, {}}, {"name", DataType::kString, true, {}}}));
  const util::Status st = append_rows(&head, tail);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("'id' long"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("'id' int"), std::string::npos) << st.message();
  EXPECT_EQ(head.num_rows(), 1u);
}

TEST(AppendRows, RejectsOtherName) {
  RecordBatch head = two_columns({1}, {"a"});
  RecordBatch tail(Schema({{"id", DataType::kInt64, true, {}}, {"label", DataType::kString, true, {}}}));
  const util::Status st = append_rows(&head, tail);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("label"), std::string::npos) << st.message();
}

TEST(AppendRows, IgnoresNullability) {
  RecordBatch head = two_columns({1}, {"a"});
  auto tail = RecordBatch::make(Schema({{"id", DataType::kInt64, false, {}}, {"name", DataType::kString, false, {}}}),
                                {int64s({2}), strings({"b"})});
  ASSERT_TRUE(tail.is_ok());
  EXPECT_TRUE(append_rows(&head, *tail).is_ok());
  EXPECT_EQ(head.num_rows(), 2u);
}

// ---------------------------------------------------------------------------
// RecordBatch::make / release_columns

TEST(RecordBatchMake, AssemblesColumns) {
  const RecordBatch b = two_columns({1, 2}, {"a", std::nullopt});
  EXPECT_EQ(b.num_rows(), 2u);
  EXPECT_EQ(b.num_columns(), 2u);
  EXPECT_EQ(b.schema().field(1).name, "name");
}

TEST(RecordBatchMake, NoColumns) {
  auto b = RecordBatch::make(Schema(), {});
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(b->num_rows(), 0u);
}

TEST(RecordBatchMake, RejectsColumnCount) {
  auto b = RecordBatch::make(Schema({{"id", DataType::kInt64, true, {}}}), {});
  EXPECT_EQ(b.status().code(), StatusCode::kInvalidArgument);
}

TEST(RecordBatchMake, RejectsColumnType) {
  auto b = RecordBatch::make(Schema({{"id", DataType::kTimestamp, true, {}}}), {int64s({1})});
  EXPECT_EQ(b.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(b.status().message().find("'id'"), std::string::npos) << b.status().message();
}

TEST(RecordBatchMake, RejectsDifferentLengths) {
  auto b = RecordBatch::make(Schema({{"id", DataType::kInt64, true, {}}, {"name", DataType::kString, true, {}}}),
                             {int64s({1, 2}), strings({"a"})});
  EXPECT_EQ(b.status().code(), StatusCode::kInvalidArgument);
}

TEST(RecordBatchMake, KeepsLineNumbers) {
  auto b = RecordBatch::make(Schema({{"id", DataType::kInt64, true, {}}}), {int64s({1, 2})}, {5, 6});
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(b->line_numbers(), (std::vector<int64_t>{5, 6}));
}

TEST(RecordBatchMake, RejectsLineNumberCount) {
  auto b = RecordBatch::make(Schema({{"id", DataType::kInt64, true, {}}}), {int64s({1, 2})}, {5});
  EXPECT_EQ(b.status().code(), StatusCode::kInvalidArgument);
}

TEST(RecordBatchReleaseColumns, MovesColumnsOut) {
  RecordBatch b = two_columns({1, 2}, {"a", "b"});
  std::vector<Column> cols = std::move(b).release_columns();
  ASSERT_EQ(cols.size(), 2u);
  EXPECT_EQ(int64s_of(cols[0]), (std::vector<std::optional<int64_t>>{1, 2}));
}

}  // namespace
}  // namespace medallion::columnar
