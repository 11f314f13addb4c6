// A small blocking CQL client for the server tests: a TCP socket to
// 127.0.0.1, requests serialized with the protocol codec (serialize_request /
// serialize_frame) and responses reassembled by a FrameDecoder with
// decode_responses = true. Every wait is bounded (timeout_ms).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cql/protocol/frame.h"
#include "cql/protocol/messages.h"
#include "cql/protocol/wire.h"

namespace medallion::cql::testing {

class TestClient {
 public:
  // nullptr when the connection fails.
  static std::unique_ptr<TestClient> connect(uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return nullptr;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd);
      return nullptr;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return std::unique_ptr<TestClient>(new TestClient(fd));
  }
  ~TestClient() { close(); }
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  bool send_raw(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // The frame bytes of a request (compressed with `compression` unless none).
  static std::string frame(int16_t stream, const RequestMessage& message,
                           Compression compression = Compression::kNone,
                           uint8_t version = kProtocolV4) {
    Request request;
    request.message = message;
    auto body = serialize_request(request);
    FrameHeader header;
    header.version = version;
    header.stream = stream;
    header.opcode = request_opcode(message);
    auto bytes = serialize_frame(header, body.is_ok() ? *body : std::string(), compression);
    return bytes.is_ok() ? *bytes : std::string();
  }

  bool send(int16_t stream, const RequestMessage& message) {
    return send_raw(frame(stream, message, compression_));
  }

  // The next response frame; nullopt on timeout, EOF or a decode error.
  std::optional<Frame> read_frame(int timeout_ms = 5000) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      auto next = decoder_.next();
      if (!next.is_ok()) return std::nullopt;
      if (next->has_value()) return std::move(**next);
      if (!fill(deadline)) return std::nullopt;
    }
  }

  // True when the server closes the connection (EOF) within timeout_ms;
  // frames still arriving first are discarded.
  bool wait_closed(int timeout_ms = 5000) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      const int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                            deadline - std::chrono::steady_clock::now())
                                            .count());
      if (left <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, left) <= 0) return false;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n == 0) return true;
      if (n < 0 && errno != EINTR && errno != EAGAIN) return true;  // reset
    }
  }

  // Sends and waits for the answer on the same stream.
  std::optional<Frame> request(int16_t stream, const RequestMessage& message) {
    if (!send(stream, message)) return std::nullopt;
    return read_frame();
  }

  // STARTUP (with COMPRESSION when given), then (when asked) AUTH_RESPONSE;
  // true when the connection ends up READY / AUTH_SUCCESS.
  bool startup(Compression compression = Compression::kNone,
               std::optional<std::pair<std::string, std::string>> credentials = std::nullopt) {
    StartupRequest startup;
    startup.options["CQL_VERSION"] = "3.0.0";
    if (compression != Compression::kNone) {
      startup.options["COMPRESSION"] = std::string(compression_name(compression));
    }
    if (!send_raw(frame(0, startup))) return false;
    compression_ = compression;
    decoder_.set_compression(compression);
    auto reply = read_frame();
    if (!reply) return false;
    if (reply->header.opcode == Opcode::kReady) return !credentials;
    if (reply->header.opcode != Opcode::kAuthenticate || !credentials) return false;
    AuthResponseRequest auth;
    auth.token =
        std::string(1, '\0') + credentials->first + std::string(1, '\0') + credentials->second;
    auto done = request(1, auth);
    return done && done->header.opcode == Opcode::kAuthSuccess;
  }

  void set_compression(Compression compression) {
    compression_ = compression;
    decoder_.set_compression(compression);
  }

  int fd() const { return fd_; }

 private:
  explicit TestClient(int fd) : fd_(fd), decoder_(options()) {}
  static FrameDecoderOptions options() {
    FrameDecoderOptions o;
    o.decode_responses = true;
    return o;
  }

  bool fill(std::chrono::steady_clock::time_point deadline) {
    const int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          deadline - std::chrono::steady_clock::now())
                                          .count());
    if (left <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, left) <= 0) return false;
    char buf[65536];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    decoder_.feed(std::string_view(buf, static_cast<size_t>(n)));
    return true;
  }

  int fd_ = -1;
  FrameDecoder decoder_;
  Compression compression_ = Compression::kNone;
};

// An ERROR body's code and message.
struct ErrorInfo {
  int32_t code = -1;
  std::string message;
};
inline ErrorInfo parse_error(const Frame& frame) {
  ErrorInfo info;
  if (frame.header.opcode != Opcode::kError) return info;
  WireReader reader(frame.body, "ERROR body");
  auto code = reader.read_int("code");
  auto message = reader.read_string("message");
  if (code.is_ok()) info.code = *code;
  if (message.is_ok()) info.message = std::string(*message);
  return info;
}

// A RESULT body's kind (-1 when not a RESULT).
inline int32_t result_kind(const Frame& frame) {
  if (frame.header.opcode != Opcode::kResult) return -1;
  WireReader reader(frame.body, "RESULT body");
  auto kind = reader.read_int("kind");
  return kind.is_ok() ? *kind : -1;
}

}  // namespace medallion::cql::testing
