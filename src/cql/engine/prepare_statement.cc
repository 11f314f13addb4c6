#include <algorithm>
#include <map>
#include <set>

#include "cql/engine/literal_value.h"
#include "cql/engine/prepare_internal.h"

namespace medallion::cql {
namespace {

using util::Status;

const char kFilteringError[] =
    "cql: Cannot execute this query as it might involve data filtering and thus may have "
    "unpredictable performance. If you want to execute this query despite the performance "
    "unpredictability, use ALLOW FILTERING";

class Planner {
 public:
  Planner(const ParsedStatement& parsed, const SchemaSnapshot& snapshot, std::string_view keyspace,
          int64_t now_micros)
      : parsed_(parsed),
        snapshot_(snapshot),
        session_keyspace_(keyspace),
        now_(now_micros),
        bind_(parsed.bind_markers.size()) {}

  util::Result<std::shared_ptr<const TableSchema>> table(const QualifiedName& name) {
    const std::string ks = name.keyspace.empty() ? session_keyspace_ : name.keyspace;
    if (ks.empty()) {
      return Status::invalid_argument("cql: no keyspace has been specified for table " + name.name +
                                      ": USE a keyspace or qualify the name");
    }
    if (snapshot_.keyspace(ks) == nullptr) {
      return Status::not_found("cql: Keyspace '" + ks + "' does not exist");
    }
    auto t = snapshot_.table(ks, name.name);
    if (t == nullptr) {
      return Status::not_found("cql: unconfigured table " + name.name + " (keyspace " + ks + ")");
    }
    return t;
  }

  util::Result<const ColumnSchema*> column(const TableSchema& t, const std::string& name) {
    const auto* c = t.find(name);
    if (c == nullptr) {
      return Status::invalid_argument("cql: unknown column '" + name + "' in table " +
                                      t.full_name() + " (Undefined column name " + name + ")");
    }
    return c;
  }

  // A term for `type`, recording the marker's bind column.
  util::Result<BoundTerm> bind(const TableSchema& t, const Term& term, const CqlType& type,
                               const std::string& name) {
    BoundTerm b;
    b.type = type;
    b.column = name;
    if (const auto* m = std::get_if<BindMarker>(&term.value)) {
      if (m->index < 0 || static_cast<size_t>(m->index) >= bind_.size()) {
        return Status::internal("cql: bind marker index out of range");
      }
      b.kind = BoundTerm::Kind::kMarker;
      b.marker = m->index;
      bind_[m->index] = ColumnSpec{t.keyspace, t.name, m->name ? *m->name : name, type};
      return b;
    }
    if (term_is_function(term)) {
      // Checked now, evaluated per execution.
      MEDALLION_ASSIGN_OR_RETURN(auto probe, term_to_bytes(term, type, name, now_));
      (void)probe;
      b.kind = BoundTerm::Kind::kFunction;
      b.term = term;
      return b;
    }
    MEDALLION_ASSIGN_OR_RETURN(b.value, term_to_bytes(term, type, name, now_));
    return b;
  }

