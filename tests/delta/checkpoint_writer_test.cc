// write_checkpoint: a hand-built snapshot round-trips through
// read_checkpoint action by action, expired tombstones are dropped,
// _last_checkpoint is right, and a golden table's log reloads from our
// checkpoint alone to the same state.
#include "delta/checkpoint_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <utility>
#include <fstream>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "delta/checkpoint_reader.h"
#include "delta/log_format.h"
#include "delta/log_segment.h"
#include "formats/parquet/parquet_reader.h"
#include "util/in_memory_file_system.h"

namespace medallion::delta {
namespace {

namespace stdfs = std::filesystem;

constexpr int64_t kNow = 1'700'000'000'000;
constexpr int64_t kDay = 24 * 3600 * 1000LL;

const stdfs::path kGolden = stdfs::path(MEDALLION_SHARED_TESTDATA) / "delta" / "golden";

std::string read_text(const stdfs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

AddFile make_add(std::string path, std::optional<std::string> date) {
  AddFile a;
  a.path = std::move(path);
  a.partition_values = {{"date", std::move(date)}, {"region", "eu"}};
  a.size = 1234;
  a.modification_time = kNow - 5;
  a.data_change = false;
  a.stats = R"({"numRecords":10,"minValues":{"id":1},"maxValues":{"id":10},"nullCount":{"id":0}})";
  return a;
}

RemoveFile make_remove(std::string path, std::optional<int64_t> deleted_at) {
  RemoveFile r;
  r.path = std::move(path);
  r.deletion_timestamp = deleted_at;
  r.data_change = true;
  r.extended_file_metadata = true;
  r.partition_values = PartitionValues{{"date", "2024-01-01"}, {"region", std::nullopt}};
  r.size = 99;
  return r;
}

Snapshot sample_snapshot() {
  Snapshot s;
  s.table_root = "/t";
  s.version = 12;
  s.protocol.min_reader_version = 3;
  s.protocol.min_writer_version = 7;
  s.protocol.reader_features = std::vector<std::string>{"deletionVectors"};
  s.protocol.writer_features =
      std::vector<std::string>{"deletionVectors", "domainMetadata", "appendOnly"};
  s.metadata.id = "5f1c-table-id";
  s.metadata.name = "events";
  s.metadata.schema_string =
      R"({"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}},)"
      R"({"name":"date","type":"string","nullable":true,"metadata":{}},)"
      R"({"name":"region","type":"string","nullable":true,"metadata":{}}]})";
  s.metadata.partition_columns = {"date", "region"};
  s.metadata.configuration = {{"delta.enableDeletionVectors", "true"},
                              {"delta.appendOnly", "false"}};
  s.metadata.format.options = {{"k", "v"}};
  s.metadata.created_time = kNow - 100 * kDay;

  AddFile a = make_add("date=2024-01-01/region=eu/part-0.parquet", "2024-01-01");
  a.tags = {{"INSERTION_TIME", "1700000000000000"}, {"OPTIMIZE_TARGET_SIZE", "268435456"}};
  AddFile b = make_add("date=__HIVE_DEFAULT_PARTITION__/region=eu/part-1.parquet", std::nullopt);
  b.stats.reset();
  b.deletion_vector = DeletionVectorDescriptor{'u', "ab^-aqEH.-t@S}K{vb[*k^", 1, 36, 3};
  b.base_row_id = 100;
  b.default_row_commit_version = 4;
  AddFile c = make_add("date=2024-01-02/region=eu/part-2.parquet", "2024-01-02");
  c.deletion_vector = DeletionVectorDescriptor{'i', "wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L", std::nullopt, 40, 2};
  s.files = {a, b, c};

  RemoveFile live = make_remove("date=2024-01-01/region=eu/old-live.parquet", kNow - kDay);
  live.tags = {{"t", "1"}};
  live.deletion_vector = DeletionVectorDescriptor{'p', "file:/abs/dv.bin", 9, 20, 1};
  RemoveFile expired = make_remove("date=2024-01-01/region=eu/old-expired.parquet", kNow - 8 * kDay);
  RemoveFile minimal;
  minimal.path = "recent-minimal.parquet";
  minimal.deletion_timestamp = kNow;
  minimal.data_change = false;
  s.tombstones = {expired, live, minimal};

  s.txns["app-a"] = Txn{"app-a", 7, kNow - 3};
  s.txns["app-b"] = Txn{"app-b", 42, std::nullopt};
  s.domains["delta.rowTracking"] = DomainMetadata{"delta.rowTracking", R"({"rowIdHighWaterMark":102})", false};
  s.domains["gone"] = DomainMetadata{"gone", "", true};
  return s;
}

