// `medallion gen --out FILE [--events N] [--seed S] [--dirty RATE]
//                [--truth FILE.json] [--threads T] [--json]`:
// writes a synthetic assignment_data.jsonl.bz2 (see gen/source_generator.h).
// The file appears under its name only when complete: it is written to a
// temporary name in the same directory, synced, then renamed into place.
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "gen/gen_options.h"
#include "gen/source_generator.h"
#include "util/file_system.h"
#include "util/json_writer.h"
#include "util/progress.h"
#include "util/thread_pool.h"

namespace medallion::cli {

namespace {

struct GenArgs {
  std::string out;
  gen::GenOptions options;
  std::string truth;
  size_t threads = 0;
  bool json = false;
};

constexpr double kMB = 1e6;

// Writes the source to a temporary file beside `path`, then renames it into
// place; on failure the temporary file is removed and `path` is untouched.
util::Result<gen::GenReport> write_source(util::FileSystem& fs, const GenArgs& args,
                                          util::ThreadPool& pool, util::Progress& progress) {
  const std::string dir = util::parent_dir(args.out);
  const std::string temp =
      util::join_path(dir, "." + util::base_name(args.out) + ".tmp-" + std::to_string(::getpid()));
  MEDALLION_ASSIGN_OR_RETURN(std::unique_ptr<util::WritableFile> file,
                             fs.create_writable(temp, util::CreateMode::kTruncate));
  uint64_t shown_lines = 0;
  uint64_t shown_bytes = 0;
  auto on_progress = [&](uint64_t lines, uint64_t bytes) {
    progress.add(lines - shown_lines, bytes - shown_bytes);
    shown_lines = lines;
    shown_bytes = bytes;
  };
  util::Result<gen::GenReport> report =
      gen::generate_source(args.options, *file, pool, on_progress);
  util::Status st = report.is_ok() ? util::Status::ok() : report.status();
  if (st.is_ok()) st = file->sync();
  if (st.is_ok()) st = file->close();
  if (st.is_ok()) st = fs.rename(temp, args.out);
  if (!st.is_ok()) {
    file.reset();
    (void)fs.remove_file(temp);
    return st;
  }
  MEDALLION_RETURN_IF_ERROR(fs.sync_dir(dir));
  return report;
}

void print_json(const GenArgs& args, const gen::GenReport& r) {
  util::JsonWriter w;
  w.begin_object();
  w.key("out").value(args.out);
  w.key("lines").value(r.lines);
  w.key("bytes_uncompressed").value(r.bytes_uncompressed);
  w.key("bytes_compressed").value(r.bytes_compressed);
  w.key("seconds").value(r.wall_seconds);
  w.key("events_per_core_second").value(r.events_per_core_second());
  w.key("seed").value(args.options.seed);
  w.key("dirty_rate").value(args.options.dirty_rate);
  w.end_object();
  std::printf("%s\n", w.str().c_str());
}

int run_gen(const GenArgs& args, const GlobalOptions& global) {
  util::FileSystem& fs = util::posix_file_system();
  if (!args.truth.empty()) {
    // Fail before minutes of compression rather than after.
    const std::string dir = util::parent_dir(args.truth);
    util::Result<bool> exists = fs.exists(dir);
    if (!exists.is_ok()) return report_failure(exists.status());
    if (!*exists) {
      return report_failure(util::Status::not_found(
          "gen: cannot write the truth file (" + args.truth + "): directory " + dir +
          " does not exist; create it or choose another --truth path"));
    }
  }
  util::ThreadPool pool(args.threads);
  util::Progress progress({.label = "gen",
                           .quiet = global.quiet || args.json,
                           .total_items = static_cast<uint64_t>(args.options.events),
                           .item_name = "lines"});
  util::Result<gen::GenReport> report = write_source(fs, args, pool, progress);
  progress.finish();
  if (!report.is_ok()) return report_failure(report.status());
  if (!args.truth.empty()) {
    const util::Status st = util::write_file_atomic(fs, args.truth, report->truth.to_json());
    if (!st.is_ok()) return report_failure(st);
  }
  const gen::GenReport& r = *report;
  if (args.json) {
    print_json(args, r);
    return kExitOk;
  }
  if (global.verbose) {
    std::printf(
        "gen: generation %.2fM events/s per core (plan %.3f s + format %.3f s CPU, "
        "before compression), %zu threads\n",
        r.events_per_core_second() / 1e6, r.plan_cpu_seconds, r.format_cpu_seconds, pool.size());
  }
  if (!global.quiet) {
    std::printf("gen: wrote %s: %lld lines, %.1f MB uncompressed, %.1f MB bz2, %.2f s\n",
                args.out.c_str(), static_cast<long long>(r.lines),
                static_cast<double>(r.bytes_uncompressed) / kMB,
                static_cast<double>(r.bytes_compressed) / kMB, r.wall_seconds);
  }
  return kExitOk;
}

}  // namespace

void add_gen_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto args = std::make_shared<GenArgs>();
  CLI::App* cmd = app.add_subcommand(
      "gen",
      "Write a synthetic assignment_data.jsonl.bz2: session start/end events as JSON Lines,\n"
      "bzip2-compressed, the same bytes for the same arguments. The defaults reproduce the\n"
      "known facts of the real file (1,001,169 lines, 19,615 players, 246 countries).");
  cmd->add_option("--out", args->out, "the .jsonl.bz2 file to write")->required();
  cmd->add_option("--events", args->options.events,
                  "lines of the clean file; everything scales with it")
      ->default_val(gen::kDefaultEvents)
      ->check(CLI::Range(int64_t{0}, gen::kMaxEvents));
  cmd->add_option("--seed", args->options.seed, "seed of every random choice")
      ->default_val(gen::kDefaultSeed);
  cmd->add_option("--dirty", args->options.dirty_rate,
                  "inject each kind of bad line at this rate of lines (0 .. 0.1)")
      ->default_val(0.0)
      ->check(CLI::Range(0.0, gen::kMaxDirtyRate));
  cmd->add_option("--truth", args->truth,
                  "also write what the file holds, counted by construction, as JSON");
  cmd->add_option("--threads", args->threads,
                  "formatting and compression threads "
                  "(default: one per core)");
  cmd->add_flag("--json", args->json, "print the summary as one JSON object");
  cmd->callback(
      [args, &global, &action] { action = [args, &global] { return run_gen(*args, global); }; });
}

}  // namespace medallion::cli
