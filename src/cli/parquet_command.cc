// `medallion parquet schema|meta|cat FILE`: look inside a Parquet file, in the
// spirit of parquet-tools.
//   schema  the schema tree (`message` notation, or --json in the form of the
//           testdata manifests)
//   meta    row groups and column chunks: encodings, codecs, sizes, statistics
//   cat     rows as JSON Lines (rendering rules of value_json.h); --limit N,
//           --columns a,b; exits 1 with the reader's error on a corrupt file
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cctype>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/row_group_filter.h"
#include "formats/parquet/value_json.h"
#include "util/json_writer.h"

namespace medallion::cli {
namespace {

using parquet::ColumnDescriptor;
using parquet::LogicalType;
using parquet::LogicalTypeKind;
using parquet::SchemaElement;

struct ParquetArgs {
  std::string file;
  bool json = false;
  int64_t limit = -1;
  std::vector<std::string> columns;
  bool no_verify_checksums = false;
};

util::Result<std::unique_ptr<parquet::ParquetReader>> open_reader(const ParquetArgs& args) {
  parquet::ReaderOptions options;
  options.verify_checksums = !args.no_verify_checksums;
  return parquet::ParquetReader::open(util::posix_file_system(), args.file, options);
}

// ------------------------------------------------------------ schema ----

std::string logical_type_text(const LogicalType& t) {
  std::string name = parquet::logical_type_name(t.kind);
  switch (t.kind) {
    case LogicalTypeKind::kDecimal:
      return name + "(" + std::to_string(t.precision) + "," + std::to_string(t.scale) + ")";
    case LogicalTypeKind::kTime:
    case LogicalTypeKind::kTimestamp:
      return name + "(" + parquet::time_unit_name(t.unit) + "," +
             (t.is_adjusted_to_utc ? "true" : "false") + ")";
    case LogicalTypeKind::kInteger:
      return name + "(" + std::to_string(t.bit_width) + "," + (t.is_signed ? "true" : "false") +
             ")";
    default:
      return name;
  }
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Prints schema[*next] and its subtree in `message` notation.
void print_schema_node(const std::vector<SchemaElement>& schema, size_t* next, int depth,
                       std::string* out) {
  const SchemaElement& e = schema[(*next)++];
  const std::string indent(static_cast<size_t>(depth) * 2, ' ');
  std::string line = indent;
  if (depth == 0) {
    line += "message " + e.name;
  } else {
    line += lower(parquet::repetition_name(
                e.repetition_type.value_or(parquet::FieldRepetitionType::kRequired))) +
            " ";
    if (e.type) {
      line += *e.type == parquet::Type::kByteArray ? std::string("binary")
                                                   : lower(parquet::type_name(*e.type));
      if (*e.type == parquet::Type::kFixedLenByteArray) {
        line += "(" + std::to_string(e.type_length.value_or(0)) + ")";
      }
    } else {
      line += "group";
    }
    line += " " + e.name;
    if (e.logical_type) {
      line += " (" + logical_type_text(*e.logical_type) + ")";
    } else if (e.converted_type) {
      line += " (" + parquet::converted_type_name(*e.converted_type);
      if (*e.converted_type == parquet::ConvertedType::kDecimal) {
        line += "(" + std::to_string(e.precision.value_or(0)) + "," +
                std::to_string(e.scale.value_or(0)) + ")";
      }
      line += ")";
    }
    if (e.field_id) line += " = " + std::to_string(*e.field_id);
  }
  const int32_t children = e.num_children.value_or(0);
  if (e.type && depth > 0) {
    *out += line + ";\n";
    return;
  }
  *out += line + " {\n";
  for (int32_t i = 0; i < children && *next < schema.size(); ++i) {
    print_schema_node(schema, next, depth + 1, out);
  }
  *out += indent + "}\n";
}

void schema_node_json(const std::vector<SchemaElement>& schema, size_t* next, bool root,
                      util::JsonWriter& w) {
  const SchemaElement& e = schema[(*next)++];
  w.begin_object();
  w.key("name").value(e.name);
  if (!root && e.repetition_type)
    w.key("repetition").value(parquet::repetition_name(*e.repetition_type));
  if (e.type) w.key("physical_type").value(parquet::type_name(*e.type));
  if (e.type_length) w.key("type_length").value(int64_t{*e.type_length});
  if (e.converted_type)
    w.key("converted_type").value(parquet::converted_type_name(*e.converted_type));
  if (e.precision) w.key("precision").value(int64_t{*e.precision});
  if (e.scale) w.key("scale").value(int64_t{*e.scale});
  if (e.field_id) w.key("field_id").value(int64_t{*e.field_id});
  if (e.logical_type) {
    const LogicalType& t = *e.logical_type;
    w.key("logical_type").begin_object();
    w.key("type").value(parquet::logical_type_name(t.kind));
    if (t.kind == LogicalTypeKind::kDecimal) {
      w.key("scale").value(int64_t{t.scale});
      w.key("precision").value(int64_t{t.precision});
    } else if (t.kind == LogicalTypeKind::kTime || t.kind == LogicalTypeKind::kTimestamp) {
      w.key("isAdjustedToUTC").value(t.is_adjusted_to_utc);
      w.key("unit").value(parquet::time_unit_name(t.unit));
    } else if (t.kind == LogicalTypeKind::kInteger) {
      w.key("bitWidth").value(int64_t{t.bit_width});
      w.key("isSigned").value(t.is_signed);
    }
    w.end_object();
  }
  if (e.num_children) {
    w.key("children").begin_array();
    for (int32_t i = 0; i < *e.num_children && *next < schema.size(); ++i) {
      schema_node_json(schema, next, false, w);
    }
    w.end_array();
  }
  w.end_object();
}

int run_schema(const ParquetArgs& args) {
  auto reader = open_reader(args);
  if (!reader.is_ok()) return report_failure(reader.status());
  const auto& schema = (*reader)->metadata().schema;
  size_t next = 0;
  if (args.json) {
    util::JsonWriter w(true);
    schema_node_json(schema, &next, true, w);
    std::printf("%s\n", w.str().c_str());
  } else {
    std::string out;
    print_schema_node(schema, &next, 0, &out);
    std::fputs(out.c_str(), stdout);
  }
  return kExitOk;
}

// -------------------------------------------------------------- meta ----

std::string encodings_text(const parquet::ColumnMetaData& m) {
  std::string out;
  for (parquet::Encoding e : m.encodings)
    out += (out.empty() ? "" : ",") + parquet::encoding_name(e);
  return out;
}

// The statistic rendered as JSON text per the value rules ("-" if unusable).
std::string stat_text(const ColumnDescriptor& column, const std::optional<parquet::LeafValues>& v) {
  if (!v) return "-";
  std::string out;
  parquet::append_leaf_json(column, *v, 0, &out);
  return out;
}

int run_meta(const ParquetArgs& args) {
  auto opened = open_reader(args);
  if (!opened.is_ok()) return report_failure(opened.status());
  const parquet::ParquetReader& reader = **opened;
  const parquet::FileMetaData& md = reader.metadata();
  const auto& columns = reader.schema().columns();
  util::JsonWriter w(true);
  std::string text;
  auto line = [&](const std::string& s) { text += s + "\n"; };
  if (args.json) {
    w.begin_object();
    w.key("file").value(reader.path());
    w.key("file_bytes").value(reader.file_size());
    w.key("version").value(int64_t{md.version});
    w.key("num_rows").value(md.num_rows);
    w.key("created_by");
    md.created_by ? w.value(*md.created_by) : w.null();
    w.key("key_value_metadata").begin_object();
    for (const auto& kv : md.key_value_metadata.value_or(std::vector<parquet::KeyValue>{})) {
      w.key(kv.key);
      kv.value ? w.value(*kv.value) : w.null();
    }
    w.end_object();
    w.key("row_groups").begin_array();
  } else {
    line(fmt::format("file        {}", reader.path()));
    line(fmt::format("size        {} bytes", reader.file_size()));
    line(fmt::format("version     {}", md.version));
    line(fmt::format("rows        {}", md.num_rows));
    line(fmt::format("row groups  {}", md.row_groups.size()));
    line(fmt::format("created by  {}", md.created_by.value_or("-")));
    for (const auto& kv : md.key_value_metadata.value_or(std::vector<parquet::KeyValue>{})) {
      std::string value = kv.value.value_or("");
      if (value.size() > 120) value = value.substr(0, 117) + "...";
      line(fmt::format("metadata    {} = {}", kv.key, value));
    }
  }
  for (size_t g = 0; g < md.row_groups.size(); ++g) {
    const parquet::RowGroup& rg = md.row_groups[g];
    if (args.json) {
      w.begin_object();
      w.key("num_rows").value(rg.num_rows);
      w.key("total_byte_size").value(rg.total_byte_size);
      w.key("columns").begin_array();
    } else {
      line(fmt::format("\nrow group {}: {} rows, {} bytes", g, rg.num_rows, rg.total_byte_size));
      line(fmt::format("  {:<28} {:<10} {:<8} {:>10} {:>12} {:>12} {:>6}  {}", "column", "type",
                       "codec", "values", "compressed", "uncompressed", "nulls",
                       "encodings / min / max"));
    }
    for (size_t c = 0; c < rg.columns.size() && c < columns.size(); ++c) {
      const ColumnDescriptor& column = columns[c];
      if (!rg.columns[c].meta_data) continue;
      const parquet::ColumnMetaData& m = *rg.columns[c].meta_data;
      std::optional<parquet::MinMax> bounds = parquet::usable_min_max(column, m);
      std::optional<int64_t> nulls;
      if (m.statistics) nulls = m.statistics->null_count;
      const std::string min = bounds ? stat_text(column, bounds->min) : "-";
      const std::string max = bounds ? stat_text(column, bounds->max) : "-";
      if (args.json) {
        w.begin_object();
        w.key("path").value(column.dotted_path());
        w.key("type").value(parquet::type_name(m.type));
        w.key("codec").value(parquet::codec_name(m.codec));
        w.key("encodings").begin_array();
        for (parquet::Encoding e : m.encodings) w.value(parquet::encoding_name(e));
        w.end_array();
        w.key("num_values").value(m.num_values);
        w.key("compressed_bytes").value(m.total_compressed_size);
        w.key("uncompressed_bytes").value(m.total_uncompressed_size);
        w.key("null_count");
        nulls ? w.value(*nulls) : w.null();
        w.key("min");
        bounds ? w.raw(min) : w.null();
        w.key("max");
        bounds ? w.raw(max) : w.null();
        w.end_object();
      } else {
        line(fmt::format("  {:<28} {:<10} {:<8} {:>10} {:>12} {:>12} {:>6}  {}",
                         column.dotted_path(), parquet::type_name(m.type),
                         parquet::codec_name(m.codec), m.num_values, m.total_compressed_size,
                         m.total_uncompressed_size, nulls ? std::to_string(*nulls) : "-",
                         encodings_text(m)));
        if (bounds) line(fmt::format("  {:<28} min {}  max {}", "", min, max));
      }
    }
    if (args.json) {
      w.end_array();
      w.end_object();
    }
  }
  if (args.json) {
    w.end_array();
    w.end_object();
    std::printf("%s\n", w.str().c_str());
  } else {
    std::fputs(text.c_str(), stdout);
  }
  return kExitOk;
}

// --------------------------------------------------------------- cat ----

int run_cat(const ParquetArgs& args) {
  auto opened = open_reader(args);
  if (!opened.is_ok()) return report_failure(opened.status());
  const parquet::ParquetReader& reader = **opened;
  std::vector<size_t> fields = reader.all_fields();
  if (!args.columns.empty()) {
    auto resolved = reader.resolve_fields(args.columns);
    if (!resolved.is_ok()) return report_failure(resolved.status());
    fields = *resolved;
  }
  uint64_t left = args.limit < 0 ? UINT64_MAX : static_cast<uint64_t>(args.limit);
  std::string out;
  for (size_t g = 0; g < reader.num_row_groups() && left > 0; ++g) {
    auto batch = reader.read_row_group(g, fields);
    if (!batch.is_ok()) {
      std::fflush(stdout);
      return report_failure(batch.status());
    }
    for (size_t r = 0; r < batch->num_rows && left > 0; ++r, --left) {
      parquet::append_row_json(reader.schema(), *batch, r, &out);
      out.push_back('\n');
      if (out.size() >= (1u << 20)) {
        std::fwrite(out.data(), 1, out.size(), stdout);
        out.clear();
      }
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? kExitOk : kExitFailure;
}

}  // namespace

void add_parquet_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  (void)global;
  CLI::App* cmd = app.add_subcommand("parquet", "Look inside a Parquet file: schema, meta, cat");
  cmd->require_subcommand(1);
  auto add = [&](const char* name, const char* help, int (*run)(const ParquetArgs&)) {
    auto args = std::make_shared<ParquetArgs>();
    CLI::App* sub = cmd->add_subcommand(name, help);
    sub->add_option("FILE", args->file, "the Parquet file")->required();
    sub->add_flag("--no-verify-checksums", args->no_verify_checksums,
                  "read pages whose stored CRC-32 does not match (default: fail)");
    sub->callback([args, run, &action] { action = [args, run] { return run(*args); }; });
    return std::make_pair(sub, args);
  };
  auto [schema, schema_args] = add("schema", "Print the schema tree", run_schema);
  schema->add_flag("--json", schema_args->json, "the tree as JSON");
  auto [meta, meta_args] = add(
      "meta", "Print row groups and column chunks: encodings, codecs, sizes, statistics", run_meta);
  meta->add_flag("--json", meta_args->json, "one JSON object instead of a table");
  auto [cat, cat_args] = add("cat", "Print rows as JSON Lines", run_cat);
  cat->add_option("--limit", cat_args->limit, "print at most N rows")
      ->check(CLI::NonNegativeNumber);
  cat->add_option("--columns", cat_args->columns, "only these top-level columns, in this order")
      ->delimiter(',');
}

}  // namespace medallion::cli
