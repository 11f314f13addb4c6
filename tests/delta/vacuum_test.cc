#include "delta/vacuum.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>
#include <optional>
#include <string>
#include <vector>

#include "delta/log_format.h"
#include "delta/snapshot.h"
#include "delta/table_scan.h"
#include "delta/table_writer.h"
#include "delta/transaction.h"
#include "util/in_memory_file_system.h"

namespace medallion::delta {
namespace {

constexpr char kRoot[] = "/lake/vac";
constexpr int64_t kDayMs = 24 * 3600 * 1000LL;

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Field field(std::string name, TypeKind kind) {
  Field f;
  f.name = std::move(name);
  f.type = DataType::primitive(kind);
  return f;
}

Schema table_schema() {
  Schema s;
  s.fields = {field("id", TypeKind::kLong), field("day", TypeKind::kString)};
  return s;
}

// Rows (id, day) in canonical storage.
parquet::RowBatch rows(const std::vector<int64_t>& ids, const std::string& day) {
  parquet::RowBatch b;
  b.num_rows = ids.size();
  parquet::ValueArray id;
  id.length = ids.size();
  id.values = parquet::LeafValues(parquet::Type::kInt64);
  id.values.i64 = ids;
  parquet::ValueArray d;
  d.length = ids.size();
  d.values = parquet::LeafValues(parquet::Type::kByteArray);
  for (size_t i = 0; i < ids.size(); ++i) d.values.bytes.append(day);
  b.columns = {std::move(id), std::move(d)};
  b.fields = {0, 1};
  return b;
}

void make_table(util::FileSystem& fs, std::vector<std::string> partition_columns = {},
                std::map<std::string, std::string> configuration = {}) {
  auto r = create_table(fs, kRoot, table_schema(), partition_columns, configuration);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
}

void append_rows(util::FileSystem& fs, const std::vector<int64_t>& ids,
                 const std::string& day = "2024-01-01") {
  auto r = append(fs, kRoot, rows(ids, day));
  ASSERT_TRUE(r.is_ok()) << r.status().message();
}

Snapshot load(util::FileSystem& fs) {
  auto s = load_snapshot(fs, kRoot);
  EXPECT_TRUE(s.is_ok()) << s.status().message();
  return std::move(s).value();
}

// Deletes every row of the (unpartitioned) table with its tombstones stamped at now_ms.
void remove_all(util::FileSystem& fs, int64_t now_ms) {
  Snapshot s = load(fs);
  auto tx = Transaction::begin(fs, s);
  ASSERT_TRUE(tx.is_ok()) << tx.status().message();
  for (const AddFile& add : s.files) tx.value().remove_file(Transaction::remove_of(add, now_ms));
  CommitOptions options;
  options.operation = "DELETE";
  options.now_ms = now_ms;
  auto r = tx.value().commit(options);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
}

std::string file_path(const std::string& relative) { return std::string(kRoot) + "/" + relative; }

bool exists(util::FileSystem& fs, const std::string& path) {
  auto e = fs.exists(path);
  return e.is_ok() && e.value();
}

VacuumResult run(util::FileSystem& fs, int64_t now_ms, bool dry_run = false,
                 int64_t retention_ms = 7 * kDayMs) {
  VacuumOptions options;
  options.now_ms = now_ms;
  options.dry_run = dry_run;
  options.retention_ms = retention_ms;
  auto r = vacuum(fs, kRoot, options);
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  return r.is_ok() ? std::move(r).value() : VacuumResult{};
}

TEST(Vacuum, OrphanFileOlderThanRetentionIsDeleted) {
  util::InMemoryFileSystem fs;
  make_table(fs);
  append_rows(fs, {1, 2});
  ASSERT_TRUE(fs.put_file(file_path("part-orphan.parquet"), "junk").is_ok());
  VacuumResult r = run(fs, wall_ms() + 30 * kDayMs);
  EXPECT_EQ(r.files_to_delete, std::vector<std::string>{"part-orphan.parquet"});
  EXPECT_EQ(r.bytes, 4);
  EXPECT_FALSE(r.dry_run);
  EXPECT_FALSE(exists(fs, file_path("part-orphan.parquet")));
}

TEST(Vacuum, LiveFileIsNeverDeletedEvenIfOld) {
  util::InMemoryFileSystem fs;
  make_table(fs);
  append_rows(fs, {1, 2});
  append_rows(fs, {3});
  VacuumResult r = run(fs, wall_ms() + 365 * kDayMs);
  EXPECT_TRUE(r.files_to_delete.empty());
  Snapshot s = load(fs);
  ASSERT_EQ(s.files.size(), 2u);
  for (const AddFile& add : s.files) EXPECT_TRUE(exists(fs, file_path(add.path))) << add.path;
}

TEST(Vacuum, FileRemovedWithinRetentionIsKept) {
  util::InMemoryFileSystem fs;
  make_table(fs);
  append_rows(fs, {1, 2});
  const std::string removed = load(fs).files.at(0).path;
  const int64_t now = wall_ms() + 30 * kDayMs;
  remove_all(fs, now - kDayMs);  // tombstone one day old at vacuum time
  VacuumResult r = run(fs, now);
  EXPECT_TRUE(r.files_to_delete.empty());
  EXPECT_TRUE(exists(fs, file_path(removed)));
}

TEST(Vacuum, FileRemovedPastRetentionIsDeleted) {
  util::InMemoryFileSystem fs;
  make_table(fs);
  append_rows(fs, {1, 2});
  const std::string removed = load(fs).files.at(0).path;
  const int64_t now = wall_ms() + 30 * kDayMs;
  remove_all(fs, now - 8 * kDayMs);
  VacuumResult r = run(fs, now);
  EXPECT_EQ(r.files_to_delete, std::vector<std::string>{removed});
  EXPECT_FALSE(exists(fs, file_path(removed)));
  // The log is untouched: the table still loads, empty.
  EXPECT_TRUE(load(fs).files.empty());
}

TEST(Vacuum, TombstoneWithoutTimestampCountsAsExpired) {
  util::InMemoryFileSystem fs;
  make_table(fs);
  append_rows(fs, {1});
  Snapshot s = load(fs);
  const std::string removed = s.files.at(0).path;
  auto tx = Transaction::begin(fs, s);
  ASSERT_TRUE(tx.is_ok());
  RemoveFile remove = Transaction::remove_of(s.files[0], 0);
  remove.deletion_timestamp.reset();
  tx.value().remove_file(remove);
  ASSERT_TRUE(tx.value().commit({}).is_ok());
  VacuumResult r = run(fs, wall_ms() + 30 * kDayMs);
  EXPECT_EQ(r.files_to_delete, std::vector<std::string>{removed});
}

TEST(Vacuum, DryRunListsButDeletesNothing) {
  util::InMemoryFileSystem fs;
  make_table(fs);
  append_rows(fs, {1, 2});
  ASSERT_TRUE(fs.put_file(file_path("a-orphan.parquet"), "12345").is_ok());
  ASSERT_TRUE(fs.put_file(file_path("sub/b-orphan.parquet"), "1").is_ok());
  VacuumResult r = run(fs, wall_ms() + 30 * kDayMs, /*dry_run=*/true);
  EXPECT_TRUE(r.dry_run);
  EXPECT_EQ(r.files_to_delete,
            (std::vector<std::string>{"a-orphan.parquet", "sub/b-orphan.parquet"}));
  EXPECT_EQ(r.bytes, 6);
  EXPECT_TRUE(exists(fs, file_path("a-orphan.parquet")));
  EXPECT_TRUE(exists(fs, file_path("sub/b-orphan.parquet")));
  EXPECT_TRUE(exists(fs, file_path("sub")));
}

TEST(Vacuum, RetentionBelowTableSettingIsRefused) {
  util::InMemoryFileSystem fs;
  make_table(fs);
  VacuumOptions options;
  options.retention_ms = 3600 * 1000;
  auto r = vacuum(fs, kRoot, options);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("retention of 1 hours is refused"), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("delta.deletedFileRetentionDuration (168 hours)"),
            std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("enforce_retention_check"), std::string::npos);
}

TEST(Vacuum, ShortRetentionAllowedWhenCheckIsOff) {
  util::InMemoryFileSystem fs;
  make_table(fs);
  ASSERT_TRUE(fs.put_file(file_path("orphan.parquet"), "x").is_ok());
  VacuumOptions options;
  options.retention_ms = 0;
  options.enforce_retention_check = false;
  options.now_ms = wall_ms() + 1000;
  auto r = vacuum(fs, kRoot, options);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r.value().files_to_delete, std::vector<std::string>{"orphan.parquet"});
}

