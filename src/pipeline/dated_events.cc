#include "pipeline/dated_events.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "columnar/row_key.h"
#include "lake/source_events.h"
#include "pipeline/table_schemas.h"
#include "util/civil_time.h"

namespace medallion::pipeline {

namespace {

constexpr uint32_t kNullCode = std::numeric_limits<uint32_t>::max();
constexpr uint32_t kEmpty = std::numeric_limits<uint32_t>::max();
constexpr size_t kInitialSlots = 1024;

struct TransparentHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace

// Distinct strings and their codes, in order of first appearance.
class DatedEvents::Dictionary {
 public:
  uint32_t code_of(std::string_view value) {
    auto it = codes_.find(value);
    if (it != codes_.end()) return it->second;
    const auto code = static_cast<uint32_t>(values_.size());
    auto inserted = codes_.emplace(std::string(value), code).first;
    values_.push_back(inserted->first);  // node keys do not move
    return code;
  }
  std::string_view value(uint32_t code) const { return values_[code]; }

 private:
  std::unordered_map<std::string, uint32_t, TransparentHash, std::equal_to<>> codes_;
  std::vector<std::string_view> values_;
};

struct DatedEvents::Bucket {
  int32_t date = 0;
  std::vector<uint32_t> country;  // kNullCode: null
  std::vector<uint32_t> event;
  std::vector<uint32_t> player;  // kNullCode: null
  std::string session_chars;
  std::vector<uint32_t> session_ends;  // row r is [ends[r-1], ends[r])
  std::vector<int64_t> ts;
  std::vector<int64_t> line;

  size_t rows() const { return ts.size(); }
  std::string_view session(uint32_t r) const {
    const uint32_t begin = r == 0 ? 0 : session_ends[r - 1];
    return {session_chars.data() + begin, session_ends[r] - begin};
  }
};

DatedEvents::DatedEvents()
    : countries_(std::make_unique<Dictionary>()),
      event_names_(std::make_unique<Dictionary>()),
      players_(std::make_unique<Dictionary>()),
      slots_(kInitialSlots),
      mask_(kInitialSlots - 1) {
  for (Slot& s : slots_) s.bucket = kEmpty;
}

DatedEvents::~DatedEvents() = default;

DatedEvents::Bucket& DatedEvents::bucket_of(int32_t date, uint32_t* index) {
  auto [it, inserted] = bucket_by_date_.try_emplace(date, static_cast<uint32_t>(buckets_.size()));
  if (inserted) {
    buckets_.push_back(std::make_unique<Bucket>());
    buckets_.back()->date = date;
  }
  *index = it->second;
  return *buckets_[it->second];
}

uint64_t DatedEvents::key_hash(uint32_t event, std::string_view session) const {
  return columnar::hash_bytes(session.data(), session.size()) ^
         ((static_cast<uint64_t>(event) + 1) * 0x9E3779B97F4A7C15ull);
}

std::string_view DatedEvents::session_of(uint32_t bucket, uint32_t row) const {
  return buckets_[bucket]->session(row);
}

bool DatedEvents::find_or_insert(uint32_t event, std::string_view session, uint32_t bucket,
                                 uint32_t row, uint32_t* found_bucket, uint32_t* found_row) {
  if ((used_ + 1) * 10 > slots_.size() * 7) grow_table();
  const uint64_t h = key_hash(event, session);
  const auto tag = static_cast<uint32_t>(h >> 32);
  for (uint64_t i = h & mask_;; i = (i + 1) & mask_) {
    Slot& s = slots_[i];
    if (s.bucket == kEmpty) {
      s = Slot{tag, bucket, row};
      ++used_;
      return false;
    }
    if (s.tag == tag && buckets_[s.bucket]->event[s.row] == event &&
        session_of(s.bucket, s.row) == session) {
      *found_bucket = s.bucket;
      *found_row = s.row;
      return true;
    }
  }
}

void DatedEvents::grow_table() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size() * 2, Slot{0, kEmpty, 0});
  mask_ = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.bucket == kEmpty) continue;
    const uint64_t h = key_hash(buckets_[s.bucket]->event[s.row], session_of(s.bucket, s.row));
    uint64_t i = h & mask_;
    while (slots_[i].bucket != kEmpty) i = (i + 1) & mask_;
    slots_[i] = s;
  }
}

