#include "sim/scheduler/scheduler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace packsim::sim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

struct Interval {
  TimeNs from_ns;
  TimeNs to_ns;
};

// Continuous model stand-in: records every interval it is asked to integrate.
class RecordingPlant final : public Component {
 public:
  explicit RecordingPlant(TimeNs max_step_ns = kNoEvent) : max_step_ns_{max_step_ns} {}
  std::string_view name() const override { return "plant"; }
  TimeNs next_event_ns() const override {
    return max_step_ns_ == kNoEvent ? kNoEvent : time_ns_ + max_step_ns_;
  }
  void advance_to(TimeNs t) override {
    intervals.push_back({time_ns_, t});
    time_ns_ = t;
  }

  std::vector<Interval> intervals;

 private:
  TimeNs max_step_ns_;
  TimeNs time_ns_{0};
};

// Discrete component firing every period_ns from first_ns; logs its name per call
// to advance_to into a shared log, to observe the order within an instant.
class Periodic final : public Component {
 public:
  Periodic(std::string name, TimeNs period_ns, TimeNs first_ns,
           std::vector<std::string>* call_log = nullptr)
      : name_{std::move(name)}, period_ns_{period_ns}, next_ns_{first_ns}, call_log_{call_log} {}
  std::string_view name() const override { return name_; }
  TimeNs next_event_ns() const override { return next_ns_; }
  void advance_to(TimeNs t) override {
    if (call_log_ != nullptr) {
      call_log_->push_back(name_);
    }
    while (next_ns_ <= t) {
      fired_ns.push_back(next_ns_);
      next_ns_ += period_ns_;
    }
  }

  std::vector<TimeNs> fired_ns;

 private:
  std::string name_;
  TimeNs period_ns_;
  TimeNs next_ns_;
  std::vector<std::string>* call_log_;
};

// Requests a stop when advanced to its event time; records the times it saw.
class Stopper final : public Component {
 public:
  Stopper(Scheduler& scheduler, std::string name, TimeNs at_ns)
      : scheduler_{scheduler}, name_{std::move(name)}, at_ns_{at_ns} {}
  std::string_view name() const override { return name_; }
  TimeNs next_event_ns() const override { return done_ ? kNoEvent : at_ns_; }
  void advance_to(TimeNs t) override {
    seen_ns.push_back(t);
    if (!done_ && t >= at_ns_) {
      done_ = true;
      scheduler_.request_stop(name_ + " says stop");
    }
  }

  std::vector<TimeNs> seen_ns;

 private:
  Scheduler& scheduler_;
  std::string name_;
  TimeNs at_ns_;
  bool done_{false};
};

// Buggy component: never consumes its event.
class Stuck final : public Component {
 public:
  std::string_view name() const override { return "stuck-adc"; }
  TimeNs next_event_ns() const override { return 2 * kNsPerMs; }
  void advance_to(TimeNs) override {}
};

TEST(Scheduler, PlantIntervalsTileTheRunAndEndExactlyAtEventTimes) {
  VirtualClock clock{};
  Scheduler scheduler{clock};
  RecordingPlant plant{};
  Periodic fast{"fast", kNsPerMs, kNsPerMs};
  Periodic slow{"slow", 3 * kNsPerMs, 3 * kNsPerMs};
  scheduler.add(fast, 10);
  scheduler.add(plant, 0);
  scheduler.add(slow, 10);

  const TimeNs end{10 * kNsPerMs + 500 * kNsPerUs};
  const RunResult result{scheduler.run_until(end)};

  std::set<TimeNs> boundaries{end};
  boundaries.insert(fast.fired_ns.begin(), fast.fired_ns.end());
  boundaries.insert(slow.fired_ns.begin(), slow.fired_ns.end());
  ASSERT_EQ(plant.intervals.size(), boundaries.size());
  TimeNs expected_from{0};
  auto boundary{boundaries.begin()};
  for (const Interval& interval : plant.intervals) {
    EXPECT_EQ(interval.from_ns, expected_from);  // no gap, no overlap
    EXPECT_EQ(interval.to_ns, *boundary);        // ends at an event (or the end)
    EXPECT_LT(interval.from_ns, interval.to_ns);
    expected_from = interval.to_ns;
    ++boundary;
  }
  EXPECT_EQ(plant.intervals.back().to_ns, end);
  EXPECT_EQ(result.reached_ns, end);
  EXPECT_EQ(clock.now(), end);
  EXPECT_EQ(result.instants, static_cast<std::int64_t>(boundaries.size()));
}

