// Peer tests: our footer and page-header decoding against Parquet files that
// other writers produced (parquet-mr, parquet-cpp/Arrow, parquet-rs, Impala,
// Spark/Delta), compared with what DuckDB and hyparquet read from them
// (../shared/testdata/parquet: expected/<file>.jsonl line 1, MANIFEST.json).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "formats/parquet/parquet_footer.h"
#include "formats/parquet/parquet_metadata.h"
#include "parquet_testdata.h"

namespace medallion::parquet {
namespace {

using testing::file_bytes;
using testing::testdata_dir;
using testing::testdata_files;

// ------------------------------------------------- canonical JSON text --
// Both sides (the expected JSON and our decoded schema) are rendered into the
// same canonical text: keys sorted, no whitespace, strings escaped alike.
// Comparing text gives a readable diff when a field differs.

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (b < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 15]);
    } else {
      out.push_back(c);
    }
  }
  return out + "\"";
}

std::string object(const std::map<std::string, std::string>& fields) {
  std::string out = "{";
  for (const auto& [k, v] : fields) {
    if (out.size() > 1) out.push_back(',');
    out += quote(k) + ":" + v;
  }
  return out + "}";
}

std::string canonical(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT: {
      std::map<std::string, std::string> fields;
      for (auto [key, value] : e.get_object()) fields[std::string(key)] = canonical(value);
      // The manifest calls the NullType annotation {type:'UNKNOWN'} (its
      // name in parquet.thrift); the oracle's rendering says "NULL".
      if (fields.count("type") && fields["type"] == "\"NULL\"") fields["type"] = "\"UNKNOWN\"";
      return object(fields);
    }
    case simdjson::dom::element_type::ARRAY: {
      std::string out = "[";
      for (auto v : e.get_array()) {
        if (out.size() > 1) out.push_back(',');
        out += canonical(v);
      }
      return out + "]";
    }
    case simdjson::dom::element_type::STRING:
      return quote(std::string_view(e.get_string()));
    case simdjson::dom::element_type::INT64:
      return std::to_string(int64_t(e.get_int64()));
    case simdjson::dom::element_type::UINT64:
      return std::to_string(uint64_t(e.get_uint64()));
    case simdjson::dom::element_type::DOUBLE:
      return std::to_string(double(e.get_double()));
    case simdjson::dom::element_type::BOOL:
      return bool(e.get_bool()) ? "true" : "false";
    case simdjson::dom::element_type::NULL_VALUE:
      return "null";
  }
  return "?";
}

std::string render_logical_type(const LogicalType& t) {
  std::map<std::string, std::string> f{{"type", quote(logical_type_name(t.kind))}};
  switch (t.kind) {
    case LogicalTypeKind::kDecimal:
      f["scale"] = std::to_string(t.scale);
      f["precision"] = std::to_string(t.precision);
      break;
    case LogicalTypeKind::kTime:
    case LogicalTypeKind::kTimestamp:
      f["isAdjustedToUTC"] = t.is_adjusted_to_utc ? "true" : "false";
      f["unit"] = quote(time_unit_name(t.unit));
      break;
    case LogicalTypeKind::kInteger:
      f["bitWidth"] = std::to_string(t.bit_width);
      f["isSigned"] = t.is_signed ? "true" : "false";
      break;
    default:
      break;
  }
  return object(f);
}

