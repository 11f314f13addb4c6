#include "formats/parquet/parquet_schema.h"

#include <fmt/format.h>

namespace medallion::parquet {
namespace {

using util::Result;
using util::Status;

constexpr int kMaxDepth = 64;

// A node of the raw schema tree (the flattened list, re-nested).
struct RawNode {
  size_t index = 0;
  const SchemaElement* element = nullptr;
  std::vector<RawNode> children;
  bool is_group() const { return !element->type.has_value(); }
  FieldRepetitionType repetition() const {
    return element->repetition_type.value_or(FieldRepetitionType::kRequired);
  }
  bool annotated(ConvertedType converted, LogicalTypeKind logical) const {
    return element->converted_type == converted ||
           (element->logical_type && element->logical_type->kind == logical);
  }
};

class Builder {
 public:
  Builder(const std::vector<SchemaElement>& elements, const std::string& path)
      : elements_(elements), path_(path) {}

  Status corrupt(size_t index, std::string_view what) const {
    return Status::corruption(fmt::format(
        "parquet: malformed schema at element {} ('{}') ({}): {}: the file's writer produced an "
        "invalid schema",
        index, index < elements_.size() ? elements_[index].name : "", path_, what));
  }

  // Re-nests elements_[*pos ...] into a tree.
  Result<RawNode> parse(size_t* pos, int depth) {
    if (*pos >= elements_.size()) {
      return corrupt(*pos, "the schema ends inside a group (num_children promises more)");
    }
    if (depth > kMaxDepth) return corrupt(*pos, "nesting deeper than 64 levels");
    RawNode node;
    node.index = *pos;
    node.element = &elements_[*pos];
    ++*pos;
    const SchemaElement& e = *node.element;
    if (e.num_children.has_value() && *e.num_children > 0) {
      if (e.type.has_value() && depth > 0) {
        return corrupt(node.index, "an element has both a physical type and children");
      }
      if (static_cast<size_t>(*e.num_children) > elements_.size() - *pos) {
        return corrupt(node.index, "num_children is larger than the schema");
      }
      node.children.reserve(static_cast<size_t>(*e.num_children));
      for (int32_t i = 0; i < *e.num_children; ++i) {
        MEDALLION_ASSIGN_OR_RETURN(RawNode child, parse(pos, depth + 1));
        node.children.push_back(std::move(child));
      }
    } else if (depth == 0) {
      // An empty root: a file without columns.
    } else if (!e.type.has_value()) {
      return corrupt(node.index, "a group without children");
    }
    if (depth > 0 && node.is_group() == false && *e.type == Type::kFixedLenByteArray &&
        e.type_length.value_or(0) <= 0) {
      return corrupt(node.index, "FIXED_LEN_BYTE_ARRAY without a positive type_length");
    }
    return node;
  }

  // Builds the value node for `raw` (and the descriptors of its leaves).
  // def/rep are the levels of raw's parent; `path` the names above raw.
  Result<ValueNode> build(const RawNode& raw, int16_t def, int16_t rep,
                          std::vector<std::string>& path) {
    const FieldRepetitionType repetition = raw.repetition();
    if (repetition == FieldRepetitionType::kRepeated) {
      // A repeated field outside a LIST/MAP: a non-null list of its values.
      ValueNode list;
      list.kind = ValueKind::kList;
      list.name = raw.element->name;
      list.schema_index = raw.index;
      list.def_level = def;
      list.rep_level = rep;
      list.element_def_level = static_cast<int16_t>(def + 1);
      list.element_rep_level = static_cast<int16_t>(rep + 1);
      MEDALLION_ASSIGN_OR_RETURN(ValueNode element, build_as_required(raw, def + 1, rep + 1, path));
      list.first_leaf = element.first_leaf;
      list.num_leaves = element.num_leaves;
      list.children.push_back(std::move(element));
      return list;
    }
    const int16_t own_def = static_cast<int16_t>(
        repetition == FieldRepetitionType::kOptional ? def + 1 : def);
    path.push_back(raw.element->name);
    MEDALLION_ASSIGN_OR_RETURN(ValueNode node, build_defined(raw, own_def, rep, path));
    path.pop_back();
    return node;
  }

  // Builds `raw` with its own levels already counted (def/rep include it).
  Result<ValueNode> build_as_required(const RawNode& raw, int def, int rep,
                                      std::vector<std::string>& path) {
    path.push_back(raw.element->name);
    MEDALLION_ASSIGN_OR_RETURN(
        ValueNode node,
        build_defined(raw, static_cast<int16_t>(def), static_cast<int16_t>(rep), path));
    path.pop_back();
    return node;
  }

  Result<ValueNode> build_defined(const RawNode& raw, int16_t def, int16_t rep,
                                  std::vector<std::string>& path) {
    ValueNode node;
    node.name = raw.element->name;
    node.schema_index = raw.index;
    node.def_level = def;
    node.rep_level = rep;
    node.first_leaf = static_cast<int>(columns_.size());
    if (!raw.is_group()) {
      node.kind = ValueKind::kLeaf;
      node.leaf = static_cast<int>(columns_.size());
      columns_.push_back(describe(raw, def, rep, path));
      node.num_leaves = 1;
      return node;
    }
    if (raw.annotated(ConvertedType::kList, LogicalTypeKind::kList)) {
      MEDALLION_RETURN_IF_ERROR(build_list(raw, &node, path));
    } else if (raw.annotated(ConvertedType::kMap, LogicalTypeKind::kMap) ||
               raw.annotated(ConvertedType::kMapKeyValue, LogicalTypeKind::kMap)) {
      MEDALLION_RETURN_IF_ERROR(build_map(raw, &node, path));
    } else {
      node.kind = ValueKind::kStruct;
      for (const RawNode& child : raw.children) {
        MEDALLION_ASSIGN_OR_RETURN(ValueNode field, build(child, def, rep, path));
        node.children.push_back(std::move(field));
      }
    }
    node.num_leaves = static_cast<int>(columns_.size()) - node.first_leaf;
    return node;
  }

