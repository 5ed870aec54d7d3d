/*
 * config_storage.c: see config_storage.h. The image streams straight into
 * *config in page-sized reads (no image-sized buffer on the stack); on any
 * failure the defaults are copied back over whatever was read.
 */
#include "bms_under_test/firmware/config_storage.h"

#include <string.h>

static int eeprom_read(const bms_hal *hal, uint32_t memory_address, uint8_t *data, size_t length) {
  const uint8_t address_bytes[2] = {(uint8_t)((memory_address >> 8) & 0xFFu), (uint8_t)(memory_address & 0xFFu)};
  return hal->i2c_write_read(hal->host, BMS_CONFIG_EEPROM_I2C_ADDRESS, address_bytes, sizeof address_bytes,
                             data, length);
}

static uint32_t get_u32_le(const uint8_t *in) {
  return (uint32_t)in[0] | ((uint32_t)in[1] << 8) | ((uint32_t)in[2] << 16) | ((uint32_t)in[3] << 24);
}

static bms_config_image_result load(const bms_hal *hal, bms_config *config) {
  uint8_t header[BMS_CONFIG_IMAGE_HEADER_SIZE];
  if (eeprom_read(hal, 0u, header, sizeof header) != BMS_HAL_OK) {
    return BMS_CONFIG_IMAGE_ABSENT; /* no EEPROM fitted (or it does not answer) */
  }
  const uint32_t magic = get_u32_le(header);
  if (magic == 0xFFFFFFFFu) {
    return BMS_CONFIG_IMAGE_ABSENT;
  }
  const uint32_t layout_version = (uint32_t)header[4] | ((uint32_t)header[5] << 8);
  const uint32_t payload_length = (uint32_t)header[6] | ((uint32_t)header[7] << 8);
  if (magic != BMS_CONFIG_IMAGE_MAGIC || layout_version != BMS_CONFIG_LAYOUT_VERSION ||
      payload_length != sizeof(bms_config)) {
    return BMS_CONFIG_IMAGE_BAD_HEADER;
  }
  uint32_t crc = bms_config_image_crc32(0u, header, sizeof header);
  uint8_t *payload = (uint8_t *)config;
  for (size_t offset = 0; offset < sizeof(bms_config); offset += CONFIG_STORAGE_READ_CHUNK) {
    const size_t remaining = sizeof(bms_config) - offset;
    const size_t chunk = remaining < CONFIG_STORAGE_READ_CHUNK ? remaining : CONFIG_STORAGE_READ_CHUNK;
    if (eeprom_read(hal, (uint32_t)(BMS_CONFIG_IMAGE_HEADER_SIZE + offset), payload + offset, chunk) !=
        BMS_HAL_OK) {
      return BMS_CONFIG_IMAGE_READ_ERROR;
    }
    crc = bms_config_image_crc32(crc, payload + offset, chunk);
  }
  uint8_t stored_crc[BMS_CONFIG_IMAGE_CRC_SIZE];
  if (eeprom_read(hal, (uint32_t)(BMS_CONFIG_IMAGE_HEADER_SIZE + sizeof(bms_config)), stored_crc,
                  sizeof stored_crc) != BMS_HAL_OK) {
    return BMS_CONFIG_IMAGE_READ_ERROR;
  }
  if (crc != get_u32_le(stored_crc)) {
    return BMS_CONFIG_IMAGE_BAD_CRC;
  }
  return bms_config_check(config).rule == 0u ? BMS_CONFIG_IMAGE_OK : BMS_CONFIG_IMAGE_INVALID;
}

bms_config_image_result config_storage_load(const bms_hal *hal, bms_config *config) {
  const bms_config_image_result result = load(hal, config);
  if (result != BMS_CONFIG_IMAGE_OK) {
    memcpy(config, bms_config_default(), sizeof *config);
  }
  return result;
}