TEST(Vacuum, TableRetentionPropertyLowersTheCheck) {
  util::InMemoryFileSystem fs;
  make_table(fs, {}, {{"delta.deletedFileRetentionDuration", "interval 1 days"}});
  VacuumOptions options;
  options.retention_ms = kDayMs;
  EXPECT_TRUE(vacuum(fs, kRoot, options).is_ok());
  options.retention_ms = kDayMs - 1;
  EXPECT_FALSE(vacuum(fs, kRoot, options).is_ok());
}

TEST(Vacuum, BadTableRetentionPropertyIsAnError) {
  util::InMemoryFileSystem fs;
  make_table(fs, {}, {{"delta.deletedFileRetentionDuration", "interval 1 month"}});
  auto r = vacuum(fs, kRoot, VacuumOptions{});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("delta.deletedFileRetentionDuration"), std::string::npos)
      << r.status().message();
}

TEST(Vacuum, NegativeRetentionIsRefused) {
  util::InMemoryFileSystem fs;
  make_table(fs);
  VacuumOptions options;
  options.retention_ms = -1;
  options.enforce_retention_check = false;
  EXPECT_EQ(vacuum(fs, kRoot, options).status().code(), util::StatusCode::kInvalidArgument);
}

TEST(Vacuum, FreshUncommittedFileIsKept) {
  util::InMemoryFileSystem fs;
  make_table(fs);
  ASSERT_TRUE(fs.put_file(file_path("part-inflight.parquet"), "data").is_ok());
  VacuumResult r = run(fs, 0);  // the system clock: the file is seconds old
  EXPECT_TRUE(r.files_to_delete.empty());
  EXPECT_TRUE(exists(fs, file_path("part-inflight.parquet")));
}

