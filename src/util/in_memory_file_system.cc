#include "util/in_memory_file_system.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

namespace medallion::util {

struct InMemoryFileSystem::Node {
  std::string data;    // what readers see now
  std::string synced;  // what survives a crash
  int64_t modified_ms = now_ms();  // wall clock of the last change

  static int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

using FileNode = InMemoryFileSystem::Node;

namespace {

// "a//b/" -> "a/b", "./a" -> "a": one spelling per path.
std::string normalize(std::string_view path) {
  while (path.size() > 2 && path.substr(0, 2) == "./") {
    path.remove_prefix(2);
    while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  }
  std::string out;
  out.reserve(path.size());
  for (const char c : path) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out.push_back(c);
  }
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  if (out.empty()) return std::string(1, '.');
  return out;
}

bool is_root(const std::string& path) { return path.empty() || path == "/" || path == "."; }

Status missing(std::string_view what, std::string_view path, std::string_view hint) {
  return Status::not_found(
      fmt::format("io: {} {} (No such file or directory): {}", what, path, hint));
}

using NodePtr = std::shared_ptr<InMemoryFileSystem::Node>;

class MemSequentialFile final : public SequentialFile {
 public:
  MemSequentialFile(std::string path, NodePtr node, std::mutex& mu)
      : path_(std::move(path)), node_(std::move(node)), mu_(mu) {}
  Result<size_t> read(char* buf, size_t n) override {
    std::lock_guard lock(mu_);
    if (offset_ >= node_->data.size()) return size_t{0};
    const size_t count = std::min(n, node_->data.size() - offset_);
    node_->data.copy(buf, count, offset_);
    offset_ += count;
    return count;
  }
  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  NodePtr node_;
  std::mutex& mu_;
  size_t offset_ = 0;
};

class MemRandomAccessFile final : public RandomAccessFile {
 public:
  // Reads the file's bytes as they were when opened.
  MemRandomAccessFile(std::string path, std::string data)
      : path_(std::move(path)), data_(std::move(data)) {}
  Status read_at(uint64_t offset, size_t n, char* buf) const override {
    if (offset > data_.size() || n > data_.size() - offset) {
      return past_end(path_, offset, n, data_.size());
    }
    data_.copy(buf, n, offset);
    return Status::ok();
  }
  uint64_t size() const override { return data_.size(); }
  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  std::string data_;
};

class MemWritableFile final : public WritableFile {
 public:
  MemWritableFile(std::string path, NodePtr node, std::mutex& mu)
      : path_(std::move(path)), node_(std::move(node)), mu_(mu) {}
  Status append(std::string_view data) override {
    MEDALLION_RETURN_IF_ERROR(check_open());
    std::lock_guard lock(mu_);
    node_->data.append(data);
    node_->modified_ms = FileNode::now_ms();
    return Status::ok();
  }
  Status sync() override {
    MEDALLION_RETURN_IF_ERROR(check_open());
    std::lock_guard lock(mu_);
    node_->synced = node_->data;
    return Status::ok();
  }
  Status close() override {
    MEDALLION_RETURN_IF_ERROR(check_open());
    closed_ = true;
    return Status::ok();
  }
  const std::string& path() const override { return path_; }

