#include "pipeline/sessionize.h"

#include <fmt/format.h>

#include <array>
#include <optional>

#include "columnar/expression.h"
#include "columnar/hash_aggregate.h"
#include "delta/columnar_bridge.h"
#include "delta/snapshot.h"
#include "delta/table_scan.h"
#include "delta/table_writer.h"
#include "pipeline/table_schemas.h"
#include "util/civil_time.h"
#include "util/thread_pool.h"

namespace medallion::pipeline {
namespace {

using columnar::col;
using columnar::DataType;
using columnar::Expr;
using columnar::Function;

util::Result<size_t> find_column(const columnar::RecordBatch& events, std::string_view name,
                                 DataType type) {
  auto index = events.schema().index_of(name);
  if (!index || events.schema().field(*index).type != type) {
    return util::Status::invalid_argument(fmt::format(
        "sessionize: the events need a {} column '{}'", columnar::data_type_name(type), name));
  }
  return *index;
}

// ts where the event is `kind`, else null.
util::Result<columnar::Column> ts_of_event(const columnar::RecordBatch& events,
                                           std::string_view kind) {
  const Expr expr = columnar::if_(columnar::eq(col("event"), Expr::string(std::string(kind))),
                                  col("ts"), Expr::null_of(DataType::kTimestamp));
  MEDALLION_ASSIGN_OR_RETURN(columnar::BoundExpr bound, columnar::bind(expr, events.schema()));
  return columnar::evaluate(bound, events);
}

Expr least(Expr a, Expr b) { return Expr::call(Function::kLeast, {std::move(a), std::move(b)}); }
Expr greatest(Expr a, Expr b) {
  return Expr::call(Function::kGreatest, {std::move(a), std::move(b)});
}
Expr status_of(Expr end_ts) {
  return columnar::if_(columnar::is_not_null(std::move(end_ts)), Expr::int32(1), Expr::int32(0));
}
Expr date_of(Expr start_ts, Expr end_ts) {
  return Expr::call(Function::kToDate,
                    {Expr::call(Function::kCoalesce, {std::move(start_ts), std::move(end_ts)})});
}
// a < b, where a null b counts as later than any a.
Expr earlier(Expr a, Expr b) {
  return columnar::and_(columnar::is_not_null(a),
                        columnar::or_(columnar::is_null(b), columnar::lt(a, b)));
}

}  // namespace

util::Result<columnar::RecordBatch> aggregate_sessions(const columnar::RecordBatch& events) {
  MEDALLION_RETURN_IF_ERROR(find_column(events, "event", DataType::kString).status());
  MEDALLION_ASSIGN_OR_RETURN(size_t player, find_column(events, "player_id", DataType::kString));
  MEDALLION_ASSIGN_OR_RETURN(size_t country, find_column(events, "country", DataType::kString));
  MEDALLION_ASSIGN_OR_RETURN(size_t session, find_column(events, "session_id", DataType::kString));
  MEDALLION_RETURN_IF_ERROR(find_column(events, "ts", DataType::kTimestamp).status());

  // session_id, player_id, country, start_ts (only at starts), end_ts (only
  // at ends): copies and evaluations of a whole batch each, made at once on
  // the CPU pool.
  std::vector<std::optional<columnar::Column>> parts(5);
  std::array<util::Status, 2> evaluated;
  util::parallel_for(&util::cpu_pool(), parts.size(), [&](size_t i) {
    if (i < 3) {
      parts[i] = events.column(std::array{session, player, country}[i]);
      return;
    }
    auto ts = ts_of_event(events, i == 3 ? "start" : "end");
    if (ts.is_ok()) {
      parts[i] = std::move(ts).value();
    } else {
      evaluated[i - 3] = ts.status();
    }
  });
  for (const util::Status& status : evaluated) MEDALLION_RETURN_IF_ERROR(status);
  std::vector<columnar::Column> columns;
  for (auto& part : parts) columns.push_back(std::move(*part));
  const columnar::Schema input_schema({{"session_id", DataType::kString, true, {}},
                                       {"player_id", DataType::kString, true, {}},
                                       {"country", DataType::kString, true, {}},
                                       {"start_ts", DataType::kTimestamp, true, {}},
                                       {"end_ts", DataType::kTimestamp, true, {}}});
  MEDALLION_ASSIGN_OR_RETURN(columnar::RecordBatch input,
                             columnar::RecordBatch::make(input_schema, std::move(columns)));
  using columnar::AggregateKind;
  return columnar::hash_aggregate(input, {0},
                                  {{AggregateKind::kFirst, 1, 0, "player_id"},
                                   {AggregateKind::kMinBy, 2, 3, "country"},
                                   {AggregateKind::kMin, 3, 0, "start_ts"},
                                   {AggregateKind::kMax, 4, 0, "end_ts"}});
}

delta::MergeSpec session_merge_spec(int64_t now_micros) {
  delta::MergeSpec spec;
  spec.keys = {{"session_id", "session_id"}};
  const Expr start = least(col("t.start_ts"), col("s.start_ts"));
  const Expr end = greatest(col("t.end_ts"), col("s.end_ts"));
  const Expr now = Expr::timestamp(now_micros);
  delta::WhenMatched update;
  // Changed when the batch brings an earlier start or a later end.
  update.condition =
      columnar::or_(earlier(col("s.start_ts"), col("t.start_ts")),
                    columnar::and_(columnar::is_not_null(col("s.end_ts")),
                                   columnar::or_(columnar::is_null(col("t.end_ts")),
                                                 columnar::gt(col("s.end_ts"), col("t.end_ts")))));
  update.set = {
      {"country", columnar::if_(earlier(col("s.start_ts"), col("t.start_ts")), col("s.country"),
                                col("t.country"))},
      {"player_id", Expr::call(Function::kCoalesce, {col("t.player_id"), col("s.player_id")})},
      {"start_ts", start},
      {"end_ts", end},
      {"session_status", status_of(end)},
      {"DL_UPDATE_TS", now},
      {std::string(kEventDateColumn), date_of(start, end)},
  };
  spec.when_matched.push_back(std::move(update));
  delta::WhenNotMatched insert;
  insert.values = {
      {"country", col("s.country")},
      {"player_id", col("s.player_id")},
      {"session_id", col("s.session_id")},
      {"start_ts", col("s.start_ts")},
      {"end_ts", col("s.end_ts")},
      {"session_status", status_of(col("s.end_ts"))},
      {"DL_INSERT_TS", now},
      {"DL_UPDATE_TS", now},
      {std::string(kEventDateColumn), date_of(col("s.start_ts"), col("s.end_ts"))},
  };
  spec.when_not_matched.push_back(std::move(insert));
  return spec;
}

util::Status ensure_sessions_table(util::FileSystem& fs, const std::string& table_root) {
  auto created = delta::create_table(fs, table_root, delta::delta_schema_of(sessions_schema()),
                                     {std::string(kEventDateColumn)}, {});
  if (created.is_ok() || created.status().code() == util::StatusCode::kAlreadyExists) {
    return util::Status::ok();
  }
  return created.status();
}

util::Result<delta::MergeResult> merge_session_events(util::FileSystem& fs,
                                                      const std::string& table_root,
                                                      const columnar::RecordBatch& events,
                                                      const delta::WriteOptions& options) {
  MEDALLION_ASSIGN_OR_RETURN(columnar::RecordBatch sessions, aggregate_sessions(events));
  delta::WriteOptions write = options;
  if (write.now_ms == 0) write.now_ms = util::unix_now_ms();
  return delta::merge(fs, table_root, sessions, session_merge_spec(write.now_ms * 1000), write);
}

util::Result<SessionsTableCounts> count_sessions_table(util::FileSystem& fs,
                                                       const std::string& table_root) {
  MEDALLION_ASSIGN_OR_RETURN(delta::Snapshot snapshot, delta::load_snapshot(fs, table_root));
  delta::ScanOptions options;
  options.columns = {"session_status"};
  MEDALLION_ASSIGN_OR_RETURN(delta::TableScan scan, delta::TableScan::make(snapshot, options));
  SessionsTableCounts counts;
  MEDALLION_RETURN_IF_ERROR(scan.read_all(fs, [&](parquet::RowBatch&& rows) -> util::Status {
    MEDALLION_ASSIGN_OR_RETURN(columnar::RecordBatch batch,
                               delta::to_record_batch(scan.output_schema(), std::move(rows)));
    const columnar::Column& status = batch.column(0);
    counts.sessions += static_cast<int64_t>(batch.num_rows());
    for (size_t r = 0; r < batch.num_rows(); ++r) {
      counts.completed += !status.is_null(r) && status.int32_at(r) == 1 ? 1 : 0;
    }
    return util::Status::ok();
  }));
  return counts;
}

BatchSink sessions_sink(util::FileSystem& fs, std::string table_root, std::string stream_id,
                        delta::WriteOptions base) {
  return [&fs, table_root = std::move(table_root), stream_id = std::move(stream_id),
          base = std::move(base)](const columnar::RecordBatch& batch,
                                  int64_t batch_id) -> util::Status {
    delta::WriteOptions options = base;
    options.app_id = stream_id;
    options.app_version = batch_id;
    return merge_session_events(fs, table_root, batch, options).status();
  };
}

}  // namespace medallion::pipeline
