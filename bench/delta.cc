// bench/delta: the Delta log's two costs a writer and a reader pay on every
// operation — loading a snapshot of a long-lived table, and committing an
// append — each against a baseline measured in the same run.
//
//   bench_delta [--commits N] [--files-per-commit N | --files N] [--runs N]
//               [--txns N] [--dir DIR] [--keep]
//
// 1. Snapshot load. Builds (once: a --dir that already holds both tables is
//    reused) a table of N commits (default 10,000) of --files-per-commit adds
//    each (default 10, so 100,000 files): version 0 also holds protocol and
//    metaData (id long, day date; partitioned by day), every commit a
//    commitInfo. Each add has one of 30 days as partition value, a size, a
//    modificationTime and stats JSON. The commit files are written directly
//    (serialize_actions, no fsync), then a classic checkpoint at version
//    N - 10 (load_snapshot + write_checkpoint), leaving 9 JSON commits after
//    it. The same commit files also go to a second table that has no
//    checkpoint. Times load_snapshot of the latest version of the
//    checkpointed table: the median of --runs runs (default 5); the first is
//    reported too. Baseline: load_snapshot of the checkpoint-less table, i.e.
//    reading and parsing every JSON commit (median of min(3, runs) runs).
//    ratio = baseline / ours. Goal: < 1 s.
// 2. Commit overhead. On a fresh table, --txns times (default 200):
//    load_snapshot of the current version, Transaction::begin, add_file of a
//    pre-made AddFile (no data is written), commit. Median and p95 per
//    commit. The table has no checkpoint (Transaction does not write one), so
//    the load replays up to --txns small commits. Baseline: the bare
//    put-if-absent of a file of the same size as the commit — write a temp
//    file, fsync, rename_no_replace, sync_dir — --txns times. ratio = ours /
//    baseline. Goal: median < 5 ms. fsync dominates both.
// 3. (When table_writer's append() is built) append() of a 1-row batch end to
//    end — data file, commit, checkpoint every 10th version — --txns times on
//    a fresh table. Baseline: the commits of 2.
//
// Files go to --dir (default: a new temporary directory, removed at the end
// unless --keep). Every snapshot loaded is checked (version, file count);
// a wrong one exits 1. Progress goes to stderr, the result lines to stdout:
//   bench delta-snapshot-load: load=0.31s baseline=json-replay 4.20s ratio=13.5 goal<1s (...)
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "bench_timing.h"
#include "delta/action_json.h"
#include "delta/actions.h"
#include "delta/checkpoint_writer.h"
#include "delta/log_format.h"
#include "delta/log_segment.h"
#include "delta/snapshot.h"
#include "delta/transaction.h"
#include "util/file_system.h"

#include "delta/delta_schema.h"
#include "delta/table_writer.h"
#include "formats/parquet/value_array.h"

namespace {

using medallion::bench::now_seconds;
using medallion::bench::median;

namespace delta = medallion::delta;
namespace util = medallion::util;
using util::FileSystem;

constexpr double kLoadGoalSeconds = 1.0;
constexpr double kCommitGoalSeconds = 0.005;
constexpr int64_t kBaseTimeMs = 1704067200000;  // 2024-01-01
constexpr int kDays = 30;
constexpr char kSchemaString[] =
    R"({"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}},)"
    R"({"name":"day","type":"date","nullable":true,"metadata":{}}]})";

// CPU seconds of the process: on a loaded machine the wall time includes
// waiting for a core, the CPU time does not.
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Options {
  int64_t commits = 10000;
  int64_t files_per_commit = 10;
  int64_t total_files = -1;  // --files: overrides files_per_commit
  int runs = 5;
  int txns = 200;
  std::string dir;
  bool keep = false;
};

// The command line that reproduces the figures.
std::string command_text(const char* argv0, const Options& o) {
  std::string s = argv0;
  s += " --commits " + std::to_string(o.commits) + " --files-per-commit " +
       std::to_string(o.files_per_commit) + " --runs " + std::to_string(o.runs) + " --txns " +
       std::to_string(o.txns);
  return s;
}

