// Reads every file in ../shared/testdata/parquet/files with ParquetReader and
// compares the rendered rows with expected/<file>.jsonl (written by DuckDB and
// cross-checked by hyparquet): the first row_lines rows line by line, and the
// SHA-256 of all rows. Malformed files must fail with a clear error. One test
// runs the whole set and names every file it fails on.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <string>
#include <vector>

#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/value_json.h"
#include "parquet_testdata.h"
#include "util/file_system.h"
#include "util/sha256.h"

namespace medallion::parquet {
namespace {

using testing::testdata_dir;
using testing::testdata_files;

struct Expected {
  std::string header;
  bool malformed = false;
  std::string rows_mode;  // all | sample | none
  std::string sha256;
  std::vector<std::string> row_lines;
};

Expected load_expected(const std::string& file) {
  Expected e;
  std::ifstream in(testdata_dir() / "expected" / (file + ".jsonl"));
  std::string line;
  std::getline(in, e.header);
  simdjson::dom::parser parser;
  simdjson::dom::element header = parser.parse(e.header);
  e.malformed = header["malformed"].get_bool().value_unsafe();
  e.rows_mode = std::string(header["rows"].get_string().value_unsafe());
  if (header["rows_sha256"].is_string()) e.sha256 = std::string(header["rows_sha256"].get_string().value_unsafe());
  const int64_t row_lines = header["row_lines"].get_int64().value_unsafe();
  for (int64_t i = 0; i < row_lines && std::getline(in, line); ++i) e.row_lines.push_back(line);
  return e;
}

// Every row of the file rendered as JSON lines, or the reader's error.
util::Result<std::vector<std::string>> read_rows(const std::string& path, ReaderOptions options) {
  MEDALLION_ASSIGN_OR_RETURN(auto reader, ParquetReader::open(util::posix_file_system(), path, options));
  std::vector<std::string> rows;
  const std::vector<size_t> fields = reader->all_fields();
  for (size_t rg = 0; rg < reader->num_row_groups(); ++rg) {
    MEDALLION_ASSIGN_OR_RETURN(RowBatch batch, reader->read_row_group(rg, fields));
    for (size_t r = 0; r < batch.num_rows; ++r) {
      std::string line;
      append_row_json(reader->schema(), batch, r, &line);
      rows.push_back(std::move(line));
    }
  }
  return rows;
}

// "" when the rows match, else what differs.
std::string compare(const Expected& expected, const std::vector<std::string>& rows) {
  for (size_t i = 0; i < expected.row_lines.size(); ++i) {
    if (i >= rows.size()) return "only " + std::to_string(rows.size()) + " rows";
    if (rows[i] != expected.row_lines[i]) {
      return "row " + std::to_string(i) + ":\n    got      " + rows[i].substr(0, 400) +
             "\n    expected " + expected.row_lines[i].substr(0, 400);
    }
  }
  util::Sha256 sha;
  for (const std::string& row : rows) {
    sha.update(row);
    sha.update("\n");
  }
  if (sha.hex_digest() != expected.sha256) {
    return "the SHA-256 of all " + std::to_string(rows.size()) + " rows differs";
  }
  return "";
}

TEST(ParquetTestdata, EveryFileReadsToItsExpectedRows) {
  const std::vector<std::string> files = testdata_files();
  ASSERT_FALSE(files.empty()) << "no files under " << testdata_dir();
  std::vector<std::string> failures;
  for (const std::string& file : files) {
    const Expected expected = load_expected(file);
    const std::string path = (testdata_dir() / "files" / file).string();
    auto rows = read_rows(path, ReaderOptions{});
    if (expected.malformed) {
      if (rows.is_ok()) {
        failures.push_back(file + ": a malformed file was read without an error");
        continue;
      }
      const std::string& message = rows.status().message();
      if (message.find(file) == std::string::npos) {
        failures.push_back(file + ": the error does not name the file: " + message);
      }
      if (expected.rows_mode != "none") {
        // Bad page checksums: with verification off the rows are as expected.
        if (message.find("checksum") == std::string::npos) {
          failures.push_back(file + ": expected a checksum error, got: " + message);
        }
        auto lenient = read_rows(path, ReaderOptions{.verify_checksums = false});
        if (!lenient.is_ok()) {
          failures.push_back(file + " (checksums off): " + lenient.status().message());
        } else if (std::string diff = compare(expected, *lenient); !diff.empty()) {
          failures.push_back(file + " (checksums off): " + diff);
        }
      }
      continue;
    }
    if (!rows.is_ok()) {
      failures.push_back(file + ": " + rows.status().message());
    } else if (std::string diff = compare(expected, *rows); !diff.empty()) {
      failures.push_back(file + ": " + diff);
    }
  }
  std::string report;
  for (const std::string& f : failures) report += "  " + f + "\n";
  EXPECT_TRUE(failures.empty()) << failures.size() << " of " << files.size()
                                << " files failed:\n" << report;
}

}  // namespace
}  // namespace medallion::parquet
