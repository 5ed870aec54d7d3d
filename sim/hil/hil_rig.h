#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bms_under_test/afe/bq76952.h"
#include "bms_under_test/afe/plant_coupling.h"
#include "bms_under_test/hal/firmware_loader.h"
#include "models/pack/pack.h"
#include "models/pack/pack_config.h"
#include "sim/clock/virtual_clock.h"
#include "sim/hil/afe_i2c_target.h"
#include "sim/hil/can_bus.h"
#include "sim/hil/config_eeprom.h"
#include "sim/hil/firmware_component.h"
#include "sim/hil/firmware_host.h"
#include "sim/hil/inverter_node.h"
#include "sim/hil/rig_monitor.h"
#include "sim/hil/service_tool.h"
#include "sim/plant/plant_component.h"
#include "sim/scheduler/scheduler.h"

namespace packsim::hil {

struct RigOptions {
  // The pack: a pack file, or a config given directly (wins when set).
  std::string pack_file{std::string{PACKSIM_PARAMS_DIR} + "/packs/lfp_16s1p.yaml"};
  std::optional<models::PackConfig> pack_config;
  std::optional<double> initial_soc;     // overrides the file's
  std::optional<double> initial_temp_c;  // overrides the file's
  std::optional<models::CellSpread> spread;  // hand-picked cells instead of the seeded spread
  double ambient_c{25.0};

  // Time resolution. The plant is integrated exactly between the instants it
  // is sampled: each of the chip's measurement loops, each change of its
  // inputs (load, FETs, balancing, faults, ambient) and at least every
  // plant_max_step_ns. The chip samples its pins with its conversions and
  // after stimuli, and also every afe_sample_period_ns when set.
  sim::TimeNs plant_max_step_ns{sim::kNsPerS};
  sim::TimeNs afe_sample_period_ns{sim::kNoEvent};
  sim::TimeNs trace_sample_period_ns{sim::kNsPerS};

  // The chip: seed of its converter errors and noise, and their sizes.
  std::uint64_t afe_seed{42};
  afe::AdcErrorConfig adc{};

  // The configuration EEPROM at 0x50: not fitted (NACK), blank (defaults), or
  // holding an image (e.g. config_eeprom_image() of reference_firmware.h).
  bool config_eeprom_fitted{true};
  std::vector<std::uint8_t> config_image{};

  FirmwareHost::Options host{};
  InverterNode::Options inverter{};
  bool inverter_heartbeat{true};
  ServiceTool::Options service{};
  // Charger detect GPIO: PACK+ (load side) this far above the stack.
  double charger_detect_margin_v{1.0};
  // The MCU's watchdog (FirmwareComponent); nullopt: the board has none.
  std::optional<sim::TimeNs> watchdog_ns;
};

// Held while a rig lives: a firmware linked into the process has one static
// context, so a second rig with the same firmware origin is refused.
class FirmwareOriginClaim {
 public:
  explicit FirmwareOriginClaim(std::string origin);
  FirmwareOriginClaim(const FirmwareOriginClaim&) = delete;
  FirmwareOriginClaim& operator=(const FirmwareOriginClaim&) = delete;
  ~FirmwareOriginClaim();

 private:
  std::string origin_;
};

// The whole loop on one virtual clock: the pack (plant), the bq76952 coupled
// to it, the firmware on its HAL host with the configuration EEPROM, the CAN
// bus with an inverter, and a JBD service tool on the UART.
//
// Priorities at each instant: plant (integrated up to the instant), AFE
// (samples it, runs its protections, drives the FETs), firmware, bus nodes,
// then the monitor. FET commands the firmware sends act on the plant at the
// instant of its tick. A linked-in firmware has one static context per
// process, so only one rig per firmware origin may live at a time.
class HilRig {
 public:
  static constexpr int kPlantPriority{0};
  static constexpr int kAfePriority{1};
  static constexpr int kFirmwarePriority{2};
  static constexpr int kBusPriority{3};
  static constexpr int kMonitorPriority{10};
  // A stimulus applied between runs reaches the chip's pins this much later
  // (the comparators are continuous; the emulation samples at instants).
  static constexpr sim::TimeNs kStimulusEdgeNs{sim::kNsPerUs};

