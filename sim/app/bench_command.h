#pragma once

#include <iosfwd>

namespace packsim::app {

struct BenchOptions {
  bool json{false};
  double min_seconds_per_case{0.5};
  // Simulated hours of the lockstep workload (bench/scenarios/lockstep_16s_cycling.yaml, 24 h).
  double lockstep_hours{24.0};
};

// Measures the headline performance figures (plant ns per cell-step for the
// reference packs, the bq76952's register read and scan, and the whole loop's
// speed-up over real time) and prints them as a table or JSON. Returns the
// exit code: 1 when the lockstep workload does not pass its own expectations.
int run_bench_command(const BenchOptions& options, std::ostream& out);

}  // namespace packsim::app
