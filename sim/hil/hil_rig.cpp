#include "sim/hil/hil_rig.h"

#include <cstdio>
#include <mutex>
#include <set>
#include <stdexcept>
#include <utility>


namespace packsim::hil {

namespace {

std::mutex live_origins_mutex;
std::set<std::string> live_origins;

}  // namespace

FirmwareOriginClaim::FirmwareOriginClaim(std::string origin) : origin_{std::move(origin)} {
  const std::lock_guard<std::mutex> lock{live_origins_mutex};
  if (!live_origins.insert(origin_).second) {
    throw std::logic_error{"HilRig: firmware '" + origin_ +
                           "' already runs in another rig of this process (it has one static context; load a private copy for each rig)"};
  }
}

FirmwareOriginClaim::~FirmwareOriginClaim() {
  const std::lock_guard<std::mutex> lock{live_origins_mutex};
  live_origins.erase(origin_);
}

models::Pack HilRig::make_pack(const RigOptions& options) {
  models::PackConfig config{options.pack_config ? *options.pack_config : models::load_pack_config(options.pack_file)};
  if (options.initial_soc) {
    config.initial_soc = *options.initial_soc;
  }
  if (options.initial_temp_c) {
    config.initial_temp_c = *options.initial_temp_c;
  }
  if (options.spread) {
    return models::Pack{config, models::PackOptions{}, *options.spread};
  }
  return models::Pack{config};
}

HilRig::HilRig(RigOptions options, hal::Firmware firmware)
    : origin_claim_{std::in_place, firmware.instance_key()},
      options_{std::move(options)},
      firmware_{std::move(firmware)},
      pack_{make_pack(options_)},
      plant_{pack_, pack_.initial_state(), options_.plant_max_step_ns, sim::PlantSampling::kOnDemand},
      afe_{afe::Bq76952Config{.seed = options_.afe_seed, .adc = options_.adc}},
      afe_component_{afe_, plant_, afe::AfeWiring::for_series(pack_.series(), pack_.parallel()),
                     options_.afe_sample_period_ns},
      host_{clock_, can_bus_, options_.host},
      firmware_component_{firmware_, host_, 0},
      inverter_{can_bus_, options_.inverter},
      monitor_{scheduler_, plant_, options_.trace_sample_period_ns},
      service_{host_, [this](sim::TimeNs duration) { run_for(duration); }, options_.service} {
  plant_.set_ambient_c(options_.ambient_c);
  afe_component_.apply_outputs(true);  // the chip powers up with its FETs off

  if (!options_.config_image.empty()) {
    eeprom_.program(options_.config_image);
  }
  if (options_.config_eeprom_fitted) {
    host_.attach_i2c(0x50, eeprom_);
  }
  host_.attach_i2c(afe_.state().i2c_address7, afe_target_);
  host_.set_gpio_source(BMS_GPIO_AFE_ALERT, [this] { return afe_.outputs().alert_pin ? 1 : 0; });
  host_.set_gpio_source(BMS_GPIO_CHARGER_DETECT, [this] { return charger_detected() ? 1 : 0; });
  firmware_component_.set_after_tick([this] { drive_plant_from_afe(); });
  firmware_component_.set_watchdog(options_.watchdog_ns);
  inverter_.set_heartbeat_enabled(options_.inverter_heartbeat);

  scheduler_.add(plant_, kPlantPriority);
  scheduler_.add(afe_component_, kAfePriority);
  scheduler_.add(firmware_component_, kFirmwarePriority);
  scheduler_.add(inverter_, kBusPriority);
  scheduler_.add(monitor_, kMonitorPriority);
}

// ---- Time ----

void HilRig::run_for(sim::TimeNs duration) { scheduler_.run_until(clock_.now() + duration); }

void HilRig::run_until_time(sim::TimeNs t) { scheduler_.run_until(t); }

std::optional<sim::TimeNs> HilRig::run_until(const std::function<bool()>& condition, sim::TimeNs timeout) {
  if (condition()) {
    return clock_.now();
  }
  monitor_.set_stop_condition(condition);
  const sim::RunResult result{scheduler_.run_until(clock_.now() + timeout)};
  monitor_.set_stop_condition({});
  if (result.stop_requested && condition()) {
    return result.reached_ns;
  }
  return std::nullopt;
}

void HilRig::reflash(hal::Firmware firmware) {
  if (firmware.instance_key() != firmware_.instance_key()) {
    origin_claim_.reset();
    try {
      origin_claim_.emplace(firmware.instance_key());
    } catch (...) {
      origin_claim_.emplace(firmware_.instance_key());  // the old image keeps running
      throw;
    }
  }
  firmware_ = std::move(firmware);  // the component refers to this member
  firmware_component_.restart();
}

// ---- Stimuli ----

void HilRig::stimulus_applied() {
  monitor_.wake_at(clock_.now() + kStimulusEdgeNs);
  afe_component_.sample_at(clock_.now() + kStimulusEdgeNs);
}

void HilRig::drive_plant_from_afe() {
  if (afe_component_.apply_outputs()) {
    // The current the new path lets flow reaches the chip's comparators at
    // once (e.g. FETs closed onto a short), not at its next measurement loop.
    stimulus_applied();
  }
}

void HilRig::set_load(const models::PortModel& port) {
  plant_.set_port(port);
  stimulus_applied();
}

void HilRig::set_ambient_c(double ambient_c) {
  plant_.set_ambient_c(ambient_c);
  stimulus_applied();
}

void HilRig::set_cell_temperatures_c(double temp_c) {
  sim::PlantState state{plant_.synced_state()};
  state.pack.temp_c.setConstant(temp_c);
  state.pack.cache.valid = false;  // the tables are read again at the new temperature
  plant_.set_state(state);
  stimulus_applied();
}

void HilRig::inject(const models::PlantFault& fault) {
  sim::PlantState state{plant_.synced_state()};
  pack_.inject(state.pack, fault);
  plant_.set_state(state);
  stimulus_applied();
}

void HilRig::clear(models::PlantFaultKind kind, int cell) {
  sim::PlantState state{plant_.synced_state()};
  pack_.clear_fault(state.pack, kind, cell);
  plant_.set_state(state);
  stimulus_applied();
}

void HilRig::inject(const afe::AfeFault& fault) {
  afe_.inject(fault);
  drive_plant_from_afe();  // a brown-out drops the FETs at once
  stimulus_applied();
}

void HilRig::clear(afe::AfeFaultKind kind) {
  afe_.clear_fault(kind);
  stimulus_applied();
}

void HilRig::force_charger_detect(std::optional<bool> level) {
  host_.force_gpio(BMS_GPIO_CHARGER_DETECT, level ? (*level ? 1 : 0) : -1);
}

bool HilRig::charger_detected() const {
  const models::PackState& s{pack_state()};
  return s.load_voltage_v > s.terminal_voltage_v + options_.charger_detect_margin_v;
}

// ---- Report ----

std::string HilRig::report(std::size_t last_log_lines) const {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "== rig at %.6f s: I = %.3f A, cells %.4f..%.4f V, FETs CHG %s DSG %s, port: %s\n",
                sim::to_seconds(clock_.now()), pack_state().pack_current_a, min_cell_v(), max_cell_v(),
                charge_fet_on() ? "on" : "off", discharge_fet_on() ? "on" : "off",
                models::describe(plant_.inputs().port).c_str());
  out += line;
  out += "== firmware log (last lines)\n";
  out += host_.log_text(last_log_lines);
  out += "== FET edges (last 20)\n";
  const std::deque<FetEdge>& edges{monitor_.fet_edges()};
  for (std::size_t i = edges.size() > 20 ? edges.size() - 20 : 0; i < edges.size(); ++i) {
    std::snprintf(line, sizeof line, "  %.6f s CHG %d DSG %d\n", sim::to_seconds(edges[i].time_ns),
                  edges[i].charge_on ? 1 : 0, edges[i].discharge_on ? 1 : 0);
    out += line;
  }
  out += "== plant trace (last 20 samples): t, I, Vterm, Vload, min/max cell V, min/max T, CHG, DSG\n";
  const std::deque<PlantSample>& samples{monitor_.samples()};
  for (std::size_t i = samples.size() > 20 ? samples.size() - 20 : 0; i < samples.size(); ++i) {
    const PlantSample& s{samples[i]};
    std::snprintf(line, sizeof line, "  %9.3f %8.3f %7.3f %7.3f %.4f %.4f %6.2f %6.2f %d %d\n", sim::to_seconds(s.time_ns),
                  s.current_a, s.terminal_v, s.load_v, s.min_cell_v, s.max_cell_v, s.min_temp_c, s.max_temp_c,
                  s.charge_on ? 1 : 0, s.discharge_on ? 1 : 0);
    out += line;
  }
  const InverterNode& inv{inverter_};
  if (inv.limits().seen()) {
    const pylon_limits& l{inv.limits().value};
    std::snprintf(line, sizeof line,
                  "== inverter: 0x351 at %.3f s: charge %.1f V %.1f A, discharge %.1f A %.1f V; 0x359 %02X %02X %02X %02X; "
                  "0x35C %02X; heartbeats sent %llu\n",
                  sim::to_seconds(inv.limits().time_ns), static_cast<double>(l.charge_voltage_limit_v),
                  static_cast<double>(l.charge_current_limit_a), static_cast<double>(l.discharge_current_limit_a),
                  static_cast<double>(l.discharge_voltage_limit_v), inv.alarms().value.protection,
                  inv.alarms().value.protection_ext, inv.alarms().value.warning, inv.alarms().value.warning_ext,
                  inv.request_flags().value, static_cast<unsigned long long>(inv.heartbeats_sent()));
    out += line;
  } else {
    out += "== inverter: nothing received from the BMS\n";
  }
  return out;
}

}  // namespace packsim::hil