TEST(Scheduler, OneKilohertzAndThreeMillisecondComponentsFireAtExactTimesOverOneSecond) {
  VirtualClock clock{};
  Scheduler scheduler{clock};
  Periodic one_khz{"1kHz", kNsPerMs, kNsPerMs};
  Periodic three_ms{"3ms", 3 * kNsPerMs, 3 * kNsPerMs};
  scheduler.add(one_khz, 1);
  scheduler.add(three_ms, 2);

  const RunResult result{scheduler.run_until(kNsPerS)};

  ASSERT_EQ(one_khz.fired_ns.size(), 1000U);
  ASSERT_EQ(three_ms.fired_ns.size(), 333U);
  EXPECT_EQ(one_khz.fired_ns.front(), kNsPerMs);
  EXPECT_EQ(one_khz.fired_ns.back(), kNsPerS);
  EXPECT_EQ(three_ms.fired_ns.front(), 3 * kNsPerMs);
  EXPECT_EQ(three_ms.fired_ns.back(), 999 * kNsPerMs);
  for (std::size_t i{0}; i < one_khz.fired_ns.size(); ++i) {
    EXPECT_EQ(one_khz.fired_ns[i], static_cast<TimeNs>(i + 1) * kNsPerMs);
  }
  for (std::size_t i{0}; i < three_ms.fired_ns.size(); ++i) {
    EXPECT_EQ(three_ms.fired_ns[i], static_cast<TimeNs>(i + 1) * 3 * kNsPerMs);
  }
  // Every 3 ms instant coincides with a 1 ms one, and 1 s is itself a 1 ms event.
  EXPECT_EQ(result.instants, 1000);
  EXPECT_EQ(result.reached_ns, kNsPerS);
  EXPECT_FALSE(result.stop_requested);
}

TEST(Scheduler, SameInstantRunsByPriorityThenRegistrationOrder) {
  VirtualClock clock{};
  Scheduler scheduler{clock};
  std::vector<std::string> log;
  Periodic a{"a", kNsPerMs, kNsPerMs, &log};
  Periodic b{"b", kNsPerMs, kNsPerMs, &log};
  Periodic c{"c", kNsPerMs, kNsPerMs, &log};
  Periodic d{"d", kNsPerMs, kNsPerMs, &log};
  Periodic e{"e", kNsPerMs, kNsPerMs, &log};
  scheduler.add(a, 5);
  scheduler.add(b, 1);
  scheduler.add(c, 5);
  scheduler.add(d, 1);
  scheduler.add(e, -3);

  scheduler.run_until(2 * kNsPerMs);

  EXPECT_THAT(log, ElementsAre("e", "b", "d", "a", "c", "e", "b", "d", "a", "c"));
}

TEST(Scheduler, ComponentsWithoutEventsAreAdvancedStraightToTheEnd) {
  VirtualClock clock{};
  Scheduler scheduler{clock};
  RecordingPlant plant{};
  scheduler.add(plant, 0);

  const RunResult result{scheduler.run_until(5 * kNsPerS)};

  ASSERT_EQ(plant.intervals.size(), 1U);
  EXPECT_EQ(plant.intervals[0].from_ns, 0);
  EXPECT_EQ(plant.intervals[0].to_ns, 5 * kNsPerS);
  EXPECT_EQ(result.instants, 1);
}

