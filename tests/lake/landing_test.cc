#include "lake/landing.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include "fixture_server.h"
#include "util/civil_time.h"
#include "util/in_memory_file_system.h"
#include "util/progress.h"
#include "util/sha256.h"

namespace medallion::lake {
namespace {

using test_support::FixtureServer;
using test_support::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kSource[] = "/src/assignment_data.jsonl.bz2";
constexpr char kDayDir[] = "/lake/landingzone/assignment_data/2016-12-02";
constexpr char kFinal[] = "/lake/landingzone/assignment_data/2016-12-02/assignment_data.jsonl.bz2";
constexpr char kManifest[] =
    "/lake/landingzone/assignment_data/2016-12-02/assignment_data.jsonl.bz2.manifest.json";

std::string payload(size_t n, int seed = 1) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + seed * 7) % 253);
  return s;
}

LandingOptions options_at(std::string_view instant, std::string source = kSource) {
  LandingOptions o;
  o.source = std::move(source);
  o.lake_root = "/lake";
  o.now_micros = *util::parse_iso8601(instant);
  return o;
}

// Every path under root (files and directories), for "nothing left behind".
void walk(util::FileSystem& fs, const std::string& dir, std::vector<std::string>& out) {
  auto names = fs.list_dir(dir);
  if (!names.is_ok()) return;
  for (const std::string& name : *names) {
    const std::string path = util::join_path(dir, name);
    out.push_back(path);
    walk(fs, path, out);
  }
}
std::vector<std::string> tree(util::FileSystem& fs, const std::string& root) {
  std::vector<std::string> out;
  walk(fs, root, out);
  return out;
}

class InMemoryLanding : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(fs_.put_file(kSource, data_).is_ok()); }
  util::InMemoryFileSystem fs_;
  std::string data_ = payload(300'000);
};

TEST_F(InMemoryLanding, LandsTheBytesAndAManifest) {
  auto report = land_source(fs_, options_at("2016-12-02T10:00:00Z"));
  ASSERT_TRUE(report.is_ok()) << report.status().message();
  EXPECT_FALSE(report->already_landed);
  EXPECT_EQ(report->path, kFinal);
  EXPECT_EQ(report->manifest_path, kManifest);
  EXPECT_EQ(*fs_.read_file(kFinal), data_);
  const LandingManifest& m = report->manifest;
  EXPECT_EQ(m.file_name, "assignment_data.jsonl.bz2");
  EXPECT_EQ(m.source, kSource);
  EXPECT_EQ(m.size, data_.size());
  EXPECT_EQ(m.sha256, util::Sha256::of(data_));
  EXPECT_EQ(m.load_date, "2016-12-02");
  EXPECT_EQ(util::format_iso8601(m.fetched_at_micros), "2016-12-02T10:00:00");
  EXPECT_FALSE(m.http_status.has_value());
  EXPECT_EQ(*read_manifest(fs_, kManifest), m);
  EXPECT_THAT(*fs_.list_dir(kDayDir),
              ElementsAre("assignment_data.jsonl.bz2", "assignment_data.jsonl.bz2.manifest.json"));
}

TEST_F(InMemoryLanding, LoadDateIsTheUtcDateOfNow) {
  auto report = land_source(fs_, options_at("2016-12-02T23:30:00-02:00"));
  ASSERT_TRUE(report.is_ok());
  EXPECT_EQ(report->manifest.load_date, "2016-12-03");
  EXPECT_THAT(report->path, HasSubstr("/2016-12-03/"));
}

TEST_F(InMemoryLanding, LandedFileAndManifestSurviveACrash) {
  ASSERT_TRUE(land_source(fs_, options_at("2016-12-02T10:00:00Z")).is_ok());
  fs_.drop_unsynced_data();
  EXPECT_EQ(*fs_.read_file(kFinal), data_);
  EXPECT_EQ(read_manifest(fs_, kManifest)->sha256, util::Sha256::of(data_));
}

TEST_F(InMemoryLanding, ProgressCountsTheBytesAgainstTheTotal) {
  util::Progress progress({.label = "land", .quiet = true});
  LandingOptions o = options_at("2016-12-02T10:00:00Z");
  o.progress = &progress;
  ASSERT_TRUE(land_source(fs_, o).is_ok());
  EXPECT_EQ(progress.bytes(), data_.size());
  EXPECT_THAT(progress.render_line_at(std::chrono::seconds(1)), HasSubstr("/ 300.0 kB  100%"));
}

