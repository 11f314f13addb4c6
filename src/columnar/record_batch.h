// RecordBatch: a schema and one Column per field, all of the same length,
// plus optional per-row source line numbers (kept by decoders so that every
// row can be traced back to its input line).
//
// Thread safety: a RecordBatch is a value; concurrent reads are safe.
#pragma once

#include <cstdint>
#include <vector>

#include "columnar/column.h"
#include "columnar/schema.h"

namespace medallion::columnar {

class RecordBatch {
 public:
  RecordBatch() = default;
  explicit RecordBatch(Schema schema);

  const Schema& schema() const { return schema_; }
  size_t num_rows() const { return columns_.empty() ? 0 : columns_[0].size(); }
  size_t num_columns() const { return columns_.size(); }
  Column& column(size_t i) { return columns_[i]; }
  const Column& column(size_t i) const { return columns_[i]; }

  std::vector<int64_t>& line_numbers() { return line_numbers_; }
  const std::vector<int64_t>& line_numbers() const { return line_numbers_; }

  void reserve(size_t rows);

 private:
  Schema schema_;
  std::vector<Column> columns_;
  std::vector<int64_t> line_numbers_;
};

}  // namespace medallion::columnar
