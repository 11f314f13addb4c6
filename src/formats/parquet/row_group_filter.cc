#include "formats/parquet/row_group_filter.h"

#include "formats/parquet/plain_encoding.h"

namespace medallion::parquet {
namespace {

bool is_unsigned(const ColumnDescriptor& c) {
  if (c.logical_type && c.logical_type->kind == LogicalTypeKind::kInteger) return !c.logical_type->is_signed;
  return c.converted_type == ConvertedType::kUint8 || c.converted_type == ConvertedType::kUint16 ||
         c.converted_type == ConvertedType::kUint32 || c.converted_type == ConvertedType::kUint64;
}

// -1, 0, 1 comparing slot 0 of `stat` with the predicate value, or nullopt
// when they do not compare.
std::optional<int> compare(const LeafValues& stat, const std::variant<int64_t, double, std::string>& v) {
  auto sign = [](auto a, auto b) { return a < b ? -1 : (b < a ? 1 : 0); };
  switch (stat.type) {
    case Type::kInt32:
      if (const auto* i = std::get_if<int64_t>(&v)) return sign(int64_t{stat.i32[0]}, *i);
      return std::nullopt;
    case Type::kInt64:
      if (const auto* i = std::get_if<int64_t>(&v)) return sign(stat.i64[0], *i);
      return std::nullopt;
    case Type::kFloat:
      if (const auto* d = std::get_if<double>(&v)) return sign(double{stat.f32[0]}, *d);
      return std::nullopt;
    case Type::kDouble:
      if (const auto* d = std::get_if<double>(&v)) return sign(stat.f64[0], *d);
      return std::nullopt;
    case Type::kByteArray:
      if (const auto* s = std::get_if<std::string>(&v)) {
        // std::string_view compares chars as unsigned (char_traits<char>).
        const int c = stat.bytes.value(0).compare(*s);
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

}  // namespace

std::optional<LeafValues> decode_statistic(const ColumnDescriptor& column, std::string_view plain) {
  LeafValues out(column.physical_type);
  util::Result<size_t> used = size_t{0};
  switch (column.physical_type) {
    case Type::kBoolean: used = decode_plain_boolean(plain, 1, &out.bools); break;
    case Type::kInt32: used = decode_plain_int32(plain, 1, &out.i32); break;
    case Type::kInt64: used = decode_plain_int64(plain, 1, &out.i64); break;
    case Type::kInt96: used = decode_plain_int96(plain, 1, &out.i96); break;
    case Type::kFloat: used = decode_plain_float(plain, 1, &out.f32); break;
    case Type::kDouble: used = decode_plain_double(plain, 1, &out.f64); break;
    case Type::kByteArray:
      out.bytes.append(plain);  // statistics carry no length prefix
      return out;
    case Type::kFixedLenByteArray:
      if (plain.size() != static_cast<size_t>(column.type_length)) return std::nullopt;
      out.bytes.append(plain);
      return out;
  }
  if (!used.is_ok() || *used != plain.size()) return std::nullopt;
  return out;
}

std::optional<MinMax> usable_min_max(const ColumnDescriptor& column, const ColumnMetaData& meta) {
  if (!meta.statistics) return std::nullopt;
  const Statistics& s = *meta.statistics;
  const std::string* min = nullptr;
  const std::string* max = nullptr;
  if (s.min_value && s.max_value) {
    min = &*s.min_value;
    max = &*s.max_value;
  } else if (s.min && s.max && !is_unsigned(column)) {
    switch (column.physical_type) {
      case Type::kInt32:
      case Type::kInt64:
      case Type::kFloat:
      case Type::kDouble:
      case Type::kBoolean:
        min = &*s.min;
        max = &*s.max;
        break;
      default:
        break;
    }
  }
  if (min == nullptr) return std::nullopt;
  auto lo = decode_statistic(column, *min);
  auto hi = decode_statistic(column, *max);
  if (!lo || !hi) return std::nullopt;
  // NaN bounds order nothing.
  if ((lo->type == Type::kFloat && (lo->f32[0] != lo->f32[0] || hi->f32[0] != hi->f32[0])) ||
      (lo->type == Type::kDouble && (lo->f64[0] != lo->f64[0] || hi->f64[0] != hi->f64[0]))) {
    return std::nullopt;
  }
  return MinMax{std::move(*lo), std::move(*hi)};
}

bool row_group_may_match(const SchemaTree& schema, const RowGroup& rg,
                         const ColumnPredicate& predicate) {
  const auto field = schema.field_index(predicate.column);
  if (!field) return true;
  const ValueNode& node = schema.field(*field);
  if (node.kind != ValueKind::kLeaf) return true;
  const ColumnDescriptor& column = schema.columns()[static_cast<size_t>(node.leaf)];
  if (is_unsigned(column) || static_cast<size_t>(node.leaf) >= rg.columns.size()) return true;
  const ColumnChunk& chunk = rg.columns[static_cast<size_t>(node.leaf)];
  if (!chunk.meta_data) return true;
  // A chunk of nulls only: no comparison holds.
  if (chunk.meta_data->statistics && chunk.meta_data->statistics->null_count &&
      *chunk.meta_data->statistics->null_count == chunk.meta_data->num_values &&
      chunk.meta_data->num_values > 0) {
    return false;
  }
  const auto bounds = usable_min_max(column, *chunk.meta_data);
  if (!bounds) return true;
  const auto lo = compare(bounds->min, predicate.value);  // min vs value
  const auto hi = compare(bounds->max, predicate.value);  // max vs value
  if (!lo || !hi) return true;
  switch (predicate.op) {
    case CompareOp::kEq: return *lo <= 0 && *hi >= 0;
    case CompareOp::kLt: return *lo < 0;
    case CompareOp::kLe: return *lo <= 0;
    case CompareOp::kGt: return *hi > 0;
    case CompareOp::kGe: return *hi >= 0;
  }
  return true;
}

}  // namespace medallion::parquet
