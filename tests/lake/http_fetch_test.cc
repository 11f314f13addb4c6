#include "lake/http_fetch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "fixture_server.h"

namespace medallion::lake {
namespace {

using test_support::FixtureServer;
using test_support::TempDir;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(UrlHelpers, IsUrl) {
  EXPECT_TRUE(is_url("http://h/x"));
  EXPECT_TRUE(is_url("HTTPS://h/x"));
  EXPECT_TRUE(is_url("file:///tmp/x"));
  EXPECT_TRUE(is_url("svn+ssh://h/x"));
  EXPECT_FALSE(is_url("/tmp/x"));
  EXPECT_FALSE(is_url("data/x.bz2"));
  EXPECT_FALSE(is_url("://x"));
  EXPECT_FALSE(is_url("./a://b"));
}

TEST(UrlHelpers, SchemeIsLowercase) {
  EXPECT_EQ(url_scheme("HTTPS://h/x"), "https");
  EXPECT_EQ(url_scheme("/tmp/x"), "");
}

TEST(UrlHelpers, FileNameIsTheLastPathSegment) {
  EXPECT_EQ(url_file_name("https://cdn.unityads.unity3d.com/assignments/assignment_data.jsonl.bz2"),
            "assignment_data.jsonl.bz2");
  EXPECT_EQ(url_file_name("http://h/a/b.bz2?sig=1/2#frag"), "b.bz2");
  EXPECT_EQ(url_file_name("file:///tmp/x.bz2"), "x.bz2");
  EXPECT_EQ(url_file_name("http://h/my%20file.bz2"), "my file.bz2");
}

TEST(UrlHelpers, NoUsableFileName) {
  EXPECT_EQ(url_file_name("http://h"), "");
  EXPECT_EQ(url_file_name("http://h/"), "");
  EXPECT_EQ(url_file_name("http://h/dir/?file=x"), "");
  EXPECT_EQ(url_file_name("http://h/.."), "");
  EXPECT_EQ(url_file_name("http://h/%2e%2e"), "");
  EXPECT_EQ(url_file_name("http://h/a%2Fb"), "");  // an encoded slash
  EXPECT_EQ(url_file_name("http://h/a%00b"), "");
  EXPECT_EQ(url_file_name("http://h/trailing%2"), "trailing%2");
}

TEST(UrlHelpers, RedactHidesCredentials) {
  EXPECT_EQ(redact_url("https://user:secret@h:8443/x@y"), "https://***@h:8443/x@y");
  EXPECT_EQ(redact_url("https://h/x@y"), "https://h/x@y");
  EXPECT_EQ(redact_url("/tmp/a@b"), "/tmp/a@b");
}

// Collects what fetch_url delivers; can be told to fail after some bytes.
class CollectingSink : public FetchSink {
 public:
  void on_length(uint64_t length) override { length_ = length; }
  util::Status on_data(std::string_view chunk) override {
    if (fail_after_ && data_.size() >= *fail_after_) {
      return util::Status::io_error("test: sink refuses (here): stop");
    }
    data_.append(chunk);
    return util::Status::ok();
  }
  std::string data_;
  std::optional<uint64_t> length_;
  std::optional<size_t> fail_after_;
};

class FetchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    content_.resize(500'000);
    for (size_t i = 0; i < content_.size(); ++i) content_[i] = static_cast<char>(i * 31 % 251);
    std::ofstream(dir_.path() + "/data.bin", std::ios::binary) << content_;
    server_ = std::make_unique<FixtureServer>(dir_.path());
    ASSERT_TRUE(server_->ok()) << "the fixture server did not start";
  }
  util::Result<FetchInfo> fetch(const std::string& url, int stall_seconds = 30) {
    FetchOptions options;
    options.url = url;
    options.stall_timeout_seconds = stall_seconds;
    return fetch_url(options, sink_);
  }

