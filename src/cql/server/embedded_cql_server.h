// EmbeddedCqlServer: the whole embedded CQL node in one object — the store
// in config.data_directory (storage/store.h), the query processor over it
// (engine/query_processor.h) and the network server (cql_server.h) — as
// `medallion cql-server`, `medallion up`, the benchmarks and the tests
// start it.
//
// system.local must report the address the server is bound to, which is
// known only once it listens (port 0 picks a free one). So the server starts
// first in front of a forwarder that answers "still starting" (a retryable
// error), the processor is opened with the bound address, and the forwarder
// is pointed at it before start() returns: a client connecting after
// start() sees a complete node.
//
// Stopping closes the listener and every connection first, then the
// processor, then the store (the group-commit sync thread flushes what was
// acknowledged). The data directory is locked while the store is open: a
// second server on it fails to start with a message saying so.
//
// Thread safety: start/stop from one thread; the node serves on its own
// threads in between.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cql/protocol/messages.h"
#include "cql/protocol/wire.h"
#include "cql/server/server_config.h"
#include "util/status.h"

namespace medallion::cql {

struct PreparedStatement;

class EmbeddedCqlServer {
 public:
  // Opens the store, starts serving on config.host:config.port. Errors name
  // the data directory or the address (port in use, directory locked).
  static util::Result<std::unique_ptr<EmbeddedCqlServer>> start(const ServerConfig& config);
  ~EmbeddedCqlServer();  // stop()
  EmbeddedCqlServer(const EmbeddedCqlServer&) = delete;
  EmbeddedCqlServer& operator=(const EmbeddedCqlServer&) = delete;

  // The address bound ("127.0.0.1") and port (the chosen one for port 0).
  const std::string& host() const;
  uint16_t port() const;
  // "host:port" (IPv6 hosts in brackets), what clients are given.
  std::string endpoint() const;

  // Stops serving and closes the store. Idempotent.
  void stop();

  // A bulk load into this node's store for a writer in the same process:
  // INSERT/UPDATE/DELETE statements, run as a BATCH would run them, whose
  // rows are written as one sorted file when commit() is called, with no
  // network, no per-row memtable insert and no write-ahead log
  // (storage/store.h StoreBulkLoad has the guarantees: same stored rows and
  // reconciliation as CQL writes, nothing visible before commit, durable
  // after). What a cluster reached over CQL cannot offer, so callers keep a
  // CQL path for clusters. The node must outlive its loads.
  class BulkLoad {
   public:
    ~BulkLoad();
    BulkLoad(const BulkLoad&) = delete;
    BulkLoad& operator=(const BulkLoad&) = delete;
    // Adds the writes of `query` (keyspace-qualified; prepared on its first
    // use in this load) run with positional `values`, at
    // `timestamp` (microseconds) unless the statement has USING TIMESTAMP.
    // Errors: the statement's (syntax, schema, values), as over CQL.
    util::Status add(std::string_view query, const std::vector<Value>& values,
                     std::optional<int64_t> timestamp = std::nullopt);
    // Rows and partition headers added so far.
    size_t entries() const;
    // Makes everything added visible and durable; see StoreBulkLoad::commit.
    util::Status commit();

    struct Impl;

   private:
    friend class EmbeddedCqlServer;
    explicit BulkLoad(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
  };
  // Errors: failed_precondition once stopped.
  util::Result<std::unique_ptr<BulkLoad>> begin_bulk_load();

  // Statements run for a reader in the same process (the REST API that
  // `medallion serve` runs beside its node), without the network and the
  // protocol's frames: prepare_local() once, then execute_local() with
  // positional values already encoded. `done` gets the first page (at most
  // page_size rows; <= 0: every row), on the calling thread for reads
  // (writes answer once durable). The node must outlive what it prepared.
  // Errors: the statement's (syntax, schema, values), as over CQL;
  // failed_precondition once stopped.
  util::Result<std::shared_ptr<const PreparedStatement>> prepare_local(std::string_view query);
  using LocalCallback = std::function<void(util::Result<RowsResult>)>;
  void execute_local(std::shared_ptr<const PreparedStatement> statement, std::vector<Value> values,
                     int32_t page_size, LocalCallback done);

  struct Impl;

 private:
  explicit EmbeddedCqlServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace medallion::cql
