// The schema of the CQL keyspaces and tables the engine serves, and the
// catalog that holds it.
//
// A TableSchema is immutable once built; the catalog swaps whole snapshots
// (copy on write), so a prepared statement keeps the TableSchema it was
// prepared against and checks `dropped` (an atomic flag the catalog sets on
// DROP) before it runs.
//
// Persistence (Store::put_meta, one key per object):
//   "schema/keyspace/<ks>"       keyspace record
//   "schema/table/<ks>/<table>"  table record
//   "schema/next_table_id"       decimal text, the next TableId to hand out
//   "local/host_id"              16 bytes, this node's host id
// Records are WireWriter sequences starting with a [short] format version
// (1):
//   keyspace: [string] name, [byte] durable_writes, [string map] replication
//   table:    [string] keyspace, [string] name, [long] id, 16 bytes uuid,
//             [int] default_time_to_live, [string] comment,
//             [short] n, n * ([string] name, [string] type cql, [option] type,
//             [byte] kind, [int] position, [byte] descending)
// The schema version is an MD5 of every record in key order, shaped as a
// version-3 uuid, so it is stable across restarts and changes with every DDL.
//
// Thread safety: Catalog is safe for concurrent use; snapshots are values.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cql/engine/ast.h"
#include "cql/protocol/types.h"
#include "cql/storage/key_encoding.h"
#include "cql/storage/store.h"
#include "util/status.h"

namespace medallion::cql {

enum class ColumnKind : uint8_t { kPartitionKey = 0, kClustering = 1, kRegular = 2, kStatic = 3 };

std::string_view column_kind_name(ColumnKind kind);  // "partition_key", ...

// The 16-byte MD5 digest of `data`.
std::string md5_digest(std::string_view data);

struct ColumnSchema {
  std::string name;
  CqlType type;
  std::string type_cql;  // as system_schema.columns.type shows it
  ColumnKind kind = ColumnKind::kRegular;
  int32_t position = -1;  // within the partition key / clustering key; -1 otherwise
  bool descending = false;
  uint32_t id = 0;  // declaration order; index into TableSchema::columns
};

struct TableSchema {
  std::string keyspace;
  std::string name;
  TableId id = 0;
  Uuid uuid;
  int32_t default_ttl = 0;
  std::string comment;
  bool is_virtual = false;              // system tables answered from the catalog
  std::vector<ColumnSchema> columns;    // declaration order, id == index
  std::vector<uint32_t> partition_key;  // column ids in key order
  std::vector<uint32_t> clustering;     // column ids in key order
  std::vector<ClusteringColumn> clustering_columns;
  bool has_static = false;
  std::shared_ptr<std::atomic<bool>> dropped = std::make_shared<std::atomic<bool>>(false);

  const ColumnSchema* find(std::string_view column) const;
  std::string full_name() const { return keyspace + "." + name; }
};

struct KeyspaceSchema {
  std::string name;
  bool durable_writes = true;
  std::map<std::string, std::string> replication;  // class with its full name
  bool is_system = false;
  std::map<std::string, std::shared_ptr<const TableSchema>> tables;
};

struct SchemaSnapshot {
  std::map<std::string, std::shared_ptr<const KeyspaceSchema>> keyspaces;
  Uuid version;

  const KeyspaceSchema* keyspace(std::string_view name) const;
  std::shared_ptr<const TableSchema> table(std::string_view ks, std::string_view name) const;
};

// Builds a table schema from CREATE TABLE (not yet given an id). Errors:
// invalid_argument for unknown/duplicate key columns, non-clusterable types,
// bad options.
util::Result<std::shared_ptr<TableSchema>> build_table_schema(const CreateTableStatement& create,
                                                              std::string_view keyspace);

class Catalog {
 public:
  static util::Result<std::unique_ptr<Catalog>> open(Store* store);

  std::shared_ptr<const SchemaSnapshot> snapshot() const;
  Uuid host_id() const { return host_id_; }

  // Errors: already_exists / failed_precondition / not_found as the
  // processor maps them. `*changed` is false when IF [NOT] EXISTS did nothing.
  util::Status create_keyspace(const CreateKeyspaceStatement& create, bool* changed);
  util::Status drop_keyspace(const DropKeyspaceStatement& drop, bool* changed);
  util::Status create_table(const CreateTableStatement& create, std::string_view keyspace,
                            bool* changed);
  util::Status drop_table(std::string_view keyspace, std::string_view table, bool if_exists,
                          bool* changed);

 private:
  explicit Catalog(Store* store) : store_(store) {}
  util::Status load();
  void publish(std::map<std::string, std::shared_ptr<const KeyspaceSchema>> keyspaces);

  Store* store_;
  Uuid host_id_;
  std::mutex ddl_mutex_;  // serializes DDL
  mutable std::mutex snapshot_mutex_;
  std::shared_ptr<const SchemaSnapshot> snapshot_;
  TableId next_table_id_ = 1000;
};

}  // namespace medallion::cql
