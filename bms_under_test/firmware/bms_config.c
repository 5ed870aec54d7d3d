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

#include <stddef.h>
#include <string.h>

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

/* ---- The consistency rules: one table, read by the check and by whoever explains a violation ----
 *
 * A row is `value RELATION limit`; a side is a field, a field plus or minus
 * another, or a constant. Field names are spelled once (#field) and their
 * signedness comes from their C type (_Generic), so a row cannot drift from
 * the struct. The first row that does not hold is reported. */

#define BMS_FIELD_IS_SIGNED(f) _Generic(((const bms_config *)0)->f, int32_t: 1u, default: 0u)
#define BMS_FIELD(f) {#f, (uint16_t)offsetof(bms_config, f), BMS_FIELD_IS_SIGNED(f), -1}
#define BMS_ELEMENT(f, i) {#f, (uint16_t)offsetof(bms_config, f[i]), BMS_FIELD_IS_SIGNED(f[0]), (int8_t)(i)}
#define BMS_NO_FIELD {NULL, 0u, 0u, -1}
#define BMS_TERM(f) {BMS_FIELD(f), BMS_NO_FIELD, 0, 0}
#define BMS_SUM(f, g) {BMS_FIELD(f), BMS_FIELD(g), 1, 0}
#define BMS_DIFFERENCE(f, g) {BMS_FIELD(f), BMS_FIELD(g), -1, 0}
#define BMS_CONSTANT(k) {BMS_NO_FIELD, BMS_NO_FIELD, 0, (int64_t)(k)}
/* field RELATION constant, field RELATION other field, and the general form. */
#define BMS_RULE_CONSTANT(f, relation, k) {BMS_TERM(f), BMS_CONFIG_##relation, BMS_CONSTANT(k), 1u}
#define BMS_RULE_FIELDS(f, relation, g) {BMS_TERM(f), BMS_CONFIG_##relation, BMS_TERM(g), 1u}
#define BMS_RULE_TERMS(value, relation, limit) {value, BMS_CONFIG_##relation, limit, 1u}
#define BMS_RULE_INCREASING(f, n) {BMS_TERM(f), BMS_CONFIG_INCREASING, BMS_CONSTANT(0), (uint8_t)(n)}

