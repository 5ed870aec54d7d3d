#pragma once

#include <iosfwd>

namespace packsim::app {

struct BenchOptions {
  bool json{false};
  double min_seconds_per_case{0.5};
};

// Measures the headline performance figures (plant ns per cell-step for the
// reference packs) and prints them as a table or JSON. Returns the exit code.
int run_bench_command(const BenchOptions& options, std::ostream& out);

}  // namespace packsim::app
