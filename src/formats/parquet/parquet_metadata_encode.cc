// FileMetaData / PageHeader → compact Thrift, fields in ascending id order
// (so that every field header takes the one-byte short form where possible).
#include <type_traits>

#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/thrift_compact.h"

namespace medallion::parquet {

namespace {

// The metadata structs that MetadataEncoder::write_struct encodes.
template <typename T>
inline constexpr bool kIsStruct =
    std::is_same_v<T, FileMetaData> || std::is_same_v<T, SchemaElement> ||
    std::is_same_v<T, LogicalType> || std::is_same_v<T, ColumnOrder> ||
    std::is_same_v<T, KeyValue> || std::is_same_v<T, Statistics> ||
    std::is_same_v<T, PageEncodingStats> || std::is_same_v<T, ColumnMetaData> ||
    std::is_same_v<T, ColumnChunk> || std::is_same_v<T, SortingColumn> ||
    std::is_same_v<T, RowGroup> || std::is_same_v<T, PageHeader> ||
    std::is_same_v<T, DataPageHeader> || std::is_same_v<T, DictionaryPageHeader> ||
    std::is_same_v<T, DataPageHeaderV2>;

class MetadataEncoder {
 public:
  std::string release() { return w_.release(); }

  // ---- scalars and optionals as fields
  void field(int16_t id, bool v) { w_.field_bool(id, v); }
  void field(int16_t id, int8_t v) {
    w_.field_begin(CompactType::kI8, id);
    w_.write_i8(v);
  }
  void field(int16_t id, int16_t v) {
    w_.field_begin(CompactType::kI16, id);
    w_.write_i16(v);
  }
  void field(int16_t id, int32_t v) {
    w_.field_begin(CompactType::kI32, id);
    w_.write_i32(v);
  }
  void field(int16_t id, int64_t v) {
    w_.field_begin(CompactType::kI64, id);
    w_.write_i64(v);
  }
  template <typename E>
  requires(std::is_enum_v<E> && !kIsStruct<E>) void field(int16_t id, E v) {
    field(id, static_cast<int32_t>(v));
  }
  void field(int16_t id, const std::string& v) {
    w_.field_begin(CompactType::kBinary, id);
    w_.write_binary(v);
  }
  template <typename T>
  void field(int16_t id, const std::optional<T>& v) {
    if (v) field(id, *v);
  }
  template <typename T>
  void field(int16_t id, const std::vector<T>& v) {
    w_.field_begin(CompactType::kList, id);
    w_.list_begin(element_type<T>(), static_cast<uint32_t>(v.size()));
    for (const T& e : v) element(e);
  }
  template <typename T>
  requires kIsStruct<T>
  void field(int16_t id, const T& v) {
    w_.field_begin(CompactType::kStruct, id);
    write_struct(v);
  }

  // ---- list elements
  template <typename T>
  static constexpr CompactType element_type() {
    if constexpr (kIsStruct<T>) {
      return CompactType::kStruct;
    } else if constexpr (std::is_enum_v<T>) {
      return CompactType::kI32;
    } else if constexpr (std::is_same_v<T, std::string>) {
      return CompactType::kBinary;
    } else {
      return CompactType::kStruct;
    }
  }
  template <typename E>
  requires(std::is_enum_v<E> && !kIsStruct<E>) void element(E v) {
    w_.write_i32(static_cast<int32_t>(v));
  }
  void element(const std::string& v) { w_.write_binary(v); }
  template <typename T>
  requires kIsStruct<T>
  void element(const T& v) { write_struct(v); }

  // A struct with no fields (empty union members, IndexPageHeader).
  void empty_struct_field(int16_t id) {
    w_.field_begin(CompactType::kStruct, id);
    w_.struct_begin();
    w_.struct_end();
  }

  // ---- structs
  void write_struct(const FileMetaData& v) {
    w_.struct_begin();
    field(1, v.version);
    field(2, v.schema);
    field(3, v.num_rows);
    field(4, v.row_groups);
    field(5, v.key_value_metadata);
    field(6, v.created_by);
    field(7, v.column_orders);
    w_.struct_end();
  }

  void write_struct(const SchemaElement& v) {
    w_.struct_begin();
    field(1, v.type);
    field(2, v.type_length);
    field(3, v.repetition_type);
    field(4, v.name);
    field(5, v.num_children);
    field(6, v.converted_type);
    field(7, v.scale);
    field(8, v.precision);
    field(9, v.field_id);
    field(10, v.logical_type);
    w_.struct_end();
  }

