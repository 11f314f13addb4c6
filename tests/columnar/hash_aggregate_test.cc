#include "columnar/hash_aggregate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "column_builders.h"
#include "columnar/record_batch.h"
#include "columnar/schema.h"

namespace medallion::columnar {
namespace {

using util::StatusCode;
using Ints = std::vector<std::optional<int64_t>>;
using Strings = std::vector<std::optional<std::string>>;

using testing::doubles;
using testing::int64s;
using testing::int64s_of;
using testing::make_batch;
using testing::strings;
using testing::strings_of;

// (g string, v long, s string, d double)
RecordBatch events(const Strings& g, const Ints& v, const Strings& s = {},
                   const std::vector<std::optional<double>>& d = {}) {
  const size_t rows = g.size();
  return make_batch(Schema({{"g", DataType::kString, true, {}},
                            {"v", DataType::kInt64, true, {}},
                            {"s", DataType::kString, true, {}},
                            {"d", DataType::kDouble, true, {}}}),
                    {strings(g), int64s(v), strings(s.empty() ? Strings(rows, "") : s),
                     doubles(d.empty() ? std::vector<std::optional<double>>(rows, 0.0) : d)});
}

RecordBatch aggregate(const RecordBatch& in, const std::vector<size_t>& group_by,
                      const std::vector<Aggregate>& aggs) {
  auto out = hash_aggregate(in, group_by, aggs);
  EXPECT_TRUE(out.is_ok()) << out.status().to_string();
  return out.is_ok() ? std::move(out).value() : RecordBatch();
}

TEST(HashAggregate, GroupsInOrderOfFirstAppearance) {
  const RecordBatch in = events({"b", "a", "b", "c", "a"}, {1, 2, 3, 4, 5});
  const RecordBatch out = aggregate(in, {0}, {{AggregateKind::kCount, 0, 0, "n"}});
  EXPECT_EQ(strings_of(out.column(0)), (Strings{"b", "a", "c"}));
  EXPECT_EQ(int64s_of(out.column(1)), (Ints{2, 2, 1}));
}

TEST(HashAggregate, OutputSchema) {
  const RecordBatch in = events({"a"}, {1});
  const RecordBatch out = aggregate(in, {0},
                                    {{AggregateKind::kCount, 0, 0, "n"},
                                     {AggregateKind::kSum, 3, 0, "total"},
                                     {AggregateKind::kMaxBy, 2, 1, "latest_s"}});
  ASSERT_EQ(out.schema().size(), 4u);
  EXPECT_EQ(out.schema().field(0).name, "g");
  EXPECT_EQ(out.schema().field(0).type, DataType::kString);
  EXPECT_EQ(out.schema().field(1).name, "n");
  EXPECT_EQ(out.schema().field(1).type, DataType::kInt64);
  EXPECT_FALSE(out.schema().field(1).nullable);
  EXPECT_EQ(out.schema().field(2).type, DataType::kDouble);
  EXPECT_EQ(out.schema().field(3).type, DataType::kString);
  EXPECT_EQ(out.schema().field(3).name, "latest_s");
}

TEST(HashAggregate, NullsGroupTogether) {
  const RecordBatch in = events({std::nullopt, "a", std::nullopt}, {1, 2, 3});
  const RecordBatch out = aggregate(in, {0}, {{AggregateKind::kSum, 1, 0, "sum"}});
  EXPECT_EQ(strings_of(out.column(0)), (Strings{std::nullopt, "a"}));
  EXPECT_EQ(int64s_of(out.column(1)), (Ints{4, 2}));
}

TEST(HashAggregate, EmptyStringIsNotNull) {
  const RecordBatch in = events({"", std::nullopt, ""}, {1, 2, 3});
  const RecordBatch out = aggregate(in, {0}, {{AggregateKind::kCount, 0, 0, "n"}});
  EXPECT_EQ(strings_of(out.column(0)), (Strings{"", std::nullopt}));
  EXPECT_EQ(int64s_of(out.column(1)), (Ints{2, 1}));
}

TEST(HashAggregate, EmptyInputWithGroupsHasNoRows) {
  const RecordBatch in = events({}, {});
  const RecordBatch out = aggregate(in, {0}, {{AggregateKind::kCount, 0, 0, "n"}});
  EXPECT_EQ(out.num_rows(), 0u);
  EXPECT_EQ(out.num_columns(), 2u);
}

TEST(HashAggregate, NoGroupColumnsIsOneRow) {
  const RecordBatch in = events({"a", "b"}, {1, std::nullopt});
  const RecordBatch out = aggregate(in, {}, {{AggregateKind::kCount, 0, 0, "n"}, {AggregateKind::kSum, 1, 0, "s"}});
  ASSERT_EQ(out.num_columns(), 2u);
  EXPECT_EQ(int64s_of(out.column(0)), (Ints{2}));
  EXPECT_EQ(int64s_of(out.column(1)), (Ints{1}));
}

TEST(HashAggregate, NoGroupColumnsOverEmptyInputIsOneRow) {
  const RecordBatch in = events({}, {});
  const RecordBatch out = aggregate(in, {},
                                    {{AggregateKind::kCount, 0, 0, "n"},
                                     {AggregateKind::kMax, 1, 0, "m"},
                                     {AggregateKind::kSum, 1, 0, "s"}});
  EXPECT_EQ(int64s_of(out.column(0)), (Ints{0}));
  EXPECT_EQ(int64s_of(out.column(1)), (Ints{std::nullopt}));
  EXPECT_EQ(int64s_of(out.column(2)), (Ints{std::nullopt}));
}

TEST(HashAggregate, CountAndCountValid) {
  const RecordBatch in = events({"a", "a", "a", "b"}, {1, std::nullopt, 3, std::nullopt});
  const RecordBatch out =
      aggregate(in, {0}, {{AggregateKind::kCount, 1, 0, "rows"}, {AggregateKind::kCountValid, 1, 0, "values"}});
  EXPECT_EQ(int64s_of(out.column(1)), (Ints{3, 1}));
  EXPECT_EQ(int64s_of(out.column(2)), (Ints{2, 0}));
}

TEST(HashAggregate, MinMaxSkipNulls) {
  const RecordBatch in = events({"a", "a", "a", "b"}, {5, std::nullopt, -2, std::nullopt});
  const RecordBatch out =
      aggregate(in, {0}, {{AggregateKind::kMin, 1, 0, "lo"}, {AggregateKind::kMax, 1, 0, "hi"}});
  EXPECT_EQ(int64s_of(out.column(1)), (Ints{-2, std::nullopt}));
  EXPECT_EQ(int64s_of(out.column(2)), (Ints{5, std::nullopt}));
}

TEST(HashAggregate, MinMaxStringsByUnsignedBytes) {
  const RecordBatch in = events({"a", "a", "a", "a"}, {0, 0, 0, 0}, {"b", "\xc3\xa9", "ab", "B"});
  const RecordBatch out =
      aggregate(in, {0}, {{AggregateKind::kMin, 2, 0, "lo"}, {AggregateKind::kMax, 2, 0, "hi"}});
  EXPECT_EQ(strings_of(out.column(1)), (Strings{"B"}));
  EXPECT_EQ(strings_of(out.column(2)), (Strings{"\xc3\xa9"}));
}

TEST(HashAggregate, MinMaxDoublesNaNAboveEverything) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const RecordBatch in = events({"a", "a", "a", "b", "b"}, {0, 0, 0, 0, 0}, {}, {inf, nan, -inf, nan, nan});
  const RecordBatch out =
      aggregate(in, {0}, {{AggregateKind::kMin, 3, 0, "lo"}, {AggregateKind::kMax, 3, 0, "hi"}});
  EXPECT_EQ(out.column(1).double_at(0), -inf);
  EXPECT_TRUE(std::isnan(out.column(2).double_at(0)));
  EXPECT_TRUE(std::isnan(out.column(1).double_at(1)));
  EXPECT_TRUE(std::isnan(out.column(2).double_at(1)));
}

TEST(HashAggregate, MinMaxBoolsDatesAndTimestamps) {
  RecordBatch in(Schema({{"b", DataType::kBool, true, {}},
                         {"day", DataType::kDate, true, {}},
                         {"ts", DataType::kTimestamp, true, {}},
                         {"i", DataType::kInt32, true, {}}}));
  for (int v : {1, 0, 2}) {
    in.column(0).append_bool(v == 1);
    in.column(1).append_int32(19000 + v);
    in.column(2).append_int64(int64_t{v} * 1'000'000 - 5);
    in.column(3).append_int32(-v);
  }
  std::vector<Aggregate> aggs;
  for (size_t c = 0; c < 4; ++c) {
    aggs.push_back({AggregateKind::kMin, c, 0, "min" + std::to_string(c)});
    aggs.push_back({AggregateKind::kMax, c, 0, "max" + std::to_string(c)});
  }
  const RecordBatch out = aggregate(in, {}, aggs);
  EXPECT_FALSE(out.column(0).bool_at(0));
  EXPECT_TRUE(out.column(1).bool_at(0));
  EXPECT_EQ(out.column(2).type(), DataType::kDate);
  EXPECT_EQ(out.column(2).int32_at(0), 19000);
  EXPECT_EQ(out.column(3).int32_at(0), 19002);
  EXPECT_EQ(out.column(4).type(), DataType::kTimestamp);
  EXPECT_EQ(out.column(4).int64_at(0), -5);
  EXPECT_EQ(out.column(5).int64_at(0), 1'999'995);
  EXPECT_EQ(out.column(6).int32_at(0), -2);
  EXPECT_EQ(out.column(7).int32_at(0), 0);
}

TEST(HashAggregate, SumIntsToLong) {
  RecordBatch in(Schema({{"i", DataType::kInt32, true, {}}}));
  in.column(0).append_int32(std::numeric_limits<int32_t>::max());
  in.column(0).append_int32(std::numeric_limits<int32_t>::max());
  in.column(0).append_null();
  const RecordBatch out = aggregate(in, {}, {{AggregateKind::kSum, 0, 0, "s"}});
  EXPECT_EQ(out.column(0).type(), DataType::kInt64);
  EXPECT_EQ(int64s_of(out.column(0)), (Ints{int64_t{2} * std::numeric_limits<int32_t>::max()}));
}

TEST(HashAggregate, SumLongWrapsOnOverflow) {
  const RecordBatch in = events({"a", "a"}, {std::numeric_limits<int64_t>::max(), 1});
  const RecordBatch out = aggregate(in, {}, {{AggregateKind::kSum, 1, 0, "s"}});
  EXPECT_EQ(int64s_of(out.column(0)), (Ints{std::numeric_limits<int64_t>::min()}));
}

TEST(HashAggregate, SumOfOnlyNullsIsNull) {
  const RecordBatch in = events({"a", "b", "a"}, {std::nullopt, 2, std::nullopt}, {}, {std::nullopt, 1.5, std::nullopt});
  const RecordBatch out =
      aggregate(in, {0}, {{AggregateKind::kSum, 1, 0, "s"}, {AggregateKind::kSum, 3, 0, "d"}});
  EXPECT_EQ(int64s_of(out.column(1)), (Ints{std::nullopt, 2}));
  EXPECT_TRUE(out.column(2).is_null(0));
  EXPECT_EQ(out.column(2).double_at(1), 1.5);
}

TEST(HashAggregate, SumDoubles) {
  const RecordBatch in = events({"a", "a", "a"}, {0, 0, 0}, {}, {0.5, -2.0, 4.25});
  const RecordBatch out = aggregate(in, {0}, {{AggregateKind::kSum, 3, 0, "d"}});
  EXPECT_EQ(out.column(1).double_at(0), 2.75);
}

TEST(HashAggregate, SumOfStringsIsInvalidArgument) {
  const RecordBatch in = events({"a"}, {1});
  auto out = hash_aggregate(in, {0}, {{AggregateKind::kSum, 2, 0, "bad"}});
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("'s'"), std::string::npos) << out.status().message();
  EXPECT_NE(out.status().message().find("'bad'"), std::string::npos) << out.status().message();
}

