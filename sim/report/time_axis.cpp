#include "sim/report/time_axis.h"

#include <algorithm>

namespace packsim::report {

namespace {
// Below three of a unit, labels in that unit would be fractions: use the smaller one.
constexpr double kUnitsBeforeSwitching{3.0};
constexpr TimeUnit kSeconds{"s", 1.0};
constexpr TimeUnit kMinutes{"min", 60.0};
constexpr TimeUnit kHours{"h", 3600.0};
constexpr int kTimeTicks{8};
}  // namespace

TimeUnit time_unit_for(double duration_s) {
  if (!(duration_s >= kUnitsBeforeSwitching * kMinutes.seconds)) return kSeconds;  // also NaN
  if (duration_s < kUnitsBeforeSwitching * kHours.seconds) return kMinutes;
  return kHours;
}

TimeAxis time_axis_for(const std::vector<double>& time_s) {
  const double start{time_s.empty() ? 0.0 : time_s.front()};
  const double end{time_s.empty() ? 0.0 : time_s.back()};
  TimeAxis axis;
  axis.unit = time_unit_for(end - start);
  // Time runs forward from the first sample: a lone instant gets one second after it.
  const double end_in_unit{end > start ? end / axis.unit.seconds : (start + 1.0) / axis.unit.seconds};
  axis.ticks = nice_ticks(start / axis.unit.seconds, end_in_unit, kTimeTicks);
  return axis;
}

}  // namespace packsim::report
