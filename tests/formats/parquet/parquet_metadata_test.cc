// FileMetaData and PageHeader: every field round trips through our encoder
// and decoder; unknown fields are skipped; missing or impossible values are
// corruption errors that name the field.
#include "formats/parquet/parquet_metadata.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "formats/parquet/thrift_compact.h"

namespace medallion::parquet {
namespace {

static_assert(static_cast<int>(Type::kFixedLenByteArray) == 7);
static_assert(static_cast<int>(ConvertedType::kInterval) == 21);
static_assert(static_cast<int>(FieldRepetitionType::kRepeated) == 2);
static_assert(static_cast<int>(Encoding::kByteStreamSplit) == 9);
static_assert(static_cast<int>(CompressionCodec::kLz4Raw) == 7);
static_assert(static_cast<int>(PageType::kDataPageV2) == 3);
static_assert(static_cast<int>(LogicalTypeKind::kFloat16) == 15);

SchemaElement group(std::string name, int32_t children,
                    std::optional<FieldRepetitionType> rep = FieldRepetitionType::kOptional) {
  SchemaElement e;
  e.name = std::move(name);
  e.num_children = children;
  e.repetition_type = rep;
  return e;
}

SchemaElement leaf(std::string name, Type type, std::optional<LogicalType> logical = std::nullopt) {
  SchemaElement e;
  e.name = std::move(name);
  e.type = type;
  e.repetition_type = FieldRepetitionType::kOptional;
  e.logical_type = logical;
  return e;
}

// Every logical type the spec defines that we model, one leaf each.
std::vector<LogicalType> every_logical_type() {
  return {LogicalType::of(LogicalTypeKind::kString),
          LogicalType::of(LogicalTypeKind::kEnum),
          LogicalType::decimal(2, 9),
          LogicalType::of(LogicalTypeKind::kDate),
          LogicalType::time(true, TimeUnit::kMillis),
          LogicalType::time(false, TimeUnit::kNanos),
          LogicalType::timestamp(true, TimeUnit::kMicros),
          LogicalType::timestamp(false, TimeUnit::kNanos),
          LogicalType::timestamp(true, TimeUnit::kMillis),
          LogicalType::integer(8, true),
          LogicalType::integer(64, false),
          LogicalType::of(LogicalTypeKind::kUnknown),
          LogicalType::of(LogicalTypeKind::kJson),
          LogicalType::of(LogicalTypeKind::kBson),
          LogicalType::of(LogicalTypeKind::kUuid),
          LogicalType::of(LogicalTypeKind::kFloat16)};
}

Statistics full_statistics() {
  Statistics s;
  s.max = std::string("\xff\x00z", 3);
  s.min = "";
  s.null_count = 0;
  s.distinct_count = 17;
  s.max_value = "zz";
  s.min_value = "aa";
  s.is_max_value_exact = true;
  s.is_min_value_exact = false;
  return s;
}

// A footer with every field of every struct set, including a MAP and a LIST
// group, every logical type, and two row groups.
FileMetaData full_metadata() {
  FileMetaData m;
  m.version = 2;
  const auto logical = every_logical_type();
  m.schema.push_back(group("root", static_cast<int32_t>(logical.size()) + 2, std::nullopt));
  for (size_t i = 0; i < logical.size(); ++i) {
    SchemaElement e = leaf("c" + std::to_string(i), Type::kInt64, logical[i]);
    e.field_id = static_cast<int32_t>(i) - 1;
    m.schema.push_back(e);
  }
  SchemaElement dec = leaf("flba", Type::kFixedLenByteArray);
  dec.type_length = 11;
  dec.converted_type = ConvertedType::kDecimal;
  dec.scale = 2;
  dec.precision = 25;
  dec.repetition_type = FieldRepetitionType::kRequired;
  m.schema.push_back(dec);
  SchemaElement map = group("m", 1);
  map.converted_type = ConvertedType::kMap;
  map.logical_type = LogicalType::of(LogicalTypeKind::kMap);
  m.schema.push_back(map);
  SchemaElement kv = group("key_value", 2, FieldRepetitionType::kRepeated);
  m.schema.push_back(kv);
  m.schema.push_back(leaf("key", Type::kByteArray, LogicalType::of(LogicalTypeKind::kString)));
  SchemaElement list = group("value", 1);
  list.logical_type = LogicalType::of(LogicalTypeKind::kList);
  list.converted_type = ConvertedType::kList;
  m.schema.push_back(list);
  m.schema.push_back(group("list", 1, FieldRepetitionType::kRepeated));
  m.schema.push_back(leaf("element", Type::kBoolean));
  m.num_rows = 1LL << 40;

  for (int g = 0; g < 2; ++g) {
    RowGroup rg;
    ColumnChunk cc;
    cc.file_path = "other.parquet";
    cc.file_offset = 4;
    ColumnMetaData md;
    md.type = Type::kInt64;
    md.encodings = {Encoding::kPlain, Encoding::kRle, Encoding::kRleDictionary};
    md.path_in_schema = {"m", "key_value", "key"};
    md.codec = CompressionCodec::kZstd;
    md.num_values = 1000;
    md.total_uncompressed_size = 5000;
    md.total_compressed_size = 4000;
    md.key_value_metadata = std::vector<KeyValue>{{"k", "v"}, {"only_key", std::nullopt}};
    md.data_page_offset = 100;
    md.index_page_offset = 90;
    md.dictionary_page_offset = 4;
    md.statistics = full_statistics();
    md.encoding_stats =
        std::vector<PageEncodingStats>{{PageType::kDictionaryPage, Encoding::kPlain, 1},
                                       {PageType::kDataPage, Encoding::kRleDictionary, 20}};
    md.bloom_filter_offset = 7000;
    md.bloom_filter_length = 64;
    cc.meta_data = md;
    cc.offset_index_offset = 8000;
    cc.offset_index_length = 30;
    cc.column_index_offset = 8100;
    cc.column_index_length = 40;
    rg.columns = {cc, ColumnChunk{}};
    rg.total_byte_size = 5000;
    rg.num_rows = 1LL << 39;
    rg.sorting_columns = std::vector<SortingColumn>{{0, true, false}, {3, false, true}};
    rg.file_offset = 4;
    rg.total_compressed_size = 4000;
    rg.ordinal = static_cast<int16_t>(g);
    m.row_groups.push_back(rg);
  }
  m.key_value_metadata = std::vector<KeyValue>{{"ARROW:schema", std::string(300, 'a')}};
  m.created_by = "medallion test";
  m.column_orders =
      std::vector<ColumnOrder>{ColumnOrder::kTypeDefinedOrder, ColumnOrder::kIeee754TotalOrder};
  return m;
}

// Writes FileMetaData fields 1..4 (version 1, a one-leaf schema, 0 rows, no
// row groups) except `omit`, then `extra`, then the stop.
std::string file_metadata_bytes(int omit, const std::function<void(CompactWriter&)>& extra = {}) {
  CompactWriter w;
  w.struct_begin();
  if (omit != 1) {
    w.field_begin(CompactType::kI32, 1);
    w.write_i32(1);
  }
  if (omit != 2) {
    w.field_begin(CompactType::kList, 2);
    w.list_begin(CompactType::kStruct, 2);
    w.struct_begin();  // root
    w.field_begin(CompactType::kBinary, 4);
    w.write_binary("schema");
    w.field_begin(CompactType::kI32, 5);
    w.write_i32(1);
    w.struct_end();
    w.struct_begin();  // leaf
    w.field_begin(CompactType::kI32, 1);
    w.write_i32(1);  // INT32
    w.field_begin(CompactType::kI32, 3);
    w.write_i32(0);
    w.field_begin(CompactType::kBinary, 4);
    w.write_binary("a");
    w.struct_end();
  }
  if (omit != 3) {
    w.field_begin(CompactType::kI64, 3);
    w.write_i64(0);
  }
  if (omit != 4) {
    w.field_begin(CompactType::kList, 4);
    w.list_begin(CompactType::kStruct, 0);
  }
  if (extra) extra(w);
  w.struct_end();
  return w.release();
}

FileMetaData decode_ok(const std::string& bytes) {
  auto m = decode_file_metadata(bytes);
  EXPECT_TRUE(m.is_ok()) << m.status().message();
  return m.is_ok() ? *m : FileMetaData{};
}

void expect_corruption(const util::Status& st, const std::string& needle) {
  EXPECT_FALSE(st.is_ok());
  EXPECT_EQ(st.code(), util::StatusCode::kCorruption) << st.message();
  EXPECT_NE(st.message().find(needle), std::string::npos) << st.message();
}

// ----------------------------------------------------------- round trips --

TEST(ParquetMetadata, EveryFieldRoundTrips) {
  const FileMetaData m = full_metadata();
  const std::string bytes = encode_file_metadata(m);
  auto back = decode_file_metadata(bytes);
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(*back, m);
  EXPECT_EQ(encode_file_metadata(*back), bytes);
}

TEST(ParquetMetadata, EveryLogicalTypeRoundTrips) {
  const FileMetaData m = full_metadata();
  auto back = decode_file_metadata(encode_file_metadata(m));
  ASSERT_TRUE(back.is_ok());
  const auto logical = every_logical_type();
  for (size_t i = 0; i < logical.size(); ++i) {
    ASSERT_TRUE(back->schema[i + 1].logical_type.has_value());
    EXPECT_EQ(*back->schema[i + 1].logical_type, logical[i]) << logical_type_name(logical[i].kind);
  }
}

TEST(ParquetMetadata, MinimalFooterDecodes) {
  const FileMetaData m = decode_ok(file_metadata_bytes(0));
  EXPECT_EQ(m.version, 1);
  ASSERT_EQ(m.schema.size(), 2u);
  EXPECT_EQ(m.schema[1].name, "a");
  EXPECT_EQ(m.schema[1].type, Type::kInt32);
  EXPECT_EQ(m.schema[1].repetition_type, FieldRepetitionType::kRequired);
  EXPECT_FALSE(m.created_by.has_value());
  EXPECT_FALSE(m.key_value_metadata.has_value());
}

TEST(ParquetMetadata, AbsentAndEmptyOptionalListsStayDistinct) {
  FileMetaData m = decode_ok(file_metadata_bytes(0));
  m.key_value_metadata = std::vector<KeyValue>{};
  auto back = decode_file_metadata(encode_file_metadata(m));
  ASSERT_TRUE(back.is_ok());
  ASSERT_TRUE(back->key_value_metadata.has_value());
  EXPECT_TRUE(back->key_value_metadata->empty());
}

TEST(ParquetMetadata, UnknownEncodingValueIsKept) {
  FileMetaData m = full_metadata();
  m.row_groups[0].columns[0].meta_data->encodings.push_back(static_cast<Encoding>(42));
  auto back = decode_file_metadata(encode_file_metadata(m));
  ASSERT_TRUE(back.is_ok());
  EXPECT_EQ(back->row_groups[0].columns[0].meta_data->encodings.back(), static_cast<Encoding>(42));
  EXPECT_EQ(encoding_name(static_cast<Encoding>(42)), "Encoding(42)");
}

TEST(ParquetMetadata, EnumNamesAreTheSpecs) {
  EXPECT_EQ(type_name(Type::kFixedLenByteArray), "FIXED_LEN_BYTE_ARRAY");
  EXPECT_EQ(converted_type_name(ConvertedType::kTimestampMicros), "TIMESTAMP_MICROS");
  EXPECT_EQ(converted_type_name(ConvertedType::kUint8), "UINT_8");
  EXPECT_EQ(repetition_name(FieldRepetitionType::kRepeated), "REPEATED");
  EXPECT_EQ(encoding_name(Encoding::kRleDictionary), "RLE_DICTIONARY");
  EXPECT_EQ(codec_name(CompressionCodec::kLz4Raw), "LZ4_RAW");
  EXPECT_EQ(page_type_name(PageType::kDataPageV2), "DATA_PAGE_V2");
  EXPECT_EQ(logical_type_name(LogicalTypeKind::kUnknown), "UNKNOWN");
  EXPECT_EQ(logical_type_name(static_cast<LogicalTypeKind>(16)), "LogicalType(16)");
  EXPECT_EQ(time_unit_name(TimeUnit::kNanos), "NANOS");
}

// --------------------------------------------------- forward compatibility --

TEST(ParquetMetadata, UnknownFileMetaDataFieldsAreSkipped) {
  const std::string bytes = file_metadata_bytes(0, [](CompactWriter& w) {
    w.field_begin(CompactType::kStruct, 8);  // encryption_algorithm
    w.struct_begin();
    w.field_begin(CompactType::kStruct, 1);
    w.struct_begin();
    w.field_begin(CompactType::kBinary, 1);
    w.write_binary("aad");
    w.struct_end();
    w.struct_end();
    w.field_begin(CompactType::kMap, 200);  // a field from a future spec
    w.map_begin(CompactType::kBinary, CompactType::kList, 1);
    w.write_binary("x");
    w.list_begin(CompactType::kDouble, 2);
    w.write_double(1);
    w.write_double(2);
  });
  const FileMetaData m = decode_ok(bytes);
  EXPECT_EQ(m.schema.size(), 2u);
}

TEST(ParquetMetadata, UnknownSchemaElementFieldIsSkipped) {
  FileMetaData m = decode_ok(file_metadata_bytes(0));
  // Re-encode the leaf with field 11 (vector_length) and field 30 added.
  CompactWriter w;
  w.struct_begin();
  w.field_begin(CompactType::kI32, 1);
  w.write_i32(1);
  w.field_begin(CompactType::kList, 2);
  w.list_begin(CompactType::kStruct, 2);
  w.struct_begin();
  w.field_begin(CompactType::kBinary, 4);
  w.write_binary("schema");
  w.field_begin(CompactType::kI32, 5);
  w.write_i32(1);
  w.struct_end();
  w.struct_begin();
  w.field_begin(CompactType::kI32, 1);
  w.write_i32(2);
  w.field_begin(CompactType::kBinary, 4);
  w.write_binary("v");
  w.field_begin(CompactType::kI32, 11);
  w.write_i32(3);
  w.field_bool(30, true);
  w.struct_end();
  w.field_begin(CompactType::kI64, 3);
  w.write_i64(5);
  w.field_begin(CompactType::kList, 4);
  w.list_begin(CompactType::kStruct, 0);
  w.struct_end();
  m = decode_ok(w.data());
  EXPECT_EQ(m.schema[1].name, "v");
  EXPECT_EQ(m.schema[1].type, Type::kInt64);
  EXPECT_EQ(m.num_rows, 5);
}

// A schema with one leaf whose logicalType is written by `write_union`.
std::string with_leaf_logical_type(const std::function<void(CompactWriter&)>& write_union) {
  CompactWriter w;
  w.struct_begin();
  w.field_begin(CompactType::kI32, 1);
  w.write_i32(1);
  w.field_begin(CompactType::kList, 2);
  w.list_begin(CompactType::kStruct, 2);
  w.struct_begin();
  w.field_begin(CompactType::kBinary, 4);
  w.write_binary("schema");
  w.field_begin(CompactType::kI32, 5);
  w.write_i32(1);
  w.struct_end();
  w.struct_begin();
  w.field_begin(CompactType::kI32, 1);
  w.write_i32(6);
  w.field_begin(CompactType::kBinary, 4);
  w.write_binary("v");
  w.field_begin(CompactType::kStruct, 10);
  w.struct_begin();
  write_union(w);
  w.struct_end();
  w.struct_end();
  w.field_begin(CompactType::kI64, 3);
  w.write_i64(0);
  w.field_begin(CompactType::kList, 4);
  w.list_begin(CompactType::kStruct, 0);
  w.struct_end();
  return w.release();
}

TEST(ParquetMetadata, UnrecognizedLogicalTypeIsKeptById) {
  const std::string bytes = with_leaf_logical_type([](CompactWriter& w) {
    w.field_begin(CompactType::kStruct, 16);  // VARIANT {1: i8 specification_version}
    w.struct_begin();
    w.field_begin(CompactType::kI8, 1);
    w.write_i8(1);
    w.struct_end();
  });
  const FileMetaData m = decode_ok(bytes);
  ASSERT_TRUE(m.schema[1].logical_type.has_value());
  EXPECT_EQ(static_cast<int>(m.schema[1].logical_type->kind), 16);
  EXPECT_FALSE(is_recognized(m.schema[1].logical_type->kind));
  auto back = decode_file_metadata(encode_file_metadata(m));
  ASSERT_TRUE(back.is_ok());
  EXPECT_EQ(*back, m);
}

TEST(ParquetMetadata, UnrecognizedColumnOrderIsKeptById) {
  const std::string bytes = file_metadata_bytes(0, [](CompactWriter& w) {
    w.field_begin(CompactType::kList, 7);
    w.list_begin(CompactType::kStruct, 1);
    w.struct_begin();
    w.field_begin(CompactType::kStruct, 9);
    w.struct_begin();
    w.field_begin(CompactType::kBinary, 1);
    w.write_binary("collation");
    w.struct_end();
    w.struct_end();
  });
  const FileMetaData m = decode_ok(bytes);
  ASSERT_TRUE(m.column_orders.has_value());
  EXPECT_EQ(static_cast<int>((*m.column_orders)[0]), 9);
}

// -------------------------------------------------------------- errors --

TEST(ParquetMetadataError, MissingVersion) {
  expect_corruption(decode_file_metadata(file_metadata_bytes(1)).status(),
                    "missing required field FileMetaData.version");
}

TEST(ParquetMetadataError, MissingSchema) {
  expect_corruption(decode_file_metadata(file_metadata_bytes(2)).status(),
                    "missing required field FileMetaData.schema");
}

TEST(ParquetMetadataError, MissingNumRows) {
  expect_corruption(decode_file_metadata(file_metadata_bytes(3)).status(),
                    "missing required field FileMetaData.num_rows");
}

TEST(ParquetMetadataError, MissingRowGroups) {
  expect_corruption(decode_file_metadata(file_metadata_bytes(4)).status(),
                    "missing required field FileMetaData.row_groups");
}

TEST(ParquetMetadataError, MissingSchemaElementName) {
  FileMetaData m = decode_ok(file_metadata_bytes(0));
  m.schema[1].name = "";
  std::string bytes = encode_file_metadata(m);
  // The empty name is encoded as field 4 with length 0: 0x18 0x00 right after
  // the leaf's type and repetition. Replace it by nothing: find "\x18\x00".
  const size_t at = bytes.find(std::string("\x18\x00", 2), bytes.find("schema") + 6);
  ASSERT_NE(at, std::string::npos);
  bytes.erase(at, 2);
  expect_corruption(decode_file_metadata(bytes).status(),
                    "missing required field SchemaElement.name");
}

TEST(ParquetMetadataError, MissingColumnMetaDataCodec) {
  // A row group whose only column's meta_data lacks field 4 (codec).
  const std::string bytes = file_metadata_bytes(4, [](CompactWriter& w) {
    w.field_begin(CompactType::kList, 4);
    w.list_begin(CompactType::kStruct, 1);
    w.struct_begin();  // RowGroup
    w.field_begin(CompactType::kList, 1);
    w.list_begin(CompactType::kStruct, 1);
    w.struct_begin();  // ColumnChunk
    w.field_begin(CompactType::kI64, 2);
    w.write_i64(0);
    w.field_begin(CompactType::kStruct, 3);
    w.struct_begin();  // ColumnMetaData without codec
    w.field_begin(CompactType::kI32, 1);
    w.write_i32(1);
    w.field_begin(CompactType::kList, 2);
    w.list_begin(CompactType::kI32, 1);
    w.write_i32(0);
    w.field_begin(CompactType::kList, 3);
    w.list_begin(CompactType::kBinary, 1);
    w.write_binary("a");
    w.field_begin(CompactType::kI64, 5);
    w.write_i64(0);
    w.field_begin(CompactType::kI64, 6);
    w.write_i64(0);
    w.field_begin(CompactType::kI64, 7);
    w.write_i64(0);
    w.field_begin(CompactType::kI64, 9);
    w.write_i64(4);
    w.struct_end();
    w.struct_end();
    w.field_begin(CompactType::kI64, 2);
    w.write_i64(0);
    w.field_begin(CompactType::kI64, 3);
    w.write_i64(0);
    w.struct_end();
  });
  expect_corruption(decode_file_metadata(bytes).status(),
                    "missing required field ColumnMetaData.codec");
}

TEST(ParquetMetadataError, KnownFieldWithWrongWireType) {
  const std::string bytes = file_metadata_bytes(3, [](CompactWriter& w) {
    w.field_begin(CompactType::kBinary, 3);  // num_rows as a string
    w.write_binary("12");
  });
  expect_corruption(decode_file_metadata(bytes).status(),
                    "FileMetaData.num_rows has wire type binary, expected i64");
}

TEST(ParquetMetadataError, PhysicalTypeOutOfRange) {
  FileMetaData m = decode_ok(file_metadata_bytes(0));
  m.schema[1].type = static_cast<Type>(-7);
  expect_corruption(decode_file_metadata(encode_file_metadata(m)).status(),
                    "physical type -7 is not a Parquet type");
}

TEST(ParquetMetadataError, RepetitionOutOfRange) {
  FileMetaData m = decode_ok(file_metadata_bytes(0));
  m.schema[1].repetition_type = static_cast<FieldRepetitionType>(9);
  expect_corruption(decode_file_metadata(encode_file_metadata(m)).status(), "repetition type 9");
}

TEST(ParquetMetadataError, VectorRepetitionIsUnsupported) {
  FileMetaData m = decode_ok(file_metadata_bytes(0));
  m.schema[1].repetition_type = static_cast<FieldRepetitionType>(3);
  auto r = decode_file_metadata(encode_file_metadata(m));
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kUnsupported);
}

TEST(ParquetMetadataError, NegativeNumRows) {
  FileMetaData m = decode_ok(file_metadata_bytes(0));
  m.num_rows = -1;
  expect_corruption(decode_file_metadata(encode_file_metadata(m)).status(),
                    "FileMetaData.num_rows is negative");
}

TEST(ParquetMetadataError, EmptySchema) {
  FileMetaData m = decode_ok(file_metadata_bytes(0));
  m.schema.clear();
  expect_corruption(decode_file_metadata(encode_file_metadata(m)).status(), "schema is empty");
}

TEST(ParquetMetadataError, SchemaChildrenBeyondTheList) {
  FileMetaData m = decode_ok(file_metadata_bytes(0));
  m.schema[0].num_children = 3;
  expect_corruption(decode_file_metadata(encode_file_metadata(m)).status(),
                    "declares 3 children but the schema list ends 2 short");
}

TEST(ParquetMetadataError, SchemaElementsAfterTheRootsTree) {
  FileMetaData m = decode_ok(file_metadata_bytes(0));
  m.schema.push_back(m.schema[1]);
  expect_corruption(decode_file_metadata(encode_file_metadata(m)).status(),
                    "root's tree holds only 2");
}

TEST(ParquetMetadataError, NegativeNumChildren) {
  FileMetaData m = decode_ok(file_metadata_bytes(0));
  m.schema[1].num_children = -1;
  expect_corruption(decode_file_metadata(encode_file_metadata(m)).status(), "num_children -1");
}

TEST(ParquetMetadataError, LogicalTypeWithTwoMembers) {
  const std::string bytes = with_leaf_logical_type([](CompactWriter& w) {
    w.field_begin(CompactType::kStruct, 1);
    w.struct_begin();
    w.struct_end();
    w.field_begin(CompactType::kStruct, 4);
    w.struct_begin();
    w.struct_end();
  });
  expect_corruption(decode_file_metadata(bytes).status(), "more than one member");
}

TEST(ParquetMetadataError, LogicalTypeWithNoMember) {
  const std::string bytes = with_leaf_logical_type([](CompactWriter&) {});
  expect_corruption(decode_file_metadata(bytes).status(), "LogicalType union has no member");
}

TEST(ParquetMetadataError, DecimalWithoutPrecision) {
  const std::string bytes = with_leaf_logical_type([](CompactWriter& w) {
    w.field_begin(CompactType::kStruct, 5);
    w.struct_begin();
    w.field_begin(CompactType::kI32, 1);
    w.write_i32(2);
    w.struct_end();
  });
  expect_corruption(decode_file_metadata(bytes).status(),
                    "missing required field DecimalType.precision");
}

TEST(ParquetMetadataError, TimestampWithUnknownUnit) {
  const std::string bytes = with_leaf_logical_type([](CompactWriter& w) {
    w.field_begin(CompactType::kStruct, 8);
    w.struct_begin();
    w.field_bool(1, true);
    w.field_begin(CompactType::kStruct, 2);
    w.struct_begin();
    w.field_begin(CompactType::kStruct, 4);  // no such unit
    w.struct_begin();
    w.struct_end();
    w.struct_end();
    w.struct_end();
  });
  expect_corruption(decode_file_metadata(bytes).status(), "TimeUnit union member 4");
}

TEST(ParquetMetadataError, ListOfWrongElementType) {
  const std::string bytes = file_metadata_bytes(4, [](CompactWriter& w) {
    w.field_begin(CompactType::kList, 4);
    w.list_begin(CompactType::kI32, 1);
    w.write_i32(0);
  });
  expect_corruption(decode_file_metadata(bytes).status(),
                    "FileMetaData.row_groups holds elements of i32, expected struct");
}

TEST(ParquetMetadataError, ErrorOffsetsAreFileOffsets) {
  const std::string bytes = file_metadata_bytes(3);
  auto r = decode_file_metadata(bytes, 5000);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("(offset 5000)"), std::string::npos) << r.status().message();
}

