// An embedded CQL engine for tests: a Store in a fresh temp directory (group
// commit with a short window), a QueryProcessor over it, and on request a
// CqlServer on 127.0.0.1 port 0. Destruction stops the server, closes the
// processor and the store, and removes the directory, in that order.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "cql/engine/query_processor.h"
#include "cql/server/cql_server.h"
#include "cql/storage/store.h"

namespace medallion::cql::testing {

class EmbeddedEngine {
 public:
  // `name` prefixes the temp directory. Check ok() (or use ASSERT_* in the
  // fixture) before using the parts.
  explicit EmbeddedEngine(const std::string& name) {
    std::string pattern = (std::filesystem::temp_directory_path() / (name + "_XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) return;
    dir_ = pattern;
    StoreOptions options;
    options.group_window = std::chrono::milliseconds(2);
    auto store = Store::open(dir_ + "/store", options);
    EXPECT_TRUE(store.is_ok()) << store.status().message();
    if (!store.is_ok()) return;
    store_ = std::move(store).value();
    auto processor = QueryProcessor::open(store_.get());
    EXPECT_TRUE(processor.is_ok()) << processor.status().message();
    if (processor.is_ok()) processor_ = std::move(processor).value();
  }
  ~EmbeddedEngine() {
    server_.reset();
    processor_.reset();
    store_.reset();
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  EmbeddedEngine(const EmbeddedEngine&) = delete;
  EmbeddedEngine& operator=(const EmbeddedEngine&) = delete;

  bool ok() const { return processor_ != nullptr; }
  // Starts (or restarts) the server with `config` on port 0 and 2 I/O threads.
  util::Status start_server(ServerConfig config) {
    server_.reset();
    config.port = 0;
    config.io_threads = 2;
    auto server = CqlServer::start(std::move(config), processor_.get());
    if (!server.is_ok()) return server.status();
    server_ = std::move(server).value();
    return util::Status::ok();
  }
  void stop_server() { server_.reset(); }

  const std::string& dir() const { return dir_; }
  Store* store() const { return store_.get(); }
  QueryProcessor* processor() const { return processor_.get(); }
  CqlServer* server() const { return server_.get(); }

 private:
  std::string dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<QueryProcessor> processor_;
  std::unique_ptr<CqlServer> server_;
};

}  // namespace medallion::cql::testing
