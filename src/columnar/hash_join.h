// Hash join: an in-memory hash index over the key columns of one batch (the
// build side of an equi-join) and a probe that lists every matching
// (probe row, build row) pair. Callers turn the pairs into rows with take()
// (inner join), or use the unmatched rows for outer, semi and anti joins.
//
// Semantics: keys match when every key column is equal (row_key.h: by value
// within one type, doubles -0.0 == 0.0 and NaN == NaN). A row with a null in
// any key column is never indexed and never matches (SQL equality). Key types
// must be equal pairwise (int and date are different types).
//
// Layout: one hash per build row (row_key.h); an open-addressing table
// (linear probing, load <= 1/2) of {hash tag, first build row} per distinct
// key; the other build rows of a key are chained in a flat `next` vector in
// ascending row order. No per-row heap allocation; strings are compared in
// place in the column buffers. Build and probe rows are limited to 2^32 - 2.
//
// Output order: matches->probe_rows ascending (probe order); for one probe
// row, its build rows ascending.
//
// Ownership and thread safety: the index keeps pointers into the build
// batch's column buffers: the batch must outlive the index and must not be
// modified meanwhile. probe() is const and may run from several threads at
// once (each with its own JoinMatches).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "columnar/record_batch.h"
#include "columnar/row_key.h"
#include "util/status.h"

namespace medallion::columnar {

struct JoinMatches {
  std::vector<uint32_t> probe_rows;  // ascending (probe order)
  std::vector<uint32_t> build_rows;  // for equal probe rows, ascending build rows
};

class JoinIndex {
 public:
  // kInvalidArgument for no key columns, an out-of-range key column, or a
  // batch of 2^32 - 1 rows or more. Every type hashes.
  static util::Result<JoinIndex> build(const RecordBatch& batch, std::vector<size_t> key_columns);
  // A temporary build batch would die before the index: refused at compile time.
  static util::Result<JoinIndex> build(RecordBatch&& batch, std::vector<size_t> key_columns) = delete;

  // Appends to *matches every (probe row, build row) pair with equal keys.
  // probe_keys[i] pairs with key_columns[i]; their types must be equal
  // (kInvalidArgument naming both columns otherwise; *matches unchanged).
  util::Status probe(const RecordBatch& probe, const std::vector<size_t>& probe_keys,
                     JoinMatches* matches) const;

  // Build rows held by the index (rows without a null key).
  size_t indexed_rows() const { return indexed_rows_; }
  // True when some key value occurs in more than one build row.
  bool has_duplicate_keys() const { return has_duplicate_keys_; }

 private:
  static constexpr uint32_t kNoRow = 0xffffffffu;
  struct Slot {
    uint32_t tag = 0;       // high 32 bits of the key's hash
    uint32_t row = kNoRow;  // first build row with the key; kNoRow: empty
  };

  Schema schema_;  // the build batch's schema, for error messages
  std::vector<size_t> key_columns_;
  RowKeys keys_;
  std::vector<Slot> slots_;
  uint64_t mask_ = 0;
  std::vector<uint32_t> next_;  // next build row with the same key; kNoRow ends
  size_t indexed_rows_ = 0;
  bool has_duplicate_keys_ = false;
};

}  // namespace medallion::columnar
