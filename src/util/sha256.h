// SHA-256 of byte streams, as lowercase hex (the landing zone's manifests).
//
// Thread safety: one Sha256 object per thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace medallion::util {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view data);
  // 64 lowercase hex digits. Ends the stream: later update() calls are
  // ignored and later hex_digest() calls return the same digest.
  std::string hex_digest();

  static std::string of(std::string_view data);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace medallion::util