  HilRig(RigOptions options, hal::Firmware firmware);
  HilRig(const HilRig&) = delete;
  HilRig& operator=(const HilRig&) = delete;
  ~HilRig() = default;

  // ---- Time ----
  sim::TimeNs now_ns() const { return clock_.now(); }
  void run_for(sim::TimeNs duration);
  void run_until_time(sim::TimeNs t);
  // Runs until condition() holds after an instant, at most `timeout`; the
  // instant it first held, or nullopt. Checked once before running too.
  std::optional<sim::TimeNs> run_until(const std::function<bool()>& condition, sim::TimeNs timeout);

  // ---- Stimuli, applied now ----
  void set_load(const models::PortModel& port);
  void set_ambient_c(double ambient_c);
  // Sets every cell's temperature in the plant state (a pack that has been
  // soaking somewhere), without changing the ambient.
  void set_cell_temperatures_c(double temp_c);
  void inject(const models::PlantFault& fault);
  void clear(models::PlantFaultKind kind, int cell);
  void inject(const afe::AfeFault& fault);
  void clear(afe::AfeFaultKind kind);
  void set_heartbeat(bool enabled) { inverter_.set_heartbeat_enabled(enabled); }
  // Forces the charger-detect input high or low; nullopt follows the plant again.
  void force_charger_detect(std::optional<bool> level);
  // Re-flash / power cycle of the BMS's MCU; the pack and the chip keep their state.
  void restart_firmware() { firmware_component_.restart(); }
  // Re-flash with another image, which boots now on the same board (HAL host,
  // EEPROM, bus); the pack and the chip keep their state. Refused like the
  // constructor when that image's origin already runs in another rig.
  void reflash(hal::Firmware firmware);

  // ---- Observation ----
  const models::PackState& pack_state() const { return plant_.state().pack; }
  double pack_current_a() const { return pack_state().pack_current_a; }
  double min_cell_v() const { return pack_state().group_voltage_v.minCoeff(); }
  double max_cell_v() const { return pack_state().group_voltage_v.maxCoeff(); }
  bool charge_fet_on() const { return plant_.inputs().path.charge_fet_on; }
  bool discharge_fet_on() const { return plant_.inputs().path.discharge_fet_on; }
  bool charger_detected() const;
  // Everything a failed assertion should print: firmware log, FET edges,
  // the plant trace, the inverter's view.
  std::string report(std::size_t last_log_lines = 60) const;

  const RigOptions& options() const { return options_; }
  const models::Pack& pack() const { return pack_; }
  sim::PlantComponent& plant() { return plant_; }
  afe::Bq76952& afe() { return afe_; }
  const afe::AfeWiring& wiring() const { return afe_component_.wiring(); }
  FirmwareHost& host() { return host_; }
  const FirmwareHost& host() const { return host_; }
  FirmwareComponent& firmware() { return firmware_component_; }
  const FirmwareComponent& firmware() const { return firmware_component_; }
  InverterNode& inverter() { return inverter_; }
  const InverterNode& inverter() const { return inverter_; }
  CanBus& can_bus() { return can_bus_; }
  const CanBus& can_bus() const { return can_bus_; }
  ConfigEeprom& eeprom() { return eeprom_; }
  RigMonitor& monitor() { return monitor_; }
  const RigMonitor& monitor() const { return monitor_; }
  ServiceTool& service() { return service_; }
  sim::Scheduler& scheduler() { return scheduler_; }

 private:
  static models::Pack make_pack(const RigOptions& options);
  void stimulus_applied();
  void drive_plant_from_afe();

  std::optional<FirmwareOriginClaim> origin_claim_;
  RigOptions options_;
  hal::Firmware firmware_;
  sim::VirtualClock clock_;
  sim::Scheduler scheduler_{clock_};
  models::Pack pack_;
  sim::PlantComponent plant_;
  afe::Bq76952 afe_;
  afe::AfeComponent afe_component_;
  CanBus can_bus_{clock_};
  ConfigEeprom eeprom_;
  AfeI2cTarget afe_target_{afe_};
  FirmwareHost host_;
  FirmwareComponent firmware_component_;
  InverterNode inverter_;
  RigMonitor monitor_;
  ServiceTool service_;
};

}  // namespace packsim::hil
