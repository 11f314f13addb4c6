#include "delta/delta_schema.h"

#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "formats/parquet/parquet_schema.h"

#include "golden_testdata.h"

namespace medallion::delta {
namespace {

using testing::read_text;

using ::testing::HasSubstr;
using util::StatusCode;

using testing::golden_dir;
Schema parse_ok(std::string_view json) {
  auto s = parse_schema(json);
  EXPECT_TRUE(s.is_ok()) << s.status().message();
  return s.is_ok() ? std::move(s).value() : Schema{};
}

std::string one_field(std::string_view type_json) {
  return std::string(R"({"type":"struct","fields":[{"name":"a","type":)") + std::string(type_json) +
         R"(,"nullable":true,"metadata":{}}]})";
}

// ------------------------------------------------------------- parsing --

TEST(DeltaSchema, ParsesEveryPrimitive) {
  const std::pair<const char*, TypeKind> cases[] = {
      {"boolean", TypeKind::kBoolean},     {"byte", TypeKind::kByte},
      {"short", TypeKind::kShort},         {"integer", TypeKind::kInteger},
      {"long", TypeKind::kLong},           {"float", TypeKind::kFloat},
      {"double", TypeKind::kDouble},       {"string", TypeKind::kString},
      {"binary", TypeKind::kBinary},       {"date", TypeKind::kDate},
      {"timestamp", TypeKind::kTimestamp}, {"timestamp_ntz", TypeKind::kTimestampNtz},
  };
  for (const auto& [name, kind] : cases) {
    Schema s = parse_ok(one_field(std::string("\"") + name + "\""));
    ASSERT_EQ(s.fields.size(), 1u) << name;
    EXPECT_EQ(s.fields[0].type.kind, kind) << name;
    EXPECT_EQ(s.fields[0].type.to_string(), name);
  }
}

TEST(DeltaSchema, DecimalWithSpaces) {
  Schema s = parse_ok(one_field(R"j("decimal( 10 , 2 )")j"));
  EXPECT_EQ(s.fields[0].type, DataType::decimal(10, 2));
  EXPECT_EQ(s.fields[0].type.to_string(), "decimal(10,2)");
}

TEST(DeltaSchema, BareDecimalIsTenZero) {
  Schema s = parse_ok(one_field(R"("decimal")"));
  EXPECT_EQ(s.fields[0].type, DataType::decimal(10, 0));
}

TEST(DeltaSchema, DecimalPrecisionAboveThirtyEightIsUnsupported) {
  auto s = parse_schema(one_field(R"j("decimal(39,2)")j"));
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(s.status().message(), HasSubstr("decimal(39,2)"));
}

TEST(DeltaSchema, DecimalScaleAbovePrecisionIsUnsupported) {
  auto s = parse_schema(one_field(R"j("decimal(5,6)")j"));
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), StatusCode::kUnsupported);
}

TEST(DeltaSchema, NegativeDecimalScaleIsUnsupported) {
  auto s = parse_schema(one_field(R"j("decimal(5,-1)")j"));
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), StatusCode::kUnsupported);
}

TEST(DeltaSchema, MalformedDecimalNameIsUnsupportedType) {
  auto s = parse_schema(one_field(R"("decimal(5,2")"));
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(s.status().message(), HasSubstr("\"decimal(5,2\""));
}

TEST(DeltaSchema, UnknownTypeNamesTypeAndNestedField) {
  auto s = parse_schema(R"({"type":"struct","fields":[{"name":"outer","type":{"type":"struct",
      "fields":[{"name":"inner","type":"foo","nullable":true,"metadata":{}}]},
      "nullable":true,"metadata":{}}]})");
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(s.status().message(), HasSubstr("\"foo\""));
  EXPECT_THAT(s.status().message(), HasSubstr("'outer.inner'"));
}

TEST(DeltaSchema, UnknownArrayElementTypeNamesElementPath) {
  auto s = parse_schema(one_field(R"({"type":"array","elementType":"int","containsNull":true})"));
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(s.status().message(), HasSubstr("'a.element'"));
}

TEST(DeltaSchema, VoidIsUnsupported) {
  auto s = parse_schema(one_field(R"("void")"));
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(s.status().message(), HasSubstr("void"));
  EXPECT_THAT(s.status().message(), HasSubstr("'a'"));
}

