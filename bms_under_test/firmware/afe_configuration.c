/*
 * afe_configuration.c: see afe_configuration.h. Field units and ranges are
 * those of TRM SLUUBY2 section 13 (Data Memory), quoted beside each setting.
 */
#include "bms_under_test/firmware/afe_configuration.h"

#include "bms_under_test/firmware/afe_cell_map.h"
#include "bms_under_test/firmware/bq76952_registers.h"

/* Protections:SCD:Threshold enum, mV across the sense resistor (TRM 13.6). */
static const uint16_t short_circuit_threshold_mv[BQ76952_SCD_THRESHOLD_COUNT] = {
    10u, 20u, 40u, 60u, 80u, 100u, 125u, 150u, 175u, 200u, 250u, 300u, 350u, 400u, 450u, 500u};

static uint32_t clamp_u32(uint32_t value, uint32_t low, uint32_t high) {
  return value < low ? low : (value > high ? high : value);
}

uint8_t afe_encode_cell_threshold(uint32_t threshold_mv, uint8_t code_min, uint8_t code_max) {
  /* 50.6 mV units, rounded to the nearest code. */
  const uint32_t code = (threshold_mv * 1000u + BQ76952_CELL_THRESHOLD_LSB_UV / 2u) / BQ76952_CELL_THRESHOLD_LSB_UV;
  return (uint8_t)clamp_u32(code, code_min, code_max);
}

uint16_t afe_encode_cell_delay(uint32_t delay_ms) {
  /* 3.3 ms units (TRM: Protections:CUV:Delay, COV:Delay, U2 1..2047). */
  const uint32_t code = (delay_ms * 10u + 16u) / 33u;
  return (uint16_t)clamp_u32(code, 1u, BQ76952_CELL_DELAY_MAX);
}

static uint32_t sense_voltage_uv(uint32_t current_ma, uint32_t sense_resistor_micro_ohm) {
  /* mA x uOhm = nV; done once at boot, so the 64-bit product costs nothing. */
  return (uint32_t)(((uint64_t)current_ma * sense_resistor_micro_ohm) / 1000u);
}

uint8_t afe_encode_current_threshold(uint32_t current_ma, uint32_t sense_resistor_micro_ohm, uint8_t code_max) {
  /* 2 mV units across the sense resistor (OCC: 2..62, OCD1: 2..100). */
  const uint32_t code = (sense_voltage_uv(current_ma, sense_resistor_micro_ohm) + BQ76952_CURRENT_THRESHOLD_LSB_UV / 2u) /
                        BQ76952_CURRENT_THRESHOLD_LSB_UV;
  return (uint8_t)clamp_u32(code, 2u, code_max);
}

uint8_t afe_encode_current_delay(uint32_t delay_ms) {
  /* 3.3 ms units with a 6.6 ms offset: 1 = 10 ms, 2 = 13.3 ms ... (U1 1..127). */
  const uint32_t tenths_ms = delay_ms * 10u;
  const uint32_t code = tenths_ms <= 66u ? 1u : (tenths_ms - 66u + 16u) / 33u;
  return (uint8_t)clamp_u32(code, 1u, BQ76952_CURRENT_DELAY_MAX);
}

uint8_t afe_encode_short_circuit_threshold(uint32_t current_ma, uint32_t sense_resistor_micro_ohm) {
  /* The highest step that does not exceed the requested current (never looser). */
  const uint32_t wanted_uv = sense_voltage_uv(current_ma, sense_resistor_micro_ohm);
  uint8_t index = 0u;
  for (uint8_t i = 0u; i < BQ76952_SCD_THRESHOLD_COUNT; ++i) {
    if ((uint32_t)short_circuit_threshold_mv[i] * 1000u <= wanted_uv) {
      index = i;
    }
  }
  return index;
}

