// The recursive-descent CQL parser behind parser.h, shared by parser.cc
// (entry points, DDL), parser_dml.cc (INSERT/UPDATE/DELETE/SELECT/BATCH)
// and parser_terms.cc (terms, relations, types, properties).
//
// Inside the parser an error is thrown as a ParseError carrying its Status;
// parse_statement / parse_type catch it, so nothing is thrown out of the
// library. Lookahead is a small ring of tokens pulled from the Lexer on
// demand, so memory stays bounded by the syntax tree, not the token count.
//
// Thread safety: a Parser is used by one thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cql/engine/ast.h"
#include "cql/engine/lexer.h"
#include "util/status.h"

namespace medallion::cql::parser_internal {

struct ParseError {
  util::Status status;
};

class Parser {
 public:
  explicit Parser(std::string_view text) : lexer_(text) {}

  // The whole text as one statement (one trailing ';' allowed).
  ParsedStatement parse_whole_statement();
  // The whole text as one type.
  ParsedType parse_whole_type();

  // ---- tokens (parser.cc)
  const Token& peek(size_t k = 0);
  Token take();
  bool accept_keyword(std::string_view kw);
  void expect_keyword(std::string_view kw, std::string_view what);
  bool accept_punct(char c);
  void expect_punct(char c, std::string_view what);
  void expect_end();
  [[noreturn]] void fail(const Token& at, std::string_view expected);
  [[noreturn]] void fail_here(std::string_view expected) { fail(peek(), expected); }
  [[noreturn]] void unsupported(std::string_view what);

  // An identifier (unquoted, not reserved: lower-cased; quoted: as written).
  bool at_identifier(size_t k = 0);
  std::string identifier(std::string_view what);
  QualifiedName qualified_name();
  bool accept_if_not_exists();
  bool accept_if_exists();

  // ---- statements
  Statement statement();
  Statement create_statement();
  Statement drop_statement();
  CreateKeyspaceStatement create_keyspace();
  CreateTableStatement create_table();
  InsertStatement insert_statement();
  UpdateStatement update_statement();
  DeleteStatement delete_statement();
  SelectStatement select_statement();
  BatchQuery batch_statement();
  ModificationStatement modification_statement();

  // ---- pieces (parser_terms.cc)
  Term term();
  Term bind_marker_or_fail(std::string_view what);
  bool at_bind_marker();
  Term bind_marker();
  std::vector<Relation> where_clause();
  Relation relation();
  RelationOp relation_op(bool allow_in);
  std::vector<Condition> conditions();
  UsingClause using_clause(bool allow_ttl);
  ParsedType type();
  Properties& property_into(Properties& props);
  Literal constant(std::string_view what);

  // Recursion guard for nested terms, types and parentheses.
  struct Depth {
    explicit Depth(Parser* p);
    ~Depth() { --parser->depth_; }
    Parser* parser;
  };

 private:
  Lexer lexer_;
  static constexpr size_t kLookahead = 4;
  Token ring_[kLookahead];
  size_t head_ = 0;
  size_t count_ = 0;
  int depth_ = 0;
  std::vector<std::optional<std::string>> markers_;
};

bool is_reserved_keyword(std::string_view word);
std::string to_upper_word(std::string_view s);
// Bytes other than printable ASCII replaced by '?', for error messages.
std::string printable_text(std::string_view s);

}  // namespace medallion::cql::parser_internal
