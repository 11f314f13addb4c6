// Expression: a small typed expression language over the columns of one
// record batch, evaluated a column at a time. MERGE conditions and SET
// values, and the jobs' derived columns, are Expressions.
//
// An Expr is an immutable tree of column references (by name), literals and
// calls. bind() resolves it against a schema — names to column indices,
// argument types checked, the result type derived — and evaluate() computes
// one value per row of a batch of that schema.
//
// Semantics follow Spark SQL:
//   =  <>  <  <=  >  >=    null when either side is null; both sides of
//                          one type; the order of each type: numbers by
//                          value (doubles: -0.0 == 0.0, NaN above all and
//                          equal to itself), strings by unsigned bytes,
//                          false < true, dates and timestamps in time
//   and  or  not           three-valued logic (false and null = false,
//                          true or null = true, not null = null)
//   is_null  is_not_null   never null
//   coalesce(a, b, ...)    the first non-null argument
//   least / greatest       the least / greatest non-null argument; null
//                          only when every argument is
//   if(c, a, b)            a where c is true, else b (a null c gives b)
//   to_date(ts)            the UTC date of a timestamp
//   concat(s, ...)         the strings joined; null when any is null
// Arguments of coalesce, least, greatest, if and comparisons share one
// type; there are no implicit casts (literal() takes the type).
//
// to_sql() renders the tree the way Spark prints expressions in
// commitInfo: "least(t.start_ts, s.start_ts)", "(s.d >= t.d)".
//
// Thread safety: Expr and BoundExpr are immutable values; evaluate may run
// on several threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/column.h"
#include "columnar/record_batch.h"
#include "columnar/schema.h"
#include "util/status.h"

namespace medallion::columnar {

enum class Function {
  kEq, kNe, kLt, kLe, kGt, kGe,
  kAnd, kOr, kNot,
  kIsNull, kIsNotNull,
  kCoalesce, kLeast, kGreatest, kIf,
  kToDate, kConcat,
};

// A typed constant or a typed null.
struct Literal {
  DataType type = DataType::kString;
  bool is_null = true;
  int64_t int_value = 0;  // kBool (0/1), kInt32, kInt64, kDate (days), kTimestamp (micros)
  double double_value = 0;
  std::string string_value;
};

class Expr {
 public:
  enum class Kind { kColumn, kLiteral, kCall };

  static Expr column(std::string name);
  static Expr literal(Literal value);
  static Expr null_of(DataType type);
  static Expr boolean(bool v);
  static Expr int32(int32_t v);
  static Expr int64(int64_t v);
  static Expr float64(double v);
  static Expr string(std::string v);
  static Expr date(int32_t days_since_epoch);
  static Expr timestamp(int64_t micros_since_epoch);
  static Expr call(Function function, std::vector<Expr> args);

  Kind kind() const { return node_->kind; }
  const std::string& column_name() const { return node_->name; }  // kColumn
  const Literal& literal_value() const { return node_->literal; }  // kLiteral
  Function function() const { return node_->function; }            // kCall
  const std::vector<Expr>& args() const { return node_->args; }    // kCall

  std::string to_sql() const;

 private:
  struct Node {
    Kind kind = Kind::kLiteral;
    std::string name;
    Literal literal;
    Function function = Function::kEq;
    std::vector<Expr> args;
  };
  explicit Expr(std::shared_ptr<const Node> node) : node_(std::move(node)) {}
  std::shared_ptr<const Node> node_;
};

// Shorthands for building trees: eq(col("a"), Expr::int32(1)), ...
inline Expr col(std::string name) { return Expr::column(std::move(name)); }
inline Expr eq(Expr a, Expr b) { return Expr::call(Function::kEq, {std::move(a), std::move(b)}); }
inline Expr ne(Expr a, Expr b) { return Expr::call(Function::kNe, {std::move(a), std::move(b)}); }
inline Expr lt(Expr a, Expr b) { return Expr::call(Function::kLt, {std::move(a), std::move(b)}); }
inline Expr le(Expr a, Expr b) { return Expr::call(Function::kLe, {std::move(a), std::move(b)}); }
inline Expr gt(Expr a, Expr b) { return Expr::call(Function::kGt, {std::move(a), std::move(b)}); }
inline Expr ge(Expr a, Expr b) { return Expr::call(Function::kGe, {std::move(a), std::move(b)}); }
inline Expr and_(Expr a, Expr b) { return Expr::call(Function::kAnd, {std::move(a), std::move(b)}); }
inline Expr or_(Expr a, Expr b) { return Expr::call(Function::kOr, {std::move(a), std::move(b)}); }
inline Expr not_(Expr a) { return Expr::call(Function::kNot, {std::move(a)}); }
inline Expr is_null(Expr a) { return Expr::call(Function::kIsNull, {std::move(a)}); }
inline Expr is_not_null(Expr a) { return Expr::call(Function::kIsNotNull, {std::move(a)}); }
inline Expr if_(Expr c, Expr a, Expr b) {
  return Expr::call(Function::kIf, {std::move(c), std::move(a), std::move(b)});
}

// An Expr resolved against a schema.
class BoundExpr {
 public:
  DataType type() const { return type_; }
  const Expr& expr() const { return expr_; }

 private:
  friend util::Result<BoundExpr> bind(const Expr& expr, const Schema& schema);
  friend Column evaluate(const BoundExpr& expr, const RecordBatch& batch);

  Expr expr_ = Expr::boolean(false);
  DataType type_ = DataType::kBool;
  Function function_ = Function::kEq;
  size_t column_ = 0;  // kColumn
  std::vector<BoundExpr> args_;
};

// Resolves names and checks types: kInvalidArgument naming an unknown
// column (with the schema's columns) or the call whose argument types do
// not fit.
util::Result<BoundExpr> bind(const Expr& expr, const Schema& schema);

// One value per row of `batch`, whose schema is the one the expression was
// bound to.
Column evaluate(const BoundExpr& expr, const RecordBatch& batch);

// The names of the columns an expression refers to, each once, in order of
// first appearance.
std::vector<std::string> referenced_columns(const Expr& expr);

std::string_view function_name(Function function);

}  // namespace medallion::columnar