uint8_t afe_encode_short_circuit_delay(uint32_t delay_us) {
  /* 1 = no delay, n = (n - 1) x 15 us (U1 1..31). */
  const uint32_t code = (delay_us + BQ76952_SCD_DELAY_STEP_US / 2u) / BQ76952_SCD_DELAY_STEP_US + 1u;
  return (uint8_t)clamp_u32(code, 1u, BQ76952_SCD_DELAY_MAX);
}

static uint16_t encode_temperature_c(int32_t temperature_c) {
  /* I1: one two's-complement byte. */
  const int32_t clamped = temperature_c < -40 ? -40 : (temperature_c > 120 ? 120 : temperature_c);
  return (uint16_t)(clamped < 0 ? (uint32_t)(clamped + 256) : (uint32_t)clamped);
}

static void add_setting(afe_configuration *configuration, uint16_t address, uint8_t size, uint32_t value) {
  if (configuration->setting_count < AFE_CONFIGURATION_MAX_SETTINGS) {
    afe_setting *setting = &configuration->settings[configuration->setting_count++];
    setting->address = address;
    setting->size = size;
    setting->value = (uint16_t)(value & 0xFFFFu);
  }
}

static uint32_t thermistor_config(const bms_config *config, uint32_t pin_bit) {
  return (config->thermistor_pin_mask & pin_bit) != 0u ? BQ76952_TS_CONFIG_CELL_THERMISTOR : BQ76952_TS_CONFIG_UNUSED;
}

