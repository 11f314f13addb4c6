#include "cql/engine/parser.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace medallion::cql {
namespace {

// ---------------------------------------------------------- helpers --

Term lit(Literal::Kind kind, std::string text) {
  Term t;
  t.value = Literal{kind, std::move(text)};
  return t;
}
Term i(std::string text) { return lit(Literal::Kind::kInteger, std::move(text)); }
Term f(std::string text) { return lit(Literal::Kind::kFloat, std::move(text)); }
Term s(std::string text) { return lit(Literal::Kind::kString, std::move(text)); }
Term null_term() { return lit(Literal::Kind::kNull, ""); }
Term marker(int index, std::optional<std::string> name = std::nullopt) {
  Term t;
  t.value = BindMarker{index, std::move(name)};
  return t;
}
Term coll(CollectionLiteral::Kind kind, std::vector<Term> elements) {
  Term t;
  t.value = CollectionLiteral{kind, std::move(elements)};
  return t;
}
Term list(std::vector<Term> e) { return coll(CollectionLiteral::Kind::kList, std::move(e)); }
Term set(std::vector<Term> e) { return coll(CollectionLiteral::Kind::kSet, std::move(e)); }
Term map(std::vector<Term> e) { return coll(CollectionLiteral::Kind::kMap, std::move(e)); }
Term tuple(std::vector<Term> e) { return coll(CollectionLiteral::Kind::kTuple, std::move(e)); }
Term call(std::string name, std::vector<Term> args = {}) {
  Term t;
  t.value = FunctionCall{std::move(name), std::move(args)};
  return t;
}

Relation rel(std::string column, RelationOp op, std::vector<Term> values) {
  Relation r;
  r.columns = {std::move(column)};
  r.op = op;
  r.values = std::move(values);
  return r;
}

ParsedStatement parse_ok(std::string_view text) {
  auto r = parse_statement(text);
  EXPECT_TRUE(r.is_ok()) << text << "\n  -> " << r.status().to_string();
  if (!r.is_ok()) return {};
  return *r;
}

template <typename T>
T parse_as(std::string_view text) {
  ParsedStatement p = parse_ok(text);
  const T* st = std::get_if<T>(&p.statement);
  EXPECT_NE(st, nullptr) << text;
  return st ? *st : T{};
}

// The single value of `SELECT * FROM t WHERE a = <text>`.
Term value_of(std::string_view text) {
  auto sel = parse_as<SelectStatement>("SELECT * FROM t WHERE a = " + std::string(text));
  if (sel.where.size() != 1 || sel.where[0].values.size() != 1) {
    ADD_FAILURE() << text;
    return {};
  }
  return sel.where[0].values[0];
}

util::Status parse_error(std::string_view text) {
  auto r = parse_statement(text);
  EXPECT_FALSE(r.is_ok()) << text;
  return r.is_ok() ? util::Status::ok() : r.status();
}

void expect_syntax_error(std::string_view text, std::string_view where, std::string_view near) {
  util::Status st = parse_error(text);
  EXPECT_EQ(st.code(), util::StatusCode::kInvalidArgument) << text;
  EXPECT_NE(st.message().find("cql: syntax error at line " + std::string(where) + " near '" +
                              std::string(near) + "'"),
            std::string::npos)
      << text << "\n  -> " << st.message();
}

void expect_unsupported(std::string_view text, std::string_view what) {
  util::Status st = parse_error(text);
  EXPECT_EQ(st.code(), util::StatusCode::kUnsupported) << text << " -> " << st.message();
  EXPECT_EQ(st.message(), "cql: " + std::string(what) + " is not supported by the embedded server");
}

ParsedType type_of(CqlType type, std::string cql) {
  return ParsedType{std::move(type), std::move(cql)};
}

// ------------------------------------------------------------ USE --

TEST(ParserTest, Use) {
  auto p = parse_ok("USE ks");
  EXPECT_EQ(p, (ParsedStatement{UseStatement{"ks"}, {}}));
}

TEST(ParserTest, UseQuotedKeepsCase) {
  EXPECT_EQ(parse_as<UseStatement>("use \"Ks\";").keyspace, "Ks");
}

TEST(ParserTest, UseUnquotedIsLowerCased) {
  EXPECT_EQ(parse_as<UseStatement>("USE MyKs").keyspace, "myks");
}

// ------------------------------------------------------ keyspaces --

TEST(ParserTest, CreateKeyspace) {
  auto ks = parse_as<CreateKeyspaceStatement>(
      "CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'SimpleStrategy', "
      "'replication_factor': 1} AND durable_writes = true");
  CreateKeyspaceStatement want;
  want.keyspace = "ks";
  want.if_not_exists = true;
  want.properties["replication"].value =
      std::map<std::string, Literal>{{"class", Literal{Literal::Kind::kString, "SimpleStrategy"}},
                                     {"replication_factor", Literal{Literal::Kind::kInteger, "1"}}};
  want.properties["durable_writes"].value = Literal{Literal::Kind::kBoolean, "true"};
  EXPECT_EQ(ks, want);
}

TEST(ParserTest, CreateSchemaIsCreateKeyspace) {
  auto ks = parse_as<CreateKeyspaceStatement>(
      "create schema k2 with REPLICATION = {'class': 'NetworkTopologyStrategy', 'dc1': '3'}");
  EXPECT_EQ(ks.keyspace, "k2");
  EXPECT_FALSE(ks.if_not_exists);
  EXPECT_EQ(ks.properties.count("replication"), 1u);
}

TEST(ParserTest, DropKeyspace) {
  EXPECT_EQ(parse_as<DropKeyspaceStatement>("DROP KEYSPACE IF EXISTS ks"),
            (DropKeyspaceStatement{"ks", true}));
  EXPECT_EQ(parse_as<DropKeyspaceStatement>("drop keyspace \"Ks\""),
            (DropKeyspaceStatement{"Ks", false}));
}

// --------------------------------------------------------- tables --

TEST(ParserTest, CreateTableFull) {
  auto ct = parse_as<CreateTableStatement>(
      "CREATE TABLE IF NOT EXISTS ks.t (a int, b text, c timestamp, d list<int>, "
      "e frozen<map<text, int>>, s int static, PRIMARY KEY ((a, b), c)) "
      "WITH CLUSTERING ORDER BY (c DESC) AND default_time_to_live = 10 AND comment = 'x' "
      "AND compaction = {'class': 'SizeTieredCompactionStrategy'} AND COMPACT STORAGE");
  CreateTableStatement want;
  want.table = {"ks", "t"};
  want.if_not_exists = true;
  const CqlType text = CqlType::of(TypeId::kVarchar);
  const CqlType int_t = CqlType::of(TypeId::kInt);
  want.columns = {
      {"a", type_of(int_t, "int"), false},
      {"b", type_of(text, "text"), false},
      {"c", type_of(CqlType::of(TypeId::kTimestamp), "timestamp"), false},
      {"d", type_of(CqlType::list_of(int_t), "list<int>"), false},
      {"e", type_of(CqlType::map_of(text, int_t), "frozen<map<text, int>>"), false},
      {"s", type_of(int_t, "int"), true},
  };
  want.partition_key = {"a", "b"};
  want.clustering_key = {"c"};
  want.clustering_order = {{"c", true}};
  want.compact_storage = true;
  want.properties["default_time_to_live"].value = Literal{Literal::Kind::kInteger, "10"};
  want.properties["comment"].value = Literal{Literal::Kind::kString, "x"};
  want.properties["compaction"].value = std::map<std::string, Literal>{
      {"class", Literal{Literal::Kind::kString, "SizeTieredCompactionStrategy"}}};
  EXPECT_EQ(ct, want);
}

TEST(ParserTest, CreateTableInlinePrimaryKey) {
  auto ct = parse_as<CreateTableStatement>("CREATE TABLE t (a int PRIMARY KEY, b text)");
  EXPECT_EQ(ct.table, (QualifiedName{"", "t"}));
  EXPECT_EQ(ct.partition_key, std::vector<std::string>{"a"});
  EXPECT_TRUE(ct.clustering_key.empty());
  ASSERT_EQ(ct.columns.size(), 2u);
  EXPECT_EQ(ct.columns[1].name, "b");
}

TEST(ParserTest, CreateTableSimplePrimaryKeyClause) {
  auto ct = parse_as<CreateTableStatement>(
      "CREATE TABLE t (a int, b int, c int, PRIMARY KEY (a, b, c)) WITH CLUSTERING ORDER BY "
      "(b ASC, c DESC)");
  EXPECT_EQ(ct.partition_key, std::vector<std::string>{"a"});
  EXPECT_EQ(ct.clustering_key, (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(ct.clustering_order,
            (std::vector<std::pair<std::string, bool>>{{"b", false}, {"c", true}}));
}

TEST(ParserTest, CreateColumnFamily) {
  auto ct = parse_as<CreateTableStatement>("CREATE COLUMNFAMILY t (a int PRIMARY KEY)");
  EXPECT_EQ(ct.table.name, "t");
}

TEST(ParserTest, CreateTableKeywordColumnNames) {
  auto ct = parse_as<CreateTableStatement>(
      "CREATE TABLE t (key text PRIMARY KEY, type text, ttl int, timestamp bigint, count int, "
      "token int, json text, date date, time time, list text, map text, text text)");
  std::vector<std::string> names;
  for (const auto& c : ct.columns) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"key", "type", "ttl", "timestamp", "count", "token",
                                             "json", "date", "time", "list", "map", "text"}));
}

