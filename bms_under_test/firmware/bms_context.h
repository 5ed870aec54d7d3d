/*
 * bms_context.h: the reference firmware's entire state, as one struct. The
 * firmware holds exactly one instance, static in bms_firmware.c; every module
 * gets the piece it works on, so each one is testable on its own.
 */
#ifndef BMS_CONTEXT_H
#define BMS_CONTEXT_H

#include <stdint.h>

#include "bms_under_test/firmware/afe_configuration.h"
#include "bms_under_test/firmware/afe_measurements.h"
#include "bms_under_test/firmware/bms_config.h"
#include "bms_under_test/firmware/bms_config_image.h"
#include "bms_under_test/firmware/bms_state_machine.h"
#include "bms_under_test/firmware/cell_balancing.h"
#include "bms_under_test/firmware/charge_limits.h"
#include "bms_under_test/firmware/fault_log.h"
#include "bms_under_test/firmware/fet_control.h"
#include "bms_under_test/firmware/inverter_link.h"
#include "bms_under_test/firmware/overcurrent_budget.h"
#include "bms_under_test/firmware/power_manager.h"
#include "bms_under_test/firmware/recovery_charge.h"
#include "bms_under_test/firmware/service_port.h"
#include "bms_under_test/firmware/soc_estimator.h"
#include "bms_under_test/firmware/threshold_protections.h"
#include "bms_under_test/hal/bms_hal.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the AFE is doing about power. */
typedef enum afe_power_mode {
  AFE_POWER_AWAKE = 0,
  AFE_POWER_SLEEP,          /* SLEEP_ENABLE sent: the chip may sleep, the firmware polls slowly */
  AFE_POWER_SHUTTING_DOWN,  /* SHUTDOWN being sent (twice) */
  AFE_POWER_SHUTDOWN        /* the chip is off; only a charger wakes it */
} afe_power_mode;

typedef struct bms_context {
  const bms_hal *hal;
  bms_config config;
  bms_config_image_result config_source;

  bms_state state;
  uint32_t state_entered_ms;
  bms_state_inputs inputs; /* the conditions of the last evaluation */

  /* AFE */
  afe_configuration afe_setup;
  afe_measurements measurements;
  uint8_t measurements_valid;       /* a full set since the AFE was (re)configured */
  uint8_t measured_once;            /* any full set since boot (for the integration step) */
  uint8_t waking;                   /* the next set is the first after boot or a SHUTDOWN wake */
  uint8_t afe_por_ignored;          /* this chip keeps Battery Status[POR] set: not a reset sign */
  uint32_t last_measurement_ms;     /* last successful set */
  uint32_t last_attempt_ms;
  uint8_t attempted_once;
  uint32_t afe_consecutive_failures;
  afe_power_mode afe_power;
  uint32_t shutdown_commands_sent;
  uint8_t sleep_command_pending;
  uint16_t sleep_command;           /* SLEEP_ENABLE or SLEEP_DISABLE, until acknowledged */

  /* Protections */
  threshold_protections thresholds;
  overcurrent_budget charge_overcurrent;
  overcurrent_budget discharge_overcurrent;
  recovery_charge recovery;
  uint32_t afe_flags;          /* the chip's own Safety Status, as BMS_FLAG bits */
  uint32_t latched_flags;      /* need a service reset */
  uint32_t service_lock_flags; /* FETs the service tool turned off */
  uint32_t logged_afe_flags;   /* to log the chip's protections as they change */
  power_request power_request;
  uint8_t wake_requested;

  /* Outputs */
  int charge_on;
  int discharge_on;
  fet_control fets;
  cell_balancing balancing;
  uint16_t balancing_commanded_cells;
  uint8_t balancing_command_valid;
  uint32_t balancing_refusals; /* CB_ACTIVE_CELLS read back differently from what was written */
  charge_limits limits;

  /* Estimation */
  soc_estimator soc;
  power_manager power;

  /* Buses */
  inverter_link inverter;
  uint32_t last_can_transmit_ms;
  uint8_t can_transmitted_once;
  uint32_t can_frames_refused;
  service_port service;

  fault_log log;
} bms_context;

/* Test and debug hook: the firmware's state, read-only. Not exported from the
 * shared object (only bms_firmware_info_get, bms_init and bms_tick are). */
const bms_context *bms_firmware_context(void);

/* Active BMS_FLAG bits (firmware protections, the AFE's, latched, locks...). */
uint32_t bms_context_active_flags(const bms_context *context);

#ifdef __cplusplus
}
#endif

#endif /* BMS_CONTEXT_H */
