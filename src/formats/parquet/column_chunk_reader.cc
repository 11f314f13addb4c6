#include "formats/parquet/column_chunk_reader.h"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "formats/parquet/byte_stream_split.h"
#include "formats/parquet/delta_encoding.h"
#include "formats/parquet/page_compression.h"
#include "formats/parquet/parquet_format.h"
#include "formats/parquet/plain_encoding.h"
#include "formats/parquet/rle_hybrid.h"

namespace medallion::parquet {
namespace {

using util::Result;
using util::Status;

// Bytes of padding after a BYTE_ARRAY dictionary's values: gather() copies a
// value of at most this many bytes as one block of this size.
constexpr size_t kDictionarySlack = 64;

class ChunkDecoder {
 public:
  ChunkDecoder(const ColumnDescriptor& column, const ColumnMetaData& meta,
               const ColumnChunkReadOptions& options, const std::string& path)
      : column_(column), meta_(meta), options_(options), path_(path) {
    out_.values = LeafValues(column.physical_type);
  }

  Result<ColumnChunkData> run(std::string_view bytes, uint64_t range_offset) {
    const uint64_t expected = static_cast<uint64_t>(meta_.num_values);
    size_t pos = 0;
    while (out_.num_levels < expected) {
      page_offset_ = range_offset + pos;
      if (pos >= bytes.size()) {
        return corrupt(fmt::format("the column chunk ends after {} of its {} values",
                                   out_.num_levels, expected));
      }
      size_t header_size = 0;
      auto header = decode_page_header(bytes.substr(pos), &header_size, page_offset_);
      if (!header.is_ok()) {
        std::string_view why = header.status().message();
        if (why.starts_with("parquet: ")) why.remove_prefix(9);
        return corrupt(fmt::format("unreadable page header: {}", why));
      }
      pos += header_size;
      const PageHeader& h = *header;
      if (h.compressed_page_size < 0 || static_cast<uint64_t>(h.compressed_page_size) > bytes.size() - pos) {
        return corrupt(fmt::format("compressed_page_size {} runs past the column chunk ({} bytes left)",
                                   h.compressed_page_size, bytes.size() - pos));
      }
      if (h.uncompressed_page_size < 0 || static_cast<uint64_t>(h.uncompressed_page_size) > kMaxPageBytes) {
        return corrupt(fmt::format("uncompressed_page_size {} is out of range (0..{})",
                                   h.uncompressed_page_size, kMaxPageBytes));
      }
      const std::string_view page = bytes.substr(pos, static_cast<size_t>(h.compressed_page_size));
      pos += page.size();
      if (h.crc && options_.verify_checksums) MEDALLION_RETURN_IF_ERROR(check_crc(*h.crc, page));
      switch (h.type) {
        case PageType::kDictionaryPage:
          MEDALLION_RETURN_IF_ERROR(read_dictionary_page(h, page));
          break;
        case PageType::kDataPage:
          MEDALLION_RETURN_IF_ERROR(read_data_page_v1(h, page));
          break;
        case PageType::kDataPageV2:
          MEDALLION_RETURN_IF_ERROR(read_data_page_v2(h, page));
          break;
        default:
          break;  // index pages and page types from the future carry no values
      }
    }
    return std::move(out_);
  }

 private:
  Status corrupt(std::string_view what) const {
    return Status::corruption(fmt::format("parquet: {} ({}, column {}, page at offset {}): the file is corrupt",
                                          what, path_, column_.dotted_path(), page_offset_));
  }

  Status check_crc(int32_t stored, std::string_view page) const {
    const uint32_t actual = static_cast<uint32_t>(
        crc32(0L, reinterpret_cast<const Bytef*>(page.data()), static_cast<uInt>(page.size())));
    if (actual == static_cast<uint32_t>(stored)) return Status::ok();
    return corrupt(fmt::format("page checksum mismatch (stored CRC-32 {:08x}, computed {:08x})",
                               static_cast<uint32_t>(stored), actual));
  }

