#include "pipeline/table_schemas.h"

namespace medallion::pipeline {
namespace {

columnar::Field field(std::string name, columnar::DataType type) {
  return columnar::Field{std::move(name), type, true, {}};
}

}  // namespace

columnar::Schema raw_events_schema() {
  using columnar::DataType;
  return columnar::Schema({field("country", DataType::kString),
                           field("event", DataType::kString),
                           field("player_id", DataType::kString),
                           field("session_id", DataType::kString),
                           field("ts", DataType::kTimestamp),
                           field("DL_INSERT_TS", DataType::kTimestamp),
                           field("DL_UPDATE_TS", DataType::kTimestamp),
                           field(std::string(kEventDateColumn), DataType::kDate),
                           field("UNIQUE_ID_ROW", DataType::kString)});
}

columnar::Schema sessions_schema() {
  using columnar::DataType;
  return columnar::Schema({field("country", DataType::kString),
                           field("player_id", DataType::kString),
                           field("session_id", DataType::kString),
                           field("start_ts", DataType::kTimestamp),
                           field("end_ts", DataType::kTimestamp),
                           field("session_status", DataType::kInt32),
                           field("DL_INSERT_TS", DataType::kTimestamp),
                           field("DL_UPDATE_TS", DataType::kTimestamp),
                           field(std::string(kEventDateColumn), DataType::kDate)});
}

}  // namespace medallion::pipeline
