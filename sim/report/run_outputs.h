#pragma once

// The files `packsim run --out OUT` writes for one scenario, in its own
// directory (OUT/<scenario>): trace.csv, can.log (candump) and report.html.
// packsim.run(out=...) in Python writes the same files the same way.

#include <cstdint>
#include <string>

#include "sim/runner/run_result.h"
#include "sim/runner/scenario_runner.h"

namespace packsim::report {

// Each file is written whole or not at all (a temporary renamed over it); a
// trace that streamed to its file (RunOptions::trace_file) is committed.
// `seed`: the seed the run used (the scenario's or the --seed override).
void write_run_outputs(const std::string& dir, const runner::RunResult& result,
                       runner::ScenarioRunner& scenario_runner, std::uint64_t seed, bool write_report);

// The directory name of a scenario's outputs: its file's stem, or for a
// scenario without a file (a Python dict) its name made safe for a path.
std::string output_dir_name(const scenario::Scenario& scenario);

}  // namespace packsim::report