// -------------------------------------------------------- page headers --

PageHeader data_page_v1() {
  PageHeader h;
  h.type = PageType::kDataPage;
  h.uncompressed_page_size = 1000;
  h.compressed_page_size = 600;
  h.crc = -12345;
  DataPageHeader d;
  d.num_values = 100;
  d.encoding = Encoding::kRleDictionary;
  d.definition_level_encoding = Encoding::kRle;
  d.repetition_level_encoding = Encoding::kBitPacked;
  d.statistics = full_statistics();
  h.data_page_header = d;
  return h;
}

TEST(ParquetPageHeader, DataPageV1RoundTrips) {
  const PageHeader h = data_page_v1();
  const std::string bytes = encode_page_header(h);
  size_t size = 0;
  auto back = decode_page_header(bytes, &size);
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(*back, h);
  EXPECT_EQ(size, bytes.size());
}

TEST(ParquetPageHeader, DataPageV2RoundTrips) {
  PageHeader h;
  h.type = PageType::kDataPageV2;
  h.uncompressed_page_size = 10;
  h.compressed_page_size = 10;
  DataPageHeaderV2 v2;
  v2.num_values = 5;
  v2.num_nulls = 2;
  v2.num_rows = 4;
  v2.encoding = Encoding::kDeltaBinaryPacked;
  v2.definition_levels_byte_length = 3;
  v2.repetition_levels_byte_length = 1;
  v2.is_compressed = false;
  v2.statistics = Statistics{};
  h.data_page_header_v2 = v2;
  size_t size = 0;
  auto back = decode_page_header(encode_page_header(h), &size);
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(*back, h);
}

