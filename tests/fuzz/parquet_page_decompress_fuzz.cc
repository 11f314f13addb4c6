// Fuzzes Parquet page decompression with arbitrary bytes. Byte 0 picks the
// codec (its value mod 9: the eight CompressionCodec values, then an unknown
// one), bytes 1..4 the declared uncompressed size (u32 little-endian, mod
// 1 MiB + 1); the rest is the compressed page. Every input must end in exactly
// the declared number of bytes or a clean error, and what decodes must
// survive compress → decompress unchanged.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "formats/parquet/page_compression.h"

namespace {

using namespace medallion::parquet;
using medallion::util::StatusCode;

constexpr uint32_t kMaxDeclared = 1u << 20;

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* raw, size_t size) {
  if (size < 5) return 0;
  const uint8_t selector = raw[0] % 9;
  const auto codec = static_cast<CompressionCodec>(selector == 8 ? 99 : selector);
  const uint32_t declared = (uint32_t{raw[1]} | (uint32_t{raw[2]} << 8) | (uint32_t{raw[3]} << 16) |
                             (uint32_t{raw[4]} << 24)) %
                            (kMaxDeclared + 1);
  const std::string_view page(reinterpret_cast<const char*>(raw) + 5, size - 5);

  std::string out = "stale";
  const auto status = decompress_page(codec, page, declared, &out);
  if (!is_supported_codec(codec)) {
    check(status.code() == StatusCode::kUnsupported);
    return 0;
  }
  if (!status.is_ok()) {
    check(status.code() == StatusCode::kCorruption);
    check(out.empty());
    return 0;
  }
  check(out.size() == declared);

  std::string packed;
  check(compress_page(codec, out, 0, &packed).is_ok());
  std::string again;
  check(decompress_page(codec, packed, declared, &again).is_ok());
  check(again == out);
  return 0;
}
