// bench/pipeline: the whole pipeline from a landed file to loaded serving
// tables, against decoding the same file with lbzip2 in the same run.
//
//   bench_pipeline FILE [--bin MEDALLION] [--rounds N] [--dir DIR] [--keep]
//                  [--rss-goal-mb M]
//
// Each round runs, as children with their wall time and peak RSS taken
// from wait4():
//   baseline  lbzip2 -dc FILE > /dev/null
//   pipeline  medallion up --source FILE --lake DIR/lake --cql-data DIR/cql
//             --cql-port 0 --no-serve --quiet
//             (a fresh DIR per round: landing, init, refine, both streams
//             into the embedded CQL server started by `up`)
// and prints the median round:
//   bench pipeline: wall=<s>s baseline=lbzip2-dc <s>s ratio=<x> goal<=3
//   bench pipeline_rss: peak_rss=<MB>MB goal<=<M>MB
// Exit 1 when a child fails.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_timing.h"

namespace {

using medallion::bench::median;

struct ChildRun {
  double seconds = 0;
  double peak_rss_mb = 0;
  int status = 0;
};

// Runs argv with stdout to /dev/null when quiet_stdout; waits with wait4.
ChildRun run_child(const std::vector<std::string>& args, bool quiet_stdout) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (quiet_stdout) {
      const int null_fd = ::open("/dev/null", O_WRONLY);
      ::dup2(null_fd, 1);
    }
    ::execvp(argv[0], argv.data());
    std::fprintf(stderr, "bench_pipeline: cannot run %s: %s\n", argv[0], std::strerror(errno));
    std::_Exit(127);
  }
  ChildRun run;
  struct rusage usage {};
  int status = 0;
  ::wait4(pid, &status, 0, &usage);
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.peak_rss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

std::string flag(int argc, char** argv, const char* name, const char* fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return fallback;
}

bool has(int argc, char** argv, const char* name) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') {
    std::fprintf(stderr,
                 "usage: bench_pipeline FILE [--bin MEDALLION] [--rounds N] [--dir DIR] [--keep] "
                 "[--rss-goal-mb M]\n");
    return 2;
  }
  const std::string file = argv[1];
  const std::string bin = flag(argc, argv, "--bin", MEDALLION_BINARY_DIR "/src/cli/medallion");
  const int rounds = std::max(1, std::atoi(flag(argc, argv, "--rounds", "3").c_str()));
  const double rss_goal = std::atof(flag(argc, argv, "--rss-goal-mb", "1024").c_str());
  std::string dir = flag(argc, argv, "--dir", "");
  const bool keep = has(argc, argv, "--keep");
  if (dir.empty()) {
    char tmpl[] = "/tmp/bench-pipeline-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) {
      std::fprintf(stderr, "bench_pipeline: cannot create a temporary directory\n");
      return 1;
    }
    dir = tmpl;
  }
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    std::fprintf(stderr, "bench_pipeline: no file %s: run `make up` (it generates it) first\n",
                 file.c_str());
    return 1;
  }

  std::vector<double> baseline, pipeline, rss;
  for (int round = 0; round < rounds; ++round) {
    const ChildRun lbzip2 =
        run_child({"sh", "-c", "lbzip2 -dc \"$0\" > /dev/null", file}, /*quiet_stdout=*/false);
    if (lbzip2.status != 0) {
      std::fprintf(stderr, "bench_pipeline: lbzip2 -dc failed (exit %d)\n", lbzip2.status);
      return 1;
    }
    const std::string round_dir = dir + "/round" + std::to_string(round);
    std::error_code ec;
    std::filesystem::remove_all(round_dir, ec);
    std::filesystem::create_directories(round_dir, ec);
    const ChildRun up = run_child({bin, "up", "--source", file, "--lake", round_dir + "/lake",
                                   "--cql-data", round_dir + "/cql", "--cql-port", "0",
                                   "--no-serve", "--quiet"},
                                  /*quiet_stdout=*/true);
    if (up.status != 0) {
      std::fprintf(stderr, "bench_pipeline: medallion up failed (exit %d); data in %s\n",
                   up.status, round_dir.c_str());
      return 1;
    }
    std::fprintf(stderr, "bench_pipeline: round %d: up %.2fs (peak RSS %.0f MB), lbzip2 -dc %.2fs\n",
                 round + 1, up.seconds, up.peak_rss_mb, lbzip2.seconds);
    baseline.push_back(lbzip2.seconds);
    pipeline.push_back(up.seconds);
    rss.push_back(up.peak_rss_mb);
    if (!keep) std::filesystem::remove_all(round_dir, ec);
  }
  const double wall = median(pipeline);
  const double base = median(baseline);
  std::printf("bench pipeline: wall=%.2fs baseline=lbzip2-dc %.2fs ratio=%.2f goal<=3\n", wall,
              base, wall / base);
  std::printf("bench pipeline_rss: peak_rss=%.0fMB goal<=%.0fMB\n",
              *std::max_element(rss.begin(), rss.end()), rss_goal);
  if (!keep) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  return 0;
}
