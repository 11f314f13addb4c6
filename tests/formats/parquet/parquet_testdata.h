// Access to the externally written Parquet fixtures in
// ../shared/testdata/parquet (read in place, never copied into the repo):
// files/<name>, expected/<name>.jsonl and MANIFEST.json.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#ifndef MEDALLION_SHARED_TESTDATA
#error "MEDALLION_SHARED_TESTDATA must point at ../shared/testdata"
#endif

namespace medallion::parquet::testing {

inline std::filesystem::path testdata_dir() {
  return std::filesystem::path(MEDALLION_SHARED_TESTDATA) / "parquet";
}

inline std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Sorted names of every file under files/ (empty if the directory is absent;
// a separate test insists that it is present).
inline std::vector<std::string> testdata_files() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(testdata_dir() / "files", ec)) {
    if (entry.is_regular_file()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

inline std::string file_bytes(const std::string& name) {
  return read_bytes(testdata_dir() / "files" / name);
}

// The footer's FileMetaData bytes of a well-formed file (no checks: the
// footer tests check; this only cuts).
inline std::string footer_metadata_bytes(const std::string& file) {
  if (file.size() < 12) return {};
  uint32_t length = 0;
  for (int i = 0; i < 4; ++i) {
    length |= static_cast<uint32_t>(static_cast<uint8_t>(file[file.size() - 8 + i])) << (8 * i);
  }
  if (length > file.size() - 12) return {};
  return file.substr(file.size() - 8 - length, length);
}

// "alltypes_plain.parquet" → "alltypes_plain_parquet", for test names.
inline std::string test_name_of(const std::string& file) {
  std::string out;
  for (char c : file) out.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return out;
}

}  // namespace medallion::parquet::testing
