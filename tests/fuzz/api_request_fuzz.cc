// Fuzzes what the REST API does with a request-target before any query:
// uvicorn's target check, path decoding, routing, query parsing, the
// parameter checks and page tokens. Invariants: decoding yields valid UTF-8
// (JSON bodies echo it), a parsed int within its bounds is what the text
// says, and every token that decodes encodes back to an equal token.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "api/fastapi_params.h"
#include "api/router.h"

namespace {

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

const medallion::api::Router& router() {
  static const medallion::api::Router r = [] {
    medallion::api::Router x;
    x.add({"GET"}, "/health");
    x.add({"GET"}, "/models/completed-sessions/{player_id}");
    x.add({"GET"}, "/models/started_sessions/{country}/{hours}");
    return x;
  }();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace medallion::api;
  const std::string_view target(reinterpret_cast<const char*>(data), size);
  (void)is_h11_request_target(target);
  const size_t q = target.find('?');
  const std::string path = decode_path(target.substr(0, q));
  if (!valid_utf8(path)) std::abort();
  const auto match = router().match("GET", path);
  for (const auto& param : match.params) {
    (void)validate_str(param, "path", "player_id", StrRule{64});
    const auto hours = validate_int(param, "path", "hours", IntRule{1, 24});
    if (const auto* v = std::get_if<int64_t>(&hours); v && (*v < 1 || *v > 24)) std::abort();
  }
  if (q != std::string_view::npos) {
    const auto query = parse_query(target.substr(q + 1));
    for (const auto& [name, value] : query) {
      if (!valid_utf8(name) || !valid_utf8(value)) std::abort();
    }
    if (auto token_text = query_value(query, "page_token")) {
      if (auto token = decode_page_token(*token_text)) {
        if (decode_page_token(encode_page_token(*token)) != token) std::abort();
      }
    }
  }
  return 0;
}
