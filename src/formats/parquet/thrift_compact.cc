#include "formats/parquet/thrift_compact.h"

#include <fmt/format.h>

#include <cstring>
#include <limits>

namespace medallion::parquet {

namespace {

constexpr uint8_t kMaxTypeId = 13;

// The fewest bytes one value of `type` can occupy on the wire; bounds the
// element count a container header may claim.
size_t min_encoded_bytes(CompactType type) {
  switch (type) {
    case CompactType::kDouble:
      return 8;
    case CompactType::kUuid:
      return 16;
    default:
      return 1;
  }
}

uint64_t zigzag_encode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

int64_t zigzag_decode(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

// Bools are written as element type 2, whichever bool id the caller named.
uint8_t element_type_id(CompactType type) {
  return static_cast<uint8_t>(is_bool_type(type) ? CompactType::kBoolFalse : type);
}

}  // namespace

std::string compact_type_name(CompactType type) {
  switch (type) {
    case CompactType::kStop:
      return "stop";
    case CompactType::kBoolTrue:
      return "bool(true)";
    case CompactType::kBoolFalse:
      return "bool";
    case CompactType::kI8:
      return "i8";
    case CompactType::kI16:
      return "i16";
    case CompactType::kI32:
      return "i32";
    case CompactType::kI64:
      return "i64";
    case CompactType::kDouble:
      return "double";
    case CompactType::kBinary:
      return "binary";
    case CompactType::kList:
      return "list";
    case CompactType::kSet:
      return "set";
    case CompactType::kMap:
      return "map";
    case CompactType::kStruct:
      return "struct";
    case CompactType::kUuid:
      return "uuid";
  }
  return fmt::format("type {}", static_cast<int>(type));
}

// ---------------------------------------------------------------- reader --

util::Status CompactReader::error_at(size_t at, std::string_view what) const {
  if (context_.empty()) {
    return util::Status::corruption(
        fmt::format("parquet: thrift: {} (offset {})", what, base_offset_ + at));
  }
  return util::Status::corruption(
      fmt::format("parquet: thrift: {} ({}, offset {})", what, context_, base_offset_ + at));
}

util::Status CompactReader::need(size_t n, std::string_view what) const {
  if (n <= remaining()) return util::Status::ok();
  return error(fmt::format("{} needs {} bytes, {} remain", what, n, remaining()));
}

util::Status CompactReader::check_count(uint64_t count, size_t min_bytes_each,
                                        std::string_view what, size_t at) const {
  if (count <= remaining() / min_bytes_each) return util::Status::ok();
  if (min_bytes_each == 1) {
    return error_at(at,
                    fmt::format("{} size {} exceeds remaining {} bytes", what, count, remaining()));
  }
  return error_at(at, fmt::format("{} size {} needs at least {} bytes per element, {} bytes remain",
                                  what, count, min_bytes_each, remaining()));
}

util::Status CompactReader::enter() {
  if (depth_ >= kMaxNestingDepth) {
    return error(fmt::format("structs and containers nest deeper than {}", kMaxNestingDepth));
  }
  ++depth_;
  return util::Status::ok();
}

util::Result<uint64_t> CompactReader::read_varint64() {
  const size_t start = pos_;
  uint64_t value = 0;
  for (int i = 0; i < 10; ++i) {
    if (pos_ >= bytes_.size()) return error_at(start, "varint runs past the end of the input");
    const auto b = static_cast<uint8_t>(bytes_[pos_++]);
    if (i == 9 && b > 1) return error_at(start, "varint overflows 64 bits");
    value |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) return value;
  }
  return error_at(start, "varint overflows 64 bits");  // not reached: b > 1 above
}

util::Result<uint32_t> CompactReader::read_varint32() {
  const size_t start = pos_;
  MEDALLION_ASSIGN_OR_RETURN(uint64_t v, read_varint64());
  if (v > std::numeric_limits<uint32_t>::max()) {
    return error_at(start, fmt::format("varint {} does not fit 32 bits", v));
  }
  return static_cast<uint32_t>(v);
}

util::Result<int8_t> CompactReader::read_i8() {
  MEDALLION_RETURN_IF_ERROR(need(1, "i8"));
  return static_cast<int8_t>(bytes_[pos_++]);
}

util::Result<int16_t> CompactReader::read_i16() {
  const size_t start = pos_;
  MEDALLION_ASSIGN_OR_RETURN(int32_t v, read_i32());
  if (v < std::numeric_limits<int16_t>::min() || v > std::numeric_limits<int16_t>::max()) {
    return error_at(start, fmt::format("i16 value {} out of range", v));
  }
  return static_cast<int16_t>(v);
}

util::Result<int32_t> CompactReader::read_i32() {
  MEDALLION_ASSIGN_OR_RETURN(uint32_t v, read_varint32());
  return static_cast<int32_t>(zigzag_decode(v));
}

util::Result<int64_t> CompactReader::read_i64() {
  MEDALLION_ASSIGN_OR_RETURN(uint64_t v, read_varint64());
  return zigzag_decode(v);
}

util::Result<double> CompactReader::read_double() {
  MEDALLION_RETURN_IF_ERROR(need(8, "double"));
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) {
    bits |= static_cast<uint64_t>(static_cast<uint8_t>(bytes_[pos_ + i])) << (8 * i);
  }
  pos_ += 8;
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

util::Result<bool> CompactReader::read_bool() {
  if (has_pending_bool_) {
    has_pending_bool_ = false;
    return pending_bool_;
  }
  MEDALLION_RETURN_IF_ERROR(need(1, "bool"));
  const auto b = static_cast<uint8_t>(bytes_[pos_]);
  if (b > 2) return error(fmt::format("bool element has value {}, expected 0, 1 or 2", b));
  ++pos_;
  return b == 1;
}

util::Result<std::string_view> CompactReader::read_binary() {
  const size_t start = pos_;
  MEDALLION_ASSIGN_OR_RETURN(uint32_t length, read_varint32());
  if (length > remaining()) {
    return error_at(
        start, fmt::format("binary length {} exceeds remaining {} bytes", length, remaining()));
  }
  std::string_view v = bytes_.substr(pos_, length);
  pos_ += length;
  return v;
}

util::Result<std::string_view> CompactReader::read_uuid() {
  MEDALLION_RETURN_IF_ERROR(need(16, "uuid"));
  std::string_view v = bytes_.substr(pos_, 16);
  pos_ += 16;
  return v;
}

util::Status CompactReader::struct_begin() {
  MEDALLION_RETURN_IF_ERROR(enter());
  field_id_stack_.push_back(last_field_id_);
  last_field_id_ = 0;
  return util::Status::ok();
}

util::Status CompactReader::struct_end() {
  if (field_id_stack_.empty()) {
    return util::Status::internal("parquet: thrift: struct_end without struct_begin");
  }
  last_field_id_ = field_id_stack_.back();
  field_id_stack_.pop_back();
  --depth_;
  has_pending_bool_ = false;
  return util::Status::ok();
}

util::Result<FieldHeader> CompactReader::read_field_header() {
  has_pending_bool_ = false;
  const size_t at = pos_;
  MEDALLION_RETURN_IF_ERROR(need(1, "field header"));
  const auto b = static_cast<uint8_t>(bytes_[pos_++]);
  if (b == 0) return FieldHeader{};
  const uint8_t type_id = b & 0x0f;
  const uint8_t delta = b >> 4;
  if (type_id == 0 || type_id > kMaxTypeId) {
    return error_at(at, fmt::format("field header has unknown type id {}", type_id));
  }
  FieldHeader header;
  header.type = static_cast<CompactType>(type_id);
  if (delta != 0) {
    const int32_t id = int32_t{last_field_id_} + delta;
    if (id > std::numeric_limits<int16_t>::max()) {
      return error_at(at, fmt::format("field id {} out of range", id));
    }
    header.id = static_cast<int16_t>(id);
  } else {
    MEDALLION_ASSIGN_OR_RETURN(header.id, read_i16());
  }
  last_field_id_ = header.id;
  if (is_bool_type(header.type)) {
    has_pending_bool_ = true;
    pending_bool_ = header.type == CompactType::kBoolTrue;
  }
  return header;
}

util::Result<CompactType> CompactReader::element_type(uint8_t nibble, size_t at) {
  if (nibble == 0 || nibble > kMaxTypeId) {
    return error_at(at, fmt::format("container has unknown element type id {}", nibble));
  }
  return static_cast<CompactType>(nibble);
}

util::Result<ListHeader> CompactReader::read_list_header() {
  has_pending_bool_ = false;
  const size_t at = pos_;
  MEDALLION_RETURN_IF_ERROR(need(1, "list header"));
  const auto b = static_cast<uint8_t>(bytes_[pos_++]);
  ListHeader header;
  MEDALLION_ASSIGN_OR_RETURN(header.element_type, element_type(b & 0x0f, at));
  header.size = b >> 4;
  if (header.size == 15) {
    MEDALLION_ASSIGN_OR_RETURN(header.size, read_varint32());
  }
  MEDALLION_RETURN_IF_ERROR(
      check_count(header.size, min_encoded_bytes(header.element_type), "list", at));
  return header;
}

util::Result<MapHeader> CompactReader::read_map_header() {
  has_pending_bool_ = false;
  const size_t at = pos_;
  MapHeader header;
  MEDALLION_ASSIGN_OR_RETURN(header.size, read_varint32());
  if (header.size == 0) return header;
  MEDALLION_RETURN_IF_ERROR(need(1, "map key/value types"));
  const auto b = static_cast<uint8_t>(bytes_[pos_++]);
  MEDALLION_ASSIGN_OR_RETURN(header.key_type, element_type(b >> 4, at));
  MEDALLION_ASSIGN_OR_RETURN(header.value_type, element_type(b & 0x0f, at));
  const size_t each = min_encoded_bytes(header.key_type) + min_encoded_bytes(header.value_type);
  MEDALLION_RETURN_IF_ERROR(check_count(header.size, each, "map", at));
  return header;
}

util::Status CompactReader::skip(CompactType type) { return skip_value(type); }

util::Status CompactReader::skip_value(CompactType type) {
  switch (type) {
    case CompactType::kBoolTrue:
    case CompactType::kBoolFalse:
      return read_bool().status();
    case CompactType::kI8:
      return read_i8().status();
    case CompactType::kI16:
      return read_i16().status();
    case CompactType::kI32:
      return read_i32().status();
    case CompactType::kI64:
      return read_i64().status();
    case CompactType::kDouble:
      return read_double().status();
    case CompactType::kBinary:
      return read_binary().status();
    case CompactType::kUuid:
      return read_uuid().status();
    case CompactType::kList:
    case CompactType::kSet: {
      MEDALLION_RETURN_IF_ERROR(enter());
      MEDALLION_ASSIGN_OR_RETURN(ListHeader list, read_list_header());
      for (uint32_t i = 0; i < list.size; ++i) {
        MEDALLION_RETURN_IF_ERROR(skip_value(list.element_type));
      }
      --depth_;
      return util::Status::ok();
    }
    case CompactType::kMap: {
      MEDALLION_RETURN_IF_ERROR(enter());
      MEDALLION_ASSIGN_OR_RETURN(MapHeader map, read_map_header());
      for (uint32_t i = 0; i < map.size; ++i) {
        MEDALLION_RETURN_IF_ERROR(skip_value(map.key_type));
        MEDALLION_RETURN_IF_ERROR(skip_value(map.value_type));
      }
      --depth_;
      return util::Status::ok();
    }
    case CompactType::kStruct: {
      MEDALLION_RETURN_IF_ERROR(struct_begin());
      for (;;) {
        MEDALLION_ASSIGN_OR_RETURN(FieldHeader field, read_field_header());
        if (field.is_stop()) break;
        MEDALLION_RETURN_IF_ERROR(skip_value(field.type));
      }
      return struct_end();
    }
    case CompactType::kStop:
      break;
  }
  return error(fmt::format("cannot skip a value of {}", compact_type_name(type)));
}

// ---------------------------------------------------------------- writer --

void CompactWriter::write_varint(uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

void CompactWriter::write_i64(int64_t v) { write_varint(zigzag_encode(v)); }

void CompactWriter::write_double(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
}

void CompactWriter::write_binary(std::string_view v) {
  write_varint(v.size());
  out_.append(v);
}

void CompactWriter::write_uuid(std::string_view sixteen_bytes) {
  std::string_view v = sixteen_bytes.substr(0, 16);
  out_.append(v);
  out_.append(16 - v.size(), '\0');
}

void CompactWriter::struct_begin() {
  field_id_stack_.push_back(last_field_id_);
  last_field_id_ = 0;
}

void CompactWriter::struct_end() {
  out_.push_back(0);
  if (!field_id_stack_.empty()) {
    last_field_id_ = field_id_stack_.back();
    field_id_stack_.pop_back();
  }
}

void CompactWriter::field_begin(CompactType type, int16_t id) {
  const int32_t delta = int32_t{id} - last_field_id_;
  const auto type_id = static_cast<uint8_t>(type);
  if (delta > 0 && delta <= 15) {
    out_.push_back(static_cast<char>((delta << 4) | type_id));
  } else {
    out_.push_back(static_cast<char>(type_id));
    write_i16(id);
  }
  last_field_id_ = id;
}

void CompactWriter::field_bool(int16_t id, bool value) {
  field_begin(value ? CompactType::kBoolTrue : CompactType::kBoolFalse, id);
}

void CompactWriter::list_begin(CompactType element_type, uint32_t size) {
  const uint8_t type_id = element_type_id(element_type);
  if (size < 15) {
    out_.push_back(static_cast<char>((size << 4) | type_id));
  } else {
    out_.push_back(static_cast<char>(0xf0 | type_id));
    write_varint(size);
  }
}

void CompactWriter::map_begin(CompactType key_type, CompactType value_type, uint32_t size) {
  write_varint(size);
  if (size == 0) return;
  out_.push_back(static_cast<char>((element_type_id(key_type) << 4) | element_type_id(value_type)));
}

}  // namespace medallion::parquet
