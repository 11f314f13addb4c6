#include "api/http_server.h"

#include <fmt/format.h>
#include <time.h>

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "util/json_writer.h"
#include "util/log.h"

namespace medallion::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// The Date header field (RFC 9110 IMF-fixdate), formatted once per second
// per thread.
const std::string& http_date() {
  thread_local time_t last = 0;
  thread_local std::string text;
  const time_t now = ::time(nullptr);
  if (now != last || text.empty()) {
    struct tm tm;
    ::gmtime_r(&now, &tm);
    char buf[64];
    const size_t n = ::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    text.assign(buf, n);
    last = now;
  }
  return text;
}

std::string detail_body(std::string_view detail) {
  std::string out = R"({"detail":)";
  util::append_json_string(out, detail);
  out.push_back('}');
  return out;
}

}  // namespace

class HttpConnection;

// Handlers hold a plain Impl*: stop() (run by the destructor) joins the I/O
// threads before the Impl goes, and the io_context, destroyed before the
// members above it, destroys the handlers still queued (and with them the
// last connections, whose destructors use mu, live and open).
struct HttpServer::Impl {
  HttpServerOptions options;
  HttpHandler handler;
  std::atomic<bool> stopping{false};
  std::atomic<size_t> open{0};
  std::mutex mu;  // guards live and joined
  std::unordered_map<HttpConnection*, std::weak_ptr<HttpConnection>> live;
  bool joined = false;
  uint16_t port = 0;
  std::string host;

  // One io_context per thread, each connection on one of them: a
  // connection's handlers never wake another thread, and no strand is needed.
  // The acceptor lives on the first.
  std::vector<std::unique_ptr<asio::io_context>> ios;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::optional<tcp::acceptor> acceptor;
  size_t next_io = 0;  // round-robin; used by the acceptor's handler only
  std::vector<std::thread> threads;

  void accept();
  void stop();
  // Runs `fn` on every live connection's thread.
  template <typename Fn>
  void for_each_connection(Fn fn);
};

