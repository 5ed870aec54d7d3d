#include "sim/scenario/scenario.h"

#include <algorithm>

namespace packsim::scenario {

double ambient_at(const Environment& environment, sim::TimeNs t) {
  const std::vector<AmbientPoint>& points{environment.ambient};
  if (points.empty()) return AmbientPoint{}.ambient_c;
  const auto after = std::upper_bound(points.begin(), points.end(), t,
                                      [](sim::TimeNs time, const AmbientPoint& point) { return time < point.at_ns; });
  if (after == points.begin()) return points.front().ambient_c;
  const AmbientPoint& before{*(after - 1)};
  if (after == points.end() || environment.interpolation == AmbientInterpolation::kStep) return before.ambient_c;
  const double fraction{static_cast<double>(t - before.at_ns) / static_cast<double>(after->at_ns - before.at_ns)};
  return before.ambient_c + fraction * (after->ambient_c - before.ambient_c);
}

std::uint64_t seed_for(std::uint64_t scenario_seed, SeedStream stream) {
  // splitmix64 of (seed, stream): streams far apart, the same on every platform.
  std::uint64_t z{scenario_seed + 0x9E3779B97F4A7C15ULL * (static_cast<std::uint64_t>(stream) + 1)};
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace packsim::scenario
