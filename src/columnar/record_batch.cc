#include "columnar/record_batch.h"

#include <fmt/format.h>

namespace medallion::columnar {

RecordBatch::RecordBatch(Schema schema) : schema_(std::move(schema)) {
  columns_.reserve(schema_.size());
  for (const Field& f : schema_.fields()) columns_.emplace_back(f.type);
}

void RecordBatch::reserve(size_t rows) {
  for (auto& c : columns_) c.reserve(rows, c.type() == DataType::kString ? rows * 24 : 0);
  line_numbers_.reserve(rows);
}

util::Result<RecordBatch> RecordBatch::make(Schema schema, std::vector<Column> columns,
                                            std::vector<int64_t> line_numbers) {
  if (columns.size() != schema.size()) {
    return util::Status::invalid_argument(
        fmt::format("columnar: cannot assemble a record batch ({} columns for {} schema fields): "
                    "pass one column per field",
                    columns.size(), schema.size()));
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    const Field& field = schema.field(i);
    if (columns[i].type() != field.type) {
      return util::Status::invalid_argument(fmt::format(
          "columnar: cannot assemble a record batch (column {} '{}' holds {}, the schema says {}): "
          "build the column with the field's type",
          i, field.name, data_type_name(columns[i].type()), data_type_name(field.type)));
    }
    if (columns[i].size() != columns[0].size()) {
      return util::Status::invalid_argument(fmt::format(
          "columnar: cannot assemble a record batch (column {} '{}' has {} rows, column 0 '{}' "
          "has {}): give every column the same number of rows",
          i, field.name, columns[i].size(), schema.field(0).name, columns[0].size()));
    }
  }
  const size_t rows = columns.empty() ? 0 : columns[0].size();
  if (!line_numbers.empty() && line_numbers.size() != rows) {
    return util::Status::invalid_argument(
        fmt::format("columnar: cannot assemble a record batch ({} line numbers for {} rows): "
                    "give one line number per row or none",
                    line_numbers.size(), rows));
  }
  RecordBatch batch;
  batch.schema_ = std::move(schema);
  batch.columns_ = std::move(columns);
  batch.line_numbers_ = std::move(line_numbers);
  return batch;
}

}  // namespace medallion::columnar
