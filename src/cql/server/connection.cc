#include <cstdio>
#include <type_traits>
#include <utility>
#include <variant>

#include "cql/engine/parser.h"
#include "cql/server/connection_internal.h"
#include "util/log.h"

namespace medallion::cql {
namespace {

FrameDecoderOptions decoder_options(const ServerConfig& config) {
  FrameDecoderOptions options;
  options.max_body_length = config.max_frame_bytes;
  options.max_uncompressed_body_length = config.max_frame_bytes;
  return options;
}

bool is_cacheable(const ParsedStatement& parsed) {
  return std::visit(
      [](const auto& s) {
        using T = std::decay_t<decltype(s)>;
        return std::is_same_v<T, InsertStatement> || std::is_same_v<T, UpdateStatement> ||
               std::is_same_v<T, DeleteStatement> || std::is_same_v<T, SelectStatement> ||
               std::is_same_v<T, BatchQuery>;
      },
      parsed.statement);
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    s.push_back(kHex[b >> 4]);
    s.push_back(kHex[b & 0xF]);
  }
  return s;
}

}  // namespace

// ------------------------------------------------------------ shared --

void ServerShared::add(const std::shared_ptr<Connection>& connection) {
  std::lock_guard<std::mutex> lock(mu);
  connections.emplace(connection.get(), connection);
}

void ServerShared::remove(Connection* connection) {
  std::lock_guard<std::mutex> lock(mu);
  connections.erase(connection);
}

size_t ServerShared::connection_count() const {
  std::lock_guard<std::mutex> lock(mu);
  return connections.size();
}

void ServerShared::broadcast_schema_change(const SchemaChange& change) {
  auto body = serialize_event(Event{change});
  if (!body.is_ok()) return;
  auto shared_body = std::make_shared<const std::string>(std::move(body).value());
  std::vector<std::shared_ptr<Connection>> targets;
  {
    std::lock_guard<std::mutex> lock(mu);
    for (auto& [ptr, weak] : connections) {
      if (auto c = weak.lock()) targets.push_back(std::move(c));
    }
  }
  for (auto& c : targets) c->push_schema_event(shared_body);
}

void ServerShared::close_all() {
  std::vector<std::shared_ptr<Connection>> targets;
  {
    std::lock_guard<std::mutex> lock(mu);
    for (auto& [ptr, weak] : connections) {
      if (auto c = weak.lock()) targets.push_back(std::move(c));
    }
  }
  for (auto& c : targets) c->close();
}

// -------------------------------------------------------- connection --

Connection::Connection(ServerShared* shared, asio::io_context& io, Tcp::socket socket)
    : shared_(shared),
      strand_(asio::make_strand(io)),
      socket_(std::move(socket)),
      idle_timer_(io),
      decoder_(decoder_options(shared->config)) {}

Connection::~Connection() { shared_->remove(this); }

void Connection::start() {
  asio::dispatch(strand_, [self = shared_from_this()] {
    self->last_activity_ = std::chrono::steady_clock::now();
    self->arm_idle_timer();
    self->do_read();
  });
}

void Connection::close() {
  asio::post(strand_, [self = shared_from_this()] { self->shutdown(); });
}

void Connection::push_schema_event(std::shared_ptr<const std::string> body) {
  asio::post(strand_, [self = shared_from_this(), body = std::move(body)] {
    if (self->closed_ || !self->schema_events_) return;
    self->send(-1, Opcode::kEvent, *body);
    self->flush();
  });
}

void Connection::shutdown() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ignored;
  socket_.shutdown(Tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  idle_timer_.cancel();
  pending_.clear();
}

void Connection::arm_idle_timer() {
  const auto idle = shared_->config.idle_timeout;
  if (idle.count() <= 0 || closed_) return;
  idle_timer_.expires_at(last_activity_ + idle);
  idle_timer_.async_wait(asio::bind_executor(strand_, [self = shared_from_this()](
                                                          const boost::system::error_code& ec) {
    if (ec || self->closed_) return;
    const auto now = std::chrono::steady_clock::now();
    if (self->in_flight_ == 0 && now - self->last_activity_ >= self->shared_->config.idle_timeout) {
      util::log_debug("cql: closing an idle connection");
      self->shutdown();
      return;
    }
    if (now - self->last_activity_ >= self->shared_->config.idle_timeout) {
      self->last_activity_ = now;
    }
    self->arm_idle_timer();
  }));
}

void Connection::do_read() {
  if (closed_ || read_active_ || close_after_write_) return;
  read_active_ = true;
  socket_.async_read_some(
      asio::buffer(read_buffer_),
      asio::bind_executor(
          strand_, [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
            self->read_active_ = false;
            if (ec) {
              // EOF, reset, or closed by shutdown(): in-flight requests finish unanswered.
              self->shutdown();
              return;
            }
            self->last_activity_ = std::chrono::steady_clock::now();
            self->decoder_.feed(std::string_view(self->read_buffer_.data(), n));
            self->process_frames();
          }));
}

