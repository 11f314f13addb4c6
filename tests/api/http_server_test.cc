// HttpServer over raw loopback sockets: keep-alive, pipelining, HEAD, the
// limits (header, body, connections), the timeouts (idle, read) and the
// graceful stop, with answers given synchronously and from other threads.
#include "api/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace medallion::api {
namespace {

using namespace std::chrono_literals;

// A blocking client socket with bounded reads.
class RawClient {
 public:
  explicit RawClient(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool connected() const { return connected_; }
  void send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
  }
  // Reads until `count` complete responses (by Content-Length) arrived, the
  // peer closed, or the limit passed. HEAD responses: pass head = true.
  std::string read_responses(size_t count, std::chrono::milliseconds limit = 5s,
                             bool head = false) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (complete_responses(head) < count && !closed_) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left <= 0ms) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buf[65536];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      data_.append(buf, static_cast<size_t>(n));
    }
    return data_;
  }
  // Waits for the peer to close (true) or the limit.
  bool wait_closed(std::chrono::milliseconds limit = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!closed_) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left <= 0ms) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0)
        closed_ = true;
      else
        data_.append(buf, static_cast<size_t>(n));
    }
    return true;
  }
  const std::string& data() const { return data_; }

 private:
  size_t complete_responses(bool head) const {
    size_t count = 0;
    size_t pos = 0;
    while (true) {
      const size_t end = data_.find("\r\n\r\n", pos);
      if (end == std::string::npos) return count;
      size_t length = 0;
      const size_t cl = data_.find("Content-Length: ", pos);
      if (!head && cl != std::string::npos && cl < end) length = std::stoul(data_.substr(cl + 16));
      if (data_.size() < end + 4 + length) return count;
      ++count;
      pos = end + 4 + length;
    }
  }

  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
  std::string data_;
};

size_t count_of(const std::string& haystack, std::string_view needle) {
  size_t n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + 1)) {
    ++n;
  }
  return n;
}

// Answers "<method> <target>" as the body, synchronously.
HttpHandler echo_handler() {
  return [](HttpRequest request, const RequestContext&, Responder respond) {
    HttpResponse r;
    r.content_type = "text/plain";
    r.body = request.method + " " + request.target;
    respond(std::move(r));
  };
}

std::unique_ptr<HttpServer> start(HttpServerOptions options, HttpHandler handler) {
  options.host = "127.0.0.1";
  options.port = 0;
  auto server = HttpServer::start(std::move(options), std::move(handler));
  EXPECT_TRUE(server.is_ok()) << server.status().message();
  return server.is_ok() ? std::move(server).value() : nullptr;
}