TEST(Scheduler, ContinuousModelMaximumStepBoundsEachInterval) {
  VirtualClock clock{};
  Scheduler scheduler{clock};
  RecordingPlant plant{2 * kNsPerMs};
  scheduler.add(plant, 0);

  scheduler.run_until(7 * kNsPerMs);

  std::vector<TimeNs> ends;
  for (const Interval& interval : plant.intervals) {
    ends.push_back(interval.to_ns);
  }
  EXPECT_THAT(ends, ElementsAre(2 * kNsPerMs, 4 * kNsPerMs, 6 * kNsPerMs, 7 * kNsPerMs));
}

TEST(Scheduler, EventExactlyAtEndFiresOnceEvenWhenRunAgainToTheSameEnd) {
  VirtualClock clock{};
  Scheduler scheduler{clock};
  Periodic tick{"tick", kNsPerMs, kNsPerMs};
  scheduler.add(tick, 0);

  EXPECT_EQ(scheduler.run_until(kNsPerMs).instants, 1);
  EXPECT_THAT(tick.fired_ns, ElementsAre(kNsPerMs));

  EXPECT_EQ(scheduler.run_until(kNsPerMs).instants, 0);
  EXPECT_THAT(tick.fired_ns, ElementsAre(kNsPerMs));

  scheduler.run_until(2 * kNsPerMs);
  EXPECT_THAT(tick.fired_ns, ElementsAre(kNsPerMs, 2 * kNsPerMs));
}

TEST(Scheduler, EventAtTheStartInstantFiresOnce) {
  VirtualClock clock{};
  Scheduler scheduler{clock};
  Periodic tick{"tick", kNsPerMs, 0};
  scheduler.add(tick, 0);

  EXPECT_EQ(scheduler.run_until(0).instants, 1);
  EXPECT_EQ(scheduler.run_until(0).instants, 0);
  scheduler.run_until(2 * kNsPerMs);

  EXPECT_THAT(tick.fired_ns, ElementsAre(0, kNsPerMs, 2 * kNsPerMs));
}

TEST(Scheduler, RepeatedRunUntilContinuesWhereItStoppedWithTheSameEvents) {
  VirtualClock clock{};
  Scheduler scheduler{clock};
  RecordingPlant plant{};
  Periodic fast{"fast", kNsPerMs, kNsPerMs};
  Periodic slow{"slow", 3 * kNsPerMs, 3 * kNsPerMs};
  scheduler.add(plant, 0);
  scheduler.add(fast, 1);
  scheduler.add(slow, 1);

  // Split points between events and on them.
  for (const TimeNs end : {TimeNs{333'333'333}, 600 * kNsPerMs, TimeNs{600'000'001}, kNsPerS}) {
    EXPECT_EQ(scheduler.run_until(end).reached_ns, end);
  }

  EXPECT_EQ(fast.fired_ns.size(), 1000U);
  EXPECT_EQ(slow.fired_ns.size(), 333U);
  EXPECT_EQ(plant.intervals.front().from_ns, 0);
  for (std::size_t i{1}; i < plant.intervals.size(); ++i) {
    EXPECT_EQ(plant.intervals[i].from_ns, plant.intervals[i - 1].to_ns);
    EXPECT_LT(plant.intervals[i].from_ns, plant.intervals[i].to_ns);
  }
  EXPECT_EQ(plant.intervals.back().to_ns, kNsPerS);
  // 1000 event instants plus the two split points that are not events.
  EXPECT_EQ(plant.intervals.size(), 1002U);
}

TEST(Scheduler, RequestStopEndsTheRunAfterEveryComponentReachedThatInstant) {
  VirtualClock clock{};
  Scheduler scheduler{clock};
  RecordingPlant plant{};
  Stopper stopper{scheduler, "stopper", 5 * kNsPerMs};
  Periodic tick{"tick", kNsPerMs, kNsPerMs};
  scheduler.add(stopper, 0);  // acts first at the instant, the others still follow
  scheduler.add(plant, 1);
  scheduler.add(tick, 2);

  const RunResult stopped{scheduler.run_until(kNsPerS)};

  EXPECT_TRUE(stopped.stop_requested);
  EXPECT_EQ(stopped.stop_reason, "stopper says stop");
  EXPECT_EQ(stopped.reached_ns, 5 * kNsPerMs);
  EXPECT_EQ(stopped.instants, 5);
  EXPECT_EQ(plant.intervals.back().to_ns, 5 * kNsPerMs);
  EXPECT_EQ(tick.fired_ns.back(), 5 * kNsPerMs);

  const RunResult resumed{scheduler.run_until(10 * kNsPerMs)};

  EXPECT_FALSE(resumed.stop_requested);
  EXPECT_TRUE(resumed.stop_reason.empty());
  EXPECT_EQ(resumed.reached_ns, 10 * kNsPerMs);
  EXPECT_EQ(resumed.instants, 5);
  EXPECT_EQ(tick.fired_ns.size(), 10U);
}