static const bms_config_rule rules[] = {
    /* Pack and board. */
    BMS_RULE_CONSTANT(cell_count, AT_LEAST, 3u),
    BMS_RULE_CONSTANT(cell_count, AT_MOST, BMS_MAX_CELLS),
    BMS_RULE_CONSTANT(nominal_capacity_mah, ABOVE, 0u),
    BMS_RULE_CONSTANT(nominal_capacity_mah, AT_MOST, 2000000u),
    BMS_RULE_CONSTANT(sense_resistor_micro_ohm, ABOVE, 0u),
    BMS_RULE_CONSTANT(sense_resistor_micro_ohm, AT_MOST, 100000u),
    BMS_RULE_CONSTANT(thermistor_pin_mask, HAS_ANY_BIT, 0x7u),
    BMS_RULE_CONSTANT(thermistor_pin_mask, AT_MOST, 0x7u),
    BMS_RULE_CONSTANT(afe_da_configuration, HAS_ANY_BIT, 0x3u), /* USER_AMPS set */
    BMS_RULE_CONSTANT(afe_da_configuration, AT_MOST, 0xFFu),
    BMS_RULE_CONSTANT(afe_fet_options, AT_MOST, 0xFFu),
    BMS_RULE_CONSTANT(afe_fet_options, HAS_ALL_BITS, 0x0Cu), /* HOST_FET_EN and FET_CTRL_EN */
    /* Timing. */
    BMS_RULE_CONSTANT(measurement_period_ms, AT_LEAST, 10u),
    BMS_RULE_CONSTANT(measurement_period_ms, AT_MOST, 1000u),
    BMS_RULE_CONSTANT(afe_communication_failure_limit, AT_LEAST, 1u),
    BMS_RULE_CONSTANT(afe_configuration_attempts, AT_LEAST, 1u),
    /* AFE hardware protections. */
    BMS_RULE_FIELDS(afe_cell_undervoltage_mv, BELOW, afe_cell_overvoltage_mv),
    BMS_RULE_FIELDS(afe_charge_undertemperature_c, BELOW, afe_charge_overtemperature_c),
    BMS_RULE_FIELDS(afe_discharge_undertemperature_c, BELOW, afe_discharge_overtemperature_c),
    /* Firmware protections: each recovery point on its own side of the other's. */
    BMS_RULE_CONSTANT(cell_overvoltage_hysteresis_mv, ABOVE, 0u),
    BMS_RULE_FIELDS(cell_overvoltage_hysteresis_mv, BELOW, cell_overvoltage_mv),
    BMS_RULE_CONSTANT(cell_undervoltage_hysteresis_mv, ABOVE, 0u),
    BMS_RULE_TERMS(BMS_SUM(cell_undervoltage_mv, cell_undervoltage_hysteresis_mv), BELOW,
                   BMS_DIFFERENCE(cell_overvoltage_mv, cell_overvoltage_hysteresis_mv)),
    BMS_RULE_CONSTANT(pack_overvoltage_hysteresis_mv, ABOVE, 0u),
    BMS_RULE_CONSTANT(pack_undervoltage_hysteresis_mv, ABOVE, 0u),
    BMS_RULE_TERMS(BMS_SUM(pack_undervoltage_mv, pack_undervoltage_hysteresis_mv), BELOW,
                   BMS_DIFFERENCE(pack_overvoltage_mv, pack_overvoltage_hysteresis_mv)),
    BMS_RULE_CONSTANT(temperature_hysteresis_dc, ABOVE, 0u),
    BMS_RULE_TERMS(BMS_SUM(charge_min_temperature_dc, temperature_hysteresis_dc), BELOW,
                   BMS_DIFFERENCE(charge_max_temperature_dc, temperature_hysteresis_dc)),
    BMS_RULE_TERMS(BMS_SUM(discharge_min_temperature_dc, temperature_hysteresis_dc), BELOW,
                   BMS_DIFFERENCE(discharge_max_temperature_dc, temperature_hysteresis_dc)),
    BMS_RULE_CONSTANT(charge_overcurrent_continuous_ma, ABOVE, 0u),
    BMS_RULE_CONSTANT(charge_overcurrent_budget_a2s, ABOVE, 0u),
    BMS_RULE_CONSTANT(discharge_overcurrent_continuous_ma, ABOVE, 0u),
    BMS_RULE_CONSTANT(discharge_overcurrent_budget_a2s, ABOVE, 0u),
    BMS_RULE_CONSTANT(overcurrent_trips_before_latch, AT_LEAST, 1u),
    BMS_RULE_FIELDS(cell_imbalance_hysteresis_mv, BELOW, cell_imbalance_mv),
    /* Inverter CAN. */
    BMS_RULE_CONSTANT(can_period_ms, AT_LEAST, 100u),
    BMS_RULE_CONSTANT(inverter_comm_loss_ramp_ms, ABOVE, 0u),
    BMS_RULE_FIELDS(discharge_voltage_limit_cell_mv, BELOW, charge_voltage_limit_cell_mv),
    BMS_RULE_FIELDS(charge_full_current_min_temperature_dc, AT_LEAST, charge_min_temperature_dc),
    BMS_RULE_FIELDS(charge_full_current_min_temperature_dc, BELOW, charge_full_current_max_temperature_dc),
    BMS_RULE_FIELDS(charge_full_current_max_temperature_dc, AT_MOST, charge_max_temperature_dc),
    BMS_RULE_FIELDS(discharge_full_current_min_temperature_dc, AT_LEAST, discharge_min_temperature_dc),
    BMS_RULE_FIELDS(discharge_full_current_min_temperature_dc, BELOW, discharge_full_current_max_temperature_dc),
    BMS_RULE_FIELDS(discharge_full_current_max_temperature_dc, AT_MOST, discharge_max_temperature_dc),
    BMS_RULE_CONSTANT(charge_taper_start_soc_permille, BELOW, 1000u),
    BMS_RULE_CONSTANT(charge_taper_end_factor_permille, AT_MOST, 1000u),
    BMS_RULE_CONSTANT(discharge_taper_start_soc_permille, ABOVE, 0u),
    BMS_RULE_CONSTANT(discharge_taper_start_soc_permille, AT_MOST, 1000u),
    BMS_RULE_CONSTANT(discharge_taper_end_factor_permille, AT_MOST, 1000u),
    /* Passive top balancing. */
    BMS_RULE_CONSTANT(balancing_max_cells, AT_LEAST, 1u),
    BMS_RULE_CONSTANT(balancing_max_cells, AT_MOST, BMS_MAX_CELLS),
    BMS_RULE_FIELDS(balancing_stop_threshold_mv, BELOW, balancing_threshold_mv),
    BMS_RULE_CONSTANT(balancing_evaluation_interval_ms, ABOVE, 0u),
    /* SOC / SOH. */
    BMS_RULE_FIELDS(ocv_anchor_low_soc_permille, BELOW, ocv_anchor_high_soc_permille),
    BMS_RULE_CONSTANT(ocv_anchor_high_soc_permille, AT_MOST, 1000u),
    BMS_RULE_CONSTANT(soh_min_anchor_span_permille, ABOVE, 0u),
    BMS_RULE_CONSTANT(soh_min_anchor_span_permille, AT_MOST, 1000u),
    BMS_RULE_INCREASING(ocv_table_soc_permille, BMS_OCV_TABLE_POINTS),
    BMS_RULE_INCREASING(ocv_table_cell_mv, BMS_OCV_TABLE_POINTS),
    {{BMS_ELEMENT(ocv_table_soc_permille, BMS_OCV_TABLE_POINTS - 1u), BMS_NO_FIELD, 0, 0}, BMS_CONFIG_AT_MOST,
     BMS_CONSTANT(1000u), 1u},
    /* Sleep, shutdown and recovery charge. */
    BMS_RULE_FIELDS(recovery_charge_below_cell_mv, BELOW, recovery_charge_exit_cell_mv),
    BMS_RULE_CONSTANT(recovery_charge_current_ma, ABOVE, 0u),
    BMS_RULE_FIELDS(recovery_charge_overcurrent_ma, ABOVE, recovery_charge_current_ma),
    BMS_RULE_FIELDS(sleep_poll_interval_ms, AT_LEAST, measurement_period_ms),
    BMS_RULE_CONSTANT(wake_current_ma, ABOVE, 0u),
};

