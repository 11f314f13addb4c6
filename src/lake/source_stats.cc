#include "lake/source_stats.h"

#include "util/civil_time.h"
#include "util/json_writer.h"

namespace medallion::lake {

int64_t SourceStats::rejected_total() const {
  int64_t total = 0;
  for (const int64_t n : rejected) total += n;
  return total;
}

void SourceStats::write_json_fields(util::JsonWriter& w) const {
  w.key("lines").value(lines);
  w.key("events").begin_object();
  w.key("start").value(start_events);
  w.key("end").value(end_events);
  w.end_object();
  w.key("rejected").begin_object();
  for (size_t i = 0; i < rejected.size(); ++i) {
    w.key(json::reject_reason_name(static_cast<json::RejectReason>(i))).value(rejected[i]);
  }
  w.end_object();
  w.key("min_ts");
  if (min_ts) {
    w.value(util::format_iso8601(*min_ts));
  } else {
    w.null();
  }
  w.key("max_ts");
  if (max_ts) {
    w.value(util::format_iso8601(*max_ts));
  } else {
    w.null();
  }
  w.key("dates").value(dates);
}

std::string SourceStats::to_json() const {
  util::JsonWriter w;
  w.begin_object();
  write_json_fields(w);
  w.end_object();
  return w.take();
}

}  // namespace medallion::lake
