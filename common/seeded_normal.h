#pragma once

#include <cmath>
#include <cstdint>
#include <random>

namespace packsim {

// Standard normal draws from a seed, identical on every platform: mt19937_64 is
// specified bit for bit by the C++ standard, std::normal_distribution is not,
// so the Box-Muller transform is written out here.
class SeededNormal {
 public:
  explicit SeededNormal(std::uint64_t seed) : engine_(seed) {}

  double next() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    // Uniform in (0, 1]: 53 random bits, never 0 so the log is finite.
    const double u1 = (static_cast<double>(engine_() >> 11) + 1.0) * 0x1.0p-53;
    const double u2 = static_cast<double>(engine_() >> 11) * 0x1.0p-53;
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double angle = 2.0 * 3.14159265358979323846 * u2;
    spare_ = radius * std::sin(angle);
    has_spare_ = true;
    return radius * std::cos(angle);
  }

  // Normal draw clipped to +-limit sigmas: a manufacturing spread has no 6-sigma tails.
  double next_clipped(double limit) { return std::fmax(-limit, std::fmin(limit, next())); }

 private:
  std::mt19937_64 engine_;
  double spare_{0.0};
  bool has_spare_{false};
};

}  // namespace packsim
