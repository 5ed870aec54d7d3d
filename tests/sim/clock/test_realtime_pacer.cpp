// Wall-clock pacing: absolute deadlines, speed, overruns, and that pacing
// changes when the loop runs, never what it computes.
#include "sim/clock/realtime_pacer.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace packsim::sim {
namespace {

// A wall clock that only moves when told to (or by sleeping).
class FakeWallClock final : public WallClock {
 public:
  explicit FakeWallClock(std::int64_t start_ns) : now_{start_ns} {}
  std::int64_t now_ns() override { return now_; }
  void sleep_until_ns(std::int64_t wall_ns) override {
    sleeps.push_back(wall_ns);
    now_ = std::max(now_, wall_ns + wake_latency_ns);
  }
  void spend(std::int64_t ns) { now_ += ns; }

  std::vector<std::int64_t> sleeps;
  std::int64_t wake_latency_ns{0};

 private:
  std::int64_t now_;
};

struct Paced {
  explicit Paced(PacerOptions options = {}) {
    auto clock = std::make_unique<FakeWallClock>(5'000'000);
    wall = clock.get();
    pacer = std::make_unique<RealTimePacer>(options, std::move(clock));
  }
  FakeWallClock* wall{nullptr};
  std::unique_ptr<RealTimePacer> pacer;
};

TEST(RealTimePacer, SleepsToAbsoluteDeadlinesSoLateWakeUpsDoNotAccumulate) {
  Paced p;
  p.wall->wake_latency_ns = 30'000;  // every wake-up 30 us late
  p.pacer->start(0);
  for (TimeNs t = kNsPerMs; t <= 10 * kNsPerMs; t += kNsPerMs) p.pacer->wait_until(t);
  ASSERT_EQ(p.wall->sleeps.size(), 10U);
  EXPECT_EQ(p.wall->sleeps.back(), 5'000'000 + 10 * kNsPerMs);  // not 10 x 30 us later
  EXPECT_EQ(p.pacer->stats().waits, 10);
  EXPECT_EQ(p.pacer->stats().overruns, 0);
  EXPECT_EQ(p.pacer->stats().max_lateness_ns, 30'000);
  EXPECT_DOUBLE_EQ(p.pacer->stats().mean_lateness_ns, 30'000.0);
}

TEST(RealTimePacer, SpeedDividesTheWallTimeAndKeepsOneMillisecondWallPeriods) {
  Paced p{PacerOptions{.period_ns = kNsPerMs, .speed = 10.0, .fifo_priority = 0}};
  p.pacer->start(2 * kNsPerS);
  EXPECT_EQ(p.pacer->next_deadline_after(2 * kNsPerS), 2 * kNsPerS + 10 * kNsPerMs);
  EXPECT_EQ(p.pacer->next_deadline_after(2 * kNsPerS + 15 * kNsPerMs), 2 * kNsPerS + 20 * kNsPerMs);
  p.pacer->wait_until(2 * kNsPerS + 10 * kNsPerMs);
  ASSERT_EQ(p.wall->sleeps.size(), 1U);
  EXPECT_EQ(p.wall->sleeps[0], 5'000'000 + kNsPerMs);
}

TEST(RealTimePacer, ALoopBehindItsDeadlineCountsAnOverrunAndCatchesUpWithoutSleeping) {
  Paced p;
  p.pacer->start(0);
  p.wall->spend(3 * kNsPerMs);  // the work of the first period took 3 ms
  p.pacer->wait_until(kNsPerMs);
  EXPECT_TRUE(p.wall->sleeps.empty());
  EXPECT_EQ(p.pacer->stats().overruns, 1);
  EXPECT_EQ(p.pacer->stats().max_lateness_ns, 2 * kNsPerMs);
  p.pacer->wait_until(4 * kNsPerMs);  // back on time: sleeps again
  EXPECT_EQ(p.wall->sleeps.size(), 1U);
  EXPECT_EQ(p.pacer->stats().overruns, 1);
}

TEST(RealTimePacer, RefusesNonsenseOptionsAndWaitingBeforeStart) {
  EXPECT_THROW(RealTimePacer(PacerOptions{.period_ns = 0}), std::invalid_argument);
  EXPECT_THROW(RealTimePacer(PacerOptions{.speed = 0.0}), std::invalid_argument);
  EXPECT_THROW(RealTimePacer(PacerOptions{.fifo_priority = 100}), std::invalid_argument);
  RealTimePacer pacer{PacerOptions{}};
  EXPECT_THROW(pacer.wait_until(kNsPerMs), std::logic_error);
}

// On the real monotonic clock the deadline is a lower bound: 20 ms of virtual
// time at speed 1 cannot finish sooner than 20 ms of wall time.
TEST(RealTimePacer, RealClockNeverRunsAheadOfTheWall) {
  RealTimePacer pacer{PacerOptions{}};
  MonotonicWallClock wall;
  const std::int64_t before{wall.now_ns()};
  pacer.start(0);
  for (TimeNs t = kNsPerMs; t <= 20 * kNsPerMs; t += kNsPerMs) pacer.wait_until(t);
  EXPECT_GE(wall.now_ns() - before, 20 * kNsPerMs);
  EXPECT_EQ(pacer.stats().waits, 20);
}

}  // namespace
}  // namespace packsim::sim
