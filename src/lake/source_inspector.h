// Source inspection: decodes a session-events source file (any codec of
// compression/codec.h) and counts what it holds — the engine of
// `medallion inspect-source` and of the decode benchmark.
//
// Thread safety: inspect_source() may run concurrently on distinct files;
// the pool may be shared.
#pragma once

#include <functional>
#include <string>

#include "lake/source_stats.h"
#include "util/file_system.h"
#include "util/status.h"

namespace medallion::util {
class ThreadPool;
class Progress;
}  // namespace medallion::util

namespace medallion::lake {

struct InspectOptions {
  util::ThreadPool* pool = nullptr;   // block-parallel decompression; null = one thread
  util::Progress* progress = nullptr;  // fed with lines and compressed bytes
  // Called for every rejected line, in line order (e.g. to print samples).
  std::function<void(const json::RejectedLine&)> on_reject;
};

util::Result<SourceStats> inspect_source(util::FileSystem& fs, const std::string& path,
                                         const InspectOptions& options = {});

}  // namespace medallion::lake