TEST_F(InMemoryLanding, SameBytesAgainCopyNothing) {
  ASSERT_TRUE(land_source(fs_, options_at("2016-12-02T10:00:00Z")).is_ok());
  const std::vector<std::string> before = tree(fs_, "/lake");
  for (const char* when : {"2016-12-02T11:00:00Z", "2016-12-09T10:00:00Z"}) {
    auto again = land_source(fs_, options_at(when));
    ASSERT_TRUE(again.is_ok()) << again.status().message();
    EXPECT_TRUE(again->already_landed);
    EXPECT_EQ(again->path, kFinal);
    EXPECT_EQ(util::format_iso8601(again->manifest.fetched_at_micros), "2016-12-02T10:00:00");
    EXPECT_EQ(tree(fs_, "/lake"), before) << when;  // no copy, no partial file, no new directory
  }
}

TEST_F(InMemoryLanding, SameBytesUnderAnotherNameAreAlreadyLanded) {
  ASSERT_TRUE(land_source(fs_, options_at("2016-12-02T10:00:00Z")).is_ok());
  ASSERT_TRUE(fs_.put_file("/elsewhere/copy.bin", data_).is_ok());
  auto again = land_source(fs_, options_at("2016-12-03T10:00:00Z", "/elsewhere/copy.bin"));
  ASSERT_TRUE(again.is_ok());
  EXPECT_TRUE(again->already_landed);
  EXPECT_EQ(again->path, kFinal);
}

TEST_F(InMemoryLanding, DifferentBytesTheSameDayAreRefused) {
  ASSERT_TRUE(land_source(fs_, options_at("2016-12-02T10:00:00Z")).is_ok());
  ASSERT_TRUE(fs_.put_file("/v2/assignment_data.jsonl.bz2", payload(1000, 2)).is_ok());
  auto again =
      land_source(fs_, options_at("2016-12-02T12:00:00Z", "/v2/assignment_data.jsonl.bz2"));
  ASSERT_FALSE(again.is_ok());
  EXPECT_EQ(again.status().code(), util::StatusCode::kAlreadyExists);
  EXPECT_THAT(again.status().message(),
              HasSubstr(std::string("land: a different file is already landed as ") + kFinal));
  EXPECT_EQ(*fs_.read_file(kFinal), data_);
  EXPECT_EQ(fs_.list_dir(kDayDir)->size(), 2u);  // no partial file left
}

TEST_F(InMemoryLanding, DifferentBytesAnotherDayLand) {
  ASSERT_TRUE(land_source(fs_, options_at("2016-12-02T10:00:00Z")).is_ok());
  ASSERT_TRUE(fs_.put_file("/v2/assignment_data.jsonl.bz2", payload(1000, 2)).is_ok());
  auto again =
      land_source(fs_, options_at("2016-12-03T10:00:00Z", "/v2/assignment_data.jsonl.bz2"));
  ASSERT_TRUE(again.is_ok());
  EXPECT_FALSE(again->already_landed);
}

TEST_F(InMemoryLanding, FileWithoutManifestIsAdoptedWhenTheBytesMatch) {
  // As left by a crash between the rename and the manifest.
  ASSERT_TRUE(fs_.put_file(kFinal, data_).is_ok());
  auto report = land_source(fs_, options_at("2016-12-02T10:00:00Z"));
  ASSERT_TRUE(report.is_ok()) << report.status().message();
  EXPECT_TRUE(report->already_landed);
  EXPECT_EQ(read_manifest(fs_, kManifest)->sha256, util::Sha256::of(data_));
  EXPECT_EQ(fs_.list_dir(kDayDir)->size(), 2u);
}

TEST_F(InMemoryLanding, UnreadableManifestElsewhereIsSkipped) {
  ASSERT_TRUE(fs_.put_file("/lake/landingzone/assignment_data/2016-11-01/x.manifest.json", "{oops")
                  .is_ok());
  ASSERT_TRUE(fs_.put_file("/lake/landingzone/assignment_data/stray-file", "x").is_ok());
  auto report = land_source(fs_, options_at("2016-12-02T10:00:00Z"));
  ASSERT_TRUE(report.is_ok()) << report.status().message();
  EXPECT_FALSE(report->already_landed);
}

TEST_F(InMemoryLanding, EmptySourceLandsAnEmptyFile) {
  ASSERT_TRUE(fs_.put_file("/src/empty.bz2", "").is_ok());
  auto report = land_source(fs_, options_at("2016-12-02T10:00:00Z", "/src/empty.bz2"));
  ASSERT_TRUE(report.is_ok()) << report.status().message();
  EXPECT_EQ(report->manifest.size, 0u);
  EXPECT_EQ(*fs_.read_file(report->path), "");
}

TEST_F(InMemoryLanding, MissingSourceIsNotFoundAndCreatesNothing) {
  auto report = land_source(fs_, options_at("2016-12-02T10:00:00Z", "/src/nope.bz2"));
  ASSERT_FALSE(report.is_ok());
  EXPECT_EQ(report.status().code(), util::StatusCode::kNotFound);
  EXPECT_EQ(report.status().message(),
            "land: source file not found (/src/nope.bz2): check the path");
  EXPECT_FALSE(*fs_.exists("/lake"));
}

