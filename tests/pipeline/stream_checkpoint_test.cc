#include "pipeline/stream_checkpoint.h"

#include <gtest/gtest.h>

#include <string>

#include "util/in_memory_file_system.h"

namespace medallion::pipeline {
namespace {

constexpr char kDir[] = "/chk/stream";

BatchOffsets batch(int64_t id, std::optional<delta::StreamOffset> start, delta::StreamOffset end) {
  BatchOffsets b;
  b.batch_id = id;
  b.timestamp_ms = 1700000000000 + id;
  b.start = start;
  b.end = end;
  return b;
}

class StreamCheckpointTest : public ::testing::Test {
 protected:
  StreamCheckpoint open() {
    auto c = StreamCheckpoint::open(fs_, kDir);
    EXPECT_TRUE(c.is_ok()) << c.status().message();
    return std::move(c).value();
  }
  std::string path(std::string_view sub, std::string_view name) {
    return util::join_path(util::join_path(kDir, sub), name);
  }
  util::InMemoryFileSystem fs_;
};

TEST_F(StreamCheckpointTest, CreatesAStreamIdOnce) {
  StreamCheckpoint first = open();
  EXPECT_EQ(first.id().size(), 36u);
  auto text = fs_.read_file(util::join_path(kDir, "metadata"));
  ASSERT_TRUE(text.is_ok());
  EXPECT_EQ(*text, "{\"id\":\"" + first.id() + "\"}\n");
  StreamCheckpoint again = open();
  EXPECT_EQ(again.id(), first.id());
}

TEST_F(StreamCheckpointTest, OffsetsFileRoundTrips) {
  const BatchOffsets with_start = batch(3, delta::StreamOffset{4, 1, false}, {5, 0, false});
  const BatchOffsets from_start = batch(0, std::nullopt, {2, 7, true});
  for (const BatchOffsets& b : {with_start, from_start}) {
    auto parsed = parse_batch_offsets(serialize_batch_offsets(b), "x");
    ASSERT_TRUE(parsed.is_ok()) << parsed.status().message();
    EXPECT_EQ(*parsed, b);
  }
  EXPECT_EQ(serialize_batch_offsets(from_start),
            "v1\n{\"batchId\":0,\"batchTimestampMs\":1700000000000}\nnull\n"
            "{\"reservoirVersion\":2,\"index\":7,\"isStartingVersion\":true}\n");
}

TEST_F(StreamCheckpointTest, NewCheckpointResumesFromTheStart) {
  StreamCheckpoint c = open();
  auto r = c.resume();
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_FALSE(r->pending);
  EXPECT_EQ(r->next_batch_id, 0);
  EXPECT_FALSE(r->after);
}

TEST_F(StreamCheckpointTest, PlannedBatchWithoutCommitIsPending) {
  StreamCheckpoint c = open();
  ASSERT_TRUE(c.write_offsets(batch(0, std::nullopt, {1, 0, false})).is_ok());
  ASSERT_TRUE(c.write_commit(0).is_ok());
  const BatchOffsets planned = batch(1, delta::StreamOffset{1, 0, false}, {2, 3, false});
  ASSERT_TRUE(c.write_offsets(planned).is_ok());
  auto r = c.resume();
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  ASSERT_TRUE(r->pending);
  EXPECT_EQ(*r->pending, planned);
  EXPECT_EQ(r->next_batch_id, 2);
  EXPECT_EQ(r->after, (delta::StreamOffset{2, 3, false}));
}

TEST_F(StreamCheckpointTest, CommittedBatchIsNotPending) {
  StreamCheckpoint c = open();
  ASSERT_TRUE(c.write_offsets(batch(0, std::nullopt, {1, 0, false})).is_ok());
  ASSERT_TRUE(c.write_commit(0).is_ok());
  auto r = c.resume();
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_FALSE(r->pending);
  EXPECT_EQ(r->next_batch_id, 1);
  EXPECT_EQ(r->after, (delta::StreamOffset{1, 0, false}));
}

TEST_F(StreamCheckpointTest, LatestIsByNumberNotName) {
  StreamCheckpoint c = open();
  for (int64_t id = 0; id <= 10; ++id) {
    ASSERT_TRUE(c.write_offsets(batch(id, std::nullopt, {id, 0, false})).is_ok());
    ASSERT_TRUE(c.write_commit(id).is_ok());
  }
  auto last = c.last_offsets_batch();
  ASSERT_TRUE(last.is_ok());
  EXPECT_EQ(*last, 10);  // "10" sorts before "2" as a name
}

TEST_F(StreamCheckpointTest, TemporaryFilesAreIgnored) {
  StreamCheckpoint c = open();
  ASSERT_TRUE(fs_.put_file(path("offsets", ".0.tmp-1-abc"), "garbage").is_ok());
  ASSERT_TRUE(fs_.put_file(path("offsets", "007"), "garbage").is_ok());
  auto r = c.resume();
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->next_batch_id, 0);
}

TEST_F(StreamCheckpointTest, CorruptOffsetsNameTheFile) {
  StreamCheckpoint c = open();
  ASSERT_TRUE(fs_.put_file(path("offsets", "0"), "v1\n{\"batchId\":0,\"batchTimestampMs\":1}\nnull\n{\"reservoirVers").is_ok());
  auto r = c.resume();
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("/chk/stream/offsets/0"), std::string::npos)
      << r.status().message();
}

