// LineFormatter: clean lines byte for byte as the real file writes them, and
// every variant of every defect rejected by the real decoder for exactly the
// reason it is counted under.
#include "gen/line_formatter.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "formats/json/jsonl_decoder.h"
#include "lake/source_events.h"
#include "util/civil_time.h"

namespace medallion::gen {
namespace {

std::string hex(const uint8_t* p, size_t n) {
  std::string out;
  char buf[3];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", p[i]);
    out += buf;
  }
  return out;
}

std::string dashed(const Uuid& id) {
  return hex(id.data(), 4) + "-" + hex(id.data() + 4, 2) + "-" + hex(id.data() + 6, 2) + "-" +
         hex(id.data() + 8, 2) + "-" + hex(id.data() + 10, 6);
}

class LineFormatterTest : public ::testing::Test {
 protected:
  SessionModel model_ = SessionModel::build({.events = 2'001, .seed = 42});
  LineFormatter formatter_{model_};

  std::string format(const PlannedLine& line) {
    std::string out;
    formatter_.append(line, out);
    return out;
  }

  // What the decoder makes of `text` as a whole input: the reject reasons
  // and the number of accepted rows.
  static std::pair<std::vector<json::RejectReason>, size_t> decode(const std::string& text) {
    // Small batches: one decoder per line here, and a full batch reserves a lot.
    json::JsonlDecoder decoder(lake::source_events_schema(), {.batch_rows = 16});
    std::vector<json::DecodedBatch> batches;
    decoder.feed(text, batches);
    decoder.finish(batches);
    std::vector<json::RejectReason> reasons;
    size_t rows = 0;
    for (const auto& b : batches) {
      rows += b.rows.num_rows();
      for (const auto& r : b.rejects) reasons.push_back(r.reason);
    }
    return {reasons, rows};
  }
};

TEST_F(LineFormatterTest, StartLineIsByteExact) {
  const Session& s = model_.sessions()[0];
  ASSERT_EQ(s.kind, SessionKind::kComplete);
  const Player& p = model_.players()[s.player];
  const std::string expected = "{\"player_id\": \"" + hex(p.id.data(), 16) + "\", \"country\": \"" +
                               std::string(model_.country_of(p)) +
                               "\", \"event\": \"start\", \"session_id\": \"" + dashed(s.id) +
                               "\", \"ts\": \"" +
                               util::format_iso8601(s.start * util::kMicrosPerSecond) + "\"}\n";
  EXPECT_EQ(format({0, EventType::kStart, LineDefect::kNone, 0, 0, 0}), expected);
}

TEST_F(LineFormatterTest, EndLineHasNoCountry) {
  const Session& s = model_.sessions()[0];
  const Player& p = model_.players()[s.player];
  const std::string expected = "{\"player_id\": \"" + hex(p.id.data(), 16) +
                               "\", \"event\": \"end\", \"session_id\": \"" + dashed(s.id) +
                               "\", \"ts\": \"" +
                               util::format_iso8601(s.end * util::kMicrosPerSecond) + "\"}\n";
  EXPECT_EQ(format({0, EventType::kEnd, LineDefect::kNone, 0, 0, 0}), expected);
}

TEST_F(LineFormatterTest, DuplicateIsAnExactCopy) {
  EXPECT_EQ(format({5, EventType::kStart, LineDefect::kDuplicate, 0, 0, 77}),
            format({5, EventType::kStart, LineDefect::kNone, 0, 0, 0}));
}

TEST_F(LineFormatterTest, AppendLinesEqualsAppendOneByOne) {
  std::vector<PlannedLine> lines;
  const LineDefect kinds[] = {LineDefect::kNone,         LineDefect::kDuplicate,
                              LineDefect::kMissingField, LineDefect::kWrongType,
                              LineDefect::kUnknownEvent, LineDefect::kBadTimestamp,
                              LineDefect::kNotJson};
  for (uint32_t i = 0; i < 700; ++i) {
    lines.push_back(
        {i, i % 3 == 0 ? EventType::kEnd : EventType::kStart, kinds[i % 7], 0, 0, i * 2654435761u});
  }
  std::string one_by_one;
  for (const PlannedLine& l : lines) formatter_.append(l, one_by_one);
  std::string batch = "prefix";
  formatter_.append_lines(lines, batch);
  EXPECT_EQ(batch, "prefix" + one_by_one);
}

TEST_F(LineFormatterTest, CleanLinesAreAccepted) {
  std::string text;
  for (uint32_t i = 0; i < 50; ++i) {
    formatter_.append({i, EventType::kStart, LineDefect::kNone, 0, 0, 0}, text);
    formatter_.append({i, EventType::kEnd, LineDefect::kNone, 0, 0, 0}, text);
  }
  const auto [reasons, rows] = decode(text);
  EXPECT_TRUE(reasons.empty());
  EXPECT_EQ(rows, 100u);
}

struct DefectCase {
  LineDefect defect;
  json::RejectReason reason;
};

class DefectReasonTest : public LineFormatterTest,
                         public ::testing::WithParamInterface<DefectCase> {};

// Every variant (the formatter uses the low bits to choose field and form,
// higher bits for cut positions) on start and end lines.
TEST_P(DefectReasonTest, EveryVariantHasExactlyItsReason) {
  const DefectCase c = GetParam();
  for (uint32_t v = 0; v < 256; ++v) {
    for (const EventType e : {EventType::kStart, EventType::kEnd}) {
      const uint32_t variant = v * 0x9e3779b1u + v;
      const std::string text = format({v % 300, e, c.defect, 0, 0, variant});
      const auto [reasons, rows] = decode(text);
      ASSERT_EQ(rows, 0u) << text;
      ASSERT_EQ(reasons.size(), 1u) << text;
      EXPECT_EQ(json::reject_reason_name(reasons[0]), json::reject_reason_name(c.reason)) << text;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllDefects, DefectReasonTest,
    ::testing::Values(DefectCase{LineDefect::kMissingField, json::RejectReason::kMissingField},
                      DefectCase{LineDefect::kWrongType, json::RejectReason::kWrongType},
                      DefectCase{LineDefect::kUnknownEvent, json::RejectReason::kUnknownEvent},
                      DefectCase{LineDefect::kBadTimestamp, json::RejectReason::kBadTimestamp},
                      DefectCase{LineDefect::kNotJson, json::RejectReason::kNotJson},
                      DefectCase{LineDefect::kTruncated, json::RejectReason::kTruncated}),
    [](const ::testing::TestParamInfo<DefectCase>& info) {
      return std::string(json::reject_reason_name(info.param.reason));
    });

TEST_F(LineFormatterTest, TruncatedIsAProperPrefixWithoutNewline) {
  const std::string clean = format({3, EventType::kStart, LineDefect::kNone, 0, 0, 0});
  for (uint32_t v = 0; v < 400; ++v) {
    const std::string cut = format({3, EventType::kStart, LineDefect::kTruncated, 0, 0, v});
    ASSERT_FALSE(cut.empty());
    ASSERT_LT(cut.size(), clean.size() - 1);
    EXPECT_EQ(clean.compare(0, cut.size(), cut), 0);
    EXPECT_EQ(cut.find('\n'), std::string::npos);
  }
}

// A cut-off object in the middle of a file is not_json, not truncated.
TEST_F(LineFormatterTest, CutOffObjectBeforeTheLastLineIsNotJson) {
  const std::string cut = format({3, EventType::kStart, LineDefect::kTruncated, 0, 0, 17});
  const std::string text = cut + "\n" + format({4, EventType::kEnd, LineDefect::kNone, 0, 0, 0});
  const auto [reasons, rows] = decode(text);
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0], json::RejectReason::kNotJson);
  EXPECT_EQ(rows, 1u);
}

}  // namespace
}  // namespace medallion::gen
