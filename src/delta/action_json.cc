#include "delta/action_json.h"

#include <simdjson.h>

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <type_traits>
#include <utility>

#include "util/json_writer.h"

namespace medallion::delta {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

constexpr std::string_view kFix = "the table's log is corrupt; restore this file from a backup";

constexpr std::array<std::string_view, 10> kActionKeys = {
    "protocol", "metaData",   "add",           "remove",  "cdc",
    "txn",      "commitInfo", "domainMetadata", "sidecar", "checkpointMetadata"};

bool is_action_key(std::string_view key) {
  for (const std::string_view k : kActionKeys) {
    if (k == key) return true;
  }
  return false;
}

std::string_view type_name(element_type t) {
  switch (t) {
    case element_type::ARRAY: return "an array";
    case element_type::OBJECT: return "an object";
    case element_type::INT64:
    case element_type::UINT64: return "an integer";
    case element_type::DOUBLE: return "a non-integer number";
    case element_type::STRING: return "a string";
    case element_type::BOOL: return "a boolean";
    case element_type::NULL_VALUE: return "null";
  }
  return "an unknown JSON value";
}

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Where a line is, for error messages.
struct LineRef {
  std::string_view source;
  size_t line = 0;
};

util::Status line_error(const LineRef& at, std::string_view what) {
  return util::Status::corruption(
      fmt::format("delta: bad log line: {} ({} line {}): {}", what, at.source, at.line, kFix));
}

// Reads the members of one action object (or of an object nested in one,
// such as add.deletionVector); every error names the action and the field.
class Fields {
 public:
  Fields(object obj, const LineRef& at, std::string_view action, std::string prefix = {})
      : obj_(obj), at_(at), action_(action), prefix_(std::move(prefix)) {}

  util::Status error(std::string_view key, std::string_view what) const {
    return util::Status::corruption(fmt::format("delta: bad \"{}\" action: \"{}{}\" {} ({} line {}): {}",
                                                action_, prefix_, key, what, at_.source, at_.line,
                                                kFix));
  }

  // The member, or nullopt when it is missing or null.
  std::optional<element> find(std::string_view key) const {
    element e;
    if (obj_.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
    return e;
  }

  util::Status missing(std::string_view key) const { return error(key, "is missing"); }
  util::Status wrong_type(std::string_view key, element e, std::string_view expected) const {
    return error(key, fmt::format("is {}, expected {}", type_name(e.type()), expected));
  }

  util::Status string_value(std::string_view key, element e, std::string& out) const {
    std::string_view s;
    if (e.get_string().get(s) != simdjson::SUCCESS) return wrong_type(key, e, "a string");
    out.assign(s);
    return util::Status::ok();
  }

  util::Status required_string(std::string_view key, std::string& out) const {
    const auto e = find(key);
    if (!e) return missing(key);
    return string_value(key, *e, out);
  }

  util::Status optional_string(std::string_view key, std::optional<std::string>& out) const {
    out.reset();
    const auto e = find(key);
    if (!e) return util::Status::ok();
    out.emplace();
    return string_value(key, *e, *out);
  }

  util::Status int64_value(std::string_view key, element e, int64_t& out) const {
    if (e.get_int64().get(out) != simdjson::SUCCESS) {
      if (e.type() == element_type::UINT64) return error(key, "does not fit a 64-bit signed integer");
      return wrong_type(key, e, "an integer");
    }
    return util::Status::ok();
  }

  util::Status required_int64(std::string_view key, int64_t& out) const {
    const auto e = find(key);
    if (!e) return missing(key);
    return int64_value(key, *e, out);
  }

  util::Status optional_int64(std::string_view key, std::optional<int64_t>& out) const {
    out.reset();
    const auto e = find(key);
    if (!e) return util::Status::ok();
    int64_t v = 0;
    MEDALLION_RETURN_IF_ERROR(int64_value(key, *e, v));
    out = v;
    return util::Status::ok();
  }

  util::Status int32_value(std::string_view key, element e, int32_t& out) const {
    int64_t v = 0;
    MEDALLION_RETURN_IF_ERROR(int64_value(key, e, v));
    if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
      return error(key, fmt::format("is {}, which does not fit a 32-bit integer", v));
    }
    out = static_cast<int32_t>(v);
    return util::Status::ok();
  }

