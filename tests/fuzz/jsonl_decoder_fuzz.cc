// Fuzzes the JSONL decoder against the session-events schema. The input is
// fed in two chunks split at a position taken from the first byte, so that
// lines spanning chunks are exercised. Invariant: lines = rows + rejects.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "formats/json/jsonl_decoder.h"
#include "lake/source_events.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t split = data[0] % size;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  medallion::json::JsonlDecoder decoder(medallion::lake::source_events_schema(), {.batch_rows = 7});
  std::vector<medallion::json::DecodedBatch> out;
  decoder.feed(input.substr(0, std::min(split, input.size())), out);
  decoder.feed(input.substr(std::min(split, input.size())), out);
  decoder.finish(out);
  int64_t rows = 0, rejects = 0;
  for (const auto& b : out) {
    rows += static_cast<int64_t>(b.rows.num_rows());
    rejects += static_cast<int64_t>(b.rejects.size());
    for (size_t r = 0; r < b.rows.num_rows(); ++r) {
      const std::string_view event = b.rows.column(medallion::lake::kSourceEvent).string_at(r);
      if (event != "start" && event != "end") std::abort();
    }
  }
  if (rows + rejects != decoder.lines()) std::abort();
  return 0;
}
