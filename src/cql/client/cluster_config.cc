#include "cql/client/cluster_config.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <iterator>
#include <optional>

#include "util/file_system.h"
#include "util/toml_internal.h"

namespace medallion::cql {
namespace {

constexpr std::string_view kEndpointForms = "use host, host:port, [v6] or [v6]:port";
constexpr int64_t kMaxMillis = int64_t{24} * 3600 * 1000;  // one day

// The levels a session may ask for (SERIAL / LOCAL_SERIAL are only serial
// consistencies, not accepted here).
constexpr std::array<Consistency, 9> kConsistencies = {
    Consistency::kAny,         Consistency::kOne,        Consistency::kTwo,
    Consistency::kThree,       Consistency::kQuorum,     Consistency::kAll,
    Consistency::kLocalQuorum, Consistency::kEachQuorum, Consistency::kLocalOne,
};

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// A decimal port 1..65535 (digits only, the whole text).
std::optional<uint16_t> parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  uint32_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (value < 1 || value > 65535) return std::nullopt;
  return static_cast<uint16_t>(value);
}

// Hex digits, ':' and '.' (an embedded IPv4), then an optional "%zone": what
// a bare IPv6 literal may hold, so that "host:port:junk" is not taken for one.
bool looks_like_ipv6(std::string_view host) {
  const size_t zone = host.find('%');
  const std::string_view address = host.substr(0, zone);
  if (zone != std::string_view::npos && zone + 1 == host.size()) return false;
  return !address.empty() && std::all_of(address.begin(), address.end(), [](char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
  });
}

util::Status endpoint_error(std::string_view text, std::string_view what) {
  return util::Status::invalid_argument("cql: bad contact point '" + std::string(text) + "' (" +
                                        std::string(what) + "): " + std::string(kEndpointForms) +
                                        " with a port 1..65535");
}

util::Status key_error(const std::string& file, std::string_view key, std::string_view expected) {
  return util::Status::invalid_argument("cql: bad config key (" + file + ": [cql] " +
                                        std::string(key) + "): expected " + std::string(expected));
}

util::Status env_error(std::string_view variable, std::string_view value,
                       std::string_view expected) {
  return util::Status::invalid_argument("cql: bad environment variable (" + std::string(variable) +
                                        "='" + std::string(value) + "'): expected " +
                                        std::string(expected));
}

// "cql: bad contact point ..." -> "bad contact point ...", to nest a message
// in another.
std::string without_component(const std::string& message) {
  constexpr std::string_view kPrefix = "cql: ";
  if (message.compare(0, kPrefix.size(), kPrefix) == 0) return message.substr(kPrefix.size());
  return message;
}

std::string consistency_names() {
  std::string names;
  for (Consistency c : kConsistencies) {
    if (!names.empty()) names += ", ";
    names += consistency_name(c);
  }
  return names;
}

// Reads an integer key in [min, max] into *out when present.
util::Status read_int(const toml::table& cql, std::string_view key, const std::string& file,
                      int64_t min, int64_t max, int64_t* out) {
  const toml::node* node = cql.get(key);
  if (node == nullptr) return util::Status::ok();
  const auto value = node->value<int64_t>();
  if (!node->is_integer() || !value || *value < min || *value > max) {
    return key_error(file, key, "an integer " + std::to_string(min) + ".." + std::to_string(max));
  }
  *out = *value;
  return util::Status::ok();
}

template <typename T>
util::Status read_count(const toml::table& cql, std::string_view key, const std::string& file,
                        int64_t min, int64_t max, T* out) {
  int64_t value = static_cast<int64_t>(*out);
  MEDALLION_RETURN_IF_ERROR(read_int(cql, key, file, min, max, &value));
  *out = static_cast<T>(value);
  return util::Status::ok();
}

util::Status read_millis(const toml::table& cql, std::string_view key, const std::string& file,
                         int64_t min, std::chrono::milliseconds* out) {
  int64_t value = out->count();
  MEDALLION_RETURN_IF_ERROR(read_int(cql, key, file, min, kMaxMillis, &value));
  *out = std::chrono::milliseconds(value);
  return util::Status::ok();
}

util::Status read_string(const toml::table& cql, std::string_view key, const std::string& file,
                         std::string* out) {
  const toml::node* node = cql.get(key);
  if (node == nullptr) return util::Status::ok();
  if (!node->is_string()) return key_error(file, key, "a string");
  *out = *node->value<std::string>();
  return util::Status::ok();
}

util::Status parse_cql_table(const toml::table& cql, const std::string& file,
                             ClusterConfig* config) {
  const auto unknown = util::unknown_toml_key(
      cql, {"hosts", "port", "username", "password", "local_dc", "consistency", "compression",
            "connections_per_host", "max_in_flight_per_connection", "connect_timeout_ms",
            "request_timeout_ms", "startup_deadline_ms", "reconnect_base_ms", "reconnect_max_ms",
            "max_retries", "discover_peers"});
  if (unknown) {
    return util::Status::invalid_argument("cql: unknown config key (" + file + ": [cql] " +
                                          *unknown + "): remove it or check its spelling");
  }

  // hosts are kept as text until `port` (which may come later in the file)
  // is known.
  std::optional<std::vector<std::string>> host_texts;
  if (const toml::node* node = cql.get("hosts")) {
    constexpr std::string_view kExpected =
        "a non-empty array of strings (\"host\", \"host:port\", \"[v6]:port\")";
    const toml::array* array = node->as_array();
    if (array == nullptr || array->empty()) return key_error(file, "hosts", kExpected);
    host_texts.emplace();
    for (const toml::node& entry : *array) {
      if (!entry.is_string()) return key_error(file, "hosts", kExpected);
      host_texts->push_back(*entry.value<std::string>());
    }
  }
  MEDALLION_RETURN_IF_ERROR(read_count(cql, "port", file, 1, 65535, &config->port));
  if (host_texts) {
    std::vector<Endpoint> hosts;
    for (const std::string& text : *host_texts) {
      auto endpoint = parse_endpoint(text, config->port);
      if (!endpoint.is_ok()) {
        return util::Status::invalid_argument("cql: bad config key (" + file + ": [cql] hosts): " +
                                              without_component(endpoint.status().message()));
      }
      hosts.push_back(std::move(endpoint).value());
    }
    config->hosts = std::move(hosts);
  }

  MEDALLION_RETURN_IF_ERROR(read_string(cql, "username", file, &config->username));
  MEDALLION_RETURN_IF_ERROR(read_string(cql, "password", file, &config->password));
  MEDALLION_RETURN_IF_ERROR(read_string(cql, "local_dc", file, &config->local_dc));

  if (cql.get("consistency") != nullptr) {
    const std::string expected = "one of " + consistency_names() + " (case-insensitive)";
    std::string name;
    if (!read_string(cql, "consistency", file, &name).is_ok()) {
      return key_error(file, "consistency", expected);
    }
    auto level = consistency_from_name(name);
    if (!level.is_ok()) return key_error(file, "consistency", expected);
    config->consistency = *level;
  }
  if (cql.get("compression") != nullptr) {
    constexpr std::string_view kExpected = "\"none\", \"lz4\" or \"snappy\"";
    std::string name;
    if (!read_string(cql, "compression", file, &name).is_ok()) {
      return key_error(file, "compression", kExpected);
    }
    if (equals_ignore_case(name, "none")) {
      config->compression = Compression::kNone;
    } else if (auto compression = compression_from_name(name)) {
      config->compression = *compression;
    } else {
      return key_error(file, "compression", kExpected);
    }
  }

  MEDALLION_RETURN_IF_ERROR(
      read_count(cql, "connections_per_host", file, 1, 1024, &config->connections_per_host));
  MEDALLION_RETURN_IF_ERROR(read_count(cql, "max_in_flight_per_connection", file, 1, 32768,
                                       &config->max_in_flight_per_connection));
  MEDALLION_RETURN_IF_ERROR(
      read_millis(cql, "connect_timeout_ms", file, 1, &config->connect_timeout));
  MEDALLION_RETURN_IF_ERROR(
      read_millis(cql, "request_timeout_ms", file, 1, &config->request_timeout));
  MEDALLION_RETURN_IF_ERROR(
      read_millis(cql, "startup_deadline_ms", file, 0, &config->startup_deadline));
  MEDALLION_RETURN_IF_ERROR(
      read_millis(cql, "reconnect_base_ms", file, 1, &config->reconnect_base));
  MEDALLION_RETURN_IF_ERROR(read_millis(cql, "reconnect_max_ms", file, 1, &config->reconnect_max));
  if (config->reconnect_base > config->reconnect_max) {
    return key_error(file, "reconnect_base_ms",
                     "at most reconnect_max_ms (" + std::to_string(config->reconnect_max.count()) +
                         "), got " + std::to_string(config->reconnect_base.count()));
  }
  MEDALLION_RETURN_IF_ERROR(read_count(cql, "max_retries", file, 0, 100, &config->max_retries));
  if (const toml::node* node = cql.get("discover_peers")) {
    if (!node->is_boolean()) return key_error(file, "discover_peers", "true or false");
    config->discover_peers = *node->value<bool>();
  }
  return util::Status::ok();
}

}  // namespace

