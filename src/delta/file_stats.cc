#include "delta/file_stats.h"

#include <simdjson.h>

#include <fmt/format.h>

#include "delta/column_conform.h"
#include "delta/partition_value.h"

namespace medallion::delta {
namespace {

enum class StatKind { kMin, kMax, kNullCount };

// The text of a JSON scalar as parse_partition_value expects it: strings
// unescaped, numbers as written.
std::optional<std::string> scalar_text(simdjson::dom::element value) {
  switch (value.type()) {
    case simdjson::dom::element_type::STRING:
      return std::string(std::string_view(value.get_string().value()));
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
    case simdjson::dom::element_type::DOUBLE:
    case simdjson::dom::element_type::BOOL:
      return simdjson::minify(value);
    default:
      return std::nullopt;
  }
}

void collect(simdjson::dom::object object, const std::vector<Field>& fields,
             ColumnMappingMode mode, const std::string& prefix, StatKind kind, FileStats* out) {
  for (const Field& field : fields) {
    simdjson::dom::element value;
    if (object[physical_name(field, mode)].get(value) != simdjson::SUCCESS) continue;
    std::string path = prefix.empty() ? field.name : prefix + "." + field.name;
    if (field.type.kind == TypeKind::kStruct) {
      simdjson::dom::object child;
      if (value.get(child) == simdjson::SUCCESS) {
        collect(child, field.type.fields, mode, path, kind, out);
      }
      continue;
    }
    if (field.type.kind == TypeKind::kArray || field.type.kind == TypeKind::kMap) continue;
    ColumnStats& stats = out->columns[path];
    if (kind == StatKind::kNullCount) {
      int64_t n = 0;
      if (value.get(n) == simdjson::SUCCESS) stats.null_count = n;
      continue;
    }
    auto text = scalar_text(value);
    if (!text) continue;
    auto scalar = parse_partition_value(field.type, *text, path);
    if (!scalar.is_ok() || scalar.value().is_null) continue;
    (kind == StatKind::kMin ? stats.min : stats.max) = std::move(scalar).value();
  }
}

}  // namespace

util::Result<FileStats> parse_file_stats(std::string_view json, const Schema& schema,
                                         ColumnMappingMode mode) {
  // One parser per thread: stats are parsed once per file of a scan.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::padded_string padded(json);
  if (parser.parse(padded).get(root) != simdjson::SUCCESS || !root.is_object()) {
    return util::Status::corruption(
        fmt::format("delta: file statistics are not a JSON object: {:.80}", json));
  }
  FileStats stats;
  int64_t records = 0;
  if (root["numRecords"].get(records) == simdjson::SUCCESS) stats.num_records = records;
  bool tight = true;
  if (root["tightBounds"].get(tight) == simdjson::SUCCESS) stats.tight_bounds = tight;
  constexpr std::pair<const char*, StatKind> kSections[] = {
      {"minValues", StatKind::kMin}, {"maxValues", StatKind::kMax}, {"nullCount", StatKind::kNullCount}};
  for (const auto& [key, kind] : kSections) {
    simdjson::dom::object section;
    if (root[key].get(section) == simdjson::SUCCESS) {
      collect(section, schema.fields, mode, "", kind, &stats);
    }
  }
  return stats;
}

}  // namespace medallion::delta
