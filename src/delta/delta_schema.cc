#include "delta/delta_schema.h"

#include <simdjson.h>

#include <fmt/format.h>

#include "util/json_writer.h"

namespace medallion::delta {
namespace {

using util::Result;
using util::Status;

constexpr int kMaxNestingDepth = 64;

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool equals_ignore_ascii_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

std::string field_path(const std::string& parent, std::string_view name) {
  return parent.empty() ? std::string(name) : parent + "." + std::string(name);
}

Status corrupt(std::string_view where, std::string_view what) {
  return Status::corruption(fmt::format(
      "delta: malformed schema ({}): {}: the table's metaData.schemaString is not a valid Delta "
      "schema",
      where, what));
}

// Parses "decimal(p,s)" (spaces allowed around p and s) or a bare "decimal".
// Returns false when `name` is not of that shape at all.
bool parse_decimal_name(std::string_view name, int64_t* precision, int64_t* scale,
                        bool* negative_scale) {
  constexpr std::string_view kPrefix = "decimal";
  if (name.substr(0, kPrefix.size()) != kPrefix) return false;
  *negative_scale = false;
  size_t i = kPrefix.size();
  if (i == name.size()) {
    *precision = 10;  // Spark's DecimalType.USER_DEFAULT
    *scale = 0;
    return true;
  }
  auto skip_spaces = [&] {
    while (i < name.size() && (name[i] == ' ' || name[i] == '\t')) ++i;
  };
  auto number = [&](int64_t* out) {
    size_t start = i;
    int64_t v = 0;
    while (i < name.size() && name[i] >= '0' && name[i] <= '9') {
      if (v < 1'000'000) v = v * 10 + (name[i] - '0');
      ++i;
    }
    *out = v;
    return i > start;
  };
  if (name[i] != '(') return false;
  ++i;
  skip_spaces();
  if (!number(precision)) return false;
  skip_spaces();
  if (i >= name.size() || name[i] != ',') return false;
  ++i;
  skip_spaces();
  if (i < name.size() && name[i] == '-') {
    *negative_scale = true;
    ++i;
  }
  if (!number(scale)) return false;
  skip_spaces();
  if (i >= name.size() || name[i] != ')') return false;
  return i + 1 == name.size();
}

struct PrimitiveName {
  std::string_view name;
  TypeKind kind;
};

constexpr PrimitiveName kPrimitiveNames[] = {
    {"boolean", TypeKind::kBoolean},     {"byte", TypeKind::kByte},
    {"short", TypeKind::kShort},         {"integer", TypeKind::kInteger},
    {"long", TypeKind::kLong},           {"float", TypeKind::kFloat},
    {"double", TypeKind::kDouble},       {"string", TypeKind::kString},
    {"binary", TypeKind::kBinary},       {"date", TypeKind::kDate},
    {"timestamp", TypeKind::kTimestamp}, {"timestamp_ntz", TypeKind::kTimestampNtz},
};

Result<DataType> parse_primitive(std::string_view name, std::string_view where) {
  for (const PrimitiveName& p : kPrimitiveNames) {
    if (p.name == name) return DataType::primitive(p.kind);
  }
  int64_t precision = 0;
  int64_t scale = 0;
  bool negative_scale = false;
  if (parse_decimal_name(name, &precision, &scale, &negative_scale)) {
    if (negative_scale || precision < 1 || precision > kMaxDecimalPrecision || scale > precision) {
      return Status::unsupported(fmt::format(
          "delta: unsupported type \"{}\" of {}: decimals need 1 <= precision <= 38 and "
          "0 <= scale <= precision",
          name, where));
    }
    return DataType::decimal(static_cast<int32_t>(precision), static_cast<int32_t>(scale));
  }
  std::string_view hint =
      "medallion reads boolean, byte, short, integer, long, float, double, decimal(p,s), string, "
      "binary, date, timestamp, timestamp_ntz, struct, array and map columns";
  if (name == "void" || name == "null") {
    hint =
        "void columns hold no data; drop the column (e.g. ALTER TABLE ... DROP COLUMN) to "
        "read the table";
  }
  return Status::unsupported(
      fmt::format("delta: unsupported type \"{}\" of {}: {}", name, where, hint));
}

class SchemaParser {
 public:
  // `where` names the value being parsed, e.g. "field 'a.b'".
  Result<DataType> parse_type(simdjson::dom::element value, const std::string& path, int depth) {
    const std::string where = path.empty() ? std::string("the schema") : "field '" + path + "'";
    if (depth > kMaxNestingDepth) return corrupt(where, "types nest deeper than 64 levels");
    std::string_view name;
    if (value.get_string().get(name) == simdjson::SUCCESS) return parse_primitive(name, where);
    simdjson::dom::object object;
    if (value.get_object().get(object) != simdjson::SUCCESS) {
      return corrupt(where, "a type must be a string or an object");
    }
    std::string_view type_name;
    if (object["type"].get_string().get(type_name) != simdjson::SUCCESS) {
      return corrupt(where, "a type object needs a string \"type\"");
    }
    if (type_name == "struct") return parse_struct(object, path, where, depth);
    if (type_name == "array") {
      simdjson::dom::element element;
      if (object["elementType"].get(element) != simdjson::SUCCESS) {
        return corrupt(where, "an array type needs \"elementType\"");
      }
      MEDALLION_ASSIGN_OR_RETURN(DataType element_type,
                                 parse_type(element, field_path(path, "element"), depth + 1));
      MEDALLION_ASSIGN_OR_RETURN(bool contains_null, optional_bool(object, "containsNull", where));
      return DataType::array_of(std::move(element_type), contains_null);
    }
    if (type_name == "map") {
      simdjson::dom::element key;
      simdjson::dom::element value_type;
      if (object["keyType"].get(key) != simdjson::SUCCESS ||
          object["valueType"].get(value_type) != simdjson::SUCCESS) {
        return corrupt(where, "a map type needs \"keyType\" and \"valueType\"");
      }
      MEDALLION_ASSIGN_OR_RETURN(DataType k, parse_type(key, field_path(path, "key"), depth + 1));
      MEDALLION_ASSIGN_OR_RETURN(DataType v,
                                 parse_type(value_type, field_path(path, "value"), depth + 1));
      MEDALLION_ASSIGN_OR_RETURN(bool contains_null,
                                 optional_bool(object, "valueContainsNull", where));
      return DataType::map_of(std::move(k), std::move(v), contains_null);
    }
    return Status::unsupported(fmt::format(
        "delta: unsupported type \"{}\" of {}: medallion reads struct, array and map types "
        "besides the primitives",
        type_name, where));
  }

