// _delta_log/_last_checkpoint: the golden tables' files parse (the corrupt
// one fails cleanly), bad files give corruption, and writing round-trips.
#include "delta/last_checkpoint.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "golden_testdata.h"

namespace medallion::delta {
namespace {

namespace fs = std::filesystem;

const fs::path kGolden = testing::golden_dir();
using testing::read_text;

util::Result<LastCheckpoint> golden(std::string_view table) {
  const fs::path p = kGolden / table / "_delta_log" / "_last_checkpoint";
  return parse_last_checkpoint(read_text(p), p.string());
}

std::string corruption_of(std::string_view json) {
  auto r = parse_last_checkpoint(json, "t/_delta_log/_last_checkpoint");
  EXPECT_FALSE(r.is_ok()) << json;
  if (r.is_ok()) return {};
  EXPECT_EQ(r.status().code(), util::StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("t/_delta_log/_last_checkpoint"), std::string::npos);
  return r.status().message();
}

bool contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

TEST(LastCheckpointGolden, ClassicCheckpointWithSchemaAndChecksum) {
  const auto c = golden("checkpoint");
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->version, 10);
  EXPECT_EQ(c->size, 13);
  EXPECT_FALSE(c->parts.has_value());
  EXPECT_EQ(c->size_in_bytes, 14800);
  EXPECT_EQ(c->num_of_add_files, 1);
  ASSERT_TRUE(c->checkpoint_schema.has_value());
  EXPECT_EQ(c->checkpoint_schema->rfind(R"({"type":"struct","fields":[{"name":"txn")", 0), 0u);
  EXPECT_EQ(c->checksum, "80bc920eaa1889d3facbab7074862f2a");
  EXPECT_FALSE(c->v2_checkpoint.has_value());
}

TEST(LastCheckpointGolden, MultiPartHasParts) {
  const auto c = golden("multi-part-checkpoint");
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->version, 1);
  EXPECT_EQ(c->size, 12);
  EXPECT_EQ(c->parts, 2);
  EXPECT_EQ(c->num_of_add_files, 10);
}

TEST(LastCheckpointGolden, OldStyleHasOnlyVersionAndSize) {
  for (const char* table : {"125-iterator-bug", "delta-0.1.0", "transaction_log_schema_evolvability"}) {
    const auto c = golden(table);
    ASSERT_TRUE(c.is_ok()) << c.status().to_string();
    EXPECT_FALSE(c->size_in_bytes.has_value()) << table;
    EXPECT_FALSE(c->checksum.has_value()) << table;
  }
  EXPECT_EQ(golden("125-iterator-bug")->version, 10);
  EXPECT_EQ(golden("delta-0.1.0")->version, 3);
  EXPECT_EQ(golden("delta-0.1.0")->size, 6);
}

TEST(LastCheckpointGolden, V2CheckpointIsKept) {
  const auto c = golden("v2-checkpoint-json");
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->version, 2);
  EXPECT_EQ(c->size, 9);
  ASSERT_TRUE(c->v2_checkpoint.has_value());
  EXPECT_TRUE(contains(*c->v2_checkpoint,
                       R"("path":"00000000000000000002.checkpoint.6374b053-df23-479b-b2cf-c9c550132b49.json")"));
  EXPECT_TRUE(contains(*c->v2_checkpoint, R"("sidecarFiles":[)"));
}

TEST(LastCheckpointGolden, CorruptedEmptyFileFailsCleanly) {
  const auto c = golden("corrupted-last-checkpoint-kernel");
  ASSERT_FALSE(c.is_ok());
  EXPECT_EQ(c.status().code(), util::StatusCode::kCorruption);
  EXPECT_TRUE(contains(c.status().message(), "corrupted-last-checkpoint-kernel"));
  EXPECT_TRUE(contains(c.status().message(), "empty"));
}

TEST(LastCheckpointGolden, EveryGoldenFileRoundTrips) {
  for (const char* table : {"checkpoint", "multi-part-checkpoint", "125-iterator-bug", "delta-0.1.0",
                            "v2-checkpoint-json", "basic-with-inserts-deletes-checkpoint",
                            "transaction_log_schema_evolvability"}) {
    auto c = golden(table);
    ASSERT_TRUE(c.is_ok()) << table;
    LastCheckpoint expected = *c;
    expected.checksum.reset();  // never written
    const std::string written = serialize_last_checkpoint(*c);
    const auto back = parse_last_checkpoint(written, "rewritten");
    ASSERT_TRUE(back.is_ok()) << back.status().to_string();
    EXPECT_EQ(*back, expected) << table;
  }
}