TEST(ParserTest, CreateTableQuotedNames) {
  auto ct = parse_as<CreateTableStatement>(
      "CREATE TABLE \"Ks\".\"T\" (\"A\" int PRIMARY KEY, \"select\" int)");
  EXPECT_EQ(ct.table, (QualifiedName{"Ks", "T"}));
  EXPECT_EQ(ct.columns[0].name, "A");
  EXPECT_EQ(ct.columns[1].name, "select");
  EXPECT_EQ(ct.partition_key, std::vector<std::string>{"A"});
}

TEST(ParserTest, CreateTableWithoutPrimaryKeyFails) {
  expect_syntax_error("CREATE TABLE t (a int)", "1:22", "<EOF>");
}

TEST(ParserTest, CreateTableTwoPrimaryKeysFails) {
  expect_syntax_error("CREATE TABLE t (a int PRIMARY KEY, b int, PRIMARY KEY (b))", "1:42",
                      "PRIMARY");
}

TEST(ParserTest, DuplicatePropertyFails) {
  expect_syntax_error("CREATE TABLE t (a int PRIMARY KEY) WITH comment = 'x' AND comment = 'y'",
                      "1:58", "comment");
}

TEST(ParserTest, DropTable) {
  EXPECT_EQ(parse_as<DropTableStatement>("DROP TABLE IF EXISTS ks.t"),
            (DropTableStatement{{"ks", "t"}, true}));
  EXPECT_EQ(parse_as<DropTableStatement>("drop columnfamily t"),
            (DropTableStatement{{"", "t"}, false}));
}

TEST(ParserTest, Truncate) {
  EXPECT_EQ(parse_as<TruncateStatement>("TRUNCATE t"), (TruncateStatement{{"", "t"}}));
  EXPECT_EQ(parse_as<TruncateStatement>("TRUNCATE TABLE ks.t;"), (TruncateStatement{{"ks", "t"}}));
  EXPECT_EQ(parse_as<TruncateStatement>("TRUNCATE COLUMNFAMILY ks.t"),
            (TruncateStatement{{"ks", "t"}}));
}

// ---------------------------------------------------------- types --

