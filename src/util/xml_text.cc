#include "util/xml_text.h"

#include <cstddef>
#include <cstdint>
#include <utility>

namespace medallion::util {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// XML 1.0's Char production, minus what is already excluded by decoding
// (surrogates, > U+10FFFF).
bool is_xml_char(uint32_t c) {
  if (c < 0x20) return c == 0x09 || c == 0x0A || c == 0x0D;
  return c != 0xFFFE && c != 0xFFFF;
}

// Decodes one UTF-8 sequence at s[i]: its code point and length, or length 0
// when the bytes there are not a valid (shortest-form, non-surrogate) one.
std::pair<uint32_t, size_t> decode_utf8(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t b0 = byte(i);
  if (b0 < 0x80) return {b0, 1};
  size_t len = 0;
  uint32_t c = 0;
  uint32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, c = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, c = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, c = b0 & 0x07, min = 0x10000;
  } else {
    return {0, 0};
  }
  if (i + len > s.size()) return {0, 0};
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return {0, 0};
    c = (c << 6) | (byte(i + k) & 0x3F);
  }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return {0, 0};
  return {c, len};
}

}  // namespace

std::vector<std::string_view> xml_chars(std::string_view text, std::string* storage) {
  storage->clear();
  storage->reserve(text.size());
  std::vector<size_t> bounds;
  for (size_t i = 0; i < text.size();) {
    bounds.push_back(storage->size());
    auto [c, len] = decode_utf8(text, i);
    if (len == 0) {
      storage->append(kReplacement);
      ++i;  // resynchronize on the next byte
    } else {
      if (is_xml_char(c)) {
        storage->append(text.substr(i, len));
      } else {
        storage->append(kReplacement);
      }
      i += len;
    }
  }
  // Slices are taken only now: appending may have moved the storage.
  std::vector<std::string_view> chars;
  chars.reserve(bounds.size());
  for (size_t k = 0; k < bounds.size(); ++k) {
    const size_t end = k + 1 < bounds.size() ? bounds[k + 1] : storage->size();
    chars.emplace_back(storage->data() + bounds[k], end - bounds[k]);
  }
  return chars;
}

void append_xml_escaped_char(std::string& out, std::string_view ch) {
  if (ch.size() != 1) {
    out.append(ch);  // a multi-byte code point: nothing to escape
    return;
  }
  switch (ch[0]) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&apos;";
      break;
    default:
      out += ch[0];
  }
}

std::string xml_escape(std::string_view text) {
  std::string storage;
  std::string out;
  out.reserve(text.size());
  for (std::string_view ch : xml_chars(text, &storage)) append_xml_escaped_char(out, ch);
  return out;
}

}  // namespace medallion::util