std::string Endpoint::to_string() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

util::Result<Endpoint> parse_endpoint(std::string_view text, uint16_t default_port) {
  Endpoint endpoint;
  endpoint.port = default_port;
  std::string_view host;
  std::optional<std::string_view> port;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return endpoint_error(text, "unbalanced brackets");
    host = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return endpoint_error(text, "text after ']'");
      port = rest.substr(1);
    }
    if (host.find_first_of("[]") != std::string_view::npos) {
      return endpoint_error(text, "unbalanced brackets");
    }
  } else {
    if (text.find_first_of("[]") != std::string_view::npos) {
      return endpoint_error(text, "unbalanced brackets");
    }
    const size_t colon = text.find(':');
    if (colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos) {
      host = text.substr(0, colon);
      port = text.substr(colon + 1);
    } else {
      host = text;  // no colon, or a bare IPv6 literal
      if (colon != std::string_view::npos && !looks_like_ipv6(host)) {
        return endpoint_error(text, "several ':' outside brackets");
      }
    }
  }
  if (host.empty()) return endpoint_error(text, "empty host");
  for (char c : host) {
    if (std::isspace(static_cast<unsigned char>(c)) ||
        std::iscntrl(static_cast<unsigned char>(c))) {
      return endpoint_error(text, "blank in the host");
    }
  }
  if (port) {
    auto parsed = parse_port(*port);
    if (!parsed) return endpoint_error(text, "port");
    endpoint.port = *parsed;
  }
  endpoint.host = std::string(host);
  return endpoint;
}

