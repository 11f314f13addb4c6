#include "delta/columnar_bridge.h"

#include <fmt/format.h>

namespace medallion::delta {
namespace {

TypeKind delta_kind(columnar::DataType type) {
  switch (type) {
    case columnar::DataType::kBool: return TypeKind::kBoolean;
    case columnar::DataType::kInt32: return TypeKind::kInteger;
    case columnar::DataType::kInt64: return TypeKind::kLong;
    case columnar::DataType::kDouble: return TypeKind::kDouble;
    case columnar::DataType::kString: return TypeKind::kString;
    case columnar::DataType::kDate: return TypeKind::kDate;
    case columnar::DataType::kTimestamp: return TypeKind::kTimestamp;
  }
  return TypeKind::kString;
}

std::optional<columnar::DataType> columnar_type(TypeKind kind) {
  switch (kind) {
    case TypeKind::kBoolean: return columnar::DataType::kBool;
    case TypeKind::kInteger: return columnar::DataType::kInt32;
    case TypeKind::kLong: return columnar::DataType::kInt64;
    case TypeKind::kDouble: return columnar::DataType::kDouble;
    case TypeKind::kString: return columnar::DataType::kString;
    case TypeKind::kDate: return columnar::DataType::kDate;
    case TypeKind::kTimestamp: return columnar::DataType::kTimestamp;
    default: return std::nullopt;
  }
}

parquet::Type storage_of(columnar::DataType type) {
  switch (type) {
    case columnar::DataType::kBool: return parquet::Type::kBoolean;
    case columnar::DataType::kInt32:
    case columnar::DataType::kDate: return parquet::Type::kInt32;
    case columnar::DataType::kInt64:
    case columnar::DataType::kTimestamp: return parquet::Type::kInt64;
    case columnar::DataType::kDouble: return parquet::Type::kDouble;
    case columnar::DataType::kString: return parquet::Type::kByteArray;
  }
  return parquet::Type::kByteArray;
}

}  // namespace

Schema delta_schema_of(const columnar::Schema& schema) {
  Schema out;
  for (const columnar::Field& f : schema.fields()) {
    Field field;
    field.name = f.name;
    field.type.kind = delta_kind(f.type);
    field.nullable = f.nullable;
    out.fields.push_back(std::move(field));
  }
  return out;
}

util::Result<columnar::Schema> columnar_schema_of(const Schema& schema) {
  std::vector<columnar::Field> fields;
  for (const Field& f : schema.fields) {
    auto type = columnar_type(f.type.kind);
    if (!type) {
      return util::Status::unsupported(fmt::format(
          "delta: column '{}' has type {}, which the pipeline's record batches cannot hold",
          f.name, f.type.to_string()));
    }
    fields.push_back(columnar::Field{f.name, *type, f.nullable, {}});
  }
  return columnar::Schema(std::move(fields));
}

parquet::RowBatch to_row_batch(columnar::RecordBatch batch) {
  parquet::RowBatch rows;
  rows.num_rows = batch.num_rows();
  const columnar::Schema schema = batch.schema();
  std::vector<columnar::Column> columns = std::move(batch).release_columns();
  for (size_t c = 0; c < columns.size(); ++c) {
    const columnar::DataType type = columns[c].type();
    parquet::ValueArray array;
    array.length = columns[c].size();
    array.values = parquet::LeafValues(storage_of(type));
    columnar::ColumnBuffers buffers = std::move(columns[c]).release();
    array.validity = std::move(buffers.validity);
    parquet::LeafValues& v = array.values;
    switch (type) {
      case columnar::DataType::kBool: v.bools = std::move(buffers.u8); break;
      case columnar::DataType::kInt32:
      case columnar::DataType::kDate: v.i32 = std::move(buffers.i32); break;
      case columnar::DataType::kInt64:
      case columnar::DataType::kTimestamp: v.i64 = std::move(buffers.i64); break;
      case columnar::DataType::kDouble: v.f64 = std::move(buffers.f64); break;
      case columnar::DataType::kString:
        v.bytes.offsets = std::move(buffers.offsets);
        v.bytes.data = std::move(buffers.chars);
        break;
    }
    rows.fields.push_back(c);
    rows.columns.push_back(std::move(array));
  }
  return rows;
}

util::Result<columnar::RecordBatch> to_record_batch(const Schema& schema, parquet::RowBatch rows) {
  MEDALLION_ASSIGN_OR_RETURN(columnar::Schema columnar_schema, columnar_schema_of(schema));
  if (rows.columns.size() != schema.fields.size()) {
    return util::Status::invalid_argument(fmt::format(
        "delta: {} columns of rows do not match a schema of {} fields", rows.columns.size(),
        schema.fields.size()));
  }
  std::vector<columnar::Column> columns;
  columns.reserve(rows.columns.size());
  for (size_t c = 0; c < rows.columns.size(); ++c) {
    parquet::ValueArray& array = rows.columns[c];
    parquet::LeafValues& v = array.values;
    const columnar::DataType type = columnar_schema.field(c).type;
    if (array.kind != parquet::ValueKind::kLeaf || v.type != storage_of(type) ||
        v.size() < rows.num_rows) {
      return util::Status::invalid_argument(fmt::format(
          "delta: column '{}' is not stored as its type {} needs", schema.fields[c].name,
          schema.fields[c].type.to_string()));
    }
    columnar::ColumnBuffers buffers;
    buffers.validity = std::move(array.validity);
    switch (type) {
      case columnar::DataType::kBool: buffers.u8 = std::move(v.bools); break;
      case columnar::DataType::kInt32:
      case columnar::DataType::kDate: buffers.i32 = std::move(v.i32); break;
      case columnar::DataType::kInt64:
      case columnar::DataType::kTimestamp: buffers.i64 = std::move(v.i64); break;
      case columnar::DataType::kDouble: buffers.f64 = std::move(v.f64); break;
      case columnar::DataType::kString:
        buffers.offsets = std::move(v.bytes.offsets);
        buffers.chars = std::move(v.bytes.data);
        break;
    }
    auto column = columnar::Column::adopt(type, rows.num_rows, std::move(buffers));
    if (!column.is_ok()) {
      return util::Status::invalid_argument(fmt::format(
          "delta: column '{}': {}", schema.fields[c].name, column.status().message()));
    }
    columns.push_back(std::move(column).value());
  }
  return columnar::RecordBatch::make(std::move(columnar_schema), std::move(columns));
}

Scalar scalar_at(const columnar::Column& column, size_t row) {
  if (column.is_null(row)) {
    DataType type;
    type.kind = delta_kind(column.type());
    return Scalar::null_of(type);
  }
  switch (column.type()) {
    case columnar::DataType::kBool: return Scalar::of_boolean(column.bool_at(row));
    case columnar::DataType::kInt32: return Scalar::of_integer(column.int32_at(row));
    case columnar::DataType::kInt64: return Scalar::of_long(column.int64_at(row));
    case columnar::DataType::kDouble: return Scalar::of_double(column.double_at(row));
    case columnar::DataType::kString: return Scalar::of_string(std::string(column.string_at(row)));
    case columnar::DataType::kDate: return Scalar::of_date(column.int32_at(row));
    case columnar::DataType::kTimestamp: return Scalar::of_timestamp(column.int64_at(row));
  }
  return Scalar{};
}

Scalar scalar_of(const columnar::Literal& literal) {
  if (literal.is_null) {
    DataType type;
    type.kind = delta_kind(literal.type);
    return Scalar::null_of(type);
  }
  switch (literal.type) {
    case columnar::DataType::kBool: return Scalar::of_boolean(literal.int_value != 0);
    case columnar::DataType::kInt32:
      return Scalar::of_integer(static_cast<int32_t>(literal.int_value));
    case columnar::DataType::kInt64: return Scalar::of_long(literal.int_value);
    case columnar::DataType::kDouble: return Scalar::of_double(literal.double_value);
    case columnar::DataType::kString: return Scalar::of_string(literal.string_value);
    case columnar::DataType::kDate: return Scalar::of_date(literal.int_value);
    case columnar::DataType::kTimestamp: return Scalar::of_timestamp(literal.int_value);
  }
  return Scalar{};
}

}  // namespace medallion::delta