  util::Status required_int32(std::string_view key, int32_t& out) const {
    const auto e = find(key);
    if (!e) return missing(key);
    return int32_value(key, *e, out);
  }

  util::Status optional_int32(std::string_view key, std::optional<int32_t>& out) const {
    out.reset();
    const auto e = find(key);
    if (!e) return util::Status::ok();
    int32_t v = 0;
    MEDALLION_RETURN_IF_ERROR(int32_value(key, *e, v));
    out = v;
    return util::Status::ok();
  }

  util::Status non_negative(std::string_view key, int64_t v) const {
    if (v < 0) return error(key, fmt::format("is {}, expected a count of at least 0", v));
    return util::Status::ok();
  }

  util::Status bool_value(std::string_view key, element e, bool& out) const {
    if (e.get_bool().get(out) != simdjson::SUCCESS) return wrong_type(key, e, "a boolean");
    return util::Status::ok();
  }

  util::Status required_bool(std::string_view key, bool& out) const {
    const auto e = find(key);
    if (!e) return missing(key);
    return bool_value(key, *e, out);
  }

  // Leaves `out` unchanged (its default) when the member is absent.
  util::Status defaulted_bool(std::string_view key, bool& out) const {
    const auto e = find(key);
    if (!e) return util::Status::ok();
    return bool_value(key, *e, out);
  }

  util::Status optional_bool(std::string_view key, std::optional<bool>& out) const {
    out.reset();
    const auto e = find(key);
    if (!e) return util::Status::ok();
    bool v = false;
    MEDALLION_RETURN_IF_ERROR(bool_value(key, *e, v));
    out = v;
    return util::Status::ok();
  }

  // A map<string,string>; null values are skipped. Absent leaves `out` empty.
  util::Status string_map(std::string_view key, std::map<std::string, std::string>& out) const {
    out.clear();
    const auto e = find(key);
    if (!e) return util::Status::ok();
    object m;
    if (e->get_object().get(m) != simdjson::SUCCESS) return wrong_type(key, *e, "an object");
    for (const auto field : m) {
      if (field.value.is_null()) continue;
      std::string_view v;
      if (field.value.get_string().get(v) != simdjson::SUCCESS) {
        return error(fmt::format("{}.{}", key, field.key),
                     fmt::format("is {}, expected a string", type_name(field.value.type())));
      }
      out.insert_or_assign(std::string(field.key), std::string(v));
    }
    return util::Status::ok();
  }

  util::Status partition_values_value(std::string_view key, element e,
                                      PartitionValues& out) const {
    out.clear();
    object m;
    if (e.get_object().get(m) != simdjson::SUCCESS) return wrong_type(key, e, "an object");
    for (const auto field : m) {
      std::optional<std::string> value;
      if (!field.value.is_null()) {
        std::string_view v;
        if (field.value.get_string().get(v) != simdjson::SUCCESS) {
          return error(fmt::format("{}.{}", key, field.key),
                       fmt::format("is {}, expected a string or null",
                                   type_name(field.value.type())));
        }
        value.emplace(v);
      }
      out.insert_or_assign(std::string(field.key), std::move(value));
    }
    return util::Status::ok();
  }

  util::Status string_list_value(std::string_view key, element e,
                                 std::vector<std::string>& out) const {
    out.clear();
    simdjson::dom::array a;
    if (e.get_array().get(a) != simdjson::SUCCESS) return wrong_type(key, e, "an array");
    for (const element item : a) {
      std::string_view s;
      if (item.get_string().get(s) != simdjson::SUCCESS) {
        return error(key, fmt::format("holds {}, expected only strings", type_name(item.type())));
      }
      out.emplace_back(s);
    }
    return util::Status::ok();
  }