uint64_t splitmix(uint64_t x) {
  uint64_t z = x + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// "2024-01-05" for day 0..29 of January 2024.
std::string day_text(int day) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "2024-01-%02d", day + 1);
  return buf;
}

delta::Metadata table_metadata() {
  delta::Metadata m;
  m.id = "5f1a0c1e-0000-4000-8000-000000000001";
  m.schema_string = kSchemaString;
  m.partition_columns = {"day"};
  m.created_time = kBaseTimeMs;
  return m;
}

// File n of the table, with a Spark-like name and stats.
delta::AddFile make_add(int64_t n) {
  const int day = static_cast<int>(n % kDays);
  const uint64_t h = splitmix(static_cast<uint64_t>(n));
  char path[160];
  std::snprintf(path, sizeof path, "day=%s/part-%05" PRId64 "-%016" PRIx64 "%016" PRIx64
                ".c000.snappy.parquet",
                day_text(day).c_str(), n % 100000, h, splitmix(h));
  delta::AddFile a;
  a.path = path;
  a.partition_values["day"] = day_text(day);
  a.size = 1000 + static_cast<int64_t>(h % 50000);
  a.modification_time = kBaseTimeMs + n * 1000;
  a.data_change = true;
  const int64_t first = n * 100 + 1;
  a.stats = "{\"numRecords\":100,\"minValues\":{\"id\":" + std::to_string(first) +
            "},\"maxValues\":{\"id\":" + std::to_string(first + 99) +
            "},\"nullCount\":{\"id\":0}}";
  return a;
}

delta::CommitInfo commit_info(int64_t version) {
  delta::CommitInfo c;
  const int64_t ts = kBaseTimeMs + version * 60000;
  c.json = "{\"timestamp\":" + std::to_string(ts) +
           ",\"operation\":\"WRITE\",\"operationParameters\":{\"mode\":\"Append\","
           "\"partitionBy\":\"[\\\"day\\\"]\"},\"readVersion\":" +
           std::to_string(version - 1) + ",\"isolationLevel\":\"Serializable\","
           "\"isBlindAppend\":true,\"engineInfo\":\"medallion-bench\"}";
  c.timestamp = ts;
  c.operation = "WRITE";
  return c;
}

bool fail(const util::Status& st) {
  std::fprintf(stderr, "bench delta: %s\n", st.message().c_str());
  return false;
}

util::Status write_plain(FileSystem& fs, const std::string& path, const std::string& data) {
  MEDALLION_ASSIGN_OR_RETURN(auto file, fs.create_writable(path, util::CreateMode::kTruncate));
  MEDALLION_RETURN_IF_ERROR(file->append(data));
  return file->close();
}

// The p-th percentile (nearest rank) of v (sorted in place).
double percentile(std::vector<double>& v, double p) {
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(p / 100.0 * static_cast<double>(v.size()) + 0.999999);
  rank = std::clamp<size_t>(rank, 1, v.size());
  return v[rank - 1];
}

std::string seconds_text(double s) {
  char buf[32];
  if (s >= 1) {
    std::snprintf(buf, sizeof buf, "%.2fs", s);
  } else {
    std::snprintf(buf, sizeof buf, "%.3fs", s);
  }
  return buf;
}

std::string ms_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fms", s * 1e3);
  return buf;
}

// Loads the latest snapshot, checking its version and file count. Returns
// the wall seconds; adds the CPU seconds to *cpu when given.
std::optional<double> timed_load(FileSystem& fs, const std::string& root, int64_t want_version,
                                 int64_t want_files, std::vector<double>* cpu = nullptr) {
  const double start = now_seconds(), cpu_start = cpu_seconds();
  auto snapshot = delta::load_snapshot(fs, root);
  const double seconds = now_seconds() - start;
  if (cpu != nullptr) cpu->push_back(cpu_seconds() - cpu_start);
  if (!snapshot.is_ok()) {
    fail(snapshot.status());
    return std::nullopt;
  }
  if (snapshot->version != want_version ||
      static_cast<int64_t>(snapshot->files.size()) != want_files) {
    std::fprintf(stderr,
                 "bench delta: %s loaded as version %" PRId64 " with %zu files, expected %" PRId64
                 " with %" PRId64 " (a --dir built with other options? remove it)\n",
                 root.c_str(), snapshot->version, snapshot->files.size(), want_version,
                 want_files);
    return std::nullopt;
  }
  return seconds;
}

