// The serving stream's writer when the embedded CQL node runs in this
// process (`medallion up` without a cluster): the statements become bulk
// loads of the node's store (EmbeddedCqlServer::BulkLoad), one per table,
// filled and committed in parallel on the CPU pool, committed at the end of each
// micro-batch and whenever kMaxEntriesPerLoad rows are held, so that memory
// stays bounded (about 300 bytes a row). The rows stored are those the same
// statements would store over CQL; the network, the per-row memtable
// inserts and the write-ahead log are skipped. A commit is atomic per
// table, not across them: a crash between two leaves the stream to write
// the batch again, which the writes' idempotence makes harmless.
#pragma once

#include <cstddef>
#include <memory>

#include "cql/server/embedded_cql_server.h"
#include "pipeline/serving_writer.h"

namespace medallion::pipeline {

inline constexpr size_t kMaxEntriesPerLoad = size_t{1} << 20;

// `node` must outlive the writer.
std::unique_ptr<ServingWriter> embedded_serving_writer(cql::EmbeddedCqlServer& node);

}  // namespace medallion::pipeline