TEST(DeltaSchema, VariantIsUnsupported) {
  auto s = parse_schema(one_field(R"("variant")"));
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), StatusCode::kUnsupported);
}

TEST(DeltaSchema, UnknownComplexTypeIsUnsupported) {
  auto s = parse_schema(one_field(R"({"type":"udt","class":"x"})"));
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(s.status().message(), HasSubstr("udt"));
}

TEST(DeltaSchema, NotJsonIsCorruption) {
  auto s = parse_schema(R"({"type":"struct","fields":[)");
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), StatusCode::kCorruption);
  EXPECT_THAT(s.status().message(), HasSubstr("delta:"));
}

TEST(DeltaSchema, TopLevelMustBeStruct) {
  auto s = parse_schema(R"({"type":"array","elementType":"long","containsNull":true})");
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), StatusCode::kCorruption);
}

TEST(DeltaSchema, FieldWithoutNameIsCorruption) {
  auto s = parse_schema(R"({"type":"struct","fields":[{"type":"long"}]})");
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), StatusCode::kCorruption);
  EXPECT_THAT(s.status().message(), HasSubstr("name"));
}

TEST(DeltaSchema, FieldWithoutTypeIsCorruption) {
  auto s = parse_schema(R"({"type":"struct","fields":[{"name":"x"}]})");
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), StatusCode::kCorruption);
  EXPECT_THAT(s.status().message(), HasSubstr("'x'"));
}

TEST(DeltaSchema, NonBooleanNullableIsCorruption) {
  auto s = parse_schema(R"({"type":"struct","fields":[{"name":"x","type":"long","nullable":1}]})");
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), StatusCode::kCorruption);
}

TEST(DeltaSchema, MissingOptionalKeysTakeDefaults) {
  Schema s = parse_ok(R"({"type":"struct","fields":[{"name":"x","type":
      {"type":"map","keyType":"string","valueType":"long"}}]})");
  ASSERT_EQ(s.fields.size(), 1u);
  EXPECT_TRUE(s.fields[0].nullable);
  EXPECT_EQ(s.fields[0].metadata_json, "{}");
  EXPECT_TRUE(s.fields[0].type.contains_null);
}

TEST(DeltaSchema, DuplicateNamesIgnoringCaseAreCorruption) {
  auto s = parse_schema(R"({"type":"struct","fields":[
      {"name":"Col","type":"long","nullable":true,"metadata":{}},
      {"name":"cOL","type":"long","nullable":true,"metadata":{}}]})");
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), StatusCode::kCorruption);
  EXPECT_THAT(s.status().message(), HasSubstr("'Col'"));
}

TEST(DeltaSchema, DeepNestingIsRefused) {
  std::string type = R"("long")";
  for (int i = 0; i < 100; ++i) {
    type = R"({"type":"array","elementType":)" + type + R"(,"containsNull":true})";
  }
  auto s = parse_schema(one_field(type));
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), StatusCode::kCorruption);
  EXPECT_THAT(s.status().message(), HasSubstr("64"));
}

TEST(DeltaSchema, ColumnMappingMetadataIsParsed) {
  Schema s = parse_ok(R"({"type":"struct","fields":[{"name":"a","type":"long","nullable":false,
      "metadata":{"delta.columnMapping.id":7,"delta.columnMapping.physicalName":"col-x",
      "comment":"hi \"there\""}}]})");
  ASSERT_EQ(s.fields.size(), 1u);
  EXPECT_FALSE(s.fields[0].nullable);
  EXPECT_EQ(s.fields[0].physical_name, "col-x");
  EXPECT_EQ(s.fields[0].field_id, 7);
  EXPECT_EQ(s.fields[0].metadata_json,
            R"({"delta.columnMapping.id":7,"delta.columnMapping.physicalName":"col-x",)"
            R"("comment":"hi \"there\""})");
}

TEST(DeltaSchema, PhysicalNameOfWrongTypeIsCorruption) {
  auto s = parse_schema(R"({"type":"struct","fields":[{"name":"a","type":"long",
      "metadata":{"delta.columnMapping.physicalName":5}}]})");
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), StatusCode::kCorruption);
}

