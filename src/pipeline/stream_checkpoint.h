// StreamCheckpoint: the checkpoint directory of a stream — where it is in
// its source and which batches its sink has finished — in the layout of
// Spark Structured Streaming's checkpoint location:
//
//   <dir>/metadata     {"id":"8a390218-e4ee-4341-b6de-4920e27d3f78"}\n
//                      the stream id (a UUID v4), written once when the
//                      checkpoint is created; sinks use it as their
//                      idempotent-writer id (Delta txn appId)
//   <dir>/offsets/<N>  v1\n
//                      {"batchId":N,"batchTimestampMs":<ms since the epoch>}\n
//                      <start offset JSON, or null for the stream's start>\n
//                      <end offset JSON>\n
//                      the range of batch N, written BEFORE it runs
//   <dir>/commits/<N>  v1\n
//                      {"nextBatchWatermarkMs":0}\n
//                      written AFTER the sink accepted batch N
//
// N is the batch id in decimal (0, 1, 2, ...). Offsets are
// delta::offset_json's form. Every file is written atomically
// (util::write_file_atomic), so a crash leaves either the old state or the
// new one. Names in offsets/ and commits/ that are not batch ids (temporary
// files of atomic writes) are ignored.
//
// Consistency: the newest commits entry is the newest offsets entry (every
// batch done) or the one before it (batch N was planned and maybe run in
// part: it must run again with the same range). Anything else — a file that
// does not parse, a commit without its offsets, offsets without metadata —
// is kCorruption naming the file: a checkpoint is never silently started
// over, since that would replay or skip data.
//
// Thread safety: one stream (one process) uses a checkpoint at a time; the
// object is used by one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "delta/stream_source.h"
#include "util/file_system.h"
#include "util/status.h"

namespace medallion::pipeline {

inline constexpr std::string_view kCheckpointMetadataName = "metadata";
inline constexpr std::string_view kOffsetsDirName = "offsets";
inline constexpr std::string_view kCommitsDirName = "commits";
inline constexpr std::string_view kCheckpointFormatVersion = "v1";

// The content of offsets/<N>.
struct BatchOffsets {
  int64_t batch_id = 0;
  int64_t timestamp_ms = 0;  // when the batch was planned
  std::optional<delta::StreamOffset> start;  // nullopt: the stream's start
  delta::StreamOffset end;
  bool operator==(const BatchOffsets&) const = default;
};

std::string serialize_batch_offsets(const BatchOffsets& offsets);
// `source` (the file's path) goes into error messages.
util::Result<BatchOffsets> parse_batch_offsets(std::string_view text, std::string_view source);

// Where a stream resumes, from the checkpoint's offsets and commits.
struct StreamResume {
  // A batch planned but not committed: run it again, same id, same range.
  std::optional<BatchOffsets> pending;
  // The id of the next new batch, and the offset it starts after (the end
  // of the newest planned batch; nullopt for a new stream).
  int64_t next_batch_id = 0;
  std::optional<delta::StreamOffset> after;
};

class StreamCheckpoint {
 public:
  // Opens the checkpoint at dir, creating the directory and the stream id
  // when there is none yet. fs must outlive the object.
  static util::Result<StreamCheckpoint> open(util::FileSystem& fs, std::string dir);

  const std::string& dir() const { return dir_; }
  // The stream id (metadata "id").
  const std::string& id() const { return id_; }

  // The newest batch ids in offsets/ and commits/; nullopt when empty.
  util::Result<std::optional<int64_t>> last_offsets_batch();
  util::Result<std::optional<int64_t>> last_commit_batch();

  util::Result<BatchOffsets> read_offsets(int64_t batch_id);
  // Checks that commits/<N> is well formed.
  util::Status read_commit(int64_t batch_id);
  util::Status write_offsets(const BatchOffsets& offsets);
  util::Status write_commit(int64_t batch_id);

  // Reads the newest entries and checks them against each other (see the
  // top of this file).
  util::Result<StreamResume> resume();

  std::string offsets_path(int64_t batch_id) const;
  std::string commit_path(int64_t batch_id) const;

 private:
  StreamCheckpoint(util::FileSystem& fs, std::string dir, std::string id)
      : fs_(&fs), dir_(std::move(dir)), id_(std::move(id)) {}
  util::Result<std::optional<int64_t>> last_batch(std::string_view subdir);

  util::FileSystem* fs_;
  std::string dir_;
  std::string id_;
};

}  // namespace medallion::pipeline
