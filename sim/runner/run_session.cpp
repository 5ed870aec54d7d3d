#include "sim/runner/run_session.h"

#include <algorithm>
#include <sstream>
#include <type_traits>
#include <utility>

#include "bms_under_test/hal/link/linked_firmware.h"
#include "common/yaml_reader.h"
#include "models/aging/aging_fast_forward.h"
#include "sim/hil/reference_firmware.h"
#include "sim/runner/condition_evaluator.h"
#include "sim/runner/fault_mapping.h"
#include "sim/runner/step_ports.h"
#include "sim/transport/link_address.h"

namespace packsim::runner {

namespace {

// "48 h", "90 min", "2.5 s": a limit as a user would write it.
std::string whole_duration_text(sim::TimeNs t) {
  constexpr sim::TimeNs kMinute{60 * sim::kNsPerS};
  constexpr sim::TimeNs kHour{60 * kMinute};
  if (t > 0 && t % kHour == 0) return std::to_string(t / kHour) + " h";
  if (t > 0 && t % kMinute == 0) return std::to_string(t / kMinute) + " min";
  return format_number(sim::to_seconds(t)) + " s";
}

using scenario::SignalId;
using scenario::SignalRef;

// Signals always in the trace, whatever the scenario reads.
constexpr SignalId kBaseSignals[]{SignalId::kPackV,       SignalId::kLoadV,       SignalId::kPackCurrent,
                                  SignalId::kSoc,         SignalId::kMinCellV,    SignalId::kMaxCellV,
                                  SignalId::kMinCellTemp, SignalId::kMaxCellTemp, SignalId::kChgFet,
                                  SignalId::kDsgFet};

bool uses_service(const std::vector<SignalRef>& signals) {
  return std::any_of(signals.begin(), signals.end(), [](const SignalRef& r) {
    return scenario::signal_info(r.id).source == scenario::SignalSource::kService;
  });
}

std::vector<SignalRef> used_signals(const scenario::Scenario& s) {
  std::vector<SignalRef> used;
  for (const scenario::Step& step : s.steps) {
    std::visit(
        [&](const auto& a) {
          using T = std::decay_t<decltype(a)>;
          if constexpr (std::is_same_v<T, scenario::Discharge> || std::is_same_v<T, scenario::Charge> ||
                        std::is_same_v<T, scenario::Rest> || std::is_same_v<T, scenario::Wait>) {
            if (a.until) collect_signals(*a.until, used);
          }
        },
        step.action);
  }
  for (const scenario::Expectation& e : s.expectations) {
    collect_signals(e.condition, used);
    if (e.while_condition) collect_signals(*e.while_condition, used);
    if (e.trigger) collect_signals(*e.trigger, used);
  }
  return used;
}

// The trace's columns: the base set, then what the scenario reads, in
// signal-table order; events are instants, not columns.
std::vector<SignalRef> trace_signals(const std::vector<SignalRef>& used) {
  std::vector<SignalRef> columns;
  for (const SignalId id : kBaseSignals) columns.push_back({id, -1});
  for (const SignalRef& r : used) {
    if (scenario::signal_info(r.id).kind == scenario::SignalKind::kEvent) continue;
    const bool known{std::any_of(columns.begin(), columns.end(),
                                 [&](const SignalRef& c) { return c.id == r.id && c.index == r.index; })};
    if (!known) columns.push_back(r);
  }
  std::stable_sort(columns.begin() + std::size(kBaseSignals), columns.end(), [](const SignalRef& a, const SignalRef& b) {
    return a.id != b.id ? a.id < b.id : a.index < b.index;
  });
  return columns;
}


}  // namespace

std::vector<SignalRef> trace_columns(const scenario::Scenario& scenario) {
  return trace_signals(used_signals(scenario));
}

hal::Firmware load_firmware_image(const scenario::FirmwareImage& image) {
  return image.is_reference() ? hil::reference_firmware() : hal::load_firmware(image.path);
}

bool runs_isolated(const scenario::FirmwareImage& image, const scenario::FirmwareSpec& spec,
                   const FirmwareExecution& how) {
  return how.isolate.value_or(spec.isolate.value_or(!image.is_reference()));
}

hal::Firmware firmware_for_run(const scenario::FirmwareImage& image, const scenario::FirmwareSpec& spec,
                               const RunOptions& options) {
  const FirmwareExecution& how{options.firmware};
  if (!how.link.empty()) {
    return hal::connect_linked_firmware(transport::open_link_stream(how.link), how.link_options, how.link);
  }
  if (runs_isolated(image, spec, how)) {
    const hal::ProcessOptions process{how.channel, how.link_options, {}};
    return image.is_reference() ? hal::spawn_reference_firmware_process(process)
                                : hal::spawn_firmware_process(image.path, process);
  }
  return options.load_firmware ? options.load_firmware(image) : load_firmware_image(image);
}

RunSession::RunSession(const scenario::Scenario& s, const RunOptions& options)
    : scenario_{s}, options_{options}, trace_{trace_columns(s)} {
  poll_service_ = uses_service(used_signals(s));
  const std::uint64_t seed{options.seed.value_or(s.seed)};

  hil::RigOptions rig_options;
  models::PackConfig config{s.pack.config};
  if (options.seed) config.seed = scenario::seed_for(seed, scenario::SeedStream::kPackVariation);
  rig_options.pack_config = config;
  rig_options.initial_soc = config.initial_soc;
  rig_options.initial_temp_c = config.initial_temp_c;
  rig_options.ambient_c = scenario::ambient_at(s.environment, 0);
  rig_options.afe_seed = scenario::seed_for(seed, scenario::SeedStream::kAfe);
  bms_config firmware_config{hil::reference_default_config()};
  scenario::apply_config_overrides(s.firmware.config, firmware_config);
  rig_options.config_image = hil::config_eeprom_image(firmware_config);
  rig_options.watchdog_ns = s.board.watchdog_ns;

  image_ = s.firmware.image;
  rig_ = std::make_unique<hil::HilRig>(std::move(rig_options), firmware_for_run(image_, s.firmware, options));
  if (!config.pre_aging.empty()) {
    sim::PlantState state{rig_->plant().state()};
    state.pack = models::pre_aged_initial_state(rig_->pack());
    rig_->plant().set_state(state);
  }
  if (options.record_cells) trace_.record_cells(rig_->pack().series(), rig_->pack().series() * rig_->pack().parallel());
  sampler_ = std::make_unique<SignalSampler>(*rig_);
  rig_->firmware().set_on_reset([this](hil::FirmwareComponent::Failure failure) {
    sampler_->raise(SignalId::kFirmwareRestarted);
    if (failure == hil::FirmwareComponent::Failure::kHang) sampler_->raise(SignalId::kWatchdogReset);
  });
  // FET edges and stimuli get a trace row at their instant: a short's
  // current lasts microseconds, far less than a check period.
  rig_->monitor().set_notable_instant_hook([this](sim::TimeNs t) { trace_.sample(t, *sampler_, true); });
  trace_.set_memory_row_limit(options.trace_memory_rows);
  if (!options.trace_file.empty()) trace_.stream_to(std::make_unique<GrowingFile>(options.trace_file));
  hil::CanBus& bus{rig_->can_bus()};
  bus.set_record_limit(options.can_memory_frames);
  if (!options.can_log_file.empty()) {
    can_log_file_ = std::make_unique<GrowingFile>(options.can_log_file);
    bus.set_record_listener([file = can_log_file_.get()](const hil::CanRecord& record) {
      file->append(hil::CanBus::candump_line(record, "can0") + '\n');
    });
  }
  sampler_->set_ambient_c(scenario::ambient_at(s.environment, 0));
  for (const scenario::Expectation& e : s.expectations) monitors_.emplace_back(e);
  // While the service tool waits for an answer (up to its timeout), the
  // expectations are checked as at any other time.
  rig_->service().set_advance([this](sim::TimeNs duration) { run_until_time(now() + duration); });
  if (options.realtime) pacer_ = std::make_unique<sim::RealTimePacer>(*options.realtime);
}

RunSession::~RunSession() = default;

void RunSession::start() {
  if (started_) return;
  started_ = true;
  if (pacer_) pacer_->start(now());
  sampler_->raise(SignalId::kStart);
  check_now(true);
}

std::vector<ExpectationResult> RunSession::verdicts() const {
  std::vector<ExpectationResult> results;
  for (const ExpectationMonitor& m : monitors_) {
    ExpectationMonitor ending{m};
    results.push_back(ending.finish(now(), *sampler_));
  }
  results.insert(results.end(), step_failures_.begin(), step_failures_.end());
  return results;
}

std::optional<sim::PacerStats> RunSession::pacer_stats() const {
  if (!pacer_) return std::nullopt;
  return pacer_->stats();
}

std::string RunSession::can_log() const {
  std::ostringstream out;
  rig_->can_bus().write_candump(out);
  return out.str();
}

void RunSession::set_port(const models::PortModel& port) {
  ++port_generation_;
  rig_->set_load(port);
}

// Evaluates expectations (and samples the trace) at the present instant.
void RunSession::check_now(bool force_trace) {
  const sim::TimeNs t{now()};
  bool notable{force_trace || sampler_->has_events()};
  for (ExpectationMonitor& m : monitors_) notable = m.check(t, *sampler_) || notable;
  if (notable || t >= next_trace_ns_) {
    trace_.sample(t, *sampler_, notable);
    if (t >= next_trace_ns_) next_trace_ns_ = (t / options_.trace_period_ns + 1) * options_.trace_period_ns;
  }
  sampler_->clear_events();
  // Every 10 s simulated; every check when paced (the callback throttles).
  if (options_.progress && (++checks_ % 1000 == 0 || pacer_)) options_.progress(sim::to_seconds(t));
}

// Pending actions due, the ambient profile, the service poll: between checks.
void RunSession::process_due() {
  while (!pending_.empty() && pending_.front().at_ns <= now()) {
    PendingAction action{std::move(pending_.front())};
    pending_.erase(pending_.begin());
    action.apply();
  }
  if (!ambient_overridden_) {
    const double ambient{scenario::ambient_at(scenario_.environment, now())};
    if (ambient != sampler_->ambient_c()) {
      rig_->set_ambient_c(ambient);
      sampler_->set_ambient_c(ambient);
    }
  }
  // In the background, like a logger beside the run: the request goes out
  // at a check and its answer is picked up at the checks after, so time
  // passes only as the run says (a blocking poll would run past a step's
  // end and skip its checks).
  if (poll_service_) {
    hil::ServiceTool& tool{rig_->service()};
    if (tool.basic_info_pending()) {
      if (const auto reply{tool.collect_basic_info()}; reply && reply->ok()) sampler_->set_service_info(reply->value);
    } else if (!tool.in_transaction() && now() >= next_service_poll_ns_) {
      tool.begin_basic_info();
      next_service_poll_ns_ = now() + options_.service_poll_period_ns;
    }
  }
}

void RunSession::schedule(sim::TimeNs at_ns, std::function<void()> apply) {
  // Stable: actions at one instant run in the order they were scheduled.
  const auto where{std::upper_bound(pending_.begin(), pending_.end(), at_ns,
                                    [](sim::TimeNs t, const PendingAction& a) { return t < a.at_ns; })};
  pending_.insert(where, PendingAction{at_ns, std::move(apply)});
}

// Runs to the next check instant (at most `end`): the check period's grid,
// a pending action, an expectation's deadline; then acts and checks there.
void RunSession::step_to_next_check(sim::TimeNs end) {
  const sim::TimeNs period{options_.check_period_ns};
  sim::TimeNs next{std::min((now() / period + 1) * period, end)};
  if (!pending_.empty()) next = std::min(next, std::max(pending_.front().at_ns, now()));
  for (const ExpectationMonitor& m : monitors_) {
    const sim::TimeNs deadline{m.next_deadline_ns()};
    if (deadline > now()) next = std::min(next, deadline);
  }
  if (pacer_) {
    // Period by period, each slept to its wall deadline.
    while (now() < next) {
      const sim::TimeNs slice{std::min(next, pacer_->next_deadline_after(now()))};
      rig_->run_until_time(slice);
      pacer_->wait_until(slice);
    }
  } else {
    rig_->run_until_time(next);
  }
  process_due();
  check_now();
  if (options_.interrupted && options_.interrupted()) throw RunInterrupted{};
}

void RunSession::run_until_time(sim::TimeNs end) {
  start();
  while (now() < end) step_to_next_check(end);
}

std::optional<sim::TimeNs> RunSession::advance(sim::TimeNs end, const std::function<bool()>& stop) {
  if (stop && stop()) return now();
  while (now() < end) {
    step_to_next_check(end);
    if (stop && stop()) return now();
  }
  return std::nullopt;
}

std::optional<sim::TimeNs> RunSession::run_until(const scenario::Condition& condition, sim::TimeNs timeout) {
  start();
  const sim::TimeNs begin{now()};
  return advance(begin + timeout, [&] { return holds(condition, *sampler_, now() - begin); });
}

std::optional<sim::TimeNs> RunSession::run_until(const std::function<bool()>& condition, sim::TimeNs timeout) {
  start();
  return advance(now() + timeout, condition);
}

void RunSession::step_failure(int index, const scenario::Step& step, std::string detail) {
  const std::string name{"step " + std::to_string(index + 1) + " (" + step.kind + ")"};
  step_failures_.push_back({name, step.kind + " at line " + std::to_string(step.where.line), false,
                            std::move(detail) + " at " + format_time(now()), now()});
}

void RunSession::inject(const scenario::Fault& fault) {
  const RigFault rig_fault{to_rig_fault(fault, rig_->wiring(), rig_->pack().config().parallel)};
  std::visit([&](const auto& f) { rig_->inject(f); }, rig_fault);
  sampler_->raise(SignalId::kFaultInjected, static_cast<int>(scenario::kind_of(fault)));
}

bool RunSession::execute(int index, const scenario::Step& step) {
  start();
  const std::size_t failures_before{step_failures_.size()};
  const sim::TimeNs step_start{now()};
  sampler_->raise(SignalId::kStepStarted, index);
  bool terminals_open_after{false};
  std::optional<sim::TimeNs> duration;
  std::optional<scenario::Condition> until;
  std::visit(
      [&](const auto& a) {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, scenario::Discharge>) {
          set_port(discharge_port(a, scenario_.pack.nominal_capacity_ah));
          duration = a.duration_ns, until = a.until, terminals_open_after = true;
        } else if constexpr (std::is_same_v<T, scenario::Charge>) {
          set_port(charge_port(a, scenario_.pack.nominal_capacity_ah, rig_->pack().config().series));
          duration = a.duration_ns, until = a.until, terminals_open_after = true;
        } else if constexpr (std::is_same_v<T, scenario::Rest>) {
          set_port(models::OpenCircuit{});
          duration = a.duration_ns, until = a.until;
        } else if constexpr (std::is_same_v<T, scenario::Wait>) {
          duration = a.duration_ns, until = a.until;
        } else if constexpr (std::is_same_v<T, scenario::SetAmbient>) {
          ambient_overridden_ = true;
          rig_->set_ambient_c(a.ambient_c);
          sampler_->set_ambient_c(a.ambient_c);
        } else if constexpr (std::is_same_v<T, scenario::Connect>) {
          set_port(device_port(a.device));
          if (const auto* surge = std::get_if<scenario::InverterSurge>(&a.device)) {
            const int generation{port_generation_};
            const double then_a{surge->then_a};
            schedule(now() + surge->duration_ns, [this, generation, then_a] {
              if (port_generation_ == generation) set_port(models::ConstantCurrent{then_a});
            });
          }
        } else if constexpr (std::is_same_v<T, scenario::Disconnect>) {
          set_port(models::OpenCircuit{});
        } else if constexpr (std::is_same_v<T, scenario::Inject>) {
          if (a.at_ns && *a.at_ns > now()) {
            const scenario::Fault fault{a.fault};
            schedule(*a.at_ns, [this, fault] { inject(fault); });
          } else {
            inject(a.fault);
          }
        } else if constexpr (std::is_same_v<T, scenario::Clear>) {
          if (scenario::is_plant_fault(a.kind)) {
            for (const int cell : a.cell_indices) rig_->clear(to_plant_fault_kind(a.kind), cell);
          } else {
            rig_->clear(to_afe_fault_kind(a.kind));
          }
          sampler_->raise(SignalId::kFaultCleared, static_cast<int>(a.kind));
        } else if constexpr (std::is_same_v<T, scenario::Bus>) {
          bus(a.action);
        } else if constexpr (std::is_same_v<T, scenario::Service>) {
          service(index, step, a);
        } else if constexpr (std::is_same_v<T, scenario::FirmwareFailure>) {
          rig_->firmware().fail(a.kind == scenario::FirmwareFailure::Kind::kHang
                                    ? hil::FirmwareComponent::Failure::kHang
                                    : hil::FirmwareComponent::Failure::kCrash,
                                a.persistent);
        } else if constexpr (std::is_same_v<T, scenario::Reflash>) {
          // Whatever image boots, the flash is written anew: a defect that
          // made the old one fail at every boot is gone.
          rig_->firmware().clear_failure();
          if (a.firmware && a.firmware->path != image_.path) {
            reflash(index, step, *a.firmware);
          } else {
            rig_->restart_firmware();
          }
          sampler_->raise(SignalId::kFirmwareRestarted);
        }
      },
      step.action);
  check_now(true);
  if (duration || until) {
    // Without a `for`, an `until` that never holds would run forever.
    const sim::TimeNs length{duration ? *duration : options_.until_limit_ns};
    const sim::TimeNs end{std::min(options_.max_time_ns, length > options_.max_time_ns - step_start
                                                             ? options_.max_time_ns
                                                             : step_start + length)};
    std::function<bool()> stop;
    if (until) stop = [&] { return holds(*until, *sampler_, now() - step_start); };
    const std::optional<sim::TimeNs> held{advance(end, stop)};
    if (until && !duration && !held && now() - step_start >= options_.until_limit_ns) {
      step_failure(index, step,
                   "its 'until' did not hold within " + whole_duration_text(options_.until_limit_ns) +
                       ", the limit for a step without 'for' (give the step a 'for', or raise the limit: "
                       "packsim run --until-limit)");
    }
  }
  if (terminals_open_after) set_port(models::OpenCircuit{});
  sampler_->raise(SignalId::kStepEnded, index);
  check_now(true);
  return step_failures_.size() == failures_before;
}

