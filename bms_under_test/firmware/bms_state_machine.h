/*
 * bms_state_machine.h: the reference BMS's operating states and the rules
 * between them, as a pure function of the conditions the firmware gathered.
 *
 *   STARTUP            configuring the AFE; FETs off
 *     -> FAULT_LATCHED     configuration failed
 *     -> (as below)        configured and one full measurement taken
 *   STANDBY            both directions forbidden by conditions that clear
 *                      themselves (comm loss, temperature, both voltage limits...); FETs off
 *   NORMAL             charge and discharge allowed; both FETs on
 *   CHARGE_INHIBIT     discharge only; CHG FET off
 *   DISCHARGE_INHIBIT  charge only (incl. the recovery charge); DSG FET off
 *   FAULT_LATCHED      a latched fault (short circuit, AFE communication or
 *                      configuration, repeated over-current); FETs off until the
 *                      service tool's reset is accepted -> STANDBY
 *   SLEEP              idle (AFE SLEEP, FETs as before) or deeply discharged
 *                      (AFE SHUTDOWN); -> STANDBY on wake
 * From every operating state: a latched fault -> FAULT_LATCHED (first), a
 * sleep request -> SLEEP, otherwise the allowed directions pick among
 * NORMAL / CHARGE_INHIBIT / DISCHARGE_INHIBIT / STANDBY.
 */
#ifndef BMS_STATE_MACHINE_H
#define BMS_STATE_MACHINE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bms_state {
  BMS_STATE_STARTUP = 0,
  BMS_STATE_STANDBY = 1,
  BMS_STATE_NORMAL = 2,
  BMS_STATE_CHARGE_INHIBIT = 3,
  BMS_STATE_DISCHARGE_INHIBIT = 4,
  BMS_STATE_FAULT_LATCHED = 5,
  BMS_STATE_SLEEP = 6
} bms_state;

typedef struct bms_state_inputs {
  int afe_configured;     /* the boot configuration finished */
  int afe_setup_failed;   /* ... or gave up */
  int measurements_valid; /* at least one full measurement since the configuration */
  uint32_t latched_flags; /* BMS_FLAG bits that need a service reset */
  int charge_blocked;
  int discharge_blocked;
  int sleep_requested;
  int wake_requested;
} bms_state_inputs;

bms_state bms_state_next(bms_state current, const bms_state_inputs *inputs);

/* The FETs each state wants (SLEEP keeps what the allowed directions say). */
void bms_state_fets(bms_state state, const bms_state_inputs *inputs, int *charge_on, int *discharge_on);

const char *bms_state_name(bms_state state);

#ifdef __cplusplus
}
#endif

#endif /* BMS_STATE_MACHINE_H */
