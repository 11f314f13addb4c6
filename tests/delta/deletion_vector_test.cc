#include "delta/deletion_vector.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <string>
#include <vector>

#include "delta/roaring_bitmap.h"
#include "delta/z85.h"
#include "util/in_memory_file_system.h"

namespace medallion::delta {
namespace {

using Rows = std::vector<uint64_t>;

const std::string kGolden = std::string(MEDALLION_SHARED_TESTDATA) + "/delta/golden";

// ---------------------------------------------------------------- Z85

std::string bytes_of(std::initializer_list<unsigned char> b) { return std::string(b.begin(), b.end()); }

TEST(Z85, DecodesSpecVector) {
  auto bytes = z85_decode("HelloWorld");
  ASSERT_TRUE(bytes.is_ok()) << bytes.status().message();
  EXPECT_EQ(*bytes, bytes_of({0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B}));
}

TEST(Z85, EncodesSpecVector) {
  EXPECT_EQ(z85_encode(bytes_of({0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B})), "HelloWorld");
}

TEST(Z85, EmptyRoundTrips) {
  EXPECT_EQ(z85_encode(""), "");
  auto bytes = z85_decode("");
  ASSERT_TRUE(bytes.is_ok());
  EXPECT_EQ(*bytes, "");
}

TEST(Z85, ExtremesRoundTrip) {
  EXPECT_EQ(z85_encode(std::string(4, '\0')), "00000");
  EXPECT_EQ(z85_encode(std::string(4, '\xFF')), "%nSc0");
  auto bytes = z85_decode("%nSc000000");
  ASSERT_TRUE(bytes.is_ok());
  EXPECT_EQ(*bytes, std::string(4, '\xFF') + std::string(4, '\0'));
}

TEST(Z85, EveryByteValueRoundTrips) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  auto back = z85_decode(z85_encode(all));
  ASSERT_TRUE(back.is_ok());
  EXPECT_EQ(*back, all);
}

TEST(Z85, RejectsLengthNotMultipleOfFive) {
  auto bytes = z85_decode("Hello1");
  ASSERT_FALSE(bytes.is_ok());
  EXPECT_EQ(bytes.status().code(), util::StatusCode::kInvalidArgument);
  EXPECT_NE(bytes.status().message().find("not a multiple of 5"), std::string::npos);
}

TEST(Z85, RejectsCharacterOutsideAlphabet) {
  for (const char* text : {"Hello\"orld", "Hel,o", "~~~~~", "abc\x01" "d"}) {
    auto bytes = z85_decode(text);
    ASSERT_FALSE(bytes.is_ok()) << text;
    EXPECT_NE(bytes.status().message().find("not in the Z85 alphabet"), std::string::npos);
  }
}

TEST(Z85, RejectsGroupAbove32Bits) {
  auto bytes = z85_decode("%nSc1");  // 2^32
  ASSERT_FALSE(bytes.is_ok());
  EXPECT_NE(bytes.status().message().find("more than 32 bits"), std::string::npos);
  EXPECT_FALSE(z85_decode("#####").is_ok());
}

// ---------------------------------------------------------------- paths

DeletionVectorDescriptor on_disk(std::string path_or_inline, int32_t size, int64_t cardinality,
                                 std::optional<int32_t> offset = 1, char type = 'u') {
  DeletionVectorDescriptor dv;
  dv.storage_type = type;
  dv.path_or_inline_dv = std::move(path_or_inline);
  dv.offset = offset;
  dv.size_in_bytes = size;
  dv.cardinality = cardinality;
  return dv;
}

std::string path_ok(std::string_view root, const DeletionVectorDescriptor& dv) {
  auto path = deletion_vector_path(root, dv);
  EXPECT_TRUE(path.is_ok()) << path.status().message();
  return path.is_ok() ? *path : std::string();
}

TEST(DeletionVectorPath, UuidWithoutPrefixIsInTableRoot) {
  EXPECT_EQ(path_ok("/t", on_disk("IjB3V2d3#qUP%s94R0WF", 36, 2)),
            "/t/deletion_vector_899cef78-06b3-4c14-b024-03860e62cd40.bin");
}

TEST(DeletionVectorPath, RandomPrefixIsASubdirectory) {
  // PROTOCOL.md, "JSON Example 1".
  EXPECT_EQ(path_ok("s3root/", on_disk("ab^-aqEH.-t@S}K{vb[*k^", 40, 6, 4)),
            "s3root/ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin");
}

TEST(DeletionVectorPath, TooShortForUuid) {
  auto path = deletion_vector_path("/t", on_disk("IjB3V2d3#qUP%s94R0W", 36, 2));
  ASSERT_FALSE(path.is_ok());
  EXPECT_EQ(path.status().code(), util::StatusCode::kInvalidArgument);
  EXPECT_NE(path.status().message().find("at least 20 characters"), std::string::npos);
}

TEST(DeletionVectorPath, UuidWithBadCharacter) {
  auto path = deletion_vector_path("/t", on_disk("IjB3V2d3#qUP%s94R0W~", 36, 2));
  ASSERT_FALSE(path.is_ok());
  EXPECT_NE(path.status().message().find("bad UUID"), std::string::npos);
}

TEST(DeletionVectorPath, PrefixThatLeavesTheTableFails) {
  for (const char* prefix : {"../", "a/b", "..", ".", "a\\b"}) {
    auto path = deletion_vector_path("/t", on_disk(std::string(prefix) + "IjB3V2d3#qUP%s94R0WF", 36, 2));
    EXPECT_FALSE(path.is_ok()) << prefix;
  }
}

TEST(DeletionVectorPath, AbsoluteFileUriIsPercentDecoded) {
  EXPECT_EQ(path_ok("/ignored", on_disk("file:///data/t/dv%20one%25.bin", 36, 2, 1, 'p')),
            "/data/t/dv one%.bin");
}

TEST(DeletionVectorPath, FileUriWithSingleSlashAndLocalhost) {
  EXPECT_EQ(path_ok("/x", on_disk("file:/data/dv.bin", 36, 2, 1, 'p')), "/data/dv.bin");
  EXPECT_EQ(path_ok("/x", on_disk("file://localhost/data/dv.bin", 36, 2, 1, 'p')), "/data/dv.bin");
}

TEST(DeletionVectorPath, PlainAbsolutePath) {
  EXPECT_EQ(path_ok("/x", on_disk("/data/dv.bin", 36, 2, 1, 'p')), "/data/dv.bin");
}

TEST(DeletionVectorPath, RemoteSchemeIsUnsupported) {
  for (const char* uri : {"s3://bucket/t/dv.bin", "file://otherhost/dv.bin"}) {
    auto path = deletion_vector_path("/x", on_disk(uri, 36, 2, 1, 'p'));
    ASSERT_FALSE(path.is_ok()) << uri;
    EXPECT_EQ(path.status().code(), util::StatusCode::kUnsupported) << uri;
  }
}

TEST(DeletionVectorPath, RelativePathForAbsoluteTypeFails) {
  auto path = deletion_vector_path("/x", on_disk("dv.bin", 36, 2, 1, 'p'));
  ASSERT_FALSE(path.is_ok());
  EXPECT_EQ(path.status().code(), util::StatusCode::kInvalidArgument);
}

TEST(DeletionVectorPath, BadPercentEscapeFails) {
  EXPECT_FALSE(deletion_vector_path("/x", on_disk("/a%2", 36, 2, 1, 'p')).is_ok());
  EXPECT_FALSE(deletion_vector_path("/x", on_disk("/a%zz", 36, 2, 1, 'p')).is_ok());
}

TEST(DeletionVectorPath, InlineAndUnknownTypesHaveNoPath) {
  EXPECT_FALSE(deletion_vector_path("/x", on_disk("00000", 4, 0, std::nullopt, 'i')).is_ok());
  EXPECT_FALSE(deletion_vector_path("/x", on_disk("IjB3V2d3#qUP%s94R0WF", 36, 2, 1, 'x')).is_ok());
}

// ---------------------------------------------------------------- golden tables

struct LoggedDv {
  std::string action;  // "add" or "remove"
  DeletionVectorDescriptor dv;
};

// The deletion vectors of the add and remove actions of one commit file.
std::vector<LoggedDv> logged_dvs(const std::string& commit_path) {
  std::vector<LoggedDv> out;
  std::ifstream in(commit_path);
  EXPECT_TRUE(in.good()) << commit_path;
  simdjson::dom::parser parser;
  std::string line;
  while (std::getline(in, line)) {
    simdjson::dom::element doc;
    if (parser.parse(line).get(doc) != simdjson::SUCCESS) {
      ADD_FAILURE() << "bad JSON in " << commit_path;
      continue;
    }
    for (const char* kind : {"add", "remove"}) {
      simdjson::dom::element dv;
      if (doc[kind]["deletionVector"].get(dv) != simdjson::SUCCESS) continue;
      LoggedDv logged{kind, {}};
      std::string_view type;
      std::string_view path;
      int64_t size = 0;
      int64_t offset = 0;
      EXPECT_EQ(dv["storageType"].get(type), simdjson::SUCCESS);
      EXPECT_EQ(dv["pathOrInlineDv"].get(path), simdjson::SUCCESS);
      EXPECT_EQ(dv["sizeInBytes"].get(size), simdjson::SUCCESS);
      EXPECT_EQ(dv["cardinality"].get(logged.dv.cardinality), simdjson::SUCCESS);
      if (dv["offset"].get(offset) == simdjson::SUCCESS) logged.dv.offset = static_cast<int32_t>(offset);
      logged.dv.storage_type = type.empty() ? '?' : type[0];
      logged.dv.path_or_inline_dv = std::string(path);
      logged.dv.size_in_bytes = static_cast<int32_t>(size);
      out.push_back(std::move(logged));
    }
  }
  return out;
}

std::string commit_file(const std::string& table, int version) {
  char name[32];
  std::snprintf(name, sizeof(name), "%020d.json", version);
  return kGolden + "/" + table + "/_delta_log/" + name;
}

Rows load_ok(util::FileSystem& fs, std::string_view root, const DeletionVectorDescriptor& dv) {
  auto rows = load_deletion_vector(fs, root, dv);
  EXPECT_TRUE(rows.is_ok()) << rows.status().message();
  return rows.is_ok() ? *rows : Rows{};
}

TEST(DeletionVectorGolden, BasicDvNoCheckpointDeletesFirstTwoRows) {
  const std::string table = "basic-dv-no-checkpoint";
  EXPECT_TRUE(logged_dvs(commit_file(table, 0)).empty());
  const auto dvs = logged_dvs(commit_file(table, 1));
  ASSERT_EQ(dvs.size(), 1u);
  EXPECT_EQ(dvs[0].action, "add");
  // The DV belongs to the file whose stats say ids 0..4 in 5 rows; the table
  // keeps ids 2..9 of 0..9, so rows 0 and 1 (ids 0 and 1) are the deleted ones.
  EXPECT_EQ(load_ok(util::posix_file_system(), kGolden + "/" + table, dvs[0].dv), (Rows{0, 1}));
}

TEST(DeletionVectorGolden, LogReplayDvKeyCasesGrowOneRowPerDelete) {
  const std::string table = "log-replay-dv-key-cases";
  const std::string root = kGolden + "/" + table;
  const std::vector<Rows> expected_adds = {{0}, {0, 7}, {0, 7, 14}};
  for (int version = 1; version <= 3; ++version) {
    const auto dvs = logged_dvs(commit_file(table, version));
    bool saw_add = false;
    for (const auto& logged : dvs) {
      const Rows rows = load_ok(util::posix_file_system(), root, logged.dv);
      if (logged.action == "add") {
        saw_add = true;
        EXPECT_EQ(rows, expected_adds[version - 1]) << "version " << version;
      } else {
        // The remove carries the previous commit's DV.
        EXPECT_EQ(rows, expected_adds[version - 2]) << "version " << version;
      }
    }
    EXPECT_TRUE(saw_add) << version;
  }
}

TEST(DeletionVectorGolden, ProtocolInlineExample) {
  // PROTOCOL.md, "JSON Example 3 — Inline" (a native-format bitmap written
  // big-endian).
  util::InMemoryFileSystem fs;
  const auto dv = on_disk("wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L", 40, 6, std::nullopt, 'i');
  EXPECT_EQ(load_ok(fs, "/t", dv), (Rows{3, 4, 7, 11, 18, 29}));
}

// ---------------------------------------------------------------- inline

TEST(DeletionVectorInline, PaddedBitmapRoundTrips) {
  util::InMemoryFileSystem fs;
  const Rows rows = {1, 2, 3};
  const std::string bitmap = encode_roaring_bitmap_array(rows);
  ASSERT_NE(bitmap.size() % 4, 0u);
  const std::string padded = bitmap + std::string(4 - bitmap.size() % 4, '\0');
  const auto dv = on_disk(z85_encode(padded), static_cast<int32_t>(bitmap.size()), 3, std::nullopt, 'i');
  EXPECT_EQ(load_ok(fs, "/t", dv), rows);
}

TEST(DeletionVectorInline, SizeInBytesMismatchFails) {
  util::InMemoryFileSystem fs;
  const std::string bitmap = encode_roaring_bitmap_array({1, 2});  // 36 bytes
  for (const int32_t size : {32, 40, 35}) {
    auto rows = load_deletion_vector(fs, "/t", on_disk(z85_encode(bitmap), size, 2, std::nullopt, 'i'));
    ASSERT_FALSE(rows.is_ok()) << size;
    EXPECT_EQ(rows.status().code(), util::StatusCode::kCorruption) << size;
  }
}

TEST(DeletionVectorInline, CardinalityMismatchFails) {
  util::InMemoryFileSystem fs;
  const std::string bitmap = encode_roaring_bitmap_array({1, 2});
  for (const int64_t cardinality : {1, 3}) {
    auto rows = load_deletion_vector(fs, "/t", on_disk(z85_encode(bitmap), 36, cardinality, std::nullopt, 'i'));
    ASSERT_FALSE(rows.is_ok()) << cardinality;
    EXPECT_EQ(rows.status().code(), util::StatusCode::kCorruption);
    EXPECT_NE(rows.status().message().find("inline"), std::string::npos) << rows.status().message();
  }
}

TEST(DeletionVectorInline, BadZ85Fails) {
  util::InMemoryFileSystem fs;
  auto rows = load_deletion_vector(fs, "/t", on_disk("abc", 4, 0, std::nullopt, 'i'));
  ASSERT_FALSE(rows.is_ok());
  EXPECT_EQ(rows.status().code(), util::StatusCode::kCorruption);
}

TEST(DeletionVectorInline, NegativeCardinalityFails) {
  util::InMemoryFileSystem fs;
  const std::string bitmap = encode_roaring_bitmap_array({});
  EXPECT_FALSE(load_deletion_vector(fs, "/t", on_disk(z85_encode(bitmap), 12, -1, std::nullopt, 'i')).is_ok());
}

// ---------------------------------------------------------------- files

uint32_t test_crc32(std::string_view data) {  // an independent bitwise CRC-32
  uint32_t crc = 0xFFFFFFFFu;
  for (const char c : data) {
    crc ^= static_cast<unsigned char>(c);
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
  }
  return ~crc;
}

void put_u32be(std::string& s, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) s.push_back(static_cast<char>((v >> shift) & 0xFF));
}

