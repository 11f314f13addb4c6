// The JSONL decoder: every reject reason, lines across chunk boundaries,
// nulls, line numbers and batching.
#include "formats/json/jsonl_decoder.h"

#include <gtest/gtest.h>

#include "lake/source_events.h"
#include "util/civil_time.h"

namespace medallion::json {
namespace {

using lake::kSourceCountry;
using lake::kSourceEvent;
using lake::kSourcePlayerId;
using lake::kSourceTs;

constexpr std::string_view kStart =
    R"({"player_id": "0a2d12a1a7e145de8bae44c0c6e06629", "country": "FI", "event": "start", "session_id": "4a0c43c9-c43a-42ff-ba55-67563dfa35d4", "ts": "2016-11-18T12:48:05"})";
constexpr std::string_view kEnd =
    R"({"player_id": "0a2d12a1a7e145de8bae44c0c6e06629", "event": "end", "session_id": "4a0c43c9-c43a-42ff-ba55-67563dfa35d4", "ts": "2016-11-18T13:49:05"})";

struct Decoded {
  std::vector<DecodedBatch> batches;
  int64_t lines = 0;
  size_t rows() const {
    size_t n = 0;
    for (const auto& b : batches) n += b.rows.num_rows();
    return n;
  }
  std::vector<RejectedLine> rejects() const {
    std::vector<RejectedLine> all;
    for (const auto& b : batches) all.insert(all.end(), b.rejects.begin(), b.rejects.end());
    return all;
  }
};

Decoded decode(std::string_view input, size_t chunk = std::string_view::npos,
               size_t batch_rows = 65536) {
  JsonlDecoder decoder(lake::source_events_schema(), {.batch_rows = batch_rows});
  Decoded d;
  for (size_t pos = 0; pos < input.size(); pos += chunk) decoder.feed(input.substr(pos, chunk), d.batches);
  decoder.finish(d.batches);
  d.lines = decoder.lines();
  return d;
}

RejectReason only_reject(std::string_view line) {
  const Decoded d = decode(std::string(line) + "\n");
  EXPECT_EQ(d.rows(), 0u) << line;
  const auto rejects = d.rejects();
  EXPECT_EQ(rejects.size(), 1u) << line;
  return rejects.empty() ? RejectReason::kNotJson : rejects[0].reason;
}

TEST(JsonlDecoderTest, DecodesStartAndEndLines) {
  const Decoded d = decode(std::string(kStart) + "\n" + std::string(kEnd) + "\n");
  ASSERT_EQ(d.batches.size(), 1u);
  const auto& rows = d.batches[0].rows;
  ASSERT_EQ(rows.num_rows(), 2u);
  EXPECT_EQ(rows.column(kSourcePlayerId).string_at(0), "0a2d12a1a7e145de8bae44c0c6e06629");
  EXPECT_EQ(rows.column(kSourceCountry).string_at(0), "FI");
  EXPECT_TRUE(rows.column(kSourceCountry).is_null(1));
  EXPECT_EQ(rows.column(kSourceEvent).string_at(1), "end");
  EXPECT_EQ(rows.column(kSourceTs).int64_at(0), *util::parse_iso8601("2016-11-18T12:48:05"));
  EXPECT_EQ(rows.line_numbers(), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(d.lines, 2);
}

TEST(JsonlDecoderTest, MicrosecondTimestampsAreAccepted) {
  std::string line(kEnd);
  line.replace(line.find("13:49:05"), 8, "13:49:05.000123");
  const Decoded d = decode(line + "\n");
  ASSERT_EQ(d.rows(), 1u);
  EXPECT_EQ(d.batches[0].rows.column(kSourceTs).int64_at(0) % 1'000'000, 123);
}

TEST(JsonlDecoderTest, EveryChunkSplitGivesTheSameRows) {
  const std::string input = std::string(kStart) + "\n" + std::string(kEnd) + "\r\nnot json\n" +
                            std::string(kStart) + "\n";
  for (size_t chunk = 1; chunk <= input.size(); ++chunk) {
    const Decoded d = decode(input, chunk);
    ASSERT_EQ(d.rows(), 3u) << chunk;
    ASSERT_EQ(d.rejects().size(), 1u) << chunk;
    EXPECT_EQ(d.rejects()[0].line_number, 3) << chunk;
    EXPECT_EQ(d.rejects()[0].text, "not json") << chunk;
  }
}

TEST(JsonlDecoderTest, CarriageReturnBeforeNewlineIsDropped) {
  const Decoded d = decode(std::string(kStart) + "\r\n");
  EXPECT_EQ(d.rows(), 1u);
}

TEST(JsonlDecoderTest, NotJson) { EXPECT_EQ(only_reject("hello world"), RejectReason::kNotJson); }

TEST(JsonlDecoderTest, CutOffObjectInTheMiddleIsNotJson) {
  EXPECT_EQ(only_reject(R"({"player_id": "ab)"), RejectReason::kNotJson);
}

TEST(JsonlDecoderTest, JsonArrayIsNotAnObject) {
  EXPECT_EQ(only_reject(R"(["player_id"])"), RejectReason::kNotJson);
}

TEST(JsonlDecoderTest, EmptyLineIsNotJson) { EXPECT_EQ(only_reject(""), RejectReason::kNotJson); }

TEST(JsonlDecoderTest, TrailingGarbageAfterTheObjectIsNotJson) {
  EXPECT_EQ(only_reject(std::string(kStart) + " x"), RejectReason::kNotJson);
}

TEST(JsonlDecoderTest, MissingRequiredField) {
  std::string line(kEnd);
  line.erase(line.find(R"(, "ts")"), std::string::npos);
  line += "}";
  EXPECT_EQ(only_reject(line), RejectReason::kMissingField);
}

TEST(JsonlDecoderTest, NullRequiredFieldIsMissing) {
  std::string line(kEnd);
  line.replace(line.find(R"("0a2d)"), 34, "null");
  EXPECT_EQ(only_reject(line), RejectReason::kMissingField);
}

TEST(JsonlDecoderTest, NullCountryIsANull) {
  std::string line(kStart);
  line.replace(line.find(R"("FI")"), 4, "null");
  const Decoded d = decode(line + "\n");
  ASSERT_EQ(d.rows(), 1u);
  EXPECT_TRUE(d.batches[0].rows.column(kSourceCountry).is_null(0));
}

TEST(JsonlDecoderTest, NumberForAStringIsWrongType) {
  std::string line(kStart);
  line.replace(line.find(R"("FI")"), 4, "42");
  EXPECT_EQ(only_reject(line), RejectReason::kWrongType);
}

TEST(JsonlDecoderTest, NumericTimestampIsWrongType) {
  std::string line(kEnd);
  line.replace(line.find(R"("2016)"), 21, "1479472085");
  EXPECT_EQ(only_reject(line), RejectReason::kWrongType);
}

TEST(JsonlDecoderTest, UnparsableTimestamp) {
  for (const std::string bad : {"2016-13-45T99:00:00", "yesterday", "2016-11-18 12:48", ""}) {
    std::string line(kEnd);
    line.replace(line.find(R"("2016)"), 21, "\"" + bad + "\"");
    EXPECT_EQ(only_reject(line), RejectReason::kBadTimestamp) << bad;
  }
}

TEST(JsonlDecoderTest, UnknownEvent) {
  for (const std::string bad : {"pause", "START", ""}) {
    std::string line(kEnd);
    line.replace(line.find(R"("end")"), 5, "\"" + bad + "\"");
    EXPECT_EQ(only_reject(line), RejectReason::kUnknownEvent) << bad;
  }
}

TEST(JsonlDecoderTest, MissingFieldIsReportedBeforeABadTimestamp) {
  EXPECT_EQ(only_reject(R"({"event": "end", "ts": "nope"})"), RejectReason::kMissingField);
}

TEST(JsonlDecoderTest, UnterminatedValidLastLineIsAccepted) {
  const Decoded d = decode(std::string(kStart) + "\n" + std::string(kEnd));
  EXPECT_EQ(d.rows(), 2u);
  EXPECT_EQ(d.lines, 2);
}

TEST(JsonlDecoderTest, UnterminatedCutLastLineIsTruncated) {
  const std::string input = std::string(kStart) + "\n" + std::string(kEnd.substr(0, 40));
  const Decoded d = decode(input);
  EXPECT_EQ(d.rows(), 1u);
  ASSERT_EQ(d.rejects().size(), 1u);
  EXPECT_EQ(d.rejects()[0].reason, RejectReason::kTruncated);
  EXPECT_EQ(d.rejects()[0].line_number, 2);
}

TEST(JsonlDecoderTest, UnknownKeysAreIgnored) {
  std::string line(kStart);
  line.insert(1, R"("extra": [1, {"x": 2}], )");
  EXPECT_EQ(decode(line + "\n").rows(), 1u);
}

TEST(JsonlDecoderTest, BatchesAreCutAtBatchRows) {
  std::string input;
  for (int i = 0; i < 10; ++i) input += std::string(kStart) + "\n";
  const Decoded d = decode(input, std::string_view::npos, 4);
  ASSERT_EQ(d.batches.size(), 3u);
  EXPECT_EQ(d.batches[0].rows.num_rows(), 4u);
  EXPECT_EQ(d.batches[2].rows.num_rows(), 2u);
  EXPECT_EQ(d.batches[2].rows.line_numbers().back(), 10);
}

TEST(JsonlDecoderTest, LinesEqualRowsPlusRejects) {
  const std::string input = std::string(kStart) + "\nbad\n\n" + std::string(kEnd) + "\n{}\n";
  const Decoded d = decode(input, 5);
  EXPECT_EQ(d.lines, 5);
  EXPECT_EQ(static_cast<int64_t>(d.rows() + d.rejects().size()), d.lines);
}

TEST(JsonlDecoderTest, OverlongLineIsRejectedWithoutBufferingIt) {
  std::string input = std::string(kStart) + "\n";
  input += std::string(17 << 20, 'x') + "\n";
  input += std::string(kEnd) + "\n";
  const Decoded d = decode(input, 1 << 20);
  EXPECT_EQ(d.rows(), 2u);
  ASSERT_EQ(d.rejects().size(), 1u);
  EXPECT_EQ(d.rejects()[0].reason, RejectReason::kNotJson);
  EXPECT_EQ(d.rejects()[0].line_number, 2);
  EXPECT_LE(d.rejects()[0].text.size(), kMaxRejectTextBytes);
}

TEST(JsonlDecoderTest, RejectTextIsCapped) {
  const Decoded d = decode(std::string(100'000, 'y') + "\n");
  ASSERT_EQ(d.rejects().size(), 1u);
  EXPECT_EQ(d.rejects()[0].text.size(), kMaxRejectTextBytes);
}

TEST(JsonlDecoderTest, ReasonNamesAreTheDocumentedOnes) {
  EXPECT_EQ(reject_reason_name(RejectReason::kNotJson), "not_json");
  EXPECT_EQ(reject_reason_name(RejectReason::kMissingField), "missing_field");
  EXPECT_EQ(reject_reason_name(RejectReason::kWrongType), "wrong_type");
  EXPECT_EQ(reject_reason_name(RejectReason::kBadTimestamp), "bad_timestamp");
  EXPECT_EQ(reject_reason_name(RejectReason::kUnknownEvent), "unknown_event");
  EXPECT_EQ(reject_reason_name(RejectReason::kTruncated), "truncated");
}

}  // namespace
}  // namespace medallion::json