util::Status DatedEvents::add(const columnar::RecordBatch& rows,
                              std::vector<DuplicateLine>* duplicates) {
  if (sealed_) {
    return util::Status::failed_precondition(
        "refine: events added after a date was taken: decode the whole file first");
  }
  const columnar::Schema expected = lake::source_events_schema();
  bool fits = rows.num_columns() == expected.size();
  for (size_t c = 0; fits && c < expected.size(); ++c) {
    fits = rows.schema().field(c).name == expected.field(c).name &&
           rows.schema().field(c).type == expected.field(c).type;
  }
  if (!fits || rows.line_numbers().size() != rows.num_rows()) {
    return util::Status::invalid_argument(
        "refine: a decoded batch without the source events' columns and line numbers: decode "
        "with lake::source_events_schema()");
  }
  const columnar::Column& player = rows.column(lake::kSourcePlayerId);
  const columnar::Column& country = rows.column(lake::kSourceCountry);
  const columnar::Column& event = rows.column(lake::kSourceEvent);
  const columnar::Column& session = rows.column(lake::kSourceSessionId);
  const columnar::Column& ts = rows.column(lake::kSourceTs);
  const std::vector<int64_t>& lines = rows.line_numbers();
  // Consecutive rows share a date often enough to skip the map lookup.
  int32_t last_date = 0;
  uint32_t last_index = kEmpty;
  for (size_t r = 0; r < rows.num_rows(); ++r) {
    const int64_t t = ts.int64_at(r);
    const auto date = static_cast<int32_t>(util::days_from_micros(t));
    uint32_t index = last_index;
    if (index == kEmpty || date != last_date) {
      bucket_of(date, &index);
      last_date = date;
      last_index = index;
    }
    Bucket& b = *buckets_[index];
    const uint32_t event_code = event_names_->code_of(event.string_at(r));
    const std::string_view session_id = session.string_at(r);
    const auto row = static_cast<uint32_t>(b.rows());
    if (b.session_chars.size() + session_id.size() > std::numeric_limits<uint32_t>::max() ||
        row == std::numeric_limits<uint32_t>::max()) {
      return util::Status::unsupported(
          fmt::format("refine: more than 4 GiB of session ids on {}: split the source file",
                      util::format_iso_date(date)));
    }
    // The row's session must be in place before the table compares with it.
    b.session_chars.append(session_id);
    b.session_ends.push_back(static_cast<uint32_t>(b.session_chars.size()));
    b.event.push_back(event_code);
    uint32_t first_bucket = 0, first_row = 0;
    if (find_or_insert(event_code, session_id, index, row, &first_bucket, &first_row)) {
      b.session_chars.resize(b.session_chars.size() - session_id.size());
      b.session_ends.pop_back();
      b.event.pop_back();
      duplicates->push_back({lines[r], buckets_[first_bucket]->line[first_row]});
      continue;
    }
    b.country.push_back(country.is_null(r) ? kNullCode : countries_->code_of(country.string_at(r)));
    b.player.push_back(player.is_null(r) ? kNullCode : players_->code_of(player.string_at(r)));
    b.ts.push_back(t);
    b.line.push_back(lines[r]);
    ++events_;
  }
  return util::Status::ok();
}

std::vector<int32_t> DatedEvents::dates() const {
  std::vector<int32_t> out;
  out.reserve(buckets_.size());
  for (const auto& b : buckets_) {
    // A bucket opened for a row that then proved a duplicate may be empty.
    if (b->rows() > 0) out.push_back(b->date);
  }
  std::sort(out.begin(), out.end());
  return out;
}

int64_t DatedEvents::events_on(int32_t date) const {
  auto it = bucket_by_date_.find(date);
  return it == bucket_by_date_.end() ? 0 : static_cast<int64_t>(buckets_[it->second]->rows());
}

