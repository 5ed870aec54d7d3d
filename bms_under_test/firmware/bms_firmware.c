/*
 * bms_firmware.c: the reference BMS's entry points (bms_hal.h) and the loop
 * that ties the modules together. The firmware's whole state is the one
 * static bms_context below.
 *
 * Every tick (BMS_FIRMWARE_TICK_PERIOD_MS):
 *   1. CAN receive: inverter heartbeats; the comm-loss watch and ramp;
 *   2. STARTUP: the next share of the AFE configuration;
 *   3. every measurement period (slower while asleep): one full AFE read,
 *      then the protections, SOC, recovery charge, balancing and power
 *      decisions from it; a failed read counts toward the AFE-communication
 *      fault;
 *   4. the state machine, then the outputs: FETs, balancing switches, sleep
 *      and shutdown commands;
 *   5. the service port (one JBD request at most) and, every can_period_ms,
 *      the inverter frame set.
 * While the AFE is shut down only the AFE is polled (the MCU would be without
 * power on a real board): no CAN, no UART.
 */
#include <stddef.h>
#include <string.h>

#include "bms_under_test/firmware/bms_context.h"
#include "bms_under_test/firmware/bms_flags.h"
#include "bms_under_test/firmware/bq76952_registers.h"
#include "bms_under_test/firmware/config_storage.h"
#include "bms_under_test/firmware/inverter_messages.h"
#include "bms_under_test/firmware/log_text.h"
#include "bms_under_test/firmware/service_protocol.h"

#define BMS_FIRMWARE_EXPORT __attribute__((visibility("default")))
#define BMS_FIRMWARE_TICK_PERIOD_MS 10u
/* A charger on the PACK pin lifts it this far above the stack while a FET is open. */
#define BMS_FIRMWARE_CHARGER_PACK_MARGIN_MV 2000u

static bms_context firmware;

static const bms_firmware_info firmware_info = {
    BMS_HAL_VERSION, "packsim reference BMS", "1.0.0", BMS_FIRMWARE_TICK_PERIOD_MS};

/* ---- Small helpers ---- */

static void log_line(const bms_context *f, const log_text *line) {
  if (f->hal->log != NULL) {
    f->hal->log(f->hal->host, line->text);
  }
}

static void record(bms_context *f, uint8_t code, uint8_t raised, uint32_t cell_number, uint32_t now_ms,
                   int32_t value) {
  fault_log_record(&f->log, code, raised, (uint8_t)(cell_number > 0xFFu ? 0xFFu : cell_number), now_ms, value);
  log_text line;
  log_text_start(&line);
  log_text_append(&line, raised ? "event " : "cleared ");
  log_text_append_unsigned(&line, code);
  log_text_append(&line, " cell ");
  log_text_append_unsigned(&line, cell_number);
  log_text_append(&line, " value ");
  log_text_append_signed(&line, value);
  log_line(f, &line);
}

static void record_flag(bms_context *f, bms_flag_bit bit, int raised, uint32_t cell_number, uint32_t now_ms,
                        int32_t value) {
  record(f, (uint8_t)((uint32_t)bit + 1u), raised ? 1u : 0u, cell_number, now_ms, value);
}

static overcurrent_limits charge_overcurrent_limits(const bms_config *c) {
  return (overcurrent_limits){c->charge_overcurrent_continuous_ma, c->charge_overcurrent_budget_a2s,
                              c->overcurrent_release_delay_ms, c->overcurrent_trips_before_latch,
                              c->overcurrent_trip_memory_ms};
}

static overcurrent_limits discharge_overcurrent_limits(const bms_config *c) {
  return (overcurrent_limits){c->discharge_overcurrent_continuous_ma, c->discharge_overcurrent_budget_a2s,
                              c->overcurrent_release_delay_ms, c->overcurrent_trips_before_latch,
                              c->overcurrent_trip_memory_ms};
}

static int charger_detected(const bms_context *f) {
  const bms_hal *hal = f->hal;
  const int pin = hal->gpio_read != NULL ? hal->gpio_read(hal->host, BMS_GPIO_CHARGER_DETECT) : 0;
  const int pack_above_stack =
      f->measurements_valid && f->measurements.pack_pin_mv > f->measurements.stack_mv + BMS_FIRMWARE_CHARGER_PACK_MARGIN_MV;
  return pin == 1 || pack_above_stack;
}

uint32_t bms_context_active_flags(const bms_context *f) {
  uint32_t flags = threshold_protections_flags(&f->thresholds) | f->afe_flags | f->latched_flags |
                   f->service_lock_flags;
  if (f->charge_overcurrent.tripped) {
    flags |= BMS_FLAG(BMS_FLAG_BIT_CHARGE_OVERCURRENT);
  }
  if (f->discharge_overcurrent.tripped) {
    flags |= BMS_FLAG(BMS_FLAG_BIT_DISCHARGE_OVERCURRENT);
  }
  if (f->inverter.lost) {
    flags |= BMS_FLAG(BMS_FLAG_BIT_INVERTER_COMMUNICATION_LOSS);
  }
  if (recovery_charge_active(&f->recovery)) {
    flags |= BMS_FLAG(BMS_FLAG_BIT_RECOVERY_CHARGE);
  }
  if (recovery_charge_overcurrent(&f->recovery)) {
    flags |= BMS_FLAG(BMS_FLAG_BIT_RECOVERY_CHARGE_OVERCURRENT);
  }
  return flags;
}