// ------------------------------------------------------- 1. snapshot load --

// True when root's log already ends at `last` (with a checkpoint when asked).
bool log_complete(FileSystem& fs, const std::string& root, int64_t last, bool checkpointed) {
  auto listing = delta::list_log(fs, root);
  if (!listing.is_ok() || listing->latest_version() != last) return false;
  return !checkpointed || !listing->checkpoints.empty();
}

bool build_snapshot_tables(FileSystem& fs, const Options& o, const std::string& ours,
                           const std::string& json_only) {
  const int64_t last = o.commits - 1;
  if (log_complete(fs, ours, last, true) && log_complete(fs, json_only, last, false)) {
    std::fprintf(stderr, "bench delta: reusing the tables in %s and %s\n", ours.c_str(),
                 json_only.c_str());
    return true;
  }
  std::error_code ec;
  std::filesystem::remove_all(ours, ec);
  std::filesystem::remove_all(json_only, ec);
  const std::string ours_log = delta::log_dir_path(ours);
  const std::string json_log = delta::log_dir_path(json_only);
  if (auto st = fs.create_dirs(ours_log); !st.is_ok()) return fail(st);
  if (auto st = fs.create_dirs(json_log); !st.is_ok()) return fail(st);

  const double start = now_seconds();
  int64_t n = 0;
  uint64_t bytes = 0;
  for (int64_t v = 0; v < o.commits; ++v) {
    std::vector<delta::Action> actions;
    actions.emplace_back(commit_info(v));
    if (v == 0) {
      actions.emplace_back(delta::Protocol{});
      actions.emplace_back(table_metadata());
    }
    for (int64_t i = 0; i < o.files_per_commit; ++i) actions.emplace_back(make_add(n++));
    const std::string body = delta::serialize_actions(actions);
    bytes += body.size();
    const std::string name = delta::commit_file_name(v);
    if (auto st = write_plain(fs, util::join_path(ours_log, name), body); !st.is_ok()) {
      return fail(st);
    }
    if (auto st = write_plain(fs, util::join_path(json_log, name), body); !st.is_ok()) {
      return fail(st);
    }
  }
  std::fprintf(stderr, "bench delta: wrote %" PRId64 " commits (%.1f MB each table) in %.1fs\n",
               o.commits, static_cast<double>(bytes) / 1e6, now_seconds() - start);

  const int64_t checkpoint_version = std::max<int64_t>(0, o.commits - 10);
  const double cp_start = now_seconds();
  auto snapshot = delta::load_snapshot(fs, ours, checkpoint_version);
  if (!snapshot.is_ok()) return fail(snapshot.status());
  delta::CheckpointOptions options;
  options.now_ms = kBaseTimeMs + o.commits * 60000;
  auto written = delta::write_checkpoint(fs, *snapshot, options);
  if (!written.is_ok()) return fail(written.status());
  std::fprintf(stderr, "bench delta: checkpoint at version %" PRId64 " (%zu files) in %.1fs\n",
               checkpoint_version, snapshot->files.size(), now_seconds() - cp_start);
  return true;
}

