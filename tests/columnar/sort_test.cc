#include "columnar/sort.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "column_builders.h"
#include "columnar/record_batch.h"
#include "columnar/schema.h"
#include "columnar/take.h"

namespace medallion::columnar {
namespace {

using Order = std::vector<int64_t>;

using testing::int64_batch;
using testing::string_batch;

TEST(SortIndices, EmptyBatch) {
  EXPECT_TRUE(sort_indices(int64_batch({}), {{0}}).empty());
  EXPECT_TRUE(sort_indices(RecordBatch(), {}).empty());
}

TEST(SortIndices, NoKeysKeepsInputOrder) {
  EXPECT_EQ(sort_indices(int64_batch({3, 1, 2}), {}), (Order{0, 1, 2}));
}

TEST(SortIndices, AscendingIsStable) {
  EXPECT_EQ(sort_indices(int64_batch({3, 1, 3, 1, 2}), {{0}}), (Order{1, 3, 4, 0, 2}));
}

TEST(SortIndices, DescendingIsStable) {
  EXPECT_EQ(sort_indices(int64_batch({3, 1, 3, 1, 2}), {{0, true, true}}), (Order{0, 2, 4, 1, 3}));
}

TEST(SortIndices, ExtremeInts) {
  const int64_t lo = std::numeric_limits<int64_t>::min();
  const int64_t hi = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(sort_indices(int64_batch({hi, 0, lo, -1, 1}), {{0}}), (Order{2, 3, 1, 4, 0}));
}

TEST(SortIndices, NullsFirstByDefault) {
  EXPECT_EQ(sort_indices(int64_batch({2, std::nullopt, 1, std::nullopt}), {{0}}), (Order{1, 3, 2, 0}));
}

TEST(SortIndices, NullsLast) {
  EXPECT_EQ(sort_indices(int64_batch({2, std::nullopt, 1, std::nullopt}), {{0, false, false}}),
            (Order{2, 0, 1, 3}));
}

TEST(SortIndices, DescendingNullsLast) {
  EXPECT_EQ(sort_indices(int64_batch({2, std::nullopt, 1, 3}), {{0, true, false}}), (Order{3, 0, 2, 1}));
}

TEST(SortIndices, DescendingNullsFirst) {
  EXPECT_EQ(sort_indices(int64_batch({2, std::nullopt, 1, 3}), {{0, true, true}}), (Order{1, 3, 0, 2}));
}

TEST(SortIndices, DoublesNaNLastAndNegativeZeroEqualsZero) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  RecordBatch b(Schema({{"d", DataType::kDouble, true, {}}}));
  for (double v : {nan, 0.0, -inf, -nan, -0.0, inf, -1.5, 1e-300}) b.column(0).append_double(v);
  b.column(0).append_null();
  // 0.0 (row 1) and -0.0 (row 4) tie and keep input order; NaNs tie too.
  EXPECT_EQ(sort_indices(b, {{0}}), (Order{8, 2, 6, 1, 4, 7, 5, 0, 3}));
  EXPECT_EQ(sort_indices(b, {{0, true, false}}), (Order{0, 3, 5, 7, 1, 4, 6, 2, 8}));
}

TEST(SortIndices, StringsByUnsignedBytes) {
  const RecordBatch b = string_batch({"b", "\xc3\xa9", "", "B", "ab", std::nullopt, "a"});
  EXPECT_EQ(sort_indices(b, {{0}}), (Order{5, 2, 3, 6, 4, 0, 1}));
  EXPECT_EQ(sort_indices(b, {{0, true, false}}), (Order{1, 0, 4, 6, 3, 2, 5}));
}

TEST(SortIndices, StringsWithEmbeddedZeroBytes) {
  const RecordBatch b = string_batch({std::string("a\0b", 3), "a", std::string("a\0", 2)});
  EXPECT_EQ(sort_indices(b, {{0}}), (Order{1, 2, 0}));
}

TEST(SortIndices, BoolsFalseFirst) {
  RecordBatch b(Schema({{"b", DataType::kBool, true, {}}}));
  b.column(0).append_bool(true);
  b.column(0).append_bool(false);
  b.column(0).append_null();
  b.column(0).append_bool(false);
  EXPECT_EQ(sort_indices(b, {{0}}), (Order{2, 1, 3, 0}));
}

TEST(SortIndices, Int32DatesAndTimestamps) {
  RecordBatch b(Schema({{"i", DataType::kInt32, true, {}},
                        {"day", DataType::kDate, true, {}},
                        {"ts", DataType::kTimestamp, true, {}}}));
  for (int v : {5, -3, 0}) {
    b.column(0).append_int32(v);
    b.column(1).append_int32(v);
    b.column(2).append_int64(int64_t{v} * 86'400'000'000);
  }
  for (size_t c = 0; c < 3; ++c) EXPECT_EQ(sort_indices(b, {{c}}), (Order{1, 2, 0})) << c;
}

TEST(SortIndices, MultipleKeysMixedDirections) {
  RecordBatch b(Schema({{"s", DataType::kString, true, {}}, {"n", DataType::kInt64, true, {}}}));
  const std::vector<std::pair<std::optional<std::string>, std::optional<int64_t>>> rows{
      {"b", 1}, {"a", 2}, {"b", 3}, {"a", std::nullopt}, {std::nullopt, 5}, {"a", 2}};
  for (const auto& [s, n] : rows) {
    if (s) {
      b.column(0).append_string(*s);
    } else {
      b.column(0).append_null();
    }
    if (n) {
      b.column(1).append_int64(*n);
    } else {
      b.column(1).append_null();
    }
  }
  // s ASC NULLS LAST, n DESC NULLS FIRST.
  EXPECT_EQ(sort_indices(b, {{0, false, false}, {1, true, true}}), (Order{3, 1, 5, 2, 0, 4}));
}

TEST(SortIndices, SortedBatchThroughTake) {
  const RecordBatch b = string_batch({"c", "a", "b"});
  const RecordBatch sorted = take(b, sort_indices(b, {{0}}));
  EXPECT_EQ(sorted.column(0).string_at(0), "a");
  EXPECT_EQ(sorted.column(0).string_at(2), "c");
}

// Random two-key batches against std::stable_sort over a naive comparator.
TEST(SortIndices, RandomMatchesStableSortReference) {
  std::mt19937_64 rng(99);
  for (const bool desc0 : {false, true}) {
    for (const bool nulls_first : {false, true}) {
      RecordBatch b(Schema({{"d", DataType::kDouble, true, {}}, {"s", DataType::kString, true, {}}}));
      const size_t rows = 5000;
      std::vector<std::optional<double>> d;
      std::vector<std::optional<std::string>> s;
      for (size_t r = 0; r < rows; ++r) {
        const uint64_t x = rng() % 40;
        d.push_back(x == 0   ? std::nullopt
                    : x == 1 ? std::optional(std::numeric_limits<double>::quiet_NaN())
                    : x == 2 ? std::optional(-0.0)
                             : std::optional(static_cast<double>(x % 13) - 6.0));
        s.push_back(rng() % 20 == 0 ? std::nullopt : std::optional(std::to_string(rng() % 50)));
        if (d.back()) {
          b.column(0).append_double(*d.back());
        } else {
          b.column(0).append_null();
        }
        if (s.back()) {
          b.column(1).append_string(*s.back());
        } else {
          b.column(1).append_null();
        }
      }
      // <0, 0, >0 in the order of the header, nulls excluded.
      const auto cmp_double = [](double x, double y) {
        if (std::isnan(x) || std::isnan(y)) return std::isnan(x) == std::isnan(y) ? 0 : (std::isnan(x) ? 1 : -1);
        return x < y ? -1 : (x > y ? 1 : 0);
      };
      Order want(rows);
      std::iota(want.begin(), want.end(), int64_t{0});
      std::stable_sort(want.begin(), want.end(), [&](int64_t a, int64_t c) {
        if (d[a].has_value() != d[c].has_value()) return d[a].has_value() != nulls_first;
        if (d[a]) {
          int k = cmp_double(*d[a], *d[c]);
          if (desc0) k = -k;
          if (k != 0) return k < 0;
        }
        if (s[a].has_value() != s[c].has_value()) return !s[a].has_value();  // NULLS FIRST
        if (s[a] && *s[a] != *s[c]) return *s[a] < *s[c];
        return false;
      });
      EXPECT_EQ(sort_indices(b, {{0, desc0, nulls_first}, {1}}), want) << desc0 << nulls_first;
      // The single fixed-width key path.
      Order want_one(rows);
      std::iota(want_one.begin(), want_one.end(), int64_t{0});
      std::stable_sort(want_one.begin(), want_one.end(), [&](int64_t a, int64_t c) {
        if (d[a].has_value() != d[c].has_value()) return d[a].has_value() != nulls_first;
        if (!d[a]) return false;
        const int k = cmp_double(*d[a], *d[c]);
        return desc0 ? k > 0 : k < 0;
      });
      EXPECT_EQ(sort_indices(b, {{0, desc0, nulls_first}}), want_one) << desc0 << nulls_first;
    }
  }
}

// Random strings built to stress the first-key word: a long shared prefix,
// bytes 0x00/0xff, lengths around 7 and 8 past the prefix, many ties; then a
// second int key. Checked against std::stable_sort on std::string.
TEST(SortIndices, RandomStringsMatchStableSortReference) {
  std::mt19937_64 rng(4242);
  const std::string alphabet("\x00\x01a\x7f\x80\xff", 6);
  for (const bool desc : {false, true}) {
    for (const bool shared_prefix : {false, true}) {
      RecordBatch b(Schema({{"s", DataType::kString, true, {}}, {"n", DataType::kInt32, true, {}}}));
      std::vector<std::optional<std::string>> s;
      std::vector<int32_t> n;
      for (size_t r = 0; r < 4000; ++r) {
        if (rng() % 25 == 0) {
          s.push_back(std::nullopt);
          b.column(0).append_null();
        } else {
          std::string v = shared_prefix ? "common-prefix/" : "";
          const size_t len = rng() % 11;
          for (size_t i = 0; i < len; ++i) v.push_back(alphabet[rng() % (i < 6 ? 2 : alphabet.size())]);
          s.push_back(v);
          b.column(0).append_string(v);
        }
        n.push_back(static_cast<int32_t>(rng() % 3));
        b.column(1).append_int32(n.back());
      }
      Order want(s.size());
      std::iota(want.begin(), want.end(), int64_t{0});
      std::stable_sort(want.begin(), want.end(), [&](int64_t a, int64_t c) {
        if (s[a].has_value() != s[c].has_value()) return !s[a].has_value();
        if (s[a] && *s[a] != *s[c]) return desc ? *s[a] > *s[c] : *s[a] < *s[c];
        return n[a] < n[c];
      });
      EXPECT_EQ(sort_indices(b, {{0, desc, true}, {1}}), want) << desc << shared_prefix;
    }
  }
}

}  // namespace
}  // namespace medallion::columnar
