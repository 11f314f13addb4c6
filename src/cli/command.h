// The CLI's plumbing: each subcommand lives in its own file and registers
// itself on the root CLI11 app through one add_*_command function. When CLI11
// selects a subcommand, its callback stores the work to run; main() runs it
// after parsing and turns the result into the process exit code:
//   0 success, 1 failure (one line on stderr), 2 bad usage.
#pragma once

#include <functional>
#include <string>

#include "util/status.h"

namespace CLI {
class App;
}

namespace medallion::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// What a selected subcommand will do once parsing is complete.
using CommandAction = std::function<int()>;

// Options every command shares.
struct GlobalOptions {
  bool quiet = false;
  bool verbose = false;
};

// Prints "medallion: <message>" on stderr and returns kExitFailure.
int report_failure(const util::Status& status);

void add_gen_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);
void add_land_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);
void add_inspect_source_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);
void add_parquet_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);
void add_delta_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);
void add_cql_server_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);
void add_refine_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);
void add_insights_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);
void add_init_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);
void add_stream_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);
void add_up_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);
void add_serve_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);

}  // namespace medallion::cli
