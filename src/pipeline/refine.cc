#include "pipeline/refine.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include <fmt/format.h>

#include "delta/columnar_bridge.h"
#include "delta/merge.h"
#include "delta/table_writer.h"
#include "formats/compression/decompressing_reader.h"
#include "formats/json/jsonl_decoder.h"
#include "lake/manifest.h"
#include "lake/source_events.h"
#include "pipeline/dated_events.h"
#include "pipeline/line_window.h"
#include "pipeline/table_schemas.h"
#include "util/civil_time.h"
#include "util/progress.h"
#include "util/sha256.h"
#include "util/thread_pool.h"

namespace medallion::pipeline {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kQuarantineAppIdPrefix = "medallion-refine-quarantine-";
constexpr size_t kDuplicateIndex = kQuarantineReasonCount - 1;
static_assert(kDuplicateIndex == json::kRejectReasonCount);

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The source file, hashed as the decompressor reads it: the digest names
// exactly the bytes that were decoded, with no second read of the file.
class HashingFile : public util::SequentialFile {
 public:
  explicit HashingFile(std::unique_ptr<util::SequentialFile> file) : file_(std::move(file)) {}

  util::Result<size_t> read(char* buf, size_t n) override {
    util::Result<size_t> got = file_->read(buf, n);
    if (got.is_ok()) sha_.update(std::string_view(buf, *got));
    return got;
  }
  const std::string& path() const override { return file_->path(); }

  // Hashes what the reader left unread (bytes after the last compressed
  // stream), then the digest of the whole file.
  util::Result<std::string> finish() {
    std::string buf(1 << 16, '\0');
    for (;;) {
      MEDALLION_ASSIGN_OR_RETURN(size_t got, read(buf.data(), buf.size()));
      if (got == 0) break;
    }
    return sha_.hex_digest();
  }

 private:
  std::unique_ptr<util::SequentialFile> file_;
  util::Sha256 sha_;
};

struct QuarantineLine {
  int64_t line_number = 0;
  std::string text;
  size_t reason = 0;  // index of quarantine_reason_name
  std::string detail;
};

// What decoding the file yields.
struct Decoded {
  DatedEvents events;
  std::vector<QuarantineLine> quarantine;  // in line order
  int64_t lines = 0;
  std::string sha256;
};

class Decoding {
 public:
  explicit Decoding(Decoded* out) : out_(out) {}

  util::Status add(std::vector<json::DecodedBatch>& batches) {
    for (json::DecodedBatch& batch : batches) {
      duplicates_.clear();
      MEDALLION_RETURN_IF_ERROR(out_->events.add(batch.rows, &duplicates_));
      // Rejects and duplicates are each in line order: merge them so.
      size_t d = 0;
      for (json::RejectedLine& r : batch.rejects) {
        while (d < duplicates_.size() && duplicates_[d].line_number < r.line_number) {
          add_duplicate(duplicates_[d++]);
        }
        const auto reason = static_cast<size_t>(r.reason);
        std::string detail = std::string(quarantine_reason_name(reason));
        if (!r.detail.empty()) detail.append(": ").append(r.detail);
        out_->quarantine.push_back({r.line_number, std::move(r.text), reason, std::move(detail)});
      }
      while (d < duplicates_.size()) add_duplicate(duplicates_[d++]);
      int64_t last = batch.rows.line_numbers().empty() ? 0 : batch.rows.line_numbers().back();
      if (!batch.rejects.empty()) last = std::max(last, batch.rejects.back().line_number);
      window_.release_before(last + 1);
    }
    batches.clear();
    return util::Status::ok();
  }

  LineWindow& window() { return window_; }

 private:
  void add_duplicate(const DuplicateLine& d) {
    const std::string_view text = window_.line(d.line_number);
    out_->quarantine.push_back(
        {d.line_number, std::string(text.substr(0, json::kMaxRejectTextBytes)), kDuplicateIndex,
         fmt::format("duplicate of line {}", d.first_line_number)});
  }