#undef BMS_RULE_INCREASING
#undef BMS_RULE_TERMS
#undef BMS_RULE_FIELDS
#undef BMS_RULE_CONSTANT
#undef BMS_CONSTANT
#undef BMS_DIFFERENCE
#undef BMS_SUM
#undef BMS_TERM
#undef BMS_NO_FIELD
#undef BMS_ELEMENT
#undef BMS_FIELD
#undef BMS_FIELD_IS_SIGNED

#define BMS_RULE_COUNT ((uint32_t)(sizeof rules / sizeof rules[0]))

uint32_t bms_config_rule_count(void) { return BMS_RULE_COUNT; }

const bms_config_rule *bms_config_rule_get(uint32_t number) {
  return (number >= 1u && number <= BMS_RULE_COUNT) ? &rules[number - 1u] : NULL;
}

/* The field's value (element `element` of it onwards, for an array), widened. */
static int64_t read_field(const bms_config *config, const bms_config_field_ref *field, uint32_t element) {
  const uint8_t *bytes = (const uint8_t *)config + field->offset + element * sizeof(uint32_t);
  if (field->is_signed != 0u) {
    int32_t value;
    memcpy(&value, bytes, sizeof value);
    return (int64_t)value;
  }
  uint32_t value;
  memcpy(&value, bytes, sizeof value);
  return (int64_t)value;
}

int64_t bms_config_field_value(const bms_config *config, const bms_config_field_ref *field) {
  return read_field(config, field, 0u);
}

static int64_t term_value(const bms_config *config, const bms_config_term *term) {
  if (term->field.name == NULL) {
    return term->constant;
  }
  int64_t value = read_field(config, &term->field, 0u);
  if (term->adjust.name != NULL) {
    value += (int64_t)term->adjust_sign * read_field(config, &term->adjust, 0u);
  }
  return value;
}

static int holds(bms_config_relation relation, int64_t value, int64_t limit) {
  switch (relation) {
    case BMS_CONFIG_BELOW:
      return value < limit;
    case BMS_CONFIG_AT_MOST:
      return value <= limit;
    case BMS_CONFIG_ABOVE:
      return value > limit;
    case BMS_CONFIG_AT_LEAST:
      return value >= limit;
    case BMS_CONFIG_HAS_ALL_BITS:
      return (value & limit) == limit;
    case BMS_CONFIG_HAS_ANY_BIT:
      return (value & limit) != 0;
    case BMS_CONFIG_INCREASING:
    default:
      return 0;
  }
}

bms_config_violation bms_config_check(const bms_config *config) {
  bms_config_violation violation;
  memset(&violation, 0, sizeof violation);
  for (uint32_t r = 0u; r < BMS_RULE_COUNT; ++r) {
    const bms_config_rule *rule = &rules[r];
    if (rule->relation == BMS_CONFIG_INCREASING) {
      for (uint32_t i = 1u; i < rule->elements; ++i) {
        const int64_t value = read_field(config, &rule->value.field, i);
        const int64_t previous = read_field(config, &rule->value.field, i - 1u);
        if (value <= previous) {
          violation.rule = r + 1u;
          violation.relation = BMS_CONFIG_ABOVE;
          violation.value_term = rule->value;
          violation.value_term.field.offset = (uint16_t)(rule->value.field.offset + i * sizeof(uint32_t));
          violation.value_term.field.index = (int8_t)i;
          violation.value = value;
          violation.limit_term = rule->value;
          violation.limit_term.field.offset = (uint16_t)(rule->value.field.offset + (i - 1u) * sizeof(uint32_t));
          violation.limit_term.field.index = (int8_t)(i - 1u);
          violation.limit = previous;
          return violation;
        }
      }
      continue;
    }
    const int64_t value = term_value(config, &rule->value);
    const int64_t limit = term_value(config, &rule->limit);
    if (!holds(rule->relation, value, limit)) {
      violation.rule = r + 1u;
      violation.relation = rule->relation;
      violation.value_term = rule->value;
      violation.value = value;
      violation.limit_term = rule->limit;
      violation.limit = limit;
      return violation;
    }
  }
  return violation;
}