  util::Status optional_string_list(std::string_view key,
                                    std::optional<std::vector<std::string>>& out) const {
    out.reset();
    const auto e = find(key);
    if (!e) return util::Status::ok();
    out.emplace();
    return string_list_value(key, *e, *out);
  }

  // The member as an object, or nullopt when missing or null.
  util::Result<std::optional<object>> optional_object(std::string_view key) const {
    const auto e = find(key);
    if (!e) return std::optional<object>();
    object o;
    if (e->get_object().get(o) != simdjson::SUCCESS) return wrong_type(key, *e, "an object");
    return std::optional<object>(o);
  }

  Fields nested(object o, std::string_view key) const {
    return Fields(o, at_, action_, fmt::format("{}{}.", prefix_, key));
  }

 private:
  object obj_;
  const LineRef& at_;
  std::string_view action_;
  std::string prefix_;
};

util::Result<DeletionVectorDescriptor> parse_deletion_vector(const Fields& f, object o) {
  const Fields dv = f.nested(o, "deletionVector");
  DeletionVectorDescriptor d;
  std::string storage_type;
  MEDALLION_RETURN_IF_ERROR(dv.required_string("storageType", storage_type));
  if (storage_type.size() != 1) {
    return dv.error("storageType",
                    fmt::format("is \"{}\", expected one character ('u', 'p' or 'i')", storage_type));
  }
  d.storage_type = storage_type[0];
  MEDALLION_RETURN_IF_ERROR(dv.required_string("pathOrInlineDv", d.path_or_inline_dv));
  MEDALLION_RETURN_IF_ERROR(dv.optional_int32("offset", d.offset));
  MEDALLION_RETURN_IF_ERROR(dv.required_int32("sizeInBytes", d.size_in_bytes));
  MEDALLION_RETURN_IF_ERROR(dv.non_negative("sizeInBytes", d.size_in_bytes));
  MEDALLION_RETURN_IF_ERROR(dv.required_int64("cardinality", d.cardinality));
  MEDALLION_RETURN_IF_ERROR(dv.non_negative("cardinality", d.cardinality));
  return d;
}

util::Status optional_deletion_vector(const Fields& f,
                                      std::optional<DeletionVectorDescriptor>& out) {
  out.reset();
  MEDALLION_ASSIGN_OR_RETURN(const std::optional<object> o, f.optional_object("deletionVector"));
  if (!o) return util::Status::ok();
  MEDALLION_ASSIGN_OR_RETURN(out, parse_deletion_vector(f, *o));
  return util::Status::ok();
}

util::Result<Action> parse_protocol(const Fields& f) {
  Protocol p;
  MEDALLION_RETURN_IF_ERROR(f.required_int32("minReaderVersion", p.min_reader_version));
  MEDALLION_RETURN_IF_ERROR(f.required_int32("minWriterVersion", p.min_writer_version));
  MEDALLION_RETURN_IF_ERROR(f.optional_string_list("readerFeatures", p.reader_features));
  MEDALLION_RETURN_IF_ERROR(f.optional_string_list("writerFeatures", p.writer_features));
  return Action(std::move(p));
}

util::Result<Action> parse_metadata(const Fields& f) {
  Metadata m;
  MEDALLION_RETURN_IF_ERROR(f.required_string("id", m.id));
  MEDALLION_RETURN_IF_ERROR(f.optional_string("name", m.name));
  MEDALLION_RETURN_IF_ERROR(f.optional_string("description", m.description));
  MEDALLION_ASSIGN_OR_RETURN(const std::optional<object> format, f.optional_object("format"));
  if (format) {
    const Fields ff = f.nested(*format, "format");
    std::optional<std::string> provider;
    MEDALLION_RETURN_IF_ERROR(ff.optional_string("provider", provider));
    if (provider) m.format.provider = std::move(*provider);
    MEDALLION_RETURN_IF_ERROR(ff.string_map("options", m.format.options));
  }
  MEDALLION_RETURN_IF_ERROR(f.required_string("schemaString", m.schema_string));
  if (const auto e = f.find("partitionColumns")) {
    MEDALLION_RETURN_IF_ERROR(f.string_list_value("partitionColumns", *e, m.partition_columns));
  }
  MEDALLION_RETURN_IF_ERROR(f.string_map("configuration", m.configuration));
  MEDALLION_RETURN_IF_ERROR(f.optional_int64("createdTime", m.created_time));
  return Action(std::move(m));
}

util::Status required_partition_values(const Fields& f, PartitionValues& out) {
  const auto e = f.find("partitionValues");
  if (!e) return f.missing("partitionValues");
  return f.partition_values_value("partitionValues", *e, out);
}

util::Result<Action> parse_add(const Fields& f) {
  AddFile a;
  MEDALLION_RETURN_IF_ERROR(f.required_string("path", a.path));
  MEDALLION_RETURN_IF_ERROR(required_partition_values(f, a.partition_values));
  MEDALLION_RETURN_IF_ERROR(f.required_int64("size", a.size));
  MEDALLION_RETURN_IF_ERROR(f.non_negative("size", a.size));
  MEDALLION_RETURN_IF_ERROR(f.required_int64("modificationTime", a.modification_time));
  MEDALLION_RETURN_IF_ERROR(f.required_bool("dataChange", a.data_change));
  MEDALLION_RETURN_IF_ERROR(f.optional_string("stats", a.stats));
  MEDALLION_RETURN_IF_ERROR(f.string_map("tags", a.tags));
  MEDALLION_RETURN_IF_ERROR(optional_deletion_vector(f, a.deletion_vector));
  MEDALLION_RETURN_IF_ERROR(f.optional_int64("baseRowId", a.base_row_id));
  MEDALLION_RETURN_IF_ERROR(f.optional_int64("defaultRowCommitVersion", a.default_row_commit_version));
  MEDALLION_RETURN_IF_ERROR(f.optional_string("clusteringProvider", a.clustering_provider));
  return Action(std::move(a));
}

util::Result<Action> parse_remove(const Fields& f) {
  RemoveFile r;
  MEDALLION_RETURN_IF_ERROR(f.required_string("path", r.path));
  MEDALLION_RETURN_IF_ERROR(f.optional_int64("deletionTimestamp", r.deletion_timestamp));
  MEDALLION_RETURN_IF_ERROR(f.required_bool("dataChange", r.data_change));
  MEDALLION_RETURN_IF_ERROR(f.optional_bool("extendedFileMetadata", r.extended_file_metadata));
  if (const auto e = f.find("partitionValues")) {
    r.partition_values.emplace();
    MEDALLION_RETURN_IF_ERROR(f.partition_values_value("partitionValues", *e, *r.partition_values));
  }
  MEDALLION_RETURN_IF_ERROR(f.optional_int64("size", r.size));
  if (r.size) MEDALLION_RETURN_IF_ERROR(f.non_negative("size", *r.size));
  MEDALLION_RETURN_IF_ERROR(f.optional_string("stats", r.stats));
  MEDALLION_RETURN_IF_ERROR(f.string_map("tags", r.tags));
  MEDALLION_RETURN_IF_ERROR(optional_deletion_vector(f, r.deletion_vector));
  MEDALLION_RETURN_IF_ERROR(f.optional_int64("baseRowId", r.base_row_id));
  MEDALLION_RETURN_IF_ERROR(f.optional_int64("defaultRowCommitVersion", r.default_row_commit_version));
  return Action(std::move(r));
}

util::Result<Action> parse_cdc(const Fields& f) {
  AddCdcFile c;
  MEDALLION_RETURN_IF_ERROR(f.required_string("path", c.path));
  MEDALLION_RETURN_IF_ERROR(required_partition_values(f, c.partition_values));
  MEDALLION_RETURN_IF_ERROR(f.required_int64("size", c.size));
  MEDALLION_RETURN_IF_ERROR(f.non_negative("size", c.size));
  MEDALLION_RETURN_IF_ERROR(f.defaulted_bool("dataChange", c.data_change));
  MEDALLION_RETURN_IF_ERROR(f.string_map("tags", c.tags));
  return Action(std::move(c));
}

util::Result<Action> parse_txn(const Fields& f) {
  Txn t;
  MEDALLION_RETURN_IF_ERROR(f.required_string("appId", t.app_id));
  MEDALLION_RETURN_IF_ERROR(f.required_int64("version", t.version));
  MEDALLION_RETURN_IF_ERROR(f.optional_int64("lastUpdated", t.last_updated));
  return Action(std::move(t));
}

util::Result<Action> parse_domain_metadata(const Fields& f) {
  DomainMetadata d;
  MEDALLION_RETURN_IF_ERROR(f.required_string("domain", d.domain));
  MEDALLION_RETURN_IF_ERROR(f.required_string("configuration", d.configuration));
  MEDALLION_RETURN_IF_ERROR(f.required_bool("removed", d.removed));
  return Action(std::move(d));
}

util::Result<Action> parse_sidecar(const Fields& f) {
  Sidecar s;
  MEDALLION_RETURN_IF_ERROR(f.required_string("path", s.path));
  MEDALLION_RETURN_IF_ERROR(f.required_int64("sizeInBytes", s.size_in_bytes));
  MEDALLION_RETURN_IF_ERROR(f.non_negative("sizeInBytes", s.size_in_bytes));
  MEDALLION_RETURN_IF_ERROR(f.required_int64("modificationTime", s.modification_time));
  MEDALLION_RETURN_IF_ERROR(f.string_map("tags", s.tags));
  return Action(std::move(s));
}

util::Result<Action> parse_checkpoint_metadata(const Fields& f) {
  CheckpointMetadata c;
  MEDALLION_RETURN_IF_ERROR(f.required_int64("version", c.version));
  MEDALLION_RETURN_IF_ERROR(f.string_map("tags", c.tags));
  return Action(std::move(c));
}

// Parses the lines of one input with reused parsers. The whole input is
// copied once into a buffer with simdjson's padding after it, so that every
// line can be parsed in place.
class LineParser {
 public:
  LineParser(std::string_view ndjson, std::string_view source) : source_(source) {
    buffer_.reserve(ndjson.size() + simdjson::SIMDJSON_PADDING);
    buffer_.assign(ndjson);
    buffer_.append(simdjson::SIMDJSON_PADDING, ' ');
    size_ = ndjson.size();
  }

