// Internal to the engine: building a StatementPlan (and the Prepared
// result's bind columns, partition key indices and result metadata) from a
// parsed statement and a schema snapshot.
#pragma once

#include <memory>
#include <string_view>

#include "cql/engine/ast.h"
#include "cql/engine/schema.h"
#include "cql/engine/statement_plan.h"
#include "cql/protocol/messages.h"
#include "util/status.h"

namespace medallion::cql {

util::Result<std::shared_ptr<StatementPlan>> plan_statement(const ParsedStatement& parsed,
                                                            const SchemaSnapshot& snapshot,
                                                            std::string_view keyspace,
                                                            int64_t now_micros,
                                                            PreparedResult* result);

// The column list of SELECT * (partition key, clustering, then the others
// by name), as Cassandra orders it.
std::vector<uint32_t> star_columns(const TableSchema& table);

}  // namespace medallion::cql
