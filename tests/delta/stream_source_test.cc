#include "delta/stream_source.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "delta/action_json.h"
#include "delta/columnar_bridge.h"
#include "delta/log_format.h"
#include "delta/log_segment.h"
#include "delta/optimize.h"
#include "delta/table_writer.h"
#include "golden_testdata.h"
#include "util/in_memory_file_system.h"

namespace medallion::delta {
namespace {

constexpr char kRoot[] = "/lake/stream";

columnar::Schema row_schema() {
  return columnar::Schema({{"id", columnar::DataType::kInt64, true, {}},
                           {"part", columnar::DataType::kString, true, {}}});
}

// Rows ids first .. first + n - 1, each in partition "p<id % parts>".
columnar::RecordBatch rows(int64_t first, int64_t n, int64_t parts = 1) {
  columnar::RecordBatch batch(row_schema());
  for (int64_t id = first; id < first + n; ++id) {
    batch.column(0).append_int64(id);
    batch.column(1).append_string("p" + std::to_string(id % parts));
  }
  return batch;
}

std::vector<int64_t> ids_of(const columnar::RecordBatch& batch) {
  std::vector<int64_t> ids;
  for (size_t i = 0; i < batch.num_rows(); ++i) ids.push_back(batch.column(0).int64_at(i));
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<int64_t> range(int64_t first, int64_t n) {
  std::vector<int64_t> out;
  for (int64_t i = first; i < first + n; ++i) out.push_back(i);
  return out;
}

class StreamSourceTest : public ::testing::Test {
 protected:
  // Version 0: the table, partitioned by `part` when `partitioned`.
  void make_table(bool partitioned = true) {
    std::vector<std::string> partition_columns;
    if (partitioned) partition_columns.push_back("part");
    auto r = create_table(fs_, kRoot, delta_schema_of(row_schema()), partition_columns, {});
    ASSERT_TRUE(r.is_ok()) << r.status().message();
  }
  // One commit; one file per partition.
  int64_t append_rows(int64_t first, int64_t n, int64_t parts = 1) {
    auto r = append(fs_, kRoot, to_row_batch(rows(first, n, parts)));
    EXPECT_TRUE(r.is_ok()) << r.status().message();
    return r.is_ok() ? r->version : -1;
  }
  DeltaStreamSource open(StreamSourceOptions options = {}) {
    auto s = DeltaStreamSource::open(fs_, kRoot, options);
    EXPECT_TRUE(s.is_ok()) << s.status().message();
    return std::move(s).value();
  }
  std::optional<StreamOffset> next(DeltaStreamSource& source,
                                   const std::optional<StreamOffset>& after) {
    auto end = source.next_end(after);
    EXPECT_TRUE(end.is_ok()) << end.status().message();
    return end.is_ok() ? *end : std::nullopt;
  }
  std::vector<int64_t> read(DeltaStreamSource& source, const std::optional<StreamOffset>& after,
                            const StreamOffset& end) {
    auto batch = source.read_between(after, end);
    EXPECT_TRUE(batch.is_ok()) << batch.status().message();
    return batch.is_ok() ? ids_of(*batch) : std::vector<int64_t>{};
  }
  // Every id the stream yields from `after` on, batch by batch.
  std::vector<std::vector<int64_t>> drain(DeltaStreamSource& source,
                                          std::optional<StreamOffset> after = std::nullopt) {
    std::vector<std::vector<int64_t>> batches;
    for (int guard = 0; guard < 100; ++guard) {
      auto end = next(source, after);
      if (!end) break;
      batches.push_back(read(source, after, *end));
      after = end;
    }
    return batches;
  }

  util::InMemoryFileSystem fs_;
};

TEST(StreamOffsetJson, RoundTrips) {
  for (const StreamOffset& offset :
       {StreamOffset{0, -1, true}, StreamOffset{7, 2, false}, StreamOffset{123456789012, 0, true}}) {
    auto parsed = parse_offset_json(offset_json(offset));
    ASSERT_TRUE(parsed.is_ok()) << parsed.status().message();
    EXPECT_EQ(*parsed, offset);
  }
  EXPECT_EQ(offset_json({7, 2, false}),
            R"({"reservoirVersion":7,"index":2,"isStartingVersion":false})");
}

TEST(StreamOffsetJson, IgnoresSparkExtraKeys) {
  auto parsed = parse_offset_json(
      R"({"sourceVersion":1,"reservoirId":"abc","reservoirVersion":3,"index":-1,"isStartingVersion":true})");
  ASSERT_TRUE(parsed.is_ok()) << parsed.status().message();
  EXPECT_EQ(*parsed, (StreamOffset{3, -1, true}));
}

TEST(StreamOffsetJson, BadJsonIsCorruption) {
  for (const char* bad : {"", "{", "[]", "null", R"({"index":1,"isStartingVersion":false})",
                          R"({"reservoirVersion":"3","index":1,"isStartingVersion":false})",
                          R"({"reservoirVersion":3,"index":1.5,"isStartingVersion":false})",
                          R"({"reservoirVersion":3,"index":1,"isStartingVersion":1})",
                          R"({"reservoirVersion":-1,"index":1,"isStartingVersion":false})",
                          R"({"reservoirVersion":3,"index":-2,"isStartingVersion":false})"}) {
    auto parsed = parse_offset_json(bad);
    ASSERT_FALSE(parsed.is_ok()) << bad;
    EXPECT_EQ(parsed.status().code(), util::StatusCode::kCorruption) << bad;
    EXPECT_NE(parsed.status().message().find("bad stream offset"), std::string::npos);
  }
}

TEST_F(StreamSourceTest, InitialSnapshotThenChanges) {
  make_table();
  append_rows(0, 4, 2);  // v1: 2 files
  append_rows(4, 2, 1);  // v2: 1 file
  DeltaStreamSource source = open();
  EXPECT_EQ(source.start_offset(), (StreamOffset{2, -1, true}));
  auto end = next(source, std::nullopt);
  ASSERT_TRUE(end);
  EXPECT_EQ(*end, (StreamOffset{2, 2, true}));  // the snapshot's 3 files, by path
  EXPECT_EQ(read(source, std::nullopt, *end), range(0, 6));
  EXPECT_FALSE(next(source, end));

  const int64_t v3 = append_rows(6, 3, 1);
  auto end2 = next(source, end);
  ASSERT_TRUE(end2);
  EXPECT_EQ(*end2, (StreamOffset{v3, 0, false}));
  EXPECT_EQ(read(source, end, *end2), range(6, 3));
  EXPECT_FALSE(next(source, end2));
}

TEST_F(StreamSourceTest, InitialSnapshotIsInModificationTimeOrder) {
  make_table();
  WriteOptions later;
  later.now_ms = 1700000002000;
  WriteOptions earlier;
  earlier.now_ms = 1700000001000;
  ASSERT_TRUE(append(fs_, kRoot, to_row_batch(rows(0, 1)), later).is_ok());
  ASSERT_TRUE(append(fs_, kRoot, to_row_batch(rows(1, 1)), earlier).is_ok());
  StreamSourceOptions options;
  options.max_files_per_trigger = 1;
  DeltaStreamSource source = open(options);
  EXPECT_EQ(drain(source), (std::vector<std::vector<int64_t>>{{1}, {0}}));
}

TEST_F(StreamSourceTest, EmptyInitialSnapshotGoesOnToCommits) {
  make_table();
  DeltaStreamSource source = open();
  EXPECT_FALSE(next(source, std::nullopt));
  append_rows(0, 2);
  EXPECT_EQ(drain(source), (std::vector<std::vector<int64_t>>{range(0, 2)}));
}

TEST_F(StreamSourceTest, PartitionColumnIsFilled) {
  make_table();
  append_rows(0, 4, 2);
  DeltaStreamSource source = open();
  auto end = next(source, std::nullopt);
  ASSERT_TRUE(end);
  auto batch = source.read_between(std::nullopt, *end);
  ASSERT_TRUE(batch.is_ok()) << batch.status().message();
  ASSERT_EQ(batch->num_rows(), 4u);
  ASSERT_EQ(batch->schema().field(1).name, "part");
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(batch->column(1).string_at(i), "p" + std::to_string(batch->column(0).int64_at(i) % 2));
  }
}

TEST_F(StreamSourceTest, StartingVersionReadsChangesOnly) {
  make_table();
  append_rows(0, 3);                  // v1
  const int64_t v2 = append_rows(3, 3);  // v2
  append_rows(6, 3);                  // v3
  StreamSourceOptions options;
  options.starting_version = v2;
  DeltaStreamSource source = open(options);
  EXPECT_EQ(source.start_offset(), (StreamOffset{v2, -1, false}));
  auto batches = drain(source);
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0], range(3, 6));
}

