// BulkLoadIndex: the entries of a bulk load (store.h) and their file order.
//
// Entries (a RocksDB key and its value) live back to back in one arena
// string, indexed by 48-byte records, so a million rows cost their encoded
// bytes plus 48 bytes each, and sorting moves only the records. A record
// holds what orders almost every pair of keys without a look into the
// arena:
//   head       the key's first 16 bytes as big-endian numbers (zero-padded):
//              the table and the token;
//   partition  a hash of the key up to the end of its partition key (the
//              00 00 that closes the escaped partition key of a data key,
//              storage_format.h; the whole key for any other key);
//   suffix     the 8 bytes after that (entry kind, start of the clustering
//              key), big-endian, zero-padded.
// sort() orders by those (two threads: each half, then a merge), sorts each
// run of records equal on all three by the key bytes, then checks every pair
// of neighbours against the key bytes once; where the guess was wrong (two
// partition keys under one head, a hash collision) it sorts again by the
// key bytes alone. The result is the order of the load's file: by key
// bytes, equal keys in add order.
//
// Thread safety: one thread at a time; sort() uses the process's CPU pool.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace medallion::cql {

class BulkLoadIndex {
 public:
  void add(std::string_view key, std::string_view value);
  size_t size() const { return index_.size(); }
  // Drops the entries added after the first `entries` ones.
  void truncate(size_t entries);
  // Releases the memory of every entry.
  void clear();

  // Sorts the entries into file order (see the top of the file).
  void sort();
  // Entry i, in add order before sort() and in file order after it.
  std::string_view key(size_t i) const;
  std::string_view value(size_t i) const;
  // After sort(): entry i has the key of entry i - 1.
  bool repeats_previous(size_t i) const { return repeats_[i]; }

 private:
  struct Entry {
    std::array<uint64_t, 2> head{};
    uint64_t suffix = 0;
    uint64_t offset = 0;
    uint32_t key_size = 0;
    uint32_t value_size = 0;
    uint32_t sequence = 0;   // add order, for ties
    uint32_t partition = 0;  // hash of the key's bytes up to the end of its partition key
  };

  std::string_view key_of(const Entry& e) const;
  bool before(const Entry& a, const Entry& b) const;
  bool mark_repeated_keys();

  std::string arena_;
  std::vector<Entry> index_;
  std::vector<bool> repeats_;  // by sort()
};

}  // namespace medallion::cql
