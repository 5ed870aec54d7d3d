#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "sim/app/exit_codes.h"

namespace CLI {
class App;
}

namespace packsim::app {

struct PlantOptions {
  std::string pack_path;
  std::vector<std::string> steps;  // PyBaMM-style, in order
  double ambient_c{25.0};
  double dt_s{1.0};                // check period of the until-conditions
  std::optional<double> sample_s;  // CSV row period; defaults to dt_s
  std::optional<double> initial_soc;
  std::optional<double> initial_temp_c;
  std::string out_path;  // CSV; empty: none
  bool quiet{false};
};

// Exit codes of `packsim plant`.
inline constexpr int kExitCompleted{kExitSuccess};
inline constexpr int kExitSimulationStopped{kExitCouldNotRun};

// Registers the `plant` subcommand on app; parsing fills options.
CLI::App& add_plant_command(CLI::App& app, PlantOptions& options);

// Runs a pack file through the steps: summary table on out, errors on err.
// Returns kExitCompleted, kExitBadInput (an InputError, printed file:line:col)
// or kExitSimulationStopped (a PlantError or a step that never ended).
int run_plant_command(const PlantOptions& options, std::ostream& out, std::ostream& err);

}  // namespace packsim::app
