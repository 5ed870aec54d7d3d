#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "bms_under_test/afe/adc.h"
#include "bms_under_test/afe/afe_fault.h"
#include "bms_under_test/afe/analog_inputs.h"
#include "bms_under_test/afe/data_memory.h"
#include "bms_under_test/afe/protections.h"
#include "bms_under_test/afe/register_map.h"
#include "common/seeded_rng.h"
#include "bms_under_test/afe/settings.h"
#include "bms_under_test/afe/thermistor.h"
#include "sim/clock/virtual_clock.h"

namespace packsim::afe {

// Outcome of one I2C transaction, as the controller sees it.
struct I2cStatus {
  enum class Kind : std::uint8_t {
    kAck,          // every byte acknowledged
    kAddressNack,  // nobody answered the address byte (wrong address, chip off or in SHUTDOWN)
    kDataNack,     // the chip NACKed byte `byte_index` of the data (register or data byte, or a bad CRC)
  };
  Kind kind{Kind::kAck};
  std::size_t byte_index{0};

  bool ok() const { return kind == Kind::kAck; }
  static I2cStatus ack() { return {}; }
  static I2cStatus address_nack() { return {Kind::kAddressNack, 0}; }
  static I2cStatus data_nack(std::size_t index) { return {Kind::kDataNack, index}; }
};

enum class PowerMode : std::uint8_t { kNormal, kSleep, kDeepSleep, kShutdown };

// The chip's own rates (datasheet SLUSE13 and TRM SLUUBY2).
namespace timing {
// A measurement slot (datasheet 10.1.1): 3 ms, or 1.5 ms with FASTADC. CC2 converts once a slot.
inline constexpr sim::TimeNs kSlotNs{3 * sim::kNsPerMs};
// CC1 conversion in NORMAL mode (datasheet 7.16): sleep entry and OCD3 use it.
inline constexpr sim::TimeNs kCc1PeriodNs{250 * sim::kNsPerMs};
// Wake comparator interval 12 ms at the default WK_SPD = 2 (datasheet 7.18); the
// other WK_SPD settings are taken as doubling/halving it (not confirmed in the TRM).
inline constexpr sim::TimeNs kWakeCheckBaseNs{48 * sim::kNsPerMs};
// DEEPSLEEP() (and SHUTDOWN()) twice in a row within this window (TRM 7.4).
inline constexpr sim::TimeNs kDoubleCommandWindowNs{4 * sim::kNsPerS};
// After DEEPSLEEP the chip takes ~250 ms before its first loop (TRM 7.4).
inline constexpr sim::TimeNs kDeepSleepExitNs{250 * sim::kNsPerMs};
}  // namespace timing

// Everything about one chip on one board that does not change as it runs.
struct Bq76952Config {
  std::uint64_t seed{1};
  AdcErrorConfig adc{};
  NtcModel board_ntc{};        // the thermistors fitted on the board
  NtcModel chip_ntc_model{};   // the part the chip's 18K Temperature Model is fitted to (103AT)
  // Settings programmed into the chip's OTP on the production line: applied over
  // the defaults at every power-on and RESET (datasheet 9.2).
  std::vector<std::pair<std::uint16_t, double>> otp{};
  // Time a subcommand takes before 0x3E/0x3F read back its code (0xFF meanwhile).
  // The TRM lists per-command times; 0 makes every command complete at once.
  sim::TimeNs subcommand_latency_ns{0};
  // Supply thresholds (datasheet 7.3; typical or mid-range values).
  double por_rising_v{3.5};      // VPORA 3..4 V: mid-range chosen
  double por_hysteresis_v{0.18};  // VPORA_HYS typical
  double wake_on_ld_v{1.45};     // VWAKEONLD typical
  // Load detect: the LD pull-up current and the level that means "load removed" (datasheet 7.7, 11.6).
  double load_detect_current_a{100e-6};
  double load_detect_v{4.0};
};

// A pending SHUTDOWN sequence (TRM 7.5 "SHUTDOWN Mode").
struct ShutdownSequence {
  bool active{false};
  sim::TimeNs fets_off_at_ns{sim::kNoEvent};
  sim::TimeNs enter_at_ns{sim::kNoEvent};
};

// All that changes as the chip runs (the context). Copyable: a run can be
// snapshotted and replayed.
struct Bq76952State {
  sim::TimeNs now_ns{0};
  bool powered{true};
  sim::TimeNs brownout_until_ns{sim::kNoEvent};
  PowerMode mode{PowerMode::kNormal};
  bool config_update{false};
  bool init_complete{false};  // first measurement loop after boot / DEEPSLEEP exit done
  DataMemory data_memory{};
  Settings settings{};
  bool crc{false};  // the active bus mode (Comm Type applies at reset / SWAP_COMM_MODE)
  std::uint8_t i2c_address7{0x08};

