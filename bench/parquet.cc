// bench/parquet: medallion's Parquet writer and reader on r_session_events,
// against DuckDB (tests/peer/duckdb_parquet_bench.mjs, one thread) on the
// same rows, in the same run.
//
//   bench_parquet [--rows N] [--out DIR] [--batch-rows N] [--repeat N]
//                 [--row-group-bytes N] [--skip-duckdb] [--peer-script FILE]
//   bench_parquet --read-only FILE [--rows N] [--repeat N]
//
// 1. Generates N rows (default 10,000,000) in memory, in RowBatches of
//    --batch-rows (default 65,536), with the recipe at the top of
//    duckdb_parquet_bench.mjs (not timed), so that both sides hold the same rows.
// 2. Times medallion writing them to DIR/medallion.parquet (SNAPPY, default
//    WriterOptions unless --row-group-bytes, one thread; open() to close(),
//    fsync included).
// 3. Times medallion reading that file back: every field of every row group,
//    then the projection {player_id, ts}. The checksums below are computed
//    outside the timed sections.
// 4. Runs `node duckdb_parquet_bench.mjs N DIR` (DuckDB writes and reads its
//    own file) and `--read DIR/medallion.parquet` (DuckDB reads medallion's).
//    MEDALLION_PEER_DIR must name the directory scripts/install-peers filled
//    (default: <build>/peer).
// 5. Reads DIR/duckdb.parquet with medallion (informational timing).
//
// --read-only (for profiling the reader) only times medallion reading FILE,
// which must hold the first N rows of the recipe (a medallion.parquet or
// duckdb.parquet kept with --out), and checks its sums.
//
// Every time is the best of --repeat runs (default 3, as the DuckDB script).
// Correctness: every read must give back the row count and, per column, the
// non-null count, the sum of the integers, the total string bytes and a
// position-sensitive hash of the values that the generator computed;
// otherwise the program prints what differs and exits 1. DuckDB's file must
// give the same sums, which proves both sides generated the same rows.
//
// Output: one line per figure,
//   bench parquet-write: rows_per_s=2.50M baseline=duckdb 1.90M ratio=1.32 goal>=1.0 (...)
// with the absolute goals (write >= 2M rows/s, read >= 5M rows/s, projected
// read faster than the full read) in the parentheses; with --skip-duckdb the
// baseline is the absolute goal.
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench_timing.h"
#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_writer.h"
#include "formats/parquet/value_array.h"
#include "util/file_system.h"

#ifndef MEDALLION_SOURCE_DIR
#define MEDALLION_SOURCE_DIR "."
#endif
#ifndef MEDALLION_BINARY_DIR
#define MEDALLION_BINARY_DIR "build"
#endif

