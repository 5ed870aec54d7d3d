#include "bms_under_test/afe/settings.h"

#include <algorithm>

namespace packsim::afe {

namespace {

constexpr sim::TimeNs seconds_ns(double s) { return static_cast<sim::TimeNs>(s * static_cast<double>(sim::kNsPerS)); }

}  // namespace

Settings decode_settings(const DataMemory& m) {
  Settings s;
  // DA Configuration: USER_AMPS[1:0] = 0.1 / 1 / 10 / 100 mA, USER_VOLTS_CV = 10 mV
  // (else 1 mV), TINT_EN, TINT_FETT (TRM 13 "Settings:Configuration:DA Configuration").
  const std::uint8_t da{m.u1(dm::kDaConfiguration)};
  constexpr double kUserAmps[4]{1e-4, 1e-3, 1e-2, 1e-1};
  s.user_amps_a = kUserAmps[da & 0x3U];
  s.user_volts_v = (da & 0x4U) != 0 ? 0.01 : 0.001;
  const bool tint_en{(da & 0x8U) != 0};
  const bool tint_fett{(da & 0x10U) != 0};
  s.internal_temp_is_cell = tint_en && !tint_fett;
  s.internal_temp_is_fet = tint_en && tint_fett;

  for (std::size_t k = 0; k < kCellInputs; ++k) {
    s.cell_gain[k] = m.i2(static_cast<std::uint16_t>(dm::kCell1Gain + 2 * k));
  }
  s.vcell_offset_mv = m.i2(dm::kVcellOffset);
  s.pack_gain = m.u2(dm::kPackGain);
  s.tos_gain = m.u2(dm::kTosGain);
  s.ld_gain = m.u2(dm::kLdGain);
  s.vdiv_offset = m.i2(dm::kVdivOffset);
  s.cc_sense_ohm = 7.4768e-3 / static_cast<double>(m.f4(dm::kCcGain));
  s.internal_temp_offset_dc = m.i1(dm::kInternalTempOffset);
  for (std::size_t p = 0; p < kThermistorPins; ++p) {
    s.pin_temp_offset_dc[p] = m.i1(static_cast<std::uint16_t>(dm::kCfetoffTempOffset + p));
    // Pin config: PIN_FXN[1:0], OPT[1:0] measurement type, OPT[3:2] polynomial,
    // OPT[5:4] pull-up (TRM 13 "Settings:Configuration:TS1 Config").
    const std::uint8_t config{m.u1(static_cast<std::uint16_t>(dm::kCfetoffPinConfig + p))};
    ThermistorPinSettings& pin{s.pins[p]};
    pin.measured = (config & 0x3U) == 0x3U;
    const unsigned type{(config >> 2U) & 0x3U};
    pin.thermistor = pin.measured && type != 0;
    pin.cell_temp = pin.thermistor && type == 1;
    pin.fet_temp = pin.thermistor && type == 3;
    pin.polynomial = static_cast<std::uint8_t>((config >> 4U) & 0x3U);
    const unsigned pullup{(config >> 6U) & 0x3U};
    pin.pullup_ohm = !pin.thermistor ? 0.0 : (pullup == 0 ? 18'000.0 : (pullup == 1 ? 180'000.0 : 0.0));
  }
  const std::uint16_t vcell_mode{m.u2(dm::kVcellMode)};
  s.used_cells = vcell_mode == 0 ? 0xFFFF : vcell_mode;

  // Power Config (TRM 13 "Settings:Configuration:Power Config").
  const std::uint16_t power{m.u2(dm::kPowerConfig)};
  s.wake_speed = static_cast<std::uint8_t>(power & 0x3U);
  s.loop_slow = static_cast<std::uint8_t>((power >> 2U) & 0x3U);
  s.fast_adc = (power & (1U << 6U)) != 0;
  s.sleep_allowed_at_start = (power & (1U << 8U)) != 0;
  s.deepsleep_wake_on_ld = (power & (1U << 11U)) != 0;
  s.shutdown_ts2_disabled = (power & (1U << 12U)) != 0;

  // Comm Type 0x11 / 0x12 / 0x1E..: I2C with CRC (TRM 13 "Settings:Configuration:Comm Type").
  const std::uint8_t comm{m.u1(dm::kCommType)};
  s.crc = comm == 0x11 || comm == 0x12;
  const std::uint8_t address{m.u1(dm::kI2cAddress)};
  s.i2c_address7 = address == 0 ? 0x08 : static_cast<std::uint8_t>(address >> 1U);  // stored as the write address

