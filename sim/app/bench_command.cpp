#include "sim/app/bench_command.h"

#include <chrono>
#include <cstdio>
#include <ostream>
#include <string>
#include <vector>

#include "bench/plant_fixture.h"
#include "bms_under_test/afe/adc.h"
#include "bms_under_test/afe/bq76952.h"
#include "bms_under_test/afe/register_map.h"
#include "sim/runner/scenario_runner.h"
#include "sim/scenario/scenario_loader.h"

namespace packsim::app {

namespace {

struct PlantFigure {
  std::string label;
  int cells{0};
  double ns_per_cell_step{0.0};
};

// Times 1 ms plant steps of a 1C discharge in chunks until min_seconds have
// been measured; refills the pack between chunks so it never runs flat.
PlantFigure measure_plant(const bench::ReferencePack& reference, double min_seconds) {
  using Clock = std::chrono::steady_clock;
  constexpr int kChunkSteps = 2000;
  const models::Pack pack(bench::reference_pack_config(reference));
  const models::PackInputs inputs = bench::one_c_discharge(pack);
  models::PackState state = pack.initial_state();
  for (int k = 0; k < kChunkSteps; ++k) {
    pack.step(state, inputs, bench::kPlantStepS);  // warm caches and the parameter cache
  }
  double measured_s = 0.0;
  long steps = 0;
  while (measured_s < min_seconds) {
    if (state.soc.minCoeff() < 0.2) {
      state = pack.initial_state();
    }
    const auto start = Clock::now();
    for (int k = 0; k < kChunkSteps; ++k) {
      pack.step(state, inputs, bench::kPlantStepS);
    }
    measured_s += std::chrono::duration<double>(Clock::now() - start).count();
    steps += kChunkSteps;
  }
  return {reference.label, pack.cell_count(), measured_s * 1e9 / (static_cast<double>(steps) * pack.cell_count())};
}

struct AfeFigures {
  double register_read_ns{0.0};  // I2C write of the register address + 2-byte read
  double scan_ns{0.0};           // one 16-cell ADC scan with typical noise
};

// Times `body` in chunks until min_seconds have been measured; ns per call.
template <typename Body>
double time_per_call_ns(double min_seconds, Body&& body) {
  using Clock = std::chrono::steady_clock;
  constexpr int kChunk = 100'000;
  for (int k = 0; k < kChunk; ++k) {
    body();  // warm up
  }
  double measured_s = 0.0;
  long calls = 0;
  while (measured_s < min_seconds) {
    const auto start = Clock::now();
    for (int k = 0; k < kChunk; ++k) {
      body();
    }
    measured_s += std::chrono::duration<double>(Clock::now() - start).count();
    calls += kChunk;
  }
  return measured_s * 1e9 / static_cast<double>(calls);
}

AfeFigures measure_afe(double min_seconds) {
  AfeFigures figures;
  afe::AnalogInputs pins;
  pins.cell_v.fill(3.3);
  pins.stack_v = pins.pack_v = pins.ld_v = 52.8;
  afe::Bq76952 chip{afe::Bq76952Config{}};
  chip.advance_to(100 * sim::kNsPerMs, pins);
  std::uint8_t reg{afe::command::kCell1Voltage};
  volatile std::uint8_t sink{0};
  figures.register_read_ns = time_per_call_ns(min_seconds, [&] {
    std::uint8_t out[2]{};
    chip.write(0x08, &reg, 1);
    chip.read(0x08, out, 2);
    sink = static_cast<std::uint8_t>(sink ^ out[0] ^ out[1]);
  });

  const afe::AdcModel adc{afe::AdcErrorConfig{}, 1};
  afe::AdcInputs in;
  in.cell_v.fill(3.3);
  in.stack_v = in.pack_v = in.ld_v = 52.8;
  for (std::size_t pin : {afe::kTs1Pin, afe::kTs2Pin, afe::kTs3Pin}) {
    in.pin_pullup_ohm[pin] = 18'000.0;
    in.pin_ohm[pin] = 10'000.0;
  }
  SeededRng noise{2};
  afe::AdcResults results;
  figures.scan_ns = time_per_call_ns(min_seconds, [&] {
    adc.scan(in, 0, noise, results);
    sink = static_cast<std::uint8_t>(sink ^ static_cast<std::uint8_t>(results.cell_counts[0]));
  });
  return figures;
}

struct LockstepFigure {
  double simulated_s{0.0};
  double wall_s{0.0};
  bool passed{false};
  std::string error;
  double rt_factor() const { return wall_s > 0.0 ? simulated_s / wall_s : 0.0; }
};

// The whole loop: a 16S1P LFP pack, the bq76952 and the reference firmware at
// their native rates, the inverter on CAN, cycling for `hours` of simulated
// time; the firmware linked in, or isolated in a child process (the
// remote-HAL link over shared memory).
LockstepFigure measure_lockstep(double hours, bool isolated) {
  const scenario::Scenario workload{
      scenario::validate_scenario(std::string{PACKSIM_BENCH_SCENARIOS_DIR} + "/lockstep_16s_cycling.yaml")};
  runner::RunOptions options;
  options.firmware.isolate = isolated;
  options.max_time_ns = static_cast<sim::TimeNs>(hours * 3600.0 * 1e9);
  runner::ScenarioRunner scenario_runner{workload, options};
  const runner::RunResult result{scenario_runner.run()};
  return {result.statistics.simulated_s, result.statistics.wall_s, result.passed(), result.error};
}

}  // namespace

int run_bench_command(const BenchOptions& options, std::ostream& out) {
  std::vector<PlantFigure> figures;
  for (const bench::ReferencePack& reference : bench::kReferencePacks) {
    figures.push_back(measure_plant(reference, options.min_seconds_per_case));
  }
  const AfeFigures afe_figures = measure_afe(options.min_seconds_per_case);
  const LockstepFigure lockstep = measure_lockstep(options.lockstep_hours, false);
  const LockstepFigure isolated = measure_lockstep(options.lockstep_hours, true);
  const int exit_code = lockstep.passed && isolated.passed ? 0 : 1;
  char line[200];
  if (options.json) {
    out << "{\n  \"plant_step_s\": " << bench::kPlantStepS << ",\n  \"plant_ns_per_cell_step\": {";
    for (std::size_t k = 0; k < figures.size(); ++k) {
      std::snprintf(line, sizeof line, "%s\n    \"%s\": %.3f", k == 0 ? "" : ",", figures[k].label.c_str(),
                    figures[k].ns_per_cell_step);
      out << line;
    }
    std::snprintf(line, sizeof line, "\n  },\n  \"afe_register_read_ns\": %.3f,\n  \"afe_scan_ns\": %.3f,\n",
                  afe_figures.register_read_ns, afe_figures.scan_ns);
    out << line;
    std::snprintf(line, sizeof line,
                  "  \"lockstep_16s_simulated_s\": %.1f,\n  \"lockstep_16s_wall_s\": %.3f,\n"
                  "  \"lockstep_16s_rt_factor\": %.0f,\n  \"lockstep_16s_passed\": %s,\n",
                  lockstep.simulated_s, lockstep.wall_s, lockstep.rt_factor(), lockstep.passed ? "true" : "false");
    out << line;
    std::snprintf(line, sizeof line,
                  "  \"lockstep_16s_isolated_wall_s\": %.3f,\n  \"lockstep_16s_rt_factor_isolated\": %.0f,\n"
                  "  \"lockstep_16s_isolated_cost\": %.2f,\n  \"lockstep_16s_isolated_passed\": %s\n}\n",
                  isolated.wall_s, isolated.rt_factor(),
                  lockstep.wall_s > 0.0 ? isolated.wall_s / lockstep.wall_s : 0.0, isolated.passed ? "true" : "false");
    out << line;
    return exit_code;
  }
  out << "plant step at 1 ms, 1C discharge (LFP packs)\n";
  out << "  pack      cells   ns per cell-step   ns per pack step\n";
  for (const PlantFigure& figure : figures) {
    std::snprintf(line, sizeof line, "  %-8s %6d   %16.2f   %16.1f\n", figure.label.c_str(), figure.cells,
                  figure.ns_per_cell_step, figure.ns_per_cell_step * figure.cells);
    out << line;
  }
  out << "bq76952 emulation\n";
  std::snprintf(line, sizeof line, "  register read (I2C write + 2-byte read)   %10.2f ns\n", afe_figures.register_read_ns);
  out << line;
  std::snprintf(line, sizeof line, "  16-cell ADC scan                          %10.2f ns\n", afe_figures.scan_ns);
  out << line;
  out << "lockstep loop: 16S1P LFP, bq76952, reference firmware, CAN inverter, 0.5C cycling\n";
  std::snprintf(line, sizeof line, "  %.1f h simulated in %.2f s wall: x%.0f real time%s\n", lockstep.simulated_s / 3600.0,
                lockstep.wall_s, lockstep.rt_factor(), lockstep.passed ? "" : " (the workload FAILED its expectations)");
  out << line;
  if (!lockstep.error.empty()) out << "  error: " << lockstep.error << '\n';
  std::snprintf(line, sizeof line,
                "  the firmware isolated in a child process: %.2f s wall, x%.0f real time (%.2f times the wall time)%s\n",
                isolated.wall_s, isolated.rt_factor(), lockstep.wall_s > 0.0 ? isolated.wall_s / lockstep.wall_s : 0.0,
                isolated.passed ? "" : " (the workload FAILED its expectations)");
  out << line;
  if (!isolated.error.empty()) out << "  error: " << isolated.error << '\n';
  return exit_code;
}

}  // namespace packsim::app