  util::Result<std::vector<Action>> parse_all() {
    std::vector<Action> actions;
    size_t pos = 0;
    LineRef at{source_, 0};
    while (pos < size_) {
      ++at.line;
      const size_t nl = std::string_view(buffer_.data(), size_).find('\n', pos);
      const bool terminated = nl != std::string_view::npos;
      const size_t end = terminated ? nl : size_;
      size_t len = end - pos;
      if (len > 0 && buffer_[pos + len - 1] == '\r') --len;
      MEDALLION_RETURN_IF_ERROR(parse_line(pos, len, terminated, at, actions));
      pos = terminated ? nl + 1 : size_;
    }
    return actions;
  }

 private:
  util::Status parse_line(size_t pos, size_t len, bool terminated, const LineRef& at,
                          std::vector<Action>& actions) {
    const char* data = buffer_.data() + pos;
    bool blank = true;
    for (size_t i = 0; i < len && blank; ++i) blank = is_json_space(data[i]);
    if (blank) return util::Status::ok();

    element root;
    if (const auto err = dom_.parse(data, len, false).get(root); err != simdjson::SUCCESS) {
      return line_error(at, fmt::format("not valid JSON ({}){}", simdjson::error_message(err),
                                        terminated ? "" : "; the last line has no newline, so the "
                                                          "file may be truncated"));
    }
    object line;
    if (root.get_object().get(line) != simdjson::SUCCESS) {
      return line_error(at, fmt::format("the line is {}, expected an object holding one action",
                                        type_name(root.type())));
    }
    std::string_view name;
    element value;
    for (const auto field : line) {
      if (!is_action_key(field.key) || field.value.is_null()) continue;
      if (!name.empty()) {
        return line_error(at, fmt::format("the line holds two actions, \"{}\" and \"{}\"; each "
                                          "line must hold exactly one",
                                          name, field.key));
      }
      name = field.key;
      value = field.value;
    }
    if (name.empty()) return util::Status::ok();  // only actions unknown to us

    object body;
    if (value.get_object().get(body) != simdjson::SUCCESS) {
      return line_error(at, fmt::format("\"{}\" is {}, expected an object", name,
                                        type_name(value.type())));
    }
    const Fields f(body, at, name);
    util::Result<Action> action = util::Status::internal("unreached");
    if (name == "protocol") {
      action = parse_protocol(f);
    } else if (name == "metaData") {
      action = parse_metadata(f);
    } else if (name == "add") {
      action = parse_add(f);
    } else if (name == "remove") {
      action = parse_remove(f);
    } else if (name == "cdc") {
      action = parse_cdc(f);
    } else if (name == "txn") {
      action = parse_txn(f);
    } else if (name == "commitInfo") {
      action = parse_commit_info(f, data, len, at);
    } else if (name == "domainMetadata") {
      action = parse_domain_metadata(f);
    } else if (name == "sidecar") {
      action = parse_sidecar(f);
    } else {
      action = parse_checkpoint_metadata(f);
    }
    if (!action.is_ok()) return action.status();
    actions.push_back(std::move(action).value());
    return util::Status::ok();
  }