TEST(Scheduler, FirstStopReasonInPriorityOrderWins) {
  VirtualClock clock{};
  Scheduler scheduler{clock};
  Stopper late{scheduler, "late", 3 * kNsPerMs};
  Stopper early{scheduler, "early", 3 * kNsPerMs};
  scheduler.add(late, 2);
  scheduler.add(early, 1);

  const RunResult result{scheduler.run_until(kNsPerS)};

  EXPECT_EQ(result.stop_reason, "early says stop");
  EXPECT_THAT(late.seen_ns, ElementsAre(3 * kNsPerMs));
}

TEST(Scheduler, StopRequestedBetweenRunsMakesTheNextRunReturnAtOnce) {
  VirtualClock clock{};
  Scheduler scheduler{clock};
  Periodic tick{"tick", kNsPerMs, kNsPerMs};
  scheduler.add(tick, 0);

  scheduler.request_stop("operator");
  const RunResult result{scheduler.run_until(kNsPerS)};

  EXPECT_TRUE(result.stop_requested);
  EXPECT_EQ(result.stop_reason, "operator");
  EXPECT_EQ(result.instants, 0);
  EXPECT_EQ(result.reached_ns, 0);
  EXPECT_TRUE(tick.fired_ns.empty());
}

TEST(Scheduler, RunUntilBeforeNowThrowsLogicError) {
  VirtualClock clock{};
  Scheduler scheduler{clock};
  scheduler.run_until(kNsPerS);

  EXPECT_THROW(scheduler.run_until(kNsPerS - 1), std::logic_error);
  EXPECT_EQ(scheduler.now(), kNsPerS);
}

TEST(Scheduler, ComponentLeavingItsEventUnconsumedThrowsLogicErrorNamingIt) {
  VirtualClock clock{};
  Scheduler scheduler{clock};
  Stuck stuck{};
  scheduler.add(stuck, 0);

  EXPECT_THAT([&] { scheduler.run_until(kNsPerS); },
              ThrowsMessage<std::logic_error>(HasSubstr("'stuck-adc'")));
  EXPECT_EQ(scheduler.now(), 2 * kNsPerMs);
}

TEST(Scheduler, AddingTheSameComponentTwiceThrowsLogicError) {
  VirtualClock clock{};
  Scheduler scheduler{clock};
  RecordingPlant plant{};
  scheduler.add(plant, 0);

  EXPECT_THROW(scheduler.add(plant, 1), std::logic_error);
}

TEST(Scheduler, AddingOrRunningFromInsideARunThrowsLogicError) {
  VirtualClock clock{};
  Scheduler scheduler{clock};
  RecordingPlant other{};

  class Meddler final : public Component {
   public:
    Meddler(Scheduler& target, Component& extra) : scheduler_{target}, other_{extra} {}
    std::string_view name() const override { return "meddler"; }
    TimeNs next_event_ns() const override { return kNoEvent; }
    void advance_to(TimeNs) override {
      EXPECT_THROW(scheduler_.add(other_, 0), std::logic_error);
      EXPECT_THROW(scheduler_.run_until(kNsPerS), std::logic_error);
    }

   private:
    Scheduler& scheduler_;
    Component& other_;
  } meddler{scheduler, other};
  scheduler.add(meddler, 0);

  scheduler.run_until(kNsPerMs);
  // The guard released the run: adding works again afterwards.
  EXPECT_NO_THROW(scheduler.add(other, 0));
}

}  // namespace
}  // namespace packsim::sim