TEST(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  auto server = start({}, echo_handler());
  ASSERT_NE(server, nullptr);
  RawClient client(server->port());
  ASSERT_TRUE(client.connected());
  client.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
  client.read_responses(1);
  client.send("GET /b?x=1 HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string got = client.read_responses(2);
  EXPECT_EQ(count_of(got, "HTTP/1.1 200 OK"), 2u) << got;
  EXPECT_NE(got.find("GET /a"), std::string::npos);
  EXPECT_NE(got.find("GET /b?x=1"), std::string::npos);
  EXPECT_NE(got.find("Server: medallion"), std::string::npos);
  EXPECT_NE(got.find("Date: "), std::string::npos);
  EXPECT_EQ(server->open_connections(), 1u);
}

TEST(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  // Answers from another thread, the later requests first when they can.
  std::mutex mu;
  std::vector<std::thread> threads;
  auto server = start({}, [&](HttpRequest request, const RequestContext&, Responder respond) {
    std::lock_guard<std::mutex> lock(mu);
    threads.emplace_back([request = std::move(request), respond = std::move(respond)] {
      std::this_thread::sleep_for(request.target == "/1" ? 30ms : 0ms);
      HttpResponse r;
      r.body = request.target;
      respond(std::move(r));
    });
  });
  ASSERT_NE(server, nullptr);
  RawClient client(server->port());
  client.send(
      "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /3 HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string got = client.read_responses(3);
  const size_t p1 = got.find("\r\n\r\n/1"), p2 = got.find("\r\n\r\n/2"),
               p3 = got.find("\r\n\r\n/3");
  ASSERT_NE(p1, std::string::npos) << got;
  ASSERT_NE(p2, std::string::npos) << got;
  ASSERT_NE(p3, std::string::npos) << got;
  EXPECT_LT(p1, p2);
  EXPECT_LT(p2, p3);
  server->stop();
  for (auto& t : threads) t.join();
}

TEST(HttpServerTest, HeadGetsTheHeaderBlockOnly) {
  auto server = start({}, echo_handler());
  ASSERT_NE(server, nullptr);
  RawClient client(server->port());
  client.send("HEAD /x HTTP/1.1\r\nHost: x\r\n\r\nGET /y HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string got = client.read_responses(2, 5s, /*head=*/false);
  // The HEAD answer announces the body's length but carries none: the next
  // response follows its blank line directly.
  EXPECT_NE(got.find("Content-Length: 7\r\n"), std::string::npos) << got;
  EXPECT_EQ(got.find("HEAD /x"), std::string::npos) << got;
  EXPECT_NE(got.find("\r\n\r\nHTTP/1.1 200 OK"), std::string::npos) << got;
  EXPECT_NE(got.find("GET /y"), std::string::npos) << got;
}

TEST(HttpServerTest, ConnectionCloseAndHttp10AreHonoured) {
  auto server = start({}, echo_handler());
  ASSERT_NE(server, nullptr);
  {
    RawClient client(server->port());
    client.send("GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_TRUE(client.wait_closed());
    EXPECT_NE(client.data().find("Connection: close"), std::string::npos) << client.data();
  }
  {
    RawClient client(server->port());
    client.send("GET /a HTTP/1.0\r\n\r\n");
    EXPECT_TRUE(client.wait_closed());
    EXPECT_NE(client.data().find("HTTP/1.0 200 OK"), std::string::npos) << client.data();
  }
}

TEST(HttpServerTest, MalformedRequestsGet400AndTheConnectionCloses) {
  auto server = start({}, echo_handler());
  ASSERT_NE(server, nullptr);
  for (std::string_view bad :
       {"GARBAGE\r\n\r\n", "GET / HTTP/1.1\r\nNo colon here\r\n\r\n", "GET / HTTP/9.9\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"}) {
    RawClient client(server->port());
    client.send(bad);
    EXPECT_TRUE(client.wait_closed()) << bad;
    EXPECT_NE(client.data().find("HTTP/1.1 400 Bad Request"), std::string::npos)
        << bad << " -> " << client.data();
    EXPECT_NE(client.data().find(R"({"detail":"Bad Request: )"), std::string::npos)
        << client.data();
  }
  // The server still serves.
  RawClient client(server->port());
  client.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(client.read_responses(1).find("200 OK"), std::string::npos);
}

TEST(HttpServerTest, HeaderAndBodyLimits) {
  HttpServerOptions options;
  options.max_header_bytes = 1024;
  options.max_body_bytes = 100;
  auto server = start(options, echo_handler());
  ASSERT_NE(server, nullptr);
  {
    RawClient client(server->port());
    client.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n");
    EXPECT_TRUE(client.wait_closed());
    EXPECT_NE(client.data().find("431 Request Header Fields Too Large"), std::string::npos)
        << client.data();
  }
  {
    RawClient client(server->port());
    client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n" +
                std::string(101, 'b'));
    EXPECT_TRUE(client.wait_closed());
    EXPECT_NE(client.data().find("413 Payload Too Large"), std::string::npos) << client.data();
  }
  {
    RawClient client(server->port());
    client.send("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" +
                std::string(100, 'c'));
    EXPECT_NE(client.read_responses(1).find("POST /small"), std::string::npos);
  }
}

TEST(HttpServerTest, IdleConnectionsCloseAndSlowRequestsGet408) {
  HttpServerOptions options;
  options.idle_timeout = 200ms;
  options.read_timeout = 300ms;
  auto server = start(options, echo_handler());
  ASSERT_NE(server, nullptr);
  {
    RawClient idle(server->port());
    const auto begin = std::chrono::steady_clock::now();
    EXPECT_TRUE(idle.wait_closed(5s));
    EXPECT_GE(std::chrono::steady_clock::now() - begin, 150ms);
    EXPECT_EQ(idle.data(), "");  // closed quietly
  }
  {
    RawClient slow(server->port());
    slow.send("GET /slow HTTP/1.1\r\nHost");  // and nothing more
    EXPECT_TRUE(slow.wait_closed(5s));
    EXPECT_NE(slow.data().find("408 Request Timeout"), std::string::npos) << slow.data();
  }
}

TEST(HttpServerTest, ConnectionsBeyondTheLimitGet503) {
  HttpServerOptions options;
  options.max_connections = 2;
  auto server = start(options, echo_handler());
  ASSERT_NE(server, nullptr);
  RawClient a(server->port()), b(server->port());
  a.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
  b.send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_NE(a.read_responses(1).find("200 OK"), std::string::npos);
  ASSERT_NE(b.read_responses(1).find("200 OK"), std::string::npos);
  RawClient c(server->port());
  EXPECT_TRUE(c.wait_closed());
  EXPECT_NE(c.data().find("503 Service Unavailable"), std::string::npos) << c.data();
  // A freed slot serves again.
  a.send("GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(a.wait_closed());
  for (int i = 0; i < 200 && server->open_connections() > 1; ++i) std::this_thread::sleep_for(5ms);
  RawClient d(server->port());
  d.send("GET /d HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(d.read_responses(1).find("200 OK"), std::string::npos);
}

TEST(HttpServerTest, StopFinishesRequestsInFlightAndClosesIdleConnections) {
  std::promise<Responder> held;
  std::atomic<bool> have{false};
  auto server = start({}, [&](HttpRequest request, const RequestContext&, Responder respond) {
    if (request.target == "/hold" && !have.exchange(true)) {
      held.set_value(std::move(respond));
      return;
    }
    respond(HttpResponse::json(200, "{}"));
  });
  ASSERT_NE(server, nullptr);
  RawClient idle(server->port());
  idle.send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_NE(idle.read_responses(1).find("200 OK"), std::string::npos);
  RawClient busy(server->port());
  busy.send("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n");
  Responder respond = held.get_future().get();

  std::thread stopper([&] { server->stop(); });
  EXPECT_TRUE(idle.wait_closed());  // at once, without an answer
  std::this_thread::sleep_for(50ms);
  HttpResponse late;
  late.body = "late";
  respond(std::move(late));
  const std::string got = busy.read_responses(1);
  EXPECT_NE(got.find("late"), std::string::npos) << got;
  EXPECT_NE(got.find("Connection: close"), std::string::npos) << got;
  stopper.join();
  EXPECT_EQ(server->open_connections(), 0u);
  // Nothing listens any more.
  RawClient after(server->port());
  EXPECT_FALSE(after.connected());
}

TEST(HttpServerTest, AnAnswerAfterTheGraceIsDropped) {
  std::promise<Responder> held;
  HttpServerOptions options;
  options.shutdown_grace = 100ms;
  auto server = start(options, [&](HttpRequest, const RequestContext&, Responder respond) {
    held.set_value(std::move(respond));
  });
  ASSERT_NE(server, nullptr);
  RawClient busy(server->port());
  busy.send("GET /never HTTP/1.1\r\nHost: x\r\n\r\n");
  Responder respond = held.get_future().get();
  server->stop();
  EXPECT_TRUE(busy.wait_closed());
  server.reset();
  respond(HttpResponse::json(200, "{}"));  // the server is gone: dropped, no crash
}

TEST(HttpServerTest, BadOptionsAndBusyPortsAreClearErrors) {
  HttpServerOptions options;
  options.host = "not-an-address";
  auto bad = HttpServer::start(options, echo_handler());
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("not an IP address"), std::string::npos);

  auto first = start({}, echo_handler());
  ASSERT_NE(first, nullptr);
  options.host = "127.0.0.1";
  options.port = first->port();
  auto second = HttpServer::start(options, echo_handler());
  ASSERT_FALSE(second.is_ok());
  EXPECT_NE(second.status().message().find("cannot listen on 127.0.0.1:"), std::string::npos)
      << second.status().message();
}

}  // namespace
}  // namespace medallion::api
