// Frames of the CQL native protocol v4 (native_protocol_v4.spec §1, §2): a
// 9-byte big-endian header, then `length` bytes of body.
//
//   byte 0     version: bit 7 = direction (0 request, 1 response), bits 0-6 =
//              the protocol version (4: 0x04 requests, 0x84 responses)
//   byte 1     flags: 0x01 compressed body, 0x02 tracing, 0x04 custom payload,
//              0x08 warnings (other bits are ignored)
//   bytes 2-3  stream: signed [short]; requests use >= 0, EVENTs -1
//   byte 4     opcode (Opcode below; there is no 0x04)
//   bytes 5-8  length: [int] body length, at most 256 MiB
//
// (Versions 1 and 2 had an 8-byte header whose stream was one signed byte at
// offset 2; the decoder reads a v1/v2 frame's stream from there, only to
// answer it.)
//
// FrameDecoder is the server's (or a client's) reassembler: feed it bytes as
// they arrive and take whole frames out. It checks, in this order, as soon as
// the bytes are there: the direction bit, the version (v4, and v3 when
// enabled; a connection keeps the version of its first frame), the opcode
// (known, and a request opcode when decoding requests), the length (0 <= n <=
// max_body_length), then, for a compressed body, the codec agreed in STARTUP
// and the decompressed size (<= max_uncompressed_body_length).
//
// Any failure leaves the decoder failed: every later next() repeats the error.
// The Status says what is wrong; rejection() says what to answer: an ERROR
// 0x000A (Protocol error) on the offending frame's stream, after which the
// connection is closed. A frame of another version is answered with
//   "Invalid or unsupported protocol version (N); supported versions are (4/v4)"
// ("(3/v3, 4/v4)" when v3 is on), Cassandra's wording: the python driver
// downgrades on a protocol error whose message contains "unsupported protocol
// version" (cassandra/connection.py, Connection.process_msg), the node driver
// on one containing "Invalid or unsupported protocol version"
// (lib/connection.js, Connection.startup).
//
// Thread safety: a FrameDecoder is a single-threaded value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cql/protocol/body_compression.h"
#include "util/status.h"

namespace medallion::cql {

enum class Opcode : uint8_t {
  kError = 0x00,
  kStartup = 0x01,
  kReady = 0x02,
  kAuthenticate = 0x03,
  kOptions = 0x05,
  kSupported = 0x06,
  kQuery = 0x07,
  kResult = 0x08,
  kPrepare = 0x09,
  kExecute = 0x0A,
  kRegister = 0x0B,
  kEvent = 0x0C,
  kBatch = 0x0D,
  kAuthChallenge = 0x0E,
  kAuthResponse = 0x0F,
  kAuthSuccess = 0x10,
};

// "QUERY", "RESULT", ...; "UNKNOWN" otherwise.
std::string_view opcode_name(Opcode opcode);
// True for the opcodes v4 defines.
bool is_known_opcode(uint8_t opcode);
// True for the opcodes a client sends.
bool is_request_opcode(Opcode opcode);

constexpr size_t kFrameHeaderSize = 9;
constexpr uint8_t kProtocolV4 = 4;
constexpr uint8_t kResponseBit = 0x80;
constexpr size_t kDefaultMaxBodyLength = size_t{256} << 20;

// Header flag bits.
constexpr uint8_t kFlagCompressed = 0x01;
constexpr uint8_t kFlagTracing = 0x02;
constexpr uint8_t kFlagCustomPayload = 0x04;
constexpr uint8_t kFlagWarning = 0x08;

struct FrameHeader {
  uint8_t version = kProtocolV4;  // without the direction bit
  bool response = false;          // the direction bit
  uint8_t flags = 0;
  int16_t stream = 0;
  Opcode opcode = Opcode::kOptions;
  uint32_t length = 0;  // body length on the wire
  bool operator==(const FrameHeader&) const = default;
};

// A whole frame. After decoding, `body` is uncompressed and kFlagCompressed
// is cleared from header.flags (header.length keeps the wire length).
struct Frame {
  FrameHeader header;
  std::string body;
};

// The 9 header bytes (header.length as given).
std::string encode_frame_header(const FrameHeader& header);

// Header + body; with a codec, the body is compressed and kFlagCompressed set
// (header.flags' own kFlagCompressed bit is ignored). header.length is
// ignored: the body's length is written. Errors: invalid_argument for a body
// over 2 GiB.
util::Result<std::string> serialize_frame(const FrameHeader& header, std::string_view body,
                                          Compression compression = Compression::kNone);

// What to send back for a frame the decoder refused: ERROR 0x000A on
// `stream` with `message` (messages.h serialize_rejection builds the frame).
// The connection is to be closed after sending it.
struct FrameRejection {
  int16_t stream = 0;
  std::string message;
  bool operator==(const FrameRejection&) const = default;
};

struct FrameDecoderOptions {
  size_t max_body_length = kDefaultMaxBodyLength;
  size_t max_uncompressed_body_length = kDefaultMaxBodyLength;
  bool accept_v3 = false;
  // false: decode requests (the server side); true: decode responses.
  bool decode_responses = false;
};

class FrameDecoder {
 public:
  explicit FrameDecoder(FrameDecoderOptions options = {});

  // Appends bytes received from the peer.
  void feed(std::string_view bytes);

  // The next whole frame, std::nullopt while more bytes are needed, or the
  // error that failed the decoder (see rejection()).
  util::Result<std::optional<Frame>> next();

  // The codec bodies flagged 0x01 are compressed with, once STARTUP agreed
  // one (kNone until then: a compressed body is then a protocol error).
  void set_compression(Compression compression) { compression_ = compression; }
  Compression compression() const { return compression_; }

  bool failed() const { return !error_.is_ok(); }
  // Set once the decoder has failed.
  const std::optional<FrameRejection>& rejection() const { return rejection_; }
  // The version of this connection: 0 until the first frame is accepted.
  uint8_t version() const { return version_; }
  // Bytes fed but not yet returned as frames.
  size_t buffered_bytes() const { return buffer_.size() - consumed_; }

 private:
  util::Status fail(util::Status status, int16_t stream, std::string reply);
  std::string supported_versions() const;

  FrameDecoderOptions options_;
  Compression compression_ = Compression::kNone;
  std::string buffer_;
  size_t consumed_ = 0;
  uint8_t version_ = 0;
  util::Status error_;
  std::optional<FrameRejection> rejection_;
};

}  // namespace medallion::cql
