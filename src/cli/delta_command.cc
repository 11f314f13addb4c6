// `medallion delta describe|history|files|cat|checkpoint TABLE`: look inside
// a Delta table (a directory holding _delta_log) and maintain it.
//   describe    version, protocol, id, partition columns, configuration,
//               schema ("name: type" lines), files, bytes, txns (--json)
//   history     one line per commit, newest first: version, time (ISO-8601
//               UTC), operation, its parameters and metrics (--json, --limit)
//   files       the live data files: path, size, partition values, rows
//               (stats numRecords), deleted rows (deletion vector) (--json)
//   cat         rows as JSON Lines (rendering rules of value_json.h);
//               --columns, --limit, --where col<op>value (op = != < <= > >=)
//               on top-level primitive columns: files are skipped on
//               partition values and statistics, and the rows read are
//               filtered too, so only matching rows are printed
//   checkpoint  writes a checkpoint of the latest version
//   vacuum      deletes files no retained version needs (vacuum.h);
//               --retain-hours, --dry-run, --no-retention-check, --json
//   optimize    bin-packing compaction (optimize.h); --where on partition
//               columns, --target-file-mb, --min-files, --json
// Time travel: --version N or --timestamp ISO-8601 (the latest version
// committed at or before it; commit time per --time-source).
// Exit codes: 0 ok, 1 failure (one line on stderr), 2 bad usage.
#include <fmt/format.h>
#include <simdjson.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.h"
#include "delta/checkpoint_writer.h"
#include "delta/delta_schema.h"
#include "delta/file_stats.h"
#include "delta/optimize.h"
#include "delta/partition_value.h"
#include "delta/scan_filter.h"
#include "delta/snapshot.h"
#include "delta/table_scan.h"
#include "delta/vacuum.h"
#include "formats/parquet/value_json.h"
#include "util/civil_time.h"
#include "util/json_writer.h"

