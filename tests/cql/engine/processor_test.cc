// QueryProcessor tests that the .test files cannot express: prepared
// metadata, bound values of every type, paging states, bad bind values,
// concurrency, schema versions.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "cql/engine/schema.h"
#include "engine_test_util.h"

namespace medallion::cql {
namespace {

using testing::EngineFixture;

std::string be32(int32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[i] = static_cast<char>(static_cast<uint32_t>(v) >> (24 - 8 * i));
  return s;
}

RowsResult rows_of(const util::Result<QueryResult>& r) {
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  if (!r.is_ok()) return {};
  const auto* rows = std::get_if<RowsResult>(&*r);
  EXPECT_NE(rows, nullptr);
  return rows ? *rows : RowsResult{};
}

class ProcessorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fx.query("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
                         "'replication_factor': 1}")
                    .is_ok());
    ASSERT_TRUE(fx.query("USE ks").is_ok());
  }
  EngineFixture fx;
};

TEST_F(ProcessorTest, PreparedInsertMetadata) {
  ASSERT_TRUE(
      fx.query("CREATE TABLE t (a int, b text, c bigint, PRIMARY KEY ((a, b), c))").is_ok());
  const std::string q = "INSERT INTO t (c, b, a) VALUES (?, :bee, ?) USING TTL ?";
  auto st = fx.prepare(q);
  ASSERT_TRUE(st.is_ok()) << st.status().message();
  const auto& r = (*st)->result;
  EXPECT_EQ(r.id, md5_digest("ks" + q));
  ASSERT_EQ(r.bind_columns.size(), 4u);
  EXPECT_EQ(r.bind_columns[0].name, "c");
  EXPECT_EQ(r.bind_columns[1].name, "bee");
  EXPECT_EQ(r.bind_columns[2].name, "a");
  EXPECT_EQ(r.bind_columns[3].name, "[ttl]");
  EXPECT_EQ(r.bind_columns[3].type, CqlType::of(TypeId::kInt));
  EXPECT_EQ(r.bind_columns[0].keyspace, "ks");
  EXPECT_EQ(r.bind_columns[0].table, "t");
  EXPECT_EQ(r.partition_key_indices, (std::vector<uint16_t>{2, 1}));
  EXPECT_TRUE(r.result_metadata.no_metadata);
}

TEST_F(ProcessorTest, PreparedSelectMetadata) {
  ASSERT_TRUE(fx.query("CREATE TABLE t (a int, c int, v text, PRIMARY KEY (a, c))").is_ok());
  auto st = fx.prepare("SELECT v AS x, c FROM t WHERE a IN ? AND c > ? LIMIT ?");
  ASSERT_TRUE(st.is_ok()) << st.status().message();
  const auto& r = (*st)->result;
  ASSERT_EQ(r.bind_columns.size(), 3u);
  EXPECT_EQ(r.bind_columns[0].name, "in(a)");
  EXPECT_EQ(r.bind_columns[0].type, CqlType::list_of(CqlType::of(TypeId::kInt)));
  EXPECT_EQ(r.bind_columns[1].name, "c");
  EXPECT_EQ(r.bind_columns[2].name, "[limit]");
  EXPECT_TRUE(r.partition_key_indices.empty());
  ASSERT_EQ(r.result_metadata.columns.size(), 2u);
  EXPECT_EQ(r.result_metadata.columns[0].name, "x");
  EXPECT_EQ(r.result_metadata.columns[0].type, CqlType::of(TypeId::kVarchar));
  EXPECT_FALSE(r.result_metadata.no_metadata);
  auto tok = fx.prepare("SELECT * FROM t WHERE token(a) > ?");
  ASSERT_TRUE(tok.is_ok()) << tok.status().message();
  EXPECT_EQ((*tok)->result.bind_columns[0].name, "partition key token");
}