namespace {

using medallion::bench::now_seconds;

namespace pq = medallion::parquet;
using medallion::util::FileSystem;

constexpr double kWriteGoalRowsPerSecond = 2e6;
constexpr double kReadGoalRowsPerSecond = 5e6;

// CPU seconds of the calling thread: on a loaded machine the wall time
// includes waiting for a core, the CPU time does not.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// ------------------------------------------------------------- the rows --

// The recipe of tests/peer/duckdb_parquet_bench.mjs.
constexpr uint64_t kK = uint64_t{1} << 40;
constexpr uint64_t kPlayers = 19615;
constexpr uint64_t kCountries = 246;
constexpr int64_t kFirstStart = 1478044800;  // 2016-11-02
constexpr int64_t kStartSpread = 2592000;    // 30 days
constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kDlBase = 1704067200;  // 2024-01-01
constexpr int64_t kDlDayBase = 17107;
constexpr int64_t kMicros = 1000000;

uint64_t splitmix(uint64_t x) {
  uint64_t z = x + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void hex16(uint64_t x, char* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (int i = 15; i >= 0; --i) {
    out[i] = kDigits[x & 15];
    x >>= 4;
  }
}

enum Field : size_t {
  kCountry,
  kEvent,
  kPlayerId,
  kSessionId,
  kTs,
  kDlInsertTs,
  kDlUpdateTs,
  kEventDate,
  kUniqueIdRow,
  kNumFields
};

pq::SchemaElement string_field(const char* name) {
  pq::SchemaElement e;
  e.name = name;
  e.type = pq::Type::kByteArray;
  e.repetition_type = pq::FieldRepetitionType::kOptional;
  e.converted_type = pq::ConvertedType::kUtf8;
  e.logical_type = pq::LogicalType::of(pq::LogicalTypeKind::kString);
  return e;
}

pq::SchemaElement timestamp_field(const char* name) {
  pq::SchemaElement e;
  e.name = name;
  e.type = pq::Type::kInt64;
  e.repetition_type = pq::FieldRepetitionType::kOptional;
  e.converted_type = pq::ConvertedType::kTimestampMicros;
  e.logical_type = pq::LogicalType::timestamp(true, pq::TimeUnit::kMicros);
  return e;
}

std::vector<pq::SchemaElement> session_events_schema() {
  pq::SchemaElement root;
  root.name = "r_session_events";
  root.num_children = static_cast<int32_t>(kNumFields);
  pq::SchemaElement date;
  date.name = "EVENT_DATE";
  date.type = pq::Type::kInt32;
  date.repetition_type = pq::FieldRepetitionType::kOptional;
  date.converted_type = pq::ConvertedType::kDate;
  date.logical_type = pq::LogicalType::of(pq::LogicalTypeKind::kDate);
  return {root,
          string_field("country"),
          string_field("event"),
          string_field("player_id"),
          string_field("session_id"),
          timestamp_field("ts"),
          timestamp_field("DL_INSERT_TS"),
          timestamp_field("DL_UPDATE_TS"),
          date,
          string_field("UNIQUE_ID_ROW")};
}

pq::ValueArray leaf_array(pq::Type type) {
  pq::ValueArray a;
  a.kind = pq::ValueKind::kLeaf;
  a.values = pq::LeafValues(type);
  return a;
}

// Rows [first, first + count) as one batch of every field.
pq::RowBatch make_batch(uint64_t first, size_t count, const std::vector<std::string>& players) {
  pq::RowBatch batch;
  batch.num_rows = count;
  for (size_t f = 0; f < kNumFields; ++f) {
    batch.fields.push_back(f);
    const pq::Type type = f == kEventDate ? pq::Type::kInt32
                          : (f == kTs || f == kDlInsertTs || f == kDlUpdateTs) ? pq::Type::kInt64
                                                                                : pq::Type::kByteArray;
    batch.columns.push_back(leaf_array(type));
    batch.columns.back().length = count;
    batch.columns.back().values.reserve(count);
  }
  auto& cols = batch.columns;
  cols[kCountry].validity.reserve(count);
  cols[kCountry].values.bytes.data.reserve(count);
  cols[kEvent].values.bytes.data.reserve(count * 5);
  cols[kPlayerId].values.bytes.data.reserve(count * 32);
  cols[kSessionId].values.bytes.data.reserve(count * 36);
  cols[kUniqueIdRow].values.bytes.data.reserve(count * 42);

  char session[36];
  for (uint64_t i = first; i < first + count; ++i) {
    const uint64_t s = i / 2;
    const bool is_start = i % 2 == 0;
    const uint64_t p = splitmix(7 * kK + s) % kPlayers;
    const uint64_t c = p % kCountries;
    const int64_t start = kFirstStart + static_cast<int64_t>(splitmix(5 * kK + s) % kStartSpread);
    const int64_t end = start + 60 + static_cast<int64_t>(splitmix(6 * kK + s) % 14400);
    const int64_t t = is_start ? start : end;
    char hex[32];
    hex16(splitmix(1 * kK + s), hex);
    hex16(splitmix(2 * kK + s), hex + 16);
    std::memcpy(session, hex, 8);
    session[8] = '-';
    std::memcpy(session + 9, hex + 8, 4);
    session[13] = '-';
    std::memcpy(session + 14, hex + 12, 4);
    session[18] = '-';
    std::memcpy(session + 19, hex + 16, 4);
    session[23] = '-';
    std::memcpy(session + 24, hex + 20, 12);
    const std::string_view session_id(session, 36);
    const std::string_view event = is_start ? "start" : "end";

    if (is_start) {
      const char country[2] = {static_cast<char>('A' + c % 26), static_cast<char>('A' + c / 26)};
      cols[kCountry].values.bytes.append(std::string_view(country, 2));
      cols[kCountry].validity.push_back(1);
    } else {
      cols[kCountry].values.append_zero();
      cols[kCountry].validity.push_back(0);
    }
    cols[kEvent].values.bytes.append(event);
    cols[kPlayerId].values.bytes.append(players[p]);
    cols[kSessionId].values.bytes.append(session_id);
    cols[kTs].values.i64.push_back(t * kMicros);
    const int64_t dl = (kDlBase + (t / kSecondsPerDay - kDlDayBase)) * kMicros;
    cols[kDlInsertTs].values.i64.push_back(dl);
    cols[kDlUpdateTs].values.i64.push_back(dl);
    cols[kEventDate].values.i32.push_back(static_cast<int32_t>(t / kSecondsPerDay));
    auto& unique = cols[kUniqueIdRow].values.bytes;
    unique.data.append(event);
    unique.data.push_back('-');
    unique.data.append(session_id);
    unique.offsets.push_back(unique.data.size());
  }
  return batch;
}

std::vector<pq::RowBatch> make_batches(uint64_t rows, size_t batch_rows) {
  std::vector<std::string> players(kPlayers, std::string(32, ' '));
  for (uint64_t p = 0; p < kPlayers; ++p) {
    hex16(splitmix(3 * kK + p), players[p].data());
    hex16(splitmix(4 * kK + p), players[p].data() + 16);
  }
  std::vector<pq::RowBatch> batches;
  for (uint64_t first = 0; first < rows; first += batch_rows) {
    batches.push_back(make_batch(first, static_cast<size_t>(std::min<uint64_t>(batch_rows, rows - first)),
                                 players));
  }
  return batches;
}

// ------------------------------------------------------------ checksums --

uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xFF51AFD7ED558CCDull;
  x ^= x >> 33;
  x *= 0xC4CEB9FE1A85EC53ull;
  return x ^ (x >> 33);
}

uint64_t bytes_hash(std::string_view v) {
  uint64_t h = v.size() * 0x9E3779B97F4A7C15ull;
  size_t i = 0;
  for (; i + 8 <= v.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, v.data() + i, 8);
    h = (h ^ w) * 0x100000001B3ull;
    h ^= h >> 29;
  }
  if (i < v.size()) {
    uint64_t w = 0;
    std::memcpy(&w, v.data() + i, v.size() - i);
    h = (h ^ w) * 0x100000001B3ull;
  }
  return h;
}

