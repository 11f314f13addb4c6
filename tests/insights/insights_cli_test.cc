// `medallion insights` end to end: the built binary over a gold table on
// disk (MEDALLION_CLI names it; the test target depends on it).
#include <gtest/gtest.h>

#include <stdlib.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "insights/insights.h"
#include "lake/lake_layout.h"
#include "session_rows.h"

namespace medallion::insights {
namespace {

using testing::micros;
using testing::write_sessions_table;

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "medallion_insights_cli_XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

CliRun run_cli(const TempDir& dir, const std::string& args) {
  const std::string out = dir.path() + "/stdout";
  const std::string err = dir.path() + "/stderr";
  const std::string command =
      std::string("'") + MEDALLION_CLI + "' " + args + " >'" + out + "' 2>'" + err + "'";
  const int status = std::system(command.c_str());
  CliRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = slurp(out);
  run.err = slurp(err);
  return run;
}

TEST(InsightsCli, JsonAndChartOfALake) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string lake_root = dir.path() + "/lake";
  const std::string table = lake::LakeLayout(lake_root).use_case_session_events();
  write_sessions_table(util::posix_file_system(), table,
                       {{"IT", "p1", micros("2016-03-01T00:00:00Z"), 1},
                        {"(.uk)", "p2", micros("2016-03-01T00:00:00Z"), 1},
                        {"(.uk)", "p2", micros("2016-04-01T00:00:00Z"), 0},
                        {std::nullopt, "p1", micros("2015-03-01T00:00:00Z"), 1}});
  const std::string chart = dir.path() + "/chart.svg";
  const CliRun run =
      run_cli(dir, "insights --lake '" + lake_root + "' --json --chart '" + chart + "'");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            R"j({"sessions":4,"completed_per_country":[{"country":"(.uk)","count":1},)j"
            R"j({"country":"IT","count":1}],"completed_per_player":[{"player_id":"p1",)j"
            R"j("count":2},{"player_id":"p2","count":1}],"top_country_started_2016":"(.uk)"})j"
            "\n");
  auto expected = compute_insights(util::posix_file_system(), table);
  ASSERT_TRUE(expected.is_ok()) << expected.status().message();
  EXPECT_EQ(slurp(chart), completed_per_country_svg(*expected));

  // Human output: the tables, and where the chart went.
  const CliRun text = run_cli(dir, "insights --lake '" + lake_root + "' --chart '" + chart + "'");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out.rfind(insights_text(*expected), 0), 0u) << text.out;
  EXPECT_NE(text.out.find("chart: " + chart), std::string::npos) << text.out;
}

TEST(InsightsCli, MissingTableFailsWithAdvice) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const CliRun run = run_cli(dir, "insights --lake '" + dir.path() + "/nowhere' --json");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find("medallion: insights: no sessions table"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("run the pipeline first"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace medallion::insights
