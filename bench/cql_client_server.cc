// BenchCqlServer: see cql_client_server.h.
#include "cql_client_server.h"

#include <chrono>
#include <utility>

#include "cql/engine/query_processor.h"
#include "cql/server/cql_server.h"
#include "cql/storage/store.h"

namespace medallion::bench {

struct BenchCqlServer::Impl {
  std::unique_ptr<cql::Store> store;
  std::unique_ptr<cql::QueryProcessor> processor;
  std::unique_ptr<cql::CqlServer> server;
  uint16_t port = 0;
};

util::Result<std::unique_ptr<BenchCqlServer>> BenchCqlServer::start(const std::string& dir,
                                                                     size_t io_threads) {
  auto impl = std::make_unique<Impl>();
  cql::StoreOptions store_options;
  store_options.commit_policy = cql::CommitPolicy::kGroup;
  auto store = cql::Store::open(dir + "/store", store_options);
  if (!store.is_ok()) return store.status();
  impl->store = std::move(store).value();
  auto processor = cql::QueryProcessor::open(impl->store.get());
  if (!processor.is_ok()) return processor.status();
  impl->processor = std::move(processor).value();
  cql::ServerConfig config;
  config.host = "127.0.0.1";
  config.port = 0;
  config.io_threads = io_threads;
  config.data_directory = dir + "/store";
  auto server = cql::CqlServer::start(std::move(config), impl->processor.get());
  if (!server.is_ok()) return server.status();
  impl->server = std::move(server).value();
  impl->port = impl->server->port();
  return std::unique_ptr<BenchCqlServer>(new BenchCqlServer(std::move(impl)));
}

BenchCqlServer::BenchCqlServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

BenchCqlServer::~BenchCqlServer() { stop(); }

uint16_t BenchCqlServer::port() const { return impl_->port; }

void BenchCqlServer::stop() {
  impl_->server.reset();
  impl_->processor.reset();
  impl_->store.reset();
}

}  // namespace medallion::bench
