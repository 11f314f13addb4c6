#include "delta/vacuum.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "delta/column_conform.h"
#include "delta/deletion_vector.h"
#include "delta/log_format.h"
#include "delta/partition_value.h"
#include "delta/snapshot.h"
#include "delta/table_scan.h"
#include "util/civil_time.h"

namespace medallion::delta {
namespace {

constexpr std::string_view kChangeDataDirName = "_change_data";
constexpr std::string_view kCommitTempSuffix = ".json.tmp";
// Partition directories nest one level per partition column; anything far
// deeper is a symbolic link loop, not a table.
constexpr int kMaxDepth = 256;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string hours_text(int64_t ms) {
  if (ms % 3'600'000 == 0) return fmt::format("{} hours", ms / 3'600'000);
  return fmt::format("{} ms", ms);
}

// The state one vacuum walks with.
struct Walk {
  util::FileSystem* fs = nullptr;
  std::string root;
  int64_t cutoff_ms = 0;
  bool dry_run = false;
  std::set<std::string> referenced;             // file system paths
  std::vector<std::string> partition_prefixes;  // "<escaped column>="
  VacuumResult* result = nullptr;
};

bool is_hidden(const Walk& walk, std::string_view name) {
  if (name.empty() || (name[0] != '_' && name[0] != '.')) return false;
  if (name.starts_with(kChangeDataDirName)) return false;
  for (const std::string& prefix : walk.partition_prefixes) {
    if (name.starts_with(prefix)) return false;
  }
  return true;
}

// Adds a file an action names (and its deletion vector file) to the kept set.
util::Status keep(Walk& walk, const std::string& path,
                  const std::optional<DeletionVectorDescriptor>& dv) {
  auto file = data_file_path(walk.root, path);
  if (file.is_ok()) {
    walk.referenced.insert(std::move(file).value());
  } else if (file.status().code() != util::StatusCode::kUnsupported) {
    // A path we cannot decode might name any file: stop rather than guess.
    return file.status().with_context(
        fmt::format("delta: cannot vacuum table {}: a file its log references has a bad path",
                    walk.root));
  }  // else on another file system: never below the root, nothing to keep
  if (dv && dv->storage_type != 'i') {
    auto dv_file = deletion_vector_path(walk.root, *dv);
    if (dv_file.is_ok()) {
      walk.referenced.insert(std::move(dv_file).value());
    } else if (dv_file.status().code() != util::StatusCode::kUnsupported) {
      return dv_file.status().with_context(fmt::format(
          "delta: cannot vacuum table {}: a deletion vector of {} has a bad descriptor",
          walk.root, path));
    }
  }
  return util::Status::ok();
}

// Deletes (or, in a dry run, lists) one file if it is older than the cutoff.
// Returns whether it is gone (or would be).
util::Result<bool> collect(Walk& walk, const std::string& path, const std::string& relative) {
  auto mtime = walk.fs->modification_time_ms(path);
  if (!mtime.is_ok()) {
    // Removed since the listing (another vacuum): nothing left to do.
    if (mtime.status().code() == util::StatusCode::kNotFound) return true;
    return mtime.status();
  }
  if (mtime.value() >= walk.cutoff_ms) return false;
  auto size = walk.fs->file_size(path);
  if (!size.is_ok()) {
    if (size.status().code() == util::StatusCode::kNotFound) return true;
    return size.status();
  }
  if (!walk.dry_run) {
    util::Status removed = walk.fs->remove_file(path);
    if (!removed.is_ok() && removed.code() != util::StatusCode::kNotFound) return removed;
  }
  walk.result->files_to_delete.push_back(relative);
  walk.result->bytes += static_cast<int64_t>(size.value());
  return true;
}

// The orphan commit temp files of _delta_log; the rest of the log is the
// log cleaner's business, never vacuum's.
util::Status collect_commit_temps(Walk& walk, const std::string& log_dir) {
  auto names = walk.fs->list_dir(log_dir);
  if (!names.is_ok()) {
    if (names.status().code() == util::StatusCode::kNotFound) return util::Status::ok();
    return names.status();
  }
  for (const std::string& name : names.value()) {
    if (!name.starts_with('.') || !name.ends_with(kCommitTempSuffix)) continue;
    auto gone = collect(walk, util::join_path(log_dir, name),
                        fmt::format("{}/{}", kLogDirName, name));
    if (!gone.is_ok()) return gone.status();
  }
  return util::Status::ok();
}

// Walks one directory; returns the number of its entries left afterwards
// (as a dry run would leave them: entries it would delete count as gone).
util::Result<size_t> walk_dir(Walk& walk, const std::string& dir, const std::string& relative_dir,
                              int depth) {
  if (depth > kMaxDepth) {
    return util::Status::unsupported(fmt::format(
        "delta: directory {} is more than {} levels below the table root (a symbolic link "
        "loop?): remove the loop",
        dir, kMaxDepth));
  }
  const bool is_root = depth == 0;
  auto listed = walk.fs->list_dir(dir);
  if (!listed.is_ok()) return listed.status();
  size_t left = 0;
  for (const std::string& name : listed.value()) {
    const std::string path = util::join_path(dir, name);
    const std::string relative = relative_dir.empty() ? name : relative_dir + "/" + name;
    if (is_root && name == kLogDirName) {
      MEDALLION_RETURN_IF_ERROR(collect_commit_temps(walk, path));
      ++left;
      continue;
    }
    if (is_hidden(walk, name)) {
      ++left;
      continue;
    }
    // FileSystem has no stat of the entry's kind: a directory is what lists.
    auto children = walk.fs->list_dir(path);
    if (children.is_ok()) {
      MEDALLION_ASSIGN_OR_RETURN(size_t child_left, walk_dir(walk, path, relative, depth + 1));
      // Only directories this walk emptied go: an empty directory may be a
      // writer's, about to receive its file.
      if (child_left == 0 && !children.value().empty()) {
        if (!walk.dry_run) {
          util::Status removed = walk.fs->remove_dir(path);
          // A writer put a file there since: it stays, and so does the directory.
          if (!removed.is_ok()) ++left;
        }
      } else {
        ++left;
      }
      continue;
    }
    if (walk.referenced.count(path) > 0) {
      ++left;
      continue;
    }
    MEDALLION_ASSIGN_OR_RETURN(bool gone, collect(walk, path, relative));
    if (!gone) ++left;
  }
  return left;
}

}  // namespace

util::Result<int64_t> parse_interval_ms(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return util::Status::invalid_argument(fmt::format(
        "delta: bad interval '{}' ({}): write it like 'interval 7 days' or 'interval 168 hours'",
        text, why));
  };
  std::vector<std::string> words;
  for (size_t i = 0; i < text.size();) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) words.push_back(lower(text.substr(start, i - start)));
  }
  size_t w = 0;
  if (w < words.size() && words[w] == "interval") ++w;
  if (w == words.size()) return bad("no amount");
  if ((words.size() - w) % 2 != 0) return bad("an amount without a unit");
  int64_t total = 0;
  for (; w < words.size(); w += 2) {
    const std::string& number = words[w];
    size_t digits = (number[0] == '-' || number[0] == '+') ? 1 : 0;
    if (digits == number.size() || number.size() - digits > 18 ||
        !std::all_of(number.begin() + static_cast<std::ptrdiff_t>(digits), number.end(),
                     [](char c) { return c >= '0' && c <= '9'; })) {
      return bad(fmt::format("'{}' is not an integer", number));
    }
    const int64_t amount = std::stoll(number);
    std::string unit = words[w + 1];
    if (unit.size() > 1 && unit.back() == 's') unit.pop_back();
    int64_t unit_ms = 0;
    bool micros = false;
    if (unit == "week") {
      unit_ms = 7 * 24 * 3'600'000LL;
    } else if (unit == "day") {
      unit_ms = 24 * 3'600'000LL;
    } else if (unit == "hour") {
      unit_ms = 3'600'000;
    } else if (unit == "minute") {
      unit_ms = 60'000;
    } else if (unit == "second") {
      unit_ms = 1000;
    } else if (unit == "millisecond") {
      unit_ms = 1;
    } else if (unit == "microsecond") {
      micros = true;
    } else if (unit == "month" || unit == "year") {
      return bad("months and years have no fixed length");
    } else {
      return bad(fmt::format("unknown unit '{}'", words[w + 1]));
    }
    int64_t ms = 0;
    if (micros) {
      ms = amount / 1000;
    } else if (__builtin_mul_overflow(amount, unit_ms, &ms)) {
      return bad("too long");
    }
    if (__builtin_add_overflow(total, ms, &total)) return bad("too long");
  }
  return total;
}

