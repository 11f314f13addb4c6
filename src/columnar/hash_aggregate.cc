#include "columnar/hash_aggregate.h"

#include <fmt/format.h>

#include <cmath>
#include <functional>
#include <optional>
#include <string_view>
#include <type_traits>

#include "columnar/row_key.h"
#include "columnar/take.h"
#include "util/thread_pool.h"

namespace medallion::columnar {

namespace {

constexpr uint32_t kNoGroup = 0xffffffffu;
constexpr size_t kInitialSlots = 256;
// Grouping prefetches in stages, as the join's probe does: the slot of the
// row this far ahead, then the key values of the row in the slot of the row
// half as far ahead, then its string bytes. (The table changes meanwhile:
// these are only hints.)
constexpr size_t kPrefetchDistance = 16;
constexpr size_t kKeyPrefetchDistance = kPrefetchDistance / 2;
constexpr size_t kStringPrefetchDistance = kPrefetchDistance / 4;
// Inputs of at least this many rows compute their output columns at once on
// the CPU pool; smaller ones are not worth the hand-over.
constexpr size_t kParallelRows = 65536;

struct Slot {
  uint32_t tag = 0;
  uint32_t group = kNoGroup;
  uint32_t row = 0;  // the group's first row
};

// Open addressing over group ids, load <= 1/2, doubling as groups arrive.
class GroupTable {
 public:
  GroupTable() : slots_(kInitialSlots), mask_(kInitialSlots - 1) {}

  const Slot* slots() const { return slots_.data(); }
  uint64_t mask() const { return mask_; }

  // Places a new group in an empty slot at or after the hash's home slot.
  void insert(uint64_t hash, uint32_t group, uint32_t row) {
    uint64_t pos = hash & mask_;
    while (slots_[pos].group != kNoGroup) pos = (pos + 1) & mask_;
    slots_[pos] = Slot{static_cast<uint32_t>(hash >> 32), group, row};
  }

