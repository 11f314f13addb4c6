// Fuzzes the stream checkpoint's parsers — an offsets/<N> file and a Delta
// source offset — with arbitrary bytes: every input must end in a value or
// a clean error, and a parsed value must survive serialize -> parse
// unchanged.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "delta/stream_source.h"
#include "pipeline/stream_checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace medallion;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  auto offsets = pipeline::parse_batch_offsets(text, "fuzz");
  if (offsets.is_ok()) {
    auto again = pipeline::parse_batch_offsets(pipeline::serialize_batch_offsets(*offsets), "again");
    if (!again.is_ok() || !(*again == *offsets)) std::abort();
  }
  auto offset = delta::parse_offset_json(text);
  if (offset.is_ok()) {
    auto again = delta::parse_offset_json(delta::offset_json(*offset));
    if (!again.is_ok() || !(*again == *offset)) std::abort();
  }
  return 0;
}