TEST(HashAggregate, SumOfTimestampsIsInvalidArgument) {
  RecordBatch in(Schema({{"ts", DataType::kTimestamp, true, {}}}));
  EXPECT_EQ(hash_aggregate(in, {}, {{AggregateKind::kSum, 0, 0, "s"}}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(HashAggregate, FirstSkipsNulls) {
  const RecordBatch in = events({"a", "a", "a", "b"}, {std::nullopt, 7, 8, std::nullopt});
  const RecordBatch out = aggregate(in, {0}, {{AggregateKind::kFirst, 1, 0, "f"}});
  EXPECT_EQ(int64s_of(out.column(1)), (Ints{7, std::nullopt}));
}

TEST(HashAggregate, MinByAndMaxByTakeTheValueAtTheExtremeRow) {
  // by = v; value = s
  const RecordBatch in = events({"a", "a", "a", "a"}, {3, std::nullopt, 1, 9}, {"three", "none", "one", "nine"});
  const RecordBatch out =
      aggregate(in, {0}, {{AggregateKind::kMinBy, 2, 1, "lo"}, {AggregateKind::kMaxBy, 2, 1, "hi"}});
  EXPECT_EQ(strings_of(out.column(1)), (Strings{"one"}));
  EXPECT_EQ(strings_of(out.column(2)), (Strings{"nine"}));
}

TEST(HashAggregate, MinByTiesGoToTheFirstRow) {
  const RecordBatch in = events({"a", "a", "a"}, {2, 1, 1}, {"x", "first", "second"});
  const RecordBatch out =
      aggregate(in, {0}, {{AggregateKind::kMinBy, 2, 1, "lo"}, {AggregateKind::kMaxBy, 2, 1, "hi"}});
  EXPECT_EQ(strings_of(out.column(1)), (Strings{"first"}));
  EXPECT_EQ(strings_of(out.column(2)), (Strings{"x"}));
}

TEST(HashAggregate, MaxByMayReturnANullValue) {
  const RecordBatch in = events({"a", "a"}, {1, 2}, {"low", std::nullopt});
  const RecordBatch out = aggregate(in, {0}, {{AggregateKind::kMaxBy, 2, 1, "hi"}});
  EXPECT_EQ(strings_of(out.column(1)), (Strings{std::nullopt}));
}

TEST(HashAggregate, MinByAllByNullIsNull) {
  const RecordBatch in = events({"a", "a"}, {std::nullopt, std::nullopt}, {"x", "y"});
  const RecordBatch out = aggregate(in, {0}, {{AggregateKind::kMinBy, 2, 1, "lo"}});
  EXPECT_EQ(strings_of(out.column(1)), (Strings{std::nullopt}));
}

TEST(HashAggregate, MaxByNaNIsGreatest) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const RecordBatch in = events({"a", "a", "a"}, {0, 0, 0}, {"inf", "nan", "one"},
                                {std::numeric_limits<double>::infinity(), nan, 1.0});
  const RecordBatch out =
      aggregate(in, {0}, {{AggregateKind::kMaxBy, 2, 3, "hi"}, {AggregateKind::kMinBy, 2, 3, "lo"}});
  EXPECT_EQ(strings_of(out.column(1)), (Strings{"nan"}));
  EXPECT_EQ(strings_of(out.column(2)), (Strings{"one"}));
}

TEST(HashAggregate, DoubleGroupsMergeNegativeZeroAndNaNs) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const RecordBatch in = events({"a", "a", "a", "a", "a"}, {1, 2, 3, 4, 5}, {}, {0.0, nan, -0.0, -nan, 1.0});
  const RecordBatch out = aggregate(in, {3}, {{AggregateKind::kSum, 1, 0, "s"}});
  ASSERT_EQ(out.num_rows(), 3u);
  EXPECT_EQ(out.column(0).double_at(0), 0.0);
  EXPECT_TRUE(std::isnan(out.column(0).double_at(1)));
  EXPECT_EQ(int64s_of(out.column(1)), (Ints{4, 6, 5}));
}

TEST(HashAggregate, MultiColumnGroups) {
  const RecordBatch in = events({"a", "a", "b", "a", std::nullopt}, {1, 2, 1, 1, 1}, {"x", "x", "x", "y", "x"});
  const RecordBatch out = aggregate(in, {0, 2}, {{AggregateKind::kSum, 1, 0, "s"}});
  EXPECT_EQ(strings_of(out.column(0)), (Strings{"a", "b", "a", std::nullopt}));
  EXPECT_EQ(strings_of(out.column(1)), (Strings{"x", "x", "y", "x"}));
  EXPECT_EQ(int64s_of(out.column(2)), (Ints{3, 1, 1, 1}));
}

TEST(HashAggregate, GroupColumnOutOfRange) {
  const RecordBatch in = events({"a"}, {1});
  EXPECT_EQ(hash_aggregate(in, {4}, {}).status().code(), StatusCode::kInvalidArgument);
}

TEST(HashAggregate, AggregateColumnOutOfRange) {
  const RecordBatch in = events({"a"}, {1});
  auto out = hash_aggregate(in, {0}, {{AggregateKind::kMax, 9, 0, "m"}});
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("'m'"), std::string::npos) << out.status().message();
}