/* ---- AFE (re)configuration and communication failures ---- */

static void restart_afe(bms_context *f, uint32_t now_ms) {
  afe_configuration_start(&f->afe_setup, &f->config);
  f->state = BMS_STATE_STARTUP;
  f->state_entered_ms = now_ms;
  f->measurements_valid = 0u;
  f->afe_consecutive_failures = 0u;
  f->afe_power = AFE_POWER_AWAKE;
  f->sleep_command_pending = 0u;
  fet_control_invalidate(&f->fets);
  f->balancing_command_valid = 0u;
}

static void latch(bms_context *f, bms_flag_bit bit, uint32_t now_ms, int32_t value) {
  if ((f->latched_flags & BMS_FLAG(bit)) == 0u) {
    f->latched_flags |= BMS_FLAG(bit);
    record_flag(f, bit, 1, 0u, now_ms, value);
  }
}

/* Any failed AFE transaction: N in a row is a communication failure. */
static void afe_transaction_failed(bms_context *f, bq76952_result result, uint32_t now_ms) {
  ++f->afe_consecutive_failures;
  if (f->afe_consecutive_failures >= f->config.afe_communication_failure_limit) {
    latch(f, BMS_FLAG_BIT_AFE_COMMUNICATION, now_ms, (int32_t)result);
    fet_control_invalidate(&f->fets); /* keep trying ALL_FETS_OFF */
  }
}

static void afe_transaction_result(bms_context *f, bq76952_result result, uint32_t now_ms) {
  if (result == BQ76952_OK) {
    f->afe_consecutive_failures = 0u;
  } else {
    afe_transaction_failed(f, result, now_ms);
  }
}

static void step_afe_setup(bms_context *f, uint32_t now_ms) {
  const afe_configuration_phase before = f->afe_setup.phase;
  if (before == AFE_CONFIGURATION_DONE || before == AFE_CONFIGURATION_FAILED) {
    return;
  }
  const afe_configuration_phase after = afe_configuration_step(&f->afe_setup, f->hal, &f->config);
  if (after == AFE_CONFIGURATION_DONE) {
    record(f, FAULT_LOG_CODE_AFE_CONFIGURED, 1u, 0u, now_ms, (int32_t)f->afe_setup.verify_rounds_failed);
    f->attempted_once = 0u; /* measure at once */
  } else if (after == AFE_CONFIGURATION_FAILED) {
    latch(f, BMS_FLAG_BIT_AFE_CONFIGURATION, now_ms,
          (int32_t)((uint32_t)f->afe_setup.failure << 16 | f->afe_setup.last_mismatch_address));
  }
}

/* ---- Measurements and what follows from them ---- */

/* The chip's own Safety Status bits and the firmware flag each one raises. */
typedef struct afe_status_flag {
  uint8_t status_register; /* 0: Safety Status A, 1: B, 2: C */
  uint8_t status_bits;
  bms_flag_bit flag;
} afe_status_flag;

static const afe_status_flag afe_status_flags[] = {
    {0u, BQ76952_SAFETY_A_CUV, BMS_FLAG_BIT_CELL_UNDERVOLTAGE},
    {0u, BQ76952_SAFETY_A_COV, BMS_FLAG_BIT_CELL_OVERVOLTAGE},
    {2u, BQ76952_SAFETY_C_COVL, BMS_FLAG_BIT_CELL_OVERVOLTAGE},
    {0u, BQ76952_SAFETY_A_OCC, BMS_FLAG_BIT_CHARGE_OVERCURRENT},
    {0u, BQ76952_SAFETY_A_OCD1 | BQ76952_SAFETY_A_OCD2, BMS_FLAG_BIT_DISCHARGE_OVERCURRENT},
    {2u, BQ76952_SAFETY_C_OCD3 | BQ76952_SAFETY_C_OCDL, BMS_FLAG_BIT_DISCHARGE_OVERCURRENT},
    {1u, BQ76952_SAFETY_B_OTC, BMS_FLAG_BIT_CHARGE_OVERTEMPERATURE},
    {1u, BQ76952_SAFETY_B_UTC, BMS_FLAG_BIT_CHARGE_UNDERTEMPERATURE},
    {1u, BQ76952_SAFETY_B_OTD | BQ76952_SAFETY_B_OTINT | BQ76952_SAFETY_B_OTF, BMS_FLAG_BIT_DISCHARGE_OVERTEMPERATURE},
    {1u, BQ76952_SAFETY_B_UTD | BQ76952_SAFETY_B_UTINT, BMS_FLAG_BIT_DISCHARGE_UNDERTEMPERATURE},
};

