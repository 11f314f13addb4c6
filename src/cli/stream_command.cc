// `medallion stream sessions|serving [--trigger available-now|every=30s]
// [--max-files N] [--compat-tables] [--lake DIR] [--cql H:P,...] [--now T]
// [--config FILE]`: runs one of the pipeline's streaming jobs
// (pipeline/stream_jobs.h): sessions (r_session_events → the gold table) or
// serving (the gold table → the CQL serving tables). One line per
// micro-batch unless --quiet, a summary at the end. SIGINT/SIGTERM stop the
// job between batches (the running batch finishes and is committed).
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "cli/command.h"
#include "cli/pipeline_options.h"
#include "cql/client/session.h"
#include "pipeline/pipeline_init.h"
#include "pipeline/stop_signal.h"
#include "pipeline/stream_jobs.h"
#include "util/file_system.h"

namespace medallion::cli {
namespace {

struct StreamArgs {
  PipelineFlags flags;
  std::string job;
  std::optional<std::string> trigger;
  std::optional<int64_t> max_files;
  bool compat_tables = false;
};

void print_batch(std::string_view job, const pipeline::BatchProgress& p) {
  std::printf("stream %.*s: batch %lld  %lld file(s)  %lld row(s)  %.2f s%s\n",
              static_cast<int>(job.size()), job.data(), static_cast<long long>(p.batch_id),
              static_cast<long long>(p.files), static_cast<long long>(p.rows),
              static_cast<double>(p.duration_ms) / 1000.0, p.replayed ? "  (replayed)" : "");
  std::fflush(stdout);
}

int run_stream_job(const StreamArgs& args, const GlobalOptions& global) {
  auto settings = resolve_settings(args.flags);
  if (!settings.is_ok()) return report_failure(settings.status());
  pipeline::StreamJobOptions options;
  pipeline::Trigger trigger = settings->pipeline.trigger;
  if (args.trigger) {
    auto parsed = pipeline::parse_trigger(*args.trigger);
    if (!parsed.is_ok()) return report_failure(parsed.status());
    trigger = *parsed;
  }
  options.trigger = trigger.mode;
  options.interval = trigger.interval;
  options.max_files_per_trigger = args.max_files.value_or(settings->pipeline.max_files_per_trigger);
  options.max_bytes_per_trigger = settings->pipeline.max_bytes_per_trigger;
  auto stop = pipeline::StopSignal::install();
  if (!stop.is_ok()) return report_failure(stop.status());
  options.stop_signal = stop->get();
  if (!global.quiet) {
    options.on_progress = [&](const pipeline::BatchProgress& p) { print_batch(args.job, p); };
  }
  const lake::LakeLayout layout(settings->pipeline.lake_root);
  auto& fs = util::posix_file_system();

  if (args.job == "sessions") {
    auto summary = pipeline::run_sessions_job(fs, layout, options);
    if (!summary.is_ok()) return report_failure(summary.status());
    if (!global.quiet) {
      std::printf("stream sessions: %lld batch(es), %lld raw event(s) merged into %s%s\n",
                  static_cast<long long>(summary->batches), static_cast<long long>(summary->rows),
                  layout.use_case_session_events().c_str(),
                  summary->stopped_by_signal ? " (stopped)" : "");
    }
    return kExitOk;
  }

  auto session = connect_cluster(*settings);
  if (!session.is_ok()) return report_failure(session.status());
  pipeline::ServingOptions serving;
  serving.now_micros = settings->pipeline.now_or_clock();
  serving.retention_days = settings->pipeline.retention_days;
  serving.compat_tables = args.compat_tables || settings->pipeline.compat_tables;
  serving.replication = settings->pipeline.replication;
  // The tables must be there; a keyspace created now also restarts the
  // stream (its checkpoint described another cluster).
  auto init = pipeline::init_serving_tables(fs, layout, **session, serving, /*reset=*/false);
  if (!init.is_ok()) return report_failure(init.status());
  const auto writer = pipeline::cql_serving_writer(**session);
  auto summary = pipeline::run_serving_job(fs, layout, **session, *writer, serving, options);
  (*session)->close();
  if (!summary.is_ok()) return report_failure(summary.status());
  if (!global.quiet) {
    std::printf(
        "stream serving: %lld batch(es), %lld session(s): %lld completed and %lld started "
        "row(s) written, %lld outside the %lld-day window%s\n",
        static_cast<long long>(summary->run.batches),
        static_cast<long long>(summary->counts.sessions),
        static_cast<long long>(summary->counts.completed),
        static_cast<long long>(summary->counts.started),
        static_cast<long long>(summary->counts.expired),
        static_cast<long long>(serving.retention_days),
        summary->run.stopped_by_signal ? " (stopped)" : "");
  }
  return kExitOk;
}

}  // namespace

void add_stream_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto args = std::make_shared<StreamArgs>();
  CLI::App* cmd = app.add_subcommand(
      "stream",
      "Run a streaming job of the pipeline:\n"
      "  sessions  r_session_events -> uc_delta_session_events (one row per session,\n"
      "            MERGE per micro-batch, exactly once)\n"
      "  serving   uc_delta_session_events -> the CQL serving tables of keyspace\n"
      "            session_events (one-year retention as TTLs)\n"
      "Progress is kept in <lake>/_checkpoints/<job>: a job stopped or killed resumes\n"
      "where it was, without losing or duplicating anything.");
  cmd->add_option("job", args->job, "sessions or serving")
      ->required()
      ->check(CLI::IsMember({"sessions", "serving"}));
  add_pipeline_flags(cmd, args->flags);
  cmd->add_option("--trigger", args->trigger,
                  "available-now (process what is there, then stop; the default) or\n"
                  "every=<n>s|ms|m (poll until SIGINT/SIGTERM)");
  cmd->add_option("--max-files", args->max_files, "data files per micro-batch (default 1000)")
      ->check(CLI::Range(int64_t{1}, int64_t{1'000'000}));
  cmd->add_flag("--compat-tables", args->compat_tables,
                "serving: also fill the original's api_completed_sessions and\n"
                "api_start_session_by_hour (create them with `medallion init --compat-tables`)");
  cmd->callback([args, &global, &action] {
    action = [args, &global] { return run_stream_job(*args, global); };
  });
}

}  // namespace medallion::cli