TEST_F(ProcessorTest, BoundValuesOfEveryTypeRoundTrip) {
  ASSERT_TRUE(fx.query("CREATE TABLE all_types (k int, c int, a ascii, b bigint, bl blob, "
                       "bo boolean, de decimal, do double, fl float, i inet, t text, ts timestamp, "
                       "u uuid, tu timeuuid, vi varint, d date, ti time, si smallint, tn tinyint, "
                       "l list<int>, s set<text>, m map<text, int>, tp tuple<int, text>, "
                       "fr frozen<list<int>>, PRIMARY KEY (k, c))")
                  .is_ok());
  const std::vector<std::pair<std::string, std::string>> values = {
      {"a", "ascii"},
      {"b", std::string("\x80\0\0\0\0\0\0\1", 8)},
      {"bl", std::string("\0\xff\x10", 3)},
      {"bo", std::string("\1", 1)},
      {"de", std::string("\0\0\0\2\x04\xd2", 6)},
      {"do", std::string("\x3f\xf8\0\0\0\0\0\0", 8)},
      {"fl", std::string("\x3f\xc0\0\0", 4)},
      {"i", std::string("\x7f\0\0\1", 4)},
      {"t", "héllo"},
      {"ts", std::string("\0\0\1\x70\0\0\0\0", 8)},
      {"u", std::string("\x12\x3e\x45\x67\xe8\x9b\x42\xd3\xa4\x56\x42\x66\x14\x17\x40\x00", 16)},
      {"tu", std::string("\x12\x3e\x45\x67\xe8\x9b\x11\xd3\xa4\x56\x42\x66\x14\x17\x40\x00", 16)},
      {"vi", std::string("\x00\x80", 2)},
      {"d", std::string("\x80\0\0\x0a", 4)},
      {"ti", std::string("\0\0\0\0\0\0\0\x05", 8)},
      {"si", std::string("\xff\xfe", 2)},
      {"tn", std::string("\x7f", 1)},
      {"l", std::string("\0\0\0\1\0\0\0\4\0\0\0\7", 12)},
      {"s", std::string("\0\0\0\1\0\0\0\1z", 9)},
      {"m", std::string("\0\0\0\1\0\0\0\1k\0\0\0\4\0\0\0\2", 17)},
      {"tp", std::string("\0\0\0\4\0\0\0\1\xff\xff\xff\xff", 12)},
      {"fr", std::string("\0\0\0\0", 4)},
  };
  std::string cols = "k, c", marks = "?, ?", select;
  QueryParameters p;
  p.values = {Value::of(be32(1)), Value::of(be32(2))};
  for (const auto& [name, bytes] : values) {
    cols += ", " + name;
    marks += ", ?";
    select += (select.empty() ? "" : ", ") + name;
    p.values.push_back(Value::of(bytes));
  }
  auto ins = fx.query("INSERT INTO all_types (" + cols + ") VALUES (" + marks + ")", p);
  ASSERT_TRUE(ins.is_ok()) << ins.status().message();
  const auto& rows =
      rows_of(fx.query("SELECT " + select + " FROM all_types WHERE k = 1 AND c = 2"));
  ASSERT_EQ(rows.rows.size(), 1u);
  for (size_t i = 0; i < values.size(); ++i) {
    ASSERT_TRUE(rows.rows[0][i].has_value()) << values[i].first;
    EXPECT_EQ(*rows.rows[0][i], values[i].second) << values[i].first;
  }
}

TEST_F(ProcessorTest, WrongSizeBindValueIsInvalid) {
  ASSERT_TRUE(fx.query("CREATE TABLE t (a int, c int, v bigint, PRIMARY KEY (a, c))").is_ok());
  QueryParameters p;
  p.values = {Value::of(be32(1)), Value::of(be32(1)), Value::of("abc")};
  auto r = fx.query("INSERT INTO t (a, c, v) VALUES (?, ?, ?)", p);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kInvalidArgument);
}

TEST_F(ProcessorTest, WrongNumberOfValuesIsInvalid) {
  ASSERT_TRUE(fx.query("CREATE TABLE t (a int, c int, PRIMARY KEY (a, c))").is_ok());
  QueryParameters p;
  p.values = {Value::of(be32(1))};
  auto r = fx.query("INSERT INTO t (a, c) VALUES (?, ?)", p);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kInvalidArgument);
  p.values = {Value::of(be32(1)), Value::of(be32(1)), Value::of(be32(1))};
  r = fx.query("INSERT INTO t (a, c) VALUES (?, ?)", p);
  EXPECT_EQ(r.status().code(), util::StatusCode::kInvalidArgument);
}

TEST_F(ProcessorTest, NullKeyValueIsInvalid) {
  ASSERT_TRUE(fx.query("CREATE TABLE t (a int, c int, PRIMARY KEY (a, c))").is_ok());
  QueryParameters p;
  p.values = {Value::null(), Value::of(be32(1))};
  auto r = fx.query("INSERT INTO t (a, c) VALUES (?, ?)", p);
  EXPECT_EQ(r.status().code(), util::StatusCode::kInvalidArgument);
}

