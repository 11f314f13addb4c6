// Fetching a source by URL (http, https, file) with libcurl, streaming the
// body to a sink. libcurl's types stay in http_fetch.cc.
//
// Guarantees of fetch_url():
//   - redirects are followed (to http and https only, at most max_redirects);
//   - a final HTTP status outside 2xx is an error and no body byte reaches
//     the sink: "land: HTTP 404 Not Found fetching <url>: check the source URL";
//   - when the length was announced (Content-Length, or a file's size), the
//     transfer succeeds only if exactly that many bytes arrived;
//   - a transfer slower than 1 byte/s for stall_timeout_seconds is abandoned;
//   - user:password in a URL never appears in messages (redact_url);
//   - a set cancel flag stops the transfer: "land: interrupted fetching <url>".
//
// Thread safety: fetch_url() may run on several threads at once, each with
// its own sink.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/status.h"

namespace medallion::lake {

struct FetchOptions {
  std::string url;
  int connect_timeout_seconds = 30;
  // Abandon the transfer when under 1 byte/s for this long.
  int stall_timeout_seconds = 60;
  int max_redirects = 10;
  // When set and true, the transfer stops within about a second with
  // kAborted (e.g. set from a SIGINT handler). Not owned.
  const std::atomic<bool>* cancel = nullptr;
};

// What the transfer reported besides its bytes.
struct FetchInfo {
  std::optional<int> http_status;               // http and https only
  std::optional<uint64_t> content_length;       // when announced
  std::optional<int64_t> last_modified_micros;  // Last-Modified, or a file's mtime
  uint64_t bytes = 0;                           // body bytes delivered to the sink
};

// Receives the body in order. An error from on_data aborts the transfer, and
// fetch_url() returns that error unchanged.
class FetchSink {
 public:
  virtual ~FetchSink() = default;
  // At most once, before the first on_data, when the length is announced.
  virtual void on_length(uint64_t length) {}
  virtual util::Status on_data(std::string_view chunk) = 0;
};

util::Result<FetchInfo> fetch_url(const FetchOptions& options, FetchSink& sink);

// True when source looks like "<scheme>://..." (any scheme); false for paths.
bool is_url(std::string_view source);
// The lowercase scheme of a URL ("" when is_url() is false).
std::string url_scheme(std::string_view url);
// The percent-decoded last segment of a URL's path, without query or
// fragment; "" when there is none or it is not a usable file name.
std::string url_file_name(std::string_view url);
// The URL with any user:password@ replaced by "***@".
std::string redact_url(std::string_view url);

}  // namespace medallion::lake
