/*
 * bms_config.h: every threshold, delay, hysteresis and table of the reference
 * BMS in one struct.
 *
 * The firmware starts from bms_config_default() (tuned for the 16S1P A123-class
 * LFP demo pack, models/params/packs/lfp_16s1p.yaml). A host overrides it
 * without any extra export: the board's configuration EEPROM (I2C address
 * BMS_CONFIG_EEPROM_I2C_ADDRESS, see bms_config_image.h) holds an image of this
 * struct; bms_init reads it through the HAL and, when the image is present,
 * intact and valid, uses it instead of the defaults. On a rig this is a real
 * 24C32-class EEPROM; in packsim the host emulates it on its I2C bus.
 *
 * Layout rule: only 32-bit fields (and one 8-byte name), so the struct has no
 * padding and its image is the same on a Cortex-M4 and on x86-64 (both
 * little-endian). Changing a field's meaning or position changes
 * BMS_CONFIG_LAYOUT_VERSION.
 *
 * Units are in the names: _mv, _ma, _ms, _us, _dc (tenths of a degree C),
 * _c (degrees C), _permille (0..1000), _a2s (A^2 s).
 */
#ifndef BMS_CONFIG_H
#define BMS_CONFIG_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BMS_MAX_CELLS 16u
#define BMS_THERMISTOR_COUNT 3u /* TS1, TS2, TS3 */
#define BMS_OCV_TABLE_POINTS 16u
#define BMS_INVERTER_NAME_LENGTH 8u
#define BMS_CONFIG_LAYOUT_VERSION 1u

