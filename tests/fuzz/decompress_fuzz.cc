// Fuzzes the decompressing readers (bzip2 block-parallel, gzip, zstd, plain)
// with arbitrary bytes: every input must end in data or a clean error.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

#include "formats/compression/decompressing_reader.h"
#include "util/thread_pool.h"

namespace {

class MemoryFile final : public medallion::util::SequentialFile {
 public:
  MemoryFile(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  medallion::util::Result<size_t> read(char* buf, size_t n) override {
    // Short reads, to exercise refills at every boundary.
    const size_t k = std::min({n, size_ - pos_, size_t{4099}});
    std::memcpy(buf, data_ + pos_, k);
    pos_ += k;
    return k;
  }
  const std::string& path() const override { return path_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  std::string path_ = "fuzz-input";
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static medallion::util::ThreadPool pool(2);
  medallion::compression::DecompressOptions options;
  options.pool = (size & 1) ? &pool : nullptr;
  auto reader = medallion::compression::open_decompressed(std::make_unique<MemoryFile>(data, size),
                                                          options);
  if (!reader.is_ok()) return 0;
  uint64_t total = 0;
  for (;;) {
    auto chunk = (*reader)->next();
    if (!chunk.is_ok() || chunk->empty()) break;
    total += chunk->size();
    if (total > (256u << 20)) break;  // decompression bombs: stop reading, not a bug
  }
  return 0;
}
