// StatementCache: a bounded, thread-safe LRU map from a string key to a
// prepared statement. The server keeps two: prepared statements by their id
// (PREPARE stores, EXECUTE and BATCH look up; shared by every connection) and
// the prepared forms of QUERY texts (keyed by schema version, session
// keyspace and text), so repeated non-prepared queries are parsed once.
//
// Thread safety: every method may be called from many threads at once (one
// mutex, held only for the map operation).
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "cql/engine/query_processor.h"

namespace medallion::cql {

class StatementCache {
 public:
  explicit StatementCache(size_t capacity) : capacity_(capacity) {}

  // The statement under `key` (marking it most recently used), or nullptr.
  // A stale statement (PreparedStatement::is_stale: a table it uses was
  // dropped) is removed instead, so its id is answered UNPREPARED and the
  // client prepares it again against the current table.
  std::shared_ptr<const PreparedStatement> get(const std::string& key);
  // Stores (or replaces) `key`, evicting the least recently used entry when full.
  void put(const std::string& key, std::shared_ptr<const PreparedStatement> statement);
  size_t size() const;

 private:
  using Entry = std::pair<std::string, std::shared_ptr<const PreparedStatement>>;
  size_t capacity_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // front: most recent
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace medallion::cql
