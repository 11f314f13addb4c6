#include "columnar/record_batch.h"

namespace medallion::columnar {

RecordBatch::RecordBatch(Schema schema) : schema_(std::move(schema)) {
  columns_.reserve(schema_.size());
  for (const Field& f : schema_.fields()) columns_.emplace_back(f.type);
}

void RecordBatch::reserve(size_t rows) {
  for (auto& c : columns_) c.reserve(rows, c.type() == DataType::kString ? rows * 24 : 0);
  line_numbers_.reserve(rows);
}

}  // namespace medallion::columnar