TEST(HashAggregate, ByColumnOutOfRange) {
  const RecordBatch in = events({"a"}, {1});
  EXPECT_EQ(hash_aggregate(in, {0}, {{AggregateKind::kMinBy, 1, 9, "m"}}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(HashAggregate, CountIgnoresItsColumnIndex) {
  const RecordBatch in = events({"a"}, {1});
  EXPECT_TRUE(hash_aggregate(in, {0}, {{AggregateKind::kCount, 99, 0, "n"}}).is_ok());
}

TEST(AssignGroups, NumbersGroupsByFirstAppearance) {
  const RecordBatch in = events({"x", "y", "x", std::nullopt, "y"}, {0, 0, 0, 0, 0});
  std::vector<uint32_t> group_of;
  std::vector<int64_t> first_rows;
  ASSERT_TRUE(assign_groups(in, {0}, &group_of, &first_rows).is_ok());
  EXPECT_EQ(group_of, (std::vector<uint32_t>{0, 1, 0, 2, 1}));
  EXPECT_EQ(first_rows, (std::vector<int64_t>{0, 1, 3}));
}

TEST(AssignGroups, NoGroupColumns) {
  const RecordBatch in = events({"x", "y"}, {0, 0});
  std::vector<uint32_t> group_of;
  std::vector<int64_t> first_rows{42};
  ASSERT_TRUE(assign_groups(in, {}, &group_of, &first_rows).is_ok());
  EXPECT_EQ(group_of, (std::vector<uint32_t>{0, 0}));
  EXPECT_EQ(first_rows, (std::vector<int64_t>{0}));
}

// Many groups (the table grows several times) with nulls, against a
// std::map reference for every aggregate kind.
// Every aggregate over random groups, against a std::map reference.
void expect_random_matches_map_reference(size_t rows) {
  std::mt19937_64 rng(777);
  Strings g;
  Ints v;
  Strings s;
  for (size_t r = 0; r < rows; ++r) {
    g.push_back(rng() % 100 == 0 ? std::nullopt : std::optional("k" + std::to_string(rng() % 5000)));
    v.push_back(rng() % 10 == 0 ? std::nullopt : std::optional(static_cast<int64_t>(rng() % 2001) - 1000));
    s.push_back(rng() % 7 == 0 ? std::nullopt : std::optional(std::to_string(rng() % 100000)));
  }
  const RecordBatch in = events(g, v, s);
  const RecordBatch out = aggregate(in, {0},
                                    {{AggregateKind::kCount, 0, 0, "n"},
                                     {AggregateKind::kCountValid, 1, 0, "nv"},
                                     {AggregateKind::kMin, 1, 0, "min"},
                                     {AggregateKind::kMax, 2, 0, "max_s"},
                                     {AggregateKind::kSum, 1, 0, "sum"},
                                     {AggregateKind::kFirst, 2, 0, "first_s"},
                                     {AggregateKind::kMinBy, 2, 1, "s_at_min"},
                                     {AggregateKind::kMaxBy, 2, 1, "s_at_max"}});
  struct Ref {
    size_t order = 0;
    int64_t n = 0, nv = 0;
    std::optional<int64_t> min, sum, best_min_v, best_max_v;
    std::optional<std::string> max_s, first_s, s_at_min, s_at_max;
  };
  std::map<std::optional<std::string>, Ref> ref;
  for (size_t r = 0; r < rows; ++r) {
    auto [it, fresh] = ref.try_emplace(g[r]);
    Ref& x = it->second;
    if (fresh) x.order = ref.size() - 1;
    ++x.n;
    if (v[r]) {
      ++x.nv;
      x.min = x.min ? std::min(*x.min, *v[r]) : *v[r];
      x.sum = x.sum.value_or(0) + *v[r];
      if (!x.best_min_v || *v[r] < *x.best_min_v) {
        x.best_min_v = v[r];
        x.s_at_min = s[r];
      }
      if (!x.best_max_v || *v[r] > *x.best_max_v) {
        x.best_max_v = v[r];
        x.s_at_max = s[r];
      }
    }
    if (s[r]) {
      if (!x.max_s || *s[r] > *x.max_s) x.max_s = s[r];
      if (!x.first_s) x.first_s = s[r];
    }
  }
  ASSERT_EQ(out.num_rows(), ref.size());
  const Strings groups = strings_of(out.column(0));
  const Ints n = int64s_of(out.column(1)), nv = int64s_of(out.column(2)), mn = int64s_of(out.column(3));
  const Strings max_s = strings_of(out.column(4));
  const Ints sum = int64s_of(out.column(5));
  const Strings first_s = strings_of(out.column(6)), at_min = strings_of(out.column(7)),
                at_max = strings_of(out.column(8));
  for (size_t i = 0; i < groups.size(); ++i) {
    const Ref& x = ref.at(groups[i]);
    EXPECT_EQ(x.order, i);
    EXPECT_EQ(n[i], x.n);
    EXPECT_EQ(nv[i], x.nv);
    EXPECT_EQ(mn[i], x.min);
    EXPECT_EQ(max_s[i], x.max_s);
    EXPECT_EQ(sum[i], x.sum);
    EXPECT_EQ(first_s[i], x.first_s);
    EXPECT_EQ(at_min[i], x.s_at_min);
    EXPECT_EQ(at_max[i], x.s_at_max);
  }
}

TEST(HashAggregate, RandomMatchesMapReference) { expect_random_matches_map_reference(60000); }

// From 64k rows on, the output columns are computed at once on the CPU pool.
TEST(HashAggregate, RandomMatchesMapReferenceWhenComputedOnThePool) {
  expect_random_matches_map_reference(150000);
}

}  // namespace
}  // namespace medallion::columnar
