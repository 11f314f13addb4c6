// bench/api: requests/s and latency of `medallion serve` (the REST API)
// under wrk on loopback, against the FastAPI baseline (bench/api_baseline.py)
// serving the same data from the same CQL server in the same run.
//
//   bench_api [--bin MEDALLION] [--events N] [--source FILE] [--duration S]
//             [--warmup S] [--connections C] [--threads T]
//             [--baseline-duration S] [--baseline-connections C]
//             [--skip-baseline] [--python FILE] [--wrk WRK] [--now T]
//             [--dir DIR] [--keep] [--cql-over-network]
//
// Setup, in DIR (default a fresh /tmp/bench-api-XXXXXX; every child runs
// with DIR as its working directory, so no medallion.toml of the caller's
// is read; its stdout and stderr go to DIR/<name>.log):
//   1. `medallion gen --events N` (default 1000000) writes DIR/source.jsonl.bz2,
//      unless --source names a file;
//   2. `medallion up --source F --lake DIR/lake --cql-data DIR/cql
//      --cql-port 0 --no-serve --quiet` loads the serving tables;
//   3. the CQL node on that store (authentication off, by DIR/medallion.toml):
//      by default inside `medallion serve --cql-data DIR/cql --cql-port 0
//      --port 0 --now T`, which reads it in-process (ports read from its
//      lines "serve: embedded CQL server on 127.0.0.1:P" and "serve: the
//      REST API on http://127.0.0.1:PORT ..."); with --cql-over-network,
//      `medallion cql-server --data DIR/cql --port 0 --no-auth` ("cql-server:
//      listening on 127.0.0.1:P"), which step 5 reads over CQL;
//   4. the known keys, read through medallion's CQL client: every player_id
//      of completed_sessions_by_player (SELECT DISTINCT), and the countries
//      with a (country, hour) partition of started_sessions_by_country_hour
//      inside the 24 hours before --now (default 2016-11-07T00:00:00Z, as
//      the original), so that every request has rows to answer; they go
//      into two wrk Lua scripts (DIR/completed.lua, DIR/started.lua) that
//      pick a random key per request (requests prebuilt in each thread);
//   5. with --cql-over-network: `medallion serve --cql 127.0.0.1:P --port 0
//      --now T` (port read from "serve: the REST API on http://127.0.0.1:PORT
//      ...").
// Then, for the server and for each endpoint
//   completed  GET /models/completed-sessions/{random known player}
//   started    GET /models/started_sessions/{random country}/24
// a check (a few keys fetched over plain HTTP: status 200 and count >= 1
// for both; the bodies of medallion and the baseline compared), a wrk run
// of --warmup seconds (default 2, discarded), and
//   wrk -t T -c C -d S --latency --timeout 10s -s DIR/<endpoint>.lua URL
// (default -t 1 -c 64 -d 10: wrk shares the server's two cores, and one wrk
// thread keeps 64 connections busy with about 0.4 of a core, where two
// threads take 0.5 and preempt the server, which shows in its p99). Requests/s
// comes from "Requests/sec:", p50 and
// p99 from wrk's latency distribution. Any "Non-2xx or 3xx responses" or
// socket error fails the bench: a bench of errors is worthless. The CPU
// time of `serve` (or the baseline), `cql-server` and wrk during the
// measured run is reported as cores used (utime + stime over the wall time;
// /proc/PID/stat for the servers, wait4() for wrk).
// `serve` is stopped, then the baseline starts:
//   /usr/bin/python3 FILE --cql-host 127.0.0.1 --cql-port P --port Q --now T
// (FILE default: the source tree's bench/api_baseline.py; Q a free port;
// ready when GET /health answers 200) and runs the same checks and wrk runs
// with --baseline-duration seconds (default 5) and --baseline-connections
// (default: --connections).
//
// Result lines (stdout), one per endpoint:
//   bench api_completed: rps=<n> p50=<ms>ms p99=<ms>ms baseline_rps=<n>
//     ratio=<x>x goal>=20000/s p99<=5ms ratio>=20x (details)
//   bench api_started: rps=<n> p50=<ms>ms p99=<ms>ms baseline_rps=<n>
//     ratio=<x>x goal ratio>=20x (details)
// Progress goes to stderr. Every child is stopped (SIGTERM, SIGKILL after
// 10 s) and waited for; DIR is removed unless --keep or --dir, or the bench
// failed (then the logs are in it).
// Exit 1 when a step fails or any request failed; 0 otherwise, whether or
// not the goals are met (the line says).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cql/client/session.h"
#include "util/civil_time.h"
#include "util/status.h"

