// Writes a classic Delta checkpoint of a snapshot (PROTOCOL.md "Checkpoints",
// "Checkpoint Schema", "Last Checkpoint File"):
//
//   _delta_log/<20-digit version>.checkpoint.parquet   the table's state
//   _delta_log/_last_checkpoint                        a pointer to it
//
// The Parquet file has one row per action and one top-level optional struct
// column per action type; each row sets exactly one of them, the others are
// null. The rows, in this order:
//
//   protocol        1 row
//   metaData        1 row
//   txn             one per application id (the latest version of each)
//   domainMetadata  one per domain (removed ones included, as the snapshot
//                   keeps them)
//   add             one per live file
//   remove          one per tombstone whose deletionTimestamp is not older
//                   than now_ms - tombstone_retention_ms (a tombstone without
//                   one counts as time 0, i.e. expired), so that concurrent
//                   readers of older versions and VACUUM still see it
//
// No commitInfo, cdc, sidecar or checkpointMetadata rows. The schema is the
// one Spark writes (every field optional, strings UTF8, maps as 3-level MAP
// groups with a required key and an optional value, lists as 3-level LIST
// groups with optional elements):
//
//   txn            {appId, version int64, lastUpdated int64}
//   add            {path, partitionValues MAP, size int64, modificationTime int64,
//                   dataChange bool, tags MAP, deletionVector DV, baseRowId int64,
//                   defaultRowCommitVersion int64, clusteringProvider, stats}
//   remove         {path, deletionTimestamp int64, dataChange bool,
//                   extendedFileMetadata bool, partitionValues MAP, size int64,
//                   tags MAP, deletionVector DV, baseRowId int64,
//                   defaultRowCommitVersion int64}
//   metaData       {id, name, description, format {provider, options MAP},
//                   schemaString, partitionColumns LIST, configuration MAP,
//                   createdTime int64}
//   protocol       {minReaderVersion int32, minWriterVersion int32,
//                   readerFeatures LIST, writerFeatures LIST}
//   domainMetadata {domain, configuration, removed bool}
//   DV             {storageType, pathOrInlineDv, offset int32, sizeInBytes int32,
//                   cardinality int64}
//
// As in Spark's checkpoints, remove.stats is not written, and stats are
// written as JSON only (no stats_parsed / partitionValues_parsed). Empty tags
// maps are written as null.
//
// The Parquet file goes through ParquetWriter (a temporary name, fsync,
// rename into place; Snappy like Spark's checkpoints); a checkpoint already at
// that name is replaced (a checkpoint's content is a function of the version,
// so a second writer writes the same state). _last_checkpoint is then written
// with util::write_file_atomic: {version, size (rows), sizeInBytes (the
// Parquet file's size), numOfAddFiles}, without a checksum
// (last_checkpoint.h).
//
// Thread safety: free function; concurrent checkpoints of one table are safe
// as far as the file system's rename is (each writes a complete file).
#pragma once

#include <cstdint>

#include "delta/last_checkpoint.h"
#include "delta/snapshot.h"
#include "util/file_system.h"
#include "util/status.h"

namespace medallion::delta {

struct CheckpointOptions {
  // The writer's clock, ms since the epoch: tombstones whose
  // deletionTimestamp is older than now_ms - tombstone_retention_ms are
  // dropped (delta.deletedFileRetentionDuration; 7 days by default).
  int64_t now_ms = 0;
  int64_t tombstone_retention_ms = 7 * 24 * 3600 * 1000LL;
};

// Writes the checkpoint of snapshot.version under snapshot.table_root and then
// _delta_log/_last_checkpoint. Returns what _last_checkpoint now says.
// Errors: invalid_argument for a snapshot without a version (version < 0);
// the file system's errors otherwise (the checkpoint is then absent or
// complete, never partial).
util::Result<LastCheckpoint> write_checkpoint(util::FileSystem& fs, const Snapshot& snapshot,
                                              const CheckpointOptions& options);

}  // namespace medallion::delta
