#include "lake/source_events.h"

namespace medallion::lake {

columnar::Schema source_events_schema() {
  using columnar::DataType;
  using columnar::Field;
  return columnar::Schema({
      Field{"player_id", DataType::kString, false, {}},
      Field{"country", DataType::kString, true, {}},
      Field{"event", DataType::kString, false, {"start", "end"}},
      Field{"session_id", DataType::kString, false, {}},
      Field{"ts", DataType::kTimestamp, false, {}},
  });
}

}  // namespace medallion::lake
