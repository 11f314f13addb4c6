// Thrift compact protocol: the encoding of Parquet's footer (FileMetaData)
// and page headers. A small, strict codec of our own; no Thrift library.
//
// Wire format (apache/thrift doc/specs/thrift-compact-protocol.md), as far as
// Parquet uses it (no messages):
//
//   varint      := LEB128, 7 bits per byte, low group first, high bit = more
//   zigzag(n)   := (n << 1) ^ (n >> 63)     i16/i32/i64 are zigzag varints
//   i8          := 1 byte;   double := 8 bytes little-endian IEEE 754
//   binary      := varint(length) byte*length          (strings are UTF-8)
//   uuid        := 16 bytes
//   struct      := field* stop
//   stop        := 0x00
//   field       := (delta << 4 | type) value              delta in 1..15
//                | (0x0 << 4 | type) zigzag-varint(i16 id) value
//   bool field  := the value lives in the type nibble: 1 = true, 2 = false
//   list / set  := (size << 4 | elem_type) element*size   size in 0..14
//                | (0xF << 4 | elem_type) varint(size) element*size
//   map         := 0x00                                     (empty)
//                | varint(size) (key_type << 4 | value_type) (key value)*size
//   bool element:= 1 byte: 1 = true, 0 (or 2, as old writers did) = false
//
// Type ids (field and element types): see CompactType. The field id delta is
// relative to the previous field of the same struct; each struct starts at 0.
//
// Strictness (the reader faces hostile bytes):
//   - every read checks the bytes that remain;
//   - a length or element count is checked against the remaining bytes before
//     anything is allocated (every element takes at least one byte, a double
//     eight, a uuid sixteen), so a 4-byte input cannot ask for 4 GiB;
//   - varints longer than their type allows, or overflowing it, are rejected;
//   - structs (struct_begin) and the containers and structs inside skipped
//     values nest at most kMaxNestingDepth deep, so hostile nesting cannot
//     exhaust the stack;
//   - errors are Status::corruption "parquet: thrift: <what> (offset N)" where
//     N is base_offset + the position of the offending byte (with the caller's
//     context first when set: "(SchemaElement.name, offset N)").
//
// Ownership and thread safety: a CompactReader holds a view of bytes that the
// caller keeps alive; binary values it returns are views into those bytes.
// Readers and writers are single-threaded values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace medallion::parquet {

// Type ids of the compact protocol. kBoolTrue/kBoolFalse appear in field
// headers; as an element type a bool is kBoolFalse (2), and kBoolTrue (1) is
// accepted for it as well.
enum class CompactType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kI8 = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
  kUuid = 13,
};

// Deepest nesting of structs and containers the reader accepts. Parquet's
// deepest legitimate nesting is 6 (FileMetaData > SchemaElement > LogicalType
// > TimestampType > TimeUnit > MilliSeconds).
inline constexpr int kMaxNestingDepth = 64;

// "i32", "struct", ... for messages; "type 14" for ids outside the protocol.
std::string compact_type_name(CompactType type);

inline bool is_bool_type(CompactType type) {
  return type == CompactType::kBoolTrue || type == CompactType::kBoolFalse;
}

struct FieldHeader {
  CompactType type = CompactType::kStop;  // kStop: the struct has ended
  int16_t id = 0;
  bool is_stop() const { return type == CompactType::kStop; }
};

struct ListHeader {
  CompactType element_type = CompactType::kStop;
  uint32_t size = 0;
};

struct MapHeader {
  CompactType key_type = CompactType::kStop;    // kStop when size == 0
  CompactType value_type = CompactType::kStop;  // kStop when size == 0
  uint32_t size = 0;
};