TEST(Vacuum, LogAndHiddenEntriesAreKept) {
  util::InMemoryFileSystem fs;
  make_table(fs);
  append_rows(fs, {1});
  ASSERT_TRUE(fs.put_file(file_path(".hidden"), "h").is_ok());
  ASSERT_TRUE(fs.put_file(file_path("_tmp/x.parquet"), "h").is_ok());
  ASSERT_TRUE(fs.put_file(file_path("_delta_log/junk.txt"), "h").is_ok());
  VacuumResult r = run(fs, wall_ms() + 30 * kDayMs);
  EXPECT_TRUE(r.files_to_delete.empty());
  EXPECT_TRUE(exists(fs, file_path(".hidden")));
  EXPECT_TRUE(exists(fs, file_path("_tmp/x.parquet")));
  EXPECT_TRUE(exists(fs, file_path("_delta_log/junk.txt")));
  EXPECT_TRUE(exists(fs, file_path("_delta_log/" + commit_file_name(1))));
  EXPECT_EQ(load(fs).version, 1);
}

TEST(Vacuum, OrphanCommitTempFileIsDeleted) {
  util::InMemoryFileSystem fs;
  make_table(fs);
  const std::string temp = "_delta_log/.6f1c2a64-0000-4000-8000-000000000000.json.tmp";
  ASSERT_TRUE(fs.put_file(file_path(temp), "{}").is_ok());
  EXPECT_TRUE(run(fs, 0).files_to_delete.empty());  // fresh: a committer may own it
  VacuumResult r = run(fs, wall_ms() + 30 * kDayMs);
  EXPECT_EQ(r.files_to_delete, std::vector<std::string>{temp});
  EXPECT_FALSE(exists(fs, file_path(temp)));
}

