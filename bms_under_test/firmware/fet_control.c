/*
 * fet_control.c: see fet_control.h.
 */
#include "bms_under_test/firmware/fet_control.h"

#include "bms_under_test/firmware/bq76952_registers.h"

static bq76952_result send(const bms_hal *hal, int charge_on, int discharge_on) {
  if (charge_on && discharge_on) {
    return bq76952_subcommand(hal, BQ76952_SUBCMD_ALL_FETS_ON);
  }
  if (!charge_on && !discharge_on) {
    return bq76952_subcommand(hal, BQ76952_SUBCMD_ALL_FETS_OFF);
  }
  const uint8_t off_bits = charge_on ? (uint8_t)(BQ76952_FET_CONTROL_DSG_OFF | BQ76952_FET_CONTROL_PDSG_OFF)
                                     : (uint8_t)(BQ76952_FET_CONTROL_CHG_OFF | BQ76952_FET_CONTROL_PCHG_OFF);
  return bq76952_transfer_write(hal, BQ76952_SUBCMD_FET_CONTROL, &off_bits, 1u);
}

bq76952_result fet_control_apply(fet_control *control, const bms_hal *hal, int charge_on, int discharge_on) {
  const uint8_t charge = charge_on ? 1u : 0u;
  const uint8_t discharge = discharge_on ? 1u : 0u;
  if (control->commanded_valid && control->commanded_charge_on == charge &&
      control->commanded_discharge_on == discharge) {
    return BQ76952_OK;
  }
  const bq76952_result result = send(hal, charge, discharge);
  if (result == BQ76952_OK) {
    control->commanded_valid = 1u;
    control->commanded_charge_on = charge;
    control->commanded_discharge_on = discharge;
  } else {
    control->commanded_valid = 0u;
  }
  return result;
}

void fet_control_verify(fet_control *control, uint8_t fet_status) {
  if (!control->commanded_valid) {
    return;
  }
  const int charge_on = (fet_status & (BQ76952_FET_STATUS_CHG | BQ76952_FET_STATUS_PCHG)) != 0u;
  const int discharge_on = (fet_status & (BQ76952_FET_STATUS_DSG | BQ76952_FET_STATUS_PDSG)) != 0u;
  if ((charge_on && !control->commanded_charge_on) || (discharge_on && !control->commanded_discharge_on)) {
    ++control->verify_mismatches;
    control->commanded_valid = 0u;
  }
}

void fet_control_invalidate(fet_control *control) { control->commanded_valid = 0u; }
