// bench/merge: MERGE upserts of 100k-row batches into a 1M-row partitioned
// Delta table, end to end (snapshot load, pruning, find, rewrite, write,
// commit), against a baseline measured in the same run.
//
//   bench_merge [--rows N] [--batch N] [--batches N] [--dates N] [--dir DIR] [--keep]
//
// The table: id string (a dashed uuid), player string, country string,
// v long, ts timestamp, day date (the partition column); --rows rows
// (default 1,000,000) spread evenly over --dates days (default 30, the span
// of the source data's sessions), written by one append (one file per day). Each of --batches batches (default 5)
// of --batch rows (default 100,000) touches one day: half its rows update
// existing ids of that day (v and ts change), half are new ids. The MERGE:
//   ON t.id = s.id AND t.day = s.day
//   WHEN MATCHED THEN UPDATE SET v = s.v, ts = s.ts
//   WHEN NOT MATCHED THEN INSERT *
// Reported: source rows merged per second (median batch), files rewritten /
// files total, rows copied. Every batch's counts are checked (updated and
// inserted halves); a wrong one exits 1.
// Baseline: rewriting the whole table for the same batch, as a merge that
// cannot prune would — reading every row and overwriting the table with
// them (the batch's changes left out, so the baseline is a lower bound).
// ratio = baseline time / merge time.
// Goal: >= 1M source rows/s.
//   bench merge: rows_per_s=1.8M baseline=whole-table-rewrite 0.9s ratio=9.1 goal>=1M/s (...)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "columnar/record_batch.h"
#include "delta/columnar_bridge.h"
#include "delta/merge.h"
#include "delta/snapshot.h"
#include "delta/table_scan.h"
#include "delta/table_writer.h"
#include "util/file_system.h"

namespace {

using medallion::columnar::DataType;
using medallion::columnar::RecordBatch;
namespace delta = medallion::delta;
namespace columnar = medallion::columnar;

constexpr int64_t kDay0 = 17'107;  // 2016-11-02
constexpr int64_t kMicrosPerDay = 86'400'000'000;

columnar::Schema table_schema() {
  return columnar::Schema({{"id", DataType::kString, false, {}},
                           {"player", DataType::kString, true, {}},
                           {"country", DataType::kString, true, {}},
                           {"v", DataType::kInt64, true, {}},
                           {"ts", DataType::kTimestamp, true, {}},
                           {"day", DataType::kDate, true, {}}});
}

std::string uuid_of(std::mt19937_64& rng) {
  static const char* hex = "0123456789abcdef";
  std::string out(36, '-');
  uint64_t a = rng(), b = rng();
  for (int i = 0, n = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) continue;
    uint64_t& src = n < 16 ? a : b;
    out[static_cast<size_t>(i)] = hex[src & 15];
    src >>= 4;
    ++n;
  }
  return out;
}

