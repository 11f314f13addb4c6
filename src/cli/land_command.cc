// `medallion land --source URL|PATH [--lake DIR] [--now INSTANT] [--timeout S] [--json]`:
// copies the source, byte for byte, into the lake's landing zone with a
// manifest (see lake/landing.h). Landing the same bytes again is a no-op.
#include <CLI/CLI.hpp>

#include <signal.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "cli/command.h"
#include "lake/landing.h"
#include "util/civil_time.h"
#include "util/file_system.h"
#include "util/json_writer.h"
#include "util/progress.h"

namespace medallion::cli {

namespace {

struct LandArgs {
  std::string source;
  std::string lake = std::string(lake::kDefaultLakeRoot);
  std::string now;
  int timeout_seconds = 60;
  bool json = false;
};

constexpr size_t kShortHashDigits = 12;

// Set by SIGINT/SIGTERM while a landing runs, so that it stops and removes its
// partial file. A signal handler can reach nothing but static storage: this
// flag is the exception to "no global mutable state".
std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the flag is set in a signal handler");

extern "C" void on_interrupt(int) { g_interrupted.store(true, std::memory_order_relaxed); }

// Routes SIGINT and SIGTERM to the flag for its lifetime (a signal the
// process was told to ignore, as in `nohup`, stays ignored).
class InterruptScope {
 public:
  InterruptScope() {
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < kSignals.size(); ++i) {
      sigaction(kSignals[i], nullptr, &old_[i]);
      if (old_[i].sa_handler != SIG_IGN) sigaction(kSignals[i], &action, nullptr);
    }
  }
  ~InterruptScope() {
    for (size_t i = 0; i < kSignals.size(); ++i) sigaction(kSignals[i], &old_[i], nullptr);
  }
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

 private:
  static constexpr std::array<int, 2> kSignals = {SIGINT, SIGTERM};
  std::array<struct sigaction, 2> old_{};
};

std::string short_hash(const std::string& sha256) {
  return sha256.substr(0, kShortHashDigits) + "\u2026";
}

void print_json(const lake::LandingReport& report) {
  util::JsonWriter w;
  w.begin_object();
  report.manifest.write_json_fields(w);
  w.key("path").value(report.path);
  w.key("manifest_path").value(report.manifest_path);
  w.key("already_landed").value(report.already_landed);
  w.key("seconds").raw(fmt::format("{:.3f}", report.seconds));  // milliseconds suffice
  w.end_object();
  std::printf("%s\n", w.str().c_str());
}

int run_land(const LandArgs& args, const GlobalOptions& global) {
  lake::LandingOptions options;
  options.source = args.source;
  options.lake_root = args.lake;
  if (!args.now.empty()) options.now_micros = util::parse_iso8601(args.now);  // checked by CLI11
  options.timeout_seconds = args.timeout_seconds;
  util::Progress progress({.label = "land", .quiet = global.quiet || args.json});
  options.progress = &progress;
  options.cancel = &g_interrupted;

  InterruptScope interrupts;
  util::Result<lake::LandingReport> report = lake::land_source(util::posix_file_system(), options);
  progress.finish();
  if (!report.is_ok()) return report_failure(report.status());
  const lake::LandingReport& r = *report;
  if (args.json) {
    print_json(r);
  } else if (!global.quiet) {
    if (r.already_landed) {
      std::printf("already landed: %s (sha256 %s)\n", r.path.c_str(),
                  short_hash(r.manifest.sha256).c_str());
    } else {
      std::printf("landed %s (%s, sha256 %s, %.1f s)\n", r.path.c_str(),
                  util::format_bytes(r.manifest.size).c_str(),
                  short_hash(r.manifest.sha256).c_str(), r.seconds);
    }
  }
  return kExitOk;
}

}  // namespace

void add_land_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto args = std::make_shared<LandArgs>();
  CLI::App* cmd = app.add_subcommand(
      "land",
      "Fetch the source file (http, https, file URL or a local path) into the landing zone:\n"
      "  <lake>/landingzone/assignment_data/<load-date>/<file name>\n"
      "byte for byte, with <file name>.manifest.json beside it (source, size, sha256,\n"
      "fetched_at). <load-date> is the UTC date of the fetch. Landing the same bytes\n"
      "again copies nothing and says where they already are.");
  cmd->add_option("--source", args->source, "URL (http, https, file) or path of the source file")
      ->required();
  cmd->add_option("--lake", args->lake, "root directory of the data lake")
      ->default_val(std::string(lake::kDefaultLakeRoot));
  cmd->add_option("--now", args->now,
                  "the instant of the fetch, ISO-8601 (e.g. 2016-12-02T00:00:00Z): fixes\n"
                  "fetched_at and the load date, for reproducible runs")
      ->check([](const std::string& text) -> std::string {
        return util::parse_iso8601(text) ? std::string()
                                         : "'" + text + "' is not an ISO-8601 instant";
      });
  cmd->add_option("--timeout", args->timeout_seconds,
                  "seconds to wait for a connection, and for a stalled transfer (under\n"
                  "1 byte/s) before giving up")
      ->default_val(60)
      ->check(CLI::Range(1, 86'400));
  cmd->add_flag("--json", args->json,
                "print the manifest, with path, manifest_path, already_landed and seconds,\n"
                "as one JSON object instead of the summary");
  cmd->callback(
      [args, &global, &action] { action = [args, &global] { return run_land(*args, global); }; });
}

}  // namespace medallion::cli
