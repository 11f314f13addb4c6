// Insights: the analytics questions of SPEC.md answered over the gold
// sessions table (uc_delta_session_events) — the engine of
// `medallion insights`.
//
//   sessions                  rows of the table (one per session)
//   completed_per_country     sessions with session_status = 1 and a
//                             non-null country, counted per country; the
//                             top 10 by count descending, then country
//                             ascending (byte order)
//   completed_per_player      sessions with session_status = 1, counted per
//                             player_id; the top 10 by count descending,
//                             then player_id ascending
//   top_country_started_2016  the country (non-null) with the most sessions
//                             whose start_ts falls in calendar year 2016
//                             UTC; ties: country ascending; empty when none
//   completed_by_country      every country of completed_per_country's
//                             count, all of them (the chart's bars), count
//                             descending then country ascending
//
// The table is read once, projecting country, player_id, start_ts and
// session_status (delta/table_scan.h).
//
// Thread safety: pure functions apart from reading the table.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "util/file_system.h"
#include "util/status.h"

namespace medallion::insights {

struct CountryCount {
  std::string country;
  int64_t count = 0;
  bool operator==(const CountryCount&) const = default;
};

struct PlayerCount {
  std::string player_id;
  int64_t count = 0;
  bool operator==(const PlayerCount&) const = default;
};

inline constexpr size_t kTopN = 10;

struct Insights {
  int64_t sessions = 0;
  std::vector<CountryCount> completed_per_country;  // top kTopN
  std::vector<PlayerCount> completed_per_player;    // top kTopN
  std::string top_country_started_2016;             // "" when no session started in 2016
  std::vector<CountryCount> completed_by_country;   // all countries, same order
};

// Reads the sessions table at table_root (its latest version). kNotFound
// naming the table and saying to run the pipeline first when it is not
// there.
util::Result<Insights> compute_insights(util::FileSystem& fs, const std::string& table_root);

// Exactly SPEC.md's form, one line, no trailing newline:
// {"sessions":N,"completed_per_country":[{"country":"IT","count":2839},...],
//  "completed_per_player":[{"player_id":"...","count":50},...],
//  "top_country_started_2016":"IT"}
// (top_country_started_2016 is null when empty).
std::string insights_json(const Insights& insights);

// Aligned human-readable tables, one section per question, ending in '\n'.
std::string insights_text(const Insights& insights);

// A standalone SVG 1.1 document: a vertical bar chart of
// completed_by_country (one bar per country, labelled, in that order),
// with a title, axis ticks and the count on hover (<title> per bar).
// Text is XML-escaped. Deterministic for the same input.
std::string completed_per_country_svg(const Insights& insights);

}  // namespace medallion::insights
