#include "columnar/column.h"

namespace medallion::columnar {

Column::Column(DataType type) : type_(type) {
  if (type_ == DataType::kString) offsets_.push_back(0);
}

void Column::reserve(size_t rows, size_t string_bytes) {
  switch (type_) {
    case DataType::kBool: u8_.reserve(rows); break;
    case DataType::kInt32:
    case DataType::kDate: i32_.reserve(rows); break;
    case DataType::kInt64:
    case DataType::kTimestamp: i64_.reserve(rows); break;
    case DataType::kDouble: f64_.reserve(rows); break;
    case DataType::kString:
      offsets_.reserve(rows + 1);
      chars_.reserve(string_bytes);
      break;
  }
}

void Column::clear() {
  size_ = 0;
  null_count_ = 0;
  validity_.clear();
  u8_.clear();
  i32_.clear();
  i64_.clear();
  f64_.clear();
  offsets_.clear();
  chars_.clear();
  if (type_ == DataType::kString) offsets_.push_back(0);
}

// Counts a valid row; validity bytes exist only once a null has arrived
// (append_null materialises them).
void Column::mark_valid() {
  if (!validity_.empty()) validity_.push_back(1);
  ++size_;
}

void Column::append_null() {
  if (validity_.empty()) validity_.assign(size_, 1);
  validity_.push_back(0);
  ++size_;
  ++null_count_;
  switch (type_) {
    case DataType::kBool: u8_.push_back(0); break;
    case DataType::kInt32:
    case DataType::kDate: i32_.push_back(0); break;
    case DataType::kInt64:
    case DataType::kTimestamp: i64_.push_back(0); break;
    case DataType::kDouble: f64_.push_back(0); break;
    case DataType::kString: offsets_.push_back(chars_.size()); break;
  }
}

void Column::append_bool(bool v) {
  u8_.push_back(v ? 1 : 0);
  mark_valid();
}
void Column::append_int32(int32_t v) {
  i32_.push_back(v);
  mark_valid();
}
void Column::append_int64(int64_t v) {
  i64_.push_back(v);
  mark_valid();
}
void Column::append_double(double v) {
  f64_.push_back(v);
  mark_valid();
}
void Column::append_string(std::string_view v) {
  chars_.append(v);
  offsets_.push_back(chars_.size());
  mark_valid();
}

}  // namespace medallion::columnar
