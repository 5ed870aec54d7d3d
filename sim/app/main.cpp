// packsim: the command-line front end. Each subcommand lives in its own
// <name>_command.{h,cpp}; this file only wires them into one CLI11 app.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <new>

#include "common/input_error.h"
#include "sim/app/bench_command.h"
#include "sim/app/list_command.h"
#include "sim/app/plant_command.h"
#include "sim/app/run_command.h"
#include "sim/app/serve_command.h"
#include "sim/app/validate_command.h"

int main(int argc, char** argv) {
  using namespace packsim::app;
  CLI::App app{"packsim: battery-pack hardware-in-the-loop simulator"};
  app.name("packsim");
  app.require_subcommand(1);
  app.footer("Run 'packsim SUBCOMMAND --help' for the options of each subcommand.");

  PlantOptions plant_options;
  CLI::App& plant{add_plant_command(app, plant_options)};

  ValidateOptions validate_options;
  CLI::App& validate{add_validate_command(app, validate_options)};

  ListOptions list_options;
  CLI::App& list{add_list_command(app, list_options)};

  RunOptions run_options;
  CLI::App& run{add_run_command(app, run_options)};

  ServeOptions serve_options;
  CLI::App& serve{add_serve_command(app, serve_options)};

  BenchOptions bench_options;
  CLI::App& bench{*app.add_subcommand("bench", "Measure the headline performance figures")};
  bench.add_flag("--json", bench_options.json, "Print JSON instead of a table");
  bench.add_option("--lockstep-hours", bench_options.lockstep_hours,
                   "Simulated hours of the lockstep workload (24 h cycling of a 16S1P pack)")
      ->check(CLI::Range(0.001, 24.0))
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help is a ParseError with exit code 0; every other one is bad input.
    const int code{app.exit(e)};
    return code == 0 ? 0 : kExitBadInput;
  } catch (const packsim::InputError& e) {
    // A value an option's own callback refused (e.g. a number that is not one).
    std::cerr << e.what() << '\n';
    return kExitBadInput;
  }

  try {
    if (plant.parsed()) {
      return run_plant_command(plant_options, std::cout, std::cerr);
    }
    if (validate.parsed()) {
      return run_validate_command(validate_options, std::cout, std::cerr);
    }
    if (list.parsed()) {
      return run_list_command(list_options, std::cout, std::cerr);
    }
    if (run.parsed()) {
      return run_run_command(run_options, std::cout, std::cerr);
    }
    if (serve.parsed()) {
      return run_serve_command(serve_options, std::cout, std::cerr);
    }
    if (bench.parsed()) {
      return run_bench_command(bench_options, std::cout);
    }
  } catch (const std::bad_alloc&) {
    std::cerr << "packsim: out of memory\n";
    return kExitCouldNotRun;
  } catch (const std::exception& e) {
    // Neither the user's input nor a verdict on the firmware: never 1.
    std::cerr << "packsim: internal error: " << e.what() << '\n';
    return kExitCouldNotRun;
  }
  return 0;
}
