#include "util/in_memory_file_system.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace medallion::util {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

Status write(FileSystem& fs, const std::string& path, std::string_view data, bool sync) {
  MEDALLION_ASSIGN_OR_RETURN(auto file, fs.create_writable(path, CreateMode::kTruncate));
  MEDALLION_RETURN_IF_ERROR(file->append(data));
  if (sync) MEDALLION_RETURN_IF_ERROR(file->sync());
  return file->close();
}

std::string content(FileSystem& fs, const std::string& path) {
  auto r = fs.read_file(path);
  return r.is_ok() ? *r : "<" + r.status().message() + ">";
}

TEST(InMemoryFileSystem, RandomAccessSeesTheBytesAsOpened) {
  InMemoryFileSystem fs;
  ASSERT_TRUE(write(fs, "/f", "abcdef", false).is_ok());
  auto file = fs.open_random_access("/f");
  ASSERT_TRUE(file.is_ok());
  ASSERT_TRUE(write(fs, "/f", "changed", false).is_ok());
  char buf[3];
  ASSERT_TRUE((*file)->read_at(3, 3, buf).is_ok());
  EXPECT_EQ(std::string_view(buf, 3), "def");
  EXPECT_FALSE((*file)->read_at(4, 3, buf).is_ok());
  EXPECT_EQ(fs.open_random_access("/g").status().code(), StatusCode::kNotFound);
}

TEST(FaultInjectingFileSystem, RandomAccessReadsCanFail) {
  InMemoryFileSystem base;
  ASSERT_TRUE(write(base, "/f", "abcdef", false).is_ok());
  FaultInjectingFileSystem fs(base);
  auto file = fs.open_random_access("/f");
  ASSERT_TRUE(file.is_ok());
  fs.fail_nth(FsOp::kRead, 1);
  char buf[2];
  EXPECT_FALSE((*file)->read_at(0, 2, buf).is_ok());
  EXPECT_TRUE((*file)->read_at(0, 2, buf).is_ok());
}

TEST(InMemoryFileSystem, WriteThenRead) {
  InMemoryFileSystem fs;
  ASSERT_TRUE(fs.create_dirs("/lake/zone").is_ok());
  ASSERT_TRUE(write(fs, "/lake/zone/f", "hello", false).is_ok());
  EXPECT_EQ(content(fs, "/lake/zone/f"), "hello");
  EXPECT_EQ(*fs.file_size("/lake/zone/f"), 5u);
  EXPECT_TRUE(*fs.exists("/lake/zone//f"));  // one spelling per path
  EXPECT_TRUE(*fs.exists("/lake"));
}

TEST(InMemoryFileSystem, ReadsInPieces) {
  InMemoryFileSystem fs;
  ASSERT_TRUE(fs.put_file("/f", "abcdefg").is_ok());
  auto file = fs.open_sequential("/f");
  ASSERT_TRUE(file.is_ok());
  char buf[3];
  EXPECT_EQ(*(*file)->read(buf, 3), 3u);
  EXPECT_EQ(*(*file)->read(buf, 3), 3u);
  EXPECT_EQ(*(*file)->read(buf, 3), 1u);
  EXPECT_EQ(*(*file)->read(buf, 3), 0u);
}