  Status build_list(const RawNode& raw, ValueNode* node, std::vector<std::string>& path) {
    if (raw.children.size() != 1 || raw.children[0].repetition() != FieldRepetitionType::kRepeated) {
      // Not a list by the rules: read it as the struct it is.
      return build_struct_fallback(raw, node, path);
    }
    const RawNode& repeated = raw.children[0];
    node->kind = ValueKind::kList;
    node->element_def_level = static_cast<int16_t>(node->def_level + 1);
    node->element_rep_level = static_cast<int16_t>(node->rep_level + 1);
    const int def = node->element_def_level;
    const int rep = node->element_rep_level;
    const bool repeated_is_element =
        !repeated.is_group() || repeated.children.size() != 1 ||
        repeated.element->name == "array" || repeated.element->name == raw.element->name + "_tuple";
    ValueNode element;
    if (repeated_is_element) {
      MEDALLION_ASSIGN_OR_RETURN(element, build_as_required(repeated, def, rep, path));
    } else {
      // (On error the path is left as is: the whole build fails.)
      path.push_back(repeated.element->name);
      MEDALLION_ASSIGN_OR_RETURN(element, build(repeated.children[0], static_cast<int16_t>(def),
                                                static_cast<int16_t>(rep), path));
      path.pop_back();
    }
    node->children.push_back(std::move(element));
    return Status::ok();
  }

  Status build_map(const RawNode& raw, ValueNode* node, std::vector<std::string>& path) {
    if (raw.children.size() != 1 || raw.children[0].repetition() != FieldRepetitionType::kRepeated ||
        !raw.children[0].is_group() || raw.children[0].children.empty() ||
        raw.children[0].children.size() > 2) {
      return build_struct_fallback(raw, node, path);
    }
    const RawNode& key_value = raw.children[0];
    node->kind = ValueKind::kMap;
    node->element_def_level = static_cast<int16_t>(node->def_level + 1);
    node->element_rep_level = static_cast<int16_t>(node->rep_level + 1);
    path.push_back(key_value.element->name);
    for (const RawNode& child : key_value.children) {
      MEDALLION_ASSIGN_OR_RETURN(
          ValueNode field, build(child, node->element_def_level, node->element_rep_level, path));
      node->children.push_back(std::move(field));
    }
    path.pop_back();
    return Status::ok();
  }

  // A LIST/MAP-annotated group whose shape breaks the rules is read as a
  // plain struct, so that its data stays reachable.
  Status build_struct_fallback(const RawNode& raw, ValueNode* node, std::vector<std::string>& path) {
    node->kind = ValueKind::kStruct;
    for (const RawNode& child : raw.children) {
      MEDALLION_ASSIGN_OR_RETURN(ValueNode field, build(child, node->def_level, node->rep_level, path));
      node->children.push_back(std::move(field));
    }
    return Status::ok();
  }

  ColumnDescriptor describe(const RawNode& raw, int16_t def, int16_t rep,
                            const std::vector<std::string>& path) const {
    const SchemaElement& e = *raw.element;
    ColumnDescriptor c;
    c.path = path;
    c.schema_index = raw.index;
    c.physical_type = *e.type;
    c.type_length = e.type_length.value_or(0);
    c.converted_type = e.converted_type;
    c.logical_type = e.logical_type;
    if (e.logical_type && e.logical_type->kind == LogicalTypeKind::kDecimal) {
      c.precision = e.logical_type->precision;
      c.scale = e.logical_type->scale;
    } else {
      c.precision = e.precision.value_or(0);
      c.scale = e.scale.value_or(0);
    }
    c.repetition = raw.repetition();
    c.max_def_level = def;
    c.max_rep_level = rep;
    return c;
  }

  std::vector<ColumnDescriptor> take_columns() { return std::move(columns_); }

 private:
  const std::vector<SchemaElement>& elements_;
  const std::string& path_;
  std::vector<ColumnDescriptor> columns_;
};

}  // namespace

std::string ColumnDescriptor::dotted_path() const {
  std::string out;
  for (const std::string& part : path) {
    if (!out.empty()) out += '.';
    out += part;
  }
  return out;
}

util::Result<SchemaTree> SchemaTree::make(const std::vector<SchemaElement>& elements,
                                          const std::string& path_for_errors) {
  if (elements.empty()) {
    return Status::corruption(fmt::format(
        "parquet: the schema is empty ({}): a file needs at least its root element",
        path_for_errors));
  }
  Builder builder(elements, path_for_errors);
  size_t pos = 0;
  MEDALLION_ASSIGN_OR_RETURN(RawNode raw_root, builder.parse(&pos, 0));
  if (pos != elements.size()) {
    return builder.corrupt(pos, "elements after the end of the root's children");
  }
  SchemaTree tree;
  tree.root_.kind = ValueKind::kStruct;
  tree.root_.name = elements[0].name;
  std::vector<std::string> path;
  for (const RawNode& child : raw_root.children) {
    MEDALLION_ASSIGN_OR_RETURN(ValueNode field, builder.build(child, 0, 0, path));
    tree.root_.children.push_back(std::move(field));
  }
  tree.columns_ = builder.take_columns();
  tree.root_.num_leaves = static_cast<int>(tree.columns_.size());
  return tree;
}

std::optional<size_t> SchemaTree::field_index(std::string_view name) const {
  for (size_t i = 0; i < root_.children.size(); ++i) {
    if (root_.children[i].name == name) return i;
  }
  return std::nullopt;
}

}  // namespace medallion::parquet