TEST(ParquetPageHeader, DictionaryPageRoundTrips) {
  PageHeader h;
  h.type = PageType::kDictionaryPage;
  h.uncompressed_page_size = 40;
  h.compressed_page_size = 40;
  h.dictionary_page_header = DictionaryPageHeader{10, Encoding::kPlainDictionary, true};
  size_t size = 0;
  auto back = decode_page_header(encode_page_header(h), &size);
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(*back, h);
}

TEST(ParquetPageHeader, IndexPageRoundTrips) {
  PageHeader h;
  h.type = PageType::kIndexPage;
  h.index_page_header = IndexPageHeader{};
  size_t size = 0;
  auto back = decode_page_header(encode_page_header(h), &size);
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(*back, h);
}

TEST(ParquetPageHeader, HeaderSizeExcludesThePageDataThatFollows) {
  const std::string header = encode_page_header(data_page_v1());
  const std::string page = header + std::string(600, '\x07');
  size_t size = 0;
  auto back = decode_page_header(page, &size);
  ASSERT_TRUE(back.is_ok());
  EXPECT_EQ(size, header.size());
}

TEST(ParquetPageHeader, UnknownPageTypeWithoutSubHeaderIsAccepted) {
  PageHeader h;
  h.type = static_cast<PageType>(9);
  size_t size = 0;
  auto back = decode_page_header(encode_page_header(h), &size);
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(back->type, static_cast<PageType>(9));
}

