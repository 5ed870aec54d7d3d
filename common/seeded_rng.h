#pragma once

#include <array>
#include <cmath>
#include <cstdint>

namespace packsim {

// The project's source of randomness: xoshiro256++ seeded through splitmix64,
// so a seed gives the same stream on every platform and standard library (the
// std:: distributions are not specified bit for bit). Gaussian draws use the
// Marsaglia polar method and keep the spare value.
class SeededRng {
 public:
  explicit SeededRng(std::uint64_t seed) {
    std::uint64_t x{seed};
    for (std::uint64_t& word : s_) {
      x += 0x9E3779B97F4A7C15ULL;
      std::uint64_t z{x};
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      word = z ^ (z >> 31);
    }
  }

  std::uint64_t next_u64() {
    const std::uint64_t result{rotl(s_[0] + s_[3], 23) + s_[0]};
    const std::uint64_t t{s_[1] << 17};
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

  // Standard normal.
  double gaussian() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u{0.0};
    double v{0.0};
    double s{0.0};
    do {
      u = 2.0 * uniform01() - 1.0;
      v = 2.0 * uniform01() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double scale{std::sqrt(-2.0 * std::log(s) / s)};
    spare_ = v * scale;
    has_spare_ = true;
    return u * scale;
  }

  // Uniform integer in [0, n).
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(uniform01() * n); }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  std::array<std::uint64_t, 4> s_{};
  bool has_spare_{false};
  double spare_{0.0};
};

}  // namespace packsim