  Decoded* out_;
  LineWindow window_;
  std::vector<DuplicateLine> duplicates_;
};

util::Status decode_source(util::FileSystem& fs, const RefineOptions& options, Decoded* out) {
  const std::string& path = options.source_path;
  util::Result<std::unique_ptr<util::SequentialFile>> opened = fs.open_sequential(path);
  if (!opened.is_ok()) {
    return opened.status().with_context("refine: cannot read the source");
  }
  auto hashing = std::make_unique<HashingFile>(std::move(*opened));
  HashingFile* hashed = hashing.get();  // owned by the reader, alive until it is
  compression::DecompressOptions dopts;
  dopts.pool = options.pool;
  MEDALLION_ASSIGN_OR_RETURN(std::unique_ptr<compression::ChunkReader> reader,
                             compression::open_decompressed(std::move(hashing), dopts));
  json::JsonlDecoder decoder(lake::source_events_schema());
  Decoding decoding(out);
  std::vector<json::DecodedBatch> batches;
  uint64_t compressed_seen = 0;
  for (;;) {
    util::Result<std::string_view> chunk = reader->next();
    if (!chunk.is_ok()) return chunk.status().with_context("refine: cannot decode " + path);
    if (chunk->empty()) break;
    const int64_t lines_before = decoder.lines();
    decoding.window().append(*chunk);
    decoder.feed(*chunk, batches);
    MEDALLION_RETURN_IF_ERROR(decoding.add(batches));
    if (options.progress != nullptr) {
      const uint64_t compressed = reader->compressed_bytes_read();
      options.progress->add(static_cast<uint64_t>(decoder.lines() - lines_before),
                            compressed - compressed_seen);
      compressed_seen = compressed;
    }
  }
  const int64_t lines_before = decoder.lines();
  decoder.finish(batches);
  MEDALLION_RETURN_IF_ERROR(decoding.add(batches));
  if (options.progress != nullptr) {
    options.progress->add(static_cast<uint64_t>(decoder.lines() - lines_before), 0);
  }
  out->lines = decoder.lines();
  util::Result<std::string> sha = hashed->finish();
  if (!sha.is_ok()) return sha.status().with_context("refine: cannot read " + path);
  out->sha256 = std::move(*sha);
  return util::Status::ok();
}

util::Status ensure_table(util::FileSystem& fs, const std::string& root,
                          const columnar::Schema& schema, std::vector<std::string> partitions) {
  auto created = delta::create_table(fs, root, delta::delta_schema_of(schema), partitions, {});
  if (created.is_ok() || created.status().code() == util::StatusCode::kAlreadyExists) {
    return util::Status::ok();
  }
  return created.status();
}

util::Result<int64_t> write_quarantine(util::FileSystem& fs, const RefineOptions& options,
                                       const Decoded& decoded, int64_t now_micros) {
  if (decoded.quarantine.empty()) return 0;
  columnar::RecordBatch rows(quarantine_schema());
  rows.reserve(decoded.quarantine.size());
  for (const QuarantineLine& q : decoded.quarantine) {
    rows.column(0).append_string(options.source_path);
    rows.column(1).append_int64(q.line_number);
    rows.column(2).append_string(q.text);
    rows.column(3).append_string(quarantine_reason_name(q.reason));
    rows.column(4).append_string(q.detail);
    rows.column(5).append_int64(now_micros);
  }
  delta::WriteOptions write;
  write.app_id = std::string(kQuarantineAppIdPrefix) + decoded.sha256;
  write.app_version = 0;
  write.now_ms = now_micros / 1000;
  MEDALLION_ASSIGN_OR_RETURN(delta::WriteResult written,
                             delta::append(fs, options.layout.raw_session_events_quarantine(),
                                           delta::to_row_batch(std::move(rows)), write));
  return written.skipped ? 0 : written.rows_written;
}

delta::MergeSpec raw_merge_spec() {
  delta::MergeSpec spec;
  spec.keys = {{"UNIQUE_ID_ROW", "UNIQUE_ID_ROW"},
               {std::string(kEventDateColumn), std::string(kEventDateColumn)}};
  spec.when_not_matched.push_back(delta::WhenNotMatched{});  // INSERT *
  return spec;
}

// Loads dates [first, last) of `dates`, one MERGE each, a few at a time on
// the pool: each date reads and writes only its own EVENT_DATE partition, so
// their commits do not conflict, and each commits only once the date before
// it is through (WriteOptions::before_commit), which keeps one commit per
// date in date order. A failed date stops every later one from committing;
// the error returned is the first in date order.
util::Status merge_dates(util::FileSystem& fs, const RefineOptions& options,
                         const std::string& raw_root, const std::vector<int32_t>& dates,
                         size_t first, size_t last, int64_t now_micros, DatedEvents& events,
                         const RefineDateCallback& on_date, RefineReport* report) {
  const delta::MergeSpec spec = raw_merge_spec();
  const size_t count = last - first;
  std::vector<RefineDate> done(count);
  std::vector<util::Status> statuses(count);
  std::mutex mu;
  std::condition_variable turn_passed;
  size_t through = 0;  // dates [first, first + through) have committed or failed
  bool failed = false;
  std::mutex take_mu;  // DatedEvents is single-threaded
  const auto await_turn = [&](size_t k) {
    std::unique_lock lock(mu);
    turn_passed.wait(lock, [&] { return through == k; });
    return !failed;
  };

  util::parallel_for(options.pool, count, [&](size_t k) {
    const auto date_started = Clock::now();
    RefineDate& date = done[k];
    date.event_date = dates[first + k];
    util::Status status = [&]() -> util::Status {
      util::Result<columnar::RecordBatch> rows = [&] {
        std::lock_guard lock(take_mu);
        return events.take_date(date.event_date, now_micros);
      }();
      MEDALLION_RETURN_IF_ERROR(rows.status());
      date.events = static_cast<int64_t>(rows->num_rows());
      delta::WriteOptions write;
      write.now_ms = now_micros / 1000;
      write.before_commit = [&] {
        return await_turn(k) ? util::Status::ok()
                             : util::Status::aborted("refine: an earlier date failed");
      };
      util::Result<delta::MergeResult> merged = delta::merge(fs, raw_root, *rows, spec, write);
      if (!merged.is_ok()) {
        return merged.status().with_context(fmt::format(
            "refine: loading {} into {}", util::format_iso_date(date.event_date), raw_root));
      }
      date.inserted = merged->rows_inserted;
      date.version = merged->version;
      return util::Status::ok();
    }();
    // Whatever happened, pass the turn on in date order.
    if (await_turn(k) && status.is_ok()) {
      date.seconds = seconds_since(date_started);
      if (on_date) on_date(date, k, count);
    }
    std::lock_guard lock(mu);
    if (!status.is_ok()) failed = true;
    statuses[k] = std::move(status);
    ++through;
    turn_passed.notify_all();
  });

  for (size_t k = 0; k < count; ++k) {
    MEDALLION_RETURN_IF_ERROR(statuses[k]);
    report->inserted += done[k].inserted;
    report->dates.push_back(done[k]);
  }
  return util::Status::ok();
}

}  // namespace

