#include "formats/parquet/parquet_schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace medallion::parquet {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

using R = FieldRepetitionType;

SchemaElement group(std::string name, R rep, int children,
                    std::optional<ConvertedType> converted = std::nullopt) {
  SchemaElement e;
  e.name = std::move(name);
  e.repetition_type = rep;
  e.num_children = children;
  e.converted_type = converted;
  return e;
}

SchemaElement leaf(std::string name, R rep, Type type = Type::kInt32) {
  SchemaElement e;
  e.name = std::move(name);
  e.repetition_type = rep;
  e.type = type;
  return e;
}

SchemaElement root(int children) {
  SchemaElement e;
  e.name = "schema";
  e.num_children = children;
  return e;
}

SchemaTree make(const std::vector<SchemaElement>& elements) {
  auto tree = SchemaTree::make(elements, "t.parquet");
  EXPECT_TRUE(tree.is_ok()) << tree.status().message();
  return tree.is_ok() ? std::move(tree).value() : SchemaTree{};
}

TEST(SchemaTree, FlatColumnsHaveLevelsOfTheirRepetition) {
  SchemaTree t = make({root(2), leaf("a", R::kRequired), leaf("b", R::kOptional)});
  ASSERT_EQ(t.columns().size(), 2u);
  EXPECT_EQ(t.columns()[0].max_def_level, 0);
  EXPECT_EQ(t.columns()[1].max_def_level, 1);
  EXPECT_EQ(t.field(1).kind, ValueKind::kLeaf);
  EXPECT_EQ(t.field(1).def_level, 1);
  EXPECT_EQ(t.field_index("b"), 1u);
  EXPECT_FALSE(t.field_index("c").has_value());
}

TEST(SchemaTree, ThreeLevelList) {
  SchemaTree t = make({root(1), group("tags", R::kOptional, 1, ConvertedType::kList),
                       group("list", R::kRepeated, 1), leaf("element", R::kOptional)});
  const ValueNode& tags = t.field(0);
  EXPECT_EQ(tags.kind, ValueKind::kList);
  EXPECT_EQ(tags.def_level, 1);
  EXPECT_EQ(tags.element_def_level, 2);
  EXPECT_EQ(tags.element_rep_level, 1);
  ASSERT_EQ(tags.children.size(), 1u);
  EXPECT_EQ(tags.children[0].kind, ValueKind::kLeaf);
  EXPECT_EQ(tags.children[0].def_level, 3);
  EXPECT_EQ(t.columns()[0].max_def_level, 3);
  EXPECT_EQ(t.columns()[0].max_rep_level, 1);
  EXPECT_THAT(t.columns()[0].path, ElementsAre("tags", "list", "element"));
}

TEST(SchemaTree, TwoLevelListOfPrimitives) {
  SchemaTree t = make({root(1), group("xs", R::kRequired, 1, ConvertedType::kList),
                       leaf("x", R::kRepeated)});
  const ValueNode& xs = t.field(0);
  EXPECT_EQ(xs.kind, ValueKind::kList);
  EXPECT_EQ(xs.def_level, 0);
  EXPECT_EQ(xs.children[0].kind, ValueKind::kLeaf);
  EXPECT_EQ(xs.children[0].def_level, 1);
}

TEST(SchemaTree, OneFieldGroupNamedArrayIsTheElement) {
  SchemaTree t = make({root(1), group("xs", R::kOptional, 1, ConvertedType::kList),
                       group("array", R::kRepeated, 1), leaf("v", R::kRequired)});
  const ValueNode& element = t.field(0).children[0];
  EXPECT_EQ(element.kind, ValueKind::kStruct);
  EXPECT_EQ(element.children[0].name, "v");
}

TEST(SchemaTree, OneFieldGroupNamedTupleIsTheElement) {
  SchemaTree t = make({root(1), group("xs", R::kOptional, 1, ConvertedType::kList),
                       group("xs_tuple", R::kRepeated, 1), leaf("v", R::kRequired)});
  EXPECT_EQ(t.field(0).children[0].kind, ValueKind::kStruct);
}

TEST(SchemaTree, LegacyMapKeyValue) {
  SchemaTree t = make({root(1), group("m", R::kOptional, 1, ConvertedType::kMap),
                       group("map", R::kRepeated, 2, ConvertedType::kMapKeyValue),
                       leaf("key", R::kRequired, Type::kByteArray), leaf("value", R::kOptional)});
  const ValueNode& m = t.field(0);
  EXPECT_EQ(m.kind, ValueKind::kMap);
  ASSERT_EQ(m.children.size(), 2u);
  EXPECT_EQ(m.children[0].def_level, 2);
  EXPECT_EQ(m.children[1].def_level, 3);
  EXPECT_EQ(m.first_leaf, 0);
  EXPECT_EQ(m.num_leaves, 2);
}

TEST(SchemaTree, RepeatedGroupOutsideListIsANonNullListOfStructs) {
  SchemaTree t = make({root(1), group("r", R::kRepeated, 2), leaf("a", R::kRequired),
                       leaf("b", R::kOptional)});
  const ValueNode& r = t.field(0);
  EXPECT_EQ(r.kind, ValueKind::kList);
  EXPECT_EQ(r.def_level, 0);
  EXPECT_EQ(r.element_def_level, 1);
  EXPECT_EQ(r.children[0].kind, ValueKind::kStruct);
  EXPECT_EQ(t.columns()[1].max_def_level, 2);
  EXPECT_EQ(t.columns()[1].max_rep_level, 1);
}

TEST(SchemaTree, ListGroupOfTheWrongShapeIsAStruct) {
  SchemaTree t = make({root(1), group("l", R::kOptional, 1, ConvertedType::kList),
                       leaf("x", R::kOptional)});
  EXPECT_EQ(t.field(0).kind, ValueKind::kStruct);
}

TEST(SchemaTree, TooManyChildrenIsCorruption) {
  auto t = SchemaTree::make({root(3), leaf("a", R::kRequired)}, "t.parquet");
  ASSERT_FALSE(t.is_ok());
  EXPECT_THAT(t.status().message(), HasSubstr("t.parquet"));
}

TEST(SchemaTree, GroupWithoutChildrenIsCorruption) {
  auto t = SchemaTree::make({root(1), group("g", R::kOptional, 0)}, "t.parquet");
  ASSERT_FALSE(t.is_ok());
  EXPECT_THAT(t.status().message(), HasSubstr("a group without children"));
}

TEST(SchemaTree, FixedLenByteArrayNeedsALength) {
  auto t = SchemaTree::make({root(1), leaf("f", R::kRequired, Type::kFixedLenByteArray)}, "t.parquet");
  ASSERT_FALSE(t.is_ok());
  EXPECT_THAT(t.status().message(), HasSubstr("type_length"));
}

TEST(SchemaTree, DeepNestingIsRejected) {
  std::vector<SchemaElement> elements{root(1)};
  for (int i = 0; i < 100; ++i) elements.push_back(group("g", R::kOptional, 1));
  elements.push_back(leaf("x", R::kRequired));
  auto t = SchemaTree::make(elements, "t.parquet");
  ASSERT_FALSE(t.is_ok());
  EXPECT_THAT(t.status().message(), HasSubstr("deeper than 64"));
}

TEST(SchemaTree, EmptySchemaIsCorruption) {
  EXPECT_FALSE(SchemaTree::make({}, "t.parquet").is_ok());
}

}  // namespace
}  // namespace medallion::parquet