  // commitInfo keeps the object's own bytes; the DOM has already validated
  // the line, and the on-demand parser finds where the object starts and ends.
  util::Result<Action> parse_commit_info(const Fields& f, const char* data, size_t len,
                                         const LineRef& at) {
    CommitInfo c;
    MEDALLION_RETURN_IF_ERROR(f.optional_int64("timestamp", c.timestamp));
    MEDALLION_RETURN_IF_ERROR(f.optional_int64("inCommitTimestamp", c.in_commit_timestamp));
    MEDALLION_RETURN_IF_ERROR(f.optional_string("operation", c.operation));

    const size_t capacity = buffer_.size() - static_cast<size_t>(data - buffer_.data());
    simdjson::ondemand::document doc;
    simdjson::ondemand::object line;
    if (ondemand_.iterate(data, len, capacity).get(doc) != simdjson::SUCCESS ||
        doc.get_object().get(line) != simdjson::SUCCESS) {
      return line_error(at, "commitInfo could not be re-read");
    }
    for (auto field : line) {
      std::string_view key;
      if (field.unescaped_key().get(key) != simdjson::SUCCESS) break;
      if (key != "commitInfo") continue;
      simdjson::ondemand::object info;
      std::string_view raw;
      if (field.value().get_object().get(info) != simdjson::SUCCESS ||
          info.raw_json().get(raw) != simdjson::SUCCESS) {
        break;
      }
      // raw_json() runs up to the next token: drop the whitespace before it.
      while (!raw.empty() && is_json_space(raw.back())) raw.remove_suffix(1);
      c.json.assign(raw);
      return Action(std::move(c));
    }
    return line_error(at, "commitInfo could not be re-read");
  }

