// Fuzzes the Parquet metadata decoders (FileMetaData and PageHeader, both
// compact Thrift) with arbitrary bytes: every input must end in a value or a
// clean error, and every value must survive encode → decode unchanged.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "formats/parquet/parquet_footer.h"
#include "formats/parquet/parquet_metadata.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace medallion::parquet;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  auto metadata = decode_file_metadata(bytes);
  if (metadata.is_ok()) {
    auto again = decode_file_metadata(encode_file_metadata(*metadata));
    if (!again.is_ok() || !(*again == *metadata)) std::abort();
  }

  size_t header_size = 0;
  auto page = decode_page_header(bytes, &header_size);
  if (page.is_ok()) {
    if (header_size > size) std::abort();
    size_t again_size = 0;
    const std::string encoded = encode_page_header(*page);
    auto again = decode_page_header(encoded, &again_size);
    if (!again.is_ok() || !(*again == *page) || again_size != encoded.size()) std::abort();
  }

  // The same bytes as a whole file: exercises the magic and length checks.
  (void)read_footer(bytes, size, "fuzz-input");
  return 0;
}
