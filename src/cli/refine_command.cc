// `medallion refine [--source PATH] [--lake DIR] [--config FILE] [--debug] [--threads T]
// [--json]`:
// loads a landed source file into r_session_events, one MERGE commit per
// event date, and its rejected lines into the quarantine table (see
// pipeline/refine.h). Without --source, the newest landed file.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "cli/command.h"
#include "cli/pipeline_options.h"
#include "pipeline/refine.h"
#include "util/civil_time.h"
#include "util/file_system.h"
#include "util/json_writer.h"
#include "util/progress.h"
#include "util/thread_pool.h"

namespace medallion::cli {

namespace {

struct RefineArgs {
  PipelineFlags flags;
  std::string source;
  bool debug = false;
  std::optional<size_t> threads;
  bool json = false;
};

void print_json(const pipeline::RefineReport& r) {
  util::JsonWriter w;
  w.begin_object();
  w.key("source").value(r.source_path);
  w.key("sha256").value(r.source_sha256);
  w.key("lines").value(r.lines);
  w.key("events").value(r.events);
  w.key("rejected").begin_object();
  for (size_t i = 0; i < r.rejected.size(); ++i) {
    w.key(pipeline::quarantine_reason_name(i)).value(r.rejected[i]);
  }
  w.end_object();
  w.key("quarantined").value(r.quarantined);
  w.key("dates").begin_array();
  for (const pipeline::RefineDate& d : r.dates) {
    w.begin_object();
    w.key("date").value(util::format_iso_date(d.event_date));
    w.key("events").value(d.events);
    w.key("inserted").value(d.inserted);
    w.key("version").value(d.version);
    w.key("seconds").raw(fmt::format("{:.3f}", d.seconds));
    w.end_object();
  }
  w.end_array();
  w.key("inserted").value(r.inserted);
  w.key("seconds").raw(fmt::format("{:.3f}", r.seconds));
  w.end_object();
  std::printf("%s\n", w.str().c_str());
}

void print_summary(const pipeline::RefineReport& r) {
  std::string rejects;
  for (size_t i = 0; i < r.rejected.size(); ++i) {
    if (r.rejected[i] == 0) continue;
    rejects += fmt::format("{}{} {}", rejects.empty() ? " (" : ", ",
                           pipeline::quarantine_reason_name(i), r.rejected[i]);
  }
  if (!rejects.empty()) rejects += ")";
  std::printf("refined %s: %lld lines, %lld events, %lld rejected%s, %lld quarantined\n",
              r.source_path.c_str(), static_cast<long long>(r.lines),
              static_cast<long long>(r.events), static_cast<long long>(r.rejected_total()),
              rejects.c_str(), static_cast<long long>(r.quarantined));
  std::printf("%zu of %lld dates loaded, %lld rows inserted in %.2f s (decoding %.2f s)\n",
              r.dates.size(), static_cast<long long>(r.dates_in_file),
              static_cast<long long>(r.inserted), r.seconds, r.decode_seconds);
}

int run_refine(const RefineArgs& args, const GlobalOptions& global) {
  auto settings = resolve_settings(args.flags);
  if (!settings.is_ok()) return report_failure(settings.status());
  util::FileSystem& fs = util::posix_file_system();
  pipeline::RefineOptions options;
  options.layout = lake::LakeLayout(settings->pipeline.lake_root);
  if (args.source.empty()) {
    util::Result<std::string> newest = pipeline::newest_landed_source(fs, options.layout);
    if (!newest.is_ok()) return report_failure(newest.status());
    options.source_path = std::move(*newest);
  } else {
    options.source_path = args.source;
  }
  if (args.debug) options.debug_dates = pipeline::kOriginalDebugDates;
  util::ThreadPool pool(args.threads.value_or(settings->pipeline.threads));
  options.pool = &pool;
  const bool quiet = global.quiet || args.json;
  util::Progress progress({.label = "refine", .quiet = quiet, .item_name = "lines"});
  if (auto size = fs.file_size(options.source_path); size.is_ok()) {
    progress.set_total_bytes(*size);
  }
  options.progress = &progress;

  auto on_date = [&](const pipeline::RefineDate& d, size_t index, size_t count) {
    progress.finish();  // decoding is over: the date lines replace the live line
    if (quiet) return;
    std::printf("%s  %zu/%zu  %8lld events  %8lld inserted  version %lld  %.2f s\n",
                util::format_iso_date(d.event_date).c_str(), index + 1, count,
                static_cast<long long>(d.events), static_cast<long long>(d.inserted),
                static_cast<long long>(d.version), d.seconds);
    std::fflush(stdout);
  };
  util::Result<pipeline::RefineReport> report = pipeline::refine(fs, options, on_date);
  progress.finish();
  if (!report.is_ok()) return report_failure(report.status());
  if (args.json) {
    print_json(*report);
  } else if (!global.quiet) {
    print_summary(*report);
  }
  return kExitOk;
}

}  // namespace

void add_refine_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto args = std::make_shared<RefineArgs>();
  CLI::App* cmd = app.add_subcommand(
      "refine",
      "Load a landed source file into the raw zone: r_session_events gets one\n"
      "insert-when-not-matched MERGE commit per event date, in date order, deduplicated on\n"
      "UNIQUE_ID_ROW; rejected and duplicate lines go to r_session_events_quarantine with\n"
      "their reason. Loading the same file again adds nothing.");
  cmd->add_option("--source", args->source,
                  "the landed file (default: the newest one in the lake's landing zone)");
  add_pipeline_flags(cmd, args->flags, PipelineFlagSet::kLakeOnly);
  cmd->add_flag(
      "--debug", args->debug,
      fmt::format("load only dates [{}, {}) of the file's sorted distinct dates, as the "
                  "original's debug mode (the quarantine still gets every rejected line)",
                  pipeline::kOriginalDebugDates.first, pipeline::kOriginalDebugDates.second));
  cmd->add_option("--threads", args->threads,
                  "decoding threads (default: [pipeline] threads, 0 = one per core)");
  cmd->add_flag("--json", args->json,
                "print one JSON object (source, sha256, lines, events, rejected by reason,\n"
                "quarantined, dates, inserted, seconds) instead of the summary");
  cmd->callback(
      [args, &global, &action] { action = [args, &global] { return run_refine(*args, global); }; });
}

}  // namespace medallion::cli
