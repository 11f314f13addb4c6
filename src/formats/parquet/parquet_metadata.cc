// Names of the metadata enums and the LogicalType constructors. The decoder
// and encoder live in parquet_metadata_decode.cc / parquet_metadata_encode.cc.
#include "formats/parquet/parquet_metadata.h"

#include <fmt/format.h>

#include <array>

namespace medallion::parquet {

namespace {

// Looks `v` up in a table indexed by the enum's value; "<Enum>(<v>)" when
// the value has no name.
template <size_t N>
std::string name_of(const std::array<const char*, N>& names, int64_t v, const char* enum_name) {
  if (v >= 0 && static_cast<size_t>(v) < N && names[static_cast<size_t>(v)] != nullptr) {
    return names[static_cast<size_t>(v)];
  }
  return fmt::format("{}({})", enum_name, v);
}

}  // namespace

std::string type_name(Type v) {
  static constexpr std::array<const char*, 8> kNames = {
      "BOOLEAN", "INT32",  "INT64",      "INT96",
      "FLOAT",   "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
  return name_of(kNames, static_cast<int64_t>(v), "Type");
}

std::string converted_type_name(ConvertedType v) {
  static constexpr std::array<const char*, 22> kNames = {"UTF8",
                                                         "MAP",
                                                         "MAP_KEY_VALUE",
                                                         "LIST",
                                                         "ENUM",
                                                         "DECIMAL",
                                                         "DATE",
                                                         "TIME_MILLIS",
                                                         "TIME_MICROS",
                                                         "TIMESTAMP_MILLIS",
                                                         "TIMESTAMP_MICROS",
                                                         "UINT_8",
                                                         "UINT_16",
                                                         "UINT_32",
                                                         "UINT_64",
                                                         "INT_8",
                                                         "INT_16",
                                                         "INT_32",
                                                         "INT_64",
                                                         "JSON",
                                                         "BSON",
                                                         "INTERVAL"};
  return name_of(kNames, static_cast<int64_t>(v), "ConvertedType");
}

std::string repetition_name(FieldRepetitionType v) {
  static constexpr std::array<const char*, 3> kNames = {"REQUIRED", "OPTIONAL", "REPEATED"};
  return name_of(kNames, static_cast<int64_t>(v), "FieldRepetitionType");
}

std::string encoding_name(Encoding v) {
  static constexpr std::array<const char*, 10> kNames = {
      "PLAIN",          "GROUP_VAR_INT",       "PLAIN_DICTIONARY",        "RLE",
      "BIT_PACKED",     "DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY",
      "RLE_DICTIONARY", "BYTE_STREAM_SPLIT"};
  return name_of(kNames, static_cast<int64_t>(v), "Encoding");
}

std::string codec_name(CompressionCodec v) {
  static constexpr std::array<const char*, 8> kNames = {
      "UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"};
  return name_of(kNames, static_cast<int64_t>(v), "CompressionCodec");
}

std::string page_type_name(PageType v) {
  static constexpr std::array<const char*, 4> kNames = {"DATA_PAGE", "INDEX_PAGE",
                                                        "DICTIONARY_PAGE", "DATA_PAGE_V2"};
  return name_of(kNames, static_cast<int64_t>(v), "PageType");
}

std::string logical_type_name(LogicalTypeKind kind) {
  static constexpr std::array<const char*, 16> kNames = {
      nullptr,     "STRING", "MAP",     "LIST",    "ENUM", "DECIMAL", "DATE", "TIME",
      "TIMESTAMP", nullptr,  "INTEGER", "UNKNOWN", "JSON", "BSON",    "UUID", "FLOAT16"};
  return name_of(kNames, static_cast<int64_t>(kind), "LogicalType");
}

bool is_recognized(LogicalTypeKind kind) {
  const auto id = static_cast<int16_t>(kind);
  return id >= 1 && id <= 15 && id != 9;
}

std::string time_unit_name(TimeUnit unit) {
  static constexpr std::array<const char*, 4> kNames = {nullptr, "MILLIS", "MICROS", "NANOS"};
  return name_of(kNames, static_cast<int64_t>(unit), "TimeUnit");
}

LogicalType LogicalType::decimal(int32_t scale, int32_t precision) {
  LogicalType t{LogicalTypeKind::kDecimal};
  t.scale = scale;
  t.precision = precision;
  return t;
}

LogicalType LogicalType::time(bool is_adjusted_to_utc, TimeUnit unit) {
  LogicalType t{LogicalTypeKind::kTime};
  t.is_adjusted_to_utc = is_adjusted_to_utc;
  t.unit = unit;
  return t;
}

LogicalType LogicalType::timestamp(bool is_adjusted_to_utc, TimeUnit unit) {
  LogicalType t{LogicalTypeKind::kTimestamp};
  t.is_adjusted_to_utc = is_adjusted_to_utc;
  t.unit = unit;
  return t;
}

LogicalType LogicalType::integer(int8_t bit_width, bool is_signed) {
  LogicalType t{LogicalTypeKind::kInteger};
  t.bit_width = bit_width;
  t.is_signed = is_signed;
  return t;
}

}  // namespace medallion::parquet
