// TokenRing: which hosts own a partition, for token-aware routing under
// Cassandra's Murmur3Partitioner.
//
// Every host owns the tokens it lists (system.local / system.peers `tokens`,
// decimal int64 text). The ring is all tokens sorted; a partition whose token
// is t belongs to the host of the first ring token >= t, wrapping to the
// first token past the largest. Replicas are found SimpleStrategy-style: walk
// the ring from the owner and collect distinct hosts (the client does not
// know keyspace replication strategies; the first replica is what routing
// needs, the rest only order the fallback).
//
// The routing key of a statement is its partition key serialized as the
// partitioner hashes it: one component -> its value's bytes; several ->
// each as [2-byte big-endian length][bytes][0x00].
//
// Thread safety: a TokenRing is immutable once built; share it by pointer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cql/protocol/wire.h"
#include "util/status.h"

namespace medallion::cql {

class TokenRing {
 public:
  TokenRing() = default;

  // host_tokens[i]: the tokens host i lists. Errors: invalid_argument naming
  // the host index and the token that is not a decimal int64.
  static util::Result<TokenRing> build(const std::vector<std::vector<std::string>>& host_tokens);

  bool empty() const { return ring_.empty(); }
  size_t host_count() const { return host_count_; }

  // Distinct host indices in ring order starting at the owner of `token`,
  // at most `max_hosts` of them. Empty when the ring is.
  std::vector<size_t> replicas(int64_t token, size_t max_hosts = SIZE_MAX) const;

 private:
  struct Entry {
    int64_t token;
    size_t host;
  };
  std::vector<Entry> ring_;  // sorted by token
  size_t host_count_ = 0;
};

// The routing key of bound values given the partition key's bind indices (a
// PreparedResult's partition_key_indices). nullopt when there are no indices,
// an index is out of range, or a key value is null or unset: such a
// statement is not routed by token.
std::optional<std::string> routing_key(const std::vector<Value>& values,
                                       const std::vector<uint16_t>& partition_key_indices);

}  // namespace medallion::cql
