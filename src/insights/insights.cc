#include "insights/insights.h"

#include <algorithm>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "columnar/record_batch.h"
#include "delta/columnar_bridge.h"
#include "delta/snapshot.h"
#include "delta/table_scan.h"
#include "insights/bar_chart_svg.h"
#include "insights/string_table.h"
#include "util/json_writer.h"

namespace medallion::insights {
namespace {

constexpr std::string_view kCountry = "country";
constexpr std::string_view kPlayerId = "player_id";
constexpr std::string_view kStartTs = "start_ts";
constexpr std::string_view kSessionStatus = "session_status";
constexpr int32_t kCompleted = 1;

// [2016-01-01T00:00:00Z, 2017-01-01T00:00:00Z) in microseconds.
constexpr int64_t kYear2016StartMicros = 1'451'606'400'000'000;
constexpr int64_t kYear2017StartMicros = 1'483'228'800'000'000;

struct CountryTally {
  int64_t completed = 0;
  int64_t started_2016 = 0;
};

struct Tallies {
  int64_t sessions = 0;
  StringTable<CountryTally> countries;
  StringTable<int64_t> players;
};

struct Ranked {
  std::string_view key;  // into a StringTable
  int64_t count = 0;
};

// Count descending, then key ascending (byte order).
bool ranks_before(const Ranked& a, const Ranked& b) {
  if (a.count != b.count) return a.count > b.count;
  return a.key < b.key;
}

util::Status check_type(const columnar::Column& column, columnar::DataType want,
                        std::string_view name, const std::string& table_root) {
  if (column.type() == want) return util::Status::ok();
  return util::Status::failed_precondition(fmt::format(
      "insights: column {} of the sessions table has an unexpected type (table {}): rebuild the "
      "table with `medallion stream sessions`",
      name, table_root));
}

util::Result<const columnar::Column*> column_named(const columnar::RecordBatch& batch,
                                                   std::string_view name,
                                                   const std::string& table_root) {
  const std::optional<size_t> index = batch.schema().index_of(name);
  if (!index) {
    return util::Status::internal(
        fmt::format("insights: the scan of {} lost column {}", table_root, name));
  }
  return &batch.column(*index);
}

util::Status tally_batch(const columnar::RecordBatch& batch, const std::string& table_root,
                         Tallies* t) {
  MEDALLION_ASSIGN_OR_RETURN(const columnar::Column* country_column,
                             column_named(batch, kCountry, table_root));
  MEDALLION_ASSIGN_OR_RETURN(const columnar::Column* player_column,
                             column_named(batch, kPlayerId, table_root));
  MEDALLION_ASSIGN_OR_RETURN(const columnar::Column* start_column,
                             column_named(batch, kStartTs, table_root));
  MEDALLION_ASSIGN_OR_RETURN(const columnar::Column* status_column,
                             column_named(batch, kSessionStatus, table_root));
  const columnar::Column& country = *country_column;
  const columnar::Column& player = *player_column;
  const columnar::Column& start = *start_column;
  const columnar::Column& status = *status_column;
  MEDALLION_RETURN_IF_ERROR(check_type(country, columnar::DataType::kString, kCountry, table_root));
  MEDALLION_RETURN_IF_ERROR(check_type(player, columnar::DataType::kString, kPlayerId, table_root));
  MEDALLION_RETURN_IF_ERROR(
      check_type(start, columnar::DataType::kTimestamp, kStartTs, table_root));
  MEDALLION_RETURN_IF_ERROR(
      check_type(status, columnar::DataType::kInt32, kSessionStatus, table_root));

  const size_t rows = batch.num_rows();
  t->sessions += static_cast<int64_t>(rows);
  const std::vector<int32_t>& statuses = status.int32_values();
  const std::vector<int64_t>& starts = start.int64_values();
  // The country is looked up once per row that counts for either question;
  // consecutive rows often share it (files are partitioned by date, rows
  // arrive grouped), so the last lookup is reused.
  std::string_view last_country;
  CountryTally* last_tally = nullptr;
  for (size_t r = 0; r < rows; ++r) {
    const bool completed = !status.is_null(r) && statuses[r] == kCompleted;
    const bool in_2016 =
        !start.is_null(r) && starts[r] >= kYear2016StartMicros && starts[r] < kYear2017StartMicros;
    if (completed && !player.is_null(r)) ++t->players.find_or_insert(player.string_at(r));
    if ((!completed && !in_2016) || country.is_null(r)) continue;
    const std::string_view c = country.string_at(r);
    if (last_tally == nullptr || c != last_country) {
      last_tally = &t->countries.find_or_insert(c);
      last_country = c;
    }
    if (completed) ++last_tally->completed;
    if (in_2016) ++last_tally->started_2016;
  }
  return util::Status::ok();
}

util::Result<Tallies> read_tallies(util::FileSystem& fs, const std::string& table_root) {
  auto snapshot = delta::load_snapshot(fs, table_root);
  if (!snapshot.is_ok()) {
    if (snapshot.status().code() == util::StatusCode::kNotFound) {
      return util::Status::not_found(fmt::format(
          "insights: no sessions table ({}; {}): run the pipeline first (`medallion up`, or "
          "`medallion stream sessions` after `medallion refine`)",
          table_root, snapshot.status().message()));
    }
    return snapshot.status().with_context(
        fmt::format("insights: cannot read the sessions table {}", table_root));
  }
  delta::ScanOptions options;
  options.columns = {std::string(kCountry), std::string(kPlayerId), std::string(kStartTs),
                     std::string(kSessionStatus)};
  auto scan = delta::TableScan::make(*snapshot, options);
  if (!scan.is_ok()) {
    return scan.status().with_context(
        fmt::format("insights: {} is not a sessions table", table_root));
  }
  Tallies tallies;
  const delta::Schema& schema = scan->output_schema();
  MEDALLION_RETURN_IF_ERROR(scan->read_all(fs, [&](parquet::RowBatch&& rows) -> util::Status {
    auto batch = delta::to_record_batch(schema, std::move(rows));
    if (!batch.is_ok()) {
      return batch.status().with_context(
          fmt::format("insights: cannot read the sessions table {}", table_root));
    }
    return tally_batch(*batch, table_root, &tallies);
  }));
  return tallies;
}

// The keys of `table` with a positive count(value), ranked; the first
// `limit` only (all when 0).
template <typename V, typename Count>
std::vector<Ranked> rank(const StringTable<V>& table, Count count, size_t limit) {
  std::vector<Ranked> ranked;
  ranked.reserve(table.size());
  table.for_each([&](std::string_view key, const V& value) {
    const int64_t c = count(value);
    if (c > 0) ranked.push_back({key, c});
  });
  if (limit != 0 && ranked.size() > limit) {
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<ptrdiff_t>(limit), ranked.end(),
                      ranks_before);
    ranked.resize(limit);
  } else {
    std::sort(ranked.begin(), ranked.end(), ranks_before);
  }
  return ranked;
}

// Width of a cell in a terminal: code points, not bytes (UTF-8 continuation
// bytes take no column).
size_t display_width(std::string_view s) {
  size_t width = 0;
  for (char c : s) width += (static_cast<uint8_t>(c) & 0xC0) != 0x80 ? 1 : 0;
  return width;
}

// One aligned table: a header row, a rule, then the rows; numbers
// (right_aligned columns) line up on their last digit.
std::string table(const std::vector<std::vector<std::string>>& rows,
                  const std::vector<bool>& right_aligned) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], display_width(row[i]));
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& row) {
    std::string text = "  ";
    for (size_t i = 0; i < row.size(); ++i) {
      const std::string pad(widths[i] - display_width(row[i]), ' ');
      if (i > 0) text += "  ";
      const bool right = i < right_aligned.size() && right_aligned[i];
      text += right ? pad + row[i] : row[i] + pad;
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  };
  for (size_t r = 0; r < rows.size(); ++r) {
    line(rows[r]);
    if (r == 0) {
      std::vector<std::string> rule;
      for (size_t w : widths) rule.emplace_back(w, '-');
      line(rule);
    }
  }
  return out;
}

}  // namespace

