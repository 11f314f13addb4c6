// JsonWriter: builds compact JSON text with correct string escaping (RFC 8259).
//
//   JsonWriter w;
//   w.begin_object();
//   w.key("lines"); w.value(int64_t{3});
//   w.key("dates"); w.begin_array(); w.value("2016-11-02"); w.end_array();
//   w.end_object();
//   w.str() == R"({"lines":3,"dates":["2016-11-02"]})"
//
// Commas are inserted automatically. With pretty = true, nested values are
// indented by two spaces (for files people read: manifests, truth files).
// Thread safety: one writer per thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace medallion::util {

class JsonWriter {
 public:
  explicit JsonWriter(bool pretty = false) : pretty_(pretty) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view v);
  JsonWriter& value(const char* v) { return value(std::string_view(v)); }
  JsonWriter& value(int64_t v);
  JsonWriter& value(uint64_t v);
  JsonWriter& value(int v) { return value(static_cast<int64_t>(v)); }
  JsonWriter& value(double v);
  JsonWriter& value(bool v);
  JsonWriter& null();
  // Inserts already-serialized JSON as a value.
  JsonWriter& raw(std::string_view json);

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void before_value();
  void newline_indent();

  bool pretty_;
  std::string out_;
  // Per open container: has it any element yet?
  std::vector<bool> has_element_;
  bool after_key_ = false;
};

// Appends s as a JSON string literal (with quotes) to out, escaped as
// ECMAScript JSON.stringify does: \" \\ \b \t \n \f \r, other bytes below
// 0x20 as \u00xx (lower-case hex); '/', 0x7f and bytes >= 0x80 raw (invalid
// UTF-8 passes through unchanged).
void append_json_string(std::string& out, std::string_view s);

}  // namespace medallion::util