// Key values are checked where they are bound: unset, null and malformed
// values name their column, for the partition key and the clustering key.
TEST_F(ProcessorTest, BadKeyValuesNameTheirColumn) {
  ASSERT_TRUE(fx.query("CREATE TABLE t (a int, c int, v text, PRIMARY KEY (a, c))").is_ok());
  const auto error_of = [&](std::vector<Value> values) {
    QueryParameters p;
    p.values = std::move(values);
    auto r = fx.query("INSERT INTO t (a, c, v) VALUES (?, ?, ?)", p);
    EXPECT_EQ(r.status().code(), util::StatusCode::kInvalidArgument);
    return r.status().message();
  };
  const Value v = Value::of("x");
  EXPECT_NE(error_of({Value::not_set(), Value::of(be32(1)), v}).find("unset value for column a"),
            std::string::npos);
  EXPECT_NE(error_of({Value::of(be32(1)), Value::null(), v}).find("null value for column c"),
            std::string::npos);
  EXPECT_NE(error_of({Value::of("abc"), Value::of(be32(1)), v}).find("column 'a'"),
            std::string::npos);
  EXPECT_NE(error_of({Value::of(be32(1)), Value::of("ab"), v}).find("column 'c'"),
            std::string::npos);
  EXPECT_NE(
      error_of({Value::of(be32(1)), Value::of(be32(1)), Value::of("\xc3\x28")}).find("column 'v'"),
      std::string::npos);
}

// Keys given by IN take the general path: every combination is written.
TEST_F(ProcessorTest, KeysByInWriteEveryCombination) {
  ASSERT_TRUE(fx.query("CREATE TABLE t (a int, c int, v text, PRIMARY KEY (a, c))").is_ok());
  QueryParameters p;
  p.values = {Value::of("both"), Value::of(be32(1)), Value::of(be32(2)), Value::of(be32(5)),
              Value::of(be32(6))};
  ASSERT_TRUE(fx.query("UPDATE t SET v = ? WHERE a IN (?, ?) AND c IN (?, ?)", p).is_ok());
  EXPECT_EQ(rows_of(fx.query("SELECT v FROM t WHERE a IN (1, 2)")).rows.size(), 4u);
}

TEST_F(ProcessorTest, ValuesByName) {
  ASSERT_TRUE(fx.query("CREATE TABLE t (a int, c int, v text, PRIMARY KEY (a, c))").is_ok());
  QueryParameters p;
  p.values = {Value::of("named"), Value::of(be32(3)), Value::of(be32(4))};
  p.value_names = {"v", "c", "a"};
  auto r = fx.query("INSERT INTO t (a, c, v) VALUES (:a, :c, :v)", p);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const auto& rows = rows_of(fx.query("SELECT v FROM t WHERE a = 4 AND c = 3"));
  ASSERT_EQ(rows.rows.size(), 1u);
  EXPECT_EQ(*rows.rows[0][0], "named");
}

TEST_F(ProcessorTest, UnsetValueWritesNothing) {
  ASSERT_TRUE(fx.query("CREATE TABLE t (a int, c int, v text, PRIMARY KEY (a, c))").is_ok());
  ASSERT_TRUE(fx.query("INSERT INTO t (a, c, v) VALUES (1, 1, 'kept')").is_ok());
  QueryParameters p;
  p.values = {Value::of(be32(1)), Value::of(be32(1)), Value::not_set()};
  ASSERT_TRUE(fx.query("INSERT INTO t (a, c, v) VALUES (?, ?, ?)", p).is_ok());
  const auto& rows = rows_of(fx.query("SELECT v FROM t WHERE a = 1 AND c = 1"));
  ASSERT_EQ(rows.rows.size(), 1u);
  EXPECT_EQ(*rows.rows[0][0], "kept");
}

void insert_grid(EngineFixture& fx, int partitions, int rows) {
  auto st = fx.prepare("INSERT INTO g (p, c) VALUES (?, ?)");
  ASSERT_TRUE(st.is_ok()) << st.status().message();
  for (int p = 0; p < partitions; ++p) {
    for (int c = 0; c < rows; ++c) {
      QueryParameters params;
      params.values = {Value::of(be32(p)), Value::of(be32(c))};
      ASSERT_TRUE(fx.execute(*st, params).is_ok());
    }
  }
}

