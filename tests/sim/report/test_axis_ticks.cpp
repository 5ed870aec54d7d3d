// Nice axis ticks: 1/2/5 x 10^k steps that cover the data, and their labels.
#include "sim/report/axis_ticks.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace packsim::report {
namespace {

// step = m x 10^k with m in {1, 2, 5}.
bool is_nice_step(double step) {
  const double mantissa{step / std::pow(10.0, std::floor(std::log10(step)))};
  return std::abs(mantissa - 1.0) < 1e-9 || std::abs(mantissa - 2.0) < 1e-9 || std::abs(mantissa - 5.0) < 1e-9;
}

void expect_nice_cover(double min_value, double max_value) {
  const AxisTicks ticks{nice_ticks(min_value, max_value)};
  SCOPED_TRACE(std::to_string(min_value) + ".." + std::to_string(max_value));
  EXPECT_TRUE(is_nice_step(ticks.step)) << ticks.step;
  EXPECT_LE(ticks.low, min_value);
  EXPECT_GE(ticks.high, max_value);
  ASSERT_GE(ticks.values.size(), 2U);
  EXPECT_LE(ticks.values.size(), 12U);
  EXPECT_DOUBLE_EQ(ticks.values.front(), ticks.low);
  EXPECT_DOUBLE_EQ(ticks.values.back(), ticks.high);
  for (const double v : ticks.values) {
    EXPECT_NEAR(v / ticks.step, std::round(v / ticks.step), 1e-6) << v << " is not a multiple of the step";
  }
}

TEST(AxisTicks, TicksAreNiceMultiplesCoveringTheRange) {
  expect_nice_cover(2.4937, 3.5041);  // cell voltage
  expect_nice_cover(0.0, 4009.06);    // seconds of a run
  expect_nice_cover(-150.0, 52.5);    // pack current, charge and discharge
  expect_nice_cover(24.98, 31.7);     // temperature
  expect_nice_cover(1e-4, 3e-3);      // a small spread in V
  expect_nice_cover(0.0, 1e6);
}

TEST(AxisTicks, VoltageRangeGetsReadableTicks) {
  const AxisTicks ticks{nice_ticks(2.49, 3.51)};
  EXPECT_DOUBLE_EQ(ticks.step, 0.2);
  EXPECT_NEAR(ticks.low, 2.4, 1e-12);
  EXPECT_NEAR(ticks.high, 3.6, 1e-12);
  EXPECT_EQ(tick_label(ticks.values[1], ticks.step), "2.6");
}

TEST(AxisTicks, ConstantRangeIsWidenedAroundItsValue) {
  const AxisTicks ticks{nice_ticks(3.3, 3.3)};
  EXPECT_LT(ticks.low, 3.3);
  EXPECT_GT(ticks.high, 3.3);
  EXPECT_GT(ticks.step, 0.0);
  const AxisTicks zero{nice_ticks(0.0, 0.0)};
  EXPECT_LT(zero.low, 0.0);
  EXPECT_GT(zero.high, 0.0);
}

TEST(AxisTicks, NonFiniteInputGivesAFiniteAxis) {
  const double nan{std::numeric_limits<double>::quiet_NaN()};
  for (const AxisTicks& ticks : {nice_ticks(nan, nan), nice_ticks(0.0, std::numeric_limits<double>::infinity())}) {
    EXPECT_TRUE(std::isfinite(ticks.low));
    EXPECT_TRUE(std::isfinite(ticks.high));
    EXPECT_LT(ticks.low, ticks.high);
  }
}

TEST(AxisTicks, ZeroTickIsExactlyZero) {
  const AxisTicks ticks{nice_ticks(-0.3, 0.3)};
  bool has_zero{false};
  for (const double v : ticks.values) has_zero = has_zero || (v == 0.0 && !std::signbit(v));
  EXPECT_TRUE(has_zero);
}

TEST(AxisTicks, LabelsHaveTheDecimalsTheStepNeeds) {
  EXPECT_EQ(tick_label(3600.0, 600.0), "3600");
  EXPECT_EQ(tick_label(2.5, 0.5), "2.5");
  EXPECT_EQ(tick_label(0.30000000000000004, 0.1), "0.3");
  EXPECT_EQ(tick_label(0.02, 0.01), "0.02");
  EXPECT_EQ(tick_label(-1e-17, 0.1), "0.0");
}

}  // namespace
}  // namespace packsim::report
