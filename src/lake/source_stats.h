// SourceStats: what a session-events source file holds, as counted by
// `medallion inspect-source` (by decoding) and by `medallion gen --truth` (by
// construction). Both print the same JSON so that a test can compare them:
//
//   {"lines":N,"events":{"start":N,"end":N},
//    "rejected":{"not_json":N,"missing_field":N,"wrong_type":N,
//                "bad_timestamp":N,"unknown_event":N,"truncated":N},
//    "min_ts":"2016-11-02T00:00:04","max_ts":"...","dates":N}
//
// lines counts every line including rejected ones; events counts accepted
// rows by event type; min_ts/max_ts (null when there are no rows) and dates
// (distinct UTC dates of ts) are over accepted rows. Every reason is always
// present, zero or not.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "formats/json/jsonl_decoder.h"

namespace medallion::util {
class JsonWriter;
}

namespace medallion::lake {

struct SourceStats {
  int64_t lines = 0;
  int64_t start_events = 0;
  int64_t end_events = 0;
  std::array<int64_t, json::kRejectReasonCount> rejected{};
  std::optional<int64_t> min_ts;  // micros since epoch
  std::optional<int64_t> max_ts;
  int64_t dates = 0;

  int64_t rejected_total() const;
  bool operator==(const SourceStats&) const = default;

  // Writes the members above into an object already begun by the caller, so
  // that callers may add more keys (gen --truth does).
  void write_json_fields(util::JsonWriter& w) const;
  // The whole object, compact.
  std::string to_json() const;
};

}  // namespace medallion::lake
