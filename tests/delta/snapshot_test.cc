#include "delta/snapshot.h"

#include <gtest/gtest.h>

#include "delta/log_format.h"
#include "util/in_memory_file_system.h"

namespace medallion::delta {
namespace {

constexpr char kRoot[] = "/t";
constexpr char kMetadata[] =
    R"({"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]}","partitionColumns":[],"configuration":{},"createdTime":1}})";

void put_commit(util::InMemoryFileSystem& fs, int64_t version, const std::string& body) {
  ASSERT_TRUE(fs.put_file(std::string(kRoot) + "/_delta_log/" + commit_file_name(version), body).is_ok());
}

std::string add(const std::string& path) {
  return R"({"add":{"path":")" + path +
         R"(","partitionValues":{},"size":1,"modificationTime":1,"dataChange":true}})";
}

TEST(Snapshot, UnknownReaderFeatureIsRefusedByName) {
  util::InMemoryFileSystem fs;
  put_commit(fs, 0,
             std::string(R"({"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["deletionVectors","catalogOwned-preview"],"writerFeatures":[]}})") +
                 "\n" + kMetadata + "\n");
  auto s = load_snapshot(fs, kRoot);
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), util::StatusCode::kUnsupported);
  EXPECT_NE(s.status().message().find("'catalogOwned-preview'"), std::string::npos)
      << s.status().message();
}

TEST(Snapshot, ReaderVersionFourIsRefused) {
  util::InMemoryFileSystem fs;
  put_commit(fs, 0, std::string(R"({"protocol":{"minReaderVersion":4,"minWriterVersion":7}})") +
                        "\n" + kMetadata + "\n");
  auto s = load_snapshot(fs, kRoot);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.status().message().find("reader version 4"), std::string::npos);
}

TEST(Snapshot, MissingTableIsNotFound) {
  util::InMemoryFileSystem fs;
  auto s = load_snapshot(fs, "/nowhere");
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), util::StatusCode::kNotFound);
}

TEST(Snapshot, GapInTheLogIsCorruption) {
  util::InMemoryFileSystem fs;
  put_commit(fs, 0, std::string(R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})") + "\n" + kMetadata + "\n");
  put_commit(fs, 2, add("b") + "\n");
  auto s = load_snapshot(fs, kRoot);
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), util::StatusCode::kCorruption);
  EXPECT_NE(s.status().message().find(commit_file_name(1)), std::string::npos) << s.status().message();
}

TEST(Snapshot, VersionPastTheLatestNamesTheLatest) {
  util::InMemoryFileSystem fs;
  put_commit(fs, 0, std::string(R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})") + "\n" + kMetadata + "\n");
  auto s = load_snapshot(fs, kRoot, 5);
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), util::StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("latest version is 0"), std::string::npos);
}

TEST(Snapshot, AddThenRemoveThenReAdd) {
  util::InMemoryFileSystem fs;
  put_commit(fs, 0, std::string(R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})") + "\n" + kMetadata + "\n" + add("a") + "\n");
  put_commit(fs, 1, R"({"remove":{"path":"a","deletionTimestamp":5,"dataChange":true}})" "\n");
  put_commit(fs, 2, add("a") + "\n" + add("b") + "\n");
  auto v1 = load_snapshot(fs, kRoot, 1);
  ASSERT_TRUE(v1.is_ok());
  EXPECT_TRUE(v1.value().files.empty());
  ASSERT_EQ(v1.value().tombstones.size(), 1u);
  auto v2 = load_snapshot(fs, kRoot);
  ASSERT_TRUE(v2.is_ok());
  EXPECT_EQ(v2.value().files.size(), 2u);
  EXPECT_TRUE(v2.value().tombstones.empty());
}

TEST(Snapshot, CorruptCommitNamesTheFile) {
  util::InMemoryFileSystem fs;
  put_commit(fs, 0, std::string(R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})") + "\n" + kMetadata + "\n");
  put_commit(fs, 1, "{\"add\":{\"path\":");
  auto s = load_snapshot(fs, kRoot);
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), util::StatusCode::kCorruption);
  EXPECT_NE(s.status().message().find(commit_file_name(1)), std::string::npos) << s.status().message();
}

TEST(LogFileNames, ParseEveryKindAndIgnoreTheRest) {
  EXPECT_EQ(parse_log_file_name("00000000000000000007.json")->kind, LogFileKind::kCommit);
  EXPECT_EQ(parse_log_file_name("00000000000000000010.checkpoint.parquet")->kind,
            LogFileKind::kClassicCheckpoint);
  auto part = parse_log_file_name("00000000000000000010.checkpoint.0000000002.0000000003.parquet");
  ASSERT_TRUE(part);
  EXPECT_EQ(part->part, 2);
  EXPECT_EQ(part->parts, 3);
  auto v2 = parse_log_file_name("00000000000000000002.checkpoint.6374b053-df23-479b-b2cf-c9c550132b49.json");
  ASSERT_TRUE(v2);
  EXPECT_EQ(v2->kind, LogFileKind::kV2Checkpoint);
  EXPECT_TRUE(v2->json);
  EXPECT_EQ(parse_log_file_name("00000000000000000010.crc")->kind, LogFileKind::kChecksum);
  EXPECT_FALSE(parse_log_file_name("_last_checkpoint"));
  EXPECT_FALSE(parse_log_file_name(".00000000000000000001.json.tmp"));
  EXPECT_FALSE(parse_log_file_name("0000000000000000001.json"));
  EXPECT_FALSE(parse_log_file_name("99999999999999999999.json"));  // beyond int64
  EXPECT_FALSE(parse_log_file_name("00000000000000000010.checkpoint.0000000004.0000000003.parquet"));
}

}  // namespace
}  // namespace medallion::delta
