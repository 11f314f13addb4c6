#include "formats/parquet/column_chunk_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "formats/parquet/column_statistics.h"
#include "formats/parquet/page_compression.h"
#include "formats/parquet/plain_encoding.h"
#include "formats/parquet/rle_hybrid.h"

namespace medallion::parquet {

static_assert(std::endian::native == std::endian::little,
              "PLAIN encoding copies little-endian values as they are");

namespace {

using util::Status;

// Entries appended between two checks of the page size and the dictionary
// size (extended to the next row boundary): as many as should fill the rest
// of the page at the bytes per entry seen so far, at most kMaxMiniBatch; the
// first batch is small in case values are huge.
constexpr size_t kFirstMiniBatch = 64;
constexpr size_t kMaxMiniBatch = 4096;
// Level entries per page at most (plus one mini-batch): tiny entries (nulls,
// booleans) would otherwise make pages of tens of millions of values, more
// than readers care to allocate for (ours rejects pages over 2^27 values).
constexpr size_t kMaxPageEntries = size_t{1} << 20;
// Bit-packed runs are split so that their header stays small.
constexpr size_t kMaxGroupsPerRun = size_t{1} << 20;
// Dictionary indices must fit 31 bits for the RLE hybrid's 32-bit values.
constexpr size_t kMaxDictionaryEntries = size_t{1} << 31;
// After this many dictionary-encoded values, a chunk whose values are mostly
// distinct (more than half) goes PLAIN: ids and timestamps gain nothing from
// a dictionary, and both the writer and the reader pay for it.
constexpr uint64_t kCardinalityProbeValues = 16384;

// Buffers that grow without zero-filling what is about to be overwritten.
template <typename T>
struct DefaultInitAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  DefaultInitAllocator() = default;
  template <typename U>
  DefaultInitAllocator(const DefaultInitAllocator<U>&) noexcept {}
  template <typename U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
template <typename T>
using Buffer = std::vector<T, DefaultInitAllocator<T>>;

// ------------------------------------------------------------- RLE hybrid --
// A bulk encoder over the page's buffered values (rle_hybrid.h describes the
// format): repeats of 8 or more become RLE runs, the rest bit-packed groups.

void append_uleb128(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

template <typename T>
void put_bit_packed(const T* v, size_t count, int bit_width, std::string* out) {
  size_t at = 0;
  while (at < count) {
    const size_t groups = std::min((count - at + 7) / 8, kMaxGroupsPerRun);
    const size_t take = std::min(groups * 8, count - at);
    append_uleb128(uint64_t{groups} << 1 | 1, out);
    const size_t bytes = groups * static_cast<size_t>(bit_width);
    const size_t start = out->size();
    out->resize(start + bytes);
    char* p = out->data() + start;
    uint64_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < groups * 8; ++i) {
      const uint64_t value = i < take ? static_cast<uint64_t>(v[at + i]) : 0;
      acc |= value << bits;
      bits += bit_width;
      if (bits >= 32) {
        const uint32_t word = static_cast<uint32_t>(acc);
        std::memcpy(p, &word, 4);
        p += 4;
        acc >>= 32;
        bits -= 32;
      }
    }
    // 8 * bit_width bits per group: whole bytes remain.
    for (; bits > 0; bits -= 8) {
      *p++ = static_cast<char>(acc);
      acc >>= 8;
    }
    at += take;
  }
}

template <typename T>
void put_rle_run(T value, size_t count, int bit_width, std::string* out) {
  const int value_bytes = (bit_width + 7) / 8;
  while (count > 0) {
    const size_t n = std::min<size_t>(count, kMaxRleRunLength);
    append_uleb128(uint64_t{n} << 1, out);
    const uint32_t v = static_cast<uint32_t>(value);
    for (int i = 0; i < value_bytes; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
    count -= n;
  }
}

template <typename T>
void encode_hybrid(const T* v, size_t n, int bit_width, std::string* out) {
  size_t literals = 0;  // values [literals, i) wait to be bit-packed
  size_t i = 0;
  while (i < n) {
    const T x = v[i];
    size_t j = i + 1;
    while (j < n && v[j] == x) ++j;
    const size_t run = j - i;
    if (run >= 8) {
      // Literal runs hold whole groups of 8: the run lends the values that
      // complete the last group, if it keeps 8 of its own.
      const size_t pad = (8 - (i - literals) % 8) % 8;
      if (run - pad >= 8) {
        put_bit_packed(v + literals, i + pad - literals, bit_width, out);
        put_rle_run(x, run - pad, bit_width, out);
        literals = j;
      }
    }
    i = j;
  }
  put_bit_packed(v + literals, n - literals, bit_width, out);
}

template <typename T>
void encode_hybrid_with_length(const T* v, size_t n, int bit_width, std::string* out) {
  const size_t at = out->size();
  out->append(4, '\0');
  encode_hybrid(v, n, bit_width, out);
  const uint32_t length = static_cast<uint32_t>(out->size() - at - 4);
  std::memcpy(out->data() + at, &length, 4);
}

// ------------------------------------------------------------------ hash --

uint64_t mix64(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

uint64_t load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

uint32_t load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// The last 1..7 bytes of a value, loaded without reading outside [p, p + n).
uint64_t load_tail(const char* p, size_t n) {
  if (n >= 4) return uint64_t{load32(p)} | uint64_t{load32(p + n - 4)} << 32;
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = v << 8 | static_cast<uint8_t>(p[i]);
  return v;
}

uint64_t hash_bytes(const char* p, size_t n) {
  uint64_t h = 0x9e3779b97f4a7c15ull ^ (n * 0x100000001b3ull);
  if (n >= 8) {
    const char* end = p + n;
    for (; end - p > 8; p += 8) {
      h = (h ^ load64(p)) * 0x9fb21c651e98df25ull;
      h ^= h >> 29;
    }
    h = (h ^ load64(end - 8)) * 0x9fb21c651e98df25ull;  // overlaps when n % 8 != 0
  } else if (n > 0) {
    h = (h ^ load_tail(p, n)) * 0x9fb21c651e98df25ull;
  }
  return mix64(h);
}

// memcmp(a, b, n) == 0 without a call: dictionary values are mostly short.
bool bytes_equal(const char* a, const char* b, size_t n) {
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8) {
      if (load64(a + i) != load64(b + i)) return false;
    }
    return load64(a + n - 8) == load64(b + n - 8);
  }
  return load_tail(a, n) == load_tail(b, n);
}

template <typename T>
uint64_t hash_fixed(const T& v) {
  if constexpr (sizeof(T) == 4) {
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    return mix64(bits);
  } else if constexpr (sizeof(T) == 8) {
    uint64_t bits;
    std::memcpy(&bits, &v, 8);
    return mix64(bits);
  } else {
    return hash_bytes(reinterpret_cast<const char*>(&v), sizeof(T));
  }
}

// Dictionaries: open addressing with linear probing, at most half full. A
// slot holds what a lookup compares (the value's bits, or a hash tag, length
// and arena position), so that a hit costs one cache miss in the table (and
// one in the arena for byte arrays); callers hash a few values ahead and
// prefetch their slots. Indices are in insertion order, and the dictionary
// page is the entries' PLAIN encoding in that order.

constexpr size_t kInitialSlots = 1024;

// 4- and 8-byte values by their bits (floats too: -0.0 and each NaN payload
// are entries of their own, so that values come back bit for bit).
template <typename Bits>
class FixedDictionary {
 public:
  using Key = Bits;

