// `medallion insights [--lake DIR] [--config FILE] [--json] [--chart FILE.svg]`: the
// analytics questions of SPEC.md over the gold sessions table
// (insights/insights.h), as aligned tables or one JSON line, and the
// completed-sessions-per-country bar chart as an SVG file.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/command.h"
#include "cli/pipeline_options.h"
#include "insights/insights.h"
#include "lake/lake_layout.h"
#include "util/file_system.h"

namespace medallion::cli {

namespace {

struct InsightsArgs {
  PipelineFlags flags;
  std::string chart;
  bool json = false;
};

int run_insights(const InsightsArgs& args, const GlobalOptions& global) {
  auto settings = resolve_settings(args.flags);
  if (!settings.is_ok()) return report_failure(settings.status());
  util::FileSystem& fs = util::posix_file_system();
  const std::string table =
      lake::LakeLayout(settings->pipeline.lake_root).use_case_session_events();
  util::Result<insights::Insights> result = insights::compute_insights(fs, table);
  if (!result.is_ok()) return report_failure(result.status());
  if (!args.chart.empty()) {
    const util::Status written =
        util::write_file_atomic(fs, args.chart, insights::completed_per_country_svg(*result));
    if (!written.is_ok()) {
      return report_failure(written.with_context(fmt::format(
          "insights: cannot write the chart {} (check that its directory exists)", args.chart)));
    }
  }
  if (args.json) {
    std::printf("%s\n", insights::insights_json(*result).c_str());
    return kExitOk;
  }
  std::fputs(insights::insights_text(*result).c_str(), stdout);
  if (!args.chart.empty() && !global.quiet) {
    std::printf("\nchart: %s (%zu countries)\n", args.chart.c_str(),
                result->completed_by_country.size());
  }
  return kExitOk;
}

}  // namespace

void add_insights_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto args = std::make_shared<InsightsArgs>();
  CLI::App* cmd = app.add_subcommand(
      "insights",
      "Answer the analytics questions over the gold table\n"
      "(<lake>/use_case/uc_assignment/uc_delta_session_events): the number of sessions,\n"
      "completed sessions per country and per player (top 10, count descending then\n"
      "name ascending), and the country with the most sessions started in 2016 (ties:\n"
      "country ascending). --chart draws completed sessions per country as an SVG bar\n"
      "chart.");
  add_pipeline_flags(cmd, args->flags, PipelineFlagSet::kLakeOnly);
  cmd->add_flag("--json", args->json,
                "print one JSON object instead of tables:\n"
                "{\"sessions\":N,\"completed_per_country\":[{\"country\":..,\"count\":..},..],\n"
                " \"completed_per_player\":[{\"player_id\":..,\"count\":..},..],\n"
                " \"top_country_started_2016\":.. or null}");
  cmd->add_option("--chart", args->chart,
                  "also write the bar chart of completed sessions per country (every country)\n"
                  "to this SVG file, replacing it atomically");
  cmd->callback([args, &global, &action] {
    action = [args, &global] { return run_insights(*args, global); };
  });
}

}  // namespace medallion::cli
