// Row keys: hashing and comparing the values of a set of key columns per row,
// shared by the hash join and the hash aggregation.
//
// A RowKeys is a view of some columns of one batch (the key columns, in
// order). hash_rows() computes one 64-bit hash per row, a column at a time;
// equal() compares row i of one view with row j of another (or the same)
// view column by column. Views compared or hashed against each other must
// have the same key types in the same order (check_same_key_types); the hash
// of a row depends only on its key values and their types, so rows of
// different batches hash alike when their keys are equal.
//
// Value equality (Spark's grouping and join semantics):
//   - by value within one type; strings byte for byte; bool, int, long,
//     date, timestamp by their integer value;
//   - doubles: -0.0 equals 0.0, NaN equals NaN (every NaN payload); values
//     are normalized before hashing so that equal values hash alike;
//   - null equals null here (IS NOT DISTINCT FROM, what GROUP BY needs); a
//     join skips rows with a null key (any_null) before comparing.
//
// The hash is medallion's own multiply-fold mix (not stable across releases:
// never persist it). It is good for hash tables, not for adversarial input.
//
// Ownership and thread safety: a RowKeys points into the batch's column
// buffers; the batch must outlive it and must not be modified meanwhile (a
// RecordBatch moved elsewhere keeps its buffers in place; appending to it
// may not).
// Const methods may be called from several threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "columnar/record_batch.h"
#include "columnar/schema.h"
#include "util/status.h"

namespace medallion::columnar {

// The hash of 'n' bytes (the hash of a string key value).
uint64_t hash_bytes(const char* data, size_t n);

// A double as a key: -0.0 as 0.0, every NaN as one quiet NaN.
double normalize_double_key(double v);

class RowKeys {
 public:
  // One view column, as raw buffers for tight loops.
  struct KeyColumn {
    DataType type = DataType::kInt64;
    const uint8_t* validity = nullptr;  // null when the column has no nulls
    const void* values = nullptr;       // uint8 / int32 / int64 / double slots
    const uint64_t* offsets = nullptr;  // strings
    const char* chars = nullptr;        // strings
  };

  RowKeys() = default;
  // kInvalidArgument when a key column index is out of range.
  static util::Result<RowKeys> make(const RecordBatch& batch, const std::vector<size_t>& key_columns);
  // A view of a temporary batch would dangle: refused at compile time.
  static util::Result<RowKeys> make(RecordBatch&& batch, const std::vector<size_t>& key_columns) = delete;

  size_t num_keys() const { return columns_.size(); }
  size_t num_rows() const { return rows_; }
  const KeyColumn& key(size_t k) const { return columns_[k]; }
  // True when some key column holds a null somewhere.
  bool has_nulls() const { return has_nulls_; }
  // True when some key column holds strings.
  bool has_strings() const { return has_strings_; }
  // True when some key column is null in `row`.
  bool any_null(size_t row) const {
    for (const KeyColumn& c : columns_) {
      if (c.validity != nullptr && c.validity[row] == 0) return true;
    }
    return false;
  }

  // Hints the CPU to load the key values of `row` (strings: their offsets).
  void prefetch(size_t row) const {
    for (const KeyColumn& c : columns_) {
      switch (c.type) {
        case DataType::kBool: __builtin_prefetch(static_cast<const uint8_t*>(c.values) + row); break;
        case DataType::kInt32:
        case DataType::kDate: __builtin_prefetch(static_cast<const int32_t*>(c.values) + row); break;
        case DataType::kInt64:
        case DataType::kTimestamp: __builtin_prefetch(static_cast<const int64_t*>(c.values) + row); break;
        case DataType::kDouble: __builtin_prefetch(static_cast<const double*>(c.values) + row); break;
        case DataType::kString: __builtin_prefetch(c.offsets + row); break;
      }
    }
  }

  // Hints the CPU to load the string bytes of `row` (after prefetch(row) has
  // brought its offsets in); nothing for fixed-width keys.
  void prefetch_strings(size_t row) const {
    for (const KeyColumn& c : columns_) {
      if (c.type == DataType::kString) __builtin_prefetch(c.chars + c.offsets[row]);
    }
  }

  // Resizes *hashes to num_rows() and stores each row's key hash there.
  void hash_rows(std::vector<uint64_t>* hashes) const;

  // True when `row` of this view and `other_row` of `other` hold equal key
  // values (see the top of the file). Precondition: same key types.
  bool equal(size_t row, const RowKeys& other, size_t other_row) const;

 private:
  std::vector<KeyColumn> columns_;
  size_t rows_ = 0;
  bool has_nulls_ = false;
  bool has_strings_ = false;
};

// OK when `a` and `b` have the same number of key columns with equal types;
// kInvalidArgument otherwise, naming the first pair that differs (column
// names from the two schemas; `a_columns`/`b_columns` are the key indices).
util::Status check_same_key_types(const Schema& a_schema, const std::vector<size_t>& a_columns,
                                  const Schema& b_schema, const std::vector<size_t>& b_columns);

}  // namespace medallion::columnar
