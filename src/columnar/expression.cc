#include "columnar/expression.h"

#include <cmath>

#include <fmt/format.h>

#include "util/civil_time.h"

namespace medallion::columnar {
namespace {

struct FunctionInfo {
  std::string_view name;
  int min_args;
  int max_args;  // -1: any number
};

FunctionInfo info(Function f) {
  switch (f) {
    case Function::kEq: return {"=", 2, 2};
    case Function::kNe: return {"<>", 2, 2};
    case Function::kLt: return {"<", 2, 2};
    case Function::kLe: return {"<=", 2, 2};
    case Function::kGt: return {">", 2, 2};
    case Function::kGe: return {">=", 2, 2};
    case Function::kAnd: return {"AND", 2, 2};
    case Function::kOr: return {"OR", 2, 2};
    case Function::kNot: return {"NOT", 1, 1};
    case Function::kIsNull: return {"isnull", 1, 1};
    case Function::kIsNotNull: return {"isnotnull", 1, 1};
    case Function::kCoalesce: return {"coalesce", 1, -1};
    case Function::kLeast: return {"least", 1, -1};
    case Function::kGreatest: return {"greatest", 1, -1};
    case Function::kIf: return {"if", 3, 3};
    case Function::kToDate: return {"to_date", 1, 1};
    case Function::kConcat: return {"concat", 1, -1};
  }
  return {"?", 0, 0};
}

bool is_comparison(Function f) {
  return f == Function::kEq || f == Function::kNe || f == Function::kLt || f == Function::kLe ||
         f == Function::kGt || f == Function::kGe;
}

std::string literal_sql(const Literal& v) {
  if (v.is_null) return "NULL";
  switch (v.type) {
    case DataType::kBool: return v.int_value != 0 ? "true" : "false";
    case DataType::kInt32:
    case DataType::kInt64: return std::to_string(v.int_value);
    case DataType::kDouble: return fmt::format("{}", v.double_value);
    case DataType::kString: {
      std::string out = "'";
      for (char c : v.string_value) {
        if (c == '\'' || c == '\\') out.push_back('\\');
        out.push_back(c);
      }
      return out + "'";
    }
    case DataType::kDate: return fmt::format("DATE '{}'", util::format_iso_date(v.int_value));
    case DataType::kTimestamp:
      return fmt::format("TIMESTAMP '{}'", util::format_iso8601(v.int_value, util::FractionStyle::kWhenNonZero, true));
  }
  return "NULL";
}

// Three-way order of two non-null values of one column type.
int compare_doubles(double a, double b) {
  const bool na = std::isnan(a), nb = std::isnan(b);
  if (na || nb) return na == nb ? 0 : (na ? 1 : -1);
  return a < b ? -1 : (a > b ? 1 : 0);
}

int compare_values(const Column& a, size_t i, const Column& b, size_t j) {
  switch (a.type()) {
    case DataType::kBool: return int(a.bool_at(i)) - int(b.bool_at(j));
    case DataType::kInt32:
    case DataType::kDate: {
      const int32_t x = a.int32_at(i), y = b.int32_at(j);
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    case DataType::kInt64:
    case DataType::kTimestamp: {
      const int64_t x = a.int64_at(i), y = b.int64_at(j);
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    case DataType::kDouble: return compare_doubles(a.double_at(i), b.double_at(j));
    case DataType::kString: {
      const int c = a.string_at(i).compare(b.string_at(j));
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
  }
  return 0;
}

void append_value(Column* out, const Column& from, size_t row) {
  if (from.is_null(row)) {
    out->append_null();
    return;
  }
  switch (from.type()) {
    case DataType::kBool: out->append_bool(from.bool_at(row)); break;
    case DataType::kInt32:
    case DataType::kDate: out->append_int32(from.int32_at(row)); break;
    case DataType::kInt64:
    case DataType::kTimestamp: out->append_int64(from.int64_at(row)); break;
    case DataType::kDouble: out->append_double(from.double_at(row)); break;
    case DataType::kString: out->append_string(from.string_at(row)); break;
  }
}

Column literal_column(const Literal& v, size_t rows) {
  Column out(v.type);
  out.reserve(rows, v.type == DataType::kString ? rows * v.string_value.size() : 0);
  for (size_t i = 0; i < rows; ++i) {
    if (v.is_null) {
      out.append_null();
      continue;
    }
    switch (v.type) {
      case DataType::kBool: out.append_bool(v.int_value != 0); break;
      case DataType::kInt32:
      case DataType::kDate: out.append_int32(static_cast<int32_t>(v.int_value)); break;
      case DataType::kInt64:
      case DataType::kTimestamp: out.append_int64(v.int_value); break;
      case DataType::kDouble: out.append_double(v.double_value); break;
      case DataType::kString: out.append_string(v.string_value); break;
    }
  }
  return out;
}

// -1 false, 0 null, 1 true.
int truth(const Column& c, size_t row) {
  if (c.is_null(row)) return 0;
  return c.bool_at(row) ? 1 : -1;
}

void append_truth(Column* out, int t) {
  if (t == 0) {
    out->append_null();
  } else {
    out->append_bool(t > 0);
  }
}

bool comparison_holds(Function f, int c) {
  switch (f) {
    case Function::kEq: return c == 0;
    case Function::kNe: return c != 0;
    case Function::kLt: return c < 0;
    case Function::kLe: return c <= 0;
    case Function::kGt: return c > 0;
    case Function::kGe: return c >= 0;
    default: return false;
  }
}

constexpr int64_t kMicrosPerDay = 86'400'000'000;

}  // namespace

Expr Expr::column(std::string name) {
  auto node = std::make_shared<Node>();
  node->kind = Kind::kColumn;
  node->name = std::move(name);
  return Expr(std::move(node));
}

Expr Expr::literal(Literal value) {
  auto node = std::make_shared<Node>();
  node->kind = Kind::kLiteral;
  node->literal = std::move(value);
  return Expr(std::move(node));
}

Expr Expr::null_of(DataType type) { return literal(Literal{type, true, 0, 0, {}}); }
Expr Expr::boolean(bool v) { return literal(Literal{DataType::kBool, false, v ? 1 : 0, 0, {}}); }
Expr Expr::int32(int32_t v) { return literal(Literal{DataType::kInt32, false, v, 0, {}}); }
Expr Expr::int64(int64_t v) { return literal(Literal{DataType::kInt64, false, v, 0, {}}); }
Expr Expr::float64(double v) { return literal(Literal{DataType::kDouble, false, 0, v, {}}); }
Expr Expr::string(std::string v) {
  return literal(Literal{DataType::kString, false, 0, 0, std::move(v)});
}
Expr Expr::date(int32_t days) { return literal(Literal{DataType::kDate, false, days, 0, {}}); }
Expr Expr::timestamp(int64_t micros) {
  return literal(Literal{DataType::kTimestamp, false, micros, 0, {}});
}

Expr Expr::call(Function function, std::vector<Expr> args) {
  auto node = std::make_shared<Node>();
  node->kind = Kind::kCall;
  node->function = function;
  node->args = std::move(args);
  return Expr(std::move(node));
}

std::string Expr::to_sql() const {
  switch (kind()) {
    case Kind::kColumn: return column_name();
    case Kind::kLiteral: return literal_sql(literal_value());
    case Kind::kCall: break;
  }
  const Function f = function();
  const std::string_view name = info(f).name;
  if (is_comparison(f) || f == Function::kAnd || f == Function::kOr) {
    return fmt::format("({} {} {})", args()[0].to_sql(), name,
                       args().size() > 1 ? args()[1].to_sql() : "");
  }
  if (f == Function::kNot) return fmt::format("(NOT {})", args()[0].to_sql());
  if (f == Function::kIsNull) return fmt::format("({} IS NULL)", args()[0].to_sql());
  if (f == Function::kIsNotNull) return fmt::format("({} IS NOT NULL)", args()[0].to_sql());
  std::string out = fmt::format("{}(", name);
  for (size_t i = 0; i < args().size(); ++i) {
    if (i > 0) out += ", ";
    out += args()[i].to_sql();
  }
  return out + ")";
}

std::string_view function_name(Function function) { return info(function).name; }

util::Result<BoundExpr> bind(const Expr& expr, const Schema& schema) {
  BoundExpr bound;
  bound.expr_ = expr;
  switch (expr.kind()) {
    case Expr::Kind::kColumn: {
      auto index = schema.index_of(expr.column_name());
      if (!index) {
        std::string names;
        for (const Field& f : schema.fields()) names += (names.empty() ? "" : ", ") + f.name;
        return util::Status::invalid_argument(fmt::format(
            "expression: unknown column '{}' (the columns are: {})", expr.column_name(), names));
      }
      bound.column_ = *index;
      bound.type_ = schema.field(*index).type;
      return bound;
    }
    case Expr::Kind::kLiteral:
      bound.type_ = expr.literal_value().type;
      return bound;
    case Expr::Kind::kCall: break;
  }
  const Function f = expr.function();
  const FunctionInfo fi = info(f);
  bound.function_ = f;
  const int n = static_cast<int>(expr.args().size());
  if (n < fi.min_args || (fi.max_args >= 0 && n > fi.max_args)) {
    return util::Status::invalid_argument(fmt::format(
        "expression: {} takes {} argument(s), not {}: {}", fi.name,
        fi.max_args == fi.min_args ? std::to_string(fi.min_args)
                                   : fmt::format("at least {}", fi.min_args),
        n, expr.to_sql()));
  }
  for (const Expr& arg : expr.args()) {
    MEDALLION_ASSIGN_OR_RETURN(BoundExpr b, bind(arg, schema));
    bound.args_.push_back(std::move(b));
  }
  auto type_error = [&](std::string_view wanted) {
    std::string got;
    for (const BoundExpr& a : bound.args_) {
      got += fmt::format("{}{}", got.empty() ? "" : ", ", data_type_name(a.type()));
    }
    return util::Status::invalid_argument(
        fmt::format("expression: {} needs {}, not ({}): {}", fi.name, wanted, got, expr.to_sql()));
  };
  auto all_same_from = [&](size_t first) {
    for (size_t i = first + 1; i < bound.args_.size(); ++i) {
      if (bound.args_[i].type() != bound.args_[first].type()) return false;
    }
    return true;
  };
  switch (f) {
    case Function::kEq:
    case Function::kNe:
    case Function::kLt:
    case Function::kLe:
    case Function::kGt:
    case Function::kGe:
      if (!all_same_from(0)) return type_error("two arguments of one type");
      bound.type_ = DataType::kBool;
      break;
    case Function::kAnd:
    case Function::kOr:
    case Function::kNot:
      for (const BoundExpr& a : bound.args_) {
        if (a.type() != DataType::kBool) return type_error("boolean arguments");
      }
      bound.type_ = DataType::kBool;
      break;
    case Function::kIsNull:
    case Function::kIsNotNull: bound.type_ = DataType::kBool; break;
    case Function::kCoalesce:
    case Function::kLeast:
    case Function::kGreatest:
      if (!all_same_from(0)) return type_error("arguments of one type");
      bound.type_ = bound.args_[0].type();
      break;
    case Function::kIf:
      if (bound.args_[0].type() != DataType::kBool || !all_same_from(1)) {
        return type_error("a boolean condition and two values of one type");
      }
      bound.type_ = bound.args_[1].type();
      break;
    case Function::kToDate:
      if (bound.args_[0].type() != DataType::kTimestamp) return type_error("a timestamp");
      bound.type_ = DataType::kDate;
      break;
    case Function::kConcat:
      for (const BoundExpr& a : bound.args_) {
        if (a.type() != DataType::kString) return type_error("string arguments");
      }
      bound.type_ = DataType::kString;
      break;
  }
  return bound;
}

Column evaluate(const BoundExpr& expr, const RecordBatch& batch) {
  const size_t rows = batch.num_rows();
  switch (expr.expr_.kind()) {
    case Expr::Kind::kColumn: return batch.column(expr.column_);
    case Expr::Kind::kLiteral: return literal_column(expr.expr_.literal_value(), rows);
    case Expr::Kind::kCall: break;
  }
  std::vector<Column> args;
  args.reserve(expr.args_.size());
  for (const BoundExpr& a : expr.args_) args.push_back(evaluate(a, batch));
  Column out(expr.type_);
  out.reserve(rows);
  const Function f = expr.function_;
  switch (f) {
    case Function::kEq:
    case Function::kNe:
    case Function::kLt:
    case Function::kLe:
    case Function::kGt:
    case Function::kGe:
      for (size_t i = 0; i < rows; ++i) {
        if (args[0].is_null(i) || args[1].is_null(i)) {
          out.append_null();
        } else {
          out.append_bool(comparison_holds(f, compare_values(args[0], i, args[1], i)));
        }
      }
      break;
    case Function::kAnd:
      for (size_t i = 0; i < rows; ++i) {
        const int a = truth(args[0], i), b = truth(args[1], i);
        append_truth(&out, (a < 0 || b < 0) ? -1 : (a == 0 || b == 0 ? 0 : 1));
      }
      break;
    case Function::kOr:
      for (size_t i = 0; i < rows; ++i) {
        const int a = truth(args[0], i), b = truth(args[1], i);
        append_truth(&out, (a > 0 || b > 0) ? 1 : (a == 0 || b == 0 ? 0 : -1));
      }
      break;
    case Function::kNot:
      for (size_t i = 0; i < rows; ++i) append_truth(&out, -truth(args[0], i));
      break;
    case Function::kIsNull:
    case Function::kIsNotNull:
      for (size_t i = 0; i < rows; ++i) {
        out.append_bool(args[0].is_null(i) == (f == Function::kIsNull));
      }
      break;
    case Function::kCoalesce:
      for (size_t i = 0; i < rows; ++i) {
        size_t pick = 0;
        while (pick + 1 < args.size() && args[pick].is_null(i)) ++pick;
        append_value(&out, args[pick], i);
      }
      break;
    case Function::kLeast:
    case Function::kGreatest: {
      const int want = f == Function::kLeast ? -1 : 1;
      for (size_t i = 0; i < rows; ++i) {
        const Column* best = nullptr;
        for (const Column& a : args) {
          if (a.is_null(i)) continue;
          if (best == nullptr || compare_values(a, i, *best, i) == want) best = &a;
        }
        if (best == nullptr) {
          out.append_null();
        } else {
          append_value(&out, *best, i);
        }
      }
      break;
    }
    case Function::kIf:
      for (size_t i = 0; i < rows; ++i) {
        append_value(&out, truth(args[0], i) > 0 ? args[1] : args[2], i);
      }
      break;
    case Function::kToDate:
      for (size_t i = 0; i < rows; ++i) {
        if (args[0].is_null(i)) {
          out.append_null();
          continue;
        }
        const int64_t micros = args[0].int64_at(i);
        int64_t days = micros / kMicrosPerDay;
        if (micros % kMicrosPerDay < 0) --days;
        out.append_int32(static_cast<int32_t>(days));
      }
      break;
    case Function::kConcat: {
      std::string joined;
      for (size_t i = 0; i < rows; ++i) {
        joined.clear();
        bool any_null = false;
        for (const Column& a : args) {
          if (a.is_null(i)) {
            any_null = true;
            break;
          }
          joined.append(a.string_at(i));
        }
        if (any_null) {
          out.append_null();
        } else {
          out.append_string(joined);
        }
      }
      break;
    }
  }
  return out;
}

namespace {
void collect_columns(const Expr& expr, std::vector<std::string>* out) {
  switch (expr.kind()) {
    case Expr::Kind::kColumn:
      for (const std::string& seen : *out) {
        if (seen == expr.column_name()) return;
      }
      out->push_back(expr.column_name());
      return;
    case Expr::Kind::kLiteral: return;
    case Expr::Kind::kCall:
      for (const Expr& a : expr.args()) collect_columns(a, out);
      return;
  }
}
}  // namespace

std::vector<std::string> referenced_columns(const Expr& expr) {
  std::vector<std::string> out;
  collect_columns(expr, &out);
  return out;
}

}  // namespace medallion::columnar