TEST_F(StreamSourceTest, StartingVersionPastLatestFails) {
  make_table();
  StreamSourceOptions options;
  options.starting_version = 5;
  auto s = DeltaStreamSource::open(fs_, kRoot, options);
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), util::StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("latest version 0"), std::string::npos)
      << s.status().message();
}

TEST_F(StreamSourceTest, StartingLatestSkipsExistingData) {
  make_table();
  append_rows(0, 3);
  StreamSourceOptions options;
  options.starting_latest = true;
  DeltaStreamSource source = open(options);
  EXPECT_FALSE(next(source, std::nullopt));
  append_rows(3, 2);
  EXPECT_EQ(drain(source), (std::vector<std::vector<int64_t>>{range(3, 2)}));
}

TEST_F(StreamSourceTest, BadOptionsAreRefused) {
  make_table();
  StreamSourceOptions zero_files;
  zero_files.max_files_per_trigger = 0;
  StreamSourceOptions both;
  both.starting_latest = true;
  both.starting_version = 0;
  StreamSourceOptions negative_bytes;
  negative_bytes.max_bytes_per_trigger = -1;
  for (const auto& options : {zero_files, both, negative_bytes}) {
    auto s = DeltaStreamSource::open(fs_, kRoot, options);
    ASSERT_FALSE(s.is_ok());
    EXPECT_EQ(s.status().code(), util::StatusCode::kInvalidArgument);
  }
}

