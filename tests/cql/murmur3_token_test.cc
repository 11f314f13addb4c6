// Cassandra's Murmur3Partitioner token: the vectors of the notes' table
// (../shared/notes/cql-protocol-and-drivers.md §3).
#include "cql/protocol/murmur3_token.h"

#include <gtest/gtest.h>

#include <string>

#include "cql_test_util.h"

namespace medallion::cql {
namespace {

using testing::hex;

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(Murmur3Token, Text123) { EXPECT_EQ(murmur3_token("123"), -7468325962851647638); }
TEST(Murmur3Token, Repeated00ff10fa99) {
  EXPECT_EQ(murmur3_token(repeat(hex("00ff10fa99"), 10)), 5837342703291459765);
}
TEST(Murmur3Token, EightFe) {
  EXPECT_EQ(murmur3_token(repeat(hex("fe"), 8)), -8927430733708461935);
}
TEST(Murmur3Token, Eight10) { EXPECT_EQ(murmur3_token(repeat(hex("10"), 8)), 1446172840243228796); }
TEST(Murmur3Token, TextLongMax) {
  EXPECT_EQ(murmur3_token("9223372036854775807"), 7162290910810015547);
}
TEST(Murmur3Token, SixteenBytesOneBlock) {
  EXPECT_EQ(murmur3_token(hex("0102030405060708090a0b0c0d0e0f10")), -5563837382979743776);
}
TEST(Murmur3Token, SeventeenFeSignedTail) {
  EXPECT_EQ(murmur3_token(repeat(hex("fe"), 17)), -1672437813826982685);
}
TEST(Murmur3Token, SevenBytesE2e7) {
  EXPECT_EQ(murmur3_token(hex("e2e7e2e7e2e701")), 2222373981930033306);
}
TEST(Murmur3Token, FourBytes00017f7f) {
  EXPECT_EQ(murmur3_token(hex("00017f7f")), 6573459401642635627);
}
TEST(Murmur3Token, IntOne) { EXPECT_EQ(murmur3_token(hex("00000001")), -4069959284402364209); }
TEST(Murmur3Token, IntZero) { EXPECT_EQ(murmur3_token(hex("00000000")), -3485513579396041028); }
TEST(Murmur3Token, BigintOne) {
  EXPECT_EQ(murmur3_token(hex("0000000000000001")), 6292367497774912474);
}
TEST(Murmur3Token, TextA) { EXPECT_EQ(murmur3_token("a"), -8839064797231613815); }
TEST(Murmur3Token, CompositeIntText) {
  EXPECT_EQ(murmur3_token(hex("0004000000010000016100")), 6516349416904725244);
}
TEST(Murmur3Token, EmptyKeyIsMinimum) { EXPECT_EQ(murmur3_token(""), kMinToken); }

}  // namespace
}  // namespace medallion::cql
