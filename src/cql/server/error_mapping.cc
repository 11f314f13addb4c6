#include "cql/server/error_mapping.h"

#include <type_traits>
#include <variant>

namespace medallion::cql {

StatementTarget statement_target(const ParsedStatement& statement,
                                 std::string_view session_keyspace) {
  return std::visit(
      [&](const auto& s) -> StatementTarget {
        using T = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<T, CreateKeyspaceStatement>) {
          return {s.keyspace, ""};
        } else if constexpr (std::is_same_v<T, CreateTableStatement>) {
          return {s.table.keyspace.empty() ? std::string(session_keyspace) : s.table.keyspace,
                  s.table.name};
        } else {
          return {};
        }
      },
      statement.statement);
}

ErrorResponse parse_error_response(const util::Status& status) {
  ErrorResponse error;
  error.code = status.code() == util::StatusCode::kUnsupported ? ErrorCode::kInvalid
                                                               : ErrorCode::kSyntaxError;
  error.message = status.message();
  return error;
}

ErrorResponse processor_error_response(const util::Status& status, const StatementTarget& target) {
  ErrorResponse error;
  error.message = status.message();
  switch (status.code()) {
    case util::StatusCode::kInvalidArgument:
    case util::StatusCode::kNotFound:
    case util::StatusCode::kUnsupported:
      error.code = ErrorCode::kInvalid;
      break;
    case util::StatusCode::kAlreadyExists:
      error.code = ErrorCode::kAlreadyExists;
      error.keyspace = target.keyspace;
      error.name = target.table;
      break;
    case util::StatusCode::kFailedPrecondition:
      error.code = ErrorCode::kConfigError;
      break;
    default:
      error.code = ErrorCode::kServerError;
      break;
  }
  return error;
}

}  // namespace medallion::cql