std::vector<std::vector<std::optional<std::string>>> all_pages(EngineFixture& fx,
                                                               const std::string& q, int page) {
  auto st = fx.prepare(q);
  EXPECT_TRUE(st.is_ok()) << st.status().message();
  std::vector<std::vector<std::optional<std::string>>> out;
  QueryParameters params;
  params.page_size = page;
  for (int i = 0; i < 100000; ++i) {
    const auto& rows = rows_of(fx.execute(*st, params));
    EXPECT_LE(rows.rows.size(), static_cast<size_t>(page));
    out.insert(out.end(), rows.rows.begin(), rows.rows.end());
    if (!rows.metadata.paging_state) break;
    EXPECT_FALSE(rows.rows.empty()) << "empty page with more pages announced";
    if (rows.rows.empty()) break;
    params.paging_state = rows.metadata.paging_state;
  }
  return out;
}

TEST_F(ProcessorTest, TenThousandRowsPagedExactlyOnceInOrder) {
  ASSERT_TRUE(fx.query("CREATE TABLE g (p int, c int, PRIMARY KEY (p, c))").is_ok());
  insert_grid(fx, 1, 10000);
  auto rows = all_pages(fx, "SELECT c FROM g WHERE p = 0", 100);
  ASSERT_EQ(rows.size(), 10000u);
  for (int i = 0; i < 10000; ++i) EXPECT_EQ(*rows[i][0], be32(i)) << i;
}

TEST_F(ProcessorTest, ScanPagesEveryRowOnce) {
  ASSERT_TRUE(fx.query("CREATE TABLE g (p int, c int, PRIMARY KEY (p, c))").is_ok());
  insert_grid(fx, 50, 20);
  auto rows = all_pages(fx, "SELECT p, c FROM g", 7);
  ASSERT_EQ(rows.size(), 1000u);
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& r : rows) seen.insert({*r[0], *r[1]});
  EXPECT_EQ(seen.size(), 1000u);
  // Exactly one full page: no further page announced.
  auto st = fx.prepare("SELECT p, c FROM g WHERE p = 1");
  QueryParameters params;
  params.page_size = 20;
  const auto& one = rows_of(fx.execute(*st, params));
  EXPECT_EQ(one.rows.size(), 20u);
  EXPECT_FALSE(one.metadata.paging_state.has_value());
}

TEST_F(ProcessorTest, GarbagePagingStateIsInvalid) {
  ASSERT_TRUE(fx.query("CREATE TABLE g (p int, c int, PRIMARY KEY (p, c))").is_ok());
  insert_grid(fx, 2, 3);
  for (const std::string& garbage :
       {std::string(), std::string("x"), std::string(40, '\xff'), std::string(8, '\1')}) {
    QueryParameters params;
    params.page_size = 2;
    params.paging_state = garbage;
    auto r = fx.query("SELECT p, c FROM g", params);
    ASSERT_FALSE(r.is_ok());
    EXPECT_EQ(r.status().code(), util::StatusCode::kInvalidArgument);
  }
}

TEST_F(ProcessorTest, SkipMetadata) {
  ASSERT_TRUE(fx.query("CREATE TABLE g (p int, c int, PRIMARY KEY (p, c))").is_ok());
  QueryParameters params;
  params.skip_metadata = true;
  const auto& rows = rows_of(fx.query("SELECT p, c FROM g", params));
  EXPECT_TRUE(rows.metadata.no_metadata);
  EXPECT_EQ(rows.metadata.column_count, 2);
}