util::Result<Insights> compute_insights(util::FileSystem& fs, const std::string& table_root) {
  MEDALLION_ASSIGN_OR_RETURN(Tallies tallies, read_tallies(fs, table_root));
  Insights insights;
  insights.sessions = tallies.sessions;
  for (const Ranked& r : rank(
           tallies.countries, [](const CountryTally& t) { return t.completed; }, 0)) {
    insights.completed_by_country.push_back({std::string(r.key), r.count});
  }
  insights.completed_per_country.assign(
      insights.completed_by_country.begin(),
      insights.completed_by_country.begin() +
          static_cast<ptrdiff_t>(std::min(kTopN, insights.completed_by_country.size())));
  for (const Ranked& r : rank(
           tallies.players, [](int64_t n) { return n; }, kTopN)) {
    insights.completed_per_player.push_back({std::string(r.key), r.count});
  }
  const std::vector<Ranked> started = rank(
      tallies.countries, [](const CountryTally& t) { return t.started_2016; }, 1);
  if (!started.empty()) insights.top_country_started_2016 = std::string(started.front().key);
  return insights;
}

std::string insights_json(const Insights& insights) {
  util::JsonWriter w;
  w.begin_object();
  w.key("sessions").value(insights.sessions);
  w.key("completed_per_country").begin_array();
  for (const CountryCount& c : insights.completed_per_country) {
    w.begin_object();
    w.key("country").value(c.country);
    w.key("count").value(c.count);
    w.end_object();
  }
  w.end_array();
  w.key("completed_per_player").begin_array();
  for (const PlayerCount& p : insights.completed_per_player) {
    w.begin_object();
    w.key("player_id").value(p.player_id);
    w.key("count").value(p.count);
    w.end_object();
  }
  w.end_array();
  w.key("top_country_started_2016");
  if (insights.top_country_started_2016.empty()) {
    w.null();
  } else {
    w.value(insights.top_country_started_2016);
  }
  w.end_object();
  return w.take();
}

