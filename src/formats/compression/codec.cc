#include "formats/compression/codec.h"

namespace medallion::compression {

std::string_view codec_name(Codec codec) {
  switch (codec) {
    case Codec::kPlain: return "plain";
    case Codec::kBzip2: return "bzip2";
    case Codec::kGzip: return "gzip";
    case Codec::kZstd: return "zstd";
  }
  return "?";
}

Codec detect_codec(std::string_view h) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(h[i]); };
  if (h.size() >= 4 && h[0] == 'B' && h[1] == 'Z' && h[2] == 'h' && h[3] >= '1' && h[3] <= '9') {
    return Codec::kBzip2;
  }
  if (h.size() >= 2 && byte(0) == 0x1f && byte(1) == 0x8b) return Codec::kGzip;
  if (h.size() >= 4 && byte(0) == 0x28 && byte(1) == 0xb5 && byte(2) == 0x2f && byte(3) == 0xfd) {
    return Codec::kZstd;
  }
  return Codec::kPlain;
}

}  // namespace medallion::compression