typedef struct bms_config {
  /* ---- Pack and board ---- */
  uint32_t cell_count;               /* series cells, 3..16 */
  uint32_t nominal_capacity_mah;     /* rated capacity, the SOH reference */
  uint32_t sense_resistor_micro_ohm; /* shunt between the SRP/SRN pins */
  uint32_t thermistor_pin_mask;      /* bit 0 TS1, bit 1 TS2, bit 2 TS3: cell thermistors fitted */
  uint32_t afe_da_configuration;     /* DA Configuration: b1..0 USER_AMPS (1 = mA, 2 = 10 mA, 3 = 100 mA),
                                        b2 USER_VOLTS_CV (1 = stack in 10 mV) */
  uint32_t afe_fet_options;          /* FET Options (0x0F: series FETs, CHG on in SLEEP, host FET control) */

  /* ---- Timing ---- */
  uint32_t measurement_period_ms;        /* one full read of the AFE */
  uint32_t afe_communication_failure_limit; /* consecutive failed AFE transactions -> safe state */
  uint32_t afe_configuration_attempts;   /* write + verify rounds before the boot gives up */

  /* ---- AFE hardware protections (the backstop the chip enforces alone) ---- */
  uint32_t afe_cell_undervoltage_mv;
  uint32_t afe_cell_undervoltage_delay_ms;
  uint32_t afe_cell_overvoltage_mv;
  uint32_t afe_cell_overvoltage_delay_ms;
  uint32_t afe_charge_overcurrent_ma;
  uint32_t afe_charge_overcurrent_delay_ms;
  uint32_t afe_discharge_overcurrent_ma; /* OCD1 */
  uint32_t afe_discharge_overcurrent_delay_ms;
  uint32_t afe_short_circuit_ma;         /* rounded down to the chip's SCD threshold steps */
  uint32_t afe_short_circuit_delay_us;
  int32_t afe_charge_overtemperature_c;
  int32_t afe_discharge_overtemperature_c;
  int32_t afe_charge_undertemperature_c;
  int32_t afe_discharge_undertemperature_c;
  uint32_t afe_temperature_delay_s;
  uint32_t afe_temperature_recovery_hysteresis_c;

  /* ---- Firmware protections: trip threshold, delay, recovery hysteresis ---- */
  uint32_t cell_overvoltage_mv;
  uint32_t cell_overvoltage_delay_ms;
  uint32_t cell_overvoltage_hysteresis_mv;
  uint32_t cell_undervoltage_mv;
  uint32_t cell_undervoltage_delay_ms;
  uint32_t cell_undervoltage_hysteresis_mv;
  uint32_t pack_overvoltage_mv;
  uint32_t pack_overvoltage_delay_ms;
  uint32_t pack_overvoltage_hysteresis_mv;
  uint32_t pack_undervoltage_mv;
  uint32_t pack_undervoltage_delay_ms;
  uint32_t pack_undervoltage_hysteresis_mv;
  int32_t charge_min_temperature_dc;     /* charging forbidden below */
  int32_t charge_max_temperature_dc;     /* charging forbidden above */
  int32_t discharge_min_temperature_dc;  /* discharging forbidden below */
  int32_t discharge_max_temperature_dc;  /* discharging forbidden above */
  uint32_t temperature_delay_ms;
  uint32_t temperature_hysteresis_dc;
  /* Over-current: I^2 t leaky bucket. Above the continuous current the bucket
   * fills with (I^2 - I_cont^2) dt, below it drains at the same rate; it trips
   * when the content exceeds the budget, releases after the release delay once
   * the bucket is below half, and latches a fault after repeated trips. */
  uint32_t charge_overcurrent_continuous_ma;
  uint32_t charge_overcurrent_budget_a2s;
  uint32_t discharge_overcurrent_continuous_ma;
  uint32_t discharge_overcurrent_budget_a2s;
  uint32_t overcurrent_release_delay_ms;
  uint32_t overcurrent_trips_before_latch;
  uint32_t overcurrent_trip_memory_ms; /* a trip is forgotten after this long without another */
  uint32_t cell_imbalance_mv;          /* max - min cell, checked at rest only (a warning) */
  uint32_t cell_imbalance_delay_ms;
  uint32_t cell_imbalance_hysteresis_mv;
  uint32_t rest_current_ma;            /* |I| below this is "at rest" */

  /* ---- Inverter CAN (Pylontech-style) ---- */
  uint32_t can_period_ms;
  uint32_t inverter_heartbeat_timeout_ms; /* 0x305 silence -> comm loss; 0 disables the watch */
  uint32_t inverter_comm_loss_ramp_ms;    /* limits ramp to zero over this, then the FETs open */
  uint32_t charge_voltage_limit_cell_mv;  /* 0x351 charge voltage = cells x this */
  uint32_t discharge_voltage_limit_cell_mv;
  uint32_t max_charge_current_ma;         /* 0x351 limits before derating */
  uint32_t max_discharge_current_ma;
  int32_t charge_full_current_min_temperature_dc; /* derating: linear from the forbid limit to this */
  int32_t charge_full_current_max_temperature_dc;
  int32_t discharge_full_current_min_temperature_dc;
  int32_t discharge_full_current_max_temperature_dc;
  uint32_t charge_taper_start_soc_permille;   /* charge limit tapers above this SOC ... */
  uint32_t charge_taper_end_factor_permille;  /* ... to this fraction at 100 % */
  uint32_t discharge_taper_start_soc_permille; /* discharge limit tapers below this SOC ... */
  uint32_t discharge_taper_end_factor_permille; /* ... to this fraction at 0 % */
  char inverter_manufacturer_name[BMS_INVERTER_NAME_LENGTH]; /* 0x35E, space padded */

  /* ---- Passive top balancing ---- */
  uint32_t balancing_start_cell_mv;        /* only cells above this voltage bleed */
  uint32_t balancing_threshold_mv;         /* start when a cell is this far above the lowest */
  uint32_t balancing_stop_threshold_mv;    /* stop when it is back within this */
  uint32_t balancing_max_cells;            /* at most this many at once */
  uint32_t balancing_allow_adjacent_cells; /* 0: never two neighbours at once */
  uint32_t balancing_min_charge_current_ma;
  uint32_t balancing_rest_holdoff_ms;      /* after charging stops, the cells relax this long before
                                              balancing again (at rest, or under a new charge) */
  uint32_t balancing_evaluation_interval_ms;

  /* ---- SOC / SOH ---- */
  uint32_t ocv_rest_time_ms;             /* rest needed before an OCV reading counts */
  uint32_t ocv_anchor_low_soc_permille;  /* re-anchor only below ... */
  uint32_t ocv_anchor_high_soc_permille; /* ... or above these (the LFP knees) */
  uint32_t soh_min_anchor_span_permille; /* two anchors this far apart measure capacity */
  uint32_t ocv_table_soc_permille[BMS_OCV_TABLE_POINTS]; /* strictly increasing */
  uint32_t ocv_table_cell_mv[BMS_OCV_TABLE_POINTS];      /* strictly increasing, rested cell at 25 C */

  /* ---- Sleep, shutdown and recovery charge ---- */
  uint32_t idle_current_ma;              /* |I| below this counts as idle */
  uint32_t idle_time_before_sleep_ms;    /* idle this long -> AFE SLEEP */
  uint32_t idle_time_before_shutdown_ms; /* idle this long and deeply discharged -> AFE SHUTDOWN */
  uint32_t deep_discharge_cell_mv;       /* min cell below this = deeply discharged */
  uint32_t wake_current_ma;              /* |I| above this wakes the firmware from SLEEP */
  uint32_t sleep_poll_interval_ms;       /* AFE reads while asleep or shut down */
  uint32_t recovery_charge_below_cell_mv; /* min cell below this -> recovery charge only */
  uint32_t recovery_charge_exit_cell_mv;  /* all cells above this -> normal charging */
  uint32_t recovery_charge_current_ma;    /* charge limit advertised during recovery */
  uint32_t recovery_charge_overcurrent_ma; /* more than this during recovery opens CHG for a hold-off */
  uint32_t recovery_charge_holdoff_ms;
} bms_config;

