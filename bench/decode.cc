// bench/decode: decoding a source file (bzip2 decompression + JSONL parsing
// into record batches) against `lbzip2 -dc FILE > /dev/null` on the same file,
// in the same run, alternating rounds so that machine noise hits both.
//
//   bench_decode FILE [--rounds N] [--rss-only]
//
// Prints the median wall time of each side and their ratio (goal <= 1.5), and
// the peak RSS of a decode run in a child process (goal < 256 MB).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench_timing.h"
#include "lake/source_inspector.h"
#include "util/thread_pool.h"

namespace {

using medallion::bench::now_seconds;
using medallion::bench::median;

using medallion::util::ThreadPool;

// Runs `lbzip2 -dc file` with stdout on /dev/null; returns wall seconds or -1.
double time_lbzip2(const std::string& file) {
  const double start = now_seconds();
  const pid_t pid = fork();
  if (pid == 0) {
    FILE* devnull = std::freopen("/dev/null", "w", stdout);
    (void)devnull;
    execlp("lbzip2", "lbzip2", "-dc", file.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
  return now_seconds() - start;
}

bool decode_once(const std::string& file, ThreadPool& pool, medallion::lake::SourceStats* out) {
  medallion::lake::InspectOptions options;
  options.pool = &pool;
  auto stats = medallion::lake::inspect_source(medallion::util::posix_file_system(), file, options);
  if (!stats.is_ok()) {
    std::fprintf(stderr, "bench decode: %s\n", stats.status().message().c_str());
    return false;
  }
  *out = *stats;
  return true;
}

// Decodes in a child process and returns its peak RSS in MB (-1 on failure).
double child_peak_rss_mb(const std::string& file) {
  const pid_t pid = fork();
  if (pid == 0) {
    ThreadPool pool;
    medallion::lake::SourceStats stats;
    _exit(decode_once(file, pool, &stats) ? 0 : 1);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_decode FILE [--rounds N] [--rss-only]\n");
    return 2;
  }
  const std::string file = argv[1];
  int rounds = 3;
  bool rss_only = false;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) rounds = std::atoi(argv[++i]);
    if (std::strcmp(argv[i], "--rss-only") == 0) rss_only = true;
  }
  if (!rss_only) {
    ThreadPool pool;
    std::vector<double> ours, base;
    medallion::lake::SourceStats stats;
    for (int r = 0; r < rounds; ++r) {
      const double b = time_lbzip2(file);
      if (b < 0) {
        std::fprintf(stderr, "bench decode: lbzip2 -dc %s failed (is lbzip2 installed?)\n",
                     file.c_str());
        return 1;
      }
      base.push_back(b);
      const double start = now_seconds();
      if (!decode_once(file, pool, &stats)) return 1;
      ours.push_back(now_seconds() - start);
    }
    const double o = median(ours), b = median(base);
    std::printf("bench decode: wall=%.2fs baseline=lbzip2-dc %.2fs ratio=%.2f goal<=1.5 "
                "(lines=%lld, threads=%zu, median of %d)\n",
                o, b, o / b, static_cast<long long>(stats.lines), pool.size(), rounds);
  }
  const double rss = child_peak_rss_mb(file);
  if (rss < 0) return 1;
  std::printf("bench decode-rss: peak_rss=%.0fMB baseline=none goal<256MB (file=%s)\n", rss,
              file.c_str());
  return 0;
}