void afe_configuration_start(afe_configuration *configuration, const bms_config *config) {
  *configuration = (afe_configuration){0};
  configuration->phase = AFE_CONFIGURATION_FETS_OFF;
  afe_configuration *c = configuration;
  const uint32_t r_sense = config->sense_resistor_micro_ohm;
  const uint32_t recovery_c = config->afe_temperature_recovery_hysteresis_c;

  /* Settings:Configuration (TRM 13.3) */
  add_setting(c, BQ76952_DM_DA_CONFIGURATION, 1u, config->afe_da_configuration);
  add_setting(c, BQ76952_DM_VCELL_MODE, 2u, afe_vcell_mode(config->cell_count));
  add_setting(c, BQ76952_DM_TS1_CONFIG, 1u, thermistor_config(config, 0x1u));
  add_setting(c, BQ76952_DM_TS2_CONFIG, 1u, thermistor_config(config, 0x2u));
  add_setting(c, BQ76952_DM_TS3_CONFIG, 1u, thermistor_config(config, 0x4u));
  /* Settings:FET:FET Options (TRM 13.3) */
  add_setting(c, BQ76952_DM_FET_OPTIONS, 1u, config->afe_fet_options);
  /* Settings:Cell Balancing Config:Cell Balance Max Cells (TRM 13.3): the
   * default of 1 would refuse the host's multi-cell CB_ACTIVE_CELLS. */
  add_setting(c, BQ76952_DM_CELL_BALANCE_MAX_CELLS, 1u, config->balancing_max_cells);
  /* Settings:Protection:Enabled Protections A/B (TRM 13.3): the bits are
   * those of Safety Status A/B. */
  add_setting(c, BQ76952_DM_ENABLED_PROTECTIONS_A, 1u,
              BQ76952_SAFETY_A_SCD | BQ76952_SAFETY_A_OCD1 | BQ76952_SAFETY_A_OCC | BQ76952_SAFETY_A_COV |
                  BQ76952_SAFETY_A_CUV);
  add_setting(c, BQ76952_DM_ENABLED_PROTECTIONS_B, 1u,
              BQ76952_SAFETY_B_OTD | BQ76952_SAFETY_B_OTC | BQ76952_SAFETY_B_UTD | BQ76952_SAFETY_B_UTC);
  /* Protections:CUV / COV (TRM 13.6) */
  add_setting(c, BQ76952_DM_CUV_THRESHOLD, 1u,
              afe_encode_cell_threshold(config->afe_cell_undervoltage_mv, BQ76952_CUV_THRESHOLD_MIN,
                                        BQ76952_CUV_THRESHOLD_MAX));
  add_setting(c, BQ76952_DM_CUV_DELAY, 2u, afe_encode_cell_delay(config->afe_cell_undervoltage_delay_ms));
  add_setting(c, BQ76952_DM_COV_THRESHOLD, 1u,
              afe_encode_cell_threshold(config->afe_cell_overvoltage_mv, BQ76952_COV_THRESHOLD_MIN,
                                        BQ76952_COV_THRESHOLD_MAX));
  add_setting(c, BQ76952_DM_COV_DELAY, 2u, afe_encode_cell_delay(config->afe_cell_overvoltage_delay_ms));
  /* Protections:OCC / OCD1 / SCD for this sense resistor (TRM 13.6) */
  add_setting(c, BQ76952_DM_OCC_THRESHOLD, 1u,
              afe_encode_current_threshold(config->afe_charge_overcurrent_ma, r_sense, BQ76952_OCC_THRESHOLD_MAX));
  add_setting(c, BQ76952_DM_OCC_DELAY, 1u, afe_encode_current_delay(config->afe_charge_overcurrent_delay_ms));
  add_setting(c, BQ76952_DM_OCD1_THRESHOLD, 1u,
              afe_encode_current_threshold(config->afe_discharge_overcurrent_ma, r_sense,
                                           BQ76952_OCD1_THRESHOLD_MAX));
  add_setting(c, BQ76952_DM_OCD1_DELAY, 1u, afe_encode_current_delay(config->afe_discharge_overcurrent_delay_ms));
  add_setting(c, BQ76952_DM_SCD_THRESHOLD, 1u,
              afe_encode_short_circuit_threshold(config->afe_short_circuit_ma, r_sense));
  add_setting(c, BQ76952_DM_SCD_DELAY, 1u, afe_encode_short_circuit_delay(config->afe_short_circuit_delay_us));
  /* Protections:OTC / OTD / UTC / UTD: threshold, delay (s), recovery (TRM 13.6) */
  const uint32_t delay_s = clamp_u32(config->afe_temperature_delay_s, 0u, 255u);
  add_setting(c, BQ76952_DM_OTC_THRESHOLD, 1u, encode_temperature_c(config->afe_charge_overtemperature_c));
  add_setting(c, BQ76952_DM_OTC_DELAY, 1u, delay_s);
  add_setting(c, BQ76952_DM_OTC_RECOVERY, 1u,
              encode_temperature_c(config->afe_charge_overtemperature_c - (int32_t)recovery_c));
  add_setting(c, BQ76952_DM_OTD_THRESHOLD, 1u, encode_temperature_c(config->afe_discharge_overtemperature_c));
  add_setting(c, BQ76952_DM_OTD_DELAY, 1u, delay_s);
  add_setting(c, BQ76952_DM_OTD_RECOVERY, 1u,
              encode_temperature_c(config->afe_discharge_overtemperature_c - (int32_t)recovery_c));
  add_setting(c, BQ76952_DM_UTC_THRESHOLD, 1u, encode_temperature_c(config->afe_charge_undertemperature_c));
  add_setting(c, BQ76952_DM_UTC_DELAY, 1u, delay_s);
  add_setting(c, BQ76952_DM_UTC_RECOVERY, 1u,
              encode_temperature_c(config->afe_charge_undertemperature_c + (int32_t)recovery_c));
  add_setting(c, BQ76952_DM_UTD_THRESHOLD, 1u, encode_temperature_c(config->afe_discharge_undertemperature_c));
  add_setting(c, BQ76952_DM_UTD_DELAY, 1u, delay_s);
  add_setting(c, BQ76952_DM_UTD_RECOVERY, 1u,
              encode_temperature_c(config->afe_discharge_undertemperature_c + (int32_t)recovery_c));
}

