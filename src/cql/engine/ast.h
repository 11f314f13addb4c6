// The syntax tree of the CQL statements the embedded server understands, as
// parser.h produces it. Names are already normalized: unquoted identifiers
// and keywords are lower-cased, "quoted" identifiers kept exactly (with ""
// unescaped). Nothing here is checked against a schema: the query processor
// does that when it prepares a statement.
//
// Thread safety: values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "cql/protocol/messages.h"
#include "cql/protocol/types.h"

namespace medallion::cql {

// ------------------------------------------------------------- terms --

struct Term;

struct Literal {
  enum class Kind {
    kString,    // text: the contents, quotes removed and '' unescaped ($$..$$ too)
    kInteger,   // text: as written, with its sign ("-12")
    kFloat,     // text: as written ("1.5e3", "-0.5"), or NaN / Infinity / -Infinity
    kBoolean,   // text: "true" or "false"
    kUuid,      // text: the 36-character form as written
    kHex,       // text: the hex digits after 0x (a blob)
    kNull,      // NULL
    kDuration,  // text: as written ("1h30m"); not supported as a value
  };
  Kind kind = Kind::kNull;
  std::string text;
  bool operator==(const Literal&) const = default;
};

// `?` or `:name`. Markers are numbered 0, 1, ... in the order they appear
// in the statement text (for a batch: across its statements).
struct BindMarker {
  int index = 0;
  std::optional<std::string> name;
  bool operator==(const BindMarker&) const = default;
};

// [a, b] list, {a, b} set, {k: v, ...} map (elements: k0, v0, k1, v1, ...),
// (a, b) tuple. `{}` is parsed as an empty kSet; the processor accepts it
// for a map column too.
struct CollectionLiteral {
  enum class Kind { kList, kSet, kMap, kTuple };
  Kind kind = Kind::kList;
  std::vector<Term> elements;
  bool operator==(const CollectionLiteral&) const;
};

// A function in a value position: now(), uuid(), toTimestamp(now()),
// currentTimestamp(), ... `name` is lower-cased.
struct FunctionCall {
  std::string name;
  std::vector<Term> args;
  bool operator==(const FunctionCall&) const;
};

struct Term {
  std::variant<Literal, BindMarker, CollectionLiteral, FunctionCall> value;
  bool operator==(const Term&) const = default;
};

// ------------------------------------------------------ WHERE clauses --

enum class RelationOp { kEq, kNe, kLt, kLe, kGt, kGe, kIn, kContains, kContainsKey };

struct Relation {
  enum class Target {
    kColumn,       // c op term
    kToken,        // token(a, b) op term
    kColumnTuple,  // (a, b) op (x, y) / op ? ; IN ((x, y), ...) / IN ?
  };
  Target target = Target::kColumn;
  std::vector<std::string>
      columns;  // kColumn: one; kToken: token()'s args; kColumnTuple: the tuple
  RelationOp op = RelationOp::kEq;
  // One term, except IN: one per listed item, or the single marker of `IN ?`.
  std::vector<Term> values;
  bool in_marker = false;  // IN ? / IN :name: values[0] binds the whole list
  bool operator==(const Relation&) const = default;
};

// ---------------------------------------------------------- selectors --

struct Selector {
  enum class Kind {
    kColumn,     // column
    kCountRows,  // COUNT(*) or COUNT(1)
    kWritetime,  // WRITETIME(column)
    kTtl,        // TTL(column)
    kToken,      // TOKEN(a, b): args
    kFunction,   // function(args...): toTimestamp, toDate, toUnixTimestamp,
                 // count, min, max, sum, avg, ... over column names
  };
  Kind kind = Kind::kColumn;
  std::string column;                // kColumn, kWritetime, kTtl
  std::string function;              // kFunction: lower-cased name
  std::vector<std::string> args;     // kToken, kFunction: column names
  std::optional<std::string> alias;  // AS alias
  bool operator==(const Selector&) const = default;
};

// --------------------------------------------------------- statements --

struct QualifiedName {
  std::string keyspace;  // "" when not written: the session's keyspace
  std::string name;
  bool operator==(const QualifiedName&) const = default;
};

// The value of a WITH property: a constant (its literal text as written,
// quotes removed for strings) or a map of constants ({'class': '...', ...}).
struct PropertyValue {
  std::variant<Literal, std::map<std::string, Literal>> value;
  bool operator==(const PropertyValue&) const = default;
};
using Properties = std::map<std::string, PropertyValue>;  // lower-cased names

// A type as written in a column definition.
struct ParsedType {
  CqlType type;
  // The normalized spelling, keeping frozen<> where written:
  // "int", "frozen<list<int>>", "map<text, int>".
  std::string cql;
  bool operator==(const ParsedType&) const = default;
};

struct UseStatement {
  std::string keyspace;
  bool operator==(const UseStatement&) const = default;
};

struct CreateKeyspaceStatement {
  std::string keyspace;
  bool if_not_exists = false;
  Properties properties;  // replication (a map), durable_writes
  bool operator==(const CreateKeyspaceStatement&) const = default;
};

struct DropKeyspaceStatement {
  std::string keyspace;
  bool if_exists = false;
  bool operator==(const DropKeyspaceStatement&) const = default;
};

struct ColumnDefinition {
  std::string name;
  ParsedType type;
  bool is_static = false;
  bool operator==(const ColumnDefinition&) const = default;
};

struct CreateTableStatement {
  QualifiedName table;
  bool if_not_exists = false;
  std::vector<ColumnDefinition> columns;  // in declaration order
  // From PRIMARY KEY (inline or as a clause): ((a, b), c, d) gives
  // partition_key {a, b} and clustering_key {c, d}.
  std::vector<std::string> partition_key;
  std::vector<std::string> clustering_key;
  // WITH CLUSTERING ORDER BY (c DESC, d ASC): (column, descending).
  std::vector<std::pair<std::string, bool>> clustering_order;
  bool compact_storage = false;
  Properties properties;  // default_time_to_live, comment, compaction, ...
  bool operator==(const CreateTableStatement&) const = default;
};

struct DropTableStatement {
  QualifiedName table;
  bool if_exists = false;
  bool operator==(const DropTableStatement&) const = default;
};

struct TruncateStatement {
  QualifiedName table;
  bool operator==(const TruncateStatement&) const = default;
};

// USING TTL t AND TIMESTAMP ts (either, both, or neither).
struct UsingClause {
  std::optional<Term> ttl;
  std::optional<Term> timestamp;
  bool operator==(const UsingClause&) const = default;
};

struct InsertStatement {
  QualifiedName table;
  std::vector<std::string> columns;
  std::vector<Term> values;  // one per column
  bool if_not_exists = false;
  UsingClause using_clause;
  bool operator==(const InsertStatement&) const = default;
};

struct Assignment {
  enum class Kind {
    kSet,         // c = term
    kAdd,         // c = c + term (append to a list, add to a set or map, counter +)
    kPrepend,     // c = term + c (lists)
    kSubtract,    // c = c - term
    kSetElement,  // c[key] = term (maps, lists by index)
  };
  std::string column;
  Kind kind = Kind::kSet;
  Term value;
  std::optional<Term> key;  // kSetElement
  bool operator==(const Assignment&) const = default;
};

// IF col op term (lightweight-transaction conditions).
struct Condition {
  std::string column;
  RelationOp op = RelationOp::kEq;
  Term value;
  bool operator==(const Condition&) const = default;
};

struct UpdateStatement {
  QualifiedName table;
  UsingClause using_clause;
  std::vector<Assignment> assignments;
  std::vector<Relation> where;
  bool if_exists = false;
  std::vector<Condition> conditions;
  bool operator==(const UpdateStatement&) const = default;
};

struct DeleteStatement {
  QualifiedName table;
  std::vector<std::string> columns;  // empty: the whole row (or range)
  UsingClause using_clause;          // TIMESTAMP only
  std::vector<Relation> where;
  bool if_exists = false;
  std::vector<Condition> conditions;
  bool operator==(const DeleteStatement&) const = default;
};

struct SelectStatement {
  QualifiedName table;
  bool json = false;
  bool distinct = false;
  std::vector<Selector> selectors;  // empty: *
  std::vector<Relation> where;
  std::vector<std::pair<std::string, bool>> order_by;  // (column, descending)
  std::optional<Term> per_partition_limit;
  std::optional<Term> limit;
  bool allow_filtering = false;
  bool operator==(const SelectStatement&) const = default;
};

using ModificationStatement = std::variant<InsertStatement, UpdateStatement, DeleteStatement>;

// BEGIN [UNLOGGED | COUNTER] BATCH [USING TIMESTAMP t] ...; APPLY BATCH
struct BatchQuery {
  BatchType type = BatchType::kLogged;
  UsingClause using_clause;
  std::vector<ModificationStatement> statements;
  bool operator==(const BatchQuery&) const = default;
};

using Statement =
    std::variant<UseStatement, CreateKeyspaceStatement, DropKeyspaceStatement, CreateTableStatement,
                 DropTableStatement, TruncateStatement, InsertStatement, UpdateStatement,
                 DeleteStatement, SelectStatement, BatchQuery>;

struct ParsedStatement {
  Statement statement;
  // One entry per bind marker, in index order: its name, or nullopt for `?`.
  std::vector<std::optional<std::string>> bind_markers;
  bool operator==(const ParsedStatement&) const = default;
};

}  // namespace medallion::cql