columnar::Schema quarantine_schema() {
  using columnar::DataType;
  using columnar::Field;
  return columnar::Schema({Field{"source_file", DataType::kString, true, {}},
                           Field{"line_number", DataType::kInt64, true, {}},
                           Field{"raw_line", DataType::kString, true, {}},
                           Field{"reason", DataType::kString, true, {}},
                           Field{"detail", DataType::kString, true, {}},
                           Field{"DL_INSERT_TS", DataType::kTimestamp, true, {}}});
}

std::string_view quarantine_reason_name(size_t index) {
  if (index < json::kRejectReasonCount) {
    return json::reject_reason_name(static_cast<json::RejectReason>(index));
  }
  return kDuplicateReason;
}

int64_t RefineReport::rejected_total() const {
  int64_t total = 0;
  for (int64_t n : rejected) total += n;
  return total;
}

util::Result<RefineReport> refine(util::FileSystem& fs, const RefineOptions& options,
                                  const RefineDateCallback& on_date) {
  const auto started = Clock::now();
  const int64_t now_micros =
      options.now_micros != 0 ? options.now_micros : util::unix_now_ms() * 1000;
  RefineReport report;
  report.source_path = options.source_path;

  auto decoded = std::make_unique<Decoded>();
  MEDALLION_RETURN_IF_ERROR(decode_source(fs, options, decoded.get()));
  report.source_sha256 = decoded->sha256;
  report.lines = decoded->lines;
  report.events = decoded->events.events();
  for (const QuarantineLine& q : decoded->quarantine) ++report.rejected[q.reason];
  report.decode_seconds = seconds_since(started);

  const std::string raw_root = options.layout.raw_session_events();
  MEDALLION_RETURN_IF_ERROR(
      ensure_table(fs, raw_root, raw_events_schema(), {std::string(kEventDateColumn)}));
  MEDALLION_RETURN_IF_ERROR(
      ensure_table(fs, options.layout.raw_session_events_quarantine(), quarantine_schema(), {}));
  MEDALLION_ASSIGN_OR_RETURN(report.quarantined,
                             write_quarantine(fs, options, *decoded, now_micros));
  decoded->quarantine = {};

  const std::vector<int32_t> dates = decoded->events.dates();
  report.dates_in_file = static_cast<int64_t>(dates.size());
  size_t first = 0, last = dates.size();
  if (options.debug_dates) {
    first = std::min(options.debug_dates->first, dates.size());
    last = std::clamp(options.debug_dates->second, first, dates.size());
  }
  MEDALLION_RETURN_IF_ERROR(merge_dates(fs, options, raw_root, dates, first, last, now_micros,
                                        decoded->events, on_date, &report));
  report.seconds = seconds_since(started);
  return report;
}

