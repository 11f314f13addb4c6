#include "formats/parquet/value_array.h"

namespace medallion::parquet {

size_t LeafValues::size() const {
  switch (type) {
    case Type::kBoolean: return bools.size();
    case Type::kInt32: return i32.size();
    case Type::kInt64: return i64.size();
    case Type::kInt96: return i96.size();
    case Type::kFloat: return f32.size();
    case Type::kDouble: return f64.size();
    case Type::kByteArray:
    case Type::kFixedLenByteArray: return bytes.size();
  }
  return 0;
}

void LeafValues::reserve(size_t n) {
  switch (type) {
    case Type::kBoolean: bools.reserve(n); break;
    case Type::kInt32: i32.reserve(n); break;
    case Type::kInt64: i64.reserve(n); break;
    case Type::kInt96: i96.reserve(n); break;
    case Type::kFloat: f32.reserve(n); break;
    case Type::kDouble: f64.reserve(n); break;
    case Type::kByteArray:
    case Type::kFixedLenByteArray: bytes.offsets.reserve(n + 1); break;
  }
}

void LeafValues::append_zero() {
  switch (type) {
    case Type::kBoolean: bools.push_back(0); break;
    case Type::kInt32: i32.push_back(0); break;
    case Type::kInt64: i64.push_back(0); break;
    case Type::kInt96: i96.push_back(Int96{}); break;
    case Type::kFloat: f32.push_back(0); break;
    case Type::kDouble: f64.push_back(0); break;
    case Type::kByteArray:
    case Type::kFixedLenByteArray: bytes.offsets.push_back(bytes.data.size()); break;
  }
}

size_t ValueArray::null_count() const {
  size_t nulls = 0;
  for (uint8_t v : validity) nulls += v == 0;
  return nulls;
}

ValueArray make_empty_array(const ValueNode& node, const std::vector<ColumnDescriptor>& columns) {
  ValueArray array;
  array.kind = node.kind;
  if (node.kind == ValueKind::kLeaf) {
    array.values = LeafValues(columns[static_cast<size_t>(node.leaf)].physical_type);
  }
  if (node.kind == ValueKind::kList || node.kind == ValueKind::kMap) array.offsets.push_back(0);
  for (const ValueNode& child : node.children) {
    array.children.push_back(make_empty_array(child, columns));
  }
  return array;
}

}  // namespace medallion::parquet
