#include "cql/server/statement_cache.h"

namespace medallion::cql {

std::shared_ptr<const PreparedStatement> StatementCache::get(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  if (it->second->second->is_stale()) {
    // Its table was dropped: the id must be prepared again (UNPREPARED).
    lru_.erase(it->second);
    index_.erase(it);
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->second;
}

void StatementCache::put(const std::string& key,
                         std::shared_ptr<const PreparedStatement> statement) {
  if (capacity_ == 0) return;
  std::shared_ptr<const PreparedStatement> evicted;  // released outside the lock
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(key);
  if (it != index_.end()) {
    it->second->second.swap(statement);
    evicted = std::move(statement);
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  lru_.emplace_front(key, std::move(statement));
  index_.emplace(key, lru_.begin());
  if (lru_.size() > capacity_) {
    evicted = std::move(lru_.back().second);
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
}

size_t StatementCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lru_.size();
}

}  // namespace medallion::cql
