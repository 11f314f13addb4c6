// Parquet metadata: the footer (FileMetaData) and the page headers, as plain
// C++ values, with their compact-Thrift decoders and encoders.
//
// The structs mirror apache/parquet-format src/main/thrift/parquet.thrift
// field for field (only the fields medallion uses; see docs/parquet.md for
// the subset). Thrift `optional` fields are std::optional here; optional lists
// are std::optional<std::vector<...>> so that "absent" and "empty" stay
// distinct and a decode → encode → decode round trip is exact.
//
// Decoding rules:
//   - unknown fields are skipped (files from newer writers still open);
//   - a missing required field is corruption naming the struct and field;
//   - Type and FieldRepetitionType must hold a value the spec defines (the
//     layout of the data depends on them); the other enums keep any value so
//     that later layers can report "unsupported encoding 10" precisely;
//   - union members we do not know (LogicalType VARIANT, GEOMETRY, ...;
//     ColumnOrder beyond TYPE_ORDER ...) are kept by field id only, and
//     encoded back as an empty struct;
//   - sizes, counts and offsets that can never be negative are checked, and
//     the flattened schema must form exactly one tree (num_children).
//
// Thread safety: plain values; the functions are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace medallion::parquet {

// ------------------------------------------------------------------ enums --
// Numeric values are the spec's.

enum class Type : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

enum class ConvertedType : int32_t {
  kUtf8 = 0,
  kMap = 1,
  kMapKeyValue = 2,
  kList = 3,
  kEnum = 4,
  kDecimal = 5,
  kDate = 6,
  kTimeMillis = 7,
  kTimeMicros = 8,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kUint8 = 11,
  kUint16 = 12,
  kUint32 = 13,
  kUint64 = 14,
  kInt8 = 15,
  kInt16 = 16,
  kInt32 = 17,
  kInt64 = 18,
  kJson = 19,
  kBson = 20,
  kInterval = 21,
};

enum class FieldRepetitionType : int32_t {
  kRequired = 0,
  kOptional = 1,
  kRepeated = 2,
};

enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

enum class CompressionCodec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,
  kZstd = 6,
  kLz4Raw = 7,
};

enum class PageType : int32_t {
  kDataPage = 0,
  kIndexPage = 1,
  kDictionaryPage = 2,
  kDataPageV2 = 3,
};

// The spec's names ("INT32", "UTF8", "OPTIONAL", "RLE_DICTIONARY", "ZSTD",
// "DATA_PAGE_V2"); values outside the spec print as e.g. "Encoding(42)".
std::string type_name(Type v);
std::string converted_type_name(ConvertedType v);
std::string repetition_name(FieldRepetitionType v);
std::string encoding_name(Encoding v);
std::string codec_name(CompressionCodec v);
std::string page_type_name(PageType v);

// ------------------------------------------------------------ logical type --

// The member of the LogicalType union; values are the union's field ids.
// Any other id read from a file is kept as is (an unrecognized member).
enum class LogicalTypeKind : int16_t {
  kString = 1,
  kMap = 2,
  kList = 3,
  kEnum = 4,
  kDecimal = 5,
  kDate = 6,
  kTime = 7,
  kTimestamp = 8,
  kInteger = 10,
  kUnknown = 11,  // the spec's NullType: a column that only holds nulls
  kJson = 12,
  kBson = 13,
  kUuid = 14,
  kFloat16 = 15,
};

// "STRING", "DECIMAL", "UNKNOWN", ...; "LogicalType(16)" when unrecognized.
std::string logical_type_name(LogicalTypeKind kind);
bool is_recognized(LogicalTypeKind kind);

enum class TimeUnit : int16_t { kMillis = 1, kMicros = 2, kNanos = 3 };
std::string time_unit_name(TimeUnit unit);  // "MILLIS", "MICROS", "NANOS"

// One member of the union; only the parameters of `kind` are meaningful, the
// others stay at their defaults (so that == compares what matters).
struct LogicalType {
  LogicalTypeKind kind = LogicalTypeKind::kString;
  int32_t scale = 0;                  // kDecimal
  int32_t precision = 0;              // kDecimal
  bool is_adjusted_to_utc = false;    // kTime, kTimestamp
  TimeUnit unit = TimeUnit::kMillis;  // kTime, kTimestamp
  int8_t bit_width = 0;               // kInteger: 8, 16, 32 or 64
  bool is_signed = false;             // kInteger

  static LogicalType of(LogicalTypeKind kind) { return LogicalType{kind}; }
  static LogicalType decimal(int32_t scale, int32_t precision);
  static LogicalType time(bool is_adjusted_to_utc, TimeUnit unit);
  static LogicalType timestamp(bool is_adjusted_to_utc, TimeUnit unit);
  static LogicalType integer(int8_t bit_width, bool is_signed);

  bool operator==(const LogicalType&) const = default;
};

// ----------------------------------------------------------------- schema --

// One node of the schema tree, flattened depth-first into
// FileMetaData::schema; element 0 is the root. Groups have num_children and
// no type; leaves have a type and no num_children.
struct SchemaElement {
  std::optional<Type> type;
  std::optional<int32_t> type_length;                  // byte width of FIXED_LEN_BYTE_ARRAY
  std::optional<FieldRepetitionType> repetition_type;  // absent on the root
  std::string name;
  std::optional<int32_t> num_children;
  std::optional<ConvertedType> converted_type;
  std::optional<int32_t> scale;
  std::optional<int32_t> precision;
  std::optional<int32_t> field_id;
  std::optional<LogicalType> logical_type;

  bool operator==(const SchemaElement&) const = default;
};

