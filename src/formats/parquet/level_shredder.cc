#include "formats/parquet/level_shredder.h"

#include <fmt/format.h>

#include <algorithm>

namespace medallion::parquet {

namespace {

using util::Status;

constexpr uint64_t kMaxByteArrayValue = 0x7fffffffu;

std::string_view kind_name(ValueKind kind) {
  switch (kind) {
    case ValueKind::kLeaf:
      return "leaf";
    case ValueKind::kStruct:
      return "struct";
    case ValueKind::kList:
      return "list";
    case ValueKind::kMap:
      return "map";
  }
  return "?";
}

std::string child_path(const std::string& parent, const std::string& name) {
  return parent.empty() ? name : parent + "." + name;
}

// Where errors happen: the file being written (set by check_field_array).
struct ErrorPlace {
  const std::string& file;
};

Status shape_error(const ErrorPlace& place, const std::string& path, std::string_view what) {
  return Status::invalid_argument(fmt::format(
      "parquet: batch does not match the schema ({}, field '{}'): {}; build the arrays with the "
      "schema's shape",
      place.file, path, what));
}

// Number of values held in the vector `values.type` selects.
size_t leaf_value_count(const LeafValues& values) {
  switch (values.type) {
    case Type::kBoolean:
      return values.bools.size();
    case Type::kInt32:
      return values.i32.size();
    case Type::kInt64:
      return values.i64.size();
    case Type::kInt96:
      return values.i96.size();
    case Type::kFloat:
      return values.f32.size();
    case Type::kDouble:
      return values.f64.size();
    case Type::kByteArray:
    case Type::kFixedLenByteArray:
      return values.bytes.offsets.empty() ? 0 : values.bytes.offsets.size() - 1;
  }
  return 0;
}

Status check_offsets(const ErrorPlace& place, const std::vector<int64_t>& offsets, size_t length,
                     size_t child_length, const std::string& path) {
  if (length == 0 && offsets.empty()) return Status::ok();
  if (offsets.size() != length + 1) {
    return shape_error(
        place, path,
        fmt::format("{} offsets for {} slots (need length + 1)", offsets.size(), length));
  }
  if (offsets[0] < 0) return shape_error(place, path, fmt::format("offsets[0] is {}", offsets[0]));
  for (size_t i = 0; i < length; ++i) {
    if (offsets[i + 1] < offsets[i]) {
      return shape_error(
          place, path,
          fmt::format("offsets decrease at slot {} ({} then {})", i, offsets[i], offsets[i + 1]));
    }
  }
  if (static_cast<uint64_t>(offsets[length]) > child_length) {
    return shape_error(place, path,
                       fmt::format("the last offset {} is past the child's {} slots",
                                   offsets[length], child_length));
  }
  return Status::ok();
}

// Structure only: kinds, lengths, offsets, leaf types and counts.
Status check_shape(const ErrorPlace& place, const ValueNode& node, const ValueArray& a,
                   const std::vector<ColumnDescriptor>& columns, size_t length,
                   const std::string& path) {
  if (a.kind != node.kind) {
    return shape_error(place, path,
                       fmt::format("the schema has a {} and the array is a {}",
                                   kind_name(node.kind), kind_name(a.kind)));
  }
  if (a.length != length) {
    return shape_error(place, path,
                       fmt::format("the array has {} slots, {} expected", a.length, length));
  }
  if (!a.validity.empty() && a.validity.size() != length) {
    return shape_error(
        place, path, fmt::format("validity has {} bytes for {} slots", a.validity.size(), length));
  }
  switch (node.kind) {
    case ValueKind::kLeaf: {
      const ColumnDescriptor& column = columns[static_cast<size_t>(node.leaf)];
      if (a.values.type != column.physical_type) {
        return shape_error(place, path,
                           fmt::format("the column is {} and the values are {}",
                                       type_name(column.physical_type), type_name(a.values.type)));
      }
      const size_t count = leaf_value_count(a.values);
      if (count != length) {
        return shape_error(place, path, fmt::format("{} values for {} slots", count, length));
      }
      if (length > 0 &&
          (a.values.type == Type::kByteArray || a.values.type == Type::kFixedLenByteArray)) {
        const ByteArrays& bytes = a.values.bytes;
        if (bytes.offsets[0] > bytes.data.size()) {
          return shape_error(place, path, "byte array offsets[0] is past the data");
        }
        for (size_t i = 0; i < length; ++i) {
          if (bytes.offsets[i + 1] < bytes.offsets[i] || bytes.offsets[i + 1] > bytes.data.size()) {
            return shape_error(place, path,
                               fmt::format("byte array offsets are broken at slot {}", i));
          }
          if (bytes.offsets[i + 1] - bytes.offsets[i] > kMaxByteArrayValue) {
            return shape_error(place, path,
                               fmt::format("the value at slot {} is longer than 2^31 - 1 "
                                           "bytes, which Parquet cannot store",
                                           i));
          }
        }
      }
      return Status::ok();
    }
    case ValueKind::kStruct:
      if (a.children.size() != node.children.size()) {
        return shape_error(place, path,
                           fmt::format("the struct has {} fields, the array {}",
                                       node.children.size(), a.children.size()));
      }
      for (size_t c = 0; c < node.children.size(); ++c) {
        MEDALLION_RETURN_IF_ERROR(check_shape(place, node.children[c], a.children[c], columns,
                                              length, child_path(path, node.children[c].name)));
      }
      return Status::ok();
    case ValueKind::kList:
    case ValueKind::kMap: {
      if (a.children.size() != node.children.size()) {
        return shape_error(place, path,
                           fmt::format("the {} has {} children, the array {}", kind_name(node.kind),
                                       node.children.size(), a.children.size()));
      }
      size_t child_length = SIZE_MAX;
      for (const ValueArray& child : a.children)
        child_length = std::min(child_length, child.length);
      MEDALLION_RETURN_IF_ERROR(check_offsets(place, a.offsets, length, child_length, path));
      for (size_t c = 0; c < node.children.size(); ++c) {
        MEDALLION_RETURN_IF_ERROR(check_shape(place, node.children[c], a.children[c], columns,
                                              a.children[c].length,
                                              child_path(path, node.children[c].name)));
      }
      return Status::ok();
    }
  }
  return Status::ok();
}

bool has_nulls(const ValueArray& a) {
  return std::find(a.validity.begin(), a.validity.end(), uint8_t{0}) != a.validity.end();
}

bool width_mismatch(const ValueArray& a, size_t i, int32_t width) {
  const ByteArrays& b = a.values.bytes;
  return b.offsets[i + 1] - b.offsets[i] != static_cast<uint64_t>(width);
}

// Whether some slot under `node` may break a rule that depends on which slots
// a reader reaches (nulls where the schema has none, FIXED_LEN widths): then
// the slow per-row walk below decides.
bool needs_walk(const ValueNode& node, const ValueArray& a,
                const std::vector<ColumnDescriptor>& columns, int16_t context_def) {
  const bool nullable = node.def_level > context_def;
  if (!nullable && has_nulls(a)) return true;
  switch (node.kind) {
    case ValueKind::kLeaf: {
      const ColumnDescriptor& column = columns[static_cast<size_t>(node.leaf)];
      if (column.physical_type != Type::kFixedLenByteArray) return false;
      for (size_t i = 0; i < a.length; ++i) {
        if (!a.is_null(i) && width_mismatch(a, i, column.type_length)) return true;
      }
      return false;
    }
    case ValueKind::kStruct:
      for (size_t c = 0; c < node.children.size(); ++c) {
        if (needs_walk(node.children[c], a.children[c], columns, node.def_level)) return true;
      }
      return false;
    case ValueKind::kList:
    case ValueKind::kMap:
      for (size_t c = 0; c < node.children.size(); ++c) {
        if (needs_walk(node.children[c], a.children[c], columns, node.element_def_level)) {
          return true;
        }
      }
      return false;
  }
  return false;
}

Status check_slot(const ErrorPlace& place, const ValueNode& node, const ValueArray& a,
                  const std::vector<ColumnDescriptor>& columns, int16_t context_def, size_t slot,
                  size_t row, const std::string& path) {
  if (a.is_null(slot)) {
    if (node.def_level > context_def) return Status::ok();
    return Status::invalid_argument(fmt::format(
        "parquet: null in a field that cannot be null ({}, field '{}', row {}): the schema makes "
        "it REQUIRED (or a repeated field's element); supply a value or make the field OPTIONAL",
        place.file, path, row));
  }
  switch (node.kind) {
    case ValueKind::kLeaf: {
      const ColumnDescriptor& column = columns[static_cast<size_t>(node.leaf)];
      if (column.physical_type == Type::kFixedLenByteArray &&
          width_mismatch(a, slot, column.type_length)) {
        return shape_error(
            place, path,
            fmt::format("a FIXED_LEN_BYTE_ARRAY({}) value has {} bytes (row {})",
                        column.type_length,
                        a.values.bytes.offsets[slot + 1] - a.values.bytes.offsets[slot], row));
      }
      return Status::ok();
    }
    case ValueKind::kStruct:
      for (size_t c = 0; c < node.children.size(); ++c) {
        MEDALLION_RETURN_IF_ERROR(check_slot(place, node.children[c], a.children[c], columns,
                                             node.def_level, slot, row,
                                             child_path(path, node.children[c].name)));
      }
      return Status::ok();
    case ValueKind::kList:
    case ValueKind::kMap: {
      const size_t begin = static_cast<size_t>(a.offsets[slot]);
      const size_t end = static_cast<size_t>(a.offsets[slot + 1]);
      for (size_t c = 0; c < node.children.size(); ++c) {
        const std::string sub = child_path(path, node.children[c].name);
        for (size_t j = begin; j < end; ++j) {
          MEDALLION_RETURN_IF_ERROR(check_slot(place, node.children[c], a.children[c], columns,
                                               node.element_def_level, j, row, sub));
        }
      }
      return Status::ok();
    }
  }
  return Status::ok();
}

// The nodes from a top-level field down to one leaf, and which child each
// step follows.
struct LeafPath {
  std::vector<const ValueNode*> nodes;
  std::vector<size_t> child;  // child index taken at nodes[d] (unused at the leaf)
};

void find_leaf_path(const ValueNode& node, int leaf, LeafPath* path) {
  path->nodes.push_back(&node);
  if (node.kind == ValueKind::kLeaf) return;
  for (size_t c = 0; c < node.children.size(); ++c) {
    const ValueNode& child = node.children[c];
    if (leaf >= child.first_leaf && leaf < child.first_leaf + child.num_leaves) {
      path->child.push_back(c);
      find_leaf_path(child, leaf, path);
      return;
    }
  }
}

class LeafWalker {
 public:
  LeafWalker(const LeafPath& path, ShreddedLeaf* out)
      : path_(path),
        out_(out),
        has_def_(path.nodes.back()->def_level > 0),
        has_rep_(path.nodes.back()->rep_level > 0) {}