TEST_F(StreamCheckpointTest, TruncatedOffsetsAreCorruption) {
  StreamCheckpoint c = open();
  const std::string full = serialize_batch_offsets(batch(0, std::nullopt, {1, 0, false}));
  for (size_t cut : {size_t{0}, size_t{2}, full.find("null")}) {
    ASSERT_TRUE(fs_.put_file(path("offsets", "0"), full.substr(0, cut)).is_ok());
    auto r = c.resume();
    ASSERT_FALSE(r.is_ok()) << cut;
    EXPECT_EQ(r.status().code(), util::StatusCode::kCorruption) << r.status().message();
  }
}

TEST_F(StreamCheckpointTest, OffsetsOfAnotherBatchAreCorruption) {
  StreamCheckpoint c = open();
  ASSERT_TRUE(fs_.put_file(path("offsets", "1"),
                           serialize_batch_offsets(batch(0, std::nullopt, {1, 0, false})))
                  .is_ok());
  ASSERT_TRUE(c.write_offsets(batch(0, std::nullopt, {1, 0, false})).is_ok());
  ASSERT_TRUE(c.write_commit(0).is_ok());
  auto r = c.resume();
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("names batch 0"), std::string::npos) << r.status().message();
}

TEST_F(StreamCheckpointTest, NewerFormatIsUnsupported) {
  StreamCheckpoint c = open();
  ASSERT_TRUE(fs_.put_file(path("offsets", "0"), "v2\n{}\n").is_ok());
  auto r = c.resume();
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kUnsupported);
}

TEST_F(StreamCheckpointTest, CorruptCommitIsCorruption) {
  StreamCheckpoint c = open();
  ASSERT_TRUE(c.write_offsets(batch(0, std::nullopt, {1, 0, false})).is_ok());
  ASSERT_TRUE(fs_.put_file(path("commits", "0"), "v1\n{oops\n").is_ok());
  auto r = c.resume();
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("/chk/stream/commits/0"), std::string::npos);
}

TEST_F(StreamCheckpointTest, CommitWithoutOffsetsIsCorruption) {
  StreamCheckpoint c = open();
  ASSERT_TRUE(c.write_commit(0).is_ok());
  auto r = c.resume();
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kCorruption);
}

TEST_F(StreamCheckpointTest, MissingCommitsAreCorruption) {
  StreamCheckpoint c = open();
  for (int64_t id = 0; id <= 2; ++id) {
    ASSERT_TRUE(c.write_offsets(batch(id, std::nullopt, {id, 0, false})).is_ok());
  }
  ASSERT_TRUE(c.write_commit(0).is_ok());
  auto r = c.resume();
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("commits are missing"), std::string::npos);
}

TEST_F(StreamCheckpointTest, LostMetadataIsNotRecreated) {
  {
    StreamCheckpoint c = open();
    ASSERT_TRUE(c.write_offsets(batch(0, std::nullopt, {1, 0, false})).is_ok());
  }
  ASSERT_TRUE(fs_.remove_file(util::join_path(kDir, "metadata")).is_ok());
  auto c = StreamCheckpoint::open(fs_, kDir);
  ASSERT_FALSE(c.is_ok());
  EXPECT_EQ(c.status().code(), util::StatusCode::kCorruption);
  EXPECT_NE(c.status().message().find("/chk/stream/metadata"), std::string::npos);
}

TEST_F(StreamCheckpointTest, CorruptMetadataIsCorruption) {
  ASSERT_TRUE(fs_.put_file(util::join_path(kDir, "metadata"), "{\"id\":12}").is_ok());
  auto c = StreamCheckpoint::open(fs_, kDir);
  ASSERT_FALSE(c.is_ok());
  EXPECT_EQ(c.status().code(), util::StatusCode::kCorruption);
}

TEST_F(StreamCheckpointTest, OffsetsSurviveACrash) {
  StreamCheckpoint c = open();
  ASSERT_TRUE(c.write_offsets(batch(0, std::nullopt, {1, 0, false})).is_ok());
  fs_.drop_unsynced_data();
  auto again = StreamCheckpoint::open(fs_, kDir);
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  EXPECT_EQ(again->id(), c.id());
  auto r = again->resume();
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_TRUE(r->pending);
}

}  // namespace
}  // namespace medallion::pipeline
