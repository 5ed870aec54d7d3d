/*
 * afe_measurements.h: one coherent set of readings from the bq76952, taken
 * every measurement period with direct commands (TRM SLUUBY2 "Direct Commands").
 */
#ifndef AFE_MEASUREMENTS_H
#define AFE_MEASUREMENTS_H

#include <stdint.h>

#include "bms_under_test/firmware/bms_config.h"
#include "bms_under_test/firmware/bq76952_driver.h"
#include "bms_under_test/hal/bms_hal.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 0 C in the chip's 0.1 K, as JBD tools use it (273.1 K). */
#define AFE_ZERO_CELSIUS_DECIKELVIN 2731

typedef struct afe_measurements {
  uint16_t cell_mv[BMS_MAX_CELLS]; /* cell 1 (most negative) first; negative readings read 0 */
  uint32_t cell_count;
  uint32_t min_cell_mv;
  uint32_t max_cell_mv;
  uint32_t min_cell_index; /* 0-based */
  uint32_t max_cell_index;
  uint32_t stack_mv;            /* top of stack */
  uint32_t pack_pin_mv;         /* PACK pin: above the stack when a charger is connected with FETs off */
  int32_t current_into_pack_ma; /* CC2, TI sign: + = charging */
  int32_t thermistor_dc[BMS_THERMISTOR_COUNT]; /* TS1..TS3 in 0.1 C, valid where the mask has a bit */
  uint32_t thermistor_mask;
  int32_t min_temperature_dc;
  int32_t max_temperature_dc;
  int32_t average_temperature_dc;
  int32_t internal_temperature_dc;
  uint8_t safety_status_a;
  uint8_t safety_status_b;
  uint8_t safety_status_c;
  uint8_t fet_status;
  uint16_t battery_status;
  uint32_t taken_at_ms;
} afe_measurements;

/* Reads everything; *out changes only when every read succeeded. */
bq76952_result afe_measurements_read(const bms_hal *hal, const bms_config *config, uint32_t now_ms,
                                     afe_measurements *out);

/* Conversions of the chip's user units (DA Configuration) to mA and mV. */
int32_t afe_current_ma(int16_t raw, uint32_t da_configuration);
uint32_t afe_stack_mv(int16_t raw, uint32_t da_configuration);

#ifdef __cplusplus
}
#endif

#endif /* AFE_MEASUREMENTS_H */