std::string insights_text(const Insights& insights) {
  std::string out;
  out += fmt::format("sessions: {}\n", insights.sessions);

  out += fmt::format("\ncompleted sessions per country (top {})\n", kTopN);
  if (insights.completed_per_country.empty()) {
    out += "  (no completed sessions with a country)\n";
  } else {
    std::vector<std::vector<std::string>> rows = {{"rank", "country", "completed"}};
    for (size_t i = 0; i < insights.completed_per_country.size(); ++i) {
      const CountryCount& c = insights.completed_per_country[i];
      rows.push_back({std::to_string(i + 1), c.country, std::to_string(c.count)});
    }
    out += table(rows, {true, false, true});
  }

  out += fmt::format("\ncompleted sessions per player (top {})\n", kTopN);
  if (insights.completed_per_player.empty()) {
    out += "  (no completed sessions)\n";
  } else {
    std::vector<std::vector<std::string>> rows = {{"rank", "player_id", "completed"}};
    for (size_t i = 0; i < insights.completed_per_player.size(); ++i) {
      const PlayerCount& p = insights.completed_per_player[i];
      rows.push_back({std::to_string(i + 1), p.player_id, std::to_string(p.count)});
    }
    out += table(rows, {true, false, true});
  }

  out += "\ncountry with the most sessions started in 2016\n";
  out += insights.top_country_started_2016.empty()
             ? std::string("  (no session with a country started in 2016)\n")
             : "  " + insights.top_country_started_2016 + "\n";
  return out;
}

std::string completed_per_country_svg(const Insights& insights) {
  BarChart chart;
  chart.title = "Completed sessions per country";
  chart.x_label = "country";
  chart.y_label = "completed sessions";
  chart.empty_text = "no completed sessions with a country";
  chart.bars.reserve(insights.completed_by_country.size());
  for (const CountryCount& c : insights.completed_by_country) {
    chart.bars.push_back({c.country, c.count});
  }
  return bar_chart_svg(chart);
}

}  // namespace medallion::insights
