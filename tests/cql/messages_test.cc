// Messages (§4): each request parsed from bytes laid out as the python and
// node drivers send them, parse(serialize(x)) == x, malformed bodies, and
// each response checked byte for byte.
#include "cql/protocol/messages.h"

#include <gtest/gtest.h>

#include "cql_test_util.h"

namespace medallion::cql {
namespace {

using testing::hex;
using testing::lstr;
using testing::str;

template <typename T>
T parse_as(Opcode opcode, std::string_view body, uint8_t flags = 0) {
  auto r = parse_request(opcode, flags, body);
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  if (!r.is_ok()) return T{};
  EXPECT_TRUE(std::holds_alternative<T>(r->message));
  // Whatever parses re-serializes to something that parses to the same.
  auto again = serialize_request(*r);
  EXPECT_TRUE(again.is_ok());
  auto reparsed = parse_request(opcode, r->custom_payload ? kFlagCustomPayload : 0, *again);
  EXPECT_TRUE(reparsed.is_ok());
  if (reparsed.is_ok()) {
    EXPECT_EQ(*reparsed, *r);
  }
  return std::holds_alternative<T>(r->message) ? std::get<T>(r->message) : T{};
}

util::Status parse_error(Opcode opcode, std::string_view body, uint8_t flags = 0) {
  auto r = parse_request(opcode, flags, body);
  EXPECT_FALSE(r.is_ok());
  return r.is_ok() ? util::Status::ok() : r.status();
}

// ------------------------------------------------------------ requests --

TEST(Requests, StartupAsPythonSendsIt) {
  std::string body = hex("0003") + str("CQL_VERSION") + str("3.4.5") + str("DRIVER_NAME") +
                     str("DataStax Python Driver") + str("DRIVER_VERSION") + str("3.25.0");
  auto s = parse_as<StartupRequest>(Opcode::kStartup, body);
  EXPECT_EQ(s.options.at("CQL_VERSION"), "3.4.5");
  EXPECT_EQ(s.options.at("DRIVER_NAME"), "DataStax Python Driver");
  EXPECT_EQ(s.options.size(), 3u);
}

TEST(Requests, StartupWithCompression) {
  std::string body =
      hex("0002") + str("CQL_VERSION") + str("3.0.0") + str("COMPRESSION") + str("lz4");
  auto s = parse_as<StartupRequest>(Opcode::kStartup, body);
  EXPECT_EQ(compression_from_name(s.options.at("COMPRESSION")), Compression::kLz4);
}

TEST(Requests, OptionsHasEmptyBody) {
  parse_as<OptionsRequest>(Opcode::kOptions, "");
  util::Status s = parse_error(Opcode::kOptions, hex("00"));
  EXPECT_NE(s.message().find("unexpected bytes"), std::string::npos);
}

TEST(Requests, AuthResponseSaslPlain) {
  std::string token = std::string("\0cassandra\0cassandra", 20);
  auto a = parse_as<AuthResponseRequest>(Opcode::kAuthResponse, lstr(token));
  ASSERT_TRUE(a.token.has_value());
  EXPECT_EQ(*a.token, token);
}

TEST(Requests, AuthResponseNullToken) {
  auto a = parse_as<AuthResponseRequest>(Opcode::kAuthResponse, hex("FFFFFFFF"));
  EXPECT_FALSE(a.token.has_value());
}

TEST(Requests, QueryAsPythonSendsIt) {
  // LOCAL_ONE, flags page size + default timestamp, fetch_size 5000.
  std::string body = lstr("SELECT * FROM system.local WHERE key='local'") + hex("000A 24") +
                     hex("00001388") + hex("0005F5E7A1C3B2A0");
  auto q = parse_as<QueryRequest>(Opcode::kQuery, body);
  EXPECT_EQ(q.query, "SELECT * FROM system.local WHERE key='local'");
  EXPECT_EQ(q.parameters.consistency, Consistency::kLocalOne);
  EXPECT_EQ(q.parameters.page_size, 5000);
  EXPECT_EQ(q.parameters.default_timestamp, 0x0005F5E7A1C3B2A0);
  EXPECT_TRUE(q.parameters.values.empty());
  EXPECT_FALSE(q.parameters.skip_metadata);
  EXPECT_FALSE(q.parameters.paging_state.has_value());
  EXPECT_FALSE(q.parameters.serial_consistency.has_value());
}

TEST(Requests, QueryWithPositionalValues) {
  std::string body = lstr("INSERT INTO t (k, v) VALUES (?, ?)") + hex("0001 01") + hex("0003") +
                     hex("00000004 00000007") + hex("FFFFFFFF") + hex("FFFFFFFE");
  auto q = parse_as<QueryRequest>(Opcode::kQuery, body);
  ASSERT_EQ(q.parameters.values.size(), 3u);
  EXPECT_EQ(q.parameters.values[0], Value::of(hex("00000007")));
  EXPECT_TRUE(q.parameters.values[1].is_null());
  EXPECT_TRUE(q.parameters.values[2].is_not_set());
  EXPECT_TRUE(q.parameters.value_names.empty());
}

TEST(Requests, QueryWithNamedValues) {
  std::string body = lstr("SELECT * FROM t WHERE k = :k") + hex("0004 41") + hex("0001") +
                     str("k") + hex("00000001 2A");
  auto q = parse_as<QueryRequest>(Opcode::kQuery, body);
  ASSERT_EQ(q.parameters.value_names, std::vector<std::string>{"k"});
  EXPECT_EQ(q.parameters.values[0], Value::of("*"));
}

TEST(Requests, QueryAllFlagsInSpecOrder) {
  std::string body = lstr("q") + hex("0006 3F") + hex("0001 00000000") + hex("00000064") +
                     lstr("PS") + hex("0009") + hex("0000000000000001");
  auto q = parse_as<QueryRequest>(Opcode::kQuery, body);
  EXPECT_EQ(q.parameters.values.size(), 1u);
  EXPECT_EQ(q.parameters.values[0], Value::of(""));
  EXPECT_TRUE(q.parameters.skip_metadata);
  EXPECT_EQ(q.parameters.page_size, 100);
  EXPECT_EQ(q.parameters.paging_state, "PS");
  EXPECT_EQ(q.parameters.serial_consistency, Consistency::kLocalSerial);
  EXPECT_EQ(q.parameters.default_timestamp, 1);
}

TEST(Requests, QueryNullPagingStateIsNone) {
  auto q = parse_as<QueryRequest>(Opcode::kQuery, lstr("q") + hex("0001 08 FFFFFFFF"));
  EXPECT_FALSE(q.parameters.paging_state.has_value());
}

TEST(Requests, QueryV5FlagIsRefused) {
  util::Status s = parse_error(Opcode::kQuery, lstr("q") + hex("0001 80"));
  EXPECT_NE(s.message().find("0x80"), std::string::npos);
  EXPECT_NE(s.message().find("QUERY body"), std::string::npos);
}

TEST(Requests, QueryTruncatedValue) {
  util::Status s = parse_error(Opcode::kQuery, lstr("q") + hex("0001 01 0001 00000004 0000"));
  EXPECT_NE(s.message().find("truncated [value]"), std::string::npos);
}

TEST(Requests, QueryValueCountBeyondBody) {
  util::Status s = parse_error(Opcode::kQuery, lstr("q") + hex("0001 01 FFFF"));
  EXPECT_NE(s.message().find("65535 values claimed"), std::string::npos);
}

TEST(Requests, QueryMissingConsistency) {
  util::Status s = parse_error(Opcode::kQuery, lstr("q"));
  EXPECT_NE(s.message().find("consistency"), std::string::npos);
}

TEST(Requests, QueryTrailingBytes) {
  util::Status s = parse_error(Opcode::kQuery, lstr("q") + hex("0001 00 FF"));
  EXPECT_NE(s.message().find("1 unexpected bytes"), std::string::npos);
}

TEST(Requests, QueryWithCustomPayload) {
  std::string body = hex("0001") + str("key") + lstr("val") + lstr("q") + hex("0001 00");
  auto r = parse_request(Opcode::kQuery, kFlagCustomPayload, body);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  ASSERT_TRUE(r->custom_payload.has_value());
  EXPECT_EQ(r->custom_payload->at("key"), "val");
  EXPECT_EQ(std::get<QueryRequest>(r->message).query, "q");
  auto again = serialize_request(*r);
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(*again, body);
}

TEST(Requests, PrepareIsALongString) {
  auto p = parse_as<PrepareRequest>(Opcode::kPrepare, lstr("INSERT INTO ks.t (k) VALUES (?)"));
  EXPECT_EQ(p.query, "INSERT INTO ks.t (k) VALUES (?)");
}

TEST(Requests, ExecuteWithPagingState) {
  std::string id = hex("0123456789ABCDEF0123456789ABCDEF");
  std::string body = hex("0010") + id + hex("0001 0F") + hex("0001 00000004 00000001") +
                     hex("00000064") + lstr(hex("DEADBEEF"));
  auto e = parse_as<ExecuteRequest>(Opcode::kExecute, body);
  EXPECT_EQ(e.id, id);
  EXPECT_TRUE(e.parameters.skip_metadata);
  EXPECT_EQ(e.parameters.page_size, 100);
  EXPECT_EQ(e.parameters.paging_state, hex("DEADBEEF"));
  ASSERT_EQ(e.parameters.values.size(), 1u);
}

TEST(Requests, ExecuteTruncatedId) {
  util::Status s = parse_error(Opcode::kExecute, hex("0010 0123"));
  EXPECT_NE(s.message().find("prepared id"), std::string::npos);
}

TEST(Requests, BatchMixedStatements) {
  std::string id = hex("AABB");
  std::string body = hex("01") + hex("0002") + hex("00") + lstr("INSERT INTO t (k) VALUES (1)") +
                     hex("0000") + hex("01") + hex("0002") + id + hex("0002") +
                     hex("00000004 00000002") + hex("FFFFFFFF") + hex("0004") + hex("30") +
                     hex("0008") + hex("0000000000000064");
  auto b = parse_as<BatchRequest>(Opcode::kBatch, body);
  EXPECT_EQ(b.type, BatchType::kUnlogged);
  ASSERT_EQ(b.statements.size(), 2u);
  EXPECT_FALSE(b.statements[0].prepared);
  EXPECT_EQ(b.statements[0].query_or_id, "INSERT INTO t (k) VALUES (1)");
  EXPECT_TRUE(b.statements[1].prepared);
  EXPECT_EQ(b.statements[1].query_or_id, id);
  ASSERT_EQ(b.statements[1].values.size(), 2u);
  EXPECT_TRUE(b.statements[1].values[1].is_null());
  EXPECT_EQ(b.consistency, Consistency::kQuorum);
  EXPECT_EQ(b.serial_consistency, Consistency::kSerial);
  EXPECT_EQ(b.default_timestamp, 100);
}

TEST(Requests, BatchUnknownType) {
  util::Status s = parse_error(Opcode::kBatch, hex("03 0000 0001 00"));
  EXPECT_NE(s.message().find("unknown batch type 3"), std::string::npos);
}

TEST(Requests, BatchUnknownStatementKind) {
  util::Status s = parse_error(Opcode::kBatch, hex("00 0001 02 00000000 0000 0001 00"));
  EXPECT_NE(s.message().find("statement kind 2"), std::string::npos);
}

TEST(Requests, BatchNamedValuesAreRefused) {
  util::Status s = parse_error(Opcode::kBatch, hex("00 0000 0001 40"));
  EXPECT_NE(s.message().find("CASSANDRA-10246"), std::string::npos);
}

TEST(Requests, BatchQueryFlagsAreRefused) {
  util::Status s = parse_error(Opcode::kBatch, hex("00 0000 0001 04"));
  EXPECT_NE(s.message().find("batch flags"), std::string::npos);
}

TEST(Requests, BatchCountBeyondBody) {
  util::Status s = parse_error(Opcode::kBatch, hex("00 FFFF 00"));
  EXPECT_NE(s.message().find("65535 statements claimed"), std::string::npos);
}

TEST(Requests, RegisterAsDriversSendIt) {
  std::string body =
      hex("0003") + str("TOPOLOGY_CHANGE") + str("STATUS_CHANGE") + str("SCHEMA_CHANGE");
  auto r = parse_as<RegisterRequest>(Opcode::kRegister, body);
  EXPECT_EQ(r.event_types,
            (std::vector<std::string>{"TOPOLOGY_CHANGE", "STATUS_CHANGE", "SCHEMA_CHANGE"}));
}

TEST(Requests, ResponseOpcodeIsNotARequest) {
  auto r = parse_request(Opcode::kReady, 0, "");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kUnsupported);
}

TEST(Requests, RequestOpcodeOfEachMessage) {
  EXPECT_EQ(request_opcode(QueryRequest{}), Opcode::kQuery);
  EXPECT_EQ(request_opcode(RegisterRequest{}), Opcode::kRegister);
  EXPECT_EQ(request_opcode(AuthResponseRequest{}), Opcode::kAuthResponse);
}

TEST(Requests, SerializeQueryLayout) {
  QueryRequest q;
  q.query = "q";
  q.parameters.consistency = Consistency::kOne;
  q.parameters.values = {Value::of("a")};
  q.parameters.page_size = 10;
  auto body = serialize_request(Request{std::nullopt, q});
  ASSERT_TRUE(body.is_ok());
  EXPECT_EQ(*body, lstr("q") + hex("0001 05 0001 00000001 61 0000000A"));
}

// ----------------------------------------------------------- responses --

ErrorResponse err(ErrorCode code, std::string message) {
  ErrorResponse e;
  e.code = code;
  e.message = std::move(message);
  return e;
}

TEST(Responses, ErrorPlain) {
  ErrorResponse e = err(ErrorCode::kSyntaxError, "line 1:0 no viable alternative");
  EXPECT_EQ(serialize_error(e), hex("00002000") + str("line 1:0 no viable alternative"));
}

TEST(Responses, ErrorUnavailable) {
  ErrorResponse e = err(ErrorCode::kUnavailable, "u");
  e.consistency = Consistency::kQuorum;
  e.required = 2;
  e.alive = 1;
  EXPECT_EQ(serialize_error(e), hex("00001000 0001 75 0004 00000002 00000001"));
}

TEST(Responses, ErrorWriteTimeout) {
  ErrorResponse e = err(ErrorCode::kWriteTimeout, "");
  e.consistency = Consistency::kOne;
  e.received = 0;
  e.block_for = 1;
  e.write_type = "SIMPLE";
  EXPECT_EQ(serialize_error(e), hex("00001100 0000 0001 00000000 00000001") + str("SIMPLE"));
}

TEST(Responses, ErrorReadTimeout) {
  ErrorResponse e = err(ErrorCode::kReadTimeout, "");
  e.consistency = Consistency::kAll;
  e.received = 1;
  e.block_for = 3;
  e.data_present = true;
  EXPECT_EQ(serialize_error(e), hex("00001200 0000 0005 00000001 00000003 01"));
}

TEST(Responses, ErrorReadFailure) {
  ErrorResponse e = err(ErrorCode::kReadFailure, "");
  e.consistency = Consistency::kOne;
  e.received = 0;
  e.block_for = 1;
  e.num_failures = 1;
  EXPECT_EQ(serialize_error(e), hex("00001300 0000 0001 00000000 00000001 00000001 00"));
}

TEST(Responses, ErrorWriteFailure) {
  ErrorResponse e = err(ErrorCode::kWriteFailure, "");
  e.consistency = Consistency::kOne;
  e.block_for = 1;
  e.num_failures = 1;
  e.write_type = "BATCH";
  EXPECT_EQ(serialize_error(e),
            hex("00001500 0000 0001 00000000 00000001 00000001") + str("BATCH"));
}

TEST(Responses, ErrorFunctionFailure) {
  ErrorResponse e = err(ErrorCode::kFunctionFailure, "");
  e.keyspace = "ks";
  e.name = "f";
  e.argument_types = {"int"};
  EXPECT_EQ(serialize_error(e),
            hex("00001400 0000") + str("ks") + str("f") + hex("0001") + str("int"));
}

TEST(Responses, ErrorAlreadyExistsKeyspace) {
  ErrorResponse e = err(ErrorCode::kAlreadyExists, "Keyspace ks already exists");
  e.keyspace = "ks";
  EXPECT_EQ(serialize_error(e),
            hex("00002400") + str("Keyspace ks already exists") + str("ks") + str(""));
}

TEST(Responses, ErrorUnprepared) {
  ErrorResponse e = err(ErrorCode::kUnprepared, "?");
  e.unprepared_id = hex("ABCD");
  EXPECT_EQ(serialize_error(e), hex("00002500 0001 3F 0002 ABCD"));
}

TEST(Responses, ErrorLongMessageIsCutAtUtf8Boundary) {
  std::string msg = std::string(65534, 'a') + "\xC3\xA9";  // 65536 bytes
  ErrorResponse e = err(ErrorCode::kInvalid, msg);
  const std::string body = serialize_error(e);
  EXPECT_EQ(body.substr(4, 2), hex("FFFE"));
  EXPECT_EQ(body.size(), 4u + 2u + 65534u);
}

TEST(Responses, ReadyIsEmpty) { EXPECT_EQ(serialize_ready(), ""); }

TEST(Responses, Authenticate) {
  auto b = serialize_authenticate("org.apache.cassandra.auth.PasswordAuthenticator");
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(*b, str("org.apache.cassandra.auth.PasswordAuthenticator"));
}

TEST(Responses, AuthSuccessNullToken) {
  auto b = serialize_auth_success(std::nullopt);
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(*b, hex("FFFFFFFF"));
}

TEST(Responses, AuthChallengeToken) {
  auto b = serialize_auth_challenge(std::string_view("xy"));
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(*b, hex("00000002 7879"));
}

TEST(Responses, Supported) {
  auto b = serialize_supported({{"COMPRESSION", {}}, {"CQL_VERSION", {"3.4.5"}}});
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(*b, hex("0002") + str("COMPRESSION") + hex("0000") + str("CQL_VERSION") + hex("0001") +
                    str("3.4.5"));
}

TEST(Responses, VoidResult) {
  auto b = serialize_void_result();
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(*b, hex("00000001"));
}

TEST(Responses, RowsWithGlobalTableSpec) {
  RowsResult rows;
  rows.metadata.columns = {{"ks", "t", "k", CqlType::of(TypeId::kInt)},
                           {"ks", "t", "v", CqlType::list_of(CqlType::of(TypeId::kVarchar))}};
  rows.rows = {{hex("00000001"), std::nullopt}};
  auto b = serialize_rows_result(rows);
  ASSERT_TRUE(b.is_ok()) << b.status().message();
  EXPECT_EQ(*b, hex("00000002 00000001 00000002") + str("ks") + str("t") + str("k") + hex("0009") +
                    str("v") + hex("0020 000D") + hex("00000001") +
                    hex("00000004 00000001 FFFFFFFF"));
}

TEST(Responses, RowsPerColumnTableSpecWithMorePages) {
  RowsResult rows;
  rows.metadata.columns = {{"a", "t1", "x", CqlType::of(TypeId::kBlob)},
                           {"a", "t2", "y", CqlType::of(TypeId::kBoolean)}};
  rows.metadata.paging_state = "P";
  auto b = serialize_rows_result(rows);
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(*b, hex("00000002 00000002 00000002 00000001 50") + str("a") + str("t1") + str("x") +
                    hex("0003") + str("a") + str("t2") + str("y") + hex("0004") + hex("00000000"));
}

TEST(Responses, RowsNoMetadata) {
  RowsResult rows;
  rows.metadata.no_metadata = true;
  rows.metadata.column_count = 1;
  rows.rows = {{std::string("x")}, {std::string("")}};
  auto b = serialize_rows_result(rows);
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(*b, hex("00000002 00000004 00000001 00000002 00000001 78 00000000"));
}

TEST(Responses, RowsWithWrongWidthIsRefused) {
  RowsResult rows;
  rows.metadata.columns = {{"ks", "t", "k", CqlType::of(TypeId::kInt)}};
  rows.rows = {{std::nullopt, std::nullopt}};
  auto b = serialize_rows_result(rows);
  ASSERT_FALSE(b.is_ok());
  EXPECT_NE(b.status().message().find("row 0 has 2 values for 1 columns"), std::string::npos);
}

TEST(Responses, SetKeyspace) {
  auto b = serialize_set_keyspace_result("ks1");
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(*b, hex("00000003") + str("ks1"));
}

TEST(Responses, Prepared) {
  PreparedResult p;
  p.id = hex("0102");
  p.bind_columns = {{"ks", "t", "k", CqlType::of(TypeId::kInt)},
                    {"ks", "t", "v", CqlType::of(TypeId::kVarchar)}};
  p.partition_key_indices = {0};
  p.result_metadata.no_metadata = true;
  auto b = serialize_prepared_result(p);
  ASSERT_TRUE(b.is_ok()) << b.status().message();
  EXPECT_EQ(*b, hex("00000004 0002 0102") + hex("00000001 00000002 00000001 0000") + str("ks") +
                    str("t") + str("k") + hex("0009") + str("v") + hex("000D") +
                    hex("00000004 00000000"));
}

TEST(Responses, PreparedBadPartitionKeyIndex) {
  PreparedResult p;
  p.partition_key_indices = {0};
  EXPECT_FALSE(serialize_prepared_result(p).is_ok());
}

TEST(Responses, SchemaChangeTable) {
  SchemaChange c{SchemaChangeType::kCreated, SchemaChangeTarget::kTable, "ks", "t", {}};
  auto b = serialize_schema_change_result(c);
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(*b, hex("00000005") + str("CREATED") + str("TABLE") + str("ks") + str("t"));
}

TEST(Responses, SchemaChangeKeyspace) {
  SchemaChange c{SchemaChangeType::kDropped, SchemaChangeTarget::kKeyspace, "ks", "", {}};
  auto b = serialize_schema_change_result(c);
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(*b, hex("00000005") + str("DROPPED") + str("KEYSPACE") + str("ks"));
}

TEST(Responses, SchemaChangeFunctionEvent) {
  SchemaChange c{
      SchemaChangeType::kUpdated, SchemaChangeTarget::kFunction, "ks", "f", {"int", "text"}};
  auto b = serialize_event(c);
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(*b, str("SCHEMA_CHANGE") + str("UPDATED") + str("FUNCTION") + str("ks") + str("f") +
                    hex("0002") + str("int") + str("text"));
}

TEST(Responses, StatusChangeEvent) {
  auto b = serialize_event(StatusChangeEvent{"UP", Inet{hex("7F000001"), 9042}});
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(*b, str("STATUS_CHANGE") + str("UP") + hex("04 7F000001 00002352"));
}

TEST(Responses, TopologyChangeEvent) {
  auto b = serialize_event(TopologyChangeEvent{"NEW_NODE", Inet{hex("0A000002"), 9042}});
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(*b, str("TOPOLOGY_CHANGE") + str("NEW_NODE") + hex("04 0A000002 00002352"));
}

TEST(Responses, EventWithBadInetIsRefused) {
  EXPECT_FALSE(serialize_event(StatusChangeEvent{"UP", Inet{"", 1}}).is_ok());
}

}  // namespace
}  // namespace medallion::cql
