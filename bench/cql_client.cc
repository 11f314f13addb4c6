// bench/cql_client: prepared single-row INSERTs/s of medallion's CQL client
// (Session::execute_async) into the embedded server, against the python
// driver's concurrent execution of the same workload in the same run.
//
//   bench_cql_client [--rows N] [--connections C] [--in-flight D]
//                    [--duration S] [--python FILE] [--python-rows N]
//                    [--skip-python] [--server-threads T] [--dir DIR] [--keep]
//
// Starts the embedded server in this process (EmbeddedCqlServer: store in
// DIR, default a fresh /tmp/bench-cql-client-XXXXXX; CqlServer on 127.0.0.1
// port 0, PasswordAuthenticator with cassandra/cassandra, group commit,
// --server-threads I/O threads, default one per core), then:
//   1. the C++ client: a Session (one I/O thread, --connections connections,
//      default 2) creates bench.kv_client (k bigint PRIMARY KEY, v text,
//      ts timestamp), prepares its INSERT, and inserts rows k = 0, 1, ...
//      (v 48 bytes, ts distinct) with CqlStatement::bind + execute_async, at
//      most --in-flight outstanding (default 2048: group commit acknowledges
//      a whole group per sync, so throughput grows with the writes in flight
//      until the CPU is the limit), until --rows rows
//      (default 500000) or --duration seconds (default 10) have gone; a
//      latency runs from bind to callback. The rows are counted afterwards.
//   2. the baseline: /usr/bin/python3 FILE (default the source tree's
//      bench/cql_client_python.py) inserts --python-rows rows (default
//      50000) of the same shape into a fresh bench.kv_python with
//      execute_concurrent_with_args, concurrency 100; its rows/s is read
//      from its output line.
// Result line (stdout):
//   bench cql_client_insert: rows_per_s=<n> p50=<us>us p99=<us>us
//   baseline=python <n>/s ratio=<x> goal>=100000/s (details)
// The rates are compared, not the row counts (the python side is given
// fewer rows so that it ends in reasonable time). Progress goes to stderr.
// Exit 1 when an insert fails, the count is wrong or the baseline fails.
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <semaphore>
#include <string>
#include <vector>

#include "cql/client/session.h"
#include "cql/server/embedded_cql_server.h"
#include "util/status.h"

namespace {

namespace cql = medallion::cql;
namespace util = medallion::util;
using Clock = std::chrono::steady_clock;

constexpr double kGoalPerSecond = 100000;

#ifndef MEDALLION_SOURCE_DIR
#define MEDALLION_SOURCE_DIR "."
#endif

int fail(const std::string& what) {
  std::fprintf(stderr, "bench_cql_client: %s\n", what.c_str());
  return 1;
}

struct Options {
  int64_t rows = 500000;
  size_t connections = 2;
  size_t in_flight = 2048;
  double duration = 10;
  std::string python = std::string(MEDALLION_SOURCE_DIR) + "/bench/cql_client_python.py";
  int64_t python_rows = 50000;
  bool skip_python = false;
  size_t server_threads = 0;
  std::string dir;
  bool keep = false;
};

struct ClientResult {
  double rate = 0;
  uint32_t p50 = 0;
  uint32_t p99 = 0;
  int64_t rows = 0;
  double seconds = 0;
};

uint32_t percentile(std::vector<uint32_t>& values, double q) {
  if (values.empty()) return 0;
  size_t i = std::min(values.size() - 1, static_cast<size_t>(q * static_cast<double>(values.size())));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(i), values.end());
  return values[i];
}

util::Result<cql::ResultPage> must(cql::Session& session, const std::string& text) {
  auto r = session.execute(text);
  if (!r.is_ok()) return r.status().with_context("bench_cql_client: " + text);
  return r;
}

