#include "cql/client/connection.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <future>
#include <utility>

#include "cql/client/connection_internal.h"
#include "cql/protocol/frame.h"

namespace medallion::cql {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kSweepInterval = std::chrono::milliseconds(10);
constexpr auto kCloseWait = std::chrono::seconds(5);

template <typename T>
const T* message_if(const Response& r) {
  return std::get_if<T>(&r.message);
}

}  // namespace

struct ClientConnection::Impl : std::enable_shared_from_this<Impl> {
  using Strand = asio::strand<asio::io_context::executor_type>;

  struct Slot {
    bool used = false;
    bool orphaned = false;  // timed out: kept until its late answer arrives
    ResponseCallback callback;
    Clock::time_point deadline;
  };
  struct Pending {
    Opcode opcode = Opcode::kOptions;
    uint8_t flags = 0;
    std::string body;
    ResponseCallback callback;
    Clock::time_point deadline;
  };
  enum class State { kConnecting, kReady, kClosed };

  Impl(ConnectionOptions opts, IoThreads& loop)
      : options(std::move(opts)),
        endpoint(fmt::format("{}:{}", options.host, options.port)),
        io_threads(loop.impl()),
        strand(asio::make_strand(io_threads.io)),
        resolver(strand),
        socket(strand),
        connect_timer(strand),
        sweep_timer(strand),
        decoder(decoder_options(options)) {
    const size_t streams = std::clamp<size_t>(options.max_in_flight, 1, kMaxStreams);
    slots.resize(streams);
    free_ids.reserve(streams);
    for (size_t i = streams; i > 0; --i) free_ids.push_back(static_cast<int16_t>(i - 1));
  }

  static FrameDecoderOptions decoder_options(const ConnectionOptions& o) {
    FrameDecoderOptions d;
    d.decode_responses = true;
    d.max_body_length = o.max_frame_bytes;
    d.max_uncompressed_body_length = o.max_frame_bytes;
    return d;
  }

  // ------------------------------------------------------------ connect --

  void start(ConnectCallback done) {
    on_connected = std::move(done);
    auto self = shared_from_this();
    connect_timer.expires_after(options.connect_timeout);
    connect_timer.async_wait([self](const boost::system::error_code& ec) {
      if (ec || self->state != State::kConnecting) return;
      self->fail(util::Status::io_error(fmt::format(
          "cql: connecting to {} timed out after {} ms (connection handshake): check that a CQL "
          "server listens there and answers, or raise connect_timeout",
          self->endpoint, self->options.connect_timeout.count())));
    });
    resolver.async_resolve(
        options.host, std::to_string(options.port),
        [self](const boost::system::error_code& ec, tcp::resolver::results_type results) {
          if (self->state != State::kConnecting) return;
          if (ec) {
            self->fail(util::Status::io_error(fmt::format(
                "cql: cannot resolve {} ({}): check the host name", self->endpoint, ec.message())));
            return;
          }
          asio::async_connect(self->socket, results,
                              [self](const boost::system::error_code& cec, const tcp::endpoint&) {
                                self->on_tcp_connected(cec);
                              });
        });
  }

