/*
 * bq76952_driver.c: see bq76952_driver.h. The sequences follow TRM SLUUBY2
 * section 3.1 and TI's software development guide SLUAA11 (sections 2 and 3:
 * subcommands, reading and writing data memory, CONFIG_UPDATE mode).
 */
#include "bms_under_test/firmware/bq76952_driver.h"

#include "bms_under_test/firmware/bq76952_registers.h"

static bq76952_result result_from_hal(int hal_result) {
  if (hal_result == BMS_HAL_OK) {
    return BQ76952_OK;
  }
  return hal_result == BMS_HAL_NACK ? BQ76952_ERROR_NACK : BQ76952_ERROR_BUS;
}

static bq76952_result read_registers(const bms_hal *hal, uint8_t command, uint8_t *data, size_t length) {
  const uint8_t register_address[1] = {command};
  return result_from_hal(hal->i2c_write_read(hal->host, BQ76952_I2C_ADDRESS, register_address, 1u, data, length));
}

static bq76952_result write_registers(const bms_hal *hal, uint8_t command, const uint8_t *data, size_t length) {
  uint8_t frame[1u + BQ76952_TRANSFER_BUFFER_SIZE];
  if (length > BQ76952_TRANSFER_BUFFER_SIZE) {
    return BQ76952_ERROR_LENGTH;
  }
  frame[0] = command;
  for (size_t i = 0; i < length; ++i) {
    frame[1u + i] = data[i];
  }
  return result_from_hal(hal->i2c_write(hal->host, BQ76952_I2C_ADDRESS, frame, 1u + length));
}

static bq76952_result write_subcommand_address(const bms_hal *hal, uint16_t address) {
  const uint8_t address_bytes[2] = {(uint8_t)(address & 0xFFu), (uint8_t)(address >> 8)};
  return write_registers(hal, BQ76952_CMD_SUBCOMMAND_LOW, address_bytes, sizeof address_bytes);
}

uint8_t bq76952_transfer_checksum(uint16_t address, const uint8_t *data, size_t length) {
  uint32_t sum = (uint32_t)(address & 0xFFu) + (uint32_t)(address >> 8);
  for (size_t i = 0; i < length; ++i) {
    sum += data[i];
  }
  return (uint8_t)(~sum & 0xFFu);
}

bq76952_result bq76952_read_u8(const bms_hal *hal, uint8_t command, uint8_t *value) {
  return read_registers(hal, command, value, 1u);
}

bq76952_result bq76952_read_block(const bms_hal *hal, uint8_t first_command, uint8_t *data, size_t length) {
  return read_registers(hal, first_command, data, length);
}

bq76952_result bq76952_read_u16(const bms_hal *hal, uint8_t command, uint16_t *value) {
  uint8_t bytes[2] = {0u, 0u};
  const bq76952_result result = read_registers(hal, command, bytes, sizeof bytes);
  if (result == BQ76952_OK) {
    *value = (uint16_t)((uint16_t)bytes[0] | (uint16_t)((uint16_t)bytes[1] << 8));
  }
  return result;
}

bq76952_result bq76952_read_i16(const bms_hal *hal, uint8_t command, int16_t *value) {
  uint16_t raw = 0u;
  const bq76952_result result = bq76952_read_u16(hal, command, &raw);
  if (result == BQ76952_OK) {
    /* Two's complement without an implementation-defined conversion. */
    *value = (int16_t)(raw >= 0x8000u ? (int32_t)raw - 0x10000 : (int32_t)raw);
  }
  return result;
}

bq76952_result bq76952_write_u16(const bms_hal *hal, uint8_t command, uint16_t value) {
  const uint8_t bytes[2] = {(uint8_t)(value & 0xFFu), (uint8_t)(value >> 8)};
  return write_registers(hal, command, bytes, sizeof bytes);
}

bq76952_result bq76952_subcommand(const bms_hal *hal, uint16_t subcommand) {
  return write_subcommand_address(hal, subcommand);
}

