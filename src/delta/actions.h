// Delta log actions: the records of a commit file
// (_delta_log/<20-digit version>.json) and of a checkpoint, as the Delta
// transaction protocol (PROTOCOL.md, "Actions") defines them.
//
// A commit file is newline-delimited JSON, one action per line, each line an
// object with exactly one key naming the action:
//
//   {"commitInfo":{"timestamp":1700000000000,"operation":"WRITE",...}}
//   {"protocol":{"minReaderVersion":1,"minWriterVersion":2}}
//   {"metaData":{"id":"...","format":{"provider":"parquet","options":{}},
//                "schemaString":"{\"type\":\"struct\",...}",
//                "partitionColumns":["date"],"configuration":{},
//                "createdTime":1700000000000}}
//   {"add":{"path":"date=2024-01-01/part-0.parquet",
//           "partitionValues":{"date":"2024-01-01"},"size":1234,
//           "modificationTime":1700000000000,"dataChange":true,
//           "stats":"{\"numRecords\":10,...}"}}
//   {"remove":{"path":"...","deletionTimestamp":1700000000000,"dataChange":true}}
//   {"txn":{"appId":"stream-1","version":7,"lastUpdated":1700000000000}}
//   {"cdc":{"path":"_change_data/...","partitionValues":{},"size":1,"dataChange":false}}
//
// Unknown keys inside an action and unknown action names are ignored, as the
// protocol requires of readers (tables written by newer writers stay
// readable; protocol gating decides what must be refused).
//
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace medallion::delta {

// Partition column name -> serialized value; nullopt is a JSON null (a null
// partition value). Serialization rules: partition_value.h.
using PartitionValues = std::map<std::string, std::optional<std::string>>;

// Where a file's deleted rows are (PROTOCOL.md "Deletion Vectors").
struct DeletionVectorDescriptor {
  // 'u': pathOrInlineDv is <random prefix><z85 UUID>, a file beside the table;
  // 'p': pathOrInlineDv is an absolute path; 'i': the bitmap itself, z85.
  char storage_type = 'u';
  std::string path_or_inline_dv;
  std::optional<int32_t> offset;  // absent for 'i'
  int32_t size_in_bytes = 0;
  int64_t cardinality = 0;  // number of deleted rows

  // storageType + pathOrInlineDv (+ "@" + offset): the DV's identity in
  // action reconciliation.
  std::string unique_id() const;
  bool operator==(const DeletionVectorDescriptor&) const = default;
};

struct Protocol {
  int32_t min_reader_version = 1;
  int32_t min_writer_version = 2;
  // Present only with table features (reader version 3 / writer version 7).
  std::optional<std::vector<std::string>> reader_features;
  std::optional<std::vector<std::string>> writer_features;
  bool operator==(const Protocol&) const = default;
};

struct Format {
  std::string provider = "parquet";
  std::map<std::string, std::string> options;
  bool operator==(const Format&) const = default;
};

struct Metadata {
  std::string id;
  std::optional<std::string> name;
  std::optional<std::string> description;
  Format format;
  std::string schema_string;  // the Delta schema as JSON (delta_schema.h)
  std::vector<std::string> partition_columns;
  std::map<std::string, std::string> configuration;
  std::optional<int64_t> created_time;  // ms since the epoch
  bool operator==(const Metadata&) const = default;
};

struct AddFile {
  std::string path;  // RFC 2396 URI, relative to the table root or absolute
  PartitionValues partition_values;
  int64_t size = 0;
  int64_t modification_time = 0;  // ms since the epoch
  bool data_change = true;
  std::optional<std::string> stats;  // per-file statistics JSON (file_stats.h)
  std::map<std::string, std::string> tags;
  std::optional<DeletionVectorDescriptor> deletion_vector;
  std::optional<int64_t> base_row_id;
  std::optional<int64_t> default_row_commit_version;
  std::optional<std::string> clustering_provider;
  bool operator==(const AddFile&) const = default;
};

struct RemoveFile {
  std::string path;
  std::optional<int64_t> deletion_timestamp;  // ms since the epoch
  bool data_change = true;
  std::optional<bool> extended_file_metadata;
  std::optional<PartitionValues> partition_values;
  std::optional<int64_t> size;
  std::optional<std::string> stats;
  std::map<std::string, std::string> tags;
  std::optional<DeletionVectorDescriptor> deletion_vector;
  std::optional<int64_t> base_row_id;
  std::optional<int64_t> default_row_commit_version;
  bool operator==(const RemoveFile&) const = default;
};

struct AddCdcFile {
  std::string path;
  PartitionValues partition_values;
  int64_t size = 0;
  bool data_change = false;
  std::map<std::string, std::string> tags;
  bool operator==(const AddCdcFile&) const = default;
};

// "txn": the last batch an idempotent writer (appId) committed.
struct Txn {
  std::string app_id;
  int64_t version = 0;
  std::optional<int64_t> last_updated;  // ms since the epoch
  bool operator==(const Txn&) const = default;
};

// "commitInfo": free-form provenance. The fields medallion reads are parsed;
// the whole object is kept verbatim in `json` so that nothing is lost.
struct CommitInfo {
  std::string json;  // the object, e.g. {"timestamp":...,"operation":"WRITE",...}
  std::optional<int64_t> timestamp;            // ms since the epoch (writer clock)
  std::optional<int64_t> in_commit_timestamp;  // with the inCommitTimestamp feature
  std::optional<std::string> operation;
  bool operator==(const CommitInfo&) const = default;
};

struct DomainMetadata {
  std::string domain;
  std::string configuration;
  bool removed = false;
  bool operator==(const DomainMetadata&) const = default;
};

// A V2 checkpoint's pointer to a file of its add/remove actions.
struct Sidecar {
  std::string path;  // relative to _delta_log/_sidecars/ or absolute
  int64_t size_in_bytes = 0;
  int64_t modification_time = 0;
  std::map<std::string, std::string> tags;
  bool operator==(const Sidecar&) const = default;
};

// A V2 checkpoint's own header.
struct CheckpointMetadata {
  int64_t version = 0;
  std::map<std::string, std::string> tags;
  bool operator==(const CheckpointMetadata&) const = default;
};

using Action = std::variant<Protocol, Metadata, AddFile, RemoveFile, AddCdcFile, Txn, CommitInfo,
                            DomainMetadata, Sidecar, CheckpointMetadata>;

}  // namespace medallion::delta