  // The page's bytes after decompression (a view of the page itself when
  // the chunk is uncompressed).
  Result<std::string_view> decompress(std::string_view page, int32_t uncompressed_size) {
    if (meta_.codec == CompressionCodec::kUncompressed) return page;
    const size_t size = static_cast<size_t>(uncompressed_size);
    Status st = decompress_page_into(meta_.codec, page, size, &page_buffer_);
    if (!st.is_ok()) return corrupt(st.message());
    return std::string_view(page_buffer_.data(), size);
  }

  Status read_dictionary_page(const PageHeader& h, std::string_view page) {
    if (!h.dictionary_page_header) return corrupt("a DICTIONARY_PAGE without its dictionary_page_header");
    if (has_dictionary_ || out_.num_levels > 0) {
      return corrupt("a dictionary page that is not the first page of its column chunk");
    }
    const DictionaryPageHeader& d = *h.dictionary_page_header;
    if (d.encoding != Encoding::kPlain && d.encoding != Encoding::kPlainDictionary) {
      return corrupt(fmt::format("dictionary page encoding {}", encoding_name(d.encoding)));
    }
    if (d.num_values < 0) return corrupt(fmt::format("dictionary num_values {}", d.num_values));
    MEDALLION_ASSIGN_OR_RETURN(std::string_view data, decompress(page, h.uncompressed_page_size));
    dictionary_ = LeafValues(column_.physical_type);
    MEDALLION_RETURN_IF_ERROR(
        decode_plain_into(data, static_cast<size_t>(d.num_values), &dictionary_));
    // Padding for gather(), past the last value (the dictionary is private).
    dictionary_.bytes.data.append(kDictionarySlack, '\0');
    has_dictionary_ = true;
    return Status::ok();
  }

  Status check_page_values(int32_t num_values) const {
    const uint64_t left = static_cast<uint64_t>(meta_.num_values) - out_.num_levels;
    if (num_values < 0 || num_values > kMaxPageValues || static_cast<uint64_t>(num_values) > left) {
      return corrupt(fmt::format("page num_values {} is out of range (the column chunk has {} left)",
                                 num_values, left));
    }
    return Status::ok();
  }

  Status read_data_page_v1(const PageHeader& h, std::string_view page) {
    if (!h.data_page_header) return corrupt("a DATA_PAGE without its data_page_header");
    const DataPageHeader& d = *h.data_page_header;
    MEDALLION_RETURN_IF_ERROR(check_page_values(d.num_values));
    const size_t n = static_cast<size_t>(d.num_values);
    MEDALLION_ASSIGN_OR_RETURN(std::string_view data, decompress(page, h.uncompressed_page_size));
    size_t pos = 0;
    if (column_.max_rep_level > 0) {
      MEDALLION_RETURN_IF_ERROR(decode_levels_v1(d.repetition_level_encoding, data, &pos, n,
                                                 column_.max_rep_level, &out_.rep_levels, "repetition"));
    }
    if (column_.max_def_level > 0) {
      MEDALLION_RETURN_IF_ERROR(decode_levels_v1(d.definition_level_encoding, data, &pos, n,
                                                 column_.max_def_level, &out_.def_levels, "definition"));
    }
    return finish_page(d.encoding, data.substr(pos), pos, n);
  }

