/*
 * bms_state_machine.c: see bms_state_machine.h.
 */
#include "bms_under_test/firmware/bms_state_machine.h"

static bms_state operating_state(const bms_state_inputs *in) {
  if (in->charge_blocked && in->discharge_blocked) {
    return BMS_STATE_STANDBY;
  }
  if (in->charge_blocked) {
    return BMS_STATE_CHARGE_INHIBIT;
  }
  if (in->discharge_blocked) {
    return BMS_STATE_DISCHARGE_INHIBIT;
  }
  return BMS_STATE_NORMAL;
}

bms_state bms_state_next(bms_state current, const bms_state_inputs *in) {
  switch (current) {
    case BMS_STATE_STARTUP:
      if (in->afe_setup_failed || in->latched_flags != 0u) {
        return BMS_STATE_FAULT_LATCHED;
      }
      if (!in->afe_configured || !in->measurements_valid) {
        return BMS_STATE_STARTUP;
      }
      return operating_state(in);
    case BMS_STATE_FAULT_LATCHED:
      return in->latched_flags != 0u ? BMS_STATE_FAULT_LATCHED : BMS_STATE_STANDBY;
    case BMS_STATE_SLEEP:
      if (in->latched_flags != 0u) {
        return BMS_STATE_FAULT_LATCHED;
      }
      /* Straight to the state the allowed directions give: passing through
       * STANDBY would open the FETs for a tick under the charge or load that woke us. */
      return in->wake_requested ? operating_state(in) : BMS_STATE_SLEEP;
    case BMS_STATE_STANDBY:
    case BMS_STATE_NORMAL:
    case BMS_STATE_CHARGE_INHIBIT:
    case BMS_STATE_DISCHARGE_INHIBIT:
    default:
      if (in->latched_flags != 0u) {
        return BMS_STATE_FAULT_LATCHED;
      }
      if (in->sleep_requested) {
        return BMS_STATE_SLEEP;
      }
      return operating_state(in);
  }
}

void bms_state_fets(bms_state state, const bms_state_inputs *in, int *charge_on, int *discharge_on) {
  switch (state) {
    case BMS_STATE_NORMAL:
    case BMS_STATE_CHARGE_INHIBIT:
    case BMS_STATE_DISCHARGE_INHIBIT:
    case BMS_STATE_SLEEP:
      *charge_on = !in->charge_blocked;
      *discharge_on = !in->discharge_blocked;
      break;
    case BMS_STATE_STARTUP:
    case BMS_STATE_STANDBY:
    case BMS_STATE_FAULT_LATCHED:
    default:
      *charge_on = 0;
      *discharge_on = 0;
      break;
  }
}

const char *bms_state_name(bms_state state) {
  switch (state) {
    case BMS_STATE_STARTUP:
      return "startup";
    case BMS_STATE_STANDBY:
      return "standby";
    case BMS_STATE_NORMAL:
      return "normal";
    case BMS_STATE_CHARGE_INHIBIT:
      return "charge-inhibit";
    case BMS_STATE_DISCHARGE_INHIBIT:
      return "discharge-inhibit";
    case BMS_STATE_FAULT_LATCHED:
      return "fault-latched";
    case BMS_STATE_SLEEP:
      return "sleep";
    default:
      return "unknown";
  }
}
