/*
 * recovery_charge.c: see recovery_charge.h. Both conditions are debounced
 * with a protection_monitor: the deep-discharge one trips at once (the cells
 * are already there) and recovers after the exit confirmation; the
 * over-current one trips after its delay and recovers after the hold-off.
 */
#include "bms_under_test/firmware/recovery_charge.h"

recovery_charge_event recovery_charge_update(recovery_charge *recovery, const bms_config *config,
                                             const afe_measurements *measurements, int waking, uint32_t now_ms) {
  const uint32_t entry_mv = waking ? config->recovery_charge_exit_cell_mv : config->recovery_charge_below_cell_mv;
  const int deep = measurements->min_cell_mv < entry_mv;
  const int recovered = measurements->min_cell_mv >= config->recovery_charge_exit_cell_mv;
  if (!recovery->initialised) {
    recovery->initialised = 1u;
    protection_monitor_initialise(&recovery->overcurrent, 0);
    return protection_monitor_initialise(&recovery->deep_discharge, deep) == PROTECTION_EVENT_TRIPPED
               ? RECOVERY_CHARGE_EVENT_STARTED
               : RECOVERY_CHARGE_EVENT_NONE;
  }
  const protection_event deep_event =
      protection_monitor_update(&recovery->deep_discharge, deep, recovered, 0u, RECOVERY_CHARGE_EXIT_CONFIRM_MS, now_ms);
  if (deep_event == PROTECTION_EVENT_TRIPPED) {
    return RECOVERY_CHARGE_EVENT_STARTED;
  }
  if (deep_event == PROTECTION_EVENT_RECOVERED) {
    protection_monitor_initialise(&recovery->overcurrent, 0);
    return RECOVERY_CHARGE_EVENT_FINISHED;
  }
  if (!recovery->deep_discharge.tripped) {
    return RECOVERY_CHARGE_EVENT_NONE;
  }
  /* During the recovery: too much charge current opens the charge FET for a
   * hold-off; after it the FET closes again (the current is 0 meanwhile). */
  const int too_much = measurements->current_into_pack_ma > (int32_t)config->recovery_charge_overcurrent_ma;
  const protection_event overcurrent_event =
      protection_monitor_update(&recovery->overcurrent, too_much, 1, RECOVERY_CHARGE_OVERCURRENT_DELAY_MS,
                                config->recovery_charge_holdoff_ms, now_ms);
  if (overcurrent_event == PROTECTION_EVENT_TRIPPED) {
    return RECOVERY_CHARGE_EVENT_OVERCURRENT;
  }
  if (overcurrent_event == PROTECTION_EVENT_RECOVERED) {
    return RECOVERY_CHARGE_EVENT_OVERCURRENT_RELEASED;
  }
  return RECOVERY_CHARGE_EVENT_NONE;
}

int recovery_charge_active(const recovery_charge *recovery) { return recovery->deep_discharge.tripped; }

int recovery_charge_overcurrent(const recovery_charge *recovery) {
  return recovery->deep_discharge.tripped && recovery->overcurrent.tripped;
}
