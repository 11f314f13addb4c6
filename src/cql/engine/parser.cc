// Entry points, token handling, statement dispatch and the DDL statements
// of the CQL parser (see parser_internal.h).
#include "cql/engine/parser.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "cql/engine/parser_internal.h"

namespace medallion::cql {
namespace parser_internal {
namespace {

// Cassandra's reserved keywords that may not be used unquoted as names
// (everything else, e.g. key, type, ttl, timestamp, token, count, json,
// date, time, list, map, text, ..., is an ordinary identifier). Sorted.
constexpr std::string_view kReserved[] = {
    "add",      "allow",  "alter",   "and",          "apply",       "asc",      "authorize",
    "batch",    "begin",  "by",      "columnfamily", "create",      "delete",   "desc",
    "describe", "drop",   "entries", "execute",      "from",        "full",     "grant",
    "if",       "in",     "index",   "infinity",     "insert",      "into",     "is",
    "keyspace", "limit",  "modify",  "nan",          "norecursive", "not",      "null",
    "of",       "on",     "or",      "order",        "primary",     "rename",   "revoke",
    "schema",   "select", "set",     "table",        "to",          "truncate", "unlogged",
    "update",   "use",    "using",   "where",        "with"};

// The token's text for an error message: at most 40 bytes, printable ASCII.
std::string printable(const Token& t) {
  if (t.kind == TokenKind::kEnd) return "<EOF>";
  std::string out = printable_text(t.text.substr(0, 40));
  if (t.text.size() > 40) out += "...";
  return out;
}

}  // namespace

std::string printable_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u >= 0x20 && u < 0x7f ? c : '?');
  }
  return out;
}