  util::Status where(const TableSchema& t, const std::vector<Relation>& relations,
                     bool allow_filtering, bool for_select, WherePlan* out) {
    struct Restriction {
      std::optional<ColumnValues> eq;  // = or IN
      std::optional<SliceBound> lower, upper;
      std::vector<FilterPlan> others;  // !=, CONTAINS, ...
    };
    std::map<uint32_t, Restriction> by_column;
    for (const auto& r : relations) {
      if (r.target == Relation::Target::kColumnTuple) {
        return Status::unsupported(
            "cql: multi-column relations (a, b) op (...) are not "
            "supported by the embedded server: restrict each column");
      }
      if (r.target == Relation::Target::kToken) {
        if (!for_select) {
          return Status::invalid_argument("cql: token() restrictions are only valid in SELECT");
        }
        bool matches = r.columns.size() == t.partition_key.size();
        for (size_t i = 0; matches && i < r.columns.size(); ++i) {
          matches = r.columns[i] == t.columns[t.partition_key[i]].name;
        }
        if (!matches) {
          return Status::invalid_argument(
              "cql: the token function must be applied to all "
              "partition key components in order (table " +
              t.full_name() + ")");
        }
        if (r.values.size() != 1) return Status::invalid_argument("cql: bad token restriction");
        MEDALLION_ASSIGN_OR_RETURN(
            auto term, bind(t, r.values[0], CqlType::of(TypeId::kBigint), "partition key token"));
        switch (r.op) {
          case RelationOp::kGt:
            out->token_lower = SliceBound{term, false};
            break;
          case RelationOp::kGe:
            out->token_lower = SliceBound{term, true};
            break;
          case RelationOp::kLt:
            out->token_upper = SliceBound{term, false};
            break;
          case RelationOp::kLe:
            out->token_upper = SliceBound{term, true};
            break;
          case RelationOp::kEq:
            out->token_lower = SliceBound{term, true};
            out->token_upper = SliceBound{term, true};
            break;
          default:
            return Status::invalid_argument("cql: only =, <, <=, >, >= apply to token()");
        }
        continue;
      }
      if (r.columns.size() != 1) return Status::invalid_argument("cql: bad relation");
      MEDALLION_ASSIGN_OR_RETURN(const ColumnSchema* c, column(t, r.columns[0]));
      auto& res = by_column[c->id];
      switch (r.op) {
        case RelationOp::kEq:
        case RelationOp::kIn: {
          if (res.eq) {
            return Status::invalid_argument("cql: column '" + c->name +
                                            "' cannot be restricted by more than one relation "
                                            "if it includes an Equal");
          }
          ColumnValues cv;
          if (r.op == RelationOp::kIn && r.in_marker) {
            if (r.values.size() != 1) return Status::invalid_argument("cql: bad IN ?");
            MEDALLION_ASSIGN_OR_RETURN(
                auto term, bind(t, r.values[0], CqlType::list_of(c->type), "in(" + c->name + ")"));
            cv.values.push_back(std::move(term));
            cv.in_marker = true;
          } else {
            for (const auto& v : r.values) {
              MEDALLION_ASSIGN_OR_RETURN(auto term, bind(t, v, c->type, c->name));
              cv.values.push_back(std::move(term));
            }
          }
          if (r.op == RelationOp::kEq && c->kind == ColumnKind::kPartitionKey &&
              cv.values[0].kind == BoundTerm::Kind::kMarker) {
            pk_markers_[c->position] = cv.values[0].marker;
          }
          res.eq = std::move(cv);
          break;
        }
        case RelationOp::kLt:
        case RelationOp::kLe:
        case RelationOp::kGt:
        case RelationOp::kGe: {
          if (r.values.size() != 1) return Status::invalid_argument("cql: bad relation");
          MEDALLION_ASSIGN_OR_RETURN(auto term, bind(t, r.values[0], c->type, c->name));
          const bool incl = r.op == RelationOp::kLe || r.op == RelationOp::kGe;
          const bool is_lower = r.op == RelationOp::kGt || r.op == RelationOp::kGe;
          auto& slot = is_lower ? res.lower : res.upper;
          if (slot) {
            return Status::invalid_argument("cql: more than one restriction was found for the " +
                                            std::string(is_lower ? "start" : "end") + " bound on " +
                                            c->name);
          }
          slot = SliceBound{std::move(term), incl};
          break;
        }
        default: {
          FilterPlan f;
          f.column = c->id;
          f.op = r.op;
          CqlType type = c->type;
          if (r.op == RelationOp::kContains) {
            if (type.id != TypeId::kList && type.id != TypeId::kSet && type.id != TypeId::kMap) {
              return Status::invalid_argument("cql: cannot use CONTAINS on non-collection column " +
                                              c->name);
            }
            type = type.id == TypeId::kMap ? type.params[1] : type.params[0];
          } else if (r.op == RelationOp::kContainsKey) {
            if (type.id != TypeId::kMap) {
              return Status::invalid_argument("cql: cannot use CONTAINS KEY on non-map column " +
                                              c->name);
            }
            type = type.params[0];
          }
          if (r.values.size() != 1) return Status::invalid_argument("cql: bad relation");
          MEDALLION_ASSIGN_OR_RETURN(auto term, bind(t, r.values[0], type, c->name));
          f.values.push_back(std::move(term));
          res.others.push_back(std::move(f));
        }
      }
    }
    bool needs_filtering = false;
    auto to_filters = [&](uint32_t id, Restriction& res) {
      if (res.eq) {
        FilterPlan f;
        f.column = id;
        f.op = res.eq->values.size() == 1 && !res.eq->in_marker ? RelationOp::kEq : RelationOp::kIn;
        f.values = res.eq->values;
        f.in_marker = res.eq->in_marker;
        out->filters.push_back(std::move(f));
      }
      if (res.lower) {
        out->filters.push_back({id,
                                res.lower->inclusive ? RelationOp::kGe : RelationOp::kGt,
                                {res.lower->term},
                                false});
      }
      if (res.upper) {
        out->filters.push_back({id,
                                res.upper->inclusive ? RelationOp::kLe : RelationOp::kLt,
                                {res.upper->term},
                                false});
      }
      for (auto& f : res.others) out->filters.push_back(std::move(f));
      needs_filtering = true;
    };
    // Partition key.
    bool all_pk_eq = true, any_pk = false;
    for (uint32_t id : t.partition_key) {
      auto it = by_column.find(id);
      const bool eq = it != by_column.end() && it->second.eq && !it->second.lower &&
                      !it->second.upper && it->second.others.empty();
      all_pk_eq &= eq;
      any_pk |= it != by_column.end();
    }
    if (all_pk_eq && !out->token_lower && !out->token_upper) {
      out->partition_restricted = true;
      for (uint32_t id : t.partition_key) {
        out->partition.push_back(std::move(*by_column[id].eq));
        by_column.erase(id);
      }
    } else if (any_pk) {
      if (!for_select) {
        return Status::invalid_argument(
            "cql: some partition key parts are missing or not "
            "restricted by = or IN (table " +
            t.full_name() + ")");
      }
      for (uint32_t id : t.partition_key) {
        auto it = by_column.find(id);
        if (it != by_column.end()) {
          to_filters(id, it->second);
          by_column.erase(it);
        }
      }
    }
    // Clustering columns.
    bool prefix_open = out->partition_restricted || !for_select;
    for (uint32_t id : t.clustering) {
      auto it = by_column.find(id);
      if (it == by_column.end()) {
        prefix_open = false;
        continue;
      }
      auto& res = it->second;
      if (prefix_open && res.eq && !res.lower && !res.upper && res.others.empty()) {
        out->clustering_prefix.push_back(std::move(*res.eq));
      } else if (prefix_open && !res.eq && (res.lower || res.upper) && res.others.empty()) {
        out->slice_lower = res.lower;
        out->slice_upper = res.upper;
        prefix_open = false;
      } else {
        if (!for_select) {
          return Status::invalid_argument("cql: clustering column '" + t.columns[id].name +
                                          "' cannot be restricted this way in a modification");
        }
        to_filters(id, res);
        prefix_open = false;
      }
      by_column.erase(it);
    }
    // Everything else filters.
    for (auto& [id, res] : by_column) {
      if (!for_select) {
        return Status::invalid_argument("cql: non PRIMARY KEY column '" + t.columns[id].name +
                                        "' found in the WHERE clause of a modification");
      }
      to_filters(id, res);
    }
    if (needs_filtering && !allow_filtering) return Status::invalid_argument(kFilteringError);
    return Status::ok();
  }

