#include "util/file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>

#include <fmt/format.h>

namespace medallion::util {

namespace {

// renameat2's flag (linux/fs.h); spelled out to avoid that header's clashes.
constexpr unsigned kRenameNoReplace = 1u << 0;
// Appends smaller than this are gathered before reaching write(2).
constexpr size_t kWriteBufferSize = 64 * 1024;
constexpr size_t kReadChunkSize = 64 * 1024;

std::string errno_text(int err) {
  char buf[256];
  // GNU strerror_r: returns a pointer that may or may not be buf.
  return std::string(strerror_r(err, buf, sizeof buf));
}

StatusCode code_for_errno(int err) {
  switch (err) {
    case ENOENT:
      return StatusCode::kNotFound;
    case EEXIST:
      return StatusCode::kAlreadyExists;
    default:
      return StatusCode::kIOError;
  }
}

// What the reader can do about errno `err` when `fallback` says nothing better.
std::string_view hint_for(int err, std::string_view fallback) {
  switch (err) {
    case ENOSPC:
      return "free some disk space";
    case EDQUOT:
      return "free some space within the disk quota";
    case EROFS:
      return "the file system is read-only; choose a writable location";
    case EACCES:
    case EPERM:
      return "check the permissions of the path";
    case ENOTDIR:
      return "a part of the path is a file, not a directory; choose another path";
    case EMFILE:
    case ENFILE:
      return "too many open files; raise the limit (ulimit -n)";
    default:
      return fallback;
  }
}

}  // namespace

Status past_end(std::string_view path, uint64_t offset, size_t n, uint64_t size) {
  return Status::io_error(fmt::format(
      "io: cannot read bytes [{}, {}) of {} ({} bytes long): the file is shorter than expected",
      offset, offset + n, path, size));
}

namespace {

Status os_error(int err, std::string_view what, std::string_view path, std::string_view hint) {
  return Status(code_for_errno(err), fmt::format("io: {} {} ({}): {}", what, path, errno_text(err),
                                                 hint_for(err, hint)));
}

// Writes all of data, retrying partial writes and EINTR.
int write_all(int fd, const char* data, size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data += w;
    n -= static_cast<size_t>(w);
  }
  return 0;
}

int fsync_retrying(int fd) {
  while (::fsync(fd) != 0) {
    if (errno != EINTR) return errno;
  }
  return 0;
}

class PosixSequentialFile final : public SequentialFile {
 public:
  PosixSequentialFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixSequentialFile() override { ::close(fd_); }

  Result<size_t> read(char* buf, size_t n) override {
    while (true) {
      const ssize_t r = ::read(fd_, buf, n);
      if (r >= 0) return static_cast<size_t>(r);
      if (errno != EINTR) return os_error(errno, "cannot read", path_, "check the disk");
    }
  }
  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  int fd_;
};

class PosixRandomAccessFile final : public RandomAccessFile {
 public:
  PosixRandomAccessFile(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  ~PosixRandomAccessFile() override { ::close(fd_); }

  Status read_at(uint64_t offset, size_t n, char* buf) const override {
    if (offset > size_ || n > size_ - offset) return past_end(path_, offset, n, size_);
    size_t done = 0;
    while (done < n) {
      const ssize_t r = ::pread(fd_, buf + done, n - done, static_cast<off_t>(offset + done));
      if (r < 0) {
        if (errno == EINTR) continue;
        return os_error(errno, "cannot read", path_, "check the disk");
      }
      if (r == 0) return past_end(path_, offset, n, offset + done);
      done += static_cast<size_t>(r);
    }
    return Status::ok();
  }
  uint64_t size() const override { return size_; }
  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  int fd_;
  uint64_t size_;
};

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {
    buffer_.reserve(kWriteBufferSize);
  }
  ~PosixWritableFile() override {
    if (fd_ >= 0) {
      (void)flush();
      ::close(fd_);
    }
  }

  Status append(std::string_view data) override {
    MEDALLION_RETURN_IF_ERROR(check_open());
    if (buffer_.size() + data.size() <= kWriteBufferSize) {
      buffer_.append(data);
      return Status::ok();
    }
    MEDALLION_RETURN_IF_ERROR(flush());
    if (data.size() < kWriteBufferSize) {
      buffer_.append(data);
      return Status::ok();
    }
    if (const int err = write_all(fd_, data.data(), data.size()); err != 0) {
      return os_error(err, "cannot write", path_, "check the disk");
    }
    return Status::ok();
  }

  Status sync() override {
    MEDALLION_RETURN_IF_ERROR(check_open());
    MEDALLION_RETURN_IF_ERROR(flush());
    if (const int err = fsync_retrying(fd_); err != 0) {
      return os_error(err, "cannot fsync", path_, "check the disk");
    }
    return Status::ok();
  }