TEST(InMemoryFileSystem, CreateNeedsTheParentDirectory) {
  InMemoryFileSystem fs;
  auto file = fs.create_writable("/missing/f", CreateMode::kTruncate);
  ASSERT_FALSE(file.is_ok());
  EXPECT_EQ(file.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(file.status().message(), HasSubstr("/missing/f"));
}

TEST(InMemoryFileSystem, CreateUnderAFileFails) {
  InMemoryFileSystem fs;
  ASSERT_TRUE(fs.put_file("/plain", "x").is_ok());
  EXPECT_FALSE(fs.create_writable("/plain/f", CreateMode::kTruncate).is_ok());
  const Status st = fs.create_dirs("/plain/sub");
  EXPECT_THAT(st.message(), HasSubstr("/plain is not a directory"));
  EXPECT_FALSE(*fs.exists("/plain/sub"));
}

TEST(InMemoryFileSystem, ExclusiveCreateRefusesAnExistingFile) {
  InMemoryFileSystem fs;
  ASSERT_TRUE(fs.put_file("/f", "keep").is_ok());
  auto file = fs.create_writable("/f", CreateMode::kExclusive);
  EXPECT_EQ(file.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(content(fs, "/f"), "keep");
}

TEST(InMemoryFileSystem, ListDirShowsDirectChildrenSorted) {
  InMemoryFileSystem fs;
  ASSERT_TRUE(fs.put_file("/d/b", "").is_ok());
  ASSERT_TRUE(fs.put_file("/d/a", "").is_ok());
  ASSERT_TRUE(fs.put_file("/d/sub/deep", "").is_ok());
  EXPECT_THAT(*fs.list_dir("/d"), ElementsAre("a", "b", "sub"));
  EXPECT_THAT(*fs.list_dir("/"), ElementsAre("d"));
  EXPECT_EQ(fs.list_dir("/nope").status().code(), StatusCode::kNotFound);
}

TEST(InMemoryFileSystem, RelativePaths) {
  InMemoryFileSystem fs;
  ASSERT_TRUE(fs.put_file("lake/f", "x").is_ok());
  EXPECT_EQ(content(fs, "./lake/f"), "x");
  EXPECT_THAT(*fs.list_dir("."), ElementsAre("lake"));
}

TEST(InMemoryFileSystem, RenameNoReplaceRefusesAnExistingTarget) {
  InMemoryFileSystem fs;
  ASSERT_TRUE(fs.put_file("/from", "new").is_ok());
  ASSERT_TRUE(fs.put_file("/to", "old").is_ok());
  EXPECT_EQ(fs.rename_no_replace("/from", "/to").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(content(fs, "/to"), "old");
  EXPECT_EQ(content(fs, "/from"), "new");
  ASSERT_TRUE(fs.rename("/from", "/to").is_ok());
  EXPECT_EQ(content(fs, "/to"), "new");
  EXPECT_FALSE(*fs.exists("/from"));
}

TEST(InMemoryFileSystem, RemoveDirOnlyWhenEmpty) {
  InMemoryFileSystem fs;
  ASSERT_TRUE(fs.put_file("/d/f", "").is_ok());
  EXPECT_FALSE(fs.remove_dir("/d").is_ok());
  ASSERT_TRUE(fs.remove_file("/d/f").is_ok());
  EXPECT_TRUE(fs.remove_dir("/d").is_ok());
  EXPECT_FALSE(*fs.exists("/d"));
}

TEST(InMemoryCrash, SyncedFileInSyncedDirectorySurvives) {
  InMemoryFileSystem fs;
  ASSERT_TRUE(fs.create_dirs("/d").is_ok());
  ASSERT_TRUE(write(fs, "/d/f", "durable", true).is_ok());
  ASSERT_TRUE(fs.sync_dir("/d").is_ok());
  fs.drop_unsynced_data();
  EXPECT_EQ(content(fs, "/d/f"), "durable");
}

TEST(InMemoryCrash, UnsyncedAppendsAreLost) {
  InMemoryFileSystem fs;
  ASSERT_TRUE(fs.create_dirs("/d").is_ok());
  auto file = fs.create_writable("/d/f", CreateMode::kTruncate);
  ASSERT_TRUE(file.is_ok());
  ASSERT_TRUE((*file)->append("synced ").is_ok());
  ASSERT_TRUE((*file)->sync().is_ok());
  ASSERT_TRUE(fs.sync_dir("/d").is_ok());
  ASSERT_TRUE((*file)->append("lost").is_ok());
  EXPECT_EQ(content(fs, "/d/f"), "synced lost");
  fs.drop_unsynced_data();
  EXPECT_EQ(content(fs, "/d/f"), "synced ");
}

TEST(InMemoryCrash, FileWhoseDirectoryWasNotSyncedDisappears) {
  InMemoryFileSystem fs;
  ASSERT_TRUE(fs.create_dirs("/d").is_ok());
  ASSERT_TRUE(write(fs, "/d/f", "data", true).is_ok());
  fs.drop_unsynced_data();
  EXPECT_FALSE(*fs.exists("/d/f"));
}

TEST(InMemoryCrash, RenameWithoutDirectorySyncIsUndone) {
  InMemoryFileSystem fs;
  ASSERT_TRUE(fs.put_file("/d/tmp", "x").is_ok());
  ASSERT_TRUE(fs.rename_no_replace("/d/tmp", "/d/final").is_ok());
  fs.drop_unsynced_data();
  EXPECT_TRUE(*fs.exists("/d/tmp"));
  EXPECT_FALSE(*fs.exists("/d/final"));
}

TEST(InMemoryCrash, RemovalWithoutDirectorySyncIsUndone) {
  InMemoryFileSystem fs;
  ASSERT_TRUE(fs.put_file("/d/f", "x").is_ok());
  ASSERT_TRUE(fs.remove_file("/d/f").is_ok());
  fs.drop_unsynced_data();
  EXPECT_EQ(content(fs, "/d/f"), "x");
}

TEST(InMemoryCrash, WriteFileAtomicIsDurableAtReturn) {
  InMemoryFileSystem fs;
  ASSERT_TRUE(fs.put_file("/d/m", "old").is_ok());
  ASSERT_TRUE(write_file_atomic(fs, "/d/m", "new").is_ok());
  fs.drop_unsynced_data();
  EXPECT_EQ(content(fs, "/d/m"), "new");
  EXPECT_THAT(*fs.list_dir("/d"), ElementsAre("m"));
}

// Whatever call fails, and whether or not the machine then crashes, the file
// holds the old or the new content, whole, and no temp file is left behind
// once the failure has been reported.
TEST(InMemoryCrash, WriteFileAtomicLeavesOldOrNewUnderEveryFault) {
  for (size_t op = 0; op < kFsOpCount; ++op) {
    for (const bool crash : {false, true}) {
      InMemoryFileSystem base;
      ASSERT_TRUE(base.put_file("/d/m", "old content").is_ok());
      FaultInjectingFileSystem fs(base);
      fs.set_torn_appends(true);
      fs.fail_nth(static_cast<FsOp>(op), 1);
      const Status st = write_file_atomic(fs, "/d/m", "new content");
      if (crash) base.drop_unsynced_data();
      const std::string now = content(base, "/d/m");
      const std::string what =
          std::string(fs_op_name(static_cast<FsOp>(op))) + (crash ? " + crash" : "");
      EXPECT_TRUE(now == "old content" || now == "new content") << what << ": " << now;
      // A failed sync_dir comes after the rename: the new content is in
      // place, only its durability is unknown.
      if (!st.is_ok() && !crash && static_cast<FsOp>(op) != FsOp::kSyncDir) {
        EXPECT_EQ(now, "old content") << what;
      }
      if (st.is_ok() && crash) {
        EXPECT_EQ(now, "new content") << what;
      }
      if (!crash) {
        EXPECT_THAT(*base.list_dir("/d"), ElementsAre("m")) << what;
      }
    }
  }
}

TEST(FaultInjection, FailsTheNthCallOnly) {
  InMemoryFileSystem base;
  FaultInjectingFileSystem fs(base);
  fs.fail_nth(FsOp::kCreateDirs, 2);
  EXPECT_TRUE(fs.create_dirs("/a").is_ok());
  const Status st = fs.create_dirs("/b");
  EXPECT_EQ(st.code(), StatusCode::kIOError);
  EXPECT_EQ(st.message(),
            "io: injected fault in create_dirs (/b): the test asked for this failure");
  EXPECT_TRUE(fs.create_dirs("/c").is_ok());
  EXPECT_EQ(fs.calls(FsOp::kCreateDirs), 3u);
  EXPECT_FALSE(*base.exists("/b"));  // the failed call did not reach the base
}

TEST(FaultInjection, StickyFaultsKeepFailing) {
  InMemoryFileSystem base;
  FaultInjectingFileSystem fs(base);
  fs.fail_nth(FsOp::kSyncDir, 1, /*sticky=*/true);
  EXPECT_FALSE(fs.sync_dir("/").is_ok());
  EXPECT_FALSE(fs.sync_dir("/").is_ok());
  fs.clear_faults();
  EXPECT_TRUE(fs.sync_dir("/").is_ok());
}

TEST(FaultInjection, CountsFromWhenArmed) {
  InMemoryFileSystem base;
  FaultInjectingFileSystem fs(base);
  EXPECT_TRUE(fs.create_dirs("/a").is_ok());
  fs.fail_nth(FsOp::kCreateDirs, 1);
  EXPECT_FALSE(fs.create_dirs("/b").is_ok());
}

TEST(FaultInjection, FileOperationsAreCountedAndFailed) {
  InMemoryFileSystem base;
  FaultInjectingFileSystem fs(base);
  fs.fail_nth(FsOp::kAppend, 2);
  auto file = fs.create_writable("/f", CreateMode::kTruncate);
  ASSERT_TRUE(file.is_ok());
  EXPECT_TRUE((*file)->append("one ").is_ok());
  EXPECT_FALSE((*file)->append("two ").is_ok());
  EXPECT_TRUE((*file)->append("three").is_ok());
  EXPECT_EQ(content(base, "/f"), "one three");
  fs.fail_nth(FsOp::kRead, 1);
  EXPECT_THAT(fs.read_file("/f").status().message(), HasSubstr("injected fault in read (/f)"));
}

TEST(FaultInjection, TornAppendWritesHalf) {
  InMemoryFileSystem base;
  FaultInjectingFileSystem fs(base);
  fs.set_torn_appends(true);
  fs.fail_nth(FsOp::kAppend, 1);
  auto file = fs.create_writable("/f", CreateMode::kTruncate);
  ASSERT_TRUE(file.is_ok());
  EXPECT_FALSE((*file)->append("abcdef").is_ok());
  EXPECT_EQ(content(base, "/f"), "abc");
}

TEST(FaultInjection, NoFaultsMeansPassThrough) {
  InMemoryFileSystem base;
  FaultInjectingFileSystem fs(base);
  ASSERT_TRUE(write_file_atomic(fs, "/m", "x").is_ok());
  EXPECT_EQ(content(base, "/m"), "x");
  EXPECT_THAT(*fs.list_dir("/"), ElementsAre("m"));
  EXPECT_THAT(*base.list_dir("/"), Not(IsEmpty()));
}

}  // namespace
}  // namespace medallion::util
