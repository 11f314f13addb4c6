#include "formats/compression/bz2_block.h"

#include <bzlib.h>

#include <algorithm>

#include "formats/compression/bz2_block_decoder.h"
#include "formats/compression/bz2_format.h"
#include "formats/compression/bz2_magic_scanner.h"

namespace medallion::compression {

namespace {

// Appends bits MSB-first to a byte string.
class BitWriter {
 public:
  explicit BitWriter(std::string& out) : out_(out) {}

  void put(uint64_t value, int n) {
    for (int i = n - 1; i >= 0; --i) put_bit((value >> i) & 1);
  }

  // Appends bits [bit, bit + count) of src. Fast when this writer is
  // byte-aligned (it always is here: the stream header is 4 bytes).
  void put_bits_from(const uint8_t* src, uint64_t bit, uint64_t count) {
    if (used_ == 0) {
      const unsigned shift = bit & 7;
      const uint8_t* p = src + (bit >> 3);
      const uint64_t whole = count >> 3;
      const size_t base = out_.size();
      out_.resize(base + whole);
      auto* dst = reinterpret_cast<uint8_t*>(out_.data() + base);
      if (shift == 0) {
        std::copy(p, p + whole, dst);
      } else {
        for (uint64_t i = 0; i < whole; ++i) {
          dst[i] = static_cast<uint8_t>((p[i] << shift) | (p[i + 1] >> (8 - shift)));
        }
      }
      bit += whole * 8;
      count -= whole * 8;
    }
    for (uint64_t i = 0; i < count; ++i) {
      put_bit((src[(bit + i) >> 3] >> (7 - ((bit + i) & 7))) & 1);
    }
  }

  // Pads with zero bits to a byte boundary.
  void flush() {
    if (used_ != 0) {
      out_.push_back(static_cast<char>(acc_ << (8 - used_)));
      used_ = 0;
      acc_ = 0;
    }
  }

 private:
  void put_bit(uint64_t b) {
    acc_ = static_cast<uint8_t>((acc_ << 1) | b);
    if (++used_ == 8) {
      out_.push_back(static_cast<char>(acc_));
      used_ = 0;
      acc_ = 0;
    }
  }

