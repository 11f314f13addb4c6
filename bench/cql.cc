// bench/cql: request throughput and latency of `medallion cql-server` over
// the native protocol, against the protocol floor measured in the same run.
//
//   bench_cql [--bin MEDALLION] [--duration SECONDS] [--connections N]
//             [--depth N] [--dir DIR] [--keep] [--commit-policy group|periodic|always]
//
// Starts `MEDALLION cql-server --no-auth --host 127.0.0.1 --port 0 --data
// DIR/data --commit-policy P` (default group) as a child process (default binary: the build tree's
// src/cli/medallion) and reads the port from its first stdout line. The load
// generator runs in this process on one Boost.Asio thread with the project's
// own codec (src/cql/protocol: serialize_request, serialize_frame,
// FrameDecoder with decode_responses): --connections connections (default
// 32), each STARTUP -> READY, PREPAREs an INSERT and a single-partition
// SELECT of `bench.kv (k bigint PRIMARY KEY, v text)` (created once), then
// keeps --depth requests in flight (default 16, one per stream id). Three
// phases of --duration seconds each (default 5):
//   1. OPTIONS round trips: the protocol floor (framing, the event loop, the
//      socket), the baseline of both figures;
//   2. EXECUTE of the prepared INSERT of one row, every key distinct;
//   3. EXECUTE of the prepared SELECT of a key inserted in 2 (skip_metadata;
//      each answer must hold exactly one row).
// A latency is from the request's encoding to its response's decoding.
// Every response is checked (RESULT of the expected kind); an ERROR or a
// wrong answer counts as an error, and any error exits 1 after printing.
// Result lines (stdout):
//   bench cql_insert: rate=<n>/s p50=<us>us p99=<us>us baseline=options <n>/s ratio=<x>
//   goal>=50000/s bench cql_select: ... (same form)
// ratio = rate / OPTIONS rate. Progress and the server's address go to
// stderr; the server's stderr goes to DIR/server.log. The child gets SIGTERM
// at the end (SIGKILL after 10 s).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cql/protocol/frame.h"
#include "cql/protocol/messages.h"
#include "cql/protocol/wire.h"
#include "util/status.h"

namespace {

namespace cql = medallion::cql;
namespace util = medallion::util;
namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr double kGoalPerSecond = 50000;

#ifndef MEDALLION_BINARY_DIR
#define MEDALLION_BINARY_DIR "."
#endif

int fail(const std::string& what) {
  const bool prefixed = what.rfind("bench_cql: ", 0) == 0;
  std::fprintf(stderr, "%s%s\n", prefixed ? "" : "bench_cql: ", what.c_str());
  return 1;
}

// ------------------------------------------------------------ the child --

class ServerProcess {
 public:
  ~ServerProcess() { stop(); }