  Status close() override {
    MEDALLION_RETURN_IF_ERROR(check_open());
    Status flushed = flush();
    // close(2) releases the descriptor even when it reports an error (Linux),
    // so it is never retried.
    const int rc = ::close(fd_);
    const int err = errno;
    fd_ = -1;
    if (!flushed.is_ok()) return flushed;
    if (rc != 0 && err != EINTR) return os_error(err, "cannot close", path_, "check the disk");
    return Status::ok();
  }

  const std::string& path() const override { return path_; }

 private:
  Status check_open() const {
    if (fd_ < 0) {
      return Status::internal(
          fmt::format("io: use of closed file ({}): this is a bug in medallion", path_));
    }
    return Status::ok();
  }

  Status flush() {
    if (buffer_.empty()) return Status::ok();
    const int err = write_all(fd_, buffer_.data(), buffer_.size());
    buffer_.clear();
    if (err != 0) return os_error(err, "cannot write", path_, "check the disk");
    return Status::ok();
  }

  std::string path_;
  int fd_;
  std::string buffer_;
};

class PosixFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<SequentialFile>> open_sequential(const std::string& path) override {
    int fd;
    do {
      fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return os_error(errno, "cannot open", path, "check the path");
    return std::unique_ptr<SequentialFile>(new PosixSequentialFile(path, fd));
  }

  Result<std::unique_ptr<RandomAccessFile>> open_random_access(const std::string& path) override {
    int fd;
    do {
      fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return os_error(errno, "cannot open", path, "check the path");
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      const int err = errno;
      ::close(fd);
      return os_error(err, "cannot stat", path, "check the path");
    }
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      return os_error(EISDIR, "cannot open", path, "check the path");
    }
    return std::unique_ptr<RandomAccessFile>(
        new PosixRandomAccessFile(path, fd, static_cast<uint64_t>(st.st_size)));
  }

  Result<std::unique_ptr<WritableFile>> create_writable(const std::string& path,
                                                        CreateMode mode) override {
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC;
    flags |= mode == CreateMode::kExclusive ? O_EXCL : O_TRUNC;
    int fd;
    do {
      fd = ::open(path.c_str(), flags, 0644);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
      const int err = errno;
      return os_error(err, "cannot create", path,
                      err == ENOENT ? "check that the directory exists"
                                    : "check that the directory is writable");
    }
    return std::unique_ptr<WritableFile>(new PosixWritableFile(path, fd));
  }

  Status create_dirs(const std::string& path) override {
    if (path.empty()) return Status::ok();
    // Each prefix ending before a '/', then the whole path.
    for (size_t end = 1; end <= path.size(); ++end) {
      if (end != path.size() && path[end] != '/') continue;
      if (path[end - 1] == '/') continue;  // "//" or a trailing slash
      const std::string prefix = path.substr(0, end);
      if (::mkdir(prefix.c_str(), 0755) == 0) continue;
      const int err = errno;
      if (err == EEXIST) {
        struct stat st;
        if (::stat(prefix.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) continue;
        return Status::io_error(fmt::format(
            "io: cannot create directory {} ({} is not a directory): remove that file or "
            "choose another path",
            path, prefix));
      }
      return os_error(err, "cannot create directory", path, "check that the parent is writable");
    }
    return Status::ok();
  }

  Result<bool> exists(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) == 0) return true;
    if (errno == ENOENT || errno == ENOTDIR) return false;
    return os_error(errno, "cannot stat", path, "check the permissions of the path");
  }

  Result<uint64_t> file_size(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0)
      return os_error(errno, "cannot stat", path, "check the path");
    return static_cast<uint64_t>(st.st_size);
  }

  Result<int64_t> modification_time_ms(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0)
      return os_error(errno, "cannot stat", path, "check the path");
    return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
  }

  Status rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return os_error(errno, "cannot rename", fmt::format("{} to {}", from, to),
                      "check that both paths are writable and on one file system");
    }
    return Status::ok();
  }

  Status rename_no_replace(const std::string& from, const std::string& to) override {
    if (::syscall(SYS_renameat2, AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), kRenameNoReplace) ==
        0) {
      return Status::ok();
    }
    const int err = errno;
    if (err != EINVAL && err != ENOSYS && err != EOPNOTSUPP) return rename_error(err, from, to);
    // The file system (or kernel) has no RENAME_NOREPLACE: link(2) also
    // refuses an existing target, atomically.
    if (::link(from.c_str(), to.c_str()) != 0) return rename_error(errno, from, to);
    if (::unlink(from.c_str()) != 0 && errno != ENOENT) {
      return os_error(errno, "renamed by link but cannot remove the old name", from,
                      "remove the old name by hand");
    }
    return Status::ok();
  }

  Status remove_file(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) {
      return os_error(errno, "cannot remove", path, "check the directory's permissions");
    }
    return Status::ok();
  }

  Status remove_dir(const std::string& path) override {
    if (::rmdir(path.c_str()) != 0) {
      return os_error(errno, "cannot remove directory", path,
                      "check that it is empty and its parent writable");
    }
    return Status::ok();
  }

  Result<std::vector<std::string>> list_dir(const std::string& path) override {
    DIR* dir = ::opendir(path.c_str());
    if (dir == nullptr) return os_error(errno, "cannot list directory", path, "check the path");
    std::vector<std::string> names;
    while (true) {
      errno = 0;
      const dirent* entry = ::readdir(dir);
      if (entry == nullptr) break;
      const std::string_view name = entry->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
    }
    const int err = errno;
    ::closedir(dir);
    if (err != 0) return os_error(err, "cannot list directory", path, "check the disk");
    std::sort(names.begin(), names.end());
    return names;
  }

  Status sync_dir(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return os_error(errno, "cannot open directory", path, "check the path");
    const int err = fsync_retrying(fd);
    ::close(fd);
    // Some file systems cannot fsync a directory (EINVAL); their entries are
    // as durable as they will ever be.
    if (err != 0 && err != EINVAL) {
      return os_error(err, "cannot fsync directory", path, "check the disk");
    }
    return Status::ok();
  }

 private:
  static Status rename_error(int err, const std::string& from, const std::string& to) {
    if (err == EEXIST) {
      return Status::already_exists(fmt::format(
          "io: cannot rename {} to {} (the target exists): choose another name", from, to));
    }
    return os_error(err, "cannot rename", fmt::format("{} to {}", from, to),
                    "check that both paths are writable and on one file system");
  }
};