  Status read_data_page_v2(const PageHeader& h, std::string_view page) {
    if (!h.data_page_header_v2) return corrupt("a DATA_PAGE_V2 without its data_page_header_v2");
    const DataPageHeaderV2& d = *h.data_page_header_v2;
    MEDALLION_RETURN_IF_ERROR(check_page_values(d.num_values));
    const size_t n = static_cast<size_t>(d.num_values);
    const int64_t rep_bytes = d.repetition_levels_byte_length;
    const int64_t def_bytes = d.definition_levels_byte_length;
    if (rep_bytes < 0 || def_bytes < 0 || rep_bytes + def_bytes > static_cast<int64_t>(page.size()) ||
        rep_bytes + def_bytes > h.uncompressed_page_size) {
      return corrupt(fmt::format("level byte lengths {} + {} exceed the page ({} bytes)", rep_bytes,
                                 def_bytes, page.size()));
    }
    const std::string_view rep = page.substr(0, static_cast<size_t>(rep_bytes));
    const std::string_view def = page.substr(static_cast<size_t>(rep_bytes), static_cast<size_t>(def_bytes));
    if (column_.max_rep_level > 0) {
      MEDALLION_RETURN_IF_ERROR(decode_rle_levels(rep, 0, n, column_.max_rep_level, &out_.rep_levels, "repetition"));
    }
    if (column_.max_def_level > 0) {
      MEDALLION_RETURN_IF_ERROR(decode_rle_levels(def, static_cast<size_t>(rep_bytes), n,
                                                  column_.max_def_level, &out_.def_levels, "definition"));
    }
    const size_t levels = static_cast<size_t>(rep_bytes + def_bytes);
    std::string_view values = page.substr(levels);
    if (d.is_compressed.value_or(true)) {
      MEDALLION_ASSIGN_OR_RETURN(values, decompress(values, h.uncompressed_page_size - static_cast<int32_t>(levels)));
    }
    return finish_page(d.encoding, values, levels, n);
  }

  // Decodes the values of a page whose n levels were just appended.
  Status finish_page(Encoding encoding, std::string_view values, size_t base, size_t n) {
    // The page's definition levels were counted as they were checked.
    const size_t non_null = column_.max_def_level > 0 ? page_defined_ : n;
    const size_t before = out_.values.size();
    MEDALLION_RETURN_IF_ERROR(decode_values(encoding, values, base, non_null));
    if (out_.values.size() - before != non_null) {
      return corrupt(fmt::format("{} values decoded where the levels call for {}",
                                 out_.values.size() - before, non_null));
    }
    out_.num_levels += n;
    return Status::ok();
  }

  Status decode_levels_v1(Encoding encoding, std::string_view data, size_t* pos, size_t n,
                          int16_t max_level, std::vector<int16_t>* out, std::string_view what) {
    const int width = bit_width_for(static_cast<uint64_t>(max_level));
    if (out == &out_.def_levels) page_defined_ = 0;
    if (encoding == Encoding::kRle) {
      size_t consumed = 0;
      auto decoder = RleHybridDecoder::make_with_length_prefix(data.substr(*pos), width, *pos, &consumed);
      if (!decoder.is_ok()) return corrupt(fmt::format("{} levels: {}", what, decoder.status().message()));
      MEDALLION_RETURN_IF_ERROR(append_levels(*decoder, n, max_level, out, what));
      *pos += consumed;
      return Status::ok();
    }
    if (encoding == Encoding::kBitPacked) {
      // Deprecated: MSB-first packing, no length prefix.
      const uint64_t bytes = (static_cast<uint64_t>(n) * static_cast<uint64_t>(width) + 7) / 8;
      if (bytes > data.size() - *pos) return corrupt(fmt::format("{} levels run past the page", what));
      const auto* p = reinterpret_cast<const uint8_t*>(data.data() + *pos);
      const size_t start = out->size();
      out->resize(start + n);
      for (size_t i = 0; i < n; ++i) {
        int v = 0;
        for (int b = 0; b < width; ++b) {
          const uint64_t bit = static_cast<uint64_t>(i) * static_cast<uint64_t>(width) + static_cast<uint64_t>(b);
          v = (v << 1) | ((p[bit / 8] >> (7 - bit % 8)) & 1);
        }
        if (v > max_level) return corrupt(fmt::format("{} level {} exceeds the maximum {}", what, v, max_level));
        (*out)[start + i] = static_cast<int16_t>(v);
        if (out == &out_.def_levels) page_defined_ += v == max_level;
      }
      *pos += static_cast<size_t>(bytes);
      return Status::ok();
    }
    return corrupt(fmt::format("{} level encoding {}", what, encoding_name(encoding)));
  }

  Status decode_rle_levels(std::string_view data, size_t base, size_t n, int16_t max_level,
                           std::vector<int16_t>* out, std::string_view what) {
    auto decoder = RleHybridDecoder::make(data, bit_width_for(static_cast<uint64_t>(max_level)), base);
    if (!decoder.is_ok()) return corrupt(fmt::format("{} levels: {}", what, decoder.status().message()));
    return append_levels(*decoder, n, max_level, out, what);
  }