TEST(DeltaSchema, ParseDataTypeTakesAPrimitiveString) {
  auto t = parse_data_type(R"j("decimal(20,3)")j");
  ASSERT_TRUE(t.is_ok()) << t.status().message();
  EXPECT_EQ(*t, DataType::decimal(20, 3));
}

// ----------------------------------------------------------- to_string --

TEST(DeltaSchema, ToStringOfNestedTypes) {
  DataType s = DataType::struct_of({Field{"a", DataType::primitive(TypeKind::kInteger)},
                                    Field{"b", DataType::primitive(TypeKind::kString)}});
  EXPECT_EQ(s.to_string(), "struct<a:integer,b:string>");
  EXPECT_EQ(DataType::array_of(DataType::primitive(TypeKind::kString)).to_string(),
            "array<string>");
  EXPECT_EQ(DataType::map_of(DataType::primitive(TypeKind::kString),
                             DataType::primitive(TypeKind::kInteger))
                .to_string(),
            "map<string,integer>");
}

TEST(DeltaSchema, EqualityIgnoresMeaninglessMembers) {
  DataType a = DataType::primitive(TypeKind::kLong);
  DataType b = a;
  b.precision = 5;  // meaningless for long
  b.contains_null = false;
  EXPECT_EQ(a, b);
  EXPECT_NE(DataType::array_of(a, true), DataType::array_of(a, false));
  EXPECT_NE(DataType::decimal(10, 2), DataType::decimal(10, 3));
}

// -------------------------------------------------------------- find --

TEST(DeltaSchema, FindPrefersExactNameThenIgnoresCase) {
  Schema s;
  s.fields.push_back(Field{"Id", DataType::primitive(TypeKind::kLong)});
  s.fields.push_back(Field{"value", DataType::primitive(TypeKind::kString)});
  ASSERT_NE(s.find("value"), nullptr);
  EXPECT_EQ(s.find("value")->name, "value");
  ASSERT_NE(s.find("ID"), nullptr);
  EXPECT_EQ(s.find("ID")->name, "Id");
  EXPECT_EQ(s.find("missing"), nullptr);
}

// --------------------------------------------------------- serializing --

TEST(DeltaSchema, SerializesInSparkKeyOrder) {
  Schema s;
  s.fields.push_back(Field{"id", DataType::primitive(TypeKind::kLong), false});
  s.fields.push_back(
      Field{"tags", DataType::array_of(DataType::primitive(TypeKind::kString), false)});
  s.fields.push_back(Field{"m", DataType::map_of(DataType::primitive(TypeKind::kString),
                                                 DataType::decimal(10, 2), true)});
  EXPECT_EQ(serialize_schema(s),
            R"({"type":"struct","fields":[)"
            R"({"name":"id","type":"long","nullable":false,"metadata":{}},)"
            R"({"name":"tags","type":{"type":"array","elementType":"string","containsNull":false},)"
            R"("nullable":true,"metadata":{}},)"
            R"j({"name":"m","type":{"type":"map","keyType":"string","valueType":"decimal(10,2)",)j"
            R"("valueContainsNull":true},"nullable":true,"metadata":{}}]})");
}

TEST(DeltaSchema, SerializeEscapesNames) {
  Schema s;
  s.fields.push_back(Field{"a\"b\\c", DataType::primitive(TypeKind::kLong)});
  const std::string json = serialize_schema(s);
  EXPECT_THAT(json, HasSubstr(R"("name":"a\"b\\c")"));
  EXPECT_EQ(parse_ok(json), s);
}

TEST(DeltaSchema, SerializeAddsColumnMappingKeysFromTypedMembers) {
  Field f{"a", DataType::primitive(TypeKind::kLong)};
  f.metadata_json = R"({"comment":"c"})";
  f.field_id = 3;
  f.physical_name = "col-3";
  Schema s;
  s.fields.push_back(f);
  const std::string json = serialize_schema(s);
  EXPECT_THAT(json, HasSubstr(R"("metadata":{"comment":"c","delta.columnMapping.id":3,)"
                              R"("delta.columnMapping.physicalName":"col-3"})"));
  Schema back = parse_ok(json);
  EXPECT_EQ(back.fields[0].field_id, 3);
  EXPECT_EQ(back.fields[0].physical_name, "col-3");
}

TEST(DeltaSchema, SerializeReplacesAndRemovesColumnMappingKeysInPlace) {
  Schema s = parse_ok(R"({"type":"struct","fields":[{"name":"a","type":"long","nullable":true,
      "metadata":{"delta.columnMapping.id":1,"x":1,"delta.columnMapping.physicalName":"old"}}]})");
  s.fields[0].field_id = 9;
  s.fields[0].physical_name.reset();
  EXPECT_THAT(serialize_schema(s), HasSubstr(R"("metadata":{"delta.columnMapping.id":9,"x":1})"));
}