// A DV file holding these bitmaps, each framed as size | data | CRC.
std::string dv_file(const std::vector<std::string>& bitmaps) {
  std::string file(1, '\x01');
  for (const auto& bitmap : bitmaps) {
    put_u32be(file, static_cast<uint32_t>(bitmap.size()));
    file += bitmap;
    put_u32be(file, test_crc32(bitmap));
  }
  return file;
}

constexpr const char* kUuidZ85 = "IjB3V2d3#qUP%s94R0WF";
constexpr const char* kDvPath = "/t/deletion_vector_899cef78-06b3-4c14-b024-03860e62cd40.bin";

std::string golden_dv_bytes() {
  auto bytes = util::posix_file_system().read_file(
      kGolden + "/basic-dv-no-checkpoint/deletion_vector_899cef78-06b3-4c14-b024-03860e62cd40.bin");
  EXPECT_TRUE(bytes.is_ok()) << bytes.status().message();
  return bytes.is_ok() ? *bytes : std::string();
}

util::Status load_status(const std::string& file_bytes, const DeletionVectorDescriptor& dv) {
  util::InMemoryFileSystem fs;
  EXPECT_TRUE(fs.put_file(kDvPath, file_bytes).is_ok());
  auto rows = load_deletion_vector(fs, "/t", dv);
  return rows.is_ok() ? util::Status::ok() : rows.status();
}

