// The failure instant is read back from the runner's detail text.
#include "sim/report/failure_time.h"

#include <gtest/gtest.h>

namespace packsim::report {
namespace {

TEST(FailureTime, ReadsTheInstantOfEachDetailForm) {
  EXPECT_DOUBLE_EQ(*failure_time_s("min_cell_v < 2.0 V held at t=3412.50 s (min_cell_v = 1.99 V)"), 3412.5);
  EXPECT_DOUBLE_EQ(*failure_time_s("dsg_fet off did not hold within 10.00 s; at t=10.01 s"), 10.01);
  EXPECT_DOUBLE_EQ(*failure_time_s("the run ended at t=4009.06 s, before 6.00 s"), 4009.06);
}

TEST(FailureTime, TakesTheFailingCheckNotTheTrigger) {
  EXPECT_DOUBLE_EQ(*failure_time_s("trigger min_cell_v < 2.5 V at t=3407.54 s (min_cell_v = 2.49 V), dsg_fet off "
                                   "still not held at t=3410.540000 s (dsg_fet = on) (deadline 3410.540000 s)"),
                   3410.54);
}

TEST(FailureTime, NoInstantInTheTextGivesNone) {
  EXPECT_FALSE(failure_time_s("").has_value());
  EXPECT_FALSE(failure_time_s("service request failed: timeout").has_value());
  EXPECT_FALSE(failure_time_s("limit=3 s").has_value()) << "'t=' inside a word";
  EXPECT_FALSE(failure_time_s("t=nan s").has_value());
}

}  // namespace
}  // namespace packsim::report
