// The session-events source: JSON Lines as in the assignment file,
//   {"player_id": "<32 hex>", "country": "FI", "event": "start",
//    "session_id": "<dashed uuid>", "ts": "2016-11-18T12:48:05"}
// with no "country" key on end events. Decoded into these columns, in order.
#pragma once

#include "columnar/schema.h"

namespace medallion::lake {

inline constexpr size_t kSourcePlayerId = 0;
inline constexpr size_t kSourceCountry = 1;
inline constexpr size_t kSourceEvent = 2;
inline constexpr size_t kSourceSessionId = 3;
inline constexpr size_t kSourceTs = 4;

// player_id string, country string (nullable), event string in {start, end},
// session_id string, ts timestamp (UTC micros).
columnar::Schema source_events_schema();

}  // namespace medallion::lake
