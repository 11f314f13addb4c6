// Fuzzes the Parquet value decoders (RLE/bit-packed hybrid, PLAIN, the delta
// encodings, BYTE_STREAM_SPLIT) with arbitrary bytes. Byte 0 picks the
// decoder, byte 1 its parameter (bit width, value width), byte 2 the value
// count (see below); the rest is the page. Every input must end in values or
// a clean error, and whatever decodes must survive encode → decode unchanged.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "formats/parquet/byte_stream_split.h"
#include "formats/parquet/delta_encoding.h"
#include "formats/parquet/plain_encoding.h"
#include "formats/parquet/rle_hybrid.h"

namespace {

using namespace medallion::parquet;

constexpr size_t kMaxValues = 1 << 16;

void check(bool ok) {
  if (!ok) std::abort();
}

void fuzz_rle(std::string_view data, int width, size_t count, bool prefixed) {
  size_t consumed = 0;
  auto dec = prefixed ? RleHybridDecoder::make_with_length_prefix(data, width, 0, &consumed)
                      : RleHybridDecoder::make(data, width);
  if (!dec.is_ok()) return;
  std::vector<uint32_t> values(count);
  if (!dec->decode(values.data(), count).is_ok()) return;
  check(dec->position() <= data.size());
  RleHybridEncoder enc(width);
  enc.put(values);
  const std::string again = enc.finish();
  auto dec2 = RleHybridDecoder::make(again, width);
  check(dec2.is_ok());
  std::vector<uint32_t> values2(count);
  check(dec2->decode(values2.data(), count).is_ok());
  check(values2 == values);
}

template <typename T, typename Decode, typename Encode>
void fuzz_dbp(std::string_view data, size_t max_values, Decode decode, Encode encode) {
  std::vector<T> values;
  auto used = decode(data, max_values, &values, 0);
  if (!used.is_ok()) return;
  check(*used <= data.size() && values.size() <= max_values);
  std::string again;
  encode(values, &again);
  std::vector<T> values2;
  check(decode(again, max_values, &values2, 0).is_ok());
  check(values2 == values);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* raw, size_t size) {
  if (size < 3) return 0;
  const std::string_view data(reinterpret_cast<const char*>(raw) + 3, size - 3);
  const uint8_t param = raw[1];
  // Counts 0..199 as they are; 200..255 reach up to kMaxValues in steps of 1200.
  const size_t count = raw[2] < 200 ? raw[2] : (static_cast<size_t>(raw[2]) - 199) * 1200 % kMaxValues;
  switch (raw[0] % 12) {
    case 0:
      fuzz_rle(data, param % 34, count, false);
      break;
    case 1:
      fuzz_rle(data, param % 34, count, true);
      break;
    case 2: {
      std::vector<uint8_t> b;
      if (decode_plain_boolean(data, count, &b).is_ok()) {
        std::string again;
        encode_plain_boolean(b, &again);
        std::vector<uint8_t> b2;
        check(decode_plain_boolean(again, count, &b2).is_ok() && b2 == b);
      }
      std::vector<int32_t> i32;
      (void)decode_plain_int32(data, count, &i32);
      std::vector<int64_t> i64;
      (void)decode_plain_int64(data, count, &i64);
      std::vector<Int96> i96;
      (void)decode_plain_int96(data, count, &i96);
      break;
    }
    case 3: {
      std::vector<std::string_view> views;
      if (decode_plain_byte_array_views(data, count, &views).is_ok()) {
        std::string again;
        check(encode_plain_byte_array(views, &again).is_ok());
        std::vector<std::string_view> views2;
        check(decode_plain_byte_array_views(again, count, &views2).is_ok() && views2 == views);
      }
      ByteArrays arrays;
      (void)decode_plain_byte_array(data, count, &arrays);
      break;
    }
    case 4: {
      std::vector<std::string_view> views;
      (void)decode_plain_fixed_len_byte_array_views(data, count, param, &views);
      ByteArrays arrays;
      (void)decode_plain_fixed_len_byte_array(data, count, param, &arrays);
      break;
    }
    case 5:
      fuzz_dbp<int32_t>(data, count, decode_delta_binary_packed_int32,
                        [](const std::vector<int32_t>& v, std::string* out) {
                          encode_delta_binary_packed_int32(v, out);
                        });
      break;
    case 6:
      fuzz_dbp<int64_t>(data, count, decode_delta_binary_packed_int64,
                        [](const std::vector<int64_t>& v, std::string* out) {
                          encode_delta_binary_packed_int64(v, out);
                        });
      break;
    case 7: {
      std::vector<std::string_view> views;
      if (decode_delta_length_byte_array(data, count, &views).is_ok()) {
        std::string again;
        check(encode_delta_length_byte_array(views, &again).is_ok());
        std::vector<std::string_view> views2;
        check(decode_delta_length_byte_array(again, count, &views2).is_ok() && views2 == views);
      }
      break;
    }
    case 8: {
      ByteArrays arrays;
      if (decode_delta_byte_array(data, count, &arrays, 0, size_t{1} << 24).is_ok()) {
        std::vector<std::string_view> views;
        for (size_t i = 0; i < arrays.size(); ++i) views.push_back(arrays.value(i));
        std::string again;
        check(encode_delta_byte_array(views, &again).is_ok());
        ByteArrays arrays2;
        check(decode_delta_byte_array(again, count, &arrays2, 0, size_t{1} << 24).is_ok());
        check(arrays2.offsets == arrays.offsets && arrays2.data == arrays.data);
      }
      break;
    }
    case 9: {
      std::string plain;
      if (decode_byte_stream_split(data, count, param, &plain).is_ok()) {
        std::string again;
        check(encode_byte_stream_split(plain, param, &again).is_ok());
        check(again == data.substr(0, again.size()));
      }
      break;
    }
    case 10: {
      std::vector<float> f;
      (void)decode_byte_stream_split_float(data, count, &f);
      std::vector<double> d;
      (void)decode_byte_stream_split_double(data, count, &d);
      break;
    }
    default: {
      std::vector<int32_t> i32;
      (void)decode_byte_stream_split_int32(data, count, &i32);
      std::vector<int64_t> i64;
      (void)decode_byte_stream_split_int64(data, count, &i64);
      break;
    }
  }
  return 0;
}