  util::Status using_clause(const TableSchema& t, const UsingClause& u, ModificationPlan* m) {
    if (u.ttl) {
      MEDALLION_ASSIGN_OR_RETURN(auto b, bind(t, *u.ttl, CqlType::of(TypeId::kInt), "[ttl]"));
      m->ttl = std::move(b);
    }
    if (u.timestamp) {
      MEDALLION_ASSIGN_OR_RETURN(
          auto b, bind(t, *u.timestamp, CqlType::of(TypeId::kBigint), "[timestamp]"));
      m->timestamp = std::move(b);
    }
    return Status::ok();
  }

  util::Status check_writable(const TableSchema& t) {
    if (t.is_virtual) {
      return Status::invalid_argument("cql: system table " + t.full_name() + " cannot be modified");
    }
    return Status::ok();
  }

  // The start of an UPDATE's or DELETE's plan: its writable table, IF EXISTS,
  // and the refusal of IF conditions (lightweight transactions).
  template <typename ConditionalStatement>
  util::Result<ModificationPlan> conditional_plan(ModificationPlan::Kind kind,
                                                  const ConditionalStatement& s) {
    MEDALLION_ASSIGN_OR_RETURN(auto t, table(s.table));
    MEDALLION_RETURN_IF_ERROR(check_writable(*t));
    ModificationPlan m;
    m.kind = kind;
    m.table = t;
    m.if_exists = s.if_exists;
    if (!s.conditions.empty()) {
      return Status::unsupported(
          "cql: IF conditions (lightweight transactions) are not "
          "supported by the embedded server");
    }
    return m;
  }

