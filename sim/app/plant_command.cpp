#include "sim/app/plant_command.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "common/input_error.h"
#include "models/pack/pack.h"
#include "models/pack/pack_config.h"
#include "models/pack/plant_limits.h"
#include "sim/experiment/experiment_runner.h"
#include "sim/experiment/experiment_step.h"

namespace packsim::app {

namespace {

// Temperatures: the range the cell tables are measured over, as `packsim run` and the pack files have it.
constexpr double kMinTemperatureC{models::kMinTemperatureC};
constexpr double kMaxTemperatureC{models::kMaxTemperatureC};
// Below this a period no longer fits the nanosecond clock with any resolution
// left; above the longest step it can never come round.
constexpr double kMinPeriodS{1e-6};
constexpr double kMaxPeriodS{sim::kMaxStepDurationS};

constexpr const char* kFooter{R"(Steps (PyBaMM style, any number, run in order):
  "Discharge at 1C until 2.5 V"     "Discharge at 2 A for 30 min or until 2.8 V"
  "Discharge at 40 W until 44 V pack"  "Discharge through 5 ohm for 1 hour"
  "Charge at 0.5C until 3.6 V"      "Hold at 3.6 V until C/20"      "Rest for 1 hour"
Cell voltages are per series group: discharge ends on the lowest, charge on the highest.

Example:
  packsim plant models/params/packs/lfp_16s1p.yaml \
      --step "Discharge at 1C until 2.5 V" --step "Rest for 1 hour" --out discharge.csv

CSV columns: time_s,step,current_a (+ discharge),terminal_v,cell1_v..cellS_v,
  cell1_soc..cellN_soc,cell1_temp_c..cellN_temp_c; written to FILE.partial, renamed when complete.
Limits (as packsim run's): drives up to 100C, 10 kA or 10 MW; a hold up to 5 V per cell; a step up to
  1e8 s and all steps up to 1e9 s; --dt and --sample from 1 us to 1e8 s; temperatures -60..120 degC.
Exit codes: 0 completed, 2 bad input (file:line:col: message), 3 simulation stopped: a state no real
  pack can be in (SOC beyond -10..110 %, no capacity left, a cell voltage of the wrong sign, energy
  from a passive load, a non-finite value; named by cell, state and time), a step that never ended,
  or an internal error. No CSV is left then.)"};

void require(bool ok, const char* option, const std::string& message) {
  if (!ok) {
    throw InputError{SourceLocation{option, 1, 1}, message};
  }
}

void check_temperature(double value_c, const char* option) {
  require(std::isfinite(value_c) && value_c >= kMinTemperatureC && value_c <= kMaxTemperatureC, option,
          fmt::format("temperature must be between {} and {} degC, got {}", kMinTemperatureC, kMaxTemperatureC,
                      value_c));
}

void check_period(double value_s, const char* option) {
  require(std::isfinite(value_s) && value_s >= kMinPeriodS && value_s <= kMaxPeriodS, option,
          fmt::format("period must be between {:g} s and {:g} s (the longest step the clock allows), got {}",
                      kMinPeriodS, kMaxPeriodS, value_s));
}

sim::ExperimentOptions experiment_options(const PlantOptions& o) {
  check_temperature(o.ambient_c, "--ambient");
  check_period(o.dt_s, "--dt");
  if (o.sample_s) check_period(*o.sample_s, "--sample");
  if (o.initial_soc) {
    const double soc{*o.initial_soc};
    require(soc >= 0.0 && soc <= 1.0, "--initial-soc",
            fmt::format("SOC is a fraction from 0 to 1 (0.5 for 50 %), got {}", soc));
  }
  if (o.initial_temp_c) check_temperature(*o.initial_temp_c, "--initial-temp");
  sim::ExperimentOptions options{};
  options.check_period_s = o.dt_s;
  options.sample_period_s = o.sample_s;
  options.ambient_c = o.ambient_c;
  options.initial_soc = o.initial_soc;
  options.initial_temp_c = o.initial_temp_c;
  return options;
}

// Each step's own limits are the parser's (drives, durations); the sequence
// must also fit the clock: the step that takes it beyond is the one named.
std::vector<sim::ExperimentStep> parse_steps(const std::vector<std::string>& texts,
                                             const sim::ExperimentOptions& options) {
  std::vector<sim::ExperimentStep> steps;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const std::string origin{"--step " + std::to_string(i + 1)};
    steps.push_back(sim::parse_experiment_step(texts[i], origin));
    const double total_s{sim::longest_experiment_s(steps, options)};
    if (total_s > models::kMaxSimulatedDurationS) {
      throw InputError{SourceLocation{origin, 1, 1},
                       fmt::format("the steps up to this one add up to {:g} s (a step without a duration counts "
                                   "its time limit of {:g} h), beyond the longest run the clock allows ({:g} s, "
                                   "about 31 years)",
                                   total_s, options.step_time_limit_s / 3600.0, models::kMaxSimulatedDurationS)};
    }
  }
  return steps;
}

void print_summary(const models::PackConfig& config, const sim::ExperimentOptions& options,
                   const sim::ExperimentResult& result, std::ostream& out) {
  out << fmt::format("{} ({}S{}P, {} cells of {:.4g} Ah), ambient {:g} degC, check every {:g} s\n\n", config.name,
                     config.series, config.parallel, config.series * config.parallel, config.cell.capacity_ah,
                     options.ambient_c, options.check_period_s);
  std::size_t text_width{4};
  std::size_t reason_width{8};
  for (const sim::StepSummary& s : result.steps) {
    text_width = std::max(text_width, s.text.size());
    reason_width = std::max(reason_width, s.reason.size());
  }
  out << fmt::format("{:>3}  {:<{}}  {:<{}}  {:>10}  {:>9}  {:>9}  {:>9}  {:>9}  {:>15}\n", "#", "step", text_width,
                     "ended by", reason_width, "duration s", "Ah", "Wh", "end I A", "end V", "end cell V");
  for (const sim::StepSummary& s : result.steps) {
    out << fmt::format("{:>3}  {:<{}}  {:<{}}  {:>10.3f}  {:>9.4f}  {:>9.3f}  {:>9.4f}  {:>9.4f}  {:>6.4f}..{:<6.4f}\n",
                       s.number, s.text, text_width, s.reason, reason_width, s.duration_s, s.charge_ah, s.energy_wh,
                       s.current_a, s.terminal_v, s.min_cell_v, s.max_cell_v);
  }
  if (!result.completed) {
    return;
  }
  const sim::RunSummary& r{result.run};
  const double delivered_percent{r.nominal_capacity_ah > 0.0 ? 100.0 * r.discharge_ah / r.nominal_capacity_ah : 0.0};
  out << fmt::format("\nrun of {:.3f} s ({:.3f} h)\n", r.duration_s, r.duration_s / 3600.0);
  out << fmt::format("  capacity delivered  {:10.4f} Ah  ({:.1f} % of {:.4g} Ah nominal)\n", r.discharge_ah,
                     delivered_percent, r.nominal_capacity_ah);
  out << fmt::format("  energy delivered    {:10.3f} Wh\n", r.discharge_wh);
  if (r.charge_ah > 0.0) {
    out << fmt::format("  charge taken in     {:10.4f} Ah, {:.3f} Wh\n", r.charge_ah, r.charge_wh);
  }
  out << fmt::format("  cell temperature    {:10.2f} / {:.2f} / {:.2f} degC (min / mean / max)\n", r.min_temp_c,
                     r.mean_temp_c, r.max_temp_c);
  out << fmt::format("  spread at the end   {:10.3f} % SOC, {:.1f} mV cell voltage\n", r.soc_spread_percent,
                     r.cell_voltage_spread_mv);
  out << fmt::format("  heat generated      {:10.1f} J\n", r.heat_j);
}

// Numbers are converted here rather than by CLI11, so that a bad one is
// reported like any other input error: "--dt:1:1: expected a number ...".
double parse_number(const std::string& text, const std::string& option) {
  double value{0.0};
  const char* const end{text.data() + text.size()};
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc{} || stop != end || text.empty()) {
    throw InputError{SourceLocation{option, 1, 1}, "expected a number, got '" + text + "'"};
  }
  return value;
}

CLI::Option* add_number(CLI::App& app, const std::string& name, const std::string& description,
                        std::function<void(double)> store) {
  return app
      .add_option_function<std::string>(
          name, [name, store](const std::string& text) { store(parse_number(text, name)); }, description)
      ->type_name("FLOAT");
}

void remove_quietly(const std::string& path) {
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
}

// The CSV is written to PATH.partial and becomes PATH only once the run
// completed, so a PATH on disk is always a whole run. Empty path: no CSV.
class CsvFile {
 public:
  explicit CsvFile(std::string path) : path_{std::move(path)}, partial_path_{path_ + ".partial"} {}
  CsvFile(const CsvFile&) = delete;
  CsvFile& operator=(const CsvFile&) = delete;
  // Whatever ended the run early (an exception included), no partial file stays.
  ~CsvFile() {
    if (file_.is_open()) {
      file_.close();
      remove_quietly(partial_path_);
    }
  }