  void write_struct(const LogicalType& v) {
    w_.struct_begin();
    const auto id = static_cast<int16_t>(v.kind);
    switch (v.kind) {
      case LogicalTypeKind::kDecimal:
        w_.field_begin(CompactType::kStruct, id);
        w_.struct_begin();
        field(1, v.scale);
        field(2, v.precision);
        w_.struct_end();
        break;
      case LogicalTypeKind::kTime:
      case LogicalTypeKind::kTimestamp:
        w_.field_begin(CompactType::kStruct, id);
        w_.struct_begin();
        field(1, v.is_adjusted_to_utc);
        w_.field_begin(CompactType::kStruct, 2);
        w_.struct_begin();  // TimeUnit union
        empty_struct_field(static_cast<int16_t>(v.unit));
        w_.struct_end();
        w_.struct_end();
        break;
      case LogicalTypeKind::kInteger:
        w_.field_begin(CompactType::kStruct, id);
        w_.struct_begin();
        field(1, v.bit_width);
        field(2, v.is_signed);
        w_.struct_end();
        break;
      default:  // empty structs, and unrecognized members kept by id
        empty_struct_field(id);
        break;
    }
    w_.struct_end();
  }

  void write_struct(const ColumnOrder& v) {
    w_.struct_begin();
    empty_struct_field(static_cast<int16_t>(v));
    w_.struct_end();
  }

  void write_struct(const KeyValue& v) {
    w_.struct_begin();
    field(1, v.key);
    field(2, v.value);
    w_.struct_end();
  }

  void write_struct(const Statistics& v) {
    w_.struct_begin();
    field(1, v.max);
    field(2, v.min);
    field(3, v.null_count);
    field(4, v.distinct_count);
    field(5, v.max_value);
    field(6, v.min_value);
    field(7, v.is_max_value_exact);
    field(8, v.is_min_value_exact);
    w_.struct_end();
  }

  void write_struct(const PageEncodingStats& v) {
    w_.struct_begin();
    field(1, v.page_type);
    field(2, v.encoding);
    field(3, v.count);
    w_.struct_end();
  }

  void write_struct(const ColumnMetaData& v) {
    w_.struct_begin();
    field(1, v.type);
    field(2, v.encodings);
    field(3, v.path_in_schema);
    field(4, v.codec);
    field(5, v.num_values);
    field(6, v.total_uncompressed_size);
    field(7, v.total_compressed_size);
    field(8, v.key_value_metadata);
    field(9, v.data_page_offset);
    field(10, v.index_page_offset);
    field(11, v.dictionary_page_offset);
    field(12, v.statistics);
    field(13, v.encoding_stats);
    field(14, v.bloom_filter_offset);
    field(15, v.bloom_filter_length);
    w_.struct_end();
  }

  void write_struct(const ColumnChunk& v) {
    w_.struct_begin();
    field(1, v.file_path);
    field(2, v.file_offset);
    field(3, v.meta_data);
    field(4, v.offset_index_offset);
    field(5, v.offset_index_length);
    field(6, v.column_index_offset);
    field(7, v.column_index_length);
    w_.struct_end();
  }

  void write_struct(const SortingColumn& v) {
    w_.struct_begin();
    field(1, v.column_idx);
    field(2, v.descending);
    field(3, v.nulls_first);
    w_.struct_end();
  }

  void write_struct(const RowGroup& v) {
    w_.struct_begin();
    field(1, v.columns);
    field(2, v.total_byte_size);
    field(3, v.num_rows);
    field(4, v.sorting_columns);
    field(5, v.file_offset);
    field(6, v.total_compressed_size);
    field(7, v.ordinal);
    w_.struct_end();
  }

  void write_struct(const PageHeader& v) {
    w_.struct_begin();
    field(1, v.type);
    field(2, v.uncompressed_page_size);
    field(3, v.compressed_page_size);
    field(4, v.crc);
    field(5, v.data_page_header);
    if (v.index_page_header) empty_struct_field(6);
    field(7, v.dictionary_page_header);
    field(8, v.data_page_header_v2);
    w_.struct_end();
  }

  void write_struct(const DataPageHeader& v) {
    w_.struct_begin();
    field(1, v.num_values);
    field(2, v.encoding);
    field(3, v.definition_level_encoding);
    field(4, v.repetition_level_encoding);
    field(5, v.statistics);
    w_.struct_end();
  }

  void write_struct(const DictionaryPageHeader& v) {
    w_.struct_begin();
    field(1, v.num_values);
    field(2, v.encoding);
    field(3, v.is_sorted);
    w_.struct_end();
  }

  void write_struct(const DataPageHeaderV2& v) {
    w_.struct_begin();
    field(1, v.num_values);
    field(2, v.num_nulls);
    field(3, v.num_rows);
    field(4, v.encoding);
    field(5, v.definition_levels_byte_length);
    field(6, v.repetition_levels_byte_length);
    field(7, v.is_compressed);
    field(8, v.statistics);
    w_.struct_end();
  }

 private:
  CompactWriter w_;
};

}  // namespace

std::string encode_file_metadata(const FileMetaData& metadata) {
  MetadataEncoder encoder;
  encoder.write_struct(metadata);
  return encoder.release();
}

std::string encode_page_header(const PageHeader& header) {
  MetadataEncoder encoder;
  encoder.write_struct(header);
  return encoder.release();
}

}  // namespace medallion::parquet