TEST(Vacuum, ChangeDataFilesAreVacuumed) {
  util::InMemoryFileSystem fs;
  make_table(fs);
  ASSERT_TRUE(fs.put_file(file_path("_change_data/cdc-0.parquet"), "c").is_ok());
  VacuumResult r = run(fs, wall_ms() + 30 * kDayMs);
  EXPECT_EQ(r.files_to_delete, std::vector<std::string>{"_change_data/cdc-0.parquet"});
}

TEST(Vacuum, EmptiedPartitionDirectoryIsRemoved) {
  util::InMemoryFileSystem fs;
  make_table(fs, {"day"});
  append_rows(fs, {1}, "2024-01-01");
  append_rows(fs, {2}, "2024-01-02");
  // Remove the files of day 2024-01-01 long ago.
  Snapshot s = load(fs);
  const int64_t now = wall_ms() + 30 * kDayMs;
  auto tx = Transaction::begin(fs, s);
  ASSERT_TRUE(tx.is_ok());
  std::string removed;
  for (const AddFile& add : s.files) {
    if (add.partition_values.at("day") == "2024-01-01") {
      removed = add.path;
      tx.value().remove_file(Transaction::remove_of(add, now - 10 * kDayMs));
    }
  }
  ASSERT_FALSE(removed.empty());
  ASSERT_TRUE(tx.value().commit({}).is_ok());
  VacuumResult r = run(fs, now);
  EXPECT_EQ(r.files_to_delete, std::vector<std::string>{removed});
  EXPECT_FALSE(exists(fs, file_path("day=2024-01-01")));
  EXPECT_TRUE(exists(fs, file_path("day=2024-01-02")));
  EXPECT_TRUE(exists(fs, kRoot));
  ASSERT_EQ(load(fs).files.size(), 1u);
}

TEST(Vacuum, AlreadyEmptyDirectoryIsLeftForItsWriter) {
  util::InMemoryFileSystem fs;
  make_table(fs);
  ASSERT_TRUE(fs.create_dirs(file_path("day=2024-05-05")).is_ok());
  run(fs, wall_ms() + 30 * kDayMs);
  EXPECT_TRUE(exists(fs, file_path("day=2024-05-05")));
}

TEST(Vacuum, PartitionDirectoryWithLeadingUnderscoreIsNotHidden) {
  util::InMemoryFileSystem fs;
  Schema schema;
  schema.fields = {field("id", TypeKind::kLong), field("_p", TypeKind::kString)};
  ASSERT_TRUE(create_table(fs, kRoot, schema, {"_p"}, {}).is_ok());
  ASSERT_TRUE(fs.put_file(file_path("_p=a/orphan.parquet"), "o").is_ok());
  ASSERT_TRUE(fs.put_file(file_path("_q=a/hidden.parquet"), "o").is_ok());
  VacuumResult r = run(fs, wall_ms() + 30 * kDayMs);
  EXPECT_EQ(r.files_to_delete, std::vector<std::string>{"_p=a/orphan.parquet"});
}