  Result<DataType> parse_struct(simdjson::dom::object object, const std::string& path,
                                const std::string& where, int depth) {
    simdjson::dom::array fields;
    if (object["fields"].get_array().get(fields) != simdjson::SUCCESS) {
      return corrupt(where, "a struct type needs a \"fields\" array");
    }
    DataType type = DataType::struct_of({});
    for (simdjson::dom::element f : fields) {
      MEDALLION_ASSIGN_OR_RETURN(Field field, parse_field(f, path, depth + 1));
      for (const Field& seen : type.fields) {
        if (equals_ignore_ascii_case(seen.name, field.name)) {
          return corrupt(where, fmt::format("two fields are named '{}' and '{}' (names must be "
                                            "unique regardless of case)",
                                            seen.name, field.name));
        }
      }
      type.fields.push_back(std::move(field));
    }
    return type;
  }

 private:
  Result<Field> parse_field(simdjson::dom::element value, const std::string& parent, int depth) {
    const std::string parent_where =
        parent.empty() ? std::string("the schema") : "field '" + parent + "'";
    simdjson::dom::object object;
    if (value.get_object().get(object) != simdjson::SUCCESS) {
      return corrupt(parent_where, "a struct field must be an object");
    }
    Field field;
    std::string_view name;
    if (object["name"].get_string().get(name) != simdjson::SUCCESS) {
      return corrupt(parent_where, "a struct field needs a string \"name\"");
    }
    field.name = std::string(name);
    const std::string path = field_path(parent, name);
    const std::string where = "field '" + path + "'";
    simdjson::dom::element type;
    if (object["type"].get(type) != simdjson::SUCCESS) {
      return corrupt(where, "a struct field needs a \"type\"");
    }
    MEDALLION_ASSIGN_OR_RETURN(field.type, parse_type(type, path, depth));
    MEDALLION_ASSIGN_OR_RETURN(field.nullable, optional_bool(object, "nullable", where));
    simdjson::dom::element metadata;
    const auto metadata_error = object["metadata"].get(metadata);
    if (metadata_error == simdjson::SUCCESS) {
      simdjson::dom::object metadata_object;
      if (metadata.get_object().get(metadata_object) != simdjson::SUCCESS) {
        return corrupt(where, "\"metadata\" must be an object");
      }
      field.metadata_json = simdjson::minify(metadata);
      simdjson::dom::element entry;
      if (metadata_object[kColumnMappingPhysicalNameKey].get(entry) == simdjson::SUCCESS) {
        std::string_view physical;
        if (entry.get_string().get(physical) != simdjson::SUCCESS) {
          return corrupt(where,
                         fmt::format("\"{}\" must be a string", kColumnMappingPhysicalNameKey));
        }
        field.physical_name = std::string(physical);
      }
      if (metadata_object[kColumnMappingIdKey].get(entry) == simdjson::SUCCESS) {
        int64_t id = 0;
        if (entry.get_int64().get(id) != simdjson::SUCCESS) {
          return corrupt(where, fmt::format("\"{}\" must be an integer", kColumnMappingIdKey));
        }
        field.field_id = id;
      }
    } else if (metadata_error != simdjson::NO_SUCH_FIELD) {
      return corrupt(where, "unreadable \"metadata\"");
    }
    return field;
  }

