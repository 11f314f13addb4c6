#include "columnar/column.h"

#include <fmt/format.h>

#include <cassert>
#include <cstring>

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

void Column::append_validity(const uint8_t* valid, size_t rows, size_t nulls) {
  if (nulls > 0 && validity_.empty()) validity_.assign(size_, 1);
  if (!validity_.empty()) {
    if (valid != nullptr) {
      validity_.insert(validity_.end(), valid, valid + rows);
    } else {
      validity_.resize(validity_.size() + rows, 1);
    }
  }
  size_ += rows;
  null_count_ += nulls;
}

void Column::append_from(const Column& other, size_t row) {
  assert(other.type_ == type_ && row < other.size_);
  if (&other == this) {
    const Column copy = other;
    append_from(copy, row);
    return;
  }
  if (other.is_null(row)) {
    append_null();
    return;
  }
  switch (type_) {
    case DataType::kBool: u8_.push_back(other.u8_[row]); break;
    case DataType::kInt32:
    case DataType::kDate: i32_.push_back(other.i32_[row]); break;
    case DataType::kInt64:
    case DataType::kTimestamp: i64_.push_back(other.i64_[row]); break;
    case DataType::kDouble: f64_.push_back(other.f64_[row]); break;
    case DataType::kString: chars_.append(other.string_at(row)); offsets_.push_back(chars_.size()); break;
  }
  mark_valid();
}

void Column::append_column(const Column& other) {
  assert(other.type_ == type_);
  if (&other == this) {
    const Column copy = other;
    append_column(copy);
    return;
  }
  switch (type_) {
    case DataType::kBool: u8_.insert(u8_.end(), other.u8_.begin(), other.u8_.end()); break;
    case DataType::kInt32:
    case DataType::kDate: i32_.insert(i32_.end(), other.i32_.begin(), other.i32_.end()); break;
    case DataType::kInt64:
    case DataType::kTimestamp: i64_.insert(i64_.end(), other.i64_.begin(), other.i64_.end()); break;
    case DataType::kDouble: f64_.insert(f64_.end(), other.f64_.begin(), other.f64_.end()); break;
    case DataType::kString: {
      const uint64_t shift = chars_.size();
      offsets_.reserve(offsets_.size() + other.size_);
      for (size_t r = 1; r <= other.size_; ++r) offsets_.push_back(other.offsets_[r] + shift);
      chars_.append(other.chars_);
      break;
    }
  }
  append_validity(other.validity_.empty() ? nullptr : other.validity_.data(), other.size_,
                  other.null_count_);
}

namespace {

// out gains values[indices[i]] for each i, or T{} for a negative index.
template <typename T>
void gather(const std::vector<T>& values, std::span<const int64_t> indices, std::vector<T>* out) {
  const size_t base = out->size();
  out->resize(base + indices.size());
  T* dst = out->data() + base;
  const T* src = values.data();
  for (size_t i = 0; i < indices.size(); ++i) {
    const int64_t r = indices[i];
    assert(r < 0 || static_cast<size_t>(r) < values.size());
    dst[i] = r < 0 ? T{} : src[r];
  }
}

}  // namespace

