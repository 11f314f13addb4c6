// Test file systems: an in-memory one that models durability, and a wrapper
// that makes chosen calls of another file system fail. Together they test
// commit protocols and crash recovery (leveldb's memenv and fault injection).
//
// InMemoryFileSystem models durability the strict POSIX way:
//   - a file's content is durable as of its last WritableFile::sync();
//   - a directory entry (made by create_writable, rename, rename_no_replace,
//     remove_file) is durable once sync_dir() of its directory has run after
//     it; directories themselves are durable as soon as they are created.
// drop_unsynced_data() is the crash: every name goes back to its durable
// state and every file to its synced content. Paths are plain strings; "/",
// "." and "" always exist as directories.
//
// FaultInjectingFileSystem forwards to a base file system and fails the Nth
// call of a chosen operation (counted from when the fault is armed) with
//   io: injected fault in <op> (<path>): the test asked for this failure
// and, if sticky, every later call of it too. A failed append can be made
// torn: half of the data reaches the base file before the failure.
//
// Lifetime and thread safety: both are safe to call from several threads; the
// file objects they hand out must not outlive them. Files open across
// drop_unsynced_data() see the post-crash content.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "util/file_system.h"

namespace medallion::util {

class InMemoryFileSystem final : public FileSystem {
 public:
  InMemoryFileSystem();
  ~InMemoryFileSystem() override;

  Result<std::unique_ptr<SequentialFile>> open_sequential(const std::string& path) override;
  Result<std::unique_ptr<RandomAccessFile>> open_random_access(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> create_writable(const std::string& path,
                                                        CreateMode mode) override;
  Status create_dirs(const std::string& path) override;
  Result<bool> exists(const std::string& path) override;
  Result<uint64_t> file_size(const std::string& path) override;
  Result<int64_t> modification_time_ms(const std::string& path) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status rename_no_replace(const std::string& from, const std::string& to) override;
  Status remove_file(const std::string& path) override;
  Status remove_dir(const std::string& path) override;
  Result<std::vector<std::string>> list_dir(const std::string& path) override;
  Status sync_dir(const std::string& path) override;

  // Simulates a crash: see the top of this header.
  void drop_unsynced_data();
  // Test setup: creates path's directories and a file with this content,
  // durable at once (as if written, synced and its directory synced).
  Status put_file(const std::string& path, std::string_view content);

  struct Node;  // one file's bytes (public for the file objects in the .cc)

 private:
  bool is_dir_locked(const std::string& path) const;
  // The file at a normalized path, for opening it.
  Result<std::shared_ptr<Node>> open_locked(const std::string& path) const;
  Status check_parent_locked(const std::string& path, std::string_view what) const;
  Status move_locked(const std::string& from, const std::string& to, bool replace);

  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Node>> files_;    // the live names
  std::map<std::string, std::shared_ptr<Node>> durable_;  // names as of their dir's sync
  std::set<std::string> dirs_;
};

// The operations a FaultInjectingFileSystem counts and can fail.
enum class FsOp {
  kOpenSequential,  // open_sequential and open_random_access
  kRead,  // SequentialFile::read and RandomAccessFile::read_at
  kCreate,
  kAppend,
  kSync,
  kClose,
  kCreateDirs,
  kExists,
  kFileSize,  // file_size and modification_time_ms
  kRename,
  kRenameNoReplace,
  kRemoveFile,
  kRemoveDir,
  kListDir,
  kSyncDir,
};
inline constexpr size_t kFsOpCount = static_cast<size_t>(FsOp::kSyncDir) + 1;
std::string_view fs_op_name(FsOp op);

class FaultInjectingFileSystem final : public FileSystem {
 public:
  // base must outlive this object.
  explicit FaultInjectingFileSystem(FileSystem& base);
  ~FaultInjectingFileSystem() override;

  // The nth call of op from now (1 = the next one) fails; with sticky, every
  // later call of op fails as well.
  void fail_nth(FsOp op, uint64_t nth, bool sticky = false);
  // Whether a failed append first writes half of its data to the base file.
  void set_torn_appends(bool torn);
  void clear_faults();
  // Calls of op so far, failed ones included.
  uint64_t calls(FsOp op) const;

  Result<std::unique_ptr<SequentialFile>> open_sequential(const std::string& path) override;
  Result<std::unique_ptr<RandomAccessFile>> open_random_access(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> create_writable(const std::string& path,
                                                        CreateMode mode) override;
  Status create_dirs(const std::string& path) override;
  Result<bool> exists(const std::string& path) override;
  Result<uint64_t> file_size(const std::string& path) override;
  Result<int64_t> modification_time_ms(const std::string& path) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status rename_no_replace(const std::string& from, const std::string& to) override;
  Status remove_file(const std::string& path) override;
  Status remove_dir(const std::string& path) override;
  Result<std::vector<std::string>> list_dir(const std::string& path) override;
  Status sync_dir(const std::string& path) override;

  // Counts a call of op on path; an error if it is to fail (used by the file
  // objects too).
  Status check(FsOp op, std::string_view path);
  bool torn_appends() const;

 private:
  FileSystem& base_;
  mutable std::mutex mu_;
  std::array<uint64_t, kFsOpCount> calls_{};
  std::array<uint64_t, kFsOpCount> fail_at_{};  // 0 = never
  std::array<bool, kFsOpCount> sticky_{};
  bool torn_appends_ = false;
};

}  // namespace medallion::util