  std::string_view source_;
  std::string buffer_;
  size_t size_ = 0;
  simdjson::dom::parser dom_;
  simdjson::ondemand::parser ondemand_;
};

// Appends `"key":` with a comma before every member but the first.
class ObjectOut {
 public:
  explicit ObjectOut(std::string& out) : out_(out) { out_.push_back('{'); }
  void end() { out_.push_back('}'); }

  std::string& key(std::string_view k) {
    if (!first_) out_.push_back(',');
    first_ = false;
    util::append_json_string(out_, k);
    out_.push_back(':');
    return out_;
  }

  void string(std::string_view k, std::string_view v) { util::append_json_string(key(k), v); }
  void integer(std::string_view k, int64_t v) {
    std::array<char, 24> buf;
    const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    key(k).append(buf.data(), r.ptr);
  }
  void boolean(std::string_view k, bool v) { key(k).append(v ? "true" : "false"); }

  template <typename T>
  void optional_string(std::string_view k, const std::optional<T>& v) {
    if (v) string(k, *v);
  }
  template <typename T>
  void optional_integer(std::string_view k, const std::optional<T>& v) {
    if (v) integer(k, *v);
  }

  void string_map(std::string_view k, const std::map<std::string, std::string>& m) {
    std::string& out = key(k);
    ObjectOut o(out);
    for (const auto& [mk, mv] : m) o.string(mk, mv);
    o.end();
  }
  void tags(const std::map<std::string, std::string>& m) {
    if (!m.empty()) string_map("tags", m);
  }
  void partition_values(const PartitionValues& m) {
    std::string& out = key("partitionValues");
    ObjectOut o(out);
    for (const auto& [mk, mv] : m) {
      if (mv) {
        o.string(mk, *mv);
      } else {
        o.key(mk).append("null");
      }
    }
    o.end();
  }
  void string_list(std::string_view k, const std::vector<std::string>& v) {
    std::string& out = key(k);
    out.push_back('[');
    for (size_t i = 0; i < v.size(); ++i) {
      if (i > 0) out.push_back(',');
      util::append_json_string(out, v[i]);
    }
    out.push_back(']');
  }
  void deletion_vector(const std::optional<DeletionVectorDescriptor>& dv) {
    if (!dv) return;
    ObjectOut o(key("deletionVector"));
    o.string("storageType", std::string_view(&dv->storage_type, 1));
    o.string("pathOrInlineDv", dv->path_or_inline_dv);
    o.optional_integer("offset", dv->offset);
    o.integer("sizeInBytes", dv->size_in_bytes);
    o.integer("cardinality", dv->cardinality);
    o.end();
  }