bool bench_snapshot_load(FileSystem& fs, const Options& o, const std::string& dir,
                         const std::string& command) {
  const std::string ours = util::join_path(dir, "snapshot-checkpointed");
  const std::string json_only = util::join_path(dir, "snapshot-json-only");
  if (!build_snapshot_tables(fs, o, ours, json_only)) return false;
  const int64_t last = o.commits - 1;
  const int64_t files = o.commits * o.files_per_commit;

  std::vector<double> times, cpu;
  for (int r = 0; r < o.runs; ++r) {
    auto t = timed_load(fs, ours, last, files, &cpu);
    if (!t) return false;
    times.push_back(*t);
  }
  const double first = times[0];
  const double ours_s = median(times);

  std::vector<double> base_times, base_cpu;
  const int base_runs = std::min(3, o.runs);
  for (int r = 0; r < base_runs; ++r) {
    auto t = timed_load(fs, json_only, last, files, &base_cpu);
    if (!t) return false;
    base_times.push_back(*t);
  }
  const double base_s = median(base_times);
  std::printf("bench delta-snapshot-load: load=%s baseline=json-replay %s ratio=%.2f goal<%.0fs "
              "(%s; cpu %s vs %s; first run %s; median of %d runs, baseline median of %d; %" PRId64
              " commits, %" PRId64 " files, checkpoint at %" PRId64
              " + %" PRId64 " JSON commits, warm page cache; reproduce: %s)\n",
              seconds_text(ours_s).c_str(), seconds_text(base_s).c_str(), base_s / ours_s,
              kLoadGoalSeconds, ours_s < kLoadGoalSeconds ? "met" : "NOT met",
              seconds_text(median(cpu)).c_str(), seconds_text(median(base_cpu)).c_str(),
              seconds_text(first).c_str(), o.runs, base_runs, o.commits, files,
              std::max<int64_t>(0, o.commits - 10), last - std::max<int64_t>(0, o.commits - 10),
              command.c_str());
  std::fflush(stdout);
  return true;
}

// ---------------------------------------------------- 2. commit overhead --

struct CommitFigures {
  double median = 0;
  double p95 = 0;
  double load_median = 0;
  double cpu_median = 0;  // process CPU time: the part that is not waiting for the disk
  size_t body_bytes = 0;  // the last commit file's size
};

std::optional<CommitFigures> time_commits(FileSystem& fs, const Options& o,
                                          const std::string& root) {
  std::error_code ec;
  std::filesystem::remove_all(root, ec);
  {
    auto tx = delta::Transaction::create(fs, root, table_metadata());
    if (!tx.is_ok()) {
      fail(tx.status());
      return std::nullopt;
    }
    delta::CommitOptions create;
    create.operation = "CREATE TABLE";
    if (auto r = tx->commit(create); !r.is_ok()) {
      fail(r.status());
      return std::nullopt;
    }
  }
  std::vector<delta::AddFile> adds;
  for (int i = 0; i < o.txns; ++i) adds.push_back(make_add(i));
  delta::CommitOptions append;
  append.parameters = {{"mode", "Append"}, {"partitionBy", "[\"day\"]"}};
  append.metrics = {{"numFiles", "1"}, {"numOutputRows", "100"}};

  std::vector<double> totals, loads, cpu;
  for (int i = 0; i < o.txns; ++i) {
    const double start = now_seconds(), cpu_start = cpu_seconds();
    auto snapshot = delta::load_snapshot(fs, root);
    const double loaded = now_seconds();
    if (!snapshot.is_ok()) {
      fail(snapshot.status());
      return std::nullopt;
    }
    auto tx = delta::Transaction::begin(fs, *snapshot);
    if (!tx.is_ok()) {
      fail(tx.status());
      return std::nullopt;
    }
    tx->add_file(adds[static_cast<size_t>(i)]);
    auto r = tx->commit(append);
    const double end = now_seconds();
    cpu.push_back(cpu_seconds() - cpu_start);
    if (!r.is_ok()) {
      fail(r.status());
      return std::nullopt;
    }
    if (r->version != i + 1) {
      std::fprintf(stderr, "bench delta: commit %d became version %" PRId64 "\n", i, r->version);
      return std::nullopt;
    }
    totals.push_back(end - start);
    loads.push_back(loaded - start);
  }
  if (!timed_load(fs, root, o.txns, o.txns)) return std::nullopt;
  CommitFigures f;
  f.p95 = percentile(totals, 95);
  f.median = median(totals);
  f.load_median = median(loads);
  f.cpu_median = median(cpu);
  auto size = fs.file_size(util::join_path(delta::log_dir_path(root),
                                           delta::commit_file_name(o.txns)));
  if (!size.is_ok()) {
    fail(size.status());
    return std::nullopt;
  }
  f.body_bytes = static_cast<size_t>(*size);
  return f;
}

