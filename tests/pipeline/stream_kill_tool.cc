// stream_kill_tool: drives the sessions stream (raw events -> sessions
// table, MERGE per micro-batch) for the kill test
// (tests/integration/stream_kill_test.sh).
//
//   stream_kill_tool seed RAW --sessions N --commits C [--seed S]
//       Creates the raw events table (r_session_events' schema, partitioned
//       by EVENT_DATE) and appends random events of N sessions — start and
//       end, some start-only or end-only, some duplicated — shuffled, in C
//       commits.
//   stream_kill_tool run RAW TARGET CHECKPOINT [--max-files N]
//                        [--crash-at STEP --crash-after K]
//       Runs the stream until the raw table is drained (available now).
//       With --crash-at the process SIGKILLs itself at STEP of its K-th
//       batch, or of the first later one that reaches STEP (a replayed
//       batch the table skips writes nothing): batch_start (the offsets are written, the sink not yet run),
//       data_written, temp_written, published (the MERGE's steps),
//       batch_done (the batch's commit marker is written).
//       Prints "batches B rows R".
//   stream_kill_tool dump TARGET
//       The table's sessions, sorted, without the DL_* stamps.
//   stream_kill_tool check-txn TARGET
//       Fails unless the table's log commits txn versions of exactly one
//       appId, each once and in increasing order; prints the versions, one
//       per line.
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "delta/action_json.h"
#include "delta/columnar_bridge.h"
#include "delta/log_format.h"
#include "delta/snapshot.h"
#include "delta/stream_source.h"
#include "delta/table_scan.h"
#include "delta/table_writer.h"
#include "pipeline/sessionize.h"
#include "pipeline/stream_checkpoint.h"
#include "pipeline/stream_runner.h"
#include "pipeline/table_schemas.h"
#include "raw_event_rows.h"
#include "util/civil_time.h"
#include "util/file_system.h"