// Reads compact-protocol values from a byte span. Typical struct decoding:
//
//   MEDALLION_RETURN_IF_ERROR(r.struct_begin());
//   for (;;) {
//     MEDALLION_ASSIGN_OR_RETURN(FieldHeader f, r.read_field_header());
//     if (f.is_stop()) break;
//     switch (f.id) { case 1: ... read_i32() ...; default: skip(f.type); }
//   }
//   MEDALLION_RETURN_IF_ERROR(r.struct_end());
//
// A bool field's value is taken from its header by the next read_bool() (or
// discarded by skip()); outside a bool field, read_bool() reads one byte.
class CompactReader {
 public:
  // `base_offset` is where `bytes` starts in the enclosing file; it only
  // shifts the offsets printed in errors.
  explicit CompactReader(std::string_view bytes, uint64_t base_offset = 0)
      : bytes_(bytes), base_offset_(base_offset) {}
  // The reader keeps a view: a temporary string would dangle.
  explicit CompactReader(std::string&& bytes, uint64_t base_offset = 0) = delete;

  size_t position() const { return pos_; }
  size_t remaining() const { return bytes_.size() - pos_; }
  uint64_t base_offset() const { return base_offset_; }

  // Names what is being read, for error messages: "(SchemaElement.name,
  // offset 40)". The view must outlive the reader: pass string literals.
  void set_context(std::string_view context) { context_ = context; }

  util::Result<uint64_t> read_varint64();
  util::Result<uint32_t> read_varint32();
  util::Result<int8_t> read_i8();
  util::Result<int16_t> read_i16();
  util::Result<int32_t> read_i32();
  util::Result<int64_t> read_i64();
  util::Result<double> read_double();
  util::Result<bool> read_bool();
  // A view into the input; valid while the input is.
  util::Result<std::string_view> read_binary();
  util::Result<std::string_view> read_uuid();  // 16 raw bytes

  util::Status struct_begin();
  util::Status struct_end();
  util::Result<FieldHeader> read_field_header();
  util::Result<ListHeader> read_list_header();  // also sets
  util::Result<MapHeader> read_map_header();

  // Skips one value of `type` (a field's type, or a container's element type).
  util::Status skip(CompactType type);

  // Status::corruption("parquet: thrift: <what> (<context>, offset N)") at
  // `at`, a position in this reader's bytes.
  util::Status error_at(size_t at, std::string_view what) const;
  util::Status error(std::string_view what) const { return error_at(pos_, what); }

 private:
  util::Status need(size_t n, std::string_view what) const;
  util::Result<CompactType> element_type(uint8_t nibble, size_t at);
  util::Status check_count(uint64_t count, size_t min_bytes_each, std::string_view what,
                           size_t at) const;
  util::Status enter();
  util::Status skip_value(CompactType type);

  std::string_view bytes_;
  uint64_t base_offset_;
  std::string_view context_;
  size_t pos_ = 0;
  int depth_ = 0;
  int16_t last_field_id_ = 0;
  std::vector<int16_t> field_id_stack_;
  // Set by a bool field header, consumed by read_bool() or skip().
  bool has_pending_bool_ = false;
  bool pending_bool_ = false;
};

// Writes the same encoding. Typical struct encoding:
//
//   w.struct_begin();
//   w.field_begin(CompactType::kI32, 1); w.write_i32(v);
//   w.field_bool(2, flag);
//   w.struct_end();            // writes the stop byte
//
// The writer cannot fail; it trusts its caller to emit well-formed structure
// (fields in any order, list elements matching their header's count).
class CompactWriter {
 public:
  void write_varint(uint64_t v);
  void write_i8(int8_t v) { out_.push_back(static_cast<char>(v)); }
  void write_i16(int16_t v) { write_i64(v); }
  void write_i32(int32_t v) { write_i64(v); }
  void write_i64(int64_t v);
  void write_double(double v);
  void write_bool(bool v) { out_.push_back(v ? 1 : 0); }  // list/set/map element
  void write_binary(std::string_view v);
  void write_uuid(std::string_view sixteen_bytes);

  void struct_begin();
  void struct_end();  // writes the stop field and restores the outer field id
  // Short form when the id is 1..15 above the previous field's, else long.
  void field_begin(CompactType type, int16_t id);
  void field_bool(int16_t id, bool value);
  void list_begin(CompactType element_type, uint32_t size);
  void map_begin(CompactType key_type, CompactType value_type, uint32_t size);

  const std::string& data() const { return out_; }
  std::string release() { return std::move(out_); }

 private:
  std::string out_;
  int16_t last_field_id_ = 0;
  std::vector<int16_t> field_id_stack_;
};

}  // namespace medallion::parquet