TEST(ParserTest, EveryNativeType) {
  const std::vector<std::pair<std::string, TypeId>> natives = {
      {"ascii", TypeId::kAscii},
      {"bigint", TypeId::kBigint},
      {"blob", TypeId::kBlob},
      {"boolean", TypeId::kBoolean},
      {"counter", TypeId::kCounter},
      {"date", TypeId::kDate},
      {"decimal", TypeId::kDecimal},
      {"double", TypeId::kDouble},
      {"float", TypeId::kFloat},
      {"inet", TypeId::kInet},
      {"int", TypeId::kInt},
      {"smallint", TypeId::kSmallint},
      {"text", TypeId::kVarchar},
      {"time", TypeId::kTime},
      {"timestamp", TypeId::kTimestamp},
      {"timeuuid", TypeId::kTimeuuid},
      {"tinyint", TypeId::kTinyint},
      {"uuid", TypeId::kUuid},
      {"varint", TypeId::kVarint},
  };
  for (const auto& [name, id] : natives) {
    auto t = parse_type(name);
    ASSERT_TRUE(t.is_ok()) << name << ": " << t.status().to_string();
    EXPECT_EQ(*t, type_of(CqlType::of(id), name));
  }
}

TEST(ParserTest, VarcharIsText) {
  auto t = parse_type("VARCHAR");
  ASSERT_TRUE(t.is_ok());
  EXPECT_EQ(*t, type_of(CqlType::of(TypeId::kVarchar), "text"));
}

TEST(ParserTest, CollectionTypes) {
  const CqlType int_t = CqlType::of(TypeId::kInt);
  const CqlType text = CqlType::of(TypeId::kVarchar);
  auto l = parse_type("LIST<INT>");
  ASSERT_TRUE(l.is_ok());
  EXPECT_EQ(*l, type_of(CqlType::list_of(int_t), "list<int>"));
  auto st = parse_type("set<text>");
  ASSERT_TRUE(st.is_ok());
  EXPECT_EQ(*st, type_of(CqlType::set_of(text), "set<text>"));
  auto m = parse_type("map<text,int>");
  ASSERT_TRUE(m.is_ok());
  EXPECT_EQ(*m, type_of(CqlType::map_of(text, int_t), "map<text, int>"));
}

TEST(ParserTest, TupleType) {
  auto t = parse_type("tuple<int, text, frozen<list<int>>>");
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  CqlType want = CqlType::of(TypeId::kTuple);
  want.params = {CqlType::of(TypeId::kInt), CqlType::of(TypeId::kVarchar),
                 CqlType::list_of(CqlType::of(TypeId::kInt))};
  EXPECT_EQ(*t, type_of(want, "tuple<int, text, frozen<list<int>>>"));
}

TEST(ParserTest, NestedFrozenType) {
  auto t = parse_type("map<text, frozen<map<int, frozen<set<uuid>>>>>");
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  EXPECT_EQ(t->cql, "map<text, frozen<map<int, frozen<set<uuid>>>>>");
  EXPECT_EQ(t->type, CqlType::map_of(CqlType::of(TypeId::kVarchar),
                                     CqlType::map_of(CqlType::of(TypeId::kInt),
                                                     CqlType::set_of(CqlType::of(TypeId::kUuid)))));
}

TEST(ParserTest, CustomType) {
  auto t = parse_type("'org.example.MyType'");
  ASSERT_TRUE(t.is_ok());
  EXPECT_EQ(t->type, CqlType::custom("org.example.MyType"));
}

