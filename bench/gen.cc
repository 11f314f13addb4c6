// bench/gen: `medallion gen` with the default options.
//
//   bench_gen DIR
//
// Prints (1) events generated and formatted per second of one core, before
// compression (goal >= 1M/s), against the goal; (2) the whole run's wall time
// (generation + compression on every core) against `lbzip2 -9` compressing
// the same uncompressed bytes on every core, in the same run (informational).
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "bench_timing.h"
#include "gen/source_generator.h"
#include "util/file_system.h"
#include "util/thread_pool.h"

namespace {

using medallion::bench::now_seconds;

// Runs a shell command; returns its wall seconds or -1 on failure.
double time_shell(const std::string& command) {
  const double start = now_seconds();
  const int rc = std::system(command.c_str());
  if (rc != 0) return -1;
  return now_seconds() - start;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_gen DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  const std::string bz = dir + "/bench_gen.jsonl.bz2", plain = dir + "/bench_gen.jsonl";
  auto& fs = medallion::util::posix_file_system();
  medallion::util::ThreadPool pool;
  medallion::gen::GenReport report;
  {
    auto file = fs.create_writable(bz, medallion::util::CreateMode::kTruncate);
    if (!file.is_ok()) {
      std::fprintf(stderr, "bench gen: %s\n", file.status().message().c_str());
      return 1;
    }
    auto r = medallion::gen::generate_source({}, **file, pool);
    if (!r.is_ok() || !(*file)->close().is_ok()) {
      std::fprintf(stderr, "bench gen: generation failed\n");
      return 1;
    }
    report = *r;
  }
  const double per_core = report.events_per_core_second();
  std::printf("bench gen-events: rate=%.2fM/s/core baseline=goal 1.00M/s/core ratio=%.2f goal>=1\n",
              per_core / 1e6, per_core / 1e6);
  if (time_shell("bzip2 -dc '" + bz + "' > '" + plain + "'") < 0) return 1;
  const double base = time_shell("lbzip2 -9 -n " + std::to_string(pool.size()) + " -c '" + plain +
                                 "' > /dev/null");
  fs.remove_file(plain).is_ok();
  fs.remove_file(bz).is_ok();
  if (base < 0) return 1;
  // Informational: libbz2's encoder (which gen uses) is slower than lbzip2's
  // own; the figure is the rate before compression above.
  std::printf("bench gen-total: wall=%.2fs baseline=lbzip2-9 %.2fs ratio=%.2f goal=info "
              "(lines=%lld, %.1f MB compressed)\n",
              report.wall_seconds, base, report.wall_seconds / base,
              static_cast<long long>(report.lines), report.bytes_compressed / 1e6);
  return 0;
}
