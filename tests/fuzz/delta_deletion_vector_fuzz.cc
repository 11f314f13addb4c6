// Fuzzes the deletion vector bitmap decoder (RoaringBitmapArray, portable and
// native, with array, bitmap and run containers) with arbitrary bytes: every
// input must end in rows or a clean error; decoded rows must be ascending and
// distinct, and must survive encode -> decode unchanged. The row limit keeps
// run containers (4 bytes for 65536 rows) from exhausting memory, as
// load_deletion_vector's cardinality limit does in production.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "delta/roaring_bitmap.h"
#include "delta/z85.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace medallion::delta;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  constexpr uint64_t kMaxRows = 1 << 20;

  auto rows = decode_roaring_bitmap_array(bytes, kMaxRows);
  if (rows.is_ok()) {
    if (rows->size() > kMaxRows) std::abort();
    if (std::adjacent_find(rows->begin(), rows->end(),
                           [](uint64_t a, uint64_t b) { return a >= b; }) != rows->end()) {
      std::abort();
    }
    auto again = decode_roaring_bitmap_array(encode_roaring_bitmap_array(*rows), kMaxRows);
    if (!again.is_ok() || *again != *rows) std::abort();
  }

  // The same bytes as Z85 text (inline deletion vectors): decode must not
  // crash, and what decodes must re-encode to the same text.
  auto decoded = z85_decode(bytes);
  if (decoded.is_ok() && z85_encode(*decoded) != bytes) std::abort();
  return 0;
}
