// The query processor: turns parsed statements into prepared ones and runs
// them against the store and the schema catalog. It is what the server's
// QUERY, PREPARE, EXECUTE and BATCH handlers call; it knows nothing of
// connections, frames or authentication.
//
// A statement is first prepared (checked against the schema, its bind
// markers typed), then executed with values for its markers. QUERY is
// prepare + execute; the server may cache the prepared form of query texts.
//
// What it serves besides the user's tables: the system tables drivers read
// on connect (system.local, system.peers, system.peers_v2, system_schema.*),
// answered from the catalog and ProcessorOptions.
//
// Errors are util::Status; the server maps their codes to CQL ERROR codes:
//   invalid_argument   -> Invalid (0x2200): a statement the schema refuses
//                         (unknown column, wrong type, missing key, ...)
//   not_found          -> Invalid: unknown keyspace or table
//   unsupported        -> Invalid: valid CQL the server does not execute
//   already_exists     -> Already_exists (0x2400): CREATE without IF NOT EXISTS
//   failed_precondition-> Config_error (0x2300): e.g. DROP of a missing keyspace
//   anything else      -> Server_error (0x0000)
// Messages say what and where: "cql: unknown column 'x' in table ks.t".
//
// Thread safety: every method may be called from many threads at once.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cql/engine/ast.h"
#include "cql/protocol/messages.h"
#include "cql/storage/store.h"
#include "util/status.h"

namespace medallion::cql {

struct ProcessorOptions {
  // What system.local says about this node.
  std::string cluster_name = "medallion";
  std::string data_center = "datacenter1";
  std::string rack = "rack1";
  std::string release_version = "3.11.16";  // < 4: drivers skip virtual tables
  std::string rpc_address = "127.0.0.1";    // dotted IPv4 or IPv6 text
  int32_t rpc_port = 9042;
  // Microseconds since the epoch, for write timestamps and now(). Empty: the
  // system clock (strictly increasing within the process).
  std::function<int64_t()> now_micros;
};

// The plan a PreparedStatement carries; defined inside the engine.
class StatementPlan;

struct PreparedStatement {
  std::string query;     // the text as prepared
  std::string keyspace;  // the session keyspace it was prepared under
  // What a Prepared RESULT carries: id (16 bytes), bind columns, partition
  // key indices, result metadata.
  PreparedResult result;
  std::shared_ptr<const StatementPlan> plan;
  // The dropped flags (schema.h) of the tables the statement reads or
  // writes: once one is set, the statement is stale and servers answer
  // UNPREPARED for its id, as Cassandra does, so that drivers prepare it
  // again against the table that now has the name.
  std::vector<std::shared_ptr<const std::atomic<bool>>> table_dropped;
  bool is_stale() const {
    for (const auto& flag : table_dropped) {
      if (flag->load(std::memory_order_acquire)) return true;
    }
    return false;
  }
};

struct VoidResult {};
struct SetKeyspaceResult {
  std::string keyspace;
};
using QueryResult = std::variant<VoidResult, RowsResult, SetKeyspaceResult, SchemaChange>;

// Called exactly once with the outcome; see execute().
using QueryCallback = std::function<void(util::Result<QueryResult>)>;

// One member of a BATCH.
struct BoundStatement {
  std::shared_ptr<const PreparedStatement> statement;
  std::vector<Value> values;
  std::vector<std::string> value_names;  // empty, or one per value
};

class QueryProcessor {
 public:
  // Loads the schema catalog from the store (creating the system keyspaces'
  // entries on first use). The store must outlive the processor.
  static util::Result<std::unique_ptr<QueryProcessor>> open(Store* store,
                                                            ProcessorOptions options = {});
  virtual ~QueryProcessor() = default;

  // Checks a parsed statement against the schema, resolving unqualified
  // table names in `keyspace` (the session's; "" for none). `query` is the
  // text it was parsed from (for the id and error messages). DDL and USE
  // prepare too (with no bind markers).
  virtual util::Result<std::shared_ptr<const PreparedStatement>> prepare(
      ParsedStatement statement, std::string_view query, std::string_view keyspace) = 0;

  // Runs a prepared statement with the request's parameters: values (by
  // position, or by name when value_names is set), page size and paging
  // state, default timestamp, skip_metadata. `done` runs exactly once: on
  // the calling thread for reads, DDL, USE and errors; for writes once the
  // store reports them durable (possibly on the store's sync thread).
  // A statement whose table was dropped since it was prepared fails with
  // invalid_argument.
  virtual void execute(std::shared_ptr<const PreparedStatement> statement,
                       const QueryParameters& parameters, QueryCallback done) = 0;

  // Runs INSERT/UPDATE/DELETE statements as one atomic store write, each
  // with its own values; `default_timestamp` (microseconds) applies to the
  // members without USING TIMESTAMP. Answers VoidResult.
  virtual void execute_batch(BatchType type, std::vector<BoundStatement> statements,
                             std::optional<int64_t> default_timestamp, QueryCallback done) = 0;

  // Adds the writes one INSERT/UPDATE/DELETE would make with `values` (by
  // position) to a bulk load of the store (StoreBulkLoad) instead of writing
  // them: they become visible when the caller commits the load. Values,
  // timestamps and TTLs are resolved as execute_batch() resolves them.
  // Errors: as execute_batch(); unsupported for a processor without a store
  // of its own.
  virtual util::Status add_to_bulk_load(const PreparedStatement& statement,
                                        const std::vector<Value>& values,
                                        std::optional<int64_t> default_timestamp,
                                        StoreBulkLoad& load) {
    (void)statement, (void)values, (void)default_timestamp, (void)load;
    return util::Status::unsupported("cql: this processor cannot bulk load");
  }

  // The schema version (system.local.schema_version), which changes with
  // every DDL.
  virtual Uuid schema_version() const = 0;
};

}  // namespace medallion::cql