  void on_tcp_connected(const boost::system::error_code& ec) {
    if (state != State::kConnecting) return;
    if (ec) {
      fail(util::Status::io_error(
          fmt::format("cql: cannot connect to {} ({}): check that a CQL server listens there",
                      endpoint, ec.message())));
      return;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    start_read();
    handshake(Opcode::kOptions, {}, &Impl::on_supported);
  }

  // Sends a handshake request (counted as pending like a user's); its answer
  // goes to `step`. The waiting slot holds only a weak reference: a
  // connection whose loop is destroyed mid-handshake is freed, not leaked.
  void handshake(Opcode opcode, std::string body, void (Impl::*step)(util::Result<Response>)) {
    pending_count.fetch_add(1, std::memory_order_relaxed);
    std::weak_ptr<Impl> weak = weak_from_this();
    submit(
        opcode, 0, std::move(body),
        [weak, step](util::Result<Response> r) {
          if (auto self = weak.lock()) ((*self).*step)(std::move(r));
        },
        Clock::now() + options.connect_timeout);
  }

  // A handshake step's answer: the response, or the error that fails the
  // connect (already reported when nullopt is returned).
  std::optional<Response> handshake_answer(util::Result<Response> r, std::string_view step) {
    if (state != State::kConnecting) return std::nullopt;
    if (!r.is_ok()) {
      fail(r.status());
      return std::nullopt;
    }
    if (const auto* e = message_if<ErrorResponse>(*r)) {
      if (e->code == ErrorCode::kProtocolError &&
          e->message.find("protocol version") != std::string::npos) {
        fail(refused_v4(e->message));
      } else {
        fail(util::Status::io_error(fmt::format(
            "cql: the server at {} refused {} (error 0x{:04X}: {}): see the server's log", endpoint,
            step, static_cast<int32_t>(e->code), e->message)));
      }
      return std::nullopt;
    }
    return std::move(r).value();
  }

  util::Status refused_v4(std::string_view detail) const {
    return util::Status::unsupported(fmt::format(
        "cql: the server at {} refused protocol v4 ({}): use a server that speaks native protocol "
        "v4 (Cassandra 2.2 or later, ScyllaDB, medallion)",
        endpoint, detail));
  }

  util::Status unexpected(const Response& r, std::string_view step) const {
    return util::Status::corruption(
        fmt::format("cql: the server at {} answered {} with {} (connection handshake): it does "
                    "not follow the native protocol",
                    endpoint, step, response_name(r.message)));
  }

  void on_supported(util::Result<Response> result) {
    auto r = handshake_answer(std::move(result), "OPTIONS");
    if (!r) return;
    const auto* supported = message_if<SupportedResponse>(*r);
    if (supported == nullptr) {
      fail(unexpected(*r, "OPTIONS"));
      return;
    }
    StartupRequest startup;
    startup.options["CQL_VERSION"] = options.cql_version;
    if (options.compression != Compression::kNone) {
      const std::string_view wanted = compression_name(options.compression);
      auto it = supported->options.find("COMPRESSION");
      if (it != supported->options.end()) {
        for (const auto& name : it->second) {
          if (compression_from_name(name) == options.compression) {
            startup.options["COMPRESSION"] = std::string(wanted);
            agreed_compression = options.compression;
          }
        }
      }
    }
    auto body = serialize_request(Request{std::nullopt, std::move(startup)});
    if (!body.is_ok()) {
      fail(body.status());
      return;
    }
    // The server compresses what follows its reading of STARTUP.
    decoder.set_compression(agreed_compression);
    handshake(Opcode::kStartup, std::move(body).value(), &Impl::on_startup);
  }

  void on_startup(util::Result<Response> result) {
    auto r = handshake_answer(std::move(result), "STARTUP");
    if (!r) return;
    // Our requests are compressed from now on.
    write_compression = agreed_compression;
    if (message_if<ReadyResponse>(*r) != nullptr) {
      after_auth();
      return;
    }
    const auto* auth = message_if<AuthenticateResponse>(*r);
    if (auth == nullptr) {
      fail(unexpected(*r, "STARTUP"));
      return;
    }
    if (options.username.empty()) {
      fail(util::Status::invalid_argument(fmt::format(
          "cql: the server at {} requires authentication ({}): set a user name and password in "
          "the connection options",
          endpoint, auth->authenticator)));
      return;
    }
    std::string token;
    token.push_back('\0');
    token += options.username;
    token.push_back('\0');
    token += options.password;
    auto body = serialize_request(Request{std::nullopt, AuthResponseRequest{std::move(token)}});
    if (!body.is_ok()) {
      fail(body.status());
      return;
    }
    handshake(Opcode::kAuthResponse, std::move(body).value(), &Impl::on_auth);
  }

  void on_auth(util::Result<Response> result) {
    if (state != State::kConnecting) return;
    if (result.is_ok()) {
      if (const auto* e = message_if<ErrorResponse>(*result)) {
        if (e->code == ErrorCode::kBadCredentials) {
          fail(util::Status::invalid_argument(fmt::format(
              "cql: authentication as '{}' failed at {} ({}): check the user name and password",
              options.username, endpoint, e->message)));
          return;
        }
      }
    }
    auto r = handshake_answer(std::move(result), "AUTH_RESPONSE");
    if (!r) return;
    if (message_if<AuthSuccessResponse>(*r) != nullptr) {
      after_auth();
      return;
    }
    if (message_if<AuthChallengeResponse>(*r) != nullptr) {
      fail(util::Status::unsupported(fmt::format(
          "cql: the server at {} sent a SASL challenge (connection handshake): only PLAIN "
          "authentication (PasswordAuthenticator) is supported",
          endpoint)));
      return;
    }
    fail(unexpected(*r, "AUTH_RESPONSE"));
  }

  void after_auth() {
    if (options.events.empty()) {
      ready();
      return;
    }
    auto body = serialize_request(Request{std::nullopt, RegisterRequest{options.events}});
    if (!body.is_ok()) {
      fail(body.status());
      return;
    }
    handshake(Opcode::kRegister, std::move(body).value(), &Impl::on_register);
  }

  void on_register(util::Result<Response> result) {
    auto r = handshake_answer(std::move(result), "REGISTER");
    if (!r) return;
    if (message_if<ReadyResponse>(*r) == nullptr) {
      fail(unexpected(*r, "REGISTER"));
      return;
    }
    ready();
  }

  void ready() {
    state = State::kReady;
    connect_timer.cancel();
    auto done = std::move(on_connected);
    on_connected = nullptr;
    if (done) done(std::shared_ptr<ClientConnection>(new ClientConnection(shared_from_this())));
  }

  // ----------------------------------------------------------- requests --

  // On the strand: queues a request and sends what the free streams allow.
  void submit(Opcode opcode, uint8_t flags, std::string body, ResponseCallback callback,
              Clock::time_point deadline) {
    if (state == State::kClosed) {
      pending_count.fetch_sub(1, std::memory_order_relaxed);
      callback(closed_status);
      return;
    }
    queue.push_back(Pending{opcode, flags, std::move(body), std::move(callback), deadline});
    queued_count.store(queue.size(), std::memory_order_relaxed);
    pump();
  }

  void pump() {
    while (!queue.empty() && !free_ids.empty() && state != State::kClosed) {
      Pending p = std::move(queue.front());
      queue.pop_front();
      const int16_t id = free_ids.back();
      free_ids.pop_back();
      Slot& slot = slots[static_cast<size_t>(id)];
      slot.used = true;
      slot.orphaned = false;
      slot.callback = std::move(p.callback);
      slot.deadline = p.deadline;
      FrameHeader h;
      h.version = kProtocolV4;
      h.flags = p.flags;
      h.stream = id;
      h.opcode = p.opcode;
      auto frame = serialize_frame(h, p.body, write_compression);
      if (!frame.is_ok()) {
        ResponseCallback cb = std::move(slot.callback);
        release(id);
        cb(frame.status());
        continue;
      }
      out.append(*frame);
    }
    queued_count.store(queue.size(), std::memory_order_relaxed);
    in_flight_count.store(slots.size() - free_ids.size(), std::memory_order_relaxed);
    flush();
    arm_sweep();
  }

  void release(int16_t id) {
    Slot& slot = slots[static_cast<size_t>(id)];
    slot = Slot{};
    free_ids.push_back(id);
    pending_count.fetch_sub(1, std::memory_order_relaxed);
  }

  void flush() {
    if (writing || out.empty() || state == State::kClosed) return;
    writing = true;
    write_buffer.swap(out);
    out.clear();
    auto self = shared_from_this();
    asio::async_write(socket, asio::buffer(write_buffer),
                      [self](const boost::system::error_code& ec, size_t) {
                        self->writing = false;
                        self->write_buffer.clear();
                        if (ec) {
                          self->socket_failed("writing", ec);
                          return;
                        }
                        self->flush();
                      });
  }

  void arm_sweep() {
    if (sweep_armed || state == State::kClosed) return;
    if (queue.empty() && free_ids.size() == slots.size()) return;
    sweep_armed = true;
    sweep_timer.expires_after(kSweepInterval);
    auto self = shared_from_this();
    sweep_timer.async_wait([self](const boost::system::error_code& ec) {
      self->sweep_armed = false;
      if (ec || self->state == State::kClosed) return;
      self->sweep();
      self->arm_sweep();
    });
  }

  util::Status timeout_status(bool queued) const {
    return util::Status::io_error(fmt::format(
        "cql: request to {} timed out ({}): the server is slow or unreachable; retry or raise "
        "the request timeout",
        endpoint, queued ? "still queued for a stream id" : "no answer"));
  }

  void sweep() {
    const auto now = Clock::now();
    std::vector<std::pair<ResponseCallback, util::Status>> expired;
    for (auto& slot : slots) {
      if (slot.used && !slot.orphaned && slot.deadline <= now) {
        slot.orphaned = true;
        expired.emplace_back(std::move(slot.callback), timeout_status(false));
        slot.callback = nullptr;
      }
    }
    for (auto it = queue.begin(); it != queue.end();) {
      if (it->deadline <= now) {
        expired.emplace_back(std::move(it->callback), timeout_status(true));
        it = queue.erase(it);
        pending_count.fetch_sub(1, std::memory_order_relaxed);
      } else {
        ++it;
      }
    }
    queued_count.store(queue.size(), std::memory_order_relaxed);
    for (auto& [cb, status] : expired) cb(std::move(status));
  }

  // ------------------------------------------------------------ reading --

  void start_read() {
    auto self = shared_from_this();
    socket.async_read_some(asio::buffer(read_buffer),
                           [self](const boost::system::error_code& ec, size_t n) {
                             if (self->state == State::kClosed) return;
                             if (ec) {
                               self->socket_failed("reading", ec);
                               return;
                             }
                             self->on_read(n);
                           });
  }

  void on_read(size_t n) {
    decoder.feed(std::string_view(read_buffer.data(), n));
    for (;;) {
      auto frame = decoder.next();
      if (!frame.is_ok()) {
        if (state == State::kConnecting &&
            frame.status().message().find("protocol version") != std::string::npos) {
          fail(refused_v4(frame.status().message()));
        } else {
          fail(util::Status::io_error(
              fmt::format("cql: malformed frame from {} ({}): the connection is closed", endpoint,
                          frame.status().message())));
        }
        return;
      }
      if (!frame->has_value()) break;
      on_frame(std::move(**frame));
      if (state == State::kClosed) return;
    }
    pump();
    start_read();
  }

  void on_frame(Frame frame) {
    const int16_t id = frame.header.stream;
    if (id < 0) {
      if (frame.header.opcode != Opcode::kEvent) return;
      auto r = parse_response(frame);
      if (!r.is_ok() || !options.event_handler) return;
      if (const auto* e = message_if<Event>(*r)) options.event_handler(*e);
      return;
    }
    if (static_cast<size_t>(id) >= slots.size()) return;
    Slot& slot = slots[static_cast<size_t>(id)];
    if (!slot.used) return;  // an answer to nothing we sent: ignored
    if (slot.orphaned) {
      release(id);  // the late answer of a timed-out request
      return;
    }
    ResponseCallback cb = std::move(slot.callback);
    release(id);
    in_flight_count.store(slots.size() - free_ids.size(), std::memory_order_relaxed);
    auto r = parse_response(frame);
    if (!r.is_ok()) {
      cb(util::Status::corruption(fmt::format("cql: malformed {} from {}: {}",
                                              opcode_name(frame.header.opcode), endpoint,
                                              r.status().message())));
      return;
    }
    cb(std::move(r));
  }

  // ------------------------------------------------------------ closing --

  void socket_failed(std::string_view what, const boost::system::error_code& ec) {
    if (state == State::kClosed) return;
    if (ec == asio::error::eof || ec == asio::error::connection_reset) {
      fail(util::Status::io_error(fmt::format(
          "cql: the connection to {} was closed by the server ({} {}): the server stopped or "
          "dropped the connection; reconnect",
          endpoint, what, ec.message())));
      return;
    }
    fail(util::Status::io_error(fmt::format("cql: {} the connection to {} failed ({}): reconnect",
                                            what, endpoint, ec.message())));
  }

  // Closes the connection, failing everything pending with `status`.
  void fail(util::Status status) {
    if (state == State::kClosed) return;
    state = State::kClosed;
    open.store(false);
    closed_status = status;
    boost::system::error_code ignored;
    connect_timer.cancel();
    sweep_timer.cancel();
    resolver.cancel();
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    std::vector<ResponseCallback> callbacks;
    for (size_t i = 0; i < slots.size(); ++i) {
      if (slots[i].used) {
        if (!slots[i].orphaned) callbacks.push_back(std::move(slots[i].callback));
        release(static_cast<int16_t>(i));
      }
    }
    for (auto& p : queue) {
      callbacks.push_back(std::move(p.callback));
      pending_count.fetch_sub(1, std::memory_order_relaxed);
    }
    queue.clear();
    queued_count.store(0);
    in_flight_count.store(0);
    auto done = std::move(on_connected);
    on_connected = nullptr;
    for (auto& cb : callbacks) cb(status);
    if (done) {
      done(std::move(status));
    } else if (options.close_handler) {
      options.close_handler(status);
    }
  }

  util::Status closed_by_client() const {
    return util::Status::io_error(fmt::format(
        "cql: the connection to {} was closed by the client: open a new connection", endpoint));
  }

  ConnectionOptions options;
  const std::string endpoint;
  IoThreads::Impl& io_threads;
  Strand strand;
  tcp::resolver resolver;
  tcp::socket socket;
  asio::steady_timer connect_timer;
  asio::steady_timer sweep_timer;
  FrameDecoder decoder;

  // Read from any thread.
  std::atomic<bool> open{true};
  std::atomic<bool> close_called{false};
  std::atomic<size_t> pending_count{0};  // queued + reserved streams
  std::atomic<size_t> in_flight_count{0};
  std::atomic<size_t> queued_count{0};
  std::atomic<Compression> compression_seen{Compression::kNone};

  // Strand only.
  State state = State::kConnecting;
  ConnectCallback on_connected;
  Compression agreed_compression = Compression::kNone;
  Compression write_compression = Compression::kNone;
  std::vector<Slot> slots;
  std::vector<int16_t> free_ids;
  std::deque<Pending> queue;
  std::string out;
  std::string write_buffer;
  bool writing = false;
  bool sweep_armed = false;
  util::Status closed_status;
  std::array<char, 64 * 1024> read_buffer{};
};

// ---------------------------------------------------- ClientConnection --

ClientConnection::ClientConnection(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {
  impl_->compression_seen.store(impl_->agreed_compression);
}

ClientConnection::~ClientConnection() {
  close();
  if (owned_io_) {
    owned_io_->stop();
    // The Impl (its socket and timers) must go before its io_context: handlers
    // still queued on the stopped loop hold the last references and are
    // destroyed with it.
    impl_.reset();
    owned_io_.reset();
  }
}

void ClientConnection::connect_async(ConnectionOptions options, IoThreads& io,
                                     ConnectCallback done) {
  if (options.host.empty() || options.port == 0) {
    done(util::Status::invalid_argument(
        fmt::format("cql: no server address ({}:{}) (connection options): set host and port",
                    options.host, options.port)));
    return;
  }
  auto impl = std::make_shared<Impl>(std::move(options), io);
  asio::dispatch(impl->strand, [impl, done = std::move(done)]() mutable {
    impl->start([done = std::move(done)](util::Result<std::shared_ptr<ClientConnection>> r) {
      done(std::move(r));
    });
  });
}

util::Result<std::shared_ptr<ClientConnection>> ClientConnection::connect(ConnectionOptions options,
                                                                          IoThreads* io) {
  std::unique_ptr<IoThreads> owned;
  if (io == nullptr) {
    owned = std::make_unique<IoThreads>(1);
    io = owned.get();
  }
  if (io->impl().in_loop_thread()) {
    return util::Status::failed_precondition(
        "cql: ClientConnection::connect called on its own event loop (client): use connect_async");
  }
  auto promise = std::make_shared<std::promise<util::Result<std::shared_ptr<ClientConnection>>>>();
  auto future = promise->get_future();
  const auto limit = options.connect_timeout + kCloseWait;
  connect_async(std::move(options), *io,
                [promise](util::Result<std::shared_ptr<ClientConnection>> r) {
                  promise->set_value(std::move(r));
                });
  if (future.wait_for(limit) != std::future_status::ready) {
    return util::Status::io_error(
        "cql: connect did not finish (client): the event loop is stopped or blocked");
  }
  auto result = future.get();
  if (result.is_ok() && owned) (*result)->owned_io_ = std::move(owned);
  return result;
}

void ClientConnection::send(Request request, ResponseCallback callback,
                            std::optional<std::chrono::milliseconds> timeout) {
  Impl& impl = *impl_;
  if (!impl.open.load()) {
    callback(util::Status::io_error(
        fmt::format("cql: the connection to {} is closed: open a new connection", impl.endpoint)));
    return;
  }
  const size_t bound = impl.slots.size() + impl.options.max_queued;
  if (impl.pending_count.fetch_add(1, std::memory_order_relaxed) >= bound) {
    impl.pending_count.fetch_sub(1, std::memory_order_relaxed);
    callback(util::Status::failed_precondition(fmt::format(
        "cql: the request queue of the connection to {} is full ({} in flight, {} queued) "
        "(backpressure): wait for answers before sending more",
        impl.endpoint, impl.slots.size(), impl.options.max_queued)));
    return;
  }
  auto body = serialize_request(request);
  if (!body.is_ok()) {
    impl.pending_count.fetch_sub(1, std::memory_order_relaxed);
    callback(body.status());
    return;
  }
  const Opcode opcode = request_opcode(request.message);
  const uint8_t flags = request.custom_payload ? kFlagCustomPayload : 0;
  const auto deadline = Clock::now() + timeout.value_or(impl.options.request_timeout);
  asio::post(impl.strand, [impl = impl_, opcode, flags, body = std::move(body).value(),
                           callback = std::move(callback), deadline]() mutable {
    if (impl->state != Impl::State::kReady) {
      impl->pending_count.fetch_sub(1, std::memory_order_relaxed);
      callback(impl->state == Impl::State::kClosed
                   ? impl->closed_status
                   : util::Status::failed_precondition("cql: connection not ready"));
      return;
    }
    impl->submit(opcode, flags, std::move(body), std::move(callback), deadline);
  });
}

util::Result<Response> ClientConnection::execute(Request request,
                                                 std::optional<std::chrono::milliseconds> timeout) {
  if (impl_->io_threads.in_loop_thread()) {
    return util::Status::failed_precondition(fmt::format(
        "cql: execute() called on the event loop of the connection to {} (client): use send() "
        "from callbacks",
        impl_->endpoint));
  }
  auto promise = std::make_shared<std::promise<util::Result<Response>>>();
  auto future = promise->get_future();
  const auto limit = timeout.value_or(impl_->options.request_timeout) + kCloseWait;
  send(
      std::move(request), [promise](util::Result<Response> r) { promise->set_value(std::move(r)); },
      timeout);
  if (future.wait_for(limit) != std::future_status::ready) {
    return util::Status::io_error(fmt::format(
        "cql: no answer from {} and no timeout (client): the event loop is stopped or blocked",
        impl_->endpoint));
  }
  return future.get();
}

void ClientConnection::close() {
  auto impl = impl_;
  if (impl->close_called.exchange(true)) return;
  impl->open.store(false);
  if (impl->strand.running_in_this_thread()) {
    impl->fail(impl->closed_by_client());
    return;
  }
  auto done = std::make_shared<std::promise<void>>();
  auto future = done->get_future();
  asio::post(impl->strand, [impl, done] {
    impl->fail(impl->closed_by_client());
    done->set_value();
  });
  // Never wait on the loop itself (the post could not run), nor for long.
  if (!impl->io_threads.in_loop_thread()) future.wait_for(kCloseWait);
}

bool ClientConnection::is_open() const { return impl_->open.load(); }
const std::string& ClientConnection::endpoint() const { return impl_->endpoint; }
Compression ClientConnection::compression() const { return impl_->compression_seen.load(); }
size_t ClientConnection::in_flight() const { return impl_->in_flight_count.load(); }
size_t ClientConnection::queued() const { return impl_->queued_count.load(); }

util::Status response_status(const Response& response, std::string_view endpoint) {
  const auto* e = std::get_if<ErrorResponse>(&response.message);
  if (e == nullptr) return util::Status::ok();
  util::StatusCode code = util::StatusCode::kIOError;
  std::string_view hint = "retry later or on another node";
  switch (e->code) {
    case ErrorCode::kSyntaxError:
    case ErrorCode::kInvalid:
    case ErrorCode::kConfigError:
    case ErrorCode::kFunctionFailure:
    case ErrorCode::kProtocolError:
    case ErrorCode::kBadCredentials:
      code = util::StatusCode::kInvalidArgument;
      hint = "fix the statement or the request";
      break;
    case ErrorCode::kUnauthorized:
      code = util::StatusCode::kFailedPrecondition;
      hint = "grant the user the permission";
      break;
    case ErrorCode::kAlreadyExists:
      code = util::StatusCode::kAlreadyExists;
      hint = "use IF NOT EXISTS or drop it first";
      break;
    case ErrorCode::kUnprepared:
      code = util::StatusCode::kNotFound;
      hint = "PREPARE the statement again";
      break;
    default:
      break;
  }
  return util::Status(code, fmt::format("cql: the server at {} answered error 0x{:04X} ({}): {}",
                                        endpoint, static_cast<int32_t>(e->code), e->message, hint));
}

}  // namespace medallion::cql