TEST_F(ProcessorTest, ConcurrentExecutes) {
  ASSERT_TRUE(fx.query("CREATE TABLE g (p int, c int, PRIMARY KEY (p, c))").is_ok());
  auto ins = fx.prepare("INSERT INTO g (p, c) VALUES (?, ?)");
  auto sel = fx.prepare("SELECT c FROM g WHERE p = ?");
  ASSERT_TRUE(ins.is_ok() && sel.is_ok());
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 250; ++i) {
        QueryParameters p;
        p.values = {Value::of(be32(t)), Value::of(be32(i))};
        if (!fx.execute(*ins, p).is_ok()) ++failures;
        QueryParameters s;
        s.values = {Value::of(be32(t))};
        if (!fx.execute(*sel, s).is_ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  const auto& rows = rows_of(fx.query("SELECT COUNT(*) FROM g"));
  ASSERT_EQ(rows.rows.size(), 1u);
  EXPECT_EQ(*rows.rows[0][0], std::string("\0\0\0\0\0\0\x03\xe8", 8));
}

TEST_F(ProcessorTest, StatementOnDroppedTableFails) {
  ASSERT_TRUE(fx.query("CREATE TABLE g (p int, c int, PRIMARY KEY (p, c))").is_ok());
  auto st = fx.prepare("SELECT * FROM g WHERE p = 1");
  ASSERT_TRUE(st.is_ok());
  ASSERT_TRUE(fx.query("DROP TABLE g").is_ok());
  auto r = fx.execute(*st, {});
  EXPECT_EQ(r.status().code(), util::StatusCode::kInvalidArgument);
}

TEST_F(ProcessorTest, SchemaVersionChangesWithDdlAndSurvivesReopen) {
  const Uuid v1 = fx.processor().schema_version();
  ASSERT_TRUE(fx.query("CREATE TABLE g (p int, c int, PRIMARY KEY (p, c))").is_ok());
  const Uuid v2 = fx.processor().schema_version();
  EXPECT_NE(v1, v2);
  fx.open();
  EXPECT_EQ(fx.processor().schema_version(), v2);
}

TEST_F(ProcessorTest, DdlResults) {
  auto r = fx.query("CREATE TABLE g (p int, c int, PRIMARY KEY (p, c))");
  ASSERT_TRUE(r.is_ok());
  auto* change = std::get_if<SchemaChange>(&*r);
  ASSERT_NE(change, nullptr);
  EXPECT_EQ(change->target, SchemaChangeTarget::kTable);
  EXPECT_EQ(change->keyspace, "ks");
  EXPECT_EQ(change->name, "g");
  r = fx.query("CREATE TABLE IF NOT EXISTS g (p int, c int, PRIMARY KEY (p, c))");
  ASSERT_TRUE(r.is_ok());
  EXPECT_TRUE(std::holds_alternative<VoidResult>(*r));
  r = fx.query("TRUNCATE g");
  ASSERT_TRUE(r.is_ok());
  EXPECT_TRUE(std::holds_alternative<VoidResult>(*r));
}

TEST_F(ProcessorTest, InsertIfNotExists) {
  ASSERT_TRUE(fx.query("CREATE TABLE g (p int, c int, v text, PRIMARY KEY (p, c))").is_ok());
  const auto& first = rows_of(fx.query("INSERT INTO g (p, c, v) VALUES (1, 1, 'a') IF NOT EXISTS"));
  ASSERT_EQ(first.rows.size(), 1u);
  EXPECT_EQ(first.metadata.columns[0].name, "[applied]");
  EXPECT_EQ(*first.rows[0][0], std::string(1, '\1'));
  const auto& second =
      rows_of(fx.query("INSERT INTO g (p, c, v) VALUES (1, 1, 'b') IF NOT EXISTS"));
  EXPECT_EQ(*second.rows[0][0], std::string(1, '\0'));
  const auto& rows = rows_of(fx.query("SELECT v FROM g WHERE p = 1 AND c = 1"));
  EXPECT_EQ(*rows.rows[0][0], "a");
}

TEST_F(ProcessorTest, ExecuteBatchWithPreparedMembers) {
  ASSERT_TRUE(fx.query("CREATE TABLE g (p int, c int, PRIMARY KEY (p, c))").is_ok());
  auto st = fx.prepare("INSERT INTO g (p, c) VALUES (?, ?)");
  ASSERT_TRUE(st.is_ok());
  std::vector<BoundStatement> members;
  for (int i = 0; i < 3; ++i)
    members.push_back({*st, {Value::of(be32(9)), Value::of(be32(i))}, {}});
  std::promise<util::Result<QueryResult>> promise;
  fx.processor().execute_batch(
      BatchType::kLogged, members, int64_t{42},
      [&](util::Result<QueryResult> r) { promise.set_value(std::move(r)); });
  auto r = promise.get_future().get();
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const auto& rows = rows_of(fx.query("SELECT COUNT(*) FROM g WHERE p = 9"));
  EXPECT_EQ(*rows.rows[0][0], std::string("\0\0\0\0\0\0\0\3", 8));
}

}  // namespace
}  // namespace medallion::cql
