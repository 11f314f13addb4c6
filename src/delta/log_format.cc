#include "delta/log_format.h"

#include <fmt/format.h>

namespace medallion::delta {
namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Parses a run of decimal digits that fits an int64 (at most 18 digits for
// parts, 20 for versions but capped at int64's range).
std::optional<int64_t> parse_digits(std::string_view s) {
  if (!all_digits(s) || s.size() > 19) return std::nullopt;
  int64_t v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

std::optional<LogFileName> parse_log_file_name(std::string_view name) {
  if (name.size() <= static_cast<size_t>(kVersionDigits) || name[kVersionDigits] != '.') {
    return std::nullopt;
  }
  std::string_view digits = name.substr(0, kVersionDigits);
  if (!all_digits(digits) || digits[0] != '0') return std::nullopt;  // int64 fits in 19 digits
  auto version = parse_digits(digits.substr(1));
  if (!version) return std::nullopt;
  LogFileName out;
  out.version = *version;
  out.name = std::string(name);
  std::string_view rest = name.substr(kVersionDigits + 1);
  if (rest == "json") {
    out.kind = LogFileKind::kCommit;
    return out;
  }
  if (rest == "crc") {
    out.kind = LogFileKind::kChecksum;
    return out;
  }
  constexpr std::string_view kCheckpoint = "checkpoint.";
  if (rest.substr(0, kCheckpoint.size()) != kCheckpoint) return std::nullopt;
  rest.remove_prefix(kCheckpoint.size());
  if (rest == "parquet") {
    out.kind = LogFileKind::kClassicCheckpoint;
    return out;
  }
  // <part:10>.<parts:10>.parquet
  if (rest.size() == 10 + 1 + 10 + 8 && rest[10] == '.' && rest.substr(21) == ".parquet") {
    auto part = parse_digits(rest.substr(0, 10));
    auto parts = parse_digits(rest.substr(11, 10));
    if (!part || !parts || *part < 1 || *part > *parts || *parts > 1'000'000) return std::nullopt;
    out.kind = LogFileKind::kMultiPartCheckpoint;
    out.part = static_cast<int32_t>(*part);
    out.parts = static_cast<int32_t>(*parts);
    return out;
  }
  // <uuid>.json | <uuid>.parquet
  size_t dot = rest.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  std::string_view uuid = rest.substr(0, dot);
  std::string_view ext = rest.substr(dot + 1);
  if (uuid.find('.') != std::string_view::npos) return std::nullopt;
  if (ext != "json" && ext != "parquet") return std::nullopt;
  out.kind = LogFileKind::kV2Checkpoint;
  out.json = ext == "json";
  return out;
}

std::string version_prefix(int64_t version) { return fmt::format("{:020d}", version); }
std::string commit_file_name(int64_t version) { return version_prefix(version) + ".json"; }
std::string classic_checkpoint_file_name(int64_t version) {
  return version_prefix(version) + ".checkpoint.parquet";
}
std::string checksum_file_name(int64_t version) { return version_prefix(version) + ".crc"; }

}  // namespace medallion::delta
