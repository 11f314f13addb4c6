#include "cql/server/password_authenticator.h"

#include <algorithm>

namespace medallion::cql {

bool constant_time_equals(std::string_view a, std::string_view b) {
  const size_t n = std::max(a.size(), b.size());
  unsigned diff = a.size() == b.size() ? 0u : 1u;
  for (size_t i = 0; i < n; ++i) {
    const auto x = static_cast<unsigned char>(i < a.size() ? a[i] : 0);
    const auto y = static_cast<unsigned char>(i < b.size() ? b[i] : 0);
    diff |= static_cast<unsigned>(x ^ y);
  }
  // Keep the compiler from short-circuiting the loop.
  volatile unsigned result = diff;
  return result == 0;
}

util::Result<std::string> PasswordAuthenticator::check(
    const std::optional<std::string>& token) const {
  std::string_view user;
  std::string_view password;
  bool well_formed = false;
  if (token) {
    const std::string_view t = *token;
    const size_t first = t.find('\0');
    if (first != std::string_view::npos) {
      const size_t second = t.find('\0', first + 1);
      if (second != std::string_view::npos) {
        user = t.substr(first + 1, second - first - 1);
        password = t.substr(second + 1);
        well_formed = true;
      }
    }
  }
  bool ok = false;
  if (well_formed) {
    for (const ServerUser& u : users_) {
      // Compare every user's password so the time does not tell which name exists.
      const bool match = constant_time_equals(u.password, password);
      ok = ok || (u.name == user && match);
    }
  }
  if (!ok) {
    return util::Status::invalid_argument("Provided username " + std::string(user) +
                                          " and/or password are incorrect");
  }
  return std::string(user);
}

}  // namespace medallion::cql
