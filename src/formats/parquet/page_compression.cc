#include "formats/parquet/page_compression.h"

#include <fmt/format.h>
#include <lz4.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <memory>

namespace medallion::parquet {

namespace {

// No page medallion accepts expands beyond this; a larger declared size is
// taken as corruption rather than allocated.
constexpr size_t kMaxUncompressedPageSize = size_t{1} << 30;

constexpr int kDefaultGzipLevel = 6;  // zlib's own default
// zstd's own default (ZSTD_CLEVEL_DEFAULT), which parquet-java and DuckDB use
// too: a few percent smaller than level 1 for a modest cost in write speed.
constexpr int kDefaultZstdLevel = 3;

// Hadoop's Lz4Codec decompresses each frame into a buffer of
// io.compression.codec.lz4.buffersize (256 KiB by default), so frames we
// write stay below that.
constexpr size_t kHadoopLz4FrameSize = 128 * 1024;
constexpr size_t kHadoopLz4PrefixSize = 8;

constexpr unsigned kZlibChunk = UINT_MAX;  // zlib counts bytes in a uInt

std::string name(CompressionCodec codec) { return codec_name(codec); }

util::Status size_mismatch(CompressionCodec codec, size_t actual, size_t declared,
                           size_t compressed_size) {
  return util::Status::corruption(fmt::format(
      "parquet: {} page expands to {} bytes but its header declares {} ({} compressed bytes): "
      "the file is corrupt",
      name(codec), actual, declared, compressed_size));
}

util::Status expands_beyond(CompressionCodec codec, size_t declared, size_t compressed_size) {
  return util::Status::corruption(fmt::format(
      "parquet: {} page expands to more than the {} bytes its header declares ({} compressed "
      "bytes): the file is corrupt",
      name(codec), declared, compressed_size));
}

util::Status malformed(CompressionCodec codec, std::string_view why, size_t declared,
                       size_t compressed_size) {
  return util::Status::corruption(
      fmt::format("parquet: {} page does not decompress: {} ({} compressed bytes, {} declared "
                  "uncompressed): the file is corrupt",
                  name(codec), why, compressed_size, declared));
}

util::Status not_supported(CompressionCodec codec, std::string_view where) {
  return util::Status::unsupported(
      fmt::format("parquet: compression codec {} is not supported ({}): rewrite the file with "
                  "SNAPPY, ZSTD, GZIP or LZ4_RAW",
                  name(codec), where));
}

uint32_t load_u32be(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | uint32_t{u[3]};
}

void store_u32be(uint32_t v, char* p) {
  p[0] = static_cast<char>(v >> 24);
  p[1] = static_cast<char>(v >> 16);
  p[2] = static_cast<char>(v >> 8);
  p[3] = static_cast<char>(v);
}

// ------------------------------------------------------------- decompress --

// Where a page decompresses to: a std::string (resized, so zero-filled) or a
// PageBuffer (grown without filling). Codecs ask for the storage only once
// their cheap checks have passed, so that a lying header allocates nothing.
class Output {
 public:
  explicit Output(std::string* str) : str_(str) {}
  explicit Output(PageBuffer* buffer) : buffer_(buffer) {}
  char* get(size_t n) {
    if (str_ != nullptr) {
      str_->resize(n);
      return str_->data();
    }
    return buffer_->reserve(n);
  }

