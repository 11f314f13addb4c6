#include "pipeline/line_window.h"

#include <cassert>
#include <cstring>

namespace medallion::pipeline {

namespace {
// The dead prefix is cut once it is this large and at least half the
// buffer, so each byte is moved a bounded number of times.
constexpr size_t kCompactBytes = 1 << 20;
}  // namespace

void LineWindow::append(std::string_view chunk) {
  if (start_ >= kCompactBytes && start_ * 2 >= text_.size()) {
    text_.erase(0, start_);
    start_ = 0;
  }
  text_.append(chunk);
}

void LineWindow::seek(int64_t number) {
  assert(number >= cursor_line_);
  while (cursor_line_ < number) {
    const void* nl = std::memchr(text_.data() + start_, '\n', text_.size() - start_);
    if (nl == nullptr) return;  // the stream has not reached that line yet
    start_ = static_cast<size_t>(static_cast<const char*>(nl) - text_.data()) + 1;
    ++cursor_line_;
  }
}

std::string_view LineWindow::line(int64_t number) {
  seek(number);
  const char* begin = text_.data() + start_;
  const size_t available = text_.size() - start_;
  const void* nl = std::memchr(begin, '\n', available);
  size_t length =
      nl == nullptr ? available : static_cast<size_t>(static_cast<const char*>(nl) - begin);
  if (nl != nullptr && length > 0 && begin[length - 1] == '\r') --length;
  return {begin, length};
}

void LineWindow::release_before(int64_t number) {
  if (number > cursor_line_) seek(number);
}

}  // namespace medallion::pipeline