CheckpointFiles classic(int64_t version) {
  CheckpointFiles files;
  files.version = version;
  files.kind = LogFileKind::kClassicCheckpoint;
  LogFileName name;
  name.kind = LogFileKind::kClassicCheckpoint;
  name.version = version;
  name.name = classic_checkpoint_file_name(version);
  files.files.push_back(name);
  return files;
}

template <typename T>
std::vector<T> all_of(const std::vector<Action>& actions) {
  std::vector<T> out;
  for (const Action& a : actions) {
    if (const T* t = std::get_if<T>(&a)) out.push_back(*t);
  }
  return out;
}

class CheckpointWriterTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(fs_.create_dirs("/t/_delta_log").is_ok()); }

  util::Result<std::vector<Action>> write_and_read(const Snapshot& s,
                                                   CheckpointOptions options = {kNow}) {
    auto last = write_checkpoint(fs_, s, options);
    if (!last.is_ok()) return last.status();
    last_ = *last;
    return read_checkpoint(fs_, s.table_root, classic(s.version));
  }

  util::InMemoryFileSystem fs_;
  LastCheckpoint last_;
};

TEST_F(CheckpointWriterTest, EveryActionRoundTrips) {
  const Snapshot s = sample_snapshot();
  auto actions = write_and_read(s);
  ASSERT_TRUE(actions.is_ok()) << actions.status().to_string();
  ASSERT_EQ(all_of<Protocol>(*actions).size(), 1u);
  EXPECT_EQ(all_of<Protocol>(*actions)[0], s.protocol);
  ASSERT_EQ(all_of<Metadata>(*actions).size(), 1u);
  EXPECT_EQ(all_of<Metadata>(*actions)[0], s.metadata);
  EXPECT_EQ(all_of<AddFile>(*actions), s.files);
  const std::vector<Txn> txns = {s.txns.at("app-a"), s.txns.at("app-b")};
  EXPECT_EQ(all_of<Txn>(*actions), txns);
  const std::vector<DomainMetadata> domains = {s.domains.at("delta.rowTracking"),
                                               s.domains.at("gone")};
  EXPECT_EQ(all_of<DomainMetadata>(*actions), domains);
  EXPECT_TRUE(all_of<CommitInfo>(*actions).empty());
  EXPECT_TRUE(all_of<AddCdcFile>(*actions).empty());
}

TEST_F(CheckpointWriterTest, ExpiredTombstoneIsDroppedOthersRoundTrip) {
  const Snapshot s = sample_snapshot();
  auto actions = write_and_read(s);
  ASSERT_TRUE(actions.is_ok()) << actions.status().to_string();
  const std::vector<RemoveFile> expected = {s.tombstones[1], s.tombstones[2]};
  EXPECT_EQ(all_of<RemoveFile>(*actions), expected);
}

TEST_F(CheckpointWriterTest, TombstoneExactlyAtRetentionCutoffIsKept) {
  Snapshot s = sample_snapshot();
  s.tombstones = {make_remove("at-cutoff", kNow - 7 * kDay),
                  make_remove("just-before", kNow - 7 * kDay - 1),
                  make_remove("no-timestamp", std::nullopt)};
  auto actions = write_and_read(s);
  ASSERT_TRUE(actions.is_ok()) << actions.status().to_string();
  const auto removes = all_of<RemoveFile>(*actions);
  ASSERT_EQ(removes.size(), 1u);
  EXPECT_EQ(removes[0].path, "at-cutoff");
}

TEST_F(CheckpointWriterTest, RetentionOptionIsHonoured) {
  Snapshot s = sample_snapshot();
  CheckpointOptions options{kNow};
  options.tombstone_retention_ms = 30 * kDay;
  auto actions = write_and_read(s, options);
  ASSERT_TRUE(actions.is_ok()) << actions.status().to_string();
  EXPECT_EQ(all_of<RemoveFile>(*actions).size(), 3u);
}

TEST_F(CheckpointWriterTest, RemoveStatsAreNotWritten) {
  Snapshot s = sample_snapshot();
  s.tombstones = {make_remove("r", kNow)};
  s.tombstones[0].stats = R"({"numRecords":1})";
  auto actions = write_and_read(s);
  ASSERT_TRUE(actions.is_ok()) << actions.status().to_string();
  const auto removes = all_of<RemoveFile>(*actions);
  ASSERT_EQ(removes.size(), 1u);
  EXPECT_FALSE(removes[0].stats.has_value());
}

TEST_F(CheckpointWriterTest, ProtocolWithoutFeaturesHasNoFeatureLists) {
  Snapshot s = sample_snapshot();
  s.protocol = Protocol{1, 2, std::nullopt, std::nullopt};
  auto actions = write_and_read(s);
  ASSERT_TRUE(actions.is_ok()) << actions.status().to_string();
  ASSERT_EQ(all_of<Protocol>(*actions).size(), 1u);
  EXPECT_EQ(all_of<Protocol>(*actions)[0], s.protocol);
}

