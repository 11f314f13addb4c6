// CqlServer: the CQL native protocol v4 server (docs/cql-server.md is the
// operator's guide). It listens on ServerConfig host:port, runs an Asio
// io_context on ServerConfig::io_threads threads, and serves each client
// connection on its own strand: frames are read into a FrameDecoder, each
// request goes to its process_<opcode> handler, QUERY/PREPARE/EXECUTE/BATCH
// through the QueryProcessor, and responses are written in completion order
// (many requests in flight per connection, told apart by stream id), all
// queued frames coalesced into one write.
//
// Connection life: OPTIONS may come at any time; STARTUP must come first
// (anything else before it is a Protocol error); with authentication on,
// STARTUP is answered AUTHENTICATE and only AUTH_RESPONSE and OPTIONS are
// accepted until AUTH_SUCCESS. A frame the decoder refuses (bad version,
// length over max_frame_bytes, garbage) is answered with a Protocol error and
// that connection is closed; the others keep serving.
//
// Thread safety: start/stop/port may be called from any thread; the
// QueryProcessor must outlive the server.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "cql/engine/query_processor.h"
#include "cql/server/server_config.h"
#include "util/status.h"

namespace medallion::cql {

class CqlServer {
 public:
  // Binds config.host:config.port (0: a free port) and starts serving.
  // Errors: io_error naming the address (in use, cannot bind),
  // invalid_argument for a bad host.
  static util::Result<std::unique_ptr<CqlServer>> start(ServerConfig config,
                                                        QueryProcessor* processor);
  ~CqlServer();  // stop()
  CqlServer(const CqlServer&) = delete;
  CqlServer& operator=(const CqlServer&) = delete;

  // The port bound (the chosen one when config.port was 0).
  uint16_t port() const;
  // The address bound, as text ("127.0.0.1").
  std::string host() const;
  // Open client connections.
  size_t connection_count() const;

  // Closes the listener and every connection, waits (up to a few seconds) for
  // requests already handed to the processor, and joins the I/O threads.
  // Idempotent.
  void stop();

  struct Impl;

 private:
  explicit CqlServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace medallion::cql
