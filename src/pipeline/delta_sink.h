// Delta sinks for the stream runner (stream_runner.h): batches written to a
// Delta table exactly once.
//
// append_sink appends each batch as one commit carrying the Delta txn action
// (appId = the stream id, version = the batch id). A batch replayed after a
// crash whose commit had already landed is recognized by that txn
// (table_writer.h skips a write whose txn version is not above the table's)
// and not written twice. A batch without rows still commits its txn, so the
// table records every batch the stream finished.
//
// The table is created on the first batch when it does not exist, with the
// batch's schema (delta_schema_of) and no partition columns; otherwise the
// batch must fit the table's schema.
//
// Lifetime: the sink keeps a reference to fs, which must outlive it.
#pragma once

#include <string>

#include "pipeline/stream_runner.h"
#include "util/file_system.h"

namespace medallion::pipeline {

BatchSink append_sink(util::FileSystem& fs, std::string table_root, std::string stream_id);

}  // namespace medallion::pipeline
