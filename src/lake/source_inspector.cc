#include "lake/source_inspector.h"

#include <algorithm>
#include <unordered_set>
#include <vector>

#include "formats/compression/decompressing_reader.h"
#include "formats/json/jsonl_decoder.h"
#include "lake/source_events.h"
#include "util/civil_time.h"
#include "util/progress.h"

namespace medallion::lake {

namespace {

class StatsAccumulator {
 public:
  explicit StatsAccumulator(const InspectOptions& options) : options_(options) {}

  void add(const json::DecodedBatch& batch) {
    const columnar::RecordBatch& rows = batch.rows;
    const columnar::Column& event = rows.column(kSourceEvent);
    const columnar::Column& ts = rows.column(kSourceTs);
    for (size_t r = 0; r < rows.num_rows(); ++r) {
      // The decoder admits only the schema's allowed values: start or end.
      if (event.string_at(r) == "start") {
        ++stats_.start_events;
      } else {
        ++stats_.end_events;
      }
      const int64_t t = ts.int64_at(r);
      stats_.min_ts = stats_.min_ts ? std::min(*stats_.min_ts, t) : t;
      stats_.max_ts = stats_.max_ts ? std::max(*stats_.max_ts, t) : t;
      days_.insert(util::days_from_micros(t));
    }
    for (const json::RejectedLine& r : batch.rejects) {
      ++stats_.rejected[static_cast<size_t>(r.reason)];
      if (options_.on_reject) options_.on_reject(r);
    }
  }

  SourceStats finish(int64_t lines) {
    stats_.lines = lines;
    stats_.dates = static_cast<int64_t>(days_.size());
    return stats_;
  }

 private:
  const InspectOptions& options_;
  SourceStats stats_;
  std::unordered_set<int64_t> days_;
};

}  // namespace

util::Result<SourceStats> inspect_source(util::FileSystem& fs, const std::string& path,
                                         const InspectOptions& options) {
  MEDALLION_ASSIGN_OR_RETURN(std::unique_ptr<util::SequentialFile> file, fs.open_sequential(path));
  compression::DecompressOptions dopts;
  dopts.pool = options.pool;
  MEDALLION_ASSIGN_OR_RETURN(std::unique_ptr<compression::ChunkReader> reader,
                             compression::open_decompressed(std::move(file), dopts));
  json::JsonlDecoder decoder(source_events_schema());
  StatsAccumulator acc(options);
  std::vector<json::DecodedBatch> batches;
  uint64_t compressed_seen = 0;
  for (;;) {
    util::Result<std::string_view> chunk = reader->next();
    if (!chunk.is_ok()) {
      return chunk.status().with_context("inspect-source: cannot decode " + path);
    }
    if (chunk->empty()) break;
    const int64_t lines_before = decoder.lines();
    decoder.feed(*chunk, batches);
    for (const auto& b : batches) acc.add(b);
    batches.clear();
    if (options.progress != nullptr) {
      const uint64_t compressed = reader->compressed_bytes_read();
      options.progress->add(static_cast<uint64_t>(decoder.lines() - lines_before),
                            compressed - compressed_seen);
      compressed_seen = compressed;
    }
  }
  decoder.finish(batches);
  for (const auto& b : batches) acc.add(b);
  return acc.finish(decoder.lines());
}

}  // namespace medallion::lake