void RunSession::reflash(int index, const scenario::Step& step, const scenario::FirmwareImage& image) {
  try {
    if (!options_.firmware.link.empty()) {
      // A board on the far end of a link keeps the image it holds: the
      // re-flash is its power cycle.
      rig_->restart_firmware();
      image_ = image;
      return;
    }
    rig_->reflash(firmware_for_run(image, scenario_.firmware, options_));
  } catch (const std::exception& e) {
    // The old image keeps running (a programmer that fails verification).
    step_failure(index, step, std::string{"re-flash refused: "} + e.what());
    return;
  }
  image_ = image;
}

void RunSession::bus(const scenario::BusAction& action) {
  if (std::holds_alternative<scenario::BusDrop>(action)) {
    rig_->set_heartbeat(false);
    sampler_->raise(SignalId::kHeartbeatLost);
  } else if (std::holds_alternative<scenario::BusRestore>(action)) {
    rig_->set_heartbeat(true);
    sampler_->raise(SignalId::kHeartbeatRestored);
  } else {
    const scenario::CanFrameSpec& spec{std::get<scenario::BusSend>(action).frame};
    bms_can_frame frame{};
    frame.id = spec.id;
    frame.extended = spec.extended;
    frame.dlc = static_cast<std::uint8_t>(std::min<std::size_t>(spec.data.size(), BMS_CAN_MAX_DLC));
    std::copy_n(spec.data.begin(), frame.dlc, frame.data);
    rig_->can_bus().send(rig_->inverter(), frame);
  }
}

