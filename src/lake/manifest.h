// Landing manifest: what the landing zone records about one landed file,
// stored beside it as "<file name>.manifest.json".
//
// Format (UTF-8 JSON object, written pretty-printed with two-space indents):
//
//   {
//     "manifest_version": 1,
//     "file": "assignment_data.jsonl.bz2",
//     "source": "https://cdn.unityads.unity3d.com/assignments/assignment_data.jsonl.bz2",
//     "size": 38123456,
//     "sha256": "<64 lowercase hex digits>",
//     "fetched_at": "2024-05-01T12:34:56Z",
//     "load_date": "2024-05-01",
//     "http_status": 200,
//     "last_modified": "2016-12-02T10:00:00Z"
//   }
//
//   manifest_version  1; readers refuse a greater version.
//   file              the landed file's name in the same directory.
//   source            the URL as given, or the absolute path of a local file.
//   size, sha256      of the landed bytes (what was fetched, byte for byte).
//   fetched_at        ISO-8601 UTC instant with 'Z' (a fraction only when
//                     not whole seconds): when the fetch started.
//   load_date         the UTC date of fetched_at: the directory it lives in.
//   http_status       optional; the final HTTP status (http and https only).
//   last_modified     optional; the source's modification time as reported by
//                     the server (Last-Modified) or the file system.
// Readers ignore keys they do not know, so later versions may add keys.
//
// Thread safety: plain values and pure functions; the file functions are as
// thread-safe as the FileSystem given.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/file_system.h"
#include "util/status.h"

namespace medallion::util {
class JsonWriter;
}

namespace medallion::lake {

inline constexpr int kManifestVersion = 1;
inline constexpr std::string_view kManifestSuffix = ".manifest.json";

struct LandingManifest {
  std::string file_name;
  std::string source;
  uint64_t size = 0;
  std::string sha256;
  int64_t fetched_at_micros = 0;  // since the epoch, UTC
  std::string load_date;          // YYYY-MM-DD
  std::optional<int> http_status;
  std::optional<int64_t> last_modified_micros;

  bool operator==(const LandingManifest&) const = default;

  // Writes the keys above into an object the caller has begun (so that the
  // CLI can add its own keys for --json).
  void write_json_fields(util::JsonWriter& w) const;
  // The whole object; pretty for the file, compact for one-line output.
  std::string to_json(bool pretty) const;
};

// "<dir>/<name>" -> "<dir>/<name>.manifest.json".
std::string manifest_path_for(std::string_view landed_file);

// Parses manifest text; `where` (a path) goes into error messages.
util::Result<LandingManifest> parse_manifest(std::string_view json, std::string_view where);

// Writes the manifest atomically (util::write_file_atomic): readers see the
// old manifest or the new one, never a torn one.
util::Status write_manifest(util::FileSystem& fs, const std::string& path,
                            const LandingManifest& manifest);
util::Result<LandingManifest> read_manifest(util::FileSystem& fs, const std::string& path);

}  // namespace medallion::lake
