// Turning CQL terms into serialized values of a column's type: every literal
// form drivers inline into query text ('text', integers, floats with
// exponents, NaN/Infinity, true/false, unquoted uuids, 0x blobs, dates and
// timestamps as strings or integers, [lists], {sets}, {maps}, (tuples)) and
// the value functions now(), uuid(), currentTimestamp(), currentDate(),
// currentTime(), toTimestamp(now()), toUnixTimestamp(now()), toDate(now()).
// Bind values are checked with decode_value, so a value of the wrong size
// is an invalid_argument error, never stored garbage.
//
// Thread safety: pure functions (now() reads the caller's clock).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cql/engine/ast.h"
#include "cql/protocol/types.h"
#include "util/status.h"

namespace medallion::cql {

// The serialization of `term` (a literal, collection literal or value
// function; never a bind marker) as a `type`; nullopt for NULL. `now_micros`
// feeds now() and friends. Errors: invalid_argument naming `column`.
util::Result<std::optional<std::string>> term_to_bytes(const Term& term, const CqlType& type,
                                                       std::string_view column, int64_t now_micros);

// True when the term must be evaluated at execute time (a value function).
bool term_is_function(const Term& term);

// invalid_argument unless `bytes` decodes as `type`.
util::Status validate_value(const CqlType& type, std::string_view bytes, std::string_view column);

// A version-1 uuid for now() (unique within the process).
Uuid make_timeuuid(int64_t micros);

}  // namespace medallion::cql
