// ThreadPool: a fixed set of worker threads running submitted tasks in FIFO
// order.
//
// parallel_for(pool, n, fn) runs fn(0) .. fn(n-1) on the pool and on the
// calling thread together: the caller takes items too, so it never waits on
// a queue that is full of its own tasks and is safe to call from a task.
// cpu_pool() is the process's pool for CPU-bound work (one thread per core,
// created on first use).
//
// Thread safety: submit() may be called from any thread, including from a
// task. The destructor finishes every task already submitted, then joins the
// workers; submitting during destruction is a bug.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace medallion::util {

class ThreadPool {
 public:
  // threads == 0 means one per hardware thread (at least one).
  explicit ThreadPool(size_t threads = 0);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  size_t size() const { return workers_.size(); }

  void post(std::function<void()> task);

  // Runs fn on a worker; the future carries its result.
  template <typename Fn>
  auto submit(Fn fn) -> std::future<std::invoke_result_t<Fn>> {
    using R = std::invoke_result_t<Fn>;
    auto task = std::make_shared<std::packaged_task<R()>>(std::move(fn));
    std::future<R> future = task->get_future();
    post([task] { (*task)(); });
    return future;
  }

  // Threads to use by default: the hardware's, or 1 if it cannot tell.
  static size_t default_threads();

 private:
  void run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

// Runs fn(i) for every i in [0, n), on `pool` (nullptr: on the calling
// thread only) and on the calling thread; returns when all have returned.
void parallel_for(ThreadPool* pool, size_t n, const std::function<void(size_t)>& fn);

ThreadPool& cpu_pool();

}  // namespace medallion::util