  util::Status start(const std::string& bin, const std::string& dir,
                     const std::string& commit_policy) {
    int fds[2];
    if (pipe(fds) != 0) return util::Status::io_error("bench_cql: pipe failed");
    const std::string data = dir + "/data";
    const std::string log = dir + "/server.log";
    pid_ = fork();
    if (pid_ < 0) return util::Status::io_error("bench_cql: fork failed");
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      close(fds[1]);
      int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (log_fd >= 0) dup2(log_fd, STDERR_FILENO);
      std::vector<const char*> argv = {bin.c_str(),
                                       "cql-server",
                                       "--no-auth",
                                       "--host",
                                       "127.0.0.1",
                                       "--port",
                                       "0",
                                       "--data",
                                       data.c_str(),
                                       "--commit-policy",
                                       commit_policy.c_str(),
                                       nullptr};
      execv(bin.c_str(), const_cast<char* const*>(argv.data()));
      std::fprintf(stderr, "bench_cql: cannot run %s: %s\n", bin.c_str(), std::strerror(errno));
      _exit(127);
    }
    close(fds[1]);
    out_fd_ = fds[0];
    // The first line: "cql-server: listening on 127.0.0.1:PORT".
    std::string line;
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (line.find('\n') == std::string::npos) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return util::Status::io_error("bench_cql: the server printed no line in 60 s");
      pollfd p{out_fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left)) <= 0) continue;
      char buf[512];
      ssize_t n = read(out_fd_, buf, sizeof buf);
      if (n <= 0) {
        std::string tail;
        if (FILE* f = std::fopen(log.c_str(), "rb")) {
          char b[1024];
          size_t got = std::fread(b, 1, sizeof b, f);
          tail.assign(b, got);
          std::fclose(f);
        }
        return util::Status::io_error("bench_cql: " + bin +
                                      " cql-server exited before listening: " + tail);
      }
      line.append(buf, static_cast<size_t>(n));
    }
    line.resize(line.find('\n'));
    const std::string marker = "listening on ";
    size_t at = line.find(marker);
    size_t colon = line.rfind(':');
    if (at == std::string::npos || colon == std::string::npos || colon < at) {
      return util::Status::io_error("bench_cql: unexpected first line from the server: " + line);
    }
    port_ = std::atoi(line.c_str() + colon + 1);
    // Keep reading stdout so the server never blocks on a full pipe.
    drain_ = std::thread([fd = out_fd_] {
      char buf[4096];
      while (read(fd, buf, sizeof buf) > 0) {
      }
    });
    return util::Status::ok();
  }

  int port() const { return port_; }

  // SIGTERM, then SIGKILL after 10 s. Returns the exit status (-1 if killed).
  int stop() {
    if (pid_ <= 0) return 0;
    kill(pid_, SIGTERM);
    int status = 0;
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    int code = -1;
    while (true) {
      pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        break;
      }
      if (Clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    pid_ = -1;
    if (drain_.joinable()) drain_.join();
    if (out_fd_ >= 0) close(out_fd_);
    out_fd_ = -1;
    return code;
  }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int port_ = 0;
  std::thread drain_;
};

// ------------------------------------------------------- wire helpers --

