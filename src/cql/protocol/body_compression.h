// Frame body compression of the CQL native protocol v4 (spec §5), chosen by
// the client's STARTUP option COMPRESSION and applied to a frame body only
// when the frame's flag 0x01 is set (the header is never compressed):
//
//   lz4     [4-byte big-endian uncompressed length] [one raw LZ4 block]
//   snappy  one raw Snappy block (its own varint length preamble, no framing)
//
// Decompression never allocates more than the caller's limit: the declared
// uncompressed length (lz4's prefix, snappy's preamble) is checked against it
// first, and a block that expands to any other size is corruption.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "util/status.h"

namespace medallion::cql {

enum class Compression { kNone, kLz4, kSnappy };

// "lz4" or "snappy" (as STARTUP names them, case-insensitively); nullopt for
// any other name.
std::optional<Compression> compression_from_name(std::string_view name);
// "none", "lz4", "snappy".
std::string_view compression_name(Compression compression);

// Compresses `input` into *out (replacing it). kNone copies. Errors:
// invalid_argument for an input too large for the codec (over 2 GiB).
util::Status compress_body(Compression compression, std::string_view input, std::string* out);

// Decompresses `input` into *out (replacing it), refusing to produce more than
// `max_uncompressed` bytes. Errors: corruption naming the codec and sizes.
util::Status decompress_body(Compression compression, std::string_view input,
                             size_t max_uncompressed, std::string* out);

}  // namespace medallion::cql
