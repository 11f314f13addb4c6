#include "delta/roaring_bitmap.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstring>

namespace medallion::delta {

namespace {

using util::Result;
using util::Status;

constexpr size_t kBitmapContainerBytes = 8192;  // 65536 bits
// The fewest bytes a 32-bit bitmap can take: cookie 12346 and a count of 0.
constexpr size_t kMinBitmap32Bytes = 8;

Status corrupt(size_t at, std::string_view what) {
  return Status::corruption(fmt::format(
      "delta: {} (deletion vector bitmap, byte {}): the deletion vector is corrupt", what, at));
}

// Reads little- or big-endian integers from a byte range; every read is
// checked by the caller against remaining() first (need() does it).
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes, size_t base = 0) : bytes_(bytes), base_(base) {}

  size_t position() const { return base_ + pos_; }
  size_t remaining() const { return bytes_.size() - pos_; }

  Status need(size_t n, std::string_view what) const {
    if (n > remaining()) {
      return corrupt(position(), fmt::format("{} needs {} bytes but only {} remain", what, n,
                                             remaining()));
    }
    return Status::ok();
  }

  std::string_view take(size_t n) {
    assert(n <= remaining());
    std::string_view out = bytes_.substr(pos_, n);
    pos_ += n;
    return out;
  }

  uint16_t u16le() { return static_cast<uint16_t>(le(2)); }
  uint32_t u32le() { return static_cast<uint32_t>(le(4)); }
  uint64_t u64le() { return le(8); }
  uint32_t u32(bool big_endian) {
    return big_endian ? static_cast<uint32_t>(be(4)) : u32le();
  }

 private:
  uint64_t le(size_t n) {
    assert(n <= remaining());
    uint64_t v = 0;
    for (size_t i = n; i-- > 0;) v = (v << 8) | static_cast<unsigned char>(bytes_[pos_ + i]);
    pos_ += n;
    return v;
  }
  uint64_t be(size_t n) {
    assert(n <= remaining());
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(bytes_[pos_ + i]);
    pos_ += n;
    return v;
  }

  std::string_view bytes_;
  size_t base_;
  size_t pos_ = 0;
};

uint16_t load_u16le(std::string_view bytes, size_t at) {
  return static_cast<uint16_t>(static_cast<unsigned char>(bytes[at]) |
                               (static_cast<unsigned char>(bytes[at + 1]) << 8));
}

