// How CQL keys become byte strings that sort the way Cassandra orders them
// (the full layout, with a worked example, is in docs/cql-storage.md).
//
// Partition keys travel in Cassandra's serialized form, the bytes the token
// is computed from: one column is its value's protocol serialization;
// several are, per component, a big-endian u16 length, the bytes, and 0x00.
//
// Clustering keys are encoded component by component with an
// order-preserving, prefix-free encoding of each value, so that byte order
// is clustering order and every encoded prefix is a prefix of the keys that
// extend it. A DESC column's component is bitwise inverted, which reverses
// its order. Value orders are Cassandra's comparators: signed integers,
// timestamp and time; date as unsigned days; text, ascii, blob and inet as
// unsigned bytes; boolean false < true; float/double by Float/Double.compare
// (-0.0 < 0.0, NaN last); uuid by version then (for version 1) time, then
// bytes; timeuuid by its 60-bit time, then its last 8 bytes as signed bytes;
// varint and decimal by numeric value; frozen collections element by element.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cql/protocol/types.h"
#include "cql/storage/store.h"
#include "util/status.h"

namespace medallion::cql {

struct ClusteringColumn {
  CqlType type;
  bool descending = false;
};

// Cassandra's serialized partition key from its components' serializations.
std::string partition_key_bytes(const std::vector<std::string_view>& components);
// The components back from partition_key_bytes() of `count` components.
// Errors: corruption when the bytes are not such a key.
util::Result<std::vector<std::string>> split_partition_key(size_t count, std::string_view bytes);

// True when values of `type` can be clustering components (every type the
// server supports); false for types without an order-preserving encoding.
bool is_clusterable(const CqlType& type);

// The encoding of the first values.size() clustering components (values are
// protocol serializations, non-null; values.size() <= columns.size()).
// Errors: invalid_argument naming the component for a value that does not
// decode as its type.
util::Result<std::string> encode_clustering(const std::vector<ClusteringColumn>& columns,
                                            const std::vector<std::string_view>& values);
// The serializations back from a full encode_clustering() key. Errors:
// corruption.
util::Result<std::vector<std::string>> decode_clustering(
    const std::vector<ClusteringColumn>& columns, std::string_view encoded);

// One end of a slice on a clustering component, in value order.
struct ClusteringBound {
  std::string value;  // the protocol serialization
  bool inclusive = true;
};

// The byte range of the keys whose first prefix.size() components equal
// `prefix` and whose next component (when a bound is given) lies between
// `lower` and `upper` in value order; DESC columns are handled here, so a
// caller never flips bounds. Errors: invalid_argument as encode_clustering,
// or for a bound without a component left to bound.
util::Result<ClusteringRange> clustering_range(const std::vector<ClusteringColumn>& columns,
                                               const std::vector<std::string_view>& prefix,
                                               const std::optional<ClusteringBound>& lower,
                                               const std::optional<ClusteringBound>& upper);

}  // namespace medallion::cql
