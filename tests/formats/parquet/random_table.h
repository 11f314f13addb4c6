// Random Parquet tables for round-trip tests: a random schema (flat and
// nested: structs, 3-level lists, maps; optional and required at every level;
// the types medallion writes) and random rows for it (nulls, empty strings
// and lists, extreme values, multi-byte and control characters).
//
// The same seed gives the same table. Only types that DuckDB also reads back
// exactly are generated, so that the same files serve the DuckDB peer test.
#pragma once

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/parquet_schema.h"
#include "formats/parquet/value_array.h"
#include "schema_builders.h"

namespace medallion::parquet::testing {

struct RandomTable {
  std::vector<SchemaElement> schema;
  SchemaTree tree;
  RowBatch batch;
};

class RandomTableMaker {
 public:
  explicit RandomTableMaker(uint64_t seed) : rng_(seed) {}

  RandomTable make(size_t rows) {
    RandomTable t;
    const int fields = 1 + pick(6);
    SchemaElement root;
    root.name = "schema";
    root.num_children = fields;
    t.schema.push_back(root);
    for (int i = 0; i < fields; ++i) add_field(&t.schema, "c" + std::to_string(i), 0);
    auto tree = SchemaTree::make(t.schema, "random");
    if (!tree.is_ok()) std::abort();
    t.tree = std::move(tree).value();
    t.batch.num_rows = rows;
    for (size_t f = 0; f < t.tree.num_fields(); ++f) {
      t.batch.fields.push_back(f);
      t.batch.columns.push_back(make_array(t.tree.field(f), t.tree.columns(), rows, t.schema));
    }
    return t;
  }

 private:
  int pick(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }
  bool chance(int percent) { return pick(100) < percent; }

  FieldRepetitionType repetition() {
    return chance(60) ? FieldRepetitionType::kOptional : FieldRepetitionType::kRequired;
  }

  void add_field(std::vector<SchemaElement>* out, const std::string& name, int depth) {
    const int kind = depth >= 2 ? 0 : pick(10);
    if (kind <= 5) {
      add_leaf(out, name, repetition());
    } else if (kind == 6 || kind == 7) {  // struct
      const int children = 1 + pick(3);
      out->push_back(group(name, children, repetition()));
      for (int i = 0; i < children; ++i) add_field(out, name + "_f" + std::to_string(i), depth + 1);
    } else if (kind == 8) {  // LIST
      out->push_back(group(name, 1, repetition(), ConvertedType::kList));
      out->back().logical_type = LogicalType::of(LogicalTypeKind::kList);
      out->push_back(group("list", 1, FieldRepetitionType::kRepeated));
      add_field(out, "element", depth + 1);
    } else {  // MAP
      out->push_back(group(name, 1, repetition(), ConvertedType::kMap));
      out->back().logical_type = LogicalType::of(LogicalTypeKind::kMap);
      out->push_back(group("key_value", 2, FieldRepetitionType::kRepeated));
      SchemaElement key;
      key.name = "key";
      key.repetition_type = FieldRepetitionType::kRequired;
      if (chance(70)) {
        key.type = Type::kByteArray;
        key.converted_type = ConvertedType::kUtf8;
        key.logical_type = LogicalType::of(LogicalTypeKind::kString);
      } else {
        key.type = Type::kInt32;
      }
      out->push_back(key);
      add_field(out, "value", depth + 1);
    }
  }

