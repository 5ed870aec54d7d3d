#pragma once

// Runs one scenario on a HilRig: builds the rig from the scenario, executes
// its steps in order, checks `until` conditions and expectations at every
// check instant (the firmware's 10 ms tick by default), and records a trace.
// The reference firmware has one static context: one runner at a time per
// process.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "sim/clock/realtime_pacer.h"
#include "sim/clock/virtual_clock.h"
#include "sim/runner/run_result.h"
#include "sim/runner/trace_recorder.h"
#include "sim/scenario/scenario.h"

namespace packsim::runner {

struct RunOptions {
  sim::TimeNs check_period_ns{10 * sim::kNsPerMs};
  sim::TimeNs trace_period_ns{sim::kNsPerS};
  // A step whose `until` never holds and that has no `for` stops here.
  sim::TimeNs max_time_ns{48 * 3600 * sim::kNsPerS};
  // service.* signals: the JBD 0x03 answer is polled this often, only when used.
  sim::TimeNs service_poll_period_ns{sim::kNsPerS};
  std::optional<std::uint64_t> seed;  // replaces the scenario's
  // Paced to the wall clock (rigs, demos) instead of as fast as possible.
  std::optional<sim::PacerOptions> realtime;
  // Called now and then with the simulated time (s), e.g. for a progress line.
  std::function<void(double)> progress;
};

class ScenarioRunner {
 public:
  ScenarioRunner(scenario::Scenario scenario, RunOptions options);

  // Runs the whole timeline; a broken run (not an expectation) lands in
  // RunResult::error.
  RunResult run();

  const scenario::Scenario& scenario() const { return scenario_; }
  // After run(): the sampled signals and the CAN bus as candump lines.
  const TraceRecorder& trace() const { return *trace_; }
  const std::string& can_log() const { return can_log_; }

 private:
  class Execution;

  scenario::Scenario scenario_;
  RunOptions options_;
  std::optional<TraceRecorder> trace_;
  std::string can_log_;
};

}  // namespace packsim::runner
