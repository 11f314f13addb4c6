#include "cql/engine/query_processor.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>

#include "cql/engine/literal_value.h"
#include "cql/engine/prepare_internal.h"
#include "cql/engine/schema.h"
#include "cql/engine/select_paging.h"
#include "cql/engine/statement_plan.h"
#include "cql/engine/system_tables.h"
#include "cql/protocol/wire.h"
#include "cql/storage/key_encoding.h"
#include "cql/protocol/murmur3_token.h"

namespace medallion::cql {
namespace {

using util::Status;
constexpr size_t kMaxCartesian = 10000;

std::string bigint_bytes(int64_t v) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(static_cast<uint64_t>(v) >> (56 - 8 * i));
  return out;
}
std::string int_bytes(int32_t v) {
  std::string out(4, '\0');
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>(static_cast<uint32_t>(v) >> (24 - 8 * i));
  return out;
}
int64_t read_be(std::string_view b) {
  uint64_t v = 0;
  for (char c : b) v = (v << 8) | static_cast<uint8_t>(c);
  if (b.size() == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

struct Resolved {
  bool unset = false;
  std::optional<std::string> value;
};

struct ExecContext {
  const std::vector<Value>* values = nullptr;
  int64_t now_micros = 0;
};

// A constant or a bound value, seen in place.
struct ResolvedView {
  bool unset = false;
  bool null = false;
  std::string_view bytes;  // into the plan's constant or the bound values
};

// Resolves a constant or a marker (not a function call) without copying.
util::Result<ResolvedView> resolve_view(const BoundTerm& t, const ExecContext& ctx) {
  if (t.kind == BoundTerm::Kind::kConst) {
    if (!t.value) return ResolvedView{false, true, {}};
    return ResolvedView{false, false, *t.value};
  }
  if (t.marker < 0 || static_cast<size_t>(t.marker) >= ctx.values->size()) {
    return Status::invalid_argument("cql: no value bound for marker " +
                                    std::to_string(t.marker + 1));
  }
  const Value& v = (*ctx.values)[t.marker];
  if (v.is_not_set()) return ResolvedView{true, false, {}};
  if (v.is_null()) return ResolvedView{false, true, {}};
  MEDALLION_RETURN_IF_ERROR(validate_value(t.type, v.bytes, t.column));
  return ResolvedView{false, false, v.bytes};
}

util::Result<Resolved> resolve(const BoundTerm& t, const ExecContext& ctx) {
  if (t.kind == BoundTerm::Kind::kFunction) {
    MEDALLION_ASSIGN_OR_RETURN(auto v, term_to_bytes(t.term, t.type, t.column, ctx.now_micros));
    return Resolved{false, std::move(v)};
  }
  MEDALLION_ASSIGN_OR_RETURN(ResolvedView r, resolve_view(t, ctx));
  if (r.unset || r.null) return Resolved{r.unset, std::nullopt};
  return Resolved{false, std::string(r.bytes)};
}

util::Result<std::vector<std::string>> split_elements(std::string_view bytes) {
  WireReader r(bytes, "list value");
  MEDALLION_ASSIGN_OR_RETURN(int32_t n, r.read_int("count"));
  std::vector<std::string> out;
  for (int32_t i = 0; i < n; ++i) {
    MEDALLION_ASSIGN_OR_RETURN(auto e, r.read_bytes("element"));
    if (!e) return Status::invalid_argument("cql: null element in a list value");
    out.emplace_back(*e);
  }
  return out;
}

util::Result<std::vector<std::string>> resolve_values(const ColumnValues& cv,
                                                      const ExecContext& ctx) {
  std::vector<std::string> out;
  for (const auto& t : cv.values) {
    MEDALLION_ASSIGN_OR_RETURN(auto r, resolve(t, ctx));
    if (r.unset) return Status::invalid_argument("cql: Invalid unset value for column " + t.column);
    if (!r.value) return Status::invalid_argument("cql: Invalid null value for column " + t.column);
    if (cv.in_marker) {
      MEDALLION_ASSIGN_OR_RETURN(auto elements, split_elements(*r.value));
      for (auto& e : elements) out.push_back(std::move(e));
    } else {
      out.push_back(std::move(*r.value));
    }
  }
  if (out.size() < 2) return out;  // `=`, the usual case: nothing to dedup
  // Dedup, keeping the first.
  std::vector<std::string> unique;
  std::set<std::string> seen;
  for (auto& v : out) {
    if (seen.insert(v).second) unique.push_back(std::move(v));
  }
  return unique;
}

util::Result<std::vector<std::vector<std::string>>> product(
    const std::vector<ColumnValues>& columns, const ExecContext& ctx) {
  std::vector<std::vector<std::string>> out(1);
  out[0].reserve(columns.size());
  for (const auto& cv : columns) {
    MEDALLION_ASSIGN_OR_RETURN(auto values, resolve_values(cv, ctx));
    if (values.size() == 1) {  // `=`, the usual case: extend each combination in place
      for (size_t i = 0; i + 1 < out.size(); ++i) out[i].push_back(values[0]);
      out.back().push_back(std::move(values[0]));
      continue;
    }
    std::vector<std::vector<std::string>> next;
    if (out.size() * values.size() > kMaxCartesian) {
      return Status::invalid_argument("cql: IN restrictions select too many keys (over " +
                                      std::to_string(kMaxCartesian) + ")");
    }
    for (const auto& prefix : out) {
      for (const auto& v : values) {
        next.push_back(prefix);
        next.back().push_back(v);
      }
    }
    out = std::move(next);
  }
  return out;
}

std::vector<std::string_view> views(const std::vector<std::string>& v) {
  return std::vector<std::string_view>(v.begin(), v.end());
}

// The usual key restriction: one `=` value per column, a constant or a
// marker, whose values can be seen in place (no IN, no function call).
bool single_values(const std::vector<ColumnValues>& columns) {
  return std::all_of(columns.begin(), columns.end(), [](const ColumnValues& cv) {
    return !cv.in_marker && cv.values.size() == 1 &&
           cv.values[0].kind != BoundTerm::Kind::kFunction;
  });
}

// The values of columns for which single_values() holds, checked as
// resolve_values() checks them.
util::Result<std::vector<std::string_view>> single_value_views(
    const std::vector<ColumnValues>& columns, const ExecContext& ctx) {
  std::vector<std::string_view> out;
  out.reserve(columns.size());
  for (const auto& cv : columns) {
    const BoundTerm& t = cv.values[0];
    MEDALLION_ASSIGN_OR_RETURN(ResolvedView r, resolve_view(t, ctx));
    if (r.unset) return Status::invalid_argument("cql: Invalid unset value for column " + t.column);
    if (r.null) return Status::invalid_argument("cql: Invalid null value for column " + t.column);
    out.push_back(r.bytes);
  }
  return out;
}

util::Result<std::string> partition_key_of(const TableSchema& t,
                                           const std::vector<std::string_view>& components) {
  std::string key = partition_key_bytes(components);
  if (key.empty()) {
    return Status::invalid_argument("cql: Key may not be empty (table " + t.full_name() + ")");
  }
  return key;
}

util::Result<std::vector<std::string>> partition_keys(const TableSchema& t, const WherePlan& w,
                                                      const ExecContext& ctx) {
  std::vector<std::string> keys;
  if (single_values(w.partition)) {
    MEDALLION_ASSIGN_OR_RETURN(auto components, single_value_views(w.partition, ctx));
    MEDALLION_ASSIGN_OR_RETURN(std::string key, partition_key_of(t, components));
    keys.push_back(std::move(key));
    return keys;
  }
  MEDALLION_ASSIGN_OR_RETURN(auto combos, product(w.partition, ctx));
  for (const auto& c : combos) {
    MEDALLION_ASSIGN_OR_RETURN(std::string key, partition_key_of(t, views(c)));
    keys.push_back(std::move(key));
  }
  return keys;
}

util::Result<std::optional<ClusteringBound>> bound(const std::optional<SliceBound>& b,
                                                   const ExecContext& ctx) {
  if (!b) return std::optional<ClusteringBound>();
  MEDALLION_ASSIGN_OR_RETURN(auto r, resolve(b->term, ctx));
  if (r.unset) return std::optional<ClusteringBound>();
  if (!r.value) {
    return Status::invalid_argument("cql: Invalid null value for column " + b->term.column);
  }
  return std::optional<ClusteringBound>(ClusteringBound{std::move(*r.value), b->inclusive});
}

util::Result<std::vector<ClusteringRange>> clustering_ranges(const TableSchema& t,
                                                             const WherePlan& w,
                                                             const ExecContext& ctx) {
  if (w.clustering_prefix.empty() && !w.slice_lower && !w.slice_upper) {
    return std::vector<ClusteringRange>{ClusteringRange{}};
  }
  MEDALLION_ASSIGN_OR_RETURN(auto prefixes, product(w.clustering_prefix, ctx));
  MEDALLION_ASSIGN_OR_RETURN(auto lower, bound(w.slice_lower, ctx));
  MEDALLION_ASSIGN_OR_RETURN(auto upper, bound(w.slice_upper, ctx));
  std::vector<ClusteringRange> out;
  for (const auto& p : prefixes) {
    auto r = clustering_range(t.clustering_columns, views(p), lower, upper);
    if (!r) return Status::invalid_argument(r.status().message());
    if (!r->end.empty() && r->start >= r->end) continue;  // empty slice
    out.push_back(std::move(*r));
  }
  std::sort(out.begin(), out.end(),
            [](const ClusteringRange& a, const ClusteringRange& b) { return a.start < b.start; });
  return out;
}

// Order of two values of a type (clusterable types by their encoding).
int compare_values(const CqlType& type, std::string_view a, std::string_view b) {
  if (is_clusterable(type)) {
    std::vector<ClusteringColumn> cols{{type, false}};
    auto ea = encode_clustering(cols, {a});
    auto eb = encode_clustering(cols, {b});
    if (ea && eb) return ea->compare(*eb);
  }
  return a.compare(b);
}

struct ResolvedFilter {
  uint32_t column = 0;
  RelationOp op = RelationOp::kEq;
  std::vector<std::string> values;
};

util::Result<std::vector<ResolvedFilter>> resolve_filters(const WherePlan& w,
                                                          const ExecContext& ctx) {
  std::vector<ResolvedFilter> out;
  for (const auto& f : w.filters) {
    ResolvedFilter r{f.column, f.op, {}};
    ColumnValues cv{f.values, f.in_marker};
    MEDALLION_ASSIGN_OR_RETURN(r.values, resolve_values(cv, ctx));
    out.push_back(std::move(r));
  }
  return out;
}

bool collection_contains(const CqlType& type, std::string_view bytes, std::string_view needle,
                         bool keys) {
  WireReader r(bytes, "collection");
  auto n = r.read_int("count");
  if (!n) return false;
  for (int32_t i = 0; i < *n; ++i) {
    auto first = r.read_bytes("element");
    if (!first || !*first) return false;
    if (type.id == TypeId::kMap) {
      auto second = r.read_bytes("value");
      if (!second || !*second) return false;
      if ((keys ? **first : **second) == needle) return true;
    } else if (**first == needle) {
      return true;
    }
  }
  return false;
}

bool filter_matches(const ResolvedFilter& f, const CqlType& type,
                    const std::optional<std::string_view>& value) {
  if (!value) return false;
  switch (f.op) {
    case RelationOp::kEq:
      return *value == f.values[0];
    case RelationOp::kNe:
      return *value != f.values[0];
    case RelationOp::kIn:
      return std::find(f.values.begin(), f.values.end(), *value) != f.values.end();
    case RelationOp::kLt:
      return compare_values(type, *value, f.values[0]) < 0;
    case RelationOp::kLe:
      return compare_values(type, *value, f.values[0]) <= 0;
    case RelationOp::kGt:
      return compare_values(type, *value, f.values[0]) > 0;
    case RelationOp::kGe:
      return compare_values(type, *value, f.values[0]) >= 0;
    case RelationOp::kContains:
      return collection_contains(type, *value, f.values[0], false);
    case RelationOp::kContainsKey:
      return collection_contains(type, *value, f.values[0], true);
  }
  return false;
}

util::Result<int32_t> resolve_limit(const std::optional<BoundTerm>& t, const ExecContext& ctx,
                                    const char* what) {
  if (!t) return -1;
  MEDALLION_ASSIGN_OR_RETURN(auto r, resolve(*t, ctx));
  if (r.unset) return -1;
  if (!r.value) return Status::invalid_argument(std::string("cql: Invalid null value of ") + what);
  const int64_t v = read_be(*r.value);
  if (v <= 0) {
    return Status::invalid_argument(std::string("cql: ") + what + " must be strictly positive");
  }
  return static_cast<int32_t>(v);
}

// Runs one SELECT page against the store.
class SelectRun {
 public:
  SelectRun(const Store& store, const TableSchema& table, const SelectPlan& plan, int64_t now_sec)
      : store_(store), table_(table), plan_(plan), now_sec_(now_sec) {}

  util::Status run(const ExecContext& ctx, const QueryParameters& params, RowsResult* out) {
    out_ = out;
    MEDALLION_ASSIGN_OR_RETURN(filters_, resolve_filters(plan_.where, ctx));
    MEDALLION_ASSIGN_OR_RETURN(limit_left_, resolve_limit(plan_.limit, ctx, "LIMIT"));
    MEDALLION_ASSIGN_OR_RETURN(
        per_partition_limit_, resolve_limit(plan_.per_partition_limit, ctx, "PER PARTITION LIMIT"));
    if (plan_.distinct) per_partition_limit_ = 1;
    page_size_ =
        (params.page_size && *params.page_size > 0 && !plan_.count) ? *params.page_size : 0;
    std::optional<PagingState> state;
    if (params.paging_state && !plan_.count) {
      MEDALLION_ASSIGN_OR_RETURN(auto s, decode_paging_state(table_.id, *params.paging_state));
      state = std::move(s);
      limit_left_ = state->limit_left;
      if (limit_left_ == 0) return finish(false);
    }
    cells_.resize(table_.columns.size());
    if (plan_.where.partition_restricted) {
      MEDALLION_ASSIGN_OR_RETURN(auto keys, partition_keys(table_, plan_.where, ctx));
      MEDALLION_ASSIGN_OR_RETURN(auto ranges, clustering_ranges(table_, plan_.where, ctx));
      if (plan_.reverse) std::reverse(ranges.begin(), ranges.end());
      size_t pi = 0, ri = 0;
      std::optional<std::string> resume;
      if (state) {
        pi = state->partition_index;
        ri = state->range_index;
        if (pi >= keys.size() || ri >= ranges.size() || keys[pi] != state->partition_key) {
          return Status::invalid_argument(
              "cql: invalid paging state for this query: restart it "
              "without a paging state");
        }
        resume = state->position;
      }
      for (; pi < keys.size() && !stopped_; ++pi) {
        new_partition(keys[pi]);
        if (state && pi == state->partition_index) partition_rows_ = state->partition_rows;
        if (table_.has_static) MEDALLION_RETURN_IF_ERROR(load_static(keys[pi]));
        for (; ri < ranges.size() && !stopped_; ++ri) {
          pi_ = pi;
          ri_ = ri;
          MEDALLION_RETURN_IF_ERROR(
              store_.read_partition(table_.id, keys[pi], ranges[ri], plan_.reverse, resume,
                                    [this](const RowVisit& v) { return visit(v); }));
          resume.reset();
        }
        if (!finish_partition()) break;
        ri = 0;
      }
    } else {
      int64_t min_token = kMinToken, max_token = kMaxToken;
      bool empty = false;
      auto token_bound = [&](const std::optional<SliceBound>& b, bool lower) -> Status {
        if (!b) return Status::ok();
        MEDALLION_ASSIGN_OR_RETURN(auto r, resolve(b->term, ctx));
        if (r.unset) return Status::ok();
        if (!r.value) return Status::invalid_argument("cql: Invalid null token bound");
        int64_t v = read_be(*r.value);
        if (lower) {
          if (!b->inclusive) {
            if (v == kMaxToken)
              empty = true;
            else
              ++v;
          }
          min_token = std::max(min_token, v);
        } else {
          if (!b->inclusive) {
            if (v == kMinToken)
              empty = true;
            else
              --v;
          }
          max_token = std::min(max_token, v);
        }
        return Status::ok();
      };
      MEDALLION_RETURN_IF_ERROR(token_bound(plan_.where.token_lower, true));
      MEDALLION_RETURN_IF_ERROR(token_bound(plan_.where.token_upper, false));
      if (!empty && min_token <= max_token) {
        std::optional<std::string> resume;
        if (state) {
          resume = state->position;
          new_partition(state->partition_key);
          partition_rows_ = state->partition_rows;
          if (table_.has_static) MEDALLION_RETURN_IF_ERROR(load_static(state->partition_key));
        }
        MEDALLION_RETURN_IF_ERROR(store_.scan(table_.id, min_token, max_token, resume,
                                              [this](const RowVisit& v) { return visit(v); }));
        if (!current_pk_.empty()) finish_partition();
      }
    }
    if (!error_.is_ok()) return error_;
    return finish(more_);
  }

 private:
  void new_partition(std::string_view pk) {
    current_pk_.assign(pk.data(), pk.size());
    partition_rows_ = 0;
    saw_row_ = false;
    static_cells_.clear();
    static_position_.clear();
    auto parts = split_partition_key(table_.partition_key.size(), pk);
    if (parts) {
      pk_values_ = std::move(*parts);
    } else {
      pk_values_.assign(table_.partition_key.size(), std::string());
    }
  }

  util::Status load_static(const std::string& pk) {
    return store_.read_partition(table_.id, pk, ClusteringRange{"", std::string(1, '\0')}, false,
                                 std::nullopt, [this](const RowVisit& v) {
                                   if (v.row->clustering.empty()) {
                                     static_cells_ = v.row->cells;
                                     static_position_.assign(v.position.data(), v.position.size());
                                   }
                                   return true;
                                 });
  }

  std::optional<std::string_view> value_of(uint32_t id) const {
    const auto& c = table_.columns[id];
    switch (c.kind) {
      case ColumnKind::kPartitionKey:
        return std::string_view(pk_values_[c.position]);
      case ColumnKind::kClustering:
        if (static_cast<size_t>(c.position) < ck_values_.size()) {
          return std::string_view(ck_values_[c.position]);
        }
        return std::nullopt;
      default:
        if (cells_[id] != nullptr) return std::string_view(cells_[id]->value);
        return std::nullopt;
    }
  }

  // A partition holding only static cells shows as one row with null
  // clustering columns (when the query does not restrict them), as in
  // Cassandra. Returns false to stop reading.
  bool finish_partition() {
    if (!table_.has_static || static_cells_.empty() || saw_row_ || partition_rows_ > 0 ||
        stopped_ || more_ || !plan_.where.clustering_prefix.empty() || plan_.where.slice_lower ||
        plan_.where.slice_upper || !error_.is_ok()) {
      return true;
    }
    std::fill(cells_.begin(), cells_.end(), nullptr);
    for (const auto& cell : static_cells_) {
      if (cell.column_id < cells_.size()) cells_[cell.column_id] = &cell;
    }
    ck_values_.clear();
    const std::string position = static_position_;
    return emit(murmur3_token(current_pk_), position);
  }

  bool visit(const RowVisit& v) {
    if (v.partition_key != current_pk_) {
      if (!current_pk_.empty() && !finish_partition()) return false;
      new_partition(v.partition_key);
    }
    const RowRead& row = *v.row;
    if (!table_.clustering.empty() && row.clustering.empty()) {
      static_cells_ = row.cells;  // the static row comes first in a forward scan
      static_position_.assign(v.position.data(), v.position.size());
      return true;
    }
    saw_row_ = true;
    if (per_partition_limit_ > 0 && partition_rows_ >= per_partition_limit_) {
      return !plan_.where.partition_restricted;  // skip the rest of this partition
    }
    std::fill(cells_.begin(), cells_.end(), nullptr);
    for (const auto& cell : row.cells) {
      if (cell.column_id < cells_.size()) cells_[cell.column_id] = &cell;
    }
    for (const auto& cell : static_cells_) {
      if (cell.column_id < cells_.size()) cells_[cell.column_id] = &cell;
    }
    ck_values_.clear();
    if (!table_.clustering.empty()) {
      auto ck = decode_clustering(table_.clustering_columns, row.clustering);
      if (!ck) {
        error_ = ck.status();
        return false;
      }
      ck_values_ = std::move(*ck);
    }
    return emit(v.token, v.position);
  }

  // Filters, then adds the row whose cells_/ck_values_ are set up.
  bool emit(int64_t token, std::string_view position) {
    for (const auto& f : filters_) {
      if (!filter_matches(f, table_.columns[f.column].type, value_of(f.column))) return true;
    }
    if (page_size_ > 0 && static_cast<int32_t>(out_->rows.size()) >= page_size_) {
      more_ = true;
      return false;
    }
    ++partition_rows_;
    ++counted_;
    if (!plan_.count) {
      std::vector<std::optional<std::string>> out;
      out.reserve(plan_.selectors.size());
      for (const auto& s : plan_.selectors) {
        switch (s.kind) {
          case SelectorPlan::Kind::kColumn: {
            auto val = value_of(s.column);
            out.push_back(val ? std::optional<std::string>(std::string(*val)) : std::nullopt);
            break;
          }
          case SelectorPlan::Kind::kWritetime:
            out.push_back(cells_[s.column] ? std::optional<std::string>(
                                                 bigint_bytes(cells_[s.column]->timestamp))
                                           : std::nullopt);
            break;
          case SelectorPlan::Kind::kTtl: {
            const CellRead* c = cells_[s.column];
            if (c == nullptr || c->expires_at == 0) {
              out.push_back(std::nullopt);
            } else {
              out.push_back(
                  int_bytes(static_cast<int32_t>(std::max<int64_t>(0, c->expires_at - now_sec_))));
            }
            break;
          }
          case SelectorPlan::Kind::kToken:
            out.push_back(bigint_bytes(token));
            break;
          case SelectorPlan::Kind::kCount:
            break;
        }
      }
      out_->rows.push_back(std::move(out));
      last_.position.assign(position.data(), position.size());
      last_.partition_key = current_pk_;
      last_.partition_index = static_cast<uint32_t>(pi_);
      last_.range_index = static_cast<uint32_t>(ri_);
      last_.partition_rows = partition_rows_;
    }
    if (limit_left_ > 0) {
      --limit_left_;
      if (limit_left_ == 0) {
        stopped_ = true;
        return false;
      }
    }
    return true;
  }

  util::Status finish(bool more) {
    if (plan_.count) {
      out_->rows.push_back({bigint_bytes(counted_)});
      return Status::ok();
    }
    if (more) {
      last_.limit_left = limit_left_;
      out_->metadata.paging_state = encode_paging_state(table_.id, last_);
    }
    return Status::ok();
  }

  const Store& store_;
  const TableSchema& table_;
  const SelectPlan& plan_;
  int64_t now_sec_;
  RowsResult* out_ = nullptr;
  std::vector<ResolvedFilter> filters_;
  int32_t limit_left_ = -1;
  int32_t per_partition_limit_ = -1;
  int32_t page_size_ = 0;
  bool more_ = false;
  bool stopped_ = false;
  Status error_;
  int64_t counted_ = 0;
  std::string current_pk_;
  std::vector<std::string> pk_values_;
  std::vector<std::string> ck_values_;
  int32_t partition_rows_ = 0;
  std::vector<CellRead> static_cells_;
  std::string static_position_;
  bool saw_row_ = false;
  std::vector<const CellRead*> cells_;
  size_t pi_ = 0, ri_ = 0;
  PagingState last_;
};

struct RmwCell {
  const CellPlan* plan = nullptr;
  std::optional<std::string> value;
  std::optional<std::string> key;
};

class QueryProcessorImpl final : public QueryProcessor {
 public:
  QueryProcessorImpl(Store* store, ProcessorOptions options, std::unique_ptr<Catalog> catalog)
      : store_(store), options_(std::move(options)), catalog_(std::move(catalog)) {}

  util::Result<std::shared_ptr<const PreparedStatement>> prepare(
      ParsedStatement statement, std::string_view query, std::string_view keyspace) override {
    auto snap = catalog_->snapshot();
    auto prepared = std::make_shared<PreparedStatement>();
    prepared->query = std::string(query);
    prepared->keyspace = std::string(keyspace);
    MEDALLION_ASSIGN_OR_RETURN(
        auto plan, plan_statement(statement, *snap, keyspace, now_micros(), &prepared->result));
    std::string key(keyspace);
    key += query;
    prepared->result.id = md5_digest(key);
    if (plan->table) prepared->table_dropped.push_back(plan->table->dropped);
    for (const ModificationPlan& m : plan->modifications) {
      if (m.table) prepared->table_dropped.push_back(m.table->dropped);
    }
    prepared->plan = std::move(plan);
    return std::shared_ptr<const PreparedStatement>(std::move(prepared));
  }

  void execute(std::shared_ptr<const PreparedStatement> statement,
               const QueryParameters& parameters, QueryCallback done) override {
    if (!statement || !statement->plan) {
      done(Status::invalid_argument("cql: no statement to execute"));
      return;
    }
    const StatementPlan& plan = *statement->plan;
    std::vector<Value> named;
    const std::vector<Value>* values = &parameters.values;
    if (!parameters.value_names.empty()) {
      auto r = by_name(*statement, parameters, &named);
      if (!r.is_ok()) {
        done(r);
        return;
      }
      values = &named;
    }
    if (values->size() != plan.marker_count) {
      done(Status::invalid_argument("cql: there were " + std::to_string(plan.marker_count) +
                                    " markers(?) in the query but " +
                                    std::to_string(values->size()) + " values were sent"));
      return;
    }
    ExecContext ctx{values, now_micros()};
    switch (plan.kind) {
      case StatementPlan::Kind::kUse: {
        auto snap = catalog_->snapshot();
        if (snap->keyspace(plan.keyspace) == nullptr) {
          done(Status::not_found("cql: Keyspace '" + plan.keyspace + "' does not exist"));
        } else {
          done(QueryResult(SetKeyspaceResult{plan.keyspace}));
        }
        return;
      }
      case StatementPlan::Kind::kDdl:
        done(run_ddl(*plan.ddl));
        return;
      case StatementPlan::Kind::kSelect:
        done(run_select(*statement, plan, ctx, parameters));
        return;
      case StatementPlan::Kind::kModification:
      case StatementPlan::Kind::kBatch: {
        std::vector<PartitionMutation> mutations;
        std::optional<int64_t> batch_ts;
        if (plan.batch_timestamp) {
          auto r = resolve(*plan.batch_timestamp, ctx);
          if (!r.is_ok()) {
            done(r.status());
            return;
          }
          if (r->value) batch_ts = read_be(*r->value);
        }
        for (const auto& m : plan.modifications) {
          if (m.if_not_exists || m.if_exists) {
            if (plan.kind == StatementPlan::Kind::kBatch) {
              done(
                  Status::unsupported("cql: conditional statements in a BATCH are not "
                                      "supported by the embedded server"));
              return;
            }
            run_conditional(m, ctx, parameters.default_timestamp, std::move(done));
            return;
          }
          auto st = build_mutations(m, ctx, batch_ts ? batch_ts : parameters.default_timestamp,
                                    &mutations);
          if (!st.is_ok()) {
            done(st);
            return;
          }
        }
        apply(std::move(mutations), std::move(done));
        return;
      }
    }
  }

  void execute_batch(BatchType type, std::vector<BoundStatement> statements,
                     std::optional<int64_t> default_timestamp, QueryCallback done) override {
    (void)type;
    std::vector<PartitionMutation> mutations;
    const int64_t now = now_micros();
    for (const auto& bs : statements) {
      if (!bs.statement || !bs.statement->plan) {
        done(Status::invalid_argument("cql: empty BATCH member"));
        return;
      }
      std::vector<Value> named;
      const std::vector<Value>* values = &bs.values;
      if (!bs.value_names.empty()) {
        QueryParameters p;
        p.values = bs.values;
        p.value_names = bs.value_names;
        auto st = by_name(*bs.statement, p, &named);
        if (!st.is_ok()) {
          done(st);
          return;
        }
        values = &named;
      }
      auto st = batch_member_mutations(*bs.statement, *values, now, default_timestamp, &mutations);
      if (!st.is_ok()) {
        done(st);
        return;
      }
    }
    apply(std::move(mutations), std::move(done));
  }

  util::Status add_to_bulk_load(const PreparedStatement& statement,
                                const std::vector<Value>& values,
                                std::optional<int64_t> default_timestamp,
                                StoreBulkLoad& load) override {
    if (!statement.plan) return Status::invalid_argument("cql: empty bulk load statement");
    std::vector<PartitionMutation> mutations;
    MEDALLION_RETURN_IF_ERROR(
        batch_member_mutations(statement, values, now_micros(), default_timestamp, &mutations));
    for (const auto& m : mutations) MEDALLION_RETURN_IF_ERROR(load.add(m));
    return Status::ok();
  }

  Uuid schema_version() const override { return catalog_->snapshot()->version; }

 private:
  int64_t now_micros() {
    if (options_.now_micros) return options_.now_micros();
    const int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    int64_t prev = last_micros_.load();
    while (true) {
      const int64_t next = now > prev ? now : prev + 1;
      if (last_micros_.compare_exchange_weak(prev, next)) return next;
    }
  }

  util::Status by_name(const PreparedStatement& st, const QueryParameters& p,
                       std::vector<Value>* out) {
    if (p.value_names.size() != p.values.size()) {
      return Status::invalid_argument("cql: value names and values differ in number");
    }
    const auto& cols = st.result.bind_columns;
    out->assign(cols.size(), Value::not_set());
    std::vector<bool> used(cols.size(), false);
    for (size_t i = 0; i < p.values.size(); ++i) {
      bool found = false;
      for (size_t j = 0; j < cols.size(); ++j) {
        if (!used[j] && cols[j].name == p.value_names[i]) {
          used[j] = true;
          (*out)[j] = p.values[i];
          found = true;
          break;
        }
      }
      if (!found) {
        return Status::invalid_argument("cql: no bind marker named '" + p.value_names[i] + "'");
      }
    }
    return Status::ok();
  }

  void apply(std::vector<PartitionMutation> mutations, QueryCallback done) {
    if (mutations.empty()) {
      done(QueryResult(VoidResult{}));
      return;
    }
    auto shared = std::make_shared<QueryCallback>(std::move(done));
    store_->apply(std::move(mutations), [shared](util::Status st) {
      if (st.is_ok()) {
        (*shared)(QueryResult(VoidResult{}));
      } else {
        (*shared)(st);
      }
    });
  }

  util::Status check_alive(const TableSchema& t) {
    if (t.dropped->load()) {
      return Status::invalid_argument("cql: table " + t.full_name() +
                                      " was dropped since the statement was prepared: prepare it "
                                      "again");
    }
    return Status::ok();
  }

  // The mutations of one BATCH member (or bulk load statement) with its
  // positional values; `now` is the batch's clock reading.
  util::Status batch_member_mutations(const PreparedStatement& statement,
                                      const std::vector<Value>& values, int64_t now,
                                      std::optional<int64_t> default_timestamp,
                                      std::vector<PartitionMutation>* out) {
    const StatementPlan& plan = *statement.plan;
    if (plan.kind != StatementPlan::Kind::kModification &&
        plan.kind != StatementPlan::Kind::kBatch) {
      return Status::invalid_argument(
          "cql: Invalid statement in batch: only UPDATE, INSERT and DELETE statements are "
          "allowed.");
    }
    if (values.size() != plan.marker_count) {
      return Status::invalid_argument("cql: there were " + std::to_string(plan.marker_count) +
                                      " markers(?) in a batch statement but " +
                                      std::to_string(values.size()) + " values were sent");
    }
    ExecContext ctx{&values, now};
    for (const auto& m : plan.modifications) {
      if (m.if_exists || m.if_not_exists) {
        return Status::unsupported(
            "cql: conditional statements in a BATCH are not supported by the embedded server");
      }
      MEDALLION_RETURN_IF_ERROR(build_mutations(m, ctx, default_timestamp, out));
    }
    return Status::ok();
  }

  util::Status build_mutations(const ModificationPlan& m, const ExecContext& ctx,
                               std::optional<int64_t> default_ts,
                               std::vector<PartitionMutation>* out) {
    const TableSchema& t = *m.table;
    MEDALLION_RETURN_IF_ERROR(check_alive(t));
    int64_t ts = default_ts ? *default_ts : ctx.now_micros;
    if (m.timestamp) {
      MEDALLION_ASSIGN_OR_RETURN(auto r, resolve(*m.timestamp, ctx));
      if (!r.unset && !r.value)
        return Status::invalid_argument("cql: Invalid null value of timestamp");
      if (r.value) ts = read_be(*r.value);
    }
    int32_t ttl = t.default_ttl;
    if (m.ttl) {
      MEDALLION_ASSIGN_OR_RETURN(auto r, resolve(*m.ttl, ctx));
      if (r.value) {
        const int64_t v = read_be(*r.value);
        if (v < 0)
          return Status::invalid_argument("cql: A TTL must be greater or equal to 0, but was " +
                                          std::to_string(v));
        if (v > 630720000)
          return Status::invalid_argument("cql: ttl is too large. requested (" + std::to_string(v) +
                                          ") maximum (630720000)");
        ttl = static_cast<int32_t>(v);
      } else if (!r.unset) {
        ttl = 0;
      }
    }
    MEDALLION_ASSIGN_OR_RETURN(auto keys, partition_keys(t, m.where, ctx));
    // Cells, split into the clustering row and the static row.
    std::vector<CellWrite> row_cells, static_cells;
    std::vector<RmwCell> rmw;
    for (const auto& c : m.cells) {
      MEDALLION_ASSIGN_OR_RETURN(auto r, resolve(c.value, ctx));
      if (r.unset) continue;
      if (c.op != Assignment::Kind::kSet) {
        if (t.columns[c.column].kind == ColumnKind::kStatic) {
          return Status::unsupported(
              "cql: collection operations on static columns are not "
              "supported by the embedded server");
        }
        RmwCell x{&c, std::move(r.value), std::nullopt};
        if (c.key) {
          MEDALLION_ASSIGN_OR_RETURN(auto k, resolve(*c.key, ctx));
          if (!k.value) {
            return Status::invalid_argument("cql: Invalid null value for the key of column " +
                                            t.columns[c.column].name);
          }
          x.key = std::move(k.value);
        }
        rmw.push_back(std::move(x));
        continue;
      }
      CellWrite w{c.column, std::move(r.value)};
      if (t.columns[c.column].kind == ColumnKind::kStatic) {
        static_cells.push_back(std::move(w));
      } else {
        row_cells.push_back(std::move(w));
      }
    }
    for (uint32_t id : m.delete_columns) {
      CellWrite w{id, std::nullopt};
      if (t.columns[id].kind == ColumnKind::kStatic) {
        static_cells.push_back(std::move(w));
      } else {
        row_cells.push_back(std::move(w));
      }
    }
    std::vector<std::string> rows;  // encoded full clustering keys
    std::vector<ClusteringRange> ranges;
    bool delete_partition = false;
    const bool full_key = m.where.clustering_prefix.size() == t.clustering.size() &&
                          !m.where.slice_lower && !m.where.slice_upper;
    if (t.clustering.empty()) {
      rows.push_back("");
    } else if (full_key && single_values(m.where.clustering_prefix)) {
      MEDALLION_ASSIGN_OR_RETURN(auto values, single_value_views(m.where.clustering_prefix, ctx));
      auto enc = encode_clustering(t.clustering_columns, values);
      if (!enc) return Status::invalid_argument(enc.status().message());
      rows.push_back(std::move(*enc));
    } else if (full_key) {
      MEDALLION_ASSIGN_OR_RETURN(auto combos, product(m.where.clustering_prefix, ctx));
      for (const auto& c : combos) {
        auto enc = encode_clustering(t.clustering_columns, views(c));
        if (!enc) return Status::invalid_argument(enc.status().message());
        rows.push_back(std::move(*enc));
      }
    } else if (m.kind == ModificationPlan::Kind::kDelete && m.delete_columns.empty()) {
      if (m.where.clustering_prefix.empty() && !m.where.slice_lower && !m.where.slice_upper) {
        delete_partition = true;
      } else {
        MEDALLION_ASSIGN_OR_RETURN(ranges, clustering_ranges(t, m.where, ctx));
      }
    }
    // The last partition and row take the values over; others copy them
    // (one of each is the usual case).
    for (size_t k = 0; k < keys.size(); ++k) {
      const bool last_key = k + 1 == keys.size();
      PartitionMutation pm;
      pm.table = t.id;
      pm.partition_key = last_key ? std::move(keys[k]) : keys[k];
      pm.timestamp = ts;
      pm.ttl_seconds = m.kind == ModificationPlan::Kind::kDelete ? 0 : ttl;
      pm.delete_partition = delete_partition;
      pm.range_deletions = ranges;
      if (m.kind == ModificationPlan::Kind::kDelete && m.delete_columns.empty()) {
        if (!t.clustering.empty() && full_key) {
          for (const auto& r : rows) pm.rows.push_back(RowWrite{r, false, true, {}});
        } else if (t.clustering.empty()) {
          pm.delete_partition = true;
        }
      } else {
        if (!static_cells.empty()) pm.rows.push_back(RowWrite{"", false, false, static_cells});
        if (!t.clustering.empty() && !full_key) {
          // Only static columns were named.
        } else {
          for (size_t r = 0; r < rows.size(); ++r) {
            const bool last = last_key && r + 1 == rows.size();
            RowWrite rw{last ? std::move(rows[r]) : rows[r],
                        m.kind == ModificationPlan::Kind::kInsert, false,
                        last ? std::move(row_cells) : row_cells};
            for (const auto& x : rmw) {
              MEDALLION_ASSIGN_OR_RETURN(auto cell,
                                         read_modify_write(t, pm.partition_key, rw.clustering, x));
              rw.cells.push_back(std::move(cell));
            }
            if (rw.row_marker || !rw.cells.empty()) pm.rows.push_back(std::move(rw));
          }
        }
      }
      out->push_back(std::move(pm));
    }
    return Status::ok();
  }

  // The new value of a collection cell: its current value (read now)
  // combined with the operation.
  util::Result<CellWrite> read_modify_write(const TableSchema& t, const std::string& key,
                                            const std::string& clustering, const RmwCell& x) {
    const ColumnSchema& col = t.columns[x.plan->column];
    std::optional<std::string> current;
    MEDALLION_RETURN_IF_ERROR(store_->read_partition(
        t.id, key, ClusteringRange{clustering, clustering + std::string(1, '\0')}, false,
        std::nullopt, [&](const RowVisit& v) {
          if (v.row->clustering != clustering) return true;
          for (const auto& c : v.row->cells) {
            if (c.column_id == col.id) current = c.value;
          }
          return false;
        }));
    const bool is_map = col.type.id == TypeId::kMap;
    const CqlType& elem_type = col.type.params[0];
    // Entries: (key, value) for maps; (element, "") otherwise.
    std::vector<std::pair<std::string, std::string>> entries;
    auto parse = [&](const std::string& bytes, bool map,
                     std::vector<std::pair<std::string, std::string>>* out) -> Status {
      WireReader r(bytes, "collection");
      MEDALLION_ASSIGN_OR_RETURN(int32_t n, r.read_int("count"));
      for (int32_t i = 0; i < n; ++i) {
        MEDALLION_ASSIGN_OR_RETURN(auto a, r.read_bytes("element"));
        if (!a) return Status::invalid_argument("cql: null collection element");
        std::string b;
        if (map) {
          MEDALLION_ASSIGN_OR_RETURN(auto v, r.read_bytes("value"));
          if (!v) return Status::invalid_argument("cql: null map value");
          b = std::string(*v);
        }
        out->emplace_back(std::string(*a), std::move(b));
      }
      return Status::ok();
    };
    if (current) MEDALLION_RETURN_IF_ERROR(parse(*current, is_map, &entries));
    std::vector<std::pair<std::string, std::string>> operand;
    const auto op = x.plan->op;
    if (op != Assignment::Kind::kSetElement && x.value) {
      MEDALLION_RETURN_IF_ERROR(
          parse(*x.value, is_map && op != Assignment::Kind::kSubtract, &operand));
    }
    auto same = [&](const std::string& a, const std::string& b) { return a == b; };
    switch (op) {
      case Assignment::Kind::kAdd:
        for (auto& e : operand) {
          if (col.type.id != TypeId::kList) {
            std::erase_if(entries, [&](const auto& cur) { return same(cur.first, e.first); });
          }
          entries.push_back(std::move(e));
        }
        break;
      case Assignment::Kind::kPrepend:
        entries.insert(entries.begin(), operand.begin(), operand.end());
        break;
      case Assignment::Kind::kSubtract:
        for (const auto& e : operand) {
          std::erase_if(entries, [&](const auto& cur) { return same(cur.first, e.first); });
        }
        break;
      case Assignment::Kind::kSetElement: {
        if (is_map) {
          std::erase_if(entries, [&](const auto& cur) { return same(cur.first, *x.key); });
          if (x.value) entries.emplace_back(*x.key, *x.value);
        } else {
          const int64_t index = read_be(*x.key);
          if (index < 0 || index >= static_cast<int64_t>(entries.size())) {
            return Status::invalid_argument("cql: List index " + std::to_string(index) +
                                            " out of bound, list has size " +
                                            std::to_string(entries.size()));
          }
          if (x.value) {
            entries[index].first = *x.value;
          } else {
            entries.erase(entries.begin() + index);
          }
        }
        break;
      }
      case Assignment::Kind::kSet:
        break;
    }
    if (col.type.id != TypeId::kList) {
      std::stable_sort(entries.begin(), entries.end(), [&](const auto& a, const auto& b) {
        return compare_values(elem_type, a.first, b.first) < 0;
      });
    }
    if (entries.empty()) return CellWrite{col.id, std::nullopt};
    std::string out;
    WireWriter w(&out);
    w.write_int(static_cast<int32_t>(entries.size()));
    for (const auto& e : entries) {
      w.write_bytes(e.first);
      if (is_map) w.write_bytes(e.second);
    }
    return CellWrite{col.id, std::move(out)};
  }

  void run_conditional(const ModificationPlan& m, const ExecContext& ctx,
                       std::optional<int64_t> default_ts, QueryCallback done) {
    const TableSchema& t = *m.table;
    std::unique_lock lock(lwt_mutex_);
    auto exists = row_exists(m, ctx);
    if (!exists.is_ok()) {
      done(exists.status());
      return;
    }
    const bool applied = m.if_not_exists ? !*exists : *exists;
    RowsResult rows;
    rows.metadata.columns.push_back(
        ColumnSpec{t.keyspace, t.name, "[applied]", CqlType::of(TypeId::kBoolean)});
    rows.rows.push_back({std::string(1, applied ? '\1' : '\0')});
    if (!applied) {
      done(QueryResult(std::move(rows)));
      return;
    }
    std::vector<PartitionMutation> mutations;
    auto st = build_mutations(m, ctx, default_ts, &mutations);
    if (!st.is_ok()) {
      done(st);
      return;
    }
    auto shared = std::make_shared<QueryCallback>(std::move(done));
    auto result = std::make_shared<RowsResult>(std::move(rows));
    store_->apply(std::move(mutations), [shared, result](util::Status s) {
      if (s.is_ok()) {
        (*shared)(QueryResult(std::move(*result)));
      } else {
        (*shared)(s);
      }
    });
  }

  util::Result<bool> row_exists(const ModificationPlan& m, const ExecContext& ctx) {
    const TableSchema& t = *m.table;
    MEDALLION_RETURN_IF_ERROR(check_alive(t));
    MEDALLION_ASSIGN_OR_RETURN(auto keys, partition_keys(t, m.where, ctx));
    MEDALLION_ASSIGN_OR_RETURN(auto ranges, clustering_ranges(t, m.where, ctx));
    bool found = false;
    for (const auto& k : keys) {
      for (const auto& r : ranges) {
        MEDALLION_RETURN_IF_ERROR(
            store_->read_partition(t.id, k, r, false, std::nullopt, [&](const RowVisit& v) {
              if (!t.clustering.empty() && v.row->clustering.empty()) return true;
              found = true;
              return false;
            }));
        if (found) return true;
      }
    }
    return false;
  }

  util::Result<QueryResult> run_select(const PreparedStatement& st, const StatementPlan& plan,
                                       const ExecContext& ctx, const QueryParameters& params) {
    const TableSchema& t = *plan.table;
    MEDALLION_RETURN_IF_ERROR(check_alive(t));
    RowsResult rows;
    if (t.is_virtual) {
      MEDALLION_RETURN_IF_ERROR(select_virtual(t, plan.select, ctx, &rows));
    } else {
      SelectRun run(*store_, t, plan.select, ctx.now_micros / 1000000);
      MEDALLION_RETURN_IF_ERROR(run.run(ctx, params, &rows));
    }
    auto paging = std::move(rows.metadata.paging_state);
    rows.metadata = st.result.result_metadata;
    rows.metadata.paging_state = std::move(paging);
    if (params.skip_metadata) {
      rows.metadata.column_count = static_cast<int32_t>(rows.metadata.columns.size());
      rows.metadata.no_metadata = true;
      rows.metadata.columns.clear();
    }
    return QueryResult(std::move(rows));
  }

  util::Status select_virtual(const TableSchema& t, const SelectPlan& plan, const ExecContext& ctx,
                              RowsResult* out) {
    MEDALLION_ASSIGN_OR_RETURN(
        auto all, system_table_rows(t, *catalog_->snapshot(), options_, catalog_->host_id()));
    // Equalities on the key, as filters.
    std::vector<ResolvedFilter> filters;
    auto add_eq = [&](uint32_t id, const ColumnValues& cv) -> Status {
      MEDALLION_ASSIGN_OR_RETURN(auto vals, resolve_values(cv, ctx));
      filters.push_back(ResolvedFilter{id, RelationOp::kIn, std::move(vals)});
      return Status::ok();
    };
    if (plan.where.partition_restricted) {
      for (size_t i = 0; i < t.partition_key.size(); ++i) {
        MEDALLION_RETURN_IF_ERROR(add_eq(t.partition_key[i], plan.where.partition[i]));
      }
    }
    for (size_t i = 0; i < plan.where.clustering_prefix.size(); ++i) {
      MEDALLION_RETURN_IF_ERROR(add_eq(t.clustering[i], plan.where.clustering_prefix[i]));
    }
    auto slice = [&](const std::optional<SliceBound>& b, bool lower) -> Status {
      if (!b) return Status::ok();
      MEDALLION_ASSIGN_OR_RETURN(auto r, resolve(b->term, ctx));
      if (!r.value) return Status::ok();
      const uint32_t id = t.clustering[plan.where.clustering_prefix.size()];
      RelationOp op = lower ? (b->inclusive ? RelationOp::kGe : RelationOp::kGt)
                            : (b->inclusive ? RelationOp::kLe : RelationOp::kLt);
      filters.push_back(ResolvedFilter{id, op, {*r.value}});
      return Status::ok();
    };
    MEDALLION_RETURN_IF_ERROR(slice(plan.where.slice_lower, true));
    MEDALLION_RETURN_IF_ERROR(slice(plan.where.slice_upper, false));
    MEDALLION_ASSIGN_OR_RETURN(auto more, resolve_filters(plan.where, ctx));
    for (auto& f : more) filters.push_back(std::move(f));
    MEDALLION_ASSIGN_OR_RETURN(int32_t limit, resolve_limit(plan.limit, ctx, "LIMIT"));
    int64_t count = 0;
    for (const auto& row : all) {
      bool ok = true;
      for (const auto& f : filters) {
        const auto& v = row[f.column];
        ok = ok && filter_matches(f, t.columns[f.column].type,
                                  v ? std::optional<std::string_view>(*v) : std::nullopt);
      }
      if (!ok) continue;
      if (limit >= 0 && count >= limit) break;
      ++count;
      if (plan.count) continue;
      std::vector<std::optional<std::string>> out_row;
      for (const auto& s : plan.selectors) {
        if (s.kind == SelectorPlan::Kind::kColumn) {
          out_row.push_back(row[s.column]);
        } else if (s.kind == SelectorPlan::Kind::kToken) {
          std::vector<std::string_view> parts;
          for (uint32_t id : t.partition_key) parts.push_back(row[id] ? *row[id] : "");
          out_row.push_back(bigint_bytes(murmur3_token(partition_key_bytes(parts))));
        } else {
          out_row.push_back(std::nullopt);
        }
      }
      out->rows.push_back(std::move(out_row));
    }
    if (plan.count) out->rows.push_back({bigint_bytes(count)});
    return Status::ok();
  }

  util::Result<QueryResult> run_ddl(const Statement& st) {
    bool changed = false;
    if (const auto* s = std::get_if<CreateKeyspaceStatement>(&st)) {
      MEDALLION_RETURN_IF_ERROR(catalog_->create_keyspace(*s, &changed));
      if (!changed) return QueryResult(VoidResult{});
      return QueryResult(SchemaChange{
          SchemaChangeType::kCreated, SchemaChangeTarget::kKeyspace, s->keyspace, "", {}});
    }
    if (const auto* s = std::get_if<DropKeyspaceStatement>(&st)) {
      MEDALLION_RETURN_IF_ERROR(catalog_->drop_keyspace(*s, &changed));
      if (!changed) return QueryResult(VoidResult{});
      return QueryResult(SchemaChange{
          SchemaChangeType::kDropped, SchemaChangeTarget::kKeyspace, s->keyspace, "", {}});
    }
    if (const auto* s = std::get_if<CreateTableStatement>(&st)) {
      MEDALLION_RETURN_IF_ERROR(catalog_->create_table(*s, s->table.keyspace, &changed));
      if (!changed) return QueryResult(VoidResult{});
      return QueryResult(SchemaChange{SchemaChangeType::kCreated,
                                      SchemaChangeTarget::kTable,
                                      s->table.keyspace,
                                      s->table.name,
                                      {}});
    }
    if (const auto* s = std::get_if<DropTableStatement>(&st)) {
      MEDALLION_RETURN_IF_ERROR(
          catalog_->drop_table(s->table.keyspace, s->table.name, s->if_exists, &changed));
      if (!changed) return QueryResult(VoidResult{});
      return QueryResult(SchemaChange{SchemaChangeType::kDropped,
                                      SchemaChangeTarget::kTable,
                                      s->table.keyspace,
                                      s->table.name,
                                      {}});
    }
    if (const auto* s = std::get_if<TruncateStatement>(&st)) {
      auto snap = catalog_->snapshot();
      if (snap->keyspace(s->table.keyspace) == nullptr) {
        return Status::not_found("cql: Keyspace '" + s->table.keyspace + "' does not exist");
      }
      auto t = snap->table(s->table.keyspace, s->table.name);
      if (t == nullptr) {
        return Status::not_found("cql: unconfigured table " + s->table.name + " (keyspace " +
                                 s->table.keyspace + ")");
      }
      if (t->is_virtual) {
        return Status::invalid_argument("cql: system table " + t->full_name() +
                                        " cannot be truncated");
      }
      MEDALLION_RETURN_IF_ERROR(store_->delete_table_data(t->id));
      return QueryResult(VoidResult{});
    }
    return Status::internal("cql: unexpected DDL statement");
  }

  Store* store_;
  ProcessorOptions options_;
  std::unique_ptr<Catalog> catalog_;
  std::atomic<int64_t> last_micros_{0};
  std::mutex lwt_mutex_;
};

}  // namespace

util::Result<std::unique_ptr<QueryProcessor>> QueryProcessor::open(Store* store,
                                                                   ProcessorOptions options) {
  if (store == nullptr) return Status::invalid_argument("cql: no store given to the processor");
  MEDALLION_ASSIGN_OR_RETURN(auto catalog, Catalog::open(store));
  return std::unique_ptr<QueryProcessor>(
      new QueryProcessorImpl(store, std::move(options), std::move(catalog)));
}

}  // namespace medallion::cql