TEST_F(InMemoryLanding, UnwritableLakeFailsAndLeavesNothing) {
  ASSERT_TRUE(fs_.put_file("/plain", "a file, not a directory").is_ok());
  LandingOptions o = options_at("2016-12-02T10:00:00Z");
  o.lake_root = "/plain/lake";
  auto report = land_source(fs_, o);
  ASSERT_FALSE(report.is_ok());
  EXPECT_THAT(report.status().message(), HasSubstr("/plain is not a directory"));
  EXPECT_EQ(*fs_.read_file("/plain"), "a file, not a directory");
}

TEST_F(InMemoryLanding, NoSourceIsInvalid) {
  LandingOptions o = options_at("2016-12-02T10:00:00Z", "");
  EXPECT_EQ(land_source(fs_, o).status().code(), util::StatusCode::kInvalidArgument);
}

// Whichever file-system call fails, the landing fails cleanly: nothing under
// the final name, no partial file, no directory it created — or it succeeds
// whole. Cleanup calls themselves (remove_file, remove_dir) are exempt from
// the "nothing left" part: when they fail there is nothing more to do.
TEST_F(InMemoryLanding, EveryFaultLeavesTheLakeCleanOrTheLandingWhole) {
  for (size_t op = 0; op < util::kFsOpCount; ++op) {
    for (uint64_t nth = 1; nth <= 3; ++nth) {
      util::InMemoryFileSystem base;
      ASSERT_TRUE(base.put_file(kSource, data_).is_ok());
      util::FaultInjectingFileSystem fs(base);
      fs.fail_nth(static_cast<util::FsOp>(op), nth);
      auto report = land_source(fs, options_at("2016-12-02T10:00:00Z"));
      const std::string what =
          std::string(util::fs_op_name(static_cast<util::FsOp>(op))) + " #" + std::to_string(nth);
      if (report.is_ok()) {
        EXPECT_EQ(*base.read_file(kFinal), data_) << what;
        EXPECT_TRUE(read_manifest(base, kManifest).is_ok()) << what;
        EXPECT_EQ(base.list_dir(kDayDir)->size(), 2u) << what;
        continue;
      }
      EXPECT_THAT(report.status().message(), HasSubstr("injected fault")) << what;
      EXPECT_FALSE(*base.exists(kFinal)) << what;
      EXPECT_FALSE(*base.exists(kManifest)) << what;
      const auto op_kind = static_cast<util::FsOp>(op);
      if (op_kind != util::FsOp::kRemoveFile && op_kind != util::FsOp::kRemoveDir) {
        EXPECT_THAT(tree(base, "/lake"), ElementsAre()) << what;
      }
    }
  }
}

// A crash at any point, then a second run: the file lands whole, exactly once.
TEST_F(InMemoryLanding, CrashAtAnyFaultThenRetryLandsOnce) {
  for (size_t op = 0; op < util::kFsOpCount; ++op) {
    for (uint64_t nth = 1; nth <= 3; ++nth) {
      util::InMemoryFileSystem base;
      ASSERT_TRUE(base.put_file(kSource, data_).is_ok());
      {
        util::FaultInjectingFileSystem fs(base);
        fs.set_torn_appends(true);
        fs.fail_nth(static_cast<util::FsOp>(op), nth, /*sticky=*/true);  // the process dies here
        (void)land_source(fs, options_at("2016-12-02T10:00:00Z"));
      }
      base.drop_unsynced_data();
      const std::string what =
          std::string(util::fs_op_name(static_cast<util::FsOp>(op))) + " #" + std::to_string(nth);
      if (*base.exists(kFinal)) {
        EXPECT_EQ(*base.read_file(kFinal), data_) << what;  // never torn
      }
      auto retry = land_source(base, options_at("2016-12-02T11:00:00Z"));
      ASSERT_TRUE(retry.is_ok()) << what << ": " << retry.status().message();
      EXPECT_EQ(*base.read_file(kFinal), data_) << what;
      EXPECT_EQ(read_manifest(base, kManifest)->sha256, util::Sha256::of(data_)) << what;
      std::vector<std::string> files;
      for (const std::string& p : tree(base, "/lake")) {
        if (p.find(".partial-") == std::string::npos && !base.list_dir(p).is_ok())
          files.push_back(p);
      }
      EXPECT_THAT(files, ElementsAre(kFinal, kManifest)) << what;
    }
  }
}