// Renders the subtree rooted at schema[*next] (advancing *next past it) in
// the manifest's schema-tree form.
std::string render_schema_node(const std::vector<SchemaElement>& schema, size_t* next,
                               bool is_root) {
  const SchemaElement& e = schema[(*next)++];
  std::map<std::string, std::string> f{{"name", quote(e.name)}};
  if (!is_root && e.repetition_type) f["repetition"] = quote(repetition_name(*e.repetition_type));
  if (e.type) f["physical_type"] = quote(type_name(*e.type));
  if (e.type_length) f["type_length"] = std::to_string(*e.type_length);
  if (e.converted_type) f["converted_type"] = quote(converted_type_name(*e.converted_type));
  if (e.precision) f["precision"] = std::to_string(*e.precision);
  if (e.scale) f["scale"] = std::to_string(*e.scale);
  if (e.field_id) f["field_id"] = std::to_string(*e.field_id);
  if (e.logical_type) f["logical_type"] = render_logical_type(*e.logical_type);
  if (e.num_children) {
    std::string children = "[";
    for (int32_t i = 0; i < *e.num_children && *next < schema.size(); ++i) {
      if (children.size() > 1) children.push_back(',');
      children += render_schema_node(schema, next, false);
    }
    f["children"] = children + "]";
  }
  return object(f);
}

std::string render_schema(const std::vector<SchemaElement>& schema) {
  size_t next = 0;
  return schema.empty() ? "null" : render_schema_node(schema, &next, true);
}

// ------------------------------------------------------------ fixtures --

struct Expected {
  std::string header_json;  // line 1, for messages
  bool malformed = false;
  std::string error_when;  // expected_error.when, "" when no error is expected
  std::optional<int64_t> num_rows;
  std::optional<int64_t> num_row_groups;
  std::optional<std::string> created_by;
  std::string schema;  // canonical text, "null" when the footer is unreadable
};

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

Expected load_expected(const std::string& file) {
  Expected x;
  x.header_json = first_line(testing::read_bytes(testdata_dir() / "expected" / (file + ".jsonl")));
  simdjson::dom::parser parser;
  simdjson::dom::element h;
  const auto err = parser.parse(x.header_json).get(h);
  EXPECT_EQ(err, simdjson::SUCCESS) << file;
  if (err) return x;
  bool malformed = false;
  if (h["malformed"].get(malformed) == simdjson::SUCCESS) x.malformed = malformed;
  std::string_view when;
  if (h["expected_error"]["when"].get(when) == simdjson::SUCCESS) x.error_when = when;
  int64_t n = 0;
  if (h["num_rows"].get(n) == simdjson::SUCCESS) x.num_rows = n;
  if (h["num_row_groups"].get(n) == simdjson::SUCCESS) x.num_row_groups = n;
  std::string_view s;
  if (h["created_by"].get(s) == simdjson::SUCCESS) x.created_by = std::string(s);
  simdjson::dom::element schema;
  if (h["schema"].get(schema) == simdjson::SUCCESS) x.schema = canonical(schema);
  return x;
}

// The manifest's expected_error.when for errors raised while opening the file.
bool footer_must_fail(const Expected& x) {
  return x.malformed && x.error_when.find("parsing FileMetaData") != std::string::npos;
}

util::Result<FileMetaData> read_testdata_footer(const std::string& file) {
  const std::string bytes = file_bytes(file);
  return read_footer(bytes, bytes.size(), file);
}

// ---------------------------------------------------------------- tests --

TEST(ParquetPeer, TestdataIsPresentAndMatchesTheManifest) {
  const auto files = testdata_files();
  ASSERT_GE(files.size(), 30u) << "no Parquet fixtures under " << testdata_dir();
  simdjson::dom::parser parser;
  simdjson::dom::element manifest;
  ASSERT_EQ(parser.load((testdata_dir() / "MANIFEST.json").string()).get(manifest),
            simdjson::SUCCESS);
  std::set<std::string> listed;
  for (auto entry : manifest["files"].get_array()) {
    std::string_view path = entry["file"].get_string();
    listed.insert(std::string(path.substr(path.find('/') + 1)));
  }
  EXPECT_EQ(listed, std::set<std::string>(files.begin(), files.end()));
  for (const auto& f : files) {
    EXPECT_TRUE(std::filesystem::exists(testdata_dir() / "expected" / (f + ".jsonl"))) << f;
  }
}

class ParquetPeerFile : public ::testing::TestWithParam<std::string> {};

