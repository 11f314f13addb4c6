#include "lake/manifest.h"

#include <simdjson.h>

#include <fmt/format.h>

#include "util/civil_time.h"
#include "util/json_writer.h"

namespace medallion::lake {

namespace {

bool is_sha256_hex(std::string_view s) {
  if (s.size() != 64) return false;
  for (const char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

util::Status bad(std::string_view where, std::string_view what) {
  return util::Status::corruption(
      fmt::format("lake: bad landing manifest {} ({}): fix or remove it, then land the file again",
                  where, what));
}

// Reads one string member into out; an error names the key.
util::Status get_string(simdjson::dom::element value, std::string_view key, std::string_view where,
                        std::string& out) {
  std::string_view s;
  if (value.get_string().get(s) != simdjson::SUCCESS) {
    return bad(where, fmt::format("\"{}\" is not a string", key));
  }
  out.assign(s);
  return util::Status::ok();
}

util::Status get_instant(simdjson::dom::element value, std::string_view key, std::string_view where,
                         int64_t& out) {
  std::string text;
  MEDALLION_RETURN_IF_ERROR(get_string(value, key, where, text));
  const std::optional<int64_t> micros = util::parse_iso8601(text);
  if (!micros) return bad(where, fmt::format("\"{}\" is not an ISO-8601 instant", key));
  out = *micros;
  return util::Status::ok();
}

}  // namespace

void LandingManifest::write_json_fields(util::JsonWriter& w) const {
  w.key("manifest_version").value(kManifestVersion);
  w.key("file").value(file_name);
  w.key("source").value(source);
  w.key("size").value(size);
  w.key("sha256").value(sha256);
  w.key("fetched_at")
      .value(util::format_iso8601(fetched_at_micros, util::FractionStyle::kWhenNonZero, true));
  w.key("load_date").value(load_date);
  if (http_status) w.key("http_status").value(*http_status);
  if (last_modified_micros) {
    w.key("last_modified")
        .value(
            util::format_iso8601(*last_modified_micros, util::FractionStyle::kWhenNonZero, true));
  }
}

std::string LandingManifest::to_json(bool pretty) const {
  util::JsonWriter w(pretty);
  w.begin_object();
  write_json_fields(w);
  w.end_object();
  std::string out = w.take();
  if (pretty) out.push_back('\n');
  return out;
}

std::string manifest_path_for(std::string_view landed_file) {
  return std::string(landed_file).append(kManifestSuffix);
}

util::Result<LandingManifest> parse_manifest(std::string_view json, std::string_view where) {
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(json.data(), json.size());
  simdjson::dom::element doc;
  if (const auto error = parser.parse(padded).get(doc); error != simdjson::SUCCESS) {
    return bad(where, fmt::format("not JSON: {}", simdjson::error_message(error)));
  }
  simdjson::dom::object object;
  if (doc.get_object().get(object) != simdjson::SUCCESS) return bad(where, "not a JSON object");

  LandingManifest m;
  bool have_version = false, have_file = false, have_source = false, have_size = false,
       have_sha = false, have_fetched = false, have_date = false;
  for (const auto field : object) {
    const std::string_view key = field.key;
    const simdjson::dom::element value = field.value;
    if (key == "manifest_version") {
      int64_t version;
      if (value.get_int64().get(version) != simdjson::SUCCESS) {
        return bad(where, "\"manifest_version\" is not an integer");
      }
      if (version < 1) return bad(where, "\"manifest_version\" is not positive");
      if (version > kManifestVersion) {
        return util::Status::unsupported(
            fmt::format("lake: landing manifest {} has version {} (this medallion reads up to {}): "
                        "upgrade medallion",
                        where, version, kManifestVersion));
      }
      have_version = true;
    } else if (key == "file") {
      MEDALLION_RETURN_IF_ERROR(get_string(value, key, where, m.file_name));
      have_file = true;
    } else if (key == "source") {
      MEDALLION_RETURN_IF_ERROR(get_string(value, key, where, m.source));
      have_source = true;
    } else if (key == "size") {
      if (value.get_uint64().get(m.size) != simdjson::SUCCESS) {
        return bad(where, "\"size\" is not a non-negative integer");
      }
      have_size = true;
    } else if (key == "sha256") {
      MEDALLION_RETURN_IF_ERROR(get_string(value, key, where, m.sha256));
      if (!is_sha256_hex(m.sha256)) return bad(where, "\"sha256\" is not 64 lowercase hex digits");
      have_sha = true;
    } else if (key == "fetched_at") {
      MEDALLION_RETURN_IF_ERROR(get_instant(value, key, where, m.fetched_at_micros));
      have_fetched = true;
    } else if (key == "load_date") {
      MEDALLION_RETURN_IF_ERROR(get_string(value, key, where, m.load_date));
      if (!util::parse_iso_date(m.load_date)) return bad(where, "\"load_date\" is not YYYY-MM-DD");
      have_date = true;
    } else if (key == "http_status") {
      int64_t status;
      if (value.get_int64().get(status) != simdjson::SUCCESS || status < 100 || status > 999) {
        return bad(where, "\"http_status\" is not an HTTP status");
      }
      m.http_status = static_cast<int>(status);
    } else if (key == "last_modified") {
      int64_t micros;
      MEDALLION_RETURN_IF_ERROR(get_instant(value, key, where, micros));
      m.last_modified_micros = micros;
    }
  }
  const std::pair<bool, std::string_view> required[] = {{have_version, "manifest_version"},
                                                        {have_file, "file"},
                                                        {have_source, "source"},
                                                        {have_size, "size"},
                                                        {have_sha, "sha256"},
                                                        {have_fetched, "fetched_at"},
                                                        {have_date, "load_date"}};
  for (const auto& [present, key] : required) {
    if (!present) return bad(where, fmt::format("\"{}\" is missing", key));
  }
  return m;
}

util::Status write_manifest(util::FileSystem& fs, const std::string& path,
                            const LandingManifest& manifest) {
  return util::write_file_atomic(fs, path, manifest.to_json(/*pretty=*/true));
}

util::Result<LandingManifest> read_manifest(util::FileSystem& fs, const std::string& path) {
  MEDALLION_ASSIGN_OR_RETURN(const std::string text, fs.read_file(path));
  return parse_manifest(text, path);
}

}  // namespace medallion::lake
