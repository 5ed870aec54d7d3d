/*
 * cell_balancing.h: passive top balancing through the bq76952's bleed
 * switches (CB_ACTIVE_CELLS 0x0083: TRM SLUUBY2 "Cell Balancing", TI app note
 * SLUAA81 "host-controlled balancing"; writes need checksum and length).
 *
 * Selection (cell_balancing_select, a pure function):
 *   - a cell starts bleeding when it is above balancing_start_cell_mv and more
 *     than balancing_threshold_mv above the lowest cell; a bleeding cell
 *     continues until it is within balancing_stop_threshold_mv of the lowest;
 *   - the highest cells go first, at most balancing_max_cells at once;
 *   - no two neighbouring cells at once unless balancing_allow_adjacent_cells:
 *     the chip balances adjacent cells only under host control, and two
 *     adjacent switches share an input resistor and draw excess current (TI
 *     E2E, "BQ76952: host control of adjacent cell balancing"; its autonomous
 *     balancing never picks neighbours).
 * When (cell_balancing_update), unless something forbids it (the caller's
 * `allowed`: bms_firmware.c allows it in the operating states without a
 * BMS_FLAGS_BLOCKING_BALANCING flag, so an over-voltage does not stop it), with
 * the selection revised every balancing_evaluation_interval_ms:
 *   - while charging (current above balancing_min_charge_current_ma); it stops
 *     at once when charging stops, and does not start under a new charge until
 *     balancing_rest_holdoff_ms after the last one stopped;
 *   - at rest after a charge (top balancing), whether the charger has left or
 *     the charge FET is open: once the current has stayed within
 *     +-rest_current_ma for balancing_rest_holdoff_ms (the cells have shed the
 *     charge current's rise; a CV charger's trickle counts as rest), the
 *     selection runs on the rested voltages for as long as it finds cells:
 *     hours, with ~35 mA through the chip's ~100 ohm bleed path.
 *     The start voltage is the LFP criterion: for the demo cell 3.4 V at rest
 *     is 99.5 % SOC, in the knee above the plateau where a rested voltage
 *     still tells the charge. On the plateau (3.31-3.32 V over 80-97 % SOC) a
 *     few mV are hysteresis and measurement error, not charge, and bleeding on
 *     them would unbalance the pack; so a cell that relaxes below the start
 *     voltage stops bleeding, and the next charge, which lifts the string into
 *     the knee again, carries on. A discharge (current below -rest_current_ma)
 *     ends the session until the next charge.
 * Masks here are per cell (bit 0 = cell 1); afe_cell_map.h turns them into
 * VC-input bits for the chip.
 */
#ifndef CELL_BALANCING_H
#define CELL_BALANCING_H

#include <stdint.h>

#include "bms_under_test/firmware/afe_measurements.h"
#include "bms_under_test/firmware/bms_config.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cell_balancing {
  uint16_t active_cells;
  uint8_t was_charging;
  uint8_t evaluated_once;
  uint32_t last_evaluation_ms;
  uint32_t charging_stopped_at_ms;
  uint8_t charging_stopped_once;
  uint8_t charged_since_discharge; /* a charge, and no discharge since: rest may balance */
  uint8_t was_resting;
  uint32_t resting_since_ms;
} cell_balancing;

uint16_t cell_balancing_select(const bms_config *config, const afe_measurements *measurements,
                               uint16_t active_cells);

/* Returns the cells that should bleed now; allowed is 0 while anything
 * (a fault, a protection, a state) forbids balancing. */
uint16_t cell_balancing_update(cell_balancing *balancing, const bms_config *config,
                               const afe_measurements *measurements, int allowed, uint32_t now_ms);

/* The chip's CB_ACTIVE_CELLS value (VC-input bits) for a per-cell mask. */
uint16_t cell_balancing_input_mask(const bms_config *config, uint16_t active_cells);

#ifdef __cplusplus
}
#endif

#endif /* CELL_BALANCING_H */
