#include "lake/lake_layout.h"

#include <utility>

#include "util/file_system.h"

namespace medallion::lake {

using util::join_path;

LakeLayout::LakeLayout(std::string root) : root_(std::move(root)) {}

std::string LakeLayout::landing_zone() const { return join_path(root_, kLandingZone); }

std::string LakeLayout::landing_dataset_dir(std::string_view dataset) const {
  return join_path(landing_zone(), dataset);
}

std::string LakeLayout::landing_dir(std::string_view dataset, std::string_view load_date) const {
  return join_path(landing_dataset_dir(dataset), load_date);
}

std::string LakeLayout::raw_zone() const { return join_path(root_, kRawZone); }

std::string LakeLayout::raw_table(std::string_view dataset, std::string_view table) const {
  return join_path(join_path(raw_zone(), dataset), table);
}

std::string LakeLayout::use_case_zone() const { return join_path(root_, kUseCaseZone); }

std::string LakeLayout::use_case_table(std::string_view use_case, std::string_view table) const {
  return join_path(join_path(use_case_zone(), use_case), table);
}

std::string LakeLayout::assignment_landing_dir() const {
  return landing_dataset_dir(kAssignmentDataset);
}

std::string LakeLayout::raw_session_events() const {
  return raw_table(kAssignmentDataset, kRawSessionEventsTable);
}

std::string LakeLayout::raw_session_events_quarantine() const {
  return raw_table(kAssignmentDataset, kRawQuarantineTable);
}

std::string LakeLayout::use_case_session_events() const {
  return use_case_table(kUseCaseName, kUseCaseSessionEventsTable);
}

std::string LakeLayout::stream_checkpoint(std::string_view stream) const {
  return join_path(join_path(root_, kCheckpointsDir), stream);
}

}  // namespace medallion::lake
