/*
 * afe_measurements.c: see afe_measurements.h.
 */
#include "bms_under_test/firmware/afe_measurements.h"

#include "bms_under_test/firmware/afe_cell_map.h"
#include "bms_under_test/firmware/bq76952_registers.h"

int32_t afe_current_ma(int16_t raw, uint32_t da_configuration) {
  /* USER_AMPS: 0 = 0.1 mA, 1 = 1 mA, 2 = 10 mA, 3 = 100 mA (TRM 13.3, DA Configuration). */
  switch (da_configuration & 0x3u) {
    case 0u:
      return (int32_t)raw / 10;
    case 2u:
      return (int32_t)raw * 10;
    case 3u:
      return (int32_t)raw * 100;
    default:
      return (int32_t)raw;
  }
}

uint32_t afe_stack_mv(int16_t raw, uint32_t da_configuration) {
  /* USER_VOLTS_CV: 1 = 10 mV units, 0 = mV. */
  const int32_t millivolts = (da_configuration & 0x4u) != 0u ? (int32_t)raw * 10 : (int32_t)raw;
  return millivolts < 0 ? 0u : (uint32_t)millivolts;
}

static const uint8_t thermistor_commands[BMS_THERMISTOR_COUNT] = {
    BQ76952_CMD_TS1_TEMPERATURE, BQ76952_CMD_TS2_TEMPERATURE, BQ76952_CMD_TS3_TEMPERATURE};

static int32_t celsius_dc(int16_t decikelvin) { return (int32_t)decikelvin - AFE_ZERO_CELSIUS_DECIKELVIN; }

bq76952_result afe_measurements_read(const bms_hal *hal, const bms_config *config, uint32_t now_ms,
                                     afe_measurements *out) {
  afe_measurements m = {0};
  bq76952_result result = bq76952_read_u16(hal, BQ76952_CMD_BATTERY_STATUS, &m.battery_status);
  m.cell_count = config->cell_count;
  m.min_cell_mv = UINT32_MAX;
  /* One block transfer of all 16 inputs beats 16 addressed reads on the bus. */
  uint8_t cell_bytes[2u * AFE_CELL_INPUT_COUNT] = {0u};
  if (result == BQ76952_OK) {
    result = bq76952_read_block(hal, BQ76952_CMD_CELL1_VOLTAGE, cell_bytes, sizeof cell_bytes);
  }
  for (uint32_t cell = 0; cell < config->cell_count && result == BQ76952_OK; ++cell) {
    const uint32_t input = afe_cell_input(config->cell_count, cell);
    const int16_t raw =
        (int16_t)(uint16_t)((uint16_t)cell_bytes[2u * input] | (uint16_t)((uint16_t)cell_bytes[2u * input + 1u] << 8));
    const uint32_t mv = raw < 0 ? 0u : (uint32_t)raw;
    m.cell_mv[cell] = (uint16_t)mv;
    if (mv < m.min_cell_mv) {
      m.min_cell_mv = mv;
      m.min_cell_index = cell;
    }
    if (mv > m.max_cell_mv) {
      m.max_cell_mv = mv;
      m.max_cell_index = cell;
    }
  }
  int16_t raw = 0;
  if (result == BQ76952_OK) {
    result = bq76952_read_i16(hal, BQ76952_CMD_STACK_VOLTAGE, &raw);
    m.stack_mv = afe_stack_mv(raw, config->afe_da_configuration);
  }
  if (result == BQ76952_OK) {
    result = bq76952_read_i16(hal, BQ76952_CMD_PACK_PIN_VOLTAGE, &raw);
    m.pack_pin_mv = afe_stack_mv(raw, config->afe_da_configuration);
  }
  if (result == BQ76952_OK) {
    result = bq76952_read_i16(hal, BQ76952_CMD_CC2_CURRENT, &raw);
    m.current_into_pack_ma = afe_current_ma(raw, config->afe_da_configuration);
  }
  int32_t temperature_sum = 0;
  uint32_t temperature_count = 0u;
  m.min_temperature_dc = INT32_MAX;
  m.max_temperature_dc = INT32_MIN;
  for (uint32_t pin = 0; pin < BMS_THERMISTOR_COUNT && result == BQ76952_OK; ++pin) {
    if ((config->thermistor_pin_mask & (1u << pin)) == 0u) {
      continue;
    }
    result = bq76952_read_i16(hal, thermistor_commands[pin], &raw);
    const int32_t temperature_dc = celsius_dc(raw);
    m.thermistor_dc[pin] = temperature_dc;
    m.thermistor_mask |= 1u << pin;
    temperature_sum += temperature_dc;
    ++temperature_count;
    m.min_temperature_dc = temperature_dc < m.min_temperature_dc ? temperature_dc : m.min_temperature_dc;
    m.max_temperature_dc = temperature_dc > m.max_temperature_dc ? temperature_dc : m.max_temperature_dc;
  }
  if (result == BQ76952_OK) {
    result = bq76952_read_i16(hal, BQ76952_CMD_INTERNAL_TEMPERATURE, &raw);
    m.internal_temperature_dc = celsius_dc(raw);
  }
  if (temperature_count == 0u) { /* no thermistor fitted: the die temperature stands in */
    m.min_temperature_dc = m.internal_temperature_dc;
    m.max_temperature_dc = m.internal_temperature_dc;
    m.average_temperature_dc = m.internal_temperature_dc;
  } else {
    m.average_temperature_dc = temperature_sum / (int32_t)temperature_count;
  }
  if (result == BQ76952_OK) {
    result = bq76952_read_u8(hal, BQ76952_CMD_SAFETY_STATUS_A, &m.safety_status_a);
  }
  if (result == BQ76952_OK) {
    result = bq76952_read_u8(hal, BQ76952_CMD_SAFETY_STATUS_B, &m.safety_status_b);
  }
  if (result == BQ76952_OK) {
    result = bq76952_read_u8(hal, BQ76952_CMD_SAFETY_STATUS_C, &m.safety_status_c);
  }
  if (result == BQ76952_OK) {
    result = bq76952_read_u8(hal, BQ76952_CMD_FET_STATUS, &m.fet_status);
  }
  if (result == BQ76952_OK) {
    m.taken_at_ms = now_ms;
    *out = m;
  }
  return result;
}
