// parse_response: round trips through messages.h's serializers for every
// response kind, the tracing / warning / custom payload prefixes, and
// truncated or garbage bodies (corruption, never a crash).
#include "cql/protocol/response_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "cql_test_util.h"

namespace medallion::cql {
namespace {

using testing::hex;
using testing::str;

// The message as a T (a copy: the Result is often a temporary); T{} after a
// test failure when it is not one.
template <typename T>
T message_as(const util::Result<Response>& r) {
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  if (!r.is_ok()) return T{};
  const T* m = std::get_if<T>(&r->message);
  EXPECT_NE(m, nullptr) << response_name(r->message);
  return m != nullptr ? *m : T{};
}

ErrorResponse error_round_trip(const ErrorResponse& e) {
  return message_as<ErrorResponse>(parse_response(Opcode::kError, 0, serialize_error(e)));
}

// Every truncation of a valid body must fail cleanly.
void expect_every_prefix_fails(Opcode opcode, const std::string& body) {
  for (size_t n = 0; n < body.size(); ++n) {
    auto r = parse_response(opcode, 0, std::string_view(body).substr(0, n));
    // Some prefixes of an ERROR with an unknown code parse; here all are known.
    EXPECT_FALSE(r.is_ok()) << "prefix of " << n << " bytes parsed";
    if (!r.is_ok()) {
      EXPECT_EQ(r.status().code(), util::StatusCode::kCorruption) << r.status().message();
    }
  }
}

ColumnSpec column(std::string ks, std::string table, std::string name, CqlType type) {
  return ColumnSpec{std::move(ks), std::move(table), std::move(name), std::move(type)};
}

TEST(ResponseParser, ReadyIsEmpty) {
  message_as<ReadyResponse>(parse_response(Opcode::kReady, 0, serialize_ready()));
}

TEST(ResponseParser, ReadyWithBytesIsCorruption) {
  auto r = parse_response(Opcode::kReady, 0, "x");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("READY response"), std::string::npos) << r.status().message();
}

TEST(ResponseParser, Authenticate) {
  auto body = serialize_authenticate("org.apache.cassandra.auth.PasswordAuthenticator");
  ASSERT_TRUE(body.is_ok());
  EXPECT_EQ(message_as<AuthenticateResponse>(parse_response(Opcode::kAuthenticate, 0, *body))
                .authenticator,
            "org.apache.cassandra.auth.PasswordAuthenticator");
}

TEST(ResponseParser, AuthChallengeAndSuccessTokens) {
  auto challenge = serialize_auth_challenge(std::string_view("\x01\x02", 2));
  ASSERT_TRUE(challenge.is_ok());
  EXPECT_EQ(message_as<AuthChallengeResponse>(parse_response(Opcode::kAuthChallenge, 0, *challenge))
                .token,
            std::optional<std::string>(std::string("\x01\x02", 2)));
  auto success = serialize_auth_success(std::nullopt);
  ASSERT_TRUE(success.is_ok());
  EXPECT_EQ(
      message_as<AuthSuccessResponse>(parse_response(Opcode::kAuthSuccess, 0, *success)).token,
      std::nullopt);
}

TEST(ResponseParser, Supported) {
  StringMultimap options = {{"CQL_VERSION", {"3.4.4"}}, {"COMPRESSION", {"lz4", "snappy"}}};
  auto body = serialize_supported(options);
  ASSERT_TRUE(body.is_ok());
  EXPECT_EQ(message_as<SupportedResponse>(parse_response(Opcode::kSupported, 0, *body)).options,
            options);
}

TEST(ResponseParser, ErrorWithoutExtraFields) {
  for (ErrorCode code :
       {ErrorCode::kServerError, ErrorCode::kProtocolError, ErrorCode::kBadCredentials,
        ErrorCode::kOverloaded, ErrorCode::kIsBootstrapping, ErrorCode::kTruncateError,
        ErrorCode::kSyntaxError, ErrorCode::kUnauthorized, ErrorCode::kInvalid,
        ErrorCode::kConfigError}) {
    ErrorResponse e;
    e.code = code;
    e.message = "boom";
    EXPECT_EQ(error_round_trip(e), e) << static_cast<int>(code);
  }
}

TEST(ResponseParser, ErrorUnavailable) {
  ErrorResponse e;
  e.code = ErrorCode::kUnavailable;
  e.message = "not enough replicas";
  e.consistency = Consistency::kQuorum;
  e.required = 2;
  e.alive = 1;
  EXPECT_EQ(error_round_trip(e), e);
  expect_every_prefix_fails(Opcode::kError, serialize_error(e));
}

TEST(ResponseParser, ErrorWriteTimeout) {
  ErrorResponse e;
  e.code = ErrorCode::kWriteTimeout;
  e.message = "timeout";
  e.consistency = Consistency::kLocalQuorum;
  e.received = 1;
  e.block_for = 2;
  e.write_type = "BATCH_LOG";
  EXPECT_EQ(error_round_trip(e), e);
}

TEST(ResponseParser, ErrorReadTimeout) {
  ErrorResponse e;
  e.code = ErrorCode::kReadTimeout;
  e.message = "timeout";
  e.consistency = Consistency::kAll;
  e.received = 2;
  e.block_for = 3;
  e.data_present = true;
  EXPECT_EQ(error_round_trip(e), e);
}

TEST(ResponseParser, ErrorReadFailure) {
  ErrorResponse e;
  e.code = ErrorCode::kReadFailure;
  e.message = "failure";
  e.consistency = Consistency::kTwo;
  e.received = 1;
  e.block_for = 2;
  e.num_failures = 1;
  e.data_present = true;
  EXPECT_EQ(error_round_trip(e), e);
}

TEST(ResponseParser, ErrorWriteFailure) {
  ErrorResponse e;
  e.code = ErrorCode::kWriteFailure;
  e.message = "failure";
  e.consistency = Consistency::kOne;
  e.received = 0;
  e.block_for = 1;
  e.num_failures = 1;
  e.write_type = "SIMPLE";
  EXPECT_EQ(error_round_trip(e), e);
}

TEST(ResponseParser, ErrorFunctionFailure) {
  ErrorResponse e;
  e.code = ErrorCode::kFunctionFailure;
  e.message = "fn threw";
  e.keyspace = "ks";
  e.name = "f";
  e.argument_types = {"int", "text"};
  EXPECT_EQ(error_round_trip(e), e);
}

TEST(ResponseParser, ErrorAlreadyExists) {
  ErrorResponse e;
  e.code = ErrorCode::kAlreadyExists;
  e.message = "exists";
  e.keyspace = "ks";
  e.name = "t";
  EXPECT_EQ(error_round_trip(e), e);
}

TEST(ResponseParser, ErrorUnprepared) {
  ErrorResponse e;
  e.code = ErrorCode::kUnprepared;
  e.message = "unknown id";
  e.unprepared_id = std::string("\x00\xff\x10", 3);
  EXPECT_EQ(error_round_trip(e), e);
  expect_every_prefix_fails(Opcode::kError, serialize_error(e));
}

TEST(ResponseParser, ErrorUnknownCodeKeepsCodeAndMessage) {
  // A v5 CAS_WRITE_UNKNOWN (0x1700) with fields this parser does not know.
  const std::string body = hex("00001700") + str("cas") + hex("0001 00000000 00000001");
  const auto& e = message_as<ErrorResponse>(parse_response(Opcode::kError, 0, body));
  EXPECT_EQ(static_cast<int32_t>(e.code), 0x1700);
  EXPECT_EQ(e.message, "cas");
}

TEST(ResponseParser, ErrorKnownCodeWithTrailingBytesIsCorruption) {
  ErrorResponse e;
  e.code = ErrorCode::kInvalid;
  e.message = "bad";
  auto r = parse_response(Opcode::kError, 0, serialize_error(e) + "!");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kCorruption);
}

