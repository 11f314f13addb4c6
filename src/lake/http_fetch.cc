#include "lake/http_fetch.h"

#include <curl/curl.h>

#include <cctype>
#include <memory>
#include <mutex>

#include <fmt/format.h>

#include "util/civil_time.h"

namespace medallion::lake {

namespace {

constexpr const char* kUserAgent = "medallion/0.1";

// curl_global_init is not thread-safe and must run once before any handle
// exists; call_once makes that so without asking every caller to remember it.
void ensure_curl_initialized() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;

// The state one transfer's callbacks share.
struct Transfer {
  CURL* easy = nullptr;
  FetchSink* sink = nullptr;
  bool http = false;
  bool started = false;            // the first body byte has been seen
  bool refused_status = false;     // the body belonged to a non-2xx response
  util::Status sink_status;        // the sink's error, if it stopped us
  std::optional<uint64_t> length;  // announced length
  uint64_t bytes = 0;
  std::string reason;  // reason phrase of the last status line
  const std::atomic<bool>* cancel = nullptr;
};

bool is_success(long status) { return status >= 200 && status < 300; }

std::optional<uint64_t> announced_length(CURL* easy) {
  curl_off_t length = -1;
  if (curl_easy_getinfo(easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) == CURLE_OK &&
      length >= 0) {
    return static_cast<uint64_t>(length);
  }
  return std::nullopt;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (!t.started) {
    t.started = true;
    if (t.http) {
      long status = 0;
      curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
      if (!is_success(status)) {
        t.refused_status = true;
        return CURL_WRITEFUNC_ERROR;  // an error page is not the source
      }
    }
    t.length = announced_length(t.easy);
    if (t.length) t.sink->on_length(*t.length);
  }
  t.sink_status = t.sink->on_data(std::string_view(data, n));
  if (!t.sink_status.is_ok()) return CURL_WRITEFUNC_ERROR;
  t.bytes += n;
  return n;
}

// Called by curl at least once a second, stalled or not.
int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto& t = *static_cast<Transfer*>(user);
  return t.cancel != nullptr && t.cancel->load(std::memory_order_relaxed) ? 1 : 0;
}

// Keeps the reason phrase of the last status line ("HTTP/1.1 404 Not Found").
size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  const size_t n = size * count;
  std::string_view line(data, n);
  if (line.substr(0, 5) == "HTTP/") {
    t.reason.clear();
    const size_t code_at = line.find(' ');
    const size_t reason_at =
        code_at == std::string_view::npos ? code_at : line.find(' ', code_at + 1);
    if (reason_at != std::string_view::npos) {
      std::string_view reason = line.substr(reason_at + 1);
      while (!reason.empty() &&
             (reason.back() == '\r' || reason.back() == '\n' || reason.back() == ' ')) {
        reason.remove_suffix(1);
      }
      t.reason.assign(reason);
    }
  }
  return n;
}

// For servers that send no reason phrase (HTTP/2 has none).
std::string_view standard_reason(long status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 410:
      return "Gone";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "";
  }
}

util::Status http_status_error(long status, std::string_view reason, const std::string& url) {
  if (reason.empty()) reason = standard_reason(status);
  const std::string what =
      reason.empty() ? fmt::format("HTTP {}", status) : fmt::format("HTTP {} {}", status, reason);
  std::string_view hint = "check the source URL";
  if (status == 401 || status == 403) hint = "check the source URL and your access to it";
  if (status == 429 || status >= 500) hint = "the server failed; retry later";
  const util::StatusCode code =
      (status == 404 || status == 410) ? util::StatusCode::kNotFound : util::StatusCode::kIOError;
  return {code, fmt::format("land: {} fetching {}: {}", what, url, hint)};
}

util::Status truncated_error(const std::string& url, uint64_t got, std::optional<uint64_t> length) {
  const std::string detail = length ? fmt::format("received {} of {} bytes", got, *length)
                                    : fmt::format("received {} bytes, then the stream broke", got);
  return util::Status::io_error(fmt::format(
      "land: transfer truncated fetching {} ({}): retry; the server closed the connection early",
      url, detail));
}

