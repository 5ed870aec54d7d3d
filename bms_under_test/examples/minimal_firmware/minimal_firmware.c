/*
 * minimal_firmware.c: the smallest firmware packsim can load. Once a second
 * it reads the 16 cell voltages from the bq76952 (direct commands 0x14..0x32,
 * little-endian signed mV) and reports them as one line of text on the UART
 * and on the HAL log:
 *
 *   t=12000 ms cells mV: 3301 3298 ... 3302
 *   t=13000 ms cells: AFE read failed (-1)
 *
 * Nothing else: no configuration, no protection, no FET control. It shows the
 * plug-in path end to end: build a shared object exporting the three
 * functions of bms_hal.h, then `packsim run --firmware libpacksim_minimal_firmware.so`.
 */
#include <stddef.h>
#include <stdint.h>

#include "bms_under_test/hal/bms_hal.h"

#define MINIMAL_EXPORT __attribute__((visibility("default")))
#define MINIMAL_TICK_PERIOD_MS 100u
#define MINIMAL_REPORT_PERIOD_MS 1000u
#define MINIMAL_AFE_I2C_ADDRESS 0x08u
#define MINIMAL_CELL_COUNT 16u
#define MINIMAL_CELL1_VOLTAGE_COMMAND 0x14u
#define MINIMAL_LINE_CAPACITY 160u

typedef struct minimal_line {
  char text[MINIMAL_LINE_CAPACITY];
  size_t length;
} minimal_line;

/* The firmware's whole state. */
typedef struct minimal_context {
  const bms_hal *hal;
  uint32_t last_report_ms;
  uint8_t reported_once;
} minimal_context;

static minimal_context minimal;

static const bms_firmware_info minimal_info = {BMS_HAL_VERSION, "packsim minimal firmware", "1.0.0",
                                               MINIMAL_TICK_PERIOD_MS};

static void line_append(minimal_line *line, const char *text) {
  for (const char *p = text; *p != '\0' && line->length + 1u < MINIMAL_LINE_CAPACITY; ++p) {
    line->text[line->length++] = *p;
  }
  line->text[line->length] = '\0';
}

static void line_append_number(minimal_line *line, int32_t value) {
  char digits[12];
  size_t count = 0u;
  uint32_t magnitude = value < 0 ? (uint32_t)(-(int64_t)value) : (uint32_t)value;
  do {
    digits[count++] = (char)('0' + (char)(magnitude % 10u));
    magnitude /= 10u;
  } while (magnitude != 0u && count < 10u);
  if (value < 0) {
    digits[count++] = '-';
  }
  char reversed[12];
  for (size_t i = 0; i < count; ++i) {
    reversed[i] = digits[count - 1u - i];
  }
  reversed[count] = '\0';
  line_append(line, reversed);
}

static int read_cell_mv(const bms_hal *hal, uint32_t cell_index, int32_t *cell_mv) {
  const uint8_t command[1] = {(uint8_t)(MINIMAL_CELL1_VOLTAGE_COMMAND + 2u * cell_index)};
  uint8_t bytes[2] = {0u, 0u};
  const int result = hal->i2c_write_read(hal->host, MINIMAL_AFE_I2C_ADDRESS, command, 1u, bytes, 2u);
  if (result == BMS_HAL_OK) {
    const uint32_t raw = (uint32_t)bytes[0] | ((uint32_t)bytes[1] << 8);
    *cell_mv = raw >= 0x8000u ? (int32_t)raw - 0x10000 : (int32_t)raw;
  }
  return result;
}

static void report(const bms_hal *hal, uint32_t now_ms) {
  minimal_line line = {{0}, 0u};
  line_append(&line, "t=");
  line_append_number(&line, (int32_t)(now_ms & 0x7FFFFFFFu));
  line_append(&line, " ms ");
  int32_t cell_mv[MINIMAL_CELL_COUNT];
  int result = BMS_HAL_OK;
  for (uint32_t i = 0; i < MINIMAL_CELL_COUNT && result == BMS_HAL_OK; ++i) {
    result = read_cell_mv(hal, i, &cell_mv[i]);
  }
  if (result == BMS_HAL_OK) {
    line_append(&line, "cells mV:");
    for (uint32_t i = 0; i < MINIMAL_CELL_COUNT; ++i) {
      line_append(&line, " ");
      line_append_number(&line, cell_mv[i]);
    }
  } else {
    line_append(&line, "cells: AFE read failed (");
    line_append_number(&line, result);
    line_append(&line, ")");
  }
  if (hal->log != NULL) {
    hal->log(hal->host, line.text);
  }
  line_append(&line, "\r\n");
  /* The UART never blocks: what does not fit in its buffer now is dropped
   * (the next line follows in a second). */
  (void)hal->uart_write(hal->host, (const uint8_t *)line.text, line.length);
}

MINIMAL_EXPORT const bms_firmware_info *bms_firmware_info_get(void) { return &minimal_info; }

MINIMAL_EXPORT int bms_init(const bms_hal *hal) {
  minimal = (minimal_context){NULL, 0u, 0u};
  if (hal == NULL || (hal->version >> 16) != BMS_HAL_VERSION_MAJOR || hal->i2c_write_read == NULL ||
      hal->uart_write == NULL || hal->millis == NULL) {
    return -1;
  }
  minimal.hal = hal;
  return 0;
}

MINIMAL_EXPORT void bms_tick(void) {
  const bms_hal *hal = minimal.hal;
  if (hal == NULL) {
    return;
  }
  const uint32_t now_ms = hal->millis(hal->host);
  if (minimal.reported_once && (uint32_t)(now_ms - minimal.last_report_ms) < MINIMAL_REPORT_PERIOD_MS) {
    return;
  }
  minimal.reported_once = 1u;
  minimal.last_report_ms = now_ms;
  report(hal, now_ms);
}
