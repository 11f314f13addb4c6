// The options the pipeline commands take (init, refine, stream, up,
// insights), and how they resolve into the pipeline's and the CQL client's
// settings (refine and insights, which never reach the cluster, take only
// --config and --lake):
//
//   --config FILE   medallion.toml (default: ./medallion.toml when present)
//   --lake DIR      the lake's root            ([lake] root, MEDALLION_LAKE)
//   --cql H:P,...   the CQL cluster            ([cql] hosts, MEDALLION_CQL_HOSTS)
//   --now T|clock   the serving window's "now" ([pipeline] now, MEDALLION_NOW)
//
// Precedence: flags, then the environment, then the file, then the
// defaults (docs/configuration.md).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "cql/client/cluster_config.h"
#include "pipeline/pipeline_config.h"
#include "util/status.h"

namespace CLI {
class App;
}

namespace medallion::cql {
class Session;
}

namespace medallion::cli {

struct PipelineFlags {
  std::string config;
  std::optional<std::string> lake;
  std::optional<std::string> cql;
  std::optional<std::string> now;
};

// Adds --config and --lake to cmd, and --cql and --now for the commands
// that reach the serving layer.
enum class PipelineFlagSet { kLakeOnly, kWithServing };
void add_pipeline_flags(CLI::App* cmd, PipelineFlags& flags,
                        PipelineFlagSet set = PipelineFlagSet::kWithServing);

struct ResolvedSettings {
  pipeline::PipelineConfig pipeline;
  cql::ClusterConfig cluster;
  std::string config_file;  // the file read, empty when none
  // The cluster was named (--cql or MEDALLION_CQL_HOSTS): `up` starts no
  // embedded server.
  bool external_cluster = false;
};

util::Result<ResolvedSettings> resolve_settings(const PipelineFlags& flags);

// Connects to settings.cluster; the error says which hosts were tried and
// how to start the embedded server.
util::Result<std::shared_ptr<cql::Session>> connect_cluster(const ResolvedSettings& settings);

}  // namespace medallion::cli
