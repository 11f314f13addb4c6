#include "pipeline/pipeline_config.h"

#include <fmt/format.h>
#include <charconv>
#include <cstdlib>
#include <initializer_list>
#include <limits>

#include "util/civil_time.h"
#include "util/file_system.h"
#include "util/toml_internal.h"

namespace medallion::pipeline {
namespace {

util::Status key_error(const std::string& file, std::string_view key, std::string_view what) {
  return util::Status::invalid_argument(
      fmt::format("config: bad key ({}: {}): {}", file, key, what));
}

util::Status check_keys(const toml::table& table, std::string_view section,
                        std::initializer_list<std::string_view> known, const std::string& file) {
  if (const auto unknown = util::unknown_toml_key(table, known)) {
    return key_error(file, fmt::format("{}.{}", section, *unknown),
                     "unknown key (see the documented keys in docs/configuration.md)");
  }
  return util::Status::ok();
}

// The keys of one table, read with their types checked.
class TableReader {
 public:
  TableReader(const toml::table* table, std::string_view section, const std::string& file)
      : table_(table), section_(section), file_(file) {}

  util::Status string(std::string_view key, std::string* out) const {
    const toml::node* node = get(key);
    if (node == nullptr) return util::Status::ok();
    if (!node->is_string()) return error(key, "expected a string");
    *out = *node->value<std::string>();
    return util::Status::ok();
  }
  util::Status integer(std::string_view key, int64_t min, int64_t max, int64_t* out) const {
    const toml::node* node = get(key);
    if (node == nullptr) return util::Status::ok();
    const std::optional<int64_t> value = node->is_integer() ? node->value<int64_t>() : std::nullopt;
    if (!value || *value < min || *value > max) {
      return error(key, fmt::format("expected an integer {}..{}", min, max));
    }
    *out = *value;
    return util::Status::ok();
  }
  util::Status boolean(std::string_view key, bool* out) const {
    const toml::node* node = get(key);
    if (node == nullptr) return util::Status::ok();
    if (!node->is_boolean()) return error(key, "expected true or false");
    *out = *node->value<bool>();
    return util::Status::ok();
  }
  util::Status error(std::string_view key, std::string_view what) const {
    return key_error(file_, fmt::format("{}.{}", section_, key), what);
  }