// Phase 1: the C++ client.
util::Result<ClientResult> run_client(uint16_t port, const Options& options) {
  cql::ClusterConfig config;
  config.hosts = {cql::Endpoint{"127.0.0.1", port}};
  config.port = port;
  config.connections_per_host = options.connections;
  config.max_in_flight_per_connection = 1024;
  config.request_timeout = std::chrono::seconds(30);
  config.startup_deadline = std::chrono::seconds(10);
  config.discover_peers = false;
  config.io_threads = 1;
  auto connected = cql::Session::connect(config);
  if (!connected.is_ok()) return connected.status();
  std::shared_ptr<cql::Session> session = *connected;

  for (const char* q :
       {"CREATE KEYSPACE IF NOT EXISTS bench WITH replication = "
        "{'class': 'SimpleStrategy', 'replication_factor': 1}",
        "DROP TABLE IF EXISTS bench.kv_client",
        "CREATE TABLE bench.kv_client (k bigint PRIMARY KEY, v text, ts timestamp)"}) {
    auto r = must(*session, q);
    if (!r.is_ok()) return r.status();
  }
  auto insert = session->prepare("INSERT INTO bench.kv_client (k, v, ts) VALUES (?, ?, ?)");
  if (!insert.is_ok()) return insert.status();

  const std::string value(48, 'v');
  const int64_t base_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
  std::vector<uint32_t> latencies(static_cast<size_t>(options.rows), 0);
  std::counting_semaphore<65536> slots(static_cast<ptrdiff_t>(options.in_flight));
  std::atomic<int64_t> completed{0};
  std::atomic<int64_t> errors{0};
  std::mutex error_mu;
  std::string first_error;
  std::atomic<int64_t> last_done_ns{0};

  const auto start = Clock::now();
  const auto stop_at =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.duration));
  int64_t sent = 0;
  util::Status bind_error;
  auto next_progress = start + std::chrono::seconds(1);
  for (; sent < options.rows; ++sent) {
    if ((sent & 1023) == 0) {
      const auto now = Clock::now();
      if (now >= stop_at) break;
      if (now >= next_progress) {
        std::fprintf(stderr, "bench_cql_client: %lld rows sent, %lld done\n",
                     static_cast<long long>(sent), static_cast<long long>(completed.load()));
        next_progress = now + std::chrono::seconds(1);
      }
    }
    slots.acquire();
    const auto t0 = Clock::now();
    auto bound = cql::CqlStatement::bind(
        *insert, {cql::CqlValue(sent), cql::CqlValue(value), cql::CqlValue(cql::Timestamp{base_ms + sent})});
    if (!bound.is_ok()) {  // stop sending, but wait for what is outstanding
      slots.release();
      bind_error = bound.status();
      break;
    }
    bound->idempotent = true;
    session->execute_async(std::move(bound).value(), [&, t0, i = sent](util::Result<cql::ResultPage> r) {
      const auto t1 = Clock::now();
      latencies[static_cast<size_t>(i)] = static_cast<uint32_t>(std::min<int64_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(t1 - t0).count(), UINT32_MAX));
      if (!r.is_ok() && errors.fetch_add(1) == 0) {
        std::lock_guard<std::mutex> lock(error_mu);
        first_error = r.status().message();
      }
      last_done_ns.store(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - start).count());
      completed.fetch_add(1);
      slots.release();
    });
  }
  // Wait for every outstanding request (each is bounded by request_timeout).
  for (size_t i = 0; i < options.in_flight; ++i) {
    if (!slots.try_acquire_for(std::chrono::seconds(60))) {
      return util::Status::io_error("bench_cql_client: requests still outstanding after 60 s");
    }
  }
  if (!bind_error.is_ok()) return bind_error;
  const double seconds = static_cast<double>(last_done_ns.load()) / 1e9;
  if (errors.load() > 0) {
    std::lock_guard<std::mutex> lock(error_mu);
    return util::Status::io_error("bench_cql_client: " + std::to_string(errors.load()) +
                                  " inserts failed; the first: " + first_error);
  }

  ClientResult result;
  result.rows = sent;
  result.seconds = seconds;
  result.rate = seconds > 0 ? static_cast<double>(sent) / seconds : 0;
  latencies.resize(static_cast<size_t>(sent));
  result.p50 = percentile(latencies, 0.50);
  result.p99 = percentile(latencies, 0.99);

  // Every row landed.
  cql::CqlStatement count = cql::CqlStatement::simple("SELECT COUNT(*) FROM bench.kv_client");
  count.timeout = std::chrono::seconds(120);
  auto counted = session->execute(std::move(count));
  if (!counted.is_ok()) return counted.status().with_context("bench_cql_client: counting the rows");
  auto n = counted->size() == 1 ? counted->value(0, 0) : util::Result<cql::CqlValue>(
                                                             util::Status::internal("no count row"));
  if (!n.is_ok()) return n.status();
  const int64_t* rows = std::get_if<int64_t>(&n->v);
  if (rows == nullptr || *rows != sent) {
    return util::Status::internal("bench_cql_client: " + std::to_string(sent) +
                                  " rows inserted but COUNT(*) says " +
                                  (rows ? std::to_string(*rows) : std::string("(not a bigint)")));
  }
  session->close();
  return result;
}