TEST(DeltaSchema, RoundTripOfEveryKind) {
  Schema s;
  s.fields.push_back(Field{"b", DataType::primitive(TypeKind::kBoolean)});
  s.fields.push_back(Field{"d", DataType::decimal(38, 10), false});
  s.fields.push_back(Field{
      "nested", DataType::struct_of(
                    {Field{"x", DataType::array_of(DataType::map_of(
                                    DataType::primitive(TypeKind::kDate),
                                    DataType::primitive(TypeKind::kTimestampNtz), false))}})});
  EXPECT_EQ(parse_ok(serialize_schema(s)), s);
}

// -------------------------------------------------------- column mapping --

TEST(ColumnMappingMode, AbsentIsNone) {
  auto m = column_mapping_mode({});
  ASSERT_TRUE(m.is_ok());
  EXPECT_EQ(*m, ColumnMappingMode::kNone);
}

TEST(ColumnMappingMode, NamesAnyCase) {
  EXPECT_EQ(*column_mapping_mode({{"delta.columnMapping.mode", "name"}}), ColumnMappingMode::kName);
  EXPECT_EQ(*column_mapping_mode({{"delta.columnMapping.mode", "ID"}}), ColumnMappingMode::kId);
  EXPECT_EQ(*column_mapping_mode({{"delta.columnMapping.mode", "None"}}), ColumnMappingMode::kNone);
}

TEST(ColumnMappingMode, UnknownModeIsUnsupported) {
  auto m = column_mapping_mode({{"delta.columnMapping.mode", "uuid"}});
  ASSERT_FALSE(m.is_ok());
  EXPECT_EQ(m.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(m.status().message(), HasSubstr("'uuid'"));
}

// ------------------------------------------------------------- parquet --

TEST(DeltaParquetSchema, DecimalFixedLengths) {
  const int32_t expected[] = {0,  1,  1,  2,  2,  3,  3,  4,  4,  4,  5,  5,  6,
                              6,  6,  7,  7,  8,  8,  9,  9,  9,  10, 10, 11, 11,
                              11, 12, 12, 13, 13, 13, 14, 14, 15, 15, 16, 16, 16};
  for (int32_t p = 1; p <= 38; ++p) EXPECT_EQ(decimal_fixed_length(p), expected[p]) << p;
}

Schema all_types_schema() {
  return parse_ok(R"j({"type":"struct","fields":[
    {"name":"bo","type":"boolean","nullable":true,"metadata":{}},
    {"name":"by","type":"byte","nullable":true,"metadata":{}},
    {"name":"sh","type":"short","nullable":true,"metadata":{}},
    {"name":"in","type":"integer","nullable":false,"metadata":{}},
    {"name":"lo","type":"long","nullable":true,"metadata":{}},
    {"name":"fl","type":"float","nullable":true,"metadata":{}},
    {"name":"do","type":"double","nullable":true,"metadata":{}},
    {"name":"d9","type":"decimal(9,2)","nullable":true,"metadata":{}},
    {"name":"d18","type":"decimal(18,3)","nullable":true,"metadata":{}},
    {"name":"d38","type":"decimal(38,10)","nullable":true,"metadata":{}},
    {"name":"st","type":"string","nullable":true,"metadata":{}},
    {"name":"bi","type":"binary","nullable":true,"metadata":{}},
    {"name":"da","type":"date","nullable":true,"metadata":{}},
    {"name":"ts","type":"timestamp","nullable":true,"metadata":{}},
    {"name":"tn","type":"timestamp_ntz","nullable":true,"metadata":{}},
    {"name":"ar","type":{"type":"array","elementType":"integer","containsNull":false},
     "nullable":true,"metadata":{}},
    {"name":"ma","type":{"type":"map","keyType":"string","valueType":"long",
     "valueContainsNull":true},"nullable":true,"metadata":{}},
    {"name":"sr","type":{"type":"struct","fields":[
      {"name":"x","type":"integer","nullable":true,"metadata":{}}]},
     "nullable":false,"metadata":{}}]})j");
}