void Connection::process_frames() {
  if (closed_) return;
  batching_ = true;
  while (!closed_ && !close_after_write_ &&
         in_flight_ < shared_->config.max_requests_per_connection) {
    auto next = decoder_.next();
    if (!next.is_ok()) {
      if (decoder_.rejection()) pending_ += serialize_rejection(*decoder_.rejection());
      util::log_debug("cql: refusing a frame, closing the connection: {}", next.status().message());
      close_after_write_ = true;
      break;
    }
    if (!next->has_value()) break;
    process_frame(**next);
  }
  batching_ = false;
  flush();
  if (!closed_ && !close_after_write_ && in_flight_ < shared_->config.max_requests_per_connection) {
    do_read();
  }
}

void Connection::process_frame(Frame& frame) {
  const int16_t stream = frame.header.stream;
  auto parsed = parse_request(frame);
  if (!parsed.is_ok()) {
    send_protocol_error(stream, parsed.status().message());
    return;
  }
  RequestMessage& message = parsed->message;
  const Opcode opcode = frame.header.opcode;
  if (opcode == Opcode::kOptions) {
    process_options(stream);
    return;
  }
  if (!started_) {
    if (opcode != Opcode::kStartup) {
      send_protocol_error(stream, "cql: " + std::string(opcode_name(opcode)) +
                                      " before STARTUP (connection): send STARTUP first");
      return;
    }
    process_startup(stream, std::get<StartupRequest>(message));
    return;
  }
  if (!authenticated_) {
    if (opcode != Opcode::kAuthResponse) {
      send_protocol_error(stream, "cql: " + std::string(opcode_name(opcode)) +
                                      " before authentication (connection): answer AUTHENTICATE "
                                      "with AUTH_RESPONSE first");
      return;
    }
    process_auth_response(stream, std::get<AuthResponseRequest>(message));
    return;
  }
  switch (opcode) {
    case Opcode::kQuery:
      process_query(stream, std::get<QueryRequest>(message));
      return;
    case Opcode::kPrepare:
      process_prepare(stream, std::get<PrepareRequest>(message));
      return;
    case Opcode::kExecute:
      process_execute(stream, std::get<ExecuteRequest>(message));
      return;
    case Opcode::kBatch:
      process_batch(stream, std::get<BatchRequest>(message));
      return;
    case Opcode::kRegister:
      process_register(stream, std::get<RegisterRequest>(message));
      return;
    default:
      send_protocol_error(stream, "cql: unexpected " + std::string(opcode_name(opcode)) +
                                      " (connection): the connection is already set up");
      return;
  }
}

// ---------------------------------------------------------- handlers --

void Connection::process_options(int16_t stream) {
  static const StringMultimap kSupported = {
      {"CQL_VERSION", {"3.4.4"}},
      {"COMPRESSION", {"lz4", "snappy"}},
      {"PROTOCOL_VERSIONS", {"4/v4"}},
  };
  auto body = serialize_supported(kSupported);
  if (body.is_ok()) send(stream, Opcode::kSupported, *body);
}

void Connection::process_startup(int16_t stream, StartupRequest& request) {
  if (request.options.find("CQL_VERSION") == request.options.end()) {
    send_protocol_error(stream,
                        "cql: STARTUP without CQL_VERSION (connection): send "
                        "CQL_VERSION, e.g. 3.0.0");
    return;
  }
  Compression compression = Compression::kNone;
  if (auto it = request.options.find("COMPRESSION"); it != request.options.end()) {
    auto codec = compression_from_name(it->second);
    if (!codec) {
      send_protocol_error(stream, "cql: unknown compression algorithm '" + it->second +
                                      "' (STARTUP): use lz4 or snappy");
      return;
    }
    compression = *codec;
  }
  started_ = true;
  decoder_.set_compression(compression);
  compression_ = compression;
  if (shared_->config.auth_enabled) {
    auto body = serialize_authenticate(kPasswordAuthenticatorClass);
    if (body.is_ok()) send(stream, Opcode::kAuthenticate, *body);
    return;
  }
  authenticated_ = true;
  send(stream, Opcode::kReady, serialize_ready());
}

void Connection::process_auth_response(int16_t stream, AuthResponseRequest& request) {
  auto user = shared_->authenticator.check(request.token);
  if (!user.is_ok()) {
    ErrorResponse error;
    error.code = ErrorCode::kBadCredentials;
    error.message = user.status().message();
    send_error(stream, error);
    return;
  }
  authenticated_ = true;
  auto body = serialize_auth_success(std::nullopt);
  if (body.is_ok()) send(stream, Opcode::kAuthSuccess, *body);
}