// Decodes one portable 32-bit Roaring bitmap at r, appending high | value
// for each of its values to out.
Status decode_bitmap32(ByteReader& r, uint64_t high, uint64_t max_rows,
                       std::vector<uint64_t>& out) {
  MEDALLION_RETURN_IF_ERROR(r.need(4, "the Roaring cookie"));
  const size_t cookie_at = r.position();
  const uint32_t cookie = r.u32le();
  uint32_t count = 0;
  bool has_runs = false;
  std::string_view run_flags;
  if (cookie == kRoaringCookieNoRunContainers) {
    MEDALLION_RETURN_IF_ERROR(r.need(4, "the container count"));
    count = r.u32le();
  } else if ((cookie & 0xFFFF) == kRoaringCookieWithRunContainers) {
    has_runs = true;
    count = (cookie >> 16) + 1;
    const size_t flag_bytes = (count + 7) / 8;
    MEDALLION_RETURN_IF_ERROR(r.need(flag_bytes, "the run-container bitset"));
    run_flags = r.take(flag_bytes);
  } else {
    return corrupt(cookie_at, fmt::format("unknown Roaring cookie {}", cookie));
  }
  if (count > 65536) {
    return corrupt(cookie_at, fmt::format("{} containers, more than 65536", count));
  }
  const size_t header_bytes = size_t{count} * 4;
  MEDALLION_RETURN_IF_ERROR(r.need(header_bytes, fmt::format("the header of {} containers", count)));
  const size_t header_at = r.position();
  const std::string_view header = r.take(header_bytes);
  if (!has_runs || count >= kRoaringNoOffsetThreshold) {
    MEDALLION_RETURN_IF_ERROR(r.need(header_bytes, fmt::format("the offsets of {} containers", count)));
    (void)r.take(header_bytes);
  }

  int32_t previous_key = -1;
  for (uint32_t i = 0; i < count; ++i) {
    const uint16_t key = load_u16le(header, size_t{i} * 4);
    const uint32_t cardinality = uint32_t{load_u16le(header, size_t{i} * 4 + 2)} + 1;
    if (static_cast<int32_t>(key) <= previous_key) {
      return corrupt(header_at + size_t{i} * 4,
                     fmt::format("container key {} does not ascend (after {})", key, previous_key));
    }
    previous_key = key;
    if (cardinality > max_rows - std::min<uint64_t>(max_rows, out.size())) {
      return corrupt(header_at + size_t{i} * 4,
                     fmt::format("more than the {} rows expected", max_rows));
    }
    const uint64_t base = high | (uint64_t{key} << 16);
    const size_t container_at = r.position();
    const bool is_run =
        has_runs && (static_cast<unsigned char>(run_flags[i / 8]) >> (i % 8)) & 1;
    if (is_run) {
      MEDALLION_RETURN_IF_ERROR(r.need(2, "a run count"));
      const uint16_t runs = r.u16le();
      MEDALLION_RETURN_IF_ERROR(r.need(size_t{runs} * 4, fmt::format("{} runs", runs)));
      const std::string_view data = r.take(size_t{runs} * 4);
      // Validate first, then emit: the cardinality is checked before any row
      // it implies is materialized.
      uint64_t total = 0;
      int64_t previous_end = -1;
      for (size_t k = 0; k < runs; ++k) {
        const uint32_t start = load_u16le(data, k * 4);
        const uint32_t length = uint32_t{load_u16le(data, k * 4 + 2)} + 1;
        if (static_cast<int64_t>(start) <= previous_end || start + length > 65536) {
          return corrupt(container_at + 2 + k * 4,
                         fmt::format("run [{}, +{}) overlaps, descends or leaves its container",
                                     start, length));
        }
        previous_end = start + length - 1;
        total += length;
      }
      if (total != cardinality) {
        return corrupt(container_at, fmt::format("run container holds {} values, its header says {}",
                                                 total, cardinality));
      }
      for (size_t k = 0; k < runs; ++k) {
        const uint32_t start = load_u16le(data, k * 4);
        const uint32_t length = uint32_t{load_u16le(data, k * 4 + 2)} + 1;
        for (uint32_t v = start; v < start + length; ++v) out.push_back(base | v);
      }
    } else if (cardinality <= kRoaringMaxArrayCardinality) {
      MEDALLION_RETURN_IF_ERROR(
          r.need(size_t{cardinality} * 2, fmt::format("an array container of {} values", cardinality)));
      const std::string_view data = r.take(size_t{cardinality} * 2);
      int32_t previous = -1;
      for (size_t k = 0; k < cardinality; ++k) {
        const uint16_t v = load_u16le(data, k * 2);
        if (static_cast<int32_t>(v) <= previous) {
          return corrupt(container_at + k * 2,
                         fmt::format("array value {} does not ascend (after {})", v, previous));
        }
        previous = v;
        out.push_back(base | v);
      }
    } else {
      MEDALLION_RETURN_IF_ERROR(r.need(kBitmapContainerBytes, "a bitmap container"));
      const std::string_view data = r.take(kBitmapContainerBytes);
      uint64_t words[kBitmapContainerBytes / 8];
      std::memcpy(words, data.data(), kBitmapContainerBytes);
      if constexpr (std::endian::native == std::endian::big) {
        for (auto& w : words) w = __builtin_bswap64(w);
      }
      uint64_t total = 0;
      for (const uint64_t w : words) total += static_cast<uint64_t>(std::popcount(w));
      if (total != cardinality) {
        return corrupt(container_at, fmt::format("bitmap container holds {} values, its header says {}",
                                                 total, cardinality));
      }
      for (size_t w = 0; w < std::size(words); ++w) {
        for (uint64_t bits = words[w]; bits != 0; bits &= bits - 1) {
          out.push_back(base | (w * 64 + static_cast<uint64_t>(std::countr_zero(bits))));
        }
      }
    }
  }
  return Status::ok();
}

