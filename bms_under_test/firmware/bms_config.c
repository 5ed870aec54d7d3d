/*
 * bms_config.c: the default configuration and its consistency check.
 *
 * Defaults are for the 16S1P demo pack of A123 ANR26650M1-class LFP cells
 * (2.3 Ah, 3.6 V charge, 2.0 V cut-off, 10 A max charge, 70 A max discharge
 * per the datasheet quoted in models/params/lfp_a123_26650.yaml) with a 1 mOhm
 * shunt. Firmware limits sit inside the AFE's hardware limits, so the firmware
 * acts first and the chip is the backstop.
 */
#include "bms_under_test/firmware/bms_config.h"

static const bms_config default_config = {
    .cell_count = 16u,
    .nominal_capacity_mah = 2300u,
    .sense_resistor_micro_ohm = 1000u,
    .thermistor_pin_mask = 0x5u, /* TS1 and TS3; TS2 stays free as the charger wake pin */
    .afe_da_configuration = 0x05u, /* chip default: current in mA, stack in 10 mV */
    .afe_fet_options = 0x0Fu,      /* SFET, SLEEPCHG (a charger can charge a sleeping pack), HOST_FET_EN, FET_CTRL_EN */

    .measurement_period_ms = 100u,
    .afe_communication_failure_limit = 5u, /* five failed reads in a row: 0.5 s without data */
    .afe_configuration_attempts = 3u,

    .afe_cell_undervoltage_mv = 2300u, /* 45 x 50.6 mV = 2277 mV */
    .afe_cell_undervoltage_delay_ms = 1000u,
    .afe_cell_overvoltage_mv = 3750u, /* 74 x 50.6 mV = 3744 mV */
    .afe_cell_overvoltage_delay_ms = 1000u,
    .afe_charge_overcurrent_ma = 20000u, /* 20 mV on 1 mOhm */
    .afe_charge_overcurrent_delay_ms = 200u,
    .afe_discharge_overcurrent_ma = 50000u,
    .afe_discharge_overcurrent_delay_ms = 100u,
    .afe_short_circuit_ma = 100000u, /* 100 mV step */
    .afe_short_circuit_delay_us = 60u,
    .afe_charge_overtemperature_c = 55,
    .afe_discharge_overtemperature_c = 65,
    .afe_charge_undertemperature_c = -5,
    .afe_discharge_undertemperature_c = -25,
    .afe_temperature_delay_s = 2u,
    .afe_temperature_recovery_hysteresis_c = 5u,

    .cell_overvoltage_mv = 3650u,
    .cell_overvoltage_delay_ms = 1000u,
    .cell_overvoltage_hysteresis_mv = 150u, /* charging resumes below 3.50 V */
    .cell_undervoltage_mv = 2500u,
    .cell_undervoltage_delay_ms = 2000u, /* rides through load steps */
    .cell_undervoltage_hysteresis_mv = 300u, /* discharging resumes above 2.80 V */
    .pack_overvoltage_mv = 58400u,           /* 16 x 3.65 V */
    .pack_overvoltage_delay_ms = 1000u,
    .pack_overvoltage_hysteresis_mv = 1600u,
    .pack_undervoltage_mv = 40000u, /* 16 x 2.50 V */
    .pack_undervoltage_delay_ms = 2000u,
    .pack_undervoltage_hysteresis_mv = 3200u,
    .charge_min_temperature_dc = 0,       /* lithium plating below 0 C */
    .charge_max_temperature_dc = 450,
    .discharge_min_temperature_dc = -200,
    .discharge_max_temperature_dc = 600,
    .temperature_delay_ms = 2000u,
    .temperature_hysteresis_dc = 30u,
    .charge_overcurrent_continuous_ma = 10000u, /* datasheet max charge current */
    .charge_overcurrent_budget_a2s = 100u,      /* 15 A trips after 0.8 s, 11 A after 4.8 s */
    .discharge_overcurrent_continuous_ma = 25000u,
    .discharge_overcurrent_budget_a2s = 300u,   /* 30 A trips after 1.1 s */
    .overcurrent_release_delay_ms = 30000u,
    .overcurrent_trips_before_latch = 3u,
    .overcurrent_trip_memory_ms = 600000u,
    .cell_imbalance_mv = 100u,
    .cell_imbalance_delay_ms = 30000u,
    .cell_imbalance_hysteresis_mv = 30u,
    .rest_current_ma = 50u,

    .can_period_ms = 1000u,
    .inverter_heartbeat_timeout_ms = 10000u,
    .inverter_comm_loss_ramp_ms = 30000u,
    .charge_voltage_limit_cell_mv = 3550u, /* 56.8 V */
    .discharge_voltage_limit_cell_mv = 2800u, /* 44.8 V */
    .max_charge_current_ma = 4600u,        /* 2 C */
    .max_discharge_current_ma = 20000u,
    .charge_full_current_min_temperature_dc = 100,
    .charge_full_current_max_temperature_dc = 400,
    .discharge_full_current_min_temperature_dc = -100,
    .discharge_full_current_max_temperature_dc = 500,
    .charge_taper_start_soc_permille = 900u,
    .charge_taper_end_factor_permille = 100u,
    .discharge_taper_start_soc_permille = 100u,
    .discharge_taper_end_factor_permille = 200u,
    .inverter_manufacturer_name = {'P', 'A', 'C', 'K', 'S', 'I', 'M', ' '},

    .balancing_start_cell_mv = 3400u, /* above the LFP plateau, where differences show */
    .balancing_threshold_mv = 20u,
    .balancing_stop_threshold_mv = 5u,
    .balancing_max_cells = 4u,
    .balancing_allow_adjacent_cells = 0u,
    .balancing_min_charge_current_ma = 50u,
    .balancing_rest_holdoff_ms = 60000u,
    .balancing_evaluation_interval_ms = 5000u,

    .ocv_rest_time_ms = 1800000u, /* LFP needs a long rest to relax */
    .ocv_anchor_low_soc_permille = 150u,
    .ocv_anchor_high_soc_permille = 950u,
    .soh_min_anchor_span_permille = 600u,
    /* OCV of the A123-class cell at 25 C (models/params/lfp_a123_26650.yaml, sampled). */
    .ocv_table_soc_permille = {0u, 20u, 50u, 80u, 100u, 125u, 150u, 200u, 300u, 500u, 700u, 900u, 950u, 980u,
                               990u, 1000u},
    .ocv_table_cell_mv = {2026u, 2467u, 2806u, 2991u, 3071u, 3129u, 3156u, 3180u, 3231u, 3264u, 3295u, 3314u,
                          3315u, 3325u, 3358u, 3504u},

    .idle_current_ma = 30u,
    .idle_time_before_sleep_ms = 1800000u,
    .idle_time_before_shutdown_ms = 60000u,
    .deep_discharge_cell_mv = 2600u,
    .wake_current_ma = 100u,
    .sleep_poll_interval_ms = 1000u,
    .recovery_charge_below_cell_mv = 2400u,
    .recovery_charge_exit_cell_mv = 2800u,
    .recovery_charge_current_ma = 230u, /* 0.1 C: the "lab supply" recovery */
    .recovery_charge_overcurrent_ma = 460u,
    .recovery_charge_holdoff_ms = 30000u,
};

