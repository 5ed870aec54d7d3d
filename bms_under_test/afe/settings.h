#pragma once

#include <array>
#include <cstdint>

#include "bms_under_test/afe/analog_inputs.h"
#include "bms_under_test/afe/data_memory.h"
#include "sim/clock/virtual_clock.h"

namespace packsim::afe {

// The data memory as the running firmware of the chip uses it: decoded into SI
// units and nanoseconds once, when the chip (re)starts operation (power-on,
// RESET, EXIT_CFGUPDATE), as the TRM says new settings take effect on exit of
// CONFIG_UPDATE mode (TRM 7.6 "CONFIG_UPDATE Mode").
struct ThermistorPinSettings {
  bool measured{false};    // PIN_FXN = 3 (ADCIN or thermistor)
  bool thermistor{false};  // OPT[1:0] != 0
  bool cell_temp{false};   // OPT[1:0] = 1: used for the cell temperature protections
  bool fet_temp{false};    // OPT[1:0] = 3: used for FET overtemperature
  std::uint8_t polynomial{0};  // OPT[3:2]: 0 18K model, 1 180K model, 2 custom, 3 raw counts
  double pullup_ohm{0.0};      // OPT[5:4]: 18 kOhm, 180 kOhm or none
};

struct Settings {
  // Units of the measurement registers (DA Configuration).
  double user_volts_v{0.01};
  double user_amps_a{0.001};
  bool internal_temp_is_cell{false};
  bool internal_temp_is_fet{false};
  // Calibration.
  std::array<std::int16_t, kCellInputs> cell_gain{};  // 0: factory trim
  std::int16_t vcell_offset_mv{0};
  std::uint16_t pack_gain{0};
  std::uint16_t tos_gain{0};
  std::uint16_t ld_gain{0};
  std::int16_t vdiv_offset{0};
  double cc_sense_ohm{1.0e-3};  // the resistance the chip divides by: 7.4768 mOhm / CC Gain
  std::int8_t internal_temp_offset_dc{0};
  std::array<std::int8_t, kThermistorPins> pin_temp_offset_dc{};
  std::array<ThermistorPinSettings, kThermistorPins> pins{};
  std::uint16_t used_cells{0xFFFF};  // Vcell Mode (0 = all 16)
  // Power Config.
  bool sleep_allowed_at_start{true};
  bool fast_adc{false};
  std::uint8_t loop_slow{0};
  std::uint8_t wake_speed{2};
  bool deepsleep_wake_on_ld{true};
  bool shutdown_ts2_disabled{false};
  // Communication.
  bool crc{false};
  std::uint8_t i2c_address7{0x08};
  // Protections.
  std::uint8_t enabled_a{0}, enabled_b{0}, enabled_c{0};
  std::uint8_t chg_fet_a{0}, chg_fet_b{0}, chg_fet_c{0};
  std::uint8_t dsg_fet_a{0}, dsg_fet_b{0}, dsg_fet_c{0};
  std::uint16_t protection_configuration{0};
  double cuv_threshold_v{0.0};
  sim::TimeNs cuv_delay_ns{0};
  double cuv_hysteresis_v{0.0};
  double cuv_recovery_v{0.0};  // threshold + hysteresis, computed in 50.6 mV steps
  double cov_threshold_v{0.0};
  sim::TimeNs cov_delay_ns{0};
  double cov_hysteresis_v{0.0};
  double cov_recovery_v{0.0};  // threshold - hysteresis
  std::uint8_t covl_limit{0};
  sim::TimeNs covl_dec_delay_ns{0};
  sim::TimeNs covl_recovery_ns{0};
  double occ_threshold_v{0.0};
  sim::TimeNs occ_delay_ns{0};
  double occ_recovery_a{0.0};
  double occ_pack_tos_delta_v{0.0};
  double ocd1_threshold_v{0.0};
  sim::TimeNs ocd1_delay_ns{0};
  double ocd2_threshold_v{0.0};
  sim::TimeNs ocd2_delay_ns{0};
  double ocd_recovery_a{0.0};
  double ocd3_threshold_a{0.0};
  sim::TimeNs ocd3_delay_ns{0};
  std::uint8_t ocdl_limit{0};
  sim::TimeNs ocdl_dec_delay_ns{0};
  sim::TimeNs ocdl_recovery_ns{0};
  double ocdl_recovery_a{0.0};
  double scd_threshold_v{0.0};
  sim::TimeNs scd_delay_ns{0};
  sim::TimeNs scd_recovery_ns{0};
  std::uint8_t scdl_limit{0};
  sim::TimeNs scdl_dec_delay_ns{0};
  sim::TimeNs scdl_recovery_ns{0};
  double scdl_recovery_a{0.0};
  double otc_c{0}, otc_recovery_c{0}, otd_c{0}, otd_recovery_c{0}, otf_c{0}, otf_recovery_c{0};
  double otint_c{0}, otint_recovery_c{0}, utc_c{0}, utc_recovery_c{0}, utd_c{0}, utd_recovery_c{0};
  double utint_c{0}, utint_recovery_c{0};
  sim::TimeNs otc_delay_ns{0}, otd_delay_ns{0}, otf_delay_ns{0}, otint_delay_ns{0};
  sim::TimeNs utc_delay_ns{0}, utd_delay_ns{0}, utint_delay_ns{0};
  sim::TimeNs recovery_ns{0};
  double body_diode_threshold_a{0.0};
  sim::TimeNs load_detect_active_ns{0};
  sim::TimeNs load_detect_retry_ns{0};
  // Alarms.
  std::uint16_t default_alarm_mask{0};
  std::uint8_t sf_alert_mask_a{0}, sf_alert_mask_b{0}, sf_alert_mask_c{0};
  // Power modes.
  double shutdown_cell_v{0.0};
  double shutdown_stack_v{0.0};
  sim::TimeNs low_v_shutdown_delay_ns{0};
  double sleep_current_a{0.0};
  sim::TimeNs sleep_voltage_time_ns{0};
  double wake_comparator_current_a{0.0};
  sim::TimeNs sleep_hysteresis_ns{0};
  double sleep_charger_voltage_v{0.0};
  double sleep_charger_delta_v{0.0};
  sim::TimeNs fet_off_delay_ns{0};
  sim::TimeNs shutdown_command_delay_ns{0};
  // FETs.
  std::uint8_t fet_options{0};
  std::uint16_t mfg_status_init{0};
  // Balancing.
  std::uint8_t balancing_configuration{0};
  double cb_min_cell_temp_c{0.0};
  double cb_max_cell_temp_c{0.0};
  double cb_max_internal_temp_c{0.0};
  std::uint8_t cb_max_cells{0};
};

Settings decode_settings(const DataMemory& memory);

// Protection delay in 3.3 ms units with a 6.6 ms offset: 3.3 ms x (2 + setting)
// for CUV, COV, OCC, OCD1, OCD2 (TRM 5.2.4-5.2.8); a setting of 0 disables.
constexpr sim::TimeNs comparator_delay_ns(unsigned setting) {
  return setting == 0 ? sim::kNoEvent : static_cast<sim::TimeNs>(setting + 2) * 3'300'000;
}
// SCD delay: 1 = no added delay, otherwise (setting - 1) x 15 us (TRM 13 "Protections:SCD:Delay").
constexpr sim::TimeNs scd_delay_ns(unsigned setting) {
  return setting <= 1 ? 0 : static_cast<sim::TimeNs>(setting - 1) * 15'000;
}
// SCD thresholds, mV across the sense resistor (TRM 5.2.6).
inline constexpr std::array<double, 16> kScdThresholdsMv{10,  20,  40,  60,  80,  100, 125, 150,
                                                         175, 200, 250, 300, 350, 400, 450, 500};
// CUV/COV threshold and hysteresis step, 50.6 mV (TRM 5.2.4-5.2.5). Computed
// from whole steps in tenths of a millivolt so sums of steps stay exact.
constexpr double cell_threshold_v(int steps) { return steps * 506 / 10000.0; }

// FET Options bits (TRM 13 "Settings:FET:FET Options").
namespace fet_options {
inline constexpr std::uint8_t kSfet{1U << 0};
inline constexpr std::uint8_t kSleepChg{1U << 1};
inline constexpr std::uint8_t kHostFetEn{1U << 2};
inline constexpr std::uint8_t kFetCtrlEn{1U << 3};
inline constexpr std::uint8_t kPdsgEn{1U << 4};
inline constexpr std::uint8_t kFetInitOff{1U << 5};
}  // namespace fet_options

// Balancing Configuration bits (TRM 13 "Settings:Cell Balancing Config").
namespace balancing_configuration {
inline constexpr std::uint8_t kCbChg{1U << 0};
inline constexpr std::uint8_t kCbRlx{1U << 1};
inline constexpr std::uint8_t kCbSleep{1U << 2};
inline constexpr std::uint8_t kCbNoSleep{1U << 3};
inline constexpr std::uint8_t kCbNoCmd{1U << 4};
}  // namespace balancing_configuration

// Protection Configuration bits (TRM 13 "Settings:Protection:Protection Configuration").
namespace protection_configuration {
inline constexpr std::uint16_t kOcdlCurrentRecovery{1U << 9};
inline constexpr std::uint16_t kScdlCurrentRecovery{1U << 10};
}  // namespace protection_configuration

}  // namespace packsim::afe