  bool wanted() const { return !path_.empty(); }
  std::ostream* stream() { return file_.is_open() ? &file_ : nullptr; }

  void open() {
    if (!wanted()) {
      return;
    }
    file_.open(partial_path_, std::ios::binary | std::ios::trunc);
    if (!file_) {
      throw InputError{SourceLocation{"--out", 1, 1}, "cannot open " + partial_path_ + " for writing"};
    }
  }

  void commit() {
    if (!file_.is_open()) {
      return;
    }
    file_.close();
    std::error_code error{file_.fail() ? std::make_error_code(std::errc::io_error) : std::error_code{}};
    if (!error) {
      std::filesystem::rename(partial_path_, path_, error);
    }
    if (error) {
      remove_quietly(partial_path_);
      throw InputError{SourceLocation{"--out", 1, 1}, "cannot write " + path_ + ": " + error.message()};
    }
  }

  // Drops the partial rows and any PATH left by an earlier run; true if there was one.
  bool abandon_with_stale() {
    file_.close();
    remove_quietly(partial_path_);
    const bool stale{std::filesystem::exists(path_)};
    remove_quietly(path_);
    return stale;
  }

 private:
  std::string path_;
  std::string partial_path_;
  std::ofstream file_;
};

// A run that did not complete leaves no CSV that looks complete; an earlier
// run's file would pass for this run's result, so it goes too.
void abandon_csv(CsvFile& csv, const PlantOptions& options, std::ostream& err) {
  if (!csv.wanted()) {
    return;
  }
  bool stale{false};
  try {
    stale = csv.abandon_with_stale();
  } catch (const std::exception&) {
    // exists() on an unreadable directory: the removals were attempted.
  }
  err << "packsim plant: no CSV written" << (stale ? " (removed " + options.out_path + " from an earlier run)" : "")
      << '\n';
}

}  // namespace

