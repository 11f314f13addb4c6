#include "formats/compression/bz2_block_decoder.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>

#include <sys/mman.h>

#include "formats/compression/bz2_format.h"

namespace medallion::compression {

namespace {

constexpr int kMaxCodeBits = 20;
constexpr int kMinGroups = 2;
constexpr int kMaxGroups = 6;
// Up to 256 bytes in use: MTF indexes 1..255, RUNA and RUNB (for index 0), EOB.
constexpr int kMaxAlphabet = 258;
constexpr int kSymbolsPerGroup = 50;
constexpr uint32_t kMaxSelectors = 18002;  // more are read but never used
// A run of RUNA/RUNB digits worth this much is longer than any block.
constexpr uint32_t kMaxRunDigit = 2u * 1024 * 1024;
// Codes up to this long decode with one table lookup.
constexpr int kLookupBits = 10;

util::Status bad(const char* what) {
  return util::Status::corruption(std::string("bzip2 block: ") + what);
}

// ---- CRC-32 as bzip2 uses it: MSB-first, slicing by 8. ----

struct CrcTables {
  std::array<std::array<uint32_t, 256>, 8> t{};
  constexpr CrcTables() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i << 24;
      for (int k = 0; k < 8; ++k) c = (c & 0x80000000u) ? (c << 1) ^ 0x04c11db7u : c << 1;
      t[0][i] = c;
    }
    for (int s = 1; s < 8; ++s) {
      for (uint32_t i = 0; i < 256; ++i) {
        const uint32_t prev = t[s - 1][i];
        t[s][i] = (prev << 8) ^ t[0][prev >> 24];
      }
    }
  }
};
constexpr CrcTables kCrc;

inline uint32_t load_be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

inline uint64_t load_be64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return __builtin_bswap64(v);
}

// ---- Bits, MSB-first. ----

// Keeps the next bits left-aligned in a 64-bit word. Past the end of the
// input it supplies zero bits and counts them, so a decoder reading garbage
// stops at its own bounds and overran() tells it why.
class BitReader {
 public:
  BitReader(const uint8_t* data, size_t size, unsigned first_bit)
      : begin_(data), p_(data), end_(data + size) {
    refill();
    consume(static_cast<int>(first_bit));
  }

  // Afterwards at least 56 bits are buffered.
  void refill() {
    if (end_ - p_ >= 8) {
      // Loads 8 bytes; the bits past the new count repeat the next byte's and
      // are or-ed in again, identically, by the next refill.
      buf_ |= load_be64(p_) >> count_;
      p_ += (63 - count_) >> 3;
      count_ |= 56;
      return;
    }
    while (count_ <= 56) {
      uint64_t byte = 0;
      if (p_ < end_) {
        byte = *p_++;
      } else {
        padded_bits_ += 8;
      }
      buf_ |= byte << (56 - count_);
      count_ += 8;
    }
  }
  // The next n (1..32) bits, without consuming them; needs count() >= n.
  uint32_t peek(int n) const { return static_cast<uint32_t>(buf_ >> (64 - n)); }
  void consume(int n) {
    buf_ <<= n;
    count_ -= static_cast<unsigned>(n);
  }
  uint32_t get(int n) {
    if (count_ < static_cast<unsigned>(n)) refill();
    const uint32_t v = peek(n);
    consume(n);
    return v;
  }
  unsigned count() const { return count_; }
  bool overran() const { return consumed() > (static_cast<uint64_t>(end_ - begin_) * 8); }
  // Bits consumed since data[0] bit 0.
  uint64_t consumed() const {
    return static_cast<uint64_t>(p_ - begin_) * 8 + padded_bits_ - count_;
  }

 private:
  const uint8_t* begin_;
  const uint8_t* p_;
  const uint8_t* end_;
  uint64_t buf_ = 0;
  unsigned count_ = 0;
  uint64_t padded_bits_ = 0;
};