Status decode_portable(ByteReader& r, uint64_t max_rows, std::vector<uint64_t>& out) {
  MEDALLION_RETURN_IF_ERROR(r.need(8, "the bucket count"));
  const size_t count_at = r.position();
  const uint64_t buckets = r.u64le();
  if (buckets > r.remaining() / (4 + kMinBitmap32Bytes)) {
    return corrupt(count_at, fmt::format("{} buckets cannot fit in the {} bytes that remain",
                                         buckets, r.remaining()));
  }
  int64_t previous_key = -1;
  for (uint64_t b = 0; b < buckets; ++b) {
    MEDALLION_RETURN_IF_ERROR(r.need(4, "a bucket key"));
    const size_t key_at = r.position();
    const uint32_t key = r.u32le();
    if (key > 0x7FFFFFFFu) {
      return corrupt(key_at, fmt::format("bucket key {} has its most significant bit set", key));
    }
    if (static_cast<int64_t>(key) <= previous_key) {
      return corrupt(key_at, fmt::format("bucket key {} does not ascend (after {})", key, previous_key));
    }
    previous_key = key;
    MEDALLION_RETURN_IF_ERROR(decode_bitmap32(r, uint64_t{key} << 32, max_rows, out));
  }
  return Status::ok();
}

Status decode_native(ByteReader& r, bool big_endian, uint64_t max_rows, std::vector<uint64_t>& out) {
  MEDALLION_RETURN_IF_ERROR(r.need(4, "the bitmap count"));
  const size_t count_at = r.position();
  const uint32_t bitmaps = r.u32(big_endian);
  if (bitmaps > 0x7FFFFFFFu || bitmaps > r.remaining() / (4 + kMinBitmap32Bytes)) {
    return corrupt(count_at, fmt::format("{} bitmaps cannot fit in the {} bytes that remain",
                                         bitmaps, r.remaining()));
  }
  for (uint32_t i = 0; i < bitmaps; ++i) {
    MEDALLION_RETURN_IF_ERROR(r.need(4, "a bitmap size"));
    const size_t size_at = r.position();
    const uint32_t size = r.u32(big_endian);
    if (size > r.remaining()) {
      return corrupt(size_at, fmt::format("bitmap of {} bytes, but only {} remain", size,
                                          r.remaining()));
    }
    const size_t bitmap_at = r.position();
    ByteReader bitmap(r.take(size), bitmap_at);
    MEDALLION_RETURN_IF_ERROR(decode_bitmap32(bitmap, uint64_t{i} << 32, max_rows, out));
    if (bitmap.remaining() != 0) {
      return corrupt(bitmap.position(), fmt::format("{} bytes trail bitmap {} of its stated size {}",
                                                    bitmap.remaining(), i, size));
    }
  }
  return Status::ok();
}

void put_u16le(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>(v & 0xFF));
  out.push_back(static_cast<char>((v >> 8) & 0xFF));
}
void put_u32le(std::string& out, uint32_t v) {
  put_u16le(out, v & 0xFFFF);
  put_u16le(out, v >> 16);
}
void put_u64le(std::string& out, uint64_t v) {
  put_u32le(out, static_cast<uint32_t>(v));
  put_u32le(out, static_cast<uint32_t>(v >> 32));
}