void Connection::process_register(int16_t stream, RegisterRequest& request) {
  for (const std::string& type : request.event_types) {
    if (type == "SCHEMA_CHANGE") {
      schema_events_ = true;
    } else if (type != "TOPOLOGY_CHANGE" && type != "STATUS_CHANGE") {
      send_protocol_error(stream, "cql: unknown event type '" + type +
                                      "' (REGISTER): use TOPOLOGY_CHANGE, STATUS_CHANGE or "
                                      "SCHEMA_CHANGE");
      return;
    }
  }
  send(stream, Opcode::kReady, serialize_ready());
}

util::Result<std::shared_ptr<const PreparedStatement>> Connection::prepare_text(
    const std::string& text, bool use_cache, StatementTarget* target, bool* parse_failed) {
  *parse_failed = false;
  std::string key;
  if (use_cache && shared_->config.max_cached_queries > 0) {
    const Uuid version = shared_->processor->schema_version();
    key.reserve(16 + keyspace_.size() + 1 + text.size());
    key.append(reinterpret_cast<const char*>(version.bytes.data()), version.bytes.size());
    key.append(keyspace_);
    key.push_back('\0');
    key.append(text);
    if (auto cached = shared_->queries.get(key)) return cached;
  }
  auto parsed = parse_statement(text);
  if (!parsed.is_ok()) {
    *parse_failed = true;
    return parsed.status();
  }
  *target = statement_target(*parsed, keyspace_);
  const bool cacheable = !key.empty() && is_cacheable(*parsed);
  auto prepared = shared_->processor->prepare(std::move(parsed).value(), text, keyspace_);
  if (prepared.is_ok() && cacheable) shared_->queries.put(key, *prepared);
  return prepared;
}

void Connection::process_query(int16_t stream, QueryRequest& request) {
  StatementTarget target;
  bool parse_failed = false;
  auto prepared = prepare_text(request.query, /*use_cache=*/true, &target, &parse_failed);
  if (!prepared.is_ok()) {
    send_error(stream, parse_failed ? parse_error_response(prepared.status())
                                    : processor_error_response(prepared.status(), target));
    return;
  }
  run(stream, std::move(prepared).value(), request.parameters, std::move(target));
}

void Connection::process_prepare(int16_t stream, PrepareRequest& request) {
  StatementTarget target;
  bool parse_failed = false;
  auto prepared = prepare_text(request.query, /*use_cache=*/false, &target, &parse_failed);
  if (!prepared.is_ok()) {
    send_error(stream, parse_failed ? parse_error_response(prepared.status())
                                    : processor_error_response(prepared.status(), target));
    return;
  }
  const std::shared_ptr<const PreparedStatement>& statement = *prepared;
  shared_->prepared.put(statement->result.id, statement);
  auto body = serialize_prepared_result(statement->result);
  if (!body.is_ok()) {
    send_error(stream, processor_error_response(body.status()));
    return;
  }
  send(stream, Opcode::kResult, *body);
}

void Connection::process_execute(int16_t stream, ExecuteRequest& request) {
  auto statement = shared_->prepared.get(request.id);
  if (!statement) {
    ErrorResponse error;
    error.code = ErrorCode::kUnprepared;
    error.message = "cql: unknown prepared statement id 0x" + to_hex(request.id) +
                    " (EXECUTE): prepare it again";
    error.unprepared_id = request.id;
    send_error(stream, error);
    return;
  }
  run(stream, std::move(statement), request.parameters, {});
}

void Connection::process_batch(int16_t stream, BatchRequest& request) {
  std::vector<BoundStatement> members;
  members.reserve(request.statements.size());
  for (BatchStatement& member : request.statements) {
    std::shared_ptr<const PreparedStatement> statement;
    if (member.prepared) {
      statement = shared_->prepared.get(member.query_or_id);
      if (!statement) {
        ErrorResponse error;
        error.code = ErrorCode::kUnprepared;
        error.message = "cql: unknown prepared statement id 0x" + to_hex(member.query_or_id) +
                        " (BATCH): prepare it again";
        error.unprepared_id = member.query_or_id;
        send_error(stream, error);
        return;
      }
    } else {
      StatementTarget target;
      bool parse_failed = false;
      auto prepared = prepare_text(member.query_or_id, /*use_cache=*/true, &target, &parse_failed);
      if (!prepared.is_ok()) {
        send_error(stream, parse_failed ? parse_error_response(prepared.status())
                                        : processor_error_response(prepared.status(), target));
        return;
      }
      statement = std::move(prepared).value();
    }
    members.push_back(BoundStatement{std::move(statement), std::move(member.values), {}});
  }
  ++in_flight_;
  shared_->in_flight.fetch_add(1, std::memory_order_relaxed);
  shared_->processor->execute_batch(request.type, std::move(members), request.default_timestamp,
                                    completion(stream, {}));
}