// Spark's files are one line ending in '\n'; without a checksum ours are the same bytes.
TEST(LastCheckpointGolden, OldStyleIsWrittenByteForByte) {
  for (const char* table : {"125-iterator-bug", "delta-0.1.0", "transaction_log_schema_evolvability"}) {
    const std::string text = read_text(kGolden / table / "_delta_log" / "_last_checkpoint");
    EXPECT_EQ(serialize_last_checkpoint(*parse_last_checkpoint(text, "x")), text) << table;
  }
}

// With a checksum, only the checksum is left out.
TEST(LastCheckpointGolden, V2FileIsWrittenWithoutItsChecksum) {
  const std::string text = read_text(kGolden / "v2-checkpoint-json" / "_delta_log" / "_last_checkpoint");
  const std::string expected =
      text.substr(0, text.find(",\"checksum\":")) + "}\n";
  EXPECT_EQ(serialize_last_checkpoint(*parse_last_checkpoint(text, "x")), expected);
}

TEST(LastCheckpointWrite, FieldOrderWithoutChecksum) {
  LastCheckpoint c;
  c.version = 20;
  c.size = 30;
  c.parts = 2;
  c.size_in_bytes = 400;
  c.num_of_add_files = 5;
  c.checkpoint_schema = R"({"type":"struct","fields":[]})";
  c.tags = {{"k", "v"}};
  c.checksum = "00000000000000000000000000000000";
  EXPECT_EQ(serialize_last_checkpoint(c),
            R"({"version":20,"size":30,"parts":2,"sizeInBytes":400,"numOfAddFiles":5,)"
            R"("checkpointSchema":{"type":"struct","fields":[]},"tags":{"k":"v"}})"
            "\n");
}

TEST(LastCheckpointParse, UnknownFieldsAndNullsAreIgnored) {
  const auto c = parse_last_checkpoint(R"({"version":1,"size":2,"parts":null,"future":[1,{}]})", "x");
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->version, 1);
  EXPECT_FALSE(c->parts.has_value());
}

TEST(LastCheckpointParse, TrailingNewlineIsFine) {
  EXPECT_TRUE(parse_last_checkpoint("{\"version\":1,\"size\":2}\n", "x").is_ok());
}

TEST(LastCheckpointBadInput, NotJson) {
  EXPECT_TRUE(contains(corruption_of("{\"version\":1,"), "not valid JSON"));
}

TEST(LastCheckpointBadInput, NotAnObject) {
  EXPECT_TRUE(contains(corruption_of("[10,13]"), "not a JSON object"));
}

TEST(LastCheckpointBadInput, MissingVersion) {
  EXPECT_TRUE(contains(corruption_of(R"({"size":13})"), "\"version\" is missing"));
}

TEST(LastCheckpointBadInput, MissingSize) {
  EXPECT_TRUE(contains(corruption_of(R"({"version":13})"), "\"size\" is missing"));
}

TEST(LastCheckpointBadInput, VersionIsAString) {
  EXPECT_TRUE(contains(corruption_of(R"({"version":"10","size":13})"), "\"version\""));
}

TEST(LastCheckpointBadInput, VersionIsNegative) {
  EXPECT_TRUE(contains(corruption_of(R"({"version":-1,"size":13})"), "below 0"));
}

TEST(LastCheckpointBadInput, PartsIsZero) {
  EXPECT_TRUE(contains(corruption_of(R"({"version":1,"size":13,"parts":0})"), "\"parts\""));
}

TEST(LastCheckpointBadInput, CheckpointSchemaIsAString) {
  EXPECT_TRUE(contains(corruption_of(R"({"version":1,"size":1,"checkpointSchema":"x"})"),
                       "\"checkpointSchema\" is not an object"));
}

TEST(LastCheckpointBadInput, ChecksumIsANumber) {
  EXPECT_TRUE(contains(corruption_of(R"({"version":1,"size":1,"checksum":5})"), "\"checksum\""));
}

TEST(LastCheckpointBadInput, TrailingGarbage) {
  corruption_of(R"({"version":1,"size":1} {})");
}

TEST(LastCheckpointBadInput, EveryTruncationFailsCleanly) {
  const std::string text = read_text(kGolden / "v2-checkpoint-json" / "_delta_log" / "_last_checkpoint");
  ASSERT_EQ(text.back(), '\n');
  // Every cut before the closing brace; cutting only the newline leaves valid JSON.
  for (size_t n = 0; n + 1 < text.size(); ++n) {
    const auto r = parse_last_checkpoint(std::string_view(text).substr(0, n), "t");
    ASSERT_FALSE(r.is_ok()) << n;
    EXPECT_EQ(r.status().code(), util::StatusCode::kCorruption);
  }
}

}  // namespace
}  // namespace medallion::delta
