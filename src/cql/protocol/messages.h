// The messages of the CQL native protocol v4 (native_protocol_v4.spec §4):
// requests parsed from frame bodies, responses serialized into them.
//
// Requests (client -> server):
//   STARTUP        [string map] options (CQL_VERSION mandatory, COMPRESSION)
//   AUTH_RESPONSE  [bytes] token (SASL)
//   OPTIONS        empty
//   QUERY          [long string] query, <query_parameters>
//   PREPARE        [long string] query (v4 has no flags)
//   EXECUTE        [short bytes] id, <query_parameters>
//   BATCH          [byte] type, [short] n, n * (<kind 0 [long string] | kind 1
//                  [short bytes]> [short] m, m * [value]), [consistency],
//                  [byte] flags, [consistency] serial if 0x10, [long]
//                  timestamp if 0x20. Flag 0x40 (names) is refused: the
//                  spec calls it unimplementable (CASSANDRA-10246) and no
//                  driver sends it.
//   REGISTER       [string list] event types
//
//   <query_parameters> = [consistency] [byte] flags, then in this order:
//     0x01 values:    [short] n, n * ([string] name if 0x40, [value])
//     0x02 skip_metadata (no payload)
//     0x04 page size: [int]
//     0x08 paging state: [bytes]
//     0x10 serial consistency: [consistency]
//     0x20 default timestamp: [long] microseconds
//     0x40 names for values (with 0x01)
//     0x80 is v5's (keyspace/now_in_seconds need [int] flags): refused in v4.
//
// When a request frame has flag 0x04, its body starts with a [bytes map]
// custom payload (parsed into Request::custom_payload). A body with bytes
// left over after the message is malformed. Parse errors are
// Status::corruption naming the opcode and field; the server answers them
// with ERROR 0x000A (Protocol error).
//
// Responses (server -> client), each serialized as its frame body:
//   ERROR          [int] code, [string] message, then per code (ErrorResponse)
//   READY          empty
//   AUTHENTICATE   [string] authenticator class
//   AUTH_CHALLENGE / AUTH_SUCCESS  [bytes] token
//   SUPPORTED      [string multimap]
//   RESULT         [int] kind: 1 Void; 2 Rows <metadata> [int] rows_count
//                  rows_count * columns_count [bytes]; 3 Set_keyspace
//                  [string]; 4 Prepared [short bytes] id <prepared metadata>
//                  <result metadata>; 5 Schema_change (as the event)
//   EVENT          [string] type, then TOPOLOGY_CHANGE / STATUS_CHANGE:
//                  [string] change, [inet]; SCHEMA_CHANGE: [string] change,
//                  [string] target, [string] keyspace, ([string] name for
//                  TABLE/TYPE; [string] name, [string list] argument types
//                  for FUNCTION/AGGREGATE)
//
//   Rows <metadata> = [int] flags, [int] columns_count, [bytes] paging state
//   if 0x0002 Has_more_pages, then unless 0x0004 No_metadata: [string]
//   keyspace, [string] table if 0x0001 Global_tables_spec, and per column
//   (keyspace, table unless global) [string] name, [option] type. The writer
//   sets Global_tables_spec whenever there is at least one column and all
//   columns share one keyspace and table.
//
// Thread safety: values; pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cql/protocol/frame.h"
#include "cql/protocol/types.h"
#include "cql/protocol/wire.h"
#include "util/status.h"

