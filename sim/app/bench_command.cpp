#include "sim/app/bench_command.h"

#include <chrono>
#include <cstdio>
#include <ostream>
#include <string>
#include <vector>

#include "bench/plant_fixture.h"

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

}  // namespace

int run_bench_command(const BenchOptions& options, std::ostream& out) {
  std::vector<PlantFigure> figures;
  for (const bench::ReferencePack& reference : bench::kReferencePacks) {
    figures.push_back(measure_plant(reference, options.min_seconds_per_case));
  }
  char line[160];
  if (options.json) {
    out << "{\n  \"plant_step_s\": " << bench::kPlantStepS << ",\n  \"plant_ns_per_cell_step\": {";
    for (std::size_t k = 0; k < figures.size(); ++k) {
      std::snprintf(line, sizeof line, "%s\n    \"%s\": %.3f", k == 0 ? "" : ",", figures[k].label.c_str(),
                    figures[k].ns_per_cell_step);
      out << line;
    }
    out << "\n  }\n}\n";
    return 0;
  }
  out << "plant step at 1 ms, 1C discharge (LFP packs)\n";
  out << "  pack      cells   ns per cell-step   ns per pack step\n";
  for (const PlantFigure& figure : figures) {
    std::snprintf(line, sizeof line, "  %-8s %6d   %16.2f   %16.1f\n", figure.label.c_str(), figure.cells,
                  figure.ns_per_cell_step, figure.ns_per_cell_step * figure.cells);
    out << line;
  }
  return 0;
}

}  // namespace packsim::app
