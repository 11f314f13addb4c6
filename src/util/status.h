// Status and Result<T>: medallion's one error type.
//
// Errors are values across every library boundary; exceptions never cross
// one. A Status is either OK or carries a code and a message written for the
// person who will read it, in the form
//   <component>: <what failed> (<where>): <what to do>
// Each edge (CLI exit code, HTTP status, CQL ERROR frame) translates a Status
// exactly once.
//
// Thread safety: Status and Result are values; distinct objects may be used
// from distinct threads freely.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace medallion::util {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,   // the caller (or the user) asked for something malformed
  kNotFound,          // a file, URL, table or key that does not exist
  kAlreadyExists,     // a put-if-absent lost, or a target is already there
  kCorruption,        // bytes on disk or on the wire violate their format
  kIOError,           // the operating system or the network failed us
  kUnsupported,       // valid input using a feature medallion does not implement
  kAborted,           // stopped on request (signal, cancellation) or lost to a concurrent writer
  kFailedPrecondition,  // the state (of a table, a stream) forbids the operation as asked
  kInternal,          // a broken invariant inside medallion: a bug
};

std::string_view status_code_name(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }
  static Status invalid_argument(std::string msg) { return {StatusCode::kInvalidArgument, std::move(msg)}; }
  static Status not_found(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status already_exists(std::string msg) { return {StatusCode::kAlreadyExists, std::move(msg)}; }
  static Status corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status io_error(std::string msg) { return {StatusCode::kIOError, std::move(msg)}; }
  static Status unsupported(std::string msg) { return {StatusCode::kUnsupported, std::move(msg)}; }
  static Status aborted(std::string msg) { return {StatusCode::kAborted, std::move(msg)}; }
  static Status failed_precondition(std::string msg) {
    return {StatusCode::kFailedPrecondition, std::move(msg)};
  }
  static Status internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool is_ok() const { return code_ == StatusCode::kOk; }
  explicit operator bool() const { return is_ok(); }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "<message>" for errors, "ok" for success.
  std::string to_string() const { return is_ok() ? std::string("ok") : message_; }

  // Returns a copy whose message is "<prefix>: <message>".
  Status with_context(std::string_view prefix) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A T or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    assert(!status_.is_ok() && "a Result built from a Status must carry an error");
    if (status_.is_ok()) status_ = Status::internal("Result built from an OK status");
  }

  bool is_ok() const { return value_.has_value(); }
  explicit operator bool() const { return is_ok(); }
  const Status& status() const { return status_; }

  T& value() & { assert(is_ok()); return *value_; }
  const T& value() const& { assert(is_ok()); return *value_; }
  T&& value() && { assert(is_ok()); return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace medallion::util

// Propagates a non-OK Status from an expression returning Status.
#define MEDALLION_RETURN_IF_ERROR(expr)                   \
  do {                                                    \
    ::medallion::util::Status _medallion_st = (expr);     \
    if (!_medallion_st.is_ok()) return _medallion_st;     \
  } while (0)

#define MEDALLION_CONCAT_INNER(a, b) a##b
#define MEDALLION_CONCAT(a, b) MEDALLION_CONCAT_INNER(a, b)

// `MEDALLION_ASSIGN_OR_RETURN(auto x, f());` binds x to f()'s value or
// returns its Status.
#define MEDALLION_ASSIGN_OR_RETURN(lhs, expr) \
  MEDALLION_ASSIGN_OR_RETURN_IMPL(MEDALLION_CONCAT(_medallion_res_, __LINE__), lhs, expr)
#define MEDALLION_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                    \
  if (!tmp.is_ok()) return tmp.status();                \
  lhs = std::move(tmp).value()
