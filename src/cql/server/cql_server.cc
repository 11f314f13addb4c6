#include "cql/server/cql_server.h"

#include <thread>
#include <vector>

#include "cql/server/connection_internal.h"
#include "util/log.h"

namespace medallion::cql {

struct CqlServer::Impl {
  Impl(ServerConfig config, QueryProcessor* processor)
      : shared(std::move(config), processor),
        acceptor_strand(asio::make_strand(io)),
        acceptor(acceptor_strand),
        work(asio::make_work_guard(io)) {}

  void accept();

  // Destroyed last: connections still queued in `io` unregister from it.
  ServerShared shared;
  asio::io_context io;
  Strand acceptor_strand;
  Tcp::acceptor acceptor;
  asio::executor_work_guard<asio::io_context::executor_type> work;
  std::vector<std::thread> threads;
  Tcp::endpoint endpoint;
  std::mutex stop_mu;
  bool stopped = false;
};

void CqlServer::Impl::accept() {
  acceptor.async_accept(
      asio::make_strand(io),
      asio::bind_executor(
          acceptor_strand, [this](const boost::system::error_code& ec, Tcp::socket socket) {
            if (shared.stopping.load()) return;
            if (ec) {
              if (ec == asio::error::operation_aborted) return;
              util::log_warn("cql: accept failed ({}): {}", endpoint.port(), ec.message());
            } else if (shared.connection_count() >= shared.config.max_connections) {
              util::log_warn("cql: refusing a connection: max_connections ({}) reached",
                             shared.config.max_connections);
              boost::system::error_code ignored;
              socket.close(ignored);
            } else {
              boost::system::error_code ignored;
              socket.set_option(Tcp::no_delay(true), ignored);
              auto connection = std::make_shared<Connection>(&shared, io, std::move(socket));
              shared.add(connection);
              connection->start();
            }
            accept();
          }));
}

CqlServer::CqlServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

CqlServer::~CqlServer() { stop(); }

util::Result<std::unique_ptr<CqlServer>> CqlServer::start(ServerConfig config,
                                                          QueryProcessor* processor) {
  if (processor == nullptr) {
    return util::Status::invalid_argument("cql: no query processor (CqlServer::start): pass one");
  }
  const std::string where = config.host + ":" + std::to_string(config.port);
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(config.host, ec);
  if (ec) {
    return util::Status::invalid_argument("cql: bad listen address '" + config.host +
                                          "' (server.host): use an IPv4 or IPv6 address");
  }
  size_t threads = config.io_threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  auto impl = std::make_unique<Impl>(std::move(config), processor);
  const Tcp::endpoint endpoint(address, impl->shared.config.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(Tcp::acceptor::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return util::Status::io_error("cql: cannot listen on " + where + ": " + ec.message() +
                                  ": choose another --port or stop the other server");
  }
  impl->endpoint = impl->acceptor.local_endpoint(ec);
  asio::post(impl->acceptor_strand, [raw = impl.get()] { raw->accept(); });
  for (size_t i = 0; i < threads; ++i) {
    impl->threads.emplace_back([raw = impl.get()] {
      for (;;) {
        try {
          raw->io.run();
          return;
        } catch (const std::exception& e) {
          util::log_error("cql: unexpected exception in an I/O thread: {}", e.what());
        }
      }
    });
  }
  return std::unique_ptr<CqlServer>(new CqlServer(std::move(impl)));
}

uint16_t CqlServer::port() const { return impl_->endpoint.port(); }

std::string CqlServer::host() const { return impl_->endpoint.address().to_string(); }

size_t CqlServer::connection_count() const { return impl_->shared.connection_count(); }

void CqlServer::stop() {
  if (!impl_) return;
  std::lock_guard<std::mutex> lock(impl_->stop_mu);
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->shared.stopping.store(true);
  asio::post(impl_->acceptor_strand, [raw = impl_.get()] {
    boost::system::error_code ignored;
    raw->acceptor.close(ignored);
  });
  impl_->shared.close_all();
  // Requests already with the processor call back into their connections:
  // let them finish before the I/O threads go.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  // Closed connections leave the registry once their last handler ran.
  while ((impl_->shared.in_flight.load() > 0 || impl_->shared.connection_count() > 0) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  impl_->work.reset();
  impl_->io.stop();
  for (std::thread& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
  // io.stop() may have dropped the posted close; with the threads gone the
  // acceptor is ours to close here, so new clients are refused, not left
  // waiting on a listener nobody serves.
  boost::system::error_code ignored;
  impl_->acceptor.close(ignored);
}

}  // namespace medallion::cql
