// HostPool: a session's connections to one host, kept open.
//
// The pool opens `connections` ClientConnections to its endpoint. A
// connection that closes (the server stopped, the socket failed) is replaced
// after a backoff: reconnect_base, doubling after every failed attempt up to
// reconnect_max, back to reconnect_base once a connection opens. The host is
// up while at least one connection is open; the state handler hears every
// transition (up -> down when the last connection closes, down -> up when
// one opens again), on the loop.
//
// pick() returns the open connection with the fewest requests in flight, or
// nullptr when none is open: the caller then tries another host (nothing was
// sent). reconnect_now() skips the wait (a STATUS_CHANGE UP event, or a
// request that found the host down while every other host was down too).
// close() closes the connections and stops reconnecting; it is idempotent and
// never hangs, and the destructor calls it.
//
// Thread safety: every method may be called from any thread. The pool runs
// its connections and timers on the IoThreads it was given, which must
// outlive it.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

#include "cql/client/cluster_config.h"
#include "cql/client/connection.h"
#include "util/status.h"

namespace medallion::cql {

struct HostPoolOptions {
  // host and port are taken from `endpoint`; event handlers and close
  // handlers of `connection` are the pool's own (any given are replaced).
  Endpoint endpoint;
  ConnectionOptions connection;
  size_t connections = 2;
  std::chrono::milliseconds reconnect_base{100};
  std::chrono::milliseconds reconnect_max{10000};
};

class HostPool {
 public:
  // up == true: the host became usable; false: its last connection closed or
  // no connection could be opened (`why` says why).
  using StateHandler = std::function<void(bool up, const util::Status& why)>;

  // Starts connecting at once (asynchronously). `on_state` may be empty.
  static std::shared_ptr<HostPool> start(HostPoolOptions options, IoThreads& io,
                                         StateHandler on_state);
  ~HostPool();
  HostPool(const HostPool&) = delete;
  HostPool& operator=(const HostPool&) = delete;

  const Endpoint& endpoint() const;
  // At least one connection is open.
  bool is_up() const;
  size_t open_connections() const;
  // The error of the last failed connect or the last close; OK when none.
  util::Status last_error() const;

  // The open connection with the fewest requests in flight; nullptr if none.
  std::shared_ptr<ClientConnection> pick() const;

  // Waits until a connection is open or a first connect attempt of every
  // connection has failed, or `timeout` passes. OK when up; otherwise the
  // last error (io_error "... timed out" if no attempt ended in time). Must
  // not be called on the loop.
  util::Status wait_first_attempt(std::chrono::milliseconds timeout) const;

  // Reconnects missing connections now, resetting the backoff.
  void reconnect_now();
  // The wait before the next reconnect attempt (0 while none is scheduled).
  std::chrono::milliseconds current_backoff() const;

  void close();

  struct Impl;

 private:
  explicit HostPool(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace medallion::cql