namespace medallion::cql {

// ------------------------------------------------------------ requests --

struct StartupRequest {
  StringMap options;
  bool operator==(const StartupRequest&) const = default;
};

struct AuthResponseRequest {
  std::optional<std::string> token;
  bool operator==(const AuthResponseRequest&) const = default;
};

struct OptionsRequest {
  bool operator==(const OptionsRequest&) const = default;
};

// Query parameter flag bits.
constexpr uint8_t kQueryValues = 0x01;
constexpr uint8_t kQuerySkipMetadata = 0x02;
constexpr uint8_t kQueryPageSize = 0x04;
constexpr uint8_t kQueryPagingState = 0x08;
constexpr uint8_t kQuerySerialConsistency = 0x10;
constexpr uint8_t kQueryDefaultTimestamp = 0x20;
constexpr uint8_t kQueryValueNames = 0x40;

struct QueryParameters {
  Consistency consistency = Consistency::kOne;
  std::vector<Value> values;
  // Empty, or one name per value (flag 0x40).
  std::vector<std::string> value_names;
  bool skip_metadata = false;
  std::optional<int32_t> page_size;  // <= 0 means no paging
  // A null paging state ([bytes] -1) is the same as none.
  std::optional<std::string> paging_state;
  std::optional<Consistency> serial_consistency;
  std::optional<int64_t> default_timestamp;  // microseconds
  bool operator==(const QueryParameters&) const = default;
};

struct QueryRequest {
  std::string query;
  QueryParameters parameters;
  bool operator==(const QueryRequest&) const = default;
};

struct PrepareRequest {
  std::string query;
  bool operator==(const PrepareRequest&) const = default;
};

struct ExecuteRequest {
  std::string id;
  QueryParameters parameters;
  bool operator==(const ExecuteRequest&) const = default;
};

enum class BatchType : uint8_t { kLogged = 0, kUnlogged = 1, kCounter = 2 };

struct BatchStatement {
  bool prepared = false;
  std::string query_or_id;  // query text (kind 0) or prepared id (kind 1)
  std::vector<Value> values;
  bool operator==(const BatchStatement&) const = default;
};

struct BatchRequest {
  BatchType type = BatchType::kLogged;
  std::vector<BatchStatement> statements;
  Consistency consistency = Consistency::kOne;
  std::optional<Consistency> serial_consistency;
  std::optional<int64_t> default_timestamp;
  bool operator==(const BatchRequest&) const = default;
};

struct RegisterRequest {
  std::vector<std::string> event_types;
  bool operator==(const RegisterRequest&) const = default;
};

using RequestMessage =
    std::variant<StartupRequest, AuthResponseRequest, OptionsRequest, QueryRequest, PrepareRequest,
                 ExecuteRequest, BatchRequest, RegisterRequest>;

struct Request {
  std::optional<BytesMap> custom_payload;  // header flag 0x04
  RequestMessage message;
  bool operator==(const Request&) const = default;
};

// The opcode a request message travels with.
Opcode request_opcode(const RequestMessage& message);

// Parses the body of a request frame with the given opcode (already
// decompressed; `flags` are the frame's header flags, for 0x04). Errors:
// corruption naming the opcode and field; unsupported for an opcode that is
// not a request.
util::Result<Request> parse_request(Opcode opcode, uint8_t flags, std::string_view body);
inline util::Result<Request> parse_request(const Frame& frame) {
  return parse_request(frame.header.opcode, frame.header.flags, frame.body);
}

// The body of a request (with the custom payload first when present; the
// frame must then carry flag 0x04). Errors: invalid_argument for a field too
// long for its length prefix.
util::Result<std::string> serialize_request(const Request& request);

// ----------------------------------------------------------- responses --

enum class ErrorCode : int32_t {
  kServerError = 0x0000,
  kProtocolError = 0x000A,
  kBadCredentials = 0x0100,
  kUnavailable = 0x1000,
  kOverloaded = 0x1001,
  kIsBootstrapping = 0x1002,
  kTruncateError = 0x1003,
  kWriteTimeout = 0x1100,
  kReadTimeout = 0x1200,
  kReadFailure = 0x1300,
  kFunctionFailure = 0x1400,
  kWriteFailure = 0x1500,
  kSyntaxError = 0x2000,
  kUnauthorized = 0x2100,
  kInvalid = 0x2200,
  kConfigError = 0x2300,
  kAlreadyExists = 0x2400,
  kUnprepared = 0x2500,
};

// An ERROR body. Which extra fields are written depends on `code`:
//   Unavailable       consistency, required, alive
//   Write_timeout     consistency, received, block_for, write_type
//   Read_timeout      consistency, received, block_for, data_present
//   Read_failure      consistency, received, block_for, num_failures, data_present
//   Write_failure     consistency, received, block_for, num_failures, write_type
//   Function_failure  keyspace, name (the function), argument_types
//   Already_exists    keyspace, name (the table; "" for a keyspace)
//   Unprepared        unprepared_id
// A message over 65535 bytes is cut (at a UTF-8 boundary), never refused.
struct ErrorResponse {
  ErrorCode code = ErrorCode::kServerError;
  std::string message;
  Consistency consistency = Consistency::kOne;
  int32_t required = 0;
  int32_t alive = 0;
  int32_t received = 0;
  int32_t block_for = 0;
  int32_t num_failures = 0;
  bool data_present = false;
  std::string write_type;  // SIMPLE, BATCH, UNLOGGED_BATCH, COUNTER, BATCH_LOG
  std::string keyspace;
  std::string name;
  std::vector<std::string> argument_types;
  std::string unprepared_id;
  bool operator==(const ErrorResponse&) const = default;
};

std::string serialize_error(const ErrorResponse& error);

// The whole response frame answering a FrameDecoder rejection: ERROR 0x000A
// with the rejection's message on its stream, header version 0x84.
std::string serialize_rejection(const FrameRejection& rejection);

inline std::string serialize_ready() { return {}; }
util::Result<std::string> serialize_authenticate(std::string_view authenticator_class);
util::Result<std::string> serialize_auth_challenge(std::optional<std::string_view> token);
util::Result<std::string> serialize_auth_success(std::optional<std::string_view> token);
util::Result<std::string> serialize_supported(const StringMultimap& options);

enum class ResultKind : int32_t {
  kVoid = 1,
  kRows = 2,
  kSetKeyspace = 3,
  kPrepared = 4,
  kSchemaChange = 5,
};

// Rows metadata flag bits.
constexpr int32_t kRowsGlobalTablesSpec = 0x0001;
constexpr int32_t kRowsHasMorePages = 0x0002;
constexpr int32_t kRowsNoMetadata = 0x0004;

struct ColumnSpec {
  std::string keyspace;
  std::string table;
  std::string name;
  CqlType type;
  bool operator==(const ColumnSpec&) const = default;
};

struct ResultMetadata {
  std::vector<ColumnSpec> columns;
  // No_metadata: only the column count is written (column_count, or
  // columns.size() when column_count is unset).
  bool no_metadata = false;
  std::optional<int32_t> column_count;
  // Has_more_pages when set.
  std::optional<std::string> paging_state;
  bool operator==(const ResultMetadata&) const = default;
};

struct RowsResult {
  ResultMetadata metadata;
  // Each row has one entry per column; std::nullopt is null.
  std::vector<std::vector<std::optional<std::string>>> rows;
};

struct PreparedResult {
  std::string id;
  std::vector<ColumnSpec> bind_columns;  // the bind markers
  std::vector<uint16_t> partition_key_indices;
  ResultMetadata result_metadata;  // no_metadata + no columns for non-SELECTs
};

enum class SchemaChangeType { kCreated, kUpdated, kDropped };
enum class SchemaChangeTarget { kKeyspace, kTable, kType, kFunction, kAggregate };

struct SchemaChange {
  SchemaChangeType change = SchemaChangeType::kCreated;
  SchemaChangeTarget target = SchemaChangeTarget::kKeyspace;
  std::string keyspace;
  std::string name;                         // TABLE, TYPE, FUNCTION, AGGREGATE
  std::vector<std::string> argument_types;  // FUNCTION, AGGREGATE
  bool operator==(const SchemaChange&) const = default;
};

util::Result<std::string> serialize_void_result();
util::Result<std::string> serialize_rows_result(const RowsResult& rows);
util::Result<std::string> serialize_set_keyspace_result(std::string_view keyspace);
util::Result<std::string> serialize_prepared_result(const PreparedResult& prepared);
util::Result<std::string> serialize_schema_change_result(const SchemaChange& change);

// Appends Rows <metadata> (used by serialize_rows_result; exposed for servers
// that stream rows into a body themselves).
void write_result_metadata(WireWriter& writer, const ResultMetadata& metadata);

struct TopologyChangeEvent {
  std::string change;  // NEW_NODE, REMOVED_NODE
  Inet address;
};
struct StatusChangeEvent {
  std::string change;  // UP, DOWN
  Inet address;
};
using Event = std::variant<TopologyChangeEvent, StatusChangeEvent, SchemaChange>;

// An EVENT body (its frame goes on stream -1).
util::Result<std::string> serialize_event(const Event& event);

}  // namespace medallion::cql
