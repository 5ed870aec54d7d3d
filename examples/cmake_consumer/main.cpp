// Runs one scenario file with an installed packsim and prints a verdict per
// expectation. Exit codes as `packsim run`: 0 every expectation held, 1 one
// failed (or the run broke), 2 bad input.

#include <iostream>
#include <utility>

#include "common/input_error.h"
#include "sim/runner/run_result.h"
#include "sim/runner/scenario_runner.h"
#include "sim/scenario/scenario_loader.h"

namespace {

constexpr int kPassed{0};
constexpr int kFailed{1};
constexpr int kBadInput{2};

}  // namespace

int main(int argc, char** argv) {
  namespace runner = packsim::runner;
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " SCENARIO.yaml\n";
    return kBadInput;
  }
  try {
    // validate_scenario, not load_scenario: it also checks what a run needs
    // (firmware, pack size, configuration), so that bad input stops here with
    // its file:line:col instead of surfacing as a broken run.
    packsim::scenario::Scenario scenario{packsim::scenario::validate_scenario(argv[1])};
    runner::ScenarioRunner scenario_runner{std::move(scenario), runner::RunOptions{}};
    const runner::RunResult result{scenario_runner.run()};
    for (const runner::ExpectationResult& expectation : result.expectations) {
      std::cout << (expectation.passed ? "PASS  " : "FAIL  ") << expectation.name << ": " << expectation.detail
                << '\n';
    }
    if (!result.error.empty()) std::cout << "the run broke: " << result.error << '\n';
    std::cout << result.scenario_name << ": " << (result.passed() ? "passed" : "FAILED") << '\n';
    return result.passed() ? kPassed : kFailed;
  } catch (const packsim::InputError& error) {
    std::cerr << error.what() << '\n';
    return kBadInput;
  }
}