TEST(ParserTest, BadTypes) {
  for (std::string_view bad : {"", "nosuchtype", "list<int", "map<int>", "list<>", "int int",
                               "frozen", "tuple<>", "list<int>>"}) {
    auto t = parse_type(bad);
    ASSERT_FALSE(t.is_ok()) << bad;
    EXPECT_EQ(t.status().code(), util::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(t.status().message().find("cql: invalid type '" + std::string(bad) + "'"),
              std::string::npos)
        << t.status().message();
  }
}

TEST(ParserTest, TypeNestingLimit) {
  std::string deep;
  for (int n = 0; n < 100; ++n) deep += "list<";
  deep += "int";
  for (int n = 0; n < 100; ++n) deep += ">";
  auto t = parse_type(deep);
  ASSERT_FALSE(t.is_ok());
  EXPECT_NE(t.status().message().find("nesting"), std::string::npos);
}

// ---------------------------------------------------------- INSERT --

TEST(ParserTest, InsertWithMarkers) {
  auto p = parse_ok(
      "INSERT INTO ks.t (a, b) VALUES (?, :b) IF NOT EXISTS USING TTL 5 AND "
      "TIMESTAMP 123");
  InsertStatement want;
  want.table = {"ks", "t"};
  want.columns = {"a", "b"};
  want.values = {marker(0), marker(1, "b")};
  want.if_not_exists = true;
  want.using_clause.ttl = i("5");
  want.using_clause.timestamp = i("123");
  EXPECT_EQ(p, (ParsedStatement{want, {std::nullopt, "b"}}));
}

TEST(ParserTest, InsertUsingBeforeIf) {
  auto ins =
      parse_as<InsertStatement>("INSERT INTO t (a) VALUES (1) USING TIMESTAMP 7 IF NOT EXISTS");
  EXPECT_TRUE(ins.if_not_exists);
  EXPECT_EQ(ins.using_clause.timestamp, i("7"));
  EXPECT_FALSE(ins.using_clause.ttl.has_value());
}

TEST(ParserTest, InsertCountMismatchFails) {
  expect_syntax_error("INSERT INTO t (a, b) VALUES (1)", "1:30", ")");
}

TEST(ParserTest, InsertJsonUnsupported) {
  expect_unsupported("INSERT INTO t JSON '{}'", "INSERT JSON");
}

// ---------------------------------------------------------- UPDATE --

TEST(ParserTest, UpdateAllAssignmentForms) {
  auto p = parse_ok(
      "UPDATE t USING TTL ? AND TIMESTAMP ? SET x = 1, l = l + [2], l = [1] + l, s = s - {3}, "
      "m['k'] = 5, m = m + {'a': 1}, c = c - 1 WHERE a = 1 AND b IN (1, 2) IF x = 3");
  UpdateStatement want;
  want.table = {"", "t"};
  want.using_clause.ttl = marker(0);
  want.using_clause.timestamp = marker(1);
  using K = Assignment::Kind;
  want.assignments = {
      {"x", K::kSet, i("1"), std::nullopt},
      {"l", K::kAdd, list({i("2")}), std::nullopt},
      {"l", K::kPrepend, list({i("1")}), std::nullopt},
      {"s", K::kSubtract, set({i("3")}), std::nullopt},
      {"m", K::kSetElement, i("5"), s("k")},
      {"m", K::kAdd, map({s("a"), i("1")}), std::nullopt},
      {"c", K::kSubtract, i("1"), std::nullopt},
  };
  want.where = {rel("a", RelationOp::kEq, {i("1")}), rel("b", RelationOp::kIn, {i("1"), i("2")})};
  want.conditions = {{"x", RelationOp::kEq, i("3")}};
  EXPECT_EQ(p, (ParsedStatement{want, {std::nullopt, std::nullopt}}));
}

TEST(ParserTest, UpdateIfExists) {
  auto up = parse_as<UpdateStatement>("UPDATE t SET x = 1 WHERE a = 1 IF EXISTS");
  EXPECT_TRUE(up.if_exists);
  EXPECT_TRUE(up.conditions.empty());
}

TEST(ParserTest, UpdateConditions) {
  auto up = parse_as<UpdateStatement>(
      "UPDATE t SET x = 1 WHERE a = 1 IF x != null AND y IN (1, 2) AND z > 3");
  std::vector<Condition> want = {{"x", RelationOp::kNe, null_term()},
                                 {"y", RelationOp::kIn, tuple({i("1"), i("2")})},
                                 {"z", RelationOp::kGt, i("3")}};
  EXPECT_EQ(up.conditions, want);
}

TEST(ParserTest, UpdateSelfReferenceOfAnotherColumnFails) {
  expect_syntax_error("UPDATE t SET x = y + 1 WHERE a = 1", "1:17", "y");
}

TEST(ParserTest, UpdateCounterDecrementWithoutSpace) {
  auto up = parse_as<UpdateStatement>("UPDATE t SET c = c -1 WHERE a = 1");
  EXPECT_EQ(up.assignments[0].kind, Assignment::Kind::kSubtract);
  EXPECT_EQ(up.assignments[0].value, i("1"));
}

// ---------------------------------------------------------- DELETE --

TEST(ParserTest, DeleteColumns) {
  auto del = parse_as<DeleteStatement>(
      "DELETE x, y FROM ks.t USING TIMESTAMP 5 WHERE a = 1 AND c > 3 AND c <= 7 IF EXISTS");
  DeleteStatement want;
  want.table = {"ks", "t"};
  want.columns = {"x", "y"};
  want.using_clause.timestamp = i("5");
  want.where = {rel("a", RelationOp::kEq, {i("1")}), rel("c", RelationOp::kGt, {i("3")}),
                rel("c", RelationOp::kLe, {i("7")})};
  want.if_exists = true;
  EXPECT_EQ(del, want);
}

TEST(ParserTest, DeleteRow) {
  auto del = parse_as<DeleteStatement>("DELETE FROM t WHERE a = 1 IF b = 2");
  EXPECT_TRUE(del.columns.empty());
  EXPECT_EQ(del.conditions, (std::vector<Condition>{{"b", RelationOp::kEq, i("2")}}));
}

TEST(ParserTest, DeleteUsingTtlFails) {
  expect_syntax_error("DELETE FROM t USING TTL 5 WHERE a = 1", "1:20", "TTL");
}

// ---------------------------------------------------------- SELECT --

TEST(ParserTest, SelectStar) {
  auto sel = parse_as<SelectStatement>("SELECT * FROM system.local WHERE key='local'");
  SelectStatement want;
  want.table = {"system", "local"};
  want.where = {rel("key", RelationOp::kEq, {s("local")})};
  EXPECT_EQ(sel, want);
}

TEST(ParserTest, SelectSystemSchemaLowerCase) {
  auto sel = parse_as<SelectStatement>(
      "select * from system_schema.tables where keyspace_name = 'ks' and table_name = 't'");
  EXPECT_EQ(sel.table, (QualifiedName{"system_schema", "tables"}));
  EXPECT_EQ(sel.where, (std::vector<Relation>{rel("keyspace_name", RelationOp::kEq, {s("ks")}),
                                              rel("table_name", RelationOp::kEq, {s("t")})}));
}

TEST(ParserTest, SelectDriverQueries) {
  for (std::string_view q : {
           "SELECT * FROM system.peers_v2",
           "SELECT peer, host_id, rpc_address, schema_version FROM system.peers",
           "SELECT host_id, peer, peer_port, native_address, native_port, schema_version FROM "
           "system.peers_v2",
           "SELECT schema_version FROM system.local WHERE key='local'",
           "SELECT * FROM system_schema.views WHERE keyspace_name = 'ks1' AND view_name = 't1'",
           "SELECT * from system_virtual_schema.keyspaces",
           "SELECT host_id, cluster_name, data_center, rack, partitioner, release_version, "
           "schema_version FROM system.local WHERE key='local'",
           "SELECT * FROM system_schema.types",
           "SELECT * FROM system_schema.functions",
           "SELECT * FROM system_schema.aggregates",
           "SELECT * FROM system_schema.triggers",
           "SELECT * FROM system_schema.indexes",
           "SELECT * FROM system_schema.columns",
       }) {
    parse_ok(q);
  }
}

TEST(ParserTest, SelectEverything) {
  auto p = parse_ok(
      "SELECT JSON DISTINCT a, b AS bb, COUNT(*), count(1), WRITETIME(x), TTL(x), token(a, b), "
      "toTimestamp(c) FROM ks.t WHERE a = ? AND b IN (?, ?) AND c >= ? AND token(a) > ? AND "
      "(c, d) > (1, 2) AND x CONTAINS 3 AND m CONTAINS KEY 'k' AND a IN ? ORDER BY c DESC "
      "PER PARTITION LIMIT 2 LIMIT ? ALLOW FILTERING");
  SelectStatement want;
  want.table = {"ks", "t"};
  want.json = true;
  want.distinct = true;
  using SK = Selector::Kind;
  want.selectors = {
      {SK::kColumn, "a", "", {}, std::nullopt},
      {SK::kColumn, "b", "", {}, "bb"},
      {SK::kCountRows, "", "", {}, std::nullopt},
      {SK::kCountRows, "", "", {}, std::nullopt},
      {SK::kWritetime, "x", "", {}, std::nullopt},
      {SK::kTtl, "x", "", {}, std::nullopt},
      {SK::kToken, "", "", {"a", "b"}, std::nullopt},
      {SK::kFunction, "", "totimestamp", {"c"}, std::nullopt},
  };
  Relation token_rel;
  token_rel.target = Relation::Target::kToken;
  token_rel.columns = {"a"};
  token_rel.op = RelationOp::kGt;
  token_rel.values = {marker(4)};
  Relation tuple_rel;
  tuple_rel.target = Relation::Target::kColumnTuple;
  tuple_rel.columns = {"c", "d"};
  tuple_rel.op = RelationOp::kGt;
  tuple_rel.values = {tuple({i("1"), i("2")})};
  Relation in_marker = rel("a", RelationOp::kIn, {marker(5)});
  in_marker.in_marker = true;
  want.where = {rel("a", RelationOp::kEq, {marker(0)}),
                rel("b", RelationOp::kIn, {marker(1), marker(2)}),
                rel("c", RelationOp::kGe, {marker(3)}),
                token_rel,
                tuple_rel,
                rel("x", RelationOp::kContains, {i("3")}),
                rel("m", RelationOp::kContainsKey, {s("k")}),
                in_marker};
  want.order_by = {{"c", true}};
  want.per_partition_limit = i("2");
  want.limit = marker(6);
  want.allow_filtering = true;
  EXPECT_EQ(p, (ParsedStatement{want, std::vector<std::optional<std::string>>(7)}));
}

TEST(ParserTest, SelectKeywordNamedColumns) {
  auto sel = parse_as<SelectStatement>(
      "SELECT key, type, ttl, timestamp, count, token, json, date, time, list, map, text FROM t "
      "WHERE type = 'x' AND count > 1 AND token = 2 AND ttl < 3");
  ASSERT_EQ(sel.selectors.size(), 12u);
  EXPECT_EQ(sel.selectors[0].column, "key");
  EXPECT_EQ(sel.selectors[5].column, "token");
  EXPECT_EQ(sel.selectors[6].column, "json");
  EXPECT_FALSE(sel.json);
  ASSERT_EQ(sel.where.size(), 4u);
  EXPECT_EQ(sel.where[2].target, Relation::Target::kColumn);
  EXPECT_EQ(sel.where[2].columns, std::vector<std::string>{"token"});
}

TEST(ParserTest, SelectJsonColumnAlone) {
  auto sel = parse_as<SelectStatement>("SELECT json FROM t");
  EXPECT_FALSE(sel.json);
  ASSERT_EQ(sel.selectors.size(), 1u);
  EXPECT_EQ(sel.selectors[0].column, "json");
}

TEST(ParserTest, SelectJsonStar) {
  auto sel = parse_as<SelectStatement>("SELECT JSON * FROM t");
  EXPECT_TRUE(sel.json);
  EXPECT_TRUE(sel.selectors.empty());
}

TEST(ParserTest, SelectDistinctColumn) {
  auto sel = parse_as<SelectStatement>("SELECT DISTINCT a FROM t");
  EXPECT_TRUE(sel.distinct);
  EXPECT_EQ(sel.selectors.size(), 1u);
}

TEST(ParserTest, SelectTupleIn) {
  auto sel = parse_as<SelectStatement>("SELECT * FROM t WHERE (c, d) IN ((1, 2), (3, 4))");
  ASSERT_EQ(sel.where.size(), 1u);
  EXPECT_EQ(sel.where[0].target, Relation::Target::kColumnTuple);
  EXPECT_EQ(sel.where[0].op, RelationOp::kIn);
  EXPECT_EQ(sel.where[0].values,
            (std::vector<Term>{tuple({i("1"), i("2")}), tuple({i("3"), i("4")})}));
}

TEST(ParserTest, SelectNamedMarkers) {
  auto p = parse_ok("SELECT * FROM t WHERE a = :a AND b = :\"B\" LIMIT :lim");
  EXPECT_EQ(p.bind_markers, (std::vector<std::optional<std::string>>{"a", "B", "lim"}));
}

TEST(ParserTest, SelectOrderByMany) {
  auto sel = parse_as<SelectStatement>("SELECT * FROM t WHERE a = 1 ORDER BY b, c ASC, d DESC");
  EXPECT_EQ(sel.order_by,
            (std::vector<std::pair<std::string, bool>>{{"b", false}, {"c", false}, {"d", true}}));
}

TEST(ParserTest, SelectCountOfColumn) {
  auto sel = parse_as<SelectStatement>("SELECT count(a), max(b) AS m FROM t");
  ASSERT_EQ(sel.selectors.size(), 2u);
  EXPECT_EQ(sel.selectors[0], (Selector{Selector::Kind::kFunction, "", "count", {"a"}, {}}));
  EXPECT_EQ(sel.selectors[1], (Selector{Selector::Kind::kFunction, "", "max", {"b"}, "m"}));
}

TEST(ParserTest, SelectInEmpty) {
  auto sel = parse_as<SelectStatement>("SELECT * FROM t WHERE a IN ()");
  EXPECT_TRUE(sel.where[0].values.empty());
}

// ----------------------------------------------------------- BATCH --

TEST(ParserTest, Batch) {
  auto p = parse_ok(
      "BEGIN BATCH USING TIMESTAMP 9 INSERT INTO t (a) VALUES (?); UPDATE t SET x = ? WHERE a = "
      "1 DELETE FROM t WHERE a = ?; APPLY BATCH;");
  BatchQuery want;
  want.type = BatchType::kLogged;
  want.using_clause.timestamp = i("9");
  InsertStatement ins;
  ins.table = {"", "t"};
  ins.columns = {"a"};
  ins.values = {marker(0)};
  UpdateStatement up;
  up.table = {"", "t"};
  up.assignments = {{"x", Assignment::Kind::kSet, marker(1), std::nullopt}};
  up.where = {rel("a", RelationOp::kEq, {i("1")})};
  DeleteStatement del;
  del.table = {"", "t"};
  del.where = {rel("a", RelationOp::kEq, {marker(2)})};
  want.statements = {ins, up, del};
  EXPECT_EQ(p, (ParsedStatement{want, std::vector<std::optional<std::string>>(3)}));
}

TEST(ParserTest, UnloggedAndCounterBatches) {
  EXPECT_EQ(parse_as<BatchQuery>("BEGIN UNLOGGED BATCH APPLY BATCH").type, BatchType::kUnlogged);
  EXPECT_EQ(
      parse_as<BatchQuery>("begin counter batch update t set c = c + 1 where a = 1; apply batch")
          .type,
      BatchType::kCounter);
}

TEST(ParserTest, BatchWithSelectFails) {
  expect_syntax_error("BEGIN BATCH SELECT * FROM t APPLY BATCH", "1:12", "SELECT");
}

TEST(ParserTest, BatchWithoutApplyFails) {
  expect_syntax_error("BEGIN BATCH INSERT INTO t (a) VALUES (1);", "1:41", "<EOF>");
}

// --------------------------------------------------------- literals --

TEST(ParserTest, StringLiterals) {
  EXPECT_EQ(value_of("'it''s'"), s("it's"));
  EXPECT_EQ(value_of("$$x'y$$"), s("x'y"));
  EXPECT_EQ(value_of("''"), s(""));
}

TEST(ParserTest, NumberLiterals) {
  EXPECT_EQ(value_of("-12"), i("-12"));
  EXPECT_EQ(value_of("12"), i("12"));
  EXPECT_EQ(value_of("3.5"), f("3.5"));
  EXPECT_EQ(value_of("-1.5e-3"), f("-1.5e-3"));
  EXPECT_EQ(value_of("1E10"), f("1E10"));
}

TEST(ParserTest, SpecialFloatLiterals) {
  EXPECT_EQ(value_of("NaN"), f("NaN"));
  EXPECT_EQ(value_of("Infinity"), f("Infinity"));
  EXPECT_EQ(value_of("-Infinity"), f("-Infinity"));
  EXPECT_EQ(value_of("nan"), f("NaN"));
}

TEST(ParserTest, BooleanLiterals) {
  EXPECT_EQ(value_of("True"), lit(Literal::Kind::kBoolean, "true"));
  EXPECT_EQ(value_of("FALSE"), lit(Literal::Kind::kBoolean, "false"));
}

TEST(ParserTest, UuidLiteral) {
  EXPECT_EQ(value_of("123e4567-e89b-12d3-a456-426614174000"),
            lit(Literal::Kind::kUuid, "123e4567-e89b-12d3-a456-426614174000"));
}

TEST(ParserTest, HexLiteral) {
  EXPECT_EQ(value_of("0xCAFE"), lit(Literal::Kind::kHex, "CAFE"));
  EXPECT_EQ(value_of("0x"), lit(Literal::Kind::kHex, ""));
}

TEST(ParserTest, NullLiteral) { EXPECT_EQ(value_of("NULL"), null_term()); }

TEST(ParserTest, DurationLiteral) {
  EXPECT_EQ(value_of("1h30m"), lit(Literal::Kind::kDuration, "1h30m"));
}

TEST(ParserTest, CollectionLiterals) {
  EXPECT_EQ(value_of("[1, 2]"), list({i("1"), i("2")}));
  EXPECT_EQ(value_of("[]"), list({}));
  EXPECT_EQ(value_of("{1, 2}"), set({i("1"), i("2")}));
  EXPECT_EQ(value_of("{'a': 1}"), map({s("a"), i("1")}));
  EXPECT_EQ(value_of("{'a':1,'b':-2}"), map({s("a"), i("1"), s("b"), i("-2")}));
  EXPECT_EQ(value_of("{}"), set({}));
  EXPECT_EQ(value_of("(1, 'x')"), tuple({i("1"), s("x")}));
  EXPECT_EQ(value_of("[-1, -2.5, -Infinity]"), list({i("-1"), f("-2.5"), f("-Infinity")}));
  EXPECT_EQ(value_of("{1: [2], 3: {4}}"), map({i("1"), list({i("2")}), i("3"), set({i("4")})}));
}

TEST(ParserTest, MapWithFunctionValueWithoutSpace) {
  EXPECT_EQ(value_of("{'a':now()}"), map({s("a"), call("now")}));
}

TEST(ParserTest, FunctionCallLiterals) {
  EXPECT_EQ(value_of("now()"), call("now"));
  EXPECT_EQ(value_of("uuid()"), call("uuid"));
  EXPECT_EQ(value_of("toTimestamp(now())"), call("totimestamp", {call("now")}));
  EXPECT_EQ(value_of("blobAsText(0x41)"), call("blobastext", {lit(Literal::Kind::kHex, "41")}));
}

TEST(ParserTest, MarkersInsideCollections) {
  auto p = parse_ok("UPDATE t SET m = m + {?: :v}, l = [?] + l WHERE a = ?");
  EXPECT_EQ(p.bind_markers, (std::vector<std::optional<std::string>>{std::nullopt, "v",
                                                                     std::nullopt, std::nullopt}));
}

TEST(ParserTest, BareIdentifierIsNotAValue) {
  expect_syntax_error("SELECT * FROM t WHERE a = b", "1:26", "b");
}

// ------------------------------------------------- comments, syntax --

TEST(ParserTest, CommentsAndCase) {
  auto sel = parse_as<SelectStatement>("-- leading\nsElEcT /* inline */ A FROM T // trailing\n;");
  EXPECT_EQ(sel.selectors[0].column, "a");
  EXPECT_EQ(sel.table.name, "t");
}

TEST(ParserTest, OnlyOneTrailingSemicolon) {
  parse_ok("USE ks;");
  expect_syntax_error("USE ks;;", "1:7", ";");
}

TEST(ParserTest, TrailingGarbageFails) {
  expect_syntax_error("SELECT * FROM t LIMIT 1 x", "1:24", "x");
}

TEST(ParserTest, EmptyStatementFails) { expect_syntax_error("", "1:0", "<EOF>"); }

TEST(ParserTest, UnknownStatementFails) { expect_syntax_error("SELEC * FROM t", "1:0", "SELEC"); }

TEST(ParserTest, ErrorOnSecondLine) { expect_syntax_error("SELECT *\nFROM WHERE", "2:5", "WHERE"); }

TEST(ParserTest, ErrorMessageSaysWhatWasExpected) {
  util::Status st = parse_error("INSERT t (a) VALUES (1)");
  EXPECT_EQ(st.message(), "cql: syntax error at line 1:7 near 't': expected INTO after INSERT");
}

TEST(ParserTest, LexerErrorsAreSyntaxErrors) {
  expect_syntax_error("SELECT * FROM t WHERE a = 'abc", "1:26", "'abc");
  expect_syntax_error("SELECT * FROM t WHERE a = 12abc", "1:26", "12abc");
}

TEST(ParserTest, NonPrintableBytesInErrorsAreReplaced) {
  util::Status st = parse_error(std::string_view("SELECT \xff\x01", 9));
  EXPECT_NE(st.message().find("near '?'"), std::string::npos) << st.message();
}

TEST(ParserTest, ReservedKeywordAsColumnFails) {
  expect_syntax_error("SELECT from FROM t", "1:7", "from");
  parse_ok("SELECT \"from\" FROM t");
}

TEST(ParserTest, EmptyQuotedIdentifierFails) {
  expect_syntax_error("SELECT \"\" FROM t", "1:7", "\"\"");
}

TEST(ParserTest, ConditionInMarker) {
  auto up = parse_as<UpdateStatement>("UPDATE t SET x = 1 WHERE a = 1 IF y IN ?");
  EXPECT_EQ(up.conditions, (std::vector<Condition>{{"y", RelationOp::kIn, marker(0)}}));
}

TEST(ParserTest, ContainsInConditionFails) {
  expect_syntax_error("UPDATE t SET x = 1 WHERE a = 1 IF l CONTAINS 1", "1:45", "1");
}

TEST(ParserTest, JsonAndDistinctTogetherWithKeywordColumn) {
  auto sel = parse_as<SelectStatement>("SELECT JSON DISTINCT key FROM t");
  EXPECT_TRUE(sel.json);
  EXPECT_TRUE(sel.distinct);
  EXPECT_EQ(sel.selectors[0].column, "key");
}

TEST(ParserTest, NegativeDuration) {
  EXPECT_EQ(value_of("-2d"), lit(Literal::Kind::kDuration, "-2d"));
}

TEST(ParserTest, MinusWithoutNumberFails) {
  expect_syntax_error("SELECT * FROM t WHERE a = -'x'", "1:27", "'x'");
}

TEST(ParserTest, DeleteCollectionElementUnsupported) {
  util::Status st = parse_error("DELETE m['k'] FROM t WHERE a = 1");
  EXPECT_EQ(st.code(), util::StatusCode::kUnsupported);
}

TEST(ParserTest, GroupByUnsupported) {
  util::Status st = parse_error("SELECT a FROM t GROUP BY a");
  EXPECT_EQ(st.code(), util::StatusCode::kUnsupported);
}

TEST(ParserTest, TokenRelationWithTokenValue) {
  auto sel = parse_as<SelectStatement>("SELECT * FROM t WHERE token(a, b) <= token(1, 'x')");
  ASSERT_EQ(sel.where.size(), 1u);
  EXPECT_EQ(sel.where[0].target, Relation::Target::kToken);
  EXPECT_EQ(sel.where[0].columns, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(sel.where[0].op, RelationOp::kLe);
  EXPECT_EQ(sel.where[0].values, (std::vector<Term>{call("token", {i("1"), s("x")})}));
}

TEST(ParserTest, TokenInRelationFails) {
  expect_syntax_error("SELECT * FROM t WHERE token(a) IN (1)", "1:31", "IN");
}

TEST(ParserTest, DuplicateUsingTtlFails) {
  expect_syntax_error("INSERT INTO t (a) VALUES (1) USING TTL 1 AND TTL 2", "1:45", "TTL");
}

TEST(ParserTest, PythonInlinedValues) {
  // What cassandra-driver's encoder.py writes for bytes, sets, tuples, None,
  // floats, booleans, uuids and nested collections.
  auto ins = parse_as<InsertStatement>(
      "INSERT INTO t (a, b, c, d, e, f, g, h) VALUES (0xdeadbeef, {1, 2}, (1, 'a'), NULL, "
      "1e-05, True, 5d6e3b9a-7c4f-11ee-b962-0242ac120002, {'k': [1.5, -2.0]})");
  EXPECT_EQ(ins.values,
            (std::vector<Term>{lit(Literal::Kind::kHex, "deadbeef"), set({i("1"), i("2")}),
                               tuple({i("1"), s("a")}), null_term(), f("1e-05"),
                               lit(Literal::Kind::kBoolean, "true"),
                               lit(Literal::Kind::kUuid, "5d6e3b9a-7c4f-11ee-b962-0242ac120002"),
                               map({s("k"), list({f("1.5"), f("-2.0")})})}));
}

// ----------------------------------------------------- unsupported --

TEST(ParserTest, UnsupportedStatements) {
  expect_unsupported("ALTER TABLE t ADD x int", "ALTER TABLE");
  expect_unsupported("ALTER KEYSPACE ks WITH durable_writes = false", "ALTER KEYSPACE");
  expect_unsupported("CREATE INDEX ON t (x)", "CREATE INDEX");
  expect_unsupported("CREATE CUSTOM INDEX i ON t (x) USING 'c'", "CREATE INDEX");
  expect_unsupported("DROP INDEX i", "DROP INDEX");
  expect_unsupported("CREATE TYPE ty (a int)", "CREATE TYPE");
  expect_unsupported("DROP TYPE ty", "DROP TYPE");
  expect_unsupported("CREATE FUNCTION f() ...", "CREATE FUNCTION");
  expect_unsupported("CREATE OR REPLACE FUNCTION f() ...", "CREATE FUNCTION");
  expect_unsupported("CREATE OR REPLACE AGGREGATE a ...", "CREATE AGGREGATE");
  expect_unsupported("CREATE AGGREGATE a ...", "CREATE AGGREGATE");
  expect_unsupported("DROP FUNCTION f", "DROP FUNCTION");
  expect_unsupported("CREATE MATERIALIZED VIEW v AS SELECT ...", "CREATE MATERIALIZED VIEW");
  expect_unsupported("DROP MATERIALIZED VIEW v", "DROP MATERIALIZED VIEW");
  expect_unsupported("CREATE TRIGGER tr ON t USING 'x'", "CREATE TRIGGER");
  expect_unsupported("CREATE ROLE r", "CREATE ROLE");
  expect_unsupported("CREATE USER u", "CREATE USER");
  expect_unsupported("DROP USER u", "DROP USER");
  expect_unsupported("GRANT ALL ON ks TO r", "GRANT");
  expect_unsupported("REVOKE ALL ON ks FROM r", "REVOKE");
  expect_unsupported("LIST ROLES", "LIST");
}

TEST(ParserTest, UnsupportedTypes) {
  util::Status st = parse_error("CREATE TABLE t (a int PRIMARY KEY, d duration)");
  EXPECT_EQ(st.code(), util::StatusCode::kUnsupported);
  expect_syntax_error("CREATE TABLE t (a int PRIMARY KEY, u frozen<myudt>)", "1:44", "myudt");
}

// ----------------------------------------------------------- limits --

TEST(ParserTest, TooLongStatement) {
  std::string text(kMaxStatementBytes + 1, ' ');
  util::Status st = parse_error(text);
  EXPECT_EQ(st.code(), util::StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("too long"), std::string::npos);
}

TEST(ParserTest, NestingLimitOnCollections) {
  std::string deep;
  for (int n = 0; n < kMaxNestingDepth + 1; ++n) deep += "[";
  deep += "1";
  for (int n = 0; n < kMaxNestingDepth + 1; ++n) deep += "]";
  util::Status st = parse_error("INSERT INTO t (a) VALUES (" + deep + ")");
  EXPECT_EQ(st.code(), util::StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("nesting deeper than 64"), std::string::npos) << st.message();
}

TEST(ParserTest, NestingJustUnderTheLimit) {
  std::string deep;
  for (int n = 0; n < kMaxNestingDepth - 2; ++n) deep += "[";
  deep += "1";
  for (int n = 0; n < kMaxNestingDepth - 2; ++n) deep += "]";
  parse_ok("INSERT INTO t (a) VALUES (" + deep + ")");
}

TEST(ParserTest, HugeNestingDoesNotOverflowTheStack) {
  std::string deep(1 << 20, '(');
  util::Status st = parse_error("SELECT * FROM t WHERE a = " + deep);
  EXPECT_EQ(st.code(), util::StatusCode::kInvalidArgument);
}

TEST(ParserTest, LargeInlinedListIsLinear) {
  std::string text = "INSERT INTO t (a, b) VALUES (1, [";
  const int n = 200000;
  for (int k = 0; k < n; ++k) {
    if (k) text += ", ";
    text += "'v" + std::to_string(k) + "'";
  }
  text += "])";
  auto ins = parse_as<InsertStatement>(text);
  ASSERT_EQ(ins.values.size(), 2u);
  const auto& c = std::get<CollectionLiteral>(ins.values[1].value);
  EXPECT_EQ(c.elements.size(), static_cast<size_t>(n));
}

TEST(ParserTest, ManyMarkers) {
  std::string text = "SELECT * FROM t WHERE a IN (";
  for (int k = 0; k < 10000; ++k) text += k ? ", ?" : "?";
  text += ")";
  auto p = parse_ok(text);
  EXPECT_EQ(p.bind_markers.size(), 10000u);
}

// ----------------------------------------------------------- corpus --

TEST(ParserTest, EveryFuzzSeedParses) {
  const std::filesystem::path dir =
      std::filesystem::path(MEDALLION_SOURCE_DIR) / "tests/fuzz/corpus/cql_parser_fuzz";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    auto r = parse_statement(buf.str());
    EXPECT_TRUE(r.is_ok()) << entry.path() << ": " << r.status().to_string();
    ++count;
  }
  EXPECT_GE(count, 12);
}

}  // namespace
}  // namespace medallion::cql
