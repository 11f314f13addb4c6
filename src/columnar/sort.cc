#include "columnar/sort.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <numeric>
#include <string_view>

#include "columnar/row_key.h"

namespace medallion::columnar {

namespace {

constexpr uint64_t kSignBit = uint64_t{1} << 63;

// One sort key, ready for comparisons.
struct EncodedKey {
  const uint8_t* validity = nullptr;  // null when the column has no nulls
  bool nulls_first = true;
  bool descending = false;
  bool is_string = false;
  std::vector<uint64_t> words;  // fixed width: order-preserving, descending folded in
  const uint64_t* offsets = nullptr;
  const char* chars = nullptr;

  bool is_null(size_t row) const { return validity != nullptr && validity[row] == 0; }
};

// An unsigned word whose order is the double order of the header: -0.0 as
// 0.0, NaN (one canonical quiet NaN, positive) above +infinity.
uint64_t double_word(double v) {
  const auto bits = std::bit_cast<uint64_t>(normalize_double_key(v));
  return (bits & kSignBit) != 0 ? ~bits : bits | kSignBit;
}

template <typename T, typename Fn>
void encode(const std::vector<T>& values, bool descending, Fn word, std::vector<uint64_t>* out) {
  out->resize(values.size());
  const uint64_t flip = descending ? ~uint64_t{0} : 0;
  for (size_t r = 0; r < values.size(); ++r) (*out)[r] = word(values[r]) ^ flip;
}

EncodedKey encode_key(const Column& c, const SortKey& key) {
  EncodedKey k;
  k.validity = c.validity().empty() ? nullptr : c.validity().data();
  k.nulls_first = key.nulls_first;
  k.descending = key.descending;
  switch (c.type()) {
    case DataType::kBool:
      encode(c.bool_values(), key.descending, [](uint8_t v) { return uint64_t{v}; }, &k.words);
      break;
    case DataType::kInt32:
    case DataType::kDate:
      encode(c.int32_values(), key.descending,
             [](int32_t v) { return static_cast<uint64_t>(static_cast<int64_t>(v)) ^ kSignBit; }, &k.words);
      break;
    case DataType::kInt64:
    case DataType::kTimestamp:
      encode(c.int64_values(), key.descending, [](int64_t v) { return static_cast<uint64_t>(v) ^ kSignBit; },
             &k.words);
      break;
    case DataType::kDouble: encode(c.double_values(), key.descending, double_word, &k.words); break;
    case DataType::kString:
      k.is_string = true;
      k.offsets = c.string_offsets().data();
      k.chars = c.string_chars().data();
      break;
  }
  return k;
}

// <0, 0, >0 as row a orders before, with, after row b on one key.
int compare_rows(const EncodedKey& k, size_t a, size_t b) {
  const bool a_null = k.is_null(a);
  const bool b_null = k.is_null(b);
  if (a_null || b_null) {
    if (a_null == b_null) return 0;
    return a_null == k.nulls_first ? -1 : 1;
  }
  if (!k.is_string) {
    const uint64_t x = k.words[a];
    const uint64_t y = k.words[b];
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  // char_traits<char> compares as unsigned char.
  const std::string_view x(k.chars + k.offsets[a], k.offsets[a + 1] - k.offsets[a]);
  const std::string_view y(k.chars + k.offsets[b], k.offsets[b + 1] - k.offsets[b]);
  const int c = x.compare(y);
  return k.descending ? -c : c;
}

// The first key's sort word for a string: after skipping `skip` bytes (a
// prefix every non-null value of the column shares), the next 7 bytes
// big-endian (zero-padded), then min(remaining length, 8). Word order never
// contradicts string order; equal words mean equal strings when the length
// byte is < 8 (both strings end within the word).
constexpr uint64_t kLongString = 8;

uint64_t string_word(std::string_view v, size_t skip) {
  const std::string_view rest = v.substr(skip);
  uint64_t w = 0;
  const size_t n = std::min<size_t>(rest.size(), 7);
  for (size_t i = 0; i < n; ++i) w |= uint64_t{static_cast<unsigned char>(rest[i])} << (56 - 8 * i);
  return w | std::min<uint64_t>(rest.size(), kLongString);
}

// The length of the prefix shared by every non-null string of the column.
size_t common_prefix(const Column& c) {
  const uint64_t* off = c.string_offsets().data();
  const char* chars = c.string_chars().data();
  std::string_view first;
  bool have_first = false;
  size_t common = 0;
  for (size_t r = 0; r < c.size(); ++r) {
    if (c.is_null(r)) continue;
    const std::string_view v(chars + off[r], off[r + 1] - off[r]);
    if (!have_first) {
      first = v;
      common = v.size();
      have_first = true;
      continue;
    }
    const size_t limit = std::min(common, v.size());
    size_t i = 0;
    while (i < limit && first[i] == v[i]) ++i;
    common = i;
    if (common == 0) break;
  }
  return common;
}

struct Entry {
  uint64_t word;  // the first key's sort word (descending folded in)
  int64_t row;
};

}  // namespace

std::vector<int64_t> sort_indices(const RecordBatch& batch, const std::vector<SortKey>& keys) {
  const size_t rows = batch.num_rows();
  std::vector<EncodedKey> encoded;
  encoded.reserve(keys.size());
  std::vector<size_t> columns;
  for (const SortKey& key : keys) {
    assert(key.column < batch.num_columns());
    if (key.column >= batch.num_columns()) continue;
    encoded.push_back(encode_key(batch.column(key.column), key));
    columns.push_back(key.column);
  }
  std::vector<int64_t> order(rows);
  std::iota(order.begin(), order.end(), int64_t{0});
  if (encoded.empty() || rows == 0) return order;

  // Rows sort as (first key's word, row) entries; the nulls of the first key
  // apart. Ties on the word fall back to the full comparison of the first
  // key (strings), then of the other keys, then the row: a stable order.
  const EncodedKey& first = encoded[0];
  const Column& first_column = batch.column(columns[0]);
  const uint64_t flip = first.descending ? ~uint64_t{0} : 0;
  std::vector<Entry> values;
  std::vector<Entry> nulls;
  values.reserve(rows - first_column.null_count());
  nulls.reserve(first_column.null_count());
  if (first.is_string) {
    const size_t skip = common_prefix(first_column);
    for (size_t r = 0; r < rows; ++r) {
      if (first.is_null(r)) {
        nulls.push_back(Entry{0, static_cast<int64_t>(r)});
      } else {
        values.push_back(Entry{string_word(first_column.string_at(r), skip) ^ flip, static_cast<int64_t>(r)});
      }
    }
  } else {
    for (size_t r = 0; r < rows; ++r) {
      if (first.is_null(r)) {
        nulls.push_back(Entry{0, static_cast<int64_t>(r)});
      } else {
        values.push_back(Entry{first.words[r], static_cast<int64_t>(r)});
      }
    }
  }
  const bool string_first = first.is_string;
  const auto less = [&encoded, string_first, flip](const Entry& x, const Entry& y) {
    if (x.word != y.word) return x.word < y.word;
    const auto a = static_cast<size_t>(x.row);
    const auto b = static_cast<size_t>(y.row);
    if (string_first && ((x.word ^ flip) & 0xff) == kLongString) {
      const int c = compare_rows(encoded[0], a, b);
      if (c != 0) return c < 0;
    }
    for (size_t k = 1; k < encoded.size(); ++k) {
      const int c = compare_rows(encoded[k], a, b);
      if (c != 0) return c < 0;
    }
    return x.row < y.row;
  };
  std::sort(values.begin(), values.end(), less);
  std::sort(nulls.begin(), nulls.end(), less);
  size_t i = 0;
  const auto emit = [&](const std::vector<Entry>& part) {
    for (const Entry& e : part) order[i++] = e.row;
  };
  if (first.nulls_first) {
    emit(nulls);
    emit(values);
  } else {
    emit(values);
    emit(nulls);
  }
  return order;
}

}  // namespace medallion::columnar
