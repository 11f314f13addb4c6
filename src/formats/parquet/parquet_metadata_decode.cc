// Compact Thrift → FileMetaData / PageHeader. Field ids and required-ness
// follow parquet.thrift; the rules are listed in parquet_metadata.h.
#include <fmt/format.h>

#include <initializer_list>
#include <type_traits>

#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/thrift_compact.h"

namespace medallion::parquet {

namespace {

using util::Result;
using util::Status;

template <typename T>
constexpr CompactType wire_type() {
  if constexpr (std::is_same_v<T, ColumnOrder>) {
    return CompactType::kStruct;  // an enum to us, a union on the wire
  } else if constexpr (std::is_same_v<T, bool>) {
    return CompactType::kBoolFalse;
  } else if constexpr (std::is_same_v<T, int8_t>) {
    return CompactType::kI8;
  } else if constexpr (std::is_same_v<T, int16_t>) {
    return CompactType::kI16;
  } else if constexpr (std::is_same_v<T, int32_t> || std::is_enum_v<T>) {
    return CompactType::kI32;
  } else if constexpr (std::is_same_v<T, int64_t>) {
    return CompactType::kI64;
  } else if constexpr (std::is_same_v<T, std::string>) {
    return CompactType::kBinary;
  } else {
    return CompactType::kStruct;
  }
}

bool same_wire_type(CompactType a, CompactType b) {
  if (is_bool_type(a) && is_bool_type(b)) return true;
  auto is_list = [](CompactType t) { return t == CompactType::kList || t == CompactType::kSet; };
  if (is_list(a) && is_list(b)) return true;
  return a == b;
}

// Which required fields of one struct were read; bit i is the i-th name in
// the list given to read_struct.
class Required {
 public:
  // Marks field `index` as seen if `st` is OK; passes `st` on.
  Status mark(int index, Status st) {
    if (st.is_ok()) seen_ |= 1u << index;
    return st;
  }
  bool has(int index) const { return (seen_ >> index) & 1u; }

 private:
  uint32_t seen_ = 0;
};

class MetadataDecoder {
 public:
  MetadataDecoder(std::string_view bytes, uint64_t base_offset) : r_(bytes, base_offset) {}

  size_t position() const { return r_.position(); }

  Status read_value(FileMetaData* v);
  Status read_value(PageHeader* v);

 private:
  // ---- struct plumbing

  // Reads one struct: `on_field(header, required)` decodes each field (or
  // skips it); afterwards every name in `required` must have been marked.
  template <typename OnField>
  Status read_struct(std::string_view struct_name, std::initializer_list<std::string_view> required,
                     OnField on_field) {
    const size_t start = r_.position();
    Required seen;
    MEDALLION_RETURN_IF_ERROR(r_.struct_begin());
    for (;;) {
      MEDALLION_ASSIGN_OR_RETURN(FieldHeader f, r_.read_field_header());
      if (f.is_stop()) break;
      MEDALLION_RETURN_IF_ERROR(on_field(f, seen));
    }
    MEDALLION_RETURN_IF_ERROR(r_.struct_end());
    int index = 0;
    for (std::string_view name : required) {
      if (!seen.has(index++)) {
        return struct_error(start, fmt::format("missing required field {}.{}", struct_name, name));
      }
    }
    return Status::ok();
  }

  // Reads a union: `on_member(header)` decodes its one member.
  template <typename OnMember>
  Status read_union(std::string_view union_name, OnMember on_member) {
    const size_t start = r_.position();
    bool have_member = false;
    MEDALLION_RETURN_IF_ERROR(r_.struct_begin());
    for (;;) {
      MEDALLION_ASSIGN_OR_RETURN(FieldHeader f, r_.read_field_header());
      if (f.is_stop()) break;
      if (have_member) {
        return struct_error(start, fmt::format("{} union has more than one member", union_name));
      }
      have_member = true;
      MEDALLION_RETURN_IF_ERROR(on_member(f));
    }
    MEDALLION_RETURN_IF_ERROR(r_.struct_end());
    if (!have_member) return struct_error(start, fmt::format("{} union has no member", union_name));
    return Status::ok();
  }

