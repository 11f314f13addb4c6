// FileSystem: every file medallion reads or writes goes through this
// interface, so that crash recovery and commit protocols can be tested against
// an in-memory and a fault-injecting implementation (leveldb's Env idea).
//
// Paths are plain strings in the host's syntax. Implementations:
//   posix_file_system()       the real one (POSIX calls, fsync, renameat2)
//   InMemoryFileSystem        (util/in_memory_file_system.h) for tests
//   FaultInjectingFileSystem  (same header) fails chosen calls of another one
//
// Errors name the path and the operating system's reason, e.g.
//   io: cannot create /x/y (Permission denied): check that the directory is writable
// with code kNotFound for a missing path, kAlreadyExists for an existing
// target of an exclusive create or rename_no_replace, kIOError otherwise.
//
// Thread safety: implementations are safe to call concurrently; a single
// SequentialFile or WritableFile object is used by one thread at a time; a
// RandomAccessFile may be read by several threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace medallion::util {

class SequentialFile {
 public:
  virtual ~SequentialFile() = default;
  // Reads up to n bytes into buf; 0 means end of file.
  virtual Result<size_t> read(char* buf, size_t n) = 0;
  virtual const std::string& path() const = 0;
};

// A file read at arbitrary offsets (Parquet footers and column chunks).
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads exactly n bytes at offset into buf; reading past the end of the
  // file is an error naming the path and the range.
  virtual Status read_at(uint64_t offset, size_t n, char* buf) const = 0;
  // The size when the file was opened.
  virtual uint64_t size() const = 0;
  virtual const std::string& path() const = 0;
};

// The error of a read_at beyond the end of a file of `size` bytes (shared by
// the implementations so that every one words it alike).
Status past_end(std::string_view path, uint64_t offset, size_t n, uint64_t size);

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status append(std::string_view data) = 0;
  // Makes everything appended so far durable (fsync).
  virtual Status sync() = 0;
  // Flushes and closes; further calls are errors. Destruction without close()
  // closes silently, dropping any error.
  virtual Status close() = 0;
  virtual const std::string& path() const = 0;
};

enum class CreateMode {
  kTruncate,   // create or truncate
  kExclusive,  // fail with kAlreadyExists if the path exists (O_EXCL)
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  virtual Result<std::unique_ptr<SequentialFile>> open_sequential(const std::string& path) = 0;
  virtual Result<std::unique_ptr<RandomAccessFile>> open_random_access(const std::string& path) = 0;
  virtual Result<std::unique_ptr<WritableFile>> create_writable(const std::string& path,
                                                                CreateMode mode) = 0;
  // Creates the directory and any missing parents; OK if it exists.
  virtual Status create_dirs(const std::string& path) = 0;
  virtual Result<bool> exists(const std::string& path) = 0;
  virtual Result<uint64_t> file_size(const std::string& path) = 0;
  // Last modification time of a file, in milliseconds since the epoch.
  virtual Result<int64_t> modification_time_ms(const std::string& path) = 0;
  // Atomically replaces `to` if it exists.
  virtual Status rename(const std::string& from, const std::string& to) = 0;
  // Atomically moves `from` to `to` only if `to` does not exist; otherwise
  // kAlreadyExists and nothing changes. The put-if-absent of Delta commits.
  virtual Status rename_no_replace(const std::string& from, const std::string& to) = 0;
  virtual Status remove_file(const std::string& path) = 0;
  // Removes an empty directory; fails (and changes nothing) if it has entries.
  virtual Status remove_dir(const std::string& path) = 0;
  // Names (not paths) of the entries in a directory, sorted.
  virtual Result<std::vector<std::string>> list_dir(const std::string& path) = 0;
  // Makes the directory's entries (creations, renames) durable.
  virtual Status sync_dir(const std::string& path) = 0;

  // Reads a whole file.
  Result<std::string> read_file(const std::string& path);
};

// The process's real file system. The object lives for the whole program.
FileSystem& posix_file_system();

// Writes data to path so that readers see either the old content or the new,
// never a mix, even across a crash: temp file in the same directory, fsync,
// rename over path, fsync of the directory.
Status write_file_atomic(FileSystem& fs, const std::string& path, std::string_view data);

// Removes path and everything under it (a file, or a directory tree).
// A path that does not exist is OK. Not atomic: a crash leaves part of the
// tree; callers that need all-or-nothing rename the tree aside first
// (remove_tree_atomically).
Status remove_tree(FileSystem& fs, const std::string& path);
// Renames path to a hidden sibling ".<name>.removed-<pid>-<random>", syncs
// the parent, then removes that tree: readers see the whole tree or none.
// Trees so named (left by a crash during the removal) are removed by the
// next call on the same path.
Status remove_tree_atomically(FileSystem& fs, const std::string& path);

// "dir/name" without doubling separators; parent_dir("a/b/c") == "a/b".
std::string join_path(std::string_view dir, std::string_view name);
std::string parent_dir(std::string_view path);
std::string base_name(std::string_view path);

}  // namespace medallion::util
