// Landing: copies a source file, byte for byte, into the lake's landing zone
// (bronze) with a manifest beside it — the engine of `medallion land`.
//
//   <lake>/landingzone/assignment_data/<load-date>/<file name>
//   <lake>/landingzone/assignment_data/<load-date>/<file name>.manifest.json
//
// The source is an http, https or file URL (fetched with libcurl, see
// http_fetch.h) or a local path (read through the FileSystem). <load-date> is
// the UTC date of `now`; <file name> is the source's base name, or
// assignment_data.jsonl.bz2 when the URL has none.
//
// Guarantees:
//   - The bytes go to "<dir>/.<file name>.partial-<pid>" and are renamed into
//     place (never over an existing file) only once complete and verified
//     (the announced length matched, the transfer reported success) and
//     fsynced; the directory is fsynced after the rename. Then the manifest
//     is written atomically.
//   - Any failure removes the partial file and the directories this call
//     created: nothing appears under the final name.
//   - Landing bytes whose sha256 equals that of any manifest under
//     landingzone/assignment_data/*/ copies nothing: the report says
//     already_landed and names the earlier file.
//   - A file already under the final name without a manifest (a crash between
//     rename and manifest) is adopted when its bytes are the same; different
//     bytes under the same name and date are an error, never overwritten.
//
// Thread safety: concurrent landings of the same lake are safe against each
// other's files (the rename never replaces) but may both land the same bytes
// under different dates.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "lake/lake_layout.h"
#include "lake/manifest.h"
#include "util/file_system.h"
#include "util/status.h"

namespace medallion::util {
class Progress;
}

namespace medallion::lake {

struct LandingOptions {
  std::string source;  // http(s)/file URL, or a path (relative to the working directory)
  std::string lake_root = std::string(kDefaultLakeRoot);
  // The instant of the fetch (micros since the epoch); unset = the clock.
  // Fixes fetched_at and the load date, for reproducible runs.
  std::optional<int64_t> now_micros;
  // Connect timeout, and the time a transfer may stall under 1 byte/s.
  int timeout_seconds = 60;
  // Fed with the bytes as they land and the total when it is announced.
  util::Progress* progress = nullptr;
  // When set and true, the landing stops soon with kAborted and cleans up
  // as after any failure (e.g. set from a SIGINT handler). Not owned.
  const std::atomic<bool>* cancel = nullptr;
};

struct LandingReport {
  std::string path;           // the landed file: this landing's, or the earlier identical one
  std::string manifest_path;  // beside it
  LandingManifest manifest;   // of this landing, or the earlier one when already_landed
  bool already_landed = false;
  double seconds = 0;  // wall time of the whole call
};

util::Result<LandingReport> land_source(util::FileSystem& fs, const LandingOptions& options);

// The landed file (and its manifest) with this sha256 under
// landingzone/assignment_data/*/, if any. Unreadable manifests are skipped
// with a warning in the log.
struct LandedFile {
  std::string path;
  std::string manifest_path;
  LandingManifest manifest;
};
util::Result<std::optional<LandedFile>> find_landed(util::FileSystem& fs, const LakeLayout& layout,
                                                    std::string_view sha256);

}  // namespace medallion::lake
