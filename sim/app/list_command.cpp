#include "sim/app/list_command.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <ostream>
#include <system_error>
#include <vector>

#include "common/input_error.h"
#include "sim/scenario/scenario_loader.h"

#ifndef PACKSIM_SCENARIOS_DIR
#define PACKSIM_SCENARIOS_DIR "scenarios"
#endif

namespace packsim::app {

CLI::App& add_list_command(CLI::App& app, ListOptions& options) {
  CLI::App& list{*app.add_subcommand("list", "List the scenario library with each scenario's description")};
  list.footer("Prints 'STEM  DESCRIPTION' for each *.yaml of the directory, or the error of a file that does not load.");
  list.add_option("--dir", options.directory, "Directory to list instead of the source tree's scenarios/");
  return list;
}

int run_list_command(const ListOptions& options, std::ostream& out, std::ostream& err) {
  namespace fs = std::filesystem;
  const fs::path directory{options.directory.empty() ? fs::path{PACKSIM_SCENARIOS_DIR} : fs::path{options.directory}};
  std::error_code ec;
  if (!fs::is_directory(directory, ec)) {
    err << "packsim list: " << directory.string() << ": not a directory\n";
    return kListBadDirectory;
  }
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator{directory, ec}) {
    if (entry.is_regular_file(ec) && entry.path().extension() == ".yaml") {
      files.push_back(entry.path());
    }
  }
  if (ec) {
    err << "packsim list: " << directory.string() << ": " << ec.message() << '\n';
    return kListBadDirectory;
  }
  std::sort(files.begin(), files.end());

  std::size_t width{0};
  for (const fs::path& file : files) {
    width = std::max(width, file.stem().string().size());
  }
  for (const fs::path& file : files) {
    const std::string stem{file.stem().string()};
    out << stem << std::string(width - stem.size() + 2, ' ');
    try {
      out << scenario::load_scenario(file.string()).description << '\n';
    } catch (const InputError& error) {
      out << "error: " << error.what() << '\n';
    }
  }
  return kListOk;
}

}  // namespace packsim::app