 private:
  Status check_open() const {
    if (!closed_) return Status::ok();
    return Status::internal(fmt::format("io: use of closed file ({}): this is a bug", path_));
  }
  std::string path_;
  NodePtr node_;
  std::mutex& mu_;
  bool closed_ = false;
};

}  // namespace

InMemoryFileSystem::InMemoryFileSystem() = default;
InMemoryFileSystem::~InMemoryFileSystem() = default;

bool InMemoryFileSystem::is_dir_locked(const std::string& path) const {
  return is_root(path) || dirs_.count(path) > 0;
}

Status InMemoryFileSystem::check_parent_locked(const std::string& path,
                                               std::string_view what) const {
  const std::string parent = normalize(parent_dir(path));
  if (is_dir_locked(parent)) return Status::ok();
  if (files_.count(parent) > 0) {
    return Status::io_error(
        fmt::format("io: {} {} (Not a directory): {} is a file", what, path, parent));
  }
  return missing(what, path, "check that the directory exists");
}

Result<std::shared_ptr<InMemoryFileSystem::Node>> InMemoryFileSystem::open_locked(
    const std::string& path) const {
  const auto it = files_.find(path);
  if (it != files_.end()) return it->second;
  if (is_dir_locked(path)) {
    return Status::io_error(fmt::format("io: cannot open {} (Is a directory): check the path", path));
  }
  return missing("cannot open", path, "check the path");
}

Result<std::unique_ptr<SequentialFile>> InMemoryFileSystem::open_sequential(
    const std::string& raw_path) {
  const std::string path = normalize(raw_path);
  std::lock_guard lock(mu_);
  MEDALLION_ASSIGN_OR_RETURN(NodePtr node, open_locked(path));
  return std::unique_ptr<SequentialFile>(new MemSequentialFile(path, std::move(node), mu_));
}

Result<std::unique_ptr<RandomAccessFile>> InMemoryFileSystem::open_random_access(
    const std::string& raw_path) {
  const std::string path = normalize(raw_path);
  std::lock_guard lock(mu_);
  MEDALLION_ASSIGN_OR_RETURN(NodePtr node, open_locked(path));
  return std::unique_ptr<RandomAccessFile>(new MemRandomAccessFile(path, node->data));
}

Result<std::unique_ptr<WritableFile>> InMemoryFileSystem::create_writable(
    const std::string& raw_path, CreateMode mode) {
  const std::string path = normalize(raw_path);
  std::lock_guard lock(mu_);
  MEDALLION_RETURN_IF_ERROR(check_parent_locked(path, "cannot create"));
  if (is_dir_locked(path)) {
    return Status::io_error(
        fmt::format("io: cannot create {} (Is a directory): choose another path", path));
  }
  NodePtr& node = files_[path];
  if (node && mode == CreateMode::kExclusive) {
    return Status::already_exists(
        fmt::format("io: cannot create {} (File exists): choose another name", path));
  }
  if (node) {
    node->data.clear();  // truncation is not durable until the next sync
    node->modified_ms = FileNode::now_ms();
  } else {
    node = std::make_shared<Node>();
  }
  return std::unique_ptr<WritableFile>(new MemWritableFile(path, node, mu_));
}

Status InMemoryFileSystem::create_dirs(const std::string& raw_path) {
  const std::string path = normalize(raw_path);
  std::lock_guard lock(mu_);
  std::vector<std::string> chain;
  for (std::string p = path; !is_root(p); p = normalize(parent_dir(p))) chain.push_back(p);
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if (files_.count(*it) > 0) {
      return Status::io_error(fmt::format(
          "io: cannot create directory {} ({} is not a directory): remove that file or choose "
          "another path",
          path, *it));
    }
    dirs_.insert(*it);
  }
  return Status::ok();
}

Result<bool> InMemoryFileSystem::exists(const std::string& raw_path) {
  const std::string path = normalize(raw_path);
  std::lock_guard lock(mu_);
  return files_.count(path) > 0 || is_dir_locked(path);
}

Result<uint64_t> InMemoryFileSystem::file_size(const std::string& raw_path) {
  const std::string path = normalize(raw_path);
  std::lock_guard lock(mu_);
  const auto it = files_.find(path);
  if (it == files_.end()) {
    if (is_dir_locked(path)) return uint64_t{0};
    return missing("cannot stat", path, "check the path");
  }
  return static_cast<uint64_t>(it->second->data.size());
}

Result<int64_t> InMemoryFileSystem::modification_time_ms(const std::string& raw_path) {
  const std::string path = normalize(raw_path);
  std::lock_guard lock(mu_);
  const auto it = files_.find(path);
  if (it == files_.end()) return missing("cannot stat", path, "check the path");
  return it->second->modified_ms;
}