void expect_file_corruption(const std::string& file_bytes, const DeletionVectorDescriptor& dv,
                            std::string_view needle) {
  const util::Status st = load_status(file_bytes, dv);
  ASSERT_FALSE(st.is_ok());
  EXPECT_EQ(st.code(), util::StatusCode::kCorruption) << st.message();
  EXPECT_NE(st.message().find(needle), std::string::npos) << st.message();
  EXPECT_NE(st.message().find(kDvPath), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("offset " + std::to_string(dv.offset.value_or(1))), std::string::npos)
      << st.message();
}

TEST(DeletionVectorFile, GoldenCopyLoadsFromMemory) {
  util::InMemoryFileSystem fs;
  ASSERT_TRUE(fs.put_file(kDvPath, golden_dv_bytes()).is_ok());
  EXPECT_EQ(load_ok(fs, "/t", on_disk(kUuidZ85, 36, 2)), (Rows{0, 1}));
}

TEST(DeletionVectorFile, AbsentOffsetMeansFirstDv) {
  util::InMemoryFileSystem fs;
  ASSERT_TRUE(fs.put_file(kDvPath, golden_dv_bytes()).is_ok());
  EXPECT_EQ(load_ok(fs, "/t", on_disk(kUuidZ85, 36, 2, std::nullopt)), (Rows{0, 1}));
}