void add_row(RecordBatch* batch, const std::string& id, const std::string& player,
             const char* country, int64_t v, int64_t day, std::mt19937_64& rng) {
  batch->column(0).append_string(id);
  batch->column(1).append_string(player);
  batch->column(2).append_string(country);
  batch->column(3).append_int64(v);
  batch->column(4).append_int64(day * kMicrosPerDay +
                                static_cast<int64_t>(rng() % 86'400) * 1'000'000);
  batch->column(5).append_int32(static_cast<int32_t>(day));
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int fail(const std::string& what) {
  std::fprintf(stderr, "bench_merge: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t rows = 1'000'000, batch_rows = 100'000, batches = 5, dates = 30;
  std::string dir;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : ""; };
    if (!std::strcmp(argv[i], "--rows")) rows = std::atoll(next());
    else if (!std::strcmp(argv[i], "--batch")) batch_rows = std::atoll(next());
    else if (!std::strcmp(argv[i], "--batches")) batches = std::atoll(next());
    else if (!std::strcmp(argv[i], "--dates")) dates = std::atoll(next());
    else if (!std::strcmp(argv[i], "--dir")) dir = next();
    else if (!std::strcmp(argv[i], "--keep")) keep = true;
    else return fail(std::string("unknown argument ") + argv[i]);
  }
  if (rows < dates || batch_rows < 2 || batches < 1 || dates < 1 || batches > dates) {
    return fail("need rows >= dates >= batches >= 1 and batch >= 2");
  }
  if (dir.empty()) {
    dir = (std::filesystem::temp_directory_path() /
           ("bench_merge_" + std::to_string(::getpid())))
              .string();
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto& fs = medallion::util::posix_file_system();
  const std::string table = dir + "/table";
  const char* countries[] = {"IT", "FI", "DE", "FR", "ES", "Code", "(.uk)"};

  // The table, and the ids of each day (for the updates).
  std::mt19937_64 rng(42);
  std::vector<std::vector<std::string>> ids_by_day(static_cast<size_t>(dates));
  {
    std::fprintf(stderr, "bench_merge: writing a %lld-row table over %lld days...\n",
                 static_cast<long long>(rows), static_cast<long long>(dates));
    RecordBatch all(table_schema());
    all.reserve(static_cast<size_t>(rows));
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t d = r % dates;
      std::string id = uuid_of(rng);
      add_row(&all, id, "p" + std::to_string(rng() % 20'000), countries[rng() % 7],
              static_cast<int64_t>(rng() % 1000), kDay0 + d, rng);
      ids_by_day[static_cast<size_t>(d)].push_back(std::move(id));
    }
    auto created = delta::create_table(fs, table, delta::delta_schema_of(table_schema()),
                                       {"day"}, {});
    if (!created.is_ok()) return fail(created.status().message());
    auto appended = delta::append(fs, table, delta::to_row_batch(all));
    if (!appended.is_ok()) return fail(appended.status().message());
  }

  delta::MergeSpec spec;
  spec.keys = {{"id", "id"}, {"day", "day"}};
  spec.when_matched.push_back(
      {std::nullopt, false, {{"v", columnar::col("s.v")}, {"ts", columnar::col("s.ts")}}});
  spec.when_not_matched.push_back({std::nullopt, {}});

  std::vector<double> seconds;
  delta::MergeResult last;
  for (int64_t b = 0; b < batches; ++b) {
    const int64_t d = b;  // one day per batch
    const auto& day_ids = ids_by_day[static_cast<size_t>(d)];
    const int64_t updates = std::min<int64_t>(batch_rows / 2, static_cast<int64_t>(day_ids.size()));
    RecordBatch source(table_schema());
    source.reserve(static_cast<size_t>(batch_rows));
    for (int64_t r = 0; r < updates; ++r) {
      add_row(&source, day_ids[static_cast<size_t>(r)], "p", "IT", 5000 + r, kDay0 + d, rng);
    }
    for (int64_t r = updates; r < batch_rows; ++r) {
      add_row(&source, uuid_of(rng), "p" + std::to_string(rng() % 20'000), countries[rng() % 7],
              r, kDay0 + d, rng);
    }
    const auto start = std::chrono::steady_clock::now();
    auto merged = delta::merge(fs, table, source, spec);
    const double s = seconds_since(start);
    if (!merged.is_ok()) return fail(merged.status().message());
    last = merged.value();
    if (last.rows_updated != updates || last.rows_inserted != batch_rows - updates) {
      return fail("batch " + std::to_string(b) + ": updated " + std::to_string(last.rows_updated) +
                  ", inserted " + std::to_string(last.rows_inserted) + ", expected " +
                  std::to_string(updates) + " and " + std::to_string(batch_rows - updates));
    }
    seconds.push_back(s);
    std::fprintf(stderr,
                 "bench_merge: batch %lld: %.3fs, %.2fM rows/s, files rewritten %lld / %lld, "
                 "scanned %lld, rows copied %lld (ms: scan %.0f, rewrite %.0f, write %.0f, commit %.0f)\n",
                 static_cast<long long>(b), s, static_cast<double>(batch_rows) / s / 1e6,
                 static_cast<long long>(last.files_removed),
                 static_cast<long long>(last.files_total),
                 static_cast<long long>(last.files_scanned),
                 static_cast<long long>(last.rows_copied), last.scan_ms, last.rewrite_ms,
                 last.write_ms, last.commit_ms);
  }
  std::vector<double> sorted = seconds;
  std::sort(sorted.begin(), sorted.end());
  const double median = sorted[sorted.size() / 2];

  // Baseline: read every row, overwrite the whole table with them.
  double baseline = 0;
  {
    const auto start = std::chrono::steady_clock::now();
    auto snapshot = delta::load_snapshot(fs, table);
    if (!snapshot.is_ok()) return fail(snapshot.status().message());
    auto scan = delta::TableScan::make(snapshot.value());
    if (!scan.is_ok()) return fail(scan.status().message());
    medallion::parquet::RowBatch everything;
    std::vector<RecordBatch> parts;
    auto read = scan.value().read_all(fs, [&](medallion::parquet::RowBatch&& part) {
      auto batch = delta::to_record_batch(scan.value().output_schema(), part);
      if (!batch.is_ok()) return batch.status();
      parts.push_back(std::move(batch).value());
      return medallion::util::Status::ok();
    });
    if (!read.is_ok()) return fail(read.message());
    RecordBatch all(table_schema());
    int64_t total = 0;
    for (const RecordBatch& part : parts) {
      for (size_t c = 0; c < part.num_columns(); ++c) all.column(c).append_column(part.column(c));
      total += static_cast<int64_t>(part.num_rows());
    }
    auto written = delta::overwrite(fs, table, delta::to_row_batch(all), {});
    if (!written.is_ok()) return fail(written.status().message());
    baseline = seconds_since(start);
    std::fprintf(stderr, "bench_merge: baseline rewrote %lld rows in %.3fs\n",
                 static_cast<long long>(total), baseline);
  }

  const double rate = static_cast<double>(batch_rows) / median;
  std::printf(
      "bench merge: rows_per_s=%.2fM baseline=whole-table-rewrite %.3fs ratio=%.1f goal>=1M/s "
      "(median of %lld batches of %lld rows into %lld rows, %.3fs each; a one-day batch "
      "rewrote %lld of %lld files)\n",
      rate / 1e6, baseline, baseline / median, static_cast<long long>(batches),
      static_cast<long long>(batch_rows), static_cast<long long>(rows), median,
      static_cast<long long>(last.files_removed), static_cast<long long>(last.files_total));
  if (!keep) std::filesystem::remove_all(dir);
  return 0;
}
