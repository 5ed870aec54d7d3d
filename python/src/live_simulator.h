#pragma once

// The rig behind packsim.Simulator: a RunSession built from a scenario's
// setup (pack, environment, firmware and its configuration, seeds, the
// expectations monitored online), driven by the user's calls instead of the
// scenario's steps. Steps arrive as YAML (the package writes Python dicts as
// YAML) and are read with the scenario format's own rules and timeline.

#include <cstdint>
#include <memory>
#include <atomic>
#include <mutex>
#include <thread>
#include <optional>
#include <string>

#include "python/src/interruptible.h"
#include "python/src/scenario_handle.h"
#include "sim/runner/run_session.h"
#include "sim/scenario/step_reader.h"

namespace packsim::python {

class LiveSimulator {
 public:
  LiveSimulator(const ScenarioHandle& scenario, const std::optional<std::string>& firmware,
                std::optional<std::uint64_t> seed, std::optional<bool> isolate = std::nullopt);
  LiveSimulator(const LiveSimulator&) = delete;
  LiveSimulator& operator=(const LiveSimulator&) = delete;
  ~LiveSimulator();

  // What a call does to the rig.
  enum class Access { kRead, kAdvance };

  // Held for each call: a Simulator serves one call at a time (a call from
  // another thread while one runs is an error, not a race). The thread that
  // runs the rig may read it meanwhile (a run_until condition does), but not
  // run it again from inside.
  class Call {
   public:
    explicit Call(LiveSimulator& simulator, Access access = Access::kAdvance);
    ~Call();
    Call(const Call&) = delete;
    Call& operator=(const Call&) = delete;
    runner::RunSession& session() { return simulator_.session_; }

   private:
    LiveSimulator& simulator_;
    bool owns_{false};
  };

  runner::RunSession& session() { return session_; }
  const runner::RunSession& session() const { return session_; }
  Interruption& interruption() { return interruption_; }
  const scenario::Scenario& scenario() const { return scenario_; }
  std::uint64_t seed() const { return seed_; }

  // A step given as YAML text (one entry of `steps:`), read at `path` for
  // error positions; then executed. Live steps are numbered from 0, as the
  // steps of a scenario file are (step_started[k] in expectations). False when the step failed (the failure
  // is among the verdicts).
  bool execute_step_text(const std::string& yaml, const std::string& path);
  // A condition as a scenario writes it ("min_cell_v < 2.5 V"), for run_until.
  scenario::Condition parse_condition(const std::string& text) const;

 private:
  scenario::Scenario scenario_;
  std::uint64_t seed_{0};
  Interruption interruption_;
  runner::RunOptions options_;
  runner::RunSession session_;
  scenario::TimelineReader timeline_;
  int steps_executed_{0};
  std::mutex busy_;
  std::atomic<std::thread::id> owner_{};  // the thread inside a call, if any
};

}  // namespace packsim::python
