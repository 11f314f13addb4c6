#include "formats/parquet/byte_stream_split.h"

#include <fmt/format.h>

#include <bit>
#include <cstring>

namespace medallion::parquet {

static_assert(std::endian::native == std::endian::little,
              "BYTE_STREAM_SPLIT decoding assumes a little-endian host");

namespace {

util::Status split(const char* plain, size_t count, size_t width, char* out) {
  for (size_t i = 0; i < count; ++i) {
    for (size_t k = 0; k < width; ++k) out[k * count + i] = plain[i * width + k];
  }
  return util::Status::ok();
}

template <typename T>
util::Result<size_t> decode_typed(std::string_view data, size_t count, std::vector<T>* out,
                                  size_t base_offset) {
  std::string plain;
  MEDALLION_ASSIGN_OR_RETURN(const size_t consumed,
                             decode_byte_stream_split(data, count, sizeof(T), &plain, base_offset));
  const size_t at = out->size();
  out->resize(at + count);
  if (count > 0) std::memcpy(out->data() + at, plain.data(), count * sizeof(T));
  return consumed;
}

template <typename T>
void encode_typed(std::span<const T> values, std::string* out) {
  const size_t at = out->size();
  out->resize(at + values.size() * sizeof(T));
  if (values.empty()) return;
  (void)split(reinterpret_cast<const char*>(values.data()), values.size(), sizeof(T),
              out->data() + at);
}

}  // namespace

util::Result<size_t> decode_byte_stream_split(std::string_view data, size_t count, size_t width,
                                              std::string* out, size_t base_offset) {
  if (width == 0) {
    return util::Status::corruption(fmt::format(
        "parquet: BYTE_STREAM_SPLIT value width is 0 (offset {}): the schema is corrupt",
        base_offset));
  }
  if (count > data.size() / width) {
    return util::Status::corruption(fmt::format(
        "parquet: BYTE_STREAM_SPLIT needs {} values of {} bytes, {} bytes remain (offset {}): the "
        "page is truncated or its value count is wrong",
        count, width, data.size(), base_offset));
  }
  const size_t at = out->size();
  out->resize(at + count * width);
  char* dst = out->data() + at;
  for (size_t k = 0; k < width; ++k) {
    const char* stream = data.data() + k * count;
    for (size_t i = 0; i < count; ++i) dst[i * width + k] = stream[i];
  }
  return count * width;
}

util::Result<size_t> decode_byte_stream_split_float(std::string_view data, size_t count,
                                                    std::vector<float>* out, size_t base_offset) {
  return decode_typed(data, count, out, base_offset);
}
util::Result<size_t> decode_byte_stream_split_double(std::string_view data, size_t count,
                                                     std::vector<double>* out,
                                                     size_t base_offset) {
  return decode_typed(data, count, out, base_offset);
}
util::Result<size_t> decode_byte_stream_split_int32(std::string_view data, size_t count,
                                                    std::vector<int32_t>* out,
                                                    size_t base_offset) {
  return decode_typed(data, count, out, base_offset);
}
util::Result<size_t> decode_byte_stream_split_int64(std::string_view data, size_t count,
                                                    std::vector<int64_t>* out,
                                                    size_t base_offset) {
  return decode_typed(data, count, out, base_offset);
}

util::Status encode_byte_stream_split(std::string_view plain, size_t width, std::string* out) {
  if (width == 0 || plain.size() % width != 0) {
    return util::Status::invalid_argument(fmt::format(
        "parquet: BYTE_STREAM_SPLIT input of {} bytes is not a whole number of {}-byte values "
        "(encoder): pass complete values",
        plain.size(), width));
  }
  const size_t count = plain.size() / width;
  const size_t at = out->size();
  out->resize(at + plain.size());
  if (count == 0) return util::Status::ok();
  return split(plain.data(), count, width, out->data() + at);
}

void encode_byte_stream_split_float(std::span<const float> values, std::string* out) {
  encode_typed(values, out);
}
void encode_byte_stream_split_double(std::span<const double> values, std::string* out) {
  encode_typed(values, out);
}
void encode_byte_stream_split_int32(std::span<const int32_t> values, std::string* out) {
  encode_typed(values, out);
}
void encode_byte_stream_split_int64(std::span<const int64_t> values, std::string* out) {
  encode_typed(values, out);
}

}  // namespace medallion::parquet
