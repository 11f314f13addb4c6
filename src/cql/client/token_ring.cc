#include "cql/client/token_ring.h"

#include <algorithm>
#include <charconv>

namespace medallion::cql {

util::Result<TokenRing> TokenRing::build(const std::vector<std::vector<std::string>>& host_tokens) {
  TokenRing ring;
  ring.host_count_ = host_tokens.size();
  size_t total = 0;
  for (const auto& tokens : host_tokens) total += tokens.size();
  ring.ring_.reserve(total);
  for (size_t host = 0; host < host_tokens.size(); ++host) {
    for (const std::string& text : host_tokens[host]) {
      int64_t token = 0;
      const char* end = text.data() + text.size();
      const auto [stop, ec] = std::from_chars(text.data(), end, token);
      if (text.empty() || ec != std::errc() || stop != end) {
        return util::Status::invalid_argument("cql: bad token '" + text + "' (host " +
                                              std::to_string(host) +
                                              "): expected a decimal int64 as system.local and "
                                              "system.peers list under Murmur3Partitioner");
      }
      ring.ring_.push_back({token, host});
    }
  }
  // Equal tokens (a ring in flux) keep the lower host index first, so the
  // order does not depend on the sort.
  std::sort(ring.ring_.begin(), ring.ring_.end(), [](const Entry& a, const Entry& b) {
    return a.token != b.token ? a.token < b.token : a.host < b.host;
  });
  return ring;
}

std::vector<size_t> TokenRing::replicas(int64_t token, size_t max_hosts) const {
  std::vector<size_t> hosts;
  if (ring_.empty() || max_hosts == 0) return hosts;
  const auto owner = std::lower_bound(ring_.begin(), ring_.end(), token,
                                      [](const Entry& e, int64_t t) { return e.token < t; });
  const size_t start = owner == ring_.end() ? 0 : static_cast<size_t>(owner - ring_.begin());
  if (max_hosts == 1) {
    hosts.push_back(ring_[start].host);
    return hosts;
  }
  const size_t limit = std::min(max_hosts, host_count_);
  std::vector<bool> seen(host_count_, false);
  for (size_t i = 0; i < ring_.size() && hosts.size() < limit; ++i) {
    const size_t host = ring_[(start + i) % ring_.size()].host;
    if (seen[host]) continue;
    seen[host] = true;
    hosts.push_back(host);
  }
  return hosts;
}

std::optional<std::string> routing_key(const std::vector<Value>& values,
                                       const std::vector<uint16_t>& partition_key_indices) {
  if (partition_key_indices.empty()) return std::nullopt;
  for (uint16_t index : partition_key_indices) {
    if (index >= values.size() || values[index].kind != Value::Kind::kBytes) return std::nullopt;
  }
  if (partition_key_indices.size() == 1) return values[partition_key_indices[0]].bytes;
  size_t size = 0;
  for (uint16_t index : partition_key_indices) {
    const std::string& bytes = values[index].bytes;
    // A component longer than its 2-byte length cannot be serialized (nor
    // stored by Cassandra): leave such a statement unrouted.
    if (bytes.size() > 0xFFFF) return std::nullopt;
    size += 2 + bytes.size() + 1;
  }
  std::string key;
  key.reserve(size);
  for (uint16_t index : partition_key_indices) {
    const std::string& bytes = values[index].bytes;
    key.push_back(static_cast<char>(bytes.size() >> 8));
    key.push_back(static_cast<char>(bytes.size() & 0xFF));
    key += bytes;
    key.push_back('\0');
  }
  return key;
}

}  // namespace medallion::cql
