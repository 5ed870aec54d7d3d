#include "sim/report/run_outputs.h"

#include <filesystem>

#include "sim/report/run_report.h"
#include "sim/runner/atomic_file.h"

namespace packsim::report {

void write_run_outputs(const std::string& dir, const runner::RunResult& result,
                       runner::ScenarioRunner& scenario_runner, std::uint64_t seed, bool write_report) {
  if (scenario_runner.trace().streams()) {
    scenario_runner.commit_trace_file();
  } else {
    runner::write_file_atomically(dir + "/trace.csv", scenario_runner.trace().csv());
  }
  if (!scenario_runner.commit_can_log_file()) runner::write_file_atomically(dir + "/can.log", scenario_runner.can_log());
  if (!write_report) return;
  const scenario::Scenario& s{scenario_runner.scenario()};
  const RunReportInput input{result, s.description, seed,
                             s.firmware.image.is_reference() ? "reference" : s.firmware.image.path,
                             trace_table_of(scenario_runner.trace())};
  runner::write_file_atomically(dir + "/report.html", run_report_html(input));
}

std::string output_dir_name(const scenario::Scenario& scenario) {
  const std::filesystem::path file{scenario.file};
  const std::string stem{file.stem().string()};
  if (!stem.empty() && stem.front() != '<') return stem;
  std::string name;
  for (const char c : scenario.name) {
    const bool keep{(c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'};
    name += keep ? c : '_';
  }
  if (name.empty() || name.front() == '.') name = "scenario" + name;
  return name;
}

}  // namespace packsim::report
