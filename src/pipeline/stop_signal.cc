#include "pipeline/stop_signal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>

namespace medallion::pipeline {
namespace {

// The installed StopSignal: the one place a signal handler can reach. Set
// and cleared only by install() and the destructor.
std::atomic<StopSignal*> g_installed{nullptr};

util::Status os_error(std::string_view what) {
  return util::Status::io_error(fmt::format(
      "pipeline: cannot {} for the stop signal ({}): check the process's file descriptor limit",
      what, ::strerror(errno)));
}

}  // namespace

void stop_signal_handler(int signal_number) {
  const int saved_errno = errno;
  if (StopSignal* s = g_installed.load(std::memory_order_acquire)) s->notify(signal_number);
  errno = saved_errno;
}

struct StopSignal::Saved {
  struct sigaction sigint {};
  struct sigaction sigterm {};
};

util::Result<std::unique_ptr<StopSignal>> StopSignal::install() {
  std::unique_ptr<StopSignal> s(new StopSignal());
  int fds[2];
  if (::pipe(fds) != 0) return os_error("create a pipe");
  s->pipe_read_ = fds[0];
  s->pipe_write_ = fds[1];
  for (int fd : fds) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0 ||
        ::fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
      return os_error("set up a pipe");
    }
  }
  StopSignal* expected = nullptr;
  if (!g_installed.compare_exchange_strong(expected, s.get(), std::memory_order_acq_rel)) {
    return util::Status::already_exists(
        "pipeline: a stop signal handler is already installed in this process: use that one");
  }
  s->saved_ = std::make_unique<Saved>();
  struct sigaction action {};
  action.sa_handler = stop_signal_handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  if (::sigaction(SIGINT, &action, &s->saved_->sigint) != 0 ||
      ::sigaction(SIGTERM, &action, &s->saved_->sigterm) != 0) {
    util::Status st = os_error("install signal handlers");
    ::sigaction(SIGINT, &s->saved_->sigint, nullptr);
    g_installed.store(nullptr, std::memory_order_release);
    s->saved_.reset();
    return st;
  }
  return s;
}

StopSignal::~StopSignal() {
  if (saved_) {
    ::sigaction(SIGINT, &saved_->sigint, nullptr);
    ::sigaction(SIGTERM, &saved_->sigterm, nullptr);
    g_installed.store(nullptr, std::memory_order_release);
  }
  if (pipe_read_ >= 0) ::close(pipe_read_);
  if (pipe_write_ >= 0) ::close(pipe_write_);
}

void StopSignal::notify(int signal_number) {
  int expected = 0;
  signal_.compare_exchange_strong(expected, signal_number, std::memory_order_acq_rel);
  flag_.store(true, std::memory_order_release);
  const char byte = 1;
  // A full pipe already holds a wake-up; nothing else can go wrong that a
  // handler could do something about.
  [[maybe_unused]] ssize_t n = ::write(pipe_write_, &byte, 1);
}

void StopSignal::request_stop() {
  flag_.store(true, std::memory_order_release);
  const char byte = 1;
  [[maybe_unused]] ssize_t n = ::write(pipe_write_, &byte, 1);
}

bool StopSignal::wait_for(std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout;
  while (!stop_requested()) {
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    pollfd p{};
    p.fd = pipe_read_;
    p.events = POLLIN;
    const int ready = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 1000 * 60)));
    if (ready > 0) {
      char buf[64];
      while (::read(pipe_read_, buf, sizeof buf) > 0) {
      }
    }
  }
  return stop_requested();
}

}  // namespace medallion::pipeline
