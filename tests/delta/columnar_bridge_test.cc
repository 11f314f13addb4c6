#include "delta/columnar_bridge.h"

#include <gtest/gtest.h>

#include "delta/table_scan.h"
#include "delta/table_writer.h"
#include "util/in_memory_file_system.h"

namespace medallion::delta {
namespace {

columnar::Schema every_type() {
  using columnar::DataType;
  return columnar::Schema({{"b", DataType::kBool, true, {}},
                           {"i", DataType::kInt32, true, {}},
                           {"l", DataType::kInt64, false, {}},
                           {"d", DataType::kDouble, true, {}},
                           {"s", DataType::kString, true, {}},
                           {"day", DataType::kDate, true, {}},
                           {"ts", DataType::kTimestamp, true, {}}});
}

columnar::RecordBatch sample() {
  columnar::RecordBatch batch(every_type());
  for (int r = 0; r < 3; ++r) {
    if (r == 1) {
      batch.column(0).append_null();
      batch.column(1).append_null();
    } else {
      batch.column(0).append_bool(r == 0);
      batch.column(1).append_int32(-r);
    }
    batch.column(2).append_int64(int64_t{1} << (40 + r));
    batch.column(3).append_double(0.5 * r);
    if (r == 2) {
      batch.column(4).append_null();
    } else {
      batch.column(4).append_string(r == 0 ? "" : "héllo");
    }
    batch.column(5).append_int32(19000 + r);
    batch.column(6).append_int64(1'700'000'000'000'000 + r);
  }
  return batch;
}

void expect_equal(const columnar::RecordBatch& a, const columnar::RecordBatch& b) {
  ASSERT_EQ(a.num_rows(), b.num_rows());
  ASSERT_EQ(a.num_columns(), b.num_columns());
  for (size_t c = 0; c < a.num_columns(); ++c) {
    for (size_t r = 0; r < a.num_rows(); ++r) {
      const auto& x = a.column(c);
      const auto& y = b.column(c);
      ASSERT_EQ(x.is_null(r), y.is_null(r)) << c << "," << r;
      if (x.is_null(r)) continue;
      switch (x.type()) {
        case columnar::DataType::kBool: EXPECT_EQ(x.bool_at(r), y.bool_at(r)); break;
        case columnar::DataType::kInt32:
        case columnar::DataType::kDate: EXPECT_EQ(x.int32_at(r), y.int32_at(r)); break;
        case columnar::DataType::kInt64:
        case columnar::DataType::kTimestamp: EXPECT_EQ(x.int64_at(r), y.int64_at(r)); break;
        case columnar::DataType::kDouble: EXPECT_EQ(x.double_at(r), y.double_at(r)); break;
        case columnar::DataType::kString: EXPECT_EQ(x.string_at(r), y.string_at(r)); break;
      }
    }
  }
}

TEST(ColumnarBridge, SchemasMapBothWays) {
  Schema delta = delta_schema_of(every_type());
  EXPECT_EQ(delta.fields[6].type.kind, TypeKind::kTimestamp);
  EXPECT_FALSE(delta.fields[2].nullable);
  auto back = columnar_schema_of(delta);
  ASSERT_TRUE(back.is_ok());
  EXPECT_EQ(back.value().field(5).type, columnar::DataType::kDate);
}

TEST(ColumnarBridge, NestedTypesAreRefusedByName) {
  auto schema = parse_schema(
      R"({"type":"struct","fields":[{"name":"tags","type":{"type":"array","elementType":"string","containsNull":true},"nullable":true,"metadata":{}}]})");
  ASSERT_TRUE(schema.is_ok());
  auto r = columnar_schema_of(schema.value());
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("'tags'"), std::string::npos);
}

TEST(ColumnarBridge, RecordBatchRoundTripsThroughADeltaTable) {
  util::InMemoryFileSystem fs;
  columnar::RecordBatch batch = sample();
  Schema schema = delta_schema_of(batch.schema());
  ASSERT_TRUE(create_table(fs, "/t", schema, {"day"}, {}).is_ok());
  auto appended = append(fs, "/t", to_row_batch(batch));
  ASSERT_TRUE(appended.is_ok()) << appended.status().message();
  auto snapshot = load_snapshot(fs, "/t");
  ASSERT_TRUE(snapshot.is_ok());
  auto scan = TableScan::make(snapshot.value());
  ASSERT_TRUE(scan.is_ok());
  columnar::RecordBatch read(every_type());
  std::vector<columnar::RecordBatch> parts;
  ASSERT_TRUE(scan.value().read_all(fs, [&](parquet::RowBatch&& rows) {
    auto part = to_record_batch(schema, rows);
    if (!part.is_ok()) return part.status();
    parts.push_back(std::move(part).value());
    return util::Status::ok();
  }).is_ok());
  // One file per day, read in path order: days 19000, 19001, 19002.
  ASSERT_EQ(parts.size(), 3u);
  for (size_t c = 0; c < batch.num_columns(); ++c) {
    for (const auto& p : parts) {
      const auto& col = p.column(c);
      auto& out = read.column(c);
      if (col.is_null(0)) {
        out.append_null();
        continue;
      }
      switch (col.type()) {
        case columnar::DataType::kBool: out.append_bool(col.bool_at(0)); break;
        case columnar::DataType::kInt32:
        case columnar::DataType::kDate: out.append_int32(col.int32_at(0)); break;
        case columnar::DataType::kInt64:
        case columnar::DataType::kTimestamp: out.append_int64(col.int64_at(0)); break;
        case columnar::DataType::kDouble: out.append_double(col.double_at(0)); break;
        case columnar::DataType::kString: out.append_string(col.string_at(0)); break;
      }
    }
  }
  expect_equal(batch, read);
}

}  // namespace
}  // namespace medallion::delta