 private:
  std::string* str_ = nullptr;
  PageBuffer* buffer_ = nullptr;
};

util::Status decompress_snappy(std::string_view in, size_t declared, Output& out) {
  size_t length = 0;
  if (!snappy::GetUncompressedLength(in.data(), in.size(), &length)) {
    return malformed(CompressionCodec::kSnappy, "its length preamble is unreadable", declared,
                     in.size());
  }
  if (length != declared) {
    return size_mismatch(CompressionCodec::kSnappy, length, declared, in.size());
  }
  char* dst = out.get(declared);
  // RawUncompress checks every copy against the output bounds and that the
  // output is filled exactly; it returns false on any malformed input.
  if (!snappy::RawUncompress(in.data(), in.size(), dst)) {
    return malformed(CompressionCodec::kSnappy, "its block is malformed or truncated", declared,
                     in.size());
  }
  return util::Status::ok();
}

struct InflateStream {
  z_stream z{};
  bool live = false;
  ~InflateStream() {
    if (live) inflateEnd(&z);
  }
};

// Inflates one or more concatenated gzip members (or zlib streams: windowBits
// 15 + 32 detects either header) into exactly `declared` bytes.
util::Status decompress_gzip(std::string_view in, size_t declared, Output& out) {
  constexpr auto kCodec = CompressionCodec::kGzip;
  char* dst = out.get(declared);
  InflateStream s;
  if (inflateInit2(&s.z, 15 + 32) != Z_OK) {
    return util::Status::internal("parquet: zlib inflateInit2 failed (GZIP page): out of memory?");
  }
  s.live = true;
  size_t in_pos = 0;
  size_t out_pos = 0;
  for (;;) {
    if (s.z.avail_in == 0 && in_pos < in.size()) {
      const size_t n = std::min<size_t>(in.size() - in_pos, kZlibChunk);
      s.z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + in_pos));
      s.z.avail_in = static_cast<uInt>(n);
      in_pos += n;
    }
    // declared ≤ kMaxUncompressedPageSize, which fits a uInt.
    s.z.next_out = reinterpret_cast<Bytef*>(dst + out_pos);
    s.z.avail_out = static_cast<uInt>(declared - out_pos);
    const int rc = inflate(&s.z, Z_NO_FLUSH);
    out_pos = declared - s.z.avail_out;
    const bool input_left = s.z.avail_in > 0 || in_pos < in.size();
    if (rc == Z_STREAM_END) {
      if (!input_left) break;
      // Another member follows, as `gzip` writes for concatenated files.
      if (inflateReset(&s.z) != Z_OK) {
        return malformed(kCodec, "a following gzip member cannot start", declared, in.size());
      }
      continue;
    }
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR) {                          // no progress was possible
      if (s.z.avail_in == 0 && input_left) continue;  // the next input chunk is loaded above
      if (input_left) return expands_beyond(kCodec, declared, in.size());
      return malformed(
          kCodec,
          fmt::format("the stream is truncated after {} output bytes{}", out_pos,
                      s.z.avail_out == 0 ? " (or expands beyond the declared size)" : ""),
          declared, in.size());
    }
    const char* msg = s.z.msg != nullptr ? s.z.msg : "invalid deflate data";
    if (rc == Z_NEED_DICT) msg = "the zlib stream needs a preset dictionary";
    return malformed(kCodec, msg, declared, in.size());
  }
  if (out_pos != declared) return size_mismatch(kCodec, out_pos, declared, in.size());
  return util::Status::ok();
}

bool is_skippable_zstd_frame(std::string_view frame) {
  constexpr uint32_t kSkippableMagic = 0x184D2A50;  // low 4 bits are free
  if (frame.size() < 4) return false;
  const auto* u = reinterpret_cast<const unsigned char*>(frame.data());
  const uint32_t magic =
      uint32_t{u[0]} | (uint32_t{u[1]} << 8) | (uint32_t{u[2]} << 16) | (uint32_t{u[3]} << 24);
  return (magic & 0xFFFFFFF0u) == kSkippableMagic;
}

util::Status decompress_zstd(std::string_view in, size_t declared, Output& out) {
  constexpr auto kCodec = CompressionCodec::kZstd;
  // Walk the frames first (headers and block headers only): truncation is
  // found without allocating, and when every frame records its content size
  // so is a size mismatch.
  size_t pos = 0;
  unsigned long long content = 0;
  bool content_known = true;
  while (pos < in.size()) {
    const std::string_view rest = in.substr(pos);
    const size_t frame_size = ZSTD_findFrameCompressedSize(rest.data(), rest.size());
    if (ZSTD_isError(frame_size)) {
      return malformed(kCodec,
                       fmt::format("frame at offset {}: {}", pos, ZSTD_getErrorName(frame_size)),
                       declared, in.size());
    }
    if (!is_skippable_zstd_frame(rest)) {
      const unsigned long long size = ZSTD_getFrameContentSize(rest.data(), rest.size());
      if (size == ZSTD_CONTENTSIZE_ERROR) {
        return malformed(kCodec, fmt::format("frame at offset {} has a bad header", pos), declared,
                         in.size());
      }
      if (size == ZSTD_CONTENTSIZE_UNKNOWN) {
        content_known = false;
      } else {
        content = size > ULLONG_MAX - content ? ULLONG_MAX : content + size;
      }
    }
    pos += frame_size;
  }
  if (content_known && content != declared) {
    return size_mismatch(kCodec,
                         static_cast<size_t>(std::min<unsigned long long>(content, SIZE_MAX)),
                         declared, in.size());
  }
  char* dst = out.get(declared);
  // ZSTD_decompress decodes every concatenated frame (skipping skippable
  // ones) and never writes past `declared`.
  const size_t n = ZSTD_decompress(dst, declared, in.data(), in.size());
  if (ZSTD_isError(n)) {
    if (ZSTD_getErrorCode(n) == ZSTD_error_dstSize_tooSmall) {
      return expands_beyond(kCodec, declared, in.size());
    }
    return malformed(kCodec, ZSTD_getErrorName(n), declared, in.size());
  }
  if (n != declared) return size_mismatch(kCodec, n, declared, in.size());
  return util::Status::ok();
}

