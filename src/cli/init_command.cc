// `medallion init [--reset] [--compat-tables] [--lake DIR] [--cql H:P,...]
// [--config FILE]`: creates what the pipeline writes into — the empty Delta
// tables of the lake and the serving keyspace and tables — when missing
// (pipeline/pipeline_init.h). Idempotent; --reset drops them first (the
// landing zone is kept).
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "cli/pipeline_options.h"
#include "cql/client/session.h"
#include "pipeline/pipeline_init.h"
#include "util/file_system.h"

namespace medallion::cli {
namespace {

struct InitArgs {
  PipelineFlags flags;
  bool reset = false;
  bool compat_tables = false;
};

int run_init(const InitArgs& args, const GlobalOptions& global) {
  auto settings = resolve_settings(args.flags);
  if (!settings.is_ok()) return report_failure(settings.status());
  const lake::LakeLayout layout(settings->pipeline.lake_root);
  auto& fs = util::posix_file_system();
  auto lake_report = pipeline::init_lake_tables(fs, layout, args.reset);
  if (!lake_report.is_ok()) return report_failure(lake_report.status());

  auto session = connect_cluster(*settings);
  if (!session.is_ok()) return report_failure(session.status());
  pipeline::ServingOptions serving;
  serving.compat_tables = args.compat_tables || settings->pipeline.compat_tables;
  serving.replication = settings->pipeline.replication;
  auto serving_report = pipeline::init_serving_tables(fs, layout, **session, serving, args.reset);
  (*session)->close();
  if (!serving_report.is_ok()) return report_failure(serving_report.status());
  if (!global.quiet) {
    const std::string dropped =
        args.reset ? fmt::format(", {} dropped first", lake_report->tables_dropped) : "";
    std::printf("init: lake %s: %d Delta table(s) created%s; keyspace %s %s%s\n",
                layout.root().c_str(), lake_report->tables_created, dropped.c_str(),
                std::string(pipeline::kServingKeyspace).c_str(),
                serving_report->keyspace_created ? "created" : "already there",
                serving.compat_tables ? " (with the original's two tables)" : "");
  }
  return kExitOk;
}

}  // namespace

void add_init_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto args = std::make_shared<InitArgs>();
  CLI::App* cmd = app.add_subcommand(
      "init",
      "Create the lake's empty Delta tables (r_session_events, its quarantine,\n"
      "uc_delta_session_events) and the serving keyspace session_events with its tables,\n"
      "when missing. Running it again changes nothing; --reset drops them first.");
  add_pipeline_flags(cmd, args->flags);
  cmd->add_flag("--reset", args->reset,
                "drop the Delta tables, the streams' checkpoints and the serving keyspace\n"
                "first (the landing zone is kept)");
  cmd->add_flag("--compat-tables", args->compat_tables,
                "also create the original's api_completed_sessions and\n"
                "api_start_session_by_hour");
  cmd->callback(
      [args, &global, &action] { action = [args, &global] { return run_init(*args, global); }; });
}

}  // namespace medallion::cli
