// Test hooks of the serving store: raw access to its RocksDB keys, so tests
// can plant damaged values. Not for production code.
#pragma once

#include <string>
#include <string_view>

#include "cql/storage/store.h"
#include "util/status.h"

namespace medallion::cql {

// The RocksDB key of a row (storage_format.h).
std::string row_key_for_testing(TableId table, std::string_view partition_key,
                                std::string_view clustering);
// Writes `value` under `key` with Merge() (merge = true) or Put(). Errors:
// invalid_argument when `store` is not the RocksDB store.
util::Status write_raw_for_testing(Store& store, std::string_view key, std::string_view value,
                                   bool merge);

}  // namespace medallion::cql