CLI::App& add_plant_command(CLI::App& app, PlantOptions& options) {
  CLI::App& plant{*app.add_subcommand("plant", "Run a pack file through PyBaMM-style experiment steps")};
  plant.footer(kFooter);
  plant.add_option("pack", options.pack_path, "Pack file (YAML), e.g. models/params/packs/lfp_16s1p.yaml")
      ->required();
  // One value per --step, so a step never swallows the pack path after it.
  plant.add_option("--step", options.steps, "One experiment step; repeat for a sequence")
      ->required()
      ->allow_extra_args(false);
  add_number(plant, "--ambient", "Ambient temperature, degC", [&options](double c) { options.ambient_c = c; })
      ->default_str(fmt::format("{:g}", options.ambient_c));
  add_number(plant, "--dt", "Check period of the until-conditions, s (crossings are then located to 1 ms)",
             [&options](double s) { options.dt_s = s; })
      ->default_str(fmt::format("{:g}", options.dt_s));
  add_number(plant, "--sample", "CSV row period, s (default: --dt)", [&options](double s) { options.sample_s = s; });
  add_number(plant, "--initial-soc", "Initial SOC, 0..1 (default: the pack file's)",
             [&options](double soc) { options.initial_soc = soc; });
  add_number(plant, "--initial-temp", "Initial cell temperature, degC (default: the pack file's)",
             [&options](double c) { options.initial_temp_c = c; });
  plant.add_option("--out", options.out_path, "CSV file to write (one row per sample and step boundary)");
  plant.add_flag("--quiet", options.quiet, "Print nothing on success");
  return plant;
}

int run_plant_command(const PlantOptions& options, std::ostream& out, std::ostream& err) {
  sim::ExperimentOptions experiment{};
  std::vector<sim::ExperimentStep> steps;
  models::PackConfig config;
  CsvFile csv{options.out_path};
  sim::ExperimentResult result{};
  try {
    experiment = experiment_options(options);
    steps = parse_steps(options.steps, experiment);
    config = models::load_pack_config(options.pack_path);
    csv.open();
    result = sim::run_experiment(config, steps, experiment, csv.stream());
    if (result.completed) {
      csv.commit();
    }
  } catch (const InputError& e) {
    err << e.what() << '\n';
    return kExitBadInput;
  } catch (const std::invalid_argument& e) {
    // Limits the runner checks on the options and the sequence (checked above too).
    err << "packsim plant: " << e.what() << '\n';
    return kExitBadInput;
  } catch (const std::exception& e) {
    // Neither the input's fault nor a verdict on the physics: never 0, never 1.
    err << "packsim plant: internal error: " << e.what() << '\n';
    abandon_csv(csv, options, err);
    return kExitSimulationStopped;
  } catch (...) {
    err << "packsim plant: internal error: unknown exception\n";
    abandon_csv(csv, options, err);
    return kExitSimulationStopped;
  }

  if (!result.completed) {
    if (!options.quiet) {
      print_summary(config, experiment, result, out);
    }
    err << "packsim plant: simulation stopped in " << result.error << '\n';
    abandon_csv(csv, options, err);
    return kExitSimulationStopped;
  }
  if (!options.quiet) {
    print_summary(config, experiment, result, out);
    if (csv.wanted()) {
      out << fmt::format("  CSV                 {} ({} rows)\n", options.out_path, result.run.rows);
    }
  }
  return kExitCompleted;
}

}  // namespace packsim::app
