// Writing a table's data files: rows are split by their partition values
// and written as Parquet files, each described by an add action for the
// commit that will make it part of the table (the commit itself is not
// written here).
//
// Layout under the table root (Spark's naming):
//   <partition dirs>/part-<5-digit counter>-<uuid v4>-c000[.<codec>].parquet
// e.g. "date=2024-01-01/region=a%2Fb/part-00000-3f2a...-c000.snappy.parquet"
//   - partition dirs: partition_directory (partition_value.h), Hive-escaped,
//     __HIVE_DEFAULT_PARTITION__ for null; none for an unpartitioned table.
//   - counter: 0, 1, ... over the files of one call; the random UUID
//     (util/random_uuid.h) makes names unique across calls and writers.
//   - codec extension as parquet-mr names it: snappy, gz, zstd, lz4raw, lz4,
//     br, lzo; none when uncompressed.
// Each file holds the data columns only (partition columns live in
// add.partitionValues), in schema order, under the Parquet schema
// to_parquet_schema(data columns, mode): physical names and field ids under
// column mapping. A partition's rows are cut into files of at most
// target_file_rows rows.
//
// The add action of each file: path = uri_encode_path(relative path),
// partitionValues keyed by the partition columns' physical names (the
// logical names without column mapping) with serialize_partition_value's
// text (null -> nullopt), size from the file system, modificationTime =
// options.now_ms, dataChange = true, stats = FileStatsBuilder's JSON
// (file_stats_writer.h).
//
// Thread safety: pure apart from the files written.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "delta/actions.h"
#include "delta/delta_schema.h"
#include "formats/parquet/parquet_writer.h"
#include "formats/parquet/value_array.h"
#include "util/file_system.h"
#include "util/status.h"

namespace medallion::delta {

struct DataWriterOptions {
  parquet::WriterOptions parquet;  // a null pool means util::cpu_pool()
  int64_t target_file_rows = 1 << 20;  // rows per file at most (values < 1 mean 1)
  int64_t now_ms = 0;                   // add.modificationTime
};

// Writes `batch` (taken by value: pass it moved to save a copy) — canonical storage over to_parquet_schema(schema, kNone),
// every table column present (partition columns included) — as data files
// under table_root and returns one AddFile per file, in partition order of
// first appearance. An empty batch writes nothing. Errors: a partition
// column missing from the schema or not of a primitive type, a batch not of
// the schema's shape (kInvalidArgument), no data column left (kUnsupported),
// I/O errors. Files already written stay when a later one fails (they are
// not part of the table until committed).
util::Result<std::vector<AddFile>> write_data_files(util::FileSystem& fs,
                                                    const std::string& table_root,
                                                    const Schema& schema,
                                                    const std::vector<std::string>& partition_columns,
                                                    ColumnMappingMode mode,
                                                    parquet::RowBatch batch,
                                                    const DataWriterOptions& options);

// The rows idx[0], idx[1], ... of `array` (each index < array.length), with
// everything nested under them.
parquet::ValueArray take_rows(const parquet::ValueArray& array, const std::vector<size_t>& idx);

}  // namespace medallion::delta