  void add_leaf(std::vector<SchemaElement>* out, const std::string& name, FieldRepetitionType rep) {
    SchemaElement e;
    e.name = name;
    e.repetition_type = rep;
    switch (pick(17)) {
      case 0: e.type = Type::kBoolean; break;
      case 1: e.type = Type::kInt32; break;
      case 2: e.type = Type::kInt64; break;
      case 3: e.type = Type::kFloat; break;
      case 4: e.type = Type::kDouble; break;
      case 5:
      case 6:
        e.type = Type::kByteArray;
        e.converted_type = ConvertedType::kUtf8;
        e.logical_type = LogicalType::of(LogicalTypeKind::kString);
        break;
      case 7: e.type = Type::kByteArray; break;  // binary
      case 8:
        e.type = Type::kInt32;
        e.converted_type = ConvertedType::kDate;
        e.logical_type = LogicalType::of(LogicalTypeKind::kDate);
        break;
      case 9:
        e.type = Type::kInt64;
        e.converted_type = ConvertedType::kTimestampMicros;
        e.logical_type = LogicalType::timestamp(true, TimeUnit::kMicros);
        break;
      case 10:
        e.type = Type::kInt64;
        e.logical_type = LogicalType::timestamp(false, TimeUnit::kMicros);
        break;
      case 11:
        e.type = Type::kInt64;
        e.converted_type = ConvertedType::kTimestampMillis;
        e.logical_type = LogicalType::timestamp(true, TimeUnit::kMillis);
        break;
      case 12:
        e.type = Type::kInt32;
        e.converted_type = ConvertedType::kDecimal;
        e.precision = 9;
        e.scale = 2;
        e.logical_type = LogicalType::decimal(2, 9);
        break;
      case 13:
        e.type = Type::kInt64;
        e.converted_type = ConvertedType::kDecimal;
        e.precision = 18;
        e.scale = 4;
        e.logical_type = LogicalType::decimal(4, 18);
        break;
      case 14:
        e.type = Type::kFixedLenByteArray;
        e.type_length = 16;
        e.logical_type = LogicalType::of(LogicalTypeKind::kUuid);
        break;
      case 15:
        e.type = Type::kInt32;
        e.converted_type = ConvertedType::kInt16;
        e.logical_type = LogicalType::integer(16, true);
        break;
      default:
        e.type = Type::kFixedLenByteArray;
        e.type_length = 8;
        e.converted_type = ConvertedType::kDecimal;
        e.precision = 18;
        e.scale = 3;
        e.logical_type = LogicalType::decimal(3, 18);
        break;
    }
    out->push_back(e);
  }

  bool nullable(const ValueNode& node, const std::vector<SchemaElement>& schema) const {
    return schema[node.schema_index].repetition_type == FieldRepetitionType::kOptional;
  }

  ValueArray make_array(const ValueNode& node, const std::vector<ColumnDescriptor>& columns,
                        size_t length, const std::vector<SchemaElement>& schema) {
    ValueArray a = make_empty_array(node, columns);
    a.length = length;
    const int null_percent = nullable(node, schema) ? pick(4) * 15 : 0;  // 0, 15, 30 or 45
    if (null_percent > 0) {
      a.validity.resize(length);
      for (auto& v : a.validity) v = !chance(null_percent);
    }
    switch (node.kind) {
      case ValueKind::kLeaf: {
        const ColumnDescriptor& c = columns[static_cast<size_t>(node.leaf)];
        for (size_t i = 0; i < length; ++i) {
          if (a.is_null(i)) {
            a.values.append_zero();
          } else {
            append_random(c, &a.values);
          }
        }
        break;
      }
      case ValueKind::kStruct:
        for (size_t i = 0; i < node.children.size(); ++i) {
          a.children[i] = make_array(node.children[i], columns, length, schema);
        }
        break;
      case ValueKind::kList:
      case ValueKind::kMap: {
        int64_t total = 0;
        for (size_t i = 0; i < length; ++i) {
          if (!a.is_null(i)) total += chance(20) ? 0 : pick(4);
          a.offsets.push_back(total);
        }
        for (size_t i = 0; i < node.children.size(); ++i) {
          a.children[i] = make_array(node.children[i], columns, static_cast<size_t>(total), schema);
        }
        if (node.kind == ValueKind::kMap) unique_keys(&a, columns, node);
        break;
      }
    }
    return a;
  }

  // Map keys must be unique within a map (DuckDB rejects duplicates).
  void unique_keys(ValueArray* map, const std::vector<ColumnDescriptor>& columns, const ValueNode& node) {
    ValueArray& keys = map->children[0];
    const ColumnDescriptor& c = columns[static_cast<size_t>(node.children[0].leaf)];
    LeafValues fresh(c.physical_type);
    for (size_t i = 0; i + 1 < map->offsets.size(); ++i) {
      for (int64_t k = map->offsets[i]; k < map->offsets[i + 1]; ++k) {
        const int64_t ordinal = k - map->offsets[i];
        if (c.physical_type == Type::kInt32) {
          fresh.i32.push_back(static_cast<int32_t>(ordinal * 1000 + pick(1000)));
        } else {
          fresh.bytes.append("k" + std::to_string(ordinal) + random_string(4));
        }
      }
    }
    keys.values = std::move(fresh);
  }