TEST(DeletionVectorFile, SecondDvInFileAtItsOffset) {
  const std::string first = encode_roaring_bitmap_array({5});
  const std::string second = encode_roaring_bitmap_array({6, 7, 70000});
  util::InMemoryFileSystem fs;
  ASSERT_TRUE(fs.put_file(kDvPath, dv_file({first, second})).is_ok());
  const auto offset = static_cast<int32_t>(1 + 4 + first.size() + 4);
  EXPECT_EQ(load_ok(fs, "/t", on_disk(kUuidZ85, static_cast<int32_t>(second.size()), 3, offset)),
            (Rows{6, 7, 70000}));
  EXPECT_EQ(load_ok(fs, "/t", on_disk(kUuidZ85, static_cast<int32_t>(first.size()), 1, 1)), (Rows{5}));
}

TEST(DeletionVectorFile, AbsolutePathStorageType) {
  util::InMemoryFileSystem fs;
  ASSERT_TRUE(fs.put_file("/elsewhere/my dv.bin", golden_dv_bytes()).is_ok());
  EXPECT_EQ(load_ok(fs, "/t", on_disk("file:///elsewhere/my%20dv.bin", 36, 2, 1, 'p')), (Rows{0, 1}));
}

TEST(DeletionVectorFile, RandomPrefixSubdirectory) {
  util::InMemoryFileSystem fs;
  ASSERT_TRUE(fs.put_file("/t/ab/deletion_vector_899cef78-06b3-4c14-b024-03860e62cd40.bin",
                          golden_dv_bytes()).is_ok());
  EXPECT_EQ(load_ok(fs, "/t", on_disk(std::string("ab") + kUuidZ85, 36, 2)), (Rows{0, 1}));
}

