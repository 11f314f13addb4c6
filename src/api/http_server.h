// HttpServer: the REST API's HTTP/1.1 server (Boost.Beast on Asio; Beast
// stays in http_server.cc). It listens on options.host:port and runs one
// Asio io_context per thread (options.threads); each connection lives on
// one of them (round-robin), so its handlers never wake another thread.
// A connection serves one request at a time (pipelined requests wait in the
// read buffer and are answered in order).
//
// A connection's life:
//   idle       waiting for the first byte of a request, at most idle_timeout
//              (keep-alive); then closed quietly
//   reading    the rest of the request (start line, header fields, body)
//              must arrive within read_timeout of its first byte; else
//              408 and close. Header block over max_header_bytes: 431;
//              body over max_body_bytes: 413; a request Beast's parser
//              refuses (bad start line, bad field, bad chunking): 400 with
//              the parser's reason. Each of these closes the connection.
//   handling   the handler has the request; it answers exactly once, from
//              any thread, through its Responder
//   writing    the answer goes out (a HEAD request gets the header block
//              only); then back to idle, or closed when the request asked
//              for it (Connection: close, HTTP/1.0 without keep-alive) or
//              the server is stopping
//
// Beyond max_connections open connections, a new one is answered 503 and
// closed at once. Every error body is JSON: {"detail":"..."}.
//
// stop(): stops accepting, closes idle connections at once, lets requests
// being read, handled or written finish (their answers carry
// Connection: close) for up to shutdown_grace, then closes whatever is
// left and joins the threads.
//
// Thread safety: start/stop/port may be called from any thread; the handler
// runs on the I/O threads and must not block them (hand slow work elsewhere
// and answer later).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "api/http_message.h"
#include "util/status.h"

namespace medallion::api {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8000;  // 0: a free port
  size_t threads = 2;
  size_t max_connections = 4096;
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 64 * 1024;  // the API's requests carry no body
  std::chrono::milliseconds read_timeout{10'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds shutdown_grace{10'000};
};

// Where a request came from.
struct RequestContext {
  std::string remote_address;  // "127.0.0.1"
};

// Answers a request; call exactly once, from any thread.
using Responder = std::function<void(HttpResponse)>;
using HttpHandler =
    std::function<void(HttpRequest request, const RequestContext& context, Responder respond)>;

class HttpServer {
 public:
  // Binds host:port and starts serving. Errors: io_error naming the address
  // (in use, cannot bind), invalid_argument for a host that is not an IP
  // address or a bad option.
  static util::Result<std::unique_ptr<HttpServer>> start(HttpServerOptions options,
                                                         HttpHandler handler);
  ~HttpServer();  // stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const;     // the one bound (the chosen one when 0 was asked)
  std::string host() const;  // "127.0.0.1"
  size_t open_connections() const;
  // See the top of the file. Idempotent.
  void stop();

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace medallion::api
