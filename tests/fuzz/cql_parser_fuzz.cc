// Fuzzes the CQL parser with arbitrary statement text: parse_statement and
// parse_type must return a Status or a syntax tree, never crash, hang or
// allocate without bound. Whatever parses is walked (every term, relation
// and property) and compared with itself, and its bind markers must be
// numbered 0, 1, ... in the order the tree holds them.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "cql/engine/parser.h"

namespace {

using namespace medallion::cql;  // NOLINT

void check(bool ok) {
  if (!ok) std::abort();
}

// Counts bind markers (checking each index is below `limit`) and nesting.
size_t walk(const Term& t, size_t limit, int depth) {
  check(depth <= kMaxNestingDepth + 1);
  if (const auto* m = std::get_if<BindMarker>(&t.value)) {
    check(m->index >= 0 && static_cast<size_t>(m->index) < limit);
    return 1;
  }
  size_t n = 0;
  if (const auto* c = std::get_if<CollectionLiteral>(&t.value)) {
    if (c->kind == CollectionLiteral::Kind::kMap) check(c->elements.size() % 2 == 0);
    for (const auto& e : c->elements) n += walk(e, limit, depth + 1);
  } else if (const auto* f = std::get_if<FunctionCall>(&t.value)) {
    check(!f->name.empty());
    for (const auto& e : f->args) n += walk(e, limit, depth + 1);
  }
  return n;
}

size_t walk_relations(const std::vector<Relation>& rels, size_t limit) {
  size_t n = 0;
  for (const auto& r : rels) {
    check(!r.columns.empty() || r.target == Relation::Target::kToken);
    if (r.in_marker) check(r.values.size() == 1);
    for (const auto& v : r.values) n += walk(v, limit, 0);
  }
  return n;
}

size_t walk_using(const UsingClause& u, size_t limit) {
  return (u.ttl ? walk(*u.ttl, limit, 0) : 0) + (u.timestamp ? walk(*u.timestamp, limit, 0) : 0);
}

size_t walk_modification(const ModificationStatement& m, size_t limit) {
  size_t n = 0;
  if (const auto* ins = std::get_if<InsertStatement>(&m)) {
    check(ins->columns.size() == ins->values.size());
    for (const auto& v : ins->values) n += walk(v, limit, 0);
    n += walk_using(ins->using_clause, limit);
  } else if (const auto* up = std::get_if<UpdateStatement>(&m)) {
    n += walk_using(up->using_clause, limit);
    for (const auto& a : up->assignments) {
      if (a.key) n += walk(*a.key, limit, 0);
      n += walk(a.value, limit, 0);
    }
    n += walk_relations(up->where, limit);
    for (const auto& c : up->conditions) n += walk(c.value, limit, 0);
  } else if (const auto* del = std::get_if<DeleteStatement>(&m)) {
    n += walk_using(del->using_clause, limit);
    n += walk_relations(del->where, limit);
    for (const auto& c : del->conditions) n += walk(c.value, limit, 0);
  }
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = parse_statement(text);
  if (parsed.is_ok()) {
    const ParsedStatement& p = *parsed;
    check(p == p);
    const size_t limit = p.bind_markers.size();
    size_t markers = 0;
    const Statement& st = p.statement;
    if (const auto* sel = std::get_if<SelectStatement>(&st)) {
      markers += walk_relations(sel->where, limit);
      if (sel->per_partition_limit) markers += walk(*sel->per_partition_limit, limit, 0);
      if (sel->limit) markers += walk(*sel->limit, limit, 0);
    } else if (const auto* b = std::get_if<BatchQuery>(&st)) {
      markers += walk_using(b->using_clause, limit);
      for (const auto& m : b->statements) markers += walk_modification(m, limit);
    } else if (const auto* ins = std::get_if<InsertStatement>(&st)) {
      markers += walk_modification(*ins, limit);
    } else if (const auto* up = std::get_if<UpdateStatement>(&st)) {
      markers += walk_modification(*up, limit);
    } else if (const auto* del = std::get_if<DeleteStatement>(&st)) {
      markers += walk_modification(*del, limit);
    } else if (const auto* ct = std::get_if<CreateTableStatement>(&st)) {
      check(!ct->partition_key.empty());
      for (const auto& c : ct->columns) {
        auto again = parse_type(c.type.cql);
        check(again.is_ok() && again->type == c.type.type);
      }
    }
    check(markers == limit);
  } else {
    check(!parsed.status().message().empty());
  }
  // The same bytes as a type.
  auto type = parse_type(text.substr(0, 4096));
  if (type.is_ok()) {
    auto again = parse_type(type->cql);
    check(again.is_ok() && again->type == type->type);
  }
  return 0;
}
