/*
 * soc_estimator.c: see soc_estimator.h.
 */
#include "bms_under_test/firmware/soc_estimator.h"

uint32_t soc_from_ocv_permille(const bms_config *config, uint32_t cell_mv) {
  const uint32_t *soc = config->ocv_table_soc_permille;
  const uint32_t *mv = config->ocv_table_cell_mv;
  if (cell_mv <= mv[0]) {
    return soc[0];
  }
  for (uint32_t i = 1; i < BMS_OCV_TABLE_POINTS; ++i) {
    if (cell_mv <= mv[i]) {
      const uint32_t span_mv = mv[i] - mv[i - 1u];
      const uint32_t span_soc = soc[i] - soc[i - 1u];
      return soc[i - 1u] + ((cell_mv - mv[i - 1u]) * span_soc + span_mv / 2u) / span_mv;
    }
  }
  return soc[BMS_OCV_TABLE_POINTS - 1u];
}

static uint32_t average_cell_mv(const afe_measurements *measurements) {
  uint32_t sum = 0u;
  for (uint32_t i = 0; i < measurements->cell_count; ++i) {
    sum += measurements->cell_mv[i];
  }
  return measurements->cell_count > 0u ? (sum + measurements->cell_count / 2u) / measurements->cell_count : 0u;
}

static int32_t charge_at_soc_uah(uint32_t full_capacity_uah, uint32_t soc_permille) {
  return (int32_t)(((uint64_t)full_capacity_uah * soc_permille + 500u) / 1000u);
}

void soc_estimator_start(soc_estimator *estimator, const bms_config *config, const afe_measurements *measurements,
                         uint32_t now_ms) {
  *estimator = (soc_estimator){0};
  estimator->full_capacity_uah = config->nominal_capacity_mah * 1000u;
  estimator->remaining_uah =
      charge_at_soc_uah(estimator->full_capacity_uah, soc_from_ocv_permille(config, average_cell_mv(measurements)));
  estimator->rest_since_ms = now_ms;
}

static void count_charge(soc_estimator *estimator, int32_t current_ma, uint32_t dt_ms) {
  estimator->remainder_ma_ms += current_ma * (int32_t)dt_ms;
  const int32_t whole_uah = estimator->remainder_ma_ms / SOC_MICROAMP_HOUR_IN_MILLIAMP_MILLISECONDS;
  estimator->remainder_ma_ms -= whole_uah * SOC_MICROAMP_HOUR_IN_MILLIAMP_MILLISECONDS;
  estimator->counted_since_anchor_uah += whole_uah;
  estimator->remaining_uah += whole_uah;
  if (estimator->remaining_uah < 0) {
    estimator->remaining_uah = 0;
  } else if ((uint32_t)estimator->remaining_uah > estimator->full_capacity_uah) {
    estimator->remaining_uah = (int32_t)estimator->full_capacity_uah;
  }
  if (whole_uah < 0) {
    estimator->discharged_since_cycle_uah += (uint32_t)(-whole_uah);
    if (estimator->discharged_since_cycle_uah >= estimator->full_capacity_uah) {
      estimator->discharged_since_cycle_uah -= estimator->full_capacity_uah;
      ++estimator->cycle_count;
    }
  }
}

static soc_event anchor(soc_estimator *estimator, const bms_config *config, uint32_t ocv_soc_permille) {
  soc_event event = SOC_EVENT_ANCHORED;
  if (estimator->has_anchor) {
    const int32_t soc_change = (int32_t)ocv_soc_permille - (int32_t)estimator->last_anchor_soc_permille;
    const int32_t span = soc_change < 0 ? -soc_change : soc_change;
    const int same_direction = (soc_change > 0 && estimator->counted_since_anchor_uah > 0) ||
                               (soc_change < 0 && estimator->counted_since_anchor_uah < 0);
    if (span >= (int32_t)config->soh_min_anchor_span_permille && same_direction) {
      const int64_t capacity_uah = ((int64_t)estimator->counted_since_anchor_uah * 1000) / soc_change;
      const int64_t nominal_uah = (int64_t)config->nominal_capacity_mah * 1000;
      if (capacity_uah * 10 >= nominal_uah * 3 && capacity_uah * 10 <= nominal_uah * 12) {
        estimator->full_capacity_uah = (uint32_t)capacity_uah;
        event = SOC_EVENT_CAPACITY_MEASURED;
      }
    }
  }
  estimator->remaining_uah = charge_at_soc_uah(estimator->full_capacity_uah, ocv_soc_permille);
  estimator->last_anchor_soc_permille = ocv_soc_permille;
  estimator->counted_since_anchor_uah = 0;
  estimator->has_anchor = 1u;
  estimator->anchored_this_rest = 1u;
  return event;
}

soc_event soc_estimator_update(soc_estimator *estimator, const bms_config *config,
                               const afe_measurements *measurements, uint32_t dt_ms, uint32_t now_ms) {
  const int32_t current_ma = measurements->current_into_pack_ma;
  count_charge(estimator, current_ma, dt_ms);
  const int32_t magnitude_ma = current_ma < 0 ? -current_ma : current_ma;
  if (magnitude_ma >= (int32_t)config->rest_current_ma) {
    estimator->at_rest = 0u;
    estimator->anchored_this_rest = 0u;
    return SOC_EVENT_NONE;
  }
  if (!estimator->at_rest) {
    estimator->at_rest = 1u;
    estimator->rest_since_ms = now_ms;
  }
  if (estimator->anchored_this_rest || (uint32_t)(now_ms - estimator->rest_since_ms) < config->ocv_rest_time_ms) {
    return SOC_EVENT_NONE;
  }
  const uint32_t ocv_soc_permille = soc_from_ocv_permille(config, average_cell_mv(measurements));
  if (ocv_soc_permille > config->ocv_anchor_low_soc_permille &&
      ocv_soc_permille < config->ocv_anchor_high_soc_permille) {
    return SOC_EVENT_NONE; /* on the plateau the OCV says little */
  }
  return anchor(estimator, config, ocv_soc_permille);
}

uint32_t soc_estimator_soc_permille(const soc_estimator *estimator) {
  if (estimator->full_capacity_uah == 0u) {
    return 0u;
  }
  return (uint32_t)(((uint64_t)(uint32_t)estimator->remaining_uah * 1000u + estimator->full_capacity_uah / 2u) /
                    estimator->full_capacity_uah);
}

uint32_t soc_estimator_soh_permille(const soc_estimator *estimator, const bms_config *config) {
  return (estimator->full_capacity_uah + config->nominal_capacity_mah / 2u) / config->nominal_capacity_mah;
}

uint32_t soc_estimator_remaining_mah(const soc_estimator *estimator) {
  return ((uint32_t)estimator->remaining_uah + 500u) / 1000u;
}

uint32_t soc_estimator_full_capacity_mah(const soc_estimator *estimator) {
  return (estimator->full_capacity_uah + 500u) / 1000u;
}