  util::Result<ModificationPlan> insert(const InsertStatement& s) {
    MEDALLION_ASSIGN_OR_RETURN(auto t, table(s.table));
    MEDALLION_RETURN_IF_ERROR(check_writable(*t));
    ModificationPlan m;
    m.kind = ModificationPlan::Kind::kInsert;
    m.table = t;
    m.if_not_exists = s.if_not_exists;
    if (s.columns.size() != s.values.size()) {
      return Status::invalid_argument("cql: unmatched column names/values in INSERT into " +
                                      t->full_name());
    }
    std::vector<std::optional<BoundTerm>> key(t->columns.size());
    std::set<std::string> seen;
    for (size_t i = 0; i < s.columns.size(); ++i) {
      MEDALLION_ASSIGN_OR_RETURN(const ColumnSchema* c, column(*t, s.columns[i]));
      if (!seen.insert(c->name).second) {
        return Status::invalid_argument("cql: multiple definitions found for column " + c->name);
      }
      MEDALLION_ASSIGN_OR_RETURN(auto b, bind(*t, s.values[i], c->type, c->name));
      if (c->kind == ColumnKind::kPartitionKey || c->kind == ColumnKind::kClustering) {
        if (c->kind == ColumnKind::kPartitionKey && b.kind == BoundTerm::Kind::kMarker) {
          pk_markers_[c->position] = b.marker;
        }
        key[c->id] = std::move(b);
      } else {
        m.cells.push_back({c->id, std::move(b), Assignment::Kind::kSet, std::nullopt});
      }
    }
    m.where.partition_restricted = true;
    for (uint32_t id : t->partition_key) {
      if (!key[id]) {
        return Status::invalid_argument("cql: Some partition key parts are missing: " +
                                        t->columns[id].name);
      }
      m.where.partition.push_back({{std::move(*key[id])}, false});
    }
    bool only_static = !m.cells.empty();
    for (const auto& c : m.cells) only_static &= t->columns[c.column].kind == ColumnKind::kStatic;
    bool any_clustering = false;
    for (uint32_t id : t->clustering) any_clustering |= key[id].has_value();
    for (uint32_t id : t->clustering) {
      if (!key[id]) {
        if (only_static && !any_clustering) break;  // a static-only write
        return Status::invalid_argument("cql: Some clustering keys are missing: " +
                                        t->columns[id].name);
      }
      m.where.clustering_prefix.push_back({{std::move(*key[id])}, false});
    }
    MEDALLION_RETURN_IF_ERROR(using_clause(*t, s.using_clause, &m));
    return m;
  }