struct ColumnSum {
  uint64_t present = 0;  // non-null slots
  uint64_t int_sum = 0;  // integers, mod 2^64
  uint64_t bytes = 0;    // string bytes
  uint64_t hash = 0;     // sum of mix(value hash + row index)
  bool operator==(const ColumnSum&) const = default;
};

struct Checksum {
  uint64_t rows = 0;
  ColumnSum columns[kNumFields];
};

// Adds a batch whose first row is row `checksum->rows` of the file.
void add_batch(const pq::RowBatch& batch, Checksum* checksum) {
  const uint64_t base = checksum->rows;
  for (size_t k = 0; k < batch.fields.size(); ++k) {
    const size_t f = batch.fields[k];
    if (f >= kNumFields) continue;
    const pq::ValueArray& a = batch.columns[k];
    ColumnSum& sum = checksum->columns[f];
    for (size_t i = 0; i < batch.num_rows && i < a.length; ++i) {
      if (a.is_null(i)) continue;
      ++sum.present;
      const uint64_t row = base + i;
      switch (a.values.type) {
        case pq::Type::kInt32: {
          const uint64_t v = static_cast<uint64_t>(static_cast<int64_t>(a.values.i32[i]));
          sum.int_sum += v;
          sum.hash += mix(v + row * 0x9E3779B97F4A7C15ull);
          break;
        }
        case pq::Type::kInt64: {
          const uint64_t v = static_cast<uint64_t>(a.values.i64[i]);
          sum.int_sum += v;
          sum.hash += mix(v + row * 0x9E3779B97F4A7C15ull);
          break;
        }
        case pq::Type::kByteArray: {
          const std::string_view v = a.values.bytes.value(i);
          sum.bytes += v.size();
          sum.hash += mix(bytes_hash(v) + row * 0x9E3779B97F4A7C15ull);
          break;
        }
        default: break;
      }
    }
  }
  checksum->rows += batch.num_rows;
}