  std::string& out_;
  uint8_t acc_ = 0;
  int used_ = 0;
};

constexpr size_t kStagingBytes = 16 * 1024;

std::string_view bz2_error_name(int rc) {
  switch (rc) {
    case BZ_DATA_ERROR: return "data integrity error (bad CRC or invalid block data)";
    case BZ_DATA_ERROR_MAGIC: return "bad magic";
    case BZ_MEM_ERROR: return "out of memory";
    case BZ_UNEXPECTED_EOF: return "block ends early";
    case BZ_PARAM_ERROR: return "parameter error";
    default: return "decoder error";
  }
}

}  // namespace

uint64_t read_bits(const uint8_t* data, uint64_t pos, int n) {
  const uint64_t first = pos >> 3;
  const unsigned skip = pos & 7;
  const int total = static_cast<int>(skip) + n;  // <= 64
  const int bytes = (total + 7) / 8;
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | data[first + static_cast<uint64_t>(i)];
  v >>= (bytes * 8 - total);
  return n == 64 ? v : v & ((uint64_t{1} << n) - 1);
}

uint32_t Bz2Segment::stored_crc() const {
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  return static_cast<uint32_t>(read_bits(p, first_bit + bz2::kMagicBits, bz2::kCrcBits));
}

Bz2Segment cut_segment(const uint8_t* data, uint64_t bit, uint64_t bit_length, uint64_t file_bit) {
  Bz2Segment s;
  const uint64_t first_byte = bit >> 3;
  const uint64_t end_byte = (bit + bit_length + 7) >> 3;
  s.bytes.assign(reinterpret_cast<const char*>(data + first_byte), end_byte - first_byte);
  s.first_bit = static_cast<uint8_t>(bit & 7);
  s.bit_length = bit_length;
  s.file_bit = file_bit;
  return s;
}

Bz2Segment join_segments(const Bz2Segment& a, const Bz2Segment& b) {
  Bz2Segment s;
  s.first_bit = a.first_bit;
  s.file_bit = a.file_bit;
  s.bit_length = a.bit_length + b.bit_length;
  s.bytes = a.bytes;
  // a's last byte and b's first byte are the same file byte when b does not
  // start on a byte boundary.
  const bool shared = ((a.first_bit + a.bit_length) & 7) != 0;
  s.bytes.append(b.bytes, shared ? 1 : 0, std::string::npos);
  return s;
}

std::vector<Bz2Segment> cut_all_blocks(std::string_view file) {
  const auto* data = reinterpret_cast<const uint8_t*>(file.data());
  const auto is_header = [&](uint64_t byte) {
    return byte + bz2::kStreamHeaderBytes <= file.size() && file.compare(byte, 3, "BZh") == 0;
  };
  std::vector<Bz2Segment> blocks;
  if (!is_header(0)) return blocks;
  const Bz2MagicScanner scanner;
  uint64_t block_bit = 0;  // 0: not inside a block
  uint64_t from = bz2::kStreamHeaderBytes * 8;
  for (;;) {
    const Bz2MagicHit hit = scanner.find(data, file.size(), from);
    if (hit.magic == Bz2Magic::kNone) break;
    if (block_bit != 0) {
      blocks.push_back(cut_segment(data, block_bit, hit.bit - block_bit, block_bit));
    }
    if (hit.magic == Bz2Magic::kBlock) {
      block_bit = hit.bit;
      from = hit.bit + bz2::kMagicBits;
      continue;
    }
    const uint64_t next_stream = (hit.bit + bz2::kMagicBits + bz2::kCrcBits + 7) / 8;
    if (!is_header(next_stream)) break;
    block_bit = 0;
    from = (next_stream + bz2::kStreamHeaderBytes) * 8;
  }
  return blocks;
}

util::Result<std::string> decode_bz2_block_with_libbz2(const Bz2Segment& segment) {
  if (segment.bit_length < bz2::kMagicBits + bz2::kCrcBits) {
    return util::Status::corruption("bzip2 block too short");
  }
  std::string stream;
  stream.reserve(segment.bytes.size() + 16);
  stream.append("BZh9");
  BitWriter w(stream);
  const auto* src = reinterpret_cast<const uint8_t*>(segment.bytes.data());
  w.put_bits_from(src, segment.first_bit, segment.bit_length);
  w.put(bz2::kEndMagic, bz2::kMagicBits);
  w.put(segment.stored_crc(), bz2::kCrcBits);
  w.flush();

  bz_stream bz{};
  if (BZ2_bzDecompressInit(&bz, 0, 0) != BZ_OK) {
    return util::Status::internal("bzip2 decoder could not be initialised");
  }
  // libbz2 writes into a small staging buffer that stays in cache: decoding
  // is bound by the inverse BWT's random reads of a 3.6 MB table, and
  // streaming megabytes of output past them would evict that table.
  std::string out;
  out.reserve(std::max<size_t>(segment.bytes.size() * 5, 1 << 20));
  char staging[kStagingBytes];
  bz.next_in = stream.data();
  bz.avail_in = static_cast<unsigned>(stream.size());
  int rc = BZ_OK;
  for (;;) {
    bz.next_out = staging;
    bz.avail_out = sizeof staging;
    const unsigned in_before = bz.avail_in;
    rc = BZ2_bzDecompress(&bz);
    const size_t produced = sizeof staging - bz.avail_out;
    out.append(staging, produced);
    if (rc != BZ_OK) break;
    if (bz.avail_in == 0 && in_before == 0 && produced == 0) {
      rc = BZ_UNEXPECTED_EOF;  // no progress and nothing left to read
      break;
    }
  }
  BZ2_bzDecompressEnd(&bz);
  if (rc != BZ_STREAM_END) {
    return util::Status::corruption(std::string(bz2_error_name(rc)));
  }
  return out;
}

util::Result<std::string> decode_bz2_block(const Bz2Segment& segment) {
  util::Result<std::string> native = decode_bz2_block_bits(
      reinterpret_cast<const uint8_t*>(segment.bytes.data()), segment.bytes.size(),
      segment.first_bit, segment.bit_length);
  if (native.is_ok()) return native;
  return decode_bz2_block_with_libbz2(segment);
}

}  // namespace medallion::compression
