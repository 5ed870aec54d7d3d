/*
 * threshold_protections.h: the firmware's voltage, temperature and imbalance
 * protections, each a protection_monitor with the threshold, delay and
 * hysteresis of bms_config:
 *
 *   cell over-voltage      max cell  > cell_overvoltage_mv            blocks charge
 *   cell under-voltage     min cell  < cell_undervoltage_mv           blocks discharge
 *   pack over-voltage      stack     > pack_overvoltage_mv            blocks charge
 *   pack under-voltage     stack     < pack_undervoltage_mv           blocks discharge
 *   charge over-temp.      max T     > charge_max_temperature_dc      blocks charge
 *   charge under-temp.     min T     < charge_min_temperature_dc      blocks charge
 *   discharge over-temp.   max T     > discharge_max_temperature_dc   blocks both
 *   discharge under-temp.  min T     < discharge_min_temperature_dc   blocks discharge
 *   cell imbalance         max - min > cell_imbalance_mv, at rest     warning
 *
 * Each recovers when the value is back past the threshold by its hysteresis
 * for as long as the trip delay.
 */
#ifndef THRESHOLD_PROTECTIONS_H
#define THRESHOLD_PROTECTIONS_H

#include <stdint.h>

#include "bms_under_test/firmware/afe_measurements.h"
#include "bms_under_test/firmware/bms_config.h"
#include "bms_under_test/firmware/bms_flags.h"
#include "bms_under_test/firmware/protection_monitor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum threshold_protection_id {
  THRESHOLD_PROTECTION_CELL_OVERVOLTAGE = 0,
  THRESHOLD_PROTECTION_CELL_UNDERVOLTAGE,
  THRESHOLD_PROTECTION_PACK_OVERVOLTAGE,
  THRESHOLD_PROTECTION_PACK_UNDERVOLTAGE,
  THRESHOLD_PROTECTION_CHARGE_OVERTEMPERATURE,
  THRESHOLD_PROTECTION_CHARGE_UNDERTEMPERATURE,
  THRESHOLD_PROTECTION_DISCHARGE_OVERTEMPERATURE,
  THRESHOLD_PROTECTION_DISCHARGE_UNDERTEMPERATURE,
  THRESHOLD_PROTECTION_CELL_IMBALANCE,
  THRESHOLD_PROTECTION_COUNT
} threshold_protection_id;

typedef struct threshold_protections {
  protection_monitor monitors[THRESHOLD_PROTECTION_COUNT];
  uint8_t initialised;
} threshold_protections;

/* A trip or a recovery, for the fault log. */
typedef struct threshold_protection_event {
  bms_flag_bit flag;
  protection_event event;
  int32_t value;        /* mV, or 0.1 C for temperatures */
  uint32_t cell_number; /* 1-based cell for cell protections, else 0 */
} threshold_protection_event;

/* Feeds one set of measurements; writes up to capacity events and returns
 * how many. The first call after a reset trips conditions already present at
 * once (protection_monitor_initialise). */
uint32_t threshold_protections_update(threshold_protections *protections, const bms_config *config,
                                      const afe_measurements *measurements, uint32_t now_ms,
                                      threshold_protection_event *events, uint32_t capacity);

/* BMS_FLAG bits of the tripped protections. */
uint32_t threshold_protections_flags(const threshold_protections *protections);

/* BMS_FLAG bits of the protections whose condition holds but whose delay runs. */
uint32_t threshold_protections_pending_flags(const threshold_protections *protections);

#ifdef __cplusplus
}
#endif

#endif /* THRESHOLD_PROTECTIONS_H */