  util::Result<ModificationPlan> update(const UpdateStatement& s) {
    MEDALLION_ASSIGN_OR_RETURN(ModificationPlan m,
                               conditional_plan(ModificationPlan::Kind::kUpdate, s));
    auto t = m.table;
    MEDALLION_RETURN_IF_ERROR(using_clause(*t, s.using_clause, &m));
    for (const auto& a : s.assignments) {
      MEDALLION_ASSIGN_OR_RETURN(const ColumnSchema* c, column(*t, a.column));
      if (c->kind == ColumnKind::kPartitionKey || c->kind == ColumnKind::kClustering) {
        return Status::invalid_argument("cql: PRIMARY KEY part " + c->name + " found in SET part");
      }
      if (a.kind == Assignment::Kind::kSet) {
        MEDALLION_ASSIGN_OR_RETURN(auto b, bind(*t, a.value, c->type, c->name));
        m.cells.push_back({c->id, std::move(b), a.kind, std::nullopt});
        continue;
      }
      const TypeId id = c->type.id;
      const bool collection = id == TypeId::kList || id == TypeId::kSet || id == TypeId::kMap;
      if (!collection || c->type_cql.rfind("frozen<", 0) == 0) {
        return Status::unsupported("cql: `" + c->name + " = " + c->name +
                                   " +/- ...` and element assignments need a non-frozen "
                                   "collection column (counters are not supported)");
      }
      CqlType value_type = c->type;
      std::optional<BoundTerm> key;
      if (a.kind == Assignment::Kind::kPrepend && id != TypeId::kList) {
        return Status::invalid_argument("cql: only lists can be prepended to (column " + c->name +
                                        ")");
      }
      if (a.kind == Assignment::Kind::kSubtract && id == TypeId::kMap) {
        value_type = CqlType::set_of(c->type.params[0]);
      }
      if (a.kind == Assignment::Kind::kSetElement) {
        if (id == TypeId::kSet || !a.key) {
          return Status::invalid_argument("cql: invalid element assignment on column " + c->name);
        }
        const CqlType key_type = id == TypeId::kMap ? c->type.params[0] : CqlType::of(TypeId::kInt);
        MEDALLION_ASSIGN_OR_RETURN(auto k, bind(*t, *a.key, key_type, "key(" + c->name + ")"));
        key = std::move(k);
        value_type = id == TypeId::kMap ? c->type.params[1] : c->type.params[0];
      }
      MEDALLION_ASSIGN_OR_RETURN(auto b, bind(*t, a.value, value_type, c->name));
      m.cells.push_back({c->id, std::move(b), a.kind, std::move(key)});
    }
    MEDALLION_RETURN_IF_ERROR(where(*t, s.where, false, false, &m.where));
    MEDALLION_RETURN_IF_ERROR(require_full_key(*t, m.where, "UPDATE"));
    return m;
  }

  util::Status require_full_key(const TableSchema& t, const WherePlan& w, const char* what) {
    if (!w.partition_restricted) {
      return Status::invalid_argument(std::string("cql: ") + what +
                                      " needs every partition key column of " + t.full_name() +
                                      " restricted by = or IN");
    }
    if (w.clustering_prefix.size() != t.clustering.size() || w.slice_lower || w.slice_upper) {
      return Status::invalid_argument(std::string("cql: Some clustering keys are missing in ") +
                                      what + " on " + t.full_name() +
                                      ": give every clustering column with =");
    }
    return Status::ok();
  }

  util::Result<ModificationPlan> remove(const DeleteStatement& s) {
    MEDALLION_ASSIGN_OR_RETURN(ModificationPlan m,
                               conditional_plan(ModificationPlan::Kind::kDelete, s));
    auto t = m.table;
    if (s.using_clause.ttl) {
      return Status::invalid_argument("cql: TTL is not allowed in DELETE");
    }
    MEDALLION_RETURN_IF_ERROR(using_clause(*t, s.using_clause, &m));
    bool only_static = !s.columns.empty();
    for (const auto& name : s.columns) {
      MEDALLION_ASSIGN_OR_RETURN(const ColumnSchema* c, column(*t, name));
      if (c->kind == ColumnKind::kPartitionKey || c->kind == ColumnKind::kClustering) {
        return Status::invalid_argument("cql: invalid identifier " + c->name +
                                        " for deletion (it is part of the PRIMARY KEY)");
      }
      only_static &= c->kind == ColumnKind::kStatic;
      m.delete_columns.push_back(c->id);
    }
    MEDALLION_RETURN_IF_ERROR(where(*t, s.where, false, false, &m.where));
    if (!m.where.partition_restricted) {
      return Status::invalid_argument("cql: DELETE needs every partition key column of " +
                                      t->full_name() + " restricted by = or IN");
    }
    if (!s.columns.empty() && !only_static) {
      MEDALLION_RETURN_IF_ERROR(require_full_key(*t, m.where, "DELETE"));
    }
    return m;
  }