const char* const kFieldNames[kNumFields] = {"country", "event", "player_id", "session_id", "ts",
                                             "DL_INSERT_TS", "DL_UPDATE_TS", "EVENT_DATE",
                                             "UNIQUE_ID_ROW"};

// Compares the fields `fields` of `got` with `want`; prints each difference.
bool same_sums(const char* what, const Checksum& want, const Checksum& got,
               const std::vector<size_t>& fields) {
  bool ok = true;
  if (want.rows != got.rows) {
    std::fprintf(stderr, "bench parquet: %s: read %" PRIu64 " rows, wrote %" PRIu64 "\n", what,
                 got.rows, want.rows);
    ok = false;
  }
  for (size_t f : fields) {
    const ColumnSum& w = want.columns[f];
    const ColumnSum& g = got.columns[f];
    if (w == g) continue;
    std::fprintf(stderr,
                 "bench parquet: %s: column %s differs: non-null %" PRIu64 " vs %" PRIu64
                 ", int sum %" PRIu64 " vs %" PRIu64 ", string bytes %" PRIu64 " vs %" PRIu64
                 ", hash %016" PRIx64 " vs %016" PRIx64 " (read vs written)\n",
                 what, kFieldNames[f], g.present, w.present, g.int_sum, w.int_sum, g.bytes,
                 w.bytes, g.hash, w.hash);
    ok = false;
  }
  return ok;
}

// --------------------------------------------------------------- medallion --

struct Timing {
  double seconds = 0;      // wall
  double cpu_seconds = 0;  // this thread's CPU time in the same run
  uint64_t bytes = 0;  // file bytes (write, full read) or column chunk bytes read
  size_t row_groups = 0;
};

// Writes every batch; returns the best time of `repeat` runs, or nullopt.
std::optional<Timing> time_write(FileSystem& fs, const std::string& path,
                                 const std::vector<pq::RowBatch>& batches,
                                 const pq::WriterOptions& options, int repeat) {
  Timing best;
  best.seconds = 1e300;
  for (int r = 0; r < repeat; ++r) {
    const double start = now_seconds(), cpu_start = thread_cpu_seconds();
    auto writer = pq::ParquetWriter::open(fs, path, session_events_schema(), options);
    if (!writer.is_ok()) {
      std::fprintf(stderr, "bench parquet: %s\n", writer.status().message().c_str());
      return std::nullopt;
    }
    for (const pq::RowBatch& batch : batches) {
      if (auto st = (*writer)->write(batch); !st.is_ok()) {
        std::fprintf(stderr, "bench parquet: %s\n", st.message().c_str());
        return std::nullopt;
      }
    }
    auto footer = (*writer)->close();
    if (!footer.is_ok()) {
      std::fprintf(stderr, "bench parquet: %s\n", footer.status().message().c_str());
      return std::nullopt;
    }
    const double seconds = now_seconds() - start, cpu = thread_cpu_seconds() - cpu_start;
    if (seconds < best.seconds) {
      best.seconds = seconds;
      best.cpu_seconds = cpu;
    }
    best.row_groups = footer->row_groups.size();
  }
  auto size = fs.file_size(path);
  if (!size.is_ok()) {
    std::fprintf(stderr, "bench parquet: %s\n", size.status().message().c_str());
    return std::nullopt;
  }
  best.bytes = *size;
  return best;
}

