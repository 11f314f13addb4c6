// Inputs for the bzip2 tests: text with realistic entropy, and libbz2's own
// encoder (the reference every decoder here is compared with).
#pragma once

#include <bzlib.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

namespace medallion::testing {

// JSON-like lines with random hex, so that blocks hold realistic entropy.
inline std::string sample_text(size_t bytes, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out;
  static constexpr char kHex[] = "0123456789abcdef";
  while (out.size() < bytes) {
    out += R"({"player_id": ")";
    for (int i = 0; i < 32; ++i) out.push_back(kHex[rng() % 16]);
    out += R"(", "event": "start", "ts": "2016-11-)" + std::to_string(10 + rng() % 20) + "\"}\n";
  }
  out.resize(bytes);
  return out;
}

// One bzip2 stream of `in` at block size level * 100 kB, written by libbz2.
inline std::string bz2_compress(const std::string& in, int level) {
  std::string out(in.size() + in.size() / 100 + 1024, '\0');
  auto out_len = static_cast<unsigned>(out.size());
  const int rc = BZ2_bzBuffToBuffCompress(out.data(), &out_len, const_cast<char*>(in.data()),
                                          static_cast<unsigned>(in.size()), level, 0, 0);
  EXPECT_EQ(rc, BZ_OK);
  out.resize(out_len);
  return out;
}

// `text` compressed by a command-line tool ("bzip2 -9", "lbzip2 -n 2 -1"...)
// through files in the test's temporary directory, which it removes; empty
// (and a test failure) if the tool fails.
inline std::string compress_with_tool(const std::string& text, const std::string& tool) {
  const std::string plain =
      ::testing::TempDir() + "/bz2_tool_" + std::to_string(::getpid()) + ".txt";
  const std::string packed = plain + ".bz2";
  std::ofstream(plain, std::ios::binary) << text;
  const std::string command = tool + " -c " + plain + " > " + packed;
  const int rc = std::system(command.c_str());
  std::stringstream out;
  out << std::ifstream(packed, std::ios::binary).rdbuf();
  std::remove(plain.c_str());
  std::remove(packed.c_str());
  EXPECT_EQ(rc, 0) << command;
  return rc == 0 ? out.str() : std::string();
}

}  // namespace medallion::testing
