#pragma once

// Axis ranges with "nice" tick values (1, 2 or 5 times a power of ten) that
// cover the data, after Heckbert, "Nice numbers for graph labels", Graphics
// Gems (1990), with a tighter range than his loose labelling.

#include <string>
#include <vector>

namespace packsim::report {

struct AxisTicks {
  double low{0.0};   // the axis starts here: the first tick, at or below the data
  double high{1.0};  // and ends here: the last tick, at or above the data
  double step{0.5};
  std::vector<double> values;  // low, low + step, ..., high
};

// About target_count ticks covering [min_value, max_value]. A constant (or
// empty, or non-finite) range is widened around its value, so the span is
// never zero.
AxisTicks nice_ticks(double min_value, double max_value, int target_count = 5);

// A tick value with as many decimals as the step needs: "2.5", "3600", "0.02".
std::string tick_label(double value, double step);

}  // namespace packsim::report