  Status expect(const FieldHeader& f, CompactType type, std::string_view name) {
    r_.set_context(name);
    if (same_wire_type(f.type, type)) return Status::ok();
    return r_.error(fmt::format("{} has wire type {}, expected {}", name, compact_type_name(f.type),
                                compact_type_name(type)));
  }

  Status skip_unknown(const FieldHeader& f, std::string_view struct_name) {
    r_.set_context(struct_name);
    return r_.skip(f.type);
  }

  // An error about a whole struct, reported at its first byte.
  Status struct_error(size_t struct_start, std::string_view what) {
    r_.set_context({});
    return r_.error_at(struct_start, what);
  }

  // A well-formed value that the format forbids (a negative size, ...).
  Status invalid(size_t at, std::string_view what) {
    return Status::corruption(fmt::format("parquet: {} (offset {})", what, r_.base_offset() + at));
  }

  Status non_negative(int64_t v, size_t at, std::string_view name) {
    if (v >= 0) return Status::ok();
    return invalid(at, fmt::format("{} is negative ({})", name, v));
  }

  // ---- fields: check the wire type, then read the value

  template <typename T>
  Status field(const FieldHeader& f, std::string_view name, T* out) {
    MEDALLION_RETURN_IF_ERROR(expect(f, wire_type<T>(), name));
    return read_value(out);
  }

  template <typename T>
  Status field(const FieldHeader& f, std::string_view name, std::optional<T>* out) {
    T v{};
    MEDALLION_RETURN_IF_ERROR(field(f, name, &v));
    *out = std::move(v);
    return Status::ok();
  }

  template <typename T>
  Status field(const FieldHeader& f, std::string_view name, std::vector<T>* out) {
    MEDALLION_RETURN_IF_ERROR(expect(f, CompactType::kList, name));
    const size_t at = r_.position();
    MEDALLION_ASSIGN_OR_RETURN(ListHeader list, r_.read_list_header());
    if (!same_wire_type(list.element_type, wire_type<T>())) {
      return r_.error_at(
          at, fmt::format("{} holds elements of {}, expected {}", name,
                          compact_type_name(list.element_type), compact_type_name(wire_type<T>())));
    }
    out->clear();
    out->reserve(list.size);  // bounded by the remaining bytes (read_list_header)
    for (uint32_t i = 0; i < list.size; ++i) {
      out->emplace_back();
      MEDALLION_RETURN_IF_ERROR(read_value(&out->back()));
      r_.set_context(name);
    }
    return Status::ok();
  }

  // ---- scalars

  template <typename T>
  static Status assign(T* out, Result<T> r) {
    if (!r.is_ok()) return r.status();
    *out = *r;
    return Status::ok();
  }
  Status read_value(bool* v) { return assign(v, r_.read_bool()); }
  Status read_value(int8_t* v) { return assign(v, r_.read_i8()); }
  Status read_value(int16_t* v) { return assign(v, r_.read_i16()); }
  Status read_value(int32_t* v) { return assign(v, r_.read_i32()); }
  Status read_value(int64_t* v) { return assign(v, r_.read_i64()); }
  Status read_value(std::string* v) {
    MEDALLION_ASSIGN_OR_RETURN(std::string_view s, r_.read_binary());
    v->assign(s);
    return Status::ok();
  }

  // Open enums keep any value; Type and FieldRepetitionType must be defined.
  template <typename E>
  Status read_enum(E* v) {
    MEDALLION_ASSIGN_OR_RETURN(int32_t raw, r_.read_i32());
    *v = static_cast<E>(raw);
    return Status::ok();
  }
  Status read_value(Encoding* v) { return read_enum(v); }
  Status read_value(CompressionCodec* v) { return read_enum(v); }
  Status read_value(PageType* v) { return read_enum(v); }
  Status read_value(ConvertedType* v) { return read_enum(v); }
  Status read_value(Type* v);
  Status read_value(FieldRepetitionType* v);