// ---- Canonical Huffman tables. ----

// One coding table: codes assigned in order of (length, symbol), as bzip2's
// encoder does. Codes of at most kLookupBits decode with one lookup; longer
// ones by comparing against the last code of each length.
struct HuffmanTable {
  // (symbol << 5) | length, or 0 when the code is longer than kLookupBits (or
  // the bits are no code at all).
  std::array<uint16_t, 1u << kLookupBits> lookup;
  std::array<int32_t, kMaxCodeBits + 2> limit;  // last code of each length, -1 if none
  std::array<int32_t, kMaxCodeBits + 2> offset;  // code - offset = index into perm
  std::array<uint16_t, kMaxAlphabet> perm;      // symbols sorted by (length, symbol)
  int max_len = 0;
  bool oversubscribed = false;

  void build(const uint8_t* lengths, int alphabet) {
    std::array<int, kMaxCodeBits + 2> count{};
    max_len = 0;
    for (int s = 0; s < alphabet; ++s) {
      ++count[lengths[s]];
      max_len = std::max<int>(max_len, lengths[s]);
    }
    // Kraft's inequality: more codes than the lengths allow is no prefix code.
    uint64_t kraft = 0;
    for (int len = 1; len <= kMaxCodeBits; ++len) {
      kraft += static_cast<uint64_t>(count[len]) << (kMaxCodeBits - len);
    }
    oversubscribed = kraft > (uint64_t{1} << kMaxCodeBits);
    if (oversubscribed) return;

    std::array<int, kMaxCodeBits + 2> first_index{};
    int index = 0;
    int32_t code = 0;
    limit.fill(-1);
    for (int len = 1; len <= kMaxCodeBits; ++len) {
      first_index[len] = index;
      offset[len] = code - index;
      limit[len] = code + count[len] - 1;
      index += count[len];
      code = (code + count[len]) << 1;
    }
    std::array<int, kMaxCodeBits + 2> next = first_index;
    for (int s = 0; s < alphabet; ++s) perm[next[lengths[s]]++] = static_cast<uint16_t>(s);

    lookup.fill(0);
    for (int len = 1; len <= std::min(max_len, kLookupBits); ++len) {
      for (int i = 0; i < count[len]; ++i) {
        const int idx = first_index[len] + i;
        const uint32_t c = static_cast<uint32_t>(idx + offset[len]);
        const uint32_t lo = c << (kLookupBits - len);
        const uint32_t hi = (c + 1) << (kLookupBits - len);
        const auto entry = static_cast<uint16_t>((perm[idx] << 5) | len);
        for (uint32_t k = lo; k < hi; ++k) lookup[k] = entry;
      }
    }
  }

  // The next symbol, or -1 if the bits are no code. Needs >= 20 bits buffered.
  int decode(BitReader& bits) const {
    const uint16_t entry = lookup[bits.peek(kLookupBits)];
    if (entry != 0) {
      bits.consume(entry & 31);
      return entry >> 5;
    }
    for (int len = kLookupBits + 1; len <= max_len; ++len) {
      const auto c = static_cast<int32_t>(bits.peek(len));
      if (c <= limit[len]) {
        bits.consume(len);
        return perm[static_cast<size_t>(c - offset[len])];
      }
    }
    return -1;
  }
};

// ---- Scratch memory, one set per thread. ----

