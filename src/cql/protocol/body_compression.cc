#include "cql/protocol/body_compression.h"

#include <fmt/format.h>
#include <lz4.h>
#include <snappy.h>

#include <climits>
#include <cstdint>

namespace medallion::cql {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

util::Status corrupt(Compression c, std::string_view what, size_t in_size) {
  return util::Status::corruption(fmt::format(
      "cql: {} ({}-compressed frame body of {} bytes): the client compressed the body wrongly or "
      "with another codec than the one named in STARTUP",
      what, compression_name(c), in_size));
}

}  // namespace

std::optional<Compression> compression_from_name(std::string_view name) {
  if (iequals(name, "lz4")) return Compression::kLz4;
  if (iequals(name, "snappy")) return Compression::kSnappy;
  return std::nullopt;
}

std::string_view compression_name(Compression compression) {
  switch (compression) {
    case Compression::kNone:
      return "none";
    case Compression::kLz4:
      return "lz4";
    case Compression::kSnappy:
      return "snappy";
  }
  return "unknown";
}

util::Status compress_body(Compression compression, std::string_view input, std::string* out) {
  out->clear();
  if (input.size() > static_cast<size_t>(INT32_MAX) - 4096) {
    return util::Status::invalid_argument(fmt::format(
        "cql: a frame body of {} bytes is too large to compress (frame writer): send less",
        input.size()));
  }
  switch (compression) {
    case Compression::kNone:
      out->assign(input);
      return util::Status::ok();
    case Compression::kLz4: {
      const int bound = LZ4_compressBound(static_cast<int>(input.size()));
      out->resize(4 + static_cast<size_t>(bound));
      const auto n32 = static_cast<uint32_t>(input.size());
      (*out)[0] = static_cast<char>(n32 >> 24);
      (*out)[1] = static_cast<char>(n32 >> 16);
      (*out)[2] = static_cast<char>(n32 >> 8);
      (*out)[3] = static_cast<char>(n32);
      const int n = LZ4_compress_default(input.data(), out->data() + 4,
                                         static_cast<int>(input.size()), bound);
      if (n <= 0) {
        out->clear();
        return util::Status::internal("cql: LZ4 compression failed (frame writer): a bug");
      }
      out->resize(4 + static_cast<size_t>(n));
      return util::Status::ok();
    }
    case Compression::kSnappy:
      snappy::Compress(input.data(), input.size(), out);
      return util::Status::ok();
  }
  return util::Status::internal("cql: unknown compression (frame writer): a bug");
}

util::Status decompress_body(Compression compression, std::string_view input,
                             size_t max_uncompressed, std::string* out) {
  out->clear();
  switch (compression) {
    case Compression::kNone:
      if (input.size() > max_uncompressed) {
        return corrupt(compression,
                       fmt::format("the body exceeds the limit of {} bytes", max_uncompressed),
                       input.size());
      }
      out->assign(input);
      return util::Status::ok();
    case Compression::kLz4: {
      if (input.size() < 4) {
        return corrupt(compression, "the 4-byte uncompressed length is missing", input.size());
      }
      const uint32_t declared = (uint32_t{static_cast<uint8_t>(input[0])} << 24) |
                                (uint32_t{static_cast<uint8_t>(input[1])} << 16) |
                                (uint32_t{static_cast<uint8_t>(input[2])} << 8) |
                                uint32_t{static_cast<uint8_t>(input[3])};
      if (declared > max_uncompressed || declared > static_cast<uint32_t>(INT_MAX)) {
        return corrupt(compression,
                       fmt::format("the declared uncompressed length {} exceeds the limit of {} "
                                   "bytes",
                                   declared, max_uncompressed),
                       input.size());
      }
      const std::string_view block = input.substr(4);
      // An LZ4 block expands at most ~255-fold (each 0xFF length byte adds
      // 255 bytes); a larger claim is a lie, refused before allocating.
      if (declared > 255 * block.size() + 64) {
        return corrupt(compression,
                       fmt::format("the declared uncompressed length {} is more than an LZ4 block "
                                   "of {} bytes can expand to",
                                   declared, block.size()),
                       input.size());
      }
      if (block.size() > static_cast<size_t>(INT_MAX)) {
        return corrupt(compression, "the block is larger than LZ4 allows", input.size());
      }
      out->resize(declared);
      const int n = LZ4_decompress_safe(block.data(), out->data(), static_cast<int>(block.size()),
                                        static_cast<int>(declared));
      if (n < 0 || static_cast<uint32_t>(n) != declared) {
        out->clear();
        return corrupt(compression,
                       fmt::format("the LZ4 block is malformed, truncated, or does not expand to "
                                   "the declared {} bytes",
                                   declared),
                       input.size());
      }
      return util::Status::ok();
    }
    case Compression::kSnappy: {
      size_t length = 0;
      if (!snappy::GetUncompressedLength(input.data(), input.size(), &length)) {
        return corrupt(compression, "the Snappy length preamble is unreadable", input.size());
      }
      if (length > max_uncompressed) {
        return corrupt(compression,
                       fmt::format("the declared uncompressed length {} exceeds the limit of {} "
                                   "bytes",
                                   length, max_uncompressed),
                       input.size());
      }
      // A Snappy copy element of 3 bytes yields at most 64, so a block expands
      // at most ~22-fold; a larger claim is refused before allocating.
      if (length > 22 * input.size() + 64) {
        return corrupt(compression,
                       fmt::format("the declared uncompressed length {} is more than a Snappy "
                                   "block of {} bytes can expand to",
                                   length, input.size()),
                       input.size());
      }
      out->resize(length);
      if (!snappy::RawUncompress(input.data(), input.size(), out->data())) {
        out->clear();
        return corrupt(compression, "the Snappy block is malformed or truncated", input.size());
      }
      return util::Status::ok();
    }
  }
  return util::Status::internal("cql: unknown compression (frame reader): a bug");
}

}  // namespace medallion::cql
