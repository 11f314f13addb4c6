// StatementPlan: what prepare() makes of a statement, checked against the
// schema, so execute() runs without re-parsing or catalog look-ups. A plan
// holds the TableSchema it was prepared against (and checks its `dropped`
// flag before running), resolved column ids, and every term as a BoundTerm:
// a constant already serialized at prepare time, a bind marker index, or a
// value function (now(), ...) evaluated per execution.
//
// Thread safety: immutable once built; shared by concurrent executes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "cql/engine/ast.h"
#include "cql/engine/schema.h"
#include "cql/protocol/messages.h"

namespace medallion::cql {

struct BoundTerm {
  enum class Kind { kConst, kMarker, kFunction };
  Kind kind = Kind::kConst;
  std::optional<std::string> value;  // kConst; nullopt is null
  int marker = -1;                   // kMarker
  Term term;                         // kFunction
  CqlType type;
  std::string column;  // for error messages
};

// The values restricting one column: one for `=`, several for IN (x, y),
// or one list-typed marker for IN ?.
struct ColumnValues {
  std::vector<BoundTerm> values;
  bool in_marker = false;
};

struct SliceBound {
  BoundTerm term;
  bool inclusive = true;
};

struct FilterPlan {
  uint32_t column = 0;
  RelationOp op = RelationOp::kEq;
  std::vector<BoundTerm> values;  // IN: several, or one list when in_marker
  bool in_marker = false;
};

struct WherePlan {
  bool partition_restricted = false;
  std::vector<ColumnValues> partition;  // one per partition key column
  std::optional<SliceBound> token_lower, token_upper;
  std::vector<ColumnValues> clustering_prefix;         // the first columns, by = or IN
  std::optional<SliceBound> slice_lower, slice_upper;  // on the next clustering column
  std::vector<FilterPlan> filters;
};

struct SelectorPlan {
  enum class Kind { kColumn, kWritetime, kTtl, kToken, kCount };
  Kind kind = Kind::kColumn;
  uint32_t column = 0;
};

struct SelectPlan {
  WherePlan where;
  std::vector<SelectorPlan> selectors;
  bool count = false;  // COUNT(*) only
  bool reverse = false;
  bool distinct = false;
  std::optional<BoundTerm> limit, per_partition_limit;
};

// One assigned column. Anything but kSet is a read-modify-write of a
// non-frozen collection (the current value is read at execute time).
struct CellPlan {
  uint32_t column = 0;
  BoundTerm value;
  Assignment::Kind op = Assignment::Kind::kSet;
  std::optional<BoundTerm> key;  // kSetElement: the map key or list index
};

struct ModificationPlan {
  enum class Kind { kInsert, kUpdate, kDelete };
  Kind kind = Kind::kInsert;
  std::shared_ptr<const TableSchema> table;
  WherePlan where;  // INSERT: partition + full clustering prefix from VALUES
  std::vector<CellPlan> cells;
  std::vector<uint32_t> delete_columns;  // DELETE c1, c2
  std::optional<BoundTerm> ttl, timestamp;
  bool if_not_exists = false;
  bool if_exists = false;
};

class StatementPlan {
 public:
  enum class Kind { kUse, kDdl, kSelect, kModification, kBatch };
  Kind kind = Kind::kUse;
  std::string keyspace;                      // USE
  std::shared_ptr<const Statement> ddl;      // DDL: the statement (names qualified)
  std::shared_ptr<const TableSchema> table;  // SELECT
  SelectPlan select;
  std::vector<ModificationPlan> modifications;  // one, or a batch's members
  std::optional<BoundTerm> batch_timestamp;
  BatchType batch_type = BatchType::kLogged;
  size_t marker_count = 0;
};

}  // namespace medallion::cql