// The walks of the inverse BWT read two 3.6 MB tables at random: with 4 KiB
// pages nearly every step also misses the TLB. The tables therefore live in
// one mapping that asks for transparent huge pages (where the kernel offers
// them only on request; elsewhere the request is a harmless no-op).
class HugeRegion {
 public:
  explicit HugeRegion(size_t bytes) {
    constexpr size_t kHuge = 2u << 20;
    size_ = (bytes + kHuge - 1) / kHuge * kHuge + kHuge;  // room to align
    void* p = mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      size_ = 0;
      return;  // data() is null
    }
    base_ = static_cast<uint8_t*>(p);
    const auto addr = reinterpret_cast<uintptr_t>(base_);
    aligned_ = base_ + ((kHuge - addr % kHuge) % kHuge);
    madvise(aligned_, size_ - static_cast<size_t>(aligned_ - base_), MADV_HUGEPAGE);
  }
  ~HugeRegion() {
    if (base_ != nullptr) munmap(base_, size_);
  }
  HugeRegion(const HugeRegion&) = delete;
  HugeRegion& operator=(const HugeRegion&) = delete;
  uint8_t* data() const { return aligned_; }  // null when the mapping failed

 private:
  uint8_t* base_ = nullptr;
  uint8_t* aligned_ = nullptr;
  size_t size_ = 0;
};

struct Scratch {
  static constexpr size_t kTableBytes = kBz2MaxBlockBytes * sizeof(uint32_t);
  HugeRegion region{2 * kTableBytes + kBz2MaxBlockBytes};  // forward, backward, text
  uint32_t* forward() const { return reinterpret_cast<uint32_t*>(region.data()); }
  uint32_t* backward() const { return reinterpret_cast<uint32_t*>(region.data() + kTableBytes); }
  uint8_t* text() const { return region.data() + 2 * kTableBytes; }
  std::array<HuffmanTable, kMaxGroups> tables;
};

Scratch& thread_scratch() {
  thread_local std::unique_ptr<Scratch> scratch = std::make_unique<Scratch>();
  return *scratch;
}

// Writes S[0..n) of the text whose row is orig_ptr: row orig_ptr holds the
// text itself, so F[orig_ptr] = S[0] and L[orig_ptr] = S[n-1]. The two walks
// are independent chains of cache misses; interleaving them overlaps those.
//
// libbz2 walks forward only, n steps: S[k] = F[T^k(orig_ptr)]. The backward
// walk gives the same bytes exactly when T^n(orig_ptr) = orig_ptr, which
// holds when T is one cycle of length n, as in every block an encoder writes.
// A damaged block's T can have shorter cycles; the result says whether the
// walks closed that loop (met where they should), and when not, the text
// is not the one libbz2 would give. Kept out of line so that the loop gets
// registers of its own.
[[gnu::noinline]] bool walk_both_ways(const uint32_t* forward, const uint32_t* backward,
                                      uint32_t orig_ptr, uint32_t n, uint8_t* text) {
  const uint32_t half = n / 2;
  uint32_t f = orig_ptr;
  uint32_t b = orig_ptr;
  uint8_t* back = text + n - 1;
  for (uint32_t k = 0; k < half; ++k) {
    const uint32_t fe = forward[f];
    const uint32_t be = backward[b];
    text[k] = static_cast<uint8_t>(fe);
    back[-static_cast<ptrdiff_t>(k)] = static_cast<uint8_t>(be);
    f = fe >> 8;
    b = be >> 8;
  }
  // Now f = T^half(orig_ptr) and b = T^-half(orig_ptr).
  if ((n & 1) == 0) return f == b;
  text[half] = static_cast<uint8_t>(forward[f]);
  return (forward[f] >> 8) == b;
}

// Undoes bzip2's initial run-length encoding: after four equal bytes comes a
// count (0..255) of further copies. An encoder always writes that count, and
// libbz2 rejects a block whose last four bytes are equal; false then.
bool undo_initial_rle(const uint8_t* in, size_t n, std::string& out) {
  out.resize(n + n / 8 + 512);
  auto* dst = reinterpret_cast<uint8_t*>(out.data());
  size_t o = 0;
  size_t i = 0;
  while (i < n) {
    if (out.size() - o < 4 + 255) {
      out.resize(out.size() * 2);
      dst = reinterpret_cast<uint8_t*>(out.data());
    }
    const uint8_t c = in[i];
    size_t run = 1;
    while (run < 4 && i + run < n && in[i + run] == c) ++run;
    for (size_t k = 0; k < run; ++k) dst[o++] = c;
    i += run;
    if (run == 4) {
      if (i == n) return false;
      const size_t extra = in[i++];
      std::memset(dst + o, c, extra);
      o += extra;
    }
  }
  out.resize(o);
  return true;
}

}  // namespace