struct KeyValue {
  std::string key;
  std::optional<std::string> value;
  bool operator==(const KeyValue&) const = default;
};

// ------------------------------------------------------------- statistics --

// Min/max are PLAIN-encoded values without a length prefix. `max`/`min` are
// the deprecated signed-order pair; `max_value`/`min_value` follow the
// column's ColumnOrder.
struct Statistics {
  std::optional<std::string> max;
  std::optional<std::string> min;
  std::optional<int64_t> null_count;
  std::optional<int64_t> distinct_count;
  std::optional<std::string> max_value;
  std::optional<std::string> min_value;
  std::optional<bool> is_max_value_exact;
  std::optional<bool> is_min_value_exact;
  bool operator==(const Statistics&) const = default;
};

struct PageEncodingStats {
  PageType page_type = PageType::kDataPage;
  Encoding encoding = Encoding::kPlain;
  int32_t count = 0;
  bool operator==(const PageEncodingStats&) const = default;
};

// --------------------------------------------------------- row group level --

struct ColumnMetaData {
  Type type = Type::kBoolean;
  std::vector<Encoding> encodings;
  std::vector<std::string> path_in_schema;
  CompressionCodec codec = CompressionCodec::kUncompressed;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;  // pages including their headers
  int64_t total_compressed_size = 0;    // pages including their headers
  std::optional<std::vector<KeyValue>> key_value_metadata;
  int64_t data_page_offset = 0;
  std::optional<int64_t> index_page_offset;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;
  std::optional<std::vector<PageEncodingStats>> encoding_stats;
  std::optional<int64_t> bloom_filter_offset;
  std::optional<int32_t> bloom_filter_length;
  bool operator==(const ColumnMetaData&) const = default;
};

struct ColumnChunk {
  std::optional<std::string> file_path;  // set only in summary (_metadata) files
  int64_t file_offset = 0;               // deprecated; writers put 0
  std::optional<ColumnMetaData> meta_data;
  std::optional<int64_t> offset_index_offset;
  std::optional<int32_t> offset_index_length;
  std::optional<int64_t> column_index_offset;
  std::optional<int32_t> column_index_length;
  bool operator==(const ColumnChunk&) const = default;
};

struct SortingColumn {
  int32_t column_idx = 0;
  bool descending = false;
  bool nulls_first = false;
  bool operator==(const SortingColumn&) const = default;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;  // one per leaf, in schema order
  int64_t total_byte_size = 0;
  int64_t num_rows = 0;
  std::optional<std::vector<SortingColumn>> sorting_columns;
  std::optional<int64_t> file_offset;
  std::optional<int64_t> total_compressed_size;
  std::optional<int16_t> ordinal;
  bool operator==(const RowGroup&) const = default;
};

// The member of the ColumnOrder union (its field id); other ids are kept.
enum class ColumnOrder : int16_t {
  kTypeDefinedOrder = 1,
  kIeee754TotalOrder = 2,
  kInt96TimestampOrder = 3,
};

// ------------------------------------------------------------ file footer --

struct FileMetaData {
  int32_t version = 1;
  std::vector<SchemaElement> schema;
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::optional<std::vector<KeyValue>> key_value_metadata;
  std::optional<std::string> created_by;
  std::optional<std::vector<ColumnOrder>> column_orders;  // one per leaf
  bool operator==(const FileMetaData&) const = default;
};

// ----------------------------------------------------------- page headers --

struct DataPageHeader {
  int32_t num_values = 0;  // including nulls
  Encoding encoding = Encoding::kPlain;
  Encoding definition_level_encoding = Encoding::kRle;
  Encoding repetition_level_encoding = Encoding::kRle;
  std::optional<Statistics> statistics;
  bool operator==(const DataPageHeader&) const = default;
};

struct IndexPageHeader {
  bool operator==(const IndexPageHeader&) const = default;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  std::optional<bool> is_sorted;
  bool operator==(const DictionaryPageHeader&) const = default;
};

struct DataPageHeaderV2 {
  int32_t num_values = 0;  // including nulls
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  Encoding encoding = Encoding::kPlain;
  int32_t definition_levels_byte_length = 0;  // uncompressed, before the values
  int32_t repetition_levels_byte_length = 0;  // uncompressed, first in the page
  std::optional<bool> is_compressed;          // absent means true
  std::optional<Statistics> statistics;
  bool operator==(const DataPageHeaderV2&) const = default;
};

struct PageHeader {
  PageType type = PageType::kDataPage;
  int32_t uncompressed_page_size = 0;  // excluding this header
  int32_t compressed_page_size = 0;    // excluding this header
  std::optional<int32_t> crc;          // CRC-32 of the page bytes after the header
  std::optional<DataPageHeader> data_page_header;
  std::optional<IndexPageHeader> index_page_header;
  std::optional<DictionaryPageHeader> dictionary_page_header;
  std::optional<DataPageHeaderV2> data_page_header_v2;
  bool operator==(const PageHeader&) const = default;
};

// -------------------------------------------------------------- functions --

// Decodes a FileMetaData from exactly the footer's metadata bytes (bytes after
// the struct's stop field are ignored). `base_offset` is where `bytes` starts
// in the file; it only appears in error messages.
util::Result<FileMetaData> decode_file_metadata(std::string_view bytes, uint64_t base_offset = 0);
std::string encode_file_metadata(const FileMetaData& metadata);

// Decodes the PageHeader at the start of `bytes` (which may continue with the
// page's data) and stores the header's encoded length in *header_size.
util::Result<PageHeader> decode_page_header(std::string_view bytes, size_t* header_size,
                                            uint64_t base_offset = 0);
std::string encode_page_header(const PageHeader& header);

}  // namespace medallion::parquet