TEST(Vacuum, DeletionVectorFileOfLiveFileIsKept) {
  util::InMemoryFileSystem fs;
  make_table(fs);
  append_rows(fs, {1, 2});
  Snapshot s = load(fs);
  // A live add carrying a deletion vector stored beside the table.
  AddFile with_dv = s.files.at(0);
  DeletionVectorDescriptor dv;
  dv.storage_type = 'u';
  dv.path_or_inline_dv = "ab^-aqEH.-t@S}K{vb[*k^";
  dv.offset = 1;
  dv.size_in_bytes = 10;
  dv.cardinality = 1;
  with_dv.deletion_vector = dv;
  auto tx = Transaction::begin(fs, s);
  ASSERT_TRUE(tx.is_ok());
  tx.value().remove_file(Transaction::remove_of(s.files[0], wall_ms()));
  tx.value().add_file(with_dv);
  ASSERT_TRUE(tx.value().commit({}).is_ok());
  const std::string dv_file = "ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin";
  ASSERT_TRUE(fs.put_file(file_path(dv_file), "dv").is_ok());
  ASSERT_TRUE(fs.put_file(file_path("ab/deletion_vector_orphan.bin"), "dv").is_ok());
  VacuumResult r = run(fs, wall_ms() + 30 * kDayMs);
  EXPECT_EQ(r.files_to_delete, std::vector<std::string>{"ab/deletion_vector_orphan.bin"});
  EXPECT_TRUE(exists(fs, file_path(dv_file)));
}

TEST(Vacuum, WorksOnThePosixFileSystem) {
  std::random_device rd;
  const std::string root = (std::filesystem::temp_directory_path() /
                            ("medallion-vacuum-" + std::to_string(rd()) + std::to_string(rd())))
                               .string();
  util::FileSystem& fs = util::posix_file_system();
  ASSERT_TRUE(create_table(fs, root, table_schema(), {"day"}, {}).is_ok());
  ASSERT_TRUE(append(fs, root, rows({1, 2}, "2024-01-01")).is_ok());
  ASSERT_TRUE(fs.create_dirs(root + "/day=2024-01-09").is_ok());
  ASSERT_TRUE(util::write_file_atomic(fs, root + "/day=2024-01-09/orphan.parquet", "o").is_ok());
  VacuumOptions options;
  options.now_ms = wall_ms() + 30 * kDayMs;
  auto r = vacuum(fs, root, options);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r.value().files_to_delete, std::vector<std::string>{"day=2024-01-09/orphan.parquet"});
  EXPECT_FALSE(std::filesystem::exists(root + "/day=2024-01-09"));
  EXPECT_TRUE(std::filesystem::exists(root + "/day=2024-01-01"));
  auto s = load_snapshot(fs, root);
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  EXPECT_EQ(s.value().files.size(), 1u);
  std::filesystem::remove_all(root);
}

TEST(Vacuum, MissingTableIsNotFound) {
  util::InMemoryFileSystem fs;
  auto r = vacuum(fs, "/nowhere", VacuumOptions{});
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("cannot vacuum table /nowhere"), std::string::npos);
}

TEST(ParseIntervalMs, AcceptsSparkIntervals) {
  EXPECT_EQ(parse_interval_ms("interval 7 days").value(), 7 * kDayMs);
  EXPECT_EQ(parse_interval_ms("interval 1 week").value(), 7 * kDayMs);
  EXPECT_EQ(parse_interval_ms("INTERVAL 36 Hours 30 minutes").value(),
            36 * 3600 * 1000LL + 30 * 60 * 1000LL);
  EXPECT_EQ(parse_interval_ms("15 seconds").value(), 15000);
  EXPECT_EQ(parse_interval_ms("interval 2000 microseconds").value(), 2);
}

TEST(ParseIntervalMs, RejectsMalformedIntervals) {
  for (const char* text : {"", "interval", "interval 7", "interval x days", "interval 7 fortnights",
                           "interval 1 month", "interval 99999999999999999 weeks"}) {
    auto r = parse_interval_ms(text);
    EXPECT_FALSE(r.is_ok()) << text;
    if (!r.is_ok()) {
      EXPECT_EQ(r.status().code(), util::StatusCode::kInvalidArgument) << text;
    }
  }
}

}  // namespace
}  // namespace medallion::delta