uint32_t bz2_crc32(const uint8_t* p, size_t n) {
  uint32_t crc = 0xffffffffu;
  const auto& t = kCrc.t;
  while (n >= 8) {
    const uint32_t a = crc ^ load_be32(p);
    const uint32_t b = load_be32(p + 4);
    crc = t[7][a >> 24] ^ t[6][(a >> 16) & 0xff] ^ t[5][(a >> 8) & 0xff] ^ t[4][a & 0xff] ^
          t[3][b >> 24] ^ t[2][(b >> 16) & 0xff] ^ t[1][(b >> 8) & 0xff] ^ t[0][b & 0xff];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) crc = (crc << 8) ^ t[0][(crc >> 24) ^ *p++];
  return ~crc;
}

util::Result<std::string> decode_bz2_block_bits(const uint8_t* data, size_t size,
                                                unsigned first_bit, uint64_t bit_length) {
  if (first_bit > 7 || (first_bit + bit_length + 7) / 8 > size) return bad("bits out of range");
  BitReader bits(data, size, first_bit);

  // -- Header.
  const uint64_t magic = (uint64_t{bits.get(24)} << 24) | bits.get(24);
  if (magic != bz2::kBlockMagic) return bad("no block magic");
  const uint32_t stored_crc = bits.get(32);
  if (bits.get(1) != 0) return util::Status::unsupported("bzip2 block: randomised");
  const uint32_t orig_ptr = bits.get(24);

  // -- The bytes in use, in order: the MTF alphabet.
  std::array<uint8_t, 256> mtf{};
  int in_use = 0;
  const uint32_t used16 = bits.get(16);
  for (int i = 0; i < 16; ++i) {
    if ((used16 & (0x8000u >> i)) == 0) continue;
    const uint32_t used = bits.get(16);
    for (int j = 0; j < 16; ++j) {
      if (used & (0x8000u >> j)) mtf[static_cast<size_t>(in_use++)] = static_cast<uint8_t>(i * 16 + j);
    }
  }
  if (in_use == 0) return bad("no bytes in use");
  const int alphabet = in_use + 2;
  const int eob = in_use + 1;

  // -- Which table codes each group of 50 symbols.
  const int groups = static_cast<int>(bits.get(3));
  if (groups < kMinGroups || groups > kMaxGroups) return bad("bad number of Huffman tables");
  uint32_t selectors = bits.get(15);
  if (selectors == 0) return bad("no selectors");
  std::array<uint8_t, kMaxGroups> order{};
  for (int g = 0; g < groups; ++g) order[static_cast<size_t>(g)] = static_cast<uint8_t>(g);
  auto selector = std::make_unique<uint8_t[]>(std::min(selectors, kMaxSelectors));
  for (uint32_t i = 0; i < selectors; ++i) {
    int j = 0;
    while (bits.get(1) != 0) {
      if (++j >= groups) return bad("bad selector");
    }
    if (i >= kMaxSelectors) continue;
    const uint8_t chosen = order[static_cast<size_t>(j)];
    for (; j > 0; --j) order[static_cast<size_t>(j)] = order[static_cast<size_t>(j - 1)];
    order[0] = chosen;
    selector[i] = chosen;
  }
  selectors = std::min(selectors, kMaxSelectors);

  // -- The code lengths, delta-coded.
  Scratch& scratch = thread_scratch();
  if (scratch.region.data() == nullptr) {
    return util::Status::unsupported("bzip2 block: no memory for the decoder's tables");
  }
  for (int g = 0; g < groups; ++g) {
    std::array<uint8_t, kMaxAlphabet> lengths{};
    int len = static_cast<int>(bits.get(5));
    for (int s = 0; s < alphabet; ++s) {
      for (;;) {
        if (len < 1 || len > kMaxCodeBits) return bad("bad code length");
        if (bits.get(1) == 0) break;
        len += bits.get(1) == 0 ? 1 : -1;
      }
      lengths[static_cast<size_t>(s)] = static_cast<uint8_t>(len);
    }
    scratch.tables[static_cast<size_t>(g)].build(lengths.data(), alphabet);
  }
  if (bits.overran()) return bad("truncated header");

  // -- Symbols: undo RUNA/RUNB and MTF into the BWT's last column.
  uint8_t* text = scratch.text();
  std::array<uint32_t, 256> freq{};
  uint32_t n = 0;
  uint32_t next_selector = 0;
  int left_in_group = 0;
  const HuffmanTable* table = nullptr;
  uint32_t run = 0;        // zero-run length so far
  uint32_t run_digit = 1;  // weight of the next RUNA/RUNB digit
  for (;;) {
    if (left_in_group == 0) {
      if (next_selector >= selectors) return bad("more symbols than selectors");
      table = &scratch.tables[selector[next_selector++]];
      if (table->oversubscribed) return bad("oversubscribed Huffman code");
      if (bits.overran()) return bad("truncated data");
      left_in_group = kSymbolsPerGroup;
    }
    --left_in_group;
    if (bits.count() < kMaxCodeBits) bits.refill();
    const int sym = table->decode(bits);
    if (sym < 0) return bad("bits that are no Huffman code");
    if (sym <= 1) {  // RUNA adds 1 x digit, RUNB 2 x digit
      if (run_digit >= kMaxRunDigit) return bad("zero run too long");
      run += run_digit << sym;
      run_digit <<= 1;
      continue;
    }
    if (run != 0) {
      if (run > kBz2MaxBlockBytes - n) return bad("block too long");
      std::memset(text + n, mtf[0], run);
      freq[mtf[0]] += run;
      n += run;
      run = 0;
      run_digit = 1;
    }
    if (sym == eob) break;
    if (n >= kBz2MaxBlockBytes) return bad("block too long");
    const size_t index = static_cast<size_t>(sym - 1);
    const uint8_t c = mtf[index];
    std::memmove(mtf.data() + 1, mtf.data(), index);
    mtf[0] = c;
    text[n++] = c;
    ++freq[c];
  }
  if (bits.consumed() != first_bit + bit_length) {
    return bad(bits.consumed() < first_bit + bit_length ? "bits after the end of the block"
                                                        : "truncated data");
  }
  if (orig_ptr >= n) return bad("origin pointer beyond the block");

  // -- Inverse BWT. For each row i of L, LF(i) = j is the row that starts
  // with L[i]; T is its inverse. forward[j] packs (T(j), F[j]) and
  // backward[i] packs (LF(i), L[i]), F[j] being L[T(j)].
  std::array<uint32_t, 256> next_row{};
  for (uint32_t c = 0, sum = 0; c < 256; ++c) {
    next_row[c] = sum;
    sum += freq[c];
  }
  uint32_t* forward = scratch.forward();
  uint32_t* backward = scratch.backward();
  for (uint32_t i = 0; i < n; ++i) {
    const uint8_t c = text[i];
    const uint32_t j = next_row[c]++;
    forward[j] = (i << 8) | c;
    backward[i] = (j << 8) | c;
  }
  if (!walk_both_ways(forward, backward, orig_ptr, n, text)) {
    return bad("the inverse BWT does not return to the origin pointer");
  }

  std::string out;
  if (!undo_initial_rle(text, n, out)) return bad("four equal bytes at its end without a count");
  if (bz2_crc32(reinterpret_cast<const uint8_t*>(out.data()), out.size()) != stored_crc) {
    return bad("CRC mismatch");
  }
  return out;
}

}  // namespace medallion::compression