  // ---- structs (one function per struct, in parquet.thrift's order)
  Status read_value(SchemaElement* v);
  Status read_value(LogicalType* v);
  Status read_time_fields(LogicalType* v, std::string_view struct_name);
  Status read_time_unit(TimeUnit* v);
  Status read_empty_struct(std::string_view name);
  Status read_value(Statistics* v);
  Status read_value(DataPageHeader* v);
  Status read_value(IndexPageHeader* v);
  Status read_value(DictionaryPageHeader* v);
  Status read_value(DataPageHeaderV2* v);
  Status read_value(KeyValue* v);
  Status read_value(SortingColumn* v);
  Status read_value(PageEncodingStats* v);
  Status read_value(ColumnMetaData* v);
  Status read_value(ColumnChunk* v);
  Status read_value(RowGroup* v);
  Status read_value(ColumnOrder* v);
  Status check_schema_tree(const std::vector<SchemaElement>& schema, size_t at);

  CompactReader r_;
};

// -------------------------------------------------------------- enums --

Status MetadataDecoder::read_value(Type* v) {
  const size_t at = r_.position();
  MEDALLION_ASSIGN_OR_RETURN(int32_t raw, r_.read_i32());
  if (raw < 0 || raw > static_cast<int32_t>(Type::kFixedLenByteArray)) {
    return r_.error_at(at, fmt::format("physical type {} is not a Parquet type (0..7)", raw));
  }
  *v = static_cast<Type>(raw);
  return Status::ok();
}

Status MetadataDecoder::read_value(FieldRepetitionType* v) {
  const size_t at = r_.position();
  MEDALLION_ASSIGN_OR_RETURN(int32_t raw, r_.read_i32());
  if (raw == 3) {
    return Status::unsupported(
        fmt::format("parquet: repetition type VECTOR (offset {}): medallion reads REQUIRED, "
                    "OPTIONAL and REPEATED fields only",
                    r_.base_offset() + at));
  }
  if (raw < 0 || raw > 2) {
    return r_.error_at(at,
                       fmt::format("repetition type {} is not a Parquet repetition (0..2)", raw));
  }
  *v = static_cast<FieldRepetitionType>(raw);
  return Status::ok();
}

// ------------------------------------------------------------- schema --

Status MetadataDecoder::read_value(SchemaElement* v) {
  return read_struct("SchemaElement", {"name"}, [&](const FieldHeader& f, Required& req) {
    switch (f.id) {
      case 1:
        return field(f, "SchemaElement.type", &v->type);
      case 2:
        return field(f, "SchemaElement.type_length", &v->type_length);
      case 3:
        return field(f, "SchemaElement.repetition_type", &v->repetition_type);
      case 4:
        return req.mark(0, field(f, "SchemaElement.name", &v->name));
      case 5:
        return field(f, "SchemaElement.num_children", &v->num_children);
      case 6:
        return field(f, "SchemaElement.converted_type", &v->converted_type);
      case 7:
        return field(f, "SchemaElement.scale", &v->scale);
      case 8:
        return field(f, "SchemaElement.precision", &v->precision);
      case 9:
        return field(f, "SchemaElement.field_id", &v->field_id);
      case 10:
        return field(f, "SchemaElement.logicalType", &v->logical_type);
      default:
        return skip_unknown(f, "SchemaElement");
    }
  });
}

Status MetadataDecoder::read_value(LogicalType* v) {
  return read_union("LogicalType", [&](const FieldHeader& f) -> Status {
    *v = LogicalType{static_cast<LogicalTypeKind>(f.id)};
    switch (static_cast<LogicalTypeKind>(f.id)) {
      case LogicalTypeKind::kDecimal:
        MEDALLION_RETURN_IF_ERROR(expect(f, CompactType::kStruct, "LogicalType.DECIMAL"));
        return read_struct(
            "DecimalType", {"scale", "precision"}, [&](const FieldHeader& g, Required& req) {
              switch (g.id) {
                case 1:
                  return req.mark(0, field(g, "DecimalType.scale", &v->scale));
                case 2:
                  return req.mark(1, field(g, "DecimalType.precision", &v->precision));
                default:
                  return skip_unknown(g, "DecimalType");
              }
            });
      case LogicalTypeKind::kTime:
        MEDALLION_RETURN_IF_ERROR(expect(f, CompactType::kStruct, "LogicalType.TIME"));
        return read_time_fields(v, "TimeType");
      case LogicalTypeKind::kTimestamp:
        MEDALLION_RETURN_IF_ERROR(expect(f, CompactType::kStruct, "LogicalType.TIMESTAMP"));
        return read_time_fields(v, "TimestampType");
      case LogicalTypeKind::kInteger:
        MEDALLION_RETURN_IF_ERROR(expect(f, CompactType::kStruct, "LogicalType.INTEGER"));
        return read_struct("IntType", {"bitWidth", "isSigned"},
                           [&](const FieldHeader& g, Required& req) {
                             switch (g.id) {
                               case 1:
                                 return req.mark(0, field(g, "IntType.bitWidth", &v->bit_width));
                               case 2:
                                 return req.mark(1, field(g, "IntType.isSigned", &v->is_signed));
                               default:
                                 return skip_unknown(g, "IntType");
                             }
                           });
      case LogicalTypeKind::kString:
      case LogicalTypeKind::kMap:
      case LogicalTypeKind::kList:
      case LogicalTypeKind::kEnum:
      case LogicalTypeKind::kDate:
      case LogicalTypeKind::kUnknown:
      case LogicalTypeKind::kJson:
      case LogicalTypeKind::kBson:
      case LogicalTypeKind::kUuid:
      case LogicalTypeKind::kFloat16:
        MEDALLION_RETURN_IF_ERROR(expect(f, CompactType::kStruct, "LogicalType"));
        return read_empty_struct("LogicalType");
    }
    return skip_unknown(f, "LogicalType");  // a newer member: kept by id, contents skipped
  });
}

// TimeType and TimestampType share their fields: isAdjustedToUTC and unit.
Status MetadataDecoder::read_time_fields(LogicalType* v, std::string_view struct_name) {
  const bool is_time = struct_name == "TimeType";
  return read_struct(
      struct_name, {"isAdjustedToUTC", "unit"}, [&](const FieldHeader& g, Required& req) -> Status {
        switch (g.id) {
          case 1:
            return req.mark(
                0, field(g, is_time ? "TimeType.isAdjustedToUTC" : "TimestampType.isAdjustedToUTC",
                         &v->is_adjusted_to_utc));
          case 2:
            MEDALLION_RETURN_IF_ERROR(
                expect(g, CompactType::kStruct, is_time ? "TimeType.unit" : "TimestampType.unit"));
            return req.mark(1, read_time_unit(&v->unit));
          default:
            return skip_unknown(g, struct_name);
        }
      });
}

Status MetadataDecoder::read_time_unit(TimeUnit* v) {
  const size_t start = r_.position();
  return read_union("TimeUnit", [&](const FieldHeader& f) -> Status {
    if (f.id < 1 || f.id > 3) {
      return struct_error(
          start, fmt::format("TimeUnit union member {} is not MILLIS, MICROS or NANOS", f.id));
    }
    *v = static_cast<TimeUnit>(f.id);
    MEDALLION_RETURN_IF_ERROR(expect(f, CompactType::kStruct, "TimeUnit"));
    return read_empty_struct("TimeUnit");
  });
}

Status MetadataDecoder::read_empty_struct(std::string_view name) {
  // Fields that a newer spec adds to an empty struct are skipped like any.
  r_.set_context(name);
  return r_.skip(CompactType::kStruct);
}

// ------------------------------------------------- statistics and pages --

Status MetadataDecoder::read_value(Statistics* v) {
  return read_struct("Statistics", {}, [&](const FieldHeader& f, Required&) {
    switch (f.id) {
      case 1:
        return field(f, "Statistics.max", &v->max);
      case 2:
        return field(f, "Statistics.min", &v->min);
      case 3:
        return field(f, "Statistics.null_count", &v->null_count);
      case 4:
        return field(f, "Statistics.distinct_count", &v->distinct_count);
      case 5:
        return field(f, "Statistics.max_value", &v->max_value);
      case 6:
        return field(f, "Statistics.min_value", &v->min_value);
      case 7:
        return field(f, "Statistics.is_max_value_exact", &v->is_max_value_exact);
      case 8:
        return field(f, "Statistics.is_min_value_exact", &v->is_min_value_exact);
      default:
        return skip_unknown(f, "Statistics");
    }
  });
}

Status MetadataDecoder::read_value(DataPageHeader* v) {
  const size_t start = r_.position();
  MEDALLION_RETURN_IF_ERROR(read_struct(
      "DataPageHeader",
      {"num_values", "encoding", "definition_level_encoding", "repetition_level_encoding"},
      [&](const FieldHeader& f, Required& req) {
        switch (f.id) {
          case 1:
            return req.mark(0, field(f, "DataPageHeader.num_values", &v->num_values));
          case 2:
            return req.mark(1, field(f, "DataPageHeader.encoding", &v->encoding));
          case 3:
            return req.mark(2, field(f, "DataPageHeader.definition_level_encoding",
                                     &v->definition_level_encoding));
          case 4:
            return req.mark(3, field(f, "DataPageHeader.repetition_level_encoding",
                                     &v->repetition_level_encoding));
          case 5:
            return field(f, "DataPageHeader.statistics", &v->statistics);
          default:
            return skip_unknown(f, "DataPageHeader");
        }
      }));
  return non_negative(v->num_values, start, "DataPageHeader.num_values");
}

Status MetadataDecoder::read_value(IndexPageHeader*) {
  return read_empty_struct("IndexPageHeader");
}

Status MetadataDecoder::read_value(DictionaryPageHeader* v) {
  const size_t start = r_.position();
  MEDALLION_RETURN_IF_ERROR(read_struct(
      "DictionaryPageHeader", {"num_values", "encoding"}, [&](const FieldHeader& f, Required& req) {
        switch (f.id) {
          case 1:
            return req.mark(0, field(f, "DictionaryPageHeader.num_values", &v->num_values));
          case 2:
            return req.mark(1, field(f, "DictionaryPageHeader.encoding", &v->encoding));
          case 3:
            return field(f, "DictionaryPageHeader.is_sorted", &v->is_sorted);
          default:
            return skip_unknown(f, "DictionaryPageHeader");
        }
      }));
  return non_negative(v->num_values, start, "DictionaryPageHeader.num_values");
}

Status MetadataDecoder::read_value(DataPageHeaderV2* v) {
  const size_t start = r_.position();
  MEDALLION_RETURN_IF_ERROR(read_struct(
      "DataPageHeaderV2",
      {"num_values", "num_nulls", "num_rows", "encoding", "definition_levels_byte_length",
       "repetition_levels_byte_length"},
      [&](const FieldHeader& f, Required& req) {
        switch (f.id) {
          case 1:
            return req.mark(0, field(f, "DataPageHeaderV2.num_values", &v->num_values));
          case 2:
            return req.mark(1, field(f, "DataPageHeaderV2.num_nulls", &v->num_nulls));
          case 3:
            return req.mark(2, field(f, "DataPageHeaderV2.num_rows", &v->num_rows));
          case 4:
            return req.mark(3, field(f, "DataPageHeaderV2.encoding", &v->encoding));
          case 5:
            return req.mark(4, field(f, "DataPageHeaderV2.definition_levels_byte_length",
                                     &v->definition_levels_byte_length));
          case 6:
            return req.mark(5, field(f, "DataPageHeaderV2.repetition_levels_byte_length",
                                     &v->repetition_levels_byte_length));
          case 7:
            return field(f, "DataPageHeaderV2.is_compressed", &v->is_compressed);
          case 8:
            return field(f, "DataPageHeaderV2.statistics", &v->statistics);
          default:
            return skip_unknown(f, "DataPageHeaderV2");
        }
      }));
  MEDALLION_RETURN_IF_ERROR(non_negative(v->num_values, start, "DataPageHeaderV2.num_values"));
  MEDALLION_RETURN_IF_ERROR(non_negative(v->num_nulls, start, "DataPageHeaderV2.num_nulls"));
  MEDALLION_RETURN_IF_ERROR(non_negative(v->num_rows, start, "DataPageHeaderV2.num_rows"));
  MEDALLION_RETURN_IF_ERROR(non_negative(v->definition_levels_byte_length, start,
                                         "DataPageHeaderV2.definition_levels_byte_length"));
  return non_negative(v->repetition_levels_byte_length, start,
                      "DataPageHeaderV2.repetition_levels_byte_length");
}

Status MetadataDecoder::read_value(PageHeader* v) {
  const size_t start = r_.position();
  MEDALLION_RETURN_IF_ERROR(read_struct(
      "PageHeader", {"type", "uncompressed_page_size", "compressed_page_size"},
      [&](const FieldHeader& f, Required& req) {
        switch (f.id) {
          case 1:
            return req.mark(0, field(f, "PageHeader.type", &v->type));
          case 2:
            return req.mark(
                1, field(f, "PageHeader.uncompressed_page_size", &v->uncompressed_page_size));
          case 3:
            return req.mark(2,
                            field(f, "PageHeader.compressed_page_size", &v->compressed_page_size));
          case 4:
            return field(f, "PageHeader.crc", &v->crc);
          case 5:
            return field(f, "PageHeader.data_page_header", &v->data_page_header);
          case 6:
            return field(f, "PageHeader.index_page_header", &v->index_page_header);
          case 7:
            return field(f, "PageHeader.dictionary_page_header", &v->dictionary_page_header);
          case 8:
            return field(f, "PageHeader.data_page_header_v2", &v->data_page_header_v2);
          default:
            return skip_unknown(f, "PageHeader");
        }
      }));
  MEDALLION_RETURN_IF_ERROR(
      non_negative(v->uncompressed_page_size, start, "PageHeader.uncompressed_page_size"));
  MEDALLION_RETURN_IF_ERROR(
      non_negative(v->compressed_page_size, start, "PageHeader.compressed_page_size"));
  const char* missing_sub_header =
      v->type == PageType::kDataPage && !v->data_page_header ? "data_page_header"
      : v->type == PageType::kDictionaryPage && !v->dictionary_page_header
          ? "dictionary_page_header"
      : v->type == PageType::kDataPageV2 && !v->data_page_header_v2 ? "data_page_header_v2"
                                                                    : nullptr;
  if (missing_sub_header != nullptr) {
    return invalid(start, fmt::format("PageHeader of type {} has no {}", page_type_name(v->type),
                                      missing_sub_header));
  }
  return Status::ok();
}

// ------------------------------------------------- column chunks, footer --

Status MetadataDecoder::read_value(KeyValue* v) {
  return read_struct("KeyValue", {"key"}, [&](const FieldHeader& f, Required& req) {
    switch (f.id) {
      case 1:
        return req.mark(0, field(f, "KeyValue.key", &v->key));
      case 2:
        return field(f, "KeyValue.value", &v->value);
      default:
        return skip_unknown(f, "KeyValue");
    }
  });
}

Status MetadataDecoder::read_value(SortingColumn* v) {
  return read_struct("SortingColumn", {"column_idx", "descending", "nulls_first"},
                     [&](const FieldHeader& f, Required& req) {
                       switch (f.id) {
                         case 1:
                           return req.mark(0, field(f, "SortingColumn.column_idx", &v->column_idx));
                         case 2:
                           return req.mark(1, field(f, "SortingColumn.descending", &v->descending));
                         case 3:
                           return req.mark(2,
                                           field(f, "SortingColumn.nulls_first", &v->nulls_first));
                         default:
                           return skip_unknown(f, "SortingColumn");
                       }
                     });
}

Status MetadataDecoder::read_value(PageEncodingStats* v) {
  return read_struct("PageEncodingStats", {"page_type", "encoding", "count"},
                     [&](const FieldHeader& f, Required& req) {
                       switch (f.id) {
                         case 1:
                           return req.mark(0,
                                           field(f, "PageEncodingStats.page_type", &v->page_type));
                         case 2:
                           return req.mark(1, field(f, "PageEncodingStats.encoding", &v->encoding));
                         case 3:
                           return req.mark(2, field(f, "PageEncodingStats.count", &v->count));
                         default:
                           return skip_unknown(f, "PageEncodingStats");
                       }
                     });
}

Status MetadataDecoder::read_value(ColumnMetaData* v) {
  const size_t start = r_.position();
  MEDALLION_RETURN_IF_ERROR(read_struct(
      "ColumnMetaData",
      {"type", "encodings", "path_in_schema", "codec", "num_values", "total_uncompressed_size",
       "total_compressed_size", "data_page_offset"},
      [&](const FieldHeader& f, Required& req) {
        switch (f.id) {
          case 1:
            return req.mark(0, field(f, "ColumnMetaData.type", &v->type));
          case 2:
            return req.mark(1, field(f, "ColumnMetaData.encodings", &v->encodings));
          case 3:
            return req.mark(2, field(f, "ColumnMetaData.path_in_schema", &v->path_in_schema));
          case 4:
            return req.mark(3, field(f, "ColumnMetaData.codec", &v->codec));
          case 5:
            return req.mark(4, field(f, "ColumnMetaData.num_values", &v->num_values));
          case 6:
            return req.mark(
                5, field(f, "ColumnMetaData.total_uncompressed_size", &v->total_uncompressed_size));
          case 7:
            return req.mark(
                6, field(f, "ColumnMetaData.total_compressed_size", &v->total_compressed_size));
          case 8:
            return field(f, "ColumnMetaData.key_value_metadata", &v->key_value_metadata);
          case 9:
            return req.mark(7, field(f, "ColumnMetaData.data_page_offset", &v->data_page_offset));
          case 10:
            return field(f, "ColumnMetaData.index_page_offset", &v->index_page_offset);
          case 11:
            return field(f, "ColumnMetaData.dictionary_page_offset", &v->dictionary_page_offset);
          case 12:
            return field(f, "ColumnMetaData.statistics", &v->statistics);
          case 13:
            return field(f, "ColumnMetaData.encoding_stats", &v->encoding_stats);
          case 14:
            return field(f, "ColumnMetaData.bloom_filter_offset", &v->bloom_filter_offset);
          case 15:
            return field(f, "ColumnMetaData.bloom_filter_length", &v->bloom_filter_length);
          default:
            return skip_unknown(f, "ColumnMetaData");
        }
      }));
  MEDALLION_RETURN_IF_ERROR(non_negative(v->num_values, start, "ColumnMetaData.num_values"));
  MEDALLION_RETURN_IF_ERROR(
      non_negative(v->total_uncompressed_size, start, "ColumnMetaData.total_uncompressed_size"));
  MEDALLION_RETURN_IF_ERROR(
      non_negative(v->total_compressed_size, start, "ColumnMetaData.total_compressed_size"));
  MEDALLION_RETURN_IF_ERROR(
      non_negative(v->data_page_offset, start, "ColumnMetaData.data_page_offset"));
  return non_negative(v->dictionary_page_offset.value_or(0), start,
                      "ColumnMetaData.dictionary_page_offset");
}

Status MetadataDecoder::read_value(ColumnChunk* v) {
  return read_struct("ColumnChunk", {"file_offset"}, [&](const FieldHeader& f, Required& req) {
    switch (f.id) {
      case 1:
        return field(f, "ColumnChunk.file_path", &v->file_path);
      case 2:
        return req.mark(0, field(f, "ColumnChunk.file_offset", &v->file_offset));
      case 3:
        return field(f, "ColumnChunk.meta_data", &v->meta_data);
      case 4:
        return field(f, "ColumnChunk.offset_index_offset", &v->offset_index_offset);
      case 5:
        return field(f, "ColumnChunk.offset_index_length", &v->offset_index_length);
      case 6:
        return field(f, "ColumnChunk.column_index_offset", &v->column_index_offset);
      case 7:
        return field(f, "ColumnChunk.column_index_length", &v->column_index_length);
      default:
        return skip_unknown(f, "ColumnChunk");
    }
  });
}

Status MetadataDecoder::read_value(RowGroup* v) {
  const size_t start = r_.position();
  MEDALLION_RETURN_IF_ERROR(read_struct(
      "RowGroup", {"columns", "total_byte_size", "num_rows"},
      [&](const FieldHeader& f, Required& req) {
        switch (f.id) {
          case 1:
            return req.mark(0, field(f, "RowGroup.columns", &v->columns));
          case 2:
            return req.mark(1, field(f, "RowGroup.total_byte_size", &v->total_byte_size));
          case 3:
            return req.mark(2, field(f, "RowGroup.num_rows", &v->num_rows));
          case 4:
            return field(f, "RowGroup.sorting_columns", &v->sorting_columns);
          case 5:
            return field(f, "RowGroup.file_offset", &v->file_offset);
          case 6:
            return field(f, "RowGroup.total_compressed_size", &v->total_compressed_size);
          case 7:
            return field(f, "RowGroup.ordinal", &v->ordinal);
          default:
            return skip_unknown(f, "RowGroup");
        }
      }));
  return non_negative(v->num_rows, start, "RowGroup.num_rows");
}

Status MetadataDecoder::read_value(ColumnOrder* v) {
  return read_union("ColumnOrder", [&](const FieldHeader& f) {
    // Every member so far is an empty struct; newer ones are skipped whole.
    *v = static_cast<ColumnOrder>(f.id);
    return skip_unknown(f, "ColumnOrder");
  });
}

Status MetadataDecoder::read_value(FileMetaData* v) {
  const size_t start = r_.position();
  MEDALLION_RETURN_IF_ERROR(
      read_struct("FileMetaData", {"version", "schema", "num_rows", "row_groups"},
                  [&](const FieldHeader& f, Required& req) {
                    switch (f.id) {
                      case 1:
                        return req.mark(0, field(f, "FileMetaData.version", &v->version));
                      case 2:
                        return req.mark(1, field(f, "FileMetaData.schema", &v->schema));
                      case 3:
                        return req.mark(2, field(f, "FileMetaData.num_rows", &v->num_rows));
                      case 4:
                        return req.mark(3, field(f, "FileMetaData.row_groups", &v->row_groups));
                      case 5:
                        return field(f, "FileMetaData.key_value_metadata", &v->key_value_metadata);
                      case 6:
                        return field(f, "FileMetaData.created_by", &v->created_by);
                      case 7:
                        return field(f, "FileMetaData.column_orders", &v->column_orders);
                      default:
                        return skip_unknown(f, "FileMetaData");
                    }
                  }));
  MEDALLION_RETURN_IF_ERROR(non_negative(v->num_rows, start, "FileMetaData.num_rows"));
  return check_schema_tree(v->schema, start);
}

// The flattened schema must be exactly one tree: every group's num_children
// elements follow it (depth-first), and nothing follows the root's tree.
// Iterative, so that a hostile depth cannot exhaust the stack.
Status MetadataDecoder::check_schema_tree(const std::vector<SchemaElement>& schema, size_t at) {
  if (schema.empty()) return invalid(at, "FileMetaData.schema is empty (it needs a root)");
  struct Open {
    size_t index;
    int64_t children_left;
  };
  std::vector<Open> open;
  size_t next = 0;
  auto enter = [&](size_t index) -> Status {
    const auto& e = schema[index];
    if (e.num_children && *e.num_children < 0) {
      return invalid(at, fmt::format("schema element {} ('{}') has num_children {}", index, e.name,
                                     *e.num_children));
    }
    if (e.num_children.value_or(0) > 0) open.push_back({index, *e.num_children});
    return Status::ok();
  };
  MEDALLION_RETURN_IF_ERROR(enter(next++));
  while (!open.empty()) {
    if (open.back().children_left == 0) {
      open.pop_back();
      continue;
    }
    if (next == schema.size()) {
      const auto& parent = schema[open.back().index];
      return invalid(at, fmt::format("schema element {} ('{}') declares {} children but the schema "
                                     "list ends {} short",
                                     open.back().index, parent.name, *parent.num_children,
                                     open.back().children_left));
    }
    --open.back().children_left;
    MEDALLION_RETURN_IF_ERROR(enter(next++));
  }
  if (next != schema.size()) {
    return invalid(at, fmt::format("schema list has {} elements but the root's tree holds only {}",
                                   schema.size(), next));
  }
  return Status::ok();
}

}  // namespace

util::Result<FileMetaData> decode_file_metadata(std::string_view bytes, uint64_t base_offset) {
  MetadataDecoder decoder(bytes, base_offset);
  FileMetaData metadata;
  MEDALLION_RETURN_IF_ERROR(decoder.read_value(&metadata));
  return metadata;
}

util::Result<PageHeader> decode_page_header(std::string_view bytes, size_t* header_size,
                                            uint64_t base_offset) {
  MetadataDecoder decoder(bytes, base_offset);
  PageHeader header;
  MEDALLION_RETURN_IF_ERROR(decoder.read_value(&header));
  if (header_size != nullptr) *header_size = decoder.position();
  return header;
}

}  // namespace medallion::parquet
