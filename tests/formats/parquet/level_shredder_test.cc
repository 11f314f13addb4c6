// Level shredding: definition / repetition levels and value slots for flat,
// struct, list, list-of-list, map and legacy repeated shapes, worked by hand
// from the rules in parquet_schema.h; and the batch checks that guard it.
#include "formats/parquet/level_shredder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "schema_builders.h"

namespace medallion::parquet {
namespace {

using Rep = FieldRepetitionType;
using testing::group;
using testing::leaf;
using testing::root;


SchemaTree tree_of(const std::vector<SchemaElement>& elements) {
  auto tree = SchemaTree::make(elements, "test");
  EXPECT_TRUE(tree.is_ok()) << tree.status().to_string();
  return std::move(tree).value();
}

ValueArray i32_array(std::vector<int32_t> values, std::vector<uint8_t> validity = {}) {
  ValueArray a;
  a.kind = ValueKind::kLeaf;
  a.length = values.size();
  a.values = LeafValues(Type::kInt32);
  a.values.i32 = std::move(values);
  a.validity = std::move(validity);
  return a;
}

ValueArray str_array(std::vector<std::string> values, std::vector<uint8_t> validity = {}) {
  ValueArray a;
  a.kind = ValueKind::kLeaf;
  a.length = values.size();
  a.values = LeafValues(Type::kByteArray);
  for (const std::string& v : values) a.values.bytes.append(v);
  a.validity = std::move(validity);
  return a;
}

ValueArray list_array(std::vector<int64_t> offsets, ValueArray child,
                      std::vector<uint8_t> validity = {}, ValueKind kind = ValueKind::kList) {
  ValueArray a;
  a.kind = kind;
  a.length = offsets.size() - 1;
  a.offsets = std::move(offsets);
  a.children.push_back(std::move(child));
  a.validity = std::move(validity);
  return a;
}

ValueArray struct_array(size_t length, std::vector<ValueArray> children,
                        std::vector<uint8_t> validity = {}) {
  ValueArray a;
  a.kind = ValueKind::kStruct;
  a.length = length;
  a.children = std::move(children);
  a.validity = std::move(validity);
  return a;
}

std::vector<int16_t> L(std::initializer_list<int16_t> v) { return v; }
std::vector<size_t> S(std::initializer_list<size_t> v) { return v; }

std::vector<ShreddedLeaf> shred(const SchemaTree& tree, const ValueArray& array, size_t field = 0,
                                size_t begin = 0, size_t end = SIZE_MAX) {
  EXPECT_TRUE(
      check_field_array(tree.field(field), array, tree.columns(), array.length, "t").is_ok());
  std::vector<ShreddedLeaf> out;
  shred_field(tree.field(field), array, begin, end == SIZE_MAX ? array.length : end, &out);
  return out;
}

TEST(LevelShredderTest, FlatRequiredHasNoLevels) {
  const SchemaTree tree = tree_of({root(1), leaf("a", Type::kInt32, Rep::kRequired)});
  const ValueArray a = i32_array({7, 8, 9});
  const auto out = shred(tree, a);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].num_entries, 3u);
  EXPECT_TRUE(out[0].def_levels.empty());
  EXPECT_TRUE(out[0].rep_levels.empty());
  EXPECT_EQ(out[0].value_slots, S({0, 1, 2}));
  EXPECT_EQ(out[0].values, &a);
}

TEST(LevelShredderTest, FlatOptionalDefIsValidity) {
  const SchemaTree tree = tree_of({root(1), leaf("a", Type::kInt32, Rep::kOptional)});
  const ValueArray a = i32_array({7, 0, 9}, {1, 0, 1});
  const auto out = shred(tree, a);
  EXPECT_EQ(out[0].def_levels, L({1, 0, 1}));
  EXPECT_TRUE(out[0].rep_levels.empty());
  EXPECT_EQ(out[0].value_slots, S({0, 2}));
}

TEST(LevelShredderTest, FlatRowRange) {
  const SchemaTree tree = tree_of({root(1), leaf("a", Type::kInt32, Rep::kOptional)});
  const ValueArray a = i32_array({1, 2, 0, 4}, {1, 1, 0, 1});
  const auto out = shred(tree, a, 0, 1, 3);
  EXPECT_EQ(out[0].num_entries, 2u);
  EXPECT_EQ(out[0].def_levels, L({1, 0}));
  EXPECT_EQ(out[0].value_slots, S({1}));
}