// Reads `names` (every field when empty) of every row group, best of
// `repeat`; the checksum of the last run goes to *checksum (computed outside
// the timed sections).
std::optional<Timing> time_read(FileSystem& fs, const std::string& path,
                                const std::vector<std::string>& names, int repeat,
                                Checksum* checksum) {
  Timing best;
  best.seconds = 1e300;
  for (int r = 0; r < repeat; ++r) {
    Checksum sums;
    double timed = 0, cpu_timed = 0;
    double start = now_seconds(), cpu_start = thread_cpu_seconds();
    auto reader = pq::ParquetReader::open(fs, path);
    if (!reader.is_ok()) {
      std::fprintf(stderr, "bench parquet: %s\n", reader.status().message().c_str());
      return std::nullopt;
    }
    const pq::ParquetReader& rd = **reader;
    std::vector<size_t> fields = rd.all_fields();
    if (!names.empty()) {
      auto resolved = rd.resolve_fields(names);
      if (!resolved.is_ok()) {
        std::fprintf(stderr, "bench parquet: %s\n", resolved.status().message().c_str());
        return std::nullopt;
      }
      fields = *resolved;
    }
    // Map the file's field indices to this bench's (DuckDB's file has the
    // same names in the same order, but do not rely on it).
    std::vector<size_t> bench_field(rd.schema().num_fields(), kNumFields);
    for (size_t f = 0; f < rd.schema().num_fields(); ++f) {
      for (size_t k = 0; k < kNumFields; ++k) {
        if (rd.schema().field(f).name == kFieldNames[k]) bench_field[f] = k;
      }
    }
    uint64_t chunk_bytes = 0;
    for (size_t g = 0; g < rd.num_row_groups(); ++g) {
      for (size_t f : fields) {
        const pq::ValueNode& node = rd.schema().field(f);
        for (int leaf = node.first_leaf; leaf < node.first_leaf + node.num_leaves; ++leaf) {
          const auto& chunk = rd.metadata().row_groups[g].columns[static_cast<size_t>(leaf)];
          if (chunk.meta_data) chunk_bytes += static_cast<uint64_t>(chunk.meta_data->total_compressed_size);
        }
      }
      auto batch = rd.read_row_group(g, fields);
      timed += now_seconds() - start;
      cpu_timed += thread_cpu_seconds() - cpu_start;
      if (!batch.is_ok()) {
        std::fprintf(stderr, "bench parquet: %s\n", batch.status().message().c_str());
        return std::nullopt;
      }
      for (size_t& f : batch->fields) f = f < bench_field.size() ? bench_field[f] : kNumFields;
      add_batch(*batch, &sums);
      start = now_seconds();
      cpu_start = thread_cpu_seconds();
    }
    timed += now_seconds() - start;
    cpu_timed += thread_cpu_seconds() - cpu_start;
    if (timed < best.seconds) {
      best.seconds = timed;
      best.cpu_seconds = cpu_timed;
    }
    best.bytes = names.empty() ? rd.file_size() : chunk_bytes;
    *checksum = sums;
  }
  return best;
}

// ------------------------------------------------------------------ DuckDB --

struct DuckDBFigures {
  double rows = -1;
  double write_s = -1;
  double read_s = -1;
  double read2_s = -1;
  double file_bytes = -1;
};