TEST_P(ParquetPeerFile, FooterMatchesExpectedHeader) {
  const std::string& file = GetParam();
  const Expected x = load_expected(file);
  auto footer = read_testdata_footer(file);
  if (footer_must_fail(x)) {
    ASSERT_FALSE(footer.is_ok()) << file << " must fail: " << x.error_when;
    EXPECT_EQ(footer.status().code(), util::StatusCode::kCorruption);
    EXPECT_NE(footer.status().message().find(file), std::string::npos) << footer.status().message();
    EXPECT_FALSE(x.num_rows.has_value());
    EXPECT_EQ(x.schema, "null");
    return;
  }
  ASSERT_TRUE(footer.is_ok()) << footer.status().message();
  ASSERT_TRUE(x.num_rows.has_value()) << x.header_json;
  EXPECT_EQ(footer->num_rows, *x.num_rows);
  ASSERT_TRUE(x.num_row_groups.has_value());
  EXPECT_EQ(static_cast<int64_t>(footer->row_groups.size()), *x.num_row_groups);
  EXPECT_EQ(footer->created_by, x.created_by);
  EXPECT_EQ(render_schema(footer->schema), x.schema);
}

TEST_P(ParquetPeerFile, ReencodedFooterDecodesEqual) {
  const std::string& file = GetParam();
  auto footer = read_testdata_footer(file);
  if (footer_must_fail(load_expected(file))) {  // malformed by design: nothing to re-encode
    EXPECT_FALSE(footer.is_ok());
    return;
  }
  ASSERT_TRUE(footer.is_ok()) << footer.status().message();
  const std::string encoded = encode_file_metadata(*footer);
  auto again = decode_file_metadata(encoded);
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  EXPECT_EQ(*again, *footer);
  EXPECT_EQ(encode_file_metadata(*again), encoded);
}

// Walks every column chunk page by page (header, then compressed_page_size
// bytes) and counts page types; the manifest counted them with hyparquet.
std::map<std::string, int> count_pages(const std::string& bytes, const FileMetaData& footer,
                                       util::Status* error) {
  std::map<std::string, int> counts;
  for (const auto& rg : footer.row_groups) {
    for (const auto& cc : rg.columns) {
      if (!cc.meta_data) continue;
      const ColumnMetaData& md = *cc.meta_data;
      int64_t pos = md.data_page_offset;
      if (md.dictionary_page_offset && *md.dictionary_page_offset > 0 &&
          *md.dictionary_page_offset < pos) {
        pos = *md.dictionary_page_offset;
      }
      const int64_t end = pos + md.total_compressed_size;
      if (pos < 0 || end > static_cast<int64_t>(bytes.size())) {
        *error = util::Status::corruption("column chunk outside the file");
        return counts;
      }
      while (pos < end) {
        size_t header_size = 0;
        auto page =
            decode_page_header(std::string_view(bytes).substr(pos, end - pos), &header_size, pos);
        if (!page.is_ok()) {
          *error = page.status();
          return counts;
        }
        ++counts[page_type_name(page->type)];
        pos += static_cast<int64_t>(header_size) + page->compressed_page_size;
      }
      if (pos != end) {
        *error = util::Status::corruption("pages overrun their column chunk");
        return counts;
      }
    }
  }
  return counts;
}

