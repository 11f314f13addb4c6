#include "formats/json/jsonl_decoder.h"

#include <simdjson.h>

#include <cstring>
#include <limits>

#include "util/civil_time.h"

namespace medallion::json {

std::string_view reject_reason_name(RejectReason reason) {
  switch (reason) {
    case RejectReason::kNotJson: return "not_json";
    case RejectReason::kMissingField: return "missing_field";
    case RejectReason::kWrongType: return "wrong_type";
    case RejectReason::kBadTimestamp: return "bad_timestamp";
    case RejectReason::kUnknownEvent: return "unknown_event";
    case RejectReason::kTruncated: return "truncated";
  }
  return "?";
}

namespace {

using columnar::DataType;

// A line longer than this is rejected as not_json without being buffered
// whole, so that a file without newlines cannot exhaust memory.
constexpr size_t kMaxLineBytes = 16 << 20;
constexpr size_t kMaxRejectBatchBytes = 16 << 20;

// A field's value after the presence/type pass.
struct FieldValue {
  bool is_null = true;
  simdjson::dom::element element;
  int64_t parsed = 0;  // timestamps and dates, after pass 2
};

}  // namespace

struct JsonlDecoder::Impl {
  Impl(columnar::Schema s, JsonlDecoderOptions o)
      : schema(std::move(s)), options(o), values(schema.size()) {
    start_batch();
  }

  columnar::Schema schema;
  JsonlDecoderOptions options;
  simdjson::dom::parser parser;
  DecodedBatch batch;
  std::vector<FieldValue> values;
  std::string carry;            // the start of a line that continues in the next chunk
  bool carry_overlong = false;  // carry exceeded kMaxLineBytes; skipping to '\n'
  std::string scratch;          // a line copied out with padding for the parser
  int64_t line_number = 0;
  size_t reject_bytes = 0;  // text held by batch.rejects

  void start_batch() {
    reject_bytes = 0;
    batch = DecodedBatch{columnar::RecordBatch(schema), {}};
    batch.rows.reserve(options.batch_rows);
  }

  // Hands the batch over once it holds batch_rows rows, or rejects whose
  // text adds up to kMaxRejectBatchBytes (a file of garbage stays bounded too).
  void emit_if_full(std::vector<DecodedBatch>& out) {
    if (batch.rows.num_rows() >= options.batch_rows || reject_bytes >= kMaxRejectBatchBytes ||
        batch.rejects.size() >= options.batch_rows) {
      out.push_back(std::move(batch));
      start_batch();
    }
  }

  void reject(std::string_view line, RejectReason reason, std::string detail) {
    RejectedLine r;
    r.line_number = line_number;
    r.text.assign(line.substr(0, kMaxRejectTextBytes));
    r.reason = reason;
    r.detail = std::move(detail);
    reject_bytes += r.text.size();
    batch.rejects.push_back(std::move(r));
  }

