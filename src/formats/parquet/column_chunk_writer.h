// ColumnChunkWriter: encodes one leaf column's levels and values into the
// pages of a column chunk, one row group at a time.
//
//   column_chunk := dictionary_page? data_page+
//   dictionary_page := PageHeader(DICTIONARY_PAGE, PLAIN) compress(PLAIN values)
//   data_page := PageHeader(DATA_PAGE) compress(body)          (data page v1)
//   body := [u32le len, RLE-hybrid rep levels]   when max_rep > 0
//           [u32le len, RLE-hybrid def levels]   when max_def > 0
//           values
//   values := RLE_DICTIONARY: u8 bit_width, RLE-hybrid indices (no length)
//           | PLAIN (plain_encoding.h)
//
// Encoding: a chunk starts in dictionary mode (unless disabled, and never for
// BOOLEAN): each distinct value gets the next index in a hash table keyed by
// the value's bytes (float/double by bits). Once the dictionary's PLAIN size
// passes dictionary_page_bytes, the open page is finished as RLE_DICTIONARY
// at the next row boundary and the rest of the chunk is PLAIN; the
// dictionary page still leads the chunk. A data page with no non-null value
// is PLAIN (empty values), so that an all-null chunk needs no dictionary.
// Pages are cut at row boundaries (an entry with rep == 0) once their
// estimated encoded size reaches data_page_bytes or they hold 2^20 entries. The bit width of a
// page's indices is that of the dictionary's size when the page is finished.
//
// Pages carry no CRC and no statistics; the chunk's ColumnMetaData carries
// the Statistics of column_statistics.h, the encodings used, and
// encoding_stats. Sizes include the page headers.
//
// Thread safety: a single-threaded value. Ownership: the arrays passed to
// append* are read during the call only.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "formats/parquet/level_shredder.h"
#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/parquet_schema.h"
#include "formats/parquet/value_array.h"
#include "util/status.h"

namespace medallion::parquet {

struct ColumnChunkOptions {
  CompressionCodec codec = CompressionCodec::kUncompressed;
  int compression_level = 0;
  uint64_t data_page_bytes = 1ull << 20;
  bool dictionary = true;
  uint64_t dictionary_page_bytes = 1ull << 20;
  // Hard cap of a dictionary's PLAIN size (at most 1 GiB; lowered by tests):
  // a value that would pass it turns the open page and the rest of the chunk
  // PLAIN at once, even inside a row.
  uint64_t max_dictionary_bytes = 1ull << 30;
};

class ColumnChunkWriter {
 public:
  // The codec must be one compress_page supports (checked by the caller).
  static std::unique_ptr<ColumnChunkWriter> make(const ColumnDescriptor& column,
                                                 const ColumnChunkOptions& options);
  virtual ~ColumnChunkWriter() = default;

  // Appends the level entries and values of a shredded leaf (level_shredder.h).
  virtual util::Status append(const ShreddedLeaf& leaf) = 0;

  // Appends slots [begin, end) of a top-level leaf's array directly: the
  // column must have max_rep 0 and max_def <= 1 (definition levels are the
  // array's validity).
  virtual util::Status append_flat(const ValueArray& array, size_t begin, size_t end) = 0;

  // Encoded bytes of the chunk so far: finished pages as they will be
  // written, plus estimates for the open page and the dictionary.
  virtual uint64_t buffered_bytes() const = 0;

  // Level entries (values and nulls) appended since the chunk began.
  virtual int64_t num_values() const = 0;

  // Ends the chunk: finishes the open page, hands the chunk's bytes to
  // `write` (the dictionary page first) and returns its metadata, with
  // offsets for a chunk that starts at file offset `chunk_offset`. The writer
  // then starts a new chunk (a new dictionary, fresh statistics).
  virtual util::Result<ColumnMetaData> finish(
      int64_t chunk_offset, const std::function<util::Status(std::string_view)>& write) = 0;
};

}  // namespace medallion::parquet