TEST(DeltaParquetSchema, EveryTypeMakesAValidTree) {
  const auto elements = to_parquet_schema(all_types_schema(), ColumnMappingMode::kNone);
  EXPECT_EQ(elements[0].name, "schema");
  auto tree = parquet::SchemaTree::make(elements, "test");
  ASSERT_TRUE(tree.is_ok()) << tree.status().message();
  EXPECT_EQ(tree->num_fields(), 18u);
  using parquet::Type;
  struct Expected {
    std::string path;
    Type type;
  };
  const Expected expected[] = {
      {"bo", Type::kBoolean},
      {"by", Type::kInt32},
      {"sh", Type::kInt32},
      {"in", Type::kInt32},
      {"lo", Type::kInt64},
      {"fl", Type::kFloat},
      {"do", Type::kDouble},
      {"d9", Type::kInt32},
      {"d18", Type::kInt64},
      {"d38", Type::kFixedLenByteArray},
      {"st", Type::kByteArray},
      {"bi", Type::kByteArray},
      {"da", Type::kInt32},
      {"ts", Type::kInt64},
      {"tn", Type::kInt64},
      {"ar.list.element", Type::kInt32},
      {"ma.key_value.key", Type::kByteArray},
      {"ma.key_value.value", Type::kInt64},
      {"sr.x", Type::kInt32},
  };
  const auto& cols = tree->columns();
  ASSERT_EQ(cols.size(), std::size(expected));
  for (size_t i = 0; i < cols.size(); ++i) {
    EXPECT_EQ(cols[i].dotted_path(), expected[i].path);
    EXPECT_EQ(cols[i].physical_type, expected[i].type) << expected[i].path;
  }
  EXPECT_EQ(tree->field(15).kind, parquet::ValueKind::kList);
  EXPECT_EQ(tree->field(16).kind, parquet::ValueKind::kMap);
  EXPECT_EQ(tree->field(17).kind, parquet::ValueKind::kStruct);
}

TEST(DeltaParquetSchema, LeafAnnotations) {
  const auto elements = to_parquet_schema(all_types_schema(), ColumnMappingMode::kNone);
  auto tree = parquet::SchemaTree::make(elements, "test");
  ASSERT_TRUE(tree.is_ok());
  const auto& c = tree->columns();
  using parquet::LogicalType;
  using parquet::LogicalTypeKind;
  using parquet::TimeUnit;
  EXPECT_EQ(c[1].logical_type, LogicalType::integer(8, true));
  EXPECT_EQ(c[1].converted_type, parquet::ConvertedType::kInt8);
  EXPECT_EQ(c[2].logical_type, LogicalType::integer(16, true));
  EXPECT_FALSE(c[3].logical_type.has_value());
  EXPECT_EQ(c[3].repetition, parquet::FieldRepetitionType::kRequired);
  EXPECT_EQ(c[4].repetition, parquet::FieldRepetitionType::kOptional);
  EXPECT_EQ(c[7].logical_type, LogicalType::decimal(2, 9));
  EXPECT_EQ(c[7].precision, 9);
  EXPECT_EQ(c[7].scale, 2);
  EXPECT_EQ(c[8].logical_type, LogicalType::decimal(3, 18));
  EXPECT_EQ(c[9].type_length, 16);
  EXPECT_EQ(c[9].converted_type, parquet::ConvertedType::kDecimal);
  EXPECT_EQ(c[10].logical_type, LogicalType::of(LogicalTypeKind::kString));
  EXPECT_EQ(c[10].converted_type, parquet::ConvertedType::kUtf8);
  EXPECT_FALSE(c[11].logical_type.has_value());
  EXPECT_EQ(c[12].logical_type, LogicalType::of(LogicalTypeKind::kDate));
  EXPECT_EQ(c[13].logical_type, LogicalType::timestamp(true, TimeUnit::kMicros));
  EXPECT_EQ(c[13].converted_type, parquet::ConvertedType::kTimestampMicros);
  EXPECT_EQ(c[14].logical_type, LogicalType::timestamp(false, TimeUnit::kMicros));
  EXPECT_FALSE(c[14].converted_type.has_value());
  // Array of non-null elements: optional list, required element.
  EXPECT_EQ(c[15].max_def_level, 2);
  EXPECT_EQ(c[15].max_rep_level, 1);
  EXPECT_EQ(c[15].repetition, parquet::FieldRepetitionType::kRequired);
  // Map keys are required, values optional here.
  EXPECT_EQ(c[16].repetition, parquet::FieldRepetitionType::kRequired);
  EXPECT_EQ(c[17].repetition, parquet::FieldRepetitionType::kOptional);
  // A non-null struct with a nullable field.
  EXPECT_EQ(c[18].max_def_level, 1);
}

