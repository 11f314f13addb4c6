// The JSON form of Delta log actions: reading and writing the lines of a
// commit file (_delta_log/<20-digit version>.json), of a JSON V2 checkpoint
// (<version>.checkpoint.<uuid>.json) and of a log compaction file. The
// actions themselves are in actions.h.
//
// Layout (PROTOCOL.md "Delta Log Entries", "Actions"): newline-delimited
// JSON, one action per line, each line an object whose one key names the
// action. Every line ends with '\n', the last one included, as Spark writes
// them (each golden commit file ends in "}}\n"):
//
//   {"commitInfo":{"timestamp":1603723967632,"operation":"WRITE",...}}\n
//   {"protocol":{"minReaderVersion":1,"minWriterVersion":2}}\n
//   {"metaData":{"id":"93351cf1-...","format":{"provider":"parquet","options":{}},
//                "schemaString":"{\"type\":\"struct\",...}","partitionColumns":[],
//                "configuration":{},"createdTime":1603723967515}}\n
//   {"add":{"path":"part-00000-...snappy.parquet","partitionValues":{},"size":650,
//           "modificationTime":1603723967000,"dataChange":true,"stats":"{...}"}}\n
//
// Action keys: protocol, metaData, add, remove, cdc, txn, commitInfo,
// domainMetadata, sidecar, checkpointMetadata.
//
// Reading rules (parse_actions):
//  - Blank (empty or whitespace-only) lines are skipped; a '\r' before the
//    '\n' is dropped. Line numbers in errors count every line, 1-based.
//  - Each line must be a JSON object. Keys that name no known action are
//    ignored (a newer writer's action, or the extra keys of
//    transaction_log_schema_evolvability's version 5); a line with only such
//    keys yields nothing. A known key whose value is null counts as absent.
//    A line with two known action keys is corrupt: the protocol stores one
//    action per line, and picking one of them would silently drop the other.
//  - Inside an action, unknown fields are ignored; an optional field that is
//    null counts as absent. Fields PROTOCOL.md marks required are required
//    (missing or null is corruption), with these exceptions, where the
//    reference implementation has a default: metaData.format ({"provider":
//    "parquet","options":{}}), metaData.partitionColumns ([]),
//    metaData.configuration ({}), cdc.dataChange (false).
//      protocol: minReaderVersion, minWriterVersion
//      metaData: id, schemaString
//      add: path, partitionValues, size, modificationTime, dataChange
//      remove: path, dataChange
//      cdc: path, partitionValues, size
//      txn: appId, version
//      domainMetadata: domain, configuration, removed
//      sidecar: path, sizeInBytes, modificationTime
//      checkpointMetadata: version
//      deletionVector: storageType (one character), pathOrInlineDv,
//                      sizeInBytes, cardinality
//  - Types are strict: integers must be JSON integers (not 1.0, not "1") and
//    fit the field (int32 for protocol versions and the deletion vector's
//    offset and sizeInBytes); sizes and cardinalities must not be negative.
//    Maps are objects of strings; in partitionValues a null value is a null
//    partition value (nullopt); in tags, configuration and format.options a
//    null value is skipped (a map<string,string> cannot hold it).
//  - stats and schemaString are JSON texts carried in JSON strings: they are
//    kept unescaped (the inner JSON text), and escaped again when written.
//  - commitInfo is free-form: the whole object is kept verbatim in
//    CommitInfo::json (the bytes of the line from '{' to its '}'), and
//    timestamp, inCommitTimestamp and operation are parsed out of it.
//  - Every error is Status::corruption naming the source, the line and, for
//    a bad field, action.field, e.g.
//    `delta: bad "add" action: "size" is a string, expected an integer
//    (_delta_log/00000000000000000003.json line 4): ...`.
//
// Writing rules (append_action_json): compact JSON, keys in the order Spark
// writes them (its action case classes' field order):
//   protocol: minReaderVersion, minWriterVersion, readerFeatures, writerFeatures
//   metaData: id, name, description, format{provider, options}, schemaString,
//             partitionColumns, configuration, createdTime
//   add: path, partitionValues, size, modificationTime, dataChange, stats, tags,
//        deletionVector, baseRowId, defaultRowCommitVersion, clusteringProvider
//   remove: path, deletionTimestamp, dataChange, extendedFileMetadata,
//           partitionValues, size, tags, deletionVector, baseRowId,
//           defaultRowCommitVersion, stats
//   cdc: path, partitionValues, size, tags, dataChange
//   txn: appId, version, lastUpdated
//   domainMetadata: domain, configuration, removed
//   sidecar: path, sizeInBytes, modificationTime, tags
//   checkpointMetadata: version, tags
//   deletionVector: storageType, pathOrInlineDv, offset, sizeInBytes, cardinality
// Map entries (partitionValues, tags, configuration, format.options) come in
// byte order of their keys (actions.h holds std::map), where Spark keeps its
// insertion order; JSON readers do not care. Absent optional fields are
// omitted, and so are empty tags maps (absent and empty are one value in
// actions.h); readerFeatures/writerFeatures are
// written whenever present, even empty. commitInfo is written verbatim from
// CommitInfo::json (the caller guarantees it is one JSON object without a
// raw newline); when json is empty an object of timestamp, inCommitTimestamp
// and operation is written instead.
//
// Thread safety: pure functions (each call uses its own parser).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "delta/actions.h"
#include "util/status.h"

namespace medallion::delta {

// Parses newline-delimited JSON actions (a commit file or a JSON
// checkpoint). `source` (e.g. "_delta_log/00000000000000000003.json") goes
// into error messages with the 1-based line number. Returns the actions in
// file order.
util::Result<std::vector<Action>> parse_actions(std::string_view ndjson, std::string_view source);

// Appends one action as one line of compact JSON, without a newline.
void append_action_json(std::string& out, const Action& action);

// The actions as a commit file: each line followed by '\n' (the last one
// too). An empty vector gives "".
std::string serialize_actions(const std::vector<Action>& actions);

}  // namespace medallion::delta
