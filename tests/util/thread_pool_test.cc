#include "util/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace medallion::util {
namespace {

using namespace std::chrono_literals;

// Waits (bounded) until pred() holds; a hung pool fails the test instead of
// hanging it.
template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

TEST(ThreadPool, DefaultThreadsIsAtLeastOne) { EXPECT_GE(ThreadPool::default_threads(), 1u); }

TEST(ThreadPool, DefaultSizeIsDefaultThreads) {
  ThreadPool pool;
  EXPECT_EQ(pool.size(), ThreadPool::default_threads());
}

TEST(ThreadPool, ZeroMeansDefaultThreads) {
  ThreadPool pool(0);
  EXPECT_EQ(pool.size(), ThreadPool::default_threads());
}

TEST(ThreadPool, ExplicitSize) {
  ThreadPool pool(3);
  EXPECT_EQ(pool.size(), 3u);
}

TEST(ThreadPool, EmptyPoolDestroysCleanly) {
  auto pool = std::make_unique<ThreadPool>(4);
  pool.reset();
  SUCCEED();
}

TEST(ThreadPool, AllPostedTasksRun) {
  std::atomic<int> count{0};
  {
    ThreadPool pool(4);
    for (int i = 0; i < 10000; ++i) pool.post([&count] { count.fetch_add(1); });
  }
  EXPECT_EQ(count.load(), 10000);
}

TEST(ThreadPool, TasksPostedFromManyThreadsAllRun) {
  std::atomic<int> count{0};
  {
    ThreadPool pool(3);
    std::vector<std::thread> producers;
    for (int t = 0; t < 8; ++t) {
      producers.emplace_back([&pool, &count] {
        for (int i = 0; i < 1000; ++i) pool.post([&count] { count.fetch_add(1); });
      });
    }
    for (auto& p : producers) p.join();
  }
  EXPECT_EQ(count.load(), 8000);
}

TEST(ThreadPool, SubmitReturnsValue) {
  ThreadPool pool(2);
  std::future<int> f = pool.submit([] { return 6 * 7; });
  EXPECT_EQ(f.get(), 42);
}

TEST(ThreadPool, SubmitManyValuesEachInItsFuture) {
  ThreadPool pool(4);
  std::vector<std::future<int64_t>> futures;
  for (int64_t i = 0; i < 1000; ++i) futures.push_back(pool.submit([i] { return i * i; }));
  for (int64_t i = 0; i < 1000; ++i) EXPECT_EQ(futures[static_cast<size_t>(i)].get(), i * i);
}

TEST(ThreadPool, SubmitVoidFutureCompletes) {
  std::atomic<bool> ran{false};
  ThreadPool pool(1);
  std::future<void> f = pool.submit([&ran] { ran = true; });
  f.get();
  EXPECT_TRUE(ran.load());
}

TEST(ThreadPool, SubmitMoveOnlyResult) {
  ThreadPool pool(1);
  auto f = pool.submit([] { return std::make_unique<std::string>("moved"); });
  std::unique_ptr<std::string> p = f.get();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p, "moved");
}

TEST(ThreadPool, SubmitMoveOnlyCallable) {
  ThreadPool pool(1);
  auto owned = std::make_unique<int>(17);
  auto f = pool.submit([p = std::move(owned)] { return *p + 1; });
  EXPECT_EQ(f.get(), 18);
}

TEST(ThreadPool, SubmitPropagatesException) {
  ThreadPool pool(1);
  auto f = pool.submit([]() -> int { throw std::runtime_error("boom"); });
  EXPECT_THROW(f.get(), std::runtime_error);
  // The worker survives a throwing submitted task.
  EXPECT_EQ(pool.submit([] { return 1; }).get(), 1);
}

TEST(ThreadPool, TasksRunOnWorkerThreads) {
  ThreadPool pool(2);
  const std::thread::id caller = std::this_thread::get_id();
  EXPECT_NE(pool.submit([] { return std::this_thread::get_id(); }).get(), caller);
}

TEST(ThreadPool, UsesAllItsThreads) {
  constexpr int kThreads = 4;
  std::atomic<int> arrived{0};
  std::mutex mu;
  std::set<std::thread::id> ids;
  ThreadPool pool(kThreads);  // declared last: joined before the state above dies
  std::vector<std::future<bool>> futures;
  // Each task waits until all have started: only possible if they run at once.
  for (int i = 0; i < kThreads; ++i) {
    futures.push_back(pool.submit([&] {
      {
        std::lock_guard lock(mu);
        ids.insert(std::this_thread::get_id());
      }
      arrived.fetch_add(1);
      return eventually([&] { return arrived.load() == kThreads; });
    }));
  }
  for (auto& f : futures) EXPECT_TRUE(f.get());
  EXPECT_EQ(ids.size(), static_cast<size_t>(kThreads));
}

