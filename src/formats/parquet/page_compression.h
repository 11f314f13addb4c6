// Page compression: the codecs a Parquet column chunk may name
// (ColumnMetaData.codec), applied to each page's bytes after its header.
//
//   UNCOMPRESSED  the bytes as they are
//   SNAPPY        raw Snappy block format (no framing)
//   GZIP          a gzip member (RFC 1952); readers also accept a zlib stream
//   ZSTD          one or more zstd frames
//   LZ4_RAW       one LZ4 block, no framing
//   LZ4           (deprecated) Hadoop framing: repeated [u32be uncompressed
//                 size, u32be compressed size, LZ4 block]; files from older
//                 writers that hold a bare LZ4 block are accepted too
//   LZO, BROTLI   not supported: Status unsupported naming the codec
//
// Decompression is bounded by the size the page header declares: a page that
// expands to more or fewer bytes than `uncompressed_size` is corruption, and
// nothing is allocated beyond that size. A declared size above 1 GiB is
// corruption too. Several concatenated gzip members (or zlib streams) and
// several zstd frames decode as one page. Whatever the codec, an empty input
// with a declared size of 0 is an empty page (writers may skip compressing an
// empty DataPageV2 value section).
//
// Compression writes GZIP as a gzip member (zlib's default level 6), ZSTD as
// one frame (level 3, zstd's and parquet-java's default), and LZ4 in Hadoop
// framing with frames of at most 128 KiB (Hadoop's reader decompresses each
// frame into a 256 KiB buffer). New files should use LZ4_RAW, not LZ4.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "formats/parquet/parquet_metadata.h"
#include "util/status.h"

namespace medallion::parquet {

// Decompresses `compressed` into *out (replacing its contents), which then
// holds exactly uncompressed_size bytes. On error *out is empty. Errors:
// corruption (naming the codec and the sizes), unsupported for LZO, BROTLI
// and unknown codecs. `compressed` must not point into *out.
util::Status decompress_page(CompressionCodec codec, std::string_view compressed,
                             size_t uncompressed_size, std::string* out);

// Storage for decompressed pages that is reused from page to page: it grows
// to the largest page (without zero-filling) and is never shrunk.
class PageBuffer {
 public:
  // Storage for n bytes, valid until the next reserve(); the contents are
  // unspecified.
  char* reserve(size_t n);
  const char* data() const { return data_.get(); }

 private:
  std::unique_ptr<char[]> data_;
  size_t capacity_ = 0;
};

// Like decompress_page, into out->data()[0, uncompressed_size) (out is
// grown only after the codec's cheap checks pass, as decompress_page
// allocates). After an error the bytes are unspecified.
util::Status decompress_page_into(CompressionCodec codec, std::string_view compressed,
                                  size_t uncompressed_size, PageBuffer* out);

// Compresses `input` into *out (replacing its contents). `level` is the
// codec's level (ZSTD 1..22, GZIP 1..9); 0 means the codec's default; other
// codecs ignore it. Errors: invalid_argument for a level out of range or an
// input too large for LZ4 (~2 GiB), unsupported for LZO, BROTLI and unknown
// codecs. `input` must not point into *out.
util::Status compress_page(CompressionCodec codec, std::string_view input, int level,
                           std::string* out);

// True for the codecs compress_page and decompress_page handle.
bool is_supported_codec(CompressionCodec codec);

}  // namespace medallion::parquet
