// `medallion up [--source URL|PATH] [--cql-port P] [--cql-data DIR]
// [--api-port P] [--no-serve] [--reset] [--debug] [--compat-tables]
// [--trigger T] [--lake DIR] [--cql H:P,...] [--now T] [--config FILE]`:
// the whole pipeline, as `docker-compose up` + the original notebook did:
//
//   1. cql       start the embedded CQL server on 127.0.0.1:<cql-port>
//                (data in <cql-data>), unless --cql or MEDALLION_CQL_HOSTS
//                names a cluster
//   2. init      the Delta tables and the serving tables, when missing
//   3. land      the source into the landing zone (a no-op when the same
//                bytes are there)
//   4. refine    landing → r_session_events (+ quarantine)
//   5. sessions  r_session_events → uc_delta_session_events
//   6. serving   uc_delta_session_events → the serving tables
//   7. api       the REST API on 127.0.0.1:<api-port> ([api] in the config
//                file), until Ctrl-C or SIGTERM; not with --no-serve
//
// printing a summary after step 6. Every step is idempotent and resumes
// where a killed run stopped, so running `up` again after any crash ends
// with the same tables.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/api_serving.h"
#include "cli/command.h"
#include "cli/pipeline_options.h"
#include "cql/client/session.h"
#include "cql/server/embedded_cql_server.h"
#include "lake/landing.h"
#include "pipeline/embedded/embedded_serving_writer.h"
#include "pipeline/pipeline_init.h"
#include "pipeline/refine.h"
#include "pipeline/sessionize.h"
#include "pipeline/stop_signal.h"
#include "pipeline/stream_jobs.h"
#include "util/civil_time.h"
#include "util/file_system.h"
#include "util/log.h"
#include "util/progress.h"
#include "util/thread_pool.h"

namespace medallion::cli {
namespace {

struct UpArgs {
  PipelineFlags flags;
  std::optional<std::string> source;
  std::optional<int> cql_port;
  std::optional<std::string> cql_data;
  std::optional<int> api_port;
  bool no_serve = false;
  bool reset = false;
  bool debug = false;
  bool compat_tables = false;
  std::optional<std::string> trigger;
};

// One step's line: "up: <step>  <what>  <seconds>".
class StepLog {
 public:
  explicit StepLog(bool quiet) : quiet_(quiet) {}
  void begin() { start_ = std::chrono::steady_clock::now(); }
  double end(std::string_view step, const std::string& what) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    steps_.push_back({std::string(step), seconds});
    if (!quiet_) {
      std::printf("up: %-9.*s %s (%.2f s)\n", static_cast<int>(step.size()), step.data(),
                  what.c_str(), seconds);
      std::fflush(stdout);
    }
    return seconds;
  }
  const std::vector<std::pair<std::string, double>>& steps() const { return steps_; }

