// Row fragments and partition headers: codec, reconciliation, robustness.
#include "cql/storage/row_format.h"

#include <gtest/gtest.h>

#include <random>

#include "cql/storage/key_encoding.h"

namespace medallion::cql {
namespace {

StoredCell cell(uint32_t col, int64_t ts, std::string v, bool tomb = false) {
  StoredCell c;
  c.column_id = col;
  c.timestamp = ts;
  c.value = std::move(v);
  c.tombstone = tomb;
  return c;
}

TEST(RowFormat, RowFragmentRoundTrips) {
  RowFragment f;
  f.marker_timestamp = 5;
  f.marker_ttl_seconds = 3;
  f.marker_expires_at = 100;
  f.row_tombstone = 2;
  f.cells = {cell(1, 5, "a"), cell(3, 6, "", true)};
  std::string bytes;
  encode_row_fragment(f, &bytes);
  RowFragment g;
  ASSERT_TRUE(decode_row_fragment(bytes, &g).is_ok());
  EXPECT_EQ(g.marker_timestamp, 5);
  EXPECT_EQ(g.marker_expires_at, 100);
  EXPECT_EQ(g.row_tombstone, 2);
  ASSERT_EQ(g.cells.size(), 2u);
  EXPECT_EQ(g.cells[0].value, "a");
  EXPECT_TRUE(g.cells[1].tombstone);
}

TEST(RowFormat, MergeIsOrderIndependent) {
  std::mt19937 rng(3);
  std::vector<RowFragment> frags;
  for (int i = 0; i < 20; ++i) {
    RowFragment f;
    if (rng() % 3 == 0) f.marker_timestamp = rng() % 10;
    if (rng() % 5 == 0) f.row_tombstone = rng() % 10;
    for (uint32_t c = 0; c < 4; ++c) {
      if (rng() % 2)
        f.cells.push_back(cell(c, rng() % 10, std::to_string(rng() % 3), rng() % 4 == 0));
    }
    frags.push_back(f);
  }
  auto fold = [](std::vector<RowFragment> v) {
    RowFragment acc = v[0];
    for (size_t i = 1; i < v.size(); ++i) merge_row_fragments(&acc, RowFragment(v[i]));
    std::string out;
    encode_row_fragment(acc, &out);
    return out;
  };
  const std::string forward = fold(frags);
  std::reverse(frags.begin(), frags.end());
  EXPECT_EQ(fold(frags), forward);
  std::shuffle(frags.begin(), frags.end(), rng);
  EXPECT_EQ(fold(frags), forward);
}

TEST(RowFormat, HeaderMergeKeepsGreatestPerRange) {
  PartitionHeader a, b;
  a.ranges.push_back(RangeTombstone{"a", "b", 5});
  b.ranges.push_back(RangeTombstone{"a", "b", 7});
  b.ranges.push_back(RangeTombstone{"c", "", 1});
  b.partition_tombstone = 2;
  merge_partition_headers(&a, std::move(b));
  ASSERT_EQ(a.ranges.size(), 1u);  // the range at 1 is shadowed by the partition tombstone
  EXPECT_EQ(a.ranges[0].timestamp, 7);
  EXPECT_EQ(deletion_time_for(a, "a"), 7);
  EXPECT_EQ(deletion_time_for(a, "b"), 2);
}

TEST(RowFormat, ExpiredMarkerWithLiveCellKeepsRowVisible) {
  RowFragment f;
  f.marker_timestamp = 5;
  f.marker_expires_at = 10;
  f.cells = {cell(1, 5, "x")};
  RowRead r;
  EXPECT_TRUE(visible_row(f, kNoTimestamp, 20, &r));
  f.cells.clear();
  EXPECT_FALSE(visible_row(f, kNoTimestamp, 20, &r));
  EXPECT_TRUE(visible_row(f, kNoTimestamp, 9, &r));
}

TEST(RowFormat, RandomBytesNeverCrashDecoders) {
  std::mt19937 rng(11);
  RowFragment f;
  f.cells = {cell(1, 5, "abc"), cell(2, 6, "de")};
  std::string valid;
  encode_row_fragment(f, &valid);
  const std::vector<ClusteringColumn> cols{
      {CqlType::of(TypeId::kVarchar), false},
      {CqlType::map_of(CqlType::of(TypeId::kDecimal),
                       CqlType::list_of(CqlType::of(TypeId::kVarint))),
       true}};
  for (int i = 0; i < 20000; ++i) {
    std::string bytes = i % 2 ? valid : std::string();
    const size_t n = rng() % 64;
    for (size_t j = 0; j < n; ++j) {
      if (!bytes.empty() && rng() % 2) {
        bytes[rng() % bytes.size()] = static_cast<char>(rng());
      } else {
        bytes.push_back(static_cast<char>(rng()));
      }
    }
    if (rng() % 4 == 0 && !bytes.empty()) bytes.resize(rng() % bytes.size());
    RowFragment g;
    (void)decode_row_fragment(bytes, &g);
    PartitionHeader h;
    (void)decode_partition_header(bytes, &h);
    (void)decode_clustering(cols, bytes);
    (void)split_partition_key(3, bytes);
  }
  SUCCEED();
}

}  // namespace
}  // namespace medallion::cql
