#pragma once

#include <iosfwd>
#include <string>

namespace CLI {
class App;
}

namespace packsim::app {

struct ListOptions {
  std::string directory;  // empty: the source tree's scenarios/ (PACKSIM_SCENARIOS_DIR)
};

// Exit codes of `packsim list`.
inline constexpr int kListOk{0};
inline constexpr int kListBadDirectory{2};

// Registers the `list` subcommand on app; parsing fills options.
CLI::App& add_list_command(CLI::App& app, ListOptions& options);

// Lists the *.yaml files of the directory (not recursive), sorted by name, one
// line each: the file's stem and the scenario's description, or, for a file
// that does not load, the loader's error. Returns kListOk, or
// kListBadDirectory (with a message on err) when the directory is not one.
int run_list_command(const ListOptions& options, std::ostream& out, std::ostream& err);

}  // namespace packsim::app