util::Status curl_error(CURLcode rc, const char* error_buffer, const std::string& url,
                        const Transfer& t) {
  const std::string detail =
      error_buffer[0] != '\0' ? std::string(error_buffer) : std::string(curl_easy_strerror(rc));
  auto io = [&](std::string_view what, std::string_view hint) {
    return util::Status::io_error(
        fmt::format("land: {} fetching {} ({}): {}", what, url, detail, hint));
  };
  switch (rc) {
    case CURLE_COULDNT_CONNECT:
      return io("cannot connect", "check that the server is up and the URL's host and port");
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return io("cannot resolve the host", "check the host name and the network");
    case CURLE_OPERATION_TIMEDOUT:
      return io("transfer stalled or timed out", "retry, or allow a longer timeout");
    case CURLE_PARTIAL_FILE:
      return truncated_error(url, t.bytes, t.length);
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
      return io("connection failed", "retry; check the network and the server");
    case CURLE_FILE_COULDNT_READ_FILE:
      return util::Status::not_found(fmt::format(
          "land: cannot read {} ({}): check that the file exists and is readable", url, detail));
    case CURLE_TOO_MANY_REDIRECTS:
      return io("too many redirects", "check the source URL");
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return util::Status::invalid_argument(
          fmt::format("land: cannot fetch {} ({}): use an http, https or file URL, or a local path",
                      url, detail));
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
      return io("TLS failed", "check the server's certificate and the system's CA certificates");
    default:
      return io("transfer failed", "retry; check the URL and the network");
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool is_url(std::string_view source) {
  const size_t colon = source.find("://");
  if (colon == std::string_view::npos || colon == 0) return false;
  if (!std::isalpha(static_cast<unsigned char>(source[0]))) return false;
  for (const char c : source.substr(0, colon)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.')
      return false;
  }
  return true;
}

std::string url_scheme(std::string_view url) {
  if (!is_url(url)) return "";
  std::string scheme(url.substr(0, url.find("://")));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return scheme;
}

std::string redact_url(std::string_view url) {
  if (!is_url(url)) return std::string(url);
  const size_t authority = url.find("://") + 3;
  const size_t end = url.find_first_of("/?#", authority);
  const std::string_view host_part =
      url.substr(authority, end == std::string_view::npos ? end : end - authority);
  const size_t at = host_part.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  std::string out(url.substr(0, authority));
  out += "***";
  out += url.substr(authority + at);
  return out;
}

std::string url_file_name(std::string_view url) {
  if (!is_url(url)) return "";
  const size_t authority = url.find("://") + 3;
  const size_t path_at = url.find('/', authority);
  if (path_at == std::string_view::npos) return "";
  std::string_view path = url.substr(path_at);
  path = path.substr(0, path.find_first_of("?#"));
  const std::string_view last = path.substr(path.rfind('/') + 1);
  std::string name;
  for (size_t i = 0; i < last.size(); ++i) {
    const int high = i + 2 < last.size() && last[i] == '%' ? hex_value(last[i + 1]) : -1;
    const int low = high >= 0 ? hex_value(last[i + 2]) : -1;
    if (low >= 0) {
      name.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      name.push_back(last[i]);
    }
  }
  if (name.empty() || name == "." || name == ".." ||
      name.find_first_of(std::string_view("/\0", 2)) != std::string::npos) {
    return "";
  }
  return name;
}

util::Result<FetchInfo> fetch_url(const FetchOptions& options, FetchSink& sink) {
  const std::string shown = redact_url(options.url);
  const std::string scheme = url_scheme(options.url);
  if (scheme != "http" && scheme != "https" && scheme != "file") {
    return util::Status::invalid_argument(
        fmt::format("land: unsupported source {} (scheme '{}'): use an http, https or file URL, or "
                    "a local path",
                    shown, scheme));
  }
  ensure_curl_initialized();
  EasyHandle easy(curl_easy_init());
  if (!easy) {
    return util::Status::internal(
        fmt::format("land: cannot start a transfer ({}): out of memory?", shown));
  }
  Transfer t;
  t.easy = easy.get();
  t.sink = &sink;
  t.http = scheme != "file";
  t.cancel = options.cancel;
  char error_buffer[CURL_ERROR_SIZE] = {0};

  CURL* e = easy.get();
  curl_easy_setopt(e, CURLOPT_URL, options.url.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https,file");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, static_cast<long>(options.max_redirects));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options.connect_timeout_seconds));
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options.stall_timeout_seconds));
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM games in a threaded program
  curl_easy_setopt(e, CURLOPT_FILETIME, 1L);
  curl_easy_setopt(e, CURLOPT_USERAGENT, kUserAgent);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
  if (options.cancel != nullptr) {
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, &on_progress);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, &t);
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
  }
  // No CURLOPT_ACCEPT_ENCODING: the lake keeps the bytes as the server holds
  // them, and Content-Length then counts exactly what reaches the sink.

  const CURLcode rc = curl_easy_perform(e);

  if (!t.sink_status.is_ok()) return t.sink_status;
  if (rc == CURLE_ABORTED_BY_CALLBACK) {
    return util::Status::aborted(fmt::format(
        "land: interrupted fetching {}: nothing was landed; run again to land it", shown));
  }
  FetchInfo info;
  if (t.http) {
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    if (status != 0) info.http_status = static_cast<int>(status);
    if (t.refused_status || (rc == CURLE_OK && !is_success(status))) {
      return http_status_error(status, t.reason, shown);
    }
  }
  if (rc != CURLE_OK) return curl_error(rc, error_buffer, shown, t);
  info.content_length = t.started ? t.length : announced_length(e);
  info.bytes = t.bytes;
  if (info.content_length && *info.content_length != info.bytes) {
    return truncated_error(shown, info.bytes, info.content_length);
  }
  curl_off_t filetime = -1;
  if (curl_easy_getinfo(e, CURLINFO_FILETIME_T, &filetime) == CURLE_OK && filetime >= 0) {
    info.last_modified_micros = static_cast<int64_t>(filetime) * util::kMicrosPerSecond;
  }
  return info;
}

}  // namespace medallion::lake