std::string be64(int64_t v) {
  std::string s(8, '\0');
  for (int i = 7; i >= 0; --i) {
    s[static_cast<size_t>(i)] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return s;
}

util::Result<std::string> request_frame(const cql::RequestMessage& message, int16_t stream) {
  cql::Request request{std::nullopt, message};
  auto body = cql::serialize_request(request);
  if (!body.is_ok()) return body.status();
  cql::FrameHeader header;
  header.stream = stream;
  header.opcode = cql::request_opcode(message);
  return cql::serialize_frame(header, *body);
}

// "ERROR 0x2200: <message>" for an ERROR frame.
std::string describe_error(const cql::Frame& frame) {
  cql::WireReader r(frame.body, "ERROR body");
  auto code = r.read_int("code");
  auto message = r.read_string("message");
  char hex[32];
  std::snprintf(hex, sizeof hex, "0x%04x", code.is_ok() ? *code : -1);
  return std::string("ERROR ") + hex + ": " +
         (message.is_ok() ? std::string(*message) : std::string("(unreadable)"));
}

// A blocking round trip on a fresh connection (setup only).
util::Result<cql::Frame> roundtrip(tcp::socket& socket, cql::FrameDecoder& decoder,
                                   const cql::RequestMessage& message) {
  auto frame = request_frame(message, 0);
  if (!frame.is_ok()) return frame.status();
  boost::system::error_code ec;
  asio::write(socket, asio::buffer(*frame), ec);
  if (ec) return util::Status::io_error("bench_cql: write failed: " + ec.message());
  char buf[65536];
  while (true) {
    auto next = decoder.next();
    if (!next.is_ok()) return next.status();
    if (next->has_value()) return std::move(**next);
    size_t n = socket.read_some(asio::buffer(buf), ec);
    if (ec) return util::Status::io_error("bench_cql: read failed: " + ec.message());
    decoder.feed(std::string_view(buf, n));
  }
}

util::Result<cql::Frame> expect_result(tcp::socket& socket, cql::FrameDecoder& decoder,
                                       const cql::RequestMessage& message, const char* what) {
  auto frame = roundtrip(socket, decoder, message);
  if (!frame.is_ok()) return frame.status();
  if (frame->header.opcode != cql::Opcode::kResult && frame->header.opcode != cql::Opcode::kReady) {
    return util::Status::internal(std::string("bench_cql: ") + what + ": " +
                                  (frame->header.opcode == cql::Opcode::kError
                                       ? describe_error(*frame)
                                       : std::string(cql::opcode_name(frame->header.opcode))));
  }
  return frame;
}

util::Result<std::string> prepared_id(const cql::Frame& frame) {
  cql::WireReader r(frame.body, "PREPARED result");
  auto kind = r.read_int("kind");
  if (!kind.is_ok()) return kind.status();
  if (*kind != static_cast<int32_t>(cql::ResultKind::kPrepared)) {
    return util::Status::internal("bench_cql: PREPARE answered with RESULT kind " +
                                  std::to_string(*kind));
  }
  auto id = r.read_short_bytes("id");
  if (!id.is_ok()) return id.status();
  return std::string(*id);
}

// rows_count of a Rows result (skipping metadata, which may or may not honour
// skip_metadata); -1 when the body is not a Rows result.
int64_t rows_count(std::string_view body) {
  cql::WireReader r(body, "RESULT body");
  auto kind = r.read_int("kind");
  if (!kind.is_ok() || *kind != static_cast<int32_t>(cql::ResultKind::kRows)) return -1;
  auto flags = r.read_int("flags");
  auto columns = r.read_int("columns");
  if (!flags.is_ok() || !columns.is_ok()) return -1;
  if (*flags & cql::kRowsHasMorePages) {
    if (!r.read_bytes("paging state").is_ok()) return -1;
  }
  if (!(*flags & cql::kRowsNoMetadata)) {
    const bool global = *flags & cql::kRowsGlobalTablesSpec;
    if (global && (!r.read_string("ks").is_ok() || !r.read_string("table").is_ok())) return -1;
    for (int32_t i = 0; i < *columns; ++i) {
      if (!global && (!r.read_string("ks").is_ok() || !r.read_string("table").is_ok())) return -1;
      if (!r.read_string("name").is_ok()) return -1;
      // Only simple types are selected here (v text).
      auto type = r.read_short("type");
      if (!type.is_ok() || *type == 0 || *type >= 0x20) return -1;
    }
  }
  auto count = r.read_int("rows_count");
  return count.is_ok() ? *count : -1;
}

// ---------------------------------------------------------- the load --

enum class PhaseKind { kOptions, kInsert, kSelect };

struct Shared {
  PhaseKind phase = PhaseKind::kOptions;
  Clock::time_point deadline;
  int depth = 16;
  std::string insert_id;
  std::string select_id;
  int64_t next_key = 0;
  int64_t inserted = 0;  // keys 0 .. inserted-1 exist (for SELECT)
  std::mt19937_64 rng{6};
  std::string value = std::string(48, 'v');
  std::vector<uint32_t> latencies_us;
  int64_t completed = 0;
  int64_t errors = 0;
  std::string first_error;
  int open_connections = 0;

  void error(const std::string& what) {
    if (errors++ == 0) first_error = what;
  }
};

class Connection {
 public:
  Connection(asio::io_context& io, Shared* shared)
      : socket_(io),
        shared_(shared),
        decoder_(cql::FrameDecoderOptions{.decode_responses = true}) {}

  tcp::socket& socket() { return socket_; }
  cql::FrameDecoder& decoder() { return decoder_; }

  void start_phase() {
    sent_.assign(static_cast<size_t>(shared_->depth), Clock::time_point{});
    for (int slot = 0; slot < shared_->depth; ++slot) send(slot);
    flush();
    if (!reading_) read();
  }

 private:
  void send(int slot) {
    cql::RequestMessage message;
    switch (shared_->phase) {
      case PhaseKind::kOptions:
        message = cql::OptionsRequest{};
        break;
      case PhaseKind::kInsert: {
        cql::ExecuteRequest e;
        e.id = shared_->insert_id;
        e.parameters.values = {cql::Value::of(be64(shared_->next_key++)),
                               cql::Value::of(shared_->value)};
        e.parameters.skip_metadata = true;
        message = std::move(e);
        break;
      }
      case PhaseKind::kSelect: {
        cql::ExecuteRequest e;
        e.id = shared_->select_id;
        const auto key = static_cast<int64_t>(
            shared_->rng() % static_cast<uint64_t>(std::max<int64_t>(1, shared_->inserted)));
        e.parameters.values = {cql::Value::of(be64(key))};
        e.parameters.skip_metadata = true;
        message = std::move(e);
        break;
      }
    }
    auto frame = request_frame(message, static_cast<int16_t>(slot));
    if (!frame.is_ok()) {
      shared_->error(frame.status().to_string());
      return;
    }
    sent_[static_cast<size_t>(slot)] = Clock::now();
    pending_ += *frame;
    ++in_flight_;
  }

  void flush() {
    if (writing_ || pending_.empty() || closed_) return;
    writing_buf_.swap(pending_);
    pending_.clear();
    writing_ = true;
    asio::async_write(socket_, asio::buffer(writing_buf_),
                      [this](const boost::system::error_code& ec, size_t) {
                        writing_ = false;
                        if (ec) return close("write: " + ec.message());
                        flush();
                      });
  }

  void read() {
    reading_ = true;
    socket_.async_read_some(asio::buffer(buf_),
                            [this](const boost::system::error_code& ec, size_t n) {
                              if (ec) {
                                reading_ = false;
                                return close("read: " + ec.message());
                              }
                              decoder_.feed(std::string_view(buf_, n));
                              while (true) {
                                auto next = decoder_.next();
                                if (!next.is_ok()) {
                                  reading_ = false;
                                  return close(next.status().to_string());
                                }
                                if (!next->has_value()) break;
                                on_frame(**next);
                              }
                              flush();
                              if (in_flight_ > 0 && !closed_) {
                                read();
                              } else {
                                reading_ = false;
                              }
                            });
  }

  void on_frame(const cql::Frame& frame) {
    const int slot = frame.header.stream;
    if (slot < 0 || slot >= shared_->depth) {
      if (slot != -1) shared_->error("response on unexpected stream " + std::to_string(slot));
      return;  // -1: an EVENT, not ours
    }
    --in_flight_;
    const auto now = Clock::now();
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                        now - sent_[static_cast<size_t>(slot)])
                        .count();
    bool ok = false;
    switch (shared_->phase) {
      case PhaseKind::kOptions:
        ok = frame.header.opcode == cql::Opcode::kSupported;
        break;
      case PhaseKind::kInsert:
        ok = frame.header.opcode == cql::Opcode::kResult;
        break;
      case PhaseKind::kSelect:
        ok = frame.header.opcode == cql::Opcode::kResult && rows_count(frame.body) == 1;
        break;
    }
    if (ok) {
      ++shared_->completed;
      shared_->latencies_us.push_back(static_cast<uint32_t>(std::min<int64_t>(us, UINT32_MAX)));
    } else {
      shared_->error(frame.header.opcode == cql::Opcode::kError
                         ? describe_error(frame)
                         : "unexpected answer " +
                               std::string(cql::opcode_name(frame.header.opcode)) +
                               (shared_->phase == PhaseKind::kSelect
                                    ? " with " + std::to_string(rows_count(frame.body)) + " rows"
                                    : std::string()));
    }
    if (now < shared_->deadline && !closed_) send(slot);
  }

  void close(const std::string& why) {
    if (closed_) return;
    closed_ = true;
    shared_->error("connection closed: " + why);
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

  tcp::socket socket_;
  Shared* shared_;
  cql::FrameDecoder decoder_;
  std::vector<Clock::time_point> sent_;
  std::string pending_;
  std::string writing_buf_;
  bool writing_ = false;
  bool reading_ = false;
  bool closed_ = false;
  int in_flight_ = 0;
  char buf_[65536];
};

struct PhaseResult {
  double rate = 0;
  uint32_t p50 = 0;
  uint32_t p99 = 0;
  int64_t completed = 0;
};

PhaseResult run_phase(asio::io_context& io, std::vector<std::unique_ptr<Connection>>& conns,
                      Shared& shared, PhaseKind kind, double seconds) {
  shared.phase = kind;
  shared.latencies_us.clear();
  shared.completed = 0;
  const auto start = Clock::now();
  shared.deadline =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  for (auto& c : conns) c->start_phase();
  io.restart();
  io.run();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  PhaseResult r;
  r.completed = shared.completed;
  r.rate = elapsed > 0 ? static_cast<double>(shared.completed) / elapsed : 0;
  auto& l = shared.latencies_us;
  if (!l.empty()) {
    auto pct = [&](double q) {
      size_t i = std::min(l.size() - 1, static_cast<size_t>(q * static_cast<double>(l.size())));
      std::nth_element(l.begin(), l.begin() + static_cast<std::ptrdiff_t>(i), l.end());
      return l[i];
    };
    r.p50 = pct(0.50);
    r.p99 = pct(0.99);
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::string bin = std::string(MEDALLION_BINARY_DIR) + "/src/cli/medallion";
  double duration = 5;
  int connections = 32;
  int depth = 16;
  std::string dir;
  bool keep = false;
  std::string commit_policy = "group";
  for (int i = 1; i < argc; ++i) {
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : ""; };
    if (!std::strcmp(argv[i], "--bin"))
      bin = next();
    else if (!std::strcmp(argv[i], "--duration"))
      duration = std::atof(next());
    else if (!std::strcmp(argv[i], "--connections"))
      connections = std::atoi(next());
    else if (!std::strcmp(argv[i], "--depth"))
      depth = std::atoi(next());
    else if (!std::strcmp(argv[i], "--dir"))
      dir = next();
    else if (!std::strcmp(argv[i], "--commit-policy"))
      commit_policy = next();
    else if (!std::strcmp(argv[i], "--keep"))
      keep = true;
    else
      return fail(std::string("unknown argument ") + argv[i]);
  }
  if (duration <= 0 || connections < 1 || depth < 1 || depth > 32767) {
    return fail("--duration > 0, --connections >= 1 and 1 <= --depth <= 32767 please");
  }
  bool own_dir = dir.empty();
  if (own_dir) {
    char tmpl[] = "/tmp/bench-cql-XXXXXX";
    if (!mkdtemp(tmpl)) return fail("cannot create a temporary directory");
    dir = tmpl;
  }
  std::filesystem::create_directories(dir);

  signal(SIGPIPE, SIG_IGN);
  ServerProcess server;
  if (auto st = server.start(bin, dir, commit_policy); !st.is_ok()) {
    server.stop();
    std::fprintf(stderr, "%s\n", st.to_string().c_str());
    if (own_dir && !keep) {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
    return 1;
  }
  std::fprintf(stderr, "bench_cql: server on 127.0.0.1:%d (data in %s)\n", server.port(),
               dir.c_str());

  int rc = 0;
  {
    asio::io_context io;
    Shared shared;
    shared.depth = depth;
    std::vector<std::unique_ptr<Connection>> conns;
    const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"),
                                 static_cast<unsigned short>(server.port()));
    auto setup = [&]() -> util::Status {
      for (int i = 0; i < connections; ++i) {
        auto c = std::make_unique<Connection>(io, &shared);
        boost::system::error_code ec;
        c->socket().connect(endpoint, ec);
        if (ec) return util::Status::io_error("bench_cql: connect: " + ec.message());
        c->socket().set_option(tcp::no_delay(true), ec);
        cql::StartupRequest startup;
        startup.options["CQL_VERSION"] = "3.0.0";
        auto ready = roundtrip(c->socket(), c->decoder(), startup);
        if (!ready.is_ok()) return ready.status();
        if (ready->header.opcode != cql::Opcode::kReady) {
          return util::Status::internal(
              "bench_cql: STARTUP answered with " +
              (ready->header.opcode == cql::Opcode::kError
                   ? describe_error(*ready)
                   : std::string(cql::opcode_name(ready->header.opcode))) +
              " (is --no-auth honoured?)");
        }
        if (i == 0) {
          for (const char* q :
               {"CREATE KEYSPACE IF NOT EXISTS bench WITH replication = "
                "{'class': 'SimpleStrategy', 'replication_factor': 1}",
                "CREATE TABLE IF NOT EXISTS bench.kv (k bigint PRIMARY KEY, v text)"}) {
            cql::QueryRequest query;
            query.query = q;
            auto r = expect_result(c->socket(), c->decoder(), query, q);
            if (!r.is_ok()) return r.status();
          }
        }
        // Every connection prepares (ids are the same; this checks it).
        cql::PrepareRequest ins{"INSERT INTO bench.kv (k, v) VALUES (?, ?)"};
        cql::PrepareRequest sel{"SELECT v FROM bench.kv WHERE k = ?"};
        auto ins_r = expect_result(c->socket(), c->decoder(), ins, "PREPARE INSERT");
        if (!ins_r.is_ok()) return ins_r.status();
        auto sel_r = expect_result(c->socket(), c->decoder(), sel, "PREPARE SELECT");
        if (!sel_r.is_ok()) return sel_r.status();
        auto ins_id = prepared_id(*ins_r);
        if (!ins_id.is_ok()) return ins_id.status();
        auto sel_id = prepared_id(*sel_r);
        if (!sel_id.is_ok()) return sel_id.status();
        shared.insert_id = *ins_id;
        shared.select_id = *sel_id;
        conns.push_back(std::move(c));
      }
      return util::Status::ok();
    };
    if (auto st = setup(); !st.is_ok()) {
      rc = fail(st.to_string());
    } else {
      std::fprintf(stderr, "bench_cql: %d connections x %d in flight, %.1fs per phase\n",
                   connections, depth, duration);
      PhaseResult options = run_phase(io, conns, shared, PhaseKind::kOptions, duration);
      std::fprintf(stderr, "bench_cql: OPTIONS %.0f/s p50=%uus p99=%uus\n", options.rate,
                   options.p50, options.p99);
      PhaseResult insert = run_phase(io, conns, shared, PhaseKind::kInsert, duration);
      shared.inserted = shared.next_key;
      PhaseResult select = run_phase(io, conns, shared, PhaseKind::kSelect, duration);
      auto line = [&](const char* name, const PhaseResult& r) {
        std::printf(
            "bench %s: rate=%.0f/s p50=%uus p99=%uus baseline=options %.0f/s ratio=%.2f "
            "goal>=%.0f/s (%d connections x %d in flight, %lld requests in %.1fs)\n",
            name, r.rate, r.p50, r.p99, options.rate, options.rate > 0 ? r.rate / options.rate : 0,
            kGoalPerSecond, connections, depth, static_cast<long long>(r.completed), duration);
      };
      line("cql_insert", insert);
      line("cql_select", select);
      if (shared.errors > 0) {
        rc = fail(std::to_string(shared.errors) +
                  " requests failed; the first: " + shared.first_error);
      }
    }
    for (auto& c : conns) {
      boost::system::error_code ignored;
      c->socket().close(ignored);
    }
  }
  const int code = server.stop();
  if (code != 0) {
    std::fprintf(stderr, "bench_cql: the server exited with %d after SIGTERM (see %s/server.log)\n",
                 code, dir.c_str());
    if (rc == 0) rc = 1;
  }
  if (own_dir && !keep) std::filesystem::remove_all(dir);
  return rc;
}