namespace {

namespace cql = medallion::cql;
namespace util = medallion::util;
using Clock = std::chrono::steady_clock;

#ifndef MEDALLION_BINARY_DIR
#define MEDALLION_BINARY_DIR "."
#endif
#ifndef MEDALLION_SOURCE_DIR
#define MEDALLION_SOURCE_DIR "."
#endif

constexpr double kGoalRps = 20000;
constexpr double kGoalP99Ms = 5;
constexpr double kGoalRatio = 20;
constexpr int kStartedHours = 24;
constexpr int64_t kMillisPerHour = 3'600'000;

struct Options {
  std::string bin = MEDALLION_BINARY_DIR "/src/cli/medallion";
  int64_t events = 1'000'000;
  std::string source;
  double duration = 10;
  double warmup = 2;
  int connections = 64;
  int threads = 1;  // wrk's; see the top of the file
  double baseline_duration = 5;
  int baseline_connections = 0;  // 0: --connections
  bool skip_baseline = false;
  std::string python = MEDALLION_SOURCE_DIR "/bench/api_baseline.py";
  std::string wrk = "wrk";
  std::string now = "2016-11-07T00:00:00Z";
  std::string dir;
  bool keep = false;
  bool cql_over_network = false;
};

void progress(const std::string& what) {
  std::fprintf(stderr, "bench_api: %s\n", what.c_str());
  std::fflush(stderr);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string tail(const std::string& text, size_t n = 2000) {
  return text.size() <= n ? text : "..." + text.substr(text.size() - n);
}

// ------------------------------------------------------------ children --

// Forks and execs args with `cwd` as working directory, stdout and stderr to
// `log` (appended) and `env` (NAME=VALUE) added to the environment.
pid_t spawn(const std::vector<std::string>& args, const std::string& cwd, const std::string& log,
            const std::vector<std::string>& env = {}) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
    }
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    if (::chdir(cwd.c_str()) != 0) _exit(126);
    for (const auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
    ::execvp(argv[0], argv.data());
    std::fprintf(stderr, "bench_api: cannot run %s: %s\n", argv[0], std::strerror(errno));
    std::_Exit(127);
  }
  return pid;
}

struct Finished {
  int status = 0;  // exit code, or 128 + signal
  double seconds = 0;
  double cpu_seconds = 0;
};

Finished wait_child(pid_t pid, Clock::time_point start) {
  Finished f;
  struct rusage usage {};
  int status = 0;
  while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  f.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  f.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                  static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  f.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return f;
}

// Runs a child to its end. Errors name it and quote its log.
util::Result<Finished> run(const std::string& name, const std::vector<std::string>& args,
                           const std::string& dir) {
  const std::string log = dir + "/" + name + ".log";
  const auto start = Clock::now();
  const pid_t pid = spawn(args, dir, log);
  if (pid < 0) return util::Status::io_error("bench_api: fork failed");
  Finished f = wait_child(pid, start);
  if (f.status != 0) {
    return util::Status::io_error("bench_api: " + name + " failed (exit " +
                                  std::to_string(f.status) + "); " + log + ":\n" +
                                  tail(read_text(log)));
  }
  return f;
}

// A server child: stopped (SIGTERM, then SIGKILL after 10 s) and waited for
// when destroyed.
class Server {
 public:
  Server(std::string name, std::string dir) : name_(std::move(name)), dir_(std::move(dir)) {}
  ~Server() { stop(); }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::string log() const { return dir_ + "/" + name_ + ".log"; }
  pid_t pid() const { return pid_; }

  util::Status start(const std::vector<std::string>& args,
                     const std::vector<std::string>& env = {}) {
    pid_ = spawn(args, dir_, log(), env);
    if (pid_ < 0) return util::Status::io_error("bench_api: fork failed");
    return util::Status::ok();
  }

