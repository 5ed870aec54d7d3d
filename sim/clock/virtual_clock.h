#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

namespace packsim::sim {

// Virtual time in nanoseconds. int64 holds +-292 years exactly, so event times
// add and compare without rounding; seconds (double) only at the edges.
using TimeNs = std::int64_t;

inline constexpr TimeNs kNsPerUs{1'000};
inline constexpr TimeNs kNsPerMs{1'000'000};
inline constexpr TimeNs kNsPerS{1'000'000'000};
// "No event scheduled": later than any reachable time.
inline constexpr TimeNs kNoEvent{std::numeric_limits<TimeNs>::max()};

constexpr double to_seconds(TimeNs t) {
  return static_cast<double>(t) / static_cast<double>(kNsPerS);
}

// Seconds to the nearest nanosecond (halves away from zero). Whole seconds and
// the fraction are converted apart so large times keep nanosecond resolution
// (s * 1e9 in one product loses it beyond ~2^53 ns, about 104 days).
inline TimeNs from_seconds(double s) {
  if (!std::isfinite(s)) {
    throw std::invalid_argument{"from_seconds: time is not finite: " + std::to_string(s) + " s"};
  }
  const auto out_of_range = [s] {
    return std::invalid_argument{"from_seconds: " + std::to_string(s) +
                                 " s is outside the int64 nanosecond range"};
  };
  // Beyond this many whole seconds, whole * kNsPerS alone overflows int64.
  constexpr double kMaxWholeS{static_cast<double>(std::numeric_limits<TimeNs>::max() / kNsPerS)};
  const double whole_s{std::trunc(s)};
  if (std::abs(whole_s) > kMaxWholeS) {
    throw out_of_range();
  }
  const TimeNs whole_ns{static_cast<TimeNs>(whole_s) * kNsPerS};
  const TimeNs frac_ns{std::llround((s - whole_s) * static_cast<double>(kNsPerS))};
  // Same sign as whole_ns (trunc keeps the sign), so only that side can overflow.
  if ((frac_ns > 0 && whole_ns > std::numeric_limits<TimeNs>::max() - frac_ns) ||
      (frac_ns < 0 && whole_ns < std::numeric_limits<TimeNs>::min() - frac_ns)) {
    throw out_of_range();
  }
  return whole_ns + frac_ns;
}

// The one owner of simulated time. Only moves forward, so every component can
// rely on a monotonic clock (the firmware's millis() reads it).
class VirtualClock {
 public:
  TimeNs now() const { return now_ns_; }

  // t == now() is a no-op; t < now() is a bug in the caller.
  void advance_to(TimeNs t) {
    if (t < now_ns_) {
      throw std::logic_error{"VirtualClock: time would go backwards from " +
                             std::to_string(now_ns_) + " ns to " + std::to_string(t) + " ns"};
    }
    now_ns_ = t;
  }

 private:
  TimeNs now_ns_{0};
};

}  // namespace packsim::sim