  AnalogInputs pins{};     // as last given to advance_to, held until the next call
  bool pins_given{false};
  AdcInputs converter_in{};  // pins after the chip-side faults, at now_ns
  AdcResults adc{};
  // Thermistor pins in degC from the last scan's counts (the log is costly).
  std::array<double, kThermistorPins> pin_temp_c{};
  SeededRng noise{0};
  SeededRng bus{0};

  // Schedules.
  sim::TimeNs next_cc2_ns{sim::kNoEvent};
  sim::TimeNs next_scan_ns{sim::kNoEvent};
  sim::TimeNs next_cc1_ns{sim::kNoEvent};
  sim::TimeNs next_wake_check_ns{sim::kNoEvent};
  sim::TimeNs cc1_window_start_ns{0};
  sim::TimeNs cc1_accumulated_to_ns{0};
  double cc1_sense_vs{0.0};  // integral of SRP-SRN over the CC1 window
  double cc1_current_a{0.0};  // + charging

  // Protections, with their timings as the settings decode them.
  std::array<ProtectionTimer, kProtectionCount> protection{};
  std::array<ProtectionTiming, kProtectionCount> protection_times{};
  std::array<bool, kProtectionCount> protection_on{};
  LatchCounter covl{};
  LatchCounter ocdl{};
  LatchCounter scdl{};
  sim::TimeNs next_load_detect_ns{sim::kNoEvent};
  std::array<std::uint8_t, 3> safety_alert{};
  std::array<std::uint8_t, 3> safety_status{};

  // FETs.
  std::uint16_t mfg_status{0};
  std::uint8_t host_fet_off{0};  // FET_CONTROL bits
  std::uint16_t fet_test{0};     // CHG/DSG/PCHG/PDSG test bits (FET test mode, FET_EN = 0)
  bool chg_on{false};
  bool dsg_on{false};
  bool pchg_on{false};
  bool pdsg_on{false};

  // Balancing.
  std::uint16_t cb_active_cells{0};  // as the host set it (CB_ACTIVE_CELLS)
  std::uint16_t balancing_mask{0};   // switches closed now
  sim::TimeNs balancing_since_ns{sim::kNoEvent};

  // Power modes.
  bool sleep_allowed{true};  // Battery Status[SLEEP_EN]
  sim::TimeNs sleep_blocked_until_ns{0};
  sim::TimeNs deepsleep_first_command_ns{sim::kNoEvent};
  sim::TimeNs shutdown_first_command_ns{sim::kNoEvent};
  ShutdownSequence shutdown{};
  sim::TimeNs low_voltage_since_ns{sim::kNoEvent};
  bool ld_above_wake{false};

  // Status bits.
  bool shutv{false};
  bool por{true};
  bool wd{false};
  std::uint16_t alarm_status{0};
  std::uint16_t alarm_enable{0};
  std::uint16_t alarm_raw{0};
  std::uint16_t alarm_pulses{0};  // event bits raised since the last alarm update

  // Subcommand transfer area.
  std::uint16_t subcommand{0};
  std::array<std::uint8_t, 32> transfer{};
  std::uint8_t transfer_checksum{0};
  std::uint8_t transfer_length{0};
  sim::TimeNs subcommand_busy_until_ns{0};
  bool control_status_echo{false};
  std::uint16_t last_subcommand_executed{0};

  // Bus.
  std::uint8_t register_pointer{0};

  // Chip-side faults.
  std::array<double, kCellInputs + 1> open_wire_drift_v_per_s{};  // per VC pin, 0 = intact
  std::array<sim::TimeNs, kCellInputs + 1> open_wire_since_ns{};
  std::uint32_t stuck_channels{0};
  std::uint16_t ntc_open{0};
  std::uint16_t ntc_short{0};
  I2cBusErrors bus_errors{};
};

// TI bq76952 16-cell battery monitor and protector, emulated at register level
// (datasheet SLUSE13, TRM SLUUBY2) in virtual time. The host talks to it over
// I2C transactions exactly as a firmware talks to the real chip; the plant
// drives its pins through advance_to.
class Bq76952 {
 public:
  explicit Bq76952(Bq76952Config config = {});