// Appends the portable 32-bit bitmap of values (ascending, distinct).
void encode_bitmap32(const uint64_t* values, size_t n, std::string& out) {
  // Container boundaries: [begin, end) index ranges sharing bits 16..31.
  std::vector<std::pair<size_t, size_t>> containers;
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && (values[j] >> 16) == (values[i] >> 16)) ++j;
    containers.emplace_back(i, j);
    i = j;
  }
  put_u32le(out, kRoaringCookieNoRunContainers);
  put_u32le(out, static_cast<uint32_t>(containers.size()));
  for (const auto& [begin, end] : containers) {
    put_u16le(out, static_cast<uint32_t>((values[begin] >> 16) & 0xFFFF));
    put_u16le(out, static_cast<uint32_t>(end - begin - 1));
  }
  uint32_t offset = static_cast<uint32_t>(8 + 8 * containers.size());
  for (const auto& [begin, end] : containers) {
    put_u32le(out, offset);
    const size_t cardinality = end - begin;
    offset += static_cast<uint32_t>(cardinality <= kRoaringMaxArrayCardinality ? cardinality * 2
                                                                               : kBitmapContainerBytes);
  }
  for (const auto& [begin, end] : containers) {
    if (end - begin <= kRoaringMaxArrayCardinality) {
      for (size_t i = begin; i < end; ++i) put_u16le(out, static_cast<uint32_t>(values[i] & 0xFFFF));
    } else {
      uint64_t words[kBitmapContainerBytes / 8] = {};
      for (size_t i = begin; i < end; ++i) {
        const uint32_t v = values[i] & 0xFFFF;
        words[v / 64] |= uint64_t{1} << (v % 64);
      }
      for (const uint64_t w : words) put_u64le(out, w);
    }
  }
}

}  // namespace

Result<std::vector<uint64_t>> decode_roaring_bitmap_array(std::string_view bytes, uint64_t max_rows) {
  ByteReader r(bytes);
  MEDALLION_RETURN_IF_ERROR(r.need(4, "the magic number"));
  const uint32_t magic_le = r.u32le();
  const uint32_t magic_be = __builtin_bswap32(magic_le);
  std::vector<uint64_t> rows;
  if (magic_le == kRoaringBitmapArrayPortableMagic) {
    MEDALLION_RETURN_IF_ERROR(decode_portable(r, max_rows, rows));
  } else if (magic_le == kRoaringBitmapArrayNativeMagic || magic_be == kRoaringBitmapArrayNativeMagic) {
    MEDALLION_RETURN_IF_ERROR(
        decode_native(r, magic_be == kRoaringBitmapArrayNativeMagic, max_rows, rows));
  } else {
    return Status::unsupported(fmt::format(
        "delta: unknown RoaringBitmapArray magic number {} (deletion vector bitmap, byte 0): "
        "expected {} (portable) or {} (native); the deletion vector is corrupt or from a newer "
        "Delta version",
        magic_le, kRoaringBitmapArrayPortableMagic, kRoaringBitmapArrayNativeMagic));
  }
  if (r.remaining() != 0) {
    return corrupt(r.position(), fmt::format("{} bytes trail the bitmap", r.remaining()));
  }
  return rows;
}

std::string encode_roaring_bitmap_array(const std::vector<uint64_t>& sorted_rows) {
  const std::vector<uint64_t>* rows = &sorted_rows;
  std::vector<uint64_t> sorted;
  if (std::adjacent_find(sorted_rows.begin(), sorted_rows.end(),
                         [](uint64_t a, uint64_t b) { return a >= b; }) != sorted_rows.end()) {
    sorted = sorted_rows;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    rows = &sorted;
  }
  const uint64_t* values = rows->data();
  const size_t n = rows->size();
  assert(n == 0 || values[n - 1] >> 63 == 0);

  std::vector<std::pair<size_t, size_t>> buckets;
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && (values[j] >> 32) == (values[i] >> 32)) ++j;
    buckets.emplace_back(i, j);
    i = j;
  }
  std::string out;
  put_u32le(out, kRoaringBitmapArrayPortableMagic);
  put_u64le(out, buckets.size());
  for (const auto& [begin, end] : buckets) {
    put_u32le(out, static_cast<uint32_t>(values[begin] >> 32));
    encode_bitmap32(values + begin, end - begin, out);
  }
  return out;
}

}  // namespace medallion::delta
