// LakeLayout: where each zone and table of the data lake lives on disk — the
// one place that knows the lake's directory names (SPEC.md, "Zones and
// tables"):
//
//   <root>/                                        default ./data_lake
//     landingzone/assignment_data/<load-date>/     bronze: files as fetched
//         assignment_data.jsonl.bz2                  byte for byte
//         assignment_data.jsonl.bz2.manifest.json    see lake/manifest.h
//     raw/assignment_data/r_session_events/         silver, Delta
//     raw/assignment_data/r_session_events_quarantine/
//     use_case/uc_assignment/uc_delta_session_events/  gold, Delta
//     _checkpoints/<stream>/                       the streams' progress
//                                                  (pipeline/stream_checkpoint.h)
//
// <load-date> is the UTC date (YYYY-MM-DD) on which the file was fetched.
//
// Thread safety: a LakeLayout is an immutable value.
#pragma once

#include <string>
#include <string_view>

namespace medallion::lake {

inline constexpr std::string_view kDefaultLakeRoot = "./data_lake";

// Zone directories under the root.
inline constexpr std::string_view kLandingZone = "landingzone";  // bronze
inline constexpr std::string_view kRawZone = "raw";              // silver
inline constexpr std::string_view kUseCaseZone = "use_case";     // gold
inline constexpr std::string_view kCheckpointsDir = "_checkpoints";

// The one data set of SPEC.md and the names of its tables.
inline constexpr std::string_view kAssignmentDataset = "assignment_data";
inline constexpr std::string_view kAssignmentSourceFileName = "assignment_data.jsonl.bz2";
inline constexpr std::string_view kRawSessionEventsTable = "r_session_events";
inline constexpr std::string_view kRawQuarantineTable = "r_session_events_quarantine";
inline constexpr std::string_view kUseCaseName = "uc_assignment";
inline constexpr std::string_view kUseCaseSessionEventsTable = "uc_delta_session_events";

class LakeLayout {
 public:
  explicit LakeLayout(std::string root = std::string(kDefaultLakeRoot));

  const std::string& root() const { return root_; }

  std::string landing_zone() const;                                 // <root>/landingzone
  std::string landing_dataset_dir(std::string_view dataset) const;  // .../<dataset>
  std::string landing_dir(std::string_view dataset, std::string_view load_date) const;
  std::string raw_zone() const;  // <root>/raw
  std::string raw_table(std::string_view dataset, std::string_view table) const;
  std::string use_case_zone() const;  // <root>/use_case
  std::string use_case_table(std::string_view use_case, std::string_view table) const;

  // The tables of SPEC.md.
  std::string assignment_landing_dir() const;  // landingzone/assignment_data
  std::string raw_session_events() const;
  std::string raw_session_events_quarantine() const;
  std::string use_case_session_events() const;

  // <root>/_checkpoints/<stream>: where a stream of the pipeline keeps its
  // progress.
  std::string stream_checkpoint(std::string_view stream) const;

 private:
  std::string root_;
};

}  // namespace medallion::lake