// optional group s { optional int32 a; required int32 b; }
TEST(LevelShredderTest, StructWithNulls) {
  const SchemaTree tree =
      tree_of({root(1), group("s", 2, Rep::kOptional), leaf("a", Type::kInt32, Rep::kOptional),
               leaf("b", Type::kInt32, Rep::kRequired)});
  // Rows: {a:1, b:2}, null, {a:null, b:3}. The reader marks b null under the
  // null struct; the check must accept that (b is unreachable there).
  const ValueArray s = struct_array(
      3, {i32_array({1, 0, 0}, {1, 0, 0}), i32_array({2, 0, 3}, {1, 0, 1})}, {1, 0, 1});
  const auto out = shred(tree, s);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].def_levels, L({2, 0, 1}));
  EXPECT_EQ(out[0].value_slots, S({0}));
  EXPECT_EQ(out[1].def_levels, L({1, 0, 1}));
  EXPECT_EQ(out[1].value_slots, S({0, 2}));
  EXPECT_TRUE(out[1].rep_levels.empty());
}

// The example at the top of level_shredder.h.
TEST(LevelShredderTest, ListWithNullElementNullListAndEmptyList) {
  const SchemaTree tree = tree_of({root(1), group("tags", 1, Rep::kOptional, ConvertedType::kList),
                                   group("list", 1, Rep::kRepeated),
                                   leaf("element", Type::kByteArray, Rep::kOptional)});
  const ValueArray tags = list_array({0, 2, 2, 2}, str_array({"a", ""}, {1, 0}), {1, 0, 1});
  const auto out = shred(tree, tags);
  EXPECT_EQ(out[0].def_levels, L({3, 2, 0, 1}));
  EXPECT_EQ(out[0].rep_levels, L({0, 1, 0, 0}));
  EXPECT_EQ(out[0].value_slots, S({0}));
  EXPECT_EQ(out[0].num_entries, 4u);
}

TEST(LevelShredderTest, ListRowRangeUsesOffsets) {
  const SchemaTree tree =
      tree_of({root(1), group("l", 1, Rep::kOptional, ConvertedType::kList),
               group("list", 1, Rep::kRepeated), leaf("element", Type::kInt32, Rep::kRequired)});
  const ValueArray l = list_array({0, 2, 5, 6}, i32_array({1, 2, 3, 4, 5, 6}));
  const auto out = shred(tree, l, 0, 1, 3);
  EXPECT_EQ(out[0].def_levels, L({2, 2, 2, 2}));
  EXPECT_EQ(out[0].rep_levels, L({0, 1, 1, 0}));
  EXPECT_EQ(out[0].value_slots, S({2, 3, 4, 5}));
}

// optional group outer (LIST) { repeated group list {
//   optional group element (LIST) { repeated group list { optional int32 element; } } } }
TEST(LevelShredderTest, ListOfLists) {
  const SchemaTree tree = tree_of(
      {root(1), group("outer", 1, Rep::kOptional, ConvertedType::kList),
       group("list", 1, Rep::kRepeated), group("element", 1, Rep::kOptional, ConvertedType::kList),
       group("list", 1, Rep::kRepeated), leaf("element", Type::kInt32, Rep::kOptional)});
  ASSERT_EQ(tree.columns()[0].max_def_level, 5);
  ASSERT_EQ(tree.columns()[0].max_rep_level, 2);
  // Rows: [[1, 2], [3]], [[], null], [], null
  const ValueArray inner = list_array({0, 2, 3, 3, 3}, i32_array({1, 2, 3}), {1, 1, 1, 0});
  const ValueArray outer = list_array({0, 2, 4, 4, 4}, inner, {1, 1, 1, 0});
  const auto out = shred(tree, outer);
  EXPECT_EQ(out[0].def_levels, L({5, 5, 5, 3, 2, 1, 0}));
  EXPECT_EQ(out[0].rep_levels, L({0, 2, 1, 0, 1, 0, 0}));
  EXPECT_EQ(out[0].value_slots, S({0, 1, 2}));
}

// optional group m (MAP) { repeated group key_value { required binary key; optional int32 value; }
// }
TEST(LevelShredderTest, MapWithNullValues) {
  const SchemaTree tree =
      tree_of({root(1), group("m", 1, Rep::kOptional, ConvertedType::kMap),
               group("key_value", 2, Rep::kRepeated), leaf("key", Type::kByteArray, Rep::kRequired),
               leaf("value", Type::kInt32, Rep::kOptional)});
  // Rows: {a: 1, b: null}, {}, null
  ValueArray m;
  m.kind = ValueKind::kMap;
  m.length = 3;
  m.offsets = {0, 2, 2, 2};
  m.validity = {1, 1, 0};
  m.children.push_back(str_array({"a", "b"}));
  m.children.push_back(i32_array({1, 0}, {1, 0}));
  const auto out = shred(tree, m);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].def_levels, L({2, 2, 1, 0}));
  EXPECT_EQ(out[0].rep_levels, L({0, 1, 0, 0}));
  EXPECT_EQ(out[0].value_slots, S({0, 1}));
  EXPECT_EQ(out[1].def_levels, L({3, 2, 1, 0}));
  EXPECT_EQ(out[1].rep_levels, L({0, 1, 0, 0}));
  EXPECT_EQ(out[1].value_slots, S({0}));
}

