// Byte-level constants of the serving store's RocksDB layout (the grammar,
// with a worked example, is in docs/cql-storage.md).
//
//   data key   = kDataPrefix table:u64be token:u64be(sign bit flipped)
//                escaped(partition_key) entry_kind clustering
//   meta key   = kMetaPrefix key
//   escaped(b) = b with every 00 written 00 FF, then 00 00 (prefix-free and
//                order-preserving)
//   entry_kind = kPartitionHeader (clustering empty; value: a header
//                fragment with the partition and range tombstones) or kRow
//                (value: a row fragment, row_format.h)
//
// Values start with a tag byte naming their format (kRowFragmentTag,
// kHeaderFragmentTag); kCorruptTag marks a value the merge operator could not
// read, so that reads report corruption instead of failing a compaction.
#pragma once

#include <cstddef>
#include <cstdint>

namespace medallion::cql::storage_format {

constexpr char kDataPrefix = 'D';
constexpr char kMetaPrefix = 'M';
constexpr char kPartitionHeader = 0x00;
constexpr char kRow = 0x01;

// 1 prefix byte + 8 table id bytes + 8 token bytes: the fixed-length key
// prefix used for prefix bloom filters.
constexpr size_t kTablePrefixSize = 9;
constexpr size_t kTokenPrefixSize = 17;

constexpr uint8_t kRowFragmentTag = 0x01;
constexpr uint8_t kHeaderFragmentTag = 0x02;
constexpr uint8_t kCorruptTag = 0xEE;

}  // namespace medallion::cql::storage_format
