// ApiConfig: the [api] table, the environment, and their errors.
#include "api/api_config.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace medallion::api {
namespace {

TEST(ApiConfigTest, DefaultsWithoutAnApiTable) {
  auto c = parse_api_config("[lake]\nroot = \"x\"\n", "m.toml");
  ASSERT_TRUE(c.is_ok()) << c.status().message();
  EXPECT_EQ(c->server.host, "127.0.0.1");
  EXPECT_EQ(c->server.port, 8000);
  EXPECT_TRUE(c->service.api_keys.empty());
  EXPECT_EQ(c->service.rate_limit_per_second, 0);
}

TEST(ApiConfigTest, EveryKey) {
  auto c = parse_api_config(R"([api]
host = "0.0.0.0"
port = 9000
threads = 4
max_connections = 10
read_timeout_ms = 500
idle_timeout_ms = 700
api_keys = ["a", "b"]
rate_limit_per_second = 2.5
rate_limit_burst = 10
swagger_ui_dir = "/opt/swagger"
)",
                            "m.toml");
  ASSERT_TRUE(c.is_ok()) << c.status().message();
  EXPECT_EQ(c->server.host, "0.0.0.0");
  EXPECT_EQ(c->server.port, 9000);
  EXPECT_EQ(c->server.threads, 4u);
  EXPECT_EQ(c->server.max_connections, 10u);
  EXPECT_EQ(c->server.read_timeout.count(), 500);
  EXPECT_EQ(c->server.idle_timeout.count(), 700);
  EXPECT_EQ(c->service.api_keys, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c->service.rate_limit_per_second, 2.5);
  EXPECT_EQ(c->service.rate_limit_burst, 10);
  EXPECT_EQ(c->service.swagger_ui_dir, "/opt/swagger");
}

TEST(ApiConfigTest, ErrorsNameTheFileAndKey) {
  auto unknown = parse_api_config("[api]\nprot = 1\n", "m.toml");
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_EQ(unknown.status().message(), "api: unknown config key (m.toml: [api] prot)");
  auto range = parse_api_config("[api]\nport = 70000\n", "m.toml");
  ASSERT_FALSE(range.is_ok());
  EXPECT_EQ(range.status().message(),
            "api: bad config key (m.toml: [api] port): expected an integer 0..65535");
  auto keys = parse_api_config("[api]\napi_keys = \"k\"\n", "m.toml");
  ASSERT_FALSE(keys.is_ok());
  EXPECT_NE(keys.status().message().find("an array of strings"), std::string::npos);
  auto syntax = parse_api_config("[api\n", "m.toml");
  ASSERT_FALSE(syntax.is_ok());
  EXPECT_NE(syntax.status().message().find("m.toml:1:"), std::string::npos);
}

TEST(ApiConfigTest, EnvironmentOverridesTheFile) {
  ApiConfig c;
  std::map<std::string, std::string> env = {{"MEDALLION_API_HOST", "0.0.0.0"},
                                            {"MEDALLION_API_PORT", "8100"},
                                            {"MEDALLION_API_KEYS", "x,,y"}};
  const auto get = [&](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  ASSERT_TRUE(apply_api_environment(&c, get).is_ok());
  EXPECT_EQ(c.server.host, "0.0.0.0");
  EXPECT_EQ(c.server.port, 8100);
  EXPECT_EQ(c.service.api_keys, (std::vector<std::string>{"x", "y"}));
  env["MEDALLION_API_PORT"] = "80x";
  auto bad = apply_api_environment(&c, get);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.message().find("MEDALLION_API_PORT=80x"), std::string::npos);
}

}  // namespace
}  // namespace medallion::api