util::Result<std::vector<Endpoint>> parse_endpoints(std::string_view text, uint16_t default_port) {
  std::vector<Endpoint> endpoints;
  if (trim(text).empty()) {
    return util::Status::invalid_argument(
        "cql: no contact points (empty list): give at least one host, host:port or [v6]:port");
  }
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    const std::string_view item = trim(text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    auto endpoint = parse_endpoint(item, default_port);
    if (!endpoint.is_ok()) return endpoint.status();
    endpoints.push_back(std::move(endpoint).value());
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return endpoints;
}

util::Result<ClusterConfig> parse_cluster_config(std::string_view toml_text,
                                                 const std::string& file) {
  ClusterConfig config;
  try {
    toml::table root = toml::parse(toml_text, file);
    if (const toml::node* node = root.get("cql")) {
      const toml::table* cql = node->as_table();
      if (cql == nullptr) {
        return util::Status::invalid_argument("cql: bad config key (" + file +
                                              ": cql): expected a [cql] table");
      }
      MEDALLION_RETURN_IF_ERROR(parse_cql_table(*cql, file, &config));
    }
  } catch (const toml::parse_error& e) {
    return util::toml_syntax_error("cql", file, e);
  }
  return config;
}

util::Result<ClusterConfig> load_cluster_config(const std::string& file) {
  // Errors name the file: not_found when it is missing.
  MEDALLION_ASSIGN_OR_RETURN(const std::string text, util::posix_file_system().read_file(file));
  return parse_cluster_config(text, file);
}

util::Status apply_cluster_environment(ClusterConfig* config, const GetEnv& getenv) {
  const auto get = [&](const char* name) -> std::optional<std::string> {
    const char* value = getenv ? getenv(name) : std::getenv(name);
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
  if (auto port = get("MEDALLION_CQL_PORT")) {
    auto parsed = parse_port(*port);
    if (!parsed) return env_error("MEDALLION_CQL_PORT", *port, "a port 1..65535");
    // Contact points that took the old default port (no explicit port can be
    // told apart from one equal to it) move to the new default.
    for (Endpoint& host : config->hosts) {
      if (host.port == config->port) host.port = *parsed;
    }
    config->port = *parsed;
  }
  if (auto hosts = get("MEDALLION_CQL_HOSTS")) {
    auto parsed = parse_endpoints(*hosts, config->port);
    if (!parsed.is_ok()) {
      return util::Status::invalid_argument("cql: bad environment variable (MEDALLION_CQL_HOSTS='" +
                                            *hosts +
                                            "'): " + without_component(parsed.status().message()));
    }
    config->hosts = std::move(parsed).value();
  }
  if (auto user = get("MEDALLION_CQL_USER")) config->username = *user;
  if (auto password = get("MEDALLION_CQL_PASSWORD")) config->password = *password;
  if (auto dc = get("MEDALLION_CQL_LOCAL_DC")) config->local_dc = *dc;
  if (auto consistency = get("MEDALLION_CQL_CONSISTENCY")) {
    auto level = consistency_from_name(*consistency);
    if (!level.is_ok()) {
      return env_error("MEDALLION_CQL_CONSISTENCY", *consistency,
                       "one of " + consistency_names() + " (case-insensitive)");
    }
    config->consistency = *level;
  }
  return util::Status::ok();
}

util::Result<Consistency> consistency_from_name(std::string_view name) {
  for (Consistency c : kConsistencies) {
    if (equals_ignore_case(name, consistency_name(c))) return c;
  }
  return util::Status::invalid_argument("cql: unknown consistency level '" + std::string(name) +
                                        "' (consistency): use one of " + consistency_names());
}

}  // namespace medallion::cql
