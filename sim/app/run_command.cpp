#include "sim/app/run_command.h"

#include "bms_under_test/hal/firmware_fault.h"
#include "bms_under_test/hal/firmware_loader.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <ostream>
#include <set>
#include <utility>

#include "common/input_error.h"
#include "sim/report/report_index.h"
#include "sim/report/run_outputs.h"
#include "sim/runner/atomic_file.h"
#include "sim/runner/junit_writer.h"
#include "sim/runner/scenario_runner.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/transport/link_address.h"

namespace packsim::app {

CLI::App& add_run_command(CLI::App& app, RunOptions& options) {
  CLI::App& run{*app.add_subcommand("run", "Run scenarios on the HIL rig and check their expectations")};
  run.footer(
      "Writes OUT/<scenario>/trace.csv, can.log and report.html (summary, expectations and plots; opens\n"
      "offline in any browser), OUT/report.html linking each scenario's report when several ran, and a\n"
      "JUnit report (OUT/junit.xml by default).\n"
      "A firmware shared object runs in a child process of its own (isolation; --no-isolate loads it into\n"
      "packsim instead); the reference firmware runs in packsim unless --isolate.\n"
      "Exit codes: 0 every expectation held, 1 at least one failed, 2 bad input, 4 the firmware under test\n"
      "crashed, exited, hung, flooded a bus or broke its link (its run ended there, recorded up to that\n"
      "instant).");
  run.add_option("scenarios", options.scenario_paths, "Scenario files (YAML), e.g. scenarios/deep_discharge.yaml")
      ->required();
  run.add_option("--out", options.out_dir, "Directory for the traces, CAN logs and reports")->capture_default_str();
  run.add_option("--junit", options.junit_path, "JUnit XML report (default OUT/junit.xml)");
  run.add_option("--seed", options.seed, "Replaces every scenario's seed");
  CLI::Option* realtime{run.add_flag(
      "--realtime", options.realtime,
      "Pace the loop to the wall clock in 1 ms periods (for rigs), reporting late wake-ups and overruns")};
  run.add_option("--realtime-speed", options.realtime_speed, "With --realtime: virtual seconds per wall second")
      ->check(CLI::Range(1e-3, 1e6))
      ->needs(realtime)
      ->capture_default_str();
  run.add_option("--rt-priority", options.rt_priority,
                 "With --realtime: run under SCHED_FIFO at this priority and lock memory (needs privileges)")
      ->check(CLI::Range(1, 99))
      ->needs(realtime);
  run.add_option("--firmware", options.firmware_path,
                 "A firmware shared object (built against bms_hal.h) to run instead of each scenario's");
  run.add_flag_callback("--no-report", [&options] { options.write_reports = false; }, "Write no report.html");
  CLI::Option* isolate{run.add_flag_callback(
      "--isolate", [&options] { options.isolate = true; },
      "Run the firmware (also the reference one) in a child process: a crash, exit or hang ends its run with a "
      "verdict, and the next scenario runs")};
  CLI::Option* no_isolate{run.add_flag_callback(
      "--no-isolate", [&options] { options.isolate = false; },
      "Load a firmware shared object into packsim itself (faster; a crash takes packsim down)")};
  isolate->excludes(no_isolate);
  run.add_option("--firmware-link", options.firmware_link,
                 "Processor in the loop: the firmware runs on an MCU with the link client, reached at "
                 "serial:DEVICE[@BAUD] or tcp:HOST:PORT")
      ->excludes(isolate)
      ->excludes(no_isolate);
  run.add_option("--firmware-timeout", options.firmware_timeout_s,
                 "Wall-clock seconds one bms_init or bms_tick may take in a child process or over a link before "
                 "the firmware counts as hung")
      ->check(CLI::Range(0.01, 3600.0))
      ->capture_default_str();
  return run;
}

namespace {

std::string stem_of(const std::string& path) { return std::filesystem::path{path}.stem().string(); }

// Whether files can be written into dir (created if missing): checked before
// any run, so a typo in --out does not cost a long run. Empty when fine.
std::string unwritable_reason(const std::filesystem::path& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return "cannot create the directory: " + error.message();
  const std::filesystem::path probe{dir / ".packsim-write-probe"};
  try {
    runner::write_file_atomically(probe.string(), "");
  } catch (const std::exception&) {
    return "cannot write files there";
  }
  std::filesystem::remove(probe, error);
  return "";
}

void write_report_index(const std::vector<runner::RunResult>& results, const RunOptions& options) {
  std::vector<report::IndexEntry> entries;
  for (std::size_t i = 0; i < results.size(); ++i) {
    entries.push_back({results[i], stem_of(options.scenario_paths[i]) + "/report.html"});
  }
  runner::write_file_atomically(options.out_dir + "/report.html", report::report_index_html(entries));
}

void print_table(const std::vector<runner::RunResult>& results, std::ostream& out) {
  std::size_t scenario_width{8};
  std::size_t expectation_width{11};
  for (const runner::RunResult& r : results) {
    scenario_width = std::max(scenario_width, r.scenario_name.size());
    for (const runner::ExpectationResult& e : r.expectations) expectation_width = std::max(expectation_width, e.name.size());
  }
  const auto pad = [](const std::string& text, std::size_t width) {
    return text + std::string(width > text.size() ? width - text.size() : 0, ' ');
  };
  out << pad("scenario", scenario_width) << "  " << pad("expectation", expectation_width) << "  verdict  detail\n";
  for (const runner::RunResult& r : results) {
    if (!r.error.empty()) {
      out << pad(r.scenario_name, scenario_width) << "  " << pad("(run)", expectation_width) << "  FAIL     " << r.error
          << '\n';
    }
    if (r.firmware_fault) {
      out << pad(r.scenario_name, scenario_width) << "  " << pad("(firmware)", expectation_width) << "  FAULT    "
          << r.firmware_fault->text() << " (the run ended there)\n";
    }
    for (const runner::ExpectationResult& e : r.expectations) {
      out << pad(r.scenario_name, scenario_width) << "  " << pad(e.name, expectation_width) << "  "
          << (e.passed ? "PASS     " : "FAIL     ") << e.detail << '\n';
    }
    char stats[160];
    std::snprintf(stats, sizeof stats, "%s: %s, %.1f s simulated in %.2f s wall (x%.0f)\n", r.scenario_name.c_str(),
                  r.passed() ? "passed" : "FAILED", r.statistics.simulated_s, r.statistics.wall_s,
                  r.statistics.speed_up());
    out << stats;
    if (const std::optional<hal::LinkStatistics>& link{r.statistics.firmware_link}) {
      std::snprintf(stats, sizeof stats, "  firmware link (%s): %llu runs, %.1f us a run on average (%.1f us at most)\n",
                    link->transport.c_str(), static_cast<unsigned long long>(link->runs), link->run_wall_mean_us,
                    link->run_wall_max_us);
      out << stats;
    }
    if (const std::optional<sim::PacerStats>& rt{r.statistics.realtime}) {
      std::snprintf(stats, sizeof stats,
                    "  paced: %lld waits, %lld overruns, late by %.1f us at most (%.1f us mean)\n",
                    static_cast<long long>(rt->waits), static_cast<long long>(rt->overruns),
                    static_cast<double>(rt->max_lateness_ns) / 1e3, rt->mean_lateness_ns / 1e3);
      out << stats;
      if (!rt->setup_warning.empty()) out << "  " << rt->setup_warning << '\n';
    }
  }
}

}  // namespace

int run_run_command(const RunOptions& options, std::ostream& out, std::ostream& err) {
  std::vector<scenario::Scenario> scenarios;
  bool bad_input{false};
  for (const std::string& path : options.scenario_paths) {
    try {
      scenarios.push_back(scenario::validate_scenario(path));
    } catch (const InputError& error) {
      err << error.what() << '\n';
      bad_input = true;
    }
  }
  runner::FirmwareExecution execution;
  execution.isolate = options.isolate;
  execution.link = options.firmware_link;
  const auto timeout{std::chrono::milliseconds{static_cast<long long>(options.firmware_timeout_s * 1000.0)}};
  execution.link_options.run_timeout = timeout;
  execution.link_options.hello_timeout = std::max(timeout, execution.link_options.hello_timeout);
  if (!options.firmware_link.empty()) {
    try {
      (void)transport::parse_link_address(options.firmware_link);
    } catch (const std::invalid_argument& error) {
      err << "--firmware-link " << error.what() << '\n';
      return kRunBadInput;
    }
  }
  if (!options.firmware_path.empty()) {
    for (scenario::Scenario& s : scenarios) {
      s.firmware.image.path = std::filesystem::absolute(options.firmware_path).string();
    }
  }
  if (bad_input) return kRunBadInput;
  // Every firmware the runs will start is loaded once here, the way they will
  // load it, so that a file that is not a firmware, a wrong HAL version or a
  // link that does not answer is bad input before any run (the reference
  // firmware in this process needs no check).
  std::set<std::pair<std::string, bool>> checked;
  for (const scenario::Scenario& s : scenarios) {
    runner::RunOptions probe;
    probe.firmware = execution;
    const bool isolated{runner::runs_isolated(s.firmware.image, s.firmware, execution)};
    const bool in_process_reference{s.firmware.image.is_reference() && !isolated && execution.link.empty()};
    if (in_process_reference || !checked.emplace(execution.link + s.firmware.image.path, isolated).second) continue;
    const std::string what{!execution.link.empty()         ? "--firmware-link"
                           : !options.firmware_path.empty() ? "--firmware"
                                                            : s.file + ": firmware"};
    try {
      (void)runner::firmware_for_run(s.firmware.image, s.firmware, probe);
    } catch (const hal::FirmwareLoadError& error) {
      err << what << ": " << error.what() << '\n';
      return kRunBadInput;
    } catch (const hal::FirmwareFault& fault) {
      // It loaded, then crashed, exited or hung before it said hello: the
      // firmware's fault, not the input's.
      err << what << ": " << fault.what() << '\n';
      return kRunFirmwareFault;
    }
  }
  const std::string junit{options.junit_path.empty() ? options.out_dir + "/junit.xml" : options.junit_path};
  for (const auto& [option, dir] : {std::pair<std::string, std::filesystem::path>{"--out", options.out_dir},
                                    {"--junit", std::filesystem::absolute(junit).parent_path()}}) {
    const std::string reason{unwritable_reason(dir)};
    if (!reason.empty()) {
      err << option << " " << dir.string() << ": " << reason << '\n';
      return kRunBadInput;
    }
  }

  const bool terminal{::isatty(STDOUT_FILENO) == 1};
  std::vector<runner::RunResult> results;
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    const std::string name{scenarios[i].name};
    runner::RunOptions run_options;
    run_options.seed = options.seed;
    run_options.firmware = execution;
    if (options.realtime) {
      run_options.realtime = sim::PacerOptions{.period_ns = sim::kNsPerMs,
                                               .speed = options.realtime_speed,
                                               .fifo_priority = options.rt_priority};
    }
    if (terminal) {
      // Simulated time and speed-up, redrawn at most five times a second.
      using Clock = std::chrono::steady_clock;
      run_options.progress = [&out, name, start = Clock::now(), last = Clock::time_point{}](double simulated_s) mutable {
        const Clock::time_point now{Clock::now()};
        if (now - last < std::chrono::milliseconds{200}) return;
        last = now;
        const double wall_s{std::chrono::duration<double>(now - start).count()};
        char line[200];
        std::snprintf(line, sizeof line, "\r  running %s: %.0f s simulated, x%.0f real time   ", name.c_str(), simulated_s,
                      wall_s > 0.0 ? simulated_s / wall_s : 0.0);
        out << line << std::flush;
      };
    }
    runner::ScenarioRunner scenario_runner{std::move(scenarios[i]), run_options};
    results.push_back(scenario_runner.run());
    if (terminal) out << "\r\033[K" << std::flush;
    const std::string dir{(std::filesystem::path{options.out_dir} / stem_of(options.scenario_paths[i])).string()};
    report::write_run_outputs(dir, results.back(), scenario_runner,
                              options.seed.value_or(scenario_runner.scenario().seed), options.write_reports);
  }
  if (options.write_reports && results.size() > 1) write_report_index(results, options);
  runner::write_file_atomically(junit, runner::junit_xml(results));
  print_table(results, out);
  // A firmware fault outranks a failed expectation: it is not a verdict on
  // the expectations but on the firmware's being one.
  for (const runner::RunResult& r : results) {
    if (r.firmware_fault) return kRunFirmwareFault;
  }
  for (const runner::RunResult& r : results) {
    if (!r.passed()) return kRunSomeFailed;
  }
  return kRunAllPassed;
}

}  // namespace packsim::app