 private:
  bool quiet_;
  std::chrono::steady_clock::time_point start_;
  std::vector<std::pair<std::string, double>> steps_;
};

std::string thousands(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

std::string rejects_text(const pipeline::RefineReport& report) {
  std::string out;
  for (size_t i = 0; i < report.rejected.size(); ++i) {
    if (report.rejected[i] == 0) continue;
    out += fmt::format("{}{} {}", out.empty() ? "" : ", ", thousands(report.rejected[i]),
                       pipeline::quarantine_reason_name(i));
  }
  return out.empty() ? "none" : out;
}

// `embedded`: the node started by `up`, null for a cluster named by --cql.
util::Status run_pipeline(const UpArgs& args, const ResolvedSettings& settings, StepLog& log,
                          const GlobalOptions& global, cql::EmbeddedCqlServer* embedded) {
  auto& fs = util::posix_file_system();
  const lake::LakeLayout layout(settings.pipeline.lake_root);

  // 2. init
  log.begin();
  auto session = connect_cluster(settings);
  if (!session.is_ok()) return session.status();
  pipeline::ServingOptions serving;
  serving.now_micros = settings.pipeline.now_or_clock();
  serving.retention_days = settings.pipeline.retention_days;
  serving.compat_tables = args.compat_tables || settings.pipeline.compat_tables;
  serving.replication = settings.pipeline.replication;
  MEDALLION_ASSIGN_OR_RETURN(pipeline::LakeInitReport lake_init,
                             pipeline::init_lake_tables(fs, layout, args.reset));
  MEDALLION_ASSIGN_OR_RETURN(
      pipeline::ServingInitReport serving_init,
      pipeline::init_serving_tables(fs, layout, **session, serving, args.reset));
  log.end("init", fmt::format("{} Delta table(s) created, keyspace {} {}", lake_init.tables_created,
                              pipeline::kServingKeyspace,
                              serving_init.keyspace_created ? "created" : "already there"));

  // 3. land
  log.begin();
  std::string source_path;
  if (args.source) {
    lake::LandingOptions landing;
    landing.source = *args.source;
    landing.lake_root = layout.root();
    util::Progress progress({.label = "land", .quiet = global.quiet});
    landing.progress = &progress;
    MEDALLION_ASSIGN_OR_RETURN(lake::LandingReport landed, lake::land_source(fs, landing));
    progress.finish();
    source_path = landed.path;
    log.end("land", fmt::format("{} ({}{})", landed.path, util::format_bytes(landed.manifest.size),
                                landed.already_landed ? ", already landed" : ""));
  } else {
    MEDALLION_ASSIGN_OR_RETURN(source_path, pipeline::newest_landed_source(fs, layout));
    log.end("land", fmt::format("no --source: using the newest landed file {}", source_path));
  }

  // 4. refine
  log.begin();
  util::ThreadPool pool(settings.pipeline.threads);
  pipeline::RefineOptions refine;
  refine.source_path = source_path;
  refine.layout = layout;
  refine.pool = &pool;
  if (args.debug) refine.debug_dates = pipeline::kOriginalDebugDates;
  util::Progress progress({.label = "refine", .quiet = global.quiet, .item_name = "lines"});
  refine.progress = &progress;
  MEDALLION_ASSIGN_OR_RETURN(pipeline::RefineReport refined, pipeline::refine(fs, refine));
  progress.finish();
  log.end("refine",
          fmt::format("{} lines: {} events, rejected {}; {} of {} dates, {} rows "
                      "inserted",
                      thousands(refined.lines), thousands(refined.events), rejects_text(refined),
                      refined.dates.size(), refined.dates_in_file, thousands(refined.inserted)));

  // 5 and 6: the streams, drained.
  auto stop = pipeline::StopSignal::install();
  if (!stop.is_ok()) return stop.status();
  pipeline::StreamJobOptions stream;
  stream.max_files_per_trigger = settings.pipeline.max_files_per_trigger;
  stream.max_bytes_per_trigger = settings.pipeline.max_bytes_per_trigger;
  stream.stop_signal = stop->get();
  if (args.trigger) {
    MEDALLION_ASSIGN_OR_RETURN(pipeline::Trigger trigger, pipeline::parse_trigger(*args.trigger));
    // `up` drains the streams once; a polling trigger would never return.
    if (trigger.mode != pipeline::TriggerMode::kAvailableNow) {
      return util::Status::invalid_argument(
          "up: --trigger every=... would keep `up` polling forever: run `medallion stream "
          "sessions|serving --trigger every=...` beside it instead");
    }
  }
  log.begin();
  MEDALLION_ASSIGN_OR_RETURN(pipeline::StreamRunSummary sessions_run,
                             pipeline::run_sessions_job(fs, layout, stream));
  MEDALLION_ASSIGN_OR_RETURN(pipeline::SessionsTableCounts sessions,
                             pipeline::count_sessions_table(fs, layout.use_case_session_events()));
  log.end("sessions", fmt::format("{} batch(es) of raw events merged: {} sessions, {} completed",
                                  sessions_run.batches, thousands(sessions.sessions),
                                  thousands(sessions.completed)));
  if (sessions_run.stopped_by_signal) return util::Status::aborted("up: stopped by a signal");

  log.begin();
  // The node in this process takes the rows as a bulk load; a cluster over CQL.
  const std::unique_ptr<pipeline::ServingWriter> writer =
      embedded ? pipeline::embedded_serving_writer(*embedded)
               : pipeline::cql_serving_writer(**session);
  MEDALLION_ASSIGN_OR_RETURN(
      pipeline::ServingJobSummary served,
      pipeline::run_serving_job(fs, layout, **session, *writer, serving, stream));
  log.end("serving",
          fmt::format("{} batch(es): {} rows into {}, {} into {}{}, {} outside the {}-day window",
                      served.run.batches, thousands(served.counts.completed),
                      pipeline::kCompletedByPlayerTable, thousands(served.counts.started),
                      pipeline::kStartedByCountryHourTable,
                      serving.compat_tables ? " (and the original's two tables)" : "",
                      thousands(served.counts.expired), serving.retention_days));
  (*session)->close();
  if (served.run.stopped_by_signal) return util::Status::aborted("up: stopped by a signal");
  return util::Status::ok();
}

int run_up(const UpArgs& args, const GlobalOptions& global) {
  auto settings = resolve_settings(args.flags);
  if (!settings.is_ok()) return report_failure(settings.status());
  ApiFlags api_flags;
  api_flags.port = args.api_port;
  auto api_config = resolve_api_config(*settings, api_flags);
  if (!api_config.is_ok()) return report_failure(api_config.status());
  StepLog log(global.quiet);
  const auto start = std::chrono::steady_clock::now();

  // 1. the embedded CQL server, unless a cluster was named.
  std::unique_ptr<cql::EmbeddedCqlServer> embedded;
  if (!settings->external_cluster) {
    log.begin();
    auto started = start_embedded_node(&*settings, args.cql_port, args.cql_data);
    if (!started.is_ok()) return report_failure(started.status());
    embedded = std::move(started).value();
    log.end("cql", fmt::format("embedded CQL server on {} (data in {})", embedded->endpoint(),
                               args.cql_data.value_or(settings->pipeline.embedded_data_directory)));
  }

  util::Status status = run_pipeline(args, *settings, log, global, embedded.get());
  if (!status.is_ok()) {
    if (embedded) embedded->stop();
    return report_failure(status);
  }
  const double total =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!global.quiet) {
    std::string times;
    for (const auto& [step, seconds] : log.steps()) {
      times += fmt::format("{}{} {:.2f} s", times.empty() ? "" : ", ", step, seconds);
    }
    std::printf("up: done in %.2f s (%s)\n", total, times.c_str());
  }
  if (!args.no_serve) {
    // 7. the REST API, until Ctrl-C or SIGTERM.
    util::Status served =
        serve_api_until_stopped(embedded.get(), *settings, *api_config, global.quiet);
    if (!served.is_ok()) {
      if (embedded) embedded->stop();
      return report_failure(served);
    }
  } else if (!global.quiet) {
    std::printf("up: --no-serve: serve the API later with `medallion serve --cql-data %s`\n",
                args.cql_data.value_or(settings->pipeline.embedded_data_directory).c_str());
  }
  if (embedded) embedded->stop();
  return kExitOk;
}

}  // namespace

