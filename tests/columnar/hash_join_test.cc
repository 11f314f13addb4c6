#include "columnar/hash_join.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "column_builders.h"
#include "columnar/record_batch.h"
#include "columnar/schema.h"

namespace medallion::columnar {
namespace {

using util::StatusCode;
using Pairs = std::vector<std::pair<uint32_t, uint32_t>>;

using testing::double_batch;
using testing::int64_batch;
using testing::string_batch;

Pairs pairs_of(const JoinMatches& m) {
  EXPECT_EQ(m.probe_rows.size(), m.build_rows.size());
  Pairs out;
  for (size_t i = 0; i < m.probe_rows.size(); ++i) out.emplace_back(m.probe_rows[i], m.build_rows[i]);
  return out;
}

Pairs join(const RecordBatch& build, const std::vector<size_t>& build_keys, const RecordBatch& probe,
           const std::vector<size_t>& probe_keys) {
  auto index = JoinIndex::build(build, build_keys);
  EXPECT_TRUE(index.is_ok()) << index.status().to_string();
  if (!index.is_ok()) return {};
  JoinMatches m;
  const util::Status st = index->probe(probe, probe_keys, &m);
  EXPECT_TRUE(st.is_ok()) << st.to_string();
  return pairs_of(m);
}

TEST(JoinIndex, EmptyBuild) {
  const RecordBatch build = int64_batch({});
  auto index = JoinIndex::build(build, {0});
  ASSERT_TRUE(index.is_ok());
  EXPECT_EQ(index->indexed_rows(), 0u);
  EXPECT_FALSE(index->has_duplicate_keys());
  JoinMatches m;
  ASSERT_TRUE(index->probe(int64_batch({1, 2}), {0}, &m).is_ok());
  EXPECT_TRUE(m.probe_rows.empty());
}

TEST(JoinIndex, EmptyProbe) {
  EXPECT_TRUE(join(int64_batch({1, 2}), {0}, int64_batch({}), {0}).empty());
}

TEST(JoinIndex, UniqueKeys) {
  const RecordBatch build = int64_batch({10, 20, 30});
  const RecordBatch probe = int64_batch({30, 40, 10, 10});
  EXPECT_EQ(join(build, {0}, probe, {0}), (Pairs{{0, 2}, {2, 0}, {3, 0}}));
}

TEST(JoinIndex, DuplicateBuildKeysInAscendingOrder) {
  const RecordBatch build = int64_batch({7, 8, 7, 7, 8});
  auto index = JoinIndex::build(build, {0});
  ASSERT_TRUE(index.is_ok());
  EXPECT_TRUE(index->has_duplicate_keys());
  EXPECT_EQ(index->indexed_rows(), 5u);
  JoinMatches m;
  ASSERT_TRUE(index->probe(int64_batch({8, 7}), {0}, &m).is_ok());
  EXPECT_EQ(pairs_of(m), (Pairs{{0, 1}, {0, 4}, {1, 0}, {1, 2}, {1, 3}}));
}

TEST(JoinIndex, DuplicatesOnlyAmongNullKeysDoNotCount) {
  const RecordBatch build = int64_batch({std::nullopt, 1, std::nullopt});
  auto index = JoinIndex::build(build, {0});
  ASSERT_TRUE(index.is_ok());
  EXPECT_FALSE(index->has_duplicate_keys());
  EXPECT_EQ(index->indexed_rows(), 1u);
}

TEST(JoinIndex, NullKeysNeverMatch) {
  const RecordBatch build = int64_batch({std::nullopt, 1, std::nullopt});
  const RecordBatch probe = int64_batch({std::nullopt, 1});
  EXPECT_EQ(join(build, {0}, probe, {0}), (Pairs{{1, 1}}));
}

TEST(JoinIndex, NullInOneOfTwoKeyColumnsNeverMatches) {
  RecordBatch b(Schema({{"a", DataType::kString, true, {}}, {"n", DataType::kInt32, true, {}}}));
  b.column(0).append_string("x");
  b.column(1).append_null();
  b.column(0).append_string("x");
  b.column(1).append_int32(1);
  b.column(0).append_null();
  b.column(1).append_int32(1);
  EXPECT_EQ(join(b, {0, 1}, b, {0, 1}), (Pairs{{1, 1}}));
}

TEST(JoinIndex, MultiColumnKeysAcrossDifferentLayouts) {
  RecordBatch build(Schema({{"tenant", DataType::kString, true, {}}, {"id", DataType::kInt64, true, {}}}));
  RecordBatch probe(Schema({{"id2", DataType::kInt64, true, {}},
                            {"payload", DataType::kDouble, true, {}},
                            {"tenant2", DataType::kString, true, {}}}));
  const std::vector<std::pair<std::string, int64_t>> build_rows{{"a", 1}, {"b", 1}, {"a", 2}};
  for (const auto& [t, id] : build_rows) {
    build.column(0).append_string(t);
    build.column(1).append_int64(id);
  }
  const std::vector<std::pair<std::string, int64_t>> probe_rows{{"b", 1}, {"a", 1}, {"b", 2}};
  for (const auto& [t, id] : probe_rows) {
    probe.column(0).append_int64(id);
    probe.column(1).append_double(0);
    probe.column(2).append_string(t);
  }
  EXPECT_EQ(join(build, {0, 1}, probe, {2, 0}), (Pairs{{0, 1}, {1, 0}}));
}

TEST(JoinIndex, StringKeysCompareWholeValues) {
  const RecordBatch build = string_batch({"", "a", "ab", std::string("a\0", 2), "é"});
  const RecordBatch probe = string_batch({"ab", "a", std::string("a\0", 2), "", "b", "é"});
  EXPECT_EQ(join(build, {0}, probe, {0}), (Pairs{{0, 2}, {1, 1}, {2, 3}, {3, 0}, {5, 4}}));
}

TEST(JoinIndex, DoublesNaNMatchesNaNAndNegativeZeroMatchesZero) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const RecordBatch build = double_batch({0.0, nan, 1.5});
  const RecordBatch probe = double_batch({-0.0, -nan, 1.5, 2.0});
  EXPECT_EQ(join(build, {0}, probe, {0}), (Pairs{{0, 0}, {1, 1}, {2, 2}}));
}

TEST(JoinIndex, EveryTypeJoins) {
  RecordBatch b(Schema({{"b", DataType::kBool, true, {}},
                        {"i", DataType::kInt32, true, {}},
                        {"day", DataType::kDate, true, {}},
                        {"ts", DataType::kTimestamp, true, {}}}));
  for (int v : {0, 1, 0}) {
    b.column(0).append_bool(v != 0);
    b.column(1).append_int32(v - 5);
    b.column(2).append_int32(v + 19000);
    b.column(3).append_int64(int64_t{v} << 40);
  }
  for (size_t c = 0; c < 4; ++c) {
    EXPECT_EQ(join(b, {c}, b, {c}), (Pairs{{0, 0}, {0, 2}, {1, 1}, {2, 0}, {2, 2}})) << c;
  }
}

TEST(JoinIndex, ProbeAppendsToExistingMatches) {
  const RecordBatch build = int64_batch({1});
  auto index = JoinIndex::build(build, {0});
  ASSERT_TRUE(index.is_ok());
  JoinMatches m;
  m.probe_rows.push_back(99);
  m.build_rows.push_back(98);
  ASSERT_TRUE(index->probe(int64_batch({1}), {0}, &m).is_ok());
  EXPECT_EQ(pairs_of(m), (Pairs{{99, 98}, {0, 0}}));
}

TEST(JoinIndex, TypeMismatchNamesBothColumns) {
  const RecordBatch build = int64_batch({1}, "target_id");
  RecordBatch probe(Schema({{"source_id", DataType::kInt32, true, {}}}));
  probe.column(0).append_int32(1);
  auto index = JoinIndex::build(build, {0});
  ASSERT_TRUE(index.is_ok());
  JoinMatches m;
  const util::Status st = index->probe(probe, {0}, &m);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("target_id"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("source_id"), std::string::npos) << st.message();
  EXPECT_TRUE(m.probe_rows.empty());
}

TEST(JoinIndex, ProbeKeyCountMismatch) {
  const RecordBatch build = int64_batch({1});
  auto index = JoinIndex::build(build, {0});
  ASSERT_TRUE(index.is_ok());
  JoinMatches m;
  EXPECT_EQ(index->probe(int64_batch({1}), {0, 0}, &m).code(), StatusCode::kInvalidArgument);
}

TEST(JoinIndex, ProbeKeyOutOfRange) {
  const RecordBatch build = int64_batch({1});
  auto index = JoinIndex::build(build, {0});
  ASSERT_TRUE(index.is_ok());
  JoinMatches m;
  EXPECT_EQ(index->probe(int64_batch({1}), {1}, &m).code(), StatusCode::kInvalidArgument);
}

TEST(JoinIndex, BuildKeyOutOfRange) {
  const RecordBatch build = int64_batch({1});
  EXPECT_EQ(JoinIndex::build(build, {1}).status().code(), StatusCode::kInvalidArgument);
}

TEST(JoinIndex, BuildWithoutKeys) {
  const RecordBatch build = int64_batch({1});
  EXPECT_EQ(JoinIndex::build(build, {}).status().code(), StatusCode::kInvalidArgument);
}

TEST(JoinIndex, OutlivesAMovedBuildBatch) {
  RecordBatch build = string_batch({"x", "y"});
  auto index = JoinIndex::build(build, {0});
  ASSERT_TRUE(index.is_ok());
  const RecordBatch moved = std::move(build);  // buffers stay where they were
  JoinMatches m;
  ASSERT_TRUE(index->probe(string_batch({"y"}), {0}, &m).is_ok());
  EXPECT_EQ(pairs_of(m), (Pairs{{0, 1}}));
}

// Random (string, int) keys with nulls and many duplicates against a
// std::multimap reference.
TEST(JoinIndex, RandomMatchesMultimapReference) {
  std::mt19937_64 rng(12345);
  const auto make = [&](size_t rows, int distinct) {
    RecordBatch b(Schema({{"s", DataType::kString, true, {}}, {"n", DataType::kInt64, true, {}}}));
    for (size_t r = 0; r < rows; ++r) {
      if (rng() % 50 == 0) {
        b.column(0).append_null();
      } else {
        b.column(0).append_string("key-" + std::to_string(rng() % 7));
      }
      if (rng() % 60 == 0) {
        b.column(1).append_null();
      } else {
        b.column(1).append_int64(static_cast<int64_t>(rng() % static_cast<uint64_t>(distinct)) - distinct / 2);
      }
    }
    return b;
  };
  const RecordBatch build = make(20000, 3000);
  const RecordBatch probe = make(30000, 4000);
  std::multimap<std::pair<std::string, int64_t>, uint32_t> reference;
  for (size_t r = 0; r < build.num_rows(); ++r) {
    if (build.column(0).is_null(r) || build.column(1).is_null(r)) continue;
    reference.emplace(std::make_pair(std::string(build.column(0).string_at(r)), build.column(1).int64_at(r)),
                      static_cast<uint32_t>(r));
  }
  Pairs want;
  for (size_t r = 0; r < probe.num_rows(); ++r) {
    if (probe.column(0).is_null(r) || probe.column(1).is_null(r)) continue;
    const auto range = reference.equal_range(
        std::make_pair(std::string(probe.column(0).string_at(r)), probe.column(1).int64_at(r)));
    for (auto it = range.first; it != range.second; ++it) want.emplace_back(r, it->second);  // insertion order
  }
  const Pairs got = join(build, {0, 1}, probe, {0, 1});
  EXPECT_GT(want.size(), 1000u);
  EXPECT_EQ(got, want);
  auto index = JoinIndex::build(build, {0, 1});
  ASSERT_TRUE(index.is_ok());
  EXPECT_EQ(index->indexed_rows(), reference.size());
}

// Many distinct int keys (a large table with long probe sequences on a
// degenerate key pattern: multiples of a power of two).
TEST(JoinIndex, ManyDistinctKeysStrideOfPowerOfTwo) {
  std::vector<std::optional<int64_t>> keys;
  for (int64_t i = 0; i < 100000; ++i) keys.push_back(i << 20);
  const RecordBatch build = int64_batch(keys);
  std::vector<std::optional<int64_t>> probe_keys;
  for (int64_t i = 99999; i >= 0; i -= 3) probe_keys.push_back(i << 20);
  probe_keys.push_back(int64_t{1} << 19);
  const Pairs got = join(build, {0}, int64_batch(probe_keys), {0});
  ASSERT_EQ(got.size(), probe_keys.size() - 1);
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].first, i);
    EXPECT_EQ(static_cast<int64_t>(got[i].second) << 20, *probe_keys[i]);
  }
}

}  // namespace
}  // namespace medallion::columnar
