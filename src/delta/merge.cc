#include "delta/merge.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "columnar/hash_aggregate.h"
#include "columnar/hash_join.h"
#include "columnar/take.h"
#include "delta/column_conform.h"
#include "delta/columnar_bridge.h"
#include "delta/data_writer.h"
#include "delta/partition_value.h"
#include "delta/scan_filter.h"
#include "delta/snapshot.h"
#include "delta/table_scan.h"
#include "delta/transaction.h"
#include "util/civil_time.h"
#include "util/json_writer.h"

namespace medallion::delta {
namespace {

using columnar::BoundExpr;
using columnar::Column;
using columnar::Expr;
using columnar::Function;
using columnar::RecordBatch;

// One WHEN clause, bound. `values` has one entry per target column: the
// expression giving it, or nullopt (matched: keep the value; not matched:
// null).
struct BoundClause {
  std::optional<BoundExpr> condition;
  bool delete_row = false;
  std::vector<std::optional<BoundExpr>> values;
};

// Everything the merge needs, bound and checked before any file is read.
struct MergePlan {
  columnar::Schema target;         // the table's columns
  std::vector<size_t> target_keys;
  std::vector<size_t> source_keys;
  columnar::Schema source_named;   // the source's columns as "s.c"
  columnar::Schema combined;       // "t.c" for every target column, then "s.c"
  std::vector<BoundClause> matched;
  std::vector<BoundClause> not_matched;
  // The find pass reads only these target columns (the keys, then the
  // columns the condition reads); find_combined names them "t.c" before
  // the source's columns, and find_condition is bound to it.
  std::vector<size_t> find_columns;
  std::vector<size_t> find_keys;   // positions of the keys within find_columns
  columnar::Schema find_combined;
  std::optional<BoundExpr> find_condition;
};

util::Status spec_error(const std::string& table_root, const std::string& what) {
  return util::Status::invalid_argument(
      fmt::format("delta: MERGE into {}: {}", table_root, what));
}

columnar::Schema prefixed(const columnar::Schema& schema, const std::vector<size_t>& columns,
                          const std::string& alias) {
  std::vector<columnar::Field> fields;
  for (size_t c : columns) {
    columnar::Field f = schema.field(c);
    f.name = alias + "." + f.name;
    f.nullable = true;
    fields.push_back(std::move(f));
  }
  return columnar::Schema(std::move(fields));
}

std::vector<size_t> all_columns(const columnar::Schema& schema) {
  std::vector<size_t> out(schema.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = i;
  return out;
}

columnar::Schema concat_schemas(const columnar::Schema& a, const columnar::Schema& b) {
  std::vector<columnar::Field> fields = a.fields();
  fields.insert(fields.end(), b.fields().begin(), b.fields().end());
  return columnar::Schema(std::move(fields));
}

util::Result<std::optional<BoundExpr>> bind_optional(const std::optional<Expr>& expr,
                                                     const columnar::Schema& schema,
                                                     const std::string& table_root,
                                                     std::string_view where) {
  if (!expr) return std::optional<BoundExpr>();
  auto bound = columnar::bind(*expr, schema);
  if (!bound.is_ok()) {
    return spec_error(table_root, fmt::format("{}: {}", where, bound.status().message()));
  }
  if (bound.value().type() != columnar::DataType::kBool) {
    return spec_error(table_root,
                      fmt::format("{} must be a boolean condition: {}", where, expr->to_sql()));
  }
  return std::optional<BoundExpr>(std::move(bound).value());
}

// One expression per target column (nullopt where `values` names none),
// each bound to `schema` and of its column's type.
util::Result<std::vector<std::optional<BoundExpr>>> bind_values(
    const columnar::Schema& target, const std::vector<std::pair<std::string, Expr>>& values,
    const columnar::Schema& schema, const std::string& table_root, const std::string& where) {
  std::vector<std::optional<BoundExpr>> out(target.size());
  for (const auto& [column, value] : values) {
    auto t = target.index_of(column);
    if (!t) return spec_error(table_root, fmt::format("{} names unknown column '{}'", where, column));
    auto b = columnar::bind(value, schema);
    if (!b.is_ok()) {
      return spec_error(table_root, fmt::format("{}: {}", where, b.status().message()));
    }
    if (b.value().type() != target.field(*t).type) {
      return spec_error(table_root, fmt::format(
          "{} gives {} ({}) a {} value: {}", where, column,
          columnar::data_type_name(target.field(*t).type),
          columnar::data_type_name(b.value().type()), value.to_sql()));
    }
    out[*t] = std::move(b).value();
  }
  return out;
}

util::Result<MergePlan> make_plan(const Snapshot& snapshot, const columnar::Schema& source,
                                  const MergeSpec& spec) {
  const std::string& root = snapshot.table_root;
  MergePlan plan;
  MEDALLION_ASSIGN_OR_RETURN(plan.target, columnar_schema_of(snapshot.schema));
  if (spec.keys.empty()) return spec_error(root, "the ON clause needs at least one key");
  if (spec.target_alias.empty() || spec.source_alias.empty() ||
      spec.target_alias == spec.source_alias) {
    return spec_error(root, "the target and source aliases must differ and not be empty");
  }
  for (const MergeKey& key : spec.keys) {
    auto t = plan.target.index_of(key.target_column);
    auto s = source.index_of(key.source_column);
    if (!t) return spec_error(root, fmt::format("the table has no key column '{}'", key.target_column));
    if (!s) return spec_error(root, fmt::format("the source has no key column '{}'", key.source_column));
    if (plan.target.field(*t).type != source.field(*s).type) {
      return spec_error(root, fmt::format(
          "key {}.{} is {} but {}.{} is {}: keys must have one type", spec.target_alias,
          key.target_column, columnar::data_type_name(plan.target.field(*t).type),
          spec.source_alias, key.source_column, columnar::data_type_name(source.field(*s).type)));
    }
    plan.target_keys.push_back(*t);
    plan.source_keys.push_back(*s);
  }
  plan.source_named = prefixed(source, all_columns(source), spec.source_alias);
  plan.combined =
      concat_schemas(prefixed(plan.target, all_columns(plan.target), spec.target_alias),
                     plan.source_named);

  for (size_t i = 0; i < spec.when_matched.size(); ++i) {
    const WhenMatched& clause = spec.when_matched[i];
    BoundClause bound;
    const std::string where = fmt::format("WHEN MATCHED clause {}", i + 1);
    MEDALLION_ASSIGN_OR_RETURN(bound.condition,
                               bind_optional(clause.condition, plan.combined, root, where));
    bound.delete_row = clause.delete_row;
    if (clause.delete_row && !clause.set.empty()) {
      return spec_error(root, where + " both deletes and sets columns");
    }
    MEDALLION_ASSIGN_OR_RETURN(bound.values,
                               bind_values(plan.target, clause.set, plan.combined, root, where));
    plan.matched.push_back(std::move(bound));
  }

  for (size_t i = 0; i < spec.when_not_matched.size(); ++i) {
    const WhenNotMatched& clause = spec.when_not_matched[i];
    BoundClause bound;
    const std::string where = fmt::format("WHEN NOT MATCHED clause {}", i + 1);
    MEDALLION_ASSIGN_OR_RETURN(bound.condition,
                               bind_optional(clause.condition, plan.source_named, root, where));
    std::vector<std::pair<std::string, Expr>> values = clause.values;
    if (values.empty()) {  // INSERT *
      for (const columnar::Field& f : plan.target.fields()) {
        if (!source.index_of(f.name)) {
          return spec_error(root, fmt::format(
              "{} inserts every column, but the source has no column '{}'", where, f.name));
        }
        values.emplace_back(f.name, columnar::col(spec.source_alias + "." + f.name));
      }
    }
    MEDALLION_ASSIGN_OR_RETURN(bound.values,
                               bind_values(plan.target, values, plan.source_named, root, where));
    plan.not_matched.push_back(std::move(bound));
  }

  // The find pass: keys, then whatever else the condition reads.
  for (size_t k : plan.target_keys) {
    if (std::find(plan.find_columns.begin(), plan.find_columns.end(), k) ==
        plan.find_columns.end()) {
      plan.find_columns.push_back(k);
    }
  }
  if (spec.condition) {
    const std::string prefix = spec.target_alias + ".";
    for (const std::string& name : columnar::referenced_columns(*spec.condition)) {
      if (name.rfind(prefix, 0) != 0) continue;
      auto t = plan.target.index_of(name.substr(prefix.size()));
      if (t && std::find(plan.find_columns.begin(), plan.find_columns.end(), *t) ==
                   plan.find_columns.end()) {
        plan.find_columns.push_back(*t);
      }
    }
  }
  for (size_t k : plan.target_keys) {
    plan.find_keys.push_back(static_cast<size_t>(
        std::find(plan.find_columns.begin(), plan.find_columns.end(), k) -
        plan.find_columns.begin()));
  }
  plan.find_combined = concat_schemas(prefixed(plan.target, plan.find_columns, spec.target_alias),
                                      plan.source_named);
  MEDALLION_ASSIGN_OR_RETURN(plan.find_condition,
                             bind_optional(spec.condition, plan.find_combined, root, "the ON condition"));
  return plan;
}

// ---- pruning -------------------------------------------------------------

// The least and greatest non-null values of a source column, for the types
// whose order the file statistics share; nullopt when the column has no
// non-null value or an unsupported type.
struct Bounds {
  Scalar min;
  Scalar max;
};

std::optional<Bounds> column_bounds(const Column& column) {
  std::optional<size_t> lo, hi;
  for (size_t i = 0; i < column.size(); ++i) {
    if (column.is_null(i)) continue;
    if (!lo) {
      lo = hi = i;
      continue;
    }
    switch (column.type()) {
      case columnar::DataType::kInt32:
      case columnar::DataType::kDate:
        if (column.int32_at(i) < column.int32_at(*lo)) lo = i;
        if (column.int32_at(i) > column.int32_at(*hi)) hi = i;
        break;
      case columnar::DataType::kInt64:
      case columnar::DataType::kTimestamp:
        if (column.int64_at(i) < column.int64_at(*lo)) lo = i;
        if (column.int64_at(i) > column.int64_at(*hi)) hi = i;
        break;
      case columnar::DataType::kString:
        if (column.string_at(i) < column.string_at(*lo)) lo = i;
        if (column.string_at(i) > column.string_at(*hi)) hi = i;
        break;
      case columnar::DataType::kBool:
      case columnar::DataType::kDouble: return std::nullopt;
    }
  }
  if (!lo) return std::nullopt;
  return Bounds{scalar_at(column, *lo), scalar_at(column, *hi)};
}

bool has_non_null(const Column& column) { return column.null_count() < column.size(); }

CompareOp flipped(CompareOp op) {
  switch (op) {
    case CompareOp::kLt: return CompareOp::kGt;
    case CompareOp::kLe: return CompareOp::kGe;
    case CompareOp::kGt: return CompareOp::kLt;
    case CompareOp::kGe: return CompareOp::kLe;
    default: return op;
  }
}

std::optional<CompareOp> compare_op_of(Function f) {
  switch (f) {
    case Function::kEq: return CompareOp::kEq;
    case Function::kLt: return CompareOp::kLt;
    case Function::kLe: return CompareOp::kLe;
    case Function::kGt: return CompareOp::kGt;
    case Function::kGe: return CompareOp::kGe;
    default: return std::nullopt;
  }
}

// The predicates on target columns implied by `t.c op <source column>`
// (bounded by the source's values) or `t.c op literal`.
struct Pruning {
  std::vector<ColumnPredicate> predicates;
  bool nothing_matches = false;  // a conjunct that no source row can satisfy
};

void add_bounds(Pruning* pruning, const std::string& column, CompareOp op, const Column& source) {
  if (!has_non_null(source)) {
    pruning->nothing_matches = true;  // the comparison is null for every source row
    return;
  }
  auto bounds = column_bounds(source);
  if (!bounds) return;
  switch (op) {
    case CompareOp::kEq:
      pruning->predicates.push_back({column, CompareOp::kGe, bounds->min});
      pruning->predicates.push_back({column, CompareOp::kLe, bounds->max});
      break;
    case CompareOp::kLt:
    case CompareOp::kLe: pruning->predicates.push_back({column, op, bounds->max}); break;
    case CompareOp::kGt:
    case CompareOp::kGe: pruning->predicates.push_back({column, op, bounds->min}); break;
    default: break;
  }
}

void prune_from_condition(const Expr& expr, const MergeSpec& spec, const RecordBatch& source,
                          Pruning* pruning) {
  if (expr.kind() != Expr::Kind::kCall) return;
  if (expr.function() == Function::kAnd) {
    for (const Expr& arg : expr.args()) prune_from_condition(arg, spec, source, pruning);
    return;
  }
  auto op = compare_op_of(expr.function());
  if (!op || expr.args().size() != 2) return;
  const std::string t_prefix = spec.target_alias + ".", s_prefix = spec.source_alias + ".";
  auto target_column = [&](const Expr& e) -> std::optional<std::string> {
    if (e.kind() != Expr::Kind::kColumn || e.column_name().rfind(t_prefix, 0) != 0) return {};
    return e.column_name().substr(t_prefix.size());
  };
  for (int side = 0; side < 2; ++side) {
    auto column = target_column(expr.args()[side]);
    if (!column) continue;
    const Expr& other = expr.args()[1 - side];
    const CompareOp oriented = side == 0 ? *op : flipped(*op);
    if (other.kind() == Expr::Kind::kLiteral) {
      if (other.literal_value().is_null) {
        pruning->nothing_matches = true;
      } else {
        pruning->predicates.push_back({*column, oriented, scalar_of(other.literal_value())});
      }
    } else if (other.kind() == Expr::Kind::kColumn &&
               other.column_name().rfind(s_prefix, 0) == 0) {
      auto index = source.schema().index_of(other.column_name().substr(s_prefix.size()));
      if (index) add_bounds(pruning, *column, oriented, source.column(*index));
    }
    return;
  }
}

// Exact pruning on a partition key: the source's distinct key values.
struct PartitionKeyValues {
  std::string physical_name;
  DataType type;
  std::vector<Scalar> values;  // sorted, distinct, non-null
};

bool scalar_less(const Scalar& a, const Scalar& b) {
  auto c = compare_scalars(a, b);
  return c.is_ok() && c.value() < 0;
}

util::Result<std::vector<Scalar>> distinct_values(const Column& column) {
  MEDALLION_ASSIGN_OR_RETURN(
      RecordBatch one, RecordBatch::make(columnar::Schema({{"v", column.type(), true, {}}}), {column}));
  MEDALLION_ASSIGN_OR_RETURN(RecordBatch groups, columnar::hash_aggregate(one, {0}, {}));
  const Column& distinct = groups.column(0);
  std::vector<Scalar> values;
  for (size_t i = 0; i < distinct.size(); ++i) {
    if (!distinct.is_null(i)) values.push_back(scalar_at(distinct, i));
  }
  std::sort(values.begin(), values.end(), scalar_less);
  values.erase(std::unique(values.begin(), values.end(),
                           [](const Scalar& a, const Scalar& b) {
                             return !scalar_less(a, b) && !scalar_less(b, a);
                           }),
               values.end());
  return values;
}

bool file_in_partitions(const AddFile& file, const std::vector<PartitionKeyValues>& keys) {
  for (const PartitionKeyValues& key : keys) {
    auto it = file.partition_values.find(key.physical_name);
    if (it == file.partition_values.end() || !it->second) return false;  // null never equals
    auto value = parse_partition_value(key.type, it->second, key.physical_name);
    if (!value.is_ok()) return true;  // unreadable: keep the file (conservative)
    if (!std::binary_search(key.values.begin(), key.values.end(), value.value(), scalar_less)) {
      return false;
    }
  }
  return true;
}

// ---- execution -----------------------------------------------------------

// The pairs' rows side by side: target columns taken at target_rows, then
// every source column taken at source_rows, under `schema`.
util::Result<RecordBatch> pair_batch(const columnar::Schema& schema, const RecordBatch& target,
                                     const std::vector<int64_t>& target_rows,
                                     const RecordBatch& source,
                                     const std::vector<int64_t>& source_rows) {
  std::vector<Column> columns;
  columns.reserve(schema.size());
  for (size_t c = 0; c < target.num_columns(); ++c) {
    columns.push_back(columnar::take(target.column(c), target_rows));
  }
  for (size_t c = 0; c < source.num_columns(); ++c) {
    columns.push_back(columnar::take(source.column(c), source_rows));
  }
  return RecordBatch::make(schema, std::move(columns));
}

// Rows of a table file (or its projection) as one record batch.
util::Result<RecordBatch> read_file_batch(util::FileSystem& fs, const TableScan& scan,
                                          size_t index) {
  std::optional<RecordBatch> all;
  MEDALLION_RETURN_IF_ERROR(scan.read_file(fs, index, [&](parquet::RowBatch&& rows) -> util::Status {
    MEDALLION_ASSIGN_OR_RETURN(RecordBatch batch,
                               to_record_batch(scan.output_schema(), std::move(rows)));
    if (!all) {
      all = std::move(batch);
      return util::Status::ok();
    }
    return columnar::append_rows(&*all, batch);
  }));
  if (!all) {
    MEDALLION_ASSIGN_OR_RETURN(columnar::Schema schema, columnar_schema_of(scan.output_schema()));
    all = RecordBatch(std::move(schema));
  }
  return std::move(*all);
}

// The matched pairs of one candidate file, in target row order.
struct FilePairs {
  std::vector<int64_t> target_rows;
  std::vector<int64_t> source_rows;
};

// Which clause each row takes: the first whose condition holds (-1: none).
std::vector<int> choose_clauses(const std::vector<BoundClause>& clauses, const RecordBatch& rows) {
  std::vector<int> chosen(rows.num_rows(), -1);
  size_t open = rows.num_rows();
  for (size_t k = 0; k < clauses.size() && open > 0; ++k) {
    if (!clauses[k].condition) {
      for (int& c : chosen) {
        if (c < 0) c = static_cast<int>(k);
      }
      break;
    }
    const Column holds = columnar::evaluate(*clauses[k].condition, rows);
    for (size_t i = 0; i < chosen.size(); ++i) {
      if (chosen[i] < 0 && !holds.is_null(i) && holds.bool_at(i)) {
        chosen[i] = static_cast<int>(k);
        --open;
      }
    }
  }
  return chosen;
}

std::vector<int64_t> rows_with(const std::vector<int>& chosen, int clause) {
  std::vector<int64_t> out;
  for (size_t i = 0; i < chosen.size(); ++i) {
    if (chosen[i] == clause) out.push_back(static_cast<int64_t>(i));
  }
  return out;
}

Column null_column(columnar::DataType type, size_t rows) {
  Column out(type);
  out.reserve(rows);
  for (size_t i = 0; i < rows; ++i) out.append_null();
  return out;
}

// The rows a clause writes: each target column from the clause's expression
// over `rows`, else from `fallback` (the target's own value for updates), else null.
util::Result<RecordBatch> clause_output(const MergePlan& plan, const BoundClause& clause,
                                        const RecordBatch& rows, const RecordBatch* fallback) {
  std::vector<Column> columns;
  for (size_t c = 0; c < plan.target.size(); ++c) {
    if (clause.values[c]) {
      columns.push_back(columnar::evaluate(*clause.values[c], rows));
    } else if (fallback != nullptr) {
      columns.push_back(fallback->column(c));
    } else {
      columns.push_back(null_column(plan.target.field(c).type, rows.num_rows()));
    }
  }
  return RecordBatch::make(plan.target, std::move(columns));
}

std::string clauses_json(const MergeSpec& spec, bool matched) {
  util::JsonWriter w;
  w.begin_array();
  auto one = [&](std::string_view action, const std::optional<Expr>& condition,
                 const std::vector<std::pair<std::string, Expr>>& values) {
    w.begin_object();
    w.key("actionType").value(action);
    if (condition) w.key("predicate").value(condition->to_sql());
    if (!values.empty()) {
      std::string text;
      for (const auto& [column, value] : values) {
        text += fmt::format("{}{} = {}", text.empty() ? "" : ", ", column, value.to_sql());
      }
      w.key(action == "insert" ? "values" : "set").value(text);
    }
    w.end_object();
  };
  if (matched) {
    for (const WhenMatched& c : spec.when_matched) {
      one(c.delete_row ? "delete" : "update", c.condition, c.set);
    }
  } else {
    for (const WhenNotMatched& c : spec.when_not_matched) one("insert", c.condition, c.values);
  }
  w.end_array();
  return w.take();
}

std::string on_sql(const MergeSpec& spec) {
  std::string text;
  for (const MergeKey& k : spec.keys) {
    text += fmt::format("{}({}.{} = {}.{})", text.empty() ? "" : " AND ", spec.target_alias,
                        k.target_column, spec.source_alias, k.source_column);
  }
  if (spec.condition) text += " AND " + spec.condition->to_sql();
  return text;
}

std::string key_text(const RecordBatch& batch, const std::vector<size_t>& keys, size_t row) {
  std::string out;
  for (size_t k : keys) {
    const Scalar v = scalar_at(batch.column(k), row);
    out += fmt::format("{}{}={}", out.empty() ? "" : ", ", batch.schema().field(k).name,
                       v.is_null ? "null" : serialize_partition_value(v).value_or("null"));
  }
  return out;
}

}  // namespace

util::Result<MergeResult> merge(util::FileSystem& fs, const std::string& table_root,
                                const RecordBatch& source, const MergeSpec& spec,
                                const WriteOptions& options) {
  MEDALLION_ASSIGN_OR_RETURN(Snapshot snapshot, load_snapshot(fs, table_root));
  MergeResult result;
  result.version = snapshot.version;
  result.source_rows = static_cast<int64_t>(source.num_rows());
  result.files_total = static_cast<int64_t>(snapshot.files.size());
  if (already_committed(snapshot, options)) {
    result.skipped = true;
    return result;
  }
  MEDALLION_ASSIGN_OR_RETURN(MergePlan plan, make_plan(snapshot, source.schema(), spec));
  const int64_t now_ms = options.now_ms != 0 ? options.now_ms : util::unix_now_ms();
  const auto started = std::chrono::steady_clock::now();
  auto lap = [clock = started]() mutable {
    const auto now = std::chrono::steady_clock::now();
    const double ms = std::chrono::duration<double, std::milli>(now - clock).count();
    clock = now;
    return ms;
  };

  // 1. Candidate files.
  Pruning pruning;
  std::vector<PartitionKeyValues> partition_keys;
  const auto& partition_columns = snapshot.metadata.partition_columns;
  for (size_t i = 0; i < spec.keys.size(); ++i) {
    const std::string& column = spec.keys[i].target_column;
    const Column& values = source.column(plan.source_keys[i]);
    if (std::find(partition_columns.begin(), partition_columns.end(), column) !=
        partition_columns.end()) {
      const Field* field = snapshot.schema.find(column);
      MEDALLION_ASSIGN_OR_RETURN(std::vector<Scalar> distinct, distinct_values(values));
      partition_keys.push_back(
          {physical_name(*field, snapshot.column_mapping), field->type, std::move(distinct)});
    }
    add_bounds(&pruning, column, CompareOp::kEq, values);
  }
  if (spec.condition) prune_from_condition(*spec.condition, spec, source, &pruning);

  std::vector<std::string> find_names;
  for (size_t c : plan.find_columns) find_names.push_back(plan.target.field(c).name);
  MEDALLION_ASSIGN_OR_RETURN(TableScan find_scan,
                             TableScan::make(snapshot, ScanOptions{find_names, pruning.predicates}));
  std::vector<size_t> candidates;
  if (!pruning.nothing_matches && source.num_rows() > 0) {
    for (size_t i = 0; i < find_scan.files().size(); ++i) {
      if (file_in_partitions(*find_scan.files()[i], partition_keys)) candidates.push_back(i);
    }
  }
  result.files_scanned = static_cast<int64_t>(candidates.size());

  // 2. Find the matched pairs.
  MEDALLION_ASSIGN_OR_RETURN(columnar::JoinIndex index,
                             columnar::JoinIndex::build(source, plan.source_keys));
  std::vector<uint8_t> source_matched(source.num_rows(), 0);
  std::vector<FilePairs> pairs(candidates.size());
  for (size_t n = 0; n < candidates.size(); ++n) {
    MEDALLION_ASSIGN_OR_RETURN(RecordBatch keys, read_file_batch(fs, find_scan, candidates[n]));
    columnar::JoinMatches matches;
    MEDALLION_RETURN_IF_ERROR(index.probe(keys, plan.find_keys, &matches));
    FilePairs& found = pairs[n];
    found.target_rows.assign(matches.probe_rows.begin(), matches.probe_rows.end());
    found.source_rows.assign(matches.build_rows.begin(), matches.build_rows.end());
    if (plan.find_condition && !found.target_rows.empty()) {
      MEDALLION_ASSIGN_OR_RETURN(RecordBatch both,
                                 pair_batch(plan.find_combined, keys, found.target_rows, source,
                                            found.source_rows));
      const Column holds = columnar::evaluate(*plan.find_condition, both);
      size_t kept = 0;
      for (size_t i = 0; i < holds.size(); ++i) {
        if (holds.is_null(i) || !holds.bool_at(i)) continue;
        found.target_rows[kept] = found.target_rows[i];
        found.source_rows[kept] = found.source_rows[i];
        ++kept;
      }
      found.target_rows.resize(kept);
      found.source_rows.resize(kept);
    }
    for (size_t i = 0; i < found.target_rows.size(); ++i) {
      source_matched[static_cast<size_t>(found.source_rows[i])] = 1;
      if (!plan.matched.empty() && i > 0 && found.target_rows[i] == found.target_rows[i - 1]) {
        return util::Status::failed_precondition(fmt::format(
            "delta: MERGE into {}: source rows {} and {} both match one target row ({}) in {}: "
            "a target row can be changed by one source row only; deduplicate the source on the "
            "merge keys",
            table_root, found.source_rows[i - 1], found.source_rows[i],
            key_text(keys, plan.find_keys, static_cast<size_t>(found.target_rows[i])),
            find_scan.files()[candidates[n]]->path));
      }
    }
  }

  result.scan_ms = lap();

  // 3. Rewrite the files holding matched rows.
  std::optional<RecordBatch> output;
  auto emit = [&](RecordBatch&& rows) -> util::Status {
    if (rows.num_rows() == 0) return util::Status::ok();
    if (!output) {
      output = std::move(rows);
      return util::Status::ok();
    }
    return columnar::append_rows(&*output, rows);
  };
  std::vector<const AddFile*> rewritten;
  if (!plan.matched.empty()) {
    MEDALLION_ASSIGN_OR_RETURN(TableScan full_scan,
                               TableScan::make(snapshot, ScanOptions{{}, pruning.predicates}));
    for (size_t n = 0; n < candidates.size(); ++n) {
      const FilePairs& found = pairs[n];
      if (found.target_rows.empty()) continue;
      rewritten.push_back(find_scan.files()[candidates[n]]);
      MEDALLION_ASSIGN_OR_RETURN(RecordBatch target, read_file_batch(fs, full_scan, candidates[n]));
      MEDALLION_ASSIGN_OR_RETURN(RecordBatch both, pair_batch(plan.combined, target,
                                                              found.target_rows, source,
                                                              found.source_rows));
      const std::vector<int> chosen = choose_clauses(plan.matched, both);
      std::vector<uint8_t> changed(target.num_rows(), 0);
      for (size_t k = 0; k < plan.matched.size(); ++k) {
        const std::vector<int64_t> picks = rows_with(chosen, static_cast<int>(k));
        if (picks.empty()) continue;
        for (int64_t p : picks) changed[static_cast<size_t>(found.target_rows[p])] = 1;
        if (plan.matched[k].delete_row) {
          result.rows_deleted += static_cast<int64_t>(picks.size());
          continue;
        }
        result.rows_updated += static_cast<int64_t>(picks.size());
        const RecordBatch rows = columnar::take(both, picks);
        std::vector<int64_t> target_rows;
        target_rows.reserve(picks.size());
        for (int64_t p : picks) target_rows.push_back(found.target_rows[p]);
        const RecordBatch before = columnar::take(target, target_rows);
        MEDALLION_ASSIGN_OR_RETURN(RecordBatch after,
                                   clause_output(plan, plan.matched[k], rows, &before));
        MEDALLION_RETURN_IF_ERROR(emit(std::move(after)));
      }
      std::vector<int64_t> kept;
      for (size_t r = 0; r < target.num_rows(); ++r) {
        if (!changed[r]) kept.push_back(static_cast<int64_t>(r));
      }
      result.rows_copied += static_cast<int64_t>(kept.size());
      MEDALLION_RETURN_IF_ERROR(emit(columnar::take(target, kept)));
    }
  }

  // 4. Insert the unmatched source rows.
  if (!plan.not_matched.empty()) {
    std::vector<int64_t> unmatched;
    for (size_t r = 0; r < source.num_rows(); ++r) {
      if (!source_matched[r]) unmatched.push_back(static_cast<int64_t>(r));
    }
    if (!unmatched.empty()) {
      const RecordBatch rows = columnar::take(source, unmatched);
      const std::vector<int> chosen = choose_clauses(plan.not_matched, rows);
      for (size_t k = 0; k < plan.not_matched.size(); ++k) {
        const std::vector<int64_t> picks = rows_with(chosen, static_cast<int>(k));
        if (picks.empty()) continue;
        result.rows_inserted += static_cast<int64_t>(picks.size());
        MEDALLION_ASSIGN_OR_RETURN(
            RecordBatch inserted,
            clause_output(plan, plan.not_matched[k], columnar::take(rows, picks), nullptr));
        MEDALLION_RETURN_IF_ERROR(emit(std::move(inserted)));
      }
    }
  }

  result.rewrite_ms = lap();
  if (result.rows_inserted == 0 && result.rows_updated == 0 && result.rows_deleted == 0) {
    return result;  // nothing changes: no commit
  }

  // 5. Write and commit.
  std::vector<AddFile> adds;
  if (output && output->num_rows() > 0) {
    for (size_t c = 0; c < plan.target.size(); ++c) {
      if (!plan.target.field(c).nullable && output->column(c).null_count() > 0) {
        return util::Status::invalid_argument(fmt::format(
            "delta: MERGE into {} would write nulls into non-nullable column '{}': give it a "
            "value in every clause",
            table_root, plan.target.field(c).name));
      }
    }
    DataWriterOptions data = options.data;
    data.now_ms = now_ms;
    MEDALLION_ASSIGN_OR_RETURN(
        adds, write_data_files(fs, snapshot.table_root, snapshot.schema, partition_columns,
                               snapshot.column_mapping, to_row_batch(std::move(*output)), data));
  }
  result.write_ms = lap();
  MEDALLION_RETURN_IF_ERROR(data_files_written(options));
  MEDALLION_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(fs, snapshot));
  for (const AddFile* file : rewritten) tx.remove_file(Transaction::remove_of(*file, now_ms));
  if (partition_columns.empty()) {
    tx.mark_read_whole_table();
  } else {
    for (size_t n : candidates) tx.mark_read(find_scan.files()[n]->partition_values);
    for (const AddFile& add : adds) tx.mark_read(add.partition_values);
  }
  int64_t bytes_added = 0, bytes_removed = 0;
  for (const AddFile& add : adds) bytes_added += add.size;
  for (const AddFile* file : rewritten) bytes_removed += file->size;
  result.files_added = static_cast<int64_t>(adds.size());
  result.files_removed = static_cast<int64_t>(rewritten.size());
  for (AddFile& add : adds) tx.add_file(std::move(add));