/* Records a transaction's outcome; returns 1 when the step may continue. */
static int transaction_ok(afe_configuration *configuration, const bms_config *config, bq76952_result result) {
  if (result == BQ76952_OK) {
    configuration->consecutive_transaction_failures = 0u;
    return 1;
  }
  configuration->last_error = result;
  if (++configuration->consecutive_transaction_failures >= config->afe_communication_failure_limit) {
    configuration->phase = AFE_CONFIGURATION_FAILED;
    configuration->failure = AFE_CONFIGURATION_FAILURE_COMMUNICATION;
  }
  return 0;
}

static void setting_bytes(const afe_setting *setting, uint8_t bytes[2]) {
  bytes[0] = (uint8_t)(setting->value & 0xFFu);
  bytes[1] = (uint8_t)(setting->value >> 8);
}

/* Writes up to a tick's share of settings; returns 1 when the phase is done. */
static int write_settings(afe_configuration *c, const bms_hal *hal, const bms_config *config) {
  for (uint32_t n = 0; n < AFE_CONFIGURATION_SETTINGS_PER_TICK && c->next_setting < c->setting_count; ++n) {
    const afe_setting *setting = &c->settings[c->next_setting];
    uint8_t bytes[2];
    setting_bytes(setting, bytes);
    if (!transaction_ok(c, config, bq76952_transfer_write(hal, setting->address, bytes, setting->size))) {
      return 0;
    }
    ++c->next_setting;
  }
  return c->next_setting >= c->setting_count;
}

/* Reads back up to a tick's share; returns 1 when the round is complete. */
static int verify_settings(afe_configuration *c, const bms_hal *hal, const bms_config *config) {
  for (uint32_t n = 0; n < AFE_CONFIGURATION_SETTINGS_PER_TICK && c->next_setting < c->setting_count; ++n) {
    const afe_setting *setting = &c->settings[c->next_setting];
    uint8_t expected[2];
    uint8_t actual[2] = {0u, 0u};
    setting_bytes(setting, expected);
    if (!transaction_ok(c, config, bq76952_transfer_read(hal, setting->address, actual, setting->size))) {
      return 0;
    }
    if (actual[0] != expected[0] || (setting->size == 2u && actual[1] != expected[1])) {
      ++c->mismatches_this_round;
      c->last_mismatch_address = setting->address;
    }
    ++c->next_setting;
  }
  return c->next_setting >= c->setting_count;
}

static int enable_fet_control(afe_configuration *c, const bms_hal *hal, const bms_config *config) {
  uint8_t status[2] = {0u, 0u};
  if (!transaction_ok(c, config, bq76952_transfer_read(hal, BQ76952_SUBCMD_MANUFACTURING_STATUS, status, 2u))) {
    return 0;
  }
  if ((status[0] & BQ76952_MANUFACTURING_STATUS_FET_EN) != 0u) {
    return 1;
  }
  /* FET_ENABLE toggles FET_EN, so it is sent only while FET_EN reads 0, and
   * confirmed on the next pass. */
  if (c->fet_enable_toggles >= 2u) {
    c->phase = AFE_CONFIGURATION_FAILED;
    c->failure = AFE_CONFIGURATION_FAILURE_FET_ENABLE;
    return 0;
  }
  if (transaction_ok(c, config, bq76952_subcommand(hal, BQ76952_SUBCMD_FET_ENABLE))) {
    ++c->fet_enable_toggles;
  }
  return 0;
}