TEST(DeletionVectorFile, MissingFileIsNotFound) {
  util::InMemoryFileSystem fs;
  auto rows = load_deletion_vector(fs, "/t", on_disk(kUuidZ85, 36, 2));
  ASSERT_FALSE(rows.is_ok());
  EXPECT_EQ(rows.status().code(), util::StatusCode::kNotFound);
}

TEST(DeletionVectorFile, EveryFlippedByteIsDetected) {
  const std::string good = golden_dv_bytes();
  ASSERT_EQ(good.size(), 45u);
  for (size_t i = 0; i < good.size(); ++i) {
    for (const unsigned char mask : {0x01, 0x80}) {
      std::string bad = good;
      bad[i] = static_cast<char>(bad[i] ^ mask);
      const util::Status st = load_status(bad, on_disk(kUuidZ85, 36, 2));
      EXPECT_FALSE(st.is_ok()) << "byte " << i << " mask " << int{mask};
      EXPECT_EQ(st.code(), util::StatusCode::kCorruption) << st.message();
      EXPECT_NE(st.message().find(kDvPath), std::string::npos) << st.message();
    }
  }
}

TEST(DeletionVectorFile, EveryTruncationIsDetected) {
  const std::string good = golden_dv_bytes();
  for (size_t n = 0; n < good.size(); ++n) {
    const util::Status st = load_status(good.substr(0, n), on_disk(kUuidZ85, 36, 2));
    EXPECT_FALSE(st.is_ok()) << n;
    EXPECT_EQ(st.code(), util::StatusCode::kCorruption) << n << ": " << st.message();
  }
}