 private:
  const toml::node* get(std::string_view key) const {
    return table_ == nullptr ? nullptr : table_->get(key);
  }
  const toml::table* table_;
  std::string_view section_;
  const std::string& file_;
};

util::Result<const toml::table*> section(const toml::table& root, std::string_view name,
                                         const std::string& file) {
  const toml::node* node = root.get(name);
  if (node == nullptr) return nullptr;
  if (!node->is_table()) return key_error(file, name, fmt::format("expected a [{}] table", name));
  return node->as_table();
}

util::Status parse_into(const toml::table& root, const std::string& file, PipelineConfig* c) {
  if (const auto unknown = util::unknown_toml_key(
          root,
          {"lake", "pipeline", "stream", "embedded", "cql", "server", "auth", "commit", "api"})) {
    return key_error(file, *unknown,
                     "unknown table (medallion.toml has [lake], [pipeline], [stream], "
                     "[embedded], [cql], [server], [auth], [commit] and [api])");
  }
  MEDALLION_ASSIGN_OR_RETURN(const toml::table* lake, section(root, "lake", file));
  MEDALLION_ASSIGN_OR_RETURN(const toml::table* pipeline, section(root, "pipeline", file));
  MEDALLION_ASSIGN_OR_RETURN(const toml::table* stream, section(root, "stream", file));
  MEDALLION_ASSIGN_OR_RETURN(const toml::table* embedded, section(root, "embedded", file));
  if (lake) MEDALLION_RETURN_IF_ERROR(check_keys(*lake, "lake", {"root"}, file));
  if (pipeline) {
    MEDALLION_RETURN_IF_ERROR(
        check_keys(*pipeline, "pipeline",
                   {"now", "retention_days", "compat_tables", "threads", "replication"}, file));
  }
  if (stream) {
    MEDALLION_RETURN_IF_ERROR(
        check_keys(*stream, "stream", {"trigger", "max_files_per_trigger", "max_bytes_per_trigger"}, file));
  }
  if (embedded) {
    MEDALLION_RETURN_IF_ERROR(check_keys(*embedded, "embedded", {"data_directory", "port"}, file));
  }

  const TableReader l(lake, "lake", file);
  MEDALLION_RETURN_IF_ERROR(l.string("root", &c->lake_root));

  const TableReader p(pipeline, "pipeline", file);
  std::string now;
  MEDALLION_RETURN_IF_ERROR(p.string("now", &now));
  if (!now.empty()) {
    auto parsed = parse_now(now);
    if (!parsed.is_ok()) return p.error("now", parsed.status().message());
    c->now_micros = *parsed;
  }
  MEDALLION_RETURN_IF_ERROR(p.integer("retention_days", 1, 36500, &c->retention_days));
  MEDALLION_RETURN_IF_ERROR(p.boolean("compat_tables", &c->compat_tables));
  int64_t threads = static_cast<int64_t>(c->threads);
  MEDALLION_RETURN_IF_ERROR(p.integer("threads", 0, 1024, &threads));
  c->threads = static_cast<size_t>(threads);
  MEDALLION_RETURN_IF_ERROR(p.string("replication", &c->replication));

  const TableReader s(stream, "stream", file);
  std::string trigger;
  MEDALLION_RETURN_IF_ERROR(s.string("trigger", &trigger));
  if (!trigger.empty()) {
    auto parsed = parse_trigger(trigger);
    if (!parsed.is_ok()) return s.error("trigger", parsed.status().message());
    c->trigger = *parsed;
  }
  MEDALLION_RETURN_IF_ERROR(
      s.integer("max_files_per_trigger", 1, 1'000'000, &c->max_files_per_trigger));
  MEDALLION_RETURN_IF_ERROR(s.integer("max_bytes_per_trigger", 0,
                                      std::numeric_limits<int64_t>::max(),
                                      &c->max_bytes_per_trigger));

  const TableReader e(embedded, "embedded", file);
  MEDALLION_RETURN_IF_ERROR(e.string("data_directory", &c->embedded_data_directory));
  int64_t port = c->embedded_port;
  MEDALLION_RETURN_IF_ERROR(e.integer("port", 0, 65535, &port));
  c->embedded_port = static_cast<uint16_t>(port);
  return util::Status::ok();
}

}  // namespace

PipelineConfig::PipelineConfig() : now_micros(util::parse_iso8601(kDefaultNow)) {}

int64_t PipelineConfig::now_or_clock() const {
  return now_micros ? *now_micros : util::unix_now_ms() * 1000;
}

util::Result<Trigger> parse_trigger(std::string_view text) {
  if (text == "available-now") return Trigger{};
  const auto bad = [&] {
    return util::Status::invalid_argument(fmt::format(
        "stream: bad trigger '{}': use available-now or every=<n>s (also ms or m), e.g. "
        "every=30s",
        text));
  };
  constexpr std::string_view kEvery = "every=";
  if (text.substr(0, kEvery.size()) != kEvery) return bad();
  std::string_view rest = text.substr(kEvery.size());
  int64_t n = 0;
  const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
  if (ec != std::errc() || n < 1) return bad();
  const std::string_view unit(end, static_cast<size_t>(rest.data() + rest.size() - end));
  int64_t ms = 0;
  if (unit == "ms") {
    ms = n;
  } else if (unit == "s") {
    ms = n * 1000;
  } else if (unit == "m") {
    ms = n * 60'000;
  } else {
    return bad();
  }
  if (ms > int64_t{24} * 3600 * 1000) return bad();
  return Trigger{TriggerMode::kProcessingTime, std::chrono::milliseconds(ms)};
}

util::Result<std::optional<int64_t>> parse_now(std::string_view text) {
  if (text == "clock") return std::optional<int64_t>();
  const std::optional<int64_t> micros = util::parse_iso8601(text);
  if (!micros) {
    return util::Status::invalid_argument(fmt::format(
        "config: bad now '{}': use clock or an ISO-8601 instant such as {}", text, kDefaultNow));
  }
  return std::optional<int64_t>(micros);
}

util::Result<PipelineConfig> parse_pipeline_config(std::string_view toml_text,
                                                   const std::string& file) {
  PipelineConfig config;
  try {
    const toml::table root = toml::parse(toml_text, file);
    MEDALLION_RETURN_IF_ERROR(parse_into(root, file, &config));
  } catch (const toml::parse_error& e) {
    return util::toml_syntax_error("config", file, e);
  }
  return config;
}

util::Result<PipelineConfig> load_pipeline_config(const std::string& file) {
  MEDALLION_ASSIGN_OR_RETURN(std::string text, util::posix_file_system().read_file(file));
  return parse_pipeline_config(text, file);
}

util::Status apply_pipeline_environment(PipelineConfig* config, const GetEnv& getenv) {
  const auto get = [&](const char* name) -> const char* {
    const char* value = getenv ? getenv(name) : std::getenv(name);
    return value != nullptr && *value != '\0' ? value : nullptr;
  };
  if (const char* lake = get("MEDALLION_LAKE")) config->lake_root = lake;
  if (const char* now = get("MEDALLION_NOW")) {
    auto parsed = parse_now(now);
    if (!parsed.is_ok()) {
      return util::Status::invalid_argument(
          fmt::format("config: bad MEDALLION_NOW: {}", parsed.status().message()));
    }
    config->now_micros = *parsed;
  }
  return util::Status::ok();
}

}  // namespace medallion::pipeline