TEST(ResponseParser, VoidResponse) {
  auto body = serialize_void_result();
  ASSERT_TRUE(body.is_ok());
  message_as<VoidResponse>(parse_response(Opcode::kResult, 0, *body));
}

TEST(ResponseParser, RowsWithGlobalMetadata) {
  RowsResult rows;
  rows.metadata.columns = {column("ks", "t", "k", CqlType::of(TypeId::kInt)),
                           column("ks", "t", "v", CqlType::list_of(CqlType::of(TypeId::kVarchar)))};
  rows.rows = {{std::string("\0\0\0\1", 4), std::nullopt}, {std::string("\0\0\0\2", 4), ""}};
  auto body = serialize_rows_result(rows);
  ASSERT_TRUE(body.is_ok());
  const auto& parsed = message_as<RowsResult>(parse_response(Opcode::kResult, 0, *body));
  EXPECT_EQ(parsed.metadata, rows.metadata);
  EXPECT_EQ(parsed.rows, rows.rows);
  expect_every_prefix_fails(Opcode::kResult, *body);
}

TEST(ResponseParser, RowsWithPerColumnTables) {
  RowsResult rows;
  rows.metadata.columns = {column("a", "t1", "x", CqlType::of(TypeId::kBigint)),
                           column("b", "t2", "y", CqlType::of(TypeId::kBlob))};
  rows.rows = {{std::string(8, '\0'), std::string("zz")}};
  auto body = serialize_rows_result(rows);
  ASSERT_TRUE(body.is_ok());
  const auto& parsed = message_as<RowsResult>(parse_response(Opcode::kResult, 0, *body));
  EXPECT_EQ(parsed.metadata, rows.metadata);
  EXPECT_EQ(parsed.rows, rows.rows);
}

