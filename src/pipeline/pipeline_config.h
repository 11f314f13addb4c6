// PipelineConfig: the pipeline's settings in medallion.toml, then the
// environment, then (in the CLI) the flags. Every key is optional; an
// unknown key in these tables is an error naming the file and key.
//
//   [lake]
//   root = "./data_lake"              # MEDALLION_LAKE
//
//   [pipeline]
//   now = "2016-11-07T00:00:00Z"      # MEDALLION_NOW: the instant retention
//                                     # and the API count back from, an
//                                     # ISO-8601 instant or "clock"
//   retention_days = 365              # rows older than this are not served
//   compat_tables = false             # also fill the original's two tables
//   threads = 0                       # decoding threads; 0: one per core
//   replication = "{'class': 'SimpleStrategy', 'replication_factor': 1}"
//                                     # of the serving keyspace
//
//   [stream]
//   trigger = "available-now"         # or "every=30s" (s, m or ms)
//   max_files_per_trigger = 1000
//   max_bytes_per_trigger = 268435456 # of data files per micro-batch;
//                                     # bounds a batch's memory
//
//   [embedded]                        # the CQL server `medallion up` starts
//   data_directory = "./cql_data"
//   port = 9042
//
// The file's other tables belong to others: [cql] (cql/client/
// cluster_config.h: the cluster the pipeline and the API use), [server],
// [auth] and [commit] (cql/server/server_config.h: the embedded server),
// [api]. A top-level key or table none of them knows is an error.
//
// The lake's audit columns (DL_INSERT_TS, DL_UPDATE_TS) and the landing's
// fetched_at always record the wall clock; `now` only moves the serving
// window.
//
// Thread safety: values.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "pipeline/stream_runner.h"
#include "util/status.h"

namespace medallion::pipeline {

inline constexpr std::string_view kDefaultNow = "2016-11-07T00:00:00Z";
inline constexpr std::string_view kDefaultConfigFile = "medallion.toml";

struct Trigger {
  TriggerMode mode = TriggerMode::kAvailableNow;
  std::chrono::milliseconds interval{30000};
};
// "available-now" or "every=<n><unit>" with unit ms, s or m (n >= 1).
util::Result<Trigger> parse_trigger(std::string_view text);

// "clock" (nullopt: read the clock when needed) or an ISO-8601 instant.
util::Result<std::optional<int64_t>> parse_now(std::string_view text);

struct PipelineConfig {
  std::string lake_root = "./data_lake";
  std::optional<int64_t> now_micros;  // nullopt: the clock
  int64_t retention_days = 365;
  bool compat_tables = false;
  size_t threads = 0;
  std::string replication = "{'class': 'SimpleStrategy', 'replication_factor': 1}";
  Trigger trigger;
  int64_t max_files_per_trigger = 1000;
  // A micro-batch of 256 MiB of Parquet holds about 2.5 million raw events:
  // the 10-million-event load stays under 2 GB, the default one-million is
  // one batch.
  int64_t max_bytes_per_trigger = int64_t{256} << 20;
  std::string embedded_data_directory = "./cql_data";
  uint16_t embedded_port = 9042;

  PipelineConfig();  // now = kDefaultNow

  // now_micros, or the clock's reading.
  int64_t now_or_clock() const;
};

util::Result<PipelineConfig> parse_pipeline_config(std::string_view toml_text,
                                                   const std::string& file);
// Reads and parses; errors name the file.
util::Result<PipelineConfig> load_pipeline_config(const std::string& file);

using GetEnv = std::function<const char*(const char*)>;
// MEDALLION_LAKE and MEDALLION_NOW; errors name the variable.
util::Status apply_pipeline_environment(PipelineConfig* config, const GetEnv& getenv = {});

}  // namespace medallion::pipeline
