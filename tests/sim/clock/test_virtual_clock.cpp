#include "sim/clock/virtual_clock.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace packsim::sim {
namespace {

TEST(TimeUnits, ConstantsAreConsistent) {
  EXPECT_EQ(kNsPerUs, 1'000);
  EXPECT_EQ(kNsPerMs, 1'000 * kNsPerUs);
  EXPECT_EQ(kNsPerS, 1'000 * kNsPerMs);
  EXPECT_EQ(kNoEvent, std::numeric_limits<TimeNs>::max());
}

TEST(TimeUnits, ToSecondsIsConstexprAndExactForMilliseconds) {
  static_assert(to_seconds(kNsPerS) == 1.0);
  EXPECT_DOUBLE_EQ(to_seconds(kNsPerMs), 0.001);
  EXPECT_DOUBLE_EQ(to_seconds(-1'500 * kNsPerMs), -1.5);
  EXPECT_EQ(to_seconds(0), 0.0);
}

TEST(TimeUnits, FromSecondsRoundsToNearestNanosecond) {
  EXPECT_EQ(from_seconds(0.0), 0);
  EXPECT_EQ(from_seconds(0.4e-9), 0);
  EXPECT_EQ(from_seconds(0.6e-9), 1);
  EXPECT_EQ(from_seconds(-0.6e-9), -1);
  EXPECT_EQ(from_seconds(1.4e-9), 1);
  EXPECT_EQ(from_seconds(0.001), kNsPerMs);
  EXPECT_EQ(from_seconds(2.5), 2'500 * kNsPerMs);
  EXPECT_EQ(from_seconds(-2.5), -2'500 * kNsPerMs);
  EXPECT_EQ(from_seconds(1.0 + 0.6e-9), kNsPerS + 1);
}

TEST(TimeUnits, FromSecondsInvertsToSecondsAtNanosecondResolutionForDays) {
  // Up to ~2^52 ns (52 days) a double in seconds still resolves one nanosecond.
  for (const TimeNs t : {TimeNs{1}, TimeNs{999}, TimeNs{123'456'789}, 3 * kNsPerS + 7,
                         TimeNs{86'400} * kNsPerS + 1, TimeNs{4'000'000'000'000'001},
                         TimeNs{-123'456'789'012}}) {
    EXPECT_EQ(from_seconds(to_seconds(t)), t) << t;
  }
}

TEST(TimeUnits, FromSecondsKeepsNanosecondsOfLargeTimes) {
  // A year and a bit: the whole/fraction split avoids the s * 1e9 rounding.
  EXPECT_EQ(from_seconds(31'536'000.25), TimeNs{31'536'000} * kNsPerS + 250 * kNsPerMs);
  EXPECT_EQ(from_seconds(9.2e9), TimeNs{9'200'000'000} * kNsPerS);
  EXPECT_EQ(from_seconds(-9.2e9), TimeNs{-9'200'000'000} * kNsPerS);
}

TEST(TimeUnits, FromSecondsThrowsOnNanAndInfinity) {
  EXPECT_THROW(from_seconds(std::numeric_limits<double>::quiet_NaN()), std::invalid_argument);
  EXPECT_THROW(from_seconds(std::numeric_limits<double>::infinity()), std::invalid_argument);
  EXPECT_THROW(from_seconds(-std::numeric_limits<double>::infinity()), std::invalid_argument);
}

TEST(TimeUnits, FromSecondsThrowsOutsideInt64NanosecondRange) {
  // int64 max is 9223372036.854775807 s.
  EXPECT_THROW(from_seconds(9.3e9), std::invalid_argument);
  EXPECT_THROW(from_seconds(-9.3e9), std::invalid_argument);
  EXPECT_THROW(from_seconds(9'223'372'037.0), std::invalid_argument);
  // Whole seconds fit, the fraction pushes it over.
  EXPECT_THROW(from_seconds(9'223'372'036.9), std::invalid_argument);
  EXPECT_THROW(from_seconds(-9'223'372'036.9), std::invalid_argument);
  EXPECT_THROW(from_seconds(std::numeric_limits<double>::max()), std::invalid_argument);
  EXPECT_NO_THROW(from_seconds(9'223'372'036.5));
}

TEST(VirtualClock, StartsAtZero) {
  const VirtualClock clock{};
  EXPECT_EQ(clock.now(), 0);
}

TEST(VirtualClock, AdvancesForwardAndAcceptsTheCurrentTime) {
  VirtualClock clock{};
  clock.advance_to(5 * kNsPerMs);
  EXPECT_EQ(clock.now(), 5 * kNsPerMs);
  clock.advance_to(5 * kNsPerMs);
  EXPECT_EQ(clock.now(), 5 * kNsPerMs);
  clock.advance_to(kNoEvent);
  EXPECT_EQ(clock.now(), kNoEvent);
}

TEST(VirtualClock, GoingBackwardsThrowsLogicErrorAndKeepsTime) {
  VirtualClock clock{};
  clock.advance_to(kNsPerS);
  EXPECT_THROW(clock.advance_to(kNsPerS - 1), std::logic_error);
  EXPECT_EQ(clock.now(), kNsPerS);
}

}  // namespace
}  // namespace packsim::sim