util::Result<std::string> newest_landed_source(util::FileSystem& fs,
                                               const lake::LakeLayout& layout) {
  const std::string dir = layout.assignment_landing_dir();
  const util::Status none = util::Status::not_found(fmt::format(
      "refine: no landed source under {}: run `medallion land --source ...` first", dir));
  MEDALLION_ASSIGN_OR_RETURN(bool exists, fs.exists(dir));
  if (!exists) return none;
  MEDALLION_ASSIGN_OR_RETURN(std::vector<std::string> entries, fs.list_dir(dir));
  std::vector<std::pair<int64_t, std::string>> load_dates;
  for (const std::string& name : entries) {
    if (auto days = util::parse_iso_date(name)) load_dates.emplace_back(*days, name);
  }
  std::sort(load_dates.rbegin(), load_dates.rend());
  // The newest load date holding a manifest; its newest manifest.
  for (const auto& [days, name] : load_dates) {
    const std::string date_dir = util::join_path(dir, name);
    MEDALLION_ASSIGN_OR_RETURN(std::vector<std::string> files, fs.list_dir(date_dir));
    std::optional<lake::LandingManifest> newest;
    for (const std::string& file : files) {
      if (file.size() <= lake::kManifestSuffix.size() || !file.ends_with(lake::kManifestSuffix)) {
        continue;
      }
      MEDALLION_ASSIGN_OR_RETURN(lake::LandingManifest manifest,
                                 lake::read_manifest(fs, util::join_path(date_dir, file)));
      if (!newest || manifest.fetched_at_micros > newest->fetched_at_micros) {
        newest = std::move(manifest);
      }
    }
    if (newest) return util::join_path(date_dir, newest->file_name);
  }
  return none;
}

}  // namespace medallion::pipeline
