#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace packsim::app {

struct ValidateOptions {
  std::vector<std::string> scenario_paths;
};

// Exit codes of `packsim validate` (the same as `packsim run` for bad input).
inline constexpr int kValidateAllValid{0};
inline constexpr int kValidateSomeInvalid{2};

// Registers the `validate` subcommand on app; parsing fills options.
CLI::App& add_validate_command(CLI::App& app, ValidateOptions& options);

// Checks each scenario without running it: "ok NAME" on out for a valid file,
// its "file:line:col: message" on err for a bad one. Every file is checked,
// whatever the others gave. Returns kValidateAllValid or kValidateSomeInvalid.
int run_validate_command(const ValidateOptions& options, std::ostream& out, std::ostream& err);

}  // namespace packsim::app
