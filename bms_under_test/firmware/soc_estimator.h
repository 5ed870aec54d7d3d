/*
 * soc_estimator.h: state of charge by coulomb counting, re-anchored from the
 * open-circuit voltage, and state of health from the capacity counted between
 * two anchors.
 *
 * - Counting: the CC2 current is integrated exactly in integers (mA x ms, with
 *   the remainder below 1 uAh carried over), so no charge is lost to rounding.
 * - Start: SOC from the OCV table at the average cell voltage (the best guess
 *   without history; it is not an anchor).
 * - Anchor: after ocv_rest_time_ms with |I| < rest_current_ma, the average
 *   cell voltage gives an OCV SOC. LFP's plateau is flat and hysteretic, so
 *   only an OCV SOC below ocv_anchor_low or above ocv_anchor_high (the knees)
 *   replaces the counted SOC; once per rest.
 * - SOH: when two anchors are at least soh_min_anchor_span apart, the charge
 *   counted between them divided by their SOC difference is the measured
 *   capacity (accepted between 30 % and 120 % of nominal); it becomes the
 *   full-charge capacity and SOH = capacity / nominal.
 */
#ifndef SOC_ESTIMATOR_H
#define SOC_ESTIMATOR_H

#include <stdint.h>

#include "bms_under_test/firmware/afe_measurements.h"
#include "bms_under_test/firmware/bms_config.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SOC_MICROAMP_HOUR_IN_MILLIAMP_MILLISECONDS 3600

typedef struct soc_estimator {
  int32_t remaining_uah;
  uint32_t full_capacity_uah;
  int32_t remainder_ma_ms;           /* integral below 1 uAh, |value| < 3600 */
  int32_t counted_since_anchor_uah;
  uint32_t last_anchor_soc_permille;
  uint8_t has_anchor;
  uint8_t at_rest;
  uint8_t anchored_this_rest;
  uint32_t rest_since_ms;
  uint32_t discharged_since_cycle_uah; /* toward the next full cycle */
  uint32_t cycle_count;
} soc_estimator;

typedef enum soc_event {
  SOC_EVENT_NONE = 0,
  SOC_EVENT_ANCHORED = 1,          /* the OCV replaced the counted SOC */
  SOC_EVENT_CAPACITY_MEASURED = 2  /* ... and measured the capacity as well */
} soc_event;

/* SOC in per mille for a rested cell voltage (linear between table points). */
uint32_t soc_from_ocv_permille(const bms_config *config, uint32_t cell_mv);

void soc_estimator_start(soc_estimator *estimator, const bms_config *config, const afe_measurements *measurements,
                         uint32_t now_ms);

soc_event soc_estimator_update(soc_estimator *estimator, const bms_config *config,
                               const afe_measurements *measurements, uint32_t dt_ms, uint32_t now_ms);

uint32_t soc_estimator_soc_permille(const soc_estimator *estimator);
uint32_t soc_estimator_soh_permille(const soc_estimator *estimator, const bms_config *config);
uint32_t soc_estimator_remaining_mah(const soc_estimator *estimator);
uint32_t soc_estimator_full_capacity_mah(const soc_estimator *estimator);

#ifdef __cplusplus
}
#endif

#endif /* SOC_ESTIMATOR_H */
