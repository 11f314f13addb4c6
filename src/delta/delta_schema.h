// The Delta schema: a table's columns and their types, as metaData.schemaString
// records them (PROTOCOL.md "Schema Serialization Format", a subset of Spark
// SQL's JSON schema), and the Parquet schema of the data files that hold them.
//
// JSON form (compact, keys in this order, as Spark writes them):
//
//   schema    := struct
//   struct    := {"type":"struct","fields":[field,...]}
//   field     := {"name":<string>,"type":type,"nullable":<bool>,"metadata":{...}}
//   type      := "<primitive>" | struct | array | map
//   array     := {"type":"array","elementType":type,"containsNull":<bool>}
//   map       := {"type":"map","keyType":type,"valueType":type,"valueContainsNull":<bool>}
//   primitive := boolean | byte | short | integer | long | float | double | string
//              | binary | date | timestamp | timestamp_ntz | decimal(<p>,<s>)
//
// Example:
//   {"type":"struct","fields":[
//     {"name":"id","type":"long","nullable":false,"metadata":{}},
//     {"name":"tags","type":{"type":"array","elementType":"string","containsNull":true},
//      "nullable":true,"metadata":{}},
//     {"name":"price","type":"decimal(10,2)","nullable":true,
//      "metadata":{"delta.columnMapping.id":3,"delta.columnMapping.physicalName":"col-9f2c"}}]}
//
// Parsing rules:
//   - "decimal(p,s)" may have spaces around p and s; 1 <= p <= 38, 0 <= s <= p;
//     a bare "decimal" is decimal(10,0), as in Spark.
//   - "nullable", "containsNull" and "valueContainsNull" default to true and
//     "metadata" to {} when absent; "name" and the types are required.
//   - Names within one struct must be unique regardless of ASCII case
//     (PROTOCOL.md: "All column names must be unique regardless of casing").
//   - Types medallion does not implement ("void", "variant", "char(n)",
//     user-defined types, unknown names) are kUnsupported errors naming the
//     type and the field; malformed JSON or a missing key is kCorruption.
//   - Nesting is limited to 64 levels.
//
// Field metadata is kept verbatim (as compact JSON) in Field::metadata_json;
// the column-mapping keys are also parsed into Field::physical_name and
// Field::field_id. Those two typed members are authoritative when
// serializing: serialize_schema rewrites the two keys of the metadata object
// to match them (in place when present, appended otherwise; removed when the
// member is nullopt), and keeps every other key as it was.
//
// Parquet mapping (to_parquet_schema, for writing data files; Spark's
// non-legacy layout):
//   boolean      BOOLEAN                      byte   INT32 INT(8,true)  / INT_8
//   short        INT32 INT(16,true) / INT_16  integer INT32
//   long         INT64                        float  FLOAT     double DOUBLE
//   decimal(p,s) INT32 (p <= 9), INT64 (p <= 18), else FIXED_LEN_BYTE_ARRAY of
//                the fewest bytes holding 10^p - 1 signed; DECIMAL(p,s) logical
//                and converted type
//   string       BYTE_ARRAY STRING / UTF8     binary BYTE_ARRAY
//   date         INT32 DATE / DATE
//   timestamp    INT64 TIMESTAMP(MICROS, isAdjustedToUTC=true) / TIMESTAMP_MICROS
//   timestamp_ntz INT64 TIMESTAMP(MICROS, isAdjustedToUTC=false) (no converted type)
//   struct       group
//   array        <rep> group <name> (LIST) { repeated group list { <rep> element } }
//   map          <rep> group <name> (MAP) { repeated group key_value {
//                  required key; <rep> value } }
// A nullable field (or element/value that may contain null) is OPTIONAL, else
// REQUIRED. The root is a group named "schema". With column mapping (mode name
// or id) every struct field is written under its physical name with its
// column-mapping id as field_id.
//
// Thread safety: plain values; the functions are pure.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "formats/parquet/parquet_metadata.h"
#include "util/status.h"

