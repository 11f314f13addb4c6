// The CQL parser: statement text in, ast.h out. The grammar is the subset of
// CQL 3.4 that the embedded server executes (docs/cql-server.md lists it):
// USE; CREATE/DROP KEYSPACE; CREATE/DROP/TRUNCATE TABLE; INSERT, UPDATE,
// DELETE; SELECT; BEGIN ... APPLY BATCH. Keywords are case-insensitive,
// comments (-- and //, /* */) are skipped, one trailing ';' is allowed.
//
// Literals take every form the drivers inline into query text: 'strings'
// with '' escapes and $$strings$$, integers, floats with exponents, NaN and
// Infinity, true/false in any case, unquoted uuids, 0x blobs, NULL,
// [lists], {sets}, {maps}, (tuples), and function calls such as now().
//
// Errors (never a crash, whatever the input; the text may be any bytes):
//   invalid_argument "cql: syntax error at line L:C near '<token>': <what
//                    was expected>" for text that is not CQL;
//   unsupported      "cql: <statement kind> is not supported by the embedded
//                    server" for valid CQL we do not execute (ALTER, CREATE
//                    INDEX/TYPE/FUNCTION/..., GRANT, ...).
// Input is limited to kMaxStatementBytes and to kMaxNestingDepth nested
// collections/parentheses (invalid_argument past either).
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

#include "cql/engine/ast.h"
#include "util/status.h"

namespace medallion::cql {

constexpr size_t kMaxStatementBytes = size_t{16} << 20;
constexpr int kMaxNestingDepth = 64;

util::Result<ParsedStatement> parse_statement(std::string_view text);

// A type as written in a column definition ("frozen<map<text, int>>").
// Errors: invalid_argument naming the text.
util::Result<ParsedType> parse_type(std::string_view text);

}  // namespace medallion::cql
