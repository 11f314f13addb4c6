// The system tables drivers read on connect, served as virtual tables
// generated from the schema catalog and ProcessorOptions (never stored):
//   system.local (one row, key 'local'), system.peers and system.peers_v2
//   (empty: a single node), and system_schema.keyspaces / tables / columns /
//   types / functions / aggregates / triggers / indexes / views /
//   dropped_columns, with the Cassandra 3.11/4.0 column names and the
//   non-null values the drivers need (flags {'compound'}, the full
//   replication class name, kind / position / clustering_order / type).
// The system keyspaces list themselves in system_schema like Cassandra's.
//
// Thread safety: pure functions over immutable snapshots.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cql/engine/query_processor.h"
#include "cql/engine/schema.h"

namespace medallion::cql {

// The schemas of "system" and "system_schema" (built once, shared).
const std::vector<std::shared_ptr<const KeyspaceSchema>>& system_keyspaces();

using VirtualRow = std::vector<std::optional<std::string>>;  // one value per column

// Every row of a virtual table, one value per column of `table` (in
// column id order). Errors: not_found for a table that is not virtual.
util::Result<std::vector<VirtualRow>> system_table_rows(const TableSchema& table,
                                                        const SchemaSnapshot& snapshot,
                                                        const ProcessorOptions& options,
                                                        const Uuid& host_id);

}  // namespace medallion::cql
