// ServingReader: the API's two product queries over the serving tables
// (pipeline/serving_tables.h, SPEC.md "REST API"), asynchronous, on the CQL
// client's session. Statements are prepared once, at prepare().
//
// completed_sessions(player_id): one partition read,
//   SELECT end_ts, session_id, country FROM completed_sessions_by_player
//   WHERE player_id = ? AND end_ts >= ? LIMIT 20
// with the bound now - retention: the player's 20 newest completed sessions
// in the window, newest first, ties by session_id ascending (the table's
// clustering order); ts = end_ts.
//
// started_sessions(country, hours, limit, after): the rows with
// now - hours*3600 s <= start_ts <= now, read from the (country, hour)
// partitions newest hour first (hours + 1 of them at most), each
//   SELECT start_ts, session_id, player_id FROM started_sessions_by_country_hour
//   WHERE country = ? AND hour = ? AND start_ts >= ? AND start_ts <= ? LIMIT ?
// one after the other, until limit + 1 rows are in hand (the extra row says
// whether a next page exists). Partitions hold disjoint hours, so their
// concatenation is in the API's order: start_ts descending, session_id
// ascending. `after` (a page position: the last item of the previous page)
// starts strictly after it: the partitions of later hours are skipped, and
// its own hour is read as the rows at its start_ts with a greater
// session_id, then the rows before its start_ts.
//
// Instants are the tables' milliseconds; "now" comes from a function
// (a fixed instant, or the clock) at each request.
//
// Thread safety: every method may be called from any thread; callbacks run
// on the runner's threads (the session's I/O threads, or the caller's for
// the embedded node) and must not block.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/status.h"

namespace medallion::cql {
class ResultPage;
class Session;
struct Value;
}  // namespace medallion::cql

namespace medallion::api {

// How the reader runs its statements: over the CQL client's session (any
// cluster; session_query_runner), or on the embedded node of this process
// without the network (api/embedded/embedded_query_runner.h).
class ServingQueryRunner {
 public:
  using RowsCallback = std::function<void(util::Result<cql::ResultPage>)>;
  virtual ~ServingQueryRunner() = default;
  // Prepares `query`; the handle names it in run(). Errors: the cluster's.
  virtual util::Result<size_t> prepare(const std::string& query) = 0;
  // Runs a prepared statement with its positional values, already encoded;
  // `done` gets the first page (at most page_size rows; <= 0: all).
  // Reads are idempotent: a runner may retry them.
  virtual void run(size_t statement, std::vector<cql::Value> values, int32_t page_size,
                   RowsCallback done) = 0;
};

std::shared_ptr<ServingQueryRunner> session_query_runner(std::shared_ptr<cql::Session> session);

inline constexpr int kCompletedSessionsLimit = 20;

struct SessionItem {
  std::string player_id;
  std::string session_id;
  std::string country;
  int64_t ts_millis = 0;
};

// A position in the started-sessions order: the last item of a page.
struct PagePosition {
  int64_t start_ts_millis = 0;
  std::string session_id;
};

struct StartedSessionsPage {
  std::vector<SessionItem> items;
  std::optional<PagePosition> next;  // set when more items follow
};

struct ServingReaderOptions {
  std::function<int64_t()> now_micros;  // the instant windows end at
  int64_t retention_days = 365;
};

class ServingReader {
 public:
  using CompletedCallback = std::function<void(util::Result<std::vector<SessionItem>>)>;
  using StartedCallback = std::function<void(util::Result<StartedSessionsPage>)>;
  using StatusCallback = std::function<void(util::Status)>;

  // Prepares the statements. Errors: the cluster's (no such table: the
  // serving tables are created by `medallion init` or `up`).
  static util::Result<std::shared_ptr<ServingReader>> prepare(
      std::shared_ptr<ServingQueryRunner> runner, ServingReaderOptions options);

  void completed_sessions(std::string player_id, CompletedCallback done) const;
  void started_sessions(std::string country, int hours, int limit,
                        std::optional<PagePosition> after, StartedCallback done) const;
  // One cheap read of the cluster (system.local): ok, or why not.
  void check_ready(StatusCallback done) const;

  int64_t now_micros() const { return options_.now_micros(); }

  struct Prepared;

 private:
  ServingReader(std::shared_ptr<ServingQueryRunner> runner, ServingReaderOptions options,
                std::shared_ptr<const Prepared> prepared);

  std::shared_ptr<ServingQueryRunner> runner_;
  ServingReaderOptions options_;
  std::shared_ptr<const Prepared> prepared_;
};

}  // namespace medallion::api
