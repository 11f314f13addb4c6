// The token of a partition key under Cassandra's Murmur3Partitioner: the
// first 64 bits (h1) of MurmurHash3 x64_128, seed 0, over the serialized
// partition key, with Cassandra's quirk of sign-extending each tail byte
// before it is shifted in (utils/MurmurHash.java). Long.MIN_VALUE, which the
// partitioner reserves as its minimum, is mapped to Long.MAX_VALUE; an empty
// key has the minimum token.
//
// Thread safety: a pure function.
#pragma once

#include <cstdint>
#include <limits>
#include <string_view>

namespace medallion::cql {

constexpr int64_t kMinToken = std::numeric_limits<int64_t>::min();
constexpr int64_t kMaxToken = std::numeric_limits<int64_t>::max();

int64_t murmur3_token(std::string_view partition_key);

}  // namespace medallion::cql