static void update_afe_flags(bms_context *f, uint32_t now_ms) {
  const afe_measurements *m = &f->measurements;
  const uint8_t status[3] = {m->safety_status_a, m->safety_status_b, m->safety_status_c};
  uint32_t flags = 0u;
  for (uint32_t i = 0; i < sizeof afe_status_flags / sizeof afe_status_flags[0]; ++i) {
    if ((status[afe_status_flags[i].status_register] & afe_status_flags[i].status_bits) != 0u) {
      flags |= BMS_FLAG(afe_status_flags[i].flag);
    }
  }
  const uint32_t changed = flags ^ f->logged_afe_flags;
  const int32_t raw_status = (int32_t)((uint32_t)status[0] | ((uint32_t)status[1] << 8) | ((uint32_t)status[2] << 16));
  for (uint32_t bit = 0; bit < (uint32_t)BMS_FLAG_BIT_COUNT; ++bit) {
    if ((changed & (1u << bit)) != 0u) {
      record_flag(f, (bms_flag_bit)bit, (flags & (1u << bit)) != 0u, 0u, now_ms, raw_status);
    }
  }
  f->logged_afe_flags = flags;
  f->afe_flags = flags;
  /* A short circuit is latched here even though the chip recovers on its own. */
  if ((status[0] & BQ76952_SAFETY_A_SCD) != 0u || (status[2] & BQ76952_SAFETY_C_SCDL) != 0u) {
    latch(f, BMS_FLAG_BIT_SHORT_CIRCUIT, now_ms, raw_status);
  }
}

static void update_overcurrent(bms_context *f, overcurrent_budget *budget, const overcurrent_limits *limits,
                               bms_flag_bit bit, uint32_t current_ma, uint32_t dt_ms, uint32_t now_ms) {
  const overcurrent_event event = overcurrent_budget_update(budget, limits, current_ma, dt_ms, now_ms);
  const int32_t value = (int32_t)current_ma;
  if (event == OVERCURRENT_EVENT_TRIPPED) {
    record_flag(f, bit, 1, 0u, now_ms, value);
  } else if (event == OVERCURRENT_EVENT_LATCHED) {
    latch(f, bit, now_ms, value);
  } else if (event == OVERCURRENT_EVENT_RELEASED) {
    record_flag(f, bit, 0, 0u, now_ms, value);
  }
}

static void update_protections(bms_context *f, uint32_t dt_ms, uint32_t now_ms) {
  const afe_measurements *m = &f->measurements;
  threshold_protection_event events[THRESHOLD_PROTECTION_COUNT];
  const uint32_t count =
      threshold_protections_update(&f->thresholds, &f->config, m, now_ms, events, THRESHOLD_PROTECTION_COUNT);
  for (uint32_t i = 0; i < count; ++i) {
    record_flag(f, events[i].flag, events[i].event == PROTECTION_EVENT_TRIPPED, events[i].cell_number, now_ms,
                events[i].value);
  }
  const int32_t current_ma = m->current_into_pack_ma;
  const overcurrent_limits charge_budget = charge_overcurrent_limits(&f->config);
  const overcurrent_limits discharge_budget = discharge_overcurrent_limits(&f->config);
  update_overcurrent(f, &f->charge_overcurrent, &charge_budget, BMS_FLAG_BIT_CHARGE_OVERCURRENT,
                     current_ma > 0 ? (uint32_t)current_ma : 0u, dt_ms, now_ms);
  update_overcurrent(f, &f->discharge_overcurrent, &discharge_budget, BMS_FLAG_BIT_DISCHARGE_OVERCURRENT,
                     current_ma < 0 ? (uint32_t)(-(int64_t)current_ma) : 0u, dt_ms, now_ms);
  switch (recovery_charge_update(&f->recovery, &f->config, m, f->waking, now_ms)) {
    case RECOVERY_CHARGE_EVENT_STARTED:
      record_flag(f, BMS_FLAG_BIT_RECOVERY_CHARGE, 1, m->min_cell_index + 1u, now_ms, (int32_t)m->min_cell_mv);
      break;
    case RECOVERY_CHARGE_EVENT_FINISHED:
      record_flag(f, BMS_FLAG_BIT_RECOVERY_CHARGE, 0, m->min_cell_index + 1u, now_ms, (int32_t)m->min_cell_mv);
      break;
    case RECOVERY_CHARGE_EVENT_OVERCURRENT:
      record_flag(f, BMS_FLAG_BIT_RECOVERY_CHARGE_OVERCURRENT, 1, 0u, now_ms, current_ma);
      break;
    case RECOVERY_CHARGE_EVENT_OVERCURRENT_RELEASED:
      record_flag(f, BMS_FLAG_BIT_RECOVERY_CHARGE_OVERCURRENT, 0, 0u, now_ms, current_ma);
      break;
    case RECOVERY_CHARGE_EVENT_NONE:
    default:
      break;
  }
}

static void update_estimation(bms_context *f, uint32_t dt_ms, uint32_t now_ms) {
  if (!f->measured_once) {
    soc_estimator_start(&f->soc, &f->config, &f->measurements, now_ms);
    return;
  }
  const soc_event event = soc_estimator_update(&f->soc, &f->config, &f->measurements, dt_ms, now_ms);
  if (event != SOC_EVENT_NONE) {
    record(f, FAULT_LOG_CODE_SOC_ANCHORED, 1u, 0u, now_ms, (int32_t)f->soc.last_anchor_soc_permille);
  }
  if (event == SOC_EVENT_CAPACITY_MEASURED) {
    record(f, FAULT_LOG_CODE_CAPACITY_MEASURED, 1u, 0u, now_ms, (int32_t)soc_estimator_full_capacity_mah(&f->soc));
  }
}

