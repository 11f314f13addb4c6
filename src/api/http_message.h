// HttpRequest and HttpResponse: the API's own view of one HTTP/1.1 exchange,
// so that routing, validation and handlers never see Beast's types (the
// server, http_server.cc, converts at its edge).
//
//   HttpRequest   method ("GET", upper case as sent), target (the
//                 request-target as sent: "/models/x?limit=5"), its path
//                 and query parts split at the first '?' (still
//                 percent-encoded), the header fields, the body.
//   HttpResponse  status, content type, body and extra header fields. The
//                 server adds Content-Length, Date, Server and Connection.
//
// Thread safety: values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace medallion::api {

struct HttpRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The target before the first '?' (percent-encoded, as sent).
  std::string_view raw_path() const {
    const size_t q = target.find('?');
    return std::string_view(target).substr(0, q);
  }
  // The target after the first '?', "" when there is none.
  std::string_view raw_query() const {
    const size_t q = target.find('?');
    return q == std::string::npos ? std::string_view() : std::string_view(target).substr(q + 1);
  }
  // The first header field of that name (case-insensitive), "" when absent.
  std::string_view header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static HttpResponse json(int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
};

}  // namespace medallion::api
