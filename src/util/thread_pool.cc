#include "util/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <memory>

namespace medallion::util {

size_t ThreadPool::default_threads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

ThreadPool::ThreadPool(size_t threads) {
  if (threads == 0) threads = default_threads();
  workers_.reserve(threads);
  for (size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { run(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& w : workers_) w.join();
}

void ThreadPool::post(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
}

void ThreadPool::run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

void parallel_for(ThreadPool* pool, size_t n, const std::function<void(size_t)>& fn) {
  if (pool == nullptr || n < 2) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  struct Shared {
    std::atomic<size_t> next{0};
    std::mutex mu;
    std::condition_variable cv;
    size_t done = 0;
  };
  auto shared = std::make_shared<Shared>();
  // Claims items until none is left; returns how many it ran.
  auto work = [shared, n, &fn] {
    size_t ran = 0;
    for (size_t i = shared->next.fetch_add(1); i < n; i = shared->next.fetch_add(1)) {
      fn(i);
      ++ran;
    }
    return ran;
  };
  const size_t helpers = std::min(pool->size(), n - 1);
  for (size_t h = 0; h < helpers; ++h) {
    // A helper that starts after every item is claimed runs nothing and
    // never touches fn, which may be gone by then.
    pool->post([shared, work] {
      const size_t ran = work();
      if (ran == 0) return;
      std::lock_guard lock(shared->mu);
      shared->done += ran;
      shared->cv.notify_all();
    });
  }
  const size_t ran = work();
  std::unique_lock lock(shared->mu);
  shared->done += ran;
  shared->cv.wait(lock, [&] { return shared->done == n; });
}

ThreadPool& cpu_pool() {
  static ThreadPool pool(ThreadPool::default_threads());
  return pool;
}

}  // namespace medallion::util