void RunSession::service(int index, const scenario::Step& step, const scenario::Service& request) {
  hil::ServiceError error{hil::ServiceError::kNone};
  std::string detail;
  std::visit(
      [&](const auto& a) {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, scenario::ServiceReadRequest>) {
          switch (a.what) {
            case scenario::ServiceRead::kStatus: {
              const auto reply{rig_->service().read_basic_info()};
              if (reply.ok()) sampler_->set_service_info(reply.value);
              error = reply.error, detail = reply.detail;
              break;
            }
            case scenario::ServiceRead::kCells: {
              const auto reply{rig_->service().read_cell_voltages()};
              error = reply.error, detail = reply.detail;
              break;
            }
            case scenario::ServiceRead::kVersion: {
              const auto reply{rig_->service().read_hardware_version()};
              error = reply.error, detail = reply.detail;
              break;
            }
            case scenario::ServiceRead::kFaultLog: {
              const auto reply{rig_->service().read_fault_log()};
              error = reply.error, detail = reply.detail;
              break;
            }
          }
        } else if constexpr (std::is_same_v<T, scenario::ServiceReset>) {
          const auto reply{rig_->service().reset_faults()};
          error = reply.error, detail = reply.detail;
        } else {
          const auto reply{rig_->service().mos_control(a.charge_off, a.discharge_off)};
          error = reply.error, detail = reply.detail;
        }
      },
      request.action);
  if (request.expect_refused && error != hil::ServiceError::kErrorStatus) {
    step_failure(index, step,
                 "expected the BMS to refuse, got " + std::string{hil::describe(error)} +
                     (detail.empty() ? "" : " (" + detail + ")"));
  } else if (!request.expect_refused && error != hil::ServiceError::kNone) {
    step_failure(index, step,
                 "service request failed: " + std::string{hil::describe(error)} +
                     (detail.empty() ? "" : " (" + detail + ")"));
  }
}

}  // namespace packsim::runner