// The number after "key": in a flat JSON object; -1 when absent or null.
double json_number(const std::string& json, const std::string& key) {
  const std::string needle = "\"" + key + "\":";
  const size_t at = json.find(needle);
  if (at == std::string::npos) return -1;
  const char* p = json.c_str() + at + needle.size();
  char* end = nullptr;
  const double v = std::strtod(p, &end);
  return end == p ? -1 : v;
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::optional<DuckDBFigures> run_duckdb(const std::string& script, const std::string& args) {
  const std::string command = "node " + shell_quote(script) + " " + args;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    std::fprintf(stderr, "bench parquet: cannot run %s\n", command.c_str());
    return std::nullopt;
  }
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  const int rc = pclose(pipe);
  if (rc != 0) {
    std::fprintf(stderr,
                 "bench parquet: `%s` failed (status %d): run scripts/install-peers BUILD/peer and "
                 "set MEDALLION_PEER_DIR, or pass --skip-duckdb\n",
                 command.c_str(), rc);
    return std::nullopt;
  }
  DuckDBFigures d;
  d.rows = json_number(out, "rows");
  d.write_s = json_number(out, "write_s");
  d.read_s = json_number(out, "read_s");
  d.read2_s = json_number(out, "read2_s");
  d.file_bytes = json_number(out, "file_bytes");
  if (d.read_s <= 0 || d.read2_s <= 0) {
    std::fprintf(stderr, "bench parquet: unexpected output of `%s`: %s\n", command.c_str(),
                 out.c_str());
    return std::nullopt;
  }
  return d;
}

// ------------------------------------------------------------------ output --

struct Options {
  uint64_t rows = 10000000;
  std::string out;
  size_t batch_rows = 65536;
  int repeat = 3;
  bool skip_duckdb = false;
  uint64_t row_group_bytes = 0;  // 0: WriterOptions' default
  std::string read_only;         // time reading this file only
  std::string peer_script = MEDALLION_SOURCE_DIR "/tests/peer/duckdb_parquet_bench.mjs";
};

// "12.34M" rows per second.
std::string mrows(double rows_per_s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fM", rows_per_s / 1e6);
  return buf;
}

// One result line: ours against DuckDB's rate (or against `goal` when there
// is no DuckDB figure). goal <= 0 marks an informational figure.
void print_line(const char* name, double rows, const Timing& ours, double duckdb_seconds,
                double goal, const std::string& extra) {
  const double rate = rows / ours.seconds;
  const double mb_s = static_cast<double>(ours.bytes) / 1e6 / ours.seconds;
  const std::string goal_text = goal > 0 ? "goal rows_per_s>=" + mrows(goal) + " " +
                                               (rate >= goal ? "met" : "NOT met") + "; "
                                         : std::string();
  const char* ratio_goal = goal > 0 ? "goal>=1.0" : "goal=info";
  if (duckdb_seconds > 0) {
    const double base = rows / duckdb_seconds;
    std::printf("bench %s: rows_per_s=%s baseline=duckdb %s ratio=%.2f %s (%s%.1fMB/s; "
                "%.3fs, cpu %.3fs; %s)\n",
                name, mrows(rate).c_str(), mrows(base).c_str(), rate / base, ratio_goal,
                goal_text.c_str(), mb_s, ours.seconds, ours.cpu_seconds, extra.c_str());
  } else {
    std::printf("bench %s: rows_per_s=%s baseline=goal %s ratio=%.2f goal>=1.0 (%.1fMB/s; %.3fs, "
                "cpu %.3fs; %s)\n",
                name, mrows(rate).c_str(), mrows(goal).c_str(), goal > 0 ? rate / goal : 0.0, mb_s,
                ours.seconds, ours.cpu_seconds, extra.c_str());
  }
  std::fflush(stdout);
}

bool parse_args(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--rows" && has_value) {
      o->rows = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--out" && has_value) {
      o->out = argv[++i];
    } else if (arg == "--batch-rows" && has_value) {
      o->batch_rows = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--repeat" && has_value) {
      o->repeat = std::atoi(argv[++i]);
    } else if (arg == "--row-group-bytes" && has_value) {
      o->row_group_bytes = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--read-only" && has_value) {
      o->read_only = argv[++i];
    } else if (arg == "--peer-script" && has_value) {
      o->peer_script = argv[++i];
    } else if (arg == "--skip-duckdb") {
      o->skip_duckdb = true;
    } else {
      return false;
    }
  }
  return o->rows > 0 && o->batch_rows > 0 && o->repeat > 0;
}