TEST(ResponseParser, RowsWithPagingStateAndNoMetadata) {
  RowsResult rows;
  rows.metadata.no_metadata = true;
  rows.metadata.column_count = 1;
  rows.metadata.paging_state = std::string("\x01\x02\x03", 3);
  rows.rows = {{std::string("a")}, {std::nullopt}};
  auto body = serialize_rows_result(rows);
  ASSERT_TRUE(body.is_ok());
  const auto& parsed = message_as<RowsResult>(parse_response(Opcode::kResult, 0, *body));
  EXPECT_EQ(parsed.metadata, rows.metadata);
  EXPECT_EQ(parsed.rows, rows.rows);
}

TEST(ResponseParser, RowsCountBeyondBodyIsCorruption) {
  // Void metadata of one column (no_metadata), then a huge row count.
  const std::string body = hex("00000002 00000004 00000001 7fffffff");
  auto r = parse_response(Opcode::kResult, 0, body);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("rows count"), std::string::npos) << r.status().message();
}

TEST(ResponseParser, RowsOfZeroColumnsAreBounded) {
  const std::string body = hex("00000002 00000004 00000000 7fffffff");
  auto r = parse_response(Opcode::kResult, 0, body);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kCorruption);
}

TEST(ResponseParser, ColumnCountBeyondBodyIsCorruption) {
  const std::string body = hex("00000002 00000001 7fffffff") + str("ks") + str("t");
  auto r = parse_response(Opcode::kResult, 0, body);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kCorruption);
}

TEST(ResponseParser, NegativeColumnCountIsCorruption) {
  auto r = parse_response(Opcode::kResult, 0, hex("00000002 00000000 ffffffff 00000000"));
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kCorruption);
}

TEST(ResponseParser, SetKeyspace) {
  auto body = serialize_set_keyspace_result("ks1");
  ASSERT_TRUE(body.is_ok());
  EXPECT_EQ(message_as<SetKeyspaceResponse>(parse_response(Opcode::kResult, 0, *body)).keyspace,
            "ks1");
}

TEST(ResponseParser, PreparedWithBindAndResultMetadata) {
  PreparedResult p;
  p.id = std::string("\x12\x34\x00\x56", 4);
  p.bind_columns = {column("ks", "t", "k", CqlType::of(TypeId::kInt)),
                    column("ks", "t", "c", CqlType::of(TypeId::kVarchar))};
  p.partition_key_indices = {0};
  p.result_metadata.columns = {column("ks", "t", "v", CqlType::of(TypeId::kDouble))};
  auto body = serialize_prepared_result(p);
  ASSERT_TRUE(body.is_ok());
  const auto& parsed = message_as<PreparedResult>(parse_response(Opcode::kResult, 0, *body));
  EXPECT_EQ(parsed.id, p.id);
  EXPECT_EQ(parsed.bind_columns, p.bind_columns);
  EXPECT_EQ(parsed.partition_key_indices, p.partition_key_indices);
  EXPECT_EQ(parsed.result_metadata, p.result_metadata);
  expect_every_prefix_fails(Opcode::kResult, *body);
}

