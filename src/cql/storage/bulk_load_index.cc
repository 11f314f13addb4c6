#include "cql/storage/bulk_load_index.h"

#include <algorithm>
#include <functional>

#include "cql/storage/storage_format.h"
#include "util/thread_pool.h"

namespace medallion::cql {
namespace {

// Indexes at least this big are sorted in two halves at once.
constexpr size_t kParallelEntries = 65536;

// Big-endian, zero-padded: 8 bytes of `key` from `at` on.
uint64_t word_at(std::string_view key, size_t at) {
  uint64_t word = 0;
  for (size_t i = 0; i < 8; ++i) {
    const uint64_t byte = at + i < key.size() ? static_cast<uint8_t>(key[at + i]) : 0;
    word |= byte << (56 - 8 * i);
  }
  return word;
}

// Where a data key's partition key ends: after the 00 00 that closes the
// escaped partition key; the key's end for any other key.
size_t partition_end(std::string_view key) {
  if (key.size() < storage_format::kTokenPrefixSize || key[0] != storage_format::kDataPrefix) {
    return key.size();
  }
  for (size_t i = storage_format::kTokenPrefixSize; i + 1 < key.size(); ++i) {
    if (key[i] != '\0') continue;
    if (key[i + 1] == '\0') return i + 2;
    ++i;  // 00 FF: an escaped zero byte
  }
  return key.size();
}

}  // namespace

void BulkLoadIndex::add(std::string_view key, std::string_view value) {
  Entry e;
  e.head = {word_at(key, 0), word_at(key, 8)};
  const size_t end = partition_end(key);
  e.partition = static_cast<uint32_t>(std::hash<std::string_view>{}(key.substr(0, end)));
  e.suffix = word_at(key, end);
  e.offset = arena_.size();
  e.key_size = static_cast<uint32_t>(key.size());
  e.value_size = static_cast<uint32_t>(value.size());
  e.sequence = static_cast<uint32_t>(index_.size());
  arena_.append(key);
  arena_.append(value);
  index_.push_back(e);
}

void BulkLoadIndex::truncate(size_t entries) {
  if (entries >= index_.size()) return;
  arena_.resize(index_[entries].offset);
  index_.resize(entries);
}

void BulkLoadIndex::clear() {
  std::string().swap(arena_);
  std::vector<Entry>().swap(index_);
  std::vector<bool>().swap(repeats_);
}

std::string_view BulkLoadIndex::key_of(const Entry& e) const {
  return std::string_view(arena_).substr(e.offset, e.key_size);
}

std::string_view BulkLoadIndex::key(size_t i) const { return key_of(index_[i]); }

std::string_view BulkLoadIndex::value(size_t i) const {
  const Entry& e = index_[i];
  return std::string_view(arena_).substr(e.offset + e.key_size, e.value_size);
}

bool BulkLoadIndex::before(const Entry& a, const Entry& b) const {
  if (a.head != b.head) return a.head < b.head;
  const int c = key_of(a).compare(key_of(b));
  return c != 0 ? c < 0 : a.sequence < b.sequence;
}

void BulkLoadIndex::sort() {
  // before() guessed from the records alone: the same order wherever two
  // entries of one head share their partition key and differ in `suffix`.
  const auto guessed_before = [](const Entry& a, const Entry& b) {
    if (a.head != b.head) return a.head < b.head;
    if (a.partition != b.partition) return a.partition < b.partition;
    if (a.suffix != b.suffix) return a.suffix < b.suffix;
    return a.sequence < b.sequence;
  };
  if (index_.size() < kParallelEntries) {
    std::sort(index_.begin(), index_.end(), guessed_before);
  } else {
    const auto middle = index_.begin() + static_cast<ptrdiff_t>(index_.size() / 2);
    util::parallel_for(&util::cpu_pool(), 2, [&](size_t half) {
      if (half == 0) {
        std::sort(index_.begin(), middle, guessed_before);
      } else {
        std::sort(middle, index_.end(), guessed_before);
      }
    });
    std::inplace_merge(index_.begin(), middle, index_.end(), guessed_before);
  }
  const auto less = [this](const Entry& a, const Entry& b) { return before(a, b); };
  const auto same_guess = [](const Entry& a, const Entry& b) {
    return a.head == b.head && a.partition == b.partition && a.suffix == b.suffix;
  };
  for (size_t i = 0; i < index_.size();) {
    size_t j = i + 1;
    while (j < index_.size() && same_guess(index_[i], index_[j])) ++j;
    if (j - i > 1) {
      std::sort(index_.begin() + static_cast<ptrdiff_t>(i),
                index_.begin() + static_cast<ptrdiff_t>(j), less);
    }
    i = j;
  }
  if (!mark_repeated_keys()) {
    std::sort(index_.begin(), index_.end(), less);
    mark_repeated_keys();
  }
}

// Sets repeats_[i] when entry i has the key of entry i - 1; false when two
// neighbours are out of before() order.
bool BulkLoadIndex::mark_repeated_keys() {
  repeats_.assign(index_.size(), false);
  for (size_t i = 1; i < index_.size(); ++i) {
    const Entry& a = index_[i - 1];
    const Entry& b = index_[i];
    if (a.head != b.head) {
      if (b.head < a.head) return false;
      continue;
    }
    const int c = key_of(a).compare(key_of(b));
    if (c > 0 || (c == 0 && b.sequence < a.sequence)) return false;
    repeats_[i] = c == 0;
  }
  return true;
}

}  // namespace medallion::cql