  s.enabled_a = m.u1(dm::kEnabledProtectionsA);
  s.enabled_b = m.u1(dm::kEnabledProtectionsB);
  s.enabled_c = m.u1(dm::kEnabledProtectionsC);
  s.chg_fet_a = m.u1(dm::kChgFetProtectionsA);
  s.chg_fet_b = m.u1(dm::kChgFetProtectionsB);
  s.chg_fet_c = m.u1(dm::kChgFetProtectionsC);
  s.dsg_fet_a = m.u1(dm::kDsgFetProtectionsA);
  s.dsg_fet_b = m.u1(dm::kDsgFetProtectionsB);
  s.dsg_fet_c = m.u1(dm::kDsgFetProtectionsC);
  s.protection_configuration = m.u2(dm::kProtectionConfiguration);

  const int cuv{m.u1(dm::kCuvThreshold)};
  const int cuv_hys{m.u1(dm::kCuvRecoveryHysteresis)};
  const int cov{m.u1(dm::kCovThreshold)};
  const int cov_hys{m.u1(dm::kCovRecoveryHysteresis)};
  s.cuv_threshold_v = cell_threshold_v(cuv);
  s.cuv_delay_ns = comparator_delay_ns(m.u2(dm::kCuvDelay));
  s.cuv_hysteresis_v = cell_threshold_v(cuv_hys);
  s.cuv_recovery_v = cell_threshold_v(cuv + cuv_hys);
  s.cov_threshold_v = cell_threshold_v(cov);
  s.cov_delay_ns = comparator_delay_ns(m.u2(dm::kCovDelay));
  s.cov_hysteresis_v = cell_threshold_v(cov_hys);
  s.cov_recovery_v = cell_threshold_v(cov - cov_hys);
  s.covl_limit = m.u1(dm::kCovlLatchLimit);
  s.covl_dec_delay_ns = seconds_ns(m.u1(dm::kCovlCounterDecDelay));
  s.covl_recovery_ns = seconds_ns(m.u1(dm::kCovlRecoveryTime));

  // OCC/OCD thresholds in 2 mV units across the sense resistor (TRM 5.2.7-5.2.8).
  s.occ_threshold_v = m.u1(dm::kOccThreshold) * 2 / 1000.0;
  s.occ_delay_ns = comparator_delay_ns(m.u1(dm::kOccDelay));
  s.occ_recovery_a = m.i2(dm::kOccRecoveryThreshold) * 1e-3;
  s.occ_pack_tos_delta_v = m.i2(dm::kOccPackTosDelta) * 0.01;
  s.ocd1_threshold_v = m.u1(dm::kOcd1Threshold) * 2 / 1000.0;
  s.ocd1_delay_ns = comparator_delay_ns(m.u1(dm::kOcd1Delay));
  s.ocd2_threshold_v = m.u1(dm::kOcd2Threshold) * 2 / 1000.0;
  s.ocd2_delay_ns = comparator_delay_ns(m.u1(dm::kOcd2Delay));
  s.ocd_recovery_a = m.i2(dm::kOcdRecoveryThreshold) * 1e-3;
  s.ocd3_threshold_a = m.i2(dm::kOcd3Threshold) * s.user_amps_a;
  s.ocd3_delay_ns = seconds_ns(m.u1(dm::kOcd3Delay));
  s.ocdl_limit = m.u1(dm::kOcdlLatchLimit);
  s.ocdl_dec_delay_ns = seconds_ns(m.u1(dm::kOcdlCounterDecDelay));
  s.ocdl_recovery_ns = seconds_ns(m.u1(dm::kOcdlRecoveryTime));
  s.ocdl_recovery_a = m.i2(dm::kOcdlRecoveryThreshold) * 1e-3;
  s.scd_threshold_v = kScdThresholdsMv[std::min<unsigned>(m.u1(dm::kScdThreshold), 15U)] / 1000.0;
  s.scd_delay_ns = scd_delay_ns(m.u1(dm::kScdDelay));
  s.scd_recovery_ns = seconds_ns(m.u1(dm::kScdRecoveryTime));
  s.scdl_limit = m.u1(dm::kScdlLatchLimit);
  s.scdl_dec_delay_ns = seconds_ns(m.u1(dm::kScdlCounterDecDelay));
  s.scdl_recovery_ns = seconds_ns(m.u1(dm::kScdlRecoveryTime));
  s.scdl_recovery_a = m.i2(dm::kScdlRecoveryThreshold) * 1e-3;