  void walk(size_t depth, const ValueArray& a, size_t slot, int16_t rep) {
    const ValueNode& node = *path_.nodes[depth];
    if (a.is_null(slot)) {
      emit(static_cast<int16_t>(node.def_level - 1), rep);
      return;
    }
    switch (node.kind) {
      case ValueKind::kLeaf:
        emit(node.def_level, rep);
        out_->value_slots.push_back(slot);
        return;
      case ValueKind::kStruct:
        walk(depth + 1, a.children[path_.child[depth]], slot, rep);
        return;
      case ValueKind::kList:
      case ValueKind::kMap: {
        const size_t begin = static_cast<size_t>(a.offsets[slot]);
        const size_t end = static_cast<size_t>(a.offsets[slot + 1]);
        if (begin == end) {
          emit(node.def_level, rep);
          return;
        }
        const ValueArray& child = a.children[path_.child[depth]];
        walk(depth + 1, child, begin, rep);
        for (size_t j = begin + 1; j < end; ++j) walk(depth + 1, child, j, node.element_rep_level);
        return;
      }
    }
  }

 private:
  void emit(int16_t def, int16_t rep) {
    if (has_def_) out_->def_levels.push_back(def);
    if (has_rep_) out_->rep_levels.push_back(rep);
    ++out_->num_entries;
  }