// The bare put-if-absent: what a commit cannot avoid.
std::optional<CommitFigures> time_put_if_absent(FileSystem& fs, const Options& o,
                                                const std::string& dir, size_t body_bytes) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (auto st = fs.create_dirs(dir); !st.is_ok()) {
    fail(st);
    return std::nullopt;
  }
  const std::string body(body_bytes, 'x');
  std::vector<double> times, cpu;
  for (int i = 0; i < o.txns; ++i) {
    const std::string temp = util::join_path(dir, ".put-" + std::to_string(i) + ".json.tmp");
    const std::string target = util::join_path(dir, delta::commit_file_name(i));
    const double start = now_seconds(), cpu_start = cpu_seconds();
    util::Status st = [&]() -> util::Status {
      MEDALLION_ASSIGN_OR_RETURN(auto file, fs.create_writable(temp, util::CreateMode::kTruncate));
      MEDALLION_RETURN_IF_ERROR(file->append(body));
      MEDALLION_RETURN_IF_ERROR(file->sync());
      MEDALLION_RETURN_IF_ERROR(file->close());
      MEDALLION_RETURN_IF_ERROR(fs.rename_no_replace(temp, target));
      return fs.sync_dir(dir);
    }();
    times.push_back(now_seconds() - start);
    cpu.push_back(cpu_seconds() - cpu_start);
    if (!st.is_ok()) {
      fail(st);
      return std::nullopt;
    }
  }
  CommitFigures f;
  f.p95 = percentile(times, 95);
  f.median = median(times);
  f.cpu_median = median(cpu);
  f.body_bytes = body_bytes;
  return f;
}

// ---------------------------------------------------- 3. append() end to end --

std::optional<CommitFigures> time_appends(FileSystem& fs, const Options& o,
                                          const std::string& root) {
  std::error_code ec;
  std::filesystem::remove_all(root, ec);
  auto schema = delta::parse_schema(kSchemaString);
  if (!schema.is_ok()) {
    fail(schema.status());
    return std::nullopt;
  }
  if (auto r = delta::create_table(fs, root, *schema, {"day"}, {}); !r.is_ok()) {
    fail(r.status());
    return std::nullopt;
  }
  std::vector<double> times;
  for (int i = 0; i < o.txns; ++i) {
    medallion::parquet::RowBatch batch;
    batch.num_rows = 1;
    for (size_t f = 0; f < 2; ++f) {
      medallion::parquet::ValueArray a;
      a.kind = medallion::parquet::ValueKind::kLeaf;
      a.length = 1;
      a.values = medallion::parquet::LeafValues(f == 0 ? medallion::parquet::Type::kInt64
                                                       : medallion::parquet::Type::kInt32);
      if (f == 0) {
        a.values.i64.push_back(i);
      } else {
        a.values.i32.push_back(19723 + i % kDays);  // 2024-01-01 + i % 30
      }
      batch.fields.push_back(f);
      batch.columns.push_back(std::move(a));
    }
    const double start = now_seconds();
    auto r = delta::append(fs, root, batch);
    times.push_back(now_seconds() - start);
    if (!r.is_ok()) {
      fail(r.status());
      return std::nullopt;
    }
  }
  if (!timed_load(fs, root, o.txns, o.txns)) return std::nullopt;
  CommitFigures f;
  f.p95 = percentile(times, 95);
  f.median = median(times);
  return f;
}

