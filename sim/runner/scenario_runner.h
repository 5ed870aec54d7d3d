#pragma once

// Runs one scenario on a HilRig: builds the rig from the scenario, executes
// its steps in order through a RunSession, checks `until` conditions and
// expectations at every check instant (the firmware's 10 ms tick by
// default), and records a trace. With the linked-in reference firmware (one
// static context) one runner at a time per process; RunOptions::load_firmware
// can give each run its own copy.

#include <memory>
#include <optional>
#include <string>

#include "sim/runner/run_result.h"
#include "sim/runner/run_session.h"
#include "sim/runner/trace_recorder.h"
#include "sim/scenario/scenario.h"

namespace packsim::runner {

class ScenarioRunner {
 public:
  ScenarioRunner(scenario::Scenario scenario, RunOptions options);

  // Runs the whole timeline; a broken run (not an expectation) lands in
  // RunResult::error. RunInterrupted (RunOptions::interrupted) propagates.
  RunResult run();

  const scenario::Scenario& scenario() const { return scenario_; }
  // After run(): the sampled signals and the CAN bus as candump lines.
  const TraceRecorder& trace() const { return *trace_; }
  // After run(), when RunOptions::trace_file streamed the trace: its last
  // rows and end note, then its real name. Throws OutputError.
  void commit_trace_file() { trace_->finish_file(); }
  // The same for the CAN log (RunOptions::can_log_file); false when it was
  // not streamed (can_log() holds it).
  bool commit_can_log_file() {
    if (!can_log_file_) return false;
    can_log_file_->commit();
    return true;
  }
  const std::string& can_log() const { return can_log_; }
  // After run(): the bus as it was recorded (for numpy arrays) and the names
  // of its nodes (CanRecord::sender indexes them).
  const std::vector<hil::CanRecord>& can_records() const { return can_records_; }
  const std::vector<std::string>& can_node_names() const { return can_node_names_; }
  // After run(): the pack and its state at the end (nullptr when the rig
  // could not be built).
  const models::Pack* pack() const { return pack_ ? &*pack_ : nullptr; }
  const models::PackState* final_pack_state() const { return final_state_ ? &*final_state_ : nullptr; }

 private:
  scenario::Scenario scenario_;
  RunOptions options_;
  std::optional<TraceRecorder> trace_;
  std::string can_log_;
  std::unique_ptr<GrowingFile> can_log_file_;
  std::vector<hil::CanRecord> can_records_;
  std::vector<std::string> can_node_names_;
  std::optional<models::Pack> pack_;
  std::optional<models::PackState> final_state_;
};

}  // namespace packsim::runner