  FixedDictionary() { clear(); }

  static uint64_t hash(Bits bits) { return mix64(bits); }
  void prefetch(uint64_t hash) const { __builtin_prefetch(&slots_[hash & mask_]); }
  bool would_overflow(Bits) const { return false; }

  uint32_t insert(Bits bits, uint64_t hash, bool* inserted) {
    if ((entries_.size() + 1) * 2 > slots_.size()) grow();
    size_t pos = static_cast<size_t>(hash) & mask_;
    while (true) {
      const Slot& slot = slots_[pos];
      if (slot.index == 0) break;
      if (slot.bits == bits) {
        *inserted = false;
        return slot.index - 1;
      }
      pos = (pos + 1) & mask_;
    }
    entries_.push_back(bits);
    slots_[pos] = Slot{bits, static_cast<uint32_t>(entries_.size())};
    *inserted = true;
    return static_cast<uint32_t>(entries_.size() - 1);
  }

  size_t size() const { return entries_.size(); }
  uint64_t plain_bytes() const { return entries_.size() * sizeof(Bits); }
  void encode_plain(std::string* out) const {
    out->append(reinterpret_cast<const char*>(entries_.data()), entries_.size() * sizeof(Bits));
  }
  void append_plain(uint32_t index, Buffer<char>* out) const {
    const char* p = reinterpret_cast<const char*>(&entries_[index]);
    out->insert(out->end(), p, p + sizeof(Bits));
  }
  void clear() {
    entries_.clear();
    slots_.assign(kInitialSlots, Slot{});
    mask_ = kInitialSlots - 1;
  }