afe_configuration_phase afe_configuration_step(afe_configuration *c, const bms_hal *hal, const bms_config *config) {
  for (;;) {
    switch (c->phase) {
      case AFE_CONFIGURATION_FETS_OFF:
        if (!transaction_ok(c, config, bq76952_subcommand(hal, BQ76952_SUBCMD_ALL_FETS_OFF))) {
          return c->phase;
        }
        c->phase = AFE_CONFIGURATION_ENTER_UPDATE_MODE;
        break;
      case AFE_CONFIGURATION_ENTER_UPDATE_MODE:
        if (!transaction_ok(c, config, bq76952_config_update_enter(hal))) {
          return c->phase;
        }
        c->phase = AFE_CONFIGURATION_WRITE;
        c->next_setting = 0u;
        break;
      case AFE_CONFIGURATION_WRITE:
        if (!write_settings(c, hal, config)) {
          return c->phase; /* a share written (or a retry pending): continue next tick */
        }
        c->phase = AFE_CONFIGURATION_VERIFY;
        c->next_setting = 0u;
        c->mismatches_this_round = 0u;
        return c->phase;
      case AFE_CONFIGURATION_VERIFY:
        if (!verify_settings(c, hal, config)) {
          return c->phase;
        }
        if (c->mismatches_this_round == 0u) {
          c->phase = AFE_CONFIGURATION_EXIT_UPDATE_MODE;
        } else if (++c->verify_rounds_failed >= config->afe_configuration_attempts) {
          c->phase = AFE_CONFIGURATION_FAILED;
          c->failure = AFE_CONFIGURATION_FAILURE_VERIFY;
          return c->phase;
        } else {
          c->phase = AFE_CONFIGURATION_WRITE; /* rewrite everything, then verify again */
          c->next_setting = 0u;
        }
        return c->phase;
      case AFE_CONFIGURATION_EXIT_UPDATE_MODE:
        if (!transaction_ok(c, config, bq76952_config_update_exit(hal))) {
          return c->phase;
        }
        c->phase = AFE_CONFIGURATION_ENABLE_FET_CONTROL;
        break;
      case AFE_CONFIGURATION_ENABLE_FET_CONTROL:
        if (!enable_fet_control(c, hal, config)) {
          return c->phase;
        }
        c->phase = AFE_CONFIGURATION_DISABLE_AUTONOMOUS_SLEEP;
        break;
      case AFE_CONFIGURATION_DISABLE_AUTONOMOUS_SLEEP:
        if (!transaction_ok(c, config, bq76952_subcommand(hal, BQ76952_SUBCMD_SLEEP_DISABLE))) {
          return c->phase;
        }
        c->phase = AFE_CONFIGURATION_ARM_SCAN_ALARM;
        break;
      case AFE_CONFIGURATION_ARM_SCAN_ALARM:
        if (!transaction_ok(c, config,
                            bq76952_write_u16(hal, BQ76952_CMD_ALARM_ENABLE, BQ76952_ALARM_ENABLE_WITH_SCANS)) ||
            !transaction_ok(c, config, bq76952_write_u16(hal, BQ76952_CMD_ALARM_STATUS, BQ76952_ALARM_FULLSCAN))) {
          return c->phase;
        }
        c->phase = AFE_CONFIGURATION_WAIT_FOR_SCAN;
        c->scan_polls = 0u;
        return c->phase; /* a scan takes milliseconds: look on the next tick */
      case AFE_CONFIGURATION_WAIT_FOR_SCAN: {
        uint16_t alarm_status = 0u;
        if (!transaction_ok(c, config, bq76952_read_u16(hal, BQ76952_CMD_ALARM_STATUS, &alarm_status))) {
          return c->phase;
        }
        if ((alarm_status & BQ76952_ALARM_FULLSCAN) != 0u) {
          c->phase = AFE_CONFIGURATION_DONE;
        } else if (++c->scan_polls >= AFE_CONFIGURATION_SCAN_POLLS) {
          c->phase = AFE_CONFIGURATION_FAILED;
          c->failure = AFE_CONFIGURATION_FAILURE_NO_SCAN;
        }
        return c->phase;
      }
      case AFE_CONFIGURATION_DONE:
      case AFE_CONFIGURATION_FAILED:
      default:
        return c->phase;
    }
  }
}
