#include "util/log.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>

#include "util/civil_time.h"

namespace medallion::util {

namespace {
// The one piece of process-wide state: set by the CLI before work starts.
std::atomic<LogLevel> g_level{LogLevel::kInfo};

std::string_view level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "DEBUG";
    case LogLevel::kInfo: return "INFO";
    case LogLevel::kWarn: return "WARN";
    case LogLevel::kError: return "ERROR";
    case LogLevel::kOff: return "OFF";
  }
  return "?";
}
}  // namespace

void set_log_level(LogLevel level) { g_level.store(level, std::memory_order_relaxed); }
LogLevel log_level() { return g_level.load(std::memory_order_relaxed); }

void log_line(LogLevel level, std::string_view message) {
  if (level < log_level()) return;
  const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  std::string line;
  line.reserve(message.size() + 48);
  append_iso8601(line, now / 1000 * 1000, FractionStyle::kAlwaysMicros, true);
  line.resize(line.size() - 4);  // keep milliseconds
  line.push_back('Z');
  line.push_back(' ');
  line.append(level_name(level));
  line.push_back(' ');
  line.append(message);
  line.push_back('\n');
  size_t off = 0;
  while (off < line.size()) {
    const ssize_t n = ::write(STDERR_FILENO, line.data() + off, line.size() - off);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
}

}  // namespace medallion::util
