// INSERT, UPDATE, DELETE, SELECT and BATCH statements of the CQL parser
// (see parser_internal.h).
#include <string>
#include <utility>

#include <fmt/format.h>

#include "cql/engine/parser_internal.h"

namespace medallion::cql::parser_internal {

InsertStatement Parser::insert_statement() {
  take();  // INSERT
  expect_keyword("into", "expected INTO after INSERT");
  InsertStatement ins;
  ins.table = qualified_name();
  if (peek().is_keyword("json")) unsupported("INSERT JSON");
  expect_punct('(', "expected '(' and the column names");
  do {
    ins.columns.push_back(identifier("expected a column name"));
  } while (accept_punct(','));
  expect_punct(')', "expected ',' or ')' after a column name");
  expect_keyword("values", "expected VALUES");
  expect_punct('(', "expected '(' and the values");
  do {
    ins.values.push_back(term());
  } while (accept_punct(','));
  const Token close = peek();
  expect_punct(')', "expected ',' or ')' after a value");
  if (ins.values.size() != ins.columns.size()) {
    fail(close, fmt::format("expected as many values as columns ({} columns, {} values)",
                            ins.columns.size(), ins.values.size()));
  }
  bool have_using = false;
  for (int i = 0; i < 2; ++i) {
    if (!ins.if_not_exists && accept_if_not_exists()) {
      ins.if_not_exists = true;
    } else if (!have_using && accept_keyword("using")) {
      ins.using_clause = using_clause(true);
      have_using = true;
    }
  }
  return ins;
}

UpdateStatement Parser::update_statement() {
  take();  // UPDATE
  UpdateStatement up;
  up.table = qualified_name();
  if (accept_keyword("using")) up.using_clause = using_clause(true);
  expect_keyword("set", "expected SET");
  do {
    Assignment a;
    a.column = identifier("expected a column name to SET");
    if (accept_punct('[')) {
      a.kind = Assignment::Kind::kSetElement;
      a.key = term();
      expect_punct(']', "expected ']' after the element key");
      expect_punct('=', "expected '='");
      a.value = term();
    } else {
      expect_punct('=', "expected '=' after the column name");
      // c = c + x, c = c - x (the column named again), or c = x [+ c].
      const bool self = at_identifier() && (peek(1).is_punct('+') || peek(1).is_punct('-'));
      if (self) {
        const Token ref = peek();
        if (identifier("expected a column name") != a.column) {
          fail(ref, fmt::format("expected {0} = {0} + value or {0} = {0} - value", a.column));
        }
        a.kind = take().is_punct('+') ? Assignment::Kind::kAdd : Assignment::Kind::kSubtract;
        a.value = term();
      } else {
        a.value = term();
        if (accept_punct('+')) {
          const Token ref = peek();
          if (identifier("expected the column name after '+'") != a.column) {
            fail(ref, fmt::format("expected {0} = value + {0}", a.column));
          }
          a.kind = Assignment::Kind::kPrepend;
        }
      }
    }
    up.assignments.push_back(std::move(a));
  } while (accept_punct(','));
  expect_keyword("where", "expected WHERE");
  up.where = where_clause();
  if (peek().is_keyword("if")) {
    take();
    if (accept_keyword("exists")) {
      up.if_exists = true;
    } else {
      up.conditions = conditions();
    }
  }
  return up;
}

DeleteStatement Parser::delete_statement() {
  take();  // DELETE
  DeleteStatement del;
  if (!peek().is_keyword("from")) {
    do {
      del.columns.push_back(identifier("expected a column name or FROM"));
      if (peek().is_punct('[')) unsupported("DELETE of a collection element");
    } while (accept_punct(','));
  }
  expect_keyword("from", "expected FROM");
  del.table = qualified_name();
  if (accept_keyword("using")) del.using_clause = using_clause(false);
  expect_keyword("where", "expected WHERE");
  del.where = where_clause();
  if (peek().is_keyword("if")) {
    take();
    if (accept_keyword("exists")) {
      del.if_exists = true;
    } else {
      del.conditions = conditions();
    }
  }
  return del;
}

namespace {

// Whether a SELECT modifier word (JSON, DISTINCT) at peek(0) is the modifier
// rather than a column of that name: it is a column when FROM, AS or ','
// follows it.
bool modifier_is_keyword(Parser& p) {
  const Token& n = p.peek(1);
  return !(n.is_keyword("from") || n.is_keyword("as") || n.is_punct(',') || n.is_punct('('));
}

}  // namespace

SelectStatement Parser::select_statement() {
  take();  // SELECT
  SelectStatement sel;
  if (peek().is_keyword("json") && modifier_is_keyword(*this)) {
    take();
    sel.json = true;
  }
  if (peek().is_keyword("distinct") && modifier_is_keyword(*this)) {
    take();
    sel.distinct = true;
  }
  if (!accept_punct('*')) {
    do {
      Selector s;
      const Token& t = peek();
      if (t.kind == TokenKind::kIdentifier && peek(1).is_punct('(')) {
        const Token fn = take();
        take();  // (
        if (fn.is_keyword("count") &&
            (peek().is_punct('*') || (peek().kind == TokenKind::kInteger && peek().text == "1"))) {
          take();
          s.kind = Selector::Kind::kCountRows;
        } else if (fn.is_keyword("writetime") || fn.is_keyword("ttl")) {
          s.kind = fn.is_keyword("ttl") ? Selector::Kind::kTtl : Selector::Kind::kWritetime;
          s.column = identifier("expected a column name");
        } else {
          s.kind = fn.is_keyword("token") ? Selector::Kind::kToken : Selector::Kind::kFunction;
          if (s.kind == Selector::Kind::kFunction) s.function = to_lower_ascii(fn.text);
          if (!peek().is_punct(')')) {
            do {
              s.args.push_back(identifier("expected a column name as the function's argument"));
            } while (accept_punct(','));
          }
        }
        expect_punct(')', "expected ')' to close the function call");
      } else {
        s.column = identifier("expected a column name, a function call or *");
      }
      if (accept_keyword("as")) s.alias = identifier("expected an alias after AS");
      sel.selectors.push_back(std::move(s));
    } while (accept_punct(','));
  }
  expect_keyword("from", "expected FROM");
  sel.table = qualified_name();
  if (accept_keyword("where")) sel.where = where_clause();
  if (peek().is_keyword("group")) unsupported("GROUP BY");
  if (accept_keyword("order")) {
    expect_keyword("by", "expected BY after ORDER");
    do {
      std::string c = identifier("expected a clustering column");
      bool desc = false;
      if (accept_keyword("desc")) {
        desc = true;
      } else {
        accept_keyword("asc");
      }
      sel.order_by.emplace_back(std::move(c), desc);
    } while (accept_punct(','));
  }
  if (peek().is_keyword("per")) {
    take();
    expect_keyword("partition", "expected PARTITION after PER");
    expect_keyword("limit", "expected LIMIT after PER PARTITION");
    sel.per_partition_limit = term();
  }
  if (accept_keyword("limit")) sel.limit = term();
  if (accept_keyword("allow")) {
    expect_keyword("filtering", "expected FILTERING after ALLOW");
    sel.allow_filtering = true;
  }
  return sel;
}

ModificationStatement Parser::modification_statement() {
  const Token& t = peek();
  if (t.is_keyword("insert")) return insert_statement();
  if (t.is_keyword("update")) return update_statement();
  if (t.is_keyword("delete")) return delete_statement();
  fail_here("expected INSERT, UPDATE, DELETE or APPLY BATCH in the batch");
}

BatchQuery Parser::batch_statement() {
  take();  // BEGIN
  BatchQuery b;
  if (accept_keyword("unlogged")) {
    b.type = BatchType::kUnlogged;
  } else if (accept_keyword("counter")) {
    b.type = BatchType::kCounter;
  }
  expect_keyword("batch", "expected BATCH");
  if (accept_keyword("using")) b.using_clause = using_clause(false);
  for (;;) {
    while (accept_punct(';')) {
    }
    if (accept_keyword("apply")) {
      expect_keyword("batch", "expected BATCH after APPLY");
      break;
    }
    b.statements.push_back(modification_statement());
  }
  return b;
}

}  // namespace medallion::cql::parser_internal