/* The defaults (in flash), documented beside each value in bms_config.c. */
const bms_config *bms_config_default(void);

/* ---- The consistency rules ----
 *
 * Each rule relates one field (optionally plus or minus a second one) to a
 * limit: a constant, or another field (optionally plus or minus a fourth).
 * The rules are one table in bms_config.c, so what is checked and what is
 * reported are declared once. */

typedef enum bms_config_relation {
  BMS_CONFIG_BELOW = 1,        /* value <  limit */
  BMS_CONFIG_AT_MOST = 2,      /* value <= limit */
  BMS_CONFIG_ABOVE = 3,        /* value >  limit */
  BMS_CONFIG_AT_LEAST = 4,     /* value >= limit */
  BMS_CONFIG_HAS_ALL_BITS = 5, /* (value & limit) == limit */
  BMS_CONFIG_HAS_ANY_BIT = 6,  /* (value & limit) != 0 */
  BMS_CONFIG_INCREASING = 7    /* an array, each element above the one before (in a rule only; a
                                  violation reports it as element i ABOVE element i - 1) */
} bms_config_relation;

/* A field of bms_config as the rules read it. */
typedef struct bms_config_field_ref {
  const char *name; /* its C name in bms_config; NULL: no field */
  uint16_t offset;  /* offsetof(bms_config, name), of the element for an array element */
  uint8_t is_signed; /* int32_t (1) or uint32_t (0) */
  int8_t index;     /* the element of an array field; -1 for a scalar field */
} bms_config_field_ref;

/* One side of a rule: field, field + adjust or field - adjust; or a constant. */
typedef struct bms_config_term {
  bms_config_field_ref field;  /* name NULL: the term is `constant` */
  bms_config_field_ref adjust; /* name NULL: no second field */
  int8_t adjust_sign;          /* +1 or -1 */
  int64_t constant;
} bms_config_term;

typedef struct bms_config_rule {
  bms_config_term value; /* the side the rule is about */
  bms_config_relation relation;
  bms_config_term limit;
  uint8_t elements; /* BMS_CONFIG_INCREASING: the array's length; 1 otherwise */
} bms_config_rule;

/* The result of a check: rule 0 when the configuration is valid; otherwise
 * the first rule broken, as `value RELATION limit` with the names of the
 * fields on each side and the values they had. */
typedef struct bms_config_violation {
  uint32_t rule;                /* 1-based row of the rule table; 0: none broken */
  bms_config_relation relation; /* what must hold: value RELATION limit (never INCREASING) */
  bms_config_term value_term;   /* the fields of the value (an element's index for an array) */
  int64_t value;                /* the value side, computed */
  bms_config_term limit_term;   /* the fields of the limit, or the constant */
  int64_t limit;                /* the limit side, computed */
} bms_config_violation;

/* The value of the field (or array element) a rule names, widened. */
int64_t bms_config_field_value(const bms_config *config, const bms_config_field_ref *field);

/* The number of rules, and rule `number` (1..count; NULL outside). */
uint32_t bms_config_rule_count(void);
const bms_config_rule *bms_config_rule_get(uint32_t number);

/* .rule 0 when every field is in range and consistent (hysteresis smaller
 * than the threshold, tables increasing...), otherwise the first rule that
 * failed, with the fields, the values and the limit (see bms_config.c). */
bms_config_violation bms_config_check(const bms_config *config);

#ifdef __cplusplus
}
#endif

#endif /* BMS_CONFIG_H */
