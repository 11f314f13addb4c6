// The embedded CQL server that bench_cql_client starts in its own process:
// a store in `dir`, a QueryProcessor over it, and a CqlServer on 127.0.0.1
// port 0 with the PasswordAuthenticator (user cassandra/cassandra) and the
// group commit policy.
//
// It sits behind this engine-free interface so that the bench's client code
// sees the client's types only, as a program using the client would.
//
// Thread safety: start/stop from one thread; the server serves on its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "util/status.h"

namespace medallion::bench {

class BenchCqlServer {
 public:
  // io_threads 0: one per hardware thread.
  static util::Result<std::unique_ptr<BenchCqlServer>> start(const std::string& dir,
                                                              size_t io_threads);
  ~BenchCqlServer();
  BenchCqlServer(const BenchCqlServer&) = delete;
  BenchCqlServer& operator=(const BenchCqlServer&) = delete;

  uint16_t port() const;
  // Stops the server, then closes the processor and the store. Idempotent.
  void stop();

  struct Impl;

 private:
  explicit BenchCqlServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace medallion::bench