// A bare repeated field: a list that is never null, elements never null.
TEST(LevelShredderTest, RepeatedFieldOutsideList) {
  const SchemaTree tree = tree_of({root(1), leaf("nums", Type::kInt32, Rep::kRepeated)});
  const ValueArray nums = list_array({0, 2, 2, 3}, i32_array({1, 2, 3}));
  const auto out = shred(tree, nums);
  EXPECT_EQ(out[0].def_levels, L({1, 1, 0, 1}));
  EXPECT_EQ(out[0].rep_levels, L({0, 1, 0, 0}));
  EXPECT_EQ(out[0].value_slots, S({0, 1, 2}));
}

// optional group l (LIST) { repeated int32 element; }: the 2-level form.
TEST(LevelShredderTest, TwoLevelList) {
  const SchemaTree tree = tree_of({root(1), group("l", 1, Rep::kOptional, ConvertedType::kList),
                                   leaf("element", Type::kInt32, Rep::kRepeated)});
  const ValueArray l = list_array({0, 1, 1, 1}, i32_array({4}), {1, 0, 1});
  const auto out = shred(tree, l);
  EXPECT_EQ(out[0].def_levels, L({2, 0, 1}));
  EXPECT_EQ(out[0].rep_levels, L({0, 0, 0}));
  EXPECT_EQ(out[0].value_slots, S({0}));
}

// A repeated group of two fields (2-level list of structs).
TEST(LevelShredderTest, RepeatedGroupOfStructs) {
  const SchemaTree tree =
      tree_of({root(1), group("pts", 2, Rep::kRepeated), leaf("x", Type::kInt32, Rep::kRequired),
               leaf("y", Type::kInt32, Rep::kOptional)});
  // Rows: [{1, 2}, {3, null}], []
  const ValueArray pts =
      list_array({0, 2, 2}, struct_array(2, {i32_array({1, 3}), i32_array({2, 0}, {1, 0})}));
  const auto out = shred(tree, pts);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].def_levels, L({1, 1, 0}));
  EXPECT_EQ(out[0].rep_levels, L({0, 1, 0}));
  EXPECT_EQ(out[1].def_levels, L({2, 1, 0}));
  EXPECT_EQ(out[1].rep_levels, L({0, 1, 0}));
  EXPECT_EQ(out[1].value_slots, S({0}));
}

TEST(LevelShredderTest, StructInsideListWithNullStruct) {
  // optional group l (LIST) { repeated group list { optional group element { optional int32 v; } }
  // }
  const SchemaTree tree =
      tree_of({root(1), group("l", 1, Rep::kOptional, ConvertedType::kList),
               group("list", 1, Rep::kRepeated), group("element", 1, Rep::kOptional),
               leaf("v", Type::kInt32, Rep::kOptional)});
  // Row: [{v: 1}, null, {v: null}]
  const ValueArray l =
      list_array({0, 3}, struct_array(3, {i32_array({1, 0, 0}, {1, 0, 0})}, {1, 0, 1}));
  const auto out = shred(tree, l);
  EXPECT_EQ(out[0].def_levels, L({4, 2, 3}));
  EXPECT_EQ(out[0].rep_levels, L({0, 1, 1}));
}

// ---------------------------------------------------------------- checks --

util::Status check(const SchemaTree& tree, const ValueArray& a, size_t length) {
  return check_field_array(tree.field(0), a, tree.columns(), length, "t.parquet");
}

