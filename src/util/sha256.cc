#include "util/sha256.h"

#include <openssl/evp.h>

#include <cstdlib>

namespace medallion::util {

struct Sha256::State {
  EVP_MD_CTX* ctx = nullptr;
  bool finished = false;
  std::string digest;  // hex, once finished
  ~State() { EVP_MD_CTX_free(ctx); }
};

namespace {
// OpenSSL fails here only when out of memory or misconfigured (no default
// provider); neither leaves a way to go on, and a wrong digest would be worse.
void check(int ok) {
  if (ok != 1) std::abort();
}
}  // namespace

Sha256::Sha256() : state_(std::make_unique<State>()) {
  state_->ctx = EVP_MD_CTX_new();
  check(state_->ctx != nullptr);
  check(EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr));
}

Sha256::~Sha256() = default;

void Sha256::update(std::string_view data) {
  if (data.empty() || state_->finished) return;
  check(EVP_DigestUpdate(state_->ctx, data.data(), data.size()));
}

std::string Sha256::hex_digest() {
  if (state_->finished) return state_->digest;
  static constexpr char kHex[] = "0123456789abcdef";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  check(EVP_DigestFinal_ex(state_->ctx, digest, &length));
  state_->finished = true;
  std::string out;
  out.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  state_->digest = out;
  return out;
}

std::string Sha256::of(std::string_view data) {
  Sha256 sha;
  sha.update(data);
  return sha.hex_digest();
}

}  // namespace medallion::util