const std::vector<size_t> kAllFields = {kCountry,     kEvent,      kPlayerId,
                                        kSessionId,   kTs,         kDlInsertTs,
                                        kDlUpdateTs,  kEventDate,  kUniqueIdRow};
const std::vector<size_t> kProjectedFields = {kPlayerId, kTs};
const std::vector<std::string> kProjectedNames = {"player_id", "ts"};

std::string repeat_text(const Options& o) {
  return "rows=" + std::to_string(o.rows) + "; best of " + std::to_string(o.repeat);
}

// --read-only: times medallion reading o.read_only, whose rows must sum to
// `written`.
int read_only(const Options& o, const Checksum& written) {
  FileSystem& fs = medallion::util::posix_file_system();
  const double rows = static_cast<double>(o.rows);
  Checksum full_sums, projected_sums;
  const auto read = time_read(fs, o.read_only, {}, o.repeat, &full_sums);
  if (!read) return 1;
  const auto read2 = time_read(fs, o.read_only, kProjectedNames, o.repeat, &projected_sums);
  if (!read2) return 1;
  print_line("parquet-read", rows, *read, -1, kReadGoalRowsPerSecond,
             o.read_only + "; " + repeat_text(o));
  print_line("parquet-read-projected", rows, *read2, -1, kReadGoalRowsPerSecond,
             "player_id,ts; " + o.read_only + "; " + repeat_text(o));
  bool ok = same_sums("reading the file", written, full_sums, kAllFields);
  ok = same_sums("reading player_id,ts", written, projected_sums, kProjectedFields) && ok;
  return ok ? 0 : 1;
}

