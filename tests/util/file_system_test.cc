#include "util/file_system.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "util/in_memory_file_system.h"

namespace medallion::util {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A fresh directory under $TMPDIR (or /tmp), removed afterwards.
class PosixFileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/medallion-fs-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::permissions(dir_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(dir_, ec);
  }
  std::string path(std::string_view name) const { return join_path(dir_, name); }
  void put(std::string_view name, std::string_view content) {
    std::ofstream(path(name), std::ios::binary) << content;
  }

  FileSystem& fs_ = posix_file_system();
  std::string dir_;
};

TEST(PathHelpers, JoinPathDoesNotDoubleSeparators) {
  EXPECT_EQ(join_path("a", "b"), "a/b");
  EXPECT_EQ(join_path("a/", "b"), "a/b");
  EXPECT_EQ(join_path("a//", "/b"), "a/b");
  EXPECT_EQ(join_path("/", "b"), "/b");
  EXPECT_EQ(join_path("", "b"), "b");
  EXPECT_EQ(join_path("a", ""), "a");
  EXPECT_EQ(join_path("a", "b/c"), "a/b/c");
}

TEST(PathHelpers, ParentDir) {
  EXPECT_EQ(parent_dir("a/b/c"), "a/b");
  EXPECT_EQ(parent_dir("a/b/"), "a");
  EXPECT_EQ(parent_dir("a//b"), "a");
  EXPECT_EQ(parent_dir("c"), ".");
  EXPECT_EQ(parent_dir("/c"), "/");
  EXPECT_EQ(parent_dir("/"), "/");
}

TEST(PathHelpers, BaseName) {
  EXPECT_EQ(base_name("a/b/c.txt"), "c.txt");
  EXPECT_EQ(base_name("a/b/"), "b");
  EXPECT_EQ(base_name("c"), "c");
  EXPECT_EQ(base_name("/"), "/");
}

