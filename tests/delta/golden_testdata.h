// Access to the Delta tables written by Spark under
// ../shared/testdata/delta/golden (read in place, never copied into the
// repo): the directory, and whole files as text.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

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

// The JSON files of a table's _delta_log (commits, V2 checkpoints), sorted;
// empty when there is no log directory.
inline std::vector<std::filesystem::path> json_log_files(const std::filesystem::path& table) {
  std::vector<std::filesystem::path> files;
  const auto log = table / "_delta_log";
  if (!std::filesystem::is_directory(log)) return files;
  for (const auto& entry : std::filesystem::directory_iterator(log)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace medallion::delta::testing