  std::string random_string(int max_len) {
    static const char* const kPieces[] = {"a", "Z", "0", " ", "é", "€", "😀", "\"", "\\", "\n", "\t", "\x01", "/"};
    std::string s;
    const int n = pick(max_len + 1);
    for (int i = 0; i < n; ++i) s += kPieces[pick(13)];
    return s;
  }

  void append_random(const ColumnDescriptor& c, LeafValues* v) {
    const bool extreme = chance(10);
    const auto& lt = c.logical_type;
    switch (c.physical_type) {
      case Type::kBoolean: v->bools.push_back(chance(50)); break;
      case Type::kInt32: {
        int32_t x = static_cast<int32_t>(rng_());
        if (lt && lt->kind == LogicalTypeKind::kDate) {
          x = static_cast<int32_t>(pick(200000)) - 100000;
        } else if (lt && lt->kind == LogicalTypeKind::kDecimal) {
          x = static_cast<int32_t>(pick(1999999999)) - 999999999;
        } else if (lt && lt->kind == LogicalTypeKind::kInteger) {
          x = static_cast<int16_t>(rng_());
        } else if (extreme) {
          x = chance(50) ? std::numeric_limits<int32_t>::min() : std::numeric_limits<int32_t>::max();
        }
        v->i32.push_back(x);
        break;
      }
      case Type::kInt64: {
        int64_t x = static_cast<int64_t>(rng_());
        if (lt && lt->kind == LogicalTypeKind::kTimestamp) {
          // Years 1677..2262 fit every unit DuckDB reads.
          x = static_cast<int64_t>(rng_() % 18'000'000'000'000'000ull) - 9'000'000'000'000'000ll;
          if (lt->unit == TimeUnit::kMillis) x /= 1000;
        } else if (lt && lt->kind == LogicalTypeKind::kDecimal) {
          x = static_cast<int64_t>(rng_() % 1'999'999'999'999'999'999ull) - 999'999'999'999'999'999ll;
        } else if (extreme) {
          x = chance(50) ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
        }
        v->i64.push_back(x);
        break;
      }
      case Type::kFloat: {
        float x = static_cast<float>(static_cast<int32_t>(rng_() % 2000000) - 1000000) / 64.0f;
        if (extreme) {
          const float specials[] = {0.0f, -0.0f, std::numeric_limits<float>::max(),
                                    std::numeric_limits<float>::lowest(), std::numeric_limits<float>::denorm_min(),
                                    std::numeric_limits<float>::infinity(), 1e-7f, 3.14159f};
          x = specials[pick(8)];
        }
        v->f32.push_back(x);
        break;
      }
      case Type::kDouble: {
        double x = static_cast<double>(static_cast<int64_t>(rng_() % 2000000000) - 1000000000) / 1024.0;
        if (extreme) {
          const double specials[] = {0.0, -0.0, std::numeric_limits<double>::max(),
                                     std::numeric_limits<double>::lowest(), std::numeric_limits<double>::denorm_min(),
                                     -std::numeric_limits<double>::infinity(), 1e21, 0.1};
          x = specials[pick(8)];
        }
        v->f64.push_back(x);
        break;
      }
      case Type::kByteArray: {
        if (c.converted_type == ConvertedType::kUtf8) {
          v->bytes.append(chance(30) ? "v" + std::to_string(pick(5)) : random_string(12));
        } else {
          std::string b;
          const int n = pick(9);
          for (int i = 0; i < n; ++i) b.push_back(static_cast<char>(rng_()));
          v->bytes.append(b);
        }
        break;
      }
      case Type::kFixedLenByteArray: {
        std::string b;
        for (int i = 0; i < c.type_length; ++i) b.push_back(static_cast<char>(rng_()));
        if (lt && lt->kind == LogicalTypeKind::kDecimal) {
          // 8 bytes of a value within 18 digits.
          int64_t x = static_cast<int64_t>(rng_() % 1'999'999'999'999'999'999ull) - 999'999'999'999'999'999ll;
          for (int i = 0; i < 8; ++i) b[static_cast<size_t>(7 - i)] = static_cast<char>(x >> (8 * i));
        }
        v->bytes.append(b);
        break;
      }
      case Type::kInt96: v->i96.push_back(Int96{}); break;
    }
  }

  std::mt19937_64 rng_;
};

}  // namespace medallion::parquet::testing
