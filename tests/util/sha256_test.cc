#include "util/sha256.h"

#include <gtest/gtest.h>

#include <string>

namespace medallion::util {
namespace {

TEST(Sha256, EmptyInput) {
  EXPECT_EQ(Sha256::of(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, Abc) {
  EXPECT_EQ(Sha256::of("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, TwoBlockMessage) {
  EXPECT_EQ(Sha256::of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, OneMillionA) {
  EXPECT_EQ(Sha256::of(std::string(1'000'000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, IncrementalUpdatesEqualOneShot) {
  const std::string data(1'000'000, 'a');
  Sha256 sha;
  // Uneven pieces straddle the 64-byte block boundary in every way.
  for (size_t off = 0, step = 1; off < data.size(); off += step, step = step % 997 + 13) {
    sha.update(std::string_view(data).substr(off, step));
  }
  EXPECT_EQ(sha.hex_digest(), Sha256::of(data));
}

TEST(Sha256, DigestIsStableOnceTaken) {
  Sha256 sha;
  sha.update("abc");
  const std::string first = sha.hex_digest();
  sha.update("more");  // ignored after the digest
  EXPECT_EQ(sha.hex_digest(), first);
}

TEST(Sha256, BinaryBytesIncludingNul) {
  const std::string data("\0\xff\x01", 3);
  EXPECT_NE(Sha256::of(data), Sha256::of(std::string_view("\xff\x01")));
  EXPECT_EQ(Sha256::of(data).size(), 64u);
}

}  // namespace
}  // namespace medallion::util