  util::Result<SelectPlan> select(const SelectStatement& s, const TableSchema& t,
                                  ResultMetadata* metadata) {
    SelectPlan p;
    if (s.json)
      return Status::unsupported("cql: SELECT JSON is not supported by the embedded server");
    p.distinct = s.distinct;
    auto spec = [&](std::string name, CqlType type) {
      metadata->columns.push_back(ColumnSpec{t.keyspace, t.name, std::move(name), std::move(type)});
    };
    if (s.selectors.empty()) {
      for (uint32_t id : star_columns(t)) {
        if (s.distinct && t.columns[id].kind != ColumnKind::kPartitionKey &&
            t.columns[id].kind != ColumnKind::kStatic) {
          continue;
        }
        p.selectors.push_back({SelectorPlan::Kind::kColumn, id});
        spec(t.columns[id].name, t.columns[id].type);
      }
    }
    for (const auto& sel : s.selectors) {
      SelectorPlan sp;
      std::string name;
      CqlType type;
      switch (sel.kind) {
        case Selector::Kind::kColumn: {
          MEDALLION_ASSIGN_OR_RETURN(const ColumnSchema* c, column(t, sel.column));
          sp.column = c->id;
          name = c->name;
          type = c->type;
          break;
        }
        case Selector::Kind::kWritetime:
        case Selector::Kind::kTtl: {
          MEDALLION_ASSIGN_OR_RETURN(const ColumnSchema* c, column(t, sel.column));
          const bool wt = sel.kind == Selector::Kind::kWritetime;
          if (c->kind == ColumnKind::kPartitionKey || c->kind == ColumnKind::kClustering) {
            return Status::invalid_argument(std::string("cql: cannot use selection function ") +
                                            (wt ? "writeTime" : "ttl") + " on PRIMARY KEY part " +
                                            c->name);
          }
          sp.kind = wt ? SelectorPlan::Kind::kWritetime : SelectorPlan::Kind::kTtl;
          sp.column = c->id;
          name = (wt ? "writetime(" : "ttl(") + c->name + ")";
          type = CqlType::of(wt ? TypeId::kBigint : TypeId::kInt);
          break;
        }
        case Selector::Kind::kToken: {
          bool matches = sel.args.size() == t.partition_key.size();
          for (size_t i = 0; matches && i < sel.args.size(); ++i) {
            matches = sel.args[i] == t.columns[t.partition_key[i]].name;
          }
          if (!matches) {
            return Status::invalid_argument(
                "cql: token() must be applied to the partition key "
                "columns of " +
                t.full_name() + " in order");
          }
          sp.kind = SelectorPlan::Kind::kToken;
          name = "system.token(";
          for (size_t i = 0; i < sel.args.size(); ++i) name += (i ? ", " : "") + sel.args[i];
          name += ")";
          type = CqlType::of(TypeId::kBigint);
          break;
        }
        case Selector::Kind::kCountRows:
          sp.kind = SelectorPlan::Kind::kCount;
          name = "count";
          type = CqlType::of(TypeId::kBigint);
          break;
        case Selector::Kind::kFunction:
          if (sel.function == "count" && sel.args.size() == 1) {
            MEDALLION_ASSIGN_OR_RETURN(const ColumnSchema* c, column(t, sel.args[0]));
            (void)c;
            // count(column): counted as rows (a non-null check is not done).
            sp.kind = SelectorPlan::Kind::kCount;
            name = "system.count(" + sel.args[0] + ")";
            type = CqlType::of(TypeId::kBigint);
            break;
          }
          return Status::unsupported("cql: function " + sel.function +
                                     "() in a selection is not supported by the embedded server");
      }
      if (sel.alias) name = *sel.alias;
      p.selectors.push_back(sp);
      spec(std::move(name), std::move(type));
    }
    bool any_count = false, all_count = true;
    for (const auto& sp : p.selectors) {
      any_count |= sp.kind == SelectorPlan::Kind::kCount;
      all_count &= sp.kind == SelectorPlan::Kind::kCount;
    }
    if (any_count && !all_count) {
      return Status::unsupported(
          "cql: mixing COUNT with other selectors is not supported by "
          "the embedded server");
    }
    p.count = any_count;
    MEDALLION_RETURN_IF_ERROR(where(t, s.where, s.allow_filtering || t.is_virtual, true, &p.where));
    if (s.limit) {
      MEDALLION_ASSIGN_OR_RETURN(auto b, bind(t, *s.limit, CqlType::of(TypeId::kInt), "[limit]"));
      p.limit = std::move(b);
    }
    if (s.per_partition_limit) {
      MEDALLION_ASSIGN_OR_RETURN(auto b, bind(t, *s.per_partition_limit, CqlType::of(TypeId::kInt),
                                              "[per_partition_limit]"));
      p.per_partition_limit = std::move(b);
    }
    if (!s.order_by.empty()) {
      if (!p.where.partition_restricted) {
        return Status::invalid_argument(
            "cql: ORDER BY is only supported when the partition key "
            "is restricted by an EQ or an IN.");
      }
      std::optional<bool> reverse;
      for (size_t i = 0; i < s.order_by.size(); ++i) {
        const auto& [name, desc] = s.order_by[i];
        MEDALLION_ASSIGN_OR_RETURN(const ColumnSchema* c, column(t, name));
        if (c->kind != ColumnKind::kClustering || c->position != static_cast<int>(i)) {
          return Status::invalid_argument(
              "cql: Order by currently only supports the ordering of "
              "columns following their declared order in the "
              "PRIMARY KEY (column " +
              name + ")");
        }
        const bool r = desc != c->descending;
        if (reverse && *reverse != r) {
          return Status::invalid_argument(
              "cql: Unsupported order by relation (mixed "
              "directions on " +
              t.full_name() + ")");
        }
        reverse = r;
      }
      p.reverse = reverse.value_or(false);
    }
    return p;
  }

