#pragma once

// Bounds the points a plot draws, whatever the trace length: a 48 h run
// sampled every second has 172,800 rows, a browser needs a few hundred
// points per line. Each time bucket keeps its lowest and highest sample, so
// a one-sample spike (a surge, a short) stays visible.

#include <cstddef>
#include <vector>

namespace packsim::report {

struct PlotPoint {
  double t_s;
  double value;  // NaN: a gap (the signal was not observable); the line breaks there
};

// time_s ascending, values the same length (NaN where unknown). Returns at
// most max_points points (at least 2 are kept) in time order; a series that
// already fits comes back whole, with each run of NaN collapsed to one gap.
std::vector<PlotPoint> decimate_min_max(const std::vector<double>& time_s, const std::vector<double>& values,
                                        std::size_t max_points);

}  // namespace packsim::report
