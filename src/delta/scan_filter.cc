#include "delta/scan_filter.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "delta/column_conform.h"
#include "delta/file_stats.h"
#include "delta/partition_value.h"
#include "util/json_writer.h"

namespace medallion::delta {
namespace {

// Delta writers truncate string statistics to a prefix (32 characters by
// default); a maximum that long may be below the true maximum.
constexpr size_t kMaxUntruncatedStringStat = 31;

bool is_nan(const Scalar& s) {
  return (s.kind == TypeKind::kFloat || s.kind == TypeKind::kDouble) && std::isnan(s.float_value);
}

// compare_scalars with incomparable pairs (NaN, kind mismatch) as nullopt.
std::optional<int> compare(const Scalar& a, const Scalar& b) {
  if (is_nan(a) || is_nan(b)) return std::nullopt;
  auto c = compare_scalars(a, b);
  if (!c.is_ok()) return std::nullopt;
  return c.value();
}

bool satisfies(const Scalar& v, CompareOp op, const Scalar& constant) {
  if (op == CompareOp::kIsNull) return v.is_null;
  if (op == CompareOp::kIsNotNull) return !v.is_null;
  if (v.is_null) return false;
  auto c = compare(v, constant);
  if (!c) return true;  // cannot decide: keep the file
  switch (op) {
    case CompareOp::kEq: return *c == 0;
    case CompareOp::kNe: return *c != 0;
    case CompareOp::kLt: return *c < 0;
    case CompareOp::kLe: return *c <= 0;
    case CompareOp::kGt: return *c > 0;
    case CompareOp::kGe: return *c >= 0;
    default: return true;
  }
}

bool stats_may_match(const ColumnStats& stats, std::optional<int64_t> num_records,
                     const ColumnPredicate& p) {
  switch (p.op) {
    case CompareOp::kIsNull:
      return !stats.null_count || *stats.null_count > 0;
    case CompareOp::kIsNotNull:
      return !stats.null_count || !num_records || *stats.null_count < *num_records;
    default:
      break;
  }
  if (stats.null_count && num_records && *stats.null_count == *num_records) return false;
  std::optional<Scalar> max = stats.max;
  if (max && (max->kind == TypeKind::kString || max->kind == TypeKind::kBinary) &&
      max->bytes.size() > kMaxUntruncatedStringStat) {
    max.reset();
  }
  if (max && (max->kind == TypeKind::kTimestamp || max->kind == TypeKind::kTimestampNtz)) {
    max->int_value += 999;  // truncated to milliseconds
  }
  std::optional<int> min_cmp = stats.min ? compare(*stats.min, p.value) : std::nullopt;
  std::optional<int> max_cmp = max ? compare(*max, p.value) : std::nullopt;
  switch (p.op) {
    case CompareOp::kEq:
      return !(min_cmp && *min_cmp > 0) && !(max_cmp && *max_cmp < 0);
    case CompareOp::kNe: {
      // Only a file whose every value equals the constant is skipped; the
      // widened kinds never prove that.
      bool exact = p.value.kind != TypeKind::kString && p.value.kind != TypeKind::kBinary &&
                   p.value.kind != TypeKind::kTimestamp && p.value.kind != TypeKind::kTimestampNtz;
      return !(exact && min_cmp && max_cmp && *min_cmp == 0 && *max_cmp == 0);
    }
    case CompareOp::kLt:
      return !(min_cmp && *min_cmp >= 0);
    case CompareOp::kLe:
      return !(min_cmp && *min_cmp > 0);
    case CompareOp::kGt:
      return !(max_cmp && *max_cmp <= 0);
    case CompareOp::kGe:
      return !(max_cmp && *max_cmp < 0);
    default:
      return true;
  }
}

}  // namespace

std::string_view compare_op_text(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return "=";
    case CompareOp::kNe: return "<>";
    case CompareOp::kLt: return "<";
    case CompareOp::kLe: return "<=";
    case CompareOp::kGt: return ">";
    case CompareOp::kGe: return ">=";
    case CompareOp::kIsNull: return "IS NULL";
    case CompareOp::kIsNotNull: return "IS NOT NULL";
  }
  return "?";
}

