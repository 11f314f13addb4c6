#include "columnar/column.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/record_batch.h"
#include "columnar/schema.h"

namespace medallion::columnar {
namespace {

// ---------------------------------------------------------------------------
// Schema

Schema sample_schema() {
  return Schema({
      {"session_id", DataType::kString, false, {}},
      {"ts", DataType::kTimestamp, false, {}},
      {"day", DataType::kDate, true, {}},
      {"count", DataType::kInt64, true, {}},
      {"kind", DataType::kString, true, {"view", "click"}},
  });
}

TEST(DataTypeName, EveryTypeNamed) {
  EXPECT_EQ(data_type_name(DataType::kBool), "boolean");
  EXPECT_EQ(data_type_name(DataType::kInt32), "int");
  EXPECT_EQ(data_type_name(DataType::kInt64), "long");
  EXPECT_EQ(data_type_name(DataType::kDouble), "double");
  EXPECT_EQ(data_type_name(DataType::kString), "string");
  EXPECT_EQ(data_type_name(DataType::kDate), "date");
  EXPECT_EQ(data_type_name(DataType::kTimestamp), "timestamp");
}

TEST(Field, DefaultsToNullableString) {
  const Field f;
  EXPECT_EQ(f.type, DataType::kString);
  EXPECT_TRUE(f.nullable);
  EXPECT_TRUE(f.allowed_values.empty());
}

TEST(Schema, DefaultIsEmpty) {
  const Schema s;
  EXPECT_EQ(s.size(), 0u);
  EXPECT_TRUE(s.fields().empty());
  EXPECT_EQ(s.index_of("anything"), std::nullopt);
}

TEST(Schema, KeepsFieldsInOrder) {
  const Schema s = sample_schema();
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s.field(0).name, "session_id");
  EXPECT_EQ(s.field(1).type, DataType::kTimestamp);
  EXPECT_FALSE(s.field(1).nullable);
  EXPECT_TRUE(s.field(2).nullable);
  EXPECT_EQ(s.field(4).allowed_values, (std::vector<std::string>{"view", "click"}));
  EXPECT_EQ(s.fields().size(), 5u);
}

TEST(Schema, IndexOfFindsEachField) {
  const Schema s = sample_schema();
  EXPECT_EQ(s.index_of("session_id"), 0u);
  EXPECT_EQ(s.index_of("ts"), 1u);
  EXPECT_EQ(s.index_of("day"), 2u);
  EXPECT_EQ(s.index_of("count"), 3u);
  EXPECT_EQ(s.index_of("kind"), 4u);
}

TEST(Schema, IndexOfMissingIsNullopt) { EXPECT_EQ(sample_schema().index_of("nope"), std::nullopt); }

TEST(Schema, IndexOfIsCaseSensitive) { EXPECT_EQ(sample_schema().index_of("TS"), std::nullopt); }

TEST(Schema, IndexOfNeedsWholeName) {
  EXPECT_EQ(sample_schema().index_of("session"), std::nullopt);
  EXPECT_EQ(sample_schema().index_of("session_id_"), std::nullopt);
  EXPECT_EQ(sample_schema().index_of(""), std::nullopt);
}

TEST(Schema, IndexOfDuplicateNameIsFirst) {
  const Schema s({{"a", DataType::kInt32, true, {}}, {"a", DataType::kInt64, true, {}}});
  EXPECT_EQ(s.index_of("a"), 0u);
}

// ---------------------------------------------------------------------------
// Column: appends of every type

TEST(Column, NewColumnIsEmpty) {
  for (const DataType t : {DataType::kBool, DataType::kInt32, DataType::kInt64, DataType::kDouble,
                           DataType::kString, DataType::kDate, DataType::kTimestamp}) {
    const Column c(t);
    EXPECT_EQ(c.type(), t);
    EXPECT_EQ(c.size(), 0u);
    EXPECT_EQ(c.null_count(), 0u);
  }
}

TEST(Column, AppendBool) {
  Column c(DataType::kBool);
  c.append_bool(true);
  c.append_bool(false);
  c.append_bool(true);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_TRUE(c.bool_at(0));
  EXPECT_FALSE(c.bool_at(1));
  EXPECT_TRUE(c.bool_at(2));
  EXPECT_EQ(c.null_count(), 0u);
}

TEST(Column, AppendInt32Extremes) {
  Column c(DataType::kInt32);
  c.append_int32(std::numeric_limits<int32_t>::min());
  c.append_int32(0);
  c.append_int32(std::numeric_limits<int32_t>::max());
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c.int32_at(0), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(c.int32_at(1), 0);
  EXPECT_EQ(c.int32_at(2), std::numeric_limits<int32_t>::max());
  EXPECT_EQ(c.int32_values().size(), 3u);
}

TEST(Column, AppendDateUsesInt32Slots) {
  Column c(DataType::kDate);
  c.append_int32(17107);
  c.append_int32(-1);
  EXPECT_EQ(c.int32_values(), (std::vector<int32_t>{17107, -1}));
  EXPECT_TRUE(c.int64_values().empty());
}

TEST(Column, AppendInt64Extremes) {
  Column c(DataType::kInt64);
  c.append_int64(std::numeric_limits<int64_t>::min());
  c.append_int64(std::numeric_limits<int64_t>::max());
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c.int64_at(0), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(c.int64_at(1), std::numeric_limits<int64_t>::max());
}

TEST(Column, AppendTimestampUsesInt64Slots) {
  Column c(DataType::kTimestamp);
  c.append_int64(1'478'090'885'000'000);
  c.append_int64(-1);
  EXPECT_EQ(c.int64_values(), (std::vector<int64_t>{1'478'090'885'000'000, -1}));
  EXPECT_TRUE(c.int32_values().empty());
}

TEST(Column, AppendDouble) {
  Column c(DataType::kDouble);
  c.append_double(1.5);
  c.append_double(-0.0);
  c.append_double(std::numeric_limits<double>::infinity());
  c.append_double(std::nan(""));
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c.double_at(0), 1.5);
  EXPECT_TRUE(std::signbit(c.double_at(1)));
  EXPECT_TRUE(std::isinf(c.double_at(2)));
  EXPECT_TRUE(std::isnan(c.double_at(3)));
  EXPECT_EQ(c.null_count(), 0u);  // NaN is a value, not a null
}

TEST(Column, AppendString) {
  Column c(DataType::kString);
  c.append_string("hello");
  c.append_string("world!");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c.string_at(0), "hello");
  EXPECT_EQ(c.string_at(1), "world!");
}

// ---------------------------------------------------------------------------
// Column: strings and offsets

TEST(ColumnString, EmptyStringBetweenOthers) {
  Column c(DataType::kString);
  c.append_string("a");
  c.append_string("");
  c.append_string("bc");
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c.string_at(0), "a");
  EXPECT_EQ(c.string_at(1), "");
  EXPECT_EQ(c.string_at(2), "bc");
  EXPECT_FALSE(c.is_null(1));  // empty is not null
}

TEST(ColumnString, FirstValueEmpty) {
  Column c(DataType::kString);
  c.append_string("");
  c.append_string("x");
  EXPECT_EQ(c.string_at(0), "");
  EXPECT_EQ(c.string_at(1), "x");
}

TEST(ColumnString, EmbeddedNulAndUtf8Kept) {
  Column c(DataType::kString);
  const std::string_view with_nul("a\0b", 3);
  c.append_string(with_nul);
  c.append_string("caf\xc3\xa9");
  EXPECT_EQ(c.string_at(0), with_nul);
  EXPECT_EQ(c.string_at(0).size(), 3u);
  EXPECT_EQ(c.string_at(1), "caf\xc3\xa9");
}

TEST(ColumnString, ManyValuesKeepBoundaries) {
  Column c(DataType::kString);
  for (int i = 0; i < 1000; ++i)
    c.append_string(std::string(static_cast<size_t>(i % 7), 'a' + i % 26));
  ASSERT_EQ(c.size(), 1000u);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(c.string_at(static_cast<size_t>(i)),
              std::string(static_cast<size_t>(i % 7), 'a' + i % 26))
        << i;
  }
}

TEST(ColumnString, NullTakesNoBytes) {
  Column c(DataType::kString);
  c.append_string("ab");
  c.append_null();
  c.append_string("cd");
  EXPECT_EQ(c.string_at(0), "ab");
  EXPECT_EQ(c.string_at(1), "");
  EXPECT_EQ(c.string_at(2), "cd");
  EXPECT_TRUE(c.is_null(1));
}

TEST(ColumnString, ValuesSurviveBufferGrowth) {
  Column c(DataType::kString);
  c.append_string("first");
  const std::string big(1 << 20, 'z');
  c.append_string(big);
  EXPECT_EQ(c.string_at(0), "first");
  EXPECT_EQ(c.string_at(1), big);
}

// ---------------------------------------------------------------------------
// Column: nulls and lazily materialised validity

TEST(ColumnNulls, NoNullsMeansNoRowIsNull) {
  Column c(DataType::kInt64);
  for (int i = 0; i < 10; ++i) c.append_int64(i);
  for (size_t r = 0; r < 10; ++r) EXPECT_FALSE(c.is_null(r)) << r;
  EXPECT_EQ(c.null_count(), 0u);
}

TEST(ColumnNulls, FirstRowNull) {
  Column c(DataType::kInt64);
  c.append_null();
  c.append_int64(5);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_TRUE(c.is_null(0));
  EXPECT_FALSE(c.is_null(1));
  EXPECT_EQ(c.int64_at(1), 5);
  EXPECT_EQ(c.null_count(), 1u);
}

TEST(ColumnNulls, NullAfterValuesKeepsEarlierRowsValid) {
  Column c(DataType::kInt32);
  c.append_int32(1);
  c.append_int32(2);
  c.append_int32(3);
  c.append_null();
  ASSERT_EQ(c.size(), 4u);
  EXPECT_FALSE(c.is_null(0));
  EXPECT_FALSE(c.is_null(1));
  EXPECT_FALSE(c.is_null(2));
  EXPECT_TRUE(c.is_null(3));
  EXPECT_EQ(c.null_count(), 1u);
}

TEST(ColumnNulls, ValuesAfterNullAreValid) {
  Column c(DataType::kInt32);
  c.append_int32(1);
  c.append_null();
  c.append_int32(3);
  c.append_int32(4);
  ASSERT_EQ(c.size(), 4u);
  EXPECT_FALSE(c.is_null(0));
  EXPECT_TRUE(c.is_null(1));
  EXPECT_FALSE(c.is_null(2));
  EXPECT_FALSE(c.is_null(3));
  EXPECT_EQ(c.int32_at(2), 3);
  EXPECT_EQ(c.int32_at(3), 4);
}

TEST(ColumnNulls, NullSlotHoldsZero) {
  Column c(DataType::kInt64);
  c.append_int64(9);
  c.append_null();
  EXPECT_EQ(c.int64_values(), (std::vector<int64_t>{9, 0}));
}

TEST(ColumnNulls, AllNulls) {
  Column c(DataType::kDouble);
  for (int i = 0; i < 5; ++i) c.append_null();
  EXPECT_EQ(c.size(), 5u);
  EXPECT_EQ(c.null_count(), 5u);
  for (size_t r = 0; r < 5; ++r) EXPECT_TRUE(c.is_null(r));
}

TEST(ColumnNulls, ConsecutiveNullsCounted) {
  Column c(DataType::kBool);
  c.append_bool(true);
  c.append_null();
  c.append_null();
  c.append_bool(false);
  EXPECT_EQ(c.null_count(), 2u);
  EXPECT_TRUE(c.bool_at(0));
  EXPECT_FALSE(c.bool_at(3));
  EXPECT_FALSE(c.is_null(3));
}

// One column per type, values then a null then values: every row's validity
// and value must survive the switch to materialised validity.
TEST(ColumnNulls, EveryTypeAlternatingAfterFirstNull) {
  for (const DataType t : {DataType::kBool, DataType::kInt32, DataType::kInt64, DataType::kDouble,
                           DataType::kString, DataType::kDate, DataType::kTimestamp}) {
    Column c(t);
    auto append_value = [&](int i) {
      switch (t) {
        case DataType::kBool:
          c.append_bool(i % 2 == 1);
          break;
        case DataType::kInt32:
        case DataType::kDate:
          c.append_int32(i);
          break;
        case DataType::kInt64:
        case DataType::kTimestamp:
          c.append_int64(i);
          break;
        case DataType::kDouble:
          c.append_double(i + 0.5);
          break;
        case DataType::kString:
          c.append_string(std::to_string(i));
          break;
      }
    };
    append_value(1);
    append_value(2);
    c.append_null();
    for (int i = 3; i < 10; ++i) {
      if (i % 3 == 0) {
        c.append_null();
      } else {
        append_value(i);
      }
    }
    ASSERT_EQ(c.size(), 10u) << data_type_name(t);
    EXPECT_EQ(c.null_count(), 4u) << data_type_name(t);
    for (int i = 0; i < 10; ++i) {
      const auto r = static_cast<size_t>(i);
      const bool expect_null = i == 2 || (i >= 3 && i % 3 == 0);
      ASSERT_EQ(c.is_null(r), expect_null) << data_type_name(t) << " row " << i;
      if (expect_null) continue;
      const int v = i < 2 ? i + 1 : i;
      switch (t) {
        case DataType::kBool:
          EXPECT_EQ(c.bool_at(r), v % 2 == 1);
          break;
        case DataType::kInt32:
        case DataType::kDate:
          EXPECT_EQ(c.int32_at(r), v);
          break;
        case DataType::kInt64:
        case DataType::kTimestamp:
          EXPECT_EQ(c.int64_at(r), v);
          break;
        case DataType::kDouble:
          EXPECT_EQ(c.double_at(r), v + 0.5);
          break;
        case DataType::kString:
          EXPECT_EQ(c.string_at(r), std::to_string(v));
          break;
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Column: clear, reserve, copies

TEST(ColumnClear, EmptiesValuesAndNulls) {
  Column c(DataType::kInt64);
  c.append_int64(1);
  c.append_null();
  c.clear();
  EXPECT_EQ(c.size(), 0u);
  EXPECT_EQ(c.null_count(), 0u);
  EXPECT_TRUE(c.int64_values().empty());
}

TEST(ColumnClear, ValidityResetSoLaterValuesAreValid) {
  Column c(DataType::kInt32);
  c.append_null();
  c.append_null();
  c.clear();
  c.append_int32(7);
  c.append_int32(8);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_FALSE(c.is_null(0));
  EXPECT_FALSE(c.is_null(1));
  EXPECT_EQ(c.null_count(), 0u);
  EXPECT_EQ(c.int32_values(), (std::vector<int32_t>{7, 8}));
}

TEST(ColumnClear, NullAfterClearMaterialisesFromZero) {
  Column c(DataType::kInt32);
  c.append_int32(1);
  c.append_null();
  c.clear();
  c.append_int32(2);
  c.append_null();
  ASSERT_EQ(c.size(), 2u);
  EXPECT_FALSE(c.is_null(0));
  EXPECT_TRUE(c.is_null(1));
  EXPECT_EQ(c.null_count(), 1u);
}

TEST(ColumnClear, StringOffsetsRestart) {
  Column c(DataType::kString);
  c.append_string("before");
  c.append_null();
  c.clear();
  c.append_string("x");
  c.append_string("yz");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c.string_at(0), "x");
  EXPECT_EQ(c.string_at(1), "yz");
  EXPECT_FALSE(c.is_null(1));
}

TEST(ColumnClear, KeepsType) {
  Column c(DataType::kTimestamp);
  c.append_int64(1);
  c.clear();
  EXPECT_EQ(c.type(), DataType::kTimestamp);
}

TEST(ColumnReserve, DoesNotChangeSize) {
  Column s(DataType::kString);
  s.reserve(100, 1000);
  EXPECT_EQ(s.size(), 0u);
  s.append_string("a");
  EXPECT_EQ(s.string_at(0), "a");
  Column i(DataType::kInt32);
  i.reserve(100);
  EXPECT_EQ(i.size(), 0u);
  EXPECT_TRUE(i.int32_values().empty());
}

TEST(ColumnCopy, IsIndependent) {
  Column a(DataType::kString);
  a.append_string("one");
  Column b = a;
  b.append_null();
  b.append_string("two");
  EXPECT_EQ(a.size(), 1u);
  EXPECT_EQ(a.null_count(), 0u);
  EXPECT_EQ(b.size(), 3u);
  EXPECT_EQ(b.string_at(0), "one");
  EXPECT_EQ(b.string_at(2), "two");
}

// ---------------------------------------------------------------------------
// RecordBatch

TEST(RecordBatch, DefaultIsEmpty) {
  const RecordBatch b;
  EXPECT_EQ(b.num_columns(), 0u);
  EXPECT_EQ(b.num_rows(), 0u);
  EXPECT_EQ(b.schema().size(), 0u);
}

TEST(RecordBatch, OneColumnPerFieldWithFieldType) {
  const RecordBatch b(sample_schema());
  ASSERT_EQ(b.num_columns(), 5u);
  for (size_t i = 0; i < b.num_columns(); ++i) {
    EXPECT_EQ(b.column(i).type(), b.schema().field(i).type) << i;
    EXPECT_EQ(b.column(i).size(), 0u) << i;
  }
  EXPECT_EQ(b.num_rows(), 0u);
}

TEST(RecordBatch, KeepsSchema) {
  const RecordBatch b(sample_schema());
  EXPECT_EQ(b.schema().index_of("kind"), 4u);
  EXPECT_EQ(b.schema().field(0).name, "session_id");
}

TEST(RecordBatch, NumRowsFollowsColumns) {
  RecordBatch b(sample_schema());
  for (int r = 0; r < 3; ++r) {
    b.column(0).append_string("s" + std::to_string(r));
    b.column(1).append_int64(r * 1000);
    b.column(2).append_null();
    b.column(3).append_int64(r);
    b.column(4).append_string("view");
  }
  EXPECT_EQ(b.num_rows(), 3u);
  EXPECT_EQ(b.column(0).string_at(2), "s2");
  EXPECT_EQ(b.column(1).int64_at(1), 1000);
  EXPECT_EQ(b.column(2).null_count(), 3u);
  EXPECT_EQ(b.column(3).int64_at(2), 2);
}

TEST(RecordBatch, ColumnLookupByName) {
  RecordBatch b(sample_schema());
  const std::optional<size_t> i = b.schema().index_of("count");
  ASSERT_TRUE(i.has_value());
  b.column(*i).append_int64(41);
  EXPECT_EQ(b.column(3).int64_at(0), 41);
}

TEST(RecordBatch, LineNumbersStartEmptyAndAreMutable) {
  RecordBatch b(sample_schema());
  EXPECT_TRUE(b.line_numbers().empty());
  b.line_numbers().push_back(1);
  b.line_numbers().push_back(7);
  const RecordBatch& cb = b;
  EXPECT_EQ(cb.line_numbers(), (std::vector<int64_t>{1, 7}));
}

TEST(RecordBatch, ReserveKeepsBatchEmpty) {
  RecordBatch b(sample_schema());
  b.reserve(1000);
  EXPECT_EQ(b.num_rows(), 0u);
  EXPECT_EQ(b.num_columns(), 5u);
  EXPECT_TRUE(b.line_numbers().empty());
  b.column(0).append_string("after reserve");
  EXPECT_EQ(b.column(0).string_at(0), "after reserve");
}

TEST(RecordBatch, EmptySchemaHasNoColumns) {
  const RecordBatch b{Schema{}};
  EXPECT_EQ(b.num_columns(), 0u);
  EXPECT_EQ(b.num_rows(), 0u);
}

}  // namespace
}  // namespace medallion::columnar