TEST(DeltaParquetSchema, ColumnMappingUsesPhysicalNamesAndIds) {
  Schema s = parse_ok(R"({"type":"struct","fields":[
    {"name":"a","type":"long","nullable":true,
     "metadata":{"delta.columnMapping.id":1,"delta.columnMapping.physicalName":"col-a"}},
    {"name":"s","type":{"type":"struct","fields":[{"name":"x","type":"integer","nullable":true,
       "metadata":{"delta.columnMapping.id":3,"delta.columnMapping.physicalName":"col-x"}}]},
     "nullable":true,
     "metadata":{"delta.columnMapping.id":2,"delta.columnMapping.physicalName":"col-s"}}]})");
  for (ColumnMappingMode mode : {ColumnMappingMode::kName, ColumnMappingMode::kId}) {
    const auto elements = to_parquet_schema(s, mode);
    auto tree = parquet::SchemaTree::make(elements, "test");
    ASSERT_TRUE(tree.is_ok()) << tree.status().message();
    ASSERT_EQ(tree->columns().size(), 2u);
    EXPECT_EQ(tree->columns()[0].dotted_path(), "col-a");
    EXPECT_EQ(tree->columns()[1].dotted_path(), "col-s.col-x");
    EXPECT_EQ(elements[1].field_id, 1);
    EXPECT_EQ(elements[2].field_id, 2);
    EXPECT_EQ(elements[3].field_id, 3);
  }
  const auto plain = to_parquet_schema(s, ColumnMappingMode::kNone);
  EXPECT_EQ(plain[1].name, "a");
  EXPECT_FALSE(plain[1].field_id.has_value());
}

TEST(DeltaParquetSchema, EmptySchemaIsJustTheRoot) {
  const auto elements = to_parquet_schema(Schema{}, ColumnMappingMode::kNone);
  ASSERT_EQ(elements.size(), 1u);
  EXPECT_EQ(elements[0].num_children, 0);
}

// -------------------------------------------------------- golden tables --

struct TableLog {
  std::string name;
  std::vector<std::string> schema_strings;  // every metaData.schemaString, in file order
};

using testing::json_log_files;

std::vector<std::string> schema_strings_of(const std::filesystem::path& table) {
  std::vector<std::string> out;
  simdjson::dom::parser parser;
  for (const auto& file : json_log_files(table)) {
    std::istringstream lines(read_text(file));
    std::string line;
    while (std::getline(lines, line)) {
      if (line.empty()) continue;
      simdjson::dom::element doc;
      if (parser.parse(line).get(doc) != simdjson::SUCCESS) {
        ADD_FAILURE() << "unparsable log line in " << file;
        continue;
      }
      std::string_view schema_string;
      if (doc["metaData"]["schemaString"].get_string().get(schema_string) == simdjson::SUCCESS) {
        out.emplace_back(schema_string);
      }
    }
  }
  return out;
}

