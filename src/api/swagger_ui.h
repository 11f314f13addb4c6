// SwaggerUi: the interactive documentation at GET /docs, from npm's
// swagger-ui-dist (installed at build time by `scripts/install-peers
// build/peer`, never committed), read into memory once at startup.
//
//   GET /docs                       an HTML page as FastAPI's: the title, the
//                                   stylesheet, the bundle, and
//                                   SwaggerUIBundle({url: '/openapi.json',
//                                   dom_id: '#swagger-ui', ...})
//   GET /docs/swagger-ui.css        text/css; charset=utf-8
//   GET /docs/swagger-ui-bundle.js  text/javascript; charset=utf-8
//   GET /docs/favicon-32x32.png     image/png
//   GET /docs/favicon-16x16.png     image/png (when the directory has it)
//   GET /docs/swagger-ui.css.map    application/json (when the directory
//                                   has it; the stylesheet names it)
// The first three files must be in the directory; the assets are answered
// with Cache-Control: public, max-age=3600. The page loads everything from
// this server: it works offline.
//
// Thread safety: immutable after load(); serve() may run on any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_message.h"
#include "util/file_system.h"
#include "util/status.h"

namespace medallion::api {

// The directory the build expects the files in (the compile definition
// MEDALLION_SWAGGER_UI_DIR: <build>/peer/node_modules/swagger-ui-dist).
std::string_view default_swagger_ui_dir();

struct SwaggerUiOptions {
  // The page's <title>.
  std::string title = "medallion - Swagger UI";
  // Where the page fetches the OpenAPI document.
  std::string openapi_url = "/openapi.json";
};

class SwaggerUi {
 public:
  // Reads the files from dir (through fs). A missing directory or required
  // file is kNotFound with a message naming it and how to install it.
  static util::Result<SwaggerUi> load(util::FileSystem& fs, const std::string& dir,
                                      const SwaggerUiOptions& options = {});
  // The same on the real file system.
  static util::Result<SwaggerUi> load(const std::string& dir, const SwaggerUiOptions& options = {});

  // The response for a GET of this (raw, percent-encoded) path: "/docs" or
  // "/docs/<file>". nullopt for any other path (the caller's 404).
  std::optional<HttpResponse> serve(std::string_view path) const;

  const std::string& dir() const { return dir_; }
  // Bytes held in memory (page and files).
  size_t bytes() const;

 private:
  struct Asset {
    std::string name;  // file name, e.g. "swagger-ui.css"
    std::string content_type;
    std::string body;
  };

  std::string dir_;
  std::string page_;
  std::vector<Asset> assets_;
};

}  // namespace medallion::api
