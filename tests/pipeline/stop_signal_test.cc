#include "pipeline/stop_signal.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <thread>

namespace medallion::pipeline {
namespace {

using namespace std::chrono_literals;

std::atomic<int> g_custom_calls{0};
void custom_handler(int) { g_custom_calls.fetch_add(1); }

std::unique_ptr<StopSignal> install() {
  auto s = StopSignal::install();
  EXPECT_TRUE(s.is_ok()) << s.status().message();
  return s.is_ok() ? std::move(s).value() : nullptr;
}

TEST(StopSignal, WaitForTimesOutWithoutAStop) {
  auto s = install();
  ASSERT_TRUE(s);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(s->wait_for(30ms));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 30ms);
  EXPECT_FALSE(s->stop_requested());
}

TEST(StopSignal, RequestStopWakesAWaiterEarly) {
  auto s = install();
  ASSERT_TRUE(s);
  std::thread t([&] {
    std::this_thread::sleep_for(50ms);
    s->request_stop();
  });
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(s->wait_for(60s));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 30s);
  t.join();
  EXPECT_EQ(s->signal_number(), 0);
}

TEST(StopSignal, SigtermSetsTheFlagAndWakesAWaiter) {
  auto s = install();
  ASSERT_TRUE(s);
  std::thread t([] {
    std::this_thread::sleep_for(50ms);
    ::kill(::getpid(), SIGTERM);
  });
  EXPECT_TRUE(s->wait_for(60s));
  t.join();
  EXPECT_TRUE(s->flag().load());
  EXPECT_EQ(s->signal_number(), SIGTERM);
}

TEST(StopSignal, SigintSetsTheFlag) {
  auto s = install();
  ASSERT_TRUE(s);
  ASSERT_EQ(::raise(SIGINT), 0);
  EXPECT_TRUE(s->stop_requested());
  EXPECT_EQ(s->signal_number(), SIGINT);
  EXPECT_TRUE(s->wait_for(0ms));
}

TEST(StopSignal, OnlyOneAtATime) {
  auto s = install();
  ASSERT_TRUE(s);
  auto second = StopSignal::install();
  ASSERT_FALSE(second.is_ok());
  EXPECT_EQ(second.status().code(), util::StatusCode::kAlreadyExists);
  s.reset();
  auto third = StopSignal::install();
  EXPECT_TRUE(third.is_ok()) << third.status().message();
}

TEST(StopSignal, RestoresThePreviousHandlers) {
  struct sigaction custom {};
  custom.sa_handler = custom_handler;
  sigemptyset(&custom.sa_mask);
  struct sigaction old_int {}, old_term {};
  ASSERT_EQ(::sigaction(SIGINT, &custom, &old_int), 0);
  ASSERT_EQ(::sigaction(SIGTERM, &custom, &old_term), 0);
  {
    auto s = install();
    ASSERT_TRUE(s);
    ASSERT_EQ(::raise(SIGTERM), 0);
    EXPECT_TRUE(s->stop_requested());
    EXPECT_EQ(g_custom_calls.load(), 0);
  }
  g_custom_calls = 0;
  ASSERT_EQ(::raise(SIGTERM), 0);
  ASSERT_EQ(::raise(SIGINT), 0);
  EXPECT_EQ(g_custom_calls.load(), 2);
  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGTERM, &old_term, nullptr);
}

}  // namespace
}  // namespace medallion::pipeline