  s.otc_c = m.i1(dm::kOtcThreshold);
  s.otc_delay_ns = seconds_ns(m.u1(dm::kOtcDelay));
  s.otc_recovery_c = m.i1(dm::kOtcRecovery);
  s.otd_c = m.i1(dm::kOtdThreshold);
  s.otd_delay_ns = seconds_ns(m.u1(dm::kOtdDelay));
  s.otd_recovery_c = m.i1(dm::kOtdRecovery);
  s.otf_c = m.u1(dm::kOtfThreshold);
  s.otf_delay_ns = seconds_ns(m.u1(dm::kOtfDelay));
  s.otf_recovery_c = m.u1(dm::kOtfRecovery);
  s.otint_c = m.i1(dm::kOtintThreshold);
  s.otint_delay_ns = seconds_ns(m.u1(dm::kOtintDelay));
  s.otint_recovery_c = m.i1(dm::kOtintRecovery);
  s.utc_c = m.i1(dm::kUtcThreshold);
  s.utc_delay_ns = seconds_ns(m.u1(dm::kUtcDelay));
  s.utc_recovery_c = m.i1(dm::kUtcRecovery);
  s.utd_c = m.i1(dm::kUtdThreshold);
  s.utd_delay_ns = seconds_ns(m.u1(dm::kUtdDelay));
  s.utd_recovery_c = m.i1(dm::kUtdRecovery);
  s.utint_c = m.i1(dm::kUtintThreshold);
  s.utint_delay_ns = seconds_ns(m.u1(dm::kUtintDelay));
  s.utint_recovery_c = m.i1(dm::kUtintRecovery);
  s.recovery_ns = seconds_ns(m.u1(dm::kRecoveryTime));
  s.body_diode_threshold_a = m.i2(dm::kBodyDiodeThreshold) * 1e-3;
  s.load_detect_active_ns = seconds_ns(m.u1(dm::kLoadDetectActiveTime));
  s.load_detect_retry_ns = seconds_ns(m.u1(dm::kLoadDetectRetryDelay));

  s.default_alarm_mask = m.u2(dm::kDefaultAlarmMask);
  s.sf_alert_mask_a = m.u1(dm::kSfAlertMaskA);
  s.sf_alert_mask_b = m.u1(dm::kSfAlertMaskB);
  s.sf_alert_mask_c = m.u1(dm::kSfAlertMaskC);

  // Power (TRM 13 "Power:Shutdown", "Power:Sleep"). Stack-side voltages in 10 mV.
  s.shutdown_cell_v = m.i2(dm::kShutdownCellVoltage) * 1e-3;
  s.shutdown_stack_v = m.i2(dm::kShutdownStackVoltage) * 0.01;
  s.low_v_shutdown_delay_ns = seconds_ns(m.u1(dm::kLowVShutdownDelay));
  s.sleep_current_a = m.i2(dm::kSleepCurrent) * 1e-3;
  s.sleep_voltage_time_ns = seconds_ns(m.u1(dm::kSleepVoltageTime));
  s.wake_comparator_current_a = m.i2(dm::kWakeComparatorCurrent) * 1e-3;
  s.sleep_hysteresis_ns = seconds_ns(m.u1(dm::kSleepHysteresisTime));
  s.sleep_charger_voltage_v = m.i2(dm::kSleepChargerVoltageThreshold) * 0.01;
  s.sleep_charger_delta_v = m.i2(dm::kSleepChargerPackTosDelta) * 0.01;
  s.fet_off_delay_ns = seconds_ns(0.25 * m.u1(dm::kFetOffDelay));
  s.shutdown_command_delay_ns = seconds_ns(0.25 * m.u1(dm::kShutdownCommandDelay));

  s.fet_options = m.u1(dm::kFetOptions);
  s.mfg_status_init = m.u2(dm::kMfgStatusInit);

  s.balancing_configuration = m.u1(dm::kBalancingConfiguration);
  s.cb_min_cell_temp_c = m.i1(dm::kCbMinCellTemp);
  s.cb_max_cell_temp_c = m.i1(dm::kCbMaxCellTemp);
  s.cb_max_internal_temp_c = m.i1(dm::kCbMaxInternalTemp);
  s.cb_max_cells = m.u1(dm::kCbMaxCells);
  return s;
}

}  // namespace packsim::afe
