// Markers: one per failed expectation with an instant, one per FET edge.
#include "sim/report/run_markers.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace packsim::report {
namespace {

TEST(RunMarkers, FailedExpectationIsMarkedAtItsInstantWithItsTableNumber) {
  runner::RunResult result;
  result.expectations = {{"opens", "that: x", true, "held at t=5.00 s", {}},
                         {"no deep discharge", "never: y", false, "min_cell_v < 2.0 V held at t=12.50 s",
                          12'500'000'000},
                         {"service", "step", false, "service request failed: timeout", {}}};  // no instant known
  const std::vector<Marker> markers{failure_markers(result)};
  ASSERT_EQ(markers.size(), 1U);
  EXPECT_DOUBLE_EQ(markers[0].t_s, 12.5);
  EXPECT_EQ(markers[0].kind, MarkerKind::kFailure);
  EXPECT_EQ(markers[0].tag, "#2");
  EXPECT_NE(markers[0].tooltip.find("no deep discharge"), std::string::npos);
}

TEST(RunMarkers, EachFetEdgeIsMarkedInTimeOrderSkippingUnknownSamples) {
  TraceTable trace;
  trace.time_s = {0, 1, 2, 3, 4, 5};
  trace.columns["chg_fet"] = {0, 1, 1, 1, 1, 0};
  trace.columns["dsg_fet"] = {0, 1, std::nan(""), 1, 0, 0};
  const std::vector<Marker> markers{fet_edge_markers(trace)};
  ASSERT_EQ(markers.size(), 4U);
  EXPECT_EQ(markers[0].tag, "CHG on");
  EXPECT_EQ(markers[1].tag, "DSG on");
  EXPECT_DOUBLE_EQ(markers[2].t_s, 4.0);
  EXPECT_EQ(markers[2].tag, "DSG off");
  EXPECT_EQ(markers[3].tag, "CHG off");
  EXPECT_EQ(markers[3].tooltip, "CHG off at t=5.00 s");
}

TEST(RunMarkers, TraceWithoutFetColumnsHasNoEdges) {
  TraceTable trace;
  trace.time_s = {0, 1};
  EXPECT_TRUE(fet_edge_markers(trace).empty());
}

}  // namespace
}  // namespace packsim::report