  // Waits until the log holds a line containing `marker`; returns the text
  // after it on that line. Errors: the child exited, or `seconds` went by.
  util::Result<std::string> wait_for_line(const std::string& marker, double seconds) {
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(seconds));
    while (true) {
      const std::string text = read_text(log());
      const size_t at = text.find(marker);
      if (at != std::string::npos) {
        const size_t end = text.find('\n', at);
        if (end != std::string::npos)
          return text.substr(at + marker.size(), end - at - marker.size());
      }
      if (util::Status st = check_running(); !st.is_ok()) return st;
      if (Clock::now() > deadline) {
        return util::Status::io_error("bench_api: " + name_ + " printed no \"" + marker + "\" in " +
                                      std::to_string(static_cast<int>(seconds)) + " s; " + log() +
                                      ":\n" + tail(text));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  // ok while the child runs; an error quoting its log once it has exited.
  util::Status check_running() {
    if (pid_ <= 0) return util::Status::io_error("bench_api: " + name_ + " is not running");
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return util::Status::io_error("bench_api: " + name_ + " exited (status " +
                                    std::to_string(status) + "); " + log() + ":\n" +
                                    tail(read_text(log())));
    }
    return util::Status::ok();
  }

  // utime + stime of the process (all its threads) in seconds; 0 when gone.
  double cpu_seconds() const {
    if (pid_ <= 0) return 0;
    const std::string stat = read_text("/proc/" + std::to_string(pid_) + "/stat");
    const size_t paren = stat.rfind(')');
    if (paren == std::string::npos) return 0;
    std::istringstream in(stat.substr(paren + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    // Fields from 3 (state) on; utime and stime are fields 14 and 15.
    for (int i = 3; i <= 15 && (in >> field); ++i) {
      if (i == 14) utime = std::strtoull(field.c_str(), nullptr, 10);
      if (i == 15) stime = std::strtoull(field.c_str(), nullptr, 10);
    }
    return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  }

  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    int status = 0;
    while (true) {
      const pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_ || (r < 0 && errno != EINTR)) break;
      if (Clock::now() > deadline) {
        progress(name_ + " did not stop in 10 s after SIGTERM: SIGKILL");
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    pid_ = -1;
  }

 private:
  std::string name_;
  std::string dir_;
  pid_t pid_ = -1;
};

// ---------------------------------------------------------------- HTTP --

struct HttpAnswer {
  int status = 0;
  std::string body;
};

// One GET over a fresh connection (Connection: close), read to EOF.
util::Result<HttpAnswer> http_get(uint16_t port, const std::string& path) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return util::Status::io_error("bench_api: socket failed");
  struct timeval tv {
    10, 0
  };
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return util::Status::io_error("bench_api: cannot connect to 127.0.0.1:" + std::to_string(port));
  }
  const std::string request = "GET " + path +
                              " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                              "\r\nConnection: close\r\n\r\n";
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return util::Status::io_error("bench_api: send failed");
  }
  std::string response;
  char buf[65536];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) response.append(buf, static_cast<size_t>(n));
  ::close(fd);
  const size_t head_end = response.find("\r\n\r\n");
  if (response.rfind("HTTP/1.", 0) != 0 || head_end == std::string::npos) {
    return util::Status::io_error("bench_api: not an HTTP response to GET " + path + ": " +
                                  tail(response, 200));
  }
  HttpAnswer answer;
  answer.status = std::atoi(response.c_str() + 9);
  answer.body = response.substr(head_end + 4);
  if (response.substr(0, head_end).find("ransfer-Encoding: chunked") != std::string::npos) {
    std::string body;  // de-chunk
    size_t at = 0;
    while (at < answer.body.size()) {
      const size_t eol = answer.body.find("\r\n", at);
      if (eol == std::string::npos) break;
      const size_t len = std::strtoul(answer.body.c_str() + at, nullptr, 16);
      if (len == 0) break;
      body += answer.body.substr(eol + 2, len);
      at = eol + 2 + len + 2;
    }
    answer.body = body;
  }
  return answer;
}

// The "count" of a JSON answer; -1 when absent.
long json_count(const std::string& body) {
  const size_t at = body.find("\"count\":");
  return at == std::string::npos ? -1 : std::strtol(body.c_str() + at + 8, nullptr, 10);
}

uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// Percent-encodes everything but RFC 3986's unreserved characters.
std::string url_escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char b[4];
      std::snprintf(b, sizeof b, "%%%02X", c);
      out += b;
    }
  }
  return out;
}

// A Lua string literal.
std::string lua_quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      out += "\\" + std::to_string(c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// A wrk script requesting one of `paths` at random per request: the
// requests are formatted once per thread in init(), each thread seeded by
// its number.
util::Status write_text(const std::string& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary);
  out << text;
  out.close();
  if (!out) return util::Status::io_error("bench_api: cannot write " + file);
  return util::Status::ok();
}

util::Status write_lua(const std::string& file, const std::vector<std::string>& paths) {
  std::ofstream out(file);
  out << "-- generated by bench_api: GET a random one of " << paths.size() << " paths\n";
  out << "local paths = {\n";
  for (const auto& p : paths) out << "  " << lua_quote(p) << ",\n";
  out << "}\n"
         "local requests = {}\n"
         "local n = #paths\n"
         "local threads = 0\n"
         "function setup(thread)\n"
         "  threads = threads + 1\n"
         "  thread:set(\"thread_number\", threads)\n"
         "end\n"
         "function init(args)\n"
         "  math.randomseed(7919 * (thread_number or 1))\n"
         "  for i = 1, n do requests[i] = wrk.format(\"GET\", paths[i]) end\n"
         "end\n"
         "function request()\n"
         "  return requests[math.random(n)]\n"
         "end\n";
  out.close();
  if (!out) return util::Status::io_error("bench_api: cannot write " + file);
  return util::Status::ok();
}

// ----------------------------------------------------------------- wrk --

