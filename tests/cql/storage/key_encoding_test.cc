// Order-preserving clustering encoding, partition key bytes, clustering ranges.
#include "cql/storage/key_encoding.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "../cql_test_util.h"

namespace medallion::cql {
namespace {

using testing::hex;

std::string ser(const CqlType& t, const CqlValue& v) {
  auto r = encode_value(t, v);
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  return r.is_ok() ? *r : std::string();
}

std::string enc(const CqlType& t, const std::string& v, bool desc = false) {
  auto r = encode_clustering({ClusteringColumn{t, desc}}, {v});
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  return r.is_ok() ? *r : std::string();
}

// `values` are serializations in strictly ascending value order: their
// encodings must be strictly ascending (descending for DESC), none a prefix
// of another, and decode back.
void expect_ordered(const CqlType& t, const std::vector<std::string>& values) {
  for (bool desc : {false, true}) {
    std::vector<std::string> e;
    for (const auto& v : values) e.push_back(enc(t, v, desc));
    for (size_t i = 0; i + 1 < e.size(); ++i) {
      if (!desc) {
        EXPECT_LT(e[i], e[i + 1]) << t.to_cql() << " at " << i;
      } else {
        EXPECT_GT(e[i], e[i + 1]) << t.to_cql() << " desc at " << i;
      }
    }
    for (size_t i = 0; i < e.size(); ++i) {
      for (size_t j = 0; j < e.size(); ++j) {
        if (i != j) {
          EXPECT_NE(e[j].compare(0, e[i].size(), e[i]), 0) << "prefix " << i << " " << j;
        }
      }
      auto d = decode_clustering({ClusteringColumn{t, desc}}, e[i]);
      ASSERT_TRUE(d.is_ok()) << d.status().message();
      ASSERT_EQ(d->size(), 1u);
      EXPECT_EQ(testing::to_hex((*d)[0]), testing::to_hex(values[i]))
          << t.to_cql() << " round trip " << i;
    }
  }
}

template <typename T>
std::vector<std::string> sers(TypeId id, std::vector<T> vs) {
  std::vector<std::string> out;
  for (auto v : vs) out.push_back(ser(CqlType::of(id), CqlValue(v)));
  return out;
}

template <typename T>
std::vector<T> random_sorted_ints(int n) {
  std::mt19937_64 rng(42);
  std::vector<T> v{std::numeric_limits<T>::min(), T(-1), T(0), T(1), std::numeric_limits<T>::max()};
  for (int i = 0; i < n; ++i) v.push_back(static_cast<T>(rng()));
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

TEST(KeyEncoding, TinyintOrder) {
  expect_ordered(CqlType::of(TypeId::kTinyint),
                 sers(TypeId::kTinyint, random_sorted_ints<int8_t>(50)));
}
TEST(KeyEncoding, SmallintOrder) {
  expect_ordered(CqlType::of(TypeId::kSmallint),
                 sers(TypeId::kSmallint, random_sorted_ints<int16_t>(100)));
}
TEST(KeyEncoding, IntOrder) {
  expect_ordered(CqlType::of(TypeId::kInt), sers(TypeId::kInt, random_sorted_ints<int32_t>(100)));
}
TEST(KeyEncoding, BigintOrder) {
  expect_ordered(CqlType::of(TypeId::kBigint),
                 sers(TypeId::kBigint, random_sorted_ints<int64_t>(100)));
}

TEST(KeyEncoding, TimestampOrder) {
  std::vector<std::string> v;
  for (int64_t ms : random_sorted_ints<int64_t>(50))
    v.push_back(ser(CqlType::of(TypeId::kTimestamp), Timestamp{ms}));
  expect_ordered(CqlType::of(TypeId::kTimestamp), v);
}

TEST(KeyEncoding, TimeOrder) {
  std::vector<std::string> v;
  for (int64_t ns : {int64_t{0}, int64_t{1}, int64_t{1000000}, Time::kMaxNanos})
    v.push_back(ser(CqlType::of(TypeId::kTime), Time{ns}));
  expect_ordered(CqlType::of(TypeId::kTime), v);
}

TEST(KeyEncoding, DateOrderIsUnsigned) {
  std::vector<std::string> v;
  for (uint32_t d : {0u, 1u, Date::kEpoch - 1, Date::kEpoch, Date::kEpoch + 1, 0xffffffffu})
    v.push_back(ser(CqlType::of(TypeId::kDate), Date{d}));
  expect_ordered(CqlType::of(TypeId::kDate), v);
}

TEST(KeyEncoding, BooleanFalseBeforeTrue) {
  expect_ordered(CqlType::of(TypeId::kBoolean), {std::string(1, '\0'), std::string(1, '\1')});
}

TEST(KeyEncoding, FloatOrderNegZeroBeforeZeroNanLast) {
  const float inf = std::numeric_limits<float>::infinity();
  expect_ordered(CqlType::of(TypeId::kFloat),
                 sers(TypeId::kFloat, std::vector<float>{-inf, -3.4e38f, -1.0f, -1e-45f, -0.0f,
                                                         0.0f, 1e-45f, 1.0f, 2.5f, 3.4e38f, inf,
                                                         std::numeric_limits<float>::quiet_NaN()}));
}

TEST(KeyEncoding, DoubleOrderNegZeroBeforeZeroNanLast) {
  const double inf = std::numeric_limits<double>::infinity();
  expect_ordered(CqlType::of(TypeId::kDouble),
                 sers(TypeId::kDouble,
                      std::vector<double>{-inf, -1e308, -1.0, -5e-324, -0.0, 0.0, 5e-324, 0.5, 1.0,
                                          1e308, inf, std::numeric_limits<double>::quiet_NaN()}));
}

TEST(KeyEncoding, TextOrderWithZeroBytesAndPrefixes) {
  expect_ordered(CqlType::of(TypeId::kVarchar),
                 {"", std::string(1, '\0'), std::string("\0\0", 2), std::string("\0\x01", 2), "a",
                  std::string("a\0", 2), "ab", "b", "\xc3\xa9", "\xff"});
}

TEST(KeyEncoding, AsciiAndBlobOrder) {
  expect_ordered(CqlType::of(TypeId::kAscii), {"", "A", "AB", "B", "a"});
  expect_ordered(CqlType::of(TypeId::kBlob),
                 {"", std::string(1, '\0'), "\x01", "\x7f", "\x80", "\xff", "\xff\xff"});
}

TEST(KeyEncoding, InetOrderAsBytes) {
  expect_ordered(
      CqlType::of(TypeId::kInet),
      {hex("00000000"), hex("0a000001"), hex("7f000001"), hex("7f000001000000000000000000000000"),
       hex("c0a80001"), hex("fe800000000000000000000000000001")});
}

TEST(KeyEncoding, InetRejectsFiveBytes) {
  EXPECT_FALSE(
      encode_clustering({ClusteringColumn{CqlType::of(TypeId::kInet)}}, {hex("0102030405")})
          .is_ok());
}

TEST(KeyEncoding, UuidOrderVersionThenTime) {
  expect_ordered(CqlType::of(TypeId::kUuid),
                 {hex("ffffffffffff0000 0000000000000000"),    // version 0
                  hex("00000002 0001 1000 8000000000000000"),  // v1, time hi 0x000 mid 1 low 2
                  hex("00000001 0002 1000 8000000000000000"),  // v1, mid 2 > mid 1
                  hex("00000000 0000 1001 0000000000000000"),  // v1, time hi 1
                  hex("00000000 0000 1001 0000000000000001"),  // same time, bytes
                  hex("00000000 0000 4000 8000000000000000"),  // v4
                  hex("ffffffff ffff 4fff ffffffffffffffff")});
}

TEST(KeyEncoding, TimeuuidOrderTimeThenSignedBytes) {
  expect_ordered(
      CqlType::of(TypeId::kTimeuuid),
      {hex("00000002 0001 1000 0000000000000000"),
       hex("00000001 0002 1000 8000000000000000"),  // later time
       hex("00000001 0002 1000 ff00000000000000"),  // last bytes signed: 80 < ff < 00
       hex("00000001 0002 1000 0000000000000000"), hex("00000001 0002 1000 7f00000000000000")});
}

TEST(KeyEncoding, TimeuuidRejectsVersion4) {
  EXPECT_FALSE(encode_clustering({ClusteringColumn{CqlType::of(TypeId::kTimeuuid)}},
                                 {hex("00000000 0000 4000 0000000000000000")})
                   .is_ok());
}

TEST(KeyEncoding, VarintOrder) {
  std::vector<std::string> v;
  for (const char* s :
       {"-100000000000000000000000", "-9223372036854775809", "-129", "-128", "-1", "0", "1", "127",
        "128", "255", "256", "9223372036854775808", "100000000000000000000000"}) {
    v.push_back(Varint::from_decimal(s)->bytes());
  }
  expect_ordered(CqlType::of(TypeId::kVarint), v);
}

TEST(KeyEncoding, VarintRandomOrder) {
  std::vector<int64_t> ints = random_sorted_ints<int64_t>(200);
  std::vector<std::string> v;
  for (int64_t i : ints) v.push_back(Varint::from_int64(i).bytes());
  expect_ordered(CqlType::of(TypeId::kVarint), v);
}

std::string dec(int32_t scale, const char* unscaled) {
  return ser(CqlType::of(TypeId::kDecimal), Decimal{scale, *Varint::from_decimal(unscaled)});
}

TEST(KeyEncoding, DecimalOrderByNumericValue) {
  expect_ordered(CqlType::of(TypeId::kDecimal),
                 {dec(-3, "-5"), dec(0, "-1001"), dec(0, "-1000"), dec(2, "-1234"), dec(1, "-123"),
                  dec(3, "-1"), dec(0, "0"), dec(3, "1"), dec(2, "5"), dec(1, "1"), dec(4, "10001"),
                  dec(3, "1234"), dec(2, "1235"), dec(0, "99"), dec(-2, "1"),
                  dec(0, "123456789012345678901234567890")});
}

TEST(KeyEncoding, DecimalEqualValuesStayDistinctAndRoundTrip) {
  // 1.0 and 1.00 compare equal in Cassandra; here they are adjacent keys.
  const std::string a = enc(CqlType::of(TypeId::kDecimal), dec(1, "10"));
  const std::string b = enc(CqlType::of(TypeId::kDecimal), dec(2, "100"));
  EXPECT_NE(a, b);
  expect_ordered(CqlType::of(TypeId::kDecimal), {dec(0, "0"), dec(5, "0")});
  expect_ordered(CqlType::of(TypeId::kDecimal), {dec(1, "10"), dec(2, "100")});
}

CqlType int_t() { return CqlType::of(TypeId::kInt); }

TEST(KeyEncoding, FrozenListOrderElementByElement) {
  const CqlType t = CqlType::list_of(int_t());
  auto l = [&](std::vector<int32_t> xs) {
    CqlList list;
    for (int32_t x : xs) list.elements.emplace_back(x);
    return ser(t, list);
  };
  expect_ordered(t, {l({}), l({-5}), l({-5, 3}), l({0}), l({0, 0}), l({0, 1}), l({1})});
}

TEST(KeyEncoding, FrozenSetIsNormalized) {
  const CqlType t = CqlType::set_of(CqlType::of(TypeId::kVarchar));
  CqlList a, b;
  for (const char* s : {"b", "a"}) a.elements.emplace_back(std::string(s));
  for (const char* s : {"a", "b"}) b.elements.emplace_back(std::string(s));
  EXPECT_EQ(enc(t, ser(t, a)), enc(t, ser(t, b)));
  expect_ordered(t, {ser(t, CqlList{}), ser(t, b)});
}

TEST(KeyEncoding, FrozenMapOrderByKeyThenValue) {
  const CqlType t = CqlType::map_of(CqlType::of(TypeId::kVarchar), int_t());
  auto m = [&](std::vector<std::pair<const char*, int32_t>> kv) {
    CqlMap map;
    for (auto& [k, v] : kv) map.entries.emplace_back(std::string(k), v);
    return ser(t, map);
  };
  expect_ordered(t, {m({}), m({{"a", -1}}), m({{"a", 1}}), m({{"a", 1}, {"b", 0}}), m({{"b", 0}})});
  EXPECT_EQ(enc(t, m({{"b", 0}, {"a", 1}})), enc(t, m({{"a", 1}, {"b", 0}})));
}

TEST(KeyEncoding, CompositeKeysAndPrefixes) {
  std::vector<ClusteringColumn> cols{{int_t(), false}, {CqlType::of(TypeId::kVarchar), true}};
  const std::string one = ser(int_t(), int32_t{1});
  auto full = encode_clustering(cols, {one, "abc"});
  auto prefix = encode_clustering(cols, {one});
  ASSERT_TRUE(full.is_ok() && prefix.is_ok());
  EXPECT_EQ(full->compare(0, prefix->size(), *prefix), 0);
  auto d = decode_clustering(cols, *full);
  ASSERT_TRUE(d.is_ok());
  EXPECT_EQ((*d)[0], one);
  EXPECT_EQ((*d)[1], "abc");
  // DESC second component: "b" sorts before "a".
  EXPECT_LT(*encode_clustering(cols, {one, "b"}), *encode_clustering(cols, {one, "a"}));
}

TEST(KeyEncoding, TooManyValuesIsInvalid) {
  EXPECT_FALSE(
      encode_clustering({ClusteringColumn{int_t()}}, {ser(int_t(), 1), ser(int_t(), 2)}).is_ok());
}

TEST(KeyEncoding, WrongSizeValueIsInvalid) {
  auto r = encode_clustering({ClusteringColumn{int_t()}}, {"abc"});
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kInvalidArgument);
}

TEST(KeyEncoding, DecodeGarbageIsCorruption) {
  auto r = decode_clustering({ClusteringColumn{CqlType::of(TypeId::kVarchar)}}, "abc");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kCorruption);
  EXPECT_FALSE(decode_clustering({ClusteringColumn{int_t()}}, hex("80000001 00")).is_ok());
}

TEST(KeyEncoding, ClusterableTypes) {
  EXPECT_TRUE(is_clusterable(CqlType::of(TypeId::kDecimal)));
  EXPECT_TRUE(
      is_clusterable(CqlType::map_of(CqlType::of(TypeId::kVarchar), CqlType::list_of(int_t()))));
  EXPECT_FALSE(is_clusterable(CqlType::of(TypeId::kCounter)));
  EXPECT_FALSE(is_clusterable(CqlType::custom("x")));
}

TEST(PartitionKey, SingleComponentIsItsBytes) {
  EXPECT_EQ(partition_key_bytes({"abc"}), "abc");
  auto s = split_partition_key(1, "abc");
  ASSERT_TRUE(s.is_ok());
  EXPECT_EQ((*s)[0], "abc");
}

TEST(PartitionKey, CompositeMatchesDrivers) {
  const std::string k = partition_key_bytes({hex("00000001"), "a"});
  EXPECT_EQ(k, hex("0004000000010000016100"));
  auto s = split_partition_key(2, k);
  ASSERT_TRUE(s.is_ok());
  EXPECT_EQ((*s)[0], hex("00000001"));
  EXPECT_EQ((*s)[1], "a");
}

TEST(PartitionKey, SplitGarbageIsCorruption) {
  EXPECT_FALSE(split_partition_key(2, hex("0004000000010000016101")).is_ok());
  EXPECT_FALSE(split_partition_key(2, hex("00")).is_ok());
  EXPECT_FALSE(split_partition_key(3, hex("0004000000010000016100")).is_ok());
}

// Every encoded key of `keys` in [range.start, range.end).
std::vector<int32_t> in_range(const ClusteringRange& range,
                              const std::vector<ClusteringColumn>& cols,
                              const std::vector<int32_t>& vals) {
  std::vector<int32_t> out;
  for (int32_t v : vals) {
    const std::string k = *encode_clustering(cols, {ser(int_t(), int32_t{7}), ser(int_t(), v)});
    if (k >= range.start && (range.end.empty() || k < range.end)) out.push_back(v);
  }
  return out;
}

TEST(ClusteringRange, WholePartitionByDefault) {
  auto r = clustering_range({ClusteringColumn{int_t()}}, {}, std::nullopt, std::nullopt);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(*r, ClusteringRange{});
}

TEST(ClusteringRange, AscendingBounds) {
  std::vector<ClusteringColumn> cols{{int_t(), false}, {int_t(), false}};
  const std::vector<int32_t> vals{-3, -1, 0, 1, 2, 5};
  const std::string p = ser(int_t(), int32_t{7});
  auto r = clustering_range(cols, {p}, ClusteringBound{ser(int_t(), int32_t{-1}), true},
                            ClusteringBound{ser(int_t(), int32_t{2}), false});
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(in_range(*r, cols, vals), (std::vector<int32_t>{-1, 0, 1}));
  r = clustering_range(cols, {p}, ClusteringBound{ser(int_t(), int32_t{-1}), false},
                       ClusteringBound{ser(int_t(), int32_t{2}), true});
  EXPECT_EQ(in_range(*r, cols, vals), (std::vector<int32_t>{0, 1, 2}));
  r = clustering_range(cols, {p}, std::nullopt, std::nullopt);
  EXPECT_EQ(in_range(*r, cols, vals), vals);
}

TEST(ClusteringRange, DescendingBoundsAreFlipped) {
  std::vector<ClusteringColumn> cols{{int_t(), false}, {int_t(), true}};
  const std::vector<int32_t> vals{5, 2, 1, 0, -1, -3};  // byte order of a DESC column
  const std::string p = ser(int_t(), int32_t{7});
  auto r = clustering_range(cols, {p}, ClusteringBound{ser(int_t(), int32_t{-1}), true},
                            ClusteringBound{ser(int_t(), int32_t{2}), false});
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(in_range(*r, cols, vals), (std::vector<int32_t>{1, 0, -1}));
  r = clustering_range(cols, {p}, ClusteringBound{ser(int_t(), int32_t{0}), false}, std::nullopt);
  EXPECT_EQ(in_range(*r, cols, vals), (std::vector<int32_t>{5, 2, 1}));
  r = clustering_range(cols, {p}, std::nullopt, ClusteringBound{ser(int_t(), int32_t{0}), true});
  EXPECT_EQ(in_range(*r, cols, vals), (std::vector<int32_t>{0, -1, -3}));
}

TEST(ClusteringRange, BoundWithoutFreeComponentIsInvalid) {
  std::vector<ClusteringColumn> cols{{int_t(), false}};
  auto r = clustering_range(cols, {ser(int_t(), int32_t{1})},
                            ClusteringBound{ser(int_t(), int32_t{1}), true}, std::nullopt);
  EXPECT_FALSE(r.is_ok());
}

TEST(ClusteringRange, MaxValueExclusiveLowerIsEmpty) {
  std::vector<ClusteringColumn> cols{{CqlType::of(TypeId::kTinyint), false}};
  auto r = clustering_range(cols, {}, ClusteringBound{std::string(1, '\x7f'), false}, std::nullopt);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->start, r->end);
  EXPECT_FALSE(r->end.empty());
}

}  // namespace
}  // namespace medallion::cql