namespace {

using namespace medallion;

int die(const std::string& message) {
  std::fprintf(stderr, "stream_kill_tool: %s\n", message.c_str());
  return 1;
}

std::string flag(int argc, char** argv, const char* name, const char* fallback = "") {
  for (int i = 0; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return fallback;
}

constexpr int64_t kMicrosPerSecond = 1'000'000;

int seed(const std::string& raw, int64_t sessions, int64_t commits, uint64_t seed_value) {
  auto& fs = util::posix_file_system();
  auto created = delta::create_table(fs, raw, delta::delta_schema_of(pipeline::raw_events_schema()),
                                     {std::string(pipeline::kEventDateColumn)}, {});
  if (!created.is_ok()) return die(created.status().message());
  struct Event {
    std::string event, player, session;
    std::optional<std::string> country;
    int64_t ts;
  };
  std::mt19937_64 rng(seed_value);
  const char* countries[] = {"IT", "FI", "DE", "US", "Code", "(.uk)"};
  const int64_t base = 1'478'044'800 * kMicrosPerSecond;  // 2016-11-02
  std::vector<Event> events;
  for (int64_t s = 0; s < sessions; ++s) {
    const std::string session = "session-" + std::to_string(s);
    const std::string player = "player-" + std::to_string(rng() % 97);
    const int64_t start = base + static_cast<int64_t>(rng() % (10 * 86'400)) * kMicrosPerSecond;
    const int64_t end = start + static_cast<int64_t>(60 + rng() % 20'000) * kMicrosPerSecond;
    const int shape = static_cast<int>(rng() % 20);
    if (shape != 0) events.push_back({"start", player, session, countries[rng() % 6], start});
    if (shape != 1) events.push_back({"end", player, session, std::nullopt, end});
    if (shape == 2) events.push_back(events.back());
  }
  std::shuffle(events.begin(), events.end(), rng);
  const size_t per_commit = (events.size() + static_cast<size_t>(commits) - 1) /
                            static_cast<size_t>(std::max<int64_t>(commits, 1));
  for (size_t begin = 0; begin < events.size(); begin += per_commit) {
    columnar::RecordBatch batch(pipeline::raw_events_schema());
    for (size_t i = begin; i < std::min(events.size(), begin + per_commit); ++i) {
      const Event& e = events[i];
      pipeline::testing::append_raw_event(&batch, e.event, e.player, e.country, e.session, e.ts);
    }
    auto appended = delta::append(fs, raw, delta::to_row_batch(std::move(batch)));
    if (!appended.is_ok()) return die(appended.status().message());
  }
  std::printf("events %zu\n", events.size());
  return 0;
}

int run(const std::string& raw, const std::string& target, const std::string& checkpoint,
        int64_t max_files, const std::string& crash_at, int64_t crash_after) {
  auto& fs = util::posix_file_system();
  if (auto st = pipeline::ensure_sessions_table(fs, target); !st.is_ok()) return die(st.message());
  delta::StreamSourceOptions source_options;
  source_options.max_files_per_trigger = max_files;
  auto source = delta::DeltaStreamSource::open(fs, raw, source_options);
  if (!source.is_ok()) return die(source.status().message());
  auto checkpoint_state = pipeline::StreamCheckpoint::open(fs, checkpoint);
  if (!checkpoint_state.is_ok()) return die(checkpoint_state.status().message());
  int64_t batches_seen = 0;
  auto crash = [&](std::string_view step) {
    if (step == crash_at && batches_seen >= crash_after) ::raise(SIGKILL);
  };
  delta::WriteOptions write;
  write.test_hook = crash;
  const pipeline::BatchSink merge_sink =
      pipeline::sessions_sink(fs, target, checkpoint_state.value().id(), write);
  pipeline::BatchSink sink = [&](const columnar::RecordBatch& batch, int64_t batch_id) {
    ++batches_seen;
    crash("batch_start");
    return merge_sink(batch, batch_id);
  };
  pipeline::StreamRunOptions options;
  options.checkpoint_dir = checkpoint;
  options.on_progress = [&](const pipeline::BatchProgress&) { crash("batch_done"); };
  auto summary = pipeline::run_stream(source.value(), sink, options);
  if (!summary.is_ok()) return die(summary.status().message());
  std::printf("batches %lld rows %lld\n", static_cast<long long>(summary.value().batches),
              static_cast<long long>(summary.value().rows));
  return 0;
}

int dump(const std::string& target) {
  auto& fs = util::posix_file_system();
  auto snapshot = delta::load_snapshot(fs, target);
  if (!snapshot.is_ok()) return die(snapshot.status().message());
  auto scan = delta::TableScan::make(snapshot.value());
  if (!scan.is_ok()) return die(scan.status().message());
  std::vector<std::string> lines;
  auto read = scan.value().read_all(fs, [&](parquet::RowBatch&& rows) -> util::Status {
    MEDALLION_ASSIGN_OR_RETURN(columnar::RecordBatch b,
                               delta::to_record_batch(scan.value().output_schema(), std::move(rows)));
    for (size_t i = 0; i < b.num_rows(); ++i) {
      auto text = [&](size_t c) -> std::string {
        const columnar::Column& col = b.column(c);
        if (col.is_null(i)) return "null";
        switch (col.type()) {
          case columnar::DataType::kString: return std::string(col.string_at(i));
          case columnar::DataType::kTimestamp: return util::format_iso8601(col.int64_at(i));
          case columnar::DataType::kDate: return util::format_iso_date(col.int32_at(i));
          case columnar::DataType::kInt32: return std::to_string(col.int32_at(i));
          default: return "?";
        }
      };
      // session, player, country, start, end, status, date
      lines.push_back(text(2) + " " + text(1) + " " + text(0) + " " + text(3) + " " + text(4) +
                      " " + text(5) + " " + text(8));
    }
    return util::Status::ok();
  });
  if (!read.is_ok()) return die(read.message());
  std::sort(lines.begin(), lines.end());
  for (const std::string& line : lines) std::printf("%s\n", line.c_str());
  return 0;
}

int check_txn(const std::string& target) {
  auto& fs = util::posix_file_system();
  auto snapshot = delta::load_snapshot(fs, target);
  if (!snapshot.is_ok()) return die(snapshot.status().message());
  std::map<std::string, int64_t> last;
  std::vector<int64_t> versions;
  for (int64_t v = 0; v <= snapshot.value().version; ++v) {
    const std::string path = target + "/_delta_log/" + delta::commit_file_name(v);
    auto bytes = fs.read_file(path);
    if (!bytes.is_ok()) return die(bytes.status().message());
    auto actions = delta::parse_actions(bytes.value(), path);
    if (!actions.is_ok()) return die(actions.status().message());
    for (const delta::Action& action : actions.value()) {
      const auto* txn = std::get_if<delta::Txn>(&action);
      if (txn == nullptr) continue;
      auto it = last.find(txn->app_id);
      if (it != last.end() && txn->version <= it->second) {
        return die("version " + std::to_string(v) + " commits batch " +
                   std::to_string(txn->version) + " of " + txn->app_id + " after batch " +
                   std::to_string(it->second));
      }
      last[txn->app_id] = txn->version;
      versions.push_back(txn->version);
    }
  }
  if (last.size() != 1) return die("txns of " + std::to_string(last.size()) + " appIds, not 1");
  for (int64_t v : versions) std::printf("%lld\n", static_cast<long long>(v));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return die("usage: seed|run|dump|check-txn ... (see the source)");
  const std::string command = argv[1];
  if (command == "seed") {
    return seed(argv[2], std::atoll(flag(argc, argv, "--sessions", "1000").c_str()),
                std::atoll(flag(argc, argv, "--commits", "10").c_str()),
                std::strtoull(flag(argc, argv, "--seed", "1").c_str(), nullptr, 10));
  }
  if (command == "run" && argc >= 5) {
    return run(argv[2], argv[3], argv[4], std::atoll(flag(argc, argv, "--max-files", "1").c_str()),
               flag(argc, argv, "--crash-at"),
               std::atoll(flag(argc, argv, "--crash-after", "0").c_str()));
  }
  if (command == "dump") return dump(argv[2]);
  if (command == "check-txn") return check_txn(argv[2]);
  return die("unknown command " + command);
}