Status InMemoryFileSystem::move_locked(const std::string& from, const std::string& to,
                                       bool replace) {
  const std::string where = fmt::format("{} to {}", from, to);
  const auto it = files_.find(from);
  if (it == files_.end()) {
    if (is_dir_locked(from)) {
      return Status::unsupported(fmt::format(
          "io: cannot rename {} (InMemoryFileSystem renames files only): rename files", where));
    }
    return missing("cannot rename", where, "check the path");
  }
  MEDALLION_RETURN_IF_ERROR(check_parent_locked(to, "cannot rename to"));
  if (is_dir_locked(to) || (!replace && files_.count(to) > 0)) {
    return Status::already_exists(
        fmt::format("io: cannot rename {} (the target exists): choose another name", where));
  }
  if (from == to) return Status::ok();
  NodePtr node = it->second;
  files_.erase(it);
  files_[to] = std::move(node);
  return Status::ok();
}

Status InMemoryFileSystem::rename(const std::string& from, const std::string& to) {
  std::lock_guard lock(mu_);
  return move_locked(normalize(from), normalize(to), /*replace=*/true);
}

Status InMemoryFileSystem::rename_no_replace(const std::string& from, const std::string& to) {
  std::lock_guard lock(mu_);
  return move_locked(normalize(from), normalize(to), /*replace=*/false);
}

Status InMemoryFileSystem::remove_file(const std::string& raw_path) {
  const std::string path = normalize(raw_path);
  std::lock_guard lock(mu_);
  if (files_.erase(path) == 0) return missing("cannot remove", path, "check the path");
  return Status::ok();
}

Status InMemoryFileSystem::remove_dir(const std::string& raw_path) {
  const std::string path = normalize(raw_path);
  std::lock_guard lock(mu_);
  if (dirs_.count(path) == 0) return missing("cannot remove directory", path, "check the path");
  for (const auto& [name, node] : files_) {
    if (normalize(parent_dir(name)) == path) {
      return Status::io_error(fmt::format(
          "io: cannot remove directory {} (Directory not empty): remove its entries first", path));
    }
  }
  for (const auto& dir : dirs_) {
    if (dir != path && normalize(parent_dir(dir)) == path) {
      return Status::io_error(fmt::format(
          "io: cannot remove directory {} (Directory not empty): remove its entries first", path));
    }
  }
  dirs_.erase(path);
  return Status::ok();
}

Result<std::vector<std::string>> InMemoryFileSystem::list_dir(const std::string& raw_path) {
  const std::string path = normalize(raw_path);
  std::lock_guard lock(mu_);
  if (!is_dir_locked(path)) {
    if (files_.count(path) > 0) {
      return Status::io_error(
          fmt::format("io: cannot list directory {} (Not a directory): check the path", path));
    }
    return missing("cannot list directory", path, "check the path");
  }
  std::vector<std::string> names;
  auto consider = [&](const std::string& entry) {
    if (entry != path && normalize(parent_dir(entry)) == path) names.push_back(base_name(entry));
  };
  for (const auto& [name, node] : files_) consider(name);
  for (const auto& dir : dirs_) consider(dir);
  std::sort(names.begin(), names.end());
  return names;
}

Status InMemoryFileSystem::sync_dir(const std::string& raw_path) {
  const std::string path = normalize(raw_path);
  std::lock_guard lock(mu_);
  if (!is_dir_locked(path)) return missing("cannot open directory", path, "check the path");
  std::erase_if(durable_,
                [&path](const auto& entry) { return normalize(parent_dir(entry.first)) == path; });
  for (const auto& [name, node] : files_) {
    if (normalize(parent_dir(name)) == path) durable_[name] = node;
  }
  return Status::ok();
}

void InMemoryFileSystem::drop_unsynced_data() {
  std::lock_guard lock(mu_);
  files_ = durable_;
  for (auto& [name, node] : files_) node->data = node->synced;
}

Status InMemoryFileSystem::put_file(const std::string& raw_path, std::string_view content) {
  const std::string path = normalize(raw_path);
  MEDALLION_RETURN_IF_ERROR(create_dirs(parent_dir(path)));
  std::lock_guard lock(mu_);
  if (is_dir_locked(path)) {
    return Status::io_error(
        fmt::format("io: cannot create {} (Is a directory): choose another path", path));
  }
  auto node = std::make_shared<Node>();
  node->data = node->synced = std::string(content);
  files_[path] = node;
  durable_[path] = node;
  return Status::ok();
}

// ---------------------------------------------------------------------------