struct WrkResult {
  double rps = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  long requests = 0;
  long non_2xx = 0;
  long socket_errors = 0;
  std::string socket_errors_line;
  double wall = 0;
  double wrk_cores = 0;
  double server_cores = 0;
  double cql_cores = 0;
};

// "1.23ms" -> 1.23; units us, ms, s, m.
double latency_ms(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  const std::string unit = end ? std::string(end) : "";
  if (unit.rfind("us", 0) == 0) return v / 1000;
  if (unit.rfind("ms", 0) == 0) return v;
  if (unit.rfind("s", 0) == 0) return v * 1000;
  if (unit.rfind("m", 0) == 0) return v * 60000;
  return v;
}

util::Status parse_wrk(const std::string& out, WrkResult* r) {
  std::istringstream in(out);
  std::string line;
  bool have_rps = false, have_p50 = false, have_p99 = false;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string first, second;
    words >> first >> second;
    if (first == "Requests/sec:") {
      r->rps = std::atof(second.c_str());
      have_rps = true;
    } else if (first == "50%") {
      r->p50_ms = latency_ms(second);
      have_p50 = true;
    } else if (first == "99%") {
      r->p99_ms = latency_ms(second);
      have_p99 = true;
    } else if (line.find("requests in") != std::string::npos) {
      r->requests = std::atol(first.c_str());
    } else if (line.find("Non-2xx or 3xx responses:") != std::string::npos) {
      r->non_2xx = std::atol(line.c_str() + line.find(':') + 1);
    } else if (first == "Socket" && second == "errors:") {
      r->socket_errors_line = line;
      // "Socket errors: connect 0, read 0, write 0, timeout 0"
      std::string word;
      long total = 0;
      std::istringstream rest(line.substr(line.find(':') + 1));
      while (rest >> word) {
        if (!word.empty() && std::isdigit(static_cast<unsigned char>(word[0]))) {
          total += std::atol(word.c_str());
        }
      }
      r->socket_errors = total;
    }
  }
  if (!have_rps || !have_p50 || !have_p99) {
    return util::Status::internal("bench_api: cannot read wrk's output:\n" + out);
  }
  return util::Status::ok();
}

// One wrk run against `server` (whose CPU time is sampled, with the CQL
// server's), its output in DIR/wrk-<label>.log.
util::Result<WrkResult> run_wrk(const Options& o, const std::string& dir, const std::string& label,
                                const std::string& script, uint16_t port, double seconds,
                                int connections, Server& server, Server& cql_server) {
  const std::string log = dir + "/wrk-" + label + ".log";
  std::filesystem::remove(log);
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.0fs", std::max(1.0, std::round(seconds)));
  const std::vector<std::string> args = {o.wrk,
                                         "-t",
                                         std::to_string(o.threads),
                                         "-c",
                                         std::to_string(connections),
                                         "-d",
                                         duration,
                                         "--latency",
                                         "--timeout",
                                         "10s",
                                         "-s",
                                         script,
                                         "http://127.0.0.1:" + std::to_string(port) + "/"};
  const double server0 = server.cpu_seconds();
  const double cql0 = cql_server.cpu_seconds();
  const auto start = Clock::now();
  const pid_t pid = spawn(args, dir, log);
  if (pid < 0) return util::Status::io_error("bench_api: fork failed");
  const Finished f = wait_child(pid, start);
  const double server1 = server.cpu_seconds();
  const double cql1 = cql_server.cpu_seconds();
  const std::string out = read_text(log);
  if (f.status != 0) {
    return util::Status::io_error("bench_api: wrk failed (exit " + std::to_string(f.status) +
                                  "; is wrk installed? scripts/install-deps):\n" + tail(out));
  }
  WrkResult r;
  MEDALLION_RETURN_IF_ERROR(parse_wrk(out, &r));
  r.wall = f.seconds;
  r.wrk_cores = f.cpu_seconds / f.seconds;
  r.server_cores = (server1 - server0) / f.seconds;
  r.cql_cores = (cql1 - cql0) / f.seconds;
  if (r.non_2xx > 0 || r.socket_errors > 0) {
    return util::Status::io_error(
        "bench_api: " + label + ": " + std::to_string(r.non_2xx) + " non-2xx responses and " +
        std::to_string(r.socket_errors) + " socket errors of " + std::to_string(r.requests) +
        " requests (" + r.socket_errors_line + "); wrk's output in " + log);
  }
  if (r.requests == 0) return util::Status::io_error("bench_api: " + label + ": no request done");
  return r;
}

// ---------------------------------------------------------- known keys --

struct Keys {
  std::vector<std::string> players;
  std::vector<std::string> countries;
  size_t started_partitions = 0;  // (country, hour) partitions in the window
};

