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
  std::string error;  // the run itself broke (not an expectation): reported as a failure
  std::optional<FirmwareFaultRecord> firmware_fault;
  bool passed() const {
    if (!error.empty() || firmware_fault) return false;
    for (const ExpectationResult& e : expectations) {
      if (!e.passed) return false;
    }
    return true;
  }
};

}  // namespace packsim::runner
