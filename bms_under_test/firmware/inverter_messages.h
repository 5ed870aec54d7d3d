/*
 * inverter_messages.h: the Pylontech-style 1 Hz frame set
 * (bms_under_test/bus/pylontech_can.h) filled from the firmware's state.
 *
 *   0x351  limits (charge_limits.h): 0 while a direction is forbidden
 *   0x355  SOC, SOH
 *   0x356  stack voltage, CC2 current, average cell temperature
 *   0x359  protections: byte0 OV (cell/pack), UV, OT, UT, discharge OC (and
 *          short circuit); byte1 charge OC, internal error (AFE communication
 *          or configuration). Warnings (byte2) are the same conditions while
 *          their delay is still running; byte3: charge high current (bucket
 *          over half full), internal comms fail (AFE communication). 1 module.
 *   0x35C  charge enable / discharge enable when allowed; force charge 1
 *          during a recovery charge; force charge 2 below 5 % SOC; full charge
 *          requested while the cells are imbalanced (top balancing needs it)
 *   0x35E  bms_config.inverter_manufacturer_name
 */
#ifndef INVERTER_MESSAGES_H
#define INVERTER_MESSAGES_H

#include <stdint.h>

#include "bms_under_test/bus/pylontech_can.h"
#include "bms_under_test/firmware/afe_measurements.h"
#include "bms_under_test/firmware/bms_config.h"
#include "bms_under_test/firmware/charge_limits.h"
#include "bms_under_test/hal/bms_hal.h"

#ifdef __cplusplus
extern "C" {
#endif

#define INVERTER_MESSAGES_FORCE_CHARGE_SOC_PERMILLE 50u

typedef struct inverter_view {
  const afe_measurements *measurements; /* NULL before the first measurement */
  charge_limits limits;
  uint32_t soc_permille;
  uint32_t soh_permille;
  uint32_t active_flags;  /* BMS_FLAG bits */
  uint32_t pending_flags; /* conditions whose delay is running */
  int charge_allowed;
  int discharge_allowed;
  int recovery_charge;
  int charge_current_high;
} inverter_view;

void inverter_messages_build(const bms_config *config, const inverter_view *view, struct pylon_status *status);

/* Sends the set; returns how many frames the HAL refused. */
uint32_t inverter_messages_send(const bms_hal *hal, const struct pylon_status *status);

#ifdef __cplusplus
}
#endif

#endif /* INVERTER_MESSAGES_H */
