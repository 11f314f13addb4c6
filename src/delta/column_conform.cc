#include "delta/column_conform.h"

#include <fmt/format.h>

#include "formats/parquet/value_json.h"

namespace medallion::delta {
namespace {

using parquet::ColumnDescriptor;
using parquet::LeafValues;
using parquet::LogicalTypeKind;
using parquet::Type;
using parquet::ValueArray;
using parquet::ValueKind;
using parquet::ValueNode;

std::optional<parquet::TimeUnit> timestamp_unit(const ColumnDescriptor& c) {
  if (c.logical_type && c.logical_type->kind == LogicalTypeKind::kTimestamp) {
    return c.logical_type->unit;
  }
  if (c.converted_type == parquet::ConvertedType::kTimestampMillis) return parquet::TimeUnit::kMillis;
  if (c.converted_type == parquet::ConvertedType::kTimestampMicros) return parquet::TimeUnit::kMicros;
  return std::nullopt;
}

bool is_decimal(const ColumnDescriptor& c) {
  return (c.logical_type && c.logical_type->kind == LogicalTypeKind::kDecimal) ||
         c.converted_type == parquet::ConvertedType::kDecimal;
}

// The unscaled value of slot i of a decimal column, sign-extended.
__int128 unscaled_at(const LeafValues& v, size_t i) {
  switch (v.type) {
    case Type::kInt32:
      return v.i32[i];
    case Type::kInt64:
      return v.i64[i];
    case Type::kByteArray:
    case Type::kFixedLenByteArray: {
      std::string_view bytes = v.bytes.value(i);
      if (bytes.empty()) return 0;
      __int128 x = static_cast<int8_t>(bytes[0]) < 0 ? -1 : 0;
      // Values wider than 16 bytes cannot be Delta decimals (precision <= 38);
      // only the low 16 bytes are kept, the caller rejects such widths.
      for (unsigned char b : bytes) x = static_cast<__int128>(static_cast<unsigned __int128>(x) << 8) | b;
      return x;
    }
    default:
      return 0;
  }
}

void append_unscaled(LeafValues& out, const ColumnDescriptor& target, __int128 x) {
  switch (target.physical_type) {
    case Type::kInt32:
      out.i32.push_back(static_cast<int32_t>(x));
      break;
    case Type::kInt64:
      out.i64.push_back(static_cast<int64_t>(x));
      break;
    default: {
      std::string bytes(static_cast<size_t>(target.type_length), '\0');
      for (size_t k = bytes.size(); k-- > 0;) {
        bytes[k] = static_cast<char>(static_cast<unsigned char>(x & 0xff));
        x >>= 8;
      }
      out.bytes.append(bytes);
      break;
    }
  }
}

__int128 pow10_i128(int n) {
  __int128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

util::Status mismatch(const ColumnDescriptor& source, const Field& field, const std::string& where) {
  return util::Status::unsupported(fmt::format(
      "delta: column '{}' is stored as {} in {}, which cannot be read as the table's type {}: "
      "the file does not match the table's schema",
      source.dotted_path(), parquet::type_name(source.physical_type), where,
      field.type.to_string()));
}

util::Result<ValueArray> conform_leaf(ValueArray array, const ColumnDescriptor& source,
                                      const Field& field, const ColumnDescriptor& target,
                                      const std::string& where) {
  const LeafValues& in = array.values;
  const size_t n = array.length;
  const TypeKind kind = field.type.kind;
  LeafValues out(target.physical_type);
  if (kind == TypeKind::kDecimal) {
    if (!is_decimal(source) && source.physical_type != Type::kInt32 &&
        source.physical_type != Type::kInt64) {
      return mismatch(source, field, where);
    }
    if ((in.type == Type::kByteArray || in.type == Type::kFixedLenByteArray) &&
        source.type_length > 16) {
      return mismatch(source, field, where);
    }
    int from_scale = is_decimal(source) ? source.scale : 0;
    if (from_scale > target.scale) return mismatch(source, field, where);
    if (in.type == target.physical_type && from_scale == target.scale &&
        (in.type != Type::kFixedLenByteArray || source.type_length == target.type_length)) {
      return array;
    }
    __int128 factor = pow10_i128(target.scale - from_scale);
    out.reserve(n);
    for (size_t i = 0; i < n; ++i) append_unscaled(out, target, unscaled_at(in, i) * factor);
    array.values = std::move(out);
    return array;
  }
  if (kind == TypeKind::kTimestamp || kind == TypeKind::kTimestampNtz) {
    if (in.type == Type::kInt96) {
      out.i64.resize(n);
      for (size_t i = 0; i < n; ++i) {
        out.i64[i] = array.is_null(i) ? 0 : parquet::int96_to_micros(in.i96[i]);
      }
    } else if (in.type == Type::kInt32) {  // type widening from date: midnight
      constexpr int64_t kMicrosPerDay = 86'400'000'000;
      out.i64.reserve(n);
      for (int32_t days : in.i32) out.i64.push_back(days * kMicrosPerDay);
    } else if (in.type == Type::kInt64) {
      auto unit = timestamp_unit(source).value_or(parquet::TimeUnit::kMicros);
      if (unit == parquet::TimeUnit::kMicros) return array;
      out.i64 = in.i64;
      for (int64_t& v : out.i64) {
        if (unit == parquet::TimeUnit::kMillis) {
          v *= 1000;
        } else {
          v = v >= 0 ? v / 1000 : -((-(v + 1)) / 1000) - 1;  // floor division
        }
      }
    } else {
      return mismatch(source, field, where);
    }
    array.values = std::move(out);
    return array;
  }
  if (in.type == target.physical_type) return array;
  // Widening conversions.
  if (target.physical_type == Type::kInt64 && in.type == Type::kInt32) {
    out.i64.assign(in.i32.begin(), in.i32.end());
  } else if (target.physical_type == Type::kDouble && in.type == Type::kFloat) {
    out.f64.assign(in.f32.begin(), in.f32.end());
  } else if (target.physical_type == Type::kDouble && in.type == Type::kInt32) {
    out.f64.assign(in.i32.begin(), in.i32.end());
  } else if (target.physical_type == Type::kDouble && in.type == Type::kInt64) {
    out.f64.reserve(n);
    for (int64_t v : in.i64) out.f64.push_back(static_cast<double>(v));
  } else {
    return mismatch(source, field, where);
  }
  array.values = std::move(out);
  return array;
}

}  // namespace

const std::string& physical_name(const Field& field, ColumnMappingMode mode) {
  if (mode != ColumnMappingMode::kNone && field.physical_name) return *field.physical_name;
  return field.name;
}

int find_file_child(const ValueNode& file_struct,
                    const std::vector<parquet::SchemaElement>& file_elements, const Field& field,
                    ColumnMappingMode mode) {
  if (mode == ColumnMappingMode::kId && field.field_id) {
    for (size_t c = 0; c < file_struct.children.size(); ++c) {
      size_t e = file_struct.children[c].schema_index;
      if (e < file_elements.size() && file_elements[e].field_id &&
          *file_elements[e].field_id == *field.field_id) {
        return static_cast<int>(c);
      }
    }
  }
  const std::string& name = physical_name(field, mode);
  for (size_t c = 0; c < file_struct.children.size(); ++c) {
    if (file_struct.children[c].name == name) return static_cast<int>(c);
  }
  return -1;
}

ValueArray make_null_array(const ValueNode& node, const std::vector<ColumnDescriptor>& columns,
                           size_t length) {
  ValueArray out = parquet::make_empty_array(node, columns);
  out.length = length;
  out.validity.assign(length, 0);
  switch (node.kind) {
    case ValueKind::kLeaf:
      for (size_t i = 0; i < length; ++i) out.values.append_zero();
      break;
    case ValueKind::kStruct:
      for (size_t c = 0; c < node.children.size(); ++c) {
        out.children[c] = make_null_array(node.children[c], columns, length);
      }
      break;
    case ValueKind::kList:
    case ValueKind::kMap:
      out.offsets.assign(length + 1, 0);
      break;
  }
  return out;
}

util::Result<ValueArray> conform_array(ValueArray array, const FileColumn& source,
                                       const Field& field, const ValueNode& target,
                                       const std::vector<ColumnDescriptor>& target_columns,
                                       ColumnMappingMode mode, const std::string& where) {
  const ValueNode& from = *source.node;
  auto shape_error = [&]() {
    return util::Status::unsupported(fmt::format(
        "delta: column '{}' in {} is a {} but the table's schema says {}: the file does not "
        "match the table's schema",
        field.name, where,
        from.kind == ValueKind::kLeaf     ? "primitive"
        : from.kind == ValueKind::kStruct ? "struct"
        : from.kind == ValueKind::kList   ? "list"
                                          : "map",
        field.type.to_string()));
  };
  switch (target.kind) {
    case ValueKind::kLeaf:
      if (from.kind != ValueKind::kLeaf) return shape_error();
      return conform_leaf(std::move(array), (*source.columns)[from.leaf], field,
                          target_columns[target.leaf], where);
    case ValueKind::kStruct: {
      if (from.kind != ValueKind::kStruct) return shape_error();
      ValueArray out;
      out.kind = ValueKind::kStruct;
      out.length = array.length;
      out.validity = std::move(array.validity);
      for (size_t c = 0; c < target.children.size(); ++c) {
        const Field& child_field = field.type.fields[c];
        int found = find_file_child(from, *source.elements, child_field, mode);
        if (found < 0) {
          out.children.push_back(make_null_array(target.children[c], target_columns, out.length));
          continue;
        }
        FileColumn child_source{&from.children[found], source.columns, source.elements};
        MEDALLION_ASSIGN_OR_RETURN(
            ValueArray child,
            conform_array(std::move(array.children[found]), child_source, child_field,
                          target.children[c], target_columns, mode, where));
        out.children.push_back(std::move(child));
      }
      return out;
    }
    case ValueKind::kList:
    case ValueKind::kMap: {
      if (from.kind != target.kind || from.children.size() != target.children.size()) {
        return shape_error();
      }
      // Element, key and value types as pseudo-fields, so the recursion can
      // treat them like struct fields.
      for (size_t c = 0; c < target.children.size(); ++c) {
        Field child_field;
        child_field.name = field.name + (target.kind == ValueKind::kList ? ".element"
                                         : c == 0                        ? ".key"
                                                                         : ".value");
        child_field.type = field.type.children[c];
        FileColumn child_source{&from.children[c], source.columns, source.elements};
        MEDALLION_ASSIGN_OR_RETURN(
            array.children[c],
            conform_array(std::move(array.children[c]), child_source, child_field,
                          target.children[c], target_columns, mode, where));
      }
      return array;
    }
  }
  return shape_error();
}

}  // namespace medallion::delta
