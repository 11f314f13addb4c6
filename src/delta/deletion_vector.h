// Deletion vectors: the rows of a data file that a Delta table has deleted
// without rewriting the file (PROTOCOL.md "Deletion Vectors", "Deletion
// Vector Format", "Deletion Vector File Storage Format").
//
// A DeletionVectorDescriptor (delta/actions.h) says where the set is:
//
//   'u'  pathOrInlineDv = <random prefix, any length><Z85 of the UUID, 20 chars>
//        file <table root>/<prefix>/deletion_vector_<uuid>.bin, the UUID in
//        canonical lowercase 8-4-4-4-12 form; an empty prefix means the file
//        is in the table root. Example: "ab^-aqEH.-t@S}K{vb[*k^" ->
//        <root>/ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin
//   'p'  pathOrInlineDv = the file's absolute path as a URI (file:///x/y,
//        file:/x/y or /x/y, %-escaped); other schemes are unsupported
//   'i'  pathOrInlineDv = the RoaringBitmapArray itself, Z85-encoded (its
//        sizeInBytes bytes, zero-padded to a multiple of 4 before encoding)
//
// A deletion vector file (all integers big-endian):
//
//   version    u8   1
//   then, for each deletion vector stored in it (a descriptor's `offset`
//   points at the start of one; absent means 1, the first):
//     dataSize   u32  bytes of bitmapData (= the descriptor's sizeInBytes)
//     bitmapData      a RoaringBitmapArray (delta/roaring_bitmap.h)
//     checksum   u32  CRC-32 (zlib's crc32) of bitmapData
//
// Loading checks the version byte, that dataSize equals sizeInBytes, the
// checksum, and that the bitmap holds exactly `cardinality` rows (it refuses
// to materialize more). Each mismatch is a kCorruption naming the file and
// offset:
//   delta: deletion vector checksum mismatch (<file>, offset 1): ...
//
// Thread safety: pure functions; the FileSystem's own guarantees apply.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "delta/actions.h"
#include "util/file_system.h"
#include "util/status.h"

namespace medallion::delta {

inline constexpr uint8_t kDeletionVectorFileFormatVersion = 1;
// Characters of the Z85-encoded UUID at the end of a 'u' pathOrInlineDv.
inline constexpr size_t kDeletionVectorZ85UuidLength = 20;

// The file holding a 'u' or 'p' deletion vector. An 'i' descriptor, an
// unknown storage type, a malformed UUID, a prefix that would leave the table
// root ('/', '\', "." or "..") or a 'p' path that is not absolute is
// invalid_argument; a 'p' URI with a scheme other than file is unsupported.
util::Result<std::string> deletion_vector_path(std::string_view table_root,
                                               const DeletionVectorDescriptor& dv);

// The deleted row indexes (0-based positions in the data file), ascending
// and distinct: read from the inline data or the file, checked as described
// at the top of this header.
util::Result<std::vector<uint64_t>> load_deletion_vector(util::FileSystem& fs,
                                                         std::string_view table_root,
                                                         const DeletionVectorDescriptor& dv);

}  // namespace medallion::delta