  static Result<bool> optional_bool(simdjson::dom::object object, std::string_view key,
                                    std::string_view where) {
    simdjson::dom::element value;
    if (object[key].get(value) != simdjson::SUCCESS) return true;
    bool b = true;
    if (value.get_bool().get(b) != simdjson::SUCCESS) {
      return corrupt(where, fmt::format("\"{}\" must be true or false", key));
    }
    return b;
  }
};

Result<simdjson::dom::element> parse_json(simdjson::dom::parser& parser,
                                          const simdjson::padded_string& padded) {
  simdjson::dom::element doc;
  if (const auto error = parser.parse(padded).get(doc); error != simdjson::SUCCESS) {
    return corrupt("schemaString", fmt::format("not JSON: {}", simdjson::error_message(error)));
  }
  return doc;
}

// ---------------------------------------------------------------- writing --

void write_type(const DataType& type, util::JsonWriter& w, simdjson::dom::parser& parser);

// The metadata object of `field` with the column-mapping keys set from the
// typed members (see the header).
std::string field_metadata(const Field& field, simdjson::dom::parser& parser) {
  const simdjson::padded_string padded(field.metadata_json);
  simdjson::dom::object object;
  const bool parsed = parser.parse(padded).get_object().get(object) == simdjson::SUCCESS;
  if (parsed) {
    // The common case: nothing to rewrite.
    std::optional<std::string_view> physical;
    std::optional<int64_t> id;
    bool other_types = false;
    simdjson::dom::element entry;
    if (object[kColumnMappingPhysicalNameKey].get(entry) == simdjson::SUCCESS) {
      std::string_view s;
      if (entry.get_string().get(s) == simdjson::SUCCESS)
        physical = s;
      else
        other_types = true;
    }
    if (object[kColumnMappingIdKey].get(entry) == simdjson::SUCCESS) {
      int64_t v = 0;
      if (entry.get_int64().get(v) == simdjson::SUCCESS)
        id = v;
      else
        other_types = true;
    }
    const bool physical_matches = physical.has_value() == field.physical_name.has_value() &&
                                  (!physical || *physical == *field.physical_name);
    if (!other_types && physical_matches && id == field.field_id) {
      return simdjson::minify(object);
    }
  }
  std::string out = "{";
  bool first = true;
  auto append_key = [&](std::string_view key) {
    if (!first) out += ',';
    first = false;
    util::append_json_string(out, key);
    out += ':';
  };
  bool wrote_id = false;
  bool wrote_physical = false;
  if (parsed) {
    for (auto [key, value] : object) {
      if (key == kColumnMappingIdKey) {
        if (!field.field_id) continue;
        append_key(key);
        out += std::to_string(*field.field_id);
        wrote_id = true;
      } else if (key == kColumnMappingPhysicalNameKey) {
        if (!field.physical_name) continue;
        append_key(key);
        util::append_json_string(out, *field.physical_name);
        wrote_physical = true;
      } else {
        append_key(key);
        out += simdjson::minify(value);
      }
    }
  }
  if (field.field_id && !wrote_id) {
    append_key(kColumnMappingIdKey);
    out += std::to_string(*field.field_id);
  }
  if (field.physical_name && !wrote_physical) {
    append_key(kColumnMappingPhysicalNameKey);
    util::append_json_string(out, *field.physical_name);
  }
  out += '}';
  return out;
}

void write_fields(const std::vector<Field>& fields, util::JsonWriter& w,
                  simdjson::dom::parser& parser) {
  w.begin_object();
  w.key("type").value("struct");
  w.key("fields").begin_array();
  for (const Field& f : fields) {
    w.begin_object();
    w.key("name").value(f.name);
    w.key("type");
    write_type(f.type, w, parser);
    w.key("nullable").value(f.nullable);
    w.key("metadata").raw(field_metadata(f, parser));
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

void write_type(const DataType& type, util::JsonWriter& w, simdjson::dom::parser& parser) {
  switch (type.kind) {
    case TypeKind::kStruct:
      write_fields(type.fields, w, parser);
      return;
    case TypeKind::kArray:
      w.begin_object();
      w.key("type").value("array");
      w.key("elementType");
      if (type.children.empty()) {
        write_type(DataType{}, w, parser);
      } else {
        write_type(type.children[0], w, parser);
      }
      w.key("containsNull").value(type.contains_null);
      w.end_object();
      return;
    case TypeKind::kMap:
      w.begin_object();
      w.key("type").value("map");
      w.key("keyType");
      write_type(type.children.size() > 0 ? type.children[0] : DataType{}, w, parser);
      w.key("valueType");
      write_type(type.children.size() > 1 ? type.children[1] : DataType{}, w, parser);
      w.key("valueContainsNull").value(type.contains_null);
      w.end_object();
      return;
    default:
      w.value(type.to_string());
      return;
  }
}

// --------------------------------------------------------------- parquet --

using parquet::ConvertedType;
using parquet::FieldRepetitionType;
using parquet::LogicalType;
using parquet::LogicalTypeKind;
using parquet::SchemaElement;

FieldRepetitionType repetition(bool nullable) {
  return nullable ? FieldRepetitionType::kOptional : FieldRepetitionType::kRequired;
}

void append_parquet(const DataType& type, std::string name, FieldRepetitionType rep,
                    std::optional<int32_t> field_id, ColumnMappingMode mode,
                    std::vector<SchemaElement>& out);

void append_parquet_fields(const std::vector<Field>& fields, ColumnMappingMode mode,
                           std::vector<SchemaElement>& out) {
  for (const Field& f : fields) {
    std::string name = f.name;
    std::optional<int32_t> id;
    if (mode != ColumnMappingMode::kNone) {
      if (f.physical_name) name = *f.physical_name;
      if (f.field_id && *f.field_id >= INT32_MIN && *f.field_id <= INT32_MAX) {
        id = static_cast<int32_t>(*f.field_id);
      }
    }
    append_parquet(f.type, std::move(name), repetition(f.nullable), id, mode, out);
  }
}

void append_parquet(const DataType& type, std::string name, FieldRepetitionType rep,
                    std::optional<int32_t> field_id, ColumnMappingMode mode,
                    std::vector<SchemaElement>& out) {
  SchemaElement e;
  e.name = std::move(name);
  e.repetition_type = rep;
  e.field_id = field_id;
  switch (type.kind) {
    case TypeKind::kStruct:
      e.num_children = static_cast<int32_t>(type.fields.size());
      out.push_back(std::move(e));
      append_parquet_fields(type.fields, mode, out);
      return;
    case TypeKind::kArray: {
      e.num_children = 1;
      e.converted_type = ConvertedType::kList;
      e.logical_type = LogicalType::of(LogicalTypeKind::kList);
      out.push_back(std::move(e));
      SchemaElement list;
      list.name = "list";
      list.repetition_type = FieldRepetitionType::kRepeated;
      list.num_children = 1;
      out.push_back(std::move(list));
      append_parquet(type.children.empty() ? DataType{} : type.children[0], "element",
                     repetition(type.contains_null), std::nullopt, mode, out);
      return;
    }
    case TypeKind::kMap: {
      e.num_children = 1;
      e.converted_type = ConvertedType::kMap;
      e.logical_type = LogicalType::of(LogicalTypeKind::kMap);
      out.push_back(std::move(e));
      SchemaElement key_value;
      key_value.name = "key_value";
      key_value.repetition_type = FieldRepetitionType::kRepeated;
      key_value.num_children = 2;
      out.push_back(std::move(key_value));
      append_parquet(type.children.size() > 0 ? type.children[0] : DataType{}, "key",
                     FieldRepetitionType::kRequired, std::nullopt, mode, out);
      append_parquet(type.children.size() > 1 ? type.children[1] : DataType{}, "value",
                     repetition(type.contains_null), std::nullopt, mode, out);
      return;
    }
    case TypeKind::kBoolean:
      e.type = parquet::Type::kBoolean;
      break;
    case TypeKind::kByte:
      e.type = parquet::Type::kInt32;
      e.converted_type = ConvertedType::kInt8;
      e.logical_type = LogicalType::integer(8, true);
      break;
    case TypeKind::kShort:
      e.type = parquet::Type::kInt32;
      e.converted_type = ConvertedType::kInt16;
      e.logical_type = LogicalType::integer(16, true);
      break;
    case TypeKind::kInteger:
      e.type = parquet::Type::kInt32;
      break;
    case TypeKind::kLong:
      e.type = parquet::Type::kInt64;
      break;
    case TypeKind::kFloat:
      e.type = parquet::Type::kFloat;
      break;
    case TypeKind::kDouble:
      e.type = parquet::Type::kDouble;
      break;
    case TypeKind::kDecimal:
      if (type.precision <= 9) {
        e.type = parquet::Type::kInt32;
      } else if (type.precision <= 18) {
        e.type = parquet::Type::kInt64;
      } else {
        e.type = parquet::Type::kFixedLenByteArray;
        e.type_length = decimal_fixed_length(type.precision);
      }
      e.converted_type = ConvertedType::kDecimal;
      e.precision = type.precision;
      e.scale = type.scale;
      e.logical_type = LogicalType::decimal(type.scale, type.precision);
      break;
    case TypeKind::kString:
      e.type = parquet::Type::kByteArray;
      e.converted_type = ConvertedType::kUtf8;
      e.logical_type = LogicalType::of(LogicalTypeKind::kString);
      break;
    case TypeKind::kBinary:
      e.type = parquet::Type::kByteArray;
      break;
    case TypeKind::kDate:
      e.type = parquet::Type::kInt32;
      e.converted_type = ConvertedType::kDate;
      e.logical_type = LogicalType::of(LogicalTypeKind::kDate);
      break;
    case TypeKind::kTimestamp:
      e.type = parquet::Type::kInt64;
      e.converted_type = ConvertedType::kTimestampMicros;
      e.logical_type = LogicalType::timestamp(true, parquet::TimeUnit::kMicros);
      break;
    case TypeKind::kTimestampNtz:
      e.type = parquet::Type::kInt64;
      e.logical_type = LogicalType::timestamp(false, parquet::TimeUnit::kMicros);
      break;
  }
  out.push_back(std::move(e));
}

}  // namespace

std::string_view type_kind_name(TypeKind kind) {
  switch (kind) {
    case TypeKind::kBoolean:
      return "boolean";
    case TypeKind::kByte:
      return "byte";
    case TypeKind::kShort:
      return "short";
    case TypeKind::kInteger:
      return "integer";
    case TypeKind::kLong:
      return "long";
    case TypeKind::kFloat:
      return "float";
    case TypeKind::kDouble:
      return "double";
    case TypeKind::kDecimal:
      return "decimal";
    case TypeKind::kString:
      return "string";
    case TypeKind::kBinary:
      return "binary";
    case TypeKind::kDate:
      return "date";
    case TypeKind::kTimestamp:
      return "timestamp";
    case TypeKind::kTimestampNtz:
      return "timestamp_ntz";
    case TypeKind::kStruct:
      return "struct";
    case TypeKind::kArray:
      return "array";
    case TypeKind::kMap:
      return "map";
  }
  return "unknown";
}

bool is_primitive(TypeKind kind) {
  return kind != TypeKind::kStruct && kind != TypeKind::kArray && kind != TypeKind::kMap;
}

DataType DataType::primitive(TypeKind kind) {
  DataType t;
  t.kind = kind;
  return t;
}

DataType DataType::decimal(int32_t precision, int32_t scale) {
  DataType t;
  t.kind = TypeKind::kDecimal;
  t.precision = precision;
  t.scale = scale;
  return t;
}

DataType DataType::array_of(DataType element, bool contains_null) {
  DataType t;
  t.kind = TypeKind::kArray;
  t.children.push_back(std::move(element));
  t.contains_null = contains_null;
  return t;
}

DataType DataType::map_of(DataType key, DataType value, bool value_contains_null) {
  DataType t;
  t.kind = TypeKind::kMap;
  t.children.push_back(std::move(key));
  t.children.push_back(std::move(value));
  t.contains_null = value_contains_null;
  return t;
}

DataType DataType::struct_of(std::vector<Field> fields) {
  DataType t;
  t.kind = TypeKind::kStruct;
  t.fields = std::move(fields);
  return t;
}

std::string DataType::to_string() const {
  switch (kind) {
    case TypeKind::kDecimal:
      return fmt::format("decimal({},{})", precision, scale);
    case TypeKind::kArray:
      return "array<" + (children.empty() ? std::string("?") : children[0].to_string()) + ">";
    case TypeKind::kMap:
      return "map<" + (children.size() > 0 ? children[0].to_string() : std::string("?")) + "," +
             (children.size() > 1 ? children[1].to_string() : std::string("?")) + ">";
    case TypeKind::kStruct: {
      std::string out = "struct<";
      for (size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) out += ',';
        out += fields[i].name;
        out += ':';
        out += fields[i].type.to_string();
      }
      out += '>';
      return out;
    }
    default:
      return std::string(type_kind_name(kind));
  }
}

bool DataType::operator==(const DataType& other) const {
  if (kind != other.kind) return false;
  switch (kind) {
    case TypeKind::kDecimal:
      return precision == other.precision && scale == other.scale;
    case TypeKind::kStruct:
      return fields == other.fields;
    case TypeKind::kArray:
    case TypeKind::kMap:
      return contains_null == other.contains_null && children == other.children;
    default:
      return true;
  }
}

const Field* Schema::find(std::string_view name) const {
  for (const Field& f : fields) {
    if (f.name == name) return &f;
  }
  for (const Field& f : fields) {
    if (equals_ignore_ascii_case(f.name, name)) return &f;
  }
  return nullptr;
}

Result<Schema> parse_schema(std::string_view schema_json) {
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(schema_json);
  MEDALLION_ASSIGN_OR_RETURN(simdjson::dom::element doc, parse_json(parser, padded));
  simdjson::dom::object object;
  std::string_view type_name;
  if (doc.get_object().get(object) != simdjson::SUCCESS ||
      object["type"].get_string().get(type_name) != simdjson::SUCCESS || type_name != "struct") {
    return corrupt("schemaString", "the schema must be a JSON object with \"type\":\"struct\"");
  }
  SchemaParser p;
  MEDALLION_ASSIGN_OR_RETURN(DataType root, p.parse_struct(object, "", "the schema", 0));
  Schema schema;
  schema.fields = std::move(root.fields);
  return schema;
}

Result<DataType> parse_data_type(std::string_view type_json) {
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(type_json);
  MEDALLION_ASSIGN_OR_RETURN(simdjson::dom::element doc, parse_json(parser, padded));
  SchemaParser p;
  return p.parse_type(doc, "", 0);
}

std::string serialize_schema(const Schema& schema) {
  util::JsonWriter w;
  // One parser for every field's metadata (each is used up before the next).
  simdjson::dom::parser parser;
  write_fields(schema.fields, w, parser);
  return w.take();
}

Result<ColumnMappingMode> column_mapping_mode(
    const std::map<std::string, std::string>& configuration) {
  const auto it = configuration.find(std::string(kColumnMappingModeKey));
  if (it == configuration.end()) return ColumnMappingMode::kNone;
  const std::string& v = it->second;
  if (equals_ignore_ascii_case(v, "none")) return ColumnMappingMode::kNone;
  if (equals_ignore_ascii_case(v, "name")) return ColumnMappingMode::kName;
  if (equals_ignore_ascii_case(v, "id")) return ColumnMappingMode::kId;
  return Status::unsupported(fmt::format(
      "delta: unknown column mapping mode '{}' (table property {}): medallion knows the modes "
      "none, name and id",
      v, kColumnMappingModeKey));
}

std::vector<parquet::SchemaElement> to_parquet_schema(const Schema& schema,
                                                      ColumnMappingMode mode) {
  std::vector<SchemaElement> out;
  SchemaElement root;
  root.name = "schema";
  root.num_children = static_cast<int32_t>(schema.fields.size());
  out.push_back(std::move(root));
  append_parquet_fields(schema.fields, mode, out);
  return out;
}

int32_t decimal_fixed_length(int32_t precision) {
  // The fewest n bytes with 10^precision - 1 <= 2^(8n - 1) - 1.
  __extension__ typedef unsigned __int128 U128;
  U128 limit = 1;
  for (int32_t i = 0; i < precision && i < kMaxDecimalPrecision; ++i) limit *= 10;
  int32_t n = 1;
  while (n < 16 && (U128{1} << (8 * n - 1)) < limit) ++n;
  return n;
}

}  // namespace medallion::delta
