#include "columnar/expression.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace medallion::columnar {
namespace {

// a int64, b int64, s string, t timestamp, f bool, d double: four rows,
// row 3 null in every column.
RecordBatch sample() {
  RecordBatch batch(Schema({{"a", DataType::kInt64, true, {}},
                            {"b", DataType::kInt64, true, {}},
                            {"s", DataType::kString, true, {}},
                            {"t", DataType::kTimestamp, true, {}},
                            {"f", DataType::kBool, true, {}},
                            {"d", DataType::kDouble, true, {}}}));
  const int64_t a[] = {1, 5, -3};
  const int64_t b[] = {2, 5, -4};
  const char* s[] = {"x", "", "yz"};
  const int64_t t[] = {0, -1, 86'400'000'000LL * 3 + 5};
  const bool f[] = {true, false, true};
  const double d[] = {0.0, std::nan(""), -0.0};
  for (int i = 0; i < 3; ++i) {
    batch.column(0).append_int64(a[i]);
    batch.column(1).append_int64(b[i]);
    batch.column(2).append_string(s[i]);
    batch.column(3).append_int64(t[i]);
    batch.column(4).append_bool(f[i]);
    batch.column(5).append_double(d[i]);
  }
  for (size_t c = 0; c < batch.num_columns(); ++c) batch.column(c).append_null();
  return batch;
}

Column eval(const Expr& expr, const RecordBatch& batch = sample()) {
  auto bound = bind(expr, batch.schema());
  EXPECT_TRUE(bound.is_ok()) << bound.status().to_string();
  return evaluate(bound.value(), batch);
}

// "T", "F" or "N" per row of a boolean column.
std::string truths(const Column& c) {
  std::string out;
  for (size_t i = 0; i < c.size(); ++i) out += c.is_null(i) ? 'N' : (c.bool_at(i) ? 'T' : 'F');
  return out;
}

TEST(Expression, ComparisonsAreNullWhenASideIsNull) {
  EXPECT_EQ(truths(eval(lt(col("a"), col("b")))), "TFFN");
  EXPECT_EQ(truths(eval(eq(col("a"), col("b")))), "FTFN");
  EXPECT_EQ(truths(eval(ge(col("a"), col("b")))), "FTTN");
  EXPECT_EQ(truths(eval(ne(col("s"), Expr::string("")))), "TFTN");
}

TEST(Expression, DoublesOrderNanAboveAllAndZerosEqual) {
  EXPECT_EQ(truths(eval(eq(col("d"), Expr::float64(0.0)))), "TFTN");
  EXPECT_EQ(truths(eval(gt(col("d"), Expr::float64(std::numeric_limits<double>::infinity())))),
            "FTFN");
  EXPECT_EQ(truths(eval(eq(col("d"), Expr::float64(std::nan(""))))), "FTFN");
}

TEST(Expression, ThreeValuedLogic) {
  const Expr null_bool = Expr::null_of(DataType::kBool);
  EXPECT_EQ(truths(eval(and_(col("f"), null_bool))), "NFNN");
  EXPECT_EQ(truths(eval(or_(col("f"), null_bool))), "TNTN");
  EXPECT_EQ(truths(eval(not_(col("f")))), "FTFN");
  EXPECT_EQ(truths(eval(is_null(col("s")))), "FFFT");
  EXPECT_EQ(truths(eval(is_not_null(col("s")))), "TTTF");
}

TEST(Expression, LeastAndGreatestSkipNulls) {
  const Column least = eval(Expr::call(Function::kLeast, {col("a"), col("b")}));
  ASSERT_EQ(least.size(), 4u);
  EXPECT_EQ(least.int64_at(0), 1);
  EXPECT_EQ(least.int64_at(1), 5);
  EXPECT_EQ(least.int64_at(2), -4);
  EXPECT_TRUE(least.is_null(3));
  const Column greatest =
      eval(Expr::call(Function::kGreatest, {col("a"), Expr::null_of(DataType::kInt64)}));
  EXPECT_EQ(greatest.int64_at(2), -3);
  EXPECT_TRUE(greatest.is_null(3));
  const Column with_literal = eval(Expr::call(Function::kLeast, {col("a"), Expr::int64(0)}));
  EXPECT_EQ(with_literal.int64_at(0), 0);
  EXPECT_EQ(with_literal.int64_at(3), 0);  // null skipped
}

TEST(Expression, CoalesceIfConcatToDate) {
  const Column coalesced = eval(Expr::call(Function::kCoalesce, {col("s"), Expr::string("?")}));
  EXPECT_EQ(coalesced.string_at(1), "");
  EXPECT_EQ(coalesced.string_at(3), "?");
  const Column chosen = eval(if_(col("f"), col("a"), col("b")));
  EXPECT_EQ(chosen.int64_at(0), 1);
  EXPECT_EQ(chosen.int64_at(1), 5);
  EXPECT_TRUE(chosen.is_null(3));  // null condition: the else branch, null here
  const Column joined =
      eval(Expr::call(Function::kConcat, {col("s"), Expr::string("-"), col("s")}));
  EXPECT_EQ(joined.string_at(0), "x-x");
  EXPECT_EQ(joined.string_at(1), "-");
  EXPECT_TRUE(joined.is_null(3));
  const Column dates = eval(Expr::call(Function::kToDate, {col("t")}));
  EXPECT_EQ(dates.type(), DataType::kDate);
  EXPECT_EQ(dates.int32_at(0), 0);
  EXPECT_EQ(dates.int32_at(1), -1);  // one microsecond before the epoch
  EXPECT_EQ(dates.int32_at(2), 3);
  EXPECT_TRUE(dates.is_null(3));
}

TEST(Expression, BindNamesTheUnknownColumn) {
  auto bound = bind(eq(col("nope"), Expr::int64(1)), sample().schema());
  ASSERT_FALSE(bound.is_ok());
  EXPECT_NE(bound.status().message().find("'nope'"), std::string::npos);
  EXPECT_NE(bound.status().message().find("a, b, s"), std::string::npos);
}

TEST(Expression, BindRefusesMixedTypes) {
  auto bound = bind(eq(col("a"), Expr::int32(1)), sample().schema());
  ASSERT_FALSE(bound.is_ok());
  EXPECT_NE(bound.status().message().find("long, int"), std::string::npos)
      << bound.status().message();
  EXPECT_FALSE(bind(and_(col("a"), col("f")), sample().schema()).is_ok());
  EXPECT_FALSE(bind(Expr::call(Function::kToDate, {col("a")}), sample().schema()).is_ok());
  EXPECT_FALSE(bind(Expr::call(Function::kIf, {col("f"), col("a")}), sample().schema()).is_ok());
}

TEST(Expression, ToSqlRendersLikeSpark) {
  const Expr e = and_(ge(col("s.d"), col("t.d")),
                      eq(col("t.name"), Expr::string("it's")));
  EXPECT_EQ(e.to_sql(), "((s.d >= t.d) AND (t.name = 'it\\'s'))");
  EXPECT_EQ(Expr::call(Function::kLeast, {col("a"), Expr::date(0)}).to_sql(),
            "least(a, DATE '1970-01-01')");
  EXPECT_EQ(is_null(col("a")).to_sql(), "(a IS NULL)");
}

TEST(Expression, ReferencedColumnsOnceInOrder) {
  const Expr e = and_(ge(col("b"), col("a")), eq(col("b"), col("c")));
  EXPECT_EQ(referenced_columns(e), (std::vector<std::string>{"b", "a", "c"}));
}

}  // namespace
}  // namespace medallion::columnar
