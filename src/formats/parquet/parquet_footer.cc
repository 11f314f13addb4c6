#include "formats/parquet/parquet_footer.h"

#include <fmt/format.h>

#include <algorithm>

#include "formats/parquet/parquet_format.h"

namespace medallion::parquet {

namespace {

// Up to 4 bytes as printable text, others as \xNN: what we found instead of
// a magic.
std::string printable(std::string_view bytes) {
  std::string out;
  for (char c : bytes.substr(0, 4)) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x20 && b < 0x7f && b != '\\' && b != '\'') {
      out.push_back(c);
    } else {
      out += fmt::format("\\x{:02x}", b);
    }
  }
  return out;
}

uint32_t load_u32_le(std::string_view b) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(b[i])) << (8 * i);
  return v;
}

}  // namespace

util::Result<FooterLocation> locate_footer(std::string_view last_8_bytes, uint64_t file_size,
                                           const std::string& path) {
  if (file_size < kMinFileSize) {
    return util::Status::corruption(fmt::format(
        "parquet: file too short ({}, {} bytes): a Parquet file has at least {} bytes; it is "
        "truncated or not Parquet",
        path, file_size, kMinFileSize));
  }
  if (last_8_bytes.size() != kFooterTailSize) {
    return util::Status::invalid_argument(
        fmt::format("parquet: locate_footer needs the last {} bytes of {}, got {}", kFooterTailSize,
                    path, last_8_bytes.size()));
  }
  const std::string_view magic = last_8_bytes.substr(kMetadataLengthSize);
  if (magic == kEncryptedMagic) {
    return util::Status::unsupported(fmt::format(
        "parquet: encrypted footer ({}, magic \"PARE\"): medallion cannot read encrypted "
        "Parquet files; write the data without footer encryption",
        path));
  }
  if (magic != kMagic) {
    return util::Status::corruption(fmt::format(
        "parquet: no \"PAR1\" magic at the end of the file ({}, found '{}' at offset {}): it is "
        "truncated or not Parquet",
        path, printable(magic), file_size - kMagicSize));
  }
  const uint32_t length = load_u32_le(last_8_bytes);
  const uint64_t room = file_size - kMinFileSize;  // between the two magics
  if (length == 0 || length > room) {
    return util::Status::corruption(fmt::format(
        "parquet: footer length {} does not fit the file ({}, {} bytes, at most {} between the "
        "magics): it is truncated or corrupt",
        length, path, file_size, room));
  }
  return FooterLocation{file_size - kFooterTailSize - length, length};
}

util::Status check_leading_magic(std::string_view head, const std::string& path) {
  if (head.substr(0, kMagicSize) == kMagic) return util::Status::ok();
  return util::Status::corruption(fmt::format(
      "parquet: no \"PAR1\" magic at the start of the file ({}, found '{}'): it is not Parquet",
      path, printable(head)));
}

util::Result<FileMetaData> read_footer(std::string_view tail, uint64_t file_size,
                                       const std::string& path) {
  if (tail.size() > file_size) {
    return util::Status::invalid_argument(
        fmt::format("parquet: read_footer was given {} bytes of {}, which has only {}", tail.size(),
                    path, file_size));
  }
  if (file_size >= kMinFileSize && tail.size() < kFooterTailSize) {
    return util::Status::invalid_argument(
        fmt::format("parquet: read_footer needs at least the last {} bytes of {}, got {}",
                    kFooterTailSize, path, tail.size()));
  }
  MEDALLION_ASSIGN_OR_RETURN(
      FooterLocation where,
      locate_footer(tail.substr(tail.size() - std::min<size_t>(tail.size(), kFooterTailSize)),
                    file_size, path));
  const uint64_t tail_start = file_size - tail.size();
  if (tail_start == 0) MEDALLION_RETURN_IF_ERROR(check_leading_magic(tail, path));
  if (where.metadata_offset < tail_start) {
    return util::Status::invalid_argument(fmt::format(
        "parquet: read_footer was given the last {} bytes of {}, but its footer needs the last {}",
        tail.size(), path, file_size - where.metadata_offset));
  }
  const std::string_view metadata =
      tail.substr(where.metadata_offset - tail_start, where.metadata_length);
  auto decoded = decode_file_metadata(metadata, where.metadata_offset);
  if (decoded.is_ok()) return decoded;

  // "parquet: thrift: ..." → "parquet: corrupt footer (path, ...): thrift: ...: <what to do>"
  std::string_view inner = decoded.status().message();
  if (inner.starts_with("parquet: ")) inner.remove_prefix(9);
  const bool unsupported = decoded.status().code() == util::StatusCode::kUnsupported;
  return util::Status(
      decoded.status().code(),
      fmt::format("parquet: {} footer ({}, FileMetaData at offset {}, {} bytes): {}: {}",
                  unsupported ? "unsupported" : "corrupt", path, where.metadata_offset,
                  where.metadata_length, inner,
                  unsupported
                      ? "the file uses a Parquet feature medallion does not read"
                      : "the file is damaged; copy it again from its source or rewrite it"));
}

}  // namespace medallion::parquet