  const Bq76952Config& config() const { return config_; }
  const Bq76952State& state() const { return state_; }

  sim::TimeNs now_ns() const { return state_.now_ns; }
  // The next conversion, protection deadline or timer, kNoEvent if none. Always
  // later than now_ns() once advance_to has returned.
  sim::TimeNs next_event_ns() const;
  // Runs everything due up to and including t. The pins hold their previous
  // values until t (internal events before t see those) and take `pins` at t.
  void advance_to(sim::TimeNs t, const AnalogInputs& pins);

  // I2C target at 7-bit address 0x08. write: register address then data bytes
  // (auto-increment). read: bytes from the register pointer (set by the last
  // write), as after a repeated start. In CRC mode every data byte is followed
  // by its CRC both ways.
  I2cStatus write(std::uint8_t address7, const std::uint8_t* data, std::size_t n);
  I2cStatus read(std::uint8_t address7, std::uint8_t* out, std::size_t n);

  AfeOutputs outputs() const;
  PowerMode power_mode() const { return state_.mode; }
  bool powered() const { return state_.powered; }
  const DataMemory& data_memory() const { return state_.data_memory; }
  const Settings& settings() const { return state_.settings; }

  // A direct command's value as the host would read it, without the bus.
  std::uint32_t register_value(std::uint8_t command) const;

  void inject(const AfeFault& fault);
  void clear_fault(AfeFaultKind kind);

 private:
  // Time.
  sim::TimeNs compute_next_event_ns() const;
  // Something other than time passing changed the chip (a bus write, a fault):
  // the next instant runs everything, even with unchanged pins.
  void mark_changed() {
    next_event_valid_ = false;
    changed_since_process_ = true;
  }
  void process();
  void accumulate_cc1(sim::TimeNs to_ns);
  void update_converter_inputs();
  sim::TimeNs loop_period_ns() const;
  sim::TimeNs slot_period_ns() const;
  sim::TimeNs wake_check_period_ns() const;
  void schedule_normal_measurements(sim::TimeNs first_scan_ns);
  struct MeasurementTicks {
    bool scanned{false};
    bool cc1_updated{false};
  };
  MeasurementTicks run_measurements();
  // Computes the latest CC2 conversion at or before up_to_ns if it is not yet.
  void catch_up_cc2(sim::TimeNs up_to_ns);
  bool cc2_drives_decisions() const;
  void update_thermistor_inputs();
  void refresh_pin_temperatures();
  // Power and modes.
  void power_on_reset();
  void power_off();
  void enter_sleep();
  void exit_sleep();
  void enter_deepsleep();
  void exit_deepsleep();
  void start_shutdown(bool skip_delays);
  void enter_shutdown();
  void update_power_modes(const MeasurementTicks& ticks);
  void apply_settings();
  // Protections, FETs, balancing, alarms.
  void evaluate_protections();
  void evaluate_latches();
  void on_trip(ProtectionId id);
  std::uint8_t chg_protection_block() const;
  std::uint8_t dsg_protection_block() const;
  bool latch_base_condition(const LatchCounter& latch) const;
  void update_fets();
  void update_balancing();
  void update_alarms();
  void refresh_outputs();
  bool measuring() const;
  bool protections_running() const;
  double cc2_current_a() const;
  double pin_temperature_c(std::size_t pin) const;
  bool cell_temperature_range(double& min_c, double& max_c) const;
  bool fet_temperature_max(double& max_c) const;
  double die_temperature_c() const;
  // Bus.
  bool responds_to(std::uint8_t address7) const;
  bool draw_nack();
  std::uint8_t maybe_corrupt(std::uint8_t byte);
  std::uint8_t read_command_byte(std::uint8_t command);
  bool write_command_byte(std::uint8_t command, std::uint8_t value);
  std::uint32_t value_of(const RegisterSpec& spec) const;
  // Subcommands.
  void on_subcommand(std::uint16_t code);
  void on_transfer_length(std::uint8_t length);
  void respond(const std::uint8_t* data, std::size_t n);
  void respond_u16(std::uint16_t value);
  void execute_command_only(std::uint16_t code);
  bool host_fet_control_allowed() const;

  Bq76952Config config_;
  AdcModel adc_model_;
  Bq76952State state_;
  // next_event_ns() is asked at every instant and scans every timer: kept
  // until the chip changes.
  mutable sim::TimeNs next_event_cache_{sim::kNoEvent};
  mutable bool next_event_valid_{false};
  bool changed_since_process_{true};
};

}  // namespace packsim::afe
