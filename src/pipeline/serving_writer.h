// Where the serving stream's writes go (stream_jobs.h run_serving_job):
// the INSERTs ServingStatements builds, written durably, batch by batch.
//
//   cql_serving_writer(session)   any cluster over CQL: UNLOGGED BATCHes of
//                                 statements sharing a partition, many in
//                                 flight (Session::execute_grouped);
//   embedded_serving_writer(node) the embedded node in the same process,
//                                 as bulk loads of its store
//                                 (embedded/embedded_serving_writer.h).
//
// The stream runner records a micro-batch in its checkpoint only after
// end_batch() returned ok, so a writer may hold writes back until then, and
// a batch cut short by a crash is written again in full (the writes are
// idempotent: same cells, same timestamps).
//
// Thread safety: one stream run at a time per writer.
#pragma once

#include <memory>
#include <vector>

#include "cql/client/session.h"
#include "util/status.h"

namespace medallion::pipeline {

class ServingWriter {
 public:
  virtual ~ServingWriter() = default;
  // Writes (or holds until end_batch) the statements of part of a batch.
  virtual util::Status write(std::vector<cql::CqlStatement> statements) = 0;
  // Everything written since the last end_batch() is durable once this
  // returns ok.
  virtual util::Status end_batch() = 0;
};

// Writes through `session` (which must outlive the writer) as they come.
std::unique_ptr<ServingWriter> cql_serving_writer(cql::Session& session);

}  // namespace medallion::pipeline