std::string_view fs_op_name(FsOp op) {
  switch (op) {
    case FsOp::kOpenSequential:
      return "open_sequential";
    case FsOp::kRead:
      return "read";
    case FsOp::kCreate:
      return "create_writable";
    case FsOp::kAppend:
      return "append";
    case FsOp::kSync:
      return "sync";
    case FsOp::kClose:
      return "close";
    case FsOp::kCreateDirs:
      return "create_dirs";
    case FsOp::kExists:
      return "exists";
    case FsOp::kFileSize:
      return "file_size";
    case FsOp::kRename:
      return "rename";
    case FsOp::kRenameNoReplace:
      return "rename_no_replace";
    case FsOp::kRemoveFile:
      return "remove_file";
    case FsOp::kRemoveDir:
      return "remove_dir";
    case FsOp::kListDir:
      return "list_dir";
    case FsOp::kSyncDir:
      return "sync_dir";
  }
  return "?";
}

namespace {

class FaultySequentialFile final : public SequentialFile {
 public:
  FaultySequentialFile(std::unique_ptr<SequentialFile> base, FaultInjectingFileSystem& fs)
      : base_(std::move(base)), fs_(fs) {}
  Result<size_t> read(char* buf, size_t n) override {
    MEDALLION_RETURN_IF_ERROR(fs_.check(FsOp::kRead, base_->path()));
    return base_->read(buf, n);
  }
  const std::string& path() const override { return base_->path(); }

 private:
  std::unique_ptr<SequentialFile> base_;
  FaultInjectingFileSystem& fs_;
};

class FaultyRandomAccessFile final : public RandomAccessFile {
 public:
  FaultyRandomAccessFile(std::unique_ptr<RandomAccessFile> base, FaultInjectingFileSystem& fs)
      : base_(std::move(base)), fs_(fs) {}
  Status read_at(uint64_t offset, size_t n, char* buf) const override {
    MEDALLION_RETURN_IF_ERROR(fs_.check(FsOp::kRead, base_->path()));
    return base_->read_at(offset, n, buf);
  }
  uint64_t size() const override { return base_->size(); }
  const std::string& path() const override { return base_->path(); }

 private:
  std::unique_ptr<RandomAccessFile> base_;
  FaultInjectingFileSystem& fs_;
};

class FaultyWritableFile final : public WritableFile {
 public:
  FaultyWritableFile(std::unique_ptr<WritableFile> base, FaultInjectingFileSystem& fs)
      : base_(std::move(base)), fs_(fs) {}
  Status append(std::string_view data) override {
    if (Status st = fs_.check(FsOp::kAppend, base_->path()); !st.is_ok()) {
      if (fs_.torn_appends()) (void)base_->append(data.substr(0, data.size() / 2));
      return st;
    }
    return base_->append(data);
  }
  Status sync() override {
    MEDALLION_RETURN_IF_ERROR(fs_.check(FsOp::kSync, base_->path()));
    return base_->sync();
  }
  Status close() override {
    MEDALLION_RETURN_IF_ERROR(fs_.check(FsOp::kClose, base_->path()));
    return base_->close();
  }
  const std::string& path() const override { return base_->path(); }

 private:
  std::unique_ptr<WritableFile> base_;
  FaultInjectingFileSystem& fs_;
};

}  // namespace

FaultInjectingFileSystem::FaultInjectingFileSystem(FileSystem& base) : base_(base) {}
FaultInjectingFileSystem::~FaultInjectingFileSystem() = default;

void FaultInjectingFileSystem::fail_nth(FsOp op, uint64_t nth, bool sticky) {
  std::lock_guard lock(mu_);
  const auto i = static_cast<size_t>(op);
  fail_at_[i] = nth == 0 ? 0 : calls_[i] + nth;
  sticky_[i] = sticky;
}

void FaultInjectingFileSystem::set_torn_appends(bool torn) {
  std::lock_guard lock(mu_);
  torn_appends_ = torn;
}

bool FaultInjectingFileSystem::torn_appends() const {
  std::lock_guard lock(mu_);
  return torn_appends_;
}

void FaultInjectingFileSystem::clear_faults() {
  std::lock_guard lock(mu_);
  fail_at_.fill(0);
  sticky_.fill(false);
}

