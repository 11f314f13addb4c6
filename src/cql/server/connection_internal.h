// The server's Asio side: ServerShared (what every connection of one
// CqlServer shares) and Connection (one client socket, served on its own
// strand). Only cql_server.cc and connection.cc include this header.
//
// A Connection owns a FrameDecoder and a reusable read buffer. For each
// decoded frame it runs the process_<opcode> handler (connection.cc). Handlers
// that reach the QueryProcessor count the request in flight; the processor's
// callback (possibly on the store's sync thread) is posted back to the strand
// and holds the Connection alive (shared_from_this) until it ran. Responses
// are appended to `pending_`; one async_write at a time sends everything
// queued (writes coalesce). Reading pauses while max_requests_per_connection
// requests are in flight and resumes as they complete.
#pragma once

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "cql/engine/query_processor.h"
#include "cql/protocol/frame.h"
#include "cql/protocol/messages.h"
#include "cql/server/error_mapping.h"
#include "cql/server/password_authenticator.h"
#include "cql/server/server_config.h"
#include "cql/server/statement_cache.h"

namespace medallion::cql {

namespace asio = boost::asio;
using Tcp = asio::ip::tcp;
using Strand = asio::strand<asio::io_context::executor_type>;

class Connection;

struct ServerShared {
  ServerShared(ServerConfig c, QueryProcessor* p)
      : config(std::move(c)),
        processor(p),
        authenticator(config.users),
        prepared(config.max_prepared_statements),
        queries(config.max_cached_queries) {}

  ServerConfig config;
  QueryProcessor* processor;
  PasswordAuthenticator authenticator;
  StatementCache prepared;  // id -> statement (PREPARE / EXECUTE / BATCH)
  StatementCache queries;   // schema version + keyspace + text -> statement (QUERY)
  // Requests handed to the processor and not yet completed, over all
  // connections (stop() waits for them).
  std::atomic<int64_t> in_flight{0};
  std::atomic<bool> stopping{false};

  mutable std::mutex mu;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections;

  void add(const std::shared_ptr<Connection>& connection);
  void remove(Connection* connection);
  size_t connection_count() const;
  // Posts a SCHEMA_CHANGE event to every connection registered for it.
  void broadcast_schema_change(const SchemaChange& change);
  // Posts close() to every connection.
  void close_all();
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(ServerShared* shared, asio::io_context& io, Tcp::socket socket);
  ~Connection();

  // Starts reading (once, after ServerShared::add).
  void start();
  // Closes the socket (posted to the strand); in-flight requests finish
  // without answers.
  void close();
  // Queues an EVENT body on stream -1 if this connection registered for
  // SCHEMA_CHANGE (posted to the strand).
  void push_schema_event(std::shared_ptr<const std::string> body);

 private:
  void do_read();
  void process_frames();
  void process_frame(Frame& frame);

  void process_startup(int16_t stream, StartupRequest& request);
  void process_auth_response(int16_t stream, AuthResponseRequest& request);
  void process_options(int16_t stream);
  void process_query(int16_t stream, QueryRequest& request);
  void process_prepare(int16_t stream, PrepareRequest& request);
  void process_execute(int16_t stream, ExecuteRequest& request);
  void process_batch(int16_t stream, BatchRequest& request);
  void process_register(int16_t stream, RegisterRequest& request);

  // The prepared form of a query text: from the query cache, else parsed and
  // prepared (cached when it is DML or SELECT). *target is filled for CREATEs.
  util::Result<std::shared_ptr<const PreparedStatement>> prepare_text(const std::string& text,
                                                                      bool use_cache,
                                                                      StatementTarget* target,
                                                                      bool* parse_failed);

  // Hands a prepared statement to the processor; its result is answered on `stream`.
  void run(int16_t stream, std::shared_ptr<const PreparedStatement> statement,
           const QueryParameters& parameters, StatementTarget target);
  QueryCallback completion(int16_t stream, StatementTarget target);
  void complete(int16_t stream, util::Result<QueryResult> result, const StatementTarget& target);

  void send(int16_t stream, Opcode opcode, std::string_view body);
  void send_error(int16_t stream, const ErrorResponse& error);
  void send_protocol_error(int16_t stream, std::string message);
  void flush();
  void shutdown();
  void arm_idle_timer();

  ServerShared* shared_;
  Strand strand_;
  Tcp::socket socket_;
  asio::steady_timer idle_timer_;
  std::chrono::steady_clock::time_point last_activity_;
  FrameDecoder decoder_;
  std::array<char, 64 * 1024> read_buffer_{};
  std::string pending_;  // response bytes queued
  std::string writing_;  // response bytes being written
  bool write_active_ = false;
  bool read_active_ = false;
  bool batching_ = false;  // inside process_frames: flush once at the end
  bool closed_ = false;
  bool close_after_write_ = false;
  size_t in_flight_ = 0;
  bool started_ = false;
  bool authenticated_ = false;
  bool schema_events_ = false;
  Compression compression_ = Compression::kNone;
  std::string keyspace_;
};

}  // namespace medallion::cql