// Decodes one LZ4 block into exactly `size` bytes at `dst`; false otherwise.
bool lz4_block_exact(std::string_view block, char* dst, size_t size) {
  if (block.size() > static_cast<size_t>(INT_MAX) || size > static_cast<size_t>(INT_MAX)) {
    return false;
  }
  const int n = LZ4_decompress_safe(block.data(), dst, static_cast<int>(block.size()),
                                    static_cast<int>(size));
  return n >= 0 && static_cast<size_t>(n) == size;
}

util::Status decompress_lz4_raw(std::string_view in, size_t declared, Output& out) {
  constexpr auto kCodec = CompressionCodec::kLz4Raw;
  if (in.size() > static_cast<size_t>(INT_MAX)) {
    return malformed(kCodec, "the block is larger than LZ4 allows", declared, in.size());
  }
  char* dst = out.get(declared);
  const int n = LZ4_decompress_safe(in.data(), dst, static_cast<int>(in.size()),
                                    static_cast<int>(declared));
  if (n < 0) {
    // LZ4 does not tell "output full" from "malformed"; say both.
    return malformed(kCodec,
                     fmt::format("the block is malformed, truncated, or expands to more than {} "
                                 "bytes",
                                 declared),
                     declared, in.size());
  }
  if (static_cast<size_t>(n) != declared) {
    return size_mismatch(kCodec, static_cast<size_t>(n), declared, in.size());
  }
  return util::Status::ok();
}

// Hadoop framing: frames of [u32be uncompressed][u32be compressed][block]
// that together fill exactly `declared` bytes.
bool decode_hadoop_lz4(std::string_view in, size_t declared, char* dst) {
  size_t pos = 0;
  size_t produced = 0;
  while (pos < in.size()) {
    if (in.size() - pos < kHadoopLz4PrefixSize) return false;
    const size_t frame_out = load_u32be(in.data() + pos);
    const size_t frame_in = load_u32be(in.data() + pos + 4);
    pos += kHadoopLz4PrefixSize;
    if (frame_in > in.size() - pos || frame_out > declared - produced) return false;
    if (!lz4_block_exact(in.substr(pos, frame_in), dst + produced, frame_out)) return false;
    pos += frame_in;
    produced += frame_out;
  }
  return produced == declared;
}

util::Status decompress_lz4_hadoop(std::string_view in, size_t declared, Output& out) {
  char* dst = out.get(declared);
  if (decode_hadoop_lz4(in, declared, dst)) return util::Status::ok();
  // Older parquet-cpp wrote a bare LZ4 block under this codec; Arrow and
  // parquet-java accept both, and so do we.
  if (lz4_block_exact(in, dst, declared)) return util::Status::ok();
  return malformed(CompressionCodec::kLz4,
                   fmt::format("it is neither Hadoop-framed LZ4 nor a raw LZ4 block of exactly {} "
                               "bytes",
                               declared),
                   declared, in.size());
}

util::Status decompress_any(CompressionCodec codec, std::string_view in, size_t declared,
                            Output& out) {
  switch (codec) {
    case CompressionCodec::kUncompressed:
      if (in.size() != declared) {
        return util::Status::corruption(fmt::format(
            "parquet: UNCOMPRESSED page holds {} bytes but its header declares {} uncompressed "
            "bytes: the file is corrupt",
            in.size(), declared));
      }
      if (declared > 0) std::memcpy(out.get(declared), in.data(), declared);
      return util::Status::ok();
    case CompressionCodec::kSnappy:
      return decompress_snappy(in, declared, out);
    case CompressionCodec::kGzip:
      return decompress_gzip(in, declared, out);
    case CompressionCodec::kZstd:
      return decompress_zstd(in, declared, out);
    case CompressionCodec::kLz4Raw:
      return decompress_lz4_raw(in, declared, out);
    case CompressionCodec::kLz4:
      return decompress_lz4_hadoop(in, declared, out);
    case CompressionCodec::kLzo:
    case CompressionCodec::kBrotli:
      break;
  }
  return not_supported(codec, fmt::format("page of {} compressed bytes", in.size()));
}

