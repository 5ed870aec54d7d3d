/*
 * charge_limits.c: see charge_limits.h.
 */
#include "bms_under_test/firmware/charge_limits.h"

uint32_t charge_limits_ramp_permille(int32_t x, int32_t x0, int32_t x1) {
  const int32_t span = x1 - x0;
  const int32_t progress = x - x0;
  if (span > 0 ? progress <= 0 : progress >= 0) {
    return 0u;
  }
  if (span > 0 ? progress >= span : progress <= span) {
    return 1000u;
  }
  return (uint32_t)(((int64_t)progress * 1000) / span);
}

static uint32_t minimum(uint32_t a, uint32_t b) { return a < b ? a : b; }

static uint32_t scale(uint32_t value, uint32_t factor_permille) {
  return (uint32_t)(((uint64_t)value * factor_permille) / 1000u);
}

static uint32_t taper(uint32_t soc_permille, uint32_t start_permille, uint32_t end_factor_permille, int toward_full) {
  /* Full current on the far side of start_permille; linear to end_factor at the end of the range. */
  const uint32_t position = toward_full ? charge_limits_ramp_permille((int32_t)soc_permille, (int32_t)start_permille, 1000)
                                        : charge_limits_ramp_permille((int32_t)soc_permille, (int32_t)start_permille, 0);
  return 1000u - scale(1000u - end_factor_permille, position);
}

charge_limits charge_limits_compute(const bms_config *config, const afe_measurements *measurements,
                                    const charge_limit_inputs *inputs) {
  charge_limits limits = {0u, 0u, 0u, 0u};
  limits.charge_voltage_mv = config->cell_count * config->charge_voltage_limit_cell_mv;
  limits.discharge_voltage_mv = config->cell_count * config->discharge_voltage_limit_cell_mv;

  const uint32_t charge_temperature_factor =
      minimum(charge_limits_ramp_permille(measurements->min_temperature_dc, config->charge_min_temperature_dc,
                                          config->charge_full_current_min_temperature_dc),
              charge_limits_ramp_permille(measurements->max_temperature_dc, config->charge_max_temperature_dc,
                                          config->charge_full_current_max_temperature_dc));
  const uint32_t discharge_temperature_factor =
      minimum(charge_limits_ramp_permille(measurements->min_temperature_dc, config->discharge_min_temperature_dc,
                                          config->discharge_full_current_min_temperature_dc),
              charge_limits_ramp_permille(measurements->max_temperature_dc, config->discharge_max_temperature_dc,
                                          config->discharge_full_current_max_temperature_dc));
  const uint32_t charge_soc_factor =
      taper(inputs->soc_permille, config->charge_taper_start_soc_permille, config->charge_taper_end_factor_permille, 1);
  const uint32_t discharge_soc_factor = taper(inputs->soc_permille, config->discharge_taper_start_soc_permille,
                                              config->discharge_taper_end_factor_permille, 0);

  if (inputs->charge_allowed) {
    uint32_t current_ma = scale(config->max_charge_current_ma, charge_temperature_factor);
    current_ma = scale(current_ma, charge_soc_factor);
    current_ma = scale(current_ma, inputs->comm_loss_factor_permille);
    if (inputs->recovery_charge) {
      current_ma = minimum(current_ma, config->recovery_charge_current_ma);
    }
    limits.charge_current_ma = current_ma;
  }
  if (inputs->discharge_allowed) {
    uint32_t current_ma = scale(config->max_discharge_current_ma, discharge_temperature_factor);
    current_ma = scale(current_ma, discharge_soc_factor);
    limits.discharge_current_ma = scale(current_ma, inputs->comm_loss_factor_permille);
  }
  return limits;
}