TEST_F(CheckpointWriterTest, ProtocolWithEmptyFeatureListsKeepsThem) {
  Snapshot s = sample_snapshot();
  s.protocol = Protocol{3, 7, std::vector<std::string>{}, std::vector<std::string>{}};
  auto actions = write_and_read(s);
  ASSERT_TRUE(actions.is_ok()) << actions.status().to_string();
  ASSERT_EQ(all_of<Protocol>(*actions).size(), 1u);
  EXPECT_EQ(all_of<Protocol>(*actions)[0], s.protocol);
}

TEST_F(CheckpointWriterTest, MinimalMetadataRoundTrips) {
  Snapshot s = sample_snapshot();
  s.metadata = Metadata{};
  s.metadata.id = "id";
  s.metadata.schema_string = R"({"type":"struct","fields":[]})";
  auto actions = write_and_read(s);
  ASSERT_TRUE(actions.is_ok()) << actions.status().to_string();
  ASSERT_EQ(all_of<Metadata>(*actions).size(), 1u);
  EXPECT_EQ(all_of<Metadata>(*actions)[0], s.metadata);
}

TEST_F(CheckpointWriterTest, LastCheckpointDescribesTheFile) {
  const Snapshot s = sample_snapshot();
  ASSERT_TRUE(write_and_read(s).is_ok());
  // protocol + metaData + 2 txn + 2 domains + 3 adds + 2 live tombstones.
  EXPECT_EQ(last_.version, 12);
  EXPECT_EQ(last_.size, 11);
  EXPECT_EQ(last_.num_of_add_files, 3);
  const std::string path = "/t/_delta_log/" + classic_checkpoint_file_name(12);
  EXPECT_EQ(last_.size_in_bytes, static_cast<int64_t>(*fs_.file_size(path)));
  auto text = fs_.read_file("/t/_delta_log/_last_checkpoint");
  ASSERT_TRUE(text.is_ok());
  auto parsed = parse_last_checkpoint(*text, "_last_checkpoint");
  ASSERT_TRUE(parsed.is_ok()) << parsed.status().to_string();
  EXPECT_EQ(*parsed, last_);
}

TEST_F(CheckpointWriterTest, OnlyTheCheckpointAndLastCheckpointAreLeft) {
  ASSERT_TRUE(write_and_read(sample_snapshot()).is_ok());
  auto names = fs_.list_dir("/t/_delta_log");
  ASSERT_TRUE(names.is_ok());
  std::sort(names->begin(), names->end());
  const std::vector<std::string> expected = {classic_checkpoint_file_name(12),
                                             std::string(kLastCheckpointName)};
  EXPECT_EQ(*names, expected);
}

TEST_F(CheckpointWriterTest, EachRowSetsExactlyOneColumn) {
  const Snapshot s = sample_snapshot();
  ASSERT_TRUE(write_and_read(s).is_ok());
  auto reader = parquet::ParquetReader::open(fs_, "/t/_delta_log/" + classic_checkpoint_file_name(12));
  ASSERT_TRUE(reader.is_ok()) << reader.status().to_string();
  const auto& schema = (*reader)->schema();
  std::vector<std::string> names;
  std::vector<size_t> fields;
  for (size_t f = 0; f < schema.num_fields(); ++f) {
    names.push_back(schema.field(f).name);
    fields.push_back(f);
  }
  const std::vector<std::string> expected = {"txn",      "add",      "remove",
                                             "metaData", "protocol", "domainMetadata"};
  EXPECT_EQ(names, expected);
  size_t rows = 0;
  for (size_t g = 0; g < (*reader)->num_row_groups(); ++g) {
    auto batch = (*reader)->read_row_group(g, fields);
    ASSERT_TRUE(batch.is_ok()) << batch.status().to_string();
    for (size_t i = 0; i < batch->num_rows; ++i) {
      int set = 0;
      for (const auto& column : batch->columns) set += column.is_null(i) ? 0 : 1;
      EXPECT_EQ(set, 1) << "row " << rows + i;
    }
    rows += batch->num_rows;
  }
  EXPECT_EQ(rows, 11u);
}

TEST_F(CheckpointWriterTest, ManyFilesSpanSeveralBatches) {
  Snapshot s = sample_snapshot();
  s.files.clear();
  for (int i = 0; i < 40000; ++i) {
    s.files.push_back(make_add("part-" + std::to_string(i) + ".parquet", std::to_string(i % 7)));
  }
  auto actions = write_and_read(s);
  ASSERT_TRUE(actions.is_ok()) << actions.status().to_string();
  EXPECT_EQ(all_of<AddFile>(*actions), s.files);
  EXPECT_EQ(last_.num_of_add_files, 40000);
  EXPECT_EQ(last_.size, 40000 + 2 + 2 + 2 + 2);
}

