#include "api/api_config.h"

#include <cstdlib>
#include <optional>

#include "util/file_system.h"
#include "util/toml_internal.h"

namespace medallion::api {
namespace {

util::Status key_error(const std::string& file, std::string_view key, std::string_view expected) {
  return util::Status::invalid_argument("api: bad config key (" + file + ": [api] " +
                                        std::string(key) + "): expected " + std::string(expected));
}

util::Status read_int(const toml::table& api, std::string_view key, const std::string& file,
                      int64_t min, int64_t max, int64_t* out) {
  const toml::node* node = api.get(key);
  if (node == nullptr) return util::Status::ok();
  const auto value = node->value<int64_t>();
  if (!node->is_integer() || !value || *value < min || *value > max) {
    return key_error(file, key, "an integer " + std::to_string(min) + ".." + std::to_string(max));
  }
  *out = *value;
  return util::Status::ok();
}

util::Status read_number(const toml::table& api, std::string_view key, const std::string& file,
                         double* out) {
  const toml::node* node = api.get(key);
  if (node == nullptr) return util::Status::ok();
  const auto value = node->value<double>();
  if (!(node->is_integer() || node->is_floating_point()) || !value || !(*value >= 0)) {
    return key_error(file, key, "a number >= 0");
  }
  *out = *value;
  return util::Status::ok();
}

util::Status read_string(const toml::table& api, std::string_view key, const std::string& file,
                         std::string* out) {
  const toml::node* node = api.get(key);
  if (node == nullptr) return util::Status::ok();
  if (!node->is_string()) return key_error(file, key, "a string");
  *out = *node->value<std::string>();
  return util::Status::ok();
}

util::Status parse_api_table(const toml::table& api, const std::string& file, ApiConfig* config) {
  if (auto unknown = util::unknown_toml_key(
          api, {"host", "port", "threads", "max_connections", "read_timeout_ms", "idle_timeout_ms",
                "api_keys", "rate_limit_per_second", "rate_limit_burst", "swagger_ui_dir"})) {
    return util::Status::invalid_argument("api: unknown config key (" + file + ": [api] " +
                                          *unknown + ")");
  }
  HttpServerOptions& s = config->server;
  MEDALLION_RETURN_IF_ERROR(read_string(api, "host", file, &s.host));
  int64_t v = s.port;
  MEDALLION_RETURN_IF_ERROR(read_int(api, "port", file, 0, 65535, &v));
  s.port = static_cast<uint16_t>(v);
  v = static_cast<int64_t>(s.threads);
  MEDALLION_RETURN_IF_ERROR(read_int(api, "threads", file, 1, 256, &v));
  s.threads = static_cast<size_t>(v);
  v = static_cast<int64_t>(s.max_connections);
  MEDALLION_RETURN_IF_ERROR(read_int(api, "max_connections", file, 1, 1'000'000, &v));
  s.max_connections = static_cast<size_t>(v);
  v = s.read_timeout.count();
  MEDALLION_RETURN_IF_ERROR(read_int(api, "read_timeout_ms", file, 1, 3'600'000, &v));
  s.read_timeout = std::chrono::milliseconds(v);
  v = s.idle_timeout.count();
  MEDALLION_RETURN_IF_ERROR(read_int(api, "idle_timeout_ms", file, 1, 3'600'000, &v));
  s.idle_timeout = std::chrono::milliseconds(v);
  if (const toml::node* node = api.get("api_keys")) {
    const toml::array* keys = node->as_array();
    if (keys == nullptr) return key_error(file, "api_keys", "an array of strings");
    config->service.api_keys.clear();
    for (const toml::node& key : *keys) {
      if (!key.is_string()) return key_error(file, "api_keys", "an array of strings");
      config->service.api_keys.push_back(*key.value<std::string>());
    }
  }
  MEDALLION_RETURN_IF_ERROR(
      read_number(api, "rate_limit_per_second", file, &config->service.rate_limit_per_second));
  MEDALLION_RETURN_IF_ERROR(
      read_number(api, "rate_limit_burst", file, &config->service.rate_limit_burst));
  MEDALLION_RETURN_IF_ERROR(
      read_string(api, "swagger_ui_dir", file, &config->service.swagger_ui_dir));
  return util::Status::ok();
}

}  // namespace

util::Result<ApiConfig> parse_api_config(std::string_view toml_text, const std::string& file) {
  ApiConfig config;
  config.server.host = "127.0.0.1";
  config.server.port = 8000;
  try {
    toml::table root = toml::parse(toml_text, file);
    if (const toml::node* node = root.get("api")) {
      const toml::table* api = node->as_table();
      if (api == nullptr) {
        return util::Status::invalid_argument("api: bad config key (" + file +
                                              ": api): expected an [api] table");
      }
      MEDALLION_RETURN_IF_ERROR(parse_api_table(*api, file, &config));
    }
  } catch (const toml::parse_error& e) {
    return util::toml_syntax_error("api", file, e);
  }
  return config;
}

util::Result<ApiConfig> load_api_config(const std::string& file) {
  MEDALLION_ASSIGN_OR_RETURN(const std::string text, util::posix_file_system().read_file(file));
  return parse_api_config(text, file);
}

util::Status apply_api_environment(ApiConfig* config, const GetEnv& getenv) {
  const auto get = [&](const char* name) -> std::optional<std::string> {
    const char* value = getenv ? getenv(name) : std::getenv(name);
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
  if (auto host = get("MEDALLION_API_HOST")) config->server.host = *host;
  if (auto port = get("MEDALLION_API_PORT")) {
    char* end = nullptr;
    const long value = std::strtol(port->c_str(), &end, 10);
    if (end == port->c_str() || *end != '\0' || value < 0 || value > 65535) {
      return util::Status::invalid_argument("api: MEDALLION_API_PORT=" + *port +
                                            ": expected a port 0..65535");
    }
    config->server.port = static_cast<uint16_t>(value);
  }
  if (auto keys = get("MEDALLION_API_KEYS")) {
    config->service.api_keys.clear();
    std::string_view rest = *keys;
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      const std::string_view key = rest.substr(0, comma);
      if (!key.empty()) config->service.api_keys.emplace_back(key);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return util::Status::ok();
}

}  // namespace medallion::api
