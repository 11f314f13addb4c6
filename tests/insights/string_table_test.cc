#include "insights/string_table.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace medallion::insights {
namespace {

TEST(StringTable, CountsAcrossGrowth) {
  StringTable<int64_t> table;
  std::map<std::string, int64_t> want;
  // Enough keys to grow the table several times; every key seen 1-3 times.
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 20'000; ++i) {
      if (i % 3 < round) continue;
      const std::string key = "player-" + std::to_string(i);
      ++table.find_or_insert(key);
      ++want[key];
    }
  }
  EXPECT_EQ(table.size(), want.size());
  std::map<std::string, int64_t> got;
  table.for_each([&](std::string_view key, int64_t n) { got[std::string(key)] = n; });
  EXPECT_EQ(got, want);
}

TEST(StringTable, EmptyAndBinaryKeysAreDistinct) {
  StringTable<int> table;
  table.find_or_insert("") = 1;
  table.find_or_insert(std::string_view("\0", 1)) = 2;
  table.find_or_insert(std::string_view("\0\0", 2)) = 3;
  EXPECT_EQ(table.find_or_insert(""), 1);
  EXPECT_EQ(table.find_or_insert(std::string_view("\0", 1)), 2);
  EXPECT_EQ(table.find_or_insert(std::string_view("\0\0", 2)), 3);
  EXPECT_EQ(table.size(), 3u);
}

TEST(StringTable, KeyIsCopied) {
  StringTable<int> table;
  {
    std::string transient = "IT";
    table.find_or_insert(transient) = 7;
    transient = "XX";
  }
  int seen = 0;
  table.for_each([&](std::string_view key, int v) {
    EXPECT_EQ(key, "IT");
    EXPECT_EQ(v, 7);
    ++seen;
  });
  EXPECT_EQ(seen, 1);
}

}  // namespace
}  // namespace medallion::insights
