#include "sim/report/axis_ticks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace packsim::report {

namespace {

// The nice number (1, 2, 5 x 10^k) nearest to x.
double nice_number(double x) {
  const double power{std::pow(10.0, std::floor(std::log10(x)))};
  const double fraction{x / power};
  const double nice{fraction < 1.5 ? 1.0 : fraction < 3.0 ? 2.0 : fraction < 7.0 ? 5.0 : 10.0};
  return nice * power;
}

}  // namespace

AxisTicks nice_ticks(double min_value, double max_value, int target_count) {
  if (!std::isfinite(max_value - min_value)) min_value = max_value = 0.0;  // NaN, inf, or a span beyond double
  if (min_value > max_value) std::swap(min_value, max_value);
  // A flat signal still gets an axis: widen by 5 % of its magnitude (or by 1 around zero).
  const double magnitude{std::max(std::abs(min_value), std::abs(max_value))};
  if (max_value - min_value <= 1e-9 * std::max(magnitude, 1e-300)) {
    const double half_span{magnitude > 0.0 ? 0.05 * magnitude : 1.0};
    min_value -= half_span;
    max_value += half_span;
  }
  const int intervals{std::max(target_count - 1, 1)};
  // The step from the raw span (not Heckbert's rounded-up one) keeps the axis
  // tight: 2.49..3.51 V gets 2.4..3.6 in 0.2, not 2..4 in 0.5.
  const double step{nice_number((max_value - min_value) / intervals)};
  AxisTicks ticks;
  ticks.step = step;
  // The slack keeps 2.4 / 0.2 = 11.999... from adding a tick below the data.
  const double first{std::floor(min_value / step + 1e-9)};
  const double last{std::ceil(max_value / step - 1e-9)};
  for (double k = first; k <= last + 0.5; k += 1.0) {
    const double value{k * step};
    // k * step lands a rounding error off zero (-0, 1e-17): show it as 0.
    ticks.values.push_back(std::abs(value) < step * 1e-9 ? 0.0 : value);
  }
  ticks.low = ticks.values.front();
  ticks.high = ticks.values.back();
  return ticks;
}

std::string tick_label(double value, double step) {
  const int decimals{step > 0.0 && std::isfinite(step)
                         ? std::clamp(static_cast<int>(-std::floor(std::log10(step) + 1e-9)), 0, 12)
                         : 0};
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  std::string label{text};
  // "-0.0" after rounding a tiny negative reads as a sign error.
  if (label.find_first_not_of("-0.") == std::string::npos && label[0] == '-') label.erase(0, 1);
  return label;
}

}  // namespace packsim::report