  const LeafPath& path_;
  ShreddedLeaf* out_;
  bool has_def_;
  bool has_rep_;
};

const ValueArray* leaf_array(const LeafPath& path, const ValueArray& top) {
  const ValueArray* a = &top;
  for (size_t d = 0; d + 1 < path.nodes.size(); ++d) a = &a->children[path.child[d]];
  return a;
}

}  // namespace

util::Status check_field_array(const ValueNode& field, const ValueArray& array,
                               const std::vector<ColumnDescriptor>& columns, size_t length,
                               const std::string& path_for_errors) {
  const ErrorPlace place{path_for_errors};
  MEDALLION_RETURN_IF_ERROR(check_shape(place, field, array, columns, length, field.name));
  if (!needs_walk(field, array, columns, 0)) return Status::ok();
  for (size_t row = 0; row < length; ++row) {
    MEDALLION_RETURN_IF_ERROR(check_slot(place, field, array, columns, 0, row, row, field.name));
  }
  return Status::ok();
}

void shred_field(const ValueNode& field, const ValueArray& array, size_t begin, size_t end,
                 std::vector<ShreddedLeaf>* out) {
  out->resize(static_cast<size_t>(field.num_leaves));
  for (int k = 0; k < field.num_leaves; ++k) {
    ShreddedLeaf& leaf = (*out)[static_cast<size_t>(k)];
    leaf.clear();
    LeafPath path;
    find_leaf_path(field, field.first_leaf + k, &path);
    leaf.values = leaf_array(path, array);
    const ValueNode& leaf_node = *path.nodes.back();
    if (path.nodes.size() == 1) {
      // A top-level leaf: one entry per row, no repetition.
      leaf.num_entries = end - begin;
      leaf.value_slots.reserve(end - begin);
      if (leaf_node.def_level > 0) {
        leaf.def_levels.reserve(end - begin);
        for (size_t i = begin; i < end; ++i) {
          const bool present = !array.is_null(i);
          leaf.def_levels.push_back(present ? leaf_node.def_level
                                            : static_cast<int16_t>(leaf_node.def_level - 1));
          if (present) leaf.value_slots.push_back(i);
        }
      } else {
        for (size_t i = begin; i < end; ++i) leaf.value_slots.push_back(i);
      }
      continue;
    }
    LeafWalker walker(path, &leaf);
    for (size_t row = begin; row < end; ++row) walker.walk(0, array, row, 0);
  }
}

}  // namespace medallion::parquet