// One client connection; lives as long as an operation of it is pending.
class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  HttpConnection(HttpServer::Impl* server, tcp::socket socket)
      : server_(server), stream_(std::move(socket)), read_timer_(stream_.get_executor()) {
    beast::error_code ec;
    const auto endpoint = stream_.socket().remote_endpoint(ec);
    if (!ec) context_.remote_address = endpoint.address().to_string();
    stream_.socket().set_option(tcp::no_delay(true), ec);
  }
  ~HttpConnection() {
    {
      std::lock_guard<std::mutex> lock(server_->mu);
      server_->live.erase(this);
    }
    server_->open.fetch_sub(1, std::memory_order_acq_rel);
  }

  void start() { wait_for_request(); }

  // Answers 503 (too many connections) and closes.
  void refuse() {
    send_error(503, "Service Unavailable: the server has too many open connections; retry later");
  }

  // Called on the connection's thread by stop(): an idle connection closes now.
  void close_if_idle() {
    if (state_ == State::kIdle) close();
  }
  void close() {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    read_timer_.cancel();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
    // May be the last reference: nothing touches a member after this.
    auto last = std::move(handling_self_);
  }
  asio::any_io_executor executor() { return stream_.get_executor(); }

 private:
  enum class State { kIdle, kReading, kHandling, kWriting, kClosed };

  void wait_for_request() {
    if (server_->stopping.load(std::memory_order_acquire)) return close();
    state_ = State::kIdle;
    if (buffer_.size() > 0) return read_request();  // a pipelined request
    stream_.expires_after(server_->options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec || self->state_ == State::kClosed) return self->close();
                              self->buffer_.commit(n);
                              self->read_request();
                            });
  }

  void read_request() {
    state_ = State::kReading;
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(server_->options.max_header_bytes));
    parser_->body_limit(server_->options.max_body_bytes);
    // Not the stream's own timeout, which closes the socket: a request too
    // slow to arrive still gets its 408.
    stream_.expires_never();
    read_timed_out_ = false;
    read_timer_.expires_after(server_->options.read_timeout);
    read_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->state_ != State::kReading) return;
      self->read_timed_out_ = true;
      beast::error_code ignored;
      self->stream_.socket().cancel(ignored);
    });
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    read_timer_.cancel();
    if (state_ == State::kClosed) return;
    if (ec) {
      if (read_timed_out_) {
        return send_error(408, "Request Timeout: the request did not arrive in time");
      }
      if (ec == http::error::header_limit) {
        return send_error(431, fmt::format("Request Header Fields Too Large: at most {} bytes",
                                           server_->options.max_header_bytes));
      }
      if (ec == http::error::body_limit) {
        return send_error(413, fmt::format("Content Too Large: at most {} bytes",
                                           server_->options.max_body_bytes));
      }
      if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
          ec != http::error::end_of_stream && ec != http::error::partial_message) {
        return send_error(400, "Bad Request: " + ec.message());
      }
      return close();  // the client went away (or a socket error)
    }
    auto message = parser_->release();
    parser_.reset();
    keep_alive_ = message.keep_alive();
    version_ = message.version();
    head_ = message.method() == http::verb::head;

    HttpRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    request.headers.reserve(8);
    for (const auto& field : message) {
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    request.body = std::move(message.body());

    state_ = State::kHandling;
    stream_.expires_never();
    // The connection keeps itself while the handler works; the Responder
    // holds it weakly, so an answer arriving after stop() closed the
    // connection is dropped instead of keeping it (and the server) alive.
    handling_self_ = shared_from_this();
    server_->handler(
        std::move(request), context_, [weak = weak_from_this()](HttpResponse response) {
          auto self = weak.lock();
          if (!self) return;
          auto executor = self->executor();
          asio::dispatch(executor,
                         [self = std::move(self), response = std::move(response)]() mutable {
                           self->write(std::move(response));
                         });
        });
  }

  void send_error(int status, std::string_view detail) {
    keep_alive_ = false;
    head_ = false;
    write(HttpResponse::json(status, detail_body(detail)));
  }

  void write(HttpResponse answer) {
    if (state_ == State::kClosed) return;
    state_ = State::kWriting;
    handling_self_.reset();  // the caller holds a reference
    const bool close_after = !keep_alive_ || server_->stopping.load(std::memory_order_acquire);
    response_.emplace();
    response_->version(version_);
    response_->result(static_cast<unsigned>(answer.status));
    response_->set(http::field::server, "medallion");
    response_->set(http::field::date, http_date());
    if (!answer.content_type.empty()) {
      response_->set(http::field::content_type, answer.content_type);
    }
    for (auto& [name, value] : answer.headers) response_->insert(name, value);
    response_->keep_alive(!close_after);
    response_->body() = std::move(answer.body);
    response_->prepare_payload();
    stream_.expires_after(server_->options.read_timeout);
    auto done = [self = shared_from_this(), close_after](beast::error_code ec, size_t) {
      self->serializer_.reset();
      self->response_.reset();
      if (ec || close_after) return self->close();
      self->wait_for_request();
    };
    serializer_.emplace(*response_);
    if (head_) {
      http::async_write_header(stream_, *serializer_, std::move(done));
    } else {
      http::async_write(stream_, *serializer_, std::move(done));
    }
  }

  HttpServer::Impl* server_;
  beast::tcp_stream stream_;
  asio::steady_timer read_timer_;
  bool read_timed_out_ = false;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  std::optional<http::response_serializer<http::string_body>> serializer_;
  RequestContext context_;
  std::shared_ptr<HttpConnection> handling_self_;
  State state_ = State::kIdle;
  bool keep_alive_ = true;
  bool head_ = false;
  unsigned version_ = 11;
};

template <typename Fn>
void HttpServer::Impl::for_each_connection(Fn fn) {
  std::vector<std::shared_ptr<HttpConnection>> connections;
  {
    std::lock_guard<std::mutex> lock(mu);
    for (auto& [raw, weak] : live) {
      if (auto c = weak.lock()) connections.push_back(std::move(c));
    }
  }
  for (auto& c : connections) {
    auto executor = c->executor();
    asio::post(executor, [c, fn] { fn(*c); });
  }
}