TEST(ParquetPageHeaderError, DataPageWithoutItsHeader) {
  PageHeader h = data_page_v1();
  h.data_page_header.reset();
  size_t size = 0;
  expect_corruption(decode_page_header(encode_page_header(h), &size).status(),
                    "PageHeader of type DATA_PAGE has no data_page_header");
}

TEST(ParquetPageHeaderError, NegativeCompressedPageSize) {
  PageHeader h = data_page_v1();
  h.compressed_page_size = -1;
  size_t size = 0;
  expect_corruption(decode_page_header(encode_page_header(h), &size).status(),
                    "PageHeader.compressed_page_size is negative (-1)");
}

TEST(ParquetPageHeaderError, NegativeDictionaryNumValues) {
  PageHeader h;
  h.type = PageType::kDictionaryPage;
  h.dictionary_page_header = DictionaryPageHeader{-3, Encoding::kPlain, std::nullopt};
  size_t size = 0;
  expect_corruption(decode_page_header(encode_page_header(h), &size).status(),
                    "DictionaryPageHeader.num_values is negative (-3)");
}

TEST(ParquetPageHeaderError, MissingCompressedPageSize) {
  CompactWriter w;
  w.struct_begin();
  w.field_begin(CompactType::kI32, 1);
  w.write_i32(1);  // INDEX_PAGE
  w.field_begin(CompactType::kI32, 2);
  w.write_i32(0);
  w.struct_end();
  size_t size = 0;
  expect_corruption(decode_page_header(w.data(), &size).status(),
                    "missing required field PageHeader.compressed_page_size");
}

TEST(ParquetPageHeaderError, EveryTruncationFails) {
  const std::string bytes = encode_page_header(data_page_v1());
  for (size_t n = 0; n < bytes.size(); ++n) {
    size_t size = 0;
    auto r = decode_page_header(bytes.substr(0, n), &size);
    EXPECT_FALSE(r.is_ok()) << "prefix of " << n << " bytes decoded";
  }
}

}  // namespace
}  // namespace medallion::parquet