  CommitOptions commit;
  commit.operation = "MERGE";
  commit.parameters["predicate"] = on_sql(spec);
  commit.parameters["matchedPredicates"] = clauses_json(spec, true);
  commit.parameters["notMatchedPredicates"] = clauses_json(spec, false);
  commit.parameters["notMatchedBySourcePredicates"] = "[]";
  auto metric = [&](const char* name, int64_t v) { commit.metrics[name] = std::to_string(v); };
  metric("numSourceRows", result.source_rows);
  metric("numTargetRowsInserted", result.rows_inserted);
  metric("numTargetRowsUpdated", result.rows_updated);
  metric("numTargetRowsMatchedUpdated", result.rows_updated);
  metric("numTargetRowsDeleted", result.rows_deleted);
  metric("numTargetRowsMatchedDeleted", result.rows_deleted);
  metric("numTargetRowsCopied", result.rows_copied);
  metric("numOutputRows", result.rows_inserted + result.rows_updated + result.rows_copied);
  metric("numTargetFilesAdded", result.files_added);
  metric("numTargetFilesRemoved", result.files_removed);
  metric("numTargetBytesAdded", bytes_added);
  metric("numTargetBytesRemoved", bytes_removed);
  metric("scanTimeMs", static_cast<int64_t>(result.scan_ms));
  metric("rewriteTimeMs", static_cast<int64_t>(result.rewrite_ms + result.write_ms));
  metric("executionTimeMs", std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - started)
                                .count());
  MEDALLION_ASSIGN_OR_RETURN(result.version,
                             commit_write(fs, tx, std::move(commit), options, snapshot, now_ms));
  result.commit_ms = lap();
  result.committed = true;
  return result;
}

}  // namespace medallion::delta