TEST_P(ParquetPeerFile, PageHeadersMatchManifestPageTypes) {
  const std::string& file = GetParam();
  simdjson::dom::parser parser;
  simdjson::dom::element manifest;
  ASSERT_EQ(parser.load((testdata_dir() / "MANIFEST.json").string()).get(manifest),
            simdjson::SUCCESS);
  simdjson::dom::element entry;
  bool found = false;
  for (auto e : manifest["files"].get_array()) {
    if (std::string_view(e["file"].get_string()) == "files/" + file) {
      entry = e;
      found = true;
    }
  }
  ASSERT_TRUE(found) << file;
  simdjson::dom::object expected_types;
  if (entry["page_types"].get(expected_types) != simdjson::SUCCESS) {
    // No page counts: the manifest says the footer itself is unreadable.
    EXPECT_FALSE(read_testdata_footer(file).is_ok());
    return;
  }
  std::map<std::string, int> expected;
  bool undecodable = false;
  for (auto [type, count] : expected_types) {
    if (type == "undefined") undecodable = true;  // hyparquet could not read these headers
    expected[std::string(type)] = static_cast<int>(int64_t(count.get_int64()));
  }

  const std::string bytes = file_bytes(file);
  auto footer = read_footer(bytes, bytes.size(), file);
  ASSERT_TRUE(footer.is_ok()) << footer.status().message();
  util::Status error;
  const auto counts = count_pages(bytes, *footer, &error);
  if (undecodable) {
    EXPECT_FALSE(error.is_ok()) << "corrupt page headers decoded";
    EXPECT_EQ(error.code(), util::StatusCode::kCorruption);
    return;
  }
  ASSERT_TRUE(error.is_ok()) << error.message();
  EXPECT_EQ(counts, expected);
}

INSTANTIATE_TEST_SUITE_P(Testdata, ParquetPeerFile, ::testing::ValuesIn(testdata_files()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return testing::test_name_of(info.param);
                         });

// Files whose writers add nothing outside our subset: our encoder must
// reproduce their footers byte for byte (parquet-mr, Impala, parquet-cpp,
// Spark/Delta). parquet-rs 53 adds size statistics, which we skip.
TEST(ParquetPeer, ReencodingIsByteIdenticalForKnownWriters) {
  for (const std::string file :
       {"alltypes_plain.parquet", "nullable.impala.parquet", "datapage_v2.snappy.parquet",
        "byte_stream_split.zstd.parquet", "delta_golden__checkpoint-v10.checkpoint.parquet",
        "delta_golden__parquet-all-types.parquet", "sort_columns.parquet",
        "data_index_bloom_encoding_stats.parquet"}) {
    const std::string bytes = file_bytes(file);
    auto footer = read_footer(bytes, bytes.size(), file);
    ASSERT_TRUE(footer.is_ok()) << footer.status().message();
    EXPECT_EQ(encode_file_metadata(*footer), testing::footer_metadata_bytes(bytes)) << file;
  }
}

TEST(ParquetPeer, NegativeDictionaryNumValuesIsCorruption) {
  // ARROW-RS-GH-6229: the footer is valid, the dictionary page of column
  // "name" claims -26 values.
  const std::string file = "ARROW-RS-GH-6229-DICTHEADER.parquet";
  const std::string bytes = file_bytes(file);
  auto footer = read_footer(bytes, bytes.size(), file);
  ASSERT_TRUE(footer.is_ok()) << footer.status().message();
  EXPECT_EQ(footer->num_rows, 25);
  const ColumnMetaData& name = *footer->row_groups.at(0).columns.at(1).meta_data;
  ASSERT_EQ(name.path_in_schema, std::vector<std::string>{"name"});
  size_t header_size = 0;
  auto page = decode_page_header(std::string_view(bytes).substr(name.data_page_offset),
                                 &header_size, name.data_page_offset);
  ASSERT_FALSE(page.is_ok());
  EXPECT_EQ(page.status().code(), util::StatusCode::kCorruption);
  EXPECT_NE(page.status().message().find("DictionaryPageHeader.num_values is negative (-26)"),
            std::string::npos)
      << page.status().message();
}

TEST(ParquetPeer, InvalidPhysicalTypeFailsNamingTheField) {
  // PARQUET-1481: a schema element's type is -7.
  auto footer = read_testdata_footer("PARQUET-1481.parquet");
  ASSERT_FALSE(footer.is_ok());
  EXPECT_NE(footer.status().message().find("physical type -7"), std::string::npos)
      << footer.status().message();
  EXPECT_NE(footer.status().message().find("SchemaElement.type"), std::string::npos)
      << footer.status().message();
}

}  // namespace
}  // namespace medallion::parquet
