// Fuzzes the CQL protocol's server side with arbitrary client bytes: the
// FrameDecoder (fed in small chunks, switching to the codec a STARTUP names,
// as the server will), the request parser of each whole frame's opcode, and
// the value decoder on every bound value. Whatever parses must re-serialize
// and parse to the same request; every decoded value must re-encode to bytes
// that decode and encode to the same bytes. A rejected stream must still
// yield its ERROR reply.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "cql/protocol/frame.h"
#include "cql/protocol/messages.h"
#include "cql/protocol/types.h"

namespace {

using namespace medallion::cql;  // NOLINT

void check(bool ok) {
  if (!ok) std::abort();
}

const std::vector<CqlType>& value_types() {
  static const std::vector<CqlType> types = [] {
    std::vector<CqlType> t;
    for (uint16_t id : {0x01, 0x02, 0x03, 0x04, 0x06, 0x07, 0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E,
                        0x0F, 0x10, 0x11, 0x12, 0x13, 0x14}) {
      t.push_back(CqlType::of(static_cast<TypeId>(id)));
    }
    t.push_back(CqlType::list_of(
        CqlType::map_of(CqlType::of(TypeId::kVarchar), CqlType::of(TypeId::kInt))));
    t.push_back(CqlType::set_of(CqlType::of(TypeId::kVarint)));
    return t;
  }();
  return types;
}

void check_value(const std::string& bytes, size_t which) {
  const CqlType& type = value_types()[which % value_types().size()];
  auto v = decode_value(type, bytes);
  if (!v.is_ok()) return;
  auto once = encode_value(type, *v);
  check(once.is_ok());
  auto again = decode_value(type, *once);
  check(again.is_ok());
  auto twice = encode_value(type, *again);
  check(twice.is_ok() && *twice == *once);
  if (const auto* x = std::get_if<Varint>(&v->v)) (void)x->to_string();
  if (const auto* d = std::get_if<Decimal>(&v->v)) {
    if (d->unscaled.bytes().size() < 64) (void)d->to_string();
  }
}

void check_values(const std::vector<Value>& values, size_t seed) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].kind == Value::Kind::kBytes) check_value(values[i].bytes, seed + i);
  }
}

void check_request(const Frame& frame, FrameDecoder& decoder) {
  auto request = parse_request(frame);
  if (!request.is_ok()) return;
  auto body = serialize_request(*request);
  check(body.is_ok());
  const uint8_t flags = request->custom_payload ? kFlagCustomPayload : 0;
  auto again = parse_request(frame.header.opcode, flags, *body);
  check(again.is_ok() && *again == *request);

  const auto& m = request->message;
  if (const auto* s = std::get_if<StartupRequest>(&m)) {
    auto it = s->options.find("COMPRESSION");
    if (it != s->options.end()) {
      if (auto c = compression_from_name(it->second)) decoder.set_compression(*c);
    }
  } else if (const auto* q = std::get_if<QueryRequest>(&m)) {
    check_values(q->parameters.values, q->query.size());
  } else if (const auto* e = std::get_if<ExecuteRequest>(&m)) {
    check_values(e->parameters.values, e->id.size());
  } else if (const auto* b = std::get_if<BatchRequest>(&m)) {
    for (const auto& st : b->statements) check_values(st.values, st.query_or_id.size());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FrameDecoderOptions options;
  options.max_body_length = size_t{1} << 20;
  options.max_uncompressed_body_length = size_t{1} << 20;
  options.accept_v3 = (size % 5) == 0;
  FrameDecoder decoder(options);
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t chunk = 1 + size % 13;
  for (size_t pos = 0; pos < input.size(); pos += chunk) {
    decoder.feed(input.substr(pos, chunk));
    for (;;) {
      auto frame = decoder.next();
      if (!frame.is_ok()) {
        check(decoder.rejection().has_value());
        const std::string reply = serialize_rejection(*decoder.rejection());
        check(reply.size() >= kFrameHeaderSize + 6);
        return 0;
      }
      if (!frame->has_value()) break;
      check_request(**frame, decoder);
    }
  }
  return 0;
}
