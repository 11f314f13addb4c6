// Column: one typed, nullable column of values held in contiguous buffers.
//
// Fixed-width types keep one slot per row in a typed vector (int32 for kInt32
// and kDate, int64 for kInt64 and kTimestamp, double, uint8 for kBool); a null
// row keeps a zero in its slot. Strings keep Arrow-style offsets (rows + 1
// entries) into one byte buffer. Validity is one byte per row (1 = valid),
// kept empty while the column has no nulls.
//
// Bulk appends (append_from, append_column, append_take) copy rows of another
// column of the same type; they reserve once and copy fixed-width values
// without per-row branching where the source has no nulls. The raw accessors
// (validity(), *_values(), string_offsets(), string_chars()) expose the
// buffers for the engine's tight loops (row_key, sort); they stay valid until
// the column is next modified.
//
// ColumnBuffers hand a column's buffers over without copying: adopt()
// builds a column from them (checked), release() gives them back.
//
// Thread safety: a Column is a value; concurrent reads are safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/schema.h"
#include "util/status.h"

namespace medallion::columnar {

// The buffers of a column, laid out as in Column (only those of its type are
// used; a null slot holds a zero / empty value).
struct ColumnBuffers {
  std::vector<uint8_t> validity;  // empty, or one byte per row (1 = valid)
  std::vector<uint8_t> u8;        // kBool
  std::vector<int32_t> i32;       // kInt32, kDate
  std::vector<int64_t> i64;       // kInt64, kTimestamp
  std::vector<double> f64;        // kDouble
  std::vector<uint64_t> offsets;  // kString: rows + 1 entries, offsets[0] == 0
  std::string chars;              // kString
};

class Column {
 public:
  explicit Column(DataType type);

  // A column of `rows` rows over `buffers`, moved in. Longer value buffers
  // are cut to `rows`. kInvalidArgument when a buffer is too short or the
  // string offsets do not rise within the bytes.
  static util::Result<Column> adopt(DataType type, size_t rows, ColumnBuffers buffers);
  // The column's buffers (validity empty when there are no nulls).
  ColumnBuffers release() &&;

  DataType type() const { return type_; }
  size_t size() const { return size_; }
  size_t null_count() const { return null_count_; }
  bool is_null(size_t row) const { return !validity_.empty() && validity_[row] == 0; }

  void reserve(size_t rows, size_t string_bytes = 0);
  void clear();

  void append_null();
  void append_bool(bool v);
  void append_int32(int32_t v);  // kInt32, kDate
  void append_int64(int64_t v);  // kInt64, kTimestamp
  void append_double(double v);
  void append_string(std::string_view v);

  // Appends row `row` of `other` (value or null). other.type() must equal
  // type() and row must be < other.size() (preconditions, asserted).
  void append_from(const Column& other, size_t row);
  // Appends every row of `other` (same type, asserted).
  void append_column(const Column& other);
  // Appends, for each index, row `index` of `other` (same type), or a null
  // row when the index is negative. Non-negative indices must be
  // < other.size() (asserted).
  void append_take(const Column& other, std::span<const int64_t> indices);

  bool bool_at(size_t row) const { return u8_[row] != 0; }
  int32_t int32_at(size_t row) const { return i32_[row]; }
  int64_t int64_at(size_t row) const { return i64_[row]; }
  double double_at(size_t row) const { return f64_[row]; }
  std::string_view string_at(size_t row) const {
    return {chars_.data() + offsets_[row], offsets_[row + 1] - offsets_[row]};
  }

  const std::vector<int64_t>& int64_values() const { return i64_; }
  const std::vector<int32_t>& int32_values() const { return i32_; }
  const std::vector<uint8_t>& bool_values() const { return u8_; }
  const std::vector<double>& double_values() const { return f64_; }
  // size() + 1 offsets into string_chars(); row r is [offsets[r], offsets[r + 1]).
  const std::vector<uint64_t>& string_offsets() const { return offsets_; }
  const std::string& string_chars() const { return chars_; }
  // One byte per row (1 = valid), or empty when the column has no nulls.
  const std::vector<uint8_t>& validity() const { return validity_; }

 private:
  void mark_valid();
  // Appends `rows` validity bytes (all valid when `valid` is null) keeping the
  // invariant that validity_ is empty exactly while there are no nulls.
  void append_validity(const uint8_t* valid, size_t rows, size_t nulls);

  DataType type_;
  size_t size_ = 0;
  size_t null_count_ = 0;
  std::vector<uint8_t> validity_;
  std::vector<uint8_t> u8_;
  std::vector<int32_t> i32_;
  std::vector<int64_t> i64_;
  std::vector<double> f64_;
  std::vector<uint64_t> offsets_;
  std::string chars_;
};

}  // namespace medallion::columnar