// Over HTTP, on the real file system.
class HttpLanding : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    std::filesystem::create_directory(dir_.path() + "/www");
    std::ofstream(dir_.path() + "/www/data.bin", std::ios::binary) << data_;
    server_ = std::make_unique<FixtureServer>(dir_.path() + "/www");
    ASSERT_TRUE(server_->ok()) << "the fixture server did not start";
    lake_ = dir_.path() + "/lake";
  }
  util::Result<LandingReport> land(const std::string& url_path) {
    LandingOptions o = options_at("2016-12-02T10:00:00Z", server_->url(url_path));
    o.lake_root = lake_;
    o.timeout_seconds = 5;
    return land_source(fs_, o);
  }

  util::FileSystem& fs_ = util::posix_file_system();
  TempDir dir_;
  std::string data_ = payload(400'000);
  std::unique_ptr<FixtureServer> server_;
  std::string lake_;
};

TEST_F(HttpLanding, LandsAndRecordsTheResponse) {
  auto report = land("/files/data.bin");
  ASSERT_TRUE(report.is_ok()) << report.status().message();
  EXPECT_EQ(report->path, lake_ + "/landingzone/assignment_data/2016-12-02/data.bin");
  EXPECT_EQ(*fs_.read_file(report->path), data_);
  EXPECT_EQ(report->manifest.http_status, 200);
  EXPECT_EQ(report->manifest.source, server_->url("/files/data.bin"));
  EXPECT_TRUE(report->manifest.last_modified_micros.has_value());
  EXPECT_EQ(*read_manifest(fs_, report->manifest_path), report->manifest);
}

TEST_F(HttpLanding, UrlWithoutFileNameUsesTheDefaultName) {
  auto report = land("/bare/?file=data.bin");
  ASSERT_TRUE(report.is_ok()) << report.status().message();
  EXPECT_EQ(util::base_name(report->path), "assignment_data.jsonl.bz2");
}

TEST_F(HttpLanding, NotFoundCreatesNothing) {
  auto report = land("/missing/data.bin");
  ASSERT_FALSE(report.is_ok());
  EXPECT_THAT(report.status().message(), HasSubstr("HTTP 404 Not Found"));
  EXPECT_FALSE(std::filesystem::exists(lake_));
}

TEST_F(HttpLanding, TruncatedTransferLeavesNothing) {
  auto report = land("/truncated/data.bin");
  ASSERT_FALSE(report.is_ok());
  EXPECT_THAT(report.status().message(), HasSubstr("transfer truncated"));
  EXPECT_FALSE(std::filesystem::exists(lake_));  // partial file and new directories removed
}

TEST_F(HttpLanding, TruncatedTransferKeepsAnExistingLake) {
  std::filesystem::create_directories(lake_ + "/landingzone");
  ASSERT_FALSE(land("/truncated/data.bin").is_ok());
  EXPECT_TRUE(std::filesystem::is_empty(lake_ + "/landingzone"));
}

TEST_F(HttpLanding, CancelStopsAStalledTransferAndLeavesNothing) {
  std::atomic<bool> cancel{false};
  LandingOptions o = options_at("2016-12-02T10:00:00Z", server_->url("/stall/data.bin"));
  o.lake_root = lake_;
  o.cancel = &cancel;
  std::thread canceller([&cancel] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancel.store(true);
  });
  auto report = land_source(fs_, o);
  canceller.join();
  ASSERT_FALSE(report.is_ok());
  EXPECT_EQ(report.status().code(), util::StatusCode::kAborted);
  EXPECT_THAT(report.status().message(), HasSubstr("land: interrupted fetching"));
  EXPECT_FALSE(std::filesystem::exists(lake_));
}

TEST_F(InMemoryLanding, CancelStopsALocalCopy) {
  std::atomic<bool> cancel{true};
  LandingOptions o = options_at("2016-12-02T10:00:00Z");
  o.cancel = &cancel;
  auto report = land_source(fs_, o);
  EXPECT_EQ(report.status().code(), util::StatusCode::kAborted);
  EXPECT_FALSE(*fs_.exists("/lake"));
}

TEST_F(HttpLanding, UnwritableLakeNamesThePath) {
  std::ofstream(dir_.path() + "/plain") << "x";
  lake_ = dir_.path() + "/plain/lake";
  auto report = land("/files/data.bin");
  ASSERT_FALSE(report.is_ok());
  EXPECT_THAT(report.status().message(), HasSubstr("io: cannot create directory " + lake_));
}

TEST_F(HttpLanding, ConnectionRefusedCreatesNothing) {
  LandingOptions o =
      options_at("2016-12-02T10:00:00Z",
                 "http://127.0.0.1:" + std::to_string(test_support::closed_port()) + "/a.bz2");
  o.lake_root = lake_;
  auto report = land_source(fs_, o);
  ASSERT_FALSE(report.is_ok());
  EXPECT_THAT(report.status().message(), HasSubstr("land: cannot connect fetching"));
  EXPECT_FALSE(std::filesystem::exists(lake_));
}

}  // namespace
}  // namespace medallion::lake
