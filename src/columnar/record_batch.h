// RecordBatch: a schema and one Column per field, all of the same length,
// plus optional per-row source line numbers (kept by decoders so that every
// row can be traced back to its input line).
//
// A batch built with RecordBatch(schema) has one empty column per field;
// make() assembles one from columns built elsewhere and checks that they fit
// the schema. line_numbers() is either empty or holds one entry per row.
//
// Thread safety: a RecordBatch is a value; concurrent reads are safe.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "columnar/column.h"
#include "columnar/schema.h"
#include "util/status.h"

namespace medallion::columnar {

class RecordBatch {
 public:
  RecordBatch() = default;
  explicit RecordBatch(Schema schema);

  // A batch of `columns` under `schema`: kInvalidArgument when the column
  // count differs from the schema's field count, a column's type differs from
  // its field's, or the columns differ in length. line_numbers, when given,
  // must hold one entry per row (kInvalidArgument otherwise).
  static util::Result<RecordBatch> make(Schema schema, std::vector<Column> columns,
                                        std::vector<int64_t> line_numbers = {});

  const Schema& schema() const { return schema_; }
  size_t num_rows() const { return columns_.empty() ? 0 : columns_[0].size(); }
  size_t num_columns() const { return columns_.size(); }
  Column& column(size_t i) { return columns_[i]; }
  const Column& column(size_t i) const { return columns_[i]; }

  std::vector<int64_t>& line_numbers() { return line_numbers_; }
  const std::vector<int64_t>& line_numbers() const { return line_numbers_; }

  void reserve(size_t rows);

  // Moves the columns out, leaving the batch without columns.
  std::vector<Column> release_columns() && { return std::move(columns_); }

 private:
  Schema schema_;
  std::vector<Column> columns_;
  std::vector<int64_t> line_numbers_;
};

}  // namespace medallion::columnar
