#include "formats/parquet/record_assembler.h"

#include <fmt/format.h>

namespace medallion::parquet {
namespace {

using util::Result;
using util::Status;

using Slots = std::vector<uint32_t>;

class Assembler {
 public:
  Assembler(const std::vector<ColumnDescriptor>& columns, const std::string& path)
      : columns_(columns), path_(path) {}

  Status corrupt(const ColumnDescriptor& column, std::string_view what) const {
    return Status::corruption(fmt::format("parquet: {} ({}, column {}): the file is corrupt", what,
                                          path_, column.dotted_path()));
  }

  // Walks from `node` (whose slots in chunk's stream are `slots`) to leaf
  // `target`, filling `array`'s structure when `fill` is set.
  Status descend(const ValueNode& node, ValueArray& array, ColumnChunkData& chunk, const Slots& slots,
                 int target, bool fill) {
    const ColumnDescriptor& column = columns_[static_cast<size_t>(target)];
    const int16_t* def = chunk.def_levels.empty() ? nullptr : chunk.def_levels.data();
    if (fill) {
      array.length = slots.size();
      if (def != nullptr && node.def_level > 0) {
        bool any_null = false;
        for (uint32_t e : slots) any_null |= def[e] < node.def_level;
        if (any_null) {
          array.validity.resize(slots.size());
          for (size_t s = 0; s < slots.size(); ++s) array.validity[s] = def[slots[s]] >= node.def_level;
        }
      }
    } else if (array.length != slots.size()) {
      return corrupt(column, fmt::format("the leaf has {} values of '{}' where its sibling columns have {}",
                                         slots.size(), node.name, array.length));
    }
    switch (node.kind) {
      case ValueKind::kLeaf:
        fill_leaf(array, chunk, slots, column);
        return Status::ok();
      case ValueKind::kStruct:
        for (size_t i = 0; i < node.children.size(); ++i) {
          const ValueNode& child = node.children[i];
          if (target >= child.first_leaf && target < child.first_leaf + child.num_leaves) {
            return descend(child, array.children[i], chunk, slots, target, child.first_leaf == target);
          }
        }
        return Status::internal("parquet: record assembly lost its leaf");
      case ValueKind::kList:
      case ValueKind::kMap: {
        Slots elements;
        std::vector<int64_t> offsets;
        MEDALLION_RETURN_IF_ERROR(find_elements(node, chunk, slots, column, &elements, fill ? &offsets : nullptr));
        if (fill) array.offsets = std::move(offsets);
        for (size_t i = 0; i < node.children.size(); ++i) {
          const ValueNode& child = node.children[i];
          if (target >= child.first_leaf && target < child.first_leaf + child.num_leaves) {
            return descend(child, array.children[i], chunk, elements, target, child.first_leaf == target);
          }
        }
        return Status::internal("parquet: record assembly lost its leaf");
      }
    }
    return Status::ok();
  }

  Status find_elements(const ValueNode& node, const ColumnChunkData& chunk, const Slots& slots,
                       const ColumnDescriptor& column, Slots* elements, std::vector<int64_t>* offsets) {
    const size_t n = chunk.num_levels;
    const int16_t* def = chunk.def_levels.data();
    const int16_t* rep = chunk.rep_levels.data();
    if (chunk.rep_levels.empty() || chunk.def_levels.empty()) {
      return corrupt(column, "a repeated column without repetition or definition levels");
    }
    if (offsets != nullptr) {
      offsets->reserve(slots.size() + 1);
      offsets->push_back(0);
    }
    for (uint32_t start : slots) {
      if (def[start] >= node.element_def_level) {
        elements->push_back(start);
        for (size_t k = start + 1; k < n && rep[k] > node.rep_level; ++k) {
          if (rep[k] == node.element_rep_level) elements->push_back(static_cast<uint32_t>(k));
        }
      }
      if (offsets != nullptr) offsets->push_back(static_cast<int64_t>(elements->size()));
    }
    return Status::ok();
  }

  // descend() for a top-level leaf whose slots are all the entries.
  static void fill_flat_leaf(const ValueNode& node, ValueArray& array, ColumnChunkData& chunk,
                             const ColumnDescriptor& column) {
    const size_t n = chunk.num_levels;
    array.length = n;
    LeafValues& from = chunk.values;
    if (chunk.def_levels.empty() || from.size() == n) {
      array.values = std::move(from);
      return;
    }
    const int16_t* def = chunk.def_levels.data();
    if (node.def_level > 0) {
      array.validity.resize(n);
      uint8_t* validity = array.validity.data();
      for (size_t e = 0; e < n; ++e) validity[e] = def[e] >= node.def_level;
    }
    spread_values(from, def, column.max_def_level, n, &array.values);
  }

  static void fill_leaf(ValueArray& array, ColumnChunkData& chunk, const Slots& slots,
                        const ColumnDescriptor& column) {
    LeafValues& from = chunk.values;
    const int16_t max_def = column.max_def_level;
    const int16_t* def = chunk.def_levels.empty() ? nullptr : chunk.def_levels.data();
    // A flat column whose every entry holds a value: the values as they are.
    if (slots.size() == chunk.num_levels && from.size() == chunk.num_levels) {
      array.values = std::move(from);
      return;
    }
    // Every entry is a slot (slots are increasing entries, so they are
    // 0..n-1), some of them null: the values spread out to their slots.
    if (slots.size() == chunk.num_levels && def != nullptr) {
      spread_values(from, def, max_def, chunk.num_levels, &array.values);
      return;
    }
    LeafValues out(from.type);
    out.reserve(slots.size());
    size_t e = 0;
    size_t vi = 0;  // index of the value of entry e
    for (uint32_t slot : slots) {
      for (; e < slot; ++e) vi += def == nullptr || def[e] == max_def;
      const bool present = def == nullptr || def[slot] == max_def;
      if (present) {
        append_value(from, vi, &out);
      } else {
        out.append_zero();
      }
    }
    array.values = std::move(out);
  }

