// The client side of messages.h: parses the body of every response frame of
// the CQL native protocol v4 (native_protocol_v4.spec §4.2) into a value, the
// exact inverse of messages.h's serialize_* functions (the byte formats are
// documented there).
//
// Before the message, a response body may carry, in this order, as the frame
// header flags say:
//   0x02 tracing         16 bytes: the tracing session's UUID
//   0x08 warnings        [string list]
//   0x04 custom payload  [bytes map]
// They are parsed into Response and the message follows. The compression flag
// (0x01) is the FrameDecoder's business: bodies given here are uncompressed.
//
// Strictness: a body with bytes left over after its message is malformed,
// except for an ERROR whose code this parser does not know (later protocol
// versions add codes with extra fields: they are kept as code + message).
// Every count is checked against the bytes that remain before anything is
// reserved. Errors are Status::corruption "cql: <what> (<field> at offset N
// of the <OPCODE> response): the server sent a malformed response"; an
// opcode that is not a response is corruption too.
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
#include "cql/protocol/messages.h"
#include "cql/protocol/types.h"
#include "util/status.h"

namespace medallion::cql {

struct ReadyResponse {
  bool operator==(const ReadyResponse&) const = default;
};
struct AuthenticateResponse {
  std::string authenticator;  // e.g. org.apache.cassandra.auth.PasswordAuthenticator
  bool operator==(const AuthenticateResponse&) const = default;
};
struct AuthChallengeResponse {
  std::optional<std::string> token;
  bool operator==(const AuthChallengeResponse&) const = default;
};
struct AuthSuccessResponse {
  std::optional<std::string> token;
  bool operator==(const AuthSuccessResponse&) const = default;
};
struct SupportedResponse {
  StringMultimap options;
  bool operator==(const SupportedResponse&) const = default;
};
// RESULT kinds without a struct in messages.h (named *Response: the engine's
// query_processor.h has its own VoidResult and SetKeyspaceResult).
struct VoidResponse {
  bool operator==(const VoidResponse&) const = default;
};
struct SetKeyspaceResponse {
  std::string keyspace;
  bool operator==(const SetKeyspaceResponse&) const = default;
};
// RESULT Schema_change (an EVENT SCHEMA_CHANGE is an Event holding a
// SchemaChange).
struct SchemaChangeResponse {
  SchemaChange change;
  bool operator==(const SchemaChangeResponse&) const = default;
};

using ResponseMessage =
    std::variant<ErrorResponse, ReadyResponse, AuthenticateResponse, AuthChallengeResponse,
                 AuthSuccessResponse, SupportedResponse, VoidResponse, RowsResult,
                 SetKeyspaceResponse, PreparedResult, SchemaChangeResponse, Event>;

struct Response {
  std::optional<Uuid> tracing_id;          // header flag 0x02
  std::vector<std::string> warnings;       // header flag 0x08
  std::optional<BytesMap> custom_payload;  // header flag 0x04
  ResponseMessage message;
};

// Parses the (uncompressed) body of a response frame with this opcode and
// header flags.
util::Result<Response> parse_response(Opcode opcode, uint8_t flags, std::string_view body);
inline util::Result<Response> parse_response(const Frame& frame) {
  return parse_response(frame.header.opcode, frame.header.flags, frame.body);
}

// The Rows <metadata> of a RESULT (exposed for the prepared result and for
// callers decoding rows themselves). With No_metadata, column_count holds the
// count and columns is empty; otherwise column_count is unset.
util::Result<ResultMetadata> read_result_metadata(WireReader& reader);

// "ERROR", "READY", "RESULT(Rows)", ... for messages naming what arrived.
std::string_view response_name(const ResponseMessage& message);

}  // namespace medallion::cql
