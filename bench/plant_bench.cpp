// Plant step cost at a 1 ms step; the counter ns_per_cell_step is the headline figure.
#include <benchmark/benchmark.h>

#include "bench/plant_fixture.h"

namespace packsim::bench {
namespace {

void plant_step(benchmark::State& bench_state, const ReferencePack& reference) {
  const models::Pack pack(reference_pack_config(reference));
  const models::PackInputs inputs = one_c_discharge(pack);
  models::PackState state = pack.initial_state();
  for (auto _ : bench_state) {
    pack.step(state, inputs, kPlantStepS);
    // Stay in the SOC window: refill before the pack runs flat (not timed as a step).
    if (state.soc.minCoeff() < 0.2) {
      bench_state.PauseTiming();
      state = pack.initial_state();
      bench_state.ResumeTiming();
    }
  }
  const double cell_steps = static_cast<double>(bench_state.iterations()) * pack.cell_count();
  bench_state.counters["ns_per_cell_step"] =
      benchmark::Counter(cell_steps * 1e-9, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

BENCHMARK_CAPTURE(plant_step, lfp_16s1p, kReferencePacks[0]);
BENCHMARK_CAPTURE(plant_step, lfp_96s4p, kReferencePacks[1]);
BENCHMARK_CAPTURE(plant_step, lfp_192s1p, kReferencePacks[2]);

}  // namespace
}  // namespace packsim::bench