TEST(ResponseParser, PreparedForAnInsertHasNoResultMetadata) {
  PreparedResult p;
  p.id = "id";
  p.bind_columns = {column("a", "t", "k", CqlType::of(TypeId::kInt)),
                    column("b", "u", "k", CqlType::of(TypeId::kInt))};
  p.result_metadata.no_metadata = true;
  p.result_metadata.column_count = 0;
  auto body = serialize_prepared_result(p);
  ASSERT_TRUE(body.is_ok());
  const auto& parsed = message_as<PreparedResult>(parse_response(Opcode::kResult, 0, *body));
  EXPECT_EQ(parsed.bind_columns, p.bind_columns);
  EXPECT_EQ(parsed.result_metadata, p.result_metadata);
}

TEST(ResponseParser, PreparedPartitionKeyIndexOutOfRangeIsCorruption) {
  // id "x", flags 0, 1 bind marker, 1 pk index = 5.
  const std::string body = hex("00000004 0001 78 00000000 00000001 00000001 0005") + str("ks") +
                           str("t") + str("k") + hex("0009") + hex("00000004 00000000");
  auto r = parse_response(Opcode::kResult, 0, body);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("partition key index"), std::string::npos)
      << r.status().message();
}

TEST(ResponseParser, SchemaChangeResultEveryTarget) {
  std::vector<SchemaChange> changes = {
      {SchemaChangeType::kCreated, SchemaChangeTarget::kKeyspace, "ks", "", {}},
      {SchemaChangeType::kUpdated, SchemaChangeTarget::kTable, "ks", "t", {}},
      {SchemaChangeType::kDropped, SchemaChangeTarget::kType, "ks", "udt", {}},
      {SchemaChangeType::kCreated, SchemaChangeTarget::kFunction, "ks", "f", {"int"}},
      {SchemaChangeType::kCreated, SchemaChangeTarget::kAggregate, "ks", "a", {"int", "text"}}};
  for (const auto& c : changes) {
    auto body = serialize_schema_change_result(c);
    ASSERT_TRUE(body.is_ok());
    EXPECT_EQ(message_as<SchemaChangeResponse>(parse_response(Opcode::kResult, 0, *body)).change,
              c);
  }
}

TEST(ResponseParser, UnknownResultKindIsCorruption) {
  auto r = parse_response(Opcode::kResult, 0, hex("00000009"));
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("result kind"), std::string::npos);
}

TEST(ResponseParser, UnknownSchemaChangeTargetIsCorruption) {
  auto r = parse_response(Opcode::kResult, 0,
                          hex("00000005") + str("CREATED") + str("VIEW") + str("ks"));
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kCorruption);
}

TEST(ResponseParser, TopologyAndStatusEvents) {
  Inet inet{std::string("\x7f\x00\x00\x01", 4), 9042};
  auto topology = serialize_event(Event(TopologyChangeEvent{"NEW_NODE", inet}));
  ASSERT_TRUE(topology.is_ok());
  const auto& e1 = message_as<Event>(parse_response(Opcode::kEvent, 0, *topology));
  const auto* t = std::get_if<TopologyChangeEvent>(&e1);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->change, "NEW_NODE");
  EXPECT_EQ(t->address, inet);
  auto status = serialize_event(Event(StatusChangeEvent{"DOWN", inet}));
  ASSERT_TRUE(status.is_ok());
  const auto& e2 = message_as<Event>(parse_response(Opcode::kEvent, 0, *status));
  const auto* s = std::get_if<StatusChangeEvent>(&e2);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->change, "DOWN");
  expect_every_prefix_fails(Opcode::kEvent, *status);
}

