#pragma once

// The time axis every plot of a report shares: its unit, picked from the
// run's duration so tick labels stay short (seconds for a short test, hours
// for a storage run), and nice ticks in that unit covering the run.

#include <vector>

#include "sim/report/axis_ticks.h"

namespace packsim::report {

struct TimeUnit {
  const char* name;  // "s", "min", "h"
  double seconds;    // seconds in one unit
};

TimeUnit time_unit_for(double duration_s);

struct TimeAxis {
  TimeUnit unit{"s", 1.0};
  AxisTicks ticks;  // in the unit; ticks.low and ticks.high bound the axis
  double start_s() const { return ticks.low * unit.seconds; }
  double end_s() const { return ticks.high * unit.seconds; }
};

// Covers time_s (ascending); an empty or single-instant trace gets a short axis from its instant.
TimeAxis time_axis_for(const std::vector<double>& time_s);

}  // namespace packsim::report
