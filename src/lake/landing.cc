#include "lake/landing.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "lake/http_fetch.h"
#include "util/civil_time.h"
#include "util/log.h"
#include "util/progress.h"
#include "util/sha256.h"

namespace medallion::lake {

namespace {

constexpr size_t kCopyChunkSize = 1 << 20;
constexpr size_t kShortHashDigits = 12;

int64_t clock_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string short_hash(std::string_view sha256) {
  return std::string(sha256.substr(0, kShortHashDigits)) + "\u2026";
}

// The source path as the manifest records it: absolute, lexically clean.
std::string absolute_path(const std::string& path) {
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(path, ec);
  if (ec) return path;
  return abs.lexically_normal().string();
}

// Creates a directory and its missing ancestors, remembering which ones it
// made, so that a landing that fails or copies nothing leaves no trace.
class DirMaker {
 public:
  util::Status make(util::FileSystem& fs, const std::string& dir) {
    if (made_) return util::Status::ok();
    std::vector<std::string> missing;  // deepest first
    for (std::string p = dir; p != "." && p != "/" && !p.empty(); p = util::parent_dir(p)) {
      MEDALLION_ASSIGN_OR_RETURN(const bool there, fs.exists(p));
      if (there) break;
      missing.push_back(p);
    }
    MEDALLION_RETURN_IF_ERROR(fs.create_dirs(dir));
    created_ = std::move(missing);
    made_ = true;
    return util::Status::ok();
  }

  // Makes the new directories' entries durable in their parents.
  util::Status sync_parents(util::FileSystem& fs) const {
    for (const std::string& dir : created_)
      MEDALLION_RETURN_IF_ERROR(fs.sync_dir(util::parent_dir(dir)));
    return util::Status::ok();
  }

  // Removes what make() created (only if empty again).
  void undo(util::FileSystem& fs) {
    for (const std::string& dir : created_) {
      if (!fs.remove_dir(dir).is_ok()) break;
    }
    created_.clear();
  }

 private:
  bool made_ = false;
  std::vector<std::string> created_;
};

// Writes the fetched bytes to the partial file, hashing and counting them.
// The directories and the file are created with the first byte, so that a
// source that fails at once (404, refused) touches nothing.
class LandingSink final : public FetchSink {
 public:
  LandingSink(util::FileSystem& fs, std::string dir, std::string temp, util::Progress* progress)
      : fs_(fs), dir_(std::move(dir)), temp_(std::move(temp)), progress_(progress) {}

  void on_length(uint64_t length) override {
    if (progress_ != nullptr) progress_->set_total_bytes(length);
  }

  util::Status on_data(std::string_view chunk) override {
    MEDALLION_RETURN_IF_ERROR(open());
    MEDALLION_RETURN_IF_ERROR(file_->append(chunk));
    sha_.update(chunk);
    bytes_ += chunk.size();
    if (progress_ != nullptr) progress_->add(0, chunk.size());
    return util::Status::ok();
  }

  // All bytes are in: makes the partial file durable and closes it.
  util::Status finish() {
    MEDALLION_RETURN_IF_ERROR(open());  // an empty source still lands a file
    MEDALLION_RETURN_IF_ERROR(file_->sync());
    return file_->close();
  }

  // The partial file was renamed into place: nothing left to discard.
  void renamed() { temp_exists_ = false; }

  // Removes the partial file and the directories made for it.
  void discard() {
    file_.reset();
    if (temp_exists_) (void)fs_.remove_file(temp_);
    temp_exists_ = false;
    dirs_.undo(fs_);
  }

  uint64_t bytes() const { return bytes_; }
  std::string sha256() { return sha_.hex_digest(); }
  DirMaker& dirs() { return dirs_; }

 private:
  util::Status open() {
    if (file_) return util::Status::ok();
    MEDALLION_RETURN_IF_ERROR(dirs_.make(fs_, dir_));
    // The name carries our pid, so an existing one is a leftover of a dead
    // process that had our pid: truncating it is safe.
    MEDALLION_ASSIGN_OR_RETURN(file_, fs_.create_writable(temp_, util::CreateMode::kTruncate));
    temp_exists_ = true;
    return util::Status::ok();
  }

