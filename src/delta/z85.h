// Z85: the ZeroMQ base-85 encoding (https://rfc.zeromq.org/spec/32/), which
// Delta uses for deletion vector UUIDs and inline deletion vectors
// (PROTOCOL.md "Deletion Vector Descriptor Schema").
//
// Every 4 bytes, read as a big-endian uint32 V, become 5 characters: the
// base-85 digits of V, most significant first, each drawn from
//
//   0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#
//
// so that 4*n bytes are 5*n characters. Example (the spec's test vector):
//   86 4F D2 6F B5 59 F7 5B  <->  "HelloWorld"
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace medallion::delta {

// Decodes Z85 text into bytes. The length must be a multiple of 5; a
// character outside the alphabet, or a 5-character group whose value
// exceeds 2^32 - 1, is an invalid_argument error naming its position.
util::Result<std::string> z85_decode(std::string_view text);

// Encodes bytes as Z85 text. Precondition: bytes.size() is a multiple of 4
// (callers pad); a trailing partial group is encoded as if zero-padded.
std::string z85_encode(std::string_view bytes);

}  // namespace medallion::delta
