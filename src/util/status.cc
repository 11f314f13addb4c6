#include "util/status.h"

namespace medallion::util {

std::string_view status_code_name(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid argument";
    case StatusCode::kNotFound: return "not found";
    case StatusCode::kAlreadyExists: return "already exists";
    case StatusCode::kCorruption: return "corruption";
    case StatusCode::kIOError: return "I/O error";
    case StatusCode::kUnsupported: return "unsupported";
    case StatusCode::kAborted: return "aborted";
    case StatusCode::kFailedPrecondition: return "failed precondition";
    case StatusCode::kInternal: return "internal error";
  }
  return "unknown";
}

Status Status::with_context(std::string_view prefix) const {
  if (is_ok()) return *this;
  std::string msg;
  msg.reserve(prefix.size() + 2 + message_.size());
  msg.append(prefix).append(": ").append(message_);
  return {code_, std::move(msg)};
}

}  // namespace medallion::util
