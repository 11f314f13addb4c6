// Pipeline init: the tables every later step expects, created when missing
// — the engine of `medallion init` (the original's p01).
//
// init_lake_tables creates the empty Delta tables of SPEC.md that are not
// there yet: r_session_events (partitioned by EVENT_DATE),
// r_session_events_quarantine, uc_delta_session_events (partitioned by
// EVENT_DATE). With reset, it first removes those three tables and the
// streams' checkpoints (<lake>/_checkpoints); the landing zone (bronze, the
// sources as fetched) is kept.
//
// init_serving_tables creates the keyspace and serving tables
// (serving_tables.h) IF NOT EXISTS; with reset it drops the keyspace first.
// When the keyspace did not exist before (a new or reset cluster), the
// serving stream's checkpoint is removed: its progress described another
// cluster's tables, and the new one must receive every row.
//
// Both are idempotent: a second call changes nothing.
//
// Thread safety: not to be run concurrently with the jobs on the same lake.
#pragma once

#include "lake/lake_layout.h"
#include "pipeline/serving_tables.h"
#include "util/file_system.h"
#include "util/status.h"

namespace medallion::cql {
class Session;
}

namespace medallion::pipeline {

struct LakeInitReport {
  int tables_created = 0;
  int tables_dropped = 0;
};

util::Result<LakeInitReport> init_lake_tables(util::FileSystem& fs, const lake::LakeLayout& layout,
                                              bool reset);

struct ServingInitReport {
  bool keyspace_created = false;  // it was not there before
  bool checkpoint_reset = false;  // the serving stream starts over
};

util::Result<ServingInitReport> init_serving_tables(util::FileSystem& fs,
                                                    const lake::LakeLayout& layout,
                                                    cql::Session& session,
                                                    const ServingOptions& options, bool reset);

}  // namespace medallion::pipeline