namespace medallion::cql {
namespace {

TEST(KeyEncoding, HugeDecimalIsInvalidNotSlow) {
  std::string v(4, '\0');
  v.append(5000, '\x7f');
  auto r = encode_clustering({ClusteringColumn{CqlType::of(TypeId::kDecimal)}}, {v});
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kInvalidArgument);
}

TEST(KeyEncoding, LargestDecimalRoundTrips) {
  std::string v(4, '\0');
  v.push_back('\x7f');
  v.append(4095, '\xff');
  auto e = encode_clustering({ClusteringColumn{CqlType::of(TypeId::kDecimal)}}, {v});
  ASSERT_TRUE(e.is_ok()) << e.status().message();
  auto d = decode_clustering({ClusteringColumn{CqlType::of(TypeId::kDecimal)}}, *e);
  ASSERT_TRUE(d.is_ok()) << d.status().message();
  EXPECT_EQ((*d)[0], v);
}

TEST(KeyEncoding, DecodeDecimalWithHugeExponentIsCorruption) {
  // 03, exponent 2^40 (sign-flipped), digit 1, terminator, scale 0.
  std::string e = testing::hex("03 8000010000000000 02 00 80000000");
  auto d = decode_clustering({ClusteringColumn{CqlType::of(TypeId::kDecimal)}}, e);
  ASSERT_FALSE(d.is_ok());
  EXPECT_EQ(d.status().code(), util::StatusCode::kCorruption);
}

}  // namespace
}  // namespace medallion::cql
