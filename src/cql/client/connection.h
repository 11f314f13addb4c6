// ClientConnection: one client connection to a CQL native protocol v4 server
// (Cassandra, ScyllaDB, medallion's embedded server), the lowest layer of the
// CQL client. The session layer (pools, discovery, routing, retries) is
// built on it.
//
// Life of a connection:
//   1. connect: resolve host, TCP connect, all within connect_timeout
//      (handshake included);
//   2. OPTIONS -> SUPPORTED; the requested compression (lz4 / snappy) is used
//      only when the server lists it;
//   3. STARTUP {CQL_VERSION, COMPRESSION} -> READY, or AUTHENTICATE -> SASL
//      PLAIN AUTH_RESPONSE ("\0user\0password") -> AUTH_SUCCESS. No
//      credentials in the options, or credentials the server refuses, fail
//      the connect with a clear error; so does a server refusing protocol v4;
//   4. REGISTER for the options' event types (if any) -> READY;
//   5. ready: send() requests from any thread.
//
// Requests: each is serialized in the caller's thread and gets a stream id
// from a free list (at most max_in_flight, itself at most 32768, in flight).
// Beyond that, requests wait in a FIFO queue; beyond max_queued more, send()
// refuses at once (backpressure: the callback gets failed_precondition
// "... queue is full ..."). Each request has a deadline (send()'s timeout or
// the options' request_timeout, counted from send(), queue time included):
// when it passes, the callback gets io_error "... timed out ..." and the
// stream id stays reserved until the late answer arrives (or the connection
// closes), as drivers do, so a late answer is never taken for another
// request's. EVENT frames (stream -1) go to the event handler.
//
// Every callback is called exactly once, on one of the event loop's threads
// (never inside send()), except for refusals (closed connection, full queue,
// unserializable request), which are called inside send(). A server ERROR is
// a successful Response holding an ErrorResponse (response_status() turns it
// into a Status); a failed socket or a closed connection fails every pending
// request with io_error naming host:port. A malformed response frame fails
// the connection the same way (a well-framed but unparsable body fails only
// its request).
//
// Threads: a ClientConnection runs on an IoThreads loop given by the caller (which
// must outlive it) or on its own one-thread loop. Callbacks must not block:
// execute() (the synchronous form of send()) refuses to run on the loop.
// close() is idempotent, fails what is pending, and never waits more than a
// few seconds; the destructor calls it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cql/protocol/body_compression.h"
#include "cql/protocol/messages.h"
#include "cql/protocol/response_parser.h"
#include "util/status.h"

namespace medallion::cql {

// An event loop (an Asio io_context) run by `threads` threads, shared by the
// connections started on it. Destroy (or stop()) it only after closing them.
class IoThreads {
 public:
  explicit IoThreads(size_t threads = 1);
  ~IoThreads();
  IoThreads(const IoThreads&) = delete;
  IoThreads& operator=(const IoThreads&) = delete;

  // Stops the loop and joins its threads (idempotent). Handlers not yet run
  // are dropped: close connections first.
  void stop();
  // Lets the loop run out of work first (the handlers of closed sockets and
  // cancelled timers, which may hold references to their owners) for up to
  // `grace`, then stops it.
  void drain_and_stop(std::chrono::milliseconds grace);

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

constexpr size_t kMaxStreams = 32768;

struct ConnectionOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 9042;
  std::chrono::milliseconds connect_timeout{5000};  // resolve + connect + handshake
  std::chrono::milliseconds request_timeout{12000};
  // SASL PLAIN credentials, used when the server asks for authentication.
  std::string username;
  std::string password;
  // Asked for only if the server's SUPPORTED lists it.
  Compression compression = Compression::kNone;
  std::string cql_version = "3.0.0";
  size_t max_in_flight = 1024;  // stream ids; clamped to 1..kMaxStreams
  size_t max_queued = 16384;    // waiting for a stream id beyond max_in_flight
  size_t max_frame_bytes = size_t{256} << 20;
  // REGISTERed during the handshake: "TOPOLOGY_CHANGE", "STATUS_CHANGE",
  // "SCHEMA_CHANGE". Events arrive on the event handler (on the loop).
  std::vector<std::string> events;
  std::function<void(const Event&)> event_handler;
  // Called once, on the loop, when a connection that was handed to the
  // caller closes for any reason (close() included), with the status its
  // pending requests were failed with. Not called when connect fails.
  std::function<void(const util::Status&)> close_handler;
};

using ResponseCallback = std::function<void(util::Result<Response>)>;

class ClientConnection {
 public:
  using ConnectCallback = std::function<void(util::Result<std::shared_ptr<ClientConnection>>)>;

  // Connects and handshakes on `io` (which must outlive the connection);
  // `done` is called once, on the loop. Errors: io_error naming host:port
  // (refused, unreachable, timed out, closed), invalid_argument for bad
  // options or credentials, unsupported for a server refusing protocol v4.
  static void connect_async(ConnectionOptions options, IoThreads& io, ConnectCallback done);
  // The blocking form; with io == nullptr the connection owns a one-thread
  // loop. Must not be called on `io`'s threads.
  static util::Result<std::shared_ptr<ClientConnection>> connect(ConnectionOptions options,
                                                                 IoThreads* io = nullptr);

  ~ClientConnection();
  ClientConnection(const ClientConnection&) = delete;
  ClientConnection& operator=(const ClientConnection&) = delete;

  // Sends a request; `callback` gets its response (see the top of the file).
  // Thread-safe.
  void send(Request request, ResponseCallback callback,
            std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  void send(RequestMessage message, ResponseCallback callback,
            std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
    send(Request{std::nullopt, std::move(message)}, std::move(callback), timeout);
  }

  // Sends and waits for the response. Errors as send()'s callback, plus
  // failed_precondition when called on the connection's loop.
  util::Result<Response> execute(Request request,
                                 std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  util::Result<Response> execute(RequestMessage message,
                                 std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
    return execute(Request{std::nullopt, std::move(message)}, timeout);
  }

  // Closes the socket and fails every pending request (io_error "... closed
  // by the client ..."). Idempotent, never hangs.
  void close();

  bool is_open() const;
  // "host:port" as given in the options.
  const std::string& endpoint() const;
  // The compression agreed with the server (kNone when not asked or offered).
  Compression compression() const;
  // Stream ids reserved (timed-out requests awaiting their late answer
  // included) and requests queued, as last seen by the loop.
  size_t in_flight() const;
  size_t queued() const;

  struct Impl;

 private:
  ClientConnection(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
  std::unique_ptr<IoThreads> owned_io_;
};

// OK unless the response is an ERROR; then a Status whose code follows the
// error (invalid_argument for syntax/invalid/already-exists, unsupported for
// unprepared ... io_error for timeouts and unavailable, ...) and whose message
// names `endpoint` and keeps the server's message.
util::Status response_status(const Response& response, std::string_view endpoint);

}  // namespace medallion::cql
