// DatedEvents: the accepted events of one source file, bucketed by event
// date as they are decoded and deduplicated on UNIQUE_ID_ROW — refine's
// memory between decoding the file and merging it one date at a time.
//
// A source file is shuffled, so no date can be merged before the whole file
// is decoded: every event is held until then, and held once. Rows are kept
// compactly per date: country, event and player_id as codes into
// dictionaries shared by all dates (a file has few distinct values of each:
// the assignment's has 2 events, 246 countries and one player per ~50
// events; a source of all-distinct players would pay one entry per row),
// session_id as bytes with 32-bit end offsets, ts and the line number as
// integers — about 70 bytes per event for the assignment's data, against
// ~160 for the JSON line. take_date() expands one date into a
// raw_events_schema() batch and frees the date's bucket.
//
// Deduplication: UNIQUE_ID_ROW = event + "-" + session_id, and events hold
// no '-' (the schema allows start and end only), so two rows have the same
// UNIQUE_ID_ROW exactly when they have the same event and session_id. An
// open-addressing table (linear probing, load <= 0.7) of {hash tag, date
// bucket, row} finds a row's predecessor by comparing in place in the
// buckets; no per-row heap allocation. The first row added wins; later ones
// are reported with the line of the first.
//
// Thread safety: one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "columnar/record_batch.h"
#include "util/status.h"

namespace medallion::pipeline {

struct DuplicateLine {
  int64_t line_number = 0;        // the duplicate
  int64_t first_line_number = 0;  // the line that won
};

class DatedEvents {
 public:
  DatedEvents();
  ~DatedEvents();
  DatedEvents(const DatedEvents&) = delete;
  DatedEvents& operator=(const DatedEvents&) = delete;

  // Adds the rows of a decoded batch of lake::source_events_schema() with
  // its line numbers, in file order. Rows whose event and session_id were
  // added before are dropped and listed in *duplicates (appended, in row
  // order). kInvalidArgument when the batch does not have the source
  // schema's columns or lacks line numbers; add() after take_date() is a
  // bug (kFailedPrecondition).
  util::Status add(const columnar::RecordBatch& rows, std::vector<DuplicateLine>* duplicates);

  int64_t events() const { return events_; }
  // The distinct EVENT_DATEs (days since the epoch) of the events, ascending.
  std::vector<int32_t> dates() const;
  int64_t events_on(int32_t date) const;

  // The date's events, in file order, as a raw_events_schema() batch:
  // DL_INSERT_TS = DL_UPDATE_TS = now_micros, EVENT_DATE = date,
  // UNIQUE_ID_ROW = event + "-" + session_id. Frees the date's bucket (a
  // second call yields no rows) and the deduplication table.
  util::Result<columnar::RecordBatch> take_date(int32_t date, int64_t now_micros);

 private:
  struct Bucket;
  class Dictionary;

  Bucket& bucket_of(int32_t date, uint32_t* index);
  // Finds the row with the same key or inserts {bucket, row}; true when found.
  bool find_or_insert(uint32_t event, std::string_view session, uint32_t bucket, uint32_t row,
                      uint32_t* found_bucket, uint32_t* found_row);
  void grow_table();
  uint64_t key_hash(uint32_t event, std::string_view session) const;
  std::string_view session_of(uint32_t bucket, uint32_t row) const;

  std::vector<std::unique_ptr<Bucket>> buckets_;
  std::unordered_map<int32_t, uint32_t> bucket_by_date_;
  std::unique_ptr<Dictionary> countries_;
  std::unique_ptr<Dictionary> event_names_;
  std::unique_ptr<Dictionary> players_;

  struct Slot {
    uint32_t tag = 0;
    uint32_t bucket = 0;  // kEmpty: free
    uint32_t row = 0;
  };
  std::vector<Slot> slots_;
  uint64_t mask_ = 0;
  size_t used_ = 0;
  bool sealed_ = false;
  int64_t events_ = 0;
};

}  // namespace medallion::pipeline
