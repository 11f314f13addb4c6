// ChunkReader: the decompressed bytes of a source file, delivered in order as
// chunks of varying size (for bzip2, one chunk per compressed block).
//
// open_decompressed() detects the codec from the file's magic bytes and picks
// the reader: bzip2 is decoded block-parallel on a thread pool
// (bz2_parallel_reader.h); gzip (multi-member), zstd (multi-frame) and plain
// files are read sequentially. Memory is bounded by the options, never by
// the file size.
//
// Ownership and thread safety: a ChunkReader owns its file and is used by
// one thread; the view returned by next() stays valid until the next call.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "formats/compression/codec.h"
#include "util/file_system.h"
#include "util/status.h"

namespace medallion::util {
class ThreadPool;
}

namespace medallion::compression {

class ChunkReader {
 public:
  virtual ~ChunkReader() = default;
  // The next chunk of decompressed bytes; an empty view at end of input.
  // Errors name the file and the compressed offset where decoding failed.
  virtual util::Result<std::string_view> next() = 0;
  // Compressed bytes consumed so far (for progress).
  virtual uint64_t compressed_bytes_read() const = 0;
  virtual Codec codec() const = 0;
};

struct DecompressOptions {
  // Worker pool for block-parallel codecs; null = decode on the calling thread.
  util::ThreadPool* pool = nullptr;
  // Blocks decoded ahead of the consumer (bounds memory); 0 = 2 per worker + 1.
  size_t max_blocks_in_flight = 0;
};

util::Result<std::unique_ptr<ChunkReader>> open_decompressed(
    std::unique_ptr<util::SequentialFile> file, const DecompressOptions& options = {});

}  // namespace medallion::compression