namespace medallion::cli {
namespace {

using delta::CompareOp;
using delta::Snapshot;

struct DeltaArgs {
  std::string table;
  bool json = false;
  std::optional<int64_t> version;
  std::string timestamp;
  std::string time_source = "file";
  int64_t limit = -1;
  std::vector<std::string> columns;
  std::vector<std::string> where;
  std::optional<double> retain_hours;
  bool dry_run = false;
  bool no_retention_check = false;
  int64_t target_file_mb = 128;
  int64_t min_files = 2;
};

int usage_failure(const std::string& message) {
  std::fprintf(stderr, "medallion: %s\n", message.c_str());
  return kExitUsage;
}

delta::CommitTimeSource time_source(const DeltaArgs& args) {
  return args.time_source == "commit-info" ? delta::CommitTimeSource::kCommitInfo
                                           : delta::CommitTimeSource::kFileModificationTime;
}

// "2020-10-26T14:52:47.632Z" of ms since the epoch.
std::string format_ms(int64_t ms) {
  int64_t frac = ms % 1000;
  if (frac < 0) frac += 1000;
  return util::format_iso8601((ms - frac) * 1000, util::FractionStyle::kNever) +
         fmt::format(".{:03}Z", frac);
}

// The snapshot the time-travel options ask for.
util::Result<Snapshot> load(const DeltaArgs& args) {
  util::FileSystem& fs = util::posix_file_system();
  std::optional<int64_t> version = args.version;
  if (!args.timestamp.empty()) {
    const std::optional<int64_t> micros = util::parse_iso8601(args.timestamp);
    if (!micros) {
      return util::Status::invalid_argument(
          fmt::format("delta: --timestamp '{}' is not ISO-8601 (table {}): use e.g. "
                      "2024-01-31T12:00:00Z",
                      args.timestamp, args.table));
    }
    // Floor to ms: a commit at ms m is "at or before" any instant within m.
    int64_t ms = *micros / 1000;
    if (*micros % 1000 < 0) --ms;
    auto at = delta::version_at_timestamp(fs, args.table, ms, time_source(args));
    if (!at.is_ok()) return at.status();
    version = *at;
  }
  return delta::load_snapshot(fs, args.table, version);
}

void print(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

int finish() { return std::fflush(stdout) == 0 ? kExitOk : kExitFailure; }

void write_partition_values(util::JsonWriter& w, const delta::PartitionValues& values) {
  w.begin_object();
  for (const auto& [k, v] : values) {
    w.key(k);
    v ? w.value(*v) : w.null();
  }
  w.end_object();
}

std::string partition_values_text(const delta::PartitionValues& values) {
  std::string out;
  for (const auto& [k, v] : values) {
    if (!out.empty()) out += ",";
    out += k + "=" + (v ? *v : std::string("null"));
  }
  return out.empty() ? "-" : out;
}

// ---------------------------------------------------------- describe ----

void schema_lines(const std::vector<delta::Field>& fields, const std::string& prefix,
                  std::string* out) {
  for (const delta::Field& f : fields) {
    *out += fmt::format("  {}{}: {}{}\n", prefix, f.name, f.type.to_string(),
                        f.nullable ? "" : " not null");
  }
}

int run_describe(const DeltaArgs& args) {
  auto loaded = load(args);
  if (!loaded.is_ok()) return report_failure(loaded.status());
  const Snapshot& s = *loaded;
  const delta::Protocol& p = s.protocol;
  if (args.json) {
    util::JsonWriter w(true);
    w.begin_object();
    w.key("table").value(s.table_root);
    w.key("version").value(s.version);
    w.key("id").value(s.metadata.id);
    w.key("name");
    s.metadata.name ? w.value(*s.metadata.name) : w.null();
    w.key("description");
    s.metadata.description ? w.value(*s.metadata.description) : w.null();
    w.key("createdTime");
    s.metadata.created_time ? w.value(*s.metadata.created_time) : w.null();
    w.key("protocol").begin_object();
    w.key("minReaderVersion").value(int64_t{p.min_reader_version});
    w.key("minWriterVersion").value(int64_t{p.min_writer_version});
    auto features = [&](const char* key, const std::optional<std::vector<std::string>>& list) {
      if (!list) return;
      w.key(key).begin_array();
      for (const std::string& f : *list) w.value(f);
      w.end_array();
    };
    features("readerFeatures", p.reader_features);
    features("writerFeatures", p.writer_features);
    w.end_object();
    w.key("partitionColumns").begin_array();
    for (const std::string& c : s.metadata.partition_columns) w.value(c);
    w.end_array();
    w.key("configuration").begin_object();
    for (const auto& [k, v] : s.metadata.configuration) w.key(k).value(v);
    w.end_object();
    w.key("schema").raw(delta::serialize_schema(s.schema));
    w.key("numFiles").value(static_cast<int64_t>(s.files.size()));
    w.key("sizeInBytes").value(s.size_in_bytes());
    w.key("txns").begin_array();
    for (const auto& [app, txn] : s.txns) {
      w.begin_object();
      w.key("appId").value(app);
      w.key("version").value(txn.version);
      w.key("lastUpdated");
      txn.last_updated ? w.value(*txn.last_updated) : w.null();
      w.end_object();
    }
    w.end_array();
    w.end_object();
    print(w.str() + "\n");
    return finish();
  }
  std::string out;
  out += fmt::format("table              {}\n", s.table_root);
  out += fmt::format("version            {}\n", s.version);
  out += fmt::format("id                 {}\n", s.metadata.id);
  if (s.metadata.name) out += fmt::format("name               {}\n", *s.metadata.name);
  if (s.metadata.description)
    out += fmt::format("description        {}\n", *s.metadata.description);
  std::string protocol =
      fmt::format("reader {}, writer {}", p.min_reader_version, p.min_writer_version);
  auto join = [](const std::vector<std::string>& v) {
    std::string r;
    for (const std::string& x : v) r += (r.empty() ? "" : ",") + x;
    return r;
  };
  if (p.reader_features) protocol += "; reader features: " + join(*p.reader_features);
  if (p.writer_features) protocol += "; writer features: " + join(*p.writer_features);
  out += fmt::format("protocol           {}\n", protocol);
  out += fmt::format("partition columns  {}\n", s.metadata.partition_columns.empty()
                                                    ? std::string("-")
                                                    : join(s.metadata.partition_columns));
  for (const auto& [k, v] : s.metadata.configuration) {
    out += fmt::format("configuration      {} = {}\n", k, v);
  }
  out += fmt::format("files              {}\n", s.files.size());
  out += fmt::format("size               {} bytes\n", s.size_in_bytes());
  for (const auto& [app, txn] : s.txns) {
    out += fmt::format("txn                {} = {}\n", app, txn.version);
  }
  out += "schema\n";
  schema_lines(s.schema.fields, "", &out);
  print(out);
  return finish();
}

// ----------------------------------------------------------- history ----

// `key=value` for each member of commitInfo[member]; string values unquoted.
void summarize_member(simdjson::dom::object info, const char* member, std::string* out) {
  simdjson::dom::object o;
  if (info.at_key(member).get_object().get(o) != simdjson::SUCCESS) return;
  for (auto field : o) {
    std::string_view str;
    std::string value = field.value.get_string().get(str) == simdjson::SUCCESS
                            ? std::string(str)
                            : simdjson::minify(field.value);
    if (!out->empty()) *out += " ";
    *out += std::string(field.key) + "=" + value;
  }
}

std::string commit_summary(const std::string& json) {
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(json);
  simdjson::dom::element root;
  simdjson::dom::object info;
  if (parser.parse(padded).get(root) != simdjson::SUCCESS ||
      root.get_object().get(info) != simdjson::SUCCESS) {
    return "";
  }
  std::string params;
  summarize_member(info, "operationParameters", &params);
  std::string metrics;
  summarize_member(info, "operationMetrics", &metrics);
  if (!metrics.empty()) params += (params.empty() ? "" : " | ") + metrics;
  return params;
}

int run_history(const DeltaArgs& args) {
  auto history = delta::read_history(util::posix_file_system(), args.table, time_source(args));
  if (!history.is_ok()) return report_failure(history.status());
  std::vector<delta::CommitEntry>& entries = *history;
  // Newest first, as DESCRIBE HISTORY lists them.
  std::reverse(entries.begin(), entries.end());
  if (args.limit >= 0 && entries.size() > static_cast<uint64_t>(args.limit)) {
    entries.resize(static_cast<size_t>(args.limit));
  }
  if (args.json) {
    util::JsonWriter w(true);
    w.begin_array();
    for (const delta::CommitEntry& e : entries) {
      w.begin_object();
      w.key("version").value(e.version);
      w.key("timestamp").value(e.timestamp_ms);
      w.key("time").value(format_ms(e.timestamp_ms));
      w.key("operation");
      e.commit_info&& e.commit_info->operation ? w.value(*e.commit_info->operation) : w.null();
      w.key("commitInfo");
      e.commit_info && !e.commit_info->json.empty() ? w.raw(e.commit_info->json) : w.null();
      w.end_object();
    }
    w.end_array();
    print(w.str() + "\n");
    return finish();
  }
  std::string out;
  for (const delta::CommitEntry& e : entries) {
    const std::string op =
        e.commit_info && e.commit_info->operation ? *e.commit_info->operation : std::string("-");
    const std::string summary = e.commit_info ? commit_summary(e.commit_info->json) : "";
    out += fmt::format("{:<6} {}  {:<20} {}\n", e.version, format_ms(e.timestamp_ms), op, summary);
  }
  print(out);
  return finish();
}

// ------------------------------------------------------------- files ----

int run_files(const DeltaArgs& args) {
  auto loaded = load(args);
  if (!loaded.is_ok()) return report_failure(loaded.status());
  const Snapshot& s = *loaded;
  auto num_records = [&](const delta::AddFile& f) -> std::optional<int64_t> {
    if (!f.stats) return std::nullopt;
    auto stats = delta::parse_file_stats(*f.stats, s.schema, s.column_mapping);
    if (!stats.is_ok()) return std::nullopt;
    return stats->num_records;
  };
  if (args.json) {
    util::JsonWriter w(true);
    w.begin_array();
    for (const delta::AddFile& f : s.files) {
      w.begin_object();
      w.key("path").value(f.path);
      w.key("size").value(f.size);
      w.key("modificationTime").value(f.modification_time);
      w.key("partitionValues");
      write_partition_values(w, f.partition_values);
      const std::optional<int64_t> n = num_records(f);
      w.key("numRecords");
      n ? w.value(*n) : w.null();
      w.key("deletedRows");
      f.deletion_vector ? w.value(f.deletion_vector->cardinality) : w.null();
      w.end_object();
    }
    w.end_array();
    print(w.str() + "\n");
    return finish();
  }
  std::string out = fmt::format("{:>12} {:>10} {:>8}  {:<24} {}\n", "size", "rows", "deleted",
                                "partition", "path");
  for (const delta::AddFile& f : s.files) {
    const std::optional<int64_t> n = num_records(f);
    out += fmt::format("{:>12} {:>10} {:>8}  {:<24} {}\n", f.size, n ? std::to_string(*n) : "-",
                       f.deletion_vector ? std::to_string(f.deletion_vector->cardinality) : "-",
                       partition_values_text(f.partition_values), f.path);
  }
  print(out);
  return finish();
}

// --------------------------------------------------------------- cat ----

// "col<op>value" -> (col, op, value text); false when there is no operator.
bool split_where(const std::string& text, std::string* column, CompareOp* op, std::string* value) {
  const size_t at = text.find_first_of("=<>!");
  if (at == std::string::npos || at == 0) return false;
  *column = text.substr(0, at);
  while (!column->empty() && column->back() == ' ') column->pop_back();
  const std::string_view rest = std::string_view(text).substr(at);
  const bool two = rest.size() >= 2 &&
                   (rest.starts_with("<=") || rest.starts_with(">=") || rest.starts_with("!=") ||
                    rest.starts_with("<>") || rest.starts_with("=="));
  const size_t len = two ? 2 : 1;
  if (rest.starts_with("<=")) {
    *op = CompareOp::kLe;
  } else if (rest.starts_with(">=")) {
    *op = CompareOp::kGe;
  } else if (rest.starts_with("!=") || rest.starts_with("<>")) {
    *op = CompareOp::kNe;
  } else if (rest.starts_with("==")) {
    *op = CompareOp::kEq;
  } else if (rest[0] == '=') {
    *op = CompareOp::kEq;
  } else if (rest[0] == '<') {
    *op = CompareOp::kLt;
  } else if (rest[0] == '>') {
    *op = CompareOp::kGt;
  } else {
    return false;
  }
  *value = std::string(rest.substr(len));
  return !column->empty();
}

// Parses --where options against the snapshot's schema (top-level primitive
// columns only); on error returns the message for a usage failure.
std::optional<std::string> parse_where(const Snapshot& s, const std::vector<std::string>& where,
                                       std::vector<delta::ColumnPredicate>* out) {
  for (const std::string& text : where) {
    delta::ColumnPredicate p;
    std::string value;
    if (!split_where(text, &p.column, &p.op, &value)) {
      return fmt::format("--where '{}' is not <column><op><value> with op one of = != < <= > >=",
                         text);
    }
    const delta::Field* field = s.schema.find(p.column);
    if (field == nullptr || !delta::is_primitive(field->type.kind)) {
      return fmt::format("--where '{}': '{}' is not a top-level column of a primitive type of {}",
                         text, p.column, s.table_root);
    }
    p.column = field->name;
    if (value.empty()) return fmt::format("--where '{}': the value is empty", text);
    auto scalar = delta::parse_partition_value(field->type, value, field->name);
    if (!scalar.is_ok()) return fmt::format("--where '{}': {}", text, scalar.status().message());
    p.value = std::move(scalar).value();
    out->push_back(std::move(p));
  }
  return std::nullopt;
}

// Big-endian two's complement bytes -> Int128 (at most 16 bytes).
__extension__ typedef unsigned __int128 UInt128;

delta::Int128 be_int128(std::string_view bytes) {
  UInt128 v = (!bytes.empty() && (static_cast<uint8_t>(bytes[0]) & 0x80)) ? ~UInt128{0} : 0;
  for (char c : bytes) v = (v << 8) | static_cast<uint8_t>(c);
  return static_cast<delta::Int128>(v);
}

// Slot i of a top-level primitive column in canonical storage as a Scalar;
// nullopt for a null (or a storage this does not know, which never matches).
std::optional<delta::Scalar> slot_scalar(const delta::DataType& type, const parquet::ValueArray& a,
                                         size_t i) {
  if (a.kind != parquet::ValueKind::kLeaf || i >= a.length || a.is_null(i)) return std::nullopt;
  const parquet::LeafValues& v = a.values;
  using delta::Scalar;
  using delta::TypeKind;
  auto i32 = [&]() -> std::optional<int32_t> {
    if (i < v.i32.size()) return v.i32[i];
    return std::nullopt;
  };
  auto i64 = [&]() -> std::optional<int64_t> {
    if (i < v.i64.size()) return v.i64[i];
    return std::nullopt;
  };
  switch (type.kind) {
    case TypeKind::kBoolean:
      if (i < v.bools.size()) return Scalar::of_boolean(v.bools[i] != 0);
      return std::nullopt;
    case TypeKind::kByte:
    case TypeKind::kShort:
    case TypeKind::kInteger:
      if (auto x = i32()) return Scalar::of_long(*x);
      return std::nullopt;
    case TypeKind::kLong:
      if (auto x = i64()) return Scalar::of_long(*x);
      return std::nullopt;
    case TypeKind::kDate:
      if (auto x = i32()) return Scalar::of_date(*x);
      return std::nullopt;
    case TypeKind::kTimestamp:
      if (auto x = i64()) return Scalar::of_timestamp(*x);
      return std::nullopt;
    case TypeKind::kTimestampNtz:
      if (auto x = i64()) return Scalar::of_timestamp_ntz(*x);
      return std::nullopt;
    case TypeKind::kFloat:
      if (i < v.f32.size()) return Scalar::of_float(v.f32[i]);
      return std::nullopt;
    case TypeKind::kDouble:
      if (i < v.f64.size()) return Scalar::of_double(v.f64[i]);
      return std::nullopt;
    case TypeKind::kDecimal:
      if (v.type == parquet::Type::kInt32) {
        if (auto x = i32()) return Scalar::of_decimal(*x, type.precision, type.scale);
      } else if (v.type == parquet::Type::kInt64) {
        if (auto x = i64()) return Scalar::of_decimal(*x, type.precision, type.scale);
      } else if (i < v.bytes.size() && v.bytes.value(i).size() <= 16) {
        return Scalar::of_decimal(be_int128(v.bytes.value(i)), type.precision, type.scale);
      }
      return std::nullopt;
    case TypeKind::kString:
      if (i < v.bytes.size()) return Scalar::of_string(std::string(v.bytes.value(i)));
      return std::nullopt;
    case TypeKind::kBinary:
      if (i < v.bytes.size()) return Scalar::of_binary(std::string(v.bytes.value(i)));
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

// The predicate's constant in the kind slot_scalar produces for the column
// (integral kinds compare as long).
delta::Scalar comparable_constant(const delta::Scalar& c) {
  switch (c.kind) {
    case delta::TypeKind::kByte:
    case delta::TypeKind::kShort:
    case delta::TypeKind::kInteger:
      return delta::Scalar::of_long(c.int_value);
    default:
      return c;
  }
}

bool satisfies(const std::optional<delta::Scalar>& value, CompareOp op, const delta::Scalar& c) {
  if (!value) return false;  // SQL: a null satisfies no comparison
  auto cmp = delta::compare_scalars(*value, c);
  if (!cmp.is_ok()) return false;
  switch (op) {
    case CompareOp::kEq:
      return *cmp == 0;
    case CompareOp::kNe:
      return *cmp != 0;
    case CompareOp::kLt:
      return *cmp < 0;
    case CompareOp::kLe:
      return *cmp <= 0;
    case CompareOp::kGt:
      return *cmp > 0;
    case CompareOp::kGe:
      return *cmp >= 0;
    default:
      return false;
  }
}

int run_cat(const DeltaArgs& args) {
  auto loaded = load(args);
  if (!loaded.is_ok()) return report_failure(loaded.status());
  const Snapshot& s = *loaded;
  std::vector<delta::ColumnPredicate> filter;
  if (auto bad = parse_where(s, args.where, &filter)) return usage_failure(*bad);

  // Projection: the asked columns, then any --where column not among them
  // (read for filtering, not printed).
  delta::ScanOptions options;
  options.columns = args.columns;
  size_t printed = args.columns.size();
  if (!args.columns.empty()) {
    for (const delta::ColumnPredicate& p : filter) {
      bool present = false;
      for (const std::string& c : options.columns) {
        const delta::Field* f = s.schema.find(c);
        present = present || (f != nullptr && f->name == p.column);
      }
      if (!present) options.columns.push_back(p.column);
    }
  }
  options.filter = filter;
  auto scan = delta::TableScan::make(s, options);
  if (!scan.is_ok()) return report_failure(scan.status());
  if (args.columns.empty()) printed = scan->output_schema().fields.size();

  // Output position and type of each predicate's column.
  struct Bound {
    size_t index;
    const delta::DataType* type;
    CompareOp op;
    delta::Scalar constant;
  };
  std::vector<Bound> bounds;
  const auto& out_fields = scan->output_schema().fields;
  for (const delta::ColumnPredicate& p : filter) {
    for (size_t i = 0; i < out_fields.size(); ++i) {
      if (out_fields[i].name == p.column) {
        bounds.push_back({i, &out_fields[i].type, p.op, comparable_constant(p.value)});
        break;
      }
    }
  }

  uint64_t left = args.limit < 0 ? UINT64_MAX : static_cast<uint64_t>(args.limit);
  if (left == 0) return kExitOk;
  bool limit_reached = false;
  std::string out;
  const parquet::SchemaTree& tree = scan->output_tree();
  auto status = scan->read_all(util::posix_file_system(), [&](parquet::RowBatch&& batch) {
    if (!bounds.empty()) {
      std::vector<uint8_t> keep(batch.num_rows, 1);
      size_t kept = 0;
      for (size_t r = 0; r < batch.num_rows; ++r) {
        for (const Bound& b : bounds) {
          if (b.index >= batch.columns.size() ||
              !satisfies(slot_scalar(*b.type, batch.columns[b.index], r), b.op, b.constant)) {
            keep[r] = 0;
            break;
          }
        }
        kept += keep[r];
      }
      if (kept != batch.num_rows) {
        for (parquet::ValueArray& column : batch.columns) parquet::retain_rows(&column, keep);
        batch.num_rows = kept;
      }
    }
    if (batch.columns.size() > printed) {
      batch.columns.resize(printed);
      batch.fields.resize(printed);
    }
    for (size_t r = 0; r < batch.num_rows && left > 0; ++r, --left) {
      parquet::append_row_json(tree, batch, r, &out);
      out.push_back('\n');
    }
    if (out.size() >= (1u << 20)) {
      print(out);
      out.clear();
    }
    if (left == 0) {
      limit_reached = true;
      return util::Status::aborted("limit reached");
    }
    return util::Status::ok();
  });
  print(out);
  if (!status.is_ok() && !limit_reached) {
    std::fflush(stdout);
    return report_failure(status);
  }
  return finish();
}

// -------------------------------------------------------- checkpoint ----

// The table's delta.deletedFileRetentionDuration in ms (7 days when unset).
util::Result<int64_t> retention_ms(const Snapshot& s) {
  const std::optional<std::string> text =
      s.property(std::string(delta::kDeletedFileRetentionProperty));
  if (!text) return delta::kDefaultDeletedFileRetentionMs;
  return delta::parse_interval_ms(*text);
}

int run_checkpoint(const DeltaArgs& args) {
  auto loaded = delta::load_snapshot(util::posix_file_system(), args.table);
  if (!loaded.is_ok()) return report_failure(loaded.status());
  delta::CheckpointOptions options;
  options.now_ms = util::unix_now_ms();
  auto retention = retention_ms(*loaded);
  if (!retention.is_ok()) return report_failure(retention.status());
  options.tombstone_retention_ms = *retention;
  auto written = delta::write_checkpoint(util::posix_file_system(), *loaded, options);
  if (!written.is_ok()) return report_failure(written.status());
  if (args.json) {
    util::JsonWriter w(true);
    w.begin_object();
    w.key("version").value(written->version);
    w.key("size").value(written->size);
    w.key("sizeInBytes");
    written->size_in_bytes ? w.value(*written->size_in_bytes) : w.null();
    w.key("numOfAddFiles");
    written->num_of_add_files ? w.value(*written->num_of_add_files) : w.null();
    w.end_object();
    print(w.str() + "\n");
  } else {
    print(fmt::format("checkpoint of version {}: {} actions, {} bytes\n", written->version,
                      written->size, written->size_in_bytes.value_or(0)));
  }
  return finish();
}

// ------------------------------------------------------------ vacuum ----

int run_vacuum(const DeltaArgs& args) {
  delta::VacuumOptions options;
  options.dry_run = args.dry_run;
  options.enforce_retention_check = !args.no_retention_check;
  if (args.retain_hours) {
    const double ms = *args.retain_hours * 3'600'000.0;
    if (!(ms >= 0) || ms > 9.0e15) return usage_failure("--retain-hours is out of range");
    options.retention_ms = static_cast<int64_t>(ms);
  } else {
    auto loaded = delta::load_snapshot(util::posix_file_system(), args.table);
    if (!loaded.is_ok()) return report_failure(loaded.status());
    auto retention = retention_ms(*loaded);
    if (!retention.is_ok()) return report_failure(retention.status());
    options.retention_ms = *retention;
  }
  auto result = delta::vacuum(util::posix_file_system(), args.table, options);
  if (!result.is_ok()) return report_failure(result.status());
  if (args.json) {
    util::JsonWriter w(true);
    w.begin_object();
    w.key("dryRun").value(result->dry_run);
    w.key("numFiles").value(static_cast<int64_t>(result->files_to_delete.size()));
    w.key("bytes").value(result->bytes);
    w.key("files").begin_array();
    for (const std::string& f : result->files_to_delete) w.value(f);
    w.end_array();
    w.end_object();
    print(w.str() + "\n");
    return finish();
  }
  std::string out;
  for (const std::string& f : result->files_to_delete) out += f + "\n";
  out += fmt::format("{} {} files, {} bytes\n", result->dry_run ? "would delete" : "deleted",
                     result->files_to_delete.size(), result->bytes);
  print(out);
  return finish();
}

// ---------------------------------------------------------- optimize ----

int run_optimize(const DeltaArgs& args) {
  delta::OptimizeOptions options;
  if (args.target_file_mb < 1 || args.target_file_mb > (int64_t{1} << 40)) {
    return usage_failure("--target-file-mb must be between 1 and 2^40");
  }
  options.target_file_bytes = args.target_file_mb << 20;
  options.min_files = args.min_files;
  if (!args.where.empty()) {
    auto loaded = delta::load_snapshot(util::posix_file_system(), args.table);
    if (!loaded.is_ok()) return report_failure(loaded.status());
    if (auto bad = parse_where(*loaded, args.where, &options.where)) return usage_failure(*bad);
  }
  auto result = delta::optimize(util::posix_file_system(), args.table, options);
  if (!result.is_ok()) return report_failure(result.status());
  if (args.json) {
    util::JsonWriter w(true);
    w.begin_object();
    w.key("version");
    result->version >= 0 ? w.value(result->version) : w.null();
    w.key("filesRemoved").value(result->files_removed);
    w.key("filesAdded").value(result->files_added);
    w.key("partitionsOptimized").value(result->partitions_optimized);
    w.key("bytesRemoved").value(result->bytes_removed);
    w.key("bytesAdded").value(result->bytes_added);
    w.end_object();
    print(w.str() + "\n");
  } else if (result->version < 0) {
    print("nothing to compact\n");
  } else {
    print(
        fmt::format("version {}: {} files ({} bytes) compacted into {} files ({} bytes) in {} "
                    "partitions\n",
                    result->version, result->files_removed, result->bytes_removed,
                    result->files_added, result->bytes_added, result->partitions_optimized));
  }
  return finish();
}

}  // namespace

void add_delta_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  (void)global;
  CLI::App* cmd = app.add_subcommand(
      "delta",
      "Look inside a Delta table and maintain it: describe, history, files, cat, checkpoint, "
      "vacuum, optimize");
  cmd->require_subcommand(1);
  auto add = [&](const char* name, const char* help, int (*run)(const DeltaArgs&)) {
    auto args = std::make_shared<DeltaArgs>();
    CLI::App* sub = cmd->add_subcommand(name, help);
    sub->add_option("TABLE", args->table, "the table's directory (holding _delta_log)")->required();
    sub->callback([args, run, &action] { action = [args, run] { return run(*args); }; });
    return std::make_pair(sub, args);
  };
  auto time_travel = [](CLI::App* sub, DeltaArgs& args) {
    CLI::Option* v =
        sub->add_option("--version", args.version, "read this version (default: latest)")
            ->check(CLI::NonNegativeNumber);
    CLI::Option* t = sub->add_option(
        "--timestamp", args.timestamp,
        "read the latest version committed at or before this ISO-8601 instant (UTC unless it has "
        "an offset)");
    v->excludes(t);
    t->excludes(v);
  };
  auto time_source = [](CLI::App* sub, DeltaArgs& args) {
    sub->add_option("--time-source", args.time_source,
                    "a commit's time: 'file' (its log file's modification time, the protocol's "
                    "rule) or 'commit-info' (the time its writer recorded)")
        ->check(CLI::IsMember({"file", "commit-info"}))
        ->capture_default_str();
  };

  auto [describe, describe_args] =
      add("describe",
          "Print the table's version, protocol, id, partition columns, configuration, "
          "schema, files, size and txns",
          run_describe);
  time_travel(describe, *describe_args);
  time_source(describe, *describe_args);
  describe->add_flag("--json", describe_args->json, "one JSON object");

  auto [history, history_args] =
      add("history",
          "Print one line per commit, newest first: version, time, operation, "
          "parameters | metrics",
          run_history);
  history->add_flag("--json", history_args->json, "a JSON array, newest first");
  history->add_option("--limit", history_args->limit, "only the N newest commits")
      ->check(CLI::NonNegativeNumber);
  time_source(history, *history_args);

  auto [files, files_args] =
      add("files", "Print the live data files: size, rows, deleted rows, partition values, path",
          run_files);
  files->add_option("--version", files_args->version, "read this version (default: latest)")
      ->check(CLI::NonNegativeNumber);
  files->add_flag("--json", files_args->json, "a JSON array");

  auto [cat, cat_args] = add("cat", "Print rows as JSON Lines", run_cat);
  time_travel(cat, *cat_args);
  time_source(cat, *cat_args);
  cat->add_option("--limit", cat_args->limit, "print at most N rows")
      ->check(CLI::NonNegativeNumber);
  cat->add_option("--columns", cat_args->columns, "only these top-level columns, in this order")
      ->delimiter(',');
  cat->add_option("--where", cat_args->where,
                  "keep rows where <column><op><value> holds (op: = != < <= > >=; a top-level "
                  "column of a primitive type; the value in partition-value text, e.g. "
                  "2024-01-31 for a date; a null never matches). Files are skipped on partition "
                  "values and statistics, and the rows read are filtered. Repeat for AND.");

  auto [checkpoint, checkpoint_args] =
      add("checkpoint", "Write a checkpoint of the latest version now", run_checkpoint);
  checkpoint->add_flag("--json", checkpoint_args->json, "what _last_checkpoint now says, as JSON");

  auto [vacuum, vacuum_args] =
      add("vacuum",
          "Delete the files no retained version needs (removed files older than the retention, "
          "orphans of crashed writers)",
          run_vacuum);
  vacuum
      ->add_option("--retain-hours", vacuum_args->retain_hours,
                   "keep what versions of the last H hours need (default: the table's "
                   "delta.deletedFileRetentionDuration, 7 days when unset)")
      ->check(CLI::NonNegativeNumber);
  vacuum->add_flag("--dry-run", vacuum_args->dry_run, "list the files, delete nothing");
  vacuum->add_flag("--no-retention-check", vacuum_args->no_retention_check,
                   "allow a retention shorter than the table's (readers of older versions and "
                   "running writers may lose files)");
  vacuum->add_flag("--json", vacuum_args->json, "one JSON object");

  auto [optimize, optimize_args] =
      add("optimize", "Compact small files into files of about --target-file-mb (bin-packing)",
          run_optimize);
  optimize->add_option("--where", optimize_args->where,
                       "only partitions where <partition column><op><value> holds (op: = != < <= "
                       "> >=); repeat for AND");
  optimize
      ->add_option("--target-file-mb", optimize_args->target_file_mb,
                   "the size of compacted files, in MiB")
      ->capture_default_str();
  optimize
      ->add_option("--min-files", optimize_args->min_files,
                   "leave a partition alone with fewer small files than this")
      ->capture_default_str();
  optimize->add_flag("--json", optimize_args->json, "one JSON object");
}

}  // namespace medallion::cli
