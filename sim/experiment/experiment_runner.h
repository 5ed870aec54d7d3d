#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/pack/pack.h"
#include "sim/clock/virtual_clock.h"
#include "sim/experiment/experiment_step.h"
#include "sim/plant/plant_component.h"

namespace packsim::sim {

struct ExperimentOptions {
  double check_period_s{1.0};              // the sequencer evaluates until-conditions this often
  std::optional<double> sample_period_s;   // CSV rows; defaults to check_period_s
  double crossing_tolerance_s{1e-3};       // bisection locates a condition's crossing this closely
  double ambient_c{25.0};
  std::optional<double> initial_soc;       // 0..1; replaces the pack file's initial SOC (spread kept)
  std::optional<double> initial_temp_c;
  // Longest stretch the plant is integrated in one Pack::step between the
  // sequencer's checks; Pack splits it into its own internal steps (1 s under
  // current, 30 s at rest) and keeps exact energy and charge books over them,
  // so a long check period lets a long rest run 30 s per step, not 1 s.
  double max_plant_step_s{models::PackOptions{}.max_rest_substep_s};
  // A step with no duration that has not met its condition by then stops the
  // run (e.g. "Charge at 1C until 4.5 V" on a 3.6 V chemistry would never end).
  double step_time_limit_s{240.0 * 3600.0};
};

enum class StepEnd {
  kDuration,          // ran for its duration
  kCondition,         // an until-condition was crossed (located by bisection)
  kSatisfiedAtStart,  // an until-condition already held when the step began: zero length
  kTimeLimit,         // ran step_time_limit_s without meeting its condition (run stops)
};

struct StepSummary {
  int number{0};       // 1-based, as in the CSV's step column
  std::string text;    // normalized, see describe(ExperimentStep)
  StepEnd end{StepEnd::kDuration};
  std::string reason;  // e.g. "lowest cell <= 2.5 V"
  double start_s{0.0};
  double duration_s{0.0};
  double charge_ah{0.0};  // through the terminals, + discharge
  double energy_wh{0.0};  // at the terminals, + discharge
  double current_a{0.0};  // at the end
  double terminal_v{0.0};
  double min_cell_v{0.0};  // series-group voltages at the end
  double max_cell_v{0.0};
};

struct RunSummary {
  double duration_s{0.0};
  double nominal_capacity_ah{0.0};  // cell capacity x parallel
  double discharge_ah{0.0};         // delivered during discharge steps
  double discharge_wh{0.0};
  double charge_ah{0.0};  // taken in during charge and hold steps (positive)
  double charge_wh{0.0};
  double min_temp_c{0.0};
  double mean_temp_c{0.0};
  double max_temp_c{0.0};
  double soc_spread_percent{0.0};     // max - min cell SOC at the end
  double cell_voltage_spread_mv{0.0};  // max - min series-group voltage at the end
  double heat_j{0.0};                  // generated inside the cells over the run
  std::int64_t rows{0};                // CSV rows written (header excluded)
};

struct ExperimentResult {
  bool completed{false};
  std::vector<StepSummary> steps;  // the steps that ended, in order
  RunSummary run;                  // at the end of the run (or at the last step boundary if stopped)
  int failed_step{0};              // 1-based, when !completed
  std::string error;               // why the run stopped, naming the step, when !completed
};

// The longest the steps can run: the sum of their durations, with the step time
// limit for each step that has none. run_experiment refuses a sequence whose
// total is beyond models::kMaxSimulatedDurationS (models/pack/plant_limits.h).
double longest_experiment_s(const std::vector<ExperimentStep>& steps, const ExperimentOptions& options);

// CSV header: time_s,step,current_a,terminal_v,cell1_v..cellS_v (series groups),
// cell1_soc..cellN_soc,cell1_temp_c..cellN_temp_c.
std::string experiment_csv_header(int series, int cells);

// Runs the steps in order on a pack built from config (after the initial
// overrides), on one VirtualClock and Scheduler: the plant, a step sequencer
// (every check period) and a sampler (every sample period). Writes CSV rows to
// csv when given: one at t = 0, one per sample, one at each step boundary (a
// boundary that falls on a sample instant gives one row). A PlantError or a
// step time limit stops the run: the result says so (not completed) rather
// than throwing. Throws std::invalid_argument for options out of range (periods
// beyond kMaxStepDurationS included), a duration beyond kMaxStepDurationS or
// steps that add up beyond models::kMaxSimulatedDurationS.
ExperimentResult run_experiment(models::PackConfig config, const std::vector<ExperimentStep>& steps,
                                const ExperimentOptions& options, std::ostream* csv);

std::string_view describe(StepEnd end);

}  // namespace packsim::sim
