#include "cli/pipeline_options.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cstdlib>

#include "cql/client/session.h"
#include "util/file_system.h"

namespace medallion::cli {

void add_pipeline_flags(CLI::App* cmd, PipelineFlags& flags, PipelineFlagSet set) {
  cmd->add_option("--config", flags.config,
                  "medallion.toml (default: ./medallion.toml when there is one)");
  cmd->add_option("--lake", flags.lake, "root directory of the data lake (default ./data_lake)");
  if (set == PipelineFlagSet::kLakeOnly) return;
  cmd->add_option("--cql", flags.cql,
                  "the CQL cluster: HOST:PORT[,HOST:PORT...] (default 127.0.0.1:9042)");
  cmd->add_option("--now", flags.now,
                  "the instant the serving window counts back from: ISO-8601 or 'clock'\n"
                  "(default 2016-11-07T00:00:00Z, as the original)")
      ->check([](const std::string& text) -> std::string {
        auto parsed = pipeline::parse_now(text);
        return parsed.is_ok() ? std::string() : parsed.status().message();
      });
}

util::Result<ResolvedSettings> resolve_settings(const PipelineFlags& flags) {
  ResolvedSettings settings;
  std::string file = flags.config;
  if (file.empty()) {
    MEDALLION_ASSIGN_OR_RETURN(
        bool present, util::posix_file_system().exists(std::string(pipeline::kDefaultConfigFile)));
    if (present) file = std::string(pipeline::kDefaultConfigFile);
  }
  if (!file.empty()) {
    MEDALLION_ASSIGN_OR_RETURN(settings.pipeline, pipeline::load_pipeline_config(file));
    MEDALLION_ASSIGN_OR_RETURN(settings.cluster, cql::load_cluster_config(file));
    settings.config_file = file;
  }
  MEDALLION_RETURN_IF_ERROR(pipeline::apply_pipeline_environment(&settings.pipeline));
  MEDALLION_RETURN_IF_ERROR(cql::apply_cluster_environment(&settings.cluster));
  const char* env_hosts = std::getenv("MEDALLION_CQL_HOSTS");
  settings.external_cluster = env_hosts != nullptr && *env_hosts != '\0';

  if (flags.lake) settings.pipeline.lake_root = *flags.lake;
  if (flags.now) {
    MEDALLION_ASSIGN_OR_RETURN(settings.pipeline.now_micros, pipeline::parse_now(*flags.now));
  }
  if (flags.cql) {
    MEDALLION_ASSIGN_OR_RETURN(settings.cluster.hosts,
                               cql::parse_endpoints(*flags.cql, settings.cluster.port));
    settings.external_cluster = true;
  }
  return settings;
}

util::Result<std::shared_ptr<cql::Session>> connect_cluster(const ResolvedSettings& settings) {
  auto session = cql::Session::connect(settings.cluster);
  if (!session.is_ok()) {
    return session.status().with_context(
        "cannot reach the CQL cluster (start one with `medallion cql-server --data DIR`, or "
        "name yours with --cql HOST:PORT)");
  }
  return session;
}

}  // namespace medallion::cli
