// `medallion inspect-source FILE [--json]`: what a source file holds.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "lake/source_inspector.h"
#include "util/civil_time.h"
#include "util/progress.h"
#include "util/thread_pool.h"

namespace medallion::cli {

namespace {

struct InspectSourceArgs {
  std::string file;
  bool json = false;
  size_t threads = 0;
  size_t show_rejects = 0;
};

void print_human(const lake::SourceStats& s, double seconds) {
  auto ts = [](const std::optional<int64_t>& t) {
    return t ? util::format_iso8601(*t) : std::string("-");
  };
  std::printf("%-16s %lld\n", "lines", static_cast<long long>(s.lines));
  std::printf("%-16s %lld\n", "start events", static_cast<long long>(s.start_events));
  std::printf("%-16s %lld\n", "end events", static_cast<long long>(s.end_events));
  std::printf("%-16s %s\n", "first ts", ts(s.min_ts).c_str());
  std::printf("%-16s %s\n", "last ts", ts(s.max_ts).c_str());
  std::printf("%-16s %lld\n", "distinct dates", static_cast<long long>(s.dates));
  std::printf("%-16s %lld\n", "rejected", static_cast<long long>(s.rejected_total()));
  for (size_t i = 0; i < s.rejected.size(); ++i) {
    if (s.rejected[i] == 0) continue;
    std::printf("  %-14s %lld\n",
                std::string(json::reject_reason_name(static_cast<json::RejectReason>(i))).c_str(),
                static_cast<long long>(s.rejected[i]));
  }
  std::printf("%-16s %.2f s\n", "decoded in", seconds);
}

int run_inspect_source(const InspectSourceArgs& args, const GlobalOptions& global) {
  util::ThreadPool pool(args.threads);
  util::Progress progress(
      {.label = "inspect-source", .quiet = global.quiet || args.json, .item_name = "lines"});
  size_t shown = 0;
  lake::InspectOptions options;
  options.pool = &pool;
  options.progress = &progress;
  if (args.show_rejects > 0) {
    options.on_reject = [&](const json::RejectedLine& r) {
      if (shown++ >= args.show_rejects) return;
      std::fprintf(stderr, "line %lld: %s (%s): %.200s\n", static_cast<long long>(r.line_number),
                   std::string(json::reject_reason_name(r.reason)).c_str(), r.detail.c_str(),
                   r.text.c_str());
    };
  }
  if (auto size = util::posix_file_system().file_size(args.file); size.is_ok()) {
    progress.set_total_bytes(*size);
  }
  const auto start = std::chrono::steady_clock::now();
  util::Result<lake::SourceStats> stats =
      lake::inspect_source(util::posix_file_system(), args.file, options);
  progress.finish();
  if (!stats.is_ok()) return report_failure(stats.status());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (args.json) {
    std::printf("%s\n", stats->to_json().c_str());
  } else {
    print_human(*stats, seconds);
  }
  return kExitOk;
}

}  // namespace

void add_inspect_source_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto args = std::make_shared<InspectSourceArgs>();
  CLI::App* cmd = app.add_subcommand(
      "inspect-source",
      "Decode a source file (bzip2, gzip, zstd or plain JSON Lines) and count what it holds:\n"
      "lines, events by type, first/last ts, distinct dates, rejected lines by reason");
  cmd->add_option("FILE", args->file, "the source file")->required();
  cmd->add_flag("--json", args->json, "print one JSON object instead of a table");
  cmd->add_option("--threads", args->threads, "decoding threads (default: one per core)");
  cmd->add_option("--show-rejects", args->show_rejects,
                  "print the first N rejected lines with their reason on stderr");
  cmd->callback([args, &global, &action] {
    action = [args, &global] { return run_inspect_source(*args, global); };
  });
}

}  // namespace medallion::cli
