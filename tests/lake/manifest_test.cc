#include "lake/manifest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "util/civil_time.h"
#include "util/in_memory_file_system.h"

namespace medallion::lake {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kSha =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

LandingManifest sample() {
  LandingManifest m;
  m.file_name = "assignment_data.jsonl.bz2";
  m.source = "http://127.0.0.1:8080/files/assignment_data.jsonl.bz2";
  m.size = 38'123'456;
  m.sha256 = std::string(kSha);
  m.fetched_at_micros = *util::parse_iso8601("2016-12-02T10:00:00Z");
  m.load_date = "2016-12-02";
  m.http_status = 200;
  m.last_modified_micros = *util::parse_iso8601("2016-12-01T23:59:59Z");
  return m;
}

TEST(Manifest, PrettyTextIsTheDocumentedFormat) {
  EXPECT_EQ(sample().to_json(/*pretty=*/true),
            R"({
  "manifest_version": 1,
  "file": "assignment_data.jsonl.bz2",
  "source": "http://127.0.0.1:8080/files/assignment_data.jsonl.bz2",
  "size": 38123456,
  "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  "fetched_at": "2016-12-02T10:00:00Z",
  "load_date": "2016-12-02",
  "http_status": 200,
  "last_modified": "2016-12-01T23:59:59Z"
}
)");
}

TEST(Manifest, OptionalKeysAreLeftOutWhenUnknown) {
  LandingManifest m = sample();
  m.http_status.reset();
  m.last_modified_micros.reset();
  const std::string json = m.to_json(/*pretty=*/false);
  EXPECT_EQ(json.find("http_status"), std::string::npos);
  EXPECT_EQ(json.find("last_modified"), std::string::npos);
  auto back = parse_manifest(json, "m");
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(*back, m);
}

TEST(Manifest, RoundTripsThroughText) {
  for (const bool pretty : {false, true}) {
    auto back = parse_manifest(sample().to_json(pretty), "m");
    ASSERT_TRUE(back.is_ok()) << back.status().message();
    EXPECT_EQ(*back, sample());
  }
}

TEST(Manifest, FractionalFetchTimeRoundTrips) {
  LandingManifest m = sample();
  m.fetched_at_micros += 123'456;
  EXPECT_THAT(m.to_json(false), HasSubstr("\"fetched_at\":\"2016-12-02T10:00:00.123456Z\""));
  EXPECT_EQ(*parse_manifest(m.to_json(false), "m"), m);
}

TEST(Manifest, SourceWithQuotesIsEscaped) {
  LandingManifest m = sample();
  m.source = "/data/a \"quoted\" \\ name.bz2";
  EXPECT_EQ(parse_manifest(m.to_json(true), "m")->source, m.source);
}

TEST(Manifest, UnknownKeysAreIgnored) {
  std::string json = sample().to_json(false);
  json.insert(1, R"("added_later":{"x":[1,2]},)");
  auto back = parse_manifest(json, "m");
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(*back, sample());
}

TEST(Manifest, PathIsBesideTheFile) {
  EXPECT_EQ(manifest_path_for("/lake/x/a.bz2"), "/lake/x/a.bz2.manifest.json");
}

TEST(ManifestErrors, NotJsonNamesTheFile) {
  auto r = parse_manifest("{\"manifest_version\": 1,", "/lake/m.json");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), util::StatusCode::kCorruption);
  EXPECT_THAT(r.status().message(), HasSubstr("lake: bad landing manifest /lake/m.json (not JSON"));
}

TEST(ManifestErrors, NotAnObject) {
  EXPECT_THAT(parse_manifest("[1]", "m").status().message(), HasSubstr("not a JSON object"));
}

TEST(ManifestErrors, MissingKeyIsNamed) {
  std::string json = sample().to_json(false);
  const size_t at = json.find("\"sha256\"");
  json.replace(at, 7, "\"sha999");
  EXPECT_THAT(parse_manifest(json, "m").status().message(), HasSubstr("\"sha256\" is missing"));
}

TEST(ManifestErrors, BadSha256) {
  LandingManifest m = sample();
  m.sha256 = std::string(kSha.substr(0, 63)) + "X";
  EXPECT_THAT(parse_manifest(m.to_json(false), "m").status().message(),
              HasSubstr("\"sha256\" is not 64 lowercase hex digits"));
}

TEST(ManifestErrors, WrongTypes) {
  std::string json = sample().to_json(false);
  json.replace(json.find("38123456"), 8, "\"38123456\"");
  EXPECT_THAT(parse_manifest(json, "m").status().message(), HasSubstr("\"size\" is not"));
  json = sample().to_json(false);
  json.replace(json.find("2016-12-02T10:00:00Z"), 20, "yesterday");
  EXPECT_THAT(parse_manifest(json, "m").status().message(),
              HasSubstr("\"fetched_at\" is not an ISO-8601 instant"));
}

TEST(ManifestErrors, NewerVersionIsUnsupported) {
  std::string json = sample().to_json(false);
  json.replace(json.find("\"manifest_version\":1"), 20, "\"manifest_version\":2");
  auto r = parse_manifest(json, "m");
  EXPECT_EQ(r.status().code(), util::StatusCode::kUnsupported);
  EXPECT_THAT(r.status().message(), HasSubstr("upgrade medallion"));
}

TEST(ManifestFile, WriteThenRead) {
  util::InMemoryFileSystem fs;
  ASSERT_TRUE(fs.create_dirs("/lake/d").is_ok());
  ASSERT_TRUE(write_manifest(fs, "/lake/d/a.manifest.json", sample()).is_ok());
  auto back = read_manifest(fs, "/lake/d/a.manifest.json");
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(*back, sample());
  fs.drop_unsynced_data();  // written durably
  EXPECT_TRUE(read_manifest(fs, "/lake/d/a.manifest.json").is_ok());
}

TEST(ManifestFile, MissingFileIsNotFound) {
  util::InMemoryFileSystem fs;
  EXPECT_EQ(read_manifest(fs, "/nope.json").status().code(), util::StatusCode::kNotFound);
}

}  // namespace
}  // namespace medallion::lake
