#include "gen/line_plan.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace medallion::gen {

namespace {

constexpr LineDefect kMutations[] = {
    LineDefect::kMissingField, LineDefect::kWrongType, LineDefect::kUnknownEvent,
    LineDefect::kBadTimestamp, LineDefect::kNotJson,
};

int64_t& injected_count(InjectedDefects& injected, LineDefect defect) {
  switch (defect) {
    case LineDefect::kMissingField:
      return injected.missing_field;
    case LineDefect::kWrongType:
      return injected.wrong_type;
    case LineDefect::kUnknownEvent:
      return injected.unknown_event;
    case LineDefect::kBadTimestamp:
      return injected.bad_timestamp;
    case LineDefect::kNotJson:
      return injected.not_json;
    case LineDefect::kTruncated:
      return injected.truncated;
    case LineDefect::kDuplicate:
    case LineDefect::kNone:
      break;
  }
  return injected.duplicate_lines;
}

bool session_clean(const SessionModel& model, uint32_t session) {
  return model.sessions()[session].defect == SessionDefect::kNone;
}

}  // namespace

LinePlan LinePlan::build(const SessionModel& model) {
  LinePlan plan;
  std::vector<PlannedLine>& lines = plan.lines_;
  InjectedDefects& injected = plan.injected_;
  const GenOptions& options = model.options();
  const auto per_defect =
      static_cast<int64_t>(std::llround(options.dirty_rate * static_cast<double>(options.events)));

  lines.reserve(static_cast<size_t>(options.events + std::max<int64_t>(per_defect, 0)));
  const std::vector<Session>& sessions = model.sessions();
  for (size_t i = 0; i < sessions.size(); ++i) {
    const auto id = static_cast<uint32_t>(i);
    if (sessions[i].writes_start())
      lines.push_back({id, EventType::kStart, LineDefect::kNone, 0, 0, 0});
    if (sessions[i].writes_end())
      lines.push_back({id, EventType::kEnd, LineDefect::kNone, 0, 0, 0});
  }
  injected.end_without_start = model.start_dropped_sessions();
  injected.end_before_start = model.end_before_start_sessions();

  if (per_defect > 0) {
    Rng rng = make_rng(options.seed, RngStream::kLineDefects);
    std::vector<uint32_t> candidates;
    candidates.reserve(lines.size());
    for (size_t i = 0; i < lines.size(); ++i) {
      if (session_clean(model, lines[i].session)) candidates.push_back(static_cast<uint32_t>(i));
    }
    const auto k = static_cast<size_t>(per_defect);
    const size_t picks = std::min(std::size(kMutations) * k, candidates.size());
    // Partial Fisher-Yates: candidates[0, picks) is a random sample; the
    // rest stay clean and may be copied.
    for (size_t i = 0; i < picks; ++i) {
      std::swap(candidates[i], candidates[i + rng.below(candidates.size() - i)]);
      PlannedLine& line = lines[candidates[i]];
      line.defect = kMutations[i / k];
      line.variant = static_cast<uint32_t>(rng.next() >> 32);
      ++injected_count(injected, line.defect);
    }
    const size_t clean = candidates.size() - picks;
    if (clean > 0) {
      for (size_t j = 0; j < k; ++j) {
        const uint32_t source = candidates[picks + rng.below(clean)];
        PlannedLine copy = lines[source];
        copy.defect = LineDefect::kDuplicate;
        lines.push_back(copy);
        if (lines[source].copies < 255) ++lines[source].copies;
        ++injected.duplicate_lines;
      }
    }
  }

  Rng shuffle = make_rng(options.seed, RngStream::kShuffle);
  for (size_t i = lines.size(); i > 1; --i) std::swap(lines[i - 1], lines[shuffle.below(i)]);

  if (options.dirty_rate > 0) {
    // The last line of the file: a clean line (of a clean session, never
    // copied) cut short, so that it carries no second defect.
    for (size_t i = lines.size(); i > 0; --i) {
      PlannedLine& line = lines[i - 1];
      if (line.defect != LineDefect::kNone || line.copies != 0 ||
          !session_clean(model, line.session)) {
        continue;
      }
      std::swap(line, lines.back());
      lines.back().defect = LineDefect::kTruncated;
      lines.back().variant = static_cast<uint32_t>(shuffle.next() >> 32);
      injected.truncated = 1;
      break;
    }
  }
  return plan;
}

}  // namespace medallion::gen
