/*
 * recovery_charge.h: the gentle charge a deeply discharged pack needs (the
 * "lab supply" recovery).
 *
 * When the lowest cell is below recovery_charge_below_cell_mv the pack may
 * only take a small charge. Waking up (at boot, or after the AFE's SHUTDOWN)
 * the bar is higher: any cell below recovery_charge_exit_cell_mv, as after a
 * deep discharge the first charge must be gentle. During the recovery
 * discharging is forbidden, the inverter is offered recovery_charge_current_ma
 * and asked to force-charge, and a charge current
 * above recovery_charge_overcurrent_ma for RECOVERY_CHARGE_OVERCURRENT_DELAY_MS
 * opens the charge FET for recovery_charge_holdoff_ms. Once every cell has
 * stayed above recovery_charge_exit_cell_mv for RECOVERY_CHARGE_EXIT_CONFIRM_MS,
 * normal charging resumes.
 */
#ifndef RECOVERY_CHARGE_H
#define RECOVERY_CHARGE_H

#include <stdint.h>

#include "bms_under_test/firmware/afe_measurements.h"
#include "bms_under_test/firmware/bms_config.h"
#include "bms_under_test/firmware/protection_monitor.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RECOVERY_CHARGE_OVERCURRENT_DELAY_MS 1000u
#define RECOVERY_CHARGE_EXIT_CONFIRM_MS 10000u

typedef enum recovery_charge_event {
  RECOVERY_CHARGE_EVENT_NONE = 0,
  RECOVERY_CHARGE_EVENT_STARTED,
  RECOVERY_CHARGE_EVENT_FINISHED,
  RECOVERY_CHARGE_EVENT_OVERCURRENT,
  RECOVERY_CHARGE_EVENT_OVERCURRENT_RELEASED
} recovery_charge_event;

typedef struct recovery_charge {
  protection_monitor deep_discharge; /* tripped = recovery charge active */
  protection_monitor overcurrent;    /* tripped = charge FET held open */
  uint8_t initialised;
} recovery_charge;

/* waking: this is the first measurement after boot or after a SHUTDOWN wake. */
recovery_charge_event recovery_charge_update(recovery_charge *recovery, const bms_config *config,
                                             const afe_measurements *measurements, int waking, uint32_t now_ms);

int recovery_charge_active(const recovery_charge *recovery);
int recovery_charge_overcurrent(const recovery_charge *recovery);

#ifdef __cplusplus
}
#endif

#endif /* RECOVERY_CHARGE_H */