TEST_F(StreamSourceTest, NoTableIsNotFound) {
  auto s = DeltaStreamSource::open(fs_, "/lake/none", {});
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), util::StatusCode::kNotFound);
}

TEST_F(StreamSourceTest, MaxFilesSplitsAVersion) {
  make_table();
  StreamSourceOptions options;
  options.starting_version = 1;
  options.max_files_per_trigger = 2;
  const int64_t v1 = append_rows(0, 3, 3);  // 3 files
  const int64_t v2 = append_rows(3, 1, 1);  // 1 file
  DeltaStreamSource source = open(options);
  auto first = next(source, std::nullopt);
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, (StreamOffset{v1, 1, false}));
  auto second = next(source, first);
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, (StreamOffset{v2, 0, false}));  // the last file of v1, then v2's
  auto files1 = source.files_between(std::nullopt, *first);
  auto files2 = source.files_between(first, *second);
  ASSERT_TRUE(files1.is_ok() && files2.is_ok());
  EXPECT_EQ(files1->size(), 2u);
  EXPECT_EQ(files2->size(), 2u);
  std::vector<int64_t> all = read(source, std::nullopt, *first);
  for (int64_t id : read(source, first, *second)) all.push_back(id);
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, range(0, 4));
  EXPECT_FALSE(next(source, second));
}

TEST_F(StreamSourceTest, MaxFilesSplitsTheInitialSnapshot) {
  make_table();
  append_rows(0, 5, 5);  // 5 files
  StreamSourceOptions options;
  options.max_files_per_trigger = 2;
  DeltaStreamSource source = open(options);
  auto batches = drain(source);
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0].size(), 2u);
  EXPECT_EQ(batches[1].size(), 2u);
  EXPECT_EQ(batches[2].size(), 1u);
  std::vector<int64_t> all;
  for (const auto& b : batches) all.insert(all.end(), b.begin(), b.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, range(0, 5));
}

TEST_F(StreamSourceTest, MaxBytesTakesAtLeastOneFile) {
  make_table();
  append_rows(0, 3, 3);
  StreamSourceOptions options;
  options.starting_version = 1;
  options.max_bytes_per_trigger = 1;  // smaller than any file
  DeltaStreamSource source = open(options);
  auto batches = drain(source);
  ASSERT_EQ(batches.size(), 3u);
  for (const auto& b : batches) EXPECT_EQ(b.size(), 1u);
}

TEST_F(StreamSourceTest, MaxBytesGroupsFilesUpToTheLimit) {
  make_table();
  append_rows(0, 4, 4);
  StreamSourceOptions options;
  options.starting_version = 1;
  DeltaStreamSource probe = open(options);
  auto end = next(probe, std::nullopt);
  ASSERT_TRUE(end);
  auto files = probe.files_between(std::nullopt, *end);
  ASSERT_TRUE(files.is_ok());
  ASSERT_EQ(files->size(), 4u);
  int64_t two = (*files)[0].size + (*files)[1].size;
  options.max_bytes_per_trigger = two;  // exactly the first two files
  DeltaStreamSource source = open(options);
  auto first = next(source, std::nullopt);
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, (StreamOffset{1, 1, false}));
}