// ------------------------------------------------------- completions --

void Connection::run(int16_t stream, std::shared_ptr<const PreparedStatement> statement,
                     const QueryParameters& parameters, StatementTarget target) {
  ++in_flight_;
  shared_->in_flight.fetch_add(1, std::memory_order_relaxed);
  shared_->processor->execute(std::move(statement), parameters,
                              completion(stream, std::move(target)));
}

QueryCallback Connection::completion(int16_t stream, StatementTarget target) {
  return [self = shared_from_this(), stream,
          target = std::move(target)](util::Result<QueryResult> result) mutable {
    if (self->strand_.running_in_this_thread()) {
      // Answered synchronously (reads, DDL, errors) from inside a handler.
      self->complete(stream, std::move(result), target);
      return;
    }
    // Possibly on the store's sync thread: hand the connection itself over to
    // the strand so that the last reference is dropped there, not here.
    Strand strand = self->strand_;
    asio::post(strand, [self = std::move(self), stream, target = std::move(target),
                        result = std::move(result)]() mutable {
      self->complete(stream, std::move(result), target);
    });
  };
}

void Connection::complete(int16_t stream, util::Result<QueryResult> result,
                          const StatementTarget& target) {
  --in_flight_;
  if (!closed_) {
    if (!result.is_ok()) {
      send_error(stream, processor_error_response(result.status(), target));
    } else {
      util::Result<std::string> body = std::visit(
          [&](auto& r) -> util::Result<std::string> {
            using T = std::decay_t<decltype(r)>;
            if constexpr (std::is_same_v<T, VoidResult>) {
              return serialize_void_result();
            } else if constexpr (std::is_same_v<T, RowsResult>) {
              return serialize_rows_result(r);
            } else if constexpr (std::is_same_v<T, SetKeyspaceResult>) {
              keyspace_ = r.keyspace;
              return serialize_set_keyspace_result(r.keyspace);
            } else {
              shared_->broadcast_schema_change(r);
              return serialize_schema_change_result(r);
            }
          },
          *result);
      if (body.is_ok()) {
        send(stream, Opcode::kResult, *body);
      } else {
        send_error(stream, processor_error_response(body.status()));
      }
    }
    flush();
    if (!batching_ && !read_active_ && in_flight_ < shared_->config.max_requests_per_connection) {
      // Reading was paused at the in-flight limit: serve what is buffered, then read on.
      process_frames();
    }
  }
  // Last: stop() may be waiting for this to reach zero.
  shared_->in_flight.fetch_sub(1, std::memory_order_acq_rel);
}

// ---------------------------------------------------------- writing --

void Connection::send(int16_t stream, Opcode opcode, std::string_view body) {
  if (closed_) return;
  FrameHeader header;
  header.version = decoder_.version() != 0 ? decoder_.version() : kProtocolV4;
  header.response = true;
  header.stream = stream;
  header.opcode = opcode;
  // Empty bodies (READY) stay uncompressed; the flag tells the client.
  const Compression codec = body.empty() ? Compression::kNone : compression_;
  if (codec == Compression::kNone) {
    header.length = static_cast<uint32_t>(body.size());
    pending_ += encode_frame_header(header);
    pending_.append(body);
    return;
  }
  auto frame = serialize_frame(header, body, codec);
  if (!frame.is_ok()) {
    ErrorResponse error;
    error.message = frame.status().message();
    header.length = 0;
    auto fallback = serialize_frame(header, serialize_error(error), codec);
    if (fallback.is_ok()) pending_ += *fallback;
    return;
  }
  pending_ += *frame;
}

void Connection::send_error(int16_t stream, const ErrorResponse& error) {
  send(stream, Opcode::kError, serialize_error(error));
}

void Connection::send_protocol_error(int16_t stream, std::string message) {
  ErrorResponse error;
  error.code = ErrorCode::kProtocolError;
  error.message = std::move(message);
  send_error(stream, error);
}

void Connection::flush() {
  if (closed_ || write_active_ || batching_) return;
  if (pending_.empty()) {
    if (close_after_write_) shutdown();
    return;
  }
  write_active_ = true;
  writing_.clear();
  writing_.swap(pending_);
  asio::async_write(socket_, asio::buffer(writing_),
                    asio::bind_executor(strand_, [self = shared_from_this()](
                                                     const boost::system::error_code& ec, size_t) {
                      self->write_active_ = false;
                      if (ec) {
                        self->shutdown();
                        return;
                      }
                      self->flush();
                    }));
}

}  // namespace medallion::cql