 private:
  std::string& out_;
  bool first_ = true;
};

void write_body(std::string& out, const Protocol& p) {
  ObjectOut o(out);
  o.integer("minReaderVersion", p.min_reader_version);
  o.integer("minWriterVersion", p.min_writer_version);
  if (p.reader_features) o.string_list("readerFeatures", *p.reader_features);
  if (p.writer_features) o.string_list("writerFeatures", *p.writer_features);
  o.end();
}

void write_body(std::string& out, const Metadata& m) {
  ObjectOut o(out);
  o.string("id", m.id);
  o.optional_string("name", m.name);
  o.optional_string("description", m.description);
  {
    ObjectOut format(o.key("format"));
    format.string("provider", m.format.provider);
    format.string_map("options", m.format.options);
    format.end();
  }
  o.string("schemaString", m.schema_string);
  o.string_list("partitionColumns", m.partition_columns);
  o.string_map("configuration", m.configuration);
  o.optional_integer("createdTime", m.created_time);
  o.end();
}

void write_body(std::string& out, const AddFile& a) {
  ObjectOut o(out);
  o.string("path", a.path);
  o.partition_values(a.partition_values);
  o.integer("size", a.size);
  o.integer("modificationTime", a.modification_time);
  o.boolean("dataChange", a.data_change);
  o.optional_string("stats", a.stats);
  o.tags(a.tags);
  o.deletion_vector(a.deletion_vector);
  o.optional_integer("baseRowId", a.base_row_id);
  o.optional_integer("defaultRowCommitVersion", a.default_row_commit_version);
  o.optional_string("clusteringProvider", a.clustering_provider);
  o.end();
}

void write_body(std::string& out, const RemoveFile& r) {
  ObjectOut o(out);
  o.string("path", r.path);
  o.optional_integer("deletionTimestamp", r.deletion_timestamp);
  o.boolean("dataChange", r.data_change);
  if (r.extended_file_metadata) o.boolean("extendedFileMetadata", *r.extended_file_metadata);
  if (r.partition_values) o.partition_values(*r.partition_values);
  o.optional_integer("size", r.size);
  o.tags(r.tags);
  o.deletion_vector(r.deletion_vector);
  o.optional_integer("baseRowId", r.base_row_id);
  o.optional_integer("defaultRowCommitVersion", r.default_row_commit_version);
  o.optional_string("stats", r.stats);
  o.end();
}

void write_body(std::string& out, const AddCdcFile& c) {
  ObjectOut o(out);
  o.string("path", c.path);
  o.partition_values(c.partition_values);
  o.integer("size", c.size);
  o.tags(c.tags);
  o.boolean("dataChange", c.data_change);
  o.end();
}

void write_body(std::string& out, const Txn& t) {
  ObjectOut o(out);
  o.string("appId", t.app_id);
  o.integer("version", t.version);
  o.optional_integer("lastUpdated", t.last_updated);
  o.end();
}

void write_body(std::string& out, const CommitInfo& c) {
  if (!c.json.empty()) {
    out.append(c.json);
    return;
  }
  ObjectOut o(out);
  o.optional_integer("timestamp", c.timestamp);
  o.optional_integer("inCommitTimestamp", c.in_commit_timestamp);
  o.optional_string("operation", c.operation);
  o.end();
}

void write_body(std::string& out, const DomainMetadata& d) {
  ObjectOut o(out);
  o.string("domain", d.domain);
  o.string("configuration", d.configuration);
  o.boolean("removed", d.removed);
  o.end();
}

void write_body(std::string& out, const Sidecar& s) {
  ObjectOut o(out);
  o.string("path", s.path);
  o.integer("sizeInBytes", s.size_in_bytes);
  o.integer("modificationTime", s.modification_time);
  o.tags(s.tags);
  o.end();
}

void write_body(std::string& out, const CheckpointMetadata& c) {
  ObjectOut o(out);
  o.integer("version", c.version);
  o.tags(c.tags);
  o.end();
}

template <typename T>
constexpr std::string_view action_key() {
  if constexpr (std::is_same_v<T, Protocol>) return "protocol";
  if constexpr (std::is_same_v<T, Metadata>) return "metaData";
  if constexpr (std::is_same_v<T, AddFile>) return "add";
  if constexpr (std::is_same_v<T, RemoveFile>) return "remove";
  if constexpr (std::is_same_v<T, AddCdcFile>) return "cdc";
  if constexpr (std::is_same_v<T, Txn>) return "txn";
  if constexpr (std::is_same_v<T, CommitInfo>) return "commitInfo";
  if constexpr (std::is_same_v<T, DomainMetadata>) return "domainMetadata";
  if constexpr (std::is_same_v<T, Sidecar>) return "sidecar";
  if constexpr (std::is_same_v<T, CheckpointMetadata>) return "checkpointMetadata";
}

}  // namespace

util::Result<std::vector<Action>> parse_actions(std::string_view ndjson, std::string_view source) {
  LineParser parser(ndjson, source);
  return parser.parse_all();
}

void append_action_json(std::string& out, const Action& action) {
  std::visit(
      [&out](const auto& a) {
        using T = std::decay_t<decltype(a)>;
        out.append("{\"");
        out.append(action_key<T>());
        out.append("\":");
        write_body(out, a);
        out.push_back('}');
      },
      action);
}

std::string serialize_actions(const std::vector<Action>& actions) {
  std::string out;
  for (const Action& a : actions) {
    append_action_json(out, a);
    out.push_back('\n');
  }
  return out;
}

}  // namespace medallion::delta