static int operating(bms_state state) {
  return state == BMS_STATE_STANDBY || state == BMS_STATE_NORMAL || state == BMS_STATE_CHARGE_INHIBIT ||
         state == BMS_STATE_DISCHARGE_INHIBIT;
}

static void update_decisions(bms_context *f, uint32_t now_ms) {
  const afe_measurements *m = &f->measurements;
  const uint32_t flags = bms_context_active_flags(f);
  const int deeply_discharged = m->min_cell_mv < f->config.deep_discharge_cell_mv ||
                                (flags & BMS_FLAG(BMS_FLAG_BIT_CELL_UNDERVOLTAGE)) != 0u;
  const int balancing_allowed = operating(f->state) && (flags & BMS_FLAGS_BLOCKING_BALANCING) == 0u;
  const uint16_t balancing_cells = cell_balancing_update(&f->balancing, &f->config, m, balancing_allowed, now_ms);
  power_request request = power_manager_update(&f->power, &f->config, m, deeply_discharged, now_ms);
  if (request == POWER_REQUEST_SLEEP && balancing_cells != 0u) {
    request = POWER_REQUEST_NONE; /* a balancing pack is not idle: the chip would end it in SLEEP */
  }
  f->power_request = (operating(f->state) || f->state == BMS_STATE_SLEEP) ? request : POWER_REQUEST_NONE;
  f->wake_requested = (uint8_t)(f->state == BMS_STATE_SLEEP && f->afe_power == AFE_POWER_SLEEP &&
                                power_manager_should_wake(&f->config, m, charger_detected(f)));
}

static void process_measurements(bms_context *f, uint32_t now_ms) {
  /* The integration step; after a gap (AFE shut down, reconfigured) nothing
   * is known about the current in between, so the step is capped. */
  const uint32_t longest_period_ms = f->config.sleep_poll_interval_ms > f->config.measurement_period_ms
                                         ? f->config.sleep_poll_interval_ms
                                         : f->config.measurement_period_ms;
  const uint32_t elapsed_ms = f->measured_once ? (uint32_t)(now_ms - f->last_measurement_ms) : 0u;
  const uint32_t dt_ms = elapsed_ms > 2u * longest_period_ms ? 2u * longest_period_ms : elapsed_ms;
  f->last_measurement_ms = now_ms;
  const afe_measurements *m = &f->measurements;
  if ((m->battery_status & BQ76952_BATTERY_STATUS_POR) != 0u && !f->afe_por_ignored) {
    if (f->state == BMS_STATE_STARTUP) {
      f->afe_por_ignored = 1u; /* still set right after EXIT_CFGUPDATE: this chip never clears it */
    } else {
      record(f, FAULT_LOG_CODE_AFE_RESET_DETECTED, 1u, 0u, now_ms, (int32_t)m->battery_status);
      restart_afe(f, now_ms);
      return;
    }
  }
  fet_control_verify(&f->fets, m->fet_status);
  update_afe_flags(f, now_ms);
  update_protections(f, dt_ms, now_ms);
  update_estimation(f, dt_ms, now_ms);
  f->measured_once = 1u;
  f->measurements_valid = 1u;
  f->waking = 0u;
  update_decisions(f, now_ms);
}

static void measure(bms_context *f, uint32_t now_ms) {
  const uint32_t period_ms = f->state == BMS_STATE_SLEEP ? f->config.sleep_poll_interval_ms
                                                         : f->config.measurement_period_ms;
  if (f->attempted_once && (uint32_t)(now_ms - f->last_attempt_ms) < period_ms) {
    return;
  }
  f->attempted_once = 1u;
  f->last_attempt_ms = now_ms;
  const bq76952_result result = afe_measurements_read(f->hal, &f->config, now_ms, &f->measurements);
  afe_transaction_result(f, result, now_ms);
  if (result == BQ76952_OK) {
    process_measurements(f, now_ms);
  }
}

/* ---- State machine and outputs ---- */

static void enter_state(bms_context *f, bms_state from, bms_state to, uint32_t now_ms) {
  f->state = to;
  f->state_entered_ms = now_ms;
  log_text line;
  log_text_start(&line);
  log_text_append(&line, "state ");
  log_text_append(&line, bms_state_name(from));
  log_text_append(&line, " -> ");
  log_text_append(&line, bms_state_name(to));
  log_line(f, &line);
  f->wake_requested = 0u;
  if (to == BMS_STATE_SLEEP) {
    if (f->power_request == POWER_REQUEST_SHUTDOWN) {
      f->afe_power = AFE_POWER_SHUTTING_DOWN;
      f->shutdown_commands_sent = 0u;
      record(f, FAULT_LOG_CODE_SHUTDOWN, 1u, f->measurements.min_cell_index + 1u, now_ms,
             (int32_t)f->measurements.min_cell_mv);
    } else {
      f->afe_power = AFE_POWER_SLEEP;
      f->sleep_command = BQ76952_SUBCMD_SLEEP_ENABLE;
      f->sleep_command_pending = 1u;
      record(f, FAULT_LOG_CODE_SLEEP, 1u, f->measurements.min_cell_index + 1u, now_ms,
             (int32_t)f->measurements.min_cell_mv);
    }
  } else if (from == BMS_STATE_SLEEP) {
    f->afe_power = AFE_POWER_AWAKE;
    f->sleep_command = BQ76952_SUBCMD_SLEEP_DISABLE;
    f->sleep_command_pending = 1u;
    f->power = (power_manager){0}; /* idle time starts again */
    f->power_request = POWER_REQUEST_NONE;
    record(f, FAULT_LOG_CODE_WAKE, 1u, 0u, now_ms, f->measurements.current_into_pack_ma);
  }
}

