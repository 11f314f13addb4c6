#include "gen/source_generator.h"

#include <time.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <future>
#include <span>
#include <string>

#include "formats/compression/bz2_parallel_writer.h"
#include "gen/line_formatter.h"
#include "gen/line_plan.h"
#include "gen/session_model.h"

namespace medallion::gen {

namespace {

// ~2.5 MB of text per chunk: large enough to amortize task overhead, small
// enough to keep every core busy and memory low.
constexpr size_t kChunkLines = 16384;

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct FormattedChunk {
  std::string text;
  size_t lines = 0;
  double cpu_seconds = 0;
};

// Waits for every queued chunk: the tasks borrow the caller's formatter.
struct ChunkQueue {
  std::deque<std::future<FormattedChunk>> futures;
  ~ChunkQueue() {
    for (auto& f : futures) f.wait();
  }
};

}  // namespace

double GenReport::events_per_core_second() const {
  const double cpu = plan_cpu_seconds + format_cpu_seconds;
  return cpu > 0 ? static_cast<double>(lines) / cpu : 0.0;
}

util::Result<GenReport> generate_source(const GenOptions& options, util::WritableFile& out,
                                        util::ThreadPool& pool, const GenProgressFn& progress) {
  MEDALLION_RETURN_IF_ERROR(validate_options(options));
  const auto wall_start = std::chrono::steady_clock::now();
  GenReport report;

  const double plan_start = thread_cpu_seconds();
  const SessionModel model = SessionModel::build(options);
  const LinePlan plan = LinePlan::build(model);
  report.plan_cpu_seconds = thread_cpu_seconds() - plan_start;

  const LineFormatter formatter(model);
  const std::span<const PlannedLine> lines(plan.lines());
  compression::Bz2ParallelWriter writer(out, pool);
  {
    ChunkQueue queue;
    const size_t window = pool.size() + 1;
    size_t next = 0;
    while (next < lines.size() || !queue.futures.empty()) {
      while (next < lines.size() && queue.futures.size() < window) {
        const std::span<const PlannedLine> chunk =
            lines.subspan(next, std::min(kChunkLines, lines.size() - next));
        next += chunk.size();
        queue.futures.push_back(pool.submit([&formatter, chunk] {
          FormattedChunk result;
          const double begin = thread_cpu_seconds();
          formatter.append_lines(chunk, result.text);
          result.lines = chunk.size();
          result.cpu_seconds = thread_cpu_seconds() - begin;
          return result;
        }));
      }
      FormattedChunk chunk = queue.futures.front().get();
      queue.futures.pop_front();
      report.format_cpu_seconds += chunk.cpu_seconds;
      report.lines += static_cast<int64_t>(chunk.lines);
      report.bytes_uncompressed += chunk.text.size();
      MEDALLION_RETURN_IF_ERROR(writer.append(chunk.text));
      if (progress) progress(static_cast<uint64_t>(report.lines), report.bytes_uncompressed);
    }
  }
  MEDALLION_RETURN_IF_ERROR(writer.finish());
  report.bytes_compressed = writer.bytes_out();
  report.truth = compute_source_truth(model, plan);
  report.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return report;
}

}  // namespace medallion::gen
