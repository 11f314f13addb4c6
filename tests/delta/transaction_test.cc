#include "delta/transaction.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "delta/action_json.h"
#include "delta/delta_schema.h"
#include "delta/log_format.h"
#include "util/in_memory_file_system.h"
#include "util/random_uuid.h"

namespace medallion::delta {
namespace {

constexpr char kRoot[] = "/lake/t";

CommitOptions operation(std::string name) {
  CommitOptions options;
  options.operation = std::move(name);
  return options;
}

Metadata table_metadata(std::vector<std::string> partition_columns = {}) {
  Metadata m;
  m.id = util::random_uuid();
  m.schema_string =
      R"({"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}},)"
      R"({"name":"day","type":"date","nullable":true,"metadata":{}}]})";
  m.partition_columns = std::move(partition_columns);
  m.created_time = 1700000000000;
  return m;
}

AddFile add(std::string path, PartitionValues partition = {}) {
  AddFile a;
  a.path = std::move(path);
  a.partition_values = std::move(partition);
  a.size = 100;
  a.modification_time = 1700000000000;
  return a;
}

Snapshot load(util::FileSystem& fs, const std::string& root = kRoot) {
  auto s = load_snapshot(fs, root);
  EXPECT_TRUE(s.is_ok()) << s.status().message();
  return std::move(s).value();
}

void create_table(util::FileSystem& fs, std::vector<std::string> partition_columns = {},
                  const std::string& root = kRoot) {
  auto tx = Transaction::create(fs, root, table_metadata(std::move(partition_columns)));
  ASSERT_TRUE(tx.is_ok()) << tx.status().message();
  auto r = tx.value().commit(operation("CREATE TABLE"));
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r.value().version, 0);
}

TEST(Transaction, CreateWritesVersionZeroWithProtocolAndMetadata) {
  util::InMemoryFileSystem fs;
  create_table(fs);
  Snapshot s = load(fs);
  EXPECT_EQ(s.version, 0);
  EXPECT_EQ(s.protocol.min_reader_version, 1);
  EXPECT_EQ(s.protocol.min_writer_version, 2);
  ASSERT_EQ(s.schema.fields.size(), 2u);
  EXPECT_TRUE(s.files.empty());
}

TEST(Transaction, CreateOverAnExistingTableFails) {
  util::InMemoryFileSystem fs;
  create_table(fs);
  auto tx = Transaction::create(fs, kRoot, table_metadata());
  ASSERT_FALSE(tx.is_ok());
  EXPECT_EQ(tx.status().code(), util::StatusCode::kAlreadyExists);
}

TEST(Transaction, AppendAddsFilesAndCommitInfo) {
  util::InMemoryFileSystem fs;
  create_table(fs);
  auto tx = Transaction::begin(fs, load(fs));
  ASSERT_TRUE(tx.is_ok());
  tx.value().add_file(add("a.parquet"));
  CommitOptions options;
  options.parameters["mode"] = "Append";
  options.metrics["numFiles"] = "1";
  options.now_ms = 1700000001234;
  auto r = tx.value().commit(options);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r.value().version, 1);
  Snapshot s = load(fs);
  ASSERT_EQ(s.files.size(), 1u);
  EXPECT_EQ(s.files[0].path, "a.parquet");
  auto text = fs.read_file(std::string(kRoot) + "/_delta_log/" + commit_file_name(1));
  ASSERT_TRUE(text.is_ok());
  auto actions = parse_actions(text.value(), "commit");
  ASSERT_TRUE(actions.is_ok()) << actions.status().message();
  const auto* info = std::get_if<CommitInfo>(&actions.value().front());
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->timestamp, 1700000001234);
  EXPECT_EQ(info->operation, "WRITE");
  EXPECT_NE(info->json.find(R"("operationParameters":{"mode":"Append"})"), std::string::npos);
  EXPECT_NE(info->json.find(R"("isBlindAppend":true)"), std::string::npos);
}

TEST(Transaction, CommittingTwiceIsRefused) {
  util::InMemoryFileSystem fs;
  create_table(fs);
  auto tx = Transaction::begin(fs, load(fs));
  ASSERT_TRUE(tx.value().commit({}).is_ok());
  EXPECT_FALSE(tx.value().commit({}).is_ok());
}

TEST(Transaction, ConcurrentBlindAppendsBothCommit) {
  util::InMemoryFileSystem fs;
  create_table(fs);
  Snapshot s = load(fs);
  auto a = Transaction::begin(fs, s);
  auto b = Transaction::begin(fs, s);
  a.value().add_file(add("a.parquet"));
  b.value().add_file(add("b.parquet"));
  ASSERT_EQ(a.value().commit({}).value().version, 1);
  auto rb = b.value().commit({});
  ASSERT_TRUE(rb.is_ok()) << rb.status().message();
  EXPECT_EQ(rb.value().version, 2);
  EXPECT_EQ(rb.value().attempts, 2);
  EXPECT_EQ(load(fs).files.size(), 2u);
}

