// The Parquet footer: locating and decoding the FileMetaData at the end of a
// file (layout in parquet_format.h and docs/parquet.md).
//
//   ... data ... | FileMetaData (metadata_length bytes) | metadata_length u32le | "PAR1"
//
// Everything here is checked against the file size before it is trusted: the
// magic at both ends, a metadata length that fits between the leading magic
// and the tail, and the FileMetaData itself (see parquet_metadata.h). Errors
// name the file: `parquet: <what> (<path>, <offsets>): <what to do>`.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "formats/parquet/parquet_metadata.h"
#include "util/status.h"

namespace medallion::parquet {

struct FooterLocation {
  uint64_t metadata_offset = 0;  // where FileMetaData starts in the file
  uint32_t metadata_length = 0;
};

// From the last kFooterTailSize (8) bytes of a file of `file_size` bytes:
// checks the trailing magic and that the metadata fits in the file.
util::Result<FooterLocation> locate_footer(std::string_view last_8_bytes, uint64_t file_size,
                                           const std::string& path_for_errors);

// Checks the leading magic given the file's first bytes (at least 4).
util::Status check_leading_magic(std::string_view head, const std::string& path_for_errors);

// Decodes the footer of a file of `file_size` bytes. `whole_file_or_tail`
// holds the file's last bytes (or all of them): at least the metadata and the
// 8-byte tail, i.e. metadata_length + 8 bytes, which locate_footer tells. When
// it holds the whole file the leading magic is checked too; otherwise the
// caller checks it with check_leading_magic. Returns invalid_argument if the
// given tail is too short to hold the footer it describes.
util::Result<FileMetaData> read_footer(std::string_view whole_file_or_tail, uint64_t file_size,
                                       const std::string& path_for_errors);

}  // namespace medallion::parquet