TEST_F(PosixFileSystemTest, WrittenBytesReadBackExactly) {
  std::string data;
  for (int i = 0; i < 300'000; ++i) data.push_back(static_cast<char>(i * 7 % 256));
  auto file = fs_.create_writable(path("f"), CreateMode::kTruncate);
  ASSERT_TRUE(file.is_ok()) << file.status().message();
  // Small appends (buffered), one large append (direct), and small again.
  ASSERT_TRUE((*file)->append(std::string_view(data).substr(0, 10)).is_ok());
  ASSERT_TRUE((*file)->append(std::string_view(data).substr(10, 200'000)).is_ok());
  ASSERT_TRUE((*file)->append(std::string_view(data).substr(200'010)).is_ok());
  ASSERT_TRUE((*file)->sync().is_ok());
  ASSERT_TRUE((*file)->close().is_ok());
  auto read = fs_.read_file(path("f"));
  ASSERT_TRUE(read.is_ok());
  EXPECT_EQ(*read, data);
  EXPECT_EQ(*fs_.file_size(path("f")), data.size());
}

TEST_F(PosixFileSystemTest, RandomAccessReadsRanges) {
  put("r", "0123456789");
  auto file = fs_.open_random_access(path("r"));
  ASSERT_TRUE(file.is_ok()) << file.status().message();
  EXPECT_EQ((*file)->size(), 10u);
  char buf[4];
  ASSERT_TRUE((*file)->read_at(6, 4, buf).is_ok());
  EXPECT_EQ(std::string_view(buf, 4), "6789");
  ASSERT_TRUE((*file)->read_at(0, 0, buf).is_ok());
}

TEST_F(PosixFileSystemTest, RandomAccessPastTheEndNamesTheRange) {
  put("r", "0123456789");
  auto file = fs_.open_random_access(path("r"));
  ASSERT_TRUE(file.is_ok());
  char buf[8];
  const Status st = (*file)->read_at(7, 4, buf);
  EXPECT_EQ(st.code(), StatusCode::kIOError);
  EXPECT_THAT(st.message(), HasSubstr("[7, 11)"));
  EXPECT_FALSE((*file)->read_at(~uint64_t{0}, 2, buf).is_ok());  // no overflow
}

TEST_F(PosixFileSystemTest, RandomAccessOfMissingFileIsNotFound) {
  EXPECT_EQ(fs_.open_random_access(path("nope")).status().code(), StatusCode::kNotFound);
}

TEST_F(PosixFileSystemTest, UseAfterCloseIsAnError) {
  auto file = fs_.create_writable(path("f"), CreateMode::kTruncate);
  ASSERT_TRUE(file.is_ok());
  ASSERT_TRUE((*file)->close().is_ok());
  EXPECT_EQ((*file)->append("x").code(), StatusCode::kInternal);
}

TEST_F(PosixFileSystemTest, DestructionWithoutCloseKeepsAppendedBytes) {
  {
    auto file = fs_.create_writable(path("f"), CreateMode::kTruncate);
    ASSERT_TRUE(file.is_ok());
    ASSERT_TRUE((*file)->append("buffered").is_ok());
  }
  EXPECT_EQ(*fs_.read_file(path("f")), "buffered");
}

TEST_F(PosixFileSystemTest, TruncateModeReplacesContent) {
  put("f", "old content");
  auto file = fs_.create_writable(path("f"), CreateMode::kTruncate);
  ASSERT_TRUE(file.is_ok());
  ASSERT_TRUE((*file)->append("new").is_ok());
  ASSERT_TRUE((*file)->close().is_ok());
  EXPECT_EQ(*fs_.read_file(path("f")), "new");
}

TEST_F(PosixFileSystemTest, ExclusiveCreateRefusesAnExistingFile) {
  put("f", "keep");
  auto file = fs_.create_writable(path("f"), CreateMode::kExclusive);
  ASSERT_FALSE(file.is_ok());
  EXPECT_EQ(file.status().code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(file.status().message(), HasSubstr(path("f")));
  EXPECT_EQ(*fs_.read_file(path("f")), "keep");
}

TEST_F(PosixFileSystemTest, MissingFileErrorNamesPathAndReason) {
  auto read = fs_.read_file(path("nope"));
  ASSERT_FALSE(read.is_ok());
  EXPECT_EQ(read.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(read.status().message(),
            "io: cannot open " + path("nope") + " (No such file or directory): check the path");
}

TEST_F(PosixFileSystemTest, CreateInMissingDirectoryIsNotFound) {
  auto file = fs_.create_writable(path("no/such/f"), CreateMode::kTruncate);
  ASSERT_FALSE(file.is_ok());
  EXPECT_EQ(file.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(file.status().message(), HasSubstr(path("no/such/f")));
  EXPECT_THAT(file.status().message(), HasSubstr("check that the directory exists"));
}

// Works as root too: no permission bit stops root, but a file in the way does.
TEST_F(PosixFileSystemTest, CreateUnderARegularFileFails) {
  put("plain", "x");
  auto file = fs_.create_writable(path("plain/sub"), CreateMode::kTruncate);
  ASSERT_FALSE(file.is_ok());
  EXPECT_EQ(file.status().code(), StatusCode::kIOError);
  EXPECT_THAT(file.status().message(), HasSubstr("io: cannot create " + path("plain/sub")));
  EXPECT_THAT(file.status().message(), HasSubstr("(Not a directory)"));
}

TEST_F(PosixFileSystemTest, CreateInReadOnlyDirectoryNamesPathAndPermission) {
  if (::geteuid() == 0) {
    GTEST_SKIP() << "root ignores directory permissions; CreateUnderARegularFileFails covers "
                    "the unwritable case";
  }
  ASSERT_TRUE(fs_.create_dirs(path("ro")).is_ok());
  ASSERT_EQ(::chmod(path("ro").c_str(), 0555), 0);
  auto file = fs_.create_writable(path("ro/f"), CreateMode::kTruncate);
  ASSERT_FALSE(file.is_ok());
  EXPECT_EQ(file.status().message(), "io: cannot create " + path("ro/f") +
                                         " (Permission denied): check the permissions of the path");
}

TEST_F(PosixFileSystemTest, CreateDirsMakesParentsAndIsIdempotent) {
  ASSERT_TRUE(fs_.create_dirs(path("a/b/c")).is_ok());
  ASSERT_TRUE(fs_.create_dirs(path("a/b/c/")).is_ok());
  EXPECT_TRUE(std::filesystem::is_directory(path("a/b/c")));
}

TEST_F(PosixFileSystemTest, CreateDirsThroughAFileNamesTheFile) {
  put("plain", "x");
  const Status st = fs_.create_dirs(path("plain/a/b"));
  ASSERT_FALSE(st.is_ok());
  EXPECT_EQ(st.message(), "io: cannot create directory " + path("plain/a/b") + " (" +
                              path("plain") +
                              " is not a directory): remove that file or choose another path");
}

TEST_F(PosixFileSystemTest, ExistsSeesFilesAndDirectories) {
  put("f", "");
  EXPECT_TRUE(*fs_.exists(path("f")));
  EXPECT_TRUE(*fs_.exists(dir_));
  EXPECT_FALSE(*fs_.exists(path("nope")));
  EXPECT_FALSE(*fs_.exists(path("f/under-a-file")));
}

TEST_F(PosixFileSystemTest, ListDirIsSortedAndSkipsDotEntries) {
  put("b", "");
  put("a", "");
  ASSERT_TRUE(fs_.create_dirs(path("c")).is_ok());
  EXPECT_THAT(*fs_.list_dir(dir_), ElementsAre("a", "b", "c"));
  EXPECT_EQ(fs_.list_dir(path("nope")).status().code(), StatusCode::kNotFound);
}

TEST_F(PosixFileSystemTest, RenameReplacesTheTarget) {
  put("from", "new");
  put("to", "old");
  ASSERT_TRUE(fs_.rename(path("from"), path("to")).is_ok());
  EXPECT_EQ(*fs_.read_file(path("to")), "new");
  EXPECT_FALSE(*fs_.exists(path("from")));
}

TEST_F(PosixFileSystemTest, RenameNoReplaceMovesWhenTheTargetIsAbsent) {
  put("from", "data");
  ASSERT_TRUE(fs_.rename_no_replace(path("from"), path("to")).is_ok());
  EXPECT_EQ(*fs_.read_file(path("to")), "data");
  EXPECT_FALSE(*fs_.exists(path("from")));
}

TEST_F(PosixFileSystemTest, RenameNoReplaceRefusesAnExistingTarget) {
  put("from", "new");
  put("to", "old");
  const Status st = fs_.rename_no_replace(path("from"), path("to"));
  ASSERT_FALSE(st.is_ok());
  EXPECT_EQ(st.code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(st.message(), HasSubstr(path("to")));
  EXPECT_EQ(*fs_.read_file(path("to")), "old");
  EXPECT_EQ(*fs_.read_file(path("from")), "new");
}

TEST_F(PosixFileSystemTest, RenameOfMissingSourceNamesBothPaths) {
  const Status st = fs_.rename(path("nope"), path("to"));
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_THAT(st.message(), HasSubstr(path("nope") + " to " + path("to")));
}

TEST_F(PosixFileSystemTest, RemoveFileAndEmptyDirectory) {
  put("f", "");
  ASSERT_TRUE(fs_.create_dirs(path("d")).is_ok());
  EXPECT_TRUE(fs_.remove_file(path("f")).is_ok());
  EXPECT_TRUE(fs_.remove_dir(path("d")).is_ok());
  EXPECT_FALSE(*fs_.exists(path("f")));
  EXPECT_FALSE(*fs_.exists(path("d")));
  EXPECT_EQ(fs_.remove_file(path("f")).code(), StatusCode::kNotFound);
}

TEST_F(PosixFileSystemTest, RemoveDirRefusesANonEmptyDirectory) {
  ASSERT_TRUE(fs_.create_dirs(path("d")).is_ok());
  put("d/f", "");
  const Status st = fs_.remove_dir(path("d"));
  EXPECT_FALSE(st.is_ok());
  EXPECT_THAT(st.message(), HasSubstr(path("d")));
  EXPECT_TRUE(*fs_.exists(path("d/f")));
}

TEST_F(PosixFileSystemTest, SyncDir) {
  EXPECT_TRUE(fs_.sync_dir(dir_).is_ok());
  EXPECT_EQ(fs_.sync_dir(path("nope")).code(), StatusCode::kNotFound);
}

TEST_F(PosixFileSystemTest, WriteFileAtomicCreatesAndReplaces) {
  ASSERT_TRUE(write_file_atomic(fs_, path("m.json"), "first").is_ok());
  EXPECT_EQ(*fs_.read_file(path("m.json")), "first");
  ASSERT_TRUE(write_file_atomic(fs_, path("m.json"), "second").is_ok());
  EXPECT_EQ(*fs_.read_file(path("m.json")), "second");
  EXPECT_THAT(*fs_.list_dir(dir_), ElementsAre("m.json"));  // no temp file left
}

TEST_F(PosixFileSystemTest, WriteFileAtomicFailureKeepsOldContentAndRemovesTemp) {
  put("m.json", "old");
  for (const FsOp op : {FsOp::kAppend, FsOp::kSync, FsOp::kClose, FsOp::kRename}) {
    FaultInjectingFileSystem faulty(fs_);
    faulty.fail_nth(op, 1);
    const Status st = write_file_atomic(faulty, path("m.json"), "new");
    EXPECT_FALSE(st.is_ok()) << fs_op_name(op);
    EXPECT_EQ(*fs_.read_file(path("m.json")), "old") << fs_op_name(op);
    EXPECT_THAT(*fs_.list_dir(dir_), ElementsAre("m.json")) << fs_op_name(op);
  }
}

TEST_F(PosixFileSystemTest, WriteFileAtomicIntoUnwritablePlaceNamesPath) {
  put("plain", "x");
  const Status st = write_file_atomic(fs_, path("plain/m.json"), "data");
  ASSERT_FALSE(st.is_ok());
  EXPECT_THAT(st.message(), HasSubstr(path("plain")));
  EXPECT_THAT(st.message(), HasSubstr("Not a directory"));
}

}  // namespace
}  // namespace medallion::util

namespace medallion::util {
namespace {

TEST_F(PosixFileSystemTest, RemoveTreeRemovesNestedFilesAndDirectories) {
  const std::string tree = path("tree");
  ASSERT_TRUE(fs_.create_dirs(tree + "/a/b").is_ok());
  ASSERT_TRUE(write_file_atomic(fs_, tree + "/a/b/f", "x").is_ok());
  ASSERT_TRUE(write_file_atomic(fs_, tree + "/g", "y").is_ok());
  ASSERT_TRUE(remove_tree(fs_, tree).is_ok());
  EXPECT_FALSE(*fs_.exists(tree));
  EXPECT_TRUE(remove_tree(fs_, tree).is_ok());  // already gone: fine
}

TEST_F(PosixFileSystemTest, RemoveTreeAtomicallyLeavesNoTraceAndClearsEarlierLeftovers) {
  const std::string tree = path("table");
  ASSERT_TRUE(fs_.create_dirs(tree + "/_delta_log").is_ok());
  ASSERT_TRUE(write_file_atomic(fs_, tree + "/_delta_log/0.json", "{}").is_ok());
  // What a crash in the middle of an earlier removal leaves.
  const std::string leftover = path(".table.removed-1-00000000");
  ASSERT_TRUE(fs_.create_dirs(leftover + "/part").is_ok());
  ASSERT_TRUE(remove_tree_atomically(fs_, tree).is_ok());
  EXPECT_FALSE(*fs_.exists(tree));
  EXPECT_FALSE(*fs_.exists(leftover));
  auto names = fs_.list_dir(dir_);
  ASSERT_TRUE(names.is_ok());
  EXPECT_TRUE(names->empty()) << (*names)[0];
}

}  // namespace
}  // namespace medallion::util
