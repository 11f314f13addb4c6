// LineFormatter: turns planned lines into the bytes of the session-events
// source (lake/source_events.h), exactly as the real file writes them
// (Python json.dumps spacing, this key order, no `country` on end lines):
//
// clang-format off
//   {"player_id": "<32 hex>", "country": "FI", "event": "start", "session_id": "<uuid>", "ts": "2016-11-18T12:48:05"}\n
//   {"player_id": "<32 hex>", "event": "end", "session_id": "<uuid>", "ts": "2016-11-18T13:49:05"}\n
// clang-format on
//
// A defective line (line_plan.h) is a clean line with exactly one change,
// chosen by the line's variant bits; each is rejected by the decoder
// (formats/json/jsonl_decoder.h) for exactly the reason of its defect:
//   kMissingField   player_id, event, session_id or ts removed or set to null
//                   (never country, which is nullable)
//   kWrongType      one of those four fields as a number or boolean, e.g.
//                   "ts": 1479473285, "player_id": 42
//   kUnknownEvent   event "pause", "START", "", "resume", "End" or "heartbeat"
//   kBadTimestamp   ts a string parse_iso8601 refuses: "2016-13-45T99:00:00",
//                   "yesterday", "2016-11-18 12:48", "18/11/2016 12:48:05",
//                   "2016-11-31T…", "", "…+25:00", "…T24:…"
//   kNotJson        a clean line cut short (a proper prefix of the object),
//                   or garbage: text, an HTML error page, a CSV header, an
//                   empty line, or JSON that is not an object (null, an array)
//   kTruncated      a clean line cut short with no '\n' (only ever the last
//                   line of the file)
// kDuplicate lines are written exactly like their source line.
//
// Thread safety: const methods may run concurrently (one output per thread).
#pragma once

#include <array>
#include <span>
#include <string>
#include <vector>

#include "gen/line_plan.h"
#include "gen/session_model.h"

namespace medallion::gen {

class LineFormatter {
 public:
  // Borrows the model, which must outlive the formatter.
  explicit LineFormatter(const SessionModel& model);

  // Appends one line with its '\n' (none for kTruncated).
  void append(const PlannedLine& line, std::string& out) const;
  void append_lines(std::span<const PlannedLine> lines, std::string& out) const;

  // Longest clean line, '\n' included (for buffer sizing).
  static constexpr size_t kMaxCleanLineBytes = 200;

 private:
  // The clean line without '\n'; returns its length. buf holds
  // kMaxCleanLineBytes.
  size_t write_clean(const PlannedLine& line, char* buf) const;
  void append_defective(const PlannedLine& line, std::string& out) const;

  const SessionModel& model_;
  std::vector<std::array<char, 32>> player_hex_;
};

}  // namespace medallion::gen