namespace {

// A string column of dictionary values (kNullCode: null).
template <typename ValueOf>
util::Result<columnar::Column> decode_codes(const std::vector<uint32_t>& codes,
                                            const ValueOf& value_of) {
  columnar::ColumnBuffers buffers;
  size_t bytes = 0;
  bool nulls = false;
  for (uint32_t c : codes) {
    if (c == kNullCode) {
      nulls = true;
    } else {
      bytes += value_of(c).size();
    }
  }
  buffers.chars.reserve(bytes);
  buffers.offsets.reserve(codes.size() + 1);
  buffers.offsets.push_back(0);
  if (nulls) buffers.validity.reserve(codes.size());
  for (uint32_t c : codes) {
    if (c != kNullCode) buffers.chars.append(value_of(c));
    buffers.offsets.push_back(buffers.chars.size());
    if (nulls) buffers.validity.push_back(c == kNullCode ? 0 : 1);
  }
  return columnar::Column::adopt(columnar::DataType::kString, codes.size(), std::move(buffers));
}

columnar::ColumnBuffers filled_i64(size_t rows, int64_t value) {
  columnar::ColumnBuffers buffers;
  buffers.i64.assign(rows, value);
  return buffers;
}

}  // namespace

util::Result<columnar::RecordBatch> DatedEvents::take_date(int32_t date, int64_t now_micros) {
  using columnar::Column;
  using columnar::DataType;
  sealed_ = true;
  std::vector<Slot>().swap(slots_);  // no more adds: the table is dead weight
  used_ = 0;

  Bucket empty;
  Bucket* b = &empty;
  if (auto it = bucket_by_date_.find(date); it != bucket_by_date_.end()) {
    b = buckets_[it->second].get();
  }
  const size_t rows = b->rows();
  std::vector<Column> columns;
  columns.reserve(9);
  auto dictionary = [](const Dictionary& d) {
    return [&d](uint32_t code) { return d.value(code); };
  };
  MEDALLION_ASSIGN_OR_RETURN(Column country, decode_codes(b->country, dictionary(*countries_)));
  MEDALLION_ASSIGN_OR_RETURN(Column event, decode_codes(b->event, dictionary(*event_names_)));
  MEDALLION_ASSIGN_OR_RETURN(Column player, decode_codes(b->player, dictionary(*players_)));

  // UNIQUE_ID_ROW = event + "-" + session_id, built straight into buffers.
  columnar::ColumnBuffers unique;
  unique.chars.reserve(event.string_chars().size() + rows + b->session_chars.size());
  unique.offsets.reserve(rows + 1);
  unique.offsets.push_back(0);
  columnar::ColumnBuffers session;
  session.offsets.reserve(rows + 1);
  session.offsets.push_back(0);
  for (size_t r = 0; r < rows; ++r) {
    const auto row = static_cast<uint32_t>(r);
    unique.chars.append(event.string_at(r));
    unique.chars.push_back('-');
    unique.chars.append(b->session(row));
    unique.offsets.push_back(unique.chars.size());
    session.offsets.push_back(b->session_ends[r]);
  }
  session.chars = std::move(b->session_chars);
  MEDALLION_ASSIGN_OR_RETURN(Column session_id,
                             Column::adopt(DataType::kString, rows, std::move(session)));
  MEDALLION_ASSIGN_OR_RETURN(Column unique_id,
                             Column::adopt(DataType::kString, rows, std::move(unique)));
  columnar::ColumnBuffers ts;
  ts.i64 = std::move(b->ts);
  MEDALLION_ASSIGN_OR_RETURN(Column ts_column,
                             Column::adopt(DataType::kTimestamp, rows, std::move(ts)));
  MEDALLION_ASSIGN_OR_RETURN(
      Column inserted, Column::adopt(DataType::kTimestamp, rows, filled_i64(rows, now_micros)));
  MEDALLION_ASSIGN_OR_RETURN(
      Column updated, Column::adopt(DataType::kTimestamp, rows, filled_i64(rows, now_micros)));
  columnar::ColumnBuffers dates;
  dates.i32.assign(rows, date);
  MEDALLION_ASSIGN_OR_RETURN(Column event_date,
                             Column::adopt(DataType::kDate, rows, std::move(dates)));
  *b = Bucket{};  // the rest of the bucket is freed here
  b->date = date;

  columns.push_back(std::move(country));
  columns.push_back(std::move(event));
  columns.push_back(std::move(player));
  columns.push_back(std::move(session_id));
  columns.push_back(std::move(ts_column));
  columns.push_back(std::move(inserted));
  columns.push_back(std::move(updated));
  columns.push_back(std::move(event_date));
  columns.push_back(std::move(unique_id));
  return columnar::RecordBatch::make(raw_events_schema(), std::move(columns));
}

}  // namespace medallion::pipeline
