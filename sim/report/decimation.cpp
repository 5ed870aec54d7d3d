#include "sim/report/decimation.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace packsim::report {

namespace {

constexpr double kGap{std::numeric_limits<double>::quiet_NaN()};

void push_gap(std::vector<PlotPoint>& out) {
  if (!out.empty() && !std::isnan(out.back().value)) out.push_back({out.back().t_s, kGap});
}

// Min and max of one bucket, in the order they occur (the step edges stay in place).
void push_extremes(std::vector<PlotPoint>& out, const std::vector<double>& time_s, const std::vector<double>& values,
                   std::size_t begin, std::size_t end) {
  std::size_t lowest{end};
  std::size_t highest{end};
  for (std::size_t i = begin; i < end; ++i) {
    if (std::isnan(values[i])) continue;
    if (lowest == end || values[i] < values[lowest]) lowest = i;
    if (highest == end || values[i] > values[highest]) highest = i;
  }
  if (lowest == end) {
    push_gap(out);
    return;
  }
  const std::size_t first{std::min(lowest, highest)};
  const std::size_t second{std::max(lowest, highest)};
  out.push_back({time_s[first], values[first]});
  if (second != first) out.push_back({time_s[second], values[second]});
}

}  // namespace

std::vector<PlotPoint> decimate_min_max(const std::vector<double>& time_s, const std::vector<double>& values,
                                        std::size_t max_points) {
  const std::size_t n{std::min(time_s.size(), values.size())};
  std::vector<PlotPoint> out;
  max_points = std::max<std::size_t>(max_points, 2);
  if (n <= max_points) {
    for (std::size_t i = 0; i < n; ++i) {
      if (std::isnan(values[i])) {
        push_gap(out);
      } else {
        out.push_back({time_s[i], values[i]});
      }
    }
    return out;
  }
  // Buckets of equal time, not of equal rows: the runner samples densely
  // around events, and a plot's pixels are time.
  const std::size_t buckets{max_points / 2};
  const double start{time_s.front()};
  const double span{time_s[n - 1] - start};
  std::size_t begin{0};
  for (std::size_t b = 0; b < buckets && begin < n; ++b) {
    std::size_t end{n};
    if (b + 1 < buckets && span > 0.0) {
      const double bucket_end{start + span * static_cast<double>(b + 1) / static_cast<double>(buckets)};
      end = static_cast<std::size_t>(std::lower_bound(time_s.begin() + static_cast<std::ptrdiff_t>(begin),
                                                      time_s.begin() + static_cast<std::ptrdiff_t>(n), bucket_end) -
                                     time_s.begin());
    }
    if (end > begin) push_extremes(out, time_s, values, begin, end);
    begin = end;
  }
  return out;
}

}  // namespace packsim::report