  // out gets n slots: slot e holds the next value of `from` when def[e] ==
  // max_def, else zero / empty. `from` holds exactly the values called for
  // (the chunk decoder checked the count against the levels); its strings'
  // bytes move over as they are, since a null's slot adds none.
  template <typename T>
  static void spread(const std::vector<T>& from, const int16_t* def, int16_t max_def, size_t n,
                     std::vector<T>* out) {
    out->assign(n, T{});
    T* to = out->data();
    size_t vi = 0;
    for (size_t e = 0; e < n; ++e) {
      if (def[e] == max_def) to[e] = from[vi++];
    }
  }

  static void spread_values(LeafValues& from, const int16_t* def, int16_t max_def, size_t n,
                            LeafValues* out) {
    *out = LeafValues(from.type);
    switch (from.type) {
      case Type::kBoolean: spread(from.bools, def, max_def, n, &out->bools); break;
      case Type::kInt32: spread(from.i32, def, max_def, n, &out->i32); break;
      case Type::kInt64: spread(from.i64, def, max_def, n, &out->i64); break;
      case Type::kInt96: spread(from.i96, def, max_def, n, &out->i96); break;
      case Type::kFloat: spread(from.f32, def, max_def, n, &out->f32); break;
      case Type::kDouble: spread(from.f64, def, max_def, n, &out->f64); break;
      case Type::kByteArray:
      case Type::kFixedLenByteArray: {
        const uint64_t* from_offsets = from.bytes.offsets.data();
        const uint64_t first = from_offsets[0];
        out->bytes.offsets.resize(n + 1);
        uint64_t* to = out->bytes.offsets.data();
        to[0] = 0;
        size_t vi = 0;
        for (size_t e = 0; e < n; ++e) {
          vi += def[e] == max_def;
          to[e + 1] = from_offsets[vi] - first;
        }
        if (first == 0) {
          out->bytes.data = std::move(from.bytes.data);
        } else {
          out->bytes.data = from.bytes.data.substr(static_cast<size_t>(first));
        }
        out->bytes.data.resize(static_cast<size_t>(to[n]));
        break;
      }
    }
  }

  static void append_value(const LeafValues& from, size_t i, LeafValues* out) {
    switch (from.type) {
      case Type::kBoolean: out->bools.push_back(from.bools[i]); break;
      case Type::kInt32: out->i32.push_back(from.i32[i]); break;
      case Type::kInt64: out->i64.push_back(from.i64[i]); break;
      case Type::kInt96: out->i96.push_back(from.i96[i]); break;
      case Type::kFloat: out->f32.push_back(from.f32[i]); break;
      case Type::kDouble: out->f64.push_back(from.f64[i]); break;
      case Type::kByteArray:
      case Type::kFixedLenByteArray: out->bytes.append(from.bytes.value(i)); break;
    }
  }

 private:
  const std::vector<ColumnDescriptor>& columns_;
  const std::string& path_;
};

}  // namespace

util::Result<ValueArray> assemble_field(const ValueNode& field,
                                        const std::vector<ColumnDescriptor>& columns,
                                        std::vector<ColumnChunkData>& chunks, size_t num_rows,
                                        const std::string& path_for_errors) {
  Assembler assembler(columns, path_for_errors);
  ValueArray array = make_empty_array(field, columns);
  if (chunks.size() != static_cast<size_t>(field.num_leaves)) {
    return Status::internal("parquet: assemble_field needs one chunk per leaf");
  }
  for (int i = 0; i < field.num_leaves; ++i) {
    const int leaf = field.first_leaf + i;
    const ColumnDescriptor& column = columns[static_cast<size_t>(leaf)];
    ColumnChunkData& chunk = chunks[static_cast<size_t>(i)];
    Slots records;
    if (chunk.num_levels > UINT32_MAX) {
      return assembler.corrupt(column, "more than 2^32 values in one column chunk");
    }
    if (field.kind == ValueKind::kLeaf && chunk.rep_levels.empty()) {
      // A top-level leaf: its slots are the entries 0..num_rows-1, with no
      // list of them to build.
      if (chunk.num_levels != num_rows) {
        return assembler.corrupt(column, fmt::format("{} values in a row group of {} rows",
                                                     chunk.num_levels, num_rows));
      }
      Assembler::fill_flat_leaf(field, array, chunk, column);
      continue;
    }
    if (chunk.rep_levels.empty()) {
      if (chunk.num_levels != num_rows) {
        return assembler.corrupt(column, fmt::format("{} values in a row group of {} rows",
                                                     chunk.num_levels, num_rows));
      }
      records.resize(num_rows);
      for (size_t r = 0; r < num_rows; ++r) records[r] = static_cast<uint32_t>(r);
    } else {
      records.reserve(num_rows);
      for (size_t e = 0; e < chunk.num_levels; ++e) {
        if (chunk.rep_levels[e] == 0) records.push_back(static_cast<uint32_t>(e));
      }
      if (records.size() != num_rows || (chunk.num_levels > 0 && chunk.rep_levels[0] != 0)) {
        return assembler.corrupt(column, fmt::format("{} records in a row group of {} rows",
                                                     records.size(), num_rows));
      }
    }
    MEDALLION_RETURN_IF_ERROR(assembler.descend(field, array, chunk, records, leaf, i == 0));
  }
  return array;
}

}  // namespace medallion::parquet