int run(const Options& o, const std::string& dir) {
  FileSystem& fs = medallion::util::posix_file_system();
  const std::string ours_path = medallion::util::join_path(dir, "medallion.parquet");
  const std::string duck_path = medallion::util::join_path(dir, "duckdb.parquet");
  const double rows = static_cast<double>(o.rows);
  const std::string repeat = repeat_text(o);

  // 1. rows in memory.
  const double gen_start = now_seconds();
  Checksum written;
  std::optional<Timing> write;
  {
    const std::vector<pq::RowBatch> batches = make_batches(o.rows, o.batch_rows);
    for (const auto& b : batches) add_batch(b, &written);
    std::fprintf(stderr, "bench parquet: generated %" PRIu64 " rows in %zu batches (%.1fs)\n",
                 o.rows, batches.size(), now_seconds() - gen_start);
    if (o.read_only.empty()) {
      // 2. write.
      pq::WriterOptions options;
      if (o.row_group_bytes > 0) options.row_group_bytes = o.row_group_bytes;
      write = time_write(fs, ours_path, batches, options, o.repeat);
      if (!write) return 1;
    }
  }  // the batches are freed before the reads and DuckDB
  if (!o.read_only.empty()) return read_only(o, written);

  // 3. reads.
  Checksum full_sums, projected_sums;
  const auto read = time_read(fs, ours_path, {}, o.repeat, &full_sums);
  if (!read) return 1;
  const auto read2 = time_read(fs, ours_path, kProjectedNames, o.repeat, &projected_sums);
  if (!read2) return 1;
  bool ok = same_sums("medallion reading medallion.parquet", written, full_sums, kAllFields);
  ok = same_sums("medallion reading player_id,ts of medallion.parquet", written, projected_sums,
                 kProjectedFields) &&
       ok;

  // 4. DuckDB.
  std::optional<DuckDBFigures> duck_own, duck_ours;
  if (!o.skip_duckdb) {
    const std::string repeat_arg = "--repeat " + std::to_string(o.repeat);
    duck_own = run_duckdb(o.peer_script,
                          std::to_string(o.rows) + " " + shell_quote(dir) + " " + repeat_arg);
    if (!duck_own) return 1;
    if (duck_own->rows != rows) {
      std::fprintf(stderr, "bench parquet: DuckDB wrote %.0f rows, expected %" PRIu64 "\n",
                   duck_own->rows, o.rows);
      ok = false;
    }
    duck_ours = run_duckdb(o.peer_script, "--read " + shell_quote(ours_path) + " " + repeat_arg);
    if (!duck_ours) return 1;
    if (duck_ours->rows != rows) {
      std::fprintf(stderr, "bench parquet: DuckDB read %.0f rows of medallion.parquet, expected %"
                   PRIu64 "\n", duck_ours->rows, o.rows);
      ok = false;
    }
  }

  char file_text[160];
  std::snprintf(file_text, sizeof file_text, "file=%.1fMB in %zu row groups",
                static_cast<double>(write->bytes) / 1e6, write->row_groups);
  std::string write_extra = file_text;
  if (duck_own) {
    std::snprintf(file_text, sizeof file_text, " vs duckdb %.1fMB", duck_own->file_bytes / 1e6);
    write_extra += file_text;
  }
  write_extra += "; snappy, one thread; " + repeat;
  print_line("parquet-write", rows, *write, duck_own ? duck_own->write_s : -1,
             kWriteGoalRowsPerSecond, write_extra);
  print_line("parquet-read", rows, *read, duck_ours ? duck_ours->read_s : -1,
             kReadGoalRowsPerSecond,
             "every column of medallion.parquet, both sides; " + repeat);
  const double full_rate = rows / read->seconds, projected_rate = rows / read2->seconds;
  print_line("parquet-read-projected", rows, *read2, duck_ours ? duck_ours->read2_s : -1,
             kReadGoalRowsPerSecond,
             std::string("player_id,ts of medallion.parquet; goal faster than the full read ") +
                 (projected_rate > full_rate ? "met" : "NOT met") + "; " + repeat);
  if (duck_own) {
    // Informational: medallion reading DuckDB's file, against DuckDB reading it.
    Checksum duck_sums;
    const auto read_duck = time_read(fs, duck_path, {}, o.repeat, &duck_sums);
    if (!read_duck) return 1;
    ok = same_sums("medallion reading duckdb.parquet", written, duck_sums, kAllFields) && ok;
    print_line("parquet-read-duckdb-file", rows, *read_duck, duck_own->read_s, -1,
               "every column of duckdb.parquet, both sides; " + repeat);
  }
  if (!ok) {
    std::fprintf(stderr, "bench parquet: FAILED: the rows read differ from the rows written\n");
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse_args(argc, argv, &o)) {
    std::fprintf(stderr,
                 "usage: bench_parquet [--rows N] [--out DIR] [--batch-rows N] [--repeat N] "
                 "[--row-group-bytes N] [--skip-duckdb] [--peer-script FILE]\n"
                 "       bench_parquet --read-only FILE [--rows N] [--repeat N]\n");
    return 2;
  }
  if (std::getenv("MEDALLION_PEER_DIR") == nullptr) {
    setenv("MEDALLION_PEER_DIR", MEDALLION_BINARY_DIR "/peer", 1);
  }
  FileSystem& fs = medallion::util::posix_file_system();
  std::string dir = o.out;
  const bool temporary = dir.empty();
  if (temporary) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
                          "/bench_parquet.XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      std::perror("bench parquet: mkdtemp");
      return 1;
    }
    dir = pattern;
  } else if (auto st = fs.create_dirs(dir); !st.is_ok()) {
    std::fprintf(stderr, "bench parquet: %s\n", st.message().c_str());
    return 1;
  }
  const int rc = run(o, dir);
  if (temporary) {
    // The directory is ours (mkdtemp): everything in it goes.
    if (auto names = fs.list_dir(dir); names.is_ok()) {
      for (const std::string& name : *names) {
        (void)fs.remove_file(medallion::util::join_path(dir, name));
      }
    }
    (void)fs.remove_dir(dir);
  }
  return rc;
}