TEST_F(StreamSourceTest, OptimizeIsSkipped) {
  make_table(/*partitioned=*/false);
  append_rows(0, 2);
  append_rows(2, 2);
  StreamSourceOptions options;
  options.starting_version = 1;
  DeltaStreamSource source = open(options);
  auto end = next(source, std::nullopt);
  ASSERT_TRUE(end);
  EXPECT_EQ(read(source, std::nullopt, *end), range(0, 4));
  OptimizeOptions optimize_options;
  auto optimized = optimize(fs_, kRoot, optimize_options);
  ASSERT_TRUE(optimized.is_ok()) << optimized.status().message();
  ASSERT_GT(optimized->version, 0);
  EXPECT_FALSE(next(source, end));  // compaction changes no data
  append_rows(4, 1);
  auto end2 = next(source, end);
  ASSERT_TRUE(end2);
  EXPECT_EQ(read(source, end, *end2), range(4, 1));
}

TEST_F(StreamSourceTest, DeleteFailsAfterTheFilesBeforeIt) {
  make_table();
  append_rows(0, 2);
  StreamSourceOptions options;
  options.starting_version = 1;
  DeltaStreamSource source = open(options);
  auto deleted = delete_where(fs_, kRoot, {});
  ASSERT_TRUE(deleted.is_ok()) << deleted.status().message();
  append_rows(10, 1);
  auto end = next(source, std::nullopt);  // version 1 still streams
  ASSERT_TRUE(end);
  EXPECT_EQ(read(source, std::nullopt, *end), range(0, 2));
  auto failed = source.next_end(end);
  ASSERT_FALSE(failed.is_ok());
  EXPECT_EQ(failed.status().code(), util::StatusCode::kFailedPrecondition);
  const std::string& m = failed.status().message();
  EXPECT_NE(m.find("version " + std::to_string(deleted->version)), std::string::npos) << m;
  EXPECT_NE(m.find("ignore_deletes"), std::string::npos) << m;
  EXPECT_NE(m.find(kRoot), std::string::npos) << m;
}

TEST_F(StreamSourceTest, IgnoreDeletesSkipsDeletes) {
  make_table();
  append_rows(0, 2);
  ASSERT_TRUE(delete_where(fs_, kRoot, {}).is_ok());
  append_rows(10, 1);
  StreamSourceOptions options;
  options.starting_version = 1;
  options.ignore_deletes = true;
  DeltaStreamSource source = open(options);
  auto batches = drain(source);
  std::vector<int64_t> all;
  for (const auto& b : batches) all.insert(all.end(), b.begin(), b.end());
  EXPECT_EQ(all, (std::vector<int64_t>{0, 1, 10}));
}

TEST_F(StreamSourceTest, OverwriteFailsEvenWithIgnoreDeletes) {
  make_table();
  append_rows(0, 2);
  auto overwritten = overwrite(fs_, kRoot, to_row_batch(rows(20, 2)), {});
  ASSERT_TRUE(overwritten.is_ok()) << overwritten.status().message();
  StreamSourceOptions options;
  options.starting_version = overwritten->version;
  options.ignore_deletes = true;
  DeltaStreamSource source = open(options);
  auto failed = source.next_end(std::nullopt);
  ASSERT_FALSE(failed.is_ok());
  EXPECT_EQ(failed.status().code(), util::StatusCode::kFailedPrecondition);
  EXPECT_NE(failed.status().message().find("ignore_changes"), std::string::npos)
      << failed.status().message();
}

TEST_F(StreamSourceTest, IgnoreChangesReemitsRewrittenFiles) {
  make_table();
  append_rows(0, 2);
  ASSERT_TRUE(overwrite(fs_, kRoot, to_row_batch(rows(20, 2)), {}).is_ok());
  StreamSourceOptions options;
  options.starting_version = 1;
  options.ignore_changes = true;
  DeltaStreamSource source = open(options);
  auto batches = drain(source);
  std::vector<int64_t> all;
  for (const auto& b : batches) all.insert(all.end(), b.begin(), b.end());
  EXPECT_EQ(all, (std::vector<int64_t>{0, 1, 20, 21}));
}

