#include "sim/app/run_command.h"

#include "bms_under_test/hal/firmware_fault.h"
#include "bms_under_test/hal/firmware_loader.h"

#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <csignal>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <ostream>
#include <set>
#include <utility>

#include "common/input_error.h"
#include "common/yaml_reader.h"
#include "sim/report/report_index.h"
#include "sim/report/run_outputs.h"
#include "sim/runner/atomic_file.h"
#include "sim/runner/junit_writer.h"
#include "sim/runner/scenario_runner.h"
#include "sim/scenario/quantity.h"
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
      "Exit codes: 0 every expectation held, 1 at least one failed, 2 bad input (checked before anything\n"
      "runs), 3 a run could not go on (the physics reached an impossible state, an output could not be\n"
      "written, memory ran out, an internal error), 4 the firmware under test crashed, exited, hung,\n"
      "flooded a bus or broke its link (its run ended there, recorded up to that instant), 128+N stopped\n"
      "by signal N (SIGINT 130, SIGTERM 143, SIGHUP 129: the run ends at the next instant, everything\n"
      "recorded so far is written and marked interrupted, the rest of the batch does not run).");
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
  const auto duration_option = [&run](const std::string& name, std::int64_t& target, double min_s,
                                      const std::string& help, const std::string& default_text) {
    run.add_option_function<std::string>(
           name,
           [name, min_s, &target](const std::string& text) {
             const YamlScalar scalar{text, {name, 0, 0}};
             const scenario::QuantityValue value{scenario::parse_quantity(scalar, scenario::Quantity::kTime, name)};
             scenario::check_range(scalar, value, NumberRange{min_s, 100.0 * 365.0 * 86400.0}, name);
             target = scenario::to_time_ns(scalar, value, name);
           },
           help)
        ->default_str(default_text);
  };
  duration_option("--until-limit", options.until_limit_ns, 1e-3,
                  "How long a step's 'until' may wait when the step has no 'for' (e.g. 72h, 30d); reaching it fails "
                  "the step. Steps with a 'for' always run as long as it says",
                  "48h");
  duration_option("--trace-period", options.trace_period_ns, 1e-3,
                  "Period of trace.csv's rows (e.g. 10s, 1min for months-long runs); FET edges, stimuli, state "
                  "changes and verdicts get rows of their own whatever the period",
                  "1s");
  return run;
}

namespace {

std::string stem_of(const std::string& path) { return std::filesystem::path{path}.stem().string(); }

// Why the outputs cannot be written, checked before any run so that a typo
// in --out or --junit does not cost a long run: the directory cannot be
// created or written, or a directory, device, fifo or link stands where a
// file will go (it is never replaced). Empty when fine.
std::string output_problem(const RunOptions& options, const std::string& junit) {
  const auto named = [](const std::string& what, const std::string& path, const std::string& problem) {
    return what + " " + path + ": " + problem;
  };
  if (const std::string problem{runner::output_path_problem(junit)}; !problem.empty()) {
    return named("--junit", junit, problem + "; it names the JUnit file to write");
  }
  std::vector<std::pair<std::string, std::filesystem::path>> dirs{{"--out", options.out_dir}};
  dirs.emplace_back("--junit", std::filesystem::absolute(junit).parent_path());
  std::set<std::string> stems;
  for (const std::string& scenario : options.scenario_paths) {
    const std::string stem{stem_of(scenario)};
    if (!stems.insert(stem).second) {
      return "two scenarios would write " + options.out_dir + "/" + stem + "/: rename one of the files named " + stem +
             ".yaml or run them separately";
    }
    dirs.emplace_back("--out", std::filesystem::path{options.out_dir} / stem);
  }
  for (const auto& [option, dir] : dirs) {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) return named(option, dir.string(), "cannot create the directory: " + error.message());
    const std::filesystem::path probe{dir / ".packsim-write-probe"};
    try {
      runner::write_file_atomically(probe.string(), "");
    } catch (const std::exception&) {
      return named(option, dir.string(), "cannot write files there");
    }
    std::filesystem::remove(probe, error);
  }
  for (const std::string& scenario : options.scenario_paths) {
    const std::filesystem::path dir{std::filesystem::path{options.out_dir} / stem_of(scenario)};
    for (const char* file : {"trace.csv", "can.log", "report.html"}) {
      const std::string path{(dir / file).string()};
      if (const std::string problem{runner::output_path_problem(path)}; !problem.empty()) {
        return named("--out", path, problem);
      }
    }
  }
  const std::string index{(std::filesystem::path{options.out_dir} / "report.html").string()};
  if (const std::string problem{runner::output_path_problem(index)}; !problem.empty()) {
    return named("--out", index, problem);
  }
  return "";
}

// SIGINT, SIGTERM and SIGHUP end the run at its next instant (RunOptions::
// interrupted); what was recorded is written. SA_RESETHAND: a second signal
// ends packsim at once, for a run that does not stop.
volatile std::sig_atomic_t stop_signal{0};

extern "C" void remember_stop_signal(int signal_number) { stop_signal = signal_number; }