// --------------------------------------------------------------- compress --

util::Status bad_level(CompressionCodec codec, int level, int lo, int hi) {
  return util::Status::invalid_argument(
      fmt::format("parquet: {} compression level {} is out of range (page compression): use "
                  "{}..{}, or 0 for the default",
                  name(codec), level, lo, hi));
}

util::Status compress_snappy(std::string_view in, std::string* out) {
  out->resize(snappy::MaxCompressedLength(in.size()));
  size_t n = 0;
  snappy::RawCompress(in.data(), in.size(), out->data(), &n);
  out->resize(n);
  return util::Status::ok();
}

struct DeflateStream {
  z_stream z{};
  bool live = false;
  ~DeflateStream() {
    if (live) deflateEnd(&z);
  }
};

util::Status compress_gzip(std::string_view in, int level, std::string* out) {
  if (level == 0) level = kDefaultGzipLevel;
  if (level < 1 || level > 9) return bad_level(CompressionCodec::kGzip, level, 1, 9);
  DeflateStream s;
  if (deflateInit2(&s.z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return util::Status::internal("parquet: zlib deflateInit2 failed (GZIP page): out of memory?");
  }
  s.live = true;
  out->resize(deflateBound(&s.z, in.size()));
  size_t in_pos = 0;
  size_t out_pos = 0;
  for (;;) {
    if (s.z.avail_in == 0 && in_pos < in.size()) {
      const size_t n = std::min<size_t>(in.size() - in_pos, kZlibChunk);
      s.z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + in_pos));
      s.z.avail_in = static_cast<uInt>(n);
      in_pos += n;
    }
    if (out_pos == out->size()) out->resize(out->size() * 2);  // deflateBound makes this rare
    const size_t room = std::min<size_t>(out->size() - out_pos, kZlibChunk);
    s.z.next_out = reinterpret_cast<Bytef*>(out->data() + out_pos);
    s.z.avail_out = static_cast<uInt>(room);
    // Once all input is handed over, every further call finishes the stream.
    const int rc = deflate(&s.z, in_pos == in.size() ? Z_FINISH : Z_NO_FLUSH);
    out_pos += room - s.z.avail_out;
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return util::Status::internal(
          fmt::format("parquet: zlib deflate failed with {} (GZIP page)", rc));
    }
  }
  out->resize(out_pos);
  return util::Status::ok();
}

util::Status compress_zstd(std::string_view in, int level, std::string* out) {
  if (level == 0) level = kDefaultZstdLevel;
  if (level < 1 || level > ZSTD_maxCLevel()) {
    return bad_level(CompressionCodec::kZstd, level, 1, ZSTD_maxCLevel());
  }
  out->resize(ZSTD_compressBound(in.size()));
  const size_t n = ZSTD_compress(out->data(), out->size(), in.data(), in.size(), level);
  if (ZSTD_isError(n)) {
    return util::Status::internal(
        fmt::format("parquet: zstd compression failed: {} (ZSTD page of {} bytes)",
                    ZSTD_getErrorName(n), in.size()));
  }
  out->resize(n);
  return util::Status::ok();
}

// Compresses one LZ4 block at `dst` (room for LZ4_compressBound(in.size())).
size_t lz4_block(std::string_view in, char* dst) {
  const int bound = LZ4_compressBound(static_cast<int>(in.size()));
  return static_cast<size_t>(
      LZ4_compress_default(in.data(), dst, static_cast<int>(in.size()), bound));
}

util::Status lz4_too_large(CompressionCodec codec, size_t size) {
  return util::Status::invalid_argument(
      fmt::format("parquet: page of {} bytes is too large for {} (at most {}): write smaller "
                  "pages",
                  size, name(codec), LZ4_MAX_INPUT_SIZE));
}

util::Status compress_lz4_raw(std::string_view in, std::string* out) {
  if (in.size() > static_cast<size_t>(LZ4_MAX_INPUT_SIZE)) {
    return lz4_too_large(CompressionCodec::kLz4Raw, in.size());
  }
  out->resize(static_cast<size_t>(LZ4_compressBound(static_cast<int>(in.size()))));
  const size_t n = lz4_block(in, out->data());
  if (n == 0) return util::Status::internal("parquet: LZ4 compression failed (LZ4_RAW page)");
  out->resize(n);
  return util::Status::ok();
}

