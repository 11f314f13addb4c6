// DeltaStreamSource: a Delta table read as a stream of data changes, version
// by version, in micro-batches — the model is Spark Structured Streaming's
// Delta source (DeltaSource, DeltaSourceOffset).
//
// Stream order. A stream without a starting version first reads the whole
// table as of the version current when it opened (the "initial snapshot",
// its live files sorted by modification time, then path, as Spark's source
// orders them: about the order the data came in), then the data-change adds of every later
// commit. With a starting version it reads the adds of that commit and the
// later ones; with starting_latest only the commits after the version
// current at open. Within a commit, adds come in the order of the commit
// file. Only add actions with dataChange=true are emitted.
//
// What a commit may do:
//   - add data (WRITE, streaming appends): its data-change adds are emitted;
//   - only rearrange data (OPTIMIZE, compaction: every add and remove has
//     dataChange=false): skipped;
//   - remove data-change files without adding any (DELETE, TRUNCATE): an
//     error, unless ignore_deletes or ignore_changes (then skipped);
//   - remove and add data-change files (UPDATE, MERGE, overwrite, a DELETE
//     that writes deletion vectors): an error, unless ignore_changes (then
//     its adds are emitted again, rows already seen included: Spark's
//     ignoreChanges);
//   - change the schema or the partition columns (metaData): an error.
// The files before a version that fails are still streamed; the error comes
// when the stream reaches it. Errors are kFailedPrecondition (the table's
// history forbids going on as asked; Spark throws
// UnsupportedOperationException) and name the table, the version, the
// operation and the option that would let the stream go on.
//
// Offsets (StreamOffset; the JSON form of Spark's DeltaSourceOffset):
//
//   {"reservoirVersion":7,"index":2,"isStartingVersion":false}
//
// names the last file consumed: file `index` (0-based among the version's
// data-change adds, or among the initial snapshot's files in stream order
// when isStartingVersion) of version `reservoirVersion`; index -1 means none of
// that version yet. A batch is the range (start, end]: the files after the
// start offset up to and including the end offset. Offsets are stable: the
// same range always names the same files, so a batch can be run again
// after a crash.
//
// Limits: a batch holds at most max_files_per_trigger files and, when
// max_bytes_per_trigger > 0, at most that many bytes of files (by
// add.size) — but always at least one file, however large. A version may be
// split across batches.
//
// Schema: the table's schema when the source opened. A metaData action of a
// later (or, with a starting version, an earlier) commit whose schema or
// partition columns differ from it stops the stream.
//
// Caching: parsed commits are kept until the stream has moved past them, so
// polling a quiet table reads only the new commit files (and lists the log).
//
// Thread safety: one source is used by one thread; the FileSystem passed to
// open() must outlive it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/record_batch.h"
#include "delta/actions.h"
#include "delta/delta_schema.h"
#include "delta/snapshot.h"
#include "util/file_system.h"
#include "util/status.h"

namespace medallion::delta {

// Where a stream is in a table: see the top of this file.
struct StreamOffset {
  int64_t version = -1;
  int64_t index = -1;
  bool initial_snapshot = false;
  bool operator==(const StreamOffset&) const = default;
};

// {"reservoirVersion":7,"index":2,"isStartingVersion":false} (compact, no
// newline).
std::string offset_json(const StreamOffset& offset);
// Parses offset_json's form. Unknown keys (Spark's "sourceVersion",
// "reservoirId") are ignored; the three keys are required; version >= 0,
// index >= -1. Errors are kCorruption.
util::Result<StreamOffset> parse_offset_json(std::string_view json);
// "version 7 file 2", "version 3 (snapshot) file 0": for messages.
std::string offset_to_string(const StreamOffset& offset);

struct StreamSourceOptions {
  // Stream the changes of this version and the later ones (inclusive); the
  // table is not read whole. Must be a version still in the log.
  std::optional<int64_t> starting_version;
  // Stream only the commits after the version current at open.
  bool starting_latest = false;
  int64_t max_files_per_trigger = 1000;  // >= 1
  int64_t max_bytes_per_trigger = 0;     // 0 = no limit; a batch has at least one file
  // Commits that only remove data-change files are skipped.
  bool ignore_deletes = false;
  // Commits that remove and add data-change files (rewrites) have their adds
  // emitted again; commits that only remove are skipped.
  bool ignore_changes = false;
};

class DeltaStreamSource {
 public:
  // Loads the latest snapshot (the schema, and the initial snapshot when
  // there is no starting version). Errors: no table, bad options
  // (kInvalidArgument), a starting version past the latest or no longer in
  // the log.
  static util::Result<DeltaStreamSource> open(util::FileSystem& fs, std::string table_root,
                                              StreamSourceOptions options);

  DeltaStreamSource(DeltaStreamSource&&) noexcept;
  DeltaStreamSource& operator=(DeltaStreamSource&&) noexcept;
  ~DeltaStreamSource();

  // The end offset of the next batch after `after` (nullopt = nothing
  // consumed yet: the start the options give), or nullopt when no new file
  // is available. With last_version, commits after it are not considered
  // (a trigger that drains only what was there when it started).
  util::Result<std::optional<StreamOffset>> next_end(
      const std::optional<StreamOffset>& after,
      std::optional<int64_t> last_version = std::nullopt);
  // The data-change add files in (after, end], in stream order.
  util::Result<std::vector<AddFile>> files_between(const std::optional<StreamOffset>& after,
                                                   const StreamOffset& end);
  // Their rows as one record batch of columnar_schema_of(schema()): partition
  // columns filled in, rows deleted by deletion vectors left out.
  util::Result<columnar::RecordBatch> read_between(const std::optional<StreamOffset>& after,
                                                   const StreamOffset& end);
  // The rows of files (from files_between) as read_between gives them.
  util::Result<columnar::RecordBatch> read_files(const std::vector<AddFile>& files);

  // The latest version of the table now (lists the log).
  util::Result<int64_t> latest_version();

  const Schema& schema() const;
  const std::string& table_root() const;
  const StreamSourceOptions& options() const;
  // Where a stream that has consumed nothing starts (nothing of it consumed
  // yet): {v, -1, true} for the initial snapshot at v, {s, -1, false} for
  // starting version s, {latest + 1, -1, false} for starting_latest.
  StreamOffset start_offset() const;

 private:
  struct State;
  explicit DeltaStreamSource(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace medallion::delta
