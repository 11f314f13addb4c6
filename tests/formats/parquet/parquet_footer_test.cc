// The footer reader: magic, length and size checks on files we build, and
// corruption of real footers (every truncation, flipped bytes) that must end
// in a clean error — never a crash or an allocation out of proportion to the
// input.
#include "formats/parquet/parquet_footer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "formats/parquet/parquet_format.h"
#include "formats/parquet/thrift_compact.h"
#include "parquet_testdata.h"

// ------------------------------------------------------ allocation watch --
// This test binary replaces the global operator new to record the largest
// single allocation, so that tests can prove that hostile lengths do not
// turn into huge allocations. It allocates with malloc and frees with free;
// GCC, seeing `delete` end in free() after inlining, warns of a mismatch that
// is not there.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
namespace {
std::atomic<size_t> g_largest_allocation{0};
}  // namespace

void* operator new(size_t n) {
  size_t seen = g_largest_allocation.load(std::memory_order_relaxed);
  while (n > seen && !g_largest_allocation.compare_exchange_weak(seen, n)) {
  }
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
// Every other non-aligned form goes through the one above, so that no
// allocation made with the runtime's new is released with our free (the
// aligned forms stay the runtime's, new and delete alike).
void* operator new[](size_t n) { return ::operator new(n); }
void* operator new(size_t n, const std::nothrow_t&) noexcept {
  try {
    return ::operator new(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](size_t n, const std::nothrow_t&) noexcept {
  return ::operator new(n, std::nothrow);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace medallion::parquet {
namespace {

class LargestAllocation {
 public:
  LargestAllocation() { g_largest_allocation = 0; }
  size_t bytes() const { return g_largest_allocation.load(); }
};

std::string le32(uint32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

FileMetaData small_metadata() {
  FileMetaData m;
  SchemaElement root;
  root.name = "schema";
  root.num_children = 1;
  SchemaElement a;
  a.name = "a";
  a.type = Type::kInt64;
  a.repetition_type = FieldRepetitionType::kRequired;
  m.schema = {root, a};
  m.num_rows = 3;
  m.created_by = "medallion footer test";
  return m;
}

// "PAR1" <data> <metadata> <len> "PAR1"
std::string make_file(const std::string& metadata, const std::string& data = "0123456789") {
  return std::string(kMagic) + data + metadata + le32(static_cast<uint32_t>(metadata.size())) +
         std::string(kMagic);
}

void expect_error(const util::Result<FileMetaData>& r, util::StatusCode code,
                  const std::string& needle) {
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), code) << r.status().message();
  EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().message();
}

// --------------------------------------------------------------- layout --

TEST(ParquetFooter, WholeFileDecodes) {
  const std::string file = make_file(encode_file_metadata(small_metadata()));
  auto r = read_footer(file, file.size(), "t.parquet");
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(*r, small_metadata());
}

TEST(ParquetFooter, TailAloneDecodes) {
  const std::string meta = encode_file_metadata(small_metadata());
  const std::string file = make_file(meta, std::string(1000, 'd'));
  const std::string tail = file.substr(file.size() - meta.size() - kFooterTailSize);
  auto r = read_footer(tail, file.size(), "t.parquet");
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->num_rows, 3);
}

TEST(ParquetFooter, LocateFooterGivesOffsetAndLength) {
  const std::string meta = encode_file_metadata(small_metadata());
  const std::string file = make_file(meta);
  auto where = locate_footer(file.substr(file.size() - 8), file.size(), "t.parquet");
  ASSERT_TRUE(where.is_ok()) << where.status().message();
  EXPECT_EQ(where->metadata_offset, 4u + 10u);
  EXPECT_EQ(where->metadata_length, meta.size());
}

TEST(ParquetFooter, MetadataRightAfterLeadingMagicIsAccepted) {
  const std::string file = make_file(encode_file_metadata(small_metadata()), "");
  auto r = read_footer(file, file.size(), "t.parquet");
  EXPECT_TRUE(r.is_ok()) << r.status().message();
}

// The 125-byte file of docs/parquet.md's worked example, byte for byte.
std::string worked_example_file() {
  static constexpr uint8_t kBytes[] = {
      0x50, 0x41, 0x52, 0x31,                                                  // PAR1
      0x15, 0x00, 0x15, 0x30, 0x15, 0x30, 0x2c, 0x15, 0x06, 0x15, 0x00, 0x15,  // page header
      0x06, 0x15, 0x06, 0x00, 0x00,                                            //
      1,    0,    0,    0,    0,    0,    0,    0,    2,    0,    0,    0,    0,    0,    0,
      0,    3,    0,    0,    0,    0,    0,    0,    0,  // values
      0x15, 0x02, 0x19, 0x2c, 0x48, 0x06, 's',  'c',  'h',  'e',  'm',  'a',  0x15, 0x02, 0x00,
      0x15, 0x04, 0x25, 0x00, 0x18, 0x02, 'i',  'd',  0x00, 0x16, 0x06, 0x19, 0x1c, 0x19, 0x1c,
      0x26, 0x00, 0x1c, 0x15, 0x04, 0x19, 0x15, 0x00, 0x19, 0x18, 0x02, 'i',  'd',  0x15, 0x00,
      0x16, 0x06, 0x16, 0x52, 0x16, 0x52, 0x26, 0x08, 0x00, 0x00, 0x16, 0x52, 0x16, 0x06, 0x00,
      0x28, 0x09, 'm',  'e',  'd',  'a',  'l',  'l',  'i',  'o',  'n',  0x00,  // FileMetaData
      0x48, 0x00, 0x00, 0x00, 0x50, 0x41, 0x52, 0x31};                         // length, PAR1
  return std::string(reinterpret_cast<const char*>(kBytes), sizeof kBytes);
}

TEST(ParquetFooter, DocsWorkedExampleDecodesAsDocumented) {
  const std::string file = worked_example_file();
  ASSERT_EQ(file.size(), 125u);
  auto where = locate_footer(file.substr(file.size() - 8), file.size(), "example.parquet");
  ASSERT_TRUE(where.is_ok()) << where.status().message();
  EXPECT_EQ(where->metadata_offset, 45u);
  EXPECT_EQ(where->metadata_length, 72u);

  auto m = read_footer(file, file.size(), "example.parquet");
  ASSERT_TRUE(m.is_ok()) << m.status().message();
  EXPECT_EQ(m->num_rows, 3);
  ASSERT_EQ(m->schema.size(), 2u);
  EXPECT_EQ(m->schema[1].name, "id");
  EXPECT_EQ(m->schema[1].type, Type::kInt64);
  const ColumnMetaData& md = *m->row_groups.at(0).columns.at(0).meta_data;
  EXPECT_EQ(md.data_page_offset, 4);
  EXPECT_EQ(md.total_compressed_size, 41);
  EXPECT_EQ(m->created_by, "medallion");
  EXPECT_EQ(encode_file_metadata(*m), file.substr(45, 72));

  size_t header_size = 0;
  auto page = decode_page_header(std::string_view(file).substr(4), &header_size, 4);
  ASSERT_TRUE(page.is_ok()) << page.status().message();
  EXPECT_EQ(header_size, 17u);
  EXPECT_EQ(page->compressed_page_size, 24);
  EXPECT_EQ(page->data_page_header->num_values, 3);
  EXPECT_EQ(encode_page_header(*page), file.substr(4, 17));
}

// --------------------------------------------------------------- errors --

TEST(ParquetFooterError, FileShorterThanTwelveBytes) {
  const std::string file("PAR1\0\0\0\0PAR", 11);
  expect_error(read_footer(file, file.size(), "t.parquet"), util::StatusCode::kCorruption,
               "file too short (t.parquet, 11 bytes)");
}

TEST(ParquetFooterError, EmptyFile) {
  expect_error(read_footer("", 0, "empty.parquet"), util::StatusCode::kCorruption,
               "file too short");
}

TEST(ParquetFooterError, MissingTrailingMagic) {
  std::string file = make_file(encode_file_metadata(small_metadata()));
  file.back() = 'X';
  expect_error(read_footer(file, file.size(), "t.parquet"), util::StatusCode::kCorruption,
               "no \"PAR1\" magic at the end of the file (t.parquet, found 'PARX'");
}

TEST(ParquetFooterError, EncryptedFooterIsUnsupported) {
  std::string file = make_file(encode_file_metadata(small_metadata()));
  file.replace(file.size() - 4, 4, kEncryptedMagic);
  expect_error(read_footer(file, file.size(), "t.parquet"), util::StatusCode::kUnsupported,
               "encrypted footer");
}

TEST(ParquetFooterError, MissingLeadingMagic) {
  std::string file = make_file(encode_file_metadata(small_metadata()));
  file[0] = '\x01';
  expect_error(read_footer(file, file.size(), "t.parquet"), util::StatusCode::kCorruption,
               "magic at the start of the file (t.parquet, found '\\x01AR1')");
}

TEST(ParquetFooterError, ZeroMetadataLength) {
  const std::string file = make_file("");
  expect_error(read_footer(file, file.size(), "t.parquet"), util::StatusCode::kCorruption,
               "footer length 0");
}

TEST(ParquetFooterError, MetadataLengthBeyondTheFile) {
  std::string file = make_file(encode_file_metadata(small_metadata()));
  file.replace(file.size() - 8, 4, le32(0xFFFFFFF0u));
  expect_error(read_footer(file, file.size(), "t.parquet"), util::StatusCode::kCorruption,
               "footer length 4294967280 does not fit the file");
}

TEST(ParquetFooterError, MetadataLengthOverlappingLeadingMagic) {
  const std::string meta = encode_file_metadata(small_metadata());
  std::string file = make_file(meta, "");
  file.replace(file.size() - 8, 4, le32(static_cast<uint32_t>(meta.size() + 1)));
  expect_error(read_footer(file, file.size(), "t.parquet"), util::StatusCode::kCorruption,
               "does not fit the file");
}

TEST(ParquetFooterError, TailTooShortForItsFooter) {
  const std::string meta = encode_file_metadata(small_metadata());
  const std::string file = make_file(meta, std::string(100, 'd'));
  const std::string tail = file.substr(file.size() - 20);
  expect_error(read_footer(tail, file.size(), "t.parquet"), util::StatusCode::kInvalidArgument,
               "needs the last");
}

TEST(ParquetFooterError, TailLongerThanTheFile) {
  const std::string file = make_file(encode_file_metadata(small_metadata()));
  expect_error(read_footer(file, file.size() - 1, "t.parquet"), util::StatusCode::kInvalidArgument,
               "which has only");
}

TEST(ParquetFooterError, CorruptMetadataNamesFileOffsetsAndRemedy) {
  std::string meta = encode_file_metadata(small_metadata());
  meta.resize(meta.size() - 1);  // drop the stop byte
  const std::string file = make_file(meta);
  auto r = read_footer(file, file.size(), "t.parquet");
  ASSERT_FALSE(r.is_ok());
  const std::string& m = r.status().message();
  EXPECT_EQ(m.rfind("parquet: corrupt footer (t.parquet, FileMetaData at offset 14, ", 0), 0u) << m;
  EXPECT_NE(m.find("thrift: field header needs 1 bytes, 0 remain"), std::string::npos) << m;
  EXPECT_NE(m.find(": the file is damaged;"), std::string::npos) << m;
}

TEST(ParquetFooterError, HugeListCountAllocatesNothingLarge) {
  // FileMetaData {1: version, 2: list<struct> claiming 2^31-1 elements} + 8 bytes.
  CompactWriter w;
  w.struct_begin();
  w.field_begin(CompactType::kI32, 1);
  w.write_i32(1);
  w.field_begin(CompactType::kList, 2);
  w.list_begin(CompactType::kStruct, 0x7fffffff);
  const std::string meta = w.data() + std::string(8, '\0');
  LargestAllocation watch;
  auto r = decode_file_metadata(meta);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("list size 2147483647 exceeds remaining 8 bytes"),
            std::string::npos)
      << r.status().message();
  EXPECT_LT(watch.bytes(), 4096u);
}

TEST(ParquetFooterError, HugeBinaryLengthAllocatesNothingLarge) {
  CompactWriter w;
  w.struct_begin();
  w.field_begin(CompactType::kBinary, 6);  // created_by
  w.write_varint(0xFFFFFFFFu);
  const std::string meta = w.data() + "abc";
  LargestAllocation watch;
  auto r = decode_file_metadata(meta);
  ASSERT_FALSE(r.is_ok());
  EXPECT_LT(watch.bytes(), 4096u);
}

// ------------------------------------------------- real footers, damaged --

// Footers from several writers (Impala, parquet-mr, parquet-rs, parquet-cpp,
// Spark), small enough to damage at every byte. The Delta checkpoint's 11 kB
// footer is damaged at a stride instead (FlippedBytesOfALargeFooter).
const std::vector<std::string>& real_footer_files() {
  static const std::vector<std::string> files = {"alltypes_plain.parquet",
                                                 "nullable.impala.parquet",
                                                 "datapage_v2.snappy.parquet",
                                                 "null_list.parquet",
                                                 "repeated_primitive_no_list.parquet",
                                                 "delta_length_byte_array.parquet",
                                                 "sort_columns.parquet",
                                                 "delta_golden__timestamp_ntz.parquet"};
  return files;
}

struct FlipOutcome {
  size_t errors = 0;
  size_t decoded = 0;
};

// Flips byte i of `meta` with `mask` and decodes. The result must be a clean
// error or a footer that survives encode → decode unchanged; the largest
// allocation must stay proportional to the input.
void flip_and_decode(const std::string& file, const std::string& meta, size_t i, uint8_t mask,
                     FlipOutcome* outcome) {
  std::string bad = meta;
  bad[i] = static_cast<char>(static_cast<uint8_t>(bad[i]) ^ mask);
  LargestAllocation watch;
  auto r = decode_file_metadata(bad);
  ASSERT_LE(watch.bytes(), 256 * meta.size() + 65536)
      << file << " byte " << i << " mask " << int(mask);
  if (!r.is_ok()) {
    ++outcome->errors;
    ASSERT_EQ(r.status().message().rfind("parquet: ", 0), 0u) << r.status().message();
    return;
  }
  ++outcome->decoded;
  auto again = decode_file_metadata(encode_file_metadata(*r));
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  ASSERT_EQ(*again, *r) << file << " byte " << i << " mask " << int(mask);
}

TEST(ParquetFooterCorruption, EveryTruncationOfRealFootersFails) {
  for (const auto& file : real_footer_files()) {
    const std::string meta = testing::footer_metadata_bytes(testing::file_bytes(file));
    ASSERT_FALSE(meta.empty()) << file;
    ASSERT_TRUE(decode_file_metadata(meta).is_ok()) << file;
    for (size_t n = 0; n < meta.size(); ++n) {
      auto r = decode_file_metadata(std::string_view(meta).substr(0, n));
      ASSERT_FALSE(r.is_ok()) << file << ": prefix of " << n << " bytes decoded";
      ASSERT_EQ(r.status().code(), util::StatusCode::kCorruption) << r.status().message();
    }
  }
}

TEST(ParquetFooterCorruption, TruncatedRealFilesFailInReadFooter) {
  for (const auto& file : real_footer_files()) {
    const std::string bytes = testing::file_bytes(file);
    for (size_t cut : {size_t{1}, size_t{4}, size_t{5}, size_t{8}, size_t{9}, bytes.size() / 2}) {
      const std::string shorter = bytes.substr(0, bytes.size() - cut);
      auto r = read_footer(shorter, shorter.size(), file);
      EXPECT_FALSE(r.is_ok()) << file << " cut by " << cut;
    }
  }
}

TEST(ParquetFooterCorruption, FlippedBytesOfRealFootersFailCleanly) {
  FlipOutcome outcome;
  for (const auto& file : real_footer_files()) {
    const std::string meta = testing::footer_metadata_bytes(testing::file_bytes(file));
    ASSERT_FALSE(meta.empty()) << file;
    for (size_t i = 0; i < meta.size(); ++i) {
      for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x40}, uint8_t{0x80}, uint8_t{0xFF}}) {
        ASSERT_NO_FATAL_FAILURE(flip_and_decode(file, meta, i, mask, &outcome));
      }
    }
  }
  // Both outcomes occur: a test that only ever decodes proves nothing.
  EXPECT_GT(outcome.errors, 1000u);
  EXPECT_GT(outcome.decoded, 1000u);
}