  util::Result<std::shared_ptr<StatementPlan>> plan(PreparedResult* result) {
    auto plan = std::make_shared<StatementPlan>();
    plan->marker_count = parsed_.bind_markers.size();
    result->result_metadata.no_metadata = true;
    std::shared_ptr<const TableSchema> routing_table;
    const auto& st = parsed_.statement;
    auto qualify = [&](QualifiedName name) -> util::Result<QualifiedName> {
      if (name.keyspace.empty()) name.keyspace = session_keyspace_;
      if (name.keyspace.empty()) {
        return Status::invalid_argument("cql: no keyspace has been specified for " + name.name +
                                        ": USE a keyspace or qualify the name");
      }
      return name;
    };
    if (const auto* use = std::get_if<UseStatement>(&st)) {
      plan->kind = StatementPlan::Kind::kUse;
      plan->keyspace = use->keyspace;
    } else if (const auto* ct = std::get_if<CreateTableStatement>(&st)) {
      auto copy = *ct;
      MEDALLION_ASSIGN_OR_RETURN(copy.table, qualify(copy.table));
      plan->kind = StatementPlan::Kind::kDdl;
      plan->ddl = std::make_shared<Statement>(std::move(copy));
    } else if (const auto* dt = std::get_if<DropTableStatement>(&st)) {
      auto copy = *dt;
      MEDALLION_ASSIGN_OR_RETURN(copy.table, qualify(copy.table));
      plan->kind = StatementPlan::Kind::kDdl;
      plan->ddl = std::make_shared<Statement>(std::move(copy));
    } else if (const auto* tr = std::get_if<TruncateStatement>(&st)) {
      auto copy = *tr;
      MEDALLION_ASSIGN_OR_RETURN(copy.table, qualify(copy.table));
      plan->kind = StatementPlan::Kind::kDdl;
      plan->ddl = std::make_shared<Statement>(std::move(copy));
    } else if (std::holds_alternative<CreateKeyspaceStatement>(st) ||
               std::holds_alternative<DropKeyspaceStatement>(st)) {
      plan->kind = StatementPlan::Kind::kDdl;
      plan->ddl = std::make_shared<Statement>(st);
    } else if (const auto* sel = std::get_if<SelectStatement>(&st)) {
      MEDALLION_ASSIGN_OR_RETURN(auto t, table(sel->table));
      plan->kind = StatementPlan::Kind::kSelect;
      plan->table = t;
      result->result_metadata.no_metadata = false;
      MEDALLION_ASSIGN_OR_RETURN(plan->select, select(*sel, *t, &result->result_metadata));
      routing_table = t;
    } else if (const auto* batch = std::get_if<BatchQuery>(&st)) {
      plan->kind = StatementPlan::Kind::kBatch;
      plan->batch_type = batch->type;
      for (const auto& member : batch->statements) {
        MEDALLION_ASSIGN_OR_RETURN(auto m, modification(member));
        if (batch->using_clause.timestamp && m.timestamp) {
          return Status::invalid_argument(
              "cql: Timestamp must be set either on BATCH or "
              "individual statements");
        }
        plan->modifications.push_back(std::move(m));
      }
      if (batch->using_clause.ttl) {
        return Status::invalid_argument("cql: a BATCH cannot have a TTL: put it on its members");
      }
      if (batch->using_clause.timestamp) {
        if (plan->modifications.empty()) return Status::invalid_argument("cql: empty BATCH");
        MEDALLION_ASSIGN_OR_RETURN(
            auto b, bind(*plan->modifications[0].table, *batch->using_clause.timestamp,
                         CqlType::of(TypeId::kBigint), "[timestamp]"));
        plan->batch_timestamp = std::move(b);
      }
    } else {
      ModificationStatement m;
      if (const auto* i = std::get_if<InsertStatement>(&st)) m = *i;
      if (const auto* u = std::get_if<UpdateStatement>(&st)) m = *u;
      if (const auto* d = std::get_if<DeleteStatement>(&st)) m = *d;
      MEDALLION_ASSIGN_OR_RETURN(auto mp, modification(m));
      routing_table = mp.table;
      plan->kind = StatementPlan::Kind::kModification;
      plan->modifications.push_back(std::move(mp));
    }
    for (size_t i = 0; i < bind_.size(); ++i) {
      if (!bind_[i]) {
        return Status::invalid_argument("cql: bind marker " + std::to_string(i + 1) +
                                        " is in a position the embedded server cannot type");
      }
      result->bind_columns.push_back(*bind_[i]);
    }
    if (routing_table && !routing_table->partition_key.empty()) {
      std::vector<uint16_t> indices;
      for (size_t pos = 0; pos < routing_table->partition_key.size(); ++pos) {
        auto it = pk_markers_.find(static_cast<int>(pos));
        if (it == pk_markers_.end()) {
          indices.clear();
          break;
        }
        indices.push_back(static_cast<uint16_t>(it->second));
      }
      result->partition_key_indices = std::move(indices);
    }
    return plan;
  }