 private:
  struct Slot {
    Bits bits = 0;
    uint32_t index = 0;  // entry index + 1; 0 when empty
  };

  void grow() {
    slots_.assign(slots_.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    for (size_t i = 0; i < entries_.size(); ++i) {
      size_t pos = static_cast<size_t>(hash(entries_[i])) & mask_;
      while (slots_[pos].index != 0) pos = (pos + 1) & mask_;
      slots_[pos] = Slot{entries_[i], static_cast<uint32_t>(i + 1)};
    }
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  std::vector<Bits> entries_;
};

// Byte arrays (and INT96 as 12 bytes): the entries live in an arena in their
// PLAIN encoding (with the u32le length prefix for BYTE_ARRAY), which is the
// dictionary page. The arena stays under max_bytes (at most
// kMaxDictionaryBytes), so that positions fit 32 bits and the page an i32
// size.
constexpr uint64_t kMaxDictionaryBytes = uint64_t{1} << 30;

class BytesDictionary {
 public:
  using Key = std::string_view;

  BytesDictionary(bool length_prefix, uint64_t max_bytes)
      : length_prefix_(length_prefix), max_bytes_(std::min(max_bytes, kMaxDictionaryBytes)) {
    clear();
  }

  static uint64_t hash(std::string_view v) { return hash_bytes(v.data(), v.size()); }
  void prefetch(uint64_t hash) const { __builtin_prefetch(&slots_[hash & mask_]); }

  // Whether adding v could push the arena past kMaxDictionaryBytes.
  bool would_overflow(std::string_view v) const {
    return plain_.size() + 4 + v.size() > max_bytes_;
  }

  uint32_t insert(std::string_view v, uint64_t hash, bool* inserted) {
    if ((entries_.size() + 1) * 2 > slots_.size()) grow();
    const uint32_t tag = static_cast<uint32_t>(hash >> 32);
    size_t pos = static_cast<size_t>(hash) & mask_;
    while (true) {
      const Slot& slot = slots_[pos];
      if (slot.index == 0) break;
      if (slot.tag == tag && slot.length == v.size() &&
          bytes_equal(plain_.data() + slot.start, v.data(), v.size())) {
        *inserted = false;
        return slot.index - 1;
      }
      pos = (pos + 1) & mask_;
    }
    const size_t at = plain_.size();
    const size_t prefix = length_prefix_ ? 4 : 0;
    plain_.resize(at + prefix + v.size());
    if (length_prefix_) {
      const uint32_t length = static_cast<uint32_t>(v.size());
      std::memcpy(plain_.data() + at, &length, 4);
    }
    if (!v.empty()) std::memcpy(plain_.data() + at + prefix, v.data(), v.size());
    const Entry entry{static_cast<uint32_t>(at + prefix), static_cast<uint32_t>(v.size())};
    entries_.push_back(entry);
    slots_[pos] = Slot{tag, static_cast<uint32_t>(entries_.size()), entry.start, entry.length};
    *inserted = true;
    return static_cast<uint32_t>(entries_.size() - 1);
  }

  size_t size() const { return entries_.size(); }
  uint64_t plain_bytes() const { return plain_.size(); }
  void encode_plain(std::string* out) const { out->append(plain_.data(), plain_.size()); }
  void append_plain(uint32_t index, Buffer<char>* out) const {
    const Entry& e = entries_[index];
    const size_t prefix = length_prefix_ ? 4 : 0;
    const char* p = plain_.data() + e.start - prefix;
    out->insert(out->end(), p, p + prefix + e.length);
  }
  void clear() {
    plain_.clear();
    entries_.clear();
    slots_.assign(kInitialSlots, Slot{});
    mask_ = kInitialSlots - 1;
  }

 private:
  struct Entry {
    uint32_t start;  // in plain_, after the length prefix
    uint32_t length;
  };
  struct Slot {
    uint32_t tag = 0;    // the hash's high 32 bits
    uint32_t index = 0;  // entry index + 1; 0 when empty
    uint32_t start = 0;
    uint32_t length = 0;
  };

  void grow() {
    slots_.assign(slots_.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    for (size_t i = 0; i < entries_.size(); ++i) {
      const Entry& e = entries_[i];
      const uint64_t h = hash_bytes(plain_.data() + e.start, e.length);
      size_t pos = static_cast<size_t>(h) & mask_;
      while (slots_[pos].index != 0) pos = (pos + 1) & mask_;
      slots_[pos] =
          Slot{static_cast<uint32_t>(h >> 32), static_cast<uint32_t>(i + 1), e.start, e.length};
    }
  }

  bool length_prefix_;
  uint64_t max_bytes_;
  Buffer<char> plain_;
  std::vector<Entry> entries_;
  std::vector<Slot> slots_;
  size_t mask_ = 0;
};

// ---------------------------------------------------------- value traits --
// Value: what get() returns; key(): the dictionary key of slot i.

template <typename Bits, typename T>
Bits bits_of(T v) {
  static_assert(sizeof(Bits) == sizeof(T));
  Bits bits;
  std::memcpy(&bits, &v, sizeof(T));
  return bits;
}

struct BoolTraits {
  using Value = uint8_t;
  using Dictionary = FixedDictionary<uint32_t>;  // unused: booleans are PLAIN
  static Value get(const LeafValues& v, size_t i) { return v.bools[i]; }
  static uint32_t key(const LeafValues& v, size_t i) { return v.bools[i]; }
  static void stat(ColumnStatistics& s, Value x) { s.add_bool(x != 0); }
};
struct Int32Traits {
  using Value = int32_t;
  using Dictionary = FixedDictionary<uint32_t>;
  static Value get(const LeafValues& v, size_t i) { return v.i32[i]; }
  static uint32_t key(const LeafValues& v, size_t i) { return bits_of<uint32_t>(v.i32[i]); }
  static void stat(ColumnStatistics& s, Value x) { s.add_int32(x); }
};
struct Int64Traits {
  using Value = int64_t;
  using Dictionary = FixedDictionary<uint64_t>;
  static Value get(const LeafValues& v, size_t i) { return v.i64[i]; }
  static uint64_t key(const LeafValues& v, size_t i) { return bits_of<uint64_t>(v.i64[i]); }
  static void stat(ColumnStatistics& s, Value x) { s.add_int64(x); }
};
struct Int96Traits {
  using Value = Int96;
  using Dictionary = BytesDictionary;
  static const Value& get(const LeafValues& v, size_t i) { return v.i96[i]; }
  static std::string_view key(const LeafValues& v, size_t i) {
    return std::string_view(reinterpret_cast<const char*>(v.i96[i].bytes.data()), 12);
  }
  static void stat(ColumnStatistics&, const Value&) {}
};
struct FloatTraits {
  using Value = float;
  using Dictionary = FixedDictionary<uint32_t>;
  static Value get(const LeafValues& v, size_t i) { return v.f32[i]; }
  static uint32_t key(const LeafValues& v, size_t i) { return bits_of<uint32_t>(v.f32[i]); }
  static void stat(ColumnStatistics& s, Value x) { s.add_float(x); }
};
struct DoubleTraits {
  using Value = double;
  using Dictionary = FixedDictionary<uint64_t>;
  static Value get(const LeafValues& v, size_t i) { return v.f64[i]; }
  static uint64_t key(const LeafValues& v, size_t i) { return bits_of<uint64_t>(v.f64[i]); }
  static void stat(ColumnStatistics& s, Value x) { s.add_double(x); }
};
struct BytesTraits {
  using Value = std::string_view;
  using Dictionary = BytesDictionary;
  static Value get(const LeafValues& v, size_t i) {
    const ByteArrays& b = v.bytes;
    return std::string_view(b.data.data() + b.offsets[i], b.offsets[i + 1] - b.offsets[i]);
  }
  static Value key(const LeafValues& v, size_t i) { return get(v, i); }
  static void stat(ColumnStatistics& s, Value x) { s.add_bytes(x); }
};

// Slot sources: which slots of the leaf array hold the next values.
struct SlotRange {
  size_t first;
  size_t operator[](size_t i) const { return first + i; }
  SlotRange from(size_t i) const { return SlotRange{first + i}; }
};
struct SlotList {
  const size_t* slots;
  size_t operator[](size_t i) const { return slots[i]; }
  SlotList from(size_t i) const { return SlotList{slots + i}; }
};

// ---------------------------------------------------------------- writer --

template <typename Traits>
class TypedColumnChunkWriter final : public ColumnChunkWriter {
  using Value = typename Traits::Value;
  static constexpr bool kBytes = std::is_same_v<Value, std::string_view>;
  static constexpr bool kBool = std::is_same_v<Value, uint8_t>;
  using Dictionary = typename Traits::Dictionary;

 public:
  TypedColumnChunkWriter(const ColumnDescriptor& column, const ColumnChunkOptions& options)
      : column_(column),
        options_(options),
        max_def_(column.max_def_level),
        max_rep_(column.max_rep_level),
        def_width_(bit_width_for(static_cast<uint64_t>(column.max_def_level))),
        rep_width_(bit_width_for(static_cast<uint64_t>(column.max_rep_level))),
        dictionary_(make_dictionary()),
        stats_(column) {
    start_chunk();
  }

  Status append(const ShreddedLeaf& leaf) override {
    const LeafValues& values = leaf.values->values;
    const size_t n = leaf.num_entries;
    const int16_t* def = max_def_ > 0 ? leaf.def_levels.data() : nullptr;
    const int16_t* rep = max_rep_ > 0 ? leaf.rep_levels.data() : nullptr;
    size_t entry = 0;
    size_t value = 0;
    while (entry < n) {
      size_t stop = std::min(n, entry + mini_batch());
      if (rep != nullptr) {
        while (stop < n && rep[stop] != 0) ++stop;
      }
      const size_t count = stop - entry;
      size_t present = count;
      if (def != nullptr) {
        present = 0;
        const size_t at = def_levels_.size();
        def_levels_.resize(at + count);
        uint16_t* out = def_levels_.data() + at;
        for (size_t i = 0; i < count; ++i) {
          out[i] = static_cast<uint16_t>(def[entry + i]);
          present += def[entry + i] == max_def_;
        }
      }
      if (rep != nullptr) {
        const size_t at = rep_levels_.size();
        rep_levels_.resize(at + count);
        uint16_t* out = rep_levels_.data() + at;
        for (size_t i = 0; i < count; ++i) out[i] = static_cast<uint16_t>(rep[entry + i]);
      }
      put_values(values, SlotList{leaf.value_slots.data() + value}, present);
      page_entries_ += count;
      page_nulls_ += count - present;
      entry = stop;
      value += present;
      MEDALLION_RETURN_IF_ERROR(after_batch());
    }
    return Status::ok();
  }

  Status append_flat(const ValueArray& array, size_t begin, size_t end) override {
    const LeafValues& values = array.values;
    for (size_t at = begin; at < end;) {
      const size_t stop = std::min(end, at + mini_batch());
      const size_t count = stop - at;
      if (max_def_ == 0 || array.validity.empty()) {
        if (max_def_ > 0) def_levels_.insert(def_levels_.end(), count, uint16_t{1});
        put_values(values, SlotRange{at}, count);
      } else {
        const uint8_t* valid = array.validity.data();
        const size_t level_at = def_levels_.size();
        def_levels_.resize(level_at + count);
        uint16_t* levels = def_levels_.data() + level_at;
        slots_.clear();
        for (size_t i = 0; i < count; ++i) {
          const bool present = valid[at + i] != 0;
          levels[i] = present ? 1 : 0;
          if (present) slots_.push_back(at + i);
        }
        page_nulls_ += count - slots_.size();
        put_values(values, SlotList{slots_.data()}, slots_.size());
      }
      page_entries_ += count;
      at = stop;
      MEDALLION_RETURN_IF_ERROR(after_batch());
    }
    return Status::ok();
  }

  uint64_t buffered_bytes() const override {
    return pages_.size() + page_estimate() +
           (dictionary_pages_ > 0 || dictionary_mode_ ? dictionary_.plain_bytes() : 0);
  }

  int64_t num_values() const override {
    return chunk_values_ + static_cast<int64_t>(page_entries_);
  }

  util::Result<ColumnMetaData> finish(
      int64_t chunk_offset, const std::function<Status(std::string_view)>& write) override {
    MEDALLION_RETURN_IF_ERROR(finish_page());
    ColumnMetaData meta;
    meta.type = column_.physical_type;
    meta.path_in_schema = column_.path;
    meta.codec = options_.codec;
    meta.num_values = chunk_values_;
    int64_t dictionary_size = 0;
    std::vector<PageEncodingStats> encoding_stats;
    if (dictionary_pages_ > 0) {
      body_.clear();
      dictionary_.encode_plain(&body_);
      PageHeader header;
      header.type = PageType::kDictionaryPage;
      DictionaryPageHeader dict;
      dict.num_values = static_cast<int32_t>(dictionary_.size());
      dict.encoding = Encoding::kPlain;
      header.dictionary_page_header = dict;
      MEDALLION_ASSIGN_OR_RETURN(std::string_view stored, compress(body_));
      header.uncompressed_page_size = static_cast<int32_t>(body_.size());
      header.compressed_page_size = static_cast<int32_t>(stored.size());
      const std::string header_bytes = encode_page_header(header);
      MEDALLION_RETURN_IF_ERROR(write(header_bytes));
      MEDALLION_RETURN_IF_ERROR(write(stored));
      dictionary_size = static_cast<int64_t>(header_bytes.size() + stored.size());
      meta.total_uncompressed_size += static_cast<int64_t>(header_bytes.size() + body_.size());
      meta.total_compressed_size += dictionary_size;
      meta.dictionary_page_offset = chunk_offset;
      encoding_stats.push_back({PageType::kDictionaryPage, Encoding::kPlain, 1});
    }
    MEDALLION_RETURN_IF_ERROR(write(pages_));
    meta.total_uncompressed_size += pages_uncompressed_;
    meta.total_compressed_size += static_cast<int64_t>(pages_.size());
    meta.data_page_offset = chunk_offset + dictionary_size;

    std::vector<Encoding> encodings;
    if (dictionary_pages_ > 0 || plain_pages_ > 0) encodings.push_back(Encoding::kPlain);
    if (max_def_ > 0 || max_rep_ > 0) encodings.push_back(Encoding::kRle);
    if (dictionary_pages_ > 0) encodings.push_back(Encoding::kRleDictionary);
    meta.encodings = std::move(encodings);
    if (dictionary_pages_ > 0) {
      encoding_stats.push_back({PageType::kDataPage, Encoding::kRleDictionary, dictionary_pages_});
    }
    if (plain_pages_ > 0) {
      encoding_stats.push_back({PageType::kDataPage, Encoding::kPlain, plain_pages_});
    }
    meta.encoding_stats = std::move(encoding_stats);
    meta.statistics = stats_.to_statistics();
    start_chunk();
    return meta;
  }

 private:
  Dictionary make_dictionary() const {
    if constexpr (std::is_same_v<Dictionary, BytesDictionary>) {
      return Dictionary(column_.physical_type == Type::kByteArray, options_.max_dictionary_bytes);
    } else {
      return Dictionary();
    }
  }

  void start_chunk() {
    pages_.clear();
    pages_uncompressed_ = 0;
    chunk_values_ = 0;
    dictionary_pages_ = 0;
    plain_pages_ = 0;
    dictionary_.clear();
    dictionary_mode_ = options_.dictionary && !kBool;
    dictionary_values_ = 0;
    stats_.reset();
    clear_page();
  }

  void clear_page() {
    def_levels_.clear();
    rep_levels_.clear();
    indices_.clear();
    plain_.clear();
    bools_.clear();
    page_entries_ = 0;
    page_nulls_ = 0;
  }

  template <typename Slots>
  void put_values(const LeafValues& values, Slots slots, size_t count) {
    if (count == 0) return;
    if (dictionary_mode_) {
      // Hashes run kAhead values in front of the lookups, whose table slots
      // are prefetched meanwhile.
      constexpr size_t kAhead = 8;
      uint64_t ahead[16];
      for (size_t i = 0; i < std::min(count, kAhead); ++i) {
        ahead[i] = Dictionary::hash(Traits::key(values, slots[i]));
        dictionary_.prefetch(ahead[i]);
      }
      const size_t at = indices_.size();
      indices_.resize(at + count);
      uint32_t* out = indices_.data() + at;
      for (size_t i = 0; i < count; ++i) {
        if (i + kAhead < count) {
          const uint64_t h = Dictionary::hash(Traits::key(values, slots[i + kAhead]));
          ahead[(i + kAhead) % 16] = h;
          dictionary_.prefetch(h);
        }
        const auto key = Traits::key(values, slots[i]);
        if (dictionary_.would_overflow(key)) {
          // The dictionary cannot take this value: the open page goes PLAIN
          // and so does the rest of the chunk.
          indices_.resize(at + i);
          demote_page_to_plain();
          put_values(values, slots.from(i), count - i);
          return;
        }
        bool inserted;
        out[i] = dictionary_.insert(key, ahead[i % 16], &inserted);
        if (inserted) Traits::stat(stats_, Traits::get(values, slots[i]));
      }
      dictionary_values_ += count;
      return;
    }
    if constexpr (kBool) {
      for (size_t i = 0; i < count; ++i) {
        const Value v = Traits::get(values, slots[i]);
        bools_.push_back(v != 0 ? 1 : 0);
        Traits::stat(stats_, v);
      }
    } else if constexpr (kBytes) {
      const size_t prefix = column_.physical_type == Type::kByteArray ? 4 : 0;
      size_t bytes = count * prefix;
      for (size_t i = 0; i < count; ++i) bytes += Traits::get(values, slots[i]).size();
      size_t at = plain_.size();
      plain_.resize(at + bytes);
      char* out = plain_.data();
      for (size_t i = 0; i < count; ++i) {
        const Value v = Traits::get(values, slots[i]);
        if (prefix != 0) {
          const uint32_t length = static_cast<uint32_t>(v.size());
          std::memcpy(out + at, &length, 4);
        }
        if (!v.empty()) std::memcpy(out + at + prefix, v.data(), v.size());
        at += prefix + v.size();
        Traits::stat(stats_, v);
      }
    } else {
      const size_t at = plain_.size();
      plain_.resize(at + count * sizeof(Value));
      char* out = plain_.data() + at;
      for (size_t i = 0; i < count; ++i) {
        const Value v = Traits::get(values, slots[i]);
        std::memcpy(out + i * sizeof(Value), &v, sizeof(Value));
        Traits::stat(stats_, v);
      }
    }
  }

  // Re-encodes the open page's dictionary indices as PLAIN values and leaves
  // dictionary mode.
  void demote_page_to_plain() {
    dictionary_mode_ = false;
    if constexpr (!kBool) {
      plain_.clear();
      for (const uint32_t index : indices_) dictionary_.append_plain(index, &plain_);
    }
    indices_.clear();
  }

  uint64_t page_estimate() const {
    uint64_t bytes = (page_entries_ * static_cast<uint64_t>(def_width_ + rep_width_) + 7) / 8;
    if (dictionary_mode_) {
      const int width = bit_width_for(dictionary_.size());
      bytes += (indices_.size() * static_cast<uint64_t>(width) + 7) / 8;
    }
    bytes += plain_.size() + (bools_.size() + 7) / 8;
    return bytes;
  }

  size_t mini_batch() const {
    if (bytes_per_entry_ <= 0) return kFirstMiniBatch;
    const uint64_t estimate = page_estimate();
    const uint64_t left =
        options_.data_page_bytes > estimate ? options_.data_page_bytes - estimate : 0;
    const double entries = static_cast<double>(left) / bytes_per_entry_ + 1;
    return entries >= kMaxMiniBatch ? kMaxMiniBatch : static_cast<size_t>(entries);
  }

  // Called at row boundaries.
  Status after_batch() {
    if (page_entries_ > 0) {
      bytes_per_entry_ = std::max(
          1.0 / 8, static_cast<double>(page_estimate()) / static_cast<double>(page_entries_));
    }
    const bool mostly_distinct = dictionary_values_ >= kCardinalityProbeValues &&
                                 2 * static_cast<uint64_t>(dictionary_.size()) > dictionary_values_;
    if (dictionary_mode_ && (dictionary_.plain_bytes() >
                                 std::min({options_.dictionary_page_bytes,
                                           options_.max_dictionary_bytes, kMaxDictionaryBytes}) ||
                             dictionary_.size() >= kMaxDictionaryEntries || mostly_distinct)) {
      MEDALLION_RETURN_IF_ERROR(finish_page());
      dictionary_mode_ = false;
      return Status::ok();
    }
    if (page_estimate() >= options_.data_page_bytes || page_entries_ >= kMaxPageEntries) {
      return finish_page();
    }
    return Status::ok();
  }

  util::Result<std::string_view> compress(const std::string& body) {
    if (options_.codec == CompressionCodec::kUncompressed) return std::string_view(body);
    MEDALLION_RETURN_IF_ERROR(
        compress_page(options_.codec, body, options_.compression_level, &compressed_));
    return std::string_view(compressed_);
  }

  Status finish_page() {
    if (page_entries_ == 0) return Status::ok();
    body_.clear();
    if (max_rep_ > 0) {
      encode_hybrid_with_length(rep_levels_.data(), rep_levels_.size(), rep_width_, &body_);
    }
    if (max_def_ > 0) {
      encode_hybrid_with_length(def_levels_.data(), def_levels_.size(), def_width_, &body_);
    }
    Encoding encoding = Encoding::kPlain;
    if (dictionary_mode_ && !indices_.empty()) {
      encoding = Encoding::kRleDictionary;
      const int width = bit_width_for(dictionary_.size() - 1);
      body_.push_back(static_cast<char>(width));
      encode_hybrid(indices_.data(), indices_.size(), width, &body_);
    } else if constexpr (kBool) {
      encode_plain_boolean(bools_, &body_);
    } else {
      body_.append(plain_.data(), plain_.size());
    }
    if (body_.size() > 0x7fffffffu) {
      return Status::invalid_argument(fmt::format(
          "parquet: a data page of {} bytes is too large (column '{}'): lower data_page_bytes or "
          "split huge values",
          body_.size(), column_.dotted_path()));
    }
    MEDALLION_ASSIGN_OR_RETURN(std::string_view stored, compress(body_));
    PageHeader header;
    header.type = PageType::kDataPage;
    header.uncompressed_page_size = static_cast<int32_t>(body_.size());
    header.compressed_page_size = static_cast<int32_t>(stored.size());
    DataPageHeader data;
    data.num_values = static_cast<int32_t>(page_entries_);
    data.encoding = encoding;
    data.definition_level_encoding = Encoding::kRle;
    data.repetition_level_encoding = Encoding::kRle;
    header.data_page_header = data;
    const std::string header_bytes = encode_page_header(header);
    pages_.append(header_bytes);
    pages_.append(stored);
    pages_uncompressed_ += static_cast<int64_t>(header_bytes.size() + body_.size());
    chunk_values_ += static_cast<int64_t>(page_entries_);
    stats_.add_nulls(static_cast<int64_t>(page_nulls_));
    if (encoding == Encoding::kRleDictionary) {
      ++dictionary_pages_;
    } else {
      ++plain_pages_;
    }
    clear_page();
    return Status::ok();
  }

  const ColumnDescriptor column_;
  const ColumnChunkOptions options_;
  const int16_t max_def_;
  const int16_t max_rep_;
  const int def_width_;
  const int rep_width_;

  // The chunk.
  std::string pages_;  // finished data pages, headers included, as stored
  int64_t pages_uncompressed_ = 0;
  int64_t chunk_values_ = 0;  // entries in finished pages
  int32_t dictionary_pages_ = 0;
  int32_t plain_pages_ = 0;
  bool dictionary_mode_ = true;
  uint64_t dictionary_values_ = 0;  // values encoded with the dictionary in this chunk
  Dictionary dictionary_;
  ColumnStatistics stats_;

  // The open page.
  Buffer<uint16_t> def_levels_;
  Buffer<uint16_t> rep_levels_;
  Buffer<uint32_t> indices_;
  Buffer<char> plain_;
  std::vector<uint8_t> bools_;
  size_t page_entries_ = 0;
  size_t page_nulls_ = 0;
  double bytes_per_entry_ = 0;  // of the open or last page; 0 before any

  // Scratch.
  std::vector<size_t> slots_;
  std::string body_;
  std::string compressed_;
};

}  // namespace

std::unique_ptr<ColumnChunkWriter> ColumnChunkWriter::make(const ColumnDescriptor& column,
                                                           const ColumnChunkOptions& options) {
  switch (column.physical_type) {
    case Type::kBoolean:
      return std::make_unique<TypedColumnChunkWriter<BoolTraits>>(column, options);
    case Type::kInt32:
      return std::make_unique<TypedColumnChunkWriter<Int32Traits>>(column, options);
    case Type::kInt64:
      return std::make_unique<TypedColumnChunkWriter<Int64Traits>>(column, options);
    case Type::kInt96:
      return std::make_unique<TypedColumnChunkWriter<Int96Traits>>(column, options);
    case Type::kFloat:
      return std::make_unique<TypedColumnChunkWriter<FloatTraits>>(column, options);
    case Type::kDouble:
      return std::make_unique<TypedColumnChunkWriter<DoubleTraits>>(column, options);
    case Type::kByteArray:
    case Type::kFixedLenByteArray:
      return std::make_unique<TypedColumnChunkWriter<BytesTraits>>(column, options);
  }
  return nullptr;
}

}  // namespace medallion::parquet
