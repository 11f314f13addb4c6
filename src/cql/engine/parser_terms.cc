// Terms (literals, bind markers, collections, function calls), WHERE
// relations, IF conditions, USING clauses, types and WITH properties of the
// CQL parser (see parser_internal.h).
#include <string>
#include <utility>

#include <fmt/format.h>

#include "cql/engine/parser.h"
#include "cql/engine/parser_internal.h"

namespace medallion::cql::parser_internal {
namespace {

Term literal(Literal::Kind kind, std::string text) {
  Term t;
  t.value = Literal{kind, std::move(text)};
  return t;
}

}  // namespace

// ------------------------------------------------------------- terms --

bool Parser::at_bind_marker() {
  const Token& t = peek();
  if (t.kind == TokenKind::kQuestion) return true;
  if (!t.is_punct(':')) return false;
  const Token& n = peek(1);
  return n.kind == TokenKind::kIdentifier || n.kind == TokenKind::kQuotedIdentifier;
}

Term Parser::bind_marker() {
  BindMarker m;
  m.index = static_cast<int>(markers_.size());
  const Token t = take();
  if (t.kind != TokenKind::kQuestion) {
    const Token n = take();
    m.name = n.kind == TokenKind::kQuotedIdentifier ? token_value(n) : to_lower_ascii(n.text);
  }
  markers_.push_back(m.name);
  Term out;
  out.value = std::move(m);
  return out;
}

Term Parser::bind_marker_or_fail(std::string_view what) {
  if (!at_bind_marker()) fail_here(what);
  return bind_marker();
}

Term Parser::term() {
  Depth depth(this);
  const Token& t = peek();
  switch (t.kind) {
    case TokenKind::kString:
    case TokenKind::kDollarString:
      return literal(Literal::Kind::kString, token_value(take()));
    case TokenKind::kInteger:
      return literal(Literal::Kind::kInteger, std::string(take().text));
    case TokenKind::kFloat:
      return literal(Literal::Kind::kFloat, std::string(take().text));
    case TokenKind::kUuid:
      return literal(Literal::Kind::kUuid, std::string(take().text));
    case TokenKind::kHex:
      return literal(Literal::Kind::kHex, std::string(take().text.substr(2)));
    case TokenKind::kDuration:
      return literal(Literal::Kind::kDuration, std::string(take().text));
    case TokenKind::kQuestion:
      return bind_marker();
    case TokenKind::kIdentifier: {
      if (t.is_keyword("true") || t.is_keyword("false")) {
        return literal(Literal::Kind::kBoolean, to_lower_ascii(take().text));
      }
      if (t.is_keyword("null")) {
        take();
        return literal(Literal::Kind::kNull, "");
      }
      if (t.is_keyword("nan")) {
        take();
        return literal(Literal::Kind::kFloat, "NaN");
      }
      if (t.is_keyword("infinity")) {
        take();
        return literal(Literal::Kind::kFloat, "Infinity");
      }
      if (peek(1).is_punct('(')) {
        FunctionCall call;
        call.name = to_lower_ascii(take().text);
        take();  // (
        if (!accept_punct(')')) {
          do {
            call.args.push_back(term());
          } while (accept_punct(','));
          expect_punct(')', "expected ',' or ')' in the function's arguments");
        }
        Term out;
        out.value = std::move(call);
        return out;
      }
      break;
    }
    case TokenKind::kPunct: {
      if (t.is_punct('-')) {
        take();
        const Token& n = peek();
        if (n.kind == TokenKind::kInteger) {
          return literal(Literal::Kind::kInteger, "-" + std::string(take().text));
        }
        if (n.kind == TokenKind::kFloat) {
          return literal(Literal::Kind::kFloat, "-" + std::string(take().text));
        }
        if (n.kind == TokenKind::kDuration) {
          return literal(Literal::Kind::kDuration, "-" + std::string(take().text));
        }
        if (n.is_keyword("infinity")) {
          take();
          return literal(Literal::Kind::kFloat, "-Infinity");
        }
        if (n.is_keyword("nan")) {
          take();
          return literal(Literal::Kind::kFloat, "NaN");
        }
        fail_here("expected a number after '-'");
      }
      if (at_bind_marker()) return bind_marker();
      if (t.is_punct('[')) {
        take();
        CollectionLiteral c;
        c.kind = CollectionLiteral::Kind::kList;
        if (!accept_punct(']')) {
          do {
            c.elements.push_back(term());
          } while (accept_punct(','));
          expect_punct(']', "expected ',' or ']' in the list");
        }
        Term out;
        out.value = std::move(c);
        return out;
      }
      if (t.is_punct('{')) {
        take();
        CollectionLiteral c;
        c.kind = CollectionLiteral::Kind::kSet;
        if (!accept_punct('}')) {
          c.elements.push_back(term());
          if (accept_punct(':')) {
            c.kind = CollectionLiteral::Kind::kMap;
            c.elements.push_back(term());
            while (accept_punct(',')) {
              c.elements.push_back(term());
              expect_punct(':', "expected ':' after a map key");
              c.elements.push_back(term());
            }
            expect_punct('}', "expected ',' or '}' in the map");
          } else {
            while (accept_punct(',')) c.elements.push_back(term());
            expect_punct('}', "expected ',' or '}' in the set");
          }
        }
        Term out;
        out.value = std::move(c);
        return out;
      }
      if (t.is_punct('(')) {
        take();
        CollectionLiteral c;
        c.kind = CollectionLiteral::Kind::kTuple;
        do {
          c.elements.push_back(term());
        } while (accept_punct(','));
        expect_punct(')', "expected ',' or ')' in the tuple");
        Term out;
        out.value = std::move(c);
        return out;
      }
      break;
    }
    default:
      break;
  }
  fail_here("expected a value (a constant, a bind marker, a collection or a function call)");
}

// ------------------------------------------------------------- WHERE --

std::vector<Relation> Parser::where_clause() {
  std::vector<Relation> out;
  do {
    out.push_back(relation());
  } while (accept_keyword("and"));
  return out;
}

RelationOp Parser::relation_op(bool allow_in) {
  const Token& t = peek();
  if (t.kind == TokenKind::kPunct) {
    RelationOp op;
    if (t.text == "=") {
      op = RelationOp::kEq;
    } else if (t.text == "<") {
      op = RelationOp::kLt;
    } else if (t.text == "<=") {
      op = RelationOp::kLe;
    } else if (t.text == ">") {
      op = RelationOp::kGt;
    } else if (t.text == ">=") {
      op = RelationOp::kGe;
    } else if (t.text == "!=") {
      op = RelationOp::kNe;
    } else {
      fail_here("expected an operator (=, <, <=, >, >=, !=, IN, CONTAINS)");
    }
    take();
    return op;
  }
  if (allow_in && accept_keyword("in")) return RelationOp::kIn;
  if (allow_in && accept_keyword("contains")) {
    return accept_keyword("key") ? RelationOp::kContainsKey : RelationOp::kContains;
  }
  fail_here("expected an operator (=, <, <=, >, >=, !=, IN, CONTAINS)");
}

Relation Parser::relation() {
  Relation r;
  if (peek().is_punct('(')) {
    // (a, b) op (x, y)
    Depth depth(this);
    take();
    r.target = Relation::Target::kColumnTuple;
    do {
      r.columns.push_back(identifier("expected a column name in the tuple"));
    } while (accept_punct(','));
    expect_punct(')', "expected ',' or ')' after the column tuple");
    r.op = relation_op(true);
    if (r.op == RelationOp::kContains || r.op == RelationOp::kContainsKey) {
      fail_here("expected =, <, <=, >, >= or IN after a column tuple");
    }
  } else if (peek().is_keyword("token") && peek(1).is_punct('(')) {
    take();
    take();
    r.target = Relation::Target::kToken;
    if (!peek().is_punct(')')) {
      do {
        r.columns.push_back(identifier("expected a partition key column in token()"));
      } while (accept_punct(','));
    }
    expect_punct(')', "expected ',' or ')' in token()");
    r.op = relation_op(false);
  } else {
    r.target = Relation::Target::kColumn;
    r.columns.push_back(identifier("expected a column name"));
    r.op = relation_op(true);
  }
  if (r.op == RelationOp::kIn) {
    if (at_bind_marker()) {
      r.in_marker = true;
      r.values.push_back(bind_marker());
    } else {
      Depth depth(this);
      expect_punct('(', "expected '(' or a bind marker after IN");
      if (!accept_punct(')')) {
        do {
          r.values.push_back(term());
        } while (accept_punct(','));
        expect_punct(')', "expected ',' or ')' in the IN list");
      }
    }
  } else {
    r.values.push_back(term());
  }
  return r;
}

std::vector<Condition> Parser::conditions() {
  std::vector<Condition> out;
  do {
    Condition c;
    c.column = identifier("expected a column name in the IF condition");
    c.op = relation_op(true);
    if (c.op == RelationOp::kContains || c.op == RelationOp::kContainsKey) {
      fail_here("expected =, !=, <, <=, >, >= or IN in an IF condition");
    }
    if (c.op == RelationOp::kIn && !at_bind_marker()) {
      // IN (a, b): held as one tuple term.
      Depth depth(this);
      expect_punct('(', "expected '(' or a bind marker after IN");
      CollectionLiteral list;
      list.kind = CollectionLiteral::Kind::kTuple;
      if (!accept_punct(')')) {
        do {
          list.elements.push_back(term());
        } while (accept_punct(','));
        expect_punct(')', "expected ',' or ')' in the IN list");
      }
      c.value.value = std::move(list);
    } else {
      c.value = term();
    }
    out.push_back(std::move(c));
  } while (accept_keyword("and"));
  return out;
}

UsingClause Parser::using_clause(bool allow_ttl) {
  UsingClause u;
  do {
    if (peek().is_keyword("ttl")) {
      if (!allow_ttl) fail_here("expected TIMESTAMP (TTL is not allowed here)");
      if (u.ttl) fail_here("expected only one TTL");
      take();
      u.ttl = term();
    } else if (peek().is_keyword("timestamp")) {
      if (u.timestamp) fail_here("expected only one TIMESTAMP");
      take();
      u.timestamp = term();
    } else {
      fail_here(allow_ttl ? "expected TTL or TIMESTAMP after USING" : "expected TIMESTAMP");
    }
  } while (accept_keyword("and"));
  return u;
}

// ------------------------------------------------------------- types --

namespace {

struct NativeType {
  std::string_view name;
  TypeId id;
};
constexpr NativeType kNativeTypes[] = {
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
    {"varchar", TypeId::kVarchar},
    {"varint", TypeId::kVarint},
};

}  // namespace

ParsedType Parser::type() {
  Depth depth(this);
  const Token& t = peek();
  if (t.kind == TokenKind::kString) {
    std::string cls = token_value(take());
    std::string cql = "'";
    for (char c : cls) {
      cql.push_back(c);
      if (c == '\'') cql.push_back(c);
    }
    cql.push_back('\'');
    return ParsedType{CqlType::custom(std::move(cls)), std::move(cql)};
  }
  if (t.kind != TokenKind::kIdentifier) fail_here("expected a type");
  const Token name = take();
  for (const auto& n : kNativeTypes) {
    if (iequals_lower(name.text, n.name)) {
      return ParsedType{CqlType::of(n.id), std::string(type_name(n.id))};
    }
  }
  auto open = [&] { expect_punct('<', "expected '<' after " + to_lower_ascii(name.text)); };
  auto close = [&] { expect_punct('>', "expected '>' to close the type"); };
  if (name.is_keyword("frozen")) {
    open();
    ParsedType inner = type();
    close();
    inner.cql = "frozen<" + inner.cql + ">";
    return inner;
  }
  if (name.is_keyword("list") || name.is_keyword("set")) {
    open();
    ParsedType e = type();
    close();
    const bool list = name.is_keyword("list");
    return ParsedType{
        list ? CqlType::list_of(std::move(e.type)) : CqlType::set_of(std::move(e.type)),
        (list ? "list<" : "set<") + e.cql + ">"};
  }
  if (name.is_keyword("map")) {
    open();
    ParsedType k = type();
    expect_punct(',', "expected ',' between the map's key and value types");
    ParsedType v = type();
    close();
    return ParsedType{CqlType::map_of(std::move(k.type), std::move(v.type)),
                      "map<" + k.cql + ", " + v.cql + ">"};
  }
  if (name.is_keyword("tuple")) {
    open();
    ParsedType out{CqlType::of(TypeId::kTuple), "tuple<"};
    do {
      ParsedType c = type();
      if (out.type.params.size() > 0) out.cql += ", ";
      out.cql += c.cql;
      out.type.params.push_back(std::move(c.type));
    } while (accept_punct(','));
    close();
    out.cql += ">";
    return out;
  }
  if (name.is_keyword("duration")) unsupported("the duration type");
  fail(name,
       "expected a type (int, text, list<...>, map<..., ...>, frozen<...>, ...); "
       "user-defined types are not supported");
}

// -------------------------------------------------------- properties --

Literal Parser::constant(std::string_view what) {
  const Token& t = peek();
  switch (t.kind) {
    case TokenKind::kString:
    case TokenKind::kDollarString:
    case TokenKind::kInteger:
    case TokenKind::kFloat:
    case TokenKind::kUuid:
    case TokenKind::kHex:
    case TokenKind::kDuration:
      break;
    case TokenKind::kIdentifier:
      if (t.is_keyword("true") || t.is_keyword("false") || t.is_keyword("nan") ||
          t.is_keyword("infinity") || t.is_keyword("null")) {
        break;
      }
      // An unquoted word: kept as a string.
      return Literal{Literal::Kind::kString, to_lower_ascii(take().text)};
    case TokenKind::kPunct:
      if (t.is_punct('-')) break;
      fail_here(what);
    default:
      fail_here(what);
  }
  Term term_value = term();
  return std::get<Literal>(term_value.value);
}

Properties& Parser::property_into(Properties& props) {
  const Token at = peek();
  if (at.kind != TokenKind::kIdentifier) fail_here("expected a property name");
  std::string name = to_lower_ascii(take().text);
  expect_punct('=', "expected '=' after the property name");
  PropertyValue value;
  if (accept_punct('{')) {
    std::map<std::string, Literal> m;
    if (!accept_punct('}')) {
      do {
        Literal k = constant("expected a constant map key");
        expect_punct(':', "expected ':' after the map key");
        Literal v = constant("expected a constant map value");
        m[std::move(k.text)] = std::move(v);
      } while (accept_punct(','));
      expect_punct('}', "expected ',' or '}' in the property map");
    }
    value.value = std::move(m);
  } else {
    value.value = constant("expected a constant or a {map} as the property value");
  }
  if (!props.emplace(std::move(name), std::move(value)).second) {
    fail(at, "expected each property only once");
  }
  return props;
}

}  // namespace medallion::cql::parser_internal
