/*
 * bq76952_driver.h: the I2C transport to a TI bq76952, as TRM SLUUBY2 section 3
 * describes it: direct commands (little-endian register reads), subcommands
 * and data memory through the 0x3E/0x3F address, the 0x40 transfer buffer,
 * the 0x60 checksum and the 0x61 length, and CONFIG_UPDATE mode.
 *
 * Every function is one bounded sequence of HAL calls (no waiting on the
 * clock): a subcommand whose result is not ready within a few polls reports
 * BQ76952_ERROR_NOT_READY and the caller retries on a later tick.
 */
#ifndef BQ76952_DRIVER_H
#define BQ76952_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include "bms_under_test/hal/bms_hal.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bq76952_result {
  BQ76952_OK = 0,
  BQ76952_ERROR_NACK = -1,      /* the device did not acknowledge (absent, asleep, shut down) */
  BQ76952_ERROR_BUS = -2,       /* arbitration lost, timeout, malformed transfer */
  BQ76952_ERROR_NOT_READY = -3, /* a subcommand did not complete within the poll budget */
  BQ76952_ERROR_CHECKSUM = -4,  /* the transfer buffer's checksum did not match its data */
  BQ76952_ERROR_LENGTH = -5,    /* the length byte is outside what the command can return */
  BQ76952_ERROR_MODE = -6       /* CONFIG_UPDATE did not change as commanded */
} bq76952_result;

/* How many times a subcommand result or a mode change is polled before giving up. */
#define BQ76952_POLL_ATTEMPTS 8u

/* Checksum of a transfer: ~(sum of the two address bytes and the data bytes), TRM 3.1. */
uint8_t bq76952_transfer_checksum(uint16_t address, const uint8_t *data, size_t length);

/* Direct-command reads. */
bq76952_result bq76952_read_u8(const bms_hal *hal, uint8_t command, uint8_t *value);
bq76952_result bq76952_read_u16(const bms_hal *hal, uint8_t command, uint16_t *value);
bq76952_result bq76952_read_i16(const bms_hal *hal, uint8_t command, int16_t *value);
/* Consecutive direct commands in one transaction (the chip auto-increments the
 * register address): e.g. all 16 cell voltages, 32 bytes from 0x14. */
bq76952_result bq76952_read_block(const bms_hal *hal, uint8_t first_command, uint8_t *data, size_t length);

/* Direct-command write of a 16-bit register (e.g. Alarm Enable). */
bq76952_result bq76952_write_u16(const bms_hal *hal, uint8_t command, uint16_t value);

/* A command-only subcommand (e.g. ALL_FETS_ON). */
bq76952_result bq76952_subcommand(const bms_hal *hal, uint16_t subcommand);

/* A subcommand with data or a data-memory write (length 1..32): address to
 * 0x3E/0x3F, data to 0x40.., then checksum and length to 0x60/0x61. */
bq76952_result bq76952_transfer_write(const bms_hal *hal, uint16_t address, const uint8_t *data,
                                      size_t length);

/* A subcommand read or data-memory read: address to 0x3E/0x3F, poll until the
 * device echoes it (command complete), then the length, the buffer and the
 * checksum; the first `length` bytes are copied to data. */
bq76952_result bq76952_transfer_read(const bms_hal *hal, uint16_t address, uint8_t *data, size_t length);

/* SET_CFGUPDATE / EXIT_CFGUPDATE, then Battery Status[CFGUPDATE] is polled. */
bq76952_result bq76952_config_update_enter(const bms_hal *hal);
bq76952_result bq76952_config_update_exit(const bms_hal *hal);

#ifdef __cplusplus
}
#endif

#endif /* BQ76952_DRIVER_H */