class StopSignals {
 public:
  StopSignals() {
    stop_signal = 0;
    struct sigaction action {};
    action.sa_handler = remember_stop_signal;
    action.sa_flags = SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    for (std::size_t i = 0; i < kSignals.size(); ++i) sigaction(kSignals[i], &action, &previous_[i]);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
  ~StopSignals() {
    for (std::size_t i = 0; i < kSignals.size(); ++i) sigaction(kSignals[i], &previous_[i], nullptr);
  }
  static int received() { return stop_signal; }
  static std::string cause() {
    const int number{stop_signal};
    const char* name{number == SIGINT ? "SIGINT" : number == SIGTERM ? "SIGTERM" : number == SIGHUP ? "SIGHUP" : nullptr};
    return std::string{"interrupted by "} + (name != nullptr ? name : "signal " + std::to_string(number));
  }

 private:
  static constexpr std::array<int, 3> kSignals{SIGINT, SIGTERM, SIGHUP};
  std::array<struct sigaction, 3> previous_{};
};

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
      out << pad(r.scenario_name, scenario_width) << "  " << pad("(run)", expectation_width) << "  STOPPED  "
          << r.error << " (the run ended there)\n";
    }
    if (r.firmware_fault) {
      out << pad(r.scenario_name, scenario_width) << "  " << pad("(firmware)", expectation_width) << "  FAULT    "
          << r.firmware_fault->text() << " (the run ended there)\n";
    }
    if (!r.interrupted.empty()) {
      out << pad(r.scenario_name, scenario_width) << "  " << pad("(run)", expectation_width) << "  STOPPED  "
          << r.interrupted << " (the run ended there)\n";
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
  if (const std::string problem{output_problem(options, junit)}; !problem.empty()) {
    err << problem << '\n';
    return kRunBadInput;
  }

  // An earlier invocation's JUnit and index must not pass for this one's
  // should it not end (a killed job): they are written anew at the end.
  for (const std::string& earlier : {junit, options.out_dir + "/report.html"}) {
    std::error_code ignored;
    if (std::filesystem::is_regular_file(std::filesystem::symlink_status(earlier, ignored))) {
      std::filesystem::remove(earlier, ignored);
    }
  }
  const bool terminal{::isatty(STDOUT_FILENO) == 1};
  const StopSignals stop_signals;
  std::vector<runner::RunResult> results;
  try {
    for (std::size_t i = 0; i < scenarios.size() && StopSignals::received() == 0; ++i) {
      const std::string name{scenarios[i].name};
      runner::RunOptions run_options;
      run_options.seed = options.seed;
      run_options.firmware = execution;
      run_options.until_limit_ns = options.until_limit_ns;
      run_options.trace_period_ns = options.trace_period_ns;
      const std::string dir{(std::filesystem::path{options.out_dir} / stem_of(options.scenario_paths[i])).string()};
      // Written as it grows; an earlier run's outputs must not pass for
      // this run's should it not end.
      run_options.trace_file = dir + "/trace.csv";
      run_options.trace_memory_rows = kRunTraceMemoryRows;
      run_options.can_log_file = dir + "/can.log";
      run_options.can_memory_frames = kRunCanMemoryFrames;
      std::error_code ignored;
      if (std::filesystem::is_regular_file(std::filesystem::symlink_status(dir + "/report.html", ignored))) {
        std::filesystem::remove(dir + "/report.html", ignored);
      }
      run_options.interrupted = [] { return StopSignals::received() != 0; };
      run_options.interruption_cause = [] { return StopSignals::cause(); };
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
          std::snprintf(line, sizeof line, "\r  running %s: %.0f s simulated, x%.0f real time   ", name.c_str(),
                        simulated_s, wall_s > 0.0 ? simulated_s / wall_s : 0.0);
          out << line << std::flush;
        };
      }
      runner::ScenarioRunner scenario_runner{std::move(scenarios[i]), run_options};
      results.push_back(scenario_runner.run());
      if (terminal) out << "\r\033[K" << std::flush;
      report::write_run_outputs(dir, results.back(), scenario_runner,
                                options.seed.value_or(scenario_runner.scenario().seed), options.write_reports);
    }
    if (options.write_reports && results.size() > 1) write_report_index(results, options);
    runner::write_file_atomically(junit, runner::junit_xml(results));
  } catch (const runner::OutputError& error) {
    // Every file written before stands whole; this one was not written.
    if (terminal) out << "\r\033[K" << std::flush;
    print_table(results, out);
    err << "packsim run: " << error.what() << '\n';
    return error.bad_path() ? kRunBadInput : kRunCouldNotRun;
  }
  print_table(results, out);
  if (StopSignals::received() != 0) {
    const std::size_t not_run{scenarios.size() - results.size()};
    err << "packsim run: " << StopSignals::cause();
    if (not_run > 0) err << "; " << not_run << " scenario" << (not_run == 1 ? "" : "s") << " not run";
    err << '\n';
    return exit_code_for_signal(StopSignals::received());
  }
  // A run that could not go on says nothing about the firmware: it outranks
  // every verdict. A firmware fault outranks a failed expectation: it is not
  // a verdict on the expectations but on the firmware's being one.
  for (const runner::RunResult& r : results) {
    if (!r.error.empty()) return kRunCouldNotRun;
  }
  for (const runner::RunResult& r : results) {
    if (r.firmware_fault) return kRunFirmwareFault;
  }
  for (const runner::RunResult& r : results) {
    if (!r.passed()) return kRunSomeFailed;
  }
  return kRunAllPassed;
}

}  // namespace packsim::app
