#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <chrono>
#include <thread>

#include "cql/client/connection_internal.h"

namespace medallion::cql {

IoThreads::IoThreads(size_t threads) : impl_(std::make_unique<Impl>()) {
  const size_t n = std::max<size_t>(threads, 1);
  impl_->threads.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    impl_->threads.emplace_back([impl = impl_.get()] { impl->io.run(); });
  }
}

IoThreads::~IoThreads() { stop(); }

void IoThreads::stop() {
  std::lock_guard<std::mutex> lock(impl_->stop_mutex);
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->work.reset();
  impl_->io.stop();
  for (auto& t : impl_->threads) {
    if (t.get_id() == std::this_thread::get_id()) {
      // Stopped from its own loop: that thread ends once its handler returns.
      t.detach();
    } else if (t.joinable()) {
      t.join();
    }
  }
}

void IoThreads::drain_and_stop(std::chrono::milliseconds grace) {
  {
    std::lock_guard<std::mutex> lock(impl_->stop_mutex);
    if (impl_->stopped) return;
    impl_->work.reset();
  }
  // io_context::run returns (and stopped() turns true) once nothing is left.
  if (!impl_->in_loop_thread()) {
    const auto until = std::chrono::steady_clock::now() + grace;
    while (!impl_->io.stopped() && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  stop();
}

bool IoThreads::Impl::in_loop_thread() const {
  const auto self = std::this_thread::get_id();
  return std::any_of(threads.begin(), threads.end(),
                     [&](const std::thread& t) { return t.get_id() == self; });
}

}  // namespace medallion::cql