util::Result<VacuumResult> vacuum(util::FileSystem& fs, const std::string& table_root,
                                  const VacuumOptions& options) {
  if (options.retention_ms < 0) {
    return util::Status::invalid_argument(fmt::format(
        "delta: cannot vacuum table {} with a negative retention ({} ms): give a retention of "
        "zero or more",
        table_root, options.retention_ms));
  }
  std::string root = table_root;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  auto loaded = load_snapshot(fs, root);
  if (!loaded.is_ok()) {
    return loaded.status().with_context(fmt::format("delta: cannot vacuum table {}", root));
  }
  const Snapshot& snapshot = loaded.value();

  int64_t table_retention_ms = kDefaultDeletedFileRetentionMs;
  if (auto text = snapshot.property(std::string(kDeletedFileRetentionProperty))) {
    auto parsed = parse_interval_ms(*text);
    if (!parsed.is_ok()) {
      return parsed.status().with_context(fmt::format(
          "delta: table {} has a bad {}", root, kDeletedFileRetentionProperty));
    }
    table_retention_ms = parsed.value();
  }
  if (options.enforce_retention_check && options.retention_ms < table_retention_ms) {
    return util::Status::invalid_argument(fmt::format(
        "delta: vacuum of table {} with a retention of {} is refused: it is shorter than the "
        "table's {} ({}), so files that readers of older versions or concurrent writers still "
        "need could be deleted: keep the retention at least that long, or turn the retention "
        "check off (enforce_retention_check = false) if no reader or writer can be affected",
        root, hours_text(options.retention_ms), kDeletedFileRetentionProperty,
        hours_text(table_retention_ms)));
  }

  const int64_t now_ms = options.now_ms != 0 ? options.now_ms : util::unix_now_ms();
  VacuumResult result;
  result.dry_run = options.dry_run;
  Walk walk;
  walk.fs = &fs;
  walk.root = root;
  walk.cutoff_ms = now_ms < std::numeric_limits<int64_t>::min() + options.retention_ms
                       ? std::numeric_limits<int64_t>::min()
                       : now_ms - options.retention_ms;
  walk.dry_run = options.dry_run;
  walk.result = &result;
  for (const Field& field : snapshot.schema.fields) {
    if (std::find(snapshot.metadata.partition_columns.begin(),
                  snapshot.metadata.partition_columns.end(),
                  field.name) == snapshot.metadata.partition_columns.end()) {
      continue;
    }
    walk.partition_prefixes.push_back(escape_partition_path_component(field.name) + "=");
    walk.partition_prefixes.push_back(
        escape_partition_path_component(physical_name(field, snapshot.column_mapping)) + "=");
  }
  for (const AddFile& add : snapshot.files) {
    MEDALLION_RETURN_IF_ERROR(keep(walk, add.path, add.deletion_vector));
  }
  for (const RemoveFile& tombstone : snapshot.tombstones) {
    // Without a deletionTimestamp a tombstone's age is unknown: expired, as in Spark.
    if (!tombstone.deletion_timestamp || *tombstone.deletion_timestamp < walk.cutoff_ms) continue;
    MEDALLION_RETURN_IF_ERROR(keep(walk, tombstone.path, tombstone.deletion_vector));
  }

  auto walked = walk_dir(walk, root, "", 0);
  if (!walked.is_ok()) {
    return walked.status().with_context(fmt::format(
        "delta: vacuum of table {} stopped ({} files deleted so far; running it again finishes "
        "the job)",
        root, options.dry_run ? 0 : result.files_to_delete.size()));
  }
  std::sort(result.files_to_delete.begin(), result.files_to_delete.end());
  return result;
}

}  // namespace medallion::delta
