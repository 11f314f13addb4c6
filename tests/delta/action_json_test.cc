// The JSON form of log actions: every commit of every golden table parses and
// round-trips, known values come out right, Spark's key order is kept, and
// bad lines give a corruption Status naming the file and line.
#include "delta/action_json.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "golden_testdata.h"

namespace medallion::delta {
namespace {

namespace fs = std::filesystem;

const fs::path kGolden = testing::golden_dir();
using testing::read_text;

// Commit files and JSON V2 checkpoints of every golden table.
std::vector<fs::path> golden_log_json_files() {
  static const std::regex kName(R"(\d{20}(\.checkpoint\.[0-9a-f-]+)?\.json)");
  std::vector<fs::path> out;
  for (const auto& table : fs::directory_iterator(kGolden)) {
    const fs::path log = table.path() / "_delta_log";
    if (!fs::is_directory(log)) continue;
    for (const auto& f : fs::directory_iterator(log)) {
      if (std::regex_match(f.path().filename().string(), kName)) out.push_back(f.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<Action> parse_ok(std::string_view text, std::string_view source = "test.json") {
  auto r = parse_actions(text, source);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  if (!r.is_ok()) return {};
  return std::move(r).value();
}

std::vector<Action> golden(std::string_view table, int version) {
  char name[32];
  std::snprintf(name, sizeof(name), "%020d.json", version);
  const fs::path p = kGolden / table / "_delta_log" / name;
  return parse_ok(read_text(p), p.string());
}

template <typename T>
std::vector<T> only(const std::vector<Action>& actions) {
  std::vector<T> out;
  for (const Action& a : actions) {
    if (const T* t = std::get_if<T>(&a)) out.push_back(*t);
  }
  return out;
}

// The corruption message of parsing `text`; fails the test if it parses.
std::string corruption_of(std::string_view text, std::string_view source = "_delta_log/x.json") {
  auto r = parse_actions(text, source);
  EXPECT_FALSE(r.is_ok()) << "parsed: " << text;
  if (r.is_ok()) return {};
  EXPECT_EQ(r.status().code(), util::StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find(source), std::string::npos) << r.status().message();
  return r.status().message();
}

bool contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

constexpr std::string_view kAdd =
    R"({"add":{"path":"a.parquet","partitionValues":{},"size":1,"modificationTime":2,"dataChange":true}})";

// ---------------------------------------------------------------- golden tables

TEST(ActionJsonGolden, EveryCommitFileParses) {
  const auto files = golden_log_json_files();
  ASSERT_GT(files.size(), 100u);
  size_t actions = 0;
  for (const auto& f : files) {
    auto r = parse_actions(read_text(f), f.string());
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_FALSE(r->empty()) << f;
    actions += r->size();
  }
  EXPECT_GT(actions, 300u);
}

TEST(ActionJsonGolden, EveryCommitRoundTrips) {
  for (const auto& f : golden_log_json_files()) {
    const auto first = parse_ok(read_text(f), f.string());
    const std::string written = serialize_actions(first);
    const auto second = parse_ok(written, "rewritten");
    EXPECT_EQ(first, second) << f;
    EXPECT_EQ(serialize_actions(second), written) << f;
  }
}

// Whether an action holds a map of two or more entries: Spark writes those in
// insertion order, medallion in key order, so only the parsed values match.
bool has_multi_entry_map(const Action& a) {
  if (const auto* add = std::get_if<AddFile>(&a)) {
    return add->partition_values.size() > 1 || add->tags.size() > 1;
  }
  if (const auto* r = std::get_if<RemoveFile>(&a)) {
    return (r->partition_values && r->partition_values->size() > 1) || r->tags.size() > 1;
  }
  if (const auto* c = std::get_if<AddCdcFile>(&a)) {
    return c->partition_values.size() > 1 || c->tags.size() > 1;
  }
  if (const auto* m = std::get_if<Metadata>(&a)) {
    return m->configuration.size() > 1 || m->format.options.size() > 1;
  }
  return false;
}

// Lines Spark wrote come back byte for byte: same key order, same escaping,
// commitInfo verbatim. The exceptions: the file written by hand to carry
// unknown fields and a shuffled key order, and maps of several entries.
TEST(ActionJsonGolden, SparkLinesAreReproducedExactly) {
  size_t compared = 0;
  for (const auto& f : golden_log_json_files()) {
    if (f.string().find("transaction_log_schema_evolvability") != std::string::npos &&
        f.filename() == "00000000000000000005.json") {
      continue;
    }
    std::istringstream lines(read_text(f));
    std::string line;
    while (std::getline(lines, line)) {
      const auto actions = parse_ok(line, f.string());
      if (actions.empty()) continue;  // an unknown action
      ASSERT_EQ(actions.size(), 1u);
      if (has_multi_entry_map(actions[0])) continue;
      std::string out;
      append_action_json(out, actions[0]);
      EXPECT_EQ(out, line) << f;
      ++compared;
    }
  }
  EXPECT_GT(compared, 300u);
}

TEST(ActionJsonGolden, SnapshotData2DeletedVersion0) {
  const auto actions = golden("snapshot-data2-deleted", 0);
  ASSERT_EQ(actions.size(), 5u);
  const auto info = only<CommitInfo>(actions);
  ASSERT_EQ(info.size(), 1u);
  EXPECT_EQ(info[0].timestamp, 1603723967632);
  EXPECT_EQ(info[0].operation, "WRITE");
  EXPECT_EQ(info[0].in_commit_timestamp, std::nullopt);
  EXPECT_EQ(info[0].json.front(), '{');
  EXPECT_EQ(info[0].json.back(), '}');
  EXPECT_TRUE(contains(info[0].json, R"("isBlindAppend":true)"));

  const auto protocol = only<Protocol>(actions);
  ASSERT_EQ(protocol.size(), 1u);
  EXPECT_EQ(protocol[0].min_reader_version, 1);
  EXPECT_EQ(protocol[0].min_writer_version, 2);
  EXPECT_FALSE(protocol[0].reader_features.has_value());

  const auto metadata = only<Metadata>(actions);
  ASSERT_EQ(metadata.size(), 1u);
  EXPECT_EQ(metadata[0].id, "93351cf1-c931-4326-88f0-d10e29e71b21");
  EXPECT_EQ(metadata[0].created_time, 1603723967515);
  EXPECT_EQ(metadata[0].format.provider, "parquet");
  EXPECT_TRUE(metadata[0].partition_columns.empty());
  // schemaString is unescaped JSON text holding two fields.
  simdjson::dom::parser parser;
  simdjson::dom::element schema;
  ASSERT_EQ(parser.parse(metadata[0].schema_string).get(schema), simdjson::SUCCESS);
  simdjson::dom::array fields;
  ASSERT_EQ(schema["fields"].get_array().get(fields), simdjson::SUCCESS);
  EXPECT_EQ(fields.size(), 2u);

  const auto adds = only<AddFile>(actions);
  ASSERT_EQ(adds.size(), 2u);
  EXPECT_EQ(adds[0].path, "part-00000-0441e99a-c421-400e-83a1-212aa6c84c73-c000.snappy.parquet");
  EXPECT_EQ(adds[0].size, 650);
  EXPECT_EQ(adds[0].modification_time, 1603723967000);
  EXPECT_TRUE(adds[0].data_change);
  EXPECT_FALSE(adds[0].stats.has_value());
}

TEST(ActionJsonGolden, V2CheckpointJsonHasCheckpointMetadataAndSidecars) {
  const fs::path p = kGolden / "v2-checkpoint-json" / "_delta_log" /
                     "00000000000000000002.checkpoint.6374b053-df23-479b-b2cf-c9c550132b49.json";
  const auto actions = parse_ok(read_text(p), p.string());
  ASSERT_EQ(actions.size(), 5u);
  const auto header = only<CheckpointMetadata>(actions);
  ASSERT_EQ(header.size(), 1u);
  EXPECT_EQ(header[0].version, 2);
  const auto sidecars = only<Sidecar>(actions);
  ASSERT_EQ(sidecars.size(), 2u);
  EXPECT_EQ(sidecars[0].path,
            "00000000000000000002.checkpoint.0000000001.0000000002."
            "bd1885fd-6ec0-4370-b0f5-43b5162fd4de.parquet");
  EXPECT_EQ(sidecars[0].size_in_bytes, 9367);
  EXPECT_EQ(sidecars[0].modification_time, 1714496115780);
  EXPECT_EQ(sidecars[1].size_in_bytes, 9296);
  const auto protocol = only<Protocol>(actions);
  ASSERT_EQ(protocol.size(), 1u);
  EXPECT_EQ(protocol[0].reader_features, std::vector<std::string>{"v2Checkpoint"});
  EXPECT_EQ(protocol[0].writer_features,
            (std::vector<std::string>{"v2Checkpoint", "appendOnly", "invariants"}));
  const auto metadata = only<Metadata>(actions);
  ASSERT_EQ(metadata.size(), 1u);
  EXPECT_EQ(metadata[0].configuration.at("delta.checkpointPolicy"), "v2");
}

TEST(ActionJsonGolden, DeltaLogGetChangesTxnAndCdc) {
  const auto v1 = golden("deltalog-getChanges", 1);
  const auto cdc = only<AddCdcFile>(v1);
  ASSERT_EQ(cdc.size(), 1u);
  EXPECT_EQ(cdc[0].path, "fake/path/2");
  EXPECT_EQ(cdc[0].partition_values, (PartitionValues{{"partition_foo", "partition_bar"}}));
  EXPECT_EQ(cdc[0].size, 1);
  EXPECT_EQ(cdc[0].tags, (std::map<std::string, std::string>{{"tag_foo", "tag_bar"}}));
  EXPECT_FALSE(cdc[0].data_change);
  const auto removes = only<RemoveFile>(v1);
  ASSERT_EQ(removes.size(), 1u);
  EXPECT_EQ(removes[0].path, "fake/path/1");
  EXPECT_EQ(removes[0].deletion_timestamp, 100);
  EXPECT_FALSE(removes[0].extended_file_metadata.has_value());
  EXPECT_FALSE(removes[0].partition_values.has_value());
  EXPECT_FALSE(removes[0].size.has_value());

  const auto txn = only<Txn>(golden("deltalog-getChanges", 2));
  ASSERT_EQ(txn.size(), 1u);
  EXPECT_EQ(txn[0].app_id, "fakeAppId");
  EXPECT_EQ(txn[0].version, 3);
  EXPECT_EQ(txn[0].last_updated, 200);

  // Metadata without createdTime.
  const auto metadata = only<Metadata>(golden("deltalog-getChanges", 0));
  ASSERT_EQ(metadata.size(), 1u);
  EXPECT_EQ(metadata[0].id, "testId");
  EXPECT_FALSE(metadata[0].created_time.has_value());
}

TEST(ActionJsonGolden, TxnWithoutLastUpdated) {
  const auto txn = only<Txn>(golden("delta-0.1.0", 2));
  ASSERT_EQ(txn.size(), 1u);
  EXPECT_EQ(txn[0].app_id, "txnId");
  EXPECT_EQ(txn[0].version, 0);
  EXPECT_FALSE(txn[0].last_updated.has_value());
}

TEST(ActionJsonGolden, EscapedCharsAddPathsStayEncoded) {
  const auto adds = only<AddFile>(golden("data-reader-escaped-chars", 0));
  ASSERT_EQ(adds.size(), 1u);
  EXPECT_EQ(adds[0].path,
            "_2=bar+%252521/part-00000-af08f887-922f-4c31-82a7-8e142c4280a6.c000.snappy.parquet");
  EXPECT_EQ(adds[0].partition_values, (PartitionValues{{"_2", "bar+%21"}}));
}

TEST(ActionJsonGolden, BasicDvNoCheckpointAddHasDeletionVector) {
  const auto v1 = golden("basic-dv-no-checkpoint", 1);
  const auto adds = only<AddFile>(v1);
  ASSERT_EQ(adds.size(), 1u);
  ASSERT_TRUE(adds[0].deletion_vector.has_value());
  const DeletionVectorDescriptor& dv = *adds[0].deletion_vector;
  EXPECT_EQ(dv.storage_type, 'u');
  EXPECT_EQ(dv.path_or_inline_dv, "IjB3V2d3#qUP%s94R0WF");
  EXPECT_EQ(dv.offset, 1);
  EXPECT_EQ(dv.size_in_bytes, 36);
  EXPECT_EQ(dv.cardinality, 2);
  EXPECT_EQ(dv.unique_id(), "uIjB3V2d3#qUP%s94R0WF@1");
  ASSERT_TRUE(adds[0].stats.has_value());
  EXPECT_EQ(*adds[0].stats,
            R"({"numRecords":5,"minValues":{"id":0},"maxValues":{"id":4},"nullCount":{"id":0},"tightBounds":false})");
  const auto removes = only<RemoveFile>(v1);
  ASSERT_EQ(removes.size(), 1u);
  EXPECT_FALSE(removes[0].deletion_vector.has_value());
  EXPECT_EQ(removes[0].extended_file_metadata, true);
  EXPECT_EQ(removes[0].size, 500);
  EXPECT_EQ(removes[0].partition_values, PartitionValues{});
}

TEST(ActionJsonGolden, NullPartitionValuesAreNullopt) {
  const auto adds = only<AddFile>(golden("data-reader-partition-values", 0));
  ASSERT_FALSE(adds.empty());
  size_t nulls = 0;
  for (const auto& a : adds) {
    for (const auto& [k, v] : a.partition_values) nulls += v.has_value() ? 0 : 1;
  }
  EXPECT_EQ(nulls, 12u);
}

TEST(ActionJsonGolden, EmptyFeatureListsArePresent) {
  const auto protocol = only<Protocol>(golden("log-replay-latest-metadata-protocol", 2));
  bool found = false;
  for (const auto& p : protocol) {
    if (p.min_reader_version == 3) {
      found = true;
      ASSERT_TRUE(p.reader_features.has_value());
      EXPECT_TRUE(p.reader_features->empty());
      ASSERT_TRUE(p.writer_features.has_value());
    }
  }
  // The upgrade to 3/7 is in one of the table's commits.
  if (!found) {
    for (int v = 0; v <= 1 && !found; ++v) {
      for (const auto& p : only<Protocol>(golden("log-replay-latest-metadata-protocol", v))) {
        if (p.min_reader_version == 3) {
          found = true;
          ASSERT_TRUE(p.reader_features.has_value());
          EXPECT_TRUE(p.reader_features->empty());
        }
      }
    }
  }
  EXPECT_TRUE(found);
}

TEST(ActionJsonGolden, UnknownActionIsIgnored) {
  const auto actions = golden("transaction_log_schema_evolvability", 4);
  EXPECT_EQ(actions.size(), 2u);
  EXPECT_EQ(only<RemoveFile>(actions).size(), 2u);
}

TEST(ActionJsonGolden, UnknownKeysBesideAnActionAreIgnored) {
  const auto actions = golden("transaction_log_schema_evolvability", 5);
  ASSERT_EQ(actions.size(), 3u);
  const auto adds = only<AddFile>(actions);
  ASSERT_EQ(adds.size(), 2u);
  EXPECT_EQ(adds[0].path, "part-00000-9f483b95-3ea3-44f0-b54d-73199574be15-c000.snappy.parquet");
  EXPECT_EQ(adds[0].size, 793);
  EXPECT_EQ(only<CommitInfo>(actions).at(0).operation, "WRITE");
}

// ---------------------------------------------------------------- reading rules

TEST(ActionJsonParse, EmptyInputHasNoActions) {
  EXPECT_TRUE(parse_ok("").empty());
  EXPECT_TRUE(parse_ok("\n\n").empty());
}

TEST(ActionJsonParse, BlankLinesAreSkippedButCounted) {
  const std::string text = "\n  \n" + std::string(kAdd) + "\n\t\n" + "{\"add\":1}\n";
  const auto actions = parse_actions(std::string(kAdd) + "\n\n" + std::string(kAdd), "s");
  ASSERT_TRUE(actions.is_ok());
  EXPECT_EQ(actions->size(), 2u);
  EXPECT_TRUE(contains(corruption_of(text, "f.json"), "f.json line 5"));
}

TEST(ActionJsonParse, CrLfLineEndsAreTolerated) {
  const std::string text = std::string(kAdd) + "\r\n" + std::string(kAdd) + "\r\n";
  EXPECT_EQ(parse_ok(text).size(), 2u);
}

TEST(ActionJsonParse, LastLineWithoutNewlineParses) {
  EXPECT_EQ(parse_ok(kAdd).size(), 1u);
}

TEST(ActionJsonParse, NullActionValueCountsAsAbsent) {
  const auto actions = parse_ok(R"({"remove":null,"txn":{"appId":"a","version":1}})");
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<Txn>(actions[0]));
}

TEST(ActionJsonParse, LineWithOnlyUnknownKeysYieldsNothing) {
  EXPECT_TRUE(parse_ok(R"({"futureAction":{"x":1}})").empty());
  EXPECT_TRUE(parse_ok("{}").empty());
}

TEST(ActionJsonParse, UnknownFieldsInsideAnActionAreIgnored) {
  const auto actions = parse_ok(
      R"({"txn":{"appId":"a","version":1,"future":{"deep":[1,2,{"x":null}]},"more":"y"}})");
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(std::get<Txn>(actions[0]).app_id, "a");
}

TEST(ActionJsonParse, OptionalFieldNullCountsAsAbsent) {
  const auto actions = parse_ok(
      R"({"add":{"path":"a","partitionValues":{},"size":1,"modificationTime":2,"dataChange":false,)"
      R"("stats":null,"tags":null,"deletionVector":null,"baseRowId":null}})");
  ASSERT_EQ(actions.size(), 1u);
  const auto& a = std::get<AddFile>(actions[0]);
  EXPECT_FALSE(a.stats.has_value());
  EXPECT_FALSE(a.deletion_vector.has_value());
  EXPECT_FALSE(a.base_row_id.has_value());
  EXPECT_FALSE(a.data_change);
}

TEST(ActionJsonParse, TagNullValuesAreSkipped) {
  const auto actions = parse_ok(
      R"({"cdc":{"path":"c","partitionValues":{"p":null},"size":0,"tags":{"a":"1","b":null}}})");
  ASSERT_EQ(actions.size(), 1u);
  const auto& c = std::get<AddCdcFile>(actions[0]);
  EXPECT_EQ(c.tags, (std::map<std::string, std::string>{{"a", "1"}}));
  EXPECT_EQ(c.partition_values, (PartitionValues{{"p", std::nullopt}}));
  EXPECT_FALSE(c.data_change);  // defaulted
}

TEST(ActionJsonParse, MetadataDefaults) {
  const auto actions = parse_ok(R"({"metaData":{"id":"i","schemaString":"{}"}})");
  ASSERT_EQ(actions.size(), 1u);
  const auto& m = std::get<Metadata>(actions[0]);
  EXPECT_EQ(m.format.provider, "parquet");
  EXPECT_TRUE(m.partition_columns.empty());
  EXPECT_TRUE(m.configuration.empty());
}

TEST(ActionJsonParse, EscapedStringsAreUnescaped) {
  const auto actions = parse_ok(
      R"({"add":{"path":"a\"b\\c\u00e9\n","partitionValues":{"k\u0041":"v\t"},"size":1,)"
      R"("modificationTime":2,"dataChange":true}})");
  ASSERT_EQ(actions.size(), 1u);
  const auto& a = std::get<AddFile>(actions[0]);
  EXPECT_EQ(a.path, "a\"b\\c\xc3\xa9\n");
  EXPECT_EQ(a.partition_values, (PartitionValues{{"kA", "v\t"}}));
}

TEST(ActionJsonParse, CommitInfoKeepsItsBytesVerbatim) {
  const std::string info = R"({"timestamp": 12, "inCommitTimestamp":13,"operation":"WRITE","x":[1.50,{"y":null}]})";
  const auto actions = parse_ok("{\"commitInfo\":" + info + "  ,\"zzz\":1}\n");
  ASSERT_EQ(actions.size(), 1u);
  const auto& c = std::get<CommitInfo>(actions[0]);
  EXPECT_EQ(c.json, info);
  EXPECT_EQ(c.timestamp, 12);
  EXPECT_EQ(c.in_commit_timestamp, 13);
  EXPECT_EQ(c.operation, "WRITE");
}

TEST(ActionJsonParse, CommitInfoAfterAnUnknownKey) {
  const auto actions = parse_ok(R"({"future":{"commitInfo":{"a":1}},"commitInfo":{"b":2}})");
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(std::get<CommitInfo>(actions[0]).json, R"({"b":2})");
}

TEST(ActionJsonParse, DeletionVectorWithoutOffset) {
  const auto actions = parse_ok(
      R"({"remove":{"path":"p","dataChange":true,"deletionVector":{"storageType":"i",)"
      R"("pathOrInlineDv":"wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L","sizeInBytes":40,"cardinality":6,"maxRowIndex":9}}})");
  ASSERT_EQ(actions.size(), 1u);
  const auto& dv = std::get<RemoveFile>(actions[0]).deletion_vector;
  ASSERT_TRUE(dv.has_value());
  EXPECT_EQ(dv->storage_type, 'i');
  EXPECT_FALSE(dv->offset.has_value());
  EXPECT_EQ(dv->unique_id(), "iwi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L");
}

TEST(ActionJsonParse, DomainMetadataAndCheckpointMetadataTags) {
  const auto actions = parse_ok(
      "{\"domainMetadata\":{\"domain\":\"delta.clustering\",\"configuration\":\"{\\\"c\\\":1}\","
      "\"removed\":false}}\n"
      "{\"checkpointMetadata\":{\"version\":7,\"tags\":{\"k\":\"v\"}}}\n");
  ASSERT_EQ(actions.size(), 2u);
  const auto& d = std::get<DomainMetadata>(actions[0]);
  EXPECT_EQ(d.domain, "delta.clustering");
  EXPECT_EQ(d.configuration, R"({"c":1})");
  EXPECT_FALSE(d.removed);
  const auto& c = std::get<CheckpointMetadata>(actions[1]);
  EXPECT_EQ(c.version, 7);
  EXPECT_EQ(c.tags.at("k"), "v");
}

// ---------------------------------------------------------------- bad input

TEST(ActionJsonBadInput, NotJson) {
  const std::string m = corruption_of("this is not json\n");
  EXPECT_TRUE(contains(m, "line 1"));
  EXPECT_TRUE(contains(m, "not valid JSON"));
}

TEST(ActionJsonBadInput, LineIsAnArray) {
  EXPECT_TRUE(contains(corruption_of("[1,2]\n"), "is an array, expected an object"));
}

TEST(ActionJsonBadInput, LineIsAString) {
  EXPECT_TRUE(contains(corruption_of("\"add\"\n"), "is a string"));
}

TEST(ActionJsonBadInput, TwoActionsOnOneLine) {
  const std::string m = corruption_of(
      R"({"txn":{"appId":"a","version":1},"remove":{"path":"p","dataChange":true}})");
  EXPECT_TRUE(contains(m, "two actions"));
  EXPECT_TRUE(contains(m, "\"txn\" and \"remove\""));
}

TEST(ActionJsonBadInput, SameActionKeyTwice) {
  EXPECT_TRUE(contains(
      corruption_of(R"({"txn":{"appId":"a","version":1},"txn":{"appId":"b","version":2}})"),
      "two actions"));
}

TEST(ActionJsonBadInput, ActionValueIsNotAnObject) {
  EXPECT_TRUE(contains(corruption_of(R"({"add":[1]})"), "\"add\" is an array, expected an object"));
}

TEST(ActionJsonBadInput, TruncatedLastLine) {
  const std::string text = std::string(kAdd) + "\n" + std::string(kAdd).substr(0, 40);
  const std::string m = corruption_of(text, "_delta_log/00000000000000000003.json");
  EXPECT_TRUE(contains(m, "_delta_log/00000000000000000003.json line 2"));
  EXPECT_TRUE(contains(m, "truncated"));
}

TEST(ActionJsonBadInput, TrailingGarbageAfterObject) {
  corruption_of(std::string(kAdd) + " x\n");
}

TEST(ActionJsonBadInput, InvalidUtf8) {
  corruption_of("{\"txn\":{\"appId\":\"\xff\xfe\",\"version\":1}}\n");
}

TEST(ActionJsonBadInput, DeepNestingIsAnErrorNotACrash) {
  std::string deep = "{\"future\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  corruption_of(deep);
}

TEST(ActionJsonBadInput, AddWithoutPath) {
  const std::string m = corruption_of(
      R"({"add":{"partitionValues":{},"size":1,"modificationTime":2,"dataChange":true}})",
      "_delta_log/00000000000000000007.json");
  EXPECT_TRUE(contains(m, "\"add\""));
  EXPECT_TRUE(contains(m, "\"path\" is missing"));
  EXPECT_TRUE(contains(m, "_delta_log/00000000000000000007.json line 1"));
}

TEST(ActionJsonBadInput, AddWithoutSize) {
  EXPECT_TRUE(contains(
      corruption_of(R"({"add":{"path":"p","partitionValues":{},"modificationTime":2,"dataChange":true}})"),
      "\"size\" is missing"));
}

TEST(ActionJsonBadInput, AddWithoutModificationTime) {
  EXPECT_TRUE(contains(
      corruption_of(R"({"add":{"path":"p","partitionValues":{},"size":2,"dataChange":true}})"),
      "\"modificationTime\" is missing"));
}

TEST(ActionJsonBadInput, AddWithoutPartitionValues) {
  EXPECT_TRUE(contains(
      corruption_of(R"({"add":{"path":"p","size":1,"modificationTime":2,"dataChange":true}})"),
      "\"partitionValues\" is missing"));
}

TEST(ActionJsonBadInput, AddWithNullPath) {
  EXPECT_TRUE(contains(
      corruption_of(
          R"({"add":{"path":null,"partitionValues":{},"size":1,"modificationTime":2,"dataChange":true}})"),
      "\"path\" is missing"));
}

TEST(ActionJsonBadInput, AddSizeIsAString) {
  EXPECT_TRUE(contains(
      corruption_of(
          R"({"add":{"path":"p","partitionValues":{},"size":"1","modificationTime":2,"dataChange":true}})"),
      "\"size\" is a string, expected an integer"));
}

TEST(ActionJsonBadInput, AddSizeIsAFraction) {
  EXPECT_TRUE(contains(
      corruption_of(
          R"({"add":{"path":"p","partitionValues":{},"size":1.5,"modificationTime":2,"dataChange":true}})"),
      "non-integer number"));
}

TEST(ActionJsonBadInput, AddSizeIsNegative) {
  EXPECT_TRUE(contains(
      corruption_of(
          R"({"add":{"path":"p","partitionValues":{},"size":-1,"modificationTime":2,"dataChange":true}})"),
      "\"size\" is -1"));
}

TEST(ActionJsonBadInput, AddSizeBeyondInt64) {
  EXPECT_TRUE(contains(
      corruption_of(
          R"({"add":{"path":"p","partitionValues":{},"size":18446744073709551615,"modificationTime":2,"dataChange":true}})"),
      "does not fit"));
}

TEST(ActionJsonBadInput, AddDataChangeIsANumber) {
  EXPECT_TRUE(contains(
      corruption_of(
          R"({"add":{"path":"p","partitionValues":{},"size":1,"modificationTime":2,"dataChange":1}})"),
      "\"dataChange\" is an integer, expected a boolean"));
}

TEST(ActionJsonBadInput, PartitionValueIsANumber) {
  EXPECT_TRUE(contains(
      corruption_of(
          R"({"add":{"path":"p","partitionValues":{"d":5},"size":1,"modificationTime":2,"dataChange":true}})"),
      "\"partitionValues.d\" is an integer"));
}

TEST(ActionJsonBadInput, TagValueIsAnObject) {
  EXPECT_TRUE(contains(
      corruption_of(
          R"({"add":{"path":"p","partitionValues":{},"size":1,"modificationTime":2,"dataChange":true,"tags":{"t":{}}}})"),
      "\"tags.t\" is an object"));
}

TEST(ActionJsonBadInput, StatsIsAnObject) {
  EXPECT_TRUE(contains(
      corruption_of(
          R"({"add":{"path":"p","partitionValues":{},"size":1,"modificationTime":2,"dataChange":true,"stats":{"numRecords":1}}})"),
      "\"stats\" is an object, expected a string"));
}

TEST(ActionJsonBadInput, DeletionVectorStorageTypeTooLong) {
  EXPECT_TRUE(contains(
      corruption_of(
          R"({"remove":{"path":"p","dataChange":true,"deletionVector":{"storageType":"uu","pathOrInlineDv":"x","sizeInBytes":1,"cardinality":1}}})"),
      "\"deletionVector.storageType\""));
}

TEST(ActionJsonBadInput, DeletionVectorOffsetBeyondInt32) {
  EXPECT_TRUE(contains(
      corruption_of(
          R"({"remove":{"path":"p","dataChange":true,"deletionVector":{"storageType":"u","pathOrInlineDv":"x","offset":2147483648,"sizeInBytes":1,"cardinality":1}}})"),
      "\"deletionVector.offset\" is 2147483648, which does not fit a 32-bit integer"));
}

TEST(ActionJsonBadInput, DeletionVectorWithoutCardinality) {
  EXPECT_TRUE(contains(
      corruption_of(
          R"({"remove":{"path":"p","dataChange":true,"deletionVector":{"storageType":"u","pathOrInlineDv":"x","sizeInBytes":1}}})"),
      "\"deletionVector.cardinality\" is missing"));
}

TEST(ActionJsonBadInput, RemoveWithoutDataChange) {
  EXPECT_TRUE(contains(corruption_of(R"({"remove":{"path":"p"}})"), "\"dataChange\" is missing"));
}

TEST(ActionJsonBadInput, ProtocolWithoutMinReaderVersion) {
  const std::string m = corruption_of(R"({"protocol":{"minWriterVersion":2}})");
  EXPECT_TRUE(contains(m, "\"protocol\""));
  EXPECT_TRUE(contains(m, "\"minReaderVersion\" is missing"));
}

TEST(ActionJsonBadInput, ProtocolVersionBeyondInt32) {
  EXPECT_TRUE(contains(corruption_of(R"({"protocol":{"minReaderVersion":4294967297,"minWriterVersion":2}})"),
                       "32-bit"));
}

TEST(ActionJsonBadInput, ProtocolFeatureIsNotAString) {
  EXPECT_TRUE(contains(
      corruption_of(R"({"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":[1]}})"),
      "\"readerFeatures\" holds an integer"));
}

TEST(ActionJsonBadInput, MetadataWithoutId) {
  const std::string m = corruption_of(R"({"metaData":{"schemaString":"{}"}})");
  EXPECT_TRUE(contains(m, "\"metaData\""));
  EXPECT_TRUE(contains(m, "\"id\" is missing"));
}

TEST(ActionJsonBadInput, MetadataWithoutSchemaString) {
  EXPECT_TRUE(contains(corruption_of(R"({"metaData":{"id":"x"}})"), "\"schemaString\" is missing"));
}

TEST(ActionJsonBadInput, MetadataPartitionColumnsIsAString) {
  EXPECT_TRUE(contains(
      corruption_of(R"({"metaData":{"id":"x","schemaString":"{}","partitionColumns":"a"}})"),
      "\"partitionColumns\" is a string, expected an array"));
}

TEST(ActionJsonBadInput, MetadataConfigurationValueIsANumber) {
  EXPECT_TRUE(contains(
      corruption_of(R"({"metaData":{"id":"x","schemaString":"{}","configuration":{"k":1}}})"),
      "\"configuration.k\""));
}

TEST(ActionJsonBadInput, MetadataFormatOptionsValueIsABoolean) {
  EXPECT_TRUE(contains(
      corruption_of(R"({"metaData":{"id":"x","schemaString":"{}","format":{"provider":"parquet","options":{"k":true}}}})"),
      "\"format.options.k\""));
}

TEST(ActionJsonBadInput, TxnWithoutVersion) {
  EXPECT_TRUE(contains(corruption_of(R"({"txn":{"appId":"a"}})"), "\"version\" is missing"));
}

TEST(ActionJsonBadInput, CommitInfoTimestampIsAString) {
  EXPECT_TRUE(contains(corruption_of(R"({"commitInfo":{"timestamp":"2024-01-01"}})"),
                       "\"timestamp\" is a string"));
}

TEST(ActionJsonBadInput, CommitInfoIsAnArray) {
  corruption_of(R"({"commitInfo":[]})");
}

TEST(ActionJsonBadInput, SidecarWithoutSize) {
  EXPECT_TRUE(contains(corruption_of(R"({"sidecar":{"path":"s","modificationTime":1}})"),
                       "\"sizeInBytes\" is missing"));
}

TEST(ActionJsonBadInput, DomainMetadataWithoutRemoved) {
  EXPECT_TRUE(contains(corruption_of(R"({"domainMetadata":{"domain":"d","configuration":""}})"),
                       "\"removed\" is missing"));
}

TEST(ActionJsonBadInput, ErrorNamesTheRightLine) {
  const std::string text = std::string(kAdd) + "\n" + std::string(kAdd) + "\n" +
                           R"({"txn":{"appId":5,"version":1}})" + "\n" + std::string(kAdd) + "\n";
  const std::string m = corruption_of(text, "t/_delta_log/00000000000000000009.json");
  EXPECT_TRUE(contains(m, "t/_delta_log/00000000000000000009.json line 3")) << m;
  EXPECT_TRUE(contains(m, "\"appId\" is an integer, expected a string")) << m;
}

// Every prefix of a golden commit either parses or fails cleanly.
TEST(ActionJsonBadInput, EveryTruncationFailsCleanly) {
  const std::string text = read_text(kGolden / "basic-dv-no-checkpoint" / "_delta_log" /
                                     "00000000000000000001.json");
  for (size_t n = 0; n <= text.size(); ++n) {
    auto r = parse_actions(std::string_view(text).substr(0, n), "t");
    if (!r.is_ok()) {
      EXPECT_EQ(r.status().code(), util::StatusCode::kCorruption);
    }
  }
}

// Flipping any byte of a golden commit never crashes; failures are corruption.
TEST(ActionJsonBadInput, EveryByteFlipFailsCleanly) {
  const std::string text = read_text(kGolden / "deltalog-getChanges" / "_delta_log" /
                                     "00000000000000000001.json");
  size_t failures = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    for (const char c : {'\0', '"', '}', 'x', '\n', '1', '\\'}) {
      std::string bad = text;
      bad[i] = c;
      auto r = parse_actions(bad, "t");
      if (!r.is_ok()) {
        EXPECT_EQ(r.status().code(), util::StatusCode::kCorruption);
        ++failures;
      }
    }
  }
  EXPECT_GT(failures, text.size());
}

// ---------------------------------------------------------------- writing

TEST(ActionJsonWrite, AddWithEveryFieldInSparkOrder) {
  AddFile a;
  a.path = "d=1/p.parquet";
  a.partition_values = {{"d", "1"}, {"e", std::nullopt}};
  a.size = 10;
  a.modification_time = 20;
  a.data_change = true;
  a.stats = R"({"numRecords":3})";
  a.tags = {{"INSERTION_TIME", "1"}};
  a.deletion_vector = DeletionVectorDescriptor{'u', "ab", 1, 36, 2};
  a.base_row_id = 4071;
  a.default_row_commit_version = 41;
  a.clustering_provider = "liquid";
  std::string out;
  append_action_json(out, a);
  EXPECT_EQ(out,
            R"({"add":{"path":"d=1/p.parquet","partitionValues":{"d":"1","e":null},"size":10,)"
            R"("modificationTime":20,"dataChange":true,"stats":"{\"numRecords\":3}",)"
            R"("tags":{"INSERTION_TIME":"1"},"deletionVector":{"storageType":"u",)"
            R"("pathOrInlineDv":"ab","offset":1,"sizeInBytes":36,"cardinality":2},)"
            R"("baseRowId":4071,"defaultRowCommitVersion":41,"clusteringProvider":"liquid"}})");
  EXPECT_EQ(parse_ok(out), std::vector<Action>{a});
}

TEST(ActionJsonWrite, RemoveWithEveryFieldInSparkOrder) {
  RemoveFile r;
  r.path = "p";
  r.deletion_timestamp = 5;
  r.data_change = false;
  r.extended_file_metadata = true;
  r.partition_values = PartitionValues{};
  r.size = 7;
  r.stats = "{}";
  r.tags = {{"a", "b"}};
  r.deletion_vector = DeletionVectorDescriptor{'i', "xyz", std::nullopt, 3, 1};
  r.base_row_id = 1;
  r.default_row_commit_version = 2;
  std::string out;
  append_action_json(out, r);
  EXPECT_EQ(out,
            R"({"remove":{"path":"p","deletionTimestamp":5,"dataChange":false,)"
            R"("extendedFileMetadata":true,"partitionValues":{},"size":7,"tags":{"a":"b"},)"
            R"("deletionVector":{"storageType":"i","pathOrInlineDv":"xyz","sizeInBytes":3,"cardinality":1},)"
            R"("baseRowId":1,"defaultRowCommitVersion":2,"stats":"{}"}})");
  EXPECT_EQ(parse_ok(out), std::vector<Action>{r});
}

TEST(ActionJsonWrite, MinimalRemoveOmitsAbsentFields) {
  RemoveFile r;
  r.path = "p";
  std::string out;
  append_action_json(out, r);
  EXPECT_EQ(out, R"({"remove":{"path":"p","dataChange":true}})");
}

TEST(ActionJsonWrite, MetadataWithNameAndDescription) {
  Metadata m;
  m.id = "id";
  m.name = "n";
  m.description = "d";
  m.format.options = {{"k", "v"}};
  m.schema_string = R"({"type":"struct","fields":[]})";
  m.partition_columns = {"a", "b"};
  m.configuration = {{"delta.appendOnly", "true"}};
  m.created_time = 9;
  std::string out;
  append_action_json(out, m);
  EXPECT_EQ(out,
            R"({"metaData":{"id":"id","name":"n","description":"d","format":{"provider":"parquet",)"
            R"("options":{"k":"v"}},"schemaString":"{\"type\":\"struct\",\"fields\":[]}",)"
            R"("partitionColumns":["a","b"],"configuration":{"delta.appendOnly":"true"},"createdTime":9}})");
  EXPECT_EQ(parse_ok(out), std::vector<Action>{m});
}

TEST(ActionJsonWrite, ProtocolFeaturesWrittenWhenPresentEvenIfEmpty) {
  Protocol p;
  p.min_reader_version = 3;
  p.min_writer_version = 7;
  p.reader_features = std::vector<std::string>{};
  p.writer_features = std::vector<std::string>{"appendOnly"};
  std::string out;
  append_action_json(out, p);
  EXPECT_EQ(out,
            R"({"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":[],)"
            R"("writerFeatures":["appendOnly"]}})");
}

TEST(ActionJsonWrite, CdcTxnDomainSidecarCheckpointMetadata) {
  AddCdcFile c;
  c.path = "_change_data/x";
  c.size = 3;
  Txn t{"app", 4, 5};
  DomainMetadata d{"dom", "{}", true};
  Sidecar s{"s.parquet", 10, 11, {}};
  CheckpointMetadata cm{12, {}};
  const std::vector<Action> actions{c, t, d, s, cm};
  const std::string out = serialize_actions(actions);
  EXPECT_EQ(out,
            "{\"cdc\":{\"path\":\"_change_data/x\",\"partitionValues\":{},\"size\":3,\"dataChange\":false}}\n"
            "{\"txn\":{\"appId\":\"app\",\"version\":4,\"lastUpdated\":5}}\n"
            "{\"domainMetadata\":{\"domain\":\"dom\",\"configuration\":\"{}\",\"removed\":true}}\n"
            "{\"sidecar\":{\"path\":\"s.parquet\",\"sizeInBytes\":10,\"modificationTime\":11}}\n"
            "{\"checkpointMetadata\":{\"version\":12}}\n");
  EXPECT_EQ(parse_ok(out), actions);
}

TEST(ActionJsonWrite, CommitInfoIsWrittenVerbatim) {
  CommitInfo c;
  c.json = R"({"timestamp":1,"operation":"X","engineInfo":"medallion"})";
  c.timestamp = 999;  // json wins
  std::string out;
  append_action_json(out, c);
  EXPECT_EQ(out, R"({"commitInfo":{"timestamp":1,"operation":"X","engineInfo":"medallion"}})");
}

TEST(ActionJsonWrite, CommitInfoWithoutJsonIsBuiltFromItsFields) {
  CommitInfo c;
  c.timestamp = 1;
  c.in_commit_timestamp = 2;
  c.operation = "WRITE";
  std::string out;
  append_action_json(out, c);
  EXPECT_EQ(out, R"({"commitInfo":{"timestamp":1,"inCommitTimestamp":2,"operation":"WRITE"}})");
  const auto back = parse_ok(out);
  ASSERT_EQ(back.size(), 1u);
  const auto& parsed = std::get<CommitInfo>(back[0]);
  EXPECT_EQ(parsed.timestamp, 1);
  EXPECT_EQ(parsed.in_commit_timestamp, 2);
  EXPECT_EQ(parsed.operation, "WRITE");
}

TEST(ActionJsonWrite, ControlCharactersAndQuotesRoundTrip) {
  AddFile a;
  a.path = std::string("we\"ird\\path\n\r\t\x01\x1f/\xc3\xa9", 19);
  a.partition_values = {{"k\"", std::string("\0v", 2)}};
  a.stats = "{\"s\":\"\\u0000\"}";
  const std::string out = serialize_actions({a});
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1);  // one line
  EXPECT_EQ(parse_ok(out), std::vector<Action>{a});
}

TEST(ActionJsonWrite, SerializeEndsEveryLineWithNewline) {
  EXPECT_EQ(serialize_actions({}), "");
  const std::string out = serialize_actions({Txn{"a", 1, std::nullopt}, Txn{"b", 2, std::nullopt}});
  EXPECT_EQ(out, "{\"txn\":{\"appId\":\"a\",\"version\":1}}\n{\"txn\":{\"appId\":\"b\",\"version\":2}}\n");
}

TEST(ActionJsonWrite, AppendKeepsWhatIsAlreadyThere) {
  std::string out = "prefix|";
  append_action_json(out, Txn{"a", 1, std::nullopt});
  EXPECT_EQ(out, "prefix|{\"txn\":{\"appId\":\"a\",\"version\":1}}");
}

TEST(DeletionVectorUniqueId, UniqueIdWithoutOffset) {
  EXPECT_EQ((DeletionVectorDescriptor{'p', "/abs/dv.bin", std::nullopt, 1, 1}).unique_id(),
            "p/abs/dv.bin");
}

TEST(DeletionVectorUniqueId, UniqueIdWithOffset) {
  EXPECT_EQ((DeletionVectorDescriptor{'u', "ab^-aqEH.-t@S}K{vb[*k^", 4, 40, 6}).unique_id(),
            "uab^-aqEH.-t@S}K{vb[*k^@4");
}

}  // namespace
}  // namespace medallion::delta
