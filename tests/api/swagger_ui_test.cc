// SwaggerUi: loading from a directory of fake files (real and in-memory file
// systems), the /docs page, the assets with their content types, paths it
// must not answer, the errors for a missing directory or file, and (skipped,
// with the reason, when absent) the swagger-ui-dist that install-peers puts
// in the build tree.
#include "api/swagger_ui.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "util/in_memory_file_system.h"

namespace medallion::api {
namespace {

namespace fs = std::filesystem;

const std::string kCss = "body { color: #3b4151 }\n";
const std::string kBundle = "window.SwaggerUIBundle = function () {};\n";
const std::string kFavicon32("\x89PNG\r\n\x1a\n\0\0\0\rIHDR32", 18);
const std::string kFavicon16("\x89PNG\r\n\x1a\n\0\0\0\rIHDR16", 18);

class SwaggerUiDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("medallion-swagger-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    write("swagger-ui.css", kCss);
    write("swagger-ui-bundle.js", kBundle);
    write("favicon-32x32.png", kFavicon32);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name, std::ios::binary) << content;
  }
  std::string dir() const { return dir_.string(); }

  fs::path dir_;
};

std::string header(const HttpResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

TEST_F(SwaggerUiDir, PageLoadsTheBundleAndTheDocument) {
  auto ui = SwaggerUi::load(dir());
  ASSERT_TRUE(ui.is_ok()) << ui.status().to_string();
  const auto page = ui->serve("/docs");
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
  const std::string& html = page->body;
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>")) << html;
  EXPECT_NE(html.find("<title>medallion - Swagger UI</title>"), std::string::npos) << html;
  EXPECT_NE(html.find("href=\"/docs/swagger-ui.css\""), std::string::npos) << html;
  EXPECT_NE(html.find("<script src=\"/docs/swagger-ui-bundle.js\"></script>"), std::string::npos);
  EXPECT_NE(html.find("href=\"/docs/favicon-32x32.png\""), std::string::npos);
  EXPECT_EQ(html.find("favicon-16x16.png"), std::string::npos);  // not in the directory
  EXPECT_NE(html.find("SwaggerUIBundle({"), std::string::npos);
  EXPECT_NE(html.find("url: '/openapi.json'"), std::string::npos);
  EXPECT_NE(html.find("dom_id: '#swagger-ui'"), std::string::npos);
  EXPECT_NE(html.find("<div id=\"swagger-ui\">"), std::string::npos);
  // Nothing from elsewhere: the page works offline.
  EXPECT_EQ(html.find("http"), std::string::npos);
}

TEST_F(SwaggerUiDir, AssetsWithTheirContentTypes) {
  auto ui = SwaggerUi::load(dir());
  ASSERT_TRUE(ui.is_ok());
  const auto css = ui->serve("/docs/swagger-ui.css");
  ASSERT_TRUE(css.has_value());
  EXPECT_EQ(css->status, 200);
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
  EXPECT_EQ(css->body, kCss);
  EXPECT_EQ(header(*css, "Cache-Control"), "public, max-age=3600");

  const auto js = ui->serve("/docs/swagger-ui-bundle.js");
  ASSERT_TRUE(js.has_value());
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(js->body, kBundle);

  const auto png = ui->serve("/docs/favicon-32x32.png");
  ASSERT_TRUE(png.has_value());
  EXPECT_EQ(png->content_type, "image/png");
  EXPECT_EQ(png->body, kFavicon32);  // binary, NULs included

  EXPECT_EQ(ui->bytes(),
            ui->serve("/docs")->body.size() + kCss.size() + kBundle.size() + kFavicon32.size());
}

TEST_F(SwaggerUiDir, OptionalFilesAreServedWhenPresent) {
  write("favicon-16x16.png", kFavicon16);
  write("swagger-ui.css.map", "{\"version\":3}");
  auto ui = SwaggerUi::load(dir());
  ASSERT_TRUE(ui.is_ok());
  EXPECT_EQ(ui->serve("/docs/favicon-16x16.png")->body, kFavicon16);
  EXPECT_EQ(ui->serve("/docs/swagger-ui.css.map")->content_type, "application/json");
  EXPECT_NE(ui->serve("/docs")->body.find("href=\"/docs/favicon-16x16.png\""), std::string::npos);
}

TEST_F(SwaggerUiDir, AnswersNothingElse) {
  write("index.html", "<html>petstore</html>");
  write("swagger-ui-bundle.js.map", "{}");
  auto ui = SwaggerUi::load(dir());
  ASSERT_TRUE(ui.is_ok());
  for (const char* path :
       {"/", "/doc", "/docsx", "/docs/", "/docs/index.html", "/docs/nope.js",
        "/docs/swagger-ui-bundle.js.map", "/docs/../swagger-ui.css", "/docs//swagger-ui.css",
        "/docs/swagger-ui.css/", "/docs/SWAGGER-UI.CSS", "/docs/swagger-ui.css?x=1",
        "/other/swagger-ui.css", "swagger-ui.css", ""}) {
    EXPECT_FALSE(ui->serve(path).has_value()) << path;
  }
  // Files the list does not name are never read, even when present.
  EXPECT_FALSE(ui->serve("/docs/favicon-16x16.png").has_value());
}

TEST_F(SwaggerUiDir, TitleAndDocumentUrlAreEscaped) {
  SwaggerUiOptions options;
  options.title = "<script>alert(1)</script> & co";
  options.openapi_url = "/x'); alert('1</script>";
  auto ui = SwaggerUi::load(dir(), options);
  ASSERT_TRUE(ui.is_ok());
  const std::string html = ui->serve("/docs")->body;
  EXPECT_NE(html.find("<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</title>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("url: '/x\\x27); alert(\\x271\\x3c/script\\x3e',"), std::string::npos)
      << html;
  EXPECT_EQ(html.find("alert('1"), std::string::npos);
}

TEST_F(SwaggerUiDir, MissingDirectorySaysHowToInstall) {
  const std::string missing = dir() + "/not-here";
  auto ui = SwaggerUi::load(missing);
  ASSERT_FALSE(ui.is_ok());
  EXPECT_EQ(ui.status().code(), util::StatusCode::kNotFound);
  EXPECT_NE(ui.status().message().find(missing), std::string::npos) << ui.status().message();
  EXPECT_NE(ui.status().message().find("scripts/install-peers build/peer"), std::string::npos)
      << ui.status().message();
}

TEST_F(SwaggerUiDir, MissingRequiredFileIsNamed) {
  for (const char* name : {"swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"}) {
    SetUp();
    fs::remove(dir_ / name);
    auto ui = SwaggerUi::load(dir());
    ASSERT_FALSE(ui.is_ok()) << name;
    EXPECT_EQ(ui.status().code(), util::StatusCode::kNotFound);
    EXPECT_NE(ui.status().message().find(dir() + "/" + name), std::string::npos)
        << ui.status().message();
    EXPECT_NE(ui.status().message().find("scripts/install-peers build/peer"), std::string::npos);
  }
}

TEST_F(SwaggerUiDir, TrailingSlashInTheDirectoryIsFine) {
  auto ui = SwaggerUi::load(dir() + "/");
  ASSERT_TRUE(ui.is_ok()) << ui.status().to_string();
  EXPECT_EQ(ui->serve("/docs/swagger-ui.css")->body, kCss);
}

TEST(SwaggerUi, LoadsThroughAnyFileSystem) {
  util::InMemoryFileSystem memfs;
  ASSERT_TRUE(memfs.put_file("/ui/swagger-ui.css", kCss).is_ok());
  ASSERT_TRUE(memfs.put_file("/ui/swagger-ui-bundle.js", kBundle).is_ok());
  ASSERT_TRUE(memfs.put_file("/ui/favicon-32x32.png", kFavicon32).is_ok());
  auto ui = SwaggerUi::load(memfs, "/ui");
  ASSERT_TRUE(ui.is_ok()) << ui.status().to_string();
  EXPECT_EQ(ui->dir(), "/ui");
  EXPECT_EQ(ui->serve("/docs/swagger-ui-bundle.js")->body, kBundle);
  EXPECT_FALSE(SwaggerUi::load(memfs, "/elsewhere").is_ok());
}

// The files scripts/install-peers installs under this build tree.
TEST(SwaggerUi, InstalledSwaggerUiDist) {
  const std::string dir(default_swagger_ui_dir());
  EXPECT_TRUE(dir.ends_with("/peer/node_modules/swagger-ui-dist")) << dir;
  if (!fs::exists(dir)) {
    GTEST_SKIP() << "swagger-ui-dist is not installed in " << dir << ": run scripts/install-peers "
                 << MEDALLION_BINARY_DIR << "/peer";
  }
  auto ui = SwaggerUi::load(dir);
  ASSERT_TRUE(ui.is_ok()) << ui.status().to_string();
  const auto bundle = ui->serve("/docs/swagger-ui-bundle.js");
  ASSERT_TRUE(bundle.has_value());
  EXPECT_GT(bundle->body.size(), 500'000u);
  EXPECT_NE(bundle->body.find("SwaggerUIBundle"), std::string::npos);
  const auto css = ui->serve("/docs/swagger-ui.css");
  ASSERT_TRUE(css.has_value());
  EXPECT_NE(css->body.find(".swagger-ui"), std::string::npos);
  const auto png = ui->serve("/docs/favicon-32x32.png");
  ASSERT_TRUE(png.has_value());
  EXPECT_TRUE(png->body.starts_with("\x89PNG"));
  // Whatever the stylesheet names (its source map) is answered too.
  EXPECT_TRUE(ui->serve("/docs/swagger-ui.css.map").has_value());
}

}  // namespace
}  // namespace medallion::api
