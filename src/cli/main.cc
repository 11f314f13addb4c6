// medallion: one binary, one subcommand per step of the pipeline.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli/command.h"
#include "util/log.h"

namespace medallion::cli {

int report_failure(const util::Status& status) {
  std::fprintf(stderr, "medallion: %s\n", status.message().c_str());
  return kExitFailure;
}

namespace {

int run(int argc, char** argv) {
  CLI::App app{
      "medallion: a native data platform for game-session events\n"
      "(Delta Lake zones, streaming MERGE jobs, a CQL serving layer and a REST API)",
      "medallion"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "medallion 0.1.0");
  GlobalOptions global;
  app.add_flag("-q,--quiet", global.quiet, "no progress line, warnings and errors only");
  app.add_flag("-v,--verbose", global.verbose, "debug logging");
  // Subcommands inherit this: -q/-v may also follow them (`medallion gen ... -v`).
  app.fallthrough();

  CommandAction action;
  add_gen_command(app, global, action);
  add_land_command(app, global, action);
  add_init_command(app, global, action);
  add_refine_command(app, global, action);
  add_stream_command(app, global, action);
  add_up_command(app, global, action);
  add_serve_command(app, global, action);
  add_inspect_source_command(app, global, action);
  add_parquet_command(app, global, action);
  add_delta_command(app, global, action);
  add_cql_server_command(app, global, action);
  add_insights_command(app, global, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  if (global.verbose) util::set_log_level(util::LogLevel::kDebug);
  if (global.quiet) util::set_log_level(util::LogLevel::kWarn);
  if (!action) return kExitUsage;
  return action();
}

}  // namespace
}  // namespace medallion::cli

int main(int argc, char** argv) { return medallion::cli::run(argc, argv); }
