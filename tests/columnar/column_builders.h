// Test helpers for the columnar tests: short builders of Columns and
// RecordBatches from literal values, and readers of a Column's values back.
//
//   int64s / strings / doubles       a nullable Column from a vector of
//                                    optionals (std::nullopt -> null)
//   int64s_of / strings_of / doubles_of
//                                    a Column's values as a vector of
//                                    optionals (null -> std::nullopt); expects
//                                    the column to have that type
//   make_batch                       RecordBatch::make that expects success
//   one_column_batch                 a one-column batch of a Column, under a
//                                    nullable field of the given name
//   int64_batch / string_batch / double_batch
//                                    a one-column batch of int64s / strings /
//                                    doubles (fields "k" / "s" / "d" unless named)
//   every_type_schema                one nullable field of every DataType
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "columnar/column.h"
#include "columnar/record_batch.h"
#include "columnar/schema.h"

namespace medallion::columnar::testing {

namespace detail {

// A Column of `type`: each value through append(column, value), each
// std::nullopt as a null.
template <typename T, typename Append>
Column column_of(DataType type, const std::vector<std::optional<T>>& values, Append append) {
  Column c(type);
  for (const auto& v : values) {
    if (v) {
      append(c, *v);
    } else {
      c.append_null();
    }
  }
  return c;
}

// The rows of `c`, which should be of `type`: each value through get(c, row),
// each null as std::nullopt.
template <typename T, typename Get>
std::vector<std::optional<T>> values_of(const Column& c, DataType type, Get get) {
  EXPECT_EQ(c.type(), type);
  std::vector<std::optional<T>> out;
  out.reserve(c.size());
  for (size_t r = 0; r < c.size(); ++r) {
    out.push_back(c.is_null(r) ? std::nullopt : std::optional<T>(get(c, r)));
  }
  return out;
}

}  // namespace detail

inline Column int64s(const std::vector<std::optional<int64_t>>& values) {
  return detail::column_of(DataType::kInt64, values, [](Column& c, int64_t v) { c.append_int64(v); });
}

inline Column strings(const std::vector<std::optional<std::string>>& values) {
  return detail::column_of(DataType::kString, values,
                           [](Column& c, const std::string& v) { c.append_string(v); });
}

inline Column doubles(const std::vector<std::optional<double>>& values) {
  return detail::column_of(DataType::kDouble, values, [](Column& c, double v) { c.append_double(v); });
}

inline std::vector<std::optional<int64_t>> int64s_of(const Column& c) {
  return detail::values_of<int64_t>(c, DataType::kInt64,
                                    [](const Column& col, size_t r) { return col.int64_at(r); });
}

inline std::vector<std::optional<std::string>> strings_of(const Column& c) {
  return detail::values_of<std::string>(
      c, DataType::kString, [](const Column& col, size_t r) { return std::string(col.string_at(r)); });
}

inline std::vector<std::optional<double>> doubles_of(const Column& c) {
  return detail::values_of<double>(c, DataType::kDouble,
                                   [](const Column& col, size_t r) { return col.double_at(r); });
}

// RecordBatch::make(schema, columns), failing the test (and returning an
// empty batch) when it does not assemble.
inline RecordBatch make_batch(Schema schema, std::vector<Column> columns) {
  auto made = RecordBatch::make(std::move(schema), std::move(columns));
  EXPECT_TRUE(made.is_ok()) << made.status().to_string();
  return made.is_ok() ? std::move(made).value() : RecordBatch();
}

// A batch of the one column `column`, under a nullable field `name`.
inline RecordBatch one_column_batch(Column column, const std::string& name) {
  Schema schema({{name, column.type(), true, {}}});
  std::vector<Column> columns;
  columns.push_back(std::move(column));
  return make_batch(std::move(schema), std::move(columns));
}

inline RecordBatch int64_batch(const std::vector<std::optional<int64_t>>& values,
                               const std::string& name = "k") {
  return one_column_batch(int64s(values), name);
}

inline RecordBatch string_batch(const std::vector<std::optional<std::string>>& values,
                                const std::string& name = "s") {
  return one_column_batch(strings(values), name);
}

inline RecordBatch double_batch(const std::vector<std::optional<double>>& values,
                                const std::string& name = "d") {
  return one_column_batch(doubles(values), name);
}

// b bool, i int, l long, d double, s string, day date, ts timestamp; all
// nullable.
inline Schema every_type_schema() {
  return Schema({{"b", DataType::kBool, true, {}},
                 {"i", DataType::kInt32, true, {}},
                 {"l", DataType::kInt64, true, {}},
                 {"d", DataType::kDouble, true, {}},
                 {"s", DataType::kString, true, {}},
                 {"day", DataType::kDate, true, {}},
                 {"ts", DataType::kTimestamp, true, {}}});
}

}  // namespace medallion::columnar::testing
