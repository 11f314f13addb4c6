// The one translation of a util::Status (from the parser or the query
// processor) into a CQL ERROR response (query_processor.h lists the mapping):
//   parse errors: unsupported -> Invalid (0x2200), anything else ->
//                 Syntax_error (0x2000)          [parse_error_response]
//   invalid_argument, not_found, unsupported -> Invalid (0x2200)
//   already_exists      -> Already_exists (0x2400) with keyspace and table
//   failed_precondition -> Config_error (0x2300)
//   anything else       -> Server_error (0x0000)
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "cql/engine/ast.h"
#include "cql/protocol/messages.h"
#include "util/status.h"

namespace medallion::cql {

// What an Already_exists error names: the keyspace and table a CREATE
// targets ("" table for CREATE KEYSPACE).
struct StatementTarget {
  std::string keyspace;
  std::string table;
};

// The target of a CREATE KEYSPACE / CREATE TABLE (unqualified tables resolve
// in `session_keyspace`); empty for other statements.
StatementTarget statement_target(const ParsedStatement& statement,
                                 std::string_view session_keyspace);

// A failed parse_statement.
ErrorResponse parse_error_response(const util::Status& status);

// A failed prepare / execute / execute_batch.
ErrorResponse processor_error_response(const util::Status& status,
                                       const StatementTarget& target = {});

}  // namespace medallion::cql