static void evaluate_state(bms_context *f, uint32_t now_ms) {
  const uint32_t flags = bms_context_active_flags(f);
  const int comm_loss_open = inverter_link_fets_must_open(&f->inverter);
  bms_state_inputs *in = &f->inputs;
  in->afe_configured = f->afe_setup.phase == AFE_CONFIGURATION_DONE;
  in->afe_setup_failed = f->afe_setup.phase == AFE_CONFIGURATION_FAILED;
  in->measurements_valid = f->measurements_valid;
  in->latched_flags = f->latched_flags;
  in->charge_blocked = (flags & BMS_FLAGS_BLOCKING_CHARGE) != 0u || comm_loss_open;
  in->discharge_blocked = (flags & BMS_FLAGS_BLOCKING_DISCHARGE) != 0u || comm_loss_open;
  in->sleep_requested = f->power_request != POWER_REQUEST_NONE;
  in->wake_requested = f->wake_requested;
  const bms_state next = bms_state_next(f->state, in);
  if (next != f->state) {
    enter_state(f, f->state, next, now_ms);
  }
  if (f->state == BMS_STATE_SLEEP && f->afe_power == AFE_POWER_SLEEP &&
      f->power_request == POWER_REQUEST_SHUTDOWN) {
    f->afe_power = AFE_POWER_SHUTTING_DOWN; /* asleep, and now deeply discharged too */
    f->shutdown_commands_sent = 0u;
    record(f, FAULT_LOG_CODE_SHUTDOWN, 1u, f->measurements.min_cell_index + 1u, now_ms,
           (int32_t)f->measurements.min_cell_mv);
  }
  bms_state_fets(f->state, in, &f->charge_on, &f->discharge_on);
  if (f->afe_power == AFE_POWER_SHUTTING_DOWN) {
    f->charge_on = 0;
    f->discharge_on = 0;
  }
}

static void apply_outputs(bms_context *f, uint32_t now_ms) {
  if (f->state == BMS_STATE_STARTUP && f->afe_setup.phase != AFE_CONFIGURATION_DONE) {
    return; /* the configuration sequence owns the bus and keeps the FETs off */
  }
  const bms_hal *hal = f->hal;
  bq76952_result result = fet_control_apply(&f->fets, hal, f->charge_on, f->discharge_on);
  if (result != BQ76952_OK) {
    afe_transaction_failed(f, result, now_ms);
    return;
  }
  const uint16_t cells = operating(f->state) ? f->balancing.active_cells : 0u;
  if (!f->balancing_command_valid || cells != f->balancing_commanded_cells) {
    const uint16_t inputs = cell_balancing_input_mask(&f->config, cells);
    const uint8_t bytes[2] = {(uint8_t)(inputs & 0xFFu), (uint8_t)(inputs >> 8)};
    result = bq76952_transfer_write(hal, BQ76952_SUBCMD_CB_ACTIVE_CELLS, bytes, sizeof bytes);
    uint8_t read_back[2] = {0u, 0u};
    if (result == BQ76952_OK) {
      result = bq76952_transfer_read(hal, BQ76952_SUBCMD_CB_ACTIVE_CELLS, read_back, sizeof read_back);
    }
    if (result != BQ76952_OK) {
      afe_transaction_failed(f, result, now_ms);
      return;
    }
    if (read_back[0] != bytes[0] || read_back[1] != bytes[1]) {
      ++f->balancing_refusals; /* the chip refused it: not retried until the selection changes */
    }
    f->balancing_commanded_cells = cells;
    f->balancing_command_valid = 1u;
  }
  if (f->sleep_command_pending) {
    result = bq76952_subcommand(hal, f->sleep_command);
    if (result != BQ76952_OK) {
      afe_transaction_failed(f, result, now_ms);
      return;
    }
    f->sleep_command_pending = 0u;
  }
  if (f->afe_power == AFE_POWER_SHUTTING_DOWN) {
    /* Sent twice in a row (within 4 s), which a sealed chip requires; an
     * unsealed one may already be gone after the first (a NACK then is the
     * sign it went down). */
    result = bq76952_subcommand(hal, BQ76952_SUBCMD_SHUTDOWN);
    if (result == BQ76952_OK || (result == BQ76952_ERROR_NACK && f->shutdown_commands_sent > 0u)) {
      if (++f->shutdown_commands_sent >= 2u || result == BQ76952_ERROR_NACK) {
        f->afe_power = AFE_POWER_SHUTDOWN;
        f->last_attempt_ms = now_ms;
      }
    } else {
      afe_transaction_failed(f, result, now_ms);
    }
  }
}

