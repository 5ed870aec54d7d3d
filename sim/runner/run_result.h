#pragma once

// What a scenario run produced: a verdict per expectation and run statistics.

#include <cstdint>
#include <optional>

#include "sim/clock/realtime_pacer.h"
#include <string>
#include <vector>

namespace packsim::runner {

struct ExpectationResult {
  std::string name;
  std::string text;  // the expectation as written
  bool passed{false};
  std::string detail;  // why it failed (or how it passed), with times and values
  std::optional<std::int64_t> failed_at_ns;  // the check that decided a failure
};

struct RunStatistics {
  double simulated_s{0.0};
  double wall_s{0.0};
  std::optional<sim::PacerStats> realtime;  // a run paced to the wall clock
  double speed_up() const { return wall_s > 0.0 ? simulated_s / wall_s : 0.0; }
};

struct RunResult {
  std::string scenario_name;
  std::string scenario_file;
  std::vector<ExpectationResult> expectations;  // in the file's order, then step failures
  RunStatistics statistics;
  std::string error;  // the run itself broke (not an expectation): reported as a failure
  bool passed() const {
    if (!error.empty()) return false;
    for (const ExpectationResult& e : expectations) {
      if (!e.passed) return false;
    }
    return true;
  }
};

}  // namespace packsim::runner