void HttpServer::Impl::accept() {
  asio::io_context& io = *ios[next_io++ % ios.size()];
  acceptor->async_accept(io, [self = this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || !self->acceptor->is_open()) return;
      // Out of file descriptors and the like: keep accepting.
      util::log_warn("api: accept failed: {}", ec.message());
      return self->accept();
    }
    const size_t count = self->open.fetch_add(1, std::memory_order_acq_rel) + 1;
    auto connection = std::make_shared<HttpConnection>(self, std::move(socket));
    {
      std::lock_guard<std::mutex> lock(self->mu);
      self->live.emplace(connection.get(), connection);
    }
    if (count > self->options.max_connections || self->stopping.load(std::memory_order_acquire)) {
      asio::dispatch(connection->executor(), [connection] { connection->refuse(); });
    } else {
      asio::dispatch(connection->executor(), [connection] { connection->start(); });
    }
    self->accept();
  });
}

void HttpServer::Impl::stop() {
  {
    std::lock_guard<std::mutex> lock(mu);
    if (joined) return;
  }
  stopping.store(true, std::memory_order_release);
  asio::post(acceptor->get_executor(), [this] {
    beast::error_code ec;
    acceptor->close(ec);
  });
  for_each_connection([](HttpConnection& c) { c.close_if_idle(); });
  const auto deadline = Clock::now() + options.shutdown_grace;
  while (open.load(std::memory_order_acquire) > 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (open.load(std::memory_order_acquire) > 0) {
    util::log_warn("api: {} connection(s) still busy after the {} ms shutdown grace: closing them",
                   open.load(), options.shutdown_grace.count());
    for_each_connection([](HttpConnection& c) { c.close(); });
  }
  work.clear();
  const auto last = Clock::now() + std::chrono::seconds(2);
  while (open.load(std::memory_order_acquire) > 0 && Clock::now() < last) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (auto& io : ios) io->stop();
  for (auto& t : threads) {
    if (t.joinable()) t.join();
  }
  std::lock_guard<std::mutex> lock(mu);
  joined = true;
}

util::Result<std::unique_ptr<HttpServer>> HttpServer::start(HttpServerOptions options,
                                                            HttpHandler handler) {
  if (options.threads == 0) {
    return util::Status::invalid_argument("api: the server needs at least one I/O thread");
  }
  if (!handler) return util::Status::invalid_argument("api: the server needs a handler");
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->handler = std::move(handler);
  beast::error_code ec;
  const auto address = asio::ip::make_address(impl->options.host, ec);
  if (ec) {
    return util::Status::invalid_argument(fmt::format(
        "api: --host {}: not an IP address (use e.g. 127.0.0.1 or 0.0.0.0)", impl->options.host));
  }
  for (size_t i = 0; i < impl->options.threads; ++i) {
    impl->ios.push_back(std::make_unique<asio::io_context>(1));
  }
  impl->acceptor.emplace(*impl->ios[0]);
  const tcp::endpoint endpoint(address, impl->options.port);
  const std::string where = fmt::format("{}:{}", impl->options.host, impl->options.port);
  impl->acceptor->open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor->bind(endpoint, ec);
  if (!ec) impl->acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return util::Status::io_error(
        fmt::format("api: cannot listen on {}: {} (is another server using the port? pick another "
                    "with --port)",
                    where, ec.message()));
  }
  impl->port = impl->acceptor->local_endpoint().port();
  impl->host = address.to_string();
  for (auto& io : impl->ios) impl->work.push_back(asio::make_work_guard(*io));
  impl->accept();
  for (size_t i = 0; i < impl->options.threads; ++i) {
    impl->threads.emplace_back([io = impl->ios[i].get()] { io->run(); });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() { stop(); }
uint16_t HttpServer::port() const { return impl_->port; }
std::string HttpServer::host() const { return impl_->host; }
size_t HttpServer::open_connections() const { return impl_->open.load(); }
void HttpServer::stop() { impl_->stop(); }

}  // namespace medallion::api
