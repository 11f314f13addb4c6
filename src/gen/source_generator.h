// generate_source: writes a synthetic session-events source, the stand-in for
// the assignment's `assignment_data.jsonl.bz2`: JSON Lines (line_formatter.h)
// compressed as concatenated bzip2 streams (compression/bz2_parallel_writer.h).
//
// The bytes depend only on GenOptions: the model and the line plan are drawn
// on one thread from seeded streams (random.h); lines are formatted in
// fixed-size chunks on the pool and handed to the compressor in file order,
// and the compressor cuts its pieces at fixed byte offsets. So any pool size
// gives the same file.
//
// Thread safety: the pool is borrowed and used for formatting and
// compression; the file is written from the calling thread only.
#pragma once

#include <cstdint>
#include <functional>

#include "gen/gen_options.h"
#include "gen/source_truth.h"
#include "util/file_system.h"
#include "util/status.h"
#include "util/thread_pool.h"

namespace medallion::gen {

struct GenReport {
  int64_t lines = 0;
  uint64_t bytes_uncompressed = 0;
  uint64_t bytes_compressed = 0;
  // CPU time of generation before compression: drawing the model and the
  // plan (one thread) plus formatting lines (summed over threads).
  double plan_cpu_seconds = 0;
  double format_cpu_seconds = 0;
  double wall_seconds = 0;
  SourceTruth truth;

  // Lines generated and formatted per second of one core.
  double events_per_core_second() const;
};

// Called on the calling thread after each chunk is handed to the compressor,
// with the totals so far.
using GenProgressFn = std::function<void(uint64_t lines, uint64_t bytes_uncompressed)>;

// Writes the whole compressed source to `out` (not synced, not closed).
util::Result<GenReport> generate_source(const GenOptions& options, util::WritableFile& out,
                                        util::ThreadPool& pool, const GenProgressFn& progress = {});

}  // namespace medallion::gen