/* While the AFE is shut down: poll it; an answer means a charger woke it. */
static void poll_shut_down_afe(bms_context *f, uint32_t now_ms) {
  if ((uint32_t)(now_ms - f->last_attempt_ms) < f->config.sleep_poll_interval_ms) {
    return;
  }
  f->last_attempt_ms = now_ms;
  uint16_t battery_status = 0u;
  if (bq76952_read_u16(f->hal, BQ76952_CMD_BATTERY_STATUS, &battery_status) == BQ76952_OK) {
    record(f, FAULT_LOG_CODE_WAKE, 1u, 0u, now_ms, 0);
    restart_afe(f, now_ms);
    f->waking = 1u;
    f->power = (power_manager){0};
  }
}

/* ---- Buses ---- */

static service_view make_service_view(const bms_context *f) {
  service_view view;
  memset(&view, 0, sizeof view);
  view.measurements = f->measured_once ? &f->measurements : NULL;
  view.log = &f->log;
  view.state = f->state;
  view.active_flags = bms_context_active_flags(f);
  view.latched_flags = f->latched_flags;
  view.soc_permille = soc_estimator_soc_permille(&f->soc);
  view.soh_permille = soc_estimator_soh_permille(&f->soc, &f->config);
  view.remaining_mah = soc_estimator_remaining_mah(&f->soc);
  view.full_capacity_mah = soc_estimator_full_capacity_mah(&f->soc);
  view.cycle_count = f->soc.cycle_count;
  view.balancing_cells = f->balancing_command_valid ? f->balancing_commanded_cells : 0u;
  view.comm_loss_factor_permille = f->inverter.factor_permille;
  view.afe_consecutive_failures = f->afe_consecutive_failures;
  view.charge_limit_ma = f->limits.charge_current_ma;
  view.discharge_limit_ma = f->limits.discharge_current_ma;
  return view;
}

/* The causes of latched faults that persist now (0: a reset may clear them all). */
static uint32_t persisting_causes(const bms_context *f) {
  uint32_t persisting = 0u;
  const int afe_answering = f->afe_consecutive_failures == 0u && f->measured_once;
  const uint32_t afe_faults = BMS_FLAG(BMS_FLAG_BIT_AFE_COMMUNICATION) | BMS_FLAG(BMS_FLAG_BIT_AFE_CONFIGURATION);
  if ((f->latched_flags & afe_faults) != 0u && !afe_answering) {
    persisting |= f->latched_flags & afe_faults;
  }
  if ((f->latched_flags & BMS_FLAG(BMS_FLAG_BIT_SHORT_CIRCUIT)) != 0u) {
    const int short_present = (f->measurements.safety_status_a & BQ76952_SAFETY_A_SCD) != 0u ||
                              (f->measurements.safety_status_c & BQ76952_SAFETY_C_SCDL) != 0u;
    if (!afe_answering || short_present) {
      persisting |= BMS_FLAG(BMS_FLAG_BIT_SHORT_CIRCUIT);
    }
  }
  const overcurrent_limits charge = charge_overcurrent_limits(&f->config);
  const overcurrent_limits discharge = discharge_overcurrent_limits(&f->config);
  if ((f->latched_flags & BMS_FLAG(BMS_FLAG_BIT_CHARGE_OVERCURRENT)) != 0u &&
      !overcurrent_budget_cause_gone(&f->charge_overcurrent, &charge)) {
    persisting |= BMS_FLAG(BMS_FLAG_BIT_CHARGE_OVERCURRENT);
  }
  if ((f->latched_flags & BMS_FLAG(BMS_FLAG_BIT_DISCHARGE_OVERCURRENT)) != 0u &&
      !overcurrent_budget_cause_gone(&f->discharge_overcurrent, &discharge)) {
    persisting |= BMS_FLAG(BMS_FLAG_BIT_DISCHARGE_OVERCURRENT);
  }
  return persisting;
}

/* JBD 0xE1: the service tool's MOS control, and the reset of latched faults. */
static uint8_t handle_mos_control(bms_context *f, const struct jbd_mos_control *request, uint32_t now_ms) {
  const uint32_t locks = (request->charge_fet_off ? BMS_FLAG(BMS_FLAG_BIT_SERVICE_CHARGE_LOCK) : 0u) |
                         (request->discharge_fet_off ? BMS_FLAG(BMS_FLAG_BIT_SERVICE_DISCHARGE_LOCK) : 0u);
  if (locks != 0u) {
    f->service_lock_flags = locks; /* turning FETs off is always allowed */
    return JBD_STATUS_OK;
  }
  if (f->latched_flags == 0u) {
    f->service_lock_flags = 0u;
    return JBD_STATUS_OK;
  }
  const uint32_t persisting = persisting_causes(f);
  if (persisting != 0u) {
    record(f, FAULT_LOG_CODE_FAULT_RESET_REFUSED, 1u, 0u, now_ms, (int32_t)persisting);
    return JBD_STATUS_ERROR;
  }
  const uint32_t cleared = f->latched_flags;
  f->latched_flags = 0u;
  f->service_lock_flags = 0u;
  overcurrent_budget_reset(&f->charge_overcurrent);
  overcurrent_budget_reset(&f->discharge_overcurrent);
  record(f, FAULT_LOG_CODE_FAULT_RESET, 1u, 0u, now_ms, (int32_t)cleared);
  if ((cleared & (BMS_FLAG(BMS_FLAG_BIT_AFE_COMMUNICATION) | BMS_FLAG(BMS_FLAG_BIT_AFE_CONFIGURATION))) != 0u) {
    restart_afe(f, now_ms); /* the chip's settings are unknown after a communication loss */
  }
  return JBD_STATUS_OK;
}