TEST(DeltaSchemaGolden, EverySchemaStringSerializesBackExactly) {
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(golden_dir())) {
    if (!entry.is_directory()) continue;
    for (const std::string& s : schema_strings_of(entry.path())) {
      auto schema = parse_schema(s);
      ASSERT_TRUE(schema.is_ok()) << entry.path() << ": " << schema.status().message();
      EXPECT_EQ(serialize_schema(*schema), s) << entry.path();
      auto again = parse_schema(serialize_schema(*schema));
      ASSERT_TRUE(again.is_ok());
      EXPECT_EQ(*again, *schema) << entry.path();
      ++checked;
    }
  }
  EXPECT_GE(checked, 28);
}

TEST(DeltaSchemaGolden, ManifestExpectedSchemaMatchesLatestSchemaString) {
  simdjson::dom::parser parser;
  const simdjson::padded_string manifest(read_text(golden_dir() / "MANIFEST.json"));
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(manifest).get(doc), simdjson::SUCCESS);
  simdjson::dom::array tables;
  ASSERT_EQ(doc["tables"].get_array().get(tables), simdjson::SUCCESS);
  int checked = 0;
  for (simdjson::dom::element table : tables) {
    std::string_view name;
    std::string_view dir;
    ASSERT_EQ(table["name"].get_string().get(name), simdjson::SUCCESS);
    ASSERT_EQ(table["dir"].get_string().get(dir), simdjson::SUCCESS);
    SCOPED_TRACE(std::string(name));
    const auto strings = schema_strings_of(golden_dir() / std::string(dir));
    ASSERT_FALSE(strings.empty()) << "no JSON metaData";
    // Every table's latest metaData is in a JSON commit; the manifest's
    // schema is the latest one.
    auto ours = parse_schema(strings.back());
    ASSERT_TRUE(ours.is_ok()) << ours.status().message();
    const std::string expected_json = simdjson::minify(table["expected_schema"]);
    auto expected = parse_schema(expected_json);
    ASSERT_TRUE(expected.is_ok()) << expected.status().message();
    EXPECT_EQ(*expected, *ours);
    EXPECT_EQ(serialize_schema(*ours), expected_json);
    // expected_schema_simple: "name: type" per top-level field.
    simdjson::dom::array simple;
    ASSERT_EQ(table["expected_schema_simple"].get_array().get(simple), simdjson::SUCCESS);
    size_t i = 0;
    for (simdjson::dom::element line : simple) {
      std::string_view text;
      ASSERT_EQ(line.get_string().get(text), simdjson::SUCCESS);
      ASSERT_LT(i, ours->fields.size());
      EXPECT_EQ(ours->fields[i].name + ": " + ours->fields[i].type.to_string(), text);
      ++i;
    }
    EXPECT_EQ(i, ours->fields.size());
    // The Parquet schema of every golden table is a valid tree.
    auto configuration_mode = ColumnMappingMode::kNone;
    std::string_view mode_text;
    if (table["column_mapping_mode"].get_string().get(mode_text) == simdjson::SUCCESS) {
      auto m = column_mapping_mode({{"delta.columnMapping.mode", std::string(mode_text)}});
      ASSERT_TRUE(m.is_ok()) << m.status().message();
      configuration_mode = *m;
    }
    auto tree = parquet::SchemaTree::make(to_parquet_schema(*ours, configuration_mode), "golden");
    EXPECT_TRUE(tree.is_ok()) << tree.status().message();
    ++checked;
  }
  EXPECT_GE(checked, 28);
}

TEST(DeltaSchemaGolden, ColumnMappingTableHasPhysicalNamesAndIds) {
  const auto strings = schema_strings_of(golden_dir() / "table-with-columnmapping-mode-name");
  ASSERT_FALSE(strings.empty());
  auto schema = parse_schema(strings.back());
  ASSERT_TRUE(schema.is_ok()) << schema.status().message();
  const Field* f = schema->find("ByteType");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->field_id, 1);
  ASSERT_TRUE(f->physical_name.has_value());
  EXPECT_EQ(f->physical_name->rfind("col-", 0), 0u);
  for (const Field& field : schema->fields) {
    EXPECT_TRUE(field.physical_name.has_value()) << field.name;
    EXPECT_TRUE(field.field_id.has_value()) << field.name;
  }
}

}  // namespace
}  // namespace medallion::delta