TEST(ResponseParser, SchemaChangeEvent) {
  SchemaChange c{SchemaChangeType::kDropped, SchemaChangeTarget::kTable, "ks", "t", {}};
  auto body = serialize_event(Event(c));
  ASSERT_TRUE(body.is_ok());
  const auto& e = message_as<Event>(parse_response(Opcode::kEvent, 0, *body));
  ASSERT_TRUE(std::holds_alternative<SchemaChange>(e));
  EXPECT_EQ(std::get<SchemaChange>(e), c);
}

TEST(ResponseParser, UnknownEventTypeIsCorruption) {
  auto r = parse_response(Opcode::kEvent, 0, str("NEW_THING"));
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kCorruption);
}

TEST(ResponseParser, TracingIdIsSkippedAndKept) {
  auto body = serialize_void_result();
  ASSERT_TRUE(body.is_ok());
  const std::string uuid = hex("00112233445566778899aabbccddeeff");
  auto r = parse_response(Opcode::kResult, kFlagTracing, uuid + *body);
  message_as<VoidResponse>(r);
  ASSERT_TRUE(r.is_ok());
  ASSERT_TRUE(r->tracing_id.has_value());
  EXPECT_EQ(r->tracing_id->to_string(), "00112233-4455-6677-8899-aabbccddeeff");
}

TEST(ResponseParser, WarningsAreSkippedAndKept) {
  auto body = serialize_set_keyspace_result("ks");
  ASSERT_TRUE(body.is_ok());
  auto r =
      parse_response(Opcode::kResult, kFlagWarning, hex("0002") + str("w1") + str("w2") + *body);
  EXPECT_EQ(message_as<SetKeyspaceResponse>(r).keyspace, "ks");
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->warnings, (std::vector<std::string>{"w1", "w2"}));
}

TEST(ResponseParser, TracingWarningsAndCustomPayloadInSpecOrder) {
  auto body = serialize_void_result();
  ASSERT_TRUE(body.is_ok());
  const std::string prefix = hex("0123456789abcdef0123456789abcdef") + hex("0001") + str("w") +
                             hex("0001") + str("key") + hex("00000001") + "v";
  auto r = parse_response(Opcode::kResult, kFlagTracing | kFlagWarning | kFlagCustomPayload,
                          prefix + *body);
  message_as<VoidResponse>(r);
  ASSERT_TRUE(r.is_ok());
  EXPECT_TRUE(r->tracing_id.has_value());
  EXPECT_EQ(r->warnings, std::vector<std::string>{"w"});
  ASSERT_TRUE(r->custom_payload.has_value());
  EXPECT_EQ(r->custom_payload->at("key"), std::optional<std::string>("v"));
}

TEST(ResponseParser, TruncatedTracingIdIsCorruption) {
  auto r = parse_response(Opcode::kReady, kFlagTracing, hex("0011"));
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("tracing id"), std::string::npos) << r.status().message();
}

TEST(ResponseParser, RequestOpcodeIsNotAResponse) {
  auto r = parse_response(Opcode::kQuery, 0, "");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("QUERY"), std::string::npos);
}

TEST(ResponseParser, GarbageNeverCrashes) {
  // A deterministic pseudo-random walk over many bodies and opcodes.
  uint32_t x = 12345;
  const Opcode opcodes[] = {Opcode::kError,     Opcode::kResult,       Opcode::kEvent,
                            Opcode::kSupported, Opcode::kAuthenticate, Opcode::kAuthSuccess};
  for (int i = 0; i < 20000; ++i) {
    std::string body;
    x = x * 1103515245 + 12345;
    const size_t n = (x >> 16) % 48;
    for (size_t j = 0; j < n; ++j) {
      x = x * 1103515245 + 12345;
      // Bias towards small numbers so lengths and kinds are often plausible.
      body.push_back(static_cast<char>((x >> 24) % 8 == 0 ? (x >> 8) & 0xFF : (x >> 8) % 6));
    }
    const uint8_t flags = static_cast<uint8_t>((x >> 4) & 0x0E);
    auto r = parse_response(opcodes[i % std::size(opcodes)], flags, body);
    if (!r.is_ok()) {
      EXPECT_EQ(r.status().code(), util::StatusCode::kCorruption);
    }
  }
}

}  // namespace
}  // namespace medallion::cql
