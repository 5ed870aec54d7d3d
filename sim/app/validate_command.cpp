#include "sim/app/validate_command.h"

#include <CLI/CLI.hpp>
#include <ostream>

#include "common/input_error.h"
#include "sim/scenario/scenario_loader.h"

namespace packsim::app {

CLI::App& add_validate_command(CLI::App& app, ValidateOptions& options) {
  CLI::App& validate{*app.add_subcommand("validate", "Check scenario files without running them")};
  validate.footer(
      "Prints 'ok NAME' for each valid scenario and 'file:line:col: message' on stderr for each bad one.\n"
      "Exit codes: 0 every file is valid, 2 at least one is not.");
  validate.add_option("scenarios", options.scenario_paths, "Scenario files (YAML), e.g. scenarios/deep_discharge.yaml")
      ->required();
  return validate;
}

int run_validate_command(const ValidateOptions& options, std::ostream& out, std::ostream& err) {
  int exit_code{kValidateAllValid};
  for (const std::string& path : options.scenario_paths) {
    try {
      const scenario::Scenario checked{scenario::validate_scenario(path)};
      out << "ok " << checked.name << '\n';
    } catch (const InputError& error) {
      err << error.what() << '\n';
      exit_code = kValidateSomeInvalid;
    }
  }
  return exit_code;
}

}  // namespace packsim::app