uint64_t FaultInjectingFileSystem::calls(FsOp op) const {
  std::lock_guard lock(mu_);
  return calls_[static_cast<size_t>(op)];
}

Status FaultInjectingFileSystem::check(FsOp op, std::string_view path) {
  std::lock_guard lock(mu_);
  const auto i = static_cast<size_t>(op);
  const uint64_t n = ++calls_[i];
  const bool fail = fail_at_[i] != 0 && (n == fail_at_[i] || (sticky_[i] && n > fail_at_[i]));
  if (!fail) return Status::ok();
  return Status::io_error(fmt::format(
      "io: injected fault in {} ({}): the test asked for this failure", fs_op_name(op), path));
}

Result<std::unique_ptr<SequentialFile>> FaultInjectingFileSystem::open_sequential(
    const std::string& path) {
  MEDALLION_RETURN_IF_ERROR(check(FsOp::kOpenSequential, path));
  MEDALLION_ASSIGN_OR_RETURN(auto file, base_.open_sequential(path));
  return std::unique_ptr<SequentialFile>(new FaultySequentialFile(std::move(file), *this));
}

Result<std::unique_ptr<RandomAccessFile>> FaultInjectingFileSystem::open_random_access(
    const std::string& path) {
  MEDALLION_RETURN_IF_ERROR(check(FsOp::kOpenSequential, path));
  MEDALLION_ASSIGN_OR_RETURN(auto file, base_.open_random_access(path));
  return std::unique_ptr<RandomAccessFile>(new FaultyRandomAccessFile(std::move(file), *this));
}

Result<std::unique_ptr<WritableFile>> FaultInjectingFileSystem::create_writable(
    const std::string& path, CreateMode mode) {
  MEDALLION_RETURN_IF_ERROR(check(FsOp::kCreate, path));
  MEDALLION_ASSIGN_OR_RETURN(auto file, base_.create_writable(path, mode));
  return std::unique_ptr<WritableFile>(new FaultyWritableFile(std::move(file), *this));
}

Status FaultInjectingFileSystem::create_dirs(const std::string& path) {
  MEDALLION_RETURN_IF_ERROR(check(FsOp::kCreateDirs, path));
  return base_.create_dirs(path);
}

Result<bool> FaultInjectingFileSystem::exists(const std::string& path) {
  MEDALLION_RETURN_IF_ERROR(check(FsOp::kExists, path));
  return base_.exists(path);
}

Result<uint64_t> FaultInjectingFileSystem::file_size(const std::string& path) {
  MEDALLION_RETURN_IF_ERROR(check(FsOp::kFileSize, path));
  return base_.file_size(path);
}

Result<int64_t> FaultInjectingFileSystem::modification_time_ms(const std::string& path) {
  MEDALLION_RETURN_IF_ERROR(check(FsOp::kFileSize, path));
  return base_.modification_time_ms(path);
}

Status FaultInjectingFileSystem::rename(const std::string& from, const std::string& to) {
  MEDALLION_RETURN_IF_ERROR(check(FsOp::kRename, from));
  return base_.rename(from, to);
}

Status FaultInjectingFileSystem::rename_no_replace(const std::string& from, const std::string& to) {
  MEDALLION_RETURN_IF_ERROR(check(FsOp::kRenameNoReplace, from));
  return base_.rename_no_replace(from, to);
}

Status FaultInjectingFileSystem::remove_file(const std::string& path) {
  MEDALLION_RETURN_IF_ERROR(check(FsOp::kRemoveFile, path));
  return base_.remove_file(path);
}

Status FaultInjectingFileSystem::remove_dir(const std::string& path) {
  MEDALLION_RETURN_IF_ERROR(check(FsOp::kRemoveDir, path));
  return base_.remove_dir(path);
}

Result<std::vector<std::string>> FaultInjectingFileSystem::list_dir(const std::string& path) {
  MEDALLION_RETURN_IF_ERROR(check(FsOp::kListDir, path));
  return base_.list_dir(path);
}

Status FaultInjectingFileSystem::sync_dir(const std::string& path) {
  MEDALLION_RETURN_IF_ERROR(check(FsOp::kSyncDir, path));
  return base_.sync_dir(path);
}

}  // namespace medallion::util
