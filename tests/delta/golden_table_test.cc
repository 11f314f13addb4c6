// Every table under ../shared/testdata/delta/golden (written by Spark/Delta)
// reads to what its MANIFEST.json entry expects: version, schema, live
// files, rows (as a multiset) or the order-independent aggregates, and the
// state after every earlier version (time travel by version and by the
// commitInfo timestamps). One test runs the whole set and names every table
// and check it fails on.
#include <simdjson.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "delta/snapshot.h"
#include "delta/table_scan.h"
#include "formats/parquet/json_number.h"
#include "formats/parquet/value_json.h"
#include "util/file_system.h"

#ifndef MEDALLION_SHARED_TESTDATA
#error "MEDALLION_SHARED_TESTDATA must point at ../shared/testdata"
#endif

namespace medallion::delta {
namespace {

std::filesystem::path golden_dir() {
  return std::filesystem::path(MEDALLION_SHARED_TESTDATA) / "delta" / "golden";
}

// A JSON value in one spelling: object keys sorted, numbers through one
// double formatter (integers beyond 2^53 arrive as strings on both sides).
void canonical(simdjson::dom::element e, std::string* out) {
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT: {
      std::map<std::string, simdjson::dom::element> fields;
      for (auto [key, value] : e.get_object()) fields.emplace(std::string(key), value);
      out->push_back('{');
      bool first = true;
      for (auto& [key, value] : fields) {
        if (!first) out->push_back(',');
        first = false;
        *out += "\"" + key + "\":";
        canonical(value, out);
      }
      out->push_back('}');
      break;
    }
    case simdjson::dom::element_type::ARRAY: {
      out->push_back('[');
      bool first = true;
      for (auto value : e.get_array()) {
        if (!first) out->push_back(',');
        first = false;
        canonical(value, out);
      }
      out->push_back(']');
      break;
    }
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
    case simdjson::dom::element_type::DOUBLE:
      parquet::append_json_double(e.get_double().value(), out);
      break;
    default:
      *out += simdjson::minify(e);
      break;
  }
}

std::string canonical_json(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  if (parser.parse(simdjson::padded_string(json)).get(e) != simdjson::SUCCESS) {
    return "<bad json: " + std::string(json) + ">";
  }
  std::string out;
  canonical(e, &out);
  return out;
}

// The rows of a snapshot, each rendered as one JSON object.
util::Result<std::vector<std::string>> scan_rows(const Snapshot& snapshot) {
  MEDALLION_ASSIGN_OR_RETURN(TableScan scan, TableScan::make(snapshot));
  std::vector<std::string> rows;
  MEDALLION_RETURN_IF_ERROR(
      scan.read_all(util::posix_file_system(), [&](parquet::RowBatch&& batch) {
        std::string text;
        parquet::append_rows_jsonl(scan.output_tree(), batch, &text);
        size_t start = 0;
        while (start < text.size()) {
          size_t end = text.find('\n', start);
          if (end == std::string::npos) end = text.size();
          rows.push_back(text.substr(start, end - start));
          start = end + 1;
        }
        return util::Status::ok();
      }));
  return rows;
}

std::vector<std::string> canonical_rows(const std::vector<std::string>& rows) {
  std::vector<std::string> out;
  for (const std::string& row : rows) out.push_back(canonical_json(row));
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> expected_rows(simdjson::dom::array rows) {
  std::vector<std::string> out;
  for (auto row : rows) {
    std::string text;
    canonical(row, &text);
    out.push_back(text);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Exact decimal text -> (unscaled, scale).
std::pair<__int128, int> parse_decimal(std::string_view s) {
  bool negative = !s.empty() && s[0] == '-';
  if (negative) s.remove_prefix(1);
  __int128 v = 0;
  int scale = -1;
  for (char c : s) {
    if (c == '.') {
      scale = 0;
      continue;
    }
    v = v * 10 + (c - '0');
    if (scale >= 0) ++scale;
  }
  return {negative ? -v : v, std::max(scale, 0)};
}

std::string int128_text(__int128 v) {
  if (v == 0) return "0";
  bool negative = v < 0;
  std::string digits;
  while (v != 0) {
    int d = static_cast<int>(v % 10);
    digits.push_back(static_cast<char>('0' + (d < 0 ? -d : d)));
    v /= 10;
  }
  if (negative) digits.push_back('-');
  std::reverse(digits.begin(), digits.end());
  return digits;
}

std::string decimal_text(__int128 unscaled, int scale) {
  std::string digits = int128_text(unscaled < 0 ? -unscaled : unscaled);
  if (scale > 0) {
    if (static_cast<int>(digits.size()) <= scale) {
      digits.insert(0, static_cast<size_t>(scale) - digits.size() + 1, '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(scale), ".");
  }
  return (unscaled < 0 ? "-" : "") + digits;
}

size_t code_points(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Checks expected_aggregates against the rendered rows; returns failures.
std::vector<std::string> check_aggregates(const std::vector<std::string>& rows,
                                          simdjson::dom::object expected, const Schema& schema) {
  std::vector<std::string> failures;
  simdjson::dom::parser parser;
  for (auto [column_key, spec_element] : expected) {
    std::string column(column_key);
    const Field* field = schema.find(column);
    if (field == nullptr) {
      failures.push_back("aggregate for unknown column " + column);
      continue;
    }
    simdjson::dom::object spec = spec_element.get_object();
    int64_t non_null = 0, true_count = 0;
    size_t total_length = 0, total_bytes = 0;
    std::optional<std::string> min_text, max_text;
    std::optional<double> min_num, max_num;
    __int128 sum = 0;
    int sum_scale = field->type.kind == TypeKind::kDecimal ? field->type.scale : 0;
    double sum_approx = 0;
    for (const std::string& row : rows) {
      simdjson::dom::element doc;
      if (parser.parse(row).get(doc) != simdjson::SUCCESS) continue;
      simdjson::dom::element v;
      if (doc[column].get(v) != simdjson::SUCCESS || v.is_null()) continue;
      ++non_null;
      switch (field->type.kind) {
        case TypeKind::kBoolean:
          true_count += v.get_bool().value() ? 1 : 0;
          break;
        case TypeKind::kByte:
        case TypeKind::kShort:
        case TypeKind::kInteger:
        case TypeKind::kLong: {
          int64_t x = v.is_string() ? std::stoll(std::string(v.get_string().value()))
                                    : v.get_int64().value();
          sum += x;
          double d = static_cast<double>(x);
          if (!min_num || d < *min_num) min_num = d;
          if (!max_num || d > *max_num) max_num = d;
          break;
        }
        case TypeKind::kFloat:
        case TypeKind::kDouble: {
          if (v.is_string()) break;  // NaN / infinities
          double d = v.get_double().value();
          sum_approx += d;
          if (!min_num || d < *min_num) min_num = d;
          if (!max_num || d > *max_num) max_num = d;
          break;
        }
        case TypeKind::kDecimal: {
          auto [unscaled, scale] = parse_decimal(v.get_string().value());
          (void)scale;
          sum += unscaled;
          double d = static_cast<double>(unscaled);
          if (!min_num || d < *min_num) {
            min_num = d;
            min_text = std::string(v.get_string().value());
          }
          if (!max_num || d > *max_num) {
            max_num = d;
            max_text = std::string(v.get_string().value());
          }
          break;
        }
        case TypeKind::kString: {
          std::string s(v.get_string().value());
          total_length += code_points(s);
          if (!min_text || s < *min_text) min_text = s;
          if (!max_text || s > *max_text) max_text = s;
          break;
        }
        case TypeKind::kBinary:
          total_bytes += v.get_string().value().size() / 2;
          break;
        case TypeKind::kDate:
        case TypeKind::kTimestamp:
        case TypeKind::kTimestampNtz: {
          std::string s(v.get_string().value());
          if (!min_text || s < *min_text) min_text = s;
          if (!max_text || s > *max_text) max_text = s;
          break;
        }
        default:
          break;
      }
    }
    auto fail = [&](std::string_view what, const std::string& got, const std::string& want) {
      failures.push_back(fmt::format("{}.{}: got {}, expected {}", column, what, got, want));
    };
    for (auto [key_view, want] : spec) {
      std::string key(key_view);
      if (key == "non_null") {
        if (want.get_int64().value() != non_null) {
          fail(key, std::to_string(non_null), simdjson::minify(want));
        }
      } else if (key == "true_count") {
        if (want.get_int64().value() != true_count) {
          fail(key, std::to_string(true_count), simdjson::minify(want));
        }
      } else if (key == "total_length") {
        if (static_cast<size_t>(want.get_int64().value()) != total_length) {
          fail(key, std::to_string(total_length), simdjson::minify(want));
        }
      } else if (key == "total_bytes") {
        if (static_cast<size_t>(want.get_int64().value()) != total_bytes) {
          fail(key, std::to_string(total_bytes), simdjson::minify(want));
        }
      } else if (key == "sum") {
        std::string got = field->type.kind == TypeKind::kDecimal ? decimal_text(sum, sum_scale)
                                                                  : int128_text(sum);
        if (got != want.get_string().value()) fail(key, got, simdjson::minify(want));
      } else if (key == "sum_approx") {
        double w = want.get_double().value();
        if (std::fabs(sum_approx - w) > 1e-9 * std::max(1.0, std::fabs(w))) {
          fail(key, fmt::format("{:.12g}", sum_approx), simdjson::minify(want));
        }
      } else if (key == "min" || key == "max") {
        bool is_min = key == "min";
        if (want.is_string()) {
          std::optional<std::string>& got = is_min ? min_text : max_text;
          if (!got || *got != want.get_string().value()) {
            fail(key, got.value_or("none"), simdjson::minify(want));
          }
        } else {
          std::optional<double>& got = is_min ? min_num : max_num;
          double w = want.get_double().value();
          if (!got || std::fabs(*got - w) > 1e-6 * std::max(1.0, std::fabs(w))) {
            fail(key, got ? fmt::format("{}", *got) : "none", simdjson::minify(want));
          }
        }
      }
    }
  }
  return failures;
}

// Checks one table (or one version of it) against an expectation object.
void check_state(const std::string& table, const std::string& where, const Snapshot& snapshot,
                 simdjson::dom::object expect, bool log_only, std::vector<std::string>* failures) {
  auto fail = [&](const std::string& what) {
    failures->push_back(fmt::format("{} {}: {}", table, where, what));
  };
  int64_t live_files = 0;
  if (expect["live_files"].get(live_files) == simdjson::SUCCESS ||
      expect["live_file_count"].get(live_files) == simdjson::SUCCESS) {
    if (static_cast<int64_t>(snapshot.files.size()) != live_files) {
      fail(fmt::format("{} live files, expected {}", snapshot.files.size(), live_files));
    }
  }
  simdjson::dom::array live_file_list;
  if (expect["live_files"].get(live_file_list) == simdjson::SUCCESS) {
    std::vector<std::string> want, got;
    for (auto f : live_file_list) want.emplace_back(f["path"].get_string().value());
    for (const AddFile& f : snapshot.files) got.push_back(f.path);
    std::sort(want.begin(), want.end());
    if (want != got) fail("live file paths differ");
  }
  if (log_only) return;
  simdjson::dom::element row_count;
  bool has_count = expect["expected_row_count"].get(row_count) == simdjson::SUCCESS ||
                   expect["row_count"].get(row_count) == simdjson::SUCCESS;
  if (has_count && row_count.is_null()) return;  // data files vacuumed
  auto rows = scan_rows(snapshot);
  if (!rows.is_ok()) {
    fail("scan failed: " + rows.status().message());
    return;
  }
  if (has_count && static_cast<int64_t>(rows.value().size()) != row_count.get_int64().value()) {
    fail(fmt::format("{} rows, expected {}", rows.value().size(), row_count.get_int64().value()));
  }
  simdjson::dom::array want_rows;
  if (expect["expected_rows"].get(want_rows) == simdjson::SUCCESS ||
      expect["rows"].get(want_rows) == simdjson::SUCCESS) {
    auto got = canonical_rows(rows.value());
    auto want = expected_rows(want_rows);
    if (got != want) {
      std::string detail;
      for (size_t i = 0; i < std::max(got.size(), want.size()) && detail.size() < 600; ++i) {
        std::string g = i < got.size() ? got[i] : "<none>";
        std::string w = i < want.size() ? want[i] : "<none>";
        if (g != w) detail += fmt::format("\n    got  {}\n    want {}", g, w);
      }
      fail("rows differ:" + detail);
    }
  }
  simdjson::dom::object aggregates;
  if (expect["expected_aggregates"].get(aggregates) == simdjson::SUCCESS) {
    for (const std::string& f : check_aggregates(rows.value(), aggregates, snapshot.schema)) {
      fail(f);
    }
  }
}

TEST(GoldenTables, EveryTableReadsAsItsManifestSays) {
  simdjson::dom::parser parser;
  simdjson::dom::element manifest;
  ASSERT_EQ(parser.load((golden_dir() / "MANIFEST.json").string()).get(manifest),
            simdjson::SUCCESS)
      << "missing " << golden_dir() / "MANIFEST.json";
  std::vector<std::string> failures;
  size_t tables = 0;
  for (auto entry : manifest["tables"].get_array()) {
    ++tables;
    std::string name(entry["name"].get_string().value());
    std::string root = (golden_dir() / std::string(entry["dir"].get_string().value())).string();
    bool log_only = false;
    if (entry["log_only"].get(log_only) != simdjson::SUCCESS) log_only = false;
    auto snapshot = load_snapshot(util::posix_file_system(), root);
    if (!snapshot.is_ok()) {
      failures.push_back(name + ": load failed: " + snapshot.status().message());
      continue;
    }
    int64_t latest = entry["latest_version"].get_int64().value();
    if (snapshot.value().version != latest) {
      failures.push_back(fmt::format("{}: version {}, expected {}", name,
                                     snapshot.value().version, latest));
    }
    // The schema, compared in our canonical serialization.
    auto want_schema = parse_schema(simdjson::minify(entry["expected_schema"]));
    if (!want_schema.is_ok()) {
      failures.push_back(name + ": expected_schema does not parse: " +
                         want_schema.status().message());
    } else if (serialize_schema(want_schema.value()) != serialize_schema(snapshot.value().schema)) {
      failures.push_back(fmt::format("{}: schema {}\n  expected {}", name,
                                     serialize_schema(snapshot.value().schema),
                                     serialize_schema(want_schema.value())));
    }
    check_state(name, "latest", snapshot.value(), entry.get_object(), log_only, &failures);

    // Every earlier version, by version and by its commit timestamp.
    simdjson::dom::array versions;
    if (entry["versions"].get(versions) != simdjson::SUCCESS) continue;
    auto history = read_history(util::posix_file_system(), root, CommitTimeSource::kCommitInfo);
    for (auto v : versions) {
      int64_t version = v["version"].get_int64().value();
      auto old = load_snapshot(util::posix_file_system(), root, version);
      if (!old.is_ok()) {
        // Versions before the oldest checkpoint whose commits are gone
        // cannot be rebuilt; the manifest lists them all.
        if (old.status().code() != util::StatusCode::kNotFound) {
          failures.push_back(
              fmt::format("{} v{}: load failed: {}", name, version, old.status().message()));
        }
        continue;
      }
      check_state(name, fmt::format("v{}", version), old.value(), v.get_object(), log_only,
                  &failures);
      int64_t commit_ts = 0;
      if (history.is_ok() && v["commitInfo_timestamp"].get(commit_ts) == simdjson::SUCCESS) {
        auto at = version_at_timestamp(util::posix_file_system(), root, commit_ts,
                                       CommitTimeSource::kCommitInfo);
        if (!at.is_ok() || at.value() < version) {
          failures.push_back(fmt::format(
              "{} v{}: time travel to its commit timestamp {} gave {}", name, version, commit_ts,
              at.is_ok() ? std::to_string(at.value()) : at.status().message()));
        }
      }
    }
  }
  EXPECT_GT(tables, 20u);
  std::string report;
  for (const std::string& f : failures) report += "\n  " + f;
  EXPECT_TRUE(failures.empty()) << failures.size() << " failures:" << report;
}

}  // namespace
}  // namespace medallion::delta