util::Result<Keys> read_keys(uint16_t cql_port, int64_t now_ms) {
  cql::ClusterConfig config;
  config.hosts = {cql::Endpoint{"127.0.0.1", cql_port}};
  config.port = cql_port;
  config.discover_peers = false;
  config.connections_per_host = 1;
  config.request_timeout = std::chrono::seconds(60);
  config.startup_deadline = std::chrono::seconds(20);
  MEDALLION_ASSIGN_OR_RETURN(std::shared_ptr<cql::Session> session, cql::Session::connect(config));
  Keys keys;
  {
    MEDALLION_ASSIGN_OR_RETURN(
        auto rows,
        session->iterate(cql::CqlStatement::simple(
            "SELECT DISTINCT player_id FROM session_events.completed_sessions_by_player")));
    while (true) {
      MEDALLION_ASSIGN_OR_RETURN(bool more, rows.next());
      if (!more) break;
      MEDALLION_ASSIGN_OR_RETURN(cql::CqlValue v, rows.value(0));
      if (const auto* s = std::get_if<std::string>(&v.v)) keys.players.push_back(*s);
    }
  }
  {
    // Partitions whose hour lies wholly inside [now - 24 h, now): each has
    // at least one row in the window.
    const int64_t lo = now_ms - int64_t{kStartedHours} * kMillisPerHour;
    std::set<std::string> countries;
    MEDALLION_ASSIGN_OR_RETURN(
        auto rows,
        session->iterate(cql::CqlStatement::simple(
            "SELECT DISTINCT country, hour FROM session_events.started_sessions_by_country_hour")));
    while (true) {
      MEDALLION_ASSIGN_OR_RETURN(bool more, rows.next());
      if (!more) break;
      MEDALLION_ASSIGN_OR_RETURN(cql::CqlValue country, rows.value(0));
      MEDALLION_ASSIGN_OR_RETURN(cql::CqlValue hour, rows.value(1));
      const auto* c = std::get_if<std::string>(&country.v);
      const auto* h = std::get_if<cql::Timestamp>(&hour.v);
      if (c == nullptr || h == nullptr) continue;
      if (h->millis >= lo && h->millis + kMillisPerHour <= now_ms) {
        countries.insert(*c);
        ++keys.started_partitions;
      }
    }
    keys.countries.assign(countries.begin(), countries.end());
  }
  session->close();
  if (keys.players.empty()) {
    return util::Status::internal("bench_api: completed_sessions_by_player has no player");
  }
  if (keys.countries.empty()) {
    return util::Status::internal(
        "bench_api: started_sessions_by_country_hour has no partition in the 24 hours before "
        "--now");
  }
  return keys;
}

// ------------------------------------------------------------- a server --

struct Target {
  std::string name;                 // completed | started
  std::string script;               // the wrk script
  std::vector<std::string> sample;  // paths checked before the run
};

struct Measured {
  WrkResult completed;
  WrkResult started;
  std::vector<std::string> completed_bodies;
  std::vector<std::string> started_bodies;
  double mean_started_count = 0;
};

// Checks the sample paths (200, count >= 1), warms up, runs wrk on both
// endpoints.
util::Result<Measured> measure(const Options& o, const std::string& dir, const std::string& who,
                               uint16_t port, const Target& completed, const Target& started,
                               double seconds, int connections, Server& server,
                               Server& cql_server) {
  Measured m;
  for (const Target* e : {&completed, &started}) {
    long counted = 0;
    for (const auto& path : e->sample) {
      MEDALLION_ASSIGN_OR_RETURN(HttpAnswer a, http_get(port, path));
      const long count = json_count(a.body);
      if (a.status != 200 || count < 1) {
        return util::Status::internal("bench_api: " + who + ": GET " + path + " answered " +
                                      std::to_string(a.status) + " with count " +
                                      std::to_string(count) + ": " + tail(a.body, 300));
      }
      counted += count;
      (e == &completed ? m.completed_bodies : m.started_bodies).push_back(a.body);
    }
    if (e == &started) {
      m.mean_started_count = static_cast<double>(counted) / static_cast<double>(e->sample.size());
    }
  }
  for (const Target* e : {&completed, &started}) {
    if (o.warmup > 0) {
      progress(who + " " + e->name + ": warm-up " + std::to_string(static_cast<int>(o.warmup)) +
               " s");
      MEDALLION_ASSIGN_OR_RETURN(
          WrkResult w, run_wrk(o, dir, who + "-" + e->name + "-warmup", e->script, port, o.warmup,
                               connections, server, cql_server));
      (void)w;
    }
    progress(who + " " + e->name + ": wrk -t " + std::to_string(o.threads) + " -c " +
             std::to_string(connections) + " -d " + std::to_string(static_cast<int>(seconds)) +
             "s");
    MEDALLION_ASSIGN_OR_RETURN(WrkResult r, run_wrk(o, dir, who + "-" + e->name, e->script, port,
                                                    seconds, connections, server, cql_server));
    char b[256];
    std::snprintf(b, sizeof b,
                  "%s %s: %.0f requests/s, p50 %.2f ms, p99 %.2f ms (%ld requests); cores: "
                  "server %.2f, cql-server %.2f, wrk %.2f",
                  who.c_str(), e->name.c_str(), r.rps, r.p50_ms, r.p99_ms, r.requests,
                  r.server_cores, r.cql_cores, r.wrk_cores);
    progress(b);
    (e == &completed ? m.completed : m.started) = r;
  }
  return m;
}

