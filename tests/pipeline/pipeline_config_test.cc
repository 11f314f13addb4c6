#include "pipeline/pipeline_config.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "util/civil_time.h"

namespace medallion::pipeline {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(PipelineConfig, DefaultsAreTheDocumentedOnes) {
  const PipelineConfig c;
  EXPECT_EQ(c.lake_root, "./data_lake");
  ASSERT_TRUE(c.now_micros.has_value());
  EXPECT_EQ(util::format_iso8601(*c.now_micros), "2016-11-07T00:00:00");
  EXPECT_EQ(c.retention_days, 365);
  EXPECT_FALSE(c.compat_tables);
  EXPECT_EQ(c.trigger.mode, TriggerMode::kAvailableNow);
  EXPECT_EQ(c.max_files_per_trigger, 1000);
  EXPECT_EQ(c.max_bytes_per_trigger, int64_t{256} << 20);
  EXPECT_EQ(c.embedded_data_directory, "./cql_data");
  EXPECT_EQ(c.embedded_port, 9042);
}

TEST(PipelineConfig, ReadsEveryKey) {
  auto c = parse_pipeline_config(R"(
[lake]
root = "/srv/lake"
[pipeline]
now = "clock"
retention_days = 30
compat_tables = true
threads = 3
replication = "{'class': 'NetworkTopologyStrategy', 'dc1': 3}"
[stream]
trigger = "every=45s"
max_files_per_trigger = 12
max_bytes_per_trigger = 1000000
[embedded]
data_directory = "/srv/cql"
port = 0
[cql]
hosts = ["10.0.0.1"]
[server]
port = 9043
)",
                                 "medallion.toml");
  ASSERT_TRUE(c.is_ok()) << c.status().message();
  EXPECT_EQ(c->lake_root, "/srv/lake");
  EXPECT_FALSE(c->now_micros.has_value());
  EXPECT_EQ(c->retention_days, 30);
  EXPECT_TRUE(c->compat_tables);
  EXPECT_EQ(c->threads, 3u);
  EXPECT_EQ(c->replication, "{'class': 'NetworkTopologyStrategy', 'dc1': 3}");
  EXPECT_EQ(c->trigger.mode, TriggerMode::kProcessingTime);
  EXPECT_EQ(c->trigger.interval, std::chrono::milliseconds(45000));
  EXPECT_EQ(c->max_files_per_trigger, 12);
  EXPECT_EQ(c->max_bytes_per_trigger, 1000000);
  EXPECT_EQ(c->embedded_data_directory, "/srv/cql");
  EXPECT_EQ(c->embedded_port, 0);
}

TEST(PipelineConfig, AnUnknownKeyNamesFileAndKey) {
  auto c = parse_pipeline_config("[pipeline]\nretention = 3\n", "m.toml");
  ASSERT_FALSE(c.is_ok());
  EXPECT_TRUE(contains(c.status().message(), "m.toml: pipeline.retention")) << c.status().message();
}

TEST(PipelineConfig, AnUnknownTableIsAnError) {
  auto c = parse_pipeline_config("[pipelines]\n", "m.toml");
  ASSERT_FALSE(c.is_ok());
  EXPECT_TRUE(contains(c.status().message(), "pipelines")) << c.status().message();
}

TEST(PipelineConfig, AWrongTypeSaysWhatIsExpected) {
  auto c = parse_pipeline_config("[pipeline]\nretention_days = \"a year\"\n", "m.toml");
  ASSERT_FALSE(c.is_ok());
  EXPECT_TRUE(contains(c.status().message(), "expected an integer")) << c.status().message();
}

TEST(PipelineConfig, ABadNowSaysHowToWriteIt) {
  auto c = parse_pipeline_config("[pipeline]\nnow = \"yesterday\"\n", "m.toml");
  ASSERT_FALSE(c.is_ok());
  EXPECT_TRUE(contains(c.status().message(), "pipeline.now")) << c.status().message();
  EXPECT_TRUE(contains(c.status().message(), "clock")) << c.status().message();
}

TEST(PipelineConfig, ATomlSyntaxErrorHasLineAndColumn) {
  auto c = parse_pipeline_config("[lake\nroot = 1\n", "m.toml");
  ASSERT_FALSE(c.is_ok());
  EXPECT_TRUE(contains(c.status().message(), "m.toml:1:")) << c.status().message();
}

TEST(PipelineConfig, EnvironmentOverridesTheFile) {
  PipelineConfig c;
  std::map<std::string, std::string> env = {{"MEDALLION_LAKE", "/env/lake"},
                                            {"MEDALLION_NOW", "2017-01-01T00:00:00Z"}};
  auto st = apply_pipeline_environment(&c, [&](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
  ASSERT_TRUE(st.is_ok()) << st.message();
  EXPECT_EQ(c.lake_root, "/env/lake");
  EXPECT_EQ(util::format_iso8601(*c.now_micros), "2017-01-01T00:00:00");
}

TEST(PipelineConfig, ABadEnvironmentValueNamesTheVariable) {
  PipelineConfig c;
  auto st = apply_pipeline_environment(&c, [](const char* name) -> const char* {
    return std::string(name) == "MEDALLION_NOW" ? "soon" : nullptr;
  });
  ASSERT_FALSE(st.is_ok());
  EXPECT_TRUE(contains(st.message(), "MEDALLION_NOW")) << st.message();
}

TEST(PipelineConfig, TriggersParseAndBadOnesSayTheForm) {
  EXPECT_EQ(parse_trigger("available-now")->mode, TriggerMode::kAvailableNow);
  EXPECT_EQ(parse_trigger("every=250ms")->interval, std::chrono::milliseconds(250));
  EXPECT_EQ(parse_trigger("every=30s")->interval, std::chrono::milliseconds(30000));
  EXPECT_EQ(parse_trigger("every=2m")->interval, std::chrono::milliseconds(120000));
  for (const char* bad : {"", "every=", "every=0s", "every=5h", "every=-1s", "every=10", "now"}) {
    auto t = parse_trigger(bad);
    ASSERT_FALSE(t.is_ok()) << bad;
    EXPECT_TRUE(contains(t.status().message(), "every=30s")) << t.status().message();
  }
}

TEST(PipelineConfig, NowIsClockOrAnInstant) {
  auto clock = parse_now("clock");
  ASSERT_TRUE(clock.is_ok());
  EXPECT_FALSE(clock->has_value());
  auto instant = parse_now("2016-11-07T00:00:00Z");
  ASSERT_TRUE(instant.is_ok());
  EXPECT_EQ(**instant, 1'478'476'800'000'000);
  EXPECT_FALSE(parse_now("2016-11-07 noon").is_ok());
}

}  // namespace
}  // namespace medallion::pipeline
