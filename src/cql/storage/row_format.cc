// Row fragments, partition headers and their reconciliation (row_format.h).
#include "cql/storage/row_format.h"

#include <algorithm>
#include <cstring>

#include "cql/storage/storage_format.h"

namespace medallion::cql {
namespace {

using util::Status;

template <typename T>
void put(std::string* out, T v) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));  // little-endian hosts only (x86-64, arm64)
  out->append(buf, sizeof(T));
}

class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  template <typename T>
  bool get(T* v) {
    if (s_.size() - pos_ < sizeof(T)) return false;
    std::memcpy(v, s_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  bool bytes(std::string* out) {
    uint32_t len = 0;
    if (!get(&len) || s_.size() - pos_ < len) return false;
    out->assign(s_.data() + pos_, len);
    pos_ += len;
    return true;
  }
  size_t remaining() const { return s_.size() - pos_; }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

Status bad(std::string_view what) {
  return Status::corruption("cql: stored " + std::string(what) + " is malformed");
}

int64_t effective_expiry(int64_t expires_at) {
  return expires_at == 0 ? std::numeric_limits<int64_t>::max() : expires_at;
}

// True when `a` supersedes `b` (store.h's rules; on a full tie keep `a`).
bool cell_wins(const StoredCell& a, const StoredCell& b) {
  if (a.timestamp != b.timestamp) return a.timestamp > b.timestamp;
  if (a.tombstone != b.tombstone) return a.tombstone;
  if (!a.tombstone) {
    const int c = a.value.compare(b.value);
    if (c != 0) return c > 0;
  }
  return effective_expiry(a.expires_at) >= effective_expiry(b.expires_at);
}

}  // namespace

void encode_row_fragment(const RowFragment& row, std::string* out) {
  size_t size = 1 + 8 + 4 + 8 + 8 + 4;
  for (const auto& c : row.cells) size += 4 + 8 + 4 + 8 + 1 + 4 + c.value.size();
  out->reserve(out->size() + size);
  out->push_back(static_cast<char>(storage_format::kRowFragmentTag));
  put(out, row.marker_timestamp);
  put(out, row.marker_ttl_seconds);
  put(out, row.marker_expires_at);
  put(out, row.row_tombstone);
  put(out, static_cast<uint32_t>(row.cells.size()));
  for (const auto& c : row.cells) {
    put(out, c.column_id);
    put(out, c.timestamp);
    put(out, c.ttl_seconds);
    put(out, c.expires_at);
    put(out, static_cast<uint8_t>(c.tombstone ? 1 : 0));
    put(out, static_cast<uint32_t>(c.value.size()));
    out->append(c.value);
  }
}

Status decode_row_fragment(std::string_view bytes, RowFragment* row) {
  Reader in(bytes);
  uint8_t tag = 0;
  uint32_t n = 0;
  if (!in.get(&tag) || tag != storage_format::kRowFragmentTag || !in.get(&row->marker_timestamp) ||
      !in.get(&row->marker_ttl_seconds) || !in.get(&row->marker_expires_at) ||
      !in.get(&row->row_tombstone) || !in.get(&n)) {
    return bad("row");
  }
  // Each cell needs at least 29 bytes: bound the allocation by the input.
  if (n > in.remaining() / 29) return bad("row");
  row->cells.clear();
  row->cells.resize(n);
  uint32_t prev = 0;
  for (uint32_t i = 0; i < n; ++i) {
    StoredCell& c = row->cells[i];
    uint8_t flags = 0;
    if (!in.get(&c.column_id) || !in.get(&c.timestamp) || !in.get(&c.ttl_seconds) ||
        !in.get(&c.expires_at) || !in.get(&flags) || flags > 1 || !in.bytes(&c.value)) {
      return bad("row cell");
    }
    if (i > 0 && c.column_id <= prev) return bad("row cell order");
    prev = c.column_id;
    c.tombstone = flags == 1;
  }
  if (in.remaining() != 0) return bad("row");
  return Status::ok();
}

void encode_partition_header(const PartitionHeader& header, std::string* out) {
  out->push_back(static_cast<char>(storage_format::kHeaderFragmentTag));
  put(out, header.partition_tombstone);
  put(out, static_cast<uint32_t>(header.ranges.size()));
  for (const auto& r : header.ranges) {
    put(out, static_cast<uint32_t>(r.start.size()));
    out->append(r.start);
    put(out, static_cast<uint32_t>(r.end.size()));
    out->append(r.end);
    put(out, r.timestamp);
  }
}

Status decode_partition_header(std::string_view bytes, PartitionHeader* header) {
  Reader in(bytes);
  uint8_t tag = 0;
  uint32_t n = 0;
  if (!in.get(&tag) || tag != storage_format::kHeaderFragmentTag ||
      !in.get(&header->partition_tombstone) || !in.get(&n) || n > in.remaining() / 16) {
    return bad("partition header");
  }
  header->ranges.clear();
  header->ranges.resize(n);
  for (auto& r : header->ranges) {
    if (!in.bytes(&r.start) || !in.bytes(&r.end) || !in.get(&r.timestamp)) {
      return bad("partition header range");
    }
  }
  if (in.remaining() != 0) return bad("partition header");
  return Status::ok();
}

void merge_row_fragments(RowFragment* into, RowFragment&& other) {
  into->row_tombstone = std::max(into->row_tombstone, other.row_tombstone);
  if (other.marker_timestamp != kNoTimestamp) {
    bool take =
        into->marker_timestamp == kNoTimestamp || other.marker_timestamp > into->marker_timestamp;
    if (!take && other.marker_timestamp == into->marker_timestamp) {
      const bool a = into->marker_expires_at != 0, b = other.marker_expires_at != 0;
      take = a != b ? b : other.marker_expires_at > into->marker_expires_at;
    }
    if (take) {
      into->marker_timestamp = other.marker_timestamp;
      into->marker_ttl_seconds = other.marker_ttl_seconds;
      into->marker_expires_at = other.marker_expires_at;
    }
  }
  if (into->marker_timestamp != kNoTimestamp && into->marker_timestamp <= into->row_tombstone) {
    into->marker_timestamp = kNoTimestamp;
    into->marker_ttl_seconds = 0;
    into->marker_expires_at = 0;
  }
  std::vector<StoredCell> merged;
  merged.reserve(into->cells.size() + other.cells.size());
  auto a = into->cells.begin(), ae = into->cells.end();
  auto b = other.cells.begin(), be = other.cells.end();
  while (a != ae || b != be) {
    StoredCell* pick;
    if (b == be || (a != ae && a->column_id < b->column_id)) {
      pick = &*a++;
    } else if (a == ae || b->column_id < a->column_id) {
      pick = &*b++;
    } else {
      pick = cell_wins(*a, *b) ? &*a : &*b;
      ++a;
      ++b;
    }
    if (pick->timestamp > into->row_tombstone) merged.push_back(std::move(*pick));
  }
  into->cells = std::move(merged);
}

void merge_partition_headers(PartitionHeader* into, PartitionHeader&& other) {
  into->partition_tombstone = std::max(into->partition_tombstone, other.partition_tombstone);
  for (auto& r : other.ranges) into->ranges.push_back(std::move(r));
  auto by_range = [](const RangeTombstone& x, const RangeTombstone& y) {
    if (x.start != y.start) return x.start < y.start;
    return x.end < y.end;
  };
  std::sort(into->ranges.begin(), into->ranges.end(), by_range);
  std::vector<RangeTombstone> kept;
  kept.reserve(into->ranges.size());
  for (auto& r : into->ranges) {
    if (r.timestamp <= into->partition_tombstone) continue;
    if (!kept.empty() && kept.back().start == r.start && kept.back().end == r.end) {
      kept.back().timestamp = std::max(kept.back().timestamp, r.timestamp);
    } else {
      kept.push_back(std::move(r));
    }
  }
  into->ranges = std::move(kept);
}

int64_t deletion_time_for(const PartitionHeader& header, std::string_view clustering) {
  int64_t t = header.partition_tombstone;
  // The empty clustering is the static row (or the only row of a table
  // without clustering columns): range deletions never cover it.
  if (clustering.empty()) return t;
  for (const auto& r : header.ranges) {
    if (r.timestamp > t && clustering >= std::string_view(r.start) &&
        (r.end.empty() || clustering < std::string_view(r.end))) {
      t = r.timestamp;
    }
  }
  return t;
}

bool visible_row(const RowFragment& row, int64_t deleted_at, int64_t now_seconds, RowRead* out) {
  const int64_t shadow = std::max(deleted_at, row.row_tombstone);
  out->cells.clear();
  for (const auto& c : row.cells) {
    if (c.tombstone || c.timestamp <= shadow) continue;
    if (c.expires_at != 0 && c.expires_at <= now_seconds) continue;
    CellRead r;
    r.column_id = c.column_id;
    r.value = c.value;
    r.timestamp = c.timestamp;
    r.ttl_seconds = c.ttl_seconds;
    r.expires_at = c.expires_at;
    out->cells.push_back(std::move(r));
  }
  const bool marker_live = row.marker_timestamp != kNoTimestamp && row.marker_timestamp > shadow &&
                           (row.marker_expires_at == 0 || row.marker_expires_at > now_seconds);
  return marker_live || !out->cells.empty();
}

}  // namespace medallion::cql
