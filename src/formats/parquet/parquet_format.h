// The byte layout of a Parquet file, as far as medallion relies on it
// (docs/parquet.md is the full description of our subset).
//
//   file     := magic column_chunk* footer
//   footer   := file_metadata metadata_length magic
//   magic    := "PAR1"                                  4 bytes
//   file_metadata   := FileMetaData, compact Thrift     metadata_length bytes
//   metadata_length := uint32, little-endian            4 bytes
//   column_chunk    := (page_header page_data)*         (dictionary page first)
//   page_header     := PageHeader, compact Thrift
//
// A reader reads the last kFooterTailSize bytes, takes metadata_length, then
// reads the metadata_length bytes before them. Files whose footer is
// encrypted end in kEncryptedMagic ("PARE") instead; medallion rejects them.
#pragma once

#include <cstdint>
#include <string_view>

namespace medallion::parquet {

inline constexpr std::string_view kMagic = "PAR1";
inline constexpr std::string_view kEncryptedMagic = "PARE";
inline constexpr uint64_t kMagicSize = 4;
inline constexpr uint64_t kMetadataLengthSize = 4;

// metadata_length + trailing magic.
inline constexpr uint64_t kFooterTailSize = kMetadataLengthSize + kMagicSize;

// Leading magic + trailing tail: no Parquet file is shorter (and a valid one
// is longer, as FileMetaData is never empty).
inline constexpr uint64_t kMinFileSize = kMagicSize + kFooterTailSize;

// The first column chunk starts right after the leading magic.
inline constexpr uint64_t kFirstDataOffset = kMagicSize;

}  // namespace medallion::parquet
