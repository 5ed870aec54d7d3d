// The shared time axis: its unit follows the run's length; it covers the run.
#include "sim/report/time_axis.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace packsim::report {
namespace {

TEST(TimeAxis, UnitIsSecondsMinutesOrHoursByDuration) {
  EXPECT_EQ(std::string{time_unit_for(0.0).name}, "s");
  EXPECT_EQ(std::string{time_unit_for(120.0).name}, "s");
  EXPECT_EQ(std::string{time_unit_for(4009.0).name}, "min");
  EXPECT_EQ(std::string{time_unit_for(6 * 3600.0).name}, "h");
  EXPECT_DOUBLE_EQ(time_unit_for(6 * 3600.0).seconds, 3600.0);
}

TEST(TimeAxis, CoversTheRunInItsUnit) {
  const TimeAxis axis{time_axis_for({0.0, 1.0, 2000.0, 4009.06})};
  EXPECT_EQ(std::string{axis.unit.name}, "min");
  EXPECT_DOUBLE_EQ(axis.start_s(), 0.0);
  EXPECT_GE(axis.end_s(), 4009.06);
  EXPECT_LE(axis.end_s(), 1.5 * 4009.06) << "a tight axis, not twice the run";
}

TEST(TimeAxis, EmptyAndSingleSampleTracesGetAnAxisOfNonZeroLength) {
  for (const std::vector<double>& t : {std::vector<double>{}, std::vector<double>{5.0}}) {
    const TimeAxis axis{time_axis_for(t)};
    EXPECT_LT(axis.start_s(), axis.end_s());
    if (!t.empty()) {
      EXPECT_LE(axis.start_s(), t.front());
      EXPECT_GE(axis.end_s(), t.front());
    }
  }
}

}  // namespace
}  // namespace packsim::report