const bms_config *bms_config_default(void) { return &default_config; }

uint32_t bms_config_check(const bms_config *config) {
  /* Each rule gets the next number; the first failing one is reported. */
  uint32_t rule = 0u;
#define BMS_CONFIG_RULE(condition) \
  do {                             \
    ++rule;                        \
    if (!(condition)) {            \
      return rule;                 \
    }                              \
  } while (0)
  const bms_config *c = config;
  BMS_CONFIG_RULE(c->cell_count >= 3u && c->cell_count <= BMS_MAX_CELLS);                       /* 1 */
  BMS_CONFIG_RULE(c->nominal_capacity_mah > 0u && c->nominal_capacity_mah <= 2000000u);         /* 2 */
  BMS_CONFIG_RULE(c->sense_resistor_micro_ohm > 0u && c->sense_resistor_micro_ohm <= 100000u);  /* 3 */
  BMS_CONFIG_RULE(c->thermistor_pin_mask != 0u && c->thermistor_pin_mask <= 0x7u);             /* 4 */
  BMS_CONFIG_RULE((c->afe_da_configuration & 0x3u) != 0u && c->afe_da_configuration <= 0xFFu); /* 5 */
  BMS_CONFIG_RULE(c->afe_fet_options <= 0xFFu && (c->afe_fet_options & 0x0Cu) == 0x0Cu);       /* 6 */
  BMS_CONFIG_RULE(c->measurement_period_ms >= 10u && c->measurement_period_ms <= 1000u);        /* 7 */
  BMS_CONFIG_RULE(c->afe_communication_failure_limit >= 1u && c->afe_configuration_attempts >= 1u); /* 8 */
  BMS_CONFIG_RULE(c->afe_cell_undervoltage_mv < c->afe_cell_overvoltage_mv);                    /* 9 */
  BMS_CONFIG_RULE(c->afe_charge_undertemperature_c < c->afe_charge_overtemperature_c &&
                  c->afe_discharge_undertemperature_c < c->afe_discharge_overtemperature_c);   /* 10 */
  BMS_CONFIG_RULE(c->cell_overvoltage_hysteresis_mv > 0u &&
                  c->cell_overvoltage_hysteresis_mv < c->cell_overvoltage_mv);                  /* 11 */
  BMS_CONFIG_RULE(c->cell_undervoltage_hysteresis_mv > 0u &&
                  c->cell_undervoltage_mv + c->cell_undervoltage_hysteresis_mv <
                      c->cell_overvoltage_mv - c->cell_overvoltage_hysteresis_mv);             /* 12 */
  BMS_CONFIG_RULE(c->pack_overvoltage_hysteresis_mv > 0u && c->pack_undervoltage_hysteresis_mv > 0u &&
                  c->pack_undervoltage_mv + c->pack_undervoltage_hysteresis_mv <
                      c->pack_overvoltage_mv - c->pack_overvoltage_hysteresis_mv);             /* 13 */
  BMS_CONFIG_RULE(c->temperature_hysteresis_dc > 0u &&
                  c->charge_min_temperature_dc + (int32_t)c->temperature_hysteresis_dc <
                      c->charge_max_temperature_dc - (int32_t)c->temperature_hysteresis_dc &&
                  c->discharge_min_temperature_dc + (int32_t)c->temperature_hysteresis_dc <
                      c->discharge_max_temperature_dc - (int32_t)c->temperature_hysteresis_dc); /* 14 */
  BMS_CONFIG_RULE(c->charge_overcurrent_continuous_ma > 0u && c->charge_overcurrent_budget_a2s > 0u &&
                  c->discharge_overcurrent_continuous_ma > 0u &&
                  c->discharge_overcurrent_budget_a2s > 0u && c->overcurrent_trips_before_latch >= 1u); /* 15 */
  BMS_CONFIG_RULE(c->cell_imbalance_hysteresis_mv < c->cell_imbalance_mv);                      /* 16 */
  BMS_CONFIG_RULE(c->can_period_ms >= 100u && c->inverter_comm_loss_ramp_ms > 0u);              /* 17 */
  BMS_CONFIG_RULE(c->discharge_voltage_limit_cell_mv < c->charge_voltage_limit_cell_mv);        /* 18 */
  BMS_CONFIG_RULE(c->charge_full_current_min_temperature_dc >= c->charge_min_temperature_dc &&
                  c->charge_full_current_min_temperature_dc < c->charge_full_current_max_temperature_dc &&
                  c->charge_full_current_max_temperature_dc <= c->charge_max_temperature_dc &&
                  c->discharge_full_current_min_temperature_dc >= c->discharge_min_temperature_dc &&
                  c->discharge_full_current_min_temperature_dc <
                      c->discharge_full_current_max_temperature_dc &&
                  c->discharge_full_current_max_temperature_dc <= c->discharge_max_temperature_dc); /* 19 */
  BMS_CONFIG_RULE(c->charge_taper_start_soc_permille < 1000u && c->charge_taper_end_factor_permille <= 1000u &&
                  c->discharge_taper_start_soc_permille > 0u &&
                  c->discharge_taper_start_soc_permille <= 1000u &&
                  c->discharge_taper_end_factor_permille <= 1000u);                            /* 20 */
  BMS_CONFIG_RULE(c->balancing_max_cells >= 1u && c->balancing_max_cells <= BMS_MAX_CELLS &&
                  c->balancing_stop_threshold_mv < c->balancing_threshold_mv &&
                  c->balancing_evaluation_interval_ms > 0u);                                   /* 21 */
  BMS_CONFIG_RULE(c->ocv_anchor_low_soc_permille < c->ocv_anchor_high_soc_permille &&
                  c->ocv_anchor_high_soc_permille <= 1000u && c->soh_min_anchor_span_permille > 0u &&
                  c->soh_min_anchor_span_permille <= 1000u);                                   /* 22 */
  for (uint32_t i = 1u; i < BMS_OCV_TABLE_POINTS; ++i) {
    BMS_CONFIG_RULE(c->ocv_table_soc_permille[i] > c->ocv_table_soc_permille[i - 1u] &&
                    c->ocv_table_cell_mv[i] > c->ocv_table_cell_mv[i - 1u]);                   /* 23.. */
  }
  BMS_CONFIG_RULE(c->ocv_table_soc_permille[BMS_OCV_TABLE_POINTS - 1u] <= 1000u);
  BMS_CONFIG_RULE(c->recovery_charge_below_cell_mv < c->recovery_charge_exit_cell_mv &&
                  c->recovery_charge_current_ma > 0u &&
                  c->recovery_charge_overcurrent_ma > c->recovery_charge_current_ma);
  BMS_CONFIG_RULE(c->sleep_poll_interval_ms >= c->measurement_period_ms && c->wake_current_ma > 0u);
#undef BMS_CONFIG_RULE
  return 0u;
}
