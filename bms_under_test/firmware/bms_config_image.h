/*
 * bms_config_image.h: the byte image of a bms_config as the board's
 * configuration EEPROM stores it (how a host overrides the defaults).
 *
 *   offset 0   magic "BMSC" (0x42 0x4D 0x53 0x43)
 *   offset 4   layout version, u16 little-endian (BMS_CONFIG_LAYOUT_VERSION)
 *   offset 6   payload length, u16 little-endian (sizeof(bms_config))
 *   offset 8   payload: the bms_config fields in declaration order, each
 *              32-bit field little-endian, the name as 8 raw bytes
 *   then       CRC-32 (IEEE 802.3, reflected, init and final xor 0xFFFFFFFF)
 *              of everything before it, u32 little-endian
 *
 * The EEPROM is a 24C32-class part at BMS_CONFIG_EEPROM_I2C_ADDRESS with
 * 2-byte (big-endian) memory addresses; the image starts at memory address 0.
 * A blank (0xFF) or absent (NACK) EEPROM means "use the defaults".
 */
#ifndef BMS_CONFIG_IMAGE_H
#define BMS_CONFIG_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "bms_under_test/firmware/bms_config.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BMS_CONFIG_EEPROM_I2C_ADDRESS 0x50u
#define BMS_CONFIG_IMAGE_MAGIC 0x43534D42u /* "BMSC" read as a little-endian u32 */
#define BMS_CONFIG_IMAGE_HEADER_SIZE 8u
#define BMS_CONFIG_IMAGE_CRC_SIZE 4u
#define BMS_CONFIG_IMAGE_SIZE (BMS_CONFIG_IMAGE_HEADER_SIZE + sizeof(bms_config) + BMS_CONFIG_IMAGE_CRC_SIZE)

typedef enum bms_config_image_result {
  BMS_CONFIG_IMAGE_OK = 0,
  BMS_CONFIG_IMAGE_ABSENT = 1,      /* no EEPROM answered, or it is blank */
  BMS_CONFIG_IMAGE_BAD_HEADER = 2,  /* wrong magic, layout version or length */
  BMS_CONFIG_IMAGE_BAD_CRC = 3,     /* corrupted */
  BMS_CONFIG_IMAGE_INVALID = 4,     /* intact but bms_config_check refused it */
  BMS_CONFIG_IMAGE_READ_ERROR = 5   /* the EEPROM stopped answering part-way */
} bms_config_image_result;

/* CRC-32 (IEEE) continued over more bytes; start with crc = 0. */
uint32_t bms_config_image_crc32(uint32_t crc, const uint8_t *data, size_t length);

/* Writes the image of config to out (capacity >= BMS_CONFIG_IMAGE_SIZE) and
 * returns its size, or 0 when it does not fit. For hosts and tools. */
size_t bms_config_image_encode(const bms_config *config, uint8_t *out, size_t capacity);

/* Checks and unpacks an image held in memory; *config is written only when
 * the result is BMS_CONFIG_IMAGE_OK. */
bms_config_image_result bms_config_image_decode(const uint8_t *image, size_t length, bms_config *config);

#ifdef __cplusplus
}
#endif

#endif /* BMS_CONFIG_IMAGE_H */
