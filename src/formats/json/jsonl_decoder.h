// JsonlDecoder: JSON Lines text → columnar record batches against a schema.
//
// Input is a byte stream cut into arbitrary chunks (lines may span chunks).
// A line is the bytes up to '\n' (a trailing '\r' is dropped). Each line is
// one JSON object; its fields are looked up by name for every schema field;
// keys not in the schema are ignored. A line is rejected, with exactly one
// reason, by the first rule below that applies:
//
//   truncated      the last line of the input has no terminating '\n' and is
//                  not valid JSON (an interrupted transfer)
//   not_json       the line is not a JSON object (syntax error, another JSON
//                  type, an empty line)
//   missing_field  a non-nullable field is absent or null
//   wrong_type     a field holds the wrong JSON type (a number for a string,
//                  ...), checked in schema order together with missing_field
//   bad_timestamp  a timestamp field's string is not ISO-8601 as accepted by
//                  util::parse_iso8601 (zone-less text is UTC)
//   unknown_event  a field with allowed_values holds another value (for the
//                  session-events source: an event other than start/end)
// The last two are value checks, made once every field has passed the
// first two, in schema order: for the session-events source, an unknown
// event comes before a bad ts.
//
// Nullable fields that are absent or null become nulls. Accepted rows keep
// their 1-based line number in the batch's line_numbers; rejected lines are
// reported with line number, raw text (capped at kMaxRejectTextBytes) and
// reason. Nothing is dropped silently: lines = rows + rejects.
//
// Thread safety: one decoder per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/record_batch.h"
#include "columnar/schema.h"
#include "util/status.h"

namespace medallion::json {

enum class RejectReason : uint8_t {
  kNotJson,
  kMissingField,
  kWrongType,
  kBadTimestamp,
  kUnknownEvent,
  kTruncated,
};
inline constexpr size_t kRejectReasonCount = 6;

// "not_json", "missing_field", ... as in the table above.
std::string_view reject_reason_name(RejectReason reason);

inline constexpr size_t kMaxRejectTextBytes = 64 * 1024;

struct RejectedLine {
  int64_t line_number;  // 1-based
  std::string text;     // raw bytes of the line, capped at kMaxRejectTextBytes
  RejectReason reason;
  std::string detail;  // e.g. the field name: "missing_field: ts"
};

// What a decoder hands back as lines are completed.
struct DecodedBatch {
  columnar::RecordBatch rows;  // accepted rows, in input order
  std::vector<RejectedLine> rejects;
};

struct JsonlDecoderOptions {
  // Rows per emitted batch.
  size_t batch_rows = 65536;
};

class JsonlDecoder {
 public:
  // Field types supported: kString, kInt64, kDouble, kBool, kTimestamp
  // (ISO-8601 string → micros), kDate (YYYY-MM-DD string → days).
  explicit JsonlDecoder(columnar::Schema schema, JsonlDecoderOptions options = {});
  ~JsonlDecoder();
  JsonlDecoder(const JsonlDecoder&) = delete;
  JsonlDecoder& operator=(const JsonlDecoder&) = delete;

  // Feeds the next chunk of input. Completed lines are decoded; full batches
  // are appended to out.
  void feed(std::string_view chunk, std::vector<DecodedBatch>& out);
  // Ends the input: decodes a final unterminated line, flushes the partial
  // batch into out.
  void finish(std::vector<DecodedBatch>& out);

  int64_t lines() const;

  const columnar::Schema& schema() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace medallion::json
