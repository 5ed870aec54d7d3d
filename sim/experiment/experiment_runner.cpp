#include "sim/experiment/experiment_runner.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <stdexcept>
#include <utility>

#include "models/aging/aging_fast_forward.h"
#include "models/pack/plant_limits.h"
#include "sim/scheduler/scheduler.h"

namespace packsim::sim {

std::string experiment_csv_header(int series, int cells) {
  std::string header{"time_s,step,current_a,terminal_v"};
  for (int i = 1; i <= series; ++i) header += ",cell" + std::to_string(i) + "_v";
  for (int i = 1; i <= cells; ++i) header += ",cell" + std::to_string(i) + "_soc";
  for (int i = 1; i <= cells; ++i) header += ",cell" + std::to_string(i) + "_temp_c";
  return header;
}

double longest_experiment_s(const std::vector<ExperimentStep>& steps, const ExperimentOptions& options) {
  // Each step runs at most its duration, or the time limit when it has none.
  double total_s{0.0};
  for (const ExperimentStep& step : steps) {
    total_s += step.duration_s ? *step.duration_s : options.step_time_limit_s;
  }
  return total_s;
}

std::string_view describe(StepEnd end) {
  switch (end) {
    case StepEnd::kDuration: return "duration";
    case StepEnd::kCondition: return "condition";
    case StepEnd::kSatisfiedAtStart: return "satisfied at start";
    case StepEnd::kTimeLimit: return "time limit";
  }
  return "?";
}

namespace {

// Same instant: the plant is integrated first, then the sequencer decides, then
// the sampler records what they produced.
constexpr int kPlantPriority{0};
constexpr int kSequencerPriority{1};
constexpr int kSamplerPriority{2};
// A hold is a pack-level CV charger. Like a real charger moving from CC to CV it
// keeps the current limit of the charge before it; a hold with no charge before
// it is limited to 1C. (An unlimited CV at the pack terminals would push the
// highest cell far above the hold voltage while the mean cell catches up.)
constexpr double kDefaultHoldCRate{1.0};
// %.9g: micro-volt resolution on a cell, 1e-9 relative on SOC.
constexpr int kCsvDigits{9};

std::string format_number(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

// Writes one CSV row per distinct instant into a buffer reserved once.
class CsvRecorder {
 public:
  CsvRecorder(std::ostream* out, int series, int cells) : out_{out} {
    // Widest field: "-1.23456789e-100," is 17 characters.
    row_.reserve(static_cast<std::size_t>(4 + series + 2 * cells) * 24 + 32);
    if (out_ != nullptr) {
      *out_ << experiment_csv_header(series, cells) << '\n';
    }
  }

  // A second row at the same instant (a step boundary on a sample instant) is dropped.
  void record(TimeNs t, int step, const PlantState& state) {
    if (closed_ || (last_ns_ && *last_ns_ == t)) {
      return;
    }
    if (last_ns_ && t < *last_ns_) {
      throw std::logic_error{"CsvRecorder: row at " + std::to_string(t) + " ns after one at " +
                             std::to_string(*last_ns_) + " ns"};
    }
    last_ns_ = t;
    ++rows_;
    if (out_ == nullptr) {
      return;
    }
    const models::PackState& pack{state.pack};
    row_.clear();
    append_time(t);
    append_int(step);
    append(pack.pack_current_a);
    append(pack.terminal_voltage_v);
    for (const double v : pack.group_voltage_v) append(v);
    for (const double soc : pack.soc) append(soc);
    for (const double temp : pack.temp_c) append(temp);
    row_.back() = '\n';
    out_->write(row_.data(), static_cast<std::streamsize>(row_.size()));
  }

  void close() { closed_ = true; }
  std::int64_t rows() const { return rows_; }

 private:
  void append(double value) {
    char text[32];
    const auto end{std::to_chars(text, text + sizeof text, value, std::chars_format::general, kCsvDigits).ptr};
    row_.append(text, end);
    row_ += ',';
  }

  void append_int(std::int64_t value) {
    char text[24];
    const auto end{std::to_chars(text, text + sizeof text, value).ptr};
    row_.append(text, end);
    row_ += ',';
  }

  // Exact decimal of the nanosecond time, trailing zeros trimmed: "3600", "3600.4375".
  void append_time(TimeNs t) {
    char text[24];
    row_.append(text, std::to_chars(text, text + sizeof text, t / kNsPerS).ptr);
    TimeNs fraction{t % kNsPerS};
    if (fraction != 0) {
      int digits{9};
      while (fraction % 10 == 0) {
        fraction /= 10;
        --digits;
      }
      row_ += '.';
      char padded[10]{'0', '0', '0', '0', '0', '0', '0', '0', '0', '\0'};
      for (int i = digits - 1; i >= 0; --i, fraction /= 10) {
        padded[i] = static_cast<char>('0' + fraction % 10);
      }
      row_.append(padded, static_cast<std::size_t>(digits));
    }
    row_ += ',';
  }

  std::ostream* out_;
  std::string row_;
  std::optional<TimeNs> last_ns_;
  std::int64_t rows_{0};
  bool closed_{false};
};

struct SequencerSettings {
  TimeNs check_ns{kNsPerS};
  TimeNs sample_ns{kNsPerS};
  TimeNs tolerance_ns{kNsPerMs};
  TimeNs step_limit_ns{0};
  double nominal_ah{0.0};
};

double min_of(const Eigen::ArrayXd& values) { return values.size() > 0 ? values.minCoeff() : 0.0; }
double max_of(const Eigen::ArrayXd& values) { return values.size() > 0 ? values.maxCoeff() : 0.0; }

// Walks through the steps: sets the plant's port, checks the active step's
// until-conditions at every check instant and locates each crossing by bisection.
class StepSequencer final : public Component {
 public:
  StepSequencer(PlantComponent& plant, CsvRecorder& recorder, Scheduler& scheduler,
                const std::vector<ExperimentStep>& steps, const SequencerSettings& settings)
      : plant_{plant}, recorder_{recorder}, scheduler_{scheduler}, steps_{steps}, settings_{settings} {}

  std::string_view name() const override { return "step sequencer"; }
  TimeNs next_event_ns() const override { return next_check_ns_; }

  void advance_to(TimeNs t) override {
    if (finished_ || t < next_check_ns_) {
      return;
    }
    settle(t);
    next_check_ns_ = finished_ ? kNoEvent : next_check_after(t);
  }

  // 1-based number of the step running now (the last one once finished).
  int active_step_number() const {
    return static_cast<int>(std::min(active_, steps_.size() - 1)) + 1;
  }
  const std::vector<StepSummary>& summaries() const { return summaries_; }
  const std::string& failure() const { return failure_; }
  // The plant at the last check or step boundary: finite even after a PlantError.
  const PlantState& last_good_state() const { return snapshot_; }

 private:
  // Brings the experiment to instant t (the plant is already there): ends every
  // step whose condition or duration falls in (last check, t], each at its own time.
  void settle(TimeNs t) {
    while (active_ < steps_.size()) {
      if (!active_started_) {
        start_active();
        if (const StopCondition* met{first_met_at_start()}) {
          finish_active(StepEnd::kSatisfiedAtStart, "already " + describe_met(*met) + " at the start");
          continue;
        }
      }
      // After a boundary the plant is behind the clock: catch up under this step.
      if (plant_.state().time_ns < t) {
        plant_.advance_to(std::min(t, step_end_ns_));
      }
      const TimeNs now_ns{plant_.state().time_ns};
      if (now_ns > snapshot_.time_ns && first_met(plant_.state().pack) != nullptr) {
        locate_crossing();
        finish_active(StepEnd::kCondition, describe_met(*first_met(plant_.state().pack)));
        continue;
      }
      if (now_ns == step_end_ns_) {
        if (steps_[active_].duration_s) {
          finish_active(StepEnd::kDuration, "ran for " + format_number("%.9g s", to_seconds(now_ns - step_start_ns_)));
          continue;
        }
        fail_time_limit();
        return;
      }
      if (now_ns != t) {
        throw std::logic_error{"StepSequencer: plant at " + std::to_string(now_ns) + " ns, clock at " +
                               std::to_string(t) + " ns"};
      }
      snapshot_ = plant_.state();
      return;
    }
    finish_run("experiment complete");
  }

  void start_active() {
    const ExperimentStep& step{steps_[active_]};
    plant_.set_port(port_for(step));
    const PlantState& state{plant_.state()};
    step_start_ns_ = state.time_ns;
    step_start_charge_as_ = state.pack.charge_out_as;
    step_start_energy_j_ = state.pack.energy_out_j;
    step_end_ns_ = step_start_ns_ + (step.duration_s ? from_seconds(*step.duration_s) : settings_.step_limit_ns);
    snapshot_ = state;
    active_started_ = true;
  }

  // The condition under the step's own inputs, a tolerance into the step: the
  // plant's present current and voltages are still those of the previous step.
  const StopCondition* first_met_at_start() {
    if (steps_[active_].until.empty()) {
      return nullptr;
    }
    scratch_ = plant_.state();
    plant_.integrate(scratch_, scratch_.time_ns + settings_.tolerance_ns);
    return first_met(scratch_.pack);
  }

  // Bisects (last snapshot, now] by re-stepping copies of the snapshot, and puts
  // the plant at the first instant found with the condition met.
  void locate_crossing() {
    TimeNs lo{snapshot_.time_ns};
    TimeNs hi{plant_.state().time_ns};
    crossed_ = plant_.state();
    while (hi - lo > settings_.tolerance_ns) {
      const TimeNs mid{lo + (hi - lo) / 2};
      scratch_ = snapshot_;
      plant_.integrate(scratch_, mid);
      if (first_met(scratch_.pack) != nullptr) {
        hi = mid;
        std::swap(crossed_, scratch_);
      } else {
        lo = mid;
      }
    }
    plant_.set_state(crossed_);
  }

  // Records the boundary row, summarizes the step and moves to the next one.
  void finish_active(StepEnd end, std::string reason) {
    const ExperimentStep& step{steps_[active_]};
    const PlantState& state{plant_.state()};
    const int number{static_cast<int>(active_) + 1};
    recorder_.record(state.time_ns, number, state);
    summaries_.push_back(StepSummary{
        .number = number,
        .text = describe(step),
        .end = end,
        .reason = std::move(reason),
        .start_s = to_seconds(step_start_ns_),
        .duration_s = to_seconds(state.time_ns - step_start_ns_),
        .charge_ah = (state.pack.charge_out_as - step_start_charge_as_) / 3600.0,
        .energy_wh = (state.pack.energy_out_j - step_start_energy_j_) / 3600.0,
        .current_a = state.pack.pack_current_a,
        .terminal_v = state.pack.terminal_voltage_v,
        .min_cell_v = min_of(state.pack.group_voltage_v),
        .max_cell_v = max_of(state.pack.group_voltage_v),
    });
    if (step.mode == StepMode::kCharge && state.pack.pack_current_a < 0.0) {
      hold_current_limit_a_ = -state.pack.pack_current_a;
    }
    snapshot_ = state;
    ++active_;
    active_started_ = false;
  }

  void fail_time_limit() {
    const std::string limit{format_number("%.9g h", to_seconds(settings_.step_limit_ns) / 3600.0)};
    finish_active(StepEnd::kTimeLimit, "no condition met within " + limit);
    --active_;  // the failed step stays the active one, for the error report
    failure_ = "step " + std::to_string(active_ + 1) + " (" + describe(steps_[active_]) +
               "): none of its until-conditions was met within the step time limit of " + limit;
    finish_run("step time limit");
  }

  void finish_run(std::string reason) {
    finished_ = true;
    recorder_.close();
    scheduler_.request_stop(std::move(reason));
  }

  // Next instant to look at: the check grid, the sample grid (so that no sample
  // row lies between a crossing and the check that finds it) and the step's end.
  TimeNs next_check_after(TimeNs t) const {
    const TimeNs next_check{(t / settings_.check_ns + 1) * settings_.check_ns};
    const TimeNs next_sample{(t / settings_.sample_ns + 1) * settings_.sample_ns};
    return std::min({next_check, next_sample, step_end_ns_});
  }

  models::PortModel port_for(const ExperimentStep& step) const {
    const double sign{step.mode == StepMode::kCharge ? -1.0 : 1.0};
    const double value{step.drive_value};
    switch (step.drive) {
      case DriveKind::kNone: return models::OpenCircuit{};
      case DriveKind::kCurrentA: return models::ConstantCurrent{sign * value};
      case DriveKind::kCRate: return models::ConstantCurrent{sign * value * settings_.nominal_ah};
      case DriveKind::kPowerW: return models::ConstantPower{sign * value};
      case DriveKind::kResistanceOhm: return models::ResistiveLoad{value};
      case DriveKind::kVoltageV:
        return models::CcCvCharger{hold_current_limit_a_, value * static_cast<double>(plant_.pack().series())};
    }
    throw std::logic_error{"StepSequencer: unknown drive kind"};
  }

  // Charge and hold end on rising voltage and SOC; discharge and rest on falling.
  bool rising() const {
    const StepMode mode{steps_[active_].mode};
    return mode == StepMode::kCharge || mode == StepMode::kHold;
  }

  bool met(const StopCondition& c, const models::PackState& s) const {
    const bool up{rising()};
    switch (c.kind) {
      case StopKind::kCellVoltageV:
        return up ? max_of(s.group_voltage_v) >= c.value : min_of(s.group_voltage_v) <= c.value;
      case StopKind::kPackVoltageV: return up ? s.terminal_voltage_v >= c.value : s.terminal_voltage_v <= c.value;
      case StopKind::kCurrentBelowA: return std::abs(s.pack_current_a) < c.value;
      case StopKind::kCurrentBelowCRate: return std::abs(s.pack_current_a) < c.value * settings_.nominal_ah;
      case StopKind::kSocPercent: {
        const double mean_percent{100.0 * s.soc.mean()};
        return up ? mean_percent >= c.value : mean_percent <= c.value;
      }
      case StopKind::kMaxTemperatureC: return max_of(s.temp_c) >= c.value;
    }
    return false;
  }

  const StopCondition* first_met(const models::PackState& s) const {
    for (const StopCondition& c : steps_[active_].until) {
      if (met(c, s)) {
        return &c;
      }
    }
    return nullptr;
  }

  std::string describe_met(const StopCondition& c) const {
    const bool up{rising()};
    switch (c.kind) {
      case StopKind::kCellVoltageV:
        return format_number(up ? "highest cell >= %.9g V" : "lowest cell <= %.9g V", c.value);
      case StopKind::kPackVoltageV:
        return format_number(up ? "pack voltage >= %.9g V" : "pack voltage <= %.9g V", c.value);
      case StopKind::kCurrentBelowA: return format_number("|current| < %.9g A", c.value);
      case StopKind::kCurrentBelowCRate:
        return format_number("|current| < %.9g A", c.value * settings_.nominal_ah) +
               format_number(" (%.9gC)", c.value);
      case StopKind::kSocPercent:
        return format_number(up ? "mean SOC >= %.9g %%" : "mean SOC <= %.9g %%", c.value);
      case StopKind::kMaxTemperatureC: return format_number("hottest cell >= %.9g degC", c.value);
    }
    return "?";
  }

  PlantComponent& plant_;
  CsvRecorder& recorder_;
  Scheduler& scheduler_;
  const std::vector<ExperimentStep>& steps_;
  SequencerSettings settings_;

  std::size_t active_{0};
  double hold_current_limit_a_{kDefaultHoldCRate * settings_.nominal_ah};
  bool active_started_{false};
  bool finished_{false};
  TimeNs next_check_ns_{0};  // the first step starts at the first instant
  TimeNs step_start_ns_{0};
  TimeNs step_end_ns_{0};  // its duration, or the time limit
  double step_start_charge_as_{0.0};
  double step_start_energy_j_{0.0};
  PlantState snapshot_;  // the plant at the last check: the known side of a crossing
  PlantState scratch_;   // re-stepped copies (kept to reuse their storage)
  PlantState crossed_;
  std::vector<StepSummary> summaries_;
  std::string failure_;
};

// Records a row at every multiple of the sample period.
class Sampler final : public Component {
 public:
  Sampler(const PlantComponent& plant, const StepSequencer& sequencer, CsvRecorder& recorder, TimeNs period_ns)
      : plant_{plant}, sequencer_{sequencer}, recorder_{recorder}, period_ns_{period_ns} {}

  std::string_view name() const override { return "sampler"; }
  TimeNs next_event_ns() const override { return next_ns_; }

  void advance_to(TimeNs t) override {
    if (t < next_ns_) {
      return;
    }
    // Once the experiment has ended the plant may sit at the last boundary, before
    // t; the recorder is closed then and ignores the row.
    recorder_.record(t, sequencer_.active_step_number(), plant_.state());
    next_ns_ += period_ns_;
  }

 private:
  const PlantComponent& plant_;
  const StepSequencer& sequencer_;
  CsvRecorder& recorder_;
  TimeNs period_ns_;
  TimeNs next_ns_{0};
};

void check_option(bool ok, const char* what) {
  if (!ok) {
    throw std::invalid_argument{std::string{"run_experiment: "} + what};
  }
}

void validate(const ExperimentOptions& o, const std::vector<ExperimentStep>& steps) {
  const auto positive = [](double s) { return std::isfinite(s) && s >= 1e-9; };
  check_option(!steps.empty(), "no steps");
  check_option(positive(o.check_period_s), "check period must be finite and >= 1 ns");
  check_option(!o.sample_period_s || positive(*o.sample_period_s), "sample period must be finite and >= 1 ns");
  check_option(positive(o.crossing_tolerance_s), "crossing tolerance must be finite and >= 1 ns");
  check_option(positive(o.max_plant_step_s), "maximum plant step must be finite and >= 1 ns");
  check_option(positive(o.step_time_limit_s), "step time limit must be finite and >= 1 ns");
  check_option(std::isfinite(o.ambient_c), "ambient temperature must be finite");
  check_option(!o.initial_soc || (*o.initial_soc >= 0.0 && *o.initial_soc <= 1.0), "initial SOC must be in 0..1");
  check_option(!o.initial_temp_c || std::isfinite(*o.initial_temp_c), "initial temperature must be finite");
  check_option(o.step_time_limit_s <= kMaxStepDurationS, "step time limit must be <= kMaxStepDurationS");
  check_option(o.check_period_s <= kMaxStepDurationS, "check period must be <= kMaxStepDurationS");
  check_option(!o.sample_period_s || *o.sample_period_s <= kMaxStepDurationS,
               "sample period must be <= kMaxStepDurationS");
  for (const ExperimentStep& step : steps) {
    check_option(!step.duration_s || *step.duration_s <= kMaxStepDurationS, "a step is longer than kMaxStepDurationS");
  }
  check_option(longest_experiment_s(steps, o) <= models::kMaxSimulatedDurationS,
               "the steps add up beyond models::kMaxSimulatedDurationS");
}

RunSummary summarize(const PlantState& state, const std::vector<StepSummary>& summaries,
                     const std::vector<ExperimentStep>& steps, double nominal_ah, std::int64_t rows) {
  const models::PackState& pack{state.pack};
  RunSummary run{};
  run.duration_s = to_seconds(state.time_ns);
  run.nominal_capacity_ah = nominal_ah;
  for (const StepSummary& s : summaries) {
    const StepMode mode{steps[static_cast<std::size_t>(s.number - 1)].mode};
    if (mode == StepMode::kDischarge) {
      run.discharge_ah += s.charge_ah;
      run.discharge_wh += s.energy_wh;
    } else if (mode == StepMode::kCharge || mode == StepMode::kHold) {
      run.charge_ah -= s.charge_ah;
      run.charge_wh -= s.energy_wh;
    }
  }
  run.min_temp_c = min_of(pack.temp_c);
  run.mean_temp_c = pack.temp_c.size() > 0 ? pack.temp_c.mean() : 0.0;
  run.max_temp_c = max_of(pack.temp_c);
  run.soc_spread_percent = 100.0 * (max_of(pack.soc) - min_of(pack.soc));
  run.cell_voltage_spread_mv = 1000.0 * (max_of(pack.group_voltage_v) - min_of(pack.group_voltage_v));
  run.heat_j = pack.heat_generated_j;
  run.rows = rows;
  return run;
}

}  // namespace

ExperimentResult run_experiment(models::PackConfig config, const std::vector<ExperimentStep>& steps,
                                const ExperimentOptions& options, std::ostream* csv) {
  validate(options, steps);
  if (options.initial_soc) config.initial_soc = *options.initial_soc;
  if (options.initial_temp_c) config.initial_temp_c = *options.initial_temp_c;
  const models::Pack pack{std::move(config)};
  const double nominal_ah{pack.cell_params().capacity_ah * pack.parallel()};
  const TimeNs check_ns{from_seconds(options.check_period_s)};
  const TimeNs sample_ns{options.sample_period_s ? from_seconds(*options.sample_period_s) : check_ns};

  VirtualClock clock;
  Scheduler scheduler{clock};
  PlantComponent plant{pack, models::pre_aged_initial_state(pack), from_seconds(options.max_plant_step_s)};
  plant.set_ambient_c(options.ambient_c);
  CsvRecorder recorder{csv, pack.series(), pack.cell_count()};
  StepSequencer sequencer{plant, recorder, scheduler, steps,
                          SequencerSettings{
                              .check_ns = check_ns,
                              .sample_ns = sample_ns,
                              .tolerance_ns = from_seconds(options.crossing_tolerance_s),
                              .step_limit_ns = from_seconds(options.step_time_limit_s),
                              .nominal_ah = nominal_ah,
                          }};
  Sampler sampler{plant, sequencer, recorder, sample_ns};
  scheduler.add(plant, kPlantPriority);
  scheduler.add(sequencer, kSequencerPriority);
  scheduler.add(sampler, kSamplerPriority);

  ExperimentResult result{};
  try {
    // Every step ends (a duration or the step time limit), so the sequencer stops the run.
    const RunResult run{scheduler.run_until(kNoEvent)};
    if (!run.stop_requested) {
      throw std::logic_error{"run_experiment: the scheduler ran out of time before the steps ended"};
    }
    result.error = sequencer.failure();
  } catch (const models::PlantError& e) {
    const int number{sequencer.active_step_number()};
    result.error = "step " + std::to_string(number) + " (" + describe(steps[static_cast<std::size_t>(number - 1)]) +
                   "): " + e.what();
  }
  if (csv != nullptr) {
    csv->flush();
  }
  result.completed = result.error.empty();
  if (!result.completed) {
    result.failed_step = sequencer.active_step_number();
  }
  result.steps = sequencer.summaries();
  result.run = summarize(result.completed ? plant.state() : sequencer.last_good_state(), result.steps, steps,
                         nominal_ah, recorder.rows());
  return result;
}

}  // namespace packsim::sim