  Status append_levels(RleHybridDecoder& decoder, size_t n, int16_t max_level,
                       std::vector<int16_t>* out, std::string_view what) {
    const size_t start = out->size();
    out->resize(start + n);
    Status st = decoder.decode(out->data() + start, n);
    if (!st.is_ok()) return corrupt(fmt::format("{} levels: {}", what, st.message()));
    // Levels have decoder.bit_width() bits: when max_level is the largest
    // value of that width none can exceed it. Otherwise the largest is found
    // by a loop without an early exit, and the culprit looked for only when
    // there is one.
    const int16_t* levels = out->data() + start;
    if (out == &out_.def_levels) {
      size_t at_max = 0;
      for (size_t i = 0; i < n; ++i) at_max += levels[i] == max_level;
      page_defined_ = at_max;
    }
    const uint32_t width_max = (uint32_t{1} << decoder.bit_width()) - 1;
    uint16_t largest = 0;
    if (width_max > static_cast<uint32_t>(max_level)) {
      for (size_t i = 0; i < n; ++i) largest = std::max(largest, static_cast<uint16_t>(levels[i]));
    }
    if (largest > static_cast<uint16_t>(max_level)) {
      for (size_t i = start; i < start + n; ++i) {
        if (static_cast<uint16_t>((*out)[i]) > static_cast<uint16_t>(max_level)) {
          return corrupt(fmt::format("{} level {} exceeds the maximum {}", what, (*out)[i], max_level));
        }
      }
    }
    return Status::ok();
  }

  Status decode_plain_into(std::string_view data, size_t count, LeafValues* out) {
    Result<size_t> r = size_t{0};
    switch (column_.physical_type) {
      case Type::kBoolean: r = decode_plain_boolean(data, count, &out->bools); break;
      case Type::kInt32: r = decode_plain_int32(data, count, &out->i32); break;
      case Type::kInt64: r = decode_plain_int64(data, count, &out->i64); break;
      case Type::kInt96: r = decode_plain_int96(data, count, &out->i96); break;
      case Type::kFloat: r = decode_plain_float(data, count, &out->f32); break;
      case Type::kDouble: r = decode_plain_double(data, count, &out->f64); break;
      case Type::kByteArray: r = decode_plain_byte_array(data, count, &out->bytes); break;
      case Type::kFixedLenByteArray:
        r = decode_plain_fixed_len_byte_array(data, count, static_cast<size_t>(column_.type_length), &out->bytes);
        break;
    }
    if (!r.is_ok()) return corrupt(r.status().message());
    return Status::ok();
  }

