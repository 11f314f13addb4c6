// What medallion's TOML config readers share (cql/client/cluster_config,
// cql/server/server_config, pipeline/pipeline_config): the syntax error of a
// file as a Status, and the check that a table holds only known keys. Each
// reader keeps its own tables, keys and messages.
//
// Internal: it names toml++ types, so only those readers' .cc files include
// it.
#pragma once

#include <toml++/toml.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "util/status.h"

namespace medallion::util {

// "<component>: bad config file (<file>:<line>:<column>): <what toml++ says>".
inline Status toml_syntax_error(std::string_view component, const std::string& file,
                                const toml::parse_error& error) {
  const auto& where = error.source().begin;
  return Status::invalid_argument(std::string(component) + ": bad config file (" + file + ":" +
                                  std::to_string(where.line) + ":" + std::to_string(where.column) +
                                  "): " + std::string(error.description()));
}

// The first key of `table` that is not in `known`, if any.
inline std::optional<std::string> unknown_toml_key(const toml::table& table,
                                                   std::initializer_list<std::string_view> known) {
  for (const auto& [key, node] : table) {
    bool ok = false;
    for (std::string_view k : known) ok = ok || key.str() == k;
    if (!ok) return std::string(key.str());
  }
  return std::nullopt;
}

}  // namespace medallion::util
