// StopSignal: a stop request for long-running jobs (the stream runner),
// from SIGINT or SIGTERM or from code.
//
// install() puts handlers for SIGINT and SIGTERM in place (sigaction); the
// object's destruction puts the previous ones back. A handler only does
// what is async-signal-safe: it sets an atomic flag, records the signal and
// writes one byte to a non-blocking self-pipe. wait_for() polls that pipe,
// so a job sleeping between polls wakes at once when a signal arrives.
//
// Only one StopSignal may be installed at a time in a process (the handler
// needs one place to find it); a second install() fails with
// kAlreadyExists.
//
// Thread safety: stop_requested, request_stop and flag may be used from any
// thread; wait_for from one thread at a time.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>

#include "util/status.h"

namespace medallion::pipeline {

class StopSignal {
 public:
  static util::Result<std::unique_ptr<StopSignal>> install();
  ~StopSignal();
  StopSignal(const StopSignal&) = delete;
  StopSignal& operator=(const StopSignal&) = delete;

  bool stop_requested() const { return flag_.load(std::memory_order_acquire); }
  // Asks for a stop as a signal would (tests, a shutdown path).
  void request_stop();
  // The signal that asked for the stop (SIGINT, SIGTERM), 0 if none did.
  int signal_number() const { return signal_.load(std::memory_order_acquire); }
  // The flag the handlers set, for code that takes a const std::atomic<bool>*.
  const std::atomic<bool>& flag() const { return flag_; }

  // Sleeps up to `timeout`, returning early when a stop is requested;
  // returns stop_requested().
  bool wait_for(std::chrono::milliseconds timeout);

 private:
  StopSignal() = default;
  // Called from the signal handler: async-signal-safe.
  void notify(int signal_number);
  friend void stop_signal_handler(int);

  std::atomic<bool> flag_{false};
  std::atomic<int> signal_{0};
  int pipe_read_ = -1;
  int pipe_write_ = -1;
  struct Saved;  // the handlers replaced
  std::unique_ptr<Saved> saved_;
};

}  // namespace medallion::pipeline
