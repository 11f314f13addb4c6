// Fuzzes ISO-8601 parsing: anything accepted must format and parse back to
// the same instant (within years 0000..9999).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "util/civil_time.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto t = medallion::util::parse_iso8601(text);
  // Offsets can move an instant out of the four-digit years that parsing
  // accepts; those format with a sign and are not expected to parse back.
  if (t && *t >= 0 - 62167219200LL * 1000000 && *t < 253402300800LL * 1000000) {
    const std::string formatted = medallion::util::format_iso8601(*t);
    const auto again = medallion::util::parse_iso8601(formatted);
    if (!again || *again != *t) std::abort();
  }
  medallion::util::parse_iso_date(text);
  return 0;
}
