// Fuzzes the Delta log action parser (commit files, JSON checkpoints) and the
// _last_checkpoint parser. Invariants: bad input is a corruption Status, never
// a crash; whatever parses, serializes to text that parses to equal values,
// and serializing that again gives the same bytes.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "delta/action_json.h"
#include "delta/last_checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using medallion::delta::parse_actions;
  using medallion::delta::parse_last_checkpoint;
  using medallion::util::StatusCode;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  auto actions = parse_actions(input, "fuzz.json");
  if (actions.is_ok()) {
    const std::string written = medallion::delta::serialize_actions(*actions);
    auto again = parse_actions(written, "rewritten.json");
    if (!again.is_ok() || !(*again == *actions)) std::abort();
    if (medallion::delta::serialize_actions(*again) != written) std::abort();
  } else if (actions.status().code() != StatusCode::kCorruption) {
    std::abort();
  }

  auto checkpoint = parse_last_checkpoint(input, "_last_checkpoint");
  if (checkpoint.is_ok()) {
    auto expected = *checkpoint;
    expected.checksum.reset();  // never written
    auto again = parse_last_checkpoint(medallion::delta::serialize_last_checkpoint(*checkpoint),
                                       "rewritten");
    if (!again.is_ok() || !(*again == expected)) std::abort();
  } else if (checkpoint.status().code() != StatusCode::kCorruption) {
    std::abort();
  }
  return 0;
}