bq76952_result bq76952_transfer_write(const bms_hal *hal, uint16_t address, const uint8_t *data,
                                      size_t length) {
  if (length == 0u || length > BQ76952_TRANSFER_BUFFER_SIZE) {
    return BQ76952_ERROR_LENGTH;
  }
  bq76952_result result = write_subcommand_address(hal, address);
  if (result != BQ76952_OK) {
    return result;
  }
  result = write_registers(hal, BQ76952_CMD_TRANSFER_BUFFER, data, length);
  if (result != BQ76952_OK) {
    return result;
  }
  /* Checksum and length in one transaction: the device acts when 0x61 is written. */
  const uint8_t trailer[2] = {bq76952_transfer_checksum(address, data, length),
                              (uint8_t)(length + BQ76952_TRANSFER_LENGTH_OVERHEAD)};
  return write_registers(hal, BQ76952_CMD_TRANSFER_CHECKSUM, trailer, sizeof trailer);
}

bq76952_result bq76952_transfer_read(const bms_hal *hal, uint16_t address, uint8_t *data, size_t length) {
  if (length == 0u || length > BQ76952_TRANSFER_BUFFER_SIZE) {
    return BQ76952_ERROR_LENGTH;
  }
  bq76952_result result = write_subcommand_address(hal, address);
  if (result != BQ76952_OK) {
    return result;
  }
  /* The device reads back 0xFF 0xFF at 0x3E/0x3F until the command completes,
   * then the subcommand address (TRM 3.1). */
  int completed = 0;
  for (uint32_t attempt = 0; attempt < BQ76952_POLL_ATTEMPTS && !completed; ++attempt) {
    uint8_t echo[2] = {0u, 0u};
    result = read_registers(hal, BQ76952_CMD_SUBCOMMAND_LOW, echo, sizeof echo);
    if (result != BQ76952_OK) {
      return result;
    }
    completed = echo[0] == (uint8_t)(address & 0xFFu) && echo[1] == (uint8_t)(address >> 8);
  }
  if (!completed) {
    return BQ76952_ERROR_NOT_READY;
  }
  uint8_t trailer[2] = {0u, 0u}; /* checksum (0x60), length (0x61) */
  result = read_registers(hal, BQ76952_CMD_TRANSFER_CHECKSUM, trailer, sizeof trailer);
  if (result != BQ76952_OK) {
    return result;
  }
  const uint8_t total_length = trailer[1];
  if (total_length < BQ76952_TRANSFER_LENGTH_OVERHEAD + length ||
      total_length > BQ76952_TRANSFER_LENGTH_OVERHEAD + BQ76952_TRANSFER_BUFFER_SIZE) {
    return BQ76952_ERROR_LENGTH;
  }
  const size_t data_length = (size_t)total_length - BQ76952_TRANSFER_LENGTH_OVERHEAD;
  uint8_t buffer[BQ76952_TRANSFER_BUFFER_SIZE];
  result = read_registers(hal, BQ76952_CMD_TRANSFER_BUFFER, buffer, data_length);
  if (result != BQ76952_OK) {
    return result;
  }
  if (bq76952_transfer_checksum(address, buffer, data_length) != trailer[0]) {
    return BQ76952_ERROR_CHECKSUM;
  }
  for (size_t i = 0; i < length; ++i) {
    data[i] = buffer[i];
  }
  return BQ76952_OK;
}

static bq76952_result change_config_update(const bms_hal *hal, uint16_t subcommand, int expect_config_update) {
  bq76952_result result = bq76952_subcommand(hal, subcommand);
  if (result != BQ76952_OK) {
    return result;
  }
  for (uint32_t attempt = 0; attempt < BQ76952_POLL_ATTEMPTS; ++attempt) {
    uint16_t battery_status = 0u;
    result = bq76952_read_u16(hal, BQ76952_CMD_BATTERY_STATUS, &battery_status);
    if (result != BQ76952_OK) {
      return result;
    }
    const int in_config_update = (battery_status & BQ76952_BATTERY_STATUS_CFGUPDATE) != 0u;
    if (in_config_update == expect_config_update) {
      return BQ76952_OK;
    }
  }
  return BQ76952_ERROR_MODE;
}

bq76952_result bq76952_config_update_enter(const bms_hal *hal) {
  return change_config_update(hal, BQ76952_SUBCMD_SET_CFGUPDATE, 1);
}

bq76952_result bq76952_config_update_exit(const bms_hal *hal) {
  return change_config_update(hal, BQ76952_SUBCMD_EXIT_CFGUPDATE, 0);
}
