// Column chunk decoding: the pages of one leaf column in one row group, turned
// into its definition levels, repetition levels and non-null values.
//
//   column_chunk := [dictionary_page] (data_page | data_page_v2 | index_page)*
//   page         := PageHeader (compact Thrift) page_bytes(compressed_page_size)
//
//   data page v1 := compress( [rep_levels] [def_levels] values )
//     levels     := u32le(length) rle-hybrid(bit_width_for(max_level))  (RLE)
//                 | bit-packed, MSB first, ceil(n * width / 8) bytes    (BIT_PACKED)
//     rep levels are present when max_rep > 0, def levels when max_def > 0
//   data page v2 := rep_levels def_levels compress?( values )
//     levels are rle-hybrid without the length prefix, of the byte lengths
//     given in the header, never compressed
//   dictionary page := compress( PLAIN values )
//
//   values (num_values minus the nulls, i.e. entries whose def < max_def):
//     PLAIN                          plain_encoding.h
//     PLAIN_DICTIONARY, RLE_DICTIONARY  u8(bit_width) rle-hybrid(indices)
//     RLE (BOOLEAN only)             u32le(length) rle-hybrid(bit width 1)
//     DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY
//                                    delta_encoding.h
//     BYTE_STREAM_SPLIT              byte_stream_split.h
//
// Checks: page sizes fit the chunk and are at most kMaxPageBytes; a page's
// CRC-32 (when present and options.verify_checksums) matches its bytes; level
// values are at most the column's maximum; the value count of every page and
// of the chunk agrees with the header and ColumnMetaData.num_values;
// dictionary indices are in range. Each error is a Status::corruption naming
// the file, the column and the page's offset.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/parquet_schema.h"
#include "formats/parquet/value_array.h"
#include "util/status.h"

namespace medallion::parquet {

// Larger pages are rejected as corrupt: no writer makes them, and the limit
// bounds what a lying header can make the reader allocate.
inline constexpr uint64_t kMaxPageBytes = uint64_t{512} << 20;
inline constexpr int64_t kMaxPageValues = int64_t{1} << 27;

struct ColumnChunkReadOptions {
  bool verify_checksums = true;  // check page CRCs where the writer stored them
};

struct ColumnChunkData {
  size_t num_levels = 0;            // level entries (ColumnMetaData.num_values)
  std::vector<int16_t> def_levels;  // num_levels entries when max_def > 0, else empty
  std::vector<int16_t> rep_levels;  // num_levels entries when max_rep > 0, else empty
  LeafValues values;                // the non-null values, in order
};

// Where a column chunk's pages lie in the file: from the dictionary page (if
// any) or the first data page, total_compressed_size bytes. Fails when the
// range does not lie inside [kFirstDataOffset, file_size - footer).
struct ByteRange {
  uint64_t offset = 0;
  uint64_t length = 0;
};
util::Result<ByteRange> column_chunk_range(const ColumnMetaData& meta, uint64_t file_size,
                                           const std::string& path, const std::string& column);

// Decodes the pages in `bytes` (the chunk's range, starting at file offset
// range_offset).
util::Result<ColumnChunkData> decode_column_chunk(std::string_view bytes, uint64_t range_offset,
                                                  const ColumnDescriptor& column,
                                                  const ColumnMetaData& meta,
                                                  const ColumnChunkReadOptions& options,
                                                  const std::string& path);

}  // namespace medallion::parquet
