#include "cql/protocol/messages.h"

#include <fmt/format.h>

#include <limits>

namespace medallion::cql {
namespace {

constexpr size_t kMaxShortLength = std::numeric_limits<uint16_t>::max();

// ------------------------------------------------------------- parsing --

util::Status parse_values(WireReader& r, bool named, std::vector<Value>* values,
                          std::vector<std::string>* names) {
  MEDALLION_ASSIGN_OR_RETURN(uint16_t n, r.read_short("value count"));
  // Each [value] takes at least its 4-byte length (a name 2 more).
  if (r.remaining() / (named ? 6 : 4) < n) {
    return r.error(fmt::format("{} values claimed but only {} bytes remain", n, r.remaining()),
                   "value count");
  }
  values->reserve(n);
  if (named) names->reserve(n);
  for (uint16_t i = 0; i < n; ++i) {
    if (named) {
      MEDALLION_ASSIGN_OR_RETURN(std::string_view name, r.read_string("value name"));
      names->emplace_back(name);
    }
    MEDALLION_ASSIGN_OR_RETURN(Value v, r.read_value("value"));
    values->push_back(std::move(v));
  }
  return util::Status::ok();
}

util::Result<QueryParameters> parse_query_parameters(WireReader& r) {
  QueryParameters p;
  MEDALLION_ASSIGN_OR_RETURN(p.consistency, r.read_consistency("consistency"));
  MEDALLION_ASSIGN_OR_RETURN(uint8_t flags, r.read_byte("query flags"));
  if ((flags & 0x80) != 0) {
    return r.error(fmt::format("query flags 0x{:02X} set bit 0x80, unknown in protocol v4", flags),
                   "query flags", "protocol v4 defines flags 0x01-0x40");
  }
  if ((flags & kQueryValues) != 0) {
    MEDALLION_RETURN_IF_ERROR(
        parse_values(r, (flags & kQueryValueNames) != 0, &p.values, &p.value_names));
  }
  p.skip_metadata = (flags & kQuerySkipMetadata) != 0;
  if ((flags & kQueryPageSize) != 0) {
    MEDALLION_ASSIGN_OR_RETURN(int32_t size, r.read_int("page size"));
    p.page_size = size;
  }
  if ((flags & kQueryPagingState) != 0) {
    MEDALLION_ASSIGN_OR_RETURN(std::optional<std::string_view> state, r.read_bytes("paging state"));
    if (state) p.paging_state.emplace(*state);
  }
  if ((flags & kQuerySerialConsistency) != 0) {
    MEDALLION_ASSIGN_OR_RETURN(Consistency c, r.read_consistency("serial consistency"));
    p.serial_consistency = c;
  }
  if ((flags & kQueryDefaultTimestamp) != 0) {
    MEDALLION_ASSIGN_OR_RETURN(int64_t ts, r.read_long("default timestamp"));
    p.default_timestamp = ts;
  }
  return p;
}

util::Result<BatchRequest> parse_batch(WireReader& r) {
  BatchRequest b;
  MEDALLION_ASSIGN_OR_RETURN(uint8_t type, r.read_byte("batch type"));
  if (type > 2) {
    return r.error(fmt::format("unknown batch type {}", type), "batch type",
                   "use 0 (logged), 1 (unlogged) or 2 (counter)");
  }
  b.type = static_cast<BatchType>(type);
  MEDALLION_ASSIGN_OR_RETURN(uint16_t n, r.read_short("statement count"));
  // kind + shortest id + value count: at least 5 bytes a statement.
  if (r.remaining() / 5 < n) {
    return r.error(fmt::format("{} statements claimed but only {} bytes remain", n, r.remaining()),
                   "statement count");
  }
  b.statements.reserve(n);
  for (uint16_t i = 0; i < n; ++i) {
    BatchStatement st;
    MEDALLION_ASSIGN_OR_RETURN(uint8_t kind, r.read_byte("statement kind"));
    if (kind == 0) {
      MEDALLION_ASSIGN_OR_RETURN(std::string_view q, r.read_long_string("batch query"));
      st.query_or_id.assign(q);
    } else if (kind == 1) {
      MEDALLION_ASSIGN_OR_RETURN(std::string_view id, r.read_short_bytes("batch prepared id"));
      st.prepared = true;
      st.query_or_id.assign(id);
    } else {
      return r.error(fmt::format("unknown batch statement kind {}", kind), "statement kind",
                     "use 0 (query string) or 1 (prepared id)");
    }
    MEDALLION_RETURN_IF_ERROR(parse_values(r, false, &st.values, nullptr));
    b.statements.push_back(std::move(st));
  }
  MEDALLION_ASSIGN_OR_RETURN(b.consistency, r.read_consistency("consistency"));
  MEDALLION_ASSIGN_OR_RETURN(uint8_t flags, r.read_byte("batch flags"));
  if ((flags & kQueryValueNames) != 0) {
    return r.error("named values in a BATCH", "batch flags",
                   "the spec calls flag 0x40 unimplementable (CASSANDRA-10246); send positional "
                   "values");
  }
  if ((flags & 0x8F) != 0) {
    return r.error(fmt::format("batch flags 0x{:02X} set bits other than 0x10, 0x20", flags),
                   "batch flags", "a BATCH takes only serial consistency and timestamp flags");
  }
  if ((flags & kQuerySerialConsistency) != 0) {
    MEDALLION_ASSIGN_OR_RETURN(Consistency c, r.read_consistency("serial consistency"));
    b.serial_consistency = c;
  }
  if ((flags & kQueryDefaultTimestamp) != 0) {
    MEDALLION_ASSIGN_OR_RETURN(int64_t ts, r.read_long("default timestamp"));
    b.default_timestamp = ts;
  }
  return b;
}

util::Result<RequestMessage> parse_message(Opcode opcode, WireReader& r) {
  switch (opcode) {
    case Opcode::kStartup: {
      MEDALLION_ASSIGN_OR_RETURN(StringMap options, r.read_string_map("startup options"));
      return RequestMessage(StartupRequest{std::move(options)});
    }
    case Opcode::kAuthResponse: {
      MEDALLION_ASSIGN_OR_RETURN(std::optional<std::string_view> token, r.read_bytes("auth token"));
      AuthResponseRequest a;
      if (token) a.token.emplace(*token);
      return RequestMessage(std::move(a));
    }
    case Opcode::kOptions:
      return RequestMessage(OptionsRequest{});
    case Opcode::kQuery: {
      QueryRequest q;
      MEDALLION_ASSIGN_OR_RETURN(std::string_view text, r.read_long_string("query"));
      q.query.assign(text);
      MEDALLION_ASSIGN_OR_RETURN(q.parameters, parse_query_parameters(r));
      return RequestMessage(std::move(q));
    }
    case Opcode::kPrepare: {
      MEDALLION_ASSIGN_OR_RETURN(std::string_view text, r.read_long_string("query"));
      return RequestMessage(PrepareRequest{std::string(text)});
    }
    case Opcode::kExecute: {
      ExecuteRequest e;
      MEDALLION_ASSIGN_OR_RETURN(std::string_view id, r.read_short_bytes("prepared id"));
      e.id.assign(id);
      MEDALLION_ASSIGN_OR_RETURN(e.parameters, parse_query_parameters(r));
      return RequestMessage(std::move(e));
    }
    case Opcode::kBatch: {
      MEDALLION_ASSIGN_OR_RETURN(BatchRequest b, parse_batch(r));
      return RequestMessage(std::move(b));
    }
    case Opcode::kRegister: {
      MEDALLION_ASSIGN_OR_RETURN(std::vector<std::string> types, r.read_string_list("event types"));
      return RequestMessage(RegisterRequest{std::move(types)});
    }
    default:
      break;
  }
  return util::Status::unsupported(fmt::format(
      "cql: {} is not a request (opcode 0x{:02X}): a client sends only STARTUP, AUTH_RESPONSE, "
      "OPTIONS, QUERY, PREPARE, EXECUTE, BATCH and REGISTER",
      opcode_name(opcode), static_cast<uint8_t>(opcode)));
}

// ------------------------------------------------------- serialization --

void write_values(WireWriter& w, const std::vector<Value>& values,
                  const std::vector<std::string>* names) {
  if (values.size() > kMaxShortLength) {
    w.record_error(util::Status::invalid_argument(fmt::format(
        "cql: {} values (protocol writer): a [short] count holds at most 65535; bind fewer",
        values.size())));
    return;
  }
  w.write_short(static_cast<uint16_t>(values.size()));
  for (size_t i = 0; i < values.size(); ++i) {
    if (names != nullptr) w.write_string(i < names->size() ? (*names)[i] : std::string());
    w.write_value(values[i]);
  }
}

void write_query_parameters(WireWriter& w, const QueryParameters& p) {
  uint8_t flags = 0;
  const bool named = !p.value_names.empty();
  if (!p.values.empty() || named) flags |= kQueryValues;
  if (named) flags |= kQueryValueNames;
  if (p.skip_metadata) flags |= kQuerySkipMetadata;
  if (p.page_size) flags |= kQueryPageSize;
  if (p.paging_state) flags |= kQueryPagingState;
  if (p.serial_consistency) flags |= kQuerySerialConsistency;
  if (p.default_timestamp) flags |= kQueryDefaultTimestamp;
  w.write_consistency(p.consistency);
  w.write_byte(flags);
  if ((flags & kQueryValues) != 0) write_values(w, p.values, named ? &p.value_names : nullptr);
  if (p.page_size) w.write_int(*p.page_size);
  if (p.paging_state) w.write_bytes(std::string_view(*p.paging_state));
  if (p.serial_consistency) w.write_consistency(*p.serial_consistency);
  if (p.default_timestamp) w.write_long(*p.default_timestamp);
}

struct MessageWriter {
  WireWriter& w;
  void operator()(const StartupRequest& m) { w.write_string_map(m.options); }
  void operator()(const AuthResponseRequest& m) {
    if (m.token) {
      w.write_bytes(std::string_view(*m.token));
    } else {
      w.write_bytes(std::nullopt);
    }
  }
  void operator()(const OptionsRequest&) {}
  void operator()(const QueryRequest& m) {
    w.write_long_string(m.query);
    write_query_parameters(w, m.parameters);
  }
  void operator()(const PrepareRequest& m) { w.write_long_string(m.query); }
  void operator()(const ExecuteRequest& m) {
    w.write_short_bytes(m.id);
    write_query_parameters(w, m.parameters);
  }
  void operator()(const BatchRequest& m) {
    w.write_byte(static_cast<uint8_t>(m.type));
    if (m.statements.size() > kMaxShortLength) {
      w.record_error(util::Status::invalid_argument(fmt::format(
          "cql: {} statements in a BATCH (protocol writer): at most 65535; split the batch",
          m.statements.size())));
      return;
    }
    w.write_short(static_cast<uint16_t>(m.statements.size()));
    for (const auto& s : m.statements) {
      w.write_byte(s.prepared ? 1 : 0);
      if (s.prepared) {
        w.write_short_bytes(s.query_or_id);
      } else {
        w.write_long_string(s.query_or_id);
      }
      write_values(w, s.values, nullptr);
    }
    w.write_consistency(m.consistency);
    uint8_t flags = 0;
    if (m.serial_consistency) flags |= kQuerySerialConsistency;
    if (m.default_timestamp) flags |= kQueryDefaultTimestamp;
    w.write_byte(flags);
    if (m.serial_consistency) w.write_consistency(*m.serial_consistency);
    if (m.default_timestamp) w.write_long(*m.default_timestamp);
  }
  void operator()(const RegisterRequest& m) { w.write_string_list(m.event_types); }
};

util::Result<std::string> finish(std::string out, const WireWriter& w) {
  if (!w.ok()) return w.status();
  return out;
}

// Cuts a message to at most `max` bytes without splitting a UTF-8 sequence.
std::string_view cut_utf8(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<uint8_t>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

void write_column_spec_list(WireWriter& w, const std::vector<ColumnSpec>& columns, bool global) {
  if (global) {
    w.write_string(columns[0].keyspace);
    w.write_string(columns[0].table);
  }
  for (const auto& c : columns) {
    if (!global) {
      w.write_string(c.keyspace);
      w.write_string(c.table);
    }
    w.write_string(c.name);
    write_type(w, c.type);
  }
}

bool shares_one_table(const std::vector<ColumnSpec>& columns) {
  if (columns.empty()) return false;
  for (const auto& c : columns) {
    if (c.keyspace != columns[0].keyspace || c.table != columns[0].table) return false;
  }
  return true;
}

util::Status check_count(size_t n, std::string_view what) {
  if (n <= static_cast<size_t>(std::numeric_limits<int32_t>::max())) return util::Status::ok();
  return util::Status::invalid_argument(
      fmt::format("cql: {} {} do not fit an [int] (result writer): send fewer", n, what));
}

std::string_view change_name(SchemaChangeType c) {
  switch (c) {
    case SchemaChangeType::kCreated:
      return "CREATED";
    case SchemaChangeType::kUpdated:
      return "UPDATED";
    case SchemaChangeType::kDropped:
      return "DROPPED";
  }
  return "UPDATED";
}

std::string_view target_name(SchemaChangeTarget t) {
  switch (t) {
    case SchemaChangeTarget::kKeyspace:
      return "KEYSPACE";
    case SchemaChangeTarget::kTable:
      return "TABLE";
    case SchemaChangeTarget::kType:
      return "TYPE";
    case SchemaChangeTarget::kFunction:
      return "FUNCTION";
    case SchemaChangeTarget::kAggregate:
      return "AGGREGATE";
  }
  return "KEYSPACE";
}

void write_schema_change(WireWriter& w, const SchemaChange& c) {
  w.write_string(change_name(c.change));
  w.write_string(target_name(c.target));
  w.write_string(c.keyspace);
  switch (c.target) {
    case SchemaChangeTarget::kKeyspace:
      break;
    case SchemaChangeTarget::kTable:
    case SchemaChangeTarget::kType:
      w.write_string(c.name);
      break;
    case SchemaChangeTarget::kFunction:
    case SchemaChangeTarget::kAggregate:
      w.write_string(c.name);
      w.write_string_list(c.argument_types);
      break;
  }
}

// The context a body's WireReader names in its errors (a literal: the reader
// keeps only a view).
std::string_view body_context(Opcode opcode) {
  switch (opcode) {
    case Opcode::kStartup:
      return "STARTUP body";
    case Opcode::kAuthResponse:
      return "AUTH_RESPONSE body";
    case Opcode::kOptions:
      return "OPTIONS body";
    case Opcode::kQuery:
      return "QUERY body";
    case Opcode::kPrepare:
      return "PREPARE body";
    case Opcode::kExecute:
      return "EXECUTE body";
    case Opcode::kBatch:
      return "BATCH body";
    case Opcode::kRegister:
      return "REGISTER body";
    default:
      return "message body";
  }
}

util::Result<std::string> token_body(std::optional<std::string_view> token) {
  std::string out;
  WireWriter w(&out);
  w.write_bytes(token);
  return finish(std::move(out), w);
}

}  // namespace

Opcode request_opcode(const RequestMessage& message) {
  static constexpr Opcode kOpcodes[] = {Opcode::kStartup, Opcode::kAuthResponse, Opcode::kOptions,
                                        Opcode::kQuery,   Opcode::kPrepare,      Opcode::kExecute,
                                        Opcode::kBatch,   Opcode::kRegister};
  static_assert(std::size(kOpcodes) == std::variant_size_v<RequestMessage>);
  return kOpcodes[message.index()];
}

util::Result<Request> parse_request(Opcode opcode, uint8_t flags, std::string_view body) {
  WireReader r(body, body_context(opcode));
  Request request;
  if ((flags & kFlagCustomPayload) != 0) {
    MEDALLION_ASSIGN_OR_RETURN(BytesMap payload, r.read_bytes_map("custom payload"));
    request.custom_payload = std::move(payload);
  }
  MEDALLION_ASSIGN_OR_RETURN(request.message, parse_message(opcode, r));
  MEDALLION_RETURN_IF_ERROR(r.expect_end());
  return request;
}

util::Result<std::string> serialize_request(const Request& request) {
  std::string out;
  WireWriter w(&out);
  if (request.custom_payload) w.write_bytes_map(*request.custom_payload);
  std::visit(MessageWriter{w}, request.message);
  return finish(std::move(out), w);
}

std::string serialize_error(const ErrorResponse& e) {
  std::string out;
  WireWriter w(&out);
  w.write_int(static_cast<int32_t>(e.code));
  w.write_string(cut_utf8(e.message, kMaxShortLength));
  const auto clip = [](const std::string& s) { return cut_utf8(s, kMaxShortLength); };
  // The fields the timeout and failure errors start with.
  const auto replicas = [&] {
    w.write_consistency(e.consistency);
    w.write_int(e.received);
    w.write_int(e.block_for);
  };
  switch (e.code) {
    case ErrorCode::kUnavailable:
      w.write_consistency(e.consistency);
      w.write_int(e.required);
      w.write_int(e.alive);
      break;
    case ErrorCode::kWriteTimeout:
      replicas();
      w.write_string(clip(e.write_type));
      break;
    case ErrorCode::kReadTimeout:
      replicas();
      w.write_byte(e.data_present ? 1 : 0);
      break;
    case ErrorCode::kReadFailure:
      replicas();
      w.write_int(e.num_failures);
      w.write_byte(e.data_present ? 1 : 0);
      break;
    case ErrorCode::kWriteFailure:
      replicas();
      w.write_int(e.num_failures);
      w.write_string(clip(e.write_type));
      break;
    case ErrorCode::kFunctionFailure: {
      w.write_string(clip(e.keyspace));
      w.write_string(clip(e.name));
      std::vector<std::string> args;
      for (size_t i = 0; i < e.argument_types.size() && i < kMaxShortLength; ++i) {
        args.emplace_back(clip(e.argument_types[i]));
      }
      w.write_string_list(args);
      break;
    }
    case ErrorCode::kAlreadyExists:
      w.write_string(clip(e.keyspace));
      w.write_string(clip(e.name));
      break;
    case ErrorCode::kUnprepared:
      w.write_short_bytes(e.unprepared_id.substr(0, kMaxShortLength));
      break;
    default:
      break;
  }
  return out;  // every field was clipped to fit: the writer cannot fail
}

std::string serialize_rejection(const FrameRejection& rejection) {
  ErrorResponse e;
  e.code = ErrorCode::kProtocolError;
  e.message = rejection.message;
  const std::string body = serialize_error(e);
  FrameHeader h;
  h.version = kProtocolV4;
  h.response = true;
  h.stream = rejection.stream;
  h.opcode = Opcode::kError;
  h.length = static_cast<uint32_t>(body.size());
  return encode_frame_header(h) + body;
}

util::Result<std::string> serialize_authenticate(std::string_view authenticator_class) {
  std::string out;
  WireWriter w(&out);
  w.write_string(authenticator_class);
  return finish(std::move(out), w);
}

util::Result<std::string> serialize_auth_challenge(std::optional<std::string_view> token) {
  return token_body(token);
}

util::Result<std::string> serialize_auth_success(std::optional<std::string_view> token) {
  return token_body(token);
}

util::Result<std::string> serialize_supported(const StringMultimap& options) {
  std::string out;
  WireWriter w(&out);
  w.write_string_multimap(options);
  return finish(std::move(out), w);
}

void write_result_metadata(WireWriter& w, const ResultMetadata& m) {
  const bool global = !m.no_metadata && shares_one_table(m.columns);
  int32_t flags = 0;
  if (global) flags |= kRowsGlobalTablesSpec;
  if (m.paging_state) flags |= kRowsHasMorePages;
  if (m.no_metadata) flags |= kRowsNoMetadata;
  w.write_int(flags);
  const size_t count = m.column_count ? static_cast<size_t>(*m.column_count) : m.columns.size();
  w.write_int(static_cast<int32_t>(count));
  if (m.paging_state) w.write_bytes(std::string_view(*m.paging_state));
  if (!m.no_metadata) write_column_spec_list(w, m.columns, global);
}

util::Result<std::string> serialize_void_result() {
  std::string out;
  WireWriter w(&out);
  w.write_int(static_cast<int32_t>(ResultKind::kVoid));
  return out;
}

util::Result<std::string> serialize_rows_result(const RowsResult& rows) {
  const ResultMetadata& m = rows.metadata;
  MEDALLION_RETURN_IF_ERROR(check_count(rows.rows.size(), "rows"));
  MEDALLION_RETURN_IF_ERROR(check_count(m.columns.size(), "columns"));
  const size_t width = m.column_count ? static_cast<size_t>(*m.column_count) : m.columns.size();
  if (m.column_count && *m.column_count < 0) {
    return util::Status::invalid_argument(fmt::format(
        "cql: a negative column count {} (result writer): count the columns", *m.column_count));
  }
  if (!m.no_metadata && m.column_count && width != m.columns.size()) {
    return util::Status::invalid_argument(fmt::format(
        "cql: column_count {} but {} column specs (result writer): they must agree unless "
        "No_metadata is set",
        width, m.columns.size()));
  }
  for (size_t i = 0; i < rows.rows.size(); ++i) {
    if (rows.rows[i].size() != width) {
      return util::Status::invalid_argument(fmt::format(
          "cql: row {} has {} values for {} columns (result writer): give every row one value "
          "(or null) per column",
          i, rows.rows[i].size(), width));
    }
  }
  std::string out;
  WireWriter w(&out);
  w.write_int(static_cast<int32_t>(ResultKind::kRows));
  write_result_metadata(w, m);
  w.write_int(static_cast<int32_t>(rows.rows.size()));
  for (const auto& row : rows.rows) {
    for (const auto& v : row) {
      if (v) {
        w.write_bytes(std::string_view(*v));
      } else {
        w.write_bytes(std::nullopt);
      }
    }
  }
  return finish(std::move(out), w);
}

util::Result<std::string> serialize_set_keyspace_result(std::string_view keyspace) {
  std::string out;
  WireWriter w(&out);
  w.write_int(static_cast<int32_t>(ResultKind::kSetKeyspace));
  w.write_string(keyspace);
  return finish(std::move(out), w);
}

util::Result<std::string> serialize_prepared_result(const PreparedResult& p) {
  MEDALLION_RETURN_IF_ERROR(check_count(p.bind_columns.size(), "bind markers"));
  MEDALLION_RETURN_IF_ERROR(check_count(p.result_metadata.columns.size(), "columns"));
  for (uint16_t index : p.partition_key_indices) {
    if (index >= p.bind_columns.size()) {
      return util::Status::invalid_argument(fmt::format(
          "cql: partition key index {} for {} bind markers (prepared result writer): an index "
          "names a bind marker",
          index, p.bind_columns.size()));
    }
  }
  std::string out;
  WireWriter w(&out);
  w.write_int(static_cast<int32_t>(ResultKind::kPrepared));
  w.write_short_bytes(p.id);
  const bool global = shares_one_table(p.bind_columns);
  w.write_int(global ? kRowsGlobalTablesSpec : 0);
  w.write_int(static_cast<int32_t>(p.bind_columns.size()));
  w.write_int(static_cast<int32_t>(p.partition_key_indices.size()));
  for (uint16_t index : p.partition_key_indices) w.write_short(index);
  write_column_spec_list(w, p.bind_columns, global);
  write_result_metadata(w, p.result_metadata);
  return finish(std::move(out), w);
}

util::Result<std::string> serialize_schema_change_result(const SchemaChange& change) {
  std::string out;
  WireWriter w(&out);
  w.write_int(static_cast<int32_t>(ResultKind::kSchemaChange));
  write_schema_change(w, change);
  return finish(std::move(out), w);
}

util::Result<std::string> serialize_event(const Event& event) {
  std::string out;
  WireWriter w(&out);
  if (const auto* t = std::get_if<TopologyChangeEvent>(&event)) {
    w.write_string("TOPOLOGY_CHANGE");
    w.write_string(t->change);
    w.write_inet(t->address);
  } else if (const auto* s = std::get_if<StatusChangeEvent>(&event)) {
    w.write_string("STATUS_CHANGE");
    w.write_string(s->change);
    w.write_inet(s->address);
  } else {
    w.write_string("SCHEMA_CHANGE");
    write_schema_change(w, std::get<SchemaChange>(event));
  }
  return finish(std::move(out), w);
}

}  // namespace medallion::cql