void Column::append_take(const Column& other, std::span<const int64_t> indices) {
  assert(other.type_ == type_);
  if (&other == this) {
    const Column copy = other;
    append_take(copy, indices);
    return;
  }
  const size_t n = indices.size();
  const uint8_t* src_valid = other.validity_.empty() ? nullptr : other.validity_.data();
  size_t nulls = 0;
  for (const int64_t r : indices) {
    nulls += (r < 0 || (src_valid != nullptr && src_valid[r] == 0)) ? 1 : 0;
  }
  if (nulls > 0 || !validity_.empty()) {
    if (validity_.empty()) validity_.assign(size_, 1);
    const size_t base = validity_.size();
    validity_.resize(base + n);
    uint8_t* dst = validity_.data() + base;
    for (size_t i = 0; i < n; ++i) {
      const int64_t r = indices[i];
      dst[i] = (r >= 0 && (src_valid == nullptr || src_valid[r] != 0)) ? 1 : 0;
    }
  }
  size_ += n;
  null_count_ += nulls;
  // A null source row holds a zero slot and an empty string, so only
  // negative indices need care below.
  switch (type_) {
    case DataType::kBool: gather(other.u8_, indices, &u8_); break;
    case DataType::kInt32:
    case DataType::kDate: gather(other.i32_, indices, &i32_); break;
    case DataType::kInt64:
    case DataType::kTimestamp: gather(other.i64_, indices, &i64_); break;
    case DataType::kDouble: gather(other.f64_, indices, &f64_); break;
    case DataType::kString: {
      const uint64_t* src_offsets = other.offsets_.data();
      size_t bytes = 0;
      for (const int64_t r : indices) {
        if (r >= 0) bytes += src_offsets[r + 1] - src_offsets[r];
      }
      const size_t base_chars = chars_.size();
      chars_.resize(base_chars + bytes);
      char* dst = chars_.data();
      const char* src = other.chars_.data();
      uint64_t pos = base_chars;
      const size_t base_offsets = offsets_.size();
      offsets_.resize(base_offsets + n);
      uint64_t* out_offsets = offsets_.data() + base_offsets;
      for (size_t i = 0; i < n; ++i) {
        const int64_t r = indices[i];
        if (r >= 0) {
          const uint64_t len = src_offsets[r + 1] - src_offsets[r];
          if (len != 0) std::memcpy(dst + pos, src + src_offsets[r], len);
          pos += len;
        }
        out_offsets[i] = pos;
      }
      break;
    }
  }
}

util::Result<Column> Column::adopt(DataType type, size_t rows, ColumnBuffers buffers) {
  auto too_short = [&](std::string_view what, size_t have) {
    return util::Status::invalid_argument(
        fmt::format("column: {} of {} values for {} rows of a {} column", what, have, rows,
                    data_type_name(type)));
  };
  Column out(type);
  out.size_ = rows;
  if (!buffers.validity.empty()) {
    if (buffers.validity.size() < rows) return too_short("validity", buffers.validity.size());
    buffers.validity.resize(rows);
    for (uint8_t v : buffers.validity) out.null_count_ += v == 0 ? 1 : 0;
    if (out.null_count_ > 0) out.validity_ = std::move(buffers.validity);
  }
  auto take = [&](auto& from, auto& to, std::string_view what) -> util::Status {
    if (from.size() < rows) return too_short(what, from.size());
    from.resize(rows);
    to = std::move(from);
    return util::Status::ok();
  };
  switch (type) {
    case DataType::kBool: MEDALLION_RETURN_IF_ERROR(take(buffers.u8, out.u8_, "booleans")); break;
    case DataType::kInt32:
    case DataType::kDate: MEDALLION_RETURN_IF_ERROR(take(buffers.i32, out.i32_, "int32s")); break;
    case DataType::kInt64:
    case DataType::kTimestamp:
      MEDALLION_RETURN_IF_ERROR(take(buffers.i64, out.i64_, "int64s"));
      break;
    case DataType::kDouble: MEDALLION_RETURN_IF_ERROR(take(buffers.f64, out.f64_, "doubles")); break;
    case DataType::kString: {
      if (buffers.offsets.size() < rows + 1) {
        return too_short("string offsets", buffers.offsets.size());
      }
      buffers.offsets.resize(rows + 1);
      if (buffers.offsets[0] != 0 || buffers.offsets[rows] > buffers.chars.size()) {
        return util::Status::invalid_argument("column: string offsets outside the bytes");
      }
      for (size_t i = 0; i < rows; ++i) {
        if (buffers.offsets[i] > buffers.offsets[i + 1]) {
          return util::Status::invalid_argument("column: string offsets decrease");
        }
      }
      buffers.chars.resize(buffers.offsets[rows]);
      out.offsets_ = std::move(buffers.offsets);
      out.chars_ = std::move(buffers.chars);
      break;
    }
  }
  return out;
}

ColumnBuffers Column::release() && {
  ColumnBuffers out;
  out.validity = std::move(validity_);
  out.u8 = std::move(u8_);
  out.i32 = std::move(i32_);
  out.i64 = std::move(i64_);
  out.f64 = std::move(f64_);
  out.offsets = std::move(offsets_);
  out.chars = std::move(chars_);
  clear();
  return out;
}

}  // namespace medallion::columnar
