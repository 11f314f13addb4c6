// PasswordAuthenticator: Cassandra's org.apache.cassandra.auth.
// PasswordAuthenticator as the server runs it. After STARTUP the server
// answers AUTHENTICATE with kPasswordAuthenticatorClass; the client answers
// AUTH_RESPONSE with a SASL PLAIN token (RFC 4616):
//
//   [authzid] 0x00 authcid 0x00 passwd      (authzid is ignored)
//
// and gets AUTH_SUCCESS, or ERROR 0x0100 (Bad credentials) "Provided
// username <user> and/or password are incorrect". Passwords are compared in
// constant time (the time does not depend on where they differ).
//
// Thread safety: immutable after construction; check() may run on many
// threads at once.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cql/server/server_config.h"
#include "util/status.h"

namespace medallion::cql {

inline constexpr std::string_view kPasswordAuthenticatorClass =
    "org.apache.cassandra.auth.PasswordAuthenticator";

class PasswordAuthenticator {
 public:
  explicit PasswordAuthenticator(std::vector<ServerUser> users) : users_(std::move(users)) {}

  // The user name the token authenticates. Errors: invalid_argument with the
  // Bad credentials message (also for a malformed token).
  util::Result<std::string> check(const std::optional<std::string>& token) const;

 private:
  std::vector<ServerUser> users_;
};

// True when a == b; the time taken depends only on the lengths.
bool constant_time_equals(std::string_view a, std::string_view b);

}  // namespace medallion::cql