void add_up_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto args = std::make_shared<UpArgs>();
  CLI::App* cmd = app.add_subcommand(
      "up",
      "Run the whole pipeline: start the embedded CQL server (unless --cql names a\n"
      "cluster), create the tables, land the source, refine it into r_session_events,\n"
      "stream it into uc_delta_session_events and the serving tables, then serve the REST\n"
      "API until Ctrl-C. Safe to run again after any interruption: it resumes, and nothing\n"
      "is duplicated or lost.");
  cmd->add_option("--source", args->source,
                  "URL (http, https, file) or path of the source file (default: the newest\n"
                  "file already landed)");
  add_pipeline_flags(cmd, args->flags);
  cmd->add_option("--cql-port", args->cql_port,
                  "port of the embedded CQL server (default 9042; 0 picks a free one)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--cql-data", args->cql_data,
                  "data directory of the embedded CQL server (default ./cql_data)");
  cmd->add_option("--api-port", args->api_port,
                  "port of the REST API (default 8000; 0 picks a free one)")
      ->check(CLI::Range(0, 65535));
  cmd->add_flag("--no-serve", args->no_serve, "stop after loading instead of serving the API");
  cmd->add_flag("--reset", args->reset,
                "drop the Delta tables, checkpoints and serving keyspace first");
  cmd->add_flag("--debug", args->debug, "refine only dates [4, 7) of the source, as the original");
  cmd->add_flag("--compat-tables", args->compat_tables,
                "also fill the original's api_completed_sessions and api_start_session_by_hour");
  cmd->add_option("--trigger", args->trigger,
                  "the streams' trigger: available-now (the only one "
                  "`up` accepts)");
  cmd->callback(
      [args, &global, &action] { action = [args, &global] { return run_up(*args, global); }; });
}

}  // namespace medallion::cli