TEST(Transaction, ConcurrentRemovesOfOneFileConflict) {
  util::InMemoryFileSystem fs;
  create_table(fs);
  {
    auto tx = Transaction::begin(fs, load(fs));
    tx.value().add_file(add("a.parquet"));
    ASSERT_TRUE(tx.value().commit({}).is_ok());
  }
  Snapshot s = load(fs);
  auto a = Transaction::begin(fs, s);
  auto b = Transaction::begin(fs, s);
  a.value().remove_file(Transaction::remove_of(s.files[0], 1));
  b.value().remove_file(Transaction::remove_of(s.files[0], 1));
  b.value().add_file(add("b.parquet"));
  ASSERT_TRUE(a.value().commit(operation("DELETE")).is_ok());
  auto rb = b.value().commit(operation("UPDATE"));
  ASSERT_FALSE(rb.is_ok());
  EXPECT_EQ(rb.status().code(), util::StatusCode::kAborted);
  EXPECT_NE(rb.status().message().find("removed file a.parquet"), std::string::npos)
      << rb.status().message();
  // The loser left nothing behind: version 2 is the winner's and no temp file stays.
  Snapshot after = load(fs);
  EXPECT_EQ(after.version, 2);
  EXPECT_TRUE(after.files.empty());
  auto names = fs.list_dir(std::string(kRoot) + "/_delta_log");
  for (const auto& n : names.value()) EXPECT_EQ(n.find(".tmp"), std::string::npos) << n;
}

TEST(Transaction, AppendIntoAReadPartitionConflictsOtherPartitionsDoNot) {
  util::InMemoryFileSystem fs;
  create_table(fs, {"day"});
  PartitionValues d1{{"day", "2024-01-01"}}, d2{{"day", "2024-01-02"}};
  Snapshot s = load(fs);
  auto reader = Transaction::begin(fs, s);
  reader.value().mark_read(d1);
  reader.value().add_file(add("day=2024-01-01/r.parquet", d1));
  auto other = Transaction::begin(fs, s);
  other.value().add_file(add("day=2024-01-02/o.parquet", d2));
  ASSERT_TRUE(other.value().commit({}).is_ok());
  ASSERT_TRUE(reader.value().commit({}).is_ok()) << "an append elsewhere is compatible";

  Snapshot s2 = load(fs);
  auto reader2 = Transaction::begin(fs, s2);
  reader2.value().mark_read(d1);
  auto writer = Transaction::begin(fs, s2);
  writer.value().add_file(add("day=2024-01-01/w.parquet", d1));
  ASSERT_TRUE(writer.value().commit({}).is_ok());
  auto r = reader2.value().commit({});
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kAborted);
}

TEST(Transaction, SameApplicationIdConflicts) {
  util::InMemoryFileSystem fs;
  create_table(fs);
  Snapshot s = load(fs);
  auto a = Transaction::begin(fs, s);
  auto b = Transaction::begin(fs, s);
  a.value().set_txn("stream-1", 7, 1);
  b.value().set_txn("stream-1", 7, 1);
  ASSERT_TRUE(a.value().commit({}).is_ok());
  EXPECT_FALSE(b.value().commit({}).is_ok());
  EXPECT_EQ(load(fs).txn_version("stream-1"), 7);
}

TEST(Transaction, MetadataChangeConflictsWithEveryone) {
  util::InMemoryFileSystem fs;
  create_table(fs);
  Snapshot s = load(fs);
  auto a = Transaction::begin(fs, s);
  auto b = Transaction::begin(fs, s);
  Metadata m = s.metadata;
  m.configuration["delta.checkpointInterval"] = "5";
  a.value().update_metadata(m);
  b.value().add_file(add("b.parquet"));
  ASSERT_TRUE(a.value().commit({}).is_ok());
  EXPECT_FALSE(b.value().commit({}).is_ok());
}

TEST(Transaction, TableNeedingANewerWriterIsRefused) {
  util::InMemoryFileSystem fs;
  Protocol p;
  p.min_reader_version = 1;
  p.min_writer_version = 7;
  p.writer_features = std::vector<std::string>{"rowTracking"};
  auto tx = Transaction::create(fs, kRoot, table_metadata(), p);
  ASSERT_FALSE(tx.is_ok());
  EXPECT_EQ(tx.status().code(), util::StatusCode::kUnsupported);
  EXPECT_NE(tx.status().message().find("rowTracking"), std::string::npos);
}

TEST(Transaction, FailedPublishLeavesTheTableUnchanged) {
  util::InMemoryFileSystem base;
  create_table(base);
  util::FaultInjectingFileSystem fs(base);
  auto tx = Transaction::begin(fs, load(base));
  tx.value().add_file(add("a.parquet"));
  fs.fail_nth(util::FsOp::kRenameNoReplace, 1);
  EXPECT_FALSE(tx.value().commit({}).is_ok());
  Snapshot s = load(base);
  EXPECT_EQ(s.version, 0);
  EXPECT_TRUE(s.files.empty());
}

// Four writers append 50 times each to one table on the real file system:
// exactly 200 new versions, every file present once.
TEST(Transaction, FourWritersFiftyAppendsEachOnDisk) {
  auto dir = std::filesystem::temp_directory_path() /
             fmt::format("medallion-delta-tx-{}-{}", ::getpid(), util::random_uuid());
  std::string root = dir.string();
  util::FileSystem& fs = util::posix_file_system();
  create_table(fs, {}, root);
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < 50; ++i) {
        auto s = load_snapshot(fs, root);
        if (!s.is_ok()) {
          ++failures;
          continue;
        }
        auto tx = Transaction::begin(fs, s.value());
        tx.value().add_file(add(fmt::format("w{}-{}.parquet", w, i)));
        if (!tx.value().commit({}).is_ok()) ++failures;
      }
    });
  }
  for (auto& t : writers) t.join();
  EXPECT_EQ(failures.load(), 0);
  Snapshot s = load(fs, root);
  EXPECT_EQ(s.version, 200);
  std::set<std::string> paths;
  for (const AddFile& f : s.files) paths.insert(f.path);
  EXPECT_EQ(paths.size(), 200u);
  EXPECT_EQ(s.files.size(), 200u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace medallion::delta
