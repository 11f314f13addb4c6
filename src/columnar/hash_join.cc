#include "columnar/hash_join.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>

namespace medallion::columnar {

namespace {

// Probing prefetches in stages: the table slot of the row this far ahead,
// then the build row's key values (string offsets) of the row half as far
// ahead (its slot is in cache by then), then its string bytes, so that the
// equality check rarely waits for memory.
constexpr size_t kPrefetchDistance = 16;
constexpr size_t kKeyPrefetchDistance = kPrefetchDistance / 2;
constexpr size_t kStringPrefetchDistance = kPrefetchDistance / 4;

}  // namespace

util::Result<JoinIndex> JoinIndex::build(const RecordBatch& batch, std::vector<size_t> key_columns) {
  if (key_columns.empty()) {
    return util::Status::invalid_argument(
        "columnar: cannot build a join index without key columns: pass at least one key column");
  }
  const size_t rows = batch.num_rows();
  if (rows >= kNoRow) {
    return util::Status::invalid_argument(
        fmt::format("columnar: cannot build a join index over {} rows (at most {}): "
                    "split the build side",
                    rows, kNoRow - 1));
  }
  JoinIndex index;
  MEDALLION_ASSIGN_OR_RETURN(index.keys_, RowKeys::make(batch, key_columns));
  index.schema_ = batch.schema();
  index.key_columns_ = std::move(key_columns);

  std::vector<uint64_t> hashes;
  index.keys_.hash_rows(&hashes);
  const bool nulls = index.keys_.has_nulls();
  size_t indexed = rows;
  if (nulls) {
    indexed = 0;
    for (size_t r = 0; r < rows; ++r) indexed += index.keys_.any_null(r) ? 0 : 1;
  }
  index.indexed_rows_ = indexed;
  const size_t capacity = std::bit_ceil(std::max<size_t>(16, indexed * 2));
  index.slots_.assign(capacity, Slot{});
  index.mask_ = capacity - 1;
  index.next_.assign(rows, kNoRow);

  // Rows go in from the last to the first, each prepended to its key's chain,
  // so that chains list build rows in ascending order.
  Slot* slots = index.slots_.data();
  const uint64_t mask = index.mask_;
  for (size_t i = rows; i-- > 0;) {
    if (nulls && index.keys_.any_null(i)) continue;
    const uint64_t h = hashes[i];
    const auto tag = static_cast<uint32_t>(h >> 32);
    uint64_t pos = h & mask;
    while (true) {
      Slot& s = slots[pos];
      if (s.row == kNoRow) {
        s.tag = tag;
        s.row = static_cast<uint32_t>(i);
        break;
      }
      if (s.tag == tag && index.keys_.equal(i, index.keys_, s.row)) {
        index.next_[i] = s.row;
        s.row = static_cast<uint32_t>(i);
        index.has_duplicate_keys_ = true;
        break;
      }
      pos = (pos + 1) & mask;
    }
  }
  return index;
}

util::Status JoinIndex::probe(const RecordBatch& probe, const std::vector<size_t>& probe_keys,
                              JoinMatches* matches) const {
  MEDALLION_RETURN_IF_ERROR(check_same_key_types(schema_, key_columns_, probe.schema(), probe_keys));
  const size_t rows = probe.num_rows();
  if (rows >= kNoRow) {
    return util::Status::invalid_argument(
        fmt::format("columnar: cannot probe a join index with {} rows (at most {}): "
                    "split the probe side",
                    rows, kNoRow - 1));
  }
  MEDALLION_ASSIGN_OR_RETURN(const RowKeys keys, RowKeys::make(probe, probe_keys));
  if (indexed_rows_ == 0 || rows == 0) return util::Status::ok();
  std::vector<uint64_t> hashes;
  keys.hash_rows(&hashes);
  const bool nulls = keys.has_nulls();
  const bool strings = keys_.has_strings();
  const Slot* slots = slots_.data();
  const uint32_t* next = next_.data();
  for (size_t r = 0; r < rows; ++r) {
    if (r + kPrefetchDistance < rows) __builtin_prefetch(&slots[hashes[r + kPrefetchDistance] & mask_]);
    if (r + kKeyPrefetchDistance < rows) {
      const Slot& ahead = slots[hashes[r + kKeyPrefetchDistance] & mask_];
      if (ahead.row != kNoRow) keys_.prefetch(ahead.row);
    }
    if (strings && r + kStringPrefetchDistance < rows) {
      const Slot& ahead = slots[hashes[r + kStringPrefetchDistance] & mask_];
      if (ahead.row != kNoRow) keys_.prefetch_strings(ahead.row);
    }
    if (nulls && keys.any_null(r)) continue;
    const uint64_t h = hashes[r];
    const auto tag = static_cast<uint32_t>(h >> 32);
    uint64_t pos = h & mask_;
    while (true) {
      const Slot& s = slots[pos];
      if (s.row == kNoRow) break;
      if (s.tag == tag && keys.equal(r, keys_, s.row)) {
        for (uint32_t b = s.row; b != kNoRow; b = next[b]) {
          matches->probe_rows.push_back(static_cast<uint32_t>(r));
          matches->build_rows.push_back(b);
        }
        break;
      }
      pos = (pos + 1) & mask_;
    }
  }
  return util::Status::ok();
}

}  // namespace medallion::columnar