// Phase 2: the python driver. Returns its rows/s.
util::Result<double> run_python(uint16_t port, const Options& options) {
  std::string command = "/usr/bin/python3 '" + options.python + "' --port " + std::to_string(port) +
                        " --user cassandra --password cassandra --rows " +
                        std::to_string(options.python_rows) + " --concurrency 100";
  FILE* out = ::popen(command.c_str(), "r");
  if (out == nullptr) return util::Status::io_error("bench_cql_client: cannot run " + command);
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, out)) > 0) text.append(buf, n);
  const int status = ::pclose(out);
  if (status != 0) {
    return util::Status::io_error("bench_cql_client: the python baseline failed (" + command +
                                  "; exit status " + std::to_string(status) +
                                  "; is python3-cassandra installed?): " + text);
  }
  const std::string key = "rows_per_s=";
  const size_t at = text.find(key);
  if (at == std::string::npos) {
    return util::Status::internal("bench_cql_client: no rows_per_s in the python output: " + text);
  }
  std::fprintf(stderr, "bench_cql_client: %s", text.c_str());
  return std::atof(text.c_str() + at + key.size());
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : ""; };
    if (!std::strcmp(argv[i], "--rows")) {
      options.rows = std::atoll(next());
    } else if (!std::strcmp(argv[i], "--connections")) {
      options.connections = static_cast<size_t>(std::atoll(next()));
    } else if (!std::strcmp(argv[i], "--in-flight")) {
      options.in_flight = static_cast<size_t>(std::atoll(next()));
    } else if (!std::strcmp(argv[i], "--duration")) {
      options.duration = std::atof(next());
    } else if (!std::strcmp(argv[i], "--python")) {
      options.python = next();
    } else if (!std::strcmp(argv[i], "--python-rows")) {
      options.python_rows = std::atoll(next());
    } else if (!std::strcmp(argv[i], "--skip-python")) {
      options.skip_python = true;
    } else if (!std::strcmp(argv[i], "--server-threads")) {
      options.server_threads = static_cast<size_t>(std::atoll(next()));
    } else if (!std::strcmp(argv[i], "--dir")) {
      options.dir = next();
    } else if (!std::strcmp(argv[i], "--keep")) {
      options.keep = true;
    } else {
      std::fprintf(stderr, "bench_cql_client: unknown argument %s\n", argv[i]);
      return 2;
    }
  }
  if (options.rows < 1 || options.connections < 1 || options.in_flight < 1 ||
      options.in_flight > 65536 || options.duration <= 0 || options.python_rows < 1) {
    std::fprintf(stderr,
                 "bench_cql_client: --rows >= 1, --connections >= 1, 1 <= --in-flight <= 65536, "
                 "--duration > 0 and --python-rows >= 1 please\n");
    return 2;
  }
  const bool own_dir = options.dir.empty();
  if (own_dir) {
    char tmpl[] = "/tmp/bench-cql-client-XXXXXX";
    if (!::mkdtemp(tmpl)) return fail("cannot create a temporary directory");
    options.dir = tmpl;
  }
  std::error_code ec;
  std::filesystem::create_directories(options.dir, ec);
  signal(SIGPIPE, SIG_IGN);

  int rc = 0;
  {
    medallion::cql::ServerConfig config;
    config.port = 0;
    config.io_threads = options.server_threads;
    config.data_directory = options.dir + "/store";
    auto server = medallion::cql::EmbeddedCqlServer::start(config);
    if (!server.is_ok()) {
      rc = fail(server.status().message());
    } else {
      const uint16_t port = (*server)->port();
      std::fprintf(stderr,
                   "bench_cql_client: server on 127.0.0.1:%u (data in %s); client: %zu "
                   "connections, %zu in flight, up to %lld rows or %.1fs\n",
                   port, options.dir.c_str(), options.connections, options.in_flight,
                   static_cast<long long>(options.rows), options.duration);
      auto client = run_client(port, options);
      if (!client.is_ok()) {
        rc = fail(client.status().message());
      } else {
        std::fprintf(stderr, "bench_cql_client: C++ client: %lld rows in %.2fs\n",
                     static_cast<long long>(client->rows), client->seconds);
        double python_rate = 0;
        std::string baseline = "python skipped";
        std::string ratio = "n/a";
        if (!options.skip_python) {
          std::fprintf(stderr, "bench_cql_client: python baseline, %lld rows\n",
                       static_cast<long long>(options.python_rows));
          auto py = run_python(port, options);
          if (!py.is_ok()) {
            rc = fail(py.status().message());
          } else {
            python_rate = *py;
            char b[64];
            std::snprintf(b, sizeof b, "python %.0f/s", python_rate);
            baseline = b;
            std::snprintf(b, sizeof b, "%.2f", python_rate > 0 ? client->rate / python_rate : 0.0);
            ratio = b;
          }
        }
        std::printf(
            "bench cql_client_insert: rows_per_s=%.0f p50=%uus p99=%uus baseline=%s ratio=%s "
            "goal>=%.0f/s (%lld rows, %zu connections, %zu in flight; python: %lld rows, "
            "concurrency 100)\n",
            client->rate, client->p50, client->p99, baseline.c_str(), ratio.c_str(),
            kGoalPerSecond, static_cast<long long>(client->rows), options.connections,
            options.in_flight, static_cast<long long>(options.python_rows));
        std::fflush(stdout);
      }
      (*server)->stop();
    }
  }
  if (own_dir && !options.keep) std::filesystem::remove_all(options.dir, ec);
  return rc;
}