static void serve(bms_context *f, uint32_t now_ms) {
  struct jbd_request request;
  if (!service_port_receive(&f->service, f->hal, now_ms, &request)) {
    return;
  }
  const service_view view = make_service_view(f);
  struct jbd_response response;
  struct jbd_mos_control mos_control = {false, false};
  if (service_protocol_handle(&request, &view, &response, &mos_control) == SERVICE_ACTION_MOS_CONTROL) {
    jbd_encode_status_response(JBD_CMD_MOS_CONTROL, handle_mos_control(f, &mos_control, now_ms), &response);
  }
  service_port_send(&f->service, f->hal, &response);
}

static void update_limits(bms_context *f) {
  const charge_limit_inputs inputs = {soc_estimator_soc_permille(&f->soc), f->charge_on, f->discharge_on,
                                      recovery_charge_active(&f->recovery), f->inverter.factor_permille};
  f->limits = charge_limits_compute(&f->config, &f->measurements, &inputs);
}

static void transmit_to_inverter(bms_context *f, uint32_t now_ms) {
  if (f->can_transmitted_once && (uint32_t)(now_ms - f->last_can_transmit_ms) < f->config.can_period_ms) {
    return;
  }
  f->can_transmitted_once = 1u;
  f->last_can_transmit_ms = now_ms;
  const overcurrent_limits charge = charge_overcurrent_limits(&f->config);
  inverter_view view;
  memset(&view, 0, sizeof view);
  view.measurements = f->measured_once ? &f->measurements : NULL;
  view.limits = f->limits;
  view.soc_permille = soc_estimator_soc_permille(&f->soc);
  view.soh_permille = soc_estimator_soh_permille(&f->soc, &f->config);
  view.active_flags = bms_context_active_flags(f);
  view.pending_flags = threshold_protections_pending_flags(&f->thresholds);
  view.charge_allowed = f->limits.charge_current_ma > 0u;
  view.discharge_allowed = f->limits.discharge_current_ma > 0u;
  view.recovery_charge = recovery_charge_active(&f->recovery);
  view.charge_current_high = overcurrent_budget_fill(&f->charge_overcurrent, &charge) > 0.5f;
  struct pylon_status status;
  inverter_messages_build(&f->config, &view, &status);
  f->can_frames_refused += inverter_messages_send(f->hal, &status);
}

/* ---- Entry points ---- */

BMS_FIRMWARE_EXPORT const bms_firmware_info *bms_firmware_info_get(void) { return &firmware_info; }

BMS_FIRMWARE_EXPORT int bms_init(const bms_hal *hal) {
  memset(&firmware, 0, sizeof firmware);
  if (hal == NULL) {
    return -1;
  }
  if ((hal->version >> 16) != BMS_HAL_VERSION_MAJOR) {
    return -2;
  }
  if (hal->i2c_write == NULL || hal->i2c_write_read == NULL || hal->can_send == NULL || hal->can_receive == NULL ||
      hal->uart_write == NULL || hal->uart_read == NULL || hal->millis == NULL) {
    return -3;
  }
  bms_context *f = &firmware;
  const uint32_t now_ms = hal->millis(hal->host);
  f->config_source = config_storage_load(hal, &f->config);
  f->hal = hal;
  fault_log_clear(&f->log);
  record(f, FAULT_LOG_CODE_BOOT, 1u, 0u, now_ms, (int32_t)f->config_source);
  inverter_link_start(&f->inverter);
  service_port_start(&f->service);
  restart_afe(f, now_ms);
  f->waking = 1u;
  return 0;
}

BMS_FIRMWARE_EXPORT void bms_tick(void) {
  bms_context *f = &firmware;
  if (f->hal == NULL) {
    return;
  }
  const uint32_t now_ms = f->hal->millis(f->hal->host);
  if (f->afe_power == AFE_POWER_SHUTDOWN) {
    poll_shut_down_afe(f, now_ms);
    return;
  }
  inverter_link_receive(&f->inverter, f->hal, now_ms);
  switch (inverter_link_update(&f->inverter, &f->config, now_ms)) {
    case INVERTER_LINK_EVENT_LOST:
      record_flag(f, BMS_FLAG_BIT_INVERTER_COMMUNICATION_LOSS, 1, 0u, now_ms, (int32_t)f->inverter.heartbeats);
      break;
    case INVERTER_LINK_EVENT_RESTORED:
      record_flag(f, BMS_FLAG_BIT_INVERTER_COMMUNICATION_LOSS, 0, 0u, now_ms, (int32_t)f->inverter.heartbeats);
      break;
    case INVERTER_LINK_EVENT_NONE:
    default:
      break;
  }
  if (f->state == BMS_STATE_STARTUP) {
    step_afe_setup(f, now_ms);
  }
  if (f->state != BMS_STATE_STARTUP || f->afe_setup.phase == AFE_CONFIGURATION_DONE) {
    measure(f, now_ms);
  }
  evaluate_state(f, now_ms);
  apply_outputs(f, now_ms);
  update_limits(f);
  serve(f, now_ms);
  transmit_to_inverter(f, now_ms);
}

