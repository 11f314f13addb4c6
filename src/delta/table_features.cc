#include "delta/table_features.h"

#include <algorithm>
#include <array>
#include <string_view>

#include <fmt/format.h>

namespace medallion::delta {
namespace {

constexpr std::array<std::string_view, 7> kReaderFeatures = {
    "columnMapping", "deletionVectors",   "timestampNtz",       "typeWidening",
    "typeWidening-preview", "v2Checkpoint", "vacuumProtocolCheck"};

}  // namespace

util::Status check_readable(const Protocol& protocol, const std::string& table_root) {
  if (protocol.min_reader_version > kMaxReaderVersion || protocol.min_reader_version < 1) {
    return util::Status::unsupported(fmt::format(
        "delta: table {} needs reader version {}, which medallion does not support (it reads "
        "versions 1 to {}): read it with a newer Delta reader",
        table_root, protocol.min_reader_version, kMaxReaderVersion));
  }
  if (protocol.min_reader_version == 3 && protocol.reader_features) {
    for (const std::string& feature : *protocol.reader_features) {
      if (std::find(kReaderFeatures.begin(), kReaderFeatures.end(), feature) ==
          kReaderFeatures.end()) {
        return util::Status::unsupported(fmt::format(
            "delta: table {} needs reader feature '{}', which medallion does not support: read "
            "it with a Delta reader that implements '{}'",
            table_root, feature, feature));
      }
    }
  }
  return util::Status::ok();
}

util::Status check_writable(const Protocol& protocol, const Metadata& metadata,
                            const std::string& table_root) {
  MEDALLION_RETURN_IF_ERROR(check_readable(protocol, table_root));
  if (protocol.min_writer_version > kMaxWriterVersion) {
    std::string needs = fmt::format("writer version {}", protocol.min_writer_version);
    if (protocol.writer_features && !protocol.writer_features->empty()) {
      needs += " with writer features";
      for (const std::string& f : *protocol.writer_features) needs += " '" + f + "'";
    }
    return util::Status::unsupported(fmt::format(
        "delta: table {} needs {}, and medallion writes only up to writer version {}: write to "
        "it with a Delta writer that implements these",
        table_root, needs, kMaxWriterVersion));
  }
  if (metadata.schema_string.find("delta.invariants") != std::string::npos) {
    return util::Status::unsupported(fmt::format(
        "delta: table {} declares column invariants (delta.invariants), which medallion does "
        "not enforce: write to it with a Delta writer that checks invariants",
        table_root));
  }
  return util::Status::ok();
}

}  // namespace medallion::delta
