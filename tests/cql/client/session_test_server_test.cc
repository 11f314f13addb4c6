// The engine side of TestCqlServer (session_test_server.h). No tests here:
// the name ends in _test.cc only so that the glob of tests/cql/client puts it
// into cql_client_test.
#include "session_test_server.h"

#include <utility>

#include "../embedded_engine.h"
#include "cql/server/cql_server.h"

namespace medallion::cql::testing {

struct TestCqlServer::Impl {
  explicit Impl(const std::string& name) : engine(name) {}
  EmbeddedEngine engine;
  std::unique_ptr<CqlServer> server;  // declared after the engine: stopped first
  uint16_t port = 0;
};

TestCqlServer::TestCqlServer(const std::string& name) : impl_(std::make_unique<Impl>(name)) {}

TestCqlServer::~TestCqlServer() { stop(); }

bool TestCqlServer::ok() const { return impl_->engine.ok(); }

util::Status TestCqlServer::start(uint16_t port) {
  stop();
  if (!ok()) return util::Status::internal("cql: test server (engine): the store did not open");
  ServerConfig config;
  config.host = "127.0.0.1";
  config.port = port;
  config.io_threads = 2;
  auto server = CqlServer::start(std::move(config), impl_->engine.processor());
  if (!server.is_ok()) return server.status();
  impl_->server = std::move(server).value();
  impl_->port = impl_->server->port();
  return util::Status::ok();
}

void TestCqlServer::stop() { impl_->server.reset(); }

bool TestCqlServer::running() const { return impl_->server != nullptr; }

uint16_t TestCqlServer::port() const { return impl_->port; }

}  // namespace medallion::cql::testing