const bms_context *bms_firmware_context(void) { return &firmware; }

/* ---- What a host may observe (bms_hal.h, bms_observables_get) ---- */

static const char *const state_names[] = {"startup",           "standby",       "normal", "charge_inhibit",
                                          "discharge_inhibit", "fault_latched", "sleep"};
static const char *const afe_power_names[] = {"awake", "sleep", "shutting_down", "shutdown"};

/* BMS_OBSERVABLE_ENUM reads an int. */
_Static_assert(sizeof(bms_state) == sizeof(int) && sizeof(afe_power_mode) == sizeof(int), "enums are int-sized");

#define OBSERVE(name, unit, type, field, description) \
  {name, unit, type, &firmware.field, NULL, 0u, description}
#define OBSERVE_ENUM(name, field, names, description) \
  {name, "", BMS_OBSERVABLE_ENUM, &firmware.field, names, (uint32_t)(sizeof names / sizeof names[0]), description}

static const bms_observable observables[] = {
    OBSERVE_ENUM("state", state, state_names, "operating state (bms_state_machine.h)"),
    OBSERVE("afe_flags", "", BMS_OBSERVABLE_U32, afe_flags, "the chip's Safety Status as BMS_FLAG bits"),
    OBSERVE("latched_flags", "", BMS_OBSERVABLE_U32, latched_flags, "faults that need a service reset"),
    OBSERVE("service_lock_flags", "", BMS_OBSERVABLE_U32, service_lock_flags, "FETs the service tool turned off"),
    OBSERVE("charge_on", "", BMS_OBSERVABLE_I32, charge_on, "charge FET requested on"),
    OBSERVE("discharge_on", "", BMS_OBSERVABLE_I32, discharge_on, "discharge FET requested on"),
    OBSERVE_ENUM("afe_power", afe_power, afe_power_names, "what the firmware did to the AFE's power"),
    OBSERVE("remaining_uah", "uAh", BMS_OBSERVABLE_I32, soc.remaining_uah, "coulomb counter: charge left"),
    OBSERVE("full_capacity_uah", "uAh", BMS_OBSERVABLE_U32, soc.full_capacity_uah, "learned full capacity"),
    OBSERVE("cycle_count", "", BMS_OBSERVABLE_U32, soc.cycle_count, "full equivalent cycles counted"),
    OBSERVE("balancing_cells", "", BMS_OBSERVABLE_U16, balancing.active_cells, "cells bleeding (bit k: cell k+1)"),
    OBSERVE("min_cell_mv", "mV", BMS_OBSERVABLE_U32, measurements.min_cell_mv, "lowest cell, last measurement"),
    OBSERVE("max_cell_mv", "mV", BMS_OBSERVABLE_U32, measurements.max_cell_mv, "highest cell, last measurement"),
    OBSERVE("stack_mv", "mV", BMS_OBSERVABLE_U32, measurements.stack_mv, "stack voltage, last measurement"),
    OBSERVE("current_into_pack_ma", "mA", BMS_OBSERVABLE_I32, measurements.current_into_pack_ma,
            "CC2 current, + = charging (TI's sign)"),
    OBSERVE("max_temperature_dc", "0.1 degC", BMS_OBSERVABLE_I32, measurements.max_temperature_dc,
            "hottest thermistor"),
    OBSERVE("min_temperature_dc", "0.1 degC", BMS_OBSERVABLE_I32, measurements.min_temperature_dc,
            "coldest thermistor"),
    OBSERVE("afe_consecutive_failures", "", BMS_OBSERVABLE_U32, afe_consecutive_failures,
            "AFE reads that failed in a row"),
    OBSERVE("charge_limit_ma", "mA", BMS_OBSERVABLE_U32, limits.charge_current_ma, "charge current limit sent on CAN"),
    OBSERVE("discharge_limit_ma", "mA", BMS_OBSERVABLE_U32, limits.discharge_current_ma,
            "discharge current limit sent on CAN"),
    OBSERVE("inverter_heartbeats", "", BMS_OBSERVABLE_U32, inverter.heartbeats, "inverter heartbeats received"),
    OBSERVE("comm_loss_factor_permille", "permille", BMS_OBSERVABLE_U32, inverter.factor_permille,
            "share of the limits left while the inverter is silent"),
};

BMS_FIRMWARE_EXPORT const bms_observable *bms_observables_get(size_t *count) {
  if (count != NULL) {
    *count = sizeof observables / sizeof observables[0];
  }
  return observables;
}
