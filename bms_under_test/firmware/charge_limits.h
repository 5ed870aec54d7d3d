/*
 * charge_limits.h: the charge and discharge limits advertised to the
 * inverter (Pylontech 0x351).
 *
 *   voltage limits    cells x charge_voltage_limit_cell_mv / discharge_voltage_limit_cell_mv
 *   current limits    max current x temperature factor x SOC factor x comm-loss factor,
 *                     0 while the direction is forbidden; a recovery charge caps
 *                     the charge current at recovery_charge_current_ma.
 *   temperature       linear from 0 at the forbid limit to full at the
 *                     *_full_current_* temperature, on both the cold and the hot side
 *                     (the coldest sensor for the cold side, the hottest for the hot side)
 *   SOC               charge: full up to charge_taper_start, then linear down to
 *                     charge_taper_end_factor at 100 %; discharge: full down to
 *                     discharge_taper_start, then linear to discharge_taper_end_factor at 0 %.
 */
#ifndef CHARGE_LIMITS_H
#define CHARGE_LIMITS_H

#include <stdint.h>

#include "bms_under_test/firmware/afe_measurements.h"
#include "bms_under_test/firmware/bms_config.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct charge_limits {
  uint32_t charge_voltage_mv;
  uint32_t charge_current_ma;
  uint32_t discharge_current_ma;
  uint32_t discharge_voltage_mv;
} charge_limits;

typedef struct charge_limit_inputs {
  uint32_t soc_permille;
  int charge_allowed;
  int discharge_allowed;
  int recovery_charge;
  uint32_t comm_loss_factor_permille;
} charge_limit_inputs;

/* 0..1000: linear between (x0, 0) and (x1, 1000), clamped; x0 != x1. */
uint32_t charge_limits_ramp_permille(int32_t x, int32_t x0, int32_t x1);

charge_limits charge_limits_compute(const bms_config *config, const afe_measurements *measurements,
                                    const charge_limit_inputs *inputs);

#ifdef __cplusplus
}
#endif

#endif /* CHARGE_LIMITS_H */