util::Status compress_lz4_hadoop(std::string_view in, std::string* out) {
  if (in.size() > static_cast<size_t>(LZ4_MAX_INPUT_SIZE)) {
    return lz4_too_large(CompressionCodec::kLz4, in.size());
  }
  const size_t frames =
      std::max<size_t>(1, (in.size() + kHadoopLz4FrameSize - 1) / kHadoopLz4FrameSize);
  out->resize(frames * (kHadoopLz4PrefixSize + static_cast<size_t>(LZ4_compressBound(
                                                   static_cast<int>(kHadoopLz4FrameSize)))));
  size_t out_pos = 0;
  size_t in_pos = 0;
  do {
    const std::string_view chunk = in.substr(in_pos, kHadoopLz4FrameSize);
    const size_t n = lz4_block(chunk, out->data() + out_pos + kHadoopLz4PrefixSize);
    if (n == 0) return util::Status::internal("parquet: LZ4 compression failed (LZ4 page)");
    store_u32be(static_cast<uint32_t>(chunk.size()), out->data() + out_pos);
    store_u32be(static_cast<uint32_t>(n), out->data() + out_pos + 4);
    out_pos += kHadoopLz4PrefixSize + n;
    in_pos += chunk.size();
  } while (in_pos < in.size());
  out->resize(out_pos);
  return util::Status::ok();
}

}  // namespace

bool is_supported_codec(CompressionCodec codec) {
  switch (codec) {
    case CompressionCodec::kUncompressed:
    case CompressionCodec::kSnappy:
    case CompressionCodec::kGzip:
    case CompressionCodec::kZstd:
    case CompressionCodec::kLz4:
    case CompressionCodec::kLz4Raw:
      return true;
    case CompressionCodec::kLzo:
    case CompressionCodec::kBrotli:
      break;
  }
  return false;
}

namespace {

// decompress_page and decompress_page_into, after `out` is emptied.
util::Status decompress_page_to(CompressionCodec codec, std::string_view compressed,
                                size_t uncompressed_size, Output& out) {
  if (!is_supported_codec(codec)) {
    return not_supported(codec, fmt::format("page of {} compressed bytes", compressed.size()));
  }
  if (uncompressed_size > kMaxUncompressedPageSize) {
    return util::Status::corruption(fmt::format(
        "parquet: {} page declares {} uncompressed bytes, more than the {} medallion accepts "
        "({} compressed bytes): the file is corrupt or its pages are unreasonably large",
        name(codec), uncompressed_size, kMaxUncompressedPageSize, compressed.size()));
  }
  // An empty page may be stored as no bytes at all whatever the codec (some
  // writers skip compressing an empty DataPageV2 value section).
  if (compressed.empty() && uncompressed_size == 0) return util::Status::ok();
  return decompress_any(codec, compressed, uncompressed_size, out);
}

}  // namespace

char* PageBuffer::reserve(size_t n) {
  if (n > capacity_ || data_ == nullptr) {
    // No zero-filling: every byte handed out is written before it is read.
    data_ = std::make_unique_for_overwrite<char[]>(std::max<size_t>(n, 1));
    capacity_ = std::max<size_t>(n, 1);
  }
  return data_.get();
}

util::Status decompress_page(CompressionCodec codec, std::string_view compressed,
                             size_t uncompressed_size, std::string* out) {
  out->clear();
  Output to(out);
  util::Status status = decompress_page_to(codec, compressed, uncompressed_size, to);
  if (!status.is_ok()) out->clear();
  return status;
}

util::Status decompress_page_into(CompressionCodec codec, std::string_view compressed,
                                  size_t uncompressed_size, PageBuffer* out) {
  Output to(out);
  return decompress_page_to(codec, compressed, uncompressed_size, to);
}

util::Status compress_page(CompressionCodec codec, std::string_view input, int level,
                           std::string* out) {
  out->clear();
  switch (codec) {
    case CompressionCodec::kUncompressed:
      out->assign(input);
      return util::Status::ok();
    case CompressionCodec::kSnappy:
      return compress_snappy(input, out);
    case CompressionCodec::kGzip:
      return compress_gzip(input, level, out);
    case CompressionCodec::kZstd:
      return compress_zstd(input, level, out);
    case CompressionCodec::kLz4Raw:
      return compress_lz4_raw(input, out);
    case CompressionCodec::kLz4:
      return compress_lz4_hadoop(input, out);
    case CompressionCodec::kLzo:
    case CompressionCodec::kBrotli:
      break;
  }
  return not_supported(codec, fmt::format("writing a page of {} bytes", input.size()));
}

}  // namespace medallion::parquet
