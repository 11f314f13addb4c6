#include "delta/deletion_vector.h"

#include <fmt/format.h>
#include <zlib.h>

#include <cctype>

#include "delta/roaring_bitmap.h"
#include "delta/z85.h"

namespace medallion::delta {

namespace {

using util::Result;
using util::Status;

std::string_view without_component(std::string_view message) {
  constexpr std::string_view kPrefix = "delta: ";
  if (message.substr(0, kPrefix.size()) == kPrefix) message.remove_prefix(kPrefix.size());
  return message;
}

// Restates a bitmap decoding error with the place the bitmap came from.
Status in_context(const Status& inner, std::string_view where) {
  return Status(inner.code(), fmt::format("delta: unreadable deletion vector ({}): {}", where,
                                          without_component(inner.message())));
}

std::string describe(const DeletionVectorDescriptor& dv) {
  return fmt::format("storageType '{}', pathOrInlineDv \"{}\"", dv.storage_type,
                     dv.path_or_inline_dv);
}

Status bad_descriptor(const DeletionVectorDescriptor& dv, std::string_view what) {
  return Status::invalid_argument(fmt::format(
      "delta: {} (deletion vector descriptor {}): the table's log is malformed", what, describe(dv)));
}

// Canonical lowercase 8-4-4-4-12 text of 16 bytes.
std::string uuid_text(std::string_view bytes) {
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out += fmt::format("{:02x}", static_cast<unsigned char>(bytes[i]));
  }
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool has_uri_scheme(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (size_t i = 1; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ':') return true;
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
  }
  return false;
}

// The local path of a 'p' descriptor's URI.
Result<std::string> absolute_dv_path(const DeletionVectorDescriptor& dv) {
  std::string_view uri = dv.path_or_inline_dv;
  if (uri.substr(0, 5) == "file:") {
    uri.remove_prefix(5);
    if (uri.substr(0, 2) == "//") {
      uri.remove_prefix(2);
      const size_t slash = uri.find('/');
      const std::string_view host = uri.substr(0, slash);
      if (host != "" && host != "localhost") {
        return Status::unsupported(fmt::format(
            "delta: deletion vector on host '{}' (deletion vector descriptor {}): medallion reads "
            "only local files",
            host, describe(dv)));
      }
      uri = slash == std::string_view::npos ? std::string_view() : uri.substr(slash);
    }
  } else if (has_uri_scheme(uri)) {
    return Status::unsupported(fmt::format(
        "delta: deletion vector URI scheme (deletion vector descriptor {}): medallion reads only "
        "local files (file:// or absolute paths)",
        describe(dv)));
  }
  if (uri.empty() || uri.front() != '/') {
    return bad_descriptor(dv, "storageType 'p' needs an absolute path");
  }
  std::string path;
  path.reserve(uri.size());
  for (size_t i = 0; i < uri.size(); ++i) {
    if (uri[i] != '%') {
      path.push_back(uri[i]);
      continue;
    }
    const int hi = i + 2 < uri.size() ? hex_digit(uri[i + 1]) : -1;
    const int lo = hi >= 0 ? hex_digit(uri[i + 2]) : -1;
    if (lo < 0) return bad_descriptor(dv, fmt::format("bad %-escape at character {}", i));
    path.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return path;
}

Result<std::string> relative_dv_path(std::string_view table_root, const DeletionVectorDescriptor& dv) {
  const std::string_view text = dv.path_or_inline_dv;
  if (text.size() < kDeletionVectorZ85UuidLength) {
    return bad_descriptor(dv, fmt::format("storageType 'u' needs at least {} characters",
                                          kDeletionVectorZ85UuidLength));
  }
  const std::string_view prefix = text.substr(0, text.size() - kDeletionVectorZ85UuidLength);
  if (prefix.find_first_of("/\\") != std::string_view::npos || prefix == "." || prefix == "..") {
    return bad_descriptor(dv, fmt::format("random prefix '{}' would leave the table directory", prefix));
  }
  auto uuid = z85_decode(text.substr(prefix.size()));
  if (!uuid.is_ok()) {
    return bad_descriptor(dv, fmt::format("bad UUID: {}", without_component(uuid.status().message())));
  }
  const std::string name = "deletion_vector_" + uuid_text(*uuid) + ".bin";
  if (prefix.empty()) return util::join_path(table_root, name);
  return util::join_path(util::join_path(table_root, prefix), name);
}

uint32_t load_u32be(const char* p) {
  return (uint32_t{static_cast<unsigned char>(p[0])} << 24) |
         (uint32_t{static_cast<unsigned char>(p[1])} << 16) |
         (uint32_t{static_cast<unsigned char>(p[2])} << 8) | uint32_t{static_cast<unsigned char>(p[3])};
}

Status check_cardinality(const std::vector<uint64_t>& rows, const DeletionVectorDescriptor& dv,
                         std::string_view where) {
  if (rows.size() != static_cast<uint64_t>(dv.cardinality)) {
    return Status::corruption(fmt::format(
        "delta: deletion vector holds {} rows, its descriptor says cardinality {} ({}): the "
        "deletion vector or the log is corrupt",
        rows.size(), dv.cardinality, where));
  }
  return Status::ok();
}

Result<std::vector<uint64_t>> load_inline(const DeletionVectorDescriptor& dv) {
  const std::string where = fmt::format("inline, {}", describe(dv));
  auto bytes = z85_decode(dv.path_or_inline_dv);
  if (!bytes.is_ok()) {
    return Status::corruption(fmt::format("delta: inline deletion vector is not Z85 ({}): {}", where,
                                          without_component(bytes.status().message())));
  }
  // Encoding pads to a multiple of 4 bytes; sizeInBytes is the unpadded size.
  const uint64_t size = static_cast<uint64_t>(dv.size_in_bytes);
  if (bytes->size() < size || bytes->size() - size >= 4) {
    return Status::corruption(fmt::format(
        "delta: inline deletion vector decodes to {} bytes, its sizeInBytes is {} ({}): the log "
        "is corrupt",
        bytes->size(), size, where));
  }
  auto rows = decode_roaring_bitmap_array(std::string_view(*bytes).substr(0, size),
                                          static_cast<uint64_t>(dv.cardinality));
  if (!rows.is_ok()) return in_context(rows.status(), where);
  MEDALLION_RETURN_IF_ERROR(check_cardinality(*rows, dv, where));
  return rows;
}

Result<std::vector<uint64_t>> load_from_file(util::FileSystem& fs, const std::string& path,
                                             const DeletionVectorDescriptor& dv) {
  const int64_t offset = dv.offset.value_or(1);
  const std::string where = fmt::format("{}, offset {}", path, offset);
  auto corrupt = [&](std::string what) {
    return Status::corruption(fmt::format("delta: {} ({}): the deletion vector file is corrupt", what, where));
  };
  MEDALLION_ASSIGN_OR_RETURN(auto file, fs.open_random_access(path));
  const uint64_t file_size = file->size();
  if (file_size < 1) return corrupt("empty deletion vector file");
  char version = 0;
  MEDALLION_RETURN_IF_ERROR(file->read_at(0, 1, &version));
  if (static_cast<unsigned char>(version) != kDeletionVectorFileFormatVersion) {
    return corrupt(fmt::format("deletion vector file format version {}, expected {}",
                               static_cast<unsigned char>(version), kDeletionVectorFileFormatVersion));
  }
  if (offset < 1) return corrupt("offset points before the first deletion vector");
  const uint64_t start = static_cast<uint64_t>(offset);
  if (start > file_size || file_size - start < 4) {
    return corrupt(fmt::format("file of {} bytes ends before the deletion vector's size field", file_size));
  }
  char size_field[4];
  MEDALLION_RETURN_IF_ERROR(file->read_at(start, 4, size_field));
  const uint32_t data_size = load_u32be(size_field);
  if (data_size != static_cast<uint32_t>(dv.size_in_bytes)) {
    return corrupt(fmt::format("deletion vector size {} differs from the descriptor's sizeInBytes {}",
                               data_size, dv.size_in_bytes));
  }
  if (file_size - start - 4 < uint64_t{data_size} + 4) {
    return corrupt(fmt::format("file of {} bytes ends inside the deletion vector of {} bytes",
                               file_size, data_size));
  }
  std::string data(size_t{data_size} + 4, '\0');
  MEDALLION_RETURN_IF_ERROR(file->read_at(start + 4, data.size(), data.data()));
  const uint32_t stored_crc = load_u32be(data.data() + data_size);
  const uint32_t actual_crc = static_cast<uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data_size)));
  if (stored_crc != actual_crc) {
    return corrupt(fmt::format("deletion vector checksum mismatch: stored {:08x}, computed {:08x}",
                               stored_crc, actual_crc));
  }
  auto rows = decode_roaring_bitmap_array(std::string_view(data).substr(0, data_size),
                                          static_cast<uint64_t>(dv.cardinality));
  if (!rows.is_ok()) return in_context(rows.status(), where);
  MEDALLION_RETURN_IF_ERROR(check_cardinality(*rows, dv, where));
  return rows;
}

}  // namespace

Result<std::string> deletion_vector_path(std::string_view table_root, const DeletionVectorDescriptor& dv) {
  switch (dv.storage_type) {
    case 'u':
      return relative_dv_path(table_root, dv);
    case 'p':
      return absolute_dv_path(dv);
    case 'i':
      return bad_descriptor(dv, "an inline deletion vector has no file");
    default:
      return bad_descriptor(dv, "unknown storageType (expected 'u', 'p' or 'i')");
  }
}

Result<std::vector<uint64_t>> load_deletion_vector(util::FileSystem& fs, std::string_view table_root,
                                                   const DeletionVectorDescriptor& dv) {
  if (dv.size_in_bytes < 0 || dv.cardinality < 0) {
    return bad_descriptor(dv, fmt::format("negative sizeInBytes {} or cardinality {}",
                                          dv.size_in_bytes, dv.cardinality));
  }
  if (dv.storage_type == 'i') return load_inline(dv);
  MEDALLION_ASSIGN_OR_RETURN(const std::string path, deletion_vector_path(table_root, dv));
  return load_from_file(fs, path, dv);
}

}  // namespace medallion::delta