  Status decode_values(Encoding encoding, std::string_view data, size_t base, size_t count) {
    LeafValues& v = out_.values;
    const Type type = column_.physical_type;
    Result<size_t> r = size_t{0};
    switch (encoding) {
      case Encoding::kPlain:
        return decode_plain_into(data, count, &v);
      case Encoding::kPlainDictionary:
      case Encoding::kRleDictionary:
        return decode_dictionary_indices(data, base, count);
      case Encoding::kRle: {
        if (type != Type::kBoolean) break;
        size_t consumed = 0;
        auto decoder = RleHybridDecoder::make_with_length_prefix(data, 1, base, &consumed);
        if (!decoder.is_ok()) return corrupt(decoder.status().message());
        index_scratch_.resize(count);
        Status st = decoder->decode(index_scratch_.data(), count);
        if (!st.is_ok()) return corrupt(st.message());
        v.bools.insert(v.bools.end(), index_scratch_.begin(), index_scratch_.end());
        return Status::ok();
      }
      case Encoding::kDeltaBinaryPacked:
        if (type == Type::kInt32) r = decode_delta_binary_packed_int32(data, count, &v.i32, base);
        else if (type == Type::kInt64) r = decode_delta_binary_packed_int64(data, count, &v.i64, base);
        else break;
        if (!r.is_ok()) return corrupt(r.status().message());
        return Status::ok();
      case Encoding::kDeltaLengthByteArray: {
        if (type != Type::kByteArray) break;
        views_.clear();
        r = decode_delta_length_byte_array(data, count, &views_, base);
        if (!r.is_ok()) return corrupt(r.status().message());
        for (std::string_view s : views_) v.bytes.append(s);
        return Status::ok();
      }
      case Encoding::kDeltaByteArray: {
        if (type != Type::kByteArray && type != Type::kFixedLenByteArray) break;
        const size_t before = v.bytes.size();
        r = decode_delta_byte_array(data, count, &v.bytes, base);
        if (!r.is_ok()) return corrupt(r.status().message());
        if (type == Type::kFixedLenByteArray) {
          for (size_t i = before; i < v.bytes.size(); ++i) {
            if (v.bytes.value(i).size() != static_cast<size_t>(column_.type_length)) {
              return corrupt(fmt::format("a DELTA_BYTE_ARRAY value of {} bytes in a FIXED_LEN_BYTE_ARRAY({}) column",
                                         v.bytes.value(i).size(), column_.type_length));
            }
          }
        }
        return Status::ok();
      }
      case Encoding::kByteStreamSplit:
        switch (type) {
          case Type::kFloat: r = decode_byte_stream_split_float(data, count, &v.f32, base); break;
          case Type::kDouble: r = decode_byte_stream_split_double(data, count, &v.f64, base); break;
          case Type::kInt32: r = decode_byte_stream_split_int32(data, count, &v.i32, base); break;
          case Type::kInt64: r = decode_byte_stream_split_int64(data, count, &v.i64, base); break;
          case Type::kFixedLenByteArray: {
            std::string plain;
            const size_t width = static_cast<size_t>(column_.type_length);
            r = decode_byte_stream_split(data, count, width, &plain, base);
            if (r.is_ok()) {
              for (size_t i = 0; i < count; ++i) v.bytes.append(std::string_view(plain).substr(i * width, width));
            }
            break;
          }
          default:
            return unsupported_encoding(encoding);
        }
        if (!r.is_ok()) return corrupt(r.status().message());
        return Status::ok();
      default:
        break;
    }
    return unsupported_encoding(encoding);
  }

  Status unsupported_encoding(Encoding encoding) const {
    return Status::unsupported(fmt::format(
        "parquet: encoding {} is not supported for {} values ({}, column {}, page at offset {}): "
        "rewrite the file with PLAIN or dictionary encoding",
        encoding_name(encoding), type_name(column_.physical_type), path_, column_.dotted_path(),
        page_offset_));
  }

  Status decode_dictionary_indices(std::string_view data, size_t base, size_t count) {
    if (!has_dictionary_) return corrupt("dictionary-encoded values without a dictionary page");
    if (count == 0) return Status::ok();
    if (data.empty()) return corrupt("dictionary indices without their bit width");
    const int width = static_cast<uint8_t>(data[0]);
    auto decoder = RleHybridDecoder::make(data.substr(1), width, base + 1);
    if (!decoder.is_ok()) return corrupt(decoder.status().message());
    index_scratch_.resize(count);
    Status st = decoder->decode(index_scratch_.data(), count);
    if (!st.is_ok()) return corrupt(st.message());
    const size_t dict_size = dictionary_.size();
    for (uint32_t index : index_scratch_) {
      if (index >= dict_size) {
        return corrupt(fmt::format("dictionary index {} out of range (the dictionary has {} values)",
                                   index, dict_size));
      }
    }
    gather(index_scratch_, dictionary_, &out_.values);
    return Status::ok();
  }