TEST_F(StreamSourceTest, SchemaChangeFailsClearly) {
  make_table();
  append_rows(0, 2);
  DeltaStreamSource source = open();
  auto end = next(source, std::nullopt);
  ASSERT_TRUE(end);
  // Version 2: a metaData action that adds a column.
  auto snapshot = load_snapshot(fs_, kRoot);
  ASSERT_TRUE(snapshot.is_ok());
  Metadata metadata = snapshot->metadata;
  Schema wider = snapshot->schema;
  Field extra;
  extra.name = "extra";
  extra.type = DataType::primitive(TypeKind::kInteger);
  wider.fields.push_back(extra);
  metadata.schema_string = serialize_schema(wider);
  ASSERT_TRUE(fs_.put_file(util::join_path(log_dir_path(kRoot), commit_file_name(2)),
                           serialize_actions({metadata}))
                  .is_ok());
  auto failed = source.next_end(end);
  ASSERT_FALSE(failed.is_ok());
  EXPECT_EQ(failed.status().code(), util::StatusCode::kFailedPrecondition);
  EXPECT_NE(failed.status().message().find("version 2"), std::string::npos)
      << failed.status().message();
  EXPECT_NE(failed.status().message().find("extra"), std::string::npos);
}

TEST_F(StreamSourceTest, MetadataWithTheSameSchemaIsFine) {
  make_table();
  append_rows(0, 2);
  StreamSourceOptions options;
  options.starting_version = 0;  // version 0 holds the table's metaData
  DeltaStreamSource source = open(options);
  EXPECT_EQ(drain(source), (std::vector<std::vector<int64_t>>{range(0, 2)}));
}

TEST_F(StreamSourceTest, MissingCommitIsNotFound) {
  make_table();
  append_rows(0, 1);
  append_rows(1, 1);
  append_rows(2, 1);
  append_rows(3, 1);
  StreamSourceOptions options;
  options.starting_version = 1;
  options.max_files_per_trigger = 1;
  DeltaStreamSource source = open(options);
  auto end = next(source, std::nullopt);
  ASSERT_TRUE(end);
  ASSERT_TRUE(fs_.remove_file(util::join_path(log_dir_path(kRoot), commit_file_name(3))).is_ok());
  auto end2 = next(source, end);  // version 2 is still there
  ASSERT_TRUE(end2);
  EXPECT_EQ(*end2, (StreamOffset{2, 0, false}));
  auto failed = source.next_end(end2);
  ASSERT_FALSE(failed.is_ok());
  EXPECT_EQ(failed.status().code(), util::StatusCode::kNotFound);
  EXPECT_NE(failed.status().message().find("commit 3"), std::string::npos)
      << failed.status().message();
}

TEST_F(StreamSourceTest, EndPastTheVersionsFilesIsCorruption) {
  make_table();
  append_rows(0, 1);
  StreamSourceOptions options;
  options.starting_version = 1;
  DeltaStreamSource source = open(options);
  auto files = source.files_between(std::nullopt, StreamOffset{1, 5, false});
  ASSERT_FALSE(files.is_ok());
  EXPECT_EQ(files.status().code(), util::StatusCode::kCorruption);
}

TEST_F(StreamSourceTest, EndBeforeStartIsRefused) {
  make_table();
  append_rows(0, 2, 2);
  StreamSourceOptions options;
  options.starting_version = 1;
  DeltaStreamSource source = open(options);
  auto files = source.files_between(StreamOffset{1, 1, false}, StreamOffset{1, 0, false});
  ASSERT_FALSE(files.is_ok());
  EXPECT_EQ(files.status().code(), util::StatusCode::kInvalidArgument);
}

TEST_F(StreamSourceTest, SameRangeGivesSameFilesAfterReopen) {
  make_table();
  append_rows(0, 6, 3);
  StreamSourceOptions options;
  options.max_files_per_trigger = 2;
  DeltaStreamSource source = open(options);
  auto first = next(source, std::nullopt);
  auto second = next(source, first);
  ASSERT_TRUE(first && second);
  auto before = source.files_between(first, *second);
  append_rows(100, 3, 3);  // the table moves on; the snapshot range does not
  DeltaStreamSource reopened = open(options);
  auto after = reopened.files_between(first, *second);
  ASSERT_TRUE(before.is_ok() && after.is_ok()) << after.status().message();
  EXPECT_EQ(*before, *after);
}

