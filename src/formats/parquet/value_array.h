// ValueArray: the values of one ValueNode (parquet_schema.h) for a run of
// rows, in Arrow's columnar layout. The reader assembles them from
// definition/repetition levels; the writer shreds them back into levels.
//
//   every kind  length slots; validity holds one byte per slot (1 = present)
//               or is empty when every slot is present
//   kLeaf       values holds one slot per slot of the array (a null slot
//               keeps a zero / empty value), in the physical type's vector
//   kStruct     children[i] holds field i, with the same length
//   kList       offsets (length + 1 entries, offsets[0] == 0): slot i is
//               children[0][offsets[i], offsets[i+1]); a null or empty list
//               has offsets[i] == offsets[i+1]
//   kMap        like kList with children {keys, values}, both of
//               offsets.back() slots (values absent in a key-only map)
//
// Example: a LIST<INT32> column holding [1, null], null, []:
//   length 3, validity {1, 0, 1}, offsets {0, 2, 2, 2}
//   children[0]: kLeaf length 2, validity {1, 0}, values.i32 {1, 0}
//
// Thread safety: a value; concurrent reads are safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/parquet_schema.h"
#include "formats/parquet/plain_encoding.h"

namespace medallion::parquet {

// Values of one physical type, one slot each. Exactly one vector is used:
//   BOOLEAN bools (0/1)   INT32 i32   INT64 i64   INT96 i96   FLOAT f32
//   DOUBLE f64            BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY bytes
struct LeafValues {
  Type type = Type::kInt32;
  std::vector<uint8_t> bools;
  std::vector<int32_t> i32;
  std::vector<int64_t> i64;
  std::vector<Int96> i96;
  std::vector<float> f32;
  std::vector<double> f64;
  ByteArrays bytes;

  explicit LeafValues(Type t = Type::kInt32) : type(t) {}
  size_t size() const;
  void reserve(size_t n);
  // Appends a zero / empty value (the slot of a null).
  void append_zero();
};

struct ValueArray {
  ValueKind kind = ValueKind::kLeaf;
  size_t length = 0;
  std::vector<uint8_t> validity;
  std::vector<int64_t> offsets;
  std::vector<ValueArray> children;
  LeafValues values;

  bool is_null(size_t i) const { return !validity.empty() && validity[i] == 0; }
  size_t null_count() const;
};

// An empty array of the shape of `node` (leaf types from `columns`).
ValueArray make_empty_array(const ValueNode& node, const std::vector<ColumnDescriptor>& columns);

// Keeps the slots i with keep[i] != 0 (keep has array->length entries),
// dropping the others with everything nested under them.
void retain_rows(ValueArray* array, const std::vector<uint8_t>& keep);

// The rows of a projection: columns[i] is the top-level field fields[i]
// (an index into SchemaTree::root().children), each of num_rows slots.
struct RowBatch {
  size_t num_rows = 0;
  std::vector<size_t> fields;
  std::vector<ValueArray> columns;
};

}  // namespace medallion::parquet
