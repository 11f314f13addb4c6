#include "pipeline/pipeline_init.h"

#include <fmt/format.h>

#include <string>
#include <vector>

#include "cql/client/session.h"
#include "delta/columnar_bridge.h"
#include "delta/table_writer.h"
#include "pipeline/refine.h"
#include "pipeline/stream_jobs.h"
#include "pipeline/table_schemas.h"

namespace medallion::pipeline {
namespace {

struct LakeTable {
  std::string root;
  columnar::Schema schema;
  std::vector<std::string> partition_columns;
};

std::vector<LakeTable> lake_tables(const lake::LakeLayout& layout) {
  const std::vector<std::string> by_date = {std::string(kEventDateColumn)};
  return {{layout.raw_session_events(), raw_events_schema(), by_date},
          {layout.raw_session_events_quarantine(), quarantine_schema(), {}},
          {layout.use_case_session_events(), sessions_schema(), by_date}};
}

util::Result<bool> keyspace_exists(cql::Session& session) {
  MEDALLION_ASSIGN_OR_RETURN(
      cql::ResultPage page,
      session.execute(fmt::format(
          "SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = '{}'",
          kServingKeyspace)));
  return page.size() > 0;
}

}  // namespace

util::Result<LakeInitReport> init_lake_tables(util::FileSystem& fs, const lake::LakeLayout& layout,
                                              bool reset) {
  LakeInitReport report;
  const std::vector<LakeTable> tables = lake_tables(layout);
  if (reset) {
    for (const LakeTable& table : tables) {
      MEDALLION_ASSIGN_OR_RETURN(bool present, fs.exists(table.root));
      if (present) ++report.tables_dropped;
      MEDALLION_RETURN_IF_ERROR(util::remove_tree_atomically(fs, table.root));
    }
    MEDALLION_RETURN_IF_ERROR(
        util::remove_tree_atomically(fs, layout.stream_checkpoint(kSessionsStreamName)));
    MEDALLION_RETURN_IF_ERROR(
        util::remove_tree_atomically(fs, layout.stream_checkpoint(kServingStreamName)));
  }
  for (const LakeTable& table : tables) {
    auto created = delta::create_table(fs, table.root, delta::delta_schema_of(table.schema),
                                       table.partition_columns, {});
    if (created.is_ok()) {
      ++report.tables_created;
    } else if (created.status().code() != util::StatusCode::kAlreadyExists) {
      return created.status().with_context("init: cannot create the table " + table.root);
    }
  }
  return report;
}

util::Result<ServingInitReport> init_serving_tables(util::FileSystem& fs,
                                                    const lake::LakeLayout& layout,
                                                    cql::Session& session,
                                                    const ServingOptions& options, bool reset) {
  ServingInitReport report;
  if (reset) {
    MEDALLION_RETURN_IF_ERROR(session.execute(drop_serving_keyspace_statement()).status());
  }
  MEDALLION_ASSIGN_OR_RETURN(bool existed, keyspace_exists(session));
  for (const std::string& statement : serving_schema_statements(options)) {
    auto done = session.execute(statement);
    if (!done.is_ok()) {
      return done.status().with_context("init: cannot create the serving tables");
    }
  }
  report.keyspace_created = !existed;
  if (report.keyspace_created) {
    const std::string checkpoint = layout.stream_checkpoint(kServingStreamName);
    MEDALLION_ASSIGN_OR_RETURN(report.checkpoint_reset, fs.exists(checkpoint));
    MEDALLION_RETURN_IF_ERROR(util::remove_tree_atomically(fs, checkpoint));
  }
  return report;
}

}  // namespace medallion::pipeline