  TempDir dir_;
  std::string content_;
  std::unique_ptr<FixtureServer> server_;
  CollectingSink sink_;
};

TEST_F(FetchTest, HttpDeliversEveryByteAndTheHeaders) {
  auto info = fetch(server_->url("/files/data.bin"));
  ASSERT_TRUE(info.is_ok()) << info.status().message();
  EXPECT_EQ(sink_.data_, content_);
  EXPECT_EQ(sink_.length_, content_.size());
  EXPECT_EQ(info->http_status, 200);
  EXPECT_EQ(info->content_length, content_.size());
  EXPECT_EQ(info->bytes, content_.size());
  EXPECT_TRUE(info->last_modified_micros.has_value());
}

TEST_F(FetchTest, RedirectsAreFollowed) {
  auto info = fetch(server_->url("/redirect/data.bin"));
  ASSERT_TRUE(info.is_ok()) << info.status().message();
  EXPECT_EQ(sink_.data_, content_);
  EXPECT_EQ(info->http_status, 200);
}

TEST_F(FetchTest, FileUrl) {
  auto info = fetch("file://" + dir_.path() + "/data.bin");
  ASSERT_TRUE(info.is_ok()) << info.status().message();
  EXPECT_EQ(sink_.data_, content_);
  EXPECT_FALSE(info->http_status.has_value());
  EXPECT_TRUE(info->last_modified_micros.has_value());
}

TEST_F(FetchTest, Http404IsNotFoundAndDeliversNothing) {
  const std::string url = server_->url("/missing");
  auto info = fetch(url);
  ASSERT_FALSE(info.is_ok());
  EXPECT_EQ(info.status().code(), util::StatusCode::kNotFound);
  EXPECT_EQ(info.status().message(),
            "land: HTTP 404 Not Found fetching " + url + ": check the source URL");
  EXPECT_EQ(sink_.data_, "");  // the error page is not the source
}

TEST_F(FetchTest, Http5xxSaysRetryLater) {
  auto info = fetch(server_->url("/status/503"));
  ASSERT_FALSE(info.is_ok());
  EXPECT_THAT(info.status().message(), StartsWith("land: HTTP 503 Service Unavailable fetching "));
  EXPECT_THAT(info.status().message(), HasSubstr("retry later"));
}

TEST_F(FetchTest, TruncatedTransferIsAnError) {
  auto info = fetch(server_->url("/truncated/data.bin"));
  ASSERT_FALSE(info.is_ok());
  EXPECT_THAT(info.status().message(), HasSubstr("land: transfer truncated fetching "));
  EXPECT_THAT(info.status().message(), HasSubstr("(received 500000 of 501000 bytes)"));
}

TEST_F(FetchTest, StalledTransferGivesUp) {
  auto info = fetch(server_->url("/stall/data.bin"), /*stall_seconds=*/1);
  ASSERT_FALSE(info.is_ok());
  EXPECT_THAT(info.status().message(), HasSubstr("land: transfer stalled or timed out fetching "));
}

TEST_F(FetchTest, SinkErrorStopsTheTransferAndIsReturned) {
  sink_.fail_after_ = 1;
  auto info = fetch(server_->url("/files/data.bin"));
  ASSERT_FALSE(info.is_ok());
  EXPECT_EQ(info.status().message(), "test: sink refuses (here): stop");
}

TEST(Fetch, ConnectionRefused) {
  const int port = test_support::closed_port();
  ASSERT_GT(port, 0);
  CollectingSink sink;
  FetchOptions options;
  options.url = "http://127.0.0.1:" + std::to_string(port) + "/x.bz2";
  auto info = fetch_url(options, sink);
  ASSERT_FALSE(info.is_ok());
  EXPECT_EQ(info.status().code(), util::StatusCode::kIOError);
  EXPECT_THAT(info.status().message(), StartsWith("land: cannot connect fetching " + options.url));
}

TEST(Fetch, MissingFileUrlIsNotFound) {
  CollectingSink sink;
  FetchOptions options;
  options.url = "file:///nonexistent/medallion/x.bz2";
  auto info = fetch_url(options, sink);
  EXPECT_EQ(info.status().code(), util::StatusCode::kNotFound);
  EXPECT_THAT(info.status().message(), HasSubstr("check that the file exists"));
}

TEST(Fetch, UnsupportedSchemeIsRefusedBeforeAnyTransfer) {
  CollectingSink sink;
  FetchOptions options;
  options.url = "ftp://user:pw@127.0.0.1/x";
  auto info = fetch_url(options, sink);
  EXPECT_EQ(info.status().code(), util::StatusCode::kInvalidArgument);
  EXPECT_EQ(info.status().message(),
            "land: unsupported source ftp://***@127.0.0.1/x (scheme 'ftp'): use an http, https or "
            "file URL, or a local path");
}

}  // namespace
}  // namespace medallion::lake
