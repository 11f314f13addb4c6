// Fuzzes the CQL protocol's client side with arbitrary server bytes: the
// FrameDecoder in response mode (fed in small chunks, switching to lz4 when
// the input asks), then parse_response on every whole frame, and
// parse_response directly on the input as a body (its first two bytes
// choosing the opcode and header flags). Whatever parses must re-serialize
// (through messages.h's serializers) and parse to the same value.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cql/protocol/frame.h"
#include "cql/protocol/messages.h"
#include "cql/protocol/response_parser.h"

namespace {

using namespace medallion::cql;  // NOLINT

void check(bool ok) {
  if (!ok) std::abort();
}

template <typename T>
const T& reparsed(Opcode opcode, const medallion::util::Result<std::string>& body) {
  check(body.is_ok());
  static Response again;
  auto r = parse_response(opcode, 0, *body);
  check(r.is_ok());
  again = std::move(r).value();
  const T* m = std::get_if<T>(&again.message);
  check(m != nullptr);
  return *m;
}

void check_round_trip(const Response& response) {
  const auto& m = response.message;
  if (const auto* e = std::get_if<ErrorResponse>(&m)) {
    auto body = serialize_error(*e);
    auto again = parse_response(Opcode::kError, 0, body);
    check(again.is_ok() && std::get<ErrorResponse>(again->message) == *e);
  } else if (const auto* a = std::get_if<AuthenticateResponse>(&m)) {
    check(reparsed<AuthenticateResponse>(Opcode::kAuthenticate,
                                         serialize_authenticate(a->authenticator)) == *a);
  } else if (const auto* s = std::get_if<SupportedResponse>(&m)) {
    check(reparsed<SupportedResponse>(Opcode::kSupported, serialize_supported(s->options)) == *s);
  } else if (const auto* rows = std::get_if<RowsResult>(&m)) {
    const auto& again = reparsed<RowsResult>(Opcode::kResult, serialize_rows_result(*rows));
    check(again.metadata == rows->metadata && again.rows == rows->rows);
  } else if (const auto* p = std::get_if<PreparedResult>(&m)) {
    const auto& again = reparsed<PreparedResult>(Opcode::kResult, serialize_prepared_result(*p));
    check(again.id == p->id && again.bind_columns == p->bind_columns &&
          again.partition_key_indices == p->partition_key_indices &&
          again.result_metadata == p->result_metadata);
  } else if (const auto* k = std::get_if<SetKeyspaceResponse>(&m)) {
    check(reparsed<SetKeyspaceResponse>(Opcode::kResult,
                                        serialize_set_keyspace_result(k->keyspace)) == *k);
  } else if (const auto* c = std::get_if<SchemaChangeResponse>(&m)) {
    check(reparsed<SchemaChangeResponse>(Opcode::kResult,
                                         serialize_schema_change_result(c->change)) == *c);
  } else if (const auto* ev = std::get_if<Event>(&m)) {
    auto body = serialize_event(*ev);
    check(body.is_ok());
    check(parse_response(Opcode::kEvent, 0, *body).is_ok());
  }
}

void check_body(Opcode opcode, uint8_t flags, std::string_view body) {
  auto r = parse_response(opcode, flags, body);
  if (r.is_ok()) check_round_trip(*r);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (size >= 2) {
    static constexpr Opcode kOpcodes[] = {
        Opcode::kError,  Opcode::kReady, Opcode::kAuthenticate,  Opcode::kSupported,
        Opcode::kResult, Opcode::kEvent, Opcode::kAuthChallenge, Opcode::kAuthSuccess};
    check_body(kOpcodes[data[0] % std::size(kOpcodes)], data[1] & 0x0E, input.substr(2));
  }
  FrameDecoderOptions options;
  options.decode_responses = true;
  options.max_body_length = size_t{1} << 20;
  options.max_uncompressed_body_length = size_t{1} << 20;
  FrameDecoder decoder(options);
  if (size % 3 == 0) decoder.set_compression(Compression::kLz4);
  const size_t chunk = 1 + size % 11;
  for (size_t pos = 0; pos < input.size(); pos += chunk) {
    decoder.feed(input.substr(pos, chunk));
    for (;;) {
      auto frame = decoder.next();
      if (!frame.is_ok() || !frame->has_value()) break;
      auto r = parse_response(**frame);
      if (r.is_ok()) check_round_trip(*r);
    }
    if (decoder.failed()) break;
  }
  return 0;
}