bool bench_commits(FileSystem& fs, const Options& o, const std::string& dir,
                   const std::string& command) {
  std::fprintf(stderr, "bench delta: %d commits of one AddFile\n", o.txns);
  auto ours = time_commits(fs, o, util::join_path(dir, "commit-table"));
  if (!ours) return false;
  auto base = time_put_if_absent(fs, o, util::join_path(dir, "put-if-absent"), ours->body_bytes);
  if (!base) return false;
  const auto goal_met = [](double s) { return s < kCommitGoalSeconds ? "met" : "NOT met"; };
  std::printf("bench delta-commit: commit_median=%s baseline=put-if-absent %s ratio=%.2f goal<5ms "
              "(%s; cpu %s vs %s per commit; load_snapshot median %s of it; %d blind appends of one pre-made AddFile, "
              "load_snapshot + begin + commit, no checkpoints; baseline: write %zu bytes + fsync "
              "+ rename_no_replace + sync_dir; reproduce: %s)\n",
              ms_text(ours->median).c_str(), ms_text(base->median).c_str(),
              ours->median / base->median, goal_met(ours->median),
              ms_text(ours->cpu_median).c_str(), ms_text(base->cpu_median).c_str(),
              ms_text(ours->load_median).c_str(), o.txns, base->body_bytes, command.c_str());
  std::printf("bench delta-commit-p95: commit_p95=%s baseline=put-if-absent-p95 %s ratio=%.2f "
              "goal<5ms (%s; same runs as delta-commit; reproduce: %s)\n",
              ms_text(ours->p95).c_str(), ms_text(base->p95).c_str(), ours->p95 / base->p95,
              goal_met(ours->p95), command.c_str());
  std::fflush(stdout);
  std::fprintf(stderr, "bench delta: %d append() calls of one row\n", o.txns);
  auto appends = time_appends(fs, o, util::join_path(dir, "append-table"));
  if (!appends) return false;
  std::printf("bench delta-append: append_median=%s baseline=commit %s ratio=%.2f goal=info "
              "(p95 %s; %d append() calls of a 1-row batch into a table partitioned by day: "
              "Parquet data file + load_snapshot + commit + checkpoint every 10th version; "
              "baseline: the delta-commit median; reproduce: %s)\n",
              ms_text(appends->median).c_str(), ms_text(ours->median).c_str(),
              appends->median / ours->median, ms_text(appends->p95).c_str(), o.txns,
              command.c_str());
  std::fflush(stdout);
  return true;
}

bool parse_args(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--commits" && has_value) {
      o->commits = std::strtoll(argv[++i], nullptr, 10);
    } else if (arg == "--files-per-commit" && has_value) {
      o->files_per_commit = std::strtoll(argv[++i], nullptr, 10);
    } else if (arg == "--files" && has_value) {
      o->total_files = std::strtoll(argv[++i], nullptr, 10);
    } else if (arg == "--runs" && has_value) {
      o->runs = std::atoi(argv[++i]);
    } else if (arg == "--txns" && has_value) {
      o->txns = std::atoi(argv[++i]);
    } else if (arg == "--dir" && has_value) {
      o->dir = argv[++i];
    } else if (arg == "--keep") {
      o->keep = true;
    } else {
      return false;
    }
  }
  if (o->commits < 1 || o->commits > 10000000) return false;
  if (o->total_files >= 0) {
    if (o->total_files % o->commits != 0) return false;
    o->files_per_commit = o->total_files / o->commits;
  }
  return o->files_per_commit >= 1 && o->files_per_commit <= 100000 && o->runs >= 1 &&
         o->txns >= 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse_args(argc, argv, &o)) {
    std::fprintf(stderr,
                 "usage: bench_delta [--commits N] [--files-per-commit N | --files N (a multiple "
                 "of --commits)] [--runs N] [--txns N] [--dir DIR] [--keep]\n");
    return 2;
  }
  FileSystem& fs = util::posix_file_system();
  std::string dir = o.dir;
  const bool temporary = dir.empty();
  if (temporary) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/bench_delta.XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      std::perror("bench delta: mkdtemp");
      return 1;
    }
    dir = pattern;
  } else if (auto st = fs.create_dirs(dir); !st.is_ok()) {
    fail(st);
    return 1;
  }
  const std::string command = command_text(argv[0], o);
  const bool ok = bench_snapshot_load(fs, o, dir, command) && bench_commits(fs, o, dir, command);
  if (!o.keep) {
    std::error_code ec;
    if (temporary) {
      std::filesystem::remove_all(dir, ec);
    } else {
      // Only what this program made; a reused --dir keeps its snapshot tables
      // only with --keep.
      for (const char* name : {"snapshot-checkpointed", "snapshot-json-only", "commit-table",
                               "put-if-absent", "append-table"}) {
        std::filesystem::remove_all(util::join_path(dir, name), ec);
      }
    }
  } else {
    std::fprintf(stderr, "bench delta: kept %s\n", dir.c_str());
  }
  return ok ? 0 : 1;
}