  void grow_if_needed(const std::vector<uint64_t>& group_hashes, const std::vector<int64_t>& first_rows) {
    const size_t groups = first_rows.size();
    if (groups * 2 <= slots_.size()) return;
    slots_.assign(slots_.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    for (size_t g = 0; g < groups; ++g) {
      insert(group_hashes[g], static_cast<uint32_t>(g), static_cast<uint32_t>(first_rows[g]));
    }
  }

 private:
  std::vector<Slot> slots_;
  uint64_t mask_;
};

util::Status check_rows(const RecordBatch& input) {
  if (input.num_rows() >= kNoGroup) {
    return util::Status::invalid_argument(
        fmt::format("columnar: cannot aggregate {} rows at once (at most {}): split the input",
                    input.num_rows(), kNoGroup - 1));
  }
  return util::Status::ok();
}

util::Status check_column(const RecordBatch& input, size_t column, std::string_view role,
                          const std::string& aggregate) {
  if (column >= input.num_columns()) {
    return util::Status::invalid_argument(fmt::format(
        "columnar: {} column {} of aggregate '{}' is out of range (the input has {} columns): "
        "pass indices of existing columns",
        role, column, aggregate, input.num_columns()));
  }
  return util::Status::ok();
}

// Strict "x orders before y" over non-null values (see the header).
struct DoubleLess {
  bool operator()(double x, double y) const {
    if (std::isnan(y)) return !std::isnan(x);
    return x < y;  // false when x is NaN and y is not
  }
};

// best[g]: the first row of group g whose value is least (greatest when
// `greatest`) among its non-null values; `value(r)` reads row r. The
// current best value of each group is kept beside it, so that comparisons
// read the input only in row order.
template <typename T, typename ValueFn, typename Less>
void best_rows_typed(const uint8_t* valid, const std::vector<uint32_t>& group_of, bool greatest,
                     ValueFn value, Less less, std::vector<int64_t>* best) {
  std::vector<T> current(best->size());
  int64_t* out = best->data();
  T* cur = current.data();
  for (size_t r = 0; r < group_of.size(); ++r) {
    if (valid != nullptr && valid[r] == 0) continue;
    const uint32_t g = group_of[r];
    const T x = value(r);
    if (out[g] < 0 || (greatest ? less(cur[g], x) : less(x, cur[g]))) {
      out[g] = static_cast<int64_t>(r);
      cur[g] = x;
    }
  }
}

void best_rows(const Column& key, const std::vector<uint32_t>& group_of, bool greatest,
               std::vector<int64_t>* best) {
  const uint8_t* valid = key.validity().empty() ? nullptr : key.validity().data();
  switch (key.type()) {
    case DataType::kBool: {
      const uint8_t* v = key.bool_values().data();
      best_rows_typed<uint8_t>(valid, group_of, greatest, [v](size_t r) { return v[r]; }, std::less<>(), best);
      break;
    }
    case DataType::kInt32:
    case DataType::kDate: {
      const int32_t* v = key.int32_values().data();
      best_rows_typed<int32_t>(valid, group_of, greatest, [v](size_t r) { return v[r]; }, std::less<>(), best);
      break;
    }
    case DataType::kInt64:
    case DataType::kTimestamp: {
      const int64_t* v = key.int64_values().data();
      best_rows_typed<int64_t>(valid, group_of, greatest, [v](size_t r) { return v[r]; }, std::less<>(), best);
      break;
    }
    case DataType::kDouble: {
      const double* v = key.double_values().data();
      best_rows_typed<double>(valid, group_of, greatest, [v](size_t r) { return v[r]; }, DoubleLess(), best);
      break;
    }
    case DataType::kString: {
      const uint64_t* off = key.string_offsets().data();
      const char* chars = key.string_chars().data();
      // char_traits<char> compares as unsigned char.
      best_rows_typed<std::string_view>(
          valid, group_of, greatest,
          [off, chars](size_t r) { return std::string_view(chars + off[r], off[r + 1] - off[r]); },
          std::less<>(), best);
      break;
    }
  }
}

void first_rows_of(const Column& column, const std::vector<uint32_t>& group_of,
                   std::vector<int64_t>* best) {
  const uint8_t* valid = column.validity().empty() ? nullptr : column.validity().data();
  int64_t* out = best->data();
  for (size_t r = 0; r < group_of.size(); ++r) {
    if (valid != nullptr && valid[r] == 0) continue;
    if (out[group_of[r]] < 0) out[group_of[r]] = static_cast<int64_t>(r);
  }
}

template <typename Acc, typename T>
void sum_into(const std::vector<T>& values, const uint8_t* valid, const std::vector<uint32_t>& group_of,
              std::vector<Acc>* sums, std::vector<uint8_t>* seen) {
  Acc* s = sums->data();
  uint8_t* any = seen->data();
  for (size_t r = 0; r < group_of.size(); ++r) {
    if (valid != nullptr && valid[r] == 0) continue;
    const uint32_t g = group_of[r];
    if constexpr (std::is_same_v<Acc, double>) {
      s[g] += values[r];
    } else {
      // Wraps instead of overflowing (unsigned arithmetic).
      s[g] += static_cast<uint64_t>(static_cast<int64_t>(values[r]));
    }
    any[g] = 1;
  }
}

util::Result<Field> output_field(const Schema& schema, const Aggregate& a) {
  switch (a.kind) {
    case AggregateKind::kCount:
    case AggregateKind::kCountValid: return Field{a.name, DataType::kInt64, false, {}};
    case AggregateKind::kMin:
    case AggregateKind::kMax:
    case AggregateKind::kFirst:
    case AggregateKind::kMinBy:
    case AggregateKind::kMaxBy: return Field{a.name, schema.field(a.column).type, true, {}};
    case AggregateKind::kSum: {
      const Field& in = schema.field(a.column);
      switch (in.type) {
        case DataType::kInt32:
        case DataType::kInt64: return Field{a.name, DataType::kInt64, true, {}};
        case DataType::kDouble: return Field{a.name, DataType::kDouble, true, {}};
        default:
          return util::Status::invalid_argument(fmt::format(
              "columnar: cannot sum column {} '{}' of type {} (aggregate '{}'): "
              "sum int, long or double columns",
              a.column, in.name, data_type_name(in.type), a.name));
      }
    }
  }
  return util::Status::internal(fmt::format("columnar: unknown aggregate kind for '{}'", a.name));
}

// The column of one aggregate over the groups of group_of.
Column aggregate_column(const RecordBatch& input, const Aggregate& a,
                        const std::vector<uint32_t>& group_of, size_t groups) {
  std::vector<int64_t> best;
  switch (a.kind) {
    case AggregateKind::kCount:
    case AggregateKind::kCountValid: {
      std::vector<int64_t> counts(groups, 0);
      const Column* col = a.kind == AggregateKind::kCount ? nullptr : &input.column(a.column);
      const uint8_t* valid =
          col == nullptr || col->validity().empty() ? nullptr : col->validity().data();
      for (size_t r = 0; r < group_of.size(); ++r) {
        counts[group_of[r]] += (valid == nullptr || valid[r] != 0) ? 1 : 0;
      }
      Column out(DataType::kInt64);
      out.reserve(groups);
      for (const int64_t n : counts) out.append_int64(n);
      return out;
    }
    case AggregateKind::kMin:
    case AggregateKind::kMax:
      best.assign(groups, kNullRow);
      best_rows(input.column(a.column), group_of, a.kind == AggregateKind::kMax, &best);
      return take(input.column(a.column), best);
    case AggregateKind::kMinBy:
    case AggregateKind::kMaxBy:
      best.assign(groups, kNullRow);
      best_rows(input.column(a.by), group_of, a.kind == AggregateKind::kMaxBy, &best);
      return take(input.column(a.column), best);
    case AggregateKind::kFirst:
      best.assign(groups, kNullRow);
      first_rows_of(input.column(a.column), group_of, &best);
      return take(input.column(a.column), best);
    case AggregateKind::kSum: {
      const Column& col = input.column(a.column);
      const uint8_t* valid = col.validity().empty() ? nullptr : col.validity().data();
      std::vector<uint8_t> seen(groups, 0);
      if (col.type() == DataType::kDouble) {
        std::vector<double> sums(groups, 0.0);
        sum_into(col.double_values(), valid, group_of, &sums, &seen);
        Column out(DataType::kDouble);
        out.reserve(groups);
        for (size_t g = 0; g < groups; ++g) {
          if (seen[g] != 0) {
            out.append_double(sums[g]);
          } else {
            out.append_null();
          }
        }
        return out;
      }
      std::vector<uint64_t> sums(groups, 0);
      if (col.type() == DataType::kInt32) {
        sum_into(col.int32_values(), valid, group_of, &sums, &seen);
      } else {
        sum_into(col.int64_values(), valid, group_of, &sums, &seen);
      }
      Column out(DataType::kInt64);
      out.reserve(groups);
      for (size_t g = 0; g < groups; ++g) {
        if (seen[g] != 0) {
          out.append_int64(static_cast<int64_t>(sums[g]));
        } else {
          out.append_null();
        }
      }
      return out;
    }
  }

  return Column(DataType::kInt64);  // not reached: every kind returns above
}

}  // namespace

util::Status assign_groups(const RecordBatch& input, const std::vector<size_t>& group_by,
                           std::vector<uint32_t>* group_of, std::vector<int64_t>* first_rows) {
  MEDALLION_RETURN_IF_ERROR(check_rows(input));
  MEDALLION_ASSIGN_OR_RETURN(const RowKeys keys, RowKeys::make(input, group_by));
  const size_t rows = input.num_rows();
  first_rows->clear();
  if (group_by.empty()) {
    group_of->assign(rows, 0);
    if (rows > 0) first_rows->push_back(0);
    return util::Status::ok();
  }
  group_of->resize(rows);
  std::vector<uint64_t> hashes;
  keys.hash_rows(&hashes);
  std::vector<uint64_t> group_hashes;
  GroupTable table;
  uint32_t* out = group_of->data();
  const bool strings = keys.has_strings();
  for (size_t r = 0; r < rows; ++r) {
    const Slot* slots = table.slots();
    const uint64_t mask = table.mask();
    if (r + kPrefetchDistance < rows) __builtin_prefetch(&slots[hashes[r + kPrefetchDistance] & mask]);
    if (r + kKeyPrefetchDistance < rows) {
      const Slot& ahead = slots[hashes[r + kKeyPrefetchDistance] & mask];
      if (ahead.group != kNoGroup) keys.prefetch(ahead.row);
    }
    if (strings && r + kStringPrefetchDistance < rows) {
      const Slot& ahead = slots[hashes[r + kStringPrefetchDistance] & mask];
      if (ahead.group != kNoGroup) keys.prefetch_strings(ahead.row);
    }
    const uint64_t h = hashes[r];
    const auto tag = static_cast<uint32_t>(h >> 32);
    uint64_t pos = h & mask;
    uint32_t group = kNoGroup;
    while (true) {
      const Slot& s = slots[pos];
      if (s.group == kNoGroup) break;
      if (s.tag == tag && keys.equal(r, keys, s.row)) {
        group = s.group;
        break;
      }
      pos = (pos + 1) & mask;
    }
    if (group == kNoGroup) {
      group = static_cast<uint32_t>(first_rows->size());
      first_rows->push_back(static_cast<int64_t>(r));
      group_hashes.push_back(h);
      table.insert(h, group, static_cast<uint32_t>(r));
      table.grow_if_needed(group_hashes, *first_rows);
    }
    out[r] = group;
  }
  return util::Status::ok();
}

util::Result<RecordBatch> hash_aggregate(const RecordBatch& input, const std::vector<size_t>& group_by,
                                         const std::vector<Aggregate>& aggregates) {
  const Schema& schema = input.schema();
  std::vector<Field> fields;
  fields.reserve(group_by.size() + aggregates.size());
  for (const size_t c : group_by) {
    if (c >= input.num_columns()) {
      return util::Status::invalid_argument(
          fmt::format("columnar: group column {} is out of range (the input has {} columns): "
                      "pass indices of existing columns",
                      c, input.num_columns()));
    }
    fields.push_back(schema.field(c));
  }
  for (const Aggregate& a : aggregates) {
    if (a.kind != AggregateKind::kCount) MEDALLION_RETURN_IF_ERROR(check_column(input, a.column, "value", a.name));
    if (a.kind == AggregateKind::kMinBy || a.kind == AggregateKind::kMaxBy) {
      MEDALLION_RETURN_IF_ERROR(check_column(input, a.by, "ordering", a.name));
    }
    if (a.kind == AggregateKind::kCount) {
      fields.push_back(Field{a.name, DataType::kInt64, false, {}});
    } else {
      MEDALLION_ASSIGN_OR_RETURN(Field f, output_field(schema, a));
      fields.push_back(std::move(f));
    }
  }

  std::vector<uint32_t> group_of;
  std::vector<int64_t> first_rows;
  MEDALLION_RETURN_IF_ERROR(assign_groups(input, group_by, &group_of, &first_rows));
  const size_t groups = group_by.empty() ? 1 : first_rows.size();

  // Each output column is computed on its own, at once on the CPU pool for
  // inputs big enough to pay for it.
  const size_t outputs = group_by.size() + aggregates.size();
  std::vector<std::optional<Column>> computed(outputs);
  const auto compute = [&](size_t i) {
    computed[i] = i < group_by.size()
                      ? take(input.column(group_by[i]), first_rows)
                      : aggregate_column(input, aggregates[i - group_by.size()], group_of, groups);
  };
  if (input.num_rows() >= kParallelRows) {
    util::parallel_for(&util::cpu_pool(), outputs, compute);
  } else {
    for (size_t i = 0; i < outputs; ++i) compute(i);
  }
  std::vector<Column> columns;
  columns.reserve(outputs);
  for (auto& c : computed) columns.push_back(std::move(*c));
  return RecordBatch::make(Schema(std::move(fields)), std::move(columns));
}

}  // namespace medallion::columnar
