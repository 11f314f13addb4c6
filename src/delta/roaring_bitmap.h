// Roaring bitmaps as Delta stores deletion vectors: the "RoaringBitmapArray"
// of PROTOCOL.md "Deletion Vector Format", a set of 64-bit row indexes.
//
// RoaringBitmapArray, portable format (what Delta writes; little-endian):
//
//   magic        u32  1681511377 (bytes d1 d3 39 64)
//   numBuckets   u64  number of buckets that follow
//   per bucket, keys strictly ascending, each key < 2^31:
//     key        u32  the high 32 bits of every row in the bucket
//     bitmap     a portable 32-bit Roaring bitmap of the low 32 bits
//
// RoaringBitmapArray, native format (Delta Spark reads it; read only here):
//
//   magic        u32  1681511376, little-endian as Delta Spark reads it, or
//                     big-endian as the protocol's inline example has it; the
//                     magic's byte order is that of the two fields below
//   numBitmaps   i32  >= 0
//   per bitmap i (its key, the high 32 bits, is i):
//     size       i32  bytes of the bitmap that follows
//     bitmap     a portable 32-bit Roaring bitmap (always little-endian)
//
// Portable 32-bit Roaring bitmap (github.com/RoaringBitmap/RoaringFormatSpec;
// little-endian). The 32-bit space is split into 65536 containers by the
// high 16 bits (the container key); each holds the low 16 bits of its values.
//
//   cookie       u32  12346: no run containers; u32 container count follows
//                     12347 in the low 16 bits: count - 1 in the high 16 bits,
//                     then a bitset of ceil(count/8) bytes, bit i set when
//                     container i is a run container
//   descriptive header, per container: key u16 (strictly ascending),
//                                      cardinality - 1 u16
//   offset header: u32 per container (byte offset from the cookie), present
//                  with cookie 12346 or with 4 or more containers; ignored here,
//                  as the reference implementations do, since containers are
//                  laid out in order
//   containers, in order:
//     run container:    u16 run count, then per run u16 start, u16 length - 1
//     array container:  cardinality <= 4096: cardinality u16 values, ascending
//     bitmap container: cardinality > 4096: 1024 u64 words, bit v = value v
//
// Decoding checks every count and length against the bytes that remain
// before using it, that keys and values ascend, that each container holds
// exactly the cardinality its header claims, and that no bytes trail the
// bitmap. Errors are kCorruption:
//   delta: <what> (deletion vector bitmap, byte <n>): the deletion vector is corrupt
// (kUnsupported for an unknown magic number).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace medallion::delta {

inline constexpr uint32_t kRoaringBitmapArrayPortableMagic = 1681511377;
inline constexpr uint32_t kRoaringBitmapArrayNativeMagic = 1681511376;
inline constexpr uint32_t kRoaringCookieNoRunContainers = 12346;
inline constexpr uint32_t kRoaringCookieWithRunContainers = 12347;
// Containers up to this cardinality are arrays, above it bitmaps.
inline constexpr uint32_t kRoaringMaxArrayCardinality = 4096;
// With run containers, the offset header is written from this count up.
inline constexpr uint32_t kRoaringNoOffsetThreshold = 4;

inline constexpr uint64_t kNoRowLimit = std::numeric_limits<uint64_t>::max();

// Decodes a whole RoaringBitmapArray (portable or native) into its row
// indexes, ascending and distinct. More than max_rows rows is an error raised
// before they are materialized (a few bytes of run containers can describe
// billions of rows): callers that know the cardinality pass it.
util::Result<std::vector<uint64_t>> decode_roaring_bitmap_array(std::string_view bytes,
                                                                uint64_t max_rows = kNoRowLimit);

// Encodes rows in the portable format with array and bitmap containers
// (cookie 12346, as Delta Spark writes). Rows need not be sorted or distinct
// (they are sorted and deduplicated first); precondition: every row < 2^63
// (the bucket key must fit in 31 bits, as the protocol requires).
std::string encode_roaring_bitmap_array(const std::vector<uint64_t>& sorted_rows);

}  // namespace medallion::delta
