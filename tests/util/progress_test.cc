#include "util/progress.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <string>

namespace medallion::util {
namespace {

using std::chrono::milliseconds;

TEST(FormatCount, SmallCountsAreExact) {
  EXPECT_EQ(format_count(0), "0");
  EXPECT_EQ(format_count(999), "999");
}

TEST(FormatCount, ThreeSignificantDigits) {
  EXPECT_EQ(format_count(1000), "1.00k");
  EXPECT_EQ(format_count(1'234'567), "1.23M");
  EXPECT_EQ(format_count(12'345'678), "12.3M");
  EXPECT_EQ(format_count(123'456'789), "123M");
  EXPECT_EQ(format_count(1'001'169), "1.00M");
}

TEST(FormatCount, RoundingUpMovesToTheNextUnit) {
  EXPECT_EQ(format_count(999'999), "1.00M");
  EXPECT_EQ(format_count(999'499), "999k");
}

TEST(FormatBytes, DecimalUnitsWithOneDecimal) {
  EXPECT_EQ(format_bytes(0), "0 B");
  EXPECT_EQ(format_bytes(999), "999 B");
  EXPECT_EQ(format_bytes(1000), "1.0 kB");
  EXPECT_EQ(format_bytes(45'612'345), "45.6 MB");
  EXPECT_EQ(format_bytes(2'500'000'000), "2.5 GB");
}

TEST(FormatBytes, RoundingUpMovesToTheNextUnit) { EXPECT_EQ(format_bytes(999'960'000), "1.0 GB"); }

TEST(FormatRate, BytesPerSecond) {
  EXPECT_EQ(format_rate(38.2e6), "38.2 MB/s");
  EXPECT_EQ(format_rate(12), "12 B/s");
  EXPECT_EQ(format_rate(-1), "0 B/s");
}

TEST(FormatDuration, MinutesAndSeconds) {
  EXPECT_EQ(format_duration(0), "0:00");
  EXPECT_EQ(format_duration(5.6), "0:06");
  EXPECT_EQ(format_duration(72.4), "1:12");
}

TEST(FormatDuration, HoursWhenLong) { EXPECT_EQ(format_duration(3725), "1:02:05"); }

TEST(ProgressRender, BytesWithTotalShowPercentRateAndEta) {
  Progress progress({.label = "land", .quiet = true, .total_bytes = 120'000'000});
  progress.add(0, 45'600'000);
  EXPECT_EQ(progress.render_line_at(milliseconds(1200)),
            "land  45.6 MB / 120.0 MB  38%  38.0 MB/s  ETA 0:02");
}

TEST(ProgressRender, ItemsWithoutTotalShowCountAndRate) {
  Progress progress({.label = "decode", .quiet = true});
  progress.add(1'234'567, 0);
  EXPECT_EQ(progress.render_line_at(milliseconds(2000)), "decode  1.23M items  617k items/s");
}

TEST(ProgressRender, ItemsAndBytesShowTheByteRate) {
  Progress progress({.label = "gen", .quiet = true, .item_name = "lines"});
  progress.add(1'001'169, 159'000'000);
  EXPECT_EQ(progress.render_line_at(milliseconds(4000)), "gen  1.00M lines  159.0 MB  39.8 MB/s");
}

TEST(ProgressRender, NoRateOrEtaInTheFirstMoments) {
  Progress progress({.label = "land", .quiet = true, .total_bytes = 1000});
  progress.add(0, 10);
  EXPECT_EQ(progress.render_line_at(milliseconds(50)), "land  10 B / 1.0 kB  1%");
}

TEST(ProgressRender, TotalSetLaterIsUsed) {
  Progress progress({.label = "land", .quiet = true});
  progress.add(0, 500'000);
  progress.set_total_bytes(1'000'000);
  EXPECT_EQ(progress.render_line_at(milliseconds(1000)),
            "land  500.0 kB / 1.0 MB  50%  500.0 kB/s  ETA 0:01");
}

// A pipe standing in for the terminal.
class PipeFd {
 public:
  PipeFd() {
    EXPECT_EQ(::pipe(fds_), 0);
    ::fcntl(fds_[0], F_SETFL, O_NONBLOCK);
  }
  ~PipeFd() {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  int write_end() const { return fds_[1]; }
  std::string drain() {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fds_[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
  }

 private:
  int fds_[2];
};

TEST(ProgressDraw, RedrawsOneLineAndClearsToEndOfLine) {
  PipeFd pipe;
  Progress progress({.label = "land", .force_fd = pipe.write_end()});
  ASSERT_TRUE(progress.enabled());
  progress.add(3, 0);
  const std::string drawn = pipe.drain();
  EXPECT_EQ(drawn, "\rland  3 items\x1b[K");
}

TEST(ProgressDraw, RedrawsAreThrottled) {
  PipeFd pipe;
  Progress progress({.label = "x", .force_fd = pipe.write_end()});
  for (int i = 0; i < 1000; ++i) progress.add(1, 0);
  const std::string drawn = pipe.drain();
  // 1000 adds within far less than the 100 ms interval: one draw (two if
  // the machine stalled for longer), not a thousand.
  const auto draws = std::count(drawn.begin(), drawn.end(), '\r');
  EXPECT_GE(draws, 1);
  EXPECT_LE(draws, 3);
}

TEST(ProgressDraw, FinishErasesTheLineOnce) {
  PipeFd pipe;
  Progress progress({.label = "x", .force_fd = pipe.write_end()});
  progress.add(1, 0);
  (void)pipe.drain();
  progress.finish();
  EXPECT_EQ(pipe.drain(), "\r\x1b[K");
  progress.finish();
  progress.add(1, 0);  // after finish: counted, never drawn
  EXPECT_EQ(pipe.drain(), "");
  EXPECT_EQ(progress.items(), 2u);
}

TEST(ProgressDraw, FinishWithoutADrawWritesNothing) {
  PipeFd pipe;
  { Progress progress({.label = "x", .force_fd = pipe.write_end()}); }
  EXPECT_EQ(pipe.drain(), "");
}

TEST(ProgressDraw, QuietWinsOverForcedFd) {
  PipeFd pipe;
  Progress progress({.label = "x", .quiet = true, .force_fd = pipe.write_end()});
  EXPECT_FALSE(progress.enabled());
  progress.add(1, 1);
  progress.finish();
  EXPECT_EQ(pipe.drain(), "");
}

TEST(ProgressDraw, SilentWhenStderrIsNotATerminal) {
  PipeFd pipe;
  const int saved = ::dup(STDERR_FILENO);
  ASSERT_GE(saved, 0);
  ::dup2(pipe.write_end(), STDERR_FILENO);
  bool enabled;
  {
    Progress progress({.label = "x"});
    enabled = progress.enabled();
    progress.add(1, 1);
  }
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  EXPECT_FALSE(enabled);
  EXPECT_EQ(pipe.drain(), "");
}

}  // namespace
}  // namespace medallion::util