TEST(DeletionVectorFile, WrongFormatVersion) {
  std::string bad = golden_dv_bytes();
  bad[0] = 2;
  expect_file_corruption(bad, on_disk(kUuidZ85, 36, 2), "format version 2");
}

TEST(DeletionVectorFile, WrongChecksum) {
  std::string bad = golden_dv_bytes();
  bad[bad.size() - 1] = static_cast<char>(bad[bad.size() - 1] ^ 0x10);
  expect_file_corruption(bad, on_disk(kUuidZ85, 36, 2), "checksum mismatch");
}

TEST(DeletionVectorFile, FlippedBitmapByteFailsChecksum) {
  std::string bad = golden_dv_bytes();
  bad[40] = static_cast<char>(bad[40] ^ 0x01);  // the last row value
  expect_file_corruption(bad, on_disk(kUuidZ85, 36, 2), "checksum mismatch");
}

TEST(DeletionVectorFile, SizeInBytesMismatch) {
  expect_file_corruption(golden_dv_bytes(), on_disk(kUuidZ85, 40, 2), "differs from the descriptor's sizeInBytes 40");
}

TEST(DeletionVectorFile, CardinalityMismatch) {
  expect_file_corruption(golden_dv_bytes(), on_disk(kUuidZ85, 36, 3), "cardinality 3");
  expect_file_corruption(golden_dv_bytes(), on_disk(kUuidZ85, 36, 1), "more than the 1 rows expected");
}

TEST(DeletionVectorFile, WrongMagicWithValidChecksum) {
  std::string bitmap = encode_roaring_bitmap_array({0, 1});
  bitmap[0] = 0;
  const util::Status st = load_status(dv_file({bitmap}), on_disk(kUuidZ85, 36, 2));
  ASSERT_FALSE(st.is_ok());
  EXPECT_EQ(st.code(), util::StatusCode::kUnsupported) << st.message();
  EXPECT_NE(st.message().find("magic number"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find(kDvPath), std::string::npos) << st.message();
}

TEST(DeletionVectorFile, HugeContainerCountWithValidChecksum) {
  std::string bitmap = encode_roaring_bitmap_array({0, 1});
  bitmap[20] = 0, bitmap[21] = 0, bitmap[22] = 0, bitmap[23] = '\x80';  // 2^31 containers
  expect_file_corruption(dv_file({bitmap}), on_disk(kUuidZ85, 36, 2), "more than 65536");
}

TEST(DeletionVectorFile, HugeSizeFieldFailsWithoutAllocating) {
  std::string bad = golden_dv_bytes();
  bad[1] = '\x7F';  // dataSize 0x7F000024
  expect_file_corruption(bad, on_disk(kUuidZ85, 0x7F000024, 2), "ends inside the deletion vector");
}

TEST(DeletionVectorFile, OffsetPastEnd) {
  expect_file_corruption(golden_dv_bytes(), on_disk(kUuidZ85, 36, 2, 43), "ends before");
  expect_file_corruption(golden_dv_bytes(), on_disk(kUuidZ85, 36, 2, 1000), "ends before");
}

TEST(DeletionVectorFile, OffsetBeforeFirstDv) {
  expect_file_corruption(golden_dv_bytes(), on_disk(kUuidZ85, 36, 2, 0), "before the first");
  expect_file_corruption(golden_dv_bytes(), on_disk(kUuidZ85, 36, 2, -5), "before the first");
}

TEST(DeletionVectorFile, TrailingDataAfterDvIsAllowed) {
  // Files hold several DVs: bytes after this one belong to the next.
  EXPECT_TRUE(load_status(golden_dv_bytes() + "next", on_disk(kUuidZ85, 36, 2)).is_ok());
}

}  // namespace
}  // namespace medallion::delta
