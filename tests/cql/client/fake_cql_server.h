// A scripted CQL server for the client tests: listens on 127.0.0.1 port 0 in
// its own thread (POSIX sockets, poll with a 5 ms tick) and, depending on the
// mode, never answers, answers the handshake and holds QUERYs "hold" until
// release_held(), or answers OPTIONS like a v3-only server. Every wait is
// bounded; the destructor stops the thread and closes every socket.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cql/protocol/frame.h"
#include "cql/protocol/messages.h"

namespace medallion::cql::testing {

class FakeCqlServer {
 public:
  enum class Mode {
    kSilent,       // accepts, reads, never writes
    kHoldQueries,  // answers the handshake; QUERY "hold" waits for release_held()
    kV3Only,       // answers OPTIONS with a v3 protocol-version error
  };

  explicit FakeCqlServer(Mode mode) : mode_(mode) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 16) != 0) {
      return;
    }
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~FakeCqlServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    for (auto& c : clients_) ::close(c.fd);
    if (listen_fd_ >= 0) ::close(listen_fd_);
  }

  uint16_t port() const { return port_; }
  // Answers every held QUERY with RESULT Void.
  void release_held() { release_ = true; }
  // Closes every client socket (the server "dies" for its clients).
  void drop_clients() { drop_ = true; }
  size_t held() const { return held_count_; }
  size_t accepted() const { return accepted_; }

 private:
  struct Client {
    int fd;
    FrameDecoder decoder;
    std::vector<int16_t> held;
  };

  void run() {
    while (!stop_) {
      std::vector<pollfd> fds;
      fds.push_back({listen_fd_, POLLIN, 0});
      for (auto& c : clients_) fds.push_back({c.fd, POLLIN, 0});
      ::poll(fds.data(), fds.size(), 5);
      if ((fds[0].revents & POLLIN) != 0) {
        const int fd = ::accept(listen_fd_, nullptr, nullptr);
        if (fd >= 0) {
          clients_.push_back(Client{fd, FrameDecoder(), {}});
          ++accepted_;
        }
      }
      for (size_t i = 1; i < fds.size() && i - 1 < clients_.size(); ++i) {
        if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0) read_from(clients_[i - 1]);
      }
      if (release_.exchange(false)) {
        for (auto& c : clients_) {
          for (int16_t stream : c.held) reply(c, stream, Opcode::kResult, *serialize_void_result());
          c.held.clear();
        }
        held_count_ = 0;
      }
      if (drop_.exchange(false)) {
        for (auto& c : clients_) ::close(c.fd);
        clients_.clear();
      }
      std::erase_if(clients_, [](const Client& c) { return c.fd < 0; });
    }
  }

  void read_from(Client& c) {
    char buf[65536];
    const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
    if (n <= 0) {
      ::close(c.fd);
      c.fd = -1;
      return;
    }
    if (mode_ == Mode::kSilent) return;
    c.decoder.feed(std::string_view(buf, static_cast<size_t>(n)));
    for (;;) {
      auto frame = c.decoder.next();
      if (!frame.is_ok() || !frame->has_value()) return;
      on_request(c, **frame);
    }
  }

  void on_request(Client& c, const Frame& frame) {
    const int16_t stream = frame.header.stream;
    switch (frame.header.opcode) {
      case Opcode::kOptions:
        if (mode_ == Mode::kV3Only) {
          ErrorResponse e;
          e.code = ErrorCode::kProtocolError;
          e.message = "Invalid or unsupported protocol version (4); supported versions are (3/v3)";
          const std::string body = serialize_error(e);
          FrameHeader h;
          h.version = 3;
          h.response = true;
          h.stream = stream;
          h.opcode = Opcode::kError;
          h.length = static_cast<uint32_t>(body.size());
          send_all(c, encode_frame_header(h) + body);
          return;
        }
        reply(c, stream, Opcode::kSupported,
              *serialize_supported({{"CQL_VERSION", {"3.4.4"}}, {"COMPRESSION", {}}}));
        return;
      case Opcode::kStartup:
        reply(c, stream, Opcode::kReady, serialize_ready());
        return;
      case Opcode::kQuery: {
        auto request = parse_request(frame);
        if (request.is_ok() && std::get<QueryRequest>(request->message).query == "hold") {
          c.held.push_back(stream);
          ++held_count_;
          return;
        }
        reply(c, stream, Opcode::kResult, *serialize_void_result());
        return;
      }
      default:
        return;
    }
  }

  void reply(Client& c, int16_t stream, Opcode opcode, const std::string& body) {
    FrameHeader h;
    h.response = true;
    h.stream = stream;
    h.opcode = opcode;
    auto frame = serialize_frame(h, body);
    if (frame.is_ok()) send_all(c, *frame);
  }

  static void send_all(Client& c, std::string_view bytes) {
    while (!bytes.empty() && c.fd >= 0) {
      const ssize_t n = ::send(c.fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
  }

  const Mode mode_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::vector<Client> clients_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> release_{false};
  std::atomic<bool> drop_{false};
  std::atomic<size_t> held_count_{0};
  std::atomic<size_t> accepted_{0};
};

}  // namespace medallion::cql::testing
