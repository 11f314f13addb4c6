// The names of the files in a Delta table's log directory (PROTOCOL.md
// "Delta Log Entries", "Checkpoints", "Version Checksum File"). Every name
// starts with the version, zero-padded to 20 digits:
//
//   _delta_log/00000000000000000007.json                      commit 7
//   _delta_log/00000000000000000010.checkpoint.parquet        classic checkpoint
//   _delta_log/00000000000000000010.checkpoint.0000000001.0000000003.parquet
//                                                             part 1 of 3 (multi-part)
//   _delta_log/00000000000000000010.checkpoint.<uuid>.json    V2 checkpoint
//   _delta_log/00000000000000000010.checkpoint.<uuid>.parquet V2 checkpoint
//   _delta_log/00000000000000000010.crc                       version checksum
//   _delta_log/_last_checkpoint                               newest checkpoint hint
//   _delta_log/_sidecars/<name>.parquet                       V2 checkpoint sidecars
//
// Anything else in the directory (temporary files, log compactions, staged
// commits) is not part of the log and is ignored by readers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace medallion::delta {

inline constexpr std::string_view kLogDirName = "_delta_log";
inline constexpr std::string_view kLastCheckpointName = "_last_checkpoint";
inline constexpr std::string_view kSidecarDirName = "_sidecars";
inline constexpr int kVersionDigits = 20;

enum class LogFileKind {
  kCommit,
  kClassicCheckpoint,
  kMultiPartCheckpoint,
  kV2Checkpoint,
  kChecksum,
};

struct LogFileName {
  LogFileKind kind = LogFileKind::kCommit;
  int64_t version = 0;
  int32_t part = 0;   // kMultiPartCheckpoint: 1-based part number
  int32_t parts = 0;  // kMultiPartCheckpoint: number of parts
  bool json = false;  // kV2Checkpoint: JSON (else Parquet)
  std::string name;   // the file name, without a directory
};

// What a name in _delta_log is; nullopt for names that are not log files.
std::optional<LogFileName> parse_log_file_name(std::string_view name);

std::string version_prefix(int64_t version);  // "00000000000000000007"
std::string commit_file_name(int64_t version);
std::string classic_checkpoint_file_name(int64_t version);
std::string checksum_file_name(int64_t version);

}  // namespace medallion::delta
