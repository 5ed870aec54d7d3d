#pragma once

// What a scenario run produced: a verdict per expectation and run statistics.

#include <cstdint>
#include <optional>

#include "bms_under_test/hal/firmware.h"
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
  std::optional<hal::LinkStatistics> firmware_link;  // a firmware in a child process or over a link
  double speed_up() const { return wall_s > 0.0 ? simulated_s / wall_s : 0.0; }
};

// The firmware under test faulted (hal::FirmwareFault): its process crashed
// or exited, a tick hung, it flooded a bus, its link broke. The run ended at
// that instant; everything recorded up to it stands.
struct FirmwareFaultRecord {
  std::string kind;    // "crashed", "exited", "hung", "flooded a bus", "broke the link", "lost the link"
  std::string detail;  // the signal or status, the deadline, the bus, the field; the process's last stderr lines
  std::int64_t at_ns{0};
  // "firmware crashed at 12.340 s: its process (...) was killed by SIGSEGV (...)"
  std::string text() const;
};

struct RunResult {
  std::string scenario_name;
  std::string scenario_file;
  std::vector<ExpectationResult> expectations;  // in the file's order, then step failures
  RunStatistics statistics;
  // The run could not go on (not a verdict on the firmware): the physics
  // reached an impossible state, an internal error. Reported as an error.
  std::string error;
  std::optional<FirmwareFaultRecord> firmware_fault;
  // Stopped from outside (a signal) before its timeline ended: the cause and
  // the simulated time, e.g. "interrupted by SIGINT at t=12.340 s".
  std::string interrupted;
  // Why the run ended before its timeline, for a trace's last line, a
  // report's summary and JUnit's <error>; empty when it ran to its end.
  std::string ended_early_because() const;
  bool passed() const {
    if (!error.empty() || firmware_fault || !interrupted.empty()) return false;
    for (const ExpectationResult& e : expectations) {
      if (!e.passed) return false;
    }
    return true;
  }
};

}  // namespace packsim::runner
