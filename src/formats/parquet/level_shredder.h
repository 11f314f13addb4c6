// Level shredding: the writer's half of the Dremel encoding. Turns the
// ValueArray of a top-level field (value_array.h) into, for each leaf under
// it, the definition levels, repetition levels and non-null values that a
// column chunk stores. It is the exact inverse of record assembly as
// parquet_schema.h describes it.
//
// For each top-level slot (row) the walk emits one level entry per leaf value
// and one per null or empty position on the way to the leaf:
//
//   a null node N (nullable)         def = N.def_level - 1, no value
//   a present leaf                   def = leaf.def_level (= max_def), value
//   a present struct                 its fields, same slot, same rep
//   an empty list / map N            def = N.def_level (= element_def_level - 1)
//   a list / map N with elements     element 0 with the rep of N's slot,
//                                    elements 1.. with rep = N.element_rep_level
//   a row's first entry              rep = 0
//
// Example: optional group tags (LIST) { repeated group list { optional binary
// element; } }, max_def 3, max_rep 1; rows ["a", null], null, []:
//   def 3 2 0 1    rep 0 1 0 0    values "a"
//
// check_field_array() validates a field's array against its node before any
// of this runs; shred_field() assumes an array it accepted.
//
// Ownership: ShreddedLeaf::values points into the shredded array, which the
// caller keeps alive while it uses the result. Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "formats/parquet/parquet_schema.h"
#include "formats/parquet/value_array.h"
#include "util/status.h"

namespace medallion::parquet {

// The levels and values of one leaf for a run of rows.
struct ShreddedLeaf {
  const ValueArray* values = nullptr;  // the leaf's kLeaf array
  size_t num_entries = 0;              // level entries (values and nulls)
  std::vector<int16_t> def_levels;     // num_entries, or empty when max_def == 0
  std::vector<int16_t> rep_levels;     // num_entries, or empty when max_rep == 0
  std::vector<size_t> value_slots;     // slots of *values holding the non-null
                                       // values, in level order

  void clear() {
    values = nullptr;
    num_entries = 0;
    def_levels.clear();
    rep_levels.clear();
    value_slots.clear();
  }
};

// Checks that `array` has the shape of `field` (a top-level field of the
// schema whose leaves are `columns`) and `length` slots: kinds, lengths,
// validity sizes, offsets (length + 1 of them, non-decreasing, within the
// child), leaf physical types and value counts, byte array offsets, FIXED_LEN
// widths; and that no slot a reader would reach is null where the schema
// says it cannot be (a REQUIRED field, a repeated field's elements).
// Returns invalid_argument naming path_for_errors (the file written), the
// field path and the row.
util::Status check_field_array(const ValueNode& field, const ValueArray& array,
                               const std::vector<ColumnDescriptor>& columns, size_t length,
                               const std::string& path_for_errors);

// Shreds rows [begin, end) of `array`, the values of top-level `field`, into
// out->at(k) for each leaf field.first_leaf + k (out is resized to
// field.num_leaves; each entry is cleared first).
void shred_field(const ValueNode& field, const ValueArray& array, size_t begin, size_t end,
                 std::vector<ShreddedLeaf>* out);

}  // namespace medallion::parquet
