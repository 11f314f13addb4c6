#include "delta/last_checkpoint.h"

#include <simdjson.h>

#include <fmt/format.h>

#include "util/json_writer.h"

namespace medallion::delta {

namespace {

using simdjson::dom::element;

util::Status bad(std::string_view source, std::string_view what) {
  return util::Status::corruption(fmt::format(
      "delta: bad last checkpoint file: {} ({}): ignore it and list _delta_log instead, or "
      "delete it (the next checkpoint rewrites it)",
      what, source));
}

std::optional<element> find(simdjson::dom::object o, std::string_view key) {
  element e;
  if (o.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
  return e;
}

util::Status get_int64(simdjson::dom::object o, std::string_view key, std::string_view source,
                       std::optional<int64_t>& out) {
  out.reset();
  const auto e = find(o, key);
  if (!e) return util::Status::ok();
  int64_t v = 0;
  if (e->get_int64().get(v) != simdjson::SUCCESS) {
    return bad(source, fmt::format("\"{}\" is not a 64-bit integer", key));
  }
  out = v;
  return util::Status::ok();
}

util::Status get_raw_object(simdjson::dom::object o, std::string_view key, std::string_view source,
                            std::optional<std::string>& out) {
  out.reset();
  const auto e = find(o, key);
  if (!e) return util::Status::ok();
  if (!e->is_object()) return bad(source, fmt::format("\"{}\" is not an object", key));
  out = simdjson::to_string(*e);
  return util::Status::ok();
}

}  // namespace

util::Result<LastCheckpoint> parse_last_checkpoint(std::string_view json, std::string_view source) {
  const simdjson::padded_string padded(json);
  simdjson::dom::parser parser;
  element root;
  if (const auto err = parser.parse(padded).get(root); err != simdjson::SUCCESS) {
    return bad(source, json.empty() ? std::string("the file is empty")
                                    : fmt::format("not valid JSON ({})", simdjson::error_message(err)));
  }
  simdjson::dom::object o;
  if (root.get_object().get(o) != simdjson::SUCCESS) return bad(source, "not a JSON object");

  LastCheckpoint c;
  std::optional<int64_t> version, size;
  MEDALLION_RETURN_IF_ERROR(get_int64(o, "version", source, version));
  MEDALLION_RETURN_IF_ERROR(get_int64(o, "size", source, size));
  if (!version) return bad(source, "\"version\" is missing");
  if (!size) return bad(source, "\"size\" is missing");
  if (*version < 0) return bad(source, fmt::format("\"version\" is {}, below 0", *version));
  if (*size < 0) return bad(source, fmt::format("\"size\" is {}, below 0", *size));
  c.version = *version;
  c.size = *size;
  MEDALLION_RETURN_IF_ERROR(get_int64(o, "parts", source, c.parts));
  if (c.parts && *c.parts < 1) return bad(source, fmt::format("\"parts\" is {}, below 1", *c.parts));
  MEDALLION_RETURN_IF_ERROR(get_int64(o, "sizeInBytes", source, c.size_in_bytes));
  MEDALLION_RETURN_IF_ERROR(get_int64(o, "numOfAddFiles", source, c.num_of_add_files));
  MEDALLION_RETURN_IF_ERROR(get_raw_object(o, "checkpointSchema", source, c.checkpoint_schema));
  MEDALLION_RETURN_IF_ERROR(get_raw_object(o, "v2Checkpoint", source, c.v2_checkpoint));
  if (const auto tags = find(o, "tags")) {
    simdjson::dom::object t;
    if (tags->get_object().get(t) != simdjson::SUCCESS) return bad(source, "\"tags\" is not an object");
    for (const auto field : t) {
      if (field.value.is_null()) continue;
      std::string_view v;
      if (field.value.get_string().get(v) != simdjson::SUCCESS) {
        return bad(source, fmt::format("tag \"{}\" is not a string", field.key));
      }
      c.tags.insert_or_assign(std::string(field.key), std::string(v));
    }
  }
  if (const auto checksum = find(o, "checksum")) {
    std::string_view s;
    if (checksum->get_string().get(s) != simdjson::SUCCESS) {
      return bad(source, "\"checksum\" is not a string");
    }
    c.checksum.emplace(s);
  }
  return c;
}

std::string serialize_last_checkpoint(const LastCheckpoint& checkpoint) {
  util::JsonWriter w;
  w.begin_object();
  w.key("version").value(checkpoint.version);
  w.key("size").value(checkpoint.size);
  if (checkpoint.parts) w.key("parts").value(*checkpoint.parts);
  if (checkpoint.size_in_bytes) w.key("sizeInBytes").value(*checkpoint.size_in_bytes);
  if (checkpoint.num_of_add_files) w.key("numOfAddFiles").value(*checkpoint.num_of_add_files);
  if (checkpoint.checkpoint_schema) w.key("checkpointSchema").raw(*checkpoint.checkpoint_schema);
  if (checkpoint.v2_checkpoint) w.key("v2Checkpoint").raw(*checkpoint.v2_checkpoint);
  if (!checkpoint.tags.empty()) {
    w.key("tags").begin_object();
    for (const auto& [k, v] : checkpoint.tags) w.key(k).value(v);
    w.end_object();
  }
  w.end_object();
  std::string out = w.take();
  out.push_back('\n');
  return out;
}

}  // namespace medallion::delta
