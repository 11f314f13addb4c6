#include "delta/z85.h"

#include <fmt/format.h>

#include <array>
#include <cstdint>

namespace medallion::delta {

namespace {

constexpr std::string_view kAlphabet =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
static_assert(kAlphabet.size() == 85);

constexpr int8_t kNotZ85 = -1;

// Character -> digit value, kNotZ85 for characters outside the alphabet.
constexpr std::array<int8_t, 256> make_digits() {
  std::array<int8_t, 256> digits{};
  for (auto& d : digits) d = kNotZ85;
  for (size_t i = 0; i < kAlphabet.size(); ++i) {
    digits[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
  }
  return digits;
}
constexpr std::array<int8_t, 256> kDigits = make_digits();

}  // namespace

util::Result<std::string> z85_decode(std::string_view text) {
  if (text.size() % 5 != 0) {
    return util::Status::invalid_argument(fmt::format(
        "delta: Z85 text of {} characters is not a multiple of 5 (Z85 decoding): the "
        "deletion vector descriptor is malformed",
        text.size()));
  }
  std::string out;
  out.reserve(text.size() / 5 * 4);
  for (size_t group = 0; group < text.size(); group += 5) {
    uint64_t value = 0;
    for (size_t i = group; i < group + 5; ++i) {
      const int8_t digit = kDigits[static_cast<unsigned char>(text[i])];
      if (digit == kNotZ85) {
        return util::Status::invalid_argument(fmt::format(
            "delta: character 0x{:02x} at position {} is not in the Z85 alphabet (Z85 "
            "decoding): the deletion vector descriptor is malformed",
            static_cast<unsigned char>(text[i]), i));
      }
      value = value * 85 + static_cast<uint64_t>(digit);
    }
    if (value > UINT32_MAX) {
      return util::Status::invalid_argument(fmt::format(
          "delta: Z85 group at position {} encodes {}, more than 32 bits (Z85 decoding): the "
          "deletion vector descriptor is malformed",
          group, value));
    }
    out.push_back(static_cast<char>(value >> 24));
    out.push_back(static_cast<char>(value >> 16));
    out.push_back(static_cast<char>(value >> 8));
    out.push_back(static_cast<char>(value));
  }
  return out;
}

std::string z85_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 3) / 4 * 5);
  for (size_t group = 0; group < bytes.size(); group += 4) {
    uint32_t value = 0;
    for (size_t i = group; i < group + 4; ++i) {
      const uint32_t byte = i < bytes.size() ? static_cast<unsigned char>(bytes[i]) : 0;
      value = (value << 8) | byte;
    }
    char digits[5];
    for (int i = 4; i >= 0; --i) {
      digits[i] = kAlphabet[value % 85];
      value /= 85;
    }
    out.append(digits, 5);
  }
  return out;
}

}  // namespace medallion::delta