TEST(ParquetFooterCorruption, FlippedBytesOfALargeFooterFailCleanly) {
  const std::string file = "delta_golden__checkpoint-v10.checkpoint.parquet";
  const std::string meta = testing::footer_metadata_bytes(testing::file_bytes(file));
  ASSERT_GT(meta.size(), 10000u);
  FlipOutcome outcome;
  for (size_t i = 0; i < meta.size(); i += 31) {
    for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xFF}}) {
      ASSERT_NO_FATAL_FAILURE(flip_and_decode(file, meta, i, mask, &outcome));
    }
  }
  EXPECT_GT(outcome.errors, 100u);
  EXPECT_GT(outcome.decoded, 100u);
}

TEST(ParquetFooterCorruption, FlippedTailBytesOfRealFilesFailCleanly) {
  for (const auto& file : real_footer_files()) {
    const std::string bytes = testing::file_bytes(file);
    for (size_t back = 1; back <= kFooterTailSize; ++back) {
      std::string bad = bytes;
      bad[bad.size() - back] = static_cast<char>(bad[bad.size() - back] ^ 0x5A);
      LargestAllocation watch;
      auto r = read_footer(bad, bad.size(), file);
      EXPECT_LE(watch.bytes(), 256 * bytes.size() + 65536);
      if (back > kMetadataLengthSize) {
        EXPECT_FALSE(r.is_ok()) << file << ": damaged magic accepted";
      }
    }
  }
}

}  // namespace
}  // namespace medallion::parquet
