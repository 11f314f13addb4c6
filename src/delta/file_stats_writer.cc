#include "delta/file_stats_writer.h"

#include <charconv>
#include <cmath>
#include <optional>

#include "delta/column_conform.h"
#include "delta/scalar.h"
#include "util/civil_time.h"
#include "util/json_writer.h"

namespace medallion::delta {
namespace {

// Decimals whose unscaled bounds have more digits than this are left out: a
// JSON reader holding numbers as doubles would round them.
constexpr size_t kMaxExactDecimalDigits = 15;

// The statistics of one column (a struct's fields in children).
struct ColumnState {
  const Field* field = nullptr;
  const parquet::ValueNode* node = nullptr;
  std::vector<ColumnState> children;  // kStruct
  int64_t null_count = 0;
  bool has_bounds = false;  // at least one non-null (non-NaN) value
  bool broken = false;      // an array did not have the expected shape
  int64_t int_min = 0, int_max = 0;
  Int128 wide_min = 0, wide_max = 0;
  double float_min = 0, float_max = 0;
  std::string bytes_min, bytes_max;
};

bool collects_bounds(TypeKind kind) {
  switch (kind) {
    case TypeKind::kBoolean:
    case TypeKind::kBinary:
    case TypeKind::kStruct:
    case TypeKind::kArray:
    case TypeKind::kMap:
      return false;
    default:
      return true;
  }
}

ColumnState make_state(const Field& field, const parquet::ValueNode& node) {
  ColumnState state;
  state.field = &field;
  state.node = &node;
  if (field.type.kind == TypeKind::kStruct) {
    if (node.kind != parquet::ValueKind::kStruct || node.children.size() != field.type.fields.size()) {
      state.broken = true;
      return state;
    }
    for (size_t i = 0; i < field.type.fields.size(); ++i) {
      state.children.push_back(make_state(field.type.fields[i], node.children[i]));
    }
  }
  return state;
}

// Big-endian two's complement bytes (a FIXED_LEN_BYTE_ARRAY decimal).
Int128 decode_big_endian(std::string_view bytes) {
  if (bytes.empty()) return 0;
  Int128 v = static_cast<int8_t>(bytes[0]) < 0 ? -1 : 0;
  for (char c : bytes) {
    v = static_cast<Int128>((static_cast<unsigned __int128>(v) << 8) | static_cast<uint8_t>(c));
  }
  return v;
}

template <typename T>
void update(bool& has, T& lo, T& hi, const T& v) {
  if (!has) {
    lo = hi = v;
    has = true;
    return;
  }
  if (v < lo) lo = v;
  if (hi < v) hi = v;
}

void update_bytes(ColumnState& s, std::string_view v) {
  if (!s.has_bounds) {
    s.bytes_min.assign(v);
    s.bytes_max.assign(v);
    s.has_bounds = true;
    return;
  }
  if (v < std::string_view(s.bytes_min)) s.bytes_min.assign(v);
  if (std::string_view(s.bytes_max) < v) s.bytes_max.assign(v);
}

// `parent` (nullptr: every slot) marks the slots whose enclosing structs are
// all non-null.
void accumulate(ColumnState& s, const parquet::ValueArray& array, const uint8_t* parent) {
  if (s.broken) return;
  const size_t n = array.length;
  if (!array.validity.empty() && array.validity.size() < n) {
    s.broken = true;
    return;
  }
  const TypeKind kind = s.field->type.kind;
  if (kind == TypeKind::kStruct) {
    if (array.kind != parquet::ValueKind::kStruct || array.children.size() != s.children.size()) {
      s.broken = true;
      return;
    }
    std::vector<uint8_t> present(n);
    for (size_t i = 0; i < n; ++i) {
      present[i] = (parent == nullptr || parent[i]) && !array.is_null(i);
    }
    for (size_t c = 0; c < s.children.size(); ++c) {
      if (array.children[c].length != n) {
        s.children[c].broken = true;
        continue;
      }
      accumulate(s.children[c], array.children[c], present.data());
    }
    return;
  }
  const bool bounds = collects_bounds(kind);
  const parquet::LeafValues& values = array.values;
  if (bounds && (array.kind != parquet::ValueKind::kLeaf || values.size() < n)) {
    s.broken = true;
    return;
  }
  for (size_t i = 0; i < n; ++i) {
    if ((parent != nullptr && !parent[i]) || array.is_null(i)) {
      ++s.null_count;
      continue;
    }
    if (!bounds) continue;
    switch (kind) {
      case TypeKind::kByte:
      case TypeKind::kShort:
      case TypeKind::kInteger:
      case TypeKind::kDate:
        if (values.type != parquet::Type::kInt32) break;
        update(s.has_bounds, s.int_min, s.int_max, int64_t{values.i32[i]});
        break;
      case TypeKind::kLong:
      case TypeKind::kTimestamp:
      case TypeKind::kTimestampNtz:
        if (values.type != parquet::Type::kInt64) break;
        update(s.has_bounds, s.int_min, s.int_max, values.i64[i]);
        break;
      case TypeKind::kFloat:
      case TypeKind::kDouble: {
        double v = 0;
        if (values.type == parquet::Type::kFloat) {
          v = values.f32[i];
        } else if (values.type == parquet::Type::kDouble) {
          v = values.f64[i];
        } else {
          break;
        }
        if (std::isnan(v)) break;
        update(s.has_bounds, s.float_min, s.float_max, v);
        break;
      }
      case TypeKind::kDecimal: {
        Int128 v = 0;
        if (values.type == parquet::Type::kInt32) {
          v = values.i32[i];
        } else if (values.type == parquet::Type::kInt64) {
          v = values.i64[i];
        } else if (values.type == parquet::Type::kFixedLenByteArray ||
                   values.type == parquet::Type::kByteArray) {
          v = decode_big_endian(values.bytes.value(i));
        } else {
          break;
        }
        update(s.has_bounds, s.wide_min, s.wide_max, v);
        break;
      }
      case TypeKind::kString:
        if (values.type != parquet::Type::kByteArray) break;
        update_bytes(s, values.bytes.value(i));
        break;
      default:
        break;
    }
  }
}

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

std::string timestamp_text(int64_t micros, bool utc) {
  const int64_t millis = floor_div(micros, 1000);
  const int64_t seconds = floor_div(millis, 1000);
  const int64_t fraction = millis - seconds * 1000;
  std::string out = util::format_iso8601(seconds * 1000000, util::FractionStyle::kNever, false);
  out.push_back('.');
  out.push_back(static_cast<char>('0' + fraction / 100));
  out.push_back(static_cast<char>('0' + fraction / 10 % 10));
  out.push_back(static_cast<char>('0' + fraction % 10));
  if (utc) out.push_back('Z');
  return out;
}

std::optional<std::string> decimal_text(Int128 unscaled, int32_t scale) {
  const bool negative = unscaled < 0;
  unsigned __int128 magnitude =
      negative ? static_cast<unsigned __int128>(0) - static_cast<unsigned __int128>(unscaled)
               : static_cast<unsigned __int128>(unscaled);
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  if (digits.size() > kMaxExactDecimalDigits) return std::nullopt;
  const size_t s = scale > 0 ? static_cast<size_t>(scale) : 0;
  if (digits.size() <= s) digits.insert(0, s + 1 - digits.size(), '0');
  if (s > 0) digits.insert(digits.size() - s, 1, '.');
  if (negative) digits.insert(0, 1, '-');
  return digits;
}

std::optional<std::string> float_text(double v, bool is_float) {
  if (!std::isfinite(v)) return std::nullopt;
  char buf[64];
  auto res = is_float ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(v))
                      : std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

// The JSON text of a bound, or nullopt when it is not written.
std::optional<std::string> bound_json(const ColumnState& s, bool is_min) {
  if (s.broken || !s.has_bounds) return std::nullopt;
  const DataType& type = s.field->type;
  std::string out;
  switch (type.kind) {
    case TypeKind::kByte:
    case TypeKind::kShort:
    case TypeKind::kInteger:
    case TypeKind::kLong:
      return std::to_string(is_min ? s.int_min : s.int_max);
    case TypeKind::kFloat:
    case TypeKind::kDouble:
      return float_text(is_min ? s.float_min : s.float_max, type.kind == TypeKind::kFloat);
    case TypeKind::kDecimal: {
      // Both or neither: a bound that a reader rounds is not a bound.
      auto lo = decimal_text(s.wide_min, type.scale);
      auto hi = decimal_text(s.wide_max, type.scale);
      if (!lo || !hi) return std::nullopt;
      return is_min ? lo : hi;
    }
    case TypeKind::kDate:
      util::append_json_string(out, util::format_iso_date(is_min ? s.int_min : s.int_max));
      return out;
    case TypeKind::kTimestamp:
    case TypeKind::kTimestampNtz:
      util::append_json_string(
          out, timestamp_text(is_min ? s.int_min : s.int_max, type.kind == TypeKind::kTimestamp));
      return out;
    case TypeKind::kString: {
      std::optional<std::string> text;
      if (is_min) {
        text = truncate_stats_min(s.bytes_min);
      } else {
        text = truncate_stats_max(s.bytes_max);
      }
      if (!text) return std::nullopt;
      util::append_json_string(out, *text);
      return out;
    }
    default:
      return std::nullopt;
  }
}

enum class Section { kMin, kMax, kNullCount };

// Writes the section's entries for `columns` into an open object.
void write_entries(util::JsonWriter& w, const std::vector<ColumnState>& columns,
                   ColumnMappingMode mode, Section section);

bool has_entries(const ColumnState& s, Section section) {
  if (s.broken) return false;
  if (s.field->type.kind == TypeKind::kStruct) {
    for (const ColumnState& c : s.children) {
      if (has_entries(c, section)) return true;
    }
    return false;
  }
  if (section == Section::kNullCount) return true;
  return bound_json(s, section == Section::kMin).has_value();
}

void write_entries(util::JsonWriter& w, const std::vector<ColumnState>& columns,
                   ColumnMappingMode mode, Section section) {
  for (const ColumnState& s : columns) {
    if (!has_entries(s, section)) continue;
    w.key(physical_name(*s.field, mode));
    if (s.field->type.kind == TypeKind::kStruct) {
      w.begin_object();
      write_entries(w, s.children, mode, section);
      w.end_object();
    } else if (section == Section::kNullCount) {
      w.value(s.null_count);
    } else {
      w.raw(*bound_json(s, section == Section::kMin));
    }
  }
}

// Code points of valid UTF-8, or nullopt.
std::optional<std::vector<uint32_t>> decode_utf8(std::string_view s, size_t limit) {
  std::vector<uint32_t> out;
  size_t i = 0;
  while (i < s.size() && out.size() < limit) {
    const auto b0 = static_cast<uint8_t>(s[i]);
    size_t len = 0;
    uint32_t cp = 0;
    if (b0 < 0x80) {
      len = 1;
      cp = b0;
    } else if ((b0 & 0xE0) == 0xC0) {
      len = 2;
      cp = b0 & 0x1F;
    } else if ((b0 & 0xF0) == 0xE0) {
      len = 3;
      cp = b0 & 0x0F;
    } else if ((b0 & 0xF8) == 0xF0) {
      len = 4;
      cp = b0 & 0x07;
    } else {
      return std::nullopt;
    }
    if (s.size() - i < len) return std::nullopt;
    for (size_t k = 1; k < len; ++k) {
      const auto b = static_cast<uint8_t>(s[i + k]);
      if ((b & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (b & 0x3F);
    }
    static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return std::nullopt;
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Byte length of the first `count` code points (counting lead bytes).
size_t prefix_bytes(std::string_view s, size_t count) {
  size_t seen = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<uint8_t>(s[i]) & 0xC0) != 0x80) {
      if (seen == count) return i;
      ++seen;
    }
  }
  return s.size();
}

}  // namespace

std::string truncate_stats_min(std::string_view value) {
  return std::string(value.substr(0, prefix_bytes(value, kStatsStringPrefix)));
}

std::optional<std::string> truncate_stats_max(std::string_view value) {
  const size_t cut = prefix_bytes(value, kStatsStringPrefix);
  if (cut == value.size()) return std::string(value);
  auto cps = decode_utf8(value.substr(0, cut), kStatsStringPrefix);
  if (!cps) return std::nullopt;
  while (!cps->empty() && cps->back() == 0x10FFFF) cps->pop_back();
  if (cps->empty()) return std::nullopt;
  uint32_t& last = cps->back();
  last = last == 0xD7FF ? 0xE000 : last + 1;
  std::string out;
  for (uint32_t cp : *cps) append_utf8(out, cp);
  return out;
}

struct FileStatsBuilder::Impl {
  ColumnMappingMode mode = ColumnMappingMode::kNone;
  std::vector<ColumnState> columns;
  std::vector<size_t> tree_index;  // per column
  std::vector<bool> missing;       // a batch did not hold the column
  int64_t num_records = 0;
};

FileStatsBuilder::FileStatsBuilder(const Schema& schema, ColumnMappingMode mode,
                                   const parquet::SchemaTree& tree)
    : impl_(std::make_unique<Impl>()) {
  impl_->mode = mode;
  for (const Field& field : schema.fields) {
    auto index = tree.field_index(field.name);
    if (!index) continue;
    impl_->columns.push_back(make_state(field, tree.field(*index)));
    impl_->tree_index.push_back(*index);
    impl_->missing.push_back(false);
  }
}

FileStatsBuilder::~FileStatsBuilder() = default;
FileStatsBuilder::FileStatsBuilder(FileStatsBuilder&&) noexcept = default;
FileStatsBuilder& FileStatsBuilder::operator=(FileStatsBuilder&&) noexcept = default;

void FileStatsBuilder::add(const parquet::RowBatch& batch) {
  impl_->num_records += static_cast<int64_t>(batch.num_rows);
  for (size_t c = 0; c < impl_->columns.size(); ++c) {
    const parquet::ValueArray* array = nullptr;
    for (size_t k = 0; k < batch.fields.size() && k < batch.columns.size(); ++k) {
      if (batch.fields[k] == impl_->tree_index[c]) {
        array = &batch.columns[k];
        break;
      }
    }
    if (array == nullptr || array->length != batch.num_rows) {
      impl_->missing[c] = true;
      continue;
    }
    accumulate(impl_->columns[c], *array, nullptr);
  }
}

std::string FileStatsBuilder::json() const {
  std::vector<ColumnState> present;
  for (size_t c = 0; c < impl_->columns.size(); ++c) {
    if (!impl_->missing[c]) present.push_back(impl_->columns[c]);
  }
  util::JsonWriter w;
  w.begin_object();
  w.key("numRecords").value(impl_->num_records);
  constexpr std::pair<const char*, Section> kSections[] = {
      {"minValues", Section::kMin}, {"maxValues", Section::kMax}, {"nullCount", Section::kNullCount}};
  for (const auto& [name, section] : kSections) {
    bool any = false;
    for (const ColumnState& s : present) any = any || has_entries(s, section);
    if (!any) continue;
    w.key(name).begin_object();
    write_entries(w, present, impl_->mode, section);
    w.end_object();
  }
  w.end_object();
  return w.take();
}

std::string file_stats_json(const Schema& schema, ColumnMappingMode mode,
                            const parquet::SchemaTree& tree, const parquet::RowBatch& batch) {
  FileStatsBuilder builder(schema, mode, tree);
  builder.add(batch);
  return builder.json();
}

}  // namespace medallion::delta