TEST(ThreadPool, SingleWorkerRunsInFifoOrder) {
  std::vector<int> order;
  {
    ThreadPool pool(1);
    for (int i = 0; i < 200; ++i) pool.post([&order, i] { order.push_back(i); });
  }
  ASSERT_EQ(order.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(order[static_cast<size_t>(i)], i);
}

TEST(ThreadPool, TaskSubmitsTaskAndReturnsItsFuture) {
  ThreadPool pool(1);  // the parent must not wait on the child: one worker suffices
  auto outer = pool.submit([&pool] { return pool.submit([] { return 5; }); });
  std::future<int> inner = outer.get();
  EXPECT_EQ(inner.get(), 5);
}

TEST(ThreadPool, TasksSubmittingTasksFanOut) {
  std::atomic<int> leaves{0};
  std::promise<void> done;
  constexpr int kWidth = 10;
  constexpr int kExpected = kWidth * kWidth * kWidth;
  ThreadPool pool(3);  // declared last: joined before the state above dies
  for (int a = 0; a < kWidth; ++a) {
    pool.post([&] {
      for (int b = 0; b < kWidth; ++b) {
        pool.post([&] {
          for (int c = 0; c < kWidth; ++c) {
            pool.post([&] {
              if (leaves.fetch_add(1) + 1 == kExpected) done.set_value();
            });
          }
        });
      }
    });
  }
  ASSERT_EQ(done.get_future().wait_for(10s), std::future_status::ready);
  EXPECT_EQ(leaves.load(), kExpected);
}

TEST(ThreadPool, DestructorDrainsQueuedTasks) {
  std::atomic<int> count{0};
  std::promise<void> gate;
  std::shared_future<void> opened = gate.get_future().share();
  auto pool = std::make_unique<ThreadPool>(1);
  pool->post([opened] { opened.wait(); });
  for (int i = 0; i < 100; ++i) pool->post([&count] { count.fetch_add(1); });
  // The only worker is held at the gate: all 100 tasks are still queued.
  EXPECT_EQ(count.load(), 0);
  std::thread opener([&gate] {
    std::this_thread::sleep_for(20ms);
    gate.set_value();
  });
  pool.reset();  // must run the 100 queued tasks before joining
  opener.join();
  EXPECT_EQ(count.load(), 100);
}

TEST(ThreadPool, DestructorRunsTasksPostedByDrainingTasks) {
  std::atomic<int> count{0};
  std::promise<void> gate;
  std::shared_future<void> opened = gate.get_future().share();
  auto pool = std::make_unique<ThreadPool>(2);
  ThreadPool* p = pool.get();
  pool->post([opened] { opened.wait(); });
  pool->post([opened] { opened.wait(); });
  for (int i = 0; i < 10; ++i) {
    pool->post([p, &count] {
      count.fetch_add(1);
      p->post([&count] { count.fetch_add(1); });
    });
  }
  std::thread opener([&gate] {
    std::this_thread::sleep_for(20ms);
    gate.set_value();
  });
  pool.reset();
  opener.join();
  EXPECT_EQ(count.load(), 20);
}

}  // namespace
}  // namespace medallion::util

namespace medallion::util {
namespace {

TEST(ParallelFor, RunsEveryIndexOnce) {
  ThreadPool pool(3);
  std::vector<std::atomic<int>> hits(1000);
  parallel_for(&pool, hits.size(), [&](size_t i) { hits[i].fetch_add(1); });
  for (const auto& h : hits) EXPECT_EQ(h.load(), 1);
}

TEST(ParallelFor, WithoutAPoolRunsInOrderOnTheCaller) {
  std::vector<size_t> order;
  parallel_for(nullptr, 5, [&](size_t i) { order.push_back(i); });
  EXPECT_EQ(order, (std::vector<size_t>{0, 1, 2, 3, 4}));
}

// Every worker busy inside parallel_for: the callers do the work themselves,
// so nested use cannot deadlock.
TEST(ParallelFor, NestedInsideEveryWorkerFinishes) {
  ThreadPool pool(2);
  std::atomic<int> total{0};
  parallel_for(&pool, 4, [&](size_t) {
    parallel_for(&pool, 50, [&](size_t) { total.fetch_add(1); });
  });
  EXPECT_EQ(total.load(), 200);
}

}  // namespace
}  // namespace medallion::util
