/*
 * fet_control.h: the protection FETs, commanded through the bq76952's host
 * FET control (FET Options[HOST_FET_EN] = 1; the chip still opens a FET on its
 * own hardware protections, the host can only forbid, never force on).
 *
 *   both allowed      ALL_FETS_ON  (0x0096) clears every host "off" request
 *   both forbidden    ALL_FETS_OFF (0x0095): one data-less command, the most
 *                     likely to get through a failing bus
 *   one forbidden     FET_CONTROL  (0x0097) with CHG_OFF|PCHG_OFF or DSG_OFF|PDSG_OFF:
 *                     sets both drivers in one write, so moving from "charge
 *                     off" to "discharge off" never passes through "both on"
 *                     (CHG_PCHG_OFF / DSG_PDSG_OFF only add an "off" request)
 *
 * A command is sent when the wanted state changes, again until it succeeds,
 * and again when FET Status shows a FET on that was commanded off.
 */
#ifndef FET_CONTROL_H
#define FET_CONTROL_H

#include <stdint.h>

#include "bms_under_test/firmware/bq76952_driver.h"
#include "bms_under_test/hal/bms_hal.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fet_control {
  uint8_t commanded_valid; /* the chip acknowledged commanded_* */
  uint8_t commanded_charge_on;
  uint8_t commanded_discharge_on;
  uint32_t verify_mismatches; /* times FET Status contradicted an "off" */
} fet_control;

/* Sends the command when needed; returns the transaction result (BQ76952_OK
 * when nothing needed sending). */
bq76952_result fet_control_apply(fet_control *control, const bms_hal *hal, int charge_on, int discharge_on);

/* Checks FET Status (0x7F) against what was commanded: a FET that is on
 * although commanded off makes the next apply send again. */
void fet_control_verify(fet_control *control, uint8_t fet_status);

/* Forget what the chip was told (after it reset, or was reconfigured). */
void fet_control_invalidate(fet_control *control);

#ifdef __cplusplus
}
#endif

#endif /* FET_CONTROL_H */
