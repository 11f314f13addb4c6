#include "api/swagger_ui.h"

#include <array>
#include <cstdio>
#include <utility>

#include "util/xml_text.h"

namespace medallion::api {
namespace {

constexpr std::string_view kPrefix = "/docs";
constexpr std::string_view kAssetCacheControl = "public, max-age=3600";

struct FileSpec {
  std::string_view name;
  std::string_view content_type;
  bool required;
};

constexpr std::array<FileSpec, 5> kFiles = {{
    {"swagger-ui.css", "text/css; charset=utf-8", true},
    {"swagger-ui-bundle.js", "text/javascript; charset=utf-8", true},
    {"favicon-32x32.png", "image/png", true},
    {"favicon-16x16.png", "image/png", false},
    {"swagger-ui.css.map", "application/json", false},
}};

std::string install_advice() {
  return "install npm's swagger-ui-dist with `scripts/install-peers build/peer` (make deps "
         "does it; the files land in build/peer/node_modules/swagger-ui-dist), or point the "
         "server at a swagger-ui-dist directory";
}

// A single-quoted JavaScript string literal that is also safe inside a
// <script> element (no '<', so no "</script>").
std::string js_string(std::string_view s) {
  std::string out = "'";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\\' || c == '\'' || c == '<' || c == '>' || c == '&' || u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

std::string page(const SwaggerUiOptions& options, bool small_favicon) {
  std::string p;
  p += "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n";
  p += "<link type=\"text/css\" rel=\"stylesheet\" href=\"/docs/swagger-ui.css\">\n";
  p += "<link rel=\"icon\" type=\"image/png\" href=\"/docs/favicon-32x32.png\" sizes=\"32x32\">\n";
  if (small_favicon) {
    p += "<link rel=\"icon\" type=\"image/png\" href=\"/docs/favicon-16x16.png\" "
         "sizes=\"16x16\">\n";
  }
  p += "<title>" + util::xml_escape(options.title) + "</title>\n";
  p += "</head>\n<body>\n<div id=\"swagger-ui\">\n</div>\n";
  p += "<script src=\"/docs/swagger-ui-bundle.js\"></script>\n";
  p += "<!-- `SwaggerUIBundle` is now available on the page -->\n";
  p += "<script>\nconst ui = SwaggerUIBundle({\n";
  p += "    url: " + js_string(options.openapi_url) + ",\n";
  p += "    dom_id: '#swagger-ui',\n";
  p += "    layout: 'BaseLayout',\n";
  p += "    deepLinking: true,\n";
  p += "    showExtensions: true,\n";
  p += "    showCommonExtensions: true,\n";
  p += "    persistAuthorization: true,\n";
  p += "    presets: [\n        SwaggerUIBundle.presets.apis\n    ],\n";
  p += "})\n</script>\n</body>\n</html>\n";
  return p;
}

}  // namespace

std::string_view default_swagger_ui_dir() {
#ifdef MEDALLION_SWAGGER_UI_DIR
  return MEDALLION_SWAGGER_UI_DIR;
#else
  return "build/peer/node_modules/swagger-ui-dist";
#endif
}

util::Result<SwaggerUi> SwaggerUi::load(util::FileSystem& fs, const std::string& dir,
                                        const SwaggerUiOptions& options) {
  MEDALLION_ASSIGN_OR_RETURN(const bool dir_exists, fs.exists(dir));
  if (!dir_exists) {
    return util::Status::not_found("api: the Swagger UI directory " + dir +
                                   " does not exist: " + install_advice());
  }
  SwaggerUi ui;
  ui.dir_ = dir;
  std::string base = dir;
  if (!base.empty() && base.back() != '/') base += '/';
  bool small_favicon = false;
  for (const FileSpec& spec : kFiles) {
    const std::string path = base + std::string(spec.name);
    MEDALLION_ASSIGN_OR_RETURN(const bool present, fs.exists(path));
    if (!present) {
      if (!spec.required) continue;
      return util::Status::not_found("api: Swagger UI file " + path +
                                     " is missing: " + install_advice());
    }
    auto body = fs.read_file(path);
    if (!body.is_ok()) return body.status().with_context("api: cannot load Swagger UI");
    if (spec.name == "favicon-16x16.png") small_favicon = true;
    ui.assets_.push_back(
        Asset{std::string(spec.name), std::string(spec.content_type), std::move(*body)});
  }
  ui.page_ = page(options, small_favicon);
  return ui;
}

util::Result<SwaggerUi> SwaggerUi::load(const std::string& dir, const SwaggerUiOptions& options) {
  return load(util::posix_file_system(), dir, options);
}

std::optional<HttpResponse> SwaggerUi::serve(std::string_view path) const {
  if (path.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::string_view rest = path.substr(kPrefix.size());
  if (rest.empty()) {
    HttpResponse r;
    r.content_type = "text/html; charset=utf-8";
    r.body = page_;
    return r;
  }
  if (rest.front() != '/') return std::nullopt;
  rest.remove_prefix(1);
  for (const Asset& asset : assets_) {
    if (asset.name == rest) {
      HttpResponse r;
      r.content_type = asset.content_type;
      r.body = asset.body;
      r.headers.emplace_back("Cache-Control", std::string(kAssetCacheControl));
      return r;
    }
  }
  return std::nullopt;
}

size_t SwaggerUi::bytes() const {
  size_t n = page_.size();
  for (const Asset& asset : assets_) n += asset.body.size();
  return n;
}

}  // namespace medallion::api