  static void gather(const std::vector<uint32_t>& idx, const LeafValues& dict, LeafValues* out) {
    auto gather_vec = [&](const auto& from, auto& to) {
      const size_t start = to.size();
      to.resize(start + idx.size());
      for (size_t i = 0; i < idx.size(); ++i) to[start + i] = from[idx[i]];
    };
    switch (dict.type) {
      case Type::kBoolean: gather_vec(dict.bools, out->bools); break;
      case Type::kInt32: gather_vec(dict.i32, out->i32); break;
      case Type::kInt64: gather_vec(dict.i64, out->i64); break;
      case Type::kInt96: gather_vec(dict.i96, out->i96); break;
      case Type::kFloat: gather_vec(dict.f32, out->f32); break;
      case Type::kDouble: gather_vec(dict.f64, out->f64); break;
      case Type::kByteArray:
      case Type::kFixedLenByteArray: {
        // The offsets first, then the bytes copied into place; the
        // dictionary's data ends in kDictionarySlack padding bytes, so a
        // short value is copied as one fixed-size block.
        ByteArrays& to = out->bytes;
        const uint64_t* from_offsets = dict.bytes.offsets.data();
        const char* from = dict.bytes.data.data();
        const size_t offsets_at = to.offsets.size();
        const size_t data_at = to.data.size();
        to.offsets.resize(offsets_at + idx.size());
        uint64_t* offsets = to.offsets.data() + offsets_at;
        uint64_t end = data_at;
        for (size_t k = 0; k < idx.size(); ++k) {
          end += from_offsets[idx[k] + 1] - from_offsets[idx[k]];
          offsets[k] = end;
        }
        to.data.resize(static_cast<size_t>(end) + kDictionarySlack);
        char* dst = to.data.data() + data_at;
        for (uint32_t i : idx) {
          const size_t length = static_cast<size_t>(from_offsets[i + 1] - from_offsets[i]);
          if (length <= kDictionarySlack) {
            std::memcpy(dst, from + from_offsets[i], kDictionarySlack);
          } else {
            std::memcpy(dst, from + from_offsets[i], length);
          }
          dst += length;
        }
        to.data.resize(static_cast<size_t>(end));
        break;
      }
    }
  }

  const ColumnDescriptor& column_;
  const ColumnMetaData& meta_;
  const ColumnChunkReadOptions& options_;
  const std::string& path_;
  uint64_t page_offset_ = 0;
  ColumnChunkData out_;
  bool has_dictionary_ = false;
  LeafValues dictionary_;
  PageBuffer page_buffer_;  // the decompressed page, reused page after page
  size_t page_defined_ = 0;  // the current page's definition levels equal to max_def
  std::vector<uint32_t> index_scratch_;
  std::vector<std::string_view> views_;
};

}  // namespace

util::Result<ByteRange> column_chunk_range(const ColumnMetaData& meta, uint64_t file_size,
                                           const std::string& path, const std::string& column) {
  int64_t start = meta.data_page_offset;
  if (meta.dictionary_page_offset && *meta.dictionary_page_offset > 0 &&
      *meta.dictionary_page_offset < start) {
    start = *meta.dictionary_page_offset;
  }
  const uint64_t data_end = file_size >= kFooterTailSize ? file_size - kFooterTailSize : 0;
  if (start < static_cast<int64_t>(kFirstDataOffset) || meta.total_compressed_size < 0 ||
      static_cast<uint64_t>(start) > data_end ||
      static_cast<uint64_t>(meta.total_compressed_size) > data_end - static_cast<uint64_t>(start)) {
    return Status::corruption(fmt::format(
        "parquet: column chunk [{}, +{}) lies outside the file's data ({}, column {}, {} bytes): "
        "the footer is corrupt",
        start, meta.total_compressed_size, path, column, file_size));
  }
  if (meta.num_values < 0) {
    return Status::corruption(fmt::format("parquet: column chunk num_values {} ({}, column {}): the footer is corrupt",
                                          meta.num_values, path, column));
  }
  return ByteRange{static_cast<uint64_t>(start), static_cast<uint64_t>(meta.total_compressed_size)};
}

util::Result<ColumnChunkData> decode_column_chunk(std::string_view bytes, uint64_t range_offset,
                                                  const ColumnDescriptor& column,
                                                  const ColumnMetaData& meta,
                                                  const ColumnChunkReadOptions& options,
                                                  const std::string& path) {
  ChunkDecoder decoder(column, meta, options, path);
  return decoder.run(bytes, range_offset);
}

}  // namespace medallion::parquet
