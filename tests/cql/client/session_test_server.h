// TestCqlServer: an embedded CQL server for the session tests (a store in a
// temp directory, a QueryProcessor over it, a CqlServer on 127.0.0.1 with the
// default PasswordAuthenticator and user cassandra/cassandra), behind an
// interface that names no engine type.
//
// The engine side lives in session_test_server_test.cc (named *_test.cc only
// so that the tests' glob compiles it; it holds no tests): the session tests
// see the client's types only, as a program using the client would.
//
// stop() and start() again keep the store and the processor: a restarted
// server serves the same data and has forgotten every prepared statement.
// Thread safety: none; one test thread drives it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "util/status.h"

namespace medallion::cql::testing {

class TestCqlServer {
 public:
  // `name` prefixes the temp directory (removed by the destructor).
  explicit TestCqlServer(const std::string& name);
  ~TestCqlServer();
  TestCqlServer(const TestCqlServer&) = delete;
  TestCqlServer& operator=(const TestCqlServer&) = delete;

  // The store and processor opened.
  bool ok() const;
  // Starts the server on `port` (0: a free one); stops a running one first.
  util::Status start(uint16_t port = 0);
  // Stops the server (idempotent); the port stays known.
  void stop();
  bool running() const;
  // The port of the last start.
  uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace medallion::cql::testing