TEST(LevelShredderCheckTest, NullInRequiredTopLevelIsRejected) {
  const SchemaTree tree = tree_of({root(1), leaf("a", Type::kInt32, Rep::kRequired)});
  const util::Status st = check(tree, i32_array({1, 0}, {1, 0}), 2);
  EXPECT_EQ(st.code(), util::StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("'a'"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("row 1"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("t.parquet"), std::string::npos) << st.message();
}

TEST(LevelShredderCheckTest, NullRequiredElementInListIsRejected) {
  const SchemaTree tree =
      tree_of({root(1), group("l", 1, Rep::kOptional, ConvertedType::kList),
               group("list", 1, Rep::kRepeated), leaf("element", Type::kInt32, Rep::kRequired)});
  EXPECT_FALSE(check(tree, list_array({0, 2}, i32_array({1, 0}, {1, 0})), 1).is_ok());
}

TEST(LevelShredderCheckTest, NullBareRepeatedListIsRejected) {
  const SchemaTree tree = tree_of({root(1), leaf("nums", Type::kInt32, Rep::kRepeated)});
  EXPECT_FALSE(check(tree, list_array({0, 0}, i32_array({}), {0}), 1).is_ok());
}

TEST(LevelShredderCheckTest, WrongKindIsRejected) {
  const SchemaTree tree = tree_of({root(1), leaf("a", Type::kInt32, Rep::kOptional)});
  EXPECT_FALSE(check(tree, list_array({0, 0}, i32_array({})), 1).is_ok());
}

TEST(LevelShredderCheckTest, WrongLeafTypeIsRejected) {
  const SchemaTree tree = tree_of({root(1), leaf("a", Type::kInt64, Rep::kOptional)});
  EXPECT_FALSE(check(tree, i32_array({1}), 1).is_ok());
}

TEST(LevelShredderCheckTest, WrongLengthIsRejected) {
  const SchemaTree tree = tree_of({root(1), leaf("a", Type::kInt32, Rep::kOptional)});
  EXPECT_FALSE(check(tree, i32_array({1, 2}), 3).is_ok());
}

TEST(LevelShredderCheckTest, ValueCountDifferentFromLengthIsRejected) {
  const SchemaTree tree = tree_of({root(1), leaf("a", Type::kInt32, Rep::kOptional)});
  ValueArray a = i32_array({1, 2});
  a.length = 3;
  EXPECT_FALSE(check(tree, a, 3).is_ok());
}

TEST(LevelShredderCheckTest, ValiditySizeMismatchIsRejected) {
  const SchemaTree tree = tree_of({root(1), leaf("a", Type::kInt32, Rep::kOptional)});
  EXPECT_FALSE(check(tree, i32_array({1, 2}, {1}), 2).is_ok());
}

TEST(LevelShredderCheckTest, DecreasingOffsetsAreRejected) {
  const SchemaTree tree = tree_of({root(1), leaf("nums", Type::kInt32, Rep::kRepeated)});
  EXPECT_FALSE(check(tree, list_array({0, 2, 1}, i32_array({1, 2})), 2).is_ok());
}

TEST(LevelShredderCheckTest, OffsetPastChildIsRejected) {
  const SchemaTree tree = tree_of({root(1), leaf("nums", Type::kInt32, Rep::kRepeated)});
  EXPECT_FALSE(check(tree, list_array({0, 3}, i32_array({1, 2})), 1).is_ok());
}

TEST(LevelShredderCheckTest, MissingOffsetIsRejected) {
  const SchemaTree tree = tree_of({root(1), leaf("nums", Type::kInt32, Rep::kRepeated)});
  ValueArray l = list_array({0, 1}, i32_array({1}));
  l.length = 2;
  EXPECT_FALSE(check(tree, l, 2).is_ok());
}

TEST(LevelShredderCheckTest, BrokenByteArrayOffsetsAreRejected) {
  const SchemaTree tree = tree_of({root(1), leaf("s", Type::kByteArray, Rep::kOptional)});
  ValueArray s = str_array({"ab", "c"});
  s.values.bytes.offsets[1] = 9;  // past the data
  EXPECT_FALSE(check(tree, s, 2).is_ok());
}

TEST(LevelShredderCheckTest, FixedLenWidthMismatchIsRejected) {
  SchemaElement f = leaf("f", Type::kFixedLenByteArray, Rep::kOptional);
  f.type_length = 2;
  const SchemaTree tree = tree_of({root(1), f});
  ValueArray a = str_array({"ab", "xyz"});
  a.values.type = Type::kFixedLenByteArray;
  EXPECT_FALSE(check(tree, a, 2).is_ok());
  // A null slot may keep an empty value.
  ValueArray b = str_array({"ab", ""}, {1, 0});
  b.values.type = Type::kFixedLenByteArray;
  EXPECT_TRUE(check(tree, b, 2).is_ok());
}

TEST(LevelShredderCheckTest, StructChildCountMismatchIsRejected) {
  const SchemaTree tree =
      tree_of({root(1), group("s", 2, Rep::kOptional), leaf("a", Type::kInt32, Rep::kOptional),
               leaf("b", Type::kInt32, Rep::kOptional)});
  EXPECT_FALSE(check(tree, struct_array(1, {i32_array({1})}), 1).is_ok());
}

}  // namespace
}  // namespace medallion::parquet
