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

namespace {

template <typename T>
void retain(std::vector<T>& values, const std::vector<uint8_t>& keep) {
  if (values.empty()) return;
  size_t out = 0;
  for (size_t i = 0; i < keep.size(); ++i) {
    if (keep[i]) values[out++] = values[i];
  }
  values.resize(out);
}

}  // namespace

void retain_rows(ValueArray* array, const std::vector<uint8_t>& keep) {
  size_t kept = 0;
  for (uint8_t k : keep) kept += k != 0;
  if (kept == array->length) return;
  retain(array->validity, keep);
  switch (array->kind) {
    case ValueKind::kLeaf: {
      LeafValues& v = array->values;
      switch (v.type) {
        case Type::kBoolean: retain(v.bools, keep); break;
        case Type::kInt32: retain(v.i32, keep); break;
        case Type::kInt64: retain(v.i64, keep); break;
        case Type::kInt96: retain(v.i96, keep); break;
        case Type::kFloat: retain(v.f32, keep); break;
        case Type::kDouble: retain(v.f64, keep); break;
        case Type::kByteArray:
        case Type::kFixedLenByteArray: {
          ByteArrays out;
          out.offsets.reserve(kept + 1);
          for (size_t i = 0; i < keep.size(); ++i) {
            if (keep[i]) out.append(v.bytes.value(i));
          }
          v.bytes = std::move(out);
          break;
        }
      }
      break;
    }
    case ValueKind::kStruct:
      for (ValueArray& child : array->children) retain_rows(&child, keep);
      break;
    case ValueKind::kList:
    case ValueKind::kMap: {
      const std::vector<int64_t> offsets = std::move(array->offsets);
      std::vector<uint8_t> child_keep(static_cast<size_t>(offsets.back()), 0);
      array->offsets.assign(1, 0);
      array->offsets.reserve(kept + 1);
      for (size_t i = 0; i < keep.size(); ++i) {
        if (!keep[i]) continue;
        for (int64_t k = offsets[i]; k < offsets[i + 1]; ++k) child_keep[static_cast<size_t>(k)] = 1;
        array->offsets.push_back(array->offsets.back() + (offsets[i + 1] - offsets[i]));
      }
      for (ValueArray& child : array->children) retain_rows(&child, child_keep);
      break;
    }
  }
  array->length = kept;
}

}  // namespace medallion::parquet