  util::Result<ModificationPlan> modification(const ModificationStatement& m) {
    if (const auto* i = std::get_if<InsertStatement>(&m)) return insert(*i);
    if (const auto* u = std::get_if<UpdateStatement>(&m)) return update(*u);
    return remove(std::get<DeleteStatement>(m));
  }

 private:
  const ParsedStatement& parsed_;
  const SchemaSnapshot& snapshot_;
  std::string session_keyspace_;
  int64_t now_;
  std::vector<std::optional<ColumnSpec>> bind_;
  std::map<int, int> pk_markers_;  // partition key position -> marker index
};

}  // namespace

std::vector<uint32_t> star_columns(const TableSchema& table) {
  std::vector<uint32_t> out(table.partition_key.begin(), table.partition_key.end());
  out.insert(out.end(), table.clustering.begin(), table.clustering.end());
  std::vector<uint32_t> rest;
  for (const auto& c : table.columns) {
    if (c.kind == ColumnKind::kRegular || c.kind == ColumnKind::kStatic) rest.push_back(c.id);
  }
  std::sort(rest.begin(), rest.end(),
            [&](uint32_t a, uint32_t b) { return table.columns[a].name < table.columns[b].name; });
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

util::Result<std::shared_ptr<StatementPlan>> plan_statement(const ParsedStatement& parsed,
                                                            const SchemaSnapshot& snapshot,
                                                            std::string_view keyspace,
                                                            int64_t now_micros,
                                                            PreparedResult* result) {
  Planner planner(parsed, snapshot, keyspace, now_micros);
  return planner.plan(result);
}

}  // namespace medallion::cql