TEST_F(StreamSourceTest, LastVersionBoundsTheBatch) {
  make_table();
  const int64_t v1 = append_rows(0, 1);
  append_rows(1, 1);
  StreamSourceOptions options;
  options.starting_version = 1;
  DeltaStreamSource source = open(options);
  auto end = source.next_end(std::nullopt, v1);
  ASSERT_TRUE(end.is_ok());
  ASSERT_TRUE(*end);
  EXPECT_EQ(**end, (StreamOffset{v1, 0, false}));
  auto none = source.next_end(*end, v1);
  ASSERT_TRUE(none.is_ok());
  EXPECT_FALSE(*none);
}

// Tables written by Spark.

std::string golden(const char* name) { return (testing::golden_dir() / name).string(); }

std::vector<int64_t> golden_ids(DeltaStreamSource& source, std::optional<StreamOffset>& after,
                                util::Status* error) {
  std::vector<int64_t> ids;
  for (int guard = 0; guard < 100; ++guard) {
    auto end = source.next_end(after);
    if (!end.is_ok()) {
      *error = end.status();
      break;
    }
    if (!*end) break;
    auto batch = source.read_between(after, **end);
    if (!batch.is_ok()) {
      *error = batch.status();
      break;
    }
    for (int64_t id : ids_of(*batch)) ids.push_back(id);
    after = *end;
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST(StreamSourceGolden, InitialSnapshotAppliesDeletionVectors) {
  auto source = DeltaStreamSource::open(util::posix_file_system(), golden("basic-dv-no-checkpoint"), {});
  ASSERT_TRUE(source.is_ok()) << source.status().message();
  std::optional<StreamOffset> after;
  util::Status error;
  EXPECT_EQ(golden_ids(*source, after, &error), range(2, 8));
  EXPECT_TRUE(error.is_ok()) << error.message();
}

TEST(StreamSourceGolden, DeleteWithDeletionVectorIsAChange) {
  StreamSourceOptions options;
  options.starting_version = 0;
  auto source =
      DeltaStreamSource::open(util::posix_file_system(), golden("basic-dv-no-checkpoint"), options);
  ASSERT_TRUE(source.is_ok()) << source.status().message();
  std::optional<StreamOffset> after;
  util::Status error;
  EXPECT_EQ(golden_ids(*source, after, &error), range(0, 10));
  EXPECT_EQ(error.code(), util::StatusCode::kFailedPrecondition) << error.message();
  EXPECT_NE(error.message().find("(DELETE"), std::string::npos) << error.message();

  options.ignore_changes = true;  // the rewritten file again, minus its deleted rows
  auto changes =
      DeltaStreamSource::open(util::posix_file_system(), golden("basic-dv-no-checkpoint"), options);
  ASSERT_TRUE(changes.is_ok());
  std::optional<StreamOffset> from;
  util::Status ok;
  std::vector<int64_t> ids = golden_ids(*changes, from, &ok);
  EXPECT_TRUE(ok.is_ok()) << ok.message();
  EXPECT_EQ(ids, (std::vector<int64_t>{0, 1, 2, 2, 3, 3, 4, 4, 5, 6, 7, 8, 9}));
}

TEST(StreamSourceGolden, CommitsAfterACheckpoint) {
  StreamSourceOptions options;
  options.starting_version = 11;
  auto source = DeltaStreamSource::open(util::posix_file_system(),
                                        golden("basic-with-inserts-deletes-checkpoint"), options);
  ASSERT_TRUE(source.is_ok()) << source.status().message();
  std::optional<StreamOffset> after;
  util::Status error;
  EXPECT_EQ(golden_ids(*source, after, &error), range(60, 20));
  EXPECT_EQ(error.code(), util::StatusCode::kFailedPrecondition);  // version 13 deletes
  EXPECT_NE(error.message().find("version 13"), std::string::npos) << error.message();
}

TEST(StreamSourceGolden, InitialSnapshotFromACheckpoint) {
  auto source = DeltaStreamSource::open(util::posix_file_system(),
                                        golden("basic-with-inserts-deletes-checkpoint"), {});
  ASSERT_TRUE(source.is_ok()) << source.status().message();
  std::optional<StreamOffset> after;
  util::Status error;
  std::vector<int64_t> ids = golden_ids(*source, after, &error);
  EXPECT_TRUE(error.is_ok()) << error.message();
  EXPECT_EQ(ids.size(), 41u);
  EXPECT_EQ(after, (StreamOffset{13, 6, true}));
}

}  // namespace
}  // namespace medallion::delta