namespace medallion::delta {

enum class TypeKind {
  kBoolean,
  kByte,
  kShort,
  kInteger,
  kLong,
  kFloat,
  kDouble,
  kDecimal,
  kString,
  kBinary,
  kDate,
  kTimestamp,
  kTimestampNtz,
  kStruct,
  kArray,
  kMap,
};

// The Delta type name of a primitive kind ("integer", "timestamp_ntz",
// "decimal" for kDecimal); "struct", "array", "map" for the others.
std::string_view type_kind_name(TypeKind kind);
// True for every kind but kStruct, kArray and kMap.
bool is_primitive(TypeKind kind);

// Limits of decimal(p,s).
inline constexpr int32_t kMaxDecimalPrecision = 38;

struct Field;

// A value type; recursive through vectors.
struct DataType {
  TypeKind kind = TypeKind::kString;
  int32_t precision = 0;           // kDecimal
  int32_t scale = 0;               // kDecimal
  std::vector<Field> fields;       // kStruct
  std::vector<DataType> children;  // kArray: {element}; kMap: {key, value}
  bool contains_null = true;       // kArray: containsNull; kMap: valueContainsNull

  static DataType primitive(TypeKind kind);
  static DataType decimal(int32_t precision, int32_t scale);
  static DataType array_of(DataType element, bool contains_null = true);
  static DataType map_of(DataType key, DataType value, bool value_contains_null = true);
  static DataType struct_of(std::vector<Field> fields);

  // "integer", "decimal(10,2)", "array<string>", "map<string,integer>",
  // "struct<a:integer,b:string>".
  std::string to_string() const;
  // Compares what is meaningful for the kind (precision/scale only for
  // decimals, contains_null only for arrays and maps).
  bool operator==(const DataType& other) const;
};

struct Field {
  std::string name;
  DataType type;
  bool nullable = true;
  std::string metadata_json = "{}";  // the field's metadata object, compact JSON
  // Metadata "delta.columnMapping.physicalName" and "delta.columnMapping.id".
  std::optional<std::string> physical_name = std::nullopt;
  std::optional<int64_t> field_id = std::nullopt;

  bool operator==(const Field&) const = default;
};

struct Schema {
  std::vector<Field> fields;

  // The top-level field named `name`: an exact match, else the one whose
  // name equals it ignoring ASCII case (names are unique that way); nullptr
  // when there is none. The pointer lives as long as the schema is unchanged.
  const Field* find(std::string_view name) const;
  bool operator==(const Schema&) const = default;
};

// Metadata keys of column mapping.
inline constexpr std::string_view kColumnMappingPhysicalNameKey =
    "delta.columnMapping.physicalName";
inline constexpr std::string_view kColumnMappingIdKey = "delta.columnMapping.id";
inline constexpr std::string_view kColumnMappingModeKey = "delta.columnMapping.mode";

// Parses a schemaString (see the top of this file).
util::Result<Schema> parse_schema(std::string_view schema_json);

// Parses one type as it appears in a "type" value: a primitive's JSON string
// (with its quotes, e.g. "\"integer\"") or a struct/array/map object.
util::Result<DataType> parse_data_type(std::string_view type_json);

// Compact JSON in Spark's key order; parse_schema(serialize_schema(s)) == s.
std::string serialize_schema(const Schema& schema);

enum class ColumnMappingMode { kNone, kName, kId };

// The table property delta.columnMapping.mode ("none", "name" or "id", any
// ASCII case; absent means kNone); another value is kUnsupported.
util::Result<ColumnMappingMode> column_mapping_mode(
    const std::map<std::string, std::string>& configuration);

// The Parquet schema (flattened, root first) of data files holding `schema`,
// mapped as described at the top of this file. With mode != kNone a field
// without a physical name keeps its logical name, and one without an id gets
// no field_id.
std::vector<parquet::SchemaElement> to_parquet_schema(const Schema& schema, ColumnMappingMode mode);

// Bytes of the FIXED_LEN_BYTE_ARRAY that holds every unscaled value of a
// decimal of this precision (1..38): 5 for precision 10, 16 for 38.
int32_t decimal_fixed_length(int32_t precision);

}  // namespace medallion::delta
