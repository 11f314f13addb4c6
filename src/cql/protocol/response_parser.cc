#include "cql/protocol/response_parser.h"

#include <fmt/format.h>

#include <cstring>
#include <utility>

namespace medallion::cql {
namespace {

constexpr std::string_view kHint = "the server sent a malformed response";
// Rows of zero columns take no bytes: their count is bounded separately.
constexpr int32_t kMaxEmptyRows = 1 << 16;

std::string_view response_context(Opcode opcode) {
  switch (opcode) {
    case Opcode::kError:
      return "ERROR response";
    case Opcode::kReady:
      return "READY response";
    case Opcode::kAuthenticate:
      return "AUTHENTICATE response";
    case Opcode::kSupported:
      return "SUPPORTED response";
    case Opcode::kResult:
      return "RESULT response";
    case Opcode::kEvent:
      return "EVENT response";
    case Opcode::kAuthChallenge:
      return "AUTH_CHALLENGE response";
    case Opcode::kAuthSuccess:
      return "AUTH_SUCCESS response";
    default:
      return "response";
  }
}

util::Result<int32_t> read_count(WireReader& r, std::string_view field) {
  MEDALLION_ASSIGN_OR_RETURN(int32_t n, r.read_int(field));
  if (n < 0) return r.error(fmt::format("negative count {}", n), field, kHint);
  return n;
}

util::Result<std::optional<std::string>> read_token(WireReader& r) {
  MEDALLION_ASSIGN_OR_RETURN(std::optional<std::string_view> token, r.read_bytes("auth token"));
  if (!token) return std::optional<std::string>();
  return std::optional<std::string>(std::string(*token));
}

util::Status read_column_specs(WireReader& r, int32_t count, bool global,
                               std::vector<ColumnSpec>* columns) {
  // Each column takes at least its name's [short] and its type's [short].
  if (r.remaining() / 4 < static_cast<size_t>(count)) {
    return r.error(fmt::format("{} columns claimed but only {} bytes remain", count, r.remaining()),
                   "column count", kHint);
  }
  std::string keyspace, table;
  if (global) {
    MEDALLION_ASSIGN_OR_RETURN(std::string_view ks, r.read_string("global keyspace"));
    MEDALLION_ASSIGN_OR_RETURN(std::string_view t, r.read_string("global table"));
    keyspace.assign(ks);
    table.assign(t);
  }
  columns->reserve(static_cast<size_t>(count));
  for (int32_t i = 0; i < count; ++i) {
    ColumnSpec c;
    if (global) {
      c.keyspace = keyspace;
      c.table = table;
    } else {
      MEDALLION_ASSIGN_OR_RETURN(std::string_view ks, r.read_string("column keyspace"));
      MEDALLION_ASSIGN_OR_RETURN(std::string_view t, r.read_string("column table"));
      c.keyspace.assign(ks);
      c.table.assign(t);
    }
    MEDALLION_ASSIGN_OR_RETURN(std::string_view name, r.read_string("column name"));
    c.name.assign(name);
    MEDALLION_ASSIGN_OR_RETURN(c.type, read_type(r, "column type"));
    columns->push_back(std::move(c));
  }
  return util::Status::ok();
}

util::Result<SchemaChange> read_schema_change(WireReader& r) {
  SchemaChange c;
  MEDALLION_ASSIGN_OR_RETURN(std::string_view change, r.read_string("schema change type"));
  if (change == "CREATED") {
    c.change = SchemaChangeType::kCreated;
  } else if (change == "UPDATED") {
    c.change = SchemaChangeType::kUpdated;
  } else if (change == "DROPPED") {
    c.change = SchemaChangeType::kDropped;
  } else {
    return r.error(fmt::format("unknown schema change '{}'", change), "schema change type", kHint);
  }
  MEDALLION_ASSIGN_OR_RETURN(std::string_view target, r.read_string("schema change target"));
  if (target == "KEYSPACE") {
    c.target = SchemaChangeTarget::kKeyspace;
  } else if (target == "TABLE") {
    c.target = SchemaChangeTarget::kTable;
  } else if (target == "TYPE") {
    c.target = SchemaChangeTarget::kType;
  } else if (target == "FUNCTION") {
    c.target = SchemaChangeTarget::kFunction;
  } else if (target == "AGGREGATE") {
    c.target = SchemaChangeTarget::kAggregate;
  } else {
    return r.error(fmt::format("unknown schema change target '{}'", target), "schema change target",
                   kHint);
  }
  MEDALLION_ASSIGN_OR_RETURN(std::string_view keyspace, r.read_string("keyspace"));
  c.keyspace.assign(keyspace);
  if (c.target != SchemaChangeTarget::kKeyspace) {
    MEDALLION_ASSIGN_OR_RETURN(std::string_view name, r.read_string("name"));
    c.name.assign(name);
  }
  if (c.target == SchemaChangeTarget::kFunction || c.target == SchemaChangeTarget::kAggregate) {
    MEDALLION_ASSIGN_OR_RETURN(c.argument_types, r.read_string_list("argument types"));
  }
  return c;
}

util::Result<ErrorResponse> read_error(WireReader& r, bool* known) {
  ErrorResponse e;
  MEDALLION_ASSIGN_OR_RETURN(int32_t code, r.read_int("error code"));
  e.code = static_cast<ErrorCode>(code);
  MEDALLION_ASSIGN_OR_RETURN(std::string_view message, r.read_string("error message"));
  e.message.assign(message);
  const auto replicas = [&]() -> util::Status {
    MEDALLION_ASSIGN_OR_RETURN(e.consistency, r.read_consistency("consistency"));
    MEDALLION_ASSIGN_OR_RETURN(e.received, r.read_int("received"));
    MEDALLION_ASSIGN_OR_RETURN(e.block_for, r.read_int("block_for"));
    return util::Status::ok();
  };
  const auto data_present = [&]() -> util::Status {
    MEDALLION_ASSIGN_OR_RETURN(uint8_t b, r.read_byte("data_present"));
    e.data_present = b != 0;
    return util::Status::ok();
  };
  const auto write_type = [&]() -> util::Status {
    MEDALLION_ASSIGN_OR_RETURN(std::string_view wt, r.read_string("write_type"));
    e.write_type.assign(wt);
    return util::Status::ok();
  };
  *known = true;
  switch (e.code) {
    case ErrorCode::kServerError:
    case ErrorCode::kProtocolError:
    case ErrorCode::kBadCredentials:
    case ErrorCode::kOverloaded:
    case ErrorCode::kIsBootstrapping:
    case ErrorCode::kTruncateError:
    case ErrorCode::kSyntaxError:
    case ErrorCode::kUnauthorized:
    case ErrorCode::kInvalid:
    case ErrorCode::kConfigError:
      break;
    case ErrorCode::kUnavailable: {
      MEDALLION_ASSIGN_OR_RETURN(e.consistency, r.read_consistency("consistency"));
      MEDALLION_ASSIGN_OR_RETURN(e.required, r.read_int("required"));
      MEDALLION_ASSIGN_OR_RETURN(e.alive, r.read_int("alive"));
      break;
    }
    case ErrorCode::kWriteTimeout:
      MEDALLION_RETURN_IF_ERROR(replicas());
      MEDALLION_RETURN_IF_ERROR(write_type());
      break;
    case ErrorCode::kReadTimeout:
      MEDALLION_RETURN_IF_ERROR(replicas());
      MEDALLION_RETURN_IF_ERROR(data_present());
      break;
    case ErrorCode::kReadFailure: {
      MEDALLION_RETURN_IF_ERROR(replicas());
      MEDALLION_ASSIGN_OR_RETURN(e.num_failures, r.read_int("num_failures"));
      MEDALLION_RETURN_IF_ERROR(data_present());
      break;
    }
    case ErrorCode::kWriteFailure: {
      MEDALLION_RETURN_IF_ERROR(replicas());
      MEDALLION_ASSIGN_OR_RETURN(e.num_failures, r.read_int("num_failures"));
      MEDALLION_RETURN_IF_ERROR(write_type());
      break;
    }
    case ErrorCode::kFunctionFailure: {
      MEDALLION_ASSIGN_OR_RETURN(std::string_view ks, r.read_string("keyspace"));
      MEDALLION_ASSIGN_OR_RETURN(std::string_view fn, r.read_string("function"));
      e.keyspace.assign(ks);
      e.name.assign(fn);
      MEDALLION_ASSIGN_OR_RETURN(e.argument_types, r.read_string_list("argument types"));
      break;
    }
    case ErrorCode::kAlreadyExists: {
      MEDALLION_ASSIGN_OR_RETURN(std::string_view ks, r.read_string("keyspace"));
      MEDALLION_ASSIGN_OR_RETURN(std::string_view table, r.read_string("table"));
      e.keyspace.assign(ks);
      e.name.assign(table);
      break;
    }
    case ErrorCode::kUnprepared: {
      MEDALLION_ASSIGN_OR_RETURN(std::string_view id, r.read_short_bytes("unprepared id"));
      e.unprepared_id.assign(id);
      break;
    }
    default:
      *known = false;
      break;
  }
  return e;
}

util::Result<RowsResult> read_rows(WireReader& r) {
  RowsResult rows;
  MEDALLION_ASSIGN_OR_RETURN(rows.metadata, read_result_metadata(r));
  const int32_t width = rows.metadata.column_count
                            ? *rows.metadata.column_count
                            : static_cast<int32_t>(rows.metadata.columns.size());
  MEDALLION_ASSIGN_OR_RETURN(int32_t count, read_count(r, "rows count"));
  // Each cell takes at least its [bytes] length.
  if (width == 0 ? count > kMaxEmptyRows
                 : r.remaining() / 4 / static_cast<size_t>(width) < static_cast<size_t>(count)) {
    return r.error(fmt::format("{} rows of {} columns claimed but only {} bytes remain", count,
                               width, r.remaining()),
                   "rows count", kHint);
  }
  rows.rows.reserve(static_cast<size_t>(count));
  for (int32_t i = 0; i < count; ++i) {
    std::vector<std::optional<std::string>> row;
    row.reserve(static_cast<size_t>(width));
    for (int32_t j = 0; j < width; ++j) {
      MEDALLION_ASSIGN_OR_RETURN(std::optional<std::string_view> cell, r.read_bytes("cell"));
      if (cell) {
        row.emplace_back(std::string(*cell));
      } else {
        row.emplace_back(std::nullopt);
      }
    }
    rows.rows.push_back(std::move(row));
  }
  return rows;
}

util::Result<PreparedResult> read_prepared(WireReader& r) {
  PreparedResult p;
  MEDALLION_ASSIGN_OR_RETURN(std::string_view id, r.read_short_bytes("prepared id"));
  p.id.assign(id);
  MEDALLION_ASSIGN_OR_RETURN(int32_t flags, r.read_int("prepared metadata flags"));
  MEDALLION_ASSIGN_OR_RETURN(int32_t columns, read_count(r, "bind marker count"));
  MEDALLION_ASSIGN_OR_RETURN(int32_t pk_count, read_count(r, "partition key count"));
  if (r.remaining() / 2 < static_cast<size_t>(pk_count)) {
    return r.error(fmt::format("{} partition key indices claimed but only {} bytes remain",
                               pk_count, r.remaining()),
                   "partition key count", kHint);
  }
  p.partition_key_indices.reserve(static_cast<size_t>(pk_count));
  for (int32_t i = 0; i < pk_count; ++i) {
    MEDALLION_ASSIGN_OR_RETURN(uint16_t index, r.read_short("partition key index"));
    if (index >= columns) {
      return r.error(fmt::format("partition key index {} for {} bind markers", index, columns),
                     "partition key index", kHint);
    }
    p.partition_key_indices.push_back(index);
  }
  MEDALLION_RETURN_IF_ERROR(
      read_column_specs(r, columns, (flags & kRowsGlobalTablesSpec) != 0, &p.bind_columns));
  MEDALLION_ASSIGN_OR_RETURN(p.result_metadata, read_result_metadata(r));
  return p;
}

util::Result<ResponseMessage> read_result(WireReader& r) {
  MEDALLION_ASSIGN_OR_RETURN(int32_t kind, r.read_int("result kind"));
  switch (static_cast<ResultKind>(kind)) {
    case ResultKind::kVoid:
      return ResponseMessage(VoidResponse{});
    case ResultKind::kRows: {
      MEDALLION_ASSIGN_OR_RETURN(RowsResult rows, read_rows(r));
      return ResponseMessage(std::move(rows));
    }
    case ResultKind::kSetKeyspace: {
      MEDALLION_ASSIGN_OR_RETURN(std::string_view ks, r.read_string("keyspace"));
      return ResponseMessage(SetKeyspaceResponse{std::string(ks)});
    }
    case ResultKind::kPrepared: {
      MEDALLION_ASSIGN_OR_RETURN(PreparedResult p, read_prepared(r));
      return ResponseMessage(std::move(p));
    }
    case ResultKind::kSchemaChange: {
      MEDALLION_ASSIGN_OR_RETURN(SchemaChange c, read_schema_change(r));
      return ResponseMessage(SchemaChangeResponse{std::move(c)});
    }
  }
  return r.error(fmt::format("unknown result kind {}", kind), "result kind", kHint);
}

util::Result<ResponseMessage> read_event(WireReader& r) {
  MEDALLION_ASSIGN_OR_RETURN(std::string_view type, r.read_string("event type"));
  if (type == "TOPOLOGY_CHANGE" || type == "STATUS_CHANGE") {
    MEDALLION_ASSIGN_OR_RETURN(std::string_view change, r.read_string("change"));
    MEDALLION_ASSIGN_OR_RETURN(Inet address, r.read_inet("address"));
    if (type == "TOPOLOGY_CHANGE") {
      return ResponseMessage(Event(TopologyChangeEvent{std::string(change), std::move(address)}));
    }
    return ResponseMessage(Event(StatusChangeEvent{std::string(change), std::move(address)}));
  }
  if (type == "SCHEMA_CHANGE") {
    MEDALLION_ASSIGN_OR_RETURN(SchemaChange c, read_schema_change(r));
    return ResponseMessage(Event(std::move(c)));
  }
  return r.error(fmt::format("unknown event type '{}'", type), "event type", kHint);
}

}  // namespace

util::Result<ResultMetadata> read_result_metadata(WireReader& r) {
  ResultMetadata m;
  MEDALLION_ASSIGN_OR_RETURN(int32_t flags, r.read_int("metadata flags"));
  MEDALLION_ASSIGN_OR_RETURN(int32_t count, read_count(r, "column count"));
  if ((flags & kRowsHasMorePages) != 0) {
    MEDALLION_ASSIGN_OR_RETURN(std::optional<std::string_view> state, r.read_bytes("paging state"));
    if (!state) return r.error("Has_more_pages with a null paging state", "paging state", kHint);
    m.paging_state.emplace(*state);
  }
  if ((flags & kRowsNoMetadata) != 0) {
    m.no_metadata = true;
    m.column_count = count;
    return m;
  }
  MEDALLION_RETURN_IF_ERROR(
      read_column_specs(r, count, (flags & kRowsGlobalTablesSpec) != 0, &m.columns));
  return m;
}

util::Result<Response> parse_response(Opcode opcode, uint8_t flags, std::string_view body) {
  const std::string_view context = response_context(opcode);
  WireReader r(body, context);
  Response response;
  if ((flags & kFlagTracing) != 0) {
    MEDALLION_ASSIGN_OR_RETURN(std::string_view id, r.read_raw(16, "tracing id"));
    Uuid uuid;
    std::memcpy(uuid.bytes.data(), id.data(), 16);
    response.tracing_id = uuid;
  }
  if ((flags & kFlagWarning) != 0) {
    MEDALLION_ASSIGN_OR_RETURN(response.warnings, r.read_string_list("warnings"));
  }
  if ((flags & kFlagCustomPayload) != 0) {
    MEDALLION_ASSIGN_OR_RETURN(BytesMap payload, r.read_bytes_map("custom payload"));
    response.custom_payload = std::move(payload);
  }
  bool check_end = true;
  switch (opcode) {
    case Opcode::kError: {
      bool known = true;
      MEDALLION_ASSIGN_OR_RETURN(ErrorResponse e, read_error(r, &known));
      check_end = known;
      response.message = std::move(e);
      break;
    }
    case Opcode::kReady:
      response.message = ReadyResponse{};
      break;
    case Opcode::kAuthenticate: {
      MEDALLION_ASSIGN_OR_RETURN(std::string_view name, r.read_string("authenticator"));
      response.message = AuthenticateResponse{std::string(name)};
      break;
    }
    case Opcode::kAuthChallenge: {
      MEDALLION_ASSIGN_OR_RETURN(std::optional<std::string> token, read_token(r));
      response.message = AuthChallengeResponse{std::move(token)};
      break;
    }
    case Opcode::kAuthSuccess: {
      MEDALLION_ASSIGN_OR_RETURN(std::optional<std::string> token, read_token(r));
      response.message = AuthSuccessResponse{std::move(token)};
      break;
    }
    case Opcode::kSupported: {
      MEDALLION_ASSIGN_OR_RETURN(StringMultimap options, r.read_string_multimap("options"));
      response.message = SupportedResponse{std::move(options)};
      break;
    }
    case Opcode::kResult: {
      MEDALLION_ASSIGN_OR_RETURN(response.message, read_result(r));
      break;
    }
    case Opcode::kEvent: {
      MEDALLION_ASSIGN_OR_RETURN(response.message, read_event(r));
      break;
    }
    default:
      return util::Status::corruption(fmt::format(
          "cql: {} is not a response (opcode 0x{:02X}): the server sent a malformed response",
          opcode_name(opcode), static_cast<uint8_t>(opcode)));
  }
  if (check_end && !r.at_end()) {
    return r.error(fmt::format("{} bytes left over after the message", r.remaining()),
                   "end of body", kHint);
  }
  return response;
}

std::string_view response_name(const ResponseMessage& message) {
  static constexpr std::string_view kNames[] = {"ERROR",
                                                "READY",
                                                "AUTHENTICATE",
                                                "AUTH_CHALLENGE",
                                                "AUTH_SUCCESS",
                                                "SUPPORTED",
                                                "RESULT(Void)",
                                                "RESULT(Rows)",
                                                "RESULT(Set_keyspace)",
                                                "RESULT(Prepared)",
                                                "RESULT(Schema_change)",
                                                "EVENT"};
  static_assert(std::size(kNames) == std::variant_size_v<ResponseMessage>);
  return kNames[message.index()];
}

}  // namespace medallion::cql
