// The last checkpoint file, _delta_log/_last_checkpoint: a pointer to a
// recent checkpoint, so that readers need not list the whole log
// (PROTOCOL.md "Last Checkpoint File" and "Last Checkpoint File Schema").
//
// Layout: one JSON object on one line, ending in '\n' (as Spark writes it):
//
//   {"version":10,"size":13,"parts":2,"sizeInBytes":14800,"numOfAddFiles":1,
//    "checkpointSchema":{"type":"struct","fields":[...]},
//    "v2Checkpoint":{"path":"...checkpoint.<uuid>.json","sizeInBytes":891,...},
//    "checksum":"80bc920eaa1889d3facbab7074862f2a"}
//
//   version           required  the table version the checkpoint is of
//   size              required  number of actions in the checkpoint
//   parts             optional  number of files of a multi-part checkpoint
//   sizeInBytes       optional  bytes of the checkpoint
//   numOfAddFiles     optional  add actions in the checkpoint
//   checkpointSchema  optional  the checkpoint's Parquet schema (kept as JSON text)
//   v2Checkpoint      optional  Spark's summary of a V2 checkpoint (kept as
//                               JSON text; not in PROTOCOL.md's table)
//   tags              optional  map<string,string>
//   checksum          optional  MD5 of the canonicalized JSON (PROTOCOL.md "JSON checksum")
//
// Reading: unknown fields are ignored; integers must be JSON integers;
// version and size must not be negative, parts must be at least 1. The
// checksum is kept but not verified. Anything else (including an empty file,
// as in the golden table corrupted-last-checkpoint-kernel) is
// Status::corruption; since the file is only a hint, callers should treat a
// corrupt one as absent and list the log instead.
//
// Writing: the fields above in that order, absent ones omitted, compact,
// then '\n', and WITHOUT the checksum: it is optional, a
// checksum needs the protocol's canonical form of the whole object
// (URL-encoding every string of the checkpoint schema), and a wrong one is
// worse than none (readers that verify it distrust the file), so medallion
// writes none and readers fall back to not verifying.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "util/status.h"

namespace medallion::delta {

struct LastCheckpoint {
  int64_t version = 0;
  int64_t size = 0;
  std::optional<int64_t> parts;
  std::optional<int64_t> size_in_bytes;
  std::optional<int64_t> num_of_add_files;
  std::optional<std::string> checkpoint_schema;  // compact JSON text of the object
  std::optional<std::string> v2_checkpoint;      // compact JSON text of the object
  std::map<std::string, std::string> tags;
  std::optional<std::string> checksum;  // read, never written
  bool operator==(const LastCheckpoint&) const = default;
};

// Parses the file's contents. `source` (e.g. "t/_delta_log/_last_checkpoint")
// goes into error messages.
util::Result<LastCheckpoint> parse_last_checkpoint(std::string_view json, std::string_view source);

// The file's contents (one line ending in '\n'); the checksum is not
// written (see above).
std::string serialize_last_checkpoint(const LastCheckpoint& checkpoint);

}  // namespace medallion::delta
