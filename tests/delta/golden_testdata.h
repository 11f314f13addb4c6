// Access to the Delta tables written by Spark under
// ../shared/testdata/delta/golden (read in place, never copied into the
// repo): the directory, and whole files as text.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#ifndef MEDALLION_SHARED_TESTDATA
#error "MEDALLION_SHARED_TESTDATA must point at ../shared/testdata"
#endif

namespace medallion::delta::testing {

inline std::filesystem::path golden_dir() {
  return std::filesystem::path(MEDALLION_SHARED_TESTDATA) / "delta" / "golden";
}

// The whole file; empty when it cannot be read (the tests then fail on it).
inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace medallion::delta::testing
