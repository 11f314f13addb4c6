// Tests of BulkLoadIndex: whatever the keys, sort() gives the order of a
// stable sort by key bytes, and marks the keys that repeat their neighbour's.
#include "cql/storage/bulk_load_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace medallion::cql {
namespace {

// A data key: 'D', table, token (8 bytes each), escaped partition key, 00 00,
// entry kind, clustering.
std::string data_key(uint8_t token_last_byte, const std::string& partition,
                     const std::string& clustering) {
  std::string key = "D";
  key.append(std::string(7, '\0') + '\x07');          // table 7
  key.append("\x80\x11\x22\x33\x44\x55\x66", 7);      // token, all but its last byte
  key.push_back(static_cast<char>(token_last_byte));  // beyond the 16 bytes of the head
  for (char c : partition) {
    key.push_back(c);
    if (c == '\0') key.push_back('\xff');
  }
  key.append(std::string(2, '\0'));
  key.push_back('\x01');
  return key + clustering;
}

// Adds keys[i] with value "v<i>", sorts, and checks the order against a
// stable sort of the keys, the values against their keys and the repeats.
void expect_sorted_like_a_stable_sort(const std::vector<std::string>& keys) {
  BulkLoadIndex index;
  for (size_t i = 0; i < keys.size(); ++i) index.add(keys[i], "v" + std::to_string(i));
  index.sort();
  std::vector<size_t> order(keys.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return keys[a] < keys[b]; });
  ASSERT_EQ(index.size(), keys.size());
  for (size_t i = 0; i < order.size(); ++i) {
    ASSERT_EQ(index.key(i), keys[order[i]]) << i;
    ASSERT_EQ(index.value(i), "v" + std::to_string(order[i])) << i;
    if (i > 0) {
      ASSERT_EQ(index.repeats_previous(i), keys[order[i]] == keys[order[i - 1]]) << i;
    }
  }
}

// Keys that share their 16-byte head but belong to different partitions:
// the records' guess (by partition hash) is wrong, and sort() must notice.
TEST(BulkLoadIndexTest, PartitionsUnderOneHeadComeInKeyOrder) {
  std::vector<std::string> keys;
  for (int p = 0; p < 50; ++p) {
    for (int c = 0; c < 4; ++c) {
      keys.push_back(data_key(static_cast<uint8_t>(p % 3), "part" + std::to_string(p),
                              "row" + std::to_string(c)));
    }
  }
  std::shuffle(keys.begin(), keys.end(), std::mt19937(1));
  expect_sorted_like_a_stable_sort(keys);
}

// Within a partition, clustering keys that agree on their first 8 bytes,
// zero bytes in the partition key, repeated keys and keys of other shapes.
TEST(BulkLoadIndexTest, TiesRepeatsAndOtherKeys) {
  std::vector<std::string> keys;
  for (int c = 0; c < 30; ++c) {
    keys.push_back(data_key(1, std::string("p\0q", 3), "same-prefix-" + std::to_string(c % 12)));
  }
  keys.push_back("M-meta");
  keys.push_back("D");
  keys.push_back("");
  keys.push_back("M-meta");
  std::shuffle(keys.begin(), keys.end(), std::mt19937(2));
  expect_sorted_like_a_stable_sort(keys);
}

// Enough entries to be sorted in two halves at once.
TEST(BulkLoadIndexTest, BigIndexSortedInHalves) {
  std::mt19937 rng(3);
  std::vector<std::string> keys;
  for (int i = 0; i < 80000; ++i) {
    keys.push_back(data_key(static_cast<uint8_t>(rng() % 4), "p" + std::to_string(rng() % 300),
                            "c" + std::to_string(rng() % 40)));
  }
  expect_sorted_like_a_stable_sort(keys);
}

TEST(BulkLoadIndexTest, TruncateDropsTheLastEntries) {
  BulkLoadIndex index;
  index.add("a", "1");
  index.add("b", "2");
  index.add("c", "3");
  index.truncate(1);
  index.add("d", "4");
  index.sort();
  ASSERT_EQ(index.size(), 2u);
  EXPECT_EQ(index.key(0), "a");
  EXPECT_EQ(index.value(1), "4");
  index.clear();
  EXPECT_EQ(index.size(), 0u);
}

}  // namespace
}  // namespace medallion::cql