std::string_view strip_trailing_slashes(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}

}  // namespace

FileSystem& posix_file_system() {
  static PosixFileSystem fs;  // stateless
  return fs;
}

Result<std::string> FileSystem::read_file(const std::string& path) {
  MEDALLION_ASSIGN_OR_RETURN(auto file, open_sequential(path));
  std::string out;
  while (true) {
    const size_t old = out.size();
    out.resize(old + kReadChunkSize);
    MEDALLION_ASSIGN_OR_RETURN(const size_t n, file->read(out.data() + old, kReadChunkSize));
    out.resize(old + n);
    if (n == 0) break;
  }
  return out;
}

Status write_file_atomic(FileSystem& fs, const std::string& path, std::string_view data) {
  const std::string dir = parent_dir(path);
  std::random_device random;
  const std::string temp =
      join_path(dir, fmt::format(".{}.tmp-{}-{:08x}", base_name(path), ::getpid(), random()));
  bool created = false;
  auto attempt = [&]() -> Status {
    MEDALLION_ASSIGN_OR_RETURN(auto file, fs.create_writable(temp, CreateMode::kExclusive));
    created = true;
    MEDALLION_RETURN_IF_ERROR(file->append(data));
    MEDALLION_RETURN_IF_ERROR(file->sync());
    MEDALLION_RETURN_IF_ERROR(file->close());
    return fs.rename(temp, path);
  };
  if (Status st = attempt(); !st.is_ok()) {
    if (created) (void)fs.remove_file(temp);
    return st;
  }
  return fs.sync_dir(dir);
}

std::string join_path(std::string_view dir, std::string_view name) {
  while (!name.empty() && name.front() == '/') name.remove_prefix(1);
  if (dir.empty()) return std::string(name);
  dir = strip_trailing_slashes(dir);
  if (name.empty()) return std::string(dir);
  std::string out(dir);
  if (out.back() != '/') out.push_back('/');
  out.append(name);
  return out;
}

std::string parent_dir(std::string_view path) {
  path = strip_trailing_slashes(path);
  const size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(strip_trailing_slashes(path.substr(0, slash)));
}

Status remove_tree(FileSystem& fs, const std::string& path) {
  MEDALLION_ASSIGN_OR_RETURN(bool present, fs.exists(path));
  if (!present) return Status::ok();
  Result<std::vector<std::string>> entries = fs.list_dir(path);
  if (!entries.is_ok()) return fs.remove_file(path);  // not a directory
  for (const std::string& name : *entries) {
    MEDALLION_RETURN_IF_ERROR(remove_tree(fs, join_path(path, name)));
  }
  return fs.remove_dir(path);
}

Status remove_tree_atomically(FileSystem& fs, const std::string& path) {
  const std::string dir = parent_dir(path);
  const std::string prefix = fmt::format(".{}.removed-", base_name(path));
  // Trees left by an earlier call that crashed while removing.
  if (auto names = fs.list_dir(dir); names.is_ok()) {
    for (const std::string& name : *names) {
      if (name.rfind(prefix, 0) == 0)
        MEDALLION_RETURN_IF_ERROR(remove_tree(fs, join_path(dir, name)));
    }
  }
  MEDALLION_ASSIGN_OR_RETURN(bool present, fs.exists(path));
  if (!present) return Status::ok();
  std::random_device random;
  const std::string aside =
      join_path(dir, fmt::format("{}{}-{:08x}", prefix, ::getpid(), random()));
  MEDALLION_RETURN_IF_ERROR(fs.rename(path, aside));
  MEDALLION_RETURN_IF_ERROR(fs.sync_dir(dir));
  return remove_tree(fs, aside);
}

std::string base_name(std::string_view path) {
  path = strip_trailing_slashes(path);
  if (path == "/") return "/";
  const size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace medallion::util