  util::FileSystem& fs_;
  std::string dir_;
  std::string temp_;
  util::Progress* progress_;
  DirMaker dirs_;
  std::unique_ptr<util::WritableFile> file_;
  bool temp_exists_ = false;
  util::Sha256 sha_;
  uint64_t bytes_ = 0;
};

util::Status copy_local(util::FileSystem& fs, const std::string& path, LandingSink& sink,
                        const std::atomic<bool>* cancel) {
  auto file = fs.open_sequential(path);
  if (!file.is_ok()) {
    if (file.status().code() == util::StatusCode::kNotFound) {
      return util::Status::not_found(
          fmt::format("land: source file not found ({}): check the path", path));
    }
    return file.status();
  }
  MEDALLION_ASSIGN_OR_RETURN(const uint64_t size, fs.file_size(path));
  sink.on_length(size);
  std::unique_ptr<char[]> buffer(new char[kCopyChunkSize]);
  uint64_t copied = 0;
  while (true) {
    MEDALLION_ASSIGN_OR_RETURN(const size_t n, (*file)->read(buffer.get(), kCopyChunkSize));
    if (n == 0) break;
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
      return util::Status::aborted(fmt::format(
          "land: interrupted copying {}: nothing was landed; run again to land it", path));
    }
    MEDALLION_RETURN_IF_ERROR(sink.on_data(std::string_view(buffer.get(), n)));
    copied += n;
  }
  if (copied != size) {
    return util::Status::io_error(fmt::format(
        "land: source file changed while it was copied ({}: {} bytes, then {}): retry once it "
        "is complete",
        path, size, copied));
  }
  return util::Status::ok();
}

util::Result<std::string> sha256_of_file(util::FileSystem& fs, const std::string& path) {
  MEDALLION_ASSIGN_OR_RETURN(auto file, fs.open_sequential(path));
  std::unique_ptr<char[]> buffer(new char[kCopyChunkSize]);
  util::Sha256 sha;
  while (true) {
    MEDALLION_ASSIGN_OR_RETURN(const size_t n, file->read(buffer.get(), kCopyChunkSize));
    if (n == 0) break;
    sha.update(std::string_view(buffer.get(), n));
  }
  return sha.hex_digest();
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

util::Result<std::optional<LandedFile>> find_landed(util::FileSystem& fs, const LakeLayout& layout,
                                                    std::string_view sha256) {
  const std::string dataset_dir = layout.assignment_landing_dir();
  MEDALLION_ASSIGN_OR_RETURN(const bool there, fs.exists(dataset_dir));
  if (!there) return std::optional<LandedFile>();
  MEDALLION_ASSIGN_OR_RETURN(const std::vector<std::string> dates, fs.list_dir(dataset_dir));
  for (const std::string& date : dates) {
    if (date.empty() || date.front() == '.') continue;
    const std::string dir = util::join_path(dataset_dir, date);
    auto names = fs.list_dir(dir);
    if (!names.is_ok()) continue;  // a stray file, not a load-date directory
    for (const std::string& name : *names) {
      if (!ends_with(name, kManifestSuffix)) continue;
      const std::string manifest_path = util::join_path(dir, name);
      auto manifest = read_manifest(fs, manifest_path);
      if (!manifest.is_ok()) {
        util::log_warn("{} (skipped while looking for earlier landings)",
                       manifest.status().message());
        continue;
      }
      if (manifest->sha256 != sha256) continue;
      if (manifest->file_name.empty() || manifest->file_name.find('/') != std::string::npos)
        continue;
      const std::string path = util::join_path(dir, manifest->file_name);
      MEDALLION_ASSIGN_OR_RETURN(const bool landed, fs.exists(path));
      if (!landed) continue;  // the file was removed by hand: not landed any more
      return std::optional<LandedFile>(LandedFile{path, manifest_path, std::move(*manifest)});
    }
  }
  return std::optional<LandedFile>();
}

util::Result<LandingReport> land_source(util::FileSystem& fs, const LandingOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  auto elapsed = [&started] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  if (options.source.empty()) {
    return util::Status::invalid_argument("land: no source given: name a URL or a local file");
  }
  const bool url = is_url(options.source);
  LandingManifest m;
  m.fetched_at_micros = options.now_micros.value_or(clock_micros());
  m.load_date = util::format_iso_date(util::days_from_micros(m.fetched_at_micros));
  if (url) {
    m.source = redact_url(options.source);
    m.file_name = url_file_name(options.source);
    if (m.file_name.empty()) m.file_name = std::string(kAssignmentSourceFileName);
  } else {
    m.source = absolute_path(options.source);
    m.file_name = util::base_name(m.source);
  }

  const LakeLayout layout(options.lake_root);
  const std::string dir = layout.landing_dir(kAssignmentDataset, m.load_date);
  const std::string final_path = util::join_path(dir, m.file_name);
  const std::string manifest_path = manifest_path_for(final_path);
  const std::string temp =
      util::join_path(dir, fmt::format(".{}.partial-{}", m.file_name, ::getpid()));

  LandingSink sink(fs, dir, temp, options.progress);
  auto fail = [&sink](util::Status st) -> util::Result<LandingReport> {
    sink.discard();
    return st;
  };

  if (url) {
    FetchOptions fetch;
    fetch.url = options.source;
    fetch.connect_timeout_seconds = options.timeout_seconds;
    fetch.stall_timeout_seconds = options.timeout_seconds;
    fetch.cancel = options.cancel;
    util::Result<FetchInfo> info = fetch_url(fetch, sink);
    if (!info.is_ok()) return fail(info.status());
    m.http_status = info->http_status;
    m.last_modified_micros = info->last_modified_micros;
  } else {
    if (util::Status st = copy_local(fs, m.source, sink, options.cancel); !st.is_ok()) {
      return fail(st);
    }
  }
  if (util::Status st = sink.finish(); !st.is_ok()) return fail(st);
  m.size = sink.bytes();
  m.sha256 = sink.sha256();

  auto earlier = find_landed(fs, layout, m.sha256);
  if (!earlier.is_ok()) return fail(earlier.status());
  if (earlier->has_value()) {
    sink.discard();
    LandedFile& landed = **earlier;
    return LandingReport{std::move(landed.path), std::move(landed.manifest_path),
                         std::move(landed.manifest), /*already_landed=*/true, elapsed()};
  }

  util::Status st = fs.rename_no_replace(temp, final_path);
  if (st.code() == util::StatusCode::kAlreadyExists) {
    // A file with no manifest (else find_landed had found it, or it differs).
    auto existing = sha256_of_file(fs, final_path);
    if (!existing.is_ok()) return fail(existing.status());
    if (*existing != m.sha256) {
      return fail(util::Status::already_exists(fmt::format(
          "land: a different file is already landed as {} (sha256 {} there, {} fetched): "
          "remove it, or land under another load date",
          final_path, short_hash(*existing), short_hash(m.sha256))));
    }
    sink.discard();
    // The same bytes, landed by a run that stopped before its manifest.
    MEDALLION_RETURN_IF_ERROR(write_manifest(fs, manifest_path, m));
    return LandingReport{final_path, manifest_path, m, /*already_landed=*/true, elapsed()};
  }
  if (!st.is_ok()) return fail(st);
  sink.renamed();

  st = fs.sync_dir(dir);
  if (st.is_ok()) st = sink.dirs().sync_parents(fs);
  if (st.is_ok()) st = write_manifest(fs, manifest_path, m);
  if (!st.is_ok()) {
    // Without a durable manifest the landing did not happen: take it back.
    (void)fs.remove_file(final_path);
    return fail(st);
  }
  return LandingReport{final_path, manifest_path, std::move(m), /*already_landed=*/false,
                       elapsed()};
}

}  // namespace medallion::lake
