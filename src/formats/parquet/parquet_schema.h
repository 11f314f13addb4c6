// SchemaTree: the schema of a Parquet file as two views of the flattened
// FileMetaData::schema list.
//
// 1. Leaves (ColumnDescriptor), one per column chunk, in schema order, with
//    the maximum definition and repetition levels of their path:
//      max_def = number of OPTIONAL or REPEATED nodes on the path (root excluded)
//      max_rep = number of REPEATED nodes on the path
//
// 2. The logical shape (ValueNode), the tree a reader assembles values into,
//    following the LogicalTypes.md rules, including backward compatibility:
//      group (LIST) { repeated group list { <element> } }     3-level list
//      group (LIST) { repeated <element> }                    2-level: the
//        repeated field is the element when it is a primitive, a group of
//        several fields, or a one-field group named "array" or "<list>_tuple"
//      group (MAP|MAP_KEY_VALUE) { repeated group key_value { key; [value;] } }
//      repeated <field> outside LIST/MAP                       a list of
//        non-null <field> values (an empty list when absent, never null)
//      any other group                                         a struct
//
// Levels in the logical tree: a value at node N exists in a level entry when
// def >= N.def_level (for lists and maps that is "the list is non-null"); its
// elements start at entries whose def >= N.element_def_level, and a new
// element begins at an entry whose rep == N.element_rep_level. Slots of a
// node whose nearest repeated ancestor has repetition level r extend until
// the next entry with rep <= r (N.rep_level holds that r).
//
// Example:
//   message m { optional group tags (LIST) { repeated group list {
//                 optional binary element (STRING); } } }
//   leaf tags.list.element: max_def 3, max_rep 1
//   tags    : kList  def_level 1, element_def_level 2, element_rep_level 1
//   element : kLeaf  def_level 3, rep_level 1
//
// Thread safety: an immutable value once made.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "formats/parquet/parquet_metadata.h"
#include "util/status.h"

namespace medallion::parquet {

struct ColumnDescriptor {
  std::vector<std::string> path;  // names from the root's child to the leaf
  size_t schema_index = 0;        // index into FileMetaData::schema
  Type physical_type = Type::kInt32;
  int32_t type_length = 0;  // FIXED_LEN_BYTE_ARRAY width, else 0
  std::optional<ConvertedType> converted_type;
  std::optional<LogicalType> logical_type;
  int32_t precision = 0;  // DECIMAL (from the logical type, else the element)
  int32_t scale = 0;
  FieldRepetitionType repetition = FieldRepetitionType::kRequired;
  int16_t max_def_level = 0;
  int16_t max_rep_level = 0;

  // "a.b.c"
  std::string dotted_path() const;
};

enum class ValueKind { kLeaf, kStruct, kList, kMap };

struct ValueNode {
  ValueKind kind = ValueKind::kStruct;
  std::string name;
  size_t schema_index = 0;  // the element this node's nullness comes from
  int16_t def_level = 0;    // non-null when def >= def_level
  int16_t rep_level = 0;    // repetition level of this node's slots
  // kList, kMap only.
  int16_t element_def_level = 0;
  int16_t element_rep_level = 0;
  int leaf = -1;  // kLeaf: index into SchemaTree::columns()
  // kStruct: the fields; kList: {element}; kMap: {key, value} (value absent
  // in a key-only legacy map).
  std::vector<ValueNode> children;
  // The leaves under this node: [first_leaf, first_leaf + num_leaves).
  int first_leaf = 0;
  int num_leaves = 0;
};

class SchemaTree {
 public:
  // Builds both views; fails with a corruption Status naming path_for_errors
  // when the list is not one well-formed tree (a leaf without a type, a group
  // without children, a LIST/MAP group of the wrong shape, depth > 64).
  static util::Result<SchemaTree> make(const std::vector<SchemaElement>& elements,
                                       const std::string& path_for_errors);

  const std::vector<ColumnDescriptor>& columns() const { return columns_; }
  // A kStruct whose children are the top-level fields.
  const ValueNode& root() const { return root_; }
  size_t num_fields() const { return root_.children.size(); }
  const ValueNode& field(size_t i) const { return root_.children[i]; }
  // Index of the top-level field named `name`, if any.
  std::optional<size_t> field_index(std::string_view name) const;

 private:
  std::vector<ColumnDescriptor> columns_;
  ValueNode root_;
};

}  // namespace medallion::parquet