std::string predicates_json(const std::vector<ColumnPredicate>& filter) {
  util::JsonWriter w;
  w.begin_array();
  for (const ColumnPredicate& p : filter) {
    if (p.op == CompareOp::kIsNull || p.op == CompareOp::kIsNotNull) {
      w.value(fmt::format("{} {}", p.column, compare_op_text(p.op)));
    } else {
      w.value(fmt::format("{} {} '{}'", p.column, compare_op_text(p.op),
                          serialize_partition_value(p.value).value_or("NULL")));
    }
  }
  w.end_array();
  return w.take();
}

const DataType* find_column_type(const Schema& schema, std::string_view dotted_path) {
  const std::vector<Field>* fields = &schema.fields;
  const DataType* type = nullptr;
  while (true) {
    size_t dot = dotted_path.find('.');
    std::string_view head = dotted_path.substr(0, dot);
    auto it = std::find_if(fields->begin(), fields->end(),
                           [&](const Field& f) { return f.name == head; });
    if (it == fields->end()) return nullptr;
    type = &it->type;
    if (dot == std::string_view::npos) return type;
    if (type->kind != TypeKind::kStruct) return nullptr;
    fields = &type->fields;
    dotted_path.remove_prefix(dot + 1);
  }
}

util::Status check_filter(const FilterContext& context,
                          const std::vector<ColumnPredicate>& filter) {
  for (const ColumnPredicate& p : filter) {
    const DataType* type = find_column_type(*context.schema, p.column);
    if (type == nullptr || !is_primitive(type->kind)) {
      return util::Status::invalid_argument(fmt::format(
          "delta: cannot filter on '{}': the table has no primitive column of that name",
          p.column));
    }
    if (p.op != CompareOp::kIsNull && p.op != CompareOp::kIsNotNull &&
        p.value.kind != type->kind) {
      return util::Status::invalid_argument(fmt::format(
          "delta: cannot compare column '{}' of type {} with a constant of another type",
          p.column, type->to_string()));
    }
  }
  return util::Status::ok();
}

bool file_may_match(const FilterContext& context, const AddFile& file,
                    const std::vector<ColumnPredicate>& filter) {
  std::optional<FileStats> stats;
  bool stats_parsed = false;
  for (const ColumnPredicate& p : filter) {
    const auto& partition_columns = *context.partition_columns;
    bool is_partition = std::find(partition_columns.begin(), partition_columns.end(), p.column) !=
                        partition_columns.end();
    if (is_partition) {
      const DataType* type = find_column_type(*context.schema, p.column);
      if (type == nullptr) continue;
      const Field* field = context.schema->find(p.column);
      auto it = file.partition_values.find(field ? physical_name(*field, context.mode) : p.column);
      std::optional<std::string> serialized;
      if (it != file.partition_values.end()) serialized = it->second;
      auto value = parse_partition_value(*type, serialized, p.column);
      if (!value.is_ok()) continue;  // unreadable: keep the file, the scan reports it
      if (!satisfies(value.value(), p.op, p.value)) return false;
      continue;
    }
    if (!stats_parsed) {
      stats_parsed = true;
      if (file.stats) {
        auto parsed = parse_file_stats(*file.stats, *context.schema, context.mode);
        if (parsed.is_ok()) stats = std::move(parsed).value();
      }
    }
    if (!stats) continue;
    auto it = stats->columns.find(p.column);
    if (it == stats->columns.end()) {
      // No stats for the column: with a known row count a file of zero rows
      // still matches nothing.
      if (stats->num_records && *stats->num_records == 0) return false;
      continue;
    }
    if (!stats_may_match(it->second, stats->num_records, p)) return false;
  }
  return true;
}

}  // namespace medallion::delta