TEST_F(CheckpointWriterTest, RewritingTheSameVersionReplacesTheFile) {
  Snapshot s = sample_snapshot();
  ASSERT_TRUE(write_and_read(s).is_ok());
  s.files.pop_back();
  auto actions = write_and_read(s);
  ASSERT_TRUE(actions.is_ok()) << actions.status().to_string();
  EXPECT_EQ(all_of<AddFile>(*actions), s.files);
  EXPECT_EQ(last_.num_of_add_files, 2);
}

TEST_F(CheckpointWriterTest, SnapshotWithoutVersionIsInvalidArgument) {
  Snapshot s = sample_snapshot();
  s.version = -1;
  auto last = write_checkpoint(fs_, s, CheckpointOptions{kNow});
  ASSERT_FALSE(last.is_ok());
  EXPECT_EQ(last.status().code(), util::StatusCode::kInvalidArgument);
}

// ------------------------------------------------- golden table round trip --

// Copies a golden table's _delta_log into the in-memory file system at /g.
void copy_log(util::InMemoryFileSystem& fs, const std::string& table) {
  for (const auto& entry : stdfs::directory_iterator(kGolden / table / "_delta_log")) {
    if (!entry.is_regular_file()) continue;
    ASSERT_TRUE(fs.put_file("/g/_delta_log/" + entry.path().filename().string(),
                            read_text(entry.path()))
                    .is_ok());
  }
}

// Without stats (a checkpoint has no remove.stats) and in (path, DV) order:
// the snapshot orders tombstones of one path (several DVs) by where replay met
// them, which differs between a checkpoint and commits.
std::vector<RemoveFile> canonical(std::vector<RemoveFile> removes) {
  for (RemoveFile& r : removes) r.stats.reset();
  auto key = [](const RemoveFile& r) {
    return std::make_pair(r.path, r.deletion_vector ? r.deletion_vector->unique_id() : "");
  };
  std::stable_sort(removes.begin(), removes.end(),
                   [&](const RemoveFile& a, const RemoveFile& b) { return key(a) < key(b); });
  return removes;
}

void golden_round_trip(const std::string& table, bool must_load = true) {
  SCOPED_TRACE(table);
  util::InMemoryFileSystem fs;
  copy_log(fs, table);
  auto first = load_snapshot(fs, "/g");
  if (!must_load && !first.is_ok()) return;
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  // Keep every tombstone so that they can be compared too.
  CheckpointOptions options{kNow};
  options.tombstone_retention_ms = std::numeric_limits<int64_t>::max();
  auto last = write_checkpoint(fs, *first, options);
  ASSERT_TRUE(last.is_ok()) << last.status().to_string();
  EXPECT_EQ(last->version, first->version);
  EXPECT_EQ(last->num_of_add_files, static_cast<int64_t>(first->files.size()));

  // Leave only our checkpoint and the commits after it (none): the second
  // load can only come from our file.
  auto names = fs.list_dir("/g/_delta_log");
  ASSERT_TRUE(names.is_ok());
  for (const std::string& name : *names) {
    auto parsed = parse_log_file_name(name);
    if (!parsed || name == classic_checkpoint_file_name(first->version)) continue;
    ASSERT_TRUE(fs.remove_file("/g/_delta_log/" + name).is_ok());
  }
  auto second = load_snapshot(fs, "/g");
  ASSERT_TRUE(second.is_ok()) << second.status().to_string();
  EXPECT_EQ(second->version, first->version);
  EXPECT_EQ(second->protocol, first->protocol);
  EXPECT_EQ(second->metadata, first->metadata);
  EXPECT_EQ(second->files, first->files);
  EXPECT_EQ(second->txns, first->txns);
  EXPECT_EQ(second->domains, first->domains);
  EXPECT_EQ(canonical(second->tombstones), canonical(first->tombstones));
}

TEST(CheckpointWriterGolden, BasicWithInsertsDeletesReloadsFromOurCheckpoint) {
  golden_round_trip("basic-with-inserts-deletes-checkpoint");
}

TEST(CheckpointWriterGolden, IteratorBugTableReloadsFromOurCheckpoint) {
  golden_round_trip("125-iterator-bug");
}

// Every golden table whose log loads (some are deliberately broken, and some
// have no log at the top level) reloads from our checkpoint to the same
// state: deletion vectors, row tracking, column mapping, txns, domains.
TEST(CheckpointWriterGolden, EveryLoadableGoldenTableReloadsFromOurCheckpoint) {
  int tables = 0;
  for (const auto& entry : stdfs::directory_iterator(kGolden)) {
    if (!stdfs::is_directory(entry.path() / "_delta_log")) continue;
    golden_round_trip(entry.path().filename().string(), /*must_load=*/false);
    ++tables;
  }
  EXPECT_GT(tables, 20);
}

}  // namespace
}  // namespace medallion::delta
