#include "cql/protocol/frame.h"

#include <fmt/format.h>

#include <climits>

namespace medallion::cql {
namespace {

uint32_t load_u32(const char* p) {
  return (uint32_t{static_cast<uint8_t>(p[0])} << 24) |
         (uint32_t{static_cast<uint8_t>(p[1])} << 16) |
         (uint32_t{static_cast<uint8_t>(p[2])} << 8) | uint32_t{static_cast<uint8_t>(p[3])};
}

}  // namespace

std::string_view opcode_name(Opcode opcode) {
  switch (opcode) {
    case Opcode::kError:
      return "ERROR";
    case Opcode::kStartup:
      return "STARTUP";
    case Opcode::kReady:
      return "READY";
    case Opcode::kAuthenticate:
      return "AUTHENTICATE";
    case Opcode::kOptions:
      return "OPTIONS";
    case Opcode::kSupported:
      return "SUPPORTED";
    case Opcode::kQuery:
      return "QUERY";
    case Opcode::kResult:
      return "RESULT";
    case Opcode::kPrepare:
      return "PREPARE";
    case Opcode::kExecute:
      return "EXECUTE";
    case Opcode::kRegister:
      return "REGISTER";
    case Opcode::kEvent:
      return "EVENT";
    case Opcode::kBatch:
      return "BATCH";
    case Opcode::kAuthChallenge:
      return "AUTH_CHALLENGE";
    case Opcode::kAuthResponse:
      return "AUTH_RESPONSE";
    case Opcode::kAuthSuccess:
      return "AUTH_SUCCESS";
  }
  return "UNKNOWN";
}

bool is_known_opcode(uint8_t opcode) { return opcode <= 0x10 && opcode != 0x04; }

bool is_request_opcode(Opcode opcode) {
  switch (opcode) {
    case Opcode::kStartup:
    case Opcode::kOptions:
    case Opcode::kQuery:
    case Opcode::kPrepare:
    case Opcode::kExecute:
    case Opcode::kRegister:
    case Opcode::kBatch:
    case Opcode::kAuthResponse:
      return true;
    default:
      return false;
  }
}

std::string encode_frame_header(const FrameHeader& header) {
  std::string out(kFrameHeaderSize, '\0');
  out[0] = static_cast<char>((header.version & 0x7F) | (header.response ? kResponseBit : 0));
  out[1] = static_cast<char>(header.flags);
  const auto stream = static_cast<uint16_t>(header.stream);
  out[2] = static_cast<char>(stream >> 8);
  out[3] = static_cast<char>(stream);
  out[4] = static_cast<char>(header.opcode);
  out[5] = static_cast<char>(header.length >> 24);
  out[6] = static_cast<char>(header.length >> 16);
  out[7] = static_cast<char>(header.length >> 8);
  out[8] = static_cast<char>(header.length);
  return out;
}

util::Result<std::string> serialize_frame(const FrameHeader& header, std::string_view body,
                                          Compression compression) {
  FrameHeader h = header;
  h.flags = static_cast<uint8_t>(h.flags & ~kFlagCompressed);
  std::string compressed;
  if (compression != Compression::kNone) {
    MEDALLION_RETURN_IF_ERROR(compress_body(compression, body, &compressed));
    body = compressed;
    h.flags |= kFlagCompressed;
  }
  if (body.size() > static_cast<size_t>(INT32_MAX)) {
    return util::Status::invalid_argument(fmt::format(
        "cql: a frame body of {} bytes (frame writer, stream {}): a body is at most 2 GiB; send "
        "less",
        body.size(), header.stream));
  }
  h.length = static_cast<uint32_t>(body.size());
  std::string out = encode_frame_header(h);
  out.append(body);
  return out;
}

FrameDecoder::FrameDecoder(FrameDecoderOptions options) : options_(options) {}

void FrameDecoder::feed(std::string_view bytes) {
  if (failed()) return;
  // Drop what was consumed once it is most of the buffer.
  if (consumed_ > 0 && consumed_ >= buffer_.size() / 2) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  buffer_.append(bytes);
}

std::string FrameDecoder::supported_versions() const {
  return options_.accept_v3 ? "3/v3, 4/v4" : "4/v4";
}

util::Status FrameDecoder::fail(util::Status status, int16_t stream, std::string reply) {
  error_ = std::move(status);
  rejection_ = FrameRejection{stream, std::move(reply)};
  buffer_.clear();
  consumed_ = 0;
  return error_;
}

util::Result<std::optional<Frame>> FrameDecoder::next() {
  if (failed()) return error_;
  const std::string_view in = std::string_view(buffer_).substr(consumed_);
  if (in.empty()) return std::optional<Frame>();

  const auto byte0 = static_cast<uint8_t>(in[0]);
  const bool response = (byte0 & kResponseBit) != 0;
  const uint8_t version = byte0 & 0x7F;
  const std::string_view expected_dir = options_.decode_responses ? "response" : "request";

  // The stream, as soon as the bytes that hold it are there: one signed byte
  // in v1/v2, a signed short from v3 on.
  const size_t stream_end = version < 3 ? 3 : 4;
  if (in.size() < stream_end) return std::optional<Frame>();
  const int16_t stream =
      version < 3
          ? static_cast<int16_t>(static_cast<int8_t>(in[2]))
          : static_cast<int16_t>((static_cast<uint8_t>(in[2]) << 8) | static_cast<uint8_t>(in[3]));

  if (response != options_.decode_responses) {
    return fail(util::Status::corruption(fmt::format(
                    "cql: a {} frame where a {} was expected (frame header byte 0x{:02X}, stream "
                    "{}): the peer is not speaking the CQL protocol as a {}",
                    response ? "response" : "request", expected_dir, byte0, stream,
                    options_.decode_responses ? "server" : "client")),
                stream,
                fmt::format("Invalid frame direction: expected a {} frame (version byte 0x{:02X})",
                            expected_dir, byte0));
  }
  const bool supported = version == kProtocolV4 || (version == 3 && options_.accept_v3);
  if (!supported || (version_ != 0 && version != version_)) {
    std::string reply;
    std::string hint;
    if (!supported) {
      reply = fmt::format(
          "Invalid or unsupported protocol version ({}); supported versions are "
          "({})",
          version, supported_versions());
      hint = fmt::format("connect with protocol version {} (drivers downgrade on this error)",
                         supported_versions());
    } else {
      reply = fmt::format(
          "Invalid message version. Got {} but previous messages on this "
          "connection had version {}",
          version, version_);
      hint = "a connection keeps the protocol version of its first frame";
    }
    return fail(util::Status::unsupported(fmt::format(
                    "cql: protocol version {} is not supported (frame header, stream {}): {}",
                    version, stream, hint)),
                stream, std::move(reply));
  }

  if (in.size() < kFrameHeaderSize) return std::optional<Frame>();
  FrameHeader header;
  header.version = version;
  header.response = response;
  header.flags = static_cast<uint8_t>(in[1]);
  header.stream = stream;
  const auto opcode = static_cast<uint8_t>(in[4]);
  header.length = load_u32(in.data() + 5);

  if (!is_known_opcode(opcode)) {
    return fail(util::Status::corruption(fmt::format(
                    "cql: unknown opcode 0x{:02X} (frame header, stream {}): the peer sent a "
                    "message protocol v{} does not define",
                    opcode, stream, version)),
                stream, fmt::format("Unknown opcode {}", opcode));
  }
  header.opcode = static_cast<Opcode>(opcode);
  if (is_request_opcode(header.opcode) == options_.decode_responses) {
    return fail(util::Status::corruption(fmt::format(
                    "cql: opcode {} is not a {} (frame header, stream {}): the peer sent a "
                    "message only the other side sends",
                    opcode_name(header.opcode), expected_dir, stream)),
                stream,
                fmt::format("Unexpected message {}, expecting a {}", opcode_name(header.opcode),
                            expected_dir));
  }
  if (header.length > static_cast<uint32_t>(INT32_MAX) ||
      header.length > options_.max_body_length) {
    const auto length = static_cast<int32_t>(header.length);
    return fail(util::Status::corruption(fmt::format(
                    "cql: frame body length {} is {} (frame header, stream {}, {}): send frames "
                    "of at most {} bytes",
                    length, length < 0 ? "negative" : "over the limit", stream,
                    opcode_name(header.opcode), options_.max_body_length)),
                stream,
                fmt::format("Request is too big: length {} exceeds maximum allowed length {}.",
                            length, options_.max_body_length));
  }
  if (in.size() - kFrameHeaderSize < header.length) return std::optional<Frame>();

  const std::string_view wire_body = in.substr(kFrameHeaderSize, header.length);
  Frame frame;
  frame.header = header;
  if ((header.flags & kFlagCompressed) != 0) {
    if (compression_ == Compression::kNone) {
      return fail(util::Status::corruption(fmt::format(
                      "cql: a compressed {} body but no compression was agreed (frame header, "
                      "stream {}): name lz4 or snappy in STARTUP's COMPRESSION first",
                      opcode_name(header.opcode), stream)),
                  stream,
                  "Received a compressed frame but no compression was negotiated in STARTUP");
    }
    util::Status st = decompress_body(compression_, wire_body,
                                      options_.max_uncompressed_body_length, &frame.body);
    if (!st.is_ok()) {
      std::string reply = fmt::format("Could not decompress the {} frame body with {}",
                                      opcode_name(header.opcode), compression_name(compression_));
      return fail(std::move(st), stream, std::move(reply));
    }
    frame.header.flags = static_cast<uint8_t>(frame.header.flags & ~kFlagCompressed);
  } else {
    frame.body.assign(wire_body);
  }
  consumed_ += kFrameHeaderSize + header.length;
  if (consumed_ == buffer_.size()) {
    buffer_.clear();
    consumed_ = 0;
  }
  version_ = version;
  return std::optional<Frame>(std::move(frame));
}

}  // namespace medallion::cql
