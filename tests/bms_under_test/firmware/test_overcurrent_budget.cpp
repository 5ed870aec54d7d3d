// Over-current as an I^2 t leaky bucket: trip time, release, latch.
#include <gtest/gtest.h>

#include <cstdint>

#include "bms_under_test/firmware/overcurrent_budget.h"

namespace {

const overcurrent_limits kLimits{10000, 100, 30000, 3, 600000};  // 10 A continuous, 100 A^2 s

// Feeds current_ma in 100 ms steps from start_ms until the bucket trips; returns the trip time.
std::uint32_t time_to_trip(overcurrent_budget& budget, std::uint32_t current_ma, std::uint32_t start_ms) {
  for (std::uint32_t t = start_ms + 100; t < start_ms + 100000; t += 100) {
    const auto event = overcurrent_budget_update(&budget, &kLimits, current_ma, 100, t);
    if (event == OVERCURRENT_EVENT_TRIPPED || event == OVERCURRENT_EVENT_LATCHED) {
      return t - start_ms;
    }
  }
  return 0;
}

TEST(OvercurrentBudget, TheContinuousCurrentNeverTrips) {
  overcurrent_budget budget{};
  EXPECT_EQ(time_to_trip(budget, 10000, 0), 0U);
  EXPECT_FLOAT_EQ(budget.content_a2s, 0.0f);
}

TEST(OvercurrentBudget, TripTimeFollowsTheExcessOfISquared) {
  overcurrent_budget double_current{};
  // 20 A: (400 - 100) A^2 = 300 A^2/s -> 100 A^2 s after 1/3 s, i.e. the 4th 100 ms step.
  EXPECT_EQ(time_to_trip(double_current, 20000, 0), 400U);
  overcurrent_budget small_excess{};
  // 11 A: 21 A^2/s -> 4.76 s.
  EXPECT_EQ(time_to_trip(small_excess, 11000, 0), 4800U);
  overcurrent_budget fifteen{};
  EXPECT_EQ(time_to_trip(fifteen, 15000, 0), 800U);  // 125 A^2/s -> 0.8 s
}

TEST(OvercurrentBudget, ReleasesAfterTheDelayOnceDrainedBelowHalf) {
  overcurrent_budget budget{};
  const std::uint32_t trip_ms = time_to_trip(budget, 20000, 0);
  ASSERT_GT(trip_ms, 0U);
  std::uint32_t t = trip_ms;
  // No current (the FET is open): the bucket drains at 100 A^2/s, half is reached
  // within a second, but the release waits for the 30 s delay.
  for (; t < trip_ms + 29900; t += 100) {
    ASSERT_EQ(overcurrent_budget_update(&budget, &kLimits, 0, 100, t + 100), OVERCURRENT_EVENT_NONE) << t;
  }
  EXPECT_EQ(overcurrent_budget_update(&budget, &kLimits, 0, 100, trip_ms + 30000), OVERCURRENT_EVENT_RELEASED);
  EXPECT_FALSE(budget.tripped);
}

TEST(OvercurrentBudget, RepeatedTripsLatchUntilAServiceReset) {
  overcurrent_budget budget{};
  std::uint32_t t = 0;
  for (int trip = 1; trip <= 3; ++trip) {
    const std::uint32_t after = time_to_trip(budget, 20000, t);
    ASSERT_GT(after, 0U) << trip;
    t += after;
    if (trip < 3) {
      EXPECT_FALSE(budget.latched);
      for (std::uint32_t step = 0; step < 300 && budget.tripped; ++step) {
        t += 100;
        overcurrent_budget_update(&budget, &kLimits, 0, 100, t);
      }
      ASSERT_FALSE(budget.tripped);
    }
  }
  EXPECT_TRUE(budget.latched);
  for (int i = 0; i < 1000; ++i) {
    t += 100;
    EXPECT_EQ(overcurrent_budget_update(&budget, &kLimits, 0, 100, t), OVERCURRENT_EVENT_NONE);
  }
  EXPECT_TRUE(budget.tripped);
  EXPECT_TRUE(overcurrent_budget_cause_gone(&budget, &kLimits));
  overcurrent_budget_reset(&budget);
  EXPECT_FALSE(budget.tripped);
  EXPECT_FALSE(budget.latched);
}

TEST(OvercurrentBudget, TripsFarApartAreNotCountedTogether) {
  overcurrent_budget budget{};
  std::uint32_t t = 0;
  for (int trip = 1; trip <= 4; ++trip) {
    t += time_to_trip(budget, 20000, t);
    EXPECT_FALSE(budget.latched) << trip;
    t += 700000;  // longer than the trip memory, all of it at rest
    overcurrent_budget_update(&budget, &kLimits, 0, 700000, t);
    ASSERT_FALSE(budget.tripped);
  }
}

}  // namespace