bool is_reserved_keyword(std::string_view word) {
  if (word.size() > 12) return false;
  char buf[12];
  for (size_t i = 0; i < word.size(); ++i) {
    const char c = word[i];
    buf[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  const std::string_view w(buf, word.size());
  for (std::string_view r : kReserved) {
    if (r == w) return true;
  }
  return false;
}

Parser::Depth::Depth(Parser* p) : parser(p) {
  if (++parser->depth_ > kMaxNestingDepth) {
    const Token& t = parser->peek();
    --parser->depth_;
    throw ParseError{util::Status::invalid_argument(fmt::format(
        "cql: syntax error at line {}:{} near '{}': nesting deeper than {} levels; flatten the "
        "statement",
        t.line, t.column, printable(t), kMaxNestingDepth))};
  }
}

// ------------------------------------------------------------- tokens --

const Token& Parser::peek(size_t k) {
  while (count_ <= k) {
    Token t = lexer_.next();
    if (t.kind == TokenKind::kError) {
      throw ParseError{util::Status::invalid_argument(
          fmt::format("cql: syntax error at line {}:{} near '{}': {}", t.line, t.column,
                      printable(t), lexer_.error()))};
    }
    ring_[(head_ + count_) % kLookahead] = t;
    ++count_;
  }
  return ring_[(head_ + k) % kLookahead];
}

Token Parser::take() {
  Token t = peek();
  if (t.kind != TokenKind::kEnd) {
    head_ = (head_ + 1) % kLookahead;
    --count_;
  }
  return t;
}

bool Parser::accept_keyword(std::string_view kw) {
  if (!peek().is_keyword(kw)) return false;
  take();
  return true;
}

void Parser::expect_keyword(std::string_view kw, std::string_view what) {
  if (!accept_keyword(kw)) fail_here(what);
}

bool Parser::accept_punct(char c) {
  if (!peek().is_punct(c)) return false;
  take();
  return true;
}

void Parser::expect_punct(char c, std::string_view what) {
  if (!accept_punct(c)) fail_here(what);
}

void Parser::expect_end() {
  accept_punct(';');
  if (peek().kind != TokenKind::kEnd) fail_here("expected the end of the statement");
}

void Parser::fail(const Token& at, std::string_view expected) {
  throw ParseError{
      util::Status::invalid_argument(fmt::format("cql: syntax error at line {}:{} near '{}': {}",
                                                 at.line, at.column, printable(at), expected))};
}

void Parser::unsupported(std::string_view what) {
  throw ParseError{util::Status::unsupported(
      fmt::format("cql: {} is not supported by the embedded server", what))};
}

bool Parser::at_identifier(size_t k) {
  const Token& t = peek(k);
  if (t.kind == TokenKind::kQuotedIdentifier) return true;
  return t.kind == TokenKind::kIdentifier && !is_reserved_keyword(t.text);
}

std::string Parser::identifier(std::string_view what) {
  if (!at_identifier()) fail_here(what);
  const Token t = take();
  if (t.kind == TokenKind::kQuotedIdentifier) {
    std::string v = token_value(t);
    if (v.empty()) fail(t, "an identifier may not be empty");
    return v;
  }
  return to_lower_ascii(t.text);
}

QualifiedName Parser::qualified_name() {
  QualifiedName q;
  q.name = identifier("expected a table name");
  if (accept_punct('.')) {
    q.keyspace = std::move(q.name);
    q.name = identifier("expected a table name after the keyspace");
  }
  return q;
}

bool Parser::accept_if_not_exists() {
  if (!peek().is_keyword("if")) return false;
  take();
  expect_keyword("not", "expected NOT EXISTS after IF");
  expect_keyword("exists", "expected EXISTS after IF NOT");
  return true;
}

bool Parser::accept_if_exists() {
  if (!peek().is_keyword("if")) return false;
  take();
  expect_keyword("exists", "expected EXISTS after IF");
  return true;
}

// --------------------------------------------------------- statements --

ParsedStatement Parser::parse_whole_statement() {
  ParsedStatement out;
  out.statement = statement();
  expect_end();
  out.bind_markers = std::move(markers_);
  return out;
}

ParsedType Parser::parse_whole_type() {
  ParsedType t = type();
  if (peek().kind != TokenKind::kEnd) fail_here("expected the end of the type");
  return t;
}

Statement Parser::statement() {
  const Token& t = peek();
  if (t.kind != TokenKind::kIdentifier) fail_here("expected a statement");
  if (t.is_keyword("select")) return select_statement();
  if (t.is_keyword("insert")) return insert_statement();
  if (t.is_keyword("update")) return update_statement();
  if (t.is_keyword("delete")) return delete_statement();
  if (t.is_keyword("begin")) return batch_statement();
  if (t.is_keyword("use")) {
    take();
    UseStatement use;
    use.keyspace = identifier("expected a keyspace name");
    return use;
  }
  if (t.is_keyword("create")) return create_statement();
  if (t.is_keyword("drop")) return drop_statement();
  if (t.is_keyword("truncate")) {
    take();
    if (!accept_keyword("table")) accept_keyword("columnfamily");
    TruncateStatement tr;
    tr.table = qualified_name();
    return tr;
  }
  if (t.is_keyword("alter")) {
    take();
    const Token& what = peek();
    for (std::string_view k :
         {"keyspace", "schema", "table", "columnfamily", "type", "role", "user"}) {
      if (what.is_keyword(k)) unsupported("ALTER " + to_upper_word(k));
    }
    if (what.is_keyword("materialized")) unsupported("ALTER MATERIALIZED VIEW");
    fail_here("expected KEYSPACE, TABLE, TYPE, MATERIALIZED VIEW, ROLE or USER after ALTER");
  }
  if (t.is_keyword("grant")) unsupported("GRANT");
  if (t.is_keyword("revoke")) unsupported("REVOKE");
  if (t.is_keyword("list")) unsupported("LIST");
  fail_here(
      "expected a statement (SELECT, INSERT, UPDATE, DELETE, BEGIN BATCH, USE, CREATE, DROP or "
      "TRUNCATE)");
}

namespace {
// Statement kinds we recognize but do not execute, by the word after
// CREATE / DROP.
struct UnsupportedKind {
  std::string_view keyword;
  std::string_view name;
};
constexpr UnsupportedKind kUnsupportedKinds[] = {
    {"index", "INDEX"},       {"custom", "INDEX"},        {"type", "TYPE"},
    {"function", "FUNCTION"}, {"aggregate", "AGGREGATE"}, {"materialized", "MATERIALIZED VIEW"},
    {"trigger", "TRIGGER"},   {"role", "ROLE"},           {"user", "USER"},
};
}  // namespace

std::string to_upper_word(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

Statement Parser::create_statement() {
  take();  // CREATE
  const Token& t = peek();
  if (t.is_keyword("keyspace") || t.is_keyword("schema")) return create_keyspace();
  if (t.is_keyword("table") || t.is_keyword("columnfamily")) return create_table();
  if (t.is_keyword("or")) {
    // CREATE OR REPLACE FUNCTION / AGGREGATE
    take();
    expect_keyword("replace", "expected REPLACE after CREATE OR");
    if (accept_keyword("aggregate")) unsupported("CREATE AGGREGATE");
    unsupported("CREATE FUNCTION");
  }
  for (const auto& k : kUnsupportedKinds) {
    if (t.is_keyword(k.keyword)) unsupported(fmt::format("CREATE {}", k.name));
  }
  fail_here("expected KEYSPACE or TABLE after CREATE");
}

Statement Parser::drop_statement() {
  take();  // DROP
  const Token& t = peek();
  if (t.is_keyword("keyspace") || t.is_keyword("schema")) {
    take();
    DropKeyspaceStatement d;
    d.if_exists = accept_if_exists();
    d.keyspace = identifier("expected a keyspace name");
    return d;
  }
  if (t.is_keyword("table") || t.is_keyword("columnfamily")) {
    take();
    DropTableStatement d;
    d.if_exists = accept_if_exists();
    d.table = qualified_name();
    return d;
  }
  for (const auto& k : kUnsupportedKinds) {
    if (k.keyword != "custom" && t.is_keyword(k.keyword)) {
      unsupported(fmt::format("DROP {}", k.name));
    }
  }
  fail_here("expected KEYSPACE or TABLE after DROP");
}

CreateKeyspaceStatement Parser::create_keyspace() {
  take();  // KEYSPACE / SCHEMA
  CreateKeyspaceStatement ks;
  ks.if_not_exists = accept_if_not_exists();
  ks.keyspace = identifier("expected a keyspace name");
  expect_keyword("with", "expected WITH replication = {...}");
  do {
    property_into(ks.properties);
  } while (accept_keyword("and"));
  return ks;
}

CreateTableStatement Parser::create_table() {
  take();  // TABLE / COLUMNFAMILY
  CreateTableStatement ct;
  ct.if_not_exists = accept_if_not_exists();
  ct.table = qualified_name();
  expect_punct('(', "expected '(' and the column definitions");
  bool have_key = false;
  auto duplicate_key = [&] { fail_here("expected only one PRIMARY KEY"); };
  do {
    if (peek().is_keyword("primary")) {
      if (have_key) duplicate_key();
      take();
      expect_keyword("key", "expected KEY after PRIMARY");
      expect_punct('(', "expected '(' and the primary key columns");
      if (accept_punct('(')) {
        do {
          ct.partition_key.push_back(identifier("expected a partition key column"));
        } while (accept_punct(','));
        expect_punct(')', "expected ')' after the partition key columns");
      } else {
        ct.partition_key.push_back(identifier("expected a primary key column"));
      }
      while (accept_punct(',')) {
        ct.clustering_key.push_back(identifier("expected a clustering column"));
      }
      expect_punct(')', "expected ')' after the primary key columns");
      have_key = true;
      continue;
    }
    if (peek().is_punct(')')) break;  // a trailing comma
    ColumnDefinition col;
    col.name = identifier("expected a column name or PRIMARY KEY");
    col.type = type();
    if (accept_keyword("static")) col.is_static = true;
    if (peek().is_keyword("primary")) {
      if (have_key) duplicate_key();
      take();
      expect_keyword("key", "expected KEY after PRIMARY");
      ct.partition_key.push_back(col.name);
      have_key = true;
    }
    ct.columns.push_back(std::move(col));
  } while (accept_punct(','));
  expect_punct(')', "expected ',' or ')' after a column definition");
  if (!have_key) fail_here("expected a PRIMARY KEY in the table definition");
  if (accept_keyword("with")) {
    do {
      if (accept_keyword("clustering")) {
        expect_keyword("order", "expected ORDER after CLUSTERING");
        expect_keyword("by", "expected BY after CLUSTERING ORDER");
        expect_punct('(', "expected '(' after CLUSTERING ORDER BY");
        do {
          std::string c = identifier("expected a clustering column");
          bool desc = false;
          if (accept_keyword("desc")) {
            desc = true;
          } else if (!accept_keyword("asc")) {
            fail_here("expected ASC or DESC");
          }
          ct.clustering_order.emplace_back(std::move(c), desc);
        } while (accept_punct(','));
        expect_punct(')', "expected ')' after the clustering order");
      } else if (accept_keyword("compact")) {
        expect_keyword("storage", "expected STORAGE after COMPACT");
        ct.compact_storage = true;
      } else {
        property_into(ct.properties);
      }
    } while (accept_keyword("and"));
  }
  return ct;
}

}  // namespace parser_internal

util::Result<ParsedStatement> parse_statement(std::string_view text) {
  if (text.size() > kMaxStatementBytes) {
    return util::Status::invalid_argument(fmt::format(
        "cql: statement too long ({} bytes, the limit is {}): split it or use bind markers",
        text.size(), kMaxStatementBytes));
  }
  try {
    parser_internal::Parser p(text);
    return p.parse_whole_statement();
  } catch (const parser_internal::ParseError& e) {
    return e.status;
  } catch (const std::bad_alloc&) {
    return util::Status::invalid_argument("cql: statement too large to parse: simplify it");
  }
}

util::Result<ParsedType> parse_type(std::string_view text) {
  if (text.size() > kMaxStatementBytes) {
    return util::Status::invalid_argument("cql: type text too long: check the type");
  }
  try {
    parser_internal::Parser p(text);
    return p.parse_whole_type();
  } catch (const parser_internal::ParseError& e) {
    return util::Status::invalid_argument(fmt::format(
        "cql: invalid type '{}' ({}): use a CQL type such as int or map<text, int>",
        parser_internal::printable_text(text.substr(0, 200)), e.status.message().substr(5)));
  } catch (const std::bad_alloc&) {
    return util::Status::invalid_argument("cql: type too large to parse: check the type");
  }
}

}  // namespace medallion::cql
