// Compression codecs of source files, recognised by their leading magic bytes:
//   bzip2  "BZh" '1'..'9'      gzip  1f 8b      zstd  28 b5 2f fd
// anything else is read as plain bytes.
#pragma once

#include <string_view>

namespace medallion::compression {

enum class Codec { kPlain, kBzip2, kGzip, kZstd };

std::string_view codec_name(Codec codec);

// Detects the codec from the first bytes of a file (4 are enough).
Codec detect_codec(std::string_view head);

}  // namespace medallion::compression