int fail(const util::Status& st) {
  const std::string& what = st.message();
  std::fprintf(stderr, "%s%s\n",
               what.rfind("bench_api: ", 0) == 0 ? "" : "bench_api: ", what.c_str());
  return 1;
}

util::Status run_bench(const Options& o, const std::string& dir) {
  const std::optional<int64_t> now_us = util::parse_iso8601(o.now);
  if (!now_us) return util::Status::invalid_argument("bench_api: --now: not ISO-8601: " + o.now);
  const int64_t now_ms = *now_us / 1000;

  // 1-2. The data, loaded by the pipeline.
  std::string source = o.source;
  if (source.empty()) {
    source = dir + "/source.jsonl.bz2";
    progress("medallion gen --events " + std::to_string(o.events));
    MEDALLION_ASSIGN_OR_RETURN(
        Finished g,
        run("gen", {o.bin, "gen", "--quiet", "--events", std::to_string(o.events), "--out", source},
            dir));
    progress("gen: " + std::to_string(g.seconds).substr(0, 5) + " s");
  } else {
    source = std::filesystem::absolute(source).string();
  }
  progress("medallion up --no-serve on " + source);
  MEDALLION_ASSIGN_OR_RETURN(
      Finished up, run("up",
                       {o.bin, "up", "--source", source, "--lake", dir + "/lake", "--cql-data",
                        dir + "/cql", "--cql-port", "0", "--no-serve", "--quiet"},
                       dir));
  progress("up: " + std::to_string(up.seconds).substr(0, 5) + " s");

  // 3. The CQL node on that store: inside `medallion serve` (the default, as
  // `medallion serve` runs without --cql: the API reads it in-process and
  // the baseline over CQL on its port), or with --cql-over-network a
  // separate `medallion cql-server` that serve reads through the CQL client.
  // Authentication off for both (the children's working directory holds
  // this medallion.toml).
  MEDALLION_RETURN_IF_ERROR(write_text(dir + "/medallion.toml", "[auth]\nenabled = false\n"));
  Server cql_server(o.cql_over_network ? "cql-server" : "serve", dir);
  uint16_t cql_port = 0;
  uint16_t serve_port = 0;
  if (o.cql_over_network) {
    MEDALLION_RETURN_IF_ERROR(
        cql_server.start({o.bin, "cql-server", "--data", dir + "/cql", "--host", "127.0.0.1",
                          "--port", "0", "--no-auth"}));
    MEDALLION_ASSIGN_OR_RETURN(std::string cql_addr,
                               cql_server.wait_for_line("cql-server: listening on ", 60));
    cql_port = static_cast<uint16_t>(std::atoi(cql_addr.c_str() + cql_addr.rfind(':') + 1));
    progress("cql-server on 127.0.0.1:" + std::to_string(cql_port));
  } else {
    MEDALLION_RETURN_IF_ERROR(
        cql_server.start({o.bin, "serve", "--cql-data", dir + "/cql", "--cql-port", "0", "--lake",
                          dir + "/lake", "--host", "127.0.0.1", "--port", "0", "--now", o.now}));
    MEDALLION_ASSIGN_OR_RETURN(std::string cql_addr,
                               cql_server.wait_for_line("serve: embedded CQL server on ", 60));
    cql_port = static_cast<uint16_t>(std::atoi(cql_addr.c_str() + cql_addr.rfind(':') + 1));
    MEDALLION_ASSIGN_OR_RETURN(std::string url,
                               cql_server.wait_for_line("serve: the REST API on http://", 60));
    serve_port = static_cast<uint16_t>(std::atoi(url.c_str() + url.find(':') + 1));
    progress("medallion serve on 127.0.0.1:" + std::to_string(serve_port) +
             ", its embedded CQL node on 127.0.0.1:" + std::to_string(cql_port));
  }

  // 4. The known keys and the wrk scripts.
  MEDALLION_ASSIGN_OR_RETURN(Keys keys, read_keys(cql_port, now_ms));
  progress(std::to_string(keys.players.size()) + " players; " +
           std::to_string(keys.countries.size()) + " countries with sessions in the " +
           std::to_string(kStartedHours) + " hours before " + o.now + " (" +
           std::to_string(keys.started_partitions) + " hour partitions)");
  Target completed{"completed", dir + "/completed.lua", {}};
  Target started{"started", dir + "/started.lua", {}};
  {
    std::vector<std::string> paths;
    for (const auto& p : keys.players)
      paths.push_back("/models/completed-sessions/" + url_escape(p));
    MEDALLION_RETURN_IF_ERROR(write_lua(completed.script, paths));
    std::mt19937_64 rng(2016);
    for (int i = 0; i < 8; ++i) completed.sample.push_back(paths[rng() % paths.size()]);
    paths.clear();
    for (const auto& c : keys.countries) {
      paths.push_back("/models/started_sessions/" + url_escape(c) + "/" +
                      std::to_string(kStartedHours));
    }
    MEDALLION_RETURN_IF_ERROR(write_lua(started.script, paths));
    for (int i = 0; i < 8; ++i) started.sample.push_back(paths[rng() % paths.size()]);
  }

  // 5. medallion serve.
  Measured ours;
  if (o.cql_over_network) {
    Server serve("serve", dir);
    MEDALLION_RETURN_IF_ERROR(
        serve.start({o.bin, "serve", "--cql", "127.0.0.1:" + std::to_string(cql_port), "--lake",
                     dir + "/lake", "--host", "127.0.0.1", "--port", "0", "--now", o.now}));
    MEDALLION_ASSIGN_OR_RETURN(std::string url,
                               serve.wait_for_line("serve: the REST API on http://", 60));
    const uint16_t port = static_cast<uint16_t>(std::atoi(url.c_str() + url.find(':') + 1));
    progress("medallion serve on 127.0.0.1:" + std::to_string(port));
    MEDALLION_ASSIGN_OR_RETURN(ours, measure(o, dir, "medallion", port, completed, started,
                                             o.duration, o.connections, serve, cql_server));
    MEDALLION_RETURN_IF_ERROR(serve.check_running());
  } else {
    MEDALLION_ASSIGN_OR_RETURN(ours, measure(o, dir, "medallion", serve_port, completed, started,
                                             o.duration, o.connections, cql_server, cql_server));
    MEDALLION_RETURN_IF_ERROR(cql_server.check_running());
  }

  // 6. The baseline.
  std::optional<Measured> base;
  size_t same_bodies = 0, compared = 0;
  const int base_connections = o.baseline_connections > 0 ? o.baseline_connections : o.connections;
  if (!o.skip_baseline) {
    Server py("baseline", dir);
    const uint16_t port = free_port();
    MEDALLION_RETURN_IF_ERROR(
        py.start({"/usr/bin/python3", o.python, "--cql-host", "127.0.0.1", "--cql-port",
                  std::to_string(cql_port), "--port", std::to_string(port), "--now", o.now}));
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (true) {
      auto health = http_get(port, "/health");
      if (health.is_ok() && health->status == 200) break;
      MEDALLION_RETURN_IF_ERROR(py.check_running());
      if (Clock::now() > deadline) {
        return util::Status::io_error("bench_api: the baseline did not answer /health in 60 s; " +
                                      py.log() + ":\n" + tail(read_text(py.log())));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    progress("baseline (FastAPI + uvicorn) on 127.0.0.1:" + std::to_string(port));
    MEDALLION_ASSIGN_OR_RETURN(
        Measured m, measure(o, dir, "baseline", port, completed, started, o.baseline_duration,
                            base_connections, py, cql_server));
    MEDALLION_RETURN_IF_ERROR(py.check_running());
    for (size_t i = 0; i < m.completed_bodies.size(); ++i, ++compared) {
      same_bodies += m.completed_bodies[i] == ours.completed_bodies[i];
    }
    for (size_t i = 0; i < m.started_bodies.size(); ++i, ++compared) {
      same_bodies += m.started_bodies[i] == ours.started_bodies[i];
    }
    base = std::move(m);
  }
  cql_server.stop();

  // 7. The lines.
  auto line = [&](const char* name, const WrkResult& r, const WrkResult* b, const char* goal,
                  const std::string& what) {
    char ratio[64] = "n/a";
    char base_rps[64] = "skipped";
    if (b != nullptr) {
      std::snprintf(ratio, sizeof ratio, "%.1fx", b->rps > 0 ? r.rps / b->rps : 0.0);
      std::snprintf(base_rps, sizeof base_rps, "%.0f", b->rps);
    }
    char details[512];
    if (b != nullptr) {
      std::snprintf(details, sizeof details,
                    "baseline p50=%.1fms p99=%.1fms at %d connections for %.0fs; cores during "
                    "the run: serve %.2f, cql-server %.2f, wrk %.2f; baseline: uvicorn %.2f, "
                    "cql-server %.2f, wrk %.2f",
                    b->p50_ms, b->p99_ms, base_connections, o.baseline_duration, r.server_cores,
                    r.cql_cores, r.wrk_cores, b->server_cores, b->cql_cores, b->wrk_cores);
    } else {
      std::snprintf(details, sizeof details,
                    "cores during the run: serve %.2f, cql-server %.2f, wrk %.2f", r.server_cores,
                    r.cql_cores, r.wrk_cores);
    }
    std::printf(
        "bench %s: rps=%.0f p50=%.2fms p99=%.2fms baseline_rps=%s ratio=%s %s (%s; wrk -t %d "
        "-c %d -d %.0fs; %s)\n",
        name, r.rps, r.p50_ms, r.p99_ms, base_rps, ratio, goal, what.c_str(), o.threads,
        o.connections, o.duration, details);
    std::fflush(stdout);
  };
  char goal[128];
  std::snprintf(goal, sizeof goal, "goal>=%.0f/s p99<=%.0fms ratio>=%.0fx", kGoalRps, kGoalP99Ms,
                kGoalRatio);
  char what[256];
  const std::string data = o.source.empty() ? std::to_string(o.events) + " generated events"
                                            : std::filesystem::path(o.source).filename().string();
  std::snprintf(what, sizeof what, "%zu random known players; %s%s", keys.players.size(),
                data.c_str(),
                base ? (", bodies identical to the baseline's on " + std::to_string(same_bodies) +
                        "/" + std::to_string(compared) + " checked requests")
                           .c_str()
                     : "");
  line("api_completed", ours.completed, base ? &base->completed : nullptr, goal, what);
  std::snprintf(goal, sizeof goal, "goal ratio>=%.0fx", kGoalRatio);
  std::snprintf(what, sizeof what, "hours=%d, %zu random countries, %.0f items per answer",
                kStartedHours, keys.countries.size(), ours.mean_started_count);
  line("api_started", ours.started, base ? &base->started : nullptr, goal, what);
  return util::Status::ok();
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : ""; };
    const std::string a = argv[i];
    if (a == "--bin") {
      o.bin = next();
    } else if (a == "--events") {
      o.events = std::atoll(next());
    } else if (a == "--source") {
      o.source = next();
    } else if (a == "--duration") {
      o.duration = std::atof(next());
    } else if (a == "--warmup") {
      o.warmup = std::atof(next());
    } else if (a == "--connections") {
      o.connections = std::atoi(next());
    } else if (a == "--threads") {
      o.threads = std::atoi(next());
    } else if (a == "--baseline-duration") {
      o.baseline_duration = std::atof(next());
    } else if (a == "--baseline-connections") {
      o.baseline_connections = std::atoi(next());
    } else if (a == "--skip-baseline") {
      o.skip_baseline = true;
    } else if (a == "--python") {
      o.python = next();
    } else if (a == "--wrk") {
      o.wrk = next();
    } else if (a == "--now") {
      o.now = next();
    } else if (a == "--dir") {
      o.dir = next();
    } else if (a == "--keep") {
      o.keep = true;
    } else if (a == "--cql-over-network") {
      o.cql_over_network = true;
    } else {
      std::fprintf(stderr,
                   "usage: bench_api [--bin MEDALLION] [--events N] [--source FILE] "
                   "[--duration S] [--warmup S] [--connections C] [--threads T] "
                   "[--baseline-duration S] [--baseline-connections C] [--skip-baseline] "
                   "[--python FILE] [--wrk WRK] [--now T] [--dir DIR] [--keep] "
                   "[--cql-over-network]\n");
      return 2;
    }
  }
  if (o.events < 1000 || o.duration < 1 || o.baseline_duration < 1 || o.warmup < 0 ||
      o.connections < 1 || o.threads < 1 || o.threads > o.connections) {
    std::fprintf(stderr,
                 "bench_api: --events >= 1000, --duration and --baseline-duration >= 1, "
                 "--warmup >= 0, 1 <= --threads <= --connections please\n");
    return 2;
  }
  ::signal(SIGPIPE, SIG_IGN);
  const bool own_dir = o.dir.empty();
  if (own_dir) {
    char tmpl[] = "/tmp/bench-api-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) {
      std::fprintf(stderr, "bench_api: cannot create a temporary directory\n");
      return 1;
    }
    o.dir = tmpl;
  }
  std::error_code ec;
  std::filesystem::create_directories(o.dir, ec);
  o.dir = std::filesystem::absolute(o.dir).string();
  progress("working in " + o.dir);
  const util::Status st = run_bench(o, o.dir);
  const int rc = st.is_ok() ? 0 : fail(st);
  if (own_dir && !o.keep && st.is_ok()) {
    std::filesystem::remove_all(o.dir, ec);
  } else {
    progress("kept " + o.dir);
  }
  return rc;
}