  // Decodes one complete line. `readable` is how many bytes starting at
  // line.data() may be read (>= line.size() + SIMDJSON_PADDING avoids a copy).
  void decode_line(std::string_view line, size_t readable, bool unterminated) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const char* data = line.data();
    if (readable < line.size() + simdjson::SIMDJSON_PADDING) {
      scratch.assign(line);
      scratch.resize(line.size() + simdjson::SIMDJSON_PADDING, ' ');
      data = scratch.data();
    }
    simdjson::dom::element root;
    if (parser.parse(data, line.size(), false).get(root) != simdjson::SUCCESS) {
      reject(line, unterminated ? RejectReason::kTruncated : RejectReason::kNotJson,
             unterminated ? "last line has no end" : "invalid JSON");
      return;
    }
    simdjson::dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS) {
      reject(line, RejectReason::kNotJson, "not a JSON object");
      return;
    }
    // Pass 1: presence and JSON types, in schema order.
    for (size_t i = 0; i < schema.size(); ++i) {
      const columnar::Field& field = schema.field(i);
      FieldValue& v = values[i];
      v.is_null = true;
      simdjson::dom::element e;
      if (object.at_key(field.name).get(e) != simdjson::SUCCESS || e.is_null()) {
        if (!field.nullable) {
          reject(line, RejectReason::kMissingField, field.name);
          return;
        }
        continue;
      }
      if (!type_matches(field.type, e)) {
        reject(line, RejectReason::kWrongType, field.name);
        return;
      }
      v.is_null = false;
      v.element = e;
    }
    // Pass 2: values (timestamps, enumerations), then append the row.
    for (size_t i = 0; i < schema.size(); ++i) {
      const columnar::Field& field = schema.field(i);
      FieldValue& v = values[i];
      if (v.is_null) continue;
      if (field.type == DataType::kTimestamp || field.type == DataType::kDate) {
        const std::string_view text = v.element.get_string().value_unsafe();
        const std::optional<int64_t> t = field.type == DataType::kTimestamp
                                             ? util::parse_iso8601(text)
                                             : util::parse_iso_date(text);
        if (!t) {
          reject(line, RejectReason::kBadTimestamp, field.name);
          return;
        }
        v.parsed = *t;
      } else if (!field.allowed_values.empty()) {
        const std::string_view text = v.element.get_string().value_unsafe();
        bool allowed = false;
        for (const std::string& a : field.allowed_values) allowed = allowed || a == text;
        if (!allowed) {
          reject(line, RejectReason::kUnknownEvent, field.name);
          return;
        }
      }
    }
    for (size_t i = 0; i < schema.size(); ++i) {
      append_value(batch.rows.column(i), schema.field(i).type, values[i]);
    }
    batch.rows.line_numbers().push_back(line_number);
  }

  static bool type_matches(DataType type, const simdjson::dom::element& e) {
    switch (type) {
      case DataType::kString:
      case DataType::kTimestamp:
      case DataType::kDate: return e.is_string();
      case DataType::kBool: return e.is_bool();
      case DataType::kInt32: {
        int64_t v;
        return e.get_int64().get(v) == simdjson::SUCCESS &&
               v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max();
      }
      case DataType::kInt64: return e.is_int64();
      case DataType::kDouble: return e.is_number();
    }
    return false;
  }

  static void append_value(columnar::Column& c, DataType type, const FieldValue& v) {
    if (v.is_null) {
      c.append_null();
      return;
    }
    switch (type) {
      case DataType::kString: c.append_string(v.element.get_string().value_unsafe()); break;
      case DataType::kTimestamp: c.append_int64(v.parsed); break;
      case DataType::kDate: c.append_int32(static_cast<int32_t>(v.parsed)); break;
      case DataType::kBool: c.append_bool(v.element.get_bool().value_unsafe()); break;
      case DataType::kInt32:
        c.append_int32(static_cast<int32_t>(v.element.get_int64().value_unsafe()));
        break;
      case DataType::kInt64: c.append_int64(v.element.get_int64().value_unsafe()); break;
      case DataType::kDouble: c.append_double(v.element.get_double().value_unsafe()); break;
    }
  }

  // Appends to the carried partial line, or notes that it is overlong.
  void carry_append(std::string_view part) {
    if (carry_overlong) return;
    if (carry.size() + part.size() > kMaxLineBytes) {
      const size_t room = kMaxRejectTextBytes > carry.size() ? kMaxRejectTextBytes - carry.size() : 0;
      carry.append(part.substr(0, room));
      carry_overlong = true;
      return;
    }
    carry.append(part);
  }

  void finish_carry(bool unterminated) {
    if (carry_overlong) {
      ++line_number;
      reject(carry, unterminated ? RejectReason::kTruncated : RejectReason::kNotJson,
             "line longer than 16 MiB");
    } else {
      decode_line(carry, carry.size(), unterminated);
    }
    carry.clear();
    carry_overlong = false;
  }

  void feed(std::string_view chunk, std::vector<DecodedBatch>& out) {
    size_t pos = 0;
    if (!carry.empty() || carry_overlong) {
      const void* nl = std::memchr(chunk.data(), '\n', chunk.size());
      if (nl == nullptr) {
        carry_append(chunk);
        return;
      }
      const size_t end = static_cast<size_t>(static_cast<const char*>(nl) - chunk.data());
      carry_append(chunk.substr(0, end));
      finish_carry(false);
      emit_if_full(out);
      pos = end + 1;
    }
    while (pos < chunk.size()) {
      const void* nl = std::memchr(chunk.data() + pos, '\n', chunk.size() - pos);
      if (nl == nullptr) {
        carry_append(chunk.substr(pos));
        return;
      }
      const size_t end = static_cast<size_t>(static_cast<const char*>(nl) - chunk.data());
      decode_line(chunk.substr(pos, end - pos), chunk.size() - pos, false);
      emit_if_full(out);
      pos = end + 1;
    }
  }

  void finish(std::vector<DecodedBatch>& out) {
    if (!carry.empty() || carry_overlong) finish_carry(true);
    if (batch.rows.num_rows() > 0 || !batch.rejects.empty()) {
      out.push_back(std::move(batch));
      start_batch();
    }
  }
};

JsonlDecoder::JsonlDecoder(columnar::Schema schema, JsonlDecoderOptions options)
    : impl_(std::make_unique<Impl>(std::move(schema), options)) {}
JsonlDecoder::~JsonlDecoder() = default;

void JsonlDecoder::feed(std::string_view chunk, std::vector<DecodedBatch>& out) {
  impl_->feed(chunk, out);
}
void JsonlDecoder::finish(std::vector<DecodedBatch>& out) { impl_->finish(out); }
int64_t JsonlDecoder::lines() const { return impl_->line_number; }
const columnar::Schema& JsonlDecoder::schema() const { return impl_->schema; }

}  // namespace medallion::json
