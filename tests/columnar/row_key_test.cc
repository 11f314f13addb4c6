#include "columnar/row_key.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "column_builders.h"
#include "columnar/record_batch.h"
#include "columnar/schema.h"

namespace medallion::columnar {
namespace {

using util::StatusCode;

using testing::every_type_schema;
using testing::one_column_batch;

// An empty batch of one nullable column of `type`.
RecordBatch one_column(DataType type, const std::string& name = "k") {
  return one_column_batch(Column(type), name);
}

std::vector<uint64_t> hashes_of(const RecordBatch& b, const std::vector<size_t>& keys) {
  auto rk = RowKeys::make(b, keys);
  EXPECT_TRUE(rk.is_ok());
  std::vector<uint64_t> h;
  rk->hash_rows(&h);
  return h;
}

RowKeys keys_of(const RecordBatch& b, const std::vector<size_t>& keys) {
  auto rk = RowKeys::make(b, keys);
  EXPECT_TRUE(rk.is_ok()) << rk.status().to_string();
  return std::move(rk).value();
}

TEST(HashBytes, EqualBytesHashEqual) {
  const std::string a = "session-0001-abcdefghijklmnop";
  const std::string b = a;
  EXPECT_EQ(hash_bytes(a.data(), a.size()), hash_bytes(b.data(), b.size()));
}

TEST(HashBytes, TrailingZeroByteChangesHash) {
  const std::string a("a", 1);
  const std::string b("a\0", 2);
  EXPECT_NE(hash_bytes(a.data(), a.size()), hash_bytes(b.data(), b.size()));
  EXPECT_NE(hash_bytes("", 0), hash_bytes(b.data() + 1, 1));
}

TEST(HashBytes, DistinctShortAndLongStringsRarelyCollide) {
  std::set<uint64_t> seen;
  for (int i = 0; i < 20000; ++i) {
    const std::string s = std::to_string(i) + std::string(static_cast<size_t>(i % 40), 'x');
    seen.insert(hash_bytes(s.data(), s.size()));
  }
  EXPECT_EQ(seen.size(), 20000u);
}

TEST(NormalizeDoubleKey, NegativeZeroAndNaN) {
  EXPECT_FALSE(std::signbit(normalize_double_key(-0.0)));
  EXPECT_TRUE(std::isnan(normalize_double_key(-std::numeric_limits<double>::quiet_NaN())));
  EXPECT_FALSE(std::signbit(normalize_double_key(-std::numeric_limits<double>::quiet_NaN())));
  EXPECT_EQ(normalize_double_key(-1.5), -1.5);
}

TEST(RowKeys, OutOfRangeColumnIsInvalidArgument) {
  const RecordBatch b = one_column(DataType::kInt64);
  auto rk = RowKeys::make(b, {1});
  EXPECT_EQ(rk.status().code(), StatusCode::kInvalidArgument);
}

TEST(RowKeys, EmptyBatchHashesNothing) {
  EXPECT_TRUE(hashes_of(one_column(DataType::kString), {0}).empty());
}

TEST(RowKeys, EqualIntsInDifferentBatchesHashAlike) {
  RecordBatch a = one_column(DataType::kInt64);
  RecordBatch b = one_column(DataType::kInt64);
  for (int64_t v : std::vector<int64_t>{5, -9, int64_t{1} << 50}) a.column(0).append_int64(v);
  for (int64_t v : std::vector<int64_t>{int64_t{1} << 50, 5}) b.column(0).append_int64(v);
  const auto ha = hashes_of(a, {0});
  const auto hb = hashes_of(b, {0});
  EXPECT_EQ(ha[0], hb[1]);
  EXPECT_EQ(ha[2], hb[0]);
  EXPECT_NE(ha[0], ha[1]);
  const RowKeys ka = keys_of(a, {0});
  const RowKeys kb = keys_of(b, {0});
  EXPECT_TRUE(ka.equal(0, kb, 1));
  EXPECT_FALSE(ka.equal(0, kb, 0));
}

TEST(RowKeys, NegativeZeroEqualsZero) {
  RecordBatch a = one_column(DataType::kDouble);
  a.column(0).append_double(0.0);
  a.column(0).append_double(-0.0);
  const auto h = hashes_of(a, {0});
  EXPECT_EQ(h[0], h[1]);
  const RowKeys k = keys_of(a, {0});
  EXPECT_TRUE(k.equal(0, k, 1));
}

TEST(RowKeys, EveryNaNEqualsEveryNaN) {
  RecordBatch a = one_column(DataType::kDouble);
  a.column(0).append_double(std::numeric_limits<double>::quiet_NaN());
  a.column(0).append_double(-std::numeric_limits<double>::quiet_NaN());
  a.column(0).append_double(std::numeric_limits<double>::signaling_NaN());
  a.column(0).append_double(std::numeric_limits<double>::infinity());
  const auto h = hashes_of(a, {0});
  EXPECT_EQ(h[0], h[1]);
  EXPECT_EQ(h[0], h[2]);
  EXPECT_NE(h[0], h[3]);
  const RowKeys k = keys_of(a, {0});
  EXPECT_TRUE(k.equal(0, k, 1));
  EXPECT_TRUE(k.equal(2, k, 1));
  EXPECT_FALSE(k.equal(0, k, 3));
}

TEST(RowKeys, NullsEqualNullsAndHashAlike) {
  RecordBatch a = one_column(DataType::kString);
  a.column(0).append_null();
  a.column(0).append_string("");
  a.column(0).append_null();
  const auto h = hashes_of(a, {0});
  EXPECT_EQ(h[0], h[2]);
  EXPECT_NE(h[0], h[1]);
  const RowKeys k = keys_of(a, {0});
  EXPECT_TRUE(k.has_nulls());
  EXPECT_TRUE(k.any_null(0));
  EXPECT_FALSE(k.any_null(1));
  EXPECT_TRUE(k.equal(0, k, 2));
  EXPECT_FALSE(k.equal(0, k, 1));  // null is not the empty string
  EXPECT_FALSE(k.equal(1, k, 0));
}

TEST(RowKeys, NoNullsReported) {
  RecordBatch a = one_column(DataType::kBool);
  a.column(0).append_bool(true);
  const RowKeys k = keys_of(a, {0});
  EXPECT_FALSE(k.has_nulls());
  EXPECT_FALSE(k.any_null(0));
}

TEST(RowKeys, NullIntIsNotZero) {
  RecordBatch a = one_column(DataType::kInt32);
  a.column(0).append_int32(0);
  a.column(0).append_null();
  const RowKeys k = keys_of(a, {0});
  EXPECT_FALSE(k.equal(0, k, 1));
  const auto h = hashes_of(a, {0});
  EXPECT_NE(h[0], h[1]);
}

TEST(RowKeys, EveryTypeComparesByValue) {
  RecordBatch b(every_type_schema());
  // Rows 0 and 2 equal; row 1 differs in every column.
  for (int rep = 0; rep < 3; ++rep) {
    const bool odd = rep == 1;
    b.column(0).append_bool(odd);
    b.column(1).append_int32(odd ? 2 : 1);
    b.column(2).append_int64(odd ? 2 : 1);
    b.column(3).append_double(odd ? 2.0 : 1.0);
    b.column(4).append_string(odd ? "b" : "a");
    b.column(5).append_int32(odd ? 2 : 1);
    b.column(6).append_int64(odd ? 2 : 1);
  }
  for (size_t c = 0; c < 7; ++c) {
    const RowKeys k = keys_of(b, {c});
    EXPECT_TRUE(k.equal(0, k, 2)) << c;
    EXPECT_FALSE(k.equal(0, k, 1)) << c;
    const auto h = hashes_of(b, {c});
    EXPECT_EQ(h[0], h[2]) << c;
    EXPECT_NE(h[0], h[1]) << c;
  }
}

TEST(RowKeys, MultiColumnKeysNeedEveryColumnEqual) {
  RecordBatch b(Schema({{"s", DataType::kString, true, {}}, {"n", DataType::kInt64, true, {}}}));
  const std::vector<std::pair<std::string, int64_t>> rows{{"a", 1}, {"a", 2}, {"b", 1}, {"a", 1}};
  for (const auto& [s, n] : rows) {
    b.column(0).append_string(s);
    b.column(1).append_int64(n);
  }
  const RowKeys k = keys_of(b, {0, 1});
  EXPECT_TRUE(k.equal(0, k, 3));
  EXPECT_FALSE(k.equal(0, k, 1));
  EXPECT_FALSE(k.equal(0, k, 2));
  const auto h = hashes_of(b, {0, 1});
  EXPECT_EQ(h[0], h[3]);
  EXPECT_EQ(std::set<uint64_t>(h.begin(), h.end()).size(), 3u);
  // Column order matters for the hash: (a, 1) keyed as (n, s) hashes apart.
  const auto swapped = hashes_of(b, {1, 0});
  EXPECT_NE(h[0], swapped[0]);
}

TEST(RowKeys, NoKeyColumnsMakeEveryRowEqual) {
  RecordBatch a = one_column(DataType::kInt64);
  a.column(0).append_int64(1);
  a.column(0).append_int64(2);
  const RowKeys k = keys_of(a, {});
  EXPECT_TRUE(k.equal(0, k, 1));
  const auto h = hashes_of(a, {});
  EXPECT_EQ(h[0], h[1]);
}

TEST(CheckSameKeyTypes, AcceptsEqualTypes) {
  const Schema a({{"x", DataType::kString, true, {}}, {"y", DataType::kInt64, true, {}}});
  const Schema b({{"y2", DataType::kInt64, true, {}}, {"x2", DataType::kString, true, {}}});
  EXPECT_TRUE(check_same_key_types(a, {0, 1}, b, {1, 0}).is_ok());
}

TEST(CheckSameKeyTypes, NamesBothColumnsOfAMismatch) {
  const Schema a({{"event_date", DataType::kDate, true, {}}});
  const Schema b({{"day_number", DataType::kInt32, true, {}}});
  const util::Status st = check_same_key_types(a, {0}, b, {0});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("event_date"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("day_number"), std::string::npos) << st.message();
}

TEST(CheckSameKeyTypes, RejectsDifferentCounts) {
  const Schema a({{"x", DataType::kString, true, {}}});
  EXPECT_EQ(check_same_key_types(a, {0}, a, {0, 0}).code(), StatusCode::kInvalidArgument);
}

TEST(CheckSameKeyTypes, RejectsOutOfRange) {
  const Schema a({{"x", DataType::kString, true, {}}});
  EXPECT_EQ(check_same_key_types(a, {0}, a, {3}).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace medallion::columnar
