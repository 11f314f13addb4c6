#include "columnar/row_key.h"

#include <fmt/format.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <string_view>

namespace medallion::columnar {

namespace {

// Odd 64-bit constants with well-spread bits (digits of pi and e).
constexpr uint64_t kSeed = 0x243f6a8885a308d3ull;
constexpr uint64_t kMulA = 0x13198a2e03707345ull;
constexpr uint64_t kMulB = 0xa4093822299f31d1ull;
constexpr uint64_t kMulC = 0xb7e151628aed2a6bull;
constexpr uint64_t kNullHash = 0x082efa98ec4e6c89ull;

// The high and low halves of the 128-bit product, folded together.
inline uint64_t fold_multiply(uint64_t a, uint64_t b) {
  const unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(p) ^ static_cast<uint64_t>(p >> 64);
}

inline uint64_t hash_word(uint64_t v) { return fold_multiply(v ^ kMulA, kMulB); }

inline uint64_t combine(uint64_t h, uint64_t value_hash) { return fold_multiply(h ^ value_hash, kMulC); }

inline uint64_t load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// h[r] = combine(h[r], value hash of row r) for every row; `value(r)` gives
// the row's 64-bit word (already normalized).
template <typename ValueFn>
void combine_column(const uint8_t* validity, size_t rows, uint64_t* h, ValueFn value) {
  if (validity == nullptr) {
    for (size_t r = 0; r < rows; ++r) h[r] = combine(h[r], value(r));
  } else {
    for (size_t r = 0; r < rows; ++r) h[r] = combine(h[r], validity[r] != 0 ? value(r) : kNullHash);
  }
}

}  // namespace

uint64_t hash_bytes(const char* data, size_t n) {
  uint64_t h = kSeed ^ fold_multiply(n, kMulC);
  const char* p = data;
  size_t left = n;
  while (left >= 16) {
    h = fold_multiply(load64(p) ^ kMulA ^ h, load64(p + 8) ^ kMulB);
    p += 16;
    left -= 16;
  }
  if (left >= 8) {
    h = fold_multiply(load64(p) ^ kMulA ^ h, kMulB);
    p += 8;
    left -= 8;
  }
  if (left > 0) {
    uint64_t w = 0;
    std::memcpy(&w, p, left);
    h = fold_multiply(w ^ kMulC ^ h, kMulA);
  }
  return fold_multiply(h ^ kMulB, kMulC ^ n);
}

double normalize_double_key(double v) {
  if (std::isnan(v)) return std::numeric_limits<double>::quiet_NaN();
  return v == 0.0 ? 0.0 : v;
}

util::Result<RowKeys> RowKeys::make(const RecordBatch& batch, const std::vector<size_t>& key_columns) {
  RowKeys keys;
  keys.rows_ = batch.num_rows();
  keys.columns_.reserve(key_columns.size());
  for (const size_t c : key_columns) {
    if (c >= batch.num_columns()) {
      return util::Status::invalid_argument(
          fmt::format("columnar: key column {} is out of range (the batch has {} columns): "
                      "pass indices of existing columns",
                      c, batch.num_columns()));
    }
    const Column& col = batch.column(c);
    KeyColumn k;
    k.type = col.type();
    if (!col.validity().empty()) {
      k.validity = col.validity().data();
      keys.has_nulls_ = true;
    }
    switch (col.type()) {
      case DataType::kBool: k.values = col.bool_values().data(); break;
      case DataType::kInt32:
      case DataType::kDate: k.values = col.int32_values().data(); break;
      case DataType::kInt64:
      case DataType::kTimestamp: k.values = col.int64_values().data(); break;
      case DataType::kDouble: k.values = col.double_values().data(); break;
      case DataType::kString:
        k.offsets = col.string_offsets().data();
        k.chars = col.string_chars().data();
        keys.has_strings_ = true;
        break;
    }
    keys.columns_.push_back(k);
  }
  return keys;
}

void RowKeys::hash_rows(std::vector<uint64_t>* hashes) const {
  hashes->assign(rows_, kSeed);
  uint64_t* h = hashes->data();
  for (const KeyColumn& c : columns_) {
    // The type goes into the hash too, so that equal bits of different
    // types (rarely compared) spread apart.
    const uint64_t type_salt = static_cast<uint64_t>(c.type) * kMulB;
    switch (c.type) {
      case DataType::kBool: {
        const auto* v = static_cast<const uint8_t*>(c.values);
        combine_column(c.validity, rows_, h, [&](size_t r) { return hash_word(type_salt ^ v[r]); });
        break;
      }
      case DataType::kInt32:
      case DataType::kDate: {
        const auto* v = static_cast<const int32_t*>(c.values);
        combine_column(c.validity, rows_, h, [&](size_t r) {
          return hash_word(type_salt ^ static_cast<uint64_t>(static_cast<int64_t>(v[r])));
        });
        break;
      }
      case DataType::kInt64:
      case DataType::kTimestamp: {
        const auto* v = static_cast<const int64_t*>(c.values);
        combine_column(c.validity, rows_, h,
                       [&](size_t r) { return hash_word(type_salt ^ static_cast<uint64_t>(v[r])); });
        break;
      }
      case DataType::kDouble: {
        const auto* v = static_cast<const double*>(c.values);
        combine_column(c.validity, rows_, h, [&](size_t r) {
          return hash_word(type_salt ^ std::bit_cast<uint64_t>(normalize_double_key(v[r])));
        });
        break;
      }
      case DataType::kString: {
        const uint64_t* off = c.offsets;
        const char* chars = c.chars;
        combine_column(c.validity, rows_, h, [&](size_t r) {
          return type_salt ^ hash_bytes(chars + off[r], off[r + 1] - off[r]);
        });
        break;
      }
    }
  }
}

bool RowKeys::equal(size_t row, const RowKeys& other, size_t other_row) const {
  for (size_t k = 0; k < columns_.size(); ++k) {
    const KeyColumn& a = columns_[k];
    const KeyColumn& b = other.columns_[k];
    const bool a_null = a.validity != nullptr && a.validity[row] == 0;
    const bool b_null = b.validity != nullptr && b.validity[other_row] == 0;
    if (a_null || b_null) {
      if (a_null != b_null) return false;
      continue;
    }
    switch (a.type) {
      case DataType::kBool:
        if (static_cast<const uint8_t*>(a.values)[row] != static_cast<const uint8_t*>(b.values)[other_row]) {
          return false;
        }
        break;
      case DataType::kInt32:
      case DataType::kDate:
        if (static_cast<const int32_t*>(a.values)[row] != static_cast<const int32_t*>(b.values)[other_row]) {
          return false;
        }
        break;
      case DataType::kInt64:
      case DataType::kTimestamp:
        if (static_cast<const int64_t*>(a.values)[row] != static_cast<const int64_t*>(b.values)[other_row]) {
          return false;
        }
        break;
      case DataType::kDouble: {
        const double x = static_cast<const double*>(a.values)[row];
        const double y = static_cast<const double*>(b.values)[other_row];
        if (!(x == y || (std::isnan(x) && std::isnan(y)))) return false;
        break;
      }
      case DataType::kString: {
        const std::string_view x(a.chars + a.offsets[row], a.offsets[row + 1] - a.offsets[row]);
        const std::string_view y(b.chars + b.offsets[other_row],
                                 b.offsets[other_row + 1] - b.offsets[other_row]);
        if (x != y) return false;
        break;
      }
    }
  }
  return true;
}

util::Status check_same_key_types(const Schema& a_schema, const std::vector<size_t>& a_columns,
                                  const Schema& b_schema, const std::vector<size_t>& b_columns) {
  if (a_columns.size() != b_columns.size()) {
    return util::Status::invalid_argument(
        fmt::format("columnar: key column counts differ ({} against {}): pair every key column",
                    a_columns.size(), b_columns.size()));
  }
  for (size_t k = 0; k < a_columns.size(); ++k) {
    if (a_columns[k] >= a_schema.size() || b_columns[k] >= b_schema.size()) {
      return util::Status::invalid_argument(
          fmt::format("columnar: key column pair {} ({}, {}) is out of range ({} and {} columns): "
                      "pass indices of existing columns",
                      k, a_columns[k], b_columns[k], a_schema.size(), b_schema.size()));
    }
    const Field& fa = a_schema.field(a_columns[k]);
    const Field& fb = b_schema.field(b_columns[k]);
    if (fa.type != fb.type) {
      return util::Status::invalid_argument(
          fmt::format("columnar: key columns '{}' ({}) and '{}' ({}) have different types: "
                      "cast one side so that both keys have the same type",
                      fa.name, data_type_name(fa.type), fb.name, data_type_name(fb.type)));
    }
  }
  return util::Status::ok();
}

}  // namespace medallion::columnar
