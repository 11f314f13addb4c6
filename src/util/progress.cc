#include "util/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <iterator>

#include <fmt/format.h>

namespace medallion::util {

namespace {

constexpr int64_t kRedrawIntervalNs = 100'000'000;  // at most 10 redraws a second
// Rates measured over less time than this are noise; they are not shown.
constexpr double kMinRateSeconds = 0.2;
constexpr std::string_view kClearToEndOfLine = "\x1b[K";

void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // a progress line is not worth failing for
    text.remove_prefix(static_cast<size_t>(n));
  }
}

// value scaled by 1000 until it has at most three integer digits.
std::string scaled(double value, int decimals_small, bool significant) {
  static constexpr const char* kUnits[] = {"", "k", "M", "G", "T", "P"};
  size_t unit = 0;
  while (unit + 1 < std::size(kUnits) && value >= 999.5) {
    value /= 1000.0;
    ++unit;
  }
  int decimals = decimals_small;
  if (significant) decimals = value < 9.995 ? 2 : value < 99.95 ? 1 : 0;
  return fmt::format("{:.{}f}{}", value, decimals, kUnits[unit]);
}

}  // namespace

std::string format_count(uint64_t n) {
  if (n < 1000) return fmt::format("{}", n);
  return scaled(static_cast<double>(n), 0, /*significant=*/true);
}

std::string format_bytes(uint64_t n) {
  if (n < 1000) return fmt::format("{} B", n);
  std::string text = scaled(static_cast<double>(n), 1, /*significant=*/false);
  text.insert(text.size() - 1, " ");
  text.push_back('B');
  return text;
}

std::string format_rate(double bytes_per_second) {
  if (!(bytes_per_second >= 0)) bytes_per_second = 0;
  return format_bytes(static_cast<uint64_t>(std::llround(bytes_per_second))) + "/s";
}

std::string format_duration(double seconds) {
  if (!(seconds >= 0)) seconds = 0;
  const auto total = static_cast<uint64_t>(std::llround(seconds));
  const uint64_t h = total / 3600, m = total / 60 % 60, s = total % 60;
  if (h > 0) return fmt::format("{}:{:02}:{:02}", h, m, s);
  return fmt::format("{}:{:02}", m, s);
}

Progress::Progress(ProgressOptions options)
    : options_(std::move(options)), start_(std::chrono::steady_clock::now()) {
  total_bytes_.store(options_.total_bytes, std::memory_order_relaxed);
  if (options_.quiet) return;
  if (options_.force_fd >= 0) {
    fd_ = options_.force_fd;
  } else if (::isatty(STDERR_FILENO) == 1) {
    fd_ = STDERR_FILENO;
  }
}

Progress::~Progress() { finish(); }

void Progress::add(uint64_t items, uint64_t bytes) {
  items_.fetch_add(items, std::memory_order_relaxed);
  bytes_.fetch_add(bytes, std::memory_order_relaxed);
  if (fd_ >= 0) maybe_draw();
}

void Progress::set_total_bytes(uint64_t total) {
  total_bytes_.store(total, std::memory_order_relaxed);
}

void Progress::maybe_draw() {
  const int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::steady_clock::now() - start_)
                             .count();
  int64_t due = next_draw_ns_.load(std::memory_order_relaxed);
  // One thread wins each redraw slot; the others return at once.
  if (now_ns < due || !next_draw_ns_.compare_exchange_strong(due, now_ns + kRedrawIntervalNs,
                                                             std::memory_order_relaxed)) {
    return;
  }
  std::lock_guard lock(draw_mu_);
  if (finished_) return;
  std::string text = "\r";
  text += render_line_at(std::chrono::nanoseconds(now_ns));
  text += kClearToEndOfLine;
  write_all(fd_, text);
  drawn_ = true;
}

void Progress::finish() {
  std::lock_guard lock(draw_mu_);
  if (finished_) return;
  finished_ = true;
  if (drawn_) write_all(fd_, std::string("\r").append(kClearToEndOfLine));
}

std::string Progress::render_line() const {
  return render_line_at(std::chrono::steady_clock::now() - start_);
}

std::string Progress::render_line_at(std::chrono::nanoseconds elapsed) const {
  const double seconds = std::chrono::duration<double>(elapsed).count();
  const uint64_t items = this->items();
  const uint64_t bytes = this->bytes();
  const uint64_t total_bytes = total_bytes_.load(std::memory_order_relaxed);
  const uint64_t total_items = options_.total_items;
  const bool timed = seconds >= kMinRateSeconds;

  std::string line = options_.label;
  auto field = [&line](std::string_view text) {
    if (!line.empty()) line += "  ";
    line += text;
  };
  if (items > 0 || total_items > 0) {
    std::string text = format_count(items);
    if (total_items > 0) text += "/" + format_count(total_items);
    field(text + " " + options_.item_name);
  }
  if (bytes > 0 || total_bytes > 0) {
    std::string text = format_bytes(bytes);
    if (total_bytes > 0) {
      text += " / " + format_bytes(total_bytes);
      const double percent = 100.0 * static_cast<double>(bytes) / static_cast<double>(total_bytes);
      text += fmt::format("  {:.0f}%", std::min(percent, 100.0));
    }
    field(text);
    if (timed) field(format_rate(static_cast<double>(bytes) / seconds));
  } else if (items > 0 && timed) {
    field(format_count(static_cast<uint64_t>(static_cast<double>(items) / seconds)) + " " +
          options_.item_name + "/s");
  }
  // ETA from whichever total is known, at the average rate so far.
  double remaining = -1;
  if (timed && total_bytes > 0 && bytes > 0 && bytes < total_bytes) {
    remaining = seconds * static_cast<double>(total_bytes - bytes) / static_cast<double>(bytes);
  } else if (timed && total_items > 0 && items > 0 && items < total_items) {
    remaining = seconds * static_cast<double>(total_items - items) / static_cast<double>(items);
  }
  if (remaining >= 0) field("ETA " + format_duration(remaining));
  return line;
}

}  // namespace medallion::util
