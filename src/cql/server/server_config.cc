#include "cql/server/server_config.h"

#include <cstdlib>

#include "util/file_system.h"
#include "util/toml_internal.h"

namespace medallion::cql {
namespace {

util::Status key_error(const std::string& file, std::string_view key, std::string_view what) {
  return util::Status::invalid_argument("cql: bad config key '" + std::string(key) + "' (" + file +
                                        "): " + std::string(what));
}

// Reads an integer key in [min, max] into *out when present.
template <typename T>
util::Status read_int(const toml::table& table, std::string_view section, std::string_view name,
                      const std::string& file, int64_t min, int64_t max, T* out) {
  const toml::node* node = table.get(name);
  if (node == nullptr) return util::Status::ok();
  const std::string key = std::string(section) + "." + std::string(name);
  const auto value = node->value<int64_t>();
  if (!node->is_integer() || !value) return key_error(file, key, "expected an integer");
  if (*value < min || *value > max) {
    return key_error(
        file, key,
        "expected a value in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  *out = static_cast<T>(*value);
  return util::Status::ok();
}

util::Status read_string(const toml::table& table, std::string_view section, std::string_view name,
                         const std::string& file, std::string* out) {
  const toml::node* node = table.get(name);
  if (node == nullptr) return util::Status::ok();
  if (!node->is_string()) {
    return key_error(file, std::string(section) + "." + std::string(name), "expected a string");
  }
  *out = *node->value<std::string>();
  return util::Status::ok();
}

util::Status check_keys(const toml::table& table, std::string_view section,
                        std::initializer_list<std::string_view> known, const std::string& file) {
  if (const auto unknown = util::unknown_toml_key(table, known)) {
    return key_error(file, section.empty() ? *unknown : std::string(section) + "." + *unknown,
                     "unknown key");
  }
  return util::Status::ok();
}

const toml::table* section_table(const toml::table& root, std::string_view name,
                                 const std::string& file, util::Status* status) {
  const toml::node* node = root.get(name);
  if (node == nullptr) return nullptr;
  if (!node->is_table()) {
    *status = key_error(file, name, "expected a [" + std::string(name) + "] table");
    return nullptr;
  }
  return node->as_table();
}

util::Status parse_into(const toml::table& root, const std::string& file, ServerConfig* config) {
  // The file may be the whole medallion.toml, whose other tables belong to
  // the client ([cql]) and the pipeline (pipeline/pipeline_config.h).
  MEDALLION_RETURN_IF_ERROR(check_keys(
      root, "",
      {"server", "auth", "commit", "cql", "lake", "pipeline", "stream", "embedded", "api"}, file));
  util::Status status;
  if (const toml::table* server = section_table(root, "server", file, &status)) {
    MEDALLION_RETURN_IF_ERROR(
        check_keys(*server, "server",
                   {"host", "port", "data_directory", "io_threads", "max_connections",
                    "max_frame_bytes", "max_requests_per_connection", "idle_timeout_seconds",
                    "max_prepared_statements", "max_cached_queries"},
                   file));
    MEDALLION_RETURN_IF_ERROR(read_string(*server, "server", "host", file, &config->host));
    MEDALLION_RETURN_IF_ERROR(read_int(*server, "server", "port", file, 0, 65535, &config->port));
    MEDALLION_RETURN_IF_ERROR(
        read_string(*server, "server", "data_directory", file, &config->data_directory));
    MEDALLION_RETURN_IF_ERROR(
        read_int(*server, "server", "io_threads", file, 0, 256, &config->io_threads));
    MEDALLION_RETURN_IF_ERROR(
        read_int(*server, "server", "max_connections", file, 1, 1000000, &config->max_connections));
    MEDALLION_RETURN_IF_ERROR(read_int(*server, "server", "max_frame_bytes", file, 1024,
                                       int64_t{256} << 20, &config->max_frame_bytes));
    MEDALLION_RETURN_IF_ERROR(read_int(*server, "server", "max_requests_per_connection", file, 1,
                                       32768, &config->max_requests_per_connection));
    int64_t idle = config->idle_timeout.count();
    MEDALLION_RETURN_IF_ERROR(
        read_int(*server, "server", "idle_timeout_seconds", file, 0, 86400 * 365, &idle));
    config->idle_timeout = std::chrono::seconds(idle);
    MEDALLION_RETURN_IF_ERROR(read_int(*server, "server", "max_prepared_statements", file, 1,
                                       10000000, &config->max_prepared_statements));
    MEDALLION_RETURN_IF_ERROR(read_int(*server, "server", "max_cached_queries", file, 0, 10000000,
                                       &config->max_cached_queries));
  }
  MEDALLION_RETURN_IF_ERROR(status);
  if (const toml::table* auth = section_table(root, "auth", file, &status)) {
    MEDALLION_RETURN_IF_ERROR(check_keys(*auth, "auth", {"enabled", "users"}, file));
    if (const toml::node* enabled = auth->get("enabled")) {
      if (!enabled->is_boolean()) return key_error(file, "auth.enabled", "expected true or false");
      config->auth_enabled = *enabled->value<bool>();
    }
    if (const toml::node* users = auth->get("users")) {
      const toml::array* array = users->as_array();
      if (array == nullptr) {
        return key_error(file, "auth.users", "expected an array of tables ([[auth.users]])");
      }
      config->users.clear();
      for (const toml::node& entry : *array) {
        const toml::table* user = entry.as_table();
        if (user == nullptr)
          return key_error(file, "auth.users", "expected tables with name and password");
        MEDALLION_RETURN_IF_ERROR(check_keys(*user, "auth.users", {"name", "password"}, file));
        ServerUser u;
        MEDALLION_RETURN_IF_ERROR(read_string(*user, "auth.users", "name", file, &u.name));
        MEDALLION_RETURN_IF_ERROR(read_string(*user, "auth.users", "password", file, &u.password));
        if (u.name.empty())
          return key_error(file, "auth.users.name", "a user needs a non-empty name");
        config->users.push_back(std::move(u));
      }
    }
  }
  MEDALLION_RETURN_IF_ERROR(status);
  if (const toml::table* commit = section_table(root, "commit", file, &status)) {
    MEDALLION_RETURN_IF_ERROR(
        check_keys(*commit, "commit", {"policy", "window_ms", "interval_ms"}, file));
    std::string policy;
    MEDALLION_RETURN_IF_ERROR(read_string(*commit, "commit", "policy", file, &policy));
    if (!policy.empty()) {
      auto parsed = commit_policy_from_name(policy);
      if (!parsed.is_ok())
        return key_error(file, "commit.policy", "expected group, periodic or always");
      config->commit_policy = *parsed;
    }
    int64_t window = config->group_window.count();
    MEDALLION_RETURN_IF_ERROR(read_int(*commit, "commit", "window_ms", file, 0, 10000, &window));
    config->group_window = std::chrono::milliseconds(window);
    int64_t interval = config->periodic_interval.count();
    MEDALLION_RETURN_IF_ERROR(
        read_int(*commit, "commit", "interval_ms", file, 1, 3600000, &interval));
    config->periodic_interval = std::chrono::milliseconds(interval);
  }
  return status;
}

}  // namespace

util::Result<ServerConfig> parse_server_config(std::string_view toml_text,
                                               const std::string& file) {
  ServerConfig config;
  try {
    toml::table root = toml::parse(toml_text, file);
    MEDALLION_RETURN_IF_ERROR(parse_into(root, file, &config));
  } catch (const toml::parse_error& e) {
    return util::toml_syntax_error("cql", file, e);
  }
  return config;
}

util::Result<ServerConfig> load_server_config(const std::string& file) {
  // Errors name the file: not_found when it is missing.
  MEDALLION_ASSIGN_OR_RETURN(const std::string text, util::posix_file_system().read_file(file));
  return parse_server_config(text, file);
}

util::Status apply_environment_overrides(ServerConfig* config) {
  const char* user = std::getenv("MEDALLION_CQL_USER");
  const char* password = std::getenv("MEDALLION_CQL_PASSWORD");
  if (user == nullptr && password == nullptr) return util::Status::ok();
  if (user == nullptr || password == nullptr || *user == '\0') {
    return util::Status::invalid_argument(
        "cql: incomplete credentials (environment): set both MEDALLION_CQL_USER and "
        "MEDALLION_CQL_PASSWORD, or neither");
  }
  config->users = {{user, password}};
  return util::Status::ok();
}

util::Result<CommitPolicy> commit_policy_from_name(std::string_view name) {
  if (name == "group") return CommitPolicy::kGroup;
  if (name == "periodic") return CommitPolicy::kPeriodic;
  if (name == "always") return CommitPolicy::kAlways;
  return util::Status::invalid_argument("cql: unknown commit policy '" + std::string(name) +
                                        "' (commit policy): use group, periodic or always");
}

std::string_view commit_policy_name(CommitPolicy policy) {
  switch (policy) {
    case CommitPolicy::kGroup:
      return "group";
    case CommitPolicy::kPeriodic:
      return "periodic";
    case CommitPolicy::kAlways:
      return "always";
  }
  return "group";
}

}  // namespace medallion::cql
